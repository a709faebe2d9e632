#!/usr/bin/env bash
# End-to-end benchmark matrix: `flowspike baseline` against DuckDB (bench/FlowSpike.Peer) on the same files, whole
# process each, same thread count, side by side in one run. Axes:
#   selectivity  about 1%, 30% and 60% REJECT lines (synth --reject-share 0, 0.3, 0.6)
#   shape        a few large text files, thousands of small gzip files, Parquet
#   cardinality  80 to 1,000,000 internal sources (bench `hosts` generator, 30% REJECTs)
#   writer       Parquet from Parquet.Net (synth; one page per column chunk) and from DuckDB, gzip and snappy codecs
#   ocsf         Security Lake's OCSF Parquet (synth --container ocsf: nested endpoints, time in ms)
# plus one small file (start-up), one thread against two, the read/inflate floors, and the peak RSS of every run.
# The DuckDB side of a cell is the fastest of several formulations of the same SQL (bench/FlowSpike.Peer: regexp,
# like, starts-with, octets, typed-*); every formulation must report the same hosts, host-buckets and counted records
# as FlowSpike (the run fails otherwise), and the ratio is DuckDB's fastest time over FlowSpike's.
# Data sets are generated once into $BENCH_DIR (default ~/.cache/flowspike-bench/matrix) and kept in the page cache.
# FlowSpike runs as ./flowspike runs it: the Native AOT build of the local commands (--jit: the JIT build instead).
# Usage: scripts/bench-e2e.sh [--quick] [--prepare] [--jit] [--reps N] [--threads N] [--dir DIR] [--only PATTERN]
#                            [--queries 'Q...'] [--parquet-queries 'Q...']
#   --reps    runs of each tool per cell, the best wall time kept (default 3); inputs are read once before
#   --quick   about a quarter of the data (300 MB large sets, 960 small files); the default takes a few minutes
#   --only    run only the cells whose name matches the grep pattern (data sets are still generated as needed)
#   --prepare only generate the data sets (so a later run measures on a quiet machine)
#   --queries / --parquet-queries  the DuckDB formulations tried on text / Parquet cells (regexp runs once: the slow
#             query of the first matrices, kept for its figure)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
threads=$(nproc); dir=${BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/flowspike-bench/matrix}; quick=0; only=.; prepare=0; jit=0; reps=3
queries="like starts-with octets typed-like typed-octets regexp"; parquet_queries="like starts-with octets regexp"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --prepare) prepare=1; shift ;;
    --jit) jit=1; shift ;;
    --reps) reps=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --queries) queries=$2; shift 2 ;;
    --parquet-queries) parquet_queries=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ "$quick" = 1 ]; then
  large_mb=300; small_days=1; small_fph=20; parquet_mb=100; hosts_mb=100; dir="$dir-quick"
else
  large_mb=1200; small_days=2; small_fph=40; parquet_mb=300; hosts_mb=300
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/FlowSpike.Cli -c Release -nologo -v quiet >/dev/null
dotnet build bench/FlowSpike.Peer -c Release -nologo -v quiet >/dev/null
dotnet build bench/FlowSpike.Bench -c Release -nologo -v quiet >/dev/null
source scripts/artifacts.sh
fs="dotnet $FS_CLI_DLL"; build="dotnet FlowSpike.Cli.dll (JIT)"
if [ "$jit" = 0 ] && [ "$prepare" = 0 ]; then
  native_publish >/dev/null
  fs="$FS_NATIVE_BIN"; build="Native AOT for this CPU, as ./flowspike runs"
fi
peer="dotnet $FS_PEER_DLL"
gen="dotnet $FS_BENCH_DLL"
from=2026-10-01T00:00:00Z; from_s=1790812800
to_s=$((from_s + 4 * 86400)); to=$(date -u -d "@$to_s" +%Y-%m-%dT%H:%M:%SZ)
mkdir -p "$dir"

# The share of REJECT lines in a set, counted once at generation.
share_of() { # dir, cat command
  local total rejects
  total=$(find "$1" -type f \( -name '*.log' -o -name '*.gz' \) -print0 | xargs -0 "$2" | wc -l)
  rejects=$(find "$1" -type f \( -name '*.log' -o -name '*.gz' \) -print0 | xargs -0 "$2" | grep -c ' REJECT ' || true)
  awk -v r="$rejects" -v t="$total" 'BEGIN { printf "%.0f", 100 * r / t }' > "$1/.share"
}

