//! sqlalgebra's command-line tools, as a library the `sqlalgebra-cli`
//! program calls (and tests can too).
//!
//! `print-schema` reads the tables of a live SQLite, PostgreSQL or
//! MySQL/MariaDB database ([`inspect`]) and writes them as the Rust code a
//! user of sqlalgebra writes by hand ([`print()`]): a `Table` unit struct and
//! a module of `Column` unit structs per table, a `Model` per table with a
//! primary key, and `BelongsTo`/`HasMany` for its foreign keys.
//!
//! ```
//! use sqlalgebra::prelude::*;
//! # fn main() -> sqlalgebra::Result<()> {
//! let engine = sqlalgebra_sqlite::Sqlite::memory()?;
//! let mut conn = engine.connect()?;
//! conn.batch_execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(30) NOT NULL)")?;
//! let schema = sqlalgebra_cli::inspect(&mut conn)?;
//! let code = sqlalgebra_cli::print(&schema);
//! assert!(code.contains("pub struct Users;"));
//! assert!(code.contains("type SqlType = Varchar<30>;"));
//! assert!(code.contains("impl Model for User {"));
//! # Ok(()) }
//! ```

mod inspect;
mod names;
mod print;
mod relations;
mod sql_types;

pub use inspect::inspect;
pub use print::print;

use sqlalgebra::{Connection, PoolOptions, Result};

/// What [`inspect`] reads of a database: its tables, by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schema {
    /// The backend it was read from: `"sqlite"`, `"postgres"` or `"mysql"`.
    pub dialect: &'static str,
    /// Every table, ordered by name.
    pub tables: Vec<TableInfo>,
}

/// One table of a [`Schema`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableInfo {
    /// The table's name in the database.
    pub name: String,
    /// Its columns, in their order in the table.
    pub columns: Vec<ColumnInfo>,
    /// The primary key's columns, in key order (empty: no primary key).
    pub primary_key: Vec<String>,
    /// Its foreign keys.
    pub foreign_keys: Vec<ForeignKeyInfo>,
    /// Its indexes, other than those of the primary key, of a column's
    /// own UNIQUE constraint ([`ColumnInfo::unique`]) and those the
    /// database made for a foreign key.
    pub indexes: Vec<IndexInfo>,
}

/// One column of a [`TableInfo`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ColumnInfo {
    /// The column's name.
    pub name: String,
    /// The database's name of its type (`character varying(30)`, `int(11)`).
    pub type_name: String,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// The database assigns it (identity, serial, AUTO_INCREMENT, SQLite's
    /// rowid key).
    pub autoincrement: bool,
    /// Its default, as SQL text; `None` when it has none.
    pub default: Option<String>,
    /// It has a UNIQUE constraint of its own.
    pub unique: bool,
    /// It must hold valid JSON (MariaDB's `JSON`, a `LONGTEXT` with a
    /// `json_valid` check).
    pub json_check: bool,
}

/// A foreign key of a [`TableInfo`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ForeignKeyInfo {
    /// Its columns in this table.
    pub columns: Vec<String>,
    /// The table it refers to.
    pub table: String,
    /// The columns of that table, matching [`columns`](Self::columns).
    pub references: Vec<String>,
    /// `ON DELETE`, as SQL (`NO ACTION`, `CASCADE`, ...).
    pub on_delete: String,
    /// `ON UPDATE`, as SQL.
    pub on_update: String,
}

/// An index of a [`TableInfo`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexInfo {
    /// Its name.
    pub name: String,
    /// Its columns, in index order.
    pub columns: Vec<String>,
    /// Whether it is UNIQUE.
    pub unique: bool,
}

/// Connects to `url` and runs `f` on a connection: a `sqlite:` URL or a
/// file path, `postgres://`/`postgresql://`, or `mysql://`/`mariadb://`.
///
/// ```
/// let tables = sqlalgebra_cli::with_connection("sqlite::memory:", |conn| {
///     Ok(conn.inspect_schema()?.tables.len())
/// });
/// assert_eq!(tables.unwrap(), 0);
/// ```
///
/// # Errors
/// When the URL names no known backend, or connecting or `f` fails.
pub fn with_connection<T>(
    url: &str,
    f: impl FnOnce(&mut dyn DynConnection) -> Result<T>,
) -> Result<T> {
    let options = PoolOptions::default().size(1);
    if let Some(rest) = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
    {
        let engine =
            sqlalgebra_postgres::Postgres::connect_with(&format!("postgres://{rest}"), &options)?;
        f(&mut engine.connect()?)
    } else if let Some(rest) = url
        .strip_prefix("mysql://")
        .or_else(|| url.strip_prefix("mariadb://"))
    {
        let engine = sqlalgebra_mysql::Mysql::connect_with(&format!("mysql://{rest}"), &options)?;
        f(&mut engine.connect()?)
    } else if url.contains("://") && !url.starts_with("sqlite:") {
        Err(sqlalgebra::ErrorKind::Connection(
            format!("unknown database URL `{url}`: expected sqlite:, postgres:// or mysql://")
                .into(),
        )
        .into())
    } else {
        let url = if url.starts_with("sqlite:") {
            url.to_owned()
        } else {
            format!("sqlite:{url}")
        };
        let engine = sqlalgebra_sqlite::Sqlite::connect(&url, &options)?;
        f(&mut engine.connect()?)
    }
}

/// The connection [`with_connection`] hands out, whatever its backend.
pub trait DynConnection {
    /// [`inspect`] on this connection.
    ///
    /// # Errors
    /// As [`inspect`].
    fn inspect_schema(&mut self) -> Result<Schema>;
}

impl<C: Connection> DynConnection for C {
    fn inspect_schema(&mut self) -> Result<Schema> {
        inspect(self)
    }
}

/// Reads the database at `url` and prints its schema as Rust code.
///
/// ```
/// let code = sqlalgebra_cli::print_schema("sqlite::memory:").unwrap();
/// assert!(code.starts_with("//! The schema of a SQLite database"));
/// ```
///
/// # Errors
/// As [`with_connection`] and [`inspect`].
pub fn print_schema(url: &str) -> Result<String> {
    with_connection(url, |conn| Ok(print(&conn.inspect_schema()?)))
}
