//! The documented limits the emulator enforces: quotas (always), request rates (only when
//! turned on, a token bucket on the model clock per action, region and account), request and
//! response sizes, and v2's HTTPS-only rule, unknown-version actions, partial batches and
//! project ids.

mod common;

use std::sync::Arc;

use common::tc3::{call, call_in, code};
use common::{admin, admin_request, v2};
use lbconform::emulator::{admin, pipeline, server, Config, Emulator};
use lbconform::wire::response::tencent;
use lbconform::wire::HttpRequest;
use serde_json::{json, Value};

fn emulator(config: Config) -> Emulator {
    common::emulator_with(500, config)
}

/// The v2 answer: (code, message, body).
fn v2_call(em: &Emulator, params: &[(&str, &str)]) -> (i64, String, Value) {
    let v = v2::call(em, params);
    (
        v["code"].as_i64().unwrap(),
        v["message"].as_str().unwrap_or_default().to_string(),
        v,
    )
}

/// A load balancer whose creation task has completed.
fn load_balancer(em: &Emulator) -> String {
    let r = call(
        em,
        "CreateLoadBalancer",
        json!({"LoadBalancerType": "OPEN"}),
    );
    admin(em, "clock/advance", "ms=1000");
    r["LoadBalancerIds"][0].as_str().unwrap().to_string()
}

#[test]
fn rates_are_off_by_default() {
    let em = emulator(Config::default());
    for _ in 0..100 {
        assert_eq!(code(&call(&em, "DescribeLoadBalancers", json!({}))), "");
    }
}

#[test]
fn a_burst_past_the_documented_rate_is_refused_until_the_bucket_refills() {
    let em = emulator(Config {
        rate_limits: true,
        ..Config::default()
    });
    for i in 0..20 {
        let r = call(&em, "DescribeLoadBalancers", json!({}));
        assert_eq!(code(&r), "", "call {i} of the documented 20 per second");
    }
    let r = call(&em, "DescribeLoadBalancers", json!({}));
    assert_eq!(code(&r), "RequestLimitExceeded");
    // A refused call takes no token; other regions and actions have their own buckets.
    let r = call_in(&em, "DescribeLoadBalancers", "ap-shanghai", json!({}));
    assert_eq!(code(&r), "");
    assert_eq!(
        code(&call(&em, "DescribeLoadBalancersDetail", json!({}))),
        ""
    );
    // 50 ms refill one token (20 per second), not more.
    admin(&em, "clock/advance", "ms=50");
    assert_eq!(code(&call(&em, "DescribeLoadBalancers", json!({}))), "");
    assert_eq!(
        code(&call(&em, "DescribeLoadBalancers", json!({}))),
        "RequestLimitExceeded"
    );
    // A long pause refills one second's worth only.
    admin(&em, "clock/advance", "ms=60000");
    for _ in 0..20 {
        assert_eq!(code(&call(&em, "DescribeLoadBalancers", json!({}))), "");
    }
    assert_eq!(
        code(&call(&em, "DescribeLoadBalancers", json!({}))),
        "RequestLimitExceeded"
    );
}

#[test]
fn the_admin_endpoint_turns_rates_on_and_off() {
    let em = emulator(Config::default());
    let v = admin(&em, "limits", "");
    assert_eq!(v["rate"], "off");
    assert_eq!(
        admin(&em, "limits", "rate=documented")["rate"],
        "documented"
    );
    for _ in 0..20 {
        call(&em, "DescribeLoadBalancers", json!({}));
    }
    assert_eq!(
        code(&call(&em, "DescribeLoadBalancers", json!({}))),
        "RequestLimitExceeded"
    );
    // Turned on again: fresh buckets.
    admin(&em, "limits", "rate=documented");
    assert_eq!(code(&call(&em, "DescribeLoadBalancers", json!({}))), "");
    admin(&em, "limits", "rate=off");
    for _ in 0..40 {
        assert_eq!(code(&call(&em, "DescribeLoadBalancers", json!({}))), "");
    }
    let bad = admin::handle(&em, &admin_request("limits", "rate=fast"));
    assert_eq!(bad.status, 400);
}

