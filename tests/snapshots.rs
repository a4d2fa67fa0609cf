//! Snapshots of the embedded emulator's answers, normalised by the rules of
//! `lbconform::conformance::normalise` (ids, request ids, times, addresses, signatures and
//! nonces redacted), under `snapshots/` at the repository root.
//!
//! - Every action of every dialect is called once with a valid request (the spec's generated
//!   base request: a fixture, a documented example or one synthesised from the spec), in a
//!   world built by the dialect's own create actions (ids learnt from their answers);
//! - each documented JSON example response is compared in shape (keys, nesting, JSON types)
//!   with the emulator's answer to that action; departures are allowed only for actions an
//!   erratum names, and the list of allowed departures is itself a snapshot;
//! - each documented XML example response (SLB and ENS document some only in XML) is compared
//!   in shape (element names and nesting; leaf text is not judged) with the emulator's
//!   `Format=XML` answer, from a second run of the same calls with `Format=XML`.
//!
//! A changed answer fails the test (insta never updates snapshots unless asked:
//! `INSTA_UPDATE=always cargo test --test snapshots`, or `cargo insta review`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use lbconform::conformance::client::{Answer, CallOpts, Client};
use lbconform::conformance::normalise::{normalise, shape_departures};
use lbconform::conformance::target::Target;
use lbconform::conformance::{case, generate};
use lbconform::model::binding::{Binding, Bindings, Verb};
use lbconform::model::clock::ClockMode;
use lbconform::model::Model;
use lbconform::spec::{Dialect, ExampleFormat, ExampleKind, ParamType, Protocol, Spec};
use quick_xml::events::Event;
use serde_json::{json, Map, Value};

/// The ids the world holds, by id field, newest last.
type World = BTreeMap<String, Vec<String>>;

fn port(action: &str) -> i64 {
    ["HTTPS", "HTTP", "TCP", "UDP"]
        .iter()
        .position(|p| action.contains(p))
        .map(|i| 80 + i as i64)
        .unwrap_or(82)
}

/// Each action's base request (the generated base case's call), by dialect and action.
type Bases = BTreeMap<(String, String), Map<String, Value>>;

/// The action's base request with ids from the world where it names existing resources.
fn with_ids(
    b: &Binding,
    d: &Dialect,
    action: &str,
    world: &World,
    base: &Bases,
) -> Map<String, Value> {
    let mut m = base
        .get(&(d.id().to_string(), action.to_string()))
        .cloned()
        .unwrap_or_default();
    let a = &d.actions[action];
    if m.contains_key("ListenerPort") {
        m.insert("ListenerPort".into(), json!(port(action)));
    }
    for r in &b.refs {
        if r.slb_listener {
            continue;
        }
        let Some(id) = world.get(&r.key).and_then(|v| v.last()) else {
            continue;
        };
        let is_list = a
            .params
            .iter()
            .any(|p| p.name == r.param && p.ty == ParamType::Array);
        m.insert(
            r.param.clone(),
            if is_list { json!([id]) } else { json!(id) },
        );
    }
    m
}

