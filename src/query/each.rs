//! [`QueryEach`]: the sync way to read a large result holding O(1) rows.

use crate::conn::Connection;
use crate::error::Result;
use crate::query::Query;
use crate::query::run::{prepare, run_query};
use crate::render::SqlKey;
use crate::value::FromRow;

/// `for_each`: each row of a query handed to a callback as it is read,
/// never a whole result in memory (for large exports). The sync
/// counterpart of the async
/// `AsyncRunQuery::stream` (feature `async`).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// let engine = sqlalgebra_sqlite::Sqlite::memory().unwrap();
/// let mut conn = engine.connect().unwrap();
/// create_all::<T>(&mut *conn).unwrap();
/// insert_into(T).values(vec![A.set(1), A.set(2), A.set(3)]).execute(&mut *conn).unwrap();
/// let mut sum = 0;
/// select(A).for_each(&mut *conn, |a: i64| {
///     sum += a;
///     Ok(())
/// }).unwrap();
/// assert_eq!(sum, 6);
/// ```
pub trait QueryEach: Query + Sized {
    /// Calls `f` with every row, stopping at the first error. On
    /// PostgreSQL the rows are fetched one at a time for the call
    /// ([`Connection::set_row_streaming`]).
    ///
    /// # Errors
    /// When the statement fails, a row does not fit `T`, or `f` fails.
    fn for_each<T, C, F>(&self, conn: &mut C, mut f: F) -> Result<()>
    where
        T: FromRow<Self::SqlType>,
        C: Connection,
        F: FnMut(T) -> Result<()>,
    {
        let dialect = conn.dialect();
        let mut key = SqlKey::for_dialect(dialect);
        let sql = prepare(self, dialect, conn.sql_cache(), &mut key)?;
        let before = conn.set_row_streaming(true);
        let result = run_query(conn, sql, key.binds(), |row| {
            f(T::from_row(row, 0)?)?;
            Ok(true)
        });
        conn.set_row_streaming(before);
        result
    }
}

impl<Q: Query> QueryEach for Q {}
