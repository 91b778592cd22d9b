//! The ORM on every backend: identity map, unit of work, transactions,
//! relationships, loading strategies and column behaviour, each checked
//! against what the database holds afterwards (read with the core API).

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate

mod common;
mod orm_schema;

use common::on_all_backends;
use orm_schema::*;
use sqlalgebra::engine::Backend;
use sqlalgebra::orm::ObjectState;
use sqlalgebra::prelude::*;
use sqlalgebra::{Engine, Error, ErrorKind, Result};

fn author_names<C: Connection>(conn: &mut C) -> Result<Vec<String>> {
    select(authors::Name)
        .order_by(authors::Name.asc())
        .load(conn)
}

fn count<T: Table, C: Connection>(conn: &mut C, table: T) -> Result<i64> {
    select(count_star()).from(table).get(conn)
}

fn crud_and_identity_map<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let (alice_id, bob_id) = {
        let mut s = Session::new(&mut *conn);
        let alice = s.add(Author::new("alice"));
        let bob = s.add(Author::new("bob"));
        assert_eq!(s.state(alice), ObjectState::Pending);
        let d = s.connection().dialect();
        let (returning, rows) = (
            d.supports_insert_returning(),
            d.prefers_prepared_row_inserts(),
        );
        s.flush()?;
        // One INSERT of both rows (MySQL first asks whether the ids it
        // assigns to several rows are consecutive; SQLite runs one prepared
        // one-row INSERT per object).
        let writes = if returning && !rows { 1 } else { 2 };
        assert_eq!(s.statement_count(), writes, "one INSERT");
        assert_eq!(s.state(alice), ObjectState::Persistent);
        let (alice_id, bob_id) = (s[alice].id, s[bob].id);
        assert!(
            alice_id > 0 && bob_id > alice_id,
            "ids filled in: {alice_id} {bob_id}"
        );

        // Same key, same handle, no SQL.
        assert_eq!(s.get::<Author>(alice_id)?, Some(alice));
        assert_eq!(s.statement_count(), writes);

        // Editing without a change writes nothing.
        let same = s[alice].name.clone();
        s[alice].name = same;
        assert!(s.is_modified(alice));
        s.flush()?;
        assert_eq!(
            s.statement_count(),
            writes,
            "no UPDATE when nothing changed"
        );
        assert!(!s.is_modified(alice));

        s.commit()?;
        (alice_id, bob_id)
    };
    assert_eq!(author_names(&mut *conn)?, ["alice", "bob"]);

    // UPDATE writes only the changed column: a concurrent change to another
    // column of the row survives.
    {
        let mut s = Session::new(&mut *conn);
        let alice = s.get::<Author>(alice_id)?.expect("alice exists");
        assert_eq!(s.statement_count(), 1);
        update(Authors)
            .set(authors::Email.set("alice@example.com"))
            .filter(authors::Id.eq(alice_id))
            .execute(s.connection())?;
        s[alice].name = "alicia".into();
        let bob = s.get::<Author>(bob_id)?.expect("bob exists");
        s.delete(bob);
        assert_eq!(
            s.get::<Author>(bob_id)?,
            None,
            "a deleted object is not found"
        );
        s.commit()?;
        assert_eq!(
            s.statement_count(),
            6,
            "SELECT, SELECT, UPDATE, the cascade's SELECTs of bob's books and bio, DELETE"
        );
    }
    let rows: Vec<(String, Option<String>)> =
        select((authors::Name, authors::Email)).load(&mut *conn)?;
    assert_eq!(
        rows,
        [("alicia".to_string(), Some("alice@example.com".to_string()))]
    );

    // get of a missing key.
    let mut s = Session::new(&mut *conn);
    assert_eq!(s.get::<Author>(bob_id)?, None);
    Ok(())
}

fn queries_reuse_the_identity_map<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let mut s = Session::new(&mut *conn);
    let names = ["ann", "abe", "bea", "al", "cy"];
    let added = s.add_all(names.iter().map(|n| Author::new(n)));
    let anns_book = s.add(Book::new("Rust"));
    s.attach(added[0], anns_book);
    s.commit()?;
    s.set_expire_on_commit(false);

    let a_names = s
        .query::<Author>()
        .filter(authors::Name.like("a%"))
        .order_by(authors::Name.desc())
        .limit(2)
        .offset(1)
        .all()?;
    let got: Vec<&str> = a_names.iter().map(|h| s[*h].name.as_str()).collect();
    assert_eq!(got, ["al", "abe"]);
    // The same rows are the same slots as the objects added.
    assert_eq!(a_names, [added[3], added[1]]);

    // An unflushed in-memory change survives a query returning its row.
    s.set_autoflush(false);
    s[added[1]].email = Some("abe@x".into());
    let again = s.query::<Author>().filter(authors::Name.eq("abe")).one()?;
    assert_eq!(again, added[1]);
    assert_eq!(s[again].email.as_deref(), Some("abe@x"));
    s.set_autoflush(true);

    // A join filters by another table; each author comes once.
    let with_rust = s
        .query::<Author>()
        .join(Books, books::AuthorId.eq(authors::Id))
        .filter(books::Title.eq("Rust"))
        .all()?;
    assert_eq!(with_rust, [added[0]]);

    // A statement of the core algebra loads objects too.
    let loaded = s.load::<Author, _>(
        &select((authors::Id, authors::Name, authors::Email)).filter(authors::Name.eq("cy")),
    )?;
    assert_eq!(loaded, [added[4]]);

    // first, one, get_many.
    assert_eq!(
        s.query::<Author>()
            .filter(authors::Name.eq("zed"))
            .first()?,
        None
    );
    assert!(matches!(
        s.query::<Author>()
            .filter(authors::Name.like("a%"))
            .one()
            .as_ref()
            .map_err(Error::kind),
        Err(ErrorKind::TooManyRows)
    ));
    let ids: Vec<i64> = added.iter().map(|h| s[*h].id).chain([9999]).collect();
    assert_eq!(s.get_many::<Author>(&ids)?, added);
    assert_eq!(s.count::<Author>(), 5);
    Ok(())
}

