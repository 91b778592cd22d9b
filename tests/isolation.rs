//! Isolation levels per engine, connection and transaction, checked on the
//! servers (`current_setting('transaction_isolation')`, InnoDB's
//! `innodb_trx`) and by what a transaction sees; AUTOCOMMIT sessions that
//! send no transaction statements; pooled connections that come back at
//! the engine's level; SQLite's typed refusals.

mod common;
mod locking_common;

use common::{expect_err, on_all_backends};
use locking_common::{Account, Accounts, Balance, Id, Logged, accounts, balances};
use sqlalgebra::prelude::*;
use sqlalgebra::{Backend, Engine, Error, ErrorKind, IsolationLevel, Result};

use IsolationLevel::{Autocommit, ReadCommitted, ReadUncommitted, RepeatableRead, Serializable};

const LEVELS: [IsolationLevel; 4] = [ReadUncommitted, ReadCommitted, RepeatableRead, Serializable];

fn is_sqlite(conn: &impl Connection) -> bool {
    conn.dialect().name() == "sqlite"
}

/// `REPEATABLE-READ`, `repeatable read` -> `REPEATABLE READ`.
fn normalized(level: String) -> String {
    level.to_ascii_uppercase().replace('-', " ")
}

/// The level of the transaction open on `conn`, as PostgreSQL says; on
/// MariaDB, `None`: neither `@@tx_isolation` (the session's) nor
/// `information_schema.innodb_trx` (which keeps the level of the
/// connection's first transaction) tells, so `levels_change_what_is_seen`
/// checks it by what a transaction sees.
fn transaction_level(conn: &mut impl Connection) -> Result<Option<String>> {
    if conn.dialect().name() != "postgresql" {
        return Ok(None);
    }
    text("SELECT current_setting('transaction_isolation')")
        .returns::<Text>()
        .get(conn)
        .map(|l| Some(normalized(l)))
}

/// `Some(level)` on PostgreSQL, `None` elsewhere (see [`transaction_level`]).
fn on_postgres(conn: &impl Connection, level: &str) -> Option<String> {
    (conn.dialect().name() == "postgresql").then(|| level.to_owned())
}

/// The level the connection's next transactions get, as the server says.
fn session_level(conn: &mut impl Connection) -> Result<String> {
    let sql = match conn.dialect().name() {
        "postgresql" => "SELECT current_setting('default_transaction_isolation')",
        "mariadb" => "SELECT @@SESSION.tx_isolation",
        _ => "SELECT @@SESSION.transaction_isolation",
    };
    text(sql).returns::<Text>().get(conn).map(normalized)
}

/// The server's id of the session (to tell pooled connections apart).
fn session_id(conn: &mut impl Connection) -> Result<i64> {
    let sql = match conn.dialect().name() {
        "postgresql" => "SELECT pg_backend_pid()::int8",
        _ => "SELECT CAST(CONNECTION_ID() AS SIGNED)",
    };
    text(sql).returns::<BigInt>().get(conn)
}

/// Each level, for one transaction and as the connection's setting, is
/// the one the server runs; `None` restores the server's default.
fn levels_take_effect<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    accounts(&mut conn, 1, 100)?;
    if is_sqlite(&conn) {
        for level in [ReadUncommitted, ReadCommitted, RepeatableRead] {
            let e = expect_err(conn.set_isolation_level(Some(level)));
            assert!(
                matches!(e.kind(), ErrorKind::Unsupported { dialect: "sqlite", feature } if *feature == level.feature()),
                "{e:?}"
            );
            let e = expect_err(conn.transaction_with(level, |_| Ok::<_, Error>(())));
            assert!(matches!(e.kind(), ErrorKind::Unsupported { .. }), "{e:?}");
        }
        let mut logged = Logged::new(conn);
        logged.set_isolation_level(Some(Serializable))?;
        assert_eq!(logged.isolation_level(), Some(Serializable));
        logged.transaction_with(Serializable, |tx| {
            update(Accounts).set(Balance.set(7)).execute(tx)
        })?;
        assert_eq!(
            logged.log[..2],
            [
                "BEGIN IMMEDIATE",
                r#"UPDATE "locking18_accounts" SET "balance" = ?"#
            ]
        );
        assert_eq!(balances(&mut logged)?, [(1, 7)]);
        return Ok(());
    }
    let default = session_level(&mut conn)?;
    for level in LEVELS {
        let seen = conn.transaction_with(level, transaction_level)?;
        assert_eq!(seen, on_postgres(&conn, level.sql()));
        // One transaction only: the connection's level is unchanged.
        assert_eq!(session_level(&mut conn)?, default);
        assert_eq!(conn.isolation_level(), None);

        conn.set_isolation_level(Some(level))?;
        assert_eq!(conn.isolation_level(), Some(level));
        assert_eq!(session_level(&mut conn)?, level.sql());
        assert_eq!(
            conn.transaction(transaction_level)?,
            on_postgres(&conn, level.sql())
        );
        conn.set_isolation_level(None)?;
        assert_eq!(session_level(&mut conn)?, default);
    }
    Ok(())
}

