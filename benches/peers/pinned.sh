#!/usr/bin/env bash
# Runs the side-by-side suite with the benchmark and the database servers
# on one CPU: `./pinned.sh [criterion arguments]`, e.g.
#
#   ./pinned.sh --save-baseline run0
#   ./pinned.sh 'trivial_query/postgres'
#
# Why: on this kind of machine (a 2-vCPU virtual machine) a round trip to
# PostgreSQL or MariaDB on loopback takes ~18 µs when the client and the
# server's process run on the same CPU and ~75 µs when they run on
# different ones (waking the other, idle, vCPU costs ~30 µs each way).
# Left to the scheduler, each connection's server process lands on either
# CPU and moves during a run, so two contestants of one benchmark could
# be timed in different modes: ratios moved by up to 30% from run to run.
# On one CPU each round trip costs the same for every contestant, and the
# client's own work is not hidden behind the server's.
#
# PEERS_CPU picks the CPU (default: the last one); PEERS_SERVER_CPU puts
# the servers on another one instead (client and server then overlap, and
# every round trip pays the wake-up of the other CPU). The servers' CPU
# affinity is set for the run (new PostgreSQL backends inherit it from the
# postmaster) and put back afterwards. Changing another user's processes
# needs root, as on the project's machines; scripts/db-up.sh starts the
# servers.
set -euo pipefail
cd "$(dirname "$0")"
cpu=${PEERS_CPU:-$(($(nproc) - 1))}
server_cpu=${PEERS_SERVER_CPU:-$cpu}

# Built first, on every CPU.
cargo bench --bench peers --no-run

declare -A saved=()
restore() {
  for p in "${!saved[@]}"; do
    taskset -a -p -c "${saved[$p]}" "$p" >/dev/null 2>&1 || true
  done
}
trap restore EXIT
for p in $(pgrep -x 'postgres|mariadbd|mysqld' || true); do
  saved[$p]=$(taskset -c -p "$p" | awk '{print $NF}')
  if ! taskset -a -c -p "$server_cpu" "$p" >/dev/null; then
    echo "pinned.sh: cannot set the CPU of server process $p (root needed)" >&2
    exit 1
  fi
done
echo "pinned.sh: the benchmark on CPU $cpu, ${#saved[@]} server processes on CPU $server_cpu" >&2
PEERS_PINNED=$cpu taskset -c "$cpu" cargo bench --bench peers -- "$@"
