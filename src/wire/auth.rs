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
