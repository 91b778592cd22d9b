//! The session's transaction: commit, rollback, and savepoints
//! (`begin_nested`), each keeping the identity map consistent with the
//! database.

use super::drive::block_on;
use super::events::SessionEvent;
use super::session::Session;
use super::unit::Unit;
use crate::conn::{Connection, TxOp, rollback_transaction};
use crate::error::{Error, ErrorKind, Result};

/// An open savepoint of a session, from [`Session::begin_nested`]: end it
/// with [`Session::release`] or [`Session::rollback_to`].
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
/// let sp = s.begin_nested()?;     // INSERT ann, SAVEPOINT
/// s[ann].status = "gone".into();  // changes that may be undone alone
/// s.flush()?;
/// s.rollback_to(sp)?;             // ROLLBACK TO SAVEPOINT; objects are as before
/// assert_eq!(s[ann].status, "new");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "end the savepoint with `release` or `rollback_to`"]
pub struct Savepoint {
    id: u64,
}

impl<C: Connection> Session<'_, C> {
    /// Flushes, then commits the session's transaction (releasing any open
    /// savepoints first). With expire-on-commit (the default) every object
    /// is expired: its next load overwrites it.
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
    /// s.commit()?; // flush (INSERT), then COMMIT
    /// assert!(s.is_expired(ann));
    /// drop(s);
    /// let n: i64 = select(count_star()).from(Users).get(&mut conn)?;
    /// assert_eq!(n, 1); // committed: dropping the session kept it
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the flush or the COMMIT fails; the session is then rolled back
    /// (a failed flush rolls back only an open savepoint).
    pub fn commit(&mut self) -> Result<()> {
        block_on(self.unit().commit())
    }

    /// Rolls back the session's transaction and its savepoints, and puts
    /// the objects back as they were at the last commit: objects added
    /// since are dropped from the session (their handles go stale),
    /// deleted ones are back, changed ones have their old values again;
    /// all are expired, and loaded relationships are forgotten.
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
    /// s.commit()?;
    /// s[ann].status = "active".into();
    /// let bob = s.add(User { id: 0, name: "bob".into(), status: "new".into() });
    /// s.flush()?;
    /// s.rollback()?;
    /// assert_eq!(s[ann].status, "new"); // its value at the last commit
    /// assert!(!s.contains(bob));         // added since: dropped
    /// drop(s);
    /// let n: i64 = select(count_star()).from(Users).get(&mut conn)?;
    /// assert_eq!(n, 1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the database fails to roll back; the session is reset anyway.
    pub fn rollback(&mut self) -> Result<()> {
        block_on(self.unit().rollback_and_fire())
    }

    /// Flushes, then opens a savepoint (`SAVEPOINT`) inside the session's
    /// transaction: a nested transaction that can be rolled back alone.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// let sp = s.begin_nested()?; // flush (INSERT ann), SAVEPOINT
    /// let bob = s.add(User { id: 0, name: "bob".into(), status: "new".into() });
    /// s.rollback_to(sp)?;          // bob is dropped, ann stays
    /// assert!(!s.contains(bob));
    /// s.commit()?;
    /// drop(s);
    /// let n: i64 = select(count_star()).from(Users).get(&mut conn)?;
    /// assert_eq!(n, 1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the flush or the SAVEPOINT fails.
    pub fn begin_nested(&mut self) -> Result<Savepoint> {
        block_on(self.unit().begin_nested())
    }

    /// Flushes, then releases the savepoint (and any opened after it): its
    /// work becomes part of the enclosing transaction.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let sp = s.begin_nested()?;
    /// s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// s.release(sp)?; // flush (INSERT), RELEASE SAVEPOINT
    /// assert!(s.release(sp).is_err()); // no longer open
    /// s.commit()?;
    /// drop(s);
    /// let n: i64 = select(count_star()).from(Users).get(&mut conn)?;
    /// assert_eq!(n, 1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Transaction`] when the savepoint is no longer open (say, a
    /// failed flush rolled it back); otherwise when the flush or the
    /// RELEASE fails.
    pub fn release(&mut self, sp: Savepoint) -> Result<()> {
        block_on(self.unit().release(sp))
    }

    /// Rolls back to the savepoint (and closes it, with any opened after
    /// it): the database and the objects are as they were when it was
    /// opened; objects added since are dropped from the session. Loaded
    /// relationships are forgotten. Does nothing when the savepoint is no
    /// longer open.
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
    /// s.flush()?;
    /// let sp = s.begin_nested()?;
    /// s[ann].status = "active".into();
    /// s.delete(ann);
    /// s.flush()?;
    /// s.rollback_to(sp)?;
    /// assert!(s.contains(ann));          // not deleted after all
    /// assert_eq!(s[ann].status, "new");  // and as it was at the savepoint
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the database fails to roll back.
    pub fn rollback_to(&mut self, sp: Savepoint) -> Result<()> {
        block_on(self.unit().rollback_to(sp))
    }

    /// Runs `f` in a savepoint: released when it returns `Ok`, rolled back
    /// when it returns `Err`.
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
    /// let r: Result<(), sqlalgebra::BoxError> = s.nested(|s| {
    ///     s[ann].status = "active".into();
    ///     s.flush()?;
    ///     Err("undo this part only".into())
    /// });
    /// assert!(r.is_err());
    /// assert_eq!(s[ann].status, "new");
    /// s.nested(|s| {
    ///     s[ann].status = "checked".into();
    ///     Ok::<_, sqlalgebra::Error>(())
    /// })?;
    /// s.commit()?;
    /// drop(s);
    /// let status: String = select(users::Status).from(Users).get(&mut conn)?;
    /// assert_eq!(status, "checked");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Whatever `f` returns, or a failure to open or end the savepoint (a
    /// failed rollback on a lost connection does not replace `f`'s error).
    pub fn nested<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<Error>,
    {
        let sp = self.begin_nested()?;
        match f(self) {
            Ok(v) => {
                self.release(sp)?;
                Ok(v)
            }
            Err(e) => match self.rollback_to(sp) {
                Err(failed) if !matches!(failed.kind(), ErrorKind::Connection(_)) => {
                    Err(failed.into())
                }
                // A lost connection fails the rollback too: keep `e`.
                _ => Err(e),
            },
        }
    }

    /// Runs `f` and commits when it returns `Ok`, rolls back when it
    /// returns `Err` (SQLAlchemy's `with session.begin():`).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let id = s.transaction(|s| {
    ///     let ann = s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    ///     s.flush()?;
    ///     Ok::<_, sqlalgebra::Error>(s[ann].id)
    /// })?; // committed
    /// assert_eq!(id, 1);
    /// let failed: Result<(), sqlalgebra::BoxError> = s.transaction(|s| {
    ///     s.add(User { id: 0, name: "bob".into(), status: "new".into() });
    ///     s.flush()?;
    ///     Err("out of stock".into())
    /// });
    /// assert!(failed.is_err()); // rolled back: bob is not there
    /// drop(s);
    /// let n: i64 = select(count_star()).from(Users).get(&mut conn)?;
    /// assert_eq!(n, 1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Whatever `f` returns, or a failure to commit or roll back (a failed
    /// rollback on a lost connection does not replace `f`'s error; see
    /// [`Connection::transaction`]).
    pub fn transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<Error>,
    {
        match f(self) {
            Ok(v) => {
                self.commit()?;
                Ok(v)
            }
            Err(e) => match self.rollback() {
                Err(failed) if !matches!(failed.kind(), ErrorKind::Connection(_)) => {
                    Err(failed.into())
                }
                // A lost connection fails the rollback too: keep `e`.
                _ => Err(e),
            },
        }
    }
}

