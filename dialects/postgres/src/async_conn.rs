//! The async PostgreSQL connection (feature `async`): tokio-postgres, the
//! driver the sync `postgres` crate wraps, so rows are the same
//! `tokio_postgres::Row` and decode through the same [`PgRow`].

use std::sync::Arc;

use sqlalgebra::asyncio::{AsyncConnection, ConnState, Sql};
use sqlalgebra::render::{Dialect, SqlCache};
use sqlalgebra::value::ValueRef;
use sqlalgebra::{Error, ErrorKind, Result};
use tokio_postgres::{Client, Config, NoTls};

use crate::Postgres;
use crate::conn::{PgError, PgRow, error};

mod driver;
mod manager;
mod params;
mod stream;
mod unnamed;

use driver::Driver;
pub use manager::AsyncPgManager;
pub use stream::AsyncPgRows;

/// Rows fetched per round trip by a stream (`FETCH n`).
pub const STREAM_FETCH: usize = 256;

/// One PostgreSQL connection for async code, with a prepared-statement
/// cache (as [`PgConnection`](crate::PgConnection)'s, keyed by text and
/// bind types; emptied when it holds [`STATEMENT_CACHE`](crate::STATEMENT_CACHE) statements).
///
/// ```no_run
/// use sqlalgebra::asyncio::prelude::*;
/// use sqlalgebra_postgres::AsyncPgConnection;
/// # async fn demo() -> sqlalgebra::Result<()> {
/// let mut c = AsyncPgConnection::connect("postgres://postgres@127.0.0.1/test").await?;
/// let one: i64 = text("SELECT 1::int8").returns::<BigInt>().get(&mut c).await?;
/// # Ok(()) }
/// ```
pub struct AsyncPgConnection {
    driver: Driver,
    sql_cache: SqlCache,
    state: ConnState,
}

impl std::fmt::Debug for AsyncPgConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncPgConnection")
            .field("cached_statements", &self.driver.statements.len())
            .field("state", &self.state)
            .finish()
    }
}

fn connection_error(e: tokio_postgres::Error) -> Error {
    ErrorKind::Connection(Box::new(PgError::from(e))).into()
}

impl AsyncPgConnection {
    /// Connects (without TLS) with `config`; the driver's connection task
    /// is spawned on the current tokio runtime.
    ///
    /// # Errors
    /// [`ErrorKind::Connection`] when the server cannot be reached.
    pub async fn connect_config(config: &Config) -> Result<Self> {
        let (client, connection) = config.connect(NoTls).await.map_err(connection_error)?;
        // Ends with an error when the server goes away; the client's next
        // call reports it.
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Self::new(client))
    }

    /// Connects to a URL (`postgres://user@host:port/db`) or a `key=value`
    /// string.
    ///
    /// # Errors
    /// [`ErrorKind::Connection`] when it does not parse or the server cannot
    /// be reached.
    pub async fn connect(url: &str) -> Result<Self> {
        let config: Config = url.parse().map_err(connection_error)?;
        Self::connect_config(&config).await
    }

    /// Wraps a connected client (whose connection task runs elsewhere).
    pub fn new(client: Client) -> Self {
        AsyncPgConnection {
            driver: Driver::new(client),
            sql_cache: SqlCache::default(),
            state: ConnState::new(),
        }
    }

    /// The tokio-postgres client underneath.
    pub fn raw(&self) -> &Client {
        &self.driver.client
    }

    /// Runs every statement unnamed (`Parse`/`Bind`/`Execute` of the
    /// unnamed statement in one round trip) instead of preparing it once
    /// and keeping it: for a proxy pooling by transaction (pgbouncer),
    /// where a statement prepared on one server connection is not there
    /// on the next. As [`PgConnection::set_unnamed_statements`](crate::PgConnection::set_unnamed_statements);
    /// [`AsyncPgManager`] sets it from a URL's `statements=unnamed`.
    ///
    /// ```no_run
    /// # async fn demo() -> sqlalgebra::Result<()> {
    /// let mut c = sqlalgebra_postgres::AsyncPgConnection::connect("postgres://postgres@127.0.0.1:6432/test").await?;
    /// c.set_unnamed_statements(true);
    /// assert!(c.unnamed_statements());
    /// # Ok(()) }
    /// ```
    pub fn set_unnamed_statements(&mut self, on: bool) {
        self.driver.unnamed = on;
        self.driver.clear_statements();
    }

    /// Whether statements run unnamed; see
    /// [`set_unnamed_statements`](AsyncPgConnection::set_unnamed_statements).
    ///
    /// ```no_run
    /// # async fn demo() -> sqlalgebra::Result<()> {
    /// let c = sqlalgebra_postgres::AsyncPgConnection::connect("postgres://postgres@127.0.0.1/test").await?;
    /// assert!(!c.unnamed_statements());
    /// # Ok(()) }
    /// ```
    pub fn unnamed_statements(&self) -> bool {
        self.driver.unnamed
    }

    /// The text of `sql`, shared.
    fn text(&mut self, sql: Sql<'_>) -> Result<Arc<str>> {
        match sql {
            Sql::Text(t) => Ok(Arc::from(t)),
            Sql::Cached(id) => self
                .sql_cache
                .shared_sql(id)
                .ok_or_else(sqlalgebra::conn::unknown_sql_error),
        }
    }
}

