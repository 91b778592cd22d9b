#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

// `users` is neither the FROM table nor joined: this would be a silent
// cross join (`FROM "posts", "users"`).
fn titles<C: Connection>(mut conn: C) -> sqlalgebra::Result<Vec<String>> {
    select(posts::Title).from(Posts).filter(users::Name.eq("alice")).load(&mut conn)
}

fn main() {}
