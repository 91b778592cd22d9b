//! Opening async PostgreSQL connections for an async engine's pool.

use sqlalgebra::asyncio::AsyncBackend;
use sqlalgebra::{ErrorKind, Result};
use tokio_postgres::Config;

use super::{AsyncPgConnection, connection_error};

/// Opens [`AsyncPgConnection`]s (without TLS) for an
/// [`AsyncEngine`](sqlalgebra::asyncio::AsyncEngine).
///
/// ```
/// use sqlalgebra_postgres::AsyncPgManager;
/// let m = AsyncPgManager::from_url("postgresql://app@db.internal:5433/shop").unwrap();
/// assert_eq!(m.config().get_dbname(), Some("shop"));
/// ```
#[derive(Debug, Clone)]
pub struct AsyncPgManager {
    config: Config,
    unnamed: bool,
}

impl AsyncPgManager {
    /// A manager that opens connections with `config`.
    ///
    /// ```
    /// let m = sqlalgebra_postgres::AsyncPgManager::new(tokio_postgres::Config::new());
    /// # drop(m);
    /// ```
    pub fn new(config: Config) -> Self {
        AsyncPgManager {
            config,
            unnamed: false,
        }
    }

    /// A manager for a URL or a `key=value` connection string; the URL
    /// parameter `statements=unnamed` makes its connections run
    /// statements unnamed (see [`unnamed_statements`](Self::unnamed_statements)).
    ///
    /// ```
    /// use sqlalgebra_postgres::AsyncPgManager;
    /// assert!(AsyncPgManager::from_url("postgres://u@h/d").is_ok());
    /// let proxied = AsyncPgManager::from_url("postgres://u@h:6432/d?statements=unnamed").unwrap();
    /// assert!(proxied.runs_unnamed());
    /// assert!(AsyncPgManager::from_url("postgres://u@h/d?statements=sometimes").is_err());
    /// ```
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
            .map(|c| AsyncPgManager::new(c).unnamed_statements(unnamed))
            .map_err(connection_error)
    }

    /// Makes the connections run every statement unnamed, with no
    /// prepared-statement cache (see
    /// [`AsyncPgConnection::set_unnamed_statements`]): for a proxy pooling
    /// by transaction, such as pgbouncer.
    ///
    /// ```
    /// let m = sqlalgebra_postgres::AsyncPgManager::from_url("postgres://u@h/d").unwrap();
    /// assert!(m.unnamed_statements(true).runs_unnamed());
    /// ```
    #[must_use]
    pub fn unnamed_statements(mut self, on: bool) -> Self {
        self.unnamed = on;
        self
    }

    /// Whether the connections run statements unnamed.
    ///
    /// ```
    /// let m = sqlalgebra_postgres::AsyncPgManager::from_url("postgres://u@h/d").unwrap();
    /// assert!(!m.runs_unnamed());
    /// ```
    pub fn runs_unnamed(&self) -> bool {
        self.unnamed
    }

    /// The settings connections are opened with.
    ///
    /// ```
    /// let m = sqlalgebra_postgres::AsyncPgManager::from_url("postgres://u@h/d").unwrap();
    /// assert_eq!(m.config().get_user(), Some("u"));
    /// ```
    pub fn config(&self) -> &Config {
        &self.config
    }
}

impl AsyncBackend for AsyncPgManager {
    type Connection = AsyncPgConnection;

    fn connect(&self) -> impl Future<Output = Result<AsyncPgConnection>> + Send {
        let unnamed = self.unnamed;
        let connected = AsyncPgConnection::connect_config(&self.config);
        async move {
            let mut conn = connected.await?;
            conn.set_unnamed_statements(unnamed);
            Ok(conn)
        }
    }
}
