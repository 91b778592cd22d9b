//! An engine's isolation level: every connection is handed out with it,
//! and one whose level was changed gets it back at its next checkout (a
//! pool of one connection, so the same session comes back).

use super::common;
use super::locking_common::{Logged, accounts};
use super::{is_sqlite, on_postgres, session_id, session_level, transaction_level};
use sqlalgebra::prelude::*;
use sqlalgebra::{Backend, Engine, ErrorKind, IsolationLevel, PoolOptions, Result};
use sqlalgebra_sqlite::Sqlite;

use IsolationLevel::{Autocommit, ReadCommitted, RepeatableRead, Serializable};

fn one_connection(level: IsolationLevel) -> PoolOptions {
    PoolOptions::default()
        .size(1)
        .overflow(0)
        .isolation_level(level)
}

fn engine_level_comes_back<B: Backend>(engine: &Engine<B>) -> Result<()> {
    assert_eq!(engine.isolation_level(), Some(Serializable));
    let mut conn = engine.connect()?;
    accounts(&mut conn, 1, 100)?;
    assert_eq!(conn.isolation_level(), Some(Serializable));
    if is_sqlite(&conn) {
        conn.set_isolation_level(Some(Autocommit))?;
        drop(conn);
        let mut conn = Logged::new(engine.connect()?);
        assert_eq!(conn.isolation_level(), Some(Serializable));
        conn.transaction(|tx| {
            update(super::Accounts)
                .set(super::Balance.set(3))
                .execute(tx)
        })?;
        assert_eq!(conn.log[0], "BEGIN IMMEDIATE");
        assert_eq!(super::balances(&mut conn)?, [(1, 3)]);
        return Ok(());
    }
    let id = session_id(&mut conn)?;
    assert_eq!(session_level(&mut conn)?, "SERIALIZABLE");
    assert_eq!(
        conn.transaction(transaction_level)?,
        on_postgres(&conn, "SERIALIZABLE")
    );
    conn.set_isolation_level(Some(ReadCommitted))?;
    assert_eq!(session_level(&mut conn)?, "READ COMMITTED");
    drop(conn);

    let mut conn = engine.connect()?;
    assert_eq!(session_id(&mut conn)?, id, "the same pooled session");
    assert_eq!(conn.isolation_level(), Some(Serializable));
    assert_eq!(session_level(&mut conn)?, "SERIALIZABLE");
    // A per-transaction level leaves the engine's in place.
    assert_eq!(
        conn.transaction_with(RepeatableRead, transaction_level)?,
        on_postgres(&conn, "REPEATABLE READ")
    );
    assert_eq!(session_level(&mut conn)?, "SERIALIZABLE");
    assert_eq!(
        conn.transaction(transaction_level)?,
        on_postgres(&conn, "SERIALIZABLE")
    );
    conn.set_isolation_level(Some(Autocommit))?;
    drop(conn);

    let mut conn = engine.connect()?;
    assert_eq!(session_id(&mut conn)?, id);
    assert_eq!(conn.isolation_level(), Some(Serializable));
    assert_eq!(
        conn.transaction(transaction_level)?,
        on_postgres(&conn, "SERIALIZABLE")
    );
    Ok(())
}

#[test]
fn sqlite_engine_level_comes_back() {
    let engine = Sqlite::memory_with(&one_connection(Serializable)).unwrap();
    engine_level_comes_back(&engine).unwrap();
}

#[test]
fn postgres_engine_level_comes_back() {
    if let Some(engine) = common::postgres_with("engine_level", &one_connection(Serializable)) {
        engine_level_comes_back(&engine).unwrap();
    }
}

#[test]
fn mysql_engine_level_comes_back() {
    if let Some(engine) = common::mysql_with("engine_level", &one_connection(Serializable)) {
        engine_level_comes_back(&engine).unwrap();
    }
}

/// An engine level the dialect lacks fails when the engine is built.
#[test]
fn sqlite_engine_refuses_read_committed() {
    let e = Sqlite::memory_with(&one_connection(ReadCommitted)).unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::Unsupported {
                dialect: "sqlite",
                feature: "isolation level READ COMMITTED"
            }
        ),
        "{e:?}"
    );
    let autocommit = Sqlite::memory_with(&one_connection(Autocommit)).unwrap();
    assert_eq!(
        autocommit.connect().unwrap().isolation_level(),
        Some(Autocommit)
    );
}
