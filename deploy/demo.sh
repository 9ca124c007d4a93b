#!/usr/bin/env bash
# The demo: installs what is missing, builds, and decodes the bundled export captures
# with synwatch-replay, printing a few records and what was found.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)" --target synwatch-replay

captures=(tests/captures/*/exports-*.pcap)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
./build/dataplane/replay/synwatch-replay --emit records -o "$out" "${captures[@]}"
echo
echo "first records (JSON lines, DESIGN.md section 5):"
head -n 3 "$out"
echo "... $(wc -l <"$out") records from ${#captures[@]} captures"
