//! The MySQL and MariaDB [`Dialect`]s: one spelling, told apart by what
//! each server has (RETURNING).

use std::sync::Mutex;

use sqlalgebra::expr::MatchKind;
use sqlalgebra::query::{LockStrength, LockWait, RowLock};
use sqlalgebra::render::{
    ConcatStyle, Dialect, IlikeStyle, MultiTableStyle, Render, SqlWriter, UpsertStyle, WriteKind,
    push_int,
};
use sqlalgebra::types::SqlKind;
use sqlalgebra::value::ValueRef;
use sqlalgebra::{Error, ErrorKind, IsolationLevel};

/// MySQL and MariaDB: `` `quoted` `` identifiers, `?` placeholders,
/// `CONCAT()`, `lower() LIKE lower()` for ILIKE, `AUTO_INCREMENT`.
///
/// As a dialect it is MySQL 8 (or a server not known to be MariaDB): no
/// RETURNING at all. [`MariaDb`] renders the same SQL with what MariaDB
/// adds. A connection picks the one its server is
/// ([`for_server_version`]).
///
/// It is also the backend of both: [`Mysql::connect`] makes a pooled
/// engine.
///
/// ```
/// use sqlalgebra::render::Dialect;
/// use sqlalgebra_mysql::Mysql;
/// assert_eq!(Mysql.quote_char(), '`');
/// assert_eq!(Mysql.name(), "mysql");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mysql;

/// As a connection's [`Backend`](sqlalgebra::Connection::Backend): no
/// `DISTINCT ON` and no `UPDATE ... RETURNING` (MySQL and MariaDB alike)
/// compile; INSERT and DELETE RETURNING are checked per server when
/// rendered.
impl sqlalgebra::query::Capabilities for Mysql {}

/// MariaDB of a given version: MySQL's SQL ([`Mysql`]), plus `INSERT ...
/// RETURNING` and `DELETE ... RETURNING` from 10.5 on. MariaDB has no
/// `UPDATE ... RETURNING`: that, and every RETURNING before 10.5, is
/// [`ErrorKind::Unsupported`] at render time.
///
/// Render with it where no connection says which server it is:
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra_mysql::{MariaDb, Mysql};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (Id, N); type PrimaryKey = Id; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct N;
/// # impl Column for Id { type Table = T; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # impl Column for N { type Table = T; type SqlType = Text; const NAME: &'static str = "n"; }
/// let q = insert_into(T).values(N.set("x")).returning(Id);
/// assert_eq!(q.to_sql(&MariaDb::new(10, 11)).unwrap().sql,
///     "INSERT INTO `t` (`n`) VALUES (?) RETURNING `id`");
/// assert!(q.to_sql(&MariaDb::new(10, 4)).is_err());
/// assert!(q.to_sql(&Mysql).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MariaDb {
    major: u16,
    minor: u16,
}

impl MariaDb {
    /// The first version with `INSERT ... RETURNING` and `DELETE ...
    /// RETURNING`.
    pub const RETURNING: MariaDb = MariaDb::new(10, 5);

    /// MariaDB `major.minor`.
    ///
    /// ```
    /// assert_eq!(sqlalgebra_mysql::MariaDb::new(10, 11).version(), (10, 11));
    /// ```
    pub const fn new(major: u16, minor: u16) -> Self {
        MariaDb { major, minor }
    }

    /// The version, `(major, minor)`.
    ///
    /// ```
    /// assert_eq!(sqlalgebra_mysql::MariaDb::RETURNING.version(), (10, 5));
    /// ```
    pub const fn version(self) -> (u16, u16) {
        (self.major, self.minor)
    }

    /// This dialect as a `'static` one, as a connection hands it out: one
    /// value per version, made the first time a server of that version is
    /// seen and kept for the process.
    fn interned(self) -> &'static MariaDb {
        static SEEN: Mutex<Vec<&'static MariaDb>> = Mutex::new(Vec::new());
        let mut seen = SEEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(d) = seen.iter().find(|d| ***d == self) {
            return d;
        }
        let d: &'static MariaDb = Box::leak(Box::new(self));
        seen.push(d);
        d
    }
}

/// `SET [SESSION] TRANSACTION ISOLATION LEVEL ...` for `level`.
fn mysql_isolation(
    dialect: &'static str,
    level: IsolationLevel,
    session: bool,
) -> Result<&'static str, Error> {
    Ok(match (level, session) {
        (IsolationLevel::ReadUncommitted, false) => {
            "SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED"
        }
        (IsolationLevel::ReadCommitted, false) => "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
        (IsolationLevel::RepeatableRead, false) => {
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"
        }
        (IsolationLevel::Serializable, false) => "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
        (IsolationLevel::ReadUncommitted, true) => {
            "SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED"
        }
        (IsolationLevel::ReadCommitted, true) => {
            "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"
        }
        (IsolationLevel::RepeatableRead, true) => {
            "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"
        }
        (IsolationLevel::Serializable, true) => {
            "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE"
        }
        (other, _) => {
            return Err(ErrorKind::Unsupported {
                dialect,
                feature: other.feature(),
            }
            .into());
        }
    })
}

