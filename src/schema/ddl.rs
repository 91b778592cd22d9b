//! CREATE / DROP TABLE from the schema metadata, in foreign-key order.

use super::Table;
use super::enum_ddl::{create_type, drop_type, enum_types};
use super::meta::{ColumnDef, ColumnDefault, ReferentialAction, TableDef};
use crate::conn::Connection;
use crate::error::{ErrorKind, Result};
use crate::render::Dialect;
use crate::types::SqlKind;

/// A set of tables, written as a tuple: `(Users, Addresses)`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a table or a tuple of tables",
    note = "write the tables as a tuple: `create_all::<(Users, Addresses)>(&mut conn)`"
)]
pub trait TableList {
    /// The metadata of each table, in the order written.
    fn defs() -> Vec<TableDef>;
}

impl<T: Table> TableList for T {
    fn defs() -> Vec<TableDef> {
        vec![TableDef::of::<T>()]
    }
}

macro_rules! tuple_table_list {
    ($($T:ident $S:ident),+) => {
        impl<$($T: Table),+> TableList for ($($T,)+) {
            fn defs() -> Vec<TableDef> {
                vec![$(TableDef::of::<$T>()),+]
            }
        }
    };
}
crate::macros::for_tuples!(tuple_table_list);

/// Orders tables so that every table comes after the tables it references
/// (stable: otherwise in the order given).
///
/// # Errors
/// [`ErrorKind::DependencyCycle`] naming the tables that reference each other.
pub(crate) fn dependency_order(mut defs: Vec<TableDef>) -> Result<Vec<TableDef>> {
    let mut ordered: Vec<TableDef> = Vec::with_capacity(defs.len());
    while !defs.is_empty() {
        let ready = defs.iter().position(|d| {
            d.dependencies().all(|dep| {
                ordered.iter().any(|o| o.name == dep) || !defs.iter().any(|o| o.name == dep)
            })
        });
        match ready {
            Some(i) => ordered.push(defs.remove(i)),
            None => {
                return Err(ErrorKind::DependencyCycle(
                    defs.iter().map(|d| d.name.to_owned()).collect(),
                )
                .into());
            }
        }
    }
    Ok(ordered)
}

/// The DDL of one table: `CREATE TABLE` and its `CREATE INDEX` statements.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::schema::create_table;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Debug)] struct Ansi;
/// # impl sqlalgebra::render::Dialect for Ansi { fn name(&self) -> &'static str { "ansi" } }
/// let sql = create_table::<T>().statements(&Ansi).unwrap();
/// assert_eq!(sql, [r#"CREATE TABLE IF NOT EXISTS "t" ("a" BIGINT NOT NULL, PRIMARY KEY ("a"))"#]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CreateTable {
    def: TableDef,
}

/// The DDL that creates table `T`.
pub fn create_table<T: Table>() -> CreateTable {
    CreateTable {
        def: TableDef::of::<T>(),
    }
}

impl CreateTable {
    /// DDL for the table described by `def`.
    pub fn new(def: TableDef) -> Self {
        CreateTable { def }
    }

    /// The statements, in order, for `dialect`.
    ///
    /// # Errors
    /// When the schema asks for something the dialect cannot do (an
    /// autoincrement column in a composite key, an array column outside
    /// PostgreSQL: [`ErrorKind::Unsupported`]).
    pub fn statements(&self, dialect: &dyn Dialect) -> Result<Vec<String>> {
        let def = &self.def;
        let mut sql = String::with_capacity(256);
        sql.push_str("CREATE TABLE ");
        if dialect.supports_if_exists() {
            sql.push_str("IF NOT EXISTS ");
        }
        dialect.write_ident(&mut sql, def.name);
        sql.push_str(" (");
        let mut inline_key = false;
        for (i, col) in def.columns.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            inline_key |= write_column(&mut sql, dialect, def, col)?;
        }
        if !inline_key && !def.primary_key.is_empty() {
            sql.push_str(", PRIMARY KEY (");
            write_ident_list(&mut sql, dialect, def.primary_key);
            sql.push(')');
        }
        for col in &def.columns {
            if let Some(fk) = col.references {
                sql.push_str(", FOREIGN KEY (");
                dialect.write_ident(&mut sql, col.name);
                sql.push_str(") REFERENCES ");
                dialect.write_ident(&mut sql, fk.table);
                sql.push_str(" (");
                dialect.write_ident(&mut sql, fk.column);
                sql.push(')');
                write_actions(&mut sql, fk.on_delete, fk.on_update);
            }
        }
        for fk in def.foreign_keys {
            if fk.columns.len() != fk.references.len() || fk.columns.is_empty() {
                return Err(ErrorKind::InvalidStatement(format!(
                    "foreign key of `{}` from {} column(s) to {} column(s) of `{}`",
                    def.name,
                    fk.columns.len(),
                    fk.references.len(),
                    fk.table
                ))
                .into());
            }
            sql.push_str(", FOREIGN KEY (");
            write_ident_list(&mut sql, dialect, fk.columns);
            sql.push_str(") REFERENCES ");
            dialect.write_ident(&mut sql, fk.table);
            sql.push_str(" (");
            write_ident_list(&mut sql, dialect, fk.references);
            sql.push(')');
            write_actions(&mut sql, fk.on_delete, fk.on_update);
        }
        for chk in def.checks {
            sql.push_str(", CONSTRAINT ");
            dialect.write_ident(&mut sql, chk.name);
            sql.push_str(" CHECK (");
            sql.push_str(chk.sql);
            sql.push(')');
        }
        let inline_indexes = !dialect.supports_index_if_not_exists();
        if inline_indexes {
            for idx in def.indexes {
                sql.push_str(if idx.unique {
                    ", UNIQUE INDEX "
                } else {
                    ", INDEX "
                });
                dialect.write_ident(&mut sql, idx.name);
                sql.push_str(" (");
                write_ident_list(&mut sql, dialect, idx.columns);
                sql.push(')');
            }
        }
        sql.push(')');
        let mut out = vec![sql];
        if !inline_indexes {
            for idx in def.indexes {
                let mut s = String::from(if idx.unique {
                    "CREATE UNIQUE INDEX IF NOT EXISTS "
                } else {
                    "CREATE INDEX IF NOT EXISTS "
                });
                dialect.write_ident(&mut s, idx.name);
                s.push_str(" ON ");
                dialect.write_ident(&mut s, def.name);
                s.push_str(" (");
                write_ident_list(&mut s, dialect, idx.columns);
                s.push(')');
                out.push(s);
            }
        }
        Ok(out)
    }
}

