//! Running statements on a connection.

use crate::conn::Connection;
use crate::error::{ErrorKind, Result};
use crate::render::{
    Dialect, RowChunks, SqlCache, SqlId, SqlKey, SqlWriter, Statement, param_count, same_binds,
};
use crate::value::{FromRow, Row, ValueRef};

use super::capability::Runs;
use super::outer::StatementRow;
use super::scope::ScopeChecked;

/// A statement that returns rows of SQL type `SqlType`.
pub trait Query: Statement {
    /// The SQL type of one row: a single type or a tuple.
    type SqlType;
}

/// `load`, `get` and `first`: for every statement that returns rows.
///
/// The Rust row type is checked against the statement's SQL types at
/// compile time, and so is the statement's table scope
/// ([`ScopeChecked`]): with an explicit `.from(..)` or joins, a column of
/// another table does not compile. Each method has a second type
/// parameter for that check, always inferred: a turbofish names the row
/// type and leaves it `_` (`q.load::<(i64, String), _>(&mut conn)`).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # use sqlalgebra::orm::doc_models::*;
/// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
/// let mut conn = engine.connect()?;
/// create_all::<Users>(&mut conn)?;
/// insert_into(Users)
///     .values(vec![
///         (users::Name.set("ann"), users::Status.set("active")),
///         (users::Name.set("bob"), users::Status.set("banned")),
///     ])
///     .execute(&mut conn)?;
///
/// let q = select((users::Id, users::Name)).order_by(users::Id.asc());
/// let all: Vec<(i64, String)> = q.load(&mut conn)?;
/// let first: Option<(i64, String)> = q.first(&mut conn)?;
/// let n: i64 = select(count_star()).from(Users).get(&mut conn)?;
/// assert_eq!(all, [(1, "ann".to_string()), (2, "bob".to_string())]);
/// assert_eq!(first, Some((1, "ann".to_string())));
/// assert_eq!(n, 2);
/// # Ok::<(), sqlalgebra::Error>(())
/// ```
pub trait RunQuery: Query + Sized {
    /// All rows.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// create_all::<Users>(&mut conn)?;
    /// insert_into(Users)
    ///     .values(vec![
    ///         (users::Name.set("ann"), users::Status.set("active")),
    ///         (users::Name.set("bob"), users::Status.set("banned")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// let active: Vec<String> = select(users::Name)
    ///     .filter(users::Status.eq("active"))
    ///     .load(&mut conn)?;
    /// assert_eq!(active, ["ann"]);
    /// // A turbofish names the row type and leaves the scope parameter `_`.
    /// let rows = select((users::Id, users::Name)).load::<(i64, String), _>(&mut conn)?;
    /// assert_eq!(rows.len(), 2);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    ///
    /// # Errors
    /// When the statement fails or a row does not fit `T`.
    fn load<T, I>(&self, conn: &mut impl Runs<Self>) -> Result<Vec<T>>
    where
        Self: ScopeChecked<I> + StatementRow<I>,
        T: FromRow<<Self as StatementRow<I>>::Row>,
    {
        let dialect = conn.dialect();
        let mut key = SqlKey::for_dialect(dialect);
        let sql = prepare(self, dialect, conn.sql_cache(), &mut key)?;
        let mut rows = Vec::new();
        run_query(conn, sql, key.binds(), |row| {
            if rows.capacity() == 0 {
                // The whole result where the backend knows its length,
                // else as many rows as a first push would make room for.
                rows = Vec::with_capacity(row.result_len().unwrap_or(4));
            }
            rows.push(T::from_row(row, 0)?);
            Ok(true)
        })?;
        Ok(rows)
    }

    /// Exactly one row.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// create_all::<Users>(&mut conn)?;
    /// insert_into(Users)
    ///     .values((users::Name.set("ann"), users::Status.set("active")))
    ///     .execute(&mut conn)?;
    /// let name: String = select(users::Name).filter(users::Id.eq(1)).get(&mut conn)?;
    /// assert_eq!(name, "ann");
    /// let missing = select(users::Name).filter(users::Id.eq(2)).get::<String, _>(&mut conn);
    /// assert!(matches!(missing.as_ref().map_err(sqlalgebra::Error::kind), Err(sqlalgebra::ErrorKind::NotFound)));
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for no row, [`ErrorKind::TooManyRows`] for more than
    /// one; otherwise as [`load`](RunQuery::load).
    fn get<T, I>(&self, conn: &mut impl Runs<Self>) -> Result<T>
    where
        Self: ScopeChecked<I> + StatementRow<I>,
        T: FromRow<<Self as StatementRow<I>>::Row>,
    {
        let dialect = conn.dialect();
        let mut key = SqlKey::for_dialect(dialect);
        let sql = prepare(self, dialect, conn.sql_cache(), &mut key)?;
        let mut found = None;
        let mut extra = false;
        run_query(conn, sql, key.binds(), |row| {
            if found.is_some() {
                extra = true;
                return Ok(false);
            }
            found = Some(T::from_row(row, 0)?);
            Ok(true)
        })?;
        match (found, extra) {
            (Some(_), true) => Err(ErrorKind::TooManyRows.into()),
            (Some(v), false) => Ok(v),
            (None, _) => Err(ErrorKind::NotFound.into()),
        }
    }

