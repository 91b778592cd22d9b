//! The `postgres` crate used directly: statements prepared once, each
//! result fetched whole (`query`: one runtime entry per query, where
//! `query_raw` enters it once per row) and mapped by index, `= ANY($1)` for the IN lists.

use std::collections::HashMap;

use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Statement};

use crate::{Associations, Comment, Contestant, NewUser, Post, User, group_associations};

/// A `postgres` client with its statements.
pub struct RawPostgres {
    client: Client,
    trivial: Statement,
    lookup: Statement,
    medium: Statement,
    posts: Statement,
    comments: Statement,
    inserts: HashMap<usize, Statement>,
}

impl RawPostgres {
    /// Connects to `url` and prepares the statements (the tables must
    /// exist).
    pub fn connect(url: &str) -> Self {
        let mut c = Client::connect(url, NoTls).expect("connect to PostgreSQL");
        let trivial = c.prepare("SELECT id, name, hair_color FROM users").unwrap();
        let lookup = c
            .prepare("SELECT id, name, hair_color FROM users WHERE id = $1")
            .unwrap();
        let medium = c
            .prepare(
                "SELECT users.id, users.name, users.hair_color, \
                 posts.id, posts.user_id, posts.title, posts.body \
                 FROM users LEFT JOIN posts ON posts.user_id = users.id \
                 WHERE users.hair_color = $1",
            )
            .unwrap();
        let posts = c
            .prepare("SELECT id, user_id, title, body FROM posts WHERE user_id = ANY($1)")
            .unwrap();
        let comments = c
            .prepare("SELECT id, post_id, text FROM comments WHERE post_id = ANY($1)")
            .unwrap();
        RawPostgres {
            client: c,
            trivial,
            lookup,
            medium,
            posts,
            comments,
            inserts: HashMap::new(),
        }
    }

    fn rows<T>(
        &mut self,
        stmt: &Statement,
        params: &[&(dyn ToSql + Sync)],
        map: impl FnMut(&Row) -> T,
    ) -> Vec<T> {
        self.client
            .query(stmt, params)
            .unwrap()
            .iter()
            .map(map)
            .collect()
    }
}

fn user(r: &Row) -> User {
    User {
        id: r.get(0),
        name: r.get(1),
        hair_color: r.get(2),
    }
}

fn post(r: &Row, at: usize) -> Post {
    Post {
        id: r.get(at),
        user_id: r.get(at + 1),
        title: r.get(at + 2),
        body: r.get(at + 3),
    }
}

impl Contestant for RawPostgres {
    fn trivial(&mut self) -> Vec<User> {
        let stmt = self.trivial.clone();
        self.rows(&stmt, &[], user)
    }

    fn lookup(&mut self, id: i32) -> Option<User> {
        self.client
            .query_opt(&self.lookup, &[&id])
            .unwrap()
            .map(|r| user(&r))
    }

    fn medium(&mut self) -> Vec<(User, Option<Post>)> {
        let stmt = self.medium.clone();
        self.rows(&stmt, &[&"black"], |r| {
            let post = r.get::<_, Option<i32>>(3).map(|_| post(r, 3));
            (user(r), post)
        })
    }

    fn insert(&mut self, new: &[NewUser]) -> usize {
        let n = new.len();
        let stmt = match self.inserts.get(&n) {
            Some(s) => s.clone(),
            None => {
                let mut sql = String::from("INSERT INTO users (name, hair_color) VALUES ");
                for i in 0..n {
                    if i > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!("(${}, ${})", 2 * i + 1, 2 * i + 2));
                }
                let s = self.client.prepare(&sql).unwrap();
                self.inserts.insert(n, s.clone());
                s
            }
        };
        let params: Vec<&(dyn ToSql + Sync)> = new
            .iter()
            .flat_map(|u| [&u.name as &(dyn ToSql + Sync), &u.hair_color])
            .collect();
        self.client.execute(&stmt, &params).unwrap() as usize
    }

    fn associations(&mut self) -> Associations {
        let users = self.trivial();
        let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
        let stmt = self.posts.clone();
        let posts = self.rows(&stmt, &[&ids], |r| post(r, 0));
        let ids: Vec<i32> = posts.iter().map(|p| p.id).collect();
        let stmt = self.comments.clone();
        let comments = self.rows(&stmt, &[&ids], |r| Comment {
            id: r.get(0),
            post_id: r.get(1),
            text: r.get(2),
        });
        group_associations(users, posts, comments)
    }
}
