# Shared by demo.sh, stop.sh and test.sh.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.perfdeck"
mkdir -p "$STATE/pids" "$STATE/logs"

# Secrets generated once per checkout (never constants), kept in .perfdeck/env (mode 600).
ensure_env() {
  if [ ! -f "$STATE/env" ]; then
    umask 077
    {
      echo "PERFDECK_ENCRYPTION_KEY=$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')"
      echo "BETTER_AUTH_SECRET=$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')"
    } > "$STATE/env"
  fi
  set -a; . "$STATE/env"; set +a
}

ensure_node_modules() {
  local major minor
  major=$(node -p 'process.versions.node.split(".")[0]'); minor=$(node -p 'process.versions.node.split(".")[1]')
  if [ "$major" -lt 20 ] || { [ "$major" = 20 ] && [ "$minor" -lt 19 ]; }; then
    echo "Perfdeck needs Node >= 20.19 (found $(node -v))" >&2; exit 1
  fi
  if [ ! -d "$ROOT/node_modules/.bin" ] || [ ! -d "$ROOT/node_modules/@tailwindcss/postcss" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    echo "[setup] installing npm packages"
    (cd "$ROOT" && npm ci --include=dev --no-audit --no-fund --loglevel=error)
  fi
  if [ ! -f "$ROOT/prisma/generated/client.ts" ] || [ "$ROOT/prisma/schema.prisma" -nt "$ROOT/prisma/generated/client.ts" ]; then
    (cd "$ROOT" && PRISMA_SCHEMA_ENGINE_BINARY=/bin/true node_modules/.bin/prisma generate >/dev/null)
  fi
}

port_free() { ! (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }

start_bg() { # name, command...
  local name=$1; shift
  "$@" >"$STATE/logs/$name.log" 2>&1 &
  echo $! > "$STATE/pids/$name.pid"
}

stop_bg() { # name
  local f="$STATE/pids/$1.pid"
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

wait_http() { # url, seconds
  for _ in $(seq 1 "$2"); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)
    [ "$code" = 200 ] && return 0
    sleep 1
  done
  return 1
}
