//! The [`Connection`] trait that every backend implements, and transactions
//! on top of it.

use std::future::{Future, ready};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use crate::error::{CommitInDoubt, Error, ErrorKind, Result};
use crate::isolation::IsolationLevel;
use crate::render::{Dialect, SqlCache, SqlId};
use crate::value::{Row, ValueRef};

/// A live database connection. `Send`, so that a session over one can be
/// held across an `.await`.
///
/// Backends implement the five required methods; statements run through
/// [`RunQuery`](crate::query::RunQuery) and [`Execute`](crate::query::Execute),
/// and [`transaction`](Connection::transaction) is provided.
///
/// ```
/// use sqlalgebra::Connection;
/// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
/// let mut conn = engine.connect()?;
/// conn.batch_execute("CREATE TABLE t (n INTEGER)")?;
/// conn.transaction(|c| insert_rows(c))?;
/// fn insert_rows(c: &mut impl Connection) -> sqlalgebra::Result<()> {
///     use sqlalgebra::value::ValueRef;
///     c.execute_sql("INSERT INTO t (n) VALUES (?), (?)", &[ValueRef::Int(1), ValueRef::Int(2)])?;
///     Ok(())
/// }
/// let mut rows = 0;
/// conn.query_sql("SELECT n FROM t", &[], |_| { rows += 1; Ok(true) })?;
/// assert_eq!(rows, 2);
/// # Ok::<(), sqlalgebra::Error>(())
/// ```
pub trait Connection: Send {
    /// The backend's row type, read in place.
    type Row<'r>: Row
    where
        Self: 'r;

    /// What the connection's type says about its backend's SQL: the
    /// backend's dialect type (`Sqlite`, `Postgres`, `Mysql`), so that a
    /// feature it lacks on every server version does not compile
    /// ([`query::Capabilities`](crate::query::Capabilities)), or
    /// [`Dynamic`](crate::query::Dynamic) to check everything when
    /// rendering. A wrapper passes its inner connection's on.
    type Backend: crate::query::Capabilities;

    /// The dialect statements are rendered in for this connection.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// assert_eq!(conn.dialect().name(), "sqlite");
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    fn dialect(&self) -> &'static dyn Dialect;

