//! Async execution on tokio (feature `async`): the same statements, the
//! same rendering and the same SQL cache as the sync API, run through an
//! [`AsyncConnection`].
//!
//! The names mirror the sync ones: [`AsyncRunQuery`] has `load`, `get`
//! and `first`, [`AsyncExecute`] has `execute`, each returning a future.
//! Import them with [`prelude`] (which holds the whole sync prelude but
//! [`RunQuery`](crate::query::RunQuery) and [`Execute`](crate::query::Execute),
//! whose methods have the same names).
//!
//! ```
//! use sqlalgebra::asyncio::prelude::*;
//!
//! async fn demo<C: AsyncConnection>(conn: &mut C) -> sqlalgebra::Result<i64> {
//!     text("SELECT 41 + :n").bind("n", 1i64).returns::<BigInt>().get(conn).await
//! }
//! ```
//!
//! Backends: `sqlalgebra_postgres::AsyncPgConnection` (tokio-postgres),
//! `sqlalgebra_mysql::AsyncMysqlConnection` (mysql_async, no TLS) and
//! `sqlalgebra_sqlite::AsyncSqliteConnection` (rusqlite on a thread of
//! its own per connection), each behind its crate's `async` feature;
//! pooled by [`AsyncEngine`] (bb8).

mod engine;
pub(crate) mod observed;
mod run;
pub(crate) mod state;
pub(crate) mod transaction;

use std::future::Future;
use std::pin::Pin;

pub use engine::{AsyncBackend, AsyncEngine, AsyncPooled};
pub use run::{AsyncExecute, AsyncRunQuery, RowStream};
pub use state::{BusyGuard, ConnState};
pub use transaction::AsyncTransaction;

use crate::error::{Error, Result};
use crate::render::{Dialect, SqlCache, SqlId};
use crate::value::{Row, ValueRef};

/// A boxed, `Send` future: what the closure of
/// [`AsyncConnection::transaction`] returns.
///
/// ```
/// use sqlalgebra::asyncio::BoxFuture;
/// let f: BoxFuture<'static, i32> = Box::pin(async { 1 });
/// # drop(f);
/// ```
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The SQL an [`AsyncConnection`] runs: a text its
/// [`sql_cache`](AsyncConnection::sql_cache) holds, or one rendered for
/// this run only.
///
/// ```
/// use sqlalgebra::asyncio::Sql;
/// assert!(matches!(Sql::Text("SELECT 1"), Sql::Text(_)));
/// ```
#[derive(Debug, Clone, Copy)]
pub enum Sql<'a> {
    /// The text the connection's SQL cache holds under this id.
    Cached(SqlId),
    /// A text of its own.
    Text(&'a str),
}

impl Sql<'_> {
    /// The text, looked up in `cache` for a cached one.
    ///
    /// ```
    /// use sqlalgebra::asyncio::Sql;
    /// let mut cache = sqlalgebra::render::SqlCache::default();
    /// assert_eq!(Sql::Text("SELECT 1").text(&mut cache).unwrap(), "SELECT 1");
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::InvalidStatement`](crate::ErrorKind::InvalidStatement) for an id `cache` does not know.
    pub fn text<'c>(&'c self, cache: &'c mut SqlCache) -> Result<&'c str> {
        self.resolve(cache).map(|(text, _)| text)
    }
}

impl<'a> Sql<'a> {
    /// The text, looked up in `cache` for a cached one, and its id there
    /// (`None` for a text of its own): what a connection needs to run it
    /// and to find what it keeps for the cache's texts.
    ///
    /// ```
    /// use sqlalgebra::asyncio::Sql;
    /// let cache = sqlalgebra::render::SqlCache::default();
    /// assert_eq!(Sql::Text("SELECT 1").resolve(&cache).unwrap(), ("SELECT 1", None));
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::InvalidStatement`](crate::ErrorKind::InvalidStatement) for an id `cache` does not know.
    pub fn resolve<'c>(self, cache: &'c SqlCache) -> Result<(&'c str, Option<SqlId>)>
    where
        'a: 'c,
    {
        match self {
            Sql::Text(t) => Ok((t, None)),
            Sql::Cached(id) => cache
                .sql(id)
                .map(|t| (t, Some(id)))
                .ok_or_else(crate::conn::unknown_sql_error),
        }
    }
}

/// The rows of a query, fetched as they are read: what
/// [`AsyncConnection::stream_sql`] returns, holding O(1) rows.
///
/// ```
/// # use sqlalgebra::asyncio::RawRows;
/// async fn count<R: RawRows>(mut rows: R) -> sqlalgebra::Result<usize> {
///     let mut n = 0;
///     while let Some(r) = rows.next_row(|_| Ok(())).await {
///         r?;
///         n += 1;
///     }
///     Ok(n)
/// }
/// ```
pub trait RawRows: Send {
    /// The backend's row type, read in place.
    type Row<'r>: Row;

