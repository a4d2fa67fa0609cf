//! Everything that turns bytes into calls and calls into bytes, for the four dialects.
//!
//! The emulator verifies and renders; the conformance client signs and parses; both use this
//! one module. Layout, one concept per file:
//!
//! - [`encode`]: RFC 3986 percent-encoding and strict query/form decoding;
//! - [`request`]: the transport-neutral HTTP request every scheme signs and verifies;
//! - [`aliyun_v1`]: Alibaba RPC signature v1 (HMAC-SHA1 over the canonical query);
//! - [`acs3`]: Alibaba ACS3-HMAC-SHA256 (the V3 signature current SDKs send);
//! - [`tc3`]: Tencent TC3-HMAC-SHA256;
//! - [`tencent_hmac`]: Tencent's older HmacSHA1 / HmacSHA256 signature (v2 and 3.0 "v1");
//! - [`replay`]: nonce reuse and timestamp windows;
//! - [`auth`]: the verification outcome and its failure kinds;
//! - [`flatten`]: Tencent's `Name.N.Field` lists, both ways;
//! - [`multipart`]: `multipart/form-data` bodies (Tencent 3.0 with signature v3);
//! - [`params`]: request parameters decoded into the spec's types;
//! - [`xml`]: JSON to XML and back, with Alibaba's list convention;
//! - [`response`]: each dialect's success and error envelopes, rendered and parsed.
//! - [`codes`]: the dialects' codes for failures no handler answers (no such action, bad
//!   parameters, injected faults);
//! - [`errors`]: wire failures in each dialect's own error codes.
//! - [`verify`]: the server-side entry point: scheme, signature, clock window, nonce.

pub mod acs3;
pub mod aliyun_v1;
pub mod auth;
pub mod codes;
pub mod encode;
pub mod errors;
pub mod flatten;
pub mod multipart;
pub mod params;
pub mod replay;
pub mod request;
pub mod response;
pub mod tc3;
pub mod tencent_hmac;
pub mod verify;
pub mod xml;

pub use auth::AuthError;
pub use request::HttpRequest;

/// Looks up an access key's secret; `None` for an unknown key.
pub trait Credentials {
    fn secret(&self, access_key_id: &str) -> Option<String>;
}

impl<F: Fn(&str) -> Option<String>> Credentials for F {
    fn secret(&self, access_key_id: &str) -> Option<String> {
        self(access_key_id)
    }
}
