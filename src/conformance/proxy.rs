//! A fault-injecting reverse proxy: sits in front of any target and breaks it in one
//! deliberate way, so a test can prove the suite notices. Each [`Fault`] names the behaviour it
//! fakes; `tests/conformance_faults.rs` runs the suite through each and asserts that a specific
//! case fails.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Result;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::Router;
use serde_json::{json, Map, Value};
use tokio::net::TcpListener;

use super::client::Client;
use super::target::Credentials;
use crate::emulator::dispatch::dialect_of;
use crate::wire::encode::{decode_pairs, encode_pairs};
use crate::wire::request::param;
use crate::wire::response::aliyun;
use crate::wire::{aliyun_v1, tc3, tencent_hmac, HttpRequest};

/// One deliberate departure from the documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// An SLB health-check interval above 50 (or a Tencent IntervalTime above 300) succeeds.
    AcceptOutOfRangeInterval,
    /// Starting a listener that is already running succeeds.
    RestartRunningListener,
    /// Alibaba errors documented with 404 are answered with 400.
    Status400For404,
    /// `InvalidLoadBalancerId.NotFound` is renamed `InvalidLoadBalancerId.Missing`.
    RenameErrorCode,
    /// `LoadBalancerStatus` is dropped from DescribeLoadBalancerAttribute.
    DropResponseField,
    /// Alibaba answers JSON when XML was asked for.
    JsonForXml,
    /// Requests with a wrong signature are accepted (the proxy re-signs them).
    SkipSignatureCheck,
    /// Tencent tasks report success (0) while they still run (2).
    FinishTaskEarly,
}

impl Fault {
    pub const ALL: [Fault; 8] = [
        Fault::AcceptOutOfRangeInterval,
        Fault::RestartRunningListener,
        Fault::Status400For404,
        Fault::RenameErrorCode,
        Fault::DropResponseField,
        Fault::JsonForXml,
        Fault::SkipSignatureCheck,
        Fault::FinishTaskEarly,
    ];
}

struct Proxy {
    upstream: Client,
    fault: Fault,
    keys: Vec<(String, String)>,
}

/// Starts the proxy on a free loopback port in front of `upstream` (whose Host is `host`),
/// knowing the key pairs in `accounts` (to re-sign for [`Fault::SkipSignatureCheck`]).
pub async fn spawn(
    upstream: SocketAddr,
    host: &str,
    fault: Fault,
    accounts: &[Credentials],
) -> Result<SocketAddr> {
    let keys = accounts
        .iter()
        .flat_map(|c| {
            [
                (c.alibaba.id.clone(), c.alibaba.secret.clone()),
                (c.tencent.id.clone(), c.tencent.secret.clone()),
            ]
        })
        .collect();
    let p = Arc::new(Proxy {
        upstream: Client::raw(upstream, host),
        fault,
        keys,
    });
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = Router::new().fallback(handle).with_state(p);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(addr)
}

async fn handle(State(p): State<Arc<Proxy>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    // Bounded, but above every documented request size (Tencent's 10 MB), so that the upstream,
    // not the proxy, is what judges an oversize request.
    let body = to_bytes(body, 32 << 20).await.unwrap_or_default();
    let mut r = HttpRequest {
        method: parts.method.as_str().to_string(),
        host: String::new(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers: parts
            .headers
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect(),
        body: body.to_vec(),
    };
    // The Host travels as the client sent (and signed) it; it names the upstream anyway unless
    // a case sends another on purpose (Tencent's NoSuchProduct).
    r.host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .unwrap_or_else(|| p.upstream_host());
    if p.fault == Fault::SkipSignatureCheck {
        p.resign(&mut r);
    }
    let (status, ct, body) = match p.upstream.send(&r).await {
        Ok(x) => x,
        Err(e) => (502, "text/plain".into(), e.to_string().into_bytes()),
    };
    let (status, ct, body) = if r.path.starts_with("/_lbconform/") {
        (status, ct, body)
    } else {
        p.rewrite(&r, status, ct, body)
    };
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY))
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(body))
        .unwrap_or_default()
}

impl Proxy {
    fn upstream_host(&self) -> String {
        self.upstream.host().to_string()
    }

    fn secret(&self, id: &str) -> Option<String> {
        self.keys
            .iter()
            .find(|(k, _)| k == id)
            .map(|(_, s)| s.clone())
    }

