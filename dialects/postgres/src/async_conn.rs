//! The async PostgreSQL connection (feature `async`): tokio-postgres, the
//! driver the sync `postgres` crate wraps, so rows are the same
//! `tokio_postgres::Row` and decode through the same [`PgRow`].

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use sqlalgebra::asyncio::{AsyncBackend, AsyncConnection, ConnState, RawRows, Sql};
use sqlalgebra::render::{Dialect, FastHasher, SqlCache};
use sqlalgebra::value::ValueRef;
use sqlalgebra::{Error, ErrorKind, Result};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Config, NoTls, Statement};

use crate::Postgres;
use crate::conn::{
    PREPARE_RELEASE, PREPARE_ROLLBACK, PREPARE_SAVEPOINT, PgError, PgRow, STATEMENT_CACHE, error,
    fill_temporal, is_int, is_stale_statement, note_transaction, param_type, push_letters,
};
use crate::types::{ArrayParam, Kind, Param, ValueParam, params_of};

mod unnamed;

/// Rows fetched per round trip by a stream (`FETCH n`).
pub const STREAM_FETCH: usize = 256;

/// One PostgreSQL connection for async code, with a prepared-statement
/// cache (as [`PgConnection`](crate::PgConnection)'s, keyed by text and
/// bind types; emptied when it holds [`STATEMENT_CACHE`] statements).
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

/// Everything but the SQL cache and the state, so that a statement can
/// borrow its text from the cache and mark the state busy while it runs.
struct Driver {
    client: Client,
    statements: HashMap<Vec<u8>, Statement, BuildHasherDefault<FastHasher>>,
    key: Vec<u8>,
    kinds: Vec<Kind>,
    in_transaction: bool,
    /// Names the cursors of streams, unique on the connection.
    cursors: u64,
    /// Whether statements run unnamed (see
    /// [`AsyncPgConnection::set_unnamed_statements`]).
    unnamed: bool,
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
            driver: Driver {
                client,
                statements: HashMap::default(),
                key: Vec::new(),
                kinds: Vec::new(),
                in_transaction: false,
                cursors: 0,
                unnamed: false,
            },
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
        self.driver.statements.clear();
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

/// The binds of a statement with `params` parameters as the driver takes
/// them (an array marker and its elements are one parameter).
struct Params<'a> {
    values: Vec<ValueParam<'a>>,
    arrays: Vec<ArrayParam<'a>>,
    grouped: Vec<Param<'a>>,
}

impl<'a> Params<'a> {
    fn new(binds: &'a [ValueRef<'a>], params: usize) -> Self {
        if binds.len() == params {
            return Params {
                values: binds.iter().map(|b| ValueParam(*b)).collect(),
                arrays: Vec::new(),
                grouped: Vec::new(),
            };
        }
        let grouped: Vec<Param<'a>> = params_of(binds).collect();
        let mut values = Vec::new();
        let mut arrays = Vec::new();
        for p in &grouped {
            match *p {
                Param::Value(v) => values.push(ValueParam(v)),
                Param::Array(elements) => arrays.push(ArrayParam(elements)),
            }
        }
        Params {
            values,
            arrays,
            grouped,
        }
    }

    fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        if self.grouped.is_empty() {
            return self.values.iter().map(|v| v as _).collect();
        }
        let (mut v, mut a) = (self.values.iter(), self.arrays.iter());
        self.grouped
            .iter()
            .filter_map(|p| match p {
                Param::Value(_) => v.next().map(|x| x as _),
                Param::Array(_) => a.next().map(|x| x as _),
            })
            .collect()
    }
}

impl Driver {
    /// The prepared statement for `sql` with binds like `binds`: cached, or
    /// prepared as the sync connection prepares it (integers first typed by
    /// the server, under a savepoint inside a transaction).
    async fn statement(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
        depth: u32,
    ) -> Result<Statement> {
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        key.extend_from_slice(sql.as_bytes());
        key.push(0);
        push_letters(&mut key, binds);
        if let Some(s) = self.statements.get(&key) {
            let s = s.clone();
            self.key = key;
            return Ok(s);
        }
        let prepared = self.prepare(sql, binds, depth).await;
        let statement = match prepared {
            Ok(s) => s,
            Err(e) => {
                self.key = key;
                return Err(error(sql, e));
            }
        };
        if self.statements.len() >= STATEMENT_CACHE {
            self.statements.clear();
        }
        self.statements.insert(key.clone(), statement.clone());
        self.key = key;
        Ok(statement)
    }

