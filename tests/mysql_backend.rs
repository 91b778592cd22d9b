//! Live tests of the MySQL / MariaDB backend: type round trips, the
//! statement cache, error classification, deadlocks, lost connections,
//! concurrency and the pool.
//!
//! They need a server at `SQLALGEBRA_MYSQL_URL` (default
//! `mysql://root@127.0.0.1:3306/test`); without one each test prints
//! `SKIPPED` and passes, unless `SQLALGEBRA_REQUIRE_SERVERS=1`.

mod common;

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use sqlalgebra::engine::Backend;
use sqlalgebra::prelude::*;
use sqlalgebra::{ConstraintKind, Error, ErrorKind, Result};
use sqlalgebra_mysql::{Mysql, MysqlConnection};

/// Declares a column on a unit struct.
macro_rules! column {
    ($name:ident, $table:ty, $st:ty, $sql:literal) => {
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;
        impl Column for $name {
            type Table = $table;
            type SqlType = $st;
            const NAME: &'static str = $sql;
        }
    };
    ($name:ident, $table:ty, $st:ty, $sql:literal, autoincrement) => {
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;
        impl Column for $name {
            type Table = $table;
            type SqlType = $st;
            const NAME: &'static str = $sql;
            const AUTOINCREMENT: bool = true;
        }
    };
}

/// One column of every base type, none nullable.
#[derive(Clone, Copy, Debug, Default)]
pub struct Kinds;
impl Table for Kinds {
    const NAME: &'static str = "kinds";
    type Columns = (
        kinds::Id,
        kinds::Big,
        kinds::Int,
        kinds::Small,
        kinds::Dbl,
        kinds::Flt,
        kinds::Flag,
        kinds::Txt,
        kinds::Bin,
    );
    type PrimaryKey = kinds::Id;
}

mod kinds {
    use sqlalgebra::prelude::*;
    column!(Id, super::Kinds, BigInt, "id", autoincrement);
    column!(Big, super::Kinds, BigInt, "big");
    column!(Int, super::Kinds, Integer, "int_");
    column!(Small, super::Kinds, SmallInt, "small");
    column!(Dbl, super::Kinds, Double, "dbl");
    column!(Flt, super::Kinds, Real, "flt");
    column!(Flag, super::Kinds, Bool, "flag");
    column!(Txt, super::Kinds, Text, "txt");
    column!(Bin, super::Kinds, Blob, "bin");
}

/// The same types, all nullable.
#[derive(Clone, Copy, Debug, Default)]
pub struct Maybe;
impl Table for Maybe {
    const NAME: &'static str = "maybe";
    type Columns = (
        maybe::Id,
        maybe::Big,
        maybe::Int,
        maybe::Small,
        maybe::Dbl,
        maybe::Flt,
        maybe::Flag,
        maybe::Txt,
        maybe::Bin,
    );
    type PrimaryKey = maybe::Id;
}

mod maybe {
    use sqlalgebra::prelude::*;
    column!(Id, super::Maybe, BigInt, "id", autoincrement);
    column!(Big, super::Maybe, Nullable<BigInt>, "big");
    column!(Int, super::Maybe, Nullable<Integer>, "int_");
    column!(Small, super::Maybe, Nullable<SmallInt>, "small");
    column!(Dbl, super::Maybe, Nullable<Double>, "dbl");
    column!(Flt, super::Maybe, Nullable<Real>, "flt");
    column!(Flag, super::Maybe, Nullable<Bool>, "flag");
    column!(Txt, super::Maybe, Nullable<Text>, "txt");
    column!(Bin, super::Maybe, Nullable<Blob>, "bin");
}

type KindsRow = (i64, i32, i16, f64, f32, bool, String, Vec<u8>);
type MaybeRow = (
    Option<i64>,
    Option<i32>,
    Option<i16>,
    Option<f64>,
    Option<f32>,
    Option<bool>,
    Option<String>,
    Option<Vec<u8>>,
);

fn insert_kinds<C: Connection>(conn: &mut C, r: &KindsRow) -> Result<i64> {
    insert_into(Kinds)
        .values((
            kinds::Big.set(r.0),
            kinds::Int.set(r.1),
            kinds::Small.set(r.2),
            kinds::Dbl.set(r.3),
            kinds::Flt.set(r.4),
            kinds::Flag.set(r.5),
            kinds::Txt.set(&r.6),
            kinds::Bin.set(&r.7[..]),
        ))
        .execute(conn)?;
    conn.last_insert_id()?
        .ok_or_else(|| ErrorKind::NotFound.into())
}

fn load_kinds<C: Connection>(conn: &mut C, id: i64) -> Result<KindsRow> {
    select((
        kinds::Big,
        kinds::Int,
        kinds::Small,
        kinds::Dbl,
        kinds::Flt,
        kinds::Flag,
        kinds::Txt,
        kinds::Bin,
    ))
    .filter(kinds::Id.eq(id))
    .get(conn)
}

fn insert_maybe<C: Connection>(conn: &mut C, r: &MaybeRow) -> Result<i64> {
    insert_into(Maybe)
        .values((
            maybe::Big.set(r.0),
            maybe::Int.set(r.1),
            maybe::Small.set(r.2),
            maybe::Dbl.set(r.3),
            maybe::Flt.set(r.4),
            maybe::Flag.set(r.5),
            maybe::Txt.set(r.6.as_deref()),
            maybe::Bin.set(r.7.as_deref()),
        ))
        .execute(conn)?;
    conn.last_insert_id()?
        .ok_or_else(|| ErrorKind::NotFound.into())
}