/// Adds to the world the ids of kinds it holds none of, from a successful answer: the way to
/// learn an id whose create does not answer it (a v2 rule's locationId, listed by
/// DescribeForwardLBListeners).
fn learn_unanswered(kinds: &BTreeSet<String>, body: &Value, world: &mut World) {
    match body {
        Value::Object(m) => {
            for (k, v) in m {
                match v {
                    Value::String(id)
                        if kinds.contains(k) && world.get(k).is_none_or(Vec::is_empty) =>
                    {
                        world.insert(k.clone(), vec![id.clone()]);
                    }
                    _ => learn_unanswered(kinds, v, world),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| learn_unanswered(kinds, v, world)),
        _ => {}
    }
}

/// Ids no create answered (v2's rules) are learnt from listings that name only what they
/// require, under each resource of the first kind they require (the rule may sit under any
/// load balancer the world made), before anything uses them.
async fn learn_from_listings(
    client: &Client,
    d: &Dialect,
    actions: &[(&str, &Binding)],
    base: &Bases,
    kinds: &BTreeSet<String>,
    world: &mut World,
) {
    for (a, b) in actions.iter().filter(|(_, b)| b.list.is_some()) {
        let required = |k: &str| {
            d.actions[*a]
                .params
                .iter()
                .any(|p| p.name == k && p.required)
        };
        let Some(first) = b.refs.iter().find(|r| required(&r.param)) else {
            continue;
        };
        let parents = world.get(&first.key).cloned().unwrap_or_default();
        for parent in parents {
            let mut params = with_ids(b, d, a, world, base);
            params.retain(|k, _| required(k));
            params.insert(first.param.clone(), json!(parent));
            let answer = client
                .call(d, a, &params, &CallOpts::default())
                .await
                .unwrap();
            if answer.code.is_none() {
                learn_unanswered(kinds, &answer.body, world);
            }
        }
    }
}

/// Every action of every dialect, once, against a fresh embedded emulator: dialect -> action ->
/// answer. Creates first (twice, so children find their parents), then the rest, deletes last
/// and parents after children.
fn every_action(
    spec: &Arc<Spec>,
    format: Option<&str>,
) -> BTreeMap<String, BTreeMap<String, Answer>> {
    let suite = case::load(&case::default_suite_dir()).unwrap();
    let generated = generate::generate(spec, &suite.fixtures, "lbc-snap-");
    let mut base = Bases::new();
    for c in &generated.cases {
        if let Some(action) =
            c.id.strip_suffix("/request/base")
                .and_then(|r| r.rsplit('/').next())
        {
            // The base call is the step calling the action; setup steps may come before it.
            let call = c
                .steps
                .iter()
                .rev()
                .find(|s| s.call.as_deref() == Some(action));
            let Some(step) = call else { continue };
            base.insert((c.dialect.clone(), action.to_string()), step.params.clone());
        }
    }
    let model = Model::new(spec.clone(), ClockMode::Manual, 1000);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let target = Target::embedded(spec.clone()).await.unwrap();
        let client = Client::new(&target);
        let mut out = BTreeMap::new();
        let opts = CallOpts {
            format: format.map(str::to_string),
            ..CallOpts::default()
        };
        // XML is Alibaba's alone (`Format`); the other dialects answer JSON only.
        let dialects = spec
            .dialects
            .iter()
            .filter(|d| format.is_none() || d.header.protocol == Protocol::Rpc);
        for d in dialects {
            let mut world = World::new();
            let kinds: BTreeSet<String> = Bindings::of(d).kinds.into_keys().collect();
            let mut actions: Vec<(&str, &Binding)> = d
                .actions
                .keys()
                .filter_map(|a| Some((a.as_str(), model.binding(d.id(), a)?)))
                .collect();
            let order = |a: &str, b: &Binding| {
                let verb = match b.verb {
                    Verb::Create => 0,
                    Verb::Delete => 2,
                    _ => 1,
                };
                let parent_last = match b.verb {
                    Verb::Delete => match b.target.as_ref().map(|t| t.kind.as_str()) {
                        Some("load_balancer") => 2,
                        Some("network" | "instance") => 1,
                        _ => 0,
                    },
                    _ => a.contains("Listener") as u8,
                };
                (verb, parent_last)
            };
            actions.sort_by_key(|(a, b)| order(a, b));
            let mut answers: BTreeMap<String, Answer> = BTreeMap::new();
            for pass in 0..3 {
                if pass == 2 {
                    learn_from_listings(&client, d, &actions, &base, &kinds, &mut world).await;
                }
                for (a, b) in &actions {
                    let creating = b.verb == Verb::Create;
                    let again = answers.get(*a).is_some_and(|x| x.code.is_some());
                    let now = match pass {
                        0 => creating,
                        1 => creating && again,
                        _ => !creating,
                    };
                    if !now {
                        continue;
                    }
                    let params = with_ids(b, d, a, &world, &base);
                    let answer = client.call(d, a, &params, &opts).await.unwrap();
                    if answer.code.is_none() {
                        if let Some(c) = &b.creates {
                            let found = c.ids_in(&answer.body);
                            world.entry(c.key.clone()).or_default().extend(found);
                        }
                        // A create that answers no id (v2's rules): learnt from a listing.
                        learn_unanswered(&kinds, &answer.body, &mut world);
                    }
                    // Whatever the call started has finished before the next one.
                    client
                        .admin("POST", "clock/advance", "ms=1000")
                        .await
                        .unwrap();
                    answers.insert(a.to_string(), answer);
                }
            }
            out.insert(d.id().to_string(), answers);
        }
        out
    })
}

fn shown(a: &Answer) -> Value {
    json!({
        "http_status": a.http_status,
        "code": a.code,
        "body": a.body,
    })
}

