#!/usr/bin/env python3
"""One full lifecycle per dialect through each official Python SDK, against `lbconform serve`.

Usage: sdk_interop.py HOST:PORT. Each step's answer is asserted; the first failure exits 1
with the step that failed. Run through scripts/sdk-interop.sh, which makes the virtualenv and
starts the server.
"""
import http.client
import json
import sys
import time

ENDPOINT = sys.argv[1]
ALI = ("testid", "testsecret")
TC = ("AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA", "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA")
passed = []


def step(name, ok, detail=""):
    if not ok:
        print(f"FAIL {name}: {detail}")
        sys.exit(1)
    passed.append(name)
    print(f"ok   {name}")


def wait(name, poll, want, tries=50):
    """Polls until `poll()` returns `want`, bounded."""
    got = None
    for _ in range(tries):
        got = poll()
        if got == want:
            return step(name, True)
        time.sleep(0.05)
    step(name, False, f"still {got!r}")


def aliyun_core():
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkcore.request import CommonRequest
    client = AcsClient(*ALI, "cn-hangzhou")

    def call(action, **p):
        r = CommonRequest(domain=ENDPOINT, version="2014-05-15", action_name=action)
        r.set_protocol_type("http")
        r.set_accept_format("json")
        r.set_method("POST")
        for k, v in p.items():
            r.add_query_param(k, v)
        return json.loads(client.do_action_with_exception(r))

    lb = call("CreateLoadBalancer", RegionId="cn-hangzhou")
    lid = lb["LoadBalancerId"]
    step("aliyun-python-sdk-slb CreateLoadBalancer", lid.startswith("lb-"), lb)
    call("CreateLoadBalancerTCPListener", RegionId="cn-hangzhou", LoadBalancerId=lid, ListenerPort=80, BackendServerPort=8080, Bandwidth=-1)
    attr = lambda: call("DescribeLoadBalancerTCPListenerAttribute", RegionId="cn-hangzhou", LoadBalancerId=lid, ListenerPort=80)["Status"]
    step("aliyun-python-sdk-slb CreateLoadBalancerTCPListener", attr() == "stopped")
    call("StartLoadBalancerListener", RegionId="cn-hangzhou", LoadBalancerId=lid, ListenerPort=80)
    wait("aliyun-python-sdk-slb listener running", attr, "running")
    added = call("AddBackendServers", LoadBalancerId=lid, BackendServers=json.dumps([{"ServerId": "i-bp1", "Weight": "100"}]))
    step("aliyun-python-sdk-slb AddBackendServers", added["BackendServers"]["BackendServer"][0]["ServerId"] == "i-bp1", added)
    health = call("DescribeHealthStatus", RegionId="cn-hangzhou", LoadBalancerId=lid)["BackendServers"]["BackendServer"]
    step("aliyun-python-sdk-slb DescribeHealthStatus", health[0]["ServerHealthStatus"] == "normal", health)
    call("StopLoadBalancerListener", RegionId="cn-hangzhou", LoadBalancerId=lid, ListenerPort=80)
    wait("aliyun-python-sdk-slb listener stopped", attr, "stopped")
    call("DeleteLoadBalancer", RegionId="cn-hangzhou", LoadBalancerId=lid)
    try:
        call("DescribeLoadBalancerAttribute", RegionId="cn-hangzhou", LoadBalancerId=lid)
        step("aliyun-python-sdk-slb DeleteLoadBalancer", False, "still there")
    except Exception as e:
        step("aliyun-python-sdk-slb DeleteLoadBalancer", "InvalidLoadBalancerId.NotFound" in str(e), e)


def config():
    from alibabacloud_tea_openapi import models as open_api_models
    return open_api_models.Config(access_key_id=ALI[0], access_key_secret=ALI[1], endpoint=ENDPOINT, protocol="http", region_id="cn-hangzhou")


