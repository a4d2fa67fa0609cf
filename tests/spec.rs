//! The spec loads, is consistent against the seed documents, exports the contract shape, and
//! holds the facts the documents state (spot checks pinned per dialect).

use lbconform::spec::{self, Dialect, Param, ParamType, RuleKind, Spec};
use serde_json::{json, Value};

fn load() -> Spec {
    spec::load_default().expect("spec/ loads")
}

fn dialect<'a>(s: &'a Spec, id: &str) -> &'a Dialect {
    s.dialect(id)
        .unwrap_or_else(|| panic!("dialect {id} is in the spec"))
}

fn param<'a>(d: &'a Dialect, action: &str, name: &str) -> &'a Param {
    let a = d
        .action(action)
        .unwrap_or_else(|| panic!("{} has {action}", d.id()));
    a.params
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{action} has {name}"))
}

fn field<'a>(d: &'a Dialect, structure: &str, name: &str) -> &'a Param {
    let s = d
        .structures
        .get(structure)
        .unwrap_or_else(|| panic!("{} has structure {structure}", d.id()));
    s.fields
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{structure} has {name}"))
}

fn range(p: &Param) -> (Option<i64>, Option<i64>) {
    (
        p.min.as_ref().and_then(|n| n.as_i64()),
        p.max.as_ref().and_then(|n| n.as_i64()),
    )
}

fn states(d: &Dialect, resource: &str) -> Vec<String> {
    d.state_machines[resource]
        .states
        .iter()
        .map(|s| s.name.to_lowercase())
        .collect()
}

#[test]
fn the_spec_is_consistent_against_the_seed_documents() {
    let s = load();
    let seeds = spec::check::Seeds::read(&spec::default_seeds_dir());
    assert!(
        !seeds.is_empty(),
        "seed documents are needed at {}",
        spec::default_seeds_dir().display()
    );
    let problems = spec::check::check(&s, &seeds);
    assert!(
        problems.is_empty(),
        "{} problems, first: {:#?}",
        problems.len(),
        &problems[..problems.len().min(20)]
    );
}

#[test]
fn every_documented_action_count_is_there() {
    let s = load();
    let count = |id: &str| dialect(&s, id).actions.len();
    // As counted in the documents: SLB 62 once 000 and 001 are merged and misspellings resolved,
    // ENS 86, CLB 3.0 92 in the overview (89 with sections), legacy v2 49.
    assert_eq!(count("aliyun-slb"), 62);
    assert_eq!(count("aliyun-ens"), 86);
    assert_eq!(count("tencent-clb"), 92);
    assert_eq!(count("tencent-clb-v2"), 49);
    let clb = dialect(&s, "tencent-clb");
    let documented = clb
        .actions
        .values()
        .filter(|a| a.status == spec::ActionStatus::Documented)
        .count();
    assert_eq!(documented, 89);
    assert_eq!(clb.structures.len(), 73);
}

#[test]
fn slb_facts_from_the_documents() {
    let s = load();
    let slb = dialect(&s, "aliyun-slb");
    assert_eq!(
        range(param(slb, "CreateLoadBalancerHTTPListener", "ListenerPort")),
        (Some(1), Some(65535))
    );
    // 001 gives HealthCheckInterval 1-50 seconds.
    assert_eq!(
        range(param(
            slb,
            "CreateLoadBalancerHTTPListener",
            "HealthCheckInterval"
        )),
        (Some(1), Some(50))
    );
    let connect = param(
        slb,
        "CreateLoadBalancerHTTPListener",
        "HealthCheckConnectPort",
    );
    assert!(
        connect.special.iter().any(|c| c.value == json!(-520)),
        "-520 means the backend port"
    );
    let tcp = slb.action("CreateLoadBalancerTCPListener").unwrap();
    assert!(tcp.rules.iter().any(|r| r.kind == RuleKind::RaiseToAtLeast
        && r.param.as_deref() == Some("HealthCheckConnectTimeout")));
    assert!(
        slb.action("CreateLoadBalancerTCPLListener").is_some(),
        "the misspelling resolves as an alias"
    );
    assert_eq!(
        param(slb, "AddBackendServers", "BackendServers").ty,
        ParamType::Json
    );
    let listener = states(slb, "listener");
    for st in ["stopped", "starting", "running", "configuring", "stopping"] {
        assert!(
            listener.contains(&st.to_string()),
            "SLB listener state {st}: {listener:?}"
        );
    }
    let lb = states(slb, "load_balancer");
    for st in ["active", "inactive", "locked"] {
        assert!(
            lb.contains(&st.to_string()),
            "SLB instance state {st}: {lb:?}"
        );
    }
}

#[test]
fn ens_facts_from_the_document() {
    let s = load();
    let ens = dialect(&s, "aliyun-ens");
    assert_eq!(
        range(param(
            ens,
            "CreateLoadBalancerTCPListener",
            "HealthCheckInterval"
        )),
        (Some(1), Some(50))
    );
    let instance = states(ens, "instance");
    for st in ["starting", "running", "stopping", "stopped", "expired"] {
        assert!(
            instance.contains(&st.to_string()),
            "ENS instance state {st}: {instance:?}"
        );
    }
    let eip = states(ens, "eip");
    for st in ["available", "associating", "inuse", "unassociating"] {
        assert!(eip.contains(&st.to_string()), "EIP state {st}: {eip:?}");
    }
    assert!(
        ens.action("AttachEnInstances").is_some(),
        "the heading's spelling resolves as an alias"
    );
}

