//! sqlalgebra side by side with the raw drivers and Diesel: the four
//! benchmarks of Diesel's own `diesel_bench` (trivial query, medium complex
//! query, multi-row insert, loading associations) on SQLite, PostgreSQL and
//! MySQL/MariaDB.
//!
//! Each backend has three [`Contestant`]s over the same database and data:
//! sqlalgebra, the driver used directly the way an expert would (statements
//! prepared once, rows mapped by index), and Diesel. Before a benchmark is
//! timed, every contestant runs it once and the results are compared, so a
//! contestant cannot be fast by doing less.

pub mod diesel_impl;
pub mod fixture;
pub mod mysql_raw;
pub mod orm_impl;
pub mod pg_raw;
pub mod schema;
pub mod servers;
pub mod sqlalgebra_impl;
pub mod sqlite_raw;
pub mod writes;

use std::collections::HashMap;

use diesel::{Associations, Identifiable, Queryable};
use diesel_impl::dsl::{comments, posts, users};

/// A row of `users`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Queryable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i32,
    pub name: String,
    pub hair_color: Option<String>,
}

/// A row of `posts`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Queryable, Identifiable, Associations)]
#[diesel(table_name = posts, belongs_to(User))]
pub struct Post {
    pub id: i32,
    pub user_id: i32,
    pub title: String,
    pub body: Option<String>,
}

/// A row of `comments`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Queryable, Identifiable, Associations)]
#[diesel(table_name = comments, belongs_to(Post))]
pub struct Comment {
    pub id: i32,
    pub post_id: i32,
    pub text: String,
}

/// A user to insert.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub hair_color: Option<String>,
}

/// Users with their posts, each with its comments.
pub type Associations = Vec<(User, Vec<(Post, Vec<Comment>)>)>;

/// One way of running the benchmarks against one database.
pub trait Contestant {
    /// `SELECT id, name, hair_color FROM users`.
    fn trivial(&mut self) -> Vec<User>;
    /// `SELECT id, name, hair_color FROM users WHERE id = ?`: the user with
    /// the key `id`, if any (not one of Diesel's benchmarks: the commonest
    /// query of a service, with a bind).
    fn lookup(&mut self, id: i32) -> Option<User>;
    /// `users LEFT JOIN posts ON posts.user_id = users.id WHERE users.hair_color = 'black'`.
    fn medium(&mut self) -> Vec<(User, Option<Post>)>;
    /// All of `users` in one multi-row INSERT; returns the rows inserted.
    fn insert(&mut self, users: &[NewUser]) -> usize;
    /// Users, then their posts (`user_id IN ...`), then those posts'
    /// comments (`post_id IN ...`), grouped.
    fn associations(&mut self) -> Associations;
}

/// What the ORM variant runs: the associations benchmark (timed by the
/// suite), and for `profile` (instruction counts of the ORM's loads) the
/// trivial query and the lookup by key.
pub trait Associating {
    /// As [`Contestant::associations`].
    fn associations(&mut self) -> Associations;
    /// As [`Contestant::trivial`]: every user loaded into a session and
    /// moved out of it.
    fn trivial(&mut self) -> Vec<User>;
    /// As [`Contestant::lookup`]: the user with the key `id`, read into a
    /// new session by key and moved out of it.
    fn lookup(&mut self, id: i32) -> Option<User>;
}

/// The kinds of contestant, in the order they are benchmarked (the ORM
/// only in `loading_associations`).
pub const CONTESTANTS: [&str; 4] = ["sqlalgebra", "raw", "diesel", "sqlalgebra_orm"];

/// Groups posts under their users and comments under their posts, keeping
/// the order in which each arrived (what Diesel's `grouped_by` does).
pub fn group_associations(
    users: Vec<User>,
    posts: Vec<Post>,
    comments: Vec<Comment>,
) -> Associations {
    let post_index: HashMap<i32, usize> =
        posts.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let mut comments_of: Vec<Vec<Comment>> = vec![Vec::new(); posts.len()];
    for c in comments {
        if let Some(&i) = post_index.get(&c.post_id) {
            comments_of[i].push(c);
        }
    }
    let user_index: HashMap<i32, usize> =
        users.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
    let mut posts_of: Vec<Vec<(Post, Vec<Comment>)>> = vec![Vec::new(); users.len()];
    for (p, cs) in posts.into_iter().zip(comments_of) {
        if let Some(&i) = user_index.get(&p.user_id) {
            posts_of[i].push((p, cs));
        }
    }
    users.into_iter().zip(posts_of).collect()
}

/// The result in a canonical order, to compare contestants.
pub fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

/// [`Associations`] in a canonical order.
pub fn sorted_associations(a: Associations) -> Associations {
    let mut a: Associations = a
        .into_iter()
        .map(|(u, ps)| {
            let mut ps: Vec<_> = ps.into_iter().map(|(p, cs)| (p, sorted(cs))).collect();
            ps.sort();
            (u, ps)
        })
        .collect();
    a.sort();
    a
}

/// `n` users to insert: `User i`, hair colour `hair_color` (as in
/// `diesel_bench`).
pub fn new_users(n: usize) -> Vec<NewUser> {
    (0..n)
        .map(|i| NewUser {
            name: format!("User {i}"),
            hair_color: Some("hair_color".to_owned()),
        })
        .collect()
}

/// The backends, in the order they are benchmarked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
    Mysql,
}

impl Db {
    /// The name in benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            Db::Sqlite => "sqlite",
            Db::Postgres => "postgres",
            Db::Mysql => "mysql",
        }
    }
}

