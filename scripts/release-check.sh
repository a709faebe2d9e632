#!/usr/bin/env bash
# Runs a published flowspike binary where no .NET is installed and checks that it works: `--version` names a
# version and a 40-hex commit, and `demo` finds every injected spike with both models.
#
# As root, the binary runs in a chroot that holds only itself, the C libraries ldd lists for it, /proc and four
# devices, in a private mount namespace (as in a container): no dotnet, no SDK, no shared runtime, no shell.
# Otherwise it runs with an empty environment (env -i), HOME in a fresh folder and a PATH holding only an empty
# folder, from a folder without dotnet. DOTNET_ROOT is unset either way.
#
# Usage: scripts/release-check.sh [--figures] BINARY
#   --figures  also time `--version` and a one-file detect (best of 5) and print them
set -euo pipefail
figures=0
if [ "${1:-}" = "--figures" ]; then figures=1; shift; fi
bin=${1:?usage: scripts/release-check.sh [--figures] BINARY}
[ -x "$bin" ] || { echo "release-check.sh: $bin is not an executable file" >&2; exit 2; }
root=$(mktemp -d -t flowspike-release-check.XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/home" "$root/tmp" "$root/empty"
cp "$bin" "$root/bin/flowspike"
# A Native AOT build keeps its native SQLite library beside the binary.
find "$(dirname "$bin")" -maxdepth 1 -name '*.so' -exec cp {} "$root/bin/" \;

if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null 2>&1 && unshare --mount --fork true 2>/dev/null; then
  mode="chroot with only the binary, its C libraries, /proc and /dev/{null,zero,random,urandom}"
  for lib in $(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  mkdir -p "$root/proc" "$root/dev"
  for d in null zero random urandom; do : > "$root/dev/$d"; done
  chroot_bin=$(command -v chroot)
  # A private mount namespace, as a container has: /proc and four devices, gone when the command ends.
  inside() {
    timeout 600 unshare --mount --fork /bin/sh -c 'r=$1; c=$2; shift 2
      mount -t proc proc "$r/proc" || exit 125
      for d in null zero random urandom; do mount --bind "/dev/$d" "$r/dev/$d" || exit 125; done
      exec env -i HOME=/home TMPDIR=/tmp PATH=/empty "$c" "$r" "$@"' sh "$root" "$chroot_bin" "$@"
  }
  where=/home
  flowspike=/bin/flowspike
else
  mode="env -i with PATH=<empty folder>"
  inside() { (cd "$root/home" && timeout 600 env -i HOME="$root/home" TMPDIR="$root/tmp" PATH="$root/empty" "$@"); }
  where=$root/home
  flowspike=$root/bin/flowspike
fi
# The check means something only if no .NET is reachable from inside.
if [ -n "$(find "$root" -name 'dotnet*' -print -quit)" ] || [ -e "$root/usr/share/dotnet" ] ||
   env -i PATH="$root/empty" /bin/sh -c 'command -v dotnet' >/dev/null 2>&1; then
  echo "release-check: dotnet is reachable from the test folder" >&2; exit 1
fi
echo "release-check: $(basename "$bin") in a $mode"

version=$(inside "$flowspike" --version)
if ! grep -Eqx '[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?\+[0-9a-f]{40}' <<< "$version"; then
  echo "release-check: --version printed '$version', not VERSION+COMMIT" >&2; exit 1
fi
echo "release-check: --version: $version"

if ! out=$(inside "$flowspike" demo --dir "$where/demo" 2>&1); then
  echo "$out" >&2; echo "release-check: demo failed" >&2; exit 1
fi
seed=$(grep -E '^[0-9]+ alert\(s\); [0-9]+ of [0-9]+ injected spikes found' <<< "$out" || true)
recommended=$(grep -E '^With --model recommended' <<< "$out" || true)
all_found() { grep -Eq '; ([0-9]+) of \1 injected spikes found' <<< "$1"; }
if ! all_found "$seed" || ! all_found "$recommended"; then
  echo "$out" >&2; echo "release-check: the demo missed injected spikes" >&2; exit 1
fi
echo "release-check: demo: $seed"
echo "release-check: demo: ${recommended%% Alerts:*}"

if [ "$figures" = 1 ]; then
  # Timed outside the chroot (its namespace and mounts cost about 150 ms), with env -i as above.
  direct() { (cd "$root/home" && env -i HOME="$root/home" TMPDIR="$root/tmp" PATH="$root/empty" "$@"); }
  # One hourly file of the demo's data, detected into a fresh state each time.
  file=$(cd "$root/home/demo/flowlogs" && find . -name '*20261008T1200Z*' | sort | head -1)
  [ -n "$file" ] || { echo "release-check: no demo file for 2026-10-08T12:00Z" >&2; exit 1; }
  best() {
    local min=999999 start end ms
    for _ in 1 2 3 4 5; do
      rm -f "$root/home"/t.*
      start=$(date +%s%N); direct "$@" >/dev/null 2>&1; end=$(date +%s%N)
      ms=$(((end - start) / 1000000)); [ "$ms" -lt "$min" ] && min=$ms
    done
    echo "$min"
  }
  v=$(best "$root/bin/flowspike" --version)
  d=$(best "$root/bin/flowspike" detect --input "$root/home/demo/flowlogs/${file#./}" --from 2026-10-08T12:00:00Z \
    --to 2026-10-08T13:00:00Z --state "$root/home/t.db" --out "$root/home/t.jsonl" --quiet)
  echo "release-check: start-up (best of 5): --version ${v} ms, one-file detect ${d} ms"
fi
