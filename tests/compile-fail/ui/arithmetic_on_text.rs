#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let _rows: Vec<String> = select(users::Name.add(1)).load(conn)?;
    Ok(())
}

fn main() {}
