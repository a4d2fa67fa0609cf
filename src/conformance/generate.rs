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
use crate::model::binding::{Bindings, IdRef, Verb};
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
        let own = binding.creates.as_ref().map(|c| c.key.clone());
        let mut refs: Vec<IdRef> = binding.refs.clone();
        // Parents first: the load balancer before its listener.
        refs.sort_by_key(|r| r.slb_listener);
        for r in refs {
            if Some(&r.key) == own.as_ref() || r.param == skip || !req.contains_key(&r.param) {
                continue;
            }
            if r.slb_listener {
                self.listener(a, req, depth);
                continue;
            }
            let Some(v) = self.ensure(&r.key, depth + 1) else {
                continue;
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

    /// A resource of `key`, created by the setup: the value that names it.
    fn ensure(&mut self, key: &str, depth: usize) -> Option<Value> {
        if let Some(v) = self.made.get(key) {
            return Some(v.clone());
        }
        if depth > 4 {
            return None;
        }
        let name = self.creator(key)?;
        let a = self.d.actions.get(name)?;
        let created = self.b.actions.get(name)?.creates.clone()?;
        // An answer that documents no id (v2's rules, learnt later from a read) leaves the
        // example's id in place.
        fn documents(d: &Dialect, fields: &[Param], f: &str, depth: usize) -> bool {
            depth < 6
                && fields.iter().any(|x| {
                    let s = x.structure.as_deref().and_then(|s| d.structures.get(s));
                    x.name == f
                        || documents(d, &x.fields, f, depth + 1)
                        || s.is_some_and(|s| documents(d, &s.fields, f, depth + 1))
                })
        }
        if !created.given && !documents(self.d, &a.response, &created.field, 0) {
            return None;
        }
        let mut req = base_request(self.d, a, self.fixtures).ok()?;
        self.name(a, &mut req);
        self.bind(a, &mut req, depth, "");
        let value = if created.given {
            req.get(&created.key)
                .or_else(|| req.get(&created.field))
                .cloned()?
        } else {
            Value::String(format!("${{gen_{key}}}"))
        };
        self.steps.push(Step {
            call: Some(name.to_string()),
            params: req,
            capture_created: (!created.given).then(|| format!("gen_{key}")),
            settle: self.transitional(a) && self.unsettled.as_deref() != Some(key),
            ..Default::default()
        });
        self.made.insert(key.to_string(), value.clone());
        Some(value)
    }

    /// An SLB listener on the port `req` names, on the load balancer it names (created by
    /// CreateLoadBalancer<PROTOCOL>Listener; the protocol the action is for, else HTTP for
    /// rules and TCP for the rest).
    fn listener(&mut self, a: &Action, req: &Map<String, Value>, depth: usize) {
        let (Some(lb), Some(port)) = (req.get("LoadBalancerId"), req.get("ListenerPort")) else {
            return;
        };
        let tag = format!("ListenerPort:{}:{}", flat_value(lb), flat_value(port));
        if self.made.contains_key(&tag) || depth > 4 {
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
        let Some(c) = self.d.actions.get(&name) else {
            return;
        };
        let Ok(mut creq) = base_request(self.d, c, self.fixtures) else {
            return;
        };
        creq.insert("LoadBalancerId".into(), lb.clone());
        creq.insert("ListenerPort".into(), port.clone());
        self.bind(c, &mut creq, depth + 1, "LoadBalancerId");
        self.made.insert(tag, port.clone());
        self.steps.push(Step {
            call: Some(name),
            params: creq,
            settle: self.transitional(c),
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

/// Generates the edge, enum and omission cases of every dialect.
pub fn generate(
    spec: &Spec,
    fixtures: &BTreeMap<String, BTreeMap<String, Map<String, Value>>>,
    prefix: &str,
) -> Generated {
    let mut g = Generated::default();
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
            let mut push =
                |edge: &str, path: &str, req: Map<String, Value>, expect: Expect, feature: &str| {
                    let mut steps = shared.clone();
                    steps.push(Step {
                        call: Some(a.name.clone()),
                        params: rebind(&req, path),
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
                );
            }
        }
        forbidden_in_transient_states(d, &bindings, fixtures.get(d.id()), prefix, &mut g);
    }
    g
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
