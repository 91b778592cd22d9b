//! Values on the wire: bind parameters in the type the server inferred for
//! each placeholder, and result cells decoded in place from PostgreSQL's
//! binary format.

use std::error::Error as StdError;
use std::fmt::Write as _;

use bytes::BytesMut;
use postgres::types::{Format, FromSql, IsNull, ToSql, Type, to_sql_checked};
use sqlalgebra::value::ValueRef;

type BoxError = Box<dyn StdError + Sync + Send>;

/// Whether PostgreSQL's binary format of `ty` is its UTF-8 text.
fn is_text(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN | Type::JSON
    )
}

/// A bind value, converted to the type of its placeholder.
///
/// The server infers a type for every `$n` when the statement is prepared
/// (`Statement::params`); the driver hands that type to `to_sql`:
///
/// - integers go to `int2`/`int4`/`int8`/`oid` (range-checked), `float4`,
///   `float8`, `numeric` (as text) or a text type (as decimal digits);
/// - floats go to `float4` (range-checked), `float8`, `numeric` or a text type;
/// - booleans go to `bool` or a text type;
/// - text goes to `bytea` as its bytes and to every other type as text,
///   which the server parses (so `'2024-01-31'` binds to a `date`);
/// - blobs go to `bytea`;
/// - NULL goes anywhere.
///
/// Anything else is an error that names both sides.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Param<'a>(pub(crate) ValueRef<'a>);

fn refuse(v: ValueRef<'_>, ty: &Type) -> BoxError {
    format!(
        "cannot bind a {} value to a parameter of PostgreSQL type `{ty}`",
        v.kind()
    )
    .into()
}

fn out_of_range(i: i64, ty: &Type) -> BoxError {
    format!("integer {i} is out of range for a parameter of PostgreSQL type `{ty}`").into()
}

/// A float in PostgreSQL's text spelling (`NaN`, `Infinity`, `-Infinity`).
fn write_float(out: &mut BytesMut, f: f64) -> Result<(), BoxError> {
    if f.is_nan() {
        out.extend_from_slice(b"NaN");
    } else if f == f64::INFINITY {
        out.extend_from_slice(b"Infinity");
    } else if f == f64::NEG_INFINITY {
        out.extend_from_slice(b"-Infinity");
    } else {
        write!(out, "{f}")?;
    }
    Ok(())
}

impl ToSql for Param<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self.0 {
            ValueRef::Null => return Ok(IsNull::Yes),
            ValueRef::Int(i) => match *ty {
                Type::INT2 => {
                    let v = i16::try_from(i).map_err(|_| out_of_range(i, ty))?;
                    out.extend_from_slice(&v.to_be_bytes());
                }
                Type::INT4 => {
                    let v = i32::try_from(i).map_err(|_| out_of_range(i, ty))?;
                    out.extend_from_slice(&v.to_be_bytes());
                }
                Type::INT8 => out.extend_from_slice(&i.to_be_bytes()),
                Type::OID => {
                    let v = u32::try_from(i).map_err(|_| out_of_range(i, ty))?;
                    out.extend_from_slice(&v.to_be_bytes());
                }
                Type::FLOAT4 => out.extend_from_slice(&(i as f32).to_be_bytes()),
                Type::FLOAT8 => out.extend_from_slice(&(i as f64).to_be_bytes()),
                // Sent in text format; see `encode_format`.
                Type::NUMERIC => write!(out, "{i}")?,
                _ if is_text(ty) => write!(out, "{i}")?,
                _ => return Err(refuse(self.0, ty)),
            },
            ValueRef::Float(f) => match *ty {
                Type::FLOAT4 => {
                    let v = f as f32;
                    if f.is_finite() && !v.is_finite() {
                        return Err(format!(
                            "float {f} is out of range for a parameter of PostgreSQL type `{ty}`"
                        )
                        .into());
                    }
                    out.extend_from_slice(&v.to_be_bytes());
                }
                Type::FLOAT8 => out.extend_from_slice(&f.to_be_bytes()),
                Type::NUMERIC => write_float(out, f)?,
                _ if is_text(ty) => write_float(out, f)?,
                _ => return Err(refuse(self.0, ty)),
            },
            ValueRef::Bool(b) => match *ty {
                Type::BOOL => out.extend_from_slice(&[u8::from(b)]),
                _ if is_text(ty) => out.extend_from_slice(if b { b"true" } else { b"false" }),
                _ => return Err(refuse(self.0, ty)),
            },
            // BYTEA takes the bytes; every other type takes the text, in
            // binary format for text types and in text format otherwise.
            ValueRef::Text(s) => out.extend_from_slice(s.as_bytes()),
            ValueRef::Blob(b) => match *ty {
                Type::BYTEA => out.extend_from_slice(b),
                _ => return Err(refuse(self.0, ty)),
            },
            other => return Err(refuse(other, ty)),
        }
        Ok(IsNull::No)
    }

    /// Every type: whether a value fits is decided per value in `to_sql`
    /// (NULL fits every type, text every type the server can parse).
    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();

    fn encode_format(&self, ty: &Type) -> Format {
        let text = match self.0 {
            ValueRef::Int(_) | ValueRef::Float(_) => *ty == Type::NUMERIC,
            ValueRef::Text(_) => !is_text(ty) && *ty != Type::BYTEA,
            _ => false,
        };
        if text { Format::Text } else { Format::Binary }
    }
}

