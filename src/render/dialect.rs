//! The [`Dialect`] trait: everything that differs between SQL databases.

use std::fmt::Debug;

use super::{Render, SqlWriter};
use crate::expr::DatePart;
use crate::types::SqlKind;

/// How a dialect spells a case-insensitive LIKE.
///
/// ```
/// use sqlalgebra::render::IlikeStyle;
/// assert_ne!(IlikeStyle::Native, IlikeStyle::Lower);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IlikeStyle {
    /// `a ILIKE b` (PostgreSQL).
    Native,
    /// `lower(a) LIKE lower(b)` (SQLite, MySQL).
    Lower,
}

/// How a dialect concatenates strings.
///
/// ```
/// use sqlalgebra::render::ConcatStyle;
/// assert_ne!(ConcatStyle::Operator, ConcatStyle::Function);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConcatStyle {
    /// `a || b` (SQLite, PostgreSQL).
    Operator,
    /// `CONCAT(a, b)` (MySQL, where `||` means OR).
    Function,
}

/// How a dialect spells an upsert.
///
/// ```
/// use sqlalgebra::render::UpsertStyle;
/// assert_ne!(UpsertStyle::OnConflict, UpsertStyle::OnDuplicateKey);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertStyle {
    /// `ON CONFLICT (...) DO NOTHING | DO UPDATE SET ...` (SQLite, PostgreSQL).
    OnConflict,
    /// `ON DUPLICATE KEY UPDATE ...` (MySQL).
    OnDuplicateKey,
}

