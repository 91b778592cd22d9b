//! PostgreSQL arrays: a `TEXT[]` column bound from and loaded into a
//! `Vec<String>`, filtered with `@>`, `&&` and `= ANY(..)`, its elements
//! read by 1-based subscript, its length with `cardinality`; and the typed
//! refusal on SQLite and MySQL.
//!
//! It needs a server: `SQLALGEBRA_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`). It recreates its table
//! `arrays_example_posts` on each run.
//!
//! Run it with `cargo run --example arrays`.

use sqlalgebra::expr::ArrayExpressionMethods;
use sqlalgebra::prelude::*;
use sqlalgebra::types::Array;
use sqlalgebra_postgres::Postgres;

/// The `arrays_example_posts` table.
#[derive(Clone, Copy, Debug, Default)]
pub struct Posts;
impl Table for Posts {
    const NAME: &'static str = "arrays_example_posts";
    type Columns = (Id, Tags);
    type PrimaryKey = Id;
}
/// `posts.id`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Id;
impl Column for Id {
    type Table = Posts;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
}
/// `posts.tags`, a `TEXT[]`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tags;
impl Column for Tags {
    type Table = Posts;
    type SqlType = Array<Text>;
    const NAME: &'static str = "tags";
}

fn main() -> sqlalgebra::Result<()> {
    let url = std::env::var("SQLALGEBRA_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let engine = Postgres::connect(&url)?;
    let mut conn = engine.connect()?;
    drop_all::<Posts>(&mut conn)?;
    create_all::<Posts>(&mut conn)?;
    for (id, tags) in [(1, vec!["rust", "sql"]), (2, vec!["sql"]), (3, vec![])] {
        insert_into(Posts)
            .values((Id.set(id), Tags.set(tags)))
            .execute(&mut conn)?;
    }

    let rows: Vec<(i64, Vec<String>, Option<String>, i32)> =
        select((Id, Tags, Tags.get(1), Tags.array_length()))
            .order_by(Id.asc())
            .load(&mut conn)?;
    println!("id, tags, first tag, count: {rows:?}");

    let both: Vec<i64> = select(Id)
        .filter(Tags.contains_all(vec!["rust", "sql"]))
        .load(&mut conn)?;
    let any: Vec<i64> = select(Id)
        .filter(Tags.overlaps(vec!["rust", "go"]).or(Tags.any("sql")))
        .order_by(Id.asc())
        .load(&mut conn)?;
    println!("tagged rust and sql: {both:?}; rust or go, or sql: {any:?}");

    let q = select(Id).filter(Tags.any("sql"));
    println!("\nPostgreSQL: {}", q.to_sql(&Postgres)?);
    println!(
        "SQLite:     {:?}",
        q.to_sql(&sqlalgebra_sqlite::Sqlite).map(|r| r.sql)
    );
    drop_all::<Posts>(&mut conn)?;
    Ok(())
}
