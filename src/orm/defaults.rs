//! Default loading strategies declared on the relationships
//! ([`HasMany::LOADING`](super::HasMany::LOADING),
//! [`ManyToMany::LOADING`](super::ManyToMany::LOADING)), applied to the
//! objects a [`ModelQuery`](super::ModelQuery) loads unless the query
//! chooses otherwise, and the `noload` strategy.

use std::any::TypeId;
use std::future::ready;

use super::drive::Step;
use super::joined::{JoinedLoad, MakeJoinedFn};
use super::loaders::{DefaultsFn, LoadFn};
use super::loading::{ChildStore, Coll, Collections, LinkStore, Relations};
use super::model::Model;
use super::query::{ModelQuery, QuerySession};
use super::relation::{BelongsTo, HasMany, ManyToMany};
use super::strategy;
use super::unit::Unit;
use crate::conn::Connection;
use crate::error::Result;

/// How a relationship loads when a query does not say (SQLAlchemy's
/// `relationship(lazy=...)`). Declared with the relationship:
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::orm::Loading;
/// # use sqlalgebra::orm::doc_models::*;
/// # #[derive(Debug, Clone)] pub struct Shop { id: i64 }
/// # #[derive(Debug, Clone)] pub struct Item { id: i64, shop: i64 }
/// # impl Model for Shop { type Table = Users; type Columns = (users::Id,); type Row = (i64,); type Key = i64;
/// #     fn from_row((id,): Self::Row) -> Self { Shop { id } } fn values(&self) -> (&i64,) { (&self.id,) } fn key(&self) -> i64 { self.id }
/// #     fn relationships<C: Connection>(r: &mut Relationships<'_, Self, C>) { r.has_many::<Item>(); } }
/// # impl Model for Item { type Table = Addresses; type Columns = (addresses::Id, addresses::UserId); type Row = (i64, i64); type Key = i64;
/// #     fn from_row((id, shop): Self::Row) -> Self { Item { id, shop } } fn values(&self) -> (&i64, &i64) { (&self.id, &self.shop) } fn key(&self) -> i64 { self.id } }
/// # impl BelongsTo<Shop> for Item { type ForeignKey = addresses::UserId;
/// #     fn parent_key(&self) -> Option<i64> { Some(self.shop) } fn set_parent_key(&mut self, k: i64) { self.shop = k; } }
/// impl HasMany<Item> for Shop {
///     const LOADING: Loading = Loading::Selectin;
/// }
/// // ... and list it in `Model::relationships` (`r.has_many::<Item>()`),
/// // since Rust cannot enumerate a model's relationships.
/// ```
///
/// `Joined` loads the relationship in the statement that loads its
/// owners, with a LEFT JOIN: in `session.query::<M>()` and in
/// [`Session::get`](super::Session::get) / [`Session::get_many`](super::Session::get_many)
/// (and the same calls of `AsyncSession`), nested when the targets declare
/// joined relationships too. Where the owners were loaded by another
/// statement (a selectin or lazy load, a locking query, entity tuples) it
/// loads with selectin.
///
/// The default applies to the objects that `session.query::<M>()` loads
/// (`all`, `first`, `one`, `all_with`, `joined_*`), to the objects that
/// [`Session::get`](super::Session::get), [`Session::get_many`](super::Session::get_many)
/// and the lazy loads ([`Session::related`](super::Session::related),
/// [`Session::linked`](super::Session::linked), [`Session::parent`](super::Session::parent))
/// read from the database (and those of `AsyncSession`'s same calls: the
/// defaults run in the logic both sessions share), and, in turn, to the
/// objects that the query's loaders and those defaults load (a
/// relationship already followed on the way is not followed again, so
/// cycles end). A query overrides it
/// per relationship: `selectin_*`, `joined_*`, `raise_*`, `lazy_*`,
/// `noload_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Loading {
    /// Loaded on demand, one query per parent (the default).
    #[default]
    Lazy,
    /// Loaded up front with one `IN (...)` query per batch of parents.
    Selectin,
    /// Never loaded on demand: asking is [`ErrorKind::NotLoaded`](crate::ErrorKind::NotLoaded).
    Raise,
    /// Not loaded: the collection reads as empty (SQLAlchemy's `noload`).
    NoLoad,
    /// Loaded in the same statement as its owners, with a LEFT JOIN
    /// (SQLAlchemy's `lazy="joined"`); with selectin where the owners
    /// come from another statement.
    Joined,
}