    /// Fetches the next row and calls `f` with it; `None` after the last.
    ///
    /// ```
    /// use sqlalgebra::asyncio::RawRows;
    /// use sqlalgebra::value::Row;
    /// use sqlalgebra::asyncio::{AsyncBackend, AsyncConnection, Sql};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// let mut rows = conn.stream_sql(Sql::Text("SELECT 1 UNION ALL SELECT 2"), &[]).await?;
    /// let mut seen = Vec::new();
    /// while let Some(n) = rows.next_row(|row| row.get_i64(0)).await {
    ///     seen.push(n?);
    /// }
    /// assert_eq!(seen, [Some(1), Some(2)]);
    /// # Ok(()) }
    /// ```
    fn next_row<T, F>(&mut self, f: F) -> impl Future<Output = Option<Result<T>>> + Send
    where
        T: Send,
        F: FnOnce(&mut Self::Row<'_>) -> Result<T> + Send;
}

/// A live database connection driven by async I/O: the async counterpart of
/// [`Connection`](crate::Connection).
///
/// Backends implement the required methods; statements run through
/// [`AsyncRunQuery`] and [`AsyncExecute`], transactions through
/// [`begin`](AsyncConnection::begin) and
/// [`transaction`](AsyncConnection::transaction).
///
/// A future of this trait may be dropped at any `.await` (a timeout, a
/// client gone): the connection then knows it (its [`ConnState`]). A
/// transaction left open that way is rolled back before the connection's
/// next statement, and the pool of [`AsyncEngine`] discards such a
/// connection instead of handing it out again.
///
/// ```
/// use sqlalgebra::asyncio::prelude::*;
/// async fn ping<C: AsyncConnection>(conn: &mut C) -> sqlalgebra::Result<()> {
///     conn.batch_execute("SELECT 1").await
/// }
/// ```
pub trait AsyncConnection: Send {
    /// The backend's row type, read in place.
    type Row<'r>: Row
    where
        Self: 'r;

    /// The rows of a query being streamed.
    type Rows<'s>: RawRows
    where
        Self: 's;

    /// The dialect statements are rendered in for this connection.
    ///
    /// ```
    /// use sqlalgebra::asyncio::{AsyncBackend, AsyncConnection, Sql};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// assert_eq!(conn.dialect().name(), "sqlite");
    /// # Ok(()) }
    /// ```
    fn dialect(&self) -> &'static dyn Dialect;

    /// The connection's cache of rendered SQL (see
    /// [`Connection::sql_cache`](crate::Connection::sql_cache)).
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// use sqlalgebra::asyncio::{AsyncBackend, AsyncConnection, Sql};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// let n: i64 = select(bind::<BigInt, _>(1)).get(&mut conn).await?;
    /// assert_eq!(n, 1);
    /// assert_eq!(conn.sql_cache().map(|c| c.len()), Some(1)); // rendered once, cached
    /// # Ok(()) }
    /// ```
    fn sql_cache(&mut self) -> Option<&mut SqlCache>;

