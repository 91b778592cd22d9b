//! [`AsyncSession`]: the unit of work of [`Session`](super::Session) on an
//! async connection. The same identity map, flush, transaction
//! bookkeeping and loading code runs under both (see
//! [`drive`](super::drive)); this file only awaits it.

use std::ops::{DerefMut, Index, IndexMut};

use super::arena::Arena;
use super::bridge::Bridge;
use super::events::{Listeners, SessionEvent, SessionView};
use super::handle::Handle;
use super::identity::{IdentityMap, TxState};
use super::loading::Relations;
use super::model::Model;
use super::relation::{BelongsTo, HasMany, ManyToMany};
use super::session::{Config, ObjectState, stale};
use super::synchronize::{BulkWrite, Synchronize};
use super::transaction::Savepoint;
use super::unit::Unit;
use crate::asyncio::AsyncConnection;
use crate::error::{ErrorKind, Result};
use crate::query::{Query, RowLock};
use crate::value::FromRow;

/// A unit of work over an async connection: [`Session`](super::Session)'s
/// identity map, flush (batched multi-row INSERTs with RETURNING, UPDATEs
/// of changed columns, DELETEs in foreign-key order, cascades, version
/// checks) and transaction, with every call that may run SQL `async`.
///
/// It holds its connection: an [`AsyncPooled`](crate::asyncio::AsyncPooled)
/// from an engine (see [`AsyncSessionFactory`](super::AsyncSessionFactory)),
/// or a `Box` of an async connection. It is `Send` when the connection is, and so
/// are the futures of its calls: a handler can hold it across `.await` on
/// a multi-threaded runtime.
///
/// Nothing loads behind your back: relationships load with an awaited
/// call ([`related`](AsyncSession::related), or
/// [`selectin_children`](AsyncSession::selectin_children) for many
/// parents at once), never on field access, or up front with a
/// [`query`](AsyncSession::query)'s selectin and joined strategies and
/// the defaults the relationships declare.
///
/// End it with [`commit`](AsyncSession::commit),
/// [`rollback`](AsyncSession::rollback) or [`close`](AsyncSession::close).
/// Dropping the session (or a future of its calls half-way) leaves no
/// partial write either: a connection of an engine's pool is rolled back
/// as it goes back to the pool (on a task of the tokio runtime) and
/// handed out again clean; any other connection rolls the transaction
/// back before its next statement. A session whose call was dropped
/// half-way refuses further calls (its state may not match the database's);
/// drop it and take another.
///
/// ```
/// # use sqlalgebra::asyncio::prelude::*;
/// # use sqlalgebra::asyncio::AsyncBackend;
/// # use sqlalgebra::orm::{AsyncSession, Model};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// # impl Table for Users { const NAME: &'static str = "users"; type Columns = (Id, Name); type PrimaryKey = Id; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Name;
/// # impl Column for Id { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; const AUTOINCREMENT: bool = true; }
/// # impl Column for Name { type Table = Users; type SqlType = Text; const NAME: &'static str = "name"; }
/// # #[derive(Clone, Debug)] pub struct User { id: i64, name: String }
/// # impl Model for User {
/// #     type Table = Users; type Columns = (Id, Name); type Row = (i64, String); type Key = i64;
/// #     fn from_row((id, name): Self::Row) -> Self { User { id, name } }
/// #     fn values(&self) -> (&i64, &String) { (&self.id, &self.name) }
/// #     fn key(&self) -> i64 { self.id }
/// #     fn set_generated_key(&mut self, id: i64) { self.id = id; }
/// # }
/// async fn demo<B: AsyncBackend>(engine: &AsyncEngine<B>) -> sqlalgebra::Result<()> {
///     let mut s = AsyncSession::new(engine.connect().await?);
///     let bob = s.add(User { id: 0, name: "bob".into() });
///     s.flush().await?;                            // INSERT; bob's id is filled in
///     let same = s.get::<User>(s[bob].id).await?;  // no SQL: it is in the map
///     assert_eq!(same, Some(bob));
///     s[bob].name = "robert".into();               // marks it dirty
///     s.commit().await                             // UPDATE "users" SET "name" = ? ...
/// }
/// ```
pub struct AsyncSession<H>
where
    H: DerefMut + Send + 'static,
    H::Target: AsyncConnection + Sized,
{
    conn: Bridge<H>,
    map: IdentityMap<Bridge<H>>,
    rels: Relations<Bridge<H>>,
    tx: TxState,
    statements: u64,
    config: Config,
    listeners: Listeners<'static, Bridge<H>>,
    /// Set while a call that runs SQL is under way: still set at the next
    /// call when the last one's future was dropped half-way.
    busy: bool,
}