/// One result cell as the driver holds it: its bytes in binary format, or
/// `None` for NULL. Reading it copies nothing.
pub(crate) struct RawCell<'a>(pub(crate) Option<&'a [u8]>);

impl<'a> FromSql<'a> for RawCell<'a> {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(RawCell(Some(raw)))
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(RawCell(None))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

fn fixed<const N: usize>(raw: &[u8], ty: &Type) -> Result<[u8; N], String> {
    raw.try_into()
        .map_err(|_| format!("malformed `{ty}` value: {} bytes instead of {N}", raw.len()))
}

/// Decodes a cell of type `ty` from its binary format.
///
/// `Err` is a message; the caller names the column.
pub(crate) fn decode<'a>(ty: &Type, raw: Option<&'a [u8]>) -> Result<ValueRef<'a>, String> {
    let Some(raw) = raw else {
        return Ok(ValueRef::Null);
    };
    Ok(match *ty {
        Type::INT2 => ValueRef::Int(i16::from_be_bytes(fixed(raw, ty)?).into()),
        Type::INT4 => ValueRef::Int(i32::from_be_bytes(fixed(raw, ty)?).into()),
        Type::INT8 => ValueRef::Int(i64::from_be_bytes(fixed(raw, ty)?)),
        Type::OID => ValueRef::Int(u32::from_be_bytes(fixed(raw, ty)?).into()),
        Type::FLOAT4 => ValueRef::Float(f32::from_be_bytes(fixed(raw, ty)?).into()),
        Type::FLOAT8 => ValueRef::Float(f64::from_be_bytes(fixed(raw, ty)?)),
        Type::BOOL => ValueRef::Bool(fixed::<1>(raw, ty)?[0] != 0),
        Type::BYTEA => ValueRef::Blob(raw),
        Type::NUMERIC => numeric(raw)?,
        Type::JSONB => match raw.split_first() {
            Some((1, json)) => ValueRef::Text(utf8(json, ty)?),
            _ => return Err("malformed `jsonb` value: unknown format version".into()),
        },
        _ if is_text(ty) => ValueRef::Text(utf8(raw, ty)?),
        _ => {
            return Err(format!(
                "PostgreSQL type `{ty}` is not supported; cast it in SQL (for example `::text`)"
            ));
        }
    })
}

