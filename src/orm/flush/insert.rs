//! INSERTs of new objects, many rows per statement (SQLAlchemy's
//! "insertmanyvalues").
//!
//! The new objects of one model are grouped by the columns they leave to
//! the database (an unset autoincrement key, NULL fields of columns with a
//! server default); each group is inserted with multi-row
//! `INSERT ... VALUES (...), (...)` statements under the backend's bind
//! limit. What the database assigned is read back:
//!
//! - on a dialect that [prefers prepared row
//!   inserts](crate::render::Dialect::prefers_prepared_row_inserts)
//!   (SQLite), a group with no server default is inserted instead by one
//!   prepared one-row INSERT run per object, each generated key read from
//!   the connection;
//! - with `RETURNING` where the dialect has it on multi-row INSERTs
//!   ([`Dialect::supports_insert_returning`]: SQLite, PostgreSQL): the key
//!   alone, or every column when server defaults are involved. SQL leaves
//!   the order of `RETURNING` rows open (SQLite documents it as
//!   arbitrary), so rows are never matched by position. Keys the client
//!   set match their objects by key. Generated keys are sorted, and the
//!   `k`-th smallest goes to the `k`-th row of the VALUES list: both
//!   backends insert the rows of one VALUES list in order and give each
//!   a larger id than the one before (SQLite's rowid is past the largest
//!   in the table, or in `sqlite_sequence`; a PostgreSQL sequence calls
//!   `nextval` once per row, in row order). This is SQLAlchemy's
//!   "autoincrement sentinel"; it needs an ascending sequence (a
//!   PostgreSQL sequence with a negative `INCREMENT` is not supported).
//! - elsewhere (MySQL), from the first id the connection reports plus the
//!   row's position, only when the server says the ids of a multi-row
//!   INSERT are consecutive ([`Dialect::consecutive_ids_sql`]: InnoDB's
//!   `innodb_autoinc_lock_mode` 0 or 1, and an `auto_increment_increment`
//!   of 1); else row by row. Server defaults are then read with one
//!   `SELECT ... WHERE key IN (...)` per statement.
//!
//! [`Dialect::supports_insert_returning`]: crate::render::Dialect::supports_insert_returning
//! [`Dialect::consecutive_ids_sql`]: crate::render::Dialect::consecutive_ids_sql

use smallvec::SmallVec;

use super::super::arena::{Arena, State};
use super::super::identity::{Db, fetch_by_key, key_names};
use super::super::model::{Cells, KeyFor, Model, ModelColumns, SqlRow, push_cells};
use super::super::sql::{self, ReadBack};
use crate::conn::Connection;
use crate::error::{Error, ErrorKind, Result};
use crate::schema::{ColumnDef, ColumnList, Table};
use crate::value::{FromRow, Row, ValueRef};

type Flags = SmallVec<[bool; 16]>;

mod prepared;

fn is_unset(v: ValueRef<'_>) -> bool {
    matches!(v, ValueRef::Null | ValueRef::Int(0))
}

/// What the database fills in for an object: the columns left out of its
/// INSERT.
#[derive(PartialEq)]
struct Shape {
    skip: Flags,
    /// The autoincrement key column, when unset.
    auto: Option<usize>,
    /// Whether a column with a server default is left out.
    defaults: bool,
}

impl Shape {
    fn of<M: Model>(value: &M, columns: &[ColumnDef]) -> Self {
        let mut cells = Cells::new();
        push_cells(value, &mut cells);
        let mut auto = None;
        let mut defaults = false;
        let server = value.server_defaults();
        let skip = cells
            .iter()
            .zip(columns)
            .enumerate()
            .map(|(j, (c, def))| {
                if def.autoincrement && is_unset(*c) {
                    auto = Some(j);
                    true
                } else if (def.default.is_some() && *c == ValueRef::Null)
                    || server.contains(&def.name)
                {
                    defaults = true;
                    true
                } else {
                    false
                }
            })
            .collect();
        Shape {
            skip,
            auto,
            defaults,
        }
    }
}