    /// The first row, if any.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// create_all::<Users>(&mut conn)?;
    /// insert_into(Users)
    ///     .values(vec![
    ///         (users::Name.set("bob"), users::Status.set("active")),
    ///         (users::Name.set("ann"), users::Status.set("active")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// let q = select(users::Name).order_by(users::Name.asc());
    /// assert_eq!(q.first::<String, _>(&mut conn)?.as_deref(), Some("ann"));
    /// let none: Option<String> = q.filter(users::Status.eq("banned")).first(&mut conn)?;
    /// assert_eq!(none, None);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`load`](RunQuery::load).
    fn first<T, I>(&self, conn: &mut impl Runs<Self>) -> Result<Option<T>>
    where
        Self: ScopeChecked<I> + StatementRow<I>,
        T: FromRow<<Self as StatementRow<I>>::Row>,
    {
        let dialect = conn.dialect();
        let mut key = SqlKey::for_dialect(dialect);
        let sql = prepare(self, dialect, conn.sql_cache(), &mut key)?;
        let mut found = None;
        run_query(conn, sql, key.binds(), |row| {
            found = Some(T::from_row(row, 0)?);
            Ok(false)
        })?;
        Ok(found)
    }
}

impl<Q: Query> RunQuery for Q {}

/// `execute`: for every statement.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # use sqlalgebra::orm::doc_models::*;
/// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
/// let mut conn = engine.connect()?;
/// create_all::<Users>(&mut conn)?;
/// let inserted = insert_into(Users)
///     .values(vec![
///         (users::Name.set("ann"), users::Status.set("active")),
///         (users::Name.set("bob"), users::Status.set("active")),
///     ])
///     .execute(&mut conn)?;
/// let banned = update(Users)
///     .set(users::Status.set("banned"))
///     .filter(users::Name.eq("bob"))
///     .execute(&mut conn)?;
/// let deleted = delete_from(Users).filter(users::Status.eq("banned")).execute(&mut conn)?;
/// assert_eq!((inserted, banned, deleted), (2, 1, 1));
/// let left: Vec<String> = select(users::Name).load(&mut conn)?;
/// assert_eq!(left, ["ann"]);
/// # Ok::<(), sqlalgebra::Error>(())
/// ```
pub trait Execute: Statement + Sized {
    /// Runs the statement; returns the number of rows it changed.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// create_all::<Users>(&mut conn)?;
    /// let n = insert_into(Users)
    ///     .values((users::Name.set("ann"), users::Status.set("active")))
    ///     .execute(&mut conn)?;
    /// assert_eq!(n, 1);
    /// // A statement that matches no row changes none.
    /// let n = delete_from(Users).filter(users::Id.eq(99)).execute(&mut conn)?;
    /// assert_eq!(n, 0);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    ///
    /// # Errors
    /// When the statement cannot be rendered or the database refuses it.
    ///
    /// A multi-row INSERT whose values exceed the backend's bind limit is
    /// split into several statements, run in one transaction.
    fn execute<C: Connection>(&self, conn: &mut C) -> Result<u64> {
        let dialect = conn.dialect();
        let mut key = SqlKey::for_dialect(dialect);
        let described = describe(self, conn.sql_cache(), &mut key);
        if let Some((chunks, rows, per_chunk)) = chunking(self, dialect, &key, described) {
            return execute_chunked(conn, chunks, rows, per_chunk);
        }
        match prepare_described(self, dialect, conn.sql_cache(), &mut key, described)? {
            SqlText::Cached(id) => conn.execute_cached(id, key.binds()),
            SqlText::Rendered(sql) => conn.execute_sql(&sql, key.binds()),
        }
    }
}

/// Whether `stmt`, a multi-row INSERT whose values exceed the dialect's
/// bind limit, must run as several statements: its rows, their number and
/// how many go in one statement. Shared by the sync and async `execute`.
#[inline]
pub(crate) fn chunking<'s, S: Statement>(
    stmt: &'s S,
    dialect: &'static dyn Dialect,
    key: &SqlKey<'_>,
    described: bool,
) -> Option<(&'s dyn RowChunks, usize, usize)> {
    let chunks = stmt.row_chunks()?;
    let rows = chunks.row_count();
    if rows <= 1 {
        return None;
    }
    // Binds per row: from the key walk when it ran, else by rendering the
    // first row.
    let per_row = if described {
        key.bind_count().div_ceil(rows)
    } else {
        let mut w = SqlWriter::new(dialect);
        chunks.render_rows(&mut w, 0..1);
        w.bind_count()
    };
    let per_chunk = (dialect.max_binds() / per_row.max(1)).max(1);
    (rows > per_chunk).then_some((chunks, rows, per_chunk))
}

impl<S: Statement> Execute for S {}

