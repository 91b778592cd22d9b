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
/// - decimals go to `numeric` (as text, exactly) or a text type;
/// - UUIDs go to `uuid` (16 bytes) or a text type (hyphenated);
/// - dates, times and timestamps go to `date`, `time`, `timestamp` and
///   `timestamptz` in binary format (days or microseconds since
///   2000-01-01), or to a text type as ISO text;
/// - NULL goes anywhere.
///
/// Anything else is an error that names both sides.
///
/// A marker of an array ([`ValueRef::Array`]) that stands alone as a
/// value is an empty array.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ValueParam<'a>(pub(crate) ValueRef<'a>);

/// An array parameter: a [`ValueRef::Array`] marker's elements, bound to an
/// array type, each element converted as [`ValueParam`] converts a value to
/// the element type: in binary format when every element goes so, else as
/// an array literal in text format (`{"1.10",NULL}`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ArrayParam<'a>(pub(crate) &'a [ValueRef<'a>]);

/// One parameter of a bind list: a value, or the elements of an array.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    /// One value.
    Value(ValueRef<'a>),
    /// The elements of an array.
    Array(&'a [ValueRef<'a>]),
}

/// The parameters of a bind list: each value on its own, and each
/// [`ValueRef::Array`] marker with the elements that follow it as one.
#[inline]
pub(crate) fn params_of<'a>(binds: &'a [ValueRef<'a>]) -> ParamsOf<'a> {
    ParamsOf { rest: binds }
}

/// The iterator of [`params_of`].
pub(crate) struct ParamsOf<'a> {
    rest: &'a [ValueRef<'a>],
}

impl<'a> Iterator for ParamsOf<'a> {
    type Item = Param<'a>;

    #[inline]
    fn next(&mut self) -> Option<Param<'a>> {
        let (first, tail) = self.rest.split_first()?;
        Some(match *first {
            ValueRef::Array(n) => {
                let (elements, tail) = tail.split_at(n.min(tail.len()));
                self.rest = tail;
                Param::Array(elements)
            }
            v => {
                self.rest = tail;
                Param::Value(v)
            }
        })
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::from(!self.rest.is_empty()), Some(self.rest.len()))
    }
}

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

/// Days from 1970-01-01 (sqlalgebra's epoch) to 2000-01-01 (PostgreSQL's).
const PG_EPOCH_DAYS: i64 = 10_957;
/// The same in microseconds.
const PG_EPOCH_MICROS: i64 = PG_EPOCH_DAYS * 86_400_000_000;

/// The text form of a decimal, UUID, date or time, written into `out`.
fn write_text_form(out: &mut BytesMut, v: ValueRef<'_>) -> Result<(), BoxError> {
    match v.text_form() {
        Some(form) => Ok(write!(out, "{form}")?),
        None => Err(format!("a {} value has no text form", v.kind()).into()),
    }
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

/// Writes one value in the format [`value_format`] chose for `ty`.
#[inline(always)]
fn encode_value(value: ValueRef<'_>, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
    match value {
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
            _ => return Err(refuse(value, ty)),
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
            _ => return Err(refuse(value, ty)),
        },
        ValueRef::Bool(b) => match *ty {
            Type::BOOL => out.extend_from_slice(&[u8::from(b)]),
            _ if is_text(ty) => out.extend_from_slice(if b { b"true" } else { b"false" }),
            _ => return Err(refuse(value, ty)),
        },
        // BYTEA takes the bytes; every other type takes the text, in
        // binary format for text types and in text format otherwise.
        ValueRef::Text(s) => out.extend_from_slice(s.as_bytes()),
        ValueRef::Blob(b) => match *ty {
            Type::BYTEA => out.extend_from_slice(b),
            _ => return Err(refuse(value, ty)),
        },
        // Sent in text format; see `encode_format`.
        ValueRef::Decimal { .. } if *ty == Type::NUMERIC => write_text_form(out, value)?,
        ValueRef::Uuid(b) if *ty == Type::UUID => out.extend_from_slice(&b),
        ValueRef::Date(days) if *ty == Type::DATE => {
            let v = i64::from(days) - PG_EPOCH_DAYS;
            let v = i32::try_from(v).map_err(|_| out_of_range(v, ty))?;
            out.extend_from_slice(&v.to_be_bytes());
        }
        ValueRef::Time(micros) if *ty == Type::TIME => {
            out.extend_from_slice(&micros.to_be_bytes());
        }
        ValueRef::Timestamp(micros) | ValueRef::TimestampTz(micros)
            if matches!(*ty, Type::TIMESTAMP | Type::TIMESTAMPTZ) =>
        {
            let v = micros
                .checked_sub(PG_EPOCH_MICROS)
                .ok_or_else(|| out_of_range(micros, ty))?;
            out.extend_from_slice(&v.to_be_bytes());
        }
        // A lone marker: an empty array (see `Param`).
        ValueRef::Array(_) => return encode_array(&[], ty, out),
        other if is_text(ty) && other.text_form().is_some() => write_text_form(out, other)?,
        other => return Err(refuse(other, ty)),
    }
    Ok(IsNull::No)
}

