//! The `mysql` crate used directly: server-side statements prepared once
//! (one per IN-list or VALUES length), rows mapped by position with
//! `exec_map`.

use std::collections::HashMap;

use mysql::prelude::Queryable;
use mysql::{Conn, Opts, Params, Statement, Value};

use crate::{Associations, Comment, Contestant, NewUser, Post, User, group_associations};

/// A `mysql` connection with its statements.
pub struct RawMysql {
    conn: Conn,
    trivial: Statement,
    lookup: Statement,
    medium: Statement,
    /// Keyed by (which statement, how many values).
    sized: HashMap<(u8, usize), Statement>,
}

const INSERT: u8 = 0;
const POSTS: u8 = 1;
const COMMENTS: u8 = 2;

type MediumRow = (
    i32,
    String,
    Option<String>,
    Option<i32>,
    Option<i32>,
    Option<String>,
    Option<String>,
);

impl RawMysql {
    /// Connects to `url` and prepares the statements (the tables must
    /// exist).
    pub fn connect(url: &str) -> Self {
        let mut conn = Conn::new(Opts::from_url(url).unwrap()).expect("connect to MySQL");
        let trivial = conn.prep("SELECT id, name, hair_color FROM users").unwrap();
        let lookup = conn
            .prep("SELECT id, name, hair_color FROM users WHERE id = ?")
            .unwrap();
        let medium = conn
            .prep(
                "SELECT users.id, users.name, users.hair_color, \
                 posts.id, posts.user_id, posts.title, posts.body \
                 FROM users LEFT JOIN posts ON posts.user_id = users.id \
                 WHERE users.hair_color = ?",
            )
            .unwrap();
        RawMysql {
            conn,
            trivial,
            lookup,
            medium,
            sized: HashMap::new(),
        }
    }

    /// The statement `which` for `n` values, prepared on first use.
    fn sized(&mut self, which: u8, n: usize) -> Statement {
        if let Some(s) = self.sized.get(&(which, n)) {
            return s.clone();
        }
        let (head, each) = match which {
            INSERT => ("INSERT INTO users (name, hair_color) VALUES ", "(?, ?)"),
            POSTS => (
                "SELECT id, user_id, title, body FROM posts WHERE user_id IN (",
                "?",
            ),
            _ => (
                "SELECT id, post_id, text FROM comments WHERE post_id IN (",
                "?",
            ),
        };
        let mut sql = String::from(head);
        for i in 0..n {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(each);
        }
        if which != INSERT {
            sql.push(')');
        }
        let s = self.conn.prep(sql).unwrap();
        self.sized.insert((which, n), s.clone());
        s
    }
}

fn ids(ids: impl Iterator<Item = i32>) -> Params {
    Params::Positional(ids.map(|i| Value::Int(i64::from(i))).collect())
}

impl Contestant for RawMysql {
    fn trivial(&mut self) -> Vec<User> {
        self.conn
            .exec_map(&self.trivial, (), |(id, name, hair_color)| User {
                id,
                name,
                hair_color,
            })
            .unwrap()
    }

    fn lookup(&mut self, id: i32) -> Option<User> {
        self.conn
            .exec_first(&self.lookup, (id,))
            .unwrap()
            .map(|(id, name, hair_color)| User {
                id,
                name,
                hair_color,
            })
    }

    fn medium(&mut self) -> Vec<(User, Option<Post>)> {
        self.conn
            .exec_map(&self.medium, ("black",), |r: MediumRow| {
                let user = User {
                    id: r.0,
                    name: r.1,
                    hair_color: r.2,
                };
                let post = match (r.3, r.4, r.5) {
                    (Some(id), Some(user_id), Some(title)) => Some(Post {
                        id,
                        user_id,
                        title,
                        body: r.6,
                    }),
                    _ => None,
                };
                (user, post)
            })
            .unwrap()
    }

    fn insert(&mut self, new: &[NewUser]) -> usize {
        let stmt = self.sized(INSERT, new.len());
        let params: Vec<Value> = new
            .iter()
            .flat_map(|u| {
                [
                    Value::from(u.name.as_str()),
                    Value::from(u.hair_color.as_deref()),
                ]
            })
            .collect();
        self.conn
            .exec_drop(&stmt, Params::Positional(params))
            .unwrap();
        self.conn.affected_rows() as usize
    }

    fn associations(&mut self) -> Associations {
        let users = self.trivial();
        let stmt = self.sized(POSTS, users.len());
        let posts: Vec<Post> = self
            .conn
            .exec_map(
                &stmt,
                ids(users.iter().map(|u| u.id)),
                |(id, user_id, title, body)| Post {
                    id,
                    user_id,
                    title,
                    body,
                },
            )
            .unwrap();
        let stmt = self.sized(COMMENTS, posts.len());
        let comments: Vec<Comment> = self
            .conn
            .exec_map(
                &stmt,
                ids(posts.iter().map(|p| p.id)),
                |(id, post_id, text)| Comment { id, post_id, text },
            )
            .unwrap();
        group_associations(users, posts, comments)
    }
}