/// Departures of the emulator from the documented examples that no erratum explains: known
/// faults of the model, listed so that a new one fails the test (and a fixed one must be
/// removed from here).
const KNOWN_DEPARTURES: &[(&str, &str)] = &[
    (
        "tencent-clb DescribeIdleLoadBalancers",
        "IdleLoadBalancers[].Status: number (answered string)",
    ),
    (
        "tencent-clb DescribeLoadBalancerListByCertId",
        "CertSet[].LoadBalancers[].Log: string (missing)",
    ),
    (
        "tencent-clb DescribeLoadBalancers",
        "LoadBalancerSet[].Log: string (missing)",
    ), // At this point of the run ENS has no load balancer left (JSON `"LoadBalancers": []`), and
    // the XML renderer writes an empty list as no element at all, where the example shows the
    // container; whether the real service writes `<LoadBalancers/>` is not documented.
    (
        "aliyun-ens DescribeLoadBalancers (XML)",
        "LoadBalancers: element (missing)",
    ),
    (
        "aliyun-ens DescribeLoadBalancers (XML)",
        "LoadBalancers/Address: element (missing)",
    ),
    (
        "aliyun-ens DescribeLoadBalancers (XML)",
        "LoadBalancers/AddressIPVersion: element (missing)",
    ),
    (
        "aliyun-ens DescribeLoadBalancers (XML)",
        "LoadBalancers/CreateTime: element (missing)",
    ),
    (
        "aliyun-ens DescribeLoadBalancers (XML)",
        "LoadBalancers/EnsRegionId: element (missing)",
    ),
    (
        "aliyun-ens DescribeLoadBalancers (XML)",
        "LoadBalancers/LoadBalancerId: element (missing)",
    ),
    (
        "aliyun-ens DescribeLoadBalancers (XML)",
        "LoadBalancers/LoadBalancerName: element (missing)",
    ),
    (
        "aliyun-ens DescribeLoadBalancers (XML)",
        "LoadBalancers/LoadBalancerStatus: element (missing)",
    ),
    (
        "aliyun-ens DescribeLoadBalancers (XML)",
        "LoadBalancers/NetworkId: element (missing)",
    ),
    (
        "aliyun-ens DescribeLoadBalancers (XML)",
        "LoadBalancers/PayType: element (missing)",
    ),
    (
        "aliyun-ens DescribeLoadBalancers (XML)",
        "LoadBalancers/VSwitchId: element (missing)",
    ),
];

/// Files the departures `found` for `key`: allowed (marked) where an erratum names the action,
/// else unexplained.
fn record(
    d: &Dialect,
    name: &str,
    key: &str,
    found: Vec<String>,
    departures: &mut BTreeMap<String, Vec<String>>,
    unexplained: &mut Vec<(String, String)>,
) {
    if found.is_empty() {
        return;
    }
    let erratum = d
        .errata
        .iter()
        .any(|e| e.affects.iter().any(|x| x == &format!("action:{name}")));
    if !erratum {
        for f in &found {
            unexplained.push((key.to_string(), f.clone()));
        }
    }
    let list = departures.entry(key.to_string()).or_default();
    for f in found {
        let f = if erratum { format!("erratum: {f}") } else { f };
        if !list.contains(&f) {
            list.push(f);
        }
    }
}

/// An XML document's shape: the paths of its elements below the root (`List/Item/Field`), and
/// those of its empty elements (no child, no text: an empty list).
#[derive(Debug, Default)]
struct XmlShape {
    paths: BTreeSet<String>,
    empty: BTreeSet<String>,
}

