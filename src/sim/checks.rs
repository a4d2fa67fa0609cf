//! The checks a scenario names, each computed from its own configuration and reported with the
//! observed value and the bound.

use serde::Serialize;

use super::scenario::{FaultKind, Scenario};
use super::scheduler::{self, algorithm, wrr::smooth_run_bound, Algorithm, PickCtx};
use super::simulation::Outcome;
use super::workload::Client;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    /// Not applicable or not checkable (said why in `detail`).
    Skip,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub name: String,
    pub status: Status,
    pub observed: String,
    pub bound: String,
    pub detail: String,
}

impl CheckResult {
    fn new(name: &str, pass: bool, observed: String, bound: String, detail: String) -> Self {
        CheckResult {
            name: name.into(),
            status: if pass { Status::Pass } else { Status::Fail },
            observed,
            bound,
            detail,
        }
    }
    fn skip(name: &str, why: &str) -> Self {
        CheckResult {
            name: name.into(),
            status: Status::Skip,
            observed: "-".into(),
            bound: "-".into(),
            detail: why.into(),
        }
    }
}

pub const ALL: &[&str] = &[
    "share",
    "jain",
    "smoothness",
    "least_conn",
    "hash_stability",
    "detection_latency",
    "recovery_latency",
    "no_traffic_after_down",
    "lost_requests",
    "sticky",
];

/// Runs every check the scenario enables.
pub fn run_checks(s: &Scenario, o: &Outcome) -> Vec<CheckResult> {
    let mut out = vec![];
    for name in &s.checks.enabled {
        if name == "spec" {
            continue; // reported by spec_link
        }
        let r = match name.as_str() {
            "share" => share(s, o),
            "jain" => jain(s, o),
            "smoothness" => smoothness(o),
            "least_conn" => least_conn(s, o),
            "hash_stability" => hash_stability(s, o),
            "detection_latency" => latency(o, true),
            "recovery_latency" => latency(o, false),
            "no_traffic_after_down" => no_traffic(o),
            "lost_requests" => lost(s, o),
            "sticky" => sticky(s, o),
            other => CheckResult::new(
                other,
                false,
                "-".into(),
                "-".into(),
                format!("unknown check (known: {})", ALL.join(" ")),
            ),
        };
        out.push(r);
    }
    out
}

fn expected_shares(s: &Scenario, o: &Outcome) -> Vec<f64> {
    let rr = matches!(algorithm(&s.listener.scheduler), Ok(Algorithm::Rr));
    let w: Vec<f64> = o
        .backends
        .iter()
        .map(|b| {
            if b.weight == 0 {
                0.0
            } else if rr {
                1.0
            } else {
                b.weight as f64
            }
        })
        .collect();
    let t: f64 = w.iter().sum();
    w.iter().map(|x| x / t.max(1e-300)).collect()
}

/// Each backend's share of picks per window against its weight share (windows with faults or
/// too few picks are skipped).
pub fn share(s: &Scenario, o: &Outcome) -> CheckResult {
    let p = expected_shares(s, o);
    let mut worst: f64 = 0.0;
    let mut worst_at = (0, 0);
    let mut used = 0;
    // Only windows before the first fault or health transition: the weight share holds there.
    let calm_until = o
        .faults
        .iter()
        .map(|f| f.from)
        .chain(o.transitions.iter().map(|t| t.t))
        .min()
        .unwrap_or(u64::MAX);
    for (wi, w) in o.window_picks.iter().enumerate() {
        let tot: u64 = w.iter().map(|&x| x as u64).sum();
        if tot < 100 {
            continue;
        }
        let we = (wi as u64 + 1) * o.window_ns;
        if we > calm_until {
            continue;
        }
        used += 1;
        for (b, &x) in w.iter().enumerate() {
            if p[b] == 0.0 {
                if x > 0 {
                    worst = f64::INFINITY;
                    worst_at = (wi, b);
                }
                continue;
            }
            let e = ((x as f64 / tot as f64) - p[b]).abs() / p[b];
            if e > worst {
                worst = e;
                worst_at = (wi, b);
            }
        }
    }
    if used == 0 {
        return CheckResult::skip("share", "no undisturbed window with 100 picks or more");
    }
    CheckResult::new(
        "share",
        worst <= s.checks.share_max_rel_error,
        format!("max rel. error {worst:.4}"),
        format!("<= {}", s.checks.share_max_rel_error),
        format!(
            "over {used} windows; worst: backend {} in window {}",
            o.backends[worst_at.1].name, worst_at.0
        ),
    )
}

