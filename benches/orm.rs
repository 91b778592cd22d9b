//! Loading 10 000 rows into an ORM session, against raw rusqlite mapping
//! the same rows into a `Vec` of the same struct, in the same run.
//!
//! `cargo bench --bench orm`. Besides criterion's two measurements, it
//! prints the ratio of the two measured interleaved (raw, ORM, raw, ORM,
//! ...), which a busy machine skews less than two runs seconds apart;
//! that ratio is what BENCHMARKS.md reports (target: within 1.5x of raw).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use sqlalgebra::prelude::*;
use sqlalgebra_sqlite::Sqlite;

const ROWS: usize = 10_000;

mod common;

use common::{Email, Karma, Name, User, Users};

fn load(c: &mut Criterion) {
    let engine = Sqlite::memory().expect("in-memory SQLite");
    let mut conn = engine.connect().expect("a connection");
    create_all::<Users>(&mut *conn).expect("create the table");
    let rows: Vec<_> = (0..ROWS as i64)
        .map(|i| {
            (
                Name.set(format!("user number {i}")),
                Email.set((i % 3 != 0).then(|| format!("user{i}@example.com"))),
                Karma.set(i * 7),
            )
        })
        .collect();
    for chunk in rows.chunks(1000) {
        insert_into(Users)
            .values(chunk)
            .execute(&mut *conn)
            .expect("insert rows");
    }

    let mut group = c.benchmark_group("load_10k_rows");
    group.bench_function("raw_rusqlite_vec", |b| b.iter(|| black_box(raw(&conn))));
    group.bench_function("orm_session_query", |b| b.iter(|| orm(&mut conn)));
    group.finish();

    let (mut raw_times, mut orm_times) = (Vec::new(), Vec::new());
    for _ in 0..200 {
        let t = Instant::now();
        black_box(raw(&conn));
        raw_times.push(t.elapsed());
        let t = Instant::now();
        orm(&mut conn);
        orm_times.push(t.elapsed());
    }
    raw_times.sort();
    orm_times.sort();
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!(
        "load_10k_rows interleaved x200: raw median {:?}, orm median {:?}; orm/raw median {:.2}, best {:.2}",
        raw_times[100],
        orm_times[100],
        ratio(orm_times[100], raw_times[100]),
        ratio(orm_times[0], raw_times[0]),
    );
}

/// Raw rusqlite: a cached statement, columns by index, into a `Vec`.
fn raw(conn: &sqlalgebra_sqlite::SqliteConnection) -> Vec<User> {
    let mut stmt = conn
        .raw()
        .prepare_cached("SELECT id, name, email, karma FROM bench_users")
        .expect("prepare");
    let users: Vec<User> = stmt
        .query_map([], |r| {
            Ok(User {
                id: r.get(0)?,
                name: r.get(1)?,
                email: r.get(2)?,
                karma: r.get(3)?,
            })
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(users.len(), ROWS);
    users
}

/// The ORM: a fresh session loads every row into its identity map.
fn orm(conn: &mut sqlalgebra_sqlite::SqliteConnection) {
    let mut s = Session::new(conn);
    let users = s.query::<User>().all().expect("query");
    assert_eq!(users.len(), ROWS);
    black_box(&s[users[ROWS - 1]]);
}

criterion_group!(benches, load);
criterion_main!(benches);
