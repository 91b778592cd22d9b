//! Statements of an async connection under its engine's statement hooks
//! ([`PoolOptions::on_statement`](crate::PoolOptions::on_statement) and
//! [`before_statement`](crate::PoolOptions::before_statement)) and, with
//! the `tracing` feature, in a span per statement: what the async `load`,
//! `execute`, the transactions and the async session's statements run
//! through. A connection outside an engine (or of an engine without
//! hooks) runs them directly.

use std::future::Future;
use std::sync::Arc;

use super::{AsyncConnection, Sql};
use crate::error::Result;
use crate::hooks::StatementKind;
use crate::observe::{Detached, StatementHooks};
use crate::value::ValueRef;

/// The hooks of `conn`'s engine, when any would see a statement.
fn hooks_of<C: AsyncConnection + ?Sized>(conn: &mut C) -> Option<Arc<StatementHooks>> {
    conn.state().hooks.clone().filter(|h| h.active())
}

/// The text of `sql`, for the hooks.
fn text_of<C: AsyncConnection + ?Sized>(conn: &mut C, sql: Sql<'_>) -> String {
    match sql {
        Sql::Text(t) => t.to_owned(),
        Sql::Cached(id) => conn
            .sql_cache()
            .and_then(|c| c.sql(id).map(str::to_owned))
            .unwrap_or_default(),
    }
}

/// Runs `run` under `seen`'s span.
async fn in_span<T>(seen: &Detached, run: impl Future<Output = T> + Send) -> T {
    #[cfg(feature = "tracing")]
    {
        tracing::Instrument::instrument(run, seen.span()).await
    }
    #[cfg(not(feature = "tracing"))]
    {
        let _ = seen;
        run.await
    }
}

// The three below look the hooks up when the future is made, and return
// an `async` block that captures its arguments in place (an `async fn`
// would move them into locals of its own). The observed paths are boxed:
// their futures (the statement's, in a span, with the hooks' state) would
// otherwise be part of every statement's future, hooks or not.

/// [`AsyncConnection::execute_sql`], observed.
pub(crate) fn execute<C: AsyncConnection>(
    conn: &mut C,
    sql: Sql<'_>,
    binds: &[ValueRef<'_>],
) -> impl Future<Output = Result<u64>> + Send {
    let hooks = hooks_of(conn);
    async move {
        match hooks {
            None => conn.execute_sql(sql, binds).await,
            Some(hooks) => Box::pin(execute_observed(conn, hooks, sql, binds)).await,
        }
    }
}

async fn execute_observed<C: AsyncConnection>(
    conn: &mut C,
    hooks: Arc<StatementHooks>,
    sql: Sql<'_>,
    binds: &[ValueRef<'_>],
) -> Result<u64> {
    let text = text_of(conn, sql);
    let seen = Detached::start(hooks, StatementKind::Execute, &text, binds);
    let r = in_span(&seen, conn.execute_sql(sql, binds)).await;
    seen.finish(&text, binds, *r.as_ref().unwrap_or(&0), r.as_ref().err());
    r
}

/// [`AsyncConnection::query_sql`], observed (the rows are those `each`
/// was called with).
pub(crate) fn query<C, F>(
    conn: &mut C,
    sql: Sql<'_>,
    binds: &[ValueRef<'_>],
    each: F,
) -> impl Future<Output = Result<()>> + Send
where
    C: AsyncConnection,
    F: FnMut(&mut C::Row<'_>) -> Result<bool> + Send,
{
    let hooks = hooks_of(conn);
    async move {
        match hooks {
            None => conn.query_sql(sql, binds, each).await,
            Some(hooks) => Box::pin(query_observed(conn, hooks, sql, binds, each)).await,
        }
    }
}

async fn query_observed<C, F>(
    conn: &mut C,
    hooks: Arc<StatementHooks>,
    sql: Sql<'_>,
    binds: &[ValueRef<'_>],
    mut each: F,
) -> Result<()>
where
    C: AsyncConnection,
    F: FnMut(&mut C::Row<'_>) -> Result<bool> + Send,
{
    let text = text_of(conn, sql);
    let seen = Detached::start(hooks, StatementKind::Query, &text, binds);
    let mut rows = 0u64;
    let run = conn.query_sql(sql, binds, |row| {
        rows += 1;
        each(row)
    });
    let r = in_span(&seen, run).await;
    seen.finish(&text, binds, rows, r.as_ref().err());
    r
}

/// [`AsyncConnection::batch_execute`] (transaction control), observed.
pub(crate) fn batch<C: AsyncConnection>(
    conn: &mut C,
    sql: &str,
) -> impl Future<Output = Result<()>> + Send {
    let hooks = hooks_of(conn);
    async move {
        match hooks {
            None => conn.batch_execute(sql).await,
            Some(hooks) => Box::pin(batch_observed(conn, hooks, sql)).await,
        }
    }
}

async fn batch_observed<C: AsyncConnection>(
    conn: &mut C,
    hooks: Arc<StatementHooks>,
    sql: &str,
) -> Result<()> {
    let seen = Detached::start(hooks, StatementKind::Batch, sql, &[]);
    let r = in_span(&seen, conn.batch_execute(sql)).await;
    seen.finish(sql, &[], 0, r.as_ref().err());
    r
}
