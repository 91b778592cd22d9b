#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::Pooled;
use sqlalgebra::prelude::*;
use sqlalgebra_sqlite::Sqlite;

fn run(conn: &mut Pooled<Sqlite>) -> sqlalgebra::Result<()> {
    // SQLite has no DISTINCT ON.
    let _rows: Vec<(i64, String)> = select((posts::UserId, posts::Title))
        .distinct_on(posts::UserId)
        .load(conn)?;
    Ok(())
}

fn main() {}
