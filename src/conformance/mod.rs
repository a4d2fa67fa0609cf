//! The conformance suite: runs data-driven and generated cases against any implementation of
//! the four dialects, over HTTP with real signatures, and reports where it departs from the
//! documents. One concept per module:
//!
//! - [`target`]: the embedded emulator or a URL, credentials, whether admin endpoints exist;
//! - [`client`]: signed requests per dialect, answers parsed into one [`client::Answer`];
//! - [`case`]: the TOML case format of `suites/<dialect>/*.toml`;
//! - [`generate`]: parameter-edge, enum and omission cases generated from the spec;
//! - [`runner`]: runs cases (variables, captures, bounded polling, checks);
//! - [`report`]: text, JSON (stable schema), JUnit XML and coverage;
//! - [`expect`]: known failures (`--expect FILE`);
//! - [`gate`]: regressions between two JSON reports;
//! - [`cleanup`]: the run's name prefix, deleting what was created, `lbconform cleanup`;
//! - [`pattern`]: strings of a given length matching a documented pattern;
//! - [`normalise`]: redaction rules for snapshots, and JSON shapes;
//! - [`property`]: stateful property tests, the target beside the model, shrunk to a case;
//! - [`proxy`]: a fault-injecting reverse proxy, to prove the suite catches faults.

pub mod case;
pub mod cleanup;
pub mod client;
pub mod expect;
pub mod gate;
pub mod generate;
pub mod normalise;
pub mod pattern;
pub mod property;
pub mod proxy;
pub mod report;
pub mod runner;
pub mod target;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Result};
use regex::Regex;

use crate::spec::Spec;
use case::Case;
use report::{NotGenerated, Report};
use runner::{RunConfig, Runner};
use target::Target;

/// What to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// `all` or dialect ids.
    pub dialects: Vec<String>,
    pub suite: PathBuf,
    pub filter: Option<Regex>,
    pub expect: Option<PathBuf>,
    pub seed: u64,
    pub allow_billable: bool,
    /// Include the cases generated from the spec.
    pub generated: bool,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            dialects: vec!["all".into()],
            suite: case::default_suite_dir(),
            filter: None,
            expect: None,
            seed: 1,
            allow_billable: false,
            generated: true,
            progress: false,
        }
    }
}

/// The selected dialect ids; an unknown id is an error.
pub fn selected_dialects(spec: &Spec, wanted: &[String]) -> Result<Vec<String>> {
    if wanted.is_empty() || wanted.iter().any(|w| w == "all") {
        return Ok(spec.dialects.iter().map(|d| d.id().to_string()).collect());
    }
    for w in wanted {
        if spec.dialect(w).is_none() {
            bail!(
                "unknown dialect {w} (one of: all, {})",
                spec.dialects
                    .iter()
                    .map(|d| d.id())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    Ok(wanted.to_vec())
}

/// The cases of a run, hand-written first then generated, and the actions without a base.
pub fn select_cases(
    spec: &Spec,
    opts: &RunOptions,
    prefix: &str,
) -> Result<(Vec<Case>, Vec<NotGenerated>, Vec<String>)> {
    let dialects = selected_dialects(spec, &opts.dialects)?;
    let suite = case::load(&opts.suite)?;
    for c in &suite.cases {
        if spec.dialect(&c.dialect).is_none() {
            bail!("case {}: unknown dialect {}", c.id, c.dialect);
        }
    }
    let mut cases: Vec<Case> = suite.cases;
    let mut not_generated = Vec::new();
    if opts.generated {
        let g = generate::generate(spec, &suite.fixtures, prefix);
        cases.extend(g.cases);
        let edges = g
            .edges_not_generated
            .into_iter()
            .map(|(dialect, item, why)| {
                let action = item
                    .strip_prefix("param:")
                    .and_then(|i| i.split('.').next())
                    .unwrap_or_default()
                    .to_string();
                NotGenerated {
                    dialect,
                    action,
                    why,
                    item: Some(item),
                }
            });
        not_generated = g
            .not_covered
            .into_iter()
            .map(|(dialect, action, why)| NotGenerated {
                dialect,
                action,
                why,
                item: None,
            })
            .chain(edges)
            .filter(|n| dialects.contains(&n.dialect))
            .collect();
    }
    cases.retain(|c| dialects.contains(&c.dialect));
    if let Some(f) = &opts.filter {
        cases.retain(|c| f.is_match(&c.id));
    }
    Ok((cases, not_generated, dialects))
}

/// Runs the suite against `target` and builds the report (expected failures marked).
pub async fn run(spec: Arc<Spec>, target: &Target, opts: &RunOptions) -> Result<Report> {
    let mut config = RunConfig::new(opts.seed);
    config.allow_billable = opts.allow_billable;
    let (cases, not_generated, dialects) = select_cases(&spec, opts, &config.prefix)?;
    let expected = match &opts.expect {
        Some(p) => expect::Expected::load(p)?,
        None => expect::Expected::default(),
    };
    let runner = Runner::new(spec.clone(), target, config);
    let bar = opts.progress.then(|| {
        let b = indicatif::ProgressBar::new(cases.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let start = Instant::now();
    let progress = |r: &runner::CaseResult| {
        if let Some(b) = &bar {
            b.inc(1);
            if r.outcome == runner::Outcome::Fail {
                b.set_message(format!("last failure: {}", r.id));
            }
        }
    };
    let (mut results, interrupted) = runner::run_all(&runner, &cases, &progress).await;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if interrupted {
        bail!(
            "interrupted after {} of {} cases",
            results.len(),
            cases.len()
        );
    }
    let fixed = expected.apply(&mut results);
    let ran: Vec<(&str, &[String])> = results
        .iter()
        .map(|r| (r.dialect.as_str(), r.coverage.as_slice()))
        .collect();
    let unprovokable = report::coverage::load_not_provokable(&spec, &opts.suite)?;
    let coverage = report::coverage::compute(
        &spec,
        &dialects,
        &unprovokable,
        &not_generated,
        ran.into_iter(),
    );
    Ok(Report {
        schema: report::SCHEMA.into(),
        target: target.name.clone(),
        seed: opts.seed,
        duration_ms: start.elapsed().as_millis() as u64,
        dialects,
        summary: Report::summarise(&results, fixed),
        cases: results,
        coverage,
        not_generated,
    })
}

/// Static coverage: what the suite's cases (hand-written and generated) would exercise,
/// counted as a run counts it. `lbconform spec coverage` prints its missing items.
pub fn static_coverage(
    spec: &Spec,
    opts: &RunOptions,
) -> Result<(report::Coverage, Vec<NotGenerated>)> {
    let (cases, not_generated, dialects) = select_cases(spec, opts, "lbc-")?;
    let items: Vec<(String, Vec<String>)> = cases
        .iter()
        .map(|c| (c.dialect.clone(), c.coverage_items()))
        .collect();
    let unprovokable = report::coverage::load_not_provokable(spec, &opts.suite)?;
    let cov = report::coverage::compute(
        spec,
        &dialects,
        &unprovokable,
        &not_generated,
        items.iter().map(|(d, i)| (d.as_str(), i.as_slice())),
    );
    Ok((cov, not_generated))
}