fn load_maybe<C: Connection>(conn: &mut C, id: i64) -> Result<MaybeRow> {
    select((
        maybe::Big,
        maybe::Int,
        maybe::Small,
        maybe::Dbl,
        maybe::Flt,
        maybe::Flag,
        maybe::Txt,
        maybe::Bin,
    ))
    .filter(maybe::Id.eq(id))
    .get(conn)
}

/// A string of about `bytes` bytes mixing 1- to 4-byte characters.
fn long_text(bytes: usize) -> String {
    let pattern = "abc é ü 日本語 🦀 👍🏽 \u{10FFFF} ";
    let mut s = String::with_capacity(bytes + pattern.len());
    let mut i = 0u64;
    while s.len() < bytes {
        s.push_str(pattern);
        s.push_str(&i.to_string());
        i += 1;
    }
    s
}

/// A column's type as the server describes it.
fn column_info<C: Connection>(
    conn: &mut C,
    table: &str,
    column: &str,
) -> Result<(String, Option<String>)> {
    text(
        "SELECT COLUMN_TYPE, CHARACTER_SET_NAME FROM information_schema.COLUMNS \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = :t AND COLUMN_NAME = :c",
    )
    .bind("t", table)
    .bind("c", column)
    .returns::<(Text, Nullable<Text>)>()
    .get(conn)
}

#[test]
fn every_base_type_round_trips_with_edge_values() -> Result<()> {
    let Some(engine) = common::mysql("every_base_type_round_trips") else {
        return Ok(());
    };
    let mut conn = engine.connect()?;
    create_all::<(Kinds, Maybe)>(&mut conn)?;

    let rows: Vec<KindsRow> = vec![
        (0, 0, 0, 0.0, 0.0, false, String::new(), Vec::new()),
        (
            i64::MIN,
            i32::MIN,
            i16::MIN,
            f64::MIN,
            f32::MIN,
            true,
            "héllo wörld ✓ 日本語 🦀👍🏽 \u{10FFFF}".into(),
            vec![0, 0, 1, 0, 255, 0],
        ),
        (
            i64::MAX,
            i32::MAX,
            i16::MAX,
            f64::MAX,
            f32::MAX,
            false,
            "a\0b'\"\\`;--".into(),
            (0..=255u8).collect(),
        ),
        (
            -1,
            -1,
            -1,
            f64::MIN_POSITIVE,
            f32::MIN_POSITIVE,
            true,
            long_text(1 << 20),
            vec![0xff, 0xfe, 0x80, 0xc0],
        ),
        (
            1,
            1,
            1,
            -f64::EPSILON,
            0.1,
            false,
            " ".into(),
            vec![0; 1 << 20],
        ),
        (42, 42, 42, 0.1 + 0.2, -1.5, true, "x".into(), vec![0]),
    ];
    for row in &rows {
        let id = insert_kinds(&mut conn, row)?;
        let back = load_kinds(&mut conn, id)?;
        assert_eq!(back.0, row.0);
        assert_eq!(back.1, row.1);
        assert_eq!(back.2, row.2);
        assert_eq!(back.3.to_bits(), row.3.to_bits(), "{} vs {}", back.3, row.3);
        assert_eq!(back.4.to_bits(), row.4.to_bits(), "{} vs {}", back.4, row.4);
        assert_eq!(back.5, row.5);
        assert_eq!(back.6.len(), row.6.len());
        assert!(back.6 == row.6, "text differs");
        assert!(back.7 == row.7, "blob differs ({} bytes)", back.7.len());
    }
    // The 1 MB text really is stored as 4-byte UTF-8, not mangled.
    let emoji: i64 = text("SELECT COUNT(*) FROM kinds WHERE txt LIKE :p")
        .bind("p", "%🦀%")
        .returns::<BigInt>()
        .get(&mut conn)?;
    assert_eq!(emoji, 2);

    // Booleans are TINYINT(1); text is utf8mb4 LONGTEXT; blobs are binary.
    assert_eq!(column_info(&mut conn, "kinds", "flag")?.0, "tinyint(1)");
    assert_eq!(
        column_info(&mut conn, "kinds", "txt")?,
        ("longtext".into(), Some("utf8mb4".into()))
    );
    assert_eq!(
        column_info(&mut conn, "kinds", "bin")?,
        ("longblob".into(), None)
    );

    // Every nullable column, NULL and not.
    let maybes: Vec<MaybeRow> = vec![
        (None, None, None, None, None, None, None, None),
        (
            Some(i64::MIN),
            Some(i32::MAX),
            Some(i16::MIN),
            Some(f64::MAX),
            Some(f32::MIN_POSITIVE),
            Some(false),
            Some(String::new()),
            Some(Vec::new()),
        ),
        (
            Some(7),
            None,
            Some(3),
            None,
            Some(2.5),
            Some(true),
            Some("🦀".into()),
            None,
        ),
    ];
    for row in &maybes {
        let id = insert_maybe(&mut conn, row)?;
        assert_eq!(&load_maybe(&mut conn, id)?, row);
    }
    // Empty text and blobs are not NULL.
    let empty: i64 = text("SELECT COUNT(*) FROM maybe WHERE txt = '' AND bin IS NOT NULL")
        .returns::<BigInt>()
        .get(&mut conn)?;
    assert_eq!(empty, 1);
    Ok(())
}

