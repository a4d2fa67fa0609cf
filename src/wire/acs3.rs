//! Alibaba Cloud ACS3-HMAC-SHA256, the "V3" signature current official SDKs send by default
//! (alibabacloud-slb20140515, alibabacloud-ens20171110). The seed documents predate it; the rules
//! are those of Alibaba Cloud's "Request syntax and signature method V3" page
//! (alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature), found
//! through the search tool together with two independent implementations that agree with it:
//!
//! ```text
//! CanonicalRequest = METHOD \n URI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n hex(sha256(body))
//! StringToSign     = "ACS3-HMAC-SHA256" \n hex(sha256(CanonicalRequest))
//! Signature        = hex(HMAC-SHA256(AccessKeySecret, StringToSign))
//! Authorization    = ACS3-HMAC-SHA256 Credential=AccessKeyId,SignedHeaders=a;b;c,Signature=...
//! ```
//!
//! The canonical query sorts the RFC 3986-encoded parameters (`k=` for an empty value); the
//! canonical headers are `host`, `content-type` and every `x-acs-*` header, names lower-cased,
//! values trimmed (not lower-cased), sorted by name. `x-acs-content-sha256` must equal the body's
//! hash.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::auth::{parse_header, AuthError, Verified};
use super::encode::{decode_pairs, encode_pairs};
use super::request::HttpRequest;
use super::tc3::sha256_hex;
use super::tencent_hmac::constant_eq;
use super::Credentials;

pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// The parsed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key_id: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

impl Authorization {
    pub fn parse(h: &str) -> Result<Authorization, AuthError> {
        let f = parse_header(h, ALGORITHM)?;
        Ok(Authorization {
            access_key_id: f.credential.to_string(),
            signed_headers: f.signed_headers,
            signature: f.signature.to_string(),
        })
    }

    pub fn render(&self) -> String {
        format!(
            "{ALGORITHM} Credential={},SignedHeaders={},Signature={}",
            self.access_key_id,
            self.signed_headers.join(";"),
            self.signature
        )
    }
}

/// The query parameters sorted and RFC 3986-encoded.
pub fn canonical_query(raw_query: &str) -> Result<String, AuthError> {
    let mut pairs = decode_pairs(raw_query)?;
    pairs.sort_unstable();
    Ok(encode_pairs(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ))
}

fn header_value<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    if name == "host" && !req.host.is_empty() {
        return Some(&req.host);
    }
    req.header(name)
}

pub fn canonical_request(req: &HttpRequest, signed: &[String]) -> Result<String, AuthError> {
    let mut headers = String::new();
    for name in signed {
        let v = header_value(req, name).ok_or_else(|| {
            AuthError::BadAuthorization(format!("signed header `{name}` is missing"))
        })?;
        headers.push_str(&format!("{name}:{}\n", v.trim()));
    }
    let path = if req.path.is_empty() {
        "/"
    } else {
        req.path.as_str()
    };
    Ok(format!(
        "{}\n{path}\n{}\n{headers}\n{}\n{}",
        req.method,
        canonical_query(&req.query)?,
        signed.join(";"),
        sha256_hex(&req.body)
    ))
}

pub fn string_to_sign(canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{}", sha256_hex(canonical_request.as_bytes()))
}

