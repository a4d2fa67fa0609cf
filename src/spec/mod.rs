//! The documented APIs as data: load `spec/`, check it, count it, show it, export it.
//!
//! The spec is the ground truth everything else draws on: the emulator validates requests with
//! it, the conformance suite generates edge cases from it, the simulator reads scheduler names and
//! health-check ranges from it.

pub mod check;
pub mod examples;
pub mod export;
pub mod load;
pub mod schema;
pub mod show;
pub mod stats;

pub use load::{default_seeds_dir, default_spec_dir, load, load_default, Dialect, Spec};
pub use schema::*;
