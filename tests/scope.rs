//! Table scope at run time (issue 17, items 1 and 2): SELECTs whose FROM is
//! inferred and whose tables nothing connects are `ErrorKind::CartesianProduct`
//! before anything is sent; `.cross_join(..)` asks for one and returns
//! every pair of rows; a SELECT with an explicit FROM is strict about the
//! columns the types cannot check (aliases). The compile-time half is in
//! `tests/compile-fail/ui/scope_*.rs`.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate

mod common;

use common::on_all_backends;
use common::schema::{Posts, Users, add_post, add_user, posts, users};
use sqlalgebra::prelude::*;
use sqlalgebra::query::alias;
use sqlalgebra::render::{Dialect, SqlCache, SqlId};
use sqlalgebra::value::ValueRef;
use sqlalgebra::{Backend, Engine, Error, ErrorKind, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

fn sql3<S: Statement>(s: &S) -> [String; 3] {
    let d: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];
    d.map(|d| s.to_sql(d).expect("renders").sql)
}

/// The error rendering `s` gives in each dialect.
fn err3<S: Statement>(s: &S) -> [Error; 3] {
    let d: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];
    d.map(|d| s.to_sql(d).expect_err("refused"))
}

fn cartesian(e: &Error) -> Vec<String> {
    match e.kind() {
        ErrorKind::CartesianProduct { tables } => tables.clone(),
        other => panic!("expected CartesianProduct, got {other:?}"),
    }
}

#[test]
fn cross_join_renders_per_dialect() {
    let q = select((users::Name, posts::Title)).cross_join(Posts);
    assert_eq!(
        sql3(&q),
        [
            r#"SELECT "users"."name", "posts"."title" FROM "users" CROSS JOIN "posts""#,
            r#"SELECT "users"."name", "posts"."title" FROM "users" CROSS JOIN "posts""#,
            "SELECT `users`.`name`, `posts`.`title` FROM `users` CROSS JOIN `posts`",
        ]
    );
    let q = select((users::Name, posts::Title))
        .from(Users)
        .cross_join(Posts)
        .filter(posts::Score.gt(1));
    assert_eq!(
        sql3(&q),
        [
            r#"SELECT "users"."name", "posts"."title" FROM "users" CROSS JOIN "posts" WHERE "posts"."score" > ?"#,
            r#"SELECT "users"."name", "posts"."title" FROM "users" CROSS JOIN "posts" WHERE "posts"."score" > $1"#,
            "SELECT `users`.`name`, `posts`.`title` FROM `users` CROSS JOIN `posts` WHERE `posts`.`score` > ?",
        ]
    );
}

#[test]
fn unconnected_tables_are_refused_in_every_dialect() {
    // No condition at all.
    for e in err3(&select((users::Name, posts::Title))) {
        assert_eq!(cartesian(&e), ["users", "posts"]);
        assert!(e.to_string().contains("cross_join"), "{e}");
    }
    // One condition per table links nothing, under AND as under OR.
    let q = select((users::Name, posts::Title)).filter(users::Name.eq("a").and(posts::Score.gt(1)));
    for e in err3(&q) {
        assert_eq!(cartesian(&e), ["users", "posts"]);
    }
    let q = select((users::Name, posts::Title)).filter(users::Name.eq("a").or(posts::Score.gt(1)));
    for e in err3(&q) {
        assert_eq!(cartesian(&e), ["users", "posts"]);
    }
    // A join connects its own table, not a third one.
    let a = alias(Users, "a");
    let q = select((users::Name, posts::Title, a.col(users::Name)))
        .join(Posts, posts::UserId.eq(users::Id));
    for e in err3(&q) {
        assert_eq!(cartesian(&e), ["users", "a"]);
    }
}

#[test]
fn connected_tables_render() {
    // A WHERE predicate that uses both tables, alone or inside AND, OR, NOT.
    let q = select((users::Name, posts::Title)).filter(posts::UserId.eq(users::Id));
    assert_eq!(
        sql3(&q)[0],
        r#"SELECT "users"."name", "posts"."title" FROM "users", "posts" WHERE "posts"."user_id" = "users"."id""#
    );
    let q = select((users::Name, posts::Title)).filter(
        users::Name
            .eq("a")
            .and(not(posts::UserId.ne(users::Id)).or(posts::Score.gt(1))),
    );
    assert!(q.to_sql(&Sqlite).is_ok());
    // Any predicate over both, not only equality.
    let q = select((users::Name, posts::Title)).filter(posts::UserId.add(users::Id).gt(3));
    assert!(q.to_sql(&Postgres).is_ok());
    // A join, and a table correlated to the enclosing query (not in the
    // subquery's FROM, so not part of its cartesian product).
    let q = select((users::Name, posts::Title)).join(Posts, posts::UserId.eq(users::Id));
    assert!(q.to_sql(&Mysql).is_ok());
    let q = select(users::Name).filter(exists(
        select(posts::Id).filter(posts::UserId.eq(users::Id)),
    ));
    assert_eq!(
        sql3(&q)[1],
        r#"SELECT "users"."name" FROM "users" WHERE EXISTS (SELECT "posts"."id" FROM "posts" WHERE "posts"."user_id" = "users"."id")"#
    );
    // A subquery of its own, uncorrelated, with two unconnected tables.
    let q = select(users::Name).filter(exists(select((posts::Id, users::Id))));
    let inner = select((posts::Id, users::Id));
    assert_eq!(
        cartesian(&inner.to_sql(&Sqlite).unwrap_err()),
        ["posts", "users"]
    );
    assert!(
        q.to_sql(&Sqlite).is_ok(),
        "correlated: `users` is the outer table"
    );
}

