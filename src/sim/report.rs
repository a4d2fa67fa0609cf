//! Output: the check table, `metrics.json`, CSV time series.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::json;

use super::checks::{CheckResult, Status};
use super::simulation::Outcome;
use super::spec_link::{Finding, Verdict};

/// The printed table: spec findings, then checks, then per-backend figures.
pub fn table(o: &Outcome, findings: &[Finding], checks: &[CheckResult]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "scenario {} (seed {}, scheduler {}): {} events, {} arrivals, {} without a backend",
        o.scenario, o.seed, o.scheduler, o.events, o.arrivals, o.no_backend
    );
    let _ = writeln!(s, "\nspec validation");
    for f in findings {
        let v = match f.verdict {
            Verdict::Allowed => "ok",
            Verdict::NotAllowed => "NOT ALLOWED",
            Verdict::NotChecked => "not checked",
        };
        let _ = writeln!(s, "  {:<24} {:<12} {:<12} {}", f.item, f.value, v, f.detail);
    }
    let _ = writeln!(s, "\nchecks");
    let _ = writeln!(
        s,
        "  {:<22} {:<6} {:<34} {:<26} detail",
        "check", "result", "observed", "bound"
    );
    for c in checks {
        let r = match c.status {
            Status::Pass => "pass",
            Status::Fail => "FAIL",
            Status::Skip => "skip",
        };
        let _ = writeln!(
            s,
            "  {:<22} {:<6} {:<34} {:<26} {}",
            c.name, r, c.observed, c.bound, c.detail
        );
    }
    let _ = writeln!(s, "\nbackends");
    let _ = writeln!(
        s,
        "  {:<12} {:>6} {:>10} {:>10} {:>8} {:>8} {:>10} {:>8} {:>8}",
        "name", "weight", "picks", "completed", "lost", "rejected", "mean ms", "util", "max run"
    );
    let secs = o.duration_ns as f64;
    for b in &o.backends {
        let _ = writeln!(
            s,
            "  {:<12} {:>6} {:>10} {:>10} {:>8} {:>8} {:>10.3} {:>8.3} {:>8}",
            b.name,
            b.weight,
            b.picks,
            b.completed,
            b.lost,
            b.rejected,
            b.response_sum_ns / b.completed.max(1) as f64 / 1e6,
            b.busy_ns / secs,
            b.max_run
        );
    }
    s
}

/// `metrics.json`: everything measured, the checks and the spec findings. Ordered keys only,
/// so the same run gives the same bytes.
pub fn metrics_json(
    o: &Outcome,
    findings: &[Finding],
    checks: &[CheckResult],
) -> serde_json::Value {
    json!({
        "scenario": o.scenario,
        "seed": o.seed,
        "scheduler": o.scheduler,
        "duration_s": o.duration_ns as f64 / 1e9,
        "events": o.events,
        "arrivals": o.arrivals,
        "no_backend": o.no_backend,
        "mean_response_ms": o.mean_response_ns() / 1e6,
        "sticky": {"eligible": o.sticky_eligible, "hits": o.sticky_hits},
        "timing": o.timing,
        "backends": o.backends,
        "transitions": o.transitions,
        "faults": o.faults,
        "spec": findings,
        "checks": checks,
        "passed": checks.iter().all(|c| c.status != Status::Fail)
            && findings.iter().all(|f| f.verdict != Verdict::NotAllowed),
    })
}

pub fn write_all(
    dir: &Path,
    o: &Outcome,
    findings: &[Finding],
    checks: &[CheckResult],
) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let m = metrics_json(o, findings, checks);
    std::fs::write(
        dir.join("metrics.json"),
        serde_json::to_string_pretty(&m)? + "\n",
    )?;
    std::fs::write(dir.join("timeseries.csv"), timeseries_csv(o))?;
    std::fs::write(dir.join("probes.csv"), probes_csv(o))?;
    Ok(())
}

/// One row per window and backend: picks, requests per second, connections at the window end.
pub fn timeseries_csv(o: &Outcome) -> String {
    let mut s = String::from("t_s,backend,picks,rate_per_s,conns\n");
    let w = o.window_ns as f64 / 1e9;
    for (i, row) in o.window_picks.iter().enumerate() {
        for (b, &p) in row.iter().enumerate() {
            let _ = writeln!(
                s,
                "{:.3},{},{},{:.3},{}",
                (i as f64 + 1.0) * w,
                o.backends[b].name,
                p,
                p as f64 / w,
                o.window_conns[i][b]
            );
        }
    }
    s
}

pub fn probes_csv(o: &Outcome) -> String {
    let mut s = String::from("t_s,backend,ok\n");
    for p in &o.probes {
        let _ = writeln!(
            s,
            "{:.6},{},{}",
            p.t as f64 / 1e9,
            o.backends[p.backend as usize].name,
            p.ok
        );
    }
    s
}