fn flush_orders_by_foreign_keys<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let mut s = Session::new(&mut *conn);
    // The child is added before its parent: the flush inserts the parent
    // first and gives the child its key.
    let book = s.add(Book::new("Dune"));
    let author = s.add(Author::new("frank"));
    s.attach(author, book);
    s.commit()?;
    let rows: Vec<(i64, String)> = select((authors::Id, books::Title))
        .from(Authors)
        .join(Books, books::AuthorId.eq(authors::Id))
        .load(s.connection())?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, "Dune");

    // Deleting both: the child goes first (the FK would refuse otherwise).
    let author = s.query::<Author>().one()?;
    let book = s.query::<Book>().one()?;
    s.delete(author);
    s.delete(book);
    s.commit()?;
    assert_eq!(count(s.connection(), Authors)?, 0);
    assert_eq!(count(s.connection(), Books)?, 0);
    Ok(())
}

/// Two tables that reference each other, created without constraints.
mod cycle {
    use sqlalgebra::prelude::*;
    use sqlalgebra::schema::ForeignKey;

    #[derive(Clone, Copy, Debug, Default)]
    pub struct A;
    impl Table for A {
        const NAME: &'static str = "orm_cyc_a";
        type Columns = (AId, AB);
        type PrimaryKey = AId;
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct B;
    impl Table for B {
        const NAME: &'static str = "orm_cyc_b";
        type Columns = (BId, BA);
        type PrimaryKey = BId;
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct AId;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct AB;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct BId;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct BA;
    impl Column for AId {
        type Table = A;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    impl Column for AB {
        type Table = A;
        type SqlType = Nullable<BigInt>;
        const NAME: &'static str = "b_id";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<BId>());
    }
    impl Column for BId {
        type Table = B;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    impl Column for BA {
        type Table = B;
        type SqlType = Nullable<BigInt>;
        const NAME: &'static str = "a_id";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<AId>());
    }

    #[derive(Clone, Debug)]
    pub struct RowA(pub i64, pub Option<i64>);
    #[derive(Clone, Debug)]
    pub struct RowB(pub i64, pub Option<i64>);
    impl Model for RowA {
        type Table = A;
        type Columns = (AId, AB);
        type Row = (i64, Option<i64>);
        type Key = i64;
        fn from_row((a, b): Self::Row) -> Self {
            RowA(a, b)
        }
        fn values(&self) -> (&i64, &Option<i64>) {
            (&self.0, &self.1)
        }
        fn key(&self) -> i64 {
            self.0
        }
    }
    impl Model for RowB {
        type Table = B;
        type Columns = (BId, BA);
        type Row = (i64, Option<i64>);
        type Key = i64;
        fn from_row((a, b): Self::Row) -> Self {
            RowB(a, b)
        }
        fn values(&self) -> (&i64, &Option<i64>) {
            (&self.0, &self.1)
        }
        fn key(&self) -> i64 {
            self.0
        }
    }
}

fn a_foreign_key_cycle_is_an_error<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    for sql in [
        "DROP TABLE IF EXISTS orm_cyc_a",
        "DROP TABLE IF EXISTS orm_cyc_b",
        "CREATE TABLE orm_cyc_a (id BIGINT PRIMARY KEY, b_id BIGINT)",
        "CREATE TABLE orm_cyc_b (id BIGINT PRIMARY KEY, a_id BIGINT)",
    ] {
        conn.batch_execute(sql)?;
    }
    let mut s = Session::new(&mut *conn);
    s.add(cycle::RowA(1, None));
    s.add(cycle::RowB(1, None));
    match s.flush().map_err(sqlalgebra::Error::into_kind) {
        Err(ErrorKind::DependencyCycle(tables)) => {
            assert!(tables.contains(&"orm_cyc_a".to_string()), "{tables:?}");
            assert!(tables.contains(&"orm_cyc_b".to_string()), "{tables:?}");
        }
        other => panic!("expected a dependency cycle, got {other:?}"),
    }
    drop(s);
    assert_eq!(count(&mut *conn, cycle::A)?, 0);
    // One side alone has no cycle to resolve.
    let mut s = Session::new(&mut *conn);
    s.add(cycle::RowA(1, None));
    s.commit()?;
    drop(s);
    assert_eq!(count(&mut *conn, cycle::A)?, 1);
    Ok(())
}

fn rollback_restores_the_session<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let mut s = Session::new(&mut *conn);
    let [alice, bob] = [s.add(Author::new("alice")), s.add(Author::new("bob"))];
    s.commit()?;

    s[alice].name = "changed".into();
    let carol = s.add(Author::new("carol"));
    s.delete(bob);
    s.flush()?; // the database sees it all, inside the transaction
    assert_eq!(author_names(s.connection())?, ["carol", "changed"]);
    s.rollback()?;

    assert_eq!(s[alice].name, "alice", "the change is reverted");
    assert!(!s.contains(carol), "the new object is gone");
    assert_eq!(s.state(carol), ObjectState::Detached);
    assert_eq!(
        s.state(bob),
        ObjectState::Persistent,
        "the deleted one is back"
    );
    assert!(s.is_expired(alice));
    assert_eq!(author_names(s.connection())?, ["alice", "bob"]);

