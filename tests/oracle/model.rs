//! The oracle's data model: a seeded PRNG, random schemas and data, the
//! DDL and INSERT text for each backend, and the typed tables the library
//! sees (`Tab<T>`, `Col<T, C>`: names from fixed pools, SQL type `Any`).

use sqlalgebra::prelude::*;
use sqlalgebra::types::Any;

/// Table names; a schema uses the first 2–5.
pub const TABLES: [&str; 5] = ["t0", "t1", "t2", "t3", "t4"];
/// Column names; column 0 is always the integer primary key `id`.
pub const COLS: [&str; 6] = ["id", "c1", "c2", "c3", "c4", "c5"];
/// Alias names for the second and later uses of a table in one statement;
/// the last, [`CTE`], is the name of a statement's common table expression.
pub const ALIASES: [&str; 9] = ["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "w"];
/// The "alias" of a source that is the statement's CTE (over a table).
pub const CTE: usize = 8;

/// Table `T` of the pool: its columns are described at run time.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tab<const T: usize>;
impl<const T: usize> Table for Tab<T> {
    const NAME: &'static str = TABLES[T];
    type Columns = Col<T, 0>;
    type PrimaryKey = Col<T, 0>;
}

/// Column `C` of table `T`, of run-time SQL type.
#[derive(Clone, Copy, Debug, Default)]
pub struct Col<const T: usize, const C: usize>;
impl<const T: usize, const C: usize> Column for Col<T, C> {
    type Table = Tab<T>;
    type SqlType = Any;
    const NAME: &'static str = COLS[C];
}

/// Calls `$f::<T, G..>($args)` for the run-time table index `$t`.
macro_rules! by_table {
    ($t:expr, $f:ident $(:: < $($g:ty),* >)? ( $($a:expr),* )) => {
        match $t {
            0 => $f::<0 $($(, $g)*)?>($($a),*),
            1 => $f::<1 $($(, $g)*)?>($($a),*),
            2 => $f::<2 $($(, $g)*)?>($($a),*),
            3 => $f::<3 $($(, $g)*)?>($($a),*),
            _ => $f::<4 $($(, $g)*)?>($($a),*),
        }
    };
}
pub(crate) use by_table;

/// Calls `$f::<G.., C>($args)` for the run-time column index `$c`
/// (inside a function generic over the `G`s).
macro_rules! by_col {
    ($c:expr, $f:ident :: < $($g:ident),* > ( $($a:expr),* )) => {
        match $c {
            0 => $f::<$($g,)* 0>($($a),*),
            1 => $f::<$($g,)* 1>($($a),*),
            2 => $f::<$($g,)* 2>($($a),*),
            3 => $f::<$($g,)* 3>($($a),*),
            4 => $f::<$($g,)* 4>($($a),*),
            _ => $f::<$($g,)* 5>($($a),*),
        }
    };
}
pub(crate) use by_col;

/// splitmix64: small, seeded, good enough for test generation.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The SQL value kinds the oracle generates.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Float,
    Text,
    Bool,
    Blob,
}

/// Qualified (`Kind::Int`): `Val` has variants of the same names, and a
/// printed case must read back as Rust.
impl std::fmt::Debug for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            Kind::Int => "Int",
            Kind::Float => "Float",
            Kind::Text => "Text",
            Kind::Bool => "Bool",
            Kind::Blob => "Blob",
        };
        write!(f, "Kind::{name}")
    }
}

