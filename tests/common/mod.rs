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
#![allow(dead_code, unused_macros, unreachable_pub)]

use sqlalgebra::Engine;
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
    };
}
pub(crate) use on_all_backends;

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