    // A rollback without a flush drops pending objects too.
    let dave = s.add(Author::new("dave"));
    s[bob].email = Some("b@b".into());
    s.rollback()?;
    assert!(!s.contains(dave));
    assert_eq!(s[bob].email, None);
    s.commit()?;
    assert_eq!(author_names(s.connection())?, ["alice", "bob"]);

    // Dropping a session rolls back what it did not commit.
    s.add(Author::new("eve"));
    s.flush()?;
    drop(s);
    assert_eq!(author_names(&mut *conn)?, ["alice", "bob"]);
    Ok(())
}

fn expire_on_commit_refresh_and_expunge<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let mut s = Session::new(&mut *conn);
    let alice = s.add(Author::new("alice"));
    s.commit()?;
    let id = s[alice].id;
    assert!(s.is_expired(alice));

    // A change behind the session's back.
    update(Authors)
        .set(authors::Email.set("new@x"))
        .filter(authors::Id.eq(id))
        .execute(s.connection())?;
    let before = s.statement_count();
    assert_eq!(s.get::<Author>(id)?, Some(alice));
    assert_eq!(
        s.statement_count(),
        before + 1,
        "an expired object is reloaded"
    );
    assert_eq!(s[alice].email.as_deref(), Some("new@x"));
    assert!(!s.is_expired(alice));

    // With expire-on-commit off, committed objects are trusted.
    s.set_expire_on_commit(false);
    s.commit()?;
    update(Authors)
        .set(authors::Email.set("newer@x"))
        .filter(authors::Id.eq(id))
        .execute(s.connection())?;
    let before = s.statement_count();
    assert_eq!(s.get::<Author>(id)?, Some(alice));
    assert_eq!(s.statement_count(), before, "no SQL");
    assert_eq!(
        s[alice].email.as_deref(),
        Some("new@x"),
        "stale until refreshed"
    );

    // refresh reloads, discarding unflushed changes.
    s[alice].name = "unsaved".into();
    s.refresh(alice)?;
    assert_eq!(s[alice].email.as_deref(), Some("newer@x"));
    assert_eq!(s[alice].name, "alice");
    assert!(!s.is_modified(alice));

    // expunge forgets the object; its changes are never written.
    s[alice].name = "forgotten".into();
    s.expunge(alice);
    assert!(!s.contains(alice));
    s.commit()?;
    assert_eq!(author_names(s.connection())?, ["alice"]);
    let again = s.get::<Author>(id)?.expect("loaded again");
    assert_ne!(again, alice, "a new slot");
    Ok(())
}

fn savepoints<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let mut s = Session::new(&mut *conn);
    let x = s.add(Author::new("x"));
    let sp = s.begin_nested()?; // flushes x
    let y = s.add(Author::new("y"));
    s[x].email = Some("x@x".into());
    s.flush()?;
    assert_eq!(author_names(s.connection())?, ["x", "y"]);
    s.rollback_to(sp)?;
    assert!(!s.contains(y));
    assert_eq!(s[x].email, None, "x is as it was at the savepoint");
    assert_eq!(author_names(s.connection())?, ["x"]);

    // A released savepoint's work is kept...
    let sp = s.begin_nested()?;
    let z = s.add(Author::new("z"));
    s.release(sp)?;
    assert_eq!(s.state(z), ObjectState::Persistent);

    // ...and a nested closure that fails is undone alone.
    let failed: Result<()> = s.nested(|s| {
        s.add(Author::new("w"));
        s.flush()?;
        Err(ErrorKind::NotFound.into())
    });
    assert!(matches!(
        failed.as_ref().map_err(Error::kind),
        Err(ErrorKind::NotFound)
    ));

    // A failed flush inside a savepoint rolls back only the savepoint.
    let dup: Result<()> = s.nested(|s| {
        s.add(Author::new("x")); // UNIQUE name
        Ok(())
    });
    assert!(
        matches!(
            dup.as_ref().map_err(Error::kind),
            Err(ErrorKind::Constraint {
                kind: sqlalgebra::ConstraintKind::Unique,
                ..
            })
        ),
        "{dup:?}"
    );
    s.commit()?;
    assert_eq!(author_names(s.connection())?, ["x", "z"]);

    // Rolling back the whole transaction undoes released savepoints too.
    let sp = s.begin_nested()?;
    s.add(Author::new("v"));
    s.release(sp)?;
    s.rollback()?;
    assert_eq!(author_names(s.connection())?, ["x", "z"]);

    // Nested savepoints: a released inner one is undone with the outer.
    let x = s.query::<Author>().filter(authors::Name.eq("x")).one()?;
    let outer = s.begin_nested()?;
    s[x].email = Some("1".into());
    let inner = s.begin_nested()?;
    s[x].email = Some("2".into());
    let y = s.add(Author::new("y"));
    s.release(inner)?;
    assert_eq!(s.state(y), ObjectState::Persistent);
    s.rollback_to(outer)?;
    assert_eq!(s[x].email, None);
    assert!(!s.contains(y));
    // ...and a rolled-back inner one leaves the outer's work.
    let outer = s.begin_nested()?;
    s[x].email = Some("1".into());
    let inner = s.begin_nested()?;
    s[x].email = Some("2".into());
    s.rollback_to(inner)?;
    assert_eq!(s[x].email.as_deref(), Some("1"));
    s.release(outer)?;
    s.commit()?;
    let email: Option<String> = select(authors::Email)
        .filter(authors::Name.eq("x"))
        .get(s.connection())?;
    assert_eq!(email.as_deref(), Some("1"));
    assert!(matches!(
        s.release(outer).as_ref().map_err(Error::kind),
        Err(ErrorKind::Transaction(_))
    ));

