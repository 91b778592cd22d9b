//! Loaded relationships: per relationship, the collection of each parent
//! (unloaded, refused, or loaded), the pending work of cascades and links,
//! and the queries that load collections (lazy and selectin).

use std::any::{Any, TypeId};
use std::future::ready;
use std::marker::PhantomData;

use super::arena::State;
use super::defaults::{DefaultLoad, children_default, linked_default};
use super::drive::Step;
use super::identity::{Db, IdentityMap};
use super::model::{Cells, ForeignKeyTo, Model};
use super::relation::{BelongsTo, Cascade, HasMany, ManyToMany};
use super::sql;
use super::strategy::fetch_children;
use crate::conn::Connection;
use crate::error::Result;
use crate::schema::{Column, Table};

/// The collection of one parent.
#[derive(Debug, Clone, Default)]
pub(crate) enum Coll {
    /// Not loaded: a lazy load queries it.
    #[default]
    Unloaded,
    /// Not loaded, and asking for it is an error (`raise`).
    Raise,
    /// Loaded: the children's slots.
    Loaded(Vec<u32>),
}

/// The collections of one relationship, by parent slot.
#[derive(Debug, Default)]
pub(crate) struct Collections {
    by_parent: Vec<Coll>,
}

impl Collections {
    pub(crate) fn get(&self, parent: u32) -> &Coll {
        static UNLOADED: Coll = Coll::Unloaded;
        self.by_parent.get(parent as usize).unwrap_or(&UNLOADED)
    }

    pub(crate) fn is_loaded(&self, parent: u32) -> bool {
        matches!(self.get(parent), Coll::Loaded(_))
    }

    /// The distinct slots among `parents` whose collection is not loaded,
    /// sorted.
    pub(crate) fn unloaded(&self, parents: &[u32]) -> Vec<u32> {
        let mut need: Vec<u32> = parents
            .iter()
            .copied()
            .filter(|&p| !self.is_loaded(p))
            .collect();
        need.sort_unstable();
        need.dedup();
        need
    }

    /// The loaded collections of `parents`, concatenated.
    pub(crate) fn loaded_of(&self, parents: &[u32]) -> Vec<u32> {
        let mut out = Vec::new();
        for &p in parents {
            if let Coll::Loaded(v) = self.get(p) {
                out.extend_from_slice(v);
            }
        }
        out
    }

    pub(crate) fn set(&mut self, parent: u32, coll: Coll) {
        let i = parent as usize;
        if self.by_parent.len() <= i {
            self.by_parent.resize(i + 1, Coll::Unloaded);
        }
        self.by_parent[i] = coll;
    }

    /// Adds `child` to a loaded collection; `create` makes an unloaded one
    /// loaded (a new parent's collection is exactly what was attached).
    pub(crate) fn push(&mut self, parent: u32, child: u32, create: bool) {
        match self.by_parent.get_mut(parent as usize) {
            Some(Coll::Loaded(v)) if !v.contains(&child) => {
                v.push(child);
            }
            _ if create => self.set(parent, Coll::Loaded(vec![child])),
            _ => {}
        }
    }

    pub(crate) fn remove(&mut self, parent: u32, child: u32) {
        if let Some(Coll::Loaded(v)) = self.by_parent.get_mut(parent as usize) {
            v.retain(|&c| c != child);
        }
    }

    fn clear(&mut self) {
        self.by_parent.clear();
    }
}

/// A relationship's state, without its types.
pub(crate) trait ErasedRel<C: Connection> {
    fn as_any_mut(&mut self) -> &mut dyn Any;
    fn has_work(&self) -> bool;
    /// Marks the children of deleted parents deleted; `true` if it marked
    /// any.
    fn cascade<'a>(
        &'a mut self,
        map: &'a mut IdentityMap<C>,
        db: &'a mut Db<'_, C>,
        level: u64,
        batch: usize,
    ) -> Step<'a, Result<bool>>;
    /// Gives children of newly inserted parents their parent's key.
    fn apply_fixups(&mut self, map: &mut IdentityMap<C>, level: u64, table: Option<&str>);
    /// Writes link-table rows.
    fn flush_links<'a>(
        &'a mut self,
        map: &IdentityMap<C>,
        db: &'a mut Db<'_, C>,
        batch: usize,
    ) -> Step<'a, Result<()>>;
    /// Forgets loaded collections and pending work.
    fn reset(&mut self);
}

