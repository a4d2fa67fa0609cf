//! Sweep mode: run one scenario over the grid of its `[[sweep]]` axes and tabulate the results
//! in a CSV, for comparing schedulers and health-check settings.

use std::fmt::Write as _;

use anyhow::{bail, Context, Result};

use super::checks::{run_checks, Status};
use super::health::TimeoutRule;
use super::scenario::Scenario;
use super::simulation::{run, RunOptions};

/// Sets a dotted key (`listener.health_check.interval_s`, `backends.0.weight`) in a scenario.
pub fn set_key(s: &Scenario, key: &str, v: &toml::Value) -> Result<Scenario> {
    let mut root = toml::Value::try_from(s).context("scenario to TOML")?;
    let mut cur = &mut root;
    let parts: Vec<&str> = key.split('.').collect();
    for (i, p) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        cur = match cur {
            toml::Value::Table(t) => {
                if last {
                    t.insert(p.to_string(), v.clone());
                    break;
                }
                t.get_mut(*p)
                    .with_context(|| format!("sweep key `{key}`: no `{p}`"))?
            }
            toml::Value::Array(a) => {
                let i: usize = p.parse().with_context(|| format!("sweep key `{key}`"))?;
                let len = a.len();
                let slot = a
                    .get_mut(i)
                    .with_context(|| format!("sweep key `{key}`: index {i} of {len}"))?;
                if last {
                    *slot = v.clone();
                    break;
                }
                slot
            }
            _ => bail!("sweep key `{key}`: `{p}` is not a table"),
        };
    }
    let s: Scenario = root
        .try_into()
        .with_context(|| format!("after setting `{key}`"))?;
    Ok(s)
}

/// Every grid point, in row-major order of the axes.
pub fn grid(s: &Scenario) -> Result<Vec<(Vec<String>, Scenario)>> {
    let mut points = vec![(vec![], s.clone())];
    for axis in &s.sweep {
        let mut next = vec![];
        for (labels, sc) in &points {
            for v in &axis.values {
                let mut l = labels.clone();
                l.push(v.to_string().trim_matches('"').to_string());
                next.push((l, set_key(sc, &axis.key, v)?));
            }
        }
        points = next;
    }
    Ok(points)
}

/// Runs the grid; returns the CSV and whether every check passed everywhere.
pub fn sweep(
    s: &Scenario,
    seed: Option<u64>,
    rule: TimeoutRule,
    mut progress: impl FnMut(usize, usize),
) -> Result<(String, bool)> {
    let points = grid(s)?;
    let mut csv = String::new();
    for a in &s.sweep {
        let _ = write!(csv, "{},", a.key);
    }
    csv.push_str(
        "events,arrivals,mean_response_ms,lost,detections,min_detection_s,max_detection_s",
    );
    for c in &s.checks.enabled {
        let _ = write!(csv, ",{c}");
    }
    csv.push('\n');
    let mut all = true;
    for (i, (labels, sc)) in points.iter().enumerate() {
        progress(i, points.len());
        let mut o = RunOptions::for_scenario(sc);
        o.timeout_rule = rule;
        let out = run(sc, seed, o)?;
        let checks = run_checks(sc, &out);
        let lost: u64 = out.backends.iter().map(|b| b.lost).sum();
        let det: Vec<f64> = out
            .faults
            .iter()
            .filter_map(|f| {
                out.transitions
                    .iter()
                    .find(|t| t.backend == f.backend && !t.healthy && t.t >= f.from)
                    .map(|t| (t.t - f.from) as f64 / 1e9)
            })
            .collect();
        for l in labels {
            let _ = write!(csv, "{l},");
        }
        let _ = write!(
            csv,
            "{},{},{:.4},{},{},{:.4},{:.4}",
            out.events,
            out.arrivals,
            out.mean_response_ns() / 1e6,
            lost,
            det.len(),
            det.iter().cloned().fold(f64::NAN, f64::min),
            det.iter().cloned().fold(f64::NAN, f64::max)
        );
        for c in &checks {
            all &= c.status != Status::Fail;
            let _ = write!(
                csv,
                ",{}",
                match c.status {
                    Status::Pass => "pass",
                    Status::Fail => "fail",
                    Status::Skip => "skip",
                }
            );
        }
        csv.push('\n');
    }
    progress(points.len(), points.len());
    Ok((csv, all))
}
