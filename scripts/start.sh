#!/usr/bin/env bash
# `npm start`: services checked, everything built, then the API (which migrates and, with
# DEMO_SEED=true as passed here unless .env or the shell says otherwise, seeds the demo account on
# first start) and the worker run together until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1
[ -f .env ] && { set -a; . ./.env; set +a; }

bash scripts/services.sh
npx turbo run build --output-logs=errors-only

pids=()
stop() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop INT TERM EXIT

DEMO_SEED="${DEMO_SEED:-true}" node apps/api/dist/main.js &
pids+=($!)
node apps/api/dist/worker.js &
pids+=($!)
# Whichever stops first stops the other.
wait -n "${pids[@]}"
