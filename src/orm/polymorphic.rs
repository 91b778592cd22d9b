//! The base of single-table inheritance ([`Polymorphic`]): a query for
//! every row of the shared table, each loaded as the subtype its
//! discriminator names ([`PolymorphicQuery`]). One builder for both
//! sessions, as [`ModelQuery`](super::ModelQuery) is; what its terminals
//! run is shared `async` code on [`Unit`], which the sync session drives
//! with `block_on` and `AsyncSession` awaits (see [`drive`](super::drive)).

use std::marker::PhantomData;

use super::drive::block_on;
use super::handle::Handle;
use super::identity::IdentityMap;
use super::joined::decode;
use super::model::Model;
use super::query::{Parts, QuerySession, write_from_table};
use super::session::Session;
use super::unit::Unit;
use crate::conn::Connection;
use crate::error::{ErrorKind, Result};
use crate::expr::OrderBy;
use crate::query::{AndPredicate, Clause, MaybeClause, Predicate, write_limit_offset};
use crate::render::{Dialect, Rendered, SqlWriter};
use crate::schema::{ColumnList, Table};
use crate::value::{Row, ValueRef};

/// Reads one subtype's object at a column offset into the identity map:
/// its slot (`None`: the row has no key).
type LoadFn<C> = fn(&mut IdentityMap<C>, &mut dyn Row, usize) -> Result<Option<u32>>;

/// One subtype of a [`Polymorphic`] base.
struct Subtype<P, C: Connection> {
    identity: &'static str,
    columns: &'static [&'static str],
    load: LoadFn<C>,
    /// The base wrapping a handle of the subtype (its enum variant).
    wrap: Box<dyn Fn(u32) -> P + Send + Sync>,
}

/// The [`LoadFn`] of a subtype that declares no discriminator: its rows
/// cannot be told apart.
fn refuse<S, C: Connection>(
    _: &mut IdentityMap<C>,
    _: &mut dyn Row,
    _: usize,
) -> Result<Option<u32>> {
    Err(ErrorKind::InvalidStatement(format!(
        "`{}` declares no `Model::DISCRIMINATOR`",
        std::any::type_name::<S>()
    ))
    .into())
}

/// The subtypes of a [`Polymorphic`] base, as its
/// [`subtypes`](Polymorphic::subtypes) lists them.
///
/// ```
/// # use sqlalgebra::orm::doc_models::*;
/// # use sqlalgebra::prelude::*;
/// use sqlalgebra::orm::{Polymorphic, Subtypes};
/// # #[derive(Debug, Clone, Copy)] pub enum Someone { User(Handle<User>) }
/// impl Polymorphic for Someone {
///     type Table = Users;
///     fn subtypes<C: Connection>(s: &mut Subtypes<Self, C>) {
///         s.add(Someone::User);
///     }
/// }
/// ```
pub struct Subtypes<P, C: Connection> {
    list: Vec<Subtype<P, C>>,
    column: Option<&'static str>,
}

impl<P, C: Connection> std::fmt::Debug for Subtypes<P, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subtypes")
            .field(
                "identities",
                &self.list.iter().map(|s| s.identity).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl<P: Polymorphic, C: Connection> Subtypes<P, C> {
    /// The subtypes `P` lists.
    fn of() -> Self {
        let mut s = Subtypes {
            list: Vec::new(),
            column: None,
        };
        P::subtypes(&mut s);
        s
    }

    /// The subtype `S`, whose handles `variant` wraps (an enum variant
    /// such as `Staff::Manager`).
    pub fn add<S>(&mut self, variant: fn(Handle<S>) -> P) -> &mut Self
    where
        S: Model<Table = P::Table>,
    {
        let wrap = Box::new(move |slot| variant(Handle::from_index(slot)));
        let Some(d) = S::DISCRIMINATOR else {
            // Refused when a row of it is read (`column` stays as it is).
            self.list.push(Subtype {
                identity: "",
                columns: &[],
                load: refuse::<S, C>,
                wrap,
            });
            return self;
        };
        self.column.get_or_insert(d.column());
        self.list.push(Subtype {
            identity: d.value(),
            columns: <S::Columns as ColumnList>::NAMES,
            load: decode::<S, C>,
            wrap,
        });
        self
    }
}

/// The base of single-table inheritance: an enum (or any type) of the
/// subtypes' handles, loaded with [`Session::polymorphic`] (or
/// `AsyncSession::polymorphic`). Implemented by hand in a few lines:
///
/// ```
/// # use sqlalgebra::orm::doc_models::*;
/// # use sqlalgebra::prelude::*;
/// use sqlalgebra::orm::{Polymorphic, Subtypes};
/// # #[derive(Debug, Clone, Copy)] pub enum Someone { User(Handle<User>) }
/// // enum Staff { Manager(Handle<Manager>), Engineer(Handle<Engineer>) }
/// impl Polymorphic for Someone {
///     type Table = Users;
///     fn subtypes<C: Connection>(s: &mut Subtypes<Self, C>) {
///         s.add(Someone::User); // s.add(Staff::Manager).add(Staff::Engineer)
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the base of single-table inheritance",
    note = "implement `sqlalgebra::orm::Polymorphic`: the shared table and the subtypes"
)]
pub trait Polymorphic: Sized + 'static {
    /// The table the subtypes share.
    type Table: Table;
    /// Lists the subtypes with [`Subtypes::add`].
    fn subtypes<C: Connection>(s: &mut Subtypes<Self, C>);
}