/// One-to-many (and one-to-one) from `P` to `Ch`.
pub(crate) struct ChildStore<P, Ch> {
    pub(crate) colls: Collections,
    /// `(parent, child)`: the child gets the parent's key once the parent
    /// is inserted.
    pub(crate) fixups: Vec<(u32, u32)>,
    pub(crate) cascade: Cascade,
    _types: PhantomData<fn() -> (P, Ch)>,
}

/// Many-to-many from `L` to `R`.
pub(crate) struct LinkStore<L, R> {
    pub(crate) colls: Collections,
    /// `(left, right, insert?)`, in the order they were asked for.
    pub(crate) ops: Vec<(u32, u32, bool)>,
    _types: PhantomData<fn() -> (L, R)>,
}

/// The relationship stores of a session.
pub(crate) struct Relations<C: Connection> {
    stores: Vec<Box<dyn ErasedRel<C> + Send>>,
    /// The relationship type of each store: a session has few, so a scan
    /// beats hashing.
    types: Vec<TypeId>,
}

/// The relationships of model `M` a flush follows: see
/// [`Model::relationships`].
///
/// ```
/// # use sqlalgebra::prelude::*;
/// # use sqlalgebra::schema::ForeignKey;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// # impl Table for Users { const NAME: &'static str = "users"; type Columns = (UserId,); type PrimaryKey = UserId; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct UserId;
/// # impl Column for UserId { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Addresses;
/// # impl Table for Addresses { const NAME: &'static str = "addresses"; type Columns = (AddressId, AddressUser); type PrimaryKey = AddressId; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct AddressId;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct AddressUser;
/// # impl Column for AddressId { type Table = Addresses; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # impl Column for AddressUser { type Table = Addresses; type SqlType = BigInt; const NAME: &'static str = "user_id"; const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<UserId>()); }
/// # #[derive(Clone)] pub struct Address { id: i64, user_id: i64 }
/// # impl Model for Address { type Table = Addresses; type Columns = (AddressId, AddressUser); type Row = (i64, i64); type Key = i64;
/// #     fn from_row((id, user_id): Self::Row) -> Self { Address { id, user_id } } fn values(&self) -> (&i64, &i64) { (&self.id, &self.user_id) } fn key(&self) -> i64 { self.id } }
/// # impl BelongsTo<User> for Address {
/// #     type ForeignKey = AddressUser;
/// #     fn parent_key(&self) -> Option<i64> { Some(self.user_id) }
/// #     fn set_parent_key(&mut self, key: i64) { self.user_id = key; }
/// # }
/// # #[derive(Clone)] pub struct User { id: i64 }
/// use sqlalgebra::orm::Relationships;
///
/// impl HasMany<Address> for User {
///     const CASCADE: Cascade = Cascade::ALL;
/// }
/// impl Model for User {
/// #   type Table = Users; type Columns = (UserId,); type Row = (i64,); type Key = i64;
/// #   fn from_row((id,): Self::Row) -> Self { User { id } }
/// #   fn values(&self) -> (&i64,) { (&self.id,) }
/// #   fn key(&self) -> i64 { self.id }
///     // ...
///     fn relationships<C: Connection>(r: &mut Relationships<'_, Self, C>) {
///         r.has_many::<Address>(); // deleting a user deletes its addresses
///     }
/// }
/// ```
pub struct Relationships<'r, M, C: Connection> {
    rels: &'r mut Relations<C>,
    /// The default strategies of the relationships listed that are not
    /// lazy, in the order listed.
    defaults: Vec<DefaultLoad<C>>,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model, C: Connection> Relationships<'_, M, C> {
    /// The one-to-many (or one-to-one) relationship to `Ch`: deleting an
    /// `M` follows its cascade.
    pub fn has_many<Ch>(&mut self) -> &mut Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.rels.children::<M, Ch>();
        if let Some(d) = children_default::<M, Ch, C>() {
            self.defaults.push(d);
        }
        self
    }

    /// The many-to-many relationship to `R`: deleting an `M` (or an `R`)
    /// deletes its link rows first.
    pub fn many_to_many<R: Model>(&mut self) -> &mut Self
    where
        M: ManyToMany<R>,
    {
        self.rels.links::<M, R>();
        if let Some(d) = linked_default::<M, R, C>() {
            self.defaults.push(d);
        }
        self
    }
}

