//! Running statements on an [`AsyncConnection`]: the async `load`, `get`,
//! `first`, `execute` and `stream`.
//!
//! Each method is a thin shell over the shared helpers below: the statement
//! is described and rendered (or found in the SQL cache) before the first
//! `.await`, by the same functions as the sync
//! [`RunQuery`](crate::query::RunQuery), so only the binds, which borrow
//! from the statement, live in the future.

use std::future::Future;
use std::marker::PhantomData;

use super::observed;
use super::transaction::{is_settled, settle};
use super::{AsyncConnection, RawRows, Sql};
use crate::error::{ErrorKind, Result};
use crate::query::Query;
use crate::query::run::{SqlText, chunking, describe, prepare, prepare_described};
use crate::render::{RowChunks, SqlKey, SqlWriter, Statement};
use crate::value::{FromRow, Row};

/// A statement rendered (or found in the cache) for one connection, with
/// its binds.
pub(crate) struct Prepared<'a> {
    sql: SqlText,
    key: SqlKey<'a>,
}

impl Prepared<'_> {
    fn sql(&self) -> Sql<'_> {
        match &self.sql {
            SqlText::Cached(id) => Sql::Cached(*id),
            SqlText::Rendered(s) => Sql::Text(s),
        }
    }
}

impl Default for Prepared<'_> {
    #[inline]
    fn default() -> Self {
        Prepared {
            sql: SqlText::Rendered(String::new()),
            key: SqlKey::new(),
        }
    }
}

/// An empty [`Prepared`] for `conn`, boxed.
///
/// Boxed: a key holds its binds inline (hundreds of bytes), and a future
/// that held it inline would be copied as a whole (with the space of
/// every future it awaits) when it is created and when it is awaited; a
/// future that holds only pointers is built where it is awaited. The box
/// is made by `Box::default`, which builds the value in the box, and the
/// key is filled there, not moved into it.
#[inline]
fn empty<'a, C: AsyncConnection>(conn: &mut C) -> Box<Prepared<'a>> {
    let mut p: Box<Prepared<'a>> = Box::default();
    p.key.set_dialect(conn.dialect());
    p
}

/// Renders `stmt` for `conn` (no I/O).
#[inline]
fn prepared<'a, S: Statement, C: AsyncConnection>(
    stmt: &'a S,
    conn: &mut C,
) -> Result<Box<Prepared<'a>>> {
    let mut p = empty(conn);
    p.sql = prepare(stmt, conn.dialect(), conn.sql_cache(), &mut p.key)?;
    Ok(p)
}

/// Logs the statement when the connection's pool echoes.
fn echo<C: AsyncConnection>(conn: &mut C, p: &Prepared<'_>) {
    if conn.state().echo {
        let sql = match p.sql {
            SqlText::Cached(id) => conn
                .sql_cache()
                .and_then(|c| c.sql(id))
                .unwrap_or("<cached>")
                .to_owned(),
            SqlText::Rendered(ref s) => s.clone(),
        };
        log::info!(target: "sqlalgebra::echo", "{sql} {:?}", p.key.binds());
    }
}

/// `load`: every row.
#[inline]
async fn load_rows<T, ST, C>(conn: &mut C, p: Result<Box<Prepared<'_>>>) -> Result<Vec<T>>
where
    T: FromRow<ST> + Send,
    C: AsyncConnection,
{
    let p = p?;
    if !is_settled(conn) {
        settle(conn).await?;
    }
    echo(conn, &p);
    let mut rows = Vec::new();
    observed::query(conn, p.sql(), p.key.binds(), |row| {
        if rows.capacity() == 0 {
            rows = Vec::with_capacity(row.result_len().unwrap_or(4));
        }
        rows.push(T::from_row(row, 0)?);
        Ok(true)
    })
    .await?;
    Ok(rows)
}

/// `get` (`exactly`) and `first`.
#[inline]
async fn one_row<T, ST, C>(
    conn: &mut C,
    p: Result<Box<Prepared<'_>>>,
    exactly: bool,
) -> Result<Option<T>>
where
    T: FromRow<ST> + Send,
    C: AsyncConnection,
{
    let p = p?;
    if !is_settled(conn) {
        settle(conn).await?;
    }
    echo(conn, &p);
    let mut found = None;
    let mut extra = false;
    observed::query(conn, p.sql(), p.key.binds(), |row| {
        if found.is_some() {
            extra = true;
            return Ok(false);
        }
        found = Some(T::from_row(row, 0)?);
        Ok(exactly)
    })
    .await?;
    match (found, extra, exactly) {
        (Some(_), true, _) => Err(ErrorKind::TooManyRows.into()),
        (None, _, true) => Err(ErrorKind::NotFound.into()),
        (found, _, _) => Ok(found),
    }
}

/// `stream`: the rows as they come.
async fn open_stream<'c, T, ST, C>(
    conn: &'c mut C,
    p: Result<Box<Prepared<'_>>>,
) -> Result<RowStream<'c, C, T, ST>>
where
    T: FromRow<ST> + Send,
    C: AsyncConnection,
{
    let p = p?;
    if !is_settled(conn) {
        settle(conn).await?;
    }
    echo(conn, &p);
    let rows = conn.stream_sql(p.sql(), p.key.binds()).await?;
    Ok(RowStream {
        rows,
        _row: PhantomData,
    })
}

