//! Statement hooks: a [`Hooked`] connection calls your functions after
//! every statement it sends, with the SQL, the bind values, the rows
//! returned or changed and the time it took; [`count_statements`] and
//! [`assert_statements`] build an N+1 guard on them.
//!
//! ```
//! use sqlalgebra::prelude::*;
//! use sqlalgebra::hooks::{Hooked, StatementKind};
//! # fn main() -> sqlalgebra::Result<()> {
//! let engine = sqlalgebra_sqlite::Sqlite::memory()?;
//! let mut conn = Hooked::new(engine.connect()?);
//! let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
//! let sink = log.clone();
//! conn.on_statement(move |e| sink.lock().unwrap().push((e.kind, e.sql.to_owned(), e.rows)));
//! conn.batch_execute("CREATE TABLE t (n INTEGER)")?;
//! use sqlalgebra::value::ValueRef;
//! conn.execute_sql("INSERT INTO t VALUES (?), (?)", &[ValueRef::Int(1), ValueRef::Int(2)])?;
//! let log = log.lock().unwrap();
//! assert_eq!(log[1], (StatementKind::Execute, "INSERT INTO t VALUES (?), (?)".to_owned(), 2));
//! assert_eq!(conn.statement_count(), 1); // BEGIN, COMMIT and DDL sent as batches do not count
//! # Ok(()) }
//! ```

use std::time::{Duration, Instant};

use crate::conn::Connection;
use crate::error::{Error, Result};
use crate::render::{Dialect, SqlCache, SqlId};
use crate::value::ValueRef;

/// How a statement was sent.
///
/// ```
/// use sqlalgebra::hooks::StatementKind;
/// assert_ne!(StatementKind::Query, StatementKind::Batch);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementKind {
    /// A statement that returns no rows ([`Connection::execute_sql`] and
    /// the cached forms); `rows` is the number of rows it changed.
    Execute,
    /// A query ([`Connection::query_sql`] and the cached form); `rows` is
    /// the number of rows read.
    Query,
    /// SQL without binds or rows ([`Connection::batch_execute`]): DDL and
    /// transaction control (BEGIN, COMMIT, SAVEPOINT). Not counted by
    /// [`Hooked::statement_count`].
    Batch,
}

/// What a hook learns about one statement.
///
/// ```
/// use sqlalgebra::hooks::{Hooked, StatementEvent};
/// # fn main() -> sqlalgebra::Result<()> {
/// let mut conn = Hooked::new(sqlalgebra_sqlite::Sqlite::memory()?.connect()?);
/// conn.on_statement(|e: &StatementEvent<'_>| {
///     log::debug!("{} ({} binds) -> {} rows in {:?}", e.sql, e.binds.len(), e.rows, e.elapsed);
/// });
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct StatementEvent<'e> {
    /// How it was sent.
    pub kind: StatementKind,
    /// The SQL text.
    pub sql: &'e str,
    /// The values bound to its placeholders.
    pub binds: &'e [ValueRef<'e>],
    /// Rows changed ([`StatementKind::Execute`]) or read
    /// ([`StatementKind::Query`]); 0 for a batch or a failure.
    pub rows: u64,
    /// From sending it to its last row.
    pub elapsed: Duration,
    /// The error, if the statement failed.
    pub error: Option<&'e Error>,
}

/// What a hook learns about a statement before it is sent
/// ([`Hooked::on_before_statement`],
/// [`PoolOptions::before_statement`](crate::PoolOptions::before_statement)).
///
/// ```
/// use sqlalgebra::hooks::{Hooked, StatementStart};
/// # fn main() -> sqlalgebra::Result<()> {
/// let mut conn = Hooked::new(sqlalgebra_sqlite::Sqlite::memory()?.connect()?);
/// conn.on_before_statement(|s: &StatementStart<'_>| log::debug!("sending {}", s.sql));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct StatementStart<'e> {
    /// How it is sent.
    pub kind: StatementKind,
    /// The SQL text.
    pub sql: &'e str,
    /// The values bound to its placeholders.
    pub binds: &'e [ValueRef<'e>],
}

