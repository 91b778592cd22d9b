//! [`Session`]: the unit of work over an identity map of arenas.

use std::ops::{Index, IndexMut};

use super::arena::{Arena, State};
use super::drive::block_on;
use super::handle::Handle;
use super::identity::{IdentityMap, TxState};
use super::loading::Relations;
use super::model::Model;
use super::query::ModelQuery;
use super::unit::{Unit, in_map};
use crate::conn::Connection;
use crate::error::Result;
use crate::query::Query;
use crate::value::FromRow;

/// The default number of keys per `IN (...)` list (and of rows per
/// multi-row INSERT of a flush): under every backend's limit on bind
/// values (SQLite 32 766, PostgreSQL and MySQL 65 535).
pub const DEFAULT_BATCH_SIZE: usize = 30_000;

/// Where an object stands in a session.
///
/// ```
/// use sqlalgebra::orm::ObjectState;
/// assert_ne!(ObjectState::Pending, ObjectState::Persistent);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectState {
    /// Added; the next flush inserts it.
    Pending,
    /// In the database (maybe changed in memory; see
    /// [`Session::is_modified`]).
    Persistent,
    /// Marked for deletion, or deleted by a flush of this transaction.
    Deleted,
    /// Not in the session (expunged, or dropped by a rollback).
    Detached,
}

impl ObjectState {
    /// The state of an object whose slot is in `state` (`None`: no slot).
    pub(crate) fn of(state: Option<State>) -> Self {
        match state {
            None => ObjectState::Detached,
            Some(State::New) => ObjectState::Pending,
            Some(State::Clean | State::Dirty) => ObjectState::Persistent,
            Some(State::Deleted | State::Removed) => ObjectState::Deleted,
        }
    }
}

/// Settings of a session.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Config {
    pub(crate) expire_on_commit: bool,
    pub(crate) autoflush: bool,
    pub(crate) batch_size: usize,
}

impl Default for Config {
    /// Expire-on-commit and autoflush on, [`DEFAULT_BATCH_SIZE`].
    fn default() -> Self {
        Config {
            expire_on_commit: true,
            autoflush: true,
            batch_size: DEFAULT_BATCH_SIZE,
        }
    }
}

/// A unit of work over one connection: an identity map of the objects it
/// loaded or was given, and the changes to write at the next
/// [`flush`](Session::flush) or [`commit`](Session::commit).
///
/// Each model type has an arena: objects live in slots, a hash index maps
/// primary keys to slots, and a [`Handle`] is the slot's index. The same key
/// is always the same handle. The session opens its transaction on the
/// first statement and keeps it until `commit` or `rollback` (dropping the
/// session rolls back).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # use sqlalgebra::orm::doc_models::*;
/// # fn main() -> sqlalgebra::Result<()> {
/// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
/// # let mut conn = engine.connect()?;
/// # create_all::<AllTables>(&mut conn)?;
/// let mut s = Session::new(&mut conn);
/// let bob = s.add(User { id: 0, name: "bob".into(), status: "new".into() });
/// s.flush()?;                                  // INSERT; bob's id is filled in
/// let same = s.get::<User>(s[bob].id)?;        // no SQL: it is in the map
/// assert_eq!(same, Some(bob));
/// s[bob].name = "robert".into();               // marks it dirty
/// s.commit()?;                                 // UPDATE "users" SET "name" = ? ...
/// drop(s);
/// let names: Vec<String> = select(users::Name).load(&mut conn)?;
/// assert_eq!(names, ["robert"]);
/// # Ok(()) }
/// ```
pub struct Session<'c, C: Connection> {
    pub(crate) conn: &'c mut C,
    pub(crate) map: IdentityMap<C>,
    pub(crate) rels: Relations<C>,
    pub(crate) tx: TxState,
    pub(crate) statements: u64,
    pub(crate) config: Config,
    /// [events] The listeners of [`Session::listen`].
    pub(crate) listeners: super::events::Listeners<'c, C>,
}

