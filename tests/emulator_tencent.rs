//! The emulator answers TC3-signed Tencent CLB 3.0 requests: a load balancer created
//! asynchronously (Status 0, then 1) with its task polled by RequestId (2, then 0), listeners,
//! targets whose health goes Unknown -> Alive or Dead, and errors in Tencent's envelope.

mod common;

use common::tc3::{call, call_in, call_version, code, send, Raw};
use common::{admin_request, advance, emulator};
use lbconform::emulator::{admin, Emulator};
use serde_json::{json, Value};

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
    let r = admin::handle(&em, &admin_request("health", "server=ins-2&status=Dead"));
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
    let query = format!("id={id}&trigger={trigger}");
    let r = admin::handle(em, &admin_request("transition", &query));
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

/// A settled instance: created, then the clock moved past its creation.
fn settled_lb(em: &Emulator, name: &str) -> String {
    let r = call(
        em,
        "CreateLoadBalancer",
        json!({"LoadBalancerType": "OPEN", "LoadBalancerName": name}),
    );
    advance(em, 1000);
    r["LoadBalancerIds"][0].as_str().unwrap().to_string()
}

fn count_named(em: &Emulator, name: &str) -> u64 {
    let r = call(
        em,
        "DescribeLoadBalancers",
        json!({"LoadBalancerName": name}),
    );
    r["TotalCount"].as_u64().unwrap()
}

#[test]
fn a_clone_is_in_cloning_until_it_completes() {
    let em = emulator();
    let lb = settled_lb(&em, "src");
    let r = call(
        &em,
        "CloneLoadBalancer",
        json!({"LoadBalancerId": lb, "LoadBalancerName": "copy"}),
    );
    assert_eq!(code(&r), "");
    let r = call(
        &em,
        "DescribeLoadBalancers",
        json!({"LoadBalancerName": "copy"}),
    );
    assert_eq!(r["LoadBalancerSet"][0]["Status"], 0, "{r}");
    let clone = r["LoadBalancerSet"][0]["LoadBalancerId"]
        .as_str()
        .unwrap()
        .to_string();
    let set = |id: &str| {
        call(
            &em,
            "SetCustomizedConfigForLoadBalancer",
            json!({"OperationType": "ADD", "ConfigName": "c", "ConfigContent": "x;", "LoadBalancerIds": [id]}),
        )
    };
    assert_eq!(code(&set(&clone)), "FailedOperation.ResourceInCloning");
    assert_eq!(code(&set(&lb)), "", "the source is not locked by its clone");
    advance(&em, 1000);
    let r = call(
        &em,
        "DescribeLoadBalancers",
        json!({"LoadBalancerIds": [clone]}),
    );
    assert_eq!(r["LoadBalancerSet"][0]["Status"], 1);
    assert_eq!(code(&set(&clone)), "");
}

#[test]
fn transport_rules_answer_their_documented_codes_and_create_nothing() {
    let em = emulator();
    let create = |raw: &Raw, body: Vec<u8>| send(&em, "CreateLoadBalancer", raw, body);
    let json_body = br#"{"LoadBalancerType":"OPEN","LoadBalancerName":"t"}"#.to_vec();
    let put = Raw {
        method: "PUT",
        ..Raw::default()
    };
    assert_eq!(
        code(&create(&put, json_body.clone())),
        "UnsupportedProtocol"
    );
    let elsewhere = Raw {
        host: "nosuch.ap-guangzhou.tencentcloudapi.com",
        ..Raw::default()
    };
    assert_eq!(
        code(&create(&elsewhere, json_body.clone())),
        "NoSuchProduct"
    );
    // The emulator's own address and the regional CLB domain are served.
    let regional = Raw {
        host: "clb.ap-guangzhou.tencentcloudapi.com",
        ..Raw::default()
    };
    assert_eq!(
        code(&send(
            &em,
            "DescribeLoadBalancers",
            &regional,
            b"{}".to_vec()
        )),
        ""
    );
    let multipart = Raw {
        content_type: "multipart/form-data; boundary=b0",
        ..Raw::default()
    };
    let fields = [
        ("LoadBalancerType".to_string(), "OPEN".to_string()),
        ("LoadBalancerName".to_string(), "t".to_string()),
    ];
    let good = lbconform::wire::multipart::encode("b0", &fields);
    let broken = good[..good.len() - 6].to_vec();
    assert_eq!(code(&create(&multipart, broken)), "InvalidRequest");
    assert_eq!(count_named(&em, "t"), 0);
    let made = create(&multipart, good);
    assert_eq!(
        code(&made),
        "",
        "a well-formed multipart body is read: {made}"
    );
    assert_eq!(count_named(&em, "t"), 1);
}

