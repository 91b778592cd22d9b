//! Relationship-driven queries: joins along declared relationships
//! (`join_related`) in the core SELECT and in ORM queries, the EXISTS
//! comparators `has` / `any` / `exists` in SELECT, UPDATE, DELETE and ORM
//! queries, entity tuples (`all_with`), and statement counts of the
//! loading strategies (`assert_statements`). Exact SQL in the three
//! dialects; rows, rows changed and table contents on the three backends.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate

mod common;
mod orm_schema;

use common::on_all_backends;
use orm_schema::*;
use sqlalgebra::engine::Backend;
use sqlalgebra::hooks::{Hooked, assert_statements, count_statements};
use sqlalgebra::prelude::*;
use sqlalgebra::render::Statement;
use sqlalgebra::value::ValueRef as V;
use sqlalgebra::{Engine, Error, ErrorKind, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

/// The SQL of `q` in SQLite, PostgreSQL and MySQL, and its binds (the
/// same in each).
fn sql3<Q: Statement>(q: &Q) -> ([String; 3], Vec<String>) {
    let s = q.to_sql(&Sqlite).expect("sqlite");
    let p = q.to_sql(&Postgres).expect("postgres");
    let m = q.to_sql(&Mysql).expect("mysql");
    let binds: Vec<String> = s.binds.iter().map(|b| format!("{b:?}")).collect();
    assert_eq!(format!("{:?}", p.binds), format!("{:?}", s.binds));
    assert_eq!(format!("{:?}", m.binds), format!("{:?}", s.binds));
    ([s.sql, p.sql, m.sql], binds)
}

/// `sql` with `"` as MySQL quotes identifiers, and `?` as PostgreSQL
/// numbers placeholders.
fn dialects(sqlite: &str) -> [String; 3] {
    let mut pg = String::new();
    let mut n = 0;
    for c in sqlite.chars() {
        if c == '?' {
            n += 1;
            pg.push_str(&format!("${n}"));
        } else {
            pg.push(c);
        }
    }
    [sqlite.to_owned(), pg, sqlite.replace('"', "`")]
}

// ------------------------------------------------------------ rendering

#[test]
fn renders_many_to_one_join() {
    let q = select(books::Title)
        .join_related(Book::to_parent::<Author>())
        .filter(authors::Name.eq("alice"));
    let (sql, binds) = sql3(&q);
    assert_eq!(
        sql,
        dialects(
            "SELECT \"orm_books\".\"title\" FROM \"orm_books\" INNER JOIN \"orm_authors\" \
             ON \"orm_authors\".\"id\" = \"orm_books\".\"author_id\" WHERE \"orm_authors\".\"name\" = ?"
        )
    );
    assert_eq!(binds, [format!("{:?}", V::Text("alice"))]);
}

#[test]
fn renders_one_to_many_left_join_and_one_to_one() {
    let q = select((authors::Name, books::Title)).left_join_related(Author::to_children::<Book>());
    assert_eq!(
        sql3(&q).0,
        dialects(
            "SELECT \"orm_authors\".\"name\", \"orm_books\".\"title\" FROM \"orm_authors\" \
             LEFT JOIN \"orm_books\" ON \"orm_books\".\"author_id\" = \"orm_authors\".\"id\""
        )
    );
    let q = select((authors::Name, bios::Body)).join_related(Author::to_child::<Bio>());
    assert_eq!(
        sql3(&q).0,
        dialects(
            "SELECT \"orm_authors\".\"name\", \"orm_bios\".\"body\" FROM \"orm_authors\" \
             INNER JOIN \"orm_bios\" ON \"orm_bios\".\"author_id\" = \"orm_authors\".\"id\""
        )
    );
    // An explicit FROM stays the base; the join follows it.
    let q = select(bios::Body)
        .from(Authors)
        .join_related(Author::to_child::<Bio>());
    assert_eq!(
        sql3(&q).0,
        dialects(
            "SELECT \"orm_bios\".\"body\" FROM \"orm_authors\" \
             INNER JOIN \"orm_bios\" ON \"orm_bios\".\"author_id\" = \"orm_authors\".\"id\""
        )
    );
}

#[test]
fn renders_many_to_many_twice_with_aliases() {
    let g1 = Book::to_linked::<Genre>().alias("g1").link_alias("bg1");
    let g2 = Book::to_linked::<Genre>().alias("g2").link_alias("bg2");
    let q = select(books::Title)
        .join_related(g1)
        .join_related(g2)
        .filter(g1.col(genres::Name).eq("fantasy"))
        .filter(g2.col(genres::Name).eq("gift"));
    let (sql, binds) = sql3(&q);
    assert_eq!(
        sql,
        dialects(
            "SELECT \"orm_books\".\"title\" FROM \"orm_books\" \
             INNER JOIN \"orm_book_genres\" AS \"bg1\" ON \"bg1\".\"book_id\" = \"orm_books\".\"id\" \
             INNER JOIN \"orm_genres\" AS \"g1\" ON \"g1\".\"id\" = \"bg1\".\"genre_id\" \
             INNER JOIN \"orm_book_genres\" AS \"bg2\" ON \"bg2\".\"book_id\" = \"orm_books\".\"id\" \
             INNER JOIN \"orm_genres\" AS \"g2\" ON \"g2\".\"id\" = \"bg2\".\"genre_id\" \
             WHERE \"g1\".\"name\" = ? AND \"g2\".\"name\" = ?"
        )
    );
    assert_eq!(binds.len(), 2);
}

#[test]
fn renders_chains_and_joins_from_an_alias() {
    // books -> author (aliased) -> that author's other books.
    let author = Book::to_parent::<Author>().alias("a");
    let others = Author::to_children::<Book>().from_alias("a").alias("other");
    let q = select((books::Title, others.col(books::Title)))
        .join_related(author)
        .join_related(others)
        .filter(others.col(books::Id).ne(books::Id));
    assert_eq!(
        sql3(&q).0,
        dialects(
            "SELECT \"orm_books\".\"title\", \"other\".\"title\" FROM \"orm_books\" \
             INNER JOIN \"orm_authors\" AS \"a\" ON \"a\".\"id\" = \"orm_books\".\"author_id\" \
             INNER JOIN \"orm_books\" AS \"other\" ON \"other\".\"author_id\" = \"a\".\"id\" \
             WHERE \"other\".\"id\" <> \"orm_books\".\"id\""
        )
    );
}

#[test]
fn renders_has_and_any_in_select_update_delete() {
    let q = select(books::Title).filter(Book::to_parent::<Author>().has(authors::Name.eq("bob")));
    assert_eq!(
        sql3(&q).0,
        dialects(
            "SELECT \"orm_books\".\"title\" FROM \"orm_books\" WHERE EXISTS (SELECT 1 FROM \"orm_authors\" \
             WHERE \"orm_authors\".\"id\" = \"orm_books\".\"author_id\" AND \"orm_authors\".\"name\" = ?)"
        )
    );
    // FROM is inferred from the relationship's source.
    let q = select(count_star()).filter(Book::to_linked::<Genre>().any(genres::Name.eq("gift")));
    assert_eq!(
        sql3(&q).0,
        dialects(
            "SELECT COUNT(*) FROM \"orm_books\" WHERE EXISTS (SELECT 1 FROM \"orm_book_genres\" \
             INNER JOIN \"orm_genres\" ON \"orm_genres\".\"id\" = \"orm_book_genres\".\"genre_id\" \
             WHERE \"orm_book_genres\".\"book_id\" = \"orm_books\".\"id\" AND \"orm_genres\".\"name\" = ?)"
        )
    );
    let q = update(Books)
        .set(books::Pages.set(1))
        .filter(Book::to_parent::<Author>().has(authors::Name.eq("alice")));
    let (sql, binds) = sql3(&q);
    assert_eq!(
        sql,
        dialects(
            "UPDATE \"orm_books\" SET \"pages\" = ? WHERE EXISTS (SELECT 1 FROM \"orm_authors\" \
             WHERE \"orm_authors\".\"id\" = \"orm_books\".\"author_id\" AND \"orm_authors\".\"name\" = ?)"
        )
    );
    assert_eq!(binds.len(), 2);
    let q = delete_from(Authors).filter(not(Author::to_children::<Book>().exists()));
    assert_eq!(
        sql3(&q).0,
        dialects(
            "DELETE FROM \"orm_authors\" WHERE NOT EXISTS (SELECT 1 FROM \"orm_books\" \
             WHERE \"orm_books\".\"author_id\" = \"orm_authors\".\"id\")"
        )
    );
    // OR around the comparator keeps its parentheses right.
    let q = select(authors::Name).filter(
        Author::to_child::<Bio>()
            .has(bios::Body.eq("x").or(bios::Body.eq("y")))
            .or(authors::Name.eq("z")),
    );
    assert_eq!(
        sql3(&q).0[0],
        "SELECT \"orm_authors\".\"name\" FROM \"orm_authors\" WHERE EXISTS (SELECT 1 FROM \"orm_bios\" \
         WHERE \"orm_bios\".\"author_id\" = \"orm_authors\".\"id\" AND (\"orm_bios\".\"body\" = ? \
         OR \"orm_bios\".\"body\" = ?)) OR \"orm_authors\".\"name\" = ?"
    );
}

#[test]
fn exists_in_a_write_refuses_a_table_outside_the_statement() {
    // The criterion names a table that is neither the target nor the
    // statement's: a typed error before anything is sent.
    let q = delete_from(Authors).filter(Author::to_children::<Book>().any(genres::Name.eq("gift")));
    assert!(matches!(
        q.to_sql(&Sqlite).as_ref().map_err(Error::kind),
        Err(ErrorKind::TableNotInStatement { .. })
    ));
}

// ------------------------------------------------------------ execution

/// alice: books A1 (100 pages; fantasy, gift) and A2 (300; gift), a bio;
/// bob: B1 (200; history), a bio; carol: nothing. Genre "unused" has no
/// books.
fn seed<C: Connection>(conn: &mut C) -> Result<()> {
    setup(conn)?;
    for name in ["alice", "bob", "carol"] {
        insert_into(Authors)
            .values(authors::Name.set(name))
            .execute(conn)?;
    }
    for (author, title, pages) in [(1, "A1", 100), (1, "A2", 300), (2, "B1", 200)] {
        insert_into(Books)
            .values((
                books::AuthorId.set(author),
                books::Title.set(title),
                books::Pages.set(pages),
            ))
            .execute(conn)?;
    }
    for (author, body) in [(1, "alice's bio"), (2, "bob's bio")] {
        insert_into(Bios)
            .values((bios::AuthorId.set(author), bios::Body.set(body)))
            .execute(conn)?;
    }
    for name in ["fantasy", "gift", "history", "unused"] {
        insert_into(Genres)
            .values(genres::Name.set(name))
            .execute(conn)?;
    }
    for (book, genre) in [(1, 1), (1, 2), (2, 2), (3, 3)] {
        insert_into(BookGenres)
            .values((
                book_genres::BookId.set(book),
                book_genres::GenreId.set(genre),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn core_joins_along_relationships<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    seed(&mut *conn)?;
    let c = &mut *conn;

    let rows: Vec<(String, String)> = select((books::Title, authors::Name))
        .join_related(Book::to_parent::<Author>())
        .order_by(books::Title.asc())
        .load(c)?;
    assert_eq!(
        rows,
        [("A1", "alice"), ("A2", "alice"), ("B1", "bob")].map(|(a, b)| (a.into(), b.into()))
    );

    let rows: Vec<(String, Option<String>)> = select((authors::Name, books::Title))
        .left_join_related(Author::to_children::<Book>())
        .order_by((authors::Name.asc(), books::Title.asc()))
        .load(c)?;
    let want: Vec<(String, Option<String>)> = vec![
        ("alice".into(), Some("A1".into())),
        ("alice".into(), Some("A2".into())),
        ("bob".into(), Some("B1".into())),
        ("carol".into(), None),
    ];
    assert_eq!(rows, want);

    let rows: Vec<(String, String)> = select((authors::Name, bios::Body))
        .join_related(Author::to_child::<Bio>())
        .order_by(authors::Name.asc())
        .load(c)?;
    assert_eq!(
        rows,
        [("alice", "alice's bio"), ("bob", "bob's bio")].map(|(a, b)| (a.into(), b.into()))
    );

    let rows: Vec<(String, String)> = select((books::Title, genres::Name))
        .join_related(Book::to_linked::<Genre>())
        .order_by((books::Title.asc(), genres::Name.asc()))
        .load(c)?;
    assert_eq!(
        rows,
        [
            ("A1", "fantasy"),
            ("A1", "gift"),
            ("A2", "gift"),
            ("B1", "history")
        ]
        .map(|(a, b)| (a.into(), b.into()))
    );

    // The same many-to-many twice: books with both genres.
    let g1 = Book::to_linked::<Genre>().alias("g1").link_alias("bg1");
    let g2 = Book::to_linked::<Genre>().alias("g2").link_alias("bg2");
    let both: Vec<String> = select(books::Title)
        .join_related(g1)
        .join_related(g2)
        .filter(g1.col(genres::Name).eq("fantasy"))
        .filter(g2.col(genres::Name).eq("gift"))
        .load(c)?;
    assert_eq!(both, ["A1"]);

    // A chain through an alias: each book with the other books of its
    // author.
    let author = Book::to_parent::<Author>().alias("a");
    let others = Author::to_children::<Book>().from_alias("a").alias("other");
    let pairs: Vec<(String, String)> = select((books::Title, others.col(books::Title)))
        .join_related(author)
        .join_related(others)
        .filter(others.col(books::Id).ne(books::Id))
        .order_by(books::Title.asc())
        .load(c)?;
    assert_eq!(
        pairs,
        [("A1", "A2"), ("A2", "A1")].map(|(a, b)| (a.into(), b.into()))
    );
    Ok(())
}

fn orm_joins_along_relationships<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    seed(&mut conn)?;
    let mut s = Session::new(&mut conn);
    let alices = s
        .query::<Book>()
        .join_related(Book::to_parent::<Author>())
        .filter(authors::Name.eq("alice"))
        .order_by(books::Title.asc())
        .all()?;
    let titles: Vec<&str> = alices.iter().map(|&b| s[b].title.as_str()).collect();
    assert_eq!(titles, ["A1", "A2"]);

    // One-to-many: each author once, though alice has two long books.
    let long = s
        .query::<Author>()
        .join_related(Author::to_children::<Book>())
        .filter(books::Pages.gt(150))
        .order_by(authors::Name.asc())
        .all()?;
    let names: Vec<&str> = long.iter().map(|&a| s[a].name.as_str()).collect();
    assert_eq!(names, ["alice", "bob"]);

    let genres = s
        .query::<Genre>()
        .join_related(Genre::to_linked::<Book>())
        .filter(books::Title.eq("A1"))
        .order_by(genres::Name.asc())
        .all()?;
    let names: Vec<&str> = genres.iter().map(|&g| s[g].name.as_str()).collect();
    assert_eq!(names, ["fantasy", "gift"]);

    let with_bio = s
        .query::<Author>()
        .join_related(Author::to_child::<Bio>())
        .filter(bios::Body.like("bob%"))
        .all()?;
    assert_eq!(with_bio.len(), 1);
    assert_eq!(s[with_bio[0]].name, "bob");
    s.rollback()?;
    drop(s);

    // The SQL the ORM sent for a relationship join.
    let (_, sent) = count_statements(&mut conn, |c| {
        let mut s = Session::new(c);
        s.query::<Book>()
            .join_related(Book::to_parent::<Author>())
            .filter(authors::Name.eq("bob"))
            .all()?;
        s.rollback()
    })?;
    let q = |t: &str| {
        if conn.dialect().name() == "mysql" || conn.dialect().name().starts_with("mariadb") {
            format!("`{t}`")
        } else {
            format!("\"{t}\"")
        }
    };
    let expected_from = format!(
        "FROM {b} INNER JOIN {a} ON {a}.{id} = {b}.{author_id} WHERE {a}.{name} = ",
        b = q("orm_books"),
        a = q("orm_authors"),
        id = q("id"),
        author_id = q("author_id"),
        name = q("name"),
    );
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].contains(&expected_from), "{}", sent[0]);
    Ok(())
}

fn has_and_any_in_select<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    seed(&mut *conn)?;
    let c = &mut *conn;
    let bobs: Vec<String> = select(books::Title)
        .filter(Book::to_parent::<Author>().has(authors::Name.eq("bob")))
        .load(c)?;
    assert_eq!(bobs, ["B1"]);

    let long: Vec<String> = select(authors::Name)
        .filter(Author::to_children::<Book>().any(books::Pages.gt(250)))
        .load(c)?;
    assert_eq!(long, ["alice"]);

    let bookless: Vec<String> = select(authors::Name)
        .filter(not(Author::to_children::<Book>().exists()))
        .load(c)?;
    assert_eq!(bookless, ["carol"]);

    let with_bio: Vec<String> = select(authors::Name)
        .filter(Author::to_child::<Bio>().exists())
        .order_by(authors::Name.asc())
        .load(c)?;
    assert_eq!(with_bio, strings(&["alice", "bob"]));

    let gifts: Vec<String> = select(books::Title)
        .filter(Book::to_linked::<Genre>().any(genres::Name.eq("gift")))
        .order_by(books::Title.asc())
        .load(c)?;
    assert_eq!(gifts, strings(&["A1", "A2"]));

    let n: i64 = select(count_star())
        .filter(not(Genre::to_linked::<Book>().exists()))
        .get(c)?;
    assert_eq!(n, 1, "only `unused` has no books");

    // Nested: authors with a book that has the genre "history".
    let nested: Vec<String> = select(authors::Name)
        .filter(
            Author::to_children::<Book>()
                .any(Book::to_linked::<Genre>().any(genres::Name.eq("history"))),
        )
        .load(c)?;
    assert_eq!(nested, ["bob"]);

    // In an ORM query.
    let mut s = Session::new(c);
    let found = s
        .query::<Author>()
        .filter(Author::to_children::<Book>().any(books::Title.eq("B1")))
        .all()?;
    assert_eq!(found.len(), 1);
    assert_eq!(s[found[0]].name, "bob");
    let none = s
        .query::<Book>()
        .filter(Book::to_parent::<Author>().has(authors::Name.eq("carol")))
        .all()?;
    assert!(none.is_empty());
    s.rollback()?;
    Ok(())
}

