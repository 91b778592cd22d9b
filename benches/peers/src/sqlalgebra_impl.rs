//! The sqlalgebra contestant: the Core API, generic over the backend.

use sqlalgebra::prelude::*;

use crate::schema::{comments, posts, users};
use crate::{Associations, Comment, Contestant, NewUser, Post, User, group_associations};

/// sqlalgebra on one pooled connection of any backend.
pub struct Algebra<C> {
    conn: C,
}

impl<C: Connection> Algebra<C> {
    pub fn new(conn: C) -> Self {
        Algebra { conn }
    }
}

impl<C: Connection> Contestant for Algebra<C> {
    fn trivial(&mut self) -> Vec<User> {
        select(users::ALL).load(&mut self.conn).expect("trivial")
    }

    fn lookup(&mut self, id: i32) -> Option<User> {
        select(users::ALL)
            .filter(users::Id.eq(id))
            .first(&mut self.conn)
            .expect("lookup")
    }

    fn medium(&mut self) -> Vec<(User, Option<Post>)> {
        select((users::ALL, posts::ALL))
            .from(users::Users)
            .left_join(posts::Posts, posts::UserId.eq(users::Id))
            .filter(users::HairColor.eq("black"))
            .load(&mut self.conn)
            .expect("medium")
    }

    fn insert(&mut self, new: &[NewUser]) -> usize {
        let rows: Vec<_> = new
            .iter()
            .map(|u| {
                (
                    users::Name.set(u.name.as_str()),
                    users::HairColor.set(u.hair_color.as_deref()),
                )
            })
            .collect();
        insert_into(users::Users)
            .values(rows)
            .execute(&mut self.conn)
            .expect("insert") as usize
    }

    fn associations(&mut self) -> Associations {
        let users: Vec<User> = select(users::ALL).load(&mut self.conn).expect("users");
        let posts: Vec<Post> = select(posts::ALL)
            .filter(posts::UserId.in_(users.iter().map(|u| u.id)))
            .load(&mut self.conn)
            .expect("posts");
        let comments: Vec<Comment> = select(comments::ALL)
            .filter(comments::PostId.in_(posts.iter().map(|p| p.id)))
            .load(&mut self.conn)
            .expect("comments");
        group_associations(users, posts, comments)
    }
}
