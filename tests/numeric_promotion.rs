//! Numbers and texts mix as SQL mixes them (issue 17, items 6 to 8; issue
//! 22, item 1), with the same answers on SQLite, PostgreSQL and MariaDB:
//! - integer widths compare and compute with each other, integers with
//!   `Double` give `Double`, with `Numeric` give `Numeric`; an integer
//!   literal compares with a `Numeric` column; `literal(1).sub(x)`;
//! - two integers divide as integers everywhere (MySQL's `DIV`), a decimal
//!   does not (SQLite's decimals are text);
//! - every text type with every other, concatenation is `Text`;
//! - `i64` values bind to `Integer` columns in `eq`, `in_`, `set` and
//!   `values`, and one out of range is a typed error before anything is
//!   sent (the table is unchanged);
//! - `Numeric<10, 2>` columns are created with their precision.

mod common;

use common::{expect_err, on_all_backends};
use sqlalgebra::prelude::*;
use sqlalgebra::{Backend, Engine, Error, ErrorKind, Result};

#[derive(Clone, Copy, Debug, Default)]
struct Items;
impl Table for Items {
    const NAME: &'static str = "numtypes_items";
    type Columns = (
        items::Id,
        items::Qty,
        items::Small,
        items::Big,
        items::Price,
        items::Amount,
        items::Ratio,
        items::Code,
        items::Name,
        items::Note,
    );
    type PrimaryKey = items::Id;
}

mod items {
    use sqlalgebra::prelude::*;
    macro_rules! column {
        ($name:ident, $sql:literal, $ty:ty) => {
            #[derive(Clone, Copy, Debug, Default)]
            pub(crate) struct $name;
            impl Column for $name {
                type Table = super::Items;
                type SqlType = $ty;
                const NAME: &'static str = $sql;
            }
        };
    }
    column!(Id, "id", BigInt);
    column!(Qty, "qty", Integer);
    column!(Small, "small", SmallInt);
    column!(Big, "big", BigInt);
    column!(Price, "price", Numeric<10, 2>);
    column!(Amount, "amount", Numeric);
    column!(Ratio, "ratio", Double);
    column!(Code, "code", Varchar<20>);
    column!(Name, "name", Varchar<50>);
    column!(Note, "note", Nullable<Text>);
}
use items::*;

/// `(id, qty, small, big, price, amount, ratio, code, name, note)`.
type Row = (
    i64,
    i32,
    i16,
    i64,
    &'static str,
    &'static str,
    f64,
    &'static str,
    &'static str,
    Option<&'static str>,
);
const ROWS: [Row; 3] = [
    (1, 3, 2, 3, "10.50", "2", 0.5, "ab", "ab", Some("x")),
    (2, 7, 7, 100, "400.00", "7", 0.25, "cd", "zz", None),
    (3, 10, 1, 5, "0.99", "1.5", 2.0, "ef", "ef", Some("y")),
];

/// The decimal text without the trailing zeros of its fraction (MySQL's
/// DECIMAL(65, 30) has 30 decimals, SQLite's REAL results none).
fn norm(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s.to_owned()
    }
}

fn setup<B: Backend>(engine: &Engine<B>) -> Result<sqlalgebra::Pooled<B>> {
    let mut c = engine.connect()?;
    create_all::<Items>(&mut c)?;
    let rows: Vec<_> = ROWS
        .iter()
        .map(
            |&(id, qty, small, big, price, amount, ratio, code, name, note)| {
                (
                    Id.set(id),
                    Qty.set(qty),
                    Small.set(small),
                    Big.set(big),
                    Price.set(price),
                    Amount.set(amount),
                    Ratio.set(ratio),
                    Code.set(code),
                    Name.set(name),
                    Note.set(note),
                )
            },
        )
        .collect();
    assert_eq!(insert_into(Items).values(rows).execute(&mut c)?, 3);
    Ok(c)
}

/// The ids matching `p`, in order.
fn ids<C: Connection, P: sqlalgebra::query::Predicate>(c: &mut C, p: P) -> Result<Vec<i64>> {
    select(Id).filter(p).order_by(Id.asc()).load(c)
}

