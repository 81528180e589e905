#!/usr/bin/env bash
# Runs every test: unit tests and the integration tests that start the whole stack (local mode) through
# the Aspire testing host, on free ports beside any running dev stack.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
dotnet test --project Referrals.Service.Tests "$@"
