//! PostgreSQL-specific tests: type round trips at the edges, placeholders,
//! the statement cache, error classification, transactions under
//! concurrency, and the pool's handling of dead and exhausted connections.
//!
//! Each test gets its own schema (see `common::postgres`) and skips loudly
//! when the server is unreachable, unless `SQLALGEBRA_REQUIRE_SERVERS=1`.

mod common;

use std::time::{Duration, Instant};

use sqlalgebra::prelude::*;
use sqlalgebra::{ConstraintKind, Error, ErrorKind, PoolOptions};
use sqlalgebra_postgres::{Postgres, STATEMENT_CACHE};

/// Declares a column of a test table.
macro_rules! column {
    ($col:ident: $table:ty, $st:ty, $name:literal $(, $konst:ident: $kty:ty = $val:expr)*) => {
        #[derive(Clone, Copy, Debug, Default)]
        struct $col;
        impl Column for $col {
            type Table = $table;
            type SqlType = $st;
            const NAME: &'static str = $name;
            $(const $konst: $kty = $val;)*
        }
    };
}

/// Declares a test table.
macro_rules! table {
    ($table:ident $name:literal, $pk:ty, ($($col:ty),+)) => {
        #[derive(Clone, Copy, Debug, Default)]
        struct $table;
        impl Table for $table {
            const NAME: &'static str = $name;
            type Columns = ($($col,)+);
            type PrimaryKey = $pk;
        }
    };
}

table!(Ints "ints", IId, (IId, ISmall, IInt, IBig));
column!(IId: Ints, BigInt, "id", AUTOINCREMENT: bool = true);
column!(ISmall: Ints, SmallInt, "small");
column!(IInt: Ints, Integer, "int");
column!(IBig: Ints, BigInt, "big");

table!(Floats "floats", FId, (FId, FReal, FDbl));
column!(FId: Floats, BigInt, "id", AUTOINCREMENT: bool = true);
column!(FReal: Floats, Real, "real");
column!(FDbl: Floats, Double, "dbl");

table!(Texts "texts", TId, (TId, TTxt, TVc, TBin, TFlag));
column!(TId: Texts, BigInt, "id", AUTOINCREMENT: bool = true);
column!(TTxt: Texts, Text, "txt");
column!(TVc: Texts, Varchar<20>, "vc");
column!(TBin: Texts, Blob, "bin");
column!(TFlag: Texts, Bool, "flag");

table!(Opts "opts", OId, (OId, OSmall, OInt, OBig, OReal, ODbl, OFlag, OTxt, OBin));
column!(OId: Opts, BigInt, "id", AUTOINCREMENT: bool = true);
column!(OSmall: Opts, Nullable<SmallInt>, "small");
column!(OInt: Opts, Nullable<Integer>, "int");
column!(OBig: Opts, Nullable<BigInt>, "big");
column!(OReal: Opts, Nullable<Real>, "real");
column!(ODbl: Opts, Nullable<Double>, "dbl");
column!(OFlag: Opts, Nullable<Bool>, "flag");
column!(OTxt: Opts, Nullable<Text>, "txt");
column!(OBin: Opts, Nullable<Blob>, "bin");

table!(Parents "parents", PId, (PId, PName, PAge));
column!(PId: Parents, BigInt, "id", AUTOINCREMENT: bool = true);
column!(PName: Parents, Text, "name", UNIQUE: bool = true);
column!(PAge: Parents, Integer, "age", CHECK: Option<&str> = Some("age >= 0"));

table!(Children "children", CId, (CId, CParent, CNote));
column!(CId: Children, BigInt, "id", AUTOINCREMENT: bool = true);
column!(CParent: Children, BigInt, "parent_id", REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<PId>()));
column!(CNote: Children, Text, "note");

table!(Accounts "accounts", AId, (AId, ABalance));
column!(AId: Accounts, BigInt, "id");
column!(ABalance: Accounts, BigInt, "balance");

table!(Transfers "transfers", XId, (XId, XFrom, XTo, XAmount));
column!(XId: Transfers, BigInt, "id", AUTOINCREMENT: bool = true);
column!(XFrom: Transfers, BigInt, "from_id");
column!(XTo: Transfers, BigInt, "to_id");
column!(XAmount: Transfers, BigInt, "amount");

/// The engine for a test, or an early return when the server is skipped.
macro_rules! engine {
    ($name:literal) => {
        engine!($name, PoolOptions::default().size(2).overflow(4))
    };
    ($name:literal, $options:expr) => {
        match common::postgres_with($name, &$options) {
            Some(engine) => engine,
            None => return,
        }
    };
}

fn backend_pid<C: Connection>(conn: &mut C) -> i64 {
    text("SELECT pg_backend_pid()")
        .returns::<Integer>()
        .get::<i32, _>(conn)
        .map(i64::from)
        .unwrap()
}

#[test]
fn integers_round_trip_at_their_limits() {
    let engine = engine!("integers_round_trip_at_their_limits");
    let mut conn = engine.connect().unwrap();
    create_all::<Ints>(&mut conn).unwrap();
    let rows = [
        (i16::MIN, i32::MIN, i64::MIN),
        (i16::MAX, i32::MAX, i64::MAX),
        (0, 0, 0),
        (-1, -1, -1),
    ];
    for (s, i, b) in rows {
        insert_into(Ints)
            .values((ISmall.set(s), IInt.set(i), IBig.set(b)))
            .execute(&mut conn)
            .unwrap();
    }
    let back: Vec<(i16, i32, i64)> = select((ISmall, IInt, IBig))
        .order_by(IId)
        .load(&mut conn)
        .unwrap();
    assert_eq!(back, rows);

    // The extremes compare as binds, too.
    let found: i32 = select(IInt)
        .filter(IBig.eq(i64::MIN))
        .get(&mut conn)
        .unwrap();
    assert_eq!(found, i32::MIN);

    // An i64 bound where the server expects int2 is range-checked.
    let err = text("INSERT INTO ints (small, int, big) VALUES (:s, 0, 0)")
        .bind("s", 40_000i64)
        .execute(&mut conn)
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Query { .. }), "{err:?}");
    assert!(err.to_string().contains("out of range"), "{err}");
    // ... and one that fits is accepted.
    text("INSERT INTO ints (small, int, big) VALUES (:s, :i, 0)")
        .bind("s", -32_768i64)
        .bind("i", 7i64)
        .execute(&mut conn)
        .unwrap();

    // A bigint that does not fit the Rust type is a decode error.
    let err = text("SELECT big FROM ints WHERE big = :b")
        .bind("b", i64::MAX)
        .returns::<Integer>()
        .get::<i32, _>(&mut conn)
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Decode { column, .. } if column == "big"),
        "{err:?}"
    );
}