impl ToSql for ValueParam<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        encode_value(self.0, ty, out)
    }

    /// Every type: whether a value fits is decided per value in `to_sql`
    /// (NULL fits every type, text every type the server can parse).
    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();

    fn encode_format(&self, ty: &Type) -> Format {
        value_format(self.0, ty)
    }
}

impl ToSql for ArrayParam<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        encode_array(self.0, ty, out)
    }

    /// Every type: a parameter that is not an array is refused in `to_sql`.
    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();

    fn encode_format(&self, ty: &Type) -> Format {
        match ty.kind() {
            postgres::types::Kind::Array(of) if array_as_text(self.0, of) => Format::Text,
            _ => Format::Binary,
        }
    }
}

/// Writes an array parameter of type `ty`: in binary format, or as a text
/// literal when an element goes as text.
#[inline(never)]
fn encode_array(
    elements: &[ValueRef<'_>],
    ty: &Type,
    out: &mut BytesMut,
) -> Result<IsNull, BoxError> {
    let postgres::types::Kind::Array(of) = ty.kind() else {
        return Err(
            format!("cannot bind an array to a parameter of PostgreSQL type `{ty}`").into(),
        );
    };
    if array_as_text(elements, of) {
        encode_text_array(elements, of, out)?;
    } else {
        encode_binary_array(elements, of, out)?;
    }
    Ok(IsNull::No)
}

/// The format a value is sent in for a parameter of type `ty`: numbers
/// go to `numeric` and text to non-text types as text, which the server
/// parses; everything else in binary format.
fn value_format(value: ValueRef<'_>, ty: &Type) -> Format {
    let text = match value {
        ValueRef::Int(_) | ValueRef::Float(_) | ValueRef::Decimal { .. } => *ty == Type::NUMERIC,
        ValueRef::Text(_) => !is_text(ty) && *ty != Type::BYTEA,
        _ => false,
    };
    if text { Format::Text } else { Format::Binary }
}

/// Whether an array of `elements` of type `of` is sent as a text literal:
/// when any element is sent in text format.
fn array_as_text(elements: &[ValueRef<'_>], of: &Type) -> bool {
    elements
        .iter()
        .any(|e| matches!(value_format(*e, of), Format::Text))
}

/// Writes an array in PostgreSQL's binary format: dimensions, a NULL flag,
/// the element type, then each element's length and bytes.
fn encode_binary_array(
    elements: &[ValueRef<'_>],
    of: &Type,
    out: &mut BytesMut,
) -> Result<(), BoxError> {
    let len = i32::try_from(elements.len()).map_err(|_| "an array of more than 2^31 elements")?;
    let has_null = elements.iter().any(|e| matches!(e, ValueRef::Null));
    out.extend_from_slice(&1i32.to_be_bytes()); // one dimension
    out.extend_from_slice(&i32::from(has_null).to_be_bytes());
    out.extend_from_slice(&of.oid().to_be_bytes());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&1i32.to_be_bytes()); // the lower bound
    for &e in elements {
        let at = out.len();
        out.extend_from_slice(&[0; 4]);
        let length = match encode_value(e, of, out)? {
            IsNull::Yes => -1,
            IsNull::No => i32::try_from(out.len() - at - 4)
                .map_err(|_| "an array element of more than 2 GiB")?,
        };
        out[at..at + 4].copy_from_slice(&length.to_be_bytes());
    }
    Ok(())
}

/// Writes an array as a text literal, `{"a","b\\c",NULL}`: each element
/// in its text form, quoted, with `"` and `\` escaped.
fn encode_text_array(
    elements: &[ValueRef<'_>],
    of: &Type,
    out: &mut BytesMut,
) -> Result<(), BoxError> {
    let mut one = BytesMut::new();
    out.extend_from_slice(b"{");
    for (i, &e) in elements.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",");
        }
        if matches!(e, ValueRef::Null) {
            out.extend_from_slice(b"NULL");
            continue;
        }
        if matches!(value_format(e, of), Format::Binary) {
            return Err(format!(
                "cannot bind an array mixing {} values with values sent as text",
                e.kind()
            )
            .into());
        }
        one.clear();
        encode_value(e, of, &mut one)?;
        out.extend_from_slice(b"\"");
        for &b in one.iter() {
            if b == b'"' || b == b'\\' {
                out.extend_from_slice(b"\\");
            }
            out.extend_from_slice(&[b]);
        }
        out.extend_from_slice(b"\"");
    }
    out.extend_from_slice(b"}");
    Ok(())
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

#[inline]
fn fixed<const N: usize>(raw: &[u8], ty: &Type) -> Result<[u8; N], String> {
    raw.try_into().map_err(|_| malformed(ty, raw.len(), N))
}

#[cold]
fn malformed(ty: &Type, len: usize, want: usize) -> String {
    format!("malformed `{ty}` value: {len} bytes instead of {want}")
}

/// How the cells of a column are decoded, decided once per statement from
/// the column's type (matching a [`Type`] per cell costs more than the
/// decoding itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Int2,
    Int4,
    Int8,
    Oid,
    Float4,
    Float8,
    Bool,
    Bytea,
    Numeric,
    Uuid,
    Jsonb,
    /// UTF-8 text in binary format too (see [`is_text`]).
    Text,
    /// `date`, `time`, `timestamp` and `timestamptz`: loaded as text (see
    /// [`temporal_text`]).
    Temporal,
    /// Anything else: an error when a cell is read.
    Unsupported,
}

