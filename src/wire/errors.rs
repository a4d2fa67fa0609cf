//! Wire-level failures (signature, replay, decoding) answered in each dialect's own codes.
//!
//! The mapping names a code; its HTTP status and message come from the spec's error table, so
//! the spec stays the one place a code is described. A test checks that every code this module
//! can produce is documented there.

use super::auth::AuthError;
use super::encode::DecodeError;
use super::params::ParamError;
use crate::model::validate::Violation;
use crate::spec::{Action, Dialect, Protocol};

/// An error as a dialect answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub http_status: u16,
    pub message: String,
}

/// The code each protocol uses for each wire failure, with the fallback status for a code the
/// spec does not (yet) hold.
fn auth_code(protocol: Protocol, e: &AuthError) -> (&'static str, u16) {
    use AuthError::*;
    match protocol {
        Protocol::Rpc => match e {
            MissingSignature | MissingParameter(_) => ("MissingParameter", 400),
            UnknownAccessKey(_) => ("InvalidAccessKeyId.NotFound", 404),
            SignatureMismatch => ("SignatureDoesNotMatch", 400),
            UnsupportedMethod(_) | BadAuthorization(_) => ("IncompleteSignature", 400),
            BadTimestamp(_) => ("InvalidTimeStamp.Format", 400),
            Expired => ("InvalidTimeStamp.Expired", 400),
            NonceReused => ("SignatureNonceUsed", 400),
            Decode(_) => ("InvalidParameter", 400),
        },
        Protocol::Tc3 => match e {
            MissingSignature | SignatureMismatch | UnsupportedMethod(_) | NonceReused => {
                ("AuthFailure.SignatureFailure", 200)
            }
            MissingParameter(_) => ("MissingParameter", 200),
            // A cloud API key id is `AKID` and 32 more characters (the documents' example key
            // AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA); an id of another shape is not a cloud API
            // key at all (004 § 签名失败: AuthFailure.InvalidSecretId 密钥非法（不是云 API 密钥类型）),
            // one of that shape that names no key is AuthFailure.SecretIdNotFound (密钥不存在).
            UnknownAccessKey(id) if !is_cloud_api_key(id) => ("AuthFailure.InvalidSecretId", 200),
            UnknownAccessKey(_) => ("AuthFailure.SecretIdNotFound", 200),
            BadAuthorization(_) => ("AuthFailure.InvalidAuthorization", 200),
            BadTimestamp(_) | Decode(_) => ("InvalidParameter", 200),
            Expired => ("AuthFailure.SignatureExpire", 200),
        },
        Protocol::V2 => match e {
            MissingSignature | SignatureMismatch | UnsupportedMethod(_) | BadAuthorization(_) => {
                ("4100", 200)
            }
            UnknownAccessKey(_) => ("4104", 200),
            Expired => ("4200", 200),
            NonceReused => ("4500", 200),
            MissingParameter(_) | BadTimestamp(_) | Decode(_) => ("4000", 200),
        },
    }
}

