//! What a signature check can conclude. Each dialect maps these onto its own documented error
//! codes (Alibaba `SignatureDoesNotMatch`, Tencent `AuthFailure.SignatureFailure`, v2 `4100`).

use super::encode::DecodeError;

/// Why a request failed authentication.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("the request carries no signature")]
    MissingSignature,
    #[error("required signature parameter `{0}` is missing")]
    MissingParameter(&'static str),
    #[error("the access key `{0}` does not exist")]
    UnknownAccessKey(String),
    #[error("the signature does not match")]
    SignatureMismatch,
    #[error("unsupported signature method `{0}`")]
    UnsupportedMethod(String),
    #[error("the timestamp `{0}` is malformed")]
    BadTimestamp(String),
    #[error("the timestamp is outside the allowed window")]
    Expired,
    #[error("the signature nonce was already used")]
    NonceReused,
    #[error("malformed Authorization header: {0}")]
    BadAuthorization(String),
    #[error("the request could not be decoded: {0}")]
    Decode(#[from] DecodeError),
}

/// A successful verification: who signed the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub access_key_id: String,
    /// Seconds since the Unix epoch the request claims to have been signed at, if it says.
    pub timestamp: Option<i64>,
    /// The nonce, for replay checks.
    pub nonce: Option<String>,
}

fn bad(why: &str) -> AuthError {
    AuthError::BadAuthorization(why.to_string())
}

/// The fields of an `ALGORITHM Credential=..., SignedHeaders=a;b, Signature=...` header: the
/// shape both ACS3-HMAC-SHA256 and TC3-HMAC-SHA256 use (ACS3 without spaces after the commas).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderFields<'h> {
    pub credential: &'h str,
    pub signed_headers: Vec<String>,
    pub signature: &'h str,
}

/// Parses an Authorization header of `algorithm`; an unknown or missing field is an error.
pub fn parse_header<'h>(h: &'h str, algorithm: &str) -> Result<HeaderFields<'h>, AuthError> {
    let rest = h
        .strip_prefix(algorithm)
        .ok_or_else(|| bad(&format!("not {algorithm}")))?
        .trim();
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part
            .trim()
            .split_once('=')
            .ok_or_else(|| bad("expected key=value"))?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => signature = Some(v),
            _ => return Err(bad("unknown field")),
        }
    }
    Ok(HeaderFields {
        credential: credential.ok_or_else(|| bad("no Credential"))?,
        signed_headers: signed
            .ok_or_else(|| bad("no SignedHeaders"))?
            .split(';')
            .map(str::to_string)
            .collect(),
        signature: signature.ok_or_else(|| bad("no Signature"))?,
    })
}
