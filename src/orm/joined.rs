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
use super::defaults::{children_rel, linked_rel, run_defaults};
use super::drive::block_on;
use super::handle::Handle;
use super::identity::{IdentityMap, key_names};
use super::inherit::{Discriminator, write_where};
use super::loaders::{DefaultsFn, LoadFn, Loader, Loaders};
use super::loading::Coll;
use super::model::{Model, ModelColumns, SqlRow};
use super::query::{JoinList, ModelQuery, Parts, write_from, write_select};
use super::relation::{BelongsTo, HasMany, HasOne, ManyToMany};
use super::session::{Session, split};
use super::strategy;
use crate::conn::Connection;
use crate::error::{ErrorKind, Result};
use crate::query::MaybeClause;
use crate::render::{Render, SqlWriter};
use crate::schema::{Column, ColumnList, Table};
use crate::value::{FromRow, Row};

/// Reads a node's object from a row at a column offset and puts it in the
/// identity map; `None` when the join found nothing.
type DecodeFn<C> = fn(&mut IdentityMap<C>, &mut dyn Row, usize) -> Result<Option<u32>>;

/// Records what a node loaded (its owners and their targets) in the
/// session's collections; returns the targets, each once.
type StoreFn<'c, C> = fn(&mut Session<'c, C>, &Gathered) -> Vec<u32>;

/// How a node's table joins its owner's.
#[derive(Debug, Clone, Copy)]
enum Shape {
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
pub(super) struct JoinedLoad<'c, C: Connection> {
    table: &'static str,
    key: &'static [&'static str],
    columns: &'static [&'static str],
    shape: Shape,
    /// The target's discriminator, matched in the ON condition.
    disc: Option<Discriminator>,
    decode: DecodeFn<C>,
    store: StoreFn<'c, C>,
    /// The same relationship loaded with selectin (when nested under a
    /// selectin loader, which has no statement to join into).
    selectin: LoadFn<'c, C>,
    defaults: DefaultsFn<'c, C>,
    /// The relationships of the targets not to apply defaults to.
    skip: Vec<TypeId>,
    /// Selectin loaders run on the targets.
    then: Vec<Loader<'c, C>>,
    /// Joined loads of the targets' relationships.
    joined: Vec<JoinedLoad<'c, C>>,
}

