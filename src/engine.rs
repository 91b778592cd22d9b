//! [`Engine`]: a pool of connections to one database, over r2d2.

use std::ops::{Deref, DerefMut};
use std::time::{Duration, Instant};

use crate::conn::Connection;
use crate::connect_failure::LastFailure;
use crate::error::{Error, ErrorKind, Result};
use crate::hooks::{StatementEvent, StatementKind, StatementStart};
use crate::isolation::IsolationLevel;
use crate::observe::StatementHooks;
use crate::render::{Dialect, SqlId};
use crate::value::ValueRef;

/// How often a caller waiting for a pooled connection checks whether the
/// server refuses new ones for good.
const FAIL_FAST_POLL: Duration = Duration::from_millis(50);

/// A database backend: its connection type and how the pool makes them.
///
/// Each dialect crate implements it (`sqlalgebra_sqlite::Sqlite`, ...).
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::engine::Backend;
/// # use sqlalgebra::orm::doc_models::*;
/// // Code written once for every backend: the query runs on any of them.
/// fn tag_names<B: Backend>(engine: &Engine<B>) -> sqlalgebra::Result<Vec<String>> {
///     let mut conn = engine.connect()?;
///     select(tags::Name).order_by(tags::Name.asc()).load(&mut conn)
/// }
/// # fn main() -> sqlalgebra::Result<()> {
/// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
/// let mut conn = engine.connect()?;
/// create_all::<AllTables>(&mut conn)?;
/// insert_into(Tags).values(vec![tags::Name.set("red"), tags::Name.set("blue")]).execute(&mut conn)?;
/// drop(conn);
/// assert_eq!(tag_names(&engine)?, ["blue", "red"]);
/// # Ok(()) }
/// ```
pub trait Backend: Send + Sync + 'static {
    /// A connection of this backend.
    type Connection: Connection + Send + 'static;
    /// What opens and checks connections for the pool.
    type Manager: r2d2::ManageConnection<Connection = Self::Connection, Error = Error>;
}

/// Pool settings, as in SQLAlchemy's `create_engine`.
///
/// ```
/// use std::time::Duration;
/// use sqlalgebra::engine::PoolOptions;
/// let o = PoolOptions::default().size(4).overflow(4).timeout(Duration::from_secs(5));
/// assert_eq!(o.max_size(), 8);
/// ```
#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub(crate) size: u32,
    pub(crate) overflow: u32,
    pub(crate) timeout: Duration,
    pub(crate) recycle: Option<Duration>,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) pre_ping: bool,
    pub(crate) echo: bool,
    pub(crate) isolation: Option<IsolationLevel>,
    pub(crate) hooks: StatementHooks,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            size: 5,
            overflow: 10,
            timeout: Duration::from_secs(30),
            recycle: None,
            idle_timeout: None,
            pre_ping: true,
            echo: false,
            isolation: None,
            hooks: StatementHooks::default(),
        }
    }
}