/// `load`, `get`, `first` and `stream` with `.await`: for every statement
/// that returns rows. The signatures are those of
/// [`RunQuery`](crate::query::RunQuery), with a future around the result.
///
/// ```
/// use sqlalgebra::asyncio::prelude::*;
/// async fn demo<C: AsyncConnection>(conn: &mut C) -> sqlalgebra::Result<()> {
///     let n: i64 = select(count_star()).get(conn).await?;
///     assert_eq!(n, 1);
///     Ok(())
/// }
/// ```
pub trait AsyncRunQuery: Query + Sized {
    /// All rows.
    ///
    /// # Errors
    /// When the statement fails or a row does not fit `T`.
    #[inline]
    fn load<T, C>(&self, conn: &mut C) -> impl Future<Output = Result<Vec<T>>> + Send
    where
        T: FromRow<Self::SqlType> + Send,
        C: AsyncConnection,
    {
        let p = prepared(self, conn);
        load_rows(conn, p)
    }

    /// Exactly one row.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for no row, [`ErrorKind::TooManyRows`] for more than
    /// one; otherwise as [`load`](AsyncRunQuery::load).
    #[inline]
    fn get<T, C>(&self, conn: &mut C) -> impl Future<Output = Result<T>> + Send
    where
        T: FromRow<Self::SqlType> + Send,
        C: AsyncConnection,
    {
        let p = prepared(self, conn);
        let one = one_row(conn, p, true);
        async move { one.await?.ok_or_else(|| ErrorKind::NotFound.into()) }
    }

    /// The first row, if any.
    ///
    /// # Errors
    /// As [`load`](AsyncRunQuery::load).
    #[inline]
    fn first<T, C>(&self, conn: &mut C) -> impl Future<Output = Result<Option<T>>> + Send
    where
        T: FromRow<Self::SqlType> + Send,
        C: AsyncConnection,
    {
        let p = prepared(self, conn);
        one_row(conn, p, false)
    }

    /// The rows one at a time, as the server sends them: a [`RowStream`]
    /// holding O(1) rows (PostgreSQL: a row stream; MySQL: the driver's
    /// streamed result; SQLite: a bounded channel from the connection's
    /// thread). The connection is borrowed until the stream is dropped.
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// async fn total<C: AsyncConnection>(conn: &mut C) -> sqlalgebra::Result<i64> {
    ///     let q = text("SELECT n FROM t").returns::<BigInt>();
    ///     let mut rows = q.stream::<i64, _>(conn).await?;
    ///     let mut sum = 0;
    ///     while let Some(n) = rows.next().await {
    ///         sum += n?;
    ///     }
    ///     Ok(sum)
    /// }
    /// ```
    ///
    /// # Errors
    /// When the statement cannot be rendered or the database refuses it.
    fn stream<'c, T, C>(
        &self,
        conn: &'c mut C,
    ) -> impl Future<Output = Result<RowStream<'c, C, T, Self::SqlType>>> + Send
    where
        T: FromRow<Self::SqlType> + Send,
        C: AsyncConnection,
    {
        let p = prepared(self, conn);
        open_stream(conn, p)
    }
}

impl<Q: Query> AsyncRunQuery for Q {}

/// Typed rows streamed from an [`AsyncConnection`]: see
/// [`AsyncRunQuery::stream`].
pub struct RowStream<'c, C: AsyncConnection + 'c, T, ST> {
    rows: C::Rows<'c>,
    _row: PhantomData<fn() -> (T, ST)>,
}

impl<C: AsyncConnection, T, ST> std::fmt::Debug for RowStream<'_, C, T, ST> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RowStream")
    }
}

