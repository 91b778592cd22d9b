//! rusqlite used directly: cached prepared statements, rows mapped by index.

use rusqlite::{OpenFlags, OptionalExtension, ToSql, params_from_iter};

use crate::{Associations, Comment, Contestant, NewUser, Post, User, group_associations};

const TRIVIAL: &str = "SELECT id, name, hair_color FROM users";
const LOOKUP: &str = "SELECT id, name, hair_color FROM users WHERE id = ?";
const MEDIUM: &str = "SELECT users.id, users.name, users.hair_color, \
    posts.id, posts.user_id, posts.title, posts.body \
    FROM users LEFT JOIN posts ON posts.user_id = users.id WHERE users.hair_color = ?";

/// A rusqlite connection.
pub struct RawSqlite {
    conn: rusqlite::Connection,
    sql: String,
}

impl RawSqlite {
    /// Opens `uri` (a `file:` URI) as sqlalgebra opens its connections.
    pub fn open(uri: &str) -> Self {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = rusqlite::Connection::open_with_flags(uri, flags).expect("open SQLite");
        conn.set_prepared_statement_cache_capacity(128);
        RawSqlite {
            conn,
            sql: String::new(),
        }
    }
}

fn user(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        hair_color: r.get(2)?,
    })
}

fn post(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Post> {
    Ok(Post {
        id: r.get(at)?,
        user_id: r.get(at + 1)?,
        title: r.get(at + 2)?,
        body: r.get(at + 3)?,
    })
}

/// `prefix (?, ?, ..., ?)` with `n` placeholders.
fn in_list(out: &mut String, prefix: &str, n: usize) {
    out.clear();
    out.push_str(prefix);
    out.push('(');
    for i in 0..n {
        out.push_str(if i == 0 { "?" } else { ", ?" });
    }
    out.push(')');
}

impl Contestant for RawSqlite {
    fn trivial(&mut self) -> Vec<User> {
        let mut stmt = self.conn.prepare_cached(TRIVIAL).unwrap();
        stmt.query_map([], user)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn lookup(&mut self, id: i32) -> Option<User> {
        let mut stmt = self.conn.prepare_cached(LOOKUP).unwrap();
        stmt.query_row([id], user).optional().unwrap()
    }

    fn medium(&mut self) -> Vec<(User, Option<Post>)> {
        let mut stmt = self.conn.prepare_cached(MEDIUM).unwrap();
        stmt.query_map(["black"], |r| {
            let post = match r.get_ref(3)? {
                rusqlite::types::ValueRef::Null => None,
                _ => Some(post(r, 3)?),
            };
            Ok((user(r)?, post))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    fn insert(&mut self, new: &[NewUser]) -> usize {
        let sql = &mut self.sql;
        sql.clear();
        sql.push_str("INSERT INTO users (name, hair_color) VALUES ");
        for i in 0..new.len() {
            sql.push_str(if i == 0 { "(?, ?)" } else { ", (?, ?)" });
        }
        let mut stmt = self.conn.prepare_cached(sql).unwrap();
        stmt.execute(params_from_iter(
            new.iter()
                .flat_map(|u| [&u.name as &dyn ToSql, &u.hair_color as &dyn ToSql]),
        ))
        .unwrap()
    }

    fn associations(&mut self) -> Associations {
        let users: Vec<User> = self.trivial();
        in_list(
            &mut self.sql,
            "SELECT id, user_id, title, body FROM posts WHERE user_id IN ",
            users.len(),
        );
        let posts: Vec<Post> = {
            let mut stmt = self.conn.prepare_cached(&self.sql).unwrap();
            stmt.query_map(params_from_iter(users.iter().map(|u| u.id)), |r| post(r, 0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        in_list(
            &mut self.sql,
            "SELECT id, post_id, text FROM comments WHERE post_id IN ",
            posts.len(),
        );
        let comments: Vec<Comment> = {
            let mut stmt = self.conn.prepare_cached(&self.sql).unwrap();
            stmt.query_map(params_from_iter(posts.iter().map(|p| p.id)), |r| {
                Ok(Comment {
                    id: r.get(0)?,
                    post_id: r.get(1)?,
                    text: r.get(2)?,
                })
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
        };
        group_associations(users, posts, comments)
    }
}
