//! The right versions of the `ui/capability_*` cases: each feature where
//! the connection's backend has it, and through a connection whose
//! backend is not named (checked when rendered).
#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::Pooled;
use sqlalgebra::prelude::*;
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

// Only type-checked, never called.
#[allow(dead_code)]
fn run(
    pg: &mut Pooled<Postgres>,
    lite: &mut Pooled<Sqlite>,
    my: &mut Pooled<Mysql>,
) -> sqlalgebra::Result<()> {
    let _rows: Vec<(i64, String)> = select((posts::UserId, posts::Title))
        .distinct_on(posts::UserId)
        .load(pg)?;
    let _ids: Vec<i64> = update(Users)
        .set(users::Name.set("x"))
        .returning(users::Id)
        .load(lite)?;
    // MariaDB 10.5+ has INSERT ... RETURNING, MySQL not: checked per server.
    let _ids: Vec<i64> = insert_into(Users)
        .values(users::Name.set("x"))
        .returning(users::Id)
        .load(my)?;
    // A boxed SELECT is checked when rendered, on any backend.
    let _rows: Vec<(i64, String)> = select((posts::UserId, posts::Title))
        .distinct_on(posts::UserId)
        .boxed()
        .load(my)?;
    Ok(())
}

fn main() {}
