//! Horizontal sharding, after SQLAlchemy's `horizontal_shard`: a
//! [`ShardedEngine`] over N databases of one backend, and a
//! [`ShardChooser`] the application supplies.
//!
//! - A row's shard comes from its shard key
//!   ([`ShardChooser::shard_for_key`]): [`ShardedEngine::connect_for_key`]
//!   for Core writes, [`ShardedSession::add`] and
//!   [`get`](ShardedSession::get) for the ORM.
//! - A SELECT runs on the shards its WHERE clause allows
//!   ([`ShardChooser::shards_for_query`], which sees which values the
//!   clause fixes the shard key to, [`WhereClause::key_values`]). One
//!   shard runs the statement as it is; several run it each and their
//!   rows are merged: sorted by the ORDER BY terms (which must be in the
//!   SELECT list), then OFFSET and LIMIT (each shard returns up to OFFSET
//!   \+ LIMIT rows); `COUNT`, `SUM`, `MIN` and `MAX` are folded into one
//!   row. What cannot be merged (AVG, DISTINCT, GROUP BY, HAVING, an
//!   ORDER BY term not selected) is [`ErrorKind::Unsupported`] before anything
//!   is sent.
//! - The ORM's identity map is per shard: a [`ShardedSession`] keys its
//!   objects by (shard, primary key), as SQLAlchemy's identity token does.
//!
//! Shards are independent databases: a write on several shards is not
//! atomic (each shard commits on its own), and merged text sorts by bytes.
//!
//! ```
//! use sqlalgebra::prelude::*;
//! use sqlalgebra::shard::{ByKey, ShardedEngine};
//! use sqlalgebra::value::ValueRef;
//! use sqlalgebra_sqlite::Sqlite;
//! # #[derive(Clone, Copy, Debug, Default)] pub struct Orders;
//! # impl Table for Orders { const NAME: &'static str = "orders"; type Columns = (Id, Amount); type PrimaryKey = Id; }
//! # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
//! # impl Column for Id { type Table = Orders; type SqlType = BigInt; const NAME: &'static str = "id"; }
//! # #[derive(Clone, Copy, Debug, Default)] pub struct Amount;
//! # impl Column for Amount { type Table = Orders; type SqlType = BigInt; const NAME: &'static str = "amount"; }
//! # fn main() -> sqlalgebra::Result<()> {
//! // Rows live on shard `id % 2`.
//! let by_id = ByKey::new(Id, |key: ValueRef<'_>| match key {
//!     ValueRef::Int(id) => Ok(id.rem_euclid(2) as usize),
//!     other => Err(sqlalgebra::ErrorKind::InvalidStatement(format!("shard key {other:?}")).into()),
//! });
//! let engine = ShardedEngine::new(vec![Sqlite::memory()?, Sqlite::memory()?], by_id);
//! for id in 1..=4i64 {
//!     let (_, mut conn) = engine.connect_for_key(id)?;
//!     conn.batch_execute("CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, amount INTEGER)")?;
//!     insert_into(Orders).values((Id.set(id), Amount.set(id * 10))).execute(&mut conn)?;
//! }
//! // A key fixed by the WHERE clause: one shard.
//! assert_eq!(engine.shards_for(&select(Amount).filter(Id.eq(3)))?, [1]);
//! // No key: every shard, merged.
//! let q = select((Id, Amount)).order_by(Amount.desc()).limit(3);
//! let top: Vec<(i64, i64)> = engine.load(&q)?;
//! assert_eq!(top, [(4, 40), (3, 30), (2, 20)]);
//! let total: Option<i64> = engine.get(&select(sum(Amount)))?;
//! assert_eq!(total, Some(100));
//! # Ok(()) }
//! ```

mod collation;
mod merge;
mod plan;
mod session;

use std::sync::Arc;

pub use plan::{FanOutParts, ShardQuery, WhereClause};
pub use session::{ShardConnections, ShardHandle, ShardedSession};

use crate::conn::Connection;
use crate::engine::{Backend, Engine, Pooled};
use crate::error::{ErrorKind, Result};
use crate::render::Render;
use crate::value::{Encode, FromRow, ValueRef};
use merge::ShardRow;
use plan::{Held, Merge, plan, shard_statement};

