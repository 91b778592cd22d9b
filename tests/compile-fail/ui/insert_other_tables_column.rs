#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let _rows: u64 = insert_into(Users).values(posts::Title.set("x")).execute(conn)?;
    Ok(())
}

fn main() {}
