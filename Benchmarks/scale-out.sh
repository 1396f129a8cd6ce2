#!/usr/bin/env bash
# Measures the scale-out pipeline against one pass (docs/scale-out.md):
#   a b2b log of EVENTS events written as FILES exports (touchstone-loggen, seed 42, cut by rows,
#   so customers span files) → touchstone split into PIECES pieces → summarize per piece →
#   merge → check --from-summary, and one `touchstone check` of the whole log (unless
#   ONE_PASS=0). Prints wall time, peak memory (/usr/bin/time -v) and sizes, and checks that
#   the merged check's counts equal the single pass's.
# Usage: [ONE_PASS=0] [REUSE_PIECES=1] Benchmarks/scale-out.sh [EVENTS] [FILES] [PIECES] [WORK]
#        Benchmarks/scale-out.sh 100000000 10 10 /tmp/touchstone-scale     (≈ 8 GB per copy of the log)
#        Benchmarks/scale-out.sh 200000 4 3 /tmp/touchstone-scale-small   (the smoke size)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
events=${1:-100000000}
files=${2:-10}
pieces=${3:-10}
work=${4:-/tmp/touchstone-scale}
map=$root/SampleLogs/b2b-software-purchase/journey.yaml
mkdir -p "$work"
df -h "$work" | tail -1 | awk '{print "free space in '"$work"': " $4}'

swift build -c release --scratch-path .build-release --product touchstone >&2
ts=$root/.build-release/release/touchstone

measure() {  # measure NAME COMMAND…: runs it under /usr/bin/time -v, records wall seconds and peak RSS
    local name=$1; shift
    /usr/bin/time -v -o "$work/time-$name.txt" "$@"
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$work/time-$name.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/time-$name.txt")
    printf '%-28s %10.2f s %8d MiB\n' "$name" "$wall" "$rss" | tee -a "$work/results.txt"
}

exports=$work/exports
if [ ! -s "$exports/done" ]; then
    rm -rf "$exports"; mkdir -p "$exports"
    (cd Benchmarks && swift build -c release --scratch-path .build-gen --product touchstone-loggen >&2)
    gen=$root/Benchmarks/.build-gen/release/touchstone-loggen
    per=$(( (events + files - 1) / files ))
    "$gen" --scenario b2b --events "$events" --seed 42 --output "$work/all.csv"
    header=$(head -1 "$work/all.csv")
    tail -n +2 "$work/all.csv" | (cd "$exports" && HEADER=$header split -l "$per" -d -a 2 --additional-suffix=.csv \
        --filter='{ printf "%s\n" "$HEADER"; cat; } > $FILE' - export-)
    rm "$work/all.csv"
    echo ok > "$exports/done"
fi
inputs=("$exports"/export-*.csv)
: > "$work/results.txt"
echo "log: $events events in ${#inputs[@]} files, $(du -cb "${inputs[@]}" | tail -1 | cut -f1) bytes; $pieces pieces" | tee -a "$work/results.txt"

rm -rf "$work/summaries"; mkdir -p "$work/summaries"
if [ "${REUSE_PIECES:-0}" = 1 ] && [ -d "$work/pieces" ]; then
    echo "split: reusing $work/pieces (REUSE_PIECES=1)" | tee -a "$work/results.txt"
else
    rm -rf "$work/pieces"
    measure split "$ts" split "${inputs[@]}" --pieces "$pieces" --output-dir "$work/pieces" --quiet
fi
# touchstone-loggen's journeys stop at its export date: the end of the log for outcomes.
as_of=2026-07-01T00:00:00Z
echo "as of $as_of" | tee -a "$work/results.txt"
for p in "$work"/pieces/piece-*; do
    k=${p##*/}
    measure "summarize $k" "$ts" summarize "$p"/* --map "$map" --as-of "$as_of" --timestamp-format iso8601 --output "$work/summaries/$k.tsum" --quiet
done
ls -l "$work"/summaries/*.tsum | awk '{s+=$5; if(min==""||$5<min)min=$5; if($5>max)max=$5} END {print "piece summaries: " NR " files, " s " bytes (" min "…" max " each)"}' | tee -a "$work/results.txt"
measure merge "$ts" merge "$work"/summaries/piece-*.tsum --output "$work/all.tsum" --quiet
echo "merged summary: $(stat -c %s "$work/all.tsum") bytes" | tee -a "$work/results.txt"
measure "check --from-summary" "$ts" check --from-summary "$work/all.tsum" --map "$map" --format json --output "$work/check-merged.json" --quiet

if [ "${ONE_PASS:-1}" = 1 ]; then
    measure "one pass: check" "$ts" check "${inputs[@]}" --map "$map" --as-of "$as_of" --format json --output "$work/check-one.json" --quiet
    python3 - "$work/check-one.json" "$work/check-merged.json" <<'PY' | tee -a "$work/results.txt"
import json, sys
one, merged = (json.load(open(p)) for p in sys.argv[1:3])
exact, close, worst, bad = 0, 0, 0.0, []
def walk(x, y, path):
    """Equal, except duration quantiles (median, p90: sketched) within 1%; `approximate` skipped."""
    global exact, close, worst
    if isinstance(x, dict) and isinstance(y, dict):
        for k in set(x) | set(y) - {"approximate"}:
            if k != "approximate": walk(x.get(k), y.get(k), path + "." + k)
    elif isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
        for i, (p, q) in enumerate(zip(x, y)): walk(p, q, "%s[%d]" % (path, i))
    elif isinstance(x, (int, float)) and isinstance(y, (int, float)) and not isinstance(x, bool) and ("median" in path or "p90" in path):
        error = abs(x - y) / abs(x) if x else abs(y)
        worst = max(worst, error)
        close += 1
        if error > 0.01: bad.append(path)
    elif x == y:
        exact += 1
    else:
        bad.append(path)
walk(one, merged, "$")
print("check JSON, one pass vs merged: %d values equal, %d duration quantiles within %.3f%% (worst), %d different"
      % (exact, close, 100 * worst, len(bad)))
for p in bad[:10]: print("  differs: " + p)
sys.exit(1 if bad else 0)
PY
fi
cat "$work/results.txt"
