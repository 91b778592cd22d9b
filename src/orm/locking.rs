//! Row locks in the ORM (SQLAlchemy's `with_for_update`): a locking
//! [`ModelQuery`] and [`Session::get_for_update`] (its logic on [`Unit`],
//! shared with `AsyncSession::get_for_update`). Objects read under a
//! lock replace the identity map's unchanged copies, so a
//! read-modify-write works on the row as locked, not on what the session
//! read before.

use super::arena::{Arena, State};
use super::drive::block_on;
use super::handle::Handle;
use super::identity::{Db, Sql, key_names};
use super::model::{Cells, KeyFor, Model, ModelColumns, SqlRow};
use super::query::{ModelQuery, Parts, QuerySession};
use super::session::Session;
use super::sql::write_key_match;
use super::unit::Unit;
use crate::conn::Connection;
use crate::error::Result;
use crate::query::RowLock;
use crate::render::{Dialect, Rendered, SqlWriter};
use crate::schema::Table;
use crate::value::{FromRow, ValueRef};

/// Runs `r` and puts its objects in `arena`, overwriting the unchanged
/// ones the map already holds (the rows as they are now locked).
pub(crate) async fn load_fresh<'r, 'a: 'r, M: Model, C: Connection>(
    arena: &mut Arena<M>,
    db: &mut Db<'_, C>,
    r: impl Into<Sql<'r, 'a>>,
    level: u64,
) -> Result<Vec<u32>> {
    let mut values = Vec::new();
    db.query(r, |row| {
        values.push(M::from_row(<M::Row as FromRow<SqlRow<M>>>::from_row(
            row, 0,
        )?));
        Ok(true)
    })
    .await?;
    Ok(values
        .into_iter()
        .map(|value| {
            let clean = arena.lookup(&value.key()).filter(|&i| {
                arena
                    .slot(i as usize)
                    .is_some_and(|s| s.state == State::Clean)
            });
            match clean {
                Some(i) => {
                    arena.overwrite(i, value, level);
                    i
                }
                None => arena.load(value),
            }
        })
        .collect())
}

/// Row locks on a model query (see the
/// [`query::RowLock`](crate::query::RowLock) docs for what each dialect
/// has). The objects it returns are the rows as locked: an unchanged copy
/// in the session is overwritten.
impl<'s, S: QuerySession, M: Model, J, W, O> ModelQuery<'s, S, M, Parts<J, W, O>> {
    /// `SELECT ... FOR UPDATE`: the rows stay locked until the session's
    /// transaction ends (commit or rollback).
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # fn demo<C: Connection>(s: &mut Session<'_, C>) -> sqlalgebra::Result<()> {
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Accounts;
    /// # impl Table for Accounts { const NAME: &'static str = "accounts"; type Columns = (Id, Balance); type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Balance;
    /// # impl Column for Id { type Table = Accounts; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// # impl Column for Balance { type Table = Accounts; type SqlType = BigInt; const NAME: &'static str = "balance"; }
    /// # #[derive(Clone, Debug)] pub struct Account { id: i64, balance: i64 }
    /// # impl Model for Account {
    /// #     type Table = Accounts; type Columns = (Id, Balance); type Row = (i64, i64); type Key = i64;
    /// #     fn from_row((id, balance): Self::Row) -> Self { Account { id, balance } }
    /// #     fn values(&self) -> (&i64, &i64) { (&self.id, &self.balance) }
    /// #     fn key(&self) -> i64 { self.id }
    /// # }
    /// let from = s.query::<Account>().filter(Id.eq(1)).for_update().one()?;
    /// s[from].balance -= 10;
    /// s.commit()?;
    /// # Ok(()) }
    /// ```
    pub fn for_update(self) -> Self {
        self.with_lock(RowLock::update())
    }

    /// `SELECT ... FOR SHARE` (MariaDB: `LOCK IN SHARE MODE`).
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # fn demo<C: Connection, M: Model>(s: &mut Session<'_, C>) -> sqlalgebra::Result<()> {
    /// let shared = s.query::<M>().for_share().all()?;
    /// # Ok(()) }
    /// ```
    pub fn for_share(self) -> Self {
        self.with_lock(RowLock::share())
    }

    /// Adds `NOWAIT` (to `FOR UPDATE` if no lock was asked for): a row
    /// locked by another transaction fails the query at once with
    /// [`ErrorKind::Conflict`](crate::ErrorKind::Conflict).
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # fn demo<C: Connection, M: Model>(s: &mut Session<'_, C>) -> sqlalgebra::Result<()> {
    /// match s.query::<M>().for_update().nowait().all() {
    ///     Err(e) if matches!(e.kind(), sqlalgebra::ErrorKind::Conflict { .. }) => { /* someone holds a row: try later */ }
    ///     other => { other?; }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn nowait(self) -> Self {
        let lock = self.parts.lock.unwrap_or_else(RowLock::update).nowait();
        self.with_lock(lock)
    }

    /// Adds `SKIP LOCKED` (to `FOR UPDATE` if no lock was asked for): rows
    /// locked by another transaction are left out.
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # fn demo<C: Connection, M: Model>(s: &mut Session<'_, C>) -> sqlalgebra::Result<()> {
    /// // A job queue: the next job nobody else is working on.
    /// let next = s.query::<M>().for_update().skip_locked().first()?;
    /// # Ok(()) }
    /// ```
    pub fn skip_locked(self) -> Self {
        let lock = self
            .parts
            .lock
            .unwrap_or_else(RowLock::update)
            .skip_locked();
        self.with_lock(lock)
    }

    /// Sets the whole row-locking clause (SQLAlchemy's
    /// `with_for_update(read=..., nowait=..., skip_locked=..., of=...)`).
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # fn demo<C: Connection, M: Model>(s: &mut Session<'_, C>) -> sqlalgebra::Result<()> {
    /// use sqlalgebra::query::RowLock;
    /// let held = s.query::<M>().with_lock(RowLock::share().nowait()).all()?;
    /// # Ok(()) }
    /// ```
    pub fn with_lock(mut self, lock: RowLock) -> Self {
        self.parts.lock = Some(lock);
        self
    }
}

