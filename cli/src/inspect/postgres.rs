//! PostgreSQL's catalog (`pg_class`, `pg_attribute`, `pg_constraint`,
//! `pg_index`), for the tables of the current schema.

use sqlalgebra::prelude::*;
use sqlalgebra::{Connection, Result};

use super::{Raw, RawColumn, RawForeignKey, RawIndex};

/// The current schema's tables, as `c`.
const TABLES: &str =
    "pg_class c WHERE c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace";

pub(super) fn read<C: Connection>(conn: &mut C) -> Result<Raw> {
    let mut raw = Raw::default();
    let columns: Vec<(String, String, String, i64, Option<String>, i64)> = text(format!(
        "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), \
         (CASE WHEN a.attnotnull THEN 0 ELSE 1 END)::int8, pg_get_expr(d.adbin, d.adrelid), \
         (CASE WHEN a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%' \
         THEN 1 ELSE 0 END)::int8 \
         FROM {} ORDER BY c.relname, a.attnum",
        TABLES.replace(
            " WHERE",
            " JOIN pg_attribute a ON a.attrelid = c.oid \
             LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum \
             WHERE a.attnum > 0 AND NOT a.attisdropped AND"
        )
    ))
    .returns::<(Text, Text, Text, BigInt, Nullable<Text>, BigInt)>()
    .load(conn)?;
    for (table, name, type_name, nullable, default, autoincrement) in columns {
        let autoincrement = autoincrement != 0;
        raw.columns.push(RawColumn {
            table,
            name,
            type_name,
            nullable: nullable != 0,
            // A serial's `nextval(...)` is how it is assigned, not a default.
            default: default.filter(|_| !autoincrement),
            autoincrement,
        });
    }

    // Constraints, one row per column, in each constraint's column order.
    let constraints: Vec<(
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        String,
    )> = text(format!(
        "SELECT c.relname::text, k.conname::text, k.contype::text, a.attname::text, \
             r.relname::text, ra.attname::text, k.confdeltype::text, k.confupdtype::text \
             FROM {} ORDER BY c.relname, k.contype, k.conname, u.ord",
        TABLES.replace(
            " WHERE",
            " JOIN pg_constraint k ON k.conrelid = c.oid \
                 JOIN LATERAL unnest(k.conkey, coalesce(k.confkey, k.conkey)) \
                 WITH ORDINALITY AS u(attnum, refnum, ord) ON true \
                 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.attnum \
                 LEFT JOIN pg_class r ON r.oid = k.confrelid \
                 LEFT JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = u.refnum \
                 WHERE k.contype IN ('p', 'u', 'f') AND"
        )
    ))
    .returns::<(
        Text,
        Text,
        Text,
        Text,
        Nullable<Text>,
        Nullable<Text>,
        Text,
        Text,
    )>()
    .load(conn)?;
    for (table, name, kind, column, ref_table, ref_column, on_delete, on_update) in constraints {
        match kind.as_str() {
            "p" => raw.primary_key.push((table, column)),
            "u" => raw.indexes.push(RawIndex {
                table,
                name,
                unique: true,
                constraint: true,
                column,
            }),
            _ => raw.foreign_keys.push(RawForeignKey {
                table,
                id: name,
                column,
                references_table: ref_table.unwrap_or_default(),
                references_column: ref_column.unwrap_or_default(),
                on_delete: action(&on_delete),
                on_update: action(&on_update),
            }),
        }
    }

    // Indexes made by CREATE INDEX (not by a constraint), over columns.
    let indexes: Vec<(String, String, i64, String)> = text(format!(
        "SELECT c.relname::text, i.relname::text, (CASE WHEN x.indisunique THEN 1 ELSE 0 END)::int8, \
         a.attname::text FROM {} ORDER BY c.relname, i.relname, u.ord",
        TABLES.replace(
            " WHERE",
            " JOIN pg_index x ON x.indrelid = c.oid \
             JOIN pg_class i ON i.oid = x.indexrelid \
             JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS u(attnum, ord) ON true \
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.attnum \
             WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) AND"
        )
    ))
    .returns::<(Text, Text, BigInt, Text)>()
    .load(conn)?;
    for (table, name, unique, column) in indexes {
        raw.indexes.push(RawIndex {
            table,
            name,
            unique: unique != 0,
            constraint: false,
            column,
        });
    }
    Ok(raw)
}

/// `pg_constraint`'s letter for a referential action, as SQL.
fn action(letter: &str) -> String {
    match letter {
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        _ => "NO ACTION",
    }
    .to_owned()
}