impl PoolOptions {
    /// Connections kept open (r2d2's min idle). Default 5.
    ///
    /// ```
    /// use sqlalgebra::PoolOptions;
    /// use std::time::Duration;
    /// let opts = PoolOptions::default().size(2).overflow(3);
    /// assert_eq!(opts.max_size(), 5);
    /// let engine = sqlalgebra_sqlite::Sqlite::memory_with(&opts)?;
    /// let _conn = engine.connect()?;
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    #[must_use]
    pub fn size(mut self, n: u32) -> Self {
        self.size = n;
        self
    }
    /// Connections allowed beyond `size` under load. Default 10.
    ///
    /// ```
    /// use sqlalgebra::PoolOptions;
    /// use std::time::Duration;
    /// assert_eq!(PoolOptions::default().max_size(), 15);
    /// assert_eq!(PoolOptions::default().size(1).overflow(0).max_size(), 1);
    /// ```
    #[must_use]
    pub fn overflow(mut self, n: u32) -> Self {
        self.overflow = n;
        self
    }
    /// How long `connect` waits for a free connection. Default 30 s.
    ///
    /// ```
    /// use sqlalgebra::PoolOptions;
    /// use std::time::Duration;
    /// let opts = PoolOptions::default().timeout(Duration::from_secs(2));
    /// assert_eq!(opts.checkout_timeout(), Duration::from_secs(2));
    /// ```
    #[must_use]
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }
    /// Replaces connections older than this (r2d2's max lifetime).
    ///
    /// ```
    /// use sqlalgebra::PoolOptions;
    /// use std::time::Duration;
    /// let opts = PoolOptions::default().recycle(Duration::from_secs(3600));
    /// let engine = sqlalgebra_sqlite::Sqlite::memory_with(&opts)?;
    /// assert!(engine.connect().is_ok());
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    #[must_use]
    pub fn recycle(mut self, t: Duration) -> Self {
        self.recycle = Some(t);
        self
    }
    /// Closes connections idle for longer than this (beyond `size`).
    ///
    /// ```
    /// use sqlalgebra::PoolOptions;
    /// use std::time::Duration;
    /// let opts = PoolOptions::default().size(1).idle_timeout(Duration::from_secs(600));
    /// let engine = sqlalgebra_sqlite::Sqlite::memory_with(&opts)?;
    /// assert!(engine.connect().is_ok());
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    #[must_use]
    pub fn idle_timeout(mut self, t: Duration) -> Self {
        self.idle_timeout = Some(t);
        self
    }
    /// Checks each connection before handing it out and replaces a dead
    /// one. Default on.
    ///
    /// ```
    /// use sqlalgebra::PoolOptions;
    /// use std::time::Duration;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory_with(&PoolOptions::default().pre_ping(false))?;
    /// assert!(engine.connect().is_ok());
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    #[must_use]
    pub fn pre_ping(mut self, on: bool) -> Self {
        self.pre_ping = on;
        self
    }
    /// Logs every statement and its binds through the `log` facade
    /// (target `sqlalgebra::echo`, level info).
    ///
    /// A logger must be installed for the lines to show (an application
    /// installs env_logger, or tracing's log bridge); this one keeps them:
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use std::sync::Mutex;
    /// # use sqlalgebra::orm::doc_models::*;
    /// struct Lines(Mutex<Vec<String>>);
    /// impl log::Log for Lines {
    ///     fn enabled(&self, m: &log::Metadata<'_>) -> bool {
    ///         m.target() == "sqlalgebra::echo"
    ///     }
    ///     fn log(&self, r: &log::Record<'_>) {
    ///         if self.enabled(r.metadata()) {
    ///             self.0.lock().unwrap().push(r.args().to_string());
    ///         }
    ///     }
    ///     fn flush(&self) {}
    /// }
    /// static LINES: Lines = Lines(Mutex::new(Vec::new()));
    /// log::set_logger(&LINES).expect("the only logger");
    /// log::set_max_level(log::LevelFilter::Info);
    ///
    /// let engine = sqlalgebra_sqlite::Sqlite::memory_with(&PoolOptions::default().echo(true))?;
    /// let mut conn = engine.connect()?;
    /// create_all::<Users>(&mut conn)?;
    /// select(users::Name).filter(users::Id.eq(1)).load::<String, _>(&mut conn)?;
    /// let lines = LINES.0.lock().unwrap();
    /// assert!(lines.iter().any(|l| l.starts_with(r#"CREATE TABLE IF NOT EXISTS "users""#)));
    /// assert!(lines.iter().any(|l| l.ends_with(r#"WHERE "users"."id" = ? [Int(1)]"#)));
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    #[must_use]
    pub fn echo(mut self, on: bool) -> Self {
        self.echo = on;
        self
    }
    /// Calls `hook` after every statement any connection of the engine
    /// sends (Core and ORM alike), with its SQL, binds, rows changed or
    /// read, elapsed time and error: instrumentation for a whole engine
    /// (per connection: [`Hooked`](crate::hooks::Hooked)); the async
    /// engine's connections call them too (not for the rows of a
    /// `stream`, which are read after the call).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use sqlalgebra::prelude::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let rows = Arc::new(AtomicU64::new(0));
    /// let seen = rows.clone();
    /// let options = PoolOptions::default()
    ///     .on_statement(move |e| { seen.fetch_add(e.rows, Ordering::Relaxed); });
    /// let engine = sqlalgebra_sqlite::Sqlite::memory_with(&options)?;
    /// engine.connect()?.query_sql("SELECT 1 UNION ALL SELECT 2", &[], |_| Ok(true))?;
    /// assert_eq!(rows.load(Ordering::Relaxed), 2);
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn on_statement(
        mut self,
        hook: impl Fn(&StatementEvent<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.hooks.after.push(std::sync::Arc::new(hook));
        self
    }
    /// Calls `hook` before every statement any connection of the engine
    /// sends, with its SQL and binds.
    ///
    /// ```
    /// use sqlalgebra::PoolOptions;
    /// let o = PoolOptions::default().before_statement(|s| log::debug!("{}", s.sql));
    /// ```
    #[must_use]
    pub fn before_statement(
        mut self,
        hook: impl Fn(&StatementStart<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.hooks.before.push(std::sync::Arc::new(hook));
        self
    }
    /// The isolation level of every connection's transactions (SQLAlchemy's
    /// `create_engine(..., isolation_level=...)`); by default the server's
    /// own. A connection whose level was changed with
    /// [`Connection::set_isolation_level`] gets this one back when it is
    /// next checked out.
    ///
    /// ```
    /// use sqlalgebra::{IsolationLevel, PoolOptions};
    /// let o = PoolOptions::default().isolation_level(IsolationLevel::Serializable);
    /// assert_eq!(o.isolation(), Some(IsolationLevel::Serializable));
    /// ```
    #[must_use]
    pub fn isolation_level(mut self, level: IsolationLevel) -> Self {
        self.isolation = Some(level);
        self
    }
    /// The isolation level set with
    /// [`isolation_level`](PoolOptions::isolation_level), if any.
    ///
    /// ```
    /// assert_eq!(sqlalgebra::PoolOptions::default().isolation(), None);
    /// ```
    pub fn isolation(&self) -> Option<IsolationLevel> {
        self.isolation
    }

    /// How long `connect` waits for a connection (see
    /// [`timeout`](PoolOptions::timeout)).
    ///
    /// ```
    /// use std::time::Duration;
    /// let o = sqlalgebra::PoolOptions::default().timeout(Duration::from_secs(2));
    /// assert_eq!(o.checkout_timeout(), Duration::from_secs(2));
    /// ```
    pub fn checkout_timeout(&self) -> Duration {
        self.timeout
    }
    /// The most connections the pool opens: `size + overflow`, at least 1.
    ///
    /// ```
    /// use sqlalgebra::PoolOptions;
    /// use std::time::Duration;
    /// assert_eq!(PoolOptions::default().size(4).overflow(4).max_size(), 8);
    /// ```
    pub fn max_size(&self) -> u32 {
        (self.size + self.overflow).max(1)
    }
}

/// A pool of connections to one database.
///
/// ```
/// # fn demo<B: sqlalgebra::engine::Backend>(engine: sqlalgebra::Engine<B>) -> sqlalgebra::Result<()> {
/// let mut conn = engine.connect()?;
/// # Ok(()) }
/// ```
pub struct Engine<B: Backend> {
    pool: r2d2::Pool<B::Manager>,
    echo: bool,
    hooks: std::sync::Arc<StatementHooks>,
    isolation: Option<IsolationLevel>,
    failure: LastFailure,
}

impl<B: Backend> Clone for Engine<B> {
    fn clone(&self) -> Self {
        Engine {
            pool: self.pool.clone(),
            echo: self.echo,
            hooks: self.hooks.clone(),
            isolation: self.isolation,
            failure: self.failure.clone(),
        }
    }
}

impl<B: Backend> std::fmt::Debug for Engine<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.pool.state();
        f.debug_struct("Engine")
            .field("connections", &state.connections)
            .field("idle", &state.idle_connections)
            .field("echo", &self.echo)
            .field("isolation", &self.isolation)
            .finish()
    }
}

