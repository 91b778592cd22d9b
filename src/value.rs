//! Values crossing the boundary to the database: binding Rust values into
//! statements ([`Encode`]) and decoding result cells back ([`FromSqlValue`],
//! [`Decode`], [`FromRow`]).
//!
//! Both directions go through [`ValueRef`], a borrowed, copyable view of one
//! cell. Binding never copies a string or a blob: the statement keeps the
//! value and the driver reads it through the `ValueRef`. Decoding reads the
//! driver's row in place and converts each cell straight into the Rust type.

mod owned;
pub(crate) mod text;

pub use owned::Value;
pub use text::TextForm;

use crate::error::{Error, ErrorKind, Result};
use crate::types::*;

/// A borrowed SQL value: what a bind parameter is, and what a result cell is
/// read as.
///
/// ```
/// use sqlalgebra::value::{Encode, ValueRef};
/// assert_eq!(5i64.encode(), ValueRef::Int(5));
/// assert_eq!("hi".encode(), ValueRef::Text("hi"));
/// assert_eq!(None::<i64>.encode(), ValueRef::Null);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum ValueRef<'a> {
    /// SQL NULL.
    Null,
    /// Any integer.
    Int(i64),
    /// Any float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// Text.
    Text(&'a str),
    /// Bytes.
    Blob(&'a [u8]),
    /// An exact decimal number, `mantissa × 10^-scale`: `1.10` is
    /// `{ mantissa: 110, scale: 2 }`. PostgreSQL `NUMERIC` and MySQL
    /// `DECIMAL` cells load as this when they fit (38 digits), and
    /// `rust_decimal::Decimal` binds as it.
    Decimal {
        /// The digits, as an integer.
        mantissa: i128,
        /// How many of the digits are after the decimal point.
        scale: u32,
    },
    /// A UUID, as its 16 bytes (PostgreSQL `uuid` cells; `uuid::Uuid`
    /// binds).
    Uuid([u8; 16]),
    /// A calendar date: days since 1970-01-01 (proleptic Gregorian
    /// calendar). `chrono::NaiveDate` binds as it.
    Date(i32),
    /// A time of day: microseconds since midnight. `chrono::NaiveTime`
    /// binds as it.
    Time(i64),
    /// A date and a time of day without time zone: microseconds since
    /// 1970-01-01 00:00:00. `chrono::NaiveDateTime` binds as it.
    Timestamp(i64),
    /// An instant: microseconds since 1970-01-01 00:00:00 UTC.
    /// `chrono::DateTime` binds as it.
    TimestampTz(i64),
    /// Not a value but a marker in a bind list: the next `n` values are the
    /// elements of one array parameter. On PostgreSQL an `IN` list of
    /// bound values renders as `= ANY($1)` with one array parameter (one
    /// statement for every list length, and a hashed lookup on the
    /// server), and its binds are `Array(n)` followed by the `n` values.
    /// The other dialects never render one, and their backends refuse it
    /// with [`ErrorKind::Unsupported`].
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::value::ValueRef;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// let q = select(A).filter(A.in_([1, 2]));
    /// let r = q.to_sql(&sqlalgebra_postgres::Postgres).unwrap();
    /// assert_eq!(r.sql, r#"SELECT "t"."a" FROM "t" WHERE "t"."a" = ANY($1)"#);
    /// assert_eq!(r.binds[..], [ValueRef::Array(2), ValueRef::Int(1), ValueRef::Int(2)]);
    /// ```
    Array(usize),
}

impl ValueRef<'_> {
    /// A short name of the value's kind, for error messages.
    ///
    /// ```
    /// assert_eq!(sqlalgebra::value::ValueRef::Int(1).kind(), "integer");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            ValueRef::Null => "NULL",
            ValueRef::Int(_) => "integer",
            ValueRef::Float(_) => "float",
            ValueRef::Bool(_) => "boolean",
            ValueRef::Text(_) => "text",
            ValueRef::Blob(_) => "blob",
            ValueRef::Decimal { .. } => "decimal",
            ValueRef::Uuid(_) => "uuid",
            ValueRef::Date(_) => "date",
            ValueRef::Time(_) => "time",
            ValueRef::Timestamp(_) => "timestamp",
            ValueRef::TimestampTz(_) => "timestamp with time zone",
            ValueRef::Array(_) => "array",
        }
    }

    /// The text form of a decimal, UUID, date or time value, as the
    /// backends that store these as text write it; `None` for the other
    /// kinds. It is written when displayed, without allocating:
    ///
    /// - `Decimal`: its digits, `-0.0000000000000000000000000001`, `1.10`;
    /// - `Uuid`: hyphenated lowercase hex;
    /// - `Date`: `YYYY-MM-DD` (years outside 0..=9999 as `+10000`, `-0001`);
    /// - `Time`: `HH:MM:SS`, with `.ffffff` when there is a fraction;
    /// - `Timestamp`: `YYYY-MM-DD HH:MM:SS[.ffffff]`;
    /// - `TimestampTz`: the same, in UTC, without an offset.
    ///
    /// ```
    /// use sqlalgebra::value::ValueRef;
    /// let t = ValueRef::Timestamp(1_711_892_700_250_000).text_form().unwrap();
    /// assert_eq!(t.to_string(), "2024-03-31 13:45:00.250000");
    /// let d = ValueRef::Decimal { mantissa: -110, scale: 2 };
    /// assert_eq!(d.text_form().unwrap().to_string(), "-1.10");
    /// assert!(ValueRef::Int(1).text_form().is_none());
    /// ```
    pub fn text_form(&self) -> Option<TextForm> {
        TextForm::of(*self)
    }
}

