//! Joined eager loading: the relationships a [`ModelQuery`] loads in its
//! own statement with LEFT JOINs (SQLAlchemy's `joinedload`), for every
//! relationship kind, several per query and nested, with the rows
//! de-duplicated into objects and collections (SQLAlchemy's `unique()`).
//!
//! Each joined relationship is a node of a tree under the query's model.
//! The statement selects the columns of every node after the model's
//! own, joins each node's table under an alias of its own (`"t_1"`,
//! `"t_2"`, ... so that the eager joins never change what the query's
//! filters mean), and each row is read left to right: the model's object,
//! then each node's object (absent when its cells are NULL), put in the
//! identity map and recorded under its owner's slot.

use std::any::TypeId;

use super::arena::FastMap;
use super::defaults::{children_rel, defaults_step, joined_defaults, linked_rel};
use super::identity::{IdentityMap, key_names};
use super::inherit::Discriminator;
use super::loaders::{DefaultsFn, LoadFn, Loader, Loaders, Plan};
use super::loading::{Coll, Relations};
use super::model::{Model, SqlRow};
use super::query::{JoinList, ModelQuery, Parts, QuerySession};
use super::relation::{BelongsTo, HasMany, HasOne, ManyToMany};
use super::strategy;
use super::unit::Unit;
use crate::conn::Connection;
use crate::error::Result;
use crate::query::MaybeClause;
use crate::schema::{Column, ColumnList, Table};
use crate::value::{FromRow, Row};

/// Reads a node's object from a row at a column offset and puts it in the
/// identity map; `None` when the join found nothing.
type DecodeFn<C> = fn(&mut IdentityMap<C>, &mut dyn Row, usize) -> Result<Option<u32>>;

/// Records what a node loaded (its owners and their targets) in the
/// session's collections; returns the targets, each once.
type StoreFn<C> = for<'a> fn(&mut Unit<'a, C>, &Gathered) -> Vec<u32>;

/// The `Joined` defaults of a model not in the list given, as nodes.
type ExpandFn<C> = fn(&mut Relations<C>, &mut Vec<TypeId>) -> Vec<(TypeId, JoinedLoad<C>)>;

/// Makes the node of a relationship whose declared default is `Joined`
/// (its targets' joined defaults nested), cutting the relationships in
/// the list given (those followed on the way).
pub(crate) type MakeJoinedFn<C> = fn(&mut Relations<C>, &mut Vec<TypeId>) -> JoinedLoad<C>;

/// How a node's table joins its owner's.
#[derive(Debug, Clone, Copy)]
pub(super) enum Shape {
    /// Many-to-one: `target.key = owner.fk`.
    Parent { fk: &'static str },
    /// One-to-many, one-to-one: `target.fk = owner.key`.
    Children { fk: &'static str },
    /// Many-to-many: `link.left = owner.key`, then `target.key = link.right`.
    Linked {
        link: &'static str,
        left: &'static str,
        right: &'static str,
    },
}

/// One relationship loaded with a JOIN, and what to do with the objects
/// it loads.
pub(crate) struct JoinedLoad<C: Connection> {
    pub(super) table: &'static str,
    pub(super) key: &'static [&'static str],
    pub(super) columns: &'static [&'static str],
    pub(super) shape: Shape,
    /// The target's discriminator, matched in the ON condition.
    pub(super) disc: Option<Discriminator>,
    pub(super) decode: DecodeFn<C>,
    pub(super) store: StoreFn<C>,
    /// The same relationship loaded with selectin (when nested under a
    /// selectin loader, which has no statement to join into).
    selectin: LoadFn<C>,
    pub(super) defaults: DefaultsFn<C>,
    /// The relationships of the targets not to apply defaults to.
    pub(super) skip: Vec<TypeId>,
    /// Selectin loaders run on the targets.
    pub(super) then: Vec<Loader<C>>,
    /// Joined loads of the targets' relationships.
    pub(super) joined: Vec<JoinedLoad<C>>,
    /// The target model's `Joined` defaults.
    expand: ExpandFn<C>,
    /// Whether they are in `joined` already.
    expanded: bool,
}

