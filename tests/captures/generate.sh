#!/usr/bin/env bash
# Regenerates the bundled captures in tests/captures/<scenario>/ from real exporters:
#   1. makes real TCP/UDP/ICMP traffic between two network namespaces (IPv4 and IPv6):
#      HTTP sessions inbound and outbound, connections refused by closed ports (RST/ACK),
#      connection attempts nobody answers, UDP request/response, ping;
#   2. captures it once (traffic.pcap, snaplen 128);
#   3. has softflowd (NetFlow v5, v9, IPFIX) and pmacctd (nfprobe v9 and IPFIX, sfprobe
#      sFlow at 1:1 and 1:10) read that capture and export to 127.0.0.1, capturing what they send
#      (exports-<exporter>.pcap);
#   4. writes tshark's decoding of every export capture (oracle-<exporter>.jsonl.gz);
#   5. writes the ground truth of every TCP connection from the raw packets (truth.json).
# Scenarios: mixed (default; normal traffic and failed sessions) and attacks (scans,
# floods, backscatter, brute force among normal traffic; see attacks_traffic).
# Needs root and: deploy/install-deps.sh --captures.  Usage: generate.sh [SCENARIO]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
scenario=${1:-mixed}
out="$here/$scenario"
work=$(mktemp -d)
ns_int=swgen-int
ns_ext=swgen-ext
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns del "$ns_int" 2>/dev/null || true
  ip netns del "$ns_ext" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

in_int() { ip netns exec "$ns_int" "$@"; }
in_ext() { ip netns exec "$ns_ext" "$@"; }

# --- topology: one link, internal 198.51.100.0/24 + 2001:db8:100::/64 on one side,
# external 203.0.113.0/24 + 2001:db8:113::/64 on the other (documentation prefixes).
ip netns add "$ns_int"
ip netns add "$ns_ext"
ip link add swgen0 type veth peer name swgen1
ip link set swgen0 netns "$ns_int" address 02:00:00:00:01:01
ip link set swgen1 netns "$ns_ext" address 02:00:00:00:02:01
for ns in "$ns_int" "$ns_ext"; do ip netns exec "$ns" ip link set lo up; done
in_int sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
in_ext sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
in_int ip addr add 198.51.100.10/24 dev swgen0
in_int ip addr add 198.51.100.20/24 dev swgen0
in_int ip addr add 2001:db8:100::10/64 dev swgen0 nodad
in_ext ip addr add 203.0.113.50/24 dev swgen1
in_ext ip addr add 203.0.113.60/24 dev swgen1
in_ext ip addr add 2001:db8:113::60/64 dev swgen1 nodad
in_int ip link set swgen0 up
in_ext ip link set swgen1 up
in_int ip route add 203.0.113.0/24 dev swgen0
in_int ip -6 route add 2001:db8:113::/64 dev swgen0
in_ext ip route add 198.51.100.0/24 dev swgen1
in_ext ip -6 route add 2001:db8:100::/64 dev swgen1
# 198.51.100.99 and 203.0.113.99 exist on the link for ARP but nobody answers them:
# connection attempts to them stay unanswered (Zeek's S0).
in_ext ip neigh add 198.51.100.99 lladdr 02:00:00:00:00:99 dev swgen1 nud permanent
in_int ip neigh add 203.0.113.99 lladdr 02:00:00:00:00:98 dev swgen0 nud permanent

echo "generate: capturing traffic for scenario '$scenario'"
in_int tcpdump -q -i swgen0 -s 128 -U -w "$work/traffic.pcap" 2>/dev/null &
pids+=($!)
sleep 1

