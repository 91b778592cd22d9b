//! sqlalgebra's async API side by side with the raw async drivers, sqlx,
//! SeaORM and diesel-async: the read shapes of `benches/peers` (the
//! trivial query of N rows into structs, a lookup by key) and its
//! multi-row insert, on SQLite, PostgreSQL and MySQL/MariaDB; and the peak
//! memory of streaming a large result (`src/bin/stream.rs`).
//!
//! Every contestant implements [`Contestant`] with plain `async fn`s (no
//! boxed futures), and the loop that drives it is generic, so no one pays
//! for dispatch the others do not. Before counting, every contestant runs
//! each shape once and its result is compared with the raw driver's, so a
//! contestant cannot be fast by doing less.

pub mod core_impl;
#[cfg(feature = "peers")]
pub mod diesel_impl;
pub mod fixture;
pub mod orm_impl;
pub mod raw_mysql;
pub mod raw_pg;
pub mod raw_sqlite;
pub mod schema;
#[cfg(feature = "peers")]
pub mod sea_impl;
pub mod servers;
#[cfg(feature = "peers")]
pub mod sqlx_impl;

/// A row of `users`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "peers", derive(diesel::Queryable))]
pub struct User {
    pub id: i32,
    pub name: String,
    pub hair_color: Option<String>,
}

/// A user to insert.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub hair_color: Option<String>,
}

/// `n` users to insert: `User i`, hair colour `hair_color` (as in
/// `benches/peers`).
pub fn new_users(n: usize) -> Vec<NewUser> {
    (0..n)
        .map(|i| NewUser {
            name: format!("User {i}"),
            hair_color: Some("hair_color".to_owned()),
        })
        .collect()
}

/// One way of running the shapes against one database, awaited.
#[allow(async_fn_in_trait)]
pub trait Contestant {
    /// `SELECT id, name, hair_color FROM users`, into structs.
    async fn trivial(&mut self) -> Vec<User>;
    /// `SELECT id, name, hair_color FROM users WHERE id = ?`.
    async fn lookup(&mut self, id: i32) -> Option<User>;
    /// All of `users` in one multi-row INSERT (the ORMs: their way of
    /// inserting new objects); the rows inserted.
    async fn insert(&mut self, users: &[NewUser]) -> usize;
}

/// The backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
    Mysql,
}

impl Db {
    /// From its name on the command line.
    pub fn parse(name: &str) -> Db {
        match name {
            "sqlite" => Db::Sqlite,
            "postgres" => Db::Postgres,
            "mysql" => Db::Mysql,
            other => panic!("unknown backend {other}"),
        }
    }
}

/// The SQL text of the raw contestants, per backend placeholder style.
pub struct RawSql {
    pub trivial: &'static str,
    pub lookup: &'static str,
}

/// `?` placeholders (SQLite, MySQL).
pub const QMARK_SQL: RawSql = RawSql {
    trivial: "SELECT id, name, hair_color FROM users",
    lookup: "SELECT id, name, hair_color FROM users WHERE id = ?",
};

/// `$n` placeholders (PostgreSQL).
pub const DOLLAR_SQL: RawSql = RawSql {
    trivial: "SELECT id, name, hair_color FROM users",
    lookup: "SELECT id, name, hair_color FROM users WHERE id = $1",
};

/// `INSERT INTO users (name, hair_color) VALUES (..), (..)` for `n` rows,
/// placeholders numbered (`$1`) when `numbered`, else `?`.
pub fn insert_sql(n: usize, numbered: bool) -> String {
    let mut sql = String::from("INSERT INTO users (name, hair_color) VALUES ");
    for i in 0..n {
        if i > 0 {
            sql.push_str(", ");
        }
        if numbered {
            sql.push_str(&format!("(${}, ${})", 2 * i + 1, 2 * i + 2));
        } else {
            sql.push_str("(?, ?)");
        }
    }
    sql
}

/// Peak resident memory of this process so far, in KiB (`VmHWM`).
pub fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}
