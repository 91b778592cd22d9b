//! Statements run unnamed on the async connection, as on the sync one
//! (see `conn/unnamed.rs`): `Parse`/`Bind`/`Execute` of the unnamed
//! statement in one round trip, on whichever server connection a proxy
//! pooling by transaction (pgbouncer) picked, with no prepared-statement
//! cache.

use sqlalgebra::Result;
use sqlalgebra::value::ValueRef;
use tokio_postgres::types::{ToSql, Type};

use super::driver::{Driver, each_row};
use crate::conn::unnamed::{Unnamed, parameters};
use crate::conn::{PgRow, error, note_transaction};

/// The driver's view of `params`: each value with the type it is sent as.
fn refs<'p>(params: &'p [(Unnamed<'_>, Type)]) -> Vec<(&'p (dyn ToSql + Sync), Type)> {
    params
        .iter()
        .map(|(p, t)| (p as &(dyn ToSql + Sync), t.clone()))
        .collect()
}

impl Driver {
    /// Runs `sql` as an unnamed statement; the rows it changed.
    pub(super) async fn execute_unnamed(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
    ) -> Result<u64> {
        note_transaction(&mut self.in_transaction, sql);
        let params = parameters(binds);
        self.client
            .execute_typed(sql, &refs(&params))
            .await
            .map_err(|e| error(sql, e))
    }

    /// Runs `sql` as an unnamed statement and calls `each` with its rows
    /// as they arrive (see [`each_row`]).
    pub(super) async fn query_unnamed<F>(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
        each: F,
    ) -> Result<()>
    where
        F: FnMut(&mut PgRow<'_>) -> Result<bool> + Send,
    {
        note_transaction(&mut self.in_transaction, sql);
        let params = parameters(binds);
        #[cfg(feature = "row-stream")]
        let rows = self.client.query_typed_raw(sql, refs(&params)).await;
        #[cfg(not(feature = "row-stream"))]
        let rows = self
            .client
            .query_typed(sql, &refs(&params))
            .await
            .map(Vec::into_iter);
        let rows = rows.map_err(|e| error(sql, e))?;
        each_row(rows, &mut self.kinds, false, sql, each).await
    }

    /// The rows of `sql`, a statement without parameters of the
    /// connection's own (`FETCH`, `SELECT lastval()`): unnamed when the
    /// connection runs statements so.
    pub(super) async fn rows_of(
        &self,
        sql: &str,
    ) -> Result<Vec<tokio_postgres::Row>, tokio_postgres::Error> {
        if self.unnamed {
            self.client.query_typed(sql, &[]).await
        } else {
            self.client.query(sql, &[]).await
        }
    }
}
