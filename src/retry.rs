//! Running a transaction again when a concurrent one made it fail: a
//! [`RetryPolicy`] (bounded attempts, exponential backoff with full
//! jitter), [`transaction_with_retry`] on a connection, and the same on an
//! [`Engine`] (a new connection per attempt) and an ORM
//! [`Session`].
//!
//! Multi-primary clusters (MariaDB Galera) abort a transaction at `COMMIT`
//! when another node committed a conflicting one first ("WSREP detected
//! deadlock/conflict", `ER_LOCK_DEADLOCK`): that is an
//! [`ErrorKind::Conflict`], which [`Error::is_retryable`](crate::Error::is_retryable) says may succeed when
//! the whole transaction runs again, as serialization failures and
//! deadlocks of one server do.
//!
//! ```
//! use sqlalgebra::prelude::*;
//! use sqlalgebra::retry::{RetryPolicy, transaction_with_retry};
//! use sqlalgebra_sqlite::Sqlite;
//! # fn main() -> sqlalgebra::Result<()> {
//! let engine = Sqlite::memory()?;
//! let mut conn = engine.connect()?;
//! let mut attempts = 0;
//! let n = transaction_with_retry(&mut conn, &RetryPolicy::default(), |c| {
//!     attempts += 1;
//!     text("SELECT 41 + 1").returns::<BigInt>().get(c)
//! })?;
//! assert_eq!((n, attempts), (42, 1));
//! # Ok(()) }
//! ```

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use crate::conn::Connection;
use crate::engine::{Backend, Engine, Pooled};
use crate::error::{ErrorKind, Result};
use crate::orm::Session;

/// How often and how patiently a transaction is run again.
///
/// Attempt `n` (from 1) that fails with a retryable error waits a random
/// time between zero and `min(max_delay, base_delay * 2^(n-1))` ("full
/// jitter": conflicting clients spread out instead of colliding again),
/// then runs again, up to `attempts` runs in all.
///
/// ```
/// use std::time::Duration;
/// use sqlalgebra::retry::RetryPolicy;
/// let p = RetryPolicy::default().attempts(10).backoff(Duration::from_millis(1), Duration::from_millis(50));
/// assert_eq!(p.max_attempts(), 10);
/// assert!(p.delay_bound(1) == Duration::from_millis(1) && p.delay_bound(20) == Duration::from_millis(50));
/// ```
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    attempts: u32,
    base: Duration,
    max: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, backoff from 10 ms up to 1 s.
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            base: Duration::from_millis(10),
            max: Duration::from_secs(1),
        }
    }
}

impl RetryPolicy {
    /// Runs in all, the first included (at least 1).
    ///
    /// ```
    /// assert_eq!(sqlalgebra::retry::RetryPolicy::default().attempts(0).max_attempts(), 1);
    /// ```
    #[must_use]
    pub fn attempts(mut self, n: u32) -> Self {
        self.attempts = n.max(1);
        self
    }

    /// The first retry's delay bound and the largest one.
    ///
    /// ```
    /// use std::time::Duration;
    /// let p = sqlalgebra::retry::RetryPolicy::default().backoff(Duration::ZERO, Duration::ZERO);
    /// assert_eq!(p.delay_bound(3), Duration::ZERO);
    /// ```
    #[must_use]
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base = base;
        self.max = max;
        self
    }

    /// Runs in all.
    ///
    /// ```
    /// assert_eq!(sqlalgebra::retry::RetryPolicy::default().max_attempts(), 5);
    /// ```
    pub fn max_attempts(&self) -> u32 {
        self.attempts
    }

    /// The most that attempt `n` (from 1) waits after failing.
    ///
    /// ```
    /// use std::time::Duration;
    /// let p = sqlalgebra::retry::RetryPolicy::default();
    /// assert_eq!(p.delay_bound(2), Duration::from_millis(20));
    /// ```
    pub fn delay_bound(&self, n: u32) -> Duration {
        let factor = 1u32 << n.saturating_sub(1).min(20);
        self.base.saturating_mul(factor).min(self.max)
    }

    /// Waits a random time up to [`delay_bound`](RetryPolicy::delay_bound).
    pub(crate) fn wait(&self, n: u32, rng: &mut XorShift) {
        let bound = self.delay_bound(n).as_nanos() as u64;
        if bound > 0 {
            std::thread::sleep(Duration::from_nanos(rng.next() % (bound + 1)));
        }
    }
}

/// A xorshift64 generator for the jitter: no cryptography needed, and no
/// dependency.
pub(crate) struct XorShift(u64);

