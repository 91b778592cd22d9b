//! `AsyncSession` and `AsyncSessionFactory` on every backend: the unit of
//! work of the sync session, awaited (the same code runs under both; see
//! src/orm/drive.rs). Each test has a fresh database (see
//! `tests/async_common`) with the ORM tests' schema; what the `checker`
//! pool reads is what was committed.
#![cfg(feature = "async")]
#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate

mod async_common;
#[path = "orm_schema/mod.rs"]
mod orm_schema;

use async_common::{Db, on_all_async_backends};
use orm_schema::*;
use sqlalgebra::asyncio::prelude::*;
use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
use sqlalgebra::orm::{AsyncSessionFactory, ObjectState};
use sqlalgebra::schema::create_table;
use sqlalgebra::{Error, ErrorKind, Result};

/// Creates the ORM schema's tables; a factory over the engine under test.
async fn schema<B: AsyncBackend>(db: &Db<B>) -> Result<AsyncSessionFactory<B>> {
    let mut c = db.checker.connect().await?;
    let d = c.dialect();
    let ddl = [
        create_table::<Authors>().statements(d)?,
        create_table::<Books>().statements(d)?,
        create_table::<Bios>().statements(d)?,
        create_table::<Genres>().statements(d)?,
        create_table::<BookGenres>().statements(d)?,
        create_table::<Articles>().statements(d)?,
    ];
    for sql in ddl.into_iter().flatten() {
        c.batch_execute(&sql).await?;
    }
    Ok(AsyncSessionFactory::new(db.engine.clone()))
}

/// The committed authors, `(id, name)` by id.
async fn authors_of<B: AsyncBackend>(engine: &AsyncEngine<B>) -> Result<Vec<(i64, String)>> {
    let mut c = engine.connect().await?;
    select((authors::Id, authors::Name))
        .order_by(authors::Id.asc())
        .load(&mut *c)
        .await
}

/// The committed books, `(author_id, title)` by id.
async fn books_of<B: AsyncBackend>(engine: &AsyncEngine<B>) -> Result<Vec<(i64, String)>> {
    let mut c = engine.connect().await?;
    select((books::AuthorId, books::Title))
        .order_by(books::Id.asc())
        .load(&mut *c)
        .await
}

fn all_authors() -> impl Query<SqlType = (BigInt, Varchar<60>, Nullable<Text>)> + Sync {
    select((authors::Id, authors::Name, authors::Email)).order_by(authors::Id.asc())
}

async fn add_commit_and_get<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let factory = schema(db).await?;
    let mut s = factory.session().await?;
    let d = s.connection().dialect();
    let handles = s.add_all(["ann", "bob", "cy"].map(Author::new));
    assert_eq!(s.state(handles[0]), ObjectState::Pending);
    s.commit().await?;
    // One multi-row INSERT ... RETURNING where the dialect has it; SQLite
    // prefers a prepared one-row INSERT run per object; MySQL asks
    // whether ids are consecutive, then inserts every row at once.
    let expected = if d.prefers_prepared_row_inserts() {
        3
    } else if d.supports_insert_returning() {
        1
    } else {
        2
    };
    assert_eq!(s.statement_count(), expected);
    let ids: Vec<i64> = handles.iter().map(|&h| s[h].id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    let committed = authors_of(&db.checker).await?;
    let names: Vec<(i64, String)> = ids
        .iter()
        .zip(["ann", "bob", "cy"])
        .map(|(&id, n)| (id, n.to_owned()))
        .collect();
    assert_eq!(committed, names);
    // Expired at commit (the default): `get` reads the row again.
    let before = s.statement_count();
    assert!(s.is_expired(handles[1]));
    assert_eq!(s.get::<Author>(ids[1]).await?, Some(handles[1]));
    assert_eq!(s.statement_count(), before + 1);
    assert_eq!(s.get::<Author>(ids[2] + 100).await?, None);
    drop(s);

    // `expire_on_commit(false)`: committed objects are trusted, `get` of
    // one needs no SQL; `refresh` reads it again on demand.
    let factory = factory.expire_on_commit(false);
    let mut s = factory.session().await?;
    let h = s.add(Author::new("dee"));
    s.commit().await?;
    let n = s.statement_count();
    let id = s[h].id;
    assert_eq!(s.get::<Author>(id).await?, Some(h));
    assert_eq!(s.statement_count(), n);
    s[h].name = "changed in memory".into();
    s.refresh(h).await?;
    assert_eq!(s[h].name, "dee");
    assert_eq!(s.statement_count(), n + 1);
    // Taken out of the session: the handle refers to nothing any more.
    assert!(s.contains(h));
    assert_eq!(s.try_take(h).map(|a| a.name), Some("dee".to_owned()));
    assert!(!s.contains(h));
    assert_eq!(s.try_get(h), None);
    Ok(())
}

