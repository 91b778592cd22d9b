//! `chrono` dates and times (feature `chrono`).
//!
//! | Rust | SQL type |
//! |---|---|
//! | `NaiveDate` | [`Date`] |
//! | `NaiveTime` | [`Time`] |
//! | `NaiveDateTime` | [`Timestamp`] |
//! | `DateTime<Utc>` (loads); any `DateTime<Tz>` (binds, as its instant) | [`TimestampTz`] |
//!
//! Values bind as [`ValueRef::Date`], [`ValueRef::Time`],
//! [`ValueRef::Timestamp`] and [`ValueRef::TimestampTz`]: PostgreSQL
//! receives them in its binary format, SQLite and MySQL as ISO text
//! (`2024-02-29 23:59:59.999999`; a `TimestampTz` as its UTC date and
//! time, since MySQL's `DATETIME` and SQLite's text have no offset). They
//! load from the text every backend returns for these types (PostgreSQL's
//! `BC` years and `+00` offsets included).
//!
//! Lossy corners:
//! - chrono keeps nanoseconds, the databases microseconds: the digits past
//!   the microsecond are dropped when binding (truncated, not rounded), and
//!   a leap second (`23:59:60`) binds as `23:59:59.999999`.
//! - A `DateTime` in another time zone loads back in UTC (the same instant).
//! - PostgreSQL's `infinity` and `-infinity`, and MySQL's times outside a
//!   day (`-01:00:00`, `838:59:59`), do not load: they are errors.
//! - Years outside 1000..=9999 do not fit MySQL's `DATE`/`DATETIME` (an
//!   error from the server); SQLite stores them (`-0001-01-01`,
//!   `+10000-01-01`) but text order is then not date order.
//!
//! ```
//! use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
//! use sqlalgebra::prelude::*;
//! use sqlalgebra_sqlite::Sqlite;
//!
//! #[derive(Clone, Copy, Debug, Default)]
//! struct Events;
//! impl Table for Events {
//!     const NAME: &'static str = "events";
//!     type Columns = (Day, At);
//!     type PrimaryKey = Day;
//! }
//! #[derive(Clone, Copy, Debug, Default)] struct Day;
//! #[derive(Clone, Copy, Debug, Default)] struct At;
//! impl Column for Day { type Table = Events; type SqlType = Date; const NAME: &'static str = "day"; }
//! impl Column for At { type Table = Events; type SqlType = Nullable<TimestampTz>; const NAME: &'static str = "at"; }
//!
//! fn main() -> sqlalgebra::Result<()> {
//!     let engine = Sqlite::memory()?;
//!     let mut conn = engine.connect()?;
//!     create_all::<Events>(&mut conn)?;
//!
//!     let leap = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
//!     let at: DateTime<Utc> = "2024-02-29T23:30:00-05:00".parse().unwrap();
//!     insert_into(Events).values((Day.set(leap), At.set(Some(at)))).execute(&mut conn)?;
//!
//!     let march = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
//!     let rows: Vec<(NaiveDate, Option<DateTime<Utc>>)> = select((Day, At))
//!         .filter(Day.between(leap, march))
//!         .load(&mut conn)?;
//!     // Stored in UTC: 04:30 the next day.
//!     assert_eq!(rows, [(leap, Some(at))]);
//!     assert_eq!(rows[0].1.unwrap().to_rfc3339(), "2024-03-01T04:30:00+00:00");
//!     Ok(())
//! }
//! ```

use ::chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};

use crate::expr::{Bind, IntoExpr, TakesValue};
use crate::types::{Date, Nullable, SqlType, Time, Timestamp, TimestampTz};
use crate::value::{DecodeError, Encode, FromSqlValue, ValueRef};

const MICROS_PER_DAY: i64 = 86_400_000_000;
/// `NaiveDate::num_days_from_ce` of 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

fn days_since_epoch(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE
}

fn micros_of_day(t: NaiveTime) -> i64 {
    // A leap second (nanoseconds past 10^9) stays within its second.
    let nanos = t.nanosecond().min(999_999_999);
    i64::from(t.num_seconds_from_midnight()) * 1_000_000 + i64::from(nanos / 1000)
}

fn micros_since_epoch(dt: NaiveDateTime) -> i64 {
    // chrono's years (±262 143) keep this within an i64.
    i64::from(days_since_epoch(dt.date())) * MICROS_PER_DAY + micros_of_day(dt.time())
}

