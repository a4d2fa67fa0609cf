//! Answers built from the documented response fields: each field takes the source's value of
//! the same name, or the zero of its type where the source has none, so every documented field
//! is there as the vendors' answers have it. [`super::shape`] then settles wrapping and types.

use serde_json::{Map, Value};

use super::shape::Structures;
use crate::spec::{Param, ParamType};

/// How deep missing objects are filled with zeros; deeper ones are left empty (`{}`), which
/// bounds the answer for structures that nest others (Tencent's LoadBalancer).
const ZERO_DEPTH: usize = 3;

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

/// Adds, in place, every documented field `m` lacks (the zero of its type), inside the
/// objects and list items it has too. Cheaper than [`project`] for answers that are mostly
/// complete: nothing present is copied.
pub fn fill<'a>(
    fields: &'a [Param],
    m: &mut Map<String, Value>,
    structs: Structures<'a>,
    skip: &[&str],
) {
    for f in fields.iter().filter(|f| !skip.contains(&f.name.as_str())) {
        let subs = sub_fields(f, structs);
        match m.get_mut(&f.name) {
            Some(v) => fill_value(f, subs, v, structs),
            None => {
                m.insert(f.name.clone(), zero(f, subs, structs, 0));
            }
        }
    }
}

fn fill_value<'a>(f: &'a Param, subs: &'a [Param], v: &mut Value, structs: Structures<'a>) {
    if subs.is_empty() {
        return;
    }
    match v {
        Value::Object(o) if f.ty == ParamType::Array => {
            // A wrapped list where the documents answer it bare: fill its items.
            for inner in o.values_mut() {
                fill_value(f, subs, inner, structs);
            }
        }
        Value::Object(o) => fill(subs, o, structs, &[]),
        Value::Array(items) => {
            // Items of a list, or of the list a documented wrapper holds.
            let item_fields = match subs {
                [only] if only.ty == ParamType::Array && f.ty != ParamType::Array => {
                    sub_fields(only, structs)
                }
                _ => subs,
            };
            for it in items.iter_mut() {
                if let Value::Object(o) = it {
                    fill(item_fields, o, structs, &[]);
                }
            }
        }
        _ => {}
    }
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

fn sub_fields<'a>(f: &'a Param, structs: Structures<'a>) -> &'a [Param] {
    if !f.fields.is_empty() {
        return &f.fields;
    }
    f.structure.as_deref().and_then(structs).unwrap_or(&[])
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

fn zero<'a>(f: &'a Param, subs: &'a [Param], structs: Structures<'a>, depth: usize) -> Value {
    match f.ty {
        ParamType::String | ParamType::Datetime => Value::String(String::new()),
        ParamType::Integer | ParamType::Long | ParamType::Float | ParamType::Timestamp => {
            Value::from(0)
        }
        ParamType::Boolean => Value::Bool(false),
        ParamType::Array => Value::Array(Vec::new()),
        ParamType::Object | ParamType::Json if depth < ZERO_DEPTH && !subs.is_empty() => {
            Value::Object(object(subs, &Map::new(), structs, depth + 1))
        }
        ParamType::Object | ParamType::Json => Value::Object(Map::new()),
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
}
