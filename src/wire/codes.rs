//! The dialects' codes for the failures the emulator's pipeline produces itself (no such
//! action, a missing or invalid parameter, an injected fault). One table, used by the pipeline,
//! by [`super::errors::violation_error`] and by the property tests' oracle, so they cannot drift
//! apart.

use crate::spec::{Dialect, Protocol};

/// A failure the pipeline itself answers, before any handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// No such action.
    NoAction,
    /// A required parameter is missing.
    Missing,
    /// A parameter breaks its type, range or enumeration.
    Invalid,
    /// An injected outage.
    Unavailable,
    /// Injected throttling.
    Throttled,
}

/// The dialect's code for each kind of failure the pipeline itself produces.
pub fn code(d: &Dialect, k: Kind) -> &'static str {
    match (d.header.protocol, k) {
        (Protocol::Rpc, Kind::NoAction) => "UnsupportedOperation",
        (Protocol::Rpc, Kind::Missing) => "MissingParameter",
        (Protocol::Rpc, Kind::Invalid) => "InvalidParameter",
        (Protocol::Rpc, Kind::Unavailable | Kind::Throttled) => "ServiceUnavailable",
        (Protocol::Tc3, Kind::NoAction) => "InvalidAction",
        (Protocol::Tc3, Kind::Missing) => "MissingParameter",
        (Protocol::Tc3, Kind::Invalid) => "InvalidParameterValue",
        (Protocol::Tc3, Kind::Unavailable) => "InternalError",
        (Protocol::Tc3, Kind::Throttled) => "RequestLimitExceeded",
        (Protocol::V2, Kind::NoAction | Kind::Missing | Kind::Invalid) => "4000",
        (Protocol::V2, Kind::Unavailable) => "6200",
        (Protocol::V2, Kind::Throttled) => "4400",
    }
}

/// The code for a validation failure: missing or invalid.
pub fn validation(d: &Dialect, missing: bool) -> &'static str {
    code(
        d,
        if missing {
            Kind::Missing
        } else {
            Kind::Invalid
        },
    )
}
