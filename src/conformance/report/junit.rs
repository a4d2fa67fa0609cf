//! JUnit XML: one `<testsuite>` per dialect, one `<testcase>` per case (classname
//! `dialect.feature`), `<failure>` with the request and answer, `<skipped>` with the reason.
//! An expected failure is reported as skipped with the reason "expected failure".

use std::collections::BTreeMap;
use std::fmt::Write;

use super::Report;
use crate::conformance::runner::{CaseResult, Outcome};

fn esc(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect::<String>()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn render(r: &Report) -> String {
    let mut by: BTreeMap<&str, Vec<&CaseResult>> = BTreeMap::new();
    for c in &r.cases {
        by.entry(&c.dialect).or_default().push(c);
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"lbconform\" tests=\"{}\" failures=\"{}\" time=\"{:.3}\">",
        r.summary.total,
        r.summary.unexpected_failures,
        r.duration_ms as f64 / 1000.0
    );
    for (d, cases) in by {
        let fails = cases
            .iter()
            .filter(|c| c.outcome == Outcome::Fail && !c.expected_failure)
            .count();
        let skips = cases.iter().filter(|c| c.outcome != Outcome::Pass).count() - fails;
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{fails}\" skipped=\"{skips}\">",
            esc(d),
            cases.len()
        );
        for c in cases {
            let class = format!(
                "{}.{}",
                c.dialect,
                c.features.first().map(String::as_str).unwrap_or("case")
            );
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
                esc(&c.id),
                esc(&class),
                c.duration_ms as f64 / 1000.0
            );
            match c.outcome {
                Outcome::Pass => out.push_str("/>\n"),
                Outcome::Skip => {
                    let _ = writeln!(
                        out,
                        "><skipped message=\"{}\"/></testcase>",
                        esc(c.reason.as_deref().unwrap_or(""))
                    );
                }
                Outcome::Fail if c.expected_failure => {
                    out.push_str("><skipped message=\"expected failure\"/></testcase>\n");
                }
                Outcome::Fail => {
                    let f = c.failure.as_ref();
                    let msg = f.map(|f| f.message.as_str()).unwrap_or("");
                    let mut detail = String::new();
                    if let Some(f) = f {
                        if let Some(q) = &f.request {
                            let _ = writeln!(detail, "request: {q}");
                        }
                        if let Some(a) = &f.answer {
                            let _ = writeln!(detail, "answer: HTTP {} {}", a.http_status, a.raw);
                        }
                    }
                    let _ = writeln!(
                        out,
                        "><failure message=\"{}\">{}</failure></testcase>",
                        esc(msg),
                        esc(&detail)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
