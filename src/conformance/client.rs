//! Signed HTTP requests in each dialect, and their answers parsed into one uniform [`Answer`].
//!
//! Signing reuses [`crate::wire`]: Alibaba RPC signature v1 (GET, query string, `Format=JSON`
//! unless a case asks for XML), Tencent 3.0 TC3-HMAC-SHA256 (POST JSON, or the other ways
//! [`SendAs`] names), Tencent v2 HmacSHA256
//! (GET `/v2/index.php`). Requests go over HTTP or HTTPS with reqwest (rustls, the platform's
//! web roots plus the PEM file `LBCONFORM_CA_FILE` names), connections reused per client. The
//! request is sent as built: method, path, query, headers and body byte for byte, so a replay
//! or a broken signature reaches the target exactly as signed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::{Map, Value};

use super::target::{Credentials, Key, Target};
use crate::spec::{Dialect, Protocol};
use crate::wire::response::{aliyun, tencent, v2};
use crate::wire::{aliyun_v1, encode, flatten, tc3, tencent_hmac, HttpRequest};

static NONCE: AtomicU64 = AtomicU64::new(1);

/// How a request is signed: properly, or broken on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signing {
    #[default]
    Good,
    /// Signed with a wrong secret.
    BadSignature,
    /// Signed properly two hours in the past.
    Expired,
    /// An access key the target does not know (for Tencent, one in the cloud API key format:
    /// `AKID` and 32 more characters, like the documents' example key).
    UnknownKey,
    /// A key id that is not a cloud API key at all (`lbconform-not-a-key`): Tencent 3.0's
    /// AuthFailure.InvalidSecretId.
    MalformedKey,
    /// Signed properly but naming a signature method no dialect supports (`HMAC-MD5`); Tencent
    /// 3.0, whose method is the header's algorithm: a malformed Authorization header (its
    /// SignedHeaders field renamed).
    BadMethod,
    /// Signed properly over a timestamp that is not one (`not-a-timestamp`).
    BadTimestamp,
}

/// How a Tencent 3.0 call is sent (a step's `send`): TC3-signed POST with a JSON or a
/// multipart body, or signature v1 (HmacSHA256) over a GET query or a form POST. One value
/// for what would otherwise be two settings, since a signature v1 request has no TC3 body to
/// encode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SendAs {
    /// TC3-HMAC-SHA256, a JSON body.
    #[default]
    Json,
    /// TC3-HMAC-SHA256, each parameter a `multipart/form-data` field (lists and structures as
    /// JSON text).
    Multipart,
    /// As [`SendAs::Multipart`], cut before the closing boundary (the documented
    /// `InvalidRequest`).
    MultipartBroken,
    /// Signature v1, the parameters in a GET query (see [`Client::tc3_v1`]).
    V1Get,
    /// Signature v1, the parameters in a form-encoded POST body.
    V1Form,
}

/// What [`Signing::BadTimestamp`] sends as the timestamp.
const NOT_A_TIMESTAMP: &str = "not-a-timestamp";

/// Options of one call.
#[derive(Debug, Clone, Default)]
pub struct CallOpts {
    pub signing: Signing,
    /// Use the second account's keys.
    pub second_account: bool,
    /// Alibaba's `Format`: `xml` or `json` (default `json`).
    pub format: Option<String>,
    /// The API version sent instead of the dialect's (v2 sends none).
    pub version: Option<String>,
    /// How a Tencent 3.0 call is sent; other dialects have one way only.
    pub send: SendAs,
    /// The HTTP method sent instead of the dialect's (signed as sent).
    pub method: Option<String>,
    /// The Host sent (and signed) instead of the target's.
    pub host: Option<String>,
}

/// The request as it was sent, for reports.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct Sent {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Sent {
    fn of(r: &HttpRequest) -> Sent {
        Sent {
            method: r.method.clone(),
            path: r.path.clone(),
            query: r.query.clone(),
            headers: r.headers.clone(),
            body: String::from_utf8_lossy(&r.body).into_owned(),
        }
    }

    /// One line: `GET /?Action=...`.
    pub fn line(&self) -> String {
        let mut s = format!("{} {}", self.method, self.path);
        if !self.query.is_empty() {
            s.push('?');
            s.push_str(&self.query);
        }
        if !self.body.is_empty() {
            s.push(' ');
            s.push_str(&self.body);
        }
        s
    }
}

