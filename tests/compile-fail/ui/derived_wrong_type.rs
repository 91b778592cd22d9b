#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

struct Author;
impl Label for Author {
    const NAME: &'static str = "author";
}

fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let named = select((posts::Id, users::Name.label(Author)))
        .filter(posts::UserId.eq(users::Id))
        .subquery("named");
    // `Author` is the user's name, a `Text`: it does not compare with a number.
    let _rows: Vec<i64> = select(named.col(posts::Id))
        .from(named)
        .filter(named.col(Author).eq(7))
        .load(conn)?;
    Ok(())
}

fn main() {}
