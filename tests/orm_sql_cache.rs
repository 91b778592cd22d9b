//! The ORM's SELECTs from the connection's SQL cache: on ONE connection
//! (so one cache), model queries that differ in one part that shapes the
//! text each (filter or none, another filter, order, LIMIT / OFFSET, a
//! row lock, joins, a joined load, `get` by key, `get_many`, two models,
//! two subtypes of one table) each return exactly their rows: a key that
//! missed a part would hand one query another's text, and so its rows. A
//! repeated shape is served from the cache (its size does not grow). On
//! the three backends, with the sync `Session` and (feature `async`) one
//! `AsyncSession`; debug builds also check every cache hit against a
//! fresh rendering.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate
#![allow(missing_docs)] // test models

#[cfg(feature = "async")]
mod async_common;
// `async_common` holds the shared harness too: one copy of it.
#[cfg(feature = "async")]
use async_common::common;
#[cfg(not(feature = "async"))]
mod common;
mod orm_schema;

use common::on_all_backends;
use orm_schema::staff::{self, Employees, Engineer, Manager, employees};
use orm_schema::{Author, Book, Books, authors, books, setup};
use sqlalgebra::engine::Backend;
use sqlalgebra::orm::{Handle, Model};
use sqlalgebra::prelude::*;
use sqlalgebra::{Engine, Result};

/// How many texts the connection's SQL cache holds.
fn cached<C: Connection>(conn: &mut C) -> usize {
    conn.sql_cache()
        .expect("the backends keep a SQL cache")
        .len()
}

