//! `lbconform gate --baseline A.json --current B.json`: a regression is a case that passed in A
//! and fails (or is gone) in B, or a coverage category that exercises fewer items in B.

use super::report::Report;
use super::runner::Outcome;

/// The regressions of `current` against `baseline`, one line each.
pub fn regressions(baseline: &Report, current: &Report) -> Vec<String> {
    let mut out = Vec::new();
    for b in baseline.cases.iter().filter(|c| c.outcome == Outcome::Pass) {
        match current.cases.iter().find(|c| c.id == b.id) {
            None => out.push(format!("{}: passed in the baseline, missing now", b.id)),
            Some(c) if c.outcome == Outcome::Fail => out.push(format!(
                "{}: passed in the baseline, fails now: {}",
                b.id,
                c.failure.as_ref().map(|f| f.message.as_str()).unwrap_or("")
            )),
            Some(c) if c.outcome == Outcome::Skip => out.push(format!(
                "{}: passed in the baseline, skipped now: {}",
                b.id,
                c.reason.as_deref().unwrap_or("")
            )),
            Some(_) => {}
        }
    }
    for bd in &baseline.coverage.dialects {
        let Some(cd) = current.coverage.dialects.iter().find(|d| d.id == bd.id) else {
            out.push(format!("coverage: dialect {} is no longer run", bd.id));
            continue;
        };
        for (name, b, c) in [
            ("actions", &bd.actions, &cd.actions),
            ("transitions", &bd.transitions, &cd.transitions),
            ("param edges", &bd.param_edges, &cd.param_edges),
            ("errors", &bd.errors, &cd.errors),
        ] {
            if c.exercised < b.exercised {
                out.push(format!(
                    "coverage: {} {name} exercised {} -> {}",
                    bd.id, b.exercised, c.exercised
                ));
            }
        }
    }
    out
}
