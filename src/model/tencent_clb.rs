//! Tencent CLB API 3.0, modelled so far: load balancers (created asynchronously: Status 0 then
//! 1), listeners, targets and their health, and the asynchronous task of every action the spec
//! marks async, polled with DescribeTaskStatus (2 running, then 0 succeeded).

use serde_json::{json, Map, Value};

use super::lifecycle::{birth, step};
use super::store::{Pending, Resource, Store};
use super::{object, Call, Ctx, Failure, Outcome};
use crate::spec::Dialect;

const LB: &str = "load_balancer";
pub(crate) const LISTENER: &str = "listener";
const TASK: &str = "task";

pub fn execute(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    let out = match call.action.name.as_str() {
        "CreateLoadBalancer" => create_load_balancer(ctx, s, call),
        "DescribeLoadBalancers" => describe_load_balancers(s, call),
        "DeleteLoadBalancer" => delete_load_balancers(s, call),
        "CreateListener" => create_listener(ctx, s, call),
        "DescribeListeners" => describe_listeners(ctx, s, call),
        "DeleteListener" => delete_listener(s, call),
        "RegisterTargets" | "DeregisterTargets" => targets(ctx, s, call),
        "DescribeTargets" => describe_targets(s, call),
        "DescribeTargetHealth" => describe_target_health(ctx, s, call),
        "DescribeTaskStatus" => describe_task(s, call),
        "SetLoadBalancerStartStatus" => set_start_status(ctx, s, call),
        "ManualRewrite" => super::tencent_rewrite::manual(s, call),
        "DeleteRewrite" => super::tencent_rewrite::delete(s, call),
        "DescribeRewrite" => super::tencent_rewrite::describe(s, call),
        "DescribeQuota" => Ok(super::quota::describe(s, call)),
        _ => super::generic::execute(ctx, s, call),
    };
    if out.is_ok() && call.action.is_async {
        start_task(ctx, s, call);
    }
    out
}

/// A resource enters the state its creating action leads to; a transitional one completes
/// after the transition delay.
pub(crate) fn born(ctx: &Ctx, d: &Dialect, kind: &str, trigger: &str) -> (String, Option<Pending>) {
    let Some(m) = d.state_machines.get(kind) else {
        return ("running".into(), None);
    };
    let (state, next) = birth(m, trigger);
    (
        state,
        next.map(|to| Pending {
            to,
            due_ms: ctx.due(),
        }),
    )
}

/// The task an asynchronous action starts, keyed by the answer's RequestId.
fn start_task(ctx: &Ctx, s: &mut Store, call: &Call) {
    let (state, pending) = born(ctx, call.dialect, TASK, &call.action.name);
    let seq = s.next_seq();
    let id = call.request_id.to_string();
    s.insert(Resource {
        kind: TASK.into(),
        id,
        account: call.account.into(),
        region: call.region.into(),
        parent: None,
        state,
        attrs: Default::default(),
        pending,
        seq,
    });
}

pub(crate) fn lb<'s>(s: &'s Store, call: &Call, id: &str) -> Result<&'s Resource, Failure> {
    s.get(call.account, id)
        .filter(|r| r.kind == LB)
        .ok_or_else(|| {
            Failure::new(
                "InvalidParameter.LBIdNotFound",
                format!("{id} does not exist"),
            )
        })
}

/// The key of the task a ClientToken's first order started, kept beside its parameters.
const TOKEN_TASK: &str = "_task";

/// CreateLoadBalancer with a ClientToken is idempotent (保证创建的资源ID幂等性): the token's first
/// answer comes back for every retry, until that order failed (its task `failed`, 发货失败),
/// after which the token has expired: InvalidParameter.ClientTokenLimitExceeded.
fn create_load_balancer(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    let token = call.str("ClientToken").filter(|t| !t.is_empty());
    let key = token.map(|t| {
        (
            call.account.to_string(),
            call.action.name.clone(),
            t.to_string(),
        )
    });
    if let Some((seen, answer)) = key.as_ref().and_then(|k| s.idempotency.get(k)) {
        let task = seen
            .get(TOKEN_TASK)
            .and_then(Value::as_str)
            .unwrap_or_default();
        if s.get(call.account, task)
            .is_some_and(|t| t.state == "failed")
        {
            return Err(Failure::new(
                "InvalidParameter.ClientTokenLimitExceeded",
                format!(
                    "the order of ClientToken {} failed",
                    token.unwrap_or_default()
                ),
            ));
        }
        return Ok(answer.clone());
    }
    let answer = new_load_balancers(ctx, s, call)?;
    if let Some(k) = key {
        let mut seen = call.params.clone();
        seen.insert(TOKEN_TASK.into(), json!(call.request_id));
        s.idempotency
            .insert(k, (Value::Object(seen), answer.clone()));
    }
    Ok(answer)
}

