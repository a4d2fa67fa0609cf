//! Stateful property tests: random histories of valid and invalid calls over a small pool of
//! resources, applied to the target over HTTP and to an in-process [`Model`] (manual clock, the
//! oracle) side by side, each answer compared with the model's prediction.
//!
//! - A [`Profile`] per dialect names the calls (create a load balancer, create a listener,
//!   start and stop it on Alibaba, add and remove backends, describes, delete, an out-of-range
//!   value) as templates with `${lb}`, `${listener}`, `${port}` and `${server}`.
//! - An [`Op`] names a template and the pool slots it uses. A load-balancer slot that was never
//!   created is an unknown id; one that was deleted stays a deleted id.
//! - Ids are learnt from each side's own answer (the target's from the target, the model's from
//!   the model) and mapped by slot, so the property never assumes the target's id formats.
//! - Compared: success or error, the error code, and for describes the projection the profile
//!   names (states, ports, backend ids, counts), as a set. Against a target without a manual
//!   clock a transitional state may already be its completion ([`Profile::settled`]).
//! - A failure is shrunk by proptest to a shortest history and rendered as a case file in the
//!   `suites/` format ([`case_toml`]) whose expectations are the model's predictions, so
//!   replaying it against the target fails at the step that departs.
//!
//! The model side goes through the same stages as a request to the emulator, without HTTP:
//! parameters decoded by [`crate::wire::params`] from what the client sends, validated by
//! [`crate::model::validate`], executed, and conformed to the documented shape.

use std::collections::BTreeMap;
use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use serde_json::{json, Map, Value};

use super::case::{AdminOp, Case, Expect, Step};
use super::cleanup::{self, Created};
use super::client::{flat_value, CallOpts, Client};
use super::runner::{lookup, RunConfig};
use super::target::Target;
use crate::model::clock::ClockMode;
use crate::model::validate::validate;
use crate::model::{Call, Model};
use crate::spec::{Dialect, Protocol, Spec};
use crate::wire::codes;
use crate::wire::errors::{param_error, violation_error};
use crate::wire::{flatten, params};

/// The number of load-balancer slots, listener ports and backend servers in the pool.
pub const LB_SLOTS: usize = 3;
pub const PORTS: [u16; 2] = [80, 443];
pub const SERVERS: usize = 2;
/// The id used for a load balancer (or listener) that exists on neither side.
pub const UNKNOWN_LB: &str = "lb-lbconformdoesnotexist00";
pub const UNKNOWN_LISTENER: &str = "lbl-lbconformdoesnotexist";
/// How far one `Advance` moves both clocks: the embedded target's transition delay.
pub const ADVANCE_MS: u64 = 1000;

/// One call template.
#[derive(Debug, Clone)]
pub struct Tmpl {
    pub action: &'static str,
    /// Parameters; strings may hold `${lb}`, `${listener}`, `${port}`, `${server}`.
    pub params: Value,
    /// For creates: variable suffix -> path, in name order (`d` before `lb`), paths may use
    /// the variables captured before them (`unLoadBalancerIds.${d}.0`).
    pub capture: Vec<(&'static str, &'static str)>,
    /// For describes: the paths compared (`*` for every item of a list).
    pub project: Vec<&'static str>,
}

fn t(action: &'static str, params: Value) -> Tmpl {
    Tmpl {
        action,
        params,
        capture: Vec::new(),
        project: Vec::new(),
    }
}

impl Tmpl {
    fn capture(mut self, c: &[(&'static str, &'static str)]) -> Tmpl {
        self.capture = c.to_vec();
        self
    }
    fn project(mut self, p: &[&'static str]) -> Tmpl {
        self.project = p.to_vec();
        self
    }
}

/// The calls of one dialect.
#[derive(Debug, Clone)]
pub struct Profile {
    pub dialect: &'static str,
    pub create_lb: Tmpl,
    /// Captures `ls` (the listener id) where the dialect names listeners by id.
    pub create_listener: Tmpl,
    /// A create with an out-of-range value.
    pub bad_listener: Tmpl,
    pub start_listener: Option<Tmpl>,
    pub stop_listener: Option<Tmpl>,
    pub add_backend: Tmpl,
    pub remove_backend: Tmpl,
    pub describe_lb: Tmpl,
    pub describe_listener: Tmpl,
    pub describe_backends: Option<Tmpl>,
    pub delete_lb: Tmpl,
    /// (field, transitional state, its completion), as the describes show them.
    pub transitions: Vec<(&'static str, &'static str, &'static str)>,
}

impl Profile {
    /// The profile of `dialect`, if the property covers it.
    pub fn of(dialect: &str) -> Option<Profile> {
        Some(match dialect {
            "aliyun-slb" => alibaba("aliyun-slb"),
            "aliyun-ens" => alibaba("aliyun-ens"),
            "tencent-clb" => tencent(),
            "tencent-clb-v2" => tencent_v2(),
            _ => return None,
        })
    }