impl Kind {
    /// The kind of a column of type `ty`.
    pub(crate) fn of(ty: &Type) -> Kind {
        match *ty {
            Type::INT2 => Kind::Int2,
            Type::INT4 => Kind::Int4,
            Type::INT8 => Kind::Int8,
            Type::OID => Kind::Oid,
            Type::FLOAT4 => Kind::Float4,
            Type::FLOAT8 => Kind::Float8,
            Type::BOOL => Kind::Bool,
            Type::BYTEA => Kind::Bytea,
            Type::NUMERIC => Kind::Numeric,
            Type::UUID => Kind::Uuid,
            Type::JSONB => Kind::Jsonb,
            Type::DATE | Type::TIME | Type::TIMESTAMP | Type::TIMESTAMPTZ => Kind::Temporal,
            _ if is_text(ty) => Kind::Text,
            // An enum's binary format is its label.
            _ if matches!(ty.kind(), postgres::types::Kind::Enum(_)) => Kind::Text,
            _ => Kind::Unsupported,
        }
    }
}

/// Decodes a cell of type `ty` from its binary format.
///
/// `Err` is a message; the caller names the column.
#[cfg(test)]
pub(crate) fn decode<'a>(ty: &Type, raw: Option<&'a [u8]>) -> Result<ValueRef<'a>, String> {
    let kind = Kind::of(ty);
    decode_as(kind, raw).ok_or_else(|| explain(kind, ty, raw.unwrap_or_default()))
}

