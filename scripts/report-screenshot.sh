#!/usr/bin/env bash
# Makes docs/report.png: a demo data set (synth), baseline and detect with the recommended model, the HTML report
# with --input (ports, protocols, records per destination), opened in headless Chromium (Debian's package).
# Usage: scripts/report-screenshot.sh [--out docs/report.png] [--keep]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.." || exit 1
out=docs/report.png; keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: scripts/report-screenshot.sh [--out FILE] [--keep]" >&2; exit 2 ;;
  esac
done
command -v chromium >/dev/null || { echo "report-screenshot: Debian's chromium is needed (test.sh installs it)" >&2; exit 1; }
dotnet build src/FlowSpike.Cli -c Release -nologo -v quiet >/dev/null
source scripts/artifacts.sh
cli=(dotnet "$FS_CLI_DLL")
work="$(mktemp -d -t flowspike-report.XXXXXX)"
if [ "$keep" = 0 ]; then trap 'rm -rf "$work"' EXIT; else echo "report-screenshot: keeping $work" >&2; fi
"${cli[@]}" synth --out "$work/data" --days 10 --spike-from-day 7 --seed 42 --hosts 40 >/dev/null
"${cli[@]}" baseline --input "$work/data/AWSLogs" --state "$work/s.db" --model recommended \
  --from 2026-10-01T00:00:00Z --to 2026-10-08T00:00:00Z --quiet
"${cli[@]}" detect --input "$work/data/AWSLogs" --state "$work/s.db" --model recommended \
  --from 2026-10-08T00:00:00Z --to 2026-10-11T00:00:00Z --out "$work/alerts.jsonl" --quiet
"${cli[@]}" report --state "$work/s.db" --input "$work/data/AWSLogs" --out "$work/report.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/chrome" --hide-scrollbars \
  --window-size=1200,1750 --screenshot="$out" "file://$work/report.html" 2>/dev/null
echo "report-screenshot: wrote $out"