#[test]
fn nan_and_infinity_are_refused_not_changed() -> Result<()> {
    let Some(engine) = common::mysql("nan_and_infinity_are_refused") else {
        return Ok(());
    };
    let mut conn = engine.connect()?;
    create_all::<(Kinds, Maybe)>(&mut conn)?;
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let row: KindsRow = (1, 1, 1, bad, 0.0, true, "t".into(), vec![]);
        let err = insert_kinds(&mut conn, &row).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Query { .. }), "{err:?}");
        assert!(err.to_string().contains("cannot store the float"), "{err}");
        let err = insert_maybe(
            &mut conn,
            &(None, None, None, None, Some(bad as f32), None, None, None),
        )
        .unwrap_err();
        assert!(err.to_string().contains("cannot store the float"), "{err}");
        // In a filter too.
        let err = select(count_star())
            .from(Kinds)
            .filter(kinds::Dbl.lt(bad))
            .get::<i64, _>(&mut conn)
            .unwrap_err();
        assert!(err.to_string().contains("only finite values"), "{err}");
    }
    let n: i64 = select(count_star()).from(Kinds).get(&mut conn)?;
    let m: i64 = select(count_star()).from(Maybe).get(&mut conn)?;
    assert_eq!((n, m), (0, 0));
    // The connection is still fine.
    let row: KindsRow = (1, 1, 1, 1.5, 0.0, true, "t".into(), vec![]);
    let id = insert_kinds(&mut conn, &row)?;
    assert_eq!(load_kinds(&mut conn, id)?, row);
    Ok(())
}

#[test]
fn aggregates_and_server_values_decode() -> Result<()> {
    let Some(engine) = common::mysql("aggregates_and_server_values") else {
        return Ok(());
    };
    let mut conn = engine.connect()?;
    create_all::<Kinds>(&mut conn)?;
    // SUM and AVG return DECIMAL: integral sums load as integers, averages
    // as floats.
    let none: Option<i64> = select(sum(kinds::Big)).get(&mut conn)?;
    assert_eq!(none, None);
    for big in [i64::MAX - 10, 5, 6] {
        insert_kinds(
            &mut conn,
            &(big, 1, 1, 0.25, 0.0, false, String::new(), vec![]),
        )?;
    }
    let total: Option<i64> = select(sum(kinds::Int)).get(&mut conn)?;
    assert_eq!(total, Some(3));
    let avg_int: Option<f64> = select(avg(kinds::Small)).get(&mut conn)?;
    assert_eq!(avg_int, Some(1.0));
    let small_sum: i64 = text("SELECT SUM(big) FROM kinds WHERE big < 10")
        .returns::<BigInt>()
        .get(&mut conn)?;
    assert_eq!(small_sum, 11);
    let average: f64 = text("SELECT AVG(big) FROM kinds WHERE big < 10")
        .returns::<Double>()
        .get(&mut conn)?;
    assert_eq!(average, 5.5);
    // A sum beyond i64 still loads, as a float.
    let huge: f64 = text("SELECT SUM(big) FROM kinds")
        .returns::<Double>()
        .get(&mut conn)?;
    assert!((huge - (i64::MAX as f64)).abs() < 1e6, "{huge}");
    let dbl_sum: f64 = select(sum(kinds::Dbl))
        .get::<Option<f64>, _>(&mut conn)?
        .unwrap();
    assert_eq!(dbl_sum, 0.75);

    // Unsigned values: fine while they fit, a Decode error beyond i64.
    let fits: i64 = text("SELECT CAST(9223372036854775807 AS UNSIGNED)")
        .returns::<BigInt>()
        .get(&mut conn)?;
    assert_eq!(fits, i64::MAX);
    let err = text("SELECT CAST(18446744073709551615 AS UNSIGNED) AS u")
        .returns::<BigInt>()
        .get::<i64, _>(&mut conn)
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Decode { column, message } if column == "u" && message.contains("18446744073709551615")),
        "{err:?}"
    );
    // Dates and times load as ISO text (for the Date, Time and Timestamp
    // SQL types), as the server itself writes them as text.
    for (value, as_text) in [
        ("CURRENT_DATE", "CAST(CURRENT_DATE AS CHAR)"),
        (
            "CAST('2024-02-29 23:59:58.250000' AS DATETIME(6))",
            "'2024-02-29 23:59:58.250000'",
        ),
        (
            "CAST('1999-12-31 00:00:00' AS DATETIME)",
            "'1999-12-31 00:00:00'",
        ),
        ("CAST('-27:05:09' AS TIME)", "'-27:05:09'"),
        ("CAST('08:30:00.000001' AS TIME(6))", "'08:30:00.000001'"),
    ] {
        let got: String = text(format!("SELECT {value} AS d"))
            .returns::<Text>()
            .get(&mut conn)?;
        let want: String = text(format!("SELECT {as_text} AS t"))
            .returns::<Text>()
            .get(&mut conn)?;
        assert_eq!(got, want, "{value}");
    }
    // ... and the connection is still usable after a failed decode.
    let one: i64 = text("SELECT 1").returns::<BigInt>().get(&mut conn)?;
    assert_eq!(one, 1);
    Ok(())
}

