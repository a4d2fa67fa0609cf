//! Validation of typed request parameters against the spec, with no per-action code.
//!
//! Input: the values [`crate::wire::params`] typed. Output: the values normalised by the rules
//! that rewrite (an SLB health-check timeout below the interval becomes the interval), or every
//! violation found, in parameter order, so a dialect can answer with its first one.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use regex::Regex;
use serde_json::{Map, Value};

use crate::spec::{Action, Condition, Param, ParamType, Rule, RuleKind};

/// One way a request breaks the documented rules.
#[derive(Debug, Clone, PartialEq)]
pub enum Violation {
    Missing {
        param: String,
    },
    MissingWhen {
        param: String,
        condition: String,
    },
    OutOfRange {
        param: String,
        value: String,
    },
    NotInEnum {
        param: String,
        value: String,
    },
    Length {
        param: String,
        value: String,
    },
    Pattern {
        param: String,
        value: String,
    },
    ItemCount {
        param: String,
        count: usize,
    },
    Rule {
        kind: RuleKind,
        params: Vec<String>,
        description: String,
        /// The code the rule documents for its violation, if it names one.
        error: Option<String>,
    },
}

impl Violation {
    /// The parameter the violation is about (the first one, for rules).
    pub fn param(&self) -> &str {
        match self {
            Violation::Missing { param }
            | Violation::MissingWhen { param, .. }
            | Violation::OutOfRange { param, .. }
            | Violation::NotInEnum { param, .. }
            | Violation::Length { param, .. }
            | Violation::Pattern { param, .. }
            | Violation::ItemCount { param, .. } => param,
            Violation::Rule { params, .. } => params.first().map(String::as_str).unwrap_or(""),
        }
    }

    /// Whether it is a missing parameter (dialects answer those with their own code).
    pub fn is_missing(&self) -> bool {
        matches!(
            self,
            Violation::Missing { .. } | Violation::MissingWhen { .. }
        )
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Violation::Missing { param } => write!(f, "the parameter {param} is required"),
            Violation::MissingWhen { param, condition } => {
                write!(f, "the parameter {param} is required when {condition}")
            }
            Violation::OutOfRange { param, value } => {
                write!(f, "the value {value} of {param} is out of range")
            }
            Violation::NotInEnum { param, value } => write!(
                f,
                "the value {value} of {param} is not one of the allowed values"
            ),
            Violation::Length { param, value } => {
                write!(f, "the length of {param} ({value}) is out of bounds")
            }
            Violation::Pattern { param, value } => {
                write!(f, "the value {value} of {param} has an invalid format")
            }
            Violation::ItemCount { param, count } => {
                write!(f, "{param} has {count} items, outside the allowed number")
            }
            Violation::Rule { description, .. } => write!(f, "{description}"),
        }
    }
}

/// Finds a named structure's fields.
pub type Structures<'a> = &'a dyn Fn(&str) -> Option<&'a [Param]>;

/// Validates `values` for `action`; on success returns them with the rewriting rules applied.
pub fn validate<'a>(
    action: &'a Action,
    values: &Map<String, Value>,
    structs: Structures<'a>,
) -> Result<Map<String, Value>, Vec<Violation>> {
    let mut out = Vec::new();
    check_params(&action.params, values, "", structs, &mut out);
    let mut normalised = values.clone();
    for rule in &action.rules {
        apply_rule(rule, &action.params, structs, &mut normalised, &mut out);
    }
    if out.is_empty() {
        Ok(normalised)
    } else {
        Err(out)
    }
}

fn check_params<'a>(
    params: &'a [Param],
    values: &Map<String, Value>,
    prefix: &str,
    structs: Structures<'a>,
    out: &mut Vec<Violation>,
) {
    for p in params {
        let name = || format!("{prefix}{}", p.name);
        match values.get(&p.name) {
            // Most parameters are optional and absent: no name is built for those.
            None | Some(Value::Null) if !p.required && p.required_when.is_none() => {}
            None | Some(Value::Null) => missing(p, values, &name(), out),
            Some(v) => check_value(p, v, &name(), structs, out),
        }
    }
}