def alibabacloud_slb():
    from alibabacloud_slb20140515.client import Client
    from alibabacloud_slb20140515 import models as m
    c = Client(config())
    lid = c.create_load_balancer(m.CreateLoadBalancerRequest(region_id="cn-hangzhou")).body.load_balancer_id
    step("alibabacloud-slb20140515 CreateLoadBalancer (ACS3)", lid.startswith("lb-"))
    c.create_load_balancer_tcplistener(m.CreateLoadBalancerTCPListenerRequest(region_id="cn-hangzhou", load_balancer_id=lid, listener_port=443, backend_server_port=8443, bandwidth=-1))
    attr = lambda: c.describe_load_balancer_tcplistener_attribute(m.DescribeLoadBalancerTCPListenerAttributeRequest(region_id="cn-hangzhou", load_balancer_id=lid, listener_port=443)).body.status
    step("alibabacloud-slb20140515 CreateLoadBalancerTCPListener", attr() == "stopped")
    c.start_load_balancer_listener(m.StartLoadBalancerListenerRequest(region_id="cn-hangzhou", load_balancer_id=lid, listener_port=443))
    wait("alibabacloud-slb20140515 listener running", attr, "running")
    c.add_backend_servers(m.AddBackendServersRequest(region_id="cn-hangzhou", load_balancer_id=lid, backend_servers=json.dumps([{"ServerId": "i-bp2", "Weight": "50"}])))
    h = c.describe_health_status(m.DescribeHealthStatusRequest(region_id="cn-hangzhou", load_balancer_id=lid)).body.backend_servers.backend_server
    step("alibabacloud-slb20140515 DescribeHealthStatus", h[0].server_id == "i-bp2" and h[0].server_health_status == "normal", h)
    c.stop_load_balancer_listener(m.StopLoadBalancerListenerRequest(region_id="cn-hangzhou", load_balancer_id=lid, listener_port=443))
    wait("alibabacloud-slb20140515 listener stopped", attr, "stopped")
    c.delete_load_balancer(m.DeleteLoadBalancerRequest(region_id="cn-hangzhou", load_balancer_id=lid))
    left = c.describe_load_balancers(m.DescribeLoadBalancersRequest(region_id="cn-hangzhou", load_balancer_id=lid)).body.load_balancers.load_balancer
    step("alibabacloud-slb20140515 DeleteLoadBalancer", not left, left)


def alibabacloud_ens():
    from alibabacloud_ens20171110.client import Client
    from alibabacloud_ens20171110 import models as m
    c = Client(config())
    r = c.create_load_balancer(m.CreateLoadBalancerRequest(ens_region_id="cn-beijing-telecom", load_balancer_spec="elb.s1.small", pay_type="PostPaid", network_id="n-1", v_switch_id="vsw-1"))
    lid = r.body.load_balancer_id
    step("alibabacloud-ens20171110 CreateLoadBalancer (ACS3)", bool(lid) and lid.startswith("lb-"), r.body)
    c.create_load_balancer_tcplistener(m.CreateLoadBalancerTCPListenerRequest(load_balancer_id=lid, listener_port=80, backend_server_port=80))
    attr = lambda: c.describe_load_balancer_tcplistener_attribute(m.DescribeLoadBalancerTCPListenerAttributeRequest(load_balancer_id=lid, listener_port=80)).body.status
    step("alibabacloud-ens20171110 CreateLoadBalancerTCPListener", attr() == "Stopped")
    c.start_load_balancer_listener(m.StartLoadBalancerListenerRequest(load_balancer_id=lid, listener_port=80))
    wait("alibabacloud-ens20171110 listener running", attr, "Running")
    servers = [m.AddBackendServersRequestBackendServers(server_id="i-ens1", weight=100, type="ens")]
    c.add_backend_servers(m.AddBackendServersRequest(load_balancer_id=lid, backend_servers=servers))
    a = c.describe_load_balancer_attribute(m.DescribeLoadBalancerAttributeRequest(load_balancer_id=lid)).body
    step("alibabacloud-ens20171110 AddBackendServers", a.load_balancer_id == lid, a)
    c.stop_load_balancer_listener(m.StopLoadBalancerListenerRequest(load_balancer_id=lid, listener_port=80))
    wait("alibabacloud-ens20171110 listener stopped", attr, "Stopped")
    c.release_instance(m.ReleaseInstanceRequest(instance_id=lid))
    left = c.describe_load_balancers(m.DescribeLoadBalancersRequest(load_balancer_id=lid)).body.load_balancers.load_balancer
    step("alibabacloud-ens20171110 ReleaseInstance", not left, left)


