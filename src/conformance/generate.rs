//! Cases generated from the spec. For each action with a valid base request (a documented
//! request example the spec accepts, or a `fixtures` entry in the suite files):
//!
//! - each parameter with `min`/`max`: min-1, min, max, max+1 (and the same for string lengths);
//! - each enum: a value outside it;
//! - each required parameter: left out.
//!
//! Each edge is sent in a request built around it ([`around`]: the structure it lives in, the
//! conditions that make it matter, the other side of a comparison) and checked against the spec
//! offline first: an invalid variant must be one the spec rejects for that parameter alone, a
//! valid one must be one it accepts. An edge with no such request is not generated, and why is
//! reported (`Generated::edges_not_generated`). Invalid and omitted variants expect the
//! dialect's validation codes; valid edges expect anything but a validation error (the base may
//! name resources that do not exist on the target).

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

mod around;

use around::edge_case;
#[cfg(test)]
use around::get;

use super::case::{Case, Expect, Step};
use super::client::flat_value;
use crate::model::binding::{Bindings, IdRef, Verb};
use crate::model::validate::{self, validate, Violation};
use crate::spec::{Action, Dialect, ExampleFormat, ExampleKind, Param, ParamType, Protocol, Spec};
use crate::wire::{encode, flatten, params};

/// What the generator produced, and what it could not.
#[derive(Debug, Default)]
pub struct Generated {
    pub cases: Vec<Case>,
    /// (dialect, action, why) for actions with no valid base request.
    pub not_covered: Vec<(String, String, String)>,
    /// (dialect, `param:Action.Param:edge`, why) for the edges of an action with a base that no
    /// case was made for (a range the document contradicts, a length its pattern excludes).
    pub edges_not_generated: Vec<(String, String, String)>,
    /// (dialect, `param:Action.Param:edge`, why) for the valid edges that expect only "no
    /// validation error" instead of success: what the request names is not all made by the
    /// setup (an edge on an id, a prerequisite no action creates or whose id no answer gives).
    pub valid_edges_weak: Vec<(String, String, String)>,
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

/// [`code_patterns`] widened by what the dialect's spec says a refused value answers: the codes
/// of its `[model]` `invalid` / `too_many` tables (SLB's `TooManyBackendServers`) and, where it
/// documents `Invalid%s` / `Missing%s` templates, their fills (ENS's `InvalidListenerPort`).
fn dialect_patterns(d: &Dialect) -> (String, &'static str, String) {
    let (invalid, missing, valid_not) = code_patterns(d.header.protocol);
    let h = &d.header.model;
    let mut hinted: Vec<String> = h
        .invalid
        .values()
        .chain(h.too_many.values())
        .chain(h.by_violation.values())
        .map(|c| regex::escape(c))
        .collect();
    hinted.sort();
    hinted.dedup();
    let mut extra = String::new();
    if !hinted.is_empty() {
        extra = format!("|^({})$", hinted.join("|"));
    }
    if d.all_errors().any(|e| e.is_template()) {
        extra.push_str("|^(Invalid|Missing)[A-Za-z0-9]+$");
    }
    (
        format!("{invalid}{extra}"),
        missing,
        format!("{valid_not}{extra}"),
    )
}

/// The parameters of a request as flat pairs, the way the client sends them.
fn as_pairs(d: &Dialect, m: &Map<String, Value>) -> Vec<(String, String)> {
    match d.header.protocol {
        Protocol::V2 => flatten::flatten(m, 0),
        _ => m.iter().map(|(k, v)| (k.clone(), flat_value(v))).collect(),
    }
}

/// What the spec objects to in a request.
#[derive(Debug, Clone)]
enum Objection {
    /// It does not decode (a value of the wrong type).
    Decode(String),
    /// A parameter the action does not have (Tencent 3.0 refuses those).
    Unknown(String),
    Broken(Violation),
}

impl Objection {
    fn label(&self) -> String {
        match self {
            Objection::Decode(e) => format!("decode:{e}"),
            Objection::Unknown(p) => p.clone(),
            Objection::Broken(v) => v.param().to_string(),
        }
    }

    /// The parameters it is about (list indexes dropped: `Rules.0.Url` is `Rules.Url`).
    fn params(&self) -> Vec<String> {
        let plain = |p: &str| {
            p.split('.')
                .filter(|s| s.parse::<usize>().is_err())
                .collect::<Vec<_>>()
                .join(".")
        };
        match self {
            Objection::Decode(_) => Vec::new(),
            Objection::Unknown(p) => vec![plain(p)],
            Objection::Broken(Violation::Rule { params, .. }) => {
                params.iter().map(|p| plain(p)).collect()
            }
            Objection::Broken(v) => vec![plain(v.param())],
        }
    }

