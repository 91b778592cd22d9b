//! SQL type markers.
//!
//! Every expression has one of these as its `SqlType`. They are zero-sized
//! and never instantiated; they exist so that the compiler can check which
//! operations make sense (`sum` of `Text` does not compile) and which Rust
//! types a value can be loaded into.
//!
//! | marker | SQLite | PostgreSQL | MySQL | Rust |
//! |---|---|---|---|---|
//! | [`SmallInt`] | `SMALLINT` | `SMALLINT` | `SMALLINT` | `i16` |
//! | [`Integer`] | `INTEGER` | `INTEGER` | `INT` | `i32` |
//! | [`BigInt`] | `BIGINT` | `BIGINT` | `BIGINT` | `i64` |
//! | [`Real`] | `REAL` | `REAL` | `FLOAT` | `f32` |
//! | [`Double`] | `DOUBLE PRECISION` | `DOUBLE PRECISION` | `DOUBLE` | `f64` |
//! | [`Text`] | `TEXT` | `TEXT` | `TEXT` | `String`, `&str` |
//! | [`Varchar<N>`] | `VARCHAR(N)` | `VARCHAR(N)` | `VARCHAR(N)` | `String`, `&str` |
//! | [`Bool`] | `BOOLEAN` | `BOOLEAN` | `BOOLEAN` | `bool` |
//! | [`Blob`] | `BLOB` | `BYTEA` | `LONGBLOB` | `Vec<u8>`, `&[u8]` |
//! | [`Date`] | `DATE` (stored as text) | `DATE` | `DATE` | `String` (`YYYY-MM-DD`) |
//! | [`Time`] | `TIME` (stored as text) | `TIME` | `TIME(6)` | `String` (`HH:MM:SS`) |
//! | [`Timestamp`] | `TIMESTAMP` (stored as text) | `TIMESTAMP` | `DATETIME(6)` | `String` (`YYYY-MM-DD HH:MM:SS`) |
//! | [`TimestampTz`] | `TEXT` (UTC) | `TIMESTAMPTZ` | `DATETIME(6)` (UTC) | `String`; `chrono::DateTime<Utc>` |
//! | [`Uuid`] | `TEXT` (hyphenated) | `UUID` | `CHAR(36)` (hyphenated) | `String`; `uuid::Uuid` |
//! | [`Json`] | `TEXT` | `JSON` | `JSON` | `String`; `serde_json::Value` |
//! | [`Jsonb`] | `TEXT` | `JSONB` | `JSON` | `String`; `serde_json::Value` |
//! | [`Numeric`] | `TEXT` (exact digits; see [`Numeric`]) | `NUMERIC` | `DECIMAL(65, 30)` | `String`; `rust_decimal::Decimal` |
//! | [`Enum<E>`] | `TEXT CHECK (... IN (...))` | `CREATE TYPE ... AS ENUM` | `ENUM(...)` | `E: SqlEnum` |
//! | [`Array<T>`] | (refused) | `T[]` | (refused) | `Vec<T>` |
//! | [`Nullable<T>`] | (NULL allowed) | | | `Option<T>` |
//!
//! The Rust types after a `;` come with the cargo feature of the same name
//! (`chrono`, `uuid`, `serde_json`, `rust_decimal`); see
//! [`integrations`](crate::integrations). Without them, these types bind and
//! load as text. `chrono` also adds `NaiveDate`, `NaiveTime` and
//! `NaiveDateTime` for [`Date`], [`Time`] and [`Timestamp`].

use std::marker::PhantomData;

pub(crate) mod array;
pub(crate) mod sql_enum;

pub use array::Array;

pub use sql_enum::{Enum, EnumType, SqlEnum};

