//! Writes a [`Schema`] as the Rust code a user of sqlalgebra writes by
//! hand: unit structs implementing `Table` and `Column`, a `Model` per
//! table, `BelongsTo`/`HasMany` per foreign key.

use std::fmt::Write;

use crate::names::{camel, model, snake};
use crate::relations::{print_all_tables, print_relationships};
use crate::sql_types::{Mapped, map};
use crate::{ColumnInfo, ForeignKeyInfo, Schema, TableInfo};

/// The most columns a table's column list (a tuple) holds.
pub(crate) const MAX_COLUMNS: usize = 16;

/// What the printer knows of one table while it writes the others.
pub(crate) struct Names {
    pub(crate) table: String,
    pub(crate) module: String,
    /// The model's name when the table gets one.
    pub(crate) model: Option<String>,
    /// Column struct names, in column order.
    pub(crate) columns: Vec<String>,
    /// Field names, in column order.
    pub(crate) fields: Vec<String>,
    pub(crate) types: Vec<Mapped>,
}

/// Prints `schema` as Rust code (formatted by `rustfmt` when it is on the
/// `PATH`, else laid out by hand).
///
/// ```
/// use sqlalgebra_cli::{ColumnInfo, Schema, TableInfo};
/// let schema = Schema {
///     dialect: "postgres",
///     tables: vec![TableInfo {
///         name: "tags".into(),
///         columns: vec![ColumnInfo {
///             name: "label".into(),
///             type_name: "text".into(),
///             ..ColumnInfo::default()
///         }],
///         primary_key: vec!["label".into()],
///         ..TableInfo::default()
///     }],
/// };
/// let code = sqlalgebra_cli::print(&schema);
/// assert!(code.contains("pub struct Tags;"));
/// assert!(code.contains("type Key = String;"));
/// ```
pub fn print(schema: &Schema) -> String {
    let code = print_unformatted(schema);
    rustfmt(&code).unwrap_or(code)
}

/// Runs `rustfmt` (2024 edition) over `code`; `None` when it is not there
/// or fails.
fn rustfmt(code: &str) -> Option<String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(code.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).ok())
        .flatten()
}

fn print_unformatted(schema: &Schema) -> String {
    let backend = match schema.dialect {
        "sqlite" => "SQLite",
        "postgres" => "PostgreSQL",
        _ => "MySQL/MariaDB",
    };
    let mut names: Vec<Names> = Vec::new();
    let mut taken: Vec<String> = schema.tables.iter().map(|t| camel(&t.name)).collect();
    for t in &schema.tables {
        let types: Vec<Mapped> = t
            .columns
            .iter()
            .map(|c| map(schema.dialect, &c.type_name, c.json_check))
            .collect();
        let has_model = !t.primary_key.is_empty()
            && t.columns.len() <= MAX_COLUMNS
            && key_columns(t).all(|i| !types[i].rust.starts_with('f'));
        let model = has_model.then(|| {
            let m = model(&t.name, &taken);
            taken.push(m.clone());
            m
        });
        names.push(Names {
            table: camel(&t.name),
            module: snake(&t.name),
            model,
            columns: unique_names(t.columns.iter().map(|c| camel(&c.name))),
            fields: unique_names(t.columns.iter().map(|c| snake(&c.name))),
            types,
        });
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! The schema of a {backend} database, printed by `sqlalgebra-cli print-schema`:\n\
         //! tables, columns and models as you would write them by hand. Edit freely.\n"
    );
    let uses_index = schema.tables.iter().any(|t| !t.indexes.is_empty());
    let uses_composite = schema
        .tables
        .iter()
        .any(|t| t.foreign_keys.iter().any(|k| k.columns.len() > 1));
    let mut imports = Vec::new();
    if uses_composite {
        imports.push("CompositeForeignKey");
    }
    if uses_index {
        imports.push("Index");
    }
    out.push_str("use sqlalgebra::prelude::*;\n");
    if !imports.is_empty() {
        let _ = writeln!(out, "use sqlalgebra::schema::{{{}}};", imports.join(", "));
    }

    for (t, n) in schema.tables.iter().zip(&names) {
        out.push('\n');
        if t.columns.len() > MAX_COLUMNS {
            let _ = writeln!(
                out,
                "// Table `{}` has {} columns; a column list holds at most {MAX_COLUMNS}: not printed.",
                t.name,
                t.columns.len()
            );
            continue;
        }
        if t.primary_key.is_empty() {
            let _ = writeln!(
                out,
                "// Table `{}` has no primary key, which `Table` needs: not printed.",
                t.name
            );
            continue;
        }
        print_table(&mut out, t, n, schema, &names);
        if let Some(model) = &n.model {
            print_model(&mut out, t, n, model);
        } else {
            let _ = writeln!(
                out,
                "\n// No model for `{}`: a floating-point key cannot key the identity map.",
                t.name
            );
        }
    }
    print_relationships(&mut out, schema, &names);
    print_all_tables(&mut out, schema, &names);
    out
}