/// A Rust value that can be bound as a statement parameter.
///
/// ```
/// use sqlalgebra::value::{Encode, ValueRef};
/// assert_eq!(true.encode(), ValueRef::Bool(true));
/// assert_eq!(vec![0u8, 1].encode(), ValueRef::Blob(&[0, 1]));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be bound as a SQL value",
    note = "bindable types: integers, floats, bool, String/&str, Vec<u8>/&[u8], and Option of those"
)]
pub trait Encode {
    /// A view of the value for the driver.
    ///
    /// ```
    /// use sqlalgebra::value::{Encode, ValueRef};
    /// assert_eq!("ann".encode(), ValueRef::Text("ann"));
    /// assert_eq!(7i32.encode(), ValueRef::Int(7));
    /// assert_eq!(None::<i64>.encode(), ValueRef::Null);
    /// ```
    fn encode(&self) -> ValueRef<'_>;
}

macro_rules! encode_int {
    ($($t:ty),*) => {$(
        impl Encode for $t {
            fn encode(&self) -> ValueRef<'_> { ValueRef::Int(i64::from(*self)) }
        }
    )*};
}
encode_int!(i16, i32, i64);

impl Encode for f32 {
    fn encode(&self) -> ValueRef<'_> {
        ValueRef::Float(f64::from(*self))
    }
}
impl Encode for f64 {
    fn encode(&self) -> ValueRef<'_> {
        ValueRef::Float(*self)
    }
}
impl Encode for bool {
    fn encode(&self) -> ValueRef<'_> {
        ValueRef::Bool(*self)
    }
}
impl Encode for str {
    fn encode(&self) -> ValueRef<'_> {
        ValueRef::Text(self)
    }
}
impl Encode for String {
    fn encode(&self) -> ValueRef<'_> {
        ValueRef::Text(self)
    }
}
impl Encode for [u8] {
    fn encode(&self) -> ValueRef<'_> {
        ValueRef::Blob(self)
    }
}
impl Encode for Vec<u8> {
    fn encode(&self) -> ValueRef<'_> {
        ValueRef::Blob(self)
    }
}
impl<T: Encode + ?Sized> Encode for &T {
    fn encode(&self) -> ValueRef<'_> {
        (**self).encode()
    }
}
impl<T: Encode> Encode for Option<T> {
    fn encode(&self) -> ValueRef<'_> {
        match self {
            Some(v) => v.encode(),
            None => ValueRef::Null,
        }
    }
}
impl Encode for ValueRef<'_> {
    fn encode(&self) -> ValueRef<'_> {
        *self
    }
}

/// Converts one result cell into a Rust value, checking at run time that it
/// fits (an `i32` refuses 2^40, a `String` refuses a blob).
///
/// `Err` carries a message; the caller adds the column name.
///
/// ```
/// use sqlalgebra::value::{FromSqlValue, ValueRef};
/// assert_eq!(i32::from_value(ValueRef::Int(7)), Ok(7));
/// assert!(i16::from_value(ValueRef::Int(1 << 20)).is_err());
/// assert_eq!(Option::<i64>::from_value(ValueRef::Null), Ok(None));
/// ```
pub trait FromSqlValue: Sized {
    /// Converts the cell. A NULL for a type that cannot hold it is
    /// `Err(DecodeError::Null)`.
    ///
    /// ```
    /// use sqlalgebra::value::{FromSqlValue, ValueRef};
    /// assert_eq!(String::from_value(ValueRef::Text("ann")), Ok("ann".to_string()));
    /// assert!(i64::from_value(ValueRef::Null).is_err());        // NULL needs an Option
    /// assert!(String::from_value(ValueRef::Blob(&[1, 2])).is_err()); // a blob is not text
    /// ```
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError>;

