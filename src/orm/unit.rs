//! [`Unit`]: the session's state lent to its logic, with the calls that
//! run statements (loading by key, loading a statement's rows, refresh),
//! as `async` code that the sync and async sessions both drive (see
//! [`drive`](super::drive)). Flushing is in [`flush`](super::flush), the
//! transaction's bookkeeping in [`transaction`](super::transaction).

use super::arena::State;
use super::events::Fire;
use super::handle::Handle;
use super::identity::{Db, IdentityMap, Sql, TxState, fetch_by_key, key_names, load_keys};
use super::loading::Relations;
use super::model::{Cells, KeyFor, Model, ModelColumns, SqlRow};
use super::select_key::{ModelSelect, by_keys};
use super::session::Config;
use crate::conn::Connection;
use crate::error::{ErrorKind, Result};
use crate::query::Query;
use crate::render::SqlKey;
use crate::schema::Table;
use crate::value::FromRow;

/// A session's state, borrowed: what [`Session`](super::Session) and
/// `AsyncSession` lend their shared logic.
pub(crate) struct Unit<'a, C: Connection> {
    pub(crate) conn: &'a mut C,
    pub(crate) map: &'a mut IdentityMap<C>,
    pub(crate) rels: &'a mut Relations<C>,
    pub(crate) tx: &'a mut TxState,
    pub(crate) statements: &'a mut u64,
    pub(crate) config: Config,
    /// The session's listeners ([`SessionEvent`](super::SessionEvent)s).
    pub(crate) listeners: &'a mut dyn Fire<C>,
}

impl<C: Connection> Unit<'_, C> {
    /// The identity map, and a [`Db`] over the connection.
    pub(crate) fn split(&mut self) -> (&mut IdentityMap<C>, Db<'_, C>) {
        (
            &mut *self.map,
            Db {
                conn: &mut *self.conn,
                tx: &mut *self.tx,
                statements: &mut *self.statements,
            },
        )
    }

    /// Flushes before a load when the session autoflushes and has work.
    ///
    /// The flush runs boxed: its state is large, and inline it would make
    /// every load's future (each `get`, `load`, query and lazy load awaits
    /// this) as large, moved on each call; a flush with work allocates
    /// anyway.
    pub(crate) async fn autoflush(&mut self) -> Result<()> {
        if self.config.autoflush && self.has_work() {
            Box::pin(self.flush()).await
        } else {
            Ok(())
        }
    }

    /// See [`Session::get`](super::Session::get).
    pub(crate) async fn get<M: Model>(&mut self, key: M::Key) -> Result<Option<Handle<M>>> {
        if let Some(hit) = in_map::<M, C>(self.map, &key) {
            return Ok(hit);
        }
        self.autoflush().await?;
        let (map, mut db) = self.split();
        let cols = M::Columns::columns();
        let mut cells = Cells::new();
        key.key_cells(&mut cells);
        let parts = by_keys(M::Table::NAME, key_names::<M>(), cells, 1);
        let stmt = ModelSelect::<M, _, _, _>::new(cols, &parts);
        let mut sql_key = SqlKey::for_dialect(db.dialect());
        let text = db.prepare(&stmt, &mut sql_key)?;
        let arena = map.arena_mut::<M>();
        let r = Sql::Prepared(&text, sql_key.binds());
        let found = db.load_into::<M, SqlRow<M>>(arena, r).await?;
        let found = found.first().and_then(|&i| {
            let slot = arena.slot_mut(i as usize)?;
            slot.expired = false;
            (slot.state != State::Deleted).then_some(Handle::from_index(i))
        });
        Ok(found)
    }

    /// See [`Session::get_many`](super::Session::get_many).
    pub(crate) async fn get_many<M: Model>(&mut self, keys: &[M::Key]) -> Result<Vec<Handle<M>>> {
        let missing: Vec<M::Key> = match self.map.arena::<M>() {
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
        };
        if !missing.is_empty() {
            self.autoflush().await?;
            let batch = self.config.batch_size;
            let (map, mut db) = self.split();
            load_keys::<M, C>(map.arena_mut::<M>(), &mut db, &missing, batch).await?;
        }
        let Some(arena) = self.map.arena::<M>() else {
            return Ok(Vec::new());
        };
        let found: Vec<u32> = keys
            .iter()
            .filter_map(|k| arena.lookup(k))
            .filter(|&i| {
                arena
                    .slot(i as usize)
                    .is_some_and(|s| s.state != State::Deleted)
            })
            .collect();
        Ok(found.into_iter().map(Handle::from_index).collect())
    }

    /// See [`Session::refresh`](super::Session::refresh).
    pub(crate) async fn refresh<M: Model>(&mut self, h: Handle<M>) -> Result<()> {
        let level = self.tx.current();
        let Some(key) = self.map.db_key::<M>(h.index()) else {
            return Err(ErrorKind::NotFound.into());
        };
        let (map, mut db) = self.split();
        let fresh = fetch_by_key::<M, C>(&mut db, &key)
            .await?
            .ok_or(ErrorKind::NotFound)?;
        map.arena_mut::<M>().overwrite(h.index(), fresh, level);
        Ok(())
    }

    /// See [`Session::load`](super::Session::load).
    pub(crate) async fn load<M, Q>(&mut self, statement: &Q) -> Result<Vec<Handle<M>>>
    where
        M: Model,
        Q: Query,
        M::Row: FromRow<Q::SqlType>,
    {
        self.autoflush().await?;
        let (map, mut db) = self.split();
        let r = statement.to_sql(db.dialect())?;
        let slots = db
            .load_into::<M, Q::SqlType>(map.arena_mut::<M>(), &r)
            .await?;
        Ok(slots.into_iter().map(Handle::from_index).collect())
    }
}

/// What the identity map answers for `key` without SQL: `Some` when it
/// holds a fresh object with that key (`Some(None)`: it is deleted).
#[inline]
pub(crate) fn in_map<M: Model, C: Connection>(
    map: &IdentityMap<C>,
    key: &M::Key,
) -> Option<Option<Handle<M>>> {
    let arena = map.arena::<M>()?;
    let i = arena.lookup(key)?;
    let slot = arena.slot(i as usize)?;
    if slot.expired {
        return None;
    }
    Some((slot.state != State::Deleted).then_some(Handle::from_index(i)))
}
