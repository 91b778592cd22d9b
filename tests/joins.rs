//! Every join kind on the three backends: INNER, LEFT, RIGHT, FULL, CROSS
//! and LATERAL, asserting exactly the rows each returns (the NULL-extended
//! ones included) and the typed refusals where a server lacks the join.
//! The Rust row types are the ones the types demand: the NULL-extended
//! side of each outer join loads as `Option`.

#![allow(missing_docs)] // test-only schema

mod common;
use common::{expect_err, on_all_backends};

use sqlalgebra::hooks::Hooked;
use sqlalgebra::prelude::*;
use sqlalgebra::query::lateral;
use sqlalgebra::{Backend, Engine, ErrorKind, Result};

#[derive(Clone, Copy, Debug, Default)]
pub struct Authors;
impl Table for Authors {
    const NAME: &'static str = "jn_authors";
    type Columns = (authors::Id, authors::Name, authors::Country);
    type PrimaryKey = authors::Id;
}
pub mod authors {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::Authors;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    impl Column for Name {
        type Table = super::Authors;
        type SqlType = Text;
        const NAME: &'static str = "name";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Country;
    impl Column for Country {
        type Table = super::Authors;
        type SqlType = Nullable<Text>;
        const NAME: &'static str = "country";
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Books;
impl Table for Books {
    const NAME: &'static str = "jn_books";
    type Columns = (books::Id, books::AuthorId, books::Title);
    type PrimaryKey = books::Id;
}
pub mod books {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::Books;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct AuthorId;
    impl Column for AuthorId {
        type Table = super::Books;
        type SqlType = Nullable<BigInt>;
        const NAME: &'static str = "author_id";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Title;
    impl Column for Title {
        type Table = super::Books;
        type SqlType = Text;
        const NAME: &'static str = "title";
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Shelves;
impl Table for Shelves {
    const NAME: &'static str = "jn_shelves";
    type Columns = (shelves::Id, shelves::BookId, shelves::Label);
    type PrimaryKey = shelves::Id;
}
pub mod shelves {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::Shelves;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct BookId;
    impl Column for BookId {
        type Table = super::Shelves;
        type SqlType = BigInt;
        const NAME: &'static str = "book_id";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Label;
    impl Column for Label {
        type Table = super::Shelves;
        type SqlType = Text;
        const NAME: &'static str = "label";
    }
}

type All = (Authors, Books, Shelves);

/// ann (NO) wrote a1 and a2, bob (no country) b1, cy nothing; "orphan"
/// has no author and "ghost" an author that does not exist. Shelves hold
/// a1 and "ghost", and one holds book 99, which does not exist.
fn setup<B: Backend>(engine: &Engine<B>) -> Result<sqlalgebra::Pooled<B>> {
    let mut conn = engine.connect()?;
    drop_all::<All>(&mut conn)?;
    create_all::<All>(&mut conn)?;
    for (id, name, country) in [
        (1, "ann", Some("NO")),
        (2, "bob", None),
        (3, "cy", Some("PE")),
    ] {
        insert_into(Authors)
            .values((
                authors::Id.set(id),
                authors::Name.set(name),
                authors::Country.set(country),
            ))
            .execute(&mut conn)?;
    }
    let books: [(i64, Option<i64>, &str); 5] = [
        (10, Some(1), "a1"),
        (11, Some(1), "a2"),
        (12, Some(2), "b1"),
        (13, None, "orphan"),
        (14, Some(99), "ghost"),
    ];
    for (id, author, title) in books {
        insert_into(Books)
            .values((
                books::Id.set(id),
                books::AuthorId.set(author),
                books::Title.set(title),
            ))
            .execute(&mut conn)?;
    }
    for (id, book, label) in [(100, 10, "s-a1"), (101, 14, "s-ghost"), (102, 99, "s-none")] {
        insert_into(Shelves)
            .values((
                shelves::Id.set(id),
                shelves::BookId.set(book),
                shelves::Label.set(label),
            ))
            .execute(&mut conn)?;
    }
    Ok(conn)
}

fn s(v: &str) -> String {
    v.to_owned()
}

fn so(v: &str) -> Option<String> {
    Some(v.to_owned())
}

fn left_join_null_extends_the_joined_table<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let rows: Vec<(String, Option<String>)> = select((authors::Name, books::Title))
        .from(Authors)
        .left_join(Books, books::AuthorId.eq(authors::Id))
        .order_by((authors::Id, books::Id))
        .load(&mut conn)?;
    assert_eq!(
        rows,
        [
            (s("ann"), so("a1")),
            (s("ann"), so("a2")),
            (s("bob"), so("b1")),
            (s("cy"), None),
        ]
    );
    // A group of the joined table's columns is one Option, `None` where
    // the join found nothing.
    let rows: Vec<(i64, Option<(i64, String)>)> = select((authors::Id, (books::Id, books::Title)))
        .from(Authors)
        .left_join(Books, books::AuthorId.eq(authors::Id))
        .filter(authors::Id.ge(2))
        .order_by(authors::Id)
        .load(&mut conn)?;
    assert_eq!(rows, [(2, Some((12, s("b1")))), (3, None)]);
    Ok(())
}

fn right_join_null_extends_the_tables_before_it<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let rows: Vec<(Option<String>, String)> = select((authors::Name, books::Title))
        .from(Authors)
        .right_join(Books, books::AuthorId.eq(authors::Id))
        .order_by(books::Id)
        .load(&mut conn)?;
    assert_eq!(
        rows,
        [
            (so("ann"), s("a1")),
            (so("ann"), s("a2")),
            (so("bob"), s("b1")),
            (None, s("orphan")),
            (None, s("ghost")),
        ]
    );
    // The author as a group: present with a NULL country (bob), absent
    // where the book has no author; its NOT NULL id decides.
    let rows: Vec<(Option<(i64, Option<String>)>, i64)> =
        select(((authors::Id, authors::Country), books::Id))
            .from(Authors)
            .right_join(Books, books::AuthorId.eq(authors::Id))
            .filter(books::Id.ge(12))
            .order_by(books::Id)
            .load(&mut conn)?;
    assert_eq!(rows, [(Some((2, None)), 12), (None, 13), (None, 14)]);