/// The text of a `date`, `time` or `timestamp` cell (binary format), as
/// the server itself writes it: `2024-03-31`, `13:45:00.25`,
/// `2024-03-31 13:45:00`, `infinity`, `0044-03-15 BC`. It is what
/// sqlalgebra's `Date`, `Time` and `Timestamp` types load. `None` for any
/// other type.
pub(crate) fn temporal_text(ty: &Type, raw: &[u8]) -> Option<Result<String, String>> {
    const MICROS_PER_DAY: i64 = 86_400_000_000;
    let mut out = String::new();
    match *ty {
        Type::DATE => match fixed(raw, ty).map(i32::from_be_bytes) {
            Err(e) => return Some(Err(e)),
            Ok(i32::MAX) => out.push_str("infinity"),
            Ok(i32::MIN) => out.push_str("-infinity"),
            Ok(days) => {
                let bc = write_date(&mut out, i64::from(days));
                if bc {
                    out.push_str(" BC");
                }
            }
        },
        Type::TIME => match fixed(raw, ty).map(i64::from_be_bytes) {
            Err(e) => return Some(Err(e)),
            Ok(micros) => write_time(&mut out, micros),
        },
        Type::TIMESTAMP => match fixed(raw, ty).map(i64::from_be_bytes) {
            Err(e) => return Some(Err(e)),
            Ok(i64::MAX) => out.push_str("infinity"),
            Ok(i64::MIN) => out.push_str("-infinity"),
            Ok(micros) => {
                let bc = write_date(&mut out, micros.div_euclid(MICROS_PER_DAY));
                out.push(' ');
                write_time(&mut out, micros.rem_euclid(MICROS_PER_DAY));
                if bc {
                    out.push_str(" BC");
                }
            }
        },
        _ => return None,
    }
    Some(Ok(out))
}

/// Writes the date `days` after 2000-01-01 as `YYYY-MM-DD`; returns
/// whether it is before the year 1 (the caller adds ` BC`).
fn write_date(out: &mut String, days: i64) -> bool {
    // Civil date from a day count (Howard Hinnant's algorithm), counted
    // from 0000-03-01; 2000-01-01 is day 730_425 of that count.
    let z = days + 730_425;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // There is no year 0: 1 BC comes before 1 AD.
    let (shown, bc) = if year <= 0 {
        (1 - year, true)
    } else {
        (year, false)
    };
    let _ = write!(out, "{shown:04}-{month:02}-{day:02}");
    bc
}

/// Writes `micros` after midnight as `HH:MM:SS`, with the fraction of a
/// second if there is one, trailing zeros dropped.
fn write_time(out: &mut String, micros: i64) {
    let secs = micros / 1_000_000;
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    let frac = micros % 1_000_000;
    if frac != 0 {
        let digits = format!("{frac:06}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

fn utf8<'a>(raw: &'a [u8], ty: &Type) -> Result<&'a str, String> {
    std::str::from_utf8(raw).map_err(|e| format!("`{ty}` value is not UTF-8: {e}"))
}

const NUMERIC_POS: u16 = 0x0000;
const NUMERIC_NEG: u16 = 0x4000;
const NUMERIC_NAN: u16 = 0xC000;
const NUMERIC_PINF: u16 = 0xD000;
const NUMERIC_NINF: u16 = 0xF000;

/// Decodes a `numeric`: an integer when it has no fractional digits and fits
/// in an `i64`, a float otherwise (`SUM(bigint)` and `AVG` are numeric).
///
/// The binary format is a header of four 16-bit words (digit count, weight
/// of the first digit as a power of 10000, sign, display scale) and then
/// the base-10000 digits, most significant first.
fn numeric(raw: &[u8]) -> Result<ValueRef<'static>, String> {
    let word = |at: usize| u16::from_be_bytes([raw[at], raw[at + 1]]);
    if raw.len() < 8 {
        return Err("malformed `numeric` value: short header".into());
    }
    let ndigits = usize::from(word(0));
    let weight = i32::from(word(2) as i16);
    let sign = word(4);
    let dscale = word(6);
    if raw.len() != 8 + 2 * ndigits {
        return Err("malformed `numeric` value: wrong length".into());
    }
    let digits = (0..ndigits).map(|k| word(8 + 2 * k));
    if digits.clone().any(|d| d >= 10_000) {
        return Err("malformed `numeric` value: digit out of range".into());
    }
    let negative = match sign {
        NUMERIC_POS => false,
        NUMERIC_NEG => true,
        NUMERIC_NAN => return Ok(ValueRef::Float(f64::NAN)),
        NUMERIC_PINF => return Ok(ValueRef::Float(f64::INFINITY)),
        NUMERIC_NINF => return Ok(ValueRef::Float(f64::NEG_INFINITY)),
        _ => return Err(format!("malformed `numeric` value: sign word {sign:#06x}")),
    };
    if dscale == 0
        && let Some(i) = numeric_int(digits.clone(), weight, negative)
    {
        return Ok(ValueRef::Int(i));
    }
    numeric_float(digits, weight, negative).map(ValueRef::Float)
}