/// A SQL dialect: identifier quoting, placeholders, and the spelling of every
/// construct that is not the same everywhere.
///
/// Every method has a default in standard SQL (the PostgreSQL spelling,
/// mostly); a dialect overrides only what differs, so each dialect crate's
/// implementation stays small.
///
/// ```
/// use sqlalgebra::render::Dialect;
/// #[derive(Debug)]
/// struct Ansi;
/// impl Dialect for Ansi {
///     fn name(&self) -> &'static str { "ansi" }
/// }
/// let mut s = String::new();
/// Ansi.write_ident(&mut s, r#"we"ird"#);
/// assert_eq!(s, r#""we""ird""#);
/// ```
pub trait Dialect: Debug + Send + Sync + 'static {
    /// The dialect's name, for messages.
    fn name(&self) -> &'static str;

    /// The character that quotes identifiers.
    fn quote_char(&self) -> char {
        '"'
    }

    /// Writes `ident` quoted, doubling any quote character inside it.
    fn write_ident(&self, out: &mut String, ident: &str) {
        let q = self.quote_char();
        // The common case, an identifier without the quote character, is
        // written in one piece (rendering writes several per statement).
        if q.is_ascii() && !ident.as_bytes().contains(&(q as u8)) {
            out.reserve(ident.len() + 2);
            out.push(q);
            out.push_str(ident);
            out.push(q);
            return;
        }
        out.push(q);
        for part in ident.split_inclusive(q) {
            out.push_str(part);
            if part.ends_with(q) {
                out.push(q);
            }
        }
        out.push(q);
    }

    /// Writes the placeholder of the `n`-th bind value (1-based).
    fn write_placeholder(&self, out: &mut String, n: usize) {
        let _ = n;
        out.push('?');
    }

    /// Writes a string literal for DDL (DEFAULT values from the schema
    /// source; user values are always bound, never written as literals).
    fn write_string_literal(&self, out: &mut String, text: &str) {
        out.push('\'');
        for part in text.split_inclusive('\'') {
            out.push_str(part);
            if part.ends_with('\'') {
                out.push('\'');
            }
        }
        out.push('\'');
    }

    /// Whether a backslash inside a quoted string escapes the character
    /// after it (`'it\'s'`), as in MySQL without `NO_BACKSLASH_ESCAPES`;
    /// [`text()`](crate::query::text) then finds no `:name` in `'it\'s :x'`.
    /// Standard SQL strings (SQLite, PostgreSQL) keep a backslash as it is;
    /// `text()` knows PostgreSQL's escape strings (`E'it\'s'`) by their `E`.
    ///
    /// ```
    /// use sqlalgebra::render::Dialect;
    /// assert!(sqlalgebra_mysql::Mysql.backslash_escapes());
    /// assert!(!sqlalgebra_postgres::Postgres.backslash_escapes());
    /// ```
    fn backslash_escapes(&self) -> bool {
        false
    }

    /// The boolean literal.
    fn bool_literal(&self, value: bool) -> &'static str {
        if value { "TRUE" } else { "FALSE" }
    }

    /// What `LIMIT` takes to mean "no limit" when only an offset is given,
    /// or `None` when `OFFSET` may stand alone.
    fn no_limit(&self) -> Option<&'static str> {
        None
    }

    /// How ILIKE is spelled.
    fn ilike_style(&self) -> IlikeStyle {
        IlikeStyle::Native
    }

    /// How string concatenation is spelled.
    fn concat_style(&self) -> ConcatStyle {
        ConcatStyle::Operator
    }

    /// Whether one bind parameter may hold an array of values
    /// ([`ValueRef::Array`](crate::value::ValueRef::Array)): then an `IN`
    /// list of bound values renders as `= ANY($1)` (and `NOT IN` as
    /// `<> ALL($1)`) with one array parameter. PostgreSQL only.
    fn binds_arrays(&self) -> bool {
        false
    }

    /// The most bind parameters one statement may carry.
    fn max_binds(&self) -> usize {
        65_535
    }

    /// Whether INSERT / UPDATE / DELETE ... RETURNING works.
    fn supports_returning(&self) -> bool {
        true
    }

    /// Whether a multi-row `INSERT ... RETURNING` works, so that the ORM
    /// reads generated keys and server defaults back in the statement that
    /// inserts them. Off by default (the ORM then inserts rows whose key the
    /// database assigns one by one, or by [`consecutive_ids_sql`]); SQLite
    /// and PostgreSQL turn it on.
    ///
    /// [`consecutive_ids_sql`]: Dialect::consecutive_ids_sql
    fn supports_insert_returning(&self) -> bool {
        false
    }

    /// For a dialect without [`supports_insert_returning`]: a query of one
    /// row and one integer column, non-zero when the ids a multi-row INSERT
    /// assigns are consecutive from the id the connection reports as the
    /// last inserted one (MySQL: `innodb_autoinc_lock_mode` 0 or 1 and an
    /// `auto_increment_increment` of 1). `None` (the default): never
    /// assumed.
    ///
    /// [`supports_insert_returning`]: Dialect::supports_insert_returning
    fn consecutive_ids_sql(&self) -> Option<&'static str> {
        None
    }

    /// A query listing the columns of every table of the current database,
    /// for [`reflect`](crate::schema::reflect): one row per column with
    /// table name, column name, type name (all text), nullable and primary
    /// key (both integers 0/1), ordered by table and column position.
    /// `None` when the dialect cannot reflect.
    fn reflect_columns_sql(&self) -> Option<&'static str> {
        None
    }

    /// Whether `SELECT DISTINCT ON (...)` works (PostgreSQL only).
    fn supports_distinct_on(&self) -> bool {
        false
    }

    /// How an upsert is spelled.
    fn upsert_style(&self) -> UpsertStyle {
        UpsertStyle::OnConflict
    }

    /// The name of the proposed row in `ON CONFLICT DO UPDATE`.
    fn excluded_table(&self) -> &'static str {
        "EXCLUDED"
    }

    /// Writes the DDL name of a column type.
    fn write_type(&self, out: &mut String, kind: SqlKind) {
        write_standard_type(out, kind);
    }

    /// Writes the type and key clause of an autoincrementing primary key
    /// column of the given integer kind: everything after the column name.
    fn write_autoincrement_key(&self, out: &mut String, kind: SqlKind) {
        self.write_type(out, kind);
        out.push_str(" GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    }

    /// Whether an autoincrementing key must be the table's inline primary
    /// key (the table-level PRIMARY KEY clause is then omitted).
    fn autoincrement_is_inline_key(&self) -> bool {
        true
    }

    /// The statement that opens a transaction (savepoints nest inside it).
    ///
    /// SQLite answers `BEGIN IMMEDIATE`: a transaction there takes the write
    /// lock when it starts, waiting for other writers, instead of failing
    /// with "database is locked" when it first writes after reading.
    fn begin_transaction(&self) -> &'static str {
        "BEGIN"
    }

    /// The SQL for the current timestamp, used by `DEFAULT now()`.
    fn current_timestamp(&self) -> &'static str {
        "CURRENT_TIMESTAMP"
    }

    /// Whether `CREATE TABLE IF NOT EXISTS` / `DROP TABLE IF EXISTS` work.
    fn supports_if_exists(&self) -> bool {
        true
    }

    /// Whether a TEXT or BLOB column can carry a UNIQUE constraint or an
    /// index without a prefix length (MySQL refuses).
    fn can_index_unbounded_text(&self) -> bool {
        true
    }

    /// Writes the type of a TEXT or BLOB column that is a key (primary
    /// key, unique, indexed, referenced) where the dialect cannot index
    /// unbounded ones ([`can_index_unbounded_text`](Dialect::can_index_unbounded_text)):
    /// `VARBINARY(255)` for bytes, so that they stay bytes (compared as
    /// bytes, any byte allowed), and a `VARCHAR(255)` for text.
    ///
    /// ```
    /// use sqlalgebra::render::Dialect;
    /// use sqlalgebra::types::SqlKind;
    /// let mut out = String::new();
    /// sqlalgebra_mysql::Mysql.write_bounded_key_type(&mut out, SqlKind::Blob);
    /// assert_eq!(out, "VARBINARY(255)");
    /// ```
    fn write_bounded_key_type(&self, out: &mut String, kind: SqlKind) {
        match kind {
            SqlKind::Blob => out.push_str("VARBINARY(255)"),
            _ => self.write_type(out, SqlKind::Varchar(255)),
        }
    }

    /// Whether a DEFAULT on a TEXT or BLOB column must be an expression in
    /// parentheses, `DEFAULT ('x')`: MySQL 8 refuses a literal there.
    fn parenthesize_unbounded_defaults(&self) -> bool {
        false
    }

    /// Whether `CREATE INDEX IF NOT EXISTS` works; when it does not (MySQL),
    /// indexes are declared inside `CREATE TABLE` instead.
    fn supports_index_if_not_exists(&self) -> bool {
        true
    }

    /// Writes the name of a type as the target of `CAST(x AS ...)`.
    ///
    /// Defaults to the DDL name ([`write_type`](Dialect::write_type)).
    /// MySQL accepts only a few cast targets (`SIGNED`, `CHAR`, `DOUBLE`,
    /// `BINARY`, ...); SQLite casts dates to `TEXT`, since a `DATE` cast
    /// there would turn `'2024-03-31'` into the number 2024.
    fn write_cast_type(&self, out: &mut String, kind: SqlKind) {
        self.write_type(out, kind);
    }

    /// The function that counts the characters (not the bytes) of a
    /// string: `CHAR_LENGTH` by default, `LENGTH` on SQLite.
    fn char_length_function(&self) -> &'static str {
        "CHAR_LENGTH"
    }

    /// Writes the `len` characters of `text` from position `start` (1 for
    /// the first): `SUBSTRING(text, start, len)` by default, `SUBSTR` on
    /// SQLite; PostgreSQL casts the positions to `INTEGER` (its driver
    /// binds integers as `BIGINT`, and `SUBSTRING` takes no `BIGINT`).
    ///
    /// An override must render each operand once, in the order given: the
    /// rendered-SQL cache ([`SqlKey`](super::SqlKey)) collects their binds
    /// in that order.
    fn write_substring<'a>(
        &self,
        w: &mut SqlWriter<'a>,
        text: &'a dyn Render,
        start: &'a dyn Render,
        len: &'a dyn Render,
    ) {
        w.push_sql("SUBSTRING(");
        text.render(w);
        w.push_sql(", ");
        start.render(w);
        w.push_sql(", ");
        len.render(w);
        w.push_sql(")");
    }

    /// Writes `value` rounded to `digits` decimal places, as a double.
    ///
    /// Defaults to `ROUND(value, digits)`; PostgreSQL has no `ROUND` of a
    /// double to some digits and goes through `NUMERIC`.
    ///
    /// An override must render each operand once, in the order given: the
    /// rendered-SQL cache ([`SqlKey`](super::SqlKey)) collects their binds
    /// in that order.
    fn write_round<'a>(
        &self,
        w: &mut SqlWriter<'a>,
        value: &'a dyn Render,
        digits: &'a dyn Render,
    ) {
        w.push_sql("ROUND(");
        value.render(w);
        w.push_sql(", ");
        digits.render(w);
        w.push_sql(")");
    }

    /// Writes a part of a date (its year, month or day) as an integer.
    ///
    /// Defaults to standard SQL, `EXTRACT(YEAR FROM value)`; PostgreSQL
    /// casts that (a `NUMERIC` there) to `INTEGER`, SQLite uses `strftime`.
    ///
    /// An override must render each operand once, in the order given: the
    /// rendered-SQL cache ([`SqlKey`](super::SqlKey)) collects their binds
    /// in that order.
    fn write_date_part<'a>(&self, w: &mut SqlWriter<'a>, part: DatePart, value: &'a dyn Render) {
        w.push_sql("EXTRACT(");
        w.push_sql(part.keyword());
        w.push_sql(" FROM ");
        value.render(w);
        w.push_sql(")");
    }

    /// Whether ORDER BY terms take `NULLS FIRST` / `NULLS LAST`; when they
    /// do not (MySQL), `x IS NULL` is ordered first to the same effect.
    fn supports_nulls_first_last(&self) -> bool {
        true
    }
}