fn date_from_days(days: i64) -> Option<NaiveDate> {
    let days = i32::try_from(days).ok()?;
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(UNIX_EPOCH_DAYS_FROM_CE)?)
}

fn time_from_micros(micros: i64) -> Option<NaiveTime> {
    if !(0..MICROS_PER_DAY).contains(&micros) {
        return None;
    }
    let secs = u32::try_from(micros / 1_000_000).ok()?;
    let nanos = u32::try_from(micros % 1_000_000).ok()? * 1000;
    NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos)
}

fn datetime_from_micros(micros: i64) -> Option<NaiveDateTime> {
    let date = date_from_days(micros.div_euclid(MICROS_PER_DAY))?;
    let time = time_from_micros(micros.rem_euclid(MICROS_PER_DAY))?;
    Some(date.and_time(time))
}

impl Encode for NaiveDate {
    fn encode(&self) -> ValueRef<'_> {
        ValueRef::Date(days_since_epoch(*self))
    }
}

impl Encode for NaiveTime {
    fn encode(&self) -> ValueRef<'_> {
        ValueRef::Time(micros_of_day(*self))
    }
}

impl Encode for NaiveDateTime {
    fn encode(&self) -> ValueRef<'_> {
        ValueRef::Timestamp(micros_since_epoch(*self))
    }
}

impl<Tz: TimeZone> Encode for DateTime<Tz> {
    fn encode(&self) -> ValueRef<'_> {
        ValueRef::TimestampTz(micros_since_epoch(self.naive_utc()))
    }
}

/// Reads ISO dates and times as the backends write them, without
/// allocating.
struct Cursor<'s> {
    s: &'s [u8],
    at: usize,
}

impl<'s> Cursor<'s> {
    fn new(s: &'s str) -> Self {
        Cursor {
            s: s.as_bytes(),
            at: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.at += 1;
        }
        hit
    }

    fn done(&self) -> bool {
        self.at == self.s.len()
    }

    /// Between `min` and `max` decimal digits, as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.at;
        let mut n: u32 = 0;
        while self.at - start < max
            && let Some(d @ b'0'..=b'9') = self.peek()
        {
            n = n * 10 + u32::from(d - b'0');
            self.at += 1;
        }
        (self.at - start >= min).then_some(n)
    }

    /// `[+-]YYYY-MM-DD`: year, month, day.
    fn date(&mut self) -> Option<NaiveDate> {
        let negative = self.eat(b'-');
        if !negative {
            self.eat(b'+');
        }
        let year = i32::try_from(self.digits(4, 6)?).ok()?;
        let year = if negative { -year } else { year };
        if !self.eat(b'-') {
            return None;
        }
        let month = self.digits(2, 2)?;
        if !self.eat(b'-') {
            return None;
        }
        let day = self.digits(2, 2)?;
        NaiveDate::from_ymd_opt(year, month, day)
    }

    /// `HH:MM:SS[.fffffffff]`.
    fn time(&mut self) -> Option<NaiveTime> {
        let hour = self.digits(2, 2)?;
        if !self.eat(b':') {
            return None;
        }
        let minute = self.digits(2, 2)?;
        if !self.eat(b':') {
            return None;
        }
        let second = self.digits(2, 2)?;
        let mut nanos = 0;
        if self.eat(b'.') {
            let start = self.at;
            let fraction = self.digits(1, 9)?;
            let len = self.at - start;
            nanos = fraction * 10u32.pow(9 - len as u32);
        }
        NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
    }

    /// A date, `T` or a space, and a time.
    fn datetime(&mut self) -> Option<NaiveDateTime> {
        let date = self.date()?;
        if !(self.eat(b' ') || self.eat(b'T')) {
            return None;
        }
        Some(date.and_time(self.time()?))
    }

    /// `Z`, or `+HH`, `+HH:MM`, `+HH:MM:SS` (colons optional), as seconds
    /// east of UTC; 0 when there is none.
    fn offset(&mut self) -> Option<i32> {
        if self.eat(b'Z') || self.eat(b'z') || self.done() {
            return Some(0);
        }
        let sign = match self.peek()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        self.at += 1;
        let mut secs = i32::try_from(self.digits(2, 2)?).ok()? * 3600;
        for unit in [60, 1] {
            self.eat(b':');
            match self.digits(2, 2) {
                Some(n) => secs += i32::try_from(n).ok()? * unit,
                None => break,
            }
        }
        Some(sign * secs)
    }
}

