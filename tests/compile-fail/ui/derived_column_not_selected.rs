#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let titles = select((posts::Id, posts::Title)).subquery("titles");
    // The subquery selects no `user_id`.
    let _rows: Vec<i64> = select(titles.col(posts::UserId)).from(titles).load(conn)?;
    Ok(())
}

fn main() {}