# A few large header-less text files: synth output concatenated into 4 files.
large_set() { # share
  local out="$dir/large-$1"
  if [ ! -f "$out/.done" ]; then
    rm -rf "$out" "$out-src"
    $fs synth --out "$out-src" --layout no-header --no-gzip --target-size "${large_mb}MB" --hosts 2000 \
      --records-per-host-hour 300 --spikes 0 --reject-share "$1" > "$dir/synth.log" 2>&1 || { cat "$dir/synth.log" >&2; exit 1; }
    mkdir -p "$out"
    find "$out-src/AWSLogs" -name '*.log' | sort > "$out.list"
    split -n l/4 "$out.list" "$out.part."
    for p in "$out".part.*; do xargs cat < "$p" > "$out/$(basename "$p").log"; done
    rm -rf "$out-src" "$out".part.* "$out.list"
    share_of "$out" cat
    touch "$out/.done"
  fi
}

# Thousands of small gzip files with header lines, as S3 delivery writes them (about 15 KB of text each).
small_set() { # share
  local out="$dir/small-$1"
  if [ ! -f "$out/.done" ]; then
    rm -rf "$out"
    $fs synth --out "$out" --days "$small_days" --spike-from-day 0 --hosts 200 --records-per-host-hour 60 \
      --files-per-hour "$small_fph" --spikes 0 --reject-share "$1" > "$dir/synth.log" 2>&1 || { cat "$dir/synth.log" >&2; exit 1; }
    share_of "$out/AWSLogs" zcat
    touch "$out/.done"
  fi
}

# S3 Parquet delivery (gzip codec).
parquet_set() { # share
  local out="$dir/parquet-$1"
  if [ ! -f "$out/.done" ]; then
    rm -rf "$out"
    $fs synth --out "$out" --container parquet --target-size "${parquet_mb}MB" --hosts 2000 \
      --records-per-host-hour 300 --spikes 0 --reject-share "$1" > "$dir/synth.log" 2>&1 || { cat "$dir/synth.log" >&2; exit 1; }
    touch "$out/.done"
  fi
}

# The same rows from other writers and codecs: Parquet.Net with snappy, DuckDB with gzip and snappy (its own row
# groups and pages).
parquet_variant() { # share variant
  local out="$dir/parquet-$1-$2" from="$dir/parquet-$1/AWSLogs"
  if [ ! -f "$out/.done" ]; then
    rm -rf "$out"
    case "$2" in
      pn-snappy) $gen parquet-recode "$from" "$out" snappy >/dev/null ;;
      duck-*) mkdir -p "$out.in"; find "$from" -name '*.parquet' -exec cp {} "$out.in/" \;
        $peer write-parquet "$out.in/*.parquet" "$out" "${2#duck-}" >/dev/null; rm -rf "$out.in" ;;
    esac
    touch "$out/.done"
  fi
}

# Security Lake OCSF Parquet (synth's, Parquet.Net's writer with gzip), the same hosts and sizes as parquet_set.
ocsf_set() { # share
  local out="$dir/ocsf-$1"
  if [ ! -f "$out/.done" ]; then
    rm -rf "$out"
    $fs synth --out "$out" --container ocsf --target-size "${parquet_mb}MB" --hosts 2000 \
      --records-per-host-hour 300 --spikes 0 --reject-share "$1" > "$dir/synth.log" 2>&1 \
      || { cat "$dir/synth.log" >&2; exit 1; }
    touch "$out/.done"
  fi
}

# Cardinality: the same bytes over a growing number of sources, 30% REJECTs.
hosts_set() { # hosts
  local out="$dir/hosts-$1"
  if [ ! -f "$out/.done" ]; then
    rm -rf "$out"
    $gen hosts "$out" "$1" "$hosts_mb" 0.3 4 >/dev/null
    share_of "$out" cat
    touch "$out/.done"
  fi
}

