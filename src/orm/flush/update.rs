//! UPDATEs of changed objects: the objects of one model that changed the
//! same columns share one statement, rendered (or found in the
//! connection's SQL cache) once and run once per object with its values
//! ([`Connection::execute_cached_many`]).

use smallvec::SmallVec;

use super::super::arena::{Arena, State};
use super::super::identity::{Db, key_names};
use super::super::model::{Cells, KeyFor, Model, ModelRow, push_cells};
use super::super::server_values;
use super::super::sql::{self, RowMatch};
use crate::conn::Connection;
use crate::error::{ErrorKind, Result};
use crate::render::{NodeTag, Render, SqlWriter};
use crate::schema::{ColumnList, Table};
use crate::value::ValueRef;

type Flags = SmallVec<[bool; 16]>;

/// The changed objects that share one UPDATE statement.
struct Group {
    changed: Flags,
    /// The version column, when the model has one.
    version: Option<&'static str>,
    slots: Vec<u32>,
    /// Each object's version before this UPDATE (when versioned).
    old_versions: Vec<i64>,
}

/// UPDATEs the changed columns of every changed object of the arena
/// (nothing for an object whose values are as loaded), matching each
/// object's version when the model has one.
///
/// Each object is compared with its snapshot value by value, without
/// collecting cells: before [`Model::before_update`] whether it changed at
/// all, after it which columns did.
pub(super) async fn flush_updates<M: Model, C: Connection>(
    arena: &mut Arena<M>,
    db: &mut Db<'_, C>,
    level: u64,
) -> Result<()> {
    let dirty = arena.pending_in(State::Dirty);
    let names = <M::Columns as ColumnList>::NAMES;
    let mut groups: Vec<Group> = Vec::new();
    let mut changed: Flags = smallvec::smallvec![false; names.len()];
    for &i in &dirty {
        arena.journal(i, level, true);
        let Arena { slots, journal, .. } = &mut *arena;
        let Some(Some(slot)) = slots.get_mut(i as usize) else {
            continue;
        };
        let Some(before) = journal.resolve(&slot.snapshot) else {
            arena.mark_flushed(i);
            continue;
        };
        if !M::Row::diff(slot.value.values(), before.values(), &mut []) {
            arena.mark_flushed(i);
            continue;
        }
        slot.value.before_update();
        let mut version = None;
        let mut old_version = None;
        if let Some(v) = slot.value.version() {
            let column = v.column();
            let mut was = Cells::new();
            push_cells(before, &mut was);
            if let Some(&ValueRef::Int(old)) = names
                .iter()
                .position(|n| *n == column)
                .and_then(|j| was.get(j))
            {
                *v.value = old + 1;
                version = Some(column);
                old_version = Some(old);
            }
        }
        M::Row::diff(slot.value.values(), before.values(), &mut changed);
        let group = match groups
            .iter_mut()
            .position(|g| g.changed == changed && g.version == version)
        {
            Some(p) => &mut groups[p],
            None => {
                groups.push(Group {
                    changed: changed.clone(),
                    version,
                    slots: Vec::new(),
                    old_versions: Vec::new(),
                });
                let last = groups.len() - 1;
                &mut groups[last]
            }
        };
        group.slots.push(i);
        if let Some(old) = old_version {
            group.old_versions.push(old);
        }
    }
    for g in &groups {
        update_group(arena, db, g).await?;
    }
    Ok(())
}

/// The words the SQL cache knows an ORM UPDATE's text by.
fn update_words<M: Model>(g: &Group) -> SmallVec<[usize; 16]> {
    static ORM_UPDATE: NodeTag = NodeTag::new("ORM UPDATE");
    let mut words = SmallVec::new();
    let names = <M::Columns as ColumnList>::NAMES;
    let keys = key_names::<M>();
    let version = g.version.unwrap_or("");
    words.extend([
        std::ptr::from_ref(&ORM_UPDATE).addr(),
        M::Table::NAME.as_ptr().addr(),
        M::Table::NAME.len(),
        names.as_ptr().addr(),
        names.len(),
        keys.as_ptr().addr(),
        keys.len(),
        version.as_ptr().addr(),
        version.len() + usize::from(g.version.is_some()),
    ]);
    for bits in g.changed.chunks(usize::BITS as usize) {
        words.push(
            bits.iter()
                .enumerate()
                .fold(0, |w, (b, &c)| w | usize::from(c) << b),
        );
    }
    words
}