    /// Reads the cell at `idx` of `row`, naming the column in the error.
    ///
    /// It reads the cell with
    /// [`from_nullable_cell`](FromSqlValue::from_nullable_cell) and refuses
    /// NULL; a type overrides that one, not this. [`decode_cell`] calls
    /// this.
    ///
    /// ```
    /// use sqlalgebra::value::{FromSqlValue, Row, ValueRef};
    /// struct Cells(Vec<Option<String>>);
    /// impl Row for Cells {
    ///     fn value(&self, idx: usize) -> sqlalgebra::Result<ValueRef<'_>> {
    ///         Ok(self.0[idx].as_deref().map_or(ValueRef::Null, ValueRef::Text))
    ///     }
    ///     fn column_name(&self, _: usize) -> &str { "c" }
    ///     fn len(&self) -> usize { self.0.len() }
    /// }
    /// let mut row = Cells(vec![Some("7".into()), None]);
    /// assert_eq!(String::from_row_cell(&mut row, 0).unwrap(), "7");
    /// assert_eq!(Option::<String>::from_row_cell(&mut row, 1).unwrap(), None);
    /// assert!(i64::from_row_cell(&mut row, 0).is_err());
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::UnexpectedNull`] or [`ErrorKind::Decode`] naming the column.
    #[inline]
    fn from_row_cell<R: Row + ?Sized>(row: &mut R, idx: usize) -> Result<Self> {
        let cell = Self::from_nullable_cell(row, idx)?;
        not_null(row, idx, cell)
    }

    /// Reads the cell at `idx` of `row`, `None` for NULL: what `Self` and
    /// `Option<Self>` load through, reading the cell once.
    ///
    /// The default reads the cell in place ([`Row::value`]) and converts it
    /// with [`from_value`](FromSqlValue::from_value). The integer and float
    /// types override it to ask the row for their kind ([`Row::get_i64`],
    /// [`Row::get_f64`]), `String` and `Vec<u8>` to take the cell out of
    /// the row ([`Row::take_string`], [`Row::take_bytes`]), which saves a
    /// copy where the backend holds it as an owned buffer (MySQL).
    ///
    /// ```
    /// use sqlalgebra::value::{FromSqlValue, Row, ValueRef};
    /// # struct Cells(Vec<Option<i64>>);
    /// # impl Row for Cells {
    /// #     fn value(&self, idx: usize) -> sqlalgebra::Result<ValueRef<'_>> {
    /// #         Ok(self.0[idx].map_or(ValueRef::Null, ValueRef::Int))
    /// #     }
    /// #     fn column_name(&self, _: usize) -> &str { "n" }
    /// #     fn len(&self) -> usize { self.0.len() }
    /// # }
    /// let mut row = Cells(vec![Some(3), None]);
    /// assert_eq!(i32::from_nullable_cell(&mut row, 0).unwrap(), Some(3));
    /// assert_eq!(i32::from_nullable_cell(&mut row, 1).unwrap(), None);
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Decode`] naming the column.
    #[inline]
    fn from_nullable_cell<R: Row + ?Sized>(row: &mut R, idx: usize) -> Result<Option<Self>> {
        decode_in_place(row, idx)
    }
}

/// Reads the cell at `idx` in place ([`Row::value`]) and converts it with
/// [`FromSqlValue::from_value`], naming the column in the error: the
/// general path that the typed readers of [`Row`] default to, and that a
/// backend's override falls back to for a cell it has no shortcut for.
///
/// ```
/// use sqlalgebra::value::{Row, ValueRef, decode_in_place};
/// # struct Cells(Vec<Option<i64>>);
/// # impl Row for Cells {
/// #     fn value(&self, idx: usize) -> sqlalgebra::Result<ValueRef<'_>> {
/// #         Ok(self.0[idx].map_or(ValueRef::Null, ValueRef::Int))
/// #     }
/// #     fn column_name(&self, _: usize) -> &str { "n" }
/// #     fn len(&self) -> usize { self.0.len() }
/// # }
/// let row = Cells(vec![Some(5), None]);
/// assert_eq!(decode_in_place::<Option<i16>, _>(&row, 0).unwrap(), Some(5));
/// assert!(decode_in_place::<i16, _>(&row, 1).is_err());
/// ```
///
/// # Errors
/// [`ErrorKind::UnexpectedNull`] or [`ErrorKind::Decode`] naming the column.
#[inline]
pub fn decode_in_place<T: FromSqlValue, R: Row + ?Sized>(row: &R, idx: usize) -> Result<T> {
    T::from_value(row.value(idx)?).map_err(|e| e.with_column(row.column_name(idx)))
}

/// A cell taken out of the row that must not be NULL.
#[inline]
fn not_null<T, R: Row + ?Sized>(row: &R, idx: usize, cell: Option<T>) -> Result<T> {
    cell.ok_or_else(|| DecodeError::Null.with_column(row.column_name(idx)))
}

/// Why a cell could not be converted.
///
/// ```
/// use sqlalgebra::value::{DecodeError, FromSqlValue, ValueRef};
/// assert_eq!(i64::from_value(ValueRef::Null), Err(DecodeError::Null));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// NULL for a type that is not an `Option`.
    Null,
    /// Any other mismatch, described.
    Mismatch(String),
}

impl DecodeError {
    pub(crate) fn mismatch(want: &str, got: ValueRef<'_>) -> Self {
        DecodeError::Mismatch(format!("expected {want}, found {}", got.kind()))
    }

