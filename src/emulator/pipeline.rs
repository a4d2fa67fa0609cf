//! One request through the emulator: dialect, signature, action, parameters, validation, the
//! model, and the answer in the dialect's own format. Every failure on the way is answered with
//! the dialect's documented code and changes nothing.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use super::dispatch::{dialect_of, looks_tencent};
use super::{Emulator, Fault};
use crate::model::regions;
use crate::model::validate::validate;
use crate::model::Call;
use crate::spec::{Action, Dialect, Param, Protocol};
use crate::wire::codes::{self, code, Kind};
use crate::wire::errors::{decode_error, param_error, resolve, violation_error, ApiError};
use crate::wire::request::{param, HttpRequest};
use crate::wire::response::aliyun::{self, Format};
use crate::wire::response::{tencent, v2, Rendered};
use crate::wire::{multipart, params, tc3};

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Answers one request.
pub fn handle(em: &Emulator, req: &HttpRequest) -> Rendered {
    let pairs = req.rpc_params();
    let flat: &[(String, String)] = pairs.as_deref().unwrap_or_default();
    let Some(d) = dialect_of(req, flat).and_then(|id| em.spec.dialect(id)) else {
        return unclaimed(em, req);
    };
    let format = response_format(req, flat);
    let rid = em.request_id();
    match run(em, d, req, &rid, pairs.map_err(|e| decode_error(d, &e))) {
        Ok((action, body)) => {
            let answer = success(d, &action, &rid, body, format);
            match em.limits.response_size(d, answer.body.len()) {
                Some(r) => error(d, &resolve(d, &r.code, 500, r.detail), &rid, format),
                None => answer,
            }
        }
        Err(e) => error(d, &e, &rid, format),
    }
}

/// A request whose body the server stopped reading at its bound: the dialect's code for a
/// request over its size limit where it documents one, else HTTP 413.
pub fn too_large(em: &Emulator, req: &HttpRequest) -> Rendered {
    let pairs = req.query_pairs().unwrap_or_default();
    let d = dialect_of(req, &pairs).and_then(|id| em.spec.dialect(id));
    let refusal = d.and_then(|d| Some((d, em.limits.body_too_large(d)?)));
    match refusal {
        Some((d, r)) => {
            let rid = em.request_id();
            let e = resolve(d, &r.code, 413, r.detail);
            error(d, &e, &rid, response_format(req, &pairs))
        }
        None => Rendered {
            status: 413,
            content_type: "text/plain",
            body: b"request body too large or truncated".to_vec(),
        },
    }
}

fn run(
    em: &Emulator,
    d: &Dialect,
    req: &HttpRequest,
    rid: &str,
    pairs: Result<Vec<(String, String)>, ApiError>,
) -> Result<(String, Map<String, Value>), ApiError> {
    if let Some(r) = em.limits.request_size(d, req) {
        return Err(resolve(d, &r.code, 400, r.detail));
    }
    plain_http(em, d, req)?;
    let pairs = pairs?;
    if d.header.protocol == Protocol::Tc3 {
        tencent_transport(d, req)?;
    }
    let verified = em
        .verifier
        .verify_params(d, req, &pairs, &em.accounts, unix_now())?;
    let account = em
        .accounts
        .account(&verified.access_key_id)
        .unwrap_or_default()
        .to_string();
    let name = action_name(d, req, &pairs).ok_or_else(|| {
        resolve(
            d,
            code(d, Kind::NoAction),
            400,
            "the request names no Action".into(),
        )
    })?;
    let action = d
        .action(&name)
        .ok_or_else(|| unknown_action(em, d, &name))?;
    // Rates are counted before decoding: a throttled request is refused whatever it says.
    let raw_region = region(d, req, &pairs, &Map::new()).map(|(_, v)| v);
    em.limits
        .take(
            d,
            &action.name,
            &account,
            raw_region.as_deref().unwrap_or_default(),
            em.model.clock.now_ms(),
        )
        .map_err(|r| resolve(d, &r.code, 400, r.detail))?;
    if let Some(fault) = em.take_fault() {
        let code = match fault {
            Fault::Unavailable => code(d, Kind::Unavailable),
            Fault::Throttled => codes::throttled(d),
        };
        return Err(resolve(d, code, 503, "injected by /_lbconform/fail".into()));
    }
    let values = decode(d, action, req, &pairs)?;
    owner(d, &pairs, &account)?;
    // Before validation: a region parameter's enum is the catalogue (spec::load), and an
    // unknown region has its own documented code rather than the generic invalid one.
    let region = region(d, req, &pairs, &values);
    let region = region.as_ref().map(|(p, v)| (*p, v.as_str()));
    regions::check(d, action, region, &values).map_err(|f| resolve(d, &f.code, 400, f.detail))?;
    let values = validate(action, &values, &|n: &str| {
        d.structures.get(n).map(|s| s.fields.as_slice())
    })
    .map_err(|v| violation_error(d, action, &v[0]))?;
    check_project(em, d, &account, &values)?;
    let call = Call {
        dialect: d,
        action,
        account: &account,
        request_id: rid,
        region: region.map(|(_, v)| v).unwrap_or_default(),
        params: values,
    };
    match em.model.execute(&call) {
        Ok(body) => Ok((action.name.clone(), body)),
        Err(f) => Err(resolve(d, &f.code, 400, f.detail)),
    }
}

