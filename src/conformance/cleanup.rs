//! Resources a run creates: named with the run's prefix, recorded when created, deleted at the
//! end of their case, at the end of the run, on failure and on Ctrl-C. `lbconform cleanup
//! --prefix P` sweeps the load balancers an interrupted run left behind.

use std::sync::{Arc, Mutex};

use serde_json::{json, Map, Value};

use super::client::{CallOpts, Client};
use super::runner::lookup;
use crate::spec::Dialect;

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
    pub second_account: bool,
    /// Alibaba's region of the create call, for the delete call.
    pub region: Option<String>,
}

/// The ids of the load balancers a successful create answer names.
pub fn created_ids(dialect: &str, body: &Value) -> Vec<String> {
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    match dialect {
        "aliyun-slb" | "aliyun-ens" => body
            .get("LoadBalancerId")
            .and_then(Value::as_str)
            .map(|s| vec![s.to_string()])
            .unwrap_or_default(),
        "tencent-clb" => strings(body.get("LoadBalancerIds")),
        "tencent-clb-v2" => body
            .get("unLoadBalancerIds")
            .and_then(Value::as_object)
            .map(|m| m.values().flat_map(|v| strings(Some(v))).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The delete call for one load balancer.
pub fn delete_call(c: &Created) -> (&'static str, Map<String, Value>) {
    let (action, v) = match c.dialect.as_str() {
        "aliyun-slb" => (
            "DeleteLoadBalancer",
            json!({"RegionId": c.region.clone().unwrap_or("cn-hangzhou".into()), "LoadBalancerId": c.id}),
        ),
        "aliyun-ens" => ("ReleaseInstance", json!({"InstanceId": c.id})),
        "tencent-clb" => ("DeleteLoadBalancer", json!({"LoadBalancerIds": [c.id]})),
        _ => ("DeleteLoadBalancers", json!({"loadBalancerIds": [c.id]})),
    };
    (action, v.as_object().cloned().unwrap_or_default())
}

/// The registry of what is still to delete, shared with the Ctrl-C handler.
#[derive(Debug, Clone, Default)]
pub struct Registry(Arc<Mutex<Vec<Created>>>);

impl Registry {
    pub fn add(&self, c: Created) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(c);
    }

    pub fn take(&self) -> Vec<Created> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
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
    dialect_of: &dyn Fn(&str) -> Option<Dialect>,
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
        let Some(d) = dialect_of(&c.dialect) else {
            continue;
        };
        if admin {
            let _ = client
                .admin("POST", "unlock", &format!("id={}", c.id))
                .await;
        }
        let (action, params) = delete_call(&c);
        let opts = CallOpts {
            second_account: c.second_account,
            ..Default::default()
        };
        match client.call(&d, action, &params, &opts).await {
            Ok(a) if a.code.is_none() || is_gone(a.code.as_deref()) => {}
            Ok(a) => left.push((c, format!("{}: {}", a.code.unwrap_or_default(), a.message))),
            Err(e) => left.push((c, e.to_string())),
        }
    }
    left
}

/// Codes that mean the resource is already gone.
fn is_gone(code: Option<&str>) -> bool {
    code.is_some_and(|c| c.contains("NotFound") || c == "5000" || c.contains("NotExist"))
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
                    second_account: false,
                    region: Some(region.to_string()),
                })
        })
        .collect())
}