/// The dialect of a server, from its version string (`SELECT VERSION()`):
/// [`MariaDb`] of that version when the string says `-MariaDB`
/// (`10.11.19-MariaDB-0+deb12u1`, or `5.5.5-10.4.3-MariaDB` as older
/// servers announce themselves), else [`Mysql`].
///
/// The answer is `'static`, as [`Connection::dialect`](sqlalgebra::Connection::dialect)
/// wants; a connection's dialect never changes, so the texts its SQL
/// cache holds are all rendered for its own server.
///
/// ```
/// use sqlalgebra_mysql::for_server_version;
/// assert_eq!(for_server_version("10.11.19-MariaDB-0+deb12u1").name(), "mariadb");
/// assert_eq!(for_server_version("8.0.36").name(), "mysql");
/// ```
pub fn for_server_version(version: &str) -> &'static dyn Dialect {
    match parse_mariadb(version) {
        Some(d) => d.interned(),
        None => &Mysql,
    }
}

/// `major.minor` of a MariaDB version string.
fn parse_mariadb(version: &str) -> Option<MariaDb> {
    if !version.contains("-MariaDB") {
        return None;
    }
    let version = version.strip_prefix("5.5.5-").unwrap_or(version);
    let mut parts = version.split(['.', '-']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some(MariaDb::new(major, minor))
}

// What MySQL and MariaDB spell alike: both impls expand it.
macro_rules! mysql_spelling {
    () => {
        /// False: the default collations ignore case and trailing spaces.
        fn binary_text_comparison(&self) -> bool {
            false
        }

        /// `SET TRANSACTION ISOLATION LEVEL ...` (the next transaction
        /// only), then `BEGIN`.
        fn begin_isolated(
            &self,
            level: IsolationLevel,
        ) -> Result<(Option<&'static str>, &'static str), Error> {
            Ok((Some(mysql_isolation(self.name(), level, false)?), "BEGIN"))
        }

        fn quote_char(&self) -> char {
            '`'
        }

        fn no_limit(&self) -> Option<&'static str> {
            Some("18446744073709551615")
        }

        fn ilike_style(&self) -> IlikeStyle {
            IlikeStyle::Lower
        }

        fn integer_division_operator(&self) -> &'static str {
            " DIV "
        }

        fn concat_style(&self) -> ConcatStyle {
            ConcatStyle::Function
        }

        fn reflect_columns_sql(&self) -> Option<&'static str> {
            Some(
                "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, \
             CASE WHEN IS_NULLABLE = 'YES' THEN 1 ELSE 0 END, \
             CASE WHEN COLUMN_KEY = 'PRI' THEN 1 ELSE 0 END \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
             ORDER BY TABLE_NAME, ORDINAL_POSITION",
            )
        }

        fn upsert_style(&self) -> UpsertStyle {
            UpsertStyle::OnDuplicateKey
        }

        /// Lock modes 0 ("traditional") and 1 ("consecutive", MariaDB's
        /// default) give a multi-row INSERT consecutive ids; mode 2
        /// ("interleaved", MySQL 8's default) does not, nor does a step other
        /// than 1.
        fn consecutive_ids_sql(&self) -> Option<&'static str> {
            Some("SELECT @@innodb_autoinc_lock_mode IN (0, 1) AND @@auto_increment_increment = 1")
        }

        /// HAVING resolves a name to a FROM column first, but a name that is
        /// both a column and a label is refused as ambiguous: never another
        /// meaning.
        fn having_names_labels(&self) -> bool {
            true
        }

        /// MariaDB refuses a column that depends on a grouped primary key
        /// (MySQL 8 accepts it, and the listed column changes no group).
        fn groups_dependent_columns(&self) -> bool {
            true
        }

        fn multi_table_style(&self) -> MultiTableStyle {
            MultiTableStyle::TableList
        }

        fn insert_default_values(&self) -> &'static str {
            " () VALUES ()"
        }

        /// The session's `sql_mode` leaves out `NO_BACKSLASH_ESCAPES`.
        fn backslash_escapes(&self) -> bool {
            true
        }

        fn write_string_literal(&self, out: &mut String, text: &str) {
            out.push('\'');
            for c in text.chars() {
                match c {
                    '\'' => out.push_str("''"),
                    '\\' => out.push_str("\\\\"),
                    c => out.push(c),
                }
            }
            out.push('\'');
        }

        fn write_type(&self, out: &mut String, kind: SqlKind) {
            match kind {
                SqlKind::Integer => out.push_str("INT"),
                SqlKind::Real => out.push_str("FLOAT"),
                SqlKind::Double => out.push_str("DOUBLE"),
                SqlKind::Text => out.push_str("LONGTEXT"),
                SqlKind::Blob => out.push_str("LONGBLOB"),
                // Microseconds, as on the other backends (plain TIME and
                // DATETIME round them away).
                SqlKind::Time => out.push_str("TIME(6)"),
                SqlKind::Timestamp => out.push_str("DATETIME(6)"),
                // The UTC date and time: MySQL's TIMESTAMP would convert from
                // and to the session time zone, and ends in 2038.
                SqlKind::TimestampTz => out.push_str("DATETIME(6)"),
                // The hyphenated text: readable, and it sorts as the bytes do.
                SqlKind::Uuid => out.push_str("CHAR(36)"),
                SqlKind::Json | SqlKind::Jsonb => out.push_str("JSON"),
                // The widest DECIMAL, with as many decimals as it allows.
                SqlKind::Numeric => out.push_str("DECIMAL(65, 30)"),
                SqlKind::Decimal(p, s) => {
                    out.push_str("DECIMAL(");
                    sqlalgebra::render::push_precision(out, p, s);
                    out.push(')');
                }
                // The labels in the column's type: `ENUM('active', 'banned')`.
                SqlKind::Enum(e) => {
                    out.push_str("ENUM(");
                    for (i, label) in e.labels.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        self.write_string_literal(out, label);
                    }
                    out.push(')');
                }
                other => sqlalgebra::render::write_standard_type(out, other),
            }
        }

        fn write_cast_type(&self, out: &mut String, kind: SqlKind) {
            // CAST takes only a few targets here.
            match kind {
                SqlKind::SmallInt | SqlKind::Integer | SqlKind::BigInt | SqlKind::Bool => {
                    out.push_str("SIGNED")
                }
                SqlKind::Real | SqlKind::Double => out.push_str("DOUBLE"),
                SqlKind::Text => out.push_str("CHAR"),
                SqlKind::Varchar(n) => {
                    out.push_str("CHAR(");
                    push_int(out, i64::from(n));
                    out.push(')');
                }
                SqlKind::Blob => out.push_str("BINARY"),
                SqlKind::Date => out.push_str("DATE"),
                SqlKind::Time => out.push_str("TIME(6)"),
                SqlKind::Timestamp | SqlKind::TimestampTz => out.push_str("DATETIME(6)"),
                SqlKind::Uuid => out.push_str("CHAR(36)"),
                // MariaDB has no CAST(... AS JSON); a JSON document is text.
                SqlKind::Json | SqlKind::Jsonb | SqlKind::Enum(_) => out.push_str("CHAR"),
                SqlKind::Numeric => out.push_str("DECIMAL(65, 30)"),
                other => self.write_type(out, other),
            }
        }

        // Bytes of the text in utf8mb4 (the session's character set, so the
        // needle's too), not LIKE or `=` under the column's collation:
        // `utf8mb4_general_ci` folds case and accents and takes every emoji for
        // every other, PAD SPACE collations ignore trailing spaces.
        fn write_literal_match<'a>(
            &self,
            w: &mut SqlWriter<'a>,
            kind: MatchKind,
            text: &'a dyn Render,
            needle: &'a str,
        ) {
            let needle = ValueRef::Text(needle);
            w.push_sql(match kind {
                MatchKind::StartsWith => "LEFT(",
                MatchKind::EndsWith => "RIGHT(",
                MatchKind::Contains => "INSTR(",
            });
            w.push_sql("CAST(CONVERT(");
            text.render(w);
            w.push_sql(" USING utf8mb4) AS BINARY), ");
            if kind == MatchKind::Contains {
                w.push_sql("CAST(");
                w.push_bind(needle);
                w.push_sql(" AS BINARY)) > 0");
            } else {
                w.push_sql("LENGTH(");
                w.push_bind(needle);
                w.push_sql(")) = CAST(");
                w.push_bind(needle);
                w.push_sql(" AS BINARY)");
            }
        }

        fn supports_full_join(&self) -> bool {
            false
        }

        fn supports_nulls_first_last(&self) -> bool {
            false
        }

        fn aggregates_repeated_group_terms(&self) -> bool {
            true
        }

        fn blob_bind_cast(&self) -> Option<&'static str> {
            Some("BINARY")
        }

        fn reads_bound_sort_positions(&self) -> bool {
            true
        }

        fn write_autoincrement_key(&self, out: &mut String, kind: SqlKind) {
            self.write_type(out, kind);
            out.push_str(" NOT NULL AUTO_INCREMENT PRIMARY KEY");
        }

        fn supports_index_if_not_exists(&self) -> bool {
            false
        }

        fn can_index_unbounded_text(&self) -> bool {
            false
        }

        fn parenthesize_unbounded_defaults(&self) -> bool {
            true
        }
    };
}

