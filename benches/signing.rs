//! Sign and verify for each scheme (target: verifying a signature under 5 µs).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use lbconform::wire::{acs3, aliyun_v1, tc3, tencent_hmac, HttpRequest};

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

criterion_group!(benches, bench);
criterion_main!(benches);
