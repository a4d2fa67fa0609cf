//! What the spec-driven meaning of actions does, resource by resource: groups that later reads
//! list and describe, members attached and detached, state machines that refuse and complete,
//! unique names, pagination, references that must exist, accounts that never meet.

use std::sync::Arc;

use lbconform::model::clock::ClockMode;
use lbconform::model::validate::validate;
use lbconform::model::{Call, Model};
use serde_json::{json, Map, Value};

fn model() -> Model {
    let spec = Arc::new(lbconform::spec::load_default().unwrap());
    Model::new(spec, ClockMode::Manual, 1000)
}

/// Runs `action` of `dialect` for `account` with `params`, validated as the emulator does;
/// `Err` carries the refusal's code.
fn exec(
    m: &Model,
    dialect: &str,
    account: &str,
    action: &str,
    params: Value,
) -> Result<Value, String> {
    let d = m.spec.dialect(dialect).unwrap();
    let a = &d.actions[action];
    let structs = |s: &str| d.structures.get(s).map(|s| s.fields.as_slice());
    let params: Map<String, Value> = params.as_object().cloned().unwrap_or_default();
    let params = validate(a, &params, &structs).map_err(|v| format!("invalid: {}", v[0]))?;
    let rid = format!("rid-{action}");
    let call = Call {
        dialect: d,
        action: a,
        account,
        request_id: &rid,
        region: "",
        params,
    };
    m.execute(&call).map(Value::Object).map_err(|f| f.code)
}

fn slb(m: &Model, action: &str, params: Value) -> Result<Value, String> {
    exec(m, "aliyun-slb", "alice", action, params)
}

fn ens(m: &Model, action: &str, params: Value) -> Result<Value, String> {
    exec(m, "aliyun-ens", "alice", action, params)
}

fn clb(m: &Model, action: &str, params: Value) -> Result<Value, String> {
    exec(m, "tencent-clb", "alice", action, params)
}

fn slb_lb(m: &Model) -> String {
    let b = slb(m, "CreateLoadBalancer", json!({"RegionId": "cn-hangzhou"})).unwrap();
    b["LoadBalancerId"].as_str().unwrap().to_string()
}

