#!/usr/bin/env bash
# Starts the whole topology (dotnet run --project AppHost), waits until the chat app is healthy, runs the
# browser test against it, and stops the AppHost with its whole process group. Exit code: the test's.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
base_url=${BASE_URL:-http://localhost:5000}

if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
npm ci --no-audit --no-fund >/dev/null

log=$(mktemp)
# A process group of its own, so that stopping it stops every service the AppHost started.
setsid dotnet run --project "$root/AppHost" --launch-profile http >"$log" 2>&1 &
apphost=$!
stop() {
  kill -TERM -- "-$apphost" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 -- "-$apphost" 2>/dev/null || return 0; sleep 1; done
  kill -KILL -- "-$apphost" 2>/dev/null || true
}
trap stop EXIT

echo "waiting for $base_url/health (AppHost log: $log)"
for _ in $(seq 1 240); do
  if curl -fsS "$base_url/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$apphost" 2>/dev/null; then echo "the AppHost exited:"; tail -50 "$log"; exit 1; fi
  sleep 1
done
curl -fsS "$base_url/health" >/dev/null || { echo "the chat app never became healthy:"; tail -50 "$log"; exit 1; }

BASE_URL="$base_url" node --test chat.test.mjs
