#!/usr/bin/env bash
# The production shape, locally (README, "The production shape, locally"): the published service (Release), two
# instances each in its own cgroup (0.5 CPU, 512 MiB), configured only through environment variables, in Production,
# behind a loopback round-robin balancer on the usual ports (gRPC 50060, HTTP 8080). The infrastructure (Postgres,
# Redis, the Kafka dev broker, the Auth and Core stubs) is the AppHost's, started with no service instance. Needs root
# (cgroups) and no container runtime. Stops everything on Ctrl-C or SIGTERM.
#   bash scripts/production-shape.sh [--no-publish]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
state=$root/.local/production-shape
publish=$state/publish
mkdir -p "$state"

[[ $(id -u) == 0 ]] || { echo "production-shape: run as root (the instances' cgroups)" >&2; exit 1; }
command -v python3 > /dev/null || { echo "production-shape: needs python3 (the balancer): apt-get install -y python3" >&2; exit 1; }

# The dev stack's ports for the infrastructure; the instances' own ports; the balancer takes the service's usual ones.
postgres_port=5434 redis_port=6379 kafka_port=9092 auth_port=50061 core_port=50062
instance_http=(8091 8092) instance_grpc=(50071 50072)
for port in 8080 50060 "${instance_http[@]}" "${instance_grpc[@]}" $postgres_port $redis_port $kafka_port $auth_port $core_port; do
    if ss -ltn "sport = :$port" | grep -q LISTEN; then
        echo "production-shape: port $port is in use (a dev stack or an earlier run?)" >&2; exit 1
    fi
done

# Production refuses the public dev secrets (README, "Development defaults"): this shape has its own.
runtime_password=${PRODUCTION_SHAPE_RUNTIME_PASSWORD:-production-shape-runtime-password}
webhook_secret=${PRODUCTION_SHAPE_WEBHOOK_SECRET:-production-shape-webhook-secret}

pids=()
stop() {
    trap - EXIT INT TERM
    echo "production-shape: stopping"
    # The instances and the balancer first, then the infrastructure they use (the AppHost's `dotnet run` stops what
    # it started when it is told to). Each pid is the process itself, not a subshell.
    local order=("${pids[@]:1}" "${pids[0]:-}")
    for pid in "${order[@]}"; do
        [[ -n $pid ]] || continue
        kill -TERM "$pid" 2> /dev/null || true
        wait "$pid" 2> /dev/null || true
    done
    for name in referrals-shape-1 referrals-shape-2; do bash deploy/local/in-cgroup.sh --remove "$name"; done
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ${1:-} != --no-publish ]]; then
    echo "production-shape: publishing the service (Release) to $publish"
    # ReadyToRun: precompiled code, so a 0.5-CPU start does not JIT everything (README, "Start-up").
    dotnet publish Referrals.Service -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
        -o "$publish" -v q -nologo > "$state/publish.log" 2>&1 \
        || { tail -20 "$state/publish.log"; exit 1; }
fi