impl<B: Backend> Engine<B> {
    /// A pool over `manager` with `options`; opens the first connections
    /// now, so a bad address fails here: at once when the server refuses
    /// for good (an [`ErrorKind::Connection`] whose
    /// [`connect_failure`](Error::connect_failure) says why: wrong
    /// password, unknown database, connection refused), else after the
    /// pool's timeout.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra_sqlite::{Sqlite, SqliteManager, Target};
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let manager = SqliteManager::new(Target::Memory("engine_build_example".into()))?;
    /// let engine: Engine<Sqlite> = Engine::build(manager, &PoolOptions::default().size(2))?;
    /// let one: i64 = select(bind::<BigInt, _>(1)).get(&mut engine.connect()?)?;
    /// assert_eq!(one, 1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When no connection can be opened within the timeout, or one is
    /// refused for good; when the engine's isolation level is one the
    /// dialect lacks.
    pub fn build(manager: B::Manager, options: &PoolOptions) -> Result<Self> {
        // A connection the server refuses for good (wrong password,
        // unknown database, nothing listening) fails now, not after the
        // pool has waited its whole timeout for one.
        if let Err(e) = r2d2::ManageConnection::connect(&manager)
            && e.connect_failure().is_some()
        {
            return Err(e);
        }
        let failure = LastFailure::default();
        let pool = Self::builder(options, &failure)
            .build(manager)
            .map_err(|e| ErrorKind::Connection(e.to_string().into()))?;
        let engine = Engine {
            pool,
            echo: options.echo,
            hooks: std::sync::Arc::new(options.hooks.clone()),
            isolation: options.isolation,
            failure,
        };
        if engine.isolation.is_some() {
            // A level the dialect lacks fails here, not at every checkout.
            drop(engine.connect()?);
        }
        Ok(engine)
    }