#[test]
fn clb_facts_from_the_document() {
    let s = load();
    let clb = dialect(&s, "tencent-clb");
    let health = field(clb, "HealthCheck", "HealthNum");
    assert_eq!(range(health), (Some(2), Some(10)));
    assert_eq!(health.default, Some(json!(3)));
    let code = field(clb, "HealthCheck", "HttpCode");
    assert!(code.bitmask);
    assert_eq!(range(code), (Some(1), Some(31)));
    let rule = &clb.structures["HealthCheck"].rules[0];
    assert_eq!(
        (rule.kind, rule.param.as_deref()),
        (RuleKind::LessThan, Some("TimeOut"))
    );
    assert_eq!(range(field(clb, "Target", "Weight")), (Some(0), Some(100)));
    let detail = field(clb, "TargetHealth", "HealthStatusDetail");
    for v in ["Alive", "Dead", "Unknown", "Close"] {
        assert!(detail.enum_values.contains(&json!(v)), "TargetHealth {v}");
    }
    let status = clb
        .action("DescribeTaskStatus")
        .unwrap()
        .response
        .iter()
        .find(|f| f.name == "Status")
        .unwrap();
    let codes: Vec<&Value> = status.codes.iter().map(|c| &c.value).collect();
    assert_eq!(codes, [&json!(0), &json!(1), &json!(2)]);
    assert!(clb.action("CreateLoadBalancer").unwrap().is_async);
}

#[test]
fn v2_facts_from_the_documents() {
    let s = load();
    v2_checks(dialect(&s, "tencent-clb-v2"));
}

fn v2_checks(v2: &Dialect) {
    let listeners = param(v2, "CreateLoadBalancerListeners", "listeners");
    assert_eq!(listeners.ty, ParamType::Array);
    let health = listeners
        .fields
        .iter()
        .find(|f| f.name == "healthNum")
        .unwrap();
    assert_eq!(
        (range(health), health.default.clone()),
        ((Some(2), Some(10)), Some(json!(3)))
    );
    let task = &v2.state_machines["task"];
    assert_eq!(task.transitions.len(), 2);
    let return_codes = v2
        .header
        .code_tables
        .iter()
        .find(|t| t.name == "return_code")
        .unwrap();
    for c in [0, 4000, 4100, 5100, 5400] {
        assert!(
            return_codes.codes.iter().any(|x| x.value == json!(c)),
            "v2 code {c}"
        );
    }
}

#[test]
fn export_has_the_contract_keys_for_every_action_and_parameter() {
    let s = load();
    let v = spec::export::export(&s);
    let dialects = v["dialects"].as_array().unwrap();
    assert_eq!(dialects.len(), 4);
    for d in dialects {
        for key in ["id", "version", "actions", "state_machines"] {
            assert!(d.get(key).is_some(), "dialect key {key}");
        }
        for a in d["actions"].as_array().unwrap() {
            assert!(a["name"].is_string());
            for p in a["params"].as_array().unwrap() {
                for key in ["name", "type", "required", "min", "max", "enum", "default"] {
                    assert!(p.get(key).is_some(), "{}: param key {key}", a["name"]);
                }
            }
            for e in a["errors"].as_array().unwrap() {
                assert!(e["code"].is_string() && e["http_status"].is_u64());
            }
        }
        for m in d["state_machines"].as_array().unwrap() {
            assert!(m["states"].as_array().unwrap().iter().all(Value::is_string));
            for t in m["transitions"].as_array().unwrap() {
                for key in ["from", "to", "trigger"] {
                    assert!(t[key].is_string(), "transition key {key}");
                }
            }
        }
    }
}

#[test]
fn the_counts_are_pinned_so_a_deletion_is_noticed() {
    // actions, params, params with nested fields, response fields, distinct errors, structures,
    // state machines, transitions, rules, limits, errata. Adding to the spec means updating this
    // table in the same change; a number going down without that is an accidental deletion.
    let pinned: [(&str, [usize; 11]); 4] = [
        ("aliyun-ens", [86, 367, 389, 537, 17, 0, 7, 50, 34, 106, 71]),
        ("aliyun-slb", [62, 349, 386, 346, 45, 0, 3, 37, 65, 30, 84]),
        (
            "tencent-clb",
            [92, 396, 396, 155, 60, 73, 4, 66, 74, 152, 48],
        ),
        (
            "tencent-clb-v2",
            [49, 214, 314, 365, 24, 0, 4, 12, 23, 23, 46],
        ),
    ];
    let s = load();
    for (id, want) in pinned {
        let st = spec::stats::stats(dialect(&s, id));
        let got = [
            st.actions,
            st.params,
            st.params_nested,
            st.response_fields,
            st.errors,
            st.structures,
            st.state_machines,
            st.transitions,
            st.rules,
            st.limits,
            st.errata,
        ];
        assert_eq!(got, want, "{id}: spec stats changed");
    }
}
