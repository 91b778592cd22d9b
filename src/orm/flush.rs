//! `flush`: writing new, changed and deleted objects, in foreign-key order.

use std::any::Any;

use smallvec::SmallVec;

use super::arena::{Arena, State};
use super::identity::{Db, IdentityMap, fetch_by_key, key_names};
use super::loading::Relations;
use super::model::{Cells, KeyFor, Model, push_cells};
use super::session::{Session, split};
use super::sql::{self, RowMatch};
use crate::conn::Connection;
use crate::error::{Error, Result};
use crate::schema::{ColumnList, Table, TableDef};
use crate::value::ValueRef;

/// What the session asks of an arena without knowing its model type.
pub(crate) trait ErasedArena<C: Connection> {
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
    fn def(&self) -> &TableDef;
    fn has_work(&self) -> bool;
    fn has_inserts_or_deletes(&self) -> bool;
    fn flush_inserts(&mut self, db: &mut Db<'_, C>, level: u64) -> Result<()>;
    fn flush_updates(&mut self, db: &mut Db<'_, C>, level: u64) -> Result<()>;
    fn flush_deletes(&mut self, db: &mut Db<'_, C>, level: u64) -> Result<()>;
    fn compact(&mut self);
    fn rollback_level(&mut self, id: u64);
    fn release_level(&mut self, child: u64, parent: u64);
    fn end_transaction(&mut self, expire: bool);
    fn expire_all(&mut self);
    /// Registers the model's relationships when it has deletes pending.
    fn register_relationships(&self, rels: &mut Relations<C>);
}

impl<M: Model, C: Connection> ErasedArena<C> for Arena<M> {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
    fn def(&self) -> &TableDef {
        &self.def
    }
    fn has_work(&self) -> bool {
        !self.pending().is_empty()
    }
    fn has_inserts_or_deletes(&self) -> bool {
        self.has_pending(State::New) || self.has_pending(State::Deleted)
    }
    fn flush_inserts(&mut self, db: &mut Db<'_, C>, level: u64) -> Result<()> {
        for i in self.pending().to_vec() {
            if self.slot(i as usize).is_some_and(|s| s.state == State::New) {
                insert_one(self, db, i, level)?;
            }
        }
        Ok(())
    }
    fn flush_updates(&mut self, db: &mut Db<'_, C>, level: u64) -> Result<()> {
        for i in self.pending().to_vec() {
            if self
                .slot(i as usize)
                .is_some_and(|s| s.state == State::Dirty)
            {
                update_one(self, db, i, level)?;
            }
        }
        Ok(())
    }
    fn flush_deletes(&mut self, db: &mut Db<'_, C>, level: u64) -> Result<()> {
        for i in self.pending().to_vec() {
            if self
                .slot(i as usize)
                .is_some_and(|s| s.state == State::Deleted)
            {
                delete_one(self, db, i, level)?;
            }
        }
        Ok(())
    }
    fn compact(&mut self) {
        self.compact_pending();
    }
    fn rollback_level(&mut self, id: u64) {
        Arena::rollback_level(self, id);
    }
    fn release_level(&mut self, child: u64, parent: u64) {
        Arena::release_level(self, child, parent);
    }
    fn end_transaction(&mut self, expire: bool) {
        Arena::end_transaction(self, expire);
    }
    fn expire_all(&mut self) {
        Arena::expire_all(self);
    }
    fn register_relationships(&self, rels: &mut Relations<C>) {
        if self.has_pending(State::Deleted) {
            rels.register::<M>();
        }
    }
}

type Flags = SmallVec<[bool; 16]>;

fn is_unset(v: ValueRef<'_>) -> bool {
    matches!(v, ValueRef::Null | ValueRef::Int(0))
}

/// INSERTs the new object in slot `i`, then fills in what the database
/// assigned: the autoincrement key, and server defaults (re-read by key).
fn insert_one<M: Model, C: Connection>(
    arena: &mut Arena<M>,
    db: &mut Db<'_, C>,
    i: u32,
    level: u64,
) -> Result<()> {
    arena.journal(i, level);
    let table = M::Table::NAME;
    let names = <M::Columns as ColumnList>::NAMES;
    let Some(Some(slot)) = arena.slots.get_mut(i as usize) else {
        return Ok(());
    };
    slot.value.before_insert();
    let (autoincrement, server_defaults) = {
        let mut cells = Cells::new();
        push_cells(&slot.value, &mut cells);
        let mut auto = None;
        let mut defaults = false;
        let skip: Flags = cells
            .iter()
            .zip(&arena.columns)
            .enumerate()
            .map(|(j, (c, def))| {
                if def.autoincrement && is_unset(*c) {
                    auto = Some(j);
                    true
                } else if def.default.is_some() && *c == ValueRef::Null {
                    defaults = true;
                    true
                } else {
                    false
                }
            })
            .collect();
        db.execute(&sql::insert(db.dialect(), table, names, &cells, &skip)?)?;
        (auto, defaults)
    };
    if let Some(j) = autoincrement {
        let id = db.conn.last_insert_id()?.ok_or_else(|| {
            Error::InvalidStatement(format!(
                "the database did not report the id it assigned to the new `{table}` row"
            ))
        })?;
        slot.value.set_generated_key(id);
        let mut cells = Cells::new();
        push_cells(&slot.value, &mut cells);
        if cells.get(j).is_none_or(|c| is_unset(*c)) {
            return Err(Error::InvalidStatement(format!(
                "`{table}` has an autoincrement key: implement `Model::set_generated_key` to store the id the database assigned"
            )));
        }
    }
    if server_defaults {
        let key = slot.value.key();
        if let Some(fresh) = fetch_by_key::<M, C>(db, &key)? {
            slot.value = fresh;
        }
    }
    arena.mark_flushed(i);
    Ok(())
}

/// Which cells differ.
fn diff<M: Model>(now: &M, before: &M) -> Flags {
    let mut a = Cells::new();
    let mut b = Cells::new();
    push_cells(now, &mut a);
    push_cells(before, &mut b);
    a.iter().zip(&b).map(|(x, y)| x != y).collect()
}

/// UPDATEs the changed columns of the object in slot `i` (nothing when
/// nothing changed), matching its version when it has one.
fn update_one<M: Model, C: Connection>(
    arena: &mut Arena<M>,
    db: &mut Db<'_, C>,
    i: u32,
    level: u64,
) -> Result<()> {
    let unchanged = match arena.slot(i as usize) {
        Some(slot) => match slot.snapshot.as_deref() {
            Some(before) => !diff(&slot.value, before).contains(&true),
            None => true,
        },
        None => return Ok(()),
    };
    arena.journal(i, level);
    if unchanged {
        arena.mark_flushed(i);
        return Ok(());
    }
    let table = M::Table::NAME;
    let Some(Some(slot)) = arena.slots.get_mut(i as usize) else {
        return Ok(());
    };
    let (n, key, old_version, versioned) = {
        let Some(before) = slot.snapshot.as_deref_mut() else {
            return Ok(());
        };
        slot.value.before_update();
        let old_version = before.version().map(|v| *v.value);
        let mut version_column = None;
        if let (Some(old), Some(v)) = (old_version, slot.value.version()) {
            *v.value = old + 1;
            version_column = Some(v.column());
        }
        let changed = diff(&slot.value, before);
        let key = before.key();
        let mut key_cells = Cells::new();
        key.key_cells(&mut key_cells);
        let mut cells = Cells::new();
        push_cells(&slot.value, &mut cells);
        let row = RowMatch {
            table,
            key_names: key_names::<M>(),
            key: &key_cells,
            version: version_column.zip(old_version),
        };
        let n = db.execute(&sql::update(
            db.dialect(),
            <M::Columns as ColumnList>::NAMES,
            &cells,
            &changed,
            &row,
        )?)?;
        (n, key.clone(), old_version, row.version.is_some())
    };
    if versioned && n == 0 {
        return Err(Error::StaleData {
            table,
            message: format!(
                "the UPDATE of the row with key {key:?} at version {} matched no row: it was changed or deleted by another transaction",
                old_version.unwrap_or_default()
            ),
        });
    }
    arena.mark_flushed(i);
    Ok(())
}

/// DELETEs the object in slot `i`, matching its version when it has one.
fn delete_one<M: Model, C: Connection>(
    arena: &mut Arena<M>,
    db: &mut Db<'_, C>,
    i: u32,
    level: u64,
) -> Result<()> {
    arena.journal(i, level);
    let table = M::Table::NAME;
    let Some(Some(slot)) = arena.slots.get_mut(i as usize) else {
        return Ok(());
    };
    let key = slot.db_key();
    let loaded = match slot.snapshot.as_deref_mut() {
        Some(before) => before,
        None => &mut slot.value,
    };
    let version = loaded.version().map(|v| (v.column(), *v.value));
    let mut key_cells = Cells::new();
    key.key_cells(&mut key_cells);
    let row = RowMatch {
        table,
        key_names: key_names::<M>(),
        key: &key_cells,
        version,
    };
    let r = sql::delete(db.dialect(), &row)?;
    let n = db.execute(&r)?;
    if version.is_some() && n == 0 {
        return Err(Error::StaleData {
            table,
            message: format!(
                "the DELETE of the row with key {key:?} matched no row: it was changed or deleted by another transaction"
            ),
        });
    }
    arena.mark_removed(i);
    Ok(())
}

/// The arenas with inserts or deletes, parents before children.
fn flush_order<C: Connection>(map: &IdentityMap<C>) -> Result<Vec<usize>> {
    let mut rest: Vec<usize> = (0..map.arenas.len())
        .filter(|&i| map.arenas[i].has_inserts_or_deletes())
        .collect();
    let mut ordered = Vec::with_capacity(rest.len());
    while !rest.is_empty() {
        let ready = rest.iter().position(|&i| {
            map.arenas[i].def().dependencies().all(|dep| {
                !rest
                    .iter()
                    .any(|&j| j != i && map.arenas[j].def().name == dep)
            })
        });
        match ready {
            Some(p) => ordered.push(rest.remove(p)),
            None => {
                return Err(Error::DependencyCycle(
                    rest.iter()
                        .map(|&i| map.arenas[i].def().name.to_owned())
                        .collect(),
                ));
            }
        }
    }
    Ok(ordered)
}

impl<C: Connection> Session<'_, C> {
    /// Writes every pending change: INSERTs of new objects (parents before
    /// children), UPDATEs of the changed columns of modified objects,
    /// link-table rows of many-to-many relationships, and DELETEs (children
    /// before parents). Runs inside the session's transaction, which stays
    /// open.
    ///
    /// When a statement fails, the innermost transaction level (the
    /// savepoint, or else the whole transaction) is rolled back, as by
    /// [`rollback`](Session::rollback), and the error returned.
    ///
    /// # Errors
    /// [`Error::DependencyCycle`] when the tables with pending inserts or
    /// deletes reference each other in a cycle; [`Error::StaleData`] when a
    /// versioned row was changed by another transaction; or the database's
    /// error.
    pub fn flush(&mut self) -> Result<()> {
        let has_work = self.map.arenas.iter().any(|a| a.has_work()) || self.rels.has_work();
        if !has_work {
            return Ok(());
        }
        match self.flush_all() {
            Ok(()) => Ok(()),
            Err(e) => {
                self.rollback_innermost();
                Err(e)
            }
        }
    }

    fn flush_all(&mut self) -> Result<()> {
        let level = self.tx.current();
        let batch = self.config.batch_size;
        let (map, mut db) = split!(self);
        let rels = &mut self.rels;
        loop {
            for a in &map.arenas {
                a.register_relationships(rels);
            }
            if !rels.cascade(map, &mut db, level, batch)? {
                break;
            }
        }
        let order = flush_order(map)?;
        for &a in &order {
            let table = map.arenas[a].def().name;
            rels.apply_fixups(map, level, Some(table));
            map.arenas[a].flush_inserts(&mut db, level)?;
        }
        rels.apply_fixups(map, level, None);
        for a in 0..map.arenas.len() {
            map.arenas[a].flush_updates(&mut db, level)?;
        }
        rels.flush_links(map, &mut db, batch)?;
        for &a in order.iter().rev() {
            map.arenas[a].flush_deletes(&mut db, level)?;
        }
        for a in &mut map.arenas {
            a.compact();
        }
        Ok(())
    }
}
