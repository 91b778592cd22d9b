//! `Numeric` without the `rust_decimal` feature: loads into `String`,
//! compares and computes as a number on every backend. On SQLite a
//! decimal is text in the library's tables and a number in a column of
//! NUMERIC affinity (as other tools create them) and in every result of
//! `SUM` or arithmetic; the same statements give the same answers as on
//! PostgreSQL and MariaDB.

mod common;

use common::on_all_backends;
use sqlalgebra::prelude::*;
use sqlalgebra::value::ValueRef;
use sqlalgebra::{Backend, Connection, Engine, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

#[derive(Clone, Copy, Debug, Default)]
struct Prices;
impl Table for Prices {
    const NAME: &'static str = "prices";
    type Columns = (prices::Id, prices::Price, prices::Grp, prices::Label);
    type PrimaryKey = prices::Id;
}
mod prices {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Price;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Grp;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Label;
    impl Column for Id {
        type Table = super::Prices;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    impl Column for Price {
        type Table = super::Prices;
        type SqlType = Numeric;
        const NAME: &'static str = "price";
    }
    impl Column for Grp {
        type Table = super::Prices;
        type SqlType = BigInt;
        const NAME: &'static str = "grp";
    }
    impl Column for Label {
        type Table = super::Prices;
        type SqlType = Text;
        const NAME: &'static str = "label";
    }
}
use prices::{Grp, Id, Label, Price};

/// `(id, price, group, label)`: as text, `"9" > "10.5"` and `"1.10" <
/// "100" < "9"`; as numbers 1.10 < 9 < 10.5 < 100.
const ROWS: [(i64, &str, i64, &str); 4] = [
    (1, "9", 1, "9"),
    (2, "10.5", 1, "10.5"),
    (3, "1.10", 2, "1.50"),
    (4, "100", 2, "100"),
];

/// The decimal text without the trailing zeros of its fraction: PostgreSQL
/// keeps each value's scale (`120.60`), MySQL's DECIMAL(65, 30) has 30
/// decimals, SQLite's REAL results none of that (`120.6`).
fn norm(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s.to_owned()
    }
}

fn fill(c: &mut impl Connection) -> Result<()> {
    let rows: Vec<_> = ROWS
        .iter()
        .map(|&(id, price, grp, label)| {
            (Id.set(id), Price.set(price), Grp.set(grp), Label.set(label))
        })
        .collect();
    insert_into(Prices).values(rows).execute(c)?;
    Ok(())
}

/// The library's table on each backend.
fn library_table<B: Backend>(engine: &Engine<B>) -> Result<sqlalgebra::Pooled<B>> {
    let mut c = engine.connect()?;
    create_all::<Prices>(&mut c)?;
    fill(&mut c)?;
    Ok(c)
}

/// The same questions asked of a table holding [`ROWS`], with the same
/// answers wherever it is.
fn numeric_answers(c: &mut impl Connection) -> Result<()> {
    // SUM: a REAL on SQLite, loaded as its shortest text.
    let total: Option<String> = select(sum(Price)).from(Prices).get(c)?;
    assert_eq!(total.as_deref().map(norm).as_deref(), Some("120.6"));
    let per_group: Vec<(i64, Option<String>)> = select((Grp, sum(Price)))
        .group_by(Grp)
        .order_by(Grp.asc())
        .load(c)?;
    let per_group: Vec<_> = per_group
        .into_iter()
        .map(|(g, s)| (g, s.as_deref().map(norm)))
        .collect();
    assert_eq!(
        per_group,
        [(1, Some("19.5".to_owned())), (2, Some("101.1".to_owned()))]
    );

    // Arithmetic with a bound decimal.
    let doubled: Vec<(i64, String)> = select((Id, Price.mul("2"))).order_by(Id.asc()).load(c)?;
    let doubled: Vec<_> = doubled.into_iter().map(|(i, p)| (i, norm(&p))).collect();
    assert_eq!(
        doubled,
        [
            (1, "18".to_owned()),
            (2, "21".to_owned()),
            (3, "2.2".to_owned()),
            (4, "200".to_owned())
        ]
    );

    // Comparisons with a bound decimal are numeric: "9" > "10.5" as text.
    let ids = |q: Vec<i64>| q;
    let gt: Vec<i64> = select(Id)
        .filter(Price.gt("10.5"))
        .order_by(Id.asc())
        .load(c)?;
    assert_eq!(ids(gt), [4]);
    let le: Vec<i64> = select(Id)
        .filter(Price.le("9"))
        .order_by(Id.asc())
        .load(c)?;
    assert_eq!(le, [1, 3]);
    // 1.10 and 1.1 are the same number.
    let eq: Vec<i64> = select(Id).filter(Price.eq("1.1")).load(c)?;
    assert_eq!(eq, [3]);
    // IN lists too (SQLite would give the values the text column's
    // affinity: '1.10' is not '1.1' as text).
    let listed: Vec<i64> = select(Id)
        .filter(Price.in_(["1.1", "9.0"]))
        .order_by(Id.asc())
        .load(c)?;
    assert_eq!(listed, [1, 3]);
    let unlisted: Vec<i64> = select(Id)
        .filter(Price.not_in(["1.1", "100"]))
        .order_by(Id.asc())
        .load(c)?;
    assert_eq!(unlisted, [1, 2]);
    let between: Vec<i64> = select(Id)
        .filter(Price.between("2", "50"))
        .order_by(Id.asc())
        .load(c)?;
    assert_eq!(between, [1, 2]);
    // An aggregate and arithmetic compared with a bound decimal (on SQLite
    // a number and a text compare with the text always greater).
    let big: Vec<i64> = select(Grp)
        .group_by(Grp)
        .having(sum(Price).gt("100.5"))
        .load(c)?;
    assert_eq!(big, [2]);
    let cheap_doubled: Vec<i64> = select(Id)
        .filter(Price.mul("2").lt("20"))
        .order_by(Id.asc())
        .load(c)?;
    assert_eq!(cheap_doubled, [1, 3]);

    // CAST to Numeric is a number: it compares, sorts and multiplies as one.
    let by_number: Vec<String> = select(Label)
        .order_by(cast::<Numeric, _>(Label).asc())
        .load(c)?;
    assert_eq!(by_number, ["1.50", "9", "10.5", "100"]);
    let over: Vec<i64> = select(Id)
        .filter(cast::<Numeric, _>(Label).gt("9.5"))
        .order_by(Id.asc())
        .load(c)?;
    assert_eq!(over, [2, 4]);
    let cast_doubled: Vec<String> = select(cast::<Numeric, _>(Label).mul("2"))
        .filter(Id.eq(3))
        .load(c)?;
    assert_eq!(
        cast_doubled.iter().map(|s| norm(s)).collect::<Vec<_>>(),
        ["3"]
    );
    Ok(())
}

fn numeric_computes_and_compares_as_numbers<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = library_table(engine)?;
    numeric_answers(&mut c)?;
    // The library's tables keep each value as written (SQLite stores the
    // text; MySQL pads to 30 decimals).
    let stored: Vec<String> = select(Price).order_by(Id.asc()).load(&mut c)?;
    let stored: Vec<_> = stored.iter().map(|s| norm(s)).collect();
    assert_eq!(stored, ["9", "10.5", "1.1", "100"]);
    if c.dialect().name() != "mysql" && c.dialect().name() != "mariadb" {
        let exact: String = select(Price).filter(Id.eq(3)).get(&mut c)?;
        assert_eq!(exact, "1.10");
    }
    Ok(())
}