    /// Whether it is about `path` (a decode failure may be about anything).
    fn involves(&self, path: &str) -> bool {
        matches!(self, Objection::Decode(_)) || self.params().iter().any(|p| p == path)
    }
}

/// Everything the spec objects to in a request (nothing: it is valid).
fn objections(d: &Dialect, a: &Action, m: &Map<String, Value>) -> Vec<Objection> {
    let structs = |n: &str| d.structures.get(n).map(|s| s.fields.as_slice());
    let common = &d.header.common_params;
    let decoded = match d.header.protocol {
        Protocol::Tc3 => params::decode_json(&a.params, common, m, &structs),
        _ => params::decode_flat(&a.params, common, &as_pairs(d, m), &structs),
    };
    let decoded = match decoded {
        Ok(x) => x,
        Err(e) => return vec![Objection::Decode(e.to_string())],
    };
    if d.header.protocol == Protocol::Tc3 && !decoded.unknown.is_empty() {
        return decoded
            .unknown
            .into_iter()
            .map(Objection::Unknown)
            .collect();
    }
    match validate(a, &decoded.values, &structs) {
        Ok(_) => Vec::new(),
        Err(v) => v.into_iter().map(Objection::Broken).collect(),
    }
}

/// The spec's verdict on a request: `Ok` when valid, else the parameters it objects to.
pub fn spec_verdict(d: &Dialect, a: &Action, m: &Map<String, Value>) -> Result<(), Vec<String>> {
    let o = objections(d, a, m);
    if o.is_empty() {
        Ok(())
    } else {
        Err(o.iter().map(Objection::label).collect())
    }
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
            // Else the shortest length the pattern allows (a URI: `/`).
            let max = p.max_length.unwrap_or(u64::MAX) as usize;
            let fit = patterned(p, s.clone())
                .or_else(|| (min.max(1)..=max.min(min + 80)).find_map(|n| pattern_text(p, n)));
            Value::String(fit.unwrap_or(s))
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

/// `plain` if `p`'s pattern (if any) accepts it, else a match of the pattern of its length.
fn patterned(p: &Param, plain: String) -> Option<String> {
    match &p.pattern {
        Some(pat) if !validate::matches_pattern(pat, &plain) => {
            pattern_text(p, plain.chars().count())
        }
        _ => Some(plain),
    }
}

/// A match of `p`'s pattern with `n` characters.
fn pattern_text(p: &Param, n: usize) -> Option<String> {
    super::pattern::matching_string(p.pattern.as_deref()?, n)
}

/// One edge of a parameter: its name, the value sent, whether the spec should accept it, and
/// for an invalid edge the valid value beside it (the request is built valid around that one).
struct Edge {
    name: String,
    value: Value,
    valid: bool,
    beside: Option<Value>,
}

/// The edges of one parameter. A string length edge carries the run's prefix where the
/// parameter's pattern allows, else a string of that length matching the pattern (an invalid
/// length that no match has is sent as plain text: only its length is wrong then).
fn edges(p: &Param, prefix: &str) -> Vec<Edge> {
    let mut out = Vec::new();
    let mut edge = |name: &str, value: Value, valid: bool, beside: Option<Value>| {
        out.push(Edge {
            name: name.into(),
            value,
            valid,
            beside,
        })
    };
    let numeric = matches!(
        p.ty,
        ParamType::Integer | ParamType::Long | ParamType::Float
    );
    if numeric {
        if let Some(min) = &p.min {
            let at = Value::Number(min.clone());
            if let Some(v) = num_add(min, -1) {
                edge("min-1", v, false, Some(at.clone()));
            }
            edge("min", at, true, None);
        }
        if let Some(max) = &p.max {
            let at = Value::Number(max.clone());
            edge("max", at.clone(), true, None);
            if let Some(v) = num_add(max, 1) {
                edge("max+1", v, false, Some(at));
            }
        }
    }
    if p.ty == ParamType::String && p.enum_values.is_empty() {
        let text = |n: u64| -> Value {
            let n = n as usize;
            let plain = if n >= prefix.len() {
                format!("{prefix}{}", "a".repeat(n - prefix.len()))
            } else {
                "a".repeat(n)
            };
            Value::String(patterned(p, plain.clone()).unwrap_or(plain))
        };
        if let Some(min) = p.min_length.filter(|m| *m > 0) {
            edge("len-min-1", text(min - 1), false, Some(text(min)));
            edge("len-min", text(min), true, None);
        }
        if let Some(max) = p.max_length.filter(|m| *m < 100_000) {
            edge("len-max", text(max), true, None);
            edge("len-max+1", text(max + 1), false, Some(text(max)));
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
        edge("enum-invalid", bad, false, p.enum_values.first().cloned());
    }
    // A documented special value is valid whatever the range says.
    out.retain(|e| {
        !p.special
            .iter()
            .any(|s| super::runner::loosely_equal(&s.value, &e.value))
    });
    out
}

/// Every parameter edge the spec defines for `a` (what coverage counts against).
pub fn edge_universe(d: &Dialect, a: &Action) -> Vec<String> {
    let mut out = Vec::new();
    for (path, p) in params_with_paths(d, a) {
        for e in edges(p, "") {
            out.push(format!("param:{}.{}:{}", a.name, path, e.name));
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

/// The prerequisites of one action's generated cases: the create calls that make what its
/// base request refers to (and, first, what those creates refer to), each answering the id
/// that replaces the documented example's.
struct Setup<'a> {
    d: &'a Dialect,
    b: &'a Bindings,
    fixtures: Option<&'a BTreeMap<String, Map<String, Value>>>,
    prefix: &'a str,
    steps: Vec<Step>,
    /// id field (or `ListenerPort:<lb>:<port>`) -> the value that names the created resource.
    made: BTreeMap<String, Value>,
    /// The id field whose resource is left in its transitional first state.
    unsettled: Option<String>,
    /// Why a reference of the request was left naming what the setup did not create (the
    /// valid edges of such a request cannot expect success).
    gaps: Vec<String>,
}

impl<'a> Setup<'a> {
    /// The create action of `key`: a `Create...` action if any, the shortest name first.
    fn creator(&self, key: &str) -> Option<&'a str> {
        let mut c: Vec<&str> = self
            .b
            .actions
            .iter()
            .filter(|(_, b)| {
                b.verb == Verb::Create && b.creates.as_ref().is_some_and(|c| c.key == key)
            })
            .map(|(n, _)| n.as_str())
            .collect();
        c.sort_by_key(|n| (!n.starts_with("Create"), n.len()));
        c.first().copied()
    }

    /// Gives the run's prefix to the name parameter of a create, where the spec allows it.
    fn name(&self, a: &Action, req: &mut Map<String, Value>) {
        let lb = super::cleanup::lb_kind(self.d.id()).filter(|k| k.create == a.name);
        for p in &a.params {
            let is_name = match &lb {
                Some(k) => p.name == k.name_param,
                None => p.name.to_ascii_lowercase().ends_with("name"),
            };
            if !is_name || p.ty != ParamType::String || !p.enum_values.is_empty() {
                continue;
            }
            let before = req.get(&p.name).cloned();
            req.insert(p.name.clone(), Value::String(self.prefix.into()));
            if spec_verdict(self.d, a, req).is_err() {
                match before {
                    Some(v) => req.insert(p.name.clone(), v),
                    None => req.remove(&p.name),
                };
            }
        }
    }

    /// Replaces what `req` (a request of `a`) refers to with resources the setup creates.
    /// `skip` is a parameter left as it is (the one an edge case varies).
    fn bind(&mut self, a: &Action, req: &mut Map<String, Value>, depth: usize, skip: &str) {
        let Some(binding) = self.b.actions.get(&a.name) else {
            return;
        };
        // What a create names itself (a listener's port) is not a prerequisite; what it
        // creates from (CloneLoadBalancer's source, of the kind it makes) is.
        let own = binding
            .creates
            .as_ref()
            .filter(|c| c.given)
            .map(|c| c.key.clone());
        let mut refs: Vec<IdRef> = binding.refs.clone();
        // Parents first: the load balancer before its listener.
        refs.sort_by_key(|r| r.slb_listener);
        // A create of the kind it copies whose answer names no copy (Tencent's
        // CloneLoadBalancer answers only RequestId: 004 CloneLoadBalancer "3. 输出参数", lines
        // 8850-8857): a copy of a real source would be left behind, since the run cannot learn
        // its id to delete it. The source stays the documented example's, and its edges cannot
        // expect success.
        let untraceable = binding
            .creates
            .as_ref()
            .filter(|c| !c.given && !documents(self.d, &a.response, &c.field))
            .map(|c| c.key.clone());
        for r in refs {
            if Some(&r.key) == own.as_ref() || r.param == skip || !req.contains_key(&r.param) {
                continue;
            }
            if Some(&r.key) == untraceable.as_ref() {
                self.gaps.push(format!(
                    "{}.{}: its answer names no new {}, so a copy of a real one could not be \
                     deleted; the source stays the documented example's",
                    a.name, r.param, r.key
                ));
                continue;
            }
            if r.slb_listener {
                self.listener(a, req, depth);
                continue;
            }
            let v = match self.ensure(&r.key, depth + 1) {
                Ok(v) => v,
                Err(why) => {
                    self.gaps.push(format!("{}.{}: {why}", a.name, r.param));
                    continue;
                }
            };
            let old = req.get(&r.param).cloned().unwrap_or(Value::Null);
            let new = match (&old, r.many) {
                (Value::Array(_), _) => Value::Array(vec![v]),
                (Value::String(s), true) if s.trim_start().starts_with('[') => {
                    Value::String(format!("[\"{}\"]", flat_value(&v)))
                }
                _ => v,
            };
            req.insert(r.param.clone(), new);
        }
    }

    /// A resource of `key`, created by the setup: the value that names it, or why the setup
    /// cannot make one.
    fn ensure(&mut self, key: &str, depth: usize) -> Result<Value, String> {
        if let Some(v) = self.made.get(key) {
            return Ok(v.clone());
        }
        if depth > 4 {
            return Err(format!("the {key} is too deep in prerequisites to create"));
        }
        let name = self
            .creator(key)
            .ok_or_else(|| format!("no action creates a {key}"))?;
        let a = self
            .d
            .actions
            .get(name)
            .ok_or_else(|| format!("{name} is not in the spec"))?;
        let created = self
            .b
            .actions
            .get(name)
            .and_then(|b| b.creates.clone())
            .ok_or_else(|| format!("{name} creates nothing the model knows"))?;
        // v2's CreateForwardLBListenerRules answers only code, message, codeDesc and
        // requestId (002 "3. Response Parameters"; 004 the same): the new locationId is in no
        // answer of the create, so it is learnt from a read that lists it
        // (DescribeForwardLBListeners' listenerSet.rules), filtered by what the setup made.
        let untold = !created.given && !documents(self.d, &a.response, &created.field);
        let mut req = base_request(self.d, a, self.fixtures)
            .map_err(|why| format!("{name} has no base request: {why}"))?;
        self.name(a, &mut req);
        self.bind(a, &mut req, depth, "");
        let value = if created.given {
            req.get(&created.key)
                .or_else(|| req.get(&created.field))
                .cloned()
                .ok_or_else(|| format!("{name}'s base names no {}", created.key))?
        } else {
            Value::String(format!("${{gen_{key}}}"))
        };
        let read = match untold {
            false => None,
            true => Some(self.read_back(&created.field).ok_or_else(|| {
                format!(
                    "{name}'s documented answer carries no {}, and no read the setup can \
                     make lists it, so the setup cannot learn the id",
                    created.field
                )
            })?),
        };
        self.steps.push(Step {
            call: Some(name.to_string()),
            params: req,
            capture_created: (!created.given && !untold).then(|| format!("gen_{key}")),
            // The read needs what the create makes to be there.
            settle: self.transitional(a) && (untold || self.unsettled.as_deref() != Some(key)),
            ..Default::default()
        });
        if let Some((mut read, path)) = read {
            read.capture.insert(format!("gen_{key}"), path);
            self.steps.push(read);
        }
        self.made.insert(key.to_string(), value.clone());
        Ok(value)
    }

    /// A read (a `Describe...` action) whose documented answer lists `field`, its request
    /// naming what the setup made: the step that learns an id its create does not answer.
    /// The path of the id takes the first item of each list, which is right because the read
    /// is filtered by every id the setup made that it takes, and the setup makes one
    /// resource of each kind.
    fn read_back(&self, field: &str) -> Option<(Step, String)> {
        // A listing of its own resource first (DescribeForwardLBListeners lists listeners,
        // whose rules carry the id), then one documented to list another's
        // (DescribeForwardLBBackends, of backends, lists the same listeners and rules), then
        // any other read.
        let rank = |r: &Action| match self.b.actions.get(&r.name).and_then(|b| b.list.as_ref()) {
            Some(l) if l.kind == r.resource => 0,
            Some(_) => 1,
            None => 2,
        };
        let mut reads: Vec<&Action> = self.d.actions.values().collect();
        reads.sort_by_key(|r| rank(r));
        reads.into_iter().find_map(|r| {
            if !r.name.starts_with("Describe") {
                return None;
            }
            let path = path_to(self.d, &r.response, field, 0)?;
            let mut req = base_request(self.d, r, self.fixtures).ok()?;
            // An optional filter from the documented example (a port, a protocol) could
            // hide what the setup made.
            req.retain(|k, _| r.params.iter().any(|p| &p.name == k && p.required));
            let refs = self.b.actions.get(&r.name).map(|b| b.refs.as_slice());
            for x in refs.unwrap_or_default() {
                match self.made.get(&x.key) {
                    Some(v) if x.many => req.insert(x.param.clone(), Value::Array(vec![v.clone()])),
                    Some(v) => req.insert(x.param.clone(), v.clone()),
                    // A required reference to nothing the setup made: not this read.
                    None if r.params.iter().any(|p| p.name == x.param && p.required) => {
                        return None
                    }
                    None => req.remove(&x.param),
                };
            }
            let step = Step {
                call: Some(r.name.clone()),
                params: req,
                ..Default::default()
            };
            Some((step, path))
        })
    }

    /// An SLB listener on the port `req` names, on the load balancer it names (created by
    /// CreateLoadBalancer<PROTOCOL>Listener; the protocol the action is for, else HTTP for
    /// rules and TCP for the rest).
    fn listener(&mut self, a: &Action, req: &Map<String, Value>, depth: usize) {
        let (Some(lb), Some(port)) = (req.get("LoadBalancerId"), req.get("ListenerPort")) else {
            return;
        };
        let tag = format!("ListenerPort:{}:{}", flat_value(lb), flat_value(port));
        if self.made.contains_key(&tag) {
            return;
        }
        if depth > 4 {
            self.gaps
                .push(format!("{}.ListenerPort: too deep to create", a.name));
            return;
        }
        let named = ["HTTPS", "HTTP", "TCP", "UDP"]
            .into_iter()
            .find(|p| a.name.contains(&format!("LoadBalancer{p}Listener")));
        let asked = req
            .get("ListenerProtocol")
            .map(|v| flat_value(v).to_ascii_uppercase());
        let proto = named
            .map(str::to_string)
            .or_else(|| a.protocols.first().map(|p| p.to_ascii_uppercase()))
            .or(asked)
            // Domain and URL rules forward HTTP.
            .unwrap_or_else(|| if a.resource == "rule" { "HTTP" } else { "TCP" }.into());
        let name = format!("CreateLoadBalancer{proto}Listener");
        let creq = self
            .d
            .actions
            .get(&name)
            .ok_or_else(|| format!("no action {name}"))
            .and_then(|c| base_request(self.d, c, self.fixtures).map(|r| (c, r)));
        let (c, mut creq) = match creq {
            Ok(x) => x,
            Err(why) => {
                self.gaps.push(format!(
                    "{}.ListenerPort: the setup cannot create the listener ({why})",
                    a.name
                ));
                return;
            }
        };
        creq.insert("LoadBalancerId".into(), lb.clone());
        creq.insert("ListenerPort".into(), port.clone());
        self.bind(c, &mut creq, depth + 1, "LoadBalancerId");
        self.made.insert(tag, port.clone());
        self.steps.push(Step {
            call: Some(name.clone()),
            params: creq.clone(),
            settle: self.transitional(c),
            ..Default::default()
        });
        self.ready(a, "listener", &name, &creq);
    }

    /// Brings what `create` just made (a `resource`, named as in `made_with`) into a state
    /// its state machine lets `a` leave: a new listener is stopped, and a stop needs it
    /// running, so it is started first (one documented trigger, then its own completion).
    fn ready(&mut self, a: &Action, resource: &str, create: &str, made_with: &Map<String, Value>) {
        let Some(m) = self.d.state_machines.get(resource) else {
            return;
        };
        let leaves = |state: &str| {
            m.transitions
                .iter()
                .any(|t| t.trigger == a.name && (t.from == state || t.from == "*"))
        };
        let triggered = m.transitions.iter().any(|t| t.trigger == a.name);
        let Some(now) = m
            .transitions
            .iter()
            .find(|t| t.trigger == create)
            .map(|t| t.to.as_str())
        else {
            return;
        };
        if !triggered || leaves(now) {
            return;
        }
        // Where a state settles on its own (`starting` completes to `running`).
        let settled = |s: &str| -> String {
            m.transitions
                .iter()
                .find(|t| t.from == s && t.trigger.starts_with("internal:"))
                .filter(|_| m.states.iter().any(|x| x.name == s && x.transient))
                .map_or(s.to_string(), |t| t.to.clone())
        };
        let Some(t) = m.transitions.iter().find(|t| {
            t.from == now
                && !t.trigger.starts_with("internal:")
                && t.trigger != a.name
                && leaves(&settled(&t.to))
        }) else {
            self.gaps.push(format!(
                "{}: no documented trigger takes a new {resource} ({now}) to a state it leaves",
                a.name
            ));
            return;
        };
        let Some(ta) = self.d.actions.get(&t.trigger) else {
            return;
        };
        let Ok(mut req) = base_request(self.d, ta, self.fixtures) else {
            self.gaps
                .push(format!("{}: {} has no base request", a.name, ta.name));
            return;
        };
        // The same resource, named as its create named it.
        for p in &ta.params {
            if let Some(v) = made_with.get(&p.name) {
                req.insert(p.name.clone(), v.clone());
            }
        }
        self.steps.push(Step {
            call: Some(ta.name.clone()),
            params: req,
            settle: true,
            ..Default::default()
        });
    }

    /// Whether what `a` creates starts in a transitional state.
    fn transitional(&self, a: &Action) -> bool {
        let m = self.d.state_machines.get(&a.resource);
        a.is_async
            || m.is_some_and(|m| {
                m.transitions
                    .iter()
                    .filter(|t| t.trigger == a.name)
                    .any(|t| m.states.iter().any(|s| s.name == t.to && s.transient))
            })
    }
}

/// The path (dotted, the first item of each list) of the field `f` in a documented answer
/// (`fields`), if it carries one.
fn path_to(d: &Dialect, fields: &[Param], f: &str, depth: usize) -> Option<String> {
    if depth >= 6 {
        return None;
    }
    fields.iter().find_map(|x| {
        if x.name == f {
            return Some(x.name.clone());
        }
        let s = x.structure.as_deref().and_then(|s| d.structures.get(s));
        let inner = path_to(d, &x.fields, f, depth + 1)
            .or_else(|| s.and_then(|s| path_to(d, &s.fields, f, depth + 1)))?;
        let item = if x.ty == ParamType::Array { ".0" } else { "" };
        Some(format!("{}{item}.{inner}", x.name))
    })
}

/// Whether a documented answer (`fields`) carries the field `f` somewhere.
fn documents(d: &Dialect, fields: &[Param], f: &str) -> bool {
    path_to(d, fields, f, 0).is_some()
}

/// Generates the edge, enum and omission cases of every dialect.
pub fn generate(
    spec: &Spec,
    fixtures: &BTreeMap<String, BTreeMap<String, Map<String, Value>>>,
    prefix: &str,
) -> Generated {
    let mut g = Generated::default();
    let mut weak = Vec::new();
    let mut weak_ids: Vec<(String, String)> = Vec::new();
    for d in &spec.dialects {
        let (invalid_re, missing_re, valid_not_re) = dialect_patterns(d);
        let (invalid_re, valid_not_re) = (invalid_re.as_str(), valid_not_re.as_str());
        let bindings = super::cleanup::bindings(d);
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
            let mut setup = Setup {
                d,
                b: &bindings,
                fixtures: fixtures.get(d.id()),
                prefix,
                steps: Vec::new(),
                made: BTreeMap::new(),
                unsettled: None,
                gaps: Vec::new(),
            };
            let mut bound = base.clone();
            setup.bind(a, &mut bound, 0, "");
            let key = format!("gen/{}/{}", d.id(), a.name);
            let shared: Vec<Step> = setup
                .steps
                .iter()
                .cloned()
                .map(|mut s| {
                    s.shared = Some(key.clone());
                    s
                })
                .collect();
            // A delete consumes what the setup made; so does a create of what the request
            // names itself (a listener on a port): the next case would find it taken.
            let consumes = bindings.actions.get(&a.name).is_some_and(|b| {
                b.verb == Verb::Delete
                    || (b.verb == Verb::Create && b.creates.as_ref().is_some_and(|c| c.given))
            });
            let settles = setup.transitional(a);
            // A variant's request with the references bound, but for the parameter it varies.
            let rebind = |req: &Map<String, Value>, path: &str| -> Map<String, Value> {
                let mut out = req.clone();
                let top = path.split('.').next().unwrap_or(path);
                for (k, v) in &bound {
                    if k != top && base.get(k) != Some(v) && out.get(k) == base.get(k) {
                        out.insert(k.clone(), v.clone());
                    }
                }
                out
            };
            let mut push = |edge: &str,
                            path: &str,
                            req: Map<String, Value>,
                            expect: Expect,
                            feature: &str,
                            own: Vec<Step>| {
                let mut steps = shared.clone();
                steps.extend(own);
                steps.push(Step {
                    call: Some(a.name.clone()),
                    params: rebind(&req, path),
                    // A success that leaves the shared resource in a transitional state
                    // (an ENS listener configuring) lets it settle for the next case.
                    settle: settles && expect.ok == Some(true),
                    expect: Some(expect),
                    release_shared: consumes,
                    ..Default::default()
                });
                g.cases.push(Case {
                    id: format!("gen/{}/{}/{}/{}", d.id(), a.name, path, edge),
                    dialect: d.id().into(),
                    description: String::new(),
                    features: vec!["generated".into(), feature.into()],
                    covers: if edge == "base" || edge == "not-found" {
                        Vec::new()
                    } else {
                        vec![format!("param:{}.{}:{edge}", a.name, path)]
                    },
                    needs: Vec::new(),
                    steps,
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
                Vec::new(),
            );
            for (path, p) in params_with_paths(d, a) {
                for e in edges(p, prefix) {
                    let item = format!("param:{}.{}:{}", a.name, path, e.name);
                    let req = match edge_case(d, a, &base, &path, p, &e) {
                        Ok(req) => req,
                        Err(why) => {
                            g.edges_not_generated.push((d.id().into(), item, why));
                            continue;
                        }
                    };
                    let mut own_steps = Vec::new();
                    let expect = if e.valid {
                        match succeeds(&setup, a, &path, &rebind(&req, &path)) {
                            Ok(steps) => {
                                own_steps = steps;
                                Expect {
                                    ok: Some(true),
                                    ..Default::default()
                                }
                            }
                            Err(why) => {
                                weak_ids.push((
                                    format!("gen/{}/{}/{}/{}", d.id(), a.name, path, e.name),
                                    why.clone(),
                                ));
                                weak.push((d.id().into(), item, why));
                                Expect {
                                    code_not_matches: Some(valid_not_re.into()),
                                    ..Default::default()
                                }
                            }
                        }
                    } else {
                        Expect {
                            code_matches: Some(invalid_re.into()),
                            ..Default::default()
                        }
                    };
                    let feature = if e.name.starts_with("enum") {
                        "enum"
                    } else {
                        "param-edges"
                    };
                    push(&e.name, &path, req, expect, feature, own_steps);
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
                            Vec::new(),
                        );
                    }
                }
            }
            // Not found: each reference made unknown (well formed, by the shape of its kind's
            // ids), expecting the not-found code the action itself documents for it.
            for r in bindings
                .actions
                .get(&a.name)
                .map(|b| b.refs.clone())
                .unwrap_or_default()
            {
                let codes = not_found_codes(a, &r);
                if codes.is_empty() {
                    continue;
                }
                let Some(old) = base.get(&r.param) else {
                    continue;
                };
                let unknown = if r.slb_listener {
                    let port = if flat_value(old) == "65000" {
                        65001
                    } else {
                        65000
                    };
                    carried(d, Value::from(port))
                } else {
                    let Some(k) = bindings.kinds.get(&r.key).filter(|k| !k.given) else {
                        continue;
                    };
                    let id = Value::String(unknown_id(&k.shape.prefix, k.shape.tail));
                    match old {
                        Value::Array(_) => Value::Array(vec![id]),
                        Value::String(s) if r.many && s.trim_start().starts_with('[') => {
                            Value::String(format!("[{id}]"))
                        }
                        _ => id,
                    }
                };
                let mut req = base.clone();
                req.insert(r.param.clone(), unknown);
                if spec_verdict(d, a, &req).is_err() {
                    continue;
                }
                push(
                    "not-found",
                    &r.param,
                    req,
                    if codes.len() == 1 {
                        Expect {
                            code: codes.first().cloned(),
                            ..Default::default()
                        }
                    } else {
                        Expect {
                            code_in: codes,
                            ..Default::default()
                        }
                    },
                    "not-found",
                    Vec::new(),
                );
            }
        }
        forbidden_in_transient_states(d, &bindings, fixtures.get(d.id()), prefix, &mut g);
    }
    g.valid_edges_weak = weak;
    // Why a valid edge expects less than success is said where the case is read.
    for (id, why) in weak_ids {
        if let Some(c) = g.cases.iter_mut().find(|c| c.id == id) {
            c.description = format!("a valid edge; success is not expected: {why}");
        }
    }
    g
}

/// For a valid edge sent as `req` (the shared setup's references bound), the steps of its own
/// that make what it names (an SLB or ENS listener on the port the edge gives), or why success
/// cannot be expected of it: the request names something the setup does not make.
fn succeeds(
    setup: &Setup,
    a: &Action,
    path: &str,
    req: &Map<String, Value>,
) -> Result<Vec<Step>, String> {
    if let Some(why) = setup.gaps.first() {
        return Err(format!("the setup does not make all the base names: {why}"));
    }
    let Some(binding) = setup.b.actions.get(&a.name) else {
        return Ok(Vec::new());
    };
    let own = binding.creates.as_ref().filter(|c| c.given).map(|c| &c.key);
    let top = path.split('.').next().unwrap_or(path);
    let Some(r) = binding
        .refs
        .iter()
        .find(|r| r.param == top && Some(&r.key) != own)
    else {
        return Ok(Vec::new());
    };
    if !r.slb_listener {
        return Err(format!(
            "the edge is the {} itself: a value made for its range or length names nothing the \
             setup created",
            r.param
        ));
    }
    // The listener the edge's port names, on the shared load balancer, for this case alone.
    let mut own = Setup {
        d: setup.d,
        b: setup.b,
        fixtures: setup.fixtures,
        prefix: setup.prefix,
        steps: Vec::new(),
        made: setup.made.clone(),
        unsettled: None,
        gaps: Vec::new(),
    };
    own.listener(a, req, 0);
    match own.gaps.first() {
        Some(why) => Err(why.clone()),
        None => Ok(own.steps),
    }
}

/// A well-formed id that names nothing: the kind's prefix and a tail of its length.
fn unknown_id(prefix: &str, tail: usize) -> String {
    let t: String = "lbcz0notfound9".chars().cycle().take(tail).collect();
    format!("{prefix}{t}")
}

/// The not-found codes `a` documents for the resource `r` names: its own errors whose code
/// says NotFound or NotExist and names the id field or the kind (SLB's DescribeHealthStatus
/// documents both CheckedListenerNotFound and ListenerNotFound). None: the case is not made.
fn not_found_codes(a: &Action, r: &IdRef) -> Vec<String> {
    let squash = |s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let codes: Vec<&str> = a
        .errors
        .iter()
        .map(|e| e.code.as_str())
        .filter(|c| c.contains("NotFound") || c.contains("NotExist"))
        .collect();
    let key = squash(r.key.trim_end_matches("Id").trim_end_matches("Port"));
    let kind = squash(&r.kind);
    let mut named: Vec<String> = codes
        .iter()
        .filter(|c| {
            let c = squash(c);
            (!key.is_empty() && c.contains(&key)) || c.contains(&kind)
        })
        .map(|c| c.to_string())
        .collect();
    named.sort();
    named.dedup();
    named
}

/// Forbidden transitions out of a transitional initial state (a Tencent load balancer still
/// `creating`): create the resource without letting it settle, call each action the state
/// `forbids` with a named error on it, and expect that error.
fn forbidden_in_transient_states(
    d: &Dialect,
    bindings: &Bindings,
    fixtures: Option<&BTreeMap<String, Map<String, Value>>>,
    prefix: &str,
    g: &mut Generated,
) {
    for m in d.state_machines.values() {
        let Some(state) = m.states.iter().find(|s| s.name == m.initial && s.transient) else {
            continue;
        };
        let Some((key, _)) = bindings
            .kinds
            .iter()
            .find(|(_, k)| k.resource == m.resource && !k.given)
        else {
            continue;
        };
        for f in &state.forbids {
            let (Some(code), Some(a)) = (&f.error, d.actions.get(&f.action)) else {
                continue;
            };
            let refers = bindings
                .actions
                .get(&a.name)
                .is_some_and(|b| b.refs.iter().any(|r| &r.key == key));
            let Ok(mut req) = base_request(d, a, fixtures) else {
                continue;
            };
            if !refers {
                continue;
            }
            let mut setup = Setup {
                d,
                b: bindings,
                fixtures,
                prefix,
                steps: Vec::new(),
                made: BTreeMap::new(),
                unsettled: Some(key.clone()),
                gaps: Vec::new(),
            };
            setup.bind(a, &mut req, 0, "");
            let Some(create) = setup
                .steps
                .iter()
                .find(|s| s.capture_created.as_deref() == Some(&format!("gen_{key}")))
                .and_then(|s| s.call.clone())
            else {
                continue;
            };
            let mut steps = setup.steps;
            steps.push(Step {
                call: Some(a.name.clone()),
                params: req,
                expect: Some(Expect {
                    code: Some(code.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            });
            let covers = m
                .transitions
                .iter()
                .filter(|t| t.trigger == create && t.to == state.name)
                .map(|t| format!("transition:{}:{}->{}", m.resource, t.from, t.to))
                .collect();
            g.cases.push(Case {
                id: format!("gen/{}/{}/state-{}/forbidden", d.id(), a.name, state.name),
                dialect: d.id().into(),
                description: format!(
                    "{} on a {} still {} is refused with {code}",
                    a.name, m.resource, state.name
                ),
                features: vec!["generated".into(), "forbidden-transitions".into()],
                covers,
                needs: Vec::new(),
                steps,
                generated: true,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn generated() -> Generated {
        let spec = crate::spec::load_default().unwrap();
        let suite = super::super::case::load(&super::super::case::default_suite_dir()).unwrap();
        generate(&spec, &suite.fixtures, "lbc-t-")
    }

    /// The request of the case's own call (after the shared setup steps).
    fn request<'g>(g: &'g Generated, id: &str) -> (&'g Map<String, Value>, &'g Expect) {
        let c = g
            .cases
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no case {id}"));
        let s = c.steps.last().unwrap();
        (&s.params, s.expect.as_ref().unwrap())
    }

    fn int(m: &Map<String, Value>, path: &str) -> i64 {
        get(m, path)
            .and_then(Value::as_i64)
            .unwrap_or_else(|| panic!("{path} in {m:?}"))
    }

    #[test]
    fn structure_field_edges_make_the_object_and_satisfy_its_rules() {
        let g = generated();
        // CreateListener's base has no HealthCheck: the edge makes one, and TimeOut 60 comes
        // with an IntervalTime above it (TimeOut < IntervalTime).
        let (req, expect) = request(&g, "gen/tencent-clb/CreateListener/HealthCheck.TimeOut/max");
        assert_eq!(int(req, "HealthCheck.TimeOut"), 60);
        let interval = int(req, "HealthCheck.IntervalTime");
        assert!((61..=300).contains(&interval), "{req:?}");
        // Its listener's load balancer is made by the setup: the valid edge must succeed.
        assert_eq!(expect.ok, Some(true));
        assert!(expect.code_not_matches.is_none() && expect.code_matches.is_none());
        // The invalid neighbour is invalid by its range alone: the rule still holds.
        let (req, expect) = request(
            &g,
            "gen/tencent-clb/ModifyRule/HealthCheck.IntervalTime/max+1",
        );
        assert_eq!(int(req, "HealthCheck.IntervalTime"), 301);
        assert!(int(req, "HealthCheck.TimeOut") < 301);
        assert!(expect
            .code_matches
            .as_deref()
            .unwrap()
            .contains("InvalidParameter"));
        let (req, _) = request(
            &g,
            "gen/tencent-clb/CreateLoadBalancer/InternetAccessible.InternetMaxBandwidthOut/max",
        );
        assert!(get(req, "InternetAccessible").is_some_and(Value::is_object));
        // IntervalTime 2 needs a TimeOut below 2, which the TimeOut range (2-60) has not.
        let why = g
            .edges_not_generated
            .iter()
            .find(|(_, i, _)| i == "param:CreateListener.HealthCheck.IntervalTime:min")
            .map(|(_, _, w)| w.as_str())
            .unwrap();
        assert!(
            why.contains("clb-healthcheck-intervaltime-2-unreachable"),
            "{why}"
        );
        // A forbidden_when gate is opened: Weight is not for the default Type v1.
        let (req, _) = request(&g, "gen/tencent-clb/CreateTargetGroup/Weight/max");
        assert_eq!(int(req, "Weight"), 100);
        assert_ne!(
            get(req, "Type").map(flat_value).as_deref().unwrap_or("v1"),
            "v1"
        );
    }

    fn case<'g>(g: &'g Generated, id: &str) -> &'g Case {
        g.cases
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no case {id}"))
    }

    #[test]
    fn a_listener_port_edge_makes_its_listener_on_that_port_and_expects_success() {
        let g = generated();
        for d in ["aliyun-slb", "aliyun-ens"] {
            let c = case(
                &g,
                &format!("gen/{d}/StopLoadBalancerListener/ListenerPort/max"),
            );
            let own: Vec<&Step> = c.steps.iter().filter(|s| s.shared.is_none()).collect();
            let call = own.last().unwrap();
            assert_eq!(flat_value(&call.params["ListenerPort"]), "65535");
            assert_eq!(call.expect.as_ref().unwrap().ok, Some(true), "{d}");
            // The case's own listener, on that port and on the shared load balancer ...
            let create = own
                .iter()
                .find(|s| s.call.as_deref().is_some_and(|n| n.starts_with("Create")))
                .unwrap_or_else(|| panic!("{d}: no listener made for the edge: {own:?}"));
            assert_eq!(flat_value(&create.params["ListenerPort"]), "65535");
            assert_eq!(
                create.params["LoadBalancerId"],
                Value::String("${gen_LoadBalancerId}".into())
            );
            // ... started, since a new listener is stopped and only a running one stops.
            let start = own
                .iter()
                .position(|s| s.call.as_deref() == Some("StartLoadBalancerListener"))
                .unwrap_or_else(|| panic!("{d}: not started: {own:?}"));
            assert!(own[start].settle && start + 1 < own.len());
            assert_eq!(flat_value(&own[start].params["ListenerPort"]), "65535");
        }
        // A listener's attribute edge in ENS changes a running listener, which is configuring
        // after the change: the case lets it settle for the next one.
        let c = case(
            &g,
            "gen/aliyun-ens/SetLoadBalancerHTTPListenerAttribute/HealthyThreshold/max",
        );
        let call = c.steps.last().unwrap();
        assert!(call.settle && call.expect.as_ref().unwrap().ok == Some(true));
    }

    #[test]
    fn a_clone_whose_copy_cannot_be_traced_keeps_the_example_source() {
        let g = generated();
        let c = case(&g, "gen/tencent-clb/CloneLoadBalancer/request/base");
        let call = c.steps.last().unwrap();
        let source = flat_value(&call.params["LoadBalancerId"]);
        assert!(!source.contains("${"), "{source}");
        let weak: Vec<_> = g
            .valid_edges_weak
            .iter()
            .filter(|(d, i, _)| d == "tencent-clb" && i.starts_with("param:CloneLoadBalancer."))
            .collect();
        assert!(!weak.is_empty());
        assert!(weak
            .iter()
            .all(|(_, _, why)| why.contains("names no new LoadBalancerId")));
    }

    #[test]
    fn an_id_the_create_does_not_answer_is_learnt_from_a_listing_filtered_by_its_parent() {
        let g = generated();
        let c = case(
            &g,
            "gen/tencent-clb-v2/ModifyLoadBalancerRulesProbe/intervalTime/max",
        );
        let create = c
            .steps
            .iter()
            .position(|s| s.call.as_deref() == Some("CreateForwardLBListenerRules"))
            .unwrap();
        // The create answers no locationId, so it captures none and settles before the read.
        assert!(c.steps[create].capture_created.is_none());
        assert!(c.steps[create].settle);
        let read = &c.steps[create + 1];
        assert_eq!(read.call.as_deref(), Some("DescribeForwardLBListeners"));
        assert_eq!(
            read.capture.get("gen_locationId").map(String::as_str),
            Some("listenerSet.0.rules.0.locationId")
        );
        // Filtered by the listener the setup made, and by nothing from the example.
        let mut keys: Vec<&str> = read.params.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["listenerIds", "loadBalancerId"]);
        assert_eq!(read.params["listenerIds"], json!(["${gen_listenerId}"]));
        let call = c.steps.last().unwrap();
        assert_eq!(call.params["locationId"], json!("${gen_locationId}"));
        assert_eq!(call.expect.as_ref().unwrap().ok, Some(true));
        assert!(!g
            .valid_edges_weak
            .iter()
            .any(|(d, _, _)| d == "tencent-clb-v2"));
    }

    #[test]
    fn valid_edges_expect_less_than_success_only_for_a_stated_reason() {
        let g = generated();
        let weak: Vec<&(String, String, String)> = g.valid_edges_weak.iter().collect();
        // ENS key pairs: the edge is the name itself, so it names nothing the setup made.
        let (_, _, why) = weak
            .iter()
            .find(|(d, i, _)| {
                d == "aliyun-ens" && i == "param:DescribeKeyPairs.KeyPairName:len-max"
            })
            .unwrap();
        assert!(why.contains("names nothing the setup created"), "{why}");
        let c = case(&g, "gen/aliyun-ens/DescribeKeyPairs/KeyPairName/len-max");
        assert!(c.description.contains("names nothing the setup created"));
        assert!(c
            .steps
            .last()
            .unwrap()
            .expect
            .as_ref()
            .unwrap()
            .ok
            .is_none());
        // Every other valid edge expects success.
        for c in g
            .cases
            .iter()
            .filter(|c| c.features.iter().any(|f| f == "param-edges"))
        {
            let e = c.steps.last().unwrap().expect.as_ref().unwrap();
            let valid = ["/min", "/max", "/len-min", "/len-max"]
                .iter()
                .any(|x| c.id.ends_with(x));
            if valid && e.ok != Some(true) {
                assert!(!c.description.is_empty(), "{} is weak for no reason", c.id);
            }
        }
        assert!(weak.len() < 10, "{weak:?}");
    }

    #[test]
    fn length_edges_match_the_pattern_and_their_conditions_hold() {
        let g = generated();
        let text = |m: &Map<String, Value>, k: &str| flat_value(m.get(k).unwrap());
        let (req, _) = request(
            &g,
            "gen/aliyun-slb/SetLoadBalancerHTTPListenerAttribute/HealthCheckURI/len-max",
        );
        let uri = text(req, "HealthCheckURI");
        assert!(uri.starts_with('/') && uri.len() == 80, "{uri}");
        // Required only when HealthCheck is on: the fixture's off is turned on.
        assert_eq!(text(req, "HealthCheck"), "on");
        let (req, _) = request(
            &g,
            "gen/aliyun-slb/CreateLoadBalancerHTTPListener/HealthCheckURI/len-min",
        );
        assert_eq!(text(req, "HealthCheckURI"), "/");
        let (req, _) = request(
            &g,
            "gen/aliyun-slb/SetLoadBalancerHTTPSListenerAttribute/Cookie/len-max",
        );
        let cookie = text(req, "Cookie");
        assert_eq!(cookie.len(), 200);
        assert!(!cookie.starts_with('$') && !cookie.contains([',', ';', ' ']));
        assert_eq!(text(req, "StickySession"), "on");
        assert_eq!(text(req, "StickySessionType"), "server");
        let (req, _) = request(
            &g,
            "gen/aliyun-slb/SetLoadBalancerHTTPListenerAttribute/CookieTimeout/max",
        );
        assert_eq!(text(req, "CookieTimeout"), "86400");
        assert_eq!(text(req, "StickySessionType"), "insert");
        let (req, _) = request(&g, "gen/aliyun-ens/CreateInstance/UserData/len-max");
        let data = text(req, "UserData");
        assert!(data.starts_with("#!") && data.len() == 16384);
        let (req, _) = request(
            &g,
            "gen/tencent-clb-v2/ModifyLoadBalancerRulesProbe/httpCheckPath/len-max",
        );
        assert!(get(req, "httpCheckPath")
            .map(flat_value)
            .is_some_and(|p| p.starts_with('/') && p.len() == 80));
        // "1 to 80 characters", yet `/` alone is refused: no valid URI of 1 character exists.
        let why = g
            .edges_not_generated
            .iter()
            .find(|(d, i, _)| {
                d == "aliyun-ens"
                    && i == "param:CreateLoadBalancerHTTPListener.HealthCheckURI:len-min"
            })
            .map(|(_, _, w)| w.as_str())
            .unwrap();
        assert!(why.contains("^/.+$"), "{why}");
        // An invalid enum is sent where nothing else is wrong: a StickySessionType outside the
        // enum brings no CookieTimeout that only `insert` allows.
        let (req, _) = request(
            &g,
            "gen/aliyun-slb/SetLoadBalancerHTTPListenerAttribute/StickySessionType/enum-invalid",
        );
        assert!(
            !req.contains_key("CookieTimeout") && !req.contains_key("Cookie"),
            "{req:?}"
        );
    }
}
