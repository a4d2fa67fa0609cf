//! The legacy Tencent CLB v2 API, modelled so far: classic load balancers (status 0 creating,
//! then 1 normal), listeners, backends and their health, and the tasks of its asynchronous
//! actions, polled by the numeric requestId with DescribeLoadBalancersTaskResult (2 in progress,
//! then 0 success).

use serde_json::{json, Map, Value};

use super::store::{Resource, Store};
use super::tencent_clb::born;
use super::{object, Call, Ctx, Failure, Outcome};
use crate::spec::Dialect;

const LB: &str = "load_balancer";
const LISTENER: &str = "listener";
const TASK: &str = "task";

pub fn execute(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    let out = match call.action.name.as_str() {
        "CreateLoadBalancer" => create_load_balancer(ctx, s, call),
        "DescribeLoadBalancers" => describe_load_balancers(s, call),
        "DeleteLoadBalancers" => delete_load_balancers(s, call),
        "CreateLoadBalancerListeners" => create_listeners(ctx, s, call),
        "DescribeLoadBalancerListeners" => describe_listeners(s, call),
        "DeleteLoadBalancerListeners" => delete_listeners(s, call),
        "RegisterInstancesWithLoadBalancer" | "DeregisterInstancesFromLoadBalancer" => {
            backends(s, call)
        }
        "DescribeLoadBalancerBackends" => describe_backends(s, call),
        "DescribeLBHealthStatus" => describe_health(s, call),
        "DescribeLoadBalancersTaskResult" => describe_task(s, call),
        _ => super::generic::execute(ctx, s, call),
    };
    match out {
        Ok(mut body) if call.action.is_async => {
            body.insert("requestId".into(), json!(start_task(ctx, s, call)));
            Ok(body)
        }
        other => other,
    }
}

/// The numeric requestId an asynchronous v2 action answers with.
fn start_task(ctx: &Ctx, s: &mut Store, call: &Call) -> u64 {
    let (state, pending) = born(ctx, call.dialect, TASK, &call.action.name);
    let n = s.next_seq();
    let id = format!("v2-task-{n}");
    s.insert(Resource {
        kind: TASK.into(),
        id,
        account: call.account.into(),
        region: call.region.into(),
        parent: None,
        state,
        attrs: Default::default(),
        pending,
        seq: n,
    });
    n
}

fn lb<'s>(s: &'s Store, call: &Call, id: &str) -> Result<&'s Resource, Failure> {
    s.get(call.account, id)
        .filter(|r| r.kind == LB)
        .ok_or_else(|| Failure::new("5000", format!("load balancer {id} does not exist")))
}

fn lb_id<'c>(call: &'c Call) -> &'c str {
    call.str("loadBalancerId").unwrap_or_default()
}

fn create_load_balancer(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    let n = call
        .params
        .get("number")
        .and_then(Value::as_i64)
        .unwrap_or(1)
        .max(1);
    let deal = format!("{}", 20_000_000 + s.next_seq());
    let mut ids = Vec::new();
    for _ in 0..n {
        let id = s.new_id("lb-", 8);
        let (state, pending) = born(ctx, call.dialect, LB, &call.action.name);
        let mut attrs = call.params.clone();
        attrs.insert("loadBalancerId".into(), json!(id));
        attrs.insert("unLoadBalancerId".into(), json!(id));
        attrs
            .entry("loadBalancerName")
            .or_insert_with(|| json!(format!("clb-{}", &id[3..])));
        attrs.insert(
            "loadBalancerVips".into(),
            json!([format!(
                "111.230.{}.{}",
                s.random_u8(),
                s.random_u8().max(1)
            )]),
        );
        attrs.insert("backends".into(), json!([]));
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
        json!({"dealIds": [deal.clone()], "unLoadBalancerIds": {deal: ids}}),
    ))
}

/// status 0 while creating, 1 once normal (the documented load balancer status codes).
fn lb_view(d: &Dialect, r: &Resource) -> Value {
    let mut m = Map::new();
    for k in [
        "loadBalancerId",
        "unLoadBalancerId",
        "loadBalancerName",
        "loadBalancerType",
        "forward",
        "loadBalancerVips",
        "projectId",
        "vpcId",
        "subnetId",
    ] {
        if let Some(v) = r.attrs.get(k) {
            m.insert(k.into(), v.clone());
        }
    }
    m.insert(
        "status".into(),
        json!(if r.state == "creating" { 0 } else { 1 }),
    );
    if let Some(t) = super::generic::created_at(d, r) {
        m.insert("createTime".into(), json!(t));
    }
    Value::Object(m)
}

fn describe_load_balancers(s: &Store, call: &Call) -> Outcome {
    let ids = call.strings("loadBalancerIds");
    let all: Vec<Value> = s
        .of_kind(call.account, LB)
        .filter(|r| ids.is_empty() || ids.contains(&r.id))
        .filter(|r| {
            call.params
                .get("loadBalancerType")
                .is_none_or(|t| r.attrs.get("loadBalancerType") == Some(t))
        })
        .map(|r| lb_view(call.dialect, r))
        .collect();
    let page = call.page(&all, "offset", "limit");
    Ok(object(
        json!({"totalCount": all.len(), "loadBalancerSet": page}),
    ))
}

fn delete_load_balancers(s: &mut Store, call: &Call) -> Outcome {
    let ids = call.strings("loadBalancerIds");
    for id in &ids {
        lb(s, call, id)?;
    }
    ids.iter().for_each(|id| s.remove_tree(id));
    Ok(Map::new())
}

