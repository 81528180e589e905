#!/usr/bin/env bash
# The performance bench in one job (README, "Performance"): the bare-server ceiling of ../shared/bench-ceiling, then the
# project's scenarios against a stack this script starts, then the issue's table (each figure, the ceiling's, the
# ratio, the target). Stops everything it started, on failure too.
#   bash bench/run.sh [--target dev|shape] [--quick] [--no-ceiling CEILING.json] [--out DIR]
#   dev   (default): the AppHost in Release, local mode, free ports, its own temp data, rate limits lifted.
#   shape: scripts/production-shape.sh (two published instances, 0.5 CPU / 512 MiB each, behind the balancer on the
#          fixed ports 8080/50060/8091/8092; refuses to start while they are taken). Needs root.
#   --quick: a smoke run (ceiling × 0.2, short windows, few orders).
#   BENCH_CLOSED_ORDERS (10000), BENCH_OPEN_SECONDS (60): smaller windows for a run that cannot afford the setup;
#   BENCH_IDLE_SECONDS (30): the idle window after the load (the floor).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target=dev quick=0 ceiling_json="" out=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --target) target=$2; shift 2 ;;
        --quick) quick=1; shift ;;
        --no-ceiling) ceiling_json=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[[ $target == dev || $target == shape ]] || { echo "bench/run.sh: --target dev|shape" >&2; exit 2; }
out=${out:-$root/.local/bench/$(date -u +%Y%m%dT%H%M%SZ)-$target$([[ $quick == 1 ]] && echo -quick)}
mkdir -p "$out"
results=$out/results.jsonl
: > "$results"
log() { echo "[bench $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)] $*" >&2; }

if [[ $quick == 1 ]]; then
    ceiling_factor=0.2 closed_orders=1000 open_seconds=3 status_seconds=3 status_referrals=768
else
    ceiling_factor=1 closed_orders=10000 open_seconds=60 status_seconds=10 status_referrals=1024
fi
# Each order converts a referral of its own, created through CreateReferral first (tens per second on a loaded machine):
# these shorten a run that cannot afford the setup.
closed_orders=${BENCH_CLOSED_ORDERS:-$closed_orders} open_seconds=${BENCH_OPEN_SECONDS:-$open_seconds}

stack_pid="" data_dir=""
stop_stack() {
    trap - EXIT
    set +e
    if [[ -n $stack_pid ]] && kill -0 "$stack_pid" 2> /dev/null; then
        log "stopping the $target stack (pid $stack_pid)"
        # SIGTERM, not SIGINT: a background job of a script ignores SIGINT. The AppHost (or production-shape.sh) stops
        # what it started when told so; its process group (setsid) is ended only if it has not within 90 s.
        kill -TERM "$stack_pid" 2> /dev/null
        for _ in $(seq 1 900); do kill -0 "$stack_pid" 2> /dev/null || break; sleep 0.1; done
        if kill -0 "$stack_pid" 2> /dev/null; then
            log "the stack did not stop: SIGKILL to its process group"
            kill -KILL -- "-$stack_pid" 2> /dev/null
        fi
        wait "$stack_pid" 2> /dev/null
    fi
    # Postgres may still be writing its last files for a moment after it stopped.
    [[ -n $data_dir ]] && { rm -rf "$data_dir" "$data_dir-prometheus" 2> /dev/null || { sleep 3; rm -rf "$data_dir" "$data_dir-prometheus"; }; }
}
trap stop_stack EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

log "building the bench (Release)"
dotnet build bench/Referrals.Bench -c Release -nologo -v q > "$out/build.log" 2>&1 || { tail -20 "$out/build.log"; exit 1; }
# A copy, so a rebuild while the run goes on does not change the scenarios half-way.
cp -r bench/Referrals.Bench/bin/Release/net10.0 "$out/bench-bin"
bench=(dotnet "$out/bench-bin/Referrals.Bench.dll")

if [[ -z $ceiling_json ]]; then
    log "ceiling (../shared/bench-ceiling, time factor $ceiling_factor), log $out/ceiling.log"
    CEILING_TIME_FACTOR=$ceiling_factor bash ../shared/bench-ceiling/run.sh > "$out/ceiling.json" 2> "$out/ceiling.log" \
        || { tail -20 "$out/ceiling.log"; exit 1; }
    ceiling_json=$out/ceiling.json
fi
ceiling_webhook=$(python3 -c "import json,sys; print(next(s['ops_per_s'] for s in json.load(open(sys.argv[1]))['webhook_orders_create'] if s['concurrency'] == 64))" "$ceiling_json")
open_rate=$(python3 -c "import sys; print(max(1, round(float(sys.argv[1]) / 2)))" "$ceiling_webhook")

