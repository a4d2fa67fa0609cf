//! The ECS instances an SLB request names as backend servers. SLB does not host them, so the
//! model knows of them in two ways: every id must have the documented shape (the dialect's
//! `[model] malformed` pattern for `ServerId`, else `InvalidServerId.Malformed`), and
//! `POST /_lbconform/ecs` tells it about instances of an account: their network (classic or a
//! VPC), or that one was released. A released instance is `InvalidServerId.NotFound`; the
//! networks of known instances must agree with the load balancer's
//! (`InvalidBackendServers.Inconsistent`: all backends of one load balancer in one VPC or all
//! classic; no VPC instance behind a classic intranet load balancer). A well-formed id the
//! model was told nothing about is taken on trust, so registering instances in one case never
//! changes what another case's ids mean. Each check applies only where the action documents
//! its code.

use regex::Regex;
use serde_json::Value;

use super::generic::member_items;
use super::store::{Ecs, Resource, Store};
use super::{documents, Call, Failure};

const NOT_FOUND: &str = "InvalidServerId.NotFound";
const INCONSISTENT: &str = "InvalidBackendServers.Inconsistent";
const CLASSIC: &str = "classic";

/// The server ids a request names: the `ServerId` of every item of its list parameters, and the
/// bare ids of a `...BackendServers` list (RemoveBackendServers documents `["i-..."]`).
pub fn named(call: &Call) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in &call.params {
        for item in member_items(v) {
            match &item {
                Value::Object(m) => {
                    if let Some(id) = m.get("ServerId").and_then(Value::as_str) {
                        out.push(id.to_string());
                    }
                }
                Value::String(id) if k.ends_with("BackendServers") => out.push(id.clone()),
                _ => {}
            }
        }
    }
    out
}

/// Every check the action documents, before any handler changes anything.
pub fn check(s: &Store, call: &Call) -> Result<(), Failure> {
    let servers = named(call);
    if servers.is_empty() {
        return Ok(());
    }
    let (d, a) = (call.dialect, call.action);
    if let Some(shape) = d.header.model.malformed.get("ServerId") {
        if documents(d, a, &shape.code) {
            let re = Regex::new(&shape.pattern)
                .map_err(|e| Failure::new(&shape.code, format!("bad pattern in the spec: {e}")))?;
            if let Some(bad) = servers.iter().find(|id| !re.is_match(id)) {
                return Err(Failure::new(
                    &shape.code,
                    format!("{bad} is not an ECS instance id"),
                ));
            }
        }
    }
    let inventory = owned(s, call.account);
    if inventory.is_empty() {
        return Ok(());
    }
    let released = |id: &&String| inventory.iter().any(|(i, e)| i == *id && e.released);
    if documents(d, a, NOT_FOUND) {
        if let Some(gone) = servers.iter().find(released) {
            return Err(Failure::new(NOT_FOUND, format!("{gone} was released")));
        }
    }
    if documents(d, a, INCONSISTENT) {
        consistent(s, call, &servers, &inventory)?;
    }
    Ok(())
}

/// The instances registered for the account.
fn owned<'s>(s: &'s Store, account: &str) -> Vec<(&'s str, &'s Ecs)> {
    s.ecs
        .iter()
        .filter(|((acc, _), _)| acc == account)
        .map(|((_, id), e)| (id.as_str(), e))
        .collect()
}

/// The networks of the new servers and of those the load balancer already has agree.
fn consistent(
    s: &Store,
    call: &Call,
    servers: &[String],
    inventory: &[(&str, &Ecs)],
) -> Result<(), Failure> {
    let Some(lb) = load_balancer(s, call) else {
        return Ok(());
    };
    let network = |id: &str| {
        inventory
            .iter()
            .find(|(i, e)| *i == id && !e.released)
            .map(|(_, e)| e.network.as_str())
    };
    let adding: Vec<&str> = servers.iter().filter_map(|id| network(id)).collect();
    let classic_intranet = lb.attrs.get("NetworkType").and_then(Value::as_str) == Some(CLASSIC)
        && lb.attrs.get("AddressType").and_then(Value::as_str) == Some("intranet");
    if classic_intranet && adding.iter().any(|n| *n != CLASSIC) {
        return Err(Failure::new(
            INCONSISTENT,
            format!(
                "{} is a classic intranet load balancer; VPC backends are not allowed",
                lb.id
            ),
        ));
    }
    let mut networks: Vec<&str> = current(s, lb)
        .iter()
        .filter_map(|id| network(id))
        .chain(adding)
        .collect();
    networks.sort_unstable();
    networks.dedup();
    if networks.len() > 1 {
        return Err(Failure::new(
            INCONSISTENT,
            format!(
                "{} would have backends in {}",
                lb.id,
                networks.join(" and ")
            ),
        ));
    }
    Ok(())
}

/// The load balancer the call's servers go behind: its `LoadBalancerId`, or the one of the
/// server group it names.
fn load_balancer<'s>(s: &'s Store, call: &Call) -> Option<&'s Resource> {
    let id = call.str("LoadBalancerId").map(str::to_string).or_else(|| {
        let group = s.get(call.account, call.str("VServerGroupId")?)?;
        group
            .attrs
            .get("LoadBalancerId")?
            .as_str()
            .map(str::to_string)
    })?;
    s.get(call.account, &id)
}

/// Every server the load balancer has: its own backends and those of its server groups.
fn current(s: &Store, lb: &Resource) -> Vec<String> {
    let lists = ["BackendServers", "MasterSlaveBackendServers"];
    s.resources
        .values()
        .filter(|r| {
            r.account == lb.account
                && (r.id == lb.id
                    || r.attrs.get("LoadBalancerId").and_then(Value::as_str) == Some(&lb.id))
        })
        .flat_map(|r| {
            lists
                .iter()
                .filter_map(|k| r.attrs.get(k))
                .flat_map(member_items)
                .collect::<Vec<_>>()
        })
        .filter_map(|v| {
            v.get("ServerId")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect()
}
