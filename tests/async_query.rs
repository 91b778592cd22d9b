//! `AsyncSession::query` on every backend: the `ModelQuery` builder of the
//! sync session (filters, order, limit/offset, row locks, entity tuples,
//! selectin, raise and noload loaders, joined eager loading, declared
//! default strategies, `Joined` included), `get_for_update` and the
//! polymorphic query of single-table inheritance, awaited. The objects returned,
//! the number of statements each load sends (a joined load is one), and
//! the identity map the handles share.
#![cfg(feature = "async")]
#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate
#![allow(missing_docs)] // test models

mod async_common;
#[path = "orm_schema/mod.rs"]
mod orm_schema;

use async_common::{Db, on_all_async_backends};
use orm_schema::joined::{Shelf, Tome};
use orm_schema::staff::{self, Employees, Engineer, Manager, Staff, employees};
use orm_schema::*;
use sqlalgebra::asyncio::AsyncBackend;
use sqlalgebra::asyncio::prelude::*;
use sqlalgebra::orm::{AsyncSession, AsyncSessionFactory, Handle, RelatedExt};
use sqlalgebra::query::RowLock;
use sqlalgebra::schema::create_table;
use sqlalgebra::{Error, ErrorKind, Result};

/// The ORM schema, seeded: ann (a1: fantasy + history, a2; a bio), bob
/// (b1: history), cy (nothing). Keys are 1, 2, 3 in that order.
async fn seeded<B: AsyncBackend>(db: &Db<B>) -> Result<AsyncSessionFactory<B>> {
    let mut c = db.checker.connect().await?;
    let d = c.dialect();
    let ddl = [
        create_table::<Authors>().statements(d)?,
        create_table::<Books>().statements(d)?,
        create_table::<Bios>().statements(d)?,
        create_table::<Genres>().statements(d)?,
        create_table::<BookGenres>().statements(d)?,
    ];
    for sql in ddl.into_iter().flatten() {
        c.batch_execute(&sql).await?;
    }
    for name in ["ann", "bob", "cy"] {
        insert_into(Authors)
            .values(authors::Name.set(name))
            .execute(&mut *c)
            .await?;
    }
    for (author, title) in [(1, "a1"), (1, "a2"), (2, "b1")] {
        insert_into(Books)
            .values((
                books::AuthorId.set(author),
                books::Title.set(title),
                books::Pages.set(10),
            ))
            .execute(&mut *c)
            .await?;
    }
    insert_into(Bios)
        .values((bios::AuthorId.set(1), bios::Body.set("ann's life")))
        .execute(&mut *c)
        .await?;
    for name in ["fantasy", "history"] {
        insert_into(Genres)
            .values(genres::Name.set(name))
            .execute(&mut *c)
            .await?;
    }
    for (book, genre) in [(1, 1), (1, 2), (3, 2)] {
        insert_into(BookGenres)
            .values((
                book_genres::BookId.set(book),
                book_genres::GenreId.set(genre),
            ))
            .execute(&mut *c)
            .await?;
    }
    Ok(AsyncSessionFactory::new(db.engine.clone()))
}

type Session<B> = AsyncSession<sqlalgebra::asyncio::AsyncPooled<B>>;

fn names<B: AsyncBackend>(s: &Session<B>, hs: &[Handle<Author>]) -> Vec<String> {
    hs.iter().map(|&h| s[h].name.clone()).collect()
}

/// Each author's books (`author:title`) and each book's genres, read from
/// loaded collections.
async fn shelf<B: AsyncBackend>(
    s: &mut Session<B>,
    authors: &[Handle<Author>],
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for &a in authors {
        for b in s.related::<Author, Book>(a).await? {
            let mut genres: Vec<String> = s
                .linked::<Book, Genre>(b)
                .await?
                .iter()
                .map(|&g| s[g].name.clone())
                .collect();
            genres.sort();
            out.push(format!("{}:{}:{}", s[a].name, s[b].title, genres.join("+")));
        }
    }
    Ok(out)
}

const SHELF: [&str; 3] = ["ann:a1:fantasy+history", "ann:a2:", "bob:b1:history"];

