#!/usr/bin/env bash
# synwatchd side by side with the collectors operators already run: nfcapd (nfdump),
# nfacctd/sfacctd (pmacct) and fastnetmon, all from Debian packages, fed the same export
# captures over loopback at stepped rates, one collector at a time, each pinned to its
# own CPU with the sender on another. Reports, per capture and collector, the highest
# loss-free rate and the records accepted per CPU-second, and synwatchd's ratio to each
# peer; then synwatchd over DPDK net_pcap (the same capture looped from the file).
# Beside them runs the kernel floor (synwatch-udp-sink): a receiver that only counts, so
# its records per CPU-second bound what any kernel-socket collector can reach, and its
# ratio to a peer is the highest ratio to that peer any of them could show.
#
#   perf/peers/run.sh                           every capture, every collector
#   FORMATS="v5 v9" COLLECTORS="synwatchd nfcapd" perf/peers/run.sh
#   SECONDS_PER_STEP=4 START_RATE=125000 MAX_RATE=16000000 RECORDS=1000000 perf/peers/run.sh
#   REPEATS=3 FORMATS="v5 sflow" perf/peers/run.sh   each step 3 times: the median
#
# Captures (synwatch-make-exports, 64 exporters, sent from 127.1.0.1 and up):
#   v5      NetFlow v5, 30 records a packet     v5-1    NetFlow v5, 1 record a packet
#   v9      NetFlow v9, 20 IPv4 records         ipfix   IPFIX, 20 IPv4 records
#   ipfix6  IPFIX, 12 IPv6 records              sflow   sFlow v5, 6 sampled TCP headers
#
# A step sends SECONDS_PER_STEP x rate records; the rate doubles from START_RATE until the
# collector loses records (or MAX_RATE, or the sender cannot go faster). With REPEATS=N
# each step runs N times: a rate is loss-free only if every run was, and the table takes
# the median of the runs (a VM's neighbours move single runs by tens of per cent). Records accepted
# come from each collector's own output: synwatchd's exit summary, nfdump -I over nfcapd's
# files, the FLOWS column of pmacct's print plugin, fastnetmon's Prometheus counters.
# CPU seconds are the collector's and all its processes', from the OS (/proc and the
# rusage of reaped children), from the step's start through its orderly exit; the
# start-up is not counted. Receive buffers: 32 MiB for every collector (rmem_default),
# restored at the end. Needs root (packages, sysctl).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

build=${BUILD:-build}
read -r -a formats <<<"${FORMATS:-v5 v5-1 v9 ipfix ipfix6 sflow}"
read -r -a collectors <<<"${COLLECTORS:-synwatchd kernel-floor nfcapd nfacctd fastnetmon}"
seconds=${SECONDS_PER_STEP:-4}
repeats=${REPEATS:-1}
start_rate=${START_RATE:-125000}
max_rate=${MAX_RATE:-16000000}
records=${RECORDS:-1000000}
dpdk_seconds=${DPDK_SECONDS:-8}
work=$(realpath -m "${WORK:-/tmp/synwatch-peers}")  # absolute: collectors run in their step directories
cpus=$(nproc)
collector_cpu=$((cpus > 1 ? 1 : 0))
sender_cpu=0

say() { echo "peers: $*" >&2; }