    // After an inner join, a RIGHT JOIN null-extends both tables before it.
    let rows: Vec<(Option<String>, Option<String>, String)> =
        select((authors::Name, books::Title, shelves::Label))
            .from(Authors)
            .join(Books, books::AuthorId.eq(authors::Id))
            .right_join(Shelves, shelves::BookId.eq(books::Id))
            .order_by(shelves::Id)
            .load(&mut conn)?;
    assert_eq!(
        rows,
        [
            (so("ann"), so("a1"), s("s-a1")),
            (None, None, s("s-ghost")),
            (None, None, s("s-none")),
        ]
    );
    Ok(())
}

fn full_join_null_extends_both_sides<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let q = select((authors::Name, books::Title))
        .from(Authors)
        .full_join(Books, books::AuthorId.eq(authors::Id));
    let name = conn.dialect().name();
    if name == "mysql" || name == "mariadb" {
        // MySQL and MariaDB have no FULL JOIN: refused before sending.
        let mut counted = Hooked::new(conn);
        let e = expect_err(q.load::<(Option<String>, Option<String>), _>(&mut counted));
        assert!(
            matches!(
                e.kind(),
                ErrorKind::Unsupported {
                    feature: "FULL JOIN",
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(counted.statement_count(), 0);
        return Ok(());
    }
    let mut rows: Vec<(Option<String>, Option<String>)> = q.load(&mut conn)?;
    rows.sort();
    assert_eq!(
        rows,
        [
            (None, so("ghost")),
            (None, so("orphan")),
            (so("ann"), so("a1")),
            (so("ann"), so("a2")),
            (so("bob"), so("b1")),
            (so("cy"), None),
        ]
    );
    Ok(())
}

fn cross_join_pairs_every_row<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let rows: Vec<(String, String)> = select((authors::Name, shelves::Label))
        .from(Authors)
        .cross_join(Shelves)
        .filter(authors::Id.le(2))
        .order_by((authors::Id, shelves::Id))
        .load(&mut conn)?;
    assert_eq!(
        rows,
        [
            (s("ann"), s("s-a1")),
            (s("ann"), s("s-ghost")),
            (s("ann"), s("s-none")),
            (s("bob"), s("s-a1")),
            (s("bob"), s("s-ghost")),
            (s("bob"), s("s-none")),
        ]
    );
    Ok(())
}

fn lateral_reads_the_tables_before_it<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    // Each author's last book, and the authors without one.
    let last = lateral(
        select(books::Title)
            .from(Books)
            .filter(books::AuthorId.eq(authors::Id))
            .order_by(books::Id.desc())
            .limit(1)
            .subquery("last_book"),
    );
    let q = select((authors::Name, last.col(books::Title)))
        .from(Authors)
        .left_join(last, last.col(books::Title).is_not_null())
        .order_by(authors::Id);
    let name = conn.dialect().name();
    if name == "sqlite" || name == "mariadb" {
        let mut counted = Hooked::new(conn);
        let e = expect_err(q.load::<(String, Option<String>), _>(&mut counted));
        assert!(
            matches!(
                e.kind(),
                ErrorKind::Unsupported {
                    feature: "LATERAL",
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(counted.statement_count(), 0);
        return Ok(());
    }
    let rows: Vec<(String, Option<String>)> = q.load(&mut conn)?;
    assert_eq!(
        rows,
        [(s("ann"), so("a2")), (s("bob"), so("b1")), (s("cy"), None)]
    );
    // CROSS JOIN LATERAL keeps only the authors with a book.
    let rows: Vec<(String, String)> = select((authors::Name, last.col(books::Title)))
        .from(Authors)
        .cross_join(last)
        .order_by(authors::Id)
        .load(&mut conn)?;
    assert_eq!(rows, [(s("ann"), s("a2")), (s("bob"), s("b1"))]);
    Ok(())
}

on_all_backends!(
    left_join_null_extends_the_joined_table,
    right_join_null_extends_the_tables_before_it,
    full_join_null_extends_both_sides,
    cross_join_pairs_every_row,
    lateral_reads_the_tables_before_it,
    boxed_joins_run_as_typed_ones,
);

// ------------------------------------------------------------- rendering

use sqlalgebra::render::{Dialect, SqlKey, Statement};
use sqlalgebra_mysql::{MariaDb, Mysql};
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

/// The SQL on SQLite, PostgreSQL, MySQL and MariaDB (or the error), and a
/// check that a statement describing itself for the SQL cache collects
/// the binds rendering does.
fn sql4<S: Statement>(s: &S) -> [std::result::Result<String, String>; 4] {
    let d: [&dyn Dialect; 4] = [&Sqlite, &Postgres, &Mysql, &MariaDb::new(10, 11)];
    d.map(|d| match s.to_sql(d) {
        Ok(r) => {
            let mut key = SqlKey::for_dialect(d);
            if s.sql_key(&mut key) {
                assert_eq!(key.binds(), &r.binds[..], "key binds on {}", d.name());
            }
            Ok(r.sql)
        }
        Err(e) => Err(e.to_string()),
    })
}

fn ok(sql: &str) -> std::result::Result<String, String> {
    Ok(sql.to_owned())
}

#[test]
fn outer_joins_render_on_every_dialect() {
    let on = books::AuthorId.eq(authors::Id);
    let q = select((authors::Name, books::Title)).from(Authors);
    let pg = r#"SELECT "jn_authors"."name", "jn_books"."title" FROM "jn_authors" RIGHT JOIN "jn_books" ON "jn_books"."author_id" = "jn_authors"."id""#;
    let my = "SELECT `jn_authors`.`name`, `jn_books`.`title` FROM `jn_authors` RIGHT JOIN `jn_books` ON `jn_books`.`author_id` = `jn_authors`.`id`";
    assert_eq!(
        sql4(&q.right_join(Books, on)),
        [ok(pg), ok(pg), ok(my), ok(my)]
    );

    let [lite, pg, my, maria] = sql4(&q.full_join(Books, on));
    let full = r#"SELECT "jn_authors"."name", "jn_books"."title" FROM "jn_authors" FULL JOIN "jn_books" ON "jn_books"."author_id" = "jn_authors"."id""#;
    assert_eq!((lite, pg), (ok(full), ok(full)));
    for e in [my, maria] {
        let e = e.unwrap_err();
        assert!(e.contains("FULL JOIN"), "{e}");
    }

    let left = r#"SELECT "jn_authors"."name", "jn_books"."title" FROM "jn_authors" LEFT JOIN "jn_books" ON "jn_books"."author_id" = "jn_authors"."id" CROSS JOIN "jn_shelves""#;
    let [lite, pg, my, _] = sql4(&q.left_join(Books, on).cross_join(Shelves));
    assert_eq!((lite, pg), (ok(left), ok(left)));
    assert_eq!(
        my,
        ok(
            "SELECT `jn_authors`.`name`, `jn_books`.`title` FROM `jn_authors` LEFT JOIN `jn_books` ON `jn_books`.`author_id` = `jn_authors`.`id` CROSS JOIN `jn_shelves`"
        )
    );
}

#[test]
fn lateral_renders_correlated_where_the_dialect_has_it() {
    let last = lateral(
        select(books::Title)
            .from(Books)
            .filter(books::AuthorId.eq(authors::Id))
            .order_by(books::Id.desc())
            .limit(1)
            .subquery("last_book"),
    );
    let q = select((authors::Name, last.col(books::Title)))
        .from(Authors)
        .join(last, last.col(books::Title).ne("x"));
    let [lite, pg, my, maria] = sql4(&q);
    assert_eq!(
        pg,
        ok(
            r#"SELECT "jn_authors"."name", "last_book"."title" FROM "jn_authors" INNER JOIN LATERAL (SELECT "jn_books"."title" FROM "jn_books" WHERE "jn_books"."author_id" = "jn_authors"."id" ORDER BY "jn_books"."id" DESC LIMIT $1) AS "last_book" ON "last_book"."title" <> $2"#
        )
    );
    assert_eq!(
        my,
        ok(
            "SELECT `jn_authors`.`name`, `last_book`.`title` FROM `jn_authors` INNER JOIN LATERAL (SELECT `jn_books`.`title` FROM `jn_books` WHERE `jn_books`.`author_id` = `jn_authors`.`id` ORDER BY `jn_books`.`id` DESC LIMIT ?) AS `last_book` ON `last_book`.`title` <> ?"
        )
    );
    for e in [lite, maria] {
        let e = e.unwrap_err();
        assert!(e.contains("LATERAL"), "{e}");
    }
    // A plain derived table is not correlated: the author table stays in
    // its own FROM (and the outer one is not read).
    let plain = select(books::Title)
        .filter(books::AuthorId.eq(authors::Id))
        .subquery("d");
    let q = select((authors::Name, plain.col(books::Title)))
        .from(Authors)
        .cross_join(plain);
    assert_eq!(
        sql4(&q)[1],
        ok(
            r#"SELECT "jn_authors"."name", "d"."title" FROM "jn_authors" CROSS JOIN (SELECT "jn_books"."title" FROM "jn_books", "jn_authors" WHERE "jn_books"."author_id" = "jn_authors"."id") AS "d""#
        )
    );
}

#[test]
fn a_column_of_a_table_not_joined_is_refused_with_the_new_joins() {
    // Through an alias (not checked by the types): refused when rendered.
    let other = sqlalgebra::query::alias(Shelves, "other");
    let q = select((authors::Name, other.col(shelves::Label)))
        .from(Authors)
        .right_join(Books, books::AuthorId.eq(authors::Id));
    let e = q.to_sql(&Postgres).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::TableNotInStatement { .. }),
        "{e:?}"
    );
}

fn boxed_joins_run_as_typed_ones<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    // A boxed SELECT keeps its declared types: the Options are ours.
    let rows: Vec<(Option<String>, String)> = select((authors::Name, books::Title))
        .from(Authors)
        .boxed()
        .right_join(Books, books::AuthorId.eq(authors::Id))
        .filter(books::Id.ge(12))
        .order_by(books::Id)
        .load(&mut conn)?;
    assert_eq!(
        rows,
        [
            (so("bob"), s("b1")),
            (None, s("orphan")),
            (None, s("ghost"))
        ]
    );
    let n: i64 = select(count_star())
        .from(Authors)
        .boxed()
        .cross_join(Shelves)
        .get(&mut conn)?;
    assert_eq!(n, 9);
    Ok(())
}
