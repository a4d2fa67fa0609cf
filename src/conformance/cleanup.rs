//! Resources a run creates: named with the run's prefix, recorded when created, deleted at the
//! end of their case, at the end of the run, on failure and on Ctrl-C. `lbconform cleanup
//! --prefix P` sweeps the load balancers an interrupted run left behind.

use std::sync::{Arc, Mutex};

use serde_json::{json, Map, Value};

use super::client::{CallOpts, Client};
use super::runner::lookup;
use crate::model::binding::{Bindings, Verb};
use crate::spec::{Dialect, Spec};

/// The bindings of a dialect, read off the spec once per process (every answer of a run asks
/// what it created, and every delete which action deletes it). Keyed by the dialect's id and
/// a fingerprint of its actions, so a spec edited in a test is not mistaken for the original.
pub fn bindings(d: &Dialect) -> Arc<Bindings> {
    type Cache = Mutex<std::collections::HashMap<(String, usize, usize), Arc<Bindings>>>;
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    let params: usize = d
        .actions
        .values()
        .map(|a| 1 + a.params.len() + a.response.len())
        .sum();
    let key = (d.id().to_string(), d.actions.len(), params);
    let cache = CACHE.get_or_init(Default::default);
    if let Some(b) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return b.clone();
    }
    let b = Arc::new(Bindings::of(d));
    cache
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key, b.clone());
    b
}

/// How one dialect creates, names, finds and deletes load balancers.
pub struct LbKind {
    pub create: &'static str,
    /// The name parameter of the create action.
    pub name_param: &'static str,
    pub describe: &'static str,
}

pub fn lb_kind(dialect: &str) -> Option<LbKind> {
    Some(match dialect {
        "aliyun-slb" | "aliyun-ens" => LbKind {
            create: "CreateLoadBalancer",
            name_param: "LoadBalancerName",
            describe: "DescribeLoadBalancers",
        },
        "tencent-clb" => LbKind {
            create: "CreateLoadBalancer",
            name_param: "LoadBalancerName",
            describe: "DescribeLoadBalancers",
        },
        "tencent-clb-v2" => LbKind {
            create: "CreateLoadBalancer",
            name_param: "loadBalancerName",
            describe: "DescribeLoadBalancers",
        },
        _ => return None,
    })
}

/// One resource the run created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub dialect: String,
    pub id: String,
    /// The id field it is known by (`LoadBalancerId`, `VServerGroupId`), which names the
    /// action that deletes it.
    pub key: String,
    pub second_account: bool,
    /// Alibaba's region of the create call, for the delete call.
    pub region: Option<String>,
    /// The create call's parameters: the delete call takes the parents it names from them
    /// (a Tencent listener is deleted with its LoadBalancerId).
    pub from: Map<String, Value>,
}

/// The resources a successful answer to `action` created, as (id field, id): what the spec's
/// binding of the action says it creates, found in the answer wherever the documents put it.
pub fn created_ids(d: &Dialect, action: &str, body: &Value) -> Vec<(String, String)> {
    let all = bindings(d);
    let Some(c) = all.actions.get(action).and_then(|b| b.creates.clone()) else {
        return Vec::new();
    };
    c.ids_in(body)
        .into_iter()
        .map(|id| (c.key.clone(), id))
        .collect()
}

/// The delete call for a resource other than a load balancer: the dialect's delete action
/// whose target is the resource's id field.
fn generic_delete(d: &Dialect, c: &Created) -> Option<(String, Map<String, Value>)> {
    let all = bindings(d);
    // The delete its state machine names (ENS releases an EIP with ReleaseInstance), else the
    // delete whose target is the id field.
    let resource = all.kinds.get(&c.key).map(|k| k.resource.as_str());
    let machine = resource.and_then(|r| d.state_machines.get(r));
    let named = |n: &str| {
        machine.is_some_and(|m| {
            m.transitions
                .iter()
                .any(|t| t.trigger == n && t.to.eq_ignore_ascii_case("absent"))
        })
    };
    let deletes = || all.actions.iter().filter(|(_, b)| b.verb == Verb::Delete);
    let (name, b) = deletes()
        .find(|(_, b)| b.target.as_ref().is_some_and(|t| t.key == c.key))
        .or_else(|| deletes().find(|(n, b)| named(n) && b.target.is_some()))?;
    let t = b.target.as_ref()?;
    let mut m = Map::new();
    let id = Value::String(c.id.clone());
    m.insert(t.param.clone(), if t.many { json!([id]) } else { id });
    let takes_region = d.actions[name].params.iter().any(|p| p.name == "RegionId");
    if let (true, Some(r)) = (takes_region, &c.region) {
        m.insert("RegionId".into(), json!(r));
    }
    for p in d.actions[name].params.iter().filter(|p| p.required) {
        if let (false, Some(v)) = (m.contains_key(&p.name), c.from.get(&p.name)) {
            m.insert(p.name.clone(), v.clone());
        }
    }
    Some((name.clone(), m))
}

