//! MySQL's and MariaDB's `information_schema`, for the tables of the
//! current database.

use sqlalgebra::prelude::*;
use sqlalgebra::{Connection, Result};

use super::{Raw, RawColumn, RawForeignKey, RawIndex};

pub(super) fn read<C: Connection>(conn: &mut C) -> Result<Raw> {
    let mut raw = Raw::default();
    let columns: Vec<(String, String, String, i64, Option<String>, i64)> = text(
        "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_TYPE, \
         CAST(c.IS_NULLABLE = 'YES' AS SIGNED), c.COLUMN_DEFAULT, \
         CAST(c.EXTRA LIKE '%auto_increment%' AS SIGNED) \
         FROM information_schema.COLUMNS c JOIN information_schema.TABLES t \
         ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME \
         WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE' \
         ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION",
    )
    .returns::<(Text, Text, Text, BigInt, Nullable<Text>, BigInt)>()
    .load(conn)?;
    for (table, name, type_name, nullable, default, autoincrement) in columns {
        raw.columns.push(RawColumn {
            table,
            name,
            type_name,
            nullable: nullable != 0,
            // MariaDB reports "no default" of a nullable column as `NULL`.
            default: default.filter(|d| d != "NULL"),
            autoincrement: autoincrement != 0,
        });
    }

    let indexes: Vec<(String, String, i64, String)> = text(
        "SELECT TABLE_NAME, INDEX_NAME, CAST(NON_UNIQUE AS SIGNED), COLUMN_NAME \
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
         ORDER BY TABLE_NAME, INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX",
    )
    .returns::<(Text, Text, BigInt, Text)>()
    .load(conn)?;
    for (table, name, non_unique, column) in indexes {
        if name == "PRIMARY" {
            raw.primary_key.push((table, column));
            continue;
        }
        // A column's own UNIQUE makes a unique index named after it.
        let constraint = non_unique == 0 && name == column;
        raw.indexes.push(RawIndex {
            table,
            name,
            unique: non_unique == 0,
            constraint,
            column,
        });
    }

    let keys: Vec<(String, String, String, String, String, String, String)> = text(
        "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, \
         k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE \
         FROM information_schema.KEY_COLUMN_USAGE k \
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
         ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
         AND r.TABLE_NAME = k.TABLE_NAME \
         WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL \
         ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    )
    .returns::<(Text, Text, Text, Text, Text, Text, Text)>()
    .load(conn)?;
    // InnoDB reports its default, NO ACTION, as RESTRICT (they are the
    // same there).
    let action = |a: String| {
        if a == "RESTRICT" {
            "NO ACTION".to_owned()
        } else {
            a
        }
    };
    for (table, id, column, references_table, references_column, on_delete, on_update) in keys {
        let (on_delete, on_update) = (action(on_delete), action(on_update));
        raw.foreign_keys.push(RawForeignKey {
            table,
            id,
            column,
            references_table,
            references_column,
            on_delete,
            on_update,
        });
    }

    // MariaDB's JSON is a LONGTEXT with a `json_valid` check (MySQL 8 has
    // a JSON type and no such check; its CHECK_CONSTRAINTS lacks TABLE_NAME).
    if conn.dialect().name() == "mariadb" {
        let checks: Vec<(String, String)> = text(
            "SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA = DATABASE()",
        )
        .returns::<(Text, Text)>()
        .load(conn)?;
        for (table, clause) in checks {
            if let Some(column) = clause
                .strip_prefix("json_valid(`")
                .and_then(|rest| rest.strip_suffix("`)"))
            {
                raw.json_checks.push((table, column.to_owned()));
            }
        }
    }
    Ok(raw)
}
