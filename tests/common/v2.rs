//! Tencent's legacy v2 requests: HmacSHA256 over a GET query on `/v2/index.php`.

use std::sync::atomic::{AtomicU64, Ordering};

use lbconform::emulator::{pipeline, Emulator};
use lbconform::wire::response::v2;
use lbconform::wire::{encode, tencent_hmac, HttpRequest};
use serde_json::Value;

use super::tc3::{SECRET_ID, SECRET_KEY};

static NONCE: AtomicU64 = AtomicU64::new(1);

/// A signed v2 GET request for `params` (`Action` among them) in region `gz`.
pub fn request(params: &[(&str, &str)]) -> HttpRequest {
    let ts = super::now().to_string();
    let nonce = NONCE.fetch_add(1, Ordering::Relaxed).to_string();
    let common = [
        ("Region", "gz"),
        ("SecretId", SECRET_ID),
        ("Timestamp", ts.as_str()),
        ("Nonce", nonce.as_str()),
        ("SignatureMethod", "HmacSHA256"),
    ];
    let mut p: Vec<(String, String)> = common
        .iter()
        .chain(params)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let sig = tencent_hmac::sign("GET", "lb.api.qcloud.com", "/v2/index.php", &p, SECRET_KEY);
    p.push(("Signature".into(), sig));
    HttpRequest {
        method: "GET".into(),
        host: "lb.api.qcloud.com".into(),
        path: "/v2/index.php".into(),
        query: encode::encode_pairs(p.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        ..Default::default()
    }
}

/// The answer to a v2 call, `code` and `message` included (v2 answers everything with 200).
pub fn call(em: &Emulator, params: &[(&str, &str)]) -> Value {
    let out = pipeline::handle(em, &request(params));
    assert_eq!(out.status, 200);
    v2::parse(200, &out.body).unwrap().body
}
