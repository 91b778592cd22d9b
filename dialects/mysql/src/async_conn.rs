//! The async MySQL / MariaDB connection (feature `async`): mysql_async
//! without TLS (no OpenSSL). Its rows are the same `mysql_common` rows as
//! the sync driver's, so they decode through the same [`MysqlRow`].

use std::sync::Arc;

use mysql_async::prelude::Queryable;
use mysql_async::{BinaryProtocol, Conn, Opts, OptsBuilder, Params, QueryResult};
use sqlalgebra::asyncio::{AsyncBackend, AsyncConnection, BusyGuard, ConnState, RawRows, Sql};
use sqlalgebra::render::{Dialect, SqlCache, SqlId};
use sqlalgebra::value::ValueRef;
use sqlalgebra::{Error, ErrorKind, Result};

use crate::conn::{
    MysqlRow, is_temporal, params, server_error, temporal_text, transaction_control,
};
use crate::engine::{SQL_MODE, STATEMENT_CACHE};

mod statements;

use statements::Statements;

/// Turns a mysql_async error into a sqlalgebra one, as the sync backend
/// does for the sync driver's.
fn error(sql: &str, e: mysql_async::Error) -> Error {
    match &e {
        mysql_async::Error::Server(server) => {
            let (code, message) = (server.code, server.message.clone());
            server_error(code, &message, sql, Box::new(e))
        }
        mysql_async::Error::Io(_) => ErrorKind::Connection(Box::new(e)).into(),
        e2 if e2.is_fatal() => ErrorKind::Connection(Box::new(e)).into(),
        _ => Error::query(sql, e),
    }
}

/// One MySQL or MariaDB connection for async code. Statements run as
/// server-side prepared statements, prepared once and kept by the
/// connection (128 of them unless the URL says `stmt_cache_size=N`; when
/// that many are kept, they are closed and the cache starts again).
///
/// ```no_run
/// use sqlalgebra::asyncio::prelude::*;
/// use sqlalgebra_mysql::AsyncMysqlConnection;
/// # async fn demo() -> sqlalgebra::Result<()> {
/// let mut c = AsyncMysqlConnection::connect("mysql://root@127.0.0.1:3306/test").await?;
/// let one: i64 = text("SELECT 1").returns::<BigInt>().get(&mut c).await?;
/// # Ok(()) }
/// ```
pub struct AsyncMysqlConnection {
    conn: Conn,
    dialect: &'static dyn Dialect,
    sql_cache: SqlCache,
    state: ConnState,
    /// `BEGIN` ran through `batch_execute` without `COMMIT`/`ROLLBACK`.
    open_transaction: bool,
    statements: Statements,
}

impl std::fmt::Debug for AsyncMysqlConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncMysqlConnection")
            .field("connection_id", &self.conn.id())
            .field("cached_statements", &self.statements.len())
            .field("state", &self.state)
            .finish()
    }
}

impl AsyncMysqlConnection {
    /// One connection, set up as the engine's are (strict mode,
    /// `utf8mb4`, `UPDATE` counting matched rows).
    ///
    /// # Errors
    /// [`ErrorKind::Connection`] when the URL is malformed or the server cannot
    /// be reached.
    pub async fn connect(url: &str) -> Result<Self> {
        AsyncMysqlManager::new(url)?.open().await
    }

    /// Wraps an open driver connection; asks the server's version to pick
    /// its dialect, as [`MysqlConnection::new`](crate::MysqlConnection::new).
    /// The connection keeps as many prepared statements as the driver's
    /// `stmt_cache_size` says (at least one).
    ///
    /// # Errors
    /// [`ErrorKind::Connection`] when the server does not answer.
    pub async fn new(conn: Conn) -> Result<Self> {
        let capacity = conn.opts().stmt_cache_size();
        Self::with_statements(conn, capacity).await
    }

    /// [`new`](Self::new), keeping up to `capacity` prepared statements.
    async fn with_statements(mut conn: Conn, capacity: usize) -> Result<Self> {
        let version: Option<String> = conn
            .query_first("SELECT VERSION()")
            .await
            .map_err(|e| ErrorKind::Connection(Box::new(e)))?;
        let dialect = version.map_or(&crate::Mysql as &dyn Dialect, |v| {
            crate::for_server_version(&v)
        });
        Ok(AsyncMysqlConnection {
            conn,
            dialect,
            sql_cache: SqlCache::default(),
            state: ConnState::new(),
            open_transaction: false,
            statements: Statements::new(capacity),
        })
    }

