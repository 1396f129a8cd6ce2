#!/usr/bin/env bash
# Writes the 10M-event benchmark log (b2b scenario, seed 42) unless it exists.
# Usage: Benchmarks/make-bench-log.sh [EVENTS] [PATH]
set -euo pipefail
cd "$(dirname "$0")"
events=${1:-10000000}
path=${2:-/tmp/touchstone-bench-10M.csv}
if [ -s "$path" ]; then echo "$path exists"; exit 0; fi
swift build -c release --scratch-path .build-gen --product touchstone-loggen >&2
.build-gen/release/touchstone-loggen --scenario b2b --events "$events" --seed 42 --output "$path"
echo "wrote $path"
