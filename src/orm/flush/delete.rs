//! DELETEs of deleted objects: one `DELETE ... WHERE key IN (...)` per
//! model (under the bind limit), or, for a model with a version column,
//! `WHERE (key = ? AND version = ?) OR ...`, which must delete as many rows
//! as it names: fewer means another transaction changed or deleted one.

use smallvec::SmallVec;

use super::super::arena::{Arena, State};
use super::super::identity::{Db, key_names};
use super::super::model::{Cells, KeyFor, Model, push_cells};
use super::super::sql;
use crate::conn::Connection;
use crate::error::{ErrorKind, Result};
use crate::render::NodeTag;
use crate::schema::{ColumnList, Table};
use crate::value::ValueRef;

/// The words the SQL cache knows an ORM DELETE of `rows` rows by.
fn delete_words<M: Model>(version: Option<&'static str>, rows: usize) -> [usize; 8] {
    static ORM_DELETE: NodeTag = NodeTag::new("ORM DELETE");
    let keys = key_names::<M>();
    let version_name = version.unwrap_or("");
    [
        std::ptr::from_ref(&ORM_DELETE).addr(),
        M::Table::NAME.as_ptr().addr(),
        M::Table::NAME.len(),
        keys.as_ptr().addr(),
        keys.len(),
        version_name.as_ptr().addr(),
        version_name.len() + usize::from(version.is_some()),
        rows,
    ]
}

/// DELETEs every object of the arena marked for deletion.
pub(super) async fn flush_deletes<M: Model, C: Connection>(
    arena: &mut Arena<M>,
    db: &mut Db<'_, C>,
    level: u64,
    batch: usize,
) -> Result<()> {
    let deleted = arena.pending_in(State::Deleted);
    if deleted.is_empty() {
        return Ok(());
    }
    // [events] `Model::before_delete`.
    super::super::events::before_delete(arena, &deleted);
    // Each object's key and version as loaded.
    let mut rows: Vec<(M::Key, Option<i64>)> = Vec::with_capacity(deleted.len());
    let mut version_column = None;
    let names = <M::Columns as ColumnList>::NAMES;
    for &i in &deleted {
        arena.journal(i, level, false);
        let Arena { slots, journal, .. } = &mut *arena;
        let Some(Some(slot)) = slots.get_mut(i as usize) else {
            continue;
        };
        let loaded = journal.resolve(&slot.snapshot);
        let key = loaded.unwrap_or(&slot.value).key();
        // The version as loaded: the snapshot's, else the object's own.
        let version = slot.value.version().map(|v| {
            version_column = Some(v.column());
            *v.value
        });
        let version = match (version, loaded) {
            (Some(_), Some(before)) => {
                let mut cells = Cells::new();
                push_cells(before, &mut cells);
                names
                    .iter()
                    .position(|n| Some(*n) == version_column)
                    .and_then(|j| match cells.get(j) {
                        Some(&ValueRef::Int(v)) => Some(v),
                        _ => None,
                    })
            }
            (version, _) => version,
        };
        rows.push((key, version));
    }
    let mut names: SmallVec<[&str; 5]> = key_names::<M>().iter().copied().collect();
    names.extend(version_column);
    let per_statement = (db.dialect().max_binds() / names.len().max(1)).clamp(1, batch.max(1));
    let table = M::Table::NAME;
    for part in rows.chunks(per_statement) {
        let mut cells: Vec<ValueRef<'_>> = Vec::with_capacity(part.len() * names.len());
        for (key, version) in part {
            let mut key_cells = Cells::new();
            key.key_cells(&mut key_cells);
            cells.extend(key_cells);
            if version_column.is_some() {
                cells.push(ValueRef::Int(version.unwrap_or_default()));
            }
        }
        let d = db.dialect();
        let n = if d.binds_arrays() {
            // One `= ANY($1)` text for every length already.
            let r = sql::delete_rows(d, table, &names, &cells, part.len())?;
            db.execute(&r).await?
        } else {
            // The text depends on the table, the columns matched and the
            // number of rows only, and binds the cells as they are: found
            // in the SQL cache (its statement kept by slot) instead of
            // rendered and looked up by its text each time.
            let words = delete_words::<M>(version_column, part.len());
            let render = || Ok(sql::delete_rows(d, table, &names, &cells, part.len())?.sql);
            let mut n = 0;
            db.execute_many(&words, render, &cells, cells.len(), |_, changed| {
                n = changed;
                Ok(())
            })
            .await?;
            n
        };
        if version_column.is_some() && n != part.len() as u64 {
            let keys: Vec<&M::Key> = part.iter().map(|(k, _)| k).collect();
            return Err(ErrorKind::StaleData {
                table,
                message: format!(
                    "the DELETE of the rows with keys {keys:?} at their versions deleted {n} of {}: another transaction changed or deleted them",
                    part.len()
                ),
            }.into());
        }
    }
    for &i in &deleted {
        arena.mark_removed(i);
    }
    // [events] `Model::after_delete`.
    super::super::events::after_delete(arena, &deleted);
    Ok(())
}