    // transaction(): commits on Ok.
    s.transaction(|s| {
        s.add(Author::new("u"));
        Ok::<_, Error>(())
    })?;
    drop(s);
    assert_eq!(author_names(&mut *conn)?, ["u", "x", "z"]);
    Ok(())
}

fn relationships<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let mut s = Session::new(&mut *conn);

    // One-to-many with cascade save-update: all inserted, children keyed.
    let (ann, books) = s.add_with_children(
        Author::new("ann"),
        [Book::new("One"), Book::new("Two"), Book::new("Three")],
    );
    // One-to-one.
    let bio = s.add(Bio {
        id: 0,
        author_id: 0,
        body: "born".into(),
    });
    s.attach(ann, bio);
    // Nullable many-to-one.
    let note = s.add(Note {
        id: 0,
        author_id: None,
        body: "n".into(),
    });
    s.attach(ann, note);
    s.commit()?;
    let ann_id = s[ann].id;
    let rows: Vec<(String, i64)> = select((books::Title, books::AuthorId))
        .order_by(books::Id.asc())
        .load(s.connection())?;
    assert_eq!(
        rows,
        [
            ("One".into(), ann_id),
            ("Two".into(), ann_id),
            ("Three".into(), ann_id)
        ]
    );

    // Navigation.
    assert_eq!(s.related::<Author, Book>(ann)?, books);
    assert_eq!(s.related_one::<Author, Bio>(ann)?, Some(bio));
    assert_eq!(s.parent::<Book, Author>(books[1])?, Some(ann));
    let before = s.statement_count();
    assert_eq!(s.related::<Author, Book>(ann)?.len(), 3);
    assert_eq!(
        s.statement_count(),
        before,
        "a loaded collection needs no SQL"
    );

    // Delete-orphan: detaching a book deletes it.
    s.detach(ann, books[0])?;
    assert_eq!(s.related::<Author, Book>(ann)?, books[1..]);
    // Without delete-orphan a nullable foreign key is cleared...
    s.detach(ann, note)?;
    s.commit()?;
    assert_eq!(count(s.connection(), Books)?, 2);
    let note_owner: Option<i64> = select(notes::AuthorId).get(s.connection())?;
    assert_eq!(note_owner, None);

    // Moving a book to another (new) author.
    let bo = s.add(Author::new("bo"));
    s.attach(bo, books[1]);
    s.commit()?;
    let bo_id = s[bo].id;
    let owners: Vec<i64> = select(books::AuthorId)
        .order_by(books::Id.asc())
        .load(s.connection())?;
    assert_eq!(owners, [bo_id, ann_id]);

    // Cascade delete: deleting an author deletes its (unloaded) books and
    // its bio, loading them at flush.
    s.expire_all();
    s.delete(ann);
    s.commit()?;
    assert_eq!(count(s.connection(), Books)?, 1);
    assert_eq!(count(s.connection(), Bios)?, 0);
    assert_eq!(author_names(s.connection())?, ["bo"]);

    // Deleting a parent without a delete cascade clears its children's
    // nullable foreign keys.
    let note = s.add(Note {
        id: 0,
        author_id: None,
        body: "m".into(),
    });
    s.attach(bo, note);
    s.commit()?;
    s.delete(bo);
    s.commit()?;
    let owners: Vec<Option<i64>> = select(notes::AuthorId).load(s.connection())?;
    assert_eq!(owners, [None, None]);
    let bo = s.add(Author::new("bo"));
    s.commit()?;
    let bo_id = s[bo].id;

    // A NOT NULL foreign key without delete-orphan cannot be detached.
    let g = s.add(Genre::new("g"));
    let e = s.add(Expertise {
        author_id: bo_id,
        genre_id: 0,
        level: 1,
    });
    s.attach(g, e);
    s.flush()?;
    let err = s.detach(g, e).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::InvalidStatement(_)),
        "{err}"
    );
    s.rollback()?;
    Ok(())
}

