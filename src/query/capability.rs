//! Capabilities known from a connection's type: where the connection
//! names its backend (`Pooled<Mysql>`, `PgConnection`), a feature the
//! backend lacks on every server version does not compile; elsewhere
//! ([`Dynamic`], boxed statements, rendering with `to_sql`, the async
//! path) it stays a typed [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported)
//! before anything is sent.
//!
//! | feature | SQLite | PostgreSQL | MySQL / MariaDB |
//! |---|---|---|---|
//! | `DISTINCT ON` | compile error | yes | compile error |
//! | `UPDATE ... RETURNING` | yes | yes | compile error (neither has it) |
//! | `INSERT` / `DELETE ... RETURNING` | yes | yes | run-time check: MariaDB 10.5+ has it, MySQL not |
//!
//! ```compile_fail
//! use sqlalgebra::prelude::*;
//! # #[derive(Clone, Copy, Debug, Default)] pub struct T;
//! # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, B); type PrimaryKey = A; }
//! # #[derive(Clone, Copy, Debug, Default)] pub struct A;
//! # #[derive(Clone, Copy, Debug, Default)] pub struct B;
//! # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
//! # impl Column for B { type Table = T; type SqlType = BigInt; const NAME: &'static str = "b"; }
//! let mut conn = sqlalgebra_sqlite::Sqlite::memory().unwrap().connect().unwrap();
//! // SQLite has no DISTINCT ON: does not compile.
//! let rows: Vec<(i64, i64)> = select((A, B)).distinct_on(A).load(&mut conn).unwrap();
//! ```

use super::boxed::BoxedSelect;
use super::clause::Clause;
use super::compound::Compound;
use super::cte::With;
use super::insert::{Insert, Upsert};
use super::returning::Returning;
use super::select::{Modifiers, Select};
use super::text::TextQuery;
use super::write::{Delete, Update};
use crate::conn::Connection;
use crate::error::Result;
use crate::isolation::IsolationLevel;
use crate::render::{Dialect, SqlCache, SqlId};
use crate::value::ValueRef;

/// What a connection's type says about its backend's SQL
/// ([`Connection::Backend`](crate::Connection::Backend)): the dialect
/// types of the backend crates, or [`Dynamic`].
///
/// ```
/// use sqlalgebra::query::{Capabilities, Dynamic};
/// fn caps<B: Capabilities>() {}
/// caps::<Dynamic>();
/// ```
pub trait Capabilities: 'static {}

/// A backend not known from the type: every feature compiles and is
/// checked when the statement is rendered, for the connection's dialect.
///
/// ```
/// use sqlalgebra::query::{Capabilities, Dynamic, HasDistinctOn};
/// fn distinct_on<B: HasDistinctOn>() {}
/// distinct_on::<Dynamic>();
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Dynamic;

impl Capabilities for Dynamic {}
#[diagnostic::do_not_recommend]
impl HasDistinctOn for Dynamic {}
#[diagnostic::do_not_recommend]
impl HasUpdateReturning for Dynamic {}

/// The backend has `SELECT DISTINCT ON (..)` (PostgreSQL).
///
/// ```
/// use sqlalgebra::query::{Dynamic, HasDistinctOn};
/// fn distinct_on<B: HasDistinctOn>() {}
/// distinct_on::<Dynamic>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no `SELECT DISTINCT ON (..)`: it is PostgreSQL's",
    label = "this query uses `DISTINCT ON`, which this connection's backend does not have",
    note = "group by the columns and aggregate the others instead, or run it on PostgreSQL"
)]
pub trait HasDistinctOn: Capabilities {}

/// The backend has `UPDATE ... RETURNING` (SQLite, PostgreSQL; not
/// MySQL, nor MariaDB).
///
/// ```
/// use sqlalgebra::query::{Dynamic, HasUpdateReturning};
/// fn update_returning<B: HasUpdateReturning>() {}
/// update_returning::<Dynamic>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no `UPDATE ... RETURNING`",
    label = "this UPDATE returns rows, which this connection's backend cannot do",
    note = "neither MySQL nor MariaDB has UPDATE ... RETURNING: run the UPDATE, then SELECT the rows"
)]
pub trait HasUpdateReturning: Capabilities {}

/// The statement uses only SQL that the backend `B` has, as far as its
/// type says (a subquery's or CTE's body is checked when rendered).
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::{Dynamic, RunsOn};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// fn runs<Q: RunsOn<sqlalgebra_sqlite::Sqlite>>(_: &Q) {}
/// runs(&select(A).distinct());
/// ```
pub trait RunsOn<B> {}

/// The DISTINCT ON part of a SELECT's modifiers: none runs everywhere.
///
/// ```
/// use sqlalgebra::query::{Dynamic, DistinctOnFor};
/// fn none<D: DistinctOnFor<sqlalgebra_mysql::Mysql>>() {}
/// none::<()>();
/// ```
pub trait DistinctOnFor<B> {}
impl<B> DistinctOnFor<B> for () {}
impl<B: HasDistinctOn, E> DistinctOnFor<B> for Clause<E> {}

