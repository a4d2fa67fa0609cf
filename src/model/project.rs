//! Answers built from the documented response fields: each field takes the source's value of
//! the same name, or the zero of its type where the source has none, so every documented field
//! is there as the vendors' answers have it. [`super::shape`] then settles wrapping and types.
//! For answers a handler built itself, [`super::shape::conform`] adds the missing fields.

use serde_json::{Map, Value};

use super::shape::{sub_fields, zero, Structures};
use crate::spec::{Param, ParamType};

/// The documented `fields`, filled from `src`. `skip` names envelope fields (RequestId, v2's
/// code and message) that the renderer adds.
pub fn project<'a>(
    fields: &'a [Param],
    src: &Map<String, Value>,
    structs: Structures<'a>,
    skip: &[&str],
) -> Map<String, Value> {
    let mut out = Map::new();
    for f in fields.iter().filter(|f| !skip.contains(&f.name.as_str())) {
        out.insert(f.name.clone(), value(f, lookup(src, &f.name), structs, 0));
    }
    out
}

/// A source value by exact name, else by name ignoring case (v2's `loadBalancerId` from an
/// attribute stored as the request spelt it).
fn lookup<'s>(src: &'s Map<String, Value>, name: &str) -> Option<&'s Value> {
    src.get(name).or_else(|| {
        src.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

fn value<'a>(f: &'a Param, v: Option<&Value>, structs: Structures<'a>, depth: usize) -> Value {
    let subs = sub_fields(f, structs);
    match v {
        // A wrapped list where the documents answer it bare (ENS's `LoadBalancers: [...]`).
        Some(Value::Object(m))
            if f.ty == ParamType::Array && m.len() == 1 && m.values().all(Value::is_array) =>
        {
            value(f, m.values().next(), structs, depth)
        }
        // A bare list where the documents wrap it (SLB's `Rules: {Rule: [...]}`).
        Some(Value::Array(_))
            if matches!(subs, [only] if only.ty == ParamType::Array)
                && f.ty != ParamType::Array =>
        {
            let only = &subs[0];
            let mut m = Map::new();
            m.insert(only.name.clone(), value(only, v, structs, depth + 1));
            Value::Object(m)
        }
        // A list kept where the documents answer one comma-separated string (SourceItems).
        Some(Value::Array(items)) if f.ty == ParamType::String => Value::String(
            items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| i.to_string())
                })
                .collect::<Vec<_>>()
                .join(","),
        ),
        Some(Value::Object(m)) if !subs.is_empty() => {
            Value::Object(object(subs, m, structs, depth + 1))
        }
        Some(Value::Array(items)) if !subs.is_empty() && f.ty != ParamType::String => Value::Array(
            items
                .iter()
                .map(|it| match it {
                    Value::Object(m) => Value::Object(object(subs, m, structs, depth + 1)),
                    other => other.clone(),
                })
                .collect(),
        ),
        // A state name where the documents answer its integer code (ClassicalListener.Status
        // 0 创建中 Creating, 1 运行中 Running): the code whose meaning is that name.
        Some(Value::String(name)) if f.ty == ParamType::Integer => f
            .codes
            .iter()
            .find(|c| c.meaning.eq_ignore_ascii_case(name))
            .map_or_else(|| Value::String(name.clone()), |c| c.value.clone()),
        Some(v) => v.clone(),
        None => zero(f, subs, structs, depth),
    }
}

fn object<'a>(
    fields: &'a [Param],
    m: &Map<String, Value>,
    structs: Structures<'a>,
    depth: usize,
) -> Map<String, Value> {
    fields
        .iter()
        .map(|f| (f.name.clone(), value(f, lookup(m, &f.name), structs, depth)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::model::shape::tests::fields;

    #[test]
    fn documented_fields_take_the_source_or_their_zero() {
        let none = |_: &str| -> Option<&[Param]> { None };
        let f = fields(
            "[[response]]\nname = \"RequestId\"\ntype = \"string\"\n\
             [[response]]\nname = \"VServerGroupId\"\ntype = \"string\"\n\
             [[response]]\nname = \"Count\"\ntype = \"integer\"\n\
             [[response]]\nname = \"Servers\"\ntype = \"array\"\n\
             [[response.fields]]\nname = \"ServerId\"\ntype = \"string\"\n\
             [[response.fields]]\nname = \"Weight\"\ntype = \"integer\"\n",
        );
        let src = json!({"vservergroupid": "rsp-1", "Servers": [{"ServerId": "i-1"}], "Extra": 1});
        let out = project(&f, src.as_object().unwrap(), &none, &["RequestId"]);
        assert_eq!(
            Value::Object(out),
            json!({"VServerGroupId": "rsp-1", "Count": 0, "Servers": [{"ServerId": "i-1", "Weight": 0}]})
        );
    }

    #[test]
    fn a_state_name_becomes_the_integer_code_whose_meaning_it_is() {
        let none = |_: &str| -> Option<&[Param]> { None };
        let f = fields(
            "[[response]]\nname = \"Status\"\ntype = \"integer\"\n\
             codes = [{ value = 0, meaning = \"Creating\" }, { value = 1, meaning = \"Running\" }]\n",
        );
        let answer = |state: &str| {
            let src = json!({ "Status": state });
            Value::Object(project(&f, src.as_object().unwrap(), &none, &[]))
        };
        assert_eq!(answer("running"), json!({"Status": 1}));
        assert_eq!(answer("creating"), json!({"Status": 0}));
        // A state no code describes stays visible (erratum clb3-classic-listener-stopped-status).
        assert_eq!(answer("stopped"), json!({"Status": "stopped"}));
    }
}
