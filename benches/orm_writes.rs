//! The ORM's writes against the raw drivers written as an expert would
//! (one prepared statement, one transaction), on SQLite and PostgreSQL:
//! 10 000 new objects added and committed, 1 000 loaded objects each
//! changed and committed, 1 000 loaded objects deleted and committed.
//!
//! `cargo bench --bench orm_writes` prints the median time of each,
//! measured interleaved (raw, ORM, raw, ORM, ...). With arguments it runs
//! one contestant for a profiler, counting only the measured part
//! (`measured_*`; the loading and emptying around it are not):
//!
//! ```text
//! valgrind --tool=callgrind --toggle-collect='*measured*' \
//!     target/release/deps/orm_writes-HASH sqlite insert orm 3
//! ```
//!
//! (backend `sqlite` or `postgres`, shape `insert`, `update` or `delete`,
//! contestant `orm` or `raw`, iterations). PostgreSQL is
//! `SQLALGEBRA_PG_URL`, by default `postgres://postgres@127.0.0.1:5432/test`,
//! in a schema of its own.

use std::hint::black_box;
use std::time::{Duration, Instant};

use sqlalgebra::prelude::*;
use sqlalgebra_postgres::{PgConnection, Postgres};
use sqlalgebra_sqlite::{Sqlite, SqliteConnection};

const INSERTS: usize = 10_000;
const CHANGES: usize = 1_000;

mod common;

use common::{User, Users};

fn new_users(n: usize) -> Vec<User> {
    (0..n as i64)
        .map(|i| User {
            id: 0,
            name: format!("user number {i}"),
            email: (i % 3 != 0).then(|| format!("user{i}@example.com")),
            karma: i * 7,
        })
        .collect()
}

/// What each backend's raw driver does, as an expert writes it.
trait Raw: Connection {
    fn raw_insert(&mut self, users: &mut [User]);
    fn raw_load(&mut self) -> Vec<User>;
    fn raw_update(&mut self, users: &[User]);
    fn raw_delete(&mut self, ids: &[i64]);
}

