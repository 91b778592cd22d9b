//! `Numeric` with the `rust_decimal` feature: SUM, arithmetic, comparisons
//! and CAST load into `Decimal` on every backend with the same answers,
//! and a SQLite float cell loads as the same decimal whether it goes
//! through a `String` or a `Decimal`.
#![cfg(feature = "rust_decimal")]

mod common;

use common::on_all_backends;
use rust_decimal::Decimal;
use sqlalgebra::prelude::*;
use sqlalgebra::value::{FromSqlValue, ValueRef};
use sqlalgebra::{Backend, Connection, Engine, Result};

#[derive(Clone, Copy, Debug, Default)]
struct Ledger;
impl Table for Ledger {
    const NAME: &'static str = "ledger";
    type Columns = (ledger::Id, ledger::Amount, ledger::Note);
    type PrimaryKey = ledger::Id;
}
mod ledger {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Amount;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Note;
    impl Column for Id {
        type Table = super::Ledger;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    impl Column for Amount {
        type Table = super::Ledger;
        type SqlType = Numeric;
        const NAME: &'static str = "amount";
    }
    impl Column for Note {
        type Table = super::Ledger;
        type SqlType = Text;
        const NAME: &'static str = "note";
    }
}
use ledger::{Amount, Id, Note};

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn fill(c: &mut impl Connection) -> Result<()> {
    let rows: Vec<_> = [
        (1, "9", "9"),
        (2, "10.5", "10.5"),
        (3, "1.10", "1.50"),
        (4, "100", "100"),
    ]
    .into_iter()
    .map(|(id, amount, note)| (Id.set(id), Amount.set(dec(amount)), Note.set(note)))
    .collect();
    insert_into(Ledger).values(rows).execute(c)?;
    Ok(())
}

fn decimal_answers(c: &mut impl Connection) -> Result<()> {
    let total: Option<Decimal> = select(sum(Amount)).from(Ledger).get(c)?;
    assert_eq!(total, Some(dec("120.6")));
    let doubled: Vec<Decimal> = select(Amount.mul(dec("2"))).order_by(Id.asc()).load(c)?;
    assert_eq!(doubled, [dec("18"), dec("21"), dec("2.2"), dec("200")]);
    let gt: Vec<i64> = select(Id)
        .filter(Amount.gt(dec("10.5")))
        .order_by(Id.asc())
        .load(c)?;
    assert_eq!(gt, [4]);
    let eq: Vec<i64> = select(Id).filter(Amount.eq(dec("1.1"))).load(c)?;
    assert_eq!(eq, [3]);
    let listed: Vec<i64> = select(Id)
        .filter(Amount.in_([dec("1.1"), dec("9.00")]))
        .order_by(Id.asc())
        .load(c)?;
    assert_eq!(listed, [1, 3]);
    let cast: Vec<Decimal> = select(cast::<Numeric, _>(Note))
        .order_by(cast::<Numeric, _>(Note).asc())
        .load(c)?;
    assert_eq!(cast, [dec("1.5"), dec("9"), dec("10.5"), dec("100")]);
    Ok(())
}

fn decimals_compute_and_compare_as_numbers<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = engine.connect()?;
    create_all::<Ledger>(&mut c)?;
    fill(&mut c)?;
    decimal_answers(&mut c)
}

on_all_backends!(decimals_compute_and_compare_as_numbers);

/// A SQLite table of NUMERIC affinity, as other tools make it.
#[test]
fn sqlite_numeric_affinity_loads_into_decimal() -> Result<()> {
    let engine = common::sqlite("decimal_affinity");
    let mut c = engine.connect()?;
    c.batch_execute(
        "CREATE TABLE ledger (id BIGINT PRIMARY KEY, amount NUMERIC NOT NULL, note TEXT NOT NULL)",
    )?;
    fill(&mut c)?;
    decimal_answers(&mut c)?;
    // A float cell: the same decimal through a String and a Decimal.
    let q = || {
        text("SELECT :a + :b")
            .bind("a", 0.1f64)
            .bind("b", 0.2f64)
            .returns::<Numeric>()
    };
    let as_text: String = q().get(&mut c)?;
    let as_decimal: Decimal = q().get(&mut c)?;
    assert_eq!(as_text, "0.30000000000000004");
    assert_eq!(as_decimal, dec(&as_text));
    Ok(())
}

#[test]
fn float_cells_load_alike_as_text_and_decimal() {
    for f in [0.1, 0.1 + 0.2, 1e-7, 120.6, -2.5, 3.0, 1e21] {
        let text = String::from_value(ValueRef::Float(f)).unwrap();
        let d = Decimal::from_value(ValueRef::Float(f)).unwrap();
        assert_eq!(d, dec(&text), "{f}");
        assert_eq!(text.parse::<f64>().unwrap(), f, "{text} round-trips");
    }
    // More decimals than a Decimal holds: an error, as that text is.
    let tiny = String::from_value(ValueRef::Float(1e-30)).unwrap();
    assert_eq!(tiny, format!("0.{}1", "0".repeat(29)));
    assert!(Decimal::from_value(ValueRef::Float(1e-30)).is_err());
    assert!(Decimal::from_value(ValueRef::Text(&tiny)).is_err());
}