impl<C: Connection> std::fmt::Debug for Session<'_, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("models", &self.map.arenas.len())
            .field("in_transaction", &self.tx.open)
            .field("savepoints", &(self.tx.levels.len() - 1))
            .field("statements", &self.statements)
            .finish()
    }
}

impl<'c, C: Connection> Session<'c, C> {
    /// A session over `conn`, with expire-on-commit and autoflush on.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// assert!(!s.in_transaction()); // nothing is sent before the first statement
    /// assert_eq!(s.statement_count(), 0);
    /// # Ok(()) }
    /// ```
    pub fn new(conn: &'c mut C) -> Self {
        Session {
            conn,
            map: IdentityMap::new(),
            rels: Relations::new(),
            tx: TxState::new(),
            statements: 0,
            config: Config::default(),
            listeners: super::events::Listeners::new(),
        }
    }

    /// Whether `commit` expires every object (default on): an expired
    /// object keeps its values in memory, but the next `get` of its key
    /// runs a query, and the next query that returns its row overwrites
    /// it. Off, committed objects are trusted as they are.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// s.set_expire_on_commit(false);
    /// let ann = s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// s.commit()?;
    /// assert!(!s.is_expired(ann));
    /// assert_eq!(s.get::<User>(1)?, Some(ann)); // trusted: no SELECT
    /// assert_eq!(s.statement_count(), 1);       // the INSERT only
    /// # Ok(()) }
    /// ```
    pub fn set_expire_on_commit(&mut self, on: bool) {
        self.config.expire_on_commit = on;
    }

    /// Whether queries and relationship loads flush pending changes first
    /// (default on), so that they see them.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// s.set_autoflush(false);
    /// s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// assert!(s.query::<User>().all()?.is_empty()); // ann is not flushed yet
    /// s.flush()?;
    /// assert_eq!(s.query::<User>().all()?.len(), 1);
    /// # Ok(()) }
    /// ```
    pub fn set_autoflush(&mut self, on: bool) {
        self.config.autoflush = on;
    }

