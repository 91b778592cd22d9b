//! [`Bridge`]: an async connection seen by the session's logic. The logic
//! runs its statements through the `orm_*` futures of
//! [`Connection`]; the bridge overrides them to run on an
//! [`AsyncConnection`], so that `AsyncSession` drives the very code the
//! sync [`Session`](super::Session) does (see [`drive`](super::drive)).
//! Its sync methods are never called: the type is private to the crate,
//! and only `AsyncSession`'s awaited calls reach it.

use std::future::Future;
use std::ops::DerefMut;

use crate::asyncio::observed;
use crate::asyncio::state::AbandonGuard;
use crate::asyncio::transaction::{after_failed_commit, begin, commit, rollback, settle};
use crate::asyncio::{AsyncConnection, Sql};
use crate::conn::{Connection, TxOp};
use crate::error::{Error, ErrorKind, Result};
use crate::render::{Dialect, SqlCache, SqlId};
use crate::value::ValueRef;

/// An async connection, owned (`AsyncPooled`) or borrowed (`&mut C`),
/// under the session's logic; it keeps one guard per transaction level it
/// opened, so that a session dropped with a transaction open has it rolled
/// back before the connection's next statement (and the pool discards
/// the connection rather than hand it out dirty). Public only in name
/// (its module is private): an async session's
/// [`SessionView`](super::SessionView) is over it, and it is the
/// connection type of `AsyncSession`'s [`QuerySession`](super::QuerySession)
/// impl; nothing outside the crate can make one.
#[doc(hidden)]
pub struct Bridge<H> {
    // Declared (so dropped) before the connection: a session dropped in
    // a transaction records it before the connection goes back to the
    // pool, which rolls it back.
    levels: Vec<AbandonGuard>,
    pub(crate) conn: H,
    depth: u32,
}

impl<H> Bridge<H>
where
    H: DerefMut + Send + 'static,
    H::Target: AsyncConnection + Sized,
{
    pub(crate) fn new(conn: H) -> Self {
        Bridge {
            conn,
            levels: Vec::new(),
            depth: 0,
        }
    }

    async fn transaction_step(&mut self, op: TxOp) -> Result<()> {
        let conn = &mut *self.conn;
        match op {
            TxOp::Begin => {
                settle(conn).await?;
                let level = conn.state().depth;
                // Armed before BEGIN is sent: a future dropped while it is
                // on the way may leave a transaction open on the server.
                self.levels.push(AbandonGuard::new(conn.state(), level));
                begin(conn, level).await?;
                conn.state().depth = level + 1;
                Ok(())
            }
            TxOp::Commit | TxOp::Rollback => {
                let Some(level) = conn.state().depth.checked_sub(1) else {
                    return Err(ErrorKind::Transaction(
                        "no transaction is open on the connection".into(),
                    )
                    .into());
                };
                let result = if op == TxOp::Commit {
                    match commit(conn, level).await {
                        Ok(()) => Ok(()),
                        Err(e) => Err(after_failed_commit(conn, level, e).await),
                    }
                } else {
                    rollback(conn, level).await
                };
                conn.state().depth = level;
                if let Some(mut guard) = self.levels.pop() {
                    guard.disarm();
                }
                result
            }
        }
    }
}

fn sync_use() -> Error {
    ErrorKind::InvalidStatement("an async session's connection was used synchronously".into())
        .into()
}

impl<H> Connection for Bridge<H>
where
    H: DerefMut + Send + 'static,
    H::Target: AsyncConnection + Sized,
{
    // Capabilities are checked when the statements render (the async
    // path has no static backend checks).
    type Backend = crate::query::Dynamic;
    type Row<'r>
        = <H::Target as AsyncConnection>::Row<'r>
    where
        Self: 'r;

    fn dialect(&self) -> &'static dyn Dialect {
        self.conn.dialect()
    }

    fn execute_sql(&mut self, _: &str, _: &[ValueRef<'_>]) -> Result<u64> {
        Err(sync_use())
    }

    fn query_sql<F>(&mut self, _: &str, _: &[ValueRef<'_>], _: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
    {
        Err(sync_use())
    }

    fn batch_execute(&mut self, _: &str) -> Result<()> {
        Err(sync_use())
    }

    fn transaction_depth(&mut self) -> &mut u32 {
        &mut self.depth
    }

    fn last_insert_id(&mut self) -> Result<Option<i64>> {
        Err(sync_use())
    }

    fn sql_cache(&mut self) -> Option<&mut SqlCache> {
        self.conn.sql_cache()
    }

    fn orm_execute(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
    ) -> impl Future<Output = Result<u64>> + Send {
        observed::execute(&mut *self.conn, Sql::Text(sql), binds)
    }

    fn orm_query<F>(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
        each: F,
    ) -> impl Future<Output = Result<()>> + Send
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool> + Send,
    {
        observed::query(&mut *self.conn, Sql::Text(sql), binds, each)
    }

    fn orm_query_cached<F>(
        &mut self,
        id: SqlId,
        binds: &[ValueRef<'_>],
        each: F,
    ) -> impl Future<Output = Result<()>> + Send
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool> + Send,
    {
        observed::query(&mut *self.conn, Sql::Cached(id), binds, each)
    }

    async fn orm_execute_cached_many<F>(
        &mut self,
        id: SqlId,
        binds: &[ValueRef<'_>],
        per_run: usize,
        mut each: F,
    ) -> Result<()>
    where
        F: FnMut(usize, u64) -> Result<()> + Send,
    {
        for (i, run) in binds.chunks(per_run.max(1)).enumerate() {
            let n = observed::execute(&mut *self.conn, Sql::Cached(id), run).await?;
            each(i, n)?;
        }
        Ok(())
    }

    async fn orm_insert_cached_many<F>(
        &mut self,
        id: SqlId,
        binds: &[ValueRef<'_>],
        per_run: usize,
        mut each: F,
    ) -> Result<()>
    where
        F: FnMut(usize, Option<i64>) -> Result<()> + Send,
    {
        for (i, run) in binds.chunks(per_run.max(1)).enumerate() {
            observed::execute(&mut *self.conn, Sql::Cached(id), run).await?;
            let assigned = self.conn.last_insert_id().await?;
            each(i, assigned)?;
        }
        Ok(())
    }

    fn orm_last_insert_id(&mut self) -> impl Future<Output = Result<Option<i64>>> + Send {
        self.conn.last_insert_id()
    }

    fn orm_transaction(&mut self, op: TxOp) -> impl Future<Output = Result<()>> + Send {
        self.transaction_step(op)
    }
}
