#!/usr/bin/env bash
# Checks the deployment recipes in deploy/ and the shell scripts, each with its own tool, and prints one line
# "check NAME: ok" or "check NAME: FAILED" per check (test.sh counts them). Exit code 1 when any check failed.
#   shell scripts     shellcheck on every script: scripts/, deploy/, test.sh, flowspike, .ci/run (warnings and errors)
#   systemd-verify    systemd-analyze verify on deploy/systemd/flowspike-watch.service
#   systemd-security  systemd-analyze security --offline: exposure at most 2.0 of 10 (--threshold is in tenths)
#   systemd-syscalls  every system call that synth and `watch --once` make (strace) passes the unit's SystemCallFilter
#   dockerfile        dockerfilelint on deploy/Dockerfile, plus: multi-stage, chiseled or distroless runtime, non-root
#   yamllint          the Kubernetes manifests in deploy/kubernetes/
#   kubernetes        kubernetes-models validates each manifest object (deploy/checks/check-kubernetes.mjs)
#   recipe-kubernetes the Deployment's and the baseline Job's own arguments, run against moto (scripts/check-recipes.sh)
#   recipe-systemd    the watch and baseline units' own arguments, run the same way
# Usage: scripts/check-deploy.sh [--install]   (--install: get the tools from apt and npm when they are missing)
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/.." || exit 1
source scripts/artifacts.sh

if [ "${1:-}" = "--install" ]; then
  missing=()
  command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
  command -v yamllint >/dev/null 2>&1 || missing+=(yamllint)
  command -v strace >/dev/null 2>&1 || missing+=(strace)
  if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
    { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; } >/dev/null 2>&1 ||
      echo "check-deploy.sh: could not install ${missing[*]} with apt" >&2
  fi
  if [ ! -d deploy/checks/node_modules/kubernetes-models ] || [ ! -d deploy/checks/node_modules/dockerfilelint ]; then
    (cd deploy/checks && npm install --no-package-lock --no-audit --no-fund --loglevel=error >/dev/null) ||
      echo "check-deploy.sh: could not install the npm linters in deploy/checks" >&2
  fi
fi

