//! The SQLite dialect.

use sqlalgebra::expr::{DatePart, MatchKind};
use sqlalgebra::query::{LockStrength, RowLock};
use sqlalgebra::render::{Dialect, IlikeStyle, MultiTableStyle, Render, SqlWriter, precedence};
use sqlalgebra::types::SqlKind;
use sqlalgebra::value::ValueRef;
use sqlalgebra::{Error, ErrorKind, IsolationLevel};

/// SQLite: `"quoted"` identifiers, `?` placeholders, `1`/`0` booleans,
/// `lower() LIKE lower()` for ILIKE, `INTEGER PRIMARY KEY AUTOINCREMENT`,
/// `BEGIN IMMEDIATE` transactions.
///
/// It is also the backend: [`Sqlite::memory`] and [`Sqlite::open`] make
/// pooled engines.
///
/// ```
/// use sqlalgebra::render::Dialect;
/// use sqlalgebra_sqlite::Sqlite;
/// assert_eq!(Sqlite.bool_literal(true), "1");
/// assert_eq!(Sqlite.begin_transaction(), "BEGIN IMMEDIATE");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sqlite;

/// As a connection's [`Backend`](sqlalgebra::Connection::Backend): SQLite
/// has RETURNING on every write (3.35+, bundled), no `DISTINCT ON`.
impl sqlalgebra::query::Capabilities for Sqlite {}
impl sqlalgebra::query::HasUpdateReturning for Sqlite {}

