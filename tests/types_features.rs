//! The optional type integrations (`chrono`, `uuid`, `serde_json`,
//! `rust_decimal`) round-tripped through every backend: each value is
//! inserted, selected back and compared with what went in, edge values
//! included, and filtered on. Expected rows are computed here in Rust from
//! the values inserted.
//!
//! Run with `cargo test -p sqlalgebra --all-features --test types_features`.
#![cfg(all(
    feature = "chrono",
    feature = "uuid",
    feature = "serde_json",
    feature = "rust_decimal"
))]

mod common;
use common::on_all_backends;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use sqlalgebra::prelude::*;
use sqlalgebra::{Backend, Engine, ErrorKind, Result};

macro_rules! col {
    ($table:ident, $name:ident, $st:ty, $sql:literal) => {
        #[doc = concat!("The `", $sql, "` column.")]
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;
        impl Column for $name {
            type Table = super::$table;
            type SqlType = $st;
            const NAME: &'static str = $sql;
        }
    };
}

/// Dates and times.
#[derive(Clone, Copy, Debug, Default)]
pub struct Moments;
impl Table for Moments {
    const NAME: &'static str = "moments";
    type Columns = (
        moments::Id,
        moments::Day,
        moments::Tod,
        moments::At,
        moments::Instant,
        moments::Maybe,
    );
    type PrimaryKey = moments::Id;
}

/// Columns of `moments`.
pub mod moments {
    use sqlalgebra::prelude::*;
    col!(Moments, Id, BigInt, "id");
    col!(Moments, Day, Date, "day");
    col!(Moments, Tod, Time, "tod");
    col!(Moments, At, Timestamp, "at");
    col!(Moments, Instant, TimestampTz, "instant");
    col!(Moments, Maybe, Nullable<TimestampTz>, "maybe");
}

/// UUIDs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ids;
impl Table for Ids {
    const NAME: &'static str = "ids";
    type Columns = (ids::Id, ids::Uid, ids::Maybe);
    type PrimaryKey = ids::Id;
}

/// Columns of `ids`.
pub mod ids {
    use sqlalgebra::prelude::*;
    col!(Ids, Id, BigInt, "id");
    col!(Ids, Uid, Uuid, "uid");
    col!(Ids, Maybe, Nullable<Uuid>, "maybe");
}

/// JSON documents.
#[derive(Clone, Copy, Debug, Default)]
pub struct Docs;
impl Table for Docs {
    const NAME: &'static str = "docs";
    type Columns = (docs::Id, docs::Doc, docs::Docb, docs::Maybe);
    type PrimaryKey = docs::Id;
}

/// Columns of `docs`.
pub mod docs {
    use sqlalgebra::prelude::*;
    col!(Docs, Id, BigInt, "id");
    col!(Docs, Doc, Json, "doc");
    col!(Docs, Docb, Jsonb, "docb");
    col!(Docs, Maybe, Nullable<Jsonb>, "maybe");
}

/// Exact decimals.
#[derive(Clone, Copy, Debug, Default)]
pub struct Amounts;
impl Table for Amounts {
    const NAME: &'static str = "amounts";
    type Columns = (amounts::Id, amounts::Amount, amounts::Maybe);
    type PrimaryKey = amounts::Id;
}

/// Columns of `amounts`.
pub mod amounts {
    use sqlalgebra::prelude::*;
    col!(Amounts, Id, BigInt, "id");
    col!(Amounts, Amount, Numeric, "amount");
    col!(Amounts, Maybe, Nullable<Numeric>, "maybe");
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn hms_micro(h: u32, m: u32, s: u32, micro: u32) -> NaiveTime {
    NaiveTime::from_hms_micro_opt(h, m, s, micro).unwrap()
}

fn utc(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
}

fn backend(conn: &mut impl Connection) -> &'static str {
    conn.dialect().name()
}

