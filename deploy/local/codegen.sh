#!/usr/bin/env bash
# Writes Wolverine's generated handler code into Referrals.Service/Internal/Generated (README, "Start-up"): run it
# after adding or changing a message handler; Deployment/StartupGeneratedCodeTests fails while it is stale.
#   bash deploy/local/codegen.sh [write|preview|test]
# The service's registrations name their dependencies; code generation connects to none of them.
set -euo pipefail
cd "$(dirname "$0")/../../Referrals.Service"
ASPNETCORE_ENVIRONMENT=Production \
ConnectionStrings__referralsdb='Host=127.0.0.1;Port=1;Database=referrals;Username=codegen;Password=codegen' \
ConnectionStrings__redis=127.0.0.1:1 ConnectionStrings__kafka=127.0.0.1:1 \
AUTH_HOST=http://127.0.0.1:1 CORE_HOST=http://127.0.0.1:1 Shopify__AppSecret=codegen \
    exec dotnet run -- codegen "${1:-write}"
