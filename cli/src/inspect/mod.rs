//! Reads a live database's tables, columns, keys and indexes from its
//! catalog: one module per backend writes the catalog queries, this one
//! puts their rows together.

mod mysql;
mod postgres;
mod sqlite;

use std::collections::BTreeMap;

use sqlalgebra::{Connection, ErrorKind, Result};

use crate::{ColumnInfo, ForeignKeyInfo, IndexInfo, Schema, TableInfo};

/// Reads every table of the connection's database (SQLite: the main
/// database; PostgreSQL: the current schema; MySQL/MariaDB: the current
/// database) with its columns, primary key, foreign keys, unique
/// constraints, defaults and indexes.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # fn main() -> sqlalgebra::Result<()> {
/// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
/// let mut conn = engine.connect()?;
/// conn.batch_execute(
///     "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE);
///      CREATE TABLE posts (id INTEGER PRIMARY KEY,
///                          user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE);",
/// )?;
/// let schema = sqlalgebra_cli::inspect(&mut conn)?;
/// let posts = &schema.tables[0];
/// assert_eq!(posts.name, "posts");
/// assert_eq!(posts.foreign_keys[0].table, "users");
/// assert_eq!(posts.foreign_keys[0].on_delete, "CASCADE");
/// assert!(schema.tables[1].columns[1].unique);
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`ErrorKind::Unsupported`] for a backend it cannot read, or the database's
/// error.
pub fn inspect<C: Connection>(conn: &mut C) -> Result<Schema> {
    let dialect = conn.dialect().name();
    let (name, raw) = match dialect {
        "sqlite" => ("sqlite", sqlite::read(conn)?),
        "postgresql" => ("postgres", postgres::read(conn)?),
        "mysql" | "mariadb" => ("mysql", mysql::read(conn)?),
        _ => {
            return Err(ErrorKind::Unsupported {
                dialect,
                feature: "print-schema",
            }
            .into());
        }
    };
    Ok(raw.assemble(name))
}

/// The catalog's rows, as each backend reads them.
#[derive(Default)]
struct Raw {
    columns: Vec<RawColumn>,
    /// (table, column), in key order.
    primary_key: Vec<(String, String)>,
    foreign_keys: Vec<RawForeignKey>,
    indexes: Vec<RawIndex>,
    /// (table, column) of the columns with a `json_valid` check.
    json_checks: Vec<(String, String)>,
}

struct RawColumn {
    table: String,
    name: String,
    type_name: String,
    nullable: bool,
    default: Option<String>,
    autoincrement: bool,
}

/// One column of a foreign key; `id` tells the keys of a table apart.
struct RawForeignKey {
    table: String,
    id: String,
    column: String,
    references_table: String,
    references_column: String,
    on_delete: String,
    on_update: String,
}

/// One column of an index.
struct RawIndex {
    table: String,
    name: String,
    unique: bool,
    /// Made by a UNIQUE constraint rather than CREATE INDEX.
    constraint: bool,
    column: String,
}

impl Raw {
    fn assemble(self, dialect: &'static str) -> Schema {
        let mut tables: BTreeMap<String, TableInfo> = BTreeMap::new();
        for c in self.columns {
            let table = tables.entry(c.table.clone()).or_insert_with(|| TableInfo {
                name: c.table.clone(),
                ..TableInfo::default()
            });
            let json_check = self
                .json_checks
                .iter()
                .any(|(t, n)| *t == c.table && *n == c.name);
            table.columns.push(ColumnInfo {
                name: c.name,
                type_name: c.type_name,
                nullable: c.nullable,
                autoincrement: c.autoincrement,
                default: c.default,
                unique: false,
                json_check,
            });
        }
        for (table, column) in self.primary_key {
            if let Some(t) = tables.get_mut(&table) {
                t.primary_key.push(column);
            }
        }
        // Keys arrive column by column, each key's rows together.
        let mut keys: Vec<(String, String, ForeignKeyInfo)> = Vec::new();
        for fk in self.foreign_keys {
            match keys
                .last_mut()
                .filter(|(t, id, _)| *t == fk.table && *id == fk.id)
            {
                Some((_, _, last)) => {
                    last.columns.push(fk.column);
                    last.references.push(fk.references_column);
                }
                None => keys.push((
                    fk.table,
                    fk.id,
                    ForeignKeyInfo {
                        columns: vec![fk.column],
                        table: fk.references_table,
                        references: vec![fk.references_column],
                        on_delete: fk.on_delete,
                        on_update: fk.on_update,
                    },
                )),
            }
        }
        let key_names: Vec<(String, String, Vec<String>)> = keys
            .iter()
            .map(|(t, id, fk)| (t.clone(), id.clone(), fk.columns.clone()))
            .collect();
        for (table, _, fk) in keys {
            if let Some(t) = tables.get_mut(&table) {
                t.foreign_keys.push(fk);
            }
        }
        let mut indexes: Vec<(String, IndexInfo, bool)> = Vec::new();
        for ix in self.indexes {
            match indexes
                .last_mut()
                .filter(|(t, i, _)| *t == ix.table && i.name == ix.name)
            {
                Some((_, last, _)) => last.columns.push(ix.column),
                None => indexes.push((
                    ix.table,
                    IndexInfo {
                        name: ix.name,
                        columns: vec![ix.column],
                        unique: ix.unique,
                    },
                    ix.constraint,
                )),
            }
        }
        for (table, mut index, constraint) in indexes {
            let Some(t) = tables.get_mut(&table) else {
                continue;
            };
            if index.unique && constraint && index.columns.len() == 1 {
                if let Some(c) = t.columns.iter_mut().find(|c| c.name == index.columns[0]) {
                    c.unique = true;
                }
                continue;
            }
            if !index.unique && backs_a_foreign_key(&key_names, &table, &index) {
                continue;
            }
            if constraint {
                // A constraint's index has a name the database made up
                // (SQLite's `sqlite_autoindex_*` cannot even be created).
                index.name = format!("uq_{}_{}", t.name, index.columns.join("_"));
            }
            t.indexes.push(index);
        }
        for t in tables.values_mut() {
            let position = |c: &str| t.columns.iter().position(|x| x.name == c);
            let mut keys = std::mem::take(&mut t.foreign_keys);
            keys.sort_by_key(|k| position(&k.columns[0]));
            t.foreign_keys = keys;
            t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Schema {
            dialect,
            tables: tables.into_values().collect(),
        }
    }
}

/// An index MySQL made for a foreign key: named after the key's constraint
/// or its first column, over exactly its columns.
fn backs_a_foreign_key(
    keys: &[(String, String, Vec<String>)],
    table: &str,
    index: &IndexInfo,
) -> bool {
    keys.iter().any(|(t, id, columns)| {
        t == table && *columns == index.columns && (index.name == *id || index.name == columns[0])
    })
}