async fn batched_inserts_read_back_server_defaults<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let factory = schema(db).await?;
    let mut s = factory.session().await?;
    let d = s.connection().dialect();
    let handles = s.add_all((0..40).map(|i| Article::new(&format!("t{i}"))));
    s.flush().await?;
    // One shape (generated key, server default): one INSERT with
    // RETURNING; else the consecutive-ids question, the INSERT and one
    // SELECT of the defaults by key.
    let expected = if d.supports_insert_returning() { 1 } else { 3 };
    assert_eq!(s.statement_count(), expected);
    s.commit().await?;
    let mut c = db.checker.connect().await?;
    let rows: Vec<(i64, String, Option<String>)> =
        select((articles::Id, articles::Title, articles::Status))
            .order_by(articles::Id.asc())
            .load(&mut *c)
            .await?;
    assert_eq!(rows.len(), 40);
    for (h, (id, title, status)) in handles.iter().zip(&rows) {
        assert_eq!(s[*h].id, *id);
        assert_eq!(&s[*h].title, title);
        assert_eq!(status.as_deref(), Some("draft"));
        assert_eq!(s[*h].status.as_deref(), Some("draft"));
    }
    Ok(())
}

async fn update_and_delete_through_the_unit_of_work<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let factory = schema(db).await?;
    let mut s = factory.session().await?;
    let [a, b, c] = ["ann", "bob", "cy"].map(|n| s.add(Author::new(n)));
    s.commit().await?;
    let ids = [s[a].id, s[b].id, s[c].id];
    drop(s);

    let mut s = factory.session().await?;
    let loaded = s.load::<Author, _>(&all_authors()).await?;
    assert_eq!(loaded.len(), 3);
    s[loaded[0]].name = "anne".into();
    s.delete(loaded[1]);
    assert_eq!(s.state(loaded[1]), ObjectState::Deleted);
    let before = s.statement_count();
    s.commit().await?;
    // One UPDATE of the changed column, one DELETE, and before it the
    // cascade's loads of the deleted author's books and bios (none).
    assert_eq!(s.statement_count(), before + 4);
    assert_eq!(
        authors_of(&db.checker).await?,
        [(ids[0], "anne".to_owned()), (ids[2], "cy".to_owned())]
    );
    // An object borrowed mutably but not changed writes nothing.
    let _ = &mut s[loaded[2]];
    let before = s.statement_count();
    s.flush().await?;
    assert_eq!(s.statement_count(), before);
    Ok(())
}