# --- what the harness needs -----------------------------------------------------------
need=()
command -v nfcapd >/dev/null || need+=(nfdump)
command -v nfacctd >/dev/null || need+=(pmacct)
command -v fastnetmon >/dev/null || need+=(fastnetmon)
command -v curl >/dev/null || need+=(curl)
if ((${#need[@]})); then
  say "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Debian starts the packages' services where systemd runs: they would hold the ports.
for s in nfdump pmacct nfacctd fastnetmon; do systemctl stop "$s" 2>/dev/null || true; done
if [[ ! -f $build/build.ninja ]]; then
  deploy/install-deps.sh
  cmake -S . -B "$build" -G Ninja >/dev/null
fi
cmake --build "$build" --target synwatchd synwatch-make-exports synwatch-send-exports synwatch-udp-sink >/dev/null
synwatchd=$root/$build/dataplane/daemon/synwatchd
sender=$root/$build/perf/synwatch-send-exports
sink=$root/$build/perf/synwatch-udp-sink

rm -rf "$work"
mkdir -p "$work"
results=$work/steps.tsv
printf 'format\tcollector\trate\tachieved\tsent\taccepted\tlost\trcvbuf_errors\tcpu_s\tper_cpu_s\n' >"$results"

old_rmem=$(sysctl -n net.core.rmem_default net.core.rmem_max | tr '\n' ' ')
restore() {
  read -r d m <<<"$old_rmem"
  sysctl -qw net.core.rmem_default="$d" net.core.rmem_max="$m" || true
  pkill -9 -x nfcapd 2>/dev/null || true
  pkill -9 -f 'nfacctd|sfacctd' 2>/dev/null || true
  pkill -9 -x fastnetmon 2>/dev/null || true
  pkill -9 -f synwatch-udp-sink 2>/dev/null || true
}
trap restore EXIT
sysctl -qw net.core.rmem_default=33554432 net.core.rmem_max=67108864

# --- captures -----------------------------------------------------------------------
# Records a packet: what fits a 1500-byte MTU, as routers send them (v9 and IPFIX IPv4
# records are 62 and 70 bytes, IPv6 ones 110).
per_packet() { case $1 in v5) echo 30 ;; v5-1) echo 1 ;; sflow) echo 6 ;; ipfix6) echo 12 ;; *) echo 20 ;; esac; }
port_of() { case $1 in v5 | v5-1 | v9) echo 2055 ;; ipfix | ipfix6) echo 4739 ;; sflow) echo 6343 ;; esac; }
make_capture() {
  local args=(--records "$records" --exporters 64 --per-packet "$(per_packet "$1")" -o "$work/$1.pcap")
  case $1 in
    v5) args+=(--format v5) ;;
    v5-1) args+=(--format v5 --records $((records / 4))) ;;
    v9) args+=(--format v9) ;;
    ipfix) args+=(--format ipfix) ;;
    ipfix6) args+=(--format ipfix --ipv6) ;;
    sflow) args+=(--format sflow) ;;
    *) say "unknown format '$1' (v5 v5-1 v9 ipfix ipfix6 sflow)" && exit 2 ;;
  esac
  "$build/perf/synwatch-make-exports" "${args[@]}" 2>/dev/null
}

# --- the collectors -----------------------------------------------------------------
supports() {  # collector format
  case $1:$2 in
    nfcapd:sflow) return 1 ;;  # Debian's nfdump is built without sfcapd
    *) return 0 ;;
  esac
}

# Writes the collector's command line for a format into the array `command`.
collector_command() {  # collector format port dir
  local c=$1 f=$2 port=$3 dir=$4
  case $c in
    synwatchd)
      cat >"$dir/synwatchd.yaml" <<EOF
dataplane: {input: udp, lcores: [$collector_cpu], udp_ports: [$port]}
output: {sessions: "$dir/sessions.jsonl"}
detectors: {enabled: true}
EOF
      command=("$synwatchd" --config "$dir/synwatchd.yaml" --metrics-listen "" --api-listen "") ;;
    kernel-floor)
      command=("$sink" --listen "127.0.0.1:$port") ;;
    nfcapd)
      command=(nfcapd -w "$dir" -p "$port" -b 127.0.0.1 -t 3600 -B 33554432) ;;
    nfacctd)
      # Aggregated by the 5-tuple and TCP flags, as an operator would for TCP-flag
      # analytics; the print plugin's FLOWS column counts the records accepted. The
      # plugin may purge its cache more than once in a step: each purge is appended.
      local daemon=nfacctd key=nfacctd
      [[ $f == sflow ]] && daemon=sfacctd key=sfacctd
      cat >"$dir/pmacct.conf" <<EOF
