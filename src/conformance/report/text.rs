//! The readable summary: totals per dialect and per feature, then each failure with the
//! request and the answer, then coverage.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::Report;
use crate::conformance::runner::Outcome;

#[derive(Default)]
struct Tally {
    pass: usize,
    fail: usize,
    expected: usize,
    skip: usize,
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let mut by_dialect: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut by_feature: BTreeMap<(&str, &str), Tally> = BTreeMap::new();
    for c in &r.cases {
        let add = |t: &mut Tally| match c.outcome {
            Outcome::Pass => t.pass += 1,
            Outcome::Skip => t.skip += 1,
            Outcome::Fail if c.expected_failure => t.expected += 1,
            Outcome::Fail => t.fail += 1,
        };
        add(by_dialect.entry(&c.dialect).or_default());
        for f in &c.features {
            add(by_feature.entry((&c.dialect, f)).or_default());
        }
    }
    let _ = writeln!(out, "lbconform run against {} (seed {})", r.target, r.seed);
    let _ = writeln!(
        out,
        "\n{:<34} {:>6} {:>6} {:>9} {:>6}",
        "dialect / feature", "pass", "fail", "expected", "skip"
    );
    for (d, t) in &by_dialect {
        let _ = writeln!(
            out,
            "{:<34} {:>6} {:>6} {:>9} {:>6}",
            d, t.pass, t.fail, t.expected, t.skip
        );
        for ((fd, f), t) in &by_feature {
            if fd == d {
                let _ = writeln!(
                    out,
                    "  {:<32} {:>6} {:>6} {:>9} {:>6}",
                    f, t.pass, t.fail, t.expected, t.skip
                );
            }
        }
    }
    let unexpected: Vec<_> = r.unexpected().collect();
    if !unexpected.is_empty() {
        let _ = writeln!(out, "\nFailures ({}):", unexpected.len());
    }
    for c in unexpected {
        let _ = writeln!(out, "\nFAIL {}", c.id);
        if let Some(f) = &c.failure {
            let _ = writeln!(
                out,
                "  step {}{}: {}",
                f.step,
                f.action
                    .as_ref()
                    .map(|a| format!(" ({a})"))
                    .unwrap_or_default(),
                f.message
            );
            if let Some(q) = &f.request {
                let _ = writeln!(out, "  request: {}", truncate(q, 600));
            }
            if let Some(a) = &f.answer {
                let _ = writeln!(
                    out,
                    "  answer:  HTTP {} {}",
                    a.http_status,
                    truncate(&a.raw, 600)
                );
            }
        }
    }
    if !r.summary.fixed.is_empty() {
        let _ = writeln!(
            out,
            "\nListed as expected failures but passed (remove them from the expect file):"
        );
        for id in &r.summary.fixed {
            let _ = writeln!(out, "  {id}");
        }
    }
    let _ = writeln!(out, "\nCoverage:");
    for d in &r.coverage.dialects {
        let _ = writeln!(
            out,
            "  {:<16} actions {}/{}  transitions {}/{}  param edges {}/{}  errors {}/{}",
            d.id,
            d.actions.exercised,
            d.actions.total,
            d.transitions.exercised,
            d.transitions.total,
            d.param_edges.exercised,
            d.param_edges.total,
            d.errors.exercised,
            d.errors.total
        );
    }
    let s = &r.summary;
    let _ = writeln!(
        out,
        "\n{} cases: {} passed, {} failed ({} expected, {} unexpected), {} skipped in {:.1} s",
        s.total,
        s.passed,
        s.failed,
        s.expected_failures,
        s.unexpected_failures,
        s.skipped,
        r.duration_ms as f64 / 1000.0
    );
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}...", s.chars().take(n).collect::<String>())
    }
}