def tencent(sign_method):
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.clb.v20180317 import clb_client, models as m
    http = HttpProfile(endpoint=ENDPOINT, protocol="http", reqMethod="POST" if sign_method.startswith("TC3") else "GET")
    c = clb_client.ClbClient(credential.Credential(*TC), "ap-guangzhou", ClientProfile(httpProfile=http, signMethod=sign_method))
    tag = f"tencentcloud-sdk-python-clb ({sign_method})"

    def req(cls, **kw):
        r = cls()
        r.from_json_string(json.dumps(kw))
        return r

    r = c.CreateLoadBalancer(req(m.CreateLoadBalancerRequest, LoadBalancerType="OPEN"))
    lb = r.LoadBalancerIds[0]
    step(f"{tag} CreateLoadBalancer", lb.startswith("lb-"))
    wait(f"{tag} task done", lambda: c.DescribeTaskStatus(req(m.DescribeTaskStatusRequest, TaskId=r.RequestId)).Status, 0)
    r = c.CreateListener(req(m.CreateListenerRequest, LoadBalancerId=lb, Ports=[80], Protocol="TCP", HealthCheck={"HealthSwitch": 1, "TimeOut": 2, "IntervalTime": 5}))
    listener = r.ListenerIds[0]
    step(f"{tag} CreateListener", listener.startswith("lbl-"))
    wait(f"{tag} listener task done", lambda: c.DescribeTaskStatus(req(m.DescribeTaskStatusRequest, TaskId=r.RequestId)).Status, 0)
    c.RegisterTargets(req(m.RegisterTargetsRequest, LoadBalancerId=lb, ListenerId=listener, Targets=[{"InstanceId": "ins-1", "Port": 8080, "Weight": 10}]))
    health = lambda: c.DescribeTargetHealth(req(m.DescribeTargetHealthRequest, LoadBalancerIds=[lb])).LoadBalancers[0].Listeners[0].Rules[0].Targets[0].HealthStatusDetail
    wait(f"{tag} DescribeTargetHealth Alive", health, "Alive")
    c.DeleteListener(req(m.DeleteListenerRequest, LoadBalancerId=lb, ListenerId=listener))
    step(f"{tag} DeleteListener", c.DescribeListeners(req(m.DescribeListenersRequest, LoadBalancerId=lb)).TotalCount == 0)
    c.DeleteLoadBalancer(req(m.DeleteLoadBalancerRequest, LoadBalancerIds=[lb]))
    step(f"{tag} DeleteLoadBalancer", c.DescribeLoadBalancers(req(m.DescribeLoadBalancersRequest, LoadBalancerIds=[lb])).TotalCount == 0)


def qcloud_v2():
    # The legacy SDK always speaks HTTPS to lb.api.qcloud.com: point its connection class and
    # its host (which it signs) at the emulator instead.
    import QcloudApi.common.request as request
    from QcloudApi.modules.lb import Lb
    from QcloudApi.qcloudapi import QcloudApi

    class Plain(http.client.HTTPConnection):
        def __init__(self, host, port=None):
            http.client.HTTPConnection.__init__(self, host, port)
            self.request_length = 0

    request.MyHTTPSConnection = Plain
    Lb.requestHost = ENDPOINT
    api = QcloudApi("lb", {"Region": "gz", "secretId": TC[0], "secretKey": TC[1], "method": "GET", "SignatureMethod": "HmacSHA256"})
    call = lambda action, **p: json.loads(api.call(action, p))
    r = call("CreateLoadBalancer", loadBalancerType=2)
    step("qcloudapi-sdk-python CreateLoadBalancer", r["code"] == 0, r)
    lb = r["unLoadBalancerIds"][r["dealIds"][0]][0]
    wait("qcloudapi-sdk-python task done", lambda: call("DescribeLoadBalancersTaskResult", requestId=r["requestId"])["data"]["status"], 0)
    r = call("CreateLoadBalancerListeners", **{"loadBalancerId": lb, "listeners.0.loadBalancerPort": 80, "listeners.0.instancePort": 8080, "listeners.0.protocol": 2})
    step("qcloudapi-sdk-python CreateLoadBalancerListeners", r["code"] == 0, r)
    listener = r["listenerIds"][0]
    r = call("RegisterInstancesWithLoadBalancer", **{"loadBalancerId": lb, "backends.0.instanceId": "ins-1", "backends.0.weight": 10})
    step("qcloudapi-sdk-python RegisterInstancesWithLoadBalancer", r["code"] == 0, r)
    h = call("DescribeLBHealthStatus", loadBalancerId=lb)
    step("qcloudapi-sdk-python DescribeLBHealthStatus", h["data"][0]["healthStatus"] == 1, h)
    r = call("DeleteLoadBalancerListeners", **{"loadBalancerId": lb, "listenerIds.0": listener})
    step("qcloudapi-sdk-python DeleteLoadBalancerListeners", r["code"] == 0, r)
    r = call("DeleteLoadBalancers", **{"loadBalancerIds.0": lb})
    step("qcloudapi-sdk-python DeleteLoadBalancers", r["code"] == 0, r)
    r = call("DescribeLoadBalancers", **{"loadBalancerIds.0": lb})
    step("qcloudapi-sdk-python gone", r["totalCount"] == 0, r)


if __name__ == "__main__":
    for f in (aliyun_core, alibabacloud_slb, alibabacloud_ens, lambda: tencent("TC3-HMAC-SHA256"), lambda: tencent("HmacSHA256"), qcloud_v2):
        f()
    print(f"sdk-interop: {len(passed)} passed, 0 failed")
