//! Cases generated from the spec. For each action with a valid base request (a documented
//! request example the spec accepts, or a `fixtures` entry in the suite files):
//!
//! - each parameter with `min`/`max`: min-1, min, max, max+1 (and the same for string lengths);
//! - each enum: a value outside it;
//! - each required parameter: left out.
//!
//! Each variant is checked against the spec offline first: an invalid variant must be one the
//! spec rejects for that parameter, a valid one must be one it accepts (a rule between
//! parameters can make an edge meaningless; such variants are not generated). Invalid and
//! omitted variants expect the dialect's validation codes; valid edges expect anything but a
//! validation error (the base may name resources that do not exist on the target).

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

use super::case::{Case, Expect, Step};
use super::client::flat_value;
use crate::model::validate::validate;
use crate::spec::{Action, Dialect, ExampleFormat, ExampleKind, Param, ParamType, Protocol, Spec};
use crate::wire::{encode, flatten, params};

/// What the generator produced, and what it could not.
#[derive(Debug, Default)]
pub struct Generated {
    pub cases: Vec<Case>,
    /// (dialect, action, why) for actions with no valid base request.
    pub not_covered: Vec<(String, String, String)>,
}

/// The validation codes of a protocol: (invalid value, missing, valid edges must not match).
pub fn code_patterns(p: Protocol) -> (&'static str, &'static str, &'static str) {
    match p {
        Protocol::Rpc => (
            "^Invalid",
            "^(Missing|Invalid)",
            "^(InvalidParameter|MissingParameter)$",
        ),
        Protocol::Tc3 => (
            "^(InvalidParameter|InvalidParameterValue|UnknownParameter|MissingParameter)",
            "^(MissingParameter|InvalidParameter)",
            "^(InvalidParameterValue|MissingParameter|UnknownParameter|InvalidParameter\\.FormatError)$",
        ),
        Protocol::V2 => ("^4000$", "^4000$", "^4000$"),
    }
}

/// The parameters of a request as flat pairs, the way the client sends them.
fn as_pairs(d: &Dialect, m: &Map<String, Value>) -> Vec<(String, String)> {
    match d.header.protocol {
        Protocol::V2 => flatten::flatten(m, 0),
        _ => m.iter().map(|(k, v)| (k.clone(), flat_value(v))).collect(),
    }
}

/// The spec's verdict on a request: `Ok` when valid, else the parameters it objects to.
pub fn spec_verdict(d: &Dialect, a: &Action, m: &Map<String, Value>) -> Result<(), Vec<String>> {
    let structs = |n: &str| d.structures.get(n).map(|s| s.fields.as_slice());
    let common = &d.header.common_params;
    let decoded = match d.header.protocol {
        Protocol::Tc3 => params::decode_json(&a.params, common, m, &structs),
        _ => params::decode_flat(&a.params, common, &as_pairs(d, m), &structs),
    };
    let decoded = match decoded {
        Ok(x) => x,
        Err(e) => return Err(vec![format!("decode:{e}")]),
    };
    if d.header.protocol == Protocol::Tc3 && !decoded.unknown.is_empty() {
        return Err(decoded.unknown);
    }
    validate(a, &decoded.values, &structs)
        .map(|_| ())
        .map_err(|v| v.iter().map(|x| x.param().to_string()).collect())
}

/// An example's parameters without the common ones.
fn example_params(d: &Dialect, format: ExampleFormat, body: &str) -> Option<Map<String, Value>> {
    let common = |k: &str| d.header.common_params.iter().any(|p| p.name == k);
    match format {
        ExampleFormat::Json => {
            let v: Value = serde_json::from_str(body.trim()).ok()?;
            let mut m = v.as_object()?.clone();
            m.retain(|k, _| !common(k));
            Some(m)
        }
        ExampleFormat::Url => {
            let joined: String = body.lines().map(str::trim).collect();
            let query = joined
                .split_once('?')
                .map(|x| x.1)
                .or_else(|| joined.split_once('&').map(|x| x.1))?;
            let pairs: Vec<(String, String)> = query
                .split('&')
                .filter(|p| !p.is_empty() && !p.starts_with('<'))
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    let dec =
                        |s: &str| encode::decode_component(s).unwrap_or_else(|_| s.to_string());
                    (dec(k), dec(v))
                })
                .filter(|(k, _)| !common(k))
                .collect();
            if d.header.protocol == Protocol::V2 {
                flatten::unflatten(&pairs).ok()
            } else {
                Some(
                    pairs
                        .into_iter()
                        .map(|(k, v)| (k, Value::String(v)))
                        .collect(),
                )
            }
        }
        _ => None,
    }
}

