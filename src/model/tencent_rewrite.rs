//! Tencent CLB 3.0 redirects between forwarding rules (004 § 手动添加负载均衡转发规则的重定向关系,
//! § 删除负载均衡转发规则之间的重定向关系, § 获取负载均衡转发规则的重定向关系). A redirect is kept on its
//! source rule as the documented `RuleOutput.RewriteTarget` (TargetListenerId, TargetLocationId),
//! under the document's constraint: "若A已经重定向至B，则A不能再重定向至C（除非先删除老的重定向关系），
//! B不能重定向至任何其它地址" — a rule already in a redirect, as source or as target, takes no new
//! one (InvalidParameter.RewriteAlreadyExist 转发规则已绑定重定向关系), and deleting a redirect that is
//! not there is InvalidParameter.SomeRewriteNotFound (一些重定向规则不存在).

use serde_json::{json, Map, Value};

use super::store::{Resource, Store};
use super::tencent_clb::{lb, LISTENER};
use super::{object, Call, Failure, Outcome};

const RULE: &str = "rule";
const TARGET: &str = "RewriteTarget";

fn fail(code: &str, detail: String) -> Failure {
    Failure::new(code, detail)
}

/// The listener `param` names, under the request's load balancer.
fn listener<'s>(
    s: &'s Store,
    call: &Call,
    lb_id: &str,
    param: &str,
) -> Result<&'s Resource, Failure> {
    let id = call.str(param).unwrap_or_default();
    s.get(call.account, id)
        .filter(|l| l.kind == LISTENER && l.parent.as_deref() == Some(lb_id))
        .ok_or_else(|| {
            fail(
                "InvalidParameter.ListenerIdNotFound",
                format!("{param} {id} does not exist"),
            )
        })
}

/// A rule of listener `l`.
fn rule<'s>(s: &'s Store, call: &Call, l: &Resource, id: &str) -> Result<&'s Resource, Failure> {
    s.get(call.account, id)
        .filter(|r| r.kind == RULE && r.parent.as_deref() == Some(l.id.as_str()))
        .ok_or_else(|| {
            fail(
                "InvalidParameter.LocationNotFound",
                format!("{id} is not a rule of {}", l.id),
            )
        })
}

/// The `TargetLocationId` of every redirect under `lb_id`'s listeners.
fn targets_of(s: &Store, call: &Call, lb_id: &str) -> Vec<String> {
    rules_of(s, call, lb_id)
        .filter_map(|r| {
            r.attrs
                .get(TARGET)?
                .get("TargetLocationId")?
                .as_str()
                .map(str::to_string)
        })
        .collect()
}

fn rules_of<'s>(
    s: &'s Store,
    call: &'s Call,
    lb_id: &'s str,
) -> impl Iterator<Item = &'s Resource> + 's {
    let listeners: Vec<String> = s
        .of_kind(call.account, LISTENER)
        .filter(|l| l.parent.as_deref() == Some(lb_id))
        .map(|l| l.id.clone())
        .collect();
    s.of_kind(call.account, RULE)
        .filter(move |r| r.parent.as_ref().is_some_and(|p| listeners.contains(p)))
}