impl Dialect for Sqlite {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn bool_literal(&self, value: bool) -> &'static str {
        if value { "1" } else { "0" }
    }

    fn no_limit(&self) -> Option<&'static str> {
        Some("-1")
    }

    fn ilike_style(&self) -> IlikeStyle {
        IlikeStyle::Lower
    }

    fn reflect_columns_sql(&self) -> Option<&'static str> {
        Some(
            "SELECT m.name, p.name, p.type, \
             CASE WHEN p.\"notnull\" = 0 AND p.pk = 0 THEN 1 ELSE 0 END, \
             CASE WHEN p.pk > 0 THEN 1 ELSE 0 END \
             FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
             ORDER BY m.name, p.cid",
        )
    }

    fn max_binds(&self) -> usize {
        32_766
    }

    fn supports_insert_returning(&self) -> bool {
        true
    }

    fn prefers_prepared_row_inserts(&self) -> bool {
        true
    }

    fn excluded_table(&self) -> &'static str {
        "excluded"
    }

    /// `UPDATE ... FROM` since SQLite 3.33 (the bundled library is newer);
    /// no `DELETE ... USING`.
    fn multi_table_style(&self) -> MultiTableStyle {
        MultiTableStyle::FromExists
    }

    fn write_type(&self, out: &mut String, kind: SqlKind) {
        match kind {
            SqlKind::Blob => out.push_str("BLOB"),
            // Stored as text. A column needs TEXT affinity for that: with
            // the NUMERIC affinity of a `NUMERIC` or `JSON` column, SQLite
            // would turn `1.10` into the float 1.1, and the JSON `42` into
            // an integer.
            SqlKind::TimestampTz
            | SqlKind::Uuid
            | SqlKind::Json
            | SqlKind::Jsonb
            | SqlKind::Numeric => out.push_str("TEXT"),
            // Its labels are checked by a CHECK (see `checks_enum_labels`).
            SqlKind::Enum(_) => out.push_str("TEXT"),
            // TEXT as `Numeric`; the precision only documents the column
            // (a `NUMERIC(10, 2)` would have NUMERIC affinity).
            SqlKind::Decimal(p, s) => {
                out.push_str("TEXT(");
                sqlalgebra::render::push_precision(out, p, s);
                out.push(')');
            }
            other => sqlalgebra::render::write_standard_type(out, other),
        }
    }

    /// SERIALIZABLE only, as `BEGIN IMMEDIATE`: SQLite's transactions
    /// are serializable, and this one holds the write lock from its start.
    fn begin_isolated(
        &self,
        level: IsolationLevel,
    ) -> Result<(Option<&'static str>, &'static str), Error> {
        match level {
            IsolationLevel::Serializable => Ok((None, "BEGIN IMMEDIATE")),
            other => Err(ErrorKind::Unsupported {
                dialect: self.name(),
                feature: other.feature(),
            }
            .into()),
        }
    }

    /// SERIALIZABLE (and the default, which is the same) need nothing
    /// sent; the other levels do not exist.
    fn set_session_isolation(
        &self,
        level: Option<IsolationLevel>,
    ) -> Result<Option<&'static str>, Error> {
        match level {
            None | Some(IsolationLevel::Serializable) => Ok(None),
            Some(other) => Err(ErrorKind::Unsupported {
                dialect: self.name(),
                feature: other.feature(),
            }
            .into()),
        }
    }

    /// SQLite has no row locks (a `BEGIN IMMEDIATE` transaction holds the
    /// database's write lock instead).
    fn write_row_lock(&self, w: &mut SqlWriter<'_>, lock: &RowLock) {
        w.unsupported(match lock.strength() {
            LockStrength::Update => "SELECT ... FOR UPDATE",
            LockStrength::Share => "SELECT ... FOR SHARE",
        });
    }

    fn begin_transaction(&self) -> &'static str {
        // A deferred transaction that reads and then writes cannot wait for
        // the write lock (SQLite returns SQLITE_BUSY at once, whatever the
        // busy timeout), so take it up front.
        "BEGIN IMMEDIATE"
    }

    fn write_autoincrement_key(&self, out: &mut String, _kind: SqlKind) {
        // Only an INTEGER PRIMARY KEY aliases the rowid, whatever the
        // declared width; values are 64-bit either way.
        out.push_str("INTEGER PRIMARY KEY AUTOINCREMENT");
    }

    fn numeric_bind_cast(&self) -> Option<&'static str> {
        Some("NUMERIC")
    }

    fn decimal_division_cast(&self) -> Option<&'static str> {
        Some("REAL")
    }

    fn checks_enum_labels(&self) -> bool {
        true
    }

    fn write_cast_type(&self, out: &mut String, kind: SqlKind) {
        match kind {
            // Dates are text here; `CAST(x AS DATE)` would take NUMERIC
            // affinity and turn '2024-03-31' into 2024.
            SqlKind::Date | SqlKind::Time | SqlKind::Timestamp => out.push_str("TEXT"),
            // A number (an INTEGER when the value is a whole number that
            // fits, else a REAL): `CAST('1.50' AS NUMERIC)` is 1.5, and
            // compares and multiplies as one. TEXT, the storage type,
            // would compare as text.
            SqlKind::Numeric | SqlKind::Decimal(..) => out.push_str("NUMERIC"),
            other => self.write_type(out, other),
        }
    }

    fn char_length_function(&self) -> &'static str {
        // LENGTH counts characters of a text (bytes only of a blob).
        "LENGTH"
    }

    fn write_substring<'a>(
        &self,
        w: &mut SqlWriter<'a>,
        text: &'a dyn Render,
        start: &'a dyn Render,
        len: &'a dyn Render,
    ) {
        // SUBSTRING is only an alias since 3.34; SUBSTR works everywhere.
        w.push_sql("SUBSTR(");
        text.render(w);
        w.push_sql(", ");
        start.render(w);
        w.push_sql(", ");
        len.render(w);
        w.push_sql(")");
    }

    // Bytes, not LIKE (which ignores ASCII case and stops at a NUL) nor
    // text functions (which stop at a NUL too). `SUBSTR` of an empty blob
    // is NULL, and `SUBSTR(b, -0)` all of `b`: so a NUL byte goes before
    // the text for a prefix and after text and needle for a suffix (`||`
    // makes text, cast back to a blob).
    fn write_literal_match<'a>(
        &self,
        w: &mut SqlWriter<'a>,
        kind: MatchKind,
        text: &'a dyn Render,
        needle: &'a str,
    ) {
        let needle = ValueRef::Text(needle);
        match kind {
            MatchKind::StartsWith => {
                w.push_sql("SUBSTR(CAST(X'00' || ");
                w.push_operand(text, precedence::CONCAT);
                w.push_sql(" AS BLOB), 2, LENGTH(CAST(");
                w.push_bind(needle);
                w.push_sql(" AS BLOB))) = CAST(");
                w.push_bind(needle);
                w.push_sql(" AS BLOB)");
            }
            MatchKind::EndsWith => {
                w.push_sql("SUBSTR(CAST(");
                w.push_operand(text, precedence::CONCAT);
                w.push_sql(" || X'00' AS BLOB), -1 - LENGTH(CAST(");
                w.push_bind(needle);
                w.push_sql(" AS BLOB))) = CAST(");
                w.push_bind(needle);
                w.push_sql(" || X'00' AS BLOB)");
            }
            MatchKind::Contains => {
                w.push_sql("INSTR(CAST(");
                text.render(w);
                w.push_sql(" AS BLOB), CAST(");
                w.push_bind(needle);
                w.push_sql(" AS BLOB)) > 0");
            }
        }
    }

    fn write_date_part<'a>(&self, w: &mut SqlWriter<'a>, part: DatePart, value: &'a dyn Render) {
        let format = match part {
            DatePart::Year => "%Y",
            DatePart::Month => "%m",
            DatePart::Day => "%d",
            _ => return w.unsupported("this date part"),
        };
        w.push_sql("CAST(strftime('");
        w.push_sql(format);
        w.push_sql("', ");
        value.render(w);
        w.push_sql(") AS INTEGER)");
    }
}
