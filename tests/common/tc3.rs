//! Tencent 3.0 requests: TC3-HMAC-SHA256 over a POST, JSON unless a test sends other bytes.

use lbconform::emulator::{pipeline, Emulator};
use lbconform::wire::response::tencent;
use lbconform::wire::{tc3, HttpRequest};
use serde_json::Value;

/// The documents' example key pair (also v2's).
pub const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA";
pub const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA";

/// CLB's API version.
pub const VERSION: &str = "2018-03-17";

/// How a request is sent: its method, Host, Content-Type, version, key id and region.
pub struct Raw<'a> {
    pub method: &'a str,
    pub host: &'a str,
    pub content_type: &'a str,
    pub version: &'a str,
    pub secret_id: &'a str,
    pub region: &'a str,
}

impl Default for Raw<'_> {
    fn default() -> Self {
        Raw {
            method: "POST",
            host: "clb.tencentcloudapi.com",
            content_type: "application/json",
            version: VERSION,
            secret_id: SECRET_ID,
            region: "ap-guangzhou",
        }
    }
}

/// `body` for `action`, signed as `raw` says.
pub fn request(action: &str, raw: &Raw, body: Vec<u8>) -> HttpRequest {
    let mut req = HttpRequest {
        method: raw.method.into(),
        host: raw.host.into(),
        path: "/".into(),
        body,
        ..Default::default()
    };
    req.set_header("Content-Type", raw.content_type);
    req.set_header("Host", raw.host);
    req.set_header("X-TC-Action", action);
    req.set_header("X-TC-Version", raw.version);
    req.set_header("X-TC-Region", raw.region);
    tc3::sign(&mut req, raw.secret_id, SECRET_KEY, "clb", super::now());
    req
}

/// Signs `body` as `raw` says and answers it: the `Response` object.
pub fn send(em: &Emulator, action: &str, raw: &Raw, body: Vec<u8>) -> Value {
    let out = pipeline::handle(em, &request(action, raw, body));
    assert_eq!(out.status, 200, "Tencent answers everything with 200");
    tencent::parse(200, &out.body).unwrap().body
}

/// A JSON call in the default region.
pub fn call(em: &Emulator, action: &str, body: Value) -> Value {
    call_version(em, action, VERSION, body)
}

/// A JSON call naming API `version`.
pub fn call_version(em: &Emulator, action: &str, version: &str, body: Value) -> Value {
    let raw = Raw {
        version,
        ..Raw::default()
    };
    send(em, action, &raw, serde_json::to_vec(&body).unwrap())
}

/// A JSON call in `region` (the X-TC-Region header).
pub fn call_in(em: &Emulator, action: &str, region: &str, body: Value) -> Value {
    let raw = Raw {
        region,
        ..Raw::default()
    };
    send(em, action, &raw, serde_json::to_vec(&body).unwrap())
}

/// The error code of a `Response`; empty on success.
pub fn code(v: &Value) -> &str {
    v["Error"]["Code"].as_str().unwrap_or("")
}
