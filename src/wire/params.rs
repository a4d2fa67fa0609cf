//! Request parameters decoded into typed values, by the types the spec gives them.
//!
//! Wire decoding only establishes *types*: an integer is an integer that fits its width, a JSON
//! list is valid JSON whose items have the documented fields' types, a Tencent list is a list.
//! Ranges, enums, required-ness and cross-parameter rules are the model's validation, which runs
//! on the typed values this module produces.

use serde_json::{Map, Number, Value};

use super::flatten::{unflatten, FlattenError};
use crate::spec::{Param, ParamType};

/// Why a parameter could not be decoded into its documented type.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamError {
    #[error("parameter `{param}` should be {expected:?}, got `{got}`")]
    InvalidType {
        param: String,
        expected: ParamType,
        got: String,
    },
    #[error("parameter `{param}` value `{got}` is out of range for {expected:?}")]
    Overflow {
        param: String,
        expected: ParamType,
        got: String,
    },
    #[error("parameter `{param}` is not valid JSON: {detail}")]
    MalformedJson { param: String, detail: String },
    #[error(transparent)]
    Flatten(#[from] FlattenError),
}

/// Typed parameters, and the names the spec does not know (each dialect decides what to do
/// with those: Tencent 3.0 rejects them, Alibaba ignores them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decoded {
    pub values: Map<String, Value>,
    pub unknown: Vec<String>,
}

/// Finds a named structure's fields (Tencent's `struct = "Target"`).
pub type Structures<'a> = &'a dyn Fn(&str) -> Option<&'a [Param]>;

/// Decodes flat `name=value` pairs (Alibaba RPC, Tencent GET/form, v2). Dotted names are nested
/// first (`Targets.0.Port`), so Tencent lists arrive as lists.
pub fn decode_flat(
    params: &[Param],
    common: &[Param],
    pairs: &[(String, String)],
    structs: Structures,
) -> Result<Decoded, ParamError> {
    let nested = unflatten(pairs)?;
    decode_map(params, common, &nested, structs)
}

/// Decodes a JSON body (Tencent TC3): the body's types must already be right, as the vendor's
/// own JSON API requires; a string where an integer belongs is an error, not a conversion.
pub fn decode_json(
    params: &[Param],
    common: &[Param],
    body: &Map<String, Value>,
    structs: Structures,
) -> Result<Decoded, ParamError> {
    let mut out = Decoded::default();
    for (name, v) in body {
        match find(params, name) {
            Some(p) => {
                out.values
                    .insert(p.name.clone(), strict(p, v, name, structs)?);
            }
            None if find(common, name).is_some() => {}
            None => out.unknown.push(name.clone()),
        }
    }
    Ok(out)
}

fn decode_map(
    params: &[Param],
    common: &[Param],
    nested: &Map<String, Value>,
    structs: Structures,
) -> Result<Decoded, ParamError> {
    let mut out = Decoded::default();
    for (name, v) in nested {
        match find(params, name) {
            Some(p) => {
                out.values
                    .insert(p.name.clone(), lenient(p, v, name, structs)?);
            }
            None if find(common, name).is_some() => {}
            None => out.unknown.push(name.clone()),
        }
    }
    Ok(out)
}

fn find<'a>(params: &'a [Param], name: &str) -> Option<&'a Param> {
    params.iter().find(|p| p.name == name)
}

fn invalid(p: &Param, path: &str, got: &Value) -> ParamError {
    ParamError::InvalidType {
        param: path.to_string(),
        expected: p.ty,
        got: text(got),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The fields of a structured parameter: inline, or its named structure.
fn fields_of<'r>(p: &'r Param, structs: Structures) -> std::borrow::Cow<'r, [Param]> {
    if !p.fields.is_empty() {
        return std::borrow::Cow::Borrowed(&p.fields);
    }
    let named = p.structure.as_deref().and_then(structs).unwrap_or(&[]);
    std::borrow::Cow::Owned(named.to_vec())
}