failures=0
tmp=$(mktemp -d -t flowspike-check-deploy.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# run NAME COMMAND...: runs a check, shows its output only when it fails.
run() {
  local name=$1; shift
  if out=$("$@" 2>&1); then
    echo "check $name: ok"
  else
    echo "$out" | sed "s/^/  $name: /" >&2
    echo "check $name: FAILED"
    failures=$((failures + 1))
  fi
}
need() {
  command -v "$1" >/dev/null 2>&1 || { echo "$1 is not installed (scripts/check-deploy.sh --install)"; return 1; }
}

shell_scripts() {
  need shellcheck || return 1
  local files=(test.sh flowspike .ci/run)
  mapfile -t -O 3 files < <(find scripts deploy -name '*.sh' -not -path '*/node_modules/*' | sort)
  shellcheck -S warning "${files[@]}"
}

unit=deploy/systemd/flowspike-watch.service
# verify needs ExecStart's binary to exist and says nothing else about it, so the copy that is verified points at this
# repository's ./flowspike instead of /usr/local/bin/flowspike; everything else is checked as written. verify exits 0
# on unknown keys and bad values (it prints "ignoring"), so any output at all is a failure, and a copy with a
# misspelt directive must produce output.
systemd_verify() {
  need systemd-analyze || return 1
  local here; here=$(pwd)
  grep -q '^ExecStart=/usr/local/bin/flowspike watch ' "$unit" ||
    { echo "ExecStart is not /usr/local/bin/flowspike watch"; return 1; }
  sed "s#/usr/local/bin/flowspike#$here/flowspike#" "$unit" > "$tmp/flowspike-watch.service"
  sed 's/^ProtectSystem=/ProtectSystm=/' "$tmp/flowspike-watch.service" > "$tmp/broken.service"
  local out broken
  out=$(systemd-analyze verify "$tmp/flowspike-watch.service" 2>&1) || { echo "$out"; return 1; }
  [ -z "$out" ] || { echo "$out"; return 1; }
  broken=$(systemd-analyze verify "$tmp/broken.service" 2>&1)
  [ -n "$broken" ] || { echo "verify did not notice a misspelt directive"; return 1; }
  for key in DynamicUser=yes ProtectSystem=strict StateDirectory=flowspike NoNewPrivileges=yes; do
    grep -qx "$key" "$unit" || { echo "$unit lacks $key"; return 1; }
  done
}
systemd_security() {
  need systemd-analyze || return 1
  sed "s#/usr/local/bin/flowspike#$(pwd)/flowspike#" "$unit" > "$tmp/flowspike-watch.service"
  systemd-analyze security --offline=yes --threshold=20 --no-pager "$tmp/flowspike-watch.service" | tail -1
}

# The names in a system call group, groups expanded (systemd-analyze syscall-filter @group).
syscalls_of() {
  local line
  while read -r line; do
    case "$line" in
      ''|'#'*) ;;
      @*) syscalls_of "$line" ;;
      *) echo "$line" ;;
    esac
  done < <(systemd-analyze syscall-filter "$1" | tail -n +2)
}
systemd_syscalls() {
  need strace || return 1
  local dll="$FS_CLI_DLL"
  [ -f "$dll" ] || { echo "$dll is missing: build first"; return 1; }
  local filter group
  : > "$tmp/allowed"; : > "$tmp/denied"
  while read -r filter; do
    for group in ${filter#SystemCallFilter=}; do
      case "$group" in
        '~'*) syscalls_of "${group#'~'}" >> "$tmp/denied" ;;
        @*) syscalls_of "$group" >> "$tmp/allowed" ;;
        *) echo "$group" >> "$tmp/allowed" ;;
      esac
    done
  done < <(sed -n 's/^SystemCallFilter=//p' "$unit" | sed 's/^/SystemCallFilter=/')
  sort -u "$tmp/allowed" > "$tmp/a"; sort -u "$tmp/denied" > "$tmp/d"; comm -23 "$tmp/a" "$tmp/d" > "$tmp/permitted"
  [ -s "$tmp/permitted" ] || { echo "no system calls permitted by $unit"; return 1; }
  dotnet "$dll" synth --out "$tmp/data" --days 2 --hosts 5 --spike-from-day 1 >/dev/null 2>&1 || return 1
  # The baseline first, as flowspike-baseline.service does (a splunk watch refuses a state without one); watch serves
  # /healthz and /metrics while it runs, so the trace covers the HTTP listener too.
  dotnet "$dll" baseline --input "$tmp/data/AWSLogs" --from 2026-10-01T00:00:00Z --to 2026-10-02T00:00:00Z \
    --state "$tmp/w.db" >/dev/null 2>&1 || { echo "baseline failed"; return 1; }
  strace -f -qq -o "$tmp/trace" dotnet "$dll" watch --once --input "$tmp/data/AWSLogs" \
    --state "$tmp/w.db" --out "$tmp/w.jsonl" --listen "127.0.0.1:$((20000 + $$ % 20000))" >/dev/null 2>&1 ||
    { echo "watch --once failed"; return 1; }
  sed -nE 's/^[0-9]+ +([a-z_0-9]+)\(.*/\1/p; s/^[0-9]+ +<\.\.\. ([a-z_0-9]+) resumed>.*/\1/p' "$tmp/trace" | sort -u \
    > "$tmp/used"
  # fchown: SQLite hands a new journal to the database's owner only when it runs as root, and ignores a refusal; the
  # service never runs as root (DynamicUser).
  local refused; refused=$(comm -23 "$tmp/used" "$tmp/permitted" | grep -vx fchown)
  [ -z "$refused" ] || { echo "the unit's SystemCallFilter refuses:" $refused; return 1; }
  echo "$(wc -l < "$tmp/used") system calls used, all permitted"
}

dockerfile() {
  local lint=deploy/checks/node_modules/.bin/dockerfilelint file=deploy/Dockerfile
  [ -x "$lint" ] || { echo "dockerfilelint is not installed (scripts/check-deploy.sh --install)"; return 1; }
  "$lint" "$file" || return 1
  local stages final user
  stages=$(grep -c '^FROM ' "$file")
  [ "$stages" -ge 2 ] || { echo "$file is not multi-stage"; return 1; }
  final=$(grep '^FROM ' "$file" | tail -1)
  grep -Eq 'chiseled|distroless' <<< "$final" ||
    { echo "runtime stage is neither chiseled nor distroless: $final"; return 1; }
  user=$(awk '/^FROM /{u=""} /^USER /{u=$2} END{print u}' "$file")
  [ -n "$user" ] && [ "${user%%:*}" != 0 ] && [ "${user%%:*}" != root ] ||
    { echo "the runtime stage does not switch to a non-root user"; return 1; }
}

manifests=(deploy/kubernetes/*.yaml)
yaml_lint() {
  need yamllint || return 1
  yamllint -s -d '{extends: default, rules: {line-length: {max: 120}}}' "${manifests[@]}"
}
kubernetes() {
  need node || return 1
  [ -d deploy/checks/node_modules/kubernetes-models ] ||
    { echo "kubernetes-models is not installed (scripts/check-deploy.sh --install)"; return 1; }
  node deploy/checks/check-kubernetes.mjs "${manifests[@]}"
}

# The recipes run as shipped, with the Native AOT build (what the release ships): scripts/check-recipes.sh.
recipe() { ./flowspike --version >/dev/null && scripts/check-recipes.sh "$1" "$FS_NATIVE_BIN"; }

run shellcheck shell_scripts
run systemd-verify systemd_verify
run systemd-security systemd_security
run systemd-syscalls systemd_syscalls
run dockerfile dockerfile
run yamllint yaml_lint
run kubernetes kubernetes
run recipe-kubernetes recipe kubernetes
run recipe-systemd recipe systemd
[ "$failures" -eq 0 ]