/// What kind of SQL type a marker is, for DDL and for dialect decisions.
///
/// ```
/// use sqlalgebra::types::{SqlType, SqlKind, BigInt, Nullable};
/// assert_eq!(<Nullable<BigInt> as SqlType>::KIND, SqlKind::BigInt);
/// assert!(<Nullable<BigInt> as SqlType>::NULLABLE);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SqlKind {
    /// 16-bit integer.
    SmallInt,
    /// 32-bit integer.
    Integer,
    /// 64-bit integer.
    BigInt,
    /// 32-bit float.
    Real,
    /// 64-bit float.
    Double,
    /// Unbounded text.
    Text,
    /// Text of at most the given number of characters.
    Varchar(u32),
    /// Boolean.
    Bool,
    /// Bytes.
    Blob,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A date and a time of day, without time zone.
    Timestamp,
    /// An instant: a date and time of day in UTC.
    TimestampTz,
    /// A UUID.
    Uuid,
    /// JSON, stored as the text it was given.
    Json,
    /// JSON, stored in a normalized binary form where the database has one.
    Jsonb,
    /// An exact decimal number.
    Numeric,
    /// An exact decimal number of at most `precision` digits, `scale` of
    /// them after the point: `NUMERIC(precision, scale)`
    /// ([`Numeric<P, S>`](Numeric)).
    Decimal(u32, u32),
    /// A SQL enum ([`Enum<E>`]): its type name and labels.
    Enum(&'static EnumType),
    /// A PostgreSQL array ([`Array<T>`]) of elements of the given kind.
    Array(&'static SqlKind),
}

impl SqlKind {
    /// Whether it is an exact decimal: `Numeric` or `Numeric<P, S>`.
    ///
    /// ```
    /// use sqlalgebra::types::SqlKind;
    /// assert!(SqlKind::Decimal(10, 2).is_decimal());
    /// assert!(!SqlKind::Double.is_decimal());
    /// ```
    pub const fn is_decimal(self) -> bool {
        matches!(self, SqlKind::Numeric | SqlKind::Decimal(..))
    }

    /// Whether it is an integer type: `SmallInt`, `Integer` or `BigInt`.
    ///
    /// ```
    /// use sqlalgebra::types::SqlKind;
    /// assert!(SqlKind::SmallInt.is_integer());
    /// assert!(!SqlKind::Numeric.is_integer());
    /// ```
    pub const fn is_integer(self) -> bool {
        matches!(self, SqlKind::SmallInt | SqlKind::Integer | SqlKind::BigInt)
    }

    /// Whether it is a binary number: an integer or a float type.
    ///
    /// ```
    /// use sqlalgebra::types::SqlKind;
    /// assert!(SqlKind::Real.is_binary_number());
    /// assert!(!SqlKind::Numeric.is_binary_number());
    /// ```
    pub const fn is_binary_number(self) -> bool {
        self.is_integer() || matches!(self, SqlKind::Real | SqlKind::Double)
    }
}

/// A SQL type marker.
///
/// ```
/// use sqlalgebra::types::*;
/// // What DDL and loading read from a SQL type marker:
/// fn describe<T: SqlType>() -> (SqlKind, bool) {
///     (T::KIND, T::NULLABLE)
/// }
/// assert_eq!(describe::<BigInt>(), (SqlKind::BigInt, false));
/// assert_eq!(describe::<Nullable<Text>>(), (SqlKind::Text, true));
/// assert_eq!(describe::<<Nullable<Text> as SqlType>::NotNull>(), (SqlKind::Text, false));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a SQL type",
    note = "SQL types are the markers in `sqlalgebra::types` (BigInt, Text, Nullable<T>, ...)"
)]
pub trait SqlType: 'static + Mixes {
    /// The same type without `Nullable`.
    type NotNull: SqlType;
    /// The kind, for DDL.
    const KIND: SqlKind;
    /// Whether NULL is a value of this type.
    const NULLABLE: bool = false;
}

/// A SQL type that is a single value (not a row of several).
///
/// ```
/// use sqlalgebra::types::{SingleValue, Text};
/// fn single<T: SingleValue>() {}
/// single::<Text>();
/// ```
pub trait SingleValue: SqlType {}

/// The SQL types of a group of result columns: one SQL type, or a tuple of
/// them (nested tuples too).
///
/// Loading an optional group (`Option<T>` over the columns of an outer
/// join) reads it: a column whose type is not [`Nullable`] is NULL only
/// when the join found nothing, so that one cell decides; a group of
/// nullable columns only is absent when all of its cells are NULL.
///
/// ```
/// use sqlalgebra::types::{BigInt, ColumnTypes, Nullable, Text};
/// assert_eq!(<(Nullable<Text>, BigInt, Text) as ColumnTypes>::FIRST_NOT_NULL, Some(1));
/// assert_eq!(<(Nullable<Text>, (Nullable<BigInt>, Text)) as ColumnTypes>::FIRST_NOT_NULL, Some(2));
/// assert_eq!(<(Nullable<Text>, Nullable<BigInt>) as ColumnTypes>::FIRST_NOT_NULL, None);
/// assert_eq!(<(Text, (BigInt, Text)) as ColumnTypes>::COLUMNS, Some(3));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a SQL type or a tuple of SQL types",
    note = "SQL types are the markers in `sqlalgebra::types` (BigInt, Text, Nullable<T>, ...)"
)]
pub trait ColumnTypes {
    /// How many columns the group has; `None` when only known at run time
    /// (a row of run-time shape).
    const COLUMNS: Option<usize>;
    /// The position in the group of the first column whose type is not
    /// `Nullable`, if there is one (and no column of unknown count comes
    /// before it).
    const FIRST_NOT_NULL: Option<usize>;
}

impl<T: SingleValue> ColumnTypes for T {
    const COLUMNS: Option<usize> = Some(1);
    const FIRST_NOT_NULL: Option<usize> = if T::NULLABLE { None } else { Some(0) };
}

macro_rules! tuple_column_types {
    ($($T:ident $S:ident),+) => {
        impl<$($S: ColumnTypes),+> ColumnTypes for ($($S,)+) {
            const COLUMNS: Option<usize> = {
                let mut n = Some(0);
                $(n = match (n, $S::COLUMNS) {
                    (Some(n), Some(m)) => Some(n + m),
                    _ => None,
                };)+
                n
            };
            #[allow(unused_assignments)]
            const FIRST_NOT_NULL: Option<usize> = {
                // `at` is the position of the next member; `None` once a
                // member of unknown count has been passed.
                let mut at = Some(0);
                let mut found = None;
                $(if found.is_none() {
                    if let Some(a) = at {
                        if let Some(i) = $S::FIRST_NOT_NULL {
                            found = Some(a + i);
                        }
                        at = match $S::COLUMNS {
                            Some(m) => Some(a + m),
                            None => None,
                        };
                    }
                })+
                found
            };
        }
    };
}
crate::macros::for_tuples!(tuple_column_types);

