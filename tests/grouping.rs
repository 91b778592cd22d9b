//! GROUP BY, HAVING and ORDER BY terms that repeat an expression of the
//! SELECT list with bound values (issue 16, item 3): the exact SQL on the
//! three dialects, and the grouped rows on the three backends.

mod common;
mod grouping_common;

use common::on_all_backends;
use grouping_common::{people, people_table};
use sqlalgebra::prelude::*;
use sqlalgebra::render::{Dialect, Render, SqlKey};
use sqlalgebra::value::ValueRef as V;
use sqlalgebra::{Backend, Engine, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

const DIALECTS: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];

/// Asserts the SQL and binds of `stmt` in SQLite, PostgreSQL and MySQL, and
/// that the key walk, if the statement describes itself, collects the same
/// binds.
#[track_caller]
fn assert_sql<S: Statement>(stmt: &S, sql: [&str; 3], binds: [&[V<'_>]; 3]) {
    for ((dialect, expected), want) in DIALECTS.into_iter().zip(sql).zip(binds) {
        let r = match stmt.to_sql(dialect) {
            Ok(r) => r,
            Err(e) => panic!("{}: rendering failed: {e}", dialect.name()),
        };
        assert_eq!(r.sql, expected, "SQL for {}", dialect.name());
        assert_eq!(&r.binds[..], want, "binds for {}", dialect.name());
        let mut key = SqlKey::for_dialect(dialect);
        if stmt.sql_key(&mut key) {
            assert_eq!(key.binds(), want, "key binds for {}", dialect.name());
        }
    }
}

fn bucket() -> impl Expression<SqlType = Text> + Copy {
    case_when(people::Age.lt(30), "young")
        .otherwise("old")
        .label("bucket")
}

#[test]
fn a_labelled_expression_with_binds_is_grouped_and_ordered_by_reference() {
    let b = bucket();
    assert_sql(
        &select((b, count_star())).group_by(b).order_by(b),
        [
            r#"SELECT CASE WHEN "gb_people"."age" < ? THEN ? ELSE ? END AS "bucket", COUNT(*) FROM "gb_people" GROUP BY 1 ORDER BY "bucket""#,
            r#"SELECT CASE WHEN "gb_people"."age" < $1 THEN $2 ELSE $3 END AS "bucket", COUNT(*) FROM "gb_people" GROUP BY CASE WHEN "gb_people"."age" < $1 THEN $2 ELSE $3 END ORDER BY "bucket""#,
            "SELECT CASE WHEN `gb_people`.`age` < ? THEN ? ELSE ? END AS `bucket`, COUNT(*) FROM `gb_people` GROUP BY 1 ORDER BY `bucket`",
        ],
        [&[V::Int(30), V::Text("young"), V::Text("old")]; 3],
    );
}

#[test]
fn having_refers_to_a_labelled_expression_with_binds() {
    let b = bucket();
    let young = [V::Int(30), V::Text("young"), V::Text("old"), V::Text("old")];
    assert_sql(
        &select((people::Dept, b, count_star()))
            .group_by((people::Dept, b))
            .having(b.ne("old"))
            .order_by((people::Dept, b.desc())),
        [
            r#"SELECT "gb_people"."dept", CASE WHEN "gb_people"."age" < ? THEN ? ELSE ? END AS "bucket", COUNT(*) FROM "gb_people" GROUP BY "gb_people"."dept", 2 HAVING CASE WHEN "gb_people"."age" < ? THEN ? ELSE ? END <> ? ORDER BY "gb_people"."dept", "bucket" DESC"#,
            r#"SELECT "gb_people"."dept", CASE WHEN "gb_people"."age" < $1 THEN $2 ELSE $3 END AS "bucket", COUNT(*) FROM "gb_people" GROUP BY "gb_people"."dept", CASE WHEN "gb_people"."age" < $1 THEN $2 ELSE $3 END HAVING CASE WHEN "gb_people"."age" < $1 THEN $2 ELSE $3 END <> $4 ORDER BY "gb_people"."dept", "bucket" DESC"#,
            "SELECT `gb_people`.`dept`, CASE WHEN `gb_people`.`age` < ? THEN ? ELSE ? END AS `bucket`, COUNT(*) FROM `gb_people` GROUP BY `gb_people`.`dept`, 2 HAVING `bucket` <> ? ORDER BY `gb_people`.`dept`, `bucket` DESC",
        ],
        [
            &[
                V::Int(30),
                V::Text("young"),
                V::Text("old"),
                V::Int(30),
                V::Text("young"),
                V::Text("old"),
                V::Text("old"),
            ],
            &young,
            &[V::Int(30), V::Text("young"), V::Text("old"), V::Text("old")],
        ],
    );
}

#[test]
fn an_unlabelled_expression_with_binds_is_grouped_and_ordered_by_reference() {
    let older = people::Age.add(1);
    assert_sql(
        &select((older, count_star()))
            .group_by(older)
            .order_by(older.desc()),
        [
            r#"SELECT "gb_people"."age" + ?, COUNT(*) FROM "gb_people" GROUP BY 1 ORDER BY 1 DESC"#,
            r#"SELECT "gb_people"."age" + $1, COUNT(*) FROM "gb_people" GROUP BY "gb_people"."age" + $1 ORDER BY "gb_people"."age" + $1 DESC"#,
            "SELECT `gb_people`.`age` + ?, COUNT(*) FROM `gb_people` GROUP BY 1 ORDER BY 1 DESC",
        ],
        [&[V::Int(1)]; 3],
    );
    // The same through a boxed SELECT, ORDER BY added after boxing.
    assert_sql(
        &select((count_star(), older))
            .group_by(older)
            .boxed()
            .order_by(older),
        [
            r#"SELECT COUNT(*), "gb_people"."age" + ? FROM "gb_people" GROUP BY 2 ORDER BY 2"#,
            r#"SELECT COUNT(*), "gb_people"."age" + $1 FROM "gb_people" GROUP BY "gb_people"."age" + $1 ORDER BY "gb_people"."age" + $1"#,
            "SELECT COUNT(*), `gb_people`.`age` + ? FROM `gb_people` GROUP BY 2 ORDER BY 2",
        ],
        [&[V::Int(1)]; 3],
    );
}

#[test]
fn terms_that_repeat_nothing_or_bind_nothing_stay_as_written() {
    // A term the SELECT list does not have: bound as it is.
    assert_sql(
        &select((people::Dept, count_star())).group_by((people::Age.add(2), people::Dept)),
        [
            r#"SELECT "gb_people"."dept", COUNT(*) FROM "gb_people" GROUP BY "gb_people"."age" + ?, "gb_people"."dept""#,
            r#"SELECT "gb_people"."dept", COUNT(*) FROM "gb_people" GROUP BY "gb_people"."age" + $1, "gb_people"."dept""#,
            "SELECT `gb_people`.`dept`, COUNT(*) FROM `gb_people` GROUP BY `gb_people`.`age` + ?, `gb_people`.`dept`",
        ],
        [&[V::Int(2)]; 3],
    );
    // No binds: the expression itself.
    let upper_dept = upper(people::Dept);
    assert_sql(
        &select((upper_dept, count_star()))
            .group_by(upper_dept)
            .order_by(upper_dept),
        [
            r#"SELECT UPPER("gb_people"."dept"), COUNT(*) FROM "gb_people" GROUP BY UPPER("gb_people"."dept") ORDER BY UPPER("gb_people"."dept")"#,
            r#"SELECT UPPER("gb_people"."dept"), COUNT(*) FROM "gb_people" GROUP BY UPPER("gb_people"."dept") ORDER BY UPPER("gb_people"."dept")"#,
            "SELECT UPPER(`gb_people`.`dept`), COUNT(*) FROM `gb_people` GROUP BY UPPER(`gb_people`.`dept`) ORDER BY UPPER(`gb_people`.`dept`)",
        ],
        [&[]; 3],
    );
}

#[test]
fn a_subquery_in_having_refers_to_its_own_select_list() {
    let b = bucket();
    let inner = select(b).group_by(b).having(b.eq("young"));
    let case = [V::Int(30), V::Text("young"), V::Text("old")];
    let young = [V::Text("young")];
    // SQLite binds the CASE in SELECT and HAVING of both SELECTs; the
    // others once per SELECT.
    let sqlite = [&case[..], &case, &case, &case, &young].concat();
    let others = [&case[..], &case, &young].concat();
    assert_sql(
        &select((b, count_star()))
            .group_by(b)
            .having(b.eq(inner.as_scalar())),
        [
            r#"SELECT CASE WHEN "gb_people"."age" < ? THEN ? ELSE ? END AS "bucket", COUNT(*) FROM "gb_people" GROUP BY 1 HAVING CASE WHEN "gb_people"."age" < ? THEN ? ELSE ? END = (SELECT CASE WHEN "gb_people"."age" < ? THEN ? ELSE ? END AS "bucket" FROM "gb_people" GROUP BY 1 HAVING CASE WHEN "gb_people"."age" < ? THEN ? ELSE ? END = ?)"#,
            r#"SELECT CASE WHEN "gb_people"."age" < $1 THEN $2 ELSE $3 END AS "bucket", COUNT(*) FROM "gb_people" GROUP BY CASE WHEN "gb_people"."age" < $1 THEN $2 ELSE $3 END HAVING CASE WHEN "gb_people"."age" < $1 THEN $2 ELSE $3 END = (SELECT CASE WHEN "gb_people"."age" < $4 THEN $5 ELSE $6 END AS "bucket" FROM "gb_people" GROUP BY CASE WHEN "gb_people"."age" < $4 THEN $5 ELSE $6 END HAVING CASE WHEN "gb_people"."age" < $4 THEN $5 ELSE $6 END = $7)"#,
            "SELECT CASE WHEN `gb_people`.`age` < ? THEN ? ELSE ? END AS `bucket`, COUNT(*) FROM `gb_people` GROUP BY 1 HAVING `bucket` = (SELECT CASE WHEN `gb_people`.`age` < ? THEN ? ELSE ? END AS `bucket` FROM `gb_people` GROUP BY 1 HAVING `bucket` = ?)",
        ],
        [&sqlite, &others, &others],
    );
}

#[test]
fn the_sql_cache_key_describes_a_statement_only_when_its_text_is_the_values_own() {
    fn described<S: Render>(stmt: &S) -> bool {
        stmt.sql_key(&mut SqlKey::new())
    }
    let b = bucket();
    // Binds in the SELECT list and in GROUP BY: whether they are the same
    // values decides the text, so the statement is rendered every time.
    assert!(!described(&select((b, count_star())).group_by(b)));
    assert!(!described(&{
        select((people::Age.add(1), count_star())).group_by(people::Age.add(2))
    }));
    assert!(!described(&{
        select((people::Dept, count_star()))
            .group_by(people::Dept)
            .having(count_star().gt(1))
            .order_by(coalesce(people::Dept, "x"))
    }));
    // Binds in one of them only: described.
    assert!(described(&select((b, count_star())).group_by(people::Age)));
    assert!(described(&{
        select((people::Dept, count_star()))
            .group_by(people::Dept)
            .having(count_star().gt(1))
    }));
}

// ---------------------------------------------------------------------------
// On the three backends.

fn groups_by_a_labelled_case_with_binds<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = people_table(engine)?;
    let b = bucket();
    let q = select((b, count_star())).group_by(b).order_by(b);
    // Twice: the second run goes through the SQL cache where it is kept.
    for _ in 0..2 {
        let rows: Vec<(String, i64)> = q.load(&mut conn)?;
        assert_eq!(rows, [("old".to_owned(), 2), ("young".to_owned(), 3)]);
    }
    // Other, longer values through the same prepared statement.
    let b = case_when(people::Age.lt(21), "youngest of all")
        .otherwise("the others")
        .label("bucket");
    let rows: Vec<(String, i64)> = select((b, count_star()))
        .group_by(b)
        .order_by(b)
        .load(&mut conn)?;
    assert_eq!(
        rows,
        [
            ("the others".to_owned(), 3),
            ("youngest of all".to_owned(), 2)
        ]
    );
    Ok(())
}

fn having_filters_on_a_labelled_case_with_binds<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = people_table(engine)?;
    let b = bucket();
    let q = select((people::Dept, b, count_star()))
        .group_by((people::Dept, b))
        .having(b.ne("old"))
        .order_by((people::Dept, b.desc()));
    for _ in 0..2 {
        let rows: Vec<(String, String, i64)> = q.load(&mut conn)?;
        assert_eq!(
            rows,
            [
                ("eng".to_owned(), "young".to_owned(), 2),
                ("ops".to_owned(), "young".to_owned(), 1),
            ]
        );
    }
    Ok(())
}

fn groups_by_an_unlabelled_expression_with_binds<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = people_table(engine)?;
    let older = people::Age.add(1);
    let q = select((older, count_star()))
        .group_by(older)
        .order_by(older.desc());
    for _ in 0..2 {
        let rows: Vec<(i64, i64)> = q.load(&mut conn)?;
        assert_eq!(rows, [(41, 2), (26, 1), (21, 2)]);
    }
    let boxed = select((count_star(), older))
        .group_by(older)
        .boxed()
        .order_by(older);
    let rows: Vec<(i64, i64)> = boxed.load(&mut conn)?;
    assert_eq!(rows, [(2, 21), (1, 26), (2, 41)]);
    Ok(())
}

on_all_backends!(
    groups_by_a_labelled_case_with_binds,
    having_filters_on_a_labelled_case_with_binds,
    groups_by_an_unlabelled_expression_with_binds,
);
