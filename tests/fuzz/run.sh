#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ (ASan + UBSan, coverage in every
# library), seeds each from the captures (tests/captures, and ../shared/testdata/flows
# when present) and runs each for a bounded time or number of executions. Exits 1 on
# the first finding; the crashing input is in build-fuzz/findings/<fuzzer>/.
#
#   tests/fuzz/run.sh                          every fuzzer, 60 s each
#   SECONDS_PER_FUZZER=600 tests/fuzz/run.sh fuzz_decode_v9 fuzz_decode_ipfix
#   RUNS=10000000 tests/fuzz/run.sh            10 M executions each (the issue's bar)
#   MAX_LEN=4096 ...                           shorter inputs (default 65535)
#
# AddressSanitizer records no allocation stacks here (malloc_context_size=0): unwinding
# on every malloc took a third of the time in fuzz_config. To see where a finding's
# memory was allocated and freed, run the fuzzer on its crash file with ASAN_OPTIONS unset.
set -euo pipefail
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0}
cd "$(dirname "$0")/../.."

build=${BUILD_FUZZ:-build-fuzz}
seconds=${SECONDS_PER_FUZZER:-60}
runs=${RUNS:-0}
max_len=${MAX_LEN:-65535}
jobs=$(nproc)
all=(fuzz_decode_v5 fuzz_decode_v9 fuzz_decode_ipfix fuzz_decode_sflow fuzz_ipfix_differential fuzz_packet_view fuzz_config fuzz_api_requests)
fuzzers=("${@:-${all[@]}}")

command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (deploy/install-deps.sh installs it)" >&2; exit 2; }
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSYNWATCH_FUZZ=ON \
  -DSYNWATCH_BUILD_TESTS=OFF -DSYNWATCH_BUILD_PERF=OFF -DSYNWATCH_WITH_DPDK=OFF >/dev/null
cmake --build "$build" --target "${fuzzers[@]}" -j "$jobs" >/dev/null

captures=(tests/captures/*/exports-*.pcap)
[[ -d ../shared/testdata/flows ]] && captures+=($(find ../shared/testdata/flows -name '*.pcap'))
rm -rf "$build/seeds"
python3 tests/fuzz/seed_corpora.py "$build/seeds" "${captures[@]}"

if ((runs > 0)); then limit=(-runs="$runs"); else limit=(-max_total_time="$seconds"); fi
printf '%-20s %12s %10s %8s %s\n' fuzzer executions "exec/s" coverage result
for f in "${fuzzers[@]}"; do
  corpus="$build/corpus/$f"
  findings="$build/findings/$f"
  mkdir -p "$corpus" "$findings"
  seeds="$build/seeds/$f"
  [[ -d $seeds ]] || seeds=
  log="$build/$f.log"
  status=0
  "$build/tests/fuzz/$f" "${limit[@]}" -rss_limit_mb=2048 -max_len="$max_len" -timeout=10 \
    -artifact_prefix="$findings/" -print_final_stats=1 "$corpus" ${seeds:+"$seeds"} >"$log" 2>&1 || status=$?
  executions=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -1)
  rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log" | tail -1)
  coverage=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  if ((status == 0)); then result=ok; else result="FINDING (see $log, $findings)"; fi
  printf '%-20s %12s %10s %8s %s\n' "$f" "${executions:-?}" "${rate:-?}" "${coverage:-?}" "$result"
  if ((status != 0)); then
    grep -m1 -E 'ERROR: |runtime error|==ERROR' "$log" >&2 || tail -5 "$log" >&2
    exit 1
  fi
done
