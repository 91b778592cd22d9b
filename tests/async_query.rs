//! `AsyncSession::query` on every backend: the `ModelQuery` builder of the
//! sync session (filters, order, limit/offset, row locks, entity tuples,
//! selectin, raise and noload loaders, joined eager loading, declared
//! default strategies, `Joined` included), awaited. The objects returned,
//! the number of statements each load sends (a joined load is one), and
//! the identity map the handles share.
#![cfg(feature = "async")]
#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate
#![allow(missing_docs)] // test models

mod async_common;
#[path = "orm_schema/mod.rs"]
mod orm_schema;

use async_common::{Db, on_all_async_backends};
use orm_schema::*;
use sqlalgebra::asyncio::AsyncBackend;
use sqlalgebra::asyncio::prelude::*;
use sqlalgebra::orm::{
    AsyncSession, AsyncSessionFactory, BelongsTo, Handle, HasMany, Loading, ManyToMany, Model,
    RelatedExt, Relationships,
};
use sqlalgebra::schema::create_table;
use sqlalgebra::{Connection, Error, ErrorKind, Result};

/// An author whose books load in the same statement (`Joined`).
#[derive(Debug, Clone, PartialEq)]
pub struct Shelf {
    pub id: i64,
    pub name: String,
}
impl Model for Shelf {
    type Table = Authors;
    type Columns = (authors::Id, authors::Name);
    type Row = (i64, String);
    type Key = i64;
    fn from_row((id, name): Self::Row) -> Self {
        Shelf { id, name }
    }
    fn values(&self) -> (&i64, &String) {
        (&self.id, &self.name)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn relationships<C: Connection>(r: &mut Relationships<'_, Self, C>) {
        r.has_many::<Tome>();
    }
}

/// A book whose genres load in the same statement too (nested `Joined`).
#[derive(Debug, Clone, PartialEq)]
pub struct Tome {
    pub id: i64,
    pub author_id: i64,
    pub title: String,
}
impl Model for Tome {
    type Table = Books;
    type Columns = (books::Id, books::AuthorId, books::Title);
    type Row = (i64, i64, String);
    type Key = i64;
    fn from_row((id, author_id, title): Self::Row) -> Self {
        Tome {
            id,
            author_id,
            title,
        }
    }
    fn values(&self) -> (&i64, &i64, &String) {
        (&self.id, &self.author_id, &self.title)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn relationships<C: Connection>(r: &mut Relationships<'_, Self, C>) {
        r.many_to_many::<Genre>();
    }
}
impl BelongsTo<Shelf> for Tome {
    type ForeignKey = books::AuthorId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.author_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.author_id = key;
    }
}
impl HasMany<Tome> for Shelf {
    const LOADING: Loading = Loading::Joined;
}
impl ManyToMany<Genre> for Tome {
    type Link = BookGenres;
    type Left = book_genres::BookId;
    type Right = book_genres::GenreId;
    const LOADING: Loading = Loading::Joined;
}

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
    Ok(())
}

on_all_async_backends!(
    filters_order_limits_and_the_identity_map,
    selectin_raise_and_noload,
    joined_loads_are_one_statement,
    declared_joined_defaults,
    row_locks,
);
