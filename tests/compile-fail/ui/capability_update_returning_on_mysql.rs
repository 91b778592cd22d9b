#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::Pooled;
use sqlalgebra::prelude::*;
use sqlalgebra_mysql::Mysql;

fn run(conn: &mut Pooled<Mysql>) -> sqlalgebra::Result<()> {
    // Neither MySQL nor MariaDB has UPDATE ... RETURNING.
    let _ids: Vec<i64> = update(Users)
        .set(users::Name.set("x"))
        .returning(users::Id)
        .load(conn)?;
    Ok(())
}

fn main() {}