daemonize: false
${key}_port: $port
${key}_ip: 127.0.0.1
${key}_pipe_size: 33554432
plugins: print
aggregate: src_host, dst_host, src_port, dst_port, proto, tcpflags, flows
print_output: csv
print_output_file: $dir/flows.csv
print_output_file_append: true
print_refresh_time: 60
print_cache_entries: 262139
plugin_pipe_size: 67108864
plugin_buffer_size: 65536
EOF
      command=("$daemon" -f "$dir/pmacct.conf") ;;
    fastnetmon)
      printf '10.0.0.0/16\n198.51.100.0/24\n2001:db8::/32\n' >"$dir/networks_list"
      : >"$dir/whitelist"
      cat >"$dir/fastnetmon.conf" <<EOF
logging_local_syslog_logging = off
logging_remote_syslog_logging = off
disable_usage_report = on
enable_ban = off
enable_ban_ipv6 = off
enable_api = off
networks_list_path = $dir/networks_list
white_list_path = $dir/whitelist
monitor_local_ip_addresses = off
process_incoming_traffic = on
process_outgoing_traffic = on
enable_connection_tracking = on
mirror_afpacket = off
mirror_afxdp = off
mirror_netmap = off
pcap = off
netflow = $([[ $f == sflow ]] && echo off || echo on)
netflow_host = 127.0.0.1
netflow_port = $port
sflow = $([[ $f == sflow ]] && echo on || echo off)
sflow_host = 127.0.0.1
sflow_port = $port
prometheus = on
prometheus_host = 127.0.0.1
prometheus_port = 9209
cli_stats_file_path = $dir/fastnetmon.dat
cli_stats_ipv6_file_path = $dir/fastnetmon_ipv6.dat
EOF
      command=(fastnetmon --configuration_file "$dir/fastnetmon.conf" --log_file "$dir/fastnetmon.log"
        --disable_pid_logic) ;;
  esac
}

# fastnetmon's records, read from its counters while it runs.
fastnetmon_records() {  # format
  local name=fastnetmon_netflow_ipfix_all_protocols_total_flows
  # Its sFlow counters are not exported: each sample becomes one "simple packet".
  [[ $1 == sflow ]] && name=fastnetmon_total_simple_packets_processed
  curl -s --max-time 5 http://127.0.0.1:9209/metrics | awk -v n="$name" '$1 == n { print $2 }'
}

# Records accepted, from the collector's own output after it exited.
accepted_records() {  # collector format dir
  case $1 in
    synwatchd) awk '$1 == "0" && NF >= 7 { print $4; exit }' "$3/stderr" ;;
    # Datagrams counted; each carries the capture's records a packet.
    kernel-floor) awk -v r="$(per_packet "$2")" '$1 == "datagrams" { print $2 * r }' "$3/stdout" ;;
    nfcapd) nfdump -R "$3" -I 2>/dev/null | awk '$1 == "Flows:" { print $2 }' ;;
    nfacctd)
      [[ -f $3/flows.csv ]] || { echo 0; return; }
      # Each purge starts with a header line.
      awk -F, '{ for (i = 1; i <= NF; i++) if ($i == "FLOWS") { c = i; next } }
               c { n += $c } END { printf "%d\n", n }' "$3/flows.csv" ;;
    fastnetmon) cat "$3/records" ;;
  esac
}

# CPU ticks of a process and all its descendants, their reaped children included.
tree_ticks() {  # pid
  local total p
  total=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 + $14 + $15 }')
  total=${total:-0}
  for p in $(pgrep -P "$1"); do total=$((total + $(tree_ticks "$p"))); done
  echo "$total"
}

