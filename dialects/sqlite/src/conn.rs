//! A SQLite connection implementing [`sqlalgebra::Connection`].

use rusqlite::types::{ToSqlOutput, ValueRef as SqliteValue};
use rusqlite::{ErrorCode, ToSql, ffi};
use sqlalgebra::conn::unknown_sql_error;
use sqlalgebra::render::{Dialect, SqlCache, SqlId};
use sqlalgebra::value::{Row, ValueRef, decode_in_place};
use sqlalgebra::{Connection, ConstraintKind, Error, ErrorKind, Result};

use crate::{Held, Sqlite};

/// How many prepared statements each connection keeps.
const STATEMENT_CACHE: usize = 128;

/// One SQLite connection, with a prepared-statement cache.
///
/// The statements of texts in its SQL cache are kept by the cache's slot
/// (up to 128; feature `statement-slots`, on by default) and run without
/// looking them up by their text.
pub struct SqliteConnection {
    /// The rusqlite connection, and the statements kept by slot.
    conn: Held,
    depth: u32,
    /// The isolation level set on this connection (`None`: the server's).
    isolation: Option<sqlalgebra::IsolationLevel>,
    /// The SQL rendered for statements run before.
    sql_cache: SqlCache,
}

impl std::fmt::Debug for SqliteConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteConnection")
            .field("transaction_depth", &self.depth)
            .finish()
    }
}

impl SqliteConnection {
    /// Wraps an open rusqlite connection.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let mut c = sqlalgebra_sqlite::SqliteConnection::new(rusqlite::Connection::open_in_memory().unwrap());
    /// let one: i64 = text("SELECT 1").returns::<BigInt>().get(&mut c).unwrap();
    /// assert_eq!(one, 1);
    /// ```
    pub fn new(conn: rusqlite::Connection) -> Self {
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        SqliteConnection {
            conn: Held::new(conn),
            depth: 0,
            isolation: None,
            sql_cache: SqlCache::default(),
        }
    }

    /// The rusqlite connection underneath.
    pub fn raw(&self) -> &rusqlite::Connection {
        self.conn.conn()
    }

    /// The rusqlite connection underneath, once the statements kept by
    /// slot are dropped (finalized, or back in rusqlite's statement cache,
    /// which closing the connection finalizes).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let mut c = sqlalgebra_sqlite::SqliteConnection::new(rusqlite::Connection::open_in_memory().unwrap());
    /// let one: i64 = text("SELECT 1").returns::<BigInt>().get(&mut c).unwrap();
    /// assert_eq!(one, 1);
    /// assert!(c.into_raw().close().is_ok()); // no statement left open
    /// ```
    pub fn into_raw(self) -> rusqlite::Connection {
        self.conn.into_conn()
    }

    /// How many prepared statements the connection keeps by slot of its
    /// SQL cache (at most 128; always 0 without the `statement-slots`
    /// feature). Statements whose text is not cached (`text()`, say) are
    /// not kept by slot.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let c = sqlalgebra_sqlite::SqliteConnection::new(rusqlite::Connection::open_in_memory().unwrap());
    /// assert_eq!(c.held_statements(), 0);
    /// ```
    pub fn held_statements(&self) -> usize {
        self.conn.held()
    }

    pub(crate) fn is_in_transaction(&self) -> bool {
        !self.conn.conn().is_autocommit()
    }
}

/// A bind value as rusqlite sees it.
struct Param<'a>(ValueRef<'a>);

impl ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self.0 {
            ValueRef::Null => SqliteValue::Null,
            ValueRef::Int(i) => SqliteValue::Integer(i),
            ValueRef::Float(f) if f.is_nan() => {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    "SQLite cannot store NaN (it would become NULL)".into(),
                ));
            }
            ValueRef::Float(f) => SqliteValue::Real(f),
            ValueRef::Bool(b) => SqliteValue::Integer(i64::from(b)),
            ValueRef::Text(s) => SqliteValue::Text(s.as_bytes()),
            ValueRef::Blob(b) => SqliteValue::Blob(b),
            other => {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    format!("SQLite cannot bind a {} value", other.kind()).into(),
                ));
            }
        }))
    }
}

