//! Default loading strategies declared on the relationships
//! ([`HasMany::LOADING`](super::HasMany::LOADING),
//! [`ManyToMany::LOADING`](super::ManyToMany::LOADING)), applied to the
//! objects a [`ModelQuery`](super::ModelQuery) loads unless the query
//! chooses otherwise, and the `noload` strategy.

use std::any::TypeId;
use std::future::ready;

use super::drive::{Step, block_on};
use super::loading::{ChildStore, Coll, Collections, LinkStore};
use super::model::Model;
use super::query::ModelQuery;
use super::relation::{BelongsTo, HasMany, ManyToMany};
use super::session::Session;
use super::strategy::mark_raise;
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
/// The default applies to the objects that `session.query::<M>()` loads
/// (`all`, `first`, `one`, `all_with`, `joined_*`), to the objects that
/// [`Session::get`](super::Session::get), [`Session::get_many`](super::Session::get_many)
/// and the lazy loads ([`Session::related`](super::Session::related),
/// [`Session::linked`](super::Session::linked), [`Session::parent`](super::Session::parent))
/// read from the database (and those of `AsyncSession`'s same calls: the
/// defaults run in the logic both sessions share), and, in turn, to the objects that the query's
/// loaders and those defaults load (a relationship already followed on
/// the way is not followed again, so cycles end). A query overrides it
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
}

/// A default strategy, run by the session's logic.
type LoadFn<C> = for<'u, 'x> fn(&'u mut Unit<'x, C>, &'u [u32], bool) -> Step<'u, Result<Vec<u32>>>;

/// Runs the defaults of the target model on what a default loaded.
type ThenFn<C> =
    for<'u, 'x> fn(&'u mut Unit<'x, C>, &'u [u32], &'u mut Vec<TypeId>) -> Step<'u, Result<()>>;

/// One relationship's default strategy.
pub(crate) struct DefaultLoad<C: Connection> {
    /// The relationship (its store's type).
    pub(crate) rel: TypeId,
    load: LoadFn<C>,
    then: Option<ThenFn<C>>,
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
    let (load, then): (LoadFn<C>, Option<ThenFn<C>>) = match P::LOADING {
        Loading::Lazy => return None,
        Loading::Selectin => (selectin_children::<P, Ch, C>, Some(then_defaults::<Ch, C>)),
        Loading::Raise => (raise_children::<P, Ch, C>, None),
        Loading::NoLoad => (noload_children_of::<P, Ch, C>, None),
    };
    Some(DefaultLoad {
        rel: children_rel::<P, Ch>(),
        load,
        then,
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
    let (load, then): (LoadFn<C>, Option<ThenFn<C>>) = match L::LOADING {
        Loading::Lazy => return None,
        Loading::Selectin => (selectin_linked::<L, R, C>, Some(then_defaults::<R, C>)),
        Loading::Raise => (raise_linked::<L, R, C>, None),
        Loading::NoLoad => (noload_linked_of::<L, R, C>, None),
    };
    Some(DefaultLoad {
        rel: linked_rel::<L, R>(),
        load,
        then,
    })
}

/// Applies `M`'s default strategies to the objects in `slots` (see
/// [`Unit::run_defaults`]): the sync session's call, for the query
/// builder's loaders.
pub(crate) fn run_defaults<M: Model, C: Connection>(
    s: &mut Session<'_, C>,
    slots: &[u32],
    skip: &mut Vec<TypeId>,
) -> Result<()> {
    block_on(s.unit().run_defaults::<M>(slots, skip))
}

impl<C: Connection> Unit<'_, C> {
    /// Applies `M`'s default strategies to the objects in `slots`, except
    /// for the relationships in `skip` (chosen by the query, or followed
    /// already on the way here).
    pub(crate) async fn run_defaults<M: Model>(
        &mut self,
        slots: &[u32],
        skip: &mut Vec<TypeId>,
    ) -> Result<()> {
        if slots.is_empty() {
            return Ok(());
        }
        self.rels.register::<M>();
        let defaults = self.rels.defaults_of::<M>();
        for d in defaults {
            if skip.contains(&d.rel) {
                continue;
            }
            let related = (d.load)(self, slots, d.then.is_some()).await?;
            if let Some(then) = d.then {
                skip.push(d.rel);
                then(self, &related, skip).await?;
                skip.pop();
            }
        }
        Ok(())
    }
}

/// The defaults of `M` on what a default loaded (boxed: defaults nest).
fn then_defaults<'u, M: Model, C: Connection>(
    u: &'u mut Unit<'_, C>,
    slots: &'u [u32],
    skip: &'u mut Vec<TypeId>,
) -> Step<'u, Result<()>> {
    Box::pin(u.run_defaults::<M>(slots, skip))
}