/// The base request for `a`: the fixture, else the first documented example the spec accepts.
pub fn base_request(
    d: &Dialect,
    a: &Action,
    fixtures: Option<&BTreeMap<String, Map<String, Value>>>,
) -> Result<Map<String, Value>, String> {
    if let Some(f) = fixtures.and_then(|f| f.get(&a.name)) {
        return match spec_verdict(d, a, f) {
            Ok(()) => Ok(f.clone()),
            Err(v) => Err(format!("the fixture is invalid: {}", v.join(", "))),
        };
    }
    let mut why = "no documented request example".to_string();
    let mut candidates: Vec<Map<String, Value>> = a
        .examples
        .iter()
        .filter(|e| e.kind == ExampleKind::Request)
        .filter_map(|ex| example_params(d, ex.format, &ex.body))
        .collect();
    for m in &candidates {
        if spec_verdict(d, a, m).is_ok() {
            return Ok(m.clone());
        }
    }
    // No example is valid as printed (skeletons leave parameters out, values are masked):
    // repair the first one, or start from nothing, with values synthesised from the spec.
    candidates.push(Map::new());
    for mut m in candidates {
        for _ in 0..4 {
            match spec_verdict(d, a, &m) {
                Ok(()) => return Ok(m),
                Err(bad) => {
                    why = format!("no example the spec accepts (last: {})", bad.join(", "));
                    let mut changed = false;
                    for p in &a.params {
                        let named = bad
                            .iter()
                            .any(|b| b == &p.name || b.starts_with(&format!("{}.", p.name)));
                        let missing = p.required && !m.contains_key(&p.name);
                        if named || missing {
                            if let Some(v) = synthesise(d, p, 0) {
                                if m.get(&p.name) != Some(&v) {
                                    m.insert(p.name.clone(), v);
                                    changed = true;
                                }
                            }
                        }
                    }
                    if !changed {
                        break;
                    }
                }
            }
        }
    }
    Err(why)
}

/// A value the spec accepts for `p`, as far as its type, enum, range and length say.
fn synthesise(d: &Dialect, p: &Param, depth: usize) -> Option<Value> {
    if depth > 3 {
        return None;
    }
    let text = d.header.protocol != Protocol::Tc3;
    let scalar = |v: Value| {
        if text {
            Value::String(flat_value(&v))
        } else {
            v
        }
    };
    if let Some(v) = p.enum_values.first() {
        return Some(scalar(v.clone()));
    }
    if let Some(v) = &p.default {
        if !v.is_null() && !v.is_object() && !v.is_array() {
            return Some(scalar(v.clone()));
        }
    }
    let fields = |p: &Param| -> Vec<Param> {
        match &p.structure {
            Some(s) => d
                .structures
                .get(s)
                .map(|s| s.fields.clone())
                .unwrap_or_default(),
            None => p.fields.clone(),
        }
    };
    let object = |p: &Param| -> Value {
        let mut m = Map::new();
        for f in fields(p).iter().filter(|f| f.required) {
            if let Some(v) = synthesise(d, f, depth + 1) {
                m.insert(f.name.clone(), v);
            }
        }
        Value::Object(m)
    };
    Some(match p.ty {
        ParamType::Integer | ParamType::Long | ParamType::Float | ParamType::Timestamp => {
            let n = p
                .min
                .clone()
                .or(p.max.clone())
                .unwrap_or_else(|| Number::from(1));
            scalar(Value::Number(n))
        }
        ParamType::Boolean => scalar(Value::Bool(false)),
        ParamType::String | ParamType::Datetime => {
            let mut s = String::from("lbconform");
            let min = p.min_length.unwrap_or(0) as usize;
            while s.len() < min {
                s.push('a');
            }
            if let Some(max) = p.max_length {
                s.truncate(max as usize);
            }
            Value::String(s)
        }
        ParamType::Json => {
            let f = fields(p);
            let v = if f.is_empty() {
                Value::Array(Vec::new())
            } else {
                Value::Array(vec![object(p)])
            };
            Value::String(v.to_string())
        }
        ParamType::Array => {
            let item = if !fields(p).is_empty() {
                object(p)
            } else {
                match p.item_type {
                    Some(ParamType::Integer | ParamType::Long) => Value::from(1),
                    _ => Value::String("lbconform".into()),
                }
            };
            Value::Array(vec![item])
        }
        ParamType::Object => object(p),
    })
}

