//! The Alibaba classic load balancer, shared by SLB and ENS's edge load balancer (ELB), which
//! document the same actions with the same names: load balancers (active, inactive, locked;
//! ClientToken idempotence), listeners of every protocol with their lifecycle, backend servers
//! and their health. Where the two differ (ENS's EnsRegionId, its ReleaseInstance), the
//! difference is named below. State changes go through the spec's state machines
//! ([`super::lifecycle`]), so what a state forbids is the spec's word, not code here.

use serde_json::{json, Map, Value};

use super::lifecycle::{completion, step};
use super::store::{Pending, Resource, Store};
use super::{object, Call, Ctx, Failure, Outcome};
use crate::spec::{Dialect, StateMachine};
use crate::wire::aliyun_v1::format_iso8601;

pub(super) const LB: &str = "load_balancer";
const LISTENER: &str = "listener";

/// Runs an SLB action; `None` when the action has no modelled meaning yet.
pub fn execute(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    let name = call.action.name.as_str();
    super::certificate::check(call)?;
    super::backends::check(s, call)?;
    if call.dialect.id() == "aliyun-slb" {
        super::listener_checks::check(s, call)?;
    }
    let out = match name {
        "CreateLoadBalancer" => create_load_balancer(ctx, s, call),
        "DescribeLoadBalancers" => describe_load_balancers(s, call),
        "DescribeLoadBalancerAttribute" => describe_load_balancer(s, call),
        "DeleteLoadBalancer" => delete_load_balancer(ctx, s, call, lb_id(call)),
        // ENS releases a load balancer with ReleaseInstance (its InstanceId is the lb- id).
        "ReleaseInstance" if call.str("InstanceId").is_some_and(|i| i.starts_with("lb-")) => {
            delete_load_balancer(ctx, s, call, call.str("InstanceId").unwrap_or_default())
        }
        "SetLoadBalancerStatus" => set_load_balancer_status(ctx, s, call),
        "SetLoadBalancerName" => set_load_balancer_name(s, call),
        "DescribeRegions" => Ok(super::regions::describe_regions(call)),
        "DescribeEnsRegions" => Ok(super::regions::describe_ens_regions(call)),
        "StartLoadBalancerListener" | "StopLoadBalancerListener" => {
            start_stop_listener(ctx, s, call)
        }
        "DeleteLoadBalancerListener" => delete_listener(ctx, s, call),
        "AddBackendServers" | "RemoveBackendServers" | "SetBackendServers" => {
            backend_servers(s, call)
        }
        "DescribeHealthStatus" => describe_health(s, call),
        "DescribeTags" if call.dialect.id() == "aliyun-slb" => super::tags::describe_tags(s, call),
        n if listener_protocol(n, "CreateLoadBalancer", "Listener").is_some() => {
            create_listener(ctx, s, call)
        }
        n if listener_protocol(n, "SetLoadBalancer", "ListenerAttribute").is_some() => {
            set_listener(ctx, s, call)
        }
        n if listener_protocol(n, "DescribeLoadBalancer", "ListenerAttribute").is_some() => {
            describe_listener(s, call)
        }
        _ => super::generic::execute(ctx, s, call),
    };
    out
}

/// `CreateLoadBalancerHTTPSListener` -> `https`.
fn listener_protocol(action: &str, prefix: &str, suffix: &str) -> Option<String> {
    let p = action.strip_prefix(prefix)?.strip_suffix(suffix)?;
    matches!(p, "HTTP" | "HTTPS" | "TCP" | "UDP").then(|| p.to_ascii_lowercase())
}

fn machine<'d>(d: &'d Dialect, resource: &str) -> Option<&'d StateMachine> {
    d.state_machines.get(resource)
}

