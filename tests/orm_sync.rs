//! Bulk UPDATE and DELETE through the session (`Session::execute`), on
//! every backend: the objects the session holds show what the statement
//! did (evaluated in Rust, or fetched with RETURNING or a SELECT), with the
//! number of statements each strategy sends, the table's contents after,
//! and what happens to unflushed changes.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate
#![allow(missing_docs)] // test schema

mod common;

use common::on_all_backends;
use sqlalgebra::engine::Backend;
use sqlalgebra::hooks::Hooked;
use sqlalgebra::orm::{ObjectState, Synchronize};
use sqlalgebra::prelude::*;
use sqlalgebra::render::WriteKind;
use sqlalgebra::{Engine, Error, ErrorKind, Result};

#[derive(Clone, Copy, Debug, Default)]
pub struct Players;
impl Table for Players {
    const NAME: &'static str = "sync_players";
    type Columns = (players::Id, players::Name, players::Team, players::Score);
    type PrimaryKey = players::Id;
}
pub mod players {
    use super::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Team;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Score;
    impl Column for Id {
        type Table = Players;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for Name {
        type Table = Players;
        type SqlType = Varchar<40>;
        const NAME: &'static str = "name";
    }
    impl Column for Team {
        type Table = Players;
        type SqlType = Varchar<10>;
        const NAME: &'static str = "team";
    }
    impl Column for Score {
        type Table = Players;
        type SqlType = BigInt;
        const NAME: &'static str = "score";
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Player {
    id: i64,
    name: String,
    team: String,
    score: i64,
}

impl Model for Player {
    type Table = Players;
    type Columns = (players::Id, players::Name, players::Team, players::Score);
    type Row = (i64, String, String, i64);
    type Key = i64;
    fn from_row((id, name, team, score): Self::Row) -> Self {
        Player {
            id,
            name,
            team,
            score,
        }
    }
    fn values(&self) -> (&i64, &String, &String, &i64) {
        (&self.id, &self.name, &self.team, &self.score)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
}

fn player(name: &str, team: &str, score: i64) -> Player {
    Player {
        id: 0,
        name: name.into(),
        team: team.into(),
        score,
    }
}

/// The table's rows, by id: `(name, team, score)`.
fn table<C: Connection>(conn: &mut C) -> Result<Vec<(String, String, i64)>> {
    select((players::Name, players::Team, players::Score))
        .order_by(players::Id.asc())
        .load(conn)
}

fn row(name: &str, team: &str, score: i64) -> (String, String, i64) {
    (name.into(), team.into(), score)
}

/// A hooked connection with four committed players: ann (red, 10), bob
/// (red, 20), cy (blue, 30), dee (blue, 40).
fn setup<B: Backend>(engine: &Engine<B>) -> Result<Hooked<sqlalgebra::engine::Pooled<B>>> {
    let mut conn = Hooked::new(engine.connect()?);
    drop_all::<Players>(&mut conn)?;
    create_all::<Players>(&mut conn)?;
    let mut s = Session::new(&mut conn);
    s.add_all([
        player("ann", "red", 10),
        player("bob", "red", 20),
        player("cy", "blue", 30),
        player("dee", "blue", 40),
    ]);
    s.commit()?;
    drop(s);
    Ok(conn)
}

/// Loads the players named in `names` into `s`, in that order.
fn load<C: Connection>(s: &mut Session<'_, C>, names: &[&str]) -> Result<Vec<Handle<Player>>> {
    names
        .iter()
        .map(|n| s.query::<Player>().filter(players::Name.eq(*n)).one())
        .collect()
}

fn evaluate_updates_the_objects_the_session_holds<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let mut s = Session::new(&mut conn);
    let [ann, bob, cy] = load(&mut s, &["ann", "bob", "cy"])?[..] else {
        unreachable!()
    };
    s.connection().reset();
    // An integer filter and arithmetic: evaluated in Rust everywhere.
    let n = s.execute::<Player>(
        &update(Players)
            .set(players::Score.set(players::Score.add(5)))
            .filter(players::Score.ge(20)),
    )?;
    assert_eq!(n, 3, "bob, cy and dee (not in the session) changed");
    assert_eq!(
        s.connection().statement_count(),
        1,
        "{:?}",
        s.connection().statements()
    );
    assert_eq!((s[ann].score, s[bob].score, s[cy].score), (10, 25, 35));
    assert!(
        !s.is_modified(bob),
        "the new value is what the database has"
    );
    assert_eq!(s.count::<Player>(), 3, "dee was not loaded");
    // A text filter: byte-wise on SQLite and PostgreSQL, evaluated; MySQL's
    // collation ignores case, so the rows are fetched there.
    s.connection().reset();
    s.execute::<Player>(
        &update(Players)
            .set(players::Team.set("green"))
            .filter(players::Team.eq("red")),
    )?;
    let binary = s.connection().dialect().binary_text_comparison();
    let update_returning = s
        .connection()
        .dialect()
        .supports_returning(WriteKind::Update);
    let expected = match (binary, update_returning) {
        (true, _) => 1,
        (false, true) => 1,
        (false, false) => 3, // SELECT, UPDATE, SELECT of ann and bob
    };
    assert_eq!(
        s.connection().statement_count(),
        expected,
        "{:?}",
        s.connection().statements()
    );
    assert_eq!(
        (
            s[ann].team.as_str(),
            s[bob].team.as_str(),
            s[cy].team.as_str()
        ),
        ("green", "green", "blue")
    );
    s.commit()?;
    assert_eq!(
        table(s.connection())?,
        [
            row("ann", "green", 10),
            row("bob", "green", 25),
            row("cy", "blue", 35),
            row("dee", "blue", 45)
        ]
    );
    Ok(())
}

fn fetch_reads_back_what_changed<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let mut s = Session::new(&mut conn);
    let [ann, cy] = load(&mut s, &["ann", "cy"])?[..] else {
        unreachable!()
    };
    s.connection().reset();
    // CONCAT cannot be evaluated in Rust: `Evaluate` refuses before
    // anything is sent, `Auto` fetches.
    let stmt = update(Players)
        .set(players::Name.set(players::Name.concat("!")))
        .filter(players::Score.lt(35));
    match s
        .execute_with::<Player>(&stmt, Synchronize::Evaluate)
        .map_err(sqlalgebra::Error::into_kind)
    {
        Err(ErrorKind::InvalidStatement(m)) => assert!(m.contains("Synchronize::Fetch"), "{m}"),
        other => panic!("expected InvalidStatement, got {other:?}"),
    }
    assert_eq!(s.connection().statement_count(), 0);
    let n = s.execute::<Player>(&stmt)?;
    assert_eq!(n, 3);
    let returning = s
        .connection()
        .dialect()
        .supports_returning(WriteKind::Update);
    let sent = s.connection().statements().to_vec();
    if returning {
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert!(
            sent[0].starts_with("UPDATE") && sent[0].contains("RETURNING"),
            "{sent:?}"
        );
    } else {
        assert_eq!(sent.len(), 3, "{sent:?}");
        assert!(
            sent[0].starts_with("SELECT")
                && sent[1].starts_with("UPDATE")
                && sent[2].starts_with("SELECT")
        );
    }
    assert_eq!((s[ann].name.as_str(), s[cy].name.as_str()), ("ann!", "cy!"));
    assert_eq!(
        s.count::<Player>(),
        2,
        "rows not in the session stay out of it"
    );
    // `None` leaves the objects stale, until refreshed.
    s.execute_with::<Player>(
        &update(Players)
            .set(players::Score.set(0i64))
            .filter(players::Id.eq(s[ann].id)),
        Synchronize::None,
    )?;
    assert_eq!(s[ann].score, 10);
    s.refresh(ann)?;
    assert_eq!(s[ann].score, 0);
    s.commit()?;
    assert_eq!(
        table(s.connection())?,
        [
            row("ann!", "red", 0),
            row("bob!", "red", 20),
            row("cy!", "blue", 30),
            row("dee", "blue", 40)
        ]
    );
    Ok(())
}

fn bulk_deletes_remove_the_objects<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let mut s = Session::new(&mut conn);
    let [ann, bob, cy, dee] = load(&mut s, &["ann", "bob", "cy", "dee"])?[..] else {
        unreachable!()
    };
    let bob_id = s[bob].id;
    s.connection().reset();
    let n = s.execute::<Player>(&delete_from(Players).filter(players::Score.le(20)))?;
    assert_eq!(n, 2);
    assert_eq!(s.connection().statement_count(), 1, "evaluated");
    assert_eq!(
        (s.state(ann), s.state(bob)),
        (ObjectState::Deleted, ObjectState::Deleted)
    );
    assert_eq!(s.state(cy), ObjectState::Persistent);
    // Out of the identity map: `get` asks the database, which has no row.
    assert_eq!(s.get::<Player>(bob_id)?, None);
    // Fetched: DELETE ... RETURNING where the dialect has it (MariaDB
    // does), else a SELECT first.
    s.connection().reset();
    let n = s.execute_with::<Player>(
        &delete_from(Players).filter(players::Team.eq("blue").and(players::Score.gt(35))),
        Synchronize::Fetch,
    )?;
    assert_eq!(n, 1);
    let returning = s
        .connection()
        .dialect()
        .supports_returning(WriteKind::Delete);
    assert_eq!(
        s.connection().statement_count(),
        if returning { 1 } else { 2 }
    );
    assert_eq!(s.state(dee), ObjectState::Deleted);
    s.commit()?;
    assert_eq!(s.state(dee), ObjectState::Detached, "dropped at commit");
    assert_eq!(table(s.connection())?, [row("cy", "blue", 30)]);
    Ok(())
}

/// With autoflush off, objects with unflushed changes: the WHERE clause
/// sees what the database has, the SET columns win, other changes stay
/// pending.
fn unflushed_changes_meet_bulk_statements<B: Backend>(engine: &Engine<B>) -> Result<()> {
    for sync in [Synchronize::Evaluate, Synchronize::Fetch] {
        let mut conn = setup(engine)?;
        let mut s = Session::new(&mut conn);
        s.set_autoflush(false);
        let [ann, bob, cy] = load(&mut s, &["ann", "bob", "cy"])?[..] else {
            unreachable!()
        };
        // ann: a pending rename and a pending score; bob: a pending score
        // that would match the filter in memory, not in the database.
        s[ann].name = "anna".into();
        s[ann].score = 11;
        s[bob].score = 99;
        s.delete(cy);
        s.execute_with::<Player>(
            &update(Players)
                .set(players::Score.set(players::Score.add(100)))
                .filter(players::Score.lt(15)),
            sync,
        )?;
        assert_eq!(
            s[ann].score, 110,
            "{sync:?}: the SET column takes the database's new value"
        );
        assert_eq!(s[ann].name, "anna", "{sync:?}: other pending changes stay");
        assert!(s.is_modified(ann));
        assert_eq!(
            s[bob].score, 99,
            "{sync:?}: bob was not matched, his change stays pending"
        );
        // A bulk DELETE of an object marked for deletion, and of one
        // with pending changes.
        s.execute_with::<Player>(
            &delete_from(Players).filter(players::Team.eq("blue").or(players::Id.eq(s[ann].id))),
            sync,
        )
        .or_else(|e| match (sync, e.kind()) {
            // MySQL's collation: text is not evaluated.
            (Synchronize::Evaluate, ErrorKind::InvalidStatement(_)) => s.execute_with::<Player>(
                &delete_from(Players)
                    .filter(players::Id.ge(s[cy].id).or(players::Id.eq(s[ann].id))),
                sync,
            ),
            _ => Err(e),
        })?;
        assert_eq!(
            (s.state(ann), s.state(cy)),
            (ObjectState::Deleted, ObjectState::Deleted)
        );
        s.commit()?;
        assert_eq!(table(s.connection())?, [row("bob", "red", 99)], "{sync:?}");
    }
    Ok(())
}

fn a_rollback_undoes_the_synchronization<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let mut s = Session::new(&mut conn);
    let [ann, bob] = load(&mut s, &["ann", "bob"])?[..] else {
        unreachable!()
    };
    s.execute::<Player>(&update(Players).set(players::Score.set(0i64)))?;
    s.execute::<Player>(&delete_from(Players).filter(players::Id.eq(s[bob].id)))?;
    assert_eq!((s[ann].score, s.state(bob)), (0, ObjectState::Deleted));
    s.rollback()?;
    assert_eq!((s[ann].score, s.state(bob)), (10, ObjectState::Persistent));
    // Changing the key cannot be synchronized: refused before it is sent.
    s.connection().reset();
    let r = s.execute::<Player>(&update(Players).set(players::Id.set(7i64)));
    assert!(
        matches!(
            r.as_ref().map_err(Error::kind),
            Err(ErrorKind::InvalidStatement(_))
        ),
        "{r:?}"
    );
    assert_eq!(s.connection().statement_count(), 0);
    drop(s);
    assert_eq!(
        table(&mut conn)?[..2],
        [row("ann", "red", 10), row("bob", "red", 20)]
    );
    Ok(())
}

on_all_backends!(
    evaluate_updates_the_objects_the_session_holds,
    fetch_reads_back_what_changed,
    bulk_deletes_remove_the_objects,
    unflushed_changes_meet_bulk_statements,
    a_rollback_undoes_the_synchronization,
);
