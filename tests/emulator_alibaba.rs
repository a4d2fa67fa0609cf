//! The emulator answers signed SLB (and ENS ELB) requests with the lifecycle the spec documents: a load
//! balancer, a TCP listener that goes stopped -> starting -> running on the manual clock,
//! backends and their health, what a locked instance forbids, errors in SLB's own format, and
//! accounts that never see each other's resources.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use common::admin;
use common::rpc::{self, call, call_as, code, signed, signed_version};
use lbconform::emulator::accounts::Accounts;
use lbconform::emulator::{pipeline, server, Config, Emulator};
use lbconform::wire::response::aliyun;
use lbconform::wire::{aliyun_v1, encode};
use serde_json::Value;

fn emulator() -> Emulator {
    let mut accounts = Accounts::default();
    accounts.add("otherid", "othersecret", "alibaba-2");
    common::emulator_with(
        1000,
        Config {
            accounts,
            ..Config::default()
        },
    )
}

fn listener_status(em: &Emulator, lb: &str) -> String {
    let (s, b) = call(
        em,
        &[
            ("Action", "DescribeLoadBalancerTCPListenerAttribute"),
            ("RegionId", "cn-hangzhou"),
            ("LoadBalancerId", lb),
            ("ListenerPort", "80"),
        ],
    );
    assert_eq!(s, 200, "{b}");
    b["Status"].as_str().unwrap().to_string()
}

fn create_lb(em: &Emulator) -> String {
    let (s, b) = call(
        em,
        &[
            ("Action", "CreateLoadBalancer"),
            ("RegionId", "cn-hangzhou"),
        ],
    );
    assert_eq!(s, 200, "{b}");
    b["LoadBalancerId"].as_str().unwrap().to_string()
}

const TCP: [(&str, &str); 5] = [
    ("Action", "CreateLoadBalancerTCPListener"),
    ("RegionId", "cn-hangzhou"),
    ("ListenerPort", "80"),
    ("BackendServerPort", "8080"),
    ("Bandwidth", "-1"),
];

fn create_tcp(em: &Emulator, lb: &str) -> (u16, Value) {
    let mut p = TCP.to_vec();
    p.push(("LoadBalancerId", lb));
    call(em, &p)
}

#[test]
fn a_listener_goes_stopped_starting_running_on_the_manual_clock() {
    let em = emulator();
    let lb = create_lb(&em);
    assert!(
        lb.starts_with("lb-") && lb.len() == 26,
        "Alibaba's id shape: {lb}"
    );
    assert_eq!(create_tcp(&em, &lb).0, 200);
    assert_eq!(listener_status(&em, &lb), "stopped");
    let start = [
        ("Action", "StartLoadBalancerListener"),
        ("RegionId", "cn-hangzhou"),
        ("LoadBalancerId", lb.as_str()),
        ("ListenerPort", "80"),
    ];
    assert_eq!(call(&em, &start).0, 200);
    assert_eq!(listener_status(&em, &lb), "starting");
    admin(&em, "clock/advance", "ms=999");
    assert_eq!(
        listener_status(&em, &lb),
        "starting",
        "not before the transition delay"
    );
    admin(&em, "clock/advance", "ms=1");
    assert_eq!(listener_status(&em, &lb), "running");
    let (s, b) = call(&em, &start);
    assert_eq!(
        (s, b["Code"].as_str()),
        (400, Some("ActionNotAllowed")),
        "starting a running listener is refused: {b}"
    );
}

#[test]
fn validation_comes_from_the_spec_and_errors_use_slbs_format() {
    let em = emulator();
    let lb = create_lb(&em);
    let mut p = TCP.to_vec();
    p.push(("LoadBalancerId", lb.as_str()));
    p[2] = ("ListenerPort", "65536");
    let (s, b) = call(&em, &p);
    assert_eq!(
        (s, b["Code"].as_str()),
        (400, Some("InvalidParameter")),
        "{b}"
    );
    assert!(b["HostId"].is_string() && b["RequestId"].is_string());
    p[2] = ("ListenerPort", "eighty");
    assert_eq!(call(&em, &p).1["Code"], "InvalidParameter");
    let (s, b) = call(
        &em,
        &[
            ("Action", "CreateLoadBalancerTCPListener"),
            ("RegionId", "cn-hangzhou"),
            ("LoadBalancerId", lb.as_str()),
        ],
    );
    assert_eq!(
        (s, b["Code"].as_str()),
        (400, Some("MissingParameter")),
        "{b}"
    );
    let (_, b) = call(&em, &[("Action", "NoSuchAction")]);
    assert_eq!(b["Code"], "UnsupportedOperation");
    let (s, b) = call(
        &em,
        &[
            ("Action", "DeleteLoadBalancer"),
            ("RegionId", "cn-hangzhou"),
            ("LoadBalancerId", "lb-nope"),
        ],
    );
    assert_eq!(
        (s, b["Code"].as_str()),
        (404, Some("InvalidLoadBalancerId.NotFound"))
    );
    // Nothing of the failed calls was created.
    let state = admin(&em, "state", "");
    assert_eq!(state["resources"].as_array().unwrap().len(), 1);
}