/// Moves `r` along `trigger` (to `wanted` where several targets exist); a transitional target
/// completes on its own after the transition delay, once the caller has `track`ed `r`.
fn transition(
    ctx: &Ctx,
    d: &Dialect,
    r: &mut Resource,
    trigger: &str,
    wanted: Option<&str>,
) -> Result<(), Failure> {
    let Some(m) = machine(d, &r.kind) else {
        return Ok(());
    };
    let t = step(m, &r.state, trigger, wanted).map_err(|n| {
        let code = n
            .error
            .unwrap_or_else(|| documented(d, "ActionNotAllowed", Hint::NotAllowed).into());
        Failure::new(
            &code,
            format!(
                "{} {} is {}; {trigger} is not allowed",
                r.kind, r.id, n.state
            ),
        )
    })?;
    if let Some(t) = t {
        r.pending = completion(m, &t.to, &r.state).map(|to| Pending {
            to: to.to_string(),
            due_ms: ctx.due(),
        });
        r.state = t.to.clone();
    }
    Ok(())
}

/// What the parent load balancer's state says about `trigger` (a locked instance forbids it).
fn check_parent(d: &Dialect, lb: &Resource, trigger: &str) -> Result<(), Failure> {
    let Some(m) = machine(d, LB) else {
        return Ok(());
    };
    let st = m
        .states
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(&lb.state));
    match st.and_then(|s| s.forbids.iter().find(|f| f.action == trigger)) {
        Some(f) => Err(Failure::new(
            f.error
                .as_deref()
                .unwrap_or(documented(d, "ActionNotAllowed", Hint::NotAllowed)),
            format!("load balancer {} is {}", lb.id, lb.state),
        )),
        None => Ok(()),
    }
}

fn lb_id<'c>(call: &'c Call) -> &'c str {
    call.str("LoadBalancerId").unwrap_or_default()
}

fn find_lb<'s>(s: &'s Store, call: &Call) -> Result<&'s Resource, Failure> {
    lb_by_id(s, call, lb_id(call))
}

fn lb_by_id<'s>(s: &'s Store, call: &Call, id: &str) -> Result<&'s Resource, Failure> {
    s.get(call.account, id)
        .filter(|r| r.kind == LB)
        .ok_or_else(|| Failure::new(not_found(call.dialect), format!("{id} not found")))
}

/// The dialect's code for a load balancer that does not exist.
/// Which of the dialect's model hints stands in for an SLB code ENS does not document.
enum Hint {
    NotAllowed,
    NotFound,
    Exists,
}

/// `code` where the dialect documents it (SLB), else the dialect's own code for the same
/// refusal (ENS documents no listener codes).
fn documented<'d>(d: &'d Dialect, code: &'d str, hint: Hint) -> &'d str {
    if d.all_errors().any(|e| e.code == code) {
        return code;
    }
    let h = &d.header.model;
    let alt = match hint {
        Hint::NotAllowed => h.not_allowed.as_deref(),
        Hint::NotFound => h.not_found_code("ListenerPort"),
        Hint::Exists => h.already_exists.as_deref(),
    };
    alt.unwrap_or(code)
}

fn not_found(d: &Dialect) -> &str {
    let code = d.header.model.not_found_code("LoadBalancerId");
    code.unwrap_or("InvalidLoadBalancerId.NotFound")
}

/// SLB's RegionId, ENS's EnsRegionId.
fn region<'c>(call: &'c Call) -> Option<&'c str> {
    call.str("RegionId").or_else(|| call.str("EnsRegionId"))
}

fn port(call: &Call) -> i64 {
    call.params
        .get("ListenerPort")
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

pub(crate) fn listener_id(lb: &str, port: i64) -> String {
    format!("{lb}/listener/{port}")
}

fn find_listener<'s>(s: &'s mut Store, call: &Call) -> Result<&'s mut Resource, Failure> {
    let id = listener_id(lb_id(call), port(call));
    s.get_mut(call.account, &id).ok_or_else(|| {
        Failure::new(
            documented(call.dialect, "ListenerNotFound", Hint::NotFound),
            format!("no listener on port {}", port(call)),
        )
    })
}

/// The documented defaults of every parameter the caller left out, beside what it gave.
fn with_defaults(call: &Call) -> Map<String, Value> {
    let mut m = call.params.clone();
    for p in &call.action.params {
        if let (Some(d), false) = (&p.default, m.contains_key(&p.name)) {
            m.insert(p.name.clone(), d.clone());
        }
    }
    m
}