    /// Replaces whatever signature the request carries with a correct one.
    fn resign(&self, r: &mut HttpRequest) {
        let Ok(mut pairs) = decode_pairs(&r.query) else {
            return;
        };
        if tc3::applies(r) {
            let auth = r.header("authorization").unwrap_or_default().to_string();
            let Some(id) = auth
                .split("Credential=")
                .nth(1)
                .and_then(|c| c.split('/').next())
            else {
                return;
            };
            let ts = r
                .header("x-tc-timestamp")
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            if let Some(secret) = self.secret(id) {
                let id = id.to_string();
                tc3::sign(r, &id, &secret, "clb", ts);
            }
            return;
        }
        pairs.retain(|(k, _)| k != "Signature");
        if r.path == "/v2/index.php" {
            let Some(secret) = param(&pairs, "SecretId").and_then(|i| self.secret(i)) else {
                return;
            };
            let sig = tencent_hmac::sign(&r.method, &r.host, &r.path, &pairs, &secret);
            pairs.push(("Signature".into(), sig));
        } else {
            let Some(secret) = param(&pairs, "AccessKeyId").and_then(|i| self.secret(i)) else {
                return;
            };
            let sig = aliyun_v1::sign(&r.method, &pairs, &secret);
            pairs.push(("Signature".into(), sig));
        }
        r.query = encode_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    }

    fn rewrite(
        &self,
        r: &HttpRequest,
        status: u16,
        ct: String,
        body: Vec<u8>,
    ) -> (u16, String, Vec<u8>) {
        let pairs = r.rpc_params().unwrap_or_default();
        let dialect = dialect_of(r, &pairs).unwrap_or_default();
        let alibaba = dialect.starts_with("aliyun");
        let action = r
            .header("x-tc-action")
            .or_else(|| param(&pairs, "Action"))
            .unwrap_or_default()
            .to_string();
        let json_body: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
        let text = String::from_utf8_lossy(&body).into_owned();
        let is_error = if alibaba {
            status >= 400
        } else {
            text.contains("\"Error\"") || text.contains("\"code\":4") || text.contains("\"code\":5")
        };
        let fake_success = |extra: Value| -> (u16, String, Vec<u8>) {
            if alibaba {
                let format = aliyun::Format::from_param(param(&pairs, "Format"));
                let mut m = extra.as_object().cloned().unwrap_or_default();
                m.remove("RequestId");
                let out = aliyun::success(&action, "00000000-PROXY-FAKE", &m, format);
                (200, out.content_type.into(), out.body)
            } else {
                let mut m: Map<String, Value> = extra.as_object().cloned().unwrap_or_default();
                m.insert("RequestId".into(), json!("00000000-PROXY-FAKE"));
                (
                    200,
                    ct.clone(),
                    serde_json::to_vec(&json!({"Response": m})).unwrap_or_default(),
                )
            }
        };
        match self.fault {
            Fault::AcceptOutOfRangeInterval if is_error => {
                let slb = param(&pairs, "HealthCheckInterval")
                    .and_then(|v| v.parse::<i64>().ok())
                    .is_some_and(|v| !(1..=50).contains(&v));
                let tc = json_body["HealthCheck"]["IntervalTime"]
                    .as_i64()
                    .is_some_and(|v| !(2..=300).contains(&v));
                if slb || tc {
                    return fake_success(json!({"ListenerIds": ["lbl-proxyfake"]}));
                }
            }
            Fault::RestartRunningListener
                if is_error
                    && action == "StartLoadBalancerListener"
                    && !text.contains("NotFound") =>
            {
                return fake_success(json!({}));
            }
            Fault::Status400For404 if alibaba && status == 404 => return (400, ct, body),
            Fault::RenameErrorCode => {
                let t = text.replace(
                    "InvalidLoadBalancerId.NotFound",
                    "InvalidLoadBalancerId.Missing",
                );
                return (status, ct, t.into_bytes());
            }
            Fault::DropResponseField if action == "DescribeLoadBalancerAttribute" => {
                if let Ok(Value::Object(mut m)) = serde_json::from_str::<Value>(&text) {
                    m.remove("LoadBalancerStatus");
                    return (status, ct, serde_json::to_vec(&m).unwrap_or_default());
                }
                let re = regex::Regex::new("<LoadBalancerStatus>[^<]*</LoadBalancerStatus>")
                    .expect("a valid regex");
                return (
                    status,
                    ct,
                    re.replace_all(&text, "").into_owned().into_bytes(),
                );
            }
            Fault::JsonForXml if alibaba && text.trim_start().starts_with('<') => {
                if let Ok((_, parsed)) = aliyun::parse(status, &body, &|_| false) {
                    return (
                        status,
                        "application/json".into(),
                        serde_json::to_vec(&parsed.body).unwrap_or_default(),
                    );
                }
            }
            Fault::FinishTaskEarly
                if action == "DescribeTaskStatus"
                    || action == "DescribeLoadBalancersTaskResult" =>
            {
                let t = text
                    .replace("\"Status\":2", "\"Status\":0")
                    .replace("\"status\":2", "\"status\":0");
                return (status, ct, t.into_bytes());
            }
            _ => {}
        }
        (status, ct, body)
    }
}
