#!/usr/bin/env bash
# Writes a benchmark log (seed 42) unless it exists: the 10M-event b2b log by default, or the
# second shape with `web` (five columns, many short visits, quoted names, 5% out of order).
# Usage: Benchmarks/make-bench-log.sh [EVENTS] [PATH] [SCENARIO]
#        Benchmarks/make-bench-log.sh 10000000 /tmp/touchstone-bench-web-10M.csv web
set -euo pipefail
cd "$(dirname "$0")"
events=${1:-10000000}
path=${2:-/tmp/touchstone-bench-10M.csv}
scenario=${3:-b2b}
if [ -s "$path" ]; then echo "$path exists"; exit 0; fi
swift build -c release --scratch-path .build-gen --product touchstone-loggen >&2
.build-gen/release/touchstone-loggen --scenario "$scenario" --events "$events" --stats --seed 42 --output "$path"
echo "wrote $path"
