//! The dialects' codes for the failures the emulator's pipeline produces itself (no such
//! action, a missing or invalid parameter, an injected fault). One table, used by the pipeline,
//! by [`super::errors::violation_error`] and by the property tests' oracle, so they cannot drift
//! apart.

use crate::spec::{Dialect, Protocol, Spec};

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

/// The code for injected throttling: the one the dialect's documented request rates answer
/// (ENS `Throttling`, erratum ens-throttling-code), so a fault looks like the real limit; the
/// table's code where the dialect documents no rate.
pub fn throttled(d: &Dialect) -> &str {
    d.limits
        .iter()
        .filter_map(|l| l.model.as_ref())
        .find(|m| m.rate.is_some())
        .map_or(code(d, Kind::Throttled), |m| m.code.as_str())
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

/// The code for an action `d` does not serve: the code `d` documents for an action another
/// version of the same API serves (v2's 6100 for a 3.0 action), with that version, else the
/// no-such-action code.
pub fn unknown_action<'s>(
    spec: &'s Spec,
    d: &'s Dialect,
    name: &str,
) -> (&'s str, Option<&'s Dialect>) {
    let api = |id: &str| id.split('-').next().unwrap_or_default().to_string();
    let elsewhere = spec
        .dialects
        .iter()
        .find(|o| o.id() != d.id() && api(o.id()) == api(d.id()) && o.action(name).is_some());
    match (d.header.model.other_version.as_deref(), elsewhere) {
        (Some(c), Some(o)) => (c, Some(o)),
        _ => (code(d, Kind::NoAction), None),
    }
}
