#!/usr/bin/env bash
# The container image: builds deploy/container/Containerfile with podman from a clean
# checkout (`git archive HEAD`, as the operator guide says), runs it with host networking,
# sends it the bundled attack capture's exports (synwatch-send-exports) and checks that
# it alerts, serves metrics, and writes every session on `podman stop`.
#
# Base images: debian:12 and debian:12-slim from the registry; with no registry in reach,
# made from the Debian mirror by mmdebstrap. A host that refuses podman's default OCI
# runtime settings (no CAP_SYS_RESOURCE, hybrid cgroups) gets runc with lowered ulimits.
# Needs root, podman, and a build directory with perf/synwatch-send-exports; UDP 2055
# and 127.0.0.1:9610 and :50051 free. About 15 minutes on 2 cores: not part of .ci/run.
#   tests/package/container_test.sh [BUILD_DIR]      (default build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
image=localhost/synwatch:test
name=synwatch-container-test
capture=tests/captures/attacks/exports-softflowd-v9.pcap
fail() { echo "container_test: FAIL: $*" >&2; exit 1; }
say() { echo "container_test: $*"; }

[[ $(id -u) -eq 0 ]] || fail "needs root"
command -v podman >/dev/null || fail "podman is missing (apt-get install podman)"
sender="$build/perf/synwatch-send-exports"
[[ -x "$sender" ]] || fail "$sender is missing: build the perf targets first"

# Base images.
pull=()
for base in debian:12 debian:12-slim; do
  podman image exists "$base" && continue
  if ! podman pull -q "docker.io/library/$base" >/dev/null 2>&1; then
    command -v mmdebstrap >/dev/null || fail "no registry and no mmdebstrap to make $base"
    say "no registry: $base from the Debian mirror (mmdebstrap)"
    tar=$(mktemp /var/tmp/debian12.XXXXXX.tar)
    mmdebstrap --variant=minbase --quiet bookworm "$tar"
    podman import -q "$tar" "localhost/$base" >/dev/null
    rm -f "$tar"
  fi
done
podman image exists docker.io/library/debian:12 || pull=(--pull=never)

# The OCI runtime this host accepts.
runtime=()
if ! podman run --rm "${pull[@]}" debian:12 true 2>/dev/null; then
  runtime=(--runtime runc --ulimit nofile=1024:4096 --ulimit nproc=4096:4096)
  podman "${runtime[@]:0:2}" run --rm "${runtime[@]:2}" "${pull[@]}" debian:12 true ||
    fail "podman cannot run a container here, with crun or runc"
  say "podman's defaults are refused here: using ${runtime[*]}"
fi
podman_() { podman "${runtime[@]:0:2}" "$@"; }
limits=("${runtime[@]:2}")

cleanup() {
  podman rm -f "$name" >/dev/null 2>&1 || true
  podman volume rm -f synwatch-test-data synwatch-test-log >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup

say "building $image from HEAD"
git archive HEAD | podman_ build "${pull[@]}" "${limits[@]}" -q -f deploy/container/Containerfile -t "$image" - \
  >/dev/null || fail "podman build"
say "image: $(podman image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1e6}')"
[[ "$(podman_ run --rm "${limits[@]}" --entrypoint synwatchd "$image" --version)" == synwatchd* ]] ||
  fail "synwatchd --version in the image"

podman_ run -d --name "$name" "${limits[@]}" --network host \
  -v synwatch-test-data:/var/lib/synwatch -v synwatch-test-log:/var/log/synwatch "$image" >/dev/null
for _ in $(seq 30); do
  curl -fs http://127.0.0.1:9610/metrics >/dev/null 2>&1 && break
  sleep 1
done
metrics=$(curl -fs http://127.0.0.1:9610/metrics || true)
grep -q '^synwatch_' <<<"$metrics" || fail "no metrics on 9610: $(podman logs "$name" 2>&1 | tail -5)"
podman exec "$name" synwatchctl status >/dev/null || fail "synwatchctl status in the container"

packets=$(tshark -r "$capture" 2>/dev/null | wc -l)
say "sending $packets export packets of $capture"
"$sender" --pcap "$capture" --to 127.0.0.1:2055 --rate 5000 --packets "$packets" >/dev/null
sleep 3
podman stop -t 30 "$name" >/dev/null
[[ "$(podman inspect --format '{{.State.ExitCode}}' "$name")" == 0 ]] ||
  fail "synwatchd exited $(podman inspect --format '{{.State.ExitCode}}' "$name") on podman stop"
log=$(podman volume inspect --format '{{.Mountpoint}}' synwatch-test-log)
grep -q '"detector":"port_scan"' "$log/alerts.jsonl" || fail "no port_scan alert in the container's alerts.jsonl"
sessions=$(wc -l <"$log/sessions.jsonl")
((sessions > 100)) || fail "only $sessions sessions written"
say "ok: $sessions sessions, $(grep -c '"status":"open"' "$log/alerts.jsonl") alerts opened ($(grep -o '"detector":"[a-z_]*"' "$log/alerts.jsonl" | sort -u | sed 's/"detector"://; s/"//g' | paste -sd ' '))"
