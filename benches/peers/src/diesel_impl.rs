//! Diesel, written as its own benchmarks and guide write it.

use diesel::prelude::*;

use crate::{Associations, Comment, Contestant, NewUser, Post, User};

/// Diesel's schema for the three tables.
pub mod dsl {
    diesel::table! {
        users {
            id -> Integer,
            name -> Text,
            hair_color -> Nullable<Text>,
        }
    }

    diesel::table! {
        posts {
            id -> Integer,
            user_id -> Integer,
            title -> Text,
            body -> Nullable<Text>,
        }
    }

    diesel::table! {
        comments {
            id -> Integer,
            post_id -> Integer,
            text -> Text,
        }
    }

    diesel::joinable!(comments -> posts (post_id));
    diesel::joinable!(posts -> users (user_id));
    diesel::allow_tables_to_appear_in_same_query!(users, posts, comments);
}

use dsl::{posts, users};

/// A user to insert, borrowed (NULL for `None`, so that the rows go in one
/// statement on every backend).
#[derive(Insertable)]
#[diesel(table_name = users)]
#[diesel(treat_none_as_default_value = false)]
struct NewUserRef<'a> {
    name: &'a str,
    hair_color: Option<&'a str>,
}

macro_rules! diesel_contestant {
    ($name:ident, $conn:ty) => {
        /// Diesel on one connection.
        pub struct $name {
            conn: $conn,
        }

        impl $name {
            /// Establishes a connection to `url`.
            pub fn open(url: &str) -> Self {
                $name {
                    conn: <$conn>::establish(url).expect("connect with Diesel"),
                }
            }
        }

        impl Contestant for $name {
            fn trivial(&mut self) -> Vec<User> {
                users::table.load::<User>(&mut self.conn).unwrap()
            }

            fn lookup(&mut self, id: i32) -> Option<User> {
                users::table
                    .find(id)
                    .first::<User>(&mut self.conn)
                    .optional()
                    .unwrap()
            }

            fn medium(&mut self) -> Vec<(User, Option<Post>)> {
                users::table
                    .left_join(posts::table)
                    .filter(users::hair_color.eq("black"))
                    .load::<(User, Option<Post>)>(&mut self.conn)
                    .unwrap()
            }

            fn insert(&mut self, new: &[NewUser]) -> usize {
                let rows: Vec<NewUserRef<'_>> = new
                    .iter()
                    .map(|u| NewUserRef {
                        name: &u.name,
                        hair_color: u.hair_color.as_deref(),
                    })
                    .collect();
                diesel::insert_into(users::table)
                    .values(&rows)
                    .execute(&mut self.conn)
                    .unwrap()
            }

            fn associations(&mut self) -> Associations {
                let users = users::table.load::<User>(&mut self.conn).unwrap();
                let posts = Post::belonging_to(&users)
                    .load::<Post>(&mut self.conn)
                    .unwrap();
                let comments = Comment::belonging_to(&posts)
                    .load::<Comment>(&mut self.conn)
                    .unwrap();
                let comments = comments.grouped_by(&posts);
                let posts_and_comments = posts.into_iter().zip(comments).grouped_by(&users);
                users.into_iter().zip(posts_and_comments).collect()
            }
        }
    };
}

diesel_contestant!(DieselSqlite, diesel::SqliteConnection);
diesel_contestant!(DieselPg, diesel::PgConnection);
diesel_contestant!(DieselMysql, diesel::MysqlConnection);