impl<M, C: Connection> std::fmt::Debug for Relationships<'_, M, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relationships")
            .field("model", &std::any::type_name::<M>())
            .finish()
    }
}

impl<C: Connection> Relations<C> {
    pub(crate) fn new() -> Self {
        Relations {
            stores: Vec::new(),
            types: Vec::new(),
        }
    }

    /// Registers the relationships `M` lists (their stores, which a
    /// flush's cascades follow) and returns the default strategies among
    /// them that are not lazy, in the order listed.
    ///
    /// Nothing is remembered per model: [`Model::relationships`] runs on
    /// each call, which costs a scan of the stores per relationship it
    /// lists (each store is made once) and nothing for a model that lists
    /// none, less than looking the model up in a map (and inserting it
    /// into a new session's).
    #[inline]
    pub(crate) fn defaults_of<M: Model>(&mut self) -> Vec<DefaultLoad<C>> {
        let mut r = Relationships {
            rels: self,
            defaults: Vec::new(),
            _model: PhantomData,
        };
        M::relationships(&mut r);
        r.defaults
    }

    /// Whether `M` declares a default strategy that is not lazy (see
    /// [`defaults_of`](Relations::defaults_of)).
    #[inline]
    pub(crate) fn declares_defaults<M: Model>(&mut self) -> bool {
        !self.defaults_of::<M>().is_empty()
    }

    /// Registers the relationships `M` lists (see
    /// [`defaults_of`](Relations::defaults_of)).
    pub(crate) fn register<M: Model>(&mut self) {
        self.defaults_of::<M>();
    }

    #[inline]
    fn store<S: ErasedRel<C> + Send + 'static>(&mut self, make: impl FnOnce() -> S) -> &mut S {
        let t = TypeId::of::<S>();
        let i = match self.types.iter().position(|&x| x == t) {
            Some(i) => i,
            None => self.add_store(make()),
        };
        match self.stores[i].as_any_mut().downcast_mut() {
            Some(s) => s,
            None => unreachable!("the store registered for a relationship type has that type"),
        }
    }

    /// Registers a relationship's store (once per session and
    /// relationship: kept out of line, so that [`store`](Self::store)
    /// inlines).
    #[cold]
    #[inline(never)]
    fn add_store<S: ErasedRel<C> + Send + 'static>(&mut self, store: S) -> usize {
        self.stores.push(Box::new(store));
        self.types.push(TypeId::of::<S>());
        self.stores.len() - 1
    }

    #[inline]
    pub(crate) fn children<P, Ch>(&mut self) -> &mut ChildStore<P, Ch>
    where
        P: HasMany<Ch>,
        Ch: BelongsTo<P>,
    {
        self.store(|| ChildStore {
            colls: Collections::default(),
            fixups: Vec::new(),
            cascade: P::CASCADE,
            _types: PhantomData,
        })
    }

    #[inline]
    pub(crate) fn links<L: ManyToMany<R>, R: Model>(&mut self) -> &mut LinkStore<L, R> {
        self.store(|| LinkStore {
            colls: Collections::default(),
            ops: Vec::new(),
            _types: PhantomData,
        })
    }

    pub(crate) fn has_work(&self) -> bool {
        self.stores.iter().any(|s| s.has_work())
    }

    pub(crate) async fn cascade(
        &mut self,
        map: &mut IdentityMap<C>,
        db: &mut Db<'_, C>,
        level: u64,
        batch: usize,
    ) -> Result<bool> {
        let mut changed = false;
        for s in &mut self.stores {
            changed |= s.cascade(map, db, level, batch).await?;
        }
        Ok(changed)
    }

    pub(crate) fn apply_fixups(
        &mut self,
        map: &mut IdentityMap<C>,
        level: u64,
        table: Option<&str>,
    ) {
        for s in &mut self.stores {
            s.apply_fixups(map, level, table);
        }
    }

    pub(crate) async fn flush_links(
        &mut self,
        map: &mut IdentityMap<C>,
        db: &mut Db<'_, C>,
        batch: usize,
    ) -> Result<()> {
        for s in &mut self.stores {
            s.flush_links(map, db, batch).await?;
        }
        Ok(())
    }

    pub(crate) fn reset(&mut self) {
        for s in &mut self.stores {
            s.reset();
        }
    }
}

