#!/usr/bin/env bash
# Kills or starts one Galera node of scripts/cluster-up.sh (never another
# server), for the node-failure tests:
#   scripts/cluster-node.sh kill N      SIGKILL node N (1..3) by its PID file
#   scripts/cluster-node.sh start N     start it again; it rejoins the running
#                                       cluster (IST, else SST by rsync) and
#                                       the script returns once it is Synced
#                                       (at most 60 s, polled)
#   scripts/cluster-node.sh restart N   kill, then start
#   scripts/cluster-node.sh state N     its wsrep_local_state_comment
set -euo pipefail

dir=${SQLALGEBRA_CLUSTER_DIR:-/tmp/sqlalgebra-cluster}
action=${1:-}
n=${2:-}
case "$n" in 1 | 2 | 3) ;; *)
  echo "usage: $0 kill|start|restart|state 1|2|3" >&2
  exit 2
  ;;
esac
port=$((3339 + n))
cnf="$dir/galera$n.cnf"
[ -s "$cnf" ] || { echo "cluster-node: $cnf is missing; run scripts/cluster-up.sh" >&2; exit 1; }

state() {
  mysql -uroot -h127.0.0.1 -P"$port" --protocol=tcp -Nse \
    "show status like 'wsrep_local_state_comment'" 2>/dev/null | awk '{print $2}'
}

kill_node() {
  local pid
  pid=$(head -1 "$dir/galera$n.pid" 2>/dev/null || true)
  [ -n "$pid" ] || { echo "cluster-node: node $n has no PID file" >&2; exit 1; }
  kill -KILL "$pid" 2>/dev/null || true
  # Bounded: the process is gone within 10 s of SIGKILL.
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then echo "cluster-node: node $n ($pid) survived SIGKILL" >&2; exit 1; fi
  rm -f "$dir/galera$n.pid" "$dir/galera$n.sock"
}

start_node() {
  if [ "$(state)" = Synced ]; then return 0; fi
  setsid /usr/sbin/mariadbd --defaults-file="$cnf" --user=mysql \
    </dev/null >>"$dir/galera$n.out" 2>&1 &
  for _ in $(seq 1 240); do
    [ "$(state)" = Synced ] && return 0
    sleep 0.25
  done
  echo "cluster-node: node $n did not rejoin within 60 s; see $dir/galera$n.err" >&2
  exit 1
}

case "$action" in
  kill) kill_node ;;
  start) start_node ;;
  restart) kill_node; start_node ;;
  state) state ;;
  *) echo "usage: $0 kill|start|restart|state 1|2|3" >&2; exit 2 ;;
esac