#[test]
fn integer_binds_take_the_type_the_server_infers_even_in_a_transaction() {
    let engine = engine!("integer_binds_take_the_type_the_server_infers");
    let mut conn = engine.connect().unwrap();
    create_all::<Ints>(&mut conn).unwrap();
    let total: i64 = conn
        .transaction(|tx| {
            // `:a + :b` gives the server nothing to infer from: the first
            // PREPARE fails under its savepoint and the binds are int8; the
            // transaction goes on.
            let sum: i64 = text("SELECT :a + :b")
                .bind("a", 40i64)
                .bind("b", 2i64)
                .returns::<BigInt>()
                .get(tx)?;
            assert_eq!(sum, 42);
            // `int IN (..)` on the int4 column: the binds are int4, so a
            // value beyond int4 is refused by the range check rather than
            // compared.
            insert_into(Ints)
                .values((ISmall.set(1), IInt.set(7), IBig.set(sum)))
                .execute(tx)?;
            let found: Vec<i64> = select(IBig).filter(IInt.in_([6, 7, 8])).load(tx)?;
            assert_eq!(found, [42]);
            let err = text("SELECT big FROM ints WHERE int IN (:x)")
                .bind("x", 1i64 << 40)
                .returns::<BigInt>()
                .load::<i64, _>(tx)
                .unwrap_err();
            assert!(err.to_string().contains("out of range"), "{err}");
            Ok::<_, Error>(sum)
        })
        .unwrap_or_else(|e| panic!("the transaction was aborted: {e}"));
    assert_eq!(total, 42);
    // Committed: the row is there.
    let n: i64 = select(count_star()).from(Ints).get(&mut conn).unwrap();
    assert_eq!(n, 1);
}

#[test]
fn floats_round_trip_with_nan_and_infinities() {
    let engine = engine!("floats_round_trip_with_nan_and_infinities");
    let mut conn = engine.connect().unwrap();
    create_all::<Floats>(&mut conn).unwrap();
    let rows: [(f32, f64); 10] = [
        (0.0, 0.0),
        (-0.0, -0.0),
        (1.5, 0.1 + 0.2),
        (f32::MAX, f64::MAX),
        (f32::MIN, f64::MIN),
        (f32::MIN_POSITIVE, f64::MIN_POSITIVE),
        (f32::EPSILON, 5e-324),
        (f32::NAN, f64::NAN),
        (f32::INFINITY, f64::INFINITY),
        (f32::NEG_INFINITY, f64::NEG_INFINITY),
    ];
    for (r, d) in rows {
        insert_into(Floats)
            .values((FReal.set(r), FDbl.set(d)))
            .execute(&mut conn)
            .unwrap();
    }
    let back: Vec<(f32, f64)> = select((FReal, FDbl)).order_by(FId).load(&mut conn).unwrap();
    assert_eq!(back.len(), rows.len());
    for ((r, d), (br, bd)) in rows.iter().zip(&back) {
        if r.is_nan() {
            assert!(br.is_nan() && bd.is_nan(), "{br} {bd}");
        } else {
            // Bit-exact, so -0.0 stays negative.
            assert_eq!((r.to_bits(), d.to_bits()), (br.to_bits(), bd.to_bits()));
        }
    }

    let n: i64 = select(count_star())
        .from(Floats)
        .filter(FDbl.eq(f64::INFINITY).or(FDbl.eq(f64::NEG_INFINITY)))
        .get(&mut conn)
        .unwrap();
    assert_eq!(n, 2);
    // PostgreSQL orders NaN above every other value.
    let top: f64 = select(FDbl)
        .order_by(FDbl.desc())
        .limit(1)
        .get(&mut conn)
        .unwrap();
    assert!(top.is_nan());

    // A finite double too large for `real` is refused, not made infinite.
    let err = text("INSERT INTO floats (real, dbl) VALUES (:r, 0)")
        .bind("r", 1e300f64)
        .execute(&mut conn)
        .unwrap_err();
    assert!(err.to_string().contains("out of range"), "{err}");
}

