//! The shared test harness: one generic test body runs on every backend.
//!
//! A test is a function generic over the backend that takes a fresh,
//! private engine:
//!
//! ```ignore
//! fn inserts_a_row<B: Backend>(engine: &Engine<B>) -> Result<()> { ... }
//! on_all_backends!(inserts_a_row);
//! ```
//!
//! `on_all_backends!` makes one `#[test]` per backend. Each engine points
//! at its own database (SQLite: a fresh in-memory database; servers: a
//! fresh schema / database named after the test), so tests run in
//! parallel without seeing each other's tables.
#![allow(dead_code, unused_macros, unused_imports, unreachable_pub)]

use sqlalgebra::Engine;
use sqlalgebra::PoolOptions;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

/// Whether an unreachable server fails the test instead of skipping it.
pub fn require_servers() -> bool {
    std::env::var("SQLALGEBRA_REQUIRE_SERVERS").is_ok_and(|v| v == "1")
}

/// A fresh in-memory SQLite engine for the test `name`.
pub fn sqlite(name: &str) -> Engine<Sqlite> {
    let _ = name;
    Sqlite::memory().expect("open in-memory SQLite")
}

/// The MySQL / MariaDB server the tests use: `SQLALGEBRA_MYSQL_URL`, by
/// default `mysql://root@127.0.0.1:3306/test`.
pub fn mysql_url() -> String {
    std::env::var("SQLALGEBRA_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".to_owned())
}

/// `url` with its database replaced by `database` (query options kept).
pub fn mysql_url_with_database(url: &str, database: &str) -> String {
    let (base, options) = match url.split_once('?') {
        Some((base, options)) => (base, Some(options)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{database}", &base[..authority_end]);
    if let Some(options) = options {
        out.push('?');
        out.push_str(options);
    }
    out
}

/// The private database of the test `name` in this test binary:
/// `sqlalgebra_t_<binary>_<name>`, shortened to MySQL's 64 characters.
pub fn mysql_database(name: &str) -> String {
    let full = format!("sqlalgebra_t_{}_{name}", env!("CARGO_CRATE_NAME"));
    if full.len() <= 64 {
        return full;
    }
    // Too long: keep a prefix and add a hash of the whole name.
    let hash = full.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{}_{hash:016x}", &full[..64 - 17])
}

/// A pooled engine (size 2, overflow 4) over a fresh MySQL / MariaDB
/// database private to the test `name`, dropped and recreated (utf8mb4,
/// binary NO PAD collation, as on the other backends) first.
///
/// When the server is unreachable, prints a notice and returns `None`,
/// unless [`require_servers`] is on: then it panics.
pub fn mysql(name: &str) -> Option<Engine<sqlalgebra_mysql::Mysql>> {
    mysql_with(
        name,
        &sqlalgebra::PoolOptions::default().size(2).overflow(4),
    )
}

/// [`mysql`] with other pool options.
pub fn mysql_with(
    name: &str,
    options: &sqlalgebra::PoolOptions,
) -> Option<Engine<sqlalgebra_mysql::Mysql>> {
    use sqlalgebra::Connection;
    let url = mysql_url();
    let mut admin = match sqlalgebra_mysql::MysqlConnection::open(&url) {
        Ok(c) => c,
        Err(err) => {
            if require_servers() {
                panic!("MySQL unreachable at {url}: {err} (SQLALGEBRA_REQUIRE_SERVERS=1)");
            }
            // Straight to stderr: the test harness would swallow eprintln!
            // of a passing test.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: MySQL unreachable at {url}: {err}"
            );
            return None;
        }
    };
    let database = mysql_database(name);
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS `{database}`"))
        .expect("drop the test database");
    // A binary NO PAD collation compares as SQLite and PostgreSQL do
    // (case-sensitive, "a" <> "a "): MariaDB's, else MySQL 8's, else the
    // PAD SPACE binary one of older servers.
    let created = ["utf8mb4_nopad_bin", "utf8mb4_0900_bin", "utf8mb4_bin"]
        .iter()
        .find_map(|collation| {
            admin
                .batch_execute(&format!(
                    "CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE {collation}"
                ))
                .ok()
        });
    assert!(created.is_some(), "create the test database {database}");
    let engine =
        sqlalgebra_mysql::Mysql::connect_with(&mysql_url_with_database(&url, &database), options)
            .expect("connect to the test database");
    Some(engine)
}

pub fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}