/// One row of `moments`, as inserted.
type Moment = (
    i64,
    NaiveDate,
    NaiveTime,
    NaiveDateTime,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

fn chrono_round_trips<B: Backend>(engine: &Engine<B>) -> Result<()> {
    use moments::*;
    let mut conn = engine.connect()?;
    create_all::<Moments>(&mut conn)?;
    let mysql = matches!(backend(&mut conn), "mysql" | "mariadb");
    let postgres = backend(&mut conn) == "postgresql";

    // MySQL's DATE and DATETIME start at the year 1000.
    let first_day = if mysql { ymd(1000, 1, 1) } else { ymd(1, 1, 1) };
    let last_day = ymd(9999, 12, 31);
    let leap_day = ymd(2024, 2, 29);
    let midnight = NaiveTime::MIN;
    let last_micro = hms_micro(23, 59, 59, 999_999);
    // A negative offset: stored as the same instant in UTC.
    let new_york: DateTime<FixedOffset> =
        DateTime::parse_from_rfc3339("2024-02-29T23:30:00.000001-05:00").unwrap();
    let kiribati: DateTime<FixedOffset> =
        DateTime::parse_from_rfc3339("2000-01-01T00:00:00+14:00").unwrap();

    let rows: Vec<Moment> = vec![
        (
            1,
            first_day,
            midnight,
            first_day.and_time(midnight),
            first_day.and_time(midnight).and_utc(),
            None,
        ),
        (
            2,
            last_day,
            last_micro,
            last_day.and_time(last_micro),
            last_day.and_time(last_micro).and_utc(),
            Some(utc("1970-01-01T00:00:00Z")),
        ),
        (
            3,
            leap_day,
            hms_micro(12, 34, 56, 1),
            leap_day.and_time(hms_micro(0, 0, 0, 500_000)),
            new_york.to_utc(),
            Some(kiribati.to_utc()),
        ),
        (
            4,
            ymd(1969, 12, 31),
            hms_micro(0, 0, 0, 1),
            ymd(1969, 12, 31).and_time(last_micro),
            utc("1969-12-31T23:59:59.999999Z"),
            Some(utc("2038-01-19T03:14:08Z")),
        ),
        (
            5,
            ymd(2000, 1, 1),
            hms_micro(23, 59, 59, 0),
            ymd(2000, 2, 28).and_time(hms_micro(13, 45, 0, 250_000)),
            utc("2000-01-01T00:00:00Z"),
            None,
        ),
    ];
    for (id, day, tod, at, instant, maybe) in &rows {
        let row = (
            Id.set(*id),
            Day.set(*day),
            Tod.set(*tod),
            At.set(*at),
            Instant.set(*instant),
            Maybe.set(*maybe),
        );
        insert_into(Moments).values(row).execute(&mut conn)?;
    }
    // A `DateTime` in another zone binds as its instant.
    update(Moments)
        .set(Instant.set(new_york))
        .filter(Id.eq(3))
        .execute(&mut conn)?;

    let back: Vec<Moment> = select((Id, Day, Tod, At, Instant, Maybe))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(back, rows);
    assert_eq!(back[2].4.to_rfc3339(), "2024-03-01T04:30:00.000001+00:00");

    // Stored in UTC, in the text form each backend has for it.
    let instant: String = select(Instant).filter(Id.eq(3)).get(&mut conn)?;
    let expected = if postgres {
        "2024-03-01 04:30:00.000001+00"
    } else {
        "2024-03-01 04:30:00.000001"
    };
    assert_eq!(instant, expected);
    let day: String = select(Day).filter(Id.eq(3)).get(&mut conn)?;
    assert_eq!(day, "2024-02-29");

    // Filters: equality and ranges on every type, against Rust's answer.
    let ids_where = |keep: &dyn Fn(&Moment) -> bool| -> Vec<i64> {
        rows.iter().filter(|r| keep(r)).map(|r| r.0).collect()
    };
    let found: Vec<i64> = select(Id)
        .filter(Day.eq(leap_day))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(found, [3]);
    let (lo, hi) = (ymd(1969, 12, 31), ymd(2024, 2, 29));
    let found: Vec<i64> = select(Id)
        .filter(Day.between(lo, hi))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(found, ids_where(&|r| (lo..=hi).contains(&r.1)));
    assert_eq!(found, [3, 4, 5]);
    let (lo, hi) = (hms_micro(0, 0, 0, 1), hms_micro(23, 59, 59, 0));
    let found: Vec<i64> = select(Id)
        .filter(Tod.between(lo, hi))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(found, ids_where(&|r| (lo..=hi).contains(&r.2)));
    let cut = ymd(1969, 12, 31).and_time(last_micro);
    let found: Vec<i64> = select(Id)
        .filter(At.gt(cut))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(found, ids_where(&|r| r.3 > cut));
    assert_eq!(found, [2, 3, 5]);
    let found: Vec<i64> = select(Id)
        .filter(Instant.eq(new_york))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(found, [3]);
    let (lo, hi) = (
        utc("1969-12-31T23:59:59.999999Z"),
        utc("2024-03-01T04:30:00.000001Z"),
    );
    let found: Vec<i64> = select(Id)
        .filter(Instant.between(lo, hi))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(found, ids_where(&|r| (lo..=hi).contains(&r.4)));
    assert_eq!(found, [3, 4, 5]);
    let found: Vec<i64> = select(Id)
        .filter(Maybe.lt(Some(kiribati.to_utc())).or(Maybe.is_null()))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(
        found,
        ids_where(&|r| r.5.is_none_or(|m| m < kiribati.to_utc()))
    );
    assert_eq!(found, [1, 2, 5]);
    // IN lists of every type (one array parameter on PostgreSQL).
    let found: Vec<i64> = select(Id)
        .filter(
            Day.in_([leap_day, ymd(1999, 1, 1)])
                .or(Tod.in_([last_micro]))
                .or(At.in_(rows.iter().skip(4).map(|r| r.3)))
                .or(Instant.not_in(rows.iter().skip(2).map(|r| r.4))),
        )
        .order_by(Id.asc())
        .load(&mut conn)?;
    let expected = ids_where(&|r| {
        [leap_day, ymd(1999, 1, 1)].contains(&r.1)
            || r.2 == last_micro
            || rows.iter().skip(4).any(|o| o.3 == r.3)
            || !rows.iter().skip(2).any(|o| o.4 == r.4)
    });
    assert_eq!(found, expected);
    assert!(found.len() > 1 && found.len() < rows.len(), "{found:?}");

    // chrono's nanoseconds are cut to the microseconds the databases keep.
    let precise = hms_micro(1, 2, 3, 0) + chrono::TimeDelta::nanoseconds(456_789);
    update(Moments)
        .set(Tod.set(precise))
        .filter(Id.eq(5))
        .execute(&mut conn)?;
    let tod: NaiveTime = select(Tod).filter(Id.eq(5)).get(&mut conn)?;
    assert_eq!(tod, hms_micro(1, 2, 3, 456));

    // Raw SQL binds the same values.
    let day: NaiveDate = text("SELECT day FROM moments WHERE day = :d")
        .bind("d", leap_day)
        .returns::<Date>()
        .get(&mut conn)?;
    assert_eq!(day, leap_day);
    let id: i64 = text("SELECT id FROM moments WHERE instant = :t")
        .bind("t", new_york.to_utc())
        .returns::<BigInt>()
        .get(&mut conn)?;
    assert_eq!(id, 3);
    Ok(())
}

fn uuid_round_trips<B: Backend>(engine: &Engine<B>) -> Result<()> {
    use ids::*;
    let mut conn = engine.connect()?;
    create_all::<Ids>(&mut conn)?;

    let values = [
        uuid::Uuid::nil(),
        uuid::Uuid::max(),
        uuid::Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8),
        uuid::Uuid::from_u128(0x0000_0000_0000_4000_8000_0000_0000_0001),
        uuid::Uuid::from_u128(0xa000_0000_0000_0000_0000_0000_0000_0000),
    ];
    for (i, u) in values.iter().enumerate() {
        let maybe = (i % 2 == 0).then_some(*u);
        insert_into(Ids)
            .values((Id.set(i as i64), Uid.set(*u), Maybe.set(maybe)))
            .execute(&mut conn)?;
    }

    let back: Vec<(i64, uuid::Uuid, Option<uuid::Uuid>)> = select((Id, Uid, Maybe))
        .order_by(Id.asc())
        .load(&mut conn)?;
    let expected: Vec<_> = values
        .iter()
        .enumerate()
        .map(|(i, u)| (i as i64, *u, (i % 2 == 0).then_some(*u)))
        .collect();
    assert_eq!(back, expected);

    // Hyphenated lowercase text on every backend.
    let texts: Vec<String> = select(Uid).order_by(Id.asc()).load(&mut conn)?;
    let hyphenated: Vec<String> = values.iter().map(|u| u.hyphenated().to_string()).collect();
    assert_eq!(texts, hyphenated);

    // It sorts as the bytes do.
    let sorted: Vec<uuid::Uuid> = select(Uid).order_by(Uid.asc()).load(&mut conn)?;
    let mut by_bytes = values.to_vec();
    by_bytes.sort();
    assert_eq!(sorted, by_bytes);

    let found: Vec<i64> = select(Id).filter(Uid.eq(values[2])).load(&mut conn)?;
    assert_eq!(found, [2]);
    let found: Vec<i64> = select(Id)
        .filter(Uid.between(values[3], values[2]))
        .order_by(Id.asc())
        .load(&mut conn)?;
    let expected: Vec<i64> = (0..values.len() as i64)
        .filter(|&i| (values[3]..=values[2]).contains(&values[i as usize]))
        .collect();
    assert_eq!(found, expected);
    assert_eq!(found, [2, 3]);
    let found: Vec<i64> = select(Id)
        .filter(Uid.in_([values[3], values[0]]))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(found, [0, 3]);
    let found: Vec<i64> = select(Id)
        .filter(Uid.not_in(values[1..].iter().copied()))
        .load(&mut conn)?;
    assert_eq!(found, [0]);
    let found: Vec<i64> = select(Id)
        .filter(Maybe.is_null())
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(found, [1, 3]);

    // A UUID given as text (the base type) loads as a `Uuid`.
    update(Ids)
        .set(Uid.set("6ba7b810-9dad-11d1-80b4-00c04fd430c8"))
        .filter(Id.eq(0))
        .execute(&mut conn)?;
    let u: uuid::Uuid = select(Uid).filter(Id.eq(0)).get(&mut conn)?;
    assert_eq!(u, uuid::Uuid::NAMESPACE_DNS);

    let u: uuid::Uuid = text("SELECT uid FROM ids WHERE uid = :u")
        .bind("u", uuid::Uuid::NAMESPACE_DNS)
        .returns::<Uuid>()
        .get(&mut conn)?;
    assert_eq!(u, uuid::Uuid::NAMESPACE_DNS);
    Ok(())
}