#[test]
fn explicit_from_is_strict_for_alias_columns() {
    // An alias column outside FROM: refused, not added to FROM.
    let a = alias(Users, "a");
    let q = select(users::Name)
        .from(Users)
        .filter(a.col(users::Id).gt(1));
    for e in err3(&q) {
        assert!(
            matches!(e.kind(), ErrorKind::TableNotInStatement { table, column } if table == "a" && column == "id"),
            "{e:?}"
        );
    }
    // A typed column rendered without running (`to_sql` has no scope
    // bound): the same refusal.
    let q = select((posts::Title, users::Name)).from(Posts);
    for e in err3(&q) {
        assert!(
            matches!(e.kind(), ErrorKind::TableNotInStatement { table, column } if table == "users" && column == "name"),
            "{e:?}"
        );
    }
    // The same column from the enclosing query is correlation.
    let q = select(a.col(users::Name)).from(a).filter(exists(
        select(posts::Id)
            .from(Posts)
            .filter(posts::UserId.eq(a.col(users::Id))),
    ));
    assert_eq!(
        sql3(&q)[0],
        r#"SELECT "a"."name" FROM "users" AS "a" WHERE EXISTS (SELECT "posts"."id" FROM "posts" WHERE "posts"."user_id" = "a"."id")"#
    );
}

/// A connection that counts the statements it is asked to run.
struct Counted<C: Connection + 'static> {
    inner: C,
    runs: usize,
}

impl<C: Connection + 'static> Connection for Counted<C> {
    type Row<'r>
        = C::Row<'r>
    where
        Self: 'r;
    type Backend = C::Backend;
    fn dialect(&self) -> &'static dyn Dialect {
        self.inner.dialect()
    }
    fn execute_sql(&mut self, sql: &str, binds: &[ValueRef<'_>]) -> Result<u64> {
        self.runs += 1;
        self.inner.execute_sql(sql, binds)
    }
    fn query_sql<F>(&mut self, sql: &str, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
    {
        self.runs += 1;
        self.inner.query_sql(sql, binds, each)
    }
    fn execute_cached(&mut self, id: SqlId, binds: &[ValueRef<'_>]) -> Result<u64> {
        self.runs += 1;
        self.inner.execute_cached(id, binds)
    }
    fn query_cached<F>(&mut self, id: SqlId, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
    {
        self.runs += 1;
        self.inner.query_cached(id, binds, each)
    }
    fn batch_execute(&mut self, sql: &str) -> Result<()> {
        self.runs += 1;
        self.inner.batch_execute(sql)
    }
    fn transaction_depth(&mut self) -> &mut u32 {
        self.inner.transaction_depth()
    }
    fn last_insert_id(&mut self) -> Result<Option<i64>> {
        self.inner.last_insert_id()
    }
    fn sql_cache(&mut self) -> Option<&mut SqlCache> {
        self.inner.sql_cache()
    }
}

/// Two users, three posts (two by alice).
fn seed(conn: &mut impl Connection) -> Result<()> {
    let alice = add_user(conn, "alice", None)?;
    let bob = add_user(conn, "bob", None)?;
    add_post(conn, alice, "a1", 1)?;
    add_post(conn, alice, "a2", 2)?;
    add_post(conn, bob, "b1", 3)?;
    Ok(())
}

fn cartesian_product_is_refused_before_sending<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = Counted {
        inner: common::setup(engine)?,
        runs: 0,
    };
    seed(&mut c.inner)?;
    // Twice: the second run would find a cached text if the first had
    // cached one.
    for _ in 0..2 {
        let e = common::expect_err(
            select((users::Name, posts::Title))
                .filter(users::Name.eq("alice"))
                .load::<(String, String), _>(&mut c),
        );
        assert_eq!(cartesian(&e), ["users", "posts"]);
        let e = common::expect_err(
            select(count_star())
                .filter(users::Id.gt(0).and(posts::Id.gt(0)))
                .get::<i64, _>(&mut c),
        );
        assert_eq!(cartesian(&e), ["users", "posts"]);
    }
    assert_eq!(c.runs, 0, "nothing was sent");
    // Connected, the same query runs (and is counted).
    let rows: Vec<(String, String)> = select((users::Name, posts::Title))
        .filter(users::Name.eq("alice").and(posts::UserId.eq(users::Id)))
        .order_by(posts::Title)
        .load(&mut c)?;
    assert_eq!(
        rows,
        [("alice".into(), "a1".into()), ("alice".into(), "a2".into())]
    );
    assert_eq!(c.runs, 1);
    Ok(())
}

fn cross_join_returns_every_pair<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = common::setup(engine)?;
    seed(&mut *conn)?;
    for _ in 0..2 {
        let rows: Vec<(String, String)> = select((users::Name, posts::Title))
            .cross_join(Posts)
            .order_by((users::Name, posts::Title))
            .load(&mut *conn)?;
        let expected: Vec<(String, String)> = ["alice", "bob"]
            .iter()
            .flat_map(|u| ["a1", "a2", "b1"].map(|p| (u.to_string(), p.to_string())))
            .collect();
        assert_eq!(rows, expected);
        let n: i64 = select(count_star())
            .from(Users)
            .cross_join(Posts)
            .filter(posts::Score.ge(2))
            .get(&mut *conn)?;
        assert_eq!(n, 4);
    }
    Ok(())
}

on_all_backends!(
    cartesian_product_is_refused_before_sending,
    cross_join_returns_every_pair
);