fn execute_chunked<C: Connection>(
    conn: &mut C,
    chunks: &dyn RowChunks,
    rows: usize,
    per_chunk: usize,
) -> Result<u64> {
    let dialect = conn.dialect();
    conn.transaction(|c| {
        let mut total = 0;
        let mut start = 0;
        while start < rows {
            let end = (start + per_chunk).min(rows);
            let mut w = SqlWriter::new(dialect);
            chunks.render_rows(&mut w, start..end);
            let r = w.finish()?;
            total += c.execute_sql(&r.sql, &r.binds)?;
            start = end;
        }
        Ok(total)
    })
}

/// SQL text in the connection's cache, or rendered for this run only.
pub(crate) enum SqlText {
    Cached(SqlId),
    Rendered(String),
}

/// Runs the query `sql` with `binds`, calling `each` with every row.
#[inline]
pub(crate) fn run_query<C, F>(
    conn: &mut C,
    sql: SqlText,
    binds: &[ValueRef<'_>],
    each: F,
) -> Result<()>
where
    C: Connection,
    F: FnMut(&mut C::Row<'_>) -> Result<bool>,
{
    match sql {
        SqlText::Cached(id) => conn.query_cached(id, binds, each),
        SqlText::Rendered(sql) => conn.query_sql(&sql, binds, each),
    }
}

/// Renders `stmt` for `conn`, or takes its text from the connection's
/// [`SqlCache`](crate::render::SqlCache) when the statement describes its
/// text ([`Render::sql_key`](crate::render::Render::sql_key)) and the
/// same text was rendered before. The binds are left in `key` (large: it
/// stays where the caller put it rather than being moved around).
///
/// A text is cached only when the key walk collected the same binds as
/// rendering did; in debug builds every cached text is checked against a
/// fresh rendering.
pub(crate) fn prepare<'a, S: Statement>(
    stmt: &'a S,
    dialect: &'static dyn Dialect,
    mut cache: Option<&mut SqlCache>,
    key: &mut SqlKey<'a>,
) -> Result<SqlText> {
    let described = describe(stmt, cache.as_deref_mut(), key);
    prepare_described(stmt, dialect, cache, key, described)
}

/// Runs the key walk of `stmt` into `key` when the connection keeps a SQL
/// cache; whether the statement described itself.
#[inline]
pub(crate) fn describe<'a, S: Statement>(
    stmt: &'a S,
    cache: Option<&mut SqlCache>,
    key: &mut SqlKey<'a>,
) -> bool {
    match cache {
        Some(cache) => {
            key.borrow_words(cache);
            stmt.sql_key(key)
        }
        None => false,
    }
}

/// [`prepare`] after [`describe`].
#[inline]
pub(crate) fn prepare_described<'a, S: Statement>(
    stmt: &'a S,
    dialect: &'static dyn Dialect,
    cache: Option<&mut SqlCache>,
    key: &mut SqlKey<'a>,
    described: bool,
) -> Result<SqlText> {
    let Some(cache) = cache else {
        return render_uncached(stmt, dialect, key);
    };
    if described
        && let Some((id, params)) = cache.get(key.words())
        && params == key.param_count()
    {
        #[cfg(debug_assertions)]
        {
            let fresh = stmt.to_sql(dialect)?;
            assert_eq!(
                Some(&*fresh.sql),
                cache.sql(id),
                "the SQL cache returned another statement's text"
            );
            assert!(
                same_binds(&fresh.binds, key.binds()),
                "the key walk collected other binds than rendering: {:?} vs {:?}",
                key.binds(),
                fresh.binds
            );
        }
        key.return_words(cache);
        return Ok(SqlText::Cached(id));
    }
    render_into_cache(stmt, dialect, cache, key, described)
}

/// Renders `stmt` for a connection without a SQL cache; the binds go to
/// `key`. Out of line, as [`render_into_cache`].
#[cold]
#[inline(never)]
fn render_uncached<'a, S: Statement>(
    stmt: &'a S,
    dialect: &'static dyn Dialect,
    key: &mut SqlKey<'a>,
) -> Result<SqlText> {
    let r = stmt.to_sql(dialect)?;
    key.set_binds(r.binds);
    Ok(SqlText::Rendered(r.sql))
}

/// Renders `stmt` and caches its text under `key`'s words when the walk
/// described it and collected rendering's binds (else the binds go to
/// `key` and the text is for this run only). Out of line: it runs once
/// per statement shape and connection, and the hit path above stays
/// small.
#[cold]
#[inline(never)]
fn render_into_cache<'a, S: Statement>(
    stmt: &'a S,
    dialect: &'static dyn Dialect,
    cache: &mut SqlCache,
    key: &mut SqlKey<'a>,
    described: bool,
) -> Result<SqlText> {
    let text = stmt.to_sql(dialect).map(|r| {
        if described && same_binds(&r.binds, key.binds()) {
            SqlText::Cached(cache.insert(key.words(), r.sql.into(), param_count(&r.binds)))
        } else {
            key.set_binds(r.binds);
            SqlText::Rendered(r.sql)
        }
    });
    key.return_words(cache);
    text
}
