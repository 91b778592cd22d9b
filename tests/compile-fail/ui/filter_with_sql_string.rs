#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let _rows: Vec<i64> = select(users::Id).filter("id > 5").load(conn)?;
    Ok(())
}

fn main() {}
