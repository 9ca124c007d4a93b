#!/usr/bin/env bash
# Does streaming alerts to API subscribers slow the dataplane? synwatchd runs the
# generated NetFlow v9 capture in a loop (as perf/e2e/run.sh does) with its worker on its
# own core, in two modes taking turns run by run:
#   quiet   no alerts beyond the detectors' own, no subscribers
#   loaded  --bench-alerts RATE synthetic alert events per second into the alert store
#           and, with ALERTS_FILE=1, the alerts file; SUBSCRIBERS gRPC clients, each on
#           its own connection, streaming them on the control core while the worker runs
#           (synwatch-alert-subscribers, which only counts; CLIENT=synwatchctl runs
#           `synwatchctl --json alerts --follow` instead, JSON printing and all)
# Prints records/s per run, the medians and the loaded/quiet ratio, and what each
# subscriber received (events/s, events missed).
#
#   perf/e2e/subscribers.sh
#   RUNS=5 SECONDS_PER_RUN=10 RATE=10000 SUBSCRIBERS=4 BUILD=build perf/e2e/subscribers.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${BUILD:-build}
records=${RECORDS:-2000000}
exporters=${EXPORTERS:-64}
seconds=${SECONDS_PER_RUN:-10}
runs=${RUNS:-5}
rate=${RATE:-10000}
subscribers=${SUBSCRIBERS:-4}
work=${WORK:-/tmp/synwatch-e2e}
api=127.0.0.1:${API_PORT:-50151}
cpus=$(nproc)
if ((cpus < 2)); then
  echo "subscribers.sh: needs 2 CPUs (the worker's and the control core)" >&2
  exit 2
fi
worker_cpu=$((cpus - 1))

client=${CLIENT:-counting}
cmake --build "$build" --target synwatchd synwatchctl synwatch-make-exports synwatch-alert-subscribers >/dev/null
mkdir -p "$work"
capture="$work/v9.pcap"
log=$("$build/perf/synwatch-make-exports" --format v9 --records "$records" --exporters "$exporters" -o "$capture" 2>&1)
packets=$(sed -E 's/.* in ([0-9]+) packets.*/\1/' <<<"$log")
source perf/e2e/dpdk_config.sh
mbufs=$(pool_for "$packets")

# The worker alone on the last CPU; the main thread, the control threads (writer,
# detection, gRPC, metrics) and the subscribers on CPU 0: the recommended layout.
cat >"$work/subscribers.yaml" <<EOF
dataplane:
  no_huge: true
  mbufs_per_socket: $mbufs
  lcores: [$worker_cpu]
  main_lcore: 0
  ports:
    - {device: "net_pcap0,rx_pcap=$capture,infinite_rx=1"}
output: {sessions: "", alerts: "${ALERTS_FILE:+$work/bench-alerts.jsonl}"}
api: {listen: "$api", alert_history: 10000}
metrics: {listen: ""}
EOF

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Streams while the worker runs: from its start, for all but the last second of it.
start_subscribers() {
  local stream_for=$((seconds > 2 ? seconds - 1 : 1))
  if [[ $client == synwatchctl ]]; then
    for i in $(seq 1 "$subscribers"); do
      taskset -c 0 timeout "$stream_for" "$build/control/synwatchctl" --server "$api" --json alerts --follow \
        --limit 1 >"$work/subscriber-$i.jsonl" 2>/dev/null &
    done
    wait
    for i in $(seq 1 "$subscribers"); do
      # Events received, and the first and last sequence: a gap means missed events.
      awk -v s="$stream_for" -v i="$i" -F'"sequence":"' 'NF > 1 { split($2, a, "\""); q = a[1] + 0;
            if (n == 0) first = q; last = q; n++ }
          END { printf "subscriber %d: %d events, %.0f/s, sequence %d..%d, missed %d\n",
                i, n, n / s, first, last, (last - first + 1) - n }' "$work/subscriber-$i.jsonl"
    done >"$work/subscribers.txt"
  else
    taskset -c 0 "$build/perf/synwatch-alert-subscribers" --server "$api" --subscribers "$subscribers" \
      --seconds "$stream_for" >"$work/subscribers.txt"
  fi
}

# One run: records/s and drops on stdout; what the subscribers received on stderr.
run_once() {  # mode
  local mode=$1 extra=() streams=
  [[ $mode == loaded ]] && extra=(--bench-alerts "$rate")
  rm -f "$work"/bench-alerts.jsonl
  "$build/dataplane/daemon/synwatchd" --config "$work/subscribers.yaml" --duration "$seconds" "${extra[@]}" \
    2>"$work/summary.txt" >/dev/null &
  local daemon=$!
  if [[ $mode == loaded ]]; then
    for _ in $(seq 1 400); do grep -q "receiving on" "$work/summary.txt" && break; sleep 0.05; done
    start_subscribers &
    streams=$!
  fi
  if ! wait "$daemon"; then
    cat "$work/summary.txt" >&2
    exit 1
  fi
  [[ -n $streams ]] && wait "$streams"
  local row dropped
  row=$(grep -E '^  0 ' "$work/summary.txt")
  dropped=$(sed -nE 's/^  dropped or lost: ([0-9]+|none).*/\1/p' "$work/summary.txt")
  awk '{ printf "%.0f", $5 }' <<<"$row"
  echo " $dropped"
  [[ $mode == loaded ]] && sed 's/^/  /' "$work/subscribers.txt" >&2
  return 0
}

# "dropped": the summary's total of drop and loss counters (docs/counters.md); on this
# synthetic traffic it is the detectors' own pre-filter (detect_keys_refused), the same
# in both modes.
printf '%-7s %-4s %14s %10s\n' mode run "records/s" dropped
declare -A rates=()
for run in $(seq 1 "$runs"); do
  for mode in quiet loaded; do
    read -r r dropped < <(run_once "$mode")
    rates[$mode]+="$r "
    printf '%-7s %-4s %14s %10s\n' "$mode" "$run" "$r" "$dropped"
  done
done
declare -A medians=()
for mode in quiet loaded; do
  medians[$mode]=$(tr ' ' '\n' <<<"${rates[$mode]}" | grep . | median)
  printf '%-7s %-4s %14s\n' "$mode" median "${medians[$mode]}"
done
awk -v a="${medians[loaded]}" -v b="${medians[quiet]}" \
  'BEGIN { printf "loaded/quiet %.3f (throughput change %+.1f %%)\n", a / b, (a / b - 1) * 100 }'
echo "last run: $work/summary.txt, $work/subscribers.txt"