echo "production-shape: starting the infrastructure (AppHost, Referrals:ServiceInstances=0), log $state/infrastructure.log"
setsid dotnet run --project Referrals.AppHost -- --Referrals:ServiceInstances=0 > "$state/infrastructure.log" 2>&1 &
pids+=($!)
wait_for_port() {
    local port=$1 what=$2
    for _ in $(seq 1 600); do
        if (echo > "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then return 0; fi
        kill -0 "${pids[0]}" 2> /dev/null || { echo "production-shape: the AppHost exited" >&2; tail -20 "$state/infrastructure.log"; exit 1; }
        sleep 0.5
    done
    echo "production-shape: $what did not listen on $port" >&2; exit 1
}
wait_for_port $postgres_port Postgres; wait_for_port $redis_port Redis; wait_for_port $kafka_port "the Kafka dev broker"
wait_for_port $auth_port "the Auth stub"; wait_for_port $core_port "the Core stub"

# Only the plan's variables (and the secrets a deployment is given) reach the published binary, run in the publish
# folder like the image's working directory (the content root, where appsettings.json is read).
service_env=(env -i --chdir="$publish" PATH="$PATH" HOME="$HOME" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
    ASPNETCORE_ENVIRONMENT=Production
    REFERRALS_DB_HOST=127.0.0.1:$postgres_port REFERRALS_DB_NAME=referrals
    REFERRALS_REDIS_HOST=127.0.0.1:$redis_port KAFKA_BROKER=127.0.0.1:$kafka_port
    AUTH_HOST=http://127.0.0.1:$auth_port CORE_HOST=http://127.0.0.1:$core_port
    Shopify__AppSecret="$webhook_secret")

echo "production-shape: migrating (the published binary's migrate, as the owner)"
"${service_env[@]}" REFERRALS_DB_USER=postgres REFERRALS_DB_PASSWORD="${PRODUCTION_SHAPE_OWNER_PASSWORD:-referrals-dev-password}" \
    Database__RuntimePassword="$runtime_password" dotnet "$publish/Referrals.Service.dll" migrate > "$state/migrate.log" 2>&1 \
    || { tail -20 "$state/migrate.log"; exit 1; }
# The dev shop, so the benches (which sign as it) are served; the Core stub knows its customers.
"${service_env[@]}" REFERRALS_DB_USER=referrals_runtime REFERRALS_DB_PASSWORD="$runtime_password" \
    dotnet "$publish/Referrals.Service.dll" shops put 5f0c6a8e-0000-4000-8000-000000000001 --domain dev-shop.myshopify.com \
    > "$state/shops.log" 2>&1 || { tail -20 "$state/shops.log"; exit 1; }

starts=()
for i in 0 1; do
    name=referrals-shape-$((i + 1))
    starts+=("$(date +%s%N)")
    "${service_env[@]}" REFERRALS_DB_USER=referrals_runtime REFERRALS_DB_PASSWORD="$runtime_password" \
        Kestrel__Endpoints__Http__Url=http://0.0.0.0:${instance_http[$i]} \
        Kestrel__Endpoints__Grpc__Url=http://0.0.0.0:${instance_grpc[$i]} \
        ${PRODUCTION_SHAPE_SERVICE_SETTINGS:-} \
        setsid bash "$root/deploy/local/in-cgroup.sh" "$name" dotnet "$publish/Referrals.Service.dll" > "$state/$name.log" 2>&1 &
    pids+=($!)
done

python3 deploy/local/balancer.py "8080=${instance_http[0]},${instance_http[1]}" "50060=${instance_grpc[0]},${instance_grpc[1]}" \
    > "$state/balancer.log" 2>&1 &
pids+=($!)

# What a start costs the instance: under a 0.5-CPU quota its wall time is mostly its CPU time (user + system, all
# threads) over the quota, and that is the figure a loaded machine disturbs least.
seconds() { echo "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }
cpu_ms() { local stat; read -ra stat < "/proc/$1/stat"; echo $(( (stat[13] + stat[14]) * 1000 / $(getconf CLK_TCK) )); }
rss_mib() { awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$1/status"; }
for i in 0 1; do
    name=referrals-shape-$((i + 1))
    until [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${instance_http[$i]}/ready") == 200 ]]; do
        kill -0 "${pids[$((i + 1))]}" 2> /dev/null || { echo "production-shape: $name exited" >&2; tail -20 "$state/$name.log"; exit 1; }
        sleep 0.05
    done
    ready=$(( ($(date +%s%N) - starts[i]) / 1000000 ))
    echo "production-shape: $name ready in $(seconds $ready) s, CPU $(seconds "$(cpu_ms "${pids[$((i + 1))]}")") s, RSS $(rss_mib "${pids[$((i + 1))]}") MiB (HTTP 127.0.0.1:${instance_http[$i]}, gRPC 127.0.0.1:${instance_grpc[$i]}, log $state/$name.log)"
done

sleep 10
for i in 0 1; do
    echo "production-shape: referrals-shape-$((i + 1)) 10 s after ready: CPU $(seconds "$(cpu_ms "${pids[$((i + 1))]}")") s, RSS $(rss_mib "${pids[$((i + 1))]}") MiB"
done

cat <<SUMMARY
production-shape: up. Through the balancer: HTTP http://127.0.0.1:8080 (webhooks, /ready, /metrics), gRPC http://127.0.0.1:50060.
  Postgres 127.0.0.1:$postgres_port, Redis 127.0.0.1:$redis_port, Kafka 127.0.0.1:$kafka_port, Auth stub :$auth_port, Core stub :$core_port.
  Webhook secret: $webhook_secret (dev shop dev-shop.myshopify.com registered). Ctrl-C or SIGTERM stops everything.
SUMMARY
wait "${pids[@]}"
