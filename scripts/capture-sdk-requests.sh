#!/usr/bin/env bash
# Refreshes tests/fixtures/sdk/: installs the official SDKs in a virtualenv and records the raw
# requests they send (scripts/capture_sdk_requests.py). Needs PyPI; the fixtures are committed so
# the tests do not.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${LBCONFORM_VENV:-.venv}"
python3 -m venv "$venv"
"$venv/bin/pip" install -q aliyun-python-sdk-slb aliyun-python-sdk-core alibabacloud-slb20140515 \
    alibabacloud-ens20171110 tencentcloud-sdk-python-clb qcloudapi-sdk-python
"$venv/bin/python" scripts/capture_sdk_requests.py tests/fixtures/sdk
"$venv/bin/pip" freeze | grep -iE 'aliyun|alibabacloud|tencentcloud|qcloud' > tests/fixtures/sdk/VERSIONS.txt
