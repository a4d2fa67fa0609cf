//! Refusals the spec's `[model]` hints describe for every action alike, checked before any
//! handler runs (hand-written ones included): a `Filters` name the action does not document,
//! a listener of a protocol the action is not for, a create asking for a value another
//! resource holds (a VIP in use), and a `DryRun` request, which is answered
//! with what the request would have got, or with the dry-run code, and changes nothing.

use serde_json::Value;

use super::binding::{Binding, Verb};
use super::store::{Resource, Store};
use super::{Call, Failure};
use crate::spec::{Action, Dialect};

/// Whether `action` documents `code`: its own table, or a dialect-level row naming it. Stricter
/// than [`super::documents`], which also counts common codes (rows naming no action): a hint's
/// refusal is answered only where a table ties the code to the action, so a common code such
/// as ResourceInsufficient does not spread to every action.
pub fn documents(d: &Dialect, action: &Action, code: &str) -> bool {
    action.errors.iter().any(|e| e.code == code)
        || d.errors
            .iter()
            .any(|e| e.code == code && e.actions.iter().any(|a| a == &action.name))
}

/// A dialect hint's code, where the action documents it.
fn hint<'d>(call: &Call<'d>, code: Option<&'d String>) -> Option<&'d str> {
    code.map(String::as_str)
        .filter(|c| documents(call.dialect, call.action, c))
}

/// Every `Filters[].Name` is one the action documents (`[model] filters`; `tag:` a prefix).
pub fn filters(call: &Call) -> Result<(), Failure> {
    let known = match &call.action.model {
        Some(m) if !m.filters.is_empty() => &m.filters,
        _ => return Ok(()),
    };
    let Some(code) = hint(call, call.dialect.header.model.invalid_filter.as_ref()) else {
        return Ok(());
    };
    let given = call.params.get("Filters").and_then(Value::as_array);
    let names = given
        .into_iter()
        .flatten()
        .filter_map(|f| f.get("Name").and_then(Value::as_str));
    for name in names {
        let ok = known.iter().any(|k| match k.strip_suffix(':') {
            Some(prefix) => name
                .strip_prefix(prefix)
                .is_some_and(|r| r.starts_with(':')),
            None => k == name,
        });
        if !ok {
            let detail = format!("{name} is not a filter of {}", call.action.name);
            return Err(Failure::new(code, detail));
        }
    }
    Ok(())
}

/// Every listener the request names speaks a protocol the action is for (its `protocols`).
pub fn protocols(s: &Store, call: &Call, b: &Binding) -> Result<(), Failure> {
    for r in b.refs.iter().filter(|r| r.kind == "listener") {
        for id in super::generic::ids(call, r) {
            if let Some(l) = s.get(call.account, &id) {
                listener_protocol(call, l)?;
            }
        }
    }
    Ok(())
}

/// Listener `l` speaks a protocol the action is for, or the dialect's wrong-protocol code
/// where the action documents it.
pub fn listener_protocol(call: &Call, l: &Resource) -> Result<(), Failure> {
    if call.action.protocols.is_empty() {
        return Ok(());
    }
    let Some(code) = hint(call, call.dialect.header.model.wrong_protocol.as_ref()) else {
        return Ok(());
    };
    let Some(p) = l.attrs.get("Protocol").and_then(Value::as_str) else {
        return Ok(());
    };
    if call
        .action
        .protocols
        .iter()
        .any(|x| x.eq_ignore_ascii_case(p))
    {
        return Ok(());
    }
    let detail = format!(
        "{} is for {} listeners; {} is {p}",
        call.action.name,
        call.action.protocols.join("/"),
        l.id
    );
    Err(Failure::new(code, detail))
}

/// Whether the call is a dry run the action documents a code for (004 § 公共错误码:
/// DryRunOperation 代表请求将会是成功的，只是多传了 DryRun 参数).
pub fn dry_run(call: &Call) -> Option<&'static str> {
    const CODE: &str = "DryRunOperation";
    let asked = matches!(call.params.get("DryRun"), Some(Value::Bool(true)))
        || call
            .str("DryRun")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    (asked && documents(call.dialect, call.action, CODE)).then_some(CODE)
}

/// A create does not ask for what another resource of the account already holds (`[model]
/// taken`: CloneLoadBalancer's `Vip`, 004 § 错误码 ResourceInUse 资源被占用).
pub fn taken(s: &Store, call: &Call, b: &Binding) -> Result<(), Failure> {
    if b.verb != Verb::Create {
        return Ok(());
    }
    for (param, code) in &call.dialect.header.model.taken {
        let Some(want) = call.str(param).filter(|v| !v.is_empty()) else {
            continue;
        };
        if !documents(call.dialect, call.action, code) {
            continue;
        }
        let plural = format!("{param}s");
        let holds = |v: &Value| match v {
            Value::String(x) => x == want,
            Value::Array(a) => a.iter().any(|x| x.as_str() == Some(want)),
            _ => false,
        };
        let holder = s.resources.values().find(|r| {
            r.account == call.account
                && r.attrs
                    .iter()
                    .any(|(k, v)| (k == param.as_str() || k.ends_with(&plural)) && holds(v))
        });
        if let Some(r) = holder {
            let detail = format!("{param} {want} is held by {}", r.id);
            return Err(Failure::new(code, detail));
        }
    }
    Ok(())
}
