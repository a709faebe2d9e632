#!/usr/bin/env bash
# Kills `detect` and `watch` with SIGKILL at random points, restarts them each time, and compares the final lookup and
# alert set with one uninterrupted run. Prints "lost=0 doubled=0" per mode when nothing was lost or closed twice.
# Usage: scripts/fault-injection.sh [--kills N] [--days D] [--seed S] [--dir DIR]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
kills=20; days=6; seed=1; dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --kills) kills=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
dir=${dir:-$(mktemp -d -t flowspike-faults.XXXXXX)}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/FlowSpike.Cli -c Release -nologo -v quiet >/dev/null
source scripts/artifacts.sh
fs=(dotnet "$FS_CLI_DLL")
RANDOM=$seed

start=1790812800 # 2026-10-01T00:00:00Z
base_days=$((days / 2))
from=$start; mid=$((start + base_days * 86400)); end=$((start + days * 86400))
rm -rf "$dir/data"
"${fs[@]}" synth --out "$dir/data" --days "$days" --spike-from-day "$base_days" --spikes 6 --seed "$seed" --files-per-hour 2 2>/dev/null
input="$dir/data/AWSLogs"

baseline() { "${fs[@]}" baseline --input "$input" --from $from --to $mid --state "$1" -q; }
export_lookup() { "${fs[@]}" lookup export --state "$1"; }

# The uninterrupted reference.
rm -f "$dir"/ref.*
baseline "$dir/ref.db"
"${fs[@]}" detect --input "$input" --from $mid --to $end --state "$dir/ref.db" --out "$dir/ref.jsonl" -q
export_lookup "$dir/ref.db" > "$dir/ref.csv"

# Runs "$@" until it exits 0, killing it with SIGKILL after a random delay while kills remain.
run_with_kills() {
  local left=$kills done_kills=0
  while true; do
    "$@" > /dev/null 2>&1 &
    local pid=$!
    if [ "$left" -gt 0 ]; then
      # Between 0.3 and 1.5 seconds: start-up, scanning and committing all get hit.
      sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.3 + (r % 1200) / 1000 }')"
      if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        left=$((left - 1)); done_kills=$((done_kills + 1))
        continue
      fi
    fi
    if wait "$pid"; then break; fi
    # A run that died on its own (not by our signal) is a failure of the test.
    echo "a run exited with an error" >&2; exit 1
  done
  echo "$done_kills"
}

compare() { # mode, state, alerts
  local mode=$1 state=$2 alerts=$3 killed=$4
  export_lookup "$state" > "$dir/$mode.csv"
  local lost doubled lookup
  lost=$(comm -23 <(sort -u "$dir/ref.jsonl") <(sort -u "$alerts") | wc -l)
  doubled=$(( $(grep -c . "$alerts" || true) - $(sort -u "$alerts" | grep -c . || true) + $(comm -13 <(sort -u "$dir/ref.jsonl") <(sort -u "$alerts") | wc -l) ))
  if cmp -s "$dir/ref.csv" "$dir/$mode.csv"; then lookup=identical; else lookup=DIFFERENT; fi
  echo "$mode: kills=$killed alerts=$(grep -c . "$alerts" || true)/$(grep -c . "$dir/ref.jsonl") lookup=$lookup lost=$lost doubled=$doubled"
  [ "$lost" -eq 0 ] && [ "$doubled" -eq 0 ] && [ "$lookup" = identical ]
}

status=0
# Slow each window commit so the run lasts long enough for every kill to land mid-way.
windows=$(( (days - base_days) * 24 ))
delay=$(( (kills * 1500 + windows - 1) / windows )); [ "$delay" -lt 20 ] && delay=20
# detect, killed and rerun with the same command.
rm -f "$dir"/detect.*
baseline "$dir/detect.db"
export FLOWSPIKE_TEST_COMMIT_DELAY_MS=$delay
k=$(run_with_kills "${fs[@]}" detect --input "$input" --from $mid --to $end --state "$dir/detect.db" --out "$dir/detect.jsonl" -q)
compare detect "$dir/detect.db" "$dir/detect.jsonl" "$k" || status=1

# watch --once over the same files with the clock at the end, killed and restarted.
rm -f "$dir"/watch.*
baseline "$dir/watch.db"
echo $((end + 600)) > "$dir/clock"
export FLOWSPIKE_TEST_COMMIT_DELAY_MS=$delay
k=$(run_with_kills "${fs[@]}" watch --input "$input" --state "$dir/watch.db" --out "$dir/watch.jsonl" --once --clock "$dir/clock" --listen none -q)
compare watch "$dir/watch.db" "$dir/watch.jsonl" "$k" || status=1
unset FLOWSPIKE_TEST_COMMIT_DELAY_MS
[ "$status" -eq 0 ] && echo "fault injection: lost=0 doubled=0" || echo "fault injection: FAILED"
exit $status