/// One answer, the same shape for every dialect.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub http_status: u16,
    /// The error code; `None` on success.
    pub code: Option<String>,
    pub message: String,
    /// The payload without its envelope (Tencent's `Response`, Alibaba's XML root).
    pub body: Value,
    pub raw: String,
    pub content_type: String,
    /// `xml` or `json`: what the answer was written in.
    pub format: &'static str,
    /// Why the answer could not be read in the dialect's format, if it could not.
    pub parse_error: Option<String>,
    pub request: Sent,
    #[serde(skip)]
    pub sent: HttpRequest,
    pub elapsed_ms: u64,
}

/// Sends requests to one target.
#[derive(Debug, Clone)]
pub struct Client {
    /// Where requests go: `http://ADDR` or the target's `https://HOST[:PORT]`.
    origin: String,
    http: reqwest::Client,
    host: String,
    primary: Credentials,
    second: Option<Credentials>,
}

/// The variable naming a PEM file of extra root certificates (a local TLS terminator's).
pub const CA_FILE_VAR: &str = "LBCONFORM_CA_FILE";

/// The HTTP client: rustls with the web roots, plus the roots in `LBCONFORM_CA_FILE`; 30 s
/// per request. A CA file that cannot be read is reported and left out, so the target's
/// certificate check fails visibly rather than being skipped.
fn http_client() -> reqwest::Client {
    let mut b = reqwest::Client::builder()
        .use_rustls_tls()
        .timeout(Duration::from_secs(30));
    if let Some(path) = std::env::var_os(CA_FILE_VAR) {
        match std::fs::read(&path)
            .map_err(anyhow::Error::from)
            .and_then(|pem| Ok(reqwest::Certificate::from_pem_bundle(&pem)?))
        {
            Ok(certs) => {
                for c in certs {
                    b = b.add_root_certificate(c);
                }
            }
            Err(e) => eprintln!("{CA_FILE_VAR}={}: {e}", path.to_string_lossy()),
        }
    }
    b.build().unwrap_or_default()
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A parameter value as a flat string: strings as they are, JSON for lists and structures.
pub fn flat_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(_) | Value::Object(_) => v.to_string(),
        other => other.to_string(),
    }
}

impl Client {
    pub fn new(t: &Target) -> Client {
        Client {
            origin: t.origin(),
            http: http_client(),
            host: t.host.clone(),
            primary: t.primary.clone(),
            second: t.second.clone(),
        }
    }

    /// A client for raw exchanges with `addr` (sending `host` as Host), with the documents' keys.
    pub fn raw(addr: std::net::SocketAddr, host: &str) -> Client {
        Client {
            origin: format!("http://{addr}"),
            http: http_client(),
            host: host.into(),
            primary: Credentials::documented(),
            second: None,
        }
    }

    /// The Host header sent.
    pub fn host(&self) -> &str {
        &self.host
    }

    fn key(&self, d: &Dialect, opts: &CallOpts) -> Key {
        let creds = if opts.second_account {
            self.second.as_ref().unwrap_or(&self.primary)
        } else {
            &self.primary
        };
        let mut k = match d.header.protocol {
            Protocol::Rpc => creds.alibaba.clone(),
            _ => creds.tencent.clone(),
        };
        match opts.signing {
            Signing::BadSignature => k.secret.push_str("-wrong"),
            Signing::UnknownKey if d.header.protocol == Protocol::Rpc => {
                k.id = "lbconform-unknown-key".into()
            }
            Signing::UnknownKey => k.id = "AKIDlbconformUnknownKey0000000000000".into(),
            Signing::MalformedKey => k.id = "lbconform-not-a-key".into(),
            _ => {}
        }
        k
    }

