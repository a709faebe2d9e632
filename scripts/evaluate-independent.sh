#!/usr/bin/env bash
# Scores the models on the independently written zoo (scripts/independent-zoo.py), one data set per seed given:
# precision, recall by spike size and false alerts per 1,000 host-hours by behaviour, beside the oracle's, and the
# oracle's own calibration on a spike-free run of the same seed; then the recommended model's alerts (flowspike
# baseline + detect) by the generator's fine behaviours: its false alerts, recall by spike event and hour, and the
# missed hours the oracle finds (tail < 1e-4).
#   scripts/evaluate-independent.sh [--brief] SEED...
# --brief prints only the models' table and the recommended model's recall by spike event, for docs/models.md
# (scripts/evaluate-models.sh). Seeds 1-3, 21-23, 31-33, 41-43 and 51-53 are diagnostic (tuning) seeds; 61-63 are
# held out.
set -euo pipefail
brief=false
if [ "${1:-}" = "--brief" ]; then
  brief=true
  shift
fi
if [ $# -eq 0 ]; then
  echo "usage: scripts/evaluate-independent.sh [--brief] SEED..." >&2
  exit 2
fi
for seed in "$@"; do
  if ! [[ $seed =~ ^[0-9]+$ ]]; then
    echo "evaluate-independent.sh: SEED must be a non-negative integer, not '$seed'" >&2
    exit 2
  fi
done
cd "$(dirname "$(readlink -f "$0")")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
source scripts/artifacts.sh
if [ ! -f "$FS_CLI_DLL" ]; then
  dotnet build src/FlowSpike.Cli -c Release -nologo -v quiet >/dev/null
fi
fs=(dotnet "$FS_CLI_DLL")
dir=$(mktemp -d -t flowspike-independent.XXXXXX)
trap 'rm -rf "$dir"' EXIT
format='${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets}'
format+=' ${bytes} ${start} ${end} ${action} ${log-status}'
for seed in "$@"; do
  if $brief; then
    python3 scripts/independent-zoo.py "$seed" "$dir/zoo-$seed" >/dev/null
  else
    python3 scripts/independent-zoo.py "$seed" "$dir/zoo-$seed"
    echo
    echo "**independent zoo, seed $seed** (\`python3 scripts/independent-zoo.py $seed DIR\`):"
    echo
  fi
  "${fs[@]}" evaluate --input "$dir/zoo-$seed/flows.log" --labels "$dir/zoo-$seed/labels.csv" \
    --log-format "$format" --baseline-from 2026-10-05T00:00:00Z --baseline-to 2026-10-19T00:00:00Z \
    --to 2026-10-26T00:00:00Z --markdown -q
  echo
  # The recommended model's alerts, for the analysis by behaviour (what produced the false alerts and misses).
  "${fs[@]}" baseline --model recommended --input "$dir/zoo-$seed/flows.log" --log-format "$format" \
    --state "$dir/zoo-$seed/state.db" --from 2026-10-05T00:00:00Z --to 2026-10-19T00:00:00Z -q
  "${fs[@]}" detect --model recommended --input "$dir/zoo-$seed/flows.log" --log-format "$format" \
    --state "$dir/zoo-$seed/state.db" --from 2026-10-19T00:00:00Z --to 2026-10-26T00:00:00Z --format jsonl \
    --out "$dir/zoo-$seed/alerts.jsonl" -q
  if $brief; then
    # A third of its spikes last 2 to 4 hours, each hour labelled: the recommended model's recall by spike too.
    echo "Recommended, by spike event (\`python3 scripts/independent-zoo.py --analyse\`):"
    echo
    python3 scripts/independent-zoo.py --analyse "$dir/zoo-$seed" "$dir/zoo-$seed/alerts.jsonl" | sed -n '3,/^$/p'
    rm -rf "$dir/zoo-$seed"
    continue
  fi
  echo "Recommended model on seed $seed, by the generator's fine behaviours:"
  echo
  python3 scripts/independent-zoo.py --analyse "$dir/zoo-$seed" "$dir/zoo-$seed/alerts.jsonl"
  echo
  python3 scripts/independent-zoo.py --check "$seed"
  rm -rf "$dir/zoo-$seed"
done