async fn filters_order_limits_and_the_identity_map<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let factory = seeded(db).await?;
    let mut s = factory.session().await?;
    let two = s
        .query::<Author>()
        .filter(authors::Name.ne("cy"))
        .order_by(authors::Name.desc())
        .all()
        .await?;
    assert_eq!(names(&s, &two), ["bob", "ann"]);
    assert_eq!(s.statement_count(), 1);
    // The same rows again are the same objects.
    let second = s
        .query::<Author>()
        .order_by(authors::Id.asc())
        .limit(1)
        .offset(1)
        .first()
        .await?;
    assert_eq!(second, Some(two[0]));
    let cy = s
        .query::<Author>()
        .filter(authors::Name.eq("cy"))
        .one()
        .await?;
    assert_eq!(s[cy].id, 3);
    assert!(matches!(
        s.query::<Author>()
            .one()
            .await
            .as_ref()
            .map_err(Error::kind),
        Err(ErrorKind::TooManyRows)
    ));
    assert!(matches!(
        s.query::<Author>()
            .filter(authors::Name.eq("nobody"))
            .one()
            .await
            .as_ref()
            .map_err(Error::kind),
        Err(ErrorKind::NotFound)
    ));
    assert_eq!(s.statement_count(), 5);
    // `get` of a loaded key answers from the map, without SQL.
    assert_eq!(s.get::<Author>(3).await?, Some(cy));
    assert_eq!(s.statement_count(), 5);
    // Changes in memory are flushed before the query (autoflush) and the
    // query keeps the object's state.
    s[cy].name = "cyd".into();
    let found = s
        .query::<Author>()
        .filter(authors::Name.eq("cyd"))
        .all()
        .await?;
    assert_eq!(found, [cy]);
    s.rollback().await?;

    // Entity tuples: one (author, book) per row, handles into the map.
    s.close().await?;
    let mut s = factory.session().await?;
    let pairs = s
        .query::<Author>()
        .join_related(Author::to_children::<Book>())
        .order_by(books::Id.asc())
        .all_with::<Book>()
        .await?;
    let rows: Vec<(String, String)> = pairs
        .iter()
        .map(|&(a, b)| (s[a].name.clone(), s[b].title.clone()))
        .collect();
    assert_eq!(
        rows,
        [("ann", "a1"), ("ann", "a2"), ("bob", "b1")].map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert_eq!(pairs[0].0, pairs[1].0);
    let optional = s
        .query::<Author>()
        .left_join_related(Author::to_child::<Bio>())
        .order_by(authors::Id.asc())
        .all_with_optional::<Bio>()
        .await?;
    assert_eq!(optional.len(), 3);
    assert_eq!(optional[0].0, pairs[0].0);
    assert!(optional[0].1.is_some() && optional[1].1.is_none() && optional[2].1.is_none());
    assert_eq!(s.statement_count(), 2);
    Ok(())
}

async fn selectin_raise_and_noload<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let factory = seeded(db).await?;
    // selectin, nested: the authors, their books, the books' genres.
    let mut s = factory.session().await?;
    let authors = s
        .query::<Author>()
        .order_by(authors::Id.asc())
        .selectin_children_with::<Book>(|b| b.selectin_linked::<Genre>())
        .all()
        .await?;
    assert_eq!(s.statement_count(), 3);
    assert_eq!(shelf(&mut s, &authors).await?, SHELF);
    assert_eq!(s.statement_count(), 3, "loaded collections need no SQL");
    // selectin of the parents: the books, then their authors.
    s.close().await?;
    let mut s = factory.session().await?;
    let books = s
        .query::<Book>()
        .order_by(books::Id.asc())
        .selectin_parents::<Author>()
        .all()
        .await?;
    let ann = s.parent::<Book, Author>(books[0]).await?.expect("ann");
    assert_eq!((s[ann].name.as_str(), s.statement_count()), ("ann", 2));
    // raise: asking is an error; noload: empty, without SQL.
    s.close().await?;
    let mut s = factory.session().await?;
    let authors = s
        .query::<Author>()
        .order_by(authors::Id.asc())
        .raise_children::<Book>()
        .noload_children::<Bio>()
        .all()
        .await?;
    let err = s.related::<Author, Book>(authors[0]).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NotLoaded { .. }), "{err:?}");
    assert!(s.related::<Author, Bio>(authors[0]).await?.is_empty());
    assert_eq!(s.statement_count(), 1);
    Ok(())
}