fn many_to_many_and_association_objects<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let mut s = Session::new(&mut *conn);
    let author = s.add(Author::new("le guin"));
    let b1 = s.add(Book::new("Earthsea"));
    let b2 = s.add(Book::new("Dispossessed"));
    s.attach(author, b1);
    s.attach(author, b2);
    let [fantasy, scifi, classic] = [
        s.add(Genre::new("fantasy")),
        s.add(Genre::new("scifi")),
        s.add(Genre::new("classic")),
    ];
    s.link(b1, fantasy);
    s.link(b1, classic);
    s.link(b2, scifi);
    s.link(b2, classic);
    s.commit()?;
    assert_eq!(count(s.connection(), BookGenres)?, 4);

    assert_eq!(s.linked::<Book, Genre>(b1)?, [fantasy, classic]);
    assert_eq!(s.linked::<Genre, Book>(classic)?, [b1, b2]);

    s.unlink(b1, classic);
    s.commit()?;
    let pairs: Vec<(String, String)> = select((books::Title, genres::Name))
        .from(BookGenres)
        .join(Books, books::Id.eq(book_genres::BookId))
        .join(Genres, genres::Id.eq(book_genres::GenreId))
        .order_by((books::Title.asc(), genres::Name.asc()))
        .load(s.connection())?;
    assert_eq!(
        pairs,
        [
            ("Dispossessed".into(), "classic".into()),
            ("Dispossessed".into(), "scifi".into()),
            ("Earthsea".into(), "fantasy".into()),
        ]
    );

    // Deleting a book deletes its link rows first.
    s.delete(b2);
    s.commit()?;
    assert_eq!(count(s.connection(), BookGenres)?, 1);

    // Association object with a composite key and data.
    let author_id = s[author].id;
    let fantasy_id = s[fantasy].id;
    let e = s.add(Expertise {
        author_id,
        genre_id: fantasy_id,
        level: 3,
    });
    s.commit()?;
    s.set_expire_on_commit(false);
    let got = s.get::<Expertise>((author_id, fantasy_id))?;
    assert_eq!(got, Some(e));
    s.expire(e);
    assert_eq!(
        s.get_many::<Expertise>(&[(author_id, fantasy_id), (author_id, 999)])?,
        [e]
    );
    s[e].level = 5;
    s.commit()?;
    let level: i32 = select(expertise::Level).get(s.connection())?;
    assert_eq!(level, 5);
    assert_eq!(s.related::<Author, Expertise>(author)?, [e]);
    assert_eq!(s.parent::<Expertise, Genre>(e)?, Some(fantasy));
    assert_eq!(s.related::<Genre, Expertise>(fantasy)?, [e]);
    Ok(())
}

/// 100 authors with 2 books each, inserted with the core API.
fn hundred_authors<C: Connection>(conn: &mut C) -> Result<()> {
    let authors: Vec<_> = (0..100)
        .map(|i| {
            (
                authors::Name.set(format!("author{i:03}")),
                authors::Email.set(None::<String>),
            )
        })
        .collect();
    insert_into(Authors).values(authors).execute(conn)?;
    let ids: Vec<i64> = select(authors::Id).load(conn)?;
    let books: Vec<_> = ids
        .iter()
        .flat_map(|&id| {
            [1, 2].map(|n| {
                (
                    books::AuthorId.set(id),
                    books::Title.set(format!("book {n} of {id}")),
                    books::Pages.set(n),
                )
            })
        })
        .collect();
    insert_into(Books).values(books).execute(conn)?;
    Ok(())
}

fn total_books<C: Connection>(s: &mut Session<'_, C>, users: &[Handle<Author>]) -> Result<usize> {
    let mut n = 0;
    for &u in users {
        let books = s.related::<Author, Book>(u)?;
        assert!(books.iter().all(|b| s[*b].author_id == s[u].id));
        n += books.len();
    }
    Ok(n)
}

fn loading_strategies_count_statements<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    hundred_authors(&mut *conn)?;

    let mut s = Session::new(&mut *conn);
    let users = s
        .query::<Author>()
        .order_by(authors::Id.asc())
        .selectin_children::<Book>()
        .all()?;
    assert_eq!(users.len(), 100);
    assert_eq!(total_books(&mut s, &users)?, 200);
    assert_eq!(
        s.statement_count(),
        2,
        "selectin: one query for the authors, one for the books"
    );
    drop(s);

    let mut s = Session::new(&mut *conn);
    let users = s
        .query::<Author>()
        .order_by(authors::Id.asc())
        .joined_children::<Book>()
        .all()?;
    assert_eq!(users.len(), 100);
    assert_eq!(total_books(&mut s, &users)?, 200);
    assert_eq!(s.statement_count(), 1, "joined: one statement");
    // The LIMIT counts authors, not joined rows.
    let ten = s
        .query::<Author>()
        .order_by(authors::Name.desc())
        .limit(10)
        .joined_children::<Book>()
        .all()?;
    assert_eq!(ten.len(), 10);
    assert_eq!(s[ten[0]].name, "author099");
    drop(s);

    let mut s = Session::new(&mut *conn);
    let users = s.query::<Author>().order_by(authors::Id.asc()).all()?;
    assert_eq!(total_books(&mut s, &users)?, 200);
    assert_eq!(s.statement_count(), 101, "lazy: one query per author");
    drop(s);

    let mut s = Session::new(&mut *conn);
    let users = s.query::<Author>().raise_children::<Book>().all()?;
    let err = s.related::<Author, Book>(users[0]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NotLoaded { .. }), "{err}");
    assert_eq!(s.statement_count(), 1, "raise runs nothing");
    drop(s);

    // selectin in batches under a bind limit.
    let mut s = Session::new(&mut *conn);
    s.set_batch_size(30);
    let users = s.query::<Author>().selectin_children::<Book>().all()?;
    assert_eq!(total_books(&mut s, &users)?, 200);
    assert_eq!(s.statement_count(), 1 + 4, "100 parents in batches of 30");
    drop(s);

    // Many-to-one selectin: the parents of 200 books in one more query.
    let mut s = Session::new(&mut *conn);
    let books = s.query::<Book>().selectin_parents::<Author>().all()?;
    assert_eq!(books.len(), 200);
    for b in &books {
        let a = s
            .parent::<Book, Author>(*b)?
            .expect("every book has an author");
        assert_eq!(s[a].id, s[*b].author_id);
    }
    assert_eq!(s.statement_count(), 2);
    Ok(())
}