fn new_load_balancers(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    let n = call
        .params
        .get("Number")
        .and_then(Value::as_i64)
        .unwrap_or(1)
        .max(1);
    let mut ids = Vec::new();
    for _ in 0..n {
        let id = s.new_id("lb-", 8);
        let (state, pending) = born(ctx, call.dialect, LB, &call.action.name);
        let mut attrs = call.params.clone();
        attrs.insert("LoadBalancerId".into(), json!(id));
        attrs
            .entry("LoadBalancerName")
            .or_insert_with(|| json!(format!("clb-{}", &id[3..])));
        attrs.entry("Forward").or_insert(json!(1));
        let vip = if call.str("LoadBalancerType") == Some("INTERNAL") {
            format!("10.0.{}.{}", s.random_u8(), s.random_u8().max(1))
        } else {
            format!("106.52.{}.{}", s.random_u8(), s.random_u8().max(1))
        };
        attrs.insert("LoadBalancerVips".into(), json!([vip]));
        super::generic::stamp(ctx, &mut attrs);
        let seq = s.next_seq();
        s.insert(Resource {
            kind: LB.into(),
            id: id.clone(),
            account: call.account.into(),
            region: call.region.into(),
            parent: None,
            state,
            attrs: attrs.into(),
            pending,
            seq,
        });
        ids.push(id);
    }
    Ok(object(
        json!({"LoadBalancerIds": ids, "DealName": format!("deal-{}", call.request_id)}),
    ))
}

/// Status 0 while creating (or cloning), 1 once running (the documented LoadBalancer.Status codes);
/// Isolation 1 while isolated.
fn lb_view(d: &Dialect, r: &Resource) -> Value {
    let mut m = Map::new();
    for k in [
        "LoadBalancerId",
        "LoadBalancerName",
        "LoadBalancerType",
        "Forward",
        "LoadBalancerVips",
        "VpcId",
        "SubnetId",
        "ProjectId",
    ] {
        if let Some(v) = r.attrs.get(k) {
            m.insert(k.into(), v.clone());
        }
    }
    m.insert(
        "Status".into(),
        json!(if matches!(r.state.as_str(), "creating" | "cloning") {
            0
        } else {
            1
        }),
    );
    // Isolation is its own field (LoadBalancer.Isolation 0/1), not a Status value.
    m.insert(
        "Isolation".into(),
        json!(if r.state == "isolated" { 1 } else { 0 }),
    );
    if let Some(t) = super::generic::created_at(d, r) {
        m.insert("CreateTime".into(), json!(t));
    }
    Value::Object(m)
}

fn describe_load_balancers(s: &Store, call: &Call) -> Outcome {
    let ids = call.strings("LoadBalancerIds");
    let all: Vec<Value> = s
        .of_kind(call.account, LB)
        .filter(|r| ids.is_empty() || ids.contains(&r.id))
        .filter(|r| {
            call.str("LoadBalancerType")
                .is_none_or(|t| r.attrs.get("LoadBalancerType").and_then(Value::as_str) == Some(t))
        })
        .filter(|r| {
            call.str("LoadBalancerName")
                .is_none_or(|n| r.attrs.get("LoadBalancerName").and_then(Value::as_str) == Some(n))
        })
        .map(|r| lb_view(call.dialect, r))
        .collect();
    let page = call.page(&all, "Offset", "Limit");
    Ok(object(
        json!({"TotalCount": all.len(), "LoadBalancerSet": page}),
    ))
}

