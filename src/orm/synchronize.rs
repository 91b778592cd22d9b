//! Bulk UPDATE and DELETE run through the session, keeping the objects it
//! already holds in step (SQLAlchemy's `synchronize_session`):
//! [`Session::execute`] and [`Synchronize`].
//!
//! What wins when an object the statement matches has unflushed changes
//! (with autoflush on, the session flushes first and there are none):
//!
//! - the WHERE clause is evaluated on the values the database has (the
//!   object as loaded or last flushed), as the database matched them;
//! - an UPDATE's SET columns take the new values, in the object and in
//!   what the session knows the database holds: a pending change to one of
//!   those columns is dropped; pending changes to other columns stay and are
//!   written by the next flush;
//! - a DELETE removes the object: it is [`ObjectState::Deleted`](super::ObjectState::Deleted),
//!   out of the identity map, and its pending changes are dropped (a
//!   rollback brings it back as it was).

use super::arena::{Arena, State};
use super::drive::block_on;
use super::identity::{Db, IdentityMap, key_names};
use super::journal::Snapshot;
use super::model::{Cells, KeyFor, Model, ModelColumns, SqlRow, push_cells};
use super::session::Session;
use super::sql;
use super::unit::Unit;
use crate::conn::Connection;
use crate::error::{ErrorKind, Result};
use crate::query::{Assignments, Delete, MaybeClause, Update, in_write_scope};
use crate::render::{Dialect, EvalRow, Render, Rendered, SqlWriter, Statement, WriteKind, selects};
use crate::schema::{ColumnList, Table};
use crate::value::{FromRow, Row, Value, ValueRef};

/// How [`Session::execute`] brings the objects a bulk UPDATE or DELETE
/// matched up to date (SQLAlchemy's `synchronize_session`).
///
/// ```
/// use sqlalgebra::orm::Synchronize;
/// assert_eq!(Synchronize::default(), Synchronize::Auto);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronize {
    /// `Evaluate` when the WHERE clause and the SET values can be
    /// evaluated in Rust, else `Fetch` (SQLAlchemy 2's default).
    #[default]
    Auto,
    /// Evaluates the WHERE clause and the SET values on the objects in the
    /// session, in Rust, with no extra statement. A statement that cannot
    /// be evaluated (a function, a subquery, a text comparison on MySQL's
    /// case-insensitive collations, a column the model does not load) is
    /// refused with [`ErrorKind::InvalidStatement`](crate::ErrorKind::InvalidStatement) before it is sent.
    Evaluate,
    /// Asks the database which rows changed: `RETURNING` where the dialect
    /// has it for the statement (one statement), else a `SELECT` of the
    /// matching rows first (and, for an UPDATE, of the new values of the
    /// objects the session holds after it).
    Fetch,
    /// Leaves the session's objects as they are (stale until refreshed).
    None,
}

/// The parts of a bulk statement the session looks at.
#[doc(hidden)]
pub struct BulkParts<'a> {
    kind: WriteKind,
    filter: &'a dyn MaybeClause,
    /// The assigned columns and values; `None` when they cannot be listed.
    set: Option<Vec<(&'static str, &'a dyn Render)>>,
}

/// An `UPDATE` or `DELETE` of table `T` (without `FROM` / `USING`) that
/// [`Session::execute`] runs and keeps the session in step with.
///
/// ```
/// use sqlalgebra::orm::BulkWrite;
/// use sqlalgebra::orm::doc_models::*;
/// use sqlalgebra::prelude::*;
/// fn takes<S: BulkWrite<Users>>(_: &S) {}
/// takes(&update(Users).set(users::Name.set("x")).filter(users::Id.eq(1)));
/// takes(&delete_from(Users).filter(users::Id.eq(1)));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an UPDATE or DELETE of the table `{T}`",
    label = "the session runs `update(..)` and `delete_from(..)` of the model's own table",
    note = "an UPDATE ... FROM or DELETE ... USING runs with `execute(&mut conn)`; synchronize with `refresh`"
)]
pub trait BulkWrite<T: Table>: Statement {
    /// The statement's kind, WHERE clause and assignments.
    #[doc(hidden)]
    fn bulk_parts(&self) -> BulkParts<'_>;
}