#[test]
fn text_blob_and_bool_round_trip() {
    let engine = engine!("text_blob_and_bool_round_trip");
    let mut conn = engine.connect().unwrap();
    create_all::<Texts>(&mut conn).unwrap();

    let mega: String = "ünïcødé ✓ 🎉 ".repeat((1 << 20) / 20);
    assert!(mega.len() >= 1 << 20);
    let all_bytes: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
    let rows: Vec<(String, String, Vec<u8>, bool)> = vec![
        (String::new(), String::new(), Vec::new(), false),
        (
            "héllo wörld ✓ 日本語 🎉".into(),
            "日本語 🎉 exactly 20 ch".chars().take(20).collect(),
            vec![0, 1, 0, 255, 0],
            true,
        ),
        (
            r#"it's "quoted" \ back; DROP TABLE texts; --"#.into(),
            "$1 :name ? %s".into(),
            vec![0; 16],
            false,
        ),
        (mega.clone(), "x".into(), all_bytes.clone(), true),
    ];
    for (t, v, b, f) in &rows {
        insert_into(Texts)
            .values((
                TTxt.set(t.as_str()),
                TVc.set(v.as_str()),
                TBin.set(b.as_slice()),
                TFlag.set(*f),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    let back: Vec<(String, String, Vec<u8>, bool)> = select((TTxt, TVc, TBin, TFlag))
        .order_by(TId)
        .load(&mut conn)
        .unwrap();
    assert_eq!(back, rows);

    let flagged: Vec<i64> = select(TId)
        .filter(TFlag.eq(true).and(TBin.eq(all_bytes.as_slice())))
        .load(&mut conn)
        .unwrap();
    assert_eq!(flagged, [4]);
    let like: i64 = select(count_star())
        .from(Texts)
        .filter(TTxt.contains("日本").or(TVc.starts_with("$1 :")))
        .get(&mut conn)
        .unwrap();
    assert_eq!(like, 2);

    // PostgreSQL text cannot hold NUL; that is an error, not a panic.
    let err = insert_into(Texts)
        .values((
            TTxt.set("a\0b"),
            TVc.set(""),
            TBin.set(&b""[..]),
            TFlag.set(true),
        ))
        .execute(&mut conn)
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Query { .. }), "{err:?}");
    // Too long for VARCHAR(20).
    let err = insert_into(Texts)
        .values((
            TTxt.set(""),
            TVc.set("x".repeat(21)),
            TBin.set(&b""[..]),
            TFlag.set(true),
        ))
        .execute(&mut conn)
        .unwrap_err();
    assert!(err.to_string().contains("too long"), "{err}");
}

#[test]
fn nullable_columns_round_trip_some_and_none() {
    let engine = engine!("nullable_columns_round_trip_some_and_none");
    let mut conn = engine.connect().unwrap();
    create_all::<Opts>(&mut conn).unwrap();
    type Row = (
        Option<i16>,
        Option<i32>,
        Option<i64>,
        Option<f32>,
        Option<f64>,
        Option<bool>,
        Option<String>,
        Option<Vec<u8>>,
    );
    let rows: [Row; 3] = [
        (
            Some(i16::MIN),
            Some(i32::MAX),
            Some(i64::MIN),
            Some(f32::INFINITY),
            Some(-2.5),
            Some(false),
            Some(String::new()),
            Some(vec![0]),
        ),
        (None, None, None, None, None, None, None, None),
        (
            Some(1),
            None,
            Some(i64::MAX),
            None,
            Some(f64::NEG_INFINITY),
            Some(true),
            Some("ß".into()),
            None,
        ),
    ];
    for r in &rows {
        insert_into(Opts)
            .values((
                OSmall.set(r.0),
                OInt.set(r.1),
                OBig.set(r.2),
                OReal.set(r.3),
                ODbl.set(r.4),
                OFlag.set(r.5),
                OTxt.set(r.6.as_deref()),
                OBin.set(r.7.as_deref()),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    let back: Vec<Row> = select((OSmall, OInt, OBig, OReal, ODbl, OFlag, OTxt, OBin))
        .order_by(OId)
        .load(&mut conn)
        .unwrap();
    assert_eq!(back, rows);
    let nulls: i64 = select(count_star())
        .from(Opts)
        .filter(OBig.is_null().or(OTxt.eq(None::<&str>)))
        .get(&mut conn)
        .unwrap();
    assert_eq!(nulls, 1);

    // NULL into a non-Option is an error naming the column.
    let err = text("SELECT big FROM opts WHERE big IS NULL")
        .returns::<BigInt>()
        .get::<i64, _>(&mut conn)
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::UnexpectedNull { column } if column == "big"),
        "{err:?}"
    );
}

#[test]
fn aggregates_and_numeric_decode() {
    let engine = engine!("aggregates_and_numeric_decode");
    let mut conn = engine.connect().unwrap();
    create_all::<Ints>(&mut conn).unwrap();
    for b in [i64::MAX - 10, 4, 6] {
        insert_into(Ints)
            .values((ISmall.set(1), IInt.set(2), IBig.set(b)))
            .execute(&mut conn)
            .unwrap();
    }
    // SUM(bigint) is numeric in PostgreSQL; it loads into an i64 when whole.
    let s: Option<i64> = select(sum(IBig))
        .filter(IBig.lt(100))
        .get(&mut conn)
        .unwrap();
    assert_eq!(s, Some(10));
    let s: Option<i64> = select(sum(IBig)).get(&mut conn).unwrap();
    assert_eq!(s, Some(i64::MAX));
    // AVG is numeric with a fractional scale: a float.
    let a: Option<f64> = select(avg(IBig))
        .filter(IBig.lt(100))
        .get(&mut conn)
        .unwrap();
    assert_eq!(a, Some(5.0));
    let none: Option<i64> = select(sum(IBig)).filter(IBig.lt(0)).get(&mut conn).unwrap();
    assert_eq!(none, None);
    // A sum past i64 is a float, which an i64 refuses.
    insert_into(Ints)
        .values((ISmall.set(1), IInt.set(2), IBig.set(i64::MAX)))
        .execute(&mut conn)
        .unwrap();
    let err = select(sum(IBig))
        .get::<Option<i64>, _>(&mut conn)
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Decode { .. }), "{err:?}");

    // Numeric literals decode to the nearest f64, or exactly to an i64.
    let exact: Vec<(&str, i64)> = vec![
        ("0", 0),
        ("-9223372036854775808", i64::MIN),
        ("9223372036854775807", i64::MAX),
        ("10000", 10_000),
        ("100000000", 100_000_000),
        ("-42", -42),
    ];
    for (lit, want) in exact {
        let got: i64 = text(format!("SELECT {lit}::numeric"))
            .returns::<BigInt>()
            .get(&mut conn)
            .unwrap();
        assert_eq!(got, want, "{lit}");
    }
    for lit in [
        "0.1",
        "-2.5",
        "123.4500",
        "0.000000000000000000000000000001",
        "9223372036854775808",
        "12345678901234567890123456789012345678901234567890.123",
        "1e300",
        "-1.7976931348623157e308",
        "3.14159265358979323846264338327950288419716939937510",
        "0.30000000000000000000000000000000000000000000000001",
    ] {
        let got: f64 = text(format!("SELECT {lit}::numeric"))
            .returns::<Double>()
            .get(&mut conn)
            .unwrap();
        let want: f64 = lit.parse().unwrap();
        assert_eq!(got.to_bits(), want.to_bits(), "{lit}: {got} != {want}");
    }
    let third: f64 = text("SELECT 1::numeric / 3")
        .returns::<Double>()
        .get(&mut conn)
        .unwrap();
    assert_eq!(third, 1.0 / 3.0);
    for (lit, want) in [
        ("'NaN'", f64::NAN),
        ("'Infinity'", f64::INFINITY),
        ("'-Infinity'", f64::NEG_INFINITY),
    ] {
        let got: f64 = text(format!("SELECT {lit}::numeric"))
            .returns::<Double>()
            .get(&mut conn)
            .unwrap();
        assert!(got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()));
    }
    // Integers and floats bind to numeric parameters.
    let n: f64 = text("SELECT :a::numeric + :b::numeric")
        .bind("a", 2i64)
        .bind("b", 0.25f64)
        .returns::<Double>()
        .get(&mut conn)
        .unwrap();
    assert_eq!(n, 2.25);

    // Types without a decoder say which type it is.
    let err = text("SELECT now() - now() AS at")
        .returns::<Text>()
        .get::<String, _>(&mut conn)
        .unwrap_err();
    match err.kind() {
        ErrorKind::Decode { column, message } => {
            assert_eq!(column, "at");
            assert!(message.contains("interval"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // `date`, `time` and `timestamp` load as the text the server writes for
    // them (what the Date, Time and Timestamp SQL types load).
    for value in [
        "DATE '2024-02-29'",
        "DATE '1999-12-31'",
        "DATE '0001-01-01'",
        "DATE '0044-03-15 BC'",
        "DATE '9999-12-31'",
        "DATE '12345-06-07'",
        "'infinity'::date",
        "'-infinity'::date",
        "TIME '00:00:00'",
        "TIME '23:59:59.999999'",
        "TIME '13:45:00.25'",
        "TIMESTAMP '2024-03-31 13:45:00'",
        "TIMESTAMP '1970-01-01 00:00:00.000001'",
        "TIMESTAMP '1999-12-31 23:59:59.5'",
        "TIMESTAMP '0001-01-01 00:00:00 BC'",
        "'infinity'::timestamp",
    ] {
        assert_loads_as_server_text(&mut conn, value);
    }
    // `timestamptz` loads in UTC, as the server writes it in a UTC session
    // (the TimestampTz SQL type).
    conn.batch_execute("SET TIME ZONE 'UTC'").unwrap();
    for value in [
        "TIMESTAMPTZ '2024-02-29 23:30:00.000001-05'",
        "TIMESTAMPTZ '2000-01-01 00:00:00+14'",
        "TIMESTAMPTZ '0044-03-15 12:00:00+00 BC'",
        "'infinity'::timestamptz",
    ] {
        assert_loads_as_server_text(&mut conn, value);
    }
    // ... and casting in SQL is the way out; text also binds to them.
    let day: String = text("SELECT (:d::date + 1)::text")
        .bind("d", "2024-02-28")
        .returns::<Text>()
        .get(&mut conn)
        .unwrap();
    assert_eq!(day, "2024-02-29");
    let json: String = text("SELECT jsonb_build_object('k', :v::int8)")
        .bind("v", 5i64)
        .returns::<Text>()
        .get(&mut conn)
        .unwrap();
    assert_eq!(json, r#"{"k": 5}"#);
}

/// Creates `ints` with rows 1 to 10: `small` i, `int` 10 i, `big` 100 i.
fn ten_ints<C: Connection>(conn: &mut C) {
    create_all::<Ints>(conn).unwrap();
    for i in 1..=10i64 {
        insert_into(Ints)
            .values((
                ISmall.set(i as i16),
                IInt.set(i as i32 * 10),
                IBig.set(i * 100),
            ))
            .execute(conn)
            .unwrap();
    }
}

#[test]
fn placeholders_are_numbered_in_order() {
    let engine = engine!("placeholders_are_numbered_in_order");
    let mut conn = engine.connect().unwrap();
    ten_ints(&mut conn);
    let q = select(IBig)
        .filter(
            IBig.between(200, 900)
                .and(IInt.ne(50))
                .and(ISmall.in_([2i16, 3, 5, 7, 9]).or(IBig.eq(800))),
        )
        .order_by(IBig.desc())
        .limit(3)
        .offset(1);
    let sql = q.to_sql(&Postgres).unwrap().sql;
    // BETWEEN 2, <> 1, IN 1 (an array of 5), = 1, LIMIT and OFFSET 1 each.
    for n in 1..=7 {
        assert!(sql.contains(&format!("${n}")), "{sql}");
    }
    assert!(!sql.contains("$8"), "{sql}");
    let got: Vec<i64> = q.load(&mut conn).unwrap();
    assert_eq!(got, [800, 700, 300]);

    // A name used twice binds twice; `::` casts are left alone.
    let n: i64 = text("SELECT :a::int8 + :b::int8 * :a::int8")
        .bind("a", 3i64)
        .bind("b", 4i64)
        .returns::<BigInt>()
        .get(&mut conn)
        .unwrap();
    assert_eq!(n, 15);
}

/// An IN list of values is one array parameter: any length works (past
/// the protocol's 65 535 parameters), one prepared statement serves every
/// length, and integers take the element type the server infers from the
/// column, so it can hash the list.
#[test]
fn in_lists_bind_one_array_of_any_length() {
    let engine = engine!("in_lists_bind_one_array_of_any_length");
    let mut conn = engine.connect().unwrap();
    ten_ints(&mut conn);
    let before = conn.cached_statements();
    for n in [1, 3, 70_000, 2] {
        let tens = (1..=n).map(|i| i * 10);
        let got: Vec<i32> = select(IInt)
            .filter(IInt.in_(tens))
            .order_by(IInt)
            .load(&mut conn)
            .unwrap();
        let want: Vec<i32> = (1..=n.min(10)).map(|i| i * 10).collect();
        assert_eq!(got, want, "{n} values");
    }
    assert_eq!(conn.cached_statements(), before + 1);
    let types: Vec<String> = text(
        "SELECT parameter_types::text FROM pg_prepared_statements \
         WHERE statement LIKE '%\"ints\".\"int\" = ANY($1)%' AND statement NOT LIKE '%LIKE%'",
    )
    .returns::<Text>()
    .load(&mut conn)
    .unwrap();
    assert_eq!(types, ["{integer[]}"]);

    // Inside a transaction (where inferring the type runs under a
    // savepoint), with smallints and bigints, and NOT IN.
    conn.transaction(|tx| {
        let small: i64 = select(count_star())
            .from(Ints)
            .filter(ISmall.in_([2i16, 4, 99]))
            .get(tx)?;
        assert_eq!(small, 2);
        let big: Vec<i64> = select(IBig)
            .filter(IBig.not_in((2..=10).map(|i| i * 100)))
            .load(tx)?;
        assert_eq!(big, [100]);
        Ok::<_, Error>(())
    })
    .unwrap();
}

/// Rendered statements find their prepared statement by their SQL cache
/// slot: one per type of binds, and prepared again when the table changed
/// under it.
#[test]
fn rendered_statements_keep_their_prepared_statements() {
    let engine = engine!("rendered_statements_keep_their_prepared_statements");
    let mut conn = engine.connect().unwrap();
    create_all::<Opts>(&mut conn).unwrap();
    insert_into(Opts)
        .values(OBig.set(Some(1i64)))
        .execute(&mut conn)
        .unwrap();
    let before = conn.cached_statements();
    let row = || select(OBig).filter(OId.eq(1));
    for v in [Some(5i64), None, Some(7), None, None, Some(9), Some(10)] {
        update(Opts)
            .set(OBig.set(v))
            .filter(OId.eq(1))
            .execute(&mut conn)
            .unwrap();
        let got: Option<i64> = row().get(&mut conn).unwrap();
        assert_eq!(got, v);
    }
    // The UPDATE with an int8 and with a NULL, and the SELECT.
    assert_eq!(conn.cached_statements(), before + 3);

    // The column's type changes under the SELECT's prepared statement: it
    // is prepared again (on its own, the statement runs again).
    conn.batch_execute("ALTER TABLE opts ALTER COLUMN big TYPE integer")
        .unwrap();
    let got: Option<i64> = row().get(&mut conn).unwrap();
    assert_eq!(got, Some(10));
    let got: Option<i64> = row().get(&mut conn).unwrap();
    assert_eq!(got, Some(10));
}

/// Runs the `k`th of as many distinct statements as wanted (a statement
/// of its own for the statement cache) and checks its result.
fn run_distinct_text(conn: &mut impl Connection, k: usize) {
    let got: i64 = text(format!("SELECT :v::int8 AS c{k}"))
        .bind("v", k as i64)
        .returns::<BigInt>()
        .get(conn)
        .unwrap();
    assert_eq!(got, k as i64);
}

/// A statement found by its SQL cache slot counts as used: while more
/// statements than the cache holds come and go, one run by slot in between
/// is never evicted (nor prepared again).
#[test]
fn statements_used_by_slot_stay_prepared() {
    let engine = engine!("statements_used_by_slot_stay_prepared");
    let mut conn = engine.connect().unwrap();
    create_all::<Ints>(&mut conn).unwrap();
    let hot = || select(count_star()).from(Ints);
    let prepared_at = |conn: &mut sqlalgebra::Pooled<Postgres>| -> String {
        text(
            "SELECT prepare_time::text FROM pg_prepared_statements \
             WHERE statement = 'SELECT COUNT(*) FROM \"ints\"'",
        )
        .returns::<Text>()
        .get(conn)
        .unwrap()
    };
    assert_eq!(hot().get::<i64, _>(&mut conn).unwrap(), 0);
    let first = prepared_at(&mut conn);
    for k in 0..STATEMENT_CACHE + 50 {
        run_distinct_text(&mut conn, k);
        if k % 10 == 0 {
            assert_eq!(hot().get::<i64, _>(&mut conn).unwrap(), 0);
        }
    }
    assert_eq!(prepared_at(&mut conn), first);
}

#[test]
fn statement_cache_reuses_and_evicts() {
    let engine = engine!("statement_cache_reuses_and_evicts");
    let mut conn = engine.connect().unwrap();
    create_all::<Ints>(&mut conn).unwrap();
    insert_into(Ints)
        .values((ISmall.set(1), IInt.set(1), IBig.set(1)))
        .execute(&mut conn)
        .unwrap();

    let before = conn.cached_statements();
    for i in 0..100i64 {
        let got: i64 = select(IBig.add(i)).get(&mut conn).unwrap();
        assert_eq!(got, 1 + i);
    }
    assert_eq!(conn.cached_statements(), before + 1);

    // More distinct statements than the cache holds: all run, the cache
    // stays bounded, and evicted statements are closed on the server.
    for k in 0..STATEMENT_CACHE + 50 {
        run_distinct_text(&mut conn, k);
    }
    assert_eq!(conn.cached_statements(), STATEMENT_CACHE);
    let on_server: i64 = text("SELECT count(*) FROM pg_prepared_statements")
        .returns::<BigInt>()
        .get(&mut conn)
        .unwrap();
    assert!(on_server <= STATEMENT_CACHE as i64, "{on_server}");
    // An evicted statement is prepared again.
    let got: i64 = text("SELECT :v::int8 AS c0")
        .bind("v", 7i64)
        .returns::<BigInt>()
        .get(&mut conn)
        .unwrap();
    assert_eq!(got, 7);

    // A cached statement whose result type changed is prepared again.
    let q = text("SELECT * FROM ints ORDER BY id").returns::<(BigInt, SmallInt)>();
    let rows: Vec<(i64, i16)> = q.load(&mut conn).unwrap();
    assert_eq!(rows, [(1, 1)]);
    conn.batch_execute("ALTER TABLE ints ADD COLUMN extra TEXT")
        .unwrap();
    let rows: Vec<(i64, i16)> = q.load(&mut conn).unwrap();
    assert_eq!(rows, [(1, 1)]);
}

/// Both ways of fetching rows: the whole result in one call (the default)
/// and one row at a time. Same rows, same early stop, same errors, same
/// counts; temporal columns and a large result included.
#[test]
fn rows_fetched_whole_or_streamed_agree() {
    use sqlalgebra::value::decode_cell;

    let engine = engine!("rows_fetched_whole_or_streamed_agree");
    let mut conn = engine.connect().unwrap();
    assert!(!conn.stream_rows());
    const SQL: &str = "SELECT g::int8, 'row ' || g, DATE '2024-01-01' + g, \
                       CASE WHEN g % 2 = 0 THEN NULL ELSE g::float8 END \
                       FROM generate_series(1, 20000) g ORDER BY 1";
    let read = |conn: &mut sqlalgebra::engine::Pooled<Postgres>| {
        let mut rows = Vec::new();
        conn.query_sql(SQL, &[], |row| {
            let id: i64 = decode_cell(row, 0)?;
            let name: String = decode_cell(row, 1)?;
            let day: String = decode_cell(row, 2)?;
            let half: Option<f64> = decode_cell(row, 3)?;
            rows.push((id, name, day, half));
            Ok(true)
        })
        .unwrap();
        rows
    };
    let whole = read(&mut conn);
    conn.set_stream_rows(true);
    let streamed = read(&mut conn);
    assert_eq!(whole.len(), 20_000);
    assert_eq!(whole, streamed);
    assert_eq!(
        whole[1],
        (2, "row 2".to_owned(), "2024-01-03".to_owned(), None)
    );
    assert_eq!(whole[19_998].3, Some(19_999.0));
    assert_eq!(whole[19_999].3, None);
    // A result fetched whole tells its length (what `load` sizes by).
    for (stream, len) in [(false, Some(20_000)), (true, None)] {
        use sqlalgebra::value::Row;
        conn.set_stream_rows(stream);
        let mut lens = Vec::new();
        conn.query_sql(SQL, &[], |row| {
            lens.push(row.result_len());
            Ok(lens.len() < 2)
        })
        .unwrap();
        assert_eq!(lens, [len, len], "stream: {stream}");
    }

    for stream in [false, true] {
        conn.set_stream_rows(stream);
        // The callback stops early; the connection stays usable.
        let mut seen = 0;
        conn.query_sql(SQL, &[], |_| {
            seen += 1;
            Ok(seen < 3)
        })
        .unwrap();
        assert_eq!(seen, 3);
        // A callback error is returned as it is.
        let err = conn
            .query_sql(SQL, &[], |_| Err(ErrorKind::NotFound.into()))
            .unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::NotFound), "{err:?}");
        // A failure past the first rows (division by zero at row 10 000).
        let err = conn
            .query_sql(
                "SELECT 1 / (10000 - g) FROM generate_series(1, 20000) g",
                &[],
                |_| Ok(true),
            )
            .unwrap_err();
        assert!(err.to_string().contains("division by zero"), "{err}");
        // Counts: of changed rows, and of rows a query returns.
        let n = conn
            .execute_sql("SELECT g FROM generate_series(1, 5) g", &[])
            .unwrap();
        assert_eq!(n, 5);
        let one: i64 = text("SELECT 1::int8")
            .returns::<BigInt>()
            .get(&mut conn)
            .unwrap();
        assert_eq!(one, 1);
    }
}

#[test]
fn constraint_violations_are_classified() {
    let engine = engine!("constraint_violations_are_classified");
    let mut conn = engine.connect().unwrap();
    create_all::<(Parents, Children)>(&mut conn).unwrap();
    insert_into(Parents)
        .values((PName.set("ann"), PAge.set(30)))
        .execute(&mut conn)
        .unwrap();
    let ann = conn.last_insert_id().unwrap().unwrap();

    let constraint = |e: Error| match e.into_kind() {
        ErrorKind::Constraint {
            kind, constraint, ..
        } => (kind, constraint),
        other => panic!("not a constraint error: {other:?}"),
    };
    let e = insert_into(Parents)
        .values((PName.set("ann"), PAge.set(1)))
        .execute(&mut conn)
        .unwrap_err();
    assert!(e.sql().is_some_and(|s| s.starts_with("INSERT")));
    assert_eq!(
        constraint(e),
        (ConstraintKind::Unique, Some("parents_name_key".into()))
    );
    let e = insert_into(Parents)
        .values((PName.set("bob"), PAge.set(-1)))
        .execute(&mut conn)
        .unwrap_err();
    assert_eq!(
        constraint(e),
        (ConstraintKind::Check, Some("parents_age_check".into()))
    );
    let e = insert_into(Children)
        .values((CParent.set(ann + 1000), CNote.set("x")))
        .execute(&mut conn)
        .unwrap_err();
    assert_eq!(
        constraint(e),
        (
            ConstraintKind::ForeignKey,
            Some("children_parent_id_fkey".into())
        )
    );
    let e = insert_into(Children)
        .values(CParent.set(ann))
        .execute(&mut conn)
        .unwrap_err();
    assert_eq!(
        constraint(e),
        (ConstraintKind::NotNull, Some("children.note".into()))
    );
    // A syntax error is a plain query error, not retryable.
    let e = conn.batch_execute("SELEC 1").unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Query { .. }) && !e.is_retryable(),
        "{e:?}"
    );

    // The connection is fine after all of that.
    insert_into(Children)
        .values((CParent.set(ann), CNote.set("ok")))
        .execute(&mut conn)
        .unwrap();
    let n: i64 = select(count_star()).from(Children).get(&mut conn).unwrap();
    assert_eq!(n, 1);
}

