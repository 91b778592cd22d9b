#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let _rows: Vec<Option<i64>> = select(case_when(users::Name, 1i64)).load(conn)?;
    Ok(())
}

fn main() {}
