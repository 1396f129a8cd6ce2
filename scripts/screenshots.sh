#!/usr/bin/env bash
# Renders the HTML report of each sample log with headless Chromium into docs/report-<sample>.png
# (1280 px wide, the top of the page: header, journey matrix and, for the B2B sample shown in the
# README, the journey graph).
#
#   scripts/screenshots.sh                 release build, then the three samples
#   TOUCHSTONE=path/to/touchstone scripts/screenshots.sh
#   HEIGHT=4000 scripts/screenshots.sh     a taller part of every page
set -euo pipefail
cd "$(dirname "$0")/.."
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$chromium" ] || { echo "error: chromium not found (apt-get install chromium)" >&2; exit 2; }
if [ -z "${TOUCHSTONE:-}" ]; then
    swift build -c release
    TOUCHSTONE=.build/release/touchstone
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Sample, the attribute its segments are shown by, and the height of the screenshot.
for entry in b2b-software-purchase:segment:3450 retail-bank-onboarding:product:2600 support-eu:Land:2600; do
    IFS=: read -r sample by height <<< "$entry"
    height=${HEIGHT:-$height}
    "$TOUCHSTONE" report "SampleLogs/$sample/$sample.csv" --map "SampleLogs/$sample/journey.yaml" --by "$by" \
        --output "$work/$sample.html" 2>/dev/null
    "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
        --window-size=1280,"$height" --screenshot="docs/report-$sample.png" "file://$work/$sample.html" 2>/dev/null
    echo "docs/report-$sample.png: $(wc -c < "docs/report-$sample.png") bytes"
done
