#!/usr/bin/env bash
# Builds everything and runs the whole test suite; ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")" || exit 1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (see README: Requirements)" >&2
  exit 1
fi

# The S3 tests run against s3rver, an S3-compatible server from npm, on 127.0.0.1.
if [ ! -f tests/s3rver/node_modules/s3rver/bin/s3rver.js ]; then
  if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; fi
  fi
  (cd tests/s3rver && npm install --no-package-lock --no-audit --no-fund --loglevel=error >/dev/null) || {
    echo "test.sh: could not install s3rver with npm" >&2; echo "0 passed, 1 failed"; exit 1; }
fi

# The queue tests (watch --queue) run against moto, an AWS emulator (S3 notifications, SQS), on 127.0.0.1.
if ! python3 -c 'import moto.server, flask' >/dev/null 2>&1; then
  python3 -m pip install --quiet 'moto[server]' >/dev/null 2>&1 || echo "test.sh: could not install moto with pip" >&2
fi

# libdeflate (Debian's libdeflate0) inflates small gzip files fast; FlowSpike streams without it.
if ! ldconfig -p 2>/dev/null | grep -q libdeflate.so.0 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq libdeflate0 >/dev/null 2>&1 || echo "test.sh: could not install libdeflate0" >&2
fi

# The report test opens the HTML report in Debian's Chromium.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq chromium >/dev/null 2>&1 || echo "test.sh: could not install chromium" >&2
fi

# The cluster's end-to-end run uses Debian's redis-server, started on 127.0.0.1 by scripts/cluster-e2e.sh.
if ! command -v redis-server >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq redis-server >/dev/null 2>&1 || echo "test.sh: could not install redis-server" >&2
fi

# The Security Hub and CloudWatch Logs tests check requests against botocore's API models as Debian's awscli
# package installs them (read at test time, never copied into the repository).
if [ ! -f /usr/lib/python3/dist-packages/awscli/botocore/data/securityhub/2018-10-26/service-2.json ] &&
  [ "$(id -u)" = 0 ]; then
  apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq awscli >/dev/null 2>&1 ||
    echo "test.sh: could not install awscli" >&2
fi

# ./flowspike runs the local commands as a Native AOT build, which links with clang and needs zlib's headers.
if { ! command -v clang >/dev/null 2>&1 || [ ! -f /usr/include/zlib.h ]; } && [ "$(id -u)" = 0 ]; then
  apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq clang zlib1g-dev >/dev/null 2>&1 ||
    echo "test.sh: could not install clang and zlib1g-dev" >&2
fi

if ! dotnet build FlowSpike.slnx -c Release -nologo -v quiet; then
  echo "0 passed, 1 failed"
  exit 1
fi

log="$(mktemp)"
dotnet test --project tests/FlowSpike.Tests -c Release --no-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary() { grep -E "^\s+$1: [0-9]+" "$log" | tail -1 | grep -oE '[0-9]+$'; }
passed=$(summary succeeded); failed=$(summary failed); skipped=$(summary skipped)
passed=${passed:-0}; failed=${failed:-0}; skipped=${skipped:-0}
rm -f "$log"

# The fault matrix again through the README's entry point, ./flowspike (the Native AOT binary behind the wrapper):
# every exit code and message must reach the user at the door, not only from the binary.
log="$(mktemp)"
FLOWSPIKE_TEST_DOOR=1 dotnet test --project tests/FlowSpike.Tests -c Release --no-build \
  --filter "FullyQualifiedName~FlowSpike.Tests.Faults" 2>&1 | tee "$log"
door_status=${PIPESTATUS[0]}
door_passed=$(summary succeeded); door_failed=$(summary failed); door_skipped=$(summary skipped)
passed=$((passed + ${door_passed:-0})); failed=$((failed + ${door_failed:-0}))
skipped=$((skipped + ${door_skipped:-0}))
if [ "$door_status" -ne 0 ]; then status=1; fi
rm -f "$log"

# The build holds the line: `dotnet format` finds nothing to change. (Warnings are errors, and the line limit of 120
# characters is an analyzer of the build itself: Directory.Build.props.)
if dotnet format FlowSpike.slnx --verify-no-changes -v quiet; then
  passed=$((passed + 1))
