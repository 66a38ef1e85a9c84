#!/usr/bin/env bash
# npm test: provision what the tests need, then typecheck, lint, unit + integration (Vitest, real Postgres and
# Redis), the production build, e2e (Playwright in Debian Chromium) and the web-budget gate. Ends with the line
# "N passed, N failed" summed over all runners, and exits non-zero on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
mkdir -p test-results

PASSED=0
FAILED=0
FAILURES=()
count() { PASSED=$((PASSED + $1)); FAILED=$((FAILED + $2)); [ "$2" -gt 0 ] && FAILURES+=("$3"); return 0; }
finish() {
  echo
  [ ${#FAILURES[@]} -gt 0 ] && echo "Failed: ${FAILURES[*]}"
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
  exit $?
}
step() { # name, command... — a whole step counted as one test
  local name=$1; shift
  echo "── $name"
  if "$@"; then count 1 0 "$name"; else count 0 1 "$name"; fi
}

echo "── provisioning"
if ! { ensure_node_modules && bash scripts/services.sh; }; then count 0 1 provisioning; finish; fi
export NODE_ENV=test
# Its own build folder: a demo running from .next in this checkout keeps working while the tests build.
export NEXT_DIST_DIR=.next-test
export CI="${CI:-}"

step typecheck node_modules/.bin/tsc --noEmit
step lint node_modules/.bin/eslint . --max-warnings=1000

echo "── vitest (unit + integration)"
rm -f test-results/vitest.json
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json
if [ -f test-results/vitest.json ]; then
  read -r vp vf < <(node -e 'const r=require("./test-results/vitest.json");console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrors||0) + (r.success===false && r.numFailedTests===0 ? 1 : 0))')
  count "$vp" "$vf" vitest
else
  count 0 1 vitest
fi

echo "── build"
if flock /tmp/build.lock node_modules/.bin/next build > test-results/build.log 2>&1; then count 1 0 build; else tail -40 test-results/build.log; count 0 1 build; finish; fi

echo "── e2e (Playwright, Debian Chromium)"
if node --import tsx e2e/prepare.ts; then
  rm -f test-results/e2e.json
  E2E_PREPARED=1 node_modules/.bin/playwright test
  if [ -f test-results/e2e.json ]; then
    read -r ep ef < <(node -e 'const s=require("./test-results/e2e.json").stats;console.log(s.expected + (s.flaky||0), s.unexpected + (s.flaky||0) * 0)')
    errs=$(node -e 'const r=require("./test-results/e2e.json");console.log((r.errors||[]).length)')
    count "$ep" "$((ef + errs))" e2e
  else
    count 0 1 e2e
  fi
else
  count 0 1 e2e-prepare
fi

if [ -f scripts/perf-budgets.ts ] && [ "${PERFDECK_SKIP_BUDGETS:-}" != 1 ]; then
  echo "── web budgets (Lighthouse gate)"
  # Against the e2e database (migrated and seeded above), never a user's own.
  DATABASE_URL="${E2E_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/perfdeck_e2e}" \
    node --import tsx scripts/perf-budgets.ts --json --no-build --runs "${PERFDECK_BUDGET_RUNS:-5}" > test-results/budgets.out 2> test-results/budgets.err
  rc=$?
  cat test-results/budgets.out
  read -r bp bf < <(node -e '
    const lines=require("fs").readFileSync("test-results/budgets.out","utf8").trim().split("\n").filter(l=>l.startsWith("{"));
    const pages=lines.map(l=>JSON.parse(l)).filter(o=>"page" in o && "pass" in o);
    console.log(pages.filter(p=>p.pass).length, pages.filter(p=>!p.pass).length)')
  if [ "$rc" -ne 0 ] && [ "$bf" -eq 0 ]; then tail -20 test-results/budgets.err; bf=1; fi
  count "$bp" "$bf" web-budgets
fi

finish
