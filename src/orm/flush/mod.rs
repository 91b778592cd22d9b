//! `flush`: writing new, changed and deleted objects, in foreign-key order,
//! many objects of one model per statement ([`insert`], [`update`],
//! [`delete`]).

mod delete;
mod insert;
mod update;

use std::any::Any;

use super::arena::{Arena, State};
use super::drive::{Step, block_on};
use super::events::SessionEvent;
use super::identity::{Db, IdentityMap};
use super::loading::Relations;
use super::model::Model;
use super::session::Session;
use super::unit::Unit;
use crate::conn::Connection;
use crate::error::{ErrorKind, Result};
use crate::schema::TableDef;

/// What the session asks of an arena without knowing its model type.
pub(crate) trait ErasedArena<C: Connection> {
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
    fn def(&self) -> &TableDef;
    fn has_work(&self) -> bool;
    fn has_inserts_or_deletes(&self) -> bool;
    fn flush_inserts<'a>(
        &'a mut self,
        db: &'a mut Db<'_, C>,
        level: u64,
        batch: usize,
    ) -> Step<'a, Result<()>>;
    fn flush_updates<'a>(&'a mut self, db: &'a mut Db<'_, C>, level: u64) -> Step<'a, Result<()>>;
    fn flush_deletes<'a>(
        &'a mut self,
        db: &'a mut Db<'_, C>,
        level: u64,
        batch: usize,
    ) -> Step<'a, Result<()>>;
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
    fn flush_inserts<'a>(
        &'a mut self,
        db: &'a mut Db<'_, C>,
        level: u64,
        batch: usize,
    ) -> Step<'a, Result<()>> {
        Box::pin(insert::flush_inserts(self, db, level, batch))
    }
    fn flush_updates<'a>(&'a mut self, db: &'a mut Db<'_, C>, level: u64) -> Step<'a, Result<()>> {
        Box::pin(update::flush_updates(self, db, level))
    }
    fn flush_deletes<'a>(
        &'a mut self,
        db: &'a mut Db<'_, C>,
        level: u64,
        batch: usize,
    ) -> Step<'a, Result<()>> {
        Box::pin(delete::flush_deletes(self, db, level, batch))
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
                return Err(ErrorKind::DependencyCycle(
                    rest.iter()
                        .map(|&i| map.arenas[i].def().name.to_owned())
                        .collect(),
                )
                .into());
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
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let ann = s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// s.flush()?; // INSERT ... RETURNING "id"
    /// assert_eq!(s[ann].id, 1);
    /// s[ann].status = "active".into();
    /// s.flush()?; // UPDATE "users" SET "status" = ? WHERE "id" = ?
    /// let status: String = select(users::Status).from(Users).get(s.connection())?;
    /// assert_eq!(status, "active"); // visible in the session's transaction
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::DependencyCycle`] when the tables with pending inserts or
    /// deletes reference each other in a cycle; [`ErrorKind::StaleData`] when a
    /// versioned row was changed by another transaction; or the database's
    /// error.
    pub fn flush(&mut self) -> Result<()> {
        block_on(self.unit().flush())
    }
}

impl<C: Connection> Unit<'_, C> {
    /// See [`Session::flush`]: with something to write, the listeners of
    /// [`SessionEvent::BeforeFlush`], the writes, then those of
    /// [`SessionEvent::AfterFlush`] (for every flush: explicit, autoflush,
    /// and the flushes of commit and savepoints).
    pub(crate) async fn flush(&mut self) -> Result<()> {
        if !self.has_work() {
            return Ok(());
        }
        self.fire(SessionEvent::BeforeFlush)?;
        match self.flush_all().await {
            Ok(()) => self.fire(SessionEvent::AfterFlush),
            Err(e) => {
                self.rollback_innermost().await;
                Err(e)
            }
        }
    }

    /// Whether a flush has anything to write.
    pub(crate) fn has_work(&self) -> bool {
        self.map.arenas.iter().any(|a| a.has_work()) || self.rels.has_work()
    }

    async fn flush_all(&mut self) -> Result<()> {
        let level = self.tx.current();
        let batch = self.config.batch_size;
        let Unit {
            conn,
            map,
            rels,
            tx,
            statements,
            ..
        } = self;
        let mut db = Db {
            conn: &mut **conn,
            tx,
            statements,
        };
        loop {
            for a in &map.arenas {
                a.register_relationships(rels);
            }
            if !rels.cascade(map, &mut db, level, batch).await? {
                break;
            }
        }
        let order = flush_order(map)?;
        for &a in &order {
            let table = map.arenas[a].def().name;
            rels.apply_fixups(map, level, Some(table));
            map.arenas[a].flush_inserts(&mut db, level, batch).await?;
        }
        rels.apply_fixups(map, level, None);
        for a in 0..map.arenas.len() {
            if map.arenas[a].has_work() {
                map.arenas[a].flush_updates(&mut db, level).await?;
            }
        }
        rels.flush_links(map, &mut db, batch).await?;
        for &a in order.iter().rev() {
            map.arenas[a].flush_deletes(&mut db, level, batch).await?;
        }
        for a in &mut map.arenas {
            a.compact();
        }
        Ok(())
    }
}