macro_rules! sql_types {
    ($($(#[$doc:meta])* $name:ident => $kind:expr;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $name;
        impl SqlType for $name {
            type NotNull = $name;
            const KIND: SqlKind = $kind;
        }
        impl SingleValue for $name {}
        impl IntoNullable for $name {
            type Nullable = Nullable<$name>;
        }
    )*};
}

sql_types! {
    /// `SMALLINT`: loads into `i16`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// let v: i16 = select(bind::<SmallInt, _>(7i16)).get(&mut conn)?;
    /// assert_eq!(v, 7i16);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    SmallInt => SqlKind::SmallInt;
    /// `INTEGER`: loads into `i32`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// let v: i32 = select(bind::<Integer, _>(7i32)).get(&mut conn)?;
    /// assert_eq!(v, 7i32);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    Integer => SqlKind::Integer;
    /// `BIGINT`: loads into `i64`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// let v: i64 = select(bind::<BigInt, _>(7i64)).get(&mut conn)?;
    /// assert_eq!(v, 7i64);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    BigInt => SqlKind::BigInt;
    /// `REAL` (32-bit float): loads into `f32`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// let v: f32 = select(bind::<Real, _>(1.5f32)).get(&mut conn)?;
    /// assert_eq!(v, 1.5f32);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    Real => SqlKind::Real;
    /// `DOUBLE PRECISION`: loads into `f64`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// let v: f64 = select(bind::<Double, _>(1.5f64)).get(&mut conn)?;
    /// assert_eq!(v, 1.5f64);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    Double => SqlKind::Double;
    /// `TEXT`: loads into `String`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// let v: String = select(bind::<Text, _>("hi")).get(&mut conn)?;
    /// assert_eq!(v, "hi");
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    Text => SqlKind::Text;
    /// `BOOLEAN`: loads into `bool`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// let v: bool = select(bind::<Bool, _>(true)).get(&mut conn)?;
    /// assert_eq!(v, true);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    Bool => SqlKind::Bool;
    /// `BLOB` / `BYTEA`: loads into `Vec<u8>`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// let v: Vec<u8> = select(bind::<Blob, _>(vec![1u8, 2])).get(&mut conn)?;
    /// assert_eq!(v, vec![1u8, 2]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    Blob => SqlKind::Blob;
    /// `DATE`: a calendar date, bound from and loaded into a `String` in ISO
    /// format (`2024-03-31`), so dates compare and sort as dates.
    ///
    /// SQLite has no date type and stores the text as it is; PostgreSQL and
    /// MySQL store a real date.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// let v: String = select(bind::<Date, _>("2024-03-31")).get(&mut conn)?;
    /// assert_eq!(v, "2024-03-31");
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    Date => SqlKind::Date;
    /// `TIME`: a time of day, as a `String` in ISO format (`13:45:00`).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// let v: String = select(bind::<Time, _>("13:45:00")).get(&mut conn)?;
    /// assert_eq!(v, "13:45:00");
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    Time => SqlKind::Time;
    /// `TIMESTAMP` (`DATETIME(6)` on MySQL): a date and time without time
    /// zone, as a `String` in ISO format (`2024-03-31 13:45:00`).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// let v: String = select(bind::<Timestamp, _>("2024-03-31 13:45:00")).get(&mut conn)?;
    /// assert_eq!(v, "2024-03-31 13:45:00");
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    Timestamp => SqlKind::Timestamp;
    /// `TIMESTAMPTZ`: an instant, kept in UTC. PostgreSQL stores a
    /// `timestamptz`; MySQL a `DATETIME(6)` and SQLite a `TEXT`, both
    /// holding the UTC date and time (`2024-03-31 13:45:00.250000`).
    ///
    /// As a `String` it loads as the backend writes it: UTC, with the
    /// offset `+00` on PostgreSQL and without one elsewhere. A `String`
    /// bound to it should say its offset on PostgreSQL (a bare date and time
    /// is read in the session's time zone there) and must not on MySQL.
    /// With the `chrono` feature, `DateTime<Utc>` binds and loads the same
    /// instant on every backend.
    ///
    /// ```
    /// use sqlalgebra::types::{SqlKind, SqlType, TimestampTz};
    /// assert_eq!(TimestampTz::KIND, SqlKind::TimestampTz);
    /// ```
    TimestampTz => SqlKind::TimestampTz;
    /// `UUID` on PostgreSQL; `CHAR(36)` on MySQL and `TEXT` on SQLite,
    /// holding the hyphenated lowercase text
    /// (`67e55044-10b1-426f-9247-bb680e5fe0c8`), so it stays readable and
    /// compares and sorts like the 16 bytes do.
    ///
    /// Loads into a `String` (hyphenated) and, with the `uuid` feature,
    /// into `uuid::Uuid`.
    ///
    /// ```
    /// use sqlalgebra::types::{SqlKind, SqlType, Uuid};
    /// assert_eq!(Uuid::KIND, SqlKind::Uuid);
    /// ```
    Uuid => SqlKind::Uuid;
    /// `JSON`: a JSON document, kept as the text given (PostgreSQL `json`,
    /// MySQL `JSON`, SQLite `TEXT`). Binds and loads as a `String` of JSON,
    /// and with the `serde_json` feature as `serde_json::Value`.
    ///
    /// ```
    /// use sqlalgebra::types::{Json, SqlKind, SqlType};
    /// assert_eq!(Json::KIND, SqlKind::Json);
    /// ```
    Json => SqlKind::Json;
    /// `JSONB`: a JSON document that PostgreSQL stores parsed (keys sorted
    /// and deduplicated, whitespace dropped), so it can be compared and
    /// indexed. MySQL (`JSON`) and SQLite (`TEXT`) store it as [`Json`].
    ///
    /// ```
    /// use sqlalgebra::types::{Jsonb, SqlKind, SqlType};
    /// assert_eq!(Jsonb::KIND, SqlKind::Jsonb);
    /// ```
    Jsonb => SqlKind::Jsonb;
}

/// `VARCHAR(N)`: text of at most `N` characters. It behaves like [`Text`] in
/// expressions; only DDL differs.
///
/// ```
/// use sqlalgebra::types::{SqlType, SqlKind, Varchar};
/// assert_eq!(<Varchar<30> as SqlType>::KIND, SqlKind::Varchar(30));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Varchar<const N: u32>;
impl<const N: u32> SqlType for Varchar<N> {
    type NotNull = Self;
    const KIND: SqlKind = SqlKind::Varchar(N);
}
impl<const N: u32> SingleValue for Varchar<N> {}
impl<const N: u32> IntoNullable for Varchar<N> {
    type Nullable = Nullable<Self>;
}

/// `NUMERIC`: an exact decimal number; `Numeric<P, S>` is
/// `NUMERIC(P, S)`, at most `P` digits of which `S` after the point.
///
/// `Numeric` (that is `Numeric<0, 0>`) has no declared precision. Every
/// `Numeric<P, S>` mixes with `Numeric` and with the other numeric types
/// in expressions (see [`Promote`]); only DDL differs:
///
/// | | SQLite | PostgreSQL | MySQL |
/// |---|---|---|---|
/// | `Numeric` | `TEXT` | `NUMERIC` | `DECIMAL(65, 30)` |
/// | `Numeric<10, 2>` | `TEXT(10, 2)` | `NUMERIC(10, 2)` | `DECIMAL(10, 2)` |
///
/// PostgreSQL and MySQL round a value stored in a `NUMERIC(P, S)` column
/// to `S` decimals and refuse one with too many digits; SQLite keeps the
/// text as given (the numbers in its type name only document it). PostgreSQL stores a `numeric`
/// of any precision, keeping each value's scale (`1.10` stays
/// `1.10`); MySQL a `DECIMAL(65, 30)` (35 digits before the point, 30
/// after; every value then has 30 decimals); SQLite the decimal text as
/// given, since a `REAL` would lose digits.
///
/// On SQLite, where there is no decimal type:
/// - A bound decimal compared or computed with is cast to a number,
///   `CAST(? AS NUMERIC)` (one stored by INSERT or SET is bound as
///   written), and so is the left side of an `IN` list: `price >
///   "10.5"`, `price = "1.1"` (true for `1.10`), `price IN (..)`,
///   `sum(price) > "100"` compare numbers, for the library's text
///   columns and for columns of NUMERIC affinity (`price NUMERIC`, as
///   other tools create them) alike. The numbers are floats: digits
///   past the 15th do not count.
/// - `cast::<Numeric, _>(x)` is `CAST(x AS NUMERIC)`, a number.
/// - `ORDER BY`, `MIN`/`MAX` and a comparison of two columns see the
///   text of the library's columns: sort or compare
///   `cast::<Numeric, _>(price)` to have numbers.
/// - `SUM`, arithmetic and NUMERIC-affinity columns give INTEGER and
///   REAL cells, which load into a `String` as their digits (an
///   integer) or as the shortest decimal that reads back as the same
///   float, without an exponent (`120.6`, `0.30000000000000004`,
///   `0.0000001`): no trailing zeros, so compare such texts as numbers.
///
/// Loads into a `String` (the digits) and, with the `rust_decimal`
/// feature, into `rust_decimal::Decimal` (a float as the decimal that
/// same text spells).
///
///
/// ```
/// use sqlalgebra::types::{Numeric, SqlKind, SqlType};
/// assert_eq!(<Numeric>::KIND, SqlKind::Numeric);
/// assert_eq!(<Numeric<10, 2>>::KIND, SqlKind::Decimal(10, 2));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Numeric<const P: u32 = 0, const S: u32 = 0>;
impl<const P: u32, const S: u32> SqlType for Numeric<P, S> {
    type NotNull = Self;
    const KIND: SqlKind = {
        assert!(
            S <= P,
            "Numeric<P, S> needs a scale S of at most the precision P"
        );
        if P == 0 {
            SqlKind::Numeric
        } else {
            SqlKind::Decimal(P, S)
        }
    };
}
impl<const P: u32, const S: u32> SingleValue for Numeric<P, S> {}
impl<const P: u32, const S: u32> IntoNullable for Numeric<P, S> {
    type Nullable = Nullable<Self>;
}

/// A SQL type that also admits NULL; loads into `Option<T>`.
///
/// ```
/// use sqlalgebra::types::{SqlType, Nullable, Text};
/// assert!(<Nullable<Text> as SqlType>::NULLABLE);
/// ```
pub struct Nullable<T>(PhantomData<T>);

impl<T: SqlType<NotNull = T>> SqlType for Nullable<T> {
    type NotNull = T;
    const KIND: SqlKind = T::KIND;
    const NULLABLE: bool = true;
}
impl<T: SqlType<NotNull = T>> SingleValue for Nullable<T> {}

/// SQL types that can be assigned from or bound as `ST`, and stand
/// beside it as CASE branches, COALESCE arguments or UNION columns: the
/// same type, or the same type with or without `Nullable`; all text types
/// (`Text`, `Varchar<N>` of any `N`) are one type here, and so are
/// `Numeric` and every `Numeric<P, S>`.
///
/// Comparisons and arithmetic accept more: see [`Comparable`].
///
/// ```
/// use sqlalgebra::types::*;
/// fn compatible<A: Compatible<B>, B>() {}
/// compatible::<Varchar<20>, Nullable<Varchar<50>>>();
/// compatible::<Numeric<10, 2>, Numeric>();
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot use a SQL `{Self}` where a `{ST}` is expected",
    label = "expected an expression of SQL type `{ST}`, found `{Self}`",
    note = "assignments, CASE branches and COALESCE need one SQL type; convert with `cast::<T, _>(expr)`"
)]
pub trait Compatible<ST> {}

