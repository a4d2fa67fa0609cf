//! Validation of a scenario against its dialect's spec: the scheduler name against the enum of
//! the listener actions' `Scheduler` / `scheduler` / `httpHash` parameters, health-check values
//! against the documented ranges, and the timeout rule (`raise_to_at_least` for Alibaba,
//! `less_than` for Tencent). A parameter the spec does not (yet) document is reported as not
//! checked, never as a pass.

use serde::Serialize;
use serde_json::Value;

use super::health::TimeoutRule;
use super::scenario::Scenario;
use crate::spec::{Dialect, Param, RuleKind, Spec};

pub const SCHEDULER_PARAMS: &[&str] = &["scheduler", "httphash"];
pub const INTERVAL_PARAMS: &[&str] = &["healthcheckinterval", "intervaltime"];
pub const TIMEOUT_PARAMS: &[&str] = &["healthchecktimeout", "healthcheckconnecttimeout", "timeout"];
pub const HEALTHY_PARAMS: &[&str] = &["healthythreshold", "healthnum"];
pub const UNHEALTHY_PARAMS: &[&str] = &["unhealthythreshold", "unhealthnum"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Allowed,
    NotAllowed,
    NotChecked,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub item: String,
    pub value: String,
    pub verdict: Verdict,
    pub detail: String,
}

/// Every parameter (recursively through fields and named structures) of the dialect's actions
/// whose lower-cased last name segment is in `names`: (where, param).
fn params<'a>(d: &'a Dialect, names: &[&str]) -> Vec<(String, &'a Param)> {
    fn walk<'a>(
        d: &'a Dialect,
        path: String,
        p: &'a Param,
        names: &[&str],
        depth: u32,
        out: &mut Vec<(String, &'a Param)>,
    ) {
        if names.contains(&p.name.to_ascii_lowercase().as_str()) {
            out.push((path.clone(), p));
        }
        if depth > 4 {
            return;
        }
        for f in &p.fields {
            walk(d, format!("{path}.{}", f.name), f, names, depth + 1, out);
        }
        if let Some(st) = p.structure.as_ref().and_then(|s| d.structures.get(s)) {
            for f in &st.fields {
                walk(d, format!("{path}.{}", f.name), f, names, depth + 1, out);
            }
        }
    }
    let mut out = vec![];
    for a in d.actions.values() {
        if !(a.name.contains("Listener") || a.name.contains("Rule") || a.name.contains("Probe")) {
            continue;
        }
        for p in &a.params {
            walk(d, format!("{}.{}", a.name, p.name), p, names, 0, &mut out);
        }
    }
    out
}

fn num(v: &Option<serde_json::Number>) -> Option<f64> {
    v.as_ref().and_then(|n| n.as_f64())
}

fn check_range(d: &Dialect, item: &str, names: &[&str], value: f64) -> Finding {
    let ps: Vec<_> = params(d, names)
        .into_iter()
        .filter(|(_, p)| p.min.is_some() || p.max.is_some())
        .collect();
    let shown = if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    };
    if ps.is_empty() {
        return Finding {
            item: item.into(),
            value: shown,
            verdict: Verdict::NotChecked,
            detail: format!("no documented range for {} in {}", names.join("/"), d.id()),
        };
    }
    let mut ranges: Vec<String> = vec![];
    let mut ok = false;
    for (w, p) in &ps {
        let (lo, hi) = (num(&p.min), num(&p.max));
        let r = format!(
            "{}..{}",
            lo.map(|x| x.to_string()).unwrap_or_default(),
            hi.map(|x| x.to_string()).unwrap_or_default()
        );
        if !ranges.iter().any(|x| x.starts_with(&r)) {
            ranges.push(format!("{r} ({w})"));
        }
        if lo.is_none_or(|l| value >= l) && hi.is_none_or(|h| value <= h) {
            ok = true;
        }
    }
    Finding {
        item: item.into(),
        value: shown,
        verdict: if ok {
            Verdict::Allowed
        } else {
            Verdict::NotAllowed
        },
        detail: format!("documented: {}", ranges.join("; ")),
    }
}

/// The dialect's timeout rule as the spec states it, and where; `None` when it is not stated.
pub fn timeout_rule(d: &Dialect) -> Option<(TimeoutRule, String)> {
    for a in d.actions.values() {
        for r in &a.rules {
            let last = |s: &str| s.rsplit('.').next().unwrap_or(s).to_ascii_lowercase();
            let Some(p) = &r.param else { continue };
            if !TIMEOUT_PARAMS.contains(&last(p).as_str()) {
                continue;
            }
            if !r
                .others
                .first()
                .is_some_and(|o| INTERVAL_PARAMS.contains(&last(o).as_str()))
            {
                continue;
            }
            let rule = match r.kind {
                RuleKind::RaiseToAtLeast => TimeoutRule::RaiseToInterval,
                RuleKind::LessThan => TimeoutRule::MustBeLess,
                _ => continue,
            };
            return Some((rule, format!("{}: {}", a.name, r.description)));
        }
    }
    None
}