/// Session status counters of the server.
#[derive(Clone, Copy, Debug)]
enum Counter {
    Prepared,
    Executed,
    Closed,
}

/// A session status counter. (SHOW takes no bind parameters, so each
/// counter has its own fixed SQL.)
fn status(conn: &mut impl Connection, counter: Counter) -> Result<i64> {
    let sql = match counter {
        Counter::Prepared => "SHOW SESSION STATUS LIKE 'Com_stmt_prepare'",
        Counter::Executed => "SHOW SESSION STATUS LIKE 'Com_stmt_execute'",
        Counter::Closed => "SHOW SESSION STATUS LIKE 'Com_stmt_close'",
    };
    let (_, value): (String, String) = text(sql).returns::<(Text, Text)>().get(conn)?;
    value
        .parse()
        .map_err(|_| ErrorKind::InvalidStatement(format!("{counter:?} = {value:?}")).into())
}

#[test]
fn statements_are_prepared_once_and_cached() -> Result<()> {
    let Some(engine) = common::mysql("statements_are_prepared_once") else {
        return Ok(());
    };
    let mut conn = engine.connect()?;
    // Prepare the two status queries first, so they are cached.
    status(&mut conn, Counter::Prepared)?;
    status(&mut conn, Counter::Executed)?;
    let prepared = status(&mut conn, Counter::Prepared)?;
    let executed = status(&mut conn, Counter::Executed)?;

    // The same query 100 times: prepared once, executed 100 times.
    for i in 0..100i64 {
        let n: i64 = text("SELECT :a * 2 + :b")
            .bind("a", i)
            .bind("b", 1i64)
            .returns::<BigInt>()
            .get(&mut conn)?;
        assert_eq!(n, i * 2 + 1);
    }
    assert_eq!(status(&mut conn, Counter::Prepared)? - prepared, 1);
    // The 100 queries, the read of the prepare counter, and this read.
    assert_eq!(status(&mut conn, Counter::Executed)? - executed, 102);

    // Five different queries, interleaved: prepared once each.
    let prepared = status(&mut conn, Counter::Prepared)?;
    let queries = [
        "SELECT :x + 1",
        "SELECT :x + 2",
        "SELECT :x + 3",
        "SELECT :x + 4",
        "SELECT :x + 5",
    ];
    for round in 0..20i64 {
        for (k, q) in queries.iter().enumerate() {
            let n: i64 = text(*q)
                .bind("x", round)
                .returns::<BigInt>()
                .get(&mut conn)?;
            assert_eq!(n, round + k as i64 + 1);
        }
    }
    assert_eq!(status(&mut conn, Counter::Prepared)? - prepared, 5);
    Ok(())
}

#[test]
fn a_full_statement_cache_closes_what_it_evicts() -> Result<()> {
    if common::mysql("a_full_statement_cache_closes").is_none() {
        return Ok(());
    }
    let url = common::mysql_url_with_database(
        &common::mysql_url(),
        &common::mysql_database("a_full_statement_cache_closes"),
    );
    let sep = if url.contains('?') { '&' } else { '?' };
    let mut conn = MysqlConnection::open(&format!("{url}{sep}stmt_cache_size=2"))?;
    let prepared = status(&mut conn, Counter::Prepared)?; // prepares P
    let closed = status(&mut conn, Counter::Closed)?; // prepares C
    // With room for two statements, S1 S2 S3 S1 S2 S3 prepares each
    // time and closes what it evicts (P, C, then the S's themselves).
    for _ in 0..2 {
        for q in ["SELECT 1", "SELECT 2", "SELECT 3"] {
            conn.execute_sql(q, &[])?;
        }
    }
    // Since P was read: C, six S's, and P again.
    assert_eq!(status(&mut conn, Counter::Prepared)? - prepared, 8);
    // Since C was read: six evictions by the S's, one by P, one by C again.
    assert_eq!(status(&mut conn, Counter::Closed)? - closed, 8);
    Ok(())
}

