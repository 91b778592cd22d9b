#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let _rows: Vec<i32> = select(extract_year(users::Name)).load(conn)?;
    Ok(())
}

fn main() {}
