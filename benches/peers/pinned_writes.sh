#!/usr/bin/env bash
# Wall-clock times of the ORM's write shapes (insert 10 000 objects,
# update 1 000 loaded, delete 1 000 loaded) for the ORM, the raw drivers
# and Diesel, with the program and every database server process on one
# CPU (why: pinned.sh), as a Markdown table of medians and ratios:
#
#   cargo build --profile bench --bin profile
#   ./pinned_writes.sh [rounds]        # default 3 rounds
#
# Each round runs every contestant once per shape, in an order rotated by
# the round, with `profile`'s `PROFILE_TIME` (the measured parts only: the
# loads before an update or delete and the table resets are not timed).
# The servers' CPU affinity is put back afterwards; needs root, as
# pinned.sh.
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-3}
cpu=${PEERS_CPU:-$(($(nproc) - 1))}
profile=${PROFILE:-target/release/profile}

declare -A saved=()
restore() {
  for p in "${!saved[@]}"; do
    taskset -a -p -c "${saved[$p]}" "$p" >/dev/null 2>&1 || true
  done
}
trap restore EXIT
for p in $(pgrep -x 'postgres|mariadbd|mysqld' || true); do
  saved[$p]=$(taskset -c -p "$p" | awk '{print $NF}')
  if ! taskset -a -c -p "$cpu" "$p" >/dev/null; then
    echo "pinned_writes.sh: cannot set the CPU of server process $p (root needed)" >&2
    exit 1
  fi
done
echo "pinned_writes.sh: on CPU $cpu with ${#saved[@]} server processes, $rounds rounds" >&2

out=$(mktemp)
who=(orm raw diesel)
for ((r = 0; r < rounds; r++)); do
  for db in sqlite postgres mysql; do
    for shape in "write_insert 10000 3" "write_update 1000 10" "write_delete 1000 10"; do
      set -- $shape
      for k in 0 1 2; do
        w=${who[$(((k + r) % 3))]}
        t=$(PEERS_PINNED=$cpu PROFILE_TIME=1 taskset -c "$cpu" "$profile" "$db" "$1" "$w" "$2" "$3" 2>&1 \
          | sed -n "s/^$w: \(.*\) per iteration$/\1/p")
        echo "$db $1 $w $t" >>"$out"
      done
    done
  done
done

python3 - "$out" <<'EOF'
import re, statistics, sys
def secs(t):
    m = re.match(r"([\d.]+)(ns|µs|us|ms|s)$", t)
    v, u = float(m.group(1)), m.group(2)
    return v * {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1}[u]
runs = {}
for line in open(sys.argv[1]):
    db, shape, who, t = line.split(maxsplit=3)
    runs.setdefault((db, shape, who), []).append(secs(t.strip()))
names = {"write_insert": "insert 10 000 objects", "write_update": "update 1 000 loaded",
         "write_delete": "delete 1 000 loaded"}
dbs = {"sqlite": "SQLite", "postgres": "PostgreSQL", "mysql": "MySQL"}
print("| | ORM | raw | Diesel | ORM / raw | ORM / Diesel |")
print("|---|---:|---:|---:|---:|---:|")
for db in dbs:
    for shape in names:
        m = {w: statistics.median(runs[(db, shape, w)]) for w in ("orm", "raw", "diesel")}
        print(f"| {dbs[db]}, {names[shape]} | {m['orm']*1e3:.2f} ms | {m['raw']*1e3:.2f} ms "
              f"| {m['diesel']*1e3:.2f} ms | {m['orm']/m['raw']:.2f} | {m['orm']/m['diesel']:.2f} |")
EOF
rm -f "$out"