type Hook = Box<dyn FnMut(&StatementEvent<'_>) + Send>;
type BeforeHook = Box<dyn FnMut(&StatementStart<'_>) + Send>;

/// A connection that calls hooks after every statement and counts them.
/// It is a [`Connection`] itself: run statements, sessions and
/// transactions on it as on the connection it wraps.
///
/// ```
/// use sqlalgebra::hooks::Hooked;
/// use sqlalgebra::Connection;
/// # fn main() -> sqlalgebra::Result<()> {
/// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
/// let mut conn = Hooked::new(engine.connect()?);
/// conn.query_sql("SELECT 1", &[], |_| Ok(true))?;
/// assert_eq!(conn.statement_count(), 1);
/// assert_eq!(conn.statements(), ["SELECT 1"]);
/// # Ok(()) }
/// ```
pub struct Hooked<C> {
    inner: C,
    hooks: Vec<Hook>,
    before: Vec<BeforeHook>,
    count: usize,
    log: Vec<String>,
}

impl<C> std::fmt::Debug for Hooked<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hooked")
            .field("hooks", &self.hooks.len())
            .field("statements", &self.count)
            .finish()
    }
}

impl<C: Connection + 'static> Hooked<C> {
    /// `conn`, with no hooks yet.
    ///
    /// ```
    /// use sqlalgebra::hooks::Hooked;
    /// use sqlalgebra::Connection;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = Hooked::new(engine.connect()?);
    /// assert_eq!(conn.statement_count(), 0);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn new(conn: C) -> Self {
        Hooked {
            inner: conn,
            hooks: Vec::new(),
            before: Vec::new(),
            count: 0,
            log: Vec::new(),
        }
    }

    /// Calls `hook` after every statement from now on (after the hooks
    /// added before it).
    ///
    /// ```
    /// use sqlalgebra::hooks::Hooked;
    /// use sqlalgebra::Connection;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = Hooked::new(engine.connect()?);
    /// use std::sync::{Arc, Mutex};
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&seen);
    /// conn.on_statement(move |e| log.lock().unwrap().push(e.error.is_none()));
    /// conn.batch_execute("CREATE TABLE t (n INTEGER)")?;
    /// assert!(conn.query_sql("SELECT nope FROM t", &[], |_| Ok(true)).is_err());
    /// assert_eq!(*seen.lock().unwrap(), [true, false]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn on_statement(&mut self, hook: impl FnMut(&StatementEvent<'_>) + Send + 'static) {
        self.hooks.push(Box::new(hook));
    }

    /// Calls `hook` before every statement is sent from now on, with its
    /// SQL and binds (after the hooks added before it).
    ///
    /// ```
    /// use sqlalgebra::hooks::Hooked;
    /// use sqlalgebra::prelude::*;
    /// use std::sync::{Arc, Mutex};
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let mut conn = Hooked::new(sqlalgebra_sqlite::Sqlite::memory()?.connect()?);
    /// let sent = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&sent);
    /// conn.on_before_statement(move |s| log.lock().unwrap().push((s.sql.to_string(), s.binds.len())));
    /// let n: i64 = select(bind::<BigInt, _>(41).add(1)).get(&mut conn)?;
    /// assert_eq!(n, 42);
    /// assert_eq!(*sent.lock().unwrap(), [("SELECT ? + ?".to_string(), 2)]);
    /// # Ok(()) }
    /// ```
    pub fn on_before_statement(&mut self, hook: impl FnMut(&StatementStart<'_>) + Send + 'static) {
        self.before.push(Box::new(hook));
    }

    fn start(&mut self, kind: StatementKind, sql: &str, binds: &[ValueRef<'_>]) {
        for hook in &mut self.before {
            hook(&StatementStart { kind, sql, binds });
        }
    }

    /// How many statements (not batches) were sent since the wrapper was
    /// made or [`reset`](Hooked::reset).
    ///
    /// ```
    /// use sqlalgebra::hooks::Hooked;
    /// use sqlalgebra::Connection;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = Hooked::new(engine.connect()?);
    /// conn.query_sql("SELECT 1", &[], |_| Ok(true))?;
    /// conn.query_sql("SELECT 2", &[], |_| Ok(true))?;
    /// assert_eq!(conn.statement_count(), 2);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn statement_count(&self) -> usize {
        self.count
    }

    /// The SQL of those statements, in order.
    ///
    /// ```
    /// use sqlalgebra::hooks::Hooked;
    /// use sqlalgebra::Connection;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = Hooked::new(engine.connect()?);
    /// conn.query_sql("SELECT 1", &[], |_| Ok(true))?;
    /// conn.query_sql("SELECT 2", &[], |_| Ok(true))?;
    /// assert_eq!(conn.statements(), ["SELECT 1", "SELECT 2"]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn statements(&self) -> &[String] {
        &self.log
    }

    /// Starts counting again.
    ///
    /// ```
    /// use sqlalgebra::hooks::Hooked;
    /// use sqlalgebra::Connection;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = Hooked::new(engine.connect()?);
    /// conn.query_sql("SELECT 1", &[], |_| Ok(true))?;
    /// conn.reset();
    /// assert_eq!(conn.statement_count(), 0);
    /// assert!(conn.statements().is_empty());
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn reset(&mut self) {
        self.count = 0;
        self.log.clear();
    }

    /// The wrapped connection.
    ///
    /// ```
    /// use sqlalgebra::hooks::Hooked;
    /// use sqlalgebra::Connection;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = Hooked::new(engine.connect()?);
    /// assert_eq!(conn.inner().dialect().name(), "sqlite");
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn inner(&self) -> &C {
        &self.inner
    }

    /// The wrapped connection, to use without hooks.
    ///
    /// ```
    /// use sqlalgebra::hooks::Hooked;
    /// use sqlalgebra::Connection;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = Hooked::new(engine.connect()?);
    /// conn.inner_mut().query_sql("SELECT 1", &[], |_| Ok(true))?;
    /// assert_eq!(conn.statement_count(), 0); // not seen by the hooks
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn inner_mut(&mut self) -> &mut C {
        &mut self.inner
    }

    /// The wrapped connection, unwrapped.
    ///
    /// ```
    /// use sqlalgebra::hooks::Hooked;
    /// use sqlalgebra::Connection;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = Hooked::new(engine.connect()?);
    /// conn.query_sql("SELECT 1", &[], |_| Ok(true))?;
    /// let mut plain = conn.into_inner();
    /// plain.query_sql("SELECT 2", &[], |_| Ok(true))?;
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn into_inner(self) -> C {
        self.inner
    }

    fn fire(&mut self, event: &StatementEvent<'_>) {
        if event.kind != StatementKind::Batch {
            self.count += 1;
            self.log.push(event.sql.to_owned());
        }
        for hook in &mut self.hooks {
            hook(event);
        }
    }

    fn cached_text(&mut self, id: SqlId) -> String {
        self.inner
            .sql_cache()
            .and_then(|c| c.sql(id).map(str::to_owned))
            .unwrap_or_default()
    }
}

