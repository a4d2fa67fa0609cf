//! Health checking: HAProxy-style rise/fall counters over probes sent on a fixed cadence, with
//! Envoy-style jitter, and each dialect's timeout rule.
//!
//! Probe `k` of a backend starts at `phase + k·I + j_k` with `j_k` uniform in `[0, J]` (not
//! cumulative). A probe to a crashed backend fails when its effective timeout `T` expires; a
//! probe to a live backend answers after the probe latency (times any slowdown factor), a
//! failure if that exceeds `T`. A newer answer supersedes an older outstanding probe. From these
//! rules a crash at `f` is detected at `f + δ + (U-1)·I + T` with `δ` in `(0, I]`, hence the
//! analytic interval `[(U-1)·I + T, U·I + T]`, widened by `J` on each side when probes jitter.

use serde::{Deserialize, Serialize};

use super::scenario::HealthCheck;
use super::{secs, Nanos};

/// How a dialect treats a timeout against the interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeoutRule {
    /// Alibaba SLB and ENS: a timeout below the interval is replaced by the interval.
    RaiseToInterval,
    /// Tencent: the timeout must be less than the interval (else the configuration is invalid).
    MustBeLess,
    /// Used as configured.
    AsIs,
}

impl TimeoutRule {
    /// The documented rule of each dialect, used when the spec does not state one.
    pub fn builtin(dialect: &str) -> TimeoutRule {
        if dialect.starts_with("aliyun") {
            TimeoutRule::RaiseToInterval
        } else if dialect.starts_with("tencent") {
            TimeoutRule::MustBeLess
        } else {
            TimeoutRule::AsIs
        }
    }
}

/// Health-check timing in nanoseconds, after the dialect's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Timing {
    pub interval: Nanos,
    pub timeout: Nanos,
    pub configured_timeout: Nanos,
    pub rise: u32,
    pub fall: u32,
    pub jitter: Nanos,
    pub probe_latency: Nanos,
}

impl Timing {
    pub fn new(hc: &HealthCheck, rule: TimeoutRule) -> Timing {
        let interval = secs(hc.interval_s);
        let configured = secs(hc.timeout_s);
        let timeout = match rule {
            TimeoutRule::RaiseToInterval => configured.max(interval),
            _ => configured,
        };
        Timing {
            interval,
            timeout,
            configured_timeout: configured,
            rise: hc.healthy_threshold.max(1),
            fall: hc.unhealthy_threshold.max(1),
            jitter: secs(hc.jitter_s),
            probe_latency: secs(hc.probe_latency_ms / 1000.0),
        }
    }
    /// `[(U-1)·I + T - J, U·I + T + J]`.
    pub fn detection_bounds(&self) -> (Nanos, Nanos) {
        let base = (self.fall as u64 - 1) * self.interval + self.timeout;
        (
            base.saturating_sub(self.jitter),
            base + self.interval + self.jitter,
        )
    }
    /// `[(H-1)·I + L - J, H·I + L + J]` with probe latency `L`.
    pub fn recovery_bounds(&self) -> (Nanos, Nanos) {
        let base = (self.rise as u64 - 1) * self.interval + self.probe_latency;
        (
            base.saturating_sub(self.jitter),
            base + self.interval + self.jitter,
        )
    }
}

/// One backend's rise/fall state as the load balancer sees it.
#[derive(Debug, Clone, Copy)]
pub struct Checker {
    pub healthy: bool,
    ok_run: u32,
    fail_run: u32,
    /// Deliberate defect for tests: failures needed beyond the threshold.
    pub extra_failures: u32,
}

impl Checker {
    pub fn new(extra_failures: u32) -> Self {
        Checker {
            healthy: true,
            ok_run: 0,
            fail_run: 0,
            extra_failures,
        }
    }
    /// Records a probe result; returns the new state when it changes.
    pub fn record(&mut self, ok: bool, t: &Timing) -> Option<bool> {
        if ok {
            self.ok_run += 1;
            self.fail_run = 0;
            if !self.healthy && self.ok_run >= t.rise {
                self.healthy = true;
                return Some(true);
            }
        } else {
            self.fail_run += 1;
            self.ok_run = 0;
            if self.healthy && self.fail_run >= t.fall + self.extra_failures {
                self.healthy = false;
                return Some(false);
            }
        }
        None
    }
}
