//! Answers conformed to the documented response shape, so handlers need not know each
//! dialect's list conventions: SLB wraps lists (`BackendServers: {BackendServer: [...]}`), ENS
//! returns them bare (`BackendServers: [...]`); the spec's response fields say which.
//!
//! Fields the action documents keep their documented nesting and scalar type; fields it does not
//! document are dropped (an action documenting no response fields keeps everything); fields it
//! documents and the answer lacks are added with the zero of their type, inside objects and
//! list items too, as the vendors answer them. One pass does all three: the answer is moved, not
//! copied, and what is present keeps its allocation.

use serde_json::{Map, Value};

use crate::spec::{Param, ParamType};

/// Finds a named structure's fields.
pub type Structures<'a> = &'a dyn Fn(&str) -> Option<&'a [Param]>;

/// How deep a missing object is filled with zeros; deeper ones are left empty (`{}`), which
/// bounds the answer for structures that nest others (Tencent's LoadBalancer).
const ZERO_DEPTH: usize = 3;

/// Conforms a whole answer to `fields`. `envelope` names top-level fields the renderer adds
/// (RequestId, v2's code and message): kept when the answer has them (v2's task requestId),
/// never added as zeros.
pub fn conform<'a>(
    fields: &'a [Param],
    answer: Map<String, Value>,
    structs: Structures<'a>,
    envelope: &[&str],
) -> Map<String, Value> {
    if fields.is_empty() {
        return answer;
    }
    conform_object(fields, answer, structs, envelope)
}

/// A structured field's own fields: inline, or those of the named structure it refers to.
pub fn sub_fields<'a>(f: &'a Param, structs: Structures<'a>) -> &'a [Param] {
    if !f.fields.is_empty() {
        return &f.fields;
    }
    f.structure.as_deref().and_then(structs).unwrap_or(&[])
}

fn conform_object<'a>(
    fields: &'a [Param],
    mut m: Map<String, Value>,
    structs: Structures<'a>,
    envelope: &[&str],
) -> Map<String, Value> {
    // In place: the kept entries keep their order and their allocations.
    m.retain(|k, _| fields.iter().any(|f| f.name == *k));
    for (k, v) in m.iter_mut() {
        if let Some(f) = fields.iter().find(|f| f.name == *k) {
            *v = conform_value(f, std::mem::take(v), structs);
        }
    }
    // Only documented keys are left, so a map as long as the list lacks nothing.
    if m.len() < fields.len() {
        for f in fields {
            if !m.contains_key(&f.name) && !envelope.contains(&f.name.as_str()) {
                m.insert(f.name.clone(), zero(f, sub_fields(f, structs), structs, 0));
            }
        }
    }
    m
}

/// The value a vendor answers for a documented field it has nothing to say about.
pub fn zero<'a>(f: &'a Param, subs: &'a [Param], structs: Structures<'a>, depth: usize) -> Value {
    match f.ty {
        ParamType::String | ParamType::Datetime => Value::String(String::new()),
        ParamType::Integer | ParamType::Long | ParamType::Float | ParamType::Timestamp => {
            Value::from(0)
        }
        ParamType::Boolean => Value::Bool(false),
        ParamType::Array => Value::Array(Vec::new()),
        ParamType::Object | ParamType::Json if depth < ZERO_DEPTH && !subs.is_empty() => {
            Value::Object(
                subs.iter()
                    .map(|s| {
                        (
                            s.name.clone(),
                            zero(s, sub_fields(s, structs), structs, depth + 1),
                        )
                    })
                    .collect(),
            )
        }
        ParamType::Object | ParamType::Json => Value::Object(Map::new()),
    }
}

/// The shape of a field's value (or of each item of a list field), borrowed from the spec.
#[derive(Clone, Copy)]
struct Shape<'p> {
    ty: ParamType,
    item_type: Option<ParamType>,
    fields: &'p [Param],
}

fn conform_value<'a>(f: &'a Param, v: Value, structs: Structures<'a>) -> Value {
    let fields = sub_fields(f, structs);
    conform_shape(
        Shape {
            ty: f.ty,
            item_type: f.item_type,
            fields,
        },
        v,
        structs,
    )
}

