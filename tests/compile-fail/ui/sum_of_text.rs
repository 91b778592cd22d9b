#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let _rows: Option<i64> = select(sum(users::Name)).get(conn)?;
    Ok(())
}

fn main() {}