/// How many real servers an unforced delete may leave unbound (004 § 删除负载均衡实例, ForceDelete:
/// 删除后端绑定大于等于 20 个 RS 的实例时 ... 默认拦截删除操作).
const FORCE_DELETE_RS: usize = 20;

fn delete_load_balancers(s: &mut Store, call: &Call) -> Outcome {
    let ids = call.strings("LoadBalancerIds");
    let forced = call.params.get("ForceDelete") == Some(&Value::Bool(true));
    for id in &ids {
        lb(s, call, id)?;
        let bound: usize = listeners_of(s, call, id)
            .filter_map(|l| l.attrs.get("Targets").and_then(Value::as_array))
            .map(Vec::len)
            .sum();
        // The interception answers the table's only refusal of the kind, FailedOperation 操作失败.
        if !forced && bound >= FORCE_DELETE_RS {
            return Err(Failure::new(
                "FailedOperation",
                format!(
                    "{id} has {bound} real servers bound; deleting it needs ForceDelete = true"
                ),
            ));
        }
    }
    for id in &ids {
        s.remove_tree(id);
    }
    Ok(Map::new())
}

fn create_listener(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    let lb_id = call.str("LoadBalancerId").unwrap_or_default().to_string();
    let parent = lb(s, call, &lb_id)?;
    if parent.state == "creating" {
        return Err(Failure::new(
            "FailedOperation.ResourceInOperating",
            format!("{lb_id} is still being created"),
        ));
    }
    let ports: Vec<i64> = call
        .params
        .get("Ports")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    let protocol = call.str("Protocol").unwrap_or_default().to_string();
    let taken = |s: &Store, p: i64| {
        s.of_kind(call.account, LISTENER).any(|l| {
            l.parent.as_deref() == Some(lb_id.as_str())
                && l.attrs.get("Port").and_then(Value::as_i64) == Some(p)
                && l.attrs.get("Protocol").and_then(Value::as_str).map(is_udp)
                    == Some(is_udp(&protocol))
        })
    };
    if let Some(p) = ports.iter().find(|p| taken(s, **p)) {
        return Err(Failure::new(
            "InvalidParameter.PortCheckFailed",
            format!("port {p} already has a listener"),
        ));
    }
    let names = call.strings("ListenerNames");
    let mut ids = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let id = s.new_id("lbl-", 8);
        let (state, pending) = born(ctx, call.dialect, LISTENER, &call.action.name);
        let mut attrs = call.params.clone();
        attrs.remove("Ports");
        attrs.remove("ListenerNames");
        attrs.insert("ListenerId".into(), json!(id));
        attrs.insert("Port".into(), json!(port));
        attrs.insert(
            "ListenerName".into(),
            json!(names.get(i).cloned().unwrap_or_default()),
        );
        attrs.insert("Targets".into(), json!([]));
        super::generic::stamp(ctx, &mut attrs);
        let seq = s.next_seq();
        s.insert(Resource {
            kind: LISTENER.into(),
            id: id.clone(),
            account: call.account.into(),
            region: call.region.into(),
            parent: Some(lb_id.clone()),
            state,
            attrs: attrs.into(),
            pending,
            seq,
        });
        ids.push(id);
    }
    Ok(object(json!({"ListenerIds": ids})))
}

/// TCP and UDP may share a port number; other protocols may not.
fn is_udp(p: &str) -> bool {
    p == "UDP"
}

