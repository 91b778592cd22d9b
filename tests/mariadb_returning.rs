//! RETURNING on MariaDB: INSERT and DELETE ... RETURNING from 10.5 on,
//! never UPDATE ... RETURNING, none on MySQL. Rendering for both flavours
//! (exact SQL and binds), and execution on the MariaDB server the tests
//! use, with the returned rows and the table contents afterwards.

mod common;

use sqlalgebra::prelude::*;
use sqlalgebra::query::DynamicBackend;
use sqlalgebra::render::{Dialect, WriteKind};
use sqlalgebra::value::ValueRef;
use sqlalgebra::{Connection, ErrorKind, Result};
use sqlalgebra_mysql::{MariaDb, Mysql, for_server_version};

#[derive(Clone, Copy, Debug, Default)]
struct Items;
impl Table for Items {
    const NAME: &'static str = "items";
    type Columns = (items::Id, items::Sku, items::Qty, items::Note);
    type PrimaryKey = items::Id;
}
mod items {
    use sqlalgebra::prelude::*;
    use sqlalgebra::schema::ColumnDefault;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Sku;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Qty;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Note;
    impl Column for Id {
        type Table = super::Items;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for Sku {
        type Table = super::Items;
        type SqlType = Varchar<16>;
        const NAME: &'static str = "sku";
        const UNIQUE: bool = true;
    }
    impl Column for Qty {
        type Table = super::Items;
        type SqlType = BigInt;
        const NAME: &'static str = "qty";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Int(7));
    }
    impl Column for Note {
        type Table = super::Items;
        type SqlType = Varchar<16>;
        const NAME: &'static str = "note";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Text("new"));
    }
}

const MARIADB: MariaDb = MariaDb::new(10, 11);
const OLD_MARIADB: MariaDb = MariaDb::new(10, 4);

fn refused(r: Result<sqlalgebra::render::Rendered<'_>>, dialect: &str, feature: &str) {
    match r.map_err(sqlalgebra::Error::into_kind) {
        Err(ErrorKind::Unsupported {
            dialect: d,
            feature: f,
        }) => {
            assert_eq!((d, f), (dialect, feature));
        }
        Err(other) => panic!("expected Unsupported, got {other}"),
        Ok(r) => panic!("expected Unsupported, rendered `{}`", r.sql),
    }
}

#[test]
fn insert_returning_renders_for_mariadb_only() {
    let q = insert_into(Items)
        .values(vec![items::Sku.set("a"), items::Sku.set("b")])
        .returning((items::Id, items::Sku, items::Qty));
    let r = q.to_sql(&MARIADB).unwrap();
    assert_eq!(
        r.sql,
        "INSERT INTO `items` (`sku`) VALUES (?), (?) RETURNING `id`, `sku`, `qty`"
    );
    assert_eq!(&r.binds[..], [ValueRef::Text("a"), ValueRef::Text("b")]);
    refused(q.to_sql(&Mysql), "mysql", "INSERT ... RETURNING");
    refused(q.to_sql(&OLD_MARIADB), "mariadb", "INSERT ... RETURNING");
    // 10.5 is the first version that has it.
    assert!(q.to_sql(&MariaDb::RETURNING).is_ok());
}

#[test]
fn delete_returning_renders_for_mariadb_only() {
    let q = delete_from(Items)
        .filter(items::Qty.gt(5))
        .returning(items::Sku);
    let r = q.to_sql(&MARIADB).unwrap();
    assert_eq!(
        r.sql,
        "DELETE FROM `items` WHERE `items`.`qty` > ? RETURNING `sku`"
    );
    assert_eq!(&r.binds[..], [ValueRef::Int(5)]);
    refused(q.to_sql(&Mysql), "mysql", "DELETE ... RETURNING");
    refused(q.to_sql(&OLD_MARIADB), "mariadb", "DELETE ... RETURNING");
}

#[test]
fn update_returning_is_refused_on_every_mysql_flavour() {
    let q = update(Items)
        .set(items::Qty.set(0))
        .filter(items::Sku.eq("a"))
        .returning(items::Id);
    refused(q.to_sql(&MARIADB), "mariadb", "UPDATE ... RETURNING");
    refused(q.to_sql(&Mysql), "mysql", "UPDATE ... RETURNING");
    assert!(q.to_sql(&sqlalgebra_postgres::Postgres).is_ok());
}

#[test]
fn upsert_returning_on_mariadb_only_when_it_updates() {
    let q = insert_into(Items)
        .values((items::Sku.set("a"), items::Qty.set(1)))
        .on_conflict(items::Sku)
        .do_update(items::Qty.set(items::Qty.add(1)))
        .returning((items::Sku, items::Qty));
    let r = q.to_sql(&MARIADB).unwrap();
    assert_eq!(
        r.sql,
        "INSERT INTO `items` (`sku`, `qty`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `qty` = `items`.`qty` + ? RETURNING `sku`, `qty`"
    );
    assert_eq!(
        &r.binds[..],
        [ValueRef::Text("a"), ValueRef::Int(1), ValueRef::Int(1)]
    );
    refused(q.to_sql(&Mysql), "mysql", "RETURNING on an upsert");
    // `ON DUPLICATE KEY UPDATE sku = sku` would return the existing row,
    // which PostgreSQL's ON CONFLICT DO NOTHING RETURNING leaves out.
    let q = insert_into(Items)
        .values(items::Sku.set("a"))
        .on_conflict(items::Sku)
        .do_nothing()
        .returning(items::Id);
    refused(
        q.to_sql(&MARIADB),
        "mariadb",
        "RETURNING on an upsert that does nothing on conflict",
    );
}

#[test]
fn the_flavour_comes_from_the_server_version() {
    let d = for_server_version("5.5.5-10.11.19-MariaDB-0+deb12u1");
    assert_eq!(d.name(), "mariadb");
    assert!(d.supports_returning(WriteKind::Insert));
    assert!(d.supports_returning(WriteKind::Delete));
    assert!(!d.supports_returning(WriteKind::Update));
    let d = for_server_version("10.4.34-MariaDB");
    assert!(!d.supports_returning(WriteKind::Insert));
    let d = for_server_version("8.0.36");
    assert_eq!(d.name(), "mysql");
    assert!(!d.supports_returning(WriteKind::Insert));
    assert!(!d.supports_returning(WriteKind::Delete));
    // Both flavours spell the rest alike.
    assert_eq!(MARIADB.quote_char(), Mysql.quote_char());
    assert_eq!(MARIADB.insert_default_values(), " () VALUES ()");
}

type Row4 = (i64, String, i64, String);

fn contents(c: &mut impl Connection) -> Result<Vec<Row4>> {
    select((items::Id, items::Sku, items::Qty, items::Note))
        .order_by(items::Id.asc())
        .load(c)
}

fn row(id: i64, sku: &str, qty: i64, note: &str) -> Row4 {
    (id, sku.to_owned(), qty, note.to_owned())
}

/// The server's own answer to `SELECT VERSION()`.
fn server_version(c: &mut impl Connection) -> Result<String> {
    text("SELECT VERSION()").returns::<Text>().get(c)
}

/// Whether `SELECT VERSION()` names MariaDB 10.5 or later (read here on
/// its own, not by the library's parser).
fn mariadb_from_10_5(version: &str) -> bool {
    let Some(number) = version.split('-').find(|part| part.starts_with("1")) else {
        return false;
    };
    let mut parts = number.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let major_minor = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    version.contains("-MariaDB") && major_minor >= (10, 5)
}

#[test]
fn mariadb_runs_insert_and_delete_returning() -> Result<()> {
    let Some(engine) = common::mysql("mariadb_runs_insert_and_delete_returning") else {
        return Ok(());
    };
    let mut c = engine.connect()?;
    // The connection's dialect is the server's.
    let version = server_version(&mut c)?;
    assert!(std::ptr::addr_eq(c.dialect(), for_server_version(&version)));
    create_all::<Items>(&mut c)?;
    let has_returning = mariadb_from_10_5(&version);
    assert_eq!(
        c.dialect().supports_returning(WriteKind::Insert),
        has_returning,
        "{version}"
    );
    if !has_returning {
        // MySQL, or MariaDB before 10.5: refused, and nothing written.
        let err = insert_into(Items)
            .values(items::Sku.set("a"))
            .returning(items::Id)
            .load::<i64, _>(&mut c)
            .unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Unsupported { .. }), "{err}");
        assert!(contents(&mut c)?.is_empty());
        return Ok(());
    }

    // Several rows: the keys the server assigned and its defaults.
    let inserted: Vec<Row4> = insert_into(Items)
        .values(vec![
            (items::Sku.set("a"), items::Qty.set(1)),
            (items::Sku.set("b"), items::Qty.set(2)),
            (items::Sku.set("c"), items::Qty.set(3)),
        ])
        .returning((items::Id, items::Sku, items::Qty, items::Note))
        .load(&mut c)?;
    assert_eq!(
        inserted,
        [
            row(1, "a", 1, "new"),
            row(2, "b", 2, "new"),
            row(3, "c", 3, "new")
        ]
    );
    // Server defaults for the columns not given; the same statement again
    // runs from the connection's SQL cache.
    for (sku, id) in [("d", 4), ("e", 5)] {
        let (got_id, qty, note): (i64, i64, String) = insert_into(Items)
            .values(items::Sku.set(sku))
            .returning((items::Id, items::Qty, items::Note))
            .get(&mut c)?;
        assert_eq!((got_id, qty, note.as_str()), (id, 7, "new"));
    }
    assert_eq!(
        contents(&mut c)?,
        [
            row(1, "a", 1, "new"),
            row(2, "b", 2, "new"),
            row(3, "c", 3, "new"),
            row(4, "d", 7, "new"),
            row(5, "e", 7, "new"),
        ]
    );

    // An upsert that updates returns the row as updated.
    let (sku, qty): (String, i64) = insert_into(Items)
        .values((items::Sku.set("a"), items::Qty.set(100)))
        .on_conflict(items::Sku)
        .do_update(items::Qty.set(items::Qty.add(10)))
        .returning((items::Sku, items::Qty))
        .get(&mut c)?;
    assert_eq!((sku.as_str(), qty), ("a", 11));

    // DELETE ... RETURNING: exactly the rows it deleted.
    let mut gone: Vec<(i64, String)> = delete_from(Items)
        .filter(items::Qty.gt(2).and(items::Qty.lt(10)))
        .returning((items::Id, items::Sku))
        .load(&mut c)?;
    gone.sort();
    assert_eq!(
        gone,
        [
            (3, "c".to_owned()),
            (4, "d".to_owned()),
            (5, "e".to_owned())
        ]
    );
    assert_eq!(
        contents(&mut c)?,
        [row(1, "a", 11, "new"), row(2, "b", 2, "new")]
    );
    // Nothing matched, nothing returned, nothing changed.
    let none: Vec<String> = delete_from(Items)
        .filter(items::Sku.eq("zzz"))
        .returning(items::Sku)
        .load(&mut c)?;
    assert!(none.is_empty());
    assert_eq!(contents(&mut c)?.len(), 2);
    Ok(())
}