/// `text` without PostgreSQL's ` BC` suffix, and whether it had one.
fn strip_bc(text: &str) -> (&str, bool) {
    match text.strip_suffix(" BC") {
        Some(rest) => (rest, true),
        None => (text, false),
    }
}

/// Year `y` BC is the proleptic year `1 - y`.
fn to_bc(date: NaiveDate) -> Option<NaiveDate> {
    date.with_year(1 - date.year())
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    let (text, bc) = strip_bc(text);
    let mut c = Cursor::new(text);
    let date = c.date()?;
    if !c.done() {
        return None;
    }
    if bc { to_bc(date) } else { Some(date) }
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    let mut c = Cursor::new(text);
    let time = c.time()?;
    c.done().then_some(time)
}

fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let (text, bc) = strip_bc(text);
    let mut c = Cursor::new(text);
    let dt = c.datetime()?;
    if !c.done() {
        return None;
    }
    if bc {
        Some(to_bc(dt.date())?.and_time(dt.time()))
    } else {
        Some(dt)
    }
}

/// A date and time with an optional offset (none means UTC), as UTC.
fn parse_utc(text: &str) -> Option<DateTime<Utc>> {
    let (text, bc) = strip_bc(text);
    let mut c = Cursor::new(text);
    let mut dt = c.datetime()?;
    let offset = c.offset()?;
    if !c.done() {
        return None;
    }
    if bc {
        dt = to_bc(dt.date())?.and_time(dt.time());
    }
    let utc = dt.checked_sub_signed(::chrono::TimeDelta::seconds(i64::from(offset)))?;
    Some(Utc.from_utc_datetime(&utc))
}

fn malformed(what: &str, v: ValueRef<'_>) -> DecodeError {
    match v {
        ValueRef::Text(s) => DecodeError::Mismatch(format!("{s:?} is not a valid {what}")),
        other => DecodeError::Mismatch(format!(
            "{} is out of range for {what}",
            other.text_form().map(|t| t.to_string()).unwrap_or_default()
        )),
    }
}

impl FromSqlValue for NaiveDate {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        let date = match v {
            ValueRef::Text(s) => parse_date(s),
            ValueRef::Date(days) => date_from_days(i64::from(days)),
            ValueRef::Null => return Err(DecodeError::Null),
            other => return Err(DecodeError::mismatch("a date", other)),
        };
        date.ok_or_else(|| malformed("chrono::NaiveDate", v))
    }
}

impl FromSqlValue for NaiveTime {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        let time = match v {
            ValueRef::Text(s) => parse_time(s),
            ValueRef::Time(micros) => time_from_micros(micros),
            ValueRef::Null => return Err(DecodeError::Null),
            other => return Err(DecodeError::mismatch("a time", other)),
        };
        time.ok_or_else(|| malformed("chrono::NaiveTime", v))
    }
}

impl FromSqlValue for NaiveDateTime {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        let dt = match v {
            ValueRef::Text(s) => parse_datetime(s),
            ValueRef::Timestamp(micros) => datetime_from_micros(micros),
            ValueRef::Null => return Err(DecodeError::Null),
            other => return Err(DecodeError::mismatch("a timestamp", other)),
        };
        dt.ok_or_else(|| malformed("chrono::NaiveDateTime", v))
    }
}

impl FromSqlValue for DateTime<Utc> {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        let dt = match v {
            ValueRef::Text(s) => parse_utc(s),
            ValueRef::TimestampTz(micros) => {
                datetime_from_micros(micros).map(|dt| Utc.from_utc_datetime(&dt))
            }
            ValueRef::Null => return Err(DecodeError::Null),
            other => return Err(DecodeError::mismatch("a timestamp with time zone", other)),
        };
        dt.ok_or_else(|| malformed("chrono::DateTime<Utc>", v))
    }
}

crate::value::decode_as! {
    NaiveDate => Date;
    NaiveTime => Time;
    NaiveDateTime => Timestamp;
    DateTime<Utc> => TimestampTz;
}

