#!/usr/bin/env bash
# Starts PostgreSQL and MariaDB on loopback for the test suite. Idempotent,
# needs no systemd, installs the servers from Debian's packages if missing.
# Afterwards:
#   postgres://postgres@127.0.0.1:5432/test   (trust auth)
#   mysql://root@127.0.0.1:3306/test          (root, empty password)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if ! command -v pg_ctlcluster >/dev/null || ! command -v mariadbd >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql mariadb-server >/dev/null
fi

# --- PostgreSQL: trust on loopback, running, database "test" ---
pg_version=$(ls /etc/postgresql | sort -V | tail -1)
hba=/etc/postgresql/$pg_version/main/pg_hba.conf
if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
  sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
fi
if pg_ctlcluster --skip-systemctl-redirect "$pg_version" main status >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$pg_version" main reload
else
  pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start
fi
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 0.5
done
if ! psql -h 127.0.0.1 -U postgres -Atc "select 1 from pg_database where datname = 'test'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -qc 'create database test'
fi

# --- MariaDB: running, root over TCP with an empty password, database "test" ---
install -d -o mysql -g mysql /run/mysqld
if ! mysqladmin --protocol=socket ping >/dev/null 2>&1; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  for _ in $(seq 1 60); do
    mysqladmin --protocol=socket ping >/dev/null 2>&1 && break
    sleep 0.5
  done
fi
if ! mysql -uroot -h127.0.0.1 -P3306 --protocol=tcp -e 'select 1' >/dev/null 2>&1; then
  mysql -uroot --protocol=socket <<'SQL'
ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
fi
mysql -uroot -h127.0.0.1 -P3306 --protocol=tcp -e 'CREATE DATABASE IF NOT EXISTS test'

psql -h 127.0.0.1 -U postgres -d test -Atc 'select 1' >/dev/null
mysql -uroot -h127.0.0.1 -P3306 --protocol=tcp test -e 'select 1' >/dev/null
echo "db-up: postgres://postgres@127.0.0.1:5432/test and mysql://root@127.0.0.1:3306/test are ready"
