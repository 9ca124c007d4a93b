#!/usr/bin/env bash
# The Debian package: builds it with CPack from an existing build directory, installs
# it with dpkg on this machine, and checks what a user gets: the installed binaries run
# (--version), every shipped configuration validates with the installed synwatchd
# (--check-config), the unit file passes systemd-analyze, the setup helper's dry run
# works; then purges it and checks nothing is left. Needs root (dpkg).
#   tests/package/deb_install_test.sh [BUILD_DIR]      (default build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
fail() { echo "deb_install_test: FAIL: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "deb_install_test: needs root (dpkg -i); skipped" >&2; exit 0; }
if dpkg-query -W -f='${Status}' synwatch 2>/dev/null | grep -q "install ok installed"; then
  fail "a synwatch package is already installed here; remove it first (dpkg --purge synwatch)"
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
/usr/bin/synwatchctl --help >/dev/null || fail "synwatchctl --help"
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

dpkg --purge synwatch >/dev/null || fail "dpkg --purge synwatch"
trap - EXIT
for gone in /usr/bin/synwatchd /etc/synwatch/synwatch.yaml /lib/systemd/system/synwatchd.service \
  /var/lib/synwatch /var/log/synwatch; do
  [[ ! -e "$gone" ]] || fail "$gone is still there after purge"
done
echo "deb_install_test: ok"