#[diagnostic::do_not_recommend]
impl<A: Mixes, B: Mixes> Compatible<B> for A where A::Same: SameAs<B::Same> {}

/// SQL types that compare with `ST` (`=`, `<`, `IN`, `BETWEEN`, ...) and
/// take part in arithmetic with it, as SQL does: every numeric type with
/// every other (`SmallInt`, `Integer`, `BigInt`, `Real`, `Double`,
/// `Numeric`, `Numeric<P, S>`; the result type of arithmetic is
/// [`Promote`]'s), every text type with every other, and otherwise what is
/// [`Compatible`]. `Nullable` does not matter.
///
/// ```
/// use sqlalgebra::types::*;
/// fn comparable<A: Comparable<B>, B>() {}
/// comparable::<Integer, Numeric<10, 2>>();
/// comparable::<Nullable<SmallInt>, Double>();
/// comparable::<Varchar<20>, Varchar<50>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot compare a SQL `{Self}` with a `{ST}`",
    label = "expected an expression comparable with SQL type `{ST}`, found `{Self}`"
)]
pub trait Comparable<ST> {}

#[diagnostic::do_not_recommend]
impl<A: Mixes, B: Mixes> Comparable<B> for A where A::Family: SameAs<B::Family> {}

/// How a SQL type mixes with others: what it counts as for
/// [`Compatible`] (`Same`) and for [`Comparable`] (`Family`). `Nullable<T>`
/// mixes as `T` does.
///
/// | type | `Same` | `Family` |
/// |---|---|---|
/// | `Text`, `Varchar<N>` | `Text` | `Text` |
/// | `SmallInt`, `Integer`, `BigInt`, `Real`, `Double` | itself | [`Numbers`] |
/// | `Numeric`, `Numeric<P, S>` | `Numeric` | [`Numbers`] |
/// | any other | itself | itself |
///
/// Every [`SqlType`] has it; a SQL type of your own implements it with
/// itself for both.
///
/// ```
/// use sqlalgebra::types::*;
/// fn same<T>(_: Option<T>, _: Option<T>) {}
/// same(None::<<Nullable<Varchar<9>> as Mixes>::Same>, None::<Text>);
/// same(None::<<Numeric<10, 2> as Mixes>::Family>, None::<Numbers>);
/// ```
pub trait Mixes {
    /// What it is the same type as, for [`Compatible`].
    type Same;
    /// Its family, for [`Comparable`].
    type Family;
}

