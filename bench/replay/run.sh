#!/usr/bin/env bash
# Replay bench against a running stack (bash scripts/run-stack.sh in another terminal).
# Usage: bash bench/replay/run.sh [events=1000] [configured-rate=100]
# For the 1,000/s figure, start the service with Replay__RatePerSecond=1000 and pass 1000 as the second argument.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build Referrals.Service -c Release -nologo -v q >/dev/null
dotnet run bench/replay/ReplayBench.cs -- "${1:-1000}" "${2:-100}" "Referrals.Service/bin/Release/net10.0/Referrals.Service.dll"
