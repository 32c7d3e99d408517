#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run) and as the README tells a new user to.
# Installs what the tests need (scripts/setup.sh --tests), builds, lints, type-checks, runs
# every vitest project, and ends with one line that totals the suite: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --tests || exit 1
export TURBO_TELEMETRY_DISABLED=1

status=0
echo "[test] lint (biome) and typecheck" >&2
pnpm exec biome check --error-on-warnings . || status=1
pnpm exec turbo run typecheck --output-logs=errors-only || status=1

echo "[test] vitest" >&2
results=$(mktemp -t sealpost-vitest-XXXXXX.json)
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$results"
vitest_status=$?
[ "$vitest_status" -ne 0 ] && status=$vitest_status

node scripts/test-summary.mjs "$results" || status=1
rm -f "$results"
exit "$status"
