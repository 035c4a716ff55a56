#!/usr/bin/env bash
# `npm test`: every test of every package — unit, integration (real PostgreSQL and Redis, a database
# made and dropped per run) and end-to-end (the built web app in Debian's Chromium).
set -uo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

bash scripts/services.sh || exit 1
bash scripts/chromium.sh || exit 1
npx turbo run build --output-logs=errors-only || exit 1

results=$(mktemp -d)
status=0
run() { # name, dir, jest args...
  local name=$1 dir=$2; shift 2
  echo "── $name"
  (cd "$dir" && npx jest --ci --json --outputFile="$results/$name.json" "$@") || status=1
}
run contract packages/contract
run verify packages/verify
run web apps/web
run api apps/api --runInBand --forceExit # a failed hook may leave an app starting: never hang CI on it

node -e '
const fs = require("fs"), path = require("path");
let passed = 0, failed = 0;
for (const f of fs.readdirSync(process.argv[1])) {
  const r = JSON.parse(fs.readFileSync(path.join(process.argv[1], f), "utf8"));
  passed += r.numPassedTests; failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
' "$results"
rm -rf "$results"
exit $status
