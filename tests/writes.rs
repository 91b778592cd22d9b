//! INSERT ... SELECT, multi-row INSERT split under the bind limit,
//! RETURNING and upserts: exact SQL in three dialects, execution on every
//! backend.

mod common;

use common::on_all_backends;
use sqlalgebra::prelude::*;
use sqlalgebra::query::excluded;
use sqlalgebra::render::{Dialect, WriteKind};
use sqlalgebra::{Backend, Engine, Error, ErrorKind, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

#[derive(Clone, Copy, Debug, Default)]
struct Stock;
impl Table for Stock {
    const NAME: &'static str = "stock";
    type Columns = (stock::Id, stock::Sku, stock::Qty);
    type PrimaryKey = stock::Id;
}
mod stock {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Sku;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Qty;
    impl Column for Id {
        type Table = super::Stock;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for Sku {
        type Table = super::Stock;
        type SqlType = Varchar<32>;
        const NAME: &'static str = "sku";
        const UNIQUE: bool = true;
    }
    impl Column for Qty {
        type Table = super::Stock;
        type SqlType = BigInt;
        const NAME: &'static str = "qty";
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Archive;
impl Table for Archive {
    const NAME: &'static str = "archive";
    type Columns = (archive::Sku, archive::Qty);
    type PrimaryKey = archive::Sku;
}
mod archive {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Sku;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Qty;
    impl Column for Sku {
        type Table = super::Archive;
        type SqlType = Varchar<32>;
        const NAME: &'static str = "sku";
    }
    impl Column for Qty {
        type Table = super::Archive;
        type SqlType = BigInt;
        const NAME: &'static str = "qty";
    }
}

fn sql3<S: Statement>(s: &S) -> [Result<String>; 3] {
    let d: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];
    d.map(|d| s.to_sql(d).map(|r| r.sql))
}

#[test]
fn upserts_render_per_dialect() {
    let q = insert_into(Stock)
        .values((stock::Sku.set("a"), stock::Qty.set(1)))
        .on_conflict(stock::Sku)
        .do_update(stock::Qty.set(stock::Qty.add(excluded(stock::Qty))));
    let [s, p, m] = sql3(&q);
    assert_eq!(
        s.unwrap(),
        r#"INSERT INTO "stock" ("sku", "qty") VALUES (?, ?) ON CONFLICT ("sku") DO UPDATE SET "qty" = "stock"."qty" + excluded."qty""#
    );
    assert_eq!(
        p.unwrap(),
        r#"INSERT INTO "stock" ("sku", "qty") VALUES ($1, $2) ON CONFLICT ("sku") DO UPDATE SET "qty" = "stock"."qty" + EXCLUDED."qty""#
    );
    assert_eq!(
        m.unwrap(),
        "INSERT INTO `stock` (`sku`, `qty`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `qty` = `stock`.`qty` + VALUES(`qty`)"
    );
    let q = insert_into(Stock)
        .values((stock::Sku.set("a"), stock::Qty.set(1)))
        .on_conflict(stock::Sku)
        .do_nothing();
    let [s, p, m] = sql3(&q);
    assert!(s.unwrap().ends_with(r#"ON CONFLICT ("sku") DO NOTHING"#));
    assert!(
        p.unwrap()
            .ends_with(r#"VALUES ($1, $2) ON CONFLICT ("sku") DO NOTHING"#)
    );
    assert!(
        m.unwrap()
            .ends_with("ON DUPLICATE KEY UPDATE `sku` = `sku`")
    );
}

#[test]
fn returning_renders_or_is_refused_on_mysql() {
    let q = insert_into(Stock)
        .values((stock::Sku.set("a"), stock::Qty.set(1)))
        .returning((stock::Id, stock::Qty));
    let [s, p, m] = sql3(&q);
    assert_eq!(
        s.unwrap(),
        r#"INSERT INTO "stock" ("sku", "qty") VALUES (?, ?) RETURNING "id", "qty""#
    );
    assert_eq!(
        p.unwrap(),
        r#"INSERT INTO "stock" ("sku", "qty") VALUES ($1, $2) RETURNING "id", "qty""#
    );
    assert!(matches!(
        m.as_ref().map_err(Error::kind),
        Err(ErrorKind::Unsupported {
            feature: "INSERT ... RETURNING",
            ..
        })
    ));
    let q = update(Stock)
        .set(stock::Qty.set(0))
        .filter(stock::Sku.eq("a"))
        .returning(stock::Id);
    assert_eq!(
        q.to_sql(&Postgres).unwrap().sql,
        r#"UPDATE "stock" SET "qty" = $1 WHERE "stock"."sku" = $2 RETURNING "id""#
    );
    let q = delete_from(Stock).returning(stock::Sku);
    assert_eq!(
        q.to_sql(&Sqlite).unwrap().sql,
        r#"DELETE FROM "stock" RETURNING "sku""#
    );
}

#[test]
fn insert_select_renders() {
    let q = insert_into(Archive)
        .columns((archive::Sku, archive::Qty))
        .select(select((stock::Sku, stock::Qty)).filter(stock::Qty.eq(0)));
    let [s, p, _] = sql3(&q);
    assert_eq!(
        s.unwrap(),
        r#"INSERT INTO "archive" ("sku", "qty") SELECT "stock"."sku", "stock"."qty" FROM "stock" WHERE "stock"."qty" = ?"#
    );
    assert!(p.unwrap().ends_with(r#"WHERE "stock"."qty" = $1"#));
}

fn upsert_runs<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = engine.connect()?;
    create_all::<Stock>(&mut c)?;
    for _ in 0..3 {
        insert_into(Stock)
            .values((stock::Sku.set("apple"), stock::Qty.set(2)))
            .on_conflict(stock::Sku)
            .do_update(stock::Qty.set(stock::Qty.add(excluded(stock::Qty))))
            .execute(&mut c)?;
    }
    insert_into(Stock)
        .values((stock::Sku.set("apple"), stock::Qty.set(100)))
        .on_conflict(stock::Sku)
        .do_nothing()
        .execute(&mut c)?;
    let rows: Vec<(String, i64)> = select((stock::Sku, stock::Qty)).load(&mut c)?;
    assert_eq!(rows, [("apple".to_string(), 6)]);
    Ok(())
}

fn returning_runs_where_supported<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = engine.connect()?;
    create_all::<Stock>(&mut c)?;
    let q = insert_into(Stock)
        .values(vec![
            (stock::Sku.set("a"), stock::Qty.set(1)),
            (stock::Sku.set("b"), stock::Qty.set(2)),
        ])
        .returning((stock::Id, stock::Sku));
    if c.dialect().supports_returning(WriteKind::Insert) {
        let mut rows: Vec<(i64, String)> = q.load(&mut c)?;
        rows.sort();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].0 < rows[1].0);
        assert_eq!(rows[1].1, "b");
        let gone: Vec<String> = delete_from(Stock)
            .filter(stock::Qty.gt(1))
            .returning(stock::Sku)
            .load(&mut c)?;
        assert_eq!(gone, ["b"]);
    } else {
        assert!(matches!(
            q.load::<(i64, String), _>(&mut c)
                .as_ref()
                .map_err(sqlalgebra::Error::kind),
            Err(ErrorKind::Unsupported { .. })
        ));
        let n: i64 = select(count_star()).from(Stock).get(&mut c)?;
        assert_eq!(n, 0, "nothing was written");
    }
    Ok(())
}

fn insert_select_runs<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = engine.connect()?;
    create_all::<(Stock, Archive)>(&mut c)?;
    insert_into(Stock)
        .values(vec![
            (stock::Sku.set("a"), stock::Qty.set(0)),
            (stock::Sku.set("b"), stock::Qty.set(5)),
            (stock::Sku.set("c"), stock::Qty.set(0)),
        ])
        .execute(&mut c)?;
    let n = insert_into(Archive)
        .columns((archive::Sku, archive::Qty))
        .select(select((stock::Sku, stock::Qty)).filter(stock::Qty.eq(0)))
        .execute(&mut c)?;
    assert_eq!(n, 2);
    let deleted = delete_from(Stock)
        .filter(stock::Sku.in_(select(archive::Sku)))
        .execute(&mut c)?;
    assert_eq!(deleted, 2);
    let left: Vec<String> = select(stock::Sku).load(&mut c)?;
    assert_eq!(left, ["b"]);
    Ok(())
}

fn huge_insert_is_split_under_the_bind_limit<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = engine.connect()?;
    create_all::<Stock>(&mut c)?;
    let skus: Vec<String> = (0..200_000).map(|i| format!("sku-{i}")).collect();
    let rows: Vec<_> = skus
        .iter()
        .enumerate()
        .map(|(i, s)| (stock::Sku.set(s.as_str()), stock::Qty.set(i as i64)))
        .collect();
    let n = insert_into(Stock).values(rows).execute(&mut c)?;
    assert_eq!(n, 200_000);
    let (count, total): (i64, Option<i64>) = select((count_star(), sum(stock::Qty)))
        .from(Stock)
        .get(&mut c)?;
    assert_eq!(count, 200_000);
    assert_eq!(total, Some(199_999 * 200_000 / 2));

    // A failing chunk leaves nothing behind: all chunks are one transaction.
    let dup: Vec<_> = skus
        .iter()
        .take(100_000)
        .map(|s| (stock::Sku.set(format!("new-{s}")), stock::Qty.set(0)))
        .chain(std::iter::once((
            stock::Sku.set("sku-1".to_string()),
            stock::Qty.set(0),
        )))
        .collect();
    let err = insert_into(Stock).values(dup).execute(&mut c).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Constraint { .. }), "{err}");
    let count: i64 = select(count_star()).from(Stock).get(&mut c)?;
    assert_eq!(count, 200_000);
    Ok(())
}

on_all_backends!(
    upsert_runs,
    returning_runs_where_supported,
    insert_select_runs,
    huge_insert_is_split_under_the_bind_limit
);