/// Rendered statements find their prepared statement by their SQL cache
/// slot, and a use through the slot counts as a use: the statement evicted
/// is the least recently used one however it was found, and one evicted
/// is never run again.
#[test]
fn statements_used_by_slot_are_evicted_last() -> Result<()> {
    let Some(engine) = common::mysql("statements_used_by_slot_are_evicted_last") else {
        return Ok(());
    };
    create_all::<Parents>(&mut engine.connect()?)?;
    let url = common::mysql_url_with_database(
        &common::mysql_url(),
        &common::mysql_database("statements_used_by_slot_are_evicted_last"),
    );
    let sep = if url.contains('?') { '&' } else { '?' };
    let mut conn = MysqlConnection::open(&format!("{url}{sep}stmt_cache_size=3"))?;
    insert_into(Parents)
        .values((parents::Id.set(1), parents::Name.set("a")))
        .execute(&mut conn)?; // prepares I
    let a = || select(parents::Id).filter(parents::Name.eq("a"));
    let b = || select(parents::Name).filter(parents::Id.eq(1));
    let c = || select(count_star()).from(Parents);
    let check = |conn: &mut MysqlConnection, which: char| -> Result<()> {
        match which {
            'a' => assert_eq!(a().get::<i64, _>(conn)?, 1),
            'b' => assert_eq!(b().get::<String, _>(conn)?, "a"),
            _ => assert_eq!(c().get::<i64, _>(conn)?, 1),
        }
        Ok(())
    };

    let prepared = status(&mut conn, Counter::Prepared)?; // prepares P
    check(&mut conn, 'a')?; // prepares A
    check(&mut conn, 'b')?; // prepares B, evicts I
    status(&mut conn, Counter::Prepared)?; // P is used after A and B
    for _ in 0..10 {
        check(&mut conn, 'a')?; // A, found by its slot
    }
    // C evicts B, the least recently used: A was used since, by its slot.
    check(&mut conn, 'c')?;
    check(&mut conn, 'a')?; // by its slot still
    check(&mut conn, 'b')?; // prepared again, evicts P
    // Since P was read: A, B, C, B again, and P (which evicts C).
    assert_eq!(status(&mut conn, Counter::Prepared)? - prepared, 5);
    // C was closed when evicted; its slot is not used again.
    check(&mut conn, 'c')?;
    Ok(())
}

/// Parents, with a UNIQUE name.
#[derive(Clone, Copy, Debug, Default)]
pub struct Parents;
impl Table for Parents {
    const NAME: &'static str = "parents";
    type Columns = (parents::Id, parents::Name);
    type PrimaryKey = parents::Id;
}
mod parents {
    use sqlalgebra::prelude::*;
    column!(Id, super::Parents, BigInt, "id");
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    impl Column for Name {
        type Table = super::Parents;
        type SqlType = Varchar<30>;
        const NAME: &'static str = "name";
        const UNIQUE: bool = true;
    }
}

/// Children: a foreign key, a column CHECK, a table CHECK, NOT NULL text.
#[derive(Clone, Copy, Debug, Default)]
pub struct Children;
impl Table for Children {
    const NAME: &'static str = "children";
    type Columns = (
        children::Id,
        children::ParentId,
        children::Qty,
        children::Note,
    );
    type PrimaryKey = children::Id;
    const CHECKS: &'static [sqlalgebra::schema::Check] = &[check("chk_qty_small", "qty < 1000")];
}
mod children {
    use sqlalgebra::prelude::*;
    column!(Id, super::Children, BigInt, "id", autoincrement);
    column!(Note, super::Children, Text, "note");
    #[derive(Clone, Copy, Debug, Default)]
    pub struct ParentId;
    impl Column for ParentId {
        type Table = super::Children;
        type SqlType = BigInt;
        const NAME: &'static str = "parent_id";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::parents::Id>());
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Qty;
    impl Column for Qty {
        type Table = super::Children;
        type SqlType = Integer;
        const NAME: &'static str = "qty";
        const CHECK: Option<&'static str> = Some("qty > 0");
    }
}

fn constraint(e: Error) -> (ConstraintKind, Option<String>) {
    match e.into_kind() {
        ErrorKind::Constraint {
            kind, constraint, ..
        } => (kind, constraint),
        other => panic!("expected a constraint error, got {other:?}"),
    }
}

#[test]
fn constraint_violations_are_classified() -> Result<()> {
    let Some(engine) = common::mysql("constraint_violations_are_classified") else {
        return Ok(());
    };
    let mut conn = engine.connect()?;
    create_all::<(Children, Parents)>(&mut conn)?;
    insert_into(Parents)
        .values((parents::Id.set(1), parents::Name.set("ann")))
        .execute(&mut conn)?;
    let child = |parent: i64, qty: i32| {
        insert_into(Children).values((
            children::ParentId.set(parent),
            children::Qty.set(qty),
            children::Note.set("n"),
        ))
    };
    child(1, 5).execute(&mut conn)?;

    // UNIQUE column and primary key.
    let e = insert_into(Parents)
        .values((parents::Id.set(2), parents::Name.set("ann")))
        .execute(&mut conn)
        .unwrap_err();
    assert_eq!(constraint(e), (ConstraintKind::Unique, Some("name".into())));
    let e = insert_into(Parents)
        .values((parents::Id.set(1), parents::Name.set("bob")))
        .execute(&mut conn)
        .unwrap_err();
    assert_eq!(
        constraint(e),
        (ConstraintKind::Unique, Some("PRIMARY".into()))
    );
    // A value that imitates the message does not fool the name parsing.
    let tricky = "x' for key 'zz";
    insert_into(Parents)
        .values((parents::Id.set(3), parents::Name.set(tricky)))
        .execute(&mut conn)?;
    let e = insert_into(Parents)
        .values((parents::Id.set(4), parents::Name.set(tricky)))
        .execute(&mut conn)
        .unwrap_err();
    assert_eq!(constraint(e), (ConstraintKind::Unique, Some("name".into())));

    // FOREIGN KEY, from the child and from the parent side.
    let e = child(99, 5).execute(&mut conn).unwrap_err();
    let (kind, name) = constraint(e);
    assert_eq!(kind, ConstraintKind::ForeignKey);
    assert!(
        name.as_deref().is_some_and(|n| n.starts_with("children")),
        "{name:?}"
    );
    let e = delete_from(Parents)
        .filter(parents::Id.eq(1))
        .execute(&mut conn)
        .unwrap_err();
    assert_eq!(constraint(e).0, ConstraintKind::ForeignKey);

    // NOT NULL: an explicit NULL, and a missing value without default.
    let e = text("INSERT INTO children (parent_id, qty, note) VALUES (1, 5, :n)")
        .bind("n", None::<&str>)
        .execute(&mut conn)
        .unwrap_err();
    assert_eq!(
        constraint(e),
        (ConstraintKind::NotNull, Some("note".into()))
    );
    let e = text("INSERT INTO children (parent_id, qty) VALUES (1, 5)")
        .execute(&mut conn)
        .unwrap_err();
    assert_eq!(
        constraint(e),
        (ConstraintKind::NotNull, Some("note".into()))
    );

    // CHECK, on the column and on the table.
    let e = child(1, 0).execute(&mut conn).unwrap_err();
    let (kind, name) = constraint(e);
    assert_eq!(kind, ConstraintKind::Check);
    assert!(name.is_some(), "the check is named");
    let e = child(1, 5000).execute(&mut conn).unwrap_err();
    assert_eq!(
        constraint(e),
        (ConstraintKind::Check, Some("chk_qty_small".into()))
    );

    // Other errors stay query errors, and nothing above changed the data.
    let e = text("SELECT nope FROM children")
        .execute(&mut conn)
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Query { .. }), "{e:?}");
    assert!(!e.is_retryable());
    let n: i64 = select(count_star()).from(Children).get(&mut conn)?;
    assert_eq!(n, 1);
    Ok(())
}