async fn update_group<M: Model, C: Connection>(
    arena: &mut Arena<M>,
    db: &mut Db<'_, C>,
    g: &Group,
) -> Result<()> {
    let table = M::Table::NAME;
    let names = <M::Columns as ColumnList>::NAMES;
    let keys: Vec<M::Key> = g
        .slots
        .iter()
        .filter_map(|&i| arena.slot(i as usize).map(|s| arena.key_of(s)))
        .collect();
    let set = g.changed.iter().filter(|c| **c).count();
    // [server values] `Model::on_update`: SQL set after the changed
    // columns, its binds the same in every run.
    let d = db.dialect();
    let on_update = server_values::on_update_for::<M>(names, &g.changed);
    let on_update: Vec<(&'static str, &(dyn Render + Send + Sync))> =
        on_update.iter().map(|(c, v)| (*c, &**v)).collect();
    let extra = {
        let mut w = SqlWriter::new(d);
        server_values::write_set(&mut w, &on_update);
        w.finish()?.binds
    };
    let per_run = set + extra.len() + key_names::<M>().len() + usize::from(g.version.is_some());
    let mut binds: Vec<ValueRef<'_>> = Vec::with_capacity(per_run * g.slots.len());
    for (k, &i) in g.slots.iter().enumerate() {
        let Some(slot) = arena.slot(i as usize) else {
            continue;
        };
        let mut cells = Cells::new();
        push_cells(&slot.value, &mut cells);
        binds.extend(
            cells
                .iter()
                .zip(&g.changed)
                .filter(|(_, c)| **c)
                .map(|(v, _)| *v),
        );
        binds.extend(extra.iter().copied());
        let mut key_cells = Cells::new();
        keys[k].key_cells(&mut key_cells);
        binds.extend(key_cells);
        if g.version.is_some() {
            binds.push(ValueRef::Int(g.old_versions[k]));
        }
    }
    if binds.len() != per_run * g.slots.len() {
        return Err(ErrorKind::InvalidStatement(format!(
            "the changed `{table}` objects do not all have {per_run} values to write"
        ))
        .into());
    }
    let render = || {
        let first = &binds[..per_run];
        let mut cells = Cells::new();
        let mut set_values = first[..set].iter();
        for &c in &g.changed {
            cells.push(match c {
                true => set_values.next().copied().unwrap_or(ValueRef::Null),
                false => ValueRef::Null,
            });
        }
        let key_len = key_names::<M>().len();
        let row = RowMatch {
            table,
            key_names: key_names::<M>(),
            key: &first[set + extra.len()..set + extra.len() + key_len],
            version: g.version.zip(g.old_versions.first().copied()),
        };
        Ok(sql::update(d, names, &cells, &g.changed, &on_update, &row)?.sql)
    };
    let words = update_words::<M>(g);
    db.execute_many(&words, render, &binds, per_run, |k, n| {
        if g.version.is_some() && n == 0 {
            return Err(ErrorKind::StaleData {
                table,
                message: format!(
                    "the UPDATE of the row with key {:?} at version {} matched no row: it was changed or deleted by another transaction",
                    keys[k], g.old_versions[k]
                ),
            }.into());
        }
        Ok(())
    })
    .await?;
    drop(binds);
    for &i in &g.slots {
        arena.mark_flushed(i);
    }
    if !on_update.is_empty() {
        // [server values] What the server computed.
        super::insert::reread(arena, db, &g.slots).await?;
    }
    // [events] `Model::after_update`.
    super::super::events::after_update(arena, &g.slots);
    Ok(())
}