/// An action this dialect does not serve: the dialect's code for an action another version
/// of the same API serves, where it documents one (v2's 6100), else its no-such-action code.
fn unknown_action(em: &Emulator, d: &Dialect, name: &str) -> ApiError {
    match crate::wire::codes::unknown_action(&em.spec, d, name) {
        (c, Some(o)) => resolve(
            d,
            c,
            400,
            format!(
                "{name} is an action of {} ({}), not of this version",
                o.id(),
                o.header.version
            ),
        ),
        (c, None) => resolve(
            d,
            c,
            400,
            format!("the action {name} is not one of {}'s", d.id()),
        ),
    }
}

/// A plain-HTTP request to a dialect that documents HTTPS only, when the emulator serves
/// HTTPS only: it listens on plain HTTP, so HTTPS is what a terminator in front says.
fn plain_http(em: &Emulator, d: &Dialect, req: &HttpRequest) -> Result<(), ApiError> {
    let Some(c) = d.header.model.plain_http.as_deref() else {
        return Ok(());
    };
    let https = req
        .header("x-forwarded-proto")
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    if !em.limits.https_only() || https {
        return Ok(());
    }
    Err(resolve(
        d,
        c,
        400,
        "this emulator serves HTTPS only (X-Forwarded-Proto: https from a terminator)".into(),
    ))
}

/// A project id the caller's account does not have (v2 answers the module code 100004 inside
/// the message of 5100, as its documents' example shows: `(100004) projectId is incorrect`).
fn check_project(
    em: &Emulator,
    d: &Dialect,
    account: &str,
    values: &Map<String, Value>,
) -> Result<(), ApiError> {
    let Some(h) = &d.header.model.unknown_project else {
        return Ok(());
    };
    let Some(id) = values.get(&h.param).and_then(Value::as_i64) else {
        return Ok(());
    };
    if em.accounts.has_project(account, id) {
        return Ok(());
    }
    let Some(module) = &h.module else {
        return Err(resolve(d, &h.code, 400, format!("no project {id}")));
    };
    let documented = d.errors_for(module);
    let what = documented
        .first()
        .map_or(format!("{} is incorrect", h.param), |e| e.message.clone());
    let base = resolve(d, &h.code, 400, String::new());
    Err(ApiError {
        message: format!("({module}) {what}"),
        ..base
    })
}

/// Tencent 3.0's transport rules, checked before the signature: only GET and POST
/// (004 § 公共错误码 UnsupportedProtocol: 只支持 GET 和 POST 请求), and a `*.tencentcloudapi.com`
/// Host must name the product the dialect's endpoints do (`clb`; § 签名方法 v3: service 为产品名，
/// 必须与调用的产品域名一致), else NoSuchProduct (产品不存在). Other hosts (the emulator's own
/// address) are not judged.
fn tencent_transport(d: &Dialect, req: &HttpRequest) -> Result<(), ApiError> {
    if !matches!(req.method.as_str(), "GET" | "POST") {
        let why = format!("the HTTP method {} is neither GET nor POST", req.method);
        return Err(resolve(d, "UnsupportedProtocol", 200, why));
    }
    let host = req.host.split(':').next().unwrap_or_default();
    let product = |h: &str| {
        h.strip_suffix(".tencentcloudapi.com")
            .and_then(|p| p.split('.').next())
            .map(str::to_ascii_lowercase)
    };
    let Some(asked) = product(host) else {
        return Ok(());
    };
    if d.header
        .endpoints
        .iter()
        .any(|e| product(e).as_deref() == Some(asked.as_str()))
    {
        return Ok(());
    }
    let why = format!("{host} names the product {asked}, which this endpoint does not serve");
    Err(resolve(d, "NoSuchProduct", 200, why))
}