/// Whether the dialect can delete what `c` is at all (Tencent's log sets cannot be).
pub fn deletable(d: &Dialect, c: &Created) -> bool {
    delete_call(d, c).is_some()
}

/// The delete call for one resource: load balancers by each dialect's own action, the rest by
/// the spec's delete action for their id field.
pub fn delete_call(d: &Dialect, c: &Created) -> Option<(String, Map<String, Value>)> {
    if !c.key.eq_ignore_ascii_case("LoadBalancerId") {
        return generic_delete(d, c);
    }
    let (action, v) = match c.dialect.as_str() {
        "aliyun-slb" => (
            "DeleteLoadBalancer",
            json!({"RegionId": c.region.clone().unwrap_or("cn-hangzhou".into()), "LoadBalancerId": c.id}),
        ),
        "aliyun-ens" => ("ReleaseInstance", json!({"InstanceId": c.id})),
        "tencent-clb" => ("DeleteLoadBalancer", json!({"LoadBalancerIds": [c.id]})),
        _ => ("DeleteLoadBalancers", json!({"loadBalancerIds": [c.id]})),
    };
    Some((
        action.to_string(),
        v.as_object().cloned().unwrap_or_default(),
    ))
}

/// The registry of what is still to delete, shared with the Ctrl-C handler.
#[derive(Debug, Clone, Default)]
pub struct Registry(Arc<Mutex<Vec<Created>>>);

impl Registry {
    pub fn add(&self, c: Created) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(c);
    }

    /// Everything still to delete, newest first, so children go before their parents.
    pub fn take(&self) -> Vec<Created> {
        let mut v = std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()));
        v.reverse();
        v
    }

    /// Everything still to delete, oldest first, left in place.
    pub fn snapshot(&self) -> Vec<Created> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Deletes `items` (best effort: a resource already gone is fine). When the target has admin
/// endpoints the clock is moved on first and locks are lifted, so transitional states and
/// injected locks do not keep a resource alive. Returns what could not be deleted.
pub async fn delete_all(
    client: &Client,
    spec: &Spec,
    items: Vec<Created>,
    admin: bool,
    manual_clock: bool,
) -> Vec<(Created, String)> {
    let left = delete_pass(client, spec, items, admin, manual_clock).await;
    if left.is_empty() {
        return left;
    }
    // What was refused as still in use (a certificate an HTTPS listener names) may be free
    // now that the rest is gone: one more pass over it.
    let again = left.into_iter().map(|(c, _)| c).collect();
    delete_pass(client, spec, again, admin, manual_clock).await
}

/// One attempt at deleting each of `items`, in order; what could not be deleted, and why.
async fn delete_pass(
    client: &Client,
    spec: &Spec,
    items: Vec<Created>,
    admin: bool,
    manual_clock: bool,
) -> Vec<(Created, String)> {
    let mut left = Vec::new();
    if items.is_empty() {
        return left;
    }
    if manual_clock {
        let _ = client.admin("POST", "clock/advance", "ms=60000").await;
    }
    for c in items {
        let Some(d) = spec.dialect(&c.dialect) else {
            continue;
        };
        if admin {
            let _ = client
                .admin("POST", "unlock", &format!("id={}", c.id))
                .await;
        }
        let Some((action, params)) = delete_call(d, &c) else {
            left.push((c, "the spec names no action that deletes it".into()));
            continue;
        };
        let opts = CallOpts {
            second_account: c.second_account,
            ..Default::default()
        };
        let mut answer = client.call(d, &action, &params, &opts).await;
        if matches!(&answer, Ok(a) if a.code.is_some() && !is_gone(a.code.as_deref(), &a.message)) {
            // Still attached to something (an EIP bound to an instance): detach it by every
            // action that detaches this kind of resource, then try again.
            for (detach, p) in detach_calls(d, &c) {
                let _ = client.call(d, &detach, &p, &opts).await;
            }
            // Detaching may pass through a transitional state (Unassociating).
            if manual_clock {
                let _ = client.admin("POST", "clock/advance", "ms=60000").await;
            } else {
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            }
            answer = client.call(d, &action, &params, &opts).await;
        }
        match answer {
            Ok(a) if a.code.is_none() || is_gone(a.code.as_deref(), &a.message) => {}
            Ok(a) => left.push((c, format!("{}: {}", a.code.unwrap_or_default(), a.message))),
            Err(e) => left.push((c, e.to_string())),
        }
    }
    left
}