fn cascades_in_a_fresh_session<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    {
        let mut s = Session::new(&mut *conn);
        let (ann, books) =
            s.add_with_children(Author::new("ann"), [Book::new("A"), Book::new("B")]);
        let bio = s.add(Bio {
            id: 0,
            author_id: 0,
            body: "b".into(),
        });
        s.attach(ann, bio);
        let g = s.add(Genre::new("g"));
        s.link(books[0], g);
        s.link(books[1], g);
        s.add_with_children(Author::new("bo"), [Book::new("C")]);
        s.commit()?;
    }
    // A session that never touched the relationships: `Author::relationships`
    // tells the flush to follow them.
    let mut s = Session::new(&mut *conn);
    let ann = s.query::<Author>().filter(authors::Name.eq("ann")).one()?;
    s.delete(ann);
    s.commit()?;
    let titles: Vec<String> = select(books::Title).load(s.connection())?;
    assert_eq!(titles, ["C"], "ann's books went with her, bo's stayed");
    assert_eq!(count(s.connection(), Bios)?, 0);
    assert_eq!(
        count(s.connection(), BookGenres)?,
        0,
        "and their link rows first"
    );
    Ok(())
}

fn many_to_many_loading<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    {
        let mut s = Session::new(&mut *conn);
        let a = s.add(Author::new("a"));
        let genres: Vec<_> = (0..3)
            .map(|i| s.add(Genre::new(&format!("g{i}"))))
            .collect();
        for i in 0..10 {
            let b = s.add(Book::new(&format!("b{i}")));
            s.attach(a, b);
            s.link(b, genres[i % 3]);
        }
        s.commit()?;
    }
    let mut s = Session::new(&mut *conn);
    let books = s
        .query::<Book>()
        .order_by(books::Id.asc())
        .selectin_linked::<Genre>()
        .all()?;
    let mut linked = 0;
    for b in &books {
        let g = s.linked::<Book, Genre>(*b)?;
        assert_eq!(g.len(), 1);
        linked += g.len();
    }
    assert_eq!(linked, 10);
    assert_eq!(s.statement_count(), 2);
    drop(s);

    let mut s = Session::new(&mut *conn);
    let books = s.query::<Book>().raise_linked::<Genre>().all()?;
    assert!(matches!(
        s.linked::<Book, Genre>(books[0])
            .map_err(sqlalgebra::Error::into_kind),
        Err(ErrorKind::NotLoaded { .. })
    ));
    Ok(())
}

fn column_defaults_timestamps_and_versions<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let id = {
        let mut s = Session::new(&mut *conn);
        let a = s.add(Article::new("hello"));
        let returning = s.connection().dialect().supports_insert_returning();
        s.flush()?;
        assert_eq!(
            s.statement_count(),
            if returning { 1 } else { 2 },
            "INSERT ... RETURNING, or INSERT then re-reading the server default"
        );
        assert_eq!(s[a].status.as_deref(), Some("draft"), "server default");
        assert!(s[a].created_at > 0, "client default");
        assert_eq!(s[a].updated_at, s[a].created_at);
        s.commit()?;
        s[a].id
    };
    let row: (String, Option<String>, i64, i64, i64) = select((
        articles::Title,
        articles::Status,
        articles::Version,
        articles::CreatedAt,
        articles::UpdatedAt,
    ))
    .get(&mut *conn)?;
    let created = row.3;
    assert_eq!(row.1.as_deref(), Some("draft"));
    assert_eq!(row.2, 1);

    // An update bumps the version and updated_at, not created_at.
    let mut s1 = Session::new(&mut *conn);
    s1.set_expire_on_commit(false);
    let a = s1.get::<Article>(id)?.expect("exists");
    s1[a].title = "hello again".into();
    s1.commit()?;
    assert_eq!(s1[a].version, 2);
    assert!(s1[a].updated_at > created);
    let (version, created_at, updated_at): (i64, i64, i64) =
        select((articles::Version, articles::CreatedAt, articles::UpdatedAt))
            .get(s1.connection())?;
    assert_eq!(
        (version, created_at, updated_at),
        (2, created, s1[a].updated_at)
    );

    // No change, no UPDATE, no new version.
    let n = s1.statement_count();
    let _ = &mut s1[a];
    s1.commit()?;
    assert_eq!(s1.statement_count(), n);
    drop(s1);

    // A conflicting update: another session changed the row since.
    let mut conn2 = engine.connect()?;
    let mut s1 = Session::new(&mut *conn);
    s1.set_expire_on_commit(false);
    let a = s1.get::<Article>(id)?.expect("exists");
    s1.commit()?;
    {
        let mut s2 = Session::new(&mut *conn2);
        let other = s2.get::<Article>(id)?.expect("exists");
        s2[other].title = "theirs".into();
        s2.commit()?;
    }
    s1[a].title = "mine".into();
    let err = s1.commit().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::StaleData { .. }), "{err}");
    // The session was rolled back; after a refresh the edit goes through.
    assert_eq!(s1[a].title, "hello again", "reverted to what it was");
    s1.refresh(a)?;
    assert_eq!(s1[a].version, 3);
    s1[a].title = "mine".into();
    s1.commit()?;
    let (title, version): (String, i64) =
        select((articles::Title, articles::Version)).get(s1.connection())?;
    assert_eq!((title.as_str(), version), ("mine", 4));

    // A versioned DELETE of a stale row fails too.
    let mut s2 = Session::new(&mut *conn2);
    let stale = s2.get::<Article>(id)?.expect("exists");
    s2.commit()?;
    s1[a].title = "again".into();
    s1.commit()?;
    s2.delete(stale);
    assert!(matches!(
        s2.commit().as_ref().map_err(Error::kind),
        Err(ErrorKind::StaleData { .. })
    ));
    Ok(())
}