fn pages<C: Connection>(c: &mut C) -> Result<Vec<(String, i32)>> {
    select((books::Title, books::Pages))
        .order_by(books::Title.asc())
        .load(c)
}

fn has_and_any_in_update_and_delete<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    seed(&mut *conn)?;
    let c = &mut *conn;

    let n = update(Books)
        .set(books::Pages.set(999))
        .filter(Book::to_parent::<Author>().has(authors::Name.eq("alice")))
        .execute(c)?;
    assert_eq!(n, 2);
    assert_eq!(
        pages(c)?,
        [("A1", 999), ("A2", 999), ("B1", 200)].map(|(t, p)| (t.into(), p))
    );

    let n = update(Books)
        .set(books::Pages.set(7))
        .filter(Book::to_linked::<Genre>().any(genres::Name.eq("history")))
        .execute(c)?;
    assert_eq!(n, 1);
    assert_eq!(
        pages(c)?,
        [("A1", 999), ("A2", 999), ("B1", 7)].map(|(t, p)| (t.into(), p))
    );

    let n = delete_from(Authors)
        .filter(not(Author::to_children::<Book>().exists()))
        .execute(c)?;
    assert_eq!(n, 1);
    let left: Vec<String> = select(authors::Name)
        .order_by(authors::Name.asc())
        .load(c)?;
    assert_eq!(left, strings(&["alice", "bob"]));

    let n = delete_from(Genres)
        .filter(not(Genre::to_linked::<Book>().exists()))
        .execute(c)?;
    assert_eq!(n, 1);
    let left: Vec<String> = select(genres::Name).order_by(genres::Name.asc()).load(c)?;
    assert_eq!(left, strings(&["fantasy", "gift", "history"]));

    // A bio whose author has a book of over 500 pages: alice's.
    let n = delete_from(Bios)
        .filter(
            Bio::to_parent::<Author>().has(Author::to_children::<Book>().any(books::Pages.gt(500))),
        )
        .execute(c)?;
    assert_eq!(n, 1);
    let left: Vec<String> = select(bios::Body).load(c)?;
    assert_eq!(left, ["bob's bio"]);
    // Nothing else changed.
    assert_eq!(
        pages(c)?,
        [("A1", 999), ("A2", 999), ("B1", 7)].map(|(t, p)| (t.into(), p))
    );
    let links: i64 = select(count_star()).from(BookGenres).get(c)?;
    assert_eq!(links, 4);
    Ok(())
}