/// The three contestants of one backend, plus what prepares their data.
pub struct Arena {
    pub db: Db,
    pub fixture: Box<dyn fixture::Fixture>,
    pub contestants: Vec<(&'static str, Box<dyn Contestant>)>,
    /// sqlalgebra's ORM, for the associations benchmark (`sqlalgebra_orm`).
    pub orm: Box<dyn Associating>,
    /// The write shapes' contestants: `orm`, `raw`, `diesel`.
    pub writers: Vec<(&'static str, Box<dyn writes::Writing>)>,
}

/// The arenas of every backend that is reachable: SQLite always, the
/// servers when they answer (else a notice, or a panic when
/// `SQLALGEBRA_REQUIRE_SERVERS=1`).
pub fn arenas() -> Vec<Arena> {
    let mut out = vec![sqlite_arena()];
    if let Some(url) = servers::postgres_database() {
        out.push(postgres_arena(&url));
    }
    if let Some(url) = servers::mysql_database() {
        out.push(mysql_arena(&url));
    }
    out
}

/// A fixture over `conn`, with the tables created (before any contestant
/// connects: the raw drivers prepare their statements when they do).
fn fixture<C: sqlalgebra::Connection + 'static>(
    conn: C,
    ddl: fixture::Ddl,
) -> Box<dyn fixture::Fixture> {
    let mut f = fixture::SqlalgebraFixture::new(conn, ddl);
    fixture::Fixture::create(&mut f);
    Box::new(f)
}

/// SQLite: one in-memory database (the memdb VFS) shared by the three
/// contestants' connections.
pub fn sqlite_arena() -> Arena {
    use sqlalgebra_sqlite::{SqliteManager, Target};
    let name = format!("sqlalgebra-peers-{}", std::process::id());
    let engine = sqlalgebra::Engine::<sqlalgebra_sqlite::Sqlite>::build(
        SqliteManager::new(Target::Memory(name.clone())).expect("open the SQLite database"),
        &sqlalgebra::PoolOptions::default().size(1).overflow(3),
    )
    .expect("SQLite engine");
    let uri = format!("file:/{name}?vfs=memdb");
    let fixture = fixture(engine.connect().expect("connect"), fixture::SQLITE_DDL);
    Arena {
        db: Db::Sqlite,
        fixture,
        orm: Box::new(orm_impl::Orm::new(engine.connect().expect("connect"))),
        contestants: vec![
            (
                "sqlalgebra",
                Box::new(sqlalgebra_impl::Algebra::new(
                    engine.connect().expect("connect"),
                )),
            ),
            ("raw", Box::new(sqlite_raw::RawSqlite::open(&uri))),
            ("diesel", Box::new(diesel_impl::DieselSqlite::open(&uri))),
        ],
        writers: vec![
            (
                "orm",
                Box::new(writes::OrmWriter::new(engine.connect().expect("connect"))),
            ),
            ("raw", Box::new(writes::RawSqliteWriter::open(&uri))),
            ("diesel", Box::new(writes::DieselSqliteWriter::open(&uri))),
        ],
    }
}

/// PostgreSQL: the `sqlalgebra_peers` database.
pub fn postgres_arena(url: &str) -> Arena {
    let engine = sqlalgebra_postgres::Postgres::connect_with(
        url,
        &sqlalgebra::PoolOptions::default().size(1).overflow(3),
    )
    .expect("PostgreSQL engine");
    let fixture = fixture(engine.connect().expect("connect"), fixture::POSTGRES_DDL);
    Arena {
        db: Db::Postgres,
        fixture,
        orm: Box::new(orm_impl::Orm::new(engine.connect().expect("connect"))),
        contestants: vec![
            (
                "sqlalgebra",
                Box::new(sqlalgebra_impl::Algebra::new(
                    engine.connect().expect("connect"),
                )),
            ),
            ("raw", Box::new(pg_raw::RawPostgres::connect(url))),
            ("diesel", Box::new(diesel_impl::DieselPg::open(url))),
        ],
        writers: vec![
            (
                "orm",
                Box::new(writes::OrmWriter::new(engine.connect().expect("connect"))),
            ),
            ("raw", Box::new(writes::RawPgWriter::connect(url))),
            ("diesel", Box::new(writes::DieselPgWriter::open(url))),
        ],
    }
}

/// MySQL / MariaDB: the `sqlalgebra_peers` database.
pub fn mysql_arena(url: &str) -> Arena {
    let engine = sqlalgebra_mysql::Mysql::connect_with(
        url,
        &sqlalgebra::PoolOptions::default().size(1).overflow(3),
    )
    .expect("MySQL engine");
    let fixture = fixture(engine.connect().expect("connect"), fixture::MYSQL_DDL);
    Arena {
        db: Db::Mysql,
        fixture,
        orm: Box::new(orm_impl::Orm::new(engine.connect().expect("connect"))),
        contestants: vec![
            (
                "sqlalgebra",
                Box::new(sqlalgebra_impl::Algebra::new(
                    engine.connect().expect("connect"),
                )),
            ),
            ("raw", Box::new(mysql_raw::RawMysql::connect(url))),
            ("diesel", Box::new(diesel_impl::DieselMysql::open(url))),
        ],
        writers: vec![
            (
                "orm",
                Box::new(writes::OrmWriter::new(engine.connect().expect("connect"))),
            ),
            ("raw", Box::new(writes::RawMysqlWriter::connect(url))),
            ("diesel", Box::new(writes::DieselMysqlWriter::open(url))),
        ],
    }
}
