#!/usr/bin/env bash
# Measures cluster throughput with 1, 2, ... N silo processes on this machine (Redis on loopback), against the local
# command on the same input. Prints one Markdown row per run: silos, scan seconds, MB/s of input, shard seconds.
# Usage: scripts/cluster-scale.sh --input DIR --from T --to T [--silos "1 2 3"] [--repeat R] [--redis-port P]
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/.." || exit 1
input=""; from=""; to=""; counts="1 2 3"; repeat=2; port=6393
while [ $# -gt 0 ]; do
  case "$1" in
    --input) input=$2; shift 2 ;;
    --from) from=$2; shift 2 ;;
    --to) to=$2; shift 2 ;;
    --silos) counts=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --redis-port) port=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/FlowSpike.Cli -c Release -nologo -v quiet >/dev/null || exit 1
source scripts/artifacts.sh
fs=(dotnet "$FS_CLI_DLL")
dir=$(mktemp -d -t flowspike-cluster-scale.XXXXXX)
pids=()
stop_silos() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done; pids=(); }
cleanup() { stop_silos; [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" || exit 1
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done

echo "| run | silos | baseline scan (s) | input MB/s | shards (s) | detect scan (s) | input MB/s | windows closed (s) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for r in $(seq "$repeat"); do
  /usr/bin/time -f "%e" -o "$dir/t" "${fs[@]}" baseline --input "$input" --from "$from" --to "$to" --state "$dir/local.db" -q
  bs=$(cat "$dir/t"); rm -f "$dir/local.db"
  echo "| $r | local (1 process, all cores) | $bs (whole command) | | | | | |"
done
for n in $counts; do
  for r in $(seq "$repeat"); do
    redis-cli -p "$port" flushall >/dev/null
    cluster=(--clustering "redis://127.0.0.1:$port" --cluster-id "scale-$n-$r")
    for i in $(seq "$n"); do
      "${fs[@]}" cluster silo "${cluster[@]}" --silo-port $((11410 + i)) --gateway-port $((30410 + i)) > "$dir/silo$i.log" 2>&1 &
      pids+=($!)
    done
    for _ in $(seq 300); do [ "$(grep -l 'joined cluster' "$dir"/silo*.log 2>/dev/null | wc -l)" -ge "$n" ] && break; sleep 0.2; done
    "${fs[@]}" cluster baseline "${cluster[@]}" --input "$input" --from "$from" --to "$to" --state scale 2> "$dir/b.log" || { cat "$dir/b.log" >&2; exit 1; }
    "${fs[@]}" cluster detect "${cluster[@]}" --input "$input" --from "$from" --to "$to" --state scale-d --out /dev/null 2> "$dir/d.log" || { cat "$dir/d.log" >&2; exit 1; }
    bscan=$(grep -oE 'in [0-9.]+ s \([0-9]+ MB/s' "$dir/b.log" | head -1)
    dscan=$(grep -oE 'in [0-9.]+ s \([0-9]+ MB/s' "$dir/d.log" | head -1)
    bshard=$(grep -oE 'shards took [0-9.]+' "$dir/b.log" | grep -oE '[0-9.]+$')
    dshard=$(grep -oE 'closed the windows in [0-9.]+' "$dir/d.log" | grep -oE '[0-9.]+$')
    echo "| $r | $n | $(echo "$bscan" | awk '{print $2}') | $(echo "$bscan" | grep -oE '\([0-9]+' | tr -d '(') | $bshard | $(echo "$dscan" | awk '{print $2}') | $(echo "$dscan" | grep -oE '\([0-9]+' | tr -d '(') | $dshard |"
    stop_silos
  done
done