fn entity_tuples<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    seed(&mut conn)?;
    let mut s = Session::new(&mut conn);
    let pairs = s
        .query::<Author>()
        .join_related(Author::to_children::<Book>())
        .order_by(books::Title.asc())
        .all_with::<Book>()?;
    let view: Vec<(&str, &str)> = pairs
        .iter()
        .map(|&(a, b)| (s[a].name.as_str(), s[b].title.as_str()))
        .collect();
    assert_eq!(view, [("alice", "A1"), ("alice", "A2"), ("bob", "B1")]);
    assert_eq!(pairs[0].0, pairs[1].0, "one object for alice's two rows");
    let before = s.statement_count();
    let alice_id = s[pairs[0].0].id;
    assert_eq!(s.get::<Author>(alice_id)?, Some(pairs[0].0));
    assert_eq!(s.statement_count(), before, "alice is in the identity map");
    // The books are in the map too: the same handles come back.
    let again = s.query::<Book>().order_by(books::Title.asc()).all()?;
    assert_eq!(again, pairs.iter().map(|p| p.1).collect::<Vec<_>>());

    // LEFT JOIN: carol has no book.
    let pairs = s
        .query::<Author>()
        .left_join_related(Author::to_children::<Book>())
        .order_by((authors::Name.asc(), books::Title.asc()))
        .all_with_optional::<Book>()?;
    let view: Vec<(&str, Option<&str>)> = pairs
        .iter()
        .map(|&(a, b)| (s[a].name.as_str(), b.map(|b| s[b].title.as_str())))
        .collect();
    assert_eq!(
        view,
        [
            ("alice", Some("A1")),
            ("alice", Some("A2")),
            ("bob", Some("B1")),
            ("carol", None)
        ]
    );

    // Through an alias, many-to-many.
    let pairs = s
        .query::<Book>()
        .join_related(Book::to_linked::<Genre>().alias("g").link_alias("bg"))
        .filter(books::Title.eq("A1"))
        .order_by(books::Title.asc())
        .all_with_as::<Genre>("g")?;
    let mut names: Vec<&str> = pairs.iter().map(|&(_, g)| s[g].name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["fantasy", "gift"]);

    // Not joined: refused before anything is sent.
    let before = s.statement_count();
    let err = s.query::<Author>().all_with::<Genre>().unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::InvalidStatement(_)),
        "{err:?}"
    );
    assert_eq!(s.statement_count(), before);
    s.rollback()?;
    Ok(())
}

