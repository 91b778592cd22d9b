//! `SELECT ... FOR UPDATE / FOR SHARE`, `NOWAIT`, `SKIP LOCKED` and `OF`:
//! the SQL of each dialect, the locks' effect on the servers (a second
//! connection is refused or skips the locked rows), the ORM's locking
//! queries, and the read-modify-write transfer under 16 threads that keeps
//! the money on all three backends.

mod common;
mod locking_common;

use common::{expect_err, on_all_backends};
use locking_common::{Account, Accounts, Balance, Id, Logged, accounts, balances};
use sqlalgebra::conn::{begin_transaction, rollback_transaction};
use sqlalgebra::prelude::*;
use sqlalgebra::query::RowLock;
use sqlalgebra::{Backend, Engine, ErrorKind, Result};
use sqlalgebra_mysql::{MariaDb, Mysql};
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

const T: &str = "locking18_accounts";

fn sql(q: &impl Statement, d: &dyn sqlalgebra::render::Dialect) -> String {
    q.to_sql(d).expect("renders").sql
}

fn unsupported(q: &impl Statement, d: &dyn sqlalgebra::render::Dialect) -> &'static str {
    match q.to_sql(d).map_err(sqlalgebra::Error::into_kind) {
        Err(ErrorKind::Unsupported { feature, .. }) => feature,
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

#[test]
fn for_update_renders_per_dialect() {
    let q = select(Balance).filter(Id.eq(1)).for_update();
    assert_eq!(
        sql(&q, &Postgres),
        format!(r#"SELECT "{T}"."balance" FROM "{T}" WHERE "{T}"."id" = $1 FOR UPDATE"#)
    );
    let mysql = format!("SELECT `{T}`.`balance` FROM `{T}` WHERE `{T}`.`id` = ? FOR UPDATE");
    assert_eq!(sql(&q, &Mysql), mysql);
    assert_eq!(sql(&q, &MariaDb::new(10, 11)), mysql);
    assert_eq!(unsupported(&q, &Sqlite), "SELECT ... FOR UPDATE");
    assert_eq!(q.to_sql(&Postgres).unwrap().binds.len(), 1);
}

#[test]
fn skip_locked_follows_limit() {
    let q = select(Id).order_by(Id).limit(1).for_update().skip_locked();
    assert_eq!(
        sql(&q, &Postgres),
        format!(
            r#"SELECT "{T}"."id" FROM "{T}" ORDER BY "{T}"."id" LIMIT $1 FOR UPDATE SKIP LOCKED"#
        )
    );
    let mysql =
        format!("SELECT `{T}`.`id` FROM `{T}` ORDER BY `{T}`.`id` LIMIT ? FOR UPDATE SKIP LOCKED");
    assert_eq!(sql(&q, &Mysql), mysql);
    assert_eq!(sql(&q, &MariaDb::new(10, 6)), mysql);
    assert_eq!(
        unsupported(&q, &MariaDb::new(10, 5)),
        "SKIP LOCKED (before MariaDB 10.6)"
    );
    assert_eq!(unsupported(&q, &Sqlite), "SELECT ... FOR UPDATE");
    // Without a lock asked for first, SKIP LOCKED means FOR UPDATE.
    assert_eq!(
        select(Id).skip_locked().lock(),
        Some(RowLock::update().skip_locked())
    );
}

#[test]
fn for_share_nowait_renders_per_dialect() {
    let q = select(Id).for_share().nowait();
    assert_eq!(
        sql(&q, &Postgres),
        format!(r#"SELECT "{T}"."id" FROM "{T}" FOR SHARE NOWAIT"#)
    );
    assert_eq!(
        sql(&q, &Mysql),
        format!("SELECT `{T}`.`id` FROM `{T}` FOR SHARE NOWAIT")
    );
    assert_eq!(
        sql(&q, &MariaDb::new(10, 3)),
        format!("SELECT `{T}`.`id` FROM `{T}` LOCK IN SHARE MODE NOWAIT")
    );
    assert_eq!(
        unsupported(&q, &MariaDb::new(10, 2)),
        "NOWAIT (before MariaDB 10.3)"
    );
    assert_eq!(unsupported(&q, &Sqlite), "SELECT ... FOR SHARE");
}

#[test]
fn of_table_renders_where_the_dialect_has_it() {
    let q = select(Id).for_update().of(Accounts).nowait();
    assert_eq!(
        sql(&q, &Postgres),
        format!(r#"SELECT "{T}"."id" FROM "{T}" FOR UPDATE OF "{T}" NOWAIT"#)
    );
    assert_eq!(
        sql(&q, &Mysql),
        format!("SELECT `{T}`.`id` FROM `{T}` FOR UPDATE OF `{T}` NOWAIT")
    );
    assert_eq!(
        unsupported(&q, &MariaDb::new(10, 11)),
        "SELECT ... FOR UPDATE OF table"
    );
}

#[test]
fn boxed_select_locks_too() {
    let q = select(Id).boxed().with_lock(RowLock::update().nowait());
    assert_eq!(
        sql(&q, &Postgres),
        format!(r#"SELECT "{T}"."id" FROM "{T}" FOR UPDATE NOWAIT"#)
    );
    assert_eq!(unsupported(&q, &Sqlite), "SELECT ... FOR UPDATE");
}

fn locks_rows(d: &dyn sqlalgebra::render::Dialect) -> bool {
    d.name() != "sqlite"
}

/// A row locked by one connection: a second one's NOWAIT fails with a
/// conflict at once, its SKIP LOCKED leaves the row out, and both work
/// again once the lock is released. SQLite refuses row locks, typed.
fn nowait_and_skip_locked<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut a = engine.connect()?;
    accounts(&mut a, 3, 100)?;
    if !locks_rows(a.dialect()) {
        let e = expect_err(select(Id).for_update().load::<i64, _>(&mut a));
        assert!(
            matches!(
                e.kind(),
                ErrorKind::Unsupported {
                    feature: "SELECT ... FOR UPDATE",
                    ..
                }
            ),
            "{e:?}"
        );
        return Ok(());
    }
    let mut b = engine.connect()?;
    begin_transaction(&mut a)?;
    let locked: Vec<i64> = select(Id).filter(Id.eq(1)).for_update().load(&mut a)?;
    assert_eq!(locked, [1]);

    begin_transaction(&mut b)?;
    let e = expect_err(
        select(Balance)
            .filter(Id.eq(1))
            .for_update()
            .nowait()
            .load::<i64, _>(&mut b),
    );
    assert!(matches!(e.kind(), ErrorKind::Conflict { .. }), "{e:?}");
    assert!(e.is_retryable());
    rollback_transaction(&mut b)?;

    begin_transaction(&mut b)?;
    let free: Vec<i64> = select(Id)
        .order_by(Id)
        .for_update()
        .skip_locked()
        .load(&mut b)?;
    assert_eq!(free, [2, 3]);
    // A plain read is not blocked.
    let all: Vec<i64> = select(Id).order_by(Id).load(&mut b)?;
    assert_eq!(all, [1, 2, 3]);
    rollback_transaction(&mut b)?;

    // A change under the lock, then released: b sees it and locks the row.
    let changed = update(Accounts)
        .set(Balance.set(90))
        .filter(Id.eq(1))
        .execute(&mut a)?;
    assert_eq!(changed, 1);
    sqlalgebra::conn::commit_transaction(&mut a)?;
    let got: i64 = b.transaction(|tx| {
        select(Balance)
            .filter(Id.eq(1))
            .for_update()
            .nowait()
            .get(tx)
    })?;
    assert_eq!(got, 90);
    assert_eq!(balances(&mut a)?, [(1, 90), (2, 100), (3, 100)]);
    Ok(())
}

/// `FOR SHARE` lets another share lock in, not an exclusive one.
fn share_locks_share<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut a = engine.connect()?;
    accounts(&mut a, 2, 100)?;
    if !locks_rows(a.dialect()) {
        let e = expect_err(select(Id).for_share().load::<i64, _>(&mut a));
        assert!(
            matches!(
                e.kind(),
                ErrorKind::Unsupported {
                    feature: "SELECT ... FOR SHARE",
                    ..
                }
            ),
            "{e:?}"
        );
        return Ok(());
    }
    let mut b = engine.connect()?;
    begin_transaction(&mut a)?;
    let shared: Vec<i64> = select(Id).filter(Id.eq(1)).for_share().load(&mut a)?;
    assert_eq!(shared, [1]);
    begin_transaction(&mut b)?;
    let also: Vec<i64> = select(Id)
        .filter(Id.eq(1))
        .for_share()
        .nowait()
        .load(&mut b)?;
    assert_eq!(also, [1]);
    rollback_transaction(&mut b)?;
    begin_transaction(&mut b)?;
    let e = expect_err(
        select(Id)
            .filter(Id.eq(1))
            .for_update()
            .nowait()
            .load::<i64, _>(&mut b),
    );
    assert!(matches!(e.kind(), ErrorKind::Conflict { .. }), "{e:?}");
    rollback_transaction(&mut b)?;
    rollback_transaction(&mut a)?;
    assert_eq!(balances(&mut a)?, [(1, 100), (2, 100)]);
    Ok(())
}

/// The ORM's locking reads: the SQL they send, NOWAIT and SKIP LOCKED
/// against a row another connection holds, and a locked read replacing
/// the session's stale copy.
fn orm_locking_reads<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut a = engine.connect()?;
    accounts(&mut a, 3, 100)?;
    let mut logged = Logged::new(engine.connect()?);
    if !locks_rows(a.dialect()) {
        let mut s = Session::new(&mut logged);
        let e = expect_err(s.get_for_update::<Account>(1));
        assert!(matches!(e.kind(), ErrorKind::Unsupported { .. }), "{e:?}");
        let e = expect_err(s.query::<Account>().for_update().all());
        assert!(matches!(e.kind(), ErrorKind::Unsupported { .. }), "{e:?}");
        return Ok(());
    }
    {
        let mut s = Session::new(&mut logged);
        let stale = s.get::<Account>(1)?.expect("row 1");
        assert_eq!(s[stale].balance, 100);
        // Another connection changes the row after the session read it.
        let changed = update(Accounts)
            .set(Balance.set(70))
            .filter(Id.eq(1))
            .execute(&mut a)?;
        assert_eq!(changed, 1);
        let locked = s.get_for_update::<Account>(1)?.expect("row 1");
        assert_eq!(locked, stale, "the same slot");
        assert_eq!(
            s[locked].balance, 70,
            "the row as locked, not the stale copy"
        );
        s[locked].balance -= 20;
        s.commit()?;
    }
    assert!(
        logged.log.iter().any(|q| q.ends_with(" FOR UPDATE")),
        "{:?}",
        logged.log
    );
    assert_eq!(balances(&mut a)?, [(1, 50), (2, 100), (3, 100)]);

    begin_transaction(&mut a)?;
    let held: Vec<i64> = select(Id).filter(Id.eq(2)).for_update().load(&mut a)?;
    assert_eq!(held, [2]);
    {
        let mut s = Session::new(&mut logged);
        let e = expect_err(s.get_with_lock::<Account>(2, RowLock::update().nowait()));
        assert!(matches!(e.kind(), ErrorKind::Conflict { .. }), "{e:?}");
        s.rollback()?;
        let free = s
            .query::<Account>()
            .order_by(Id)
            .for_update()
            .skip_locked()
            .all()?;
        let ids: Vec<i64> = free.iter().map(|&h| s[h].id).collect();
        assert_eq!(ids, [1, 3]);
        s.rollback()?;
    }
    rollback_transaction(&mut a)?;
    assert_eq!(balances(&mut a)?, [(1, 50), (2, 100), (3, 100)]);
    Ok(())
}

/// A statement's cached text is not shared between its locking and its
/// plain form.
fn lock_is_part_of_the_cached_text<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut logged = Logged::new(engine.connect()?);
    accounts(&mut logged, 1, 5)?;
    if !locks_rows(logged.dialect()) {
        return Ok(());
    }
    for _ in 0..2 {
        logged.log.clear();
        let plain: Vec<i64> = select(Balance).filter(Id.eq(1)).load(&mut logged)?;
        let locked: Vec<i64> =
            logged.transaction(|tx| select(Balance).filter(Id.eq(1)).for_update().load(tx))?;
        assert_eq!((plain, locked), (vec![5], vec![5]));
        let selects: Vec<&String> = logged
            .log
            .iter()
            .filter(|s| s.starts_with("SELECT"))
            .collect();
        assert_eq!(selects.len(), 2, "{:?}", logged.log);
        assert!(!selects[0].contains("FOR UPDATE") && selects[1].ends_with("FOR UPDATE"));
    }
    Ok(())
}

on_all_backends!(
    nowait_and_skip_locked,
    share_locks_share,
    orm_locking_reads,
    lock_is_part_of_the_cached_text,
);

#[path = "row_locks/transfer.rs"]
mod transfer;