/// The family of the numeric SQL types, for [`Mixes`]: they compare and
/// compute with each other.
///
/// ```
/// use sqlalgebra::types::{Mixes, Numbers, BigInt};
/// fn numbers<T: Mixes<Family = Numbers>>() {}
/// numbers::<BigInt>();
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Numbers;

/// Type equality as a trait, so that a mismatch reads as the outer
/// trait's message ([`Compatible`], [`Comparable`]) rather than as a
/// "type mismatch resolving" error.
///
/// ```
/// use sqlalgebra::types::{SameAs, Text};
/// fn same<A: SameAs<B>, B>() {}
/// same::<Text, Text>();
/// ```
pub trait SameAs<T> {}
impl<T> SameAs<T> for T {}

macro_rules! mixes_as_itself {
    ($($t:ty => $family:ty),*) => {$(
        impl Mixes for $t {
            type Same = $t;
            type Family = $family;
        }
    )*};
}
mixes_as_itself!(
    SmallInt => Numbers,
    Integer => Numbers,
    BigInt => Numbers,
    Real => Numbers,
    Double => Numbers,
    Text => Text,
    Bool => Bool,
    Blob => Blob,
    Date => Date,
    Time => Time,
    Timestamp => Timestamp,
    TimestampTz => TimestampTz,
    Uuid => Uuid,
    Json => Json,
    Jsonb => Jsonb,
    // Of run-time type: arithmetic and aggregates take it (checked when
    // the query runs).
    Any => Numbers
);
impl<const N: u32> Mixes for Varchar<N> {
    type Same = Text;
    type Family = Text;
}
impl<const P: u32, const S: u32> Mixes for Numeric<P, S> {
    type Same = Numeric;
    type Family = Numbers;
}
impl<T: SqlType<NotNull = T>> Mixes for Nullable<T> {
    type Same = T::Same;
    type Family = T::Family;
}