#[test]
fn last_insert_id_reports_the_session_sequence() {
    let engine = engine!("last_insert_id_reports_the_session_sequence");
    let mut first = engine.connect().unwrap();
    create_all::<Parents>(&mut first).unwrap();
    assert_eq!(first.last_insert_id().unwrap(), None);
    insert_into(Parents)
        .values((PName.set("a"), PAge.set(1)))
        .execute(&mut first)
        .unwrap();
    assert_eq!(first.last_insert_id().unwrap(), Some(1));

    // Another session has used no sequence yet; asking inside a
    // transaction does not abort it.
    let mut second = engine.connect().unwrap();
    second
        .transaction(|tx| {
            assert_eq!(tx.last_insert_id()?, None);
            insert_into(Parents)
                .values((PName.set("b"), PAge.set(2)))
                .execute(tx)?;
            assert_eq!(tx.last_insert_id()?, Some(2));
            Ok::<_, Error>(())
        })
        .unwrap();
    let names: Vec<String> = select(PName).order_by(PId).load(&mut first).unwrap();
    assert_eq!(names, ["a", "b"]);
}

/// Moves `amount` from one account to the other and logs it, touching the
/// rows in id order so that transfers never deadlock; conflicts are left
/// to the transaction's isolation level to report.
fn transfer<C: Connection>(tx: &mut C, from: i64, to: i64, amount: i64) -> sqlalgebra::Result<()> {
    let mut moves = [(from, -amount), (to, amount)];
    moves.sort();
    for (id, delta) in moves {
        let n = update(Accounts)
            .set(ABalance.set(ABalance.add(delta)))
            .filter(AId.eq(id))
            .execute(tx)?;
        assert_eq!(n, 1);
    }
    insert_into(Transfers)
        .values((XFrom.set(from), XTo.set(to), XAmount.set(amount)))
        .execute(tx)?;
    Ok(())
}

