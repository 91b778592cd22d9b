//! What a [`ModelQuery`](super::ModelQuery) runs, and the loads that
//! apply the declared default strategies (`get`, `get_many`, the lazy
//! loads), as shared `async` code on [`Unit`]: the sync session drives it
//! with `block_on`, the async one awaits it (see [`drive`](super::drive)).

use super::arena::State;
use super::defaults::{children_rel, linked_rel, run_defaults};
use super::handle::Handle;
use super::identity::{Sql, key_names};
use super::joined::add_joined_defaults;

use super::loaders::Plan;
use super::loading::Coll;
use super::locking::load_fresh;
use super::model::{Cells, KeyFor, Model, ModelColumns, SqlRow};
use super::query::{JoinList, Parts, dedup};
use super::relation::{BelongsTo, HasMany, ManyToMany};
use super::select_key::{KeyFilter, ModelSelect, by_keys};
use super::unit::{Unit, in_map};
use crate::conn::Connection;
use crate::error::Result;
use crate::query::MaybeClause;
use crate::render::SqlKey;
use crate::schema::Table;

impl<C: Connection> Unit<'_, C> {
    /// Runs a model query: its statement (joined when a loader or a
    /// `Joined` default asks for it), then its loaders and the model's
    /// defaults; the slots of its objects, each once, in row order.
    pub(crate) async fn query_all<M, J, W, O>(
        &mut self,
        parts: &Parts<J, W, O>,
        mut plan: Plan<C>,
    ) -> Result<Vec<u32>>
    where
        M: Model,
        J: JoinList,
        W: MaybeClause,
        O: MaybeClause,
    {
        // A locking query loads its relationships with selectin (a JOIN
        // would lock their rows too): `Joined` defaults fall back to it.
        if parts.lock.is_none() {
            add_joined_defaults::<M, C>(self.rels, &mut plan);
        }
        if !plan.joined.is_empty() {
            return self.query_joined::<M, J, W, O>(parts, plan).await;
        }
        let slots = self.query_rows::<M, J, W, O>(parts).await?;
        let mut skip = plan.overrides.clone();
        plan.run(self, &slots).await?;
        run_defaults::<M, C>(self, &slots, &mut skip).await?;
        Ok(slots)
    }

    /// Whether loading `M`'s objects with `plan` does more than read
    /// them: `plan` has loaders or joins, or `M` declares default
    /// strategies. When not, [`query_rows`](Unit::query_rows) and
    /// [`get`](Unit::get) return what [`query_all`](Unit::query_all) and
    /// [`get_loaded`](Unit::get_loaded) would, with a smaller state
    /// machine: the sync session's one-object calls run those.
    pub(crate) fn loads_related<M: Model>(&mut self, plan: &Plan<C>) -> bool {
        !plan.is_empty() || self.rels.declares_defaults::<M>()
    }

    /// A model query's own statement (after the autoflush), without its
    /// loaders and defaults: the slots of its objects, each once, in row
    /// order.
    pub(crate) async fn query_rows<M, J, W, O>(
        &mut self,
        parts: &Parts<J, W, O>,
    ) -> Result<Vec<u32>>
    where
        M: Model,
        J: JoinList,
        W: MaybeClause,
        O: MaybeClause,
    {
        self.autoflush().await?;
        let cols = M::Columns::columns();
        let level = self.tx.current();
        let (map, mut db) = self.split();
        let stmt = ModelSelect::<M, J, W, O>::new(cols, parts);
        let mut key = SqlKey::for_dialect(db.dialect());
        let text = db.prepare(&stmt, &mut key)?;
        let r = Sql::Prepared(&text, key.binds());
        let mut slots = if parts.lock.is_some() {
            load_fresh::<M, C>(map.arena_mut::<M>(), &mut db, r, level).await?
        } else {
            db.load_into::<M, SqlRow<M>>(map.arena_mut::<M>(), r)
                .await?
        };
        if J::ANY {
            dedup(&mut slots);
        }
        Ok(slots)
    }

    /// [`get`](Unit::get), then `M`'s default strategies on the object
    /// read (its `Joined` ones in the same statement).
    pub(crate) async fn get_loaded<M: Model>(&mut self, key: M::Key) -> Result<Option<Handle<M>>> {
        if let Some(hit) = in_map::<M, C>(self.map, &key) {
            return Ok(hit);
        }
        let mut plan = Plan::new();
        add_joined_defaults::<M, C>(self.rels, &mut plan);
        if plan.joined.is_empty() {
            let found = self.get(key).await?;
            if let Some(h) = found {
                run_defaults::<M, C>(self, &[h.index()], &mut Vec::new()).await?;
            }
            return Ok(found);
        }
        let found = self
            .by_keys_joined::<M>(std::slice::from_ref(&key), plan)
            .await?;
        let arena = self.map.arena_mut::<M>();
        Ok(found.first().and_then(|&i| {
            let slot = arena.slot_mut(i as usize)?;
            slot.expired = false;
            (slot.state != State::Deleted).then_some(Handle::from_index(i))
        }))
    }

    /// [`get_many`](Unit::get_many), then `M`'s default strategies on the
    /// objects (the `Joined` ones in the statements that read them).
    pub(crate) async fn get_many_loaded<M: Model>(
        &mut self,
        keys: &[M::Key],
    ) -> Result<Vec<Handle<M>>> {
        let mut plan = Plan::new();
        add_joined_defaults::<M, C>(self.rels, &mut plan);
        let found = if plan.joined.is_empty() {
            self.get_many(keys).await?
        } else {
            let missing = self.missing::<M>(keys);
            let per_batch = (self.config.batch_size / key_names::<M>().len().max(1)).max(1);
            for chunk in missing.chunks(per_batch) {
                let mut batch = Plan::new();
                add_joined_defaults::<M, C>(self.rels, &mut batch);
                for i in self.by_keys_joined::<M>(chunk, batch).await? {
                    if let Some(slot) = self.map.arena_mut::<M>().slot_mut(i as usize) {
                        slot.expired = false;
                    }
                }
            }
            self.present::<M>(keys)
        };
        // Objects the map held already get their defaults too (loaded
        // collections send nothing).
        let slots: Vec<u32> = found.iter().map(|h| h.index()).collect();
        run_defaults::<M, C>(self, &slots, &mut Vec::new()).await?;
        Ok(found)
    }

    /// The handles of the objects with the given keys the map holds, not
    /// deleted, in the order of the keys.
    fn present<M: Model>(&self, keys: &[M::Key]) -> Vec<Handle<M>> {
        let Some(arena) = self.map.arena::<M>() else {
            return Vec::new();
        };
        keys.iter()
            .filter_map(|k| arena.lookup(k))
            .filter(|&i| {
                arena
                    .slot(i as usize)
                    .is_some_and(|s| s.state != State::Deleted)
            })
            .map(Handle::from_index)
            .collect()
    }

    /// The keys of `keys` whose object the map lacks (or holds expired).
    fn missing<M: Model>(&self, keys: &[M::Key]) -> Vec<M::Key> {
        match self.map.arena::<M>() {
            Some(arena) => keys
                .iter()
                .filter(|k| {
                    arena
                        .lookup(k)
                        .and_then(|i| arena.slot(i as usize))
                        .is_none_or(|s| s.expired)
                })
                .cloned()
                .collect(),
            None => keys.to_vec(),
        }
    }

    /// Loads the rows with the given keys with the joins of `plan`.
    async fn by_keys_joined<M: Model>(
        &mut self,
        keys: &[M::Key],
        plan: Plan<C>,
    ) -> Result<Vec<u32>> {
        let mut cells = Cells::new();
        for k in keys {
            k.key_cells(&mut cells);
        }
        let parts = by_keys(M::Table::NAME, key_names::<M>(), cells, keys.len());
        self.query_joined::<M, (), KeyFilter<'_>, ()>(&parts, plan)
            .await
    }

    /// [`related`](Unit::related), then the children's default
    /// strategies when the collection was not loaded yet.
    pub(crate) async fn related_loaded<P, Ch>(
        &mut self,
        parent: Handle<P>,
    ) -> Result<Vec<Handle<Ch>>>
    where
        P: HasMany<Ch>,
        Ch: BelongsTo<P>,
    {
        let loaded = matches!(
            self.rels.children::<P, Ch>().colls.get(parent.index()),
            Coll::Loaded(_)
        );
        let handles = self.related(parent).await?;
        if !loaded {
            let children: Vec<u32> = handles.iter().map(|h| h.index()).collect();
            let mut skip = vec![children_rel::<P, Ch>()];
            run_defaults::<Ch, C>(self, &children, &mut skip).await?;
        }
        Ok(handles)
    }

    /// [`linked`](Unit::linked), then the targets' default strategies
    /// when the collection was not loaded yet.
    pub(crate) async fn linked_loaded<L, R>(&mut self, source: Handle<L>) -> Result<Vec<Handle<R>>>
    where
        L: ManyToMany<R>,
        R: Model,
    {
        let loaded = matches!(
            self.rels.links::<L, R>().colls.get(source.index()),
            Coll::Loaded(_)
        );
        let handles = self.linked(source).await?;
        if !loaded {
            let targets: Vec<u32> = handles.iter().map(|h| h.index()).collect();
            let mut skip = vec![linked_rel::<L, R>()];
            run_defaults::<R, C>(self, &targets, &mut skip).await?;
        }
        Ok(handles)
    }
}
