#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer (DATABASE_URL / REDIS_URL, or the defaults on 127.0.0.1).
# A service that does not answer is started where this machine can: with `docker compose` when a Docker
# engine answers, else with the machine's own postgres / redis-server. Otherwise it stops with one
# message saying what to run.
set -uo pipefail
cd "$(dirname "$0")/.."

check() { node scripts/check-services.cjs "$@" >/dev/null 2>&1; }
local_url() { case "$1" in *127.0.0.1*|*localhost*) return 0;; *) return 1;; esac; }

start_postgres() {
  if docker info >/dev/null 2>&1; then
    echo "services: starting PostgreSQL with docker compose"; docker compose up -d postgres && return 0
  fi
  if local_url "${DATABASE_URL:-127.0.0.1}" && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    local version; version=$(ls /etc/postgresql | sort -V | tail -n1)
    echo "services: starting the local PostgreSQL $version cluster"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || pg_ctlcluster "$version" main start
    return 0
  fi
  return 1
}

start_redis() {
  if docker info >/dev/null 2>&1; then
    echo "services: starting Redis with docker compose"; docker compose up -d redis && return 0
  fi
  if local_url "${REDIS_URL:-127.0.0.1}" && command -v redis-server >/dev/null 2>&1; then
    echo "services: starting the local redis-server"
    local dir=/var/lib/redis; [ -w "$dir" ] || dir=$(mktemp -d)
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir "$dir" \
      --logfile "$dir/keyledger-redis.log" && return 0
  fi
  return 1
}

wait_for() {
  for _ in $(seq 1 30); do check "$1" && return 0; sleep 1; done
  return 1
}

failed=()
for svc in postgres redis; do
  check "$svc" && continue
  if "start_$svc" && wait_for "$svc"; then echo "services: $svc is up"; else failed+=("$svc"); fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "services: ${failed[*]} not reachable at ${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/keyledger} / ${REDIS_URL:-redis://127.0.0.1:6379}." >&2
  echo "services: start them with 'docker compose up -d postgres redis', or install PostgreSQL >= 15 and Redis >= 6.2 and set DATABASE_URL / REDIS_URL." >&2
  exit 1
fi
