//! The MySQL / MariaDB [`Dialect`].

use sqlalgebra::render::{ConcatStyle, Dialect, IlikeStyle, UpsertStyle, push_int};
use sqlalgebra::types::SqlKind;

/// MySQL and MariaDB: `` `quoted` `` identifiers, `?` placeholders,
/// `CONCAT()`, `lower() LIKE lower()` for ILIKE, `AUTO_INCREMENT`.
///
/// It is also the backend: [`Mysql::connect`] makes a pooled engine.
///
/// ```
/// use sqlalgebra::render::Dialect;
/// use sqlalgebra_mysql::Mysql;
/// assert_eq!(Mysql.quote_char(), '`');
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mysql;

impl Dialect for Mysql {
    fn name(&self) -> &'static str {
        "mysql"
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

    fn supports_returning(&self) -> bool {
        false
    }

    /// Lock modes 0 ("traditional") and 1 ("consecutive", MariaDB's
    /// default) give a multi-row INSERT consecutive ids; mode 2
    /// ("interleaved", MySQL 8's default) does not, nor does a step other
    /// than 1.
    fn consecutive_ids_sql(&self) -> Option<&'static str> {
        Some("SELECT @@innodb_autoinc_lock_mode IN (0, 1) AND @@auto_increment_increment = 1")
    }

    fn upsert_style(&self) -> UpsertStyle {
        UpsertStyle::OnDuplicateKey
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
            SqlKind::Json | SqlKind::Jsonb => out.push_str("CHAR"),
            SqlKind::Numeric => out.push_str("DECIMAL(65, 30)"),
            other => self.write_type(out, other),
        }
    }

    fn supports_nulls_first_last(&self) -> bool {
        false
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
}