    /// The mysql_async connection underneath.
    pub fn raw(&self) -> &Conn {
        &self.conn
    }

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

/// Ends an exchange: a lost connection marks the state broken.
fn finish<T>(busy: BusyGuard<'_>, result: &Result<T>) {
    if matches!(
        result.as_ref().map_err(Error::kind),
        Err(ErrorKind::Connection(_))
    ) {
        busy.lost();
    } else {
        busy.done();
    }
}

/// Runs `sql` (at `id` in the SQL cache, if there) with `params`: its
/// kept statement, prepared (out of line: once per text and connection)
/// when there is none.
async fn start<'c>(
    conn: &'c mut Conn,
    statements: &mut Statements,
    (sql, id): (&str, Option<SqlId>),
    params: Params,
) -> Result<QueryResult<'c, 'static, BinaryProtocol>> {
    let statement = match statements.get(sql, id) {
        Some(statement) => statement,
        None => Box::pin(statements.prepare(conn, sql, id))
            .await
            .map_err(|e| error(sql, e))?,
    };
    conn.exec_iter(statement, params)
        .await
        .map_err(|e| error(sql, e))
}

async fn execute(
    conn: &mut Conn,
    statements: &mut Statements,
    sql: (&str, Option<SqlId>),
    params: Params,
) -> Result<u64> {
    let text = sql.0;
    let mut result = start(conn, statements, sql, params).await?;
    if result.columns_ref().is_empty() {
        let n = result.affected_rows();
        result.drop_result().await.map_err(|e| error(text, e))?;
        return Ok(n);
    }
    // Rows (MariaDB's RETURNING): one per changed row, read to the end.
    let mut n = 0;
    while result.next().await.map_err(|e| error(text, e))?.is_some() {
        n += 1;
    }
    result.drop_result().await.map_err(|e| error(text, e))?;
    Ok(n)
}

async fn query<F>(
    conn: &mut Conn,
    statements: &mut Statements,
    sql: (&str, Option<SqlId>),
    params: Params,
    mut each: F,
) -> Result<()>
where
    F: FnMut(&mut MysqlRow<'_>) -> Result<bool> + Send,
{
    let text = sql.0;
    let mut result = start(conn, statements, sql, params).await?;
    let has_temporal = result.columns_ref().iter().any(is_temporal);
    let mut temporal = Vec::new();
    let mut wanted = true;
    let mut failed = None;
    // Rows after the caller stopped are still read off the wire, so the
    // connection stays usable.
    while let Some(mut row) = result.next().await.map_err(|e| error(text, e))? {
        if wanted {
            if has_temporal {
                temporal_text(&row, &mut temporal);
            }
            match each(&mut MysqlRow::new(&mut row, &temporal)) {
                Ok(more) => wanted = more,
                Err(e) => {
                    failed = Some(e);
                    wanted = false;
                }
            }
        }
    }
    result.drop_result().await.map_err(|e| error(text, e))?;
    failed.map_or(Ok(()), Err)
}

impl AsyncConnection for AsyncMysqlConnection {
    type Row<'r> = MysqlRow<'r>;
    type Rows<'s> = AsyncMysqlRows<'s>;

    fn dialect(&self) -> &'static dyn Dialect {
        self.dialect
    }

    fn sql_cache(&mut self) -> Option<&mut SqlCache> {
        Some(&mut self.sql_cache)
    }

    fn state(&mut self) -> &mut ConnState {
        &mut self.state
    }

    async fn execute_sql(&mut self, sql: Sql<'_>, binds: &[ValueRef<'_>]) -> Result<u64> {
        let sql = sql.resolve(&self.sql_cache)?;
        let params = params(sql.0, binds)?;
        let busy = self.state.busy();
        let result = execute(&mut self.conn, &mut self.statements, sql, params).await;
        finish(busy, &result);
        result
    }

    async fn query_sql<F>(&mut self, sql: Sql<'_>, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut MysqlRow<'_>) -> Result<bool> + Send,
    {
        let sql = sql.resolve(&self.sql_cache)?;
        let params = params(sql.0, binds)?;
        let busy = self.state.busy();
        let result = query(&mut self.conn, &mut self.statements, sql, params, each).await;
        finish(busy, &result);
        result
    }

    /// The driver's streamed result: rows are read off the wire one at a
    /// time. Dropped before the end, the rest is read and dropped before
    /// the connection's next statement (by the driver).
    async fn stream_sql(
        &mut self,
        sql: Sql<'_>,
        binds: &[ValueRef<'_>],
    ) -> Result<AsyncMysqlRows<'_>> {
        let text = self.text(sql)?;
        let id = match sql {
            Sql::Cached(id) => Some(id),
            Sql::Text(_) => None,
        };
        let params = params(&text, binds)?;
        let busy = self.state.busy();
        let started = start(&mut self.conn, &mut self.statements, (&text, id), params).await;
        let result = match started {
            Ok(result) => {
                busy.done();
                result
            }
            Err(e) => {
                let e = Err(e);
                finish(busy, &e);
                return e;
            }
        };
        let has_temporal = result.columns_ref().iter().any(is_temporal);
        Ok(AsyncMysqlRows {
            result,
            sql: text,
            has_temporal,
            temporal: Vec::new(),
        })
    }

    async fn batch_execute(&mut self, sql: &str) -> Result<()> {
        let busy = self.state.busy();
        let result = self.conn.query_drop(sql).await.map_err(|e| error(sql, e));
        finish(busy, &result);
        if result.is_ok()
            && let Some(open) = transaction_control(sql)
        {
            self.open_transaction = open;
        }
        result
    }

    async fn last_insert_id(&mut self) -> Result<Option<i64>> {
        match self.conn.last_insert_id() {
            None | Some(0) => Ok(None),
            Some(id) => i64::try_from(id).map(Some).map_err(|_| {
                ErrorKind::Decode {
                    column: "LAST_INSERT_ID()".into(),
                    message: format!("{id} does not fit in i64"),
                }
                .into()
            }),
        }
    }
}

