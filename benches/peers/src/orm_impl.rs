//! The sqlalgebra ORM loading the associations: a session, the users with
//! their posts and the posts' comments by nested selectin loading, moved
//! out of the session; and (for `profile`'s instruction counts) the
//! trivial query and the lookup by key through a session.

use sqlalgebra::orm::{BelongsTo, HasMany, Model, Session};
use sqlalgebra::prelude::*;

use crate::schema::{comments, posts, users};
use crate::{Associations, Comment, Post, User};

impl Model for User {
    type Table = users::Users;
    type Columns = (users::Id, users::Name, users::HairColor);
    type Row = (i32, String, Option<String>);
    type Key = i32;
    fn from_row((id, name, hair_color): Self::Row) -> Self {
        User {
            id,
            name,
            hair_color,
        }
    }
    fn values(&self) -> (&i32, &String, &Option<String>) {
        (&self.id, &self.name, &self.hair_color)
    }
    fn key(&self) -> i32 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = i32::try_from(id).expect("an id that fits the INTEGER column");
    }
}

impl Model for Post {
    type Table = posts::Posts;
    type Columns = (posts::Id, posts::UserId, posts::Title, posts::Body);
    type Row = (i32, i32, String, Option<String>);
    type Key = i32;
    fn from_row((id, user_id, title, body): Self::Row) -> Self {
        Post {
            id,
            user_id,
            title,
            body,
        }
    }
    fn values(&self) -> (&i32, &i32, &String, &Option<String>) {
        (&self.id, &self.user_id, &self.title, &self.body)
    }
    fn key(&self) -> i32 {
        self.id
    }
}

impl Model for Comment {
    type Table = comments::Comments;
    type Columns = (comments::Id, comments::PostId, comments::Text);
    type Row = (i32, i32, String);
    type Key = i32;
    fn from_row((id, post_id, text): Self::Row) -> Self {
        Comment { id, post_id, text }
    }
    fn values(&self) -> (&i32, &i32, &String) {
        (&self.id, &self.post_id, &self.text)
    }
    fn key(&self) -> i32 {
        self.id
    }
}

impl BelongsTo<User> for Post {
    type ForeignKey = posts::UserId;
    fn parent_key(&self) -> Option<i32> {
        Some(self.user_id)
    }
    fn set_parent_key(&mut self, key: i32) {
        self.user_id = key;
    }
}
impl HasMany<Post> for User {}

impl BelongsTo<Post> for Comment {
    type ForeignKey = comments::PostId;
    fn parent_key(&self) -> Option<i32> {
        Some(self.post_id)
    }
    fn set_parent_key(&mut self, key: i32) {
        self.post_id = key;
    }
}
impl HasMany<Comment> for Post {}

/// The ORM on one pooled connection.
pub struct Orm<C> {
    conn: C,
}

impl<C: Connection> Orm<C> {
    pub fn new(conn: C) -> Self {
        Orm { conn }
    }
}

impl<C: Connection> crate::Associating for Orm<C> {
    fn associations(&mut self) -> Associations {
        let mut s = Session::new(&mut self.conn);
        let users = s
            .query::<User>()
            .selectin_children_with::<Post>(|posts| posts.selectin_children::<Comment>())
            .all()
            .expect("users, their posts and the posts' comments");
        // Owned results: the objects move out of the session.
        users
            .into_iter()
            .map(|u| {
                let posts = s.related::<User, Post>(u).expect("posts, loaded");
                let posts = posts
                    .into_iter()
                    .map(|p| {
                        let comments = s.related::<Post, Comment>(p).expect("comments, loaded");
                        (s.take(p), s.take_all(comments))
                    })
                    .collect();
                (s.take(u), posts)
            })
            .collect()
    }

    fn trivial(&mut self) -> Vec<User> {
        let mut s = Session::new(&mut self.conn);
        let users = s.query::<User>().all().expect("users");
        s.take_all(users)
    }

    fn lookup(&mut self, id: i32) -> Option<User> {
        let mut s = Session::new(&mut self.conn);
        let user = s.get::<User>(id).expect("a user by key");
        user.map(|u| s.take(u))
    }
}