fn xml_shape(text: &str) -> Result<XmlShape, String> {
    let mut r = quick_xml::Reader::from_str(text.trim());
    r.config_mut().trim_text(true);
    let mut shape = XmlShape::default();
    // The open elements: path and whether anything was inside.
    let mut open: Vec<(String, bool)> = Vec::new();
    loop {
        let ev = r.read_event().map_err(|e| e.to_string())?;
        let path_of = |open: &[(String, bool)], name: &[u8]| {
            let name = String::from_utf8_lossy(name).into_owned();
            match open.last() {
                Some((p, _)) => format!("{p}/{name}"),
                None => name,
            }
        };
        match ev {
            Event::Start(e) => {
                let p = path_of(&open, e.name().as_ref());
                if let Some(last) = open.last_mut() {
                    last.1 = true;
                }
                shape.paths.insert(p.clone());
                open.push((p, false));
            }
            Event::Empty(e) => {
                let p = path_of(&open, e.name().as_ref());
                if let Some(last) = open.last_mut() {
                    last.1 = true;
                }
                shape.paths.insert(p.clone());
                shape.empty.insert(p);
            }
            Event::Text(_) | Event::CData(_) => {
                if let Some(last) = open.last_mut() {
                    last.1 = true;
                }
            }
            Event::End(_) => {
                if let Some((p, false)) = open.pop() {
                    shape.empty.insert(p);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if shape.paths.is_empty() {
        return Err("no element".into());
    }
    // Below the root: the root is the envelope (`<ActionResponse>`, which some examples spell
    // `<Action>`), stripped as the client strips it from a JSON comparison's body.
    let below = |set: &BTreeSet<String>| -> BTreeSet<String> {
        set.iter()
            .filter_map(|p| p.split_once('/').map(|(_, rest)| rest.to_string()))
            .collect()
    };
    Ok(XmlShape {
        paths: below(&shape.paths),
        empty: below(&shape.empty),
    })
}

/// The documented element paths the answer lacks. Leaf text is not judged (XML has no types);
/// below an element the answer leaves empty (an empty list) nothing is required.
fn xml_departures(doc: &XmlShape, got: &XmlShape) -> Vec<String> {
    doc.paths
        .iter()
        .filter(|p| !got.paths.contains(*p))
        .filter(|p| {
            let mut prefix = p.as_str();
            while let Some((head, _)) = prefix.rsplit_once('/') {
                // An empty ancestor: an empty list in the answer.
                if got.empty.contains(head) {
                    return false;
                }
                prefix = head;
            }
            true
        })
        .map(|p| format!("{p}: element (missing)"))
        .collect()
}

#[test]
fn every_action_answers_as_its_snapshot_and_documented_examples_keep_their_shape() {
    let spec = Arc::new(lbconform::spec::load_default().unwrap());
    let all = every_action(&spec, None);
    let xml = every_action(&spec, Some("xml"));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for (dialect, answers) in &all {
            let d = spec.dialect(dialect).unwrap();
            assert_eq!(answers.len(), d.actions.len(), "{dialect}: every action ran");
            // One normalisation over the whole dialect: an id learnt in one answer is
            // redacted wherever it appears (in another answer's message, say).
            let shown: Map<String, Value> = answers.iter().map(|(a, x)| (a.clone(), shown(x))).collect();
            insta::assert_json_snapshot!(format!("answers-{dialect}"), normalise(&Value::Object(shown)));
        }
        // Documented example responses, in shape.
        let mut departures: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut unexplained = Vec::new();
        let mut compared = 0;
        for (dialect, answers) in &all {
            let d = spec.dialect(dialect).unwrap();
            for (name, a) in &d.actions {
                let answer = &answers[name];
                for ex in a.examples.iter().filter(|e| e.kind == ExampleKind::Response && e.format == ExampleFormat::Json) {
                    let Ok(doc) = serde_json::from_str::<Value>(&ex.body) else {
                        continue;
                    };
                    // Tencent 3.0 examples carry the envelope the client strips.
                    let doc = match doc.get("Response") {
                        Some(r) if d.id() == "tencent-clb" => r.clone(),
                        _ => doc,
                    };
                    if answer.code.is_some() {
                        departures
                            .entry(format!("{dialect} {name}"))
                            .or_default()
                            .push(format!("not compared: answered {}", answer.code.as_deref().unwrap_or("")));
                        continue;
                    }
                    compared += 1;
                    let found = shape_departures(&doc, &answer.body);
                    if found.is_empty() {
                        continue;
                    }
                    record(d, name, &format!("{dialect} {name}"), found, &mut departures, &mut unexplained);
                }
            }
        }
        // Documented XML example responses (some actions are documented only in XML), in
        // shape: the element paths of the example must be in the emulator's XML answer.
        let mut compared_xml = 0;
        for (dialect, answers) in &xml {
            let d = spec.dialect(dialect).unwrap();
            for (name, a) in &d.actions {
                let answer = &answers[name];
                for ex in a.examples.iter().filter(|e| e.kind == ExampleKind::Response && e.format == ExampleFormat::Xml) {
                    let Ok(doc) = xml_shape(&ex.body) else {
                        continue;
                    };
                    let key = format!("{dialect} {name} (XML)");
                    if answer.code.is_some() {
                        let f = format!("not compared: answered {}", answer.code.as_deref().unwrap_or(""));
                        let list = departures.entry(key).or_default();
                        if !list.contains(&f) {
                            list.push(f);
                        }
                        continue;
                    }
                    compared_xml += 1;
                    let found = match xml_shape(&answer.raw) {
                        Ok(got) => xml_departures(&doc, &got),
                        Err(e) => vec![format!("the answer is not XML: {e}")],
                    };
                    record(d, name, &key, found, &mut departures, &mut unexplained);
                }
            }
        }
        eprintln!("{compared} documented JSON and {compared_xml} XML example responses compared in shape");
        assert!(compared_xml > 0, "XML examples were compared");
        insta::assert_json_snapshot!("example-shape-departures", departures);
        let new: Vec<_> = unexplained
            .iter()
            .filter(|(k, f)| !KNOWN_DEPARTURES.contains(&(k.as_str(), f.as_str())))
            .collect();
        assert!(new.is_empty(), "answers that depart in shape from a documented example, no erratum naming the action: {new:#?}");
        for (k, f) in KNOWN_DEPARTURES {
            assert!(
                unexplained.iter().any(|(a, b)| a == k && b == f),
                "{k}: {f} no longer departs: remove it from KNOWN_DEPARTURES"
            );
        }
    });
}
