//! Exact SQL of mixed numeric and text types in SQLite, PostgreSQL and
//! MySQL side by side (issue 17, items 6 to 8; issue 22, item 1): the
//! casts and operators each dialect needs, and nothing where none does.

use sqlalgebra::ErrorKind;
use sqlalgebra::prelude::*;
use sqlalgebra::render::{Dialect, SqlKey};
use sqlalgebra::schema::create_table;
use sqlalgebra::types::SqlKind;
use sqlalgebra::value::ValueRef as V;
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

#[derive(Clone, Copy, Debug, Default)]
struct Items;
impl Table for Items {
    const NAME: &'static str = "items";
    type Columns = (Id, Qty, Small, Price, Amount, Ratio, Code, Name, Note);
    type PrimaryKey = Id;
}

macro_rules! column {
    ($name:ident, $sql:literal, $ty:ty) => {
        #[derive(Clone, Copy, Debug, Default)]
        struct $name;
        impl Column for $name {
            type Table = Items;
            type SqlType = $ty;
            const NAME: &'static str = $sql;
        }
    };
}
column!(Id, "id", BigInt);
column!(Qty, "qty", Integer);
column!(Small, "small", SmallInt);
column!(Price, "price", Numeric<10, 2>);
column!(Amount, "amount", Nullable<Numeric>);
column!(Ratio, "ratio", Double);
column!(Code, "code", Varchar<20>);
column!(Name, "name", Varchar<50>);
column!(Note, "note", Nullable<Text>);

const DIALECTS: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];