/// Turns a rusqlite error into a sqlalgebra one, classifying constraint
/// violations, and lock waits that gave up as conflicts.
#[cold]
pub(crate) fn error(sql: &str, e: rusqlite::Error) -> Error {
    if let rusqlite::Error::SqliteFailure(code, msg) = &e {
        // SQLITE_BUSY once the busy timeout is over (or a stale snapshot),
        // SQLITE_LOCKED: another connection holds the lock; the whole
        // transaction may succeed when retried.
        if matches!(
            code.code,
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked
        ) {
            return ErrorKind::Conflict {
                sql: sql.to_owned(),
                source: Box::new(e),
            }
            .into();
        }
        if code.code == ErrorCode::ConstraintViolation {
            let kind = match code.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                    Some(ConstraintKind::Unique)
                }
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Some(ConstraintKind::ForeignKey),
                ffi::SQLITE_CONSTRAINT_NOTNULL => Some(ConstraintKind::NotNull),
                ffi::SQLITE_CONSTRAINT_CHECK => Some(ConstraintKind::Check),
                _ => None,
            };
            if let Some(kind) = kind {
                // SQLite says e.g. "UNIQUE constraint failed: users.name".
                let constraint = msg
                    .as_deref()
                    .and_then(|m| m.split_once("failed: "))
                    .map(|(_, name)| name.to_owned());
                return ErrorKind::Constraint {
                    kind,
                    constraint,
                    sql: sql.to_owned(),
                    source: Box::new(e),
                }
                .into();
            }
        }
    }
    Error::query(sql, e)
}

/// A result row, read in place.
pub struct SqliteRow<'r> {
    row: &'r rusqlite::Row<'r>,
}

impl Row for SqliteRow<'_> {
    #[inline]
    fn value(&self, idx: usize) -> Result<ValueRef<'_>> {
        let v = self.row.get_ref(idx).map_err(|e| ErrorKind::Decode {
            column: idx.to_string(),
            message: e.to_string(),
        })?;
        Ok(match v {
            SqliteValue::Null => ValueRef::Null,
            SqliteValue::Integer(i) => ValueRef::Int(i),
            SqliteValue::Real(f) => ValueRef::Float(f),
            SqliteValue::Text(t) => match std::str::from_utf8(t) {
                Ok(s) => ValueRef::Text(s),
                Err(_) => ValueRef::Blob(t),
            },
            SqliteValue::Blob(b) => ValueRef::Blob(b),
        })
    }

    fn column_name(&self, idx: usize) -> &str {
        self.row
            .as_ref()
            .column_name(idx)
            .unwrap_or("<out of range>")
    }

    fn len(&self) -> usize {
        self.row.as_ref().column_count()
    }

    /// The cell's storage class alone: no text is read or checked.
    #[inline]
    fn is_null(&self, idx: usize) -> bool {
        matches!(self.row.get_ref(idx), Ok(SqliteValue::Null))
    }

    /// An INTEGER cell straight from SQLite; anything else through
    /// [`value`](Row::value).
    #[inline]
    fn get_i64(&self, idx: usize) -> Result<Option<i64>> {
        match self.row.get_ref(idx) {
            Ok(SqliteValue::Integer(i)) => Ok(Some(i)),
            Ok(SqliteValue::Null) => Ok(None),
            _ => decode_in_place(self, idx),
        }
    }

    /// A REAL or INTEGER cell straight from SQLite; anything else through
    /// [`value`](Row::value).
    #[inline]
    fn get_f64(&self, idx: usize) -> Result<Option<f64>> {
        match self.row.get_ref(idx) {
            Ok(SqliteValue::Real(f)) => Ok(Some(f)),
            Ok(SqliteValue::Integer(i)) => Ok(Some(i as f64)),
            Ok(SqliteValue::Null) => Ok(None),
            _ => decode_in_place(self, idx),
        }
    }

    /// A TEXT cell copied straight from SQLite once it is checked to be
    /// UTF-8; anything else through [`value`](Row::value).
    #[inline]
    fn take_string(&mut self, idx: usize) -> Result<Option<String>> {
        match self.row.get_ref(idx) {
            Ok(SqliteValue::Text(t)) => match std::str::from_utf8(t) {
                Ok(s) => Ok(Some(s.to_owned())),
                Err(_) => decode_in_place(self, idx),
            },
            Ok(SqliteValue::Null) => Ok(None),
            _ => decode_in_place(self, idx),
        }
    }
}

/// The error for an array parameter ([`ValueRef::Array`]), which only
/// PostgreSQL's rendering writes.
fn no_arrays() -> Error {
    ErrorKind::Unsupported {
        dialect: "sqlite",
        feature: "array bind parameters",
    }
    .into()
}

/// A bind value as a [`ValueRef`]: the borrowed binds of the sync
/// connection, and the owned ones the async connection sends its thread.
pub(crate) trait Bind {
    /// The value, borrowed.
    fn value_ref(&self) -> ValueRef<'_>;
}

impl Bind for ValueRef<'_> {
    #[inline]
    fn value_ref(&self) -> ValueRef<'_> {
        *self
    }
}

