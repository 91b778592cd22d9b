//! A constant GROUP BY or ORDER BY term is never read as a column position.
//!
//! Measured on the servers (and the bundled SQLite 3.54): SQLite and MySQL
//! read an integer literal term as a position, SQLite also `1 IS NULL`,
//! `'x' IS NULL` and `(1 IS NULL)` (it folds a literal's NULL test into an
//! integer while parsing: `ORDER BY 2 IS NOT NULL` silently sorts by the
//! first column), MariaDB also a bound integer (`ORDER BY ?` with 1 sorts
//! by the first column), and PostgreSQL refuses a boolean constant
//! (`ORDER BY TRUE`: "non-integer constant in ORDER BY"). A boolean
//! literal in a term is therefore written `(1 = 1)` / `(1 = 0)`, and a
//! bound value standing alone as an ORDER BY term `COALESCE(?)` on MySQL.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate

mod common;

use common::on_all_backends;
use common::schema::{Users, add_user, users};
use sqlalgebra::expr::{BoolLiteral, OrderBy};
use sqlalgebra::prelude::*;
use sqlalgebra::render::Dialect;
use sqlalgebra::value::ValueRef as V;
use sqlalgebra::{Backend, Engine, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

#[track_caller]
fn assert_sql<S: Statement>(stmt: &S, sql: [&str; 3], binds: &[V<'_>]) {
    let dialects: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];
    for (dialect, expected) in dialects.into_iter().zip(sql) {
        let r = stmt.to_sql(dialect).unwrap();
        assert_eq!(r.sql, expected, "SQL for {}", dialect.name());
        assert_eq!(&r.binds[..], binds, "binds for {}", dialect.name());
    }
}

#[test]
fn constant_sort_terms_render_as_no_position() {
    assert_sql(
        &select(users::Id).order_by((BoolLiteral(true).is_null(), bind::<BigInt, _>(1_i64))),
        [
            r#"SELECT "users"."id" FROM "users" ORDER BY (1 = 1) IS NULL, ?"#,
            r#"SELECT "users"."id" FROM "users" ORDER BY (1 = 1) IS NULL, $1"#,
            "SELECT `users`.`id` FROM `users` ORDER BY (1 = 1) IS NULL, COALESCE(?)",
        ],
        &[V::Int(1)],
    );
    assert_sql(
        &select(count_star())
            .from(Users)
            .group_by(BoolLiteral(false)),
        [
            r#"SELECT COUNT(*) FROM "users" GROUP BY (1 = 0)"#,
            r#"SELECT COUNT(*) FROM "users" GROUP BY (1 = 0)"#,
            "SELECT COUNT(*) FROM `users` GROUP BY (1 = 0)",
        ],
        &[],
    );
    // Elsewhere a boolean literal keeps the dialect's form.
    assert_sql(
        &select(users::Id).filter(BoolLiteral(true)),
        [
            r#"SELECT "users"."id" FROM "users" WHERE 1"#,
            r#"SELECT "users"."id" FROM "users" WHERE TRUE"#,
            "SELECT `users`.`id` FROM `users` WHERE TRUE",
        ],
        &[],
    );
}

/// Three users whose key order (carol, alice, bob) is not their name order.
fn three_users<B: Backend>(engine: &Engine<B>) -> Result<sqlalgebra::Pooled<B>> {
    let mut conn = common::setup(engine)?;
    for name in ["carol", "alice", "bob"] {
        add_user(&mut *conn, name, None)?;
    }
    Ok(conn)
}

/// The names, selected after the key, in the order `order` gives.
fn names_by<B: Backend, O: OrderBy>(
    conn: &mut sqlalgebra::Pooled<B>,
    order: O,
) -> Result<Vec<String>> {
    let rows: Vec<(i64, String)> = select((users::Id, users::Name))
        .order_by(order)
        .load(&mut **conn)?;
    Ok(rows.into_iter().map(|(_, name)| name).collect())
}

fn constant_order_terms_sort_nothing<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = three_users(engine)?;
    let by_name = ["alice", "bob", "carol"];
    // Before: SQLite and MySQL sorted by the first column (the key), or
    // refused the term; PostgreSQL refused `TRUE`.
    assert_eq!(
        names_by(&mut conn, (BoolLiteral(true), users::Name))?,
        by_name
    );
    assert_eq!(
        names_by(&mut conn, (BoolLiteral(false).desc(), users::Name))?,
        by_name
    );
    assert_eq!(
        names_by(&mut conn, (BoolLiteral(true).is_null(), users::Name))?,
        by_name
    );
    assert_eq!(
        names_by(
            &mut conn,
            (BoolLiteral(true).is_not_null().desc(), users::Name)
        )?,
        by_name
    );
    // Before: MariaDB sorted by column 1.
    assert_eq!(
        names_by(&mut conn, (bind::<BigInt, _>(1_i64).desc(), users::Name))?,
        by_name
    );
    // A constant alone leaves the order to the database: all three rows.
    assert_eq!(names_by(&mut conn, BoolLiteral(false))?.len(), 3);
    Ok(())
}

fn constant_group_term_is_one_group<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = three_users(engine)?;
    // Before: SQLite and MySQL read `GROUP BY 1` / `TRUE` as the position
    // of COUNT(*) and refused it; PostgreSQL refused `TRUE`.
    let counts: Vec<i64> = select(count_star())
        .from(Users)
        .group_by(BoolLiteral(true))
        .load(&mut *conn)?;
    assert_eq!(counts, [3]);
    Ok(())
}

on_all_backends!(
    constant_order_terms_sort_nothing,
    constant_group_term_is_one_group
);