    /// Whether `target` shows what `model` predicts, or its completion.
    pub fn settled(&self, model: &str, target: &str) -> bool {
        let Some((path, value)) = model.split_once('=') else {
            return false;
        };
        let last = path.rsplit('.').next().unwrap_or(path);
        self.transitions.iter().any(|(field, from, to)| {
            last == *field && value == *from && target == format!("{path}={to}")
        })
    }
}

fn alibaba(dialect: &'static str) -> Profile {
    let slb = dialect == "aliyun-slb";
    // SLB names its region; ENS's calls on an existing load balancer need none.
    let with = |v: Value| -> Value {
        let mut m = v.as_object().cloned().unwrap_or_default();
        if slb {
            m.insert("RegionId".into(), json!("cn-hangzhou"));
        }
        Value::Object(m)
    };
    let lb = json!({"LoadBalancerId": "${lb}"});
    let listener = json!({"LoadBalancerId": "${lb}", "ListenerPort": "${port}"});
    let mut create_listener =
        json!({"LoadBalancerId": "${lb}", "ListenerPort": "${port}", "BackendServerPort": 8080});
    if slb {
        create_listener["Bandwidth"] = json!(-1);
    }
    let mut bad = create_listener.clone();
    bad["HealthCheckInterval"] = json!(51);
    let create = if slb {
        t("CreateLoadBalancer", json!({"RegionId": "cn-hangzhou"}))
    } else {
        t(
            "CreateLoadBalancer",
            json!({"EnsRegionId": "cn-beijing-telecom", "LoadBalancerSpec": "elb.s1.small", "PayType": "PostPaid", "NetworkId": "n-lbconform", "VSwitchId": "vsw-lbconform"}),
        )
    };
    let delete = if slb {
        t("DeleteLoadBalancer", with(lb.clone()))
    } else {
        t("ReleaseInstance", json!({"InstanceId": "${lb}"}))
    };
    let transitions = if slb {
        vec![
            ("Status", "starting", "running"),
            ("Status", "stopping", "stopped"),
            ("Status", "configuring", "running"),
        ]
    } else {
        vec![
            ("Status", "Starting", "Running"),
            ("Status", "Stopping", "Stopped"),
            ("Status", "Configuring", "Running"),
        ]
    };
    Profile {
        dialect,
        create_lb: create.capture(&[("lb", "LoadBalancerId")]),
        create_listener: t("CreateLoadBalancerTCPListener", with(create_listener)),
        bad_listener: t("CreateLoadBalancerTCPListener", with(bad)),
        start_listener: Some(t("StartLoadBalancerListener", with(listener.clone()))),
        stop_listener: Some(t("StopLoadBalancerListener", with(listener.clone()))),
        add_backend: t(
            "AddBackendServers",
            with(
                json!({"LoadBalancerId": "${lb}", "BackendServers": "[{\"ServerId\":\"i-lbc${server}\",\"Weight\":100}]"}),
            ),
        ),
        remove_backend: t(
            "RemoveBackendServers",
            with(json!({"LoadBalancerId": "${lb}", "BackendServers": "[\"i-lbc${server}\"]"})),
        ),
        describe_lb: t("DescribeLoadBalancerAttribute", with(lb)).project(&[
            "LoadBalancerStatus",
            "ListenerPorts.ListenerPort.*",
            "BackendServers.BackendServer.*.ServerId",
        ]),
        describe_listener: t("DescribeLoadBalancerTCPListenerAttribute", with(listener))
            .project(&["Status", "ListenerPort"]),
        describe_backends: None,
        delete_lb: delete,
        transitions,
    }
}

fn tencent() -> Profile {
    let target = json!({"LoadBalancerId": "${lb}", "ListenerId": "${listener}", "Targets": [{"InstanceId": "ins-lbc${server}", "Port": 8080}]});
    Profile {
        dialect: "tencent-clb",
        create_lb: t("CreateLoadBalancer", json!({"LoadBalancerType": "OPEN"}))
            .capture(&[("lb", "LoadBalancerIds.0")]),
        create_listener: t(
            "CreateListener",
            json!({"LoadBalancerId": "${lb}", "Ports": ["${port}"], "Protocol": "TCP"}),
        )
        .capture(&[("ls", "ListenerIds.0")]),
        bad_listener: t(
            "CreateListener",
            json!({"LoadBalancerId": "${lb}", "Ports": ["${port}"], "Protocol": "TCP", "HealthCheck": {"IntervalTime": 301}}),
        ),
        start_listener: None,
        stop_listener: None,
        add_backend: t("RegisterTargets", target.clone()),
        remove_backend: t("DeregisterTargets", target),
        describe_lb: t(
            "DescribeLoadBalancers",
            json!({"LoadBalancerIds": ["${lb}"]}),
        )
        .project(&["TotalCount", "LoadBalancerSet.*.Status"]),
        describe_listener: t("DescribeListeners", json!({"LoadBalancerId": "${lb}"})).project(&[
            "TotalCount",
            "Listeners.*.Port",
            "Listeners.*.Protocol",
        ]),
        describe_backends: Some(
            t("DescribeTargets", json!({"LoadBalancerId": "${lb}"}))
                .project(&["Listeners.*.Port", "Listeners.*.Targets.*.InstanceId"]),
        ),
        delete_lb: t("DeleteLoadBalancer", json!({"LoadBalancerIds": ["${lb}"]})),
        transitions: vec![("Status", "0", "1")],
    }
}

fn tencent_v2() -> Profile {
    Profile {
        dialect: "tencent-clb-v2",
        create_lb: t("CreateLoadBalancer", json!({"loadBalancerType": 2}))
            .capture(&[("d", "dealIds.0"), ("lb", "unLoadBalancerIds.${d}.0")]),
        create_listener: t(
            "CreateLoadBalancerListeners",
            json!({"loadBalancerId": "${lb}", "listeners": [{"loadBalancerPort": "${port}", "instancePort": 8080, "protocol": 2}]}),
        ),
        bad_listener: t(
            "CreateLoadBalancerListeners",
            json!({"loadBalancerId": "${lb}", "listeners": [{"loadBalancerPort": 70000, "instancePort": 8080, "protocol": 2}]}),
        ),
        start_listener: None,
        stop_listener: None,
        add_backend: t(
            "RegisterInstancesWithLoadBalancer",
            json!({"loadBalancerId": "${lb}", "backends": [{"instanceId": "ins-lbc${server}", "weight": 10}]}),
        ),
        remove_backend: t(
            "DeregisterInstancesFromLoadBalancer",
            json!({"loadBalancerId": "${lb}", "backends": [{"instanceId": "ins-lbc${server}"}]}),
        ),
        describe_lb: t(
            "DescribeLoadBalancers",
            json!({"loadBalancerIds": ["${lb}"]}),
        )
        .project(&["totalCount", "loadBalancerSet.*.status"]),
        describe_listener: t(
            "DescribeLoadBalancerListeners",
            json!({"loadBalancerId": "${lb}"}),
        )
        .project(&[
            "totalCount",
            "listenerSet.*.loadBalancerPort",
            "listenerSet.*.status",
        ]),
        describe_backends: Some(
            t(
                "DescribeLoadBalancerBackends",
                json!({"loadBalancerId": "${lb}"}),
            )
            .project(&["totalCount", "backendSet.*.instanceId"]),
        ),
        delete_lb: t("DeleteLoadBalancers", json!({"loadBalancerIds": ["${lb}"]})),
        transitions: vec![("status", "0", "1")],
    }
}

/// One step of a history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    CreateLb,
    CreateListener {
        lb: usize,
        port: usize,
    },
    /// A listener with an out-of-range value.
    BadListener {
        lb: usize,
        port: usize,
    },
    StartListener {
        lb: usize,
        port: usize,
    },
    StopListener {
        lb: usize,
        port: usize,
    },
    AddBackend {
        lb: usize,
        port: usize,
        server: usize,
    },
    RemoveBackend {
        lb: usize,
        port: usize,
        server: usize,
    },
    DescribeLb {
        lb: usize,
    },
    DescribeListener {
        lb: usize,
        port: usize,
    },
    DescribeBackends {
        lb: usize,
    },
    DeleteLb {
        lb: usize,
    },
    /// Both clocks move on by [`ADVANCE_MS`] (the target's only when it has a manual clock).
    Advance,
}

/// The histories of `profile`: up to `max_steps` operations.
pub fn history(profile: &Profile, max_steps: usize) -> impl Strategy<Value = Vec<Op>> {
    // Slots and ports are biased to the first, so histories revisit the same resources.
    let lb = prop_oneof![6 => Just(0usize), 3 => Just(1usize), 1 => Just(LB_SLOTS - 1)];
    let port = prop_oneof![3 => Just(0usize), 1 => Just(PORTS.len() - 1)];
    let server = 0..SERVERS;
    let alibaba = profile.start_listener.is_some();
    // Weights cannot be 0: an operation the dialect lacks is drawn rarely and skipped.
    let op = prop_oneof![
        4 => Just(Op::CreateLb),
        4 => (lb.clone(), port.clone()).prop_map(|(lb, port)| Op::CreateListener { lb, port }),
        1 => (lb.clone(), port.clone()).prop_map(|(lb, port)| Op::BadListener { lb, port }),
        (if alibaba { 3 } else { 1 }) => (lb.clone(), port.clone()).prop_map(|(lb, port)| Op::StartListener { lb, port }),
        (if alibaba { 2 } else { 1 }) => (lb.clone(), port.clone()).prop_map(|(lb, port)| Op::StopListener { lb, port }),
        2 => (lb.clone(), port.clone(), server.clone()).prop_map(|(lb, port, server)| Op::AddBackend { lb, port, server }),
        1 => (lb.clone(), port.clone(), server).prop_map(|(lb, port, server)| Op::RemoveBackend { lb, port, server }),
        2 => lb.clone().prop_map(|lb| Op::DescribeLb { lb }),
        2 => (lb.clone(), port).prop_map(|(lb, port)| Op::DescribeListener { lb, port }),
        1 => lb.clone().prop_map(|lb| Op::DescribeBackends { lb }),
        1 => lb.prop_map(|lb| Op::DeleteLb { lb }),
        2 => Just(Op::Advance),
    ];
    proptest::collection::vec(op, 1..=max_steps.max(1))
}

/// How a property run is configured.
#[derive(Debug, Clone)]
pub struct PropConfig {
    pub cases: u32,
    pub max_steps: usize,
    pub seed: u64,
    /// The name prefix of every load balancer created (`lbc-<seed hex>-`, as the runner's).
    pub prefix: String,
    /// Create resources on a non-loopback target (`LBCONFORM_ALLOW_BILLABLE=1`).
    pub allow_billable: bool,
}

/// Why a property run must not touch the target, if it must not: histories create load
/// balancers, which cost money on a real (non-loopback) endpoint unless billing is allowed.
pub fn billable_refusal(loopback: bool, allow_billable: bool) -> Option<String> {
    (!loopback && !allow_billable).then(|| {
        "the target is not on a loopback address and property histories create resources: \
         set LBCONFORM_ALLOW_BILLABLE=1 to allow it"
            .to_string()
    })
}

/// Whether an environment flag is set to a true value (`1`, `true`, `yes`).
pub fn env_flag(name: &str) -> bool {
    std::env::var(name)
        .is_ok_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

impl Default for PropConfig {
    /// 32 cases of up to 12 steps; `PROPTEST_CASES`, `LBCONFORM_PROPTEST_STEPS`,
    /// `LBCONFORM_PROPTEST_SEED` and `LBCONFORM_ALLOW_BILLABLE` override.
    fn default() -> PropConfig {
        let env = |n: &str| std::env::var(n).ok().and_then(|v| v.parse::<u64>().ok());
        let seed = env("LBCONFORM_PROPTEST_SEED").unwrap_or(1);
        PropConfig {
            cases: env("PROPTEST_CASES").map(|c| c as u32).unwrap_or(32),
            max_steps: env("LBCONFORM_PROPTEST_STEPS")
                .map(|s| s as usize)
                .unwrap_or(12),
            seed,
            prefix: RunConfig::new(seed).prefix,
            allow_billable: env_flag("LBCONFORM_ALLOW_BILLABLE"),
        }
    }
}

/// A history the target did not answer as the model predicted, shrunk.
#[derive(Debug, Clone)]
pub struct PropFailure {
    pub dialect: String,
    /// Why the last step failed.
    pub message: String,
    pub history: Vec<Op>,
    /// The case file (suites/ format) that replays it.
    pub case_toml: String,
}

/// What a run exercised: calls made, how many succeeded, the error codes seen.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub histories: u64,
    pub calls: u64,
    pub ok: u64,
    pub errors: BTreeMap<String, u64>,
    /// Why nothing ran (a billable target without the opt-in), when nothing did.
    pub skipped: Option<String>,
}

/// One call's outcome: success with the projection, or an error code.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Ok(Vec<String>),
    Err(String),
}