/// A query for the rows of a [`Polymorphic`] base, each loaded as its
/// subtype: see [`Session::polymorphic`]. The same builder serves
/// `AsyncSession::polymorphic`, whose terminals are awaited.
#[must_use = "a query does nothing until it is run with `all`, `first` or `one`"]
pub struct PolymorphicQuery<'s, S: QuerySession, P, Q = Parts> {
    pub(super) session: &'s mut S,
    pub(super) parts: Q,
    _base: PhantomData<fn() -> P>,
}

impl<'s, S: QuerySession, P: Polymorphic> PolymorphicQuery<'s, S, P> {
    pub(super) fn new(session: &'s mut S) -> Self {
        PolymorphicQuery {
            session,
            parts: Parts::default(),
            _base: PhantomData,
        }
    }
}

impl<S: QuerySession, P, Q> std::fmt::Debug for PolymorphicQuery<'_, S, P, Q> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolymorphicQuery")
            .field("base", &std::any::type_name::<P>())
            .finish()
    }
}

impl<'c, C: Connection> Session<'c, C> {
    /// A query for every row of the table `P` maps, each loaded as the
    /// subtype its discriminator names (SQLAlchemy's `select(Employee)`
    /// over a single-table hierarchy), into that subtype's identity map.
    ///
    /// ```
    /// # use sqlalgebra::orm::doc_models::*;
    /// # use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::{Polymorphic, Subtypes};
    /// # #[derive(Debug, Clone, Copy)] pub enum Someone { User(Handle<User>) }
    /// # impl Polymorphic for Someone { type Table = Users;
    /// #     fn subtypes<C: Connection>(s: &mut Subtypes<Self, C>) { s.add(Someone::User); } }
    /// # fn demo<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// // SELECT "users"."status", <each subtype's columns> FROM "users" WHERE ... ORDER BY ...
    /// let everyone: Vec<Someone> = s
    ///     .polymorphic::<Someone>()
    ///     .filter(users::Name.like("a%"))
    ///     .order_by(users::Id.asc())
    ///     .all()?;
    /// # Ok(()) }
    /// ```
    pub fn polymorphic<P: Polymorphic>(&mut self) -> PolymorphicQuery<'_, Self, P> {
        PolymorphicQuery::new(self)
    }
}

impl<'s, S, P, W, O> PolymorphicQuery<'s, S, P, Parts<(), W, O>>
where
    S: QuerySession,
    P: Polymorphic,
    W: MaybeClause,
    O: MaybeClause,
{
    /// Adds a WHERE condition; several calls are ANDed.
    pub fn filter<F: Predicate>(
        self,
        predicate: F,
    ) -> PolymorphicQuery<'s, S, P, Parts<(), W::Output, O>>
    where
        W: AndPredicate<F>,
    {
        let p = self.parts;
        PolymorphicQuery {
            session: self.session,
            parts: Parts {
                joins: (),
                filter: p.filter.and_predicate(predicate),
                order: p.order,
                limit: p.limit,
                offset: p.offset,
                lock: p.lock,
            },
            _base: PhantomData,
        }
    }

    /// `ORDER BY ...`; replaces an earlier one.
    pub fn order_by<O2: OrderBy>(
        self,
        order: O2,
    ) -> PolymorphicQuery<'s, S, P, Parts<(), W, Clause<O2>>> {
        let p = self.parts;
        PolymorphicQuery {
            session: self.session,
            parts: Parts {
                joins: (),
                filter: p.filter,
                order: Clause(order),
                limit: p.limit,
                offset: p.offset,
                lock: p.lock,
            },
            _base: PhantomData,
        }
    }

    /// `LIMIT n`.
    pub fn limit(mut self, n: u64) -> Self {
        self.parts.limit = Some(i64::try_from(n).unwrap_or(i64::MAX));
        self
    }

    /// `OFFSET n`.
    pub fn offset(mut self, n: u64) -> Self {
        self.parts.offset = Some(i64::try_from(n).unwrap_or(i64::MAX));
        self
    }
}