    /// Turns this into an [`Error`] that names the column.
    ///
    /// ```
    /// use sqlalgebra::{ErrorKind, value::DecodeError};
    /// let e = DecodeError::Null.with_column("name");
    /// assert!(matches!(e.kind(), ErrorKind::UnexpectedNull { column } if column == "name"));
    /// ```
    pub fn with_column(self, column: &str) -> Error {
        match self {
            DecodeError::Null => ErrorKind::UnexpectedNull {
                column: column.to_owned(),
            }
            .into(),
            DecodeError::Mismatch(message) => ErrorKind::Decode {
                column: column.to_owned(),
                message,
            }
            .into(),
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl FromSqlValue for $t {
            fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
                match v {
                    ValueRef::Int(i) => <$t>::try_from(i).map_err(|_| int_too_big(i, stringify!($t))),
                    // `SUM(bigint)` is a NUMERIC on PostgreSQL, a DECIMAL on MySQL.
                    ValueRef::Decimal { mantissa, scale } => text::decimal_integer(mantissa, scale)
                        .and_then(|i| <$t>::try_from(i).ok())
                        .ok_or_else(|| {
                            DecodeError::Mismatch(format!(
                                "{} is not a whole number that fits in {}",
                                v.text_form().map(|t| t.to_string()).unwrap_or_default(),
                                stringify!($t)
                            ))
                        }),
                    ValueRef::Bool(b) => Ok(b as $t),
                    ValueRef::Null => Err(DecodeError::Null),
                    other => Err(DecodeError::mismatch("an integer", other)),
                }
            }
            /// Through [`Row::get_i64`], the backend's shortcut for integers.
            #[inline]
            fn from_nullable_cell<R: Row + ?Sized>(row: &mut R, idx: usize) -> Result<Option<Self>> {
                match row.get_i64(idx)? {
                    Some(i) => match <$t>::try_from(i) {
                        Ok(v) => Ok(Some(v)),
                        Err(_) => Err(int_too_big(i, stringify!($t)).with_column(row.column_name(idx))),
                    },
                    None => Ok(None),
                }
            }
        }
    )*};
}
from_int!(i16, i32, i64);

/// The error for an integer cell that does not fit the Rust type.
#[cold]
fn int_too_big(i: i64, ty: &str) -> DecodeError {
    DecodeError::Mismatch(format!("{i} does not fit in {ty}"))
}

impl FromSqlValue for f64 {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        match v {
            ValueRef::Float(f) => Ok(f),
            ValueRef::Int(i) => Ok(i as f64),
            // The nearest float (`AVG` is a NUMERIC on PostgreSQL).
            ValueRef::Decimal { mantissa, scale } => Ok(text::decimal_to_f64(mantissa, scale)),
            ValueRef::Null => Err(DecodeError::Null),
            other => Err(DecodeError::mismatch("a float", other)),
        }
    }
    /// Through [`Row::get_f64`], the backend's shortcut for floats.
    #[inline]
    fn from_nullable_cell<R: Row + ?Sized>(row: &mut R, idx: usize) -> Result<Option<Self>> {
        row.get_f64(idx)
    }
}
impl FromSqlValue for f32 {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        f64::from_value(v).map(|f| f as f32)
    }
    #[inline]
    fn from_nullable_cell<R: Row + ?Sized>(row: &mut R, idx: usize) -> Result<Option<Self>> {
        Ok(f64::from_nullable_cell(row, idx)?.map(|f| f as f32))
    }
}
impl FromSqlValue for bool {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        match v {
            ValueRef::Bool(b) => Ok(b),
            ValueRef::Int(0) => Ok(false),
            ValueRef::Int(1) => Ok(true),
            ValueRef::Null => Err(DecodeError::Null),
            other => Err(DecodeError::mismatch("a boolean", other)),
        }
    }
}
/// Text as it is; decimals, UUIDs, dates and times in their
/// [text form](ValueRef::text_form); and numbers, which SQLite gives for a
/// `Numeric` (a column of NUMERIC affinity, `SUM`, arithmetic): an integer
/// as its digits (`-42`), a float as the shortest decimal that parses
/// back to the same float, never with an exponent (`0.1`,
/// `0.30000000000000004`, `0.0000001`, `3` for `3.0`). A
/// `rust_decimal::Decimal` loads a float as that same text, and parsing
/// the text as an `f64` gives the float back.
///
/// ```
/// use sqlalgebra::value::{FromSqlValue, ValueRef};
/// assert_eq!(String::from_value(ValueRef::Int(-42)).unwrap(), "-42");
/// assert_eq!(String::from_value(ValueRef::Float(1e-7)).unwrap(), "0.0000001");
/// assert_eq!(String::from_value(ValueRef::Float(0.1 + 0.2)).unwrap(), "0.30000000000000004");
/// assert!(String::from_value(ValueRef::Float(f64::INFINITY)).is_err());
/// ```
impl FromSqlValue for String {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        match v {
            ValueRef::Text(s) => Ok(s.to_owned()),
            ValueRef::Null => Err(DecodeError::Null),
            ValueRef::Int(i) => Ok(i.to_string()),
            ValueRef::Float(f) => text::float_text(f)
                .ok_or_else(|| DecodeError::Mismatch(format!("{f} is not a decimal number"))),
            // Decimals, UUIDs, dates and times in their text form.
            other => match other.text_form() {
                Some(t) => Ok(t.to_string()),
                None => Err(DecodeError::mismatch("text", other)),
            },
        }
    }
    #[inline]
    fn from_nullable_cell<R: Row + ?Sized>(row: &mut R, idx: usize) -> Result<Option<Self>> {
        row.take_string(idx)
    }
}
impl FromSqlValue for Vec<u8> {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        match v {
            ValueRef::Blob(b) => Ok(b.to_vec()),
            ValueRef::Text(s) => Ok(s.as_bytes().to_vec()),
            ValueRef::Uuid(b) => Ok(b.to_vec()),
            ValueRef::Null => Err(DecodeError::Null),
            other => Err(DecodeError::mismatch("a blob", other)),
        }
    }
    #[inline]
    fn from_nullable_cell<R: Row + ?Sized>(row: &mut R, idx: usize) -> Result<Option<Self>> {
        row.take_bytes(idx)
    }
}
impl<T: FromSqlValue> FromSqlValue for Option<T> {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        match v {
            ValueRef::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
    #[inline]
    fn from_row_cell<R: Row + ?Sized>(row: &mut R, idx: usize) -> Result<Self> {
        T::from_nullable_cell(row, idx)
    }
}

/// The compile-time half of decoding: `Self` may be loaded from a SQL value
/// of type `ST`. (The run-time half is [`FromSqlValue`].)
///
/// A nullable SQL type only loads into an `Option`.
///
/// ```
/// use sqlalgebra::{types::*, value::Decode};
/// fn loads<T: Decode<ST>, ST>() {}
/// loads::<i64, BigInt>();
/// loads::<Option<String>, Nullable<Text>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot load a SQL `{ST}` value into `{Self}`",
    label = "the query returns `{ST}` here",
    note = "BigInt loads into i64, Integer into i32, Text into String, Nullable<T> into Option<..>"
)]
pub trait Decode<ST>: FromSqlValue {}