/// From strings (flat requests, Alibaba JSON lists whose numbers are often quoted).
fn lenient(p: &Param, v: &Value, path: &str, structs: Structures) -> Result<Value, ParamError> {
    match (p.ty, v) {
        (ParamType::Json, Value::String(s)) => {
            let parsed: Value = serde_json::from_str(s).map_err(|e| ParamError::MalformedJson {
                param: path.into(),
                detail: e.to_string(),
            })?;
            let fields = fields_of(p, structs);
            let fields = fields.as_ref();
            if fields.is_empty() {
                return Ok(parsed);
            }
            match parsed {
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| object(fields, it, &format!("{path}[{i}]"), structs, lenient))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::Array),
                obj @ Value::Object(_) => object(fields, &obj, path, structs, lenient),
                other => Err(invalid(p, path, &other)),
            }
        }
        (ParamType::Array, Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, it)| item(p, it, &format!("{path}.{i}"), structs, lenient))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        // A one-element list sent without an index (`Ids=lb-1`) is still that list.
        (ParamType::Array, Value::String(_)) => {
            Ok(Value::Array(vec![item(p, v, path, structs, lenient)?]))
        }
        (ParamType::Object, Value::Object(_)) => {
            object(&fields_of(p, structs), v, path, structs, lenient)
        }
        (ParamType::Object | ParamType::Array, other) => Err(invalid(p, path, other)),
        (_, Value::String(s)) => {
            scalar_from_str(p.ty, s).map_err(|overflow| err(p, path, v, overflow))
        }
        (_, Value::Number(_) | Value::Bool(_)) => {
            lenient(p, &Value::String(text(v)), path, structs)
        }
        (_, other) => Err(invalid(p, path, other)),
    }
}

/// From a typed JSON body: types must match.
fn strict(p: &Param, v: &Value, path: &str, structs: Structures) -> Result<Value, ParamError> {
    let ok = match (p.ty, v) {
        (ParamType::String | ParamType::Datetime | ParamType::Json, Value::String(_)) => true,
        (ParamType::Boolean, Value::Bool(_)) => true,
        (ParamType::Float, Value::Number(_)) => true,
        (ParamType::Integer | ParamType::Long | ParamType::Timestamp, Value::Number(n)) => {
            return int_fits(p.ty, n)
                .then(|| v.clone())
                .ok_or_else(|| err(p, path, v, true));
        }
        (ParamType::Array, Value::Array(items)) => {
            return items
                .iter()
                .enumerate()
                .map(|(i, it)| item(p, it, &format!("{path}.{i}"), structs, strict))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array);
        }
        (ParamType::Object, Value::Object(_)) => {
            return object(&fields_of(p, structs), v, path, structs, strict)
        }
        _ => false,
    };
    if ok {
        Ok(v.clone())
    } else {
        Err(invalid(p, path, v))
    }
}

type Coerce = fn(&Param, &Value, &str, Structures) -> Result<Value, ParamError>;

fn item(
    p: &Param,
    v: &Value,
    path: &str,
    structs: Structures,
    coerce: Coerce,
) -> Result<Value, ParamError> {
    let fields = fields_of(p, structs);
    if !fields.is_empty() {
        return object(&fields, v, path, structs, coerce);
    }
    let as_scalar = Param {
        ty: p.item_type.unwrap_or(ParamType::String),
        item_type: None,
        ..p.clone()
    };
    coerce(&as_scalar, v, path, structs)
}

/// Each known field typed; unknown fields kept as they are (the model may report them).
fn object(
    fields: &[Param],
    v: &Value,
    path: &str,
    structs: Structures,
    coerce: Coerce,
) -> Result<Value, ParamError> {
    let Value::Object(m) = v else {
        return Err(ParamError::InvalidType {
            param: path.into(),
            expected: ParamType::Object,
            got: text(v),
        });
    };
    let mut out = Map::new();
    for (k, fv) in m {
        let typed = match find(fields, k) {
            Some(f) => coerce(f, fv, &format!("{path}.{k}"), structs)?,
            None => fv.clone(),
        };
        out.insert(k.clone(), typed);
    }
    Ok(Value::Object(out))
}

fn err(p: &Param, path: &str, v: &Value, overflow: bool) -> ParamError {
    if overflow {
        ParamError::Overflow {
            param: path.into(),
            expected: p.ty,
            got: text(v),
        }
    } else {
        invalid(p, path, v)
    }
}

fn int_fits(ty: ParamType, n: &Number) -> bool {
    match n.as_i64() {
        Some(i) if ty == ParamType::Integer => i32::try_from(i).is_ok(),
        Some(_) => true,
        None => false,
    }
}

