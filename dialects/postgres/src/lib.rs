//! The PostgreSQL dialect and backend of sqlalgebra: the `postgres` driver
//! (no TLS), pooled by r2d2.
//!
//! ```no_run
//! use sqlalgebra::prelude::*;
//! use sqlalgebra_postgres::Postgres;
//!
//! # fn main() -> sqlalgebra::Result<()> {
//! let engine = Postgres::connect("postgres://postgres@127.0.0.1:5432/test")?;
//! let mut conn = engine.connect()?;
//! let n: i64 = text("SELECT 40 + :n").bind("n", 2i64).returns::<BigInt>().get(&mut conn)?;
//! assert_eq!(n, 42);
//! # Ok(()) }
//! ```
//!
//! The dialect renders `$n` placeholders:
//!
//! ```
//! use sqlalgebra::prelude::*;
//! use sqlalgebra_postgres::Postgres;
//! # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
//! # impl Table for Users { const NAME: &'static str = "users"; type Columns = Id; type PrimaryKey = Id; }
//! # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
//! # impl Column for Id { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; }
//! let q = select(Id).filter(Id.gt(1)).limit(5);
//! assert_eq!(q.to_sql(&Postgres).unwrap().sql,
//!     r#"SELECT "users"."id" FROM "users" WHERE "users"."id" > $1 LIMIT $2"#);
//! ```
//!
//! Values bind in the type the server infers for each placeholder (an
//! integer bound where PostgreSQL expects `int4` is range-checked), and
//! rows are decoded in place from the binary format: integers, floats,
//! booleans, text (`text`, `varchar`, `char(n)`, `name`, `json`, `jsonb`),
//! `bytea`, `numeric` (an integer when it has no fractional digits and
//! fits, a float otherwise, so `SUM(bigint)` loads into an `i64`), and
//! `date`, `time` and `timestamp` as the text the server writes for them
//! (`2024-03-31`, `13:45:00.25`, `2024-03-31 13:45:00`), which sqlalgebra's
//! `Date`, `Time` and `Timestamp` types load. Other types are a clear
//! decode error; cast them in SQL.

mod array;
#[cfg(feature = "async")]
mod async_conn;
mod conn;
mod dialect;
mod engine;
mod routed;
mod types;

#[cfg(feature = "async")]
pub use async_conn::{AsyncPgConnection, AsyncPgManager, AsyncPgRows, STREAM_FETCH};
pub use conn::{PgConnection, PgError, PgRow, STATEMENT_CACHE};
pub use dialect::Postgres;
pub use engine::PgManager;
/// The `postgres` driver, for [`postgres::Config`] and raw clients.
pub use postgres;
/// tokio-postgres, for its `Config` and raw clients (feature `async`).
#[cfg(feature = "async")]
pub use tokio_postgres;
