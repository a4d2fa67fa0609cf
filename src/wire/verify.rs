//! One entry point for the server side: pick the request's signature scheme, verify it, then
//! apply the clock window and the nonce cache, answering failures in the dialect's own codes.

use std::borrow::Cow;

use super::auth::{AuthError, Verified};
use super::errors::{auth_error, ApiError};
use super::replay::{NonceCache, Window};
use super::request::HttpRequest;
use super::{acs3, aliyun_v1, tc3, tencent_hmac, Credentials};
use crate::spec::{Dialect, Protocol};

/// The Tencent product name in TC3 credential scopes.
pub const TC3_SERVICE: &str = "clb";

/// Verifies requests for one server: its clock window and the nonces it has seen.
#[derive(Debug)]
pub struct Verifier {
    pub window: Window,
    nonces: NonceCache,
}

impl Verifier {
    pub fn new(window: Window) -> Verifier {
        Verifier {
            window,
            nonces: NonceCache::default(),
        }
    }

    /// Verifies `req` as a request of dialect `d` at Unix time `now`.
    pub fn verify(
        &self,
        d: &Dialect,
        req: &HttpRequest,
        creds: &dyn Credentials,
        now: i64,
    ) -> Result<Verified, ApiError> {
        self.check(d.header.protocol, req, None, creds, now)
            .map_err(|e| auth_error(d, &e))
    }

    /// [`Verifier::verify`] with the request's [`HttpRequest::rpc_params`] already decoded.
    pub fn verify_params(
        &self,
        d: &Dialect,
        req: &HttpRequest,
        params: &[(String, String)],
        creds: &dyn Credentials,
        now: i64,
    ) -> Result<Verified, ApiError> {
        self.check(d.header.protocol, req, Some(params), creds, now)
            .map_err(|e| auth_error(d, &e))
    }

    fn check(
        &self,
        protocol: Protocol,
        req: &HttpRequest,
        params: Option<&[(String, String)]>,
        creds: &dyn Credentials,
        now: i64,
    ) -> Result<Verified, AuthError> {
        let rpc_params = || -> Result<Cow<'_, [(String, String)]>, AuthError> {
            Ok(match params {
                Some(p) => Cow::Borrowed(p),
                None => Cow::Owned(req.rpc_params()?),
            })
        };
        let v = match protocol {
            Protocol::Rpc if acs3::applies(req) => acs3::verify(req, creds)?,
            Protocol::Rpc => aliyun_v1::verify(req, &rpc_params()?, creds)?,
            Protocol::Tc3 if tc3::applies(req) => tc3::verify(req, TC3_SERVICE, creds)?,
            Protocol::Tc3 | Protocol::V2 => tencent_hmac::verify(req, &rpc_params()?, creds)?,
        };
        let ts = v
            .timestamp
            .ok_or(AuthError::MissingParameter("Timestamp"))?;
        self.window.check(ts, now)?;
        if let Some(nonce) = &v.nonce {
            // Tencent's Nonce is unique only together with its Timestamp.
            let key = if protocol == Protocol::Rpc {
                nonce.clone()
            } else {
                format!("{ts}/{nonce}")
            };
            self.nonces
                .check_and_record(&v.access_key_id, &key, now, self.window)?;
        } else if protocol == Protocol::Rpc {
            return Err(AuthError::MissingParameter("SignatureNonce"));
        }
        Ok(v)
    }

    /// Forgets every nonce (the emulator's reset).
    pub fn reset(&self) {
        self.nonces.clear();
    }
}