else
  echo "test.sh: dotnet format --verify-no-changes FAILED (run dotnet format FlowSpike.slnx)" >&2
  failed=$((failed + 1)); status=1
fi

# The Native AOT build (what ./flowspike runs) writes the same bytes as the JIT build the unit tests run, command by
# command over every container, S3 and a user mistake.
aot_out="$(scripts/aot-check.sh 2>&1)"
grep -v ': identical' <<< "$aot_out"
if [ "$(tail -1 <<< "$aot_out" | grep -cE '^aot-check: ([0-9]+) of \1 identical$')" = 1 ]; then
  passed=$((passed + 1))
else
  echo "test.sh: Native AOT check FAILED" >&2
  failed=$((failed + 1)); status=1
fi

# A short run of the kill -9 fault-injection script (the full one is scripts/fault-injection.sh --kills 20).
if scripts/fault-injection.sh --kills 3 --days 4; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); status=1
fi
# The cluster end to end on the demo data set: 3 silos on Redis, one killed with SIGKILL mid-detect, compared with a
# local run (the larger runs are in docs/scale.md).
e2e_data="$(mktemp -d -t flowspike-e2e-data.XXXXXX)"
e2e_out=""
source scripts/artifacts.sh
if dotnet "$FS_CLI_DLL" synth --out "$e2e_data" --days 10 --spike-from-day 7 --seed 42 --hosts 40 >/dev/null 2>&1; then
  e2e_out="$(scripts/cluster-e2e.sh --input "$e2e_data/AWSLogs" --from 2026-10-08T00:00:00Z --to 2026-10-11T00:00:00Z \
    --baseline-from 2026-10-01T00:00:00Z 2>&1 | grep -v retrying)"
  echo "$e2e_out"
fi
if grep -qx "cluster: identical" <<< "$e2e_out"; then
  passed=$((passed + 1))
else
  echo "test.sh: cluster end to end FAILED" >&2
  failed=$((failed + 1)); status=1
fi
# The cluster's queue mode on the same data: moto and 4 silos, two killed with SIGKILL mid-round, compared with a local
# baseline and detect over the same objects.
queue_e2e_out=""
if [ -d "$e2e_data/AWSLogs" ]; then
  queue_e2e_out="$(scripts/cluster-queue-e2e.sh --input "$e2e_data/AWSLogs" --from 2026-10-08T00:00:00Z \
    --to 2026-10-11T00:00:00Z --baseline-from 2026-10-01T00:00:00Z 2>&1 | grep -v retrying)"
  echo "$queue_e2e_out"
fi
if grep -qx "cluster queue: identical" <<< "$queue_e2e_out"; then
  passed=$((passed + 1))
else
  echo "test.sh: cluster queue end to end FAILED" >&2
  failed=$((failed + 1)); status=1
fi
rm -rf "$e2e_data"

# Release and deployment recipes (README: "Releases and deployment"). scripts/check-deploy.sh prints one
# "check NAME: ok|FAILED" line per check of deploy/ and the scripts, each counted here; then the linux-x64 release is
# published and run in a chroot without .NET by scripts/release-check.sh, and linux-arm64's packs must restore from
# NuGet (its full publish takes minutes more: scripts/publish.sh), one more.
deploy_out="$(scripts/check-deploy.sh --install 2>&1)"
echo "$deploy_out"
deploy_ok=$(grep -c '^check .*: ok$' <<< "$deploy_out")
deploy_bad=$(grep -c '^check .*: FAILED$' <<< "$deploy_out")
passed=$((passed + deploy_ok)); failed=$((failed + deploy_bad))
if [ "$deploy_bad" -gt 0 ] || [ "$deploy_ok" -eq 0 ]; then status=1; fi
release_dir="$(mktemp -d -t flowspike-release.XXXXXX)"
if scripts/publish.sh --rid linux-x64 --out "$release_dir" &&
   scripts/release-check.sh "$release_dir"/flowspike-*-linux-x64/flowspike &&
   scripts/publish.sh --restore-only --rid linux-arm64; then
  passed=$((passed + 1))
else
  echo "test.sh: release check FAILED" >&2
  failed=$((failed + 1)); status=1
fi
rm -rf "$release_dir"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$status"
