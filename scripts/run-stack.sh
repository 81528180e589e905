#!/usr/bin/env bash
# The one F5: installs what is missing, then starts the whole stack through the Aspire AppHost.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
exec dotnet run --project Referrals.AppHost "$@"