/// The SQL type of arithmetic between a `Self` and an `R`, by SQL's
/// promotion rules: integer widths widen (`SmallInt` < `Integer` <
/// `BigInt`); an integer with `Numeric` gives `Numeric`; anything with
/// `Double` gives `Double` (as does `Real` with anything but `Real`); a
/// `Numeric<P, S>` computes as `Numeric`. The result is `Nullable` when
/// either operand is.
///
/// ```
/// use sqlalgebra::types::*;
/// fn same<T>(_: Option<T>, _: Option<T>) {}
/// same(None::<<Integer as Promote<Numeric<10, 2>>>::Output>, None::<Numeric>);
/// same(None::<<BigInt as Promote<Nullable<Double>>>::Output>, None::<Nullable<Double>>);
/// same(None::<<SmallInt as Promote<Integer>>::Output>, None::<Integer>);
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot do arithmetic between SQL `{Self}` and `{R}`",
    label = "`+ - * /` need numeric expressions on both sides"
)]
pub trait Promote<R> {
    /// The type of the result.
    type Output: SqlType;
}

/// [`Promote`] on the [`Mixes::Same`] forms of two NOT NULL numeric types.
///
/// ```
/// use sqlalgebra::types::*;
/// fn same<T>(_: Option<T>, _: Option<T>) {}
/// same(None::<<Integer as Widen<BigInt>>::Output>, None::<BigInt>);
/// ```
pub trait Widen<R> {
    /// The wider of the two.
    type Output: SqlType;
}

macro_rules! widen {
    ($($a:ty, $b:ty => $out:ty;)*) => {$(
        impl Widen<$b> for $a {
            type Output = $out;
        }
    )*};
}
// Every ordered pair of SmallInt, Integer, BigInt, Real, Double, Numeric.
widen! {
    SmallInt, SmallInt => SmallInt;
    SmallInt, Integer => Integer;
    SmallInt, BigInt => BigInt;
    SmallInt, Real => Real;
    SmallInt, Double => Double;
    SmallInt, Numeric => Numeric;
    Integer, SmallInt => Integer;
    Integer, Integer => Integer;
    Integer, BigInt => BigInt;
    Integer, Real => Double;
    Integer, Double => Double;
    Integer, Numeric => Numeric;
    BigInt, SmallInt => BigInt;
    BigInt, Integer => BigInt;
    BigInt, BigInt => BigInt;
    BigInt, Real => Double;
    BigInt, Double => Double;
    BigInt, Numeric => Numeric;
    Real, SmallInt => Real;
    Real, Integer => Double;
    Real, BigInt => Double;
    Real, Real => Real;
    Real, Double => Double;
    Real, Numeric => Double;
    Double, SmallInt => Double;
    Double, Integer => Double;
    Double, BigInt => Double;
    Double, Real => Double;
    Double, Double => Double;
    Double, Numeric => Double;
    Numeric, SmallInt => Numeric;
    Numeric, Integer => Numeric;
    Numeric, BigInt => Numeric;
    Numeric, Real => Double;
    Numeric, Double => Double;
    Numeric, Numeric => Numeric;
    Any, Any => Any;
}

// Arithmetic on a text, a date, ... is refused where it is written (by
// `NumericOperand`); the node is then typed `Any`, so that the refusal is
// the only error, not also the query built around it.
macro_rules! widen_to_any {
    ($($t:ty),*) => {$(
        impl<R> Widen<R> for $t {
            type Output = Any;
        }
    )*};
}
widen_to_any!(
    Text,
    Bool,
    Blob,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    Uuid,
    Json,
    Jsonb
);

#[diagnostic::do_not_recommend]
impl<A, B> Promote<B> for A
where
    A: Mixes + PropagateNull<<B as PropagateNull<<A::Same as Widen<B::Same>>::Output>>::Output>,
    B: Mixes + PropagateNull<<A::Same as Widen<B::Same>>::Output>,
    A::Same: Widen<B::Same>,
{
    type Output = <A as PropagateNull<
        <B as PropagateNull<<A::Same as Widen<B::Same>>::Output>>::Output,
    >>::Output;
}

