#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

// FROM names only the alias `u`: `users` itself is not in scope, so its
// column must be reached through the alias (`u.col(users::Name)`).
fn names<C: Connection>(mut conn: C) -> sqlalgebra::Result<Vec<String>> {
    let u = alias(Users, "u");
    select(users::Name).from(u).load(&mut conn)
}

fn main() {}
