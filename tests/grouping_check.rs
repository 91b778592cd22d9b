//! GROUP BY validity (issue 17, item 3): a grouped SELECT that refers to a
//! column outside aggregates and groups is refused with
//! `ErrorKind::Ungrouped` on every dialect, before anything is sent; what each
//! group has one value for stays allowed.

mod common;
mod grouping_common;

use common::on_all_backends;
use grouping_common::{People, people, people_table};
use sqlalgebra::prelude::*;
use sqlalgebra::render::Dialect;
use sqlalgebra::{Backend, Engine, ErrorKind, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

const DIALECTS: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];

/// Asserts that `stmt` is refused on every dialect, naming `column` of
/// `table` in `clause`.
#[track_caller]
fn refused<S: Statement>(stmt: &S, table: &str, column: &str, clause: &str) {
    for dialect in DIALECTS {
        match stmt.to_sql(dialect).map_err(sqlalgebra::Error::into_kind) {
            Err(ErrorKind::Ungrouped {
                table: t,
                column: c,
                clause: k,
            }) => assert_eq!(
                (t.as_str(), c.as_str(), k),
                (table, column, clause),
                "{}",
                dialect.name()
            ),
            other => panic!("{}: expected Ungrouped, got {other:?}", dialect.name()),
        }
    }
}

/// Asserts that `stmt` renders on every dialect.
#[track_caller]
fn allowed<S: Statement>(stmt: &S) {
    for dialect in DIALECTS {
        if let Err(e) = stmt.to_sql(dialect) {
            panic!("{}: refused: {e}", dialect.name());
        }
    }
}

#[test]
fn an_ungrouped_column_is_refused_in_every_clause() {
    use people::*;
    refused(
        &select((Name, Dept, count_star())).group_by(Dept),
        "gb_people",
        "name",
        "SELECT",
    );
    // An aggregate alone makes the SELECT grouped.
    refused(&select((Name, count_star())), "gb_people", "name", "SELECT");
    refused(
        &select(count_star()).order_by(Name),
        "gb_people",
        "name",
        "ORDER BY",
    );
    refused(
        &select((Dept, count_star()))
            .group_by(Dept)
            .having(Age.gt(30)),
        "gb_people",
        "age",
        "HAVING",
    );
    refused(
        &select((Dept, count_star()))
            .group_by(Dept)
            .order_by(Age.desc()),
        "gb_people",
        "age",
        "ORDER BY",
    );
    // HAVING without GROUP BY groups the whole table.
    refused(
        &select(Name).having(count_star().gt(1)),
        "gb_people",
        "name",
        "SELECT",
    );
    // An expression grouped with other values is another expression.
    refused(
        &select((Age.add(1), count_star())).group_by(Age.add(2)),
        "gb_people",
        "age",
        "SELECT",
    );
    // Inside a CASE, a function, a window's PARTITION BY: still a column.
    refused(
        &select((
            case_when(Age.lt(30), "young").otherwise("old"),
            count_star(),
        ))
        .group_by(Dept),
        "gb_people",
        "age",
        "SELECT",
    );
    refused(
        &select((Dept, rank().over(window().partition_by(Name)))).group_by(Dept),
        "gb_people",
        "name",
        "SELECT",
    );
    // Through a boxed SELECT, with parts added after boxing.
    refused(
        &select((Dept, count_star()))
            .group_by(Dept)
            .boxed()
            .having(Age.gt(1)),
        "gb_people",
        "age",
        "HAVING",
    );
    // Through an alias: named by the alias.
    let p = alias(People, "p");
    refused(
        &select((p.col(Name), count_star())).group_by(p.col(Dept)),
        "p",
        "name",
        "SELECT",
    );
    let e = select((Name, count_star())).to_sql(&Sqlite).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"column "gb_people"."name" in SELECT is neither grouped nor aggregated: add it to GROUP BY, or aggregate it (MIN, MAX, ...)"#
    );
}

