#!/usr/bin/env bash
# Runs baseline and detect on a 3-silo FlowSpike cluster (Redis on loopback), kills one silo with SIGKILL in the middle
# of detect, then compares the alerts and the exported lookup with a local run on the same input.
# Prints "cluster: identical" or the differences.
# Usage: scripts/cluster-e2e.sh --input DIR --from T --to T --baseline-from T [detect options...]
#        [--silos N] [--kill-in detect|baseline] [--kill-after SECONDS] [--redis-port P] [--keep]
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/.." || exit 1
input=""; from=""; to=""; bfrom=""; silos=3; kill_after=""; kill_in=detect; port=6392; keep=0; extra=(); model=()
while [ $# -gt 0 ]; do
  case "$1" in
    --input) input=$2; shift 2 ;;
    --from) from=$2; shift 2 ;;
    --to) to=$2; shift 2 ;;
    --baseline-from) bfrom=$2; shift 2 ;;
    --silos) silos=$2; shift 2 ;;
    --kill-after) kill_after=$2; shift 2 ;;
    --kill-in) kill_in=$2; shift 2 ;;
    --redis-port) port=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --model) model=(--model "$2"); extra+=("$1" "$2"); shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done
if [ -z "$input" ] || [ -z "$from" ] || [ -z "$to" ] || [ -z "$bfrom" ]; then
  echo "usage: $0 --input DIR --from T --to T --baseline-from T [detect options]" >&2; exit 2
