//! Events: what runs around the session's work (SQLAlchemy's ORM events,
//! SeaORM's `ActiveModelBehavior`).
//!
//! - **Per model**, methods of [`Model`] with empty defaults:
//!   [`before_insert`](Model::before_insert),
//!   [`after_insert`](Model::after_insert),
//!   [`before_update`](Model::before_update),
//!   [`after_update`](Model::after_update),
//!   [`before_delete`](Model::before_delete),
//!   [`after_delete`](Model::after_delete), called by `flush` for each
//!   object it writes.
//! - **Per session**, listeners added with [`Session::listen`] (and
//!   `AsyncSession::listen`, the same API) for a [`SessionEvent`]: before
//!   and after every flush that has something to write (an explicit one,
//!   the one of `commit`, `begin_nested` and `release`, and autoflush),
//!   before and after a commit, after a rollback. A listener gets a
//!   [`SessionView`]: the session's objects and connection, without its
//!   I/O. A `BeforeFlush` listener may add, change or delete objects,
//!   which that flush writes. The session's logic fires them, once for
//!   both sessions: a sync and an async session fire the same events in
//!   the same order.
//! - **Per statement**, on connections: [`Hooked`](crate::hooks::Hooked)
//!   (before and after each statement), and on every connection of an
//!   engine with [`PoolOptions::on_statement`](crate::PoolOptions::on_statement);
//!   with the `tracing` feature, a span per statement.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use sqlalgebra::prelude::*;
//! use sqlalgebra::orm::SessionEvent;
//! # use sqlalgebra::orm::doc_models::*;
//! # fn main() -> sqlalgebra::Result<()> {
//! # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
//! # let mut conn = engine.connect()?;
//! # create_all::<AllTables>(&mut conn)?;
//! let seen = Arc::new(Mutex::new(Vec::new()));
//! let mut s = Session::new(&mut conn);
//! let log = seen.clone();
//! s.listen(SessionEvent::BeforeFlush, move |s| {
//!     log.lock().unwrap().push(format!("flushing {} users", s.count::<User>()));
//!     Ok(())
//! });
//! let log = seen.clone();
//! s.listen(SessionEvent::AfterCommit, move |_| {
//!     log.lock().unwrap().push("committed".into());
//!     Ok(())
//! });
//! s.add(User { id: 0, name: "ann".into(), status: "new".into() });
//! s.commit()?;
//! assert_eq!(*seen.lock().unwrap(), ["flushing 1 users", "committed"]);
//! # Ok(()) }
//! ```

use std::ops::{Index, IndexMut};

use super::arena::Arena;
use super::handle::Handle;
use super::identity::{IdentityMap, TxState};
use super::model::Model;
use super::session::{ObjectState, Session, stale};
use super::unit::Unit;
use crate::conn::Connection;
use crate::error::Result;

/// A point in the session's work that listeners can run at; see
/// [`Session::listen`].
///
/// ```
/// use sqlalgebra::orm::SessionEvent;
/// assert_ne!(SessionEvent::BeforeFlush, SessionEvent::AfterFlush);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEvent {
    /// At the start of a flush that has something to write (autoflush
    /// included): the listener may still add, change or delete objects.
    BeforeFlush,
    /// After a flush wrote everything, in its transaction.
    AfterFlush,
    /// At the start of `commit`, before its flush.
    BeforeCommit,
    /// After the COMMIT (its error is returned by `commit`, which has
    /// committed).
    AfterCommit,
    /// After `rollback` (not after a flush's automatic rollback of a
    /// failed savepoint).
    AfterRollback,
}

/// What a listener sees of the session ([`Session::listen`]): its objects
/// (read, add, change, delete) and its connection, but none of its I/O
/// (no flush, load or commit inside a listener).
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::orm::{SessionEvent, SessionView};
/// # use sqlalgebra::orm::doc_models::*;
/// # fn main() -> sqlalgebra::Result<()> {
/// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
/// # let mut conn = engine.connect()?;
/// # create_all::<AllTables>(&mut conn)?;
/// fn audit<C: Connection>(s: &mut SessionView<'_, C>) -> sqlalgebra::Result<()> {
///     // The session's first flush also writes an audit user.
///     if s.statement_count() == 0 {
///         s.add(User { id: 0, name: "audit".into(), status: "bot".into() });
///     }
///     Ok(())
/// }
/// let mut s = Session::new(&mut conn);
/// s.listen(SessionEvent::BeforeFlush, audit);
/// let ann = s.add(User { id: 0, name: "ann".into(), status: "new".into() });
/// s.commit()?;
/// assert_eq!(s.count::<User>(), 2);
/// # let _ = ann;
/// # Ok(()) }
/// ```
pub struct SessionView<'v, C: Connection> {
    conn: &'v mut C,
    map: &'v mut IdentityMap<C>,
    tx: &'v TxState,
    statements: u64,
}

impl<C: Connection> std::fmt::Debug for SessionView<'_, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionView")
            .field("models", &self.map.arenas.len())
            .field("statements", &self.statements)
            .finish()
    }
}