crate::expr::takes_value! {
    NaiveDate => Date;
    NaiveTime => Time;
    NaiveDateTime => Timestamp;
}

crate::expr::value_into_expr!(NaiveDate, NaiveTime, NaiveDateTime);

#[diagnostic::do_not_recommend]
impl<Tz: TimeZone> TakesValue<DateTime<Tz>> for TimestampTz {}
#[diagnostic::do_not_recommend]
impl<Tz: TimeZone> TakesValue<DateTime<Tz>> for Nullable<TimestampTz> {}

#[diagnostic::do_not_recommend]
impl<Tz: TimeZone, ST: SqlType + TakesValue<DateTime<Tz>>> IntoExpr<ST> for DateTime<Tz> {
    type Expr = Bind<DateTime<Tz>, ST>;
    #[inline]
    fn into_expr(self) -> Self::Expr {
        Bind::new(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_parse_as_every_backend_writes_them() {
        assert_eq!(parse_date("2024-02-29"), Some(ymd(2024, 2, 29)));
        assert_eq!(parse_date("0001-01-01"), Some(ymd(1, 1, 1)));
        assert_eq!(parse_date("0044-03-15 BC"), Some(ymd(-43, 3, 15)));
        assert_eq!(parse_date("+10000-01-01"), Some(ymd(10_000, 1, 1)));
        assert_eq!(parse_date("-0001-01-01"), Some(ymd(-1, 1, 1)));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("infinity"), None);
        assert_eq!(parse_date("2024-02-29x"), None);
    }

    #[test]
    fn times_parse_with_any_fraction() {
        let t = |h, m, s, n| NaiveTime::from_hms_nano_opt(h, m, s, n).unwrap();
        assert_eq!(parse_time("13:45:00"), Some(t(13, 45, 0, 0)));
        assert_eq!(parse_time("13:45:00.25"), Some(t(13, 45, 0, 250_000_000)));
        assert_eq!(
            parse_time("23:59:59.999999"),
            Some(t(23, 59, 59, 999_999_000))
        );
        assert_eq!(parse_time("24:00:00"), None);
        assert_eq!(parse_time("-01:00:00"), None);
        assert_eq!(parse_time("13:45"), None);
    }

    #[test]
    fn instants_parse_with_or_without_offset() {
        let utc = |s: &str| parse_utc(s).map(|d| d.to_rfc3339());
        assert_eq!(
            utc("2024-03-31 13:45:00.5+00").as_deref(),
            Some("2024-03-31T13:45:00.500+00:00")
        );
        assert_eq!(
            utc("2024-03-31 13:45:00").as_deref(),
            Some("2024-03-31T13:45:00+00:00")
        );
        assert_eq!(
            utc("2024-12-31T22:00:00-05:30").as_deref(),
            Some("2025-01-01T03:30:00+00:00")
        );
        assert_eq!(
            utc("1900-01-01 00:00:00+00:19:32").as_deref(),
            Some("1899-12-31T23:40:28+00:00")
        );
        assert_eq!(
            utc("0044-03-15 12:00:00+00 BC").as_deref(),
            Some("-0043-03-15T12:00:00+00:00")
        );
        assert_eq!(utc("2024-03-31 13:45:00 UTC"), None);
    }

    #[test]
    fn values_bind_as_days_and_microseconds() {
        assert_eq!(ymd(1970, 1, 1).encode(), ValueRef::Date(0));
        assert_eq!(ymd(1969, 12, 31).encode(), ValueRef::Date(-1));
        let t = NaiveTime::from_hms_nano_opt(0, 0, 1, 2_999).unwrap();
        assert_eq!(t.encode(), ValueRef::Time(1_000_002));
        let leap = NaiveTime::from_hms_nano_opt(23, 59, 59, 1_500_000_000).unwrap();
        assert_eq!(leap.encode(), ValueRef::Time(MICROS_PER_DAY - 1));
        let dt = ymd(1969, 12, 31)
            .and_hms_micro_opt(23, 59, 59, 999_999)
            .unwrap();
        assert_eq!(dt.encode(), ValueRef::Timestamp(-1));
        assert_eq!(NaiveDateTime::from_value(ValueRef::Timestamp(-1)), Ok(dt));
        assert_eq!(
            NaiveDate::from_value(ValueRef::Date(i32::MAX)).map_err(|_| ()),
            Err(())
        );
    }
}
