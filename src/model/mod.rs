//! The executable reference model: the spec made executable, used by the emulator and, next, by
//! the conformance oracle.
//!
//! Built so far: [`validate`], the spec-driven validation every request goes through (required
//! and required-when parameters, ranges, enums, lengths, patterns, item counts and the
//! cross-parameter rules). Resources and their state machines are not built yet.

pub mod validate;
