#!/usr/bin/env bash
# Per-object CPU of `watch --queue` (S3 notifications through SQS, then GetObject) against `watch --input s3://`
# (listing the same objects) from the same moto server, side by side in one run. Each path runs --once over every
# object from an empty state into a fresh state; CPU is the process's user+system time (/usr/bin/time), best of
# --reps. The queue is refilled before each queue run with the notifications S3 sent, kept at set-up.
# Usage: scripts/queue-bench.sh [--days N] [--files-per-hour N] [--reps N] [--jit]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
days=2; fph=10; reps=3; jit=0
while [ $# -gt 0 ]; do
  case "$1" in
    --days) days=$2; shift 2 ;;
    --files-per-hour) fph=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
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
work="$(mktemp -d -t flowspike-queue-bench.XXXXXX)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto=$!
trap 'kill "$moto" 2>/dev/null; rm -rf "$work"' EXIT
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf "$AWS_ENDPOINT_URL/moto-api/" >/dev/null && break; sleep 0.2; done

"${fs[@]}" synth --out "$work/data" --days "$days" --files-per-hour "$fph" --seed 7 --hosts 200 --spike-from-day 1 >/dev/null
# Upload with S3 notifications on, keep the bodies S3 sent, and empty the queue.
WORK="$work" python3 - <<'PY'
import boto3, glob, json, os
work = os.environ["WORK"]
s3, sqs = boto3.client("s3"), boto3.client("sqs")
s3.create_bucket(Bucket="bench")
q = sqs.create_queue(QueueName="bench")["QueueUrl"]
arn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
s3.put_bucket_notification_configuration(Bucket="bench", NotificationConfiguration={
    "QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]})
for f in sorted(glob.glob(work + "/data/AWSLogs/**/*.gz", recursive=True)):
    s3.upload_file(f, "bench", os.path.relpath(f, work + "/data"))
bodies = []
while True:
    got = sqs.receive_message(QueueUrl=q, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
    if not got:
        break
    for m in got:
        if "Records" in m["Body"]:
            bodies.append(m["Body"])
        sqs.delete_message(QueueUrl=q, ReceiptHandle=m["ReceiptHandle"])
json.dump(bodies, open(work + "/bodies.json", "w"))
PY
objects=$(python3 -c "import json; print(len(json.load(open('$work/bodies.json'))))")
queue_url="$AWS_ENDPOINT_URL/123456789012/bench"
refill() {
  WORK="$work" QUEUE="$queue_url" python3 - <<'PY'
import boto3, json, os
sqs = boto3.client("sqs")
bodies = json.load(open(os.environ["WORK"] + "/bodies.json"))
for i in range(0, len(bodies), 10):
    sqs.send_message_batch(QueueUrl=os.environ["QUEUE"], Entries=[
        {"Id": str(j), "MessageBody": b} for j, b in enumerate(bodies[i:i + 10])])
PY
}
from=$(date -u -d "$(find "$work/data/AWSLogs" -name '*.gz' | sort | head -1 | grep -oE '[0-9]{8}T[0-9]{4}Z' |
  sed -E 's/(....)(..)(..)T(..)(..)Z/\1-\2-\3 \4:00:00/')" +%Y-%m-%dT%H:%M:%SZ)
date -u -d "$from + $((days * 24 + 2)) hours" +%s >"$work/clock"
cpu() { # label, args...: best user+sys seconds of $reps runs
  local best="" label=$1; shift
  for _ in $(seq "$reps"); do
    rm -f "$work/s.db"*
    [ "$label" = queue ] && refill
    /usr/bin/time -f '%U %S' -o "$work/time" "${fs[@]}" watch "$@" --state "$work/s.db" --out "$work/a.jsonl" \
      --from "$from" --clock "$work/clock" --once --listen none -q 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    t=$(awk '{ print $1 + $2 }' "$work/time")
    best=$(awk -v a="$t" -v b="${best:-$t}" 'BEGIN { print (a < b ? a : b) }')
  done
  echo "$best"
}
list=$(cpu list --input s3://bench/AWSLogs/)
queue=$(cpu queue --queue "$queue_url")
echo "queue-bench: $build, $objects objects ($days days, $fph files per hour), best of $reps"
awk -v l="$list" -v q="$queue" -v n="$objects" 'BEGIN {
  printf "listing: %.2f s CPU, %.2f ms per object\n", l, 1000 * l / n
  printf "queue:   %.2f s CPU, %.2f ms per object\n", q, 1000 * q / n
  printf "queue/listing per object: %.2fx\n", q / l }'
