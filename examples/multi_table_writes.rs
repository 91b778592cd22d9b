//! UPDATE and DELETE that read other tables, and correlated subqueries in
//! writes, on embedded SQLite: `update(..).from(..)`,
//! `delete_from(..).using(..)` and `EXISTS` correlated to the written row.
//! Each statement's SQL is printed for all three dialects.
//!
//! Run it with `cargo run --example multi_table_writes`.

use sqlalgebra::prelude::*;
use sqlalgebra::render::Dialect;
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

/// `authors`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Authors;
impl Table for Authors {
    const NAME: &'static str = "authors";
    type Columns = (authors::Id, authors::Name, authors::Banned);
    type PrimaryKey = authors::Id;
}

/// Columns of `authors`.
pub(crate) mod authors {
    use sqlalgebra::prelude::*;
    /// The primary key.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    /// The name.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Name;
    /// Whether the author is banned.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Banned;
    impl Column for Id {
        type Table = super::Authors;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    impl Column for Name {
        type Table = super::Authors;
        type SqlType = Varchar<40>;
        const NAME: &'static str = "name";
    }
    impl Column for Banned {
        type Table = super::Authors;
        type SqlType = Bool;
        const NAME: &'static str = "banned";
    }
}

/// `articles`: written by an author.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Articles;
impl Table for Articles {
    const NAME: &'static str = "articles";
    type Columns = (
        articles::Id,
        articles::AuthorId,
        articles::Title,
        articles::Byline,
    );
    type PrimaryKey = articles::Id;
}

/// Columns of `articles`.
pub(crate) mod articles {
    use sqlalgebra::prelude::*;
    /// The primary key.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    /// The author.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct AuthorId;
    /// The title.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Title;
    /// The author's name, copied in.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Byline;
    impl Column for Id {
        type Table = super::Articles;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    impl Column for AuthorId {
        type Table = super::Articles;
        type SqlType = BigInt;
        const NAME: &'static str = "author_id";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::authors::Id>());
    }
    impl Column for Title {
        type Table = super::Articles;
        type SqlType = Text;
        const NAME: &'static str = "title";
    }
    impl Column for Byline {
        type Table = super::Articles;
        type SqlType = Nullable<Text>;
        const NAME: &'static str = "byline";
    }
}

/// Prints `s` as SQLite, PostgreSQL and MySQL write it.
fn show<S: Statement>(what: &str, s: &S) -> sqlalgebra::Result<()> {
    println!("{what}:");
    for d in [&Sqlite as &dyn Dialect, &Postgres, &Mysql] {
        println!("  {:<10} {}", d.name(), s.to_sql(d)?.sql);
    }
    Ok(())
}

fn main() -> sqlalgebra::Result<()> {
    let engine = Sqlite::memory()?;
    let mut conn = engine.connect()?;
    create_all::<(Authors, Articles)>(&mut conn)?;
    insert_into(Authors)
        .values(vec![
            (
                authors::Id.set(1),
                authors::Name.set("ann"),
                authors::Banned.set(false),
            ),
            (
                authors::Id.set(2),
                authors::Name.set("bob"),
                authors::Banned.set(true),
            ),
            (
                authors::Id.set(3),
                authors::Name.set("cy"),
                authors::Banned.set(false),
            ),
        ])
        .execute(&mut conn)?;
    let rows = [
        (1, 1, "Rust"),
        (2, 1, "SQL"),
        (3, 2, "Spam"),
        (4, 3, "Joins"),
    ];
    insert_into(Articles)
        .values(
            rows.iter()
                .map(|&(id, author, title)| {
                    (
                        articles::Id.set(id),
                        articles::AuthorId.set(author),
                        articles::Title.set(title),
                    )
                })
                .collect::<Vec<_>>(),
        )
        .execute(&mut conn)?;

    // UPDATE ... FROM: copy each author's name into their articles.
    let q = update(Articles)
        .from(Authors)
        .set(articles::Byline.set(authors::Name))
        .filter(authors::Id.eq(articles::AuthorId));
    show("byline from the author", &q)?;
    println!("  updated {} articles", q.execute(&mut conn)?);

    // DELETE ... USING: the articles of banned authors. SQLite has no
    // USING: it is written as a correlated EXISTS, with the same effect.
    let q = delete_from(Articles)
        .using(Authors)
        .filter(authors::Id.eq(articles::AuthorId))
        .filter(authors::Banned.eq(true));
    show("articles of banned authors", &q)?;
    println!("  deleted {}", q.execute(&mut conn)?);

    // A correlated subquery in a one-table DELETE: the subquery does not
    // list `authors`, the row being deleted.
    let q = delete_from(Authors).filter(not(exists(
        select(articles::Id).filter(articles::AuthorId.eq(authors::Id)),
    )));
    show("authors without articles", &q)?;
    println!("  deleted {}", q.execute(&mut conn)?);

    // A column of a table the statement does not name is refused before
    // anything is sent.
    let wrong = update(Authors)
        .set(authors::Banned.set(true))
        .filter(articles::Title.eq("SQL"));
    match wrong.execute(&mut conn) {
        Err(e) => println!("refused: {e}"),
        Ok(n) => println!("unexpectedly updated {n} rows"),
    }

    let left: Vec<(String, Option<String>)> = select((articles::Title, articles::Byline))
        .order_by(articles::Id)
        .load(&mut conn)?;
    let names: Vec<String> = select(authors::Name)
        .order_by(authors::Id)
        .load(&mut conn)?;
    println!("articles: {left:?}; authors: {names:?}");
    assert_eq!(names, ["ann", "cy"]);
    assert_eq!(left.len(), 3);
    Ok(())
}