/// The PostgreSQL server the tests use: `SQLALGEBRA_PG_URL`, by default
/// `postgres://postgres@127.0.0.1:5432/test`.
pub fn postgres_url() -> String {
    std::env::var("SQLALGEBRA_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// The private schema of the test `name` in this test binary:
/// `sqlalgebra_t_<binary>_<name>`, lowercase, at most 63 bytes.
pub fn postgres_schema(name: &str) -> String {
    let full = format!("sqlalgebra_t_{}_{name}", env!("CARGO_CRATE_NAME"));
    let mut schema: String = full
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if schema.len() > 63 {
        // Keep it unique: a hash of the full name replaces the tail.
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        full.hash(&mut h);
        schema.truncate(54);
        schema.push_str(&format!("_{:08x}", h.finish() as u32));
    }
    schema
}

/// A PostgreSQL engine for the test `name` with the harness's pool (size 2,
/// overflow 4), or `None` (after a loud notice) when the server is
/// unreachable and `SQLALGEBRA_REQUIRE_SERVERS` is not `1`.
pub fn postgres(name: &str) -> Option<Engine<Postgres>> {
    postgres_with(name, &PoolOptions::default().size(2).overflow(4))
}

/// [`postgres`] with pool options. The test's schema is dropped (CASCADE)
/// and created anew, and every pooled connection has it as its only
/// `search_path`, so tests running in parallel never see each other's
/// tables.
pub fn postgres_with(name: &str, options: &PoolOptions) -> Option<Engine<Postgres>> {
    use sqlalgebra_postgres::postgres::{Config, NoTls};

    let url = postgres_url();
    let mut config: Config = url
        .parse()
        .unwrap_or_else(|e| panic!("SQLALGEBRA_PG_URL={url} does not parse: {e}"));
    config.connect_timeout(std::time::Duration::from_secs(5));
    let mut admin = match config.connect(NoTls) {
        Ok(client) => client,
        Err(err) => {
            let err = sqlalgebra_postgres::PgError::from(err);
            if require_servers() {
                panic!("PostgreSQL unreachable at {url} (SQLALGEBRA_REQUIRE_SERVERS=1): {err}");
            }
            skipped(&format!("PostgreSQL unreachable at {url}: {err}"));
            return None;
        }
    };
    let schema = postgres_schema(name);
    if let Ok(proxy) = std::env::var("SQLALGEBRA_PG_PROXY_URL") {
        return Some(through_proxy(&mut admin, &proxy, &schema, options));
    }
    admin
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE; CREATE SCHEMA \"{schema}\""
        ))
        .unwrap_or_else(|e| panic!("cannot create schema {schema}: {e}"));
    config.options(&format!("-c search_path={schema}"));
    Some(Postgres::connect_config(config, options).expect("PostgreSQL engine"))
}

/// The engine of [`postgres_with`] when `SQLALGEBRA_PG_PROXY_URL` names a
/// proxy pooling by transaction (pgbouncer) in front of the server of
/// `SQLALGEBRA_PG_URL`: a proxy forwards no `search_path` option, so the
/// test gets a database of its own (named as its schema would be, created
/// through `admin`, reached through the proxy's wildcard entry), and the
/// proxy URL's parameters (`statements=unnamed`) apply.
fn through_proxy(
    admin: &mut sqlalgebra_postgres::postgres::Client,
    proxy: &str,
    database: &str,
    options: &PoolOptions,
) -> Engine<Postgres> {
    // Two statements: neither runs inside a transaction block.
    for sql in [
        format!("DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)"),
        format!("CREATE DATABASE \"{database}\""),
    ] {
        admin.batch_execute(&sql).unwrap_or_else(|e| {
            panic!(
                "cannot create database {database}: {}",
                sqlalgebra_postgres::PgError::from(e)
            )
        });
    }
    let url = proxy_url_for(proxy, database);
    Postgres::connect_with(&url, options).expect("PostgreSQL engine through the proxy")
}

/// The URL of database `database` through the proxy of `proxy` (a URL
/// naming any database), with the proxy URL's parameters.
pub fn proxy_url_for(proxy: &str, database: &str) -> String {
    let (base, params) = proxy.split_once('?').unwrap_or((proxy, ""));
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    format!("{server}/{database}?{params}")
}

/// Where the async tests of `name` connect when `SQLALGEBRA_PG_PROXY_URL`
/// is set: the database [`postgres`] created for `name`, through the
/// proxy. `None` without a proxy.
pub fn postgres_proxy_url(name: &str) -> Option<String> {
    let proxy = std::env::var("SQLALGEBRA_PG_PROXY_URL").ok()?;
    Some(proxy_url_for(&proxy, &postgres_schema(name)))
}

/// Makes one `#[test]` per backend for each generic test function named.
macro_rules! on_all_backends {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $test() {
                    let engine = $crate::common::sqlite(stringify!($test));
                    super::$test(&engine).unwrap();
                }
            )*
        }
        mod mysql {
            $(
                #[test]
                fn $test() {
                    if let Some(engine) = $crate::common::mysql(stringify!($test)) {
                        super::$test(&engine).unwrap();
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $test() {
                    if let Some(engine) = $crate::common::postgres(stringify!($test)) {
                        super::$test(&engine).unwrap();
                    }
                }
            )*
        }
    };
}
pub(crate) use on_all_backends;

pub mod collation;
pub mod schema;

/// A connection of `engine` with the shared [`schema`] created.
pub fn setup<B: sqlalgebra::Backend>(
    engine: &Engine<B>,
) -> sqlalgebra::Result<sqlalgebra::Pooled<B>> {
    let mut conn = engine.connect()?;
    sqlalgebra::schema::create_all::<schema::All>(&mut conn)?;
    Ok(conn)
}

/// The error of `result`, which must have failed.
#[track_caller]
pub fn expect_err<T: std::fmt::Debug>(result: sqlalgebra::Result<T>) -> sqlalgebra::Error {
    match result {
        Ok(v) => panic!("expected an error, got Ok({v:?})"),
        Err(e) => e,
    }
}