fn create_load_balancer(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    let token = call.str("ClientToken").map(str::to_string);
    let fingerprint = Value::Object(call.params.clone());
    if let Some(t) = &token {
        let key = (
            call.account.to_string(),
            call.action.name.clone(),
            t.clone(),
        );
        if let Some((seen, answer)) = s.idempotency.get(&key) {
            return if *seen == fingerprint {
                Ok(answer.clone())
            } else {
                Err(Failure::new(
                    "IdempotentParameterMismatch",
                    "the ClientToken was used with other parameters",
                ))
            };
        }
    }
    let region = region(call).unwrap_or("cn-hangzhou").to_string();
    // Alibaba's shape: lb- + two letters of the region + 21 characters.
    let code: String = region
        .split('-')
        .nth(1)
        .unwrap_or("hz")
        .chars()
        .take(2)
        .collect();
    let id = s.new_id(&format!("lb-{code:a<2}"), 21);
    let mut attrs = with_defaults(call);
    let vpc = attrs.contains_key("VSwitchId");
    let address_type = attrs
        .get("AddressType")
        .and_then(Value::as_str)
        .unwrap_or(if vpc { "intranet" } else { "internet" })
        .to_string();
    let address = if address_type == "intranet" {
        format!("172.16.{}.{}", s.random_u8(), s.random_u8().max(1))
    } else {
        format!(
            "47.{}.{}.{}",
            s.random_u8(),
            s.random_u8(),
            s.random_u8().max(1)
        )
    };
    attrs.insert("LoadBalancerId".into(), json!(id));
    attrs.insert("Address".into(), json!(address));
    attrs.insert("AddressType".into(), json!(address_type));
    attrs.insert(
        "NetworkType".into(),
        json!(if vpc { "vpc" } else { "classic" }),
    );
    attrs
        .entry("LoadBalancerName")
        .or_insert_with(|| json!(format!("auto_named_slb{}", s.random_u8())));
    // The model's clock, as every other creation time: the time and its millisecond twin agree.
    let ms = ctx.model.clock.unix_ms(ctx.now_ms);
    attrs.insert(
        "CreateTime".into(),
        json!(format_iso8601((ms / 1000) as i64)),
    );
    attrs.insert("CreateTimeStamp".into(), json!(ms));
    attrs.insert("BackendServers".into(), json!([]));
    attrs.remove("ClientToken");
    let seq = s.next_seq();
    let initial = machine(call.dialect, LB).map_or("active".to_string(), |m| {
        m.transitions
            .iter()
            .find(|t| t.trigger == "CreateLoadBalancer")
            .map_or(m.initial.clone(), |t| t.to.clone())
    });
    s.insert(Resource {
        kind: LB.into(),
        id: id.clone(),
        account: call.account.into(),
        region,
        parent: None,
        state: initial,
        attrs: attrs.into(),
        pending: None,
        seq,
    });
    let r = &s.resources[&id];
    let mut answer = Map::new();
    for k in [
        "LoadBalancerId",
        "Address",
        "NetworkType",
        "LoadBalancerName",
        "VpcId",
        "VSwitchId",
        "AddressType",
    ] {
        if let Some(v) = r.attrs.get(k) {
            answer.insert(k.into(), v.clone());
        }
    }
    if let Some(t) = token {
        s.idempotency.insert(
            (call.account.to_string(), call.action.name.clone(), t),
            (fingerprint, answer.clone()),
        );
    }
    Ok(answer)
}

fn lb_summary(r: &Resource) -> Value {
    // Sized for everything below and the documented fields the answer fills in, so the map
    // never rehashes.
    let mut m = Map::with_capacity(24);
    for k in [
        "LoadBalancerId",
        "LoadBalancerName",
        "Address",
        "AddressType",
        "NetworkType",
        "VpcId",
        "VSwitchId",
        "CreateTime",
        "InternetChargeType",
        "LoadBalancerSpec",
        "MasterZoneId",
        "SlaveZoneId",
    ] {
        if let Some(v) = r.attrs.get(k) {
            m.insert(k.into(), v.clone());
        }
    }
    m.insert("LoadBalancerStatus".into(), json!(r.state));
    // SLB documents RegionId, ENS EnsRegionId; the documented shape keeps the dialect's own.
    m.insert("RegionId".into(), json!(r.region));
    m.insert("EnsRegionId".into(), json!(r.region));
    Value::Object(m)
}

