#!/usr/bin/env bash
# The chaos run (README, "Reliability" > "Chaos run"): starts its own stack with two service instances on free ports,
# sends orders and tier events while faults come and go, and prints one table; exits non-zero unless nothing was
# lost and nothing duplicated.
# Usage: bash bench/chaos/run.sh [--orders 10000] [--rate 100] [--schedule repeat|once|none] [--fault-seconds 5] [--seed 15]
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/prerequisites.sh >/dev/null
dotnet build bench/Referrals.Chaos -c Release -nologo -v q
exec dotnet bench/Referrals.Chaos/bin/Release/net10.0/Referrals.Chaos.dll "$@"