#[test]
fn a_bad_signature_or_a_replayed_nonce_is_refused_and_changes_nothing() {
    let em = emulator();
    let r = signed(
        &[
            ("Action", "CreateLoadBalancer"),
            ("RegionId", "cn-hangzhou"),
        ],
        ("testid", "wrongsecret"),
    );
    let out = pipeline::handle(&em, &r);
    let (_, p) = aliyun::parse(out.status, &out.body, &|_| false).unwrap();
    assert_eq!(
        (out.status, p.error.unwrap().code.as_str()),
        (400, "SignatureDoesNotMatch")
    );
    let good = signed(
        &[
            ("Action", "CreateLoadBalancer"),
            ("RegionId", "cn-hangzhou"),
        ],
        rpc::KEY,
    );
    assert_eq!(pipeline::handle(&em, &good).status, 200);
    let again = pipeline::handle(&em, &good);
    let (_, p) = aliyun::parse(again.status, &again.body, &|_| false).unwrap();
    assert_eq!(p.error.unwrap().code, "SignatureNonceUsed");
    assert_eq!(
        admin(&em, "state", "")["resources"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn backends_report_health_and_a_locked_instance_forbids_listener_changes() {
    let em = emulator();
    let lb = create_lb(&em);
    create_tcp(&em, &lb);
    let servers = r#"[{"ServerId":"i-bp1","Weight":100},{"ServerId":"i-bp2","Weight":50}]"#;
    let (s, b) = call(
        &em,
        &[
            ("Action", "AddBackendServers"),
            ("LoadBalancerId", lb.as_str()),
            ("BackendServers", servers),
        ],
    );
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        b["BackendServers"]["BackendServer"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let health = |em: &Emulator| {
        call(
            em,
            &[
                ("Action", "DescribeHealthStatus"),
                ("RegionId", "cn-hangzhou"),
                ("LoadBalancerId", lb.as_str()),
            ],
        )
        .1
    };
    assert_eq!(
        health(&em)["BackendServers"]["BackendServer"][0]["ServerHealthStatus"],
        "unavailable",
        "the listener is not running"
    );
    call(
        &em,
        &[
            ("Action", "StartLoadBalancerListener"),
            ("RegionId", "cn-hangzhou"),
            ("LoadBalancerId", lb.as_str()),
            ("ListenerPort", "80"),
        ],
    );
    admin(&em, "clock/advance", "ms=1000");
    admin(&em, "health", "server=i-bp2&status=abnormal");
    let h = health(&em);
    let list = h["BackendServers"]["BackendServer"].as_array().unwrap();
    assert_eq!(
        (
            list[0]["ServerHealthStatus"].as_str(),
            list[1]["ServerHealthStatus"].as_str()
        ),
        (Some("normal"), Some("abnormal"))
    );
    admin(&em, "lock", &format!("id={lb}"));
    let (s, b) = call(
        &em,
        &[
            ("Action", "StopLoadBalancerListener"),
            ("RegionId", "cn-hangzhou"),
            ("LoadBalancerId", lb.as_str()),
            ("ListenerPort", "80"),
        ],
    );
    assert!(
        s >= 400,
        "a locked instance forbids stopping its listener: {b}"
    );
    assert_eq!(listener_status(&em, &lb), "running");
}

#[test]
fn accounts_never_see_each_others_resources_and_client_tokens_are_idempotent() {
    let em = emulator();
    let lb = create_lb(&em);
    let (s, b) = call_as(
        &em,
        ("otherid", "othersecret"),
        &[
            ("Action", "DescribeLoadBalancerAttribute"),
            ("RegionId", "cn-hangzhou"),
            ("LoadBalancerId", lb.as_str()),
        ],
    );
    assert_eq!(
        (s, b["Code"].as_str()),
        (404, Some("InvalidLoadBalancerId.NotFound"))
    );
    let (_, list) = call_as(
        &em,
        ("otherid", "othersecret"),
        &[
            ("Action", "DescribeLoadBalancers"),
            ("RegionId", "cn-hangzhou"),
        ],
    );
    assert_eq!(
        list["LoadBalancers"]["LoadBalancer"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let a = call(
        &em,
        &[
            ("Action", "CreateLoadBalancer"),
            ("RegionId", "cn-hangzhou"),
            ("ClientToken", "t-1"),
        ],
    )
    .1;
    let b = call(
        &em,
        &[
            ("Action", "CreateLoadBalancer"),
            ("RegionId", "cn-hangzhou"),
            ("ClientToken", "t-1"),
        ],
    )
    .1;
    assert_eq!(a["LoadBalancerId"], b["LoadBalancerId"]);
    let c = call(
        &em,
        &[
            ("Action", "CreateLoadBalancer"),
            ("RegionId", "cn-beijing"),
            ("ClientToken", "t-1"),
        ],
    )
    .1;
    assert_eq!(c["Code"], "IdempotentParameterMismatch");
}

#[test]
fn the_server_answers_over_http_and_xml_is_the_default() {
    let em = Arc::new(emulator());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let addr = rt.block_on(server::spawn(em)).unwrap();
    // Without Format the answer is XML: re-sign the request without it.
    let p: Vec<(String, String)> = lbconform::wire::encode::decode_pairs(
        &signed(&[("Action", "DescribeRegions")], rpc::KEY).query,
    )
    .unwrap();
    let mut p: Vec<(String, String)> = p
        .into_iter()
        .filter(|(k, _)| k != "Format" && k != "Signature")
        .collect();
    p.push(("Signature".into(), aliyun_v1::sign("GET", &p, "testsecret")));
    let query = encode::encode_pairs(p.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /?{query} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    assert!(
        out.contains("<DescribeRegionsResponse><RequestId>"),
        "{out}"
    );
}

#[test]
fn ens_edge_load_balancers_follow_ens_s_own_state_names() {
    let em = emulator();
    let ens = |p: &[(&str, &str)]| rpc::answer(&em, &signed_version(p, rpc::KEY, "2017-11-10"));
    let (s, b) = ens(&[
        ("Action", "CreateLoadBalancer"),
        ("EnsRegionId", "cn-beijing-telecom"),
        ("LoadBalancerSpec", "elb.s1.small"),
        ("PayType", "PostPaid"),
        ("NetworkId", "n-1"),
        ("VSwitchId", "vsw-1"),
    ]);
    assert_eq!(s, 200, "{b}");
    let lb = b["LoadBalancerId"].as_str().unwrap().to_string();
    let (s, b) = ens(&[
        ("Action", "CreateLoadBalancerTCPListener"),
        ("LoadBalancerId", lb.as_str()),
        ("ListenerPort", "80"),
        ("BackendServerPort", "80"),
    ]);
    assert_eq!(s, 200, "{b}");
    let status = ens(&[
        ("Action", "DescribeLoadBalancerTCPListenerAttribute"),
        ("LoadBalancerId", lb.as_str()),
        ("ListenerPort", "80"),
    ])
    .1["Status"]
        .clone();
    assert_eq!(status, "Stopped", "ENS documents capitalised states");
    let (s, _) = ens(&[
        ("Action", "SetLoadBalancerStatus"),
        ("LoadBalancerId", lb.as_str()),
        ("LoadBalancerStatus", "InActive"),
    ]);
    assert_eq!(s, 200);
    let (_, b) = ens(&[
        ("Action", "DescribeLoadBalancers"),
        ("LoadBalancerStatus", "InActive"),
    ]);
    // ENS documents the list bare, where SLB wraps it in LoadBalancer.
    assert_eq!(b["LoadBalancers"][0]["LoadBalancerId"], lb.as_str(), "{b}");
    assert_eq!(b["TotalCount"], 1);
    assert_eq!(
        ens(&[("Action", "ReleaseInstance"), ("InstanceId", lb.as_str())]).0,
        200
    );
    let (s, b) = ens(&[
        ("Action", "DescribeLoadBalancerAttribute"),
        ("LoadBalancerId", lb.as_str()),
    ]);
    assert_eq!(
        (s, b["Code"].as_str()),
        (400, Some("InstanceNotFound")),
        "{b}"
    );
}

#[test]
fn many_clients_at_once_lose_nothing_and_get_unique_ids() {
    const THREADS: usize = 8;
    const EACH: usize = 40;
    let em = Arc::new(emulator());
    let made: Vec<Vec<(String, String)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let em = Arc::clone(&em);
                scope.spawn(move || {
                    (0..EACH)
                        .map(|i| {
                            let lb = create_lb(&em);
                            let (s, b) = call(
                                &em,
                                &[
                                    ("Action", "CreateVServerGroup"),
                                    ("RegionId", "cn-hangzhou"),
                                    ("LoadBalancerId", lb.as_str()),
                                    ("VServerGroupName", &format!("g-{t}-{i}")),
                                ],
                            );
                            assert_eq!(s, 200, "{b}");
                            let g = b["VServerGroupId"].as_str().unwrap().to_string();
                            // Every other client deletes what it made, racing the others.
                            if i % 2 == 1 {
                                let (s, b) = call(
                                    &em,
                                    &[
                                        ("Action", "DeleteLoadBalancer"),
                                        ("RegionId", "cn-hangzhou"),
                                        ("LoadBalancerId", lb.as_str()),
                                    ],
                                );
                                assert_eq!(s, 200, "{b}");
                            }
                            (lb, g)
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let all: Vec<&(String, String)> = made.iter().flatten().collect();
    let lbs: std::collections::BTreeSet<&str> = all.iter().map(|(l, _)| l.as_str()).collect();
    let groups: std::collections::BTreeSet<&str> = all.iter().map(|(_, g)| g.as_str()).collect();
    assert_eq!(lbs.len(), THREADS * EACH, "load balancer ids are unique");
    assert_eq!(groups.len(), THREADS * EACH, "group ids are unique");
    assert!(
        groups.iter().all(|g| g.starts_with("rsp-")),
        "the documents' shape"
    );
    let state = admin(&em, "state", "");
    let kinds = |k: &str| {
        state["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == k)
            .count()
    };
    // Half were deleted with their groups; the rest are all there.
    assert_eq!(kinds("load_balancer"), THREADS * EACH / 2);
    assert_eq!(kinds("vserver_group"), THREADS * EACH / 2);
}

fn backends_of(em: &Emulator, lb: &str) -> Vec<String> {
    let (_, b) = call(
        em,
        &[
            ("Action", "DescribeLoadBalancerAttribute"),
            ("RegionId", "cn-hangzhou"),
            ("LoadBalancerId", lb),
        ],
    );
    let list = b["BackendServers"]["BackendServer"].as_array().cloned();
    list.unwrap_or_default()
        .iter()
        .filter_map(|s| s["ServerId"].as_str().map(str::to_string))
        .collect()
}

fn add_backend(em: &Emulator, lb: &str, server: &str) -> (u16, Value) {
    let list = format!(r#"[{{"ServerId":"{server}","Weight":"100"}}]"#);
    call(
        em,
        &[
            ("Action", "AddBackendServers"),
            ("RegionId", "cn-hangzhou"),
            ("LoadBalancerId", lb),
            ("BackendServers", &list),
        ],
    )
}

#[test]
fn regions_come_from_the_catalogue_and_an_unknown_one_is_not_found() {
    let em = emulator();
    let (s, b) = call(&em, &[("Action", "DescribeRegions")]);
    assert_eq!(s, 200, "{b}");
    let ids: Vec<&str> = b["Regions"]["Region"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["RegionId"].as_str())
        .collect();
    let spec = lbconform::spec::load_default().unwrap();
    let catalogue = &spec.dialect("aliyun-slb").unwrap().regions.regions;
    assert_eq!(
        ids,
        catalogue.iter().map(|r| r.id.as_str()).collect::<Vec<_>>()
    );
    assert!(
        !ids.contains(&"cn-shanghai"),
        "not a region the documents print"
    );
    let (s, b) = call(
        &em,
        &[
            ("Action", "CreateLoadBalancer"),
            ("RegionId", "cn-nowhere-1"),
        ],
    );
    assert_eq!((s, code(&b)), (404, "InvalidRegionId.NotFound"));
    let (s, b) = call(
        &em,
        &[
            ("Action", "CreateLoadBalancer"),
            ("RegionId", "cn-hangzhou-dg-a01"),
            ("LoadBalancerSpec", "slb.s2.small"),
        ],
    );
    assert_eq!((s, code(&b)), (400, "RegionNotSupport"));
    let state = admin(&em, "state", "");
    assert_eq!(
        state.to_string().matches("LoadBalancerId").count(),
        0,
        "{state}"
    );
}

#[test]
fn server_ids_need_the_documented_shape_and_a_released_instance_is_not_found() {
    let em = emulator();
    let lb = create_lb(&em);
    let (s, b) = add_backend(&em, &lb, "web-1");
    assert_eq!((s, code(&b)), (400, "InvalidServerId.Malformed"));
    // An id the model was told nothing about is taken on trust, a released one names nothing.
    assert_eq!(add_backend(&em, &lb, "i-trusted").0, 200);
    admin(&em, "ecs", &format!("id=i-mine&owner={lb}"));
    admin(
        &em,
        "ecs",
        &format!("id=i-notmine&owner={lb}&state=released"),
    );
    let (s, b) = add_backend(&em, &lb, "i-notmine");
    assert_eq!((s, code(&b)), (400, "InvalidServerId.NotFound"));
    assert_eq!(add_backend(&em, &lb, "i-mine").0, 200);
    assert_eq!(add_backend(&em, &lb, "i-other").0, 200);
    assert_eq!(backends_of(&em, &lb), ["i-trusted", "i-mine", "i-other"]);
    // The release was of an instance of this account: the other account's i-notmine is not it.
    let (s, b) = call_as(
        &em,
        ("otherid", "othersecret"),
        &[
            ("Action", "CreateLoadBalancer"),
            ("RegionId", "cn-hangzhou"),
        ],
    );
    assert_eq!(s, 200, "{b}");
    let other = b["LoadBalancerId"].as_str().unwrap().to_string();
    let list = r#"[{"ServerId":"i-notmine","Weight":"100"}]"#;
    let (s, b) = call_as(
        &em,
        ("otherid", "othersecret"),
        &[
            ("Action", "AddBackendServers"),
            ("RegionId", "cn-hangzhou"),
            ("LoadBalancerId", &other),
            ("BackendServers", list),
        ],
    );
    assert_eq!(s, 200, "{b}");
}

#[test]
fn backends_of_one_load_balancer_share_one_network() {
    let em = emulator();
    let lb = create_lb(&em);
    admin(
        &em,
        "ecs",
        &format!("id=i-classic&owner={lb}&network=classic"),
    );
    admin(&em, "ecs", &format!("id=i-vpc&owner={lb}&network=vpc-1"));
    assert_eq!(add_backend(&em, &lb, "i-classic").0, 200);
    let (s, b) = add_backend(&em, &lb, "i-vpc");
    assert_eq!((s, code(&b)), (400, "InvalidBackendServers.Inconsistent"));
    // A server group of the same load balancer counts too.
    let list = r#"[{"ServerId":"i-vpc","Port":80,"Weight":100}]"#;
    let (s, b) = call(
        &em,
        &[
            ("Action", "CreateVServerGroup"),
            ("RegionId", "cn-hangzhou"),
            ("LoadBalancerId", &lb),
            ("BackendServers", list),
        ],
    );
    assert_eq!((s, code(&b)), (400, "InvalidBackendServers.Inconsistent"));
    assert_eq!(backends_of(&em, &lb), ["i-classic"]);
    let (s, b) = call(
        &em,
        &[
            ("Action", "CreateLoadBalancer"),
            ("RegionId", "cn-hangzhou"),
            ("AddressType", "intranet"),
        ],
    );
    assert_eq!(s, 200, "{b}");
    let private = b["LoadBalancerId"].as_str().unwrap().to_string();
    let (s, b) = add_backend(&em, &private, "i-vpc");
    assert_eq!((s, code(&b)), (400, "InvalidBackendServers.Inconsistent"));
    assert_eq!(add_backend(&em, &private, "i-classic").0, 200);
}

#[test]
fn a_listener_refuses_what_its_protocol_group_and_access_control_do_not_allow() {
    let em = emulator();
    let lb = create_lb(&em);
    let (s, b) = call(
        &em,
        &[
            ("Action", "CreateVServerGroup"),
            ("RegionId", "cn-hangzhou"),
            ("LoadBalancerId", &lb),
        ],
    );
    assert_eq!(s, 200, "{b}");
    let group = b["VServerGroupId"].as_str().unwrap().to_string();
    let mut tcp = TCP.to_vec();
    tcp.extend([("LoadBalancerId", lb.as_str()), ("VServerGroupId", &group)]);
    assert_eq!(call(&em, &tcp).0, 200);
    let at = |action: &'static str, port: &'static str| {
        vec![
            ("Action", action),
            ("RegionId", "cn-hangzhou"),
            ("LoadBalancerId", lb.as_str()),
            ("ListenerPort", port),
        ]
    };
    let (s, b) = call(&em, &at("DescribeLoadBalancerHTTPListenerAttribute", "80"));
    assert_eq!(
        (s, code(&b)),
        (400, "UnsupportedOperationonfixedprotocalport")
    );
    let mut http = at("CreateLoadBalancerHTTPListener", "8080");
    http.extend([
        ("BackendServerPort", "80"),
        ("Bandwidth", "-1"),
        ("StickySession", "off"),
        ("HealthCheck", "off"),
        ("VServerGroupId", &group),
    ]);
    let (s, b) = call(&em, &http);
    assert_eq!((s, code(&b)), (400, "VipNotMatchRspool"));
    let mut udp = at("CreateLoadBalancerUDPListener", "53");
    udp.extend([
        ("BackendServerPort", "53"),
        ("Bandwidth", "-1"),
        ("VServerGroupId", &group),
    ]);
    assert_eq!(call(&em, &udp).0, 200, "layer 4 shares with layer 4");
    let mut sticky = at("CreateLoadBalancerTCPListener", "81");
    sticky.extend([
        ("BackendServerPort", "81"),
        ("Bandwidth", "-1"),
        ("StickySession", "on"),
    ]);
    let (s, b) = call(&em, &sticky);
    assert_eq!((s, code(&b)), (400, "UnsupportedParameter"));
    let mut acl = at("SetListenerAccessControlStatus", "80");
    acl.push(("AccessControlStatus", "close"));
    let (s, b) = call(&em, &acl);
    assert_eq!(
        (s, code(&b)),
        (500, "IncorrectListenerAccessControlStatusStatus")
    );
    acl.pop();
    acl.push(("AccessControlStatus", "open_white_list"));
    assert_eq!(call(&em, &acl).0, 200);
    assert_eq!(call(&em, &acl).0, 500);
}

#[test]
fn resource_owner_account_other_than_the_callers_is_forbidden() {
    let em = emulator();
    let own = [
        ("Action", "CreateLoadBalancer"),
        ("RegionId", "cn-hangzhou"),
        ("ResourceOwnerAccount", "alibaba-1"),
    ];
    assert_eq!(call(&em, &own).0, 200);
    let (s, b) = call(
        &em,
        &[
            ("Action", "CreateLoadBalancer"),
            ("RegionId", "cn-hangzhou"),
            ("ResourceOwnerAccount", "user_X@aliyun.com"),
        ],
    );
    assert_eq!((s, code(&b)), (403, "Forbidden"));
}

#[test]
fn injected_throttling_answers_the_code_the_dialects_documented_rates_use() {
    let em = emulator();
    let code = |v: &Value| v["Code"].as_str().unwrap_or_default().to_string();
    // ENS documents request rates, answered Throttling (erratum ens-throttling-code): an
    // injected throttle answers the same.
    admin(&em, "fail", "count=1&kind=throttle");
    let r = pipeline::handle(
        &em,
        &signed_version(
            &[("Action", "DescribeEnsRegions")],
            ("testid", "testsecret"),
            "2017-11-10",
        ),
    );
    let (_, parsed) = aliyun::parse(r.status, &r.body, &|_| false).unwrap();
    assert_eq!(code(&parsed.body), "Throttling");
    // SLB documents no rate: the fault falls back to ServiceUnavailable.
    admin(&em, "fail", "count=1&kind=throttle");
    let (_, b) = call(&em, &[("Action", "DescribeRegions")]);
    assert_eq!(code(&b), "ServiceUnavailable");
    // One fault, one call: the next is answered.
    let (s, b) = call(&em, &[("Action", "DescribeRegions")]);
    assert_eq!((s, code(&b)), (200, String::new()), "{b}");
}
