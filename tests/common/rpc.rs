//! Alibaba RPC requests (SLB, ENS): signature v1 (HMAC-SHA1) over a GET query, `Format=JSON`.

use std::sync::atomic::{AtomicU64, Ordering};

use lbconform::emulator::{pipeline, Emulator};
use lbconform::wire::response::aliyun;
use lbconform::wire::{aliyun_v1, encode, HttpRequest};
use serde_json::Value;

/// The documents' example key pair.
pub const KEY: (&str, &str) = ("testid", "testsecret");

/// SLB's API version.
pub const SLB: &str = "2014-05-15";

static NONCE: AtomicU64 = AtomicU64::new(1);

/// A v1-signed SLB GET request for `params` with the given key.
pub fn signed(params: &[(&str, &str)], key: (&str, &str)) -> HttpRequest {
    signed_version(params, key, SLB)
}

/// A v1-signed GET request of API `version` (SLB's or ENS's) for `params`.
pub fn signed_version(params: &[(&str, &str)], key: (&str, &str), version: &str) -> HttpRequest {
    let nonce = NONCE.fetch_add(1, Ordering::Relaxed).to_string();
    let ts = aliyun_v1::format_iso8601(super::now());
    let mut p: Vec<(String, String)> = [
        ("Format", "JSON"),
        ("Version", version),
        ("AccessKeyId", key.0),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", nonce.as_str()),
        ("Timestamp", ts.as_str()),
    ]
    .iter()
    .chain(params)
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    p.push(("Signature".into(), aliyun_v1::sign("GET", &p, key.1)));
    let query = encode::encode_pairs(p.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    HttpRequest {
        method: "GET".into(),
        host: "slb.aliyuncs.com".into(),
        path: "/".into(),
        query,
        ..Default::default()
    }
}

/// Answers `req`: the HTTP status and the parsed body.
pub fn answer(em: &Emulator, req: &HttpRequest) -> (u16, Value) {
    let r = pipeline::handle(em, req);
    let (_, parsed) = aliyun::parse(r.status, &r.body, &|_| false).unwrap();
    (r.status, parsed.body)
}

/// An SLB call signed with `key`.
pub fn call_as(em: &Emulator, key: (&str, &str), params: &[(&str, &str)]) -> (u16, Value) {
    answer(em, &signed(params, key))
}

/// An SLB call signed with the documents' key.
pub fn call(em: &Emulator, params: &[(&str, &str)]) -> (u16, Value) {
    call_as(em, KEY, params)
}

/// The error code of an answer's body; empty on success.
pub fn code(b: &Value) -> &str {
    b["Code"].as_str().unwrap_or_default()
}
