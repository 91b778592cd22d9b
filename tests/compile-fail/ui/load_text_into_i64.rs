#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn names<C: Connection>(conn: &mut C) -> sqlalgebra::Result<Vec<i64>> {
    let names: Vec<i64> = select(users::Name).load(conn)?;
    Ok(names)
}

fn main() {}
