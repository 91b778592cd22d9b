//! The data each benchmark runs on, written through one setup connection
//! that the contestants do not use.

use sqlalgebra::prelude::*;

use crate::schema::{comments, posts, users};

/// How one backend creates and empties the three tables.
#[derive(Debug, Clone, Copy)]
pub struct Ddl {
    /// Drops and creates the tables, as `diesel_bench` creates them (no
    /// foreign keys, no indexes besides the primary keys).
    pub create: &'static str,
    /// Empties all three tables.
    pub clear: &'static str,
    /// Empties `users`.
    pub clear_users: &'static str,
}

/// SQLite.
pub const SQLITE_DDL: Ddl = Ddl {
    create: "
DROP TABLE IF EXISTS comments;
DROP TABLE IF EXISTS posts;
DROP TABLE IF EXISTS users;
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name VARCHAR NOT NULL, hair_color VARCHAR);
CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, user_id INTEGER NOT NULL, title VARCHAR NOT NULL, body TEXT);
CREATE TABLE comments (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, post_id INTEGER NOT NULL, text TEXT NOT NULL);
",
    clear: "DELETE FROM comments; DELETE FROM posts; DELETE FROM users",
    clear_users: "DELETE FROM users",
};

/// PostgreSQL.
pub const POSTGRES_DDL: Ddl = Ddl {
    create: "
DROP TABLE IF EXISTS comments;
DROP TABLE IF EXISTS posts;
DROP TABLE IF EXISTS users;
CREATE TABLE users (id SERIAL PRIMARY KEY, name VARCHAR NOT NULL, hair_color VARCHAR);
CREATE TABLE posts (id SERIAL PRIMARY KEY, user_id INTEGER NOT NULL, title VARCHAR NOT NULL, body TEXT);
CREATE TABLE comments (id SERIAL PRIMARY KEY, post_id INTEGER NOT NULL, text TEXT NOT NULL);
",
    clear: "TRUNCATE users, posts, comments",
    clear_users: "TRUNCATE users",
};

/// MySQL / MariaDB.
pub const MYSQL_DDL: Ddl = Ddl {
    create: "
DROP TABLE IF EXISTS comments;
DROP TABLE IF EXISTS posts;
DROP TABLE IF EXISTS users;
CREATE TABLE users (id INTEGER PRIMARY KEY AUTO_INCREMENT, name VARCHAR(255) NOT NULL, hair_color VARCHAR(255));
CREATE TABLE posts (id INTEGER PRIMARY KEY AUTO_INCREMENT, user_id INTEGER NOT NULL, title VARCHAR(255) NOT NULL, body TEXT);
CREATE TABLE comments (id INTEGER PRIMARY KEY AUTO_INCREMENT, post_id INTEGER NOT NULL, text TEXT NOT NULL);
",
    clear: "TRUNCATE TABLE comments; TRUNCATE TABLE posts; TRUNCATE TABLE users",
    clear_users: "TRUNCATE TABLE users",
};

/// Prepares the data of a benchmark.
pub trait Fixture {
    /// Drops and creates the three tables (empty).
    fn create(&mut self);
    /// Empties the three tables.
    fn reset(&mut self);
    /// Empties `users` only.
    fn clear_users(&mut self);
    /// `reset`, then `n` users `User i`, even ones with black hair, odd
    /// ones brown.
    fn users(&mut self, n: usize);
    /// `reset`, then 100 users, each with 10 posts, each with 10 comments.
    fn associations(&mut self);
    /// Every user's name and hair colour, by name: what a write shape left.
    fn user_rows(&mut self) -> Vec<(String, Option<String>)>;
}

/// A [`Fixture`] over a sqlalgebra connection.
pub struct SqlalgebraFixture<C> {
    conn: C,
    ddl: Ddl,
}

impl<C: Connection> SqlalgebraFixture<C> {
    pub fn new(conn: C, ddl: Ddl) -> Self {
        SqlalgebraFixture { conn, ddl }
    }
}

impl<C: Connection> SqlalgebraFixture<C> {
    /// Runs each statement of `script` on its own.
    fn run(&mut self, script: &str) {
        for statement in script.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            self.conn.batch_execute(statement).expect(statement);
        }
    }
}

fn hair(i: usize) -> &'static str {
    if i.is_multiple_of(2) {
        "black"
    } else {
        "brown"
    }
}

impl<C: Connection> Fixture for SqlalgebraFixture<C> {
    fn create(&mut self) {
        self.run(self.ddl.create);
    }

    fn reset(&mut self) {
        self.run(self.ddl.clear);
    }

    fn clear_users(&mut self) {
        self.run(self.ddl.clear_users);
    }

    fn users(&mut self, n: usize) {
        self.reset();
        let names: Vec<String> = (0..n).map(|i| format!("User {i}")).collect();
        for chunk in names.chunks(1000).enumerate().map(|(c, names)| {
            names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    (
                        users::Name.set(name.as_str()),
                        users::HairColor.set(Some(hair(c * 1000 + i))),
                    )
                })
                .collect::<Vec<_>>()
        }) {
            insert_into(users::Users)
                .values(chunk)
                .execute(&mut self.conn)
                .expect("insert users");
        }
    }

    fn user_rows(&mut self) -> Vec<(String, Option<String>)> {
        select((users::Name, users::HairColor))
            .order_by(users::Name)
            .load(&mut self.conn)
            .expect("the users")
    }

    fn associations(&mut self) {
        self.reset();
        let user_names: Vec<String> = (0..100).map(|i| format!("User {i}")).collect();
        insert_into(users::Users)
            .values(
                user_names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        (
                            users::Name.set(n.as_str()),
                            users::HairColor.set(Some(hair(i))),
                        )
                    })
                    .collect::<Vec<_>>(),
            )
            .execute(&mut self.conn)
            .expect("insert users");
        let user_ids: Vec<i32> = select(users::Id)
            .order_by(users::Id)
            .load(&mut self.conn)
            .expect("user ids");
        let titles: Vec<(i32, String)> = user_ids
            .iter()
            .flat_map(|&u| (0..10).map(move |p| (u, format!("Post {p} by user {u}"))))
            .collect();
        insert_into(posts::Posts)
            .values(
                titles
                    .iter()
                    .map(|(u, t)| {
                        (
                            posts::UserId.set(*u),
                            posts::Title.set(t.as_str()),
                            posts::Body.set(None::<&str>),
                        )
                    })
                    .collect::<Vec<_>>(),
            )
            .execute(&mut self.conn)
            .expect("insert posts");
        let post_ids: Vec<i32> = select(posts::Id)
            .order_by(posts::Id)
            .load(&mut self.conn)
            .expect("post ids");
        let texts: Vec<(i32, String)> = post_ids
            .iter()
            .flat_map(|&p| (0..10).map(move |c| (p, format!("Comment {c} on post {p}"))))
            .collect();
        for chunk in texts.chunks(1000) {
            insert_into(comments::Comments)
                .values(
                    chunk
                        .iter()
                        .map(|(p, t)| (comments::PostId.set(*p), comments::Text.set(t.as_str())))
                        .collect::<Vec<_>>(),
                )
                .execute(&mut self.conn)
                .expect("insert comments");
        }
    }
}