// Also used by the optional integrations (`crate::integrations`).
macro_rules! decode_as {
    ($($t:ty => $($st:ty),+;)*) => {$($(
        #[diagnostic::do_not_recommend]
        impl $crate::value::Decode<$st> for $t {}
        #[diagnostic::do_not_recommend]
        impl $crate::value::Decode<$st> for Option<$t> {}
        #[diagnostic::do_not_recommend]
        impl $crate::value::Decode<$crate::types::Nullable<$st>> for Option<$t> {}
    )+)*};
}
decode_as! {
    i16 => SmallInt;
    i32 => Integer, SmallInt;
    i64 => BigInt, Integer, SmallInt;
    f32 => Real;
    f64 => Double, Real;
    bool => Bool;
    String => Text, Date, Time, Timestamp, TimestampTz, Uuid, Json, Jsonb;
    Vec<u8> => Blob;
}
#[allow(unused_imports)]
pub(crate) use decode_as;

// `Numeric<P, S>` for every precision and scale. Also used by the optional
// integrations (`crate::integrations`).
macro_rules! decode_numeric_as {
    ($($t:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl<const P: u32, const S: u32> $crate::value::Decode<$crate::types::Numeric<P, S>> for $t {}
        #[diagnostic::do_not_recommend]
        impl<const P: u32, const S: u32> $crate::value::Decode<$crate::types::Numeric<P, S>> for Option<$t> {}
        #[diagnostic::do_not_recommend]
        impl<const P: u32, const S: u32> $crate::value::Decode<$crate::types::Nullable<$crate::types::Numeric<P, S>>> for Option<$t> {}
    )*};
}
decode_numeric_as!(String);
#[allow(unused_imports)]
pub(crate) use decode_numeric_as;

/// A column of run-time type loads into any Rust type; the cell is checked
/// when it arrives.
#[diagnostic::do_not_recommend]
impl<T: FromSqlValue> Decode<Any> for T {}
/// An aggregate over a column of run-time type (`SUM` of it) likewise.
#[diagnostic::do_not_recommend]
impl<T: FromSqlValue> Decode<Nullable<Any>> for T {}

#[diagnostic::do_not_recommend]
impl<const N: u32> Decode<Varchar<N>> for String {}
#[diagnostic::do_not_recommend]
impl<const N: u32> Decode<Varchar<N>> for Option<String> {}
#[diagnostic::do_not_recommend]
impl<const N: u32> Decode<Nullable<Varchar<N>>> for Option<String> {}