/// A value: generated data, literals, and normalized results.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
    Blob(Vec<u8>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ColDef {
    pub kind: Kind,
    pub nullable: bool,
    /// `REFERENCES t<fk>(id)` (an `Int` column).
    pub fk: Option<usize>,
    /// Text columns: only ASCII data (`lower`/`upper` fold only ASCII on
    /// SQLite, all letters on the servers).
    pub ascii: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TableDef {
    /// Column 0 is `id`, an `Int` primary key.
    pub cols: Vec<ColDef>,
    pub rows: Vec<Vec<Val>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    pub tables: Vec<TableDef>,
}

/// Strings that break naive quoting, matching and collation, and none of
/// the legit server differences (no NUL: PostgreSQL text refuses it).
pub const HOSTILE: [&str; 24] = [
    "",
    " ",
    "a",
    "A",
    "a ",
    "ab",
    "Ab",
    "abc",
    "ABC",
    "O'Brien",
    "\"q\"",
    "50%",
    "a_b",
    "a%b",
    "back\\slash",
    "é",
    "É",
    "e\u{301}",
    "日本",
    "🦀",
    "🦀x",
    "x1",
    "1 2",
    "--",
];

fn gen_val(rng: &mut Rng, kind: Kind, ascii: bool) -> Val {
    match kind {
        Kind::Int => Val::Int(rng.below(21) as i64 - 10),
        Kind::Float => Val::Float((rng.below(41) as f64 - 20.0) / 4.0),
        Kind::Bool => Val::Bool(rng.chance(50)),
        Kind::Blob => {
            let n = rng.below(4);
            Val::Blob((0..n).map(|_| *rng.pick(&[0u8, 1, b'a', 0xff])).collect())
        }
        Kind::Text => {
            let s = *rng.pick(&HOSTILE);
            if ascii && !s.is_ascii() {
                Val::Text(format!("x{}", rng.below(3)))
            } else {
                Val::Text(s.to_owned())
            }
        }
    }
}

/// A value of `kind` for a literal in a statement.
pub fn literal(rng: &mut Rng, kind: Kind) -> Val {
    gen_val(rng, kind, false)
}

impl Schema {
    /// 2–5 tables of 2–6 columns; integer columns may reference an
    /// earlier table's `id`; 0–8 rows each.
    pub fn generate(rng: &mut Rng) -> Schema {
        let n = 2 + rng.below(4);
        let mut tables: Vec<TableDef> = Vec::new();
        for t in 0..n {
            let mut cols = vec![ColDef {
                kind: Kind::Int,
                nullable: false,
                fk: None,
                ascii: true,
            }];
            for _ in 0..1 + rng.below(5) {
                let kind = *rng.pick(&[
                    Kind::Int,
                    Kind::Int,
                    Kind::Text,
                    Kind::Text,
                    Kind::Float,
                    Kind::Bool,
                    Kind::Blob,
                ]);
                let fk = (kind == Kind::Int && t > 0 && rng.chance(40)).then(|| rng.below(t));
                cols.push(ColDef {
                    kind,
                    nullable: rng.chance(60),
                    fk,
                    ascii: rng.chance(30),
                });
            }
            let mut ids: Vec<i64> = (1..=20).collect();
            let nrows = rng.below(9);
            let mut rows = Vec::new();
            for _ in 0..nrows {
                let id = ids.remove(rng.below(ids.len()));
                let mut row = vec![Val::Int(id)];
                for c in &cols[1..] {
                    let v = if c.nullable && rng.chance(25) {
                        Val::Null
                    } else if let Some(target) = c.fk {
                        let parent: &TableDef = &tables[target];
                        if parent.rows.is_empty() {
                            if c.nullable { Val::Null } else { Val::Int(0) }
                        } else {
                            parent.rows[rng.below(parent.rows.len())][0].clone()
                        }
                    } else {
                        gen_val(rng, c.kind, c.ascii)
                    };
                    row.push(v);
                }
                rows.push(row);
            }
            // A NOT NULL reference to an empty table cannot be filled.
            for c in &mut cols {
                if let Some(target) = c.fk
                    && tables[target].rows.is_empty()
                {
                    c.fk = None;
                }
            }
            tables.push(TableDef { cols, rows });
        }
        Schema { tables }
    }

    pub fn kind(&self, table: usize, col: usize) -> Kind {
        self.tables[table].cols[col].kind
    }

    /// Whether some foreign key points at `table`.
    pub fn referenced(&self, table: usize) -> bool {
        self.tables
            .iter()
            .any(|t| t.cols.iter().any(|c| c.fk == Some(table)))
    }

    /// CREATE TABLE statements for `backend` ("sqlite", "postgres",
    /// "mysql"), in dependency order.
    pub fn ddl(&self, backend: &str) -> Vec<String> {
        let q = |s: &str| {
            if backend == "mysql" {
                format!("`{s}`")
            } else {
                format!("\"{s}\"")
            }
        };
        let mut out = Vec::new();
        for (t, table) in self.tables.iter().enumerate() {
            let mut cols = Vec::new();
            for (c, def) in table.cols.iter().enumerate() {
                let ty = match (def.kind, backend) {
                    (Kind::Int, "sqlite") => "INTEGER",
                    (Kind::Int, _) => "BIGINT",
                    (Kind::Float, "sqlite") => "REAL",
                    (Kind::Float, "postgres") => "DOUBLE PRECISION",
                    (Kind::Float, _) => "DOUBLE",
                    (Kind::Text, "mysql") => "VARCHAR(64)",
                    (Kind::Text, _) => "TEXT",
                    (Kind::Bool, _) => "BOOLEAN",
                    (Kind::Blob, "postgres") => "BYTEA",
                    (Kind::Blob, "mysql") => "VARBINARY(16)",
                    (Kind::Blob, _) => "BLOB",
                };
                let mut col = format!("{} {ty}", q(COLS[c]));
                if c == 0 {
                    col.push_str(" PRIMARY KEY");
                } else if !def.nullable {
                    col.push_str(" NOT NULL");
                }
                if let Some(target) = def.fk {
                    col.push_str(&format!(" REFERENCES {} ({})", q(TABLES[target]), q("id")));
                }
                cols.push(col);
            }
            out.push(format!(
                "CREATE TABLE {} ({})",
                q(TABLES[t]),
                cols.join(", ")
            ));
        }
        out
    }

    /// The INSERT statements of the data (one per table with rows).
    pub fn inserts(&self, backend: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (t, table) in self.tables.iter().enumerate() {
            if table.rows.is_empty() {
                continue;
            }
            let rows: Vec<String> = table
                .rows
                .iter()
                .map(|r| {
                    let vals: Vec<String> = r.iter().map(|v| sql_literal(v, backend)).collect();
                    format!("({})", vals.join(", "))
                })
                .collect();
            let name = if backend == "mysql" {
                format!("`{}`", TABLES[t])
            } else {
                format!("\"{}\"", TABLES[t])
            };
            out.push(format!("INSERT INTO {name} VALUES {}", rows.join(", ")));
        }
        out
    }
}

/// A value as a SQL literal for `backend`.
pub fn sql_literal(v: &Val, backend: &str) -> String {
    match v {
        Val::Null => "NULL".into(),
        Val::Int(i) => i.to_string(),
        Val::Float(f) => format!("{f:?}"),
        Val::Bool(b) => match (backend, b) {
            ("sqlite", true) => "1".into(),
            ("sqlite", false) => "0".into(),
            (_, true) => "TRUE".into(),
            (_, false) => "FALSE".into(),
        },
        Val::Text(s) => {
            let s = s.replace('\'', "''");
            if backend == "mysql" {
                format!("'{}'", s.replace('\\', "\\\\"))
            } else {
                format!("'{s}'")
            }
        }
        Val::Blob(b) => {
            let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
            match backend {
                "postgres" => format!("'\\x{hex}'::bytea"),
                _ => format!("X'{hex}'"),
            }
        }
    }
}
