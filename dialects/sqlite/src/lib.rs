//! The SQLite dialect and backend of sqlalgebra: rusqlite with SQLite
//! bundled (no system library needed), pooled by r2d2.
//!
//! ```
//! use sqlalgebra::prelude::*;
//! use sqlalgebra_sqlite::Sqlite;
//!
//! # fn main() -> sqlalgebra::Result<()> {
//! let engine = Sqlite::memory()?;      // every pooled connection sees the same database
//! let mut conn = engine.connect()?;
//! let n: i64 = text("SELECT 40 + :n").bind("n", 2i64).returns::<BigInt>().get(&mut conn)?;
//! assert_eq!(n, 42);
//! # Ok(()) }
//! ```

#[cfg(feature = "async")]
mod async_conn;
#[cfg(feature = "async")]
mod async_thread;
mod conn;
mod dialect;
mod engine;
#[cfg(feature = "statement-slots")]
mod held;
#[cfg(feature = "statement-slots")]
mod slots;
#[cfg(not(feature = "statement-slots"))]
mod unheld;

#[cfg(feature = "statement-slots")]
use held::Held;
#[cfg(not(feature = "statement-slots"))]
use unheld::Held;

#[cfg(feature = "async")]
pub use async_conn::{AsyncSqliteConnection, AsyncSqliteManager, AsyncSqliteRow, AsyncSqliteRows};
pub use conn::{SqliteConnection, SqliteRow};
pub use dialect::Sqlite;
pub use engine::{SqliteManager, Target};