/// Whether the object in `slot` is alive (not deleted, not gone).
pub(crate) fn alive<M: Model, C: Connection>(map: &IdentityMap<C>, slot: u32) -> bool {
    matches!(
        map.state::<M>(slot),
        Some(State::New | State::Clean | State::Dirty)
    )
}

/// The slots of `Deleted` objects of `M`.
fn deleted<M: Model, C: Connection>(map: &IdentityMap<C>) -> Vec<u32> {
    map.arena::<M>().map_or_else(Vec::new, |a| {
        a.pending()
            .iter()
            .copied()
            .filter(|&i| {
                a.slot(i as usize)
                    .is_some_and(|s| s.state == State::Deleted)
            })
            .collect()
    })
}

impl<P, Ch> ChildStore<P, Ch>
where
    P: Model,
    Ch: BelongsTo<P>,
{
    /// Marks the children of deleted parents deleted (loading the
    /// collections not loaded yet); `true` if it marked any.
    async fn cascade_children<C: Connection>(
        &mut self,
        map: &mut IdentityMap<C>,
        db: &mut Db<'_, C>,
        level: u64,
        batch: usize,
    ) -> Result<bool> {
        let parents = deleted::<P, C>(map);
        if parents.is_empty() {
            return Ok(false);
        }
        let unloaded: Vec<u32> = parents
            .iter()
            .copied()
            .filter(|&p| !self.colls.is_loaded(p))
            .collect();
        if !unloaded.is_empty() {
            for (p, children) in fetch_children::<P, Ch, C>(map, db, &unloaded, batch).await? {
                self.colls.set(p, Coll::Loaded(children));
            }
        }
        // With a delete cascade the children go too; without, their
        // foreign key is cleared where it can be (else the database
        // decides: refuse, or cascade on its own).
        let mut changed = false;
        for p in parents {
            let Coll::Loaded(children) = self.colls.get(p) else {
                continue;
            };
            for &c in children {
                if !alive::<Ch, C>(map, c) {
                    continue;
                }
                let arena = map.arena_mut::<Ch>();
                if self.cascade.delete {
                    arena.delete(c, level);
                    changed = true;
                } else if arena
                    .slot(c as usize)
                    .is_some_and(|s| s.value.parent_key().is_some())
                    && let Some(child) = arena.edit(c, level)
                {
                    child.clear_parent_key();
                }
            }
        }
        Ok(changed)
    }
}

impl<P, Ch, C> ErasedRel<C> for ChildStore<P, Ch>
where
    P: Model,
    Ch: BelongsTo<P>,
    C: Connection,
{
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }

    fn has_work(&self) -> bool {
        !self.fixups.is_empty()
    }

    fn cascade<'a>(
        &'a mut self,
        map: &'a mut IdentityMap<C>,
        db: &'a mut Db<'_, C>,
        level: u64,
        batch: usize,
    ) -> Step<'a, Result<bool>> {
        Box::pin(self.cascade_children(map, db, level, batch))
    }

    fn apply_fixups(&mut self, map: &mut IdentityMap<C>, level: u64, table: Option<&str>) {
        if self.fixups.is_empty() || table.is_some_and(|t| t != Ch::Table::NAME) {
            return;
        }
        let mut waiting = Vec::new();
        for (p, c) in std::mem::take(&mut self.fixups) {
            match map.state::<P>(p) {
                Some(State::New) => waiting.push((p, c)),
                Some(State::Clean | State::Dirty) => {
                    if let Some(key) = map.db_key::<P>(p)
                        && let Some(child) = map.arena_mut::<Ch>().edit(c, level)
                    {
                        child.set_parent_key(key);
                    }
                }
                _ => {}
            }
        }
        self.fixups = waiting;
    }

    fn flush_links<'a>(
        &'a mut self,
        _: &IdentityMap<C>,
        _: &'a mut Db<'_, C>,
        _: usize,
    ) -> Step<'a, Result<()>> {
        Box::pin(ready(Ok(())))
    }

    fn reset(&mut self) {
        self.colls.clear();
        self.fixups.clear();
    }
}