/// The region a request names, and the catalogue parameter it came in: the first of the
/// dialect's region parameters ([`regions::given`]) the request gives, read by
/// [`region_param`]. Before decoding, `values` is empty and only the raw request is read.
fn region<'d>(
    d: &'d Dialect,
    req: &HttpRequest,
    pairs: &[(String, String)],
    values: &Map<String, Value>,
) -> Option<(&'d str, String)> {
    regions::given(&d.regions, |p| region_param(d, req, pairs, values, p))
}

/// The value of region parameter `p`: the action's own (SLB RegionId), else the common one in
/// the query (v2, Tencent's signature v1), else Tencent's `X-TC-Region` header.
fn region_param(
    d: &Dialect,
    req: &HttpRequest,
    pairs: &[(String, String)],
    values: &Map<String, Value>,
    p: &str,
) -> Option<String> {
    if let Some(v) = values.get(p).and_then(Value::as_str) {
        return Some(v.to_string());
    }
    if let Some(v) = param(pairs, p) {
        return Some(v.to_string());
    }
    let header = format!("x-tc-{}", p.to_ascii_lowercase());
    (d.header.protocol == Protocol::Tc3)
        .then(|| req.header(&header).map(str::to_string))
        .flatten()
}

/// `Format` when given; otherwise JSON for a client that accepts only JSON (the V3 SDKs send
/// `Accept: application/json` and no Format), else the documented default, XML.
fn response_format(req: &HttpRequest, params: &[(String, String)]) -> Format {
    match param(params, "Format") {
        Some(f) => Format::from_param(Some(f)),
        None if req
            .header("accept")
            .is_some_and(|a| a.contains("json") && !a.contains("xml")) =>
        {
            Format::Json
        }
        None => Format::Xml,
    }
}

fn action_name(d: &Dialect, req: &HttpRequest, pairs: &[(String, String)]) -> Option<String> {
    let header = match d.header.protocol {
        Protocol::Rpc => req.header("x-acs-action"),
        Protocol::Tc3 => req.header("x-tc-action"),
        Protocol::V2 => None,
    };
    header
        .or_else(|| param(pairs, "Action"))
        .map(str::to_string)
}

/// The request's own parameters, typed by the spec (common ones left out).
fn decode(
    d: &Dialect,
    action: &Action,
    req: &HttpRequest,
    pairs: &[(String, String)],
) -> Result<Map<String, Value>, ApiError> {
    let structs = |n: &str| d.structures.get(n).map(|s| s.fields.as_slice());
    let common: &[Param] = &d.header.common_params;
    let tc3_body = d.header.protocol == Protocol::Tc3 && tc3::applies(req) && !req.is_form();
    let content_type = req.header("content-type");
    let decoded = if tc3_body && multipart::applies(content_type) {
        let fields = multipart::parse(content_type.unwrap_or_default(), &req.body)
            .map_err(|e| resolve(d, "InvalidRequest", 200, e.to_string()))?;
        let mut own: Vec<(String, String)> = pairs.to_vec();
        own.extend(fields);
        own.retain(|(k, _)| !is_signature_param(k));
        params::decode_flat(&action.params, common, &own, &structs)
    } else if tc3_body {
        let body: Value = if req.body.is_empty() {
            Value::Object(Map::new())
        } else {
            serde_json::from_slice(&req.body).map_err(|e| {
                resolve(
                    d,
                    "InvalidParameter",
                    200,
                    format!("the body is not JSON: {e}"),
                )
            })?
        };
        let Value::Object(m) = body else {
            return Err(resolve(
                d,
                "InvalidParameter",
                200,
                "the body is not a JSON object".into(),
            ));
        };
        params::decode_json(&action.params, common, &m, &structs)
    } else {
        let own: Vec<(String, String)> = pairs
            .iter()
            .filter(|(k, _)| !is_signature_param(k))
            .cloned()
            .collect();
        params::decode_flat(&action.params, common, &own, &structs)
    }
    .map_err(|e| param_error(d, &e))?;
    if let Some(u) = decoded.unknown.iter().find(|u| sibling_param(d, action, u)) {
        return Err(resolve(
            d,
            UNSUPPORTED_PARAMETER,
            400,
            format!(
                "{u} is a parameter of other listener protocols than {}'s",
                action.name
            ),
        ));
    }
    if d.header.protocol == Protocol::Tc3 {
        if let Some(u) = decoded.unknown.first() {
            return Err(resolve(
                d,
                "UnknownParameter",
                200,
                format!("the parameter {u} is not recognized"),
            ));
        }
    }
    Ok(decoded.values)
}

