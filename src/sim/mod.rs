//! The discrete-event traffic simulator: one listener, its backends, a scheduler and a health
//! checker, driven by an open workload in virtual nanoseconds. Same scenario and seed, same
//! metrics, bit for bit (one seeded ChaCha stream per concern, a total order on events).
//!
//! Module map: [`engine`] (the event queue), [`scenario`] (the TOML format), [`workload`],
//! [`backend`], [`scheduler`] (the trait and every dialect's algorithms), [`health`],
//! [`simulation`] (the listener model that ties them together), [`checks`], [`spec_link`]
//! (validation against the dialect's spec), [`theory`] (queueing formulas), [`report`],
//! [`plot`], [`sweep`].

pub mod backend;
pub mod checks;
pub mod engine;
pub mod health;
pub mod plot;
pub mod report;
pub mod scenario;
pub mod scheduler;
pub mod simulation;
pub mod spec_link;
pub mod sweep;
pub mod theory;
pub mod workload;

pub use scenario::Scenario;
pub use simulation::{run, Outcome};

/// Virtual time in nanoseconds.
pub type Nanos = u64;

/// Seconds (as in a scenario file) to virtual nanoseconds.
pub fn secs(s: f64) -> Nanos {
    (s * 1e9).round().max(0.0) as Nanos
}