fn json_round_trips<B: Backend>(engine: &Engine<B>) -> Result<()> {
    use docs::*;
    let mut conn = engine.connect()?;
    create_all::<Docs>(&mut conn)?;
    let postgres = backend(&mut conn) == "postgresql";

    let values = [
        json!({
            "name": "Zoë",
            "nested": {"deep": {"deeper": [1, [2, [3, {"x": null}]]]}},
            "tags": ["a", "b", "c"],
        }),
        json!({"unicode": "日本語 ✓ 😀 \"quoted\" \\ back\tslash\n", "ключ": "значение"}),
        json!({
            "big": i64::MAX,
            "small": i64::MIN,
            "unsigned": u64::MAX,
            "half": 1.5,
            "tiny": 2.5e-8,
            "neg": -0.125,
            "zero": 0,
        }),
        json!([null, true, false, "", [], {}]),
        Value::Null,
        json!("just a string"),
        json!(42),
    ];
    for (i, v) in values.iter().enumerate() {
        let maybe = (i % 2 == 0).then(|| v.clone());
        insert_into(Docs)
            .values((Id.set(i as i64), Doc.set(v), Docb.set(v), Maybe.set(maybe)))
            .execute(&mut conn)?;
    }

    let back: Vec<(i64, Value, Value, Option<Value>)> = select((Id, Doc, Docb, Maybe))
        .order_by(Id.asc())
        .load(&mut conn)?;
    let expected: Vec<_> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            (
                i as i64,
                v.clone(),
                v.clone(),
                (i % 2 == 0).then(|| v.clone()),
            )
        })
        .collect();
    assert_eq!(back, expected);
    // JSON null is a value; SQL NULL is None.
    assert_eq!(back[4].3, Some(Value::Null));
    assert_eq!(back[5].3, None);

    // JSONB normalizes: keys sorted, duplicates dropped (the last wins),
    // whitespace gone. The documents stay equal as values.
    let written = r#"{"b": 1,   "a": {"z": [1, 2], "y": true}, "b": 2}"#;
    update(Docs)
        .set((Doc.set(written), Docb.set(written)))
        .filter(Id.eq(0))
        .execute(&mut conn)?;
    let (doc, docb): (Value, Value) = select((Doc, Docb)).filter(Id.eq(0)).get(&mut conn)?;
    let normal = json!({"a": {"y": true, "z": [1, 2]}, "b": 2});
    assert_eq!(docb, normal);
    assert_eq!(doc, normal);
    let docb_text: String = select(Docb).filter(Id.eq(0)).get(&mut conn)?;
    if postgres {
        assert_eq!(docb_text, r#"{"a": {"y": true, "z": [1, 2]}, "b": 2}"#);
        // `json` keeps the text as written.
        let doc_text: String = select(Doc).filter(Id.eq(0)).get(&mut conn)?;
        assert_eq!(doc_text, written);
    }

    let found: Vec<i64> = select(Id)
        .filter(Maybe.is_not_null())
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(found, [0, 2, 4, 6]);
    if postgres {
        // `jsonb` compares documents. A list of them is one array, sent as
        // a text literal: quotes, backslashes and control characters
        // inside the elements must survive its escaping.
        let found: Vec<i64> = select(Id)
            .filter(Docb.in_([&values[1], &values[5], &values[3]]))
            .order_by(Id.asc())
            .load(&mut conn)?;
        assert_eq!(found, [1, 3, 5]);
    }

    // Raw SQL takes the serialized text.
    let doc = sqlalgebra::integrations::serde_json::JsonText::new(&values[2]);
    text("INSERT INTO docs (id, doc, docb) VALUES (:id, :doc, :doc)")
        .bind("id", 100i64)
        .bind("doc", &doc)
        .execute(&mut conn)?;
    let (doc, docb): (Value, Value) = select((Doc, Docb)).filter(Id.eq(100)).get(&mut conn)?;
    assert_eq!((&doc, &docb), (&values[2], &values[2]));
    Ok(())
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn decimal_round_trips<B: Backend>(engine: &Engine<B>) -> Result<()> {
    use amounts::*;
    let mut conn = engine.connect()?;
    create_all::<Amounts>(&mut conn)?;
    let name = backend(&mut conn);

    let texts = [
        "79228162514264337593543950335",
        "-79228162514264337593543950335",
        "-0.0000000000000000000000000001",
        "0.0000000000000000000000000001",
        "1.10",
        "0",
        "12345.6789",
        "-42",
        "0.5",
    ];
    let values: Vec<Decimal> = texts.iter().map(|s| dec(s)).collect();
    for (i, d) in values.iter().enumerate() {
        let maybe = (i % 2 == 1).then_some(*d);
        insert_into(Amounts)
            .values((Id.set(i as i64), Amount.set(*d), Maybe.set(maybe)))
            .execute(&mut conn)?;
    }

    let back: Vec<(i64, Decimal, Option<Decimal>)> = select((Id, Amount, Maybe))
        .order_by(Id.asc())
        .load(&mut conn)?;
    let expected: Vec<_> = values
        .iter()
        .enumerate()
        .map(|(i, d)| (i as i64, *d, (i % 2 == 1).then_some(*d)))
        .collect();
    // Equal as numbers everywhere ...
    assert_eq!(back, expected);
    // ... and digit for digit, scale included, where the column keeps each
    // value's scale. MySQL's DECIMAL(65, 30) gives every value 30
    // decimals, 28 of which a Decimal keeps.
    let shown: Vec<String> = back.iter().map(|r| r.1.to_string()).collect();
    if matches!(name, "mysql" | "mariadb") {
        assert_eq!(shown[4], "1.1000000000000000000000000000");
        assert_eq!(shown[0], texts[0]);
        assert_eq!(shown[2], texts[2]);
    } else {
        assert_eq!(shown, texts);
    }
    // The base type loads the digits as text, without a float in between.
    let as_text: String = select(Amount).filter(Id.eq(0)).get(&mut conn)?;
    let as_text = as_text.trim_end_matches('0').trim_end_matches('.');
    assert_eq!(as_text, texts[0]);

    // Equality on every backend (SQLite compares the text, written the same
    // way).
    let found: Vec<i64> = select(Id).filter(Amount.eq(dec("1.10"))).load(&mut conn)?;
    assert_eq!(found, [4]);
    let found: Vec<i64> = select(Id)
        .filter(Amount.eq(values[2]).or(Maybe.eq(Some(values[1]))))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(found, [1, 2]);
    // On PostgreSQL an array of decimals goes as a text literal.
    let found: Vec<i64> = select(Id)
        .filter(Amount.in_([dec("1.10"), values[2], dec("7")]))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(found, [2, 4]);
    let found: Vec<i64> = select(Id)
        .filter(Maybe.in_([Some(values[1]), None, Some(values[3])]))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(found, [1, 3]);

    if name != "sqlite" {
        // Ranges and sums are numeric on PostgreSQL and MySQL (on SQLite
        // the column is text; see `types::Numeric`).
        let (lo, hi) = (dec("-0.0000000000000000000000000001"), dec("1.1"));
        let found: Vec<i64> = select(Id)
            .filter(Amount.between(lo, hi))
            .order_by(Id.asc())
            .load(&mut conn)?;
        let expected: Vec<i64> = (0..values.len() as i64)
            .filter(|&i| (lo..=hi).contains(&values[i as usize]))
            .collect();
        assert_eq!(found, expected);
        assert_eq!(found, [2, 3, 4, 5, 8]);

        let total: Option<Decimal> = select(sum(Amount)).filter(Id.ge(2)).get(&mut conn)?;
        let rust_total: Decimal = values[2..].iter().sum();
        assert_eq!(total, Some(rust_total));
        assert_eq!(rust_total, dec("12305.2789"));
        // The extreme digits cancel exactly.
        let total: Option<Decimal> = select(sum(Amount)).filter(Id.le(1)).get(&mut conn)?;
        assert_eq!(total, Some(Decimal::ZERO));
    }

    // More digits than a Decimal holds is an error, not a rounding.
    update(Amounts)
        .set(Amount.set("0.00000000000000000000000000001"))
        .filter(Id.eq(5))
        .execute(&mut conn)?;
    let err = common::expect_err(select(Amount).filter(Id.eq(5)).get::<Decimal, _>(&mut conn));
    assert!(
        matches!(err.kind(), ErrorKind::Decode { message, .. } if message.contains("does not fit")),
        "{err}"
    );
    let digits: String = select(Amount).filter(Id.eq(5)).get(&mut conn)?;
    assert!(
        digits.starts_with("0.00000000000000000000000000001"),
        "{digits}"
    );

    // Raw SQL binds the same values.
    let d: Decimal = text("SELECT amount FROM amounts WHERE amount = :a")
        .bind("a", values[0])
        .returns::<Numeric>()
        .get(&mut conn)?;
    assert_eq!(d, values[0]);
    Ok(())
}

on_all_backends!(
    chrono_round_trips,
    uuid_round_trips,
    json_round_trips,
    decimal_round_trips
);
