#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/Package.swift) and runs each for EXECUTIONS inputs
# (default 100000) from a seed corpus of the ingest fixtures, the sample logs (first KB) and
# the journey maps. Fails on any crash, leak, sanitizer report or broken invariant; a crashing
# input is left in Fuzz/.build-fuzz/artifacts/ (minimize it with `-minimize_crash=1` and commit
# it under Tests/Fixtures/fuzz/, where the test suite replays it).
#
#   Fuzz/run.sh [EXECUTIONS]     FUZZ_SECONDS=600 Fuzz/run.sh -1   (time-bound run instead)
#
# The run is reproducible: libFuzzer's seed is FUZZ_SEED (default 1), so the test command and
# CI pass or fail the same way on the same commit. FUZZ_SEED=0 picks a random seed (exploring).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-100000}
SCRATCH=Fuzz/.build-fuzz
MAX_LEN=${FUZZ_MAX_LEN:-512}
swift build --package-path Fuzz --scratch-path "$SCRATCH" -c debug \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
BIN=$(swift build --package-path Fuzz --scratch-path "$SCRATCH" -c debug --show-bin-path \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/ingest" "$WORK/map" "$SCRATCH/artifacts"
# Ingest seeds: 3 option bytes (auto delimiter, header, chunk 64), then the CSV's first KB;
# each again with byte 0's high bit (no column fill sample: chunks reach the parser at once).
for f in Tests/Fixtures/ingest/* SampleLogs/*/*.csv; do
    { printf '\000\000\100'; head -c 1024 "$f"; } > "$WORK/ingest/$(basename "$f")"
    { printf '\200\000\100'; head -c 1024 "$f"; } > "$WORK/ingest/unsampled-$(basename "$f")"
done
# Encoding seeds: flag 0x80 reads the rest as one file through the byte source (encodings).
for f in Tests/Fixtures/exports/*; do
    { printf '\000\200\000'; head -c 1024 "$f"; } > "$WORK/ingest/enc-$(basename "$f")"
done
# Map seeds: the sample journey maps, and the shared example when this checkout has one
# (read at run time, never copied into the repository).
for f in SampleLogs/*/journey.yaml ../shared/journey-example/journey.yaml /work/shared/journey-example/journey.yaml; do
    [ -f "$f" ] && cp "$f" "$WORK/map/$(echo "$f" | tr / _)"
done
[ -d Tests/Fixtures/fuzz ] && for f in Tests/Fixtures/fuzz/*; do
    [ -f "$f" ] || continue
    case "$f" in *ingest*) cp "$f" "$WORK/ingest/";; *map*) cp "$f" "$WORK/map/";; esac
done

# Speed (measured on the ingester: 176 → ~750 executions/s): no allocation stack traces
# (the ingester allocates its 64–128 KB block buffers per run), no leak scan after each run.
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0}
# Swift's own crash handler would then read the crashed stack and trip AddressSanitizer, hiding
# the real message (a failed precondition) behind a report about the handler.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
run() { # target corpus
    local start=$SECONDS
    local limit=()
    [ "${FUZZ_SECONDS:-}" ] && limit=(-max_total_time="$FUZZ_SECONDS")
    echo "== $1: $RUNS executions${FUZZ_SECONDS:+ / $FUZZ_SECONDS s}, seed ${FUZZ_SEED:-1}"
    "$BIN/$1" -seed="${FUZZ_SEED:-1}" -runs="$RUNS" "${limit[@]}" -max_len="$MAX_LEN" -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 \
        -print_final_stats=1 -artifact_prefix="$SCRATCH/artifacts/$1-" "$WORK/$2" 2> "$WORK/$1.log" || {
        grep -a -m 5 -E 'Precondition failed|Fatal error|ERROR: (AddressSanitizer|libFuzzer)|SUMMARY:' "$WORK/$1.log" || true
        tail -n 30 "$WORK/$1.log"; echo "FUZZ FAILURE in $1 (artifact in $SCRATCH/artifacts/)"; exit 1; }
    grep -E '^#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added' "$WORK/$1.log" || true
    echo "== $1: ok in $((SECONDS - start)) s"
}
run FuzzIngest ingest
run FuzzJourneyMap map
# FUZZ_KEEP_CORPUS=DIR keeps the grown corpora (DIR/ingest, DIR/map), e.g. to pick regression inputs.
if [ "${FUZZ_KEEP_CORPUS:-}" ]; then
    mkdir -p "$FUZZ_KEEP_CORPUS" && cp -r "$WORK/ingest" "$WORK/map" "$WORK"/*.log "$FUZZ_KEEP_CORPUS/"
fi
