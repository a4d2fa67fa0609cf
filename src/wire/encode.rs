//! Percent-encoding as the vendors sign it, and strict decoding of query strings and form bodies.
//!
//! Alibaba and Tencent both sign with RFC 3986 encoding: unreserved characters (`A-Z a-z 0-9 - _ .
//! ~`) stay as they are, everything else becomes `%XY` with upper-case hex, a space is `%20` (not
//! `+`) and `*` is `%2A`. The `percent-encoding` crate does the work; the set below is the rule.

use percent_encoding::{percent_decode, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved characters.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// RFC 3986 percent-encoding (`%20` for space, `%2A` for `*`, `~` kept).
pub fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, RFC3986).to_string()
}

/// Why a query string or form body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("malformed percent-encoding in `{0}`")]
    BadPercent(String),
    #[error("parameter `{0}` is not valid UTF-8 once decoded")]
    NotUtf8(String),
    #[error("parameter `{0}` is given more than once")]
    Duplicate(String),
    #[error("empty parameter name")]
    EmptyName,
}

/// Decodes one `application/x-www-form-urlencoded` component: `+` is a space, `%XY` a byte.
/// Unlike lenient decoders, a `%` not followed by two hex digits is an error.
pub fn decode_component(raw: &str) -> Result<String, DecodeError> {
    let bytes = raw.as_bytes();
    if !bytes.iter().any(|b| matches!(b, b'%' | b'+')) {
        return Ok(raw.to_string());
    }
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let ok = i + 2 < bytes.len()
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit();
            if !ok {
                return Err(DecodeError::BadPercent(raw.to_string()));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    let spaced = raw.replace('+', " ");
    percent_decode(spaced.as_bytes())
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| DecodeError::NotUtf8(raw.to_string()))
}

/// Decodes `a=1&b=2` into ordered pairs. A name given twice is an error: the vendors' behaviour
/// for duplicates is undocumented, and accepting either copy would let a signature cover a value
/// the handler never sees.
pub fn decode_pairs(raw: &str) -> Result<Vec<(String, String)>, DecodeError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for part in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let k = decode_component(k)?;
        if k.is_empty() {
            return Err(DecodeError::EmptyName);
        }
        if out.iter().any(|(seen, _)| *seen == k) {
            return Err(DecodeError::Duplicate(k));
        }
        out.push((k, decode_component(v)?));
    }
    Ok(out)
}

/// `k=v&k=v` with both sides RFC 3986-encoded, in the order given.
pub fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.extend(utf8_percent_encode(k, RFC3986));
        out.push('=');
        out.extend(utf8_percent_encode(v, RFC3986));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3986_encoding_follows_the_documented_rules() {
        assert_eq!(percent_encode("a b*c~d/e"), "a%20b%2Ac~d%2Fe");
        assert_eq!(
            percent_encode("2013-01-10T12:00:00Z"),
            "2013-01-10T12%3A00%3A00Z"
        );
        assert_eq!(percent_encode("未"), "%E6%9C%AA");
    }

    #[test]
    fn malformed_percent_and_duplicates_are_rejected() {
        assert!(matches!(
            decode_pairs("a=%zz"),
            Err(DecodeError::BadPercent(_))
        ));
        assert!(matches!(
            decode_pairs("a=%4"),
            Err(DecodeError::BadPercent(_))
        ));
        assert!(matches!(
            decode_pairs("a=%"),
            Err(DecodeError::BadPercent(_))
        ));
        assert!(matches!(
            decode_pairs("a=%FF"),
            Err(DecodeError::NotUtf8(_))
        ));
        assert_eq!(
            decode_pairs("a=1&a=2"),
            Err(DecodeError::Duplicate("a".into()))
        );
        assert_eq!(decode_pairs("=1"), Err(DecodeError::EmptyName));
    }

    #[test]
    fn form_decoding_reads_plus_as_space() {
        let p = decode_pairs("Name=a+b%20c&Empty=&Flag").unwrap();
        assert_eq!(
            p,
            vec![
                ("Name".into(), "a b c".into()),
                ("Empty".into(), "".into()),
                ("Flag".into(), "".into())
            ]
        );
    }
}
