#!/usr/bin/env bash
# Installs the Debian 12 packages synwatch needs to build and test, skipping what is
# already there. Run as root.
#   deploy/install-deps.sh             build and test dependencies
#   deploy/install-deps.sh --build-only  what building the binaries and the Debian
#                                      package needs (the operator guide, the container)
#   deploy/install-deps.sh --captures  also the exporters and tools that regenerate
#                                      the bundled captures (tests/captures/generate.sh)
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config git
  libdpdk-dev dpdk libhyperscan-dev
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  prometheus-cpp-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libpcap-dev zlib1g-dev nlohmann-json3-dev
  dpkg-dev file  # dpkg-shlibdeps and file: the Debian package's dependencies (CPack)
)
# Real peers the test suite runs against: a live exporter (softflowd) and Prometheus
# (promtool checks the /metrics output), a python3-grpcio API client, openssl for TLS
# test certificates, rsyslog (a syslog collector for the alert sink) and logrotate;
# tshark, the oracle decoder of captures the tests build;
# clang and its runtimes (libFuzzer, sanitizers) for the fuzzers in tests/fuzz.
test_packages=(softflowd prometheus python3-grpcio python3-protobuf openssl rsyslog logrotate
  clang libclang-rt-14-dev tshark)
capture_packages=(pmacct tshark tcpdump iproute2 iputils-ping python3 curl nmap hping3)

case "${1:-}" in
  "") wanted=("${build_packages[@]}" "${test_packages[@]}") ;;
  --build-only) wanted=("${build_packages[@]}") ;;
  --captures) wanted=("${build_packages[@]}" "${test_packages[@]}" "${capture_packages[@]}") ;;
  *) echo "install-deps: unknown option '$1' (expected --build-only or --captures)" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#wanted[@]} packages present"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing ${missing[*]}; run as root to install them" >&2
  exit 2
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