/// Runs `f` in a new session on `conn` (rolled back after), and the
/// names `name` gives the objects it returns, in order.
fn names<C, M, F, N>(conn: &mut C, f: F, name: N) -> Result<Vec<String>>
where
    C: Connection,
    M: Model,
    F: FnOnce(&mut Session<'_, C>) -> Result<Vec<Handle<M>>>,
    N: Fn(&M) -> &str,
{
    let mut s = Session::new(conn);
    let found = f(&mut s)?;
    let out = found.iter().map(|&h| name(&s[h]).to_owned()).collect();
    s.rollback()?;
    Ok(out)
}

fn author(a: &Author) -> &str {
    &a.name
}

fn book(b: &Book) -> &str {
    &b.title
}

/// ann wrote a1 and a2, bob wrote b1, cy wrote nothing.
fn seed<C: Connection>(conn: &mut C) -> Result<()> {
    setup(conn)?;
    let mut s = Session::new(conn);
    let [ann, bob, _] = ["ann", "bob", "cy"].map(|n| s.add(Author::new(n)));
    s.flush()?;
    let (ann, bob) = (s[ann].id, s[bob].id);
    for (author_id, title) in [(ann, "a1"), (ann, "a2"), (bob, "b1")] {
        s.add(Book {
            author_id,
            ..Book::new(title)
        });
    }
    s.commit()
}

fn name_m(m: &Manager) -> &str {
    &m.name
}

fn name_e(e: &Engineer) -> &str {
    &e.name
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn shapes_share_one_cache<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    seed(&mut conn)?;
    let c = &mut conn;
    let all = |s: &mut Session<'_, _>| s.query::<Author>().order_by(authors::Id.asc()).all();
    assert_eq!(names(c, all, author)?, ["ann", "bob", "cy"]);
    // A repeated query is served from the cache: it holds no new text.
    let before = cached(c);
    assert_eq!(names(c, all, author)?, ["ann", "bob", "cy"]);
    assert_eq!(cached(c), before);
    // A filter, then the same shape with another value: one more text.
    let by_name = |n: &'static str| {
        move |s: &mut Session<'_, _>| s.query::<Author>().filter(authors::Name.eq(n)).all()
    };
    assert_eq!(names(c, by_name("bob"), author)?, ["bob"]);
    assert_eq!(cached(c), before + 1);
    assert_eq!(names(c, by_name("cy"), author)?, ["cy"]);
    assert_eq!(cached(c), before + 1);
    // No filter, no order; another filter; another operator.
    let none = |s: &mut Session<'_, _>| s.query::<Author>().all();
    assert_eq!(sorted(names(c, none, author)?), ["ann", "bob", "cy"]);
    let ne = |s: &mut Session<'_, _>| {
        (s.query::<Author>())
            .filter(authors::Name.ne("bob"))
            .order_by(authors::Name.desc())
            .all()
    };
    assert_eq!(names(c, ne, author)?, ["cy", "ann"]);
    let gt = |s: &mut Session<'_, _>| {
        (s.query::<Author>())
            .filter(authors::Id.gt(1))
            .order_by(authors::Name.desc())
            .all()
    };
    assert_eq!(names(c, gt, author)?, ["cy", "bob"]);
    // Order, limit and offset present or not.
    let desc = |s: &mut Session<'_, _>| s.query::<Author>().order_by(authors::Name.desc()).all();
    assert_eq!(names(c, desc, author)?, ["cy", "bob", "ann"]);
    let limit = |s: &mut Session<'_, _>| {
        (s.query::<Author>().order_by(authors::Name.desc()))
            .limit(2)
            .all()
    };
    assert_eq!(names(c, limit, author)?, ["cy", "bob"]);
    let offset = |s: &mut Session<'_, _>| {
        (s.query::<Author>().order_by(authors::Name.desc()))
            .offset(1)
            .all()
    };
    assert_eq!(names(c, offset, author)?, ["bob", "ann"]);
    let both = |s: &mut Session<'_, _>| {
        (s.query::<Author>().order_by(authors::Name.desc()))
            .offset(1)
            .limit(1)
            .all()
    };
    assert_eq!(names(c, both, author)?, ["bob"]);
    let first = |s: &mut Session<'_, _>| {
        let h = s.query::<Author>().order_by(authors::Name.asc()).first()?;
        Ok(h.into_iter().collect())
    };
    assert_eq!(names(c, first, author)?, ["ann"]);
    assert_eq!(names(c, desc, author)?, ["cy", "bob", "ann"]);
    // Joins: inner, left, and a joined load.
    let inner = |s: &mut Session<'_, _>| {
        (s.query::<Author>())
            .join(Books, books::AuthorId.eq(authors::Id))
            .filter(books::Title.eq("b1"))
            .all()
    };
    assert_eq!(names(c, inner, author)?, ["bob"]);
    let left = |s: &mut Session<'_, _>| {
        (s.query::<Author>())
            .left_join(Books, books::AuthorId.eq(authors::Id))
            .filter(books::Title.is_null())
            .all()
    };
    assert_eq!(names(c, left, author)?, ["cy"]);
    let mut s = Session::new(c);
    let loaded = (s.query::<Author>())
        .joined_children::<Book>()
        .order_by(authors::Id.asc())
        .all()?;
    let counts: Vec<usize> = (loaded.iter())
        .map(|&a| s.related::<Author, Book>(a).map(|b| b.len()))
        .collect::<Result<_>>()?;
    assert_eq!(counts, [2, 1, 0]);
    s.rollback()?;
    drop(s);
    assert_eq!(names(c, all, author)?, ["ann", "bob", "cy"]);
    // Two models with the same filter shape; `get` and `get_many` by key.
    let book_1 = |s: &mut Session<'_, _>| s.query::<Book>().filter(books::Id.eq(3)).all();
    assert_eq!(names(c, book_1, book)?, ["b1"]);
    let author_1 = |s: &mut Session<'_, _>| s.query::<Author>().filter(authors::Id.eq(3)).all();
    assert_eq!(names(c, author_1, author)?, ["cy"]);
    let get = |k: i64| move |s: &mut Session<'_, _>| Ok(s.get::<Author>(k)?.into_iter().collect());
    let before = cached(c);
    assert_eq!(names(c, get(2), author)?, ["bob"]);
    assert_eq!(cached(c), before + 1);
    assert_eq!(names(c, get(1), author)?, ["ann"]);
    assert_eq!(cached(c), before + 1);
    assert_eq!(names(c, get(9), author)?, Vec::<String>::new());
    let get_book = |s: &mut Session<'_, _>| Ok(s.get::<Book>(2)?.into_iter().collect());
    assert_eq!(names(c, get_book, book)?, ["a2"]);
    let many = |s: &mut Session<'_, _>| s.get_many::<Author>(&[3, 1]);
    assert_eq!(names(c, many, author)?, ["cy", "ann"]);
    let many_books = |s: &mut Session<'_, _>| s.get_many::<Book>(&[1, 3]);
    assert_eq!(names(c, many_books, book)?, ["a1", "b1"]);
    // `refresh` reads by key too.
    let mut s = Session::new(c);
    let bob = s.get::<Author>(2)?.expect("bob");
    s[bob].name = "changed".into();
    s.refresh(bob)?;
    assert_eq!(s[bob].name, "bob");
    s.rollback()?;
    drop(s);
    // A row lock (SQLite has none: refused, and nothing is cached).
    let locked = |s: &mut Session<'_, _>| {
        (s.query::<Author>())
            .filter(authors::Name.eq("bob"))
            .for_update()
            .all()
    };
    if c.dialect().name() == "sqlite" {
        let before = cached(c);
        assert!(names(c, locked, author).is_err());
        assert_eq!(cached(c), before);
    } else {
        assert_eq!(names(c, locked, author)?, ["bob"]);
    }
    assert_eq!(names(c, by_name("ann"), author)?, ["ann"]);
    assert_eq!(names(c, all, author)?, ["ann", "bob", "cy"]);
    Ok(())
}

