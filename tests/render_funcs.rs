//! Exact SQL and binds of the scalar functions, CASE, CAST, dates, window
//! functions and NULLS FIRST/LAST, in all three dialects.

use sqlalgebra::ErrorKind;
use sqlalgebra::expr::{DatePart, extract};
use sqlalgebra::prelude::*;
use sqlalgebra::render::{Dialect, Statement};
use sqlalgebra::value::ValueRef;
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

/// The `emp` table: one column of each kind the functions take.
#[derive(Clone, Copy, Debug, Default)]
pub struct Emp;
impl Table for Emp {
    const NAME: &'static str = "emp";
    type Columns = (
        emp::Id,
        emp::Name,
        emp::Dept,
        emp::Salary,
        emp::Bonus,
        emp::Hired,
        emp::Nick,
        emp::Age,
        emp::Seen,
    );
    type PrimaryKey = emp::Id;
}

/// Columns of `emp`.
pub mod emp {
    use sqlalgebra::prelude::*;
    macro_rules! col {
        ($name:ident, $st:ty, $sql:literal) => {
            #[doc = concat!("The `", $sql, "` column.")]
            #[derive(Clone, Copy, Debug, Default)]
            pub struct $name;
            impl Column for $name {
                type Table = super::Emp;
                type SqlType = $st;
                const NAME: &'static str = $sql;
            }
        };
    }
    col!(Id, BigInt, "id");
    col!(Name, Text, "name");
    col!(Dept, Varchar<10>, "dept");
    col!(Salary, Double, "salary");
    col!(Bonus, Nullable<Double>, "bonus");
    col!(Hired, Date, "hired");
    col!(Nick, Nullable<Text>, "nick");
    col!(Age, Integer, "age");
    col!(Seen, Nullable<Timestamp>, "seen");
}

use emp::*;

/// Renders `q` in `dialect`, panicking (in a test) on a render error.
fn render<S: Statement>(q: &S, dialect: &dyn Dialect) -> (String, Vec<String>) {
    let r = q
        .to_sql(dialect)
        .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
    let binds = r.binds.iter().map(|v| format!("{v:?}")).collect();
    (r.sql, binds)
}

