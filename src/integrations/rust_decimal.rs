//! `rust_decimal::Decimal` for the [`Numeric`](crate::types::Numeric) SQL
//! type (feature `rust_decimal`), exactly.
//!
//! A `Decimal` binds as [`ValueRef::Decimal`] (its 96-bit digits and its
//! scale): PostgreSQL receives the digits as `numeric` text, MySQL as
//! `DECIMAL` text, and SQLite stores them as `TEXT`, since SQLite's `REAL`
//! would round them to 15-17 digits. It loads from PostgreSQL's binary
//! `numeric`, MySQL's `DECIMAL` and SQLite's text without going through a
//! float: `79228162514264337593543950335` and
//! `-0.0000000000000000000000000001` come back as they went in, and so does
//! the scale where the column keeps it (PostgreSQL `NUMERIC` and SQLite:
//! `1.10` stays `1.10`).
//!
//! Lossy corners:
//! - MySQL's `DECIMAL(65, 30)` gives every value 30 decimals; a `Decimal`
//!   has at most 28, so a value loads with trailing zeros dropped as
//!   needed (`1.10` loads as `1.1000000000000000000000000000`, equal to
//!   `1.10` but with scale 28).
//! - A value with more significant digits than a `Decimal` holds (more
//!   than 28 decimals that are not zeros, or beyond ±79228162514264337593543950335)
//!   is an error, not rounded.
//! - A float cell loads as the decimal its shortest text spells (`0.1`, not
//!   `0.1000000000000000055511151231257827`), the text a `String` loads
//!   too: it comes from arithmetic on SQLite, where `SUM` of text is a
//!   float, and was rounded already. One whose text has more than 28
//!   decimals (`1e-30`) is an error, as that text would be.
//!
//! ```
//! use rust_decimal::Decimal;
//! use sqlalgebra::prelude::*;
//! use sqlalgebra_sqlite::Sqlite;
//!
//! #[derive(Clone, Copy, Debug, Default)]
//! struct Prices;
//! impl Table for Prices {
//!     const NAME: &'static str = "prices";
//!     type Columns = (Id, Amount);
//!     type PrimaryKey = Id;
//! }
//! #[derive(Clone, Copy, Debug, Default)] struct Id;
//! #[derive(Clone, Copy, Debug, Default)] struct Amount;
//! impl Column for Id { type Table = Prices; type SqlType = BigInt; const NAME: &'static str = "id"; }
//! impl Column for Amount { type Table = Prices; type SqlType = Numeric; const NAME: &'static str = "amount"; }
//!
//! fn main() -> sqlalgebra::Result<()> {
//!     let engine = Sqlite::memory()?;
//!     let mut conn = engine.connect()?;
//!     create_all::<Prices>(&mut conn)?;
//!
//!     let max: Decimal = "79228162514264337593543950335".parse().unwrap();
//!     let price: Decimal = "1.10".parse().unwrap();
//!     insert_into(Prices).values(vec![
//!         (Id.set(1), Amount.set(max)),
//!         (Id.set(2), Amount.set(price)),
//!     ]).execute(&mut conn)?;
//!
//!     let back: Vec<Decimal> = select(Amount).order_by(Id.asc()).load(&mut conn)?;
//!     assert_eq!(back, [max, price]);
//!     assert_eq!(back[1].to_string(), "1.10");
//!     Ok(())
//! }
//! ```

use ::rust_decimal::Decimal;

use crate::value::{DecodeError, Encode, FromSqlValue, ValueRef};

impl Encode for Decimal {
    fn encode(&self) -> ValueRef<'_> {
        ValueRef::Decimal {
            mantissa: self.mantissa(),
            scale: self.scale(),
        }
    }
}

/// The largest scale and mantissa a `Decimal` holds.
const MAX_SCALE: u32 = 28;
const MAX_MANTISSA: u128 = (1 << 96) - 1;

/// `mantissa × 10^-scale` as a `Decimal`, dropping trailing zeros of the
/// fraction while it does not fit; `None` when it cannot fit exactly.
fn fit(mut mantissa: i128, mut scale: u32) -> Option<Decimal> {
    while scale > MAX_SCALE || mantissa.unsigned_abs() > MAX_MANTISSA {
        if scale == 0 || mantissa % 10 != 0 {
            return None;
        }
        mantissa /= 10;
        scale -= 1;
    }
    Decimal::try_from_i128_with_scale(mantissa, scale).ok()
}