/// What one side holds: ids by slot.
#[derive(Default)]
struct Ids {
    /// Slot -> variables captured at its create (`lb`, `d`).
    lbs: Vec<BTreeMap<String, Value>>,
    /// (slot, port index) -> listener id.
    listeners: BTreeMap<(usize, usize), Value>,
}

impl Ids {
    fn vars(
        &self,
        lb: Option<usize>,
        port: Option<usize>,
        server: Option<usize>,
    ) -> BTreeMap<String, Value> {
        let mut v = BTreeMap::new();
        if let Some(i) = lb {
            let id = self.lbs.get(i).and_then(|m| m.get("lb")).cloned();
            v.insert("lb".to_string(), id.unwrap_or_else(|| json!(UNKNOWN_LB)));
            let l = port.and_then(|p| self.listeners.get(&(i, p))).cloned();
            v.insert(
                "listener".to_string(),
                l.unwrap_or_else(|| json!(UNKNOWN_LISTENER)),
            );
        }
        if let Some(p) = port {
            v.insert("port".to_string(), json!(PORTS[p]));
        }
        if let Some(s) = server {
            v.insert("server".to_string(), json!(s + 1));
        }
        v
    }
}

/// Replaces `${x}` in strings; a string that is exactly `${x}` takes the variable's type.
fn subst(v: &Value, vars: &BTreeMap<String, Value>) -> Value {
    match v {
        Value::String(s) => {
            if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
                if let Some(x) = vars.get(name) {
                    if !name.contains('$') {
                        return x.clone();
                    }
                }
            }
            let mut out = s.clone();
            for (k, x) in vars {
                out = out.replace(&format!("${{{k}}}"), &flat_value(x));
            }
            Value::String(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| subst(x, vars)).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, x)| (k.clone(), subst(x, vars))).collect())
        }
        other => other.clone(),
    }
}

