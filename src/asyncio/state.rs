//! [`ConnState`]: what an async connection must know about futures that
//! were dropped half-way.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// No abandoned transaction level.
const NONE: u32 = u32::MAX;

/// The transaction bookkeeping of an [`AsyncConnection`](super::AsyncConnection),
/// kept by each backend and shared by every future that runs on it.
///
/// A future may be dropped at any `.await`. An [`AsyncTransaction`](super::AsyncTransaction)
/// dropped before it committed or rolled back records its level here (it
/// cannot run SQL in `Drop`), and the next statement on the connection
/// rolls it back first. A backend marks itself [`busy`](ConnState::busy)
/// while its driver talks to the server, so a future dropped mid-exchange
/// leaves a mark: the pool then discards the connection
/// ([`is_clean`](ConnState::is_clean) is false) rather than hand out one
/// whose server state is unknown.
///
/// ```
/// let mut s = sqlalgebra::asyncio::ConnState::new();
/// assert!(s.is_clean());
/// let busy = s.busy();
/// drop(busy); // dropped without `done`: as when a future is cancelled
/// assert!(!s.is_clean());
/// ```
#[derive(Debug)]
pub struct ConnState {
    pub(crate) depth: u32,
    /// The lowest transaction level a dropped transaction left open, or
    /// [`NONE`]; shared with the open transactions' guards.
    abandoned: Arc<AtomicU32>,
    busy: bool,
    broken: bool,
    pub(crate) echo: bool,
    /// The statement hooks of the connection's engine.
    pub(crate) hooks: Option<Arc<crate::observe::StatementHooks>>,
}

impl Default for ConnState {
    fn default() -> Self {
        Self::new()
    }
}

impl ConnState {
    /// The state of a new connection: no transaction, clean.
    ///
    /// ```
    /// assert_eq!(sqlalgebra::asyncio::ConnState::new().depth(), 0);
    /// ```
    pub fn new() -> Self {
        ConnState {
            depth: 0,
            abandoned: Arc::new(AtomicU32::new(NONE)),
            busy: false,
            broken: false,
            echo: false,
            hooks: None,
        }
    }

    /// How many transactions are open (0 outside any, more inside
    /// savepoints).
    ///
    /// ```
    /// assert_eq!(sqlalgebra::asyncio::ConnState::new().depth(), 0);
    /// ```
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// Whether the connection can go back to a pool: no transaction open
    /// or abandoned, no exchange cut off half-way, not broken.
    ///
    /// ```
    /// let mut s = sqlalgebra::asyncio::ConnState::new();
    /// s.mark_broken();
    /// assert!(!s.is_clean());
    /// ```
    pub fn is_clean(&self) -> bool {
        self.depth == 0
            && self.abandoned.load(Ordering::Acquire) == NONE
            && !self.busy
            && !self.broken
    }

    /// Whether an error said the connection is lost (or a dropped
    /// transaction could not be rolled back).
    ///
    /// ```
    /// assert!(!sqlalgebra::asyncio::ConnState::new().is_broken());
    /// ```
    pub fn is_broken(&self) -> bool {
        self.broken
    }

    /// Marks the connection as unusable: the pool discards it.
    ///
    /// ```
    /// let mut s = sqlalgebra::asyncio::ConnState::new();
    /// s.mark_broken();
    /// assert!(s.is_broken());
    /// ```
    pub fn mark_broken(&mut self) {
        self.broken = true;
    }

    /// Marks the start of an exchange with the server; call
    /// [`BusyGuard::done`] when it ends. A guard dropped without `done` (its
    /// future was dropped) leaves the connection not clean.
    ///
    /// ```
    /// let mut s = sqlalgebra::asyncio::ConnState::new();
    /// s.busy().done();
    /// assert!(s.is_clean());
    /// ```
    pub fn busy(&mut self) -> BusyGuard<'_> {
        self.busy = true;
        BusyGuard { state: self }
    }

    /// Records that the transaction opened at `level` (0: the outermost)
    /// was left open by a dropped future: it is rolled back before the
    /// connection's next statement. For backends whose streams open a
    /// transaction of their own.
    ///
    /// ```
    /// let s = sqlalgebra::asyncio::ConnState::new();
    /// s.abandon(0);
    /// assert!(!s.is_clean());
    /// ```
    pub fn abandon(&self, level: u32) {
        self.abandoned.fetch_min(level, Ordering::AcqRel);
    }

    /// The shared cell a transaction guard records its level in.
    pub(crate) fn abandoned_cell(&self) -> Arc<AtomicU32> {
        Arc::clone(&self.abandoned)
    }

    /// The level a dropped transaction left open, if any, forgetting it.
    pub(crate) fn take_abandoned(&mut self) -> Option<u32> {
        if self.abandoned.load(Ordering::Acquire) == NONE {
            return None;
        }
        Some(self.abandoned.swap(NONE, Ordering::AcqRel)).filter(|l| *l != NONE)
    }

    /// Whether a dropped transaction left a level to roll back.
    #[inline]
    pub(crate) fn has_abandoned(&self) -> bool {
        self.abandoned.load(Ordering::Acquire) != NONE
    }

    /// Whether the connection is sound but left in a transaction (open, or
    /// abandoned by a dropped future): a rollback makes it clean again.
    pub(crate) fn needs_rollback(&self) -> bool {
        !self.busy
            && !self.broken
            && (self.depth > 0 || self.abandoned.load(Ordering::Acquire) != NONE)
    }

    /// Forgets an exchange cut off half-way, once the pool had its say.
    pub(crate) fn clear_busy(&mut self) {
        self.busy = false;
    }
}

/// Marks an exchange with the server in progress: see [`ConnState::busy`].
#[derive(Debug)]
pub struct BusyGuard<'s> {
    state: &'s mut ConnState,
}

impl BusyGuard<'_> {
    /// The exchange ended (well or with an error the driver reported).
    ///
    /// ```
    /// let mut s = sqlalgebra::asyncio::ConnState::new();
    /// s.busy().done();
    /// assert!(s.is_clean());
    /// ```
    pub fn done(self) {
        self.state.busy = false;
    }

    /// The exchange ended with an error that says the connection is lost.
    ///
    /// ```
    /// let mut s = sqlalgebra::asyncio::ConnState::new();
    /// s.busy().lost();
    /// assert!(s.is_broken());
    /// ```
    pub fn lost(self) {
        self.state.busy = false;
        self.state.broken = true;
    }
}

/// Records a transaction level as abandoned when dropped while armed.
pub(crate) struct AbandonGuard {
    cell: Arc<AtomicU32>,
    level: u32,
    armed: bool,
}

impl AbandonGuard {
    pub(crate) fn new(state: &ConnState, level: u32) -> Self {
        AbandonGuard {
            cell: state.abandoned_cell(),
            level,
            armed: true,
        }
    }

    pub(crate) fn disarm(&mut self) {
        self.armed = false;
    }
}

impl Drop for AbandonGuard {
    fn drop(&mut self) {
        if self.armed {
            self.cell.fetch_min(self.level, Ordering::AcqRel);
        }
    }
}