/// Decodes a cell of kind `kind` from its binary format; `None` when it
/// cannot, which [`explain`] then puts into words. A temporal cell is
/// decoded here only when it is NULL; its text is made by
/// [`temporal_text`].
#[inline]
pub(crate) fn decode_as(kind: Kind, raw: Option<&[u8]>) -> Option<ValueRef<'_>> {
    let Some(raw) = raw else {
        return Some(ValueRef::Null);
    };
    Some(match kind {
        Kind::Int2 => ValueRef::Int(i16::from_be_bytes(raw.try_into().ok()?).into()),
        Kind::Int4 => ValueRef::Int(i32::from_be_bytes(raw.try_into().ok()?).into()),
        Kind::Int8 => ValueRef::Int(i64::from_be_bytes(raw.try_into().ok()?)),
        Kind::Oid => ValueRef::Int(u32::from_be_bytes(raw.try_into().ok()?).into()),
        Kind::Float4 => ValueRef::Float(f32::from_be_bytes(raw.try_into().ok()?).into()),
        Kind::Float8 => ValueRef::Float(f64::from_be_bytes(raw.try_into().ok()?)),
        Kind::Bool => ValueRef::Bool(<[u8; 1]>::try_from(raw).ok()?[0] != 0),
        Kind::Bytea => ValueRef::Blob(raw),
        Kind::Numeric => numeric(raw).ok()?,
        Kind::Uuid => ValueRef::Uuid(raw.try_into().ok()?),
        Kind::Jsonb => match raw.split_first() {
            Some((1, json)) => ValueRef::Text(std::str::from_utf8(json).ok()?),
            _ => return None,
        },
        Kind::Text => ValueRef::Text(std::str::from_utf8(raw).ok()?),
        Kind::Temporal | Kind::Unsupported => return None,
    })
}

/// Why [`decode_as`] could not decode `raw`, a cell of kind `kind` and
/// type `ty`. The caller names the column.
#[cold]
pub(crate) fn explain(kind: Kind, ty: &Type, raw: &[u8]) -> String {
    let size = match kind {
        Kind::Bool => 1,
        Kind::Int2 => 2,
        Kind::Int4 | Kind::Oid | Kind::Float4 => 4,
        Kind::Int8 | Kind::Float8 => 8,
        Kind::Uuid => 16,
        Kind::Numeric => return numeric(raw).err().unwrap_or_default(),
        Kind::Jsonb => {
            return match raw.split_first() {
                Some((1, json)) => not_utf8(ty, json),
                _ => "malformed `jsonb` value: unknown format version".into(),
            };
        }
        Kind::Text | Kind::Bytea => return not_utf8(ty, raw),
        Kind::Temporal | Kind::Unsupported => {
            return format!(
                "PostgreSQL type `{ty}` is not supported; cast it in SQL (for example `::text`)"
            );
        }
    };
    malformed(ty, raw.len(), size)
}

