#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

struct PostCount;
impl Label for PostCount {
    const NAME: &'static str = "post_count";
}
struct Posted;
impl Label for Posted {
    const NAME: &'static str = "posted";
}

fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let per_user = select((posts::UserId, count_star().label(PostCount)))
        .group_by(posts::UserId)
        .subquery("per_user");
    // The subquery labelled its count `PostCount`, not `Posted`.
    let _rows: Vec<i64> = select(per_user.col(Posted)).from(per_user).load(conn)?;
    Ok(())
}

fn main() {}
