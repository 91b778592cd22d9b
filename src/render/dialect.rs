//! The [`Dialect`] trait: everything that differs between SQL databases.

use std::fmt::Debug;

use super::{Render, SqlWriter};
use crate::error::{Error, ErrorKind};
use crate::expr::{DatePart, MatchKind};
use crate::isolation::IsolationLevel;
use crate::query::{LockStrength, LockWait, RowLock};
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

/// How a dialect spells an UPDATE or DELETE that reads other tables
/// (`update(..).from(..)`, `delete_from(..).using(..)`).
///
/// ```
/// use sqlalgebra::render::MultiTableStyle;
/// assert_ne!(MultiTableStyle::FromUsing, MultiTableStyle::TableList);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MultiTableStyle {
    /// `UPDATE t SET ... FROM u WHERE ...` and
    /// `DELETE FROM t USING u WHERE ...` (PostgreSQL).
    FromUsing,
    /// `UPDATE t SET ... FROM u WHERE ...`, and for want of `USING`,
    /// `DELETE FROM t WHERE EXISTS (SELECT 1 FROM u WHERE ...)` (SQLite).
    FromExists,
    /// `UPDATE t, u SET t.c = ... WHERE ...` and
    /// `DELETE t FROM t, u WHERE ...` (MySQL, MariaDB).
    TableList,
}

/// The write statement a RETURNING clause is added to, for
/// [`Dialect::supports_returning`].
///
/// ```
/// use sqlalgebra::render::{Dialect, WriteKind};
/// let mariadb = sqlalgebra_mysql::MariaDb::new(10, 11);
/// assert!(mariadb.supports_returning(WriteKind::Insert));
/// assert!(!mariadb.supports_returning(WriteKind::Update));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WriteKind {
    /// `INSERT ... VALUES`.
    Insert,
    /// An upsert that skips conflicting rows (`ON CONFLICT DO NOTHING`).
    UpsertDoNothing,
    /// An upsert that updates conflicting rows (`ON CONFLICT DO UPDATE`).
    UpsertDoUpdate,
    /// `UPDATE`.
    Update,
    /// `DELETE`.
    Delete,
}

