//! Alibaba Cloud RPC signature v1, as documented (001 § 签名机制, 000 § Signature):
//!
//! 1. sort every parameter but `Signature` by name;
//! 2. encode names and values with RFC 3986 and join them `k=v&k=v` (the canonicalized query);
//! 3. StringToSign = METHOD + "&" + encode("/") + "&" + encode(canonicalized query);
//! 4. Signature = base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)).
//!
//! The same rule covers GET query strings and POST form bodies.

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::auth::{AuthError, Verified};
use super::encode::{encode_pairs, percent_encode};
use super::request::{param, HttpRequest};
use super::Credentials;

/// The canonicalized query: every parameter but `Signature`, sorted by name, RFC 3986-encoded.
pub fn canonical_query(params: &[(String, String)]) -> String {
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .filter(|(k, _)| k != "Signature")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    sorted.sort_unstable();
    encode_pairs(sorted)
}

pub fn string_to_sign(method: &str, params: &[(String, String)]) -> String {
    let query = canonical_query(params);
    let mut out = String::with_capacity(method.len() + 6 + query.len() * 5 / 4);
    out.push_str(method);
    out.push('&');
    out.push_str(&percent_encode("/"));
    out.push('&');
    out.push_str(&percent_encode(&query));
    out
}

fn mac(secret: &str) -> Hmac<Sha1> {
    Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .expect("HMAC takes a key of any length")
}

/// The base64 signature of `params` sent with `method`.
pub fn sign(method: &str, params: &[(String, String)], secret: &str) -> String {
    let mut m = mac(secret);
    m.update(string_to_sign(method, params).as_bytes());
    B64.encode(m.finalize().into_bytes())
}

/// Whether the request is signed with v1 (it carries a `Signature` parameter).
pub fn applies(params: &[(String, String)]) -> bool {
    param(params, "Signature").is_some()
}

/// Verifies a v1-signed request; `params` are the decoded query and form parameters.
pub fn verify(
    req: &HttpRequest,
    params: &[(String, String)],
    creds: &dyn Credentials,
) -> Result<Verified, AuthError> {
    let given = param(params, "Signature").ok_or(AuthError::MissingSignature)?;
    let key_id = param(params, "AccessKeyId").ok_or(AuthError::MissingParameter("AccessKeyId"))?;
    let method = param(params, "SignatureMethod").unwrap_or("HMAC-SHA1");
    if !method.eq_ignore_ascii_case("HMAC-SHA1") {
        return Err(AuthError::UnsupportedMethod(method.to_string()));
    }
    let secret = creds
        .secret(key_id)
        .ok_or_else(|| AuthError::UnknownAccessKey(key_id.to_string()))?;
    let given = B64
        .decode(given)
        .map_err(|_| AuthError::SignatureMismatch)?;
    let mut m = mac(&secret);
    m.update(string_to_sign(&req.method, params).as_bytes());
    m.verify_slice(&given)
        .map_err(|_| AuthError::SignatureMismatch)?;
    let timestamp = match param(params, "Timestamp") {
        Some(t) => Some(parse_iso8601(t)?),
        None => None,
    };
    Ok(Verified {
        access_key_id: key_id.to_string(),
        timestamp,
        nonce: param(params, "SignatureNonce").map(str::to_string),
    })
}

/// `YYYY-MM-DDThh:mm:ssZ` (UTC) to Unix seconds.
pub fn parse_iso8601(t: &str) -> Result<i64, AuthError> {
    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
        .map(|dt| dt.unix_timestamp())
        .map_err(|_| AuthError::BadTimestamp(t.to_string()))
}

/// Unix seconds to `YYYY-MM-DDThh:mm:ssZ`.
pub fn format_iso8601(unix: i64) -> String {
    let dt =
        time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    dt.format(&fmt).expect("a UTC date always formats")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(s: &[(&str, &str)]) -> Vec<(String, String)> {
        s.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// 001 § 签名示例: DescribeLoadBalancerAttribute with testid / testsecret.
    fn doc_example() -> Vec<(String, String)> {
        pairs(&[
            ("SignatureVersion", "1.0"),
            ("Format", "JSON"),
            ("Timestamp", "2017-08-22T10:06:13Z"),
            ("RegionId", "cn-hangzhou"),
            ("AccessKeyId", "testid"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("Version", "2014-05-15"),
            ("LoadBalancerId", "lb-bp1of5kr4md52rbv9q7jd"),
            ("Action", "DescribeLoadBalancerAttribute"),
            ("SignatureNonce", "527030809"),
        ])
    }

    #[test]
    fn reproduces_the_chinese_slb_document_string_to_sign_and_signature() {
        let p = doc_example();
        assert_eq!(
            string_to_sign("GET", &p),
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeLoadBalancerAttribute%26Format%3DJSON%26LoadBalancerId%3Dlb-bp1of5kr4md52rbv9q7jd%26RegionId%3Dcn-hangzhou%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D527030809%26SignatureVersion%3D1.0%26Timestamp%3D2017-08-22T10%253A06%253A13Z%26Version%3D2014-05-15"
        );
        assert_eq!(
            sign("GET", &p, "testsecret"),
            "gXVOzkP+OBER4pHGKpCkBxg8gIk="
        );
    }

    #[test]
    fn verifies_the_document_example_and_rejects_a_changed_value() {
        let creds = |id: &str| (id == "testid").then(|| "testsecret".to_string());
        let mut p = doc_example();
        p.push(("Signature".into(), "gXVOzkP+OBER4pHGKpCkBxg8gIk=".into()));
        let req = HttpRequest {
            method: "GET".into(),
            ..Default::default()
        };
        let v = verify(&req, &p, &creds).unwrap();
        assert_eq!(v.access_key_id, "testid");
        assert_eq!(
            v.timestamp,
            Some(parse_iso8601("2017-08-22T10:06:13Z").unwrap())
        );
        p[7].1.push('x');
        assert_eq!(verify(&req, &p, &creds), Err(AuthError::SignatureMismatch));
        let post = HttpRequest {
            method: "POST".into(),
            ..Default::default()
        };
        p[7].1.pop();
        assert_eq!(verify(&post, &p, &creds), Err(AuthError::SignatureMismatch));
    }

    #[test]
    fn iso8601_round_trips() {
        assert_eq!(
            format_iso8601(parse_iso8601("2017-08-22T10:06:13Z").unwrap()),
            "2017-08-22T10:06:13Z"
        );
        assert!(parse_iso8601("2017-08-22 10:06:13").is_err());
    }
}