    /// How many keys go in one `IN (...)` list of a selectin load or of a
    /// flush's DELETE, and how many rows in one multi-row INSERT of a
    /// flush (each also under the backend's limit on bind values); larger
    /// sets take several statements. Default [`DEFAULT_BATCH_SIZE`].
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for i in 0..5 {
    /// #     insert_into(Users).values((users::Name.set(format!("u{i}")), users::Status.set("new"))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// s.set_batch_size(2);
    /// let hs = s.get_many::<User>(&[1, 2, 3, 4, 5])?;
    /// assert_eq!(hs.len(), 5);
    /// assert_eq!(s.statement_count(), 3); // WHERE "id" IN of 2, 2 and 1 keys
    /// # Ok(()) }
    /// ```
    pub fn set_batch_size(&mut self, n: usize) {
        self.config.batch_size = n.max(1);
    }

    /// How many statements (queries and writes, not transaction control)
    /// the session has run.
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
    /// assert_eq!(s.statement_count(), 1); // INSERT ... RETURNING
    /// s.get::<User>(s[ann].id)?;          // in the identity map: no SQL
    /// assert_eq!(s.statement_count(), 1);
    /// # Ok(()) }
    /// ```
    pub fn statement_count(&self) -> u64 {
        self.statements
    }

    /// The connection, for statements of the core algebra inside the
    /// session's transaction (the session does not see their effects on
    /// objects it holds; [`refresh`](Session::refresh) them).
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
    /// s.flush()?;
    /// // A statement of the core algebra, inside the session's transaction:
    /// let n: i64 = select(count_star()).from(Users).get(s.connection())?;
    /// assert_eq!(n, 1);
    /// # Ok(()) }
    /// ```
    pub fn connection(&mut self) -> &mut C {
        self.conn
    }

    /// Whether the session has opened a transaction on the connection.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// assert!(!s.in_transaction());
    /// s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// s.flush()?; // BEGIN, INSERT
    /// assert!(s.in_transaction());
    /// s.commit()?;
    /// assert!(!s.in_transaction());
    /// # Ok(()) }
    /// ```
    pub fn in_transaction(&self) -> bool {
        self.tx.open
    }

    /// Adds a new object; the next flush inserts it.
    ///
    /// ```
    /// use sqlalgebra::orm::ObjectState;
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let ann = s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// assert_eq!(s.state(ann), ObjectState::Pending);
    /// s.flush()?;
    /// assert_eq!(s.state(ann), ObjectState::Persistent);
    /// assert_eq!(s[ann].id, 1); // the generated key, read back
    /// # Ok(()) }
    /// ```
    pub fn add<M: Model>(&mut self, object: M) -> Handle<M> {
        let level = self.tx.current();
        Handle::from_index(self.map.arena_mut::<M>().add(object, level))
    }

    /// Adds several new objects.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let names = ["ann", "bob"];
    /// let hs = s.add_all(names.map(|n| User { id: 0, name: n.into(), status: "new".into() }));
    /// s.flush()?; // INSERTs in the order added
    /// assert_eq!((s[hs[0]].id, s[hs[1]].id), (1, 2));
    /// # Ok(()) }
    /// ```
    pub fn add_all<M: Model>(&mut self, objects: impl IntoIterator<Item = M>) -> Vec<Handle<M>> {
        let objects = objects.into_iter();
        let level = self.tx.current();
        let arena = self.map.arena_mut::<M>();
        arena.reserve_new(objects.size_hint().0, level);
        objects
            .map(|m| Handle::from_index(arena.add(m, level)))
            .collect()
    }

    /// Marks the object for deletion at the next flush. A pending object
    /// is simply dropped from the session.
    ///
    /// ```
    /// use sqlalgebra::orm::ObjectState;
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let ann = s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// s.commit()?;
    /// s.delete(ann);
    /// assert_eq!(s.state(ann), ObjectState::Deleted);
    /// s.commit()?; // DELETE FROM "users" WHERE "id" IN (?)
    /// let n: i64 = select(count_star()).from(Users).get(s.connection())?;
    /// assert_eq!(n, 0);
    /// # Ok(()) }
    /// ```
    pub fn delete<M: Model>(&mut self, h: Handle<M>) {
        let level = self.tx.current();
        self.map.arena_mut::<M>().delete(h.index(), level);
    }

    /// The object, if the handle still refers to one.
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
    /// assert_eq!(s.try_get(ann).map(|u| u.name.as_str()), Some("ann"));
    /// s.expunge(ann);
    /// assert!(s.try_get(ann).is_none());
    /// # Ok(()) }
    /// ```
    pub fn try_get<M: Model>(&self, h: Handle<M>) -> Option<&M> {
        self.map.arena::<M>()?.slot(h.slot()).map(|s| &s.value)
    }

    /// A mutable borrow that marks the object dirty, if the handle still
    /// refers to one.
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
    /// if let Some(user) = s.try_edit(ann) {
    ///     user.status = "active".into();
    /// }
    /// assert!(s.is_modified(ann));
    /// s.expunge(ann);
    /// assert!(s.try_edit(ann).is_none());
    /// # Ok(()) }
    /// ```
    pub fn try_edit<M: Model>(&mut self, h: Handle<M>) -> Option<&mut M> {
        let level = self.tx.current();
        self.map.arena_mut::<M>().edit(h.index(), level)
    }

    /// A mutable borrow that marks the object dirty: the same as
    /// `&mut session[h]`.
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
    /// s.edit(ann).status = "active".into();
    /// s.commit()?; // UPDATE "users" SET "status" = ? WHERE "id" = ?
    /// let status: String = select(users::Status).from(Users).get(s.connection())?;
    /// assert_eq!(status, "active");
    /// # Ok(()) }
    /// ```
    ///
    /// # Panics
    /// When the handle no longer refers to an object (see
    /// [`try_edit`](Session::try_edit)).
    pub fn edit<M: Model>(&mut self, h: Handle<M>) -> &mut M {
        match self.try_edit(h) {
            Some(m) => m,
            None => stale(h),
        }
    }

    /// Where the object stands.
    ///
    /// ```
    /// use sqlalgebra::orm::ObjectState;
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let ann = s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// assert_eq!(s.state(ann), ObjectState::Pending);
    /// s.flush()?;
    /// assert_eq!(s.state(ann), ObjectState::Persistent);
    /// s.delete(ann);
    /// assert_eq!(s.state(ann), ObjectState::Deleted);
    /// s.commit()?;
    /// assert_eq!(s.state(ann), ObjectState::Detached);
    /// # Ok(()) }
    /// ```
    pub fn state<M: Model>(&self, h: Handle<M>) -> ObjectState {
        ObjectState::of(self.map.state::<M>(h.index()))
    }

    /// Whether the handle still refers to an object of the session.
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
    /// assert!(s.contains(ann));
    /// s.expunge(ann);
    /// assert!(!s.contains(ann));
    /// # Ok(()) }
    /// ```
    pub fn contains<M: Model>(&self, h: Handle<M>) -> bool {
        self.try_get(h).is_some()
    }

    /// Whether the object was borrowed mutably since it was last loaded or
    /// flushed (the flush may still find nothing changed).
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
    /// assert!(!s.is_modified(ann));
    /// let _ = &s[ann].name; // reading does not mark it
    /// assert!(!s.is_modified(ann));
    /// s[ann].status = "active".into();
    /// assert!(s.is_modified(ann));
    /// s.flush()?;
    /// assert!(!s.is_modified(ann));
    /// # Ok(()) }
    /// ```
    pub fn is_modified<M: Model>(&self, h: Handle<M>) -> bool {
        self.map.state::<M>(h.index()) == Some(State::Dirty)
    }

    /// Whether the object is expired: its next load overwrites it.
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
    /// assert!(s.is_expired(ann)); // expire-on-commit
    /// s.get::<User>(1)?;           // reloads it
    /// assert!(!s.is_expired(ann));
    /// # Ok(()) }
    /// ```
    pub fn is_expired<M: Model>(&self, h: Handle<M>) -> bool {
        self.map
            .arena::<M>()
            .and_then(|a| a.slot(h.slot()))
            .is_some_and(|s| s.expired)
    }

    /// Expires the object: the next `get` of its key or query returning
    /// its row reloads it.
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
    /// update(Users).set(users::Status.set("vip")).filter(users::Id.eq(1)).execute(s.connection())?;
    /// assert_eq!(s[ann].status, "new"); // the session did not see that UPDATE
    /// s.expire(ann);
    /// s.get::<User>(1)?;
    /// assert_eq!(s[ann].status, "vip");
    /// # Ok(()) }
    /// ```
    pub fn expire<M: Model>(&mut self, h: Handle<M>) {
        if let Some(slot) = self.map.arena_mut::<M>().slot_mut(h.slot()) {
            slot.expired = matches!(slot.state, State::Clean | State::Dirty | State::Deleted);
        }
    }

    /// Expires every persistent object, and forgets loaded relationships.
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
    /// update(Users).set(users::Status.set("vip")).execute(s.connection())?;
    /// s.expire_all();
    /// assert!(s.is_expired(ann));
    /// s.query::<User>().all()?; // overwrites the expired objects it returns
    /// assert_eq!(s[ann].status, "vip");
    /// # Ok(()) }
    /// ```
    pub fn expire_all(&mut self) {
        for a in &mut self.map.arenas {
            a.expire_all();
        }
        self.rels.reset();
    }

    /// How many objects of model `M` the session holds.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// assert_eq!(s.count::<User>(), 0);
    /// s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// s.add(User { id: 0, name: "bob".into(), status: "new".into() });
    /// assert_eq!(s.count::<User>(), 2);
    /// # Ok(()) }
    /// ```
    pub fn count<M: Model>(&self) -> usize {
        self.map.arena::<M>().map_or(0, Arena::len)
    }

    /// Removes the object from the session, without touching the database;
    /// its pending changes are forgotten and the handle no longer refers
    /// to anything.
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
    /// s.expunge(ann);
    /// s.flush()?; // nothing to write
    /// assert_eq!(s.statement_count(), 0);
    /// assert!(!s.contains(ann));
    /// # Ok(()) }
    /// ```
    pub fn expunge<M: Model>(&mut self, h: Handle<M>) {
        drop(self.map.arena_mut::<M>().expunge(h.index()));
    }

    /// Moves the object out of the session: [`expunge`](Session::expunge)
    /// that hands the value back, as it is in memory (unflushed changes
    /// included, but they are no longer written). The way to return owned
    /// objects from a unit of work without cloning them.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for name in ["ann", "bob"] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set("new"))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// let handles = s.query::<User>().order_by(users::Id.asc()).all()?;
    /// let first: User = s.take(handles[0]);
    /// assert_eq!(first.name, "ann");
    /// assert!(!s.contains(handles[0]));
    /// let rest: Vec<User> = s.take_all(handles.into_iter().skip(1));
    /// assert_eq!(rest[0].name, "bob");
    /// assert_eq!(s.count::<User>(), 0);
    /// # Ok(()) }
    /// ```
    ///
    /// # Panics
    /// When the handle no longer refers to an object (see
    /// [`try_take`](Session::try_take)).
    pub fn take<M: Model>(&mut self, h: Handle<M>) -> M {
        match self.try_take(h) {
            Some(m) => m,
            None => stale(h),
        }
    }

    /// [`take`](Session::take), or `None` when the handle no longer refers
    /// to an object.
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
    /// let user = s.try_take(ann);
    /// assert_eq!(user.map(|u| u.name), Some("ann".to_string()));
    /// assert!(s.try_take(ann).is_none()); // already taken
    /// # Ok(()) }
    /// ```
    pub fn try_take<M: Model>(&mut self, h: Handle<M>) -> Option<M> {
        self.map.arena_mut::<M>().expunge(h.index())
    }

    /// [`take`](Session::take)s several objects, in the order of the
    /// handles: a loaded collection, say.
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
    /// s.add(User { id: 0, name: "bob".into(), status: "new".into() });
    /// s.flush()?;
    /// let hs = s.query::<User>().order_by(users::Name.asc()).all()?;
    /// let users: Vec<User> = s.take_all(hs);
    /// assert_eq!(users.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["ann", "bob"]);
    /// assert_eq!(s.count::<User>(), 0);
    /// # Ok(()) }
    /// ```
    ///
    /// # Panics
    /// When a handle no longer refers to an object.
    pub fn take_all<M: Model>(&mut self, handles: impl IntoIterator<Item = Handle<M>>) -> Vec<M> {
        let arena = self.map.arena_mut::<M>();
        handles
            .into_iter()
            .map(|h| match arena.expunge(h.index()) {
                Some(m) => m,
                None => stale(h),
            })
            .collect()
    }

    /// The object with primary key `key`: from the identity map without
    /// any SQL when it is there (and not expired), else loaded.
    ///
    /// Returns `None` when no row has the key, or the object is deleted.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # insert_into(Users).values((users::Name.set("ann"), users::Status.set("new"))).execute(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let ann = s.get::<User>(1)?.expect("user 1 exists");
    /// assert_eq!(s[ann].name, "ann");
    /// assert_eq!(s.get::<User>(1)?, Some(ann)); // from the identity map
    /// assert_eq!(s.statement_count(), 1);       // one SELECT in all
    /// assert_eq!(s.get::<User>(99)?, None);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the query (or the autoflush before it) fails.
    pub fn get<M: Model>(&mut self, key: M::Key) -> Result<Option<Handle<M>>> {
        // The map's answer without building the call's state machine.
        if let Some(hit) = in_map::<M, C>(&self.map, &key) {
            return Ok(hit);
        }
        // Without declared defaults, `get_loaded` is `get`: run the
        // smaller state machine.
        let mut u = self.unit();
        if u.rels.declares_defaults::<M>() {
            block_on(u.get_loaded(key))
        } else {
            block_on(u.get(key))
        }
    }

    /// The objects with the given keys, loading the ones not in the map in
    /// `IN (...)` batches; keys without a row are left out.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for name in ["ann", "bob", "cy"] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set("new"))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// let hs = s.get_many::<User>(&[3, 99, 1])?; // one SELECT ... WHERE "id" IN (?, ?, ?)
    /// let names: Vec<&str> = hs.iter().map(|&h| s[h].name.as_str()).collect();
    /// assert_eq!(names, ["cy", "ann"]);
    /// assert_eq!(s.statement_count(), 1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When a query fails.
    pub fn get_many<M: Model>(&mut self, keys: &[M::Key]) -> Result<Vec<Handle<M>>> {
        block_on(self.unit().get_many_loaded(keys))
    }

    /// Reloads the object from the database, discarding its unflushed
    /// changes.
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
    /// s[ann].status = "changed in memory".into();
    /// s.refresh(ann)?; // SELECT by key; the change is discarded
    /// assert_eq!(s[ann].status, "new");
    /// assert!(!s.is_modified(ann));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) when its row is gone (or it was never flushed);
    /// otherwise when the query fails.
    pub fn refresh<M: Model>(&mut self, h: Handle<M>) -> Result<()> {
        block_on(self.unit().refresh(h))
    }

    /// A query for objects of model `M`, taking the core algebra's
    /// filters, ordering, limits and joins.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for name in ["ann", "bob", "al"] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set("new"))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// let some: Vec<Handle<User>> = s
    ///     .query::<User>()
    ///     .filter(users::Name.like("a%"))
    ///     .order_by(users::Name.desc())
    ///     .limit(10)
    ///     .all()?;
    /// let names: Vec<&str> = some.iter().map(|&h| s[h].name.as_str()).collect();
    /// assert_eq!(names, ["ann", "al"]);
    /// # Ok(()) }
    /// ```
    pub fn query<M: Model>(&mut self) -> ModelQuery<'_, Self, M> {
        ModelQuery::new(self)
    }