/// Jain's fairness index of picks normalised by expected share.
pub fn jain(s: &Scenario, o: &Outcome) -> CheckResult {
    let p = expected_shares(s, o);
    let x: Vec<f64> = o
        .backends
        .iter()
        .zip(&p)
        .filter(|(_, &p)| p > 0.0)
        .map(|(b, &p)| b.picks as f64 / p)
        .collect();
    let sum: f64 = x.iter().sum();
    let sq: f64 = x.iter().map(|v| v * v).sum();
    let j = if sq == 0.0 {
        0.0
    } else {
        sum * sum / (x.len() as f64 * sq)
    };
    CheckResult::new(
        "jain",
        j >= s.checks.jain_min,
        format!("{j:.5}"),
        format!(">= {}", s.checks.jain_min),
        "Jain's index of picks / expected share".into(),
    )
}

/// Longest run of one backend against the smooth-WRR bound `R < 2S/(S-w)`.
pub fn smoothness(o: &Outcome) -> CheckResult {
    let total: u64 = o.backends.iter().map(|b| b.weight as u64).sum();
    let mut fail = vec![];
    let mut worst = String::new();
    let mut worst_ratio = 0.0;
    for b in &o.backends {
        let Some(bound) = smooth_run_bound(b.weight as u64, total) else {
            continue;
        };
        let r = b.max_run as f64 / bound.max(1) as f64;
        if r >= worst_ratio {
            worst_ratio = r;
            worst = format!("{}: run {} (bound {bound})", b.name, b.max_run);
        }
        if b.max_run > bound {
            fail.push(b.name.clone());
        }
    }
    CheckResult::new(
        "smoothness",
        fail.is_empty(),
        worst,
        "run < 2S/(S-w)".into(),
        if fail.is_empty() {
            "every backend within the smooth-WRR bound".into()
        } else {
            format!("over the bound: {}", fail.join(", "))
        },
    )
}

pub fn least_conn(s: &Scenario, o: &Outcome) -> CheckResult {
    if !matches!(
        algorithm(&s.listener.scheduler),
        Ok(Algorithm::Wlc | Algorithm::LeastConn)
    ) {
        return CheckResult::skip("least_conn", "the scheduler is not a least-connection one");
    }
    let v: u64 = o.backends.iter().map(|b| b.least_conn_violations).sum();
    let picks: u64 = o.backends.iter().map(|b| b.picks).sum();
    CheckResult::new(
        "least_conn",
        v == 0,
        format!("{v} of {picks} picks not the least loaded"),
        "0".into(),
        "each pick had the minimum connections / weight among eligible backends".into(),
    )
}

/// Share of client keys remapped when one backend leaves, against its ideal 1/n.
pub fn hash_stability(s: &Scenario, o: &Outcome) -> CheckResult {
    let Ok(mut sched) = scheduler::build(&s.listener.scheduler, None) else {
        return CheckResult::skip("hash_stability", "scheduler cannot be rebuilt offline");
    };
    if sched.key_kind() == scheduler::KeyKind::None {
        return CheckResult::skip("hash_stability", "the scheduler does not hash");
    }
    let n = o.backends.len();
    if n < 2 {
        return CheckResult::skip("hash_stability", "needs two backends or more");
    }
    let weights: Vec<u32> = o.backends.iter().map(|b| b.weight).collect();
    let mut el: Vec<bool> = weights.iter().map(|&w| w > 0).collect();
    let conns = vec![0; n];
    let keys: Vec<u64> = (0..100_000u32)
        .map(|i| {
            let c = Client::new(i);
            match sched.key_kind() {
                scheduler::KeyKind::QuicCid => c.cid,
                scheduler::KeyKind::IquicBytes => (c.cid >> 40) & 0xFF_FFFF,
                _ => c.src_ip as u64,
            }
        })
        .collect();
    sched.rebuild(&weights, &el);
    let before: Vec<Option<usize>> = keys
        .iter()
        .map(|&k| {
            sched.pick(&PickCtx {
                conns: &conns,
                key: k,
            })
        })
        .collect();
    let gone = el.iter().position(|&e| e).unwrap_or(0);
    el[gone] = false;
    let live = el.iter().filter(|&&e| e).count() + 1;
    sched.rebuild(&weights, &el);
    let moved = keys
        .iter()
        .zip(&before)
        .filter(|(&k, b)| {
            sched.pick(&PickCtx {
                conns: &conns,
                key: k,
            }) != **b
        })
        .count();
    let frac = moved as f64 / keys.len() as f64;
    let ideal = 1.0 / live as f64;
    CheckResult::new(
        "hash_stability",
        frac <= ideal + s.checks.hash_remap_slack,
        format!("{:.4} of keys remapped", frac),
        format!(
            "<= 1/n + {} = {:.4}",
            s.checks.hash_remap_slack,
            ideal + s.checks.hash_remap_slack
        ),
        format!(
            "backend {} removed from {live}; 100000 keys",
            o.backends[gone].name
        ),
    )
}