impl Raw for SqliteConnection {
    fn raw_insert(&mut self, users: &mut [User]) {
        let tx = self.raw().unchecked_transaction().expect("BEGIN");
        {
            let mut stmt = tx
                .prepare_cached("INSERT INTO bench_users (name, email, karma) VALUES (?, ?, ?)")
                .expect("prepare");
            for u in users {
                u.id = stmt
                    .insert(rusqlite::params![u.name, u.email, u.karma])
                    .expect("insert");
            }
        }
        tx.commit().expect("COMMIT");
    }
    fn raw_load(&mut self) -> Vec<User> {
        let mut stmt = self
            .raw()
            .prepare_cached("SELECT id, name, email, karma FROM bench_users")
            .expect("prepare");
        stmt.query_map([], |r| {
            Ok(User {
                id: r.get(0)?,
                name: r.get(1)?,
                email: r.get(2)?,
                karma: r.get(3)?,
            })
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
    }
    fn raw_update(&mut self, users: &[User]) {
        let tx = self.raw().unchecked_transaction().expect("BEGIN");
        {
            let mut stmt = tx
                .prepare_cached("UPDATE bench_users SET karma = ? WHERE id = ?")
                .expect("prepare");
            for u in users {
                stmt.execute(rusqlite::params![u.karma, u.id])
                    .expect("update");
            }
        }
        tx.commit().expect("COMMIT");
    }
    fn raw_delete(&mut self, ids: &[i64]) {
        let tx = self.raw().unchecked_transaction().expect("BEGIN");
        {
            let mut stmt = tx
                .prepare_cached("DELETE FROM bench_users WHERE id = ?")
                .expect("prepare");
            for id in ids {
                stmt.execute([id]).expect("delete");
            }
        }
        tx.commit().expect("COMMIT");
    }
}

impl Raw for PgConnection {
    fn raw_insert(&mut self, users: &mut [User]) {
        let mut tx = self.raw().transaction().expect("BEGIN");
        let stmt = tx
            .prepare(
                "INSERT INTO bench_users (name, email, karma) VALUES ($1, $2, $3) RETURNING id",
            )
            .expect("prepare");
        for u in users {
            u.id = tx
                .query_one(&stmt, &[&u.name, &u.email, &u.karma])
                .expect("insert")
                .get(0);
        }
        tx.commit().expect("COMMIT");
    }
    fn raw_load(&mut self) -> Vec<User> {
        self.raw()
            .query("SELECT id, name, email, karma FROM bench_users", &[])
            .expect("query")
            .iter()
            .map(|r| User {
                id: r.get(0),
                name: r.get(1),
                email: r.get(2),
                karma: r.get(3),
            })
            .collect()
    }
    fn raw_update(&mut self, users: &[User]) {
        let mut tx = self.raw().transaction().expect("BEGIN");
        let stmt = tx
            .prepare("UPDATE bench_users SET karma = $1 WHERE id = $2")
            .expect("prepare");
        for u in users {
            tx.execute(&stmt, &[&u.karma, &u.id]).expect("update");
        }
        tx.commit().expect("COMMIT");
    }
    fn raw_delete(&mut self, ids: &[i64]) {
        let mut tx = self.raw().transaction().expect("BEGIN");
        let stmt = tx
            .prepare("DELETE FROM bench_users WHERE id = $1")
            .expect("prepare");
        for id in ids {
            tx.execute(&stmt, &[id]).expect("delete");
        }
        tx.commit().expect("COMMIT");
    }
}

#[inline(never)]
fn measured_orm_insert<C: Connection>(conn: &mut C, users: Vec<User>) {
    let mut s = Session::new(conn);
    black_box(s.add_all(users));
    s.commit().expect("commit");
}

#[inline(never)]
fn measured_orm_update<C: Connection>(s: &mut Session<'_, C>, handles: &[Handle<User>]) {
    for &h in handles {
        s[h].karma += 1;
    }
    s.commit().expect("commit");
}

#[inline(never)]
fn measured_orm_delete<C: Connection>(s: &mut Session<'_, C>, handles: &[Handle<User>]) {
    for &h in handles {
        s.delete(h);
    }
    s.commit().expect("commit");
}

#[inline(never)]
fn measured_raw_insert<C: Raw>(conn: &mut C, users: &mut [User]) {
    conn.raw_insert(users);
}

#[inline(never)]
fn measured_raw_update<C: Raw>(conn: &mut C, users: &mut [User]) {
    for u in users.iter_mut() {
        u.karma += 1;
    }
    conn.raw_update(users);
}

#[inline(never)]
fn measured_raw_delete<C: Raw>(conn: &mut C, ids: &[i64]) {
    conn.raw_delete(ids);
}

fn empty<C: Connection>(conn: &mut C) {
    delete_from(Users).execute(conn).expect("empty the table");
}

/// Empties the table and fills it with `n` rows.
fn refill<C: Raw>(conn: &mut C, n: usize) {
    empty(conn);
    conn.raw_insert(&mut new_users(n));
}

/// One iteration of `shape` by `who`; the time of its measured part.
fn once<C: Raw>(conn: &mut C, shape: &str, who: &str) -> Duration {
    match (shape, who) {
        ("insert", "orm") => {
            empty(conn);
            let users = new_users(INSERTS);
            let t = Instant::now();
            measured_orm_insert(conn, users);
            t.elapsed()
        }
        ("insert", "raw") => {
            empty(conn);
            let mut users = new_users(INSERTS);
            let t = Instant::now();
            measured_raw_insert(conn, &mut users);
            t.elapsed()
        }
        ("update" | "delete", "orm") => {
            refill(conn, CHANGES);
            let mut s = Session::new(conn);
            let handles = s.query::<User>().all().expect("load");
            s.commit().expect("commit");
            let t = Instant::now();
            if shape == "update" {
                measured_orm_update(&mut s, &handles);
            } else {
                measured_orm_delete(&mut s, &handles);
            }
            t.elapsed()
        }
        ("update", "raw") => {
            refill(conn, CHANGES);
            let mut users = conn.raw_load();
            let t = Instant::now();
            measured_raw_update(conn, &mut users);
            t.elapsed()
        }
        ("delete", "raw") => {
            refill(conn, CHANGES);
            let ids: Vec<i64> = conn.raw_load().iter().map(|u| u.id).collect();
            let t = Instant::now();
            measured_raw_delete(conn, &ids);
            t.elapsed()
        }
        other => panic!("unknown shape and contestant {other:?}"),
    }
}

fn compare<C: Raw>(backend: &str, conn: &mut C, rounds: usize) {
    for shape in ["insert", "update", "delete"] {
        let (mut raw, mut orm) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            raw.push(once(conn, shape, "raw"));
            orm.push(once(conn, shape, "orm"));
        }
        raw.sort();
        orm.sort();
        let (r, o) = (raw[rounds / 2], orm[rounds / 2]);
        println!(
            "{backend} {shape}: raw median {r:?}, orm median {o:?}, orm/raw {:.2}",
            o.as_secs_f64() / r.as_secs_f64()
        );
    }
}

fn sqlite() -> sqlalgebra::engine::Pooled<Sqlite> {
    let engine = Sqlite::memory().expect("in-memory SQLite");
    let mut conn = engine.connect().expect("a connection");
    create_all::<Users>(&mut *conn).expect("create the table");
    conn
}

fn postgres() -> Option<sqlalgebra::engine::Pooled<Postgres>> {
    let url = std::env::var("SQLALGEBRA_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let engine = Postgres::connect(&url).ok()?;
    let mut conn = engine.connect().ok()?;
    conn.batch_execute(
        "DROP SCHEMA IF EXISTS sqlalgebra_bench_orm_writes CASCADE; \
         CREATE SCHEMA sqlalgebra_bench_orm_writes; \
         SET search_path TO sqlalgebra_bench_orm_writes",
    )
    .ok()?;
    create_all::<Users>(&mut *conn).expect("create the table");
    Some(conn)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if let [backend, shape, who, iterations] = args.as_slice() {
        let n: usize = iterations.parse().expect("iterations");
        match backend.as_str() {
            "sqlite" => {
                let mut conn = sqlite();
                (0..n).for_each(|_| {
                    let _ = once(&mut *conn, shape, who);
                });
            }
            "postgres" => {
                let mut conn = postgres().expect("PostgreSQL");
                (0..n).for_each(|_| {
                    let _ = once(&mut *conn, shape, who);
                });
            }
            other => panic!("unknown backend {other}"),
        }
        return;
    }
    compare("sqlite", &mut *sqlite(), 11);
    match postgres() {
        Some(mut conn) => compare("postgres", &mut *conn, 5),
        None => println!("postgres: server unreachable, skipped"),
    }
}
