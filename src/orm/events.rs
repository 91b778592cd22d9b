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
//! - **Per session**, listeners added with [`Session::listen`] for a
//!   [`SessionEvent`]: before and after a flush (when there is something to
//!   flush), before and after a commit, after a rollback. A listener gets
//!   the session: a `BeforeFlush` listener may add, change or delete
//!   objects, which that flush writes. Listeners do not fire while a
//!   listener runs (a flush inside a `BeforeCommit` listener fires no
//!   flush events).
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

use super::arena::Arena;
use super::model::Model;
use super::session::Session;
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
    /// At the start of a flush that has something to write: the listener
    /// may still add, change or delete objects.
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

type Listener<'c, C> = Box<dyn FnMut(&mut Session<'c, C>) -> Result<()> + Send + 'c>;

/// A session's listeners.
pub(crate) struct Listeners<'c, C: Connection> {
    list: Vec<(SessionEvent, Listener<'c, C>)>,
    running: bool,
}

impl<C: Connection> Listeners<'_, C> {
    pub(crate) fn new() -> Self {
        Listeners {
            list: Vec::new(),
            running: false,
        }
    }
}

impl<'c, C: Connection> Session<'c, C> {
    /// Calls `listener` with the session at every `event` from now on
    /// (after the listeners added before it). An error from a listener
    /// ends the operation that fired it with that error (a flush or a
    /// commit has not started then, except for `AfterFlush`, `AfterCommit`
    /// and `AfterRollback`). See the [module docs](self) for an example.
    pub fn listen(
        &mut self,
        event: SessionEvent,
        listener: impl FnMut(&mut Session<'c, C>) -> Result<()> + Send + 'c,
    ) {
        self.listeners.list.push((event, Box::new(listener)));
    }

    /// Runs the listeners of `event`, unless a listener is running.
    pub(crate) fn fire(&mut self, event: SessionEvent) -> Result<()> {
        if self.listeners.running || !self.listeners.list.iter().any(|(e, _)| *e == event) {
            return Ok(());
        }
        let mut list = std::mem::take(&mut self.listeners.list);
        self.listeners.running = true;
        let mut result = Ok(());
        for (e, listener) in &mut list {
            if *e == event {
                result = listener(self);
                if result.is_err() {
                    break;
                }
            }
        }
        self.listeners.running = false;
        // Listeners added by a listener come after the others.
        list.append(&mut self.listeners.list);
        self.listeners.list = list;
        result
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
