#!/usr/bin/env bash
# Builds the release: one self-contained single-file `flowspike` per Linux RID (ReadyToRun, native libraries inside),
# which runs on a machine without .NET. Runtime packs come from NuGet, so linux-arm64 builds on an x64 machine.
#
# Usage: scripts/publish.sh [--rid RID]... [--aot] [--out DIR] [--restore-only]
#   --rid RID   linux-x64 and/or linux-arm64 (default: both)
#   --aot       Native AOT of the local commands (src/FlowSpike.Cli.Native, no `cluster`) instead of ReadyToRun,
#               for any CPU of the RID; this machine's RID only; needs clang and zlib1g-dev
#   --out DIR   where the release goes (default: artifacts/release)
#   --restore-only  only restore what each RID's publish needs from NuGet (runtime pack, apphost, crossgen)
# Writes DIR/flowspike-VERSION-RID/flowspike (+ README.md and deploy/) and DIR/flowspike-VERSION-RID.tar.gz, and prints each
# binary's size and `flowspike --version` when the RID runs here.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

rids=(); aot=0; out=artifacts/release; restore_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rid) rids+=("$2"); shift 2 ;;
    --aot) aot=1; shift ;;
    --out) out=$2; shift 2 ;;
    --restore-only) restore_only=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "publish.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ ${#rids[@]} -gt 0 ] || rids=(linux-x64 linux-arm64)
for rid in "${rids[@]}"; do
  case "$rid" in
    linux-x64|linux-arm64) ;;
    *) echo "publish.sh: unsupported RID $rid (linux-x64 or linux-arm64)" >&2; exit 2 ;;
  esac
done
case "$(uname -m)" in
  x86_64) host=linux-x64 ;;
  aarch64) host=linux-arm64 ;;
  *) host="" ;;
esac

project=src/FlowSpike.Cli/FlowSpike.Cli.csproj
version=$(dotnet msbuild "$project" -nologo -getProperty:Version)
# The publish builds in its own artifacts folder, so it never disturbs the bin/ and obj/ of ordinary builds.
build=artifacts/publish-build
mkdir -p "$out"
for rid in "${rids[@]}"; do
  props=(-p:DebugType=none)
  if [ "$aot" = 1 ]; then
    if [ "$rid" != "$host" ]; then
      echo "publish.sh: Native AOT builds only for this machine's RID ($host), not $rid" >&2; exit 2
    fi
    project=src/FlowSpike.Cli.Native/FlowSpike.Cli.Native.csproj
    name="flowspike-$version-$rid-aot"
  else
    props+=(-p:SelfContained=true -p:PublishSingleFile=true -p:PublishReadyToRun=true
      -p:IncludeNativeLibrariesForSelfExtract=true)
    name="flowspike-$version-$rid"
  fi
  if [ "$restore_only" = 1 ]; then
    if ! log=$(dotnet restore "$project" -r "$rid" --artifacts-path "$build" "${props[@]}" -nologo -v quiet 2>&1); then
      echo "$log" >&2; echo "publish.sh: restore failed for $rid" >&2; exit 1
    fi
    echo "publish.sh: $name restores from NuGet"
    continue
  fi
  stage="$build/stage/$name"
  rm -rf "$stage" "${out:?}/$name" "$out/$name.tar.gz"
  echo "publish.sh: $name" >&2
  if ! log=$(dotnet publish "$project" -c Release -r "$rid" --artifacts-path "$build" "${props[@]}" -o "$stage" \
      -nologo -v quiet 2>&1); then
    echo "$log" >&2
    echo "publish.sh: dotnet publish failed for $rid" >&2
    exit 1
  fi
  mkdir -p "$out/$name"
  mv "$stage/FlowSpike.Cli" "$out/$name/flowspike"
  # Native AOT leaves its native SQLite library beside the binary; the single file carries it inside.
  find "$stage" -maxdepth 1 -name '*.so' -exec cp {} "$out/$name/" \;
  cp README.md "$out/$name/"
  # The README's details live in docs/; the report screenshot stays in the repository.
  mkdir -p "$out/$name/docs"
  find docs -maxdepth 1 -name '*.md' -exec cp {} "$out/$name/docs/" \;
  # The recipes (systemd units, Kubernetes manifests, IAM policies, logrotate) travel with the binary.
  mkdir -p "$out/$name/deploy"
  tar -C deploy --exclude=./checks -cf - . | tar -C "$out/$name/deploy" -xf -
  tar -C "$out" -czf "$out/$name.tar.gz" "$name"
  size=$(stat -c %s "$out/$name/flowspike")
  printf '%s: %s (%d MB), %s.tar.gz (%d MB)\n' "$name" "$out/$name/flowspike" $((size / 1048576)) \
    "$out/$name" $(($(stat -c %s "$out/$name.tar.gz") / 1048576))
  if [ "$rid" = "$host" ]; then
    echo "  flowspike --version: $("$out/$name/flowspike" --version)"
  fi
done
