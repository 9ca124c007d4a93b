#!/usr/bin/env bash
# The operator guide's acceptance walk-through: a fresh Debian 12 (mmdebstrap, minbase),
# booted with systemd as PID 1 (systemd-nspawn, the host's network), runs the `sh` blocks
# of docs/operations.md sections 1 to 4 exactly as written: clone, build, install the
# package, alerts from the replayed capture, the service, alerts from a live softflowd.
# Only two lines are adapted: `<repository>` is this checkout's HEAD (committed work
# only) and the interactive `editor` line is skipped.
#
# Needs root, the Debian mirror, mmdebstrap and systemd-container, and UDP 2055/4739/6343,
# 127.0.0.1:9610 and :50051 free on the host. About 20 minutes on 2 cores: not part of
# .ci/run (its budget); run it before a release.
#   tests/package/guide_walkthrough.sh [LOG_DIR]       (default: a new temporary folder)
set -euo pipefail
cd "$(dirname "$0")/../.."
log_dir=${1:-$(mktemp -d /tmp/synwatch-guide.XXXXXX)}
mkdir -p "$log_dir"
fail() { echo "guide_walkthrough: FAIL: $*" >&2; exit 1; }
say() { echo "guide_walkthrough: $*"; }

[[ $(id -u) -eq 0 ]] || fail "needs root"
for tool in mmdebstrap systemd-nspawn nsenter; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install mmdebstrap systemd-container)"
done

root=$(mktemp -d /var/tmp/synwatch-fresh.XXXXXX)
nspawn_pid=""
cleanup() {
  if [[ -n "$nspawn_pid" ]] && kill -0 "$nspawn_pid" 2>/dev/null; then
    kill "$nspawn_pid" 2>/dev/null || true
    sleep 2
    kill -9 "$nspawn_pid" 2>/dev/null || true
  fi
  rm -rf "$root"
}
trap cleanup EXIT

say "a fresh Debian 12 in $root"
mmdebstrap --variant=minbase --include=systemd,systemd-sysv,dbus --quiet bookworm "$root" \
  || fail "mmdebstrap"
echo synwatch-guide >"$root/etc/hostname"
git clone -q --bare . "$root/srv/synwatch.git"

# The guide's commands, sections 1-4, in order.
python3 - docs/operations.md >"$root/root/guide.sh" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
print("set -ex")
for section in re.split(r"\n(?=## )", text):
    if not re.match(r"## [1-4]\. ", section):
        continue
    print("# " + section.splitlines()[0])
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        for line in block.splitlines():
            if line.startswith("editor "):
                print("# (skipped) " + line)
                continue
            print(line.replace("<repository>", "/srv/synwatch.git"))
EOF
grep -q "apt-get install -y ./build/package" "$root/root/guide.sh" || fail "the guide's install steps are not where this script reads them"

# systemd-nspawn keeps its propagation folder on a tmpfs (it refuses a disk one).
if ! mountpoint -q /run/systemd/nspawn; then
  mkdir -p /run/systemd/nspawn && mount -t tmpfs tmpfs /run/systemd/nspawn
fi
setsid systemd-nspawn -b -D "$root" --register=no --keep-unit --console=passive \
  >"$log_dir/boot.log" 2>&1 &
nspawn_pid=$!
init=""
for _ in $(seq 60); do
  init=$(pgrep -P "$nspawn_pid" -x systemd || true)
  [[ -n "$init" ]] && break
  sleep 1
done
[[ -n "$init" ]] || fail "systemd did not start in the container (see $log_dir/boot.log)"
in_box() { nsenter -t "$init" -a "$@"; }
state=$(in_box systemctl is-system-running --wait || true)
say "systemd is PID 1 in the container: $state"

say "running the guide (log: $log_dir/guide.log)"
in_box bash /root/guide.sh >"$log_dir/guide.log" 2>&1 || fail "a command of the guide failed: tail $log_dir/guide.log"

# What the guide promises.
in_box systemctl is-active synwatchd >/dev/null || fail "synwatchd is not active under systemd"
in_box systemctl is-enabled synwatchd >/dev/null || fail "synwatchd is not enabled"
grep -q '"detector":"port_scan"' "$log_dir/guide.log" || fail "no port_scan alert from the replayed capture"
grep -q '"detector":"syn_flood"' "$log_dir/guide.log" || fail "no syn_flood alert from the replayed capture"
grep -Eq 'open +port_scan .*127\.0\.0\.1 -> 127\.0\.0\.2' "$log_dir/guide.log" ||
  fail "no port_scan alert from the live softflowd"
in_box grep -q '"state":"REJ"' /var/log/synwatch/sessions.jsonl || fail "no refused session in the service's log"
in_box systemctl reload synwatchd || fail "systemctl reload synwatchd"
sleep 2
in_box systemctl is-active synwatchd >/dev/null || fail "synwatchd died on reload"
in_box systemctl stop synwatchd || fail "systemctl stop synwatchd"
in_box journalctl -u synwatchd --no-pager >"$log_dir/journal.log" 2>&1 || true
grep -q "synwatchd" "$log_dir/journal.log" || fail "nothing from synwatchd in its journal"
in_box systemctl poweroff || true
wait "$nspawn_pid" || true
nspawn_pid=""
say "ok: the guide went from a fresh Debian 12 to alerts, replayed and live (logs in $log_dir)"
