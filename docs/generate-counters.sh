#!/usr/bin/env bash
# Regenerates docs/counters.md from the counters compiled into synwatch-replay.
#   docs/generate-counters.sh build/dataplane/replay/synwatch-replay
set -euo pipefail
replay=${1:-build/dataplane/replay/synwatch-replay}
{
  echo "# Counters"
  echo
  echo "Every reason synwatch drops or remarks on input, generated from the code by"
  echo "\`docs/generate-counters.sh\` (a test fails when this file falls behind)."
  echo "Kinds: **drop** — input discarded; **loss** — export data that never arrived"
  echo "(from sequence numbers); **event** — worth knowing, nothing lost."
  echo
  echo "| layer | counter | kind | meaning |"
  echo "|---|---|---|---|"
  "$replay" --list-counters | awk -F'\t' '{ printf "| %s | `%s` | %s | %s |\n", $1, $2, $3, $4 }'
} >"$(dirname "$0")/counters.md"