/// Failure detection (or recovery) latency of each crash against the analytic interval.
pub fn latency(o: &Outcome, detection: bool) -> CheckResult {
    let name = if detection {
        "detection_latency"
    } else {
        "recovery_latency"
    };
    let Some(t) = o.timing else {
        return CheckResult::skip(name, "no health check configured");
    };
    let (lo, hi) = if detection {
        t.detection_bounds()
    } else {
        t.recovery_bounds()
    };
    let mut seen = vec![];
    let mut bad = vec![];
    for f in o
        .faults
        .iter()
        .filter(|f| matches!(f.kind, FaultKind::Crash | FaultKind::Flap))
    {
        let (start, until) = if detection {
            (f.from, f.to.unwrap_or(o.duration_ns))
        } else {
            let Some(to) = f.to else { continue };
            (to, o.duration_ns)
        };
        // The state just before `start` must be the opposite of the one awaited.
        let before = o
            .transitions
            .iter()
            .rfind(|x| x.backend == f.backend && x.t <= start)
            .map(|x| x.healthy)
            .unwrap_or(true);
        if before != detection {
            continue;
        }
        let next = o
            .transitions
            .iter()
            .find(|x| x.backend == f.backend && x.t > start && x.healthy != detection);
        match next {
            Some(x) if x.t <= until || !detection => {
                let l = x.t - start;
                seen.push(l);
                if l < lo || l > hi {
                    bad.push(format!("{:.3}s", l as f64 / 1e9));
                }
            }
            _ => {
                if until - start > hi {
                    bad.push("never".into());
                }
            }
        }
    }
    if seen.is_empty() && bad.is_empty() {
        return CheckResult::skip(name, "no crash fault to measure");
    }
    let (mn, mx) = (
        seen.iter().min().copied().unwrap_or(0),
        seen.iter().max().copied().unwrap_or(0),
    );
    CheckResult::new(
        name,
        bad.is_empty(),
        format!(
            "{} events, {:.3}..{:.3} s",
            seen.len(),
            mn as f64 / 1e9,
            mx as f64 / 1e9
        ),
        format!("[{:.3}, {:.3}] s", lo as f64 / 1e9, hi as f64 / 1e9),
        if bad.is_empty() {
            format!(
                "I={}s T={}s (configured {}s) {}={} J={}s",
                t.interval as f64 / 1e9,
                t.timeout as f64 / 1e9,
                t.configured_timeout as f64 / 1e9,
                if detection { "U" } else { "H" },
                if detection { t.fall } else { t.rise },
                t.jitter as f64 / 1e9
            )
        } else {
            format!("outside: {}", bad.join(", "))
        },
    )
}

pub fn no_traffic(o: &Outcome) -> CheckResult {
    let v: u64 = o.backends.iter().map(|b| b.picks_while_ineligible).sum();
    CheckResult::new(
        "no_traffic_after_down",
        v == 0,
        format!("{v} requests to backends out of rotation"),
        "0".into(),
        "no new request to a backend marked unhealthy or with weight 0".into(),
    )
}

/// Requests sent to a crashed backend before detection, against arrivals × its share.
pub fn lost(s: &Scenario, o: &Outcome) -> CheckResult {
    if !matches!(
        algorithm(&s.listener.scheduler),
        Ok(Algorithm::Wrr | Algorithm::Rr)
    ) {
        return CheckResult::skip("lost_requests", "expected count known for wrr and rr only");
    }
    let p = expected_shares(s, o);
    let mut obs = 0u64;
    let mut exp = 0.0;
    let mut n = 0;
    for f in o.faults.iter().filter(|f| f.kind == FaultKind::Crash) {
        let Some(d) = o
            .transitions
            .iter()
            .find(|x| x.backend == f.backend && !x.healthy && x.t >= f.from)
        else {
            continue;
        };
        // Only while everything else stayed in rotation is the share the weight share.
        if o.transitions
            .iter()
            .any(|x| x.backend != f.backend && x.t >= f.from && x.t <= d.t)
        {
            continue;
        }
        n += 1;
        obs += f.sent_before_detection;
        exp += (d.arrivals - f.arrivals_at_start) as f64 * p[f.backend as usize];
    }
    if n == 0 {
        return CheckResult::skip("lost_requests", "no detected crash to measure");
    }
    let tol = 4.0 * exp.sqrt() + 2.0 * n as f64;
    CheckResult::new(
        "lost_requests",
        (obs as f64 - exp).abs() <= tol,
        format!("{obs} lost"),
        format!("{exp:.1} ± {tol:.1}"),
        format!("{n} crashes; arrivals between failure and detection × weight share"),
    )
}

pub fn sticky(s: &Scenario, o: &Outcome) -> CheckResult {
    if s.listener.sticky.is_none() {
        return CheckResult::skip("sticky", "no sticky sessions configured");
    }
    let r = o.sticky_hits as f64 / o.sticky_eligible.max(1) as f64;
    CheckResult::new(
        "sticky",
        r >= s.checks.sticky_min_hit_ratio,
        format!(
            "hit ratio {r:.4} ({} of {})",
            o.sticky_hits, o.sticky_eligible
        ),
        format!(">= {}", s.checks.sticky_min_hit_ratio),
        "requests with a live session that reached their session's backend".into(),
    )
}