async fn relationships_load_selectin_and_cascade<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let factory = schema(db).await?.expire_on_commit(false);
    let mut s = factory.session().await?;
    let [ann, bob] = ["ann", "bob"].map(|n| s.add(Author::new(n)));
    s.flush().await?;
    for (author, title) in [(ann, "a1"), (ann, "a2"), (bob, "b1")] {
        let mut book = Book::new(title);
        book.author_id = s[author].id;
        s.add(book);
    }
    s.commit().await?;
    let (ann_id, bob_id) = (s[ann].id, s[bob].id);
    drop(s);

    let mut s = factory.session().await?;
    let authors = s.load::<Author, _>(&all_authors()).await?;
    s.selectin_children::<Author, Book>(&authors).await?;
    // One query for the authors, one for every author's books.
    assert_eq!(s.statement_count(), 2);
    let titles = |s: &sqlalgebra::orm::AsyncSession<_>, hs: &[sqlalgebra::orm::Handle<Book>]| {
        hs.iter().map(|&h| s[h].title.clone()).collect::<Vec<_>>()
    };
    let ann_books = s.related::<Author, Book>(authors[0]).await?;
    let bob_books = s.related::<Author, Book>(authors[1]).await?;
    assert_eq!(titles(&s, &ann_books), ["a1", "a2"]);
    assert_eq!(titles(&s, &bob_books), ["b1"]);
    assert_eq!(s.statement_count(), 2, "loaded collections need no SQL");
    // The many-to-one side comes from the identity map.
    assert_eq!(
        s.parent::<Book, Author>(bob_books[0]).await?,
        Some(authors[1])
    );
    assert_eq!(s.statement_count(), 2);

    // Deleting ann cascades to her books (`Cascade::ALL_DELETE_ORPHAN`).
    s.delete(authors[0]);
    s.commit().await?;
    assert_eq!(authors_of(&db.checker).await?, [(bob_id, "bob".to_owned())]);
    assert_eq!(books_of(&db.checker).await?, [(bob_id, "b1".to_owned())]);
    assert_ne!(ann_id, bob_id);

    // The lazy load of a collection not loaded yet is one awaited query.
    let mut s = factory.session().await?;
    let bob = s.get::<Author>(bob_id).await?.expect("bob");
    let n = s.statement_count();
    assert_eq!(s.related::<Author, Book>(bob).await?.len(), 1);
    assert_eq!(s.statement_count(), n + 1);
    Ok(())
}

async fn a_version_conflict_is_stale_data<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let factory = schema(db).await?.expire_on_commit(false);
    let mut s = factory.session().await?;
    let h = s.add(Article::new("first"));
    s.commit().await?;
    let id = s[h].id;
    assert_eq!(s[h].version, 1);
    // Another transaction changes the row (and its version).
    let mut c = db.checker.connect().await?;
    update(Articles)
        .set((articles::Title.set("theirs"), articles::Version.set(2)))
        .filter(articles::Id.eq(id))
        .execute(&mut *c)
        .await?;
    s[h].title = "mine".into();
    match s.commit().await.map_err(sqlalgebra::Error::into_kind) {
        Err(ErrorKind::StaleData { table, .. }) => assert_eq!(table, "orm_articles"),
        other => panic!("expected StaleData, got {other:?}"),
    }
    let title: String = select(articles::Title)
        .filter(articles::Id.eq(id))
        .get(&mut *c)
        .await?;
    assert_eq!(title, "theirs");
    // The session rolled back: a new unit of work over the fresh row works.
    s.refresh(h).await?;
    assert_eq!((s[h].title.as_str(), s[h].version), ("theirs", 2));
    s[h].title = "mine".into();
    s.commit().await?;
    assert_eq!(s[h].version, 3);
    Ok(())
}

async fn a_failed_flush_rolls_back_the_whole_unit<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let factory = schema(db).await?;
    let mut s = factory.session().await?;
    let first = s.add(Author::new("first"));
    s.flush().await?;
    let id = s[first].id;
    // The same key again: the INSERT fails, and the transaction (with the
    // first INSERT) is rolled back.
    s.add(Author {
        id,
        name: "twin".into(),
        email: None,
    });
    assert!(s.commit().await.is_err());
    assert!(!s.in_transaction());
    assert_eq!(s.state(first), ObjectState::Detached);
    assert_eq!(authors_of(&db.checker).await?, []);
    // The session and its connection go on.
    s.add(Author::new("again"));
    s.commit().await?;
    assert_eq!(authors_of(&db.checker).await?.len(), 1);

    // `run`: commits on `Ok`, rolls back on `Err`.
    let made = factory
        .run(|s| {
            Box::pin(async move {
                let h = s.add(Author::new("by run"));
                s.flush().await?;
                Ok(s[h].id)
            })
        })
        .await?;
    let failed: Result<()> = factory
        .run(|s| {
            Box::pin(async move {
                s.add(Author::new("never"));
                s.flush().await?;
                Err(ErrorKind::NotFound.into())
            })
        })
        .await;
    assert!(matches!(
        failed.as_ref().map_err(Error::kind),
        Err(ErrorKind::NotFound)
    ));
    let names: Vec<String> = authors_of(&db.checker)
        .await?
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(names, ["again", "by run"]);
    assert!(
        authors_of(&db.checker)
            .await?
            .iter()
            .any(|(i, _)| *i == made)
    );
    Ok(())
}