#[test]
fn a_key_id_of_another_shape_is_invalid_and_a_well_formed_unknown_one_not_found() {
    let em = emulator();
    let with = |id: &str| {
        let raw = Raw {
            secret_id: id,
            ..Raw::default()
        };
        code(&send(&em, "DescribeLoadBalancers", &raw, b"{}".to_vec())).to_string()
    };
    assert_eq!(with("not-a-key"), "AuthFailure.InvalidSecretId");
    assert_eq!(
        with("AKIDlbconformUnknownKey0000000000000"),
        "AuthFailure.SecretIdNotFound"
    );
}

#[test]
fn a_dry_run_answers_as_the_request_would_and_changes_nothing() {
    let em = emulator();
    let lb = settled_lb(&em, "dry");
    let dry = |id: &str| {
        call(
            &em,
            "CloneLoadBalancer",
            json!({"LoadBalancerId": id, "LoadBalancerName": "dry-copy", "DryRun": true}),
        )
    };
    assert_eq!(code(&dry(&lb)), "DryRunOperation");
    assert_eq!(code(&dry("lb-00000000")), "InvalidParameter.LBIdNotFound");
    assert_eq!(count_named(&em, "dry-copy"), 0);
    let r = call(&em, "DescribeLoadBalancers", json!({}));
    assert_eq!(r["TotalCount"], 1, "no clone and no task state leaked: {r}");
}

#[test]
fn filters_and_query_filters_are_checked_against_the_documented_names() {
    let em = emulator();
    let describe =
        |filters: Value| call(&em, "DescribeLoadBalancers", json!({ "Filters": filters }));
    let bad = describe(json!([{"Name": "colour", "Values": ["red"]}]));
    assert_eq!(code(&bad), "InvalidParameterValue.InvalidFilter");
    let tag_without_key = describe(json!([{"Name": "tag", "Values": ["x"]}]));
    assert_eq!(
        code(&tag_without_key),
        "InvalidParameterValue.InvalidFilter"
    );
    assert_eq!(
        code(&describe(json!([{"Name": "tag:team", "Values": ["a"]}]))),
        ""
    );
    let idle = |region: &str| {
        code(&call(
            &em,
            "DescribeIdleLoadBalancers",
            json!({ "LoadBalancerRegion": region }),
        ))
        .to_string()
    };
    assert_eq!(idle("xx-nowhere"), "InvalidParameter.InvalidFilter");
    assert_eq!(idle("ap-guangzhou"), "");
}

/// A settled instance with listeners of `protocols` on ports 80, 81 ... (their ids, in order).
fn with_listeners(em: &Emulator, protocols: &[&str]) -> (String, Vec<String>) {
    let lb = settled_lb(em, "l");
    let ids = protocols
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let r = call(
                em,
                "CreateListener",
                json!({"LoadBalancerId": lb, "Ports": [80 + i], "Protocol": p}),
            );
            r["ListenerIds"][0].as_str().unwrap().to_string()
        })
        .collect();
    advance(em, 1000);
    (lb, ids)
}