/// A value as the dialect carries it: a JSON number for Tencent 3.0, text otherwise.
fn carried(d: &Dialect, v: Value) -> Value {
    if d.header.protocol == Protocol::Tc3 {
        v
    } else {
        Value::String(flat_value(&v))
    }
}

fn num_add(n: &Number, delta: i64) -> Option<Value> {
    if let Some(i) = n.as_i64() {
        Some(Value::from(i.checked_add(delta)?))
    } else {
        Number::from_f64(n.as_f64()? + delta as f64).map(Value::Number)
    }
}

/// The edges of one parameter: (edge name, value, whether the spec should accept it).
fn edges(p: &Param, prefix: &str) -> Vec<(String, Value, bool)> {
    let mut out = Vec::new();
    let numeric = matches!(
        p.ty,
        ParamType::Integer | ParamType::Long | ParamType::Float
    );
    if numeric {
        if let Some(min) = &p.min {
            out.extend(num_add(min, -1).map(|v| ("min-1".to_string(), v, false)));
            out.push(("min".into(), Value::Number(min.clone()), true));
        }
        if let Some(max) = &p.max {
            out.push(("max".into(), Value::Number(max.clone()), true));
            out.extend(num_add(max, 1).map(|v| ("max+1".to_string(), v, false)));
        }
    }
    if p.ty == ParamType::String && p.enum_values.is_empty() {
        let text = |n: u64| -> String {
            let n = n as usize;
            if n >= prefix.len() {
                format!("{prefix}{}", "a".repeat(n - prefix.len()))
            } else {
                "a".repeat(n)
            }
        };
        if let Some(min) = p.min_length.filter(|m| *m > 0) {
            out.push(("len-min-1".into(), Value::String(text(min - 1)), false));
            out.push(("len-min".into(), Value::String(text(min)), true));
        }
        if let Some(max) = p.max_length.filter(|m| *m < 100_000) {
            out.push(("len-max".into(), Value::String(text(max)), true));
            out.push(("len-max+1".into(), Value::String(text(max + 1)), false));
        }
    }
    if !p.enum_values.is_empty() && !p.bitmask {
        let bad = if p.enum_values.iter().all(Value::is_number) {
            let top = p
                .enum_values
                .iter()
                .filter_map(Value::as_i64)
                .max()
                .unwrap_or(0);
            Value::from(top + 1000)
        } else {
            Value::String("lbconform-not-in-enum".into())
        };
        out.push(("enum-invalid".into(), bad, false));
    }
    // A documented special value is valid whatever the range says.
    out.retain(|(_, v, _)| {
        !p.special
            .iter()
            .any(|s| super::runner::loosely_equal(&s.value, v))
    });
    out
}

/// Every parameter edge the spec defines for `a` (what coverage counts against).
pub fn edge_universe(d: &Dialect, a: &Action) -> Vec<String> {
    let mut out = Vec::new();
    for (path, p) in params_with_paths(d, a) {
        for (edge, _, _) in edges(p, "") {
            out.push(format!("param:{}.{}:{edge}", a.name, path));
        }
        if p.required && !path.contains('.') {
            out.push(format!("param:{}.{}:omit", a.name, path));
        }
    }
    out
}

/// Top-level parameters, and the fields of object parameters (Tencent's HealthCheck), with
/// their dotted paths.
fn params_with_paths<'d>(d: &'d Dialect, a: &'d Action) -> Vec<(String, &'d Param)> {
    let mut out = Vec::new();
    for p in &a.params {
        out.push((p.name.clone(), p));
        if p.ty == ParamType::Object && d.header.protocol == Protocol::Tc3 {
            let fields: &[Param] = match &p.structure {
                Some(s) => d
                    .structures
                    .get(s)
                    .map(|s| s.fields.as_slice())
                    .unwrap_or(&[]),
                None => &p.fields,
            };
            for f in fields {
                out.push((format!("{}.{}", p.name, f.name), f));
            }
        }
    }
    out
}

