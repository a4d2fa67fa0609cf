//! Tencent's older signature, HmacSHA1 / HmacSHA256 over `METHOD host path?sorted-params`
//! (002 § Signature Method; 004 § 签名方法 v1). The legacy v2 API uses it on `/v2/index.php`;
//! API 3.0 still accepts it on `/`.
//!
//! The parameters are sorted by name, joined `k=v&k=v` with the values NOT encoded, and any `_`
//! in a name is replaced by `.` first. The signature is base64(HMAC(SecretKey, string)), with
//! SHA-256 when `SignatureMethod=HmacSHA256` and SHA-1 otherwise.

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

use super::auth::{AuthError, Verified};
use super::request::{param, HttpRequest};
use super::Credentials;

/// The hash a `SignatureMethod` value selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    HmacSha1,
    HmacSha256,
}

impl Method {
    /// As the documents say: HmacSHA256 only when asked for by name, HmacSHA1 otherwise.
    pub fn from_param(v: Option<&str>) -> Method {
        match v {
            Some("HmacSHA256") => Method::HmacSha256,
            _ => Method::HmacSha1,
        }
    }
}

/// `METHOD host path?k=v&...` with the parameters sorted and `Signature` left out.
pub fn string_to_sign(method: &str, host: &str, path: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<(String, &str)> = params
        .iter()
        .filter(|(k, _)| k != "Signature")
        .map(|(k, v)| (k.replace('_', "."), v.as_str()))
        .collect();
    sorted.sort_unstable();
    let joined: Vec<String> = sorted.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{method}{host}{path}?{}", joined.join("&"))
}

fn raw_sign(m: Method, secret: &str, text: &str) -> Vec<u8> {
    match m {
        Method::HmacSha1 => {
            let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("any key length");
            mac.update(text.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        Method::HmacSha256 => {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
            mac.update(text.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
    }
}

/// The base64 signature; the method comes from the `SignatureMethod` parameter.
pub fn sign(
    method: &str,
    host: &str,
    path: &str,
    params: &[(String, String)],
    secret: &str,
) -> String {
    let m = Method::from_param(param(params, "SignatureMethod"));
    B64.encode(raw_sign(
        m,
        secret,
        &string_to_sign(method, host, path, params),
    ))
}

/// Verifies the request; `params` are the decoded query and form parameters.
pub fn verify(
    req: &HttpRequest,
    params: &[(String, String)],
    creds: &dyn Credentials,
) -> Result<Verified, AuthError> {
    let given = param(params, "Signature").ok_or(AuthError::MissingSignature)?;
    let key_id = param(params, "SecretId").ok_or(AuthError::MissingParameter("SecretId"))?;
    let m = match param(params, "SignatureMethod") {
        None | Some("HmacSHA1") | Some("HmacSHA256") => {
            Method::from_param(param(params, "SignatureMethod"))
        }
        Some(other) => return Err(AuthError::UnsupportedMethod(other.to_string())),
    };
    let secret = creds
        .secret(key_id)
        .ok_or_else(|| AuthError::UnknownAccessKey(key_id.to_string()))?;
    let given = B64
        .decode(given)
        .map_err(|_| AuthError::SignatureMismatch)?;
    let expected = raw_sign(
        m,
        &secret,
        &string_to_sign(&req.method, &req.host, &req.path, params),
    );
    if !constant_eq(&expected, &given) {
        return Err(AuthError::SignatureMismatch);
    }
    let timestamp = match param(params, "Timestamp") {
        Some(t) => Some(
            t.parse::<i64>()
                .map_err(|_| AuthError::BadTimestamp(t.to_string()))?,
        ),
        None => return Err(AuthError::MissingParameter("Timestamp")),
    };
    Ok(Verified {
        access_key_id: key_id.to_string(),
        timestamp,
        nonce: param(params, "Nonce").map(str::to_string),
    })
}

/// Constant-time, so no timing leaks which byte differs.
pub(crate) fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA";

    /// 002 § Generating a Signature String, with the parameters of its table (InstanceIds.0).
    fn doc_params(method: &str) -> Vec<(String, String)> {
        [
            ("Action", "DescribeInstances"),
            ("InstanceIds.0", "ins-09dx96dg"),
            ("Nonce", "11886"),
            ("Region", "ap-guangzhou"),
            ("SecretId", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"),
            ("SignatureMethod", method),
            ("Timestamp", "1465185768"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn reproduces_the_v2_document_signatures_as_corrected_by_errata() {
        // The document prints `0EEem/...` (45 characters, not base64 of a SHA-256) and
        // `...qbPI5Qe...` (capital I for lower-case l): see erratum tencent-clb-v2 sig-example-typos.
        let p = doc_params("HmacSHA256");
        assert_eq!(
            string_to_sign("GET", "cvm.api.qcloud.com", "/v2/index.php", &p),
            "GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Nonce=11886&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA256&Timestamp=1465185768"
        );
        assert_eq!(
            sign("GET", "cvm.api.qcloud.com", "/v2/index.php", &p, SECRET),
            "0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s="
        );
        let p = doc_params("HmacSHA1");
        assert_eq!(
            sign("GET", "cvm.api.qcloud.com", "/v2/index.php", &p, SECRET),
            "nPVnY6njQmwQ8ciqbPl5Qe+Oru4="
        );
    }

    #[test]
    fn underscores_in_names_are_signed_as_dots() {
        let a = vec![("Placement_Zone".to_string(), "CN_GUANGZHOU".to_string())];
        assert_eq!(
            string_to_sign("GET", "h", "/p", &a),
            "GETh/p?Placement.Zone=CN_GUANGZHOU"
        );
    }

    #[test]
    fn verify_accepts_the_signed_request_and_rejects_another_host() {
        let creds =
            |id: &str| (id == "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA").then(|| SECRET.to_string());
        let mut p = doc_params("HmacSHA256");
        p.push((
            "Signature".into(),
            sign("GET", "lb.api.qcloud.com", "/v2/index.php", &p, SECRET),
        ));
        let mut req = HttpRequest {
            method: "GET".into(),
            host: "lb.api.qcloud.com".into(),
            path: "/v2/index.php".into(),
            ..Default::default()
        };
        assert_eq!(
            verify(&req, &p, &creds).unwrap().timestamp,
            Some(1465185768)
        );
        req.host = "lb.api.qcloud.co".into();
        assert_eq!(verify(&req, &p, &creds), Err(AuthError::SignatureMismatch));
    }
}