fn missing(p: &Param, values: &Map<String, Value>, name: &str, out: &mut Vec<Violation>) {
    if p.required {
        out.push(Violation::Missing {
            param: name.to_string(),
        });
    } else if let Some(c) = &p.required_when {
        if holds(c, values, &[]) == Some(true) {
            out.push(Violation::MissingWhen {
                param: name.to_string(),
                condition: describe(c),
            });
        }
    }
}

fn describe(c: &Condition) -> String {
    match &c.param {
        Some(p) if !c.one_of.is_empty() => {
            let vals: Vec<String> = c.one_of.iter().map(text).collect();
            format!("{p} is {}", vals.join(" or "))
        }
        Some(p) => format!("{p} is given"),
        None => c.text.clone(),
    }
}

/// Whether a condition holds; `None` when only its text can say (not enforced). A parameter
/// left out counts with its documented default, when `params` give one.
pub fn holds(c: &Condition, values: &Map<String, Value>, params: &[Param]) -> Option<bool> {
    let name = c.param.as_deref()?;
    let default = params
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.default.as_ref());
    let v = lookup(values, name).or(default);
    Some(match v {
        None | Some(Value::Null) => false,
        Some(v) if !c.one_of.is_empty() => c.one_of.iter().any(|want| text(want) == text(v)),
        Some(_) => true,
    })
}

/// Two conditions together: false when either is false, unknown when either cannot say.
fn both(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn check_value<'a>(
    p: &'a Param,
    v: &Value,
    name: &str,
    structs: Structures<'a>,
    out: &mut Vec<Violation>,
) {
    match v {
        Value::Array(items) if matches!(p.ty, ParamType::Array | ParamType::Json) => {
            let n = items.len();
            if p.min_items.is_some_and(|lo| (n as u64) < lo)
                || p.max_items.is_some_and(|hi| (n as u64) > hi)
            {
                out.push(Violation::ItemCount {
                    param: name.to_string(),
                    count: n,
                });
            }
            for (i, it) in items.iter().enumerate() {
                check_item(p, it, &format!("{name}.{i}"), structs, out);
            }
        }
        Value::Object(m) => check_params(fields(p, structs), m, &format!("{name}."), structs, out),
        scalar => check_scalar(p, scalar, name, out),
    }
}

fn check_item<'a>(
    p: &'a Param,
    it: &Value,
    name: &str,
    structs: Structures<'a>,
    out: &mut Vec<Violation>,
) {
    match it {
        Value::Object(m) => check_params(fields(p, structs), m, &format!("{name}."), structs, out),
        scalar => check_scalar(p, scalar, name, out),
    }
}

/// A structured parameter's fields, borrowed from the spec (inline, or its named structure).
fn fields<'a>(p: &'a Param, structs: Structures<'a>) -> &'a [Param] {
    if !p.fields.is_empty() {
        return &p.fields;
    }
    p.structure.as_deref().and_then(structs).unwrap_or(&[])
}

fn check_scalar(p: &Param, v: &Value, name: &str, out: &mut Vec<Violation>) {
    let special = p.special.iter().any(|s| text(&s.value) == text(v));
    if special {
        return;
    }
    if let Some(x) = v.as_f64() {
        let lo = p.min.as_ref().and_then(|n| n.as_f64());
        let hi = p.max.as_ref().and_then(|n| n.as_f64());
        if lo.is_some_and(|lo| x < lo) || hi.is_some_and(|hi| x > hi) {
            out.push(Violation::OutOfRange {
                param: name.to_string(),
                value: text(v),
            });
            return;
        }
    }
    if !p.enum_values.is_empty() && !p.bitmask && !in_enum(p, v) {
        out.push(Violation::NotInEnum {
            param: name.to_string(),
            value: text(v),
        });
        return;
    }
    if let Value::String(s) = v {
        let n = s.chars().count() as u64;
        if p.min_length.is_some_and(|lo| n < lo) || p.max_length.is_some_and(|hi| n > hi) {
            out.push(Violation::Length {
                param: name.to_string(),
                value: n.to_string(),
            });
            return;
        }
        if let Some(pat) = &p.pattern {
            if !matches_pattern(pat, s) {
                out.push(Violation::Pattern {
                    param: name.to_string(),
                    value: s.clone(),
                });
            }
        }
    }
}