    /// The signed request for `action` with `params` (the action's own parameters).
    pub fn build(
        &self,
        d: &Dialect,
        action: &str,
        params: &Map<String, Value>,
        opts: &CallOpts,
    ) -> HttpRequest {
        let key = self.key(d, opts);
        let now = if opts.signing == Signing::Expired {
            unix_now() - 7200
        } else {
            unix_now()
        };
        let nonce = format!(
            "{}{}",
            std::process::id(),
            NONCE.fetch_add(1, Ordering::Relaxed)
        );
        let version = opts.version.as_deref().unwrap_or(&d.header.version);
        match d.header.protocol {
            Protocol::Rpc => {
                let format = opts
                    .format
                    .as_deref()
                    .unwrap_or("json")
                    .to_ascii_uppercase();
                let ts = match opts.signing {
                    Signing::BadTimestamp => NOT_A_TIMESTAMP.into(),
                    _ => aliyun_v1::format_iso8601(now),
                };
                let method = match opts.signing {
                    Signing::BadMethod => "HMAC-MD5",
                    _ => "HMAC-SHA1",
                };
                let mut p: Vec<(String, String)> = vec![
                    ("Format".into(), format),
                    ("Version".into(), version.to_string()),
                    ("AccessKeyId".into(), key.id.clone()),
                    ("SignatureMethod".into(), method.into()),
                    ("SignatureVersion".into(), "1.0".into()),
                    ("SignatureNonce".into(), nonce),
                    ("Timestamp".into(), ts),
                    ("Action".into(), action.into()),
                ];
                p.extend(params.iter().map(|(k, v)| (k.clone(), flat_value(v))));
                // Alibaba's string to sign has the method but not the host.
                let method = opts.method.clone().unwrap_or_else(|| "GET".into());
                p.push((
                    "Signature".into(),
                    aliyun_v1::sign(&method, &p, &key.secret),
                ));
                HttpRequest {
                    method,
                    host: self.host_for(opts),
                    path: "/".into(),
                    query: encode::encode_pairs(p.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
                    ..Default::default()
                }
            }
            Protocol::Tc3 if matches!(opts.send, SendAs::V1Get | SendAs::V1Form) => {
                self.tc3_v1(&key, action, version, params, &nonce, now, opts)
            }
            Protocol::Tc3 => {
                let mut body = params.clone();
                let region = match body.remove("Region") {
                    Some(Value::String(r)) => r,
                    _ => "ap-guangzhou".into(),
                };
                let host = self.host_for(opts);
                let (content_type, body) = tc3_body(&body, opts.send);
                let mut req = HttpRequest {
                    method: opts.method.clone().unwrap_or_else(|| "POST".into()),
                    host: host.clone(),
                    path: "/".into(),
                    body,
                    ..Default::default()
                };
                req.set_header("Content-Type", content_type);
                req.set_header("Host", host);
                req.set_header("X-TC-Action", action);
                req.set_header("X-TC-Version", version.to_string());
                req.set_header("X-TC-Region", region);
                tc3::sign(&mut req, &key.id, &key.secret, "clb", now);
                break_tc3(&mut req, opts.signing);
                req
            }
            Protocol::V2 => {
                let mut own = params.clone();
                let region = match own.remove("Region") {
                    Some(Value::String(r)) => r,
                    _ => "gz".into(),
                };
                let (v2_timestamp, v2_method) = v1_signing(opts.signing, now);
                let mut p: Vec<(String, String)> = vec![
                    ("Action".into(), action.into()),
                    ("Region".into(), region),
                    ("SecretId".into(), key.id.clone()),
                    ("Timestamp".into(), v2_timestamp),
                    ("Nonce".into(), nonce),
                    ("SignatureMethod".into(), v2_method.into()),
                ];
                p.extend(flatten::flatten(&own, 0));
                let method = opts.method.clone().unwrap_or_else(|| "GET".into());
                let host = self.host_for(opts);
                let sig = tencent_hmac::sign(&method, &host, "/v2/index.php", &p, &key.secret);
                p.push(("Signature".into(), sig));
                HttpRequest {
                    method,
                    host,
                    path: "/v2/index.php".into(),
                    query: encode::encode_pairs(p.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
                    ..Default::default()
                }
            }
        }
    }
}

impl Client {
    /// A Tencent 3.0 request signed with signature v1 (HmacSHA256 over the sorted parameters,
    /// `Name.N` lists), as a GET query or a form-encoded POST.
    #[allow(clippy::too_many_arguments)]
    fn tc3_v1(
        &self,
        key: &Key,
        action: &str,
        version: &str,
        params: &Map<String, Value>,
        nonce: &str,
        now: i64,
        opts: &CallOpts,
    ) -> HttpRequest {
        let mut own = params.clone();
        let region = match own.remove("Region") {
            Some(Value::String(r)) => r,
            _ => "ap-guangzhou".into(),
        };
        let (timestamp, signature_method) = v1_signing(opts.signing, now);
        let mut p: Vec<(String, String)> = vec![
            ("Action".into(), action.into()),
            ("Version".into(), version.into()),
            ("Region".into(), region),
            ("SecretId".into(), key.id.clone()),
            ("Timestamp".into(), timestamp),
            ("Nonce".into(), nonce.into()),
            ("SignatureMethod".into(), signature_method.into()),
        ];
        p.extend(flatten::flatten(&own, 0));
        let form = opts.send == SendAs::V1Form;
        let method = if form { "POST" } else { "GET" };
        let host = self.host_for(opts);
        let sig = tencent_hmac::sign(method, &host, "/", &p, &key.secret);
        p.push(("Signature".into(), sig));
        let encoded = encode::encode_pairs(p.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let mut req = HttpRequest {
            method: method.into(),
            host,
            path: "/".into(),
            ..Default::default()
        };
        if form {
            req.body = encoded.into_bytes();
            req.set_header("Content-Type", "application/x-www-form-urlencoded");
        } else {
            req.query = encoded;
        }
        req
    }
}

impl Client {
    /// The Host a request is sent to and signed for: the step's `host`, else the target's.
    fn host_for(&self, opts: &CallOpts) -> String {
        opts.host.clone().unwrap_or_else(|| self.host.clone())
    }
}

/// The Timestamp and SignatureMethod of a Tencent signature v1 request (v2, and 3.0's `v1-*`
/// steps) as `signing` asks: a timestamp that is not one, or a method neither API supports.
fn v1_signing(signing: Signing, now: i64) -> (String, &'static str) {
    let timestamp = match signing {
        Signing::BadTimestamp => NOT_A_TIMESTAMP.into(),
        _ => now.to_string(),
    };
    let method = match signing {
        Signing::BadMethod => "HmacMD5",
        _ => "HmacSHA256",
    };
    (timestamp, method)
}

/// The boundary of the multipart bodies the client sends.
const BOUNDARY: &str = "lbconform58731222010402";

/// A TC3-signed body and its Content-Type: JSON, or each parameter a multipart field (lists
/// and structures as JSON text), or such a body cut before its closing boundary.
fn tc3_body(params: &Map<String, Value>, send: SendAs) -> (String, Vec<u8>) {
    let fields = || -> Vec<(String, String)> {
        params
            .iter()
            .map(|(k, v)| (k.clone(), flat_value(v)))
            .collect()
    };
    let multipart = format!("multipart/form-data; boundary={BOUNDARY}");
    match send {
        SendAs::Multipart => (
            multipart,
            crate::wire::multipart::encode(BOUNDARY, &fields()),
        ),
        SendAs::MultipartBroken => {
            let mut body = crate::wire::multipart::encode(BOUNDARY, &fields());
            let closing = format!("--{BOUNDARY}--\r\n").len();
            body.truncate(body.len() - closing);
            (multipart, body)
        }
        // The signature v1 ways have no TC3 body; `build` sends them elsewhere.
        SendAs::Json | SendAs::V1Get | SendAs::V1Form => (
            "application/json".into(),
            serde_json::to_vec(params).unwrap_or_default(),
        ),
    }
}

/// A signed Tencent 3.0 request broken after signing as `signing` asks: the algorithm of its
/// Authorization header, or its X-TC-Timestamp.
fn break_tc3(req: &mut HttpRequest, signing: Signing) {
    match signing {
        Signing::BadMethod => {
            if let Some(a) = req.header("Authorization").map(str::to_string) {
                req.set_header("Authorization", a.replacen("SignedHeaders=", "Headers=", 1));
            }
        }
        Signing::BadTimestamp => req.set_header("X-TC-Timestamp", NOT_A_TIMESTAMP),
        _ => {}
    }
}

impl Client {
    /// Signs and sends one call.
    pub async fn call(
        &self,
        d: &Dialect,
        action: &str,
        params: &Map<String, Value>,
        opts: &CallOpts,
    ) -> Result<Answer> {
        let req = self.build(d, action, params, opts);
        self.send_call(d, req).await
    }

    /// Sends a prepared (signed) request and parses the answer in `d`'s format.
    pub async fn send_call(&self, d: &Dialect, req: HttpRequest) -> Result<Answer> {
        let start = Instant::now();
        let (status, content_type, body) = self.send(&req).await?;
        let raw = String::from_utf8_lossy(&body).into_owned();
        let mut a = Answer {
            http_status: status,
            code: None,
            message: String::new(),
            body: Value::Null,
            raw,
            content_type,
            format: "json",
            parse_error: None,
            request: Sent::of(&req),
            sent: req,
            elapsed_ms: start.elapsed().as_millis() as u64,
        };
        let parsed = match d.header.protocol {
            Protocol::Rpc => aliyun::parse(status, &body, &|_| false).map(|(f, p)| {
                if f == aliyun::Format::Xml {
                    a.format = "xml";
                }
                p
            }),
            Protocol::Tc3 => tencent::parse(status, &body),
            Protocol::V2 => v2::parse(status, &body),
        };
        match parsed {
            Ok(p) => {
                if let Some(e) = p.error {
                    a.code = Some(e.code);
                    a.message = e.message;
                }
                a.body = p.body;
            }
            Err(e) => a.parse_error = Some(e.to_string()),
        }
        Ok(a)
    }

    /// One raw HTTP exchange: status, content type, body.
    pub async fn send(&self, req: &HttpRequest) -> Result<(u16, String, Vec<u8>)> {
        let mut url = format!("{}{}", self.origin, req.path);
        if !req.query.is_empty() {
            url.push('?');
            url.push_str(&req.query);
        }
        let method = reqwest::Method::from_bytes(req.method.as_bytes())?;
        // A request may name another Host than the target's (the Host it was signed for).
        let host = if req.host.is_empty() {
            self.host.as_str()
        } else {
            req.host.as_str()
        };
        let mut b = self.http.request(method, &url).header("host", host);
        for (k, v) in req
            .headers
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("host"))
        {
            b = b.header(k.as_str(), v.as_str());
        }
        let resp = b
            .body(req.body.clone())
            .send()
            .await
            .with_context(|| format!("sending to {}", self.origin))?;
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let body = resp.bytes().await?.to_vec();
        Ok((status, ct, body))
    }

    /// An admin call under `/_lbconform/`: status and JSON answer.
    pub async fn admin(&self, method: &str, path: &str, query: &str) -> Result<(u16, Value)> {
        let req = HttpRequest {
            method: method.into(),
            host: self.host.clone(),
            path: format!("/_lbconform/{path}"),
            query: query.into(),
            ..Default::default()
        };
        let (s, _, body) = self.send(&req).await?;
        let v = serde_json::from_slice(&body).unwrap_or(Value::Null);
        Ok((s, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::multipart;

    /// `DescribeLoadBalancers` with a number and a list, built as `send` says.
    fn built(send: SendAs) -> (HttpRequest, Key) {
        built_with(
            "tencent-clb",
            CallOpts {
                send,
                ..CallOpts::default()
            },
        )
    }

    /// `DescribeLoadBalancers` of `dialect` with a number and a list, built as `opts` say.
    fn built_with(dialect: &str, opts: CallOpts) -> (HttpRequest, Key) {
        let spec = crate::spec::load_default().unwrap();
        let d = spec.dialect(dialect).unwrap();
        let client = Client::raw(([127, 0, 0, 1], 9).into(), "clb.tencentcloudapi.com");
        let params = serde_json::json!({"Limit": 5, "LoadBalancerIds": ["lb-1", "lb-2"]});
        let req = client.build(
            d,
            "DescribeLoadBalancers",
            params.as_object().unwrap(),
            &opts,
        );
        let creds = Credentials::documented();
        let key = match d.header.protocol {
            Protocol::Rpc => creds.alibaba,
            _ => creds.tencent,
        };
        (req, key)
    }

    fn tc3_verifies(req: &HttpRequest, key: &Key) -> bool {
        let creds = |id: &str| (id == key.id).then(|| key.secret.clone());
        tc3::verify(req, "clb", &creds).is_ok()
    }

    fn v1_verifies(req: &HttpRequest, key: &Key) -> bool {
        let creds = |id: &str| (id == key.id).then(|| key.secret.clone());
        let params = req.rpc_params().unwrap();
        tencent_hmac::verify(req, &params, &creds).is_ok()
    }

    fn pair<'p>(params: &'p [(String, String)], name: &str) -> Option<&'p str> {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn json_is_a_tc3_signed_post_with_the_parameters_as_json() {
        let (req, key) = built(SendAs::default());
        assert_eq!((req.method.as_str(), req.query.as_str()), ("POST", ""));
        assert_eq!(req.header("Content-Type"), Some("application/json"));
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"Limit": 5, "LoadBalancerIds": ["lb-1", "lb-2"]})
        );
        assert!(tc3_verifies(&req, &key));
    }

