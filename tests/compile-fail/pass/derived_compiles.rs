//! The right versions of the derived-table cases: columns reached by the
//! subquery's own columns, by label markers and by position.
#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

struct PostCount;
impl Label for PostCount {
    const NAME: &'static str = "post_count";
}

// Only type-checked, never called.
#[allow(dead_code)]
fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let per_user = select((posts::UserId, count_star().label(PostCount)))
        .group_by(posts::UserId)
        .subquery("per_user");
    let _counts: Vec<(i64, i64)> = select((per_user.col(posts::UserId), per_user.col(PostCount)))
        .from(per_user)
        .filter(per_user.col(PostCount).gt(1))
        .load(conn)?;
    let (user_id, count) = per_user.c();
    let _names: Vec<(String, i64)> = select((users::Name, count))
        .from(Users)
        .join(per_user, user_id.eq(users::Id))
        .load(conn)?;
    let top = cte("top").as_(select((posts::Id, posts::Title.label("t"))));
    let (_, title) = top.c();
    let _titles: Vec<String> = select(title).from(top).with(top).load(conn)?;
    Ok(())
}

fn main() {}
