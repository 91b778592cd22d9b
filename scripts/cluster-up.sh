#!/usr/bin/env bash
# Starts the clusters of the scale-out tests on loopback, in temporary data
# directories under $SQLALGEBRA_CLUSTER_DIR (default /tmp/sqlalgebra-cluster),
# each on its own ports; never touches the servers of scripts/db-up.sh
# (5432, 3306). Idempotent: what runs already is left running. Installs what
# it needs from Debian's packages when missing. Afterwards:
#   postgres://postgres@127.0.0.1:5440/test   PostgreSQL primary (trust)
#   postgres://postgres@127.0.0.1:5441/test   its hot standby (streaming replication)
#   postgres://postgres@127.0.0.1:6440/test   pgbouncer, transaction pooling, in front of 5440
#   mysql://root@127.0.0.1:3340/test          MariaDB Galera node 1 (and 3341, 3342)
# scripts/cluster-down.sh stops exactly these.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

dir=${SQLALGEBRA_CLUSTER_DIR:-/tmp/sqlalgebra-cluster}
pg_primary=5440
pg_standby=5441
bouncer=6440
galera_sql=(3340 3341 3342)
galera_gcomm=(4640 4641 4642)
galera_ist=(4650 4651 4652)
galera_sst=(4660 4661 4662)

# --- packages ---
need=()
command -v pg_config >/dev/null || need+=(postgresql)
command -v mariadbd >/dev/null || need+=(mariadb-server)
[ -e /usr/lib/galera/libgalera_smm.so ] || need+=(galera-4)
command -v rsync >/dev/null || need+=(rsync)
[ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

# Sticky and writable by all: the postgres and mysql users keep their
# logs, sockets and PID files here.
install -d -m 1777 "$dir"
as_pg() { runuser -u postgres -- "$@"; }
for log in pg-primary.log pg-standby.log; do
  touch "$dir/$log" && chown postgres:postgres "$dir/$log"
done
wait_for() { # command... : up to 30 s
  for _ in $(seq 1 120); do "$@" >/dev/null 2>&1 && return 0; sleep 0.25; done
  return 1
}

# --- PostgreSQL primary + hot standby ---
if ! "$pgbin/pg_isready" -q -h 127.0.0.1 -p $pg_primary; then
  if [ ! -s "$dir/pg-primary/PG_VERSION" ]; then
    rm -rf "$dir/pg-primary"
    install -d -o postgres -g postgres -m 700 "$dir/pg-primary"
    as_pg "$pgbin/initdb" -D "$dir/pg-primary" -U postgres -A trust >/dev/null
    cat >>"$dir/pg-primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $pg_primary
unix_socket_directories = '$dir'
wal_level = replica
max_wal_senders = 5
hot_standby = on
fsync = off
# Commits wait for nothing (synchronous_commit = off), but a transaction may
# ask to wait until the standby applied it: SET LOCAL synchronous_commit =
# remote_apply (the tests do, to read their writes on the standby).
synchronous_commit = off
synchronous_standby_names = '*'
full_page_writes = off
shared_buffers = 32MB
max_connections = 120
EOF
  fi
  as_pg "$pgbin/pg_ctl" -D "$dir/pg-primary" -l "$dir/pg-primary.log" -w -t 60 start >/dev/null
fi
if ! as_pg "$pgbin/psql" -h 127.0.0.1 -p $pg_primary -U postgres -Atc \
  "select 1 from pg_database where datname = 'test'" | grep -q 1; then
  as_pg "$pgbin/psql" -h 127.0.0.1 -p $pg_primary -U postgres -qc 'create database test'
fi
if ! "$pgbin/pg_isready" -q -h 127.0.0.1 -p $pg_standby; then
  if [ ! -s "$dir/pg-standby/PG_VERSION" ]; then
    rm -rf "$dir/pg-standby"
    install -d -o postgres -g postgres -m 700 "$dir/pg-standby"
    as_pg "$pgbin/pg_basebackup" -h 127.0.0.1 -p $pg_primary -U postgres \
      -D "$dir/pg-standby" -R -X stream -c fast
    cat >>"$dir/pg-standby/postgresql.conf" <<EOF
port = $pg_standby
EOF
  fi
  as_pg "$pgbin/pg_ctl" -D "$dir/pg-standby" -l "$dir/pg-standby.log" -w -t 60 start >/dev/null
fi
# The tests stop and start the standby with this (only this cluster's).
cat >"$dir/standby.sh" <<EOF
#!/usr/bin/env bash
# $dir/standby.sh stop|start: the hot standby on $pg_standby.
set -euo pipefail
case "\$1" in
  stop) runuser -u postgres -- "$pgbin/pg_ctl" -D "$dir/pg-standby" -m immediate -w -t 60 stop >/dev/null ;;
  start) runuser -u postgres -- "$pgbin/pg_ctl" -D "$dir/pg-standby" -l "$dir/pg-standby.log" -w -t 60 start >/dev/null ;;
  *) echo "usage: \$0 stop|start" >&2; exit 2 ;;
esac
EOF
chmod 755 "$dir/standby.sh"

# --- pgbouncer, transaction pooling, in front of the primary ---
if ! "$pgbin/pg_isready" -q -h 127.0.0.1 -p $bouncer; then
  install -d -o postgres -g postgres -m 755 "$dir/pgbouncer"
  echo '"postgres" ""' >"$dir/pgbouncer/userlist.txt"
  cat >"$dir/pgbouncer/pgbouncer.ini" <<EOF
