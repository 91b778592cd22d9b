//! Running one statement two ways and comparing: the library's statement
//! on a backend, the expected SQL text on a reference SQLite database.

use sqlalgebra::prelude::*;
use sqlalgebra::query::Value;
use sqlalgebra::schema::AnyRow;

use super::ast::{Stmt, print_stmt};
use super::build::run_query;
use super::dml::run_write;
use super::model::{COLS, Kind, Schema, TABLES, Val};

/// What a statement did: its rows (in order when `ordered`), or its
/// rows-affected count and the tables' contents afterwards, or an error.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Rows(Vec<Vec<Val>>),
    Write(Option<u64>, Vec<Vec<Vec<Val>>>),
    Error(String),
}

/// A value as the comparison sees it (see the rules in `tests/oracle.rs`).
fn norm(v: Value) -> Val {
    match v {
        Value::Null => Val::Null,
        Value::Int(i) => Val::Int(i),
        Value::Float(f) => Val::Float(f),
        Value::Bool(b) => Val::Int(i64::from(b)),
        Value::Text(s) => Val::Text(s),
        Value::Blob(b) => Val::Blob(b),
        Value::Decimal { mantissa, scale } => {
            if scale == 0 {
                match i64::try_from(mantissa) {
                    Ok(i) => Val::Int(i),
                    Err(_) => Val::Float(mantissa as f64),
                }
            } else {
                Val::Float(mantissa as f64 / 10f64.powi(scale as i32))
            }
        }
        other => Val::Text(format!("{other:?}")),
    }
}

fn norm_ref(v: rusqlite::types::ValueRef<'_>) -> Val {
    use rusqlite::types::ValueRef as R;
    match v {
        R::Null => Val::Null,
        R::Integer(i) => Val::Int(i),
        R::Real(f) => Val::Float(f),
        R::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
        R::Blob(b) => Val::Blob(b.to_vec()),
    }
}

/// A sort and comparison key: numbers as rounded floats.
fn key(row: &[Val]) -> String {
    let mut out = String::new();
    for v in row {
        match v {
            Val::Null => out.push_str("N|"),
            Val::Int(i) => out.push_str(&format!("F{:.6}|", *i as f64)),
            Val::Float(f) => out.push_str(&format!("F{:.6}|", f + 0.0)),
            Val::Bool(b) => out.push_str(&format!("F{:.6}|", f64::from(u8::from(*b)))),
            Val::Text(s) => out.push_str(&format!("T{s:?}|")),
            Val::Blob(b) => out.push_str(&format!("B{b:?}|")),
        }
    }
    out
}

/// Whether two outcomes agree; `ordered`: rows in the same order.
pub fn agree(a: &Outcome, b: &Outcome, ordered: bool) -> bool {
    match (a, b) {
        (Outcome::Rows(x), Outcome::Rows(y)) => {
            let mut kx: Vec<String> = x.iter().map(|r| key(r)).collect();
            let mut ky: Vec<String> = y.iter().map(|r| key(r)).collect();
            if !ordered {
                kx.sort();
                ky.sort();
            }
            kx == ky
        }
        (Outcome::Write(n, x), Outcome::Write(m, y)) => {
            let same = |a: &Vec<Vec<Val>>, b: &Vec<Vec<Val>>| {
                a.len() == b.len() && a.iter().zip(b).all(|(r, s)| key(r) == key(s))
            };
            (n.is_none() || m.is_none() || n == m)
                && x.len() == y.len()
                && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Outcome::Error(_), Outcome::Error(_)) => true,
        _ => false,
    }
}

/// Whether two library outcomes fail alike: both rows, both writes, or
/// errors that begin alike (the server's or the library's message).
pub fn same_kind(a: &Outcome, b: &Outcome) -> bool {
    match (a, b) {
        (Outcome::Rows(_), Outcome::Rows(_)) | (Outcome::Write(..), Outcome::Write(..)) => true,
        (Outcome::Error(x), Outcome::Error(y)) => {
            let head = |s: &str| s.chars().take(24).collect::<String>();
            head(x) == head(y)
        }
        _ => false,
    }
}

/// The reference: an in-memory SQLite database run through rusqlite.
pub struct Reference {
    pub conn: rusqlite::Connection,
}

impl Reference {
    /// The reference database of `schema`; `None` when its data does not
    /// fit (a shrunk case that lost a referenced row).
    pub fn new(schema: &Schema) -> Option<Reference> {
        let conn = rusqlite::Connection::open_in_memory().expect("reference database");
        let mut sql = String::from("PRAGMA foreign_keys = ON;\n");
        for s in schema
            .ddl("sqlite")
            .into_iter()
            .chain(schema.inserts("sqlite"))
        {
            sql.push_str(&s);
            sql.push_str(";\n");
        }
        conn.execute_batch(&sql).ok()?;
        Some(Reference { conn })
    }