/// Bank accounts.
#[derive(Clone, Copy, Debug, Default)]
pub struct Accounts;
impl Table for Accounts {
    const NAME: &'static str = "accounts";
    type Columns = (accounts::Id, accounts::Balance);
    type PrimaryKey = accounts::Id;
}
mod accounts {
    use sqlalgebra::prelude::*;
    column!(Id, super::Accounts, BigInt, "id");
    column!(Balance, super::Accounts, BigInt, "balance");
}

fn open_accounts<C: Connection>(conn: &mut C, n: i64, balance: i64) -> Result<()> {
    create_all::<Accounts>(conn)?;
    let rows: Vec<_> = (1..=n)
        .map(|id| (accounts::Id.set(id), accounts::Balance.set(balance)))
        .collect();
    insert_into(Accounts).values(rows).execute(conn)?;
    Ok(())
}

fn transfer<C: Connection>(tx: &mut C, from: i64, to: i64, amount: i64) -> Result<()> {
    for (id, delta) in [(from, -amount), (to, amount)] {
        let n = update(Accounts)
            .set(accounts::Balance.set(accounts::Balance.add(delta)))
            .filter(accounts::Id.eq(id))
            .execute(tx)?;
        if n != 1 {
            return Err(
                ErrorKind::InvalidStatement(format!("account {id} updated {n} rows")).into(),
            );
        }
    }
    Ok(())
}

#[test]
fn a_deadlock_is_a_retryable_conflict() -> Result<()> {
    let Some(engine) = common::mysql("a_deadlock_is_a_retryable_conflict") else {
        return Ok(());
    };
    open_accounts(&mut engine.connect()?, 2, 100)?;
    let barrier = Arc::new(Barrier::new(2));
    let run = |first: i64, second: i64| {
        let engine = engine.clone();
        let barrier = Arc::clone(&barrier);
        std::thread::spawn(move || -> Result<()> {
            let mut conn = engine.connect()?;
            conn.transaction(|tx| {
                transfer(tx, first, first, 0)?; // locks `first`
                barrier.wait(); // both hold their first row
                transfer(tx, second, second, 0) // each waits for the other
            })
        })
    };
    let a = run(1, 2);
    let b = run(2, 1);
    let results = [a.join().unwrap(), b.join().unwrap()];
    let conflicts: Vec<&Error> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(conflicts.len(), 1, "exactly one victim: {results:?}");
    let e = conflicts[0];
    assert!(matches!(e.kind(), ErrorKind::Conflict { .. }), "{e:?}");
    assert!(e.is_retryable());
    assert!(e.to_string().contains("1213"), "{e}");
    // Both connections went back to the pool usable.
    let mut conn = engine.connect()?;
    let total: Option<i64> = select(sum(accounts::Balance)).get(&mut conn)?;
    assert_eq!(total, Some(200));
    Ok(())
}

