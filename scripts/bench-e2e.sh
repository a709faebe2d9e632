#!/usr/bin/env bash
# End-to-end benchmark: FlowSpike against DuckDB on the same files, whole process each, same thread count, in one run.
# Generates its data sets with `flowspike synth` (cached in $BENCH_DIR), then prints a table and the ratios.
# Usage: scripts/bench-e2e.sh [--threads N] [--dir DIR] [--size-gb 1]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
threads=$(nproc); dir=${BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/flowspike-bench}; size_gb=1
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --size-gb) size_gb=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/FlowSpike.Cli -c Release -nologo -v quiet >/dev/null
dotnet build bench/FlowSpike.Peer -c Release -nologo -v quiet >/dev/null
dotnet build bench/FlowSpike.Bench -c Release -nologo -v quiet >/dev/null
fs="dotnet src/FlowSpike.Cli/bin/Release/net10.0/FlowSpike.Cli.dll"
peer="dotnet bench/FlowSpike.Peer/bin/Release/net10.0/FlowSpike.Peer.dll"
from=2026-10-01T00:00:00Z; from_s=1790812800
mkdir -p "$dir"

# Data set 1: about SIZE GB of uncompressed text in 4 large header-less files.
large="$dir/large"
if [ ! -f "$large/.done" ]; then
  rm -rf "$large" "$dir/large-src"
  $fs synth --out "$dir/large-src" --layout no-header --no-gzip --target-size "${size_gb}GB" --hosts 2000 \
    --records-per-host-hour 300 --spike-from-day 0 --spikes 2
  mkdir -p "$large"
  find "$dir/large-src/AWSLogs" -name '*.log' | sort > "$dir/large.list"
  split -n l/4 "$dir/large.list" "$dir/large.part."
  for p in "$dir"/large.part.*; do xargs cat < "$p" > "$large/$(basename "$p").log"; done
  rm -rf "$dir/large-src" "$dir"/large.part.* "$dir/large.list"
  touch "$large/.done"
fi

# Data set 2: an S3-like tree of at least 2,000 small gzip files with header lines.
small="$dir/small"
if [ ! -f "$small/.done" ]; then
  rm -rf "$small"
  $fs synth --out "$small" --days 2 --spike-from-day 1 --hosts 2000 --records-per-host-hour 60 --files-per-hour 21
  touch "$small/.done"
fi

# Data set 4: the same kind of data as S3 Parquet delivery (gzip codec), for the Parquet reader's speed.
parquet="$dir/parquet"
if [ ! -f "$parquet/.done" ]; then
  rm -rf "$parquet"
  $fs synth --out "$parquet" --container parquet --target-size "${size_gb}GB" --hosts 2000 \
    --records-per-host-hour 300 --spike-from-day 0 --spikes 2
  touch "$parquet/.done"
fi

# Data set 3: the large set four times over (links), for peak memory at about 4x the size.
x4="$dir/large-x4"
if [ ! -d "$x4" ]; then
  mkdir -p "$x4"
  for k in 1 2 3 4; do for f in "$large"/*.log; do ln -s "$f" "$x4/copy$k-$(basename "$f")"; done; done
fi

to_s=$((from_s + 4 * 86400)); to=$(date -u -d "@$to_s" +%Y-%m-%dT%H:%M:%SZ)
measure() { # label, command...: prints "label wall_s rss_mb" and keeps the command's output in $dir/last.out
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$dir/time.out" "$@" > "$dir/last.out" 2>&1 || { cat "$dir/last.out" >&2; exit 1; }
  read -r wall rss < "$dir/time.out"
  printf '%-34s %8.2f s %8.0f MB\n' "$label" "$wall" "$((rss / 1024))"
  echo "$wall" > "$dir/$label.wall"
}
bytes() { du -sb --apparent-size "$1" | cut -f1; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; threads=$threads"
echo "large: $(ls "$large"/*.log | wc -l) files, $(( $(bytes "$large") / 1000000 )) MB uncompressed"
echo "large-x4: the same files linked 4 times, $(( 4 * $(bytes "$large") / 1000000 )) MB"
echo "small: $(find "$small/AWSLogs" -name '*.gz' | wc -l) gzip files, $(( $(bytes "$small/AWSLogs") / 1000000 )) MB compressed"
echo
# Warm the page cache so both tools read from memory.
cat "$large"/*.log > /dev/null; find "$small/AWSLogs" -name '*.gz' -exec cat {} + > /dev/null
rm -f "$dir"/*.db*
measure flowspike-large $fs baseline --input "$large" --from $from --to "$to" --state "$dir/large.db" --threads "$threads"
grep -h "scanned" "$dir/last.out" | sed 's/^/  /'
measure flowspike-large-x4 $fs baseline --input "$x4" --from $from --to "$to" --state "$dir/x4.db" --threads "$threads"
grep -h "scanned" "$dir/last.out" | sed 's/^/  /'
measure duckdb-large $peer duckdb "$large/*.log" false "$threads" $from_s $to_s
sed 's/^/  /' "$dir/last.out"
measure flowspike-small $fs baseline --input "$small/AWSLogs" --from $from --to "$to" --state "$dir/small.db" --threads "$threads"
grep -h "scanned" "$dir/last.out" | sed 's/^/  /'
measure duckdb-small $peer duckdb "$small/AWSLogs/*/vpcflowlogs/*/*/*/*/*.log.gz" true "$threads" $from_s $to_s
sed 's/^/  /' "$dir/last.out"
measure flowspike-small-1-thread $fs baseline --input "$small/AWSLogs" --from $from --to "$to" --state "$dir/small1.db" --threads 1
grep -h "scanned" "$dir/last.out" | sed 's/^/  /'
measure gzipstream-inflate-1-thread $peer inflate 1 "$small/AWSLogs"
sed 's/^/  /' "$dir/last.out"
measure flowspike-parquet-1-thread $fs baseline --input "$parquet/AWSLogs" --from $from --to "$to" --state "$dir/pq1.db" --threads 1
grep -h "scanned" "$dir/last.out" | sed 's/^/  /'
measure flowspike-parquet $fs baseline --input "$parquet/AWSLogs" --from $from --to "$to" --state "$dir/pq.db" --threads "$threads"
grep -h "scanned" "$dir/last.out" | sed 's/^/  /'
measure state-write-1M-sources dotnet bench/FlowSpike.Bench/bin/Release/net10.0/FlowSpike.Bench.dll state-write 1000000
sed 's/^/  /' "$dir/last.out"
echo
ratio() { awk -v a="$(cat "$dir/$1.wall")" -v b="$(cat "$dir/$2.wall")" 'BEGIN { printf "%.2f", a / b }'; }
echo "large set: FlowSpike is $(ratio duckdb-large flowspike-large)x faster than DuckDB"
echo "small gzip set: FlowSpike is $(ratio duckdb-small flowspike-small)x faster than DuckDB"
echo "small gzip set, 1 thread: FlowSpike runs at $(awk -v a="$(cat "$dir/gzipstream-inflate-1-thread.wall")" -v b="$(cat "$dir/flowspike-small-1-thread.wall")" 'BEGIN { printf "%.0f", 100 * a / b }')% of bare GZipStream inflate speed"
