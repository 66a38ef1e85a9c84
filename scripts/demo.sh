#!/usr/bin/env bash
# npm run demo: install, provision services, migrate, seed, build, start console + workers + demo target.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

export PERFDECK_PORT="${PERFDECK_PORT:-3000}"
export DEMO_PORT="${DEMO_PORT:-4010}"
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/perfdeck}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export DEMO_DATABASE_URL="${DEMO_DATABASE_URL:-${DATABASE_URL%/*}/perfdeck_demo}"
export PERFDECK_URL="${PERFDECK_URL:-http://127.0.0.1:$PERFDECK_PORT}"
export NODE_ENV=production

ensure_node_modules
bash scripts/services.sh
ensure_env

# Stop a previous demo started from this checkout, then make sure the ports are free.
for p in web workers demo-target; do stop_bg "$p"; done
for port in "$PERFDECK_PORT" "$DEMO_PORT"; do
  port_free "$port" || { echo "Port $port is in use. Set PERFDECK_PORT / DEMO_PORT to free ports." >&2; exit 1; }
done

echo "[demo] migrating"
node --import tsx scripts/migrate.ts
echo "[demo] seeding the demo target's database (first run: ~20 s)"
node --import tsx demo/seed.ts
echo "[demo] seeding the console"
node --import tsx prisma/seed.ts

if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components server prisma/schema.prisma next.config.ts -newer .next/BUILD_ID -print -quit 2>/dev/null)" ]; then
  echo "[demo] building the console"
  # One retry from scratch: a build cache left by an interrupted or failed build can poison the next one.
  flock /tmp/build.lock node_modules/.bin/next build > "$STATE/logs/build.log" 2>&1 ||
    { rm -rf .next && flock /tmp/build.lock node_modules/.bin/next build > "$STATE/logs/build.log" 2>&1; } ||
    { tail -40 "$STATE/logs/build.log"; exit 1; }
fi

# The demo target reports its query timings to the console (p50/p95/p99 on the Queries page) with an operator token.
agent_token=$(node --import tsx scripts/demo-agent-token.ts) || { agent_token=""; echo "[demo] query reporting off: no API token for the demo target"; }

echo "[demo] starting"
if [ -n "$agent_token" ]; then
  start_bg demo-target env PERFDECK_INGEST_URL="$PERFDECK_URL/api/v1/queries" PERFDECK_API_TOKEN="$agent_token" \
    PERFDECK_PLAN_SAMPLE_RATE="${PERFDECK_PLAN_SAMPLE_RATE:-50}" node --import tsx demo/server.ts
else
  start_bg demo-target node --import tsx demo/server.ts
fi
start_bg workers node --import tsx workers/index.ts
start_bg web node_modules/.bin/next start -H 127.0.0.1 -p "$PERFDECK_PORT"

wait_http "http://127.0.0.1:$DEMO_PORT/health" 60 || { echo "demo target did not start; see .perfdeck/logs/demo-target.log" >&2; tail -20 "$STATE/logs/demo-target.log"; exit 1; }
wait_http "$PERFDECK_URL/api/health" 90 || { echo "console did not become healthy; see .perfdeck/logs/{web,workers}.log" >&2; curl -s "$PERFDECK_URL/api/health" || true; exit 1; }

# The load-test tour: a pinned baseline of the seeded "lead search" scenario, recorded through the real launch path
# (~15 s at 15 req/s) so the un-indexed lead search shows real p95s; skipped when one is already pinned.
echo "[demo] load-test baseline"
node --import tsx scripts/demo-baseline.ts || echo "[demo] no load-test baseline was recorded (see above); the tour works without one"

login=$(cat "$STATE/admin-login.txt")
cat <<MSG

  Perfdeck is running at $PERFDECK_URL
  Sign in with:
$(sed 's/^/    /' <<<"$login")
  Demo target (insurance lead-gen API): http://127.0.0.1:$DEMO_PORT
  Load tests: $PERFDECK_URL/load-tests ("lead search" has a pinned baseline; run it again after indexing)
  Logs: .perfdeck/logs/   Stop: npm run stop

MSG
