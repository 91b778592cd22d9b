#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

// Which side a LEFT JOIN NULL-extends depends on the FROM table: an
// outer join needs `.from(..)`.
fn titles<C: Connection>(conn: &mut C) -> sqlalgebra::Result<Vec<(String, Option<String>)>> {
    select((users::Name, posts::Title))
        .left_join(Posts, posts::UserId.eq(users::Id))
        .load(conn)
}

fn main() {}