impl<C: Connection> JoinedLoad<C> {
    /// A node for the relationship `rel` to `T`, with the loads `nested`
    /// on its targets.
    fn new<T: Model>(
        rel: Option<TypeId>,
        shape: Shape,
        store: StoreFn<C>,
        selectin: LoadFn<C>,
        nested: Plan<C>,
    ) -> Self {
        let mut skip = nested.overrides;
        skip.extend(rel);
        JoinedLoad {
            table: T::Table::NAME,
            key: key_names::<T>(),
            columns: <T::Columns as ColumnList>::NAMES,
            shape,
            disc: T::DISCRIMINATOR,
            decode: decode::<T, C>,
            store,
            selectin,
            defaults: defaults_step::<T, C>,
            skip,
            then: nested.list,
            joined: nested.joined,
            expand: joined_defaults::<T, C>,
            expanded: false,
        }
    }

    fn children<P, Ch>(nested: Plan<C>) -> Self
    where
        P: HasMany<Ch>,
        Ch: BelongsTo<P>,
    {
        Self::new::<Ch>(
            Some(children_rel::<P, Ch>()),
            Shape::Children {
                fk: <Ch as BelongsTo<P>>::ForeignKey::NAME,
            },
            store_children::<P, Ch, C>,
            strategy::selectin_children::<P, Ch, C>,
            nested,
        )
    }

    fn linked<L, R>(nested: Plan<C>) -> Self
    where
        L: ManyToMany<R>,
        R: Model,
    {
        Self::new::<R>(
            Some(linked_rel::<L, R>()),
            Shape::Linked {
                link: <L::Link as Table>::NAME,
                left: <L as ManyToMany<R>>::Left::NAME,
                right: <L as ManyToMany<R>>::Right::NAME,
            },
            store_linked::<L, R, C>,
            strategy::selectin_linked::<L, R, C>,
            nested,
        )
    }

    /// The node of a one-to-many relationship declared `Joined`: see
    /// [`MakeJoinedFn`].
    pub(crate) fn children_default<P, Ch>(rels: &mut Relations<C>, path: &mut Vec<TypeId>) -> Self
    where
        P: HasMany<Ch>,
        Ch: BelongsTo<P>,
    {
        Self::children::<P, Ch>(Plan::new()).expand_with(rels, path)
    }

    /// The node of a many-to-many relationship declared `Joined`.
    pub(crate) fn linked_default<L, R>(rels: &mut Relations<C>, path: &mut Vec<TypeId>) -> Self
    where
        L: ManyToMany<R>,
        R: Model,
    {
        Self::linked::<L, R>(Plan::new()).expand_with(rels, path)
    }

    /// Nests the target model's `Joined` defaults that are neither chosen
    /// by the node's own loaders nor on `path` (the relationships
    /// followed to get here), then does the same in the nested nodes.
    fn expand_with(mut self, rels: &mut Relations<C>, path: &mut Vec<TypeId>) -> Self {
        let depth = path.len();
        if !self.expanded {
            path.extend(self.skip.iter().copied());
            for (rel, node) in (self.expand)(rels, path) {
                self.skip.push(rel);
                self.joined.push(node);
            }
            path.truncate(depth);
            self.expanded = true;
        }
        path.extend(self.skip.iter().copied());
        let nested = std::mem::take(&mut self.joined);
        self.joined = nested
            .into_iter()
            .map(|n| n.expand_with(rels, path))
            .collect();
        path.truncate(depth);
        self
    }

    /// The same relationship, nested loads included, as selectin loaders.
    pub(super) fn into_selectin(self) -> Loader<C> {
        let mut then = self.then;
        then.extend(self.joined.into_iter().map(JoinedLoad::into_selectin));
        Loader {
            load: self.selectin,
            then,
            defaults: self.defaults,
            skip: self.skip,
        }
    }
}

/// What one node loaded from the rows: its owners (each once, in row
/// order) and the `(owner, target)` pairs (each once).
#[derive(Default)]
pub(crate) struct Gathered {
    owners: Vec<u32>,
    seen_owners: FastMap<u32, ()>,
    pairs: Vec<(u32, u32)>,
    seen_pairs: FastMap<(u32, u32), ()>,
}