/// The values under `path`, `*` matching every item of a list, each as `path=value` with the
/// indices replaced by `*` (so the comparison is of sets).
fn project(body: &Value, paths: &[&str]) -> Vec<String> {
    fn walk(v: &Value, segs: &[&str], shown: &str, out: &mut Vec<String>) {
        let Some((first, rest)) = segs.split_first() else {
            out.push(format!("{shown}={}", flat_value(v)));
            return;
        };
        let next = |s: &str| {
            if shown.is_empty() {
                s.to_string()
            } else {
                format!("{shown}.{s}")
            }
        };
        match (*first, v) {
            ("*", Value::Array(a)) => a.iter().for_each(|x| walk(x, rest, &next("*"), out)),
            // XML and single-item lists: an object stands for a list of one.
            ("*", Value::Object(_)) => walk(v, rest, &next("*"), out),
            (k, Value::Object(m)) => match m.get(k) {
                Some(x) => walk(x, rest, &next(k), out),
                None => out.push(format!("{}=<absent>", next(k))),
            },
            (k, Value::Array(a)) => match k.parse::<usize>().ok().and_then(|i| a.get(i)) {
                Some(x) => walk(x, rest, &next(k), out),
                None => out.push(format!("{}=<absent>", next(k))),
            },
            (k, _) => out.push(format!("{}=<absent>", next(k))),
        }
    }
    let mut out = Vec::new();
    for p in paths {
        let segs: Vec<&str> = p.split('.').collect();
        walk(body, &segs, "", &mut out);
    }
    out.sort();
    out
}

