//! Malformed requests never panic the emulator and never change its state: random methods,
//! paths, query strings, headers and bodies, with and without the dialects' markers.

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