impl<C, P, W, O> PolymorphicQuery<'_, Session<'_, C>, P, Parts<(), W, O>>
where
    C: Connection,
    P: Polymorphic,
    W: MaybeClause,
    O: MaybeClause,
{
    /// Every row, as its subtype, in row order.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidStatement`] when a subtype declares no
    /// discriminator, or a row's discriminator names no subtype; otherwise
    /// when the query (or the autoflush before it) fails.
    pub fn all(self) -> Result<Vec<P>> {
        block_on(
            self.session
                .unit()
                .query_polymorphic::<P, W, O>(&self.parts),
        )
    }

    /// The first row, if any (`LIMIT 1`).
    ///
    /// # Errors
    /// As [`all`](PolymorphicQuery::all).
    pub fn first(self) -> Result<Option<P>> {
        Ok(self.limit(1).all()?.into_iter().next())
    }

    /// Exactly one row.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for none, [`ErrorKind::TooManyRows`] for more;
    /// otherwise as [`all`](PolymorphicQuery::all).
    pub fn one(self) -> Result<P> {
        the_one(self.limit(2).all()?)
    }
}

/// The one object of a result limited to two rows.
pub(super) fn the_one<P>(mut all: Vec<P>) -> Result<P> {
    match all.len() {
        1 => Ok(all.remove(0)),
        0 => Err(ErrorKind::NotFound.into()),
        _ => Err(ErrorKind::TooManyRows.into()),
    }
}

impl<C: Connection> Unit<'_, C> {
    /// Runs a polymorphic query: the discriminator and every subtype's
    /// columns, each row read as the subtype it names into that subtype's
    /// identity map; the base's values in row order.
    pub(crate) async fn query_polymorphic<P, W, O>(
        &mut self,
        parts: &Parts<(), W, O>,
    ) -> Result<Vec<P>>
    where
        P: Polymorphic,
        W: MaybeClause,
        O: MaybeClause,
    {
        let subtypes = Subtypes::<P, C>::of();
        let table = P::Table::NAME;
        let Some(column) = subtypes.column else {
            return Err(ErrorKind::InvalidStatement(format!(
                "`{}` lists no subtype with a discriminator",
                std::any::type_name::<P>()
            ))
            .into());
        };
        self.autoflush().await?;
        let (map, mut db) = self.split();
        let (r, offsets) = polymorphic_sql(db.dialect(), table, column, &subtypes, parts)?;
        let list = &subtypes.list;
        // Each row's subtype and slot; wrapped in the base after.
        let mut found: Vec<(usize, u32)> = Vec::new();
        db.query(&r, |row| {
            let named = match row.value(0)? {
                ValueRef::Text(t) => list.iter().position(|s| s.identity == t),
                _ => None,
            };
            let Some(i) = named else {
                return Err(ErrorKind::InvalidStatement(format!(
                    "a row of `{table}` has the discriminator {:?}, which no subtype of `{}` declares",
                    row.value(0)?,
                    std::any::type_name::<P>()
                )).into());
            };
            let slot = (list[i].load)(map, &mut *row, offsets[i])?.ok_or(ErrorKind::NotFound)?;
            found.push((i, slot));
            Ok(true)
        })
        .await?;
        Ok(found
            .into_iter()
            .map(|(i, slot)| (list[i].wrap)(slot))
            .collect())
    }
}

/// `SELECT <discriminator>, <each subtype's columns> FROM <table> ...`:
/// the statement of [`Unit::query_polymorphic`], rendered outside its
/// future (the writer is not `Send`), and the column where each subtype's
/// columns start.
fn polymorphic_sql<'a, P, C, W, O>(
    d: &'static dyn Dialect,
    table: &'static str,
    column: &'static str,
    subtypes: &Subtypes<P, C>,
    parts: &'a Parts<(), W, O>,
) -> Result<(Rendered<'a>, Vec<usize>)>
where
    C: Connection,
    W: MaybeClause,
    O: MaybeClause,
{
    let mut w = SqlWriter::new(d);
    w.push_sql("SELECT ");
    w.push_qualified(table, column);
    let mut offsets = Vec::with_capacity(subtypes.list.len());
    let mut at = 1;
    for sub in &subtypes.list {
        offsets.push(at);
        at += sub.columns.len();
        for name in sub.columns {
            w.push_sql(", ");
            w.push_qualified(table, name);
        }
    }
    let mark = write_from_table(&mut w, table, parts);
    parts.filter.write_clause(&mut w, " WHERE ");
    w.push_sort_key(|w| parts.order.write_clause(w, " ORDER BY "));
    write_limit_offset(&mut w, parts.limit, parts.offset);
    w.leave_scope(mark);
    Ok((w.finish()?, offsets))
}