/// One row of a result, read in place from the driver.
///
/// Each backend implements this for its row type: the three required
/// methods read it; the provided ones ([`is_null`](Row::is_null),
/// [`get_i64`](Row::get_i64), [`get_f64`](Row::get_f64),
/// [`take_string`](Row::take_string), [`take_bytes`](Row::take_bytes)) have
/// defaults built on [`value`](Row::value), which a backend overrides when
/// it can do better.
///
/// ```
/// use sqlalgebra::value::{Row, ValueRef};
/// struct Cells(Vec<Option<i64>>);
/// impl Row for Cells {
///     fn value(&self, idx: usize) -> sqlalgebra::Result<ValueRef<'_>> {
///         Ok(self.0[idx].map_or(ValueRef::Null, ValueRef::Int))
///     }
///     fn column_name(&self, _: usize) -> &str { "n" }
///     fn len(&self) -> usize { self.0.len() }
/// }
/// let row = Cells(vec![Some(1), None]);
/// assert_eq!(row.value(0).unwrap(), ValueRef::Int(1));
/// assert!(row.is_null(1));
/// ```
pub trait Row {
    /// The cell at `idx` (0-based).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::value::{Row, ValueRef};
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// conn.query_sql("SELECT 7 AS n, 'ann' AS name", &[], |row| {
    ///     assert_eq!(row.value(0)?, ValueRef::Int(7));
    ///     assert_eq!(row.value(1)?, ValueRef::Text("ann"));
    ///     assert!(row.value(2).is_err()); // out of range
    ///     Ok(true)
    /// })?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When `idx` is out of range or the driver cannot read the cell.
    fn value(&self, idx: usize) -> Result<ValueRef<'_>>;
    /// The name of the column at `idx`, for error messages.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::value::{Row, ValueRef};
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// conn.query_sql("SELECT 7 AS n, 'ann' AS name", &[], |row| {
    ///     assert_eq!((row.column_name(0), row.column_name(1)), ("n", "name"));
    ///     Ok(true)
    /// })?;
    /// # Ok(()) }
    /// ```
    fn column_name(&self, idx: usize) -> &str;
    /// How many columns the row has.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::value::{Row, ValueRef};
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// conn.query_sql("SELECT 7 AS n, 'ann' AS name", &[], |row| {
    ///     assert_eq!(row.len(), 2);
    ///     Ok(true)
    /// })?;
    /// # Ok(()) }
    /// ```
    fn len(&self) -> usize;
    /// Whether the row has no columns.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::value::{Row, ValueRef};
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// conn.query_sql("SELECT 7 AS n, 'ann' AS name", &[], |row| {
    ///     assert!(!row.is_empty());
    ///     Ok(true)
    /// })?;
    /// # Ok(()) }
    /// ```
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the cell at `idx` is NULL; `false` when it cannot be read
    /// (out of range), so that decoding it reports the error.
    ///
    /// The default reads the cell with [`value`](Row::value); backends
    /// override it with the driver's cheapest check.
    ///
    /// ```
    /// # use sqlalgebra::value::{Row, ValueRef};
    /// # struct Cells(Vec<Option<i64>>);
    /// # impl Row for Cells {
    /// #     fn value(&self, idx: usize) -> sqlalgebra::Result<ValueRef<'_>> {
    /// #         Ok(self.0[idx].map_or(ValueRef::Null, ValueRef::Int))
    /// #     }
    /// #     fn column_name(&self, _: usize) -> &str { "n" }
    /// #     fn len(&self) -> usize { self.0.len() }
    /// # }
    /// let row = Cells(vec![Some(1), None]);
    /// assert!(!row.is_null(0));
    /// assert!(row.is_null(1));
    /// ```
    #[inline]
    fn is_null(&self, idx: usize) -> bool {
        matches!(self.value(idx), Ok(ValueRef::Null))
    }

    /// How many rows the whole result has, when the backend fetched it at
    /// once (PostgreSQL does by default); `None` (the default) when rows
    /// stream from the driver. [`load`](crate::query::RunQuery::load)
    /// sizes its `Vec` by it.
    ///
    /// ```
    /// # use sqlalgebra::value::{Row, ValueRef};
    /// # struct Cells(Vec<Option<i64>>);
    /// # impl Row for Cells {
    /// #     fn value(&self, idx: usize) -> sqlalgebra::Result<ValueRef<'_>> {
    /// #         Ok(self.0[idx].map_or(ValueRef::Null, ValueRef::Int))
    /// #     }
    /// #     fn column_name(&self, _: usize) -> &str { "n" }
    /// #     fn len(&self) -> usize { self.0.len() }
    /// # }
    /// assert_eq!(Cells(vec![Some(1)]).result_len(), None);
    /// ```
    #[inline]
    fn result_len(&self) -> Option<usize> {
        None
    }