#[cfg(feature = "async")]
impl Bind for sqlalgebra::value::Value {
    #[inline]
    fn value_ref(&self) -> ValueRef<'_> {
        self.as_ref()
    }
}

/// Binds `binds` to `stmt` (whose text is `sql`), each at its place.
#[inline]
pub(crate) fn bind_all<B: Bind>(
    stmt: &mut rusqlite::Statement<'_>,
    sql: &str,
    binds: &[B],
) -> Result<()> {
    if stmt.parameter_count() != binds.len() {
        return Err(count_mismatch(stmt.parameter_count(), sql, binds));
    }
    for (i, v) in binds.iter().enumerate() {
        let bound = match v.value_ref() {
            // The common kinds bound as themselves: no conversion to check.
            ValueRef::Int(n) => stmt.raw_bind_parameter(i + 1, n),
            ValueRef::Text(s) => stmt.raw_bind_parameter(i + 1, s),
            ValueRef::Null => stmt.raw_bind_parameter(i + 1, rusqlite::types::Null),
            ValueRef::Array(_) => return Err(no_arrays()),
            other => bind_other(stmt, i + 1, other),
        };
        bound.map_err(|e| error(sql, e))?;
    }
    Ok(())
}

/// The error for a statement given another number of values than it has
/// placeholders.
#[cold]
#[inline(never)]
fn count_mismatch<B: Bind>(expected: usize, sql: &str, binds: &[B]) -> Error {
    if binds
        .iter()
        .any(|b| matches!(b.value_ref(), ValueRef::Array(_)))
    {
        return no_arrays();
    }
    Error::query(
        sql,
        format!(
            "the statement has {expected} placeholders but {} values",
            binds.len()
        ),
    )
}

/// Binds a value of the less common kinds at `at` (1-based): out of line,
/// so that binding integers and text stays small.
#[inline(never)]
fn bind_other(
    stmt: &mut rusqlite::Statement<'_>,
    at: usize,
    v: ValueRef<'_>,
) -> rusqlite::Result<()> {
    match v {
        ValueRef::Float(_) | ValueRef::Bool(_) | ValueRef::Blob(_) => {
            stmt.raw_bind_parameter(at, Param(v))
        }
        // Decimals, UUIDs, dates and times are stored as their text (a
        // REAL would round a decimal), written on the stack; SQLite copies
        // it while binding.
        other => match other.text_form() {
            Some(form) => {
                let mut buf = [0u8; 64];
                match form.write_into(&mut buf) {
                    Some(text) => stmt.raw_bind_parameter(at, text),
                    None => stmt.raw_bind_parameter(at, form.to_string()),
                }
            }
            None => stmt.raw_bind_parameter(at, Param(other)),
        },
    }
}