    /// A pool over `manager` with `options` that opens no connection now:
    /// a server that is down makes [`connect`](Engine::connect) fail (after
    /// the pool's timeout), not this. The replicas of a
    /// [`RoutedEngine`](crate::routing::RoutedEngine) are built this way.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::engine::Backend>(m: B::Manager) {
    /// use sqlalgebra::{Engine, PoolOptions};
    /// let engine = Engine::<B>::build_lazy(m, &PoolOptions::default());
    /// # }
    /// ```
    pub fn build_lazy(manager: B::Manager, options: &PoolOptions) -> Self {
        let failure = LastFailure::default();
        Engine {
            pool: Self::builder(options, &failure).build_unchecked(manager),
            echo: options.echo,
            hooks: std::sync::Arc::new(options.hooks.clone()),
            isolation: options.isolation,
            failure,
        }
    }

    fn builder(options: &PoolOptions, failure: &LastFailure) -> r2d2::Builder<B::Manager> {
        r2d2::Pool::builder()
            .max_size(options.max_size())
            .min_idle(Some(options.size.min(options.max_size())))
            .connection_timeout(options.timeout)
            .max_lifetime(options.recycle)
            .idle_timeout(options.idle_timeout)
            .test_on_check_out(options.pre_ping)
            .error_handler(Box::new(failure.clone()))
            .event_handler(Box::new(failure.clone()))
    }

    /// A connection from the pool; it goes back when dropped.
    ///
    /// When the pool holds no connection and the server refuses new ones
    /// for good, the [`ConnectFailure`](crate::ConnectFailure) comes back
    /// at once rather than after the timeout.
    ///
    /// # Errors
    /// [`ErrorKind::PoolTimeout`] when none becomes free within the timeout;
    /// an [`ErrorKind::Connection`] with a
    /// [`ConnectFailure`](crate::ConnectFailure) as above; the error of
    /// restoring the engine's isolation level.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// let one: i64 = select(bind::<BigInt, _>(1)).get(&mut conn)?;
    /// assert_eq!(one, 1);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn connect(&self) -> Result<Pooled<B>> {
        let conn = match self.pool.try_get() {
            Some(conn) => conn,
            None => self.wait_for_connection()?,
        };
        let mut conn: Pooled<B> = Pooled {
            conn,
            echo: self.echo,
            hooks: self.hooks.clone(),
        };
        if conn.isolation_level() != self.isolation {
            conn.set_isolation_level(self.isolation)?;
        }
        Ok(conn)
    }

    /// Waits up to the pool's timeout for a connection, but returns the
    /// [`ConnectFailure`](crate::ConnectFailure) of a server that refuses
    /// new connections for good as soon as one of the pool's attempts
    /// made during the wait is refused so, while the pool holds no
    /// connection that could come back. (A refusal recorded before the
    /// wait is not trusted: the server may have come back since.)
    fn wait_for_connection(&self) -> Result<r2d2::PooledConnection<B::Manager>> {
        let timeout = self.pool.connection_timeout();
        let start = Instant::now();
        // Each slice takes the pool's last error: keep the latest one.
        let mut message = String::new();
        // Only a failure of an attempt made while waiting counts: one from
        // before may be stale (a server that was down and is back).
        let failed_before = self.failure.failed_attempts();
        loop {
            let left = timeout.saturating_sub(start.elapsed());
            match self.pool.get_timeout(left.min(FAIL_FAST_POLL)) {
                Ok(conn) => return Ok(conn),
                Err(e) => {
                    if self.pool.state().connections == 0
                        && let Some(failure) = self.failure.error_after(failed_before)
                    {
                        return Err(failure);
                    }
                    let text = e.to_string();
                    if message.is_empty() || text.len() > "timed out waiting for connection".len() {
                        message = text;
                    }
                    if start.elapsed() >= timeout {
                        return Err(ErrorKind::PoolTimeout(message).into());
                    }
                }
            }
        }
    }

    /// The isolation level connections are handed out with (see
    /// [`PoolOptions::isolation_level`]); `None`: the server's default.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::Engine<B>) -> sqlalgebra::Result<()> {
    /// use sqlalgebra::Connection;
    /// let mut conn = engine.connect()?;
    /// assert_eq!(conn.isolation_level(), engine.isolation_level());
    /// # Ok(()) }
    /// ```
    pub fn isolation_level(&self) -> Option<IsolationLevel> {
        self.isolation
    }

    /// Open and idle connection counts.
    ///
    /// ```
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let conn = engine.connect()?;
    /// let (open, idle) = engine.state();
    /// assert!(open >= 1 && idle < open);
    /// drop(conn);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn state(&self) -> (u32, u32) {
        let s = self.pool.state();
        (s.connections, s.idle_connections)
    }
}