async fn joined_loads_are_one_statement<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let factory = seeded(db).await?;
    // Books and their genres, nested, with the bios: one statement.
    let mut s = factory.session().await?;
    let authors = s
        .query::<Author>()
        .order_by(authors::Id.asc())
        .joined_children_with::<Book>(|b| b.joined_linked::<Genre>())
        .joined_child::<Bio>()
        .all()
        .await?;
    assert_eq!(names(&s, &authors), ["ann", "bob", "cy"]);
    assert_eq!(s.statement_count(), 1);
    assert_eq!(shelf(&mut s, &authors).await?, SHELF);
    let bios: Vec<usize> = {
        let mut n = Vec::new();
        for &a in &authors {
            n.push(s.related::<Author, Bio>(a).await?.len());
        }
        n
    };
    assert_eq!(bios, [1, 0, 0]);
    assert_eq!(
        s.statement_count(),
        1,
        "everything came with the one statement"
    );
    // The objects are the map's: `get` answers without SQL.
    assert_eq!(s.get::<Author>(2).await?, Some(authors[1]));
    assert_eq!(s.statement_count(), 1);

    // Many-to-one, with a LIMIT that counts objects, not joined rows.
    s.close().await?;
    let mut s = factory.session().await?;
    let books = s
        .query::<Book>()
        .order_by(books::Id.asc())
        .limit(2)
        .joined_parent_with::<Author>(|a| a.joined_child::<Bio>())
        .all()
        .await?;
    assert_eq!(books.len(), 2);
    let ann = s.parent::<Book, Author>(books[1]).await?.expect("ann");
    assert_eq!(s[ann].name, "ann");
    assert_eq!(s.related::<Author, Bio>(ann).await?.len(), 1);
    assert_eq!(s.statement_count(), 1);
    let one = s
        .query::<Author>()
        .filter(authors::Name.eq("bob"))
        .joined_children::<Book>()
        .one()
        .await?;
    assert_eq!(s.related::<Author, Book>(one).await?.len(), 1);
    assert_eq!(s.statement_count(), 2);
    // Joined and entity tuples do not mix: refused before anything is sent.
    let err = s
        .query::<Author>()
        .join_related(Author::to_children::<Book>())
        .joined_child::<Bio>()
        .all_with::<Book>()
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::InvalidStatement(_)),
        "{err:?}"
    );
    assert_eq!(s.statement_count(), 2);
    Ok(())
}

/// Every shelf's tomes and their genres, from loaded collections.
async fn tomes<B: AsyncBackend>(
    s: &mut Session<B>,
    shelves: &[Handle<Shelf>],
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for &a in shelves {
        for t in s.related::<Shelf, Tome>(a).await? {
            let mut genres: Vec<String> = s
                .linked::<Tome, Genre>(t)
                .await?
                .iter()
                .map(|&g| s[g].name.clone())
                .collect();
            genres.sort();
            out.push(format!("{}:{}:{}", s[a].name, s[t].title, genres.join("+")));
        }
    }
    Ok(out)
}

