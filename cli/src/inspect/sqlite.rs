//! SQLite's catalog: `sqlite_schema` and the `pragma_*` table functions.

use sqlalgebra::prelude::*;
use sqlalgebra::{Connection, Result};

use super::{Raw, RawColumn, RawForeignKey, RawIndex};

/// The user tables, for every query below.
const TABLES: &str = "sqlite_schema m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'";

pub(super) fn read<C: Connection>(conn: &mut C) -> Result<Raw> {
    let mut raw = Raw::default();
    let columns: Vec<(String, String, String, i64, Option<String>, i64)> = text(format!(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk \
         FROM {} ORDER BY m.name, p.cid",
        TABLES.replace(" WHERE", ", pragma_table_info(m.name) p WHERE")
    ))
    .returns::<(Text, Text, Text, BigInt, Nullable<Text>, BigInt)>()
    .load(conn)?;
    // A single INTEGER key column is the rowid: the database assigns it
    // (with or without the AUTOINCREMENT keyword).
    let mut key_columns: Vec<(String, i64, String, String)> = Vec::new();
    for (table, name, type_name, not_null, default, pk) in &columns {
        if *pk > 0 {
            key_columns.push((table.clone(), *pk, name.clone(), type_name.clone()));
        }
        raw.columns.push(RawColumn {
            table: table.clone(),
            name: name.clone(),
            type_name: type_name.clone(),
            // The rowid key reports `notnull = 0` but is never NULL.
            nullable: *not_null == 0 && *pk == 0,
            default: default.clone(),
            autoincrement: false,
        });
    }
    key_columns.sort();
    for (table, _, name, type_name) in &key_columns {
        let alone = key_columns.iter().filter(|k| k.0 == *table).count() == 1;
        if alone
            && type_name.eq_ignore_ascii_case("INTEGER")
            && let Some(c) = raw
                .columns
                .iter_mut()
                .find(|c| c.table == *table && c.name == *name)
        {
            c.autoincrement = true;
        }
        raw.primary_key.push((table.clone(), name.clone()));
    }

    let keys: Vec<(String, i64, String, String, Option<String>, String, String)> = text(format!(
        "SELECT m.name, f.id, f.\"from\", f.\"table\", f.\"to\", f.on_delete, f.on_update \
         FROM {} ORDER BY m.name, f.id, f.seq",
        TABLES.replace(" WHERE", ", pragma_foreign_key_list(m.name) f WHERE")
    ))
    .returns::<(Text, BigInt, Text, Text, Nullable<Text>, Text, Text)>()
    .load(conn)?;
    for (table, id, column, references_table, to, on_delete, on_update) in keys {
        // `to` is NULL when the key names no column: the parent's key.
        let references_column = match to {
            Some(to) => to,
            None => raw
                .primary_key
                .iter()
                .find(|(t, _)| *t == references_table)
                .map(|(_, c)| c.clone())
                .unwrap_or_default(),
        };
        raw.foreign_keys.push(RawForeignKey {
            table,
            id: id.to_string(),
            column,
            references_table,
            references_column,
            on_delete,
            on_update,
        });
    }

    let indexes: Vec<(String, String, i64, String, String)> = text(format!(
        "SELECT m.name, il.name, il.\"unique\", il.origin, ii.name FROM {} \
         AND il.origin <> 'pk' AND ii.name IS NOT NULL ORDER BY m.name, il.name, ii.seqno",
        TABLES.replace(
            " WHERE",
            ", pragma_index_list(m.name) il, pragma_index_info(il.name) ii WHERE"
        )
    ))
    .returns::<(Text, Text, BigInt, Text, Text)>()
    .load(conn)?;
    for (table, name, unique, origin, column) in indexes {
        raw.indexes.push(RawIndex {
            table,
            name,
            unique: unique != 0,
            constraint: origin == "u",
            column,
        });
    }
    Ok(raw)
}