/// A connection checked out of an [`Engine`]; returned to the pool on drop.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra_sqlite::{Sqlite, SqliteConnection};
/// # fn main() -> sqlalgebra::Result<()> {
/// let engine = Sqlite::memory_with(&PoolOptions::default().size(1).overflow(0))?;
/// let mut conn: sqlalgebra::Pooled<Sqlite> = engine.connect()?;
/// conn.batch_execute("CREATE TABLE t (n INTEGER)")?; // a `Connection` itself
/// let _backend: &mut SqliteConnection = &mut conn;     // and the backend's, by deref
/// drop(conn); // back in the pool: the pool's only connection is free again
/// let mut again = engine.connect()?;
/// assert_eq!(again.execute_sql("INSERT INTO t (n) VALUES (1)", &[])?, 1);
/// # Ok(()) }
/// ```
pub struct Pooled<B: Backend> {
    conn: r2d2::PooledConnection<B::Manager>,
    echo: bool,
    hooks: std::sync::Arc<StatementHooks>,
}

impl<B: Backend> Deref for Pooled<B> {
    type Target = B::Connection;
    fn deref(&self) -> &B::Connection {
        &self.conn
    }
}

impl<B: Backend> DerefMut for Pooled<B> {
    fn deref_mut(&mut self) -> &mut B::Connection {
        &mut self.conn
    }
}