fn write_ident_list(sql: &mut String, dialect: &dyn Dialect, names: &[&str]) {
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        dialect.write_ident(sql, n);
    }
}

/// Writes ` ON DELETE ...` / ` ON UPDATE ...` where they are not the default.
fn write_actions(sql: &mut String, on_delete: ReferentialAction, on_update: ReferentialAction) {
    for (word, action) in [(" ON DELETE ", on_delete), (" ON UPDATE ", on_update)] {
        if action != ReferentialAction::NoAction {
            sql.push_str(word);
            sql.push_str(action.sql());
        }
    }
}

/// Whether a column's values are compared as keys (primary key, unique,
/// indexed, referenced), which MySQL refuses for unbounded TEXT.
fn is_keyed(def: &TableDef, col: &ColumnDef) -> bool {
    col.unique
        || col.references.is_some()
        || def
            .foreign_keys
            .iter()
            .any(|fk| fk.columns.contains(&col.name))
        || def.primary_key.contains(&col.name)
        || def.indexes.iter().any(|i| i.columns.contains(&col.name))
}

/// Writes one column definition; returns whether it carried the primary key.
fn write_column(
    sql: &mut String,
    dialect: &dyn Dialect,
    def: &TableDef,
    col: &ColumnDef,
) -> Result<bool> {
    dialect.write_ident(sql, col.name);
    sql.push(' ');
    if col.autoincrement {
        if def.primary_key != [col.name] {
            return Err(ErrorKind::InvalidStatement(format!(
                "autoincrement column `{}.{}` must be the whole primary key",
                def.name, col.name
            ))
            .into());
        }
        dialect.write_autoincrement_key(sql, col.kind);
        return Ok(true);
    }
    let kind = col.kind;
    if matches!(kind, SqlKind::Array(_)) && !dialect.binds_arrays() {
        return Err(ErrorKind::Unsupported {
            dialect: dialect.name(),
            feature: "array columns",
        }
        .into());
    }
    let bounded_key = matches!(kind, SqlKind::Text | SqlKind::Blob)
        && !dialect.can_index_unbounded_text()
        && is_keyed(def, col);
    if bounded_key {
        dialect.write_bounded_key_type(sql, kind);
    } else {
        dialect.write_type(sql, kind);
    }
    if !col.nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(d) = col.default {
        sql.push_str(" DEFAULT ");
        let parens = matches!(
            kind,
            SqlKind::Text | SqlKind::Blob | SqlKind::Json | SqlKind::Jsonb
        ) && !bounded_key
            && !matches!(d, ColumnDefault::Sql(_))
            && dialect.parenthesize_unbounded_defaults();
        if parens {
            sql.push('(');
        }
        write_default(sql, dialect, d);
        if parens {
            sql.push(')');
        }
    }
    if col.unique {
        sql.push_str(" UNIQUE");
    }
    super::enum_ddl::write_label_check(sql, dialect, col.name, kind);
    if let Some(c) = col.check {
        sql.push_str(" CHECK (");
        sql.push_str(c);
        sql.push(')');
    }
    Ok(false)
}

