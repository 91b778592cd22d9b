//! The connection a routed connection holds to the primary or a replica,
//! and the translation of its own SQL cache's ids into that connection's.
//!
//! A [`RoutedConnection`](super::RoutedConnection) renders into its own
//! SQL cache (it renders before it knows where a statement goes), while
//! the pooled connections it borrows keep theirs, with their own ids and
//! what they prepared by slot of them (SQLite's statements kept by slot,
//! the server backends' prepared statements). To run a cached statement
//! on a pooled connection the routed one finds the same text in that
//! connection's cache, by the words it was cached under, puts it there if
//! it is not, and remembers the id it has there by its own slot: the
//! statement then runs as it does on a plain pooled connection.

use std::sync::Arc;

use crate::conn::Connection;
use crate::engine::{Backend, Pooled};
use crate::render::{Dialect, SqlCache, SqlId};

/// A pooled connection of the primary or a replica, with the ids its SQL
/// cache gives the texts of the routed connection's cache.
pub(super) struct Inner<B: Backend> {
    pub(super) conn: Pooled<B>,
    /// By slot of the routed connection's cache: the id of the same text
    /// in `conn`'s cache.
    ids: Vec<Option<SqlId>>,
    /// The generation of the routed connection's cache that `ids` are of.
    of: Option<u64>,
}

impl<B: Backend> Inner<B> {
    pub(super) fn new(conn: Pooled<B>) -> Self {
        Inner {
            conn,
            ids: Vec::new(),
            of: None,
        }
    }

    /// The id under which `conn`'s SQL cache holds the text that `outer`
    /// (rendered in `dialect`) holds under `id`, put there if needed;
    /// `None` when it cannot (`conn` keeps no cache or renders in another
    /// dialect, or `outer` does not know `id`): the text then runs as it
    /// is.
    #[inline]
    pub(super) fn translate(
        &mut self,
        outer: &SqlCache,
        id: SqlId,
        dialect: &dyn Dialect,
    ) -> Option<SqlId> {
        if self.of != Some(id.generation()) {
            // The routed connection's cache started over: its slots name
            // other texts now.
            self.ids.clear();
            self.of = Some(id.generation());
        }
        if let Some(Some(known)) = self.ids.get(id.slot()) {
            let known = *known;
            // Its cache may have started over since (filled by others).
            if self
                .conn
                .sql_cache()
                .is_some_and(|c| c.sql(known).is_some())
            {
                return Some(known);
            }
        }
        self.learn(outer, id, dialect)
    }

    /// [`translate`](Inner::translate) for a slot not translated yet.
    #[cold]
    #[inline(never)]
    fn learn(&mut self, outer: &SqlCache, id: SqlId, dialect: &dyn Dialect) -> Option<SqlId> {
        // The words describe a text in one dialect: a connection rendering
        // in another (a MariaDB primary beside a MySQL replica) may hold
        // other text under the same words.
        if self.conn.dialect().name() != dialect.name() {
            return None;
        }
        let (words, sql, params) = outer.entry(id)?;
        let cache = self.conn.sql_cache()?;
        let inner = match cache.get(words) {
            Some((known, _)) => known,
            None => cache.insert(words, Arc::clone(sql), params),
        };
        if self.ids.len() <= id.slot() {
            self.ids.resize(id.slot() + 1, None);
        }
        self.ids[id.slot()] = Some(inner);
        Some(inner)
    }
}