const UNSUPPORTED_PARAMETER: &str = "UnsupportedParameter";
const FORBIDDEN: &str = "Forbidden";

/// Whether `name`, which `action` does not document, is a parameter of the same action for
/// another listener protocol (StickySession, HTTP's, sent to CreateLoadBalancerTCPListener):
/// SLB's UnsupportedParameter, where the dialect documents it. Other unknown names are ignored,
/// as Alibaba's RPC API ignores them.
fn sibling_param(d: &Dialect, action: &Action, name: &str) -> bool {
    let [own] = action.protocols.as_slice() else {
        return false;
    };
    if !d.all_errors().any(|e| e.code == UNSUPPORTED_PARAMETER) {
        return false;
    }
    let stem = action.name.replacen(&own.to_ascii_uppercase(), "{}", 1);
    d.actions.values().any(|a| {
        a.name != action.name
            && a.protocols.len() == 1
            && a.name == stem.replacen("{}", &a.protocols[0].to_ascii_uppercase(), 1)
            && a.params.iter().any(|p| p.name == name)
    })
}

/// The RAM chapter's cross-account access: `ResourceOwnerAccount` naming another account than
/// the caller's is denied (Forbidden, 403) unless that owner authorized the caller through RAM,
/// and the emulator holds no RAM authorizations. Naming one's own account is allowed.
fn owner(d: &Dialect, pairs: &[(String, String)], account: &str) -> Result<(), ApiError> {
    let Some(owner) = param(pairs, "ResourceOwnerAccount") else {
        return Ok(());
    };
    let documented = d.all_errors().any(|e| e.code == FORBIDDEN);
    if !documented || owner == account {
        return Ok(());
    }
    Err(resolve(
        d,
        FORBIDDEN,
        403,
        format!("{owner} has not authorized this caller through RAM"),
    ))
}

/// Parameters every scheme carries that are neither common nor the action's own.
fn is_signature_param(k: &str) -> bool {
    matches!(
        k,
        "Signature"
            | "SignatureMethod"
            | "SignatureVersion"
            | "SignatureNonce"
            | "SignatureType"
            | "Timestamp"
            | "Nonce"
            | "SecretId"
            | "AccessKeyId"
            | "RequestClient"
            | "Language"
            | "Token"
    )
}

fn success(
    d: &Dialect,
    action: &str,
    rid: &str,
    body: Map<String, Value>,
    format: Format,
) -> Rendered {
    match d.header.protocol {
        Protocol::Rpc => aliyun::success_owned(action, rid, body, format),
        Protocol::Tc3 => tencent::success(rid, &body),
        Protocol::V2 => v2::success(&body),
    }
}

fn error(d: &Dialect, e: &ApiError, rid: &str, format: Format) -> Rendered {
    let host = d.header.endpoints.first().cloned().unwrap_or_default();
    match d.header.protocol {
        Protocol::Rpc => aliyun::error(e.http_status, &e.code, &e.message, rid, &host, format),
        Protocol::Tc3 => tencent::error(&e.code, &e.message, rid),
        Protocol::V2 => v2::error(e.code.parse().unwrap_or(4000), &e.code, &e.message),
    }
}

/// A request no dialect claims: answered in the format it looks like.
fn unclaimed(em: &Emulator, req: &HttpRequest) -> Rendered {
    let rid = em.request_id();
    if looks_tencent(req) {
        // A Tencent request whose X-TC-Version no dialect serves: the document's NoSuchVersion.
        let documented = em
            .spec
            .dialect("tencent-clb")
            .and_then(|d| d.errors.iter().find(|e| e.code == "NoSuchVersion"));
        let message = documented.map_or("The API version does not exist.", |e| e.message.as_str());
        tencent::error("NoSuchVersion", message, &rid)
    } else {
        aliyun::error(400, "InvalidParameter", "the request names no supported Version (2014-05-15, 2017-11-10, 2018-03-17) or path /v2/index.php", &rid, "lbconform", Format::Xml)
    }
}
