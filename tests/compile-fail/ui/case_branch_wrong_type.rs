#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let _rows: Vec<String> = select(case_when(users::Id.gt(1), "big").otherwise(0)).load(conn)?;
    Ok(())
}

fn main() {}
