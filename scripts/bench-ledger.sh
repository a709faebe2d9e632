#!/usr/bin/env bash
# Cost of one `watch --once` poll against the size of the watch ledger: elapsed seconds and peak RSS
# (/usr/bin/time) with an empty ledger, with 1 M rows of a year of stamped S3 objects (each poll prunes a bounded
# part of them; the next polls run until none is left), the same in a state written before rows carried their stamp,
# and with 1 M rows that cannot be pruned (keys without a stamp), side by side in one run, through ./flowspike. The
# first poll of each counts the same hour of new local files (waiting a second for their sizes to settle). Then
# `state compact` on a year of objects never polled. With --queue, the same for `watch --queue --once` against moto
# (SQS and S3 on loopback): the hour's objects are notified to the queue; the ledger is looked up by key, never read
# whole at start-up, and pruned of rows counted longer ago than the queue's retention.
# Usage: scripts/bench-ledger.sh [--rows N] [--jit] [--queue] [--moto-port P]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
rows=1000000; jit=0; queue=0; mport=5097
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --jit) jit=1; shift ;;
    --queue) queue=1; shift ;;
    --moto-port) mport=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Through the README's entry point, as a user runs it: ./flowspike builds on first use, then execs the binary.
source scripts/artifacts.sh
fs=(./flowspike); build="Native AOT for this CPU, as ./flowspike runs"
if [ "$jit" = 1 ] || [ -z "$FS_NATIVE_BIN" ]; then
  export FLOWSPIKE_BUILD=jit; build="JIT (FLOWSPIKE_BUILD=jit ./flowspike)"
fi
"${fs[@]}" --version >/dev/null
[ -f artifacts/.flowspike-native-failed ] && build="JIT (the Native AOT build failed)"
work="$(mktemp -d -t flowspike-ledger-bench.XXXXXX)"
moto_pid=""
trap '[ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null; rm -rf "$work"' EXIT

start=2026-10-01T00:00:00Z
# A spike on the second day, so the poll raises and delivers alerts too.
"${fs[@]}" synth --out "$work/data" --start "$start" --days 2 --hosts 100 --files-per-hour 4 --seed 3 \
  --spike-from-day 1 >/dev/null
"${fs[@]}" baseline --input "$work/data/AWSLogs" --from "$start" --to 2026-10-02T00:00:00Z --state "$work/base.db" -q
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
fill "$work/year.db" "'s3://bucket/AWSLogs/123456789012/vpcflowlogs/us-east-1/'
  || strftime('%Y/%m/%d', $t, 'unixepoch') || '/123456789012_vpcflowlogs_us-east-1_fl-0_'
  || strftime('%Y%m%dT%H%MZ', $t, 'unixepoch') || '_' || i || '.log.gz'" "$t"
# The same year in a state written before rows carried their stamp: the first poll stamps them, then prunes.
cp "$work/year.db" "$work/older.db"
sqlite3 "$work/older.db" "DROP INDEX ledger_stamp; ALTER TABLE ledger DROP COLUMN stamp; VACUUM;"
cp "$work/year.db" "$work/compact.db"
cp "$work/base.db" "$work/kept.db"
fill "$work/kept.db" "'s3://bucket/flows/object-' || i || '.log.gz'" "NULL"
cp "$work/base.db" "$work/empty.db"

