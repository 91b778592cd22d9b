//! Pooled SQLite engines.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rusqlite::OpenFlags;
use sqlalgebra::engine::{Backend, PoolOptions};
use sqlalgebra::{Engine, Error, ErrorKind, Result};

use crate::{Sqlite, SqliteConnection};

/// How long a writer waits for a lock held by another connection.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Which database a [`SqliteManager`] opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A database file, in WAL mode.
    File(PathBuf),
    /// A private in-memory database shared by the pool's connections.
    Memory(String),
}

/// Opens SQLite connections for the pool.
///
/// An in-memory database lives as long as the manager: it holds one
/// connection of its own so that the pool may close all of its own.
pub struct SqliteManager {
    target: Target,
    _keep_alive: Option<Mutex<rusqlite::Connection>>,
}

impl std::fmt::Debug for SqliteManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteManager")
            .field("target", &self.target)
            .finish()
    }
}

fn open_error(e: rusqlite::Error) -> Error {
    ErrorKind::Connection(Box::new(e)).into()
}

impl SqliteManager {
    /// A manager for `target`.
    ///
    /// # Errors
    /// When the database cannot be opened.
    pub fn new(target: Target) -> Result<Self> {
        let keep_alive = match &target {
            Target::Memory(_) => Some(Mutex::new(open(&target)?)),
            Target::File(_) => {
                let c = open(&target)?;
                // WAL lets readers proceed while one writer writes.
                c.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                    .map_err(open_error)?;
                None
            }
        };
        Ok(SqliteManager {
            target,
            _keep_alive: keep_alive,
        })
    }
}

pub(crate) fn open(target: &Target) -> Result<rusqlite::Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = match target {
        Target::File(path) => rusqlite::Connection::open_with_flags(path, flags),
        Target::Memory(name) => {
            // The memdb VFS shares a database named "/..." between all
            // connections of this process, with proper locking.
            rusqlite::Connection::open_with_flags(format!("file:/{name}?vfs=memdb"), flags)
        }
    }
    .map_err(open_error)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(open_error)?;
    conn.execute_batch("PRAGMA foreign_keys = ON")
        .map_err(open_error)?;
    Ok(conn)
}

#[cfg(feature = "async")]
impl SqliteManager {
    /// The database this manager opens.
    pub(crate) fn target(&self) -> &Target {
        &self.target
    }
}

impl r2d2::ManageConnection for SqliteManager {
    type Connection = SqliteConnection;
    type Error = Error;

    fn connect(&self) -> Result<SqliteConnection> {
        open(&self.target).map(SqliteConnection::new)
    }

    fn is_valid(&self, conn: &mut SqliteConnection) -> Result<()> {
        conn.raw()
            .execute_batch("")
            .map_err(|e| ErrorKind::Connection(Box::new(e)).into())
    }

    fn has_broken(&self, conn: &mut SqliteConnection) -> bool {
        // A connection handed back inside a transaction is not reused.
        conn.is_in_transaction()
    }
}

impl Backend for Sqlite {
    type Connection = SqliteConnection;
    type Manager = SqliteManager;
}

static MEMORY_DATABASES: AtomicU64 = AtomicU64::new(0);

/// A name for a new in-memory database, unique in the process.
pub(crate) fn memory_name() -> String {
    let n = MEMORY_DATABASES.fetch_add(1, Ordering::Relaxed);
    format!("sqlalgebra-{}-{n}", std::process::id())
}

impl Sqlite {
    /// A pooled engine over a new in-memory database that all of its
    /// connections share.
    ///
    /// # Errors
    /// When SQLite cannot open it.
    pub fn memory() -> Result<Engine<Sqlite>> {
        Self::memory_with(&PoolOptions::default())
    }

    /// [`memory`](Sqlite::memory) with pool options.
    ///
    /// # Errors
    /// When SQLite cannot open it.
    pub fn memory_with(options: &PoolOptions) -> Result<Engine<Sqlite>> {
        Engine::build(SqliteManager::new(Target::Memory(memory_name()))?, options)
    }

    /// A pooled engine from a URL, as SQLAlchemy writes them:
    /// `sqlite::memory:` (or `sqlite://` / `sqlite://:memory:`) for a new
    /// in-memory database, `sqlite://relative/path.db`, or
    /// `sqlite:///absolute/path.db`.
    ///
    /// ```
    /// use sqlalgebra::PoolOptions;
    /// use sqlalgebra_sqlite::Sqlite;
    /// let engine = Sqlite::connect("sqlite::memory:", &PoolOptions::default()).unwrap();
    /// assert!(Sqlite::connect("postgres://x", &PoolOptions::default()).is_err());
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Connection`] for a URL that is not `sqlite:`, or when SQLite
    /// cannot open the database.
    pub fn connect(url: &str, options: &PoolOptions) -> Result<Engine<Sqlite>> {
        let rest = url
            .strip_prefix("sqlite:")
            .ok_or_else(|| ErrorKind::Connection(format!("not a sqlite: URL: {url}").into()))?;
        let path = rest.strip_prefix("//").unwrap_or(rest);
        match path {
            "" | ":memory:" => Self::memory_with(options),
            path => Self::open_with(path, options),
        }
    }

    /// A pooled engine over a database file (created if missing), in WAL
    /// mode, where a writer waits up to 10 s for another's lock.
    ///
    /// # Errors
    /// When SQLite cannot open it.
    pub fn open(path: impl AsRef<Path>) -> Result<Engine<Sqlite>> {
        Self::open_with(path, &PoolOptions::default())
    }

    /// [`open`](Sqlite::open) with pool options.
    ///
    /// # Errors
    /// When SQLite cannot open it.
    pub fn open_with(path: impl AsRef<Path>, options: &PoolOptions) -> Result<Engine<Sqlite>> {
        let target = Target::File(path.as_ref().to_path_buf());
        Engine::build(SqliteManager::new(target)?, options)
    }
}