    async fn prepare(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
        depth: u32,
    ) -> Result<Statement, tokio_postgres::Error> {
        let typed: Vec<Type> = params_of(binds).map(|p| param_type(&p)).collect();
        if params_of(binds).any(|p| is_int(&p)) {
            let inferred: Vec<Type> = params_of(binds)
                .zip(&typed)
                .map(|(p, t)| if is_int(&p) { Type::UNKNOWN } else { t.clone() })
                .collect();
            let guarded = depth > 0 || self.in_transaction;
            if !guarded || self.client.batch_execute(PREPARE_SAVEPOINT).await.is_ok() {
                let attempt = self.client.prepare_typed(sql, &inferred).await;
                let undo = if attempt.is_ok() {
                    PREPARE_RELEASE
                } else {
                    PREPARE_ROLLBACK
                };
                if guarded {
                    self.client.batch_execute(undo).await?;
                }
                if let Ok(s) = attempt {
                    let numeric = params_of(binds).zip(s.params()).all(|(p, t)| match p {
                        _ if !is_int(&p) => true,
                        Param::Value(_) => {
                            matches!(*t, Type::INT2 | Type::INT4 | Type::INT8 | Type::NUMERIC)
                        }
                        Param::Array(_) => matches!(
                            *t,
                            Type::INT2_ARRAY
                                | Type::INT4_ARRAY
                                | Type::INT8_ARRAY
                                | Type::NUMERIC_ARRAY
                        ),
                    });
                    if numeric {
                        return Ok(s);
                    }
                }
            }
        }
        self.client.prepare_typed(sql, &typed).await
    }

    /// Forgets the prepared forms of `sql` after the server said they no
    /// longer fit the schema; whether the statement may run again (outside
    /// a transaction only: inside, the error aborted it).
    fn stale(&mut self, sql: &str, e: &tokio_postgres::Error, depth: u32) -> bool {
        if !is_stale_statement(e) {
            return false;
        }
        self.statements
            .retain(|k, _| !(k.starts_with(sql.as_bytes()) && k.get(sql.len()) == Some(&0)));
        depth == 0 && !self.in_transaction
    }