fi
command -v redis-server >/dev/null || { echo "cluster-e2e: redis-server is required (Debian: apt-get install redis-server)" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/FlowSpike.Cli -c Release -nologo -v quiet >/dev/null || { echo "cluster-e2e: build failed" >&2; exit 1; }
source scripts/artifacts.sh
fs=(dotnet "$FS_CLI_DLL")
dir=$(mktemp -d -t flowspike-cluster-e2e.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  if [ -f "$dir/redis.pid" ]; then
    local rp; rp=$(cat "$dir/redis.pid")
    kill "$rp" 2>/dev/null
    # Redis is not our child: wait for it to exit, so it is not writing its log while the folder goes.
    for _ in $(seq 50); do kill -0 "$rp" 2>/dev/null || break; sleep 0.1; done
  fi
  if [ "$keep" -eq 0 ]; then rm -rf "$dir" 2>/dev/null || { sleep 0.5; rm -rf "$dir"; }; else echo "cluster-e2e: kept $dir" >&2; fi
}
trap cleanup EXIT

# The database: Debian's redis-server on loopback, nothing saved to disk.
redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no --dir "$dir" \
  --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" || { echo "cluster-e2e: redis-server did not start" >&2; exit 1; }
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
cluster=(--clustering "redis://127.0.0.1:$port" --cluster-id "e2e-$$")

# Silos slow each file and each window a little, so the kill lands while work is in flight.
for i in $(seq "$silos"); do
  FLOWSPIKE_TEST_READ_DELAY_MS=${E2E_READ_DELAY_MS:-20} FLOWSPIKE_TEST_WINDOW_DELAY_MS=${E2E_WINDOW_DELAY_MS:-40} \
    "${fs[@]}" cluster silo "${cluster[@]}" --silo-port $((11310 + i)) --gateway-port $((30310 + i)) --scan-slots 2 > "$dir/silo$i.log" 2>&1 &
  pids+=($!)
done
for _ in $(seq 300); do
  [ "$(grep -l 'joined cluster' "$dir"/silo*.log 2>/dev/null | wc -l)" -ge "$silos" ] && break; sleep 0.2
done
[ "$(grep -l 'joined cluster' "$dir"/silo*.log 2>/dev/null | wc -l)" -ge "$silos" ] || { echo "cluster-e2e: silos did not start" >&2; cat "$dir"/silo*.log >&2; exit 1; }

# Runs "$@" (a cluster command logging to $1.log) in the background and kills the last silo mid-run.
run_and_kill() {
  local name=$1; shift
  local start; start=$(date +%s.%N)
  "$@" 2> "$dir/$name.log" &
  local run=$!
  sleep "${kill_after:-3}"
  local victim=${pids[$((silos - 1))]}
  if kill -0 "$run" 2>/dev/null; then
    kill -9 "$victim"; wait "$victim" 2>/dev/null
    local phase="during the scan"
    if grep -q "scanned" "$dir/$name.log"; then
      if [ "$name" = detect ]; then phase="while the shards closed windows"; else phase="while the shards built the baseline"; fi
    fi
    echo "cluster-e2e: killed silo $silos (pid $victim) with SIGKILL $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s into $name, $phase" >&2
  else
    echo "cluster-e2e: $name finished before the kill; use --kill-after or a larger input" >&2
  fi
  wait "$run" || { echo "cluster-e2e: cluster $name failed" >&2; cat "$dir/$name.log" >&2; exit 1; }
}
baseline_cmd=("${fs[@]}" cluster baseline "${cluster[@]}" --input "$input" --from "$bfrom" --to "$from" --state e2e "${model[@]}")
detect_cmd=("${fs[@]}" cluster detect "${cluster[@]}" --input "$input" --from "$from" --to "$to" --state e2e --out "$dir/cluster.jsonl" "${extra[@]}")
if [ "$kill_in" = baseline ]; then
  run_and_kill baseline "${baseline_cmd[@]}"
  "${detect_cmd[@]}" 2> "$dir/detect.log" || { echo "cluster-e2e: cluster detect failed" >&2; cat "$dir/detect.log" >&2; exit 1; }
else
  "${baseline_cmd[@]}" 2> "$dir/baseline.log" || { echo "cluster-e2e: cluster baseline failed" >&2; cat "$dir/baseline.log" >&2; exit 1; }
  run_and_kill detect "${detect_cmd[@]}"
fi
grep -E "scanned|baseline:" "$dir/baseline.log" | sed "s/^/cluster-e2e: baseline: /" >&2
grep -E "scanned|closed" "$dir/detect.log" | sed "s/^/cluster-e2e: detect: /" >&2
echo "cluster-e2e: $(cat "$dir/baseline.log" "$dir/detect.log" | grep -c retrying) call(s) repeated after the kill" >&2
"${fs[@]}" cluster lookup export "${cluster[@]}" --state e2e --out "$dir/cluster.csv" 2>/dev/null || { echo "cluster-e2e: export failed" >&2; exit 1; }

# The same run, locally.
"${fs[@]}" baseline --input "$input" --from "$bfrom" --to "$from" --state "$dir/local.db" -q "${model[@]}" || exit 1
"${fs[@]}" detect --input "$input" --from "$from" --to "$to" --state "$dir/local.db" --out "$dir/local.jsonl" -q "${extra[@]}" || exit 1
touch "$dir/local.jsonl" "$dir/cluster.jsonl"
"${fs[@]}" lookup export --state "$dir/local.db" --out "$dir/local.csv" 2> "$dir/export.log" || { echo "cluster-e2e: local lookup export failed: $(tail -1 "$dir/export.log")" >&2; exit 1; }

echo "cluster-e2e: $(grep -c . "$dir/local.jsonl") alert(s), $(($(wc -l < "$dir/local.csv") - 1)) lookup row(s) locally" >&2
if cmp -s "$dir/local.jsonl" "$dir/cluster.jsonl" && cmp -s "$dir/local.csv" "$dir/cluster.csv"; then
  echo "cluster: identical"
  exit 0
fi
echo "cluster: DIFFERENT"
diff <(cat "$dir/local.jsonl") <(cat "$dir/cluster.jsonl") | head -20 | sed 's/^/alerts: /'
diff "$dir/local.csv" "$dir/cluster.csv" | head -20 | sed 's/^/lookup: /'
exit 1
