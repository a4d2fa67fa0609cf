//! Every error code the wire layer can answer with is documented in the spec, so replay,
//! signature and decoding failures come back with the dialect's documented code and status.

use lbconform::spec;
use lbconform::wire::errors::{auth_error, codes};
use lbconform::wire::AuthError;

#[test]
fn every_wire_error_code_is_in_the_spec() {
    let spec = spec::load_default().unwrap();
    let mut missing = Vec::new();
    for d in &spec.dialects {
        for code in codes(d.header.protocol) {
            if !d.all_errors().any(|e| e.code == code) {
                missing.push(format!("{}: {code}", d.id()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "wire error codes not documented in the spec: {missing:?}"
    );
}

#[test]
fn replay_and_clock_failures_get_the_documented_codes() {
    let spec = spec::load_default().unwrap();
    let slb = spec.dialect("aliyun-slb").unwrap();
    let e = auth_error(slb, &AuthError::NonceReused);
    assert_eq!(
        (e.code.as_str(), e.http_status),
        ("SignatureNonceUsed", 400)
    );
    let clb = spec.dialect("tencent-clb").unwrap();
    let e = auth_error(clb, &AuthError::Expired);
    assert_eq!(
        (e.code.as_str(), e.http_status),
        ("AuthFailure.SignatureExpire", 200)
    );
    let v2 = spec.dialect("tencent-clb-v2").unwrap();
    assert_eq!(auth_error(v2, &AuthError::SignatureMismatch).code, "4100");
    assert_eq!(auth_error(v2, &AuthError::NonceReused).code, "4500");
}
