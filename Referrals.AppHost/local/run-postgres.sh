#!/usr/bin/env bash
# Runs the local-mode PostgreSQL in the foreground for the AppHost. Development and tests only.
# Usage: run-postgres.sh <path-to-postgres> <data-dir> <port>
set -euo pipefail
postgres=$1
data_dir=$2
port=$3

# PostgreSQL refuses to run as root; the data folder belongs to the postgres user then.
run_as=()
if [ "$(id -u)" = 0 ]; then
  run_as=(setpriv --reuid=postgres --regid=postgres --init-groups)
fi

"${run_as[@]}" "$postgres" -D "$data_dir" -p "$port" \
  -c listen_addresses=127.0.0.1 -c unix_socket_directories="$data_dir" \
  -c max_connections=200 -c log_min_messages=warning &
server=$!

# The orchestrator stops a process with SIGTERM, which PostgreSQL reads as a *smart* shutdown that waits
# for every client to leave. Stopping the resource must stop the server now: turn it into a fast shutdown.
trap 'kill -INT "$server" 2>/dev/null' TERM INT
wait "$server" || true
wait "$server" 2>/dev/null || true
