//! Answers conformed to the documented response shape, so handlers need not know each
//! dialect's list conventions: SLB wraps lists (`BackendServers: {BackendServer: [...]}`), ENS
//! returns them bare (`BackendServers: [...]`); the spec's response fields say which.
//!
//! Fields the action documents keep their documented nesting and scalar type; fields it does not
//! document are dropped (an action documenting no response fields keeps everything).

use serde_json::{Map, Value};

use crate::spec::{Param, ParamType};

/// Finds a named structure's fields.
pub type Structures<'a> = &'a dyn Fn(&str) -> Option<&'a [Param]>;

/// Conforms a whole answer to `fields` (the common RequestId is left to the envelope).
pub fn conform<'a>(
    fields: &'a [Param],
    answer: Map<String, Value>,
    structs: Structures<'a>,
) -> Map<String, Value> {
    if fields.is_empty() {
        return answer;
    }
    conform_object(fields, answer, structs)
}

fn sub_fields<'a>(f: &'a Param, structs: Structures<'a>) -> &'a [Param] {
    if !f.fields.is_empty() {
        return &f.fields;
    }
    f.structure.as_deref().and_then(structs).unwrap_or(&[])
}

fn conform_object<'a>(
    fields: &'a [Param],
    m: Map<String, Value>,
    structs: Structures<'a>,
) -> Map<String, Value> {
    // In place: the kept entries keep their order and their allocations.
    let mut m = m;
    m.retain(|k, _| fields.iter().any(|f| f.name == *k));
    for (k, v) in m.iter_mut() {
        if let Some(f) = fields.iter().find(|f| f.name == *k) {
            *v = conform_value(f, std::mem::take(v), structs);
        }
    }
    m
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
        (ParamType::Object, Value::Object(m)) if !sh.fields.is_empty() => {
            Value::Object(conform_object(sh.fields, m, structs))
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
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(src: &str) -> Vec<Param> {
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
            Value::Object(conform(&slb, bare.as_object().unwrap().clone(), &none)),
            json!({"BackendServers": {"BackendServer": [{"ServerId": "i-1"}]}})
        );
        assert_eq!(
            Value::Object(conform(&ens, wrapped.as_object().unwrap().clone(), &none)),
            json!({"BackendServers": [{"ServerId": "i-1", "Port": "80"}]})
        );
        assert_eq!(
            Value::Object(conform(&ens, bare.as_object().unwrap().clone(), &none)),
            json!({"BackendServers": [{"ServerId": "i-1", "Port": "80"}], "ListenerPorts": ["80"]})
        );
    }
}
