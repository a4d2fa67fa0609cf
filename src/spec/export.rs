//! `lbconform spec export --json`: the machine-readable form other tools read.
//!
//! The keys ARCHITECTURE.md fixes (`dialects[].id/version/actions[].name/params[]/errors[]`,
//! `state_machines[].resource/states/transitions[]`) are always present; everything else the spec
//! holds is added beside them.

use serde_json::{json, Value};

use super::load::{Dialect, Spec};
use super::schema::{Action, ErrorCode, Param};

pub fn export(spec: &Spec) -> Value {
    json!({ "dialects": spec.dialects.iter().map(dialect).collect::<Vec<_>>() })
}

fn dialect(d: &Dialect) -> Value {
    json!({
        "id": d.header.id,
        "name": d.header.name,
        "version": d.header.version,
        "protocol": d.header.protocol,
        "seeds": d.header.seeds,
        "common_params": d.header.common_params.iter().map(param).collect::<Vec<_>>(),
        "actions": d.actions.values().map(action).collect::<Vec<_>>(),
        "errors": d.errors.iter().map(error).collect::<Vec<_>>(),
        "structures": d.structures.values().map(|s| json!({
            "name": s.name,
            "description": s.description,
            "source": s.source,
            "fields": s.fields.iter().map(param).collect::<Vec<_>>(),
            "rules": s.rules,
        })).collect::<Vec<_>>(),
        "state_machines": d.state_machines.values().map(|m| json!({
            "resource": m.resource,
            "initial": m.initial,
            "state_field": m.state_field,
            "states": m.states.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
            "state_details": m.states,
            "transitions": m.transitions,
            "source": m.source,
        })).collect::<Vec<_>>(),
        "limits": d.limits,
        "errata": d.errata,
    })
}

fn action(a: &Action) -> Value {
    json!({
        "name": a.name,
        "summary": a.summary,
        "status": a.status,
        "resource": a.resource,
        "mutating": a.mutating,
        "async": a.is_async,
        "protocols": a.protocols,
        "aliases": a.aliases,
        "source": a.source,
        "also": a.also,
        "params": a.params.iter().map(param).collect::<Vec<_>>(),
        "response": a.response.iter().map(param).collect::<Vec<_>>(),
        "errors": a.errors.iter().map(error).collect::<Vec<_>>(),
        "rules": a.rules,
        "examples": a.examples,
    })
}

/// A parameter with the fixed keys always present (null when the spec has no value).
fn param(p: &Param) -> Value {
    let mut v = serde_json::to_value(p).expect("a Param always serialises");
    let obj = v.as_object_mut().expect("a Param serialises to an object");
    for key in ["min", "max", "default"] {
        obj.entry(key).or_insert(Value::Null);
    }
    obj.entry("enum").or_insert_with(|| json!([]));
    obj.insert("required".into(), json!(p.required));
    if !p.fields.is_empty() {
        obj.insert("fields".into(), p.fields.iter().map(param).collect());
    }
    v
}

fn error(e: &ErrorCode) -> Value {
    serde_json::to_value(e).expect("an ErrorCode always serialises")
}