fn rows_of(r: &Result<u64>) -> u64 {
    *r.as_ref().unwrap_or(&0)
}

impl<C: Connection + 'static> Connection for Hooked<C> {
    type Row<'r>
        = C::Row<'r>
    where
        Self: 'r;
    type Backend = C::Backend;

    fn dialect(&self) -> &'static dyn Dialect {
        self.inner.dialect()
    }

    fn execute_sql(&mut self, sql: &str, binds: &[ValueRef<'_>]) -> Result<u64> {
        self.start(StatementKind::Execute, sql, binds);
        let start = Instant::now();
        let r = self.inner.execute_sql(sql, binds);
        self.fire(&event(
            StatementKind::Execute,
            sql,
            binds,
            rows_of(&r),
            start,
            &r,
        ));
        r
    }

    fn query_sql<F>(&mut self, sql: &str, binds: &[ValueRef<'_>], mut each: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
    {
        self.start(StatementKind::Query, sql, binds);
        let start = Instant::now();
        let mut rows = 0;
        let r = self.inner.query_sql(sql, binds, |row| {
            rows += 1;
            each(row)
        });
        self.fire(&event(StatementKind::Query, sql, binds, rows, start, &r));
        r
    }

    fn batch_execute(&mut self, sql: &str) -> Result<()> {
        self.start(StatementKind::Batch, sql, &[]);
        let start = Instant::now();
        let r = self.inner.batch_execute(sql);
        self.fire(&event(StatementKind::Batch, sql, &[], 0, start, &r));
        r
    }

    fn transaction_depth(&mut self) -> &mut u32 {
        self.inner.transaction_depth()
    }

    fn last_insert_id(&mut self) -> Result<Option<i64>> {
        self.inner.last_insert_id()
    }

    fn sql_cache(&mut self) -> Option<&mut SqlCache> {
        self.inner.sql_cache()
    }

    fn execute_cached(&mut self, id: SqlId, binds: &[ValueRef<'_>]) -> Result<u64> {
        let sql = self.cached_text(id);
        self.start(StatementKind::Execute, &sql, binds);
        let start = Instant::now();
        let r = self.inner.execute_cached(id, binds);
        self.fire(&event(
            StatementKind::Execute,
            &sql,
            binds,
            rows_of(&r),
            start,
            &r,
        ));
        r
    }

    fn query_cached<F>(&mut self, id: SqlId, binds: &[ValueRef<'_>], mut each: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
    {
        let sql = self.cached_text(id);
        self.start(StatementKind::Query, &sql, binds);
        let start = Instant::now();
        let mut rows = 0;
        let r = self.inner.query_cached(id, binds, |row| {
            rows += 1;
            each(row)
        });
        self.fire(&event(StatementKind::Query, &sql, binds, rows, start, &r));
        r
    }

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
        // One event per run, after the driver ran them all (it may run
        // them as one prepared statement).
        let sql = self.cached_text(id);
        for run in binds.chunks(per_run.max(1)) {
            self.start(StatementKind::Execute, &sql, run);
        }
        let start = Instant::now();
        let mut runs: Vec<u64> = Vec::new();
        let r = self.inner.execute_cached_many(id, binds, per_run, |i, n| {
            runs.push(n);
            each(i, n)
        });
        let per = start.elapsed() / u32::try_from(runs.len().max(1)).unwrap_or(u32::MAX);
        let ok: Result<()> = Ok(());
        for (run, n) in binds.chunks(per_run.max(1)).zip(&runs) {
            let e = StatementEvent {
                kind: StatementKind::Execute,
                sql: &sql,
                binds: run,
                rows: *n,
                elapsed: per,
                error: ok.as_ref().err(),
            };
            self.fire(&e);
        }
        if let Err(e) = &r {
            let failed = StatementEvent {
                kind: StatementKind::Execute,
                sql: &sql,
                binds: binds.chunks(per_run.max(1)).nth(runs.len()).unwrap_or(&[]),
                rows: 0,
                elapsed: per,
                error: Some(e),
            };
            self.fire(&failed);
        }
        r
    }
}

fn event<'e, T>(
    kind: StatementKind,
    sql: &'e str,
    binds: &'e [ValueRef<'e>],
    rows: u64,
    start: Instant,
    r: &'e Result<T>,
) -> StatementEvent<'e> {
    StatementEvent {
        kind,
        sql,
        binds,
        rows,
        elapsed: start.elapsed(),
        error: r.as_ref().err(),
    }
}

/// Runs `f` on `conn`, and returns what `f` returned with the SQL of
/// every statement it sent (transaction control and other batches not
/// included), for Core and ORM code alike. The count starts from zero.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::hooks::count_statements;
/// # use sqlalgebra::orm::doc_models::*;
/// # fn main() -> sqlalgebra::Result<()> {
/// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
/// let mut conn = sqlalgebra::hooks::Hooked::new(engine.connect()?);
/// # create_all::<AllTables>(&mut conn)?;
/// let (n, sent) = count_statements(&mut conn, |c| {
///     select(count_star()).from(Users).get::<i64, _>(c)
/// })?;
/// assert_eq!((n, sent.len()), (0, 1));
/// # Ok(()) }
/// ```
///
/// # Errors
/// What `f` returns.
pub fn count_statements<C: Connection + 'static, T>(
    conn: &mut Hooked<C>,
    f: impl FnOnce(&mut Hooked<C>) -> Result<T>,
) -> Result<(T, Vec<String>)> {
    conn.reset();
    let value = f(conn)?;
    let sent = std::mem::take(&mut conn.log);
    conn.count = 0;
    Ok((value, sent))
}