    /// The cell at `idx` as an `i64`, `None` for NULL. Accepts what
    /// [`FromSqlValue::from_value`] accepts for an `i64` (integers, whole
    /// decimals, booleans); the integer types load through it.
    ///
    /// The default reads the cell with [`value`](Row::value)
    /// ([`decode_in_place`]); backends override it to read a plain integer
    /// cell straight from the driver, and fall back to the default for
    /// anything else.
    ///
    /// ```
    /// # use sqlalgebra::value::{Row, ValueRef};
    /// # struct Cells(Vec<Option<i64>>);
    /// # impl Row for Cells {
    /// #     fn value(&self, idx: usize) -> sqlalgebra::Result<ValueRef<'_>> {
    /// #         Ok(self.0[idx].map_or(ValueRef::Null, ValueRef::Int))
    /// #     }
    /// #     fn column_name(&self, _: usize) -> &str { "n" }
    /// #     fn len(&self) -> usize { self.0.len() }
    /// # }
    /// let row = Cells(vec![Some(7), None]);
    /// assert_eq!(row.get_i64(0).unwrap(), Some(7));
    /// assert_eq!(row.get_i64(1).unwrap(), None);
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Decode`] naming the column.
    #[inline]
    fn get_i64(&self, idx: usize) -> Result<Option<i64>> {
        decode_in_place(self, idx)
    }

    /// The cell at `idx` as an `f64`, `None` for NULL. Accepts what
    /// [`FromSqlValue::from_value`] accepts for an `f64` (floats, integers,
    /// decimals as the nearest float); `f64` and `f32` load through it.
    /// Backends override it as [`get_i64`](Row::get_i64).
    ///
    /// ```
    /// # use sqlalgebra::value::{Row, ValueRef};
    /// # struct Cells(Vec<Option<i64>>);
    /// # impl Row for Cells {
    /// #     fn value(&self, idx: usize) -> sqlalgebra::Result<ValueRef<'_>> {
    /// #         Ok(self.0[idx].map_or(ValueRef::Null, ValueRef::Int))
    /// #     }
    /// #     fn column_name(&self, _: usize) -> &str { "n" }
    /// #     fn len(&self) -> usize { self.0.len() }
    /// # }
    /// let row = Cells(vec![Some(2), None]);
    /// assert_eq!(row.get_f64(0).unwrap(), Some(2.0));
    /// assert_eq!(row.get_f64(1).unwrap(), None);
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Decode`] naming the column.
    #[inline]
    fn get_f64(&self, idx: usize) -> Result<Option<f64>> {
        decode_in_place(self, idx)
    }

    /// The cell at `idx` as a `String`, `None` for NULL: taken out of the
    /// row when the backend holds it as an owned buffer (no copy), read in
    /// place and copied otherwise. A cell taken out cannot be read again:
    /// decoding reads each cell once.
    ///
    /// The default reads it in place, as `Option::<String>::from_value`
    /// does. It accepts what [`FromSqlValue::from_value`] accepts for a
    /// `String` (text; decimals, UUIDs, dates and times in their text form).
    ///
    /// ```
    /// # use sqlalgebra::value::{Row, ValueRef};
    /// # struct Cells(Vec<&'static str>);
    /// # impl Row for Cells {
    /// #     fn value(&self, idx: usize) -> sqlalgebra::Result<ValueRef<'_>> {
    /// #         Ok(ValueRef::Text(self.0[idx]))
    /// #     }
    /// #     fn column_name(&self, _: usize) -> &str { "name" }
    /// #     fn len(&self) -> usize { self.0.len() }
    /// # }
    /// let mut row = Cells(vec!["ann"]);
    /// assert_eq!(row.take_string(0).unwrap().as_deref(), Some("ann"));
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Decode`] naming the column.
    #[inline]
    fn take_string(&mut self, idx: usize) -> Result<Option<String>> {
        decode_in_place(self, idx)
    }

    /// Gives each element of the array cell at `idx` to `each`, in order;
    /// `Ok(false)` when the cell is NULL. Only PostgreSQL has arrays; by
    /// default any other cell is an [`ErrorKind::Decode`].
    ///
    /// ```
    /// use sqlalgebra::value::{Row, ValueRef};
    /// # struct One; impl Row for One {
    /// #     fn value(&self, _: usize) -> sqlalgebra::Result<ValueRef<'_>> { Ok(ValueRef::Null) }
    /// #     fn column_name(&self, _: usize) -> &str { "tags" }
    /// #     fn len(&self) -> usize { 1 }
    /// # }
    /// // A NULL cell: no elements.
    /// assert!(!One.array_elements(0, &mut |_| unreachable!()).unwrap());
    /// ```
    fn array_elements(&mut self, idx: usize, each: &mut dyn FnMut(ValueRef<'_>)) -> Result<bool> {
        let _ = each;
        match self.value(idx)? {
            ValueRef::Null => Ok(false),
            other => {
                Err(DecodeError::mismatch("an array", other).with_column(self.column_name(idx)))
            }
        }
    }

    /// The cell at `idx` as bytes, `None` for NULL: taken out of the row
    /// when the backend holds it as an owned buffer, read in place and
    /// copied otherwise (see [`take_string`](Row::take_string)). Accepts
    /// blobs, text and UUIDs.
    ///
    /// ```
    /// # use sqlalgebra::value::{Row, ValueRef};
    /// # struct Cells(Vec<&'static [u8]>);
    /// # impl Row for Cells {
    /// #     fn value(&self, idx: usize) -> sqlalgebra::Result<ValueRef<'_>> {
    /// #         Ok(ValueRef::Blob(self.0[idx]))
    /// #     }
    /// #     fn column_name(&self, _: usize) -> &str { "data" }
    /// #     fn len(&self) -> usize { self.0.len() }
    /// # }
    /// let mut row = Cells(vec![b"\x00\x01"]);
    /// assert_eq!(row.take_bytes(0).unwrap(), Some(vec![0, 1]));
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Decode`] naming the column.
    #[inline]
    fn take_bytes(&mut self, idx: usize) -> Result<Option<Vec<u8>>> {
        decode_in_place(self, idx)
    }
}

/// Reads one cell of `row` as a `T`, naming the column in the error: what
/// [`FromRow`] does for each single column. Text and blob cells are taken
/// out of the row when the backend can give them away
/// ([`FromSqlValue::from_row_cell`]).
///
/// ```
/// use sqlalgebra::value::{Row, ValueRef, decode_cell};
/// # struct Cells(Vec<Option<i64>>);
/// # impl Row for Cells {
/// #     fn value(&self, idx: usize) -> sqlalgebra::Result<ValueRef<'_>> {
/// #         Ok(self.0[idx].map_or(ValueRef::Null, ValueRef::Int))
/// #     }
/// #     fn column_name(&self, _: usize) -> &str { "n" }
/// #     fn len(&self) -> usize { self.0.len() }
/// # }
/// let mut row = Cells(vec![Some(5), None]);
/// assert_eq!(decode_cell::<i32, _>(&mut row, 0).unwrap(), 5);
/// assert_eq!(decode_cell::<Option<i64>, _>(&mut row, 1).unwrap(), None);
/// let e = decode_cell::<i64, _>(&mut row, 1).unwrap_err();
/// assert_eq!(e.to_string(), sqlalgebra::ErrorKind::UnexpectedNull { column: "n".into() }.to_string());
/// ```
///
/// # Errors
/// [`ErrorKind::UnexpectedNull`] or [`ErrorKind::Decode`] naming the column.
#[inline]
pub fn decode_cell<T: FromSqlValue, R: Row + ?Sized>(row: &mut R, idx: usize) -> Result<T> {
    T::from_row_cell(row, idx)
}

/// A Rust value built from (part of) a result row whose SQL types are `ST`:
/// a single value for a single column, a tuple for a tuple of columns, or
/// your own struct.
///
/// Implement it for your structs by delegating to a tuple:
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::value::Row;
///
/// struct User { id: i64, name: String }
/// impl FromRow<(BigInt, Text)> for User {
///     const WIDTH: usize = 2;
///     fn from_row<R: Row + ?Sized>(row: &mut R, at: usize) -> sqlalgebra::Result<Self> {
///         let (id, name) = <(i64, String) as FromRow<(BigInt, Text)>>::from_row(row, at)?;
///         Ok(User { id, name })
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot load a row of SQL type `{ST}` into `{Self}`",
    label = "the query returns `{ST}`",
    note = "each Rust field must match its column: BigInt -> i64, Text -> String, Nullable<T> -> Option<..>, OuterJoined<T> (the NULL-extended side of an outer join) -> Option<..>"
)]
pub trait FromRow<ST>: Sized {
    /// How many columns this value reads.
    const WIDTH: usize;
    /// Reads the value from the columns `at .. at + WIDTH` of `row`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// conn.query_sql("SELECT 1, 'ann', NULL", &[], |row| {
    ///     let (id, name) = <(i64, String) as FromRow<(BigInt, Text)>>::from_row(row, 0)?;
    ///     let bio = <Option<String> as FromRow<Nullable<Text>>>::from_row(row, 2)?;
    ///     assert_eq!((id, name.as_str(), bio), (1, "ann", None));
    ///     Ok(true)
    /// })?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When a cell does not fit its Rust type.
    fn from_row<R: Row + ?Sized>(row: &mut R, at: usize) -> Result<Self>;
}

