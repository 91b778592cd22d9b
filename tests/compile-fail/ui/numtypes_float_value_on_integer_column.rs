#[path = "../numtypes_schema.rs"]
mod numtypes_schema;

use numtypes_schema::*;
use sqlalgebra::prelude::*;

// A float value is not bound to an Integer column (it would be cut);
// compare with a float expression instead.
fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let _rows: Vec<i64> = select(items::Id).filter(items::Qty.lt(1.5)).load(conn)?;
    Ok(())
}

fn main() {}
