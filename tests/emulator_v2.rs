//! The emulator answers HmacSHA256-signed legacy v2 requests on /v2/index.php: a load balancer
//! created asynchronously with its task polled by requestId, listeners, backends and their
//! health, and errors as numeric codes.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use lbconform::emulator::{admin, pipeline, Config, Emulator};
use lbconform::model::clock::ClockMode;
use lbconform::wire::response::v2;
use lbconform::wire::{encode, tencent_hmac, HttpRequest};
use serde_json::Value;

fn emulator() -> Emulator {
    let spec = Arc::new(lbconform::spec::load_default().unwrap());
    Emulator::new(
        spec,
        Config {
            clock: ClockMode::Manual,
            transition_delay_ms: 500,
            ..Config::default()
        },
    )
}

fn call(em: &Emulator, params: &[(&str, &str)]) -> Value {
    static NONCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let nonce = NONCE
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        .to_string();
    let common = [
        ("Region", "gz"),
        ("SecretId", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"),
        ("Timestamp", now.as_str()),
        ("Nonce", nonce.as_str()),
        ("SignatureMethod", "HmacSHA256"),
    ];
    let mut p: Vec<(String, String)> = common
        .iter()
        .chain(params)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    p.push((
        "Signature".into(),
        tencent_hmac::sign(
            "GET",
            "lb.api.qcloud.com",
            "/v2/index.php",
            &p,
            "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA",
        ),
    ));
    let query = encode::encode_pairs(p.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let req = HttpRequest {
        method: "GET".into(),
        host: "lb.api.qcloud.com".into(),
        path: "/v2/index.php".into(),
        query,
        ..Default::default()
    };
    let out = pipeline::handle(em, &req);
    assert_eq!(out.status, 200);
    v2::parse(200, &out.body).unwrap().body
}

fn advance(em: &Emulator, ms: u64) {
    let r = admin::handle(
        em,
        &HttpRequest {
            method: "POST".into(),
            path: "/_lbconform/clock/advance".into(),
            query: format!("ms={ms}"),
            ..Default::default()
        },
    );
    assert_eq!(r.status, 200);
}

#[test]
fn a_v2_lifecycle_with_tasks_listeners_backends_and_health() {
    let em = emulator();
    let r = call(
        &em,
        &[("Action", "CreateLoadBalancer"), ("loadBalancerType", "2")],
    );
    assert_eq!(r["code"], 0, "{r}");
    let deal = r["dealIds"][0].as_str().unwrap().to_string();
    let lb = r["unLoadBalancerIds"][&deal][0]
        .as_str()
        .unwrap()
        .to_string();
    let task = r["requestId"].as_u64().unwrap().to_string();
    assert_eq!(
        call(
            &em,
            &[
                ("Action", "DescribeLoadBalancersTaskResult"),
                ("requestId", task.as_str())
            ]
        )["data"]["status"],
        2
    );
    assert_eq!(
        call(
            &em,
            &[
                ("Action", "DescribeLoadBalancers"),
                ("loadBalancerIds.0", lb.as_str())
            ]
        )["loadBalancerSet"][0]["status"],
        0
    );
    advance(&em, 500);
    assert_eq!(
        call(
            &em,
            &[
                ("Action", "DescribeLoadBalancersTaskResult"),
                ("requestId", task.as_str())
            ]
        )["data"]["status"],
        0
    );
    assert_eq!(
        call(
            &em,
            &[
                ("Action", "DescribeLoadBalancers"),
                ("loadBalancerIds.0", lb.as_str())
            ]
        )["loadBalancerSet"][0]["status"],
        1
    );
    let r = call(
        &em,
        &[
            ("Action", "CreateLoadBalancerListeners"),
            ("loadBalancerId", lb.as_str()),
            ("listeners.0.loadBalancerPort", "80"),
            ("listeners.0.instancePort", "8080"),
            ("listeners.0.protocol", "2"),
        ],
    );
    assert_eq!(r["code"], 0, "{r}");
    let r = call(
        &em,
        &[
            ("Action", "RegisterInstancesWithLoadBalancer"),
            ("loadBalancerId", lb.as_str()),
            ("backends.0.instanceId", "ins-1"),
            ("backends.0.weight", "10"),
        ],
    );
    assert_eq!(r["code"], 0, "{r}");
    let h = call(
        &em,
        &[
            ("Action", "DescribeLBHealthStatus"),
            ("loadBalancerId", lb.as_str()),
        ],
    );
    assert_eq!(
        (
            h["data"][0]["vport"].as_i64(),
            h["data"][0]["healthStatus"].as_i64()
        ),
        (Some(80), Some(1)),
        "{h}"
    );
    let r = call(
        &em,
        &[
            ("Action", "CreateLoadBalancerListeners"),
            ("loadBalancerId", lb.as_str()),
            ("listeners.0.loadBalancerPort", "70000"),
            ("listeners.0.instancePort", "8080"),
            ("listeners.0.protocol", "2"),
        ],
    );
    assert_eq!(r["code"], 4000, "a port out of range: {r}");
    let r = call(
        &em,
        &[
            ("Action", "DescribeLoadBalancerListeners"),
            ("loadBalancerId", lb.as_str()),
        ],
    );
    assert_eq!(r["totalCount"], 1);
    let r = call(
        &em,
        &[
            ("Action", "DescribeLoadBalancers"),
            ("loadBalancerIds.0", "lb-nope0000"),
        ],
    );
    assert_eq!(r["totalCount"], 0);
    assert_eq!(
        call(
            &em,
            &[
                ("Action", "DeleteLoadBalancers"),
                ("loadBalancerIds.0", "lb-nope0000")
            ]
        )["code"],
        5000
    );
}