    async fn execute(&mut self, sql: &str, binds: &[ValueRef<'_>], depth: u32) -> Result<u64> {
        if self.unnamed {
            return self.execute_unnamed(sql, binds).await;
        }
        let mut retried = false;
        loop {
            let statement = self.statement(sql, binds, depth).await?;
            let params = Params::new(binds, statement.params().len());
            match self.client.execute(&statement, &params.refs()).await {
                Ok(n) => return Ok(n),
                Err(e) if !retried && self.stale(sql, &e, depth) => retried = true,
                Err(e) => return Err(error(sql, e)),
            }
        }
    }

    async fn query<F>(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
        depth: u32,
        mut each: F,
    ) -> Result<()>
    where
        F: FnMut(&mut PgRow<'_>) -> Result<bool> + Send,
    {
        if self.unnamed {
            return self.query_unnamed(sql, binds, each).await;
        }
        let mut retried = false;
        let rows = loop {
            let statement = self.statement(sql, binds, depth).await?;
            let params = Params::new(binds, statement.params().len());
            match self.client.query(&statement, &params.refs()).await {
                Ok(rows) => {
                    self.kinds.clear();
                    self.kinds
                        .extend(statement.columns().iter().map(|c| Kind::of(c.type_())));
                    break rows;
                }
                Err(e) if !retried && self.stale(sql, &e, depth) => retried = true,
                Err(e) => return Err(error(sql, e)),
            }
        };
        let any_temporal = self.kinds.contains(&Kind::Temporal);
        let mut temporal = Vec::new();
        for row in &rows {
            if any_temporal {
                fill_temporal(row, &self.kinds, &mut temporal)?;
            }
            if !each(&mut PgRow::new(
                row,
                &self.kinds,
                &temporal,
                Some(rows.len()),
            ))? {
                break;
            }
        }
        Ok(())
    }

    async fn simple(&mut self, sql: &str) -> Result<()> {
        note_transaction(&mut self.in_transaction, sql);
        self.client
            .batch_execute(sql)
            .await
            .map_err(|e| error(sql, e))
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
        let text = self.text(sql)?;
        let depth = self.state.depth();
        let busy = self.state.busy();
        let result = self.driver.execute(&text, binds, depth).await;
        finish(busy, &result);
        result
    }

    async fn query_sql<F>(&mut self, sql: Sql<'_>, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut PgRow<'_>) -> Result<bool> + Send,
    {
        let text = self.text(sql)?;
        let depth = self.state.depth();
        let busy = self.state.busy();
        let result = self.driver.query(&text, binds, depth, each).await;
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
        let depth = self.state.depth();
        let own_transaction = depth == 0 && !self.driver.in_transaction;
        self.driver.cursors += 1;
        let cursor = format!("sqlalgebra_stream_{}", self.driver.cursors);
        let declare = format!("DECLARE {cursor} NO SCROLL CURSOR FOR {text}");
        let busy = self.state.busy();
        let mut opened = Ok(());
        if own_transaction {
            opened = self.driver.simple("BEGIN").await;
        }
        if opened.is_ok() {
            opened = self
                .driver
                .execute(&declare, binds, depth.max(1))
                .await
                .map(drop);
            // The DECLARE text is new each time: its statement is not kept.
            let key = std::mem::take(&mut self.driver.key);
            self.driver.statements.remove(&key);
            self.driver.key = key;
        }
        finish(busy, &opened);
        if let Err(e) = opened {
            if own_transaction {
                let _ = self.driver.simple("ROLLBACK").await;
            }
            return Err(e);
        }
        Ok(AsyncPgRows {
            fetch: format!("FETCH {STREAM_FETCH} FROM {cursor}"),
            close: format!("CLOSE {cursor}"),
            conn: self,
            rows: Vec::new(),
            at: 0,
            done: false,
            temporal: Vec::new(),
            own_transaction,
            open: true,
        })
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

/// The rows of a streamed query: a cursor fetched [`STREAM_FETCH`] rows at
/// a time. Dropped before the end, the cursor (and the transaction the
/// stream opened, if any) is closed before the connection's next
/// statement.
pub struct AsyncPgRows<'c> {
    conn: &'c mut AsyncPgConnection,
    fetch: String,
    close: String,
    rows: Vec<tokio_postgres::Row>,
    at: usize,
    done: bool,
    temporal: Vec<Option<String>>,
    own_transaction: bool,
    /// Whether the cursor is still open on the server.
    open: bool,
}

impl std::fmt::Debug for AsyncPgRows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncPgRows")
            .field("cursor", &self.fetch)
            .finish()
    }
}

impl AsyncPgRows<'_> {
    async fn next_with<T>(
        &mut self,
        f: impl FnOnce(&mut PgRow<'_>) -> Result<T>,
    ) -> Option<Result<T>> {
        if self.at >= self.rows.len() {
            if self.done {
                return None;
            }
            if let Err(e) = self.refill().await {
                self.done = true;
                return Some(Err(e));
            }
            if self.rows.is_empty() {
                return None;
            }
        }
        let row = &self.rows[self.at];
        self.at += 1;
        let kinds = &self.conn.driver.kinds;
        if kinds.contains(&Kind::Temporal)
            && let Err(e) = fill_temporal(row, kinds, &mut self.temporal)
        {
            return Some(Err(e));
        }
        Some(f(&mut PgRow::new(row, kinds, &self.temporal, None)))
    }

    /// The next batch of rows; closes the cursor after the last.
    async fn refill(&mut self) -> Result<()> {
        let busy = self.conn.state.busy();
        let fetched = self.conn.driver.rows_of(&self.fetch).await;
        let rows = match fetched {
            Ok(rows) => rows,
            Err(e) => {
                let e = Err(error(&self.fetch, e));
                finish(busy, &e);
                return e;
            }
        };
        busy.done();
        if let Some(first) = rows.first() {
            let kinds = &mut self.conn.driver.kinds;
            kinds.clear();
            kinds.extend(first.columns().iter().map(|c| Kind::of(c.type_())));
        }
        self.at = 0;
        self.done = rows.len() < STREAM_FETCH;
        self.rows = rows;
        if self.done && self.open {
            self.open = false;
            let busy = self.conn.state.busy();
            let mut closed = self.conn.driver.simple(&self.close).await;
            if self.own_transaction && closed.is_ok() {
                closed = self.conn.driver.simple("COMMIT").await;
            }
            finish(busy, &closed);
            closed?;
        }
        Ok(())
    }
}

impl Drop for AsyncPgRows<'_> {
    fn drop(&mut self) {
        if self.open && self.own_transaction {
            // The transaction the stream opened is rolled back (with its
            // cursor) before the next statement.
            self.conn.state.abandon(0);
        }
    }
}

