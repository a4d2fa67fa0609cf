//! Snapshots of the embedded emulator's answers, normalised by the rules of
//! `lbconform::conformance::normalise` (ids, request ids, times, addresses, signatures and
//! nonces redacted), under `snapshots/` at the repository root.
//!
//! - Every action of every dialect is called once with a valid request (the spec's generated
//!   base request: a fixture, a documented example or one synthesised from the spec), in a
//!   world built by the dialect's own create actions (ids learnt from their answers);
//! - each documented JSON example response is compared in shape (keys, nesting, JSON types)
//!   with the emulator's answer to that action; departures are allowed only for actions an
//!   erratum names, and the list of allowed departures is itself a snapshot.
//!
//! A changed answer fails the test (insta never updates snapshots unless asked:
//! `INSTA_UPDATE=always cargo test --test snapshots`, or `cargo insta review`).

use std::collections::BTreeMap;
use std::sync::Arc;

use lbconform::conformance::client::{Answer, CallOpts, Client};
use lbconform::conformance::normalise::{normalise, shape_departures};
use lbconform::conformance::target::Target;
use lbconform::conformance::{case, generate};
use lbconform::model::binding::{Binding, Verb};
use lbconform::model::clock::ClockMode;
use lbconform::model::Model;
use lbconform::spec::{Dialect, ExampleFormat, ExampleKind, ParamType, Spec};
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

/// The base request with ids from the world where the action names existing resources.
fn with_ids(
    b: &Binding,
    d: &Dialect,
    action: &str,
    world: &World,
    mut m: Map<String, Value>,
) -> Map<String, Value> {
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

/// Every action of every dialect, once, against a fresh embedded emulator: dialect -> action ->
/// answer. Creates first (twice, so children find their parents), then the rest, deletes last
/// and parents after children.
fn every_action(spec: &Arc<Spec>) -> BTreeMap<String, BTreeMap<String, Answer>> {
    let suite = case::load(&case::default_suite_dir()).unwrap();
    let generated = generate::generate(spec, &suite.fixtures, "lbc-snap-");
    let mut base: BTreeMap<(String, String), Map<String, Value>> = BTreeMap::new();
    for c in &generated.cases {
        if let Some(action) =
            c.id.strip_suffix("/request/base")
                .and_then(|r| r.rsplit('/').next())
        {
            base.insert(
                (c.dialect.clone(), action.to_string()),
                c.steps[0].params.clone(),
            );
        }
    }
    let model = Model::new(spec.clone(), ClockMode::Manual, 1000);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let target = Target::embedded(spec.clone()).await.unwrap();
        let client = Client::new(&target);
        let mut out = BTreeMap::new();
        for d in &spec.dialects {
            let mut world = World::new();
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
                    let params = base
                        .get(&(d.id().to_string(), a.to_string()))
                        .cloned()
                        .unwrap_or_default();
                    let params = with_ids(b, d, a, &world, params);
                    let answer = client
                        .call(d, a, &params, &CallOpts::default())
                        .await
                        .unwrap();
                    if answer.code.is_none() {
                        if let Some(c) = &b.creates {
                            let found = c.ids_in(&answer.body);
                            world.entry(c.key.clone()).or_default().extend(found);
                        }
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
    ),
];

#[test]
fn every_action_answers_as_its_snapshot_and_documented_examples_keep_their_shape() {
    let spec = Arc::new(lbconform::spec::load_default().unwrap());
    let all = every_action(&spec);
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
                    let erratum = d
                        .errata
                        .iter()
                        .any(|e| e.affects.iter().any(|x| x == &format!("action:{name}")));
                    let key = format!("{dialect} {name}");
                    if !erratum {
                        for f in &found {
                            unexplained.push((key.clone(), f.clone()));
                        }
                    }
                    let list = departures.entry(key).or_default();
                    for f in found {
                        let f = if erratum { format!("erratum: {f}") } else { f };
                        if !list.contains(&f) {
                            list.push(f);
                        }
                    }
                }
            }
        }
        eprintln!("{compared} documented example responses compared in shape");
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
