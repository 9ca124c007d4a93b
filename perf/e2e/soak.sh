#!/usr/bin/env bash
# Soak: synwatchd receives the bundled captures (mixed traffic and attacks, as NetFlow
# v5, v9, IPFIX and sFlow from softflowd and pmacct, one net_pcap port each, replayed in
# a loop) for DURATION
# seconds with sessions and alerts written to files, an API client following the alerts
# and /metrics scraped; resident memory is sampled every SAMPLE seconds. Then the same
# for LEAK_SECONDS under the sanitizer build (build-asan), whose LeakSanitizer must find
# nothing when the daemon exits.
#
# Each pass repeats the captures' export times, so sessions are decided in the first pass
# and later passes join them again: the decoders, session joins, outputs, API and
# metrics run flat out for the whole soak; the detectors see the first pass.
#
# Memory is flat when the resident size at the end is within FLAT_MIB (default 8 MiB) of
# the size once warm (WARM_PERCENT, default 20 %, into the run): every table is sized at
# start and fills in the first seconds. Prints the samples and a summary table; exits 1
# when memory grew, a leak was found or the daemon failed.
#
#   perf/e2e/soak.sh                                 10 minutes, then 60 s under LSan
#   DURATION=120 LEAK_SECONDS=30 perf/e2e/soak.sh
#   BUILD=build ASAN_BUILD= perf/e2e/soak.sh         no leak check
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${BUILD:-build}
asan_build=${ASAN_BUILD-build-asan}
duration=${DURATION:-600}
sample=${SAMPLE:-10}
leak_seconds=${LEAK_SECONDS:-60}
flat_mib=${FLAT_MIB:-8}
warm_percent=${WARM_PERCENT:-20}
work=${WORK:-/tmp/synwatch-soak}
metrics=127.0.0.1:${METRICS_PORT:-9710}
api=127.0.0.1:${API_PORT:-50171}
cpus=$(nproc)
worker_cpu=$((cpus > 1 ? cpus - 1 : 0))

mkdir -p "$work"
captures=(tests/captures/mixed/exports-*.pcap tests/captures/attacks/exports-*.pcap)
cmake --build "$build" --target synwatchd synwatchctl >/dev/null
[[ -n $asan_build ]] && cmake --build "$asan_build" --target synwatchd >/dev/null

config() {  # run name
  local ports="" i=0
  for c in "${captures[@]}"; do
    ports+="    - {device: \"net_pcap$i,rx_pcap=$PWD/$c,infinite_rx=1\"}"$'\n'
    i=$((i + 1))
  done
  cat <<EOF
dataplane:
  no_huge: true
  memory_mb: 512
  mbufs_per_socket: 32767
  lcores: [$worker_cpu]
  main_lcore: 0
  ports:
$ports
output: {sessions: "$work/$1-sessions.jsonl", alerts: "$work/$1-alerts.jsonl"}
api: {listen: "$api"}
metrics: {listen: "$metrics"}
EOF
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
metric() {  # name: the sum of its series
  curl -s "http://$metrics/metrics" | awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $2 } END { printf "%.0f", s }'
}

# One run: samples to $work/NAME-samples.txt ("seconds rss_kib records sessions alerts").
run() {  # name binary seconds
  local name=$1 binary=$2 seconds=$3
  config "$name" >"$work/$name.yaml"
  rm -f "$work/$name"-*.jsonl
  "$binary" --config "$work/$name.yaml" --duration "$seconds" >"$work/$name-stdout.txt" 2>"$work/$name-stderr.txt" &
  local daemon=$! t=0
  for _ in $(seq 1 600); do grep -q "receiving on" "$work/$name-stderr.txt" && break; sleep 0.1; done
  timeout "$seconds" "$build/control/synwatchctl" --server "$api" --json alerts --follow \
    >"$work/$name-follow.jsonl" 2>/dev/null &
  local follower=$!
  : >"$work/$name-samples.txt"
  while kill -0 "$daemon" 2>/dev/null; do
    printf '%s %s %s %s %s\n' "$t" "$(rss_kib "$daemon")" "$(metric synwatch_records_total)" \
      "$(metric synwatch_sessions_total)" "$(metric synwatch_alerts_total)" >>"$work/$name-samples.txt"
    sleep "$sample"
    t=$((t + sample))
  done
  local status=0
  wait "$daemon" || status=$?
  wait "$follower" 2>/dev/null || true
  return "$status"
}

failed=0
echo "soak: ${#captures[@]} captures in a loop, $duration s, a sample every $sample s ($work)"
if ! run soak "$build/dataplane/daemon/synwatchd" "$duration"; then
  echo "soak: synwatchd failed; $work/soak-stderr.txt:" >&2
  tail -20 "$work/soak-stderr.txt" >&2
  failed=1
fi
printf '%8s %10s %14s %12s %8s\n' seconds "RSS MiB" records sessions alerts
awk '$3 > 0 { printf "%8d %10.1f %14d %12d %8d\n", $1, $2 / 1024, $3, $4, $5 }' "$work/soak-samples.txt"

# Flat: the last sample against the first sample past the warm-up.
read -r warm_kib last_kib records < <(awk -v w="$warm_percent" -v d="$duration" '
  $3 > 0 { n++; t[n] = $1; r[n] = $2; rec = $3 }  # samples while /metrics answered
  END { for (i = 1; i <= n; i++) if (t[i] >= d * w / 100) { warm = r[i]; break }
        if (warm == 0) warm = r[n]; print warm, r[n], rec + 0 }' "$work/soak-samples.txt")
growth_mib=$(awk -v a="$warm_kib" -v b="$last_kib" 'BEGIN { printf "%.1f", (b - a) / 1024 }')
flat=yes
awk -v g="$growth_mib" -v f="$flat_mib" 'BEGIN { exit !(g > f) }' && flat=no && failed=1
((records > 0)) || { echo "soak: no records were decoded" >&2; failed=1; }

leaks=skipped
if [[ -n $asan_build ]]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 LSAN_OPTIONS=exitcode=23
  if run leak "$asan_build/dataplane/daemon/synwatchd" "$leak_seconds"; then
    leaks=none
  elif grep -q "LeakSanitizer" "$work/leak-stderr.txt"; then
    leaks=FOUND
    grep -A12 "ERROR: LeakSanitizer" "$work/leak-stderr.txt" >&2
    failed=1
  else
    leaks="daemon failed"
    tail -20 "$work/leak-stderr.txt" >&2
    failed=1
  fi
fi

echo
printf '| %-28s | %s |\n' check result "---" "---"
printf '| %-28s | %s |\n' "duration" "$duration s (sample every $sample s)"
printf '| %-28s | %s |\n' "records decoded" "$records"
printf '| %-28s | %s |\n' "RSS warm, end" "$(awk -v a="$warm_kib" -v b="$last_kib" 'BEGIN { printf "%.1f, %.1f MiB", a / 1024, b / 1024 }')"
printf '| %-28s | %s |\n' "growth (limit $flat_mib MiB)" "$growth_mib MiB: flat $flat"
printf '| %-28s | %s |\n' "LeakSanitizer ($leak_seconds s)" "$leaks"
exit "$failed"