/// Asserts the SQL of `q` in the three dialects, and its binds (the same
/// in each).
#[track_caller]
fn check<S: Statement>(q: &S, sqlite: &str, postgres: &str, mysql: &str, binds: &[ValueRef<'_>]) {
    check_each(
        q,
        [
            (&Sqlite, sqlite, binds),
            (&Postgres, postgres, binds),
            (&Mysql, mysql, binds),
        ],
    );
}

/// Asserts the SQL and binds of `q` in each dialect given.
#[track_caller]
fn check_each<S: Statement, const N: usize>(
    q: &S,
    cases: [(&dyn Dialect, &str, &[ValueRef<'_>]); N],
) {
    for (dialect, sql, binds) in cases {
        let want: Vec<String> = binds.iter().map(|v| format!("{v:?}")).collect();
        let (got, got_binds) = render(q, dialect);
        assert_eq!(got, sql, "{dialect:?}");
        assert_eq!(got_binds, want, "binds in {dialect:?}");
    }
}

/// Asserts that rendering `q` fails with `InvalidStatement` everywhere.
#[track_caller]
fn check_invalid<S: Statement>(q: &S, needle: &str) {
    for dialect in [&Sqlite as &dyn Dialect, &Postgres, &Mysql] {
        match q.to_sql(dialect).map_err(sqlalgebra::Error::into_kind) {
            Err(ErrorKind::InvalidStatement(msg)) => assert!(msg.contains(needle), "{msg}"),
            other => panic!("{dialect:?}: expected InvalidStatement, got {other:?}"),
        }
    }
}

/// Only compiles when `Q` returns rows of SQL type `ST`.
fn returns<ST, Q: Query<SqlType = ST>>(_: &Q) {}

#[test]
fn case_with_else() {
    let q = select(
        case_when(Age.lt(30), "young")
            .when(Age.lt(60), "middle")
            .otherwise("senior"),
    );
    returns::<Text, _>(&q);
    check(
        &q,
        r#"SELECT CASE WHEN "emp"."age" < ? THEN ? WHEN "emp"."age" < ? THEN ? ELSE ? END FROM "emp""#,
        r#"SELECT CASE WHEN "emp"."age" < $1 THEN $2 WHEN "emp"."age" < $3 THEN $4 ELSE $5 END FROM "emp""#,
        "SELECT CASE WHEN `emp`.`age` < ? THEN ? WHEN `emp`.`age` < ? THEN ? ELSE ? END FROM `emp`",
        &[
            ValueRef::Int(30),
            ValueRef::Text("young"),
            ValueRef::Int(60),
            ValueRef::Text("middle"),
            ValueRef::Text("senior"),
        ],
    );
}

#[test]
fn case_without_else_is_nullable() {
    let q = select(case_when(Name.eq("bob"), Salary));
    returns::<Nullable<Double>, _>(&q);
    check(
        &q,
        r#"SELECT CASE WHEN "emp"."name" = ? THEN "emp"."salary" END FROM "emp""#,
        r#"SELECT CASE WHEN "emp"."name" = $1 THEN "emp"."salary" END FROM "emp""#,
        "SELECT CASE WHEN `emp`.`name` = ? THEN `emp`.`salary` END FROM `emp`",
        &[ValueRef::Text("bob")],
    );
}

#[test]
fn case_with_a_nullable_branch_is_nullable() {
    let q = select(case_when(Age.gt(40), Salary).otherwise(Bonus));
    returns::<Nullable<Double>, _>(&q);
    let q = select(case_when(Age.gt(40), Salary).otherwise(0.0));
    returns::<Double, _>(&q);
    check(
        &q,
        r#"SELECT CASE WHEN "emp"."age" > ? THEN "emp"."salary" ELSE ? END FROM "emp""#,
        r#"SELECT CASE WHEN "emp"."age" > $1 THEN "emp"."salary" ELSE $2 END FROM "emp""#,
        "SELECT CASE WHEN `emp`.`age` > ? THEN `emp`.`salary` ELSE ? END FROM `emp`",
        &[ValueRef::Int(40), ValueRef::Float(0.0)],
    );
}

#[test]
fn case_in_where_and_arithmetic() {
    let q = select(Id).filter(
        case_when(Bonus.is_null(), 0i64)
            .otherwise(1)
            .eq(1)
            .and(Salary.gt(10.0)),
    );
    check(
        &q,
        r#"SELECT "emp"."id" FROM "emp" WHERE CASE WHEN "emp"."bonus" IS NULL THEN ? ELSE ? END = ? AND "emp"."salary" > ?"#,
        r#"SELECT "emp"."id" FROM "emp" WHERE CASE WHEN "emp"."bonus" IS NULL THEN $1 ELSE $2 END = $3 AND "emp"."salary" > $4"#,
        "SELECT `emp`.`id` FROM `emp` WHERE CASE WHEN `emp`.`bonus` IS NULL THEN ? ELSE ? END = ? AND `emp`.`salary` > ?",
        &[
            ValueRef::Int(0),
            ValueRef::Int(1),
            ValueRef::Int(1),
            ValueRef::Float(10.0),
        ],
    );
}

#[test]
fn cast_per_dialect() {
    let q = select((
        cast::<BigInt, _>(Salary),
        cast::<Text, _>(Age),
        cast::<Double, _>(Age),
        cast::<Varchar<5>, _>(Name),
        cast::<Date, _>(Name),
        cast::<Blob, _>(Name),
    ));
    returns::<(BigInt, Text, Double, Varchar<5>, Date, Blob), _>(&q);
    check(
        &q,
        r#"SELECT CAST("emp"."salary" AS BIGINT), CAST("emp"."age" AS TEXT), CAST("emp"."age" AS DOUBLE PRECISION), CAST("emp"."name" AS VARCHAR(5)), CAST("emp"."name" AS TEXT), CAST("emp"."name" AS BLOB) FROM "emp""#,
        r#"SELECT CAST("emp"."salary" AS BIGINT), CAST("emp"."age" AS TEXT), CAST("emp"."age" AS DOUBLE PRECISION), CAST("emp"."name" AS VARCHAR(5)), CAST("emp"."name" AS DATE), CAST("emp"."name" AS BYTEA) FROM "emp""#,
        "SELECT CAST(`emp`.`salary` AS SIGNED), CAST(`emp`.`age` AS CHAR), CAST(`emp`.`age` AS DOUBLE), CAST(`emp`.`name` AS CHAR(5)), CAST(`emp`.`name` AS DATE), CAST(`emp`.`name` AS BINARY) FROM `emp`",
        &[],
    );
}

#[test]
fn cast_of_nullable_is_nullable() {
    let q = select((
        cast::<Integer, _>(Bonus),
        cast::<Timestamp, _>(Nick),
        cast::<Real, _>(Age),
    ));
    returns::<(Nullable<Integer>, Nullable<Timestamp>, Real), _>(&q);
    check(
        &q,
        r#"SELECT CAST("emp"."bonus" AS INTEGER), CAST("emp"."nick" AS TEXT), CAST("emp"."age" AS REAL) FROM "emp""#,
        r#"SELECT CAST("emp"."bonus" AS INTEGER), CAST("emp"."nick" AS TIMESTAMP), CAST("emp"."age" AS REAL) FROM "emp""#,
        "SELECT CAST(`emp`.`bonus` AS SIGNED), CAST(`emp`.`nick` AS DATETIME(6)), CAST(`emp`.`age` AS DOUBLE) FROM `emp`",
        &[],
    );
}

#[test]
fn coalesce_and_nullif() {
    let q = select((
        coalesce(Nick, "none"),
        coalesce(Bonus, Salary),
        coalesce(Bonus, Bonus),
        nullif(Age, 0),
    ));
    returns::<(Text, Double, Nullable<Double>, Nullable<Integer>), _>(&q);
    check(
        &q,
        r#"SELECT COALESCE("emp"."nick", ?), COALESCE("emp"."bonus", "emp"."salary"), COALESCE("emp"."bonus", "emp"."bonus"), NULLIF("emp"."age", ?) FROM "emp""#,
        r#"SELECT COALESCE("emp"."nick", $1), COALESCE("emp"."bonus", "emp"."salary"), COALESCE("emp"."bonus", "emp"."bonus"), NULLIF("emp"."age", $2) FROM "emp""#,
        "SELECT COALESCE(`emp`.`nick`, ?), COALESCE(`emp`.`bonus`, `emp`.`salary`), COALESCE(`emp`.`bonus`, `emp`.`bonus`), NULLIF(`emp`.`age`, ?) FROM `emp`",
        &[ValueRef::Text("none"), ValueRef::Int(0)],
    );
}

#[test]
fn string_functions() {
    let q = select((
        lower(Name),
        upper(Nick),
        trim(Dept),
        length(Name),
        length(Nick),
        substr(Name, 2, 3),
        replace(Dept, "-", "_"),
    ));
    returns::<
        (
            Text,
            Nullable<Text>,
            Text,
            Integer,
            Nullable<Integer>,
            Text,
            Varchar<10>,
        ),
        _,
    >(&q);
    check(
        &q,
        r#"SELECT LOWER("emp"."name"), UPPER("emp"."nick"), TRIM("emp"."dept"), LENGTH("emp"."name"), LENGTH("emp"."nick"), SUBSTR("emp"."name", ?, ?), REPLACE("emp"."dept", ?, ?) FROM "emp""#,
        r#"SELECT LOWER("emp"."name"), UPPER("emp"."nick"), TRIM("emp"."dept"), CHAR_LENGTH("emp"."name"), CHAR_LENGTH("emp"."nick"), SUBSTRING("emp"."name", CAST($1 AS INTEGER), CAST($2 AS INTEGER)), REPLACE("emp"."dept", $3, $4) FROM "emp""#,
        "SELECT LOWER(`emp`.`name`), UPPER(`emp`.`nick`), TRIM(`emp`.`dept`), CHAR_LENGTH(`emp`.`name`), CHAR_LENGTH(`emp`.`nick`), SUBSTRING(`emp`.`name`, ?, ?), REPLACE(`emp`.`dept`, ?, ?) FROM `emp`",
        &[
            ValueRef::Int(2),
            ValueRef::Int(3),
            ValueRef::Text("-"),
            ValueRef::Text("_"),
        ],
    );
}

#[test]
fn string_functions_with_nullable_arguments_are_nullable() {
    let q = select((substr(Name, Age, nullif(Age, 1)), replace(Name, Nick, "x")));
    returns::<(Nullable<Text>, Nullable<Text>), _>(&q);
    check(
        &q,
        r#"SELECT SUBSTR("emp"."name", "emp"."age", NULLIF("emp"."age", ?)), REPLACE("emp"."name", "emp"."nick", ?) FROM "emp""#,
        r#"SELECT SUBSTRING("emp"."name", CAST("emp"."age" AS INTEGER), CAST(NULLIF("emp"."age", $1) AS INTEGER)), REPLACE("emp"."name", "emp"."nick", $2) FROM "emp""#,
        "SELECT SUBSTRING(`emp`.`name`, `emp`.`age`, NULLIF(`emp`.`age`, ?)), REPLACE(`emp`.`name`, `emp`.`nick`, ?) FROM `emp`",
        &[ValueRef::Int(1), ValueRef::Text("x")],
    );
}

#[test]
fn functions_nest_and_compare() {
    let q = select(Id).filter(lower(trim(Name)).eq("bob").and(length(Name).ge(3)));
    check(
        &q,
        r#"SELECT "emp"."id" FROM "emp" WHERE LOWER(TRIM("emp"."name")) = ? AND LENGTH("emp"."name") >= ?"#,
        r#"SELECT "emp"."id" FROM "emp" WHERE LOWER(TRIM("emp"."name")) = $1 AND CHAR_LENGTH("emp"."name") >= $2"#,
        "SELECT `emp`.`id` FROM `emp` WHERE LOWER(TRIM(`emp`.`name`)) = ? AND CHAR_LENGTH(`emp`.`name`) >= ?",
        &[ValueRef::Text("bob"), ValueRef::Int(3)],
    );
}

#[test]
fn numeric_functions() {
    let q = select((abs(Age), abs(Bonus), round(Salary, 2), round(Bonus, 0)));
    returns::<(Integer, Nullable<Double>, Double, Nullable<Double>), _>(&q);
    check(
        &q,
        r#"SELECT ABS("emp"."age"), ABS("emp"."bonus"), ROUND("emp"."salary", ?), ROUND("emp"."bonus", ?) FROM "emp""#,
        r#"SELECT ABS("emp"."age"), ABS("emp"."bonus"), CAST(ROUND(CAST("emp"."salary" AS NUMERIC), CAST($1 AS INTEGER)) AS DOUBLE PRECISION), CAST(ROUND(CAST("emp"."bonus" AS NUMERIC), CAST($2 AS INTEGER)) AS DOUBLE PRECISION) FROM "emp""#,
        "SELECT ABS(`emp`.`age`), ABS(`emp`.`bonus`), ROUND(`emp`.`salary`, ?), ROUND(`emp`.`bonus`, ?) FROM `emp`",
        &[ValueRef::Int(2), ValueRef::Int(0)],
    );
}

#[test]
fn round_of_an_integer_is_a_double() {
    let q = select(round(Age.mul(3), 0));
    returns::<Double, _>(&q);
    check(
        &q,
        r#"SELECT ROUND("emp"."age" * ?, ?) FROM "emp""#,
        r#"SELECT CAST(ROUND(CAST("emp"."age" * $1 AS NUMERIC), CAST($2 AS INTEGER)) AS DOUBLE PRECISION) FROM "emp""#,
        "SELECT ROUND(`emp`.`age` * ?, ?) FROM `emp`",
        &[ValueRef::Int(3), ValueRef::Int(0)],
    );
}

#[test]
fn date_parts() {
    let q = select((extract_year(Hired), extract_month(Hired), extract_day(Seen)))
        .filter(Hired.ge("2020-01-01"));
    returns::<(Integer, Integer, Nullable<Integer>), _>(&q);
    check(
        &q,
        r#"SELECT CAST(strftime('%Y', "emp"."hired") AS INTEGER), CAST(strftime('%m', "emp"."hired") AS INTEGER), CAST(strftime('%d', "emp"."seen") AS INTEGER) FROM "emp" WHERE "emp"."hired" >= ?"#,
        r#"SELECT CAST(EXTRACT(YEAR FROM "emp"."hired") AS INTEGER), CAST(EXTRACT(MONTH FROM "emp"."hired") AS INTEGER), CAST(EXTRACT(DAY FROM "emp"."seen") AS INTEGER) FROM "emp" WHERE "emp"."hired" >= $1"#,
        "SELECT EXTRACT(YEAR FROM `emp`.`hired`), EXTRACT(MONTH FROM `emp`.`hired`), EXTRACT(DAY FROM `emp`.`seen`) FROM `emp` WHERE `emp`.`hired` >= ?",
        &[ValueRef::Text("2020-01-01")],
    );
}

#[test]
fn date_part_of_a_cast() {
    let q = select(extract(DatePart::Year, cast::<Date, _>(Name)));
    returns::<Integer, _>(&q);
    check(
        &q,
        r#"SELECT CAST(strftime('%Y', CAST("emp"."name" AS TEXT)) AS INTEGER) FROM "emp""#,
        r#"SELECT CAST(EXTRACT(YEAR FROM CAST("emp"."name" AS DATE)) AS INTEGER) FROM "emp""#,
        "SELECT EXTRACT(YEAR FROM CAST(`emp`.`name` AS DATE)) FROM `emp`",
        &[],
    );
}

#[test]
fn func_escape_hatch() {
    let q = select((
        func::<Double, _>("sqrt", (Salary,)),
        func::<Nullable<Text>, _>("pg_catalog.concat_ws", ("-", Name, Nick)),
        func::<Double, _>("pi", ()),
    ));
    returns::<(Double, Nullable<Text>, Double), _>(&q);
    check(
        &q,
        r#"SELECT sqrt("emp"."salary"), pg_catalog.concat_ws(?, "emp"."name", "emp"."nick"), pi() FROM "emp""#,
        r#"SELECT sqrt("emp"."salary"), pg_catalog.concat_ws($1, "emp"."name", "emp"."nick"), pi() FROM "emp""#,
        "SELECT sqrt(`emp`.`salary`), pg_catalog.concat_ws(?, `emp`.`name`, `emp`.`nick`), pi() FROM `emp`",
        &[ValueRef::Text("-")],
    );
}

#[test]
fn func_refuses_names_that_are_not_identifiers() {
    for name in ["", "1x", "sqrt(1); DROP TABLE emp; --", "a b", "x\"y", "f`"] {
        let q = select(func::<Double, _>(name, (Salary,)));
        check_invalid(&q, "is not a SQL function name");
    }
    let owned = String::from("abs");
    let q = select(func::<Integer, _>(owned, (Age,)));
    check(
        &q,
        r#"SELECT abs("emp"."age") FROM "emp""#,
        r#"SELECT abs("emp"."age") FROM "emp""#,
        "SELECT abs(`emp`.`age`) FROM `emp`",
        &[],
    );
}

#[test]
fn ranking_functions() {
    let w = || window().partition_by(Dept).order_by(Salary.desc());
    let q = select((
        Name,
        row_number().over(w()),
        rank().over(w()),
        dense_rank().over(w()),
        ntile(3).over(window().order_by(Id)),
    ));
    returns::<(Text, BigInt, BigInt, BigInt, BigInt), _>(&q);
    let over = r#"OVER (PARTITION BY "emp"."dept" ORDER BY "emp"."salary" DESC)"#;
    let sql = format!(
        r#"SELECT "emp"."name", ROW_NUMBER() {over}, RANK() {over}, DENSE_RANK() {over}, NTILE(3) OVER (ORDER BY "emp"."id") FROM "emp""#
    );
    let my_over = "OVER (PARTITION BY `emp`.`dept` ORDER BY `emp`.`salary` DESC)";
    let mysql = format!(
        "SELECT `emp`.`name`, ROW_NUMBER() {my_over}, RANK() {my_over}, DENSE_RANK() {my_over}, NTILE(3) OVER (ORDER BY `emp`.`id`) FROM `emp`"
    );
    check(&q, &sql, &sql, &mysql, &[]);
}

#[test]
fn lag_and_lead_are_nullable() {
    let q = select((
        lag(Salary, 1).over(window().order_by(Id)),
        lead(Name, 2).over(
            window()
                .partition_by((Dept, Age))
                .order_by((Age, Id.desc())),
        ),
    ));
    returns::<(Nullable<Double>, Nullable<Text>), _>(&q);
    check(
        &q,
        r#"SELECT LAG("emp"."salary", 1) OVER (ORDER BY "emp"."id"), LEAD("emp"."name", 2) OVER (PARTITION BY "emp"."dept", "emp"."age" ORDER BY "emp"."age", "emp"."id" DESC) FROM "emp""#,
        r#"SELECT LAG("emp"."salary", 1) OVER (ORDER BY "emp"."id"), LEAD("emp"."name", 2) OVER (PARTITION BY "emp"."dept", "emp"."age" ORDER BY "emp"."age", "emp"."id" DESC) FROM "emp""#,
        "SELECT LAG(`emp`.`salary`, 1) OVER (ORDER BY `emp`.`id`), LEAD(`emp`.`name`, 2) OVER (PARTITION BY `emp`.`dept`, `emp`.`age` ORDER BY `emp`.`age`, `emp`.`id` DESC) FROM `emp`",
        &[],
    );
}

#[test]
fn aggregates_over_windows_with_frames() {
    use FrameBound::*;
    let q = select((
        sum(Salary).over(window()),
        avg(Salary).over(window().order_by(Id).rows_between(Preceding(2), CurrentRow)),
        count(Bonus).over(window().partition_by(Dept)),
        count_star().over(
            window()
                .partition_by(Dept)
                .range_between(UnboundedPreceding, UnboundedFollowing),
        ),
        min(Age).over(
            window()
                .order_by(Age)
                .range_between(Preceding(5), Following(5)),
        ),
        max(Salary).over(window().rows_between(CurrentRow, Following(1))),
    ));
    returns::<
        (
            Nullable<Double>,
            Nullable<Double>,
            BigInt,
            BigInt,
            Nullable<Integer>,
            Nullable<Double>,
        ),
        _,
    >(&q);
    check(
        &q,
        r#"SELECT SUM("emp"."salary") OVER (), AVG("emp"."salary") OVER (ORDER BY "emp"."id" ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), COUNT("emp"."bonus") OVER (PARTITION BY "emp"."dept"), COUNT(*) OVER (PARTITION BY "emp"."dept" RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), MIN("emp"."age") OVER (ORDER BY "emp"."age" RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING), MAX("emp"."salary") OVER (ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM "emp""#,
        r#"SELECT SUM("emp"."salary") OVER (), AVG("emp"."salary") OVER (ORDER BY "emp"."id" ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), COUNT("emp"."bonus") OVER (PARTITION BY "emp"."dept"), COUNT(*) OVER (PARTITION BY "emp"."dept" RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), MIN("emp"."age") OVER (ORDER BY "emp"."age" RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING), MAX("emp"."salary") OVER (ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM "emp""#,
        "SELECT SUM(`emp`.`salary`) OVER (), AVG(`emp`.`salary`) OVER (ORDER BY `emp`.`id` ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), COUNT(`emp`.`bonus`) OVER (PARTITION BY `emp`.`dept`), COUNT(*) OVER (PARTITION BY `emp`.`dept` RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), MIN(`emp`.`age`) OVER (ORDER BY `emp`.`age` RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING), MAX(`emp`.`salary`) OVER (ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM `emp`",
        &[],
    );
}

#[test]
fn window_functions_in_order_by_and_with_binds() {
    let q = select((
        Name,
        sum(Salary.mul(1.5)).over(window().partition_by(lower(Name))),
    ))
    .order_by(row_number().over(window().order_by(Salary)).desc());
    check(
        &q,
        r#"SELECT "emp"."name", SUM("emp"."salary" * ?) OVER (PARTITION BY LOWER("emp"."name")) FROM "emp" ORDER BY ROW_NUMBER() OVER (ORDER BY "emp"."salary") DESC"#,
        r#"SELECT "emp"."name", SUM("emp"."salary" * $1) OVER (PARTITION BY LOWER("emp"."name")) FROM "emp" ORDER BY ROW_NUMBER() OVER (ORDER BY "emp"."salary") DESC"#,
        "SELECT `emp`.`name`, SUM(`emp`.`salary` * ?) OVER (PARTITION BY LOWER(`emp`.`name`)) FROM `emp` ORDER BY ROW_NUMBER() OVER (ORDER BY `emp`.`salary`) DESC",
        &[ValueRef::Float(1.5)],
    );
}

#[test]
fn func_as_window_function() {
    let q = select(func::<Double, _>("percent_rank", ()).over(window().order_by(Salary)));
    check(
        &q,
        r#"SELECT percent_rank() OVER (ORDER BY "emp"."salary") FROM "emp""#,
        r#"SELECT percent_rank() OVER (ORDER BY "emp"."salary") FROM "emp""#,
        "SELECT percent_rank() OVER (ORDER BY `emp`.`salary`) FROM `emp`",
        &[],
    );
}

#[test]
fn invalid_windows_fail_to_render() {
    use FrameBound::*;
    let q = select(sum(Salary).over(window().rows_between(CurrentRow, Preceding(1))));
    check_invalid(&q, "ends before it starts");
    let q = select(sum(Salary).over(window().rows_between(UnboundedFollowing, UnboundedFollowing)));
    check_invalid(&q, "ends before it starts");
    let q =
        select(sum(Salary).over(window().range_between(UnboundedPreceding, UnboundedPreceding)));
    check_invalid(&q, "ends before it starts");
    let q = select(count(Name).distinct().over(window()));
    check_invalid(&q, "DISTINCT");
    let q = select(ntile(0).over(window()));
    check_invalid(&q, "at least one bucket");
    let q = select(lag(Salary, u64::MAX).over(window()));
    check_invalid(&q, "larger than any database accepts");
    let q = select(sum(Salary).over(window().rows_between(Preceding(1 << 63), CurrentRow)));
    check_invalid(&q, "larger than any database accepts");
    // The largest offset that fits is written as it is.
    let q = select(sum(Salary).over(window().rows_between(Preceding(i64::MAX as u64), CurrentRow)));
    let (sql, _) = render(&q, &Sqlite);
    assert!(
        sql.contains("ROWS BETWEEN 9223372036854775807 PRECEDING AND CURRENT ROW"),
        "{sql}"
    );
}

#[test]
fn nulls_first_and_last() {
    let q = select(Id).order_by((
        Bonus.desc().nulls_last(),
        Nick.asc().nulls_first(),
        coalesce(Bonus, 0.0).asc().nulls_last(),
        Salary.add(1.0).desc().nulls_first(),
        Age.gt(3).desc().nulls_first(),
    ));
    let binds = [ValueRef::Float(0.0), ValueRef::Float(1.0), ValueRef::Int(3)];
    // MySQL writes each expression twice, so its binds come twice.
    let mysql_binds = [
        ValueRef::Float(0.0),
        ValueRef::Float(0.0),
        ValueRef::Float(1.0),
        ValueRef::Float(1.0),
        ValueRef::Int(3),
        ValueRef::Int(3),
    ];
    check_each(
        &q,
        [
            (
                &Sqlite,
                r#"SELECT "emp"."id" FROM "emp" ORDER BY "emp"."bonus" DESC NULLS LAST, "emp"."nick" ASC NULLS FIRST, COALESCE("emp"."bonus", ?) ASC NULLS LAST, "emp"."salary" + ? DESC NULLS FIRST, "emp"."age" > ? DESC NULLS FIRST"#,
                &binds,
            ),
            (
                &Postgres,
                r#"SELECT "emp"."id" FROM "emp" ORDER BY "emp"."bonus" DESC NULLS LAST, "emp"."nick" ASC NULLS FIRST, COALESCE("emp"."bonus", $1) ASC NULLS LAST, "emp"."salary" + $2 DESC NULLS FIRST, "emp"."age" > $3 DESC NULLS FIRST"#,
                &binds,
            ),
            (
                &Mysql,
                "SELECT `emp`.`id` FROM `emp` ORDER BY `emp`.`bonus` DESC, `emp`.`nick` ASC, COALESCE(`emp`.`bonus`, ?) IS NULL ASC, COALESCE(`emp`.`bonus`, ?) ASC, `emp`.`salary` + ? IS NULL DESC, `emp`.`salary` + ? DESC, (`emp`.`age` > ?) IS NULL DESC, `emp`.`age` > ? DESC",
                &mysql_binds,
            ),
        ],
    );
}

#[test]
fn nulls_order_inside_a_window() {
    let q = select(rank().over(window().order_by(Bonus.desc().nulls_last())));
    check(
        &q,
        r#"SELECT RANK() OVER (ORDER BY "emp"."bonus" DESC NULLS LAST) FROM "emp""#,
        r#"SELECT RANK() OVER (ORDER BY "emp"."bonus" DESC NULLS LAST) FROM "emp""#,
        "SELECT RANK() OVER (ORDER BY `emp`.`bonus` DESC) FROM `emp`",
        &[],
    );
}

#[test]
fn date_ddl() {
    use sqlalgebra::schema::create_table;
    let ddl = |d: &dyn Dialect| create_table::<Emp>().statements(d).unwrap().join("; ");
    let sqlite = ddl(&Sqlite);
    assert!(
        sqlite.contains(
            r#""hired" DATE NOT NULL, "nick" TEXT, "age" INTEGER NOT NULL, "seen" TIMESTAMP, "#
        ),
        "{sqlite}"
    );
    let pg = ddl(&Postgres);
    assert!(
        pg.contains(
            r#""hired" DATE NOT NULL, "nick" TEXT, "age" INTEGER NOT NULL, "seen" TIMESTAMP, "#
        ),
        "{pg}"
    );
    let my = ddl(&Mysql);
    assert!(
        my.contains(
            "`hired` DATE NOT NULL, `nick` LONGTEXT, `age` INT NOT NULL, `seen` DATETIME(6), "
        ),
        "{my}"
    );
}
