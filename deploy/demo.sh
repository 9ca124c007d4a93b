#!/usr/bin/env bash
# The demo: installs what is missing, builds, and runs synwatchd on a capture bundled in
# the repository (real softflowd NetFlow v9 exports of one traffic capture), replayed
# through DPDK's net_pcap port without hugepages, detectors on; it prints what it found
# (failed sessions and the alerts they raised) and exits at the end of the capture.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)" --target synwatchd synwatch-replay

capture=tests/captures/mixed/exports-softflowd-v9.pcap
sessions=$(mktemp /tmp/synwatch-demo-sessions.XXXXXX)
alerts=$(mktemp /tmp/synwatch-demo-alerts.XXXXXX)
trap 'rm -f "$sessions" "$alerts"' EXIT
echo
echo "synwatchd --pcap $capture --no-huge --workers 2 --internal 198.51.100.0/24,2001:db8:100::/64"
./build/dataplane/daemon/synwatchd --pcap "$capture" --no-huge --workers 2 \
  --internal 198.51.100.0/24,2001:db8:100::/64 --sessions-out "$sessions" --alerts-out "$alerts"
echo
echo "Failed sessions it wrote (first 3 of $(grep -c '"failed":true' "$sessions"), JSON lines):"
grep -m 3 '"failed":true' "$sessions"
echo
echo "Alerts it raised ($(grep -c . "$alerts" || true), JSON lines; the one-line summaries first):"
sed -n 's/.*"summary":"\([^"]*\)".*/  \1/p' "$alerts"
cat "$alerts"