# --- scenario 'mixed': normal traffic and the ordinary ways sessions fail
mixed_traffic() {
  # --- servers
  mkdir -p "$work/www"
  head -c 20000 /dev/urandom >"$work/www/page.bin"
  head -c 300000 /dev/urandom >"$work/www/bulk.bin"
  in_int python3 -m http.server --directory "$work/www" --bind 198.51.100.10 80 >/dev/null 2>&1 &
  pids+=($!)
  in_int python3 -m http.server --directory "$work/www" --bind 2001:db8:100::10 8080 >/dev/null 2>&1 &
  pids+=($!)
  in_ext python3 -m http.server --directory "$work/www" --bind 203.0.113.60 8080 >/dev/null 2>&1 &
  pids+=($!)
  in_int python3 -c '
  import socket
  s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("198.51.100.10", 5300))
  while True:
      data, peer = s.recvfrom(2048); s.sendto(data, peer)' &
  pids+=($!)
  sleep 1.5

  # --- clients
  for i in $(seq 1 20); do  # inbound HTTP
    in_ext curl -s -o /dev/null --max-time 5 --interface 203.0.113.60 http://198.51.100.10/page.bin || true
  done
  in_ext curl -s -o /dev/null --max-time 10 --interface 203.0.113.60 http://198.51.100.10/bulk.bin || true
  for i in $(seq 1 8); do   # outbound HTTP
    in_int curl -s -o /dev/null --max-time 5 --interface 198.51.100.20 http://203.0.113.60:8080/page.bin || true
  done
  for i in $(seq 1 6); do   # inbound HTTP over IPv6
    in_ext curl -s -o /dev/null --max-time 5 'http://[2001:db8:100::10]:8080/page.bin' || true
  done
  for port in $(seq 81 95); do  # refused: closed ports answer RST/ACK
    in_ext curl -s -o /dev/null --max-time 2 --interface 203.0.113.50 "http://198.51.100.10:$port/" || true
  done
  for port in 22 23 3389; do
    in_int curl -s -o /dev/null --max-time 2 --interface 198.51.100.20 "http://203.0.113.60:$port/" || true
    in_ext curl -s -o /dev/null --max-time 2 "http://[2001:db8:100::10]:$port/" || true
  done
  for port in 80 443 8443; do   # unanswered: SYN and retransmissions, no reply
    in_ext curl -s -o /dev/null --max-time 2 --interface 203.0.113.50 "http://198.51.100.99:$port/" || true
  done
  in_int curl -s -o /dev/null --max-time 2 --interface 198.51.100.20 http://203.0.113.99/ || true
  for i in $(seq 1 5); do       # UDP request/response
    in_ext python3 -c '
  import socket
  s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1)
  s.sendto(b"query %d" % 1, ("198.51.100.10", 5300)); s.recvfrom(2048)'
  done
  in_ext ping -c 3 -i 0.2 -q 198.51.100.10 >/dev/null
  in_int ping -6 -c 3 -i 0.2 -q 2001:db8:113::60 >/dev/null
  sleep 1
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  pids=()
}

