#!/usr/bin/env python3
"""Capture the raw requests the official Python SDKs send, as fixtures for tests/sdk_fixtures.rs.

A small HTTP server on a free loopback port records every request byte for byte and answers it
with a canned, well-formed response in the dialect's own format (so the SDK parses it and does
not retry). Each SDK is pointed at the server with the credentials the emulator uses by default
(the documents' own examples). The legacy qcloudapi SDK cannot be pointed at another host, so its
signed URL is taken from its own generateUrl(), which is exactly what it would send.

Run through scripts/capture-sdk-requests.sh, which makes the virtualenv.
"""
import base64
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

ALI_ID, ALI_SECRET = "testid", "testsecret"
TC_ID, TC_SECRET = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA", "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA"
OUT = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/sdk"

captured = []


def canned(path, headers, query):
    """A response each SDK accepts: the dialect's success envelope."""
    if path.startswith("/v2/index.php"):
        return {"code": 0, "message": "", "codeDesc": "Success", "totalCount": 0, "loadBalancerSet": []}
    if headers.get("X-TC-Action") or "Version=2018-03-17" in query:
        return {"Response": {"TotalCount": 0, "LoadBalancerSet": [], "RequestId": "6f3a9c1e-0000-4000-8000-000000000001"}}
    return {"RequestId": "4C467B38-3910-447D-87BC-AC049166F216", "TotalCount": 0, "PageNumber": 1, "PageSize": 10,
            "LoadBalancers": {"LoadBalancer": []}, "Regions": {"Region": []}, "EnsRegions": {"EnsRegion": []}}


class Recorder(BaseHTTPRequestHandler):
    def handle_one(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        response = json.dumps(canned(parts.path, self.headers, parts.query)).encode()
        captured.append({
            "method": self.command,
            "path": parts.path or "/",
            "query": parts.query,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body_base64": base64.b64encode(body).decode(),
            "response_status": 200,
            "response_body": response.decode(),
        })
        self.send_response(200)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(response)))
        self.end_headers()
        self.wfile.write(response)

    do_GET = handle_one
    do_POST = handle_one

    def log_message(self, *args):
        pass


def run(name, scheme, call):
    """Runs one SDK call and saves what it sent."""
    before = len(captured)
    call()
    new = captured[before:]
    if not new:
        raise SystemExit(f"{name}: the SDK sent nothing")
    fixture = dict(new[-1], sdk=name, scheme=scheme)
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump(fixture, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"captured {name}: {fixture['method']} {fixture['path']}?{fixture['query'][:60]}")


def aliyun_core(endpoint):
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkslb.request.v20140515.DescribeLoadBalancersRequest import DescribeLoadBalancersRequest
    client = AcsClient(ALI_ID, ALI_SECRET, "cn-hangzhou")
    req = DescribeLoadBalancersRequest()
    req.set_endpoint(endpoint)
    req.set_protocol_type("http")
    req.set_accept_format("json")
    req.set_PageSize(10)
    client.do_action_with_exception(req)


def alibabacloud(module, endpoint):
    from alibabacloud_tea_openapi import models as open_api_models
    config = open_api_models.Config(access_key_id=ALI_ID, access_key_secret=ALI_SECRET, endpoint=endpoint, protocol="http", region_id="cn-hangzhou")
    if module == "slb":
        from alibabacloud_slb20140515.client import Client
        from alibabacloud_slb20140515 import models
        Client(config).describe_load_balancers(models.DescribeLoadBalancersRequest(region_id="cn-hangzhou", page_size=10))
    else:
        from alibabacloud_ens20171110.client import Client
        from alibabacloud_ens20171110 import models
        Client(config).describe_load_balancers(models.DescribeLoadBalancersRequest(page_size=10))


def tencent(endpoint, sign_method):
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.clb.v20180317 import clb_client, models
    http = HttpProfile(endpoint=endpoint, protocol="http", reqMethod="POST" if sign_method == "TC3-HMAC-SHA256" else "GET")
    profile = ClientProfile(httpProfile=http, signMethod=sign_method)
    client = clb_client.ClbClient(credential.Credential(TC_ID, TC_SECRET), "ap-guangzhou", profile)
    req = models.DescribeLoadBalancersRequest()
    req.LoadBalancerIds = ["lb-abcd1234"]
    req.Limit = 20
    client.DescribeLoadBalancers(req)


def qcloud_v2():
    from QcloudApi.qcloudapi import QcloudApi
    config = {"Region": "ap-guangzhou", "secretId": TC_ID, "secretKey": TC_SECRET, "method": "GET", "SignatureMethod": "HmacSHA256"}
    service = QcloudApi("lb", config)
    url = service.generateUrl("DescribeLoadBalancers", {"loadBalancerIds.0": "lb-abcd1234", "limit": 20})
    parts = urlsplit(url)
    response = json.dumps(canned(parts.path, {}, parts.query))
    captured.append({"method": "GET", "path": parts.path, "query": parts.query, "headers": [["Host", parts.netloc]],
                     "body_base64": "", "response_status": 200, "response_body": response})


def main():
    os.makedirs(OUT, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"127.0.0.1:{server.server_address[1]}"
    run("aliyun-python-sdk-slb", "aliyun-v1", lambda: aliyun_core(endpoint))
    run("alibabacloud-slb20140515", "acs3", lambda: alibabacloud("slb", endpoint))
    run("alibabacloud-ens20171110", "acs3", lambda: alibabacloud("ens", endpoint))
    run("tencentcloud-sdk-python-clb-tc3", "tc3", lambda: tencent(endpoint, "TC3-HMAC-SHA256"))
    run("tencentcloud-sdk-python-clb-hmacsha256", "tencent-hmac", lambda: tencent(endpoint, "HmacSHA256"))
    run("qcloudapi-sdk-python", "tencent-hmac", qcloud_v2)
    server.shutdown()


if __name__ == "__main__":
    main()
