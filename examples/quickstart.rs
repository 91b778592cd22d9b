//! The tour's first sections on embedded SQLite: engine, tables, insert,
//! select with filters and ordering, a join, count, update, delete,
//! transactions and raw text.
//!
//! Run it with `cargo run --example quickstart`. The same tour runs against
//! servers with `cargo run --example postgres` and `--example mysql`.

mod tour;

use sqlalgebra::prelude::*;
use sqlalgebra_sqlite::Sqlite;

fn main() -> sqlalgebra::Result<()> {
    // Engine: a pool over one in-memory database (`Sqlite::open("app.db")`
    // for a file).
    let engine = Sqlite::memory()?;
    let mut conn = engine.connect()?;
    tour::run(&mut conn)?;

    // The statement of the tour's end, in the other two dialects.
    let q = select(tour::users::Id).filter(tour::users::Name.starts_with("50%_off"));
    println!("postgresql: {}", q.to_sql(&sqlalgebra_postgres::Postgres)?);
    println!("mysql: {}", q.to_sql(&sqlalgebra_mysql::Mysql)?);
    Ok(())
}