impl Dialect for Mysql {
    fn name(&self) -> &'static str {
        "mysql"
    }

    /// `SET SESSION TRANSACTION ISOLATION LEVEL ...`; back to the
    /// server's default with `SET SESSION transaction_isolation = DEFAULT`.
    fn set_session_isolation(
        &self,
        level: Option<IsolationLevel>,
    ) -> Result<Option<&'static str>, Error> {
        match level {
            None => Ok(Some("SET SESSION transaction_isolation = DEFAULT")),
            Some(level) => mysql_isolation(self.name(), level, true).map(Some),
        }
    }

    fn supports_returning(&self, _statement: WriteKind) -> bool {
        false
    }

    /// MySQL 8.0.14 and later (MariaDB has no LATERAL).
    fn supports_lateral(&self) -> bool {
        true
    }

    mysql_spelling!();
}

impl Dialect for MariaDb {
    fn name(&self) -> &'static str {
        "mariadb"
    }

    /// As MySQL's; the variable is `tx_isolation` before 11.1.
    fn set_session_isolation(
        &self,
        level: Option<IsolationLevel>,
    ) -> Result<Option<&'static str>, Error> {
        match level {
            None if self.version() >= (11, 1) => {
                Ok(Some("SET SESSION transaction_isolation = DEFAULT"))
            }
            None => Ok(Some("SET SESSION tx_isolation = DEFAULT")),
            Some(level) => mysql_isolation(self.name(), level, true).map(Some),
        }
    }

    /// `FOR UPDATE`, `LOCK IN SHARE MODE`; `NOWAIT` from 10.3, `SKIP
    /// LOCKED` from 10.6; no `OF table`.
    fn write_row_lock(&self, w: &mut SqlWriter<'_>, lock: &RowLock) {
        w.push_sql(match lock.strength() {
            LockStrength::Update => " FOR UPDATE",
            LockStrength::Share => " LOCK IN SHARE MODE",
        });
        if lock.of().is_some() {
            w.unsupported("SELECT ... FOR UPDATE OF table");
        }
        match lock.wait() {
            LockWait::Wait => {}
            LockWait::NoWait if self.version() >= (10, 3) => w.push_sql(" NOWAIT"),
            LockWait::NoWait => w.unsupported("NOWAIT (before MariaDB 10.3)"),
            LockWait::SkipLocked if self.version() >= (10, 6) => w.push_sql(" SKIP LOCKED"),
            LockWait::SkipLocked => w.unsupported("SKIP LOCKED (before MariaDB 10.6)"),
        }
    }

    /// INSERT and DELETE from 10.5 on, and an upsert that updates (its
    /// RETURNING gives the row as updated, as PostgreSQL's does). Not
    /// UPDATE, which MariaDB cannot; not an upsert that does nothing on a
    /// conflict: `ON DUPLICATE KEY UPDATE k = k` would return the
    /// existing row, which `ON CONFLICT DO NOTHING RETURNING` leaves out.
    fn supports_returning(&self, statement: WriteKind) -> bool {
        self.version() >= MariaDb::RETURNING.version()
            && matches!(
                statement,
                WriteKind::Insert | WriteKind::UpsertDoUpdate | WriteKind::Delete
            )
    }

    mysql_spelling!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_versions_pick_the_dialect() {
        for (version, want) in [
            ("10.11.19-MariaDB-0+deb12u1", Some((10, 11))),
            ("5.5.5-10.4.3-MariaDB-log", Some((10, 4))),
            ("11.4.2-MariaDB", Some((11, 4))),
            ("8.0.36", None),
            ("8.4.0-commercial", None),
            ("garbage-MariaDB", None),
        ] {
            assert_eq!(
                parse_mariadb(version).map(MariaDb::version),
                want,
                "{version}"
            );
        }
        let a = for_server_version("10.11.19-MariaDB");
        let b = for_server_version("10.11.2-MariaDB-1");
        assert!(std::ptr::addr_eq(a, b), "one value per version");
        assert_eq!(for_server_version("8.0.36").name(), "mysql");
    }
}