/// The text of a `date`, `time`, `timestamp` or `timestamptz` cell (binary
/// format), as the server itself writes it (a `timestamptz` as in a
/// session whose time zone is UTC): `2024-03-31`, `13:45:00.25`,
/// `2024-03-31 13:45:00`, `2024-03-31 13:45:00+00`, `infinity`,
/// `0044-03-15 BC`. It is what sqlalgebra's `Date`, `Time`, `Timestamp`
/// and `TimestampTz` types load. `None` for any other type.
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
        Type::TIMESTAMP | Type::TIMESTAMPTZ => match fixed(raw, ty).map(i64::from_be_bytes) {
            Err(e) => return Some(Err(e)),
            Ok(i64::MAX) => out.push_str("infinity"),
            Ok(i64::MIN) => out.push_str("-infinity"),
            Ok(micros) => {
                let bc = write_date(&mut out, micros.div_euclid(MICROS_PER_DAY));
                out.push(' ');
                write_time(&mut out, micros.rem_euclid(MICROS_PER_DAY));
                if *ty == Type::TIMESTAMPTZ {
                    out.push_str("+00");
                }
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

/// Why `raw`, a cell of type `ty`, is not text.
fn not_utf8(ty: &Type, raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(_) => format!("`{ty}` value could not be decoded"),
        Err(e) => format!("`{ty}` value is not UTF-8: {e}"),
    }
}

const NUMERIC_POS: u16 = 0x0000;
const NUMERIC_NEG: u16 = 0x4000;
const NUMERIC_NAN: u16 = 0xC000;
const NUMERIC_PINF: u16 = 0xD000;
const NUMERIC_NINF: u16 = 0xF000;

/// Decodes a `numeric` exactly, as a [`ValueRef::Decimal`] with the
/// value's display scale (`1.10` has scale 2), when its digits fit in an
/// `i128` (38 of them); as the nearest float otherwise, and for `NaN` and
/// the infinities. `SUM(bigint)` and `AVG` are numerics too: they load
/// into `i64` and `f64` from the decimal.
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
    if let Some((mantissa, scale)) = numeric_decimal(digits.clone(), ndigits, weight, dscale) {
        return Ok(ValueRef::Decimal {
            mantissa: if negative { -mantissa } else { mantissa },
            scale,
        });
    }
    numeric_float(digits, weight, negative).map(ValueRef::Float)
}

