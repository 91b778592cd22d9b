//! Primary/replica routing: a [`RoutedEngine`] over one primary and any
//! number of read replicas, and the [`RoutedConnection`] that sends each
//! statement to one of them.
//!
//! - Reads outside a transaction (`SELECT`, `WITH` without a write,
//!   `VALUES`, `TABLE`, `SHOW`; not `SELECT ... FOR UPDATE`/`FOR SHARE`) go
//!   to a replica; each connection takes its replica round robin and
//!   keeps it while it works.
//! - Everything else, and every statement of a transaction, goes to the
//!   primary; a [read-only](RoutedConnection::set_read_only) connection
//!   sends everything, transactions included, to a replica.
//! - After a connection wrote, its reads go to the primary for
//!   [`RoutingOptions::read_your_writes`] (replicas lag behind).
//! - A replica that cannot be reached is skipped for
//!   [`RoutingOptions::recheck_after`], then tried again (re-admitted when
//!   it answers); with no replica up, reads go to the primary. A read that
//!   loses its replica connection before any row arrived runs again on
//!   the next replica or the primary.
//! - A primary that is down makes the statement fail with
//!   [`ErrorKind::PoolTimeout`] after the primary's pool timeout, never a hang.
//! - A statement whose text the routed connection's SQL cache holds runs
//!   as on a plain pooled connection: its text is cached on the connection
//!   it goes to as well (found there by what it was cached under, so
//!   routed connections sharing a pool share it), and what that connection
//!   keeps by slot of its cache (SQLite's statements, the servers' prepared
//!   ones) serves it; whether it reads is decided once per text.
//!
//! ```
//! use sqlalgebra::prelude::*;
//! use sqlalgebra::routing::{RoutedEngine, RoutingOptions};
//! use sqlalgebra_sqlite::Sqlite;
//! # fn main() -> sqlalgebra::Result<()> {
//! // Two SQLite engines stand in for a primary and a replica here; see
//! // `sqlalgebra_postgres::Postgres::connect_routed` for real ones.
//! let engine = RoutedEngine::new(Sqlite::memory()?, vec![Sqlite::memory()?], RoutingOptions::default());
//! let mut conn = engine.connect();
//! let n: i64 = text("SELECT 1").returns::<BigInt>().get(&mut conn)?; // a replica
//! assert_eq!(n, 1);
//! assert_eq!(conn.last_target(), Some(sqlalgebra::routing::Target::Replica(0)));
//! # Ok(()) }
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::conn::{Connection, unknown_sql_error};
use crate::engine::{Backend, Engine, Pooled};
use crate::error::{Error, ErrorKind, Result};
use crate::render::{Dialect, SqlCache, SqlId};
use crate::value::ValueRef;

mod inner;

use inner::Inner;

/// How a [`RoutedEngine`] routes.
///
/// ```
/// use std::time::Duration;
/// use sqlalgebra::routing::RoutingOptions;
/// let o = RoutingOptions::default().read_your_writes(Duration::from_secs(5));
/// assert_eq!(o.read_your_writes_window(), Duration::from_secs(5));
/// ```
#[derive(Debug, Clone)]
pub struct RoutingOptions {
    read_your_writes: Duration,
    recheck_after: Duration,
}

impl Default for RoutingOptions {
    fn default() -> Self {
        RoutingOptions {
            read_your_writes: Duration::from_secs(2),
            recheck_after: Duration::from_secs(5),
        }
    }
}

impl RoutingOptions {
    /// How long after a connection wrote its reads go to the primary.
    /// Default 2 s; zero turns it off.
    ///
    /// ```
    /// use std::time::Duration;
    /// let o = sqlalgebra::routing::RoutingOptions::default().read_your_writes(Duration::ZERO);
    /// assert!(o.read_your_writes_window().is_zero());
    /// ```
    #[must_use]
    pub fn read_your_writes(mut self, window: Duration) -> Self {
        self.read_your_writes = window;
        self
    }