impl Gathered {
    pub(super) fn add(&mut self, owner: u32, target: Option<u32>) {
        if self.seen_owners.insert(owner, ()).is_none() {
            self.owners.push(owner);
        }
        if let Some(t) = target
            && self.seen_pairs.insert((owner, t), ()).is_none()
        {
            self.pairs.push((owner, t));
        }
    }

    /// The targets, each once, in row order.
    fn targets(&self) -> Vec<u32> {
        let mut seen: FastMap<u32, ()> = FastMap::default();
        self.pairs
            .iter()
            .map(|&(_, t)| t)
            .filter(|&t| seen.insert(t, ()).is_none())
            .collect()
    }

    /// The targets of each owner (every owner, maybe with none).
    fn grouped(&self) -> Vec<(u32, Vec<u32>)> {
        let at: FastMap<u32, usize> = self.owners.iter().zip(0..).map(|(&o, i)| (o, i)).collect();
        let mut out: Vec<(u32, Vec<u32>)> = self.owners.iter().map(|&o| (o, Vec::new())).collect();
        for &(o, t) in &self.pairs {
            if let Some(&i) = at.get(&o) {
                out[i].1.push(t);
            }
        }
        out
    }
}

/// Reads an `M` at `at`: absent when its first key column is NULL (a key
/// is never NULL, so the join found nothing).
pub(super) fn decode<M: Model, C: Connection>(
    map: &mut IdentityMap<C>,
    row: &mut dyn Row,
    at: usize,
) -> Result<Option<u32>> {
    let names = <M::Columns as ColumnList>::NAMES;
    let key = key_names::<M>().first().copied().unwrap_or_default();
    let absent = match names.iter().position(|n| *n == key) {
        Some(i) => row.is_null(at + i),
        None => (at..at + names.len()).all(|i| row.is_null(i)),
    };
    if absent {
        return Ok(None);
    }
    let values = <M::Row as FromRow<SqlRow<M>>>::from_row(row, at)?;
    Ok(Some(map.arena_mut::<M>().load(M::from_row(values))))
}

/// Adds `M`'s `Joined` defaults (those `plan` does not override) to the
/// joins of `plan`, and the targets' defaults to its join nodes.
pub(super) fn add_joined_defaults<M: Model, C: Connection>(
    rels: &mut Relations<C>,
    plan: &mut Plan<C>,
) {
    let mut path = plan.overrides.clone();
    let defaults = joined_defaults::<M, C>(rels, &mut path);
    if defaults.is_empty() && plan.joined.is_empty() {
        return;
    }
    for (rel, node) in defaults {
        plan.overrides.push(rel);
        plan.joined.push(node);
    }
    let mut path = Vec::new();
    let nodes = std::mem::take(&mut plan.joined);
    plan.joined = nodes
        .into_iter()
        .map(|n| n.expand_with(rels, &mut path))
        .collect();
}

fn store_parents<C: Connection>(_: &mut Unit<'_, C>, g: &Gathered) -> Vec<u32> {
    g.targets()
}