#[test]
fn serializable_conflict_is_retryable() {
    let engine = engine!("serializable_conflict_is_retryable");
    let mut a = engine.connect().unwrap();
    let mut b = engine.connect().unwrap();
    create_all::<(Accounts, Transfers)>(&mut a).unwrap();
    insert_into(Accounts)
        .values(vec![
            (AId.set(1), ABalance.set(100)),
            (AId.set(2), ABalance.set(100)),
        ])
        .execute(&mut a)
        .unwrap();

    let outcome = b.transaction(|tb| {
        tb.batch_execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")?;
        // B takes its snapshot.
        let seen: i64 = select(ABalance).filter(AId.eq(1)).get(tb)?;
        assert_eq!(seen, 100);
        // A changes the row and commits after B's snapshot.
        a.transaction(|ta| {
            ta.batch_execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")?;
            transfer(ta, 1, 2, 10)
        })?;
        // B's write to the same row cannot be serialized.
        transfer(tb, 1, 2, 5)
    });
    let err = outcome.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Conflict { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert!(err.to_string().contains("could not serialize"), "{err}");

    // B rolled back and is usable; retrying the transfer now succeeds.
    b.transaction(|tb| transfer(tb, 1, 2, 5)).unwrap();
    let balances: Vec<i64> = select(ABalance).order_by(AId).load(&mut b).unwrap();
    assert_eq!(balances, [85, 115]);
}

#[test]
fn concurrent_transfers_keep_the_total() {
    const THREADS: usize = 16;
    const TRANSFERS: usize = 500;
    const ACCOUNTS: i64 = 10;
    let options = PoolOptions::default()
        .size(8)
        .overflow(0)
        .timeout(Duration::from_secs(60));
    let engine = engine!("concurrent_transfers_keep_the_total", options);
    {
        let mut conn = engine.connect().unwrap();
        create_all::<(Accounts, Transfers)>(&mut conn).unwrap();
        let rows: Vec<_> = (1..=ACCOUNTS)
            .map(|id| (AId.set(id), ABalance.set(1000)))
            .collect();
        insert_into(Accounts)
            .values(rows)
            .execute(&mut conn)
            .unwrap();
    }
    let started = Instant::now();
    let retries: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let engine = engine.clone();
                s.spawn(move || {
                    // A small deterministic generator per thread.
                    let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ (t as u64 + 1);
                    let mut next = |n: u64| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        state % n
                    };
                    let mut retries = 0;
                    for _ in 0..TRANSFERS {
                        let from = next(ACCOUNTS as u64) as i64 + 1;
                        let to = (from + next(ACCOUNTS as u64 - 1) as i64) % ACCOUNTS + 1;
                        let amount = next(50) as i64 + 1;
                        loop {
                            let result = engine.connect().and_then(|mut c| {
                                c.transaction(|tx| {
                                    tx.batch_execute(
                                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                                    )?;
                                    transfer(tx, from, to, amount)
                                })
                            });
                            match result {
                                Ok(()) => break,
                                Err(e) if e.is_retryable() => retries += 1,
                                Err(e) => panic!("transfer failed: {e}"),
                            }
                        }
                    }
                    retries
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    eprintln!(
        "{} transfers in {:.1?} with {retries} retries",
        THREADS * TRANSFERS,
        started.elapsed()
    );

    let mut conn = engine.connect().unwrap();
    let total: Option<i64> = select(sum(ABalance)).get(&mut conn).unwrap();
    assert_eq!(total, Some(ACCOUNTS * 1000));
    let n: i64 = select(count_star()).from(Transfers).get(&mut conn).unwrap();
    assert_eq!(n, (THREADS * TRANSFERS) as i64);
    // Every balance is what its logged transfers made of it.
    for id in 1..=ACCOUNTS {
        let balance: i64 = select(ABalance).filter(AId.eq(id)).get(&mut conn).unwrap();
        let out: Option<i64> = select(sum(XAmount))
            .filter(XFrom.eq(id))
            .get(&mut conn)
            .unwrap();
        let inn: Option<i64> = select(sum(XAmount))
            .filter(XTo.eq(id))
            .get(&mut conn)
            .unwrap();
        assert_eq!(
            balance,
            1000 - out.unwrap_or(0) + inn.unwrap_or(0),
            "account {id}"
        );
    }
}

#[test]
fn dead_connection_is_replaced_on_checkout() {
    let options = PoolOptions::default().size(1).overflow(1);
    let engine = engine!("dead_connection_is_replaced_on_checkout", options);
    let mut killer = engine.connect().unwrap();
    let victim_pid = {
        let mut victim = engine.connect().unwrap();
        backend_pid(&mut victim)
    };
    // The victim is idle in the pool; end its session and wait for it.
    let killed: bool = text("SELECT pg_terminate_backend(:pid::int4, 10000)")
        .bind("pid", victim_pid)
        .returns::<Bool>()
        .get(&mut killer)
        .unwrap();
    assert!(killed);
    // The only idle connection is the dead one: the pre-ping notices and
    // the pool opens a new one.
    let mut fresh = engine.connect().unwrap();
    let pid = backend_pid(&mut fresh);
    assert_ne!(pid, victim_pid);
    let one: i64 = text("SELECT 1::int8")
        .returns::<BigInt>()
        .get(&mut fresh)
        .unwrap();
    assert_eq!(one, 1);
}

#[test]
fn dead_connection_without_pre_ping_is_discarded_after_its_error() {
    let options = PoolOptions::default().size(1).overflow(1).pre_ping(false);
    let engine = engine!(
        "dead_connection_without_pre_ping_is_discarded_after_its_error",
        options
    );
    let mut killer = engine.connect().unwrap();
    let mut victim = engine.connect().unwrap();
    let victim_pid = backend_pid(&mut victim);
    let killed: bool = text("SELECT pg_terminate_backend(:pid::int4, 10000)")
        .bind("pid", victim_pid)
        .returns::<Bool>()
        .get(&mut killer)
        .unwrap();
    assert!(killed);
    let err = text("SELECT 1::int8")
        .returns::<BigInt>()
        .get::<i64, _>(&mut victim)
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Connection(_)), "{err:?}");
    drop(victim);
    // The broken connection was not put back: the next one works.
    let mut fresh = engine.connect().unwrap();
    assert_ne!(backend_pid(&mut fresh), victim_pid);
}

