//! The grouping cases issue 16 left, checked on the three backends, and
//! MariaDB's bound blobs:
//!
//! - a grouped expression with bound values inside HAVING, selected or
//!   not, without a label: MariaDB resolves HAVING's columns against the
//!   SELECT list only ("Unknown column 'age' in HAVING"); MySQL now writes
//!   it `MIN(expr)`, the same value within a group (`render/grouped_min.rs`);
//! - `desc().nulls_first()` on a grouped expression in ORDER BY: MySQL's
//!   emulation `x IS NULL DESC, x DESC` repeats the expression, which is
//!   written `MIN(x) IS NULL DESC, 1 DESC` there;
//! - a bound value standing alone as a GROUP BY term: MariaDB read `GROUP
//!   BY ?` bound to 2 as the second column's position; it is `COALESCE(?)`
//!   on MySQL, as in ORDER BY;
//! - a bound blob selected on its own or as a CASE branch: MariaDB typed it
//!   as text in the connection's character set and returned `X'013f'` for
//!   `X'01ff'`; it is `CAST(? AS BINARY)` on MySQL.

mod common;
mod grouping_common;

use common::on_all_backends;
use grouping_common::{People, people, people_table};
use sqlalgebra::prelude::*;
use sqlalgebra::query::Value;
use sqlalgebra::render::Dialect;
use sqlalgebra::types::Any;
use sqlalgebra::{Backend, Engine, ErrorKind, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

fn bucket() -> impl Expression<SqlType = Text> + Copy {
    case_when(people::Age.lt(30), "young").otherwise("old")
}

/// Ages under 30 as a bound NULL, the others as they are.
fn nulled() -> impl Expression<SqlType = Nullable<BigInt>> + Copy {
    case_when(people::Age.lt(30), bind::<Nullable<BigInt>, _>(None::<i64>)).otherwise(people::Age)
}

#[track_caller]
fn sql_of<S: Statement>(stmt: &S, d: &dyn Dialect) -> String {
    stmt.to_sql(d).expect("renders").sql
}

const CASE_MY: &str = "CASE WHEN `gb_people`.`age` < ? THEN ? ELSE ? END";

#[test]
fn mysql_writes_a_grouped_expression_inside_having_as_its_minimum() {
    let e = bucket();
    let q = select((e, count_star()))
        .group_by(e)
        .having(e.ne("old").and(count_star().gt(1)));
    assert_eq!(
        sql_of(&q, &Mysql),
        format!(
            "SELECT {CASE_MY}, COUNT(*) FROM `gb_people` GROUP BY 1 HAVING MIN({CASE_MY}) <> ? AND COUNT(*) > ?"
        )
    );
    // SQLite binds it again, PostgreSQL reuses the placeholders: unchanged.
    assert!(!sql_of(&q, &Sqlite).contains("MIN("));
    assert!(!sql_of(&q, &Postgres).contains("MIN("));
    // Other values are another expression, not grouped: refused before
    // anything is sent, not aggregated.
    let other = case_when(people::Age.lt(31), "young").otherwise("old");
    let q = select((e, count_star()))
        .group_by(e)
        .having(other.ne("old"));
    let refused = q.to_sql(&Mysql).expect_err("not grouped");
    assert!(
        matches!(refused.kind(), ErrorKind::Ungrouped { .. }),
        "{refused:?}"
    );
}

#[test]
fn mysql_writes_the_null_test_of_a_grouped_expression_as_its_minimum() {
    let e = nulled();
    let q = select((e, count_star()))
        .group_by(e)
        .order_by(e.desc().nulls_first());
    let case = "CASE WHEN `gb_people`.`age` < ? THEN ? ELSE `gb_people`.`age` END";
    assert_eq!(
        sql_of(&q, &Mysql),
        format!(
            "SELECT {case}, COUNT(*) FROM `gb_people` GROUP BY 1 ORDER BY MIN({case}) IS NULL DESC, 1 DESC"
        )
    );
}

#[test]
fn mysql_writes_a_lone_bound_group_term_as_no_position() {
    let q = select(count_star())
        .from(People)
        .group_by(bind::<BigInt, _>(2_i64));
    assert_eq!(
        sql_of(&q, &Mysql),
        "SELECT COUNT(*) FROM `gb_people` GROUP BY COALESCE(?)"
    );
    let boxed = select(count_star())
        .from(People)
        .group_by(bind::<BigInt, _>(2_i64).boxed());
    assert_eq!(
        sql_of(&boxed, &Mysql),
        "SELECT COUNT(*) FROM `gb_people` GROUP BY COALESCE(?)"
    );
    assert_eq!(
        sql_of(&q, &Postgres),
        r#"SELECT COUNT(*) FROM "gb_people" GROUP BY $1"#
    );
}

#[test]
fn mysql_casts_a_bound_blob_except_where_it_is_stored() {
    let q = select(bind::<Blob, _>(vec![1_u8, 0xff]));
    assert_eq!(sql_of(&q, &Mysql), "SELECT CAST(? AS BINARY)");
    assert_eq!(sql_of(&q, &Postgres), "SELECT $1");
    assert_eq!(sql_of(&q, &Sqlite), "SELECT ?");
    let any = select(bind::<Any, _>(vec![1_u8, 0xff]));
    assert_eq!(sql_of(&any, &Mysql), "SELECT CAST(? AS BINARY)");
    // Stored as it is.
    let q = update(People)
        .set(people::Name.set("x"))
        .filter(bind::<Blob, _>(vec![1_u8]).is_not_null());
    assert!(sql_of(&q, &Mysql).contains("CAST(? AS BINARY) IS NOT NULL"));
}

// ---------------------------------------------------------------------------
// On the three backends.

/// HAVING over a grouped expression with bound values: selected and not,
/// nested in AND and in a comparison.
fn having_reads_an_unlabelled_grouped_expression<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = people_table(engine)?;
    let e = bucket();
    for _ in 0..2 {
        let rows: Vec<(String, i64)> = select((e, count_star()))
            .group_by(e)
            .having(e.ne("old").and(count_star().gt(1)))
            .load(&mut conn)?;
        assert_eq!(rows, [("young".to_owned(), 3)]);
    }
    // Not selected (MariaDB refused it even written the same way).
    let rows: Vec<(String, i64)> = select((people::Dept, count_star()))
        .group_by((people::Dept, e))
        .having(e.ne("old"))
        .order_by(people::Dept)
        .load(&mut conn)?;
    assert_eq!(rows, [("eng".to_owned(), 2), ("ops".to_owned(), 1)]);
    // Ordered by, not selected.
    let rows: Vec<Option<i64>> = select(max(people::Age))
        .group_by(e)
        .order_by(e.desc())
        .load(&mut conn)?;
    assert_eq!(rows, [Some(25), Some(40)]);
    Ok(())
}

