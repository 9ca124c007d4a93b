#!/usr/bin/env bash
# The Debian package: builds it with CPack from an existing build directory, installs
# it with dpkg on this machine, and checks what a user gets: the installed binaries run
# (--version), the shipped configuration reference is the one it prints, every shipped
# configuration validates with the installed synwatchd (--check-config), the unit file passes systemd-analyze, the setup helper's dry run
# works, and the operator guide's first steps give alerts: the installed replay on the
# shipped capture, and the installed daemon fed by a live softflowd; then purges it and
# checks nothing is left. Needs root (dpkg); uses the installed configuration's ports
# (UDP 2055/4739/6343, 127.0.0.1:9610 and :50051).
#   tests/package/deb_install_test.sh [BUILD_DIR]      (default build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
fail() { echo "deb_install_test: FAIL: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "deb_install_test: needs root (dpkg -i); skipped" >&2; exit 0; }
if dpkg-query -W -f='${Status}' synwatch 2>/dev/null | grep -q "install ok installed"; then
  # CI's machine: a run cut short left it; anywhere else it is the user's to remove.
  [[ "${CI:-}" == true ]] || fail "a synwatch package is already installed here; remove it first (dpkg --purge synwatch)"
  echo "deb_install_test: purging the synwatch package an earlier run left" >&2
  dpkg --purge synwatch >/dev/null
fi

rm -rf "$build/package"
cpack --config "$build/CPackConfig.cmake" -B "$build/package" >/dev/null 2>&1 ||
  cpack --config "$build/CPackConfig.cmake" -B "$build/package" || fail "cpack"
deb=$(ls "$build"/package/synwatch_*.deb)
echo "deb_install_test: built $deb ($(du -h "$deb" | cut -f1))"
trap 'dpkg --purge synwatch >/dev/null 2>&1 || true' EXIT
dpkg -i "$deb" >/dev/null || fail "dpkg -i $deb"

version=$(sed -nE 's/^project\(synwatch VERSION ([0-9.]+).*/\1/p' CMakeLists.txt)
[[ "$(/usr/bin/synwatchd --version)" == "synwatchd $version "* ]] || fail "synwatchd --version: $(/usr/bin/synwatchd --version)"
[[ "$(/usr/bin/synwatch-replay --version)" == "synwatch-replay $version"* ]] || fail "synwatch-replay --version"
[[ "$(/usr/bin/synwatchctl --version)" == "synwatchctl $version" ]] || fail "synwatchctl --version"
/usr/bin/synwatchd --config-reference | cmp -s - /usr/share/doc/synwatch/docs/configuration.md ||
  fail "the installed configuration reference is not what the installed synwatchd prints"
for config in /etc/synwatch/synwatch.yaml /usr/share/doc/synwatch/examples/*.yaml; do
  /usr/bin/synwatchd --config "$config" --check-config || fail "--check-config $config"
done
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /lib/systemd/system/synwatchd.service || fail "systemd-analyze verify synwatchd.service"
fi
[[ "$(/usr/sbin/synwatch-setup --dry-run)" == *"no hugepages or binding needed"* ]] || fail "synwatch-setup --dry-run"
# The operator guide's first replay, on the capture the package ships, raises alerts; the
# installed rule pack labels a bundled sFlow capture.
alerts=$(/usr/bin/synwatch-replay --emit alerts -q --internal 198.51.100.0/24 \
  /usr/share/doc/synwatch/examples/attacks-softflowd-v9.pcap | grep -c '"status":"open"' || true)
((alerts > 0)) || fail "installed replay of the shipped capture raised no alert"
config=$(mktemp /tmp/deb-install-test.XXXXXX.yaml)
printf 'signatures:\n  rule_files: [/etc/synwatch/signatures/default.yaml]\n' >"$config"
labelled=$(/usr/bin/synwatch-replay --emit sessions -q --config "$config" \
  tests/captures/attacks/exports-pmacct-sflow.pcap | grep -c '"label":"libssh"' || true)
((labelled > 0)) || fail "installed replay with the installed rule pack labelled nothing"
rm -f "$config"
dpkg-query -L synwatch | grep -q '^/usr/share/doc/synwatch/docs/operations.md$' || fail "operator guide not installed"

# The operator guide's section 4: the installed synwatchd on the installed configuration
# (kernel sockets), a live softflowd on the loopback interface, connections refused by
# closed ports: the installed synwatchctl lists the port scan.
if command -v softflowd >/dev/null; then
  work=$(mktemp -d /tmp/deb-install-test.XXXXXX)
  /usr/bin/synwatchd --config /etc/synwatch/synwatch.yaml -q 2>"$work/synwatchd.err" &
  daemon=$!
  trap 'kill "$daemon" 2>/dev/null; [[ -f "$work/softflowd.pid" ]] && kill "$(cat "$work/softflowd.pid")" 2>/dev/null; rm -rf "$work"; dpkg --purge synwatch >/dev/null 2>&1 || true' EXIT
  for _ in $(seq 100); do
    [[ "$(/usr/bin/synwatchctl health 2>/dev/null)" == *SERVING* ]] && break
    kill -0 "$daemon" 2>/dev/null || fail "installed synwatchd did not start: $(cat "$work/synwatchd.err")"
    sleep 0.2
  done
  softflowd -i lo -n 127.0.0.1:2055 -v 9 -t maxlife=60 -t expint=10 -c "$work/softflowd.ctl" \
    -p "$work/softflowd.pid" || fail "softflowd"
  sleep 1
  for port in $(seq 2000 2100); do (exec 3<>"/dev/tcp/127.0.0.2/$port") 2>/dev/null || true; done
  softflowctl -c "$work/softflowd.ctl" expire-all >/dev/null
  found=""
  for _ in $(seq 60); do  # the detectors' interval must pass in the exporter's time
    found=$(/usr/bin/synwatchctl alerts --since 15m --detector port_scan 2>/dev/null | grep "127.0.0.1 -> 127.0.0.2" || true)
    [[ -n "$found" ]] && break
    sleep 2
  done
  [[ -n "$found" ]] || fail "no port_scan alert from the live softflowd after 120 s: $(/usr/bin/synwatchctl stats 2>&1 | head -20)"
  echo "deb_install_test: live softflowd -> installed synwatchd:${found#*critical}"
  kill "$(cat "$work/softflowd.pid")"
  kill -TERM "$daemon" && wait "$daemon" || fail "installed synwatchd did not exit cleanly on SIGTERM"
  grep -q '"state":"REJ"' /var/log/synwatch/sessions.jsonl || fail "no refused session in /var/log/synwatch/sessions.jsonl"
  rm -rf "$work"
  trap 'dpkg --purge synwatch >/dev/null 2>&1 || true' EXIT
else
  echo "deb_install_test: softflowd not installed: the live exporter step of the guide is not checked" >&2
fi

dpkg --purge synwatch >/dev/null || fail "dpkg --purge synwatch"
trap - EXIT
for gone in /usr/bin/synwatchd /etc/synwatch/synwatch.yaml /lib/systemd/system/synwatchd.service \
  /var/lib/synwatch /var/log/synwatch; do
  [[ ! -e "$gone" ]] || fail "$gone is still there after purge"
done
echo "deb_install_test: ok"