impl<T: Table, A: Assignments<T>, W: MaybeClause> BulkWrite<T> for Update<T, A, W> {
    fn bulk_parts(&self) -> BulkParts<'_> {
        let mut set = Vec::new();
        let listed = self
            .assignments
            .each_assignment(&mut |c, v| set.push((c, v)));
        BulkParts {
            kind: WriteKind::Update,
            filter: &self.filter,
            set: listed.then_some(set),
        }
    }
}

impl<T: Table, W: MaybeClause> BulkWrite<T> for Delete<T, W> {
    fn bulk_parts(&self) -> BulkParts<'_> {
        BulkParts {
            kind: WriteKind::Delete,
            filter: &self.filter,
            set: Some(Vec::new()),
        }
    }
}

/// One object's values, for [`EvalRow`].
struct ObjectRow<'m> {
    cells: Cells<'m>,
    names: &'static [&'static str],
    table: &'static str,
    binary_text: bool,
}

impl EvalRow for ObjectRow<'_> {
    fn cell(&self, table: &str, column: &str) -> Option<ValueRef<'_>> {
        if table != self.table {
            return None;
        }
        let j = self.names.iter().position(|n| *n == column)?;
        self.cells.get(j).copied()
    }
    fn binary_text(&self) -> bool {
        self.binary_text
    }
}

/// Cells read as a [`Row`], to build a model from values computed here.
struct CellRow<'r> {
    cells: &'r [ValueRef<'r>],
    names: &'static [&'static str],
}

impl Row for CellRow<'_> {
    fn value(&self, idx: usize) -> Result<ValueRef<'_>> {
        self.cells.get(idx).copied().ok_or_else(|| {
            ErrorKind::InvalidStatement(format!("no column {idx} in the row")).into()
        })
    }
    fn column_name(&self, idx: usize) -> &str {
        self.names.get(idx).copied().unwrap_or("?")
    }
    fn len(&self) -> usize {
        self.cells.len()
    }
}

/// `m` with the columns flagged in `set` taken from `fresh`.
fn merged<M: Model>(m: &M, fresh: &[Value], set: &[bool]) -> Result<M> {
    let mut cells = Cells::new();
    push_cells(m, &mut cells);
    let row: Cells<'_> = cells
        .iter()
        .zip(fresh)
        .zip(set)
        .map(|((c, f), s)| if *s { f.as_ref() } else { *c })
        .collect();
    let mut r = CellRow {
        cells: &row,
        names: <M::Columns as ColumnList>::NAMES,
    };
    Ok(M::from_row(<M::Row as FromRow<SqlRow<M>>>::from_row(
        &mut r, 0,
    )?))
}

/// What the statement does to a matched object: new values for an
/// UPDATE (all the model's columns; those in `set` are used), none for a
/// DELETE.
type Changes = Vec<(u32, Option<Vec<Value>>)>;

/// The objects the database holds (loaded, changed or marked for deletion,
/// not expired).
fn live<M: Model>(arena: &Arena<M>) -> impl Iterator<Item = (u32, &M)> {
    arena.slots.iter().enumerate().filter_map(|(i, s)| {
        let s = s.as_ref()?;
        let held = matches!(s.state, State::Clean | State::Dirty | State::Deleted);
        (held && !s.expired).then(|| (i as u32, arena.snapshot_of(s).unwrap_or(&s.value)))
    })
}