/// Waits until the server has ended the session `id` (KILL takes effect
/// asynchronously).
fn wait_until_gone(admin: &mut MysqlConnection, id: u32) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let n: i64 = text("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = :id")
            .bind("id", i64::from(id))
            .returns::<BigInt>()
            .get(admin)?;
        if n == 0 {
            return Ok(());
        }
        assert!(Instant::now() < deadline, "session {id} still alive");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_killed_connection_is_replaced_by_the_pool() -> Result<()> {
    let options = PoolOptions::default().size(1).overflow(0);
    let Some(engine) = common::mysql_with("a_killed_connection_is_replaced", &options) else {
        return Ok(());
    };
    let mut admin = MysqlConnection::open(&common::mysql_url())?;

    // Killed while checked out: the next statement fails as a lost
    // connection, and the pool discards it when it comes back.
    let mut conn = engine.connect()?;
    let first = conn.raw().connection_id();
    admin.batch_execute(&format!("KILL CONNECTION {first}"))?;
    wait_until_gone(&mut admin, first)?;
    let err = text("SELECT 1")
        .returns::<BigInt>()
        .get::<i64, _>(&mut conn)
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Connection(_)), "{err:?}");
    assert!(conn.is_broken());
    drop(conn);
    let mut conn = engine.connect()?;
    let second = conn.raw().connection_id();
    assert_ne!(second, first);
    let one: i64 = text("SELECT 1").returns::<BigInt>().get(&mut conn)?;
    assert_eq!(one, 1);
    drop(conn);

    // Killed while idle in the pool: the check-out ping notices and the
    // pool opens a new one.
    admin.batch_execute(&format!("KILL CONNECTION {second}"))?;
    wait_until_gone(&mut admin, second)?;
    let mut conn = engine.connect()?;
    let third = conn.raw().connection_id();
    assert_ne!(third, second);
    let two: i64 = text("SELECT 2").returns::<BigInt>().get(&mut conn)?;
    assert_eq!(two, 2);
    // The new connection has the session set-up too.
    let mode: String = text("SELECT @@SESSION.sql_mode")
        .returns::<Text>()
        .get(&mut conn)?;
    assert!(mode.contains("STRICT_ALL_TABLES"), "{mode}");
    Ok(())
}

#[test]
fn a_connection_left_in_a_transaction_is_not_reused() -> Result<()> {
    let options = PoolOptions::default().size(1).overflow(0);
    let Some(engine) = common::mysql_with("a_connection_left_in_a_transaction", &options) else {
        return Ok(());
    };
    open_accounts(&mut engine.connect()?, 1, 10)?;
    let mut conn = engine.connect()?;
    let first = conn.raw().connection_id();
    conn.batch_execute("BEGIN")?;
    assert!(conn.is_broken());
    transfer(&mut conn, 1, 1, 0)?;
    drop(conn);
    // A different connection, and the first one's row lock is gone with it.
    let mut conn = engine.connect()?;
    assert_ne!(conn.raw().connection_id(), first);
    conn.transaction(|tx| transfer(tx, 1, 1, 5))?;
    assert!(!conn.is_broken());
    Ok(())
}

#[test]
fn concurrent_transfers_keep_the_total() -> Result<()> {
    const THREADS: i64 = 16;
    const TRANSFERS: i64 = 500;
    const ACCOUNTS: i64 = 10;
    let options = PoolOptions::default()
        .size(8)
        .overflow(0)
        .timeout(Duration::from_secs(60));
    let Some(engine) = common::mysql_with("concurrent_transfers_keep_the_total", &options) else {
        return Ok(());
    };
    open_accounts(&mut engine.connect()?, ACCOUNTS, 1_000)?;
    let started = Instant::now();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let engine = engine.clone();
            std::thread::spawn(move || -> Result<u64> {
                let mut retries = 0;
                let mut seed = 0x9e37_79b9_7f4a_7c15_u64 ^ (t as u64);
                let mut next = move |n: i64| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    (seed % n as u64) as i64
                };
                for _ in 0..TRANSFERS {
                    let from = next(ACCOUNTS) + 1;
                    let to = (from + next(ACCOUNTS - 1)) % ACCOUNTS + 1;
                    let amount = next(50) + 1;
                    loop {
                        let mut conn = engine.connect()?;
                        match conn.transaction(|tx| transfer(tx, from, to, amount)) {
                            Ok(()) => break,
                            Err(e) if e.is_retryable() => retries += 1,
                            Err(e) => return Err(e),
                        }
                    }
                }
                Ok(retries)
            })
        })
        .collect();
    let mut retries = 0;
    for h in handles {
        retries += h.join().unwrap()?;
    }
    let elapsed = started.elapsed();
    eprintln!(
        "{} transfers in {elapsed:?}, {retries} retried",
        THREADS * TRANSFERS
    );
    let mut conn = engine.connect()?;
    let total: Option<i64> = select(sum(accounts::Balance)).get(&mut conn)?;
    assert_eq!(total, Some(ACCOUNTS * 1_000));
    Ok(())
}

#[test]
fn an_exhausted_pool_times_out() -> Result<()> {
    let options = PoolOptions::default()
        .size(1)
        .overflow(1)
        .timeout(Duration::from_millis(300));
    let Some(engine) = common::mysql_with("an_exhausted_pool_times_out", &options) else {
        return Ok(());
    };
    let a = engine.connect()?;
    let b = engine.connect()?;
    let Err(err) = engine.connect() else {
        panic!("a third connection from a pool of two");
    };
    assert!(matches!(err.kind(), ErrorKind::PoolTimeout(_)), "{err:?}");
    assert!(err.is_retryable());
    drop(a);
    let mut c = engine.connect()?;
    let one: i64 = text("SELECT 1").returns::<BigInt>().get(&mut c)?;
    assert_eq!(one, 1);
    drop(b);
    Ok(())
}