#[test]
fn v2_has_its_request_quota_answered_4400() {
    let em = emulator(Config {
        rate_limits: true,
        ..Config::default()
    });
    for _ in 0..20 {
        assert_eq!(v2_call(&em, &[("Action", "DescribeLoadBalancers")]).0, 0);
    }
    assert_eq!(v2_call(&em, &[("Action", "DescribeLoadBalancers")]).0, 4400);
}

#[test]
fn the_listener_quota_refuses_the_51st_and_creates_nothing() {
    let em = emulator(Config::default());
    let lb = load_balancer(&em);
    let ports: Vec<u32> = (1..=50).collect();
    let r = call(
        &em,
        "CreateListener",
        json!({"LoadBalancerId": lb, "Ports": ports, "Protocol": "TCP"}),
    );
    assert_eq!(code(&r), "");
    let r = call(
        &em,
        "CreateListener",
        json!({"LoadBalancerId": lb, "Ports": [51, 52], "Protocol": "UDP"}),
    );
    assert_eq!(code(&r), "LimitExceeded");
    let r = call(&em, "DescribeListeners", json!({"LoadBalancerId": lb}));
    assert_eq!(r["TotalCount"], 50);
    // Deleting one frees its place.
    let id = r["Listeners"][0]["ListenerId"].clone();
    call(
        &em,
        "DeleteListener",
        json!({"LoadBalancerId": lb, "ListenerId": id}),
    );
    admin(&em, "clock/advance", "ms=1000");
    let r = call(
        &em,
        "CreateListener",
        json!({"LoadBalancerId": lb, "Ports": [51], "Protocol": "UDP"}),
    );
    assert_eq!(code(&r), "");
}

#[test]
fn requests_over_the_documented_sizes_are_refused() {
    let em = emulator(Config::default());
    let big = |n: usize| json!({"LoadBalancerName": "x".repeat(n)});
    // TC3 JSON: 10 MB allowed, so 2 MB passes the size check.
    let r = call(&em, "DescribeLoadBalancers", big(2_000_000));
    assert_ne!(code(&r), "RequestSizeLimitExceeded");
    // A GET over 32 KB, before its signature is even looked at.
    let get = HttpRequest {
        method: "GET".into(),
        host: "clb.tencentcloudapi.com".into(),
        path: "/".into(),
        query: format!(
            "Action=DescribeLoadBalancers&Version=2018-03-17&LoadBalancerName={}",
            "x".repeat(33 * 1024)
        ),
        ..Default::default()
    };
    let out = pipeline::handle(&em, &get);
    let v = tencent::parse(200, &out.body).unwrap().body;
    assert_eq!(code(&v), "RequestSizeLimitExceeded");
    // A form POST over 1 MB.
    let mut form = HttpRequest {
        method: "POST".into(),
        host: "clb.tencentcloudapi.com".into(),
        path: "/".into(),
        body: format!(
            "Action=DescribeLoadBalancers&Version=2018-03-17&LoadBalancerName={}",
            "x".repeat(1024 * 1024)
        )
        .into_bytes(),
        ..Default::default()
    };
    form.set_header("Content-Type", "application/x-www-form-urlencoded");
    let v = tencent::parse(200, &pipeline::handle(&em, &form).body)
        .unwrap()
        .body;
    assert_eq!(code(&v), "RequestSizeLimitExceeded");
}

