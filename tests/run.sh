#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds with warnings as errors, runs
# every test, builds the Debian package and checks it installed (tests/package); then
# builds again with AddressSanitizer + UndefinedBehaviorSanitizer and runs the suite
# under them.
# Last, each libFuzzer target (tests/fuzz) runs for a bounded time.
#   SYNWATCH_SKIP_SANITIZERS=1  skip the second build (quicker local runs)
#   SYNWATCH_FUZZ_SECONDS=N     seconds per fuzzer (default 15; 0 skips the fuzzers)
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh
jobs=$(nproc)

cmake -S . -B build -G Ninja -DSYNWATCH_WERROR=ON >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"
# The Debian package: built from that build, installed with dpkg, checked, purged.
tests/package/deb_install_test.sh build

if [[ "${SYNWATCH_SKIP_SANITIZERS:-0}" != 1 ]]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSYNWATCH_WERROR=ON \
    -DSYNWATCH_SANITIZE=ON -DSYNWATCH_BUILD_PERF=OFF >/dev/null
  cmake --build build-asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs"
fi

fuzz_seconds=${SYNWATCH_FUZZ_SECONDS:-15}
if ((fuzz_seconds > 0)); then
  # CI must finish within 45 minutes on 2 cores: on a slow day every fuzzer still runs,
  # for less time.
  if ((SECONDS > 35 * 60 && fuzz_seconds > 3)); then
    echo "fuzz: $((SECONDS / 60)) minutes gone; 3 s per fuzzer instead of $fuzz_seconds" >&2
    fuzz_seconds=3
  fi
  SECONDS_PER_FUZZER=$fuzz_seconds tests/fuzz/run.sh
fi