/// The N+1 guard on every loading strategy: each sends the number of
/// statements it promises.
fn statement_counts_of_loading_strategies<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    seed(&mut conn)?;

    // Lazy: one for the authors, then one per author.
    assert_statements(&mut conn, 4, |c| {
        let mut s = Session::new(c);
        let authors = s.query::<Author>().all()?;
        for a in authors {
            s.related::<Author, Book>(a)?;
        }
        s.rollback()
    })?;
    // Selectin: two, however many authors.
    assert_statements(&mut conn, 2, |c| {
        let mut s = Session::new(c);
        let authors = s.query::<Author>().selectin_children::<Book>().all()?;
        let mut n = 0;
        for a in authors {
            n += s.related::<Author, Book>(a)?.len();
        }
        assert_eq!(n, 3);
        s.rollback()
    })?;
    // Joined: one.
    assert_statements(&mut conn, 1, |c| {
        let mut s = Session::new(c);
        let authors = s.query::<Author>().joined_children::<Book>().all()?;
        for a in authors {
            s.related::<Author, Book>(a)?;
        }
        s.rollback()
    })?;
    // Nested selectin: authors, books, their genres.
    assert_statements(&mut conn, 3, |c| {
        let mut s = Session::new(c);
        let authors = s
            .query::<Author>()
            .selectin_children_with::<Book>(|b| b.selectin_linked::<Genre>())
            .all()?;
        let mut genres = 0;
        for a in authors {
            for b in s.related::<Author, Book>(a)? {
                genres += s.linked::<Book, Genre>(b)?.len();
            }
        }
        assert_eq!(genres, 4);
        s.rollback()
    })?;
    // Raise: one, and asking is an error without SQL.
    assert_statements(&mut conn, 1, |c| {
        let mut s = Session::new(c);
        let authors = s.query::<Author>().raise_children::<Book>().all()?;
        let err = s.related::<Author, Book>(authors[0]).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::NotLoaded { .. }), "{err:?}");
        s.rollback()
    })?;
    // Selectin parents: the books, then their authors in one query.
    assert_statements(&mut conn, 2, |c| {
        let mut s = Session::new(c);
        let books = s.query::<Book>().selectin_parents::<Author>().all()?;
        for b in books {
            assert!(s.parent::<Book, Author>(b)?.is_some());
        }
        s.rollback()
    })?;
    // Entity tuples: one.
    assert_statements(&mut conn, 1, |c| {
        let mut s = Session::new(c);
        let pairs = s
            .query::<Author>()
            .join_related(Author::to_children::<Book>())
            .all_with::<Book>()?;
        assert_eq!(pairs.len(), 3);
        s.rollback()
    })?;
    Ok(())
}

