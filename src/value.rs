//! Values crossing the boundary to the database: binding Rust values into
//! statements ([`Encode`]) and decoding result cells back ([`FromSqlValue`],
//! [`Decode`], [`FromRow`]).
//!
//! Both directions go through [`ValueRef`], a borrowed, copyable view of one
//! cell. Binding never copies a string or a blob: the statement keeps the
//! value and the driver reads it through the `ValueRef`. Decoding reads the
//! driver's row in place and converts each cell straight into the Rust type.

use crate::error::{Error, Result};
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
        }
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
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError>;
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
    fn mismatch(want: &str, got: ValueRef<'_>) -> Self {
        DecodeError::Mismatch(format!("expected {want}, found {}", got.kind()))
    }

    /// Turns this into an [`Error`] that names the column.
    ///
    /// ```
    /// use sqlalgebra::{Error, value::DecodeError};
    /// let e = DecodeError::Null.with_column("name");
    /// assert!(matches!(e, Error::UnexpectedNull { column } if column == "name"));
    /// ```
    pub fn with_column(self, column: &str) -> Error {
        match self {
            DecodeError::Null => Error::UnexpectedNull {
                column: column.to_owned(),
            },
            DecodeError::Mismatch(message) => Error::Decode {
                column: column.to_owned(),
                message,
            },
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl FromSqlValue for $t {
            fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
                match v {
                    ValueRef::Int(i) => <$t>::try_from(i).map_err(|_| {
                        DecodeError::Mismatch(format!("{i} does not fit in {}", stringify!($t)))
                    }),
                    ValueRef::Bool(b) => Ok(b as $t),
                    ValueRef::Null => Err(DecodeError::Null),
                    other => Err(DecodeError::mismatch("an integer", other)),
                }
            }
        }
    )*};
}
from_int!(i16, i32, i64);

impl FromSqlValue for f64 {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        match v {
            ValueRef::Float(f) => Ok(f),
            ValueRef::Int(i) => Ok(i as f64),
            ValueRef::Null => Err(DecodeError::Null),
            other => Err(DecodeError::mismatch("a float", other)),
        }
    }
}
impl FromSqlValue for f32 {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        f64::from_value(v).map(|f| f as f32)
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
impl FromSqlValue for String {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        match v {
            ValueRef::Text(s) => Ok(s.to_owned()),
            ValueRef::Null => Err(DecodeError::Null),
            other => Err(DecodeError::mismatch("text", other)),
        }
    }
}
impl FromSqlValue for Vec<u8> {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        match v {
            ValueRef::Blob(b) => Ok(b.to_vec()),
            ValueRef::Text(s) => Ok(s.as_bytes().to_vec()),
            ValueRef::Null => Err(DecodeError::Null),
            other => Err(DecodeError::mismatch("a blob", other)),
        }
    }
}
impl<T: FromSqlValue> FromSqlValue for Option<T> {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        match v {
            ValueRef::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
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

macro_rules! decode_as {
    ($($t:ty => $($st:ty),+;)*) => {$($(
        #[diagnostic::do_not_recommend]
        impl Decode<$st> for $t {}
        #[diagnostic::do_not_recommend]
        impl Decode<$st> for Option<$t> {}
        #[diagnostic::do_not_recommend]
        impl Decode<Nullable<$st>> for Option<$t> {}
    )+)*};
}
decode_as! {
    i16 => SmallInt;
    i32 => Integer, SmallInt;
    i64 => BigInt, Integer, SmallInt;
    f32 => Real;
    f64 => Double, Real;
    bool => Bool;
    String => Text, Date, Time, Timestamp;
    Vec<u8> => Blob;
}
/// A column of run-time type loads into any Rust type; the cell is checked
/// when it arrives.
#[diagnostic::do_not_recommend]
impl<T: FromSqlValue> Decode<Any> for T {}

#[diagnostic::do_not_recommend]
impl<const N: u32> Decode<Varchar<N>> for String {}
#[diagnostic::do_not_recommend]
impl<const N: u32> Decode<Varchar<N>> for Option<String> {}
#[diagnostic::do_not_recommend]
impl<const N: u32> Decode<Nullable<Varchar<N>>> for Option<String> {}

/// One row of a result, read in place from the driver.
///
/// Each backend implements this for its row type.
pub trait Row {
    /// The cell at `idx` (0-based).
    ///
    /// # Errors
    /// When `idx` is out of range or the driver cannot read the cell.
    fn value(&self, idx: usize) -> Result<ValueRef<'_>>;
    /// The name of the column at `idx`, for error messages.
    fn column_name(&self, idx: usize) -> &str;
    /// How many columns the row has.
    fn len(&self) -> usize;
    /// Whether the row has no columns.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reads one cell of `row` as a `T`, naming the column in the error.
///
/// # Errors
/// [`Error::UnexpectedNull`] or [`Error::Decode`] naming the column.
#[inline]
pub fn decode_cell<T: FromSqlValue, R: Row + ?Sized>(row: &R, idx: usize) -> Result<T> {
    T::from_value(row.value(idx)?).map_err(|e| e.with_column(row.column_name(idx)))
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
///     fn from_row<R: Row + ?Sized>(row: &R, at: usize) -> sqlalgebra::Result<Self> {
///         let (id, name) = <(i64, String) as FromRow<(BigInt, Text)>>::from_row(row, at)?;
///         Ok(User { id, name })
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot load a row of SQL type `{ST}` into `{Self}`",
    label = "the query returns `{ST}`",
    note = "each Rust field must match its column: BigInt -> i64, Text -> String, Nullable<T> -> Option<..>"
)]
pub trait FromRow<ST>: Sized {
    /// How many columns this value reads.
    const WIDTH: usize;
    /// Reads the value from the columns `at .. at + WIDTH` of `row`.
    ///
    /// # Errors
    /// When a cell does not fit its Rust type.
    fn from_row<R: Row + ?Sized>(row: &R, at: usize) -> Result<Self>;
}

impl<T: Decode<ST>, ST: SingleValue> FromRow<ST> for T {
    const WIDTH: usize = 1;
    #[inline]
    fn from_row<R: Row + ?Sized>(row: &R, at: usize) -> Result<Self> {
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
            fn from_row<R: Row + ?Sized>(row: &R, at: usize) -> Result<Self> {
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
        #[diagnostic::do_not_recommend]
        impl<T: FromRow<($($S,)+)>, $($S,)+> FromRow<($($S,)+)> for Option<T> {
            const WIDTH: usize = T::WIDTH;
            fn from_row<R: Row + ?Sized>(row: &R, at: usize) -> Result<Self> {
                for i in at..at + T::WIDTH {
                    if row.value(i)? != ValueRef::Null {
                        return T::from_row(row, at).map(Some);
                    }
                }
                Ok(None)
            }
        }
    };
}
crate::macros::for_tuples!(tuple_from_row);