    #[test]
    fn multipart_is_a_tc3_signed_post_with_a_field_a_parameter() {
        let (req, key) = built(SendAs::Multipart);
        assert_eq!(req.method, "POST");
        let ct = req.header("Content-Type").unwrap().to_string();
        assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
        let fields = multipart::parse(&ct, &req.body).unwrap();
        assert_eq!(
            fields,
            [
                ("Limit".to_string(), "5".to_string()),
                (
                    "LoadBalancerIds".to_string(),
                    r#"["lb-1","lb-2"]"#.to_string()
                ),
            ]
        );
        assert!(tc3_verifies(&req, &key));
    }

    #[test]
    fn multipart_broken_is_signed_but_lacks_its_closing_boundary() {
        let (req, key) = built(SendAs::MultipartBroken);
        let ct = req.header("Content-Type").unwrap().to_string();
        assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
        assert_eq!(
            multipart::parse(&ct, &req.body),
            Err(multipart::MultipartError::NoClosing)
        );
        let (whole, _) = built(SendAs::Multipart);
        assert!(whole.body.starts_with(&req.body), "only the end is cut");
        assert!(tc3_verifies(&req, &key), "signed over the body as sent");
    }

    #[test]
    fn v1_get_is_a_signature_v1_query_without_a_body() {
        let (req, key) = built(SendAs::V1Get);
        assert_eq!((req.method.as_str(), req.path.as_str()), ("GET", "/"));
        assert!(req.body.is_empty() && req.header("Authorization").is_none());
        let q = req.query_pairs().unwrap();
        assert_eq!(pair(&q, "Action"), Some("DescribeLoadBalancers"));
        assert_eq!(pair(&q, "Version"), Some("2018-03-17"));
        assert_eq!(pair(&q, "SignatureMethod"), Some("HmacSHA256"));
        assert_eq!(pair(&q, "Limit"), Some("5"));
        assert_eq!(pair(&q, "LoadBalancerIds.1"), Some("lb-2"));
        assert!(v1_verifies(&req, &key));
        assert!(!tc3_verifies(&req, &key));
    }