impl<H> std::fmt::Debug for AsyncSession<H>
where
    H: DerefMut + Send + 'static,
    H::Target: AsyncConnection + Sized,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncSession")
            .field("models", &self.map.arenas.len())
            .field("in_transaction", &self.tx.open)
            .field("statements", &self.statements)
            .finish()
    }
}

/// Runs a call of the shared logic: refused after a dropped call, and
/// marked busy until it completes (`$s`: the session, or a `&mut` of it).
macro_rules! run {
    ($s:ident, |$u:ident| $call:expr) => {{
        $s.enter()?;
        let mut $u = $s.unit();
        let out = $call.await;
        $s.leave();
        out
    }};
}
pub(super) use run;

impl<H> AsyncSession<H>
where
    H: DerefMut + Send + 'static,
    H::Target: AsyncConnection + Sized,
{
    /// A session over `conn` (an `AsyncPooled` connection, or a `Box` of
    /// an async connection), with expire-on-commit and autoflush on.
    pub fn new(conn: H) -> Self {
        Self::with_config(conn, Config::default())
    }

    pub(crate) fn with_config(conn: H, config: Config) -> Self {
        AsyncSession {
            conn: Bridge::new(conn),
            map: IdentityMap::new(),
            rels: Relations::new(),
            tx: TxState::new(),
            statements: 0,
            config,
            listeners: Listeners::new(),
            busy: false,
        }
    }

    pub(super) fn unit(&mut self) -> Unit<'_, Bridge<H>> {
        Unit {
            conn: &mut self.conn,
            map: &mut self.map,
            rels: &mut self.rels,
            tx: &mut self.tx,
            statements: &mut self.statements,
            config: self.config,
            listeners: &mut self.listeners,
        }
    }

    /// Marks the end of a call that [`enter`](AsyncSession::enter)ed.
    pub(super) fn leave(&mut self) {
        self.busy = false;
    }

    /// Refuses a call after one was dropped half-way; else marks the
    /// session busy.
    pub(super) fn enter(&mut self) -> Result<()> {
        if self.busy {
            return Err(ErrorKind::Transaction(
                "a call of this async session was dropped half-way; drop the session (its transaction is then rolled back) and use a new one".into(),
            ).into());
        }
        self.busy = true;
        Ok(())
    }

    /// Calls `listener` at every `event` from now on, as
    /// [`Session::listen`](super::Session::listen) does: the same events,
    /// fired by the same code in the same order. A listener is sync: it
    /// sees the session's objects ([`SessionView`]), not its I/O.
    ///
    /// ```
    /// # use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
    /// # use sqlalgebra::orm::{AsyncSession, SessionEvent};
    /// # use sqlalgebra::orm::doc_models::User;
    /// async fn demo<B: AsyncBackend>(engine: &AsyncEngine<B>) -> sqlalgebra::Result<()> {
    ///     let mut s = AsyncSession::new(engine.connect().await?);
    ///     s.listen(SessionEvent::BeforeFlush, |s| {
    ///         println!("flushing {} users", s.count::<User>());
    ///         Ok(())
    ///     });
    ///     s.commit().await
    /// }
    /// ```
    pub fn listen(
        &mut self,
        event: SessionEvent,
        listener: impl FnMut(&mut SessionView<'_, Bridge<H>>) -> Result<()> + Send + 'static,
    ) {
        self.listeners.push(event, Box::new(listener));
    }

    /// See [`Session::set_expire_on_commit`](super::Session::set_expire_on_commit).
    pub fn set_expire_on_commit(&mut self, on: bool) {
        self.config.expire_on_commit = on;
    }

    /// See [`Session::set_autoflush`](super::Session::set_autoflush).
    pub fn set_autoflush(&mut self, on: bool) {
        self.config.autoflush = on;
    }

    /// See [`Session::set_batch_size`](super::Session::set_batch_size).
    pub fn set_batch_size(&mut self, n: usize) {
        self.config.batch_size = n.max(1);
    }

    /// How many statements (queries and writes, not transaction control)
    /// the session has run.
    pub fn statement_count(&self) -> u64 {
        self.statements
    }

    /// Whether the session has opened a transaction on the connection.
    pub fn in_transaction(&self) -> bool {
        self.tx.open
    }

    /// The connection, for statements of the core algebra inside the
    /// session's transaction (see [`Session::connection`](super::Session::connection)).
    pub fn connection(&mut self) -> &mut H::Target {
        &mut self.conn.conn
    }

    /// Adds a new object; the next flush inserts it.
    pub fn add<M: Model>(&mut self, object: M) -> Handle<M> {
        let level = self.tx.current();
        Handle::from_index(self.map.arena_mut::<M>().add(object, level))
    }

    /// Adds several new objects.
    pub fn add_all<M: Model>(&mut self, objects: impl IntoIterator<Item = M>) -> Vec<Handle<M>> {
        objects.into_iter().map(|m| self.add(m)).collect()
    }

    /// Marks the object for deletion at the next flush.
    pub fn delete<M: Model>(&mut self, h: Handle<M>) {
        let level = self.tx.current();
        self.map.arena_mut::<M>().delete(h.index(), level);
    }

    /// The object, if the handle still refers to one.
    pub fn try_get<M: Model>(&self, h: Handle<M>) -> Option<&M> {
        self.map.arena::<M>()?.slot(h.slot()).map(|s| &s.value)
    }

    /// A mutable borrow that marks the object dirty, if the handle still
    /// refers to one.
    pub fn try_edit<M: Model>(&mut self, h: Handle<M>) -> Option<&mut M> {
        let level = self.tx.current();
        self.map.arena_mut::<M>().edit(h.index(), level)
    }

    /// Where the object stands.
    pub fn state<M: Model>(&self, h: Handle<M>) -> ObjectState {
        ObjectState::of(self.map.state::<M>(h.index()))
    }

    /// Whether the handle still refers to an object of the session.
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// use sqlalgebra::orm::AsyncSession;
    /// # use sqlalgebra::asyncio::AsyncBackend;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// # let conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// let mut s = AsyncSession::new(Box::new(conn));
    /// let ann = s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// assert!(s.contains(ann));
    /// s.try_take(ann);
    /// assert!(!s.contains(ann));
    /// # Ok(()) }
    /// ```
    pub fn contains<M: Model>(&self, h: Handle<M>) -> bool {
        self.try_get(h).is_some()
    }

    /// Whether the object is expired: its next load overwrites it.
    pub fn is_expired<M: Model>(&self, h: Handle<M>) -> bool {
        self.map
            .arena::<M>()
            .and_then(|a| a.slot(h.slot()))
            .is_some_and(|s| s.expired)
    }

    /// How many objects of model `M` the session holds.
    pub fn count<M: Model>(&self) -> usize {
        self.map.arena::<M>().map_or(0, Arena::len)
    }

    /// Moves the object out of the session (see
    /// [`Session::take`](super::Session::take)); `None` when the handle no
    /// longer refers to an object.
    pub fn try_take<M: Model>(&mut self, h: Handle<M>) -> Option<M> {
        self.map.arena_mut::<M>().expunge(h.index())
    }

    /// The object with primary key `key`: from the identity map without
    /// SQL when it is there (and not expired), else loaded.
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// use sqlalgebra::orm::AsyncSession;
    /// # use sqlalgebra::asyncio::AsyncBackend;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # use sqlalgebra::schema::create_table;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// # let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// # let d = conn.dialect();
    /// # for sql in create_table::<Users>().statements(d)?.into_iter().chain(create_table::<Addresses>().statements(d)?) {
    /// #     conn.batch_execute(&sql).await?;
    /// # }
    /// # insert_into(Users).values((users::Name.set("ann"), users::Status.set("new"))).execute(&mut conn).await?;
    /// # insert_into(Addresses).values((addresses::UserId.set(1), addresses::Email.set("ann@home"))).execute(&mut conn).await?;
    /// let mut s = AsyncSession::new(Box::new(conn));
    /// let ann = s.get::<User>(1).await?.expect("user 1");
    /// assert_eq!(s[ann].name, "ann");
    /// assert_eq!(s.get::<User>(1).await?, Some(ann)); // from the identity map
    /// assert_eq!(s.statement_count(), 1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the query (or the autoflush before it) fails.
    pub async fn get<M: Model>(&mut self, key: M::Key) -> Result<Option<Handle<M>>> {
        run!(self, |u| u.get_loaded(key))
    }

    /// The objects with the given keys, loading the missing ones in
    /// `IN (...)` batches.
    ///
    /// # Errors
    /// When a query fails.
    pub async fn get_many<M: Model>(&mut self, keys: &[M::Key]) -> Result<Vec<Handle<M>>> {
        run!(self, |u| u.get_many_loaded(keys))
    }

    /// The object with primary key `key`, read under
    /// `SELECT ... FOR UPDATE` whether or not the session holds it: the
    /// row stays locked until the session's transaction ends, and an
    /// unchanged copy in the session is replaced by the row as locked (see
    /// [`Session::get_for_update`](super::Session::get_for_update)).
    ///
    /// ```
    /// # use sqlalgebra::asyncio::AsyncConnection;
    /// # use sqlalgebra::orm::{AsyncSession, doc_models::*};
    /// async fn rename<C: AsyncConnection + 'static>(s: &mut AsyncSession<Box<C>>) -> sqlalgebra::Result<()> {
    ///     if let Some(u) = s.get_for_update::<User>(1).await? {
    ///         s[u].name = "ann".into(); // nobody else changes the row meanwhile
    ///     }
    ///     s.commit().await
    /// }
    /// ```
    ///
    /// # Errors
    /// As [`Session::get_for_update`](super::Session::get_for_update):
    /// [`ErrorKind::Unsupported`] on SQLite; when the query or the
    /// autoflush fails.
    pub async fn get_for_update<M: Model>(&mut self, key: M::Key) -> Result<Option<Handle<M>>> {
        self.get_with_lock(key, RowLock::update()).await
    }

    /// [`get_for_update`](AsyncSession::get_for_update) with any row lock
    /// (`FOR SHARE`, `NOWAIT`, ...).
    ///
    /// ```
    /// # use sqlalgebra::asyncio::AsyncConnection;
    /// # use sqlalgebra::orm::{AsyncSession, doc_models::*};
    /// use sqlalgebra::query::RowLock;
    /// async fn try_lock<C: AsyncConnection + 'static>(s: &mut AsyncSession<Box<C>>) -> sqlalgebra::Result<()> {
    ///     match s.get_with_lock::<User>(1, RowLock::update().nowait()).await {
    ///         Err(e) if matches!(e.kind(), sqlalgebra::ErrorKind::Conflict { .. }) => s.rollback().await, // held elsewhere
    ///         other => other.map(drop),
    ///     }
    /// }
    /// ```
    ///
    /// # Errors
    /// As [`get_for_update`](AsyncSession::get_for_update).
    pub async fn get_with_lock<M: Model>(
        &mut self,
        key: M::Key,
        lock: RowLock,
    ) -> Result<Option<Handle<M>>> {
        run!(self, |u| u.get_with_lock(key, lock))
    }

    /// Reloads the object from the database, discarding its unflushed
    /// changes.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] when its row is gone; otherwise when the query
    /// fails.
    pub async fn refresh<M: Model>(&mut self, h: Handle<M>) -> Result<()> {
        run!(self, |u| u.refresh(h))
    }

    /// Loads the objects a statement of the core algebra returns (the
    /// tour's `session.execute(select(User).where(...))`).
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// use sqlalgebra::orm::AsyncSession;
    /// # use sqlalgebra::asyncio::AsyncBackend;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # use sqlalgebra::schema::create_table;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// # let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// # let d = conn.dialect();
    /// # for sql in create_table::<Users>().statements(d)?.into_iter().chain(create_table::<Addresses>().statements(d)?) {
    /// #     conn.batch_execute(&sql).await?;
    /// # }
    /// # insert_into(Users).values((users::Name.set("ann"), users::Status.set("new"))).execute(&mut conn).await?;
    /// # insert_into(Addresses).values((addresses::UserId.set(1), addresses::Email.set("ann@home"))).execute(&mut conn).await?;
    /// let mut s = AsyncSession::new(Box::new(conn));
    /// let q = select((users::Id, users::Name, users::Status)).filter(users::Status.eq("new"));
    /// let hs = s.load::<User, _>(&q).await?;
    /// assert_eq!(s[hs[0]].name, "ann");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the statement fails or a row does not fit.
    pub async fn load<M, Q>(&mut self, statement: &Q) -> Result<Vec<Handle<M>>>
    where
        M: Model,
        Q: Query + Sync,
        M::Row: FromRow<Q::SqlType>,
    {
        run!(self, |u| u.load(statement))
    }

    /// Runs a bulk `UPDATE` or `DELETE` of `M`'s table and brings the
    /// objects of `M` the session holds up to date (SQLAlchemy's
    /// `synchronize_session`), as [`Session::execute`](super::Session::execute)
    /// does; the number of rows changed.
    ///
    /// ```
    /// # use sqlalgebra::asyncio::prelude::*;
    /// # use sqlalgebra::asyncio::AsyncConnection;
    /// # use sqlalgebra::orm::{AsyncSession, ObjectState, doc_models::*};
    /// async fn ban<C: AsyncConnection + 'static>(s: &mut AsyncSession<Box<C>>) -> sqlalgebra::Result<()> {
    ///     let h = s.get::<User>(1).await?.expect("user 1");
    ///     s.execute::<User>(&update(Users).set(users::Status.set("banned")).filter(users::Id.eq(1)))
    ///         .await?;
    ///     assert_eq!(s[h].status, "banned"); // evaluated in Rust: no extra statement
    ///     s.execute::<User>(&delete_from(Users).filter(users::Status.eq("banned"))).await?;
    ///     assert_eq!(s.state(h), ObjectState::Deleted);
    ///     Ok(())
    /// }
    /// ```
    ///
    /// # Errors
    /// As [`Session::execute_with`](super::Session::execute_with).
    pub async fn execute<M: Model>(
        &mut self,
        statement: &(impl BulkWrite<M::Table> + Sync),
    ) -> Result<u64> {
        self.execute_with::<M>(statement, Synchronize::Auto).await
    }

    /// [`execute`](AsyncSession::execute), synchronizing the session as
    /// `sync` says (see [`Session::execute_with`](super::Session::execute_with)).
    ///
    /// # Errors
    /// As [`Session::execute_with`](super::Session::execute_with).
    pub async fn execute_with<M: Model>(
        &mut self,
        statement: &(impl BulkWrite<M::Table> + Sync),
        sync: Synchronize,
    ) -> Result<u64> {
        run!(self, |u| u.execute_with::<M, _>(statement, sync))
    }

    /// Writes every pending change (see [`Session::flush`](super::Session::flush)).
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// use sqlalgebra::orm::AsyncSession;
    /// # use sqlalgebra::asyncio::AsyncBackend;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # use sqlalgebra::schema::create_table;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// # let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// # let d = conn.dialect();
    /// # for sql in create_table::<Users>().statements(d)?.into_iter().chain(create_table::<Addresses>().statements(d)?) {
    /// #     conn.batch_execute(&sql).await?;
    /// # }
    /// let mut s = AsyncSession::new(Box::new(conn));
    /// let ann = s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// s.flush().await?; // INSERT; the id is read back
    /// assert_eq!(s[ann].id, 1);
    /// assert!(s.in_transaction());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Session::flush`](super::Session::flush).
    pub async fn flush(&mut self) -> Result<()> {
        run!(self, |u| u.flush())
    }

    /// Flushes and commits (see [`Session::commit`](super::Session::commit)).
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// use sqlalgebra::orm::AsyncSession;
    /// # use sqlalgebra::asyncio::AsyncBackend;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # use sqlalgebra::schema::create_table;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// # let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// # let d = conn.dialect();
    /// # for sql in create_table::<Users>().statements(d)?.into_iter().chain(create_table::<Addresses>().statements(d)?) {
    /// #     conn.batch_execute(&sql).await?;
    /// # }
    /// let mut s = AsyncSession::new(Box::new(conn));
    /// let ann = s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// s.commit().await?; // flush, COMMIT
    /// assert!(!s.in_transaction());
    /// assert!(s.is_expired(ann));
    /// let n: i64 = select(count_star()).from(Users).get(s.connection()).await?;
    /// assert_eq!(n, 1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Session::commit`](super::Session::commit).
    pub async fn commit(&mut self) -> Result<()> {
        run!(self, |u| u.commit())
    }

    /// Rolls back and resets the session's objects (see
    /// [`Session::rollback`](super::Session::rollback)).
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// use sqlalgebra::orm::AsyncSession;
    /// # use sqlalgebra::asyncio::AsyncBackend;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # use sqlalgebra::schema::create_table;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// # let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// # let d = conn.dialect();
    /// # for sql in create_table::<Users>().statements(d)?.into_iter().chain(create_table::<Addresses>().statements(d)?) {
    /// #     conn.batch_execute(&sql).await?;
    /// # }
    /// let mut s = AsyncSession::new(Box::new(conn));
    /// let ann = s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// s.flush().await?;
    /// s.rollback().await?;
    /// assert!(s.try_get(ann).is_none()); // added since the last commit: dropped
    /// let n: i64 = select(count_star()).from(Users).get(s.connection()).await?;
    /// assert_eq!(n, 0);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the database fails to roll back; the session is reset anyway.
    pub async fn rollback(&mut self) -> Result<()> {
        run!(self, |u| u.rollback_and_fire())
    }

    /// Ends the session: rolls back what it did not commit, so that its
    /// connection goes back to the pool clean. (A session dropped with a
    /// transaction open has its pooled connection rolled back on a task
    /// of the runtime instead.)
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// use sqlalgebra::orm::AsyncSession;
    /// # use sqlalgebra::asyncio::AsyncBackend;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # use sqlalgebra::schema::create_table;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// # let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// # let d = conn.dialect();
    /// # for sql in create_table::<Users>().statements(d)?.into_iter().chain(create_table::<Addresses>().statements(d)?) {
    /// #     conn.batch_execute(&sql).await?;
    /// # }
    /// let mut s = AsyncSession::new(Box::new(conn));
    /// s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// s.flush().await?;
    /// s.close().await?; // ROLLBACK: the connection is clean again
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the database fails to roll back.
    pub async fn close(mut self) -> Result<()> {
        if self.tx.open {
            self.rollback().await
        } else {
            Ok(())
        }
    }

    /// Flushes, then opens a savepoint.
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// use sqlalgebra::orm::AsyncSession;
    /// # use sqlalgebra::asyncio::AsyncBackend;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # use sqlalgebra::schema::create_table;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// # let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// # let d = conn.dialect();
    /// # for sql in create_table::<Users>().statements(d)?.into_iter().chain(create_table::<Addresses>().statements(d)?) {
    /// #     conn.batch_execute(&sql).await?;
    /// # }
    /// let mut s = AsyncSession::new(Box::new(conn));
    /// let ann = s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// let sp = s.begin_nested().await?; // flush (INSERT ann), SAVEPOINT
    /// s.delete(ann);
    /// s.flush().await?;
    /// s.rollback_to(sp).await?;
    /// assert!(s.try_get(ann).is_some()); // not deleted after all
    /// s.commit().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the flush or the SAVEPOINT fails.
    pub async fn begin_nested(&mut self) -> Result<Savepoint> {
        run!(self, |u| u.begin_nested())
    }

    /// Flushes, then releases the savepoint.
    ///
    /// # Errors
    /// When the savepoint is no longer open, or the flush or the release
    /// fails.
    pub async fn release(&mut self, sp: Savepoint) -> Result<()> {
        run!(self, |u| u.release(sp))
    }

    /// Rolls back to the savepoint, undoing in memory what was done since.
    ///
    /// # Errors
    /// When the database fails to roll back.
    pub async fn rollback_to(&mut self, sp: Savepoint) -> Result<()> {
        run!(self, |u| u.rollback_to(sp))
    }

    /// The children of `parent`: from its loaded collection without SQL,
    /// else with one query (the explicit, awaited lazy load).
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// use sqlalgebra::orm::AsyncSession;
    /// # use sqlalgebra::asyncio::AsyncBackend;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # use sqlalgebra::schema::create_table;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// # let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// # let d = conn.dialect();
    /// # for sql in create_table::<Users>().statements(d)?.into_iter().chain(create_table::<Addresses>().statements(d)?) {
    /// #     conn.batch_execute(&sql).await?;
    /// # }
    /// # insert_into(Users).values((users::Name.set("ann"), users::Status.set("new"))).execute(&mut conn).await?;
    /// # insert_into(Addresses).values((addresses::UserId.set(1), addresses::Email.set("ann@home"))).execute(&mut conn).await?;
    /// let mut s = AsyncSession::new(Box::new(conn));
    /// let ann = s.get::<User>(1).await?.expect("user 1");
    /// let addresses = s.related::<User, Address>(ann).await?; // one SELECT
    /// assert_eq!(s[addresses[0]].email, "ann@home");
    /// assert_eq!(s.related::<User, Address>(ann).await?, addresses); // loaded: no SQL
    /// assert_eq!(s.statement_count(), 2);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::NotLoaded`] under the raise strategy; otherwise when the
    /// query fails.
    pub async fn related<P, Ch>(&mut self, parent: Handle<P>) -> Result<Vec<Handle<Ch>>>
    where
        P: HasMany<Ch>,
        Ch: BelongsTo<P>,
    {
        run!(self, |u| u.related_loaded::<P, Ch>(parent))
    }

    /// The objects linked to `source` (many-to-many), loaded on demand.
    ///
    /// # Errors
    /// As [`related`](AsyncSession::related).
    pub async fn linked<L, R>(&mut self, source: Handle<L>) -> Result<Vec<Handle<R>>>
    where
        L: ManyToMany<R>,
        R: Model,
    {
        run!(self, |u| u.linked_loaded::<L, R>(source))
    }

    /// The parent of `child` (many-to-one): from the identity map without
    /// SQL when it is there, else loaded by key.
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// use sqlalgebra::orm::AsyncSession;
    /// # use sqlalgebra::asyncio::AsyncBackend;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # use sqlalgebra::schema::create_table;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> sqlalgebra::Result<()> {
    /// # let mut conn = sqlalgebra_sqlite::AsyncSqliteManager::memory()?.connect().await?;
    /// # let d = conn.dialect();
    /// # for sql in create_table::<Users>().statements(d)?.into_iter().chain(create_table::<Addresses>().statements(d)?) {
    /// #     conn.batch_execute(&sql).await?;
    /// # }
    /// # insert_into(Users).values((users::Name.set("ann"), users::Status.set("new"))).execute(&mut conn).await?;
    /// # insert_into(Addresses).values((addresses::UserId.set(1), addresses::Email.set("ann@home"))).execute(&mut conn).await?;
    /// let mut s = AsyncSession::new(Box::new(conn));
    /// let home = s.get::<Address>(1).await?.expect("address 1");
    /// let owner = s.parent::<Address, User>(home).await?.expect("its user");
    /// assert_eq!(s[owner].name, "ann");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the query fails.
    pub async fn parent<Ch, P>(&mut self, child: Handle<Ch>) -> Result<Option<Handle<P>>>
    where
        Ch: BelongsTo<P>,
        P: Model,
    {
        let Some(key) = self.try_get(child).and_then(BelongsTo::parent_key) else {
            return Ok(None);
        };
        self.get::<P>(key).await
    }

    /// Eager loading, the selectin way (the tour's `selectinload`): the
    /// children of every parent in `parents` whose collection is not
    /// loaded yet, in one `WHERE fk IN (...)` query per batch; later
    /// [`related`](AsyncSession::related) calls answer without SQL.
    ///
    /// # Errors
    /// When the query fails.
    pub async fn selectin_children<P, Ch>(&mut self, parents: &[Handle<P>]) -> Result<()>
    where
        P: HasMany<Ch>,
        Ch: BelongsTo<P>,
    {
        let slots: Vec<u32> = parents.iter().map(|h| h.index()).collect();
        run!(self, |u| u.selectin_children::<P, Ch>(&slots, false)).map(drop)
    }
}

impl<M: Model, H> Index<Handle<M>> for AsyncSession<H>
where
    H: DerefMut + Send + 'static,
    H::Target: AsyncConnection + Sized,
{
    type Output = M;

    /// The object.
    ///
    /// # Panics
    /// When the handle no longer refers to an object (see
    /// [`AsyncSession::try_get`]).
    fn index(&self, h: Handle<M>) -> &M {
        match self.try_get(h) {
            Some(m) => m,
            None => stale(h),
        }
    }
}

impl<M: Model, H> IndexMut<Handle<M>> for AsyncSession<H>
where
    H: DerefMut + Send + 'static,
    H::Target: AsyncConnection + Sized,
{
    /// The object, marked dirty.
    ///
    /// # Panics
    /// When the handle no longer refers to an object (see
    /// [`AsyncSession::try_edit`]).
    fn index_mut(&mut self, h: Handle<M>) -> &mut M {
        match self.try_edit(h) {
            Some(m) => m,
            None => stale(h),
        }
    }
}