fn write_default(sql: &mut String, dialect: &dyn Dialect, d: ColumnDefault) {
    match d {
        ColumnDefault::Int(i) => crate::render::push_int(sql, i),
        ColumnDefault::Float(f) => {
            use std::fmt::Write;
            let _ = write!(sql, "{f:?}");
        }
        ColumnDefault::Bool(b) => sql.push_str(dialect.bool_literal(b)),
        ColumnDefault::Text(t) => dialect.write_string_literal(sql, t),
        ColumnDefault::Now => sql.push_str(dialect.current_timestamp()),
        ColumnDefault::Sql(s) => {
            sql.push('(');
            sql.push_str(s);
            sql.push(')');
        }
    }
}

/// The DDL that drops a table.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::schema::drop_table;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Debug)] struct Ansi;
/// # impl sqlalgebra::render::Dialect for Ansi { fn name(&self) -> &'static str { "ansi" } }
/// assert_eq!(drop_table::<T>().sql(&Ansi), r#"DROP TABLE IF EXISTS "t""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DropTable {
    name: &'static str,
}

/// The DDL that drops table `T` if it exists.
pub fn drop_table<T: Table>() -> DropTable {
    DropTable { name: T::NAME }
}

impl DropTable {
    /// The statement for `dialect`.
    pub fn sql(&self, dialect: &dyn Dialect) -> String {
        let mut sql = String::from("DROP TABLE ");
        if dialect.supports_if_exists() {
            sql.push_str("IF EXISTS ");
        }
        dialect.write_ident(&mut sql, self.name);
        sql
    }
}

/// Creates every table of `L` (a table or a tuple of tables) that does not
/// exist yet, referenced tables first, with their indexes, in one
/// transaction where the database has transactional DDL. On PostgreSQL the
/// SQL enums its columns use ([`Enum<E>`](crate::types::Enum)) are created
/// first, unless they exist.
///
/// # Errors
/// [`ErrorKind::DependencyCycle`] when foreign keys form a cycle; any error of
/// the database, after which nothing was created (SQLite, PostgreSQL).
pub fn create_all<L: TableList>(conn: &mut impl Connection) -> Result<()> {
    let order = dependency_order(L::defs())?;
    let dialect = conn.dialect();
    let mut statements = Vec::new();
    if dialect.creates_enum_types() {
        let types = enum_types(&order);
        statements.extend(types.iter().map(|e| create_type(dialect, e)));
    }
    for def in order {
        statements.extend(CreateTable::new(def).statements(dialect)?);
    }
    conn.transaction(|c| statements.iter().try_for_each(|s| c.batch_execute(s)))
}

/// Drops every table of `L` that exists, referencing tables first; on
/// PostgreSQL then the SQL enums its columns use.
///
/// # Errors
/// [`ErrorKind::DependencyCycle`] when foreign keys form a cycle; any error of
/// the database.
pub fn drop_all<L: TableList>(conn: &mut impl Connection) -> Result<()> {
    let order = dependency_order(L::defs())?;
    let dialect = conn.dialect();
    let mut statements: Vec<String> = order
        .iter()
        .rev()
        .map(|d| DropTable { name: d.name }.sql(dialect))
        .collect();
    if dialect.creates_enum_types() {
        let types = enum_types(&order);
        statements.extend(types.iter().map(|e| drop_type(dialect, e)));
    }
    conn.transaction(|c| statements.iter().try_for_each(|s| c.batch_execute(s)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::meta::{ColumnDef, ForeignKey, ReferentialAction};

    fn def(name: &'static str, refs: &[&'static str]) -> TableDef {
        TableDef {
            name,
            columns: refs
                .iter()
                .map(|r| ColumnDef {
                    name: "fk",
                    kind: SqlKind::BigInt,
                    nullable: false,
                    autoincrement: false,
                    default: None,
                    unique: false,
                    check: None,
                    references: Some(ForeignKey {
                        table: r,
                        column: "id",
                        on_delete: ReferentialAction::NoAction,
                        on_update: ReferentialAction::NoAction,
                    }),
                })
                .collect(),
            primary_key: &[],
            indexes: &[],
            checks: &[],
            foreign_keys: &[],
        }
    }

    #[test]
    fn parents_come_first_and_order_is_stable() {
        let order = dependency_order(vec![
            def("comments", &["posts", "users"]),
            def("posts", &["users"]),
            def("users", &[]),
            def("tags", &[]),
        ])
        .unwrap();
        let names: Vec<_> = order.iter().map(|d| d.name).collect();
        assert_eq!(names, ["users", "posts", "comments", "tags"]);
    }

    #[test]
    fn self_references_and_outside_tables_are_not_dependencies() {
        let order = dependency_order(vec![def("employees", &["employees", "elsewhere"])]).unwrap();
        assert_eq!(order[0].name, "employees");
    }

    #[test]
    fn a_cycle_is_an_error_naming_the_tables() {
        let err =
            dependency_order(vec![def("a", &["b"]), def("b", &["a"]), def("c", &[])]).unwrap_err();
        match err.into_kind() {
            ErrorKind::DependencyCycle(t) => assert_eq!(t, ["a", "b"]),
            other => panic!("unexpected {other:?}"),
        }
    }
}