# Wall time in ms from the clock around the run (time's %e has 10 ms steps: 0.08 s against 0.15 s could be 1.76x to
# 2.00x); RSS from time.
measure() { # label, command...: "wall rss_mb" in $dir/$label.time (best wall and highest RSS of $runs runs)
  local label=$1; shift
  local best="" top=0 i wall rss t0 t1 runs=${runs:-$reps}
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$dir/time.out" "$@" > "$dir/last.out" 2>&1 || { cat "$dir/last.out" >&2; exit 1; }
    t1=$(date +%s%N)
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    read -r rss < "$dir/time.out"
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
    [ "$rss" -gt "$top" ] && top=$rss
  done
  echo "$best $((top / 1024))" > "$dir/$label.time"
}
# Both tools read from the page cache: each cell's input is read once before its first run.
warm() { find "$1" -type f -print0 | xargs -0 cat > /dev/null; }
wall() { cut -d' ' -f1 "$dir/$1.time"; }
rss() { cut -d' ' -f2 "$dir/$1.time"; }
if [ "$prepare" = 1 ]; then
  for share in 0 0.3 0.6; do
    large_set $share; small_set $share; parquet_set $share
    for v in pn-snappy duck-gzip duck-snappy; do parquet_variant $share $v; done
    ocsf_set $share
  done
  for hosts in 80 2000 50000 1000000; do hosts_set $hosts; done
  echo "data sets ready in $dir"; exit 0
fi
rm -rf "$dir/state"; mkdir -p "$dir/state"

# One FlowSpike run: prints nothing, leaves "hosts buckets records" in $dir/$label.counts and the scan line.
run_fs() { # label threads input
  warm "$3"
  measure "$1" $fs baseline --input "$3" --from $from --to "$to" --state "$dir/state/$1.db" --threads "$2"
  local base scan
  base=$(grep -h 'baseline:' "$dir/last.out")
  scan=$(grep -h 'scanned' "$dir/last.out")
  echo "$scan" > "$dir/$1.scan"
  echo "$(sed -E 's/.*baseline: ([0-9]+) hosts from ([0-9]+) host-buckets.*/\1 \2/' <<< "$base") $(sed -E 's/.*; ([0-9]+) blocked.*/\1/' <<< "$scan")" \
    > "$dir/$1.counts"
}
# Every formulation in turn (regexp once); each must find FlowSpike's counts; the fastest becomes duck-CELL.
run_duck() { # cell kind queries args...
  local cell=$1 kind=$2 qs=$3 q best="" runs; shift 3
  : > "$dir/duck-$cell.all"
  for q in $qs; do
    if [ "$q" = regexp ]; then runs=1; else runs=$reps; fi
    runs=$runs measure "duck-$cell-$q" $peer "$kind" "$q" "$@"
    sed -E 's/.*hosts=([0-9]+) host_buckets=([0-9]+) records=([0-9]+).*/\1 \2 \3/' "$dir/last.out" \
      > "$dir/duck-$cell-$q.counts"
    if ! cmp -s "$dir/fs-$cell.counts" "$dir/duck-$cell-$q.counts"; then
      echo "$cell: DuckDB query $q found $(cat "$dir/duck-$cell-$q.counts"), FlowSpike $(cat "$dir/fs-$cell.counts")" \
        >> "$dir/failures"
    fi
    printf ' %s %.3fs' "$q" "$(wall "duck-$cell-$q")" >> "$dir/duck-$cell.all"
    if [ "$q" != regexp ] && { [ -z "$best" ] || awk -v a="$(wall "duck-$cell-$q")" -v b="$(wall "duck-$cell")" \
      'BEGIN { exit !(a < b) }'; }; then
      best=$q; cp "$dir/duck-$cell-$q.time" "$dir/duck-$cell.time"; cp "$dir/duck-$cell-$q.counts" "$dir/duck-$cell.counts"
    fi
  done
  echo "$best" > "$dir/duck-$cell.query"
}

printf '%-24s %7s %10s %8s %10s %8s %7s  %-12s %s\n' cell REJECT flowspike RSS duckdb RSS ratio query \
  "hosts/buckets/records"
