//! A grouped expression with bound values repeated where the server must
//! see one expression (issue 16, item 3, as the oracle's
//! `repeated_bind_exprs` found it): an item that repeats an earlier item,
//! a grouped expression inside HAVING, a bound NULL, DISTINCT with ORDER
//! BY. PostgreSQL gets the first occurrence's placeholders again
//! (`render/unify.rs`), SQLite and MySQL the items' positions; the rows on
//! the three backends.

mod common;
mod grouping_common;

use common::on_all_backends;
use grouping_common::{people, people_table};
use sqlalgebra::prelude::*;
use sqlalgebra::render::Dialect;
use sqlalgebra::value::ValueRef as V;
use sqlalgebra::{Backend, Engine, Result};
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

const CASE_PG: &str = r#"CASE WHEN "gb_people"."age" < $1 THEN $2 ELSE $3 END"#;
const CASE_Q: &str = r#"CASE WHEN "gb_people"."age" < ? THEN ? ELSE ? END"#;

#[track_caller]
fn sql_of<S: Statement>(stmt: &S, d: &dyn Dialect) -> (String, Vec<String>) {
    let r = stmt.to_sql(d).expect("renders");
    (r.sql, r.binds.iter().map(|b| format!("{b:?}")).collect())
}

#[test]
fn an_item_repeating_an_item_shares_its_placeholders_or_its_group() {
    let e = bucket();
    let q = select((e, e, count_star())).group_by(e).order_by(e);
    let (pg, pg_binds) = sql_of(&q, &Postgres);
    assert_eq!(
        pg,
        format!(
            r#"SELECT {CASE_PG}, {CASE_PG}, COUNT(*) FROM "gb_people" GROUP BY {CASE_PG} ORDER BY {CASE_PG}"#
        )
    );
    assert_eq!(
        pg_binds,
        [V::Int(30), V::Text("young"), V::Text("old")].map(|b| format!("{b:?}"))
    );
    let (lite, lite_binds) = sql_of(&q, &Sqlite);
    assert_eq!(
        lite,
        format!(r#"SELECT {CASE_Q}, {CASE_Q}, COUNT(*) FROM "gb_people" GROUP BY 1, 2 ORDER BY 1"#)
    );
    assert_eq!(lite_binds.len(), 6);
    let (my, _) = sql_of(&q, &Mysql);
    assert!(my.ends_with("GROUP BY 1, 2 ORDER BY 1"), "{my}");
}

#[test]
fn a_grouped_expression_inside_having_shares_its_placeholders_on_postgres() {
    let e = bucket();
    let q = select((people::Dept, count_star()))
        .group_by((people::Dept, e))
        .having(e.ne("old"));
    let (pg, binds) = sql_of(&q, &Postgres);
    assert_eq!(
        pg,
        format!(
            r#"SELECT "gb_people"."dept", COUNT(*) FROM "gb_people" GROUP BY "gb_people"."dept", {CASE_PG} HAVING {CASE_PG} <> $4"#
        )
    );
    assert_eq!(binds.len(), 4);
}

#[test]
fn placeholders_after_the_unified_ones_are_renumbered() {
    let e = bucket();
    let q = select((e, e, count_star()))
        .filter(people::Name.ne("zed"))
        .group_by(e)
        .having(count_star().gt(0))
        .limit(5);
    let (pg, binds) = sql_of(&q, &Postgres);
    assert_eq!(
        pg,
        format!(
            r#"SELECT {CASE_PG}, {CASE_PG}, COUNT(*) FROM "gb_people" WHERE "gb_people"."name" <> $4 GROUP BY {CASE_PG} HAVING COUNT(*) > $5 LIMIT $6"#
        )
    );
    assert_eq!(
        binds,
        [
            V::Int(30),
            V::Text("young"),
            V::Text("old"),
            V::Text("zed"),
            V::Int(0),
            V::Int(5)
        ]
        .map(|b| format!("{b:?}"))
    );
}

// ---------------------------------------------------------------------------
// On the three backends.

fn repeated_items_group_alike<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = people_table(engine)?;
    let e = bucket();
    let q = select((e, e, count_star())).group_by(e).order_by(e);
    for _ in 0..2 {
        let rows: Vec<(String, String, i64)> = q.load(&mut conn)?;
        assert_eq!(
            rows,
            [
                ("old".to_owned(), "old".to_owned(), 2),
                ("young".to_owned(), "young".to_owned(), 3)
            ]
        );
    }
    Ok(())
}