/// The in-process oracle: a model with a manual clock.
struct Oracle<'s> {
    model: Model,
    dialect: &'s Dialect,
    requests: u64,
}

impl Oracle<'_> {
    /// The model's answer to `action` with `params` (as the client would send them).
    fn call(
        &mut self,
        action: &str,
        params: &Map<String, Value>,
    ) -> Result<Map<String, Value>, String> {
        let d = self.dialect;
        let Some(a) = d.action(action) else {
            return Err(codes::unknown_action(&self.model.spec, d, action)
                .0
                .to_string());
        };
        let structs = |n: &str| d.structures.get(n).map(|s| s.fields.as_slice());
        let decoded = match d.header.protocol {
            Protocol::Tc3 => {
                let mut body = params.clone();
                body.remove("Region");
                params::decode_json(&a.params, &d.header.common_params, &body, &structs)
            }
            Protocol::Rpc => {
                let pairs: Vec<(String, String)> = params
                    .iter()
                    .map(|(k, v)| (k.clone(), flat_value(v)))
                    .collect();
                params::decode_flat(&a.params, &d.header.common_params, &pairs, &structs)
            }
            Protocol::V2 => {
                let mut own = params.clone();
                own.remove("Region");
                let pairs = flatten::flatten(&own, 0);
                params::decode_flat(&a.params, &d.header.common_params, &pairs, &structs)
            }
        };
        let decoded = decoded.map_err(|e| param_error(d, &e).code)?;
        if d.header.protocol == Protocol::Tc3 && !decoded.unknown.is_empty() {
            return Err("UnknownParameter".into());
        }
        let values = validate(a, &decoded.values, &structs)
            .map_err(|v| violation_error(d, a, &v[0]).code)?;
        self.requests += 1;
        let rid = format!("lbconform-property-{}", self.requests);
        let call = Call {
            dialect: d,
            action: a,
            account: "lbconform-property",
            request_id: &rid,
            region: params
                .get("Region")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            params: values,
        };
        self.model.execute(&call).map_err(|f| f.code)
    }
}

