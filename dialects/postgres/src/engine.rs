//! Pooled PostgreSQL engines.

use postgres::error::SqlState;
use postgres::{Config, NoTls};
use sqlalgebra::engine::{Backend, PoolOptions};
use sqlalgebra::{ConnectFailure, ConnectFailureKind, Engine, Error, ErrorKind, Result};

use crate::{PgConnection, PgError, Postgres};

/// Opens PostgreSQL connections (without TLS) for the pool.
///
/// ```
/// use sqlalgebra_postgres::PgManager;
/// let m = PgManager::from_url("postgresql://app@db.internal:5433/shop").unwrap();
/// assert_eq!(m.config().get_dbname(), Some("shop"));
/// ```
#[derive(Debug, Clone)]
pub struct PgManager {
    config: Config,
    unnamed: bool,
}

/// A driver error opening or checking a connection: a
/// [`ConnectFailure`] when waiting cannot help (credentials refused,
/// unknown database, nothing listening), else a plain
/// [`ErrorKind::Connection`].
fn connection_error(e: postgres::Error) -> Error {
    match failure_kind(&e) {
        Some(kind) => ConnectFailure::error(kind, PgError::from(e)),
        None => ErrorKind::Connection(Box::new(PgError::from(e))).into(),
    }
}

fn failure_kind(e: &postgres::Error) -> Option<ConnectFailureKind> {
    if let Some(code) = e.code() {
        return if *code == SqlState::INVALID_PASSWORD
            || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        {
            Some(ConnectFailureKind::Authentication)
        } else if *code == SqlState::INVALID_CATALOG_NAME {
            Some(ConnectFailureKind::UnknownDatabase)
        } else {
            None
        };
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
        {
            return Some(ConnectFailureKind::Refused);
        }
        source = s.source();
    }
    None
}

impl PgManager {
    /// A manager that opens connections with `config`.
    ///
    /// ```
    /// use sqlalgebra_postgres::{PgManager, postgres};
    /// let mut config = postgres::Config::new();
    /// config.host("127.0.0.1").user("postgres").dbname("test").options("-c search_path=app");
    /// let m = PgManager::new(config);
    /// assert_eq!(m.config().get_options(), Some("-c search_path=app"));
    /// ```
    pub fn new(config: Config) -> Self {
        PgManager {
            config,
            unnamed: false,
        }
    }

    /// Makes the connections run every statement unnamed, with no
    /// prepared-statement cache (see
    /// [`PgConnection::set_unnamed_statements`]): for a proxy pooling by
    /// transaction, such as pgbouncer. A URL says the same with the
    /// parameter `statements=unnamed`.
    ///
    /// ```
    /// use sqlalgebra_postgres::PgManager;
    /// let m = PgManager::from_url("postgres://app@127.0.0.1:6432/shop").unwrap().unnamed_statements(true);
    /// assert!(m.runs_unnamed());
    /// let m = PgManager::from_url("postgres://app@127.0.0.1:6432/shop?statements=unnamed").unwrap();
    /// assert!(m.runs_unnamed());
    /// ```
    #[must_use]
    pub fn unnamed_statements(mut self, on: bool) -> Self {
        self.unnamed = on;
        self
    }

    /// Whether the connections run statements unnamed.
    ///
    /// ```
    /// let m = sqlalgebra_postgres::PgManager::from_url("postgres://app@db/shop").unwrap();
    /// assert!(!m.runs_unnamed());
    /// ```
    pub fn runs_unnamed(&self) -> bool {
        self.unnamed
    }

    /// A manager for a connection URL (`postgres://user:password@host:port/db`
    /// or `postgresql://...`) or a `key=value` connection string.
    ///
    /// # Errors
    /// [`ErrorKind::Connection`] when `url` does not parse.
    pub fn from_url(url: &str) -> Result<Self> {
        let (url, statements) = crate::routed::take_param(url, "statements");
        let unnamed = match statements.as_deref() {
            None | Some("prepared") => false,
            Some("unnamed") => true,
            Some(other) => {
                return Err(ErrorKind::Connection(
                    format!("statements={other}: expected `prepared` or `unnamed`").into(),
                )
                .into());
            }
        };
        url.parse::<Config>()
            .map(|c| PgManager::new(c).unnamed_statements(unnamed))
            .map_err(connection_error)
    }

    /// The settings connections are opened with.
    pub fn config(&self) -> &Config {
        &self.config
    }
}

impl r2d2::ManageConnection for PgManager {
    type Connection = PgConnection;
    type Error = Error;

    fn connect(&self) -> Result<PgConnection> {
        self.config
            .connect(NoTls)
            .map(|client| {
                let mut conn = PgConnection::new(client);
                conn.set_unnamed_statements(self.unnamed);
                conn
            })
            .map_err(connection_error)
    }

    fn is_valid(&self, conn: &mut PgConnection) -> Result<()> {
        conn.raw()
            .simple_query("SELECT 1")
            .map(drop)
            .map_err(connection_error)
    }

    fn has_broken(&self, conn: &mut PgConnection) -> bool {
        // Closed, or handed back inside a transaction: not reused.
        conn.is_broken()
    }
}

impl Backend for Postgres {
    type Connection = PgConnection;
    type Manager = PgManager;
}

impl Postgres {
    /// A pooled engine for a connection URL (`postgres://user@host:port/db`
    /// or `postgresql://...`), with default pool options. No TLS.
    ///
    /// ```no_run
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra_postgres::Postgres;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let engine = Postgres::connect("postgres://postgres@127.0.0.1:5432/test")?;
    /// let mut conn = engine.connect()?;
    /// let n: i64 = text("SELECT 40 + :n").bind("n", 2i64).returns::<BigInt>().get(&mut conn)?;
    /// assert_eq!(n, 42);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the URL does not parse or no connection can be opened within
    /// the pool's timeout.
    pub fn connect(url: &str) -> Result<Engine<Postgres>> {
        Self::connect_with(url, &PoolOptions::default())
    }

    /// [`connect`](Postgres::connect) with pool options.
    ///
    /// ```no_run
    /// use sqlalgebra::PoolOptions;
    /// use sqlalgebra_postgres::Postgres;
    /// let options = PoolOptions::default().size(2).overflow(4);
    /// let engine = Postgres::connect_with("postgresql://postgres@127.0.0.1/test", &options).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`connect`](Postgres::connect).
    pub fn connect_with(url: &str, options: &PoolOptions) -> Result<Engine<Postgres>> {
        Engine::build(PgManager::from_url(url)?, options)
    }

    /// A pooled engine over connections opened with `config`: for settings
    /// a URL does not carry, such as a `search_path` for every connection.
    ///
    /// ```no_run
    /// use sqlalgebra::PoolOptions;
    /// use sqlalgebra_postgres::{Postgres, postgres};
    /// let mut config: postgres::Config = "postgres://postgres@127.0.0.1/test".parse().unwrap();
    /// config.options("-c search_path=app");
    /// let engine = Postgres::connect_config(config, &PoolOptions::default()).unwrap();
    /// ```
    ///
    /// # Errors
    /// When no connection can be opened within the pool's timeout.
    pub fn connect_config(config: Config, options: &PoolOptions) -> Result<Engine<Postgres>> {
        Engine::build(PgManager::new(config), options)
    }
}