impl<C: Connection> SessionView<'_, C> {
    /// Adds a new object: the flush under way (at `BeforeFlush`) or the
    /// next one inserts it. See [`Session::add`].
    pub fn add<M: Model>(&mut self, object: M) -> Handle<M> {
        let level = self.tx.current();
        Handle::from_index(self.map.arena_mut::<M>().add(object, level))
    }

    /// Marks the object for deletion. See [`Session::delete`].
    pub fn delete<M: Model>(&mut self, h: Handle<M>) {
        let level = self.tx.current();
        self.map.arena_mut::<M>().delete(h.index(), level);
    }

    /// The object, if the handle still refers to one.
    pub fn try_get<M: Model>(&self, h: Handle<M>) -> Option<&M> {
        self.map.arena::<M>()?.slot(h.slot()).map(|s| &s.value)
    }

    /// A mutable borrow that marks the object dirty, if the handle still
    /// refers to one.
    pub fn try_edit<M: Model>(&mut self, h: Handle<M>) -> Option<&mut M> {
        let level = self.tx.current();
        self.map.arena_mut::<M>().edit(h.index(), level)
    }

    /// Where the object stands.
    pub fn state<M: Model>(&self, h: Handle<M>) -> ObjectState {
        ObjectState::of(self.map.state::<M>(h.index()))
    }

    /// How many objects of model `M` the session holds.
    pub fn count<M: Model>(&self) -> usize {
        self.map.arena::<M>().map_or(0, Arena::len)
    }

    /// How many statements the session has run so far.
    pub fn statement_count(&self) -> u64 {
        self.statements
    }

    /// The session's connection (for an async session, its bridge to the
    /// async connection: only its counters and settings are of use in a
    /// listener).
    pub fn connection(&mut self) -> &mut C {
        self.conn
    }
}

impl<M: Model, C: Connection> Index<Handle<M>> for SessionView<'_, C> {
    type Output = M;

    /// The object.
    ///
    /// # Panics
    /// When the handle no longer refers to an object.
    fn index(&self, h: Handle<M>) -> &M {
        match self.try_get(h) {
            Some(m) => m,
            None => stale(h),
        }
    }
}

impl<M: Model, C: Connection> IndexMut<Handle<M>> for SessionView<'_, C> {
    /// The object, marked dirty.
    ///
    /// # Panics
    /// When the handle no longer refers to an object.
    fn index_mut(&mut self, h: Handle<M>) -> &mut M {
        match self.try_edit(h) {
            Some(m) => m,
            None => stale(h),
        }
    }
}

/// A listener, for a session living `'l`.
pub(crate) type Listener<'l, C> = Box<dyn FnMut(&mut SessionView<'_, C>) -> Result<()> + Send + 'l>;

/// A session's listeners, in the order they were added.
pub(crate) struct Listeners<'l, C: Connection> {
    list: Vec<(SessionEvent, Listener<'l, C>)>,
}

impl<'l, C: Connection> Listeners<'l, C> {
    pub(crate) fn new() -> Self {
        Listeners { list: Vec::new() }
    }

    pub(crate) fn push(&mut self, event: SessionEvent, listener: Listener<'l, C>) {
        self.list.push((event, listener));
    }
}

/// What the session's logic ([`Unit`]) calls at each event: the
/// listeners of either session, whatever their lifetime.
pub(crate) trait Fire<C: Connection>: Send {
    /// Runs the listeners of `event` in order; the first error ends it.
    fn fire(&mut self, event: SessionEvent, view: &mut SessionView<'_, C>) -> Result<()>;
}

impl<C: Connection> Fire<C> for Listeners<'_, C> {
    fn fire(&mut self, event: SessionEvent, view: &mut SessionView<'_, C>) -> Result<()> {
        for (e, listener) in &mut self.list {
            if *e == event {
                listener(view)?;
            }
        }
        Ok(())
    }
}

impl<C: Connection> Unit<'_, C> {
    /// Runs the session's listeners of `event`.
    pub(crate) fn fire(&mut self, event: SessionEvent) -> Result<()> {
        let Unit {
            conn,
            map,
            tx,
            statements,
            listeners,
            ..
        } = self;
        listeners.fire(
            event,
            &mut SessionView {
                conn: &mut **conn,
                map: &mut **map,
                tx,
                statements: **statements,
            },
        )
    }
}

impl<'c, C: Connection> Session<'c, C> {
    /// Calls `listener` at every `event` from now on (after the listeners
    /// added before it), with a [`SessionView`] of the session. An error
    /// from a listener ends the operation that fired it with that error (a
    /// flush or a commit has not started then, except for `AfterFlush`,
    /// `AfterCommit` and `AfterRollback`). See the [module docs](self) for
    /// an example.
    pub fn listen(
        &mut self,
        event: SessionEvent,
        listener: impl FnMut(&mut SessionView<'_, C>) -> Result<()> + Send + 'c,
    ) {
        self.listeners.push(event, Box::new(listener));
    }
}

fn each<M: Model>(arena: &Arena<M>, slots: &[u32], f: impl Fn(&M)) {
    for &i in slots {
        if let Some(slot) = arena.slot(i as usize) {
            f(&slot.value);
        }
    }
}

/// [`Model::after_insert`] on the objects of `slots`.
pub(crate) fn after_insert<M: Model>(arena: &Arena<M>, slots: &[u32]) {
    each(arena, slots, M::after_insert);
}

/// [`Model::after_update`] on the objects of `slots`.
pub(crate) fn after_update<M: Model>(arena: &Arena<M>, slots: &[u32]) {
    each(arena, slots, M::after_update);
}

/// [`Model::before_delete`] on the objects of `slots`, as loaded.
pub(crate) fn before_delete<M: Model>(arena: &Arena<M>, slots: &[u32]) {
    for &i in slots {
        if let Some(slot) = arena.slot(i as usize) {
            arena
                .snapshot_of(slot)
                .unwrap_or(&slot.value)
                .before_delete();
        }
    }
}

/// [`Model::after_delete`] on the objects of `slots`.
pub(crate) fn after_delete<M: Model>(arena: &Arena<M>, slots: &[u32]) {
    each(arena, slots, M::after_delete);
}