/// Stops or starts the listeners named by ListenerIds, or the whole instance when none are
/// named; an instance without listeners cannot be stopped (FailedOperation.NoListenerInLB).
fn set_start_status(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    let lb_id = call.str("LoadBalancerId").unwrap_or_default();
    lb(s, call, lb_id)?;
    let stop = call
        .str("OperationType")
        .is_some_and(|o| o.eq_ignore_ascii_case("stop"));
    let wanted = if stop { "stopped" } else { "running" };
    let mut ids = call.strings("ListenerIds");
    if ids.is_empty() {
        if stop && listeners_of(s, call, lb_id).next().is_none() {
            return Err(Failure::new(
                "FailedOperation.NoListenerInLB",
                format!("{lb_id} has no listener"),
            ));
        }
        ids.push(lb_id.to_string());
    }
    let mut moves = Vec::new();
    for id in &ids {
        let r = s
            .get(call.account, id)
            .filter(|r| r.id == lb_id || r.parent.as_deref() == Some(lb_id))
            .ok_or_else(|| {
                Failure::new(
                    "InvalidParameter.ListenerIdNotFound",
                    format!("{id} does not exist"),
                )
            })?;
        let Some(m) = call.dialect.state_machines.get(&r.kind) else {
            continue;
        };
        let t = step(m, &r.state, &call.action.name, Some(wanted)).map_err(|n| {
            Failure::new(
                n.error
                    .as_deref()
                    .unwrap_or("FailedOperation.InvalidLBStatus"),
                format!("{} {id} is {}", r.kind, n.state),
            )
        })?;
        if let Some(t) = t {
            moves.push((id.clone(), t.to.clone()));
        }
    }
    for (id, to) in moves {
        if let Some(r) = s.get_mut(call.account, &id) {
            // Health checks start over on a restarted listener: Unknown until they have run.
            if to == "running" {
                r.attrs.insert("StartedMs".into(), json!(ctx.now_ms));
            }
            r.state = to;
        }
    }
    Ok(Map::new())
}

fn listeners_of<'s>(
    s: &'s Store,
    call: &'s Call,
    lb_id: &'s str,
) -> impl Iterator<Item = &'s Resource> + 's {
    s.of_kind(call.account, LISTENER)
        .filter(move |l| l.parent.as_deref() == Some(lb_id))
}

/// A listener as DescribeListeners answers it: its attributes and creation time, with the
/// rules created under it.
fn listener_view(ctx: &Ctx, s: &Store, call: &Call, l: &Resource) -> Value {
    let mut m = super::generic::view(call.dialect, l);
    let fields = super::children::item_fields(call, &["Listeners".to_string()]);
    super::children::embed(ctx, s, call, fields, &l.id, &mut m);
    Value::Object(m)
}

fn describe_listeners(ctx: &Ctx, s: &Store, call: &Call) -> Outcome {
    let lb_id = call.str("LoadBalancerId").unwrap_or_default();
    lb(s, call, lb_id)?;
    let ids = call.strings("ListenerIds");
    let list: Vec<Value> = listeners_of(s, call, lb_id)
        .filter(|l| ids.is_empty() || ids.contains(&l.id))
        .filter(|l| {
            call.str("Protocol")
                .is_none_or(|p| l.attrs.get("Protocol").and_then(Value::as_str) == Some(p))
        })
        .filter(|l| {
            call.params
                .get("Port")
                .is_none_or(|p| l.attrs.get("Port") == Some(p))
        })
        .map(|l| listener_view(ctx, s, call, l))
        .collect();
    Ok(object(json!({"TotalCount": list.len(), "Listeners": list})))
}

fn listener<'s>(s: &'s mut Store, call: &Call) -> Result<&'s mut Resource, Failure> {
    let lb_id = call.str("LoadBalancerId").unwrap_or_default();
    lb(s, call, lb_id)?;
    let id = call.str("ListenerId").unwrap_or_default();
    s.get_mut(call.account, id)
        .filter(|l| l.kind == LISTENER && l.parent.as_deref() == Some(lb_id))
        .ok_or_else(|| {
            Failure::new(
                "InvalidParameter.ListenerIdNotFound",
                format!("{id} does not exist"),
            )
        })
}

fn delete_listener(s: &mut Store, call: &Call) -> Outcome {
    let id = listener(s, call)?.id.clone();
    s.remove_tree(&id);
    Ok(Map::new())
}

fn targets(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    let given: Vec<Value> = call
        .params
        .get("Targets")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let now = ctx.now_ms;
    let l = listener(s, call)?;
    let mut current: Vec<Value> = l
        .attrs
        .get("Targets")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let key = |t: &Value| {
        (
            t.get("InstanceId").or_else(|| t.get("EniIp")).cloned(),
            t.get("Port").cloned(),
        )
    };
    for t in given {
        let pos = current.iter().position(|c| key(c) == key(&t));
        match (call.action.name.as_str(), pos) {
            ("RegisterTargets", None) => {
                let mut t = t;
                t["Weight"] = t.get("Weight").cloned().unwrap_or(json!(10));
                t["RegisteredMs"] = json!(now);
                current.push(t);
            }
            ("RegisterTargets", Some(_)) => {
                return Err(Failure::new(
                    "InvalidParameterValue.Duplicate",
                    "the target is already registered",
                ))
            }
            ("DeregisterTargets", Some(i)) => {
                current.remove(i);
            }
            _ => {
                return Err(Failure::new(
                    "InvalidParameter",
                    "the target is not registered",
                ))
            }
        }
    }
    l.attrs.insert("Targets".into(), json!(current));
    Ok(Map::new())
}

