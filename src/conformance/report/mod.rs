//! Reports of a run: a readable summary ([`text`]), JSON with a stable schema (this module),
//! JUnit XML ([`junit`]), and coverage ([`coverage`]).
//!
//! # The JSON report (schema `lbconform.report/v1`)
//!
//! ```text
//! {
//!   "schema": "lbconform.report/v1",
//!   "target": "embedded" | URL,
//!   "seed": u64, "duration_ms": u64,
//!   "dialects": [id, ...],                      // the dialects the run selected
//!   "summary": { "total", "passed", "failed", "skipped",
//!                "expected_failures",           // failed, and listed in --expect
//!                "unexpected_failures",         // failed, not listed: these fail the run
//!                "fixed": [id, ...] },          // listed in --expect, but passed
//!   "cases": [ { "id", "dialect", "features": [..], "generated": bool,
//!                "outcome": "pass" | "fail" | "skip", "reason": str | null,
//!                "expected_failure": bool, "duration_ms": u64,
//!                "coverage": ["action:X", "transition:r:a->b", "param:A.P:edge", "error:C"],
//!                "failure": null | { "step": n, "action": str | null, "message": str,
//!                                    "request": str | null,
//!                                    "answer": null | { "http_status", "code", "message", "raw" } } } ],
//!   "coverage": { "dialects": [ { "id",
//!                 "actions" | "transitions" | "param_edges" | "errors":
//!                     { "total", "exercised", "missing": [item, ...] } } ] },
//!   "not_generated": [ { "dialect", "action", "why",       // actions without a base request,
//!                        "item" } ]                         // and edges no case was made for
//! }
//! ```
//!
//! Fields are only ever added; a consumer must ignore keys it does not know.

pub mod coverage;
pub mod junit;
pub mod text;

use serde::{Deserialize, Serialize};

use super::runner::{CaseResult, Outcome};
pub use coverage::Coverage;

pub const SCHEMA: &str = "lbconform.report/v1";

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub total: usize,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub expected_failures: usize,
    pub unexpected_failures: usize,
    pub fixed: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NotGenerated {
    pub dialect: String,
    pub action: String,
    pub why: String,
    /// The parameter edge (`param:Action.Param:edge`) when one edge, not the whole action,
    /// has no case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub schema: String,
    pub target: String,
    pub seed: u64,
    pub duration_ms: u64,
    pub dialects: Vec<String>,
    pub summary: Summary,
    pub cases: Vec<CaseResult>,
    pub coverage: Coverage,
    #[serde(default)]
    pub not_generated: Vec<NotGenerated>,
}

impl Report {
    /// Counts the outcomes; `fixed` are the expected failures that passed.
    pub fn summarise(cases: &[CaseResult], fixed: Vec<String>) -> Summary {
        let count = |o: Outcome| cases.iter().filter(|c| c.outcome == o).count();
        let expected = cases
            .iter()
            .filter(|c| c.outcome == Outcome::Fail && c.expected_failure)
            .count();
        Summary {
            total: cases.len(),
            passed: count(Outcome::Pass),
            failed: count(Outcome::Fail),
            skipped: count(Outcome::Skip),
            expected_failures: expected,
            unexpected_failures: count(Outcome::Fail) - expected,
            fixed,
        }
    }

    pub fn unexpected(&self) -> impl Iterator<Item = &CaseResult> {
        self.cases
            .iter()
            .filter(|c| c.outcome == Outcome::Fail && !c.expected_failure)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> anyhow::Result<Report> {
        let r: Report = serde_json::from_str(text)?;
        if r.schema != SCHEMA {
            anyhow::bail!("report schema {} is not {SCHEMA}", r.schema);
        }
        Ok(r)
    }
}
