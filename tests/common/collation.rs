//! Databases with the server's own default collation, as a user's database
//! usually is (the harness's [`super::mysql`] forces a binary one).

use sqlalgebra::{Connection, Engine, PoolOptions};

/// A pooled engine (size 2, overflow 4) over a fresh MySQL / MariaDB
/// database private to the test `name`, created with no `CHARACTER SET`
/// or `COLLATE` clause: it has the server's defaults (MariaDB on Debian:
/// `utf8mb4` with `utf8mb4_general_ci`, which folds case and accents and
/// takes every emoji for every other; MySQL 8: `utf8mb4_0900_ai_ci`).
///
/// Its name is [`super::mysql_database`]`(name)`, so it cannot clash with
/// the binary one of a test of another name. Skips (`None`) or panics as
/// [`super::mysql`] does when the server is unreachable.
pub fn mysql_default_collation(name: &str) -> Option<Engine<sqlalgebra_mysql::Mysql>> {
    let url = super::mysql_url();
    let mut admin = match sqlalgebra_mysql::MysqlConnection::open(&url) {
        Ok(c) => c,
        Err(err) => {
            if super::require_servers() {
                panic!("MySQL unreachable at {url}: {err} (SQLALGEBRA_REQUIRE_SERVERS=1)");
            }
            super::skipped(&format!("MySQL unreachable at {url}: {err}"));
            return None;
        }
    };
    let database = super::mysql_database(name);
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS `{database}`"))
        .expect("drop the test database");
    admin
        .batch_execute(&format!("CREATE DATABASE `{database}`"))
        .expect("create the test database with the server's defaults");
    let options = PoolOptions::default().size(2).overflow(4);
    let url = super::mysql_url_with_database(&url, &database);
    Some(
        sqlalgebra_mysql::Mysql::connect_with(&url, &options)
            .expect("connect to the test database"),
    )
}