fn conform_shape<'a>(sh: Shape<'a>, v: Value, structs: Structures<'a>) -> Value {
    match (sh.ty, v) {
        (ParamType::Array, v) => {
            let items = match v {
                Value::Array(a) => a,
                // A wrapper object around one list ({"BackendServer": [...]}) is unwrapped.
                Value::Object(m) if m.len() == 1 && m.values().all(Value::is_array) => m
                    .into_iter()
                    .next()
                    .and_then(|(_, v)| match v {
                        Value::Array(a) => Some(a),
                        _ => None,
                    })
                    .unwrap_or_default(),
                Value::Null => Vec::new(),
                other => vec![other],
            };
            let default_item = if sh.fields.is_empty() {
                ParamType::String
            } else {
                ParamType::Object
            };
            let item = Shape {
                ty: sh.item_type.unwrap_or(default_item),
                item_type: None,
                fields: sh.fields,
            };
            Value::Array(
                items
                    .into_iter()
                    .map(|it| conform_shape(item, it, structs))
                    .collect(),
            )
        }
        (ParamType::Object | ParamType::Json, Value::Object(m)) if !sh.fields.is_empty() => {
            Value::Object(conform_object(sh.fields, m, structs, &[]))
        }
        // A bare list where the documents wrap it: wrap it in the documented single list field.
        (ParamType::Object, Value::Array(a)) => match sh.fields {
            [only] if only.ty == ParamType::Array => {
                let mut m = Map::new();
                m.insert(
                    only.name.clone(),
                    conform_value(only, Value::Array(a), structs),
                );
                Value::Object(m)
            }
            _ => Value::Array(a),
        },
        (ParamType::String | ParamType::Datetime, Value::Number(n)) => Value::String(n.to_string()),
        (ParamType::String | ParamType::Datetime, Value::Bool(b)) => Value::String(b.to_string()),
        (ParamType::Integer | ParamType::Long, Value::String(s)) => s
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or(Value::String(s)),
        (_, v) => v,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// Response fields written as the spec's TOML.
    pub(crate) fn fields(src: &str) -> Vec<Param> {
        #[derive(serde::Deserialize)]
        struct F {
            response: Vec<Param>,
        }
        toml::from_str::<F>(src).unwrap().response
    }

    #[test]
    fn lists_take_the_documented_wrapping_and_scalars_their_type() {
        let none = |_: &str| -> Option<&[Param]> { None };
        let slb = fields("[[response]]\nname = \"BackendServers\"\ntype = \"object\"\n[[response.fields]]\nname = \"BackendServer\"\ntype = \"array\"\n[[response.fields.fields]]\nname = \"ServerId\"\ntype = \"string\"\n");
        let ens = fields("[[response]]\nname = \"BackendServers\"\ntype = \"array\"\n[[response.fields]]\nname = \"ServerId\"\ntype = \"string\"\n[[response.fields]]\nname = \"Port\"\ntype = \"string\"\n[[response]]\nname = \"ListenerPorts\"\ntype = \"array\"\nitem_type = \"string\"\n");
        let bare = json!({"BackendServers": [{"ServerId": "i-1", "Port": 80}], "Extra": 1, "ListenerPorts": {"ListenerPort": [80]}});
        let wrapped =
            json!({"BackendServers": {"BackendServer": [{"ServerId": "i-1", "Port": 80}]}});
        assert_eq!(
            Value::Object(conform(&slb, bare.as_object().unwrap().clone(), &none, &[])),
            json!({"BackendServers": {"BackendServer": [{"ServerId": "i-1"}]}})
        );
        assert_eq!(
            Value::Object(conform(
                &ens,
                wrapped.as_object().unwrap().clone(),
                &none,
                &[]
            )),
            json!({"BackendServers": [{"ServerId": "i-1", "Port": "80"}], "ListenerPorts": []})
        );
        assert_eq!(
            Value::Object(conform(&ens, bare.as_object().unwrap().clone(), &none, &[])),
            json!({"BackendServers": [{"ServerId": "i-1", "Port": "80"}], "ListenerPorts": ["80"]})
        );
    }

    #[test]
    fn missing_documented_fields_get_their_zero_but_envelope_fields_do_not() {
        let none = |_: &str| -> Option<&[Param]> { None };
        let f = fields(
            "[[response]]\nname = \"RequestId\"\ntype = \"string\"\n\
             [[response]]\nname = \"Count\"\ntype = \"integer\"\n\
             [[response]]\nname = \"Listener\"\ntype = \"object\"\n\
             [[response.fields]]\nname = \"Port\"\ntype = \"integer\"\n\
             [[response.fields]]\nname = \"Healthy\"\ntype = \"boolean\"\n\
             [[response]]\nname = \"Servers\"\ntype = \"array\"\n\
             [[response.fields]]\nname = \"ServerId\"\ntype = \"string\"\n\
             [[response.fields]]\nname = \"Weight\"\ntype = \"integer\"\n",
        );
        let answer = json!({"Servers": [{"ServerId": "i-1"}, {"Weight": "5"}], "Extra": 1});
        let out = conform(
            &f,
            answer.as_object().unwrap().clone(),
            &none,
            &["RequestId"],
        );
        assert_eq!(
            Value::Object(out),
            json!({
                "Servers": [{"ServerId": "i-1", "Weight": 0}, {"Weight": 5, "ServerId": ""}],
                "Count": 0,
                "Listener": {"Port": 0, "Healthy": false}
            })
        );
        // A handler's own envelope field (v2's task requestId) is kept, not zeroed.
        let with_id = json!({"RequestId": "task-1"});
        let out = conform(
            &f,
            with_id.as_object().unwrap().clone(),
            &none,
            &["RequestId"],
        );
        assert_eq!(out["RequestId"], json!("task-1"));
    }
}
