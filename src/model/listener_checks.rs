//! Refusals of SLB listener actions that depend on what the listener already is, each answered
//! only where the action documents its code:
//!
//! - `UnsupportedOperationonfixedprotocalport`: an action for some protocols (its spec
//!   `protocols`: DescribeLoadBalancerHTTPListenerAttribute is for http, CreateRules for http and
//!   https) addressing a port whose listener has another protocol;
//! - `VipNotMatchRspool`: a server group already forwarding for listeners of one layer (TCP/UDP,
//!   or HTTP/HTTPS) named by a listener or rule of the other;
//! - `IncorrectListenerAccessControlStatusStatus`: SetListenerAccessControlStatus asking for the
//!   status the listener already has.

use serde_json::Value;

use super::alibaba_lb::listener_id;
use super::generic::member_items;
use super::store::{Resource, Store};
use super::{documents, Call, Failure};

const FIXED_PORT: &str = "UnsupportedOperationonfixedprotocalport";
const RSPOOL: &str = "VipNotMatchRspool";
const ACCESS_CONTROL: &str = "IncorrectListenerAccessControlStatusStatus";
/// A new listener's access control status: create actions take none, and `close` is the
/// AccessControlStatus code table's "access control off" (001 SetListenerAccessControlStatus).
const ACCESS_CONTROL_DEFAULT: &str = "close";

pub fn check(s: &Store, call: &Call) -> Result<(), Failure> {
    fixed_protocol(s, call)?;
    rspool_protocol(s, call)?;
    access_control(s, call)
}

/// The listener the call addresses by `LoadBalancerId` and `ListenerPort`, if it exists.
fn addressed<'s>(s: &'s Store, call: &Call) -> Option<&'s Resource> {
    let lb = call.str("LoadBalancerId")?;
    let port = call.params.get("ListenerPort")?.as_i64()?;
    s.get(call.account, &listener_id(lb, port))
}

fn protocol(r: &Resource) -> Option<&str> {
    r.attrs.get("ListenerProtocol").and_then(Value::as_str)
}

fn fixed_protocol(s: &Store, call: &Call) -> Result<(), Failure> {
    let a = call.action;
    if a.protocols.is_empty() || !documents(call.dialect, a, FIXED_PORT) {
        return Ok(());
    }
    match addressed(s, call).and_then(protocol) {
        Some(p) if !a.protocols.iter().any(|x| x == p) => Err(Failure::new(
            FIXED_PORT,
            format!(
                "the port has a {p} listener; {} is for {}",
                a.name,
                a.protocols.join("/")
            ),
        )),
        _ => Ok(()),
    }
}

/// Layer 4 (tcp, udp) or layer 7 (http, https).
fn layer(protocol: &str) -> u8 {
    if protocol.starts_with("http") {
        7
    } else {
        4
    }
}

/// The protocol a listener or a rule forwards for (a rule: its listener's).
fn forwards(s: &Store, r: &Resource) -> Option<String> {
    if let Some(p) = protocol(r) {
        return Some(p.to_string());
    }
    let lb = r.attrs.get("LoadBalancerId")?.as_str()?;
    let port = r.attrs.get("ListenerPort")?;
    let port = port.as_i64().or_else(|| port.as_str()?.parse().ok())?;
    s.get(&r.account, &listener_id(lb, port))
        .and_then(protocol)
        .map(str::to_string)
}

/// The protocol the call would make a server group forward for: a listener action's own, or
/// that of the listener a rule action addresses (by port, or the stored rule's).
fn requested(s: &Store, call: &Call) -> Option<String> {
    if let [one] = call.action.protocols.as_slice() {
        return Some(one.clone());
    }
    if let Some(l) = addressed(s, call) {
        return protocol(l).map(str::to_string);
    }
    let rule = s.get(call.account, call.str("RuleId")?)?;
    forwards(s, rule)
}

/// The server groups the call names: `VServerGroupId` and those of its rule list's items.
fn groups(call: &Call) -> Vec<String> {
    let mut out: Vec<String> = call
        .str("VServerGroupId")
        .map(str::to_string)
        .into_iter()
        .collect();
    for v in call.params.values() {
        for item in member_items(v) {
            if let Some(g) = item.get("VServerGroupId").and_then(Value::as_str) {
                out.push(g.to_string());
            }
        }
    }
    out
}

fn rspool_protocol(s: &Store, call: &Call) -> Result<(), Failure> {
    if !documents(call.dialect, call.action, RSPOOL) {
        return Ok(());
    }
    let names = groups(call);
    let Some(want) = names.first().and_then(|_| requested(s, call)) else {
        return Ok(());
    };
    let itself = addressed(s, call).map(|l| l.id.clone());
    for g in &names {
        let users = s.resources.values().filter(|r| {
            r.account == call.account
                && Some(&r.id) != itself.as_ref()
                && r.attrs.get("VServerGroupId").and_then(Value::as_str) == Some(g)
        });
        for u in users {
            if let Some(p) = forwards(s, u).filter(|p| layer(p) != layer(&want)) {
                return Err(Failure::new(
                    RSPOOL,
                    format!("{g} forwards for {p} ({}); {want} cannot use it", u.id),
                ));
            }
        }
    }
    Ok(())
}

fn access_control(s: &Store, call: &Call) -> Result<(), Failure> {
    let Some(wanted) = call.str("AccessControlStatus") else {
        return Ok(());
    };
    if !documents(call.dialect, call.action, ACCESS_CONTROL) {
        return Ok(());
    }
    let Some(l) = addressed(s, call) else {
        return Ok(());
    };
    let current = l
        .attrs
        .get("AccessControlStatus")
        .and_then(Value::as_str)
        .unwrap_or(ACCESS_CONTROL_DEFAULT);
    if current == wanted {
        return Err(Failure::new(
            ACCESS_CONTROL,
            format!("access control of {} is already {current}", l.id),
        ));
    }
    Ok(())
}