impl<'c, C: AsyncConnection + 'c, T: FromRow<ST> + Send, ST> RowStream<'c, C, T, ST> {
    /// The next row; `None` after the last.
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// async fn first_two<C: AsyncConnection>(conn: &mut C) -> sqlalgebra::Result<Vec<i64>> {
    ///     let q = text("SELECT 1 UNION ALL SELECT 2").returns::<BigInt>();
    ///     let mut rows = q.stream::<i64, _>(conn).await?;
    ///     let mut out = Vec::new();
    ///     while let Some(n) = rows.next().await {
    ///         out.push(n?);
    ///     }
    ///     Ok(out)
    /// }
    /// ```
    // The async `next` of a stream, as `StreamExt::next`: not an
    // `Iterator`'s.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> impl Future<Output = Option<Result<T>>> + Send + '_ {
        self.rows.next_row(|row| T::from_row(row, 0))
    }

    /// Calls `f` with every row, stopping at the first error.
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// async fn count<C: AsyncConnection>(conn: &mut C) -> sqlalgebra::Result<usize> {
    ///     let q = text("SELECT 1 UNION ALL SELECT 2").returns::<BigInt>();
    ///     let mut n = 0;
    ///     q.stream::<i64, _>(conn).await?.for_each(|_| { n += 1; Ok(()) }).await?;
    ///     Ok(n)
    /// }
    /// ```
    ///
    /// # Errors
    /// When a row cannot be read or `f` fails.
    pub async fn for_each<F>(mut self, mut f: F) -> Result<()>
    where
        F: FnMut(T) -> Result<()> + Send,
    {
        while let Some(row) = self.next().await {
            f(row?)?;
        }
        Ok(())
    }
}

/// `execute` with `.await`: for every statement, as
/// [`Execute`](crate::query::Execute).
///
/// ```
/// use sqlalgebra::asyncio::prelude::*;
/// async fn demo<C: AsyncConnection>(conn: &mut C) -> sqlalgebra::Result<u64> {
///     text("DELETE FROM t").execute(conn).await
/// }
/// ```
pub trait AsyncExecute: Statement + Sized {
    /// Runs the statement; returns the number of rows it changed. A
    /// multi-row INSERT whose values exceed the backend's bind limit is
    /// split into several statements, run in one transaction.
    ///
    /// # Errors
    /// When the statement cannot be rendered or the database refuses it.
    #[inline]
    fn execute<C: AsyncConnection>(
        &self,
        conn: &mut C,
    ) -> impl Future<Output = Result<u64>> + Send {
        let plan = plan(self, conn);
        execute_plan(conn, plan)
    }
}

impl<S: Statement> AsyncExecute for S {}

/// What `execute` runs: one statement, or a long INSERT rendered in chunks
/// (all before the first `.await`, so the future holds no `dyn RowChunks`).
enum Plan<'a> {
    One(Box<Prepared<'a>>),
    Chunks(Vec<crate::render::Rendered<'a>>),
}

#[inline]
fn plan<'a, S: Statement, C: AsyncConnection>(stmt: &'a S, conn: &mut C) -> Result<Plan<'a>> {
    let dialect = conn.dialect();
    let mut p = empty(conn);
    let described = describe(stmt, conn.sql_cache(), &mut p.key);
    if let Some((chunks, rows, per_chunk)) = chunking(stmt, dialect, &p.key, described) {
        return render_chunks(chunks, dialect, rows, per_chunk).map(Plan::Chunks);
    }
    p.sql = prepare_described(stmt, dialect, conn.sql_cache(), &mut p.key, described)?;
    Ok(Plan::One(p))
}

fn render_chunks<'a>(
    chunks: &'a dyn RowChunks,
    dialect: &'static dyn crate::render::Dialect,
    rows: usize,
    per_chunk: usize,
) -> Result<Vec<crate::render::Rendered<'a>>> {
    let mut out = Vec::with_capacity(rows.div_ceil(per_chunk));
    let mut start = 0;
    while start < rows {
        let end = (start + per_chunk).min(rows);
        let mut w = SqlWriter::new(dialect);
        chunks.render_rows(&mut w, start..end);
        out.push(w.finish()?);
        start = end;
    }
    Ok(out)
}

/// `execute`.
#[inline]
async fn execute_plan<C: AsyncConnection>(conn: &mut C, plan: Result<Plan<'_>>) -> Result<u64> {
    let plan = plan?;
    if !is_settled(conn) {
        settle(conn).await?;
    }
    match plan {
        Plan::One(p) => {
            echo(conn, &p);
            observed::execute(conn, p.sql(), p.key.binds()).await
        }
        Plan::Chunks(parts) => {
            let mut tx = conn.begin().await?;
            let mut total = 0;
            for r in &parts {
                if tx.state().echo {
                    log::info!(target: "sqlalgebra::echo", "{} {:?}", r.sql, r.binds);
                }
                total += observed::execute(&mut *tx, Sql::Text(&r.sql), &r.binds).await?;
            }
            tx.commit().await?;
            Ok(total)
        }
    }
}
