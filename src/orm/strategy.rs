//! The queries that load relationships: for one parent on demand (lazy),
//! or for every object a query returned (selectin), and marking
//! collections that refuse lazy loads (raise).

use std::future::ready;

use super::arena::FastMap;
use super::drive::Step;
use super::identity::{Db, IdentityMap, key_names, load_keys};
use super::loading::{Coll, Collections};
use super::model::{Cells, ForeignKeyTo, Model, ModelColumns, SqlRow};
use super::relation::{BelongsTo, HasMany, ManyToMany};
use super::sql::{self, LinkSelect};
use super::unit::Unit;
use crate::conn::Connection;
use crate::error::Result;
use crate::schema::{Column, Table};
use crate::value::{FromRow, Row};

/// Loads the children of `parents` (`WHERE fk IN (...)`, in batches) and
/// groups them by parent slot, in the order of `parents`; every persistent
/// parent gets an entry.
pub(crate) async fn fetch_children<P, Ch, C>(
    map: &mut IdentityMap<C>,
    db: &mut Db<'_, C>,
    parents: &[u32],
    batch: usize,
) -> Result<Vec<(u32, Vec<u32>)>>
where
    P: Model,
    Ch: BelongsTo<P>,
    C: Connection,
{
    let mut keys: Vec<P::Key> = Vec::with_capacity(parents.len());
    let mut grouped: Vec<(u32, Vec<u32>)> = Vec::with_capacity(parents.len());
    if let Some(arena) = map.arena::<P>() {
        for &p in parents {
            if let Some(key) = arena.db_key(p) {
                keys.push(key);
                grouped.push((p, Vec::new()));
            }
        }
    }
    // The group of each key sent (a child's foreign key is one of them).
    let group: FastMap<&P::Key, usize> = keys.iter().zip(0..).collect();
    let cols = Ch::Columns::columns();
    // Collections are in key order: sorted below unless every batch's rows
    // came that way (as SQLite and MySQL usually return them).
    let mut in_key_order = true;
    for chunk in keys.chunks(batch.max(1)) {
        let cells: Cells<'_> = chunk.iter().map(Ch::ForeignKey::encode_key).collect();
        let r = sql::select_where_in(
            db.dialect(),
            &cols,
            Ch::Table::NAME,
            Ch::ForeignKey::NAME,
            &cells,
            Ch::DISCRIMINATOR,
        )?;
        let slots = db
            .load_into::<Ch, SqlRow<Ch>>(map.arena_mut::<Ch>(), &r)
            .await?;
        let Some(children) = map.arena::<Ch>() else {
            continue;
        };
        // Each child's group; rows usually come grouped by parent, so the
        // last parent is remembered.
        let mut owners: Vec<(u32, usize)> = Vec::with_capacity(slots.len());
        let mut counts = vec![0usize; grouped.len()];
        let mut last: Option<(P::Key, Option<usize>)> = None;
        // Whether the rows came in key order (then so did each group).
        let mut previous: Option<Ch::Key> = None;
        for c in slots {
            let Some(child) = children.slot(c as usize) else {
                continue;
            };
            if in_key_order {
                let key = children.key_of(child);
                in_key_order = previous.as_ref().is_none_or(|p| *p < key);
                previous = Some(key);
            }
            let Some(key) = child.value.parent_key() else {
                continue;
            };
            let g = match &last {
                Some((k, g)) if *k == key => *g,
                _ => {
                    let g = group.get(&key).copied();
                    last = Some((key, g));
                    g
                }
            };
            if let Some(g) = g {
                owners.push((c, g));
                counts[g] += 1;
            }
        }
        for ((_, list), n) in grouped.iter_mut().zip(counts) {
            list.reserve_exact(n);
        }
        for (c, g) in owners {
            grouped[g].1.push(c);
        }
    }
    if !in_key_order && let Some(children) = map.arena::<Ch>() {
        for (_, list) in &mut grouped {
            children.sort_by_key(list);
        }
    }
    Ok(grouped)
}

/// Loads the targets linked to `sources` through the link table, and
/// groups them by source slot; every persistent source gets an entry.
pub(crate) async fn fetch_linked<L, R, C>(
    map: &mut IdentityMap<C>,
    db: &mut Db<'_, C>,
    sources: &[u32],
    batch: usize,
) -> Result<FastMap<u32, Vec<u32>>>
where
    L: ManyToMany<R>,
    R: Model,
    C: Connection,
{
    let keys: Vec<L::Key> = sources.iter().filter_map(|&s| map.db_key::<L>(s)).collect();
    let mut grouped: FastMap<u32, Vec<u32>> = sources
        .iter()
        .filter(|&&s| map.db_key::<L>(s).is_some())
        .map(|&s| (s, Vec::new()))
        .collect();
    let cols = R::Columns::columns();
    let select = LinkSelect {
        link: <L::Link as Table>::NAME,
        left: L::Left::NAME,
        right: L::Right::NAME,
        target: R::Table::NAME,
        target_key: key_names::<R>(),
        target_disc: R::DISCRIMINATOR,
    };
    for chunk in keys.chunks(batch.max(1)) {
        let cells: Cells<'_> = chunk.iter().map(L::Left::encode_key).collect();
        let r = select.render(db.dialect(), &cols, &cells)?;
        let targets = map.arena_mut::<R>();
        let mut pairs: Vec<(L::Key, u32)> = Vec::new();
        db.query(&r, |row| {
            let left = L::Left::decode_key(row.value(0)?)
                .map_err(|e| e.with_column(row.column_name(0)))?;
            let values = <R::Row as FromRow<SqlRow<R>>>::from_row(row, 1)?;
            pairs.push((left, targets.load(R::from_row(values))));
            Ok(true)
        })
        .await?;
        let Some(left_arena) = map.arena::<L>() else {
            continue;
        };
        for (key, r) in pairs {
            if let Some(list) = left_arena.lookup(&key).and_then(|s| grouped.get_mut(&s)) {
                list.push(r);
            }
        }
    }
    if let Some(targets) = map.arena::<R>() {
        for list in grouped.values_mut() {
            targets.sort_by_key(list);
        }
    }
    Ok(grouped)
}