/// Evaluates the statement on every object of `arena`; `None` when some
/// part cannot be evaluated.
fn evaluate<M: Model>(
    arena: &Arena<M>,
    parts: &BulkParts<'_>,
    binary_text: bool,
) -> Option<Changes> {
    let names = <M::Columns as ColumnList>::NAMES;
    let filter = match (parts.filter.is_present(), parts.filter.clause_expr()) {
        (false, _) => None,
        (true, Some(e)) => Some(e),
        (true, None) => return None,
    };
    let set = parts.set.as_ref()?;
    let mut out = Vec::new();
    for (i, db_state) in live(arena) {
        let mut cells = Cells::new();
        push_cells(db_state, &mut cells);
        let row = ObjectRow {
            cells,
            names,
            table: M::Table::NAME,
            binary_text,
        };
        if let Some(f) = filter
            && !selects(f.evaluate(&row)?)?
        {
            continue;
        }
        if parts.kind == WriteKind::Delete {
            out.push((i, None));
            continue;
        }
        let mut fresh: Vec<Value> = row.cells.iter().map(|c| Value::from_ref(*c)).collect();
        for (column, value) in set {
            if let Some(j) = names.iter().position(|n| n == column) {
                fresh[j] = Value::from_ref(value.evaluate(&row)?);
            }
        }
        out.push((i, Some(fresh)));
    }
    Some(out)
}

/// Applies what the statement did to the objects of `arena`.
fn apply<M: Model>(arena: &mut Arena<M>, changes: Changes, set: &[bool], level: u64) -> Result<()> {
    for (i, fresh) in changes {
        arena.journal(i, level, fresh.is_some());
        match fresh {
            None => arena.mark_removed(i),
            Some(fresh) => {
                // The database's value changes too: a snapshot shared with
                // the journal (which rollback replays) becomes a copy of
                // its own.
                let Some(slot) = arena.slot(i as usize) else {
                    continue;
                };
                let snapshot = match arena.snapshot_of(slot) {
                    Some(before) => Some(merged(before, &fresh, set)?),
                    None => None,
                };
                let Some(slot) = arena.slot_mut(i as usize) else {
                    continue;
                };
                slot.value = merged(&slot.value, &fresh, set)?;
                if let Some(snapshot) = snapshot {
                    slot.snapshot = Snapshot::Own(Box::new(snapshot));
                }
            }
        }
    }
    Ok(())
}

/// The changes for the rows the database reported, for the objects the
/// session holds.
fn changes_of<M: Model>(arena: &Arena<M>, rows: &[M], delete: bool) -> Changes {
    rows.iter()
        .filter_map(|m| {
            let i = arena.lookup(&m.key())?;
            let held = arena
                .slot(i as usize)
                .is_some_and(|s| matches!(s.state, State::Clean | State::Dirty | State::Deleted));
            held.then(|| {
                let fresh = (!delete).then(|| {
                    let mut cells = Cells::new();
                    push_cells(m, &mut cells);
                    cells.iter().map(|c| Value::from_ref(*c)).collect()
                });
                (i, fresh)
            })
        })
        .collect()
}

