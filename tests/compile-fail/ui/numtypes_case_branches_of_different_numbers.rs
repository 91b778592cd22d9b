#[path = "../numtypes_schema.rs"]
mod numtypes_schema;

use numtypes_schema::*;
use sqlalgebra::prelude::*;

// CASE branches must have one SQL type (no implicit Integer -> Double).
fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let branches = case_when(items::Qty.gt(1), items::Qty).otherwise(items::Ratio);
    let _rows: Vec<i32> = select(branches).load(conn)?;
    Ok(())
}

fn main() {}