#[test]
fn connection_left_in_a_transaction_is_not_reused() {
    let options = PoolOptions::default().size(1).overflow(0);
    let engine = engine!("connection_left_in_a_transaction_is_not_reused", options);
    let pid = {
        let mut conn = engine.connect().unwrap();
        create_all::<Parents>(&mut conn).unwrap();
        conn.batch_execute("BEGIN").unwrap();
        insert_into(Parents)
            .values((PName.set("ghost"), PAge.set(1)))
            .execute(&mut conn)
            .unwrap();
        backend_pid(&mut conn)
        // Dropped with the transaction open.
    };
    let mut conn = engine.connect().unwrap();
    assert_ne!(backend_pid(&mut conn), pid);
    let n: i64 = select(count_star()).from(Parents).get(&mut conn).unwrap();
    assert_eq!(n, 0, "the uncommitted insert must not survive");
    // A transaction closed by hand leaves the connection reusable.
    conn.batch_execute("BEGIN").unwrap();
    conn.batch_execute("COMMIT").unwrap();
    let pid = backend_pid(&mut conn);
    drop(conn);
    let mut conn = engine.connect().unwrap();
    assert_eq!(backend_pid(&mut conn), pid);
}

#[test]
fn pool_exhaustion_times_out() {
    let options = PoolOptions::default()
        .size(1)
        .overflow(1)
        .timeout(Duration::from_millis(300));
    let engine = engine!("pool_exhaustion_times_out", options);
    let _a = engine.connect().unwrap();
    let b = engine.connect().unwrap();
    let started = Instant::now();
    let Err(err) = engine.connect() else {
        panic!("a third connection from a pool of two");
    };
    assert!(matches!(err.kind(), ErrorKind::PoolTimeout(_)), "{err:?}");
    assert!(err.is_retryable());
    assert!(started.elapsed() < Duration::from_secs(10));
    drop(b);
    let mut c = engine.connect().unwrap();
    let one: i64 = text("SELECT 1::int8")
        .returns::<BigInt>()
        .get(&mut c)
        .unwrap();
    assert_eq!(one, 1);
}