/// How [`Unit::execute_with`] runs a bulk statement, decided before
/// anything is sent.
enum Plan<'s> {
    /// The statement, with nothing to synchronize.
    Plain(Rendered<'s>),
    /// The statement, then these changes.
    Evaluated(Rendered<'s>, Changes),
    /// The statement with `RETURNING` of every column.
    Returning(Rendered<'s>),
    /// A `SELECT` of the matching rows, then the statement.
    SelectFirst(Box<Rendered<'s>>, Rendered<'s>),
}

/// Decides how to run `statement` and synchronize the objects of `arena`;
/// returns the plan and the model's columns that the statement sets.
fn plan<'s, M: Model, S: BulkWrite<M::Table>>(
    arena: &Arena<M>,
    statement: &'s S,
    cols: &'s M::Columns,
    sync: Synchronize,
    d: &'static dyn Dialect,
) -> Result<(Plan<'s>, WriteKind, Vec<bool>)> {
    let parts = statement.bulk_parts();
    let names = <M::Columns as ColumnList>::NAMES;
    let mut set = vec![false; names.len()];
    for (column, _) in parts.set.iter().flatten() {
        if sync != Synchronize::None && key_names::<M>().contains(column) {
            return Err(ErrorKind::InvalidStatement(format!(
                "a bulk UPDATE of the key column `{column}` of `{}` cannot be synchronized with the session: run it with `Synchronize::None` and expunge the objects",
                M::Table::NAME
            )).into());
        }
        if let Some(j) = names.iter().position(|n| n == column) {
            set[j] = true;
        }
    }
    let binary_text = d.binary_text_comparison();
    let evaluated = match sync {
        Synchronize::None => return Ok((Plan::Plain(statement.to_sql(d)?), parts.kind, set)),
        Synchronize::Fetch => None,
        Synchronize::Auto => evaluate(arena, &parts, binary_text),
        Synchronize::Evaluate => Some(evaluate(arena, &parts, binary_text).ok_or_else(|| {
            ErrorKind::InvalidStatement(format!(
                "the bulk {} of `{}` cannot be evaluated in Rust on the session's objects (a function, a subquery, text compared on a case-insensitive collation, or a column the model does not load): use `Synchronize::Fetch`",
                if parts.kind == WriteKind::Delete { "DELETE" } else { "UPDATE" },
                M::Table::NAME
            ))
        })?),
    };
    let plan = match evaluated {
        Some(changes) => Plan::Evaluated(statement.to_sql(d)?, changes),
        None if d.supports_returning(parts.kind) => {
            let mut w = SqlWriter::new(d);
            statement.render(&mut w);
            w.push_sql(" RETURNING ");
            for (j, n) in names.iter().enumerate() {
                if j > 0 {
                    w.push_sql(", ");
                }
                w.push_ident(n);
            }
            Plan::Returning(w.finish()?)
        }
        None => {
            // Which rows match, before the statement changes them.
            let mut w = SqlWriter::new(d);
            in_write_scope::<M::Table, ()>(&mut w, &(), |w| {
                w.push_sql("SELECT ");
                cols.render(w);
                w.push_sql(" FROM ");
                w.push_ident(M::Table::NAME);
                parts.filter.write_clause(w, " WHERE ");
            });
            Plan::SelectFirst(Box::new(w.finish()?), statement.to_sql(d)?)
        }
    };
    Ok((plan, parts.kind, set))
}

/// Runs `r`, reading every row as an `M`.
async fn rows_of<M: Model, C: Connection>(db: &mut Db<'_, C>, r: &Rendered<'_>) -> Result<Vec<M>> {
    let mut rows = Vec::new();
    db.query(r, |row| {
        rows.push(M::from_row(<M::Row as FromRow<SqlRow<M>>>::from_row(
            row, 0,
        )?));
        Ok(true)
    })
    .await?;
    Ok(rows)
}

/// Runs a fetching plan and asks the database what the statement changed
/// in the objects of `M` that `map` holds.
async fn fetch<M: Model, C: Connection>(
    map: &mut IdentityMap<C>,
    db: &mut Db<'_, C>,
    plan: Plan<'_>,
    delete: bool,
    batch: usize,
) -> Result<(u64, Changes)> {
    let (matched, statement) = match plan {
        Plan::Plain(r) => return Ok((db.execute(&r).await?, Vec::new())),
        Plan::Evaluated(r, changes) => return Ok((db.execute(&r).await?, changes)),
        Plan::Returning(r) => {
            let rows = rows_of::<M, C>(db, &r).await?;
            let changes = changes_of(map.arena_mut::<M>(), &rows, delete);
            return Ok((rows.len() as u64, changes));
        }
        Plan::SelectFirst(matched, statement) => (matched, statement),
    };
    let matched = rows_of::<M, C>(db, &matched).await?;
    let n = db.execute(&statement).await?;
    let held = changes_of(map.arena_mut::<M>(), &matched, delete);
    if delete || held.is_empty() {
        return Ok((n, held));
    }
    // The new values of the objects the session holds.
    let arena = map.arena_mut::<M>();
    let keys: Vec<M::Key> = held.iter().filter_map(|(i, _)| arena.db_key(*i)).collect();
    let key_cols = key_names::<M>();
    let cols = M::Columns::columns();
    let mut fresh = Vec::with_capacity(keys.len());
    for part in keys.chunks((batch / key_cols.len().max(1)).max(1)) {
        let mut cells = Cells::new();
        for k in part {
            k.key_cells(&mut cells);
        }
        let r = sql::select_by_keys(
            db.dialect(),
            &cols,
            M::Table::NAME,
            key_cols,
            &cells,
            part.len(),
        )?;
        fresh.extend(rows_of::<M, C>(db, &r).await?);
    }
    Ok((n, changes_of(map.arena_mut::<M>(), &fresh, false)))
}

impl<C: Connection> Unit<'_, C> {
    /// See [`Session::execute_with`].
    pub(crate) async fn execute_with<M, S>(
        &mut self,
        statement: &S,
        sync: Synchronize,
    ) -> Result<u64>
    where
        M: Model,
        S: BulkWrite<M::Table>,
    {
        self.autoflush().await?;
        let level = self.tx.current();
        let batch = self.config.batch_size;
        let cols = M::Columns::columns();
        let (map, mut db) = self.split();
        let (plan, kind, set) =
            plan::<M, S>(map.arena_mut::<M>(), statement, &cols, sync, db.dialect())?;
        let (n, changes) =
            fetch::<M, C>(map, &mut db, plan, kind == WriteKind::Delete, batch).await?;
        apply(map.arena_mut::<M>(), changes, &set, level)?;
        Ok(n)
    }
}