/// Whether a key id has the shape of a Tencent cloud API key (`AKID` + 32 letters or digits).
pub fn is_cloud_api_key(id: &str) -> bool {
    id.strip_prefix("AKID")
        .is_some_and(|rest| rest.len() == 32 && rest.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Every code [`auth_error`], [`decode_error`] and [`param_error`] can produce for a protocol.
pub fn codes(protocol: Protocol) -> Vec<&'static str> {
    let samples = [
        AuthError::MissingSignature,
        AuthError::MissingParameter("x"),
        AuthError::UnknownAccessKey(String::new()),
        AuthError::UnknownAccessKey("AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA".into()),
        AuthError::SignatureMismatch,
        AuthError::UnsupportedMethod(String::new()),
        AuthError::BadTimestamp(String::new()),
        AuthError::Expired,
        AuthError::NonceReused,
        AuthError::BadAuthorization(String::new()),
        AuthError::Decode(DecodeError::EmptyName),
    ];
    let mut out: Vec<&str> = samples.iter().map(|e| auth_code(protocol, e).0).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// `code` with the HTTP status and message the spec documents for it. A code documented several
/// times (SLB's InvalidParameter has rows with 400 and 404) takes its most frequent status.
pub fn resolve(d: &Dialect, code: &str, fallback_status: u16, detail: String) -> ApiError {
    let rows = d.errors_for(code);
    let mut counts: Vec<(u16, usize)> = Vec::new();
    for r in &rows {
        match counts.iter_mut().find(|(s, _)| *s == r.http_status) {
            Some((_, n)) => *n += 1,
            None => counts.push((r.http_status, 1)),
        }
    }
    // Ties go to the status seen first, so the answer does not depend on iteration order.
    let mut best: Option<(u16, usize)> = None;
    for (s, n) in counts {
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((s, n));
        }
    }
    let http_status = best.map_or(fallback_status, |(s, _)| s);
    // A code documented with one message gets it; one documented with several (SLB's
    // MissingParameter names the parameter in each row) gets only what happened.
    let mut messages: Vec<String> = rows
        .iter()
        .filter(|r| r.http_status == http_status && !r.message.is_empty())
        .map(|r| match r.fill(code) {
            Some(name) => r.message.replace("%s", name),
            None => r.message.clone(),
        })
        .collect();
    messages.sort_unstable();
    messages.dedup();
    let message = match messages.as_slice() {
        [one] => format!("{one} ({detail})"),
        _ => detail,
    };
    ApiError {
        code: code.to_string(),
        http_status,
        message,
    }
}

pub fn auth_error(d: &Dialect, e: &AuthError) -> ApiError {
    let (code, status) = auth_code(d.header.protocol, e);
    resolve(d, code, status, e.to_string())
}

pub fn decode_error(d: &Dialect, e: &DecodeError) -> ApiError {
    auth_error(d, &AuthError::Decode(e.clone()))
}

/// The status of a refused request: Alibaba answers 400; Tencent answers every error 200.
fn bad_request_status(d: &Dialect) -> u16 {
    if d.header.protocol == Protocol::Rpc {
        400
    } else {
        200
    }
}

pub fn param_error(d: &Dialect, e: &ParamError) -> ApiError {
    let code = match d.header.protocol {
        Protocol::Rpc => "InvalidParameter",
        Protocol::Tc3 => "InvalidParameter",
        Protocol::V2 => "4000",
    };
    let status = bad_request_status(d);
    resolve(d, code, status, e.to_string())
}

/// The answer to a request `action` refuses by its spec: the code a rule names; else the
/// dialect's missing or invalid code, filled into the action's own template where it documents
/// one whose prefix that code begins with (ENS `Missing%s` -> `MissingLoadBalancerId`).
pub fn violation_error(d: &Dialect, action: &Action, v: &Violation) -> ApiError {
    let base = super::codes::validation(d, v.is_missing());
    let status = bad_request_status(d);
    if let Violation::Rule {
        error: Some(code), ..
    } = v
    {
        return resolve(d, code, status, v.to_string());
    }
    if let Some(code) = hinted(d, action, v) {
        return resolve(d, code, status, v.to_string());
    }
    let name = v.param().split(['.', '[']).next().unwrap_or("");
    let templated = action
        .errors
        .iter()
        .filter(|e| e.is_template())
        .find_map(|e| {
            let (pre, post) = e.code.split_once("%s")?;
            let code = format!("{pre}{name}{post}");
            (base.starts_with(pre) && e.fill(&code).is_some()).then_some(code)
        });
    match templated {
        Some(code) => resolve(d, &code, status, v.to_string()),
        None => resolve(d, base, status, v.to_string()),
    }
}

/// The code the dialect's `[model]` `invalid` / `too_many` tables give the violated parameter
/// (by its last name that is not an index), else `by_violation` gives its kind of violation, if
/// the action documents it: its own table, or a dialect-level row naming the action.
fn hinted<'d>(d: &'d Dialect, action: &Action, v: &Violation) -> Option<&'d str> {
    let h = &d.header.model;
    let (table, kind) = match v {
        Violation::ItemCount { .. } => (&h.too_many, "count"),
        Violation::OutOfRange { .. } => (&h.invalid, "range"),
        Violation::NotInEnum { .. } => (&h.invalid, "enum"),
        Violation::Length { .. } => (&h.invalid, "length"),
        Violation::Pattern { .. } => (&h.invalid, "pattern"),
        _ => return None,
    };
    let name = v
        .param()
        .split(['.', '[', ']'])
        .rfind(|s| !s.is_empty() && !s.chars().all(|c| c.is_ascii_digit()))?;
    let documented = |code: &str| {
        action.errors.iter().any(|e| e.code == code)
            || d.errors
                .iter()
                .any(|e| e.code == code && e.actions.iter().any(|a| a == &action.name))
    };
    [table.get(name), h.by_violation.get(kind)]
        .into_iter()
        .flatten()
        .find(|c| documented(c))
        .map(String::as_str)
}