impl<L, R, C> ErasedRel<C> for LinkStore<L, R>
where
    L: ManyToMany<R>,
    R: Model,
    C: Connection,
{
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }

    fn has_work(&self) -> bool {
        !self.ops.is_empty()
    }

    fn cascade<'a>(
        &'a mut self,
        _: &'a mut IdentityMap<C>,
        _: &'a mut Db<'_, C>,
        _: u64,
        _: usize,
    ) -> Step<'a, Result<bool>> {
        Box::pin(ready(Ok(false)))
    }

    fn apply_fixups(&mut self, _: &mut IdentityMap<C>, _: u64, _: Option<&str>) {}

    fn flush_links<'a>(
        &'a mut self,
        map: &IdentityMap<C>,
        db: &'a mut Db<'_, C>,
        batch: usize,
    ) -> Step<'a, Result<()>> {
        let pairs: Vec<(L::Key, R::Key, bool)> = std::mem::take(&mut self.ops)
            .into_iter()
            .filter(|&(l, r, _)| alive::<L, C>(map, l) && alive::<R, C>(map, r))
            .filter_map(|(l, r, insert)| Some((map.db_key::<L>(l)?, map.db_key::<R>(r)?, insert)))
            .collect();
        let left_keys: Vec<L::Key> = deleted::<L, C>(map)
            .into_iter()
            .filter_map(|i| map.db_key::<L>(i))
            .collect();
        let right_keys: Vec<R::Key> = deleted::<R, C>(map)
            .into_iter()
            .filter_map(|i| map.db_key::<R>(i))
            .collect();
        Box::pin(write_links::<L, R, C>(
            db, pairs, left_keys, right_keys, batch,
        ))
    }

    fn reset(&mut self) {
        self.colls.clear();
        self.ops.clear();
    }
}

/// Writes the link-table rows asked for (`(left key, right key, insert?)`),
/// then deletes the rows of deleted objects (by left keys, then by right
/// keys).
async fn write_links<L, R, C>(
    db: &mut Db<'_, C>,
    pairs: Vec<(L::Key, R::Key, bool)>,
    left_keys: Vec<L::Key>,
    right_keys: Vec<R::Key>,
    batch: usize,
) -> Result<()>
where
    L: ManyToMany<R>,
    R: Model,
    C: Connection,
{
    let link = <L::Link as Table>::NAME;
    let columns = [L::Left::NAME, L::Right::NAME];
    for (lk, rk, insert) in &pairs {
        let values = [L::Left::encode_key(lk), L::Right::encode_key(rk)];
        let r = if *insert {
            sql::insert_link(db.dialect(), link, columns, values)?
        } else {
            sql::delete_link(db.dialect(), link, columns, values)?
        };
        db.execute(&r).await?;
    }
    // The link rows of deleted objects go before the objects do.
    for chunk in left_keys.chunks(batch) {
        let cells: Cells<'_> = chunk.iter().map(L::Left::encode_key).collect();
        db.execute(&sql::delete_links_of(
            db.dialect(),
            link,
            columns[0],
            &cells,
        )?)
        .await?;
    }
    for chunk in right_keys.chunks(batch) {
        let cells: Cells<'_> = chunk.iter().map(L::Right::encode_key).collect();
        db.execute(&sql::delete_links_of(
            db.dialect(),
            link,
            columns[1],
            &cells,
        )?)
        .await?;
    }
    Ok(())
}
