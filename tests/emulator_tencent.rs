//! The emulator answers TC3-signed Tencent CLB 3.0 requests: a load balancer created
//! asynchronously (Status 0, then 1) with its task polled by RequestId (2, then 0), listeners,
//! targets whose health goes Unknown -> Alive or Dead, and errors in Tencent's envelope.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use lbconform::emulator::{admin, pipeline, Config, Emulator};
use lbconform::model::clock::ClockMode;
use lbconform::wire::response::tencent;
use lbconform::wire::{tc3, HttpRequest};
use serde_json::{json, Value};

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

fn call(em: &Emulator, action: &str, body: Value) -> Value {
    call_version(em, action, "2018-03-17", body)
}

fn call_version(em: &Emulator, action: &str, version: &str, body: Value) -> Value {
    call_in(em, action, version, "ap-guangzhou", body)
}

fn call_in(em: &Emulator, action: &str, version: &str, region: &str, body: Value) -> Value {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut req = HttpRequest {
        method: "POST".into(),
        host: "clb.tencentcloudapi.com".into(),
        path: "/".into(),
        body: serde_json::to_vec(&body).unwrap(),
        ..Default::default()
    };
    req.set_header("Content-Type", "application/json");
    req.set_header("Host", "clb.tencentcloudapi.com");
    req.set_header("X-TC-Action", action);
    req.set_header("X-TC-Version", version);
    req.set_header("X-TC-Region", region);
    tc3::sign(
        &mut req,
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA",
        "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA",
        "clb",
        now,
    );
    let out = pipeline::handle(em, &req);
    assert_eq!(out.status, 200, "Tencent answers everything with 200");
    tencent::parse(200, &out.body).unwrap().body
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

fn code(v: &Value) -> &str {
    v["Error"]["Code"].as_str().unwrap_or("")
}

#[test]
fn a_load_balancer_is_created_asynchronously_and_its_task_is_polled() {
    let em = emulator();
    let r = call(
        &em,
        "CreateLoadBalancer",
        json!({"LoadBalancerType": "OPEN"}),
    );
    let lb = r["LoadBalancerIds"][0].as_str().unwrap().to_string();
    assert!(
        lb.starts_with("lb-") && lb.len() == 11,
        "Tencent's id shape: {lb}"
    );
    let task = r["RequestId"].as_str().unwrap().to_string();
    assert_eq!(
        call(&em, "DescribeTaskStatus", json!({"TaskId": task}))["Status"],
        2
    );
    assert_eq!(
        call(
            &em,
            "DescribeLoadBalancers",
            json!({"LoadBalancerIds": [lb]})
        )["LoadBalancerSet"][0]["Status"],
        0
    );
    let early = call(
        &em,
        "CreateListener",
        json!({"LoadBalancerId": lb, "Ports": [80], "Protocol": "TCP"}),
    );
    assert_eq!(
        code(&early),
        "FailedOperation.ResourceInOperating",
        "{early}"
    );
    advance(&em, 500);
    assert_eq!(
        call(&em, "DescribeTaskStatus", json!({"TaskId": task}))["Status"],
        0
    );
    assert_eq!(
        call(
            &em,
            "DescribeLoadBalancers",
            json!({"LoadBalancerIds": [lb]})
        )["LoadBalancerSet"][0]["Status"],
        1
    );
}

#[test]
fn listeners_and_targets_report_health() {
    let em = emulator();
    let lb = call(
        &em,
        "CreateLoadBalancer",
        json!({"LoadBalancerType": "OPEN"}),
    )["LoadBalancerIds"][0]
        .as_str()
        .unwrap()
        .to_string();
    advance(&em, 500);
    let r = call(
        &em,
        "CreateListener",
        json!({"LoadBalancerId": lb, "Ports": [80], "Protocol": "TCP", "HealthCheck": {"HealthSwitch": 1, "TimeOut": 2, "IntervalTime": 5}}),
    );
    let listener = r["ListenerIds"][0].as_str().unwrap().to_string();
    assert!(listener.starts_with("lbl-"), "{r}");
    let r = call(
        &em,
        "RegisterTargets",
        json!({"LoadBalancerId": lb, "ListenerId": listener, "Targets": [{"InstanceId": "ins-1", "Port": 8080}, {"InstanceId": "ins-2", "Port": 8080, "Weight": 50}]}),
    );
    assert!(r.get("Error").is_none(), "{r}");
    let health = |em: &Emulator| {
        call(em, "DescribeTargetHealth", json!({"LoadBalancerIds": [lb]}))["LoadBalancers"][0]
            ["Listeners"][0]["Rules"][0]["Targets"]
            .clone()
    };
    assert_eq!(health(&em)[0]["HealthStatusDetail"], "Unknown");
    advance(&em, 500);
    let r = admin::handle(
        &em,
        &HttpRequest {
            method: "POST".into(),
            path: "/_lbconform/health".into(),
            query: "server=ins-2&status=Dead".into(),
            ..Default::default()
        },
    );
    assert_eq!(r.status, 200);
    let h = health(&em);
    assert_eq!(
        (
            h[0]["HealthStatusDetail"].as_str(),
            h[0]["HealthStatus"].as_bool()
        ),
        (Some("Alive"), Some(true))
    );
    assert_eq!(
        (
            h[1]["HealthStatusDetail"].as_str(),
            h[1]["HealthStatus"].as_bool()
        ),
        (Some("Dead"), Some(false))
    );
    let dup = call(
        &em,
        "RegisterTargets",
        json!({"LoadBalancerId": lb, "ListenerId": listener, "Targets": [{"InstanceId": "ins-1", "Port": 8080}]}),
    );
    assert_eq!(code(&dup), "InvalidParameterValue.Duplicate");
    let listed = call(&em, "DescribeListeners", json!({"LoadBalancerId": lb}));
    assert_eq!(listed["TotalCount"], 1);
    assert!(call(
        &em,
        "DeleteListener",
        json!({"LoadBalancerId": lb, "ListenerId": listener})
    )
    .get("Error")
    .is_none());
    assert_eq!(
        call(&em, "DescribeListeners", json!({"LoadBalancerId": lb}))["TotalCount"],
        0
    );
}

#[test]
fn invalid_requests_get_tencent_codes_and_change_nothing() {
    let em = emulator();
    let lb = call(
        &em,
        "CreateLoadBalancer",
        json!({"LoadBalancerType": "OPEN"}),
    )["LoadBalancerIds"][0]
        .as_str()
        .unwrap()
        .to_string();
    advance(&em, 500);
    let bad_timeout = call(
        &em,
        "CreateListener",
        json!({"LoadBalancerId": lb, "Ports": [80], "Protocol": "TCP", "HealthCheck": {"TimeOut": 5, "IntervalTime": 5}}),
    );
    assert_eq!(
        code(&bad_timeout),
        "InvalidParameterValue",
        "TimeOut must be less than IntervalTime: {bad_timeout}"
    );
    assert_eq!(
        code(&call(
            &em,
            "CreateListener",
            json!({"LoadBalancerId": lb, "Ports": [80], "Protocol": "SCTP"})
        )),
        "InvalidParameterValue"
    );
    assert_eq!(
        code(&call(
            &em,
            "CreateListener",
            json!({"LoadBalancerId": lb, "Ports": [80]})
        )),
        "MissingParameter"
    );
    assert_eq!(
        code(&call(
            &em,
            "CreateListener",
            json!({"LoadBalancerId": lb, "Ports": [80], "Protocol": "TCP", "Bogus": 1})
        )),
        "UnknownParameter"
    );
    assert_eq!(
        code(&call(
            &em,
            "CreateListener",
            json!({"LoadBalancerId": lb, "Ports": "80", "Protocol": "TCP"})
        )),
        "InvalidParameter"
    );
    assert_eq!(code(&call(&em, "NoSuchAction", json!({}))), "InvalidAction");
    assert_eq!(
        code(&call(
            &em,
            "DescribeListeners",
            json!({"LoadBalancerId": "lb-nope"})
        )),
        "InvalidParameter.LBIdNotFound"
    );
    assert_eq!(
        call(&em, "DescribeListeners", json!({"LoadBalancerId": lb}))["TotalCount"],
        0
    );
}

fn transition(em: &Emulator, id: &str, trigger: &str) -> (u16, Value) {
    let r = admin::handle(
        em,
        &HttpRequest {
            method: "POST".into(),
            path: "/_lbconform/transition".into(),
            query: format!("id={id}&trigger={trigger}"),
            ..Default::default()
        },
    );
    (r.status, serde_json::from_slice(&r.body).unwrap())
}

#[test]
fn internal_transitions_are_fired_through_the_admin_endpoint() {
    let em = emulator();
    let b = call(
        &em,
        "CreateLoadBalancer",
        json!({"LoadBalancerType": "OPEN"}),
    );
    let lb = b["LoadBalancerIds"][0].as_str().unwrap().to_string();
    // Still creating: the machine has no expiry from there.
    assert_eq!(transition(&em, &lb, "internal:expire").0, 409);
    advance(&em, 1000);
    let (s, v) = transition(&em, &lb, "internal:expire");
    assert_eq!((s, v["state"].as_str()), (200, Some("isolated")), "{v}");
    assert_eq!(transition(&em, &lb, "internal:renew").1["state"], "running");
    assert_eq!(
        transition(&em, &lb, "DeleteLoadBalancer").0,
        400,
        "actions go through the API"
    );
}

#[test]
fn an_unknown_api_version_is_no_such_version_and_creates_nothing() {
    let em = emulator();
    let answer = call_version(
        &em,
        "CreateLoadBalancer",
        "2099-01-01",
        json!({"LoadBalancerType": "OPEN"}),
    );
    assert_eq!(code(&answer), "NoSuchVersion", "{answer}");
    let list = call(&em, "DescribeLoadBalancers", json!({}));
    assert_eq!(list["TotalCount"], 0, "{list}");
}

#[test]
fn the_x_tc_region_header_must_name_a_documented_region() {
    let em = emulator();
    let lbs = |region: &str| {
        call_in(
            &em,
            "DescribeLoadBalancers",
            "2018-03-17",
            region,
            json!({}),
        )
    };
    // DescribeLoadBalancers documents InvalidParameter.RegionNotFound; CreateLoadBalancer does
    // not, and gets the common UnsupportedRegion.
    assert_eq!(code(&lbs("ap-nowhere")), "InvalidParameter.RegionNotFound");
    let create = json!({"LoadBalancerType": "OPEN"});
    let answer = call_in(
        &em,
        "CreateLoadBalancer",
        "2018-03-17",
        "ap-nowhere",
        create,
    );
    assert_eq!(code(&answer), "UnsupportedRegion", "{answer}");
    assert_eq!(lbs("ap-guangzhou")["TotalCount"], 0);
    // Every region of the 地域列表 is accepted.
    let spec = lbconform::spec::load_default().unwrap();
    for r in &spec.dialect("tencent-clb").unwrap().regions.regions {
        assert_eq!(code(&lbs(&r.id)), "", "{}", r.id);
    }
}
