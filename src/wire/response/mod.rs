//! Responses in each dialect's own format, rendered by the emulator and parsed by the client.
//!
//! Every parser keeps what it does not recognise (the whole body is kept as JSON), so the oracle
//! can report fields a target added or dropped.

pub mod aliyun;
pub mod tencent;
pub mod v2;

use serde_json::Value;

/// A rendered HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// A parsed response, the same shape for every dialect.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub status: u16,
    pub request_id: Option<String>,
    /// The error code, when the answer is an error.
    pub error: Option<ErrorBody>,
    /// The payload without the envelope (`Response`, the XML root), everything kept.
    pub body: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

/// Why a response body could not be read in its dialect's format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error(transparent)]
    Xml(#[from] super::xml::XmlError),
    #[error("the envelope is missing `{0}`")]
    Envelope(&'static str),
}