/// `names` made unique by a numeric suffix where two are equal.
fn unique_names(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let mut candidate = name.clone();
        let mut n = 2;
        while out.contains(&candidate) {
            candidate = format!("{name}{n}");
            n += 1;
        }
        out.push(candidate);
    }
    out
}

/// The indexes, in `t.columns`, of the primary key's columns.
fn key_columns(t: &TableInfo) -> impl Iterator<Item = usize> + '_ {
    t.primary_key
        .iter()
        .filter_map(|k| t.columns.iter().position(|c| c.name == *k))
}

/// `m::A` for one column, `(m::A, m::B)` for several.
fn column_list(n: &Names, t: &TableInfo, columns: &[String], prefix: &str) -> String {
    let paths: Vec<String> = columns
        .iter()
        .filter_map(|c| t.columns.iter().position(|x| x.name == *c))
        .map(|i| format!("{prefix}{}::{}", n.module, n.columns[i]))
        .collect();
    match paths.as_slice() {
        [one] => one.clone(),
        _ => format!("({})", paths.join(", ")),
    }
}

fn print_table(out: &mut String, t: &TableInfo, n: &Names, schema: &Schema, names: &[Names]) {
    let all: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
    let _ = writeln!(
        out,
        "/// The `{}` table.\n#[derive(Clone, Copy, Debug, Default)]\npub struct {};\n\
         impl Table for {} {{\n    const NAME: &'static str = {:?};\n    type Columns = {};\n    \
         type PrimaryKey = {};",
        t.name,
        n.table,
        n.table,
        t.name,
        tuple(&column_list(n, t, &all, "")),
        column_list(n, t, &t.primary_key, ""),
    );
    if !t.indexes.is_empty() {
        let list: Vec<String> = t
            .indexes
            .iter()
            .map(|ix| {
                let f = if ix.unique { "unique_index" } else { "index" };
                format!(
                    "{f}::<{}>({:?})",
                    column_list(n, t, &ix.columns, ""),
                    ix.name
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "    const INDEXES: &'static [Index] = &[{}];",
            list.join(", ")
        );
    }
    let composite: Vec<String> = t
        .foreign_keys
        .iter()
        .filter(|k| k.columns.len() > 1)
        .filter_map(|k| {
            let (pt, pn) = parent(schema, names, k)?;
            Some(format!(
                "foreign_key::<{}, {}>(){}",
                column_list(n, t, &k.columns, ""),
                column_list(pn, pt, &k.references, ""),
                actions(k)
            ))
        })
        .collect();
    if !composite.is_empty() {
        let _ = writeln!(
            out,
            "    const FOREIGN_KEYS: &'static [CompositeForeignKey] = &[{}];",
            composite.join(", ")
        );
    }
    out.push_str("}\n\n");

    let _ = writeln!(
        out,
        "/// The columns of `{}`.\npub mod {} {{\n    use sqlalgebra::prelude::*;",
        t.name, n.module
    );
    for (i, c) in t.columns.iter().enumerate() {
        print_column(out, t, n, i, c, schema, names);
    }
    out.push_str("}\n");
}

/// A type list: `(A,)` for one.
pub(crate) fn tuple(list: &str) -> String {
    if list.starts_with('(') {
        list.to_owned()
    } else {
        format!("({list},)")
    }
}

/// The referenced table of `k` and its names, when it was printed.
pub(crate) fn parent<'s>(
    schema: &'s Schema,
    names: &'s [Names],
    k: &ForeignKeyInfo,
) -> Option<(&'s TableInfo, &'s Names)> {
    let i = schema.tables.iter().position(|t| t.name == k.table)?;
    let t = &schema.tables[i];
    printed(t).then_some((t, &names[i]))
}

/// Whether `t` is printed: it has a primary key and few enough columns.
pub(crate) fn printed(t: &TableInfo) -> bool {
    !t.primary_key.is_empty() && t.columns.len() <= MAX_COLUMNS
}

fn actions(k: &ForeignKeyInfo) -> String {
    let mut s = String::new();
    for (method, action) in [("on_delete", &k.on_delete), ("on_update", &k.on_update)] {
        let variant = match action.as_str() {
            "CASCADE" => "Cascade",
            "RESTRICT" => "Restrict",
            "SET NULL" => "SetNull",
            "SET DEFAULT" => "SetDefault",
            _ => continue,
        };
        let _ = write!(s, ".{method}(ReferentialAction::{variant})");
    }
    s
}

fn print_column(
    out: &mut String,
    t: &TableInfo,
    n: &Names,
    i: usize,
    c: &ColumnInfo,
    schema: &Schema,
    names: &[Names],
) {
    let ty = &n.types[i];
    let sql = if c.nullable {
        format!("Nullable<{}>", ty.sql)
    } else {
        ty.sql.clone()
    };
    out.push('\n');
    if let Some(note) = &ty.note {
        let _ = writeln!(out, "    // {note}");
    }
    let _ = writeln!(
        out,
        "    #[derive(Clone, Copy, Debug, Default)]\n    pub struct {col};\n    \
         impl Column for {col} {{\n        type Table = super::{table};\n        \
         type SqlType = {sql};\n        const NAME: &'static str = {name:?};",
        col = n.columns[i],
        table = n.table,
        name = c.name,
    );
    if c.autoincrement {
        out.push_str("        const AUTOINCREMENT: bool = true;\n");
    }
    if c.unique {
        out.push_str("        const UNIQUE: bool = true;\n");
    }
    if let Some(default) = c
        .default
        .as_deref()
        .and_then(|d| default(schema.dialect, d, ty))
    {
        let _ = writeln!(
            out,
            "        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::{default});"
        );
    }
    let single = t
        .foreign_keys
        .iter()
        .find(|k| k.columns.len() == 1 && k.columns[0] == c.name);
    if let Some(k) = single {
        match parent(schema, names, k) {
            Some((pt, pn)) => {
                let _ = writeln!(
                    out,
                    "        const REFERENCES: Option<ForeignKey> =\n            \
                     Some(ForeignKey::to::<{}>(){});",
                    column_list(pn, pt, &k.references, "super::"),
                    actions(k)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "        // References `{}`, which is not printed here.",
                    k.table
                );
            }
        }
    }
    out.push_str("    }\n");
}

/// A column default as a `ColumnDefault` variant, from the SQL text the
/// catalog holds; `None` for `NULL`.
fn default(dialect: &str, sql: &str, ty: &Mapped) -> Option<String> {
    let s = sql.trim();
    // PostgreSQL writes `'draft'::character varying`, `(-1)`.
    let s = match (dialect, s.rfind("::")) {
        ("postgres", Some(at)) if !s[at..].contains('\'') => s[..at].trim(),
        _ => s,
    };
    let s = s
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(s);
    let lower = s.to_ascii_lowercase();
    if lower == "null" {
        return None;
    }
    if let Some(inner) = s.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')) {
        let text = inner.replace("''", "'");
        return Some(match ty.rust {
            "i64" | "i32" | "i16" if text.parse::<i64>().is_ok() => format!("Int({text})"),
            "f64" | "f32" if text.parse::<f64>().is_ok() => format!("Float({text:?})"),
            _ => format!("Text({text:?})"),
        });
    }
    if ty.rust == "bool" {
        match lower.as_str() {
            "true" | "1" | "b'1'" => return Some("Bool(true)".into()),
            "false" | "0" | "b'0'" => return Some("Bool(false)".into()),
            _ => {}
        }
    }
    if let Ok(i) = s.parse::<i64>() {
        return Some(format!("Int({i})"));
    }
    if let Ok(f) = s.parse::<f64>() {
        return Some(format!("Float({f:?})"));
    }
    let now = lower.trim_end_matches("()");
    if matches!(now, "now" | "current_timestamp" | "localtimestamp")
        || lower.starts_with("current_timestamp(")
    {
        return Some("Now".into());
    }
    // MySQL 8 writes text defaults without quotes.
    if dialect == "mysql" && ty.rust == "String" && !s.contains('(') {
        return Some(format!("Text({s:?})"));
    }
    Some(format!("Sql({s:?})"))
}