    /// The read-your-writes window.
    ///
    /// ```
    /// let o = sqlalgebra::routing::RoutingOptions::default();
    /// assert_eq!(o.read_your_writes_window().as_secs(), 2);
    /// ```
    pub fn read_your_writes_window(&self) -> Duration {
        self.read_your_writes
    }

    /// How long a replica that could not be reached is skipped before it
    /// is tried again. Default 5 s.
    ///
    /// ```
    /// use std::time::Duration;
    /// let o = sqlalgebra::routing::RoutingOptions::default().recheck_after(Duration::from_millis(500));
    /// assert_eq!(o.recheck_interval(), Duration::from_millis(500));
    /// ```
    #[must_use]
    pub fn recheck_after(mut self, interval: Duration) -> Self {
        self.recheck_after = interval;
        self
    }

    /// The recheck interval.
    ///
    /// ```
    /// let o = sqlalgebra::routing::RoutingOptions::default();
    /// assert_eq!(o.recheck_interval().as_secs(), 5);
    /// ```
    pub fn recheck_interval(&self) -> Duration {
        self.recheck_after
    }
}

/// Where a statement ran: the primary or the replica with this index.
///
/// ```
/// use sqlalgebra::routing::Target;
/// assert_ne!(Target::Primary, Target::Replica(0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// The primary.
    Primary,
    /// The replica of this index (in the order given to
    /// [`RoutedEngine::new`]).
    Replica(usize),
}

struct Replica<B: Backend> {
    engine: Engine<B>,
    /// Whether `down_since` is set: read without a lock (or a clock) for
    /// every statement.
    down: AtomicBool,
    /// When it failed last; skipped until `recheck_after` later.
    down_since: Mutex<Option<Instant>>,
}

struct Shared<B: Backend> {
    primary: Engine<B>,
    replicas: Vec<Replica<B>>,
    next: AtomicUsize,
    options: RoutingOptions,
    dialect: OnceLock<&'static dyn Dialect>,
}

/// The dialect statements render in while no server of a routed engine
/// could be reached (they fail when they run).
#[derive(Debug)]
struct Unreachable;

impl Dialect for Unreachable {
    fn name(&self) -> &'static str {
        "unreachable"
    }
}

/// An engine over a primary and read replicas; see the [module](self)
/// documentation for the rules. Cloning it is cheap and shares the pools.
///
/// ```
/// use sqlalgebra::routing::{RoutedEngine, RoutingOptions};
/// use sqlalgebra_sqlite::Sqlite;
/// # fn main() -> sqlalgebra::Result<()> {
/// let engine = RoutedEngine::new(Sqlite::memory()?, vec![], RoutingOptions::default());
/// assert_eq!(engine.replica_count(), 0);
/// # Ok(()) }
/// ```
pub struct RoutedEngine<B: Backend> {
    shared: Arc<Shared<B>>,
}

impl<B: Backend> Clone for RoutedEngine<B> {
    fn clone(&self) -> Self {
        RoutedEngine {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<B: Backend> std::fmt::Debug for RoutedEngine<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoutedEngine")
            .field("primary", &self.shared.primary)
            .field("replicas", &self.shared.replicas.len())
            .field("options", &self.shared.options)
            .finish()
    }
}

impl<B: Backend> RoutedEngine<B> {
    /// An engine writing to `primary` and reading from `replicas`. Build
    /// the replicas with [`Engine::build_lazy`] and a short pool timeout:
    /// that timeout is how long a read waits for a replica that is down
    /// before it is skipped.
    ///
    /// ```
    /// use sqlalgebra::routing::{RoutedEngine, RoutingOptions};
    /// use sqlalgebra_sqlite::Sqlite;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let engine = RoutedEngine::new(Sqlite::memory()?, vec![Sqlite::memory()?], RoutingOptions::default());
    /// assert_eq!(engine.replica_count(), 1);
    /// # Ok(()) }
    /// ```
    pub fn new(primary: Engine<B>, replicas: Vec<Engine<B>>, options: RoutingOptions) -> Self {
        RoutedEngine {
            shared: Arc::new(Shared {
                primary,
                replicas: replicas
                    .into_iter()
                    .map(|engine| Replica {
                        engine,
                        down: AtomicBool::new(false),
                        down_since: Mutex::new(None),
                    })
                    .collect(),
                next: AtomicUsize::new(0),
                options,
                dialect: OnceLock::new(),
            }),
        }
    }