/// The numeric as an `i64`, if it is a whole number that fits.
fn numeric_int(mut digits: impl Iterator<Item = u16>, weight: i32, negative: bool) -> Option<i64> {
    // 10000^5 exceeds i64::MAX: five or more whole groups never fit.
    if weight > 4 {
        return None;
    }
    let mut acc: i128 = 0;
    // Trailing zero groups are not stored, so missing digits are zeros.
    for _ in 0..=weight {
        acc = acc * 10_000 + i128::from(digits.next().unwrap_or(0));
    }
    if digits.any(|d| d != 0) {
        return None;
    }
    i64::try_from(if negative { -acc } else { acc }).ok()
}

/// The numeric as the nearest `f64`: its leading 36 decimal digits (plus a
/// sticky digit when anything nonzero follows) are parsed by the standard
/// library, which rounds correctly.
fn numeric_float(
    digits: impl Iterator<Item = u16>,
    weight: i32,
    negative: bool,
) -> Result<f64, String> {
    const GROUPS: i32 = 9;
    let mut buf = [0u8; 64];
    let mut len = 0;
    let mut push = |buf: &mut [u8; 64], b: u8| {
        buf[len] = b;
        len += 1;
    };
    if negative {
        push(&mut buf, b'-');
    }
    let mut groups = 0;
    let mut sticky = false;
    for d in digits {
        if groups < GROUPS {
            for p in [1000, 100, 10, 1] {
                push(&mut buf, b'0' + (d / p % 10) as u8);
            }
            groups += 1;
        } else if d != 0 {
            sticky = true;
        }
    }
    if groups == 0 {
        return Ok(0.0);
    }
    let mut exponent = 4 * (weight + 1 - groups);
    if sticky {
        push(&mut buf, b'1');
        exponent -= 1;
    }
    push(&mut buf, b'e');
    if exponent < 0 {
        push(&mut buf, b'-');
    }
    let e = exponent.unsigned_abs();
    let mut started = false;
    for p in [100_000, 10_000, 1000, 100, 10, 1] {
        let digit = (e / p % 10) as u8;
        if digit != 0 || started || p == 1 {
            push(&mut buf, b'0' + digit);
            started = true;
        }
    }
    std::str::from_utf8(&buf[..len])
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .ok_or_else(|| "malformed `numeric` value".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A numeric in binary format from its header and base-10000 digits.
    fn numeric_bytes(weight: i16, sign: u16, dscale: u16, digits: &[u16]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&(digits.len() as u16).to_be_bytes());
        out.extend_from_slice(&weight.to_be_bytes());
        out.extend_from_slice(&sign.to_be_bytes());
        out.extend_from_slice(&dscale.to_be_bytes());
        for d in digits {
            out.extend_from_slice(&d.to_be_bytes());
        }
        out
    }

    fn num(weight: i16, sign: u16, dscale: u16, digits: &[u16]) -> ValueRef<'static> {
        numeric(&numeric_bytes(weight, sign, dscale, digits)).unwrap()
    }

    #[test]
    fn whole_numerics_are_integers() {
        assert_eq!(num(0, NUMERIC_POS, 0, &[]), ValueRef::Int(0));
        assert_eq!(num(0, NUMERIC_POS, 0, &[42]), ValueRef::Int(42));
        // 10^8: trailing zero groups are not stored.
        assert_eq!(num(2, NUMERIC_POS, 0, &[1]), ValueRef::Int(100_000_000));
        // i64::MIN = -922 3372 0368 5477 5808.
        assert_eq!(
            num(4, NUMERIC_NEG, 0, &[922, 3372, 368, 5477, 5808]),
            ValueRef::Int(i64::MIN)
        );
        // i64::MAX + 1 does not fit: a float.
        assert_eq!(
            num(4, NUMERIC_POS, 0, &[922, 3372, 368, 5477, 5808]),
            ValueRef::Float(9_223_372_036_854_775_808.0)
        );
    }

    #[test]
    fn fractional_numerics_are_floats() {
        assert_eq!(num(0, NUMERIC_NEG, 1, &[2, 5000]), ValueRef::Float(-2.5));
        assert_eq!(num(-1, NUMERIC_POS, 1, &[1000]), ValueRef::Float(0.1));
        // A whole value with a display scale (AVG) is still a float.
        assert_eq!(num(0, NUMERIC_POS, 16, &[5]), ValueRef::Float(5.0));
        assert!(matches!(num(0, NUMERIC_NAN, 0, &[]), ValueRef::Float(f) if f.is_nan()));
        assert_eq!(
            num(0, NUMERIC_NINF, 0, &[]),
            ValueRef::Float(f64::NEG_INFINITY)
        );
    }

    #[test]
    fn long_numerics_round_correctly() {
        // 2^53 + 1 lies exactly halfway between two doubles and rounds to
        // even, down to 2^53 ...
        let halfway = [9007, 1992, 5474, 993];
        let v = num(3, NUMERIC_POS, 60, &halfway);
        assert_eq!(v, ValueRef::Float(9_007_199_254_740_992.0));
        // ... but anything above it rounds up, even when the excess is far
        // past the digits kept (the sticky digit carries it).
        let mut above = halfway.to_vec();
        above.extend([0; 12]);
        above.push(1);
        let v = num(3, NUMERIC_POS, 60, &above);
        assert_eq!(v, ValueRef::Float(9_007_199_254_740_994.0));
    }

    #[test]
    fn malformed_numerics_are_errors() {
        assert!(numeric(&[0, 1]).is_err());
        let mut bad = numeric_bytes(0, NUMERIC_POS, 0, &[1]);
        bad.push(0);
        assert!(numeric(&bad).is_err());
        assert!(numeric(&numeric_bytes(0, NUMERIC_POS, 0, &[10_000])).is_err());
        assert!(numeric(&numeric_bytes(0, 0x1234, 0, &[1])).is_err());
    }

    #[test]
    fn cells_decode_by_type() {
        assert_eq!(
            decode(&Type::INT2, Some(&[0xff, 0xfe])),
            Ok(ValueRef::Int(-2))
        );
        assert_eq!(decode(&Type::BOOL, Some(&[1])), Ok(ValueRef::Bool(true)));
        assert_eq!(decode(&Type::TEXT, None), Ok(ValueRef::Null));
        assert_eq!(
            decode(&Type::JSONB, Some(b"\x01{}")),
            Ok(ValueRef::Text("{}"))
        );
        assert!(decode(&Type::INT4, Some(&[0, 1])).is_err());
        assert!(decode(&Type::TEXT, Some(&[0xff])).is_err());
        let err = decode(&Type::TIMESTAMPTZ, Some(&[0; 8])).unwrap_err();
        assert!(err.contains("timestamptz"), "{err}");
    }
}