fn store_children<P, Ch, C>(s: &mut Unit<'_, C>, g: &Gathered) -> Vec<u32>
where
    P: HasMany<Ch>,
    Ch: BelongsTo<P>,
    C: Connection,
{
    let mut groups = g.grouped();
    if let Some(arena) = s.map.arena::<Ch>() {
        for (_, list) in &mut groups {
            arena.sort_by_key(list);
        }
    }
    let store = &mut s.rels.children::<P, Ch>().colls;
    for (owner, list) in groups {
        store.set(owner, Coll::Loaded(list));
    }
    g.targets()
}

fn store_linked<L, R, C>(s: &mut Unit<'_, C>, g: &Gathered) -> Vec<u32>
where
    L: ManyToMany<R>,
    R: Model,
    C: Connection,
{
    let mut groups = g.grouped();
    if let Some(arena) = s.map.arena::<R>() {
        for (_, list) in &mut groups {
            arena.sort_by_key(list);
        }
    }
    let store = &mut s.rels.links::<L, R>().colls;
    for (owner, list) in groups {
        store.set(owner, Coll::Loaded(list));
    }
    g.targets()
}

impl<S: QuerySession, M: Model> Loaders<S, M> {
    fn push_node(mut self, rel: Option<TypeId>, node: JoinedLoad<S::Conn>) -> Self {
        self.plan.joined.push(node);
        self.plan.overrides.extend(rel);
        self
    }

    /// Loads the parent `P` of each object in the query's own statement,
    /// with a LEFT JOIN (*joined*); then [`Session::parent`](super::Session::parent) answers
    /// without SQL. Nested under a selectin loader, it loads with
    /// selectin.
    pub fn joined_parent<P>(self) -> Self
    where
        M: BelongsTo<P>,
        P: Model,
    {
        self.joined_parent_with::<P>(|l| l)
    }

    /// [`joined_parent`](Loaders::joined_parent), then the loaders `then`
    /// adds on the parents.
    pub fn joined_parent_with<P>(self, then: impl FnOnce(Loaders<S, P>) -> Loaders<S, P>) -> Self
    where
        M: BelongsTo<P>,
        P: Model,
    {
        let node = JoinedLoad::new::<P>(
            None,
            Shape::Parent {
                fk: <M as BelongsTo<P>>::ForeignKey::NAME,
            },
            store_parents::<S::Conn>,
            strategy::selectin_parents::<M, P, S::Conn>,
            then(Loaders::new()).plan,
        );
        self.push_node(None, node)
    }

    /// Loads the children `Ch` in the query's own statement, with a LEFT
    /// JOIN (*joined*).
    pub fn joined_children<Ch>(self) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.joined_children_with::<Ch>(|l| l)
    }

    /// [`joined_children`](Loaders::joined_children), then the loaders
    /// `then` adds on the children.
    pub fn joined_children_with<Ch>(
        self,
        then: impl FnOnce(Loaders<S, Ch>) -> Loaders<S, Ch>,
    ) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        let node = JoinedLoad::children::<M, Ch>(then(Loaders::new()).plan);
        self.push_node(Some(children_rel::<M, Ch>()), node)
    }

    /// Loads the one-to-one child `Ch` in the query's own statement
    /// ([`Session::related_one`](super::Session::related_one) then answers without SQL).
    pub fn joined_child<Ch>(self) -> Self
    where
        M: HasOne<Ch>,
        Ch: BelongsTo<M>,
    {
        self.joined_children_with::<Ch>(|l| l)
    }

    /// Loads the many-to-many targets `R` in the query's own statement,
    /// with two LEFT JOINs (the link table, then the targets).
    pub fn joined_linked<R>(self) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.joined_linked_with::<R>(|l| l)
    }

    /// [`joined_linked`](Loaders::joined_linked), then the loaders `then`
    /// adds on the targets.
    pub fn joined_linked_with<R>(self, then: impl FnOnce(Loaders<S, R>) -> Loaders<S, R>) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        let node = JoinedLoad::linked::<M, R>(then(Loaders::new()).plan);
        self.push_node(Some(linked_rel::<M, R>()), node)
    }
}

