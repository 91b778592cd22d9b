//! [`AsyncSessionFactory`]: the tour's `async_sessionmaker`: session
//! settings decided once, async sessions handed out over pooled
//! connections of an [`AsyncEngine`].

use super::async_session::AsyncSession;
use super::factory::Factory;
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
pub type AsyncSessionFactory<B> = Factory<AsyncEngine<B>>;

impl<B: AsyncBackend> Factory<AsyncEngine<B>> {
    /// A factory over `engine`, with the defaults of
    /// [`AsyncSession::new`]: expire-on-commit and autoflush on. Its
    /// settings ([`expire_on_commit`](Factory::expire_on_commit),
    /// [`autoflush`](Factory::autoflush), [`batch_size`](Factory::batch_size))
    /// are the sync factory's.
    ///
    /// ```
    /// # use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
    /// # use sqlalgebra::orm::AsyncSessionFactory;
    /// fn factory<B: AsyncBackend>(engine: AsyncEngine<B>) -> AsyncSessionFactory<B> {
    ///     AsyncSessionFactory::new(engine).expire_on_commit(false)
    /// }
    /// ```
    pub fn new(engine: AsyncEngine<B>) -> Self {
        Self::over(engine)
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
