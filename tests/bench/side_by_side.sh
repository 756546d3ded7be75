#!/usr/bin/env bash
# The mock WSUS against nginx, side by side in one run (issue 10, docs/performance.md "Side by
# side with nginx"): the same SyncUpdates request, posted by wrk over keep-alive connections to
#   computed  wsuslab serve --model fixed (cookie check, envelope parse, GetSyncInfo, serialize)
#   replay    wsuslab serve --replay DIR --replay-repeat (parse, semantic match, recorded answer)
#   nginx     one nginx worker serving the same response bytes as a static file
# Each server gets one thread (one nginx worker); wrk runs one thread. Prints requests/s of each
# and the two ratios; exits non-zero when a run answered anything but 200.
#
# Usage: tests/bench/side_by_side.sh [seconds per run, default 10] [connections, default 8]
# Needs: build/bin/wsuslab (make release; WSUSLAB=path overrides), wrk, nginx (Debian packages).
set -euo pipefail

duration=${1:-10}
connections=${2:-8}
root=$(cd "$(dirname "$0")/../.." && pwd)
wsuslab=${WSUSLAB:-$root/build/bin/wsuslab}
for tool in wrk nginx; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
        { echo "side_by_side: $tool is not installed (apt-get install $tool)" >&2; exit 2; }
done
[ -x "$wsuslab" ] || { echo "side_by_side: $wsuslab not found: run make release" >&2; exit 2; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Starts a wsuslab subcommand in the background; sets `url` to the first line it prints.
start() {
    local name=$1
    shift
    "$wsuslab" "$@" >"$work/$name.out" 2>"$work/$name.err" &
    pids+=($!)
    url=""
    for _ in $(seq 1 100); do
        url=$(head -n 1 "$work/$name.out" 2>/dev/null || true)
        [ -n "$url" ] && break
        sleep 0.1  # polling a child's first output line, not synchronising a test
    done
    [ -n "$url" ] || { echo "side_by_side: $name did not start: $(cat "$work/$name.err")" >&2; exit 1; }
}

# 1. A computing server, and one session of the plain workstation recorded through the proxy
#    without sanitizing, so that the recorded request is byte for byte what the server accepts.
start computed serve --listen 127.0.0.1:0 --model fixed --threads 1 --no-selfupdate --log-level error
computed=$url
start proxy proxy --listen 127.0.0.1:0 --upstream "$computed" --record "$work/rec" --no-sanitize --threads 1
proxy=$url
"$wsuslab" sync --skip-selfupdate --server "$proxy" --profile plain-workstation --no-report >"$work/sync.out"

# 2. The SyncUpdates exchange with the largest answer.
largest=$(for d in "$work"/rec/*-SyncUpdates; do
    echo "$(stat -c %s "$d/response.xml") $d"
done | sort -n | tail -n 1 | cut -d' ' -f2)
[ -n "$largest" ] || { echo "side_by_side: the recording holds no SyncUpdates exchange" >&2; exit 1; }
bytes=$(stat -c %s "$largest/response.xml")

# 3. The replay server and nginx serving the answer as a file.
start replay serve --listen 127.0.0.1:0 --replay "$work/rec" --replay-repeat --threads 1 \
    --no-selfupdate --log-level error
replay=$url
mkdir -p "$work/www"
cp "$largest/response.xml" "$work/www/sync.xml"
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx.err warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:0;
        root $work/www;
        # The same POST as the others; a static file answers GET only, so POST is turned into it.
        error_page 405 =200 \$uri;
    }
}
EOF
# nginx cannot print a port it picked: take a free one from the kernel first.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -i "s/listen 127.0.0.1:0;/listen 127.0.0.1:$port;/" "$work/nginx.conf"
"$nginx_bin" -c "$work/nginx.conf" -p "$work" &
pids+=($!)
for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/sync.xml" 2>/dev/null && break
    sleep 0.1
done

# wrk posts the recorded request with its SOAP headers; responses other than 200 are counted.
action=$(grep -i '^SOAPAction:' "$largest/request.http-headers" | cut -d' ' -f2- | tr -d '\r')
cat >"$work/post.lua" <<EOF
local f = io.open("$largest/request.xml", "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.headers["SOAPAction"] = '$action'
local bad = 0
function response(status, headers, body)
    if status ~= 200 then bad = bad + 1 end
end
function done(summary, latency, requests)
    io.write(string.format("RESULT %d %d %.0f\n", summary.requests, bad, latency:percentile(99)))
end
EOF

run() {
    local name=$1 url=$2
    local out
    out=$(wrk -t1 -c"$connections" -d"${duration}s" -s "$work/post.lua" --latency "$url")
    local line
    line=$(grep '^RESULT' <<<"$out")
    local requests bad
    requests=$(cut -d' ' -f2 <<<"$line")
    bad=$(cut -d' ' -f3 <<<"$line")
    local rps
    rps=$(grep '^Requests/sec' <<<"$out" | awk '{print $2}')
    printf '%-9s %10s requests/s  (%s requests, %s not 200, p99 %s us)\n' "$name" "$rps" "$requests" "$bad" \
        "$(cut -d' ' -f4 <<<"$line")" >&2
    if [ "$bad" != "0" ]; then
        echo "side_by_side: $name answered $bad requests with a status other than 200" >&2
        failed=1
    fi
    echo "$rps"
}

failed=0
echo "side_by_side: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), ${duration}s per run," \
    "wrk -t1 -c$connections, SyncUpdates answer of $bytes bytes ($(basename "$largest"))" >&2
computed_rps=$(run computed "$computed/ClientWebService/client.asmx")
replay_rps=$(run replay "$replay/ClientWebService/client.asmx")
nginx_rps=$(run nginx "http://127.0.0.1:$port/sync.xml")
python3 - "$computed_rps" "$replay_rps" "$nginx_rps" <<'EOF'
import sys
c, r, n = (float(x) for x in sys.argv[1:4])
print(f"computed / nginx = {c / n:.2f}  (target >= 0.5)")
print(f"replay   / nginx = {r / n:.2f}  (target >= 0.7)")
EOF
exit "$failed"