fn hooks_see_sql_binds_and_rows<B: Backend>(engine: &Engine<B>) -> Result<()> {
    use std::sync::{Arc, Mutex};
    let mut conn = Hooked::new(engine.connect()?);
    seed(&mut conn)?;
    assert!(conn.statement_count() > 10, "the seed was counted");
    conn.reset();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    conn.on_statement(move |e| {
        let binds: Vec<String> = e.binds.iter().map(|b| format!("{b:?}")).collect();
        sink.lock()
            .unwrap()
            .push((e.kind, e.sql.to_owned(), binds, e.rows, e.error.is_some()));
    });
    let changed = update(Books)
        .set(books::Pages.set(5))
        .filter(books::Pages.lt(250))
        .execute(&mut conn)?;
    assert_eq!(changed, 2);
    let titles: Vec<String> = select(books::Title)
        .filter(books::Pages.eq(5))
        .order_by(books::Title.asc())
        .load(&mut conn)?;
    assert_eq!(titles, strings(&["A1", "B1"]));
    let failed = conn.execute_sql("UPDATE no_such_table SET x = 1", &[]);
    assert!(failed.is_err());
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    use sqlalgebra::hooks::StatementKind::{Execute, Query};
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen[0].0, Execute);
    assert!(seen[0].1.starts_with("UPDATE "), "{}", seen[0].1);
    assert_eq!(
        seen[0].2,
        [format!("{:?}", V::Int(5)), format!("{:?}", V::Int(250))]
    );
    assert_eq!((seen[0].3, seen[0].4), (2, false));
    assert_eq!(seen[1].0, Query);
    assert_eq!((seen[1].3, seen[1].4), (2, false), "two rows read");
    assert_eq!((seen[2].0, seen[2].4), (Execute, true));
    assert_eq!(conn.statement_count(), 3);
    assert_eq!(conn.statements()[0], seen[0].1);
    // The table holds what the hooks saw.
    assert_eq!(
        pages(&mut conn)?,
        [("A1", 5), ("A2", 300), ("B1", 5)].map(|(t, p)| (t.into(), p))
    );
    Ok(())
}

on_all_backends!(
    core_joins_along_relationships,
    orm_joins_along_relationships,
    has_and_any_in_select,
    has_and_any_in_update_and_delete,
    entity_tuples,
    statement_counts_of_loading_strategies,
    hooks_see_sql_binds_and_rows,
);
