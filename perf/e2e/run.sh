#!/usr/bin/env bash
# End-to-end throughput of synwatchd: generated export captures replayed in a loop by
# DPDK's net_pcap (infinite_rx) through the whole pipeline (rx, decode, hand-off, join,
# classify, detect), with 1 worker and with several (the exporters dealt over one port a
# worker, as RSS deals them over queues), with the detectors on and off, taking turns.
# Prints records/s and drops per run, the medians and the on/off ratio.
#
#   perf/e2e/run.sh                 NetFlow v9 (the issue's figure), 1 and 2 workers
#   perf/e2e/run.sh v5 v9 ipfix sflow
#   WORKERS="1 2 4 8" perf/e2e/run.sh          scaling, on a machine with the cores
#   RECORDS=2000000 EXPORTERS=64 SECONDS_PER_RUN=10 RUNS=3 BUILD=build DETECT="on off" perf/e2e/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${BUILD:-build}
records=${RECORDS:-2000000}
exporters=${EXPORTERS:-64}
seconds=${SECONDS_PER_RUN:-10}
runs=${RUNS:-3}
read -r -a detect_modes <<<"${DETECT:-on off}"
read -r -a worker_counts <<<"${WORKERS:-1 2}"
formats=("${@:-v9}")
work=${WORK:-/tmp/synwatch-e2e}
cpus=$(nproc)

# A build tree is brought up to date; a directory of prebuilt binaries in the same layout
# is used as it is.
[[ -f $build/CMakeCache.txt ]] && cmake --build "$build" --target synwatchd synwatch-make-exports >/dev/null
mkdir -p "$work"

source perf/e2e/dpdk_config.sh
# The counters that drop or lose records (synwatchd --list-counters: layer, name, kind).
record_drops=$("$build/dataplane/daemon/synwatchd" --list-counters |
  awk -F'\t' '$1 != "detect" && ($3 == "drop" || $3 == "loss") { printf "%s ", $2 }')

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '%-6s %-6s %-7s %-6s %14s %16s  %s\n' format detect workers run "records/s" "per worker" "records dropped"
for format in "${formats[@]}"; do
  for workers in "${worker_counts[@]}"; do
    # One capture a worker, the same records over all of them.
    capture="$work/$format-$workers.pcap"
    if ((workers == 1)); then
      files=("$capture")
      log=$("$build/perf/synwatch-make-exports" --format "$format" --records "$records" \
        --exporters "$exporters" -o "$capture" 2>&1)
    else
      files=()
      for ((k = 0; k < workers; ++k)); do files+=("$capture.$k"); done
      log=$("$build/perf/synwatch-make-exports" --format "$format" --records "$records" \
        --exporters "$exporters" --split "$workers" -o "$capture" 2>&1)
    fi
    packets=$(sed -E 's/.* in ([0-9]+) packets.*/\1/' <<<"$log")
    for detect in "${detect_modes[@]}"; do
      dpdk_config "$detect" "$workers" "$packets" "${files[@]}" >"$work/e2e-$detect.yaml"
    done
    # The modes take turns run by run, so that a slow spell of a shared machine falls on
    # both rather than on one.
    declare -A rates=()
    for run in $(seq 1 "$runs"); do
      for detect in "${detect_modes[@]}"; do
        # Each run's summary is kept: the counters behind any drop are in it.
        summary="$work/summary-$format-$workers-$detect-$run.txt"
        if ! "$build/dataplane/daemon/synwatchd" --config "$work/e2e-$detect.yaml" --duration "$seconds" \
          2>"$summary" >/dev/null; then
          cat "$summary" >&2
          exit 1
        fi
        # The "all" row with several workers, worker 0's row with one: records/s is column 5.
        if ((workers == 1)); then row=$(grep -E '^  0 ' "$summary"); else row=$(grep -E '^  all ' "$summary"); fi
        rate=$(awk '{ printf "%.0f", $5 }' <<<"$row")
        # Records dropped or lost, with the counters that say why: every drop and loss
        # counter but the detect layer's, which count detector table updates and alert
        # conditions, not records.
        dropped=$(awk -v names="$record_drops" 'BEGIN { split(names, list, " "); for (i in list) drop[list[i]] = 1 }
                       NF >= 3 && ($2 in drop) && $3 ~ /^[0-9]+$/ && $3 > 0 { total += $3; why = why (why == "" ? "" : ",") $2 }
                       END { print (total > 0 ? total " (" why ")" : "none") }' "$summary")
        rates[$detect]+="$rate "
        printf '%-6s %-6s %-7s %-6s %14s %16s  %s\n' "$format" "$detect" "$workers" "$run" "$rate" \
          "$((rate / workers))" "$dropped"
      done
    done
    declare -A medians=()
    for detect in "${detect_modes[@]}"; do
      medians[$detect]=$(tr ' ' '\n' <<<"${rates[$detect]}" | grep . | median)
      printf '%-6s %-6s %-7s %-6s %14s %16s\n' "$format" "$detect" "$workers" median "${medians[$detect]}" \
        "$((medians[$detect] / workers))"
    done
    if [[ -n ${medians[on]:-} && -n ${medians[off]:-} ]]; then
      printf '%-6s on/off %-7s %-6s %14s\n' "$format" "$workers" ratio \
        "$(awk -v a="${medians[on]}" -v b="${medians[off]}" 'BEGIN { printf "%.3f", a / b }')"
    fi
    unset rates medians
  done
done
echo "each run's summary: $work/summary-FORMAT-WORKERS-DETECT-RUN.txt"
