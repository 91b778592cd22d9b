#[path = "../numtypes_schema.rs"]
mod numtypes_schema;

use numtypes_schema::*;
use sqlalgebra::prelude::*;

fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let _rows: Vec<String> = select(items::Code.concat(items::Qty)).load(conn)?;
    Ok(())
}

fn main() {}
