//! Dates: binding ISO strings as `Date` / `Time` / `Timestamp`, and the
//! parts of a date (year, month, day) rendered portably.

use super::{Expression, TakesValue};
use crate::render::{GroupCheck, NodeTag, Render, SqlKey, SqlWriter, TableSet};
use crate::types::{
    Date, DateLike, Integer, Json, Jsonb, Nullable, PropagateNull, Time, Timestamp, TimestampTz,
    Uuid,
};

// Without the optional features, dates and times bind as ISO text
// (`2024-03-31`, `13:45:00`, `2024-03-31 13:45:00`), which every backend
// parses and which sorts as the date does; UUIDs, JSON and decimals bind
// as their text too. The features (`crate::integrations`) add Rust types.
macro_rules! temporal_takes_text {
    ($($st:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl<'v> TakesValue<&'v str> for $st {}
        #[diagnostic::do_not_recommend]
        impl<'v> TakesValue<&'v str> for Nullable<$st> {}
        #[diagnostic::do_not_recommend]
        impl TakesValue<String> for $st {}
        #[diagnostic::do_not_recommend]
        impl TakesValue<String> for Nullable<$st> {}
        #[diagnostic::do_not_recommend]
        impl<'v> TakesValue<&'v String> for $st {}
        #[diagnostic::do_not_recommend]
        impl<'v> TakesValue<&'v String> for Nullable<$st> {}
    )*};
}
temporal_takes_text!(Date, Time, Timestamp, TimestampTz, Uuid, Json, Jsonb);

/// A part of a date, for [`extract`].
///
/// ```
/// use sqlalgebra::expr::DatePart;
/// assert_eq!(DatePart::Year.keyword(), "YEAR");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DatePart {
    /// The year, e.g. 2024.
    Year,
    /// The month, 1 to 12.
    Month,
    /// The day of the month, 1 to 31.
    Day,
}

impl DatePart {
    /// The part's SQL keyword, as in `EXTRACT(YEAR FROM x)`.
    ///
    /// ```
    /// assert_eq!(sqlalgebra::expr::DatePart::Day.keyword(), "DAY");
    /// ```
    pub fn keyword(self) -> &'static str {
        match self {
            DatePart::Year => "YEAR",
            DatePart::Month => "MONTH",
            DatePart::Day => "DAY",
        }
    }
}

/// A part of a date as an integer, made by [`extract`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::expr::Extract;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = D; type PrimaryKey = D; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct D;
/// # impl Column for D { type Table = T; type SqlType = Date; const NAME: &'static str = "d"; }
/// let y: Extract<D> = extract_year(D);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Extract<E> {
    part: DatePart,
    expr: E,
}

#[diagnostic::do_not_recommend]
impl<E: Render> Render for Extract<E> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.dialect().write_date_part(w, self.part, &self.expr);
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.expr.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.expr);
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static EXTRACT: NodeTag = NodeTag::new("EXTRACT");
        key.tag(&EXTRACT);
        key.word(self.part as usize);
        self.expr.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<E: Expression> Expression for Extract<E>
where
    E::SqlType: PropagateNull<Integer>,
{
    type SqlType = <E::SqlType as PropagateNull<Integer>>::Output;
}

/// A part of a `Date` or `Timestamp` as an `Integer` (nullable if the date
/// is), rendered portably:
///
/// | `extract(DatePart::Year, t.d)` | |
/// |---|---|
/// | SQLite | `CAST(strftime('%Y', "t"."d") AS INTEGER)` |
/// | PostgreSQL | `CAST(EXTRACT(YEAR FROM "t"."d") AS INTEGER)` |
/// | MySQL | ``EXTRACT(YEAR FROM `t`.`d`)`` |
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::expr::{DatePart, extract};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = D; type PrimaryKey = D; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct D;
/// # impl Column for D { type Table = T; type SqlType = Date; const NAME: &'static str = "d"; }
/// use sqlalgebra_sqlite::Sqlite;
/// let q = select(extract(DatePart::Month, D));
/// assert_eq!(q.to_sql(&Sqlite).unwrap().sql,
///     r#"SELECT CAST(strftime('%m', "t"."d") AS INTEGER) FROM "t""#);
/// ```
pub fn extract<E>(part: DatePart, date: E) -> Extract<E>
where
    E: Expression,
    E::SqlType: DateLike + PropagateNull<Integer>,
{
    Extract { part, expr: date }
}