/// *selectin* of `P`'s children.
fn selectin_children<'u, P, Ch, C>(
    u: &'u mut Unit<'_, C>,
    parents: &'u [u32],
    related: bool,
) -> Step<'u, Result<Vec<u32>>>
where
    P: HasMany<Ch>,
    Ch: BelongsTo<P>,
    C: Connection,
{
    Box::pin(u.selectin_children::<P, Ch>(parents, related))
}

/// *selectin* of `L`'s many-to-many targets.
fn selectin_linked<'u, L, R, C>(
    u: &'u mut Unit<'_, C>,
    sources: &'u [u32],
    related: bool,
) -> Step<'u, Result<Vec<u32>>>
where
    L: ManyToMany<R>,
    R: Model,
    C: Connection,
{
    Box::pin(u.selectin_linked::<L, R>(sources, related))
}

/// *raise* of `P`'s children.
fn raise_children<'u, P, Ch, C>(
    u: &'u mut Unit<'_, C>,
    parents: &'u [u32],
    related: bool,
) -> Step<'u, Result<Vec<u32>>>
where
    P: HasMany<Ch>,
    Ch: BelongsTo<P>,
    C: Connection,
{
    let colls = &mut u.rels.children::<P, Ch>().colls;
    Box::pin(ready(Ok(mark_raise(colls, parents, related))))
}

/// *raise* of `L`'s many-to-many targets.
fn raise_linked<'u, L, R, C>(
    u: &'u mut Unit<'_, C>,
    sources: &'u [u32],
    related: bool,
) -> Step<'u, Result<Vec<u32>>>
where
    L: ManyToMany<R>,
    R: Model,
    C: Connection,
{
    let colls = &mut u.rels.links::<L, R>().colls;
    Box::pin(ready(Ok(mark_raise(colls, sources, related))))
}

/// Marks each unloaded collection of `parents` loaded and empty.
fn mark_empty(colls: &mut Collections, parents: &[u32]) -> Vec<u32> {
    for p in colls.unloaded(parents) {
        colls.set(p, Coll::Loaded(Vec::new()));
    }
    Vec::new()
}

/// *noload* of `P`'s children: collections not loaded yet read as empty.
fn noload_children<P, Ch, C>(
    s: &mut Session<'_, C>,
    parents: &[u32],
    _related: bool,
) -> Result<Vec<u32>>
where
    P: HasMany<Ch>,
    Ch: BelongsTo<P>,
    C: Connection,
{
    Ok(mark_empty(&mut s.rels.children::<P, Ch>().colls, parents))
}

/// *noload* of `L`'s many-to-many targets.
fn noload_linked<L, R, C>(
    s: &mut Session<'_, C>,
    sources: &[u32],
    _related: bool,
) -> Result<Vec<u32>>
where
    L: ManyToMany<R>,
    R: Model,
    C: Connection,
{
    Ok(mark_empty(&mut s.rels.links::<L, R>().colls, sources))
}

/// [`noload_children`] as a default strategy.
fn noload_children_of<'u, P, Ch, C>(
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

/// [`noload_linked`] as a default strategy.
fn noload_linked_of<'u, L, R, C>(
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

impl<'s, 'c, C, M, Q> ModelQuery<'s, 'c, C, M, Q>
where
    C: Connection,
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
        self.loaders.overrides.push(children_rel::<M, Ch>());
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
            noload_children::<M, Ch, C>,
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
        self.loaders.overrides.push(linked_rel::<M, R>());
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
        self.loaders =
            self.loaders
                .push::<R>(Some(linked_rel::<M, R>()), noload_linked::<M, R, C>, |l| l);
        self
    }
}