row() { # cell share
  local same
  if cmp -s "$dir/fs-$1.counts" "$dir/duck-$1.counts"; then same="same: $(tr ' ' / < "$dir/fs-$1.counts")"; else
    same="DIFFERENT: flowspike $(cat "$dir/fs-$1.counts"), duckdb $(cat "$dir/duck-$1.counts")"; fi
  printf '%-24s %6s%% %9.3fs %6dMB %9.3fs %6dMB %6.2fx  %-12s %s\n' "$1" "$2" "$(wall "fs-$1")" "$(rss "fs-$1")" \
    "$(wall "duck-$1")" "$(rss "duck-$1")" "$(awk -v a="$(wall "duck-$1")" -v b="$(wall "fs-$1")" 'BEGIN { print a / b }')" \
    "$(cat "$dir/duck-$1.query")" "$same"
  echo "$1:$(cat "$dir/duck-$1.all")" >> "$dir/queries"
  echo "$1 $(awk -v a="$(wall "duck-$1")" -v b="$(wall "fs-$1")" 'BEGIN { printf "%.2f", a / b }')" >> "$dir/ratios"
}
want() { local n; for n; do grep -qE -- "$only" <<< "$n" && return 0; done; return 1; }
: > "$dir/ratios"; : > "$dir/queries"; : > "$dir/failures"

for share in 0 0.3 0.6; do
  if want "large-text-$share" "parquet-$share" scaling; then large_set $share; fi
  if want "small-gzip-$share" one-small-file; then small_set $share; fi
  cell="large-text-$share"
  if want "$cell"; then
    cat "$dir/large-$share"/*.log > /dev/null
    run_fs "fs-$cell" "$threads" "$dir/large-$share"
    run_duck "$cell" duckdb "$queries" "$dir/large-$share/*.log" false "$threads" $from_s $to_s
    row "$cell" "$(cat "$dir/large-$share/.share")"
  fi
  cell="small-gzip-$share"
  if want "$cell"; then
    find "$dir/small-$share/AWSLogs" -name '*.gz' -exec cat {} + > /dev/null
    run_fs "fs-$cell" "$threads" "$dir/small-$share/AWSLogs"
    run_duck "$cell" duckdb "$queries" "$dir/small-$share/AWSLogs/*/vpcflowlogs/*/*/*/*/*.log.gz" true "$threads" \
      $from_s $to_s
    row "$cell" "$(cat "$dir/small-$share/AWSLogs/.share")"
  fi
done
for share in 0 0.3 0.6; do
  for v in pn-gzip pn-snappy duck-gzip duck-snappy; do
    cell="parquet-$share-$v"
    if want "$cell"; then
      parquet_set $share
      if [ "$v" = pn-gzip ]; then
        set_dir="$dir/parquet-$share/AWSLogs"; glob="$set_dir/*/vpcflowlogs/*/*/*/*/*.parquet"
      else
        parquet_variant $share $v; set_dir="$dir/parquet-$share-$v"; glob="$set_dir/*.parquet"
      fi
      warm "$set_dir"
      run_fs "fs-$cell" "$threads" "$set_dir"
      run_duck "$cell" duckdb-parquet "$parquet_queries" "$glob" "$threads" $from_s $to_s
      row "$cell" "$(cat "$dir/large-$share/.share" 2>/dev/null || echo '?')"
    fi
  done
done
for share in 0 0.3 0.6; do
  cell="ocsf-$share"
  if want "$cell"; then
    ocsf_set $share
    warm "$dir/ocsf-$share/AWSLogs"
    run_fs "fs-$cell" "$threads" "$dir/ocsf-$share/AWSLogs"
    run_duck "$cell" duckdb-ocsf "$parquet_queries" "$dir/ocsf-$share/AWSLogs/**/*.parquet" "$threads" $from_s $to_s
    row "$cell" "$(cat "$dir/large-$share/.share" 2>/dev/null || echo '?')"
  fi