fn echo(sql: &str, binds: &[ValueRef<'_>]) {
    log::info!(target: "sqlalgebra::echo", "{sql} {binds:?}");
}

impl<B: Backend> Pooled<B> {
    /// Echoes the text cached under `id`.
    #[cold]
    #[inline(never)]
    fn echo_cached(&mut self, id: SqlId, binds: &[ValueRef<'_>]) {
        if let Some(sql) = self.conn.sql_cache().and_then(|c| c.sql(id)) {
            echo(sql, binds);
        }
    }

    /// The text cached under `id`, for the statement hooks.
    fn cached_sql(&mut self, id: SqlId) -> String {
        self.conn
            .sql_cache()
            .and_then(|c| c.sql(id).map(str::to_owned))
            .unwrap_or_default()
    }
}

impl<B: Backend> Connection for Pooled<B> {
    type Row<'r>
        = <B::Connection as Connection>::Row<'r>
    where
        Self: 'r;
    type Backend = <B::Connection as Connection>::Backend;

    #[inline]
    fn dialect(&self) -> &'static dyn Dialect {
        self.conn.dialect()
    }

    fn execute_sql(&mut self, sql: &str, binds: &[ValueRef<'_>]) -> Result<u64> {
        if self.echo {
            echo(sql, binds);
        }
        if !self.hooks.active() {
            return self.conn.execute_sql(sql, binds);
        }
        let seen = self.hooks.start(StatementKind::Execute, sql, binds);
        let r = self.conn.execute_sql(sql, binds);
        seen.finish(sql, binds, *r.as_ref().unwrap_or(&0), r.as_ref().err());
        r
    }

    fn query_sql<F>(&mut self, sql: &str, binds: &[ValueRef<'_>], mut each: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
    {
        if self.echo {
            echo(sql, binds);
        }
        if !self.hooks.active() {
            return self.conn.query_sql(sql, binds, each);
        }
        let seen = self.hooks.start(StatementKind::Query, sql, binds);
        let mut rows = 0;
        let r = self.conn.query_sql(sql, binds, |row| {
            rows += 1;
            each(row)
        });
        seen.finish(sql, binds, rows, r.as_ref().err());
        r
    }

    #[inline]
    fn execute_cached(&mut self, id: SqlId, binds: &[ValueRef<'_>]) -> Result<u64> {
        if self.echo {
            self.echo_cached(id, binds);
        }
        if !self.hooks.active() {
            return self.conn.execute_cached(id, binds);
        }
        let sql = self.cached_sql(id);
        let seen = self.hooks.start(StatementKind::Execute, &sql, binds);
        let r = self.conn.execute_cached(id, binds);
        seen.finish(&sql, binds, *r.as_ref().unwrap_or(&0), r.as_ref().err());
        r
    }

    #[inline]
    fn query_cached<F>(&mut self, id: SqlId, binds: &[ValueRef<'_>], mut each: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
    {
        if self.echo {
            self.echo_cached(id, binds);
        }
        if !self.hooks.active() {
            return self.conn.query_cached(id, binds, each);
        }
        let sql = self.cached_sql(id);
        let seen = self.hooks.start(StatementKind::Query, &sql, binds);
        let mut rows = 0;
        let r = self.conn.query_cached(id, binds, |row| {
            rows += 1;
            each(row)
        });
        seen.finish(&sql, binds, rows, r.as_ref().err());
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
        if self.echo {
            for run in binds.chunks(per_run.max(1)) {
                self.echo_cached(id, run);
            }
        }
        if !self.hooks.active() {
            return self.conn.execute_cached_many(id, binds, per_run, each);
        }
        // Observed: run by run, each timed on its own.
        let sql = self.cached_sql(id);
        for (k, run) in binds.chunks(per_run.max(1)).enumerate() {
            let seen = self.hooks.start(StatementKind::Execute, &sql, run);
            let mut rows = 0;
            let r = self.conn.execute_cached_many(id, run, per_run, |_, n| {
                rows = n;
                each(k, n)
            });
            seen.finish(&sql, run, rows, r.as_ref().err());
            r?;
        }
        Ok(())
    }

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
        if self.echo {
            for run in binds.chunks(per_run.max(1)) {
                self.echo_cached(id, run);
            }
        }
        if !self.hooks.active() {
            return self.conn.insert_cached_many(id, binds, per_run, each);
        }
        let sql = self.cached_sql(id);
        for (k, run) in binds.chunks(per_run.max(1)).enumerate() {
            let seen = self.hooks.start(StatementKind::Execute, &sql, run);
            let r = self
                .conn
                .insert_cached_many(id, run, per_run, |_, assigned| each(k, assigned));
            seen.finish(&sql, run, u64::from(r.is_ok()), r.as_ref().err());
            r?;
        }
        Ok(())
    }

    fn batch_execute(&mut self, sql: &str) -> Result<()> {
        if self.echo {
            echo(sql, &[]);
        }
        if !self.hooks.active() {
            return self.conn.batch_execute(sql);
        }
        let seen = self.hooks.start(StatementKind::Batch, sql, &[]);
        let r = self.conn.batch_execute(sql);
        seen.finish(sql, &[], 0, r.as_ref().err());
        r
    }

    fn transaction_depth(&mut self) -> &mut u32 {
        self.conn.transaction_depth()
    }

    #[inline]
    fn sql_cache(&mut self) -> Option<&mut crate::render::SqlCache> {
        self.conn.sql_cache()
    }

    fn last_insert_id(&mut self) -> Result<Option<i64>> {
        self.conn.last_insert_id()
    }

    #[inline]
    fn isolation_setting(&mut self) -> Option<&mut Option<IsolationLevel>> {
        self.conn.isolation_setting()
    }
}