    /// A routed connection. It checks nothing out yet: each statement
    /// takes the connection it needs.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::routing::RoutedEngine<B>) {
    /// let conn = engine.connect();
    /// assert_eq!(conn.last_target(), None);
    /// # }
    /// ```
    pub fn connect(&self) -> RoutedConnection<B> {
        RoutedConnection {
            engine: self.clone(),
            primary: None,
            replica: None,
            pinned: None,
            depth: 0,
            wrote_at: None,
            read_only: false,
            last: None,
            sql_cache: SqlCache::default(),
            kinds: Kinds::default(),
        }
    }

    /// The primary's engine.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::routing::RoutedEngine<B>) -> sqlalgebra::Result<()> {
    /// let mut conn = engine.primary().connect()?;
    /// # Ok(()) }
    /// ```
    pub fn primary(&self) -> &Engine<B> {
        &self.shared.primary
    }

    /// How many replicas it reads from.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::routing::RoutedEngine<B>) {
    /// let n = engine.replica_count();
    /// # }
    /// ```
    pub fn replica_count(&self) -> usize {
        self.shared.replicas.len()
    }

    /// The replicas skipped now as down (their indexes).
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::routing::RoutedEngine<B>) {
    /// assert!(engine.replicas_down().len() <= engine.replica_count());
    /// # }
    /// ```
    pub fn replicas_down(&self) -> Vec<usize> {
        (0..self.shared.replicas.len())
            .filter(|&i| self.skipped(i))
            .collect()
    }

    #[inline]
    fn skipped(&self, i: usize) -> bool {
        let replica = &self.shared.replicas[i];
        if !replica.down.load(Ordering::Relaxed) {
            return false;
        }
        let since = *lock(&replica.down_since);
        since.is_some_and(|t| t.elapsed() < self.shared.options.recheck_after)
    }

    fn mark_down(&self, i: usize) {
        let replica = &self.shared.replicas[i];
        *lock(&replica.down_since) = Some(Instant::now());
        replica.down.store(true, Ordering::Relaxed);
    }

    fn mark_up(&self, i: usize) {
        let replica = &self.shared.replicas[i];
        if replica.down.swap(false, Ordering::Relaxed) {
            *lock(&replica.down_since) = None;
        }
    }

    /// A connection to the next replica that answers, round robin, or
    /// `None` when none does.
    fn replica(&self) -> Option<(usize, Pooled<B>)> {
        let n = self.shared.replicas.len();
        if n == 0 {
            return None;
        }
        let start = self.shared.next.fetch_add(1, Ordering::Relaxed);
        for k in 0..n {
            let i = (start + k) % n;
            if self.skipped(i) {
                continue;
            }
            match self.shared.replicas[i].engine.connect() {
                Ok(conn) => {
                    self.mark_up(i);
                    return Some((i, conn));
                }
                Err(e) => {
                    log::warn!(target: "sqlalgebra::routing", "replica {i} skipped: {e}");
                    self.mark_down(i);
                }
            }
        }
        None
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A connection of a [`RoutedEngine`]: it implements [`Connection`], so
/// every query and statement runs on it, and sends each to the primary or
/// a replica (see the [module](self) documentation).
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::routing::{RoutedEngine, RoutingOptions, Target};
/// use sqlalgebra_sqlite::Sqlite;
/// # fn main() -> sqlalgebra::Result<()> {
/// let engine = RoutedEngine::new(Sqlite::memory()?, vec![Sqlite::memory()?], RoutingOptions::default());
/// let mut conn = engine.connect();
/// conn.batch_execute("CREATE TABLE t (x INTEGER)")?; // the primary
/// assert_eq!(conn.last_target(), Some(Target::Primary));
/// # Ok(()) }
/// ```
pub struct RoutedConnection<B: Backend> {
    engine: RoutedEngine<B>,
    primary: Option<Inner<B>>,
    replica: Option<(usize, Inner<B>)>,
    /// Where the open transaction runs.
    pinned: Option<Target>,
    depth: u32,
    wrote_at: Option<Instant>,
    read_only: bool,
    last: Option<Target>,
    sql_cache: SqlCache,
    /// Whether each text of `sql_cache` reads, by slot.
    kinds: Kinds,
}

/// Whether each text of a routed connection's SQL cache only reads
/// ([`is_read`]), by slot: classified once per text, not per statement.
#[derive(Default)]
struct Kinds {
    /// The generation of the cache the slots are of.
    of: Option<u64>,
    by_slot: Vec<Option<Kind>>,
}

impl Kinds {
    /// The kind of the text `cache` holds under `id`.
    #[inline]
    fn of(&mut self, cache: &SqlCache, id: SqlId) -> Result<Kind> {
        if self.of != Some(id.generation()) {
            self.by_slot.clear();
            self.of = Some(id.generation());
        }
        if let Some(Some(kind)) = self.by_slot.get(id.slot()) {
            return Ok(*kind);
        }
        let kind = kind_of(cache.sql(id).ok_or_else(unknown_sql_error)?);
        if self.by_slot.len() <= id.slot() {
            self.by_slot.resize(id.slot() + 1, None);
        }
        self.by_slot[id.slot()] = Some(kind);
        Ok(kind)
    }
}

impl<B: Backend> std::fmt::Debug for RoutedConnection<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoutedConnection")
            .field("pinned", &self.pinned)
            .field("read_only", &self.read_only)
            .field("last", &self.last)
            .finish()
    }
}

/// How a statement is routed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Read,
    Write,
}