async fn declared_joined_defaults<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let factory = seeded(db).await?;
    // query: the shelves, their tomes and the tomes' genres in one statement.
    let mut s = factory.session().await?;
    let shelves = s.query::<Shelf>().order_by(authors::Id.asc()).all().await?;
    assert_eq!(shelves.len(), 3);
    assert_eq!(s.statement_count(), 1);
    assert_eq!(tomes(&mut s, &shelves).await?, SHELF);
    assert_eq!(s.statement_count(), 1);
    // get: one statement too; get_many of keys not in the map: one.
    s.close().await?;
    let mut s = factory.session().await?;
    let ann = s.get::<Shelf>(1).await?.expect("ann");
    assert_eq!(s.statement_count(), 1);
    assert_eq!(tomes(&mut s, &[ann]).await?, SHELF[..2]);
    let both = s.get_many::<Shelf>(&[1, 2, 9]).await?;
    assert_eq!(both.len(), 2);
    assert_eq!(both[0], ann);
    assert_eq!(s.statement_count(), 2);
    assert_eq!(tomes(&mut s, &both).await?, SHELF);
    assert_eq!(s.statement_count(), 2);
    assert_eq!(s.get::<Shelf>(9).await?, None);
    // Overridden per query: lazy tomes, then a lazy load brings the
    // tomes' own default (genres, joined: with selectin there, since
    // the tomes came from their own statement).
    s.close().await?;
    let mut s = factory.session().await?;
    let shelves = s
        .query::<Shelf>()
        .order_by(authors::Id.asc())
        .lazy_children::<Tome>()
        .all()
        .await?;
    assert_eq!(s.statement_count(), 1);
    let ann_tomes = s.related::<Shelf, Tome>(shelves[0]).await?;
    assert_eq!(ann_tomes.len(), 2);
    assert_eq!(s.statement_count(), 3);
    assert_eq!(tomes(&mut s, &shelves[..1]).await?, SHELF[..2]);
    assert_eq!(s.statement_count(), 3);
    // Selectin instead: the shelves, the tomes, their genres.
    s.close().await?;
    let mut s = factory.session().await?;
    let shelves = s.query::<Shelf>().selectin_children::<Tome>().all().await?;
    assert_eq!(s.statement_count(), 3);
    assert_eq!(tomes(&mut s, &shelves).await?, SHELF);
    assert_eq!(s.statement_count(), 3);
    Ok(())
}

async fn row_locks<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let factory = seeded(db).await?;
    let mut s = factory.session().await?;
    if s.connection().dialect().name() == "sqlite" {
        // SQLite has no row locks (its write transactions lock the file).
        let err = s.query::<Author>().for_update().all().await.unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Unsupported { .. }),
            "{err:?}"
        );
        let err = s.get_for_update::<Author>(1).await.unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Unsupported { .. }),
            "{err:?}"
        );
        assert_eq!(s.statement_count(), 0, "refused before anything is sent");
        return Ok(());
    }
    let bob = s.get::<Author>(2).await?.expect("bob");
    assert_eq!(s[bob].name, "bob");
    // Another transaction renames bob; the locking query reads the row as
    // it is now, into the same object.
    let mut c = db.checker.connect().await?;
    update(Authors)
        .set(authors::Name.set("robert"))
        .filter(authors::Id.eq(2))
        .execute(&mut *c)
        .await?;
    let locked = s
        .query::<Author>()
        .filter(authors::Id.eq(2))
        .for_update()
        .one()
        .await?;
    assert_eq!(locked, bob);
    assert_eq!(s[bob].name, "robert");
    // A `Joined` default under a lock loads with selectin (a JOIN would
    // lock the related rows too): the shelf, its tomes, their genres.
    let n = s.statement_count();
    let shelf = s
        .query::<Shelf>()
        .filter(authors::Id.eq(1))
        .for_update()
        .one()
        .await?;
    assert_eq!(s.statement_count(), n + 3);
    assert_eq!(tomes(&mut s, &[shelf]).await?, SHELF[..2]);
    assert_eq!(s.statement_count(), n + 3);
    s.commit().await?;

    // get_for_update: the row as it is now, into the object the session
    // holds, even though the map had it (no SQL for a plain `get`).
    let cy = s.get::<Author>(3).await?.expect("cy");
    update(Authors)
        .set(authors::Name.set("cyd"))
        .filter(authors::Id.eq(3))
        .execute(&mut *c)
        .await?;
    let n = s.statement_count();
    assert_eq!(s.get::<Author>(3).await?, Some(cy));
    assert_eq!((s[cy].name.as_str(), s.statement_count()), ("cy", n));
    let locked = s.get_for_update::<Author>(3).await?;
    assert_eq!(locked, Some(cy), "the same object");
    assert_eq!(s[cy].name, "cyd", "the row as locked, not the stale copy");
    assert_eq!(s.statement_count(), n + 1);
    assert_eq!(s.get_for_update::<Author>(99).await?, None);
    // The lock holds until the session's transaction ends: another
    // session asking with NOWAIT is refused, then gets it after COMMIT.
    let mut other = factory.session().await?;
    let err = other
        .get_with_lock::<Author>(3, RowLock::update().nowait())
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Conflict { .. }), "{err:?}");
    other.rollback().await?;
    s[cy].name = "cyrus".into();
    s.commit().await?;
    let mine = other
        .get_with_lock::<Author>(3, RowLock::update().nowait())
        .await?
        .expect("cy");
    assert_eq!(other[mine].name, "cyrus");
    other.commit().await?;
    Ok(())
}