/// INSERTs every new object of the arena.
pub(super) async fn flush_inserts<M: Model, C: Connection>(
    arena: &mut Arena<M>,
    db: &mut Db<'_, C>,
    level: u64,
    batch: usize,
) -> Result<()> {
    let new = arena.pending_in(State::New);
    if new.is_empty() {
        return Ok(());
    }
    // Each goes in the key index once inserted.
    arena.index.reserve(new.len());
    let mut groups: Vec<(Shape, Vec<u32>)> = Vec::new();
    for &i in &new {
        arena.journal(i, level, true);
        let Some(Some(slot)) = arena.slots.get_mut(i as usize) else {
            continue;
        };
        slot.value.before_insert();
        let shape = Shape::of(&slot.value, &arena.columns);
        match groups.iter_mut().find(|(s, _)| *s == shape) {
            Some((_, slots)) => slots.push(i),
            None => groups.push((shape, vec![i])),
        }
    }
    for (shape, slots) in &groups {
        insert_group(arena, db, shape, slots, batch).await?;
    }
    // [events] `Model::after_insert`.
    super::super::events::after_insert(arena, &new);
    Ok(())
}

async fn insert_group<M: Model, C: Connection>(
    arena: &mut Arena<M>,
    db: &mut Db<'_, C>,
    shape: &Shape,
    slots: &[u32],
    batch: usize,
) -> Result<()> {
    let d = db.dialect();
    let kept = shape.skip.iter().filter(|s| !**s).count();
    if d.prefers_prepared_row_inserts() && kept > 0 && !shape.defaults {
        return prepared::insert_prepared(arena, db, shape, slots).await;
    }
    let returning = d.supports_insert_returning();
    // Row by row: an INSERT of no column (`DEFAULT VALUES` is one row),
    // or generated keys that cannot be told apart in bulk.
    let one_by_one = kept == 0
        || (!returning && shape.auto.is_some() && slots.len() > 1 && !consecutive_ids(db).await?);
    let per_statement = if one_by_one {
        1
    } else {
        (d.max_binds() / kept).clamp(1, batch.max(1))
    };
    for chunk in slots.chunks(per_statement) {
        insert_chunk(arena, db, shape, chunk, returning).await?;
    }
    Ok(())
}

/// Whether the ids of a multi-row INSERT are consecutive on this
/// connection.
async fn consecutive_ids<C: Connection>(db: &mut Db<'_, C>) -> Result<bool> {
    let Some(sql) = db.dialect().consecutive_ids_sql() else {
        return Ok(false);
    };
    let mut yes = false;
    db.query_text(sql, |row| {
        yes = row.get_i64(0)?.is_some_and(|v| v != 0);
        Ok(false)
    })
    .await?;
    Ok(yes)
}

/// What a chunk's INSERT read back.
enum Fetched<M> {
    Nothing,
    Ids(Vec<i64>),
    Rows(Vec<M>),
}

fn missing_id(table: &str) -> Error {
    ErrorKind::InvalidStatement(format!(
        "the database did not report the id it assigned to a new `{table}` row"
    ))
    .into()
}

