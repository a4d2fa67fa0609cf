//! `multipart/form-data` bodies (RFC 7578), which Tencent API 3.0 accepts with signature v3
//! (004 § 请求结构: "multipart/form-data（仅部分接口支持），必须使用签名方法 v3"). A body that does
//! not follow the format is the document's `InvalidRequest` (请求 body 的 multipart 格式错误).

/// Whether a Content-Type is `multipart/form-data`.
pub fn applies(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        ct.trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
    })
}

/// Why a multipart body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MultipartError {
    #[error("the Content-Type names no boundary")]
    NoBoundary,
    #[error("the body does not begin with the boundary")]
    NoOpening,
    #[error("the body does not end with the closing boundary")]
    NoClosing,
    #[error("part {0} has no header block or no form-data name")]
    BadPart(usize),
    #[error("the body is not UTF-8")]
    NotUtf8,
}

/// The `boundary` parameter of a Content-Type (quoted or not).
fn boundary(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"'))
            .filter(|b| !b.is_empty())
    })
}

/// The form fields of a multipart body, in order, as name/value pairs.
pub fn parse(content_type: &str, body: &[u8]) -> Result<Vec<(String, String)>, MultipartError> {
    let b = boundary(content_type).ok_or(MultipartError::NoBoundary)?;
    let text = std::str::from_utf8(body).map_err(|_| MultipartError::NotUtf8)?;
    let delimiter = format!("--{b}");
    let rest = text
        .strip_prefix(&delimiter)
        .ok_or(MultipartError::NoOpening)?;
    let close = format!("\r\n{delimiter}--");
    let end = rest.rfind(&close).ok_or(MultipartError::NoClosing)?;
    if !rest[end + close.len()..].trim().is_empty() {
        return Err(MultipartError::NoClosing);
    }
    let inner = &rest[..end];
    let separator = format!("\r\n{delimiter}");
    inner
        .split(&separator)
        .enumerate()
        .map(|(i, part)| field(part).ok_or(MultipartError::BadPart(i)))
        .collect()
}

/// One part: `\r\n` headers `\r\n\r\n` value, named by its Content-Disposition.
fn field(part: &str) -> Option<(String, String)> {
    let (head, value) = part.strip_prefix("\r\n")?.split_once("\r\n\r\n")?;
    let disposition = head.split("\r\n").find_map(|h| {
        let (k, v) = h.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("content-disposition")
            .then_some(v)
    })?;
    let name = disposition.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k.trim() == "name").then(|| v.trim().trim_matches('"').to_string())
    })?;
    Some((name, value.to_string()))
}

/// A multipart body of `fields` under `boundary` (the conformance client's encoder).
pub fn encode(boundary: &str, fields: &[(String, String)]) -> Vec<u8> {
    let mut out = String::new();
    for (k, v) in fields {
        out.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CT: &str = "multipart/form-data; boundary=58731222010402";

    #[test]
    fn encoded_fields_parse_back() {
        let fields = vec![
            ("Limit".to_string(), "1".to_string()),
            ("LoadBalancerName".to_string(), "a b".to_string()),
        ];
        let body = encode("58731222010402", &fields);
        assert_eq!(parse(CT, &body).unwrap(), fields);
    }

    #[test]
    fn broken_bodies_are_refused() {
        let good = encode("58731222010402", &[("Limit".into(), "1".into())]);
        let truncated = &good[..good.len() - 8];
        assert_eq!(parse(CT, truncated), Err(MultipartError::NoClosing));
        assert_eq!(
            parse("multipart/form-data", &good),
            Err(MultipartError::NoBoundary)
        );
        assert_eq!(parse(CT, b"Limit=1"), Err(MultipartError::NoOpening));
        let nameless =
            b"--58731222010402\r\nContent-Type: text/plain\r\n\r\n1\r\n--58731222010402--\r\n";
        assert_eq!(parse(CT, nameless), Err(MultipartError::BadPart(0)));
    }
}
