//! [`AsyncEngine`]: a pool of async connections, over bb8.
//!
//! Why bb8 rather than deadpool: bb8 has the options of SQLAlchemy's pool
//! that the sync [`Engine`](crate::Engine) (r2d2) has, under the same names
//! (max size, min idle, connection timeout, max lifetime, idle timeout,
//! test on check-out), so one [`PoolOptions`] maps onto both; it checks a
//! returned connection synchronously (`has_broken`), which is where a
//! connection left dirty by a dropped future is discarded; and its
//! `ManageConnection` is the r2d2 trait made async, so each backend's
//! manager mirrors its sync one. deadpool's managed pool has no minimum
//! idle count and no max lifetime of its own (recycling is left to a
//! hook), and its `recycle` hook is where SQLAlchemy's pre-ping would go,
//! run on every check-out.

use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use super::AsyncConnection;
use super::transaction::settle;
use crate::engine::PoolOptions;
use crate::error::{Error, ErrorKind, Result};
use crate::observe::StatementHooks;

/// How an async backend opens connections: implemented by each dialect
/// crate (`sqlalgebra_postgres::AsyncPgManager`, ...).
///
/// ```
/// use sqlalgebra::asyncio::AsyncBackend;
/// fn pool_of<B: AsyncBackend>(_: &B) {}
/// ```
pub trait AsyncBackend: Send + Sync + 'static {
    /// A connection of this backend.
    type Connection: AsyncConnection + 'static;

    /// Opens a connection.
    ///
    /// # Errors
    /// When the database cannot be reached.
    fn connect(&self) -> impl Future<Output = Result<Self::Connection>> + Send;
}

/// The bb8 manager over an [`AsyncBackend`].
pub(crate) struct PoolManager<B> {
    backend: B,
}

impl<B: AsyncBackend> bb8::ManageConnection for PoolManager<B> {
    type Connection = B::Connection;
    type Error = Error;

    fn connect(&self) -> impl Future<Output = Result<B::Connection>> + Send {
        self.backend.connect()
    }

    /// SQLAlchemy's pre-ping: a round trip, after rolling back what a
    /// dropped future may have left open.
    async fn is_valid(&self, conn: &mut B::Connection) -> Result<()> {
        settle(conn).await?;
        conn.batch_execute("SELECT 1").await
    }

    /// A connection left in a transaction, cut off mid-exchange or broken
    /// is discarded when it comes back, never handed out again.
    fn has_broken(&self, conn: &mut B::Connection) -> bool {
        !conn.state().is_clean()
    }
}

/// A pool of async connections to one database, with SQLAlchemy's options
/// ([`PoolOptions`]: size, overflow, timeout, recycle, pre-ping, echo,
/// and the statement hooks [`on_statement`](PoolOptions::on_statement) /
/// [`before_statement`](PoolOptions::before_statement), called around
/// every statement of its connections, Core and ORM, with the `tracing`
/// span per statement): the `create_async_engine` of the tour.
///
/// ```
/// use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
/// use sqlalgebra::PoolOptions;
/// async fn demo<B: AsyncBackend>(backend: B) -> sqlalgebra::Result<()> {
///     let engine = AsyncEngine::build(backend, &PoolOptions::default().size(2)).await?;
///     let conn = engine.connect().await?;
///     # drop(conn);
///     Ok(())
/// }
/// ```
pub struct AsyncEngine<B: AsyncBackend> {
    pool: bb8::Pool<PoolManager<B>>,
    echo: bool,
    hooks: Option<Arc<StatementHooks>>,
}

impl<B: AsyncBackend> Clone for AsyncEngine<B> {
    fn clone(&self) -> Self {
        AsyncEngine {
            pool: self.pool.clone(),
            echo: self.echo,
            hooks: self.hooks.clone(),
        }
    }
}

impl<B: AsyncBackend> std::fmt::Debug for AsyncEngine<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.pool.state();
        f.debug_struct("AsyncEngine")
            .field("connections", &state.connections)
            .field("idle", &state.idle_connections)
            .field("echo", &self.echo)
            .finish()
    }
}