impl<B: Backend> RoutedConnection<B> {
    /// Makes every statement of this connection, transactions included, go
    /// to a replica (the primary when none is up): for reporting code that
    /// tolerates replica lag. A write then fails on the replica.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::routing::RoutedEngine<B>) {
    /// let mut conn = engine.connect();
    /// conn.set_read_only(true);
    /// assert!(conn.is_read_only());
    /// # }
    /// ```
    pub fn set_read_only(&mut self, on: bool) {
        self.read_only = on;
    }

    /// Whether [`set_read_only`](RoutedConnection::set_read_only) is on.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::routing::RoutedEngine<B>) {
    /// assert!(!engine.connect().is_read_only());
    /// # }
    /// ```
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Where the last statement ran.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::routing::RoutedEngine<B>) {
    /// assert_eq!(engine.connect().last_target(), None);
    /// # }
    /// ```
    pub fn last_target(&self) -> Option<Target> {
        self.last
    }

    /// When this connection last wrote, for carrying the read-your-writes
    /// window over to a later connection with
    /// [`set_wrote_at`](RoutedConnection::set_wrote_at) (a web session
    /// keeps it between requests).
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::routing::RoutedEngine<B>) {
    /// assert!(engine.connect().wrote_at().is_none());
    /// # }
    /// ```
    pub fn wrote_at(&self) -> Option<Instant> {
        self.wrote_at
    }

    /// Sets when this connection's session last wrote (see
    /// [`wrote_at`](RoutedConnection::wrote_at)).
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::routing::RoutedEngine<B>) {
    /// let mut conn = engine.connect();
    /// conn.set_wrote_at(Some(std::time::Instant::now()));
    /// # }
    /// ```
    pub fn set_wrote_at(&mut self, at: Option<Instant>) {
        self.wrote_at = at;
    }

    /// The primary's connection, checked out if needed: for statements
    /// that must run there whatever they look like (`SELECT nextval(..)`).
    ///
    /// # Errors
    /// [`ErrorKind::PoolTimeout`] when the primary cannot be reached within
    /// its pool's timeout.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::routing::RoutedEngine<B>) -> sqlalgebra::Result<()> {
    /// let mut conn = engine.connect();
    /// let primary = conn.primary()?;
    /// # Ok(()) }
    /// ```
    pub fn primary(&mut self) -> Result<&mut Pooled<B>> {
        if self.primary.is_none() {
            self.primary = Some(Inner::new(self.engine.shared.primary.connect()?));
        }
        self.last = Some(Target::Primary);
        Ok(&mut self.primary.as_mut().expect("checked out above").conn)
    }

    /// The replica's connection this connection holds now (the one its
    /// reads go to), if any, and the replica's index.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::routing::{RoutedEngine, RoutingOptions};
    /// use sqlalgebra_sqlite::Sqlite;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let engine = RoutedEngine::new(Sqlite::memory()?, vec![Sqlite::memory()?], RoutingOptions::default());
    /// let mut conn = engine.connect();
    /// assert!(conn.replica().is_none()); // nothing read yet
    /// let _: i64 = text("SELECT 1").returns::<BigInt>().get(&mut conn)?;
    /// assert_eq!(conn.replica().map(|(i, _)| i), Some(0));
    /// # Ok(()) }
    /// ```
    pub fn replica(&mut self) -> Option<(usize, &mut Pooled<B>)> {
        self.replica
            .as_mut()
            .map(|(i, inner)| (*i, &mut inner.conn))
    }

    /// Where a statement of `kind` goes now.
    fn route(&self, kind: Kind) -> Target {
        if let Some(t) = self.pinned {
            return t;
        }
        if self.read_only {
            return Target::Replica(usize::MAX);
        }
        if kind == Kind::Write || self.depth > 0 {
            return Target::Primary;
        }
        let window = self.engine.shared.options.read_your_writes;
        if self.wrote_at.is_some_and(|t| t.elapsed() < window) {
            return Target::Primary;
        }
        Target::Replica(usize::MAX)
    }

    /// Checks out the connection for `target` (`Replica(usize::MAX)`: any
    /// replica, or the primary when none is up) if needed; where it is.
    #[inline]
    fn check_out(&mut self, target: Target) -> Result<Target> {
        if let Target::Replica(want) = target {
            let keep = self.replica.as_ref().is_some_and(|(i, _)| {
                (want == usize::MAX || *i == want) && !self.engine.skipped(*i)
            });
            if !keep {
                self.replica = self.engine.replica().map(|(i, conn)| (i, Inner::new(conn)));
            }
            if let Some((i, _)) = self.replica {
                self.last = Some(Target::Replica(i));
                return Ok(Target::Replica(i));
            }
        }
        self.primary()?;
        Ok(Target::Primary)
    }

    /// The connection for `target` (see [`check_out`](Self::check_out))
    /// and where it is.
    fn conn_for(&mut self, target: Target) -> Result<(Target, &mut Pooled<B>)> {
        let at = self.check_out(target)?;
        let inner = match at {
            Target::Primary => self.primary.as_mut(),
            Target::Replica(_) => self.replica.as_mut().map(|(_, r)| r),
        };
        Ok((at, &mut inner.expect("checked out above").conn))
    }

    /// Runs `op` where `kind` goes, with the connection there and this
    /// connection's SQL cache; a read whose replica connection is lost
    /// before `op` did anything visible runs again elsewhere.
    #[inline]
    fn run<T>(
        &mut self,
        kind: Kind,
        mut op: impl FnMut(&mut Inner<B>, &SqlCache, &mut bool) -> Result<T>,
    ) -> Result<T> {
        let target = self.route(kind);
        loop {
            let at = self.check_out(target)?;
            let inner = match at {
                Target::Primary => self.primary.as_mut(),
                Target::Replica(_) => self.replica.as_mut().map(|(_, r)| r),
            };
            let inner = inner.expect("checked out above");
            let mut delivered = false;
            let outcome = op(inner, &self.sql_cache, &mut delivered);
            match (outcome.as_ref().map_err(Error::kind), at) {
                (Err(ErrorKind::Connection(_)), Target::Replica(i))
                    if !delivered && self.pinned.is_none() && self.depth == 0 =>
                {
                    // The replica went away: skip it, read elsewhere.
                    self.engine.mark_down(i);
                    self.replica = None;
                }
                (Err(ErrorKind::Connection(_)), Target::Primary) => {
                    self.primary = None;
                    return outcome;
                }
                _ => {
                    if kind == Kind::Write && at == Target::Primary {
                        self.wrote_at = Some(Instant::now());
                    }
                    return outcome;
                }
            }
        }
    }
}