impl<C: Connection> Session<'_, C> {
    /// Runs a bulk `UPDATE` or `DELETE` of `M`'s table and brings the
    /// objects of `M` the session holds up to date, choosing how as
    /// [`Synchronize::Auto`] does: see [`execute_with`](Session::execute_with).
    /// Returns the number of rows the statement changed.
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::{ObjectState, doc_models::*};
    /// # fn demo<C: Connection>(s: &mut Session<'_, C>) -> sqlalgebra::Result<()> {
    /// let h = s.get::<User>(1)?.expect("user 1");
    /// s.execute::<User>(&update(Users).set(users::Status.set("banned")).filter(users::Id.eq(1)))?;
    /// assert_eq!(s[h].status, "banned"); // evaluated in Rust: no extra statement
    /// s.execute::<User>(&delete_from(Users).filter(users::Status.eq("banned")))?;
    /// assert_eq!(s.state(h), ObjectState::Deleted);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`execute_with`](Session::execute_with).
    pub fn execute<M: Model>(&mut self, statement: &impl BulkWrite<M::Table>) -> Result<u64> {
        self.execute_with::<M>(statement, Synchronize::Auto)
    }

    /// Runs a bulk `UPDATE` or `DELETE` of `M`'s table (flushing first
    /// when autoflush is on) and synchronizes the objects of `M` the
    /// session holds as `sync` says: the matched ones show the new values
    /// of the SET columns, or are deleted (out of the identity map). The
    /// module docs say what happens to unflushed changes. Returns the
    /// number of rows the statement changed.
    ///
    /// | `sync` | statements (SQLite, PostgreSQL) | MySQL, MariaDB |
    /// |---|---|---|
    /// | `Evaluate` | the statement | the statement |
    /// | `Fetch` | the statement `... RETURNING` | `SELECT`, the statement, `SELECT` of the held objects (UPDATE; DELETE has RETURNING on MariaDB) |
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::{Synchronize, doc_models::*};
    /// # fn demo<C: Connection>(s: &mut Session<'_, C>) -> sqlalgebra::Result<()> {
    /// let stmt = update(Users)
    ///     .set(users::Name.set(users::Name.concat("!")))
    ///     .filter(users::Id.lt(10));
    /// // `concat` cannot be evaluated in Rust: asking for it is an error
    /// // (before anything is sent); `Auto` would fetch.
    /// assert!(s.execute_with::<User>(&stmt, Synchronize::Evaluate).is_err());
    /// s.execute_with::<User>(&stmt, Synchronize::Fetch)?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::InvalidStatement`](crate::ErrorKind::InvalidStatement) before anything is sent when `sync` is
    /// `Evaluate` and the statement cannot be evaluated, or when an UPDATE
    /// to synchronize assigns a primary-key column; the database's error.
    pub fn execute_with<M: Model>(
        &mut self,
        statement: &impl BulkWrite<M::Table>,
        sync: Synchronize,
    ) -> Result<u64> {
        block_on(self.unit().execute_with::<M, _>(statement, sync))
    }
}
