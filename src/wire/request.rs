//! The HTTP request as the signature schemes see it, independent of any server or client crate.

use super::encode::{decode_pairs, DecodeError};

/// One HTTP request: what every scheme needs to sign or verify it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpRequest {
    /// Upper-case method (`GET`, `POST`).
    pub method: String,
    /// The `Host` header as sent (with a port if one was sent).
    pub host: String,
    /// The path without the query string (`/`, `/v2/index.php`).
    pub path: String,
    /// The raw query string after `?`, still percent-encoded.
    pub query: String,
    /// Header names as sent; lookups ignore case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.into()));
    }

    /// Whether the body is a form (`application/x-www-form-urlencoded`).
    pub fn is_form(&self) -> bool {
        self.header("content-type").is_some_and(|ct| {
            ct.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        })
    }

    /// The query parameters, decoded.
    pub fn query_pairs(&self) -> Result<Vec<(String, String)>, DecodeError> {
        decode_pairs(&self.query)
    }

    /// Query parameters and, for a form body, its parameters: the set RPC signatures cover. A
    /// name in both places counts as a duplicate.
    pub fn rpc_params(&self) -> Result<Vec<(String, String)>, DecodeError> {
        let mut params = self.query_pairs()?;
        if self.is_form() {
            let body =
                std::str::from_utf8(&self.body).map_err(|_| DecodeError::NotUtf8("body".into()))?;
            for (k, v) in decode_pairs(body)? {
                if params.iter().any(|(seen, _)| *seen == k) {
                    return Err(DecodeError::Duplicate(k));
                }
                params.push((k, v));
            }
        }
        Ok(params)
    }
}

/// Looks a parameter up in decoded pairs.
pub fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}