/// Enum membership; a documented comma-separated list of enum values (HealthCheckHttpCode
/// `http_2xx,http_3xx`) is a member when each of its parts is.
fn in_enum(p: &Param, v: &Value) -> bool {
    let t = text(v);
    let member = |s: &str| p.enum_values.iter().any(|e| text(e) == s);
    member(&t) || (t.contains(',') && p.ty == ParamType::String && t.split(',').all(member))
}

/// Patterns are compiled once; one that does not compile was reported by `spec check` and is
/// not enforced here.
pub fn matches_pattern(pattern: &str, s: &str) -> bool {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Regex>>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let re = cache
        .entry(pattern.to_string())
        .or_insert_with(|| Regex::new(pattern).ok());
    re.as_ref().is_none_or(|re| re.is_match(s))
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value by a dotted path; the first item of a list stands for the list.
fn lookup<'v>(values: &'v Map<String, Value>, path: &str) -> Option<&'v Value> {
    let (head, rest) = path
        .split_once('.')
        .map_or((path, None), |(h, r)| (h, Some(r)));
    let v = values.get(head)?;
    match (rest, v) {
        (None, v) => Some(v),
        (Some(r), Value::Object(m)) => lookup(m, r),
        (Some(r), Value::Array(items)) => items
            .iter()
            .find_map(|it| it.as_object().and_then(|m| lookup(m, r))),
        _ => None,
    }
}

/// The objects holding the last segment of `path`, each a scope a rule compares within (the
/// root, `HealthCheck`, each item of `listeners`).
fn scopes<'v>(
    values: &'v mut Map<String, Value>,
    prefix: &[&str],
) -> Vec<&'v mut Map<String, Value>> {
    let Some((head, rest)) = prefix.split_first() else {
        return vec![values];
    };
    match values.get_mut(*head) {
        Some(Value::Object(m)) => scopes(m, rest),
        Some(Value::Array(items)) => items
            .iter_mut()
            .filter_map(Value::as_object_mut)
            .flat_map(|m| scopes(m, rest))
            .collect(),
        _ => Vec::new(),
    }
}

/// The parameter or structure field a dotted path names (`HealthCheck.TimeOut`; list indexes
/// such as `Rules.0.Url` are skipped).
pub fn param_at<'a>(params: &'a [Param], path: &str, structs: Structures<'a>) -> Option<&'a Param> {
    let mut scope = params;
    let mut found = None;
    for seg in path.split('.').filter(|s| s.parse::<usize>().is_err()) {
        let p = scope.iter().find(|p| p.name == seg)?;
        scope = fields(p, structs);
        found = Some(p);
    }
    found
}

/// Whether some documented value of `p` could stand on the given side of a comparison with
/// `x` (`below`: p < x, or p <= x when `or_equal`; else p > x, or p >= x).
fn some_value_compares(p: Option<&Param>, x: f64, below: bool, or_equal: bool) -> bool {
    let bound = p.and_then(|p| {
        if below {
            p.min.as_ref()
        } else {
            p.max.as_ref()
        }
    });
    match bound.and_then(|n| n.as_f64()) {
        None => true,
        Some(b) if below => b < x || (or_equal && b == x),
        Some(b) => b > x || (or_equal && b == x),
    }
}