/// mia manages eve; ed has no manager. Inserted through a session.
async fn seeded_staff<B: AsyncBackend>(db: &Db<B>) -> Result<AsyncSessionFactory<B>> {
    let mut c = db.checker.connect().await?;
    for sql in create_table::<Employees>().statements(c.dialect())? {
        c.batch_execute(&sql).await?;
    }
    let factory = AsyncSessionFactory::new(db.engine.clone());
    let mut s = factory.session().await?;
    let mia = s.add(staff::mia());
    s.flush().await?;
    s.add_all(staff::engineers(Some(s[mia].id)));
    s.commit().await?;
    Ok(factory)
}

/// The base of single-table inheritance loads each row as its subtype,
/// into that subtype's identity map, one statement per query.
async fn polymorphic_base_loads_subtypes<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let factory = seeded_staff(db).await?;
    let mut s = factory.session().await?;
    let eve = s
        .query::<Engineer>()
        .filter(employees::Name.eq("eve"))
        .one()
        .await?;
    let all = s
        .polymorphic::<Staff>()
        .order_by(employees::Id.asc())
        .all()
        .await?;
    let [
        Staff::Manager(mia),
        Staff::Engineer(e2),
        Staff::Engineer(ed),
    ] = all[..]
    else {
        panic!("{all:?}");
    };
    assert_eq!(e2, eve, "the object loaded before");
    assert_eq!(
        (s[mia].budget, s[ed].language.as_deref()),
        (Some(100), Some("go"))
    );
    assert_eq!(s.statement_count(), 2);
    let one = s
        .polymorphic::<Staff>()
        .filter(employees::Name.eq("ed"))
        .one()
        .await?;
    assert_eq!(one, Staff::Engineer(ed));
    let second = s
        .polymorphic::<Staff>()
        .order_by(employees::Name.desc())
        .limit(1)
        .offset(1)
        .first()
        .await?;
    assert_eq!(second, Some(Staff::Engineer(eve)));
    let err = s.polymorphic::<Staff>().one().await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooManyRows), "{err:?}");
    assert_eq!(s.statement_count(), 5);
    // Pending changes are flushed first (autoflush), so the query sees them.
    s[ed].name = "edd".into();
    let renamed = s
        .polymorphic::<Staff>()
        .filter(employees::Name.eq("edd"))
        .all()
        .await?;
    assert_eq!(renamed, [Staff::Engineer(ed)]);
    s.rollback().await?;
    // A kind no subtype declares is an error, not a wrong object; the
    // subtypes' own queries do not see it.
    let mut c = db.checker.connect().await?;
    insert_into(Employees)
        .values((employees::Kind.set("intern"), employees::Name.set("ian")))
        .execute(&mut *c)
        .await?;
    let err = s.polymorphic::<Staff>().all().await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::InvalidStatement(_)),
        "{err:?}"
    );
    assert_eq!(s.query::<Engineer>().all().await?.len(), 2);
    assert_eq!(s.query::<Manager>().all().await?.len(), 1);
    Ok(())
}

on_all_async_backends!(
    filters_order_limits_and_the_identity_map,
    selectin_raise_and_noload,
    joined_loads_are_one_statement,
    declared_joined_defaults,
    row_locks,
    polymorphic_base_loads_subtypes,
);