/// 3 authors with 2 books each; book `n` is in genre `n % 2`; each author
/// has an expertise in genre 0.
fn three_authors<C: Connection>(conn: &mut C) -> Result<()> {
    let mut s = Session::new(conn);
    let genres = [s.add(Genre::new("g0")), s.add(Genre::new("g1"))];
    let mut n = 0;
    for a in 0..3 {
        let author = s.add(Author::new(&format!("a{a}")));
        for _ in 0..2 {
            let b = s.add(Book::new(&format!("b{n}")));
            s.attach(author, b);
            s.link(b, genres[n % 2]);
            n += 1;
        }
    }
    s.flush()?;
    let g0 = s[genres[0]].id;
    for a in s.query::<Author>().all()? {
        let author_id = s[a].id;
        s.add(Expertise {
            author_id,
            genre_id: g0,
            level: 1,
        });
    }
    s.commit()
}

fn nested_selectin_loading<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    three_authors(&mut *conn)?;

    // Authors -> books -> the books' genres: one statement per level.
    let mut s = Session::new(&mut *conn);
    let authors = s
        .query::<Author>()
        .order_by(authors::Id.asc())
        .selectin_children_with::<Book>(|books| books.selectin_linked::<Genre>())
        .all()?;
    assert_eq!(s.statement_count(), 3);
    let mut seen = Vec::new();
    for &a in &authors {
        for b in s.related::<Author, Book>(a)? {
            assert_eq!(s[b].author_id, s[a].id);
            for g in s.linked::<Book, Genre>(b)? {
                seen.push((s[b].title.clone(), s[g].name.clone()));
            }
        }
    }
    seen.sort();
    let expected: Vec<(String, String)> = (0..6)
        .map(|n| (format!("b{n}"), format!("g{}", n % 2)))
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(s.statement_count(), 3, "everything was loaded");
    // Again: every collection is loaded, only the authors are queried.
    s.query::<Author>()
        .selectin_children_with::<Book>(|books| books.selectin_linked::<Genre>())
        .all()?;
    assert_eq!(s.statement_count(), 4);
    drop(s);

    // Nested under a many-to-one and a many-to-many load.
    let mut s = Session::new(&mut *conn);
    let books = s
        .query::<Book>()
        .selectin_parents_with::<Author>(|authors| authors.selectin_children::<Expertise>())
        .selectin_linked_with::<Genre>(|genres| genres.selectin_children::<Expertise>())
        .all()?;
    assert_eq!(books.len(), 6);
    assert_eq!(s.statement_count(), 5);
    for &b in &books {
        let a = s.parent::<Book, Author>(b)?.expect("loaded");
        assert_eq!(s.related::<Author, Expertise>(a)?.len(), 1);
        for g in s.linked::<Book, Genre>(b)? {
            let n = if s[g].name == "g0" { 3 } else { 0 };
            assert_eq!(s.related::<Genre, Expertise>(g)?.len(), n);
        }
    }
    assert_eq!(s.statement_count(), 5, "everything was loaded");
    drop(s);

    // Raise below selectin; batches at every level.
    let mut s = Session::new(&mut *conn);
    s.set_batch_size(2);
    let authors = s
        .query::<Author>()
        .selectin_children_with::<Book>(|books| {
            books.raise_linked::<Genre>().selectin_parents::<Author>()
        })
        .all()?;
    assert_eq!(s.statement_count(), 1 + 2, "3 authors in batches of 2");
    let b = s.related::<Author, Book>(authors[0])?[0];
    assert!(matches!(
        s.linked::<Book, Genre>(b)
            .map_err(sqlalgebra::Error::into_kind),
        Err(ErrorKind::NotLoaded { .. })
    ));
    assert_eq!(s.parent::<Book, Author>(b)?, Some(authors[0]));
    let books = s
        .query::<Book>()
        .selectin_linked_with::<Genre>(|genres| genres.selectin_linked::<Book>())
        .all()?;
    assert_eq!(
        s.statement_count(),
        3 + 1 + 3 + 1,
        "6 books in 3 batches, 2 genres in 1"
    );
    for &b in &books {
        for g in s.linked::<Book, Genre>(b)? {
            assert_eq!(s.linked::<Genre, Book>(g)?.len(), 3);
        }
    }
    assert_eq!(s.statement_count(), 8);
    Ok(())
}

/// Collections list their objects in key order, whatever order the
/// database returns them in: PostgreSQL moves a changed row to the end of
/// its table, so a plain scan returns it last.
fn collections_are_in_key_order<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    three_authors(&mut *conn)?;
    // The first book of each author, and the first book of genre g0.
    for title in ["b0", "b2", "b4"] {
        let n = update(Books)
            .set(books::Pages.set(99))
            .filter(books::Title.eq(title))
            .execute(&mut *conn)?;
        assert_eq!(n, 1);
    }
    let ids =
        |s: &Session<'_, _>, hs: &[Handle<Book>]| hs.iter().map(|&h| s[h].id).collect::<Vec<i64>>();
    let sorted = |v: &[i64]| v.windows(2).all(|w| w[0] < w[1]);
    // Selectin and lazy loading of children.
    let mut s = Session::new(&mut *conn);
    let authors = s.query::<Author>().selectin_children::<Book>().all()?;
    for &a in &authors {
        let hs = s.related::<Author, Book>(a)?;
        let books = ids(&s, &hs);
        assert_eq!(books.len(), 2);
        assert!(sorted(&books), "{books:?}");
    }
    drop(s);
    let mut s = Session::new(&mut *conn);
    let first = s
        .query::<Author>()
        .order_by(authors::Id.asc())
        .first()?
        .expect("an author");
    let hs = s.related::<Author, Book>(first)?;
    let books = ids(&s, &hs);
    assert!(books.len() == 2 && sorted(&books), "{books:?}");
    // Many-to-many.
    let g0 = s.query::<Genre>().filter(genres::Name.eq("g0")).one()?;
    let hs = s.linked::<Genre, Book>(g0)?;
    let linked = ids(&s, &hs);
    assert!(linked.len() == 3 && sorted(&linked), "{linked:?}");
    Ok(())
}

