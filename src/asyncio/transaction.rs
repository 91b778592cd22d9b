//! Async transactions and savepoints, safe to drop at any `.await`.

use super::observed;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::state::AbandonGuard;
use super::{AsyncConnection, BoxFuture};
use crate::error::{CommitInDoubt, Error, ErrorKind, Result};

/// An open transaction (or savepoint) on an [`AsyncConnection`], from
/// [`AsyncConnection::begin`]. Statements run on it through `&mut *tx`.
/// Unless [`commit`](Self::commit)ted it rolls back: explicitly with
/// [`rollback`](Self::rollback), or when dropped (a panic, a cancelled
/// future), before the connection's next statement.
///
/// Isolation levels: the sync engine will grow them; the hook is
/// [`Dialect::begin_transaction`](crate::render::Dialect::begin_transaction),
/// the text [`begin`](AsyncConnection::begin) sends at depth 0, which both
/// APIs share.
///
/// ```
/// use sqlalgebra::asyncio::prelude::*;
/// async fn demo<C: AsyncConnection>(conn: &mut C) -> sqlalgebra::Result<()> {
///     let mut tx = conn.begin().await?;
///     let mut inner = tx.begin().await?;   // SAVEPOINT
///     text("DELETE FROM t").execute(&mut *inner).await?;
///     inner.rollback().await?;             // only the inner work is undone
///     tx.commit().await
/// }
/// ```
pub struct AsyncTransaction<'c, C: AsyncConnection> {
    conn: &'c mut C,
    level: u32,
    guard: AbandonGuard,
}

impl<C: AsyncConnection> std::fmt::Debug for AsyncTransaction<'_, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncTransaction")
            .field("level", &self.level)
            .finish()
    }
}

impl<'c, C: AsyncConnection> AsyncTransaction<'c, C> {
    pub(crate) async fn open(conn: &'c mut C) -> Result<Self> {
        settle(conn).await?;
        let level = conn.state().depth;
        // Armed before BEGIN is sent: a future dropped while it is on the
        // way may leave a transaction open on the server.
        let guard = AbandonGuard::new(conn.state(), level);
        begin(conn, level).await?;
        conn.state().depth = level + 1;
        Ok(AsyncTransaction { conn, level, guard })
    }

    /// Commits (`COMMIT`, or `RELEASE SAVEPOINT` for a nested one). A failed
    /// commit is rolled back.
    ///
    /// ```
    /// # use sqlalgebra::asyncio::prelude::*;
    /// # async fn demo<C: AsyncConnection>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// conn.begin().await?.commit().await
    /// # }
    /// ```
    ///
    /// # Errors
    /// When the database refuses to commit; a connection lost during
    /// `COMMIT` is an [`ErrorKind::Connection`] whose source is a
    /// [`CommitInDoubt`].
    pub async fn commit(mut self) -> Result<()> {
        settle(self.conn).await?;
        let result = match commit(self.conn, self.level).await {
            Ok(()) => Ok(()),
            Err(e) => Err(after_failed_commit(self.conn, self.level, e).await),
        };
        self.conn.state().depth = self.level;
        self.guard.disarm();
        result
    }