    /// Loads the objects a statement of the core algebra returns: any
    /// query whose rows have the SQL types of `M::Columns`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # insert_into(Users).values((users::Name.set("ann"), users::Status.set("new"))).execute(&mut conn)?;
    /// # insert_into(Users).values((users::Name.set("bob"), users::Status.set("gone"))).execute(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let new = select((users::Id, users::Name, users::Status)).filter(users::Status.eq("new"));
    /// let hs = s.load::<User, _>(&new)?;
    /// assert_eq!(hs.len(), 1);
    /// assert_eq!(s[hs[0]].name, "ann");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the statement fails or a row does not fit.
    pub fn load<M, Q>(&mut self, statement: &Q) -> Result<Vec<Handle<M>>>
    where
        M: Model,
        Q: Query,
        M::Row: FromRow<Q::SqlType>,
    {
        block_on(self.unit().load(statement))
    }

    pub(crate) fn autoflush(&mut self) -> Result<()> {
        block_on(self.unit().autoflush())
    }

    /// The session's state, lent to the logic it shares with the async
    /// session.
    pub(crate) fn unit(&mut self) -> Unit<'_, C> {
        Unit {
            conn: &mut *self.conn,
            map: &mut self.map,
            rels: &mut self.rels,
            tx: &mut self.tx,
            statements: &mut self.statements,
            config: self.config,
            listeners: &mut self.listeners,
        }
    }
}

#[cold]
pub(crate) fn stale<M, T>(h: Handle<M>) -> T {
    panic!(
        "{h:?} no longer refers to an object of this session (expunged, deleted and committed, or dropped by a rollback)"
    )
}

impl<M: Model, C: Connection> Index<Handle<M>> for Session<'_, C> {
    type Output = M;

    /// The object.
    ///
    /// # Panics
    /// When the handle no longer refers to an object (see
    /// [`Session::try_get`]).
    fn index(&self, h: Handle<M>) -> &M {
        match self.try_get(h) {
            Some(m) => m,
            None => stale(h),
        }
    }
}

impl<M: Model, C: Connection> IndexMut<Handle<M>> for Session<'_, C> {
    /// The object, marked dirty.
    ///
    /// # Panics
    /// When the handle no longer refers to an object (see
    /// [`Session::try_edit`]).
    fn index_mut(&mut self, h: Handle<M>) -> &mut M {
        self.edit(h)
    }
}
