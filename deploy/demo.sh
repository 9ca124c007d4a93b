#!/usr/bin/env bash
# The demo: installs what is missing, builds, and decodes the bundled export captures
# (real softflowd and pmacctd exports of one traffic capture) with synwatch-replay.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)" --target synwatch-replay
replay=./build/dataplane/replay/synwatch-replay

echo
echo "Each bundled capture is one exporter's stream of the same traffic:"
for capture in tests/captures/*/exports-*.pcap; do
  printf '  %-52s %5d records\n' "$capture" "$("$replay" -q "$capture" | wc -l)"
done

capture=tests/captures/mixed/exports-pmacct-ipfix.pcap
echo
echo "First records of $capture (JSON lines):"
"$replay" --emit records "$capture" 2>/tmp/synwatch-demo-summary.txt | head -n 3
echo
cat /tmp/synwatch-demo-summary.txt
rm -f /tmp/synwatch-demo-summary.txt