impl<T: Decode<ST>, ST: SingleValue> FromRow<ST> for T {
    const WIDTH: usize = 1;
    #[inline]
    fn from_row<R: Row + ?Sized>(row: &mut R, at: usize) -> Result<Self> {
        decode_cell(row, at)
    }
}

macro_rules! tuple_from_row {
    ($($T:ident $S:ident),+) => {
        #[diagnostic::do_not_recommend]
        impl<$($T: FromRow<$S>, $S,)+> FromRow<($($S,)+)> for ($($T,)+) {
            const WIDTH: usize = 0 $(+ $T::WIDTH)+;
            #[inline]
            #[allow(unused_assignments)]
            fn from_row<R: Row + ?Sized>(row: &mut R, at: usize) -> Result<Self> {
                let mut i = at;
                Ok(($({
                    let v = $T::from_row(row, i)?;
                    i += $T::WIDTH;
                    v
                },)+))
            }
        }

        /// A group of columns that is entirely NULL (an outer join that
        /// found nothing) loads as `None`.
        ///
        /// When the group's SQL types have a column that is not `Nullable`,
        /// that cell alone decides (such a column is NULL only when the
        /// join found nothing); otherwise every cell is checked.
        #[diagnostic::do_not_recommend]
        impl<T, $($S: ColumnTypes,)+> FromRow<($($S,)+)> for Option<T>
        where
            ($($S,)+): crate::query::Unouter,
            T: FromRow<<($($S,)+) as crate::query::Unouter>::Inner>,
        {
            const WIDTH: usize = T::WIDTH;
            #[inline]
            fn from_row<R: Row + ?Sized>(row: &mut R, at: usize) -> Result<Self> {
                if group_is_null::<($($S,)+), R>(row, at, T::WIDTH) {
                    Ok(None)
                } else {
                    T::from_row(row, at).map(Some)
                }
            }
        }
    };
}
crate::macros::for_tuples!(tuple_from_row);

/// Whether the `width` columns of `row` from `at`, of SQL types `ST`, are
/// an absent outer-join group: the first column whose type is not
/// `Nullable` is NULL, or, when there is none, every cell is.
#[inline]
pub(crate) fn group_is_null<ST: ColumnTypes, R: Row + ?Sized>(
    row: &R,
    at: usize,
    width: usize,
) -> bool {
    match ST::FIRST_NOT_NULL {
        Some(i) if i < width => row.is_null(at + i),
        _ => (at..at + width).all(|i| row.is_null(i)),
    }
}