[databases]
* = host=127.0.0.1 port=$pg_primary

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer
unix_socket_dir =
auth_type = trust
auth_file = $dir/pgbouncer/userlist.txt
pool_mode = transaction
max_client_conn = 400
default_pool_size = 10
max_user_connections = 90
server_reset_query =
ignore_startup_parameters = extra_float_digits
pidfile = $dir/pgbouncer/pgbouncer.pid
logfile = $dir/pgbouncer/pgbouncer.log
admin_users = postgres
EOF
  chown -R postgres:postgres "$dir/pgbouncer"
  as_pg /usr/sbin/pgbouncer -q -d "$dir/pgbouncer/pgbouncer.ini"
  wait_for "$pgbin/pg_isready" -q -h 127.0.0.1 -p $bouncer
fi

# --- MariaDB Galera, three nodes ---
galera_ping() { mysqladmin -uroot -h127.0.0.1 -P"$1" --protocol=tcp ping; }
galera_synced() {
  mysql -uroot -h127.0.0.1 -P"$1" --protocol=tcp -Nse \
    "show status like 'wsrep_local_state_comment'" 2>/dev/null | grep -q Synced
}
galera_conf() { # node index
  local i=$1 gcomm
  gcomm=$(printf '127.0.0.1:%s,' "${galera_gcomm[@]}")
  cat >"$dir/galera$((i + 1)).cnf" <<EOF
[mysqld]
datadir = $dir/galera$((i + 1))
socket = $dir/galera$((i + 1)).sock
pid-file = $dir/galera$((i + 1)).pid
log-error = $dir/galera$((i + 1)).err
port = ${galera_sql[$i]}
bind-address = 127.0.0.1
binlog_format = ROW
default_storage_engine = InnoDB
innodb_autoinc_lock_mode = 2
innodb_flush_log_at_trx_commit = 0
innodb_buffer_pool_size = 64M
innodb_log_file_size = 16M
skip-log-bin
wsrep_on = ON
wsrep_provider = /usr/lib/galera/libgalera_smm.so
wsrep_cluster_name = sqlalgebra_test
wsrep_cluster_address = gcomm://${gcomm%,}
wsrep_node_name = node$((i + 1))
wsrep_node_address = 127.0.0.1
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:${galera_gcomm[$i]};ist.recv_addr=127.0.0.1:${galera_ist[$i]};gcache.size=16M"
wsrep_sst_receive_address = 127.0.0.1:${galera_sst[$i]}
wsrep_sst_method = rsync
wsrep_slave_threads = 2
EOF
}
galera_start() { # node index, extra args...
  local i=$1
  shift
  setsid /usr/sbin/mariadbd --defaults-file="$dir/galera$((i + 1)).cnf" --user=mysql "$@" \
    </dev/null >>"$dir/galera$((i + 1)).out" 2>&1 &
}
running=()
for i in 0 1 2; do
  if galera_ping "${galera_sql[$i]}" >/dev/null 2>&1; then running+=("$i"); fi
done
if [ ${#running[@]} -eq 0 ]; then
  # Nothing runs: bootstrap a new cluster from scratch (seconds, and no
  # question of which node is safe to bootstrap from).
  for i in 0 1 2; do
    rm -rf "$dir/galera$((i + 1))" "$dir/galera$((i + 1)).err" "$dir/galera$((i + 1)).out"
    install -d -o mysql -g mysql -m 750 "$dir/galera$((i + 1))"
    galera_conf "$i"
  done
  mariadb-install-db --defaults-file="$dir/galera1.cnf" --user=mysql --skip-test-db \
    --auth-root-authentication-method=normal >/dev/null
  galera_start 0 --wsrep-new-cluster
  wait_for galera_synced "${galera_sql[0]}"
  mysql -uroot -h127.0.0.1 -P"${galera_sql[0]}" --protocol=tcp <<'SQL'
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS test;
SQL
  running=(0)
fi
for i in 0 1 2; do
  if [[ " ${running[*]} " != *" $i "* ]]; then
    install -d -o mysql -g mysql -m 750 "$dir/galera$((i + 1))"
    galera_conf "$i"
    galera_start "$i"
    # One joiner at a time: each takes its state (SST) from a synced node.
    wait_for galera_synced "${galera_sql[$i]}" || {
      echo "cluster-up: Galera node $((i + 1)) did not join; see $dir/galera$((i + 1)).err" >&2
      exit 1
    }
  fi
done

"$pgbin/psql" -h 127.0.0.1 -p $pg_standby -U postgres -d test -Atc 'select pg_is_in_recovery()' | grep -q t
"$pgbin/psql" -h 127.0.0.1 -p $bouncer -U postgres -d test -Atc 'select 1' >/dev/null
size=$(mysql -uroot -h127.0.0.1 -P"${galera_sql[2]}" --protocol=tcp -Nse \
  "show status like 'wsrep_cluster_size'" | awk '{print $2}')
[ "$size" = 3 ] || { echo "cluster-up: Galera cluster size is $size, not 3" >&2; exit 1; }
echo "cluster-up: PostgreSQL primary :$pg_primary, standby :$pg_standby, pgbouncer :$bouncer;" \
  "Galera :${galera_sql[0]} :${galera_sql[1]} :${galera_sql[2]} (data in $dir)"