/// Writes keep the decimal as given: a bound decimal is cast only where it
/// is compared or computed with, never where it is stored.
fn numeric_writes_store_the_text<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = library_table(engine)?;
    let n = update(Prices)
        .set(Price.set("2.50"))
        .filter(Price.lt("5"))
        .execute(&mut c)?;
    assert_eq!(n, 1, "only 1.10 is below 5");
    let rows: Vec<(i64, String)> = select((Id, Price)).order_by(Id.asc()).load(&mut c)?;
    let rows: Vec<_> = rows.into_iter().map(|(i, p)| (i, norm(&p))).collect();
    assert_eq!(
        rows,
        [
            (1, "9".to_owned()),
            (2, "10.5".to_owned()),
            (3, "2.5".to_owned()),
            (4, "100".to_owned())
        ]
    );
    if c.dialect().name() == "sqlite" {
        let exact: String = select(Price).filter(Id.eq(3)).get(&mut c)?;
        assert_eq!(exact, "2.50", "stored as written, scale kept");
    }
    let n = delete_from(Prices).filter(Price.ge("10")).execute(&mut c)?;
    assert_eq!(n, 2);
    let left: Vec<i64> = select(Id).order_by(Id.asc()).load(&mut c)?;
    assert_eq!(left, [1, 3]);
    Ok(())
}

on_all_backends!(
    numeric_computes_and_compares_as_numbers,
    numeric_writes_store_the_text
);