fn numeric_promotion_mixes_numbers<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = setup(engine)?;
    // Integer x Numeric<10, 2>: a Numeric.
    let totals: Vec<String> = select(Qty.mul(Price)).order_by(Id.asc()).load(&mut c)?;
    let totals: Vec<_> = totals.iter().map(|s| norm(s)).collect();
    assert_eq!(totals, ["31.5", "2800", "9.9"]);
    // An integer literal on a Numeric column (numbers, not texts: "400.00"
    // < "9" as text).
    assert_eq!(ids(&mut c, Price.ge(400))?, [2]);
    assert_eq!(ids(&mut c, Price.gt(10))?, [1, 2]);
    assert_eq!(ids(&mut c, Price.lt(1))?, [3]);
    // A Numeric column against an integer expression (no affinity on
    // SQLite, which would compare the text '10.50' with '5').
    assert_eq!(ids(&mut c, Price.gt(Qty.add(Small)))?, [1, 2]);
    assert_eq!(ids(&mut c, Qty.add(Small).lt(Price))?, [1, 2]);
    // Integer widths compare without casts.
    assert_eq!(ids(&mut c, Small.lt(Qty))?, [1, 3]);
    assert_eq!(ids(&mut c, Qty.eq(Big))?, [1]);
    assert_eq!(ids(&mut c, Big.gt(Small))?, [1, 2, 3]);
    assert_eq!(ids(&mut c, Small.between(Qty.sub(5), Big))?, [1, 2]);
    // BigInt against Double (`l_quantity < 0.5 * sum(..)`).
    assert_eq!(
        ids(&mut c, Qty.gt(bind::<Double, _>(0.5).mul(Big)))?,
        [1, 3]
    );
    let half: Option<f64> = select(literal(0.5).mul(sum(Big))).get(&mut c)?;
    assert_eq!(half, Some(54.0));
    assert_eq!(ids(&mut c, Big.gt(Ratio.mul(Qty)))?, [1, 2]);
    // `1 - discount`: Integer - Double is a Double, Integer - Numeric a
    // Numeric.
    let rest: Vec<f64> = select(literal(1).sub(Ratio))
        .order_by(Id.asc())
        .load(&mut c)?;
    assert_eq!(rest, [0.5, 0.75, -1.0]);
    let rest: Vec<String> = select(literal(1).sub(Amount))
        .order_by(Id.asc())
        .load(&mut c)?;
    let rest: Vec<_> = rest.iter().map(|s| norm(s)).collect();
    assert_eq!(rest, ["-1", "-6", "-0.5"]);
    // SmallInt + BigInt is a BigInt.
    let sums: Vec<i64> = select(Small.add(Big)).order_by(Id.asc()).load(&mut c)?;
    assert_eq!(sums, [5, 107, 6]);
    Ok(())
}

fn numeric_division_agrees<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = setup(engine)?;
    // Two integers: an integer division, toward zero (MySQL's `/` would
    // give 1.5000).
    let halves: Vec<i32> = select(Qty.div(2)).order_by(Id.asc()).load(&mut c)?;
    assert_eq!(halves, [1, 3, 5]);
    let mixed: Vec<i64> = select(Big.div(Qty)).order_by(Id.asc()).load(&mut c)?;
    assert_eq!(mixed, [1, 14, 0]);
    let negative: i32 = select(literal(-7).div(Small))
        .filter(Id.eq(1))
        .get(&mut c)?;
    assert_eq!(negative, -3);
    // A decimal: not an integer division (on SQLite '7' reads as 7).
    let amounts: Vec<String> = select(Amount.div(2)).order_by(Id.asc()).load(&mut c)?;
    let amounts: Vec<_> = amounts
        .iter()
        .map(|s| norm(&s[..s.find('.').map_or(s.len(), |i| (i + 5).min(s.len()))]))
        .collect();
    assert_eq!(amounts, ["1", "3.5", "0.75"]);
    // An integer divided by a decimal.
    let per: Vec<String> = select(Qty.div(Amount))
        .filter(Id.ne(3))
        .order_by(Id.asc())
        .load(&mut c)?;
    let per: Vec<_> = per
        .iter()
        .map(|s| norm(&s[..s.find('.').map_or(s.len(), |i| (i + 4).min(s.len()))]))
        .collect();
    assert_eq!(per, ["1.5", "1"]);
    Ok(())
}

fn text_types_mix<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = setup(engine)?;
    // Varchar<20> with Varchar<50>.
    assert_eq!(ids(&mut c, Code.eq(Name))?, [1, 3]);
    assert_eq!(ids(&mut c, Code.lt(Name))?, [2]);
    assert_eq!(ids(&mut c, Name.in_([Code]))?, [1, 3]);
    // Concatenation is Text; with a nullable text, nullable.
    let joined: Vec<String> = select(Code.concat(Name)).order_by(Id.asc()).load(&mut c)?;
    assert_eq!(joined, ["abab", "cdzz", "efef"]);
    let noted: Vec<Option<String>> = select(Code.concat(Note)).order_by(Id.asc()).load(&mut c)?;
    assert_eq!(noted, [Some("abx".into()), None, Some("efy".into())]);
    // A Text expression against a Varchar column, and LIKE across widths.
    assert_eq!(ids(&mut c, Name.eq(Code.concat("")))?, [1, 3]);
    assert_eq!(ids(&mut c, Name.like(Code.concat("%")))?, [1, 3]);
    // A Varchar<20> assigned a Varchar<50>.
    let n = update(Items)
        .set(Code.set(Name))
        .filter(Id.eq(2))
        .execute(&mut c)?;
    assert_eq!(n, 1);
    let codes: Vec<String> = select(Code).order_by(Id.asc()).load(&mut c)?;
    assert_eq!(codes, ["ab", "zz", "ef"]);
    Ok(())
}