    /// Runs a statement that returns no rows; returns the number of rows
    /// it changed.
    ///
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// use sqlalgebra::value::ValueRef;
    /// conn.batch_execute("CREATE TABLE t (n INTEGER)")?;
    /// let n = conn.execute_sql("INSERT INTO t (n) VALUES (?), (?)", &[ValueRef::Int(1), ValueRef::Int(2)])?;
    /// assert_eq!(n, 2);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    /// # Errors
    /// When the database refuses the statement.
    fn execute_sql(&mut self, sql: &str, binds: &[ValueRef<'_>]) -> Result<u64>;

    /// Runs a query and calls `each` with every row until it returns
    /// `Ok(false)` or an error.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// let mut rows = 0;
    /// conn.query_sql("SELECT 1 UNION ALL SELECT 2", &[], |_row| {
    ///     rows += 1;
    ///     Ok(true) // `false` stops after this row
    /// })?;
    /// assert_eq!(rows, 2);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    ///
    /// # Errors
    /// When the database refuses the statement or `each` fails.
    fn query_sql<F>(&mut self, sql: &str, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>;

    /// Runs SQL without binds or results (DDL, transaction control).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// conn.batch_execute("CREATE TABLE t (n INTEGER); CREATE INDEX t_n ON t (n)")?;
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    ///
    /// # Errors
    /// When the database refuses the statement.
    fn batch_execute(&mut self, sql: &str) -> Result<()>;

    /// How many transactions are open on this connection (0 outside any,
    /// 1 inside a transaction, more inside savepoints). Backends keep the
    /// counter; [`transaction`](Connection::transaction) maintains it.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// assert_eq!(*conn.transaction_depth(), 0);
    /// conn.transaction(|c| {
    ///     assert_eq!(*c.transaction_depth(), 1);
    ///     Ok::<_, sqlalgebra::Error>(())
    /// })?;
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    fn transaction_depth(&mut self) -> &mut u32;

    /// The id the database assigned to the row last inserted on this
    /// connection, if any.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// conn.batch_execute("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)")?;
    /// conn.execute_sql("INSERT INTO t (n) VALUES (5)", &[])?;
    /// assert_eq!(conn.last_insert_id()?, Some(1));
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    ///
    /// # Errors
    /// When the database cannot say.
    fn last_insert_id(&mut self) -> Result<Option<i64>>;

    /// The connection's cache of rendered SQL, if it keeps one: statements
    /// whose text it holds are not rendered again
    /// ([`Render::sql_key`](crate::render::Render::sql_key) says which).
    /// The backends of this workspace keep one per connection; the default
    /// is none.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// select(bind::<BigInt, _>(1)).get::<i64, _>(&mut conn)?;
    /// assert!(conn.sql_cache().is_some());
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    fn sql_cache(&mut self) -> Option<&mut SqlCache> {
        None
    }

    /// Runs a statement that returns no rows, whose text this connection's
    /// [`sql_cache`](Connection::sql_cache) holds under `id`; returns the
    /// number of rows it changed. [`Execute`](crate::query::Execute) runs
    /// every statement whose text is cached this way.
    ///
    /// The default takes the text out of the cache and calls
    /// [`execute_sql`](Connection::execute_sql). Backends override it to use
    /// the text where it is, and to find what they prepared for it by
    /// [`SqlId::slot`] rather than by its text.
    ///
    /// ```
    /// # fn demo<C: sqlalgebra::Connection>(conn: &mut C, id: sqlalgebra::render::SqlId) -> sqlalgebra::Result<()> {
    /// use sqlalgebra::value::ValueRef;
    /// // `id` names `UPDATE "t" SET "n" = ? WHERE "t"."id" = ?` in the cache.
    /// let changed = conn.execute_cached(id, &[ValueRef::Text("a"), ValueRef::Int(1)])?;
    /// assert!(changed <= 1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::InvalidStatement`] when the cache holds no text under `id`;
    /// otherwise as [`execute_sql`](Connection::execute_sql).
    fn execute_cached(&mut self, id: SqlId, binds: &[ValueRef<'_>]) -> Result<u64> {
        let sql = cached_sql(self.sql_cache(), id)?;
        self.execute_sql(&sql, binds)
    }

    /// [`query_sql`](Connection::query_sql) for a query whose text this
    /// connection's [`sql_cache`](Connection::sql_cache) holds under `id`,
    /// as [`execute_cached`](Connection::execute_cached) is for
    /// [`execute_sql`](Connection::execute_sql).
    ///
    /// ```
    /// # fn demo<C: sqlalgebra::Connection>(conn: &mut C, id: sqlalgebra::render::SqlId) -> sqlalgebra::Result<()> {
    /// use sqlalgebra::value::{Row, ValueRef};
    /// // `id` names `SELECT "t"."n" FROM "t" WHERE "t"."id" > ?` in the cache.
    /// let mut first = None;
    /// conn.query_cached(id, &[ValueRef::Int(0)], |row| {
    ///     first = Some(row.len());
    ///     Ok(false) // one row is enough
    /// })?;
    /// assert!(first.is_none_or(|columns| columns == 1));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::InvalidStatement`] when the cache holds no text under `id`;
    /// otherwise as [`query_sql`](Connection::query_sql).
    fn query_cached<F>(&mut self, id: SqlId, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
    {
        let sql = cached_sql(self.sql_cache(), id)?;
        self.query_sql(&sql, binds, each)
    }

    /// Runs the statement whose text this connection's
    /// [`sql_cache`](Connection::sql_cache) holds under `id` once per
    /// `per_run` values of `binds` (row after row: an "executemany"), and
    /// calls `each` with the run's number and the rows it changed; stops at
    /// the first error. The ORM updates many objects this way.
    ///
    /// The default calls [`execute_cached`](Connection::execute_cached) per
    /// run; SQLite overrides it to prepare the statement once for all runs.
    ///
    /// ```
    /// # fn demo<C: sqlalgebra::Connection>(conn: &mut C, id: sqlalgebra::render::SqlId) -> sqlalgebra::Result<()> {
    /// use sqlalgebra::value::ValueRef;
    /// // UPDATE "t" SET "n" = ? WHERE "t"."id" = ?, twice
    /// let binds = [ValueRef::Text("a"), ValueRef::Int(1), ValueRef::Text("b"), ValueRef::Int(2)];
    /// let mut changed = 0;
    /// conn.execute_cached_many(id, &binds, 2, |_, n| {
    ///     changed += n;
    ///     Ok(())
    /// })?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`execute_cached`](Connection::execute_cached), or what `each`
    /// returns.
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
        for (i, run) in binds.chunks(per_run.max(1)).enumerate() {
            let n = self.execute_cached(id, run)?;
            each(i, n)?;
        }
        Ok(())
    }

    /// Where this connection keeps its isolation level: `None` inside
    /// means the server's default. The backends of this workspace keep
    /// one; the default keeps none, and
    /// [`set_isolation_level`](Connection::set_isolation_level) then
    /// refuses.
    ///
    /// A wrapper around another connection forwards it:
    ///
    /// ```
    /// # use sqlalgebra::{Connection, IsolationLevel};
    /// # fn forward<C: Connection>(inner: &mut C) -> Option<&mut Option<IsolationLevel>> {
    /// inner.isolation_setting()
    /// # }
    /// ```
    fn isolation_setting(&mut self) -> Option<&mut Option<IsolationLevel>> {
        None
    }

    /// The isolation level this connection's transactions run at, as set
    /// by [`set_isolation_level`](Connection::set_isolation_level) (or by
    /// the engine's
    /// [`PoolOptions::isolation_level`](crate::PoolOptions::isolation_level));
    /// `None`: the server's default.
    ///
    /// ```
    /// # fn demo(conn: &mut impl sqlalgebra::Connection) {
    /// assert_eq!(conn.isolation_level(), None);
    /// # }
    /// ```
    fn isolation_level(&mut self) -> Option<IsolationLevel> {
        self.isolation_setting().and_then(|l| *l)
    }

    /// Sets the isolation level of this connection's later transactions
    /// (`None`: back to the server's default). PostgreSQL sends `SET
    /// SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL ...`, MySQL
    /// `SET SESSION TRANSACTION ISOLATION LEVEL ...`.
    /// [`IsolationLevel::Autocommit`] restores the server's default level
    /// and then sends no `BEGIN`, `COMMIT`, `ROLLBACK` or `SAVEPOINT` at
    /// all: each statement commits on its own, and
    /// [`transaction`](Connection::transaction) only runs its closure.
    ///
    /// A pooled connection returns to its engine's level when it is next
    /// checked out.
    ///
    /// ```
    /// # fn demo(conn: &mut impl sqlalgebra::Connection) -> sqlalgebra::Result<()> {
    /// use sqlalgebra::IsolationLevel;
    /// conn.set_isolation_level(Some(IsolationLevel::Autocommit))?;
    /// assert_eq!(conn.isolation_level(), Some(IsolationLevel::Autocommit));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Unsupported`] when the dialect lacks the level (SQLite has
    /// only SERIALIZABLE and AUTOCOMMIT) or the connection keeps no level;
    /// [`ErrorKind::Transaction`] inside a transaction; the database's error.
    fn set_isolation_level(&mut self, level: Option<IsolationLevel>) -> Result<()> {
        if *self.transaction_depth() != 0 {
            return Err(ErrorKind::Transaction(
                "the isolation level cannot change inside a transaction".into(),
            )
            .into());
        }
        if self.isolation_setting().is_none() {
            return Err(ErrorKind::Unsupported {
                dialect: self.dialect().name(),
                feature: "isolation levels on this connection",
            }
            .into());
        }
        let session = level.filter(|l| *l != IsolationLevel::Autocommit);
        if let Some(sql) = self.dialect().set_session_isolation(session)? {
            self.batch_execute(sql)?;
        }
        if let Some(slot) = self.isolation_setting() {
            *slot = level;
        }
        Ok(())
    }

    /// [`transaction`](Connection::transaction) at the isolation level
    /// `level`, for this one transaction (PostgreSQL: `START TRANSACTION
    /// ISOLATION LEVEL ...`; MySQL: `SET TRANSACTION ISOLATION LEVEL ...`
    /// then `BEGIN`); the connection's own level is unchanged afterwards.
    ///
    /// ```
    /// # fn demo(conn: &mut impl sqlalgebra::Connection) -> sqlalgebra::Result<()> {
    /// use sqlalgebra::IsolationLevel;
    /// let n = conn.transaction_with(IsolationLevel::Serializable, |tx| {
    ///     // ... reads and writes that must not interleave with others'
    ///     Ok::<_, sqlalgebra::Error>(1)
    /// })?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Unsupported`] when the dialect lacks `level`;
    /// [`ErrorKind::Transaction`] inside another transaction (a level is set
    /// on the outermost one only), for [`IsolationLevel::Autocommit`]
    /// (a connection setting: see
    /// [`set_isolation_level`](Connection::set_isolation_level)), and on
    /// a connection in AUTOCOMMIT mode; otherwise as
    /// [`transaction`](Connection::transaction).
    fn transaction_with<T, E, F>(&mut self, level: IsolationLevel, f: F) -> Result<T, E>
    where
        Self: Sized,
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<Error>,
    {
        run_transaction(self, Some(level), f)
    }

    /// Asks the connection to fetch the rows of its next queries one at a
    /// time (`on`) or as it prefers; returns the previous setting.
    /// [`QueryEach::for_each`](crate::query::QueryEach::for_each) turns it
    /// on so that it holds O(1) rows. The default (SQLite, MySQL, whose
    /// rows always come one at a time) ignores it and returns `true`;
    /// PostgreSQL, which fetches a whole result by default, overrides it.
    ///
    /// ```
    /// # fn demo<C: sqlalgebra::Connection>(conn: &mut C) {
    /// let before = conn.set_row_streaming(true);
    /// // ... a large export ...
    /// conn.set_row_streaming(before);
    /// # }
    /// ```
    fn set_row_streaming(&mut self, on: bool) -> bool {
        let _ = on;
        true
    }

    /// [`execute_cached_many`](Connection::execute_cached_many) for a
    /// one-row INSERT: calls `each` with the run's number and the id the
    /// database assigned to its row
    /// ([`last_insert_id`](Connection::last_insert_id)). The ORM inserts
    /// new objects this way where the dialect
    /// [prefers it](crate::render::Dialect::prefers_prepared_row_inserts).
    ///
    /// The default calls [`execute_cached`](Connection::execute_cached) and
    /// [`last_insert_id`](Connection::last_insert_id) per run; SQLite
    /// overrides it to prepare the statement once for all runs.
    ///
    /// ```
    /// # fn demo<C: sqlalgebra::Connection>(conn: &mut C, id: sqlalgebra::render::SqlId) -> sqlalgebra::Result<()> {
    /// use sqlalgebra::value::ValueRef;
    /// // INSERT INTO "t" ("n") VALUES (?), twice
    /// let mut ids = Vec::new();
    /// conn.insert_cached_many(id, &[ValueRef::Text("a"), ValueRef::Text("b")], 1, |_, id| {
    ///     ids.push(id);
    ///     Ok(())
    /// })?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`execute_cached`](Connection::execute_cached), or what `each`
    /// returns.
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
        for (i, run) in binds.chunks(per_run.max(1)).enumerate() {
            self.execute_cached(id, run)?;
            let assigned = self.last_insert_id()?;
            each(i, assigned)?;
        }
        Ok(())
    }

    /// The ORM's I/O, as a future: see [`orm_query`](Connection::orm_query).
    #[doc(hidden)]
    fn orm_execute(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
    ) -> impl Future<Output = Result<u64>> + Send {
        ready(self.execute_sql(sql, binds))
    }

    /// The ORM's I/O, as futures. The session's logic is written once as
    /// `async` code over these methods: a sync connection's futures are
    /// ready at once (the sync [`Session`](crate::orm::Session) polls
    /// them in place), and the async session's bridge overrides them to
    /// run on an async connection. Not meant to be called or overridden
    /// outside this crate.
    #[doc(hidden)]
    fn orm_query<F>(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
        each: F,
    ) -> impl Future<Output = Result<()>> + Send
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool> + Send,
    {
        ready(self.query_sql(sql, binds, each))
    }

    /// The ORM's I/O, as a future: [`query_cached`](Connection::query_cached);
    /// see [`orm_query`](Connection::orm_query).
    #[doc(hidden)]
    fn orm_query_cached<F>(
        &mut self,
        id: SqlId,
        binds: &[ValueRef<'_>],
        each: F,
    ) -> impl Future<Output = Result<()>> + Send
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool> + Send,
    {
        ready(self.query_cached(id, binds, each))
    }

    /// The ORM's I/O, as a future: see [`orm_query`](Connection::orm_query).
    #[doc(hidden)]
    fn orm_execute_cached_many<F>(
        &mut self,
        id: SqlId,
        binds: &[ValueRef<'_>],
        per_run: usize,
        each: F,
    ) -> impl Future<Output = Result<()>> + Send
    where
        F: FnMut(usize, u64) -> Result<()> + Send,
    {
        ready(self.execute_cached_many(id, binds, per_run, each))
    }

    /// The ORM's I/O, as a future: see [`orm_query`](Connection::orm_query).
    #[doc(hidden)]
    fn orm_insert_cached_many<F>(
        &mut self,
        id: SqlId,
        binds: &[ValueRef<'_>],
        per_run: usize,
        each: F,
    ) -> impl Future<Output = Result<()>> + Send
    where
        F: FnMut(usize, Option<i64>) -> Result<()> + Send,
    {
        ready(self.insert_cached_many(id, binds, per_run, each))
    }

    /// The ORM's I/O, as a future: see [`orm_query`](Connection::orm_query).
    #[doc(hidden)]
    fn orm_last_insert_id(&mut self) -> impl Future<Output = Result<Option<i64>>> + Send {
        ready(self.last_insert_id())
    }

    /// The ORM's transaction control, as a future: `BEGIN` (or a
    /// savepoint), `COMMIT` (or a release) or `ROLLBACK` (or a rollback to
    /// the savepoint) of the innermost level; see
    /// [`orm_query`](Connection::orm_query).
    #[doc(hidden)]
    fn orm_transaction(&mut self, op: TxOp) -> impl Future<Output = Result<()>> + Send
    where
        Self: Sized,
    {
        ready(match op {
            TxOp::Begin => begin_transaction(self),
            TxOp::Commit => commit_transaction(self),
            TxOp::Rollback => rollback_transaction(self),
        })
    }

    /// Runs `f` in a transaction: commits when it returns `Ok`, rolls back
    /// when it returns `Err` or panics (the panic then continues). Nested
    /// calls use savepoints, so an inner failure undoes only the inner work.
    ///
    /// When `f` fails because the connection was lost, its error is
    /// returned as it is: the rollback, which then fails too, does not
    /// replace it, and [`Error::is_retryable`] says the transaction may be
    /// run again. A connection lost during `COMMIT` is an
    /// [`ErrorKind::Connection`] whose source is a
    /// [`CommitInDoubt`] (not retryable: it may have
    /// been committed).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let id = conn.transaction(|c| {
    ///     insert_into(Tags).values(tags::Name.set("kept")).execute(c)?;
    ///     c.last_insert_id()
    /// })?; // COMMIT
    /// assert_eq!(id, Some(1));
    /// let failed: Result<(), sqlalgebra::BoxError> = conn.transaction(|c| {
    ///     insert_into(Tags).values(tags::Name.set("undone")).execute(c)?;
    ///     Err("changed my mind".into())
    /// }); // ROLLBACK
    /// assert!(failed.is_err());
    /// assert_eq!(select(tags::Name).load::<String, _>(&mut conn)?, ["kept"]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Whatever `f` returns, or a failure to begin or commit; a failure to
    /// roll back after `f` failed, unless it is a lost connection.
    fn transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        Self: Sized,
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<Error>,
    {
        run_transaction(self, None, f)
    }
}

/// [`Connection::transaction`], at `level` when one is given.
fn run_transaction<C, T, E, F>(c: &mut C, level: Option<IsolationLevel>, f: F) -> Result<T, E>
where
    C: Connection,
    F: FnOnce(&mut C) -> Result<T, E>,
    E: From<Error>,
{
    let depth = *c.transaction_depth();
    begin(c, depth, level)?;
    *c.transaction_depth() = depth + 1;
    let outcome = catch_unwind(AssertUnwindSafe(|| f(c)));
    *c.transaction_depth() = depth;
    match outcome {
        Ok(Ok(value)) => match commit(c, depth) {
            Ok(()) => Ok(value),
            Err(e) => Err(after_failed_commit(c, depth, e).into()),
        },
        Ok(Err(e)) => match rollback(c, depth) {
            Err(failed) if !matches!(failed.kind(), ErrorKind::Connection(_)) => Err(failed.into()),
            // On a lost connection the rollback fails too, and the
            // server rolls back by itself: `e` says what happened.
            _ => Err(e),
        },
        Err(panic) => {
            let _ = rollback(c, depth);
            resume_unwind(panic)
        }
    }
}

/// Opens a transaction (`BEGIN`), or a savepoint inside the open one, and
/// counts it in [`Connection::transaction_depth`]: the manual form of
/// [`Connection::transaction`], for code that cannot use a closure (the
/// ORM session). Pair it with [`commit_transaction`] or
/// [`rollback_transaction`].
///
/// ```
/// # fn demo<C: sqlalgebra::Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
/// use sqlalgebra::conn::{begin_transaction, commit_transaction};
/// begin_transaction(conn)?;       // BEGIN
/// begin_transaction(conn)?;       // SAVEPOINT sqlalgebra_sp_1
/// commit_transaction(conn)?;      // RELEASE SAVEPOINT sqlalgebra_sp_1
/// commit_transaction(conn)?;      // COMMIT
/// # Ok(()) }
/// ```
///
/// # Errors
/// When the database refuses to begin.
pub fn begin_transaction<C: Connection>(conn: &mut C) -> Result<()> {
    let depth = *conn.transaction_depth();
    begin(conn, depth, None)?;
    *conn.transaction_depth() = depth + 1;
    Ok(())
}

/// Commits the innermost open transaction level (`COMMIT`, or `RELEASE
/// SAVEPOINT` inside a transaction). A failed `COMMIT` is rolled back, and
/// the level is closed either way.
///
/// ```
/// use sqlalgebra::conn::{begin_transaction, commit_transaction};
/// use sqlalgebra::prelude::*;
/// # use sqlalgebra::orm::doc_models::*;
/// # fn main() -> sqlalgebra::Result<()> {
/// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
/// # let mut conn = engine.connect()?;
/// # create_all::<AllTables>(&mut conn)?;
/// begin_transaction(&mut conn)?;   // BEGIN
/// insert_into(Tags).values(tags::Name.set("red")).execute(&mut conn)?;
/// commit_transaction(&mut conn)?;  // COMMIT
/// assert_eq!(*conn.transaction_depth(), 0);
/// assert!(commit_transaction(&mut conn).is_err()); // none open
/// assert_eq!(select(tags::Name).load::<String, _>(&mut conn)?, ["red"]);
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`ErrorKind::Transaction`] when no transaction is open; the database's error
/// when it refuses to commit. A connection lost during `COMMIT` is an
/// [`ErrorKind::Connection`] whose source is a
/// [`CommitInDoubt`].
pub fn commit_transaction<C: Connection>(conn: &mut C) -> Result<()> {
    let depth = *conn.transaction_depth();
    let Some(level) = depth.checked_sub(1) else {
        return Err(ErrorKind::Transaction("commit without an open transaction".into()).into());
    };
    *conn.transaction_depth() = level;
    commit(conn, level).map_err(|e| after_failed_commit(conn, level, e))
}

/// Rolls back the innermost open transaction level (`ROLLBACK`, or
/// `ROLLBACK TO SAVEPOINT` + `RELEASE SAVEPOINT` inside a transaction).
///
/// ```
/// use sqlalgebra::conn::{begin_transaction, commit_transaction, rollback_transaction};
/// use sqlalgebra::prelude::*;
/// # use sqlalgebra::orm::doc_models::*;
/// # fn main() -> sqlalgebra::Result<()> {
/// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
/// # let mut conn = engine.connect()?;
/// # create_all::<AllTables>(&mut conn)?;
/// begin_transaction(&mut conn)?;   // BEGIN
/// insert_into(Tags).values(tags::Name.set("red")).execute(&mut conn)?;
/// begin_transaction(&mut conn)?;   // SAVEPOINT
/// insert_into(Tags).values(tags::Name.set("blue")).execute(&mut conn)?;
/// rollback_transaction(&mut conn)?; // ROLLBACK TO SAVEPOINT: blue is gone
/// commit_transaction(&mut conn)?;   // COMMIT
/// assert_eq!(select(tags::Name).load::<String, _>(&mut conn)?, ["red"]);
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`ErrorKind::Transaction`] when no transaction is open or the rollback
/// fails, except on a lost connection: that stays an [`ErrorKind::Connection`]
/// (the server rolls back by itself). The level is closed either way.
pub fn rollback_transaction<C: Connection>(conn: &mut C) -> Result<()> {
    let depth = *conn.transaction_depth();
    let Some(level) = depth.checked_sub(1) else {
        return Err(ErrorKind::Transaction("rollback without an open transaction".into()).into());
    };
    *conn.transaction_depth() = level;
    rollback(conn, level)
}

/// The text `cache` holds under `id`, or the error for an id it does not
/// know.
fn cached_sql(cache: Option<&mut SqlCache>, id: SqlId) -> Result<std::sync::Arc<str>> {
    cache
        .and_then(|c| c.shared_sql(id))
        .ok_or_else(unknown_sql_error)
}

/// The error of [`Connection::query_cached`] and
/// [`Connection::execute_cached`] for an id their cache does not know (an
/// id from another connection, or from before the cache started over).
///
/// ```
/// let e = sqlalgebra::conn::unknown_sql_error();
/// assert!(matches!(e.kind(), sqlalgebra::ErrorKind::InvalidStatement(_)));
/// ```
pub fn unknown_sql_error() -> Error {
    ErrorKind::InvalidStatement("the connection's SQL cache holds no text under this id".into())
        .into()
}

fn savepoint_name(out: &mut String, depth: u32) {
    out.push_str("sqlalgebra_sp_");
    crate::render::push_int(out, i64::from(depth));
}

/// Whether `c` is in AUTOCOMMIT mode: no transaction statements at all.
fn autocommit<C: Connection>(c: &mut C) -> bool {
    c.isolation_level() == Some(IsolationLevel::Autocommit)
}

fn begin<C: Connection>(c: &mut C, depth: u32, level: Option<IsolationLevel>) -> Result<()> {
    if let Some(level) = level {
        let refused = if depth != 0 {
            Some("an isolation level is set on the outermost transaction only")
        } else if level == IsolationLevel::Autocommit {
            Some("AUTOCOMMIT is a connection setting: use `set_isolation_level`")
        } else if autocommit(c) {
            Some("the connection is in AUTOCOMMIT mode: set another isolation level first")
        } else {
            None
        };
        if let Some(why) = refused {
            return Err(ErrorKind::Transaction(why.into()).into());
        }
        let (first, begin) = c.dialect().begin_isolated(level)?;
        if let Some(first) = first {
            c.batch_execute(first)?;
        }
        return c.batch_execute(begin);
    }
    if autocommit(c) {
        Ok(())
    } else if depth == 0 {
        let sql = c.dialect().begin_transaction();
        c.batch_execute(sql)
    } else {
        let mut sql = String::from("SAVEPOINT ");
        savepoint_name(&mut sql, depth);
        c.batch_execute(&sql)
    }
}

fn commit<C: Connection>(c: &mut C, depth: u32) -> Result<()> {
    if autocommit(c) {
        Ok(())
    } else if depth == 0 {
        c.batch_execute("COMMIT")
    } else {
        let mut sql = String::from("RELEASE SAVEPOINT ");
        savepoint_name(&mut sql, depth);
        c.batch_execute(&sql)
    }
}

fn rollback<C: Connection>(c: &mut C, depth: u32) -> Result<()> {
    let result = if autocommit(c) {
        Ok(())
    } else if depth == 0 {
        c.batch_execute("ROLLBACK")
    } else {
        let mut to = String::from("ROLLBACK TO SAVEPOINT ");
        savepoint_name(&mut to, depth);
        let mut release = String::from("RELEASE SAVEPOINT ");
        savepoint_name(&mut release, depth);
        c.batch_execute(&to)
            .and_then(|()| c.batch_execute(&release))
    };
    result.map_err(|e| match e.kind() {
        ErrorKind::Connection(_) => e,
        _ => ErrorKind::Transaction(format!("rollback failed: {e}")).into(),
    })
}

/// The error to report for a `COMMIT` (or `RELEASE SAVEPOINT`) at `depth`
/// that failed with `e`, after rolling back what it may have left open. A
/// connection lost during the outermost `COMMIT` leaves its outcome
/// unknown: it becomes a [`CommitInDoubt`], with the rollback's error
/// attached.
fn after_failed_commit<C: Connection>(c: &mut C, depth: u32, e: Error) -> Error {
    let rolled_back = rollback(c, depth);
    if depth == 0 && matches!(e.kind(), ErrorKind::Connection(_)) {
        CommitInDoubt::wrap(e, rolled_back.err())
    } else {
        e
    }
}

/// Which transaction step the ORM asks of a connection: see
/// `Connection::orm_transaction`.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxOp {
    /// `BEGIN`, or a savepoint inside an open transaction.
    Begin,
    /// `COMMIT`, or the release of the innermost savepoint.
    Commit,
    /// `ROLLBACK`, or the rollback to the innermost savepoint.
    Rollback,
}
