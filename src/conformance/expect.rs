//! `--expect FILE`: known failures by case id, each with its reason, so only new failures fail
//! the run.
//!
//! ```toml
//! [[failure]]
//! id = "slb/listener/http-lifecycle"
//! reason = "the emulator does not model CreateLoadBalancerHTTPSListener yet"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use super::runner::{CaseResult, Outcome};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    failure: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    #[serde(default)]
    reason: String,
}

/// Known failures: case id -> reason.
#[derive(Debug, Clone, Default)]
pub struct Expected(pub BTreeMap<String, String>);

impl Expected {
    pub fn load(path: &Path) -> Result<Expected> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let f: File =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        Ok(Expected(
            f.failure.into_iter().map(|e| (e.id, e.reason)).collect(),
        ))
    }

    /// Marks the expected failures in `results`; returns the ids listed that passed (fixed).
    pub fn apply(&self, results: &mut [CaseResult]) -> Vec<String> {
        let mut fixed = Vec::new();
        for r in results {
            if self.0.contains_key(&r.id) {
                match r.outcome {
                    Outcome::Fail => r.expected_failure = true,
                    Outcome::Pass => fixed.push(r.id.clone()),
                    Outcome::Skip => {}
                }
            }
        }
        fixed
    }

    /// Renders an expect file listing `results`' failures (to start or refresh one).
    pub fn render(results: &[CaseResult]) -> String {
        let mut out = String::from("# Known failures: lbconform run --expect this-file\n");
        for r in results.iter().filter(|r| r.outcome == Outcome::Fail) {
            let why = r
                .failure
                .as_ref()
                .map(|f| f.message.replace('"', "'").replace('\n', " "))
                .unwrap_or_default();
            let why: String = why.chars().take(200).collect();
            out.push_str(&format!(
                "\n[[failure]]\nid = \"{}\"\nreason = \"{}\"\n",
                r.id,
                why.replace('\\', "\\\\")
            ));
        }
        out
    }
}
