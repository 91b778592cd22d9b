//! The MySQL / MariaDB dialect and backend of sqlalgebra: the `mysql`
//! driver (pure Rust, no TLS library) with server-side prepared statements,
//! pooled by r2d2.
//!
//! Statements render with `` `quoted` `` identifiers and `?` placeholders:
//!
//! ```
//! use sqlalgebra::prelude::*;
//! use sqlalgebra_mysql::Mysql;
//! # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
//! # impl Table for Users { const NAME: &'static str = "users"; type Columns = Id; type PrimaryKey = Id; }
//! # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
//! # impl Column for Id { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; }
//! let q = select(Id).filter(Id.gt(1)).limit(5);
//! assert_eq!(q.to_sql(&Mysql).unwrap().sql,
//!     "SELECT `users`.`id` FROM `users` WHERE `users`.`id` > ? LIMIT ?");
//! ```
//!
//! and run through a pooled [`Engine`](sqlalgebra::Engine):
//!
//! ```no_run
//! use sqlalgebra::prelude::*;
//! use sqlalgebra_mysql::Mysql;
//!
//! # fn main() -> sqlalgebra::Result<()> {
//! let engine = Mysql::connect("mysql://root@127.0.0.1:3306/test")?;
//! let mut conn = engine.connect()?;
//! let n: i64 = text("SELECT 40 + :n").bind("n", 2i64).returns::<BigInt>().get(&mut conn)?;
//! assert_eq!(n, 42);
//! # Ok(()) }
//! ```
//!
//! A connection asks the server's version when it opens and renders in
//! its dialect: [`Mysql`] for MySQL (no RETURNING), [`MariaDb`] for
//! MariaDB, which from 10.5 on runs `INSERT ... RETURNING` and `DELETE ...
//! RETURNING` (never `UPDATE ... RETURNING`: that stays
//! [`ErrorKind::Unsupported`](sqlalgebra::ErrorKind::Unsupported), before anything
//! is sent). To render without a connection, pick the value:
//! `q.to_sql(&Mysql)` or `q.to_sql(&MariaDb::new(10, 11))`.
//!
//! Every connection runs in strict mode
//! (`STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION,ONLY_FULL_GROUP_BY`)
//! with `utf8mb4`, and `UPDATE` counts the rows it matched, not only those
//! it changed, as on the other backends. Tables take the database's default
//! character set: create the database with `CHARACTER SET utf8mb4` to store
//! any Unicode text.

#[cfg(feature = "async")]
mod async_conn;
mod conn;
mod dialect;
mod engine;

#[cfg(feature = "async")]
pub use async_conn::{AsyncMysqlConnection, AsyncMysqlManager, AsyncMysqlRows};
pub use conn::{MysqlConnection, MysqlRow};
pub use dialect::{MariaDb, Mysql, for_server_version};
pub use engine::MysqlManager;

/// A ready check for [`MultiPrimaryOptions::ready_check`] on MariaDB
/// Galera: `1` when the node is `Synced` (`wsrep_local_state` 4) and
/// `wsrep_ready` is `ON`, else `0` (joining, a donor, or cut off from the
/// primary component).
///
/// ```
/// use sqlalgebra::multi_primary::MultiPrimaryOptions;
/// let o = MultiPrimaryOptions::default().ready_check(sqlalgebra_mysql::GALERA_READY);
/// assert!(o.ready_query().unwrap().contains("WSREP_LOCAL_STATE"));
/// ```
///
/// [`MultiPrimaryOptions::ready_check`]: sqlalgebra::multi_primary::MultiPrimaryOptions::ready_check
pub const GALERA_READY: &str = "SELECT CAST(COUNT(*) = 2 AS SIGNED) FROM information_schema.GLOBAL_STATUS \
     WHERE (VARIABLE_NAME = 'WSREP_LOCAL_STATE' AND VARIABLE_VALUE = '4') \
     OR (VARIABLE_NAME = 'WSREP_READY' AND VARIABLE_VALUE = 'ON')";
/// The `mysql` driver underneath, for [`MysqlConnection::raw`] and
/// [`MysqlManager::from_opts`].
pub use mysql;
/// mysql_async, for its `Opts` and raw connections (feature `async`).
#[cfg(feature = "async")]
pub use mysql_async;