    /// The transaction depth and what a dropped future left behind.
    ///
    /// ```
    /// use sqlalgebra::asyncio::{AsyncBackend, AsyncConnection, Sql};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// assert_eq!(conn.state().depth(), 0);
    /// let mut tx = conn.begin().await?; // BEGIN
    /// assert_eq!(tx.state().depth(), 1);  // the transaction derefs to the connection
    /// tx.commit().await?;
    /// assert_eq!(conn.state().depth(), 0);
    /// assert!(conn.state().is_clean());
    /// # Ok(()) }
    /// ```
    fn state(&mut self) -> &mut ConnState;

    /// Runs a statement that returns no rows; the number of rows it
    /// changed.
    ///
    /// ```
    /// use sqlalgebra::value::ValueRef;
    /// use sqlalgebra::asyncio::{AsyncBackend, AsyncConnection, Sql};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// conn.batch_execute("CREATE TABLE t (n INTEGER)").await?;
    /// let n = conn
    ///     .execute_sql(Sql::Text("INSERT INTO t (n) VALUES (?), (?)"), &[ValueRef::Int(1), ValueRef::Int(2)])
    ///     .await?;
    /// assert_eq!(n, 2);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the database refuses the statement.
    fn execute_sql(
        &mut self,
        sql: Sql<'_>,
        binds: &[ValueRef<'_>],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Runs a query and calls `each` with every row until it returns
    /// `Ok(false)` or an error.
    ///
    /// ```
    /// use sqlalgebra::value::Row;
    /// use sqlalgebra::asyncio::{AsyncBackend, AsyncConnection, Sql};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// let mut total = 0;
    /// conn.query_sql(Sql::Text("SELECT 1 UNION ALL SELECT 2"), &[], |row| {
    ///     total += row.get_i64(0)?.unwrap_or(0);
    ///     Ok(true) // `false` stops after this row
    /// })
    /// .await?;
    /// assert_eq!(total, 3);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the database refuses the statement or `each` fails.
    fn query_sql<F>(
        &mut self,
        sql: Sql<'_>,
        binds: &[ValueRef<'_>],
        each: F,
    ) -> impl Future<Output = Result<()>> + Send
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool> + Send;

    /// Starts a query whose rows are fetched as they are read.
    ///
    /// ```
    /// use sqlalgebra::asyncio::RawRows;
    /// use sqlalgebra::value::Row;
    /// use sqlalgebra::asyncio::{AsyncBackend, AsyncConnection, Sql};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// let mut rows = conn.stream_sql(Sql::Text("SELECT 1 UNION ALL SELECT 2"), &[]).await?;
    /// let first = rows.next_row(|row| row.get_i64(0)).await.transpose()?;
    /// assert_eq!(first, Some(Some(1))); // one row read; the rest is never fetched
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the database refuses the statement.
    fn stream_sql(
        &mut self,
        sql: Sql<'_>,
        binds: &[ValueRef<'_>],
    ) -> impl Future<Output = Result<Self::Rows<'_>>> + Send;

    /// Runs SQL without binds or results (DDL, transaction control).
    ///
    /// ```
    /// use sqlalgebra::asyncio::{AsyncBackend, AsyncConnection, Sql};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// conn.batch_execute("CREATE TABLE t (n INTEGER); CREATE INDEX t_n ON t (n)").await?;
    /// assert_eq!(conn.execute_sql(Sql::Text("INSERT INTO t (n) VALUES (1)"), &[]).await?, 1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the database refuses the statement.
    fn batch_execute(&mut self, sql: &str) -> impl Future<Output = Result<()>> + Send;

    /// The id the database assigned to the row last inserted on this
    /// connection, if any.
    ///
    /// ```
    /// use sqlalgebra::asyncio::{AsyncBackend, AsyncConnection, Sql};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// conn.batch_execute("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)").await?;
    /// conn.execute_sql(Sql::Text("INSERT INTO t (n) VALUES (5)"), &[]).await?;
    /// assert_eq!(conn.last_insert_id().await?, Some(1));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the database cannot say.
    fn last_insert_id(&mut self) -> impl Future<Output = Result<Option<i64>>> + Send;

    /// Opens a transaction (`BEGIN`, or a savepoint inside an open one).
    /// It rolls back unless [`commit`](AsyncTransaction::commit)ted,
    /// including when it is dropped (on a panic, or with the future that
    /// held it): the rollback then runs before the connection's next
    /// statement.
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// async fn demo<C: AsyncConnection>(conn: &mut C) -> sqlalgebra::Result<()> {
    ///     let mut tx = conn.begin().await?;
    ///     text("DELETE FROM t").execute(&mut *tx).await?;
    ///     tx.commit().await
    /// }
    /// ```
    ///
    /// # Errors
    /// When the database refuses to begin.
    fn begin(&mut self) -> impl Future<Output = Result<AsyncTransaction<'_, Self>>> + Send
    where
        Self: Sized,
    {
        AsyncTransaction::open(self)
    }

    /// Runs `f` in a transaction: commits when it returns `Ok`, rolls back
    /// when it returns `Err`, panics (the panic then continues) or is
    /// dropped. Nested calls use savepoints. The closure returns a boxed
    /// future (`Box::pin(async move { .. })`).
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// async fn demo<C: AsyncConnection>(conn: &mut C) -> sqlalgebra::Result<u64> {
    ///     conn.transaction(|c| Box::pin(async move {
    ///         text("DELETE FROM t").execute(c).await
    ///     }))
    ///     .await
    /// }
    /// ```
    ///
    /// # Errors
    /// Whatever `f` returns, or a failure to begin or commit (a lost
    /// connection during `COMMIT` is a [`CommitInDoubt`](crate::CommitInDoubt)),
    /// or to roll back after `f` failed.
    fn transaction<T, E, F>(&mut self, f: F) -> impl Future<Output = Result<T, E>> + Send
    where
        Self: Sized,
        T: Send,
        E: From<Error> + Send,
        F: for<'c> FnOnce(&'c mut Self) -> BoxFuture<'c, Result<T, E>> + Send,
    {
        transaction::run(self, f)
    }
}

/// The async prelude: the sync [`prelude`](crate::prelude) but
/// [`RunQuery`](crate::query::RunQuery) and [`Execute`](crate::query::Execute),
/// plus the async traits.
///
/// ```
/// use sqlalgebra::asyncio::prelude::*;
/// let q = select(count_star());
/// # let _ = q;
/// ```
pub mod prelude {
    pub use super::{
        AsyncConnection, AsyncEngine, AsyncExecute, AsyncRunQuery, AsyncTransaction, RowStream,
    };
    pub use crate::engine::PoolOptions;
    pub use crate::expr::{
        BoolExpressionMethods, Expression, ExpressionMethods, IntoExpr, NumericExpressionMethods,
        TextExpressionMethods, and, avg, bind, count, count_star, max, min, not, or, sum,
    };
    pub use crate::expr::{
        DatePart, FrameBound, WindowFunction, abs, case_when, cast, coalesce, dense_rank, extract,
        extract_day, extract_month, extract_year, func, lag, lead, length, lower, ntile, nullif,
        rank, replace, round, row_number, substr, trim, upper, window,
    };
    pub use crate::query::{
        BoxExpression, ColumnMethods, Query, ReturningMethods, SetOperations, SubqueryMethods,
        WithMethods, alias, cte, delete_from, exists, insert_into, select, text, update,
    };
    pub use crate::render::Statement;
    pub use crate::schema::{
        Column, ColumnDefault, ColumnList, ForeignKey, ReferentialAction, Table, check,
        foreign_key, index, unique_index,
    };
    pub use crate::types::{
        BigInt, Blob, Bool, Date, Double, Integer, Json, Jsonb, Nullable, Numeric, Real, SmallInt,
        Text, Time, Timestamp, TimestampTz, Uuid, Varchar,
    };
    pub use crate::value::FromRow;
}
