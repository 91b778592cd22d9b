//! Without the `statement-slots` feature: no statement is kept by slot,
//! each is looked up in rusqlite's statement cache by its text.

use rusqlite::{Connection, Statement};
use sqlalgebra::Result;
use sqlalgebra::render::SqlId;

use crate::conn::error;

/// A connection, with the same methods as the `Held` of `src/held.rs`.
pub(crate) struct Held(Connection);

impl Held {
    pub(crate) fn new(conn: Connection) -> Held {
        Held(conn)
    }

    #[inline]
    pub(crate) fn conn(&self) -> &Connection {
        &self.0
    }

    pub(crate) fn into_conn(self) -> Connection {
        self.0
    }

    /// No statement is kept.
    pub(crate) fn held(&self) -> usize {
        0
    }

    /// Calls `f` with the connection and `sql`'s statement from rusqlite's
    /// statement cache.
    #[inline]
    pub(crate) fn with_statement<T>(
        &mut self,
        _id: SqlId,
        sql: &str,
        f: impl FnOnce(&Connection, &mut Statement<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut statement = self.0.prepare_cached(sql).map_err(|e| error(sql, e))?;
        f(&self.0, &mut statement)
    }

    /// Calls `f` with the connection and `sql`'s statement from rusqlite's
    /// statement cache; no column names are kept.
    #[cfg(feature = "async")]
    #[inline]
    pub(crate) fn with_kept<T>(
        &mut self,
        sql: &crate::async_thread::Text,
        f: impl FnOnce(
            &Connection,
            &mut Statement<'_>,
            &mut Option<crate::async_thread::Columns>,
        ) -> Result<T>,
    ) -> Result<T> {
        use crate::async_thread::Text;
        match sql {
            Text::Cached(id, text) => {
                self.with_statement(*id, text, |conn, statement| f(conn, statement, &mut None))
            }
            Text::Own(text) => {
                let mut statement = self.0.prepare_cached(text).map_err(|e| error(text, e))?;
                f(&self.0, &mut statement, &mut None)
            }
        }
    }
}
