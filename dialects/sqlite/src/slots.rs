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
//!
//! The async connection's thread also keeps statements by their text
//! (feature `async`): those whose text the SQL cache does not hold, the
//! ORM's SELECTs among them, up to [`HELD_TEXTS`], with the column names
//! of each statement.

use rusqlite::{CachedStatement, Connection, Statement};
use sqlalgebra::Result;
#[cfg(feature = "async")]
use sqlalgebra::render::FastHasher;
use sqlalgebra::render::SqlId;

#[cfg(feature = "async")]
use std::collections::HashMap;
#[cfg(feature = "async")]
use std::collections::hash_map::Entry;
#[cfg(feature = "async")]
use std::hash::BuildHasherDefault;
#[cfg(feature = "async")]
use std::sync::Arc;

#[cfg(feature = "async")]
use crate::async_thread::{Columns, Text};
use crate::conn::error;
use crate::held::Held;

/// How many statements a connection keeps by slot, at most.
pub(crate) const HELD: usize = 128;
/// How many statements a connection keeps by text, at most.
#[cfg(feature = "async")]
const HELD_TEXTS: usize = 64;

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
    /// The statements kept by text.
    #[cfg(feature = "async")]
    texts: HashMap<Arc<str>, Kept<'c>, BuildHasherDefault<FastHasher>>,
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
impl<'c> Slots<'c> {
    /// The statement kept for the text `sql`, prepared (through the
    /// connection's statement cache) if none is kept for it yet; the least
    /// recently used leaves when [`HELD_TEXTS`] are kept.
    #[inline]
    fn kept_by_text(
        &mut self,
        conn: &'c Connection,
        sql: &Arc<str>,
    ) -> rusqlite::Result<&mut Kept<'c>> {
        self.clock += 1;
        let clock = self.clock;
        if self.texts.len() >= HELD_TEXTS && !self.texts.contains_key(&**sql) {
            let oldest = self
                .texts
                .iter()
                .min_by_key(|(_, kept)| kept.used)
                .map(|(text, _)| Arc::clone(text));
            if let Some(text) = oldest {
                // Dropped: back into rusqlite's cache.
                self.texts.remove(&text);
            }
        }
        match self.texts.entry(Arc::clone(sql)) {
            Entry::Occupied(kept) => {
                let kept = kept.into_mut();
                kept.used = clock;
                Ok(kept)
            }
            Entry::Vacant(room) => {
                let statement = conn.prepare_cached(sql)?;
                Ok(room.insert(Kept {
                    statement,
                    used: clock,
                    columns: None,
                }))
            }
        }
    }
}

#[cfg(feature = "async")]
impl Held {
    /// Calls `f` with the connection, the statement kept for `sql` (by
    /// slot, or by text) and its column names as last read (none before
    /// the first call), preparing the statement first if none is kept.
    #[inline]
    pub(crate) fn with_kept<T>(
        &mut self,
        sql: &Text,
        f: impl FnOnce(&Connection, &mut Statement<'_>, &mut Option<Columns>) -> Result<T>,
    ) -> Result<T> {
        self.with_slots(|conn, slots| {
            let kept = match sql {
                Text::Cached(id, text) => slots.kept(conn, *id, text),
                Text::Own(text) => slots.kept_by_text(conn, text),
            }
            .map_err(|e| error(sql.as_str(), e))?;
            f(conn, &mut kept.statement, &mut kept.columns)
        })
    }
}
