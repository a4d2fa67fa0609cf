//! The emulator: the model served over HTTP, all four dialects on one port
//! (`lbconform serve`). A request flows bytes -> [`crate::wire`] (verify, decode) ->
//! [`crate::model`] (validate, apply) -> [`crate::wire`] (render), as ARCHITECTURE.md fixes.
//!
//! - [`dispatch`]: which dialect a request speaks;
//! - [`pipeline`]: one request through verification, validation, the model and rendering;
//! - [`admin`]: the `/_lbconform/` test endpoints;
//! - [`accounts`]: credentials and their accounts;
//! - [`limits`]: documented request rates, sizes and the HTTPS-only rule;
//! - [`server`]: the HTTP server.

pub mod accounts;
pub mod admin;
pub mod dispatch;
pub mod limits;
pub mod pipeline;
pub mod server;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::model::clock::ClockMode;
use crate::model::Model;
use crate::spec::Spec;
use crate::wire::replay::Window;
use crate::wire::verify::Verifier;
use accounts::Accounts;
use limits::Limits;

/// A fault the admin endpoint injects into the next calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Unavailable,
    Throttled,
}

/// Everything one emulator holds.
pub struct Emulator {
    pub spec: Arc<Spec>,
    pub model: Model,
    pub verifier: Verifier,
    pub accounts: Accounts,
    pub limits: Limits,
    faults: Mutex<Option<(Fault, u64)>>,
    requests: AtomicU64,
}

/// How to build an emulator.
#[derive(Debug, Clone)]
pub struct Config {
    pub clock: ClockMode,
    pub transition_delay_ms: u64,
    pub window: Window,
    pub accounts: Accounts,
    /// Enforce the documented request rates (off: SDK users and the suite send faster).
    pub rate_limits: bool,
    /// Answer a dialect that documents HTTPS only (v2) with its code for plain HTTP unless a
    /// terminator in front says `X-Forwarded-Proto: https`.
    pub https_only: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            clock: ClockMode::Real,
            transition_delay_ms: 1000,
            window: Window { max_skew_secs: 900 },
            accounts: Accounts::default(),
            rate_limits: false,
            https_only: false,
        }
    }
}

impl Emulator {
    pub fn new(spec: Arc<Spec>, config: Config) -> Emulator {
        Emulator {
            model: Model::new(spec.clone(), config.clock, config.transition_delay_ms),
            verifier: Verifier::new(config.window),
            accounts: config.accounts,
            limits: Limits::new(&spec, config.rate_limits, config.https_only),
            faults: Mutex::new(None),
            requests: AtomicU64::new(0),
            spec,
        }
    }

    /// A request id in the vendors' UUID shape, unique per emulator.
    pub fn request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        format!(
            "{:08X}-{:04X}-4{:03X}-8{:03X}-{:012X}",
            0x1bc0_0000u32 | (n as u32 & 0xFFFF),
            (n >> 16) & 0xFFFF,
            n & 0xFFF,
            (n >> 12) & 0xFFF,
            n
        )
    }

    /// Arms `count` failing calls.
    pub fn inject(&self, fault: Fault, count: u64) {
        *self.faults.lock().unwrap_or_else(|p| p.into_inner()) =
            (count > 0).then_some((fault, count));
    }

    /// Takes one armed fault, if any.
    pub fn take_fault(&self) -> Option<Fault> {
        let mut f = self.faults.lock().unwrap_or_else(|p| p.into_inner());
        let (fault, left) = (*f)?;
        *f = (left > 1).then_some((fault, left - 1));
        Some(fault)
    }

    pub fn reset(&self) {
        self.model.reset();
        self.verifier.reset();
        self.inject(Fault::Unavailable, 0);
        // Settings stay as configured; the counts start afresh.
        self.limits.set_rates(self.limits.rates_on());
    }
}
