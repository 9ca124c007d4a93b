# The synwatchd configuration of the DPDK benchmarks (perf/e2e/run.sh, perf/peers/run.sh):
# net_pcap ports replaying captures in a loop, no hugepages, memory sized from the
# captures. Sourced; needs $cpus.

# mbufs for every packet of the looped captures plus what is in flight, and memory for
# them and for each worker's reassembly share (1024 datagrams x 8 fragments, on top).
pool_for() {  # packets workers
  local need=$(($1 + 16384)) size=1023
  while ((size < need)); do size=$((size * 2 + 1)); done
  echo "$size $(((size + $2 * 8192) * 4096 / 1048576 + 512))"
}

dpdk_config() {  # detect workers packets files...
  local detect=$1 workers=$2 packets=$3
  shift 3
  read -r mbufs memory < <(pool_for "$packets" "$workers")
  # Workers keep off CPU 0, where the control threads run, when there are CPUs to spare.
  local lcores f first=$((cpus > workers ? 1 : 0))
  lcores="[$(seq -s, "$first" $((first + workers - 1)))]"
  echo "dataplane:"
  echo "  no_huge: true"
  echo "  memory_mb: $memory"
  echo "  mbufs_per_socket: $mbufs"
  echo "  lcores: $lcores"
  echo "  main_lcore: 0"
  # More EAL options, as YAML list items: '"-d", "/opt/dpdk/pmds"' loads drivers from there.
  [[ -n ${EAL_ARGS:-} ]] && echo "  eal_args: [$EAL_ARGS]"
  echo "  ports:"
  local i=0
  for f in "$@"; do
    echo "    - {device: \"net_pcap$i,rx_pcap=$f,infinite_rx=1\"}"
    i=$((i + 1))
  done
  echo "output: {sessions: \"\"}"
  [[ $detect == on ]] && echo "detectors: {enabled: true}" || echo "detectors: {enabled: false}"
}