impl WriteKind {
    /// What [`ErrorKind::Unsupported`] names when
    /// the dialect lacks RETURNING for this statement.
    ///
    /// ```
    /// use sqlalgebra::render::WriteKind;
    /// assert_eq!(WriteKind::Update.returning_feature(), "UPDATE ... RETURNING");
    /// ```
    pub fn returning_feature(self) -> &'static str {
        match self {
            WriteKind::Insert => "INSERT ... RETURNING",
            WriteKind::UpsertDoNothing => "RETURNING on an upsert that does nothing on conflict",
            WriteKind::UpsertDoUpdate => "RETURNING on an upsert",
            WriteKind::Update => "UPDATE ... RETURNING",
            WriteKind::Delete => "DELETE ... RETURNING",
        }
    }
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

    /// Whether a bound integer that stands alone as an ORDER BY term is
    /// read as a column position (MariaDB does: `ORDER BY ?` with 1 sorts
    /// by the first column). Such a term is then written `COALESCE(?)`.
    fn reads_bound_sort_positions(&self) -> bool {
        false
    }

    /// Whether one bind parameter may hold an array of values
    /// ([`ValueRef::Array`](crate::value::ValueRef::Array)): then an `IN`
    /// list of bound values renders as `= ANY($1)` (and `NOT IN` as
    /// `<> ALL($1)`) with one array parameter. PostgreSQL only.
    fn binds_arrays(&self) -> bool {
        false
    }

    /// The type a bound `Numeric` value is cast to where it is compared
    /// or computed with (not where it is stored: see
    /// [`Render::render_assigned`]), or `None`, the default, to bind it
    /// as it is.
    ///
    /// SQLite answers `NUMERIC`: a decimal is bound as text there, and
    /// SQLite compares text with a number as text (`'9' > '10.5'`) and
    /// ranks any text above any number (`SUM(price) > '10.5'` is false
    /// whatever the sum); `CAST(? AS NUMERIC)` is a number, and its
    /// NUMERIC affinity makes SQLite compare a text column's value with
    /// it as a number too.
    ///
    /// ```
    /// use sqlalgebra::render::Dialect;
    /// assert_eq!(sqlalgebra_sqlite::Sqlite.numeric_bind_cast(), Some("NUMERIC"));
    /// assert_eq!(sqlalgebra_postgres::Postgres.numeric_bind_cast(), None);
    /// ```
    fn numeric_bind_cast(&self) -> Option<&'static str> {
        None
    }

    /// The type a bound `Blob` value is cast to where it is compared or
    /// computed with (not where it is stored: see
    /// [`Render::render_assigned`]), or `None`, the default, to bind it as
    /// it is.
    ///
    /// MySQL answers `BINARY`: MariaDB types a bound value as text in the
    /// connection's character set, so a blob selected on its own or as a
    /// CASE branch came back as text, its invalid UTF-8 bytes replaced by
    /// `?` (`X'01ff'` as `X'013f'`); `CAST(? AS BINARY)` is bytes.
    ///
    /// ```
    /// use sqlalgebra::render::Dialect;
    /// assert_eq!(sqlalgebra_mysql::Mysql.blob_bind_cast(), Some("BINARY"));
    /// assert_eq!(sqlalgebra_postgres::Postgres.blob_bind_cast(), None);
    /// ```
    fn blob_bind_cast(&self) -> Option<&'static str> {
        None
    }

    /// The operator of a division of two integers, which must round toward
    /// zero and give an integer: ` / ` (MySQL: ` DIV `, as its `/` gives a
    /// decimal).
    ///
    /// ```
    /// use sqlalgebra::render::Dialect;
    /// assert_eq!(sqlalgebra_mysql::Mysql.integer_division_operator(), " DIV ");
    /// assert_eq!(sqlalgebra_sqlite::Sqlite.integer_division_operator(), " / ");
    /// ```
    fn integer_division_operator(&self) -> &'static str {
        " / "
    }

    /// The type the dividend of a division of a `Numeric` is cast to, where
    /// the dialect's decimals may divide as integers (SQLite, whose
    /// decimals are text: `'7' / 2` is 3 there). `None` by default.
    ///
    /// ```
    /// use sqlalgebra::render::Dialect;
    /// assert_eq!(sqlalgebra_sqlite::Sqlite.decimal_division_cast(), Some("REAL"));
    /// assert_eq!(sqlalgebra_postgres::Postgres.decimal_division_cast(), None);
    /// ```
    fn decimal_division_cast(&self) -> Option<&'static str> {
        None
    }

    /// The most bind parameters one statement may carry.
    fn max_binds(&self) -> usize {
        65_535
    }

    /// Whether `statement ... RETURNING` works (everywhere by default).
    ///
    /// ```
    /// use sqlalgebra::render::{Dialect, WriteKind};
    /// assert!(sqlalgebra_sqlite::Sqlite.supports_returning(WriteKind::Update));
    /// assert!(!sqlalgebra_mysql::Mysql.supports_returning(WriteKind::Insert));
    /// ```
    fn supports_returning(&self, statement: WriteKind) -> bool {
        let _ = statement;
        true
    }

    /// What follows `INSERT INTO t` for a row whose every column takes its
    /// default: ` DEFAULT VALUES`, or ` () VALUES ()` on MySQL.
    ///
    /// ```
    /// use sqlalgebra::render::Dialect;
    /// assert_eq!(sqlalgebra_postgres::Postgres.insert_default_values(), " DEFAULT VALUES");
    /// assert_eq!(sqlalgebra_mysql::Mysql.insert_default_values(), " () VALUES ()");
    /// ```
    fn insert_default_values(&self) -> &'static str {
        " DEFAULT VALUES"
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

    /// Whether the ORM inserts new objects through one prepared one-row
    /// INSERT run per object (reading each generated key from the
    /// connection) rather than in multi-row INSERTs: right where no round
    /// trip is saved (SQLite runs in the process), and compiling a large
    /// VALUES list costs more than running a small statement many times.
    /// Off by default; SQLite turns it on.
    fn prefers_prepared_row_inserts(&self) -> bool {
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

    /// Whether `FULL JOIN` works (not on MySQL/MariaDB).
    ///
    /// ```
    /// use sqlalgebra::render::Dialect;
    /// assert!(sqlalgebra_sqlite::Sqlite.supports_full_join());
    /// assert!(!sqlalgebra_mysql::Mysql.supports_full_join());
    /// ```
    fn supports_full_join(&self) -> bool {
        true
    }

    /// Whether a `LATERAL` derived table works (PostgreSQL, MySQL ≥
    /// 8.0.14; not MariaDB nor SQLite).
    ///
    /// ```
    /// use sqlalgebra::render::Dialect;
    /// assert!(sqlalgebra_postgres::Postgres.supports_lateral());
    /// assert!(!sqlalgebra_mysql::MariaDb::new(10, 11).supports_lateral());
    /// ```
    fn supports_lateral(&self) -> bool {
        false
    }

    /// How an upsert is spelled.
    fn upsert_style(&self) -> UpsertStyle {
        UpsertStyle::OnConflict
    }

    /// How an UPDATE or DELETE that reads other tables is spelled.
    fn multi_table_style(&self) -> MultiTableStyle {
        MultiTableStyle::FromUsing
    }

    /// The name of the proposed row in `ON CONFLICT DO UPDATE`.
    fn excluded_table(&self) -> &'static str {
        "EXCLUDED"
    }

    /// Whether a SQL enum ([`SqlKind::Enum`]) is a type of its own,
    /// created before the tables that use it (`CREATE TYPE ... AS ENUM`,
    /// PostgreSQL) and dropped after them.
    ///
    /// ```
    /// use sqlalgebra::render::Dialect;
    /// assert!(sqlalgebra_postgres::Postgres.creates_enum_types());
    /// assert!(!sqlalgebra_sqlite::Sqlite.creates_enum_types());
    /// ```
    fn creates_enum_types(&self) -> bool {
        false
    }

    /// Whether an enum column is a text column whose labels DDL checks
    /// with a `CHECK ("col" IN (...))` (SQLite).
    ///
    /// ```
    /// use sqlalgebra::render::Dialect;
    /// assert!(sqlalgebra_sqlite::Sqlite.checks_enum_labels());
    /// assert!(!sqlalgebra_mysql::Mysql.checks_enum_labels());
    /// ```
    fn checks_enum_labels(&self) -> bool {
        false
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

    /// The statements that open one transaction at `level`, leaving the
    /// connection's own level alone: a statement to run first (if any),
    /// then the one that begins. `level` is never
    /// [`Autocommit`](IsolationLevel::Autocommit).
    ///
    /// The default is standard SQL's `START TRANSACTION ISOLATION LEVEL
    /// ...` (PostgreSQL); MySQL sends `SET TRANSACTION ISOLATION LEVEL ...`
    /// (for the next transaction only) and `BEGIN`; SQLite has
    /// SERIALIZABLE only.
    ///
    /// ```
    /// # use sqlalgebra::render::Dialect;
    /// # #[derive(Debug)] struct Ansi;
    /// # impl Dialect for Ansi { fn name(&self) -> &'static str { "ansi" } }
    /// use sqlalgebra::IsolationLevel;
    /// assert_eq!(
    ///     Ansi.begin_isolated(IsolationLevel::Serializable).unwrap(),
    ///     (None, "START TRANSACTION ISOLATION LEVEL SERIALIZABLE"),
    /// );
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Unsupported`] when the dialect lacks the level.
    fn begin_isolated(
        &self,
        level: IsolationLevel,
    ) -> Result<(Option<&'static str>, &'static str), Error> {
        let begin = level
            .start_transaction_sql()
            .ok_or_else(|| ErrorKind::Unsupported {
                dialect: self.name(),
                feature: level.feature(),
            })?;
        Ok((None, begin))
    }

    /// The statement that makes `level` the default of the connection's
    /// later transactions, or, for `None`, restores the server's
    /// configured default; `Ok(None)`: nothing needs sending. `level` is
    /// never [`Autocommit`](IsolationLevel::Autocommit) (the connection
    /// restores the default and then sends no `BEGIN`).
    ///
    /// The default is standard SQL's `SET SESSION CHARACTERISTICS AS
    /// TRANSACTION ISOLATION LEVEL ...`, and no way back to the server's
    /// default.
    ///
    /// ```
    /// # use sqlalgebra::render::Dialect;
    /// # #[derive(Debug)] struct Ansi;
    /// # impl Dialect for Ansi { fn name(&self) -> &'static str { "ansi" } }
    /// use sqlalgebra::IsolationLevel;
    /// let sql = Ansi.set_session_isolation(Some(IsolationLevel::ReadCommitted)).unwrap();
    /// assert_eq!(sql, Some("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED"));
    /// assert!(Ansi.set_session_isolation(None).is_err());
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Unsupported`] when the dialect lacks the level (or, for
    /// `None`, a way to restore the default).
    fn set_session_isolation(
        &self,
        level: Option<IsolationLevel>,
    ) -> Result<Option<&'static str>, Error> {
        match level.and_then(IsolationLevel::set_session_sql) {
            Some(sql) => Ok(Some(sql)),
            None => Err(ErrorKind::Unsupported {
                dialect: self.name(),
                feature: level.map_or("restoring the default isolation level", |l| l.feature()),
            }
            .into()),
        }
    }

    /// Writes a SELECT's row-locking clause (`FOR UPDATE`, ...), after its
    /// LIMIT and OFFSET. The default is PostgreSQL's: `FOR UPDATE` / `FOR
    /// SHARE`, `OF table`, `NOWAIT` / `SKIP LOCKED`. A dialect that lacks a
    /// part records [`ErrorKind::Unsupported`] with
    /// [`SqlWriter::unsupported`] instead of dropping it.
    ///
    /// ```
    /// use sqlalgebra::query::RowLock;
    /// use sqlalgebra::render::{Dialect, SqlWriter};
    /// # #[derive(Debug)] struct Ansi;
    /// # impl Dialect for Ansi { fn name(&self) -> &'static str { "ansi" } }
    /// let mut w = SqlWriter::new(&Ansi);
    /// Ansi.write_row_lock(&mut w, &RowLock::update().of_table("t").nowait());
    /// assert_eq!(w.sql(), r#" FOR UPDATE OF "t" NOWAIT"#);
    /// ```
    fn write_row_lock(&self, w: &mut SqlWriter<'_>, lock: &RowLock) {
        w.push_sql(match lock.strength() {
            LockStrength::Update => " FOR UPDATE",
            LockStrength::Share => " FOR SHARE",
        });
        if let Some(table) = lock.of() {
            w.push_sql(" OF ");
            w.push_ident(table);
        }
        w.push_sql(match lock.wait() {
            LockWait::Wait => "",
            LockWait::NoWait => " NOWAIT",
            LockWait::SkipLocked => " SKIP LOCKED",
        });
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

    /// Writes a literal match of `needle` in `text` ([`MatchKind`]): exact
    /// characters, whatever the collation of `text` (no case or accent
    /// folding, no padding of trailing spaces), every text matching the
    /// empty needle, and NULL for a NULL text.
    ///
    /// Defaults to PostgreSQL's spelling, which compares in the `"C"`
    /// collation (a nondeterministic collation would fold case or refuse
    /// the comparison) on `text` cast to `TEXT` (`citext` would fold case):
    ///
    /// | kind | SQL |
    /// |---|---|
    /// | `StartsWith` | `LEFT(CAST(text AS TEXT) COLLATE "C", CHAR_LENGTH($1)) = $2` |
    /// | `EndsWith` | `RIGHT(CAST(text AS TEXT) COLLATE "C", CHAR_LENGTH($1)) = $2` |
    /// | `Contains` | `STRPOS(CAST(text AS TEXT) COLLATE "C", $1) > 0` |
    ///
    /// PostgreSQL text cannot hold a NUL character, so a needle with one is
    /// refused with [`ErrorKind::Unsupported`]
    /// before anything is sent. SQLite and MySQL compare bytes instead.
    ///
    /// An override must render `text` once and then bind `needle`
    /// [`needle_binds`](MatchKind::needle_binds) times, as
    /// [`ValueRef::Text`](crate::value::ValueRef::Text): the rendered-SQL
    /// cache ([`SqlKey`](super::SqlKey)) collects the binds so. The SQL
    /// must not depend on the needle's value.
    fn write_literal_match<'a>(
        &self,
        w: &mut SqlWriter<'a>,
        kind: MatchKind,
        text: &'a dyn Render,
        needle: &'a str,
    ) {
        if needle.contains('\0') {
            w.unsupported("a NUL character in text (PostgreSQL text cannot hold one)");
        }
        w.push_sql(match kind {
            MatchKind::StartsWith => "LEFT(",
            MatchKind::EndsWith => "RIGHT(",
            MatchKind::Contains => "STRPOS(",
        });
        w.push_sql("CAST(");
        text.render(w);
        w.push_sql(" AS TEXT) COLLATE \"C\", ");
        let needle = crate::value::ValueRef::Text(needle);
        if kind == MatchKind::Contains {
            w.push_bind(needle);
            w.push_sql(") > 0");
        } else {
            w.push_sql("CHAR_LENGTH(");
            w.push_bind(needle);
            w.push_sql(")) = ");
            w.push_bind(needle);
        }
    }

    /// Whether ORDER BY terms take `NULLS FIRST` / `NULLS LAST`; when they
    /// do not (MySQL), `x IS NULL` is ordered first to the same effect.
    fn supports_nulls_first_last(&self) -> bool {
        true
    }

    /// Whether text compares byte-wise, as Rust compares strings, under
    /// the default collation: true by default (SQLite's `BINARY`,
    /// PostgreSQL's deterministic collations), false on MySQL and MariaDB,
    /// whose default collations ignore case and trailing spaces. The ORM
    /// evaluates text comparisons in Rust only where it is true
    /// ([`EvalRow::binary_text`](super::EvalRow::binary_text)).
    ///
    /// ```
    /// use sqlalgebra::render::Dialect;
    /// assert!(sqlalgebra_sqlite::Sqlite.binary_text_comparison());
    /// assert!(!sqlalgebra_mysql::Mysql.binary_text_comparison());
    /// ```
    fn binary_text_comparison(&self) -> bool {
        true
    }

    /// Whether a placeholder may stand twice in a statement for one value
    /// (`$1 ... $1`, PostgreSQL). Then a GROUP BY, HAVING or ORDER BY term
    /// that repeats an expression of the SELECT list with bound values is
    /// written with that expression's own placeholders, so that the server
    /// sees one expression; otherwise GROUP BY and ORDER BY refer to it by
    /// its position (`GROUP BY 1`). `false` by default.
    ///
    /// ```
    /// use sqlalgebra::render::Dialect;
    /// assert!(sqlalgebra_postgres::Postgres.repeats_placeholders());
    /// assert!(!sqlalgebra_mysql::Mysql.repeats_placeholders());
    /// ```
    fn repeats_placeholders(&self) -> bool {
        false
    }

    /// Whether HAVING may name a label of the SELECT list (MySQL), so that
    /// a labelled expression with bound values is written there as its
    /// label; where it may not, it is bound again. `false` by default.
    ///
    /// ```
    /// use sqlalgebra::render::Dialect;
    /// assert!(sqlalgebra_mysql::Mysql.having_names_labels());
    /// assert!(!sqlalgebra_sqlite::Sqlite.having_names_labels());
    /// ```
    fn having_names_labels(&self) -> bool {
        false
    }

    /// Whether a GROUP BY term with bound values repeated inside HAVING or
    /// ORDER BY is written as `MIN(term)` (MySQL, whose HAVING resolves
    /// columns against the SELECT list only, and which cannot tell that
    /// two sets of `?` are one expression): the same value within a group.
    /// `false` by default.
    ///
    /// ```
    /// use sqlalgebra::render::Dialect;
    /// assert!(sqlalgebra_mysql::Mysql.aggregates_repeated_group_terms());
    /// assert!(!sqlalgebra_sqlite::Sqlite.aggregates_repeated_group_terms());
    /// ```
    fn aggregates_repeated_group_terms(&self) -> bool {
        false
    }

    /// Whether GROUP BY must also list the columns a SELECT takes from a
    /// table whose primary key is grouped (MariaDB, which does not know
    /// that they depend on it). They are appended to GROUP BY there: the
    /// groups stay the same. `false` by default.
    ///
    /// ```
    /// use sqlalgebra::render::Dialect;
    /// assert!(sqlalgebra_mysql::Mysql.groups_dependent_columns());
    /// assert!(!sqlalgebra_postgres::Postgres.groups_dependent_columns());
    /// ```
    fn groups_dependent_columns(&self) -> bool {
        false
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
        SqlKind::Decimal(p, s) => {
            out.push_str("NUMERIC(");
            push_precision(out, p, s);
            ")"
        }
        // PostgreSQL's: the type `CREATE TYPE` made, by its quoted name.
        SqlKind::Enum(e) => {
            out.push('"');
            out.push_str(&e.name.replace('"', "\"\""));
            "\""
        }
        SqlKind::Array(of) => {
            write_standard_type(out, *of);
            "[]"
        }
    };
    out.push_str(name);
}

/// Writes `p, s`: the inside of `NUMERIC(p, s)` / `DECIMAL(p, s)`, for
/// dialects' [`Dialect::write_type`].
///
/// ```
/// let mut s = String::from("DECIMAL(");
/// sqlalgebra::render::push_precision(&mut s, 10, 2);
/// s.push(')');
/// assert_eq!(s, "DECIMAL(10, 2)");
/// ```
pub fn push_precision(out: &mut String, precision: u32, scale: u32) {
    push_int(out, i64::from(precision));
    out.push_str(", ");
    push_int(out, i64::from(scale));
}