impl<C: Connection> Session<'_, C> {
    /// The object with primary key `key`, read from the database under
    /// `SELECT ... FOR UPDATE` whether or not the session holds it
    /// (SQLAlchemy's `session.get(..., with_for_update=True)`): the row
    /// stays locked until the session's transaction ends, and an unchanged
    /// copy in the session is replaced by the row as locked. Unflushed
    /// changes are flushed first. (On a connection in
    /// [`Autocommit`](crate::IsolationLevel::Autocommit) mode there is no
    /// transaction to hold the lock: it ends with the statement.)
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # fn demo<C: Connection>(s: &mut Session<'_, C>) -> sqlalgebra::Result<()> {
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Accounts;
    /// # impl Table for Accounts { const NAME: &'static str = "accounts"; type Columns = (Id, Balance); type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Balance;
    /// # impl Column for Id { type Table = Accounts; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// # impl Column for Balance { type Table = Accounts; type SqlType = BigInt; const NAME: &'static str = "balance"; }
    /// # #[derive(Clone, Debug)] pub struct Account { id: i64, balance: i64 }
    /// # impl Model for Account {
    /// #     type Table = Accounts; type Columns = (Id, Balance); type Row = (i64, i64); type Key = i64;
    /// #     fn from_row((id, balance): Self::Row) -> Self { Account { id, balance } }
    /// #     fn values(&self) -> (&i64, &i64) { (&self.id, &self.balance) }
    /// #     fn key(&self) -> i64 { self.id }
    /// # }
    /// if let Some(a) = s.get_for_update::<Account>(1)? {
    ///     s[a].balance += 10;
    /// }
    /// s.commit()?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) on SQLite (whose
    /// `BEGIN IMMEDIATE` transactions already hold the write lock: use
    /// [`get`](Session::get)); when the query or the autoflush fails.
    pub fn get_for_update<M: Model>(&mut self, key: M::Key) -> Result<Option<Handle<M>>> {
        self.get_with_lock(key, RowLock::update())
    }

    /// [`get_for_update`](Session::get_for_update) with any row lock
    /// (`FOR SHARE`, `NOWAIT`, ...).
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # fn demo<C: Connection, M: Model<Key = i64>>(s: &mut Session<'_, C>) -> sqlalgebra::Result<()> {
    /// use sqlalgebra::query::RowLock;
    /// let h = s.get_with_lock::<M>(1, RowLock::update().nowait())?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`get_for_update`](Session::get_for_update).
    pub fn get_with_lock<M: Model>(
        &mut self,
        key: M::Key,
        lock: RowLock,
    ) -> Result<Option<Handle<M>>> {
        block_on(self.unit().get_with_lock(key, lock))
    }
}

impl<C: Connection> Unit<'_, C> {
    /// See [`Session::get_with_lock`]: the object with primary key `key`,
    /// read under `lock` whether or not the map holds it.
    pub(crate) async fn get_with_lock<M: Model>(
        &mut self,
        key: M::Key,
        lock: RowLock,
    ) -> Result<Option<Handle<M>>> {
        self.autoflush().await?;
        let level = self.tx.current();
        let (map, mut db) = self.split();
        let cols = M::Columns::columns();
        let mut cells = Cells::new();
        key.key_cells(&mut cells);
        let r = locked_by_key_sql::<M>(db.dialect(), &cols, &cells, &lock)?;
        let arena = map.arena_mut::<M>();
        let found = load_fresh::<M, C>(arena, &mut db, &r, level).await?;
        Ok(found.first().and_then(|&i| {
            let slot = arena.slot_mut(i as usize)?;
            slot.expired = false;
            (slot.state != State::Deleted).then_some(Handle::from_index(i))
        }))
    }
}

/// `SELECT <M's columns> FROM <M's table> WHERE <discriminator> AND
/// <key> = ? <lock>`: the statement of [`Unit::get_with_lock`], rendered
/// outside its future (the writer is not `Send`).
fn locked_by_key_sql<'a, M: Model>(
    d: &'static dyn Dialect,
    cols: &'a M::Columns,
    cells: &'a [ValueRef<'a>],
    lock: &'a RowLock,
) -> Result<Rendered<'a>> {
    let mut w = SqlWriter::new(d);
    w.push_sql("SELECT ");
    crate::render::Render::render(cols, &mut w);
    w.push_sql(" FROM ");
    w.push_ident(M::Table::NAME);
    w.push_sql(" WHERE ");
    if let Some(d) = M::DISCRIMINATOR {
        // One key: no OR to keep apart from the discriminator.
        d.write(&mut w, M::Table::NAME);
        w.push_sql(" AND ");
    }
    write_key_match(&mut w, M::Table::NAME, key_names::<M>(), cells, 1);
    w.dialect().write_row_lock(&mut w, lock);
    w.finish()
}