    fn rows(&self, sql: &str) -> rusqlite::Result<Vec<Vec<Val>>> {
        let mut st = self.conn.prepare(sql)?;
        let n = st.column_count();
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push((0..n).map(|i| norm_ref(r.get_ref_unwrap(i))).collect());
        }
        Ok(out)
    }

    /// Every table's rows, by id.
    pub fn contents(&self, schema: &Schema) -> Vec<Vec<Vec<Val>>> {
        (0..schema.tables.len())
            .map(|t| {
                self.rows(&format!("SELECT * FROM \"{}\" ORDER BY \"id\"", TABLES[t]))
                    .expect("reference contents")
            })
            .collect()
    }

    pub fn run(&self, schema: &Schema, s: &Stmt) -> Outcome {
        let sql = print_stmt(s);
        if s.writes() {
            match self.conn.execute(&sql, []) {
                Ok(n) => Outcome::Write(count_of(s, n as u64), self.contents(schema)),
                Err(e) => Outcome::Error(e.to_string()),
            }
        } else {
            match self.rows(&sql) {
                Ok(rows) => Outcome::Rows(rows),
                Err(e) => Outcome::Error(e.to_string()),
            }
        }
    }
}

/// The rows-affected count, where the servers agree on it: an upsert's
/// is 1 or 2 per row on MySQL, so it is not compared.
fn count_of(s: &Stmt, n: u64) -> Option<u64> {
    (!matches!(s, Stmt::Upsert { .. })).then_some(n)
}

fn quote(backend: &str, name: &str) -> String {
    if backend == "mysql" {
        format!("`{name}`")
    } else {
        format!("\"{name}\"")
    }
}

/// Drops the pool's tables and creates `schema` with its data.
pub fn setup(conn: &mut impl Connection, backend: &str, schema: &Schema) -> sqlalgebra::Result<()> {
    let mut sql = String::new();
    if backend == "postgres" {
        // Never-analyzed tables look big to the planner, which then JIT-
        // compiles every join for half a second.
        sql.push_str("SET jit = off;\n");
    }
    if backend == "mysql" {
        // Computed strings (CAST, CONCAT) take the connection's collation:
        // binary there too, as the tables' (see the rules).
        sql.push_str("SET NAMES utf8mb4 COLLATE utf8mb4_nopad_bin;\n");
    }
    for t in TABLES.iter().rev() {
        sql.push_str(&format!("DROP TABLE IF EXISTS {};\n", quote(backend, t)));
    }
    for s in schema
        .ddl(backend)
        .into_iter()
        .chain(schema.inserts(backend))
    {
        sql.push_str(&s);
        sql.push_str(";\n");
    }
    conn.batch_execute(&sql)
}

/// Every table's rows on the backend, by id (through `text()`).
pub fn contents(
    conn: &mut impl Connection,
    backend: &str,
    schema: &Schema,
) -> sqlalgebra::Result<Vec<Vec<Vec<Val>>>> {
    let mut out = Vec::new();
    for table in TABLES.iter().take(schema.tables.len()) {
        let sql = format!(
            "SELECT * FROM {} ORDER BY {}",
            quote(backend, table),
            quote(backend, COLS[0])
        );
        let rows: Vec<Vec<Value>> = text(&sql).returns::<AnyRow>().load(conn)?;
        out.push(
            rows.into_iter()
                .map(|r| r.into_iter().map(norm).collect())
                .collect(),
        );
    }
    Ok(out)
}

/// Runs the library's statement on the backend.
pub fn run_lib(conn: &mut impl Connection, backend: &str, schema: &Schema, s: &Stmt) -> Outcome {
    let result = if s.writes() {
        run_write(s, conn).and_then(|n| {
            Ok(Outcome::Write(
                count_of(s, n),
                contents(conn, backend, schema)?,
            ))
        })
    } else {
        run_query(s, conn).map(|rows| {
            Outcome::Rows(
                rows.into_iter()
                    .map(|r| r.into_iter().map(norm).collect())
                    .collect(),
            )
        })
    };
    result.unwrap_or_else(|e| Outcome::Error(e.to_string()))
}

/// `schema` with the rows of `contents` (reference values made to fit
/// the column kinds again: SQLite returns booleans as integers).
pub fn with_rows(schema: &Schema, contents: &[Vec<Vec<Val>>]) -> Schema {
    let mut out = schema.clone();
    for (t, rows) in out.tables.iter_mut().zip(contents) {
        t.rows = rows
            .iter()
            .map(|r| {
                r.iter()
                    .zip(&t.cols)
                    .map(|(v, c)| match (v, c.kind) {
                        (Val::Int(i), Kind::Bool) => Val::Bool(*i != 0),
                        (Val::Int(i), Kind::Float) => Val::Float(*i as f64),
                        (v, _) => v.clone(),
                    })
                    .collect()
            })
            .collect();
    }
    out
}

/// Whether the statement's rows come in a defined order.
pub fn ordered(s: &Stmt) -> bool {
    matches!(s, Stmt::Select(sel) | Stmt::With { body: sel, .. } if sel.order)
}

/// Runs `s` from `schema`'s state on both sides; the two outcomes, or
/// `None` when the state cannot be set up (rows that break a reference).
pub fn check_case(
    conn: &mut impl Connection,
    backend: &str,
    schema: &Schema,
    s: &Stmt,
) -> Option<(Outcome, Outcome)> {
    let reference = Reference::new(schema)?;
    setup(conn, backend, schema).ok()?;
    Some((run_lib(conn, backend, schema, s), reference.run(schema, s)))
}