/// The numeric's digits as an integer and its scale, padded with zeros to
/// the display scale (as far as an `i128` holds them); `None` when the
/// digits alone do not fit.
fn numeric_decimal(
    digits: impl Iterator<Item = u16>,
    ndigits: usize,
    weight: i32,
    dscale: u16,
) -> Option<(i128, u32)> {
    let mut mantissa: i128 = 0;
    for d in digits {
        mantissa = mantissa.checked_mul(10_000)?.checked_add(i128::from(d))?;
    }
    // The last stored digit is worth 10000^(weight + 1 - ndigits); trailing
    // zero groups are not stored.
    let mut scale = 4 * (i64::try_from(ndigits).ok()? - i64::from(weight) - 1);
    if scale < 0 {
        let zeros = u32::try_from(-scale).ok()?;
        mantissa = mantissa.checked_mul(10i128.checked_pow(zeros)?)?;
        scale = 0;
    }
    let dscale = i64::from(dscale);
    while scale > dscale && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    while scale < dscale {
        match mantissa.checked_mul(10) {
            Some(m) => mantissa = m,
            None => break,
        }
        scale += 1;
    }
    Some((mantissa, u32::try_from(scale).ok()?))
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
    use sqlalgebra::value::FromSqlValue;

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

    fn dec(mantissa: i128, scale: u32) -> ValueRef<'static> {
        ValueRef::Decimal { mantissa, scale }
    }

    #[test]
    fn numerics_are_exact_decimals() {
        assert_eq!(num(0, NUMERIC_POS, 0, &[]), dec(0, 0));
        assert_eq!(num(0, NUMERIC_POS, 2, &[]), dec(0, 2));
        assert_eq!(num(0, NUMERIC_POS, 0, &[42]), dec(42, 0));
        // 10^8: trailing zero groups are not stored.
        assert_eq!(num(2, NUMERIC_POS, 0, &[1]), dec(100_000_000, 0));
        // i64::MIN = -922 3372 0368 5477 5808, and one more.
        assert_eq!(
            num(4, NUMERIC_NEG, 0, &[922, 3372, 368, 5477, 5808]),
            dec(i128::from(i64::MIN), 0)
        );
        assert_eq!(
            num(4, NUMERIC_POS, 0, &[922, 3372, 368, 5477, 5808]),
            dec(9_223_372_036_854_775_808, 0)
        );
        // -2.5 with display scale 1; 1.10 keeps its scale.
        assert_eq!(num(0, NUMERIC_NEG, 1, &[2, 5000]), dec(-25, 1));
        assert_eq!(num(0, NUMERIC_POS, 2, &[1, 1000]), dec(110, 2));
        assert_eq!(num(-1, NUMERIC_POS, 1, &[1000]), dec(1, 1));
        // AVG: a whole value with display scale 16.
        assert_eq!(num(0, NUMERIC_POS, 16, &[5]), dec(5 * 10i128.pow(16), 16));
        // -0.0000000000000000000000000001: weight -7, the 1 in the last place.
        assert_eq!(num(-7, NUMERIC_NEG, 28, &[1]), dec(-1, 28));
        // 79228162514264337593543950335 = 7 9228 1625 1426 4337 5935 4395 0335.
        assert_eq!(
            num(
                7,
                NUMERIC_POS,
                0,
                &[7, 9228, 1625, 1426, 4337, 5935, 4395, 335]
            ),
            dec(79_228_162_514_264_337_593_543_950_335, 0)
        );
    }

    #[test]
    fn numerics_past_38_digits_are_floats() {
        // 10^40 does not fit in an i128.
        assert_eq!(num(10, NUMERIC_POS, 0, &[1]), ValueRef::Float(1e40));
        // A display scale that does not fit is left short; the value stays.
        assert_eq!(num(0, NUMERIC_POS, 1000, &[1]), dec(10i128.pow(38), 38));
        assert!(matches!(num(0, NUMERIC_NAN, 0, &[]), ValueRef::Float(f) if f.is_nan()));
        assert_eq!(
            num(0, NUMERIC_NINF, 0, &[]),
            ValueRef::Float(f64::NEG_INFINITY)
        );
    }

    #[test]
    fn long_numerics_round_correctly() {
        let float = |v: ValueRef<'_>| match v {
            ValueRef::Float(f) => f,
            ValueRef::Decimal { .. } => f64::from_value(v).unwrap(),
            other => panic!("{other:?}"),
        };
        // 2^53 + 1 lies exactly halfway between two doubles and rounds to
        // even, down to 2^53 ...
        let halfway = [9007, 1992, 5474, 993];
        let v = num(3, NUMERIC_POS, 60, &halfway);
        assert_eq!(float(v), 9_007_199_254_740_992.0);
        // ... but anything above it rounds up, even when the excess is far
        // past the digits kept (the sticky digit carries it; 17 groups do
        // not fit in an i128, so this one is decoded as a float).
        let mut above = halfway.to_vec();
        above.extend([0; 12]);
        above.push(1);
        let v = num(3, NUMERIC_POS, 60, &above);
        assert!(matches!(v, ValueRef::Float(_)));
        assert_eq!(float(v), 9_007_199_254_740_994.0);
        // The same digits as an exact decimal round up too.
        let v = num(3, NUMERIC_POS, 20, &[9007, 1992, 5474, 993, 0, 1]);
        assert!(matches!(v, ValueRef::Decimal { .. }));
        assert_eq!(float(v), 9_007_199_254_740_994.0);
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
        let uuid = [7u8; 16];
        assert_eq!(decode(&Type::UUID, Some(&uuid)), Ok(ValueRef::Uuid(uuid)));
        assert!(decode(&Type::UUID, Some(&[7; 15])).is_err());
        let err = decode(&Type::INTERVAL, Some(&[0; 16])).unwrap_err();
        assert!(err.contains("interval"), "{err}");
    }
}
