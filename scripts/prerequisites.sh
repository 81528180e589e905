#!/usr/bin/env bash
# Installs what the local-mode stack and the tests need and a fresh Debian machine may lack: redis-server, the
# PostgreSQL server binaries, prometheus (with promtool, for the alert rule tests), buf (npm's @bufbuild/buf, for the
# contract tests; npm from Debian if missing), and the clients the runbooks' commands use (docs/runbooks, run by
# Runbooks/RunbookSafeCommandsTests): psql and pg_isready (postgresql-client), redis-cli (redis-tools), kcat;
# and docker-compose, whose `config` validates deploy/compose.yaml (Deployment/ComposeFileTests; no daemon needed).
# The .NET SDK is assumed. Idempotent: installs nothing that is there.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
{ command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } || missing+=(prometheus)
if ! command -v postgres >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  missing+=(postgresql)
fi
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
{ command -v psql >/dev/null 2>&1 && command -v pg_isready >/dev/null 2>&1; } || missing+=(postgresql-client)
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)

BUF_VERSION=1.75.0
if ! command -v buf >/dev/null 2>&1 && ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} from Debian's packages..."
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v buf >/dev/null 2>&1; then
  echo "Installing buf ${BUF_VERSION} from npm..."
  $sudo npm install --global --silent "@bufbuild/buf@${BUF_VERSION}" >/dev/null
fi

# PostgreSQL refuses to run as root; as root the AppHost runs it as the postgres user.
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
fi