impl<'s, S, M, J, W, O> ModelQuery<'s, S, M, Parts<J, W, O>>
where
    S: QuerySession,
    M: Model,
    J: JoinList,
    W: MaybeClause,
    O: MaybeClause,
{
    /// Loads the children `Ch` in the same statement, with a LEFT JOIN
    /// (*joined*; SQLAlchemy's `joinedload(User.addresses)`), the rows
    /// de-duplicated into one object per parent and its collection.
    ///
    /// Several joined relationships combine in one statement, and nest
    /// with the `_with` forms (`orders → items → product`). Two
    /// collections joined side by side multiply their rows (the
    /// statement returns every pair): load the second with selectin when
    /// both are large. With a LIMIT or OFFSET, the limited query becomes
    /// a derived table so that the limit counts objects, not rows; its
    /// ORDER BY is then applied again outside, so it may only name `M`'s
    /// columns.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection + 'static>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// // SELECT users.*, addresses_1.* FROM users
    /// // LEFT JOIN addresses AS addresses_1 ON addresses_1.user_id = users.id ORDER BY users.id
    /// let users = s.query::<User>().joined_children::<Address>().all()?;
    /// for u in users {
    ///     let addresses = s.related::<User, Address>(u)?; // no SQL
    ///     # let _ = addresses;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn joined_children<Ch>(mut self) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.loaders = self.loaders.joined_children::<Ch>();
        self
    }

    /// [`joined_children`](ModelQuery::joined_children), then the loaders
    /// `then` adds on the children: joined ones go in the same statement
    /// (`joinedload(Order.items).joinedload(Item.product)`), selectin
    /// ones run after it.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection + 'static>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// // Users, their addresses, and each address's user again: one statement.
    /// let users = s
    ///     .query::<User>()
    ///     .joined_children_with::<Address>(|a| a.joined_parent::<User>())
    ///     .all()?;
    /// # let _ = users;
    /// # Ok(()) }
    /// ```
    pub fn joined_children_with<Ch>(
        mut self,
        then: impl FnOnce(Loaders<S, Ch>) -> Loaders<S, Ch>,
    ) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.loaders = self.loaders.joined_children_with::<Ch>(then);
        self
    }

    /// Loads the one-to-one child `Ch` in the same statement
    /// ([`Session::related_one`](super::Session::related_one) then answers without SQL).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection + 'static>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// for u in s.query::<User>().joined_child::<Profile>().all()? {
    ///     let profile = s.related_one::<User, Profile>(u)?; // no SQL
    ///     # let _ = profile;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn joined_child<Ch>(mut self) -> Self
    where
        M: HasOne<Ch>,
        Ch: BelongsTo<M>,
    {
        self.loaders = self.loaders.joined_child::<Ch>();
        self
    }

    /// Loads the parent `P` of each object in the same statement, with a
    /// LEFT JOIN (many-to-one; [`Session::parent`](super::Session::parent) then answers without
    /// SQL).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection + 'static>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// for a in s.query::<Address>().joined_parent::<User>().all()? {
    ///     let user = s.parent::<Address, User>(a)?; // no SQL
    ///     # let _ = user;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn joined_parent<P>(mut self) -> Self
    where
        M: BelongsTo<P>,
        P: Model,
    {
        self.loaders = self.loaders.joined_parent::<P>();
        self
    }

    /// [`joined_parent`](ModelQuery::joined_parent), then the loaders
    /// `then` adds on the parents.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection + 'static>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// let addresses = s
    ///     .query::<Address>()
    ///     .joined_parent_with::<User>(|u| u.joined_child::<Profile>())
    ///     .all()?;
    /// # let _ = addresses;
    /// # Ok(()) }
    /// ```
    pub fn joined_parent_with<P>(
        mut self,
        then: impl FnOnce(Loaders<S, P>) -> Loaders<S, P>,
    ) -> Self
    where
        M: BelongsTo<P>,
        P: Model,
    {
        self.loaders = self.loaders.joined_parent_with::<P>(then);
        self
    }

    /// Loads the many-to-many targets `R` in the same statement, through
    /// the link table.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection + 'static>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// for p in s.query::<Product>().joined_linked::<Tag>().all()? {
    ///     let tags = s.linked::<Product, Tag>(p)?; // no SQL
    ///     # let _ = tags;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn joined_linked<R>(mut self) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.loaders = self.loaders.joined_linked::<R>();
        self
    }

    /// [`joined_linked`](ModelQuery::joined_linked), then the loaders
    /// `then` adds on the targets.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection + 'static>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// let products = s
    ///     .query::<Product>()
    ///     .joined_linked_with::<Tag>(|t| t.selectin_linked::<Product>())
    ///     .all()?;
    /// # let _ = products;
    /// # Ok(()) }
    /// ```
    pub fn joined_linked_with<R>(
        mut self,
        then: impl FnOnce(Loaders<S, R>) -> Loaders<S, R>,
    ) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.loaders = self.loaders.joined_linked_with::<R>(then);
        self
    }
}
