#[path = "../numtypes_schema.rs"]
mod numtypes_schema;

use numtypes_schema::*;
use sqlalgebra::prelude::*;

fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let _rows: Vec<i64> = select(items::Id).filter(items::Price.gt(items::Code)).load(conn)?;
    Ok(())
}

fn main() {}
