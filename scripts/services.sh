#!/usr/bin/env bash
# Provision what Perfdeck needs: Postgres 15 (pg_stat_statements + pg_qualstats preloaded, hypopg), Redis,
# Debian Chromium, wrk and Prometheus. Idempotent. Uses DATABASE_URL / REDIS_URL when given; never drops a database.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL_DEFAULT="postgresql://postgres@127.0.0.1:5432/perfdeck"
DATABASE_URL="${DATABASE_URL:-$PG_URL_DEFAULT}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
DEMO_DATABASE_URL="${DEMO_DATABASE_URL:-${DATABASE_URL%/*}/perfdeck_demo}"
log() { printf '[services] %s\n' "$*"; }

# Debian packages: installed only when missing, and only as root; otherwise say exactly what to install.
PKGS=(postgresql-15 postgresql-15-hypopg postgresql-15-pg-qualstats redis-server chromium fonts-liberation prometheus wrk)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    log "missing packages: ${missing[*]}"
    log "install them with: sudo apt-get install -y ${missing[*]}"
    log "(or point DATABASE_URL and REDIS_URL at Postgres >= 15 with hypopg/pg_stat_statements and Redis >= 7)"
    exit 1
  fi
fi

is_local_pg() { [[ "$DATABASE_URL" =~ @(127\.0\.0\.1|localhost)(:5432)?/ ]]; }

# Postgres: local cluster with the preload set; restart only when the preload changes.
if is_local_pg && [ -d /etc/postgresql/15/main ]; then
  conf=/etc/postgresql/15/main/conf.d/perfdeck.conf
  want="shared_preload_libraries = 'pg_stat_statements,pg_qualstats'"
  if [ "$(id -u)" = 0 ] && ! grep -qsF "$want" "$conf"; then
    mkdir -p "$(dirname "$conf")"
    printf '%s\npg_stat_statements.track = top\n' "$want" > "$conf"
    log "set shared_preload_libraries; restarting Postgres"
    pg_ctlcluster --skip-systemctl-redirect 15 main restart || pg_ctlcluster 15 main restart
  fi
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    log "starting Postgres 15"
    pg_ctlcluster --skip-systemctl-redirect 15 main start || pg_ctlcluster 15 main start
  fi
  for i in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

# Redis: start a local one (no persistence) when the URL is local and nothing answers.
if [[ "$REDIS_URL" =~ (127\.0\.0\.1|localhost) ]]; then
  rport=$(sed -E 's#.*:([0-9]+)(/.*)?$#\1#' <<<"$REDIS_URL"); [[ "$rport" =~ ^[0-9]+$ ]] || rport=6379
  if ! redis-cli -h 127.0.0.1 -p "$rport" ping >/dev/null 2>&1; then
    log "starting Redis on 127.0.0.1:$rport"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 --port "$rport" --save "" --appendonly no \
      --dir /tmp --logfile /tmp/perfdeck-redis.log
    for i in $(seq 1 20); do redis-cli -h 127.0.0.1 -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
fi

# Databases: create when missing (never dropped here), extensions in the demo database.
admin_url="${DATABASE_URL%/*}/postgres"
create_db() {
  local name=$1
  if [ "$(psql "$admin_url" -tAc "SELECT 1 FROM pg_database WHERE datname='$name'")" != 1 ]; then
    log "creating database $name"; psql "$admin_url" -qc "CREATE DATABASE \"$name\""
  fi
}
create_db "$(sed -E 's#.*/([^/?]+)(\?.*)?$#\1#' <<<"$DATABASE_URL")"
create_db "$(sed -E 's#.*/([^/?]+)(\?.*)?$#\1#' <<<"$DEMO_DATABASE_URL")"
psql "$DEMO_DATABASE_URL" -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; CREATE EXTENSION IF NOT EXISTS hypopg; CREATE EXTENSION IF NOT EXISTS pg_qualstats; CREATE EXTENSION IF NOT EXISTS pg_trgm;" 2>&1 | grep -v NOTICE || true
log "ready: Postgres $(psql "$admin_url" -tAc 'SHOW server_version'), Redis $(redis-cli -u "$REDIS_URL" info server | grep redis_version | tr -d '\r' | cut -d: -f2)"