/// Whether `sql` only reads: `SELECT` (not `FOR UPDATE`/`FOR SHARE`/`LOCK
/// IN SHARE MODE`/`INTO`), `WITH` without a data-changing word, `VALUES`,
/// `TABLE`, `SHOW`. Anything in doubt counts as a write (the primary can
/// run it).
///
/// ```
/// use sqlalgebra::routing::is_read;
/// assert!(is_read("SELECT 1"));
/// assert!(is_read("  (select x from t) union (select y from u)"));
/// assert!(!is_read("SELECT x FROM t FOR UPDATE"));
/// assert!(!is_read("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d"));
/// assert!(!is_read("INSERT INTO t VALUES (1)"));
/// assert!(!is_read("select x from t for key share"));
/// assert!(!is_read("SELECT x FROM t LOCK IN SHARE MODE"));
/// assert!(is_read("SELECT share, mode FROM t"));
/// ```
pub fn is_read(sql: &str) -> bool {
    // Case-insensitive word comparisons, without copying the text: this
    // runs for every statement of a routed connection.
    let s = sql.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
    let first = &s[..s.bytes().take_while(u8::is_ascii_alphabetic).count()];
    let is = |word: &str, upper: &str| word.eq_ignore_ascii_case(upper);
    if !["SELECT", "WITH", "VALUES", "TABLE", "SHOW"]
        .iter()
        .any(|w| is(first, w))
    {
        return false;
    }
    let writes = [
        "INSERT", "UPDATE", "DELETE", "MERGE", "INTO", "NEXTVAL", "SETVAL",
    ];
    let words = sql
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty());
    // The two words before the current one.
    let (mut before, mut last) = ("", "");
    for word in words {
        if writes.iter().any(|w| is(word, w)) {
            return false;
        }
        // FOR SHARE, FOR KEY SHARE, LOCK IN SHARE MODE
        if (is(word, "SHARE") && (is(last, "FOR") || is(last, "KEY")))
            || (is(word, "MODE") && is(last, "SHARE") && is(before, "IN"))
        {
            return false;
        }
        (before, last) = (last, word);
    }
    true
}