/// The rows of a query streamed from an [`AsyncMysqlConnection`].
pub struct AsyncMysqlRows<'c> {
    result: QueryResult<'c, 'static, BinaryProtocol>,
    sql: Arc<str>,
    has_temporal: bool,
    temporal: Vec<Option<String>>,
}

impl std::fmt::Debug for AsyncMysqlRows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncMysqlRows")
            .field("sql", &self.sql)
            .finish()
    }
}

impl AsyncMysqlRows<'_> {
    async fn next_with<T>(
        &mut self,
        f: impl FnOnce(&mut MysqlRow<'_>) -> Result<T>,
    ) -> Option<Result<T>> {
        match self.result.next().await {
            Ok(Some(mut row)) => {
                if self.has_temporal {
                    temporal_text(&row, &mut self.temporal);
                }
                Some(f(&mut MysqlRow::new(&mut row, &self.temporal)))
            }
            Ok(None) => None,
            Err(e) => Some(Err(error(&self.sql, e))),
        }
    }
}

impl RawRows for AsyncMysqlRows<'_> {
    type Row<'r> = MysqlRow<'r>;

    fn next_row<T, F>(&mut self, f: F) -> impl Future<Output = Option<Result<T>>> + Send
    where
        T: Send,
        F: FnOnce(&mut MysqlRow<'_>) -> Result<T> + Send,
    {
        self.next_with(f)
    }
}

/// Opens [`AsyncMysqlConnection`]s for an
/// [`AsyncEngine`](sqlalgebra::asyncio::AsyncEngine), set up as the sync
/// [`MysqlManager`](crate::MysqlManager)'s: strict `sql_mode`, `utf8mb4`,
/// `UPDATE` reporting the rows it matched.
///
/// ```
/// use sqlalgebra_mysql::AsyncMysqlManager;
/// let m = AsyncMysqlManager::new("mysql://root@127.0.0.1:3306/test").unwrap();
/// assert!(AsyncMysqlManager::new("postgres://nope").is_err());
/// # drop(m);
/// ```
#[derive(Debug, Clone)]
pub struct AsyncMysqlManager {
    /// The driver's options, with its statement cache off: the
    /// connections keep their statements themselves.
    opts: Opts,
    /// How many prepared statements each connection keeps.
    statements: usize,
}

impl AsyncMysqlManager {
    /// A manager for the server and database at `url`.
    ///
    /// ```
    /// let m = sqlalgebra_mysql::AsyncMysqlManager::new("mysql://root@127.0.0.1:3306/test").unwrap();
    /// # drop(m);
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Connection`] when the URL is malformed.
    pub fn new(url: &str) -> Result<Self> {
        let opts = Opts::from_url(url).map_err(|e| ErrorKind::Connection(Box::new(e)))?;
        let cache = if url.contains("stmt_cache_size=") {
            opts.stmt_cache_size()
        } else {
            STATEMENT_CACHE
        };
        let mut init = vec![SQL_MODE.to_owned(), "SET NAMES utf8mb4".to_owned()];
        init.extend(opts.init().iter().cloned());
        let opts = OptsBuilder::from_opts(opts)
            .init(init)
            .client_found_rows(true)
            .stmt_cache_size(0)
            .into();
        Ok(AsyncMysqlManager {
            opts,
            statements: cache,
        })
    }

    /// Opens one connection, outside any pool.
    async fn open(&self) -> Result<AsyncMysqlConnection> {
        let conn = Conn::new(self.opts.clone())
            .await
            .map_err(|e| ErrorKind::Connection(Box::new(e)))?;
        AsyncMysqlConnection::with_statements(conn, self.statements).await
    }
}

impl AsyncBackend for AsyncMysqlManager {
    type Connection = AsyncMysqlConnection;

    fn connect(&self) -> impl Future<Output = Result<AsyncMysqlConnection>> + Send {
        self.open()
    }
}
