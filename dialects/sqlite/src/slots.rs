//! Prepared statements kept by slot of the SQL cache
//! ([`SqlId::slot`](sqlalgebra::render::SqlId::slot)), as the PostgreSQL
//! and MySQL backends keep theirs: a statement whose text the SQL cache
//! holds runs without rusqlite's statement-cache lookup (hashing its text,
//! moving it out of the LRU and back, an `Arc<str>` of the text each time).
//!
//! The statements come from rusqlite's statement cache and go back to it
//! when they leave their slot: when the SQL cache starts over (a new
//! generation), or when more than [`HELD`] are kept (the least recently
//! used leaves). The connection and its statements live together in a
//! [`Held`] (`src/held.rs`).

use rusqlite::{CachedStatement, Connection, Statement};
use sqlalgebra::Result;
use sqlalgebra::render::SqlId;

#[cfg(feature = "async")]
use crate::async_thread::Columns;
use crate::conn::error;
use crate::held::Held;

/// How many statements a connection keeps by slot, at most.
pub(crate) const HELD: usize = 128;

/// A statement kept for a slot, and when it was last used.
struct Kept<'c> {
    statement: CachedStatement<'c>,
    used: u64,
    /// Its column names, as the async connection's thread last read them.
    #[cfg(feature = "async")]
    columns: Option<Columns>,
}

/// The statements of one connection, by slot of its SQL cache.
#[derive(Default)]
pub(crate) struct Slots<'c> {
    /// The [`SqlId::generation`] the slots are of (none before the first).
    generation: Option<u64>,
    slots: Vec<Option<Kept<'c>>>,
    /// How many slots hold a statement.
    len: usize,
    clock: u64,
}

impl<'c> Slots<'c> {
    /// How many statements are kept.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The statement of slot `id`, prepared from `sql` (through the
    /// connection's statement cache) if none is kept for it yet.
    #[inline]
    fn statement(
        &mut self,
        conn: &'c Connection,
        id: SqlId,
        sql: &str,
    ) -> rusqlite::Result<&mut Statement<'c>> {
        self.kept(conn, id, sql).map(|kept| &mut *kept.statement)
    }

    /// What is kept for slot `id`, as [`statement`](Slots::statement).
    #[inline]
    fn kept(
        &mut self,
        conn: &'c Connection,
        id: SqlId,
        sql: &str,
    ) -> rusqlite::Result<&mut Kept<'c>> {
        if self.generation != Some(id.generation()) {
            // The old generation's slots name other texts: back they go.
            self.slots.clear();
            self.len = 0;
            self.generation = Some(id.generation());
        }
        self.clock += 1;
        let slot = id.slot();
        if !matches!(self.slots.get(slot), Some(Some(_))) {
            self.keep(conn, slot, sql)?;
        }
        match self.slots.get_mut(slot) {
            Some(Some(kept)) => {
                kept.used = self.clock;
                Ok(kept)
            }
            // `keep` filled it.
            _ => Err(rusqlite::Error::InvalidQuery),
        }
    }

    /// Prepares `sql` for `slot`, first making room when [`HELD`]
    /// statements are kept.
    #[cold]
    fn keep(&mut self, conn: &'c Connection, slot: usize, sql: &str) -> rusqlite::Result<()> {
        let statement = conn.prepare_cached(sql)?;
        if self.len >= HELD {
            let oldest = self
                .slots
                .iter()
                .enumerate()
                .filter_map(|(i, s)| s.as_ref().map(|k| (k.used, i)))
                .min()
                .map(|(_, i)| i);
            if let Some(old) = oldest.and_then(|i| self.slots.get_mut(i)) {
                // Dropped: back into rusqlite's cache.
                *old = None;
                self.len -= 1;
            }
        }
        if self.slots.len() <= slot {
            self.slots.resize_with(slot + 1, || None);
        }
        self.slots[slot] = Some(Kept {
            statement,
            used: self.clock,
            #[cfg(feature = "async")]
            columns: None,
        });
        self.len += 1;
        Ok(())
    }
}

impl Held {
    /// How many statements are kept by slot.
    pub(crate) fn held(&self) -> usize {
        self.slots().len()
    }

    /// Calls `f` with the connection and the statement kept for slot `id`
    /// (whose text is `sql`), preparing it first if none is kept.
    #[inline]
    pub(crate) fn with_statement<T>(
        &mut self,
        id: SqlId,
        sql: &str,
        f: impl FnOnce(&Connection, &mut Statement<'_>) -> Result<T>,
    ) -> Result<T> {
        self.with_slots(|conn, slots| {
            let statement = slots.statement(conn, id, sql).map_err(|e| error(sql, e))?;
            f(conn, statement)
        })
    }
}

#[cfg(feature = "async")]
impl Held {
    /// As [`with_statement`](Held::with_statement), with the column names
    /// kept with the statement (none before the first call).
    #[inline]
    pub(crate) fn with_statement_columns<T>(
        &mut self,
        id: SqlId,
        sql: &str,
        f: impl FnOnce(&mut Statement<'_>, &mut Option<Columns>) -> Result<T>,
    ) -> Result<T> {
        self.with_slots(|conn, slots| {
            let kept = slots.kept(conn, id, sql).map_err(|e| error(sql, e))?;
            f(&mut kept.statement, &mut kept.columns)
        })
    }
}
