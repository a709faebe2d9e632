#!/usr/bin/env bash
# Cost of one `watch --once` poll against the size of the watch ledger: elapsed seconds and peak RSS
# (/usr/bin/time) with an empty ledger, with 1 M rows of a year of stamped S3 objects (the first poll prunes them,
# the second runs on what is left), and with 1 M rows that cannot be pruned (keys without a stamp), side by side in
# one run. Each poll counts the same hour of new local files. Then `state compact` on the pruned state.
# Usage: scripts/bench-ledger.sh [--rows N] [--jit]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
rows=1000000; jit=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --jit) jit=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/FlowSpike.Cli -c Release -nologo -v quiet >/dev/null
source scripts/artifacts.sh
fs=(dotnet "$FS_CLI_DLL"); build="dotnet FlowSpike.Cli.dll (JIT)"
if [ "$jit" = 0 ] && [ -n "$FS_NATIVE_BIN" ]; then
  native_publish >/dev/null && fs=("$FS_NATIVE_BIN") && build="Native AOT for this CPU, as ./flowspike runs"
fi
work="$(mktemp -d -t flowspike-ledger-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

start=2026-10-01T00:00:00Z
"${fs[@]}" synth --out "$work/data" --start "$start" --days 2 --hosts 100 --files-per-hour 4 --seed 3 >/dev/null
"${fs[@]}" baseline --input "$work/data" --from "$start" --to 2026-10-02T00:00:00Z --state "$work/base.db" -q
mark=$(date -u -d 2026-10-02T00:00:00Z +%s)
# The new files: the first hour after the mark.
mkdir "$work/incoming"
find "$work/data" -name '*_20261002T00[0-5][0-9]Z_*' -exec cp {} "$work/incoming/" \;
echo $((mark + 3600 + 600)) >"$work/clock"

fill() { # state, SQL expression for the key, SQL expression for the stamp
  sqlite3 "$1" "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $rows - 1)
    INSERT INTO ledger(path, size, version, status, records, late, error, processed_at, stamp)
    SELECT $2, 1000, '\"etag\"', 'counted', 100, 0, NULL, '2026-01-01T00:00:00.0000000+00:00', $3 FROM n;"
}
# A year of objects: one every 31 s before the mark, keyed as AWS delivers them.
t="(($mark - 7200 - i * 31) / 60 * 60)"
cp "$work/base.db" "$work/year.db"
fill "$work/year.db" "'s3://bucket/AWSLogs/123456789012/vpcflowlogs/us-east-1/' || strftime('%Y/%m/%d', $t, 'unixepoch')
  || '/123456789012_vpcflowlogs_us-east-1_fl-0_' || strftime('%Y%m%dT%H%MZ', $t, 'unixepoch') || '_' || i || '.log.gz'" "$t"
cp "$work/base.db" "$work/kept.db"
fill "$work/kept.db" "'s3://bucket/flows/object-' || i || '.log.gz'" "NULL"
cp "$work/base.db" "$work/empty.db"

poll() { # label, state
  local before after
  before=$(sqlite3 "$2" "SELECT count(*) FROM ledger")
  /usr/bin/time -f "%e %M" -o "$work/time" "${fs[@]}" watch --once --input "$work/incoming" --state "$2" \
    --clock "$work/clock" --out "$work/alerts.jsonl" -q
  after=$(sqlite3 "$2" "SELECT count(*) FROM ledger")
  read -r secs kb <"$work/time"
  printf '%-34s %9s %9s %8s s %8.0f MB\n' "$1" "$before" "$after" "$secs" "$((kb / 1024))"
}
echo "build: $build; $rows ledger row(s); one poll counts $(ls "$work/incoming" | wc -l) new file(s)"
printf '%-34s %9s %9s %10s %11s\n' "poll" "rows" "after" "elapsed" "peak RSS"
poll "empty ledger" "$work/empty.db"
poll "a year of objects, first poll" "$work/year.db"
poll "a year of objects, next poll" "$work/year.db"
poll "unprunable rows" "$work/kept.db"
size=$(stat -c %s "$work/year.db")
/usr/bin/time -f "%e %M" -o "$work/time" "${fs[@]}" state compact --state "$work/year.db"
read -r secs kb <"$work/time"
echo "state compact: $secs s, $((kb / 1024)) MB peak; file $((size / 1048576)) MB before"
