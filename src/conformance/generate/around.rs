//! The request an edge case is sent in: the base with the edge set, made valid around it from
//! the spec's own data (the structure it lives in, the conditions that make it matter, the other
//! side of a comparison, what those require), or why no such request exists.

use serde_json::{Map, Number, Value};

use super::{carried, objections, synthesise, Edge, Objection};
use crate::conformance::client::flat_value;
use crate::model::validate::{self, Violation};
use crate::spec::{Action, Condition, Dialect, Param, Rule, RuleKind};

/// The request of one edge case, or why the spec allows none: a valid edge in a request the
/// spec accepts; an invalid one in a request refused for that parameter alone, built valid
/// around the valid value beside it (the base's own value for an enum).
pub(super) fn edge_case(
    d: &Dialect,
    a: &Action,
    base: &Map<String, Value>,
    path: &str,
    p: &Param,
    e: &Edge,
) -> Result<Map<String, Value>, String> {
    if e.valid {
        if let (Value::String(s), Some(pat)) = (&e.value, &p.pattern) {
            if !validate::matches_pattern(pat, s) {
                return Err(format!(
                    "no string of {} characters matches the documented pattern {pat}{}",
                    s.chars().count(),
                    errata_on(d, a, path)
                ));
            }
        }
        return edge_request(d, a, base, path, &e.value, true);
    }
    let beside = match get(base, path) {
        Some(v) if e.name == "enum-invalid" => Some(v.clone()),
        _ => e.beside.clone(),
    };
    let around = beside
        .ok_or_else(String::new)
        .and_then(|b| edge_request(d, a, base, path, &b, true));
    let mut req = match around {
        Ok(r) => r,
        // No valid request around the value beside it: build one around the edge itself.
        Err(_) => edge_request(d, a, base, path, &e.value, false).or_else(|_| {
            let mut r = base.clone();
            put(&mut r, path, Some(carried(d, e.value.clone())))
                .then_some(r)
                .ok_or_else(|| format!("{path}: the base holds no object on its way"))
        })?,
    };
    put(&mut req, path, Some(carried(d, e.value.clone())));
    // The other side of a comparison follows the edge where its range allows (TimeOut 61
    // with IntervalTime 62), so the rule is not what is broken.
    for rule in &a.rules {
        if matches!(rule.kind, RuleKind::LessThan | RuleKind::LessEqual) {
            let _ = compare(d, a, &mut req, rule, path);
        }
    }
    // What only the value beside it allowed goes (StickySessionType with a StickySession that
    // is not `on`).
    let _ = repair(d, a, &mut req, base, path, true);
    let found = objections(d, a, &req);
    let flagged = found.iter().any(|o| o.involves(path));
    let alone = found.iter().all(|o| o.involves(path));
    if flagged && alone {
        Ok(req)
    } else if !flagged {
        Err(format!(
            "the spec accepts it in every request built for it ({})",
            flat_value(&e.value)
        ))
    } else {
        let why: Vec<String> = found.iter().map(Objection::label).collect();
        Err(format!(
            "no request is refused for {path} alone (also: {})",
            why.join(", ")
        ))
    }
}