/// How a query on `shards` (more than one, or none) merges; `None` when
/// it runs on no shard and cannot be merged (it has no rows then).
fn fan_out_plan(
    parts: &crate::query::SelectParts<'_>,
    dialect: &dyn crate::render::Dialect,
    shards: &[usize],
) -> Result<Option<Merge>> {
    match plan(parts, dialect) {
        Ok(merge) => Ok(Some(merge)),
        // No shard holds a row: nothing to merge.
        Err(_) if shards.is_empty() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Picks shards: the application's rule of which rows live where.
///
/// ```
/// use sqlalgebra::shard::{ShardChooser, WhereClause};
/// use sqlalgebra::value::ValueRef;
/// /// Everything on shard 0 but tenant 7's rows, on shard 1.
/// struct Tenants;
/// impl ShardChooser for Tenants {
///     fn shard_for_key(&self, key: ValueRef<'_>) -> sqlalgebra::Result<usize> {
///         Ok(usize::from(key == ValueRef::Int(7)))
///     }
///     fn shards_for_query(&self, _query: &WhereClause<'_>) -> sqlalgebra::Result<Vec<usize>> {
///         Ok(vec![0, 1])
///     }
/// }
/// assert_eq!(Tenants.shard_for_key(ValueRef::Int(7)).unwrap(), 1);
/// ```
pub trait ShardChooser: Send + Sync + 'static {
    /// The shard of the row whose shard key is `key` (for writes and for
    /// loading by key).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::shard::{ByKey, ShardChooser};
    /// use sqlalgebra::value::ValueRef;
    /// # use sqlalgebra::orm::doc_models::*;
    /// // Users on 3 shards by id modulo 3.
    /// let chooser = ByKey::new(users::Id, |k: ValueRef<'_>| match k {
    ///     ValueRef::Int(id) => Ok(id.rem_euclid(3) as usize),
    ///     _ => Ok(0),
    /// });
    /// assert_eq!(chooser.shard_for_key(ValueRef::Int(7)).unwrap(), 1);
    /// assert_eq!(chooser.shard_for_key(ValueRef::Int(9)).unwrap(), 0);
    /// ```
    ///
    /// # Errors
    /// When `key` is no shard key (the wrong type, say).
    fn shard_for_key(&self, key: ValueRef<'_>) -> Result<usize>;

    /// The shards a query must run on, from its WHERE clause (all of
    /// them, `0..query.shard_count()`, when it does not fix the key).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::shard::{ByKey, ShardChooser, WhereClause};
    /// use sqlalgebra::value::ValueRef;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let chooser = ByKey::new(users::Id, |k: ValueRef<'_>| match k {
    ///     ValueRef::Int(id) => Ok(id.rem_euclid(3) as usize),
    ///     _ => Ok(0),
    /// });
    /// let by_key = select(users::Name).filter(users::Id.eq(4));
    /// let w = WhereClause::new(&sqlalgebra_sqlite::Sqlite, &by_key, 3);
    /// assert_eq!(chooser.shards_for_query(&w).unwrap(), [1]); // one shard
    /// let by_name = select(users::Name).filter(users::Name.eq("ann"));
    /// let w = WhereClause::new(&sqlalgebra_sqlite::Sqlite, &by_name, 3);
    /// assert_eq!(chooser.shards_for_query(&w).unwrap(), [0, 1, 2]); // every shard
    /// ```
    ///
    /// # Errors
    /// As [`shard_for_key`](ShardChooser::shard_for_key).
    fn shards_for_query(&self, query: &WhereClause<'_>) -> Result<Vec<usize>>;
}

/// A [`ShardChooser`] by the value of one column, the shard key: a row is
/// on shard `f(key)`, and a query whose WHERE clause fixes the key runs
/// on the shards of those values only.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::shard::{ByKey, ShardChooser, WhereClause};
/// use sqlalgebra::value::ValueRef;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (Id,); type PrimaryKey = Id; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
/// # impl Column for Id { type Table = T; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// let chooser = ByKey::new(Id, |k: ValueRef<'_>| Ok(if k == ValueRef::Int(1) { 0 } else { 2 }));
/// let q = select(Id).filter(Id.in_([1, 5, 6]));
/// let w = WhereClause::new(&sqlalgebra_sqlite::Sqlite, &q, 3);
/// assert_eq!(chooser.shards_for_query(&w).unwrap(), [0, 2]);
/// ```
pub struct ByKey<C, F> {
    column: C,
    shard_of: F,
}

impl<C, F> ByKey<C, F>
where
    C: Render + Send + Sync + 'static,
    F: Fn(ValueRef<'_>) -> Result<usize> + Send + Sync + 'static,
{
    /// Shards by `column`, the row with key `k` on shard `shard_of(k)`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::shard::{ByKey, ShardChooser};
    /// use sqlalgebra::value::ValueRef;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = (Id,); type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # impl Column for Id { type Table = T; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// let chooser = ByKey::new(Id, |_: ValueRef<'_>| Ok(0));
    /// assert_eq!(chooser.shard_for_key(ValueRef::Int(9)).unwrap(), 0);
    /// ```
    pub fn new(column: C, shard_of: F) -> Self {
        ByKey { column, shard_of }
    }
}

impl<C, F> ShardChooser for ByKey<C, F>
where
    C: Render + Send + Sync + 'static,
    F: Fn(ValueRef<'_>) -> Result<usize> + Send + Sync + 'static,
{
    fn shard_for_key(&self, key: ValueRef<'_>) -> Result<usize> {
        (self.shard_of)(key)
    }

    fn shards_for_query(&self, query: &WhereClause<'_>) -> Result<Vec<usize>> {
        match query.key_values(&self.column) {
            Some(keys) => {
                let mut shards = keys
                    .into_iter()
                    .map(|k| (self.shard_of)(k))
                    .collect::<Result<Vec<_>>>()?;
                shards.sort_unstable();
                shards.dedup();
                Ok(shards)
            }
            None => Ok((0..query.shard_count()).collect()),
        }
    }
}

/// An engine over several databases of one backend, the shards; see the
/// [module](self) documentation. Cloning it is cheap and shares the
/// pools.
///
/// ```
/// use sqlalgebra::shard::{ByKey, ShardedEngine};
/// use sqlalgebra::value::ValueRef;
/// use sqlalgebra_sqlite::Sqlite;
/// # fn main() -> sqlalgebra::Result<()> {
/// let all_on_zero = ByKey::new(sqlalgebra::prelude::bind::<sqlalgebra::types::BigInt, _>(0i64), |_: ValueRef<'_>| Ok(0));
/// let engine = ShardedEngine::new(vec![Sqlite::memory()?, Sqlite::memory()?], all_on_zero);
/// assert_eq!(engine.shard_count(), 2);
/// # Ok(()) }
/// ```
pub struct ShardedEngine<B: Backend> {
    shards: Arc<[Engine<B>]>,
    chooser: Arc<dyn ShardChooser>,
}

impl<B: Backend> Clone for ShardedEngine<B> {
    fn clone(&self) -> Self {
        ShardedEngine {
            shards: Arc::clone(&self.shards),
            chooser: Arc::clone(&self.chooser),
        }
    }
}

impl<B: Backend> std::fmt::Debug for ShardedEngine<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShardedEngine")
            .field("shards", &self.shards)
            .finish_non_exhaustive()
    }
}

impl<B: Backend> ShardedEngine<B> {
    /// An engine over `shards` (shard `i` is `shards[i]`), placing rows
    /// with `chooser`.
    ///
    /// ```
    /// # use sqlalgebra::shard::{ByKey, ShardedEngine};
    /// # use sqlalgebra::value::ValueRef;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let engine = ShardedEngine::new(
    ///     vec![sqlalgebra_sqlite::Sqlite::memory()?],
    ///     ByKey::new(sqlalgebra::prelude::bind::<sqlalgebra::types::BigInt, _>(0i64), |_: ValueRef<'_>| Ok(0)),
    /// );
    /// assert_eq!(engine.shards().len(), 1);
    /// # Ok(()) }
    /// ```
    pub fn new(shards: Vec<Engine<B>>, chooser: impl ShardChooser) -> Self {
        ShardedEngine {
            shards: shards.into(),
            chooser: Arc::new(chooser),
        }
    }

    /// The shards' engines, for statements that run on one shard (DDL,
    /// writes by key).
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::shard::ShardedEngine<B>) -> sqlalgebra::Result<()> {
    /// for shard in engine.shards() {
    ///     let mut conn = shard.connect()?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn shards(&self) -> &[Engine<B>] {
        &self.shards
    }

    /// How many shards.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::shard::ShardedEngine<B>) {
    /// assert_eq!(engine.shard_count(), engine.shards().len());
    /// # }
    /// ```
    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }

    /// The shard of the row whose shard key is `key`.
    ///
    /// # Errors
    /// When the chooser refuses the key or names a shard that does not
    /// exist.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::shard::ShardedEngine<B>) -> sqlalgebra::Result<()> {
    /// let shard = engine.shard_for_key(42i64)?;
    /// assert!(shard < engine.shard_count());
    /// # Ok(()) }
    /// ```
    pub fn shard_for_key(&self, key: impl Encode) -> Result<usize> {
        self.checked(self.chooser.shard_for_key(key.encode())?)
    }

    /// A connection to the shard of `key`, and which shard it is: where
    /// to insert the row.
    ///
    /// # Errors
    /// As [`shard_for_key`](ShardedEngine::shard_for_key), and when the
    /// shard cannot be reached.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::shard::ShardedEngine<B>) -> sqlalgebra::Result<()> {
    /// let (shard, mut conn) = engine.connect_for_key(42i64)?;
    /// # Ok(()) }
    /// ```
    pub fn connect_for_key(&self, key: impl Encode) -> Result<(usize, Pooled<B>)> {
        let shard = self.shard_for_key(key)?;
        Ok((shard, self.shards[shard].connect()?))
    }

    /// The shards `query` runs on, in order.
    ///
    /// # Errors
    /// When no shard can be reached (to learn the dialect), or the chooser
    /// fails.
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = (Id,); type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # impl Column for Id { type Table = T; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::shard::ShardedEngine<B>) -> sqlalgebra::Result<()> {
    /// let all = engine.shards_for(&select(Id))?;
    /// assert_eq!(all.len(), engine.shard_count());
    /// # Ok(()) }
    /// ```
    pub fn shards_for<Q: ShardQuery>(&self, query: &Q) -> Result<Vec<usize>> {
        let dialect = self.shards[0].connect()?.dialect();
        self.route(query, dialect)
    }

    fn route<Q: ShardQuery>(
        &self,
        query: &Q,
        dialect: &'static dyn crate::render::Dialect,
    ) -> Result<Vec<usize>> {
        let shards =
            self.chooser
                .shards_for_query(&WhereClause::new(dialect, query, self.shards.len()))?;
        shards.into_iter().map(|s| self.checked(s)).collect()
    }

    fn checked(&self, shard: usize) -> Result<usize> {
        if shard < self.shards.len() {
            Ok(shard)
        } else {
            Err(ErrorKind::InvalidStatement(format!(
                "the shard chooser picked shard {shard} of {}",
                self.shards.len()
            ))
            .into())
        }
    }

    /// All rows of `query`, from the shards its WHERE clause allows,
    /// merged (see the [module](self) documentation).
    ///
    /// # Errors
    /// [`ErrorKind::Unsupported`] before anything is sent for a query that
    /// runs on several shards and cannot be merged; otherwise as
    /// [`RunQuery::load`](crate::query::RunQuery::load).
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = (Id,); type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # impl Column for Id { type Table = T; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::shard::ShardedEngine<B>) -> sqlalgebra::Result<()> {
    /// let first_ten: Vec<i64> = engine.load(&select(Id).order_by(Id).limit(10))?;
    /// # Ok(()) }
    /// ```
    pub fn load<T, Q>(&self, query: &Q) -> Result<Vec<T>>
    where
        Q: ShardQuery,
        T: FromRow<Q::SqlType>,
    {
        let first = self.shards[0].connect()?;
        let dialect = first.dialect();
        let shards = self.route(query, dialect)?;
        let parts = query.fan_out_parts().0;
        if let [shard] = shards[..] {
            let mut held = Held::default();
            let r = shard_statement(parts, None, &mut held, dialect)?;
            let mut conn = if shard == 0 {
                first
            } else {
                self.shards[shard].connect()?
            };
            let mut rows = Vec::new();
            conn.query_sql(&r.sql, &r.binds, |row| {
                rows.push(T::from_row(row, 0)?);
                Ok(true)
            })?;
            return Ok(rows);
        }
        let Some(merge) = fan_out_plan(&parts, dialect, &shards)? else {
            return Ok(Vec::new());
        };
        let mut held = Held::default();
        let r = shard_statement(parts, Some(&merge), &mut held, dialect)?;
        drop(first);
        let mut results = Vec::with_capacity(shards.len());
        for shard in shards {
            let mut conn = self.shards[shard].connect()?;
            let mut rows = Vec::new();
            let mut names = None;
            conn.query_sql(&r.sql, &r.binds, |row| {
                rows.push(ShardRow::copy(&*row, shard, &mut names)?);
                Ok(true)
            })?;
            results.push(rows);
        }
        merge::merge(results, &merge)?
            .iter_mut()
            .map(|row| T::from_row(row, 0))
            .collect()
    }

    /// Exactly one row of `query` (after the merge).
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`], [`ErrorKind::TooManyRows`]; otherwise as
    /// [`load`](ShardedEngine::load).
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = (Id,); type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # impl Column for Id { type Table = T; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::shard::ShardedEngine<B>) -> sqlalgebra::Result<()> {
    /// let n: i64 = engine.get(&select(count_star()).from(T))?;
    /// # Ok(()) }
    /// ```
    pub fn get<T, Q>(&self, query: &Q) -> Result<T>
    where
        Q: ShardQuery,
        T: FromRow<Q::SqlType>,
    {
        let mut rows = self.load(query)?.into_iter();
        match (rows.next(), rows.next()) {
            (Some(row), None) => Ok(row),
            (Some(_), Some(_)) => Err(ErrorKind::TooManyRows.into()),
            (None, _) => Err(ErrorKind::NotFound.into()),
        }
    }

    /// The chooser, for the sessions.
    pub(crate) fn chooser(&self) -> &Arc<dyn ShardChooser> {
        &self.chooser
    }
}