fn apply_rule<'a>(
    rule: &Rule,
    params: &'a [Param],
    structs: Structures<'a>,
    values: &mut Map<String, Value>,
    out: &mut Vec<Violation>,
) {
    let violation = |params: Vec<String>| Violation::Rule {
        kind: rule.kind,
        params,
        description: rule.description.clone(),
        error: rule.error.clone(),
    };
    match rule.kind {
        RuleKind::LessThan | RuleKind::LessEqual | RuleKind::RaiseToAtLeast => {
            let (Some(a), Some(b)) = (rule.param.as_deref(), rule.others.first()) else {
                return;
            };
            let (pa, la) = split_last(a);
            let (pb, lb) = split_last(b);
            if pa != pb {
                return; // Comparisons across different structures are not expressible yet.
            }
            let strict = rule.kind == RuleKind::LessThan;
            for scope in scopes(values, &pa) {
                let (x, y) = (
                    scope.get(la).and_then(number),
                    scope.get(lb).and_then(number),
                );
                // One side left out keeps a value (the default, or what a modify leaves) that
                // is not known here; the request is refused only when no documented value of
                // that side could satisfy the rule (IntervalTime 2 with TimeOut at least 2).
                let unsatisfiable = match (x, y) {
                    (Some(x), None) => {
                        !some_value_compares(param_at(params, b, structs), x, false, !strict)
                    }
                    (None, Some(y)) => {
                        !some_value_compares(param_at(params, a, structs), y, true, !strict)
                    }
                    _ => false,
                };
                if unsatisfiable && rule.kind != RuleKind::RaiseToAtLeast {
                    out.push(violation(vec![a.to_string(), b.clone()]));
                }
                let (Some(x), Some(y)) = (x, y) else {
                    continue;
                };
                match rule.kind {
                    RuleKind::LessThan if x >= y => {
                        out.push(violation(vec![a.to_string(), b.clone()]))
                    }
                    RuleKind::LessEqual if x > y => {
                        out.push(violation(vec![a.to_string(), b.clone()]))
                    }
                    RuleKind::RaiseToAtLeast if x < y => {
                        let raised = scope[lb].clone();
                        scope.insert(la.to_string(), raised);
                    }
                    _ => {}
                }
            }
        }
        RuleKind::AllowedOnlyWhen | RuleKind::ForbiddenWhen => {
            let (Some(p), Some(c)) = (rule.param.as_deref(), &rule.when) else {
                return;
            };
            let given = lookup(values, p).is_some_and(|v| {
                !v.is_null()
                    && (rule.param_in.is_empty()
                        || rule.param_in.iter().any(|w| text(w) == text(v)))
            });
            let also = rule.also_when.as_ref().map(|a| holds(a, values, params));
            let cond = both(holds(c, values, params), also.unwrap_or(Some(true)));
            let broken = match rule.kind {
                RuleKind::AllowedOnlyWhen => given && cond == Some(false),
                _ => given && cond == Some(true),
            };
            if broken {
                out.push(violation(vec![p.to_string()]));
            }
        }
        RuleKind::MutuallyExclusive | RuleKind::AtLeastOneOf => {
            let given: Vec<String> = rule
                .others
                .iter()
                .filter(|o| lookup(values, o).is_some_and(|v| !v.is_null()))
                .cloned()
                .collect();
            let broken = match rule.kind {
                RuleKind::MutuallyExclusive => given.len() > 1,
                _ => given.is_empty(),
            };
            if broken {
                out.push(violation(if given.is_empty() {
                    rule.others.clone()
                } else {
                    given
                }));
            }
        }
        RuleKind::Text => {}
    }
}