fn rules(em: &Emulator, lb: &str, listener: &str, n: usize) -> Vec<String> {
    let rules: Vec<Value> = (0..n)
        .map(|i| json!({"Domain": format!("d{i}.example.com"), "Url": "/"}))
        .collect();
    let r = call(
        em,
        "CreateRule",
        json!({"LoadBalancerId": lb, "ListenerId": listener, "Rules": rules}),
    );
    let ids = r["LocationIds"].as_array().unwrap();
    ids.iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn redirects_follow_the_one_redirect_per_rule_constraint() {
    let em = emulator();
    let (lb, l) = with_listeners(&em, &["HTTP", "HTTP", "TCP"]);
    let (a, x) = (rules(&em, &lb, &l[0], 2), rules(&em, &lb, &l[1], 2));
    let rewrite = |action: &str, src: &str, dst: &str, from: &str, to: &str| {
        let infos = json!([{"SourceLocationId": from, "TargetLocationId": to}]);
        let body = json!({"LoadBalancerId": lb, "SourceListenerId": src, "TargetListenerId": dst, "RewriteInfos": infos});
        code(&call(&em, action, body)).to_string()
    };
    assert_eq!(rewrite("ManualRewrite", &l[0], &l[1], &a[0], &x[0]), "");
    let again = rewrite("ManualRewrite", &l[0], &l[1], &a[0], &x[1]);
    assert_eq!(
        again, "InvalidParameter.RewriteAlreadyExist",
        "A -> C after A -> B"
    );
    let onward = rewrite("ManualRewrite", &l[1], &l[0], &x[0], &a[1]);
    assert_eq!(
        onward, "InvalidParameter.RewriteAlreadyExist",
        "B -> anything"
    );
    let tcp = rewrite("ManualRewrite", &l[2], &l[1], &a[1], &x[1]);
    assert_eq!(tcp, "InvalidParameter.ProtocolCheckFailed");
    let auto = call(
        &em,
        "AutoRewrite",
        json!({"LoadBalancerId": lb, "ListenerId": l[2]}),
    );
    assert_eq!(code(&auto), "InvalidParameter.ProtocolCheckFailed");
    let missing = rewrite("DeleteRewrite", &l[0], &l[1], &a[1], &x[1]);
    assert_eq!(missing, "InvalidParameter.SomeRewriteNotFound");
    let shown = call(
        &em,
        "DescribeRewrite",
        json!({"LoadBalancerId": lb, "SourceLocationIds": [a[0]]}),
    );
    assert_eq!(
        shown["RewriteSet"][0]["RewriteTarget"]["TargetLocationId"],
        x[0].as_str()
    );
    let unknown = call(
        &em,
        "DescribeRewrite",
        json!({"LoadBalancerId": lb, "SourceListenerIds": ["lbl-00000000"]}),
    );
    assert_eq!(code(&unknown), "ResourceNotFound");
    assert_eq!(rewrite("DeleteRewrite", &l[0], &l[1], &a[0], &x[0]), "");
    assert_eq!(
        rewrite("DeleteRewrite", &l[0], &l[1], &a[0], &x[0]),
        "InvalidParameter.SomeRewriteNotFound"
    );
    assert_eq!(
        rewrite("ManualRewrite", &l[0], &l[1], &a[0], &x[1]),
        "",
        "free again"
    );
}

#[test]
fn instance_states_and_holdings_refuse_clones_as_documented() {
    let em = emulator();
    let creating = call(
        &em,
        "CreateLoadBalancer",
        json!({"LoadBalancerType": "OPEN"}),
    );
    let id = creating["LoadBalancerIds"][0].as_str().unwrap().to_string();
    let clone = |body: Value| code(&call(&em, "CloneLoadBalancer", body)).to_string();
    assert_eq!(
        clone(json!({"LoadBalancerId": id})),
        "FailedOperation.InvalidLBStatus"
    );
    advance(&em, 1000);
    let r = call(
        &em,
        "DescribeLoadBalancers",
        json!({"LoadBalancerIds": [id]}),
    );
    let vip = r["LoadBalancerSet"][0]["LoadBalancerVips"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        clone(json!({"LoadBalancerId": id, "Vip": vip})),
        "ResourceInUse"
    );
    assert_eq!(
        clone(json!({"LoadBalancerId": id, "Vip": "106.52.0.1"})),
        ""
    );
    let (status, _) = transition(&em, &id, "internal:expire");
    assert_eq!(status, 200);
    assert_eq!(clone(json!({"LoadBalancerId": id})), "OperationDenied");
}

#[test]
fn a_client_token_is_idempotent_until_its_order_fails() {
    let em = emulator();
    let body = json!({"LoadBalancerType": "OPEN", "LoadBalancerName": "tok", "ClientToken": "t-1"});
    let first = call(&em, "CreateLoadBalancer", body.clone());
    let again = call(&em, "CreateLoadBalancer", body.clone());
    assert_eq!(again["LoadBalancerIds"], first["LoadBalancerIds"]);
    assert_eq!(count_named(&em, "tok"), 1);
    let task = first["RequestId"].as_str().unwrap();
    assert_eq!(transition(&em, task, "internal:fail").0, 200);
    let expired = call(&em, "CreateLoadBalancer", body);
    assert_eq!(code(&expired), "InvalidParameter.ClientTokenLimitExceeded");
    assert_eq!(count_named(&em, "tok"), 1);
    let bad_name = call(
        &em,
        "CreateLoadBalancer",
        json!({"LoadBalancerType": "OPEN", "LoadBalancerName": "no spaces"}),
    );
    assert_eq!(code(&bad_name), "InvalidParameter.FormatError");
    let subnet = |kind: &str, version: &str| {
        let body = json!({"LoadBalancerType": kind, "AddressIPVersion": version, "SubnetId": "subnet-1", "VpcId": "vpc-1"});
        code(&call(&em, "CreateLoadBalancer", body)).to_string()
    };
    assert_eq!(subnet("OPEN", "IPV4"), "UnsupportedOperation");
    assert_eq!(
        subnet("OPEN", "IPv6FullChain"),
        "",
        "only public IPv4 refuses a subnet"
    );
}

#[test]
fn deleting_an_instance_with_twenty_servers_needs_force() {
    let em = emulator();
    let (lb, l) = with_listeners(&em, &["TCP"]);
    let targets: Vec<Value> = (0..20)
        .map(|i| json!({"InstanceId": format!("ins-{i:08}"), "Port": 80}))
        .collect();
    let r = call(
        &em,
        "RegisterTargets",
        json!({"LoadBalancerId": lb, "ListenerId": l[0], "Targets": targets}),
    );
    assert_eq!(code(&r), "");
    let delete = |force: bool| {
        code(&call(
            &em,
            "DeleteLoadBalancer",
            json!({"LoadBalancerIds": [lb], "ForceDelete": force}),
        ))
        .to_string()
    };
    assert_eq!(delete(false), "FailedOperation");
    assert_eq!(
        call(&em, "DescribeLoadBalancers", json!({}))["TotalCount"],
        1
    );
    assert_eq!(delete(true), "");
}

#[test]
fn the_x_tc_region_header_must_name_a_documented_region() {
    let em = emulator();
    let lbs = |region: &str| call_in(&em, "DescribeLoadBalancers", region, json!({}));
    // DescribeLoadBalancers documents InvalidParameter.RegionNotFound; CreateLoadBalancer does
    // not, and gets the common UnsupportedRegion.
    assert_eq!(code(&lbs("ap-nowhere")), "InvalidParameter.RegionNotFound");
    let create = json!({"LoadBalancerType": "OPEN"});
    let answer = call_in(&em, "CreateLoadBalancer", "ap-nowhere", create);
    assert_eq!(code(&answer), "UnsupportedRegion", "{answer}");
    assert_eq!(lbs("ap-guangzhou")["TotalCount"], 0);
    // Every region of the 地域列表 is accepted.
    let spec = lbconform::spec::load_default().unwrap();
    for r in &spec.dialect("tencent-clb").unwrap().regions.regions {
        assert_eq!(code(&lbs(&r.id)), "", "{}", r.id);
    }
}
