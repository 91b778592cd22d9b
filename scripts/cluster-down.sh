#!/usr/bin/env bash
# Stops what scripts/cluster-up.sh started, by the PIDs in its data
# directory, and nothing else; `--purge` also removes the data directory.
set -uo pipefail

dir=${SQLALGEBRA_CLUSTER_DIR:-/tmp/sqlalgebra-cluster}
[ -d "$dir" ] || exit 0
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

stop_pid() { # pid file
  local pid
  [ -s "$1" ] || return 0
  pid=$(head -1 "$1")
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  kill -KILL "$pid" 2>/dev/null
}

stop_pid "$dir/pgbouncer/pgbouncer.pid"
for node in galera3 galera2 galera1; do stop_pid "$dir/$node.pid"; done
for pg in pg-standby pg-primary; do
  if [ -s "$dir/$pg/postmaster.pid" ]; then
    runuser -u postgres -- "$pgbin/pg_ctl" -D "$dir/$pg" -m fast -w stop >/dev/null 2>&1 ||
      stop_pid "$dir/$pg/postmaster.pid"
  fi
done
if [ "${1:-}" = --purge ]; then rm -rf "$dir"; fi
echo "cluster-down: stopped the clusters in $dir"
