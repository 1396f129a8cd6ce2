#!/usr/bin/env bash
# Runs the whole test suite under AddressSanitizer, then ThreadSanitizer, each in its own
# scratch path (.build-asan, .build-tsan) so the normal .build is untouched.
#
#   scripts/sanitizers.sh            both
#   scripts/sanitizers.sh address    one of them
set -euo pipefail
cd "$(dirname "$0")/.."
# LeakSanitizer off by default: its only reports are in the toolchain (Foundation's
# Data(contentsOf:), XCTest), and at exit it turns the CLI's usage-error status 2 into 1, which
# fails the exit-status tests. ASAN_OPTIONS=detect_leaks=1 scripts/sanitizers.sh to see them.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
for s in "${@:-address thread}"; do
    for sanitizer in $s; do
        scratch=.build-$([ "$sanitizer" = address ] && echo asan || echo tsan)
        start=$SECONDS
        echo "== swift test --sanitize=$sanitizer (scratch $scratch)"
        swift test --sanitize="$sanitizer" --scratch-path "$scratch"
        echo "== $sanitizer: passed in $((SECONDS - start)) s"
    done
done