fn nulls_first_orders_a_grouped_expression<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = people_table(engine)?;
    let e = nulled();
    let rows: Vec<(Option<i64>, i64)> = select((e, count_star()))
        .group_by(e)
        .order_by(e.desc().nulls_first())
        .load(&mut conn)?;
    assert_eq!(rows, [(None, 3), (Some(40), 2)]);
    let rows: Vec<(Option<i64>, i64)> = select((e, count_star()))
        .group_by(e)
        .order_by(e.asc().nulls_last())
        .load(&mut conn)?;
    assert_eq!(rows, [(Some(40), 2), (None, 3)]);
    // Labelled.
    let l = e.label("n");
    let rows: Vec<(Option<i64>, i64)> = select((l, count_star()))
        .group_by(l)
        .order_by(l.desc().nulls_first())
        .load(&mut conn)?;
    assert_eq!(rows, [(None, 3), (Some(40), 2)]);
    Ok(())
}

fn a_lone_bound_group_term_is_one_group<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = people_table(engine)?;
    // Before: MariaDB grouped by the second column (the department).
    let rows: Vec<(i64, Option<i64>)> = select((count_star(), max(people::Age)))
        .from(People)
        .group_by(bind::<BigInt, _>(2_i64))
        .load(&mut conn)?;
    assert_eq!(rows, [(5, Some(40))]);
    let rows: Vec<(i64, Option<i64>)> = select((count_star(), max(people::Age)))
        .from(People)
        .group_by(bind::<BigInt, _>(2_i64).boxed())
        .load(&mut conn)?;
    assert_eq!(rows, [(5, Some(40))]);
    Ok(())
}

fn a_bound_blob_comes_back_as_bytes<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = people_table(engine)?;
    let bytes = vec![1_u8, 0xff, 0, 0x80];
    let alone: Vec<Vec<u8>> = select(bind::<Blob, _>(bytes.clone())).load(&mut conn)?;
    assert_eq!(alone, std::slice::from_ref(&bytes));
    let branch =
        case_when(people::Age.lt(30), bind::<Blob, _>(bytes.clone()))
            .otherwise(bind::<Blob, _>(vec![0xfe_u8]));
    let rows: Vec<(i64, Vec<u8>)> = select((people::Id, branch))
        .order_by(people::Id)
        .load(&mut conn)?;
    let young = |id: i64| [1, 3, 5].contains(&id);
    let want: Vec<(i64, Vec<u8>)> = (1..=5)
        .map(|id| (id, if young(id) { bytes.clone() } else { vec![0xfe] }))
        .collect();
    assert_eq!(rows, want);
    // A value of a run-time type (`Any`, as reflected columns take),
    // loaded as it comes: bytes, not text.
    let dynamic: Vec<Value> = select(bind::<Any, _>(bytes.clone())).load(&mut conn)?;
    assert_eq!(dynamic, [Value::Blob(bytes.clone())]);
    let branch =
        case_when(people::Age.lt(30), bind::<Any, _>(bytes.clone()))
            .otherwise(bind::<Any, _>(vec![0xfe_u8]));
    let rows: Vec<Value> = select(branch).order_by(people::Id).load(&mut conn)?;
    let want: Vec<Value> = (1..=5)
        .map(|id| Value::Blob(if young(id) { bytes.clone() } else { vec![0xfe] }))
        .collect();
    assert_eq!(rows, want);
    Ok(())
}

on_all_backends!(
    having_reads_an_unlabelled_grouped_expression,
    nulls_first_orders_a_grouped_expression,
    a_lone_bound_group_term_is_one_group,
    a_bound_blob_comes_back_as_bytes,
);