    /// Rolls back (`ROLLBACK`, or `ROLLBACK TO SAVEPOINT` + `RELEASE`).
    ///
    /// ```
    /// # use sqlalgebra::asyncio::prelude::*;
    /// # async fn demo<C: AsyncConnection>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// conn.begin().await?.rollback().await
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Transaction`] when the rollback fails, except on a lost
    /// connection: that stays an [`ErrorKind::Connection`].
    pub async fn rollback(mut self) -> Result<()> {
        settle(self.conn).await?;
        let result = rollback(self.conn, self.level).await;
        self.conn.state().depth = self.level;
        self.guard.disarm();
        result
    }
}

impl<C: AsyncConnection> Deref for AsyncTransaction<'_, C> {
    type Target = C;
    fn deref(&self) -> &C {
        self.conn
    }
}

impl<C: AsyncConnection> DerefMut for AsyncTransaction<'_, C> {
    fn deref_mut(&mut self) -> &mut C {
        self.conn
    }
}

/// [`AsyncConnection::transaction`].
pub(crate) async fn run<C, T, E, F>(conn: &mut C, f: F) -> Result<T, E>
where
    C: AsyncConnection,
    T: Send,
    E: From<Error> + Send,
    F: for<'c> FnOnce(&'c mut C) -> BoxFuture<'c, Result<T, E>> + Send,
{
    settle(conn).await?;
    let level = conn.state().depth;
    let mut guard = AbandonGuard::new(conn.state(), level);
    begin(conn, level).await?;
    conn.state().depth = level + 1;
    let outcome = CatchUnwind(f(conn)).await;
    let result = match outcome {
        Ok(Ok(value)) => {
            settle(conn).await?;
            match commit(conn, level).await {
                Ok(()) => Ok(value),
                Err(e) => Err(after_failed_commit(conn, level, e).await.into()),
            }
        }
        Ok(Err(e)) => {
            // A savepoint the closure dropped is rolled back first.
            let settled = settle(conn).await;
            match settled.and(rollback(conn, level).await) {
                Err(failed) if !matches!(failed.kind(), ErrorKind::Connection(_)) => {
                    Err(failed.into())
                }
                // On a lost connection the rollback fails too, and the
                // server rolls back by itself: `e` says what happened.
                _ => Err(e),
            }
        }
        Err(panic) => {
            let _ = settle(conn).await;
            let _ = rollback(conn, level).await;
            conn.state().depth = level;
            guard.disarm();
            resume_unwind(panic)
        }
    };
    conn.state().depth = level;
    guard.disarm();
    result
}

/// Polls a future, catching a panic out of it.
struct CatchUnwind<'a, T>(BoxFuture<'a, T>);

impl<T> Future for CatchUnwind<'_, T> {
    type Output = std::thread::Result<T>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let fut = self.0.as_mut();
        match catch_unwind(AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

/// Whether nothing is left for [`settle`] to roll back: forgets an
/// exchange cut off half-way, as `settle` does, and tells whether a
/// dropped transaction waits for its rollback. The statements of `load`,
/// `execute` and the like check it rather than await `settle` each time.
#[inline]
pub(crate) fn is_settled<C: AsyncConnection>(conn: &mut C) -> bool {
    let state = conn.state();
    state.clear_busy();
    !state.has_abandoned()
}

/// Rolls back what a dropped transaction left open, before anything else
/// runs on `conn`. Every statement of the async API calls it first: one
/// atomic load when nothing was dropped. A rollback that fails marks the
/// connection broken.
///
/// The rollback is boxed: its future (a statement of its own) would
/// otherwise be part of every statement's future, which is moved when it
/// is created and awaited.
///
/// # Errors
/// When the rollback fails.
pub(crate) async fn settle<C: AsyncConnection>(conn: &mut C) -> Result<()> {
    let state = conn.state();
    state.clear_busy();
    match state.take_abandoned() {
        None => Ok(()),
        Some(level) => Box::pin(roll_back_abandoned(conn, level)).await,
    }
}

/// [`settle`] when a dropped transaction left `level` open.
async fn roll_back_abandoned<C: AsyncConnection>(conn: &mut C, level: u32) -> Result<()> {
    let depth = conn.state().depth;
    let result = if level < depth || level == 0 {
        rollback(conn, level).await
    } else {
        // The level's BEGIN / SAVEPOINT was dropped before it counted: at
        // depth 0 a transaction may be open on the server all the same.
        Ok(())
    };
    conn.state().depth = level.min(depth);
    if let Err(e) = &result {
        conn.state().mark_broken();
        log::warn!("rolling back a dropped transaction failed: {e}");
    }
    result
}

fn savepoint_name(out: &mut String, depth: u32) {
    out.push_str("sqlalgebra_sp_");
    crate::render::push_int(out, i64::from(depth));
}

pub(crate) async fn begin<C: AsyncConnection>(c: &mut C, depth: u32) -> Result<()> {
    if depth == 0 {
        let sql = c.dialect().begin_transaction();
        observed::batch(c, sql).await
    } else {
        let mut sql = String::from("SAVEPOINT ");
        savepoint_name(&mut sql, depth);
        observed::batch(c, &sql).await
    }
}

pub(crate) async fn commit<C: AsyncConnection>(c: &mut C, depth: u32) -> Result<()> {
    if depth == 0 {
        observed::batch(c, "COMMIT").await
    } else {
        let mut sql = String::from("RELEASE SAVEPOINT ");
        savepoint_name(&mut sql, depth);
        observed::batch(c, &sql).await
    }
}

pub(crate) async fn rollback<C: AsyncConnection>(c: &mut C, depth: u32) -> Result<()> {
    let result = if depth == 0 {
        observed::batch(c, "ROLLBACK").await
    } else {
        let mut to = String::from("ROLLBACK TO SAVEPOINT ");
        savepoint_name(&mut to, depth);
        let mut release = String::from("RELEASE SAVEPOINT ");
        savepoint_name(&mut release, depth);
        match observed::batch(c, &to).await {
            Ok(()) => observed::batch(c, &release).await,
            Err(e) => Err(e),
        }
    };
    result.map_err(|e| match e.kind() {
        ErrorKind::Connection(_) => e,
        _ => ErrorKind::Transaction(format!("rollback failed: {e}")).into(),
    })
}

/// As the sync `after_failed_commit`: roll back what the failed commit left
/// open; a connection lost during the outermost `COMMIT` is in doubt.
pub(crate) async fn after_failed_commit<C: AsyncConnection>(
    c: &mut C,
    depth: u32,
    e: Error,
) -> Error {
    let rolled_back = rollback(c, depth).await;
    if depth == 0 && matches!(e.kind(), ErrorKind::Connection(_)) {
        CommitInDoubt::wrap(e, rolled_back.err())
    } else {
        e
    }
}
