//! Rendering and execution benchmarks.
//!
//! - `render/*`: `to_sql` alone (no database) of a small SELECT (one
//!   column, one predicate), a medium SELECT (three columns, a join, three
//!   predicates, ORDER BY, LIMIT) and a three-column single-row INSERT, in
//!   the SQLite and PostgreSQL dialects. Statements are built once, outside
//!   the timed loop.
//! - `execute_medium/*`: the medium SELECT run on one in-memory SQLite
//!   connection holding 100 users with one order each, returning all 100
//!   rows: through sqlalgebra (`load` into `Vec<(i64, String, f64)>`), and
//!   through rusqlite as an expert writes it (the same SQL text,
//!   `prepare_cached`, values mapped by column index).
//!
//! Run: `cargo bench --bench render -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sqlalgebra::prelude::*;
use sqlalgebra::render::Dialect;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::{Sqlite, SqliteConnection};

#[derive(Clone, Copy, Debug, Default)]
struct Users;
impl Table for Users {
    const NAME: &'static str = "users";
    type Columns = (users::Id, users::Name, users::Age, users::Email);
    type PrimaryKey = users::Id;
}

mod users {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Name;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Age;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Email;
    impl Column for Id {
        type Table = super::Users;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for Name {
        type Table = super::Users;
        type SqlType = Text;
        const NAME: &'static str = "name";
    }
    impl Column for Age {
        type Table = super::Users;
        type SqlType = Integer;
        const NAME: &'static str = "age";
    }
    impl Column for Email {
        type Table = super::Users;
        type SqlType = Nullable<Text>;
        const NAME: &'static str = "email";
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Orders;
impl Table for Orders {
    const NAME: &'static str = "orders";
    type Columns = (orders::Id, orders::UserId, orders::Amount);
    type PrimaryKey = orders::Id;
}

mod orders {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct UserId;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Amount;
    impl Column for Id {
        type Table = super::Orders;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for UserId {
        type Table = super::Orders;
        type SqlType = BigInt;
        const NAME: &'static str = "user_id";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::users::Id>());
    }
    impl Column for Amount {
        type Table = super::Orders;
        type SqlType = Double;
        const NAME: &'static str = "amount";
    }
}

/// The medium query's SQL as an expert writes it for rusqlite: the same
/// text sqlalgebra renders (checked before timing), so both run the same
/// prepared statement.
const MEDIUM_SQL: &str = r#"SELECT "users"."id", "users"."name", "orders"."amount" FROM "users" INNER JOIN "orders" ON "orders"."user_id" = "users"."id" WHERE "users"."age" >= ? AND "orders"."amount" > ? AND "users"."name" LIKE ? ORDER BY "orders"."amount" DESC LIMIT ?"#;

const ROWS: usize = 100;

fn render(c: &mut Criterion) {
    let small = select(users::Name).filter(users::Id.eq(42));
    let medium = select((users::Id, users::Name, orders::Amount))
        .join(Orders, orders::UserId.eq(users::Id))
        .filter(users::Age.ge(18))
        .filter(orders::Amount.gt(10.0))
        .filter(users::Name.like("user%"))
        .order_by(orders::Amount.desc())
        .limit(ROWS as u64);
    let insert = insert_into(Users).values((
        users::Name.set("alice"),
        users::Age.set(30),
        users::Email.set("alice@example.com"),
    ));

    let dialects: [(&str, &dyn Dialect); 2] = [("sqlite", &Sqlite), ("postgres", &Postgres)];
    let mut g = c.benchmark_group("render");
    for (name, d) in dialects {
        g.bench_function(format!("small_select/{name}"), |b| {
            b.iter(|| black_box(black_box(&small).to_sql(d)))
        });
        g.bench_function(format!("medium_select/{name}"), |b| {
            b.iter(|| black_box(black_box(&medium).to_sql(d)))
        });
        g.bench_function(format!("insert_3_columns/{name}"), |b| {
            b.iter(|| black_box(black_box(&insert).to_sql(d)))
        });
    }
    g.finish();
}

/// An in-memory database with `ROWS` users, one order each, all matching
/// the medium query.
fn database() -> SqliteConnection {
    let raw = rusqlite::Connection::open_in_memory().expect("in-memory SQLite");
    let mut conn = SqliteConnection::new(raw);
    create_all::<(Users, Orders)>(&mut conn).expect("tables");
    let people: Vec<_> = (0..ROWS)
        .map(|i| {
            (
                users::Name.set(format!("user{i:03}")),
                users::Age.set(18 + (i % 60) as i32),
                users::Email.set(Some(format!("user{i}@example.com"))),
            )
        })
        .collect();
    insert_into(Users)
        .values(people)
        .execute(&mut conn)
        .expect("users");
    let bought: Vec<_> = (0..ROWS)
        .map(|i| {
            (
                orders::UserId.set(i as i64 + 1),
                orders::Amount.set(10.5 + i as f64 * 1.25),
            )
        })
        .collect();
    insert_into(Orders)
        .values(bought)
        .execute(&mut conn)
        .expect("orders");
    conn
}

fn raw_medium(raw: &rusqlite::Connection) -> Vec<(i64, String, f64)> {
    let mut stmt = raw.prepare_cached(MEDIUM_SQL).expect("prepare");
    stmt.query_map((18i32, 10.0f64, "user%", ROWS as i64), |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
    })
    .expect("query")
    .collect::<rusqlite::Result<_>>()
    .expect("rows")
}

fn execute(c: &mut Criterion) {
    let mut conn = database();
    let medium = select((users::Id, users::Name, orders::Amount))
        .join(Orders, orders::UserId.eq(users::Id))
        .filter(users::Age.ge(18))
        .filter(orders::Amount.gt(10.0))
        .filter(users::Name.like("user%"))
        .order_by(orders::Amount.desc())
        .limit(ROWS as u64);

    // Both sides run the same SQL and get the same 100 rows.
    assert_eq!(medium.to_sql(&Sqlite).expect("renders").sql, MEDIUM_SQL);
    let ours: Vec<(i64, String, f64)> = medium.load(&mut conn).expect("load");
    let theirs = raw_medium(conn.raw());
    assert_eq!(ours.len(), ROWS);
    assert_eq!(ours, theirs);

    let mut g = c.benchmark_group("execute_medium");
    g.bench_function("sqlalgebra_load", |b| {
        b.iter(|| {
            let rows: Vec<(i64, String, f64)> = black_box(&medium).load(&mut conn).expect("load");
            black_box(rows)
        })
    });
    g.bench_function("raw_rusqlite", |b| {
        b.iter(|| black_box(raw_medium(black_box(conn.raw()))))
    });
    g.finish();
}

criterion_group!(benches, render, execute);
criterion_main!(benches);