fn is_begin(sql: &str) -> bool {
    let s = sql.trim_start().to_ascii_uppercase();
    s.starts_with("BEGIN") || s.starts_with("START TRANSACTION")
}

fn is_end(sql: &str) -> bool {
    let s = sql.trim_start().to_ascii_uppercase();
    s.starts_with("COMMIT") || (s.starts_with("ROLLBACK") && !s.contains(" TO "))
}

/// The text `cache` holds under `id`.
fn text_of(cache: &SqlCache, id: SqlId) -> Result<&str> {
    cache.sql(id).ok_or_else(unknown_sql_error)
}

fn kind_of(sql: &str) -> Kind {
    if is_read(sql) {
        Kind::Read
    } else {
        Kind::Write
    }
}

impl<B: Backend> Connection for RoutedConnection<B> {
    type Row<'r>
        = <B::Connection as Connection>::Row<'r>
    where
        Self: 'r;
    type Backend = <B::Connection as Connection>::Backend;

    fn dialect(&self) -> &'static dyn Dialect {
        if let Some(d) = self.engine.shared.dialect.get() {
            return *d;
        }
        let d = match (&self.primary, &self.replica) {
            (Some(p), _) => p.conn.dialect(),
            (None, Some((_, r))) => r.conn.dialect(),
            // Every connection of a backend has the same dialect: ask one.
            (None, None) => match self.engine.shared.primary.connect() {
                Ok(c) => c.dialect(),
                Err(_) => match self.engine.replica() {
                    Some((_, c)) => c.dialect(),
                    // Nothing is up: the statement fails when it runs.
                    None => return &Unreachable,
                },
            },
        };
        *self.engine.shared.dialect.get_or_init(|| d)
    }

    fn execute_sql(&mut self, sql: &str, binds: &[ValueRef<'_>]) -> Result<u64> {
        self.run(Kind::Write, |c, _, _| c.conn.execute_sql(sql, binds))
    }

    fn query_sql<F>(&mut self, sql: &str, binds: &[ValueRef<'_>], mut each: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
    {
        self.run(kind_of(sql), |c, _, delivered| {
            c.conn.query_sql(sql, binds, |row| {
                *delivered = true;
                each(row)
            })
        })
    }

    /// Runs the statement where its text is cached on the connection it
    /// goes to, as a plain pooled connection would.
    #[inline]
    fn execute_cached(&mut self, id: SqlId, binds: &[ValueRef<'_>]) -> Result<u64> {
        let dialect = self.dialect();
        self.run(Kind::Write, |c, cache, _| {
            match c.translate(cache, id, dialect) {
                Some(there) => c.conn.execute_cached(there, binds),
                None => c.conn.execute_sql(text_of(cache, id)?, binds),
            }
        })
    }

    /// As [`execute_cached`](Connection::execute_cached), routed by the
    /// text's kind (classified once per text).
    #[inline]
    fn query_cached<F>(&mut self, id: SqlId, binds: &[ValueRef<'_>], mut each: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
    {
        let kind = self.kinds.of(&self.sql_cache, id)?;
        let dialect = self.dialect();
        self.run(kind, |c, cache, delivered| {
            let each = |row: &mut Self::Row<'_>| {
                *delivered = true;
                each(row)
            };
            match c.translate(cache, id, dialect) {
                Some(there) => c.conn.query_cached(there, binds, each),
                None => c.conn.query_sql(text_of(cache, id)?, binds, each),
            }
        })
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
        let dialect = self.dialect();
        self.run(Kind::Write, |c, cache, _| {
            match c.translate(cache, id, dialect) {
                Some(there) => c.conn.execute_cached_many(there, binds, per_run, &mut each),
                None => {
                    let sql = text_of(cache, id)?;
                    for (i, run) in binds.chunks(per_run.max(1)).enumerate() {
                        each(i, c.conn.execute_sql(sql, run)?)?;
                    }
                    Ok(())
                }
            }
        })
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
        let dialect = self.dialect();
        self.run(Kind::Write, |c, cache, _| {
            match c.translate(cache, id, dialect) {
                Some(there) => c.conn.insert_cached_many(there, binds, per_run, &mut each),
                None => {
                    let sql = text_of(cache, id)?;
                    for (i, run) in binds.chunks(per_run.max(1)).enumerate() {
                        c.conn.execute_sql(sql, run)?;
                        each(i, c.conn.last_insert_id()?)?;
                    }
                    Ok(())
                }
            }
        })
    }

    fn batch_execute(&mut self, sql: &str) -> Result<()> {
        if self.pinned.is_none() && self.depth == 0 && is_begin(sql) {
            let target = if self.read_only {
                Target::Replica(usize::MAX)
            } else {
                Target::Primary
            };
            let (at, conn) = self.conn_for(target)?;
            conn.batch_execute(sql)?;
            self.pinned = Some(at);
            return Ok(());
        }
        let outcome = if self.pinned.is_some() || self.read_only {
            let target = self.pinned.unwrap_or(Target::Replica(usize::MAX));
            let (_, conn) = self.conn_for(target)?;
            conn.batch_execute(sql)
        } else {
            self.run(Kind::Write, |c, _, _| c.conn.batch_execute(sql))
        };
        if self.depth == 0 && is_end(sql) {
            if self.pinned == Some(Target::Primary) && outcome.is_ok() && sql.contains("COMMIT") {
                self.wrote_at = Some(Instant::now());
            }
            self.pinned = None;
        }
        outcome
    }

    fn transaction_depth(&mut self) -> &mut u32 {
        &mut self.depth
    }

    fn sql_cache(&mut self) -> Option<&mut SqlCache> {
        Some(&mut self.sql_cache)
    }

    fn last_insert_id(&mut self) -> Result<Option<i64>> {
        self.primary()?.last_insert_id()
    }
}