impl<'c, C: Connection> JoinedLoad<'c, C> {
    /// The same relationship, nested loads included, as selectin loaders.
    pub(super) fn into_selectin(self) -> Loader<'c, C> {
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
pub(super) struct Gathered {
    owners: Vec<u32>,
    seen_owners: FastMap<u32, ()>,
    pairs: Vec<(u32, u32)>,
    seen_pairs: FastMap<(u32, u32), ()>,
}

impl Gathered {
    fn add(&mut self, owner: u32, target: Option<u32>) {
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

fn store_parents<C: Connection>(_: &mut Session<'_, C>, g: &Gathered) -> Vec<u32> {
    g.targets()
}

fn store_children<P, Ch, C>(s: &mut Session<'_, C>, g: &Gathered) -> Vec<u32>
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

fn store_linked<L, R, C>(s: &mut Session<'_, C>, g: &Gathered) -> Vec<u32>
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

impl<'c, C: Connection, M: Model> Loaders<'c, C, M> {
    fn push_joined<T: Model>(
        mut self,
        rel: Option<TypeId>,
        shape: Shape,
        store: StoreFn<'c, C>,
        selectin: LoadFn<'c, C>,
        then: impl FnOnce(Loaders<'c, C, T>) -> Loaders<'c, C, T>,
    ) -> Self {
        let nested = then(Loaders::new());
        let mut skip = nested.overrides;
        skip.extend(rel);
        self.joined.push(JoinedLoad {
            table: T::Table::NAME,
            key: key_names::<T>(),
            columns: <T::Columns as ColumnList>::NAMES,
            shape,
            disc: T::DISCRIMINATOR,
            decode: decode::<T, C>,
            store,
            selectin,
            defaults: run_defaults::<T, C>,
            skip,
            then: nested.list,
            joined: nested.joined,
        });
        self.overrides.extend(rel);
        self
    }

    /// Loads the parent `P` of each object in the query's own statement,
    /// with a LEFT JOIN (*joined*); then [`Session::parent`] answers
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
    pub fn joined_parent_with<P>(
        self,
        then: impl FnOnce(Loaders<'c, C, P>) -> Loaders<'c, C, P>,
    ) -> Self
    where
        M: BelongsTo<P>,
        P: Model,
    {
        self.push_joined(
            None,
            Shape::Parent {
                fk: <M as BelongsTo<P>>::ForeignKey::NAME,
            },
            store_parents::<C>,
            strategy::selectin_parents::<M, P, C>,
            then,
        )
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
        then: impl FnOnce(Loaders<'c, C, Ch>) -> Loaders<'c, C, Ch>,
    ) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.push_joined(
            Some(children_rel::<M, Ch>()),
            Shape::Children {
                fk: <Ch as BelongsTo<M>>::ForeignKey::NAME,
            },
            store_children::<M, Ch, C>,
            strategy::selectin_children::<M, Ch, C>,
            then,
        )
    }

    /// Loads the one-to-one child `Ch` in the query's own statement
    /// ([`Session::related_one`] then answers without SQL).
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
    pub fn joined_linked_with<R>(
        self,
        then: impl FnOnce(Loaders<'c, C, R>) -> Loaders<'c, C, R>,
    ) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.push_joined(
            Some(linked_rel::<M, R>()),
            Shape::Linked {
                link: <M::Link as Table>::NAME,
                left: <M as ManyToMany<R>>::Left::NAME,
                right: <M as ManyToMany<R>>::Right::NAME,
            },
            store_linked::<M, R, C>,
            strategy::selectin_linked::<M, R, C>,
            then,
        )
    }
}

/// A node of the tree, flattened in pre-order: its owner (`None` for the
/// query's model), its alias (and its link table's), its first column.
struct Flat<'n, 'c, C: Connection> {
    node: &'n JoinedLoad<'c, C>,
    owner: Option<usize>,
    alias: String,
    link_alias: String,
    at: usize,
}

fn flatten<'n, 'c, C: Connection>(
    nodes: &'n [JoinedLoad<'c, C>],
    owner: Option<usize>,
    out: &mut Vec<Flat<'n, 'c, C>>,
    at: &mut usize,
) {
    for node in nodes {
        let n = out.len() + 1;
        let link_alias = match node.shape {
            Shape::Linked { link, .. } => format!("{link}_{n}"),
            _ => String::new(),
        };
        out.push(Flat {
            node,
            owner,
            alias: format!("{}_{n}", node.table),
            link_alias,
            at: *at,
        });
        *at += node.columns.len();
        let me = out.len() - 1;
        flatten(&node.joined, Some(me), out, at);
    }
}

fn first_name(names: &[&'static str]) -> &'static str {
    names.first().copied().unwrap_or_default()
}

/// `LEFT JOIN "t" AS "t_n" ON ...` for one node whose owner is exposed as
/// `owner` with key `owner_key`.
fn write_join(
    w: &mut SqlWriter<'_>,
    f: &Flat<'_, '_, impl Connection>,
    owner: &str,
    owner_key: &str,
) {
    let node = f.node;
    let table = |w: &mut SqlWriter<'_>, name: &str, alias: &str| {
        w.push_sql(" LEFT JOIN ");
        w.push_ident(name);
        w.push_sql(" AS ");
        w.push_ident(alias);
        w.push_sql(" ON ");
    };
    match node.shape {
        Shape::Parent { fk } => {
            table(w, node.table, &f.alias);
            w.push_qualified(&f.alias, first_name(node.key));
            w.push_sql(" = ");
            w.push_qualified(owner, fk);
        }
        Shape::Children { fk } => {
            table(w, node.table, &f.alias);
            w.push_qualified(&f.alias, fk);
            w.push_sql(" = ");
            w.push_qualified(owner, owner_key);
        }
        Shape::Linked { link, left, right } => {
            table(w, link, &f.link_alias);
            w.push_qualified(&f.link_alias, left);
            w.push_sql(" = ");
            w.push_qualified(owner, owner_key);
            table(w, node.table, &f.alias);
            w.push_qualified(&f.alias, first_name(node.key));
            w.push_sql(" = ");
            w.push_qualified(&f.link_alias, right);
        }
    }
    if let Some(d) = node.disc {
        w.push_sql(" AND ");
        d.write(w, &f.alias);
    }
}

/// Runs a [`ModelQuery`] whose loaders join relationships into its
/// statement: see the module docs.
pub(super) fn all_joined<'c, C, M, J, W, O>(
    s: &mut Session<'c, C>,
    parts: &Parts<J, W, O>,
    mut loaders: Loaders<'c, C, M>,
) -> Result<Vec<Handle<M>>>
where
    C: Connection,
    M: Model,
    J: JoinList,
    W: MaybeClause,
    O: MaybeClause,
{
    s.autoflush()?;
    let joined = std::mem::take(&mut loaders.joined);
    let mut flat = Vec::new();
    let mut at = <M::Columns as ColumnList>::NAMES.len();
    flatten(&joined, None, &mut flat, &mut at);
    let root_cols = M::Columns::columns();
    let (root, root_key) = (M::Table::NAME, key_names::<M>());
    let (map, mut db) = split!(s);
    let mut w = SqlWriter::new(db.dialect());
    if parts.lock.is_some() {
        w.fail(
            ErrorKind::InvalidStatement(
                "a locking query cannot load relationships with a JOIN: lock the objects in a \
             query of their own, or load the relationships with selectin"
                    .into(),
            )
            .into(),
        );
    }
    w.push_sql("SELECT ");
    root_cols.render(&mut w);
    for f in &flat {
        for name in f.node.columns {
            w.push_sql(", ");
            w.push_qualified(&f.alias, name);
        }
    }
    // With a LIMIT or OFFSET the query's own rows are a derived table, so
    // that the limit counts objects, not joined rows.
    let windowed = parts.limit.is_some() || parts.offset.is_some();
    let mark = if windowed {
        w.push_sql(" FROM (");
        write_select::<M, J, W, O>(&mut w, &root_cols, parts);
        w.push_sql(") AS ");
        w.push_ident(root);
        None
    } else {
        Some(write_from::<M, J, W, O>(&mut w, parts))
    };
    for f in &flat {
        let (owner, owner_key) = match f.owner {
            None => (root, first_name(root_key)),
            Some(o) => (flat[o].alias.as_str(), first_name(flat[o].node.key)),
        };
        write_join(&mut w, f, owner, owner_key);
    }
    if !windowed {
        write_where::<M, W>(&mut w, M::Table::NAME, &parts.filter);
    }
    w.push_sort_key(|w| parts.order.write_clause(w, " ORDER BY "));
    for (i, name) in root_key.iter().enumerate() {
        w.push_sql(if i == 0 && !parts.order.is_present() {
            " ORDER BY "
        } else {
            ", "
        });
        w.push_qualified(root, name);
    }
    if let Some(mark) = mark {
        w.leave_scope(mark);
    }
    let r = w.finish()?;

    let mut order: Vec<u32> = Vec::new();
    let mut seen: FastMap<u32, ()> = FastMap::default();
    let mut gathered: Vec<Gathered> = flat.iter().map(|_| Gathered::default()).collect();
    let mut slots: Vec<Option<u32>> = vec![None; flat.len()];
    block_on(db.query(&r, |row| {
        let values = <M::Row as FromRow<SqlRow<M>>>::from_row(row, 0)?;
        let me = map.arena_mut::<M>().load(M::from_row(values));
        if seen.insert(me, ()).is_none() {
            order.push(me);
        }
        for (i, f) in flat.iter().enumerate() {
            let owner = match f.owner {
                None => Some(me),
                Some(o) => slots[o],
            };
            slots[i] = match owner {
                Some(owner) => {
                    let target = (f.node.decode)(map, &mut *row, f.at)?;
                    gathered[i].add(owner, target);
                    target
                }
                None => None,
            };
        }
        Ok(true)
    }))?;
    drop(flat);

    // Collections first (every node), then what runs on their objects.
    let mut targets = Vec::with_capacity(gathered.len());
    let nodes = flatten_owned(joined);
    for (node, g) in nodes.iter().zip(&gathered) {
        targets.push((node.store)(s, g));
    }
    for (node, loaded) in nodes.into_iter().zip(targets) {
        for nested in node.then {
            nested.run(s, &loaded)?;
        }
        let mut skip = node.skip;
        (node.defaults)(s, &loaded, &mut skip)?;
    }
    let mut skip = loaders.overrides.clone();
    loaders.run(s, &order)?;
    run_defaults::<M, C>(s, &order, &mut skip)?;
    Ok(order.into_iter().map(Handle::from_index).collect())
}

/// The nodes in pre-order (as [`flatten`] numbers them), owned, without
/// their nested joined nodes.
fn flatten_owned<'c, C: Connection>(nodes: Vec<JoinedLoad<'c, C>>) -> Vec<JoinedLoad<'c, C>> {
    let mut out = Vec::new();
    for mut node in nodes {
        let nested = std::mem::take(&mut node.joined);
        out.push(node);
        out.extend(flatten_owned(nested));
    }
    out
}

impl<'s, 'c, C, M, J, W, O> ModelQuery<'s, 'c, C, M, Parts<J, W, O>>
where
    C: Connection,
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
        then: impl FnOnce(Loaders<'c, C, Ch>) -> Loaders<'c, C, Ch>,
    ) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.loaders = self.loaders.joined_children_with::<Ch>(then);
        self
    }

    /// Loads the one-to-one child `Ch` in the same statement
    /// ([`Session::related_one`] then answers without SQL).
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
    /// LEFT JOIN (many-to-one; [`Session::parent`] then answers without
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
        then: impl FnOnce(Loaders<'c, C, P>) -> Loaders<'c, C, P>,
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
        then: impl FnOnce(Loaders<'c, C, R>) -> Loaders<'c, C, R>,
    ) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.loaders = self.loaders.joined_linked_with::<R>(then);
        self
    }
}