/// What a transaction sees of another's commit: REPEATABLE READ keeps its
/// snapshot, READ COMMITTED sees it.
fn levels_change_what_is_seen<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut a = engine.connect()?;
    accounts(&mut a, 1, 100)?;
    if is_sqlite(&a) {
        return Ok(());
    }
    let mut b = engine.connect()?;
    let read =
        |c: &mut sqlalgebra::Pooled<B>| -> Result<i64> { select(Balance).filter(Id.eq(1)).get(c) };
    // Each level twice, alternating, on the same connection: one
    // transaction's level does not stick to the next. (Not SERIALIZABLE:
    // InnoDB's reads then lock, and `b` would wait for `a`.)
    let mut balance = 100;
    for level in [ReadCommitted, RepeatableRead, ReadCommitted, RepeatableRead] {
        let (first, second) = a.transaction_with(level, |a| {
            let first = read(a)?;
            let changed = update(Accounts)
                .set(Balance.set(balance + 25))
                .execute(&mut b)?;
            assert_eq!(changed, 1);
            Ok::<_, Error>((first, read(a)?))
        })?;
        let sees_commit = level == ReadCommitted;
        assert_eq!(
            (level, first, second),
            (
                level,
                balance,
                if sees_commit { balance + 25 } else { balance }
            )
        );
        balance += 25;
    }
    assert_eq!(balances(&mut a)?, [(1, 200)]);
    Ok(())
}

/// Under AUTOCOMMIT a read-only session sends its queries and nothing
/// else, each write commits by itself (a "rollback" undoes nothing), and
/// a per-transaction level is refused; back at the default, the same
/// session sends BEGIN and ROLLBACK.
fn autocommit_sends_no_transaction_statements<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Logged::new(engine.connect()?);
    accounts(&mut conn, 2, 100)?;
    conn.set_isolation_level(Some(Autocommit))?;
    conn.log.clear();
    {
        let mut s = Session::new(&mut conn);
        let one = s.get::<Account>(1)?.expect("row 1");
        assert_eq!(s[one].balance, 100);
        assert_eq!(s.query::<Account>().all()?.len(), 2);
    }
    assert_eq!(conn.log.len(), 2, "{:?}", conn.log);
    assert!(
        conn.log.iter().all(|q| q.starts_with("SELECT")),
        "{:?}",
        conn.log
    );

    // Writes commit one by one, even when the transaction function fails.
    let failed = conn.transaction(|tx| {
        update(Accounts)
            .set(Balance.set(60))
            .filter(Id.eq(1))
            .execute(tx)?;
        Err::<(), _>(ErrorKind::NotFound.into())
    });
    assert!(matches!(
        failed.as_ref().map_err(Error::kind),
        Err(ErrorKind::NotFound)
    ));
    {
        let mut s = Session::new(&mut conn);
        let two = s.get::<Account>(2)?.expect("row 2");
        s[two].balance = 140;
        s.commit()?;
    }
    for word in [
        "BEGIN",
        "START",
        "COMMIT",
        "ROLLBACK",
        "SAVEPOINT",
        "RELEASE",
    ] {
        assert!(!conn.sent(word), "{word} in {:?}", conn.log);
    }
    assert_eq!(balances(&mut conn)?, [(1, 60), (2, 140)]);
    let e = expect_err(conn.transaction_with(Serializable, |_| Ok::<_, Error>(())));
    assert!(matches!(e.kind(), ErrorKind::Transaction(_)), "{e:?}");

    conn.set_isolation_level(None)?;
    conn.log.clear();
    {
        let mut s = Session::new(&mut conn);
        s.get::<Account>(1)?.expect("row 1");
    }
    assert!(
        conn.sent("BEGIN") && conn.sent("ROLLBACK"),
        "{:?}",
        conn.log
    );
    Ok(())
}

/// Levels cannot change inside a transaction; AUTOCOMMIT is no
/// transaction's level.
fn misuse_is_refused<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    accounts(&mut conn, 1, 100)?;
    conn.transaction(|tx| {
        let e = expect_err(tx.set_isolation_level(Some(Serializable)));
        assert!(matches!(e.kind(), ErrorKind::Transaction(_)), "{e:?}");
        let e = expect_err(tx.transaction_with(Serializable, |_| Ok::<_, Error>(())));
        assert!(matches!(e.kind(), ErrorKind::Transaction(_)), "{e:?}");
        update(Accounts).set(Balance.set(1)).execute(tx)
    })?;
    let e = expect_err(conn.transaction_with(Autocommit, |_| Ok::<_, Error>(())));
    assert!(matches!(e.kind(), ErrorKind::Transaction(_)), "{e:?}");
    assert_eq!(conn.isolation_level(), None);
    assert_eq!(balances(&mut conn)?, [(1, 1)]);
    Ok(())
}

on_all_backends!(
    levels_take_effect,
    levels_change_what_is_seen,
    autocommit_sends_no_transaction_statements,
    misuse_is_refused,
);

#[path = "isolation/fail_fast.rs"]
mod fail_fast;
#[path = "isolation/pool.rs"]
mod pool;