    #[test]
    fn signature_v1_steps_send_and_sign_the_host_and_the_signing_they_ask_for() {
        let host = || Some("lbconform-nosuch.tencentcloudapi.com".to_string());
        for send in [SendAs::V1Get, SendAs::V1Form] {
            let opts = CallOpts {
                send,
                host: host(),
                ..CallOpts::default()
            };
            let (req, key) = built_with("tencent-clb", opts);
            assert_eq!(req.host, "lbconform-nosuch.tencentcloudapi.com");
            assert!(v1_verifies(&req, &key), "signed over the host sent");
            for (signing, name, value) in [
                (Signing::BadTimestamp, "Timestamp", NOT_A_TIMESTAMP),
                (Signing::BadMethod, "SignatureMethod", "HmacMD5"),
            ] {
                let opts = CallOpts {
                    send,
                    signing,
                    ..CallOpts::default()
                };
                let (req, _) = built_with("tencent-clb", opts);
                let p = req.rpc_params().unwrap();
                assert_eq!(pair(&p, name), Some(value), "{send:?} {signing:?}");
            }
        }
    }

    #[test]
    fn v2_and_alibaba_steps_send_and_sign_the_method_and_host_they_ask_for() {
        let opts = || CallOpts {
            method: Some("POST".into()),
            host: Some("elsewhere.example.com".into()),
            ..CallOpts::default()
        };
        let (req, key) = built_with("tencent-clb-v2", opts());
        assert_eq!(
            (req.method.as_str(), req.host.as_str()),
            ("POST", "elsewhere.example.com")
        );
        assert!(v1_verifies(&req, &key), "v2 signs the method and host sent");
        let (req, key) = built_with("aliyun-slb", opts());
        assert_eq!(
            (req.method.as_str(), req.host.as_str()),
            ("POST", "elsewhere.example.com")
        );
        let p = req.rpc_params().unwrap();
        let unsigned: Vec<(String, String)> = p
            .iter()
            .filter(|(k, _)| k != "Signature")
            .cloned()
            .collect();
        let sig = aliyun_v1::sign("POST", &unsigned, &key.secret);
        assert_eq!(pair(&p, "Signature"), Some(sig.as_str()), "signed as POST");
    }

    #[test]
    fn v1_form_is_a_signature_v1_form_post() {
        let (req, key) = built(SendAs::V1Form);
        assert_eq!((req.method.as_str(), req.query.as_str()), ("POST", ""));
        assert!(req.is_form() && req.header("Authorization").is_none());
        let p = req.rpc_params().unwrap();
        assert_eq!(pair(&p, "Action"), Some("DescribeLoadBalancers"));
        assert_eq!(pair(&p, "LoadBalancerIds.0"), Some("lb-1"));
        assert!(pair(&p, "Signature").is_some());
        assert!(v1_verifies(&req, &key));
    }
}
