#!/usr/bin/env bash
# Runs every test: unit tests and the integration tests that start the whole stack (local mode) through
# the Aspire testing host, on free ports beside any running dev stack.
#   bash scripts/test.sh           everything (what .ci/run calls)
#   bash scripts/test.sh --unit    only the stack-free tests ([Trait("Tier", "Unit")]): no install, no stack
# Any other argument goes to the test host, e.g. --filter-class '*OrderWebhookTests'.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--unit" ]; then
  shift
  exec dotnet test --project Referrals.Service.Tests --filter-trait "Tier=Unit" "$@"
fi

bash scripts/prerequisites.sh
dotnet test --project Referrals.Service.Tests "$@"