/// Runs `sql`, a statement that returns no rows (or whose rows are not
/// wanted); the number of rows it changed.
pub(crate) fn execute(
    conn: &rusqlite::Connection,
    sql: &str,
    binds: &[ValueRef<'_>],
) -> Result<u64> {
    let mut stmt = conn.prepare_cached(sql).map_err(|e| error(sql, e))?;
    run(conn, &mut stmt, sql, binds)
}

/// Runs the prepared `stmt` (whose text is `sql`) for `binds`, as
/// [`execute`] does.
#[inline]
pub(crate) fn run<B: Bind>(
    conn: &rusqlite::Connection,
    stmt: &mut rusqlite::Statement<'_>,
    sql: &str,
    binds: &[B],
) -> Result<u64> {
    bind_all(stmt, sql, binds)?;
    // A statement that returns rows (say, with RETURNING) is stepped
    // to the end so its work is done.
    if stmt.column_count() > 0 {
        let mut rows = stmt.raw_query();
        while rows.next().map_err(|e| error(sql, e))?.is_some() {}
        drop(rows);
        return Ok(conn.changes());
    }
    let n = stmt.raw_execute().map_err(|e| error(sql, e))?;
    Ok(n as u64)
}

/// Runs the query `sql`, calling `each` with every row until it returns
/// `Ok(false)`.
#[inline]
pub(crate) fn query<F>(
    conn: &rusqlite::Connection,
    sql: &str,
    binds: &[ValueRef<'_>],
    each: F,
) -> Result<()>
where
    F: FnMut(&mut SqliteRow<'_>) -> Result<bool>,
{
    let mut stmt = conn.prepare_cached(sql).map_err(|e| error(sql, e))?;
    run_query(&mut stmt, sql, binds, each)
}

/// Runs the prepared query `stmt` (whose text is `sql`), as [`query`]
/// does.
#[inline]
fn run_query<F>(
    stmt: &mut rusqlite::Statement<'_>,
    sql: &str,
    binds: &[ValueRef<'_>],
    mut each: F,
) -> Result<()>
where
    F: FnMut(&mut SqliteRow<'_>) -> Result<bool>,
{
    bind_all(stmt, sql, binds)?;
    let mut rows = stmt.raw_query();
    while let Some(row) = rows.next().map_err(|e| error(sql, e))? {
        if !each(&mut SqliteRow { row })? {
            break;
        }
    }
    Ok(())
}

impl Connection for SqliteConnection {
    type Row<'r> = SqliteRow<'r>;
    type Backend = Sqlite;

    #[inline]
    fn dialect(&self) -> &'static dyn Dialect {
        &Sqlite
    }

    fn execute_sql(&mut self, sql: &str, binds: &[ValueRef<'_>]) -> Result<u64> {
        execute(self.conn.conn(), sql, binds)
    }

    fn query_sql<F>(&mut self, sql: &str, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut SqliteRow<'_>) -> Result<bool>,
    {
        query(self.conn.conn(), sql, binds, each)
    }

    /// Runs the statement kept for the slot of `id`.
    #[inline]
    fn execute_cached(&mut self, id: SqlId, binds: &[ValueRef<'_>]) -> Result<u64> {
        let sql = self.sql_cache.sql(id).ok_or_else(unknown_sql_error)?;
        self.conn
            .with_statement(id, sql, |conn, stmt| run(conn, stmt, sql, binds))
    }

    /// Prepares the text where the SQL cache holds it once, and runs it
    /// for each run's values.
    fn execute_cached_many<F>(
        &mut self,
        id: SqlId,
        binds: &[ValueRef<'_>],
        per_run: usize,
        mut each: F,
    ) -> Result<()>
    where
        F: FnMut(usize, u64) -> Result<()>,
    {
        let sql = self.sql_cache.sql(id).ok_or_else(unknown_sql_error)?;
        self.conn.with_statement(id, sql, |conn, stmt| {
            for (i, values) in binds.chunks(per_run.max(1)).enumerate() {
                each(i, run(conn, stmt, sql, values)?)?;
            }
            Ok(())
        })
    }

    /// Runs the statement kept for the slot of `id` once per run, reading
    /// each run's rowid.
    fn insert_cached_many<F>(
        &mut self,
        id: SqlId,
        binds: &[ValueRef<'_>],
        per_run: usize,
        mut each: F,
    ) -> Result<()>
    where
        F: FnMut(usize, Option<i64>) -> Result<()>,
    {
        let sql = self.sql_cache.sql(id).ok_or_else(unknown_sql_error)?;
        self.conn.with_statement(id, sql, |conn, stmt| {
            for (i, values) in binds.chunks(per_run.max(1)).enumerate() {
                run(conn, stmt, sql, values)?;
                each(i, Some(conn.last_insert_rowid()).filter(|id| *id != 0))?;
            }
            Ok(())
        })
    }

    /// Runs the statement kept for the slot of `id`.
    #[inline]
    fn query_cached<F>(&mut self, id: SqlId, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut SqliteRow<'_>) -> Result<bool>,
    {
        let sql = self.sql_cache.sql(id).ok_or_else(unknown_sql_error)?;
        self.conn
            .with_statement(id, sql, |_, stmt| run_query(stmt, sql, binds, each))
    }

    fn batch_execute(&mut self, sql: &str) -> Result<()> {
        // SQLite rolls a transaction back by itself after some errors (an
        // interrupted write, a full disk): the ROLLBACK that follows finds
        // none. PostgreSQL and MySQL accept a ROLLBACK outside a
        // transaction; so does this, rather than hide the first error.
        if self.conn.conn().is_autocommit() && sql.eq_ignore_ascii_case("ROLLBACK") {
            return Ok(());
        }
        self.conn
            .conn()
            .execute_batch(sql)
            .map_err(|e| error(sql, e))
    }

    fn transaction_depth(&mut self) -> &mut u32 {
        &mut self.depth
    }

    fn isolation_setting(&mut self) -> Option<&mut Option<sqlalgebra::IsolationLevel>> {
        Some(&mut self.isolation)
    }

    #[inline]
    fn sql_cache(&mut self) -> Option<&mut SqlCache> {
        Some(&mut self.sql_cache)
    }

    fn last_insert_id(&mut self) -> Result<Option<i64>> {
        Ok(Some(self.conn.conn().last_insert_rowid()).filter(|id| *id != 0))
    }
}