/// Sets (or with `None` removes) the value at a dotted path, making the objects on the way
/// (`HealthCheck` for `HealthCheck.IntervalTime`); a number segment is a list index. False when
/// the path runs through something that is not an object or list.
pub(super) fn put(m: &mut Map<String, Value>, path: &str, v: Option<Value>) -> bool {
    match path.split_once('.') {
        None => {
            match v {
                Some(v) => m.insert(path.into(), v),
                None => m.remove(path),
            };
            true
        }
        Some((head, rest)) => {
            if v.is_none() && !m.contains_key(head) {
                return true;
            }
            let inner = m
                .entry(head.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            put_in(inner, rest, v)
        }
    }
}

fn put_in(inner: &mut Value, path: &str, v: Option<Value>) -> bool {
    match inner {
        Value::Object(o) => put(o, path, v),
        Value::Array(items) => {
            let (head, rest) = path.split_once('.').unwrap_or((path, ""));
            match (
                head.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
                rest,
            ) {
                (Some(item), "") => {
                    match v {
                        Some(v) => *item = v,
                        None => return false,
                    }
                    true
                }
                (Some(item), rest) => put_in(item, rest, v),
                (None, _) => false,
            }
        }
        _ => false,
    }
}

/// The value at a dotted path (a number segment is a list index).
pub(super) fn get<'v>(m: &'v Map<String, Value>, path: &str) -> Option<&'v Value> {
    let mut segs = path.split('.');
    let mut v = m.get(segs.next()?)?;
    for seg in segs {
        v = match v {
            Value::Object(o) => o.get(seg)?,
            Value::Array(items) => items.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(v)
}

/// The request an edge is sent in: the base with `path` = `value`, and everything else made
/// valid from the spec's own data, so the edge is the only thing a refusal can be about:
///
/// - the object holding a structure field is made when the base has none;
/// - the parameter's `required_when` condition and the `when` of rules that gate it are made
///   to hold (`Cookie` is only meaningful with `StickySessionType = server`; `Weight` is
///   forbidden for the default `Type = v1`);
/// - the other side of a `less_than` comparison is given a value that satisfies it
///   (`TimeOut` 60 with `IntervalTime` 61);
/// - what those changes then require is filled in, and what they forbid taken out (`repair`).
///
/// `strict`: a comparison that cannot be satisfied is an error (for a valid edge), not skipped.
fn edge_request(
    d: &Dialect,
    a: &Action,
    base: &Map<String, Value>,
    path: &str,
    value: &Value,
    strict: bool,
) -> Result<Map<String, Value>, String> {
    let mut req = base.clone();
    if !put(&mut req, path, Some(carried(d, value.clone()))) {
        return Err(format!("{path}: the base holds no object on its way"));
    }
    let p = param_of(d, a, path).ok_or_else(|| format!("{path}: not in the spec"))?;
    if let Some(c) = &p.required_when {
        let scope = path
            .rsplit_once('.')
            .map(|(s, _)| format!("{s}."))
            .unwrap_or_default();
        satisfy(d, a, &mut req, &scope, c, true, path);
    }
    for rule in &a.rules {
        let applies = rule.param_in.is_empty()
            || rule
                .param_in
                .iter()
                .any(|w| flat_value(w) == flat_value(value));
        match (rule.kind, &rule.when) {
            (RuleKind::AllowedOnlyWhen, Some(c))
                if rule.param.as_deref() == Some(path) && applies =>
            {
                satisfy(d, a, &mut req, "", c, true, path);
            }
            (RuleKind::ForbiddenWhen, Some(c))
                if rule.param.as_deref() == Some(path) && applies =>
            {
                satisfy(d, a, &mut req, "", c, false, path);
            }
            (RuleKind::LessThan | RuleKind::LessEqual, _) => {
                if let Err(e) = compare(d, a, &mut req, rule, path) {
                    if strict {
                        return Err(e);
                    }
                }
            }
            _ => {}
        }
    }
    repair(d, a, &mut req, base, path, false)?;
    Ok(req)
}

/// The parameter or structure field at a dotted path.
fn param_of<'d>(d: &'d Dialect, a: &'d Action, path: &str) -> Option<&'d Param> {
    let mut scope: &[Param] = &a.params;
    let mut found = None;
    for seg in path.split('.').filter(|s| s.parse::<usize>().is_err()) {
        let p = scope.iter().find(|p| p.name == seg)?;
        scope = match &p.structure {
            Some(s) if p.fields.is_empty() => {
                d.structures.get(s).map_or(&[][..], |s| s.fields.as_slice())
            }
            _ => &p.fields,
        };
        found = Some(p);
    }
    found
}

/// Makes condition `c` (its parameter relative to `scope`, `HealthCheck.` for a field's
/// `required_when`) hold, or (`want` false) not hold. The tested parameter itself is never
/// changed for it. False when nothing was changed.
fn satisfy(
    d: &Dialect,
    a: &Action,
    req: &mut Map<String, Value>,
    scope: &str,
    c: &Condition,
    want: bool,
    tested: &str,
) -> bool {
    let Some(name) = &c.param else {
        return false;
    };
    let at = format!("{scope}{name}");
    let Some(p) = param_of(d, a, &at) else {
        return false;
    };
    if at == tested {
        return false;
    }
    let now = get(req, &at).or(p.default.as_ref()).map(flat_value);
    let is_in = |v: &str| c.one_of.iter().any(|w| flat_value(w) == v);
    let new = match (want, c.one_of.is_empty()) {
        (true, false) if now.as_deref().is_some_and(is_in) => return false,
        (true, false) => c.one_of.first().cloned(),
        (true, true) if get(req, &at).is_some() => return false,
        (true, true) => synthesise(d, p, 0),
        (false, false) if !now.as_deref().is_some_and(is_in) => return false,
        // Another documented value of the parameter, else none at all.
        (false, false) => p
            .enum_values
            .iter()
            .find(|v| !is_in(&flat_value(v)))
            .cloned(),
        (false, true) if get(req, &at).is_none() => return false,
        (false, true) => None,
    };
    if new.is_none() && p.required {
        return false;
    }
    put(req, &at, new.map(|v| carried(d, v)))
}

/// For a `less_than` / `less_equal` rule involving `tested`, gives the other side a value that
/// satisfies it (the nearest one its range allows). Err when its range has none.
fn compare(
    d: &Dialect,
    a: &Action,
    req: &mut Map<String, Value>,
    rule: &Rule,
    tested: &str,
) -> Result<(), String> {
    let (Some(lo), Some(hi)) = (rule.param.as_deref(), rule.others.first()) else {
        return Ok(());
    };
    let num = |req: &Map<String, Value>, p: &str| {
        get(req, p).and_then(|v| flat_value(v).parse::<f64>().ok())
    };
    let strict = rule.kind == RuleKind::LessThan;
    let (other, x, below) = if tested == lo {
        (hi.as_str(), num(req, lo), false)
    } else if tested == hi {
        (lo, num(req, hi), true)
    } else {
        return Ok(());
    };
    let (Some(x), Some(p)) = (x, param_of(d, a, other)) else {
        return Ok(());
    };
    let step = if strict { 1.0 } else { 0.0 };
    // A value already there that satisfies the rule stays.
    if let Some(y) = num(req, other) {
        if (below && y <= x - step) || (!below && y >= x + step) {
            return Ok(());
        }
    }
    let bound = |n: &Option<Number>| n.as_ref().and_then(Number::as_f64);
    // The other side: just above x (or just below), within its own range.
    let v = if below {
        let v = bound(&p.min).unwrap_or(x - step);
        (v <= x - step).then_some(v)
    } else {
        let v = bound(&p.max).map_or(x + step, |m| {
            m.min(x + step).max(bound(&p.min).unwrap_or(f64::MIN))
        });
        (v >= x + step && bound(&p.max).is_none_or(|m| v <= m)).then_some(v)
    };
    let Some(v) = v else {
        let range = match (bound(&p.min), bound(&p.max)) {
            (Some(l), Some(h)) => format!(" ({l}..={h})"),
            _ => String::new(),
        };
        return Err(format!(
            "no value of {other}{range} satisfies the rule \"{}\" with {tested} = {x}{}",
            rule.description,
            errata_on(d, a, tested)
        ));
    };
    let n = Number::from_f64(v).map(|n| match n.as_f64() {
        Some(f) if f.fract() == 0.0 => Value::from(f as i64),
        _ => Value::Number(n),
    });
    put(req, other, n.map(|n| carried(d, n)));
    Ok(())
}

/// `; erratum <id>, ...` for the errata of the dialect that name the parameter at `path` (as
/// `param:Action.Path` or as a field of a structure).
fn errata_on(d: &Dialect, a: &Action, path: &str) -> String {
    let leaf = path.rsplit('.').next().unwrap_or(path);
    let ids: Vec<&str> = d
        .errata
        .iter()
        .filter(|e| {
            e.affects.iter().any(|x| {
                x == &format!("param:{}.{path}", a.name)
                    || (x.starts_with("structure:") && x.ends_with(&format!(".{leaf}")))
            })
        })
        .map(|e| e.id.as_str())
        .collect();
    if ids.is_empty() {
        String::new()
    } else {
        format!("; erratum {}", ids.join(", "))
    }
}

/// Makes the request valid but for `tested`: fills what is missing, re-synthesises what is
/// refused, satisfies the rules the other parameters break. Err with what remains refused.
/// `base`: the request before the edge was set (what is not ours to keep). `alone`: done when
/// whatever is still refused is about `tested` (an invalid edge).
fn repair(
    d: &Dialect,
    a: &Action,
    req: &mut Map<String, Value>,
    base: &Map<String, Value>,
    tested: &str,
    alone: bool,
) -> Result<(), String> {
    for _ in 0..8 {
        let found = objections(d, a, req);
        if found.iter().all(|o| alone && o.involves(tested)) {
            return Ok(());
        }
        let mut changed = false;
        for o in &found {
            changed |= fix(d, a, req, base, tested, o);
        }
        if !changed {
            let why: Vec<String> = found
                .iter()
                .map(|o| match o {
                    Objection::Broken(v) => v.to_string(),
                    o => o.label(),
                })
                .collect();
            return Err(format!(
                "no valid request found around it: {}",
                why.join("; ")
            ));
        }
    }
    Err("no valid request found around it in 8 repairs".into())
}

/// One repair step for one objection; false when it knows none.
fn fix(
    d: &Dialect,
    a: &Action,
    req: &mut Map<String, Value>,
    base: &Map<String, Value>,
    tested: &str,
    o: &Objection,
) -> bool {
    let fill = |req: &mut Map<String, Value>, at: &str| {
        let v = param_of(d, a, at).and_then(|p| synthesise(d, p, 0));
        match v {
            Some(v) if get(req, at) != Some(&v) => put(req, at, Some(v)),
            _ => false,
        }
    };
    let v = match o {
        Objection::Unknown(p) if p != tested => return put(req, p, None),
        Objection::Broken(v) => v,
        _ => return false,
    };
    match v {
        Violation::Rule { kind, params, .. } => {
            let Some(rule) = a.rules.iter().find(|r| {
                r.kind == *kind
                    && (r.param.as_ref() == params.first() || r.others.first() == params.first())
            }) else {
                return false;
            };
            fix_rule(d, a, req, base, tested, rule, params)
        }
        _ if v.param() == tested => false,
        v => fill(req, v.param()),
    }
}

/// A rule the request breaks, mended without touching `tested`.
fn fix_rule(
    d: &Dialect,
    a: &Action,
    req: &mut Map<String, Value>,
    base: &Map<String, Value>,
    tested: &str,
    rule: &Rule,
    params: &[String],
) -> bool {
    let drop = |req: &mut Map<String, Value>, at: &str| {
        at != tested && !param_of(d, a, at).is_some_and(|x| x.required) && put(req, at, None)
    };
    let holds_tested = |x: &String| tested == x || tested.starts_with(&format!("{x}."));
    match rule.kind {
        RuleKind::MutuallyExclusive => {
            let keep = params.iter().find(|x| holds_tested(x)).or(params.first());
            // Every other one goes (not short-circuited: each is dropped).
            let dropped: Vec<bool> = params
                .iter()
                .filter(|x| Some(*x) != keep)
                .map(|x| drop(req, x))
                .collect();
            return dropped.contains(&true);
        }
        RuleKind::AtLeastOneOf => {
            return params.first().is_some_and(|x| {
                let v = param_of(d, a, x).and_then(|p| synthesise(d, p, 0));
                v.is_some_and(|v| put(req, x, Some(carried(d, v))))
            })
        }
        _ => {}
    }
    let Some(p) = rule.param.as_deref() else {
        return false;
    };
    let ours = p == tested || get(req, p) != get(base, p) || get(base, p).is_none();
    let required = param_of(d, a, p).is_some_and(|x| x.required);
    match (rule.kind, &rule.when) {
        // A gated parameter this request needs keeps its gate open; another one goes.
        (RuleKind::AllowedOnlyWhen, Some(c)) if ours || required => {
            satisfy(d, a, req, "", c, true, tested) || drop(req, p)
        }
        (RuleKind::ForbiddenWhen, Some(c)) if ours || required => {
            satisfy(d, a, req, "", c, false, tested) || drop(req, p)
        }
        (RuleKind::AllowedOnlyWhen | RuleKind::ForbiddenWhen, _) => drop(req, p),
        (RuleKind::LessThan | RuleKind::LessEqual, _) => {
            // The tested side stays; the other one moves (the upper one if neither is tested).
            let hi = rule.others.first().map_or(p, String::as_str);
            let anchor = if tested == hi { hi } else { p };
            let before = req.clone();
            compare(d, a, req, rule, anchor).is_ok() && *req != before
        }
        _ => false,
    }
}
