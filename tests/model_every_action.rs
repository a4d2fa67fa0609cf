//! Every documented action of every dialect has a meaning in the model: run against a world
//! built by the dialect's own create actions, each action, given a valid request, answers with
//! every documented response field, or with an error the dialect documents for what the
//! request asked (never "unsupported"). Creates make what later reads see, deletes remove it.

use std::collections::BTreeMap;
use std::sync::Arc;

use lbconform::model::binding::{Binding, Verb};
use lbconform::model::clock::ClockMode;
use lbconform::model::validate::{validate, Violation};
use lbconform::model::{Call, Model};
use lbconform::spec::{examples, Action, Dialect, Param, ParamType, RuleKind};
use serde_json::{json, Map, Value};

fn model() -> Model {
    Model::new(
        Arc::new(lbconform::spec::load_default().unwrap()),
        ClockMode::Manual,
        1000,
    )
}

/// A value the spec accepts for `p`: its enum's first value, its default, its minimum, or a
/// plain value of its type; structures get their required fields.
fn value(d: &Dialect, p: &Param) -> Value {
    if let Some(v) = &p.default {
        return v.clone();
    }
    if let Some(v) = p.enum_values.first() {
        return v.clone();
    }
    if let Some(shape) = d.header.model.malformed.get(&p.name) {
        return json!(shape.example);
    }
    if let Some(pem) = test_pair(&p.name) {
        return json!(pem);
    }
    let fields: &[Param] = if p.fields.is_empty() {
        p.structure
            .as_deref()
            .and_then(|s| d.structures.get(s))
            .map(|s| s.fields.as_slice())
            .unwrap_or(&[])
    } else {
        &p.fields
    };
    let object = || {
        let m: Map<String, Value> = fields
            .iter()
            .filter(|f| f.required)
            .map(|f| (f.name.clone(), value(d, f)))
            .collect();
        Value::Object(m)
    };
    let number = || {
        let min = p.min.as_ref().and_then(|n| n.as_i64()).unwrap_or(1);
        json!(min
            .max(1)
            .min(p.max.as_ref().and_then(|n| n.as_i64()).unwrap_or(i64::MAX)))
    };
    match p.ty {
        ParamType::Integer | ParamType::Long | ParamType::Timestamp => number(),
        ParamType::Float => json!(1.0),
        ParamType::Boolean => json!(false),
        ParamType::Datetime => json!("2026-01-01T00:00:00Z"),
        ParamType::Object => object(),
        ParamType::Array | ParamType::Json if !fields.is_empty() => {
            let n = p.min_items.unwrap_or(1).max(1) as usize;
            Value::Array((0..n).map(|_| object()).collect())
        }
        ParamType::Array => match p.item_type {
            Some(ParamType::Integer | ParamType::Long) => json!([1]),
            _ => json!(["lbconform"]),
        },
        ParamType::Json => json!([]),
        ParamType::String => {
            let n = p.min_length.unwrap_or(0).max(9) as usize;
            let n = n.min(p.max_length.unwrap_or(64) as usize);
            json!("lbconform-x".chars().cycle().take(n).collect::<String>())
        }
    }
}

/// A certificate and its key (generated once, test material) for the parameters that upload
/// one: their content is checked.
fn test_pair(param: &str) -> Option<&'static str> {
    static PAIR: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    let pair = || {
        PAIR.get_or_init(|| {
            let c = rcgen::generate_simple_self_signed(vec!["lbconform.test".into()]).unwrap();
            (c.cert.pem(), c.key_pair.serialize_pem())
        })
    };
    match param {
        "ServerCertificate" => Some(pair().0.as_str()),
        "PrivateKey" => Some(pair().1.as_str()),
        _ => None,
    }
}

/// The ids the world holds, by id field (`VServerGroupId`), newest last.
type World = BTreeMap<String, Vec<String>>;

/// The listener port each protocol's listener gets, so that one load balancer holds all four;
/// an action for several protocols (rules: http, https) addresses its first protocol's.
fn port(a: &Action) -> i64 {
    let protocols = ["HTTPS", "HTTP", "TCP", "UDP"];
    let of = |p: &str| protocols.iter().position(|x| *x == p);
    let named = protocols.iter().position(|p| a.name.contains(p));
    let listed = || {
        a.protocols
            .first()
            .and_then(|p| of(&p.to_ascii_uppercase()))
    };
    named.or_else(listed).map(|i| 80 + i as i64).unwrap_or(82)
}