/// `SELECT <e> FROM "items"` in the three dialects, with `binds`; the SQL
/// cache's key walk collects the same binds.
#[track_caller]
fn check<S: Statement>(stmt: &S, sql: [&str; 3], binds: &[V<'_>]) {
    for (dialect, expected) in DIALECTS.into_iter().zip(sql) {
        let r = stmt
            .to_sql(dialect)
            .unwrap_or_else(|e| panic!("{}: {e}", dialect.name()));
        assert_eq!(r.sql, expected, "SQL for {}", dialect.name());
        assert_eq!(&r.binds[..], binds, "binds for {}", dialect.name());
        let mut key = SqlKey::for_dialect(dialect);
        if stmt.sql_key(&mut key) {
            assert_eq!(key.binds(), binds, "key binds for {}", dialect.name());
        }
    }
}

#[test]
fn numeric_integer_arithmetic_needs_no_cast() {
    check(
        &select(Qty.mul(Price)),
        [
            r#"SELECT "items"."qty" * "items"."price" FROM "items""#,
            r#"SELECT "items"."qty" * "items"."price" FROM "items""#,
            "SELECT `items`.`qty` * `items`.`price` FROM `items`",
        ],
        &[],
    );
    // `1 - ratio`: the literal is bound.
    check(
        &select(literal(1).sub(Ratio)),
        [
            r#"SELECT ? - "items"."ratio" FROM "items""#,
            r#"SELECT $1 - "items"."ratio" FROM "items""#,
            "SELECT ? - `items`.`ratio` FROM `items`",
        ],
        &[V::Int(1)],
    );
}

#[test]
fn integer_literal_on_a_numeric_column_is_a_numeric_bind() {
    check(
        &select(Id).filter(Price.gt(400)),
        [
            r#"SELECT "items"."id" FROM "items" WHERE "items"."price" > CAST(? AS NUMERIC)"#,
            r#"SELECT "items"."id" FROM "items" WHERE "items"."price" > $1"#,
            "SELECT `items`.`id` FROM `items` WHERE `items`.`price` > ?",
        ],
        &[V::Int(400)],
    );
}

#[test]
fn sqlite_casts_a_decimal_compared_with_a_number() {
    // SQLite's decimals are text: compared with an expression of no
    // affinity they would compare as text.
    check(
        &select(Id).filter(Price.gt(Qty.add(Small))),
        [
            r#"SELECT "items"."id" FROM "items" WHERE CAST("items"."price" AS NUMERIC) > "items"."qty" + "items"."small""#,
            r#"SELECT "items"."id" FROM "items" WHERE "items"."price" > "items"."qty" + "items"."small""#,
            "SELECT `items`.`id` FROM `items` WHERE `items`.`price` > `items`.`qty` + `items`.`small`",
        ],
        &[],
    );
    check(
        &select(Id).filter(Ratio.le(Amount)),
        [
            r#"SELECT "items"."id" FROM "items" WHERE "items"."ratio" <= CAST("items"."amount" AS NUMERIC)"#,
            r#"SELECT "items"."id" FROM "items" WHERE "items"."ratio" <= "items"."amount""#,
            "SELECT `items`.`id` FROM `items` WHERE `items`.`ratio` <= `items`.`amount`",
        ],
        &[],
    );
    // Two decimals: both.
    check(
        &select(Id).filter(Price.ne(Amount)),
        [
            r#"SELECT "items"."id" FROM "items" WHERE CAST("items"."price" AS NUMERIC) <> CAST("items"."amount" AS NUMERIC)"#,
            r#"SELECT "items"."id" FROM "items" WHERE "items"."price" <> "items"."amount""#,
            "SELECT `items`.`id` FROM `items` WHERE `items`.`price` <> `items`.`amount`",
        ],
        &[],
    );
    // Integers of different widths: nothing anywhere.
    check(
        &select(Id).filter(Small.lt(Qty).and(Qty.eq(Id))),
        [
            r#"SELECT "items"."id" FROM "items" WHERE "items"."small" < "items"."qty" AND "items"."qty" = "items"."id""#,
            r#"SELECT "items"."id" FROM "items" WHERE "items"."small" < "items"."qty" AND "items"."qty" = "items"."id""#,
            "SELECT `items`.`id` FROM `items` WHERE `items`.`small` < `items`.`qty` AND `items`.`qty` = `items`.`id`",
        ],
        &[],
    );
}

#[test]
fn integer_division_is_div_on_mysql() {
    check(
        &select(Qty.div(Small)),
        [
            r#"SELECT "items"."qty" / "items"."small" FROM "items""#,
            r#"SELECT "items"."qty" / "items"."small" FROM "items""#,
            "SELECT `items`.`qty` DIV `items`.`small` FROM `items`",
        ],
        &[],
    );
    // Not with a float.
    check(
        &select(Qty.div(Ratio)),
        [
            r#"SELECT "items"."qty" / "items"."ratio" FROM "items""#,
            r#"SELECT "items"."qty" / "items"."ratio" FROM "items""#,
            "SELECT `items`.`qty` / `items`.`ratio` FROM `items`",
        ],
        &[],
    );
}

#[test]
fn decimal_division_is_not_an_integer_one_on_sqlite() {
    check(
        &select(Price.div(Qty)),
        [
            r#"SELECT CAST("items"."price" AS REAL) / "items"."qty" FROM "items""#,
            r#"SELECT "items"."price" / "items"."qty" FROM "items""#,
            "SELECT `items`.`price` / `items`.`qty` FROM `items`",
        ],
        &[],
    );
}

#[test]
fn text_types_mix() {
    check(
        &select(Code.concat(Name)).filter(Code.eq(Name)),
        [
            r#"SELECT "items"."code" || "items"."name" FROM "items" WHERE "items"."code" = "items"."name""#,
            r#"SELECT "items"."code" || "items"."name" FROM "items" WHERE "items"."code" = "items"."name""#,
            "SELECT CONCAT(`items`.`code`, `items`.`name`) FROM `items` WHERE `items`.`code` = `items`.`name`",
        ],
        &[],
    );
    // Concatenation is Text, nullable when a side is.
    fn text<Q: Query<SqlType = Text>>(_: &Q) {}
    fn nullable_text<Q: Query<SqlType = Nullable<Text>>>(_: &Q) {}
    text(&select(Code.concat(Name)));
    nullable_text(&select(Code.concat(Note)));
    nullable_text(&select(Note.concat(Code)));
}

#[test]
fn i64_binds_on_integer_columns() {
    check(
        &select(Id).filter(Qty.eq(7i64)),
        [
            r#"SELECT "items"."id" FROM "items" WHERE "items"."qty" = ?"#,
            r#"SELECT "items"."id" FROM "items" WHERE "items"."qty" = $1"#,
            "SELECT `items`.`id` FROM `items` WHERE `items`.`qty` = ?",
        ],
        &[V::Int(7)],
    );
    check(
        &update(Items).set(Qty.set(8i64)).filter(Id.eq(1)),
        [
            r#"UPDATE "items" SET "qty" = ? WHERE "items"."id" = ?"#,
            r#"UPDATE "items" SET "qty" = $1 WHERE "items"."id" = $2"#,
            "UPDATE `items` SET `qty` = ? WHERE `items`.`id` = ?",
        ],
        &[V::Int(8), V::Int(1)],
    );
}

#[test]
fn out_of_range_binds_are_typed_errors() {
    let too_big = 1i64 << 31;
    let cases: [(Box<dyn Fn(&dyn Dialect) -> sqlalgebra::Result<()>>, i64); 4] = [
        (
            Box::new(move |d| select(Id).filter(Qty.eq(too_big)).to_sql(d).map(drop)),
            too_big,
        ),
        (
            Box::new(move |d| select(Id).filter(Qty.in_([1, too_big])).to_sql(d).map(drop)),
            too_big,
        ),
        (
            Box::new(|d| update(Items).set(Small.set(40_000i64)).to_sql(d).map(drop)),
            40_000,
        ),
        (
            Box::new(|d| {
                insert_into(Items)
                    .values(Qty.set(i64::MIN))
                    .to_sql(d)
                    .map(drop)
            }),
            i64::MIN,
        ),
    ];
    for (case, value) in &cases {
        for d in DIALECTS {
            match case(d).map_err(sqlalgebra::Error::into_kind) {
                Err(ErrorKind::ValueOutOfRange { value: v, sql_type }) => {
                    assert_eq!(v, *value, "{}", d.name());
                    assert!(
                        matches!(sql_type, SqlKind::Integer | SqlKind::SmallInt),
                        "{sql_type:?}"
                    );
                }
                other => panic!("{}: expected ValueOutOfRange, got {other:?}", d.name()),
            }
        }
    }
    // At the edges: fine.
    for d in DIALECTS {
        assert!(
            select(Id)
                .filter(Qty.eq(i64::from(i32::MAX)))
                .to_sql(d)
                .is_ok()
        );
        assert!(
            select(Id)
                .filter(Small.eq(i64::from(i16::MIN)))
                .to_sql(d)
                .is_ok()
        );
    }
}

#[test]
fn numeric_precision_in_ddl() {
    let expected = [
        r#"CREATE TABLE IF NOT EXISTS "items" ("id" BIGINT NOT NULL, "qty" INTEGER NOT NULL, "small" SMALLINT NOT NULL, "price" TEXT(10, 2) NOT NULL, "amount" TEXT, "ratio" DOUBLE PRECISION NOT NULL, "code" VARCHAR(20) NOT NULL, "name" VARCHAR(50) NOT NULL, "note" TEXT, PRIMARY KEY ("id"))"#,
        r#"CREATE TABLE IF NOT EXISTS "items" ("id" BIGINT NOT NULL, "qty" INTEGER NOT NULL, "small" SMALLINT NOT NULL, "price" NUMERIC(10, 2) NOT NULL, "amount" NUMERIC, "ratio" DOUBLE PRECISION NOT NULL, "code" VARCHAR(20) NOT NULL, "name" VARCHAR(50) NOT NULL, "note" TEXT, PRIMARY KEY ("id"))"#,
        "CREATE TABLE IF NOT EXISTS `items` (`id` BIGINT NOT NULL, `qty` INT NOT NULL, `small` SMALLINT NOT NULL, `price` DECIMAL(10, 2) NOT NULL, `amount` DECIMAL(65, 30), `ratio` DOUBLE NOT NULL, `code` VARCHAR(20) NOT NULL, `name` VARCHAR(50) NOT NULL, `note` LONGTEXT, PRIMARY KEY (`id`))",
    ];
    for (d, want) in DIALECTS.into_iter().zip(expected) {
        let got = create_table::<Items>().statements(d).unwrap();
        assert_eq!(got, [want], "DDL for {}", d.name());
    }
    // CAST to a Numeric<P, S>.
    check(
        &select(cast::<Numeric<12, 4>, _>(Ratio)),
        [
            r#"SELECT CAST("items"."ratio" AS NUMERIC) FROM "items""#,
            r#"SELECT CAST("items"."ratio" AS NUMERIC(12, 4)) FROM "items""#,
            "SELECT CAST(`items`.`ratio` AS DECIMAL(12, 4)) FROM `items`",
        ],
        &[],
    );
}