#[test]
fn an_unreachable_server_is_a_connection_error() {
    // Port 1 on the loopback: nothing listens there.
    let err = Mysql::connect_with(
        "mysql://root@127.0.0.1:1/test",
        &PoolOptions::default()
            .size(1)
            .overflow(0)
            .timeout(Duration::from_millis(500)),
    )
    .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Connection(_)), "{err:?}");
    let err = MysqlConnection::open("mysql://root@127.0.0.1:1/test").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Connection(_)), "{err:?}");
    let err = MysqlConnection::open("not a url").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Connection(_)), "{err:?}");
}

#[test]
fn last_insert_id_and_matched_row_counts() -> Result<()> {
    let Some(engine) = common::mysql("last_insert_id_and_matched_rows") else {
        return Ok(());
    };
    let mut conn = engine.connect()?;
    create_all::<Kinds>(&mut conn)?;
    let row: KindsRow = (5, 5, 5, 5.0, 5.0, true, "five".into(), vec![5]);
    let first = insert_kinds(&mut conn, &row)?;
    let second = insert_kinds(&mut conn, &row)?;
    assert_eq!(second, first + 1);
    // UPDATE reports the rows it matched, even those already equal.
    let n = update(Kinds)
        .set(kinds::Big.set(5))
        .filter(kinds::Id.ge(first))
        .execute(&mut conn)?;
    assert_eq!(n, 2);
    let n = delete_from(Kinds)
        .filter(kinds::Id.eq(second))
        .execute(&mut conn)?;
    assert_eq!(n, 1);
    Ok(())
}

/// Text and blob cells are moved out of the driver's row into `String`s and
/// `Vec<u8>`s; every other cell converts in place, and a mismatch names the
/// column as before.
#[test]
fn cells_taken_out_of_the_row_decode_as_in_place() -> Result<()> {
    let Some(engine) = common::mysql("cells_taken_out_of_the_row") else {
        return Ok(());
    };
    let mut conn = engine.connect()?;
    type Cells = (
        String,
        Vec<u8>,
        Vec<u8>,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
    );
    let row: Cells = text(
        "SELECT 'h\u{e9}llo' AS t, x'00ff' AS b, 'abc' AS tb, JSON_OBJECT('a', 1) AS j, \
         CAST(1.5 AS DECIMAL(4, 2)) AS d, CAST('2024-03-31' AS DATE) AS day, \
         NULL AS n, 'x' AS o",
    )
    .returns::<(
        Text,
        Blob,
        Blob,
        Json,
        Numeric,
        Date,
        Nullable<Text>,
        Nullable<Text>,
    )>()
    .get(&mut conn)?;
    let (t, b, tb, j, d, day, n, o) = row;
    assert_eq!(t, "h\u{e9}llo");
    assert_eq!(b, [0x00, 0xff]);
    assert_eq!(tb, b"abc");
    assert_eq!(j.replace(' ', ""), r#"{"a":1}"#);
    assert_eq!(d, "1.50");
    assert_eq!(day, "2024-03-31");
    assert_eq!((n, o.as_deref()), (None, Some("x")));

    // A blob is not text: the column is named.
    let err = text("SELECT x'fffe' AS raw")
        .returns::<Text>()
        .get::<String, _>(&mut conn)
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Decode { column, message } if column == "raw" && message == "expected text, found blob"),
        "{err:?}"
    );
    // A number loads as its digits (what SQLite's NUMERIC cells need).
    let five: String = text("SELECT 5 AS five").returns::<Text>().get(&mut conn)?;
    assert_eq!(five, "5");
    let err = text("SELECT NULL AS nothing")
        .returns::<Text>()
        .get::<String, _>(&mut conn)
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::UnexpectedNull { column } if column == "nothing"),
        "{err:?}"
    );

    // A text cell loads once: reading it again says so.
    struct Twice;
    impl FromRow<(Text,)> for Twice {
        const WIDTH: usize = 1;
        fn from_row<R: sqlalgebra::value::Row + ?Sized>(row: &mut R, at: usize) -> Result<Self> {
            sqlalgebra::value::decode_cell::<String, _>(row, at)?;
            sqlalgebra::value::decode_cell::<String, _>(row, at)?;
            Ok(Twice)
        }
    }
    let err = text("SELECT 'once' AS word")
        .returns::<(Text,)>()
        .get::<Twice, _>(&mut conn)
        .err()
        .expect("a second read fails");
    assert!(
        matches!(err.kind(), ErrorKind::Decode { column, message } if column == "word" && message.contains("already taken")),
        "{err:?}"
    );
    Ok(())
}

/// Savepoints: an inner failure undoes only the inner work (runs on every
/// backend through the shared harness).
fn savepoints_undo_only_inner_work<B: Backend>(engine: &sqlalgebra::Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    open_accounts(&mut conn, 2, 100)?;
    conn.transaction(|tx| -> Result<()> {
        transfer(tx, 1, 2, 10)?;
        let inner: Result<()> = tx.transaction(|tx| {
            transfer(tx, 1, 2, 50)?;
            Err(ErrorKind::InvalidStatement("undo the inner transfer".into()).into())
        });
        assert!(inner.is_err());
        Ok(())
    })?;
    let balances: Vec<i64> = select(accounts::Balance)
        .order_by(accounts::Id)
        .load(&mut conn)?;
    assert_eq!(balances, [90, 110]);
    Ok(())
}
common::on_all_backends!(savepoints_undo_only_inner_work);