fn target_view(t: &Value) -> Value {
    let mut t = t.clone();
    if let Some(m) = t.as_object_mut() {
        m.remove("RegisteredMs");
        m.insert("Type".into(), json!("CVM"));
    }
    t
}

fn describe_targets(s: &Store, call: &Call) -> Outcome {
    let lb_id = call.str("LoadBalancerId").unwrap_or_default();
    lb(s, call, lb_id)?;
    let list: Vec<Value> = listeners_of(s, call, lb_id)
        .map(|l| {
            let targets: Vec<Value> = l.attrs.get("Targets").and_then(Value::as_array).map(|a| a.iter().map(target_view).collect()).unwrap_or_default();
            json!({"ListenerId": l.id, "Protocol": l.attrs["Protocol"], "Port": l.attrs["Port"], "Targets": targets})
        })
        .collect();
    Ok(object(json!({"Listeners": list})))
}

/// A target is Unknown until its first check (one transition delay after registering), then
/// Alive, or what the admin endpoint set; Close when the listener's health check is off.
fn health_of(ctx: &Ctx, s: &Store, account: &str, l: &Resource, t: &Value) -> &'static str {
    let off = l
        .attrs
        .get("HealthCheck")
        .and_then(|h| h.get("HealthSwitch"))
        .and_then(Value::as_i64)
        == Some(0);
    // A stopped listener's targets are Close (监听器状态停止), as is a switched-off check.
    if off || l.state == "stopped" {
        return "Close";
    }
    let registered = t.get("RegisteredMs").and_then(Value::as_u64).unwrap_or(0);
    let started = l
        .attrs
        .get("StartedMs")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let since = registered.max(started);
    if ctx.now_ms < since + ctx.model.transition_delay_ms {
        return "Unknown";
    }
    let id = t
        .get("InstanceId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match s
        .health
        .get(&(account.to_string(), id.to_string()))
        .map(String::as_str)
    {
        Some("abnormal" | "Dead" | "dead") => "Dead",
        _ => "Alive",
    }
}

fn describe_target_health(ctx: &Ctx, s: &Store, call: &Call) -> Outcome {
    let mut out = Vec::new();
    for id in call.strings("LoadBalancerIds") {
        lb(s, call, &id)?;
        let listeners: Vec<Value> = listeners_of(s, call, &id)
            .map(|l| {
                let targets: Vec<Value> = l
                    .attrs
                    .get("Targets")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .map(|t| {
                                let detail = health_of(ctx, s, call.account, l, t);
                                json!({"IP": t.get("InstanceId").or_else(|| t.get("EniIp")), "Port": t["Port"], "TargetId": t.get("InstanceId"), "HealthStatus": detail == "Alive", "HealthStatusDetail": detail})
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                json!({"ListenerId": l.id, "ListenerName": l.attrs.get("ListenerName"), "Protocol": l.attrs["Protocol"], "Port": l.attrs["Port"], "Rules": [{"LocationId": "", "Targets": targets}]})
            })
            .collect();
        out.push(json!({"LoadBalancerId": id, "Listeners": listeners}));
    }
    Ok(object(json!({"LoadBalancers": out})))
}

fn describe_task(s: &Store, call: &Call) -> Outcome {
    let id = call.str("TaskId").unwrap_or_default();
    let t = s
        .get(call.account, id)
        .filter(|r| r.kind == TASK)
        .ok_or_else(|| Failure::new("InvalidParameter", format!("task {id} does not exist")))?;
    let status = match t.state.as_str() {
        "succeeded" => 0,
        "failed" => 1,
        _ => 2,
    };
    Ok(object(json!({"Status": status})))
}
