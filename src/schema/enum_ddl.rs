//! DDL of SQL enums: PostgreSQL's `CREATE TYPE ... AS ENUM`, created
//! before the tables that use it and dropped after them, and SQLite's
//! `CHECK` of an enum column's labels.

use super::TableDef;
use crate::render::Dialect;
use crate::types::{EnumType, SqlKind};

/// The enum types the tables of `defs` use, each once, in order of first use.
pub(crate) fn enum_types(defs: &[TableDef]) -> Vec<&'static EnumType> {
    let mut out: Vec<&'static EnumType> = Vec::new();
    for col in defs.iter().flat_map(|d| &d.columns) {
        // An array of an enum needs the enum too.
        let kind = match col.kind {
            SqlKind::Array(of) => *of,
            kind => kind,
        };
        if let SqlKind::Enum(e) = kind
            && !out.iter().any(|o| o.name == e.name)
        {
            out.push(e);
        }
    }
    out
}

/// Writes `'a', 'b'`: the labels as string literals.
fn write_labels(sql: &mut String, dialect: &dyn Dialect, e: &EnumType) {
    for (i, label) in e.labels.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        dialect.write_string_literal(sql, label);
    }
}

/// `CREATE TYPE "name" AS ENUM ('a', 'b')`, doing nothing when the type
/// exists already (PostgreSQL has no `IF NOT EXISTS` here): a `DO` block
/// whose dollar-quote tag does not occur in the statement.
pub(crate) fn create_type(dialect: &dyn Dialect, e: &EnumType) -> String {
    let mut body = String::from("BEGIN CREATE TYPE ");
    dialect.write_ident(&mut body, e.name);
    body.push_str(" AS ENUM (");
    write_labels(&mut body, dialect, e);
    body.push_str("); EXCEPTION WHEN duplicate_object THEN NULL; END");
    let mut tag = String::from("$e$");
    let mut n = 0u32;
    while body.contains(tag.as_str()) {
        n += 1;
        tag = format!("$e{n}$");
    }
    format!("DO {tag} {body} {tag}")
}

/// `DROP TYPE IF EXISTS "name"`.
pub(crate) fn drop_type(dialect: &dyn Dialect, e: &EnumType) -> String {
    let mut sql = String::from("DROP TYPE IF EXISTS ");
    dialect.write_ident(&mut sql, e.name);
    sql
}

/// ` CHECK ("col" IN ('a', 'b'))` after an enum column, on the dialects
/// that [check enum labels](Dialect::checks_enum_labels).
pub(crate) fn write_label_check(
    sql: &mut String,
    dialect: &dyn Dialect,
    column: &str,
    kind: SqlKind,
) {
    if let SqlKind::Enum(e) = kind
        && dialect.checks_enum_labels()
    {
        sql.push_str(" CHECK (");
        dialect.write_ident(sql, column);
        sql.push_str(" IN (");
        write_labels(sql, dialect, e);
        sql.push_str("))");
    }
}