/// The rule to simulate with: the spec's when it states one, else the dialect's built-in reading.
pub fn effective_rule(spec: Option<&Spec>, dialect: &str) -> (TimeoutRule, String) {
    match spec.and_then(|s| s.dialect(dialect)).and_then(timeout_rule) {
        Some((r, w)) => (r, format!("from the spec ({w})")),
        None => (
            TimeoutRule::builtin(dialect),
            "not in the spec; the documented reading built into lbconform".into(),
        ),
    }
}

/// Validates the scenario's scheduler and health-check settings against the dialect's spec.
pub fn validate(s: &Scenario, spec: Option<&Spec>) -> Vec<Finding> {
    let mut out = vec![];
    let Some(d) = spec.and_then(|sp| sp.dialect(&s.dialect)) else {
        out.push(Finding {
            item: "dialect".into(),
            value: s.dialect.clone(),
            verdict: Verdict::NotChecked,
            detail: if spec.is_none() {
                "the spec could not be loaded".into()
            } else {
                "the spec has no such dialect".into()
            },
        });
        return out;
    };
    // Scheduler name against the union of documented enums.
    let sched = &s.listener.scheduler;
    let ps = params(d, SCHEDULER_PARAMS);
    let mut values: Vec<String> = vec![];
    let mut wheres: Vec<String> = vec![];
    for (w, p) in &ps {
        for v in &p.enum_values {
            if let Value::String(x) = v {
                if !values.contains(x) {
                    values.push(x.clone());
                }
            }
        }
        if !p.enum_values.is_empty() && wheres.len() < 3 {
            wheres.push(w.clone());
        }
    }
    if sched == "external" || sched == "linear_wrr" {
        out.push(Finding {
            item: "scheduler".into(),
            value: sched.clone(),
            verdict: Verdict::NotChecked,
            detail: "a simulator-only scheduler, not a documented one".into(),
        });
    } else if values.is_empty() {
        out.push(Finding {
            item: "scheduler".into(),
            value: sched.clone(),
            verdict: Verdict::NotChecked,
            detail: format!("{} documents no scheduler enum (yet)", d.id()),
        });
    } else {
        let ok = values.iter().any(|v| v == sched);
        out.push(Finding {
            item: "scheduler".into(),
            value: sched.clone(),
            verdict: if ok {
                Verdict::Allowed
            } else {
                Verdict::NotAllowed
            },
            detail: format!(
                "documented: {} (e.g. {})",
                values.join(", "),
                wheres.join(", ")
            ),
        });
    }
    if let Some(hc) = &s.listener.health_check {
        out.push(check_range(d, "interval_s", INTERVAL_PARAMS, hc.interval_s));
        out.push(check_range(d, "timeout_s", TIMEOUT_PARAMS, hc.timeout_s));
        out.push(check_range(
            d,
            "healthy_threshold",
            HEALTHY_PARAMS,
            hc.healthy_threshold as f64,
        ));
        out.push(check_range(
            d,
            "unhealthy_threshold",
            UNHEALTHY_PARAMS,
            hc.unhealthy_threshold as f64,
        ));
        match timeout_rule(d) {
            Some((TimeoutRule::MustBeLess, w)) => out.push(Finding {
                item: "timeout_s < interval_s".into(),
                value: format!("{} < {}", hc.timeout_s, hc.interval_s),
                verdict: if hc.timeout_s < hc.interval_s {
                    Verdict::Allowed
                } else {
                    Verdict::NotAllowed
                },
                detail: w,
            }),
            Some((r, w)) => out.push(Finding {
                item: "timeout rule".into(),
                value: format!("{r:?}"),
                verdict: Verdict::Allowed,
                detail: w,
            }),
            None => out.push(Finding {
                item: "timeout rule".into(),
                value: "-".into(),
                verdict: Verdict::NotChecked,
                detail: "the spec states no timeout/interval rule".into(),
            }),
        }
    }
    out
}

/// Loads the spec for one scenario: the whole spec, or, when another dialect's files do not
/// load (the spec is being written), just this dialect's directory. `None` (with a warning on
/// stderr) when neither loads: every item is then "not checked".
pub fn load_for(dir: &std::path::Path, dialect: &str) -> Option<Spec> {
    match crate::spec::load(dir) {
        Ok(s) if s.dialect(dialect).is_some() => Some(s),
        first => match crate::spec::load::load_dialect(&dir.join(dialect)) {
            Ok(d) => Some(Spec { dialects: vec![d] }),
            Err(e) => {
                let why = first.err().map(|e| format!("{e:#}")).unwrap_or_default();
                eprintln!(
                    "warning: spec for {dialect} not loaded ({e:#}; {why}); spec validation is not checked"
                );
                None
            }
        },
    }
}
