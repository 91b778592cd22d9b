#[path = "../schema.rs"]
mod schema;

use sqlalgebra::prelude::*;

fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let _rows: Vec<i64> = select(row_number()).load(conn)?;
    Ok(())
}

fn main() {}
