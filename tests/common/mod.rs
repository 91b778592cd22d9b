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

/// Says loudly that a test was skipped. The notice goes to the process's
/// stderr directly, so the test harness's output capture does not hide it.
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
    admin
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE; CREATE SCHEMA \"{schema}\""
        ))
        .unwrap_or_else(|e| panic!("cannot create schema {schema}: {e}"));
    config.options(&format!("-c search_path={schema}"));
    Some(Postgres::connect_config(config, options).expect("PostgreSQL engine"))
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