impl RawRows for AsyncPgRows<'_> {
    type Row<'r> = PgRow<'r>;

    fn next_row<T, F>(&mut self, f: F) -> impl Future<Output = Option<Result<T>>> + Send
    where
        T: Send,
        F: FnOnce(&mut PgRow<'_>) -> Result<T> + Send,
    {
        self.next_with(f)
    }
}

/// Opens [`AsyncPgConnection`]s (without TLS) for an
/// [`AsyncEngine`](sqlalgebra::asyncio::AsyncEngine).
///
/// ```
/// use sqlalgebra_postgres::AsyncPgManager;
/// let m = AsyncPgManager::from_url("postgresql://app@db.internal:5433/shop").unwrap();
/// assert_eq!(m.config().get_dbname(), Some("shop"));
/// ```
#[derive(Debug, Clone)]
pub struct AsyncPgManager {
    config: Config,
    unnamed: bool,
}

impl AsyncPgManager {
    /// A manager that opens connections with `config`.
    ///
    /// ```
    /// let m = sqlalgebra_postgres::AsyncPgManager::new(tokio_postgres::Config::new());
    /// # drop(m);
    /// ```
    pub fn new(config: Config) -> Self {
        AsyncPgManager {
            config,
            unnamed: false,
        }
    }

    /// A manager for a URL or a `key=value` connection string; the URL
    /// parameter `statements=unnamed` makes its connections run
    /// statements unnamed (see [`unnamed_statements`](Self::unnamed_statements)).
    ///
    /// ```
    /// use sqlalgebra_postgres::AsyncPgManager;
    /// assert!(AsyncPgManager::from_url("postgres://u@h/d").is_ok());
    /// let proxied = AsyncPgManager::from_url("postgres://u@h:6432/d?statements=unnamed").unwrap();
    /// assert!(proxied.runs_unnamed());
    /// assert!(AsyncPgManager::from_url("postgres://u@h/d?statements=sometimes").is_err());
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Connection`] when `url` does not parse.
    pub fn from_url(url: &str) -> Result<Self> {
        let (url, statements) = crate::routed::take_param(url, "statements");
        let unnamed = match statements.as_deref() {
            None | Some("prepared") => false,
            Some("unnamed") => true,
            Some(other) => {
                return Err(ErrorKind::Connection(
                    format!("statements={other}: expected `prepared` or `unnamed`").into(),
                )
                .into());
            }
        };
        url.parse::<Config>()
            .map(|c| AsyncPgManager::new(c).unnamed_statements(unnamed))
            .map_err(connection_error)
    }

    /// Makes the connections run every statement unnamed, with no
    /// prepared-statement cache (see
    /// [`AsyncPgConnection::set_unnamed_statements`]): for a proxy pooling
    /// by transaction, such as pgbouncer.
    ///
    /// ```
    /// let m = sqlalgebra_postgres::AsyncPgManager::from_url("postgres://u@h/d").unwrap();
    /// assert!(m.unnamed_statements(true).runs_unnamed());
    /// ```
    #[must_use]
    pub fn unnamed_statements(mut self, on: bool) -> Self {
        self.unnamed = on;
        self
    }

    /// Whether the connections run statements unnamed.
    ///
    /// ```
    /// let m = sqlalgebra_postgres::AsyncPgManager::from_url("postgres://u@h/d").unwrap();
    /// assert!(!m.runs_unnamed());
    /// ```
    pub fn runs_unnamed(&self) -> bool {
        self.unnamed
    }

    /// The settings connections are opened with.
    ///
    /// ```
    /// let m = sqlalgebra_postgres::AsyncPgManager::from_url("postgres://u@h/d").unwrap();
    /// assert_eq!(m.config().get_user(), Some("u"));
    /// ```
    pub fn config(&self) -> &Config {
        &self.config
    }
}

impl AsyncBackend for AsyncPgManager {
    type Connection = AsyncPgConnection;

    fn connect(&self) -> impl Future<Output = Result<AsyncPgConnection>> + Send {
        let unnamed = self.unnamed;
        let connected = AsyncPgConnection::connect_config(&self.config);
        async move {
            let mut conn = connected.await?;
            conn.set_unnamed_statements(unnamed);
            Ok(conn)
        }
    }
}
