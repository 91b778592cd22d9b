//! An engine over the nodes of a multi-primary cluster (MariaDB Galera):
//! every node takes reads and writes, so a [`MultiPrimaryEngine`] hands
//! out connections round robin over the nodes that are up and ready.
//!
//! - A node that cannot be reached, or whose connection is lost, is
//!   skipped for [`MultiPrimaryOptions::recheck_after`], then tried again
//!   (re-admitted when it answers and is ready).
//! - With a [ready check](MultiPrimaryOptions::ready_check), a checkout
//!   runs it first and skips a node that does not answer `1` (for Galera:
//!   `sqlalgebra_mysql::GALERA_READY`, a node that is not `Synced` —
//!   joining, a donor, or cut off from the primary component).
//! - [`MultiPrimaryEngine::transaction_with_retry`] runs a transaction
//!   again on the next node after a certification conflict or a
//!   connection lost before `COMMIT` (see [`Error::is_retryable`]).
//!
//! ```
//! use sqlalgebra::multi_primary::{MultiPrimaryEngine, MultiPrimaryOptions};
//! use sqlalgebra::prelude::*;
//! use sqlalgebra_sqlite::Sqlite;
//! # fn main() -> sqlalgebra::Result<()> {
//! // SQLite engines stand in for the nodes here; see tests/cluster_galera_kill.rs.
//! let nodes = MultiPrimaryEngine::new(
//!     vec![Sqlite::memory()?, Sqlite::memory()?],
//!     MultiPrimaryOptions::default().ready_check("SELECT 1"),
//! );
//! let (first, _) = nodes.connect_node()?;
//! let (second, _) = nodes.connect_node()?;
//! assert_ne!(first, second);
//! # Ok(()) }
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::conn::Connection;
use crate::engine::{Backend, Engine, Pooled};
use crate::error::{Error, ErrorKind, Result};
use crate::query::{RunQuery, text};
use crate::retry::{RetryPolicy, XorShift};
use crate::types::BigInt;

/// How a [`MultiPrimaryEngine`] picks nodes.
///
/// ```
/// use std::time::Duration;
/// use sqlalgebra::multi_primary::MultiPrimaryOptions;
/// let o = MultiPrimaryOptions::default().recheck_after(Duration::from_millis(200));
/// assert_eq!(o.recheck_interval(), Duration::from_millis(200));
/// ```
#[derive(Debug, Clone)]
pub struct MultiPrimaryOptions {
    recheck_after: Duration,
    ready_check: Option<String>,
}

impl Default for MultiPrimaryOptions {
    /// Recheck after 2 s, no ready check.
    fn default() -> Self {
        MultiPrimaryOptions {
            recheck_after: Duration::from_secs(2),
            ready_check: None,
        }
    }
}

impl MultiPrimaryOptions {
    /// How long a node that failed is skipped before it is tried again.
    ///
    /// ```
    /// use std::time::Duration;
    /// let o = sqlalgebra::multi_primary::MultiPrimaryOptions::default().recheck_after(Duration::ZERO);
    /// assert!(o.recheck_interval().is_zero());
    /// ```
    #[must_use]
    pub fn recheck_after(mut self, interval: Duration) -> Self {
        self.recheck_after = interval;
        self
    }

    /// The recheck interval.
    ///
    /// ```
    /// let o = sqlalgebra::multi_primary::MultiPrimaryOptions::default();
    /// assert_eq!(o.recheck_interval().as_secs(), 2);
    /// ```
    pub fn recheck_interval(&self) -> Duration {
        self.recheck_after
    }

    /// A query run at every checkout, returning one integer: the node is
    /// used when it is `1`, else skipped like a node that is down. It
    /// costs one round trip per checkout.
    ///
    /// ```
    /// let o = sqlalgebra::multi_primary::MultiPrimaryOptions::default().ready_check("SELECT 1");
    /// assert_eq!(o.ready_query(), Some("SELECT 1"));
    /// ```
    #[must_use]
    pub fn ready_check(mut self, sql: impl Into<String>) -> Self {
        self.ready_check = Some(sql.into());
        self
    }

    /// The ready check, if any.
    ///
    /// ```
    /// assert_eq!(sqlalgebra::multi_primary::MultiPrimaryOptions::default().ready_query(), None);
    /// ```
    pub fn ready_query(&self) -> Option<&str> {
        self.ready_check.as_deref()
    }
}

