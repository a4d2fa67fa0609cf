//! Legacy v2 responses: `{"code": 0, "message": "", "codeDesc": "Success", ...}` at the top
//! level; a non-zero `code` (4000, 4100 ... 5100, 5400 for batch calls) is an error, answered
//! with HTTP 200 (002 § Returned Results).

use serde_json::{json, Map, Value};

use super::{ErrorBody, ParseError, Parsed, Rendered};

pub fn success(payload: &Map<String, Value>) -> Rendered {
    let mut body = Map::new();
    body.insert("code".into(), json!(0));
    body.insert("message".into(), json!(""));
    body.insert("codeDesc".into(), json!("Success"));
    body.extend(payload.iter().map(|(k, v)| (k.clone(), v.clone())));
    Rendered {
        status: 200,
        content_type: "application/json",
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}

pub fn error(code: i64, code_desc: &str, message: &str) -> Rendered {
    let body = json!({"code": code, "message": message, "codeDesc": code_desc});
    Rendered {
        status: 200,
        content_type: "application/json",
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}

pub fn parse(status: u16, body: &[u8]) -> Result<Parsed, ParseError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| ParseError::Json(e.to_string()))?;
    let code = v
        .get("code")
        .and_then(Value::as_i64)
        .ok_or(ParseError::Envelope("code"))?;
    let error = (code != 0).then(|| ErrorBody {
        code: code.to_string(),
        message: v
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    });
    let request_id = v
        .get("requestId")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(Parsed {
        status,
        request_id,
        error,
        body: v,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_codes_tell_success_from_error() {
        let ok = success(
            json!({"requestId": 42, "unLoadBalancerIds": {"lb-1": ["lb-1"]}})
                .as_object()
                .unwrap(),
        );
        let p = parse(200, &ok.body).unwrap();
        assert!(p.error.is_none());
        assert_eq!(p.body["codeDesc"], "Success");
        let e = error(4000, "InvalidParameter", "(100004)projectId不正确");
        let p = parse(200, &e.body).unwrap();
        assert_eq!(p.error.unwrap().code, "4000");
        assert!(matches!(
            parse(200, b"{\"message\":\"\"}"),
            Err(ParseError::Envelope("code"))
        ));
    }
}