/// Runs histories of `profile`'s dialect against `target` and the model; the shrunk failure,
/// if any. Call from outside the runtime `rt` (the target's server runs on it).
pub fn check(
    rt: &tokio::runtime::Runtime,
    spec: Arc<Spec>,
    target: &Target,
    profile: &Profile,
    cfg: &PropConfig,
) -> Result<Stats, PropFailure> {
    if let Some(why) = billable_refusal(target.loopback, cfg.allow_billable) {
        return Ok(Stats {
            skipped: Some(why),
            ..Stats::default()
        });
    }
    let config = Config {
        cases: cfg.cases,
        failure_persistence: None,
        max_shrink_iters: 512,
        ..Config::default()
    };
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&cfg.seed.to_le_bytes());
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let client = Client::new(target);
    let stats = std::sync::Mutex::new(Stats::default());
    let result = runner.run(&history(profile, cfg.max_steps), |h| {
        let (steps, verdict) = rt.block_on(replay(&spec, target, &client, profile, cfg, &h));
        let mut s = stats.lock().unwrap_or_else(|p| p.into_inner());
        s.histories += 1;
        for st in steps.iter().filter(|st| st.call.is_some()) {
            s.calls += 1;
            match st.expect.as_ref().and_then(|e| e.code.clone()) {
                Some(c) => *s.errors.entry(c).or_default() += 1,
                None => s.ok += 1,
            }
        }
        verdict.map_err(TestCaseError::fail)
    });
    match result {
        Ok(()) => Ok(stats.into_inner().unwrap_or_else(|p| p.into_inner())),
        Err(TestError::Fail(_, h)) => {
            let (steps, verdict) = rt.block_on(replay(&spec, target, &client, profile, cfg, &h));
            let message = verdict
                .err()
                .unwrap_or_else(|| "the failure did not reproduce".into());
            Err(PropFailure {
                dialect: profile.dialect.to_string(),
                case_toml: case_toml(profile, &steps, &message),
                message,
                history: h,
            })
        }
        Err(TestError::Abort(why)) => Err(PropFailure {
            dialect: profile.dialect.to_string(),
            message: format!("aborted: {why}"),
            history: Vec::new(),
            case_toml: String::new(),
        }),
    }
}

/// One history, both sides: the case steps (with the model's predictions) and the verdict.
async fn replay(
    spec: &Arc<Spec>,
    target: &Target,
    client: &Client,
    profile: &Profile,
    cfg: &PropConfig,
    history: &[Op],
) -> (Vec<Step>, Result<(), String>) {
    let Some(d) = spec.dialect(profile.dialect) else {
        return (Vec::new(), Err(format!("no dialect {}", profile.dialect)));
    };
    let mut oracle = Oracle {
        model: Model::new(spec.clone(), ClockMode::Manual, ADVANCE_MS),
        dialect: d,
        requests: 0,
    };
    let mut ours = Ids::default();
    let mut theirs = Ids::default();
    let mut steps = Vec::new();
    let verdict = run_history(
        target,
        client,
        d,
        profile,
        &cfg.prefix,
        history,
        &mut oracle,
        &mut ours,
        &mut theirs,
        &mut steps,
    )
    .await;
    // Clean up what the history made on the target (those a DeleteLb removed are gone,
    // which delete_all takes as deleted).
    let made = theirs
        .lbs
        .iter()
        .filter_map(|v| v.get("lb").and_then(Value::as_str))
        .map(|id| created_lb(d, id))
        .collect();
    let left = cleanup::delete_all(client, spec, made, target.admin, target.manual_clock).await;
    let verdict = match (verdict, left.first()) {
        (Ok(()), Some((c, why))) => Err(format!("cleanup: {} was not deleted: {why}", c.id)),
        (v, _) => v,
    };
    (steps, verdict)
}

/// A load balancer the history created on the target, as the cleanup records it.
fn created_lb(d: &Dialect, id: &str) -> Created {
    Created {
        dialect: d.id().to_string(),
        id: id.to_string(),
        key: "LoadBalancerId".into(),
        second_account: false,
        region: (d.id() == "aliyun-slb").then(|| "cn-hangzhou".to_string()),
        from: Map::new(),
    }
}

/// Names a create call's load balancer with the run's prefix, as the runner does.
fn name_with_prefix(d: &Dialect, params: &mut Map<String, Value>, prefix: &str) {
    let Some(kind) = cleanup::lb_kind(d.id()) else {
        return;
    };
    let takes_name = d
        .action(kind.create)
        .is_some_and(|a| a.params.iter().any(|p| p.name == kind.name_param));
    if takes_name && !params.contains_key(kind.name_param) {
        params.insert(kind.name_param.into(), Value::String(prefix.into()));
    }
}

