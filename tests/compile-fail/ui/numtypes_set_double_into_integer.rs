#[path = "../numtypes_schema.rs"]
mod numtypes_schema;

use numtypes_schema::*;
use sqlalgebra::prelude::*;

// A Double is not silently stored into an Integer column: comparisons mix
// numbers, assignments do not.
fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let _n: u64 = update(Items).set(items::Qty.set(items::Ratio)).execute(conn)?;
    Ok(())
}

fn main() {}
