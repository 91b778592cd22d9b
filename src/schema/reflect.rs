//! Reflection: read the tables of a live database into run-time tables and
//! columns that the same algebra can query.

use std::collections::BTreeMap;

use crate::conn::Connection;
use crate::error::{ErrorKind, Result};
use crate::expr::Expression;
use crate::query::{RunQuery, Selection, Value, text};
use crate::render::{Render, SqlWriter, TableRef, TableSet, add_table};
use crate::types::{Any, BigInt, ColumnTypes, SqlKind, Text};
use crate::value::{DecodeError, FromRow, FromSqlValue, Row, ValueRef};

/// The tables of a database, as read by [`reflect`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::schema::reflect;
/// use sqlalgebra::query::Value;
/// # fn main() -> sqlalgebra::Result<()> {
/// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
/// let mut conn = engine.connect()?;
/// text("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)").execute(&mut conn)?;
/// text("INSERT INTO users (name) VALUES ('alice'), ('bob')").execute(&mut conn)?;
///
/// let meta = reflect(&mut conn)?;
/// let users = meta.table("users")?;
/// assert_eq!(users.primary_key(), ["id"]);
/// let rows: Vec<Vec<Value>> = select(users.columns())
///     .filter(users.col("name")?.eq("bob"))
///     .load(&mut conn)?;
/// assert_eq!(rows, [vec![Value::Int(2), Value::Text("bob".into())]]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetaData {
    tables: BTreeMap<String, DynTable>,
}

impl MetaData {
    /// The table named `name`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidStatement`] naming the table when there is none.
    pub fn table(&self, name: &str) -> Result<&DynTable> {
        self.tables.get(name).ok_or_else(|| {
            ErrorKind::InvalidStatement(format!("no table `{name}` was reflected")).into()
        })
    }

    /// All tables, by name.
    pub fn tables(&self) -> impl Iterator<Item = &DynTable> {
        self.tables.values()
    }
}

/// A table read from the database.
#[derive(Debug, Clone, PartialEq)]
pub struct DynTable {
    name: String,
    columns: Vec<DynColumnDef>,
}

/// A reflected column's description.
#[derive(Debug, Clone, PartialEq)]
pub struct DynColumnDef {
    /// The column name.
    pub name: String,
    /// The database's name of its type, as reported.
    pub type_name: String,
    /// The SQL type it maps to, when sqlalgebra knows the name.
    pub kind: Option<SqlKind>,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// Whether it is (part of) the primary key.
    pub primary_key: bool,
}

impl DynTable {
    /// The table name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The columns' descriptions, in table order.
    pub fn column_defs(&self) -> &[DynColumnDef] {
        &self.columns
    }

    /// The names of the primary key's columns.
    pub fn primary_key(&self) -> Vec<&str> {
        self.columns
            .iter()
            .filter(|c| c.primary_key)
            .map(|c| c.name.as_str())
            .collect()
    }

    /// The column named `name`, as an expression of run-time type
    /// ([`Any`]): it compares with and loads any value, checked when the
    /// query runs.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidStatement`] naming the column when the table has none.
    pub fn col(&self, name: &str) -> Result<DynColumn<'_>> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .map(|c| DynColumn {
                table: &self.name,
                name: &c.name,
            })
            .ok_or_else(|| {
                ErrorKind::InvalidStatement(format!("table `{}` has no column `{name}`", self.name))
                    .into()
            })
    }

    /// All columns, for `select(table.columns())`; rows load into
    /// `Vec<Value>`.
    pub fn columns(&self) -> DynColumns<'_> {
        DynColumns {
            columns: self
                .columns
                .iter()
                .map(|c| DynColumn {
                    table: &self.name,
                    name: &c.name,
                })
                .collect(),
        }
    }
}

/// A reflected column in a query: renders `"table"."column"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DynColumn<'m> {
    table: &'m str,
    name: &'m str,
}

#[diagnostic::do_not_recommend]
impl Render for DynColumn<'_> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_qualified(self.table, self.name);
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        add_table(out, TableRef::new(self.table));
    }
}

#[diagnostic::do_not_recommend]
impl Expression for DynColumn<'_> {
    type SqlType = Any;
}

/// Several reflected columns selected at once; a row loads into
/// `Vec<Value>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynColumns<'m> {
    columns: Vec<DynColumn<'m>>,
}

/// The row type of a [`DynColumns`] selection: as many values as columns,
/// known at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnyRow;

#[diagnostic::do_not_recommend]
impl Render for DynColumns<'_> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_list(&self.columns, ", ");
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        for c in &self.columns {
            c.collect_tables(out);
        }
    }
}

#[diagnostic::do_not_recommend]
impl Selection for DynColumns<'_> {
    type SqlType = AnyRow;
}

