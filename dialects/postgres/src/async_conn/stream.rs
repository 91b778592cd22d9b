//! Streamed queries on the async connection: a cursor fetched
//! [`STREAM_FETCH`] rows per round trip.

use sqlalgebra::Result;
use sqlalgebra::asyncio::RawRows;
use sqlalgebra::value::ValueRef;

use super::{AsyncPgConnection, STREAM_FETCH, finish};
use crate::conn::{PgRow, error, fill_temporal};
use crate::types::Kind;

impl AsyncPgConnection {
    /// Declares a cursor for the query (in a transaction of its own
    /// outside one) and fetches [`STREAM_FETCH`] rows per round trip: a
    /// portal with a fetch size. Queries only (`SELECT`, `VALUES`).
    pub(super) async fn open_stream(
        &mut self,
        text: &str,
        binds: &[ValueRef<'_>],
    ) -> Result<AsyncPgRows<'_>> {
        let depth = self.state.depth();
        let own_transaction = depth == 0 && !self.driver.in_transaction;
        self.driver.cursors += 1;
        let cursor = format!("sqlalgebra_stream_{}", self.driver.cursors);
        let declare = format!("DECLARE {cursor} NO SCROLL CURSOR FOR {text}");
        let busy = self.state.busy();
        let mut opened = Ok(());
        if own_transaction {
            opened = self.driver.simple("BEGIN").await;
        }
        if opened.is_ok() {
            opened = self
                .driver
                .execute(&declare, None, binds, depth.max(1))
                .await
                .map(drop);
            // The DECLARE text is new each time: its statement is not kept.
            let key = std::mem::take(&mut self.driver.key);
            self.driver.statements.remove(&key);
            self.driver.key = key;
        }
        finish(busy, &opened);
        if let Err(e) = opened {
            if own_transaction {
                let _ = self.driver.simple("ROLLBACK").await;
            }
            return Err(e);
        }
        Ok(AsyncPgRows {
            fetch: format!("FETCH {STREAM_FETCH} FROM {cursor}"),
            close: format!("CLOSE {cursor}"),
            conn: self,
            rows: Vec::new(),
            at: 0,
            done: false,
            temporal: Vec::new(),
            own_transaction,
            open: true,
        })
    }
}

/// The rows of a streamed query: a cursor fetched [`STREAM_FETCH`] rows at
/// a time. Dropped before the end, the cursor (and the transaction the
/// stream opened, if any) is closed before the connection's next
/// statement.
pub struct AsyncPgRows<'c> {
    conn: &'c mut AsyncPgConnection,
    fetch: String,
    close: String,
    rows: Vec<tokio_postgres::Row>,
    at: usize,
    done: bool,
    temporal: Vec<Option<String>>,
    own_transaction: bool,
    /// Whether the cursor is still open on the server.
    open: bool,
}

impl std::fmt::Debug for AsyncPgRows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncPgRows")
            .field("cursor", &self.fetch)
            .finish()
    }
}

impl AsyncPgRows<'_> {
    async fn next_with<T>(
        &mut self,
        f: impl FnOnce(&mut PgRow<'_>) -> Result<T>,
    ) -> Option<Result<T>> {
        if self.at >= self.rows.len() {
            if self.done {
                return None;
            }
            if let Err(e) = self.refill().await {
                self.done = true;
                return Some(Err(e));
            }
            if self.rows.is_empty() {
                return None;
            }
        }
        let row = &self.rows[self.at];
        self.at += 1;
        let kinds = &self.conn.driver.kinds;
        if kinds.contains(&Kind::Temporal)
            && let Err(e) = fill_temporal(row, kinds, &mut self.temporal)
        {
            return Some(Err(e));
        }
        Some(f(&mut PgRow::new(row, kinds, &self.temporal, None)))
    }

    /// The next batch of rows; closes the cursor after the last.
    async fn refill(&mut self) -> Result<()> {
        let busy = self.conn.state.busy();
        let fetched = self.conn.driver.rows_of(&self.fetch).await;
        let rows = match fetched {
            Ok(rows) => rows,
            Err(e) => {
                let e = Err(error(&self.fetch, e));
                finish(busy, &e);
                return e;
            }
        };
        busy.done();
        if let Some(first) = rows.first() {
            let kinds = &mut self.conn.driver.kinds;
            kinds.clear();
            kinds.extend(first.columns().iter().map(|c| Kind::of(c.type_())));
        }
        self.at = 0;
        self.done = rows.len() < STREAM_FETCH;
        self.rows = rows;
        if self.done && self.open {
            self.open = false;
            let busy = self.conn.state.busy();
            let mut closed = self.conn.driver.simple(&self.close).await;
            if self.own_transaction && closed.is_ok() {
                closed = self.conn.driver.simple("COMMIT").await;
            }
            finish(busy, &closed);
            closed?;
        }
        Ok(())
    }
}

impl Drop for AsyncPgRows<'_> {
    fn drop(&mut self) {
        if self.open && self.own_transaction {
            // The transaction the stream opened is rolled back (with its
            // cursor) before the next statement.
            self.conn.state.abandon(0);
        }
    }
}

impl RawRows for AsyncPgRows<'_> {
    type Row<'r> = PgRow<'r>;

    fn next_row<T, F>(&mut self, f: F) -> impl Future<Output = Option<Result<T>>> + Send
    where
        T: Send,
        F: FnOnce(&mut PgRow<'_>) -> Result<T> + Send,
    {
        self.next_with(f)
    }
}