# --- scenario 'attacks': normal traffic with the attacks the detectors are for, each
# from its own external address (tests/detect/ expects exactly these):
#   203.0.113.50  nmap -sS of 100 ports of .10       -> port_scan, scanner
#   203.0.113.51  nmap -sN of 50 ports of .20        -> null_scan
#   203.0.113.52  nmap -sX of 50 ports of .20        -> xmas_scan
#   203.0.113.53  nmap -sF of 50 ports of .20        -> fin_scan
#   203.0.113.54  nmap -sA of 50 ports of .20        -> port_scan (ACK probes)
#   203.0.113.56  nmap -sS of port 445 on 40 hosts   -> host_sweep, scanner
#   203.0.113.61  40 logins to the ssh service of .10 -> brute_force
#   203.0.113.55  hping3 SYN flood of .10:80         -> syn_flood
#   random        hping3 --rand-source flood of .20:8080 (answered to the spoofed
#                 sources)                          -> syn_flood
#   203.0.113.57  SYN-ACK and RST to 400 internal addresses nobody called: backscatter
#                 of a flood against it that forged our addresses -> backscatter
#   203.0.113.62  slow nmap -sS of 26 ports of .20 inside normal HTTP -> port_scan, scanner
# Internal 198.51.100.0/24 is routed from outside through a gateway address whose MAC is
# the inside's, so packets to addresses nobody has still cross the link (and go
# unanswered); answers to spoofed sources leave through a gateway that is never there.
attacks_traffic() {
  for a in 51 52 53 54 55 56 57 61 62; do in_ext ip addr add "203.0.113.$a/24" dev swgen1; done
  in_ext ip neigh add 203.0.113.254 lladdr 02:00:00:00:01:01 dev swgen1 nud permanent
  in_ext ip route replace 198.51.100.0/24 via 203.0.113.254 dev swgen1
  in_int ip neigh add 198.51.100.254 lladdr 02:00:00:00:00:fe dev swgen0 nud permanent
  in_int ip route add default via 198.51.100.254 dev swgen0

  mkdir -p "$work/www"
  head -c 20000 /dev/urandom >"$work/www/page.bin"
  in_int python3 -m http.server --directory "$work/www" --bind 198.51.100.10 80 >/dev/null 2>&1 &
  pids+=($!)
  in_int python3 -m http.server --directory "$work/www" --bind 198.51.100.20 8080 >/dev/null 2>&1 &
  pids+=($!)
  in_ext python3 -m http.server --directory "$work/www" --bind 203.0.113.60 8080 >/dev/null 2>&1 &
  pids+=($!)
  in_int python3 -c '
import socket, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.51.100.10", 22)); s.listen(64)
def serve(c):
    try:
        c.sendall(b"SSH-2.0-OpenSSH_9.2p1\r\n"); c.settimeout(2); c.recv(256)
        c.sendall(b"Permission denied\r\n")
    finally:
        c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()' &
  pids+=($!)
  sleep 1.5

  normal() {  # rounds: inbound and outbound HTTP, and IPv6 pings
    for i in $(seq 1 "$1"); do
      in_ext curl -s -o /dev/null --max-time 5 --interface 203.0.113.60 http://198.51.100.10/page.bin || true
      in_int curl -s -o /dev/null --max-time 5 --interface 198.51.100.20 http://203.0.113.60:8080/page.bin || true
      sleep 0.2
    done
  }
  scan() { in_ext nmap -n -Pn --max-retries 0 -e swgen1 "$@" >/dev/null; }

  normal 15
  scan -sS --max-rate 400 -S 203.0.113.50 -p 1-100 198.51.100.10
  normal 5
  scan -sN --max-rate 400 -S 203.0.113.51 -p 1-50 198.51.100.20
  scan -sX --max-rate 400 -S 203.0.113.52 -p 1-50 198.51.100.20
  scan -sF --max-rate 400 -S 203.0.113.53 -p 1-50 198.51.100.20
  scan -sA --max-rate 400 -S 203.0.113.54 -p 1-50 198.51.100.20
  normal 5
  scan -sS --max-rate 400 -S 203.0.113.56 -p 445 198.51.100.100-139
  in_ext python3 -c '
import socket
for i in range(40):
    c = socket.create_connection(("198.51.100.10", 22), timeout=3, source_address=("203.0.113.61", 0))
    c.recv(256); c.sendall(b"SSH-2.0-libssh_0.10\r\n"); c.recv(256); c.close()'
  normal 5
  in_ext hping3 -q -S -p 80 -a 203.0.113.55 -c 700 -i u1500 198.51.100.10 >/dev/null 2>&1 || true
  in_ext hping3 -q -S -p 8080 --rand-source -c 700 -i u1500 198.51.100.20 >/dev/null 2>&1 || true
  in_ext hping3 -q -S -A -s 80 -k -a 203.0.113.57 --rand-dest -c 250 -i u2000 -I swgen1 \
    198.51.100.x >/dev/null 2>&1 || true
  in_ext hping3 -q -R -A -s 443 -k -a 203.0.113.57 --rand-dest -c 150 -i u2000 -I swgen1 \
    198.51.100.x >/dev/null 2>&1 || true
  normal 5 &
  local bg=$!
  scan -sS --scan-delay 150ms -S 203.0.113.62 -p 20-45 198.51.100.20
  wait "$bg"
  normal 5
  sleep 1
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  pids=()
}

case "$scenario" in
  mixed) mixed_traffic ;;
  attacks) attacks_traffic ;;
  *) echo "generate: unknown scenario '$scenario' (mixed, attacks)" >&2; exit 2 ;;
