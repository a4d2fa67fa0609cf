//! Malformed requests never panic the emulator and never change its state: random methods,
//! paths, query strings, headers and bodies, with and without the dialects' markers.

mod common;

use std::sync::Arc;

use lbconform::emulator::{pipeline, Config, Emulator};
use lbconform::wire::HttpRequest;
use proptest::prelude::*;

fn request() -> impl Strategy<Value = HttpRequest> {
    let path = prop_oneof![
        Just("/".to_string()),
        Just("/v2/index.php".to_string()),
        "/[a-z0-9/._%-]{0,20}"
    ];
    let query = prop_oneof![
        "[ -~]{0,80}",
        "(Action=[A-Za-z]{0,30}&)?(Version=(2014-05-15|2017-11-10|2018-03-17|x)&)?(Signature=[A-Za-z0-9%+/=]{0,30}&)?(AccessKeyId=testid&)?[A-Za-z.]{1,10}=[ -~]{0,20}",
        "Action=CreateLoadBalancer&Version=2014-05-15&RegionId=cn-hangzhou&ListenerPort=1000000000000000000000000000000&BackendServers=%5B%7B&%zz",
    ];
    let headers = proptest::collection::vec(
        (
            prop_oneof![
                Just("X-TC-Version".to_string()),
                Just("X-TC-Action".to_string()),
                Just("Authorization".to_string()),
                Just("x-acs-version".to_string()),
                Just("Content-Type".to_string()),
                "[a-z-]{1,12}"
            ],
            "[ -~]{0,60}",
        ),
        0..5,
    );
    let body = proptest::collection::vec(any::<u8>(), 0..200);
    (
        prop_oneof![Just("GET"), Just("POST"), Just("PUT")],
        path,
        query,
        headers,
        body,
    )
        .prop_map(|(m, path, query, headers, body)| HttpRequest {
            method: m.into(),
            host: "127.0.0.1".into(),
            path,
            query,
            headers,
            body,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn malformed_requests_get_an_error_and_change_nothing(reqs in proptest::collection::vec(request(), 1..6)) {
        static SPEC: std::sync::OnceLock<Arc<lbconform::spec::Spec>> = std::sync::OnceLock::new();
        let spec = SPEC.get_or_init(|| Arc::new(lbconform::spec::load_default().unwrap())).clone();
        let em = Emulator::new(spec, Config::default());
        for r in &reqs {
            let out = pipeline::handle(&em, r);
            // Tencent answers errors with HTTP 200 and the error in the body.
            let text = String::from_utf8_lossy(&out.body);
            let error_body = text.contains("\"Error\"") || (text.contains("\"code\"") && !text.contains("\"code\":0"));
            prop_assert!(out.status >= 400 || error_body, "an unsigned request succeeded: {:?} -> {}", r, text);
        }
        prop_assert_eq!(em.model.store().resources.len(), 0);
    }
}

/// Values that break types, ranges, lengths and JSON: what a careless or hostile client sends.
fn hostile_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("-1".to_string()),
        Just("99999999999999999999999999".to_string()),
        Just("[{\"ServerId\":".to_string()),
        Just("[{\"ServerId\":\"i-1\",\"Weight\":\"heavy\"}]".to_string()),
        Just("x".repeat(4096)),
        Just("lb-doesnotexist".to_string()),
        Just("true".to_string()),
        "[ -~]{0,24}",
    ]
}

fn spec() -> Arc<lbconform::spec::Spec> {
    static SPEC: std::sync::OnceLock<Arc<lbconform::spec::Spec>> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| Arc::new(lbconform::spec::load_default().unwrap()))
        .clone()
}

/// A correctly signed SLB or ENS request for action number `n` of the dialect, its parameters
/// drawn from the action's own names with hostile values.
fn signed_rpc(version: &str, n: usize, params: &[(usize, String)]) -> HttpRequest {
    let spec = spec();
    let d = if version == common::rpc::SLB {
        spec.dialect("aliyun-slb").unwrap()
    } else {
        spec.dialect("aliyun-ens").unwrap()
    };
    let a = d.actions.values().nth(n % d.actions.len()).unwrap();
    let mut p: Vec<(&str, &str)> = vec![("Action", a.name.as_str())];
    for (i, v) in params {
        if let Some(param) = a.params.get(i % a.params.len().max(1)) {
            p.push((param.name.as_str(), v.as_str()));
        }
    }
    common::rpc::signed_version(&p, common::rpc::KEY, version)
}

fn index_of(dialect: &str, action: &str) -> usize {
    let spec = spec();
    let d = spec.dialect(dialect).unwrap();
    d.actions.keys().position(|k| k == action).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Signed requests reach validation and the model: wrong types, huge values, truncated JSON
    /// and unknown ids never panic, and a refused request changes nothing.
    #[test]
    fn signed_hostile_requests_never_panic_and_refusals_change_nothing(
        version in prop_oneof![Just("2014-05-15"), Just("2017-11-10")],
        n in 0usize..200,
        params in proptest::collection::vec((0usize..64, hostile_value()), 0..8),
    ) {
        let em = Emulator::new(spec(), Config::default());
        // A load balancer to aim at, so requests get past "not found" into the handlers.
        let create = index_of("aliyun-slb", "CreateLoadBalancer");
        let region = spec().dialect("aliyun-slb").unwrap().actions["CreateLoadBalancer"]
            .params.iter().position(|p| p.name == "RegionId").unwrap();
        let seed = signed_rpc("2014-05-15", create, &[(region, "cn-hangzhou".into())]);
        prop_assert_eq!(pipeline::handle(&em, &seed).status, 200, "the signing here is right");
        let before = serde_json::to_string(&em.model.store().resources.values().collect::<Vec<_>>()).unwrap();
        let out = pipeline::handle(&em, &signed_rpc(version, n, &params));
        prop_assert!(out.status == 200 || (400..600).contains(&out.status), "status {}", out.status);
        if out.status != 200 {
            let after = serde_json::to_string(&em.model.store().resources.values().collect::<Vec<_>>()).unwrap();
            prop_assert_eq!(before, after, "a refused request changed the state: {}", String::from_utf8_lossy(&out.body));
        }
    }
}
