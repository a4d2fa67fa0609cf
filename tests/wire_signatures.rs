//! Property tests for every signature scheme: what is signed verifies, and changing any byte of
//! a parameter name or value, the secret, the method, the host or the timestamp makes
//! verification fail.

use lbconform::wire::{acs3, aliyun_v1, tc3, tencent_hmac, AuthError, HttpRequest};
use proptest::prelude::*;

type Pairs = Vec<(String, String)>;

/// Distinct parameter names (as real APIs use them) with arbitrary printable values.
fn params() -> impl Strategy<Value = Pairs> {
    proptest::collection::btree_map(
        "[A-Za-z][A-Za-z0-9.]{0,12}",
        "[ -~\u{4e00}-\u{4e10}]{0,16}",
        1..8,
    )
    .prop_map(|m| m.into_iter().collect())
}

/// Flips one character of `s` at `at` to something else.
fn mutate(s: &str, at: usize) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return "x".into();
    }
    let i = at % chars.len();
    chars[i] = if chars[i] == 'a' { 'b' } else { 'a' };
    chars.into_iter().collect()
}

fn creds(id: &str) -> Option<String> {
    (id == "testid").then(|| "testsecret".to_string())
}

fn with_common(mut p: Pairs, extra: &[(&str, &str)]) -> Pairs {
    p.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
    p.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    p
}

fn get(host: &str, path: &str) -> HttpRequest {
    HttpRequest {
        method: "GET".into(),
        host: host.into(),
        path: path.into(),
        ..Default::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn aliyun_v1_sign_verify_and_any_change_fails(p in params(), which in 0usize..64, at in 0usize..64) {
        let mut p = with_common(p, &[("AccessKeyId", "testid"), ("Timestamp", "2024-01-01T00:00:00Z")]);
        let sig = aliyun_v1::sign("GET", &p, "testsecret");
        p.push(("Signature".into(), sig));
        let req = get("slb.aliyuncs.com", "/");
        prop_assert!(aliyun_v1::verify(&req, &p, &creds).is_ok());
        // A changed name or value of any signed parameter.
        let i = which % (p.len() - 1);
        let mut changed = p.clone();
        if at % 2 == 0 { changed[i].1 = mutate(&changed[i].1, at) } else { changed[i].0 = mutate(&changed[i].0, at) }
        if changed[..changed.len() - 1].iter().filter(|(k, _)| *k == changed[i].0).count() == 1 && changed[i] != p[i] {
            let r = aliyun_v1::verify(&req, &changed, &creds);
            prop_assert!(r.is_err(), "changed {:?} still verified", changed[i]);
        }
        // Another secret, another method.
        prop_assert_eq!(aliyun_v1::verify(&req, &p, &|_: &str| Some("testsecreu".into())), Err(AuthError::SignatureMismatch));
        let post = HttpRequest { method: "POST".into(), ..req.clone() };
        prop_assert_eq!(aliyun_v1::verify(&post, &p, &creds), Err(AuthError::SignatureMismatch));
    }

    #[test]
    fn tencent_hmac_sign_verify_and_any_change_fails(p in params(), sha256 in any::<bool>(), at in 0usize..64) {
        let method = if sha256 { "HmacSHA256" } else { "HmacSHA1" };
        let mut p = with_common(p, &[("SecretId", "testid"), ("Timestamp", "1465185768"), ("SignatureMethod", method)]);
        let sig = tencent_hmac::sign("GET", "lb.api.qcloud.com", "/v2/index.php", &p, "testsecret");
        p.push(("Signature".into(), sig));
        let req = get("lb.api.qcloud.com", "/v2/index.php");
        prop_assert!(tencent_hmac::verify(&req, &p, &creds).is_ok());
        let mut host = req.clone();
        host.host = mutate(&req.host, at);
        prop_assert_eq!(tencent_hmac::verify(&host, &p, &creds), Err(AuthError::SignatureMismatch));
        let mut ts = p.clone();
        let t = ts.iter().position(|(k, _)| k == "Timestamp").unwrap();
        ts[t].1 = "1465185769".into();
        prop_assert_eq!(tencent_hmac::verify(&req, &ts, &creds), Err(AuthError::SignatureMismatch));
        let mut value = p.clone();
        value[0].1 = mutate(&value[0].1, at);
        if value[0] != p[0] {
            prop_assert_eq!(tencent_hmac::verify(&req, &value, &creds), Err(AuthError::SignatureMismatch));
        }
        let post = HttpRequest { method: "POST".into(), ..req.clone() };
        prop_assert_eq!(tencent_hmac::verify(&post, &p, &creds), Err(AuthError::SignatureMismatch));
    }

    #[test]
    fn tc3_sign_verify_and_any_change_fails(body in "[ -~]{0,64}", at in 0usize..64, ts in 1_500_000_000i64..2_000_000_000) {
        let mut req = HttpRequest { method: "POST".into(), host: "clb.tencentcloudapi.com".into(), path: "/".into(), body: body.into_bytes(), ..Default::default() };
        req.set_header("Content-Type", "application/json");
        req.set_header("X-TC-Action", "DescribeLoadBalancers");
        tc3::sign(&mut req, "testid", "testsecret", "clb", ts);
        prop_assert!(tc3::verify(&req, "clb", &creds).is_ok());
        let mut b = req.clone();
        b.body.push(b'x');
        prop_assert_eq!(tc3::verify(&b, "clb", &creds), Err(AuthError::SignatureMismatch));
        let mut h = req.clone();
        h.host = mutate(&req.host, at);
        prop_assert_eq!(tc3::verify(&h, "clb", &creds), Err(AuthError::SignatureMismatch));
        let mut t = req.clone();
        t.set_header("X-TC-Timestamp", (ts + 1).to_string());
        prop_assert!(tc3::verify(&t, "clb", &creds).is_err());
        prop_assert_eq!(tc3::verify(&req, "clb", &|_: &str| Some("other".into())), Err(AuthError::SignatureMismatch));
    }

    #[test]
    fn acs3_sign_verify_and_any_change_fails(p in params(), at in 0usize..64) {
        let query = lbconform::wire::encode::encode_pairs(p.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let mut req = HttpRequest { method: "POST".into(), host: "slb.aliyuncs.com".into(), path: "/".into(), query, ..Default::default() };
        for (k, v) in [("host", "slb.aliyuncs.com"), ("x-acs-action", "DescribeRegions"), ("x-acs-version", "2014-05-15"), ("x-acs-date", "2024-01-01T00:00:00Z"), ("x-acs-signature-nonce", "abc")] {
            req.set_header(k, v);
        }
        acs3::sign(&mut req, "testid", "testsecret");
        prop_assert!(acs3::verify(&req, &creds).is_ok());
        let mut changed = p.clone();
        changed[0].1 = mutate(&changed[0].1, at);
        let q = lbconform::wire::encode::encode_pairs(changed.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let t = HttpRequest { query: q, ..req.clone() };
        prop_assert_eq!(acs3::verify(&t, &creds), Err(AuthError::SignatureMismatch));
        let mut d = req.clone();
        d.set_header("x-acs-date", "2024-01-01T00:00:01Z");
        prop_assert_eq!(acs3::verify(&d, &creds), Err(AuthError::SignatureMismatch));
        let get = HttpRequest { method: "GET".into(), ..req.clone() };
        prop_assert_eq!(acs3::verify(&get, &creds), Err(AuthError::SignatureMismatch));
    }
}
