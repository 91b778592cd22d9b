//! The session's journal after it was made to share one copy of an edited
//! object between the rollback journal and the snapshot flush compares
//! against, and to keep no copy for a deletion (issue 18): a rollback
//! still puts every object back as it was, whatever happened in between
//! (edits after a flush, an edit after a delete, savepoints released or
//! rolled back), and flushes still write exactly the changes, on every
//! backend; the table is checked after each step.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate

mod common;
mod orm_schema;

use common::on_all_backends;
use orm_schema::*;
use sqlalgebra::engine::Backend;
use sqlalgebra::orm::ObjectState;
use sqlalgebra::prelude::*;
use sqlalgebra::{Engine, Result};

/// Every author as the database has it: (name, email), by name.
fn rows<C: Connection>(conn: &mut C) -> Result<Vec<(String, Option<String>)>> {
    select((authors::Name, authors::Email))
        .order_by(authors::Name.asc())
        .load(conn)
}

fn row(name: &str, email: Option<&str>) -> (String, Option<String>) {
    (name.to_owned(), email.map(str::to_owned))
}

/// Edited, flushed, edited again and flushed in one transaction: each
/// flush writes the change since the one before, and a rollback restores
/// the values of the last commit.
fn edits_after_a_flush_roll_back_to_the_commit<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let mut s = Session::new(&mut *conn);
    let [a, b] = [s.add(Author::new("ann")), s.add(Author::new("ben"))];
    s.commit()?;

    s[a].email = Some("one".into());
    s.flush()?;
    assert_eq!(
        rows(s.connection())?,
        [row("ann", Some("one")), row("ben", None)]
    );
    // A second edit after the flush: compared with what the flush wrote.
    s[a].name = "anna".into();
    let before = s.statement_count();
    s.flush()?;
    assert_eq!(s.statement_count() - before, 1, "one UPDATE");
    assert_eq!(
        rows(s.connection())?,
        [row("anna", Some("one")), row("ben", None)]
    );
    // Unchanged after a mutable borrow: no statement.
    let _ = &mut s[b];
    let before = s.statement_count();
    s.flush()?;
    assert_eq!(s.statement_count(), before, "nothing changed");

    s.rollback()?;
    assert_eq!((s[a].name.as_str(), s[a].email.as_deref()), ("ann", None));
    assert_eq!(rows(s.connection())?, [row("ann", None), row("ben", None)]);
    // And the object is clean: a commit writes nothing.
    let before = s.statement_count();
    s.commit()?;
    assert_eq!(s.statement_count(), before);
    Ok(())
}

/// Deleted, then edited, then rolled back (flushed or not): the object is
/// back with its old values.
fn an_edit_after_a_delete_rolls_back<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let mut s = Session::new(&mut *conn);
    let [a, b] = [s.add(Author::new("ann")), s.add(Author::new("ben"))];
    s.commit()?;

    s.delete(a);
    s[a].name = "gone".into();
    s.rollback()?;
    assert_eq!(s.state(a), ObjectState::Persistent);
    assert_eq!(s[a].name, "ann");

    s.delete(b);
    s.flush()?;
    assert_eq!(rows(s.connection())?, [row("ann", None)]);
    s[b].email = Some("late".into());
    s.rollback()?;
    assert_eq!(s.state(b), ObjectState::Persistent);
    assert_eq!((s[b].name.as_str(), s[b].email.as_deref()), ("ben", None));
    assert_eq!(rows(s.connection())?, [row("ann", None), row("ben", None)]);
    // Still loaded under its key, and clean.
    assert_eq!(s.get::<Author>(s[b].id)?, Some(b));
    let before = s.statement_count();
    s.commit()?;
    assert!(s.statement_count() - before <= 1, "at most the reload");
    Ok(())
}

/// Edits inside savepoints: released work is undone with the enclosing
/// transaction, a savepoint rolled back restores the values at its start.
fn savepoints_keep_the_shared_copies<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let mut s = Session::new(&mut *conn);
    let [a, b] = [s.add(Author::new("ann")), s.add(Author::new("ben"))];
    s.commit()?;

    // `a` first edited inside a savepoint, flushed and released.
    let sp = s.begin_nested()?;
    s[a].email = Some("inner".into());
    s.flush()?;
    s.release(sp)?;
    // `b` edited outside, then again inside a savepoint rolled back.
    s[b].email = Some("outer".into());
    let sp = s.begin_nested()?; // flushes b
    s[b].email = Some("inner".into());
    s.flush()?;
    assert_eq!(
        rows(s.connection())?,
        [row("ann", Some("inner")), row("ben", Some("inner"))]
    );
    s.rollback_to(sp)?;
    assert_eq!(s[b].email.as_deref(), Some("outer"));
    assert_eq!(
        rows(s.connection())?,
        [row("ann", Some("inner")), row("ben", Some("outer"))]
    );
    // `a` edited again after the release: the UPDATE sends the change.
    s[a].name = "anna".into();
    s.flush()?;
    assert_eq!(
        rows(s.connection())?,
        [row("anna", Some("inner")), row("ben", Some("outer"))]
    );

    s.rollback()?;
    assert_eq!((s[a].name.as_str(), s[a].email.as_deref()), ("ann", None));
    assert_eq!(s[b].email, None);
    assert_eq!(rows(s.connection())?, [row("ann", None), row("ben", None)]);

    // Edited in a savepoint that is released unflushed: the commit
    // writes it.
    let sp = s.begin_nested()?;
    s[b].name = "benny".into();
    s.release(sp)?;
    s.commit()?;
    assert_eq!(
        rows(s.connection())?,
        [row("ann", None), row("benny", None)]
    );
    Ok(())
}

/// A changed key: the UPDATE matches the row by its old key, and a
/// rollback puts the old key back in the index.
fn a_changed_key_is_matched_by_its_old_value<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let mut s = Session::new(&mut *conn);
    let a = s.add(Author::new("ann"));
    s.commit()?;
    let old = s[a].id;
    s[a].id = old + 1000;
    s.flush()?;
    let ids: Vec<i64> = select(authors::Id).load(s.connection())?;
    assert_eq!(ids, [old + 1000]);
    s.rollback()?;
    assert_eq!(s[a].id, old);
    assert_eq!(s.get::<Author>(old)?, Some(a));
    let ids: Vec<i64> = select(authors::Id).load(s.connection())?;
    assert_eq!(ids, [old]);
    Ok(())
}

on_all_backends!(
    edits_after_a_flush_roll_back_to_the_commit,
    an_edit_after_a_delete_rolls_back,
    savepoints_keep_the_shared_copies,
    a_changed_key_is_matched_by_its_old_value,
);
