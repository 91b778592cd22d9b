//! `SessionFactory` (the tour's `sessionmaker`) on every backend, and
//! `Session` being `Send` (compile-time, with the async futures in
//! `tests/async_send.rs`).

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate

mod common;
mod orm_schema;

use common::on_all_backends;
use orm_schema::*;
use sqlalgebra::engine::Backend;
use sqlalgebra::orm::SessionFactory;
use sqlalgebra::prelude::*;
use sqlalgebra::{Engine, Error, ErrorKind, Result};

fn names<C: Connection>(conn: &mut C) -> Result<Vec<String>> {
    select(authors::Name)
        .order_by(authors::Name.asc())
        .load(conn)
}

/// `run` commits on Ok and rolls back on Err; the settings given once
/// apply to every session.
fn factory_sessions<B: Backend>(engine: &Engine<B>) -> Result<()> {
    setup(&mut *engine.connect()?)?;
    let sessions = SessionFactory::new(engine.clone()).expire_on_commit(false);

    let id = sessions.run(|s| {
        let alice = s.add(Author::new("alice"));
        s.flush()?;
        Ok(s[alice].id)
    })?;
    assert_eq!(names(&mut *engine.connect()?)?, ["alice"]);

    let err = sessions
        .run(|s| {
            s.add(Author::new("bob"));
            s.flush()?;
            Err::<(), _>(Error::from(ErrorKind::Transaction("refused".into())))
        })
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Transaction(_)), "{err:?}");
    assert_eq!(names(&mut *engine.connect()?)?, ["alice"]);

    // expire_on_commit(false): a committed object is trusted, no SQL.
    let mut conn = sessions.connect()?;
    let mut s = sessions.session(&mut *conn);
    let alice = s.get::<Author>(id)?.expect("alice");
    s[alice].name = "alicia".into();
    s.commit()?;
    let before = s.statement_count();
    assert_eq!(s.get::<Author>(id)?, Some(alice));
    assert_eq!(s.statement_count(), before, "not expired: no SQL");
    drop(s);
    drop(conn);
    assert_eq!(names(&mut *engine.connect()?)?, ["alicia"]);

    // The default factory expires on commit: the same get reloads.
    let defaults = SessionFactory::new(engine.clone());
    let mut conn = defaults.connect()?;
    let mut s = defaults.session(&mut *conn);
    let alice = s.get::<Author>(id)?.expect("alice");
    s.commit()?;
    let before = s.statement_count();
    assert_eq!(s.get::<Author>(id)?, Some(alice));
    assert_eq!(s.statement_count(), before + 1, "expired: reloaded");
    Ok(())
}

on_all_backends!(factory_sessions);

/// `Session` is `Send` when its connection is: it can be held across an
/// `.await` of a task on a multi-threaded runtime.
#[test]
fn sessions_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    fn over<C: Connection + Send>(conn: &mut C) {
        let s = Session::new(conn);
        assert_send(&s);
    }
    let engine = sqlalgebra_sqlite::Sqlite::memory().unwrap();
    let mut conn = engine.connect().unwrap();
    over(&mut *conn);
    let s = Session::new(&mut *conn);
    assert_send(&s);
    let factory = SessionFactory::new(engine.clone());
    assert_send(&factory);
    let _: fn(&mut sqlalgebra_postgres::PgConnection) = over;
    let _: fn(&mut sqlalgebra_mysql::MysqlConnection) = over;
}