macro_rules! tuple_compatible {
    ($($T:ident $S:ident),+) => {
        #[diagnostic::do_not_recommend]
        impl<$($T: Compatible<$S>, $S),+> Compatible<($($S,)+)> for ($($T,)+) {}
    };
}
crate::macros::for_tuples!(tuple_compatible);

/// Boolean SQL types: what `filter`, `having`, `and`, `or` and `not` accept.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::types::BoolLike;
/// # use sqlalgebra::orm::doc_models::*;
/// fn predicate<E: Expression>(_: &E) where E::SqlType: BoolLike {}
/// predicate(&users::Name.eq("ann"));             // Bool
/// predicate(&profiles::Bio.eq("hi"));            // Nullable<Bool>: NULL when bio is
/// // predicate(&users::Name); // does not compile: `Text` is not a predicate
/// ```
#[diagnostic::on_unimplemented(
    message = "expected a boolean SQL expression, found one of type `{Self}`",
    label = "this is not a predicate",
    note = "compare it first, e.g. `column.eq(value)` or `column.is_not_null()`"
)]
pub trait BoolLike: SqlType {}
#[diagnostic::do_not_recommend]
impl BoolLike for Bool {}
#[diagnostic::do_not_recommend]
impl BoolLike for Nullable<Bool> {}

/// Textual SQL types: what `like`, `starts_with` and `concat` accept.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::types::TextLike;
/// # use sqlalgebra::orm::doc_models::*;
/// fn text<E: Expression>(_: &E) where E::SqlType: TextLike {}
/// text(&users::Name);   // Text
/// text(&profiles::Bio); // Nullable<Text>
/// let q = select(users::Id).filter(users::Name.like("a%"));
/// assert!(q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql.ends_with(r#""users"."name" LIKE ?"#));
/// ```
#[diagnostic::on_unimplemented(
    message = "expected a text SQL expression, found one of type `{Self}`",
    label = "LIKE, `starts_with`, `contains` and `concat` need a `Text` or `Varchar` expression"
)]
pub trait TextLike: SqlType {}
#[diagnostic::do_not_recommend]
impl TextLike for Text {}
#[diagnostic::do_not_recommend]
impl<const N: u32> TextLike for Varchar<N> {}
#[diagnostic::do_not_recommend]
impl<T: TextLike + SqlType<NotNull = T>> TextLike for Nullable<T> {}

/// Date SQL types that have a year, a month and a day: what
/// [`extract_year`](crate::expr::extract_year) and friends accept.
///
/// ```
/// use sqlalgebra::types::{DateLike, Date, Nullable, Timestamp};
/// fn date_like<T: DateLike>() {}
/// date_like::<Date>();
/// date_like::<Nullable<Timestamp>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a date type",
    label = "date parts need a `Date` or `Timestamp` expression",
    note = "cast a text column first: `cast::<Date, _>(column)`"
)]
pub trait DateLike: SqlType {}
#[diagnostic::do_not_recommend]
impl DateLike for Date {}
#[diagnostic::do_not_recommend]
impl DateLike for Timestamp {}
#[diagnostic::do_not_recommend]
impl<T: DateLike + SqlType<NotNull = T>> DateLike for Nullable<T> {}

/// Numeric SQL types: what arithmetic, `sum` and `avg` accept.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::types::NumericLike;
/// # use sqlalgebra::orm::doc_models::*;
/// # fn main() -> sqlalgebra::Result<()> {
/// fn same<T>(_: Option<T>, _: Option<T>) {}
/// same(None::<<Integer as NumericLike>::Sum>, None::<BigInt>); // SUM of INTEGER is a BIGINT
/// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
/// let mut conn = engine.connect()?;
/// create_all::<AllTables>(&mut conn)?;
/// // SUM over no rows is NULL: `sum` is `Nullable<BigInt>`, loaded as an `Option`.
/// let total: Option<i64> = select(sum(users::Id)).get(&mut conn)?;
/// assert_eq!(total, None);
/// # Ok(()) }
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot do arithmetic on SQL type `{Self}`",
    label = "`sum`, `avg` and `+ - * /` need a numeric expression",
    note = "numeric SQL types are SmallInt, Integer, BigInt, Real, Double and Numeric"
)]
pub trait NumericLike: SqlType + Mixes<Family = Numbers> {
    /// The type of `SUM` over this type, before it is made nullable.
    type Sum: SqlType<NotNull = Self::Sum>;
}
#[diagnostic::do_not_recommend]
impl NumericLike for SmallInt {
    type Sum = BigInt;
}
#[diagnostic::do_not_recommend]
impl NumericLike for Integer {
    type Sum = BigInt;
}
#[diagnostic::do_not_recommend]
impl NumericLike for BigInt {
    type Sum = BigInt;
}
#[diagnostic::do_not_recommend]
impl NumericLike for Real {
    type Sum = Double;
}
#[diagnostic::do_not_recommend]
impl NumericLike for Double {
    type Sum = Double;
}
#[diagnostic::do_not_recommend]
impl<const P: u32, const S: u32> NumericLike for Numeric<P, S> {
    type Sum = Numeric;
}
#[diagnostic::do_not_recommend]
impl<T: NumericLike + SqlType<NotNull = T>> NumericLike for Nullable<T> {
    type Sum = T::Sum;
}

