//! [`AsyncSessionFactory`]: the tour's `async_sessionmaker`: session
//! settings decided once, async sessions handed out over pooled
//! connections of an [`AsyncEngine`].

use super::async_session::AsyncSession;
use super::session::{Config, DEFAULT_BATCH_SIZE};
use crate::asyncio::{AsyncBackend, AsyncEngine, AsyncPooled, BoxFuture};
use crate::error::{ErrorKind, Result};

/// Hands out [`AsyncSession`]s over connections of an [`AsyncEngine`]'s
/// pool, each with the settings given once here (the tour's
/// `async_sessionmaker(engine, expire_on_commit=False)`). Cheap to clone:
/// share one between tasks.
///
/// ```
/// use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
/// use sqlalgebra::orm::AsyncSessionFactory;
///
/// async fn demo<B: AsyncBackend>(engine: AsyncEngine<B>) -> sqlalgebra::Result<()> {
///     let factory = AsyncSessionFactory::new(engine).expire_on_commit(false);
///     let mut session = factory.session().await?;  // a pooled connection
///     session.commit().await
/// }
/// ```
pub struct AsyncSessionFactory<B: AsyncBackend> {
    engine: AsyncEngine<B>,
    config: Config,
}

impl<B: AsyncBackend> Clone for AsyncSessionFactory<B> {
    fn clone(&self) -> Self {
        AsyncSessionFactory {
            engine: self.engine.clone(),
            config: self.config,
        }
    }
}

impl<B: AsyncBackend> std::fmt::Debug for AsyncSessionFactory<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncSessionFactory")
            .field("engine", &self.engine)
            .field("expire_on_commit", &self.config.expire_on_commit)
            .field("autoflush", &self.config.autoflush)
            .field("batch_size", &self.config.batch_size)
            .finish()
    }
}

impl<B: AsyncBackend> AsyncSessionFactory<B> {
    /// A factory over `engine`, with the defaults of
    /// [`AsyncSession::new`]: expire-on-commit and autoflush on.
    ///
    /// ```
    /// # use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
    /// # use sqlalgebra::orm::AsyncSessionFactory;
    /// fn factory<B: AsyncBackend>(engine: AsyncEngine<B>) -> AsyncSessionFactory<B> {
    ///     AsyncSessionFactory::new(engine)
    /// }
    /// ```
    pub fn new(engine: AsyncEngine<B>) -> Self {
        AsyncSessionFactory {
            engine,
            config: Config {
                expire_on_commit: true,
                autoflush: true,
                batch_size: DEFAULT_BATCH_SIZE,
            },
        }
    }

    /// Whether the sessions expire their objects at commit (see
    /// [`Session::set_expire_on_commit`](super::Session::set_expire_on_commit)).
    /// Async code usually turns it off, as the tour does: an expired
    /// object is reloaded by an awaited call only.
    ///
    /// ```
    /// # use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
    /// # use sqlalgebra::orm::AsyncSessionFactory;
    /// # fn f<B: AsyncBackend>(engine: AsyncEngine<B>) -> AsyncSessionFactory<B> {
    /// AsyncSessionFactory::new(engine).expire_on_commit(false)
    /// # }
    /// ```
    #[must_use]
    pub fn expire_on_commit(mut self, on: bool) -> Self {
        self.config.expire_on_commit = on;
        self
    }

    /// Whether the sessions flush before their queries (see
    /// [`Session::set_autoflush`](super::Session::set_autoflush)).
    ///
    /// ```
    /// # use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
    /// # use sqlalgebra::orm::AsyncSessionFactory;
    /// # fn f<B: AsyncBackend>(engine: AsyncEngine<B>) -> AsyncSessionFactory<B> {
    /// AsyncSessionFactory::new(engine).autoflush(false)
    /// # }
    /// ```
    #[must_use]
    pub fn autoflush(mut self, on: bool) -> Self {
        self.config.autoflush = on;
        self
    }

    /// The sessions' batch size (see
    /// [`Session::set_batch_size`](super::Session::set_batch_size)).
    ///
    /// ```
    /// # use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
    /// # use sqlalgebra::orm::AsyncSessionFactory;
    /// # fn f<B: AsyncBackend>(engine: AsyncEngine<B>) -> AsyncSessionFactory<B> {
    /// AsyncSessionFactory::new(engine).batch_size(1_000)
    /// # }
    /// ```
    #[must_use]
    pub fn batch_size(mut self, n: usize) -> Self {
        self.config.batch_size = n.max(1);
        self
    }

    /// The engine.
    ///
    /// ```
    /// # use sqlalgebra::asyncio::AsyncBackend;
    /// # use sqlalgebra::orm::AsyncSessionFactory;
    /// # fn f<B: AsyncBackend>(factory: &AsyncSessionFactory<B>) -> (u32, u32) {
    /// factory.engine().state()
    /// # }
    /// ```
    pub fn engine(&self) -> &AsyncEngine<B> {
        &self.engine
    }

    /// A session over a connection of the pool, which goes back to the
    /// pool when the session is dropped (rolled back if it was left in a
    /// transaction; see [`AsyncSession`]).
    ///
    /// ```
    /// # use sqlalgebra::asyncio::AsyncBackend;
    /// # use sqlalgebra::orm::AsyncSessionFactory;
    /// async fn f<B: AsyncBackend>(factory: &AsyncSessionFactory<B>) -> sqlalgebra::Result<()> {
    ///     let mut session = factory.session().await?;
    ///     session.commit().await
    /// }
    /// ```
    ///
    /// # Errors
    /// When no connection can be had ([`ErrorKind::PoolTimeout`], or the
    /// connection's error).
    pub async fn session(&self) -> Result<AsyncSession<AsyncPooled<B>>> {
        let conn = self.engine.connect().await?;
        Ok(AsyncSession::with_config(conn, self.config))
    }

    /// Runs `f` with a session of its own: commits when it returns `Ok`,
    /// rolls back when it returns `Err` (or the future is dropped). The
    /// closure returns a boxed future (`Box::pin(async move { .. })`).
    ///
    /// ```
    /// # use sqlalgebra::asyncio::AsyncBackend;
    /// # use sqlalgebra::orm::AsyncSessionFactory;
    /// async fn f<B: AsyncBackend>(factory: &AsyncSessionFactory<B>) -> sqlalgebra::Result<u64> {
    ///     factory.run(|s| Box::pin(async move { Ok(s.statement_count()) })).await
    /// }
    /// ```
    ///
    /// # Errors
    /// What `f` returns, or a failure to connect, flush or commit.
    pub async fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send,
        F: for<'s> FnOnce(&'s mut AsyncSession<AsyncPooled<B>>) -> BoxFuture<'s, Result<T>> + Send,
    {
        let mut s = self.session().await?;
        match f(&mut s).await {
            Ok(v) => {
                s.commit().await?;
                Ok(v)
            }
            Err(e) => match s.rollback().await {
                Err(failed) if !matches!(failed.kind(), ErrorKind::Connection(_)) => Err(failed),
                _ => Err(e),
            },
        }
    }
}