fn describe_load_balancers(s: &Store, call: &Call) -> Outcome {
    let ids: Option<Vec<&str>> = call
        .str("LoadBalancerId")
        .map(|v| v.split(',').map(str::trim).collect());
    let filters = [
        "LoadBalancerName",
        "AddressType",
        "NetworkType",
        "VpcId",
        "VSwitchId",
        "Address",
        "InternetChargeType",
        "MasterZoneId",
        "SlaveZoneId",
    ];
    let matching: Vec<Value> = s
        .of_kind(call.account, LB)
        .filter(|r| region(call).is_none_or(|reg| reg == r.region))
        .filter(|r| {
            call.str("LoadBalancerStatus")
                .is_none_or(|st| st.eq_ignore_ascii_case(&r.state))
        })
        .filter(|r| ids.as_ref().is_none_or(|ids| ids.contains(&r.id.as_str())))
        .filter(|r| {
            filters.iter().all(|f| {
                call.params
                    .get(*f)
                    .is_none_or(|want| r.attrs.get(f) == Some(want))
            })
        })
        .filter(|r| {
            call.str("ServerId")
                .is_none_or(|sid| backends(r).iter().any(|b| b["ServerId"] == sid))
        })
        .map(lb_summary)
        .collect();
    // Paged only where the action documents PageSize (ENS: default 10); SLB's lists all.
    let documented = call.action.params.iter().find(|p| p.name == "PageSize");
    let default_size = documented.map_or(u64::MAX, |p| {
        p.default.as_ref().and_then(Value::as_u64).unwrap_or(10)
    });
    let size = call
        .params
        .get("PageSize")
        .and_then(Value::as_u64)
        .unwrap_or(default_size)
        .max(1) as usize;
    let number = call
        .params
        .get("PageNumber")
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .max(1) as usize;
    let total = matching.len();
    let page: Vec<Value> = matching
        .into_iter()
        .skip((number - 1) * size)
        .take(size)
        .collect();
    // Built by hand: json! would serialize a deep copy of the page.
    let mut list = Map::new();
    list.insert("LoadBalancer".into(), Value::Array(page));
    let mut body = Map::new();
    body.insert("LoadBalancers".into(), Value::Object(list));
    body.insert("TotalCount".into(), json!(total));
    body.insert("PageNumber".into(), json!(number));
    body.insert("PageSize".into(), json!(size));
    Ok(body)
}

