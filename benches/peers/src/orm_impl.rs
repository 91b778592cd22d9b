//! The sqlalgebra ORM loading the associations: a session, the posts by
//! selectin loading, then the posts' comments with one more `IN` query.

use std::collections::HashMap;

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
            .selectin_children::<Post>()
            .all()
            .expect("users with their posts");
        let mut posts_of = Vec::with_capacity(users.len());
        for &u in &users {
            posts_of.push(s.related::<User, Post>(u).expect("posts, loaded"));
        }
        let post_ids: Vec<i32> = posts_of.iter().flatten().map(|&p| s[p].id).collect();
        let comments = s
            .query::<Comment>()
            .filter(comments::PostId.in_(post_ids))
            .all()
            .expect("comments");
        let mut comments_of: HashMap<i32, Vec<Comment>> = HashMap::new();
        for c in comments {
            let c = &s[c];
            comments_of.entry(c.post_id).or_default().push(c.clone());
        }
        users
            .iter()
            .zip(posts_of)
            .map(|(&u, ps)| {
                let ps = ps
                    .into_iter()
                    .map(|p| {
                        let p = s[p].clone();
                        let cs = comments_of.remove(&p.id).unwrap_or_default();
                        (p, cs)
                    })
                    .collect();
                (s[u].clone(), ps)
            })
            .collect()
    }
}