fn print_model(out: &mut String, t: &TableInfo, n: &Names, model: &str) {
    let rust: Vec<String> = t
        .columns
        .iter()
        .zip(&n.types)
        .map(|(c, ty)| {
            if c.nullable {
                format!("Option<{}>", ty.rust)
            } else {
                ty.rust.to_owned()
            }
        })
        .collect();
    let _ = writeln!(
        out,
        "\n/// A row of `{}`.\n#[derive(Debug, Clone, PartialEq)]\npub struct {model} {{",
        t.name
    );
    for (f, r) in n.fields.iter().zip(&rust) {
        let _ = writeln!(out, "    pub {f}: {r},");
    }
    let all: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
    let keys: Vec<usize> = key_columns(t).collect();
    let key_type = match keys.as_slice() {
        [one] => rust[*one].clone(),
        _ => format!(
            "({})",
            keys.iter()
                .map(|&i| rust[i].as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let key_value = |i: usize| {
        if ["String", "Vec<u8>"].contains(&rust[i].as_str()) {
            format!("self.{}.clone()", n.fields[i])
        } else {
            format!("self.{}", n.fields[i])
        }
    };
    let key_expr = match keys.as_slice() {
        [one] => key_value(*one),
        _ => format!(
            "({})",
            keys.iter()
                .map(|&i| key_value(i))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let fields = n.fields.join(", ");
    let _ = writeln!(
        out,
        "}}\nimpl Model for {model} {{\n    type Table = {table};\n    type Columns = {columns};\n    \
         type Row = {row};\n    type Key = {key_type};\n    \
         fn from_row({pattern}: Self::Row) -> Self {{\n        {model} {{ {fields} }}\n    }}\n    \
         fn values(&self) -> {refs} {{\n        {values}\n    }}\n    \
         fn key(&self) -> {key_type} {{\n        {key_expr}\n    }}",
        table = n.table,
        columns = tuple(&column_list(n, t, &all, "")),
        row = tuple(&rust.join(", ")),
        pattern = tuple(&fields),
        refs = tuple(
            &rust
                .iter()
                .map(|r| format!("&{r}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        values = tuple(
            &n.fields
                .iter()
                .map(|f| format!("&self.{f}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    if let [one] = keys.as_slice()
        && t.columns[*one].autoincrement
    {
        let f = &n.fields[*one];
        let assign = if rust[*one] == "i64" {
            format!("self.{f} = id;")
        } else {
            format!("self.{f} = id.try_into().expect(\"the generated key fits the column\");")
        };
        let _ = writeln!(
            out,
            "    fn set_generated_key(&mut self, id: i64) {{\n        {assign}\n    }}"
        );
    }
    out.push_str("}\n");
}