impl<B: AsyncBackend> AsyncEngine<B> {
    /// A pool over `backend` with `options`: at most `size + overflow`
    /// connections, `size` of them kept open; opens the first ones now, so
    /// a bad address fails here.
    ///
    /// # Errors
    /// When no connection can be opened.
    pub async fn build(backend: B, options: &PoolOptions) -> Result<Self> {
        let pool = bb8::Pool::builder()
            .max_size(options.max_size())
            .min_idle(Some(options.size.min(options.max_size())))
            .connection_timeout(options.timeout)
            .max_lifetime(options.recycle)
            .idle_timeout(options.idle_timeout)
            .test_on_check_out(options.pre_ping)
            .build(PoolManager { backend })
            .await?;
        let hooks = &options.hooks;
        let has_hooks = !hooks.before.is_empty() || !hooks.after.is_empty();
        Ok(AsyncEngine {
            pool,
            echo: options.echo,
            // Without hooks of its own, the connections still report to
            // a `tracing` subscriber.
            hooks: (has_hooks || cfg!(feature = "tracing")).then(|| Arc::new(hooks.clone())),
        })
    }

    /// A connection from the pool; it goes back when dropped (rolled back
    /// first when a transaction was left open; discarded when a dropped
    /// future cut an exchange with the server off half-way).
    ///
    /// # Errors
    /// [`ErrorKind::PoolTimeout`](crate::ErrorKind::PoolTimeout) when none becomes free within the timeout.
    pub async fn connect(&self) -> Result<AsyncPooled<B>> {
        let mut conn = self.pool.get_owned().await.map_err(|e| match e {
            bb8::RunError::User(e) => e,
            bb8::RunError::TimedOut => {
                ErrorKind::PoolTimeout("no connection became free in time".into()).into()
            }
        })?;
        let state = conn.state();
        state.echo = self.echo;
        state.hooks.clone_from(&self.hooks);
        Ok(AsyncPooled { conn: Some(conn) })
    }

    /// Open and idle connection counts.
    ///
    /// ```
    /// # async fn demo<B: sqlalgebra::asyncio::AsyncBackend>(e: sqlalgebra::asyncio::AsyncEngine<B>) {
    /// let (open, idle) = e.state();
    /// assert!(idle <= open);
    /// # }
    /// ```
    pub fn state(&self) -> (u32, u32) {
        let s = self.pool.state();
        (s.connections, s.idle_connections)
    }
}

/// A connection checked out of an [`AsyncEngine`]; back to the pool on
/// drop.
///
/// Dropped with a transaction open (a session or a transaction future
/// dropped half-way, a task cancelled), it is rolled back first, on a
/// task of the current tokio runtime, and then returned to the pool
/// clean (SQLAlchemy's reset on return). Outside a runtime, or when an
/// exchange with the server was cut off half-way, the pool discards it
/// instead.
pub struct AsyncPooled<B: AsyncBackend> {
    /// `None` only while it is dropped.
    conn: Option<bb8::PooledConnection<'static, PoolManager<B>>>,
}

impl<B: AsyncBackend> Drop for AsyncPooled<B> {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        if !conn.state().needs_rollback() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        // Whatever was open, nobody can use it any more: all of it goes.
        conn.state().abandon(0);
        runtime.spawn(async move {
            // A failed rollback marks the connection broken (see
            // `settle`): the pool then discards it.
            let _ = settle(&mut *conn).await;
            drop(conn);
        });
    }
}

impl<B: AsyncBackend> std::fmt::Debug for AsyncPooled<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncPooled").finish_non_exhaustive()
    }
}

impl<B: AsyncBackend> Deref for AsyncPooled<B> {
    type Target = B::Connection;
    fn deref(&self) -> &B::Connection {
        match &self.conn {
            Some(conn) => conn,
            None => unreachable!("the connection is taken only by `drop`"),
        }
    }
}

impl<B: AsyncBackend> DerefMut for AsyncPooled<B> {
    fn deref_mut(&mut self) -> &mut B::Connection {
        match &mut self.conn {
            Some(conn) => conn,
            None => unreachable!("the connection is taken only by `drop`"),
        }
    }
}
