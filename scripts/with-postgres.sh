#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL cluster of its own: a temporary data folder, a free
# port on 127.0.0.1, started with initdb/pg_ctl (as the postgres user when run as root), stopped and
# removed when the command ends, whatever its outcome. The command finds the cluster in
# STEMBUS_TEST_DATABASE_URL (postgres://postgres@127.0.0.1:PORT/postgres). No service is left running.
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail
[ "$#" -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ ! -x "${bin:-}/initdb" ]; then
  echo "with-postgres: no PostgreSQL server here; scripts/setup.sh test installs Debian's" >&2
  exit 1
fi
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

dir=$(mktemp -d /tmp/stembus-postgres.XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop_cluster() {
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop_cluster EXIT

as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
fsync = on
synchronous_commit = on
CONF
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2

export STEMBUS_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
status=0
"$@" || status=$?
exit "$status"