#[allow(clippy::too_many_arguments)]
async fn run_history(
    target: &Target,
    client: &Client,
    d: &Dialect,
    profile: &Profile,
    prefix: &str,
    history: &[Op],
    oracle: &mut Oracle<'_>,
    ours: &mut Ids,
    theirs: &mut Ids,
    steps: &mut Vec<Step>,
) -> Result<(), String> {
    for (n, op) in history.iter().enumerate() {
        let (tmpl, lb, port, server) = match *op {
            Op::Advance => {
                oracle.model.clock.advance(ADVANCE_MS);
                if target.manual_clock {
                    let q = format!("ms={ADVANCE_MS}");
                    match client.admin("POST", "clock/advance", &q).await {
                        Ok((200, _)) => {}
                        other => return Err(format!("step {n}: advancing the clock: {other:?}")),
                    }
                }
                let mut args = Map::new();
                args.insert("ms".into(), json!(ADVANCE_MS));
                steps.push(Step {
                    admin: Some(AdminOp::Advance),
                    args,
                    ..Step::default()
                });
                continue;
            }
            Op::CreateLb => (&profile.create_lb, None, None, None),
            Op::CreateListener { lb, port } => {
                (&profile.create_listener, Some(lb), Some(port), None)
            }
            Op::BadListener { lb, port } => (&profile.bad_listener, Some(lb), Some(port), None),
            Op::StartListener { lb, port } => match &profile.start_listener {
                Some(t) => (t, Some(lb), Some(port), None),
                None => continue,
            },
            Op::StopListener { lb, port } => match &profile.stop_listener {
                Some(t) => (t, Some(lb), Some(port), None),
                None => continue,
            },
            Op::AddBackend { lb, port, server } => {
                (&profile.add_backend, Some(lb), Some(port), Some(server))
            }
            Op::RemoveBackend { lb, port, server } => {
                (&profile.remove_backend, Some(lb), Some(port), Some(server))
            }
            Op::DescribeLb { lb } => (&profile.describe_lb, Some(lb), None, None),
            Op::DescribeListener { lb, port } => {
                (&profile.describe_listener, Some(lb), Some(port), None)
            }
            Op::DescribeBackends { lb } => match &profile.describe_backends {
                Some(t) => (t, Some(lb), None, None),
                None => continue,
            },
            Op::DeleteLb { lb } => (&profile.delete_lb, Some(lb), None, None),
        };
        let as_map = |v: Value| v.as_object().cloned().unwrap_or_default();
        let mut model_params = as_map(subst(&tmpl.params, &ours.vars(lb, port, server)));
        let mut target_params = as_map(subst(&tmpl.params, &theirs.vars(lb, port, server)));
        if *op == Op::CreateLb {
            name_with_prefix(d, &mut model_params, prefix);
            name_with_prefix(d, &mut target_params, prefix);
        }
        let predicted = oracle.call(tmpl.action, &model_params);
        let answer = client
            .call(d, tmpl.action, &target_params, &CallOpts::default())
            .await
            .map_err(|e| format!("step {n}: {} could not be sent: {e:#}", tmpl.action))?;
        if let Some(pe) = &answer.parse_error {
            steps.push(case_step(
                tmpl,
                lb,
                port,
                server,
                &predicted,
                ours.lbs.len(),
            ));
            return Err(format!(
                "step {n}: {}: the answer is not in the dialect's format: {pe}: {}",
                tmpl.action, answer.raw
            ));
        }
        let model_seen = match &predicted {
            Ok(body) => Seen::Ok(project(&Value::Object(body.clone()), &tmpl.project)),
            Err(code) => Seen::Err(code.clone()),
        };
        let target_seen = match &answer.code {
            None => Seen::Ok(project(&answer.body, &tmpl.project)),
            Some(code) => Seen::Err(code.clone()),
        };
        steps.push(case_step(
            tmpl,
            lb,
            port,
            server,
            &predicted,
            ours.lbs.len(),
        ));
        if !agrees(profile, target.manual_clock, &model_seen, &target_seen) {
            return Err(format!(
                "step {n}: {} {}: the model predicts {}, the target answered {} (HTTP {}): {}",
                tmpl.action,
                Value::Object(target_params),
                shown(&model_seen),
                shown(&target_seen),
                answer.http_status,
                answer.raw.chars().take(600).collect::<String>()
            ));
        }
        // Learn ids from each side's own answer.
        if let (Ok(body), None) = (&predicted, &answer.code) {
            let model_body = Value::Object(body.clone());
            if *op == Op::CreateLb {
                let mine = captures(&tmpl.capture, &model_body);
                let their = captures(&tmpl.capture, &answer.body);
                if !their.contains_key("lb") {
                    return Err(format!(
                        "step {n}: {}: no load balancer id in the answer: {}",
                        tmpl.action, answer.raw
                    ));
                }
                ours.lbs.push(mine);
                theirs.lbs.push(their);
            } else if let (Op::CreateListener { lb, port }, false) = (*op, tmpl.capture.is_empty())
            {
                if let Some(id) = captures(&tmpl.capture, &model_body).get("ls") {
                    ours.listeners.insert((lb, port), id.clone());
                }
                if let Some(id) = captures(&tmpl.capture, &answer.body).get("ls") {
                    theirs.listeners.insert((lb, port), id.clone());
                }
            }
        }
    }
    Ok(())
}

fn captures(capture: &[(&str, &str)], body: &Value) -> BTreeMap<String, Value> {
    let mut vars = BTreeMap::new();
    for (name, path) in capture {
        let p = flat_value(&subst(&json!(path), &vars));
        if let Some(v) = lookup(body, &p) {
            vars.insert(name.to_string(), v.clone());
        }
    }
    vars
}

fn shown(s: &Seen) -> String {
    match s {
        Seen::Ok(p) if p.is_empty() => "success".into(),
        Seen::Ok(p) => format!("success with {p:?}"),
        Seen::Err(c) => format!("error {c}"),
    }
}