impl AsyncConnection for AsyncPgConnection {
    type Row<'r> = PgRow<'r>;
    type Rows<'s> = AsyncPgRows<'s>;

    fn dialect(&self) -> &'static dyn Dialect {
        &Postgres
    }

    fn sql_cache(&mut self) -> Option<&mut SqlCache> {
        Some(&mut self.sql_cache)
    }

    fn state(&mut self) -> &mut ConnState {
        &mut self.state
    }

    async fn execute_sql(&mut self, sql: Sql<'_>, binds: &[ValueRef<'_>]) -> Result<u64> {
        let (text, id) = sql.resolve(&self.sql_cache)?;
        let depth = self.state.depth();
        let busy = self.state.busy();
        let result = self.driver.execute(text, id, binds, depth).await;
        finish(busy, &result);
        result
    }

    async fn query_sql<F>(&mut self, sql: Sql<'_>, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut PgRow<'_>) -> Result<bool> + Send,
    {
        let (text, id) = sql.resolve(&self.sql_cache)?;
        let depth = self.state.depth();
        let busy = self.state.busy();
        let result = self.driver.query(text, id, binds, depth, each).await;
        finish(busy, &result);
        result
    }

    /// Declares a cursor for the query (in a transaction of its own
    /// outside one) and fetches [`STREAM_FETCH`] rows per round trip: a
    /// portal with a fetch size. Queries only (`SELECT`, `VALUES`).
    async fn stream_sql(
        &mut self,
        sql: Sql<'_>,
        binds: &[ValueRef<'_>],
    ) -> Result<AsyncPgRows<'_>> {
        let text = self.text(sql)?;
        self.open_stream(&text, binds).await
    }

    async fn batch_execute(&mut self, sql: &str) -> Result<()> {
        let busy = self.state.busy();
        let result = self.driver.simple(sql).await;
        finish(busy, &result);
        result
    }

    /// `lastval()`, under a savepoint inside a transaction (see
    /// [`PgConnection`](crate::PgConnection)'s).
    async fn last_insert_id(&mut self) -> Result<Option<i64>> {
        const SQL: &str = "SELECT lastval()";
        let guarded = self.state.depth() > 0 || self.driver.in_transaction;
        if guarded {
            self.batch_execute("SAVEPOINT sqlalgebra_lastval").await?;
        }
        let outcome = self.driver.rows_of(SQL).await;
        let id = outcome.and_then(|rows| match rows.first() {
            Some(row) => row.try_get::<_, i64>(0).map(Some),
            None => Ok(None),
        });
        match id {
            Ok(id) => {
                if guarded {
                    self.batch_execute("RELEASE SAVEPOINT sqlalgebra_lastval")
                        .await?;
                }
                Ok(id)
            }
            Err(e)
                if e.code()
                    == Some(&tokio_postgres::error::SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE) =>
            {
                if guarded {
                    self.batch_execute(
                        "ROLLBACK TO SAVEPOINT sqlalgebra_lastval; RELEASE SAVEPOINT sqlalgebra_lastval",
                    )
                    .await?;
                }
                Ok(None)
            }
            Err(e) => Err(error(SQL, e)),
        }
    }
}

/// Ends an exchange: a lost connection marks the state broken.
fn finish<T>(busy: sqlalgebra::asyncio::BusyGuard<'_>, result: &Result<T>) {
    if matches!(
        result.as_ref().map_err(Error::kind),
        Err(ErrorKind::Connection(_))
    ) {
        busy.lost();
    } else {
        busy.done();
    }
}
