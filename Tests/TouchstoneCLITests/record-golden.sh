#!/usr/bin/env bash
# Re-records the golden outputs of the CLI tests from the current build, on purpose only:
# review `git diff Tests/TouchstoneCLITests/Golden` before committing what it writes.
# Usage (from the repository root): Tests/TouchstoneCLITests/record-golden.sh
# (SCRATCH_PATH=DIR builds with `--scratch-path DIR` instead of `.build`).
set -euo pipefail
cd "$(dirname "$0")/../.."
SCRATCH="${SCRATCH_PATH:-.build}"
swift build --scratch-path "$SCRATCH" >&2
B="$SCRATCH/debug/touchstone"
G=Tests/TouchstoneCLITests/Golden
mkdir -p "$G"
for name in b2b-software-purchase retail-bank-onboarding support-eu; do
  log=SampleLogs/$name/$name.csv
  for format in csv json; do
    "$B" discover --format "$format" --variants 10 "$log" > "$G/$name.discover.$format" 2>/dev/null
  done
done
echo "recorded into $G; review with: git diff $G" >&2
