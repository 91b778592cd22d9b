//! INSERTs of new objects through one prepared one-row statement run per
//! object, where the dialect prefers it to multi-row INSERTs
//! ([`Dialect::prefers_prepared_row_inserts`]: SQLite, in the process,
//! where compiling a large VALUES list costs more than it saves). Each
//! generated key is the id the connection reports for its own run, so no
//! order of rows is assumed.
//!
//! [`Dialect::prefers_prepared_row_inserts`]: crate::render::Dialect::prefers_prepared_row_inserts

use smallvec::SmallVec;

use super::super::super::arena::Arena;
use super::super::super::identity::Db;
use super::super::super::model::{Cells, Model, push_cells};
use super::super::super::sql;
use super::{Shape, is_unset, missing_id};
use crate::conn::Connection;
use crate::error::{ErrorKind, Result};
use crate::render::NodeTag;
use crate::schema::{ColumnList, Table};
use crate::value::ValueRef;

/// The words the SQL cache knows an ORM one-row INSERT's text by.
fn insert_words<M: Model>(shape: &Shape) -> SmallVec<[usize; 16]> {
    static ORM_INSERT_ROW: NodeTag = NodeTag::new("ORM one-row INSERT");
    let names = <M::Columns as ColumnList>::NAMES;
    let mut words = SmallVec::new();
    words.extend([
        std::ptr::from_ref(&ORM_INSERT_ROW).addr(),
        M::Table::NAME.as_ptr().addr(),
        M::Table::NAME.len(),
        names.as_ptr().addr(),
        names.len(),
    ]);
    for bits in shape.skip.chunks(usize::BITS as usize) {
        words.push(
            bits.iter()
                .enumerate()
                .fold(0, |w, (b, &s)| w | usize::from(s) << b),
        );
    }
    words
}

/// INSERTs the objects of `slots` (one shape, no server default left
/// out), one run of the prepared statement each, and gives each its
/// generated key.
pub(super) async fn insert_prepared<M: Model, C: Connection>(
    arena: &mut Arena<M>,
    db: &mut Db<'_, C>,
    shape: &Shape,
    slots: &[u32],
) -> Result<()> {
    let table = M::Table::NAME;
    let names = <M::Columns as ColumnList>::NAMES;
    let kept = shape.skip.iter().filter(|s| !**s).count();
    let mut ids: Vec<i64> = Vec::with_capacity(if shape.auto.is_some() { slots.len() } else { 0 });
    {
        let mut binds: Vec<ValueRef<'_>> = Vec::with_capacity(kept * slots.len());
        for &i in slots {
            if let Some(s) = arena.slot(i as usize) {
                let mut cells = Cells::new();
                push_cells(&s.value, &mut cells);
                binds.extend(
                    cells
                        .iter()
                        .zip(&shape.skip)
                        .filter(|(_, s)| !**s)
                        .map(|(v, _)| *v),
                );
            }
        }
        if binds.len() != kept * slots.len() {
            return Err(ErrorKind::InvalidStatement(format!(
                "the new `{table}` objects do not all have {kept} values to write"
            ))
            .into());
        }
        let d = db.dialect();
        let render = || {
            let mut first = binds[..kept].iter();
            let cells: Cells<'_> = shape
                .skip
                .iter()
                .map(|&s| match s {
                    true => ValueRef::Null,
                    false => first.next().copied().unwrap_or(ValueRef::Null),
                })
                .collect();
            Ok(sql::insert(d, table, names, &cells, &shape.skip)?.sql)
        };
        let words = insert_words::<M>(shape);
        let auto = shape.auto.is_some();
        db.insert_many(&words, render, &binds, kept, |_, id| {
            if auto {
                ids.push(id.ok_or_else(|| missing_id(table))?);
            }
            Ok(())
        })
        .await?;
    }
    if let Some(j) = shape.auto {
        for (&i, &id) in slots.iter().zip(&ids) {
            if let Some(slot) = arena.slot_mut(i as usize) {
                slot.value.set_generated_key(id);
            }
        }
        // Whether the model stores the id: a property of its code, checked once.
        if let Some(slot) = slots.first().and_then(|&i| arena.slot(i as usize)) {
            let mut cells = Cells::new();
            push_cells(&slot.value, &mut cells);
            if cells.get(j).is_none_or(|c| is_unset(*c)) {
                return Err(ErrorKind::InvalidStatement(format!(
                    "`{table}` has an autoincrement key: implement `Model::set_generated_key` to store the id the database assigned"
                )).into());
            }
        }
    }
    for &i in slots {
        arena.mark_flushed(i);
    }
    Ok(())
}