fn subtypes_share_one_cache<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    drop_all::<(Employees,)>(&mut conn)?;
    create_all::<(Employees,)>(&mut conn)?;
    let mut s = Session::new(&mut conn);
    let mia = s.add(staff::mia());
    s.flush()?;
    s.add_all(staff::engineers(Some(s[mia].id)));
    s.commit()?;
    drop(s);
    let c = &mut conn;
    let managers = |s: &mut Session<'_, _>| s.query::<Manager>().all();
    let engineers = |s: &mut Session<'_, _>| {
        (s.query::<Engineer>())
            .order_by(employees::Name.asc())
            .all()
    };
    assert_eq!(names(c, managers, name_m)?, ["mia"]);
    assert_eq!(names(c, engineers, name_e)?, ["ed", "eve"]);
    assert_eq!(names(c, managers, name_m)?, ["mia"]);
    // The same filter on both subtypes: each keeps its discriminator.
    let m_named =
        |s: &mut Session<'_, _>| s.query::<Manager>().filter(employees::Name.eq("mia")).all();
    let e_named = |s: &mut Session<'_, _>| {
        s.query::<Engineer>()
            .filter(employees::Name.eq("mia"))
            .all()
    };
    assert_eq!(names(c, m_named, name_m)?, ["mia"]);
    assert_eq!(names(c, e_named, name_e)?, Vec::<String>::new());
    // By key: eve (2) is an engineer, not a manager.
    let get_m = |s: &mut Session<'_, _>| Ok(s.get::<Manager>(2)?.into_iter().collect());
    let get_e = |s: &mut Session<'_, _>| Ok(s.get::<Engineer>(2)?.into_iter().collect());
    assert_eq!(names(c, get_m, name_m)?, Vec::<String>::new());
    assert_eq!(names(c, get_e, name_e)?, ["eve"]);
    let before = cached(c);
    assert_eq!(names(c, get_m, name_m)?, Vec::<String>::new());
    assert_eq!(names(c, get_e, name_e)?, ["eve"]);
    assert_eq!(cached(c), before);
    Ok(())
}

on_all_backends!(shapes_share_one_cache, subtypes_share_one_cache);

/// The same on one `AsyncSession` (its connection's cache, reached
/// through the session's bridge). Its test names differ from the sync
/// ones: a server test's database is named after its test.
#[cfg(feature = "async")]
mod on_async {
    use super::async_common::{Db, on_all_async_backends};
    use super::orm_schema::{Author, Authors, authors};
    use sqlalgebra::Result;
    use sqlalgebra::asyncio::prelude::*;
    use sqlalgebra::asyncio::{AsyncBackend, AsyncConnection};
    use sqlalgebra::orm::{AsyncSession, Handle};
    use sqlalgebra::schema::create_table;

    fn names<H>(s: &AsyncSession<H>, hs: &[Handle<Author>]) -> Vec<String>
    where
        H: std::ops::DerefMut + Send + 'static,
        H::Target: AsyncConnection + Sized,
    {
        hs.iter().map(|&h| s[h].name.clone()).collect()
    }

    fn cached<H>(s: &mut AsyncSession<H>) -> usize
    where
        H: std::ops::DerefMut + Send + 'static,
        H::Target: AsyncConnection + Sized,
    {
        let cache = s.connection().sql_cache();
        cache.expect("the backends keep a SQL cache").len()
    }

    async fn one_async_session_one_cache<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
        let mut c = db.checker.connect().await?;
        for sql in create_table::<Authors>().statements(c.dialect())? {
            c.batch_execute(&sql).await?;
        }
        drop(c);
        let mut s = AsyncSession::new(db.engine.connect().await?);
        s.add_all(["ann", "bob", "cy"].map(Author::new));
        s.commit().await?;
        let all = s
            .query::<Author>()
            .order_by(authors::Id.asc())
            .all()
            .await?;
        assert_eq!(names(&s, &all), ["ann", "bob", "cy"]);
        let bob = (s.query::<Author>())
            .filter(authors::Name.eq("bob"))
            .all()
            .await?;
        assert_eq!(names(&s, &bob), ["bob"]);
        let before = cached(&mut s);
        let cy = (s.query::<Author>())
            .filter(authors::Name.eq("cy"))
            .all()
            .await?;
        assert_eq!(names(&s, &cy), ["cy"]);
        assert_eq!(cached(&mut s), before);
        let two = (s.query::<Author>())
            .order_by(authors::Name.desc())
            .limit(2)
            .all()
            .await?;
        assert_eq!(names(&s, &two), ["cy", "bob"]);
        assert_eq!(cached(&mut s), before + 1);
        let ann = s.get::<Author>(s[all[0]].id).await?;
        assert_eq!(ann, Some(all[0]));
        let again = s
            .query::<Author>()
            .order_by(authors::Id.asc())
            .all()
            .await?;
        assert_eq!(names(&s, &again), ["ann", "bob", "cy"]);
        s.rollback().await
    }

    on_all_async_backends!(one_async_session_one_cache);
}