#[tokio::test]
async fn the_server_never_reads_a_body_past_its_bound_and_answers_in_the_dialect() {
    let em = Arc::new(emulator(Config::default()));
    let addr = server::spawn(em).await.unwrap();
    let http = reqwest::Client::new();
    let body = vec![b' '; 10 * 1024 * 1024 + 1];
    let r = http
        .post(format!("http://{addr}/"))
        .header("X-TC-Version", "2018-03-17")
        .header("X-TC-Action", "DescribeLoadBalancers")
        .header("Content-Type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v = tencent::parse(200, &r.bytes().await.unwrap()).unwrap().body;
    assert_eq!(code(&v), "RequestSizeLimitExceeded");
    // A dialect documenting no size limit: plain 413.
    let r = http
        .post(format!("http://{addr}/?Version=2014-05-15"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
}

#[test]
fn an_answer_over_the_documented_size_is_refused() {
    let spec = lbconform::spec::load_default().unwrap();
    let em = emulator(Config::default());
    let d = spec.dialect("tencent-clb").unwrap();
    let limit = 50 * 1024 * 1024;
    assert!(em.limits.response_size(d, limit).is_none());
    let r = em.limits.response_size(d, limit + 1).unwrap();
    assert_eq!(r.code, "ResponseSizeLimitExceeded");
    // SLB documents no answer size.
    assert!(em
        .limits
        .response_size(spec.dialect("aliyun-slb").unwrap(), usize::MAX)
        .is_none());
}

#[test]
fn v2_https_only_answers_plain_http_4600_and_lets_a_terminated_request_through() {
    let em = emulator(Config {
        https_only: true,
        ..Config::default()
    });
    assert_eq!(v2_call(&em, &[("Action", "DescribeLoadBalancers")]).0, 4600);
    let mut req = v2::request(&[("Action", "DescribeLoadBalancers")]);
    req.set_header("X-Forwarded-Proto", "https");
    let v: Value = serde_json::from_slice(&pipeline::handle(&em, &req).body).unwrap();
    assert_eq!(v["code"], 0);
    // Tencent 3.0 documents no such rule.
    assert_eq!(code(&call(&em, "DescribeLoadBalancers", json!({}))), "");
}

#[test]
fn v2_answers_an_action_of_another_version_6100_and_an_unknown_one_4000() {
    let em = emulator(Config::default());
    assert_eq!(v2_call(&em, &[("Action", "CreateListener")]).0, 6100);
    assert_eq!(v2_call(&em, &[("Action", "NoSuchActionAnywhere")]).0, 4000);
}

#[test]
fn v2_checks_project_ids_against_the_account() {
    let mut config = Config::default();
    config.accounts.add_project("tencent-1", 1001);
    let em = emulator(config);
    let (c, m, _) = v2_call(
        &em,
        &[
            ("Action", "CreateLoadBalancer"),
            ("loadBalancerType", "2"),
            ("projectId", "424242"),
        ],
    );
    assert_eq!((c, m.as_str()), (5100, "(100004) projectId is incorrect"));
    let (_, _, all) = v2_call(&em, &[("Action", "DescribeLoadBalancers")]);
    assert_eq!(all["totalCount"], 0, "a refused create creates nothing");
    for project in ["0", "1001"] {
        let (c, _, _) = v2_call(
            &em,
            &[
                ("Action", "CreateLoadBalancer"),
                ("loadBalancerType", "2"),
                ("projectId", project),
            ],
        );
        assert_eq!(c, 0, "project {project}");
    }
}

#[test]
fn v2_a_partly_failing_batch_acts_on_the_rest_and_answers_5400() {
    let em = emulator(Config::default());
    let (_, _, r) = v2_call(
        &em,
        &[("Action", "CreateLoadBalancer"), ("loadBalancerType", "2")],
    );
    let deal = r["dealIds"][0].as_str().unwrap().to_string();
    let lb = r["unLoadBalancerIds"][&deal][0]
        .as_str()
        .unwrap()
        .to_string();
    admin(&em, "clock/advance", "ms=1000");
    let (c, m, _) = v2_call(
        &em,
        &[
            ("Action", "DeleteLoadBalancers"),
            ("loadBalancerIds.0", &lb),
            ("loadBalancerIds.1", "lb-0000dead"),
        ],
    );
    assert_eq!(c, 5400, "{m}");
    assert!(m.contains("lb-0000dead"), "{m}");
    let (_, _, all) = v2_call(&em, &[("Action", "DescribeLoadBalancers")]);
    assert_eq!(all["totalCount"], 0, "the existing one was deleted");
    let (c, _, _) = v2_call(
        &em,
        &[
            ("Action", "DeleteLoadBalancers"),
            ("loadBalancerIds.0", "lb-0000dead"),
        ],
    );
    assert_eq!(c, 5000, "nothing exists: not found, not partial");
}

fn created_count(em: &Emulator, region: &str) -> u64 {
    let r = call_in(em, "DescribeLoadBalancers", region, json!({}));
    r["TotalCount"].as_u64().unwrap()
}

#[test]
fn a_region_out_of_room_refuses_creates_with_resource_insufficient_and_makes_nothing() {
    let em = emulator(Config::default());
    let open = || json!({"LoadBalancerType": "OPEN"});
    // Unlimited by default.
    assert_eq!(admin(&em, "capacity", ""), json!({"free": []}));
    admin(&em, "capacity", "region=ap-shanghai&free=2");
    let r = call_in(
        &em,
        "CreateLoadBalancer",
        "ap-shanghai",
        json!({"LoadBalancerType": "OPEN", "Number": 3}),
    );
    assert_eq!(code(&r), "ResourceInsufficient");
    assert_eq!(
        created_count(&em, "ap-shanghai"),
        0,
        "a refused create makes none"
    );
    let r = call_in(
        &em,
        "CreateLoadBalancer",
        "ap-shanghai",
        json!({"LoadBalancerType": "OPEN", "Number": 2}),
    );
    assert_eq!(r["LoadBalancerIds"].as_array().map(Vec::len), Some(2));
    let settings = json!({"free": [{"region": "ap-shanghai", "kind": "*", "free": 0}]});
    assert_eq!(admin(&em, "capacity", ""), settings);
    let r = call_in(&em, "CreateLoadBalancer", "ap-shanghai", open());
    assert_eq!(code(&r), "ResourceInsufficient");
    // Other regions have room; `*` limits every region not set on its own.
    assert_eq!(code(&call(&em, "CreateLoadBalancer", open())), "");
    admin(&em, "capacity", "region=*&free=0");
    assert_eq!(
        code(&call(&em, "CreateLoadBalancer", open())),
        "ResourceInsufficient"
    );
    admin(&em, "capacity", "region=ap-shanghai&free=unlimited");
    let r = call_in(&em, "CreateLoadBalancer", "ap-shanghai", open());
    assert_eq!(
        code(&r),
        "ResourceInsufficient",
        "lifted, the region draws on `*`"
    );
    admin(&em, "capacity", "region=*&free=unlimited");
    let r = call_in(&em, "CreateLoadBalancer", "ap-shanghai", open());
    assert_eq!(
        code(&r),
        "",
        "with no limit left, the region has room again"
    );
    // A reset forgets every limit.
    admin(&em, "reset", "");
    assert_eq!(admin(&em, "capacity", ""), json!({"free": []}));
}

#[test]
fn a_kind_out_of_room_leaves_other_kinds_their_room() {
    let em = emulator(Config::default());
    let lb = load_balancer(&em);
    admin(&em, "capacity", "region=*&kind=load_balancer&free=0");
    let r = call(
        &em,
        "CreateLoadBalancer",
        json!({"LoadBalancerType": "OPEN"}),
    );
    assert_eq!(code(&r), "ResourceInsufficient");
    let listener = |port: u32| {
        call(
            &em,
            "CreateListener",
            json!({"LoadBalancerId": lb, "Ports": [port], "Protocol": "TCP"}),
        )
    };
    assert_eq!(code(&listener(80)), "", "listeners draw on their own room");
    // CreateListener's table lists ResourceInsufficient too: listeners can run out.
    admin(&em, "capacity", "region=*&kind=listener&free=0");
    admin(&em, "clock/advance", "ms=1000");
    assert_eq!(code(&listener(81)), "ResourceInsufficient");
}

#[test]
fn creates_whose_table_lacks_the_code_never_run_out() {
    let em = emulator(Config::default());
    admin(&em, "capacity", "region=*&free=0");
    // CreateTargetGroup's table does not list ResourceInsufficient, so no create of one is
    // refused with it.
    let r = call(&em, "CreateTargetGroup", json!({"TargetGroupName": "tg"}));
    assert_eq!(code(&r), "");
    assert!(
        r["TargetGroupId"].as_str().is_some_and(|id| !id.is_empty()),
        "{r}"
    );
}

#[test]
fn the_capacity_endpoint_refuses_malformed_settings_and_changes_nothing() {
    let em = emulator(Config::default());
    for query in [
        "region=ap-shanghai",
        "free=1",
        "region=ap-shanghai&free=lots",
        "region=&free=1",
    ] {
        let r = admin::handle(
            &em,
            &HttpRequest {
                method: "POST".into(),
                path: "/_lbconform/capacity".into(),
                query: query.into(),
                ..Default::default()
            },
        );
        assert_eq!(r.status, 400, "{query}");
    }
    assert_eq!(admin(&em, "capacity", ""), json!({"free": []}));
}

#[test]
fn the_per_region_instance_quota_refuses_the_101st_public_instance_and_creates_none() {
    let em = emulator(Config::default());
    let create = |region: &str, kind: &str, n: u64| {
        let mut body = json!({"LoadBalancerType": kind, "Number": n});
        if kind == "INTERNAL" {
            body["VpcId"] = json!("vpc-lbconform");
            body["SubnetId"] = json!("subnet-lbconform");
        }
        call_in(&em, "CreateLoadBalancer", region, body)
    };
    for _ in 0..4 {
        assert_eq!(code(&create("ap-shanghai", "OPEN", 20)), "");
    }
    assert_eq!(code(&create("ap-shanghai", "OPEN", 19)), "");
    // 99 held: 2 more would pass 100, and none of them is made.
    let r = create("ap-shanghai", "OPEN", 2);
    assert_eq!(code(&r), "LimitExceeded", "{r}");
    assert_eq!(created_count(&em, "ap-shanghai"), 99);
    assert_eq!(code(&create("ap-shanghai", "OPEN", 1)), "");
    assert_eq!(code(&create("ap-shanghai", "OPEN", 1)), "LimitExceeded");
    // Private instances and other regions have quotas of their own.
    let r = create("ap-shanghai", "INTERNAL", 1);
    assert_eq!(code(&r), "", "{r}");
    assert_eq!(code(&create("ap-beijing", "OPEN", 1)), "");
}

#[test]
fn describe_quota_reports_the_enforced_quotas_and_the_regions_use() {
    let em = emulator(Config::default());
    call_in(
        &em,
        "CreateLoadBalancer",
        "ap-shanghai",
        json!({"LoadBalancerType": "OPEN", "Number": 3}),
    );
    let r = call_in(&em, "DescribeQuota", "ap-shanghai", json!({}));
    let quota = |id: &str| {
        let set = r["QuotaSet"].as_array().unwrap();
        set.iter().find(|q| q["QuotaId"] == id).cloned().unwrap()
    };
    let open = json!({"QuotaId": "TOTAL_OPEN_CLB_QUOTA", "QuotaLimit": 100, "QuotaCurrent": 3});
    assert_eq!(quota("TOTAL_OPEN_CLB_QUOTA"), open);
    assert_eq!(quota("TOTAL_INTERNAL_CLB_QUOTA")["QuotaCurrent"], 0);
    // A per-instance quota has no current use in a region (为 null 时表示无意义).
    let listeners =
        json!({"QuotaId": "TOTAL_LISTENER_QUOTA", "QuotaLimit": 50, "QuotaCurrent": null});
    assert_eq!(quota("TOTAL_LISTENER_QUOTA"), listeners);
    // Another region's use is its own.
    let r = call_in(&em, "DescribeQuota", "ap-beijing", json!({}));
    let set = r["QuotaSet"].as_array().unwrap();
    let open = set
        .iter()
        .find(|q| q["QuotaId"] == "TOTAL_OPEN_CLB_QUOTA")
        .unwrap();
    assert_eq!(open["QuotaCurrent"], 0);
}
