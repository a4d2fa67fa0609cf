//! Tencent Cloud API 3.0 responses: `{"Response": {..., "RequestId"}}`, errors as
//! `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`, always HTTP 200 (004 § 返回结果).

use serde_json::{json, Map, Value};

use super::{ErrorBody, ParseError, Parsed, Rendered};

const JSON: &str = "application/json";

pub fn success(request_id: &str, payload: &Map<String, Value>) -> Rendered {
    let mut inner = payload.clone();
    inner.insert("RequestId".into(), request_id.into());
    Rendered {
        status: 200,
        content_type: JSON,
        body: serde_json::to_vec(&json!({ "Response": inner })).unwrap_or_default(),
    }
}

pub fn error(code: &str, message: &str, request_id: &str) -> Rendered {
    let body =
        json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}});
    Rendered {
        status: 200,
        content_type: JSON,
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}

pub fn parse(status: u16, body: &[u8]) -> Result<Parsed, ParseError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| ParseError::Json(e.to_string()))?;
    let inner = v
        .get("Response")
        .and_then(Value::as_object)
        .ok_or(ParseError::Envelope("Response"))?;
    let error = inner.get("Error").map(|e| ErrorBody {
        code: e
            .get("Code")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        message: e
            .get("Message")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    });
    Ok(Parsed {
        status,
        request_id: inner
            .get("RequestId")
            .and_then(Value::as_str)
            .map(str::to_string),
        error,
        body: Value::Object(inner.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_and_error_envelopes_round_trip() {
        let ok = success(
            "rid",
            json!({"LoadBalancerIds": ["lb-1"]}).as_object().unwrap(),
        );
        let p = parse(ok.status, &ok.body).unwrap();
        assert_eq!(
            (p.request_id.as_deref(), p.error.is_none()),
            (Some("rid"), true)
        );
        assert_eq!(p.body["LoadBalancerIds"][0], "lb-1");
        let e = error("InvalidParameter.FormatError", "bad", "rid");
        assert_eq!(e.status, 200);
        assert_eq!(
            parse(200, &e.body).unwrap().error.unwrap().code,
            "InvalidParameter.FormatError"
        );
        assert!(matches!(
            parse(200, b"{}"),
            Err(ParseError::Envelope("Response"))
        ));
    }
}