/// The year of a `Date` or `Timestamp`, as an `Integer`:
/// [`extract`]`(DatePart::Year, date)`.
///
/// | `extract_year(t.d)` | |
/// |---|---|
/// | SQLite | `CAST(strftime('%Y', "t"."d") AS INTEGER)` |
/// | PostgreSQL | `CAST(EXTRACT(YEAR FROM "t"."d") AS INTEGER)` |
/// | MySQL | ``EXTRACT(YEAR FROM `t`.`d`)`` |
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = D; type PrimaryKey = D; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct D;
/// # impl Column for D { type Table = T; type SqlType = Date; const NAME: &'static str = "d"; }
/// use sqlalgebra_postgres::Postgres;
/// let q = select(D).filter(extract_year(D).eq(2024));
/// assert_eq!(q.to_sql(&Postgres).unwrap().sql,
///     r#"SELECT "t"."d" FROM "t" WHERE CAST(EXTRACT(YEAR FROM "t"."d") AS INTEGER) = $1"#);
/// ```
pub fn extract_year<E>(date: E) -> Extract<E>
where
    E: Expression,
    E::SqlType: DateLike + PropagateNull<Integer>,
{
    extract(DatePart::Year, date)
}

/// The month (1 to 12) of a `Date` or `Timestamp`, as an `Integer`:
/// [`extract`]`(DatePart::Month, date)`.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = D; type PrimaryKey = D; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct D;
/// # impl Column for D { type Table = T; type SqlType = Timestamp; const NAME: &'static str = "d"; }
/// use sqlalgebra_mysql::Mysql;
/// let q = select(extract_month(D));
/// assert_eq!(q.to_sql(&Mysql).unwrap().sql, "SELECT EXTRACT(MONTH FROM `t`.`d`) FROM `t`");
/// ```
pub fn extract_month<E>(date: E) -> Extract<E>
where
    E: Expression,
    E::SqlType: DateLike + PropagateNull<Integer>,
{
    extract(DatePart::Month, date)
}

/// The day of the month (1 to 31) of a `Date` or `Timestamp`, as an
/// `Integer`: [`extract`]`(DatePart::Day, date)`.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = D; type PrimaryKey = D; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct D;
/// # impl Column for D { type Table = T; type SqlType = Date; const NAME: &'static str = "d"; }
/// use sqlalgebra_sqlite::Sqlite;
/// let q = select(extract_day(D));
/// assert_eq!(q.to_sql(&Sqlite).unwrap().sql,
///     r#"SELECT CAST(strftime('%d', "t"."d") AS INTEGER) FROM "t""#);
/// ```
pub fn extract_day<E>(date: E) -> Extract<E>
where
    E: Expression,
    E::SqlType: DateLike + PropagateNull<Integer>,
{
    extract(DatePart::Day, date)
}

crate::macros::in_scope! { [E] Extract<E> { E: IE }; }

/// `CURRENT_TIMESTAMP`: the server's current date and time, as a
/// `Timestamp` (SQLAlchemy's `func.now()`), on every dialect. A value the
/// server computes: the ORM's on-update values use it
/// ([`Model::on_update`](crate::orm::Model::on_update)).
///
/// | | |
/// |---|---|
/// | SQLite, PostgreSQL, MySQL | `CURRENT_TIMESTAMP` |
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra_sqlite::Sqlite;
/// assert_eq!(select(now()).to_sql(&Sqlite)?.sql, "SELECT CURRENT_TIMESTAMP");
/// # Ok::<(), sqlalgebra::Error>(())
/// ```
pub fn now() -> Now {
    Now
}

/// `CURRENT_TIMESTAMP`; see [`now`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Now;

impl Render for Now {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sql(w.dialect().current_timestamp());
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static NOW: NodeTag = NodeTag::new("CURRENT_TIMESTAMP");
        key.tag(&NOW);
        true
    }
}

impl Expression for Now {
    type SqlType = Timestamp;
}

crate::macros::in_scope! {
    [] Now {};
}