fn split_last(path: &str) -> (Vec<&str>, &str) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().unwrap_or("");
    (parts, last)
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn action(src: &str) -> Action {
        let head = "name = \"A\"\nresource = \"r\"\nsource = { file = \"f\", section = \"s\" }\n";
        toml::from_str(&format!("{head}{src}")).unwrap()
    }

    fn none(_: &str) -> Option<&'static [Param]> {
        None
    }

    fn run(a: &Action, v: Value) -> Result<Map<String, Value>, Vec<Violation>> {
        validate(a, v.as_object().unwrap(), &|n| none(n))
    }

    #[test]
    fn required_ranges_enums_lengths_and_patterns() {
        let a = action(
            r#"
[[params]]
name = "ListenerPort"
type = "integer"
required = true
min = 1
max = 65535
[[params]]
name = "HealthCheckConnectPort"
type = "integer"
min = 1
max = 65535
special = [{ value = -520, meaning = "the backend port" }]
[[params]]
name = "HealthCheckHttpCode"
type = "string"
enum = ["http_2xx", "http_3xx", "http_4xx", "http_5xx"]
[[params]]
name = "Cookie"
type = "string"
max_length = 5
pattern = '^[A-Za-z0-9]+$'
"#,
        );
        assert!(run(&a, json!({"ListenerPort": 1})).is_ok());
        assert!(run(&a, json!({"ListenerPort": 65535, "HealthCheckConnectPort": -520, "HealthCheckHttpCode": "http_2xx,http_3xx"})).is_ok());
        assert_eq!(
            run(&a, json!({})).unwrap_err(),
            vec![Violation::Missing {
                param: "ListenerPort".into()
            }]
        );
        assert!(matches!(
            &run(&a, json!({"ListenerPort": 0})).unwrap_err()[0],
            Violation::OutOfRange { .. }
        ));
        assert!(matches!(
            &run(&a, json!({"ListenerPort": 65536})).unwrap_err()[0],
            Violation::OutOfRange { .. }
        ));
        assert!(matches!(
            &run(
                &a,
                json!({"ListenerPort": 80, "HealthCheckConnectPort": -521})
            )
            .unwrap_err()[0],
            Violation::OutOfRange { .. }
        ));
        assert!(matches!(
            &run(
                &a,
                json!({"ListenerPort": 80, "HealthCheckHttpCode": "http_6xx"})
            )
            .unwrap_err()[0],
            Violation::NotInEnum { .. }
        ));
        assert!(matches!(
            &run(&a, json!({"ListenerPort": 80, "Cookie": "abcdef"})).unwrap_err()[0],
            Violation::Length { .. }
        ));
        assert!(matches!(
            &run(&a, json!({"ListenerPort": 80, "Cookie": "a;b"})).unwrap_err()[0],
            Violation::Pattern { .. }
        ));
    }

    #[test]
    fn required_when_follows_its_condition() {
        let a = action(
            r#"
[[params]]
name = "StickySessionType"
type = "string"
[[params]]
name = "Cookie"
type = "string"
required_when = { param = "StickySessionType", in = ["server"] }
"#,
        );
        assert!(run(&a, json!({"StickySessionType": "insert"})).is_ok());
        assert!(matches!(
            &run(&a, json!({"StickySessionType": "server"})).unwrap_err()[0],
            Violation::MissingWhen { .. }
        ));
        assert!(run(&a, json!({"StickySessionType": "server", "Cookie": "c"})).is_ok());
    }

    #[test]
    fn rules_compare_raise_and_gate_parameters() {
        let a = action(
            r#"
[[params]]
name = "HealthCheckTimeout"
type = "integer"
[[params]]
name = "HealthCheckInterval"
type = "integer"
[[params]]
name = "HealthCheck"
type = "object"
[[params.fields]]
name = "TimeOut"
type = "integer"
[[params.fields]]
name = "IntervalTime"
type = "integer"
[[params]]
name = "Cookie"
type = "string"
[[params]]
name = "StickySessionType"
type = "string"
[[rules]]
kind = "raise_to_at_least"
param = "HealthCheckTimeout"
others = ["HealthCheckInterval"]
description = "timeout below interval becomes the interval"
[[rules]]
kind = "less_than"
param = "HealthCheck.TimeOut"
others = ["HealthCheck.IntervalTime"]
description = "TimeOut must be less than IntervalTime"
[[rules]]
kind = "allowed_only_when"
param = "Cookie"
when = { param = "StickySessionType", in = ["server"] }
description = "Cookie only with the server cookie type"
"#,
        );
        let ok = run(
            &a,
            json!({"HealthCheckTimeout": 2, "HealthCheckInterval": 5}),
        )
        .unwrap();
        assert_eq!(ok["HealthCheckTimeout"], json!(5), "raised to the interval");
        assert!(run(
            &a,
            json!({"HealthCheck": {"TimeOut": 2, "IntervalTime": 5}})
        )
        .is_ok());
        let e = run(
            &a,
            json!({"HealthCheck": {"TimeOut": 5, "IntervalTime": 5}}),
        )
        .unwrap_err();
        assert!(matches!(
            &e[0],
            Violation::Rule {
                kind: RuleKind::LessThan,
                ..
            }
        ));
        assert!(run(&a, json!({"Cookie": "c", "StickySessionType": "server"})).is_ok());
        assert!(matches!(
            &run(&a, json!({"Cookie": "c", "StickySessionType": "insert"})).unwrap_err()[0],
            Violation::Rule {
                kind: RuleKind::AllowedOnlyWhen,
                ..
            }
        ));
    }

    #[test]
    fn a_comparison_with_one_side_left_out_fails_only_when_no_value_could_satisfy_it() {
        let a = action(
            r#"
[[params]]
name = "HealthCheck"
type = "object"
[[params.fields]]
name = "TimeOut"
type = "integer"
min = 2
max = 60
[[params.fields]]
name = "IntervalTime"
type = "integer"
min = 2
max = 300
[[rules]]
kind = "less_than"
param = "HealthCheck.TimeOut"
others = ["HealthCheck.IntervalTime"]
description = "TimeOut must be less than IntervalTime"
"#,
        );
        let hc = |v: Value| run(&a, json!({ "HealthCheck": v }));
        let e = hc(json!({"IntervalTime": 2})).unwrap_err();
        assert!(
            matches!(&e[0], Violation::Rule { params, .. } if params.len() == 2),
            "no TimeOut of 2-60 is below 2: {e:?}"
        );
        assert!(hc(json!({"IntervalTime": 3})).is_ok(), "TimeOut 2 would do");
        assert!(
            hc(json!({"TimeOut": 60})).is_ok(),
            "an IntervalTime above 60 exists"
        );
        assert!(hc(json!({"TimeOut": 60, "IntervalTime": 61})).is_ok());
    }

    #[test]
    fn a_rule_can_apply_to_one_value_and_conditions_use_defaults() {
        let a = action(
            r#"
[[params]]
name = "Protocol"
type = "string"
[[params]]
name = "Scheduler"
type = "string"
default = "WRR"
[[params]]
name = "SessionType"
type = "string"
[[rules]]
kind = "allowed_only_when"
param = "SessionType"
param_in = ["QUIC_CID"]
when = { param = "Protocol", in = ["UDP"] }
description = "QUIC_CID only with UDP"
[[rules]]
kind = "allowed_only_when"
param = "SessionType"
param_in = ["QUIC_CID"]
when = { param = "Scheduler", in = ["WRR"] }
description = "QUIC_CID only with WRR"
"#,
        );
        assert!(run(&a, json!({"Protocol": "TCP", "SessionType": "NORMAL"})).is_ok());
        assert!(
            run(&a, json!({"Protocol": "UDP", "SessionType": "QUIC_CID"})).is_ok(),
            "Scheduler defaults to WRR"
        );
        let e = run(&a, json!({"Protocol": "TCP", "SessionType": "QUIC_CID"})).unwrap_err();
        assert_eq!(e.len(), 1);
        let e = run(
            &a,
            json!({"Protocol": "UDP", "Scheduler": "LEAST_CONN", "SessionType": "QUIC_CID"}),
        )
        .unwrap_err();
        assert!(
            matches!(&e[0], Violation::Rule { description, .. } if description.contains("WRR"))
        );
    }

    #[test]
    fn list_items_and_counts_are_checked() {
        let a = action(
            r#"
[[params]]
name = "BackendServers"
type = "json"
max_items = 2
[[params.fields]]
name = "ServerId"
type = "string"
required = true
[[params.fields]]
name = "Weight"
type = "integer"
min = 0
max = 100
"#,
        );
        assert!(run(
            &a,
            json!({"BackendServers": [{"ServerId": "i-1", "Weight": 0}]})
        )
        .is_ok());
        let e = run(&a, json!({"BackendServers": [{"Weight": 101}]})).unwrap_err();
        assert_eq!(
            e[0],
            Violation::Missing {
                param: "BackendServers.0.ServerId".into()
            }
        );
        assert!(matches!(&e[1], Violation::OutOfRange { .. }));
        let three =
            json!({"BackendServers": [{"ServerId": "a"}, {"ServerId": "b"}, {"ServerId": "c"}]});
        assert!(matches!(
            &run(&a, three).unwrap_err()[0],
            Violation::ItemCount { count: 3, .. }
        ));
    }
}
