#!/usr/bin/env bash
# The Native AOT build (src/FlowSpike.Cli.Native, what ./flowspike runs) against the JIT build
# (src/FlowSpike.Cli, what the unit tests run in process): the same commands over the same inputs must write the
# same bytes. Covers synth in every container, baseline and detect over each (both models, every alert format),
# lookup export, explain, report, watch --once, S3 through a local s3rver when it is installed, and a user mistake
# (same message, same exit code). Prints one line per comparison, then "aot-check: N of N identical".
# Usage: scripts/aot-check.sh [--keep]   (--keep leaves the working folder and prints its path)
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/.." || exit 1
keep=0; [ "${1:-}" = --keep ] && keep=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# shellcheck source=scripts/artifacts.sh
source scripts/artifacts.sh
if [ -z "$FS_NATIVE_BIN" ]; then echo "aot-check: no Native AOT build for $(uname -sm)" >&2; exit 1; fi
dotnet build src/FlowSpike.Cli -c Release -nologo -v quiet >/dev/null || { echo "aot-check: JIT build failed" >&2; exit 1; }
if ! log=$(native_publish 2>&1); then
  echo "$log" >&2; echo "aot-check: Native AOT build failed (needs clang and zlib1g-dev)" >&2; exit 1
fi

work=$(mktemp -d -t flowspike-aot.XXXXXX)
s3pid=""
cleanup() { [ -n "$s3pid" ] && kill "$s3pid" 2>/dev/null; if [ "$keep" = 0 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT
same=0; total=0

# Runs one command with each build, in its own folder (jit/ and aot/), keeping stdout, stderr without timings, and
# the exit code; then compares those and every file the command wrote.
both() { # name, expected exit code, command arguments (paths relative to the folder; ../in is the shared input)
  local name=$1 expect=$2; shift 2
  local b f bad=0
  for b in jit aot; do
    mkdir -p "$work/$b"
    touch "$work/$b/.before"
    local run=("$FS_NATIVE_BIN")
    [ "$b" = jit ] && run=(dotnet "$FS_CLI_DLL")
    (cd "$work/$b" && "${run[@]}" "$@" > "$name.out" 2> "$name.err"; echo "exit $?" >> "$name.out")
    # Timings differ from run to run, and each build runs in its own folder.
    sed -i -E "s# in [0-9.]+ s # in T s #; s#\([0-9.]+ MB/s of input\)#(R MB/s of input)#; s#$work/$b#.#g" \
      "$work/$b/$name.out" "$work/$b/$name.err"
    # A report states the minute it was generated: the two builds' runs can fall either side of a minute.
    find "$work/$b" -name '*.html' -newer "$work/$b/.before" -exec \
      sed -i -E 's#Generated [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC#Generated (time) UTC#' {} +
    (cd "$work/$b" && find . -type f -newer .before ! -name '*.lock' ! -name '*.db' ! -name '*.db-*' | sort) \
      > "$work/$b.files"
  done
  total=$((total + 1))
  if [ "$(tail -1 "$work/jit/$name.out")" != "exit $expect" ]; then
    echo "expected exit $expect, got $(tail -1 "$work/jit/$name.out"):" > "$work/diff.txt"
    head -5 "$work/jit/$name.err" >> "$work/diff.txt"
    bad=1
  elif ! diff "$work/jit.files" "$work/aot.files" > "$work/diff.txt"; then
    bad=1
  else
    while read -r f; do
      cmp -s "$work/jit/$f" "$work/aot/$f" || { bad=1; diff "$work/jit/$f" "$work/aot/$f" | head -10; }
    done < "$work/jit.files" >> "$work/diff.txt"
  fi
  if [ "$bad" = 0 ]; then
    same=$((same + 1)); echo "aot-check $name: identical ($(wc -l < "$work/jit.files") files)"
  else
    echo "aot-check $name: DIFFERENT"; head -20 "$work/diff.txt"
  fi
}

from=2026-10-01T00:00:00Z; mid=2026-10-08T00:00:00Z; to=2026-10-11T00:00:00Z
# Synthetic inputs, written by each build and compared byte for byte; detection then reads the JIT build's copy.
both synth-demo 0 synth --out demo --days 10 --spike-from-day 7 --seed 42 --hosts 40
for c in parquet ocsf cloudwatch firehose subscription; do
  both "synth-$c" 0 synth --out "$c" --days 4 --spike-from-day 3 --seed 9 --hosts 25 --container "$c"
done
mkdir -p "$work/in"
cp -r "$work/jit/demo" "$work/in/text"
for c in parquet ocsf cloudwatch firehose subscription; do cp -r "$work/jit/$c" "$work/in/$c"; done

for c in text parquet ocsf cloudwatch firehose subscription; do
  input="../in/$c/AWSLogs"; [ -d "$work/in/$c/AWSLogs" ] || input="../in/$c"
  t=$to; b=$mid; [ "$c" = text ] || { t=2026-10-05T00:00:00Z; b=2026-10-04T00:00:00Z; }
  both "baseline-$c" 0 baseline --input "$input" --from $from --to $b --state "$c.db"
  both "lookup-$c" 0 lookup export --state "$c.db" --out "$c-lookup.csv"
  both "detect-$c" 0 detect --input "$input" --from $b --to "$t" --state "$c.db" --out "$c-alerts.jsonl"
  both "recommended-$c" 0 baseline --input "$input" --from $from --to $b --state "$c-rec.db" --model recommended
  both "recommended-detect-$c" 0 detect --input "$input" --from $b --to "$t" --state "$c-rec.db" \
    --model recommended --out "$c-rec.jsonl"
done
for f in ocsf asff csv; do
  both "format-$f-baseline" 0 baseline --input ../in/text/AWSLogs --from $from --to $mid --state "fmt-$f.db"
  both "format-$f" 0 detect --input ../in/text/AWSLogs --from $mid --to $to --state "fmt-$f.db" --format "$f" \
    --out "alerts.$f"
done
src=$(grep -o '"src_ip":"[^"]*"' "$work/jit/text-alerts.jsonl" | head -1 | cut -d'"' -f4)
both explain 0 explain --state text.db --src "${src:-10.0.0.1}"
both report 0 report --state text.db --out report.html --input ../in/text/AWSLogs
both watch-baseline 0 baseline --input ../in/text/AWSLogs --from $from --to $mid --state watch.db
both watch 0 watch --input ../in/text/AWSLogs --state watch.db --once --out watch.jsonl
both demo 0 demo
both help 0 --help
# A user mistake: one line naming the value, the same exit code.
both mistake 2 detect --input ../in/text/AWSLogs --from $mid --to 2026-13-01T00:00:00Z --state mistake.db
both missing 1 baseline --input ../in/nowhere --from $from --to $mid --state missing.db

# S3 through s3rver (installed by test.sh), objects uploaded with plain PUTs.
s3rver=tests/s3rver/node_modules/s3rver/bin/s3rver.js
if [ -f "$s3rver" ] && command -v node >/dev/null && command -v curl >/dev/null; then
  port=$(( (RANDOM % 2000) + 42000 ))
  node "$s3rver" -d "$work/s3" -a 127.0.0.1 -p "$port" -s --configure-bucket flowlogs > "$work/s3rver.log" 2>&1 &
  s3pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
  (cd "$work/in/text" && find AWSLogs -type f | while read -r f; do
    curl -s -f -o /dev/null -X PUT --data-binary "@$f" "http://127.0.0.1:$port/flowlogs/$f" || echo "upload $f failed"
  done) >&2
  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
  both s3-baseline 0 baseline --input s3://flowlogs/AWSLogs/ --endpoint-url "http://127.0.0.1:$port" --from $from \
    --to $mid --state s3.db
  both s3-detect 0 detect --input s3://flowlogs/AWSLogs/ --endpoint-url "http://127.0.0.1:$port" --from $mid \
    --to $to --state s3.db --out s3.jsonl
else
  echo "aot-check: s3rver is not installed (test.sh installs it): the S3 comparison did not run" >&2
  total=$((total + 1))
fi

[ "$keep" = 1 ] && echo "aot-check: kept $work"
echo "aot-check: $same of $total identical"
[ "$same" -eq "$total" ]
