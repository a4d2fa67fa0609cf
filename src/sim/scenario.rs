//! The scenario file format (`suites/sim/*.toml`, documented in `suites/sim/README.md`).

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// aliyun-slb, aliyun-ens, tencent-clb or tencent-clb-v2.
    pub dialect: String,
    pub duration_s: f64,
    #[serde(default = "one")]
    pub seed: u64,
    /// Width of the windows for time series and share checks.
    #[serde(default = "one_f")]
    pub window_s: f64,
    pub listener: Listener,
    pub workload: Workload,
    pub backends: Vec<BackendSpec>,
    #[serde(default)]
    pub faults: Vec<Fault>,
    #[serde(default)]
    pub checks: Checks,
    /// Optional grid for `--sweep`: each axis a dotted key and its values.
    #[serde(default)]
    pub sweep: Vec<SweepAxis>,
}

fn one() -> u64 {
    1
}
fn one_f() -> f64 {
    1.0
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listener {
    /// The dialect's scheduler name (wrr, WRR, least_conn, sch...).
    pub scheduler: String,
    #[serde(default)]
    pub external_command: Vec<String>,
    #[serde(default)]
    pub health_check: Option<HealthCheck>,
    #[serde(default)]
    pub sticky: Option<Sticky>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    /// Probe interval, seconds (HealthCheckInterval / IntervalTime).
    pub interval_s: f64,
    /// Configured timeout, seconds (HealthCheckTimeout / HealthCheckConnectTimeout / TimeOut).
    pub timeout_s: f64,
    /// Consecutive successes to mark a backend healthy (HealthyThreshold / HealthNum).
    pub healthy_threshold: u32,
    /// Consecutive failures to mark it unhealthy (UnhealthyThreshold / UnHealthNum).
    pub unhealthy_threshold: u32,
    /// Each probe is delayed by a uniform random amount in [0, jitter_s] (Envoy's interval jitter).
    #[serde(default)]
    pub jitter_s: f64,
    /// How long a healthy backend takes to answer a probe (times its slowdown factor).
    #[serde(default = "probe_latency")]
    pub probe_latency_ms: f64,
}
fn probe_latency() -> f64 {
    1.0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StickyKind {
    /// The load balancer inserts a cookie that expires after `timeout_s`.
    Insert,
    /// The backend sets its own cookie; the load balancer follows it while the backend is up.
    Server,
    /// Source-address persistence for `timeout_s`.
    Source,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sticky {
    pub kind: StickyKind,
    #[serde(default = "sticky_timeout")]
    pub timeout_s: f64,
}
fn sticky_timeout() -> f64 {
    1000.0
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Arrival {
    Poisson {
        rate: f64,
    },
    Constant {
        rate: f64,
    },
    /// Poisson bursts of `size` requests each, `spacing_ms` apart inside a burst.
    Bursts {
        rate: f64,
        size: u32,
        #[serde(default)]
        spacing_ms: f64,
    },
    /// Piecewise-constant Poisson rate: `[[at_s, rate], ...]`.
    Schedule {
        steps: Vec<[f64; 2]>,
    },
    /// Replay `time_s,client` lines from a CSV file (relative to the scenario).
    Trace {
        path: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    pub arrival: Arrival,
    /// Distinct clients (source address, port, QUIC CID, cookie jar each).
    #[serde(default = "clients")]
    pub clients: u32,
}
fn clients() -> u32 {
    1000
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Service {
    Exponential { mean_ms: f64 },
    LogNormal { mean_ms: f64, sigma: f64 },
    Constant { ms: f64 },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendSpec {
    pub name: String,
    /// Repeat this backend `count` times (names get `-1`, `-2`...).
    #[serde(default = "one_u32")]
    pub count: u32,
    #[serde(default = "hundred")]
    pub weight: u32,
    /// Parallel workers (servers in the queueing sense).
    #[serde(default = "one_u32")]
    pub workers: u32,
    /// Maximum requests in the backend (in service + queued); beyond it a request is rejected.
    /// 0 means unlimited.
    #[serde(default)]
    pub capacity: u32,
    pub service: Service,
}
fn one_u32() -> u32 {
    1
}
fn hundred() -> u32 {
    100
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Down from `at_s` until `until_s`: requests are lost, probes time out.
    Crash,
    /// Service and probe latency multiplied by `factor`.
    Slow,
    /// Alternately down for `down_s` and up for `up_s`, from `at_s` to `until_s`.
    Flap,
    /// Serves traffic but answers health checks with a failure.
    FailHealthCheck,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// A backend name (after `count` expansion).
    pub backend: String,
    pub kind: FaultKind,
    pub at_s: f64,
    #[serde(default)]
    pub until_s: Option<f64>,
    #[serde(default = "two")]
    pub factor: f64,
    #[serde(default = "one_f")]
    pub down_s: f64,
    #[serde(default = "one_f")]
    pub up_s: f64,
}
fn two() -> f64 {
    2.0
}

/// Which checks the scenario must pass, and their tolerances.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checks {
    /// Check names: share, jain, smoothness, least_conn, hash_stability, detection_latency,
    /// recovery_latency, no_traffic_after_down, lost_requests, sticky, spec.
    #[serde(default)]
    pub enabled: Vec<String>,
    /// Largest allowed relative error of a backend's share over one window.
    #[serde(default = "share_err")]
    pub share_max_rel_error: f64,
    #[serde(default = "jain")]
    pub jain_min: f64,
    /// Largest allowed extra remapping over the ideal 1/n when a backend leaves.
    #[serde(default = "hash_slack")]
    pub hash_remap_slack: f64,
    #[serde(default = "sticky_min")]
    pub sticky_min_hit_ratio: f64,
}
fn share_err() -> f64 {
    0.05
}
fn jain() -> f64 {
    0.99
}
fn hash_slack() -> f64 {
    0.02
}
fn sticky_min() -> f64 {
    0.99
}
impl Default for Checks {
    fn default() -> Self {
        toml::from_str("").expect("defaults")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepAxis {
    /// A dotted path into the scenario, e.g. `listener.health_check.interval_s`.
    pub key: String,
    pub values: Vec<toml::Value>,
}

impl Scenario {
    pub fn from_toml(text: &str) -> Result<Self> {
        let s: Scenario = toml::from_str(text).context("parsing scenario")?;
        Ok(s)
    }
    pub fn load(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::from_toml(&text).with_context(|| format!("in {}", path.display()))
    }
    /// Backends after `count` expansion: (name, spec).
    pub fn expanded_backends(&self) -> Vec<(String, BackendSpec)> {
        let mut out = vec![];
        for b in &self.backends {
            if b.count <= 1 {
                out.push((b.name.clone(), b.clone()));
            } else {
                for k in 1..=b.count {
                    out.push((format!("{}-{k}", b.name), b.clone()));
                }
            }
        }
        out
    }
    pub fn check_enabled(&self, name: &str) -> bool {
        self.checks.enabled.iter().any(|c| c == name)
    }
}