/// Candidate requests for `a`: every required parameter synthesized, then each documented
/// example; ids taken from the world.
fn requests(d: &Dialect, b: &Binding, a: &Action, world: &World) -> Vec<Map<String, Value>> {
    let mut synthesized = Map::new();
    for p in a.params.iter().filter(|p| p.required) {
        synthesized.insert(p.name.clone(), value(d, p));
    }
    let examples = examples::requests(d, a)
        .into_iter()
        .filter_map(|e| e.params.ok());
    std::iter::once(synthesized)
        .chain(examples)
        .map(|m| with_ids(b, a, world, m))
        .collect()
}

fn with_ids(
    b: &Binding,
    a: &Action,
    world: &World,
    mut m: Map<String, Value>,
) -> Map<String, Value> {
    if m.contains_key("ListenerPort") {
        m.insert("ListenerPort".into(), json!(port(a)));
    }
    if let Some(task) = world.get("TaskId").and_then(|t| t.last()) {
        if a.params.iter().any(|p| p.name == "TaskId") {
            m.insert("TaskId".into(), json!(task));
        }
    }
    if let Some(task) = world.get("requestId").and_then(|t| t.last()) {
        if a.params.iter().any(|p| p.name == "requestId") {
            m.insert("requestId".into(), json!(task.parse::<i64>().unwrap_or(0)));
        }
    }
    for r in &b.refs {
        let id = match world.get(&r.key).and_then(|v| v.last()) {
            Some(id) => id.clone(),
            None => continue,
        };
        // A listener action's optional reference stays out unless the request has it: one
        // VServerGroupId given to every listener would forward for TCP and HTTP at once.
        let required = a.params.iter().any(|p| p.name == r.param && p.required);
        let optional = !a.protocols.is_empty() && !required && !m.contains_key(&r.param);
        if r.slb_listener || optional {
            continue;
        }
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

struct Answer {
    action: String,
    result: Result<Map<String, Value>, String>,
}

/// Values for formatted strings, tried in turn where a synthesized one breaks a pattern.
const FORMATTED: &[&str] = &[
    "1",
    "1/200",
    "0.0.0.0/0",
    "80",
    "10.0.0.0/8",
    "2026-01-01T00:00:00Z",
];

/// Mends a synthesized request the spec refused: adds what a rule requires, drops one of two
/// exclusive parameters, tries formatted values for a pattern. False: nothing left to try.
fn repair(d: &Dialect, a: &Action, m: &mut Map<String, Value>, v: &Violation) -> bool {
    let param = |n: &str| a.params.iter().find(|p| p.name == n);
    match v {
        Violation::MissingWhen { param: n, .. } | Violation::Missing { param: n } => {
            match param(n) {
                Some(p) if !m.contains_key(n) => {
                    m.insert(n.clone(), value(d, p));
                    true
                }
                _ => false,
            }
        }
        Violation::Rule {
            kind: RuleKind::MutuallyExclusive,
            params,
            ..
        } => params.iter().skip(1).any(|p| m.remove(p).is_some()),
        Violation::Rule {
            kind: RuleKind::AtLeastOneOf,
            params,
            ..
        } => match params.first().and_then(|n| param(n)) {
            Some(p) => m.insert(p.name.clone(), value(d, p)).is_none(),
            None => false,
        },
        Violation::Pattern {
            param: n,
            value: have,
        } => {
            let next = FORMATTED.iter().skip_while(|f| *f != have).nth(1);
            let next = if FORMATTED.contains(&have.as_str()) {
                next
            } else {
                FORMATTED.first()
            };
            match (next, param(n)) {
                (Some(f), Some(_)) => {
                    m.insert(n.clone(), json!(f));
                    true
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// Runs the first candidate request the spec accepts.
fn call(
    model: &Model,
    d: &Dialect,
    a: &Action,
    candidates: Vec<Map<String, Value>>,
    n: usize,
) -> Answer {
    let structs = |s: &str| d.structures.get(s).map(|s| s.fields.as_slice());
    let mut first_error = None;
    let valid = candidates.into_iter().find_map(|mut c| {
        for _ in 0..12 {
            match validate(a, &c, &structs) {
                Ok(v) => return Some(v),
                Err(v) => {
                    first_error.get_or_insert_with(|| v[0].to_string());
                    if !repair(d, a, &mut c, &v[0]) {
                        return None;
                    }
                }
            }
        }
        None
    });
    let Some(params) = valid else {
        return Answer {
            action: a.name.clone(),
            result: Err(format!(
                "invalid request: {}",
                first_error.unwrap_or_default()
            )),
        };
    };
    let rid = format!("req-{n}");
    let c = Call {
        dialect: d,
        action: a,
        account: "acct",
        request_id: &rid,
        region: "",
        params,
    };
    let result = model.execute(&c);
    // A patient client: whatever the call started has finished before the next one.
    model.clock.advance(model.transition_delay_ms);
    let result = result.map_err(|f| format!("{} ({})", f.code, f.detail));
    Answer {
        action: a.name.clone(),
        result,
    }
}

/// Ids a create answered, by the id field they belong to.
fn learn(world: &mut World, b: &Binding, body: &Map<String, Value>) {
    let Some(c) = &b.creates else { return };
    let found = c.ids_in(&Value::Object(body.clone()));
    world.entry(c.key.clone()).or_default().extend(found);
}

/// Runs every action of `d` in the order create, then everything else, then delete; returns
/// the answers.
fn run(model: &Model, d: &Dialect) -> Vec<Answer> {
    let mut world = World::new();
    let order = |v: Verb| match v {
        Verb::Create => 0,
        Verb::Delete => 2,
        _ => 1,
    };
    let mut actions: Vec<(&Action, &Binding)> = d
        .actions
        .values()
        .map(|a| {
            (
                a,
                model
                    .binding(d.id(), &a.name)
                    .expect("every action is bound"),
            )
        })
        .collect();
    // Children before parents: listeners, rules and groups are deleted before their load
    // balancer, vswitches before their network.
    let parent_last = |a: &Action, b: &Binding| match b.verb {
        Verb::Delete => match b.target.as_ref().map(|t| t.kind.as_str()) {
            Some("load_balancer") => 2,
            Some("network" | "instance") => 1,
            _ => 0,
        },
        _ => a.name.contains("Listener") as u8,
    };
    actions.sort_by_key(|(a, b)| (order(b.verb), parent_last(a, b)));
    let mut done: BTreeMap<String, Answer> = BTreeMap::new();
    // Creates run first, twice: the second pass makes what needs a parent from the first.
    for pass in 0..3 {
        for (n, (a, b)) in actions.iter().enumerate() {
            let creating = b.verb == Verb::Create;
            let again = done.get(&a.name).is_some_and(|d| d.result.is_err());
            let now = match pass {
                0 => creating,
                1 => creating && again,
                _ => !creating,
            };
            if !now {
                continue;
            }
            let ans = call(model, d, a, requests(d, b, a, &world), n + 1000 * pass);
            if let Ok(body) = &ans.result {
                learn(&mut world, b, body);
                // Tasks are polled by the RequestId (v2: the requestId) that started them.
                if a.is_async {
                    let task = body.get("requestId").map(|v| v.to_string());
                    let rid = format!("req-{}", n + 1000 * pass);
                    world.entry("TaskId".into()).or_default().push(rid);
                    world.entry("requestId".into()).or_default().extend(task);
                }
            }
            done.insert(a.name.clone(), ans);
        }
    }
    done.into_values().collect()
}

/// The refusals this run provokes on purpose or by its order, each the documented answer:
/// what the world's state makes of the synthesized request.
const EXPECTED_REFUSALS: &[(&str, &str, &str)] = &[
    // CreateKeyPair already took the name ImportKeyPair asks for.
    ("aliyun-ens", "ImportKeyPair", "InvalidParameter"),
    // ReleaseInstance released the instance first.
    ("aliyun-ens", "ReleasePostPaidInstance", "InstanceNotFound"),
    // SetBackendServers changes weights of existing backends only.
    ("aliyun-ens", "SetBackendServers", "InstanceNotFound"),
    // The instance and the EPN instance are running already.
    ("aliyun-ens", "StartEpnInstance", "IncorrectInstanceStatus"),
    ("aliyun-ens", "StartInstance", "IncorrectInstanceStatus"),
    // The world's HTTPS listener still uses the certificate (the [model] in_use code).
    (
        "aliyun-slb",
        "DeleteServerCertificate",
        "CertificateAndPrivateKeyIsRefered",
    ),
    // The synthesized request cannot satisfy the sticky-session rules of these two.
    (
        "aliyun-slb",
        "SetLoadBalancerHTTPListenerAttribute",
        "invalid",
    ),
    (
        "aliyun-slb",
        "SetLoadBalancerHTTPSListenerAttribute",
        "invalid",
    ),
    // The world's listener is TCP; redirects and functions are for HTTP/HTTPS listeners (the
    // [model] wrong_protocol code).
    (
        "tencent-clb",
        "AutoRewrite",
        "InvalidParameter.ProtocolCheckFailed",
    ),
    (
        "tencent-clb",
        "RegisterFunctionTargets",
        "InvalidParameter.ProtocolCheckFailed",
    ),
    // The world holds no redirect to delete.
    (
        "tencent-clb",
        "DeleteRewrite",
        "InvalidParameter.SomeRewriteNotFound",
    ),
    // The synthesized SourceListenerId (`lbconform`) names no listener.
    (
        "tencent-clb",
        "ManualRewrite",
        "InvalidParameter.ListenerIdNotFound",
    ),
    // DeleteListener removed the listener first.
    (
        "tencent-clb",
        "DeleteLoadBalancerListeners",
        "InvalidParameter.ListenerIdNotFound",
    ),
    (
        "tencent-clb",
        "DeleteRule",
        "InvalidParameter.ListenerIdNotFound",
    ),
    // The synthesized target was never registered on that listener.
    ("tencent-clb", "DeregisterTargets", "InvalidParameter"),
    // Migration is not allowed from the running state.
    (
        "tencent-clb",
        "MigrateClassicalLoadBalancers",
        "FailedOperation.ResourceInOperating",
    ),
    // DeleteForwardLBListener removed the listener first.
    ("tencent-clb-v2", "DeleteForwardLBListenerRules", "5000"),
    ("tencent-clb-v2", "DeleteLoadBalancerListeners", "5000"),
    // The synthesized backend was never registered.
    (
        "tencent-clb-v2",
        "DeregisterInstancesFromLoadBalancer",
        "5000",
    ),
    // v2 rules are not answered with their ids, so the run has no locationId to give.
    ("tencent-clb-v2", "ModifyLoadBalancerRulesProbe", "5000"),
];

fn unsupported(code: &str) -> bool {
    matches!(code, "UnsupportedOperation" | "6100" | "InvalidAction")
}

#[test]
fn every_action_of_every_dialect_answers_with_its_documented_shape() {
    let model = model();
    let mut report = Vec::new();
    let mut problems = Vec::new();
    let mut refused = Vec::new();
    for d in &model.spec.dialects {
        let answers = run(&model, d);
        assert_eq!(
            answers.len(),
            d.actions.len(),
            "{}: every action ran",
            d.id()
        );
        let mut ok = 0;
        for ans in &answers {
            let a = &d.actions[&ans.action];
            match &ans.result {
                Ok(body) => {
                    ok += 1;
                    for f in &a.response {
                        let envelope = d.header.common_response.iter().any(|c| c.name == f.name);
                        if envelope || f.name == "RequestId" || f.name == "requestId" {
                            continue;
                        }
                        if !body.contains_key(&f.name) {
                            problems.push(format!(
                                "{} {}: documented field {} missing from {body:?}",
                                d.id(),
                                a.name,
                                f.name
                            ));
                        }
                    }
                }
                Err(msg) => {
                    let code = &msg.split(' ').next().unwrap_or_default().to_string();
                    if unsupported(code) {
                        problems.push(format!("{} {}: answered {code}", d.id(), a.name));
                    }
                    if !msg.starts_with("invalid request")
                        && !d.all_errors().any(|e| &e.code == code)
                    {
                        problems.push(format!("{} {}: {code} is not documented", d.id(), a.name));
                    }
                    report.push(format!("{} {}: {msg}", d.id(), a.name));
                    if !EXPECTED_REFUSALS.contains(&(d.id(), a.name.as_str(), code.as_str())) {
                        problems.push(format!("{} {}: unexpected refusal {msg}", d.id(), a.name));
                    }
                    refused.push((d.id().to_string(), a.name.clone()));
                }
            }
        }
        println!("{}: {ok} of {} actions succeeded", d.id(), answers.len());
    }
    println!("{}", report.join("\n"));
    for (d, a, _) in EXPECTED_REFUSALS {
        if !refused.iter().any(|(rd, ra)| rd == d && ra == a) {
            problems.push(format!("{d} {a}: expected a refusal, and it succeeded"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