#[test]
fn mariadb_refuses_update_returning_before_sending() -> Result<()> {
    let Some(engine) = common::mysql("mariadb_refuses_update_returning") else {
        return Ok(());
    };
    let mut c = engine.connect()?;
    create_all::<Items>(&mut c)?;
    insert_into(Items)
        .values(vec![
            (items::Sku.set("a"), items::Qty.set(1)),
            (items::Sku.set("b"), items::Qty.set(2)),
        ])
        .execute(&mut c)?;
    let before = contents(&mut c)?;
    // Through `Pooled<Mysql>` this does not compile
    // (`tests/compile-fail/ui/capability_update_returning_on_mysql.rs`);
    // through a connection whose type does not name its backend, it is
    // refused when rendered.
    let mut dynamic = DynamicBackend(c);
    let err = update(Items)
        .set(items::Qty.set(0))
        .filter(items::Sku.eq("a"))
        .returning((items::Id, items::Qty))
        .load::<(i64, i64), _>(&mut dynamic)
        .unwrap_err();
    let mut c = dynamic.0;
    let dialect = c.dialect().name();
    assert!(
        matches!(err.kind(), ErrorKind::Unsupported { feature: "UPDATE ... RETURNING", dialect: d } if *d == dialect),
        "{err}"
    );
    assert_eq!(contents(&mut c)?, before, "nothing was sent");
    // A render-only MySQL dialect refuses what this MariaDB connection
    // runs: the connection's cache holds texts for its own server only.
    let q = delete_from(Items)
        .filter(items::Sku.eq("b"))
        .returning(items::Id);
    if c.dialect().supports_returning(WriteKind::Delete) {
        let ids: Vec<i64> = q.load(&mut c)?;
        assert_eq!(ids, [2]);
        refused(q.to_sql(&Mysql), "mysql", "DELETE ... RETURNING");
        assert_eq!(contents(&mut c)?, [row(1, "a", 1, "new")]);
    }
    Ok(())
}
