//! Sign and verify for each scheme (target: verifying a signature under 5 µs).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use lbconform::spec::{self, Param};
use lbconform::wire::response::aliyun::{self, Format};
use lbconform::wire::{acs3, aliyun_v1, params, tc3, tencent_hmac, HttpRequest};
use serde_json::json;

fn creds(id: &str) -> Option<String> {
    (id == "testid").then(|| "testsecret".to_string())
}

/// A typical DescribeLoadBalancers-sized parameter set.
fn params(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let base = [
        ("Action", "DescribeLoadBalancers"),
        ("Format", "JSON"),
        ("Version", "2014-05-15"),
        ("RegionId", "cn-hangzhou"),
        ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
        ("SignatureVersion", "1.0"),
        ("PageNumber", "1"),
        ("PageSize", "50"),
    ];
    base.iter()
        .chain(extra)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut p = params(&[
        ("AccessKeyId", "testid"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("Timestamp", "2024-01-01T00:00:00Z"),
    ]);
    c.bench_function("aliyun_v1/sign", |b| {
        b.iter(|| aliyun_v1::sign("GET", black_box(&p), "testsecret"))
    });
    p.push(("Signature".into(), aliyun_v1::sign("GET", &p, "testsecret")));
    let req = HttpRequest {
        method: "GET".into(),
        host: "slb.aliyuncs.com".into(),
        path: "/".into(),
        ..Default::default()
    };
    c.bench_function("aliyun_v1/verify", |b| {
        b.iter(|| aliyun_v1::verify(&req, black_box(&p), &creds).unwrap())
    });

    let mut t = params(&[
        ("SecretId", "testid"),
        ("SignatureMethod", "HmacSHA256"),
        ("Timestamp", "1465185768"),
        ("Nonce", "1"),
    ]);
    t.push((
        "Signature".into(),
        tencent_hmac::sign(
            "GET",
            "lb.api.qcloud.com",
            "/v2/index.php",
            &t,
            "testsecret",
        ),
    ));
    let treq = HttpRequest {
        method: "GET".into(),
        host: "lb.api.qcloud.com".into(),
        path: "/v2/index.php".into(),
        ..Default::default()
    };
    c.bench_function("tencent_hmac_sha256/verify", |b| {
        b.iter(|| tencent_hmac::verify(&treq, black_box(&t), &creds).unwrap())
    });

    let mut r = HttpRequest {
        method: "POST".into(),
        host: "clb.tencentcloudapi.com".into(),
        path: "/".into(),
        body: br#"{"LoadBalancerIds":["lb-12345678"],"Limit":20,"Offset":0}"#.to_vec(),
        ..Default::default()
    };
    r.set_header("Content-Type", "application/json");
    r.set_header("X-TC-Action", "DescribeLoadBalancers");
    c.bench_function("tc3/sign", |b| {
        b.iter(|| {
            let mut x = r.clone();
            tc3::sign(&mut x, "testid", "testsecret", "clb", 1551113065);
            x
        })
    });
    tc3::sign(&mut r, "testid", "testsecret", "clb", 1551113065);
    c.bench_function("tc3/verify", |b| {
        b.iter(|| tc3::verify(black_box(&r), "clb", &creds).unwrap())
    });

    let mut a = HttpRequest {
        method: "POST".into(),
        host: "slb.aliyuncs.com".into(),
        path: "/".into(),
        query: "RegionId=cn-hangzhou&PageSize=50&PageNumber=1".into(),
        ..Default::default()
    };
    for (k, v) in [
        ("host", "slb.aliyuncs.com"),
        ("x-acs-action", "DescribeLoadBalancers"),
        ("x-acs-version", "2014-05-15"),
        ("x-acs-date", "2024-01-01T00:00:00Z"),
        ("x-acs-signature-nonce", "abc"),
    ] {
        a.set_header(k, v);
    }
    acs3::sign(&mut a, "testid", "testsecret");
    c.bench_function("acs3/verify", |b| {
        b.iter(|| acs3::verify(black_box(&a), &creds).unwrap())
    });
}

/// A signed AddBackendServers form POST: decode the form, verify, type the parameters against the
/// spec (the BackendServers JSON list included), and render the XML answer.
fn decode_and_render(c: &mut Criterion) {
    let spec = spec::load_default().expect("the spec loads");
    let slb = spec
        .dialect("aliyun-slb")
        .expect("aliyun-slb is in the spec");
    let action = slb
        .action("AddBackendServers")
        .expect("AddBackendServers is in the spec");
    let common = &slb.header.common_params;
    let mut p: Vec<(String, String)> = [
        ("Action", "AddBackendServers"),
        ("Version", "2014-05-15"),
        ("AccessKeyId", "testid"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
        ("Timestamp", "2024-01-01T00:00:00Z"),
        ("RegionId", "cn-hangzhou"),
        ("LoadBalancerId", "lb-bp1of5kr4md52rbv9q7jd"),
        (
            "BackendServers",
            r#"[{"ServerId":"i-bp1a","Weight":"100"},{"ServerId":"i-bp1b","Weight":"50"}]"#,
        ),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    p.push((
        "Signature".into(),
        aliyun_v1::sign("POST", &p, "testsecret"),
    ));
    let body =
        lbconform::wire::encode::encode_pairs(p.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let mut req = HttpRequest {
        method: "POST".into(),
        host: "slb.aliyuncs.com".into(),
        path: "/".into(),
        body: body.into_bytes(),
        ..Default::default()
    };
    req.set_header("Content-Type", "application/x-www-form-urlencoded");
    let no_structs = |_: &str| -> Option<&[Param]> { None };
    let payload = json!({"LoadBalancerId": "lb-bp1of5kr4md52rbv9q7jd", "BackendServers": {"BackendServer": [{"ServerId": "i-bp1a", "Weight": 100}, {"ServerId": "i-bp1b", "Weight": 50}]}});
    let payload = payload.as_object().unwrap();
    c.bench_function("aliyun/decode_verify_type_render", |b| {
        b.iter(|| {
            let pairs = black_box(&req).rpc_params().unwrap();
            aliyun_v1::verify(&req, &pairs, &creds).unwrap();
            let typed = params::decode_flat(&action.params, common, &pairs, &no_structs).unwrap();
            black_box(typed);
            aliyun::success(
                "AddBackendServers",
                "4C467B38-3910-447D-87BC-AC049166F216",
                payload,
                Format::Xml,
            )
        })
    });
}

criterion_group!(benches, bench, decode_and_render);
criterion_main!(benches);