/// One relationship's default strategy.
pub(crate) struct DefaultLoad<C: Connection> {
    /// The relationship (its store's type).
    pub(crate) rel: TypeId,
    load: LoadFn<C>,
    then: Option<DefaultsFn<C>>,
    /// For `Joined`: the relationship as a node of the query's joins.
    pub(crate) joined: Option<MakeJoinedFn<C>>,
}

impl<C: Connection> Clone for DefaultLoad<C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C: Connection> Copy for DefaultLoad<C> {}

/// The identity of the one-to-many relationship from `P` to `Ch`.
pub(crate) fn children_rel<P: HasMany<Ch>, Ch: BelongsTo<P>>() -> TypeId {
    TypeId::of::<ChildStore<P, Ch>>()
}

/// The identity of the many-to-many relationship from `L` to `R`.
pub(crate) fn linked_rel<L: ManyToMany<R>, R: Model>() -> TypeId {
    TypeId::of::<LinkStore<L, R>>()
}

/// The default of the one-to-many relationship from `P` to `Ch`, if it is
/// not lazy.
pub(crate) fn children_default<P, Ch, C>() -> Option<DefaultLoad<C>>
where
    P: HasMany<Ch>,
    Ch: BelongsTo<P>,
    C: Connection,
{
    let selectin: LoadFn<C> = strategy::selectin_children::<P, Ch, C>;
    let (load, then, joined): (LoadFn<C>, Option<DefaultsFn<C>>, _) = match P::LOADING {
        Loading::Lazy => return None,
        Loading::Selectin => (selectin, Some(defaults_step::<Ch, C>), None),
        Loading::Joined => (
            selectin,
            Some(defaults_step::<Ch, C>),
            Some(JoinedLoad::children_default::<P, Ch> as MakeJoinedFn<C>),
        ),
        Loading::Raise => (strategy::raise_children::<P, Ch, C>, None, None),
        Loading::NoLoad => (noload_children::<P, Ch, C>, None, None),
    };
    Some(DefaultLoad {
        rel: children_rel::<P, Ch>(),
        load,
        then,
        joined,
    })
}

/// The default of the many-to-many relationship from `L` to `R`, if it is
/// not lazy.
pub(crate) fn linked_default<L, R, C>() -> Option<DefaultLoad<C>>
where
    L: ManyToMany<R>,
    R: Model,
    C: Connection,
{
    let selectin: LoadFn<C> = strategy::selectin_linked::<L, R, C>;
    let (load, then, joined): (LoadFn<C>, Option<DefaultsFn<C>>, _) = match L::LOADING {
        Loading::Lazy => return None,
        Loading::Selectin => (selectin, Some(defaults_step::<R, C>), None),
        Loading::Joined => (
            selectin,
            Some(defaults_step::<R, C>),
            Some(JoinedLoad::linked_default::<L, R> as MakeJoinedFn<C>),
        ),
        Loading::Raise => (strategy::raise_linked::<L, R, C>, None, None),
        Loading::NoLoad => (noload_linked::<L, R, C>, None, None),
    };
    Some(DefaultLoad {
        rel: linked_rel::<L, R>(),
        load,
        then,
        joined,
    })
}

/// Applies `M`'s default strategies to the objects in `slots`, except for
/// the relationships in `skip` (chosen by the query, or followed already
/// on the way here).
pub(crate) async fn run_defaults<M: Model, C: Connection>(
    u: &mut Unit<'_, C>,
    slots: &[u32],
    skip: &mut Vec<TypeId>,
) -> Result<()> {
    if slots.is_empty() {
        return Ok(());
    }
    for d in u.rels.defaults_of::<M>() {
        if skip.contains(&d.rel) {
            continue;
        }
        let related = (d.load)(u, slots, d.then.is_some()).await?;
        if let Some(then) = d.then {
            skip.push(d.rel);
            then(u, &related, skip).await?;
            skip.pop();
        }
    }
    Ok(())
}