/// Selectin loading of `P`'s children: one `IN` query per batch for the
/// parents whose collection is not loaded yet. Returns the children of
/// `parents` when `related` (for nested loaders).
pub(crate) fn selectin_children<'u, P, Ch, C>(
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

/// Raise loading of `P`'s children: unloaded collections refuse lazy
/// loads. Returns the children already loaded when `related`.
pub(crate) fn raise_children<'u, P, Ch, C>(
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

/// Selectin loading of the parents of `Ch` objects: one `IN` query per
/// batch for the parents not in the identity map. Returns the parents'
/// slots when `related`.
pub(crate) fn selectin_parents<'u, Ch, P, C>(
    u: &'u mut Unit<'_, C>,
    children: &'u [u32],
    related: bool,
) -> Step<'u, Result<Vec<u32>>>
where
    Ch: BelongsTo<P>,
    P: Model,
    C: Connection,
{
    Box::pin(u.selectin_parents::<Ch, P>(children, related))
}

/// Selectin loading of many-to-many targets. Returns the targets of
/// `sources` when `related`.
pub(crate) fn selectin_linked<'u, L, R, C>(
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

/// Raise loading of many-to-many targets. Returns the targets already
/// loaded when `related`.
pub(crate) fn raise_linked<'u, L, R, C>(
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

/// Raise loading: the collections of `owners` not loaded yet refuse lazy
/// loads. Returns the members already loaded when `related`.
pub(crate) fn mark_raise(colls: &mut Collections, owners: &[u32], related: bool) -> Vec<u32> {
    for &owner in owners {
        if matches!(colls.get(owner), Coll::Unloaded) {
            colls.set(owner, Coll::Raise);
        }
    }
    if related {
        colls.loaded_of(owners)
    } else {
        Vec::new()
    }
}

impl<C: Connection> Unit<'_, C> {
    /// Selectin loading of the parents of `Ch` objects (see
    /// [`selectin_parents`]).
    pub(crate) async fn selectin_parents<Ch, P>(
        &mut self,
        children: &[u32],
        related: bool,
    ) -> Result<Vec<u32>>
    where
        Ch: BelongsTo<P>,
        P: Model,
    {
        let mut seen: FastMap<P::Key, ()> = FastMap::default();
        let mut keys = Vec::new();
        if let Some(arena) = self.map.arena::<Ch>() {
            let parents = self.map.arena::<P>();
            for &c in children {
                let Some(key) = arena
                    .slot(c as usize)
                    .and_then(|slot| slot.value.parent_key())
                else {
                    continue;
                };
                let fresh = parents
                    .and_then(|a| a.lookup(&key).and_then(|i| a.slot(i as usize)))
                    .is_some_and(|slot| !slot.expired);
                if !fresh && seen.insert(key.clone(), ()).is_none() {
                    keys.push(key);
                }
            }
        }
        if !keys.is_empty() {
            let batch = self.config.batch_size;
            let (map, mut db) = self.split();
            load_keys::<P, C>(map.arena_mut::<P>(), &mut db, &keys, batch).await?;
        }
        if !related {
            return Ok(Vec::new());
        }
        let (Some(arena), Some(parents)) = (self.map.arena::<Ch>(), self.map.arena::<P>()) else {
            return Ok(Vec::new());
        };
        Ok(children
            .iter()
            .filter_map(|&c| arena.slot(c as usize)?.value.parent_key())
            .filter_map(|key| parents.lookup(&key))
            .collect())
    }

    /// Selectin loading of many-to-many targets (see [`selectin_linked`]).
    pub(crate) async fn selectin_linked<L, R>(
        &mut self,
        sources: &[u32],
        related: bool,
    ) -> Result<Vec<u32>>
    where
        L: ManyToMany<R>,
        R: Model,
    {
        let need = self.rels.links::<L, R>().colls.unloaded(sources);
        if !need.is_empty() {
            let batch = self.config.batch_size;
            let (map, mut db) = self.split();
            let fetched = fetch_linked::<L, R, C>(map, &mut db, &need, batch).await?;
            let store = &mut self.rels.links::<L, R>().colls;
            for (owner, members) in fetched {
                store.set(owner, Coll::Loaded(members));
            }
        }
        Ok(if related {
            self.rels.links::<L, R>().colls.loaded_of(sources)
        } else {
            Vec::new()
        })
    }

    /// Selectin loading of `P`'s children (see [`selectin_children`]).
    pub(crate) async fn selectin_children<P, Ch>(
        &mut self,
        parents: &[u32],
        related: bool,
    ) -> Result<Vec<u32>>
    where
        P: HasMany<Ch>,
        Ch: BelongsTo<P>,
    {
        let need = self.rels.children::<P, Ch>().colls.unloaded(parents);
        if !need.is_empty() {
            let batch = self.config.batch_size;
            let (map, mut db) = self.split();
            let fetched = fetch_children::<P, Ch, C>(map, &mut db, &need, batch).await?;
            let store = &mut self.rels.children::<P, Ch>().colls;
            for (owner, members) in fetched {
                store.set(owner, Coll::Loaded(members));
            }
        }
        Ok(if related {
            self.rels.children::<P, Ch>().colls.loaded_of(parents)
        } else {
            Vec::new()
        })
    }
}