watch() { # state: one timed `watch --once`; its warnings (late records in the new hour) shown only if it fails
  /usr/bin/time -f "%e %M" -o "$work/time" "${fs[@]}" watch --once --input "$work/incoming" --state "$1" \
    --clock "$work/clock" --out "$work/alerts.jsonl" -q 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
}
timed() { # label, state, command...: one timed run of the command; prints the ledger's rows before and after
  local label=$1 state=$2 before after secs kb
  shift 2
  before=$(sqlite3 "$state" "SELECT count(*) FROM ledger")
  "$@"
  after=$(sqlite3 "$state" "SELECT count(*) FROM ledger")
  read -r secs kb <"$work/time"
  printf '%-34s %9s %9s %8s s %8.0f MB\n' "$label" "$before" "$after" "$secs" "$((kb / 1024))"
}
poll() { timed "$1" "$2" watch "$2"; } # label, state
echo "build: $build; $rows ledger row(s); one poll counts $(find "$work/incoming" -type f | wc -l) new file(s)"
printf '%-34s %9s %9s %10s %11s\n' "poll" "rows" "after" "elapsed" "peak RSS"
drain() { # label, state, noun, command...: runs the command again until the pruning is done; prints the count
  # of runs and the slowest and largest of them
  local label=$1 state=$2 noun=$3 n=0 worst=0 peak=0 before after last secs kb
  shift 3
  before=$(sqlite3 "$state" "SELECT count(*) FROM ledger")
  while :; do
    after=$(sqlite3 "$state" "SELECT count(*) FROM ledger")
    [ "$n" -gt 0 ] && [ "$after" = "$last" ] && break
    last=$after
    "$@"
    read -r secs kb <"$work/time"
    n=$((n + 1)); kb=$((kb / 1024))
    worst=$(echo "$secs $worst" | awk '{print ($1 > $2) ? $1 : $2}'); [ "$kb" -gt "$peak" ] && peak=$kb
  done
  printf '%-34s %9s %9s %8s s %8.0f MB  (the slowest of %d %s)\n' "$label" "$before" "$after" "$worst" "$peak" "$n" \
    "$noun"
}
poll "empty ledger" "$work/empty.db"
poll "a year of objects, first poll" "$work/year.db"
drain "a year of objects, next polls" "$work/year.db" polls watch "$work/year.db"
poll "an older state, first poll" "$work/older.db"
drain "an older state, next polls" "$work/older.db" polls watch "$work/older.db"
poll "unprunable rows" "$work/kept.db"
size=$(stat -c %s "$work/compact.db")
/usr/bin/time -f "%e %M" -o "$work/time" "${fs[@]}" state compact --state "$work/compact.db"
read -r secs kb <"$work/time"
echo "state compact: $secs s, $((kb / 1024)) MB peak; file $((size / 1048576)) MB before"

[ "$queue" = 1 ] || exit 0
# watch --queue: moto on loopback, a queue the bucket notifies, and the same hour of new objects put there.
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:$mport"
aws() { command aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }
python3 -m moto.server -H 127.0.0.1 -p "$mport" >"$work/moto.log" 2>&1 & moto_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "$AWS_ENDPOINT_URL/moto-api/" && break; sleep 0.1; done
qwatch() { # state, queue URL: one timed `watch --queue --once`
  /usr/bin/time -f "%e %M" -o "$work/time" "${fs[@]}" watch --once --queue "$2" --state "$1" \
    --clock "$work/clock" --out "$work/alerts.jsonl" -q 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
}
qpoll() { # label, state: a fresh queue and bucket notified of the hour's objects, then one timed run
  local name arn url
  name="q$RANDOM"
  url=$(aws sqs create-queue --queue-name "$name" --query QueueUrl --output text)
  aws s3api create-bucket --bucket "$name" >/dev/null
  arn="arn:aws:sqs:us-east-1:123456789012:$name"
  aws s3api put-bucket-notification-configuration --bucket "$name" --notification-configuration \
    "{\"QueueConfigurations\":[{\"QueueArn\":\"$arn\",\"Events\":[\"s3:ObjectCreated:*\"]}]}"
  for f in "$work"/incoming/*; do
    aws s3api put-object --bucket "$name" --key "AWSLogs/$(basename "$f")" --body "$f" >/dev/null
  done
  timed "$1" "$2" qwatch "$2" "$url"
  echo "$url" >"$work/queue-url"
}
# The year's rows were counted long ago (processed_at 2026-01-01), more than the retention before the clock.
cp "$work/base.db" "$work/qempty.db"
cp "$work/base.db" "$work/qyear.db"
fill "$work/qyear.db" "'s3://bucket/AWSLogs/123456789012/vpcflowlogs/us-east-1/'
  || strftime('%Y/%m/%d', $t, 'unixepoch') || '/123456789012_vpcflowlogs_us-east-1_fl-0_'
  || strftime('%Y%m%dT%H%MZ', $t, 'unixepoch') || '_' || i || '.log.gz'" "$t"
cp "$work/base.db" "$work/qkept.db"
fill "$work/qkept.db" "'s3://bucket/flows/object-' || i || '.log.gz'" "NULL"
printf '%-34s %9s %9s %10s %11s\n' "watch --queue --once" "rows" "after" "elapsed" "peak RSS"
qpoll "empty ledger" "$work/qempty.db"
qpoll "a year of objects, first run" "$work/qyear.db"
drain "a year of objects, next runs" "$work/qyear.db" runs qwatch "$work/qyear.db" "$(cat "$work/queue-url")"
qpoll "unprunable rows" "$work/qkept.db"