/// A table as other tools make it on SQLite: `price NUMERIC`, whose
/// cells are INTEGER or REAL.
#[test]
fn sqlite_numeric_affinity_columns_load_and_compare() -> Result<()> {
    let engine = common::sqlite("numeric_affinity");
    let mut c = engine.connect()?;
    c.batch_execute(
        "CREATE TABLE prices (id BIGINT PRIMARY KEY, price NUMERIC NOT NULL, \
         grp BIGINT NOT NULL, label TEXT NOT NULL)",
    )?;
    fill(&mut c)?;
    let kinds: Vec<String> = text("SELECT typeof(price) FROM prices ORDER BY id")
        .returns::<Text>()
        .load(&mut c)?;
    assert_eq!(kinds, ["integer", "real", "real", "integer"]);
    // Integers as their digits, floats as the shortest text that reads
    // back as the same float (the column made 1.10 the float 1.1).
    let loaded: Vec<String> = select(Price).order_by(Id.asc()).load(&mut c)?;
    assert_eq!(loaded, ["9", "10.5", "1.1", "100"]);
    numeric_answers(&mut c)?;
    // A float that is no short decimal (from exact doubles: SQLite's own
    // parsing of decimal text rounds differently across versions).
    let odd: String = text("SELECT :a + :b")
        .bind("a", 0.1f64)
        .bind("b", 0.2f64)
        .returns::<Numeric>()
        .get(&mut c)?;
    assert_eq!(odd, "0.30000000000000004");
    assert_eq!(odd.parse::<f64>().unwrap(), 0.1 + 0.2, "round-trips");
    let tiny: String = text("SELECT CAST(1e-7 AS REAL)")
        .returns::<Numeric>()
        .get(&mut c)?;
    assert_eq!(tiny, "0.0000001", "no exponent");
    Ok(())
}

#[test]
fn numeric_binds_and_casts_render_per_dialect() {
    let q = select(Id).filter(Price.gt("10.5"));
    let r = q.to_sql(&Sqlite).unwrap();
    assert_eq!(
        r.sql,
        r#"SELECT "prices"."id" FROM "prices" WHERE "prices"."price" > CAST(? AS NUMERIC)"#
    );
    assert_eq!(&r.binds[..], [ValueRef::Text("10.5")]);
    assert_eq!(
        q.to_sql(&Postgres).unwrap().sql,
        r#"SELECT "prices"."id" FROM "prices" WHERE "prices"."price" > $1"#
    );
    assert_eq!(
        q.to_sql(&Mysql).unwrap().sql,
        "SELECT `prices`.`id` FROM `prices` WHERE `prices`.`price` > ?"
    );

    // Stored values are bound as they are, to keep their digits.
    let q = insert_into(Prices).values((Id.set(1), Price.set("1.10"), Grp.set(1), Label.set("x")));
    let r = q.to_sql(&Sqlite).unwrap();
    assert_eq!(
        r.sql,
        r#"INSERT INTO "prices" ("id", "price", "grp", "label") VALUES (?, ?, ?, ?)"#
    );
    assert_eq!(r.binds[1], ValueRef::Text("1.10"));
    let q = update(Prices).set(Price.set("2.50")).filter(Price.lt("5"));
    assert_eq!(
        q.to_sql(&Sqlite).unwrap().sql,
        r#"UPDATE "prices" SET "price" = ? WHERE "prices"."price" < CAST(? AS NUMERIC)"#
    );
    // Arithmetic in SET is computed, so its bound decimal is cast.
    let q = update(Prices).set(Price.set(Price.mul("1.5")));
    assert_eq!(
        q.to_sql(&Sqlite).unwrap().sql,
        r#"UPDATE "prices" SET "price" = "prices"."price" * CAST(? AS NUMERIC)"#
    );

    let q = select(Id).filter(Price.in_(["1.1", "9"]));
    assert_eq!(
        q.to_sql(&Sqlite).unwrap().sql,
        r#"SELECT "prices"."id" FROM "prices" WHERE CAST("prices"."price" AS NUMERIC) IN (CAST(? AS NUMERIC), CAST(? AS NUMERIC))"#
    );
    assert_eq!(
        q.to_sql(&Postgres).unwrap().sql,
        r#"SELECT "prices"."id" FROM "prices" WHERE "prices"."price" = ANY($1)"#
    );
    assert_eq!(
        q.to_sql(&Mysql).unwrap().sql,
        "SELECT `prices`.`id` FROM `prices` WHERE `prices`.`price` IN (?, ?)"
    );

    let q = select(cast::<Numeric, _>(Label));
    assert_eq!(
        q.to_sql(&Sqlite).unwrap().sql,
        r#"SELECT CAST("prices"."label" AS NUMERIC) FROM "prices""#
    );
    assert_eq!(
        q.to_sql(&Postgres).unwrap().sql,
        r#"SELECT CAST("prices"."label" AS NUMERIC) FROM "prices""#
    );
    assert_eq!(
        q.to_sql(&Mysql).unwrap().sql,
        "SELECT CAST(`prices`.`label` AS DECIMAL(65, 30)) FROM `prices`"
    );
}
