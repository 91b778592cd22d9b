#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let _rows: Vec<i64> = select(users::Id).filter(users::Id.eq(1).and(users::Name)).load(conn)?;
    Ok(())
}

fn main() {}
