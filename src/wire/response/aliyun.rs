//! Alibaba RPC responses (SLB and ENS): XML by default, JSON when `Format=JSON`.
//!
//! Success: the payload under `<{Action}Response>` (XML) or at the top level (JSON), always with
//! `RequestId`. Error: `RequestId`, `HostId`, `Code`, `Message` under `<Error>`, with the error's
//! HTTP status (001 § 返回结果).

use serde_json::{Map, Value};

use super::{ErrorBody, ParseError, Parsed, Rendered};
use crate::wire::xml::{from_xml, to_xml};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xml,
    Json,
}

impl Format {
    /// `Format` is case-insensitive; anything but JSON means the default, XML.
    pub fn from_param(v: Option<&str>) -> Format {
        match v {
            Some(f) if f.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Xml,
        }
    }
}

fn render(root: &str, body: Map<String, Value>, status: u16, format: Format) -> Rendered {
    match format {
        Format::Json => Rendered {
            status,
            content_type: "application/json;charset=utf-8",
            body: serde_json::to_vec(&body).unwrap_or_default(),
        },
        Format::Xml => Rendered {
            status,
            content_type: "text/xml;charset=utf-8",
            body: to_xml(root, &body).into_bytes(),
        },
    }
}

/// A successful answer to `action`: `RequestId` first, then the payload.
pub fn success(
    action: &str,
    request_id: &str,
    payload: &Map<String, Value>,
    format: Format,
) -> Rendered {
    success_owned(action, request_id, payload.clone(), format)
}

/// [`success`] taking the payload, which is moved rather than copied into the answer.
pub fn success_owned(
    action: &str,
    request_id: &str,
    payload: Map<String, Value>,
    format: Format,
) -> Rendered {
    let mut body = Map::with_capacity(payload.len() + 1);
    body.insert("RequestId".into(), Value::String(request_id.into()));
    for (k, v) in payload {
        if k != "RequestId" {
            body.insert(k, v);
        }
    }
    render(&format!("{action}Response"), body, 200, format)
}

pub fn error(
    status: u16,
    code: &str,
    message: &str,
    request_id: &str,
    host_id: &str,
    format: Format,
) -> Rendered {
    let mut body = Map::new();
    body.insert("RequestId".into(), request_id.into());
    body.insert("HostId".into(), host_id.into());
    body.insert("Code".into(), code.into());
    body.insert("Message".into(), message.into());
    render("Error", body, status, format)
}

/// Parses either format (told apart by the first byte, as a client must when a server answers
/// in the wrong one). `is_list` names the XML elements that are lists even with one item.
pub fn parse(
    status: u16,
    body: &[u8],
    is_list: &dyn Fn(&str) -> bool,
) -> Result<(Format, Parsed), ParseError> {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_start();
    let (format, root, value) = if trimmed.starts_with('<') {
        let (root, v) = from_xml(trimmed, is_list)?;
        (Format::Xml, Some(root), v)
    } else {
        let v: Value =
            serde_json::from_str(trimmed).map_err(|e| ParseError::Json(e.to_string()))?;
        (Format::Json, None, v)
    };
    let Value::Object(map) = value else {
        return Err(ParseError::Envelope("an object"));
    };
    let get = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_string);
    let is_error = root.as_deref() == Some("Error") || (status >= 400 && map.contains_key("Code"));
    let error = is_error.then(|| ErrorBody {
        code: get("Code").unwrap_or_default(),
        message: get("Message").unwrap_or_default(),
    });
    Ok((
        format,
        Parsed {
            status,
            request_id: get("RequestId"),
            error,
            body: Value::Object(map),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn success_in_both_formats_parses_back() {
        let payload = json!({"LoadBalancerId": "lb-1", "Address": "1.2.3.4"});
        let xml = success(
            "CreateLoadBalancer",
            "rid",
            payload.as_object().unwrap(),
            Format::Xml,
        );
        assert_eq!(xml.status, 200);
        let s = String::from_utf8(xml.body.clone()).unwrap();
        assert!(s.contains("<CreateLoadBalancerResponse><RequestId>rid</RequestId><LoadBalancerId>lb-1</LoadBalancerId>"));
        let (f, p) = parse(200, &xml.body, &|_| false).unwrap();
        assert_eq!(
            (f, p.request_id.as_deref(), p.error),
            (Format::Xml, Some("rid"), None)
        );
        let js = success(
            "CreateLoadBalancer",
            "rid",
            payload.as_object().unwrap(),
            Format::Json,
        );
        let (f, p) = parse(200, &js.body, &|_| false).unwrap();
        assert_eq!(f, Format::Json);
        assert_eq!(p.body["Address"], json!("1.2.3.4"));
    }

    #[test]
    fn errors_carry_status_code_message_and_host_id() {
        for format in [Format::Xml, Format::Json] {
            let r = error(
                404,
                "InvalidLoadBalancerId.NotFound",
                "The specified load balancer does not exist.",
                "rid",
                "slb.aliyuncs.com",
                format,
            );
            assert_eq!(r.status, 404);
            let (_, p) = parse(r.status, &r.body, &|_| false).unwrap();
            assert_eq!(p.error.unwrap().code, "InvalidLoadBalancerId.NotFound");
            assert_eq!(p.body["HostId"], json!("slb.aliyuncs.com"));
        }
        assert_eq!(Format::from_param(Some("json")), Format::Json);
        assert_eq!(Format::from_param(Some("XML")), Format::Xml);
        assert_eq!(Format::from_param(None), Format::Xml);
    }
}