impl XorShift {
    /// Seeded from the process's random hasher keys (fresh per call).
    pub(crate) fn new() -> Self {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(0x9e37_79b9_7f4a_7c15);
        XorShift(h.finish() | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// Runs `f` in a transaction on `conn` (see [`Connection::transaction`])
/// and, when it fails with an [`ErrorKind::Conflict`], runs it again after a
/// backoff, up to the policy's attempts; returns the first success or the
/// last error. Other errors, a lost connection included (it cannot run
/// again on the same connection: see [`Engine::transaction_with_retry`]),
/// are returned at once.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::retry::{RetryPolicy, transaction_with_retry};
/// use sqlalgebra_sqlite::Sqlite;
/// # fn main() -> sqlalgebra::Result<()> {
/// let engine = Sqlite::memory()?;
/// let mut conn = engine.connect()?;
/// let mut runs = 0;
/// let r: sqlalgebra::Result<()> = transaction_with_retry(&mut conn, &RetryPolicy::default().attempts(3), |_| {
///     runs += 1;
///     Err(sqlalgebra::ErrorKind::Conflict { sql: "COMMIT".into(), source: "conflict".into() }.into())
/// });
/// assert!(matches!(r.as_ref().map_err(sqlalgebra::Error::kind), Err(sqlalgebra::ErrorKind::Conflict { .. })));
/// assert_eq!(runs, 3);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The last attempt's error, or the first error that is not a conflict.
pub fn transaction_with_retry<C, T, F>(conn: &mut C, policy: &RetryPolicy, mut f: F) -> Result<T>
where
    C: Connection,
    F: FnMut(&mut C) -> Result<T>,
{
    let mut rng = XorShift::new();
    let mut n = 1;
    loop {
        match conn.transaction(&mut f) {
            Err(e) if matches!(e.kind(), ErrorKind::Conflict { .. }) && n < policy.attempts => {
                log::debug!(target: "sqlalgebra::retry", "attempt {n} conflicted: {e}");
                policy.wait(n, &mut rng);
                n += 1;
            }
            outcome => return outcome,
        }
    }
}

impl<B: Backend> Engine<B> {
    /// Runs `f` in a transaction on a connection of this pool and, when it
    /// fails with a retryable error ([`Error::is_retryable`](crate::Error::is_retryable): a conflict, a
    /// pool timeout, a connection lost before `COMMIT`), runs it again on
    /// a fresh connection after a backoff, up to the policy's attempts.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::retry::RetryPolicy;
    /// use sqlalgebra_sqlite::Sqlite;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let engine = Sqlite::memory()?;
    /// let n: i64 = engine.transaction_with_retry(&RetryPolicy::default(), |c| {
    ///     text("SELECT 2").returns::<BigInt>().get(c)
    /// })?;
    /// assert_eq!(n, 2);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// The last attempt's error, or the first one that is not retryable
    /// (a connection lost during `COMMIT` is not: it may have committed).
    pub fn transaction_with_retry<T, F>(&self, policy: &RetryPolicy, mut f: F) -> Result<T>
    where
        F: FnMut(&mut Pooled<B>) -> Result<T>,
    {
        let mut rng = XorShift::new();
        let mut n = 1;
        loop {
            let outcome = self.connect().and_then(|mut conn| conn.transaction(&mut f));
            match outcome {
                Err(e) if e.is_retryable() && n < policy.attempts => {
                    log::debug!(target: "sqlalgebra::retry", "attempt {n} failed, retrying: {e}");
                    policy.wait(n, &mut rng);
                    n += 1;
                }
                outcome => return outcome,
            }
        }
    }
}

impl<C: Connection> Session<'_, C> {
    /// [`transaction`](Session::transaction) run again after a backoff
    /// while it fails with an [`ErrorKind::Conflict`], up to the policy's
    /// attempts. Each failed attempt is rolled back, so `f` starts again
    /// from what the database holds.
    ///
    /// ```
    /// use sqlalgebra::orm::Session;
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::retry::RetryPolicy;
    /// use sqlalgebra_sqlite::Sqlite;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let engine = Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// let mut session = Session::new(&mut conn);
    /// let n: i64 = session.transaction_with_retry(&RetryPolicy::default(), |s| {
    ///     text("SELECT 3").returns::<BigInt>().get(s.connection())
    /// })?;
    /// assert_eq!(n, 3);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// The last attempt's error, or the first error that is not a conflict.
    pub fn transaction_with_retry<T, F>(&mut self, policy: &RetryPolicy, mut f: F) -> Result<T>
    where
        F: FnMut(&mut Self) -> Result<T>,
    {
        let mut rng = XorShift::new();
        let mut n = 1;
        loop {
            match self.transaction(&mut f) {
                Err(e) if matches!(e.kind(), ErrorKind::Conflict { .. }) && n < policy.attempts => {
                    log::debug!(target: "sqlalgebra::retry", "attempt {n} conflicted: {e}");
                    policy.wait(n, &mut rng);
                    n += 1;
                }
                outcome => return outcome,
            }
        }
    }
}