on_all_async_backends!(
    add_commit_and_get,
    batched_inserts_read_back_server_defaults,
    update_and_delete_through_the_unit_of_work,
    relationships_load_selectin_and_cascade,
    a_version_conflict_is_stale_data,
    a_failed_flush_rolls_back_the_whole_unit,
);

/// A session dropped with a transaction open (a handler that returned
/// early, a cancelled task): its connection is rolled back and goes back
/// to the pool clean, to be handed out again, with nothing of the
/// transaction visible. The pool has one connection, so the next
/// `connect` waits for it.
async fn a_dropped_session_rolls_back_and_its_connection_is_reused<B: AsyncBackend>(
    db: &Db<B>,
) -> Result<()> {
    let factory = schema(db).await?;
    let mut c = db.engine.connect().await?;
    // Marks this connection: a temporary table lives as long as it does.
    c.batch_execute("CREATE TEMPORARY TABLE async19_marker (x INTEGER)")
        .await?;
    let mut s = sqlalgebra::orm::AsyncSession::new(c);
    s.add(Author::new("never"));
    s.flush().await?;
    assert!(s.in_transaction());
    drop(s);
    let mut c = db.engine.connect().await?;
    assert!(c.state().is_clean());
    let marked: i64 = text("SELECT COUNT(*) FROM async19_marker")
        .returns::<BigInt>()
        .get(&mut *c)
        .await?;
    assert_eq!(marked, 0, "the same connection, not a new one");
    let names: Vec<String> = select(authors::Name).load(&mut *c).await?;
    assert!(names.is_empty(), "{names:?}");
    drop(c);
    assert_eq!(authors_of(&db.checker).await?, []);

    // The same for a session of the factory dropped after a savepoint.
    let mut s = factory.session().await?;
    s.add(Author::new("outer"));
    let _sp = s.begin_nested().await?;
    s.add(Author::new("inner"));
    s.flush().await?;
    drop(s);
    let mut c = db.engine.connect().await?;
    assert!(c.state().is_clean());
    let marked: i64 = text("SELECT COUNT(*) FROM async19_marker")
        .returns::<BigInt>()
        .get(&mut *c)
        .await?;
    assert_eq!(marked, 0);
    drop(c);
    assert_eq!(authors_of(&db.checker).await?, []);
    // And the connection still works for a unit of work.
    let mut s = factory.session().await?;
    s.add(Author::new("kept"));
    s.commit().await?;
    let names: Vec<String> = authors_of(&db.checker)
        .await?
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(names, ["kept"]);
    Ok(())
}

/// [`a_dropped_session_rolls_back_and_its_connection_is_reused`] on each
/// backend, with a pool of one connection.
mod one_connection {
    use super::*;

    fn single() -> PoolOptions {
        PoolOptions::default().size(1).overflow(0)
    }

    const NAME: &str = "dropped_session_reuse";

    #[test]
    fn sqlite() {
        async_common::runtime().block_on(async {
            if let Some(db) = async_common::sqlite(NAME, &single()).await {
                a_dropped_session_rolls_back_and_its_connection_is_reused(&db)
                    .await
                    .unwrap();
            }
        });
    }

    #[test]
    fn postgres() {
        if !async_common::postgres_ready(NAME) {
            return;
        }
        async_common::runtime().block_on(async {
            if let Some(db) = async_common::postgres(NAME, &single()).await {
                a_dropped_session_rolls_back_and_its_connection_is_reused(&db)
                    .await
                    .unwrap();
            }
        });
    }

    #[test]
    fn mysql() {
        if !async_common::mysql_ready(NAME) {
            return;
        }
        async_common::runtime().block_on(async {
            if let Some(db) = async_common::mysql(NAME, &single()).await {
                a_dropped_session_rolls_back_and_its_connection_is_reused(&db)
                    .await
                    .unwrap();
            }
        });
    }
}