/// The detach calls that take `c` alone (`UnAssociateEnsEipAddress` with its AllocationId):
/// the detach actions naming its id field whose other required parameters `c`'s create call
/// gave.
fn detach_calls(d: &Dialect, c: &Created) -> Vec<(String, Map<String, Value>)> {
    let all = bindings(d);
    let mut out = Vec::new();
    for (name, b) in all.actions.iter().filter(|(_, b)| b.verb == Verb::Detach) {
        let Some(r) = b.refs.iter().find(|r| r.key == c.key && !r.slb_listener) else {
            continue;
        };
        let mut m = Map::new();
        let id = Value::String(c.id.clone());
        m.insert(r.param.clone(), if r.many { json!([id]) } else { id });
        let complete = d.actions[name]
            .params
            .iter()
            .filter(|p| p.required)
            .all(|p| {
                if m.contains_key(&p.name) {
                    return true;
                }
                let v = c.from.get(&p.name).cloned().or_else(|| {
                    (p.name == "RegionId")
                        .then(|| c.region.clone().map(Value::String))
                        .flatten()
                });
                v.map(|v| m.insert(p.name.clone(), v)).is_some()
            });
        if complete {
            out.push((name.clone(), m));
        }
    }
    out
}

/// Answers that mean the resource is already gone: a not-found code, or (SLB documents no
/// not-found code for most kinds and answers InvalidParameter) a message saying so.
fn is_gone(code: Option<&str>, message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    code.is_some_and(|c| {
        c.contains("NotFound")
            || c == "5000"
            || c.contains("NotExist")
            || (c == "InvalidParameter"
                && (m.contains("does not exist") || m.contains("not found")))
    })
}

/// The load balancers of `d` (in the primary account) whose name starts with `prefix`.
pub async fn list_prefixed(
    client: &Client,
    d: &Dialect,
    prefix: &str,
    region: &str,
) -> anyhow::Result<Vec<Created>> {
    let Some(kind) = lb_kind(d.id()) else {
        return Ok(Vec::new());
    };
    let mut params = Map::new();
    if d.id() == "aliyun-slb" {
        params.insert("RegionId".into(), region.into());
    }
    let a = client
        .call(d, kind.describe, &params, &CallOpts::default())
        .await?;
    if let Some(code) = a.code {
        anyhow::bail!(
            "{}: {} answered {code}: {}",
            d.id(),
            kind.describe,
            a.message
        );
    }
    let list = [
        "LoadBalancers.LoadBalancer",
        "LoadBalancerSet",
        "loadBalancerSet",
    ]
    .iter()
    .find_map(|p| lookup(&a.body, p).and_then(Value::as_array).cloned())
    .unwrap_or_default();
    Ok(list
        .iter()
        .filter(|lb| {
            ["LoadBalancerName", "loadBalancerName"].iter().any(|k| {
                lb.get(*k)
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.starts_with(prefix))
            })
        })
        .filter_map(|lb| {
            ["LoadBalancerId", "loadBalancerId", "unLoadBalancerId"]
                .iter()
                .find_map(|k| lb.get(*k).and_then(Value::as_str))
                .map(|id| Created {
                    dialect: d.id().to_string(),
                    id: id.to_string(),
                    key: "LoadBalancerId".into(),
                    second_account: false,
                    region: Some(region.to_string()),
                    from: Map::new(),
                })
        })
        .collect())
}