/// The SQL types of `SUM` and `AVG` over a `T`, by `T`'s
/// [`Mixes::Family`]: for numbers (`Numbers`), `T`'s
/// [`NumericLike::Sum`] and `Double`, made nullable; for every other family,
/// `Any`, so that `sum(text_column)`, refused by `sum` itself, is not
/// reported again by the query built around it.
///
/// ```
/// use sqlalgebra::types::*;
/// fn same<T>(_: Option<T>, _: Option<T>) {}
/// same(None::<<Numbers as Summed<Integer>>::Output>, None::<Nullable<BigInt>>);
/// same(None::<<Numbers as Summed<Real>>::Average>, None::<Nullable<Double>>);
/// same(None::<<Text as Summed<Text>>::Output>, None::<Any>);
/// ```
pub trait Summed<T> {
    /// The type of `SUM`.
    type Output: SqlType;
    /// The type of `AVG`.
    type Average: SqlType;
}
impl<T: NumericLike> Summed<T> for Numbers {
    type Output = Nullable<T::Sum>;
    type Average = Nullable<Double>;
}
macro_rules! summed_as_any {
    ($($family:ty),*) => {$(
        impl<T> Summed<T> for $family {
            type Output = Any;
            type Average = Any;
        }
    )*};
}
summed_as_any!(
    Text,
    Bool,
    Blob,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    Uuid,
    Json,
    Jsonb
);

/// Makes a SQL type nullable (idempotent): `Nullable<BigInt>` stays as it is.
///
/// ```
/// use sqlalgebra::types::{IntoNullable, Nullable, BigInt};
/// let _: Option<<Nullable<BigInt> as IntoNullable>::Nullable> = None::<Nullable<BigInt>>;
/// ```
pub trait IntoNullable: SqlType {
    /// The nullable form.
    type Nullable: SqlType;
}
impl<T: SqlType<NotNull = T>> IntoNullable for Nullable<T> {
    type Nullable = Nullable<T>;
}

/// The SQL type `Target` computed from an operand of type `Self`: `Target`
/// itself when `Self` is NOT NULL, and `Target` made nullable when `Self`
/// admits NULL (SQL functions return NULL for a NULL argument).
///
/// It is how functions keep their result types honest: `length` of a
/// `Text` is an `Integer`, `length` of a `Nullable<Text>` a
/// `Nullable<Integer>`.
///
/// ```
/// use sqlalgebra::types::{PropagateNull, Integer, Nullable, Text};
/// fn same<T>(_: Option<T>, _: Option<T>) {}
/// same(None::<<Text as PropagateNull<Integer>>::Output>, None::<Integer>);
/// same(None::<<Nullable<Text> as PropagateNull<Integer>>::Output>, None::<Nullable<Integer>>);
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot tell whether a SQL `{Self}` is nullable",
    note = "the SQL types are the markers in `sqlalgebra::types`"
)]
pub trait PropagateNull<Target: SqlType> {
    /// `Target`, nullable if `Self` is.
    type Output: SqlType;
}

macro_rules! propagate_not_null {
    ($($t:ty),*) => {$(
        impl<Target: SqlType> PropagateNull<Target> for $t {
            type Output = Target;
        }
    )*};
}
propagate_not_null!(
    SmallInt,
    Integer,
    BigInt,
    Real,
    Double,
    Text,
    Bool,
    Blob,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    Uuid,
    Json,
    Jsonb
);

impl<const N: u32, Target: SqlType> PropagateNull<Target> for Varchar<N> {
    type Output = Target;
}

impl<const P: u32, const S: u32, Target: SqlType> PropagateNull<Target> for Numeric<P, S> {
    type Output = Target;
}

/// A value of run-time type may always be NULL.
impl<Target: IntoNullable> PropagateNull<Target> for Any {
    type Output = Target::Nullable;
}

impl<T: SqlType<NotNull = T>, Target: IntoNullable> PropagateNull<Target> for Nullable<T> {
    type Output = Target::Nullable;
}

/// The SQL type of a column known only at run time (a reflected column):
/// it compares with, binds and loads any value, checked when the query
/// runs instead of when it compiles.
///
/// ```
/// use sqlalgebra::types::{Any, SqlType};
/// assert!(<Any as SqlType>::NULLABLE);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Any;

impl SqlType for Any {
    type NotNull = Any;
    /// Never used for DDL: reflected tables exist already.
    const KIND: SqlKind = SqlKind::Text;
    const NULLABLE: bool = true;
}
#[diagnostic::do_not_recommend]
impl SingleValue for Any {}
#[diagnostic::do_not_recommend]
impl IntoNullable for Any {
    type Nullable = Any;
}
#[diagnostic::do_not_recommend]
impl BoolLike for Any {}
#[diagnostic::do_not_recommend]
impl TextLike for Any {}
#[diagnostic::do_not_recommend]
impl NumericLike for Any {
    type Sum = Any;
}