/// INSERTs the objects of `chunk` (one shape) in one statement, then fills
/// in what the database assigned.
async fn insert_chunk<M: Model, C: Connection>(
    arena: &mut Arena<M>,
    db: &mut Db<'_, C>,
    shape: &Shape,
    chunk: &[u32],
    returning: bool,
) -> Result<()> {
    let table = M::Table::NAME;
    let names = <M::Columns as ColumnList>::NAMES;
    let d = db.dialect();
    let kept = shape.skip.iter().any(|s| !*s);
    let fetched = {
        let values = chunk
            .iter()
            .filter_map(|&i| arena.slot(i as usize))
            .map(|s| {
                let mut cells = Cells::new();
                push_cells(&s.value, &mut cells);
                cells
            });
        let read_back = match (returning, shape.defaults, shape.auto) {
            (true, true, _) => ReadBack::Columns(names),
            (true, false, Some(j)) => ReadBack::Column(names[j]),
            _ => ReadBack::Nothing,
        };
        if !kept {
            let first = values.into_iter().next().unwrap_or_default();
            let r = sql::insert(d, table, names, &first, &shape.skip)?;
            db.execute(&r).await?;
            Fetched::Nothing
        } else {
            let r = sql::insert_rows(d, table, names, &shape.skip, values, read_back)?;
            match read_back {
                ReadBack::Nothing => {
                    let n = db.execute(&r).await?;
                    if n != chunk.len() as u64 {
                        return Err(ErrorKind::InvalidStatement(format!(
                            "the INSERT of {} `{table}` rows inserted {n}",
                            chunk.len()
                        ))
                        .into());
                    }
                    Fetched::Nothing
                }
                ReadBack::Column(_) => {
                    let mut ids = Vec::with_capacity(chunk.len());
                    db.query(&r, |row| {
                        ids.push(row.get_i64(0)?.ok_or_else(|| missing_id(table))?);
                        Ok(true)
                    })
                    .await?;
                    Fetched::Ids(ids)
                }
                ReadBack::Columns(_) => {
                    let mut rows = Vec::with_capacity(chunk.len());
                    db.query(&r, |row| {
                        rows.push(M::from_row(<M::Row as FromRow<SqlRow<M>>>::from_row(
                            row, 0,
                        )?));
                        Ok(true)
                    })
                    .await?;
                    Fetched::Rows(rows)
                }
            }
        }
    };
    let fetched = match (fetched, shape.auto) {
        // No RETURNING: the first id, and the rest consecutive (checked
        // by `insert_group` when there are several).
        (Fetched::Nothing, Some(_)) => {
            let first = db
                .conn
                .orm_last_insert_id()
                .await?
                .ok_or_else(|| missing_id(table))?;
            Fetched::Ids((0..chunk.len() as i64).map(|k| first + k).collect())
        }
        (f, _) => f,
    };
    match fetched {
        Fetched::Nothing => {}
        Fetched::Ids(ids) => assign_ids(arena, shape, chunk, ids)?,
        Fetched::Rows(rows) => assign_rows(arena, shape, chunk, rows)?,
    }
    // Server defaults RETURNING did not bring (`DEFAULT VALUES` has none).
    if shape.defaults && !(returning && kept) {
        reread(arena, db, chunk).await?;
    }
    for &i in chunk {
        arena.mark_flushed(i);
    }
    Ok(())
}

fn count_mismatch(table: &str, sent: usize, got: usize) -> Error {
    ErrorKind::InvalidStatement(format!(
        "the INSERT of {sent} `{table}` rows returned {got} rows"
    ))
    .into()
}

/// Gives the `k`-th smallest generated id to the `k`-th object.
fn assign_ids<M: Model>(
    arena: &mut Arena<M>,
    shape: &Shape,
    chunk: &[u32],
    mut ids: Vec<i64>,
) -> Result<()> {
    let table = M::Table::NAME;
    if ids.len() != chunk.len() {
        return Err(count_mismatch(table, chunk.len(), ids.len()));
    }
    ids.sort_unstable();
    for (&i, id) in chunk.iter().zip(ids) {
        if let Some(slot) = arena.slot_mut(i as usize) {
            slot.value.set_generated_key(id);
        }
    }
    // Whether the model stores the id: a property of its code, checked once.
    if let (Some(j), Some(&i)) = (shape.auto, chunk.first())
        && let Some(slot) = arena.slot(i as usize)
    {
        let mut cells = Cells::new();
        push_cells(&slot.value, &mut cells);
        if cells.get(j).is_none_or(|c| is_unset(*c)) {
            return Err(ErrorKind::InvalidStatement(format!(
                "`{table}` has an autoincrement key: implement `Model::set_generated_key` to store the id the database assigned"
            )).into());
        }
    }
    Ok(())
}

