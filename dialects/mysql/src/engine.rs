//! Pooled MySQL / MariaDB engines.

use std::time::Duration;

use mysql::consts::CapabilityFlags;
use sqlalgebra::engine::{Backend, PoolOptions};
use sqlalgebra::{ConnectFailure, ConnectFailureKind, Engine, Error, ErrorKind, Result};

use crate::{Mysql, MysqlConnection};

/// The session's SQL mode: strict, errors instead of silent truncation or
/// zero dates, and standard GROUP BY. Not `ANSI_QUOTES` (the dialect quotes
/// with backticks), not `NO_BACKSLASH_ESCAPES` (the dialect escapes `\` in
/// the rare string literals it writes; values are always bound).
pub(crate) const SQL_MODE: &str = "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,\
NO_ZERO_DATE,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION,ONLY_FULL_GROUP_BY'";

/// How many prepared statements each connection keeps, unless the URL
/// says `stmt_cache_size=N`.
pub(crate) const STATEMENT_CACHE: usize = 128;

/// How long opening a TCP connection may take, unless the URL says
/// `tcp_connect_timeout_ms=N`.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens MySQL / MariaDB connections for the pool and checks them.
///
/// Each connection is set up the same way: strict `sql_mode`, `utf8mb4`,
/// a prepared-statement cache, and `UPDATE` reporting the rows it matched.
pub struct MysqlManager {
    opts: mysql::Opts,
    /// How many prepared statements each connection keeps (in its own
    /// cache; the driver's is turned off).
    statements: usize,
}

impl std::fmt::Debug for MysqlManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the options themselves: they hold the password.
        f.debug_struct("MysqlManager")
            .field("host", &self.opts.get_ip_or_hostname())
            .field("port", &self.opts.get_tcp_port())
            .field("database", &self.opts.get_db_name())
            .finish()
    }
}

impl MysqlManager {
    /// A manager for the server and database at `url`, such as
    /// `mysql://user:password@127.0.0.1:3306/database`. The URL may carry
    /// the driver's options (`?stmt_cache_size=64&tcp_connect_timeout_ms=500`).
    ///
    /// ```
    /// use sqlalgebra_mysql::MysqlManager;
    /// // Nothing is opened yet.
    /// let m = MysqlManager::new("mysql://root@127.0.0.1:3306/test").unwrap();
    /// assert!(MysqlManager::new("postgres://nope").is_err());
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Connection`](sqlalgebra::ErrorKind::Connection) when the URL is malformed.
    pub fn new(url: &str) -> Result<Self> {
        let opts = mysql::Opts::from_url(url).map_err(|e| ErrorKind::Connection(Box::new(e)))?;
        let cache = if url.contains("stmt_cache_size=") {
            opts.get_stmt_cache_size()
        } else {
            STATEMENT_CACHE
        };
        let mut manager = Self::from_opts(opts);
        manager.statements = cache;
        Ok(manager)
    }

    /// A manager from driver options built by hand; the session set-up
    /// statements are added in front of the options' own. Each connection
    /// keeps as many prepared statements as the options' `stmt_cache_size`
    /// says, in a cache of its own.
    ///
    /// ```
    /// use sqlalgebra_mysql::{MysqlManager, mysql};
    /// let opts = mysql::OptsBuilder::new().ip_or_hostname(Some("127.0.0.1")).db_name(Some("test"));
    /// let m = MysqlManager::from_opts(opts);
    /// ```
    pub fn from_opts(opts: impl Into<mysql::Opts>) -> Self {
        let opts: mysql::Opts = opts.into();
        let mut init = vec![SQL_MODE.to_owned(), "SET NAMES utf8mb4".to_owned()];
        init.extend(opts.get_init());
        let timeout = opts.get_tcp_connect_timeout().unwrap_or(CONNECT_TIMEOUT);
        let capabilities = opts.get_additional_capabilities() | CapabilityFlags::CLIENT_FOUND_ROWS;
        let statements = opts.get_stmt_cache_size();
        // The connection caches statements itself (see
        // `MysqlConnection::with_statement_cache`).
        let opts = mysql::OptsBuilder::from_opts(opts)
            .init(init)
            .tcp_connect_timeout(Some(timeout))
            .additional_capabilities(capabilities)
            .stmt_cache_size(0)
            .into();
        MysqlManager { opts, statements }
    }