/// The write statement under a RETURNING: an UPDATE needs
/// [`HasUpdateReturning`]; INSERT and DELETE are checked when rendered
/// (MariaDB has them from 10.5, MySQL not, and one backend type serves
/// both).
///
/// ```
/// use sqlalgebra::query::{ReturningFor, Delete};
/// fn returning<S: ReturningFor<sqlalgebra_mysql::Mysql>>() {}
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// returning::<Delete<T>>();
/// ```
pub trait ReturningFor<B> {}
impl<B, T, V> ReturningFor<B> for Insert<T, V> {}
impl<B, T, V, L, A> ReturningFor<B> for Upsert<T, V, L, A> {}
impl<B, T, W, U> ReturningFor<B> for Delete<T, W, U> {}
impl<B: HasUpdateReturning, T, A, W, F> ReturningFor<B> for Update<T, A, W, F> {}

impl<B, S, F, W, G, H, O, D: DistinctOnFor<B>> RunsOn<B>
    for Select<S, F, W, Modifiers<G, H, O, D>>
{
}
impl<B, S: ReturningFor<B>, R> RunsOn<B> for Returning<S, R> {}
impl<B, L: RunsOn<B>, R: RunsOn<B>, O> RunsOn<B> for Compound<L, R, O> {}
impl<B, D, Q: RunsOn<B>> RunsOn<B> for With<D, Q> {}
impl<B, ST> RunsOn<B> for BoxedSelect<'_, ST> {}
impl<B, ST> RunsOn<B> for TextQuery<ST> {}

/// The connection `Self` runs the statement `Q`: its
/// [`Backend`](crate::Connection::Backend) has what `Q` uses. What `load`,
/// `get` and `first` ask of their connection.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::Runs;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// fn runs<Q, C: Runs<Q>>(_: &Q) {}
/// runs::<_, sqlalgebra::Pooled<sqlalgebra_postgres::Postgres>>(&select(A).distinct_on(A));
/// ```
pub trait Runs<Q: ?Sized>: Connection {}
impl<C: Connection, Q: ?Sized + RunsOn<C::Backend>> Runs<Q> for C {}

/// A connection seen without its backend's name
/// ([`Backend`](crate::Connection::Backend) = [`Dynamic`]): every feature
/// compiles and is checked when the statement is rendered, for the
/// connection's dialect. For code that picks a statement at run time, or
/// that wants the typed [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported)
/// rather than a compile error.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::DynamicBackend;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, B); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # impl Column for B { type Table = T; type SqlType = BigInt; const NAME: &'static str = "b"; }
/// let mut conn = sqlalgebra_sqlite::Sqlite::memory()?.connect()?;
/// create_all::<(T,)>(&mut conn)?;
/// // `.load(&mut conn)` would not compile: SQLite has no DISTINCT ON.
/// let q = select((A, B)).distinct_on(A);
/// let mut conn = DynamicBackend(conn);
/// let e = q.load::<(i64, i64), _>(&mut conn).unwrap_err();
/// assert!(matches!(e.kind(), sqlalgebra::ErrorKind::Unsupported { .. }));
/// # Ok::<(), sqlalgebra::Error>(())
/// ```
#[derive(Debug)]
pub struct DynamicBackend<C: Connection + 'static>(pub C);

impl<C: Connection + 'static> Connection for DynamicBackend<C> {
    type Row<'r>
        = C::Row<'r>
    where
        Self: 'r;
    type Backend = Dynamic;
    fn dialect(&self) -> &'static dyn Dialect {
        self.0.dialect()
    }
    fn execute_sql(&mut self, sql: &str, binds: &[ValueRef<'_>]) -> Result<u64> {
        self.0.execute_sql(sql, binds)
    }
    fn query_sql<F>(&mut self, sql: &str, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
    {
        self.0.query_sql(sql, binds, each)
    }
    fn batch_execute(&mut self, sql: &str) -> Result<()> {
        self.0.batch_execute(sql)
    }
    fn transaction_depth(&mut self) -> &mut u32 {
        self.0.transaction_depth()
    }
    fn last_insert_id(&mut self) -> Result<Option<i64>> {
        self.0.last_insert_id()
    }
    fn sql_cache(&mut self) -> Option<&mut SqlCache> {
        self.0.sql_cache()
    }
    fn execute_cached(&mut self, id: SqlId, binds: &[ValueRef<'_>]) -> Result<u64> {
        self.0.execute_cached(id, binds)
    }
    fn query_cached<F>(&mut self, id: SqlId, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
    {
        self.0.query_cached(id, binds, each)
    }
    fn isolation_setting(&mut self) -> Option<&mut Option<IsolationLevel>> {
        self.0.isolation_setting()
    }
    fn set_row_streaming(&mut self, on: bool) -> bool {
        self.0.set_row_streaming(on)
    }
}
