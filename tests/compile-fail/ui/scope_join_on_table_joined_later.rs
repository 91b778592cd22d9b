#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

#[derive(Clone, Copy, Debug, Default)]
pub struct Likes;
impl Table for Likes {
    const NAME: &'static str = "likes";
    type Columns = LikedPost;
    type PrimaryKey = LikedPost;
}
#[derive(Clone, Copy, Debug, Default)]
pub struct LikedPost;
impl Column for LikedPost {
    type Table = Likes;
    type SqlType = BigInt;
    const NAME: &'static str = "post_id";
}

// The first JOIN's ON uses `likes`, which is joined only after it: the
// server would refuse `... JOIN "posts" ON "likes"."post_id" = ...`.
fn titles<C: Connection>(mut conn: C) -> sqlalgebra::Result<Vec<String>> {
    let q = select(posts::Title).from(Users);
    let q = q.join(Posts, LikedPost.eq(posts::Id)).join(Likes, posts::UserId.eq(users::Id));
    q.load(&mut conn)
}

fn main() {}