fn integer_binds_take_i64<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = setup(engine)?;
    let seven: i64 = 7;
    assert_eq!(ids(&mut c, Qty.eq(seven))?, [2]);
    assert_eq!(ids(&mut c, Qty.in_([3i64, 10]))?, [1, 3]);
    assert_eq!(ids(&mut c, Qty.not_in(vec![3i64]))?, [2, 3]);
    assert_eq!(ids(&mut c, Small.eq(7i64))?, [2]);
    // SET and VALUES.
    let n = update(Items)
        .set(Qty.set(8i64))
        .filter(Qty.eq(7i64))
        .execute(&mut c)?;
    assert_eq!(n, 1);
    let n = insert_into(Items)
        .values((
            Id.set(4),
            Qty.set(11i64),
            Small.set(12i64),
            Big.set(0),
            Price.set(5),
            Amount.set(6i64),
            Ratio.set(1.0),
            Code.set("gh"),
            Name.set("gh"),
            Note.set(None::<&str>),
        ))
        .execute(&mut c)?;
    assert_eq!(n, 1);
    let table: Vec<(i64, i32, i16, String)> = select((Id, Qty, Small, Price))
        .order_by(Id.asc())
        .load(&mut c)?;
    let table: Vec<_> = table
        .into_iter()
        .map(|(i, q, s, p)| (i, q, s, norm(&p)))
        .collect();
    assert_eq!(
        table,
        [
            (1, 3, 2, "10.5".to_owned()),
            (2, 8, 7, "400".to_owned()),
            (3, 10, 1, "0.99".to_owned()),
            (4, 11, 12, "5".to_owned()),
        ]
    );
    Ok(())
}

fn is_out_of_range(e: &Error, expected: i64) -> bool {
    matches!(e.kind(), ErrorKind::ValueOutOfRange { value, .. } if *value == expected)
}

fn out_of_range_binds_are_refused<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = setup(engine)?;
    let big = 1i64 << 40;
    let e = expect_err(ids(&mut c, Qty.eq(big)));
    assert!(is_out_of_range(&e, big), "{e}");
    let e = expect_err(ids(&mut c, Qty.in_([1i64, big])));
    assert!(is_out_of_range(&e, big), "{e}");
    let e = expect_err(ids(&mut c, Small.eq(70_000i64)));
    assert!(is_out_of_range(&e, 70_000), "{e}");
    // The same statement shape with a value in range still runs (the
    // refused one was not cached).
    assert_eq!(ids(&mut c, Qty.eq(3i64))?, [1]);
    let e = expect_err(
        update(Items)
            .set(Qty.set(i64::MAX))
            .filter(Id.eq(1))
            .execute(&mut c),
    );
    assert!(is_out_of_range(&e, i64::MAX), "{e}");
    let e = expect_err(
        insert_into(Items)
            .values((
                Id.set(9),
                Qty.set(i64::from(i32::MIN) - 1),
                Small.set(1i16),
                Big.set(0),
                Price.set("1"),
                Amount.set("1"),
                Ratio.set(1.0),
                Code.set("x"),
                Name.set("x"),
                Note.set(None::<&str>),
            ))
            .execute(&mut c),
    );
    assert!(is_out_of_range(&e, i64::from(i32::MIN) - 1), "{e}");
    // Nothing changed.
    let table: Vec<(i64, i32)> = select((Id, Qty)).order_by(Id.asc()).load(&mut c)?;
    assert_eq!(table, [(1, 3), (2, 7), (3, 10)]);
    Ok(())
}

fn numeric_precision_is_created<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = setup(engine)?;
    // The scale is kept as declared on the servers ("10.50"); SQLite keeps
    // the text as given, which was written with it.
    let prices: Vec<String> = select(Price).order_by(Id.asc()).load(&mut c)?;
    assert_eq!(prices, ["10.50", "400.00", "0.99"]);
    let plain: Vec<String> = select(Amount).order_by(Id.asc()).load(&mut c)?;
    let plain: Vec<_> = plain.iter().map(|s| norm(s)).collect();
    assert_eq!(plain, ["2", "7", "1.5"]);
    // Numeric<10, 2> and Numeric mix.
    assert_eq!(ids(&mut c, Price.gt(Amount))?, [1, 2]);
    let sums: Vec<String> = select(Price.add(Amount)).order_by(Id.asc()).load(&mut c)?;
    let sums: Vec<_> = sums.iter().map(|s| norm(s)).collect();
    assert_eq!(sums, ["12.5", "407", "2.49"]);
    Ok(())
}

on_all_backends!(
    numeric_promotion_mixes_numbers,
    numeric_division_agrees,
    text_types_mix,
    integer_binds_take_i64,
    out_of_range_binds_are_refused,
    numeric_precision_is_created,
);