/// The generated id in a returned row.
fn id_of<M: Model>(m: &M, j: usize) -> i64 {
    let mut cells = Cells::new();
    push_cells(m, &mut cells);
    match cells.get(j) {
        Some(ValueRef::Int(id)) => *id,
        _ => 0,
    }
}

/// Replaces each object with its row as the database has it: generated
/// keys by sorted id (as [`assign_ids`]), keys the client set by key.
fn assign_rows<M: Model>(
    arena: &mut Arena<M>,
    shape: &Shape,
    chunk: &[u32],
    rows: Vec<M>,
) -> Result<()> {
    let table = M::Table::NAME;
    if rows.len() != chunk.len() {
        return Err(count_mismatch(table, chunk.len(), rows.len()));
    }
    match shape.auto {
        Some(j) => {
            let mut rows: Vec<(i64, M)> = rows.into_iter().map(|m| (id_of(&m, j), m)).collect();
            rows.sort_unstable_by_key(|(id, _)| *id);
            for (&i, (_, fresh)) in chunk.iter().zip(rows) {
                if let Some(slot) = arena.slot_mut(i as usize) {
                    slot.value = fresh;
                }
            }
            Ok(())
        }
        None => replace_by_key(arena, chunk, rows),
    }
}

/// Replaces each object of `chunk` with the row of `rows` that has its
/// key.
fn replace_by_key<M: Model>(arena: &mut Arena<M>, chunk: &[u32], rows: Vec<M>) -> Result<()> {
    let mut rows: Vec<(M::Key, Option<M>)> = rows.into_iter().map(|m| (m.key(), Some(m))).collect();
    rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for &i in chunk {
        let Some(slot) = arena.slot_mut(i as usize) else {
            continue;
        };
        let key = slot.value.key();
        let fresh = rows
            .binary_search_by(|(k, _)| k.cmp(&key))
            .ok()
            .and_then(|p| rows[p].1.take())
            .ok_or_else(|| {
                ErrorKind::InvalidStatement(format!(
                    "the new `{}` row with key {key:?} was not read back",
                    M::Table::NAME
                ))
            })?;
        slot.value = fresh;
    }
    Ok(())
}