impl<C: Connection> Drop for Session<'_, C> {
    /// Rolls back what the session did not commit.
    fn drop(&mut self) {
        if self.tx.open {
            for _ in 0..self.tx.levels.len() {
                let _ = rollback_transaction(self.conn);
            }
        }
    }
}

impl<C: Connection> Unit<'_, C> {
    /// See [`Session::commit`]: the listeners of
    /// [`SessionEvent::BeforeCommit`], the flush (with its own events),
    /// the COMMIT, then the listeners of [`SessionEvent::AfterCommit`].
    pub(crate) async fn commit(&mut self) -> Result<()> {
        self.fire(SessionEvent::BeforeCommit)?;
        self.flush().await?;
        while self.tx.levels.len() > 1 {
            if let Err(e) = self.conn.orm_transaction(TxOp::Commit).await {
                let _ = self.rollback().await;
                return Err(e);
            }
            let child = self.tx.levels.pop().unwrap_or_default();
            let parent = self.tx.current();
            for a in &mut self.map.arenas {
                a.release_level(child, parent);
            }
        }
        if self.tx.open {
            self.tx.open = false;
            if let Err(e) = self.conn.orm_transaction(TxOp::Commit).await {
                // The failed COMMIT was rolled back: so is the session.
                self.forget_transaction(true);
                return Err(e);
            }
        }
        let expire = self.config.expire_on_commit;
        for a in &mut self.map.arenas {
            a.end_transaction(expire);
        }
        if expire {
            self.rels.reset();
        }
        let id = self.tx.new_id();
        self.tx.levels = vec![id];
        self.fire(SessionEvent::AfterCommit)
    }

    /// See [`Session::rollback`]: [`rollback`](Unit::rollback), then the
    /// listeners of [`SessionEvent::AfterRollback`].
    pub(crate) async fn rollback_and_fire(&mut self) -> Result<()> {
        let result = self.rollback().await;
        result.and(self.fire(SessionEvent::AfterRollback))
    }

    /// Rolls back the transaction and its savepoints and resets the
    /// objects, firing no event (what a failed commit or flush does).
    pub(crate) async fn rollback(&mut self) -> Result<()> {
        let mut result = Ok(());
        if self.tx.open {
            for _ in 0..self.tx.levels.len() {
                if let Err(e) = self.conn.orm_transaction(TxOp::Rollback).await
                    && result.is_ok()
                {
                    result = Err(e);
                }
            }
            self.tx.open = false;
        }
        self.forget_transaction(true);
        result
    }

    /// Undoes every journal level in memory and starts a fresh unit of
    /// work.
    pub(crate) fn forget_transaction(&mut self, expire: bool) {
        for &id in self.tx.levels.iter().rev() {
            for a in &mut self.map.arenas {
                a.rollback_level(id);
            }
        }
        for a in &mut self.map.arenas {
            a.end_transaction(expire);
        }
        self.rels.reset();
        let id = self.tx.new_id();
        self.tx.levels = vec![id];
    }

    /// See [`Session::begin_nested`].
    pub(crate) async fn begin_nested(&mut self) -> Result<Savepoint> {
        self.flush().await?;
        self.split().1.begin().await?;
        self.conn.orm_transaction(TxOp::Begin).await?;
        let id = self.tx.new_id();
        self.tx.levels.push(id);
        Ok(Savepoint { id })
    }

    fn level_of(&self, sp: Savepoint) -> Option<usize> {
        self.tx
            .levels
            .iter()
            .position(|&l| l == sp.id)
            .filter(|&p| p > 0)
    }

    /// See [`Session::release`].
    pub(crate) async fn release(&mut self, sp: Savepoint) -> Result<()> {
        if self.level_of(sp).is_none() {
            return Err(ErrorKind::Transaction("the savepoint is no longer open".into()).into());
        }
        self.flush().await?;
        let Some(pos) = self.level_of(sp) else {
            return Err(ErrorKind::Transaction("the savepoint is no longer open".into()).into());
        };
        while self.tx.levels.len() > pos {
            let child = self.tx.levels.pop().unwrap_or_default();
            let parent = self.tx.current();
            if let Err(e) = self.conn.orm_transaction(TxOp::Commit).await {
                for a in &mut self.map.arenas {
                    a.rollback_level(child);
                }
                self.rels.reset();
                return Err(e);
            }
            for a in &mut self.map.arenas {
                a.release_level(child, parent);
            }
        }
        Ok(())
    }

    /// See [`Session::rollback_to`].
    pub(crate) async fn rollback_to(&mut self, sp: Savepoint) -> Result<()> {
        let Some(pos) = self.level_of(sp) else {
            return Ok(());
        };
        let mut result = Ok(());
        while self.tx.levels.len() > pos {
            let id = self.tx.levels.pop().unwrap_or_default();
            if let Err(e) = self.conn.orm_transaction(TxOp::Rollback).await
                && result.is_ok()
            {
                result = Err(e);
            }
            for a in &mut self.map.arenas {
                a.rollback_level(id);
            }
        }
        for a in &mut self.map.arenas {
            a.compact();
        }
        self.rels.reset();
        result
    }

    /// Rolls back the innermost level: the newest savepoint, or else the
    /// whole transaction.
    pub(crate) async fn rollback_innermost(&mut self) {
        let _ = match self.tx.levels.last() {
            Some(&id) if self.tx.levels.len() > 1 => self.rollback_to(Savepoint { id }).await,
            _ => self.rollback().await,
        };
    }
}