/// A scalar from its string form; `Err(true)` for a well-formed number that does not fit.
fn scalar_from_str(ty: ParamType, s: &str) -> Result<Value, bool> {
    let t = s.trim();
    match ty {
        ParamType::Integer | ParamType::Long | ParamType::Timestamp => {
            let well_formed = !t.is_empty()
                && t.trim_start_matches(['-', '+'])
                    .chars()
                    .all(|c| c.is_ascii_digit())
                && t.len() == s.len();
            if !well_formed {
                return Err(false);
            }
            let n: i64 = t.parse().map_err(|_| true)?;
            if ty == ParamType::Integer && i32::try_from(n).is_err() {
                return Err(true);
            }
            Ok(Value::from(n))
        }
        ParamType::Float => t
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or(false),
        ParamType::Boolean => match t.to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(false),
        },
        _ => Ok(Value::String(s.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn param(toml_src: &str) -> Param {
        toml::from_str(toml_src).unwrap()
    }

    fn pairs(s: &[(&str, &str)]) -> Vec<(String, String)> {
        s.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn no_structs(_: &str) -> Option<&'static [Param]> {
        None
    }

    fn spec() -> Vec<Param> {
        vec![
            param("name = \"ListenerPort\"\ntype = \"integer\""),
            param("name = \"Bandwidth\"\ntype = \"long\""),
            param("name = \"Enable\"\ntype = \"boolean\""),
            param("name = \"BackendServers\"\ntype = \"json\"\n[[fields]]\nname = \"ServerId\"\ntype = \"string\"\n[[fields]]\nname = \"Weight\"\ntype = \"integer\""),
            param("name = \"Targets\"\ntype = \"array\"\n[[fields]]\nname = \"InstanceId\"\ntype = \"string\"\n[[fields]]\nname = \"Port\"\ntype = \"integer\""),
            param("name = \"LoadBalancerIds\"\ntype = \"array\"\nitem_type = \"string\""),
        ]
    }

    #[test]
    fn flat_parameters_get_their_spec_types() {
        let d = decode_flat(
            &spec(),
            &[],
            &pairs(&[
                ("ListenerPort", "80"),
                ("Enable", "true"),
                ("BackendServers", r#"[{"ServerId":"i-1","Weight":"100"}]"#),
                ("Targets.0.InstanceId", "ins-1"),
                ("Targets.0.Port", "8080"),
                ("LoadBalancerIds.0", "lb-1"),
                ("Other", "x"),
            ]),
            &no_structs,
        )
        .unwrap();
        assert_eq!(d.values["ListenerPort"], json!(80));
        assert_eq!(d.values["Enable"], json!(true));
        assert_eq!(
            d.values["BackendServers"],
            json!([{"ServerId": "i-1", "Weight": 100}])
        );
        assert_eq!(
            d.values["Targets"],
            json!([{"InstanceId": "ins-1", "Port": 8080}])
        );
        assert_eq!(d.values["LoadBalancerIds"], json!(["lb-1"]));
        assert_eq!(d.unknown, vec!["Other"]);
    }

    #[test]
    fn wrong_types_and_huge_values_are_errors_not_panics() {
        let s = spec();
        let bad =
            |k: &str, v: &str| decode_flat(&s, &[], &pairs(&[(k, v)]), &no_structs).unwrap_err();
        assert!(matches!(
            bad("ListenerPort", "eighty"),
            ParamError::InvalidType { .. }
        ));
        assert!(matches!(
            bad("ListenerPort", "1000000000000000000000000000000"),
            ParamError::Overflow { .. }
        ));
        assert!(matches!(
            bad("ListenerPort", "3000000000"),
            ParamError::Overflow { .. }
        ));
        assert!(matches!(
            bad("Bandwidth", "1e30"),
            ParamError::InvalidType { .. }
        ));
        assert!(matches!(
            bad("Enable", "yes"),
            ParamError::InvalidType { .. }
        ));
        assert!(matches!(
            bad("BackendServers", "[{"),
            ParamError::MalformedJson { .. }
        ));
        assert!(matches!(
            bad("BackendServers", r#"[{"Weight":"heavy"}]"#),
            ParamError::InvalidType { .. }
        ));
    }

    #[test]
    fn json_bodies_are_typed_strictly() {
        let s = spec();
        let body = |v: Value| decode_json(&s, &[], v.as_object().unwrap(), &no_structs);
        assert_eq!(
            body(json!({"ListenerPort": 80})).unwrap().values["ListenerPort"],
            json!(80)
        );
        assert!(matches!(
            body(json!({"ListenerPort": "80"})),
            Err(ParamError::InvalidType { .. })
        ));
        assert!(matches!(
            body(json!({"ListenerPort": 1e30})),
            Err(ParamError::Overflow { .. }) | Err(ParamError::InvalidType { .. })
        ));
        assert!(matches!(
            body(json!({"Targets": [{"Port": "x"}]})),
            Err(ParamError::InvalidType { .. })
        ));
        assert_eq!(body(json!({"Nope": 1})).unwrap().unknown, vec!["Nope"]);
    }
}