done
for hosts in 80 2000 50000 1000000; do
  cell="hosts-$hosts"
  if want "$cell"; then
    hosts_set $hosts
    cat "$dir/hosts-$hosts"/*.log > /dev/null
    run_fs "fs-$cell" "$threads" "$dir/hosts-$hosts"
    run_duck "$cell" duckdb "$queries" "$dir/hosts-$hosts/*.log" false "$threads" $from_s $to_s
    row "$cell" "$(cat "$dir/hosts-$hosts/.share")"
  fi
done
# One small gzip file: start-up and fixed costs dominate.
cell="one-small-file"
if want "$cell"; then
  one=$(find "$dir/small-0.6/AWSLogs" -name '*.gz' | sort | awk 'NR == 1')
  mkdir -p "$dir/one"; cp "$one" "$dir/one/"
  run_fs "fs-$cell" "$threads" "$dir/one"
  run_duck "$cell" duckdb "$queries" "$dir/one/*.log.gz" true "$threads" $from_s $to_s
  row "$cell" "$(cat "$dir/small-0.6/AWSLogs/.share")"
fi
echo
echo "DuckDB formulations per cell (best of $reps; regexp: one run):"
sed 's/^/  /' "$dir/queries"
echo
# Floors: what reading (and inflating, and tokenizing) the cell's files costs in process, nothing selected.
if want "floors"; then
  echo "floors (in process, $threads threads, best of 3):"
  for share in 0 0.3 0.6; do
    [ -d "$dir/large-$share" ] && echo "  large-text-$share: $($gen floor "$threads" "$dir/large-$share")"
    [ -d "$dir/small-$share" ] && echo "  small-gzip-$share: $($gen floor "$threads" "$dir/small-$share/AWSLogs")"
    [ -d "$dir/parquet-$share" ] && echo "  parquet-$share-pn-gzip: $($gen floor "$threads" "$dir/parquet-$share/AWSLogs")"
    duck="$dir/parquet-$share-duck-snappy"
    [ -d "$duck" ] && echo "  parquet-$share-duck-snappy: $($gen floor "$threads" "$duck")"
    [ -d "$dir/ocsf-$share" ] && echo "  ocsf-$share: $($gen floor "$threads" "$dir/ocsf-$share/AWSLogs")"
  done
  echo "  (read: every file read into a kept buffer 1 MB at a time; inflate: small gzip files read whole and inflated"
  echo "   by libdeflate; tokenize: every line also split into fields; nothing selected or counted)"
  echo
fi
# Scaling: the same large set on one thread and on $threads.
if want "scaling"; then
  for share in 0 0.6; do
    run_fs "fs-1-thread-$share" 1 "$dir/large-$share"
    run_fs "fs-n-thread-$share" "$threads" "$dir/large-$share"
    echo "large-text-$share: 1 thread $(wall "fs-1-thread-$share") s, $threads threads $(wall "fs-n-thread-$share") s:" \
      "$(awk -v a="$(wall "fs-1-thread-$share")" -v b="$(wall "fs-n-thread-$share")" 'BEGIN { printf "%.2f", a / b }')x whole process"
    sed 's/^/  1 thread:  /' "$dir/fs-1-thread-$share.scan"; sed "s/^/  $threads threads: /" "$dir/fs-n-thread-$share.scan"
  done
  echo
fi
echo "build: FlowSpike $build; DuckDB through dotnet FlowSpike.Peer.dll"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; threads=$threads; load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
size_mb() { if [ -e "$1" ]; then echo $(( $(du -sb --apparent-size "$1" | cut -f1) / 1000000 )); else echo "-"; fi; }
echo "large text: 4 files, $(size_mb "$dir/large-0.6") MB per set; small gzip: $(find "$dir/small-0.6/AWSLogs" -name '*.gz' 2>/dev/null | wc -l)" \
  "files, $(size_mb "$dir/small-0.6/AWSLogs") MB compressed per set; Parquet: $(size_mb "$dir/parquet-0.6/AWSLogs") MB per set;" \
  "cardinality: $(size_mb "$dir/hosts-80") MB per set"
max_rss=$(cat "$dir"/fs-*.time | awk '{ if ($2 > m) m = $2 } END { print m }')
echo "FlowSpike peak RSS over all cells: $max_rss MB"
if [ -s "$dir/failures" ]; then
  echo "FAILED: a DuckDB query and FlowSpike disagree:" >&2; cat "$dir/failures" >&2; exit 1
fi
