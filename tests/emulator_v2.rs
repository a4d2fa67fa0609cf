//! The emulator answers HmacSHA256-signed legacy v2 requests on /v2/index.php: a load balancer
//! created asynchronously with its task polled by requestId, listeners, backends and their
//! health, and errors as numeric codes.

mod common;

use common::v2::call;
use common::{advance, emulator};

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
