#!/usr/bin/env bash
# Starts the whole topology once, as a user does (dotnet run --project AppHost), waits until it is healthy, then
# runs against it: the reference sample's five demo scripts re-told in node (tests/interop/seed, on the fresh
# topology, one at a time, in the order the sample's README runs them), real clients through each of the
# Router's front doors (tests/interop/doors) and the browser test of the chat (tests/browser). Stops the AppHost
# with its whole process group. Exit code: non-zero if any suite failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
base_url=${BASE_URL:-http://localhost:5000}

if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
npm ci --prefix tests/browser --no-audit --no-fund >/dev/null || exit 1
npm ci --prefix tests/interop --no-audit --no-fund >/dev/null || exit 1

log=$(mktemp)
# The admin key (AppHost parameter quota-admin-key) set for this run rather than generated into user secrets, so
# that the front-door suite can create tenants and issue SigV4 access keys through the QuotaService's admin API.
export SWITCHYARD_ADMIN_KEY=${SWITCHYARD_ADMIN_KEY:-$(node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))')}
# A process group of its own, so that stopping it stops every service the AppHost started. SIGTERM, not SIGINT:
# a process started in the background by a script ignores SIGINT.
setsid env "Parameters__quota-admin-key=$SWITCHYARD_ADMIN_KEY" dotnet run --project "$root/AppHost" --launch-profile http >"$log" 2>&1 &
apphost=$!
stop() {
  kill -TERM -- "-$apphost" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 -- "-$apphost" 2>/dev/null || return 0; sleep 1; done
  kill -KILL -- "-$apphost" 2>/dev/null || true
}
trap stop EXIT

# The chat app starts last (it waits for the Router, which waits for the cache, the QuotaService and the emulator).
echo "waiting for $base_url/health (AppHost log: $log)"
for _ in $(seq 1 300); do
  if curl -fsS "$base_url/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$apphost" 2>/dev/null; then echo "the AppHost exited:"; tail -50 "$log"; exit 1; fi
  sleep 1
done
curl -fsS "$base_url/health" >/dev/null || { echo "the chat app never became healthy:"; tail -50 "$log"; exit 1; }

status=0
echo "== the reference sample's five demo scripts (tests/interop/seed)"
# node --test sorts the files it is given: their numbers are the README's order.
(cd tests/interop && node --test --test-concurrency=1 seed/1-cris.test.mjs seed/2-sharding.test.mjs \
  seed/3-fallback.test.mjs seed/4-loadbalance.test.mjs seed/5-quota.test.mjs) || status=1

# After the seeds, which need a fresh topology; the suite makes its own tenants and removes every fault it adds.
echo "== real clients through the Router's front doors (tests/interop/doors)"
(cd tests/interop && node --test --test-concurrency=1 doors/1-openai.test.mjs doors/2-anthropic.test.mjs \
  doors/3-bedrock.test.mjs) || status=1

echo "== the chat in a real browser (tests/browser)"
(cd tests/browser && BASE_URL="$base_url" node --test chat.test.mjs) || status=1

if [ "$status" -ne 0 ]; then echo "AppHost log (last 80 lines):"; tail -80 "$log"; fi
exit $status