    /// The driver options connections are opened with.
    ///
    /// ```
    /// let m = sqlalgebra_mysql::MysqlManager::new("mysql://root@127.0.0.1:3306/test").unwrap();
    /// assert_eq!(m.opts().get_db_name(), Some("test"));
    /// ```
    pub fn opts(&self) -> &mysql::Opts {
        &self.opts
    }

    /// Opens one connection, outside any pool.
    ///
    /// # Errors
    /// [`ErrorKind::Connection`](sqlalgebra::ErrorKind::Connection) when the server cannot be reached or refuses.
    pub(crate) fn open(&self) -> Result<MysqlConnection> {
        mysql::Conn::new(self.opts.clone())
            .map(|c| MysqlConnection::with_statement_cache(c, self.statements))
            .map_err(connect_error)
    }
}

/// A driver error opening a connection: a [`ConnectFailure`] when waiting
/// cannot help (access denied, unknown database, nothing listening), else
/// a plain [`ErrorKind::Connection`](sqlalgebra::ErrorKind::Connection).
fn connect_error(e: mysql::Error) -> Error {
    use mysql::{DriverError, Error as E};
    let refused = |kind: std::io::ErrorKind| kind == std::io::ErrorKind::ConnectionRefused;
    let kind = match &e {
        // ER_DBACCESS_DENIED_ERROR, ER_ACCESS_DENIED_ERROR,
        // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
        E::MySqlError(m) if matches!(m.code, 1044 | 1045 | 1698) => {
            Some(ConnectFailureKind::Authentication)
        }
        // ER_BAD_DB_ERROR
        E::MySqlError(m) if m.code == 1049 => Some(ConnectFailureKind::UnknownDatabase),
        E::IoError(io) if refused(io.kind()) => Some(ConnectFailureKind::Refused),
        E::DriverError(DriverError::CouldNotConnect(Some((_, _, kind)))) if refused(*kind) => {
            Some(ConnectFailureKind::Refused)
        }
        _ => None,
    };
    match kind {
        Some(kind) => ConnectFailure::error(kind, e),
        None => ErrorKind::Connection(Box::new(e)).into(),
    }
}

impl r2d2::ManageConnection for MysqlManager {
    type Connection = MysqlConnection;
    type Error = Error;

    fn connect(&self) -> Result<MysqlConnection> {
        self.open()
    }

    fn is_valid(&self, conn: &mut MysqlConnection) -> Result<()> {
        conn.ping()
    }

    fn has_broken(&self, conn: &mut MysqlConnection) -> bool {
        conn.is_broken()
    }
}

impl Backend for Mysql {
    type Connection = MysqlConnection;
    type Manager = MysqlManager;
}

impl Mysql {
    /// A pooled engine over the database at `url`
    /// (`mysql://user:password@host:port/database`), with the default pool
    /// options. It opens its first connections now, so a bad address or
    /// password fails here.
    ///
    /// ```no_run
    /// use sqlalgebra_mysql::Mysql;
    /// let engine = Mysql::connect("mysql://root@127.0.0.1:3306/test").unwrap();
    /// let conn = engine.connect().unwrap();
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Connection`](sqlalgebra::ErrorKind::Connection) when the URL is malformed or no connection can
    /// be opened within the pool's timeout.
    pub fn connect(url: &str) -> Result<Engine<Mysql>> {
        Self::connect_with(url, &PoolOptions::default())
    }

    /// [`connect`](Mysql::connect) with pool options.
    ///
    /// ```no_run
    /// use sqlalgebra::PoolOptions;
    /// use sqlalgebra_mysql::Mysql;
    /// let engine = Mysql::connect_with(
    ///     "mysql://root@127.0.0.1:3306/test",
    ///     &PoolOptions::default().size(2).overflow(4),
    /// ).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Connection`](sqlalgebra::ErrorKind::Connection) when the URL is malformed or no connection can
    /// be opened within the pool's timeout.
    pub fn connect_with(url: &str, options: &PoolOptions) -> Result<Engine<Mysql>> {
        Engine::build(MysqlManager::new(url)?, options)
    }
}
