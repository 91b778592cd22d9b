//! The prepared statements of an async MySQL connection, kept by the
//! connection itself.
//!
//! mysql_async keeps prepared statements too, by text, but a text handed
//! to it is first scanned for named parameters (`:name`) and hashed, at
//! every run: about 2 000 instructions for a one-line query and 20 000
//! for a 100-row INSERT, more than the rest of the statement's client
//! side. A [`Statement`] handed to it runs as it is. So the connection
//! prepares each text once, keeps the statement (by the SQL cache's slot,
//! else by text) and runs that.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Statement};
use sqlalgebra::render::{FastHasher, SqlId};

/// The statements prepared on one connection: at most `capacity`; when
/// full, all are closed on the server and forgotten.
///
/// Statements prepared through it are never closed by the driver on its
/// own: the driver's cache is off for the connections an
/// [`AsyncMysqlManager`](super::AsyncMysqlManager) opens, and for a
/// connection given to [`AsyncMysqlConnection::new`](super::AsyncMysqlConnection::new)
/// `capacity` is the driver's cache size, and closing removes a statement
/// from both, so the driver's cache never fills up.
pub(super) struct Statements {
    by_text: HashMap<Box<str>, Statement, BuildHasherDefault<FastHasher>>,
    /// The statements of the SQL cache's texts, by slot: found without
    /// hashing the text.
    slots: Vec<Option<Statement>>,
    /// The generation of the SQL cache's ids the slots are for.
    generation: u64,
    capacity: usize,
}

impl Statements {
    /// Keeps up to `capacity` statements (at least one, the one running).
    pub(super) fn new(capacity: usize) -> Self {
        Statements {
            by_text: HashMap::default(),
            slots: Vec::new(),
            generation: 0,
            capacity: capacity.max(1),
        }
    }

    /// How many statements are kept.
    pub(super) fn len(&self) -> usize {
        self.by_text.len()
    }

    /// The statement kept for `sql`, which the SQL cache holds at `id`
    /// when it does.
    #[inline]
    pub(super) fn get(&mut self, sql: &str, id: Option<SqlId>) -> Option<Statement> {
        if let Some(id) = id {
            if id.generation() != self.generation {
                self.slots.clear();
                self.generation = id.generation();
            } else if let Some(Some(statement)) = self.slots.get(id.slot()) {
                return Some(statement.clone());
            }
        }
        let statement = self.by_text.get(sql)?.clone();
        if let Some(id) = id {
            self.keep_slot(id, &statement);
        }
        Some(statement)
    }

    fn keep_slot(&mut self, id: SqlId, statement: &Statement) {
        if self.slots.len() <= id.slot() {
            self.slots.resize_with(id.slot() + 1, || None);
        }
        self.slots[id.slot()] = Some(statement.clone());
    }

    /// Prepares `sql` on `conn` and keeps it; when the cache is full, the
    /// statements it holds are closed first.
    ///
    /// # Errors
    /// When the server refuses to prepare `sql`, or the connection fails.
    pub(super) async fn prepare(
        &mut self,
        conn: &mut Conn,
        sql: &str,
        id: Option<SqlId>,
    ) -> Result<Statement, mysql_async::Error> {
        if self.by_text.len() >= self.capacity {
            self.slots.clear();
            for (_, statement) in self.by_text.drain() {
                conn.close(statement).await?;
            }
        }
        let statement = conn.prep(sql).await?;
        if let Some(id) = id {
            self.keep_slot(id, &statement);
        }
        self.by_text.insert(sql.into(), statement.clone());
        Ok(statement)
    }
}
