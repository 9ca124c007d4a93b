# The synwatchd configuration of the DPDK benchmarks (perf/e2e/run.sh, perf/peers/run.sh):
# net_pcap ports replaying captures in a loop, no hugepages. Sourced; needs $cpus.

# mbufs for every packet of the looped captures plus what is in flight. synwatchd sizes
# its no_huge memory from them and the workers' reassembly share (memory_mb left unset).
pool_for() {  # packets
  local need=$(($1 + 16384)) size=1023
  while ((size < need)); do size=$((size * 2 + 1)); done
  echo "$size"
}

dpdk_config() {  # detect workers packets files...
  local detect=$1 workers=$2 packets=$3
  shift 3
  local mbufs
  mbufs=$(pool_for "$packets")
  # Workers keep off CPU 0, where the control threads run, when there are CPUs to spare.
  local lcores f first=$((cpus > workers ? 1 : 0))
  lcores="[$(seq -s, "$first" $((first + workers - 1)))]"
  echo "dataplane:"
  echo "  no_huge: true"
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