/// As many columns as the row has from where it starts, of any type.
#[diagnostic::do_not_recommend]
impl ColumnTypes for AnyRow {
    const COLUMNS: Option<usize> = None;
    const FIRST_NOT_NULL: Option<usize> = None;
}

#[diagnostic::do_not_recommend]
impl FromSqlValue for Value {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        Ok(Value::from_ref(v))
    }
}

/// A whole row of run-time shape: every column from `at` to the end.
#[diagnostic::do_not_recommend]
impl FromRow<AnyRow> for Vec<Value> {
    const WIDTH: usize = 0;
    fn from_row<R: Row + ?Sized>(row: &mut R, at: usize) -> Result<Self> {
        (at..row.len())
            .map(|i| row.value(i).map(Value::from_ref))
            .collect()
    }
}

/// Maps a database type name to the SQL type kind it stands for.
fn kind_of(type_name: &str) -> Option<SqlKind> {
    let t = type_name.to_ascii_lowercase();
    let t = t.trim();
    let base = t.split('(').next().unwrap_or(t).trim();
    let length = t
        .split_once('(')
        .and_then(|(_, rest)| rest.trim_end_matches(')').split(',').next())
        .and_then(|n| n.trim().parse::<u32>().ok());
    Some(match base {
        "smallint" | "int2" => SqlKind::SmallInt,
        "integer" | "int" | "int4" | "mediumint" => SqlKind::Integer,
        "bigint" | "int8" => SqlKind::BigInt,
        "tinyint" if length == Some(1) => SqlKind::Bool,
        "real" | "float4" | "float" => SqlKind::Real,
        "double" | "double precision" | "float8" => SqlKind::Double,
        "boolean" | "bool" => SqlKind::Bool,
        "varchar" | "character varying" => match length {
            Some(n) => SqlKind::Varchar(n),
            None => SqlKind::Text,
        },
        "text" | "char" | "character" | "longtext" | "mediumtext" | "tinytext" | "clob" => {
            SqlKind::Text
        }
        "blob" | "bytea" | "longblob" | "mediumblob" | "tinyblob" | "binary" | "varbinary" => {
            SqlKind::Blob
        }
        "date" => SqlKind::Date,
        "time" | "time without time zone" => SqlKind::Time,
        "timestamp" | "timestamp without time zone" | "datetime" => SqlKind::Timestamp,
        _ => return None,
    })
}

/// Reads every table of the connection's current database (SQLite: the
/// main database; PostgreSQL: the current schema; MySQL: the current
/// database), with its columns, their types, nullability and primary key.
///
/// # Errors
/// [`ErrorKind::Unsupported`] for a dialect that cannot reflect, or the
/// database's error.
pub fn reflect(conn: &mut impl Connection) -> Result<MetaData> {
    let dialect = conn.dialect();
    let Some(sql) = dialect.reflect_columns_sql() else {
        return Err(ErrorKind::Unsupported {
            dialect: dialect.name(),
            feature: "reflection",
        }
        .into());
    };
    let rows: Vec<(String, String, String, i64, i64)> = text(sql)
        .returns::<(Text, Text, Text, BigInt, BigInt)>()
        .load(conn)?;
    let mut meta = MetaData::default();
    for (table, name, type_name, nullable, primary_key) in rows {
        let t = meta
            .tables
            .entry(table.clone())
            .or_insert_with(|| DynTable {
                name: table,
                columns: Vec::new(),
            });
        t.columns.push(DynColumnDef {
            kind: kind_of(&type_name),
            name,
            type_name,
            nullable: nullable != 0,
            primary_key: primary_key != 0,
        });
    }
    Ok(meta)
}

// Dynamic columns name their table at run time: checked when rendered.
impl<L> crate::query::InScope<L, ()> for DynColumn<'_> {}
impl<L> crate::query::InScope<L, ()> for DynColumns<'_> {}
impl<'a> crate::query::Scoped for DynColumn<'a> {
    type Check = Self;
}
impl<'a> crate::query::Scoped for DynColumns<'a> {
    type Check = Self;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_map_to_kinds() {
        assert_eq!(kind_of("INTEGER"), Some(SqlKind::Integer));
        assert_eq!(kind_of("character varying(30)"), Some(SqlKind::Varchar(30)));
        assert_eq!(kind_of("VARCHAR"), Some(SqlKind::Text));
        assert_eq!(kind_of("tinyint(1)"), Some(SqlKind::Bool));
        assert_eq!(kind_of("double precision"), Some(SqlKind::Double));
        assert_eq!(kind_of("bytea"), Some(SqlKind::Blob));
        assert_eq!(
            kind_of("timestamp without time zone"),
            Some(SqlKind::Timestamp)
        );
        assert_eq!(kind_of("geometry"), None);
    }
}