fn a_bound_null_repeated_groups_alike<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = people_table(engine)?;
    let e = nulled();
    let q = select((e, count_star(), e))
        .group_by(e)
        .order_by(e.asc().nulls_first());
    let rows: Vec<(Option<i64>, i64, Option<i64>)> = q.load(&mut conn)?;
    assert_eq!(rows, [(None, 3, None), (Some(40), 2, Some(40))]);
    Ok(())
}

fn distinct_orders_by_repeated_items<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = people_table(engine)?;
    let e = bucket();
    let q = select((e, e)).distinct().order_by(e.desc());
    let rows: Vec<(String, String)> = q.load(&mut conn)?;
    assert_eq!(
        rows,
        [
            ("young".to_owned(), "young".to_owned()),
            ("old".to_owned(), "old".to_owned())
        ]
    );
    Ok(())
}

/// HAVING over a grouped expression that is not selected. MariaDB resolves
/// HAVING's columns against the SELECT list only ("Unknown column in
/// HAVING", with literals too): MySQL writes it `MIN(expr)`
/// (`render/grouped_min.rs`); a label, which HAVING then names, works
/// everywhere as well.
fn having_repeats_a_grouped_expression<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = people_table(engine)?;
    let e = bucket();
    let rows: Vec<(String, i64)> = select((people::Dept, count_star()))
        .group_by((people::Dept, e))
        .having(e.ne("old"))
        .order_by(people::Dept)
        .load(&mut conn)?;
    assert_eq!(rows, [("eng".to_owned(), 2), ("ops".to_owned(), 1)]);
    let l = e.label("bucket");
    let rows: Vec<(String, String, i64)> = select((people::Dept, l, count_star()))
        .group_by((people::Dept, l))
        .having(l.ne("old"))
        .order_by(people::Dept)
        .load(&mut conn)?;
    assert_eq!(
        rows,
        [
            ("eng".to_owned(), "young".to_owned(), 2),
            ("ops".to_owned(), "young".to_owned(), 1)
        ]
    );
    Ok(())
}

/// `x IN ()` still names `x`: a subquery's aggregate whose argument holds
/// its column stays the subquery's. It was written `1 = 0`, the aggregate
/// then read only the outer row and became the outer query's (SQL's rule):
/// one row on SQLite, an error on PostgreSQL (found by the oracle).
fn an_empty_in_list_keeps_a_subquerys_aggregate_its_own<B: Backend>(
    engine: &Engine<B>,
) -> Result<()> {
    let mut conn = people_table(engine)?;
    let p2 = alias(grouping_common::People, "p2");
    let per_row = select(max(case_when(
        p2.col(people::Age).in_(Vec::<i64>::new()),
        people::Dept,
    )
    .otherwise(people::Dept)))
    .from(p2);
    let rows: Vec<(i64, Option<String>)> = select((people::Id, per_row.as_scalar()))
        .order_by(people::Id)
        .load(&mut conn)?;
    let want = [(1, "eng"), (2, "eng"), (3, "ops"), (4, "ops"), (5, "eng")]
        .map(|(i, d)| (i, Some(d.to_owned())));
    assert_eq!(rows, want);
    Ok(())
}

on_all_backends!(
    an_empty_in_list_keeps_a_subquerys_aggregate_its_own,
    repeated_items_group_alike,
    a_bound_null_repeated_groups_alike,
    distinct_orders_by_repeated_items,
    having_repeats_a_grouped_expression,
);