/// Reads the rows of `chunk` back by key (server defaults, where INSERT
/// cannot return them; on-update values).
pub(super) async fn reread<M: Model, C: Connection>(
    arena: &mut Arena<M>,
    db: &mut Db<'_, C>,
    chunk: &[u32],
) -> Result<()> {
    if let [i] = chunk {
        let Some(key) = arena.slot(*i as usize).map(|s| s.value.key()) else {
            return Ok(());
        };
        if let (Some(fresh), Some(slot)) = (
            fetch_by_key::<M, C>(db, &key).await?,
            arena.slot_mut(*i as usize),
        ) {
            slot.value = fresh;
        }
        return Ok(());
    }
    let keys: Vec<M::Key> = chunk
        .iter()
        .filter_map(|&i| arena.slot(i as usize).map(|s| s.value.key()))
        .collect();
    let names = key_names::<M>();
    let per_statement = (db.dialect().max_binds() / names.len().max(1)).max(1);
    let cols = M::Columns::columns();
    let mut rows = Vec::with_capacity(keys.len());
    for part in keys.chunks(per_statement) {
        let mut cells = Cells::new();
        for k in part {
            k.key_cells(&mut cells);
        }
        let r = sql::select_by_keys(
            db.dialect(),
            &cols,
            M::Table::NAME,
            names,
            &cells,
            part.len(),
        )?;
        db.query(&r, |row| {
            rows.push(M::from_row(<M::Row as FromRow<SqlRow<M>>>::from_row(
                row, 0,
            )?));
            Ok(true)
        })
        .await?;
    }
    replace_by_key(arena, chunk, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Column;
    use crate::types::{BigInt, Text};

    #[derive(Clone, Copy, Debug, Default)]
    struct T;
    impl Table for T {
        const NAME: &'static str = "t";
        type Columns = (Id, N);
        type PrimaryKey = Id;
    }
    #[derive(Clone, Copy, Debug, Default)]
    struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    struct N;
    impl Column for Id {
        type Table = T;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for N {
        type Table = T;
        type SqlType = Text;
        const NAME: &'static str = "n";
    }
    #[derive(Clone, Debug, PartialEq)]
    struct Obj {
        id: i64,
        n: String,
    }
    impl Model for Obj {
        type Table = T;
        type Columns = (Id, N);
        type Row = (i64, String);
        type Key = i64;
        fn from_row((id, n): Self::Row) -> Self {
            Obj { id, n }
        }
        fn values(&self) -> (&i64, &String) {
            (&self.id, &self.n)
        }
        fn key(&self) -> i64 {
            self.id
        }
        fn set_generated_key(&mut self, id: i64) {
            self.id = id;
        }
    }
    fn obj(id: i64, n: &str) -> Obj {
        Obj { id, n: n.into() }
    }

    fn arena_of(objects: &[Obj]) -> (Arena<Obj>, Vec<u32>) {
        let mut arena = Arena::<Obj>::new();
        let slots = objects.iter().map(|o| arena.add(o.clone(), 1)).collect();
        (arena, slots)
    }

    fn values(arena: &Arena<Obj>, slots: &[u32]) -> Vec<Obj> {
        slots
            .iter()
            .map(|&i| arena.slot(i as usize).map(|s| s.value.clone()).unwrap())
            .collect()
    }

    #[test]
    fn generated_keys_go_by_value_not_by_the_order_rows_come_back_in() {
        let (mut arena, slots) = arena_of(&[obj(0, "a"), obj(0, "b"), obj(0, "c")]);
        let shape = Shape::of(&obj(0, "a"), &arena.columns);
        assert_eq!(shape.auto, Some(0));
        assign_ids(&mut arena, &shape, &slots, vec![12, 10, 11]).unwrap();
        assert_eq!(
            values(&arena, &slots),
            [obj(10, "a"), obj(11, "b"), obj(12, "c")]
        );
        // Whole rows (server defaults) the same way.
        let (mut arena, slots) = arena_of(&[obj(0, "a"), obj(0, "b"), obj(0, "c")]);
        let rows = vec![obj(22, "c*"), obj(20, "a*"), obj(21, "b*")];
        assign_rows(&mut arena, &shape, &slots, rows).unwrap();
        assert_eq!(
            values(&arena, &slots),
            [obj(20, "a*"), obj(21, "b*"), obj(22, "c*")]
        );
        // Too few rows is an error, not a guess.
        let (mut arena, slots) = arena_of(&[obj(0, "a"), obj(0, "b")]);
        assert!(assign_ids(&mut arena, &shape, &slots, vec![1]).is_err());
    }

    #[test]
    fn keys_the_client_set_match_their_rows_by_key() {
        let (mut arena, slots) = arena_of(&[obj(5, "e"), obj(3, "c"), obj(4, "d")]);
        let shape = Shape::of(&obj(5, "e"), &arena.columns);
        assert_eq!(shape.auto, None);
        let rows = vec![obj(3, "c*"), obj(4, "d*"), obj(5, "e*")];
        assign_rows(&mut arena, &shape, &slots, rows).unwrap();
        assert_eq!(
            values(&arena, &slots),
            [obj(5, "e*"), obj(3, "c*"), obj(4, "d*")]
        );
        // A row that is not there is an error.
        let (mut arena, slots) = arena_of(&[obj(5, "e"), obj(3, "c")]);
        let rows = vec![obj(3, "c*"), obj(6, "f*")];
        assert!(assign_rows(&mut arena, &shape, &slots, rows).is_err());
    }
}