/// The N+1 guard: runs `f` as [`count_statements`] does and panics,
/// listing the SQL sent, unless it sent exactly `expected` statements.
/// For tests.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::hooks::assert_statements;
/// # use sqlalgebra::orm::doc_models::*;
/// # fn main() -> sqlalgebra::Result<()> {
/// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
/// let mut conn = sqlalgebra::hooks::Hooked::new(engine.connect()?);
/// # create_all::<AllTables>(&mut conn)?;
/// # insert_into(Users).values((users::Name.set("alice"), users::Status.set("ok"))).execute(&mut conn)?;
/// // The users, then their addresses in one IN query: two statements.
/// assert_statements(&mut conn, 2, |c| {
///     let mut s = Session::new(c);
///     s.query::<User>().selectin_children::<Address>().all()?;
///     s.rollback()
/// })?;
/// # Ok(()) }
/// ```
///
/// # Errors
/// What `f` returns.
///
/// # Panics
/// When the number of statements is not `expected`.
#[track_caller]
pub fn assert_statements<C: Connection + 'static, T>(
    conn: &mut Hooked<C>,
    expected: usize,
    f: impl FnOnce(&mut Hooked<C>) -> Result<T>,
) -> Result<T> {
    let (value, sent) = count_statements(conn, f)?;
    assert!(
        sent.len() == expected,
        "expected {expected} statement(s), {} were sent:\n{}",
        sent.len(),
        sent.join("\n")
    );
    Ok(value)
}
