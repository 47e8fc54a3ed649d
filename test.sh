#!/usr/bin/env bash
# Runs every test. Does its own set-up on a fresh machine: the .NET SDK restores NuGet packages,
# and the node-based interop and browser clients are installed from the lock files when present.
set -euo pipefail
cd "$(dirname "$0")"

for dir in tests/interop; do
  if [ -f "$dir/package-lock.json" ]; then
    npm ci --prefix "$dir" --no-audit --no-fund
  fi
done

dotnet test Aspire.sln "$@"