rcvbuf_errors() { awk '/^Udp:/ { if (++n == 2) print $6 }' /proc/net/snmp; }

# Bytes waiting in the receive queues of the sockets bound to a port (IPv4 and IPv6).
queued() {  # port
  local hex
  hex=$(printf '%04X' "$1")
  awk -v p=":$hex" 'function hex(s,  i, n) { n = 0; for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1; return n }
    $2 ~ p"$" { split($5, q, ":"); n += hex(q[2]) } END { print n + 0 }' /proc/net/udp /proc/net/udp6
}

bound() { [[ -n $(awk -v p=":$(printf '%04X' "$1")" '$2 ~ p"$"' /proc/net/udp /proc/net/udp6) ]]; }

tick_hz=$(getconf CLK_TCK)

# One step: start the collector, send, wait until it has taken everything, stop it.
# Appends a row to $results; returns 1 when the collector lost records, 2 when the
# sender could not keep the rate.
step() {  # collector format rate run
  local c=$1 f=$2 rate=$3 port dir rpp packets
  port=$(port_of "$f")
  rpp=$(per_packet "$f")
  packets=$((rate * seconds / rpp))
  dir=$work/run/$c-$f-$rate
  ((repeats == 1)) || dir+=-$4
  mkdir -p "$dir"
  local command=()
  collector_command "$c" "$f" "$port" "$dir"
  # A subshell owns the collector, so that `times` can report its CPU and its reaped
  # children's after it exits.
  (
    ulimit -c 0
    cd "$dir"  # whatever a collector leaves in its working directory stays in the step's
    taskset -c "$collector_cpu" "${command[@]}" >"$dir/stdout" 2>"$dir/stderr" &
    echo $! >"$dir/pid"
    wait $! || true
    times >"$dir/times"  # not in a pipeline: that would be another shell's
  ) 2>"$dir/owner.stderr" &
  local owner=$! pid="" t
  for t in $(seq 100); do
    [[ -s $dir/pid ]] && pid=$(cat "$dir/pid") && bound "$port" && break
    sleep 0.1
  done
  [[ -n $pid ]] && bound "$port" || { say "$c did not bind port $port (see $dir/stderr)"; kill -9 "$pid" 2>/dev/null; wait "$owner"; return 1; }
  sleep 1  # settle: templates tables, caches allocated
  local ticks0 err0
  ticks0=$(tree_ticks "$pid")
  err0=$(rcvbuf_errors)
  local sent_line
  sent_line=$(taskset -c "$sender_cpu" "$sender" --pcap "$work/$f.pcap" --to "127.0.0.1:$port" \
    --rate $((rate / rpp)) --packets "$packets")
  # Taken everything: the queue is empty and the collector's CPU has gone quiet.
  local last now quiet=0
  last=$(tree_ticks "$pid")
  for t in $(seq 120); do
    sleep 0.25
    now=$(tree_ticks "$pid")
    if (($(queued "$port") == 0 && now - last <= 2)); then quiet=$((quiet + 1)); else quiet=0; fi
    last=$now
    ((quiet >= 2)) && break
  done
  [[ $c == fastnetmon ]] && fastnetmon_records "$f" >"$dir/records"
  local err1
  err1=$(rcvbuf_errors)
  # SIGINT: pmacct flushes its caches on it (on SIGTERM it does not exit); synwatchd and
  # nfcapd take it as SIGTERM. fastnetmon aborts on either; its count is already read.
  if [[ $c == fastnetmon ]]; then kill -KILL "$pid" 2>/dev/null || true; else kill -INT "$pid" 2>/dev/null || true; fi
  for t in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$owner" || true
  # Descendants that outlived the collector (pmacct plugins) are not in `times`.
  pkill -9 -f "$dir/" 2>/dev/null || true
  local user sys cpu accepted achieved sent_records lost per
  read -r user sys < <(sed -E 's/([0-9]+)m([0-9.]+)s/\1 \2/g' "$dir/times" | awk 'NR == 2 { print $1 * 60 + $2, $3 * 60 + $4 }')
  cpu=$(awk -v u="$user" -v s="$sys" -v t0="$ticks0" -v hz="$tick_hz" 'BEGIN { printf "%.2f", u + s - t0 / hz }')
  accepted=$(accepted_records "$c" "$f" "$dir")
  accepted=${accepted:-0}
  achieved=$(awk -v r="$rpp" '{ gsub(/[(\/s)]/, "", $7); printf "%d", $7 * r }' <<<"$sent_line")
  sent_records=$((packets * rpp))
  lost=$((sent_records - accepted))
  ((lost < 0)) && lost=0
  per=$(awk -v a="$accepted" -v c="$cpu" 'BEGIN { printf "%d", (c > 0 ? a / c : 0) }')
  printf '%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%d\n' "$f" "$c" "$rate" "$achieved" "$sent_records" \
    "$accepted" "$lost" $((err1 - err0)) "$cpu" "$per" | tee -a "$results" >&2
  rm -rf "$dir"/*.jsonl "$dir"/nfcapd.* "$dir"/flows.csv
  ((lost == 0)) || return 1
  # The sender could not keep the rate: a faster step would only repeat this one.
  ((achieved * 100 >= rate * 97)) || return 2
}

say "rows: format collector rate achieved sent accepted lost rcvbuf_errors cpu_s per_cpu_s"
for f in "${formats[@]}"; do
  make_capture "$f"
  for c in "${collectors[@]}"; do
    supports "$c" "$f" || continue
    rate=$start_rate
    while ((rate <= max_rate)); do
      last=0
      for ((run = 1; run <= repeats; run++)); do
        status=0
        step "$c" "$f" "$rate" "$run" || status=$?
        if ((status == 1)); then break; fi  # lost records: this rate is not loss-free
        if ((status == 2)); then last=1; fi  # sender-limited: no faster step
      done
      if ((status == 1 || last)); then break; fi
      rate=$((rate * 2))
    done
  done
done

# --- synwatchd over DPDK: the same captures looped by net_pcap from the file ----------
# Poll-mode: the worker runs flat out, so this is its ceiling on this machine. CPU per
# second is sampled in the steady state (after the start-up, before the shutdown).
source perf/e2e/dpdk_config.sh
dpdk=$work/dpdk.tsv
printf 'format\trecords_per_s\tcpu_per_s\tper_cpu_s\n' >"$dpdk"
for f in "${formats[@]}"; do
  [[ " ${collectors[*]} " == *" synwatchd "* ]] || break
  packets=$(($(stat -c %s "$work/$f.pcap") / 100))  # more than the packets it holds
  dpdk_config on 1 "$packets" "$work/$f.pcap" >"$work/dpdk.yaml"
  "$synwatchd" --config "$work/dpdk.yaml" --duration "$dpdk_seconds" --metrics-listen "" \
    --api-listen "" >/dev/null 2>"$work/dpdk.err" &
  pid=$!
  sleep 3
  t0=$(tree_ticks "$pid") w0=$(date +%s.%N)
  sleep $((dpdk_seconds - 4))
  t1=$(tree_ticks "$pid") w1=$(date +%s.%N)
  if ! wait "$pid"; then
    say "synwatchd over DPDK failed on $f: $(grep -m1 synwatchd: "$work/dpdk.err")"
    continue
  fi
  awk -v f="$f" -v t="$((t1 - t0))" -v hz="$tick_hz" -v w0="$w0" -v w1="$w1" \
    '$1 == "0" && NF >= 7 { c = t / hz / (w1 - w0); printf "%s\t%d\t%.2f\t%d\n", f, $5, c, $5 / c; exit }' \
    "$work/dpdk.err" | tee -a "$dpdk" >&2
done

perf/peers/report.py "$results" "$dpdk"
