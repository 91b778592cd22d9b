#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn people<C: Connection>(conn: &mut C) -> sqlalgebra::Result<Vec<(i64, String)>> {
    let rows: Vec<(i64, String)> = select((users::Id, users::Fullname)).load(conn)?;
    Ok(rows)
}

fn main() {}