struct Node<B: Backend> {
    engine: Engine<B>,
    down_since: Mutex<Option<Instant>>,
}

struct Shared<B: Backend> {
    nodes: Vec<Node<B>>,
    next: AtomicUsize,
    options: MultiPrimaryOptions,
}

/// An engine over the nodes of a multi-primary cluster; see the
/// [module](self) documentation. Cloning it is cheap and shares the
/// pools.
///
/// ```
/// use sqlalgebra::multi_primary::{MultiPrimaryEngine, MultiPrimaryOptions};
/// use sqlalgebra_sqlite::Sqlite;
/// # fn main() -> sqlalgebra::Result<()> {
/// let nodes = MultiPrimaryEngine::new(vec![Sqlite::memory()?], MultiPrimaryOptions::default());
/// assert_eq!((nodes.node_count(), nodes.nodes_down()), (1, vec![]));
/// # Ok(()) }
/// ```
pub struct MultiPrimaryEngine<B: Backend> {
    shared: Arc<Shared<B>>,
}

impl<B: Backend> Clone for MultiPrimaryEngine<B> {
    fn clone(&self) -> Self {
        MultiPrimaryEngine {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<B: Backend> std::fmt::Debug for MultiPrimaryEngine<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MultiPrimaryEngine")
            .field("nodes", &self.shared.nodes.len())
            .field("options", &self.shared.options)
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<B: Backend> MultiPrimaryEngine<B> {
    /// An engine over `nodes` (build them with a short pool timeout and
    /// pre-ping: the timeout is how long a checkout waits for a node that
    /// went down, and pre-ping finds the pooled connections it broke).
    ///
    /// ```
    /// # use sqlalgebra::multi_primary::{MultiPrimaryEngine, MultiPrimaryOptions};
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let nodes = MultiPrimaryEngine::new(vec![sqlalgebra_sqlite::Sqlite::memory()?], MultiPrimaryOptions::default());
    /// # Ok(()) }
    /// ```
    pub fn new(nodes: Vec<Engine<B>>, options: MultiPrimaryOptions) -> Self {
        MultiPrimaryEngine {
            shared: Arc::new(Shared {
                nodes: nodes
                    .into_iter()
                    .map(|engine| Node {
                        engine,
                        down_since: Mutex::new(None),
                    })
                    .collect(),
                next: AtomicUsize::new(0),
                options,
            }),
        }
    }

    /// How many nodes.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(e: sqlalgebra::multi_primary::MultiPrimaryEngine<B>) {
    /// assert!(e.nodes_down().len() <= e.node_count());
    /// # }
    /// ```
    pub fn node_count(&self) -> usize {
        self.shared.nodes.len()
    }

    /// The engine of node `i`.
    ///
    /// # Panics
    /// When there is no node `i`.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(e: sqlalgebra::multi_primary::MultiPrimaryEngine<B>) -> sqlalgebra::Result<()> {
    /// let mut first = e.node(0).connect()?;
    /// # Ok(()) }
    /// ```
    pub fn node(&self, i: usize) -> &Engine<B> {
        &self.shared.nodes[i].engine
    }

    /// The nodes skipped now (their indexes).
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(e: sqlalgebra::multi_primary::MultiPrimaryEngine<B>) {
    /// let down = e.nodes_down();
    /// # }
    /// ```
    pub fn nodes_down(&self) -> Vec<usize> {
        let now = Instant::now();
        (0..self.shared.nodes.len())
            .filter(|&i| self.skipped(i, now))
            .collect()
    }

    fn skipped(&self, i: usize, now: Instant) -> bool {
        lock(&self.shared.nodes[i].down_since)
            .is_some_and(|t| now.duration_since(t) < self.shared.options.recheck_after)
    }

    /// Skips node `i` for the recheck interval (done by the engine when a
    /// node fails; for an application that knows better).
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(e: sqlalgebra::multi_primary::MultiPrimaryEngine<B>) {
    /// e.mark_down(0);
    /// # }
    /// ```
    pub fn mark_down(&self, i: usize) {
        *lock(&self.shared.nodes[i].down_since) = Some(Instant::now());
    }

    /// A connection to the next node that is up and ready, round robin,
    /// and that node's index.
    ///
    /// # Errors
    /// The last node's error when none is up (or all are skipped:
    /// [`ErrorKind::PoolTimeout`]).
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(e: sqlalgebra::multi_primary::MultiPrimaryEngine<B>) -> sqlalgebra::Result<()> {
    /// let (node, mut conn) = e.connect_node()?;
    /// # Ok(()) }
    /// ```
    pub fn connect_node(&self) -> Result<(usize, Pooled<B>)> {
        let n = self.shared.nodes.len();
        let start = self.shared.next.fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        let mut last = None;
        for k in 0..n {
            let i = (start + k) % n;
            if self.skipped(i, now) {
                continue;
            }
            match self.checkout(i) {
                Ok(conn) => {
                    *lock(&self.shared.nodes[i].down_since) = None;
                    return Ok((i, conn));
                }
                Err(e) => {
                    log::warn!(target: "sqlalgebra::multi_primary", "node {i} skipped: {e}");
                    self.mark_down(i);
                    last = Some(e);
                }
            }
        }
        Err(last.unwrap_or_else(|| {
            ErrorKind::PoolTimeout(format!("all {n} nodes are skipped as down or not ready")).into()
        }))
    }

    fn checkout(&self, i: usize) -> Result<Pooled<B>> {
        let mut conn = self.shared.nodes[i].engine.connect()?;
        if let Some(sql) = &self.shared.options.ready_check {
            let ready: i64 = text(sql.as_str()).returns::<BigInt>().get(&mut conn)?;
            if ready != 1 {
                return Err(ErrorKind::Connection(
                    format!("node {i} is not ready ({sql} gave {ready})").into(),
                )
                .into());
            }
        }
        Ok(conn)
    }

    /// A connection to the next node that is up and ready.
    ///
    /// # Errors
    /// As [`connect_node`](MultiPrimaryEngine::connect_node).
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(e: sqlalgebra::multi_primary::MultiPrimaryEngine<B>) -> sqlalgebra::Result<()> {
    /// let mut conn = e.connect()?;
    /// # Ok(()) }
    /// ```
    pub fn connect(&self) -> Result<Pooled<B>> {
        self.connect_node().map(|(_, c)| c)
    }

    /// Runs `f` in a transaction on the next node and, when it fails with
    /// a retryable error ([`Error::is_retryable`]: a certification
    /// conflict, a connection lost before `COMMIT`, no node free), runs it
    /// again on the next node after a backoff, up to the policy's attempts.
    /// A node whose connection was lost is skipped from then on (for the
    /// recheck interval).
    ///
    /// # Errors
    /// The last attempt's error, or the first one that is not retryable: a
    /// connection lost during `COMMIT` is not (the transaction may have
    /// committed; [`Error::commit_in_doubt`] says so).
    ///
    /// ```
    /// use sqlalgebra::multi_primary::{MultiPrimaryEngine, MultiPrimaryOptions};
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::retry::RetryPolicy;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let nodes = MultiPrimaryEngine::new(vec![sqlalgebra_sqlite::Sqlite::memory()?], MultiPrimaryOptions::default());
    /// let n: i64 = nodes.transaction_with_retry(&RetryPolicy::default(), |c| {
    ///     text("SELECT 5").returns::<BigInt>().get(c)
    /// })?;
    /// assert_eq!(n, 5);
    /// # Ok(()) }
    /// ```
    pub fn transaction_with_retry<T, F>(&self, policy: &RetryPolicy, mut f: F) -> Result<T>
    where
        F: FnMut(&mut Pooled<B>) -> Result<T>,
    {
        let mut rng = XorShift::new();
        let mut n = 1;
        loop {
            let outcome = self.connect_node().and_then(|(node, mut conn)| {
                let outcome = conn.transaction(&mut f);
                if matches!(
                    outcome.as_ref().map_err(Error::kind),
                    Err(ErrorKind::Connection(_))
                ) {
                    self.mark_down(node);
                }
                outcome
            });
            match outcome {
                Err(e) if e.is_retryable() && n < policy.max_attempts() => {
                    log::debug!(target: "sqlalgebra::multi_primary", "attempt {n} failed, retrying: {e}");
                    policy.wait(n, &mut rng);
                    n += 1;
                }
                outcome => return outcome,
            }
        }
    }
}