fn create_listeners(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    let parent = lb(s, call, lb_id(call))?.id.clone();
    let wanted = call.items("listeners");
    let taken: Vec<Value> = s
        .of_kind(call.account, LISTENER)
        .filter(|l| l.parent.as_deref() == Some(parent.as_str()))
        .filter_map(|l| l.attrs.get("loadBalancerPort").cloned())
        .collect();
    if let Some(l) = wanted
        .iter()
        .find(|l| l.get("loadBalancerPort").is_some_and(|p| taken.contains(p)))
    {
        return Err(Failure::new(
            "4000",
            format!("port {} already has a listener", l["loadBalancerPort"]),
        ));
    }
    let mut ids = Vec::new();
    for mut attrs in wanted {
        let id = s.new_id("lbl-", 8);
        let (state, pending) = born(ctx, call.dialect, LISTENER, &call.action.name);
        attrs.insert("listenerId".into(), json!(id));
        attrs.insert("unListenerId".into(), json!(id));
        let seq = s.next_seq();
        s.insert(Resource {
            kind: LISTENER.into(),
            id: id.clone(),
            account: call.account.into(),
            region: call.region.into(),
            parent: Some(parent.clone()),
            state,
            attrs: attrs.into(),
            pending,
            seq,
        });
        ids.push(id);
    }
    Ok(object(json!({"listenerIds": ids})))
}

fn describe_listeners(s: &Store, call: &Call) -> Outcome {
    let parent = lb(s, call, lb_id(call))?.id.clone();
    let ids = call.strings("listenerIds");
    let list: Vec<Value> = s
        .of_kind(call.account, LISTENER)
        .filter(|l| l.parent.as_deref() == Some(parent.as_str()))
        .filter(|l| ids.is_empty() || ids.contains(&l.id))
        .map(|l| {
            let mut m = l.attrs.to_map();
            m.insert(
                "status".into(),
                json!(if l.state == "creating" { 0 } else { 1 }),
            );
            Value::Object(m)
        })
        .collect();
    Ok(object(
        json!({"totalCount": list.len(), "listenerSet": list}),
    ))
}

fn delete_listeners(s: &mut Store, call: &Call) -> Outcome {
    let parent = lb(s, call, lb_id(call))?.id.clone();
    let ids = call.strings("listenerIds");
    for id in &ids {
        s.get(call.account, id)
            .filter(|l| l.parent.as_deref() == Some(parent.as_str()))
            .ok_or_else(|| Failure::new("5000", format!("listener {id} does not exist")))?;
    }
    ids.iter().for_each(|id| s.remove_tree(id));
    Ok(Map::new())
}

fn backends(s: &mut Store, call: &Call) -> Outcome {
    let id = lb(s, call, lb_id(call))?.id.clone();
    let given = call.items("backends");
    let r = s.get_mut(call.account, &id).expect("found above");
    let mut current: Vec<Value> = r
        .attrs
        .get("backends")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for b in given {
        let iid = b.get("instanceId").cloned();
        let pos = current
            .iter()
            .position(|c| c.get("instanceId") == iid.as_ref());
        match (call.action.name.as_str(), pos) {
            ("RegisterInstancesWithLoadBalancer", None) => current.push(json!({"instanceId": iid, "unInstanceId": iid, "weight": b.get("weight").cloned().unwrap_or(json!(10))})),
            ("RegisterInstancesWithLoadBalancer", Some(i)) => current[i]["weight"] = b.get("weight").cloned().unwrap_or(json!(10)),
            ("DeregisterInstancesFromLoadBalancer", Some(i)) => {
                current.remove(i);
            }
            _ => return Err(Failure::new("5000", "the backend is not registered")),
        }
    }
    r.attrs.insert("backends".into(), json!(current));
    Ok(Map::new())
}

fn describe_backends(s: &Store, call: &Call) -> Outcome {
    let r = lb(s, call, lb_id(call))?;
    let set: Vec<Value> = r
        .attrs
        .get("backends")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    Ok(object(json!({"totalCount": set.len(), "backendSet": set})))
}

/// healthStatus 1 healthy, 0 unhealthy (as the admin endpoint set it), per listener and backend.
fn describe_health(s: &Store, call: &Call) -> Outcome {
    let r = lb(s, call, lb_id(call))?;
    let backends: Vec<Value> = r
        .attrs
        .get("backends")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut data = Vec::new();
    for l in s
        .of_kind(call.account, LISTENER)
        .filter(|l| l.parent.as_deref() == Some(r.id.as_str()))
    {
        if call.str("listenerId").is_some_and(|w| w != l.id) {
            continue;
        }
        for b in &backends {
            let iid = b["instanceId"].as_str().unwrap_or_default().to_string();
            let dead = matches!(
                s.health
                    .get(&(call.account.to_string(), iid.clone()))
                    .map(String::as_str),
                Some("abnormal" | "Dead" | "dead" | "0")
            );
            data.push(json!({"ip": iid, "protocol": l.attrs.get("protocol"), "port": l.attrs.get("instancePort"), "vport": l.attrs.get("loadBalancerPort"), "healthStatus": if dead { 0 } else { 1 }}));
        }
    }
    Ok(object(json!({"data": data})))
}

fn describe_task(s: &Store, call: &Call) -> Outcome {
    let n = call
        .params
        .get("requestId")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let t = s
        .get(call.account, &format!("v2-task-{n}"))
        .ok_or_else(|| Failure::new("5000", format!("task {n} does not exist")))?;
    let status = match t.state.as_str() {
        "success" => 0,
        "failure" => 1,
        _ => 2,
    };
    Ok(object(json!({"data": {"status": status}})))
}
