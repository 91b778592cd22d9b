//! Which sqlalgebra SQL type and Rust type a database type name maps to.

/// A column's types in the printed code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mapped {
    /// The SQL type marker, without `Nullable<..>`: `BigInt`, `Varchar<30>`.
    pub(crate) sql: String,
    /// The Rust type of a NOT NULL value: `i64`, `String`.
    pub(crate) rust: &'static str,
    /// Why the mapping is not exact, for a comment in the code.
    pub(crate) note: Option<String>,
}

fn mapped(sql: &str, rust: &'static str) -> Mapped {
    Mapped {
        sql: sql.to_owned(),
        rust,
        note: None,
    }
}

/// Maps `type_name` as `dialect` reports it (`"sqlite"`, `"postgres"`,
/// `"mysql"`).
pub(crate) fn map(dialect: &str, type_name: &str, json_check: bool) -> Mapped {
    let lower = type_name.trim().to_ascii_lowercase();
    let (base, args) = match lower.split_once('(') {
        Some((base, rest)) => (
            base.trim(),
            rest.split(')').next().unwrap_or("").trim().to_owned(),
        ),
        None => (lower.as_str(), String::new()),
    };
    let unsigned = lower.contains("unsigned");
    let length = args
        .split(',')
        .next()
        .and_then(|n| n.trim().parse::<u32>().ok());
    let text = || mapped("Text", "String");
    match base {
        "smallint" | "int2" | "tinyint"
            if !(dialect == "mysql" && base == "tinyint" && length == Some(1)) =>
        {
            if unsigned {
                mapped("Integer", "i32")
            } else {
                mapped("SmallInt", "i16")
            }
        }
        "tinyint" | "boolean" | "bool" => mapped("Bool", "bool"),
        // SQLite's integers are 64-bit whatever their declared name.
        "integer" | "int" | "int4" | "mediumint" if dialect != "sqlite" && !unsigned => {
            mapped("Integer", "i32")
        }
        "integer" | "int" | "int4" | "mediumint" | "bigint" | "int8" => {
            if unsigned && base == "bigint" {
                Mapped {
                    note: Some(format!("`{type_name}` above 2^63 - 1 does not fit i64")),
                    ..mapped("BigInt", "i64")
                }
            } else {
                mapped("BigInt", "i64")
            }
        }
        // SQLite's REAL is 8 bytes.
        "real" if dialect == "sqlite" => mapped("Double", "f64"),
        "real" | "float4" | "float" => mapped("Real", "f32"),
        "double" | "double precision" | "float8" => mapped("Double", "f64"),
        "varchar" | "character varying" | "nvarchar" => match length {
            Some(n) => mapped(&format!("Varchar<{n}>"), "String"),
            None => text(),
        },
        "longtext" if json_check => mapped("Json", "String"),
        "text" | "longtext" | "mediumtext" | "tinytext" | "clob" => text(),
        // The library stores UUIDs as CHAR(36) on MySQL.
        "char" | "character" | "bpchar" if dialect == "mysql" && length == Some(36) => {
            mapped("Uuid", "String")
        }
        "char" | "character" | "bpchar" => Mapped {
            note: Some(format!("`{type_name}` pads its values with spaces")),
            ..text()
        },
        "blob" | "bytea" | "longblob" | "mediumblob" | "tinyblob" | "binary" | "varbinary" => {
            mapped("Blob", "Vec<u8>")
        }
        "date" => mapped("Date", "String"),
        "time" | "time without time zone" => mapped("Time", "String"),
        "timestamp" | "timestamp without time zone" | "datetime" => mapped("Timestamp", "String"),
        "timestamp with time zone" | "timestamptz" => mapped("TimestampTz", "String"),
        "uuid" => mapped("Uuid", "String"),
        "json" => mapped("Json", "String"),
        "jsonb" => mapped("Jsonb", "String"),
        "numeric" | "decimal" => mapped("Numeric", "String"),
        _ => Mapped {
            note: Some(format!(
                "`{type_name}` has no sqlalgebra type: declared as Text, check it"
            )),
            ..text()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::map;

    #[test]
    fn names_map_per_dialect() {
        assert_eq!(map("sqlite", "INTEGER", false).sql, "BigInt");
        assert_eq!(map("postgres", "integer", false).sql, "Integer");
        assert_eq!(
            map("postgres", "character varying(30)", false).sql,
            "Varchar<30>"
        );
        assert_eq!(map("mysql", "tinyint(1)", false).sql, "Bool");
        assert_eq!(map("mysql", "tinyint(4)", false).sql, "SmallInt");
        assert_eq!(map("mysql", "int(10) unsigned", false).sql, "BigInt");
        assert_eq!(map("mysql", "longtext", true).sql, "Json");
        assert_eq!(map("mysql", "char(36)", false).sql, "Uuid");
        assert_eq!(map("sqlite", "REAL", false).rust, "f64");
        assert_eq!(map("postgres", "numeric(10,2)", false).sql, "Numeric");
        let unknown = map("postgres", "inet", false);
        assert_eq!((unknown.sql.as_str(), unknown.rust), ("Text", "String"));
        assert!(unknown.note.unwrap().contains("`inet`"));
    }
}