free_ports() { python3 -c "
import socket
socks = [socket.socket() for _ in range($1)]
for s in socks: s.bind(('127.0.0.1', 0))
print(' '.join(str(s.getsockname()[1]) for s in socks))"; }

wait_ready() { # url seconds
    for _ in $(seq 1 $(($2 * 2))); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' "$1") == 200 ]] && return 0
        kill -0 "$stack_pid" 2> /dev/null || { echo "bench/run.sh: the stack exited" >&2; tail -30 "$out/stack.log" >&2; exit 1; }
        sleep 0.5
    done
    echo "bench/run.sh: $1 not ready within $2 s" >&2; tail -30 "$out/stack.log" >&2; exit 1
}

if [[ $target == dev ]]; then
    read -r grpc http postgres redis kafka kafka_control auth core core_control prometheus dashboard otlp resource_service registry <<< "$(free_ports 14)"
    data_dir=$(mktemp -d "${TMPDIR:-/tmp}/referrals-bench.XXXXXX")
    log "building the AppHost and the service (Release)"
    dotnet build Referrals.AppHost -c Release -nologo -v q > "$out/build-stack.log" 2>&1 || { tail -20 "$out/build-stack.log"; exit 1; }
    log "starting the dev stack (Release, local mode, HTTP $http, gRPC $grpc), log $out/stack.log"
    # The AppHost itself, not `dotnet run`, so SIGTERM reaches it; no launch profile: the dashboard takes free ports
    # too, so this runs beside anyone's stack.
    ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development ASPNETCORE_URLS=http://127.0.0.1:$dashboard \
        ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:$otlp ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:$resource_service \
        ASPIRE_ALLOW_UNSECURED_TRANSPORT=true ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true \
        setsid dotnet Referrals.AppHost/bin/Release/net10.0/Referrals.AppHost.dll \
        --Referrals:Ports:Grpc=$grpc --Referrals:Ports:Http=$http --Referrals:Ports:Postgres=$postgres \
        --Referrals:Ports:Redis=$redis --Referrals:Ports:Kafka=$kafka --Referrals:Ports:KafkaControl=$kafka_control \
        --Referrals:Ports:Auth=$auth --Referrals:Ports:Core=$core --Referrals:Ports:CoreControl=$core_control \
        --Referrals:Ports:Prometheus=$prometheus --Referrals:Ports:SchemaRegistry=$registry \
        --Referrals:InfrastructureMode=local --Referrals:LocalDataDirectory=$data_dir \
        --Referrals:PrometheusDataDirectory=$data_dir-prometheus \
        --Referrals:Service:Webhooks:PerShopPerSecond=1000000 --Referrals:Service:Webhooks:PerIpPerSecond=1000000 \
        > "$out/stack.log" 2>&1 &
    stack_pid=$!
    wait_ready "http://127.0.0.1:$http/ready" 600
    webhook_secret=dev-webhook-secret
    service_ports=($http)
else
    for port in 8080 50060 8091 8092 50071 50072 5434 6379 9092 50061 50062; do
        if ss -ltn "sport = :$port" | grep -q LISTEN; then
            echo "bench/run.sh: port $port is in use (someone's dev stack or production shape?): not starting the shape" >&2
            ss -ltnp "sport = :$port" >&2; exit 1
        fi
    done
    grpc=50060 http=8080 redis=6379 kafka=9092
    publish_flag=()
    [[ -f .local/production-shape/publish/Referrals.Service.dll && ${BENCH_PUBLISH:-0} != 1 ]] && publish_flag=(--no-publish)
    log "starting the production shape ${publish_flag[*]}, log $out/stack.log"
    PRODUCTION_SHAPE_SERVICE_SETTINGS='Webhooks__PerShopPerSecond=1000000 Webhooks__PerIpPerSecond=1000000' \
        setsid bash scripts/production-shape.sh "${publish_flag[@]}" > "$out/stack.log" 2>&1 &
    stack_pid=$!
    # Up to 45 min: the ReadyToRun publish alone took over 15 min on a loaded machine (load average 60-80).
    for _ in $(seq 1 5400); do
        grep -q "production-shape: up" "$out/stack.log" && break
        kill -0 "$stack_pid" 2> /dev/null || { tail -30 "$out/stack.log" >&2; exit 1; }
        sleep 0.5
    done
    grep -q "production-shape: up" "$out/stack.log" || { echo "bench/run.sh: the shape did not come up" >&2; exit 1; }
    webhook_secret=production-shape-webhook-secret
    service_ports=(8091 8092)
fi
addresses=(--http "http://127.0.0.1:$http" --grpc "http://127.0.0.1:$grpc" --kafka "127.0.0.1:$kafka" --service-port "${service_ports[@]}")

log "webhooks, closed loop: $closed_orders orders at concurrency 64"
REFERRALS_WEBHOOK_SECRET=$webhook_secret "${bench[@]}" webhooks "${addresses[@]}" --orders "$closed_orders" --concurrency 64 --json "$results" \
    | tee "$out/webhooks-closed.txt" >&2 || log "webhooks, closed loop: not every order converted (see above)"

[[ $target == shape ]] && open_rate=200
log "conversions, open loop: $open_rate/s for $open_seconds s (50 % of the ceiling's webhook c=64, or the shape's 200/s)"
REFERRALS_WEBHOOK_SECRET=$webhook_secret "${bench[@]}" webhooks "${addresses[@]}" --rate "$open_rate" --seconds "$open_seconds" --json "$results" \
    | tee "$out/conversions-open.txt" >&2 || log "conversions, open loop: not every order converted (see above)"

log "GetReferralStatus: cached c=64 and c=256, uncached c=64"
"${bench[@]}" status --grpc "http://127.0.0.1:$grpc" --redis "127.0.0.1:$redis" --service-port "${service_ports[@]}" \
    --seconds "$status_seconds" --referrals "$status_referrals" --concurrency 64 256 --uncached-concurrency 64 --json "$results" \
    | tee "$out/status.txt" >&2

idle_seconds=${BENCH_IDLE_SECONDS:-30}
log "idle: the service's CPU per second over $idle_seconds s with nothing sent (the floor)"
"${bench[@]}" idle --service-port "${service_ports[@]}" --seconds "$idle_seconds" --json "$results" | tee "$out/idle.txt" >&2

stop_stack
echo "bench/run.sh: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average now $(cut -d' ' -f1-3 /proc/loadavg); results in $out"
"${bench[@]}" report --ceiling "$ceiling_json" --results "$results" --target "$target" | tee "$out/report.md"