fn location(item: &Map<String, Value>, field: &str) -> String {
    item.get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// ManualRewrite: every pair names a rule of each listener, neither already in a redirect.
pub fn manual(s: &mut Store, call: &Call) -> Outcome {
    let lb_id = call.str("LoadBalancerId").unwrap_or_default();
    lb(s, call, lb_id)?;
    let src = listener(s, call, lb_id, "SourceListenerId")?;
    let dst = listener(s, call, lb_id, "TargetListenerId")?;
    for l in [src, dst] {
        super::guards::listener_protocol(call, l)?;
    }
    let mut bound = targets_of(s, call, lb_id);
    let mut writes = Vec::new();
    for item in call.items("RewriteInfos") {
        let (from, to) = (
            location(&item, "SourceLocationId"),
            location(&item, "TargetLocationId"),
        );
        let source = rule(s, call, src, &from)?;
        rule(s, call, dst, &to)?;
        if source.attrs.get(TARGET).is_some() || bound.contains(&from) {
            let why = format!("{from} is already in a redirect");
            return Err(fail("InvalidParameter.RewriteAlreadyExist", why));
        }
        bound.push(to.clone());
        let mut target = json!({"TargetListenerId": dst.id, "TargetLocationId": to});
        for k in ["RewriteCode", "TakeUrl"] {
            if let Some(v) = item.get(k) {
                target[k] = v.clone();
            }
        }
        writes.push((from, target));
    }
    for (id, target) in writes {
        if let Some(r) = s.get_mut(call.account, &id) {
            r.attrs.insert(TARGET.into(), target);
        }
    }
    Ok(Map::new())
}

/// DeleteRewrite: every pair must be a redirect from the source listener to the target one.
pub fn delete(s: &mut Store, call: &Call) -> Outcome {
    let lb_id = call.str("LoadBalancerId").unwrap_or_default();
    lb(s, call, lb_id)?;
    let (src, dst) = (
        call.str("SourceListenerId").unwrap_or_default(),
        call.str("TargetListenerId").unwrap_or_default(),
    );
    let mut gone = Vec::new();
    for item in call.items("RewriteInfos") {
        let (from, to) = (
            location(&item, "SourceLocationId"),
            location(&item, "TargetLocationId"),
        );
        let here = s
            .get(call.account, &from)
            .filter(|r| r.kind == RULE && r.parent.as_deref() == Some(src))
            .and_then(|r| r.attrs.get(TARGET))
            .is_some_and(|t| t["TargetListenerId"] == dst && t["TargetLocationId"] == to.as_str());
        if !here {
            let why = format!("no redirect from {from} to {to}");
            return Err(fail("InvalidParameter.SomeRewriteNotFound", why));
        }
        gone.push(from);
    }
    for id in gone {
        if let Some(r) = s.get_mut(call.account, &id) {
            r.attrs.remove(TARGET);
        }
    }
    Ok(Map::new())
}

/// DescribeRewrite: the load balancer's rules with their redirect targets, narrowed to the
/// listeners and rules named; a named one that does not exist is ResourceNotFound (the code
/// its table documents).
pub fn describe(s: &Store, call: &Call) -> Outcome {
    let lb_id = call.str("LoadBalancerId").unwrap_or_default();
    lb(s, call, lb_id)?;
    let listeners = call.strings("SourceListenerIds");
    let locations = call.strings("SourceLocationIds");
    let rules: Vec<&Resource> = rules_of(s, call, lb_id).collect();
    let known_listener = |id: &String| {
        s.get(call.account, id)
            .is_some_and(|l| l.kind == LISTENER && l.parent.as_deref() == Some(lb_id))
    };
    let missing = listeners.iter().find(|id| !known_listener(id)).or_else(|| {
        locations
            .iter()
            .find(|id| !rules.iter().any(|r| &r.id == *id))
    });
    if let Some(id) = missing {
        return Err(fail("ResourceNotFound", format!("{id} does not exist")));
    }
    let set: Vec<Value> = rules
        .iter()
        .filter(|r| {
            listeners.is_empty() || r.parent.as_ref().is_some_and(|p| listeners.contains(p))
        })
        .filter(|r| locations.is_empty() || locations.contains(&r.id))
        .map(|r| {
            let mut m = Map::new();
            for k in ["LocationId", "Domain", "Url", "ListenerId", TARGET] {
                if let Some(v) = r.attrs.get(k) {
                    m.insert(k.into(), v.clone());
                }
            }
            m.insert("LocationId".into(), json!(r.id));
            m.insert("ListenerId".into(), json!(r.parent));
            Value::Object(m)
        })
        .collect();
    Ok(object(json!({ "RewriteSet": set })))
}