fn set_path(m: &mut Map<String, Value>, path: &str, v: Option<Value>) -> bool {
    match path.split_once('.') {
        None => {
            match v {
                Some(v) => m.insert(path.into(), v),
                None => m.remove(path),
            };
            true
        }
        Some((head, rest)) => match m.get_mut(head) {
            Some(Value::Object(inner)) => set_path(inner, rest, v),
            _ => false,
        },
    }
}

/// Generates the edge, enum and omission cases of every dialect.
pub fn generate(
    spec: &Spec,
    fixtures: &BTreeMap<String, BTreeMap<String, Map<String, Value>>>,
    prefix: &str,
) -> Generated {
    let mut g = Generated::default();
    for d in &spec.dialects {
        let (invalid_re, missing_re, valid_not_re) = code_patterns(d.header.protocol);
        for a in d.actions.values() {
            let base = match base_request(d, a, fixtures.get(d.id())) {
                Ok(mut b) => {
                    // What a generated create makes carries the run's prefix, for cleanup.
                    if let Some(k) = super::cleanup::lb_kind(d.id()).filter(|k| k.create == a.name)
                    {
                        if b.contains_key(k.name_param) {
                            b.insert(k.name_param.into(), Value::String(prefix.into()));
                        }
                    }
                    b
                }
                Err(why) => {
                    g.not_covered.push((d.id().into(), a.name.clone(), why));
                    continue;
                }
            };
            let mut push =
                |edge: &str, path: &str, req: Map<String, Value>, expect: Expect, feature: &str| {
                    g.cases.push(Case {
                        id: format!("gen/{}/{}/{}/{}", d.id(), a.name, path, edge),
                        dialect: d.id().into(),
                        description: String::new(),
                        features: vec!["generated".into(), feature.into()],
                        covers: if edge == "base" {
                            Vec::new()
                        } else {
                            vec![format!("param:{}.{}:{edge}", a.name, path)]
                        },
                        needs: Vec::new(),
                        steps: vec![Step {
                            call: Some(a.name.clone()),
                            params: req,
                            expect: Some(expect),
                            ..Default::default()
                        }],
                        generated: true,
                    });
                };
            push(
                "base",
                "request",
                base.clone(),
                Expect {
                    code_not_matches: Some(format!(
                        "(?:{valid_not_re})|^(UnsupportedOperation|InvalidAction|6100)$"
                    )),
                    ..Default::default()
                },
                "actions",
            );
            for (path, p) in params_with_paths(d, a) {
                if path.contains('.') && !base.contains_key(path.split('.').next().unwrap_or("")) {
                    continue;
                }
                for (edge, v, valid) in edges(p, prefix) {
                    let mut req = base.clone();
                    if !set_path(&mut req, &path, Some(carried(d, v))) {
                        continue;
                    }
                    let verdict = spec_verdict(d, a, &req);
                    let expect = if valid {
                        if verdict.is_err() {
                            continue;
                        }
                        Expect {
                            code_not_matches: Some(valid_not_re.into()),
                            ..Default::default()
                        }
                    } else {
                        let leaf = path.rsplit('.').next().unwrap_or(&path);
                        let flagged = verdict.as_ref().err().is_some_and(|v| {
                            v.iter().any(|x| {
                                x == &path || x.ends_with(leaf) || x.starts_with("decode:")
                            })
                        });
                        if !flagged {
                            continue;
                        }
                        Expect {
                            code_matches: Some(invalid_re.into()),
                            ..Default::default()
                        }
                    };
                    let feature = if edge.starts_with("enum") {
                        "enum"
                    } else {
                        "param-edges"
                    };
                    push(&edge, &path, req, expect, feature);
                }
                if p.required && !path.contains('.') && base.contains_key(&path) {
                    let mut req = base.clone();
                    req.remove(&path);
                    if spec_verdict(d, a, &req).is_err() {
                        push(
                            "omit",
                            &path,
                            req,
                            Expect {
                                code_matches: Some(missing_re.into()),
                                ..Default::default()
                            },
                            "omission",
                        );
                    }
                }
            }
        }
    }
    g
}