#[test]
fn what_each_group_has_one_value_for_is_allowed() {
    use people::*;
    // Grouped columns, expressions of them, aggregates, binds, literals.
    allowed(
        &select((
            Dept,
            upper(Dept),
            Dept.concat("!"),
            max(Name),
            count_star(),
            bind::<BigInt, _>(7i64),
        ))
        .group_by(Dept)
        .having(count(Age).gt(1).and(Dept.ne("x")))
        .order_by((Dept.desc(), sum(Age))),
    );
    // A grouped expression, in SELECT, HAVING and ORDER BY.
    let older = Age.add(1);
    allowed(
        &select((older, count_star()))
            .group_by(older)
            .having(older.gt(5))
            .order_by(older),
    );
    allowed(&select((Age.mul(2), count_star())).group_by(Age));
    // Columns of a table whose primary key is grouped.
    allowed(&select((Id, Name, Age, count_star())).group_by(Id));
    let p = alias(People, "p");
    allowed(&select((p.col(Name), count_star())).group_by(p.col(Id)));
    // Aggregates inside a window function, and windows over groups.
    allowed(&select((Dept, rank().over(window().order_by(count_star().desc())))).group_by(Dept));
    allowed(&select((Dept, sum(count_star()).over(window()))).group_by(Dept));
    // A window's aggregate does not make the SELECT grouped.
    allowed(&select((Name, sum(Age).over(window().partition_by(Dept)))));
    // Subqueries, correlated or not.
    let q = alias(People, "q");
    allowed(
        &select((
            Dept,
            select(max(q.col(Age)))
                .filter(q.col(Dept).eq(Dept))
                .as_scalar(),
        ))
        .group_by(Dept),
    );
    allowed(
        &select((Dept, count_star()))
            .group_by(Dept)
            .having(exists(select(q.col(Id)).filter(q.col(Name).eq("ann")))),
    );
    // Not grouped at all.
    allowed(&select((Name, Age)).order_by(Age));
    // `func` may name an aggregate: not looked into.
    allowed(&select((Dept, func::<BigInt, _>("count", (Name,)))).group_by(Dept));
}

// ---------------------------------------------------------------------------
// On the three backends: refused before it is sent (SQLite would run it),
// and the allowed forms return each group's rows.

fn an_ungrouped_select_is_refused_before_it_is_sent<B: Backend>(engine: &Engine<B>) -> Result<()> {
    use people::*;
    let mut conn = people_table(engine)?;
    let wrong = select((Dept, Name, count_star()))
        .group_by(Dept)
        .order_by(Dept);
    for _ in 0..2 {
        let e = common::expect_err(wrong.load::<(String, String, i64), _>(&mut conn));
        assert!(
            matches!(e.kind(), ErrorKind::Ungrouped { column, clause: "SELECT", .. } if column == "name"),
            "{e:?}"
        );
    }
    let e = common::expect_err(select((Name, count_star())).load::<(String, i64), _>(&mut conn));
    assert!(matches!(e.kind(), ErrorKind::Ungrouped { .. }), "{e:?}");
    Ok(())
}

fn grouped_forms_return_each_groups_values<B: Backend>(engine: &Engine<B>) -> Result<()> {
    use people::*;
    let mut conn = people_table(engine)?;
    // A column of the grouped primary key's table.
    let by_person = select((Id, Name, count_star())).group_by(Id).order_by(Id);
    for _ in 0..2 {
        let rows: Vec<(i64, String, i64)> = by_person.load(&mut conn)?;
        let names = ["ann", "bob", "cat", "dan", "eve"];
        let want: Vec<(i64, String, i64)> = (1..)
            .zip(names)
            .map(|(i, n)| (i, n.to_owned(), 1))
            .collect();
        assert_eq!(rows, want);
    }
    // A window over the groups: the largest department's size beside
    // each department's.
    let sizes = select((Dept, count_star(), max(count_star()).over(window())))
        .group_by(Dept)
        .order_by(Dept);
    for _ in 0..2 {
        let rows: Vec<(String, i64, Option<i64>)> = sizes.load(&mut conn)?;
        assert_eq!(
            rows,
            [
                ("eng".to_owned(), 3, Some(3)),
                ("ops".to_owned(), 2, Some(3))
            ]
        );
    }
    Ok(())
}

on_all_backends!(
    an_ungrouped_select_is_refused_before_it_is_sent,
    grouped_forms_return_each_groups_values,
);

#[test]
fn mysql_lists_the_columns_that_depend_on_a_grouped_primary_key() {
    use people::*;
    // MariaDB does not know that `name` depends on `id`: its GROUP BY
    // lists it too, which changes no group.
    let q = select((Id, Name, count_star())).group_by(Id);
    let sql = |d: &dyn Dialect| q.to_sql(d).unwrap().sql;
    assert_eq!(
        sql(&Sqlite),
        r#"SELECT "gb_people"."id", "gb_people"."name", COUNT(*) FROM "gb_people" GROUP BY "gb_people"."id""#
    );
    assert_eq!(
        sql(&Postgres),
        r#"SELECT "gb_people"."id", "gb_people"."name", COUNT(*) FROM "gb_people" GROUP BY "gb_people"."id""#
    );
    assert_eq!(
        sql(&Mysql),
        "SELECT `gb_people`.`id`, `gb_people`.`name`, COUNT(*) FROM `gb_people` GROUP BY `gb_people`.`id`, `gb_people`.`name`"
    );
}