/// Writes a decimal integer without going through `format!`.
///
/// ```
/// let mut s = String::new();
/// sqlalgebra::render::push_int(&mut s, -120);
/// assert_eq!(s, "-120");
/// ```
pub fn push_int(out: &mut String, n: i64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = n.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    for &b in &buf[i..] {
        out.push(b as char);
    }
}

/// Writes the standard SQL name of a column type (PostgreSQL's spelling);
/// dialects call it for the types they do not spell differently.
///
/// ```
/// use sqlalgebra::{render::write_standard_type, types::SqlKind};
/// let mut s = String::new();
/// write_standard_type(&mut s, SqlKind::Varchar(30));
/// assert_eq!(s, "VARCHAR(30)");
/// ```
pub fn write_standard_type(out: &mut String, kind: SqlKind) {
    let name = match kind {
        SqlKind::SmallInt => "SMALLINT",
        SqlKind::Integer => "INTEGER",
        SqlKind::BigInt => "BIGINT",
        SqlKind::Real => "REAL",
        SqlKind::Double => "DOUBLE PRECISION",
        SqlKind::Text => "TEXT",
        SqlKind::Bool => "BOOLEAN",
        SqlKind::Blob => "BYTEA",
        SqlKind::Date => "DATE",
        SqlKind::Time => "TIME",
        SqlKind::Timestamp => "TIMESTAMP",
        SqlKind::TimestampTz => "TIMESTAMPTZ",
        SqlKind::Uuid => "UUID",
        SqlKind::Json => "JSON",
        SqlKind::Jsonb => "JSONB",
        SqlKind::Numeric => "NUMERIC",
        SqlKind::Varchar(n) => {
            out.push_str("VARCHAR(");
            push_int(out, i64::from(n));
            ")"
        }
    };
    out.push_str(name);
}
