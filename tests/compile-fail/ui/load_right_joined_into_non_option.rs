#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

// A RIGHT JOIN NULL-extends the tables before it: posts without a user
// have no user name, so it loads into `Option<String>`, not `String`.
fn names<C: Connection>(conn: &mut C) -> sqlalgebra::Result<Vec<(String, String)>> {
    select((users::Name, posts::Title))
        .from(Users)
        .right_join(Posts, posts::UserId.eq(users::Id))
        .load(conn)
}

fn main() {}