#[test]
fn slb_vserver_groups_are_listed_described_filled_and_deleted() {
    let m = model();
    let lb = slb_lb(&m);
    let servers = json!([{"ServerId": "i-1", "Port": 80, "Weight": 10}]);
    let g = slb(
        &m,
        "CreateVServerGroup",
        json!({"RegionId": "cn-hangzhou", "LoadBalancerId": lb, "VServerGroupName": "web", "BackendServers": servers}),
    )
    .unwrap();
    let id = g["VServerGroupId"].as_str().unwrap().to_string();
    assert!(id.starts_with("rsp-"), "the documents' id shape: {id}");
    assert_eq!(g["BackendServers"]["BackendServer"][0]["ServerId"], "i-1");

    let list = slb(
        &m,
        "DescribeVServerGroups",
        json!({"RegionId": "cn-hangzhou", "LoadBalancerId": lb}),
    )
    .unwrap();
    assert_eq!(
        list["VServerGroups"][0]["VServerGroupId"],
        id.as_str(),
        "{list}"
    );
    assert_eq!(list["VServerGroups"][0]["VServerGroupName"], "web");

    let more = json!([{"ServerId": "i-2", "Port": 81, "Weight": 20}]);
    slb(
        &m,
        "AddVServerGroupBackendServers",
        json!({"RegionId": "cn-hangzhou", "VServerGroupId": id, "BackendServers": more}),
    )
    .unwrap();
    let attr = slb(
        &m,
        "DescribeVServerGroupAttribute",
        json!({"RegionId": "cn-hangzhou", "VServerGroupId": id}),
    )
    .unwrap();
    let servers = attr["BackendServers"]["BackendServer"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(servers.len(), 2, "{attr}");

    slb(&m, "RemoveVServerGroupBackendServers", json!({"RegionId": "cn-hangzhou", "VServerGroupId": id, "BackendServers": [{"ServerId": "i-1", "Port": 80}]})).unwrap();
    let attr = slb(
        &m,
        "DescribeVServerGroupAttribute",
        json!({"RegionId": "cn-hangzhou", "VServerGroupId": id}),
    )
    .unwrap();
    assert_eq!(
        attr["BackendServers"]["BackendServer"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        attr["BackendServers"]["BackendServer"][0]["ServerId"],
        "i-2"
    );

    // Another account sees nothing of it; an unknown load balancer is the documented 404.
    let other = exec(
        &m,
        "aliyun-slb",
        "bob",
        "DescribeVServerGroupAttribute",
        json!({"RegionId": "cn-hangzhou", "VServerGroupId": id}),
    );
    assert_eq!(other.unwrap_err(), "InvalidParameter");
    let unknown = slb(
        &m,
        "CreateVServerGroup",
        json!({"RegionId": "cn-hangzhou", "LoadBalancerId": "lb-nope"}),
    );
    assert_eq!(unknown.unwrap_err(), "InvalidLoadBalancerId.NotFound");

    slb(
        &m,
        "DeleteVServerGroup",
        json!({"RegionId": "cn-hangzhou", "VServerGroupId": id}),
    )
    .unwrap();
    let gone = slb(
        &m,
        "DescribeVServerGroupAttribute",
        json!({"RegionId": "cn-hangzhou", "VServerGroupId": id}),
    );
    assert_eq!(gone.unwrap_err(), "InvalidParameter");
}

#[test]
fn deleting_a_load_balancer_takes_its_groups_with_it() {
    let m = model();
    let lb = slb_lb(&m);
    let g = slb(
        &m,
        "CreateVServerGroup",
        json!({"RegionId": "cn-hangzhou", "LoadBalancerId": lb}),
    )
    .unwrap();
    let id = g["VServerGroupId"].as_str().unwrap().to_string();
    slb(
        &m,
        "DeleteLoadBalancer",
        json!({"RegionId": "cn-hangzhou", "LoadBalancerId": lb}),
    )
    .unwrap();
    let gone = slb(
        &m,
        "DescribeVServerGroupAttribute",
        json!({"RegionId": "cn-hangzhou", "VServerGroupId": id}),
    );
    assert_eq!(gone.unwrap_err(), "InvalidParameter");
}

fn ens_instance(m: &Model) -> String {
    let b = ens(
        m,
        "CreateInstance",
        json!({"InstanceType": "ens.sn1.small", "EnsRegionId": "cn-beijing-cmcc", "Period": "1", "ImageId": "centos", "Quantity": "1", "InternetMaxBandwidthOut": 10, "Password": "Lbconform123!", "InstanceChargeType": "PostPaid"}),
    );
    let b = b.unwrap_or_else(|e| panic!("CreateInstance: {e}"));
    let id = b["InstanceIds"]["InstanceId"][0]
        .as_str()
        .or(b["InstanceIds"][0].as_str());
    id.unwrap_or_else(|| panic!("{b}")).to_string()
}

#[test]
fn ens_eips_go_through_associating_to_in_use_and_back() {
    let m = model();
    let inst = ens_instance(&m);
    let eip = ens(&m, "CreateEipInstance", json!({"EnsRegionId": "cn-beijing-cmcc", "InstanceChargeType": "PostPaid", "InternetChargeType": "95BandwidthByMonth"}))
        .unwrap();
    let id = eip["AllocationId"]
        .as_str()
        .unwrap_or_else(|| panic!("{eip}"))
        .to_string();
    let status = |m: &Model| {
        let b = ens(m, "DescribeEnsEipAddresses", json!({"AllocationId": id})).unwrap();
        (
            b["EipAddresses"][0]["Status"].clone(),
            b["EipAddresses"][0]["InstanceId"].clone(),
        )
    };
    assert_eq!(status(&m).0, "Available");
    ens(
        &m,
        "AssociateEnsEipAddress",
        json!({"AllocationId": id, "InstanceId": inst}),
    )
    .unwrap();
    assert_eq!(
        status(&m).0,
        "Associating",
        "the manual clock has not moved"
    );
    // Releasing is allowed only while Available.
    assert_eq!(
        ens(&m, "ReleaseInstance", json!({"InstanceId": id})).unwrap_err(),
        "IncorrectInstanceStatus"
    );
    m.clock.advance(1000);
    assert_eq!(status(&m), (json!("InUse"), json!(inst)));
    ens(&m, "UnAssociateEnsEipAddress", json!({"AllocationId": id})).unwrap();
    m.clock.advance(1000);
    assert_eq!(status(&m), (json!("Available"), json!("")));
    ens(&m, "ReleaseInstance", json!({"InstanceId": id})).unwrap();
    let b = ens(&m, "DescribeEnsEipAddresses", json!({})).unwrap();
    assert_eq!(b["TotalCount"], 0, "{b}");
}

#[test]
fn ens_key_pair_names_are_unique_and_pages_are_pages() {
    let m = model();
    for n in ["k1", "k2", "k3"] {
        ens(&m, "CreateKeyPair", json!({"KeyPairName": n})).unwrap();
    }
    assert_eq!(
        ens(&m, "CreateKeyPair", json!({"KeyPairName": "k2"})).unwrap_err(),
        "InvalidParameter"
    );
    let page = |n: u32| {
        ens(
            &m,
            "DescribeKeyPairs",
            json!({"PageNumber": n.to_string(), "PageSize": "2"}),
        )
        .unwrap()
    };
    let first = page(1);
    assert_eq!(first["TotalCount"], 3);
    let names: Vec<&Value> = first["KeyPairs"]["KeyPair"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| &k["KeyPairName"])
        .collect();
    assert_eq!(names, [&json!("k1"), &json!("k2")], "oldest first");
    assert_eq!(page(2)["KeyPairs"]["KeyPair"][0]["KeyPairName"], "k3");
    ens(&m, "DeleteKeyPairs", json!({"KeyPairName": "k1"})).unwrap();
    assert_eq!(page(1)["TotalCount"], 2);
    assert_eq!(page(1)["KeyPairs"]["KeyPair"][0]["KeyPairName"], "k2");
}

#[test]
fn ens_security_group_rules_are_authorized_and_revoked() {
    let m = model();
    let sg = ens(
        &m,
        "CreateSecurityGroup",
        json!({"SecurityGroupName": "web"}),
    )
    .unwrap();
    let id = sg["SecurityGroupId"].as_str().unwrap().to_string();
    let rule = json!({"SecurityGroupId": id, "IpProtocol": "tcp", "PortRange": "80/80", "SourceCidrIp": "0.0.0.0/0", "Policy": "accept", "Priority": 1});
    ens(&m, "AuthorizeSecurityGroup", rule.clone()).unwrap();
    let attr = ens(
        &m,
        "DescribeSecurityGroupAttribute",
        json!({"SecurityGroupId": id}),
    )
    .unwrap();
    assert_eq!(
        attr["Permissions"]["Permission"][0]["PortRange"], "80/80",
        "{attr}"
    );
    ens(&m, "RevokeSecurityGroup", rule).unwrap();
    let attr = ens(
        &m,
        "DescribeSecurityGroupAttribute",
        json!({"SecurityGroupId": id}),
    )
    .unwrap();
    assert_eq!(
        attr["Permissions"]["Permission"].as_array().map(Vec::len),
        Some(0),
        "{attr}"
    );
}

#[test]
fn tencent_target_groups_hold_instances_and_async_actions_start_tasks() {
    let m = model();
    let tg = clb(
        &m,
        "CreateTargetGroup",
        json!({"TargetGroupName": "tg", "Port": 80}),
    )
    .unwrap();
    let id = tg["TargetGroupId"].as_str().unwrap().to_string();
    assert!(id.starts_with("lbtg-"), "{id}");
    let inst = json!([{"BindIP": "10.0.0.1", "Port": 80, "Weight": 10}]);
    clb(
        &m,
        "RegisterTargetGroupInstances",
        json!({"TargetGroupId": id, "TargetGroupInstances": inst}),
    )
    .unwrap();
    let b = clb(
        &m,
        "DescribeTargetGroupInstances",
        json!({"Filters": [{"Name": "TargetGroupId", "Values": [id]}]}),
    )
    .unwrap();
    assert_eq!(b["TotalCount"], 1, "{b}");
    assert_eq!(b["TargetGroupInstanceSet"][0]["TargetGroupId"], id.as_str());
    assert_eq!(b["TargetGroupInstanceSet"][0]["Port"], 80);

    // RegisterTargetGroupInstances is asynchronous: its RequestId is a task, running until the
    // transition delay has passed.
    let task = |m: &Model| {
        clb(
            m,
            "DescribeTaskStatus",
            json!({"TaskId": "rid-RegisterTargetGroupInstances"}),
        )
        .unwrap()["Status"]
            .clone()
    };
    assert_eq!(task(&m), 2);
    m.clock.advance(1000);
    assert_eq!(task(&m), 0);

    clb(&m, "DeleteTargetGroups", json!({"TargetGroupIds": [id]})).unwrap();
    let b = clb(&m, "DescribeTargetGroups", json!({})).unwrap();
    assert_eq!(b["TotalCount"], 0);
    let gone = clb(
        &m,
        "ModifyTargetGroupAttribute",
        json!({"TargetGroupId": id, "TargetGroupName": "x"}),
    );
    assert_eq!(gone.unwrap_err(), "ResourceNotFound");
}

#[test]
fn catalogue_reads_answer_the_documented_example() {
    let m = model();
    let zones = slb(&m, "DescribeZones", json!({"RegionId": "cn-hangzhou"})).unwrap();
    let listed = zones["Zones"]["Zone"].as_array().map(Vec::len).unwrap_or(0);
    assert!(listed > 0, "the example's zones: {zones}");
}

#[test]
fn slb_tags_added_are_described_and_removed() {
    let m = model();
    let lb = slb_lb(&m);
    let tags =
        json!([{"TagKey": "team", "TagValue": "web"}, {"TagKey": "env", "TagValue": "prod"}]);
    slb(
        &m,
        "AddTags",
        json!({"RegionId": "cn-hangzhou", "LoadBalancerId": lb, "Tags": tags}),
    )
    .unwrap();
    let d = slb(
        &m,
        "DescribeTags",
        json!({"RegionId": "cn-hangzhou", "LoadBalancerId": lb}),
    )
    .unwrap();
    let sets = d["TagSets"]["TagSet"].as_array().unwrap();
    assert_eq!(sets.len(), 2, "{d}");
    assert!(sets.iter().all(|t| t["InstanceCount"] == 1), "{d}");
    assert_eq!(d["TotalCount"], 2);

    // A second load balancer with one of the tags: that tag set counts two instances.
    let lb2 = slb_lb(&m);
    let team = json!([{"TagKey": "team", "TagValue": "web"}]);
    slb(
        &m,
        "AddTags",
        json!({"RegionId": "cn-hangzhou", "LoadBalancerId": lb2, "Tags": team}),
    )
    .unwrap();
    let by_key = slb(
        &m,
        "DescribeTags",
        json!({"RegionId": "cn-hangzhou", "Tags": [{"TagKey": "team"}]}),
    )
    .unwrap();
    let sets = by_key["TagSets"]["TagSet"].as_array().unwrap();
    assert_eq!(sets.len(), 1, "{by_key}");
    assert_eq!(sets[0]["TagValue"], "web");
    assert_eq!(sets[0]["InstanceCount"], 2, "{by_key}");

    slb(
        &m,
        "RemoveTags",
        json!({"RegionId": "cn-hangzhou", "LoadBalancerId": lb, "Tags": tags}),
    )
    .unwrap();
    let left = slb(
        &m,
        "DescribeTags",
        json!({"RegionId": "cn-hangzhou", "LoadBalancerId": lb}),
    )
    .unwrap();
    assert_eq!(left["TagSets"]["TagSet"], json!([]), "{left}");
    assert_eq!(left["TotalCount"], 0);
}

fn v2(m: &Model, action: &str, params: Value) -> Result<Value, String> {
    exec(m, "tencent-clb-v2", "alice", action, params)
}

#[test]
fn tencent_listener_listings_show_the_rules_created_under_each_listener() {
    let m = model();
    let lb = clb(
        &m,
        "CreateLoadBalancer",
        json!({"LoadBalancerType": "OPEN"}),
    )
    .unwrap();
    let lb = lb["LoadBalancerIds"][0].as_str().unwrap().to_string();
    m.clock.advance(5000);
    let l = clb(
        &m,
        "CreateListener",
        json!({"LoadBalancerId": lb, "Ports": [80], "Protocol": "HTTP"}),
    )
    .unwrap();
    let l = l["ListenerIds"][0].as_str().unwrap().to_string();
    let rule = json!({"Domain": "a.example.com", "Url": "/x"});
    let made = clb(
        &m,
        "CreateRule",
        json!({"LoadBalancerId": lb, "ListenerId": l, "Rules": [rule]}),
    )
    .unwrap();
    m.clock.advance(5000);
    let got = clb(&m, "DescribeListeners", json!({"LoadBalancerId": lb})).unwrap();
    let listener = &got["Listeners"][0];
    let rules = listener["Rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1, "{got}");
    assert_eq!(rules[0]["Domain"], "a.example.com", "{got}");
    assert_eq!(rules[0]["Url"], "/x", "{got}");
    assert_eq!(rules[0]["LocationId"], made["LocationIds"][0], "{got}");
    assert_eq!(rules[0]["ListenerId"], l.as_str(), "{got}");
    assert!(
        listener["CreateTime"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "a listener answers when it was created: {got}"
    );
    // The rule's own listener, not its neighbours: another listener lists none.
    clb(
        &m,
        "CreateListener",
        json!({"LoadBalancerId": lb, "Ports": [81], "Protocol": "HTTP"}),
    )
    .unwrap();
    let got = clb(
        &m,
        "DescribeListeners",
        json!({"LoadBalancerId": lb, "Port": 81}),
    )
    .unwrap();
    assert_eq!(got["Listeners"][0]["Rules"], json!([]), "{got}");
    let got = clb(
        &m,
        "DescribeLoadBalancers",
        json!({"LoadBalancerIds": [lb]}),
    )
    .unwrap();
    let t = got["LoadBalancerSet"][0]["CreateTime"]
        .as_str()
        .unwrap_or_default();
    assert!(
        is_tencent_time(t),
        "a load balancer answers when it was created: {got}"
    );
}

/// Tencent's documented time format, "2006-01-02 15:04:05".
fn is_tencent_time(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

#[test]
fn v2_listener_listings_show_the_rules_created_under_each_listener() {
    let m = model();
    let lb = v2_lb(&m, 1);
    v2_layer7(&m, &lb, json!([{"domain": "b.example.com", "url": "/y"}]));
    let got = v2(
        &m,
        "DescribeForwardLBListeners",
        json!({"loadBalancerId": lb}),
    )
    .unwrap();
    let rules = &got["listenerSet"][0]["rules"];
    assert_eq!(rules[0]["domain"], "b.example.com", "{got}");
    assert_eq!(rules[0]["url"], "/y", "{got}");
    assert!(
        rules[0]["locationId"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "{got}"
    );
    let got = v2(
        &m,
        "DescribeLoadBalancers",
        json!({"loadBalancerIds": [lb]}),
    )
    .unwrap();
    let t = got["loadBalancerSet"][0]["createTime"]
        .as_str()
        .unwrap_or_default();
    assert!(
        is_tencent_time(t),
        "a load balancer answers when it was created: {got}"
    );
}

/// An HTTP listener on port 80 of `lb` with `rules` under it, all made: its id.
fn v2_layer7(m: &Model, lb: &str, rules: Value) -> String {
    let listener = json!({"loadBalancerPort": 80, "protocol": 1});
    let made = v2(
        m,
        "CreateForwardLBSeventhLayerListeners",
        json!({"loadBalancerId": lb, "listeners": [listener]}),
    )
    .unwrap();
    let l = made["listenerIds"][0].as_str().unwrap().to_string();
    v2(
        m,
        "CreateForwardLBListenerRules",
        json!({"loadBalancerId": lb, "listenerId": l, "rules": rules}),
    )
    .unwrap();
    m.clock.advance(5000);
    l
}

/// A v2 load balancer (forward or classic) made in `m`, its creation finished.
fn v2_lb(m: &Model, forward: i64) -> String {
    let lb = v2(
        m,
        "CreateLoadBalancer",
        json!({"loadBalancerType": 2, "forward": forward}),
    )
    .unwrap();
    let deal = lb["dealIds"][0].as_str().unwrap();
    let id = lb["unLoadBalancerIds"][deal][0]
        .as_str()
        .unwrap()
        .to_string();
    m.clock.advance(5000);
    id
}

#[test]
fn v2_listener_listings_hold_to_the_load_balancer_asked_for() {
    let m = model();
    let (forward, classic) = (v2_lb(&m, 1), v2_lb(&m, 0));
    let mine = v2_layer7(
        &m,
        &forward,
        json!([{"domain": "c.example.com", "url": "/c"}]),
    );
    // A classic listener, whose attributes do not repeat its load balancer's id.
    let other = json!({"loadBalancerPort": 443, "instancePort": 443, "protocol": 2});
    v2(
        &m,
        "CreateLoadBalancerListeners",
        json!({"loadBalancerId": classic, "listeners": [other]}),
    )
    .unwrap();
    m.clock.advance(5000);
    for action in ["DescribeForwardLBListeners", "DescribeForwardLBBackends"] {
        let got = v2(&m, action, json!({"loadBalancerId": forward})).unwrap();
        let list = got
            .get("listenerSet")
            .or_else(|| got.get("data"))
            .and_then(Value::as_array)
            .unwrap();
        let ids: Vec<&str> = list
            .iter()
            .filter_map(|l| l["listenerId"].as_str())
            .collect();
        assert_eq!(ids, [mine.as_str()], "{action}: {got}");
    }
}

#[test]
fn v2_forward_backends_are_listed_under_the_rule_they_were_bound_to() {
    let m = model();
    let lb = v2_lb(&m, 1);
    let rules =
        json!([{"domain": "a.example.com", "url": "/a"}, {"domain": "a.example.com", "url": "/b"}]);
    let l = v2_layer7(&m, &lb, rules);
    let got = v2(
        &m,
        "DescribeForwardLBListeners",
        json!({"loadBalancerId": lb}),
    )
    .unwrap();
    let second = got["listenerSet"][0]["rules"][1]["locationId"]
        .as_str()
        .unwrap()
        .to_string();
    let backend = json!({"instanceId": "ins-1234abcd", "port": 8080, "weight": 30});
    v2(
        &m,
        "RegisterInstancesWithForwardLBSeventhListener",
        json!({"loadBalancerId": lb, "listenerId": l, "locationIds": [second], "backends": [backend]}),
    )
    .unwrap();
    m.clock.advance(5000);
    let got = v2(
        &m,
        "DescribeForwardLBBackends",
        json!({"loadBalancerId": lb}),
    )
    .unwrap();
    let rules = &got["data"][0]["rules"];
    assert_eq!(rules[0]["backends"], json!([]), "{got}");
    assert_eq!(rules[1]["locationId"], json!(second), "{got}");
    assert_eq!(rules[1]["backends"][0]["port"], 8080, "{got}");
    assert_eq!(rules[1]["backends"][0]["weight"], 30, "{got}");
}