/// [`run_defaults`] as a boxed step: what loaders and defaults hold (a
/// model's defaults may lead back to it).
pub(crate) fn defaults_step<'u, M: Model, C: Connection>(
    u: &'u mut Unit<'_, C>,
    slots: &'u [u32],
    skip: &'u mut Vec<TypeId>,
) -> Step<'u, Result<()>> {
    Box::pin(run_defaults::<M, C>(u, slots, skip))
}

/// The `Joined` defaults of `M`'s relationships not in `skip`, as join
/// nodes (each with the joined defaults of its targets nested, a
/// relationship followed on the way not followed again), with their
/// relationships.
pub(crate) fn joined_defaults<M: Model, C: Connection>(
    rels: &mut Relations<C>,
    skip: &mut Vec<TypeId>,
) -> Vec<(TypeId, JoinedLoad<C>)> {
    let mut out = Vec::new();
    for d in rels.defaults_of::<M>() {
        let Some(make) = d.joined else { continue };
        if skip.contains(&d.rel) {
            continue;
        }
        skip.push(d.rel);
        let node = make(rels, skip);
        skip.pop();
        out.push((d.rel, node));
    }
    out
}

/// Marks each unloaded collection of `parents` loaded and empty.
fn mark_empty(colls: &mut Collections, parents: &[u32]) -> Vec<u32> {
    for p in colls.unloaded(parents) {
        colls.set(p, Coll::Loaded(Vec::new()));
    }
    Vec::new()
}

/// *noload* of `P`'s children: collections not loaded yet read as empty.
fn noload_children<'u, P, Ch, C>(
    u: &'u mut Unit<'_, C>,
    parents: &'u [u32],
    _related: bool,
) -> Step<'u, Result<Vec<u32>>>
where
    P: HasMany<Ch>,
    Ch: BelongsTo<P>,
    C: Connection,
{
    let colls = &mut u.rels.children::<P, Ch>().colls;
    Box::pin(ready(Ok(mark_empty(colls, parents))))
}

/// *noload* of `L`'s many-to-many targets.
fn noload_linked<'u, L, R, C>(
    u: &'u mut Unit<'_, C>,
    sources: &'u [u32],
    _related: bool,
) -> Step<'u, Result<Vec<u32>>>
where
    L: ManyToMany<R>,
    R: Model,
    C: Connection,
{
    let colls = &mut u.rels.links::<L, R>().colls;
    Box::pin(ready(Ok(mark_empty(colls, sources))))
}

impl<'s, S, M, Q> ModelQuery<'s, S, M, Q>
where
    S: QuerySession,
    M: Model,
{
    /// Leaves the children `Ch` to load on demand
    /// ([`Session::related`](super::Session::related)),
    /// whatever [`HasMany::LOADING`] declares (*lazy*).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection + 'static>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// let users = s.query::<User>().lazy_children::<Address>().all()?;
    /// # Ok(()) }
    /// ```
    pub fn lazy_children<Ch>(mut self) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.loaders.plan.overrides.push(children_rel::<M, Ch>());
        self
    }

    /// Does not load the children `Ch`: the collections of the objects
    /// returned that are not loaded yet read as empty, without SQL
    /// (*noload*). A cascade delete then does not see those children:
    /// delete them yourself.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection + 'static>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// let users = s.query::<User>().noload_children::<Address>().all()?;
    /// # Ok(()) }
    /// ```
    pub fn noload_children<Ch>(mut self) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.loaders = self.loaders.push::<Ch>(
            Some(children_rel::<M, Ch>()),
            noload_children::<M, Ch, S::Conn>,
            |l| l,
        );
        self
    }

    /// [`lazy_children`](ModelQuery::lazy_children) for the many-to-many
    /// targets `R`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection + 'static>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// let products = s.query::<Product>().lazy_linked::<Tag>().all()?;
    /// # Ok(()) }
    /// ```
    pub fn lazy_linked<R>(mut self) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.loaders.plan.overrides.push(linked_rel::<M, R>());
        self
    }

    /// [`noload_children`](ModelQuery::noload_children) for the
    /// many-to-many targets `R`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection + 'static>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// let products = s.query::<Product>().noload_linked::<Tag>().all()?;
    /// # Ok(()) }
    /// ```
    pub fn noload_linked<R>(mut self) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.loaders = self.loaders.push::<R>(
            Some(linked_rel::<M, R>()),
            noload_linked::<M, R, S::Conn>,
            |l| l,
        );
        self
    }
}