fn too_big(v: ValueRef<'_>) -> DecodeError {
    let text = match v {
        ValueRef::Text(s) => s.to_owned(),
        ValueRef::Float(f) => f.to_string(),
        other => other.text_form().map(|t| t.to_string()).unwrap_or_default(),
    };
    DecodeError::Mismatch(format!(
        "{text} does not fit in rust_decimal::Decimal exactly \
         (at most 28 decimals and 96 bits of digits)"
    ))
}

impl FromSqlValue for Decimal {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        let d = match v {
            ValueRef::Decimal { mantissa, scale } => fit(mantissa, scale),
            ValueRef::Int(i) => Some(Decimal::from(i)),
            ValueRef::Text(s) => parse(s.trim()),
            // The text a `String` loads (the shortest that round-trips),
            // parsed as text is.
            ValueRef::Float(f) => match crate::value::text::float_text(f) {
                Some(text) => parse(&text),
                None => {
                    return Err(DecodeError::Mismatch(format!(
                        "{f} is not a number rust_decimal::Decimal can hold"
                    )));
                }
            },
            ValueRef::Null => return Err(DecodeError::Null),
            other => return Err(DecodeError::mismatch("a decimal", other)),
        };
        d.ok_or_else(|| too_big(v))
    }
}

/// Decimal text, exactly.
fn parse(s: &str) -> Option<Decimal> {
    match Decimal::from_str_exact(s) {
        Ok(d) => Some(d),
        // Trailing zeros past 28 decimals.
        Err(_) => parse_long(s),
    }
}

/// Decimal text that `from_str_exact` refuses because of trailing zeros
/// past 28 decimals (`1.100000000000000000000000000000`).
fn parse_long(s: &str) -> Option<Decimal> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let mut mantissa: i128 = 0;
    let mut scale: u32 = 0;
    let fraction = fraction.trim_end_matches('0');
    for (i, b) in whole.bytes().chain(fraction.bytes()).enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa
            .checked_mul(10)?
            .checked_add(i128::from(b - b'0'))?;
        if i >= whole.len() {
            scale += 1;
        }
    }
    fit(if negative { -mantissa } else { mantissa }, scale)
}

crate::value::decode_numeric_as!(Decimal);

crate::expr::numeric_takes_value!(Decimal);

crate::expr::value_into_expr!(Decimal);

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn decimals_load_exactly() {
        for s in [
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "-0.0000000000000000000000000001",
            "1.10",
            "0",
        ] {
            let d = dec(s);
            let back = Decimal::from_value(d.encode()).unwrap();
            assert_eq!(back.to_string(), s);
            assert_eq!(
                Decimal::from_value(ValueRef::Text(s)).unwrap().to_string(),
                s
            );
        }
    }

    #[test]
    fn extra_zeros_are_dropped_only_when_needed() {
        // MySQL's DECIMAL(65, 30).
        let v = ValueRef::Decimal {
            mantissa: 11 * 10i128.pow(29),
            scale: 30,
        };
        assert_eq!(
            Decimal::from_value(v).unwrap().to_string(),
            "1.1000000000000000000000000000"
        );
        let text = "1.100000000000000000000000000000";
        assert_eq!(
            Decimal::from_value(ValueRef::Text(text)).unwrap(),
            dec("1.1")
        );
        // Digits that do not fit are an error, not rounding.
        let v = ValueRef::Decimal {
            mantissa: 1,
            scale: 29,
        };
        assert!(Decimal::from_value(v).is_err());
        let v = ValueRef::Decimal {
            mantissa: 79_228_162_514_264_337_593_543_950_336,
            scale: 0,
        };
        assert!(Decimal::from_value(v).is_err());
        assert!(Decimal::from_value(ValueRef::Text("1e40")).is_err());
        assert!(Decimal::from_value(ValueRef::Text("1.5E+3")).is_err());
        assert!(Decimal::from_value(ValueRef::Text("-")).is_err());
    }

    #[test]
    fn numbers_of_other_kinds_load() {
        assert_eq!(Decimal::from_value(ValueRef::Int(-7)), Ok(dec("-7")));
        assert_eq!(Decimal::from_value(ValueRef::Float(0.1)), Ok(dec("0.1")));
        assert!(Decimal::from_value(ValueRef::Float(f64::NAN)).is_err());
        assert!(Decimal::from_value(ValueRef::Float(1e300)).is_err());
        assert!(Decimal::from_value(ValueRef::Text("abc")).is_err());
        assert_eq!(Decimal::from_value(ValueRef::Null), Err(DecodeError::Null));
    }
}
