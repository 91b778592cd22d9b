#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn full_names<C: Connection>(conn: &mut C) -> sqlalgebra::Result<Vec<String>> {
    let names: Vec<String> = select(users::Fullname).load(conn)?;
    Ok(names)
}

fn main() {}