fn agrees(profile: &Profile, manual_clock: bool, model: &Seen, target: &Seen) -> bool {
    match (model, target) {
        (Seen::Err(a), Seen::Err(b)) => a == b,
        (Seen::Ok(a), Seen::Ok(b)) if a == b => true,
        (Seen::Ok(a), Seen::Ok(b)) if !manual_clock && a.len() == b.len() => {
            // A real clock may have finished what the model still shows in progress.
            let mut b = b.clone();
            a.iter().all(
                |m| match b.iter().position(|x| x == m || profile.settled(m, x)) {
                    Some(i) => {
                        b.remove(i);
                        true
                    }
                    None => false,
                },
            )
        }
        _ => false,
    }
}

/// The case-file step for one call: variables for ids, the model's prediction as the
/// expectation.
fn case_step(
    tmpl: &Tmpl,
    lb: Option<usize>,
    port: Option<usize>,
    server: Option<usize>,
    predicted: &Result<Map<String, Value>, String>,
    created: usize,
) -> Step {
    let mut vars = BTreeMap::new();
    if let Some(i) = lb {
        vars.insert(
            "lb".to_string(),
            json!(if i < created {
                format!("${{lb{i}}}")
            } else {
                UNKNOWN_LB.to_string()
            }),
        );
        let p = port.unwrap_or(0);
        vars.insert("listener".to_string(), json!(format!("${{ls{i}_{p}}}")));
    }
    if let Some(p) = port {
        vars.insert("port".to_string(), json!(PORTS[p]));
    }
    if let Some(s) = server {
        vars.insert("server".to_string(), json!(s + 1));
    }
    let params = subst(&tmpl.params, &vars)
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut step = Step {
        call: Some(tmpl.action.to_string()),
        params,
        ..Step::default()
    };
    match predicted {
        Err(code) => {
            step.expect = Some(Expect {
                code: Some(code.clone()),
                ..Expect::default()
            })
        }
        Ok(body) => {
            let body = Value::Object(body.clone());
            if tmpl.action == "CreateLoadBalancer" && lb.is_none() {
                for (name, path) in &tmpl.capture {
                    let path = path.replace("${d}", &format!("${{d{created}}}"));
                    step.capture.insert(format!("{name}{created}"), path);
                }
            } else if let (Some(i), Some(p)) = (lb, port) {
                for (name, path) in &tmpl.capture {
                    step.capture
                        .insert(format!("{name}{i}_{p}"), path.to_string());
                }
            }
            for path in &tmpl.project {
                expand(&body, path, &mut step.fields);
            }
        }
    }
    step
}

/// The concrete paths a projection path names in `body`, with their values (for `fields`).
fn expand(body: &Value, path: &str, out: &mut BTreeMap<String, Value>) {
    fn walk(v: &Value, segs: &[&str], at: String, out: &mut BTreeMap<String, Value>) {
        let Some((first, rest)) = segs.split_first() else {
            if !(v.is_object() || v.is_array()) {
                out.insert(at, v.clone());
            }
            return;
        };
        let join = |s: &str| {
            if at.is_empty() {
                s.to_string()
            } else {
                format!("{at}.{s}")
            }
        };
        match (*first, v) {
            ("*", Value::Array(a)) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, rest, join(&i.to_string()), out);
                }
            }
            (k, Value::Object(m)) => {
                if let Some(x) = m.get(k) {
                    walk(x, rest, join(k), out);
                }
            }
            _ => {}
        }
    }
    let segs: Vec<&str> = path.split('.').collect();
    walk(body, &segs, String::new(), out);
}

/// The case file, in the `suites/` format, that replays a shrunk history.
pub fn case_toml(profile: &Profile, steps: &[Step], message: &str) -> String {
    #[derive(serde::Serialize)]
    struct File<'a> {
        dialect: &'a str,
        case: Vec<Case>,
    }
    let case = Case {
        id: format!("property/{}/shrunk", profile.dialect),
        dialect: String::new(),
        description: format!(
            "A history shrunk by the property test: {}",
            message.lines().next().unwrap_or("")
        ),
        features: vec!["property".into()],
        covers: Vec::new(),
        needs: steps
            .iter()
            .any(|s| s.admin.is_some())
            .then_some(super::case::Need::ManualClock)
            .into_iter()
            .collect(),
        steps: steps.to_vec(),
        generated: false,
    };
    let file = File {
        dialect: profile.dialect,
        case: vec![case],
    };
    let body = toml::to_string(&file)
        .unwrap_or_else(|e| format!("# could not render the case: {e}\n"))
        .lines()
        // Defaults the format fills in anyway.
        .filter(|l| {
            !matches!(
                *l,
                "signing = \"good\""
                    | "replay = false"
                    | "dialect = \"\""
                    | "covers = []"
                    | "needs = []"
            )
        })
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    format!(
        "# Shrunk by lbconform's property test ({}). Replay: lbconform run --suite THIS_FILE --no-generated\n# {}\n{body}",
        profile.dialect,
        message.lines().next().unwrap_or("")
    )
}