fn backends(r: &Resource) -> Vec<Value> {
    r.attrs
        .get("BackendServers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn describe_load_balancer(s: &Store, call: &Call) -> Outcome {
    let lb = find_lb(s, call)?;
    let mut m = object(lb_summary(lb));
    let listeners: Vec<&Resource> = s
        .of_kind(call.account, LISTENER)
        .filter(|l| l.parent.as_deref() == Some(&lb.id))
        .collect();
    m.insert("ListenerPorts".into(), json!({"ListenerPort": listeners.iter().map(|l| l.attrs["ListenerPort"].clone()).collect::<Vec<_>>()}));
    let ports: Vec<Value> = listeners
        .iter()
        .map(|l| json!({"ListenerPort": l.attrs["ListenerPort"], "ListenerProtocol": l.attrs["ListenerProtocol"]}))
        .collect();
    // The documented spelling; 001's example repeats the list misspelled, which the spec drops
    // (erratum on DescribeLoadBalancerAttribute's ListenerPortsAndProtocal).
    m.insert(
        "ListenerPortsAndProtocol".into(),
        json!({ "ListenerPortAndProtocol": ports }),
    );
    m.insert(
        "BackendServers".into(),
        json!({"BackendServer": backends(lb)}),
    );
    Ok(m)
}

fn delete_load_balancer(ctx: &Ctx, s: &mut Store, call: &Call, id: &str) -> Outcome {
    let id = lb_by_id(s, call, id)?.id.clone();
    let lb = s.get_mut(call.account, &id).expect("found above");
    if lb.attrs.get("DeleteProtection").and_then(Value::as_str) == Some("on") {
        let code = documented(call.dialect, "ActionNotAllowed", Hint::NotAllowed);
        return Err(Failure::new(code, "delete protection is on"));
    }
    transition(ctx, call.dialect, lb, &call.action.name, None)?;
    s.remove_tree(&id);
    Ok(Map::new())
}

fn set_load_balancer_status(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    let id = find_lb(s, call)?.id.clone();
    let wanted = call.str("LoadBalancerStatus").map(str::to_string);
    let lb = s.get_mut(call.account, &id).expect("found above");
    transition(
        ctx,
        call.dialect,
        lb,
        "SetLoadBalancerStatus",
        wanted.as_deref(),
    )?;
    s.track(&id);
    Ok(Map::new())
}

fn set_load_balancer_name(s: &mut Store, call: &Call) -> Outcome {
    let id = find_lb(s, call)?.id.clone();
    check_parent(call.dialect, &s.resources[&id], "SetLoadBalancerName")?;
    let name = call
        .params
        .get("LoadBalancerName")
        .cloned()
        .unwrap_or(Value::Null);
    s.get_mut(call.account, &id)
        .expect("found above")
        .attrs
        .insert("LoadBalancerName".into(), name);
    Ok(Map::new())
}

fn create_listener(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    let protocol =
        listener_protocol(&call.action.name, "CreateLoadBalancer", "Listener").unwrap_or_default();
    let lb = find_lb(s, call)?;
    check_parent(call.dialect, lb, &call.action.name)?;
    let (lb_id, region) = (lb.id.clone(), lb.region.clone());
    let id = listener_id(&lb_id, port(call));
    if s.resources.contains_key(&id) {
        return Err(Failure::new(
            documented(call.dialect, "ListenerAlreadyExists", Hint::Exists),
            format!("port {} is taken", port(call)),
        ));
    }
    let mut attrs = with_defaults(call);
    attrs.insert("ListenerProtocol".into(), json!(protocol));
    attrs.remove("RegionId");
    let seq = s.next_seq();
    let mut r = Resource {
        kind: LISTENER.into(),
        id: id.clone(),
        account: call.account.into(),
        region,
        parent: Some(lb_id),
        state: "absent".into(),
        attrs: attrs.into(),
        pending: None,
        seq,
    };
    transition(ctx, call.dialect, &mut r, &call.action.name, None)?;
    s.insert(r);
    Ok(Map::new())
}

fn start_stop_listener(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    check_parent(call.dialect, find_lb(s, call)?, &call.action.name)?;
    let l = find_listener(s, call)?;
    transition(ctx, call.dialect, l, &call.action.name, None)?;
    let id = l.id.clone();
    s.track(&id);
    Ok(Map::new())
}

fn delete_listener(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    check_parent(call.dialect, find_lb(s, call)?, &call.action.name)?;
    let l = find_listener(s, call)?;
    transition(ctx, call.dialect, l, &call.action.name, None)?;
    let id = l.id.clone();
    s.remove_tree(&id);
    Ok(Map::new())
}

fn set_listener(ctx: &Ctx, s: &mut Store, call: &Call) -> Outcome {
    check_parent(call.dialect, find_lb(s, call)?, &call.action.name)?;
    let protocol = listener_protocol(&call.action.name, "SetLoadBalancer", "ListenerAttribute")
        .unwrap_or_default();
    let l = find_listener(s, call)?;
    if l.attrs.get("ListenerProtocol").and_then(Value::as_str) != Some(protocol.as_str()) {
        return Err(Failure::new(
            documented(call.dialect, "ListenerNotFound", Hint::NotFound),
            format!("no {protocol} listener on port {}", port(call)),
        ));
    }
    transition(ctx, call.dialect, l, &call.action.name, None)?;
    for (k, v) in &call.params {
        if k != "RegionId" && k != "LoadBalancerId" {
            l.attrs.insert(k.clone(), v.clone());
        }
    }
    let id = l.id.clone();
    s.track(&id);
    Ok(Map::new())
}

fn describe_listener(s: &mut Store, call: &Call) -> Outcome {
    let protocol = listener_protocol(
        &call.action.name,
        "DescribeLoadBalancer",
        "ListenerAttribute",
    )
    .unwrap_or_default();
    let l = find_listener(s, call)?;
    if l.attrs.get("ListenerProtocol").and_then(Value::as_str) != Some(protocol.as_str()) {
        return Err(Failure::new(
            documented(call.dialect, "ListenerNotFound", Hint::NotFound),
            format!("no {protocol} listener on port {}", port(call)),
        ));
    }
    let mut m = l.attrs.to_map();
    m.remove("LoadBalancerId");
    m.remove("ListenerProtocol");
    m.insert("Status".into(), json!(l.state));
    Ok(m)
}

fn backend_servers(s: &mut Store, call: &Call) -> Outcome {
    let lb = find_lb(s, call)?;
    check_parent(call.dialect, lb, &call.action.name)?;
    let id = lb.id.clone();
    let given: Vec<Value> = call
        .params
        .get("BackendServers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let lb = s.get_mut(call.account, &id).expect("found above");
    let mut current = backends(lb);
    // RemoveBackendServers documents a plain list of ids (["i-..."]) besides objects.
    let sid = |v: &Value| {
        v.get("ServerId")
            .and_then(Value::as_str)
            .or(v.as_str())
            .map(str::to_string)
    };
    for b in &given {
        let Some(server) = sid(b) else { continue };
        let weight = b.get("Weight").cloned().unwrap_or(json!(100));
        let pos = current
            .iter()
            .position(|c| sid(c).as_deref() == Some(server.as_str()));
        match (call.action.name.as_str(), pos) {
            ("AddBackendServers", None) => {
                current.push(json!({"ServerId": server, "Weight": weight}))
            }
            ("AddBackendServers" | "SetBackendServers", Some(i)) => current[i]["Weight"] = weight,
            ("RemoveBackendServers", Some(i)) => {
                current.remove(i);
            }
            ("SetBackendServers", None) => {
                let code = call.dialect.header.model.not_found_code("ServerId");
                return Err(Failure::new(
                    code.unwrap_or("InvalidServerId.NotFound"),
                    format!("{server} is not a backend of {id}"),
                ));
            }
            _ => {}
        }
    }
    lb.attrs.insert("BackendServers".into(), json!(current));
    Ok(object(
        json!({"LoadBalancerId": id, "BackendServers": {"BackendServer": current}}),
    ))
}

/// A backend's health: `unavailable` while its listener does not run or checks are off, else
/// what the admin endpoint set, else `normal`.
fn describe_health(s: &mut Store, call: &Call) -> Outcome {
    let lb = find_lb(s, call)?;
    let lb_id = lb.id.clone();
    let servers = backends(lb);
    let want_port = call.params.get("ListenerPort").and_then(Value::as_i64);
    // (listener port, backend port, whether health is checked) of each listener asked about.
    let listeners: Vec<(i64, Value, bool)> = s
        .of_kind(call.account, LISTENER)
        .filter(|l| l.parent.as_deref() == Some(lb_id.as_str()))
        .filter_map(|l| {
            let checked = l.state == "running"
                && l.attrs.get("HealthCheck").and_then(Value::as_str) != Some("off");
            let backend_port = l
                .attrs
                .get("BackendServerPort")
                .cloned()
                .unwrap_or(Value::Null);
            l.attrs
                .get("ListenerPort")
                .and_then(Value::as_i64)
                .map(|p| (p, backend_port, checked))
        })
        .filter(|(p, _, _)| want_port.is_none_or(|w| w == *p))
        .collect();
    if want_port.is_some() && listeners.is_empty() {
        return Err(Failure::new(
            documented(call.dialect, "ListenerNotFound", Hint::NotFound),
            "no listener on that port",
        ));
    }
    let mut out = Vec::new();
    for (p, backend_port, checked) in listeners {
        for b in &servers {
            let server = b["ServerId"].as_str().unwrap_or_default().to_string();
            let status = if !checked {
                "unavailable".to_string()
            } else {
                s.health
                    .get(&(call.account.to_string(), server.clone()))
                    .cloned()
                    .unwrap_or_else(|| "normal".into())
            };
            out.push(json!({"ServerId": server, "Port": backend_port, "ListenerPort": p, "ServerHealthStatus": status}));
        }
    }
    Ok(object(json!({"BackendServers": {"BackendServer": out}})))
}