/// Keys of taken objects stay in the identity map's index until it would
/// grow; whether or not it was swept, lookups must find exactly the
/// objects still in the session.
fn keys_of_taken_objects_are_forgotten<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let mut s = Session::new(&mut *conn);
    let author = s.add(Author::new("a"));
    for n in 0..40 {
        let b = s.add(Book::new(&format!("old{n}")));
        s.attach(author, b);
    }
    s.commit()?;
    drop(s);
    let mut s = Session::new(&mut *conn);
    let loaded = s.query::<Book>().order_by(books::Id.asc()).all()?;
    assert_eq!(loaded.len(), 40);
    let (taken, kept) = loaded.split_at(30);
    let taken: Vec<Book> = s.take_all(taken.iter().copied());
    // Many new keys: the index fills up and drops the taken ones.
    let author = s.query::<Author>().one()?;
    for n in 0..100 {
        let b = s.add(Book::new(&format!("new{n}")));
        s.attach(author, b);
    }
    s.flush()?;
    assert_eq!(s.count::<Book>(), 110);
    let n = s.statement_count();
    for &h in kept {
        let id = s[h].id;
        assert_eq!(s.get::<Book>(id)?, Some(h), "still in the map");
    }
    assert_eq!(s.statement_count(), n, "no SQL for objects in the map");
    for book in &taken {
        let again = s.get::<Book>(book.id)?.expect("still in the database");
        assert!(!loaded.contains(&again), "a new slot");
        assert_eq!(s[again].title, book.title);
    }
    assert_eq!(s.statement_count(), n + 30, "each taken one loaded again");
    assert_eq!(s.count::<Book>(), 140);
    s.rollback()?;
    Ok(())
}

fn take_moves_objects_out<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    three_authors(&mut *conn)?;
    let mut s = Session::new(&mut *conn);
    let authors = s
        .query::<Author>()
        .order_by(authors::Id.asc())
        .selectin_children::<Book>()
        .all()?;
    let books = s.related::<Author, Book>(authors[0])?;
    assert_eq!(books.len(), 2);
    let taken = s.take(books[0]);
    assert_eq!(taken.title, "b0");
    assert!(!s.contains(books[0]));
    assert_eq!(s.try_take(books[0]), None);
    assert_eq!(s.state(books[0]), ObjectState::Detached);
    assert_eq!(s.count::<Book>(), 5);
    assert_eq!(
        s.related::<Author, Book>(authors[0])?,
        [books[1]],
        "gone from the collection"
    );
    // The identity map forgot its key: `get` loads it into a new slot.
    let n = s.statement_count();
    let again = s.get::<Book>(taken.id)?.expect("still in the database");
    assert_ne!(again, books[0]);
    assert_eq!(s[again], taken);
    assert_eq!(s.statement_count(), n + 1);
    // A taken object's changes are not written.
    s[again].title = "changed".into();
    let mut changed = s.take(again);
    assert_eq!(changed.title, "changed");
    changed.title = "b0".into();
    // A pending object taken is not inserted.
    let pending = s.add(Book::new("never"));
    assert_eq!(s.take(pending).title, "never");
    s.commit()?;
    let titles: Vec<String> = select(books::Title)
        .order_by(books::Id.asc())
        .load(s.connection())?;
    assert_eq!(titles, ["b0", "b1", "b2", "b3", "b4", "b5"]);
    // Several at once, in the order asked.
    let mut s2 = Session::new(s.connection());
    let all = s2.query::<Book>().order_by(books::Id.desc()).all()?;
    let titles: Vec<String> = s2
        .take_all(all.iter().copied())
        .into_iter()
        .map(|b| b.title)
        .collect();
    assert_eq!(titles, ["b5", "b4", "b3", "b2", "b1", "b0"]);
    assert_eq!(s2.count::<Book>(), 0);
    // Loaded again, they come back as new objects in new slots.
    let reloaded = s2.query::<Book>().order_by(books::Id.desc()).all()?;
    assert_eq!(reloaded.len(), 6);
    assert!(reloaded.iter().all(|h| !all.contains(h)));
    assert_eq!(s2[reloaded[0]].title, "b5");
    assert_eq!(s2.count::<Book>(), 6);
    drop(s2);
    // After a rollback, a taken object does not come back.
    let a = s.add(Author::new("z"));
    s.flush()?;
    let z = s.take(a);
    s.rollback()?;
    assert!(!s.contains(a));
    assert_eq!(z.name, "z");
    assert_eq!(count(s.connection(), Authors)?, 3);
    Ok(())
}

on_all_backends!(
    crud_and_identity_map,
    queries_reuse_the_identity_map,
    flush_orders_by_foreign_keys,
    a_foreign_key_cycle_is_an_error,
    rollback_restores_the_session,
    expire_on_commit_refresh_and_expunge,
    savepoints,
    relationships,
    many_to_many_and_association_objects,
    loading_strategies_count_statements,
    cascades_in_a_fresh_session,
    many_to_many_loading,
    column_defaults_timestamps_and_versions,
    nested_selectin_loading,
    take_moves_objects_out,
    keys_of_taken_objects_are_forgotten,
    collections_are_in_key_order,
);
