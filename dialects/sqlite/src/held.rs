//! A rusqlite connection and the prepared statements kept for it, as one
//! value that may move to another thread: the one `unsafe` of the SQLite
//! backend (the workspace denies `unsafe_code`; this module alone allows
//! it, for the `unsafe impl Send` below and the code `self_cell!` writes).
//!
//! rusqlite's `Statement<'conn>` borrows its `Connection`. To keep a
//! statement per slot of the SQL cache ([`Slots`], `src/slots.rs`) the
//! connection and its statements live in one self-referential cell
//! (`self_cell`, which drops the statements before the connection). The
//! cell is not `Send` by itself, because a statement holds a
//! `&Connection` and `Connection` is not `Sync`; the pool needs its
//! connections `Send`, hence [`Held`]'s `unsafe impl Send`.

#![allow(unsafe_code)]

use rusqlite::Connection;

use crate::slots::Slots;

self_cell::self_cell!(
    /// The connection (owner) and its statements by slot (dependent).
    struct Cell {
        owner: Connection,
        #[covariant]
        dependent: Slots,
    }
);

/// A connection with its statements kept by SQL-cache slot.
///
/// It is `Send` but not `Sync`: it moves between threads as one value and
/// is never shared.
pub(crate) struct Held(Cell);

// SAFETY: a `Held` is the only owner of its `Connection` and of every
// statement prepared on it, and it is not `Sync` (`Connection` is not), so
// it is never shared between threads: sending it moves the connection and
// all of its statements together, to one thread at a time.
// - The statements never outlive their connection: they live in the cell's
//   dependent, which `self_cell` drops before its owner (and `into_conn`
//   drops them before it gives the connection back).
// - They never leave it: `Held`'s methods lend the statements and the
//   connection only for the length of a call (`with_slots`), as
//   `&Connection` and `&mut Slots<'_>`, neither of which is `Send` (the
//   `&Connection` in them is what makes `Statement` not `Send` in the
//   first place), so no borrow can cross to another thread while the
//   `Held` is used, and none is left when it moves.
// - A `Connection` is `Send` (rusqlite), and the only thing in the cell
//   that is not `Send` on its own is the statements' `&Connection` to that
//   very connection, which moves with them. SQLite allows a connection and
//   the statements prepared on it to be used from any thread, one thread
//   at a time (its multi-thread mode, `SQLITE_OPEN_NO_MUTEX`, and the
//   serialized mode alike), which `&mut self` for every use of a statement
//   guarantees.
unsafe impl Send for Held {}

impl Held {
    /// Wraps `conn`, with no statement kept yet.
    pub(crate) fn new(conn: Connection) -> Held {
        Held(Cell::new(conn, |_| Slots::default()))
    }

    /// The connection.
    #[inline]
    pub(crate) fn conn(&self) -> &Connection {
        self.0.borrow_owner()
    }

    /// The statements kept.
    #[inline]
    pub(crate) fn slots(&self) -> &Slots<'_> {
        self.0.borrow_dependent()
    }

    /// Calls `f` with the connection and its statements.
    #[inline]
    pub(crate) fn with_slots<T>(
        &mut self,
        f: impl for<'c> FnOnce(&'c Connection, &mut Slots<'c>) -> T,
    ) -> T {
        self.0.with_dependent_mut(|conn, slots| f(conn, slots))
    }

    /// The connection, once every statement kept is dropped.
    pub(crate) fn into_conn(self) -> Connection {
        self.0.into_owner()
    }
}
