//! [`SessionFactory`]: the tour's `sessionmaker`: session settings decided
//! once, sessions handed out over pooled connections.

use super::session::{Config, Session};
use crate::engine::{Backend, Engine, Pooled};
use crate::error::{ErrorKind, Result};

/// Makes [`Session`]s with settings decided once (expire-on-commit,
/// autoflush, batch size), over connections from an [`Engine`]: what
/// SQLAlchemy's `sessionmaker(engine, expire_on_commit=False)` is.
///
/// A factory is cheap to clone and `Send + Sync`: keep one in a service's
/// state and open a session per request.
///
/// ```
/// use sqlalgebra::orm::SessionFactory;
/// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::Engine<B>) -> sqlalgebra::Result<()> {
/// let sessions = SessionFactory::new(engine).expire_on_commit(false);
/// // One unit of work: committed when the closure returns Ok.
/// let n = sessions.run(|s| {
///     // s.add(..), s.query::<User>().load()?, ...
///     Ok(s.statement_count())
/// })?;
/// // Or a session over a connection of your own.
/// let mut conn = sessions.connect()?;
/// let s = sessions.session(&mut *conn);
/// # let _ = (n, s);
/// # Ok(()) }
/// ```
pub type SessionFactory<B> = Factory<Engine<B>>;

/// A session factory over an engine `E`: the settings decided once
/// (expire-on-commit, autoflush, batch size), shared by the sync
/// [`SessionFactory`] (`E` = [`Engine`]) and the async
/// `AsyncSessionFactory` (`E` = `AsyncEngine`), which add how sessions
/// are handed out.
///
/// ```
/// use sqlalgebra::orm::SessionFactory;
/// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::Engine<B>) {
/// let sessions = SessionFactory::new(engine).expire_on_commit(false).batch_size(500);
/// assert!(format!("{sessions:?}").contains("expire_on_commit: false"));
/// # }
/// ```
pub struct Factory<E> {
    pub(crate) engine: E,
    pub(crate) config: Config,
}

impl<E: Clone> Clone for Factory<E> {
    fn clone(&self) -> Self {
        Factory {
            engine: self.engine.clone(),
            config: self.config,
        }
    }
}

impl<E: std::fmt::Debug> std::fmt::Debug for Factory<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Factory")
            .field("engine", &self.engine)
            .field("expire_on_commit", &self.config.expire_on_commit)
            .field("autoflush", &self.config.autoflush)
            .field("batch_size", &self.config.batch_size)
            .finish()
    }
}

impl<E> Factory<E> {
    /// A factory over `engine` with the sessions' defaults (expire-on-commit
    /// and autoflush on).
    pub(crate) fn over(engine: E) -> Self {
        Factory {
            engine,
            config: Config::default(),
        }
    }

    /// Whether the sessions expire every object on commit
    /// ([`Session::set_expire_on_commit`]). Async code usually turns it
    /// off, as the tour does: an expired object is reloaded by an awaited
    /// call only.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::Engine<B>) {
    /// let sessions = sqlalgebra::orm::SessionFactory::new(engine).expire_on_commit(false);
    /// # let _ = sessions;
    /// # }
    /// ```
    #[must_use]
    pub fn expire_on_commit(mut self, on: bool) -> Self {
        self.config.expire_on_commit = on;
        self
    }

    /// Whether queries flush pending changes first
    /// ([`Session::set_autoflush`]).
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::Engine<B>) {
    /// let sessions = sqlalgebra::orm::SessionFactory::new(engine).autoflush(false);
    /// # let _ = sessions;
    /// # }
    /// ```
    #[must_use]
    pub fn autoflush(mut self, on: bool) -> Self {
        self.config.autoflush = on;
        self
    }

    /// Keys per `IN` list and rows per INSERT of a flush
    /// ([`Session::set_batch_size`]).
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::Engine<B>) {
    /// let sessions = sqlalgebra::orm::SessionFactory::new(engine).batch_size(500);
    /// # let _ = sessions;
    /// # }
    /// ```
    #[must_use]
    pub fn batch_size(mut self, n: usize) -> Self {
        self.config.batch_size = n.max(1);
        self
    }

    /// The engine sessions draw connections from.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::Engine<B>) {
    /// let sessions = sqlalgebra::orm::SessionFactory::new(engine);
    /// let (open, idle) = sessions.engine().state();
    /// assert!(idle <= open);
    /// # }
    /// ```
    pub fn engine(&self) -> &E {
        &self.engine
    }
}

impl<B: Backend> Factory<Engine<B>> {
    /// A factory over `engine` with [`Session::new`]'s defaults
    /// (expire-on-commit and autoflush on).
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::Engine<B>) {
    /// let sessions = sqlalgebra::orm::SessionFactory::new(engine);
    /// # let _ = sessions;
    /// # }
    /// ```
    pub fn new(engine: Engine<B>) -> Self {
        Self::over(engine)
    }

    /// A connection from the engine, for [`session`](Self::session).
    ///
    /// # Errors
    /// [`ErrorKind::PoolTimeout`] when none becomes free in time.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::Engine<B>) -> sqlalgebra::Result<()> {
    /// let sessions = sqlalgebra::orm::SessionFactory::new(engine);
    /// let conn = sessions.connect()?;
    /// # drop(conn);
    /// # Ok(()) }
    /// ```
    pub fn connect(&self) -> Result<Pooled<B>> {
        self.engine.connect()
    }

    /// A session over `conn` with this factory's settings.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::Engine<B>) -> sqlalgebra::Result<()> {
    /// let sessions = sqlalgebra::orm::SessionFactory::new(engine);
    /// let mut conn = sessions.connect()?;
    /// let mut s = sessions.session(&mut *conn);
    /// s.commit()?;
    /// # Ok(()) }
    /// ```
    pub fn session<'c>(&self, conn: &'c mut B::Connection) -> Session<'c, B::Connection> {
        let mut s = Session::new(conn);
        s.config = self.config;
        s
    }

    /// Runs one unit of work: a session over a pooled connection, committed
    /// when `f` returns `Ok`, rolled back when it fails (or panics); the
    /// connection goes back to the pool.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::Engine<B>) -> sqlalgebra::Result<()> {
    /// let sessions = sqlalgebra::orm::SessionFactory::new(engine);
    /// let statements = sessions.run(|s| Ok(s.statement_count()))?;
    /// assert_eq!(statements, 0);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// What `f` returns, a failure to check a connection out, or to
    /// commit.
    pub fn run<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&mut Session<'_, B::Connection>) -> Result<T>,
    {
        let mut conn = self.connect()?;
        let mut s = self.session(&mut conn);
        match f(&mut s) {
            Ok(v) => {
                s.commit()?;
                Ok(v)
            }
            Err(e) => {
                let rolled_back = s.rollback();
                match rolled_back {
                    Err(failed) if !matches!(failed.kind(), ErrorKind::Connection(_)) => {
                        Err(failed)
                    }
                    _ => Err(e),
                }
            }
        }
    }
}