pub fn signature(secret: &str, string_to_sign: &str) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    m.update(string_to_sign.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

/// The headers an SDK signs: host, content-type when present, every x-acs-* header; sorted.
pub fn headers_to_sign(req: &HttpRequest) -> Vec<String> {
    let mut names: Vec<String> = req
        .headers
        .iter()
        .map(|(k, _)| k.to_ascii_lowercase())
        .filter(|k| k == "host" || k == "content-type" || k.starts_with("x-acs-"))
        .collect();
    if !names.iter().any(|n| n == "host") {
        names.push("host".into());
    }
    names.sort();
    names.dedup();
    names
}

/// Signs in place: sets `x-acs-content-sha256` and `Authorization`. The caller has set host,
/// x-acs-action, x-acs-version, x-acs-date and x-acs-signature-nonce.
pub fn sign(req: &mut HttpRequest, access_key_id: &str, secret: &str) {
    req.set_header("x-acs-content-sha256", sha256_hex(&req.body));
    let signed = headers_to_sign(req);
    let cr = canonical_request(req, &signed).expect("the headers to sign are present");
    let sig = signature(secret, &string_to_sign(&cr));
    let auth = Authorization {
        access_key_id: access_key_id.into(),
        signed_headers: signed,
        signature: sig,
    };
    req.set_header("Authorization", auth.render());
}

/// Whether the request carries an ACS3 `Authorization` header.
pub fn applies(req: &HttpRequest) -> bool {
    req.header("authorization")
        .is_some_and(|a| a.starts_with(ALGORITHM))
}

pub fn verify(req: &HttpRequest, creds: &dyn Credentials) -> Result<Verified, AuthError> {
    let auth = Authorization::parse(
        req.header("authorization")
            .ok_or(AuthError::MissingSignature)?,
    )?;
    for required in [
        "host",
        "x-acs-action",
        "x-acs-version",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
    ] {
        if !auth.signed_headers.iter().any(|h| h == required) {
            return Err(AuthError::BadAuthorization(format!(
                "`{required}` must be signed"
            )));
        }
    }
    let claimed = req
        .header("x-acs-content-sha256")
        .ok_or(AuthError::MissingParameter("x-acs-content-sha256"))?;
    if !constant_eq(claimed.as_bytes(), sha256_hex(&req.body).as_bytes()) {
        return Err(AuthError::SignatureMismatch);
    }
    let secret = creds
        .secret(&auth.access_key_id)
        .ok_or_else(|| AuthError::UnknownAccessKey(auth.access_key_id.clone()))?;
    let expected = signature(
        &secret,
        &string_to_sign(&canonical_request(req, &auth.signed_headers)?),
    );
    if !constant_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        return Err(AuthError::SignatureMismatch);
    }
    let date = req
        .header("x-acs-date")
        .ok_or(AuthError::MissingParameter("x-acs-date"))?;
    Ok(Verified {
        access_key_id: auth.access_key_id,
        timestamp: Some(super::aliyun_v1::parse_iso8601(date)?),
        nonce: req.header("x-acs-signature-nonce").map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> HttpRequest {
        let mut r = HttpRequest {
            method: "POST".into(),
            host: "slb.aliyuncs.com".into(),
            path: "/".into(),
            query: "RegionId=cn-hangzhou&LoadBalancerName=my%20lb&Tag.1.Key=*".into(),
            ..Default::default()
        };
        r.set_header("host", "slb.aliyuncs.com");
        r.set_header("x-acs-action", "CreateLoadBalancer");
        r.set_header("x-acs-version", "2014-05-15");
        r.set_header("x-acs-date", "2024-01-01T00:00:00Z");
        r.set_header("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d");
        r
    }

    #[test]
    fn canonical_query_sorts_and_encodes_per_rfc3986() {
        assert_eq!(
            canonical_query("b=2&a=x%2By&c=&d=*").unwrap(),
            "a=x%2By&b=2&c=&d=%2A"
        );
    }

    #[test]
    fn canonical_request_has_the_documented_shape() {
        let mut r = request();
        r.set_header("x-acs-content-sha256", sha256_hex(b""));
        let signed = headers_to_sign(&r);
        assert_eq!(
            signed,
            [
                "host",
                "x-acs-action",
                "x-acs-content-sha256",
                "x-acs-date",
                "x-acs-signature-nonce",
                "x-acs-version"
            ]
        );
        let cr = canonical_request(&r, &signed).unwrap();
        let lines: Vec<&str> = cr.split('\n').collect();
        assert_eq!(lines[0], "POST");
        assert_eq!(lines[1], "/");
        assert_eq!(
            lines[2],
            "LoadBalancerName=my%20lb&RegionId=cn-hangzhou&Tag.1.Key=%2A"
        );
        assert_eq!(lines[3], "host:slb.aliyuncs.com");
        assert_eq!(
            *lines.last().unwrap(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn sign_then_verify_and_tampering_fails() {
        let creds = |id: &str| (id == "testid").then(|| "testsecret".to_string());
        let mut r = request();
        sign(&mut r, "testid", "testsecret");
        assert_eq!(
            verify(&r, &creds).unwrap().nonce.as_deref(),
            Some("3156853299f313e23d1673dc12e1703d")
        );
        let mut t = r.clone();
        t.query.push_str("&Extra=1");
        assert_eq!(verify(&t, &creds), Err(AuthError::SignatureMismatch));
        let mut t = r.clone();
        t.body = b"x".to_vec();
        assert_eq!(verify(&t, &creds), Err(AuthError::SignatureMismatch));
        let mut t = r.clone();
        t.set_header("x-acs-action", "DeleteLoadBalancer");
        assert_eq!(verify(&t, &creds), Err(AuthError::SignatureMismatch));
        assert_eq!(
            verify(&r, &|_: &str| None),
            Err(AuthError::UnknownAccessKey("testid".into()))
        );
    }
}