#[test]
fn url_forms_are_accepted() {
    let url = common::postgres_url();
    // Only meaningful when the server is there.
    if common::postgres("url_forms_are_accepted").is_none() {
        return;
    }
    let alt = if let Some(rest) = url.strip_prefix("postgres://") {
        format!("postgresql://{rest}")
    } else if let Some(rest) = url.strip_prefix("postgresql://") {
        format!("postgres://{rest}")
    } else {
        url.clone()
    };
    let options = PoolOptions::default().size(1).overflow(0);
    for u in [&url, &alt] {
        let engine = Postgres::connect_with(u, &options).unwrap();
        let mut conn = engine.connect().unwrap();
        let n: i64 = text("SELECT 2::int8")
            .returns::<BigInt>()
            .get(&mut conn)
            .unwrap();
        assert_eq!(n, 2, "{u}");
    }
    let err = Postgres::connect_with("postgres://a@b:notaport/db", &options).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Connection(_)), "{err:?}");
}

/// `value` (SQL text) loads into a `String` exactly as the server writes it
/// with `::text`.
fn assert_loads_as_server_text<C: Connection>(conn: &mut C, value: &str) {
    let got: String = text(format!("SELECT {value} AS v"))
        .returns::<Text>()
        .get(conn)
        .unwrap();
    let want: String = text(format!("SELECT ({value})::text AS v"))
        .returns::<Text>()
        .get(conn)
        .unwrap();
    assert_eq!(got, want, "{value}");
}
