//! Every join kind: INNER, LEFT, RIGHT, FULL, CROSS and LATERAL, with the
//! Rust types each asks for (the NULL-extended side of an outer join
//! loads as `Option`), each dialect's SQL, and FULL JOIN written by hand
//! where MySQL/MariaDB lack it.
//!
//! Run it with `cargo run --example joins` (SQLite; with
//! `-- postgres` or `-- mysql` on the server of `SQLALGEBRA_PG_URL` /
//! `SQLALGEBRA_MYSQL_URL`).

use sqlalgebra::conn::Connection;
use sqlalgebra::prelude::*;
use sqlalgebra::query::lateral;
use sqlalgebra::render::Dialect;

/// The `ex_authors` table.
#[derive(Clone, Copy, Debug, Default)]
pub struct Authors;
impl Table for Authors {
    const NAME: &'static str = "ex_authors";
    type Columns = (authors::Id, authors::Name);
    type PrimaryKey = authors::Id;
}
/// Its columns.
pub mod authors {
    use sqlalgebra::prelude::*;
    /// `id`
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::Authors;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    /// `name`
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    impl Column for Name {
        type Table = super::Authors;
        type SqlType = Text;
        const NAME: &'static str = "name";
    }
}

/// The `ex_books` table: a book may have no (known) author.
#[derive(Clone, Copy, Debug, Default)]
pub struct Books;
impl Table for Books {
    const NAME: &'static str = "ex_books";
    type Columns = (books::Id, books::AuthorId, books::Title);
    type PrimaryKey = books::Id;
}
/// Its columns.
pub mod books {
    use sqlalgebra::prelude::*;
    /// `id`
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::Books;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    /// `author_id`
    #[derive(Clone, Copy, Debug, Default)]
    pub struct AuthorId;
    impl Column for AuthorId {
        type Table = super::Books;
        type SqlType = Nullable<BigInt>;
        const NAME: &'static str = "author_id";
    }
    /// `title`
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Title;
    impl Column for Title {
        type Table = super::Books;
        type SqlType = Text;
        const NAME: &'static str = "title";
    }
}

fn main() -> sqlalgebra::Result<()> {
    match std::env::args().nth(1).as_deref() {
        Some("postgres") => {
            let url = std::env::var("SQLALGEBRA_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
            tour(&mut sqlalgebra_postgres::Postgres::connect(&url)?.connect()?)
        }
        Some("mysql") => {
            let url = std::env::var("SQLALGEBRA_MYSQL_URL")
                .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into());
            tour(&mut sqlalgebra_mysql::Mysql::connect(&url)?.connect()?)
        }
        _ => tour(&mut sqlalgebra_sqlite::Sqlite::memory()?.connect()?),
    }
}

fn tour(conn: &mut impl Connection) -> sqlalgebra::Result<()> {
    drop_all::<(Authors, Books)>(conn)?;
    create_all::<(Authors, Books)>(conn)?;
    for (id, name) in [(1, "ann"), (2, "bob")] {
        insert_into(Authors)
            .values((authors::Id.set(id), authors::Name.set(name)))
            .execute(conn)?;
    }
    for (id, author, title) in [(10, Some(1), "a1"), (11, Some(1), "a2"), (12, None, "anon")] {
        insert_into(Books)
            .values((
                books::Id.set(id),
                books::AuthorId.set(author),
                books::Title.set(title),
            ))
            .execute(conn)?;
    }
    let on = books::AuthorId.eq(authors::Id);
    let q = select((authors::Name, books::Title)).from(Authors);

    // LEFT JOIN: bob has no book, so the title loads as Option.
    let left: Vec<(String, Option<String>)> =
        q.left_join(Books, on).order_by(authors::Id).load(conn)?;
    println!("LEFT JOIN:  {left:?}");

    // RIGHT JOIN: "anon" has no author, so the *name* loads as Option
    // (`Vec<(String, String)>` would not compile).
    let right: Vec<(Option<String>, String)> =
        q.right_join(Books, on).order_by(books::Id).load(conn)?;
    println!("RIGHT JOIN: {right:?}");

    // FULL JOIN: both sides as Option. MySQL and MariaDB have none; the
    // statement is refused before it is sent, and the same rows come from
    // the LEFT JOIN plus the RIGHT JOIN's rows without an author.
    let full = q.full_join(Books, on);
    let mut rows: Vec<(Option<String>, Option<String>)> =
        match full.load(conn).map_err(sqlalgebra::Error::into_kind) {
            Ok(rows) => rows,
            Err(sqlalgebra::ErrorKind::Unsupported { feature, .. }) => {
                println!("{feature} refused on {}: emulated", conn.dialect().name());
                let unmatched = q.right_join(Books, on).filter(authors::Id.is_null());
                q.left_join(Books, on).union_all(unmatched).load(conn)?
            }
            Err(e) => return Err(e.into()),
        };
    rows.sort();
    println!("FULL JOIN:  {rows:?}");

    // CROSS JOIN: every author with every book.
    let n = select(count_star())
        .from(Authors)
        .cross_join(Books)
        .get::<i64, _>(conn)?;
    println!("CROSS JOIN: {n} pairs");

    // LATERAL: each author's last book, by a subquery that reads the
    // author's row (PostgreSQL, MySQL >= 8.0.14; refused elsewhere).
    let last = lateral(
        select(books::Title)
            .from(Books)
            .filter(books::AuthorId.eq(authors::Id))
            .order_by(books::Id.desc())
            .limit(1)
            .subquery("last_book"),
    );
    let lateral_q = select((authors::Name, last.col(books::Title)))
        .from(Authors)
        .cross_join(last);
    for d in [
        &sqlalgebra_postgres::Postgres as &dyn Dialect,
        &sqlalgebra_mysql::Mysql,
        &sqlalgebra_sqlite::Sqlite,
    ] {
        match lateral_q.to_sql(d) {
            Ok(r) => println!("{}: {}", d.name(), r.sql),
            Err(e) => println!("{}: {e}", d.name()),
        }
    }
    if conn.dialect().supports_lateral() {
        let last_books: Vec<(String, String)> = lateral_q.load(conn)?;
        println!("LATERAL:    {last_books:?}");
    }
    drop_all::<(Authors, Books)>(conn)?;
    Ok(())
}
