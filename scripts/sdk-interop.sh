#!/usr/bin/env bash
# The official Python SDKs against `lbconform serve`: one lifecycle per dialect through each SDK
# (scripts/sdk_interop.py), every answer asserted. Makes its own virtualenv and server.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${LBCONFORM_VENV:-.venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q aliyun-python-sdk-slb aliyun-python-sdk-core alibabacloud-slb20140515 \
    alibabacloud-ens20171110 tencentcloud-sdk-python-clb qcloudapi-sdk-python
cargo build --release --quiet
log=$(mktemp)
./target/release/lbconform serve --addr 127.0.0.1:0 --transition-delay-ms 100 > "$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    grep -q "listening on" "$log" && break
    sleep 0.1
done
addr=$(sed -n 's|^listening on http://||p' "$log" | head -1)
[ -n "$addr" ] || { echo "the server did not start:"; cat "$log"; exit 1; }
"$venv/bin/python" scripts/sdk_interop.py "$addr"