esac

# --- exporters read the capture; what they send to 127.0.0.1 is captured
export_with() {  # name port dissector command...
  local name=$1 port=$2 dissector=$3
  shift 3
  tcpdump -q -i lo -s 0 -U -w "$work/exports-$name.pcap" "udp and dst port $port" 2>/dev/null &
  local tpid=$!
  sleep 1
  # pmacctd's sfprobe exits 1 after a normal end-of-file shutdown: judge the exporter by
  # what it sent, not by its exit status.
  (cd "$work" && "$@") >"$work/$name.log" 2>&1 || true
  sleep 1
  kill -INT "$tpid"
  wait "$tpid" 2>/dev/null || true
  if (($(stat -c %s "$work/exports-$name.pcap") <= 24)); then
    echo "generate: $name sent nothing; its output:" >&2
    cat "$work/$name.log" >&2
    exit 1
  fi
  python3 "$here/tshark_oracle.py" "$work/exports-$name.pcap" "$port" "$dissector" \
    "$work/oracle-$name.jsonl.gz"
}

softflowd_export() {  # name port version
  export_with "$1" "$2" cflow softflowd -d -r traffic.pcap -n "127.0.0.1:$2" -v "$3" \
    $([[ $3 != 5 ]] && echo -6) -a -m 65536 -t maxlife=30 -p "$work/softflowd.pid" -c none
}

pmacct_export() {  # name port plugin-lines...
  local name=$1 port=$2
  shift 2
  {
    echo "daemonize: false"
    echo "pcap_savefile: traffic.pcap"
    echo "pcap_savefile_wait: false"
    echo "plugin_buffer_size: 10240"
    echo "plugin_pipe_size: 268435456"
    printf '%s\n' "$@"
  } >"$work/pmacctd-$name.conf"
  local dissector=cflow
  [[ $name == *sflow* ]] && dissector=sflow
  export_with "$name" "$port" "$dissector" pmacctd -f "$work/pmacctd-$name.conf"
}

softflowd_export softflowd-v5 2055 5
softflowd_export softflowd-v9 2056 9
softflowd_export softflowd-ipfix 4739 10
pmacct_export pmacct-v9 2057 "plugins: nfprobe[p]" "nfprobe_receiver[p]: 127.0.0.1:2057" \
  "nfprobe_version[p]: 9" "nfprobe_timeouts[p]: maxlife=30" \
  "aggregate[p]: src_host, dst_host, src_port, dst_port, proto, tos, tcpflags"
pmacct_export pmacct-ipfix 4740 "plugins: nfprobe[p]" "nfprobe_receiver[p]: 127.0.0.1:4740" \
  "nfprobe_version[p]: 10" "nfprobe_timeouts[p]: maxlife=30" \
  "aggregate[p]: src_host, dst_host, src_port, dst_port, proto, tos, tcpflags"
pmacct_export pmacct-sflow 6343 "plugins: sfprobe[p]" "sfprobe_receiver[p]: 127.0.0.1:6343" \
  "sfprobe_agentip[p]: 127.0.0.1" "sfprobe_agentsubid[p]: 1" "sampling_rate[p]: 1"
pmacct_export pmacct-sflow-s10 6344 "plugins: sfprobe[p]" "sfprobe_receiver[p]: 127.0.0.1:6344" \
  "sfprobe_agentip[p]: 127.0.0.1" "sfprobe_agentsubid[p]: 10" "sampling_rate[p]: 10"

python3 "$here/packet_truth.py" "$work/traffic.pcap" 198.51.100.0/24,2001:db8:100::/64 \
  "$work/truth.json"

mkdir -p "$out"
rm -f "$out"/exports-*.pcap "$out"/oracle-*.jsonl.gz
cp "$work"/traffic.pcap "$work"/truth.json "$work"/exports-*.pcap "$work"/oracle-*.jsonl.gz "$out"/
cp "$work"/pmacctd-*.conf "$out"/
echo "generate: wrote $(ls "$out" | wc -l) files to $out"
