//! The identity map (one arena per model type, type-erased), the
//! connection as the session's code sees it, and loading by key.

use std::any::{Any, TypeId};

use super::arena::{Arena, State};
use super::flush::ErasedArena;
use super::model::{Cells, KeyFor, Model, ModelColumns, SqlRow};
use super::select_key::{ModelSelect, by_keys};
use crate::conn::{Connection, TxOp};
use crate::error::Result;
use crate::query::run::{SqlText, prepare};
use crate::render::{Dialect, Rendered, SqlId, SqlKey, Statement};
use crate::schema::{ColumnList, Table};
use crate::value::{FromRow, Row, ValueRef};

/// A statement the session runs: rendered, or prepared by
/// [`Db::prepare`] (its text or its id in the SQL cache, and its binds).
pub(crate) enum Sql<'r, 'a> {
    Rendered(&'r Rendered<'a>),
    Prepared(&'r SqlText, &'r [ValueRef<'a>]),
}

impl<'r, 'a> From<&'r Rendered<'a>> for Sql<'r, 'a> {
    fn from(r: &'r Rendered<'a>) -> Self {
        Sql::Rendered(r)
    }
}

/// The transaction levels of a session.
#[derive(Debug)]
pub(crate) struct TxState {
    /// Whether the session opened a level on the connection.
    pub(crate) open: bool,
    /// Journal level ids: `[0]` is the unit of work since the last commit
    /// or rollback, the others are open savepoints.
    pub(crate) levels: Vec<u64>,
    next_id: u64,
}

impl TxState {
    pub(crate) fn new() -> Self {
        TxState {
            open: false,
            levels: vec![1],
            next_id: 2,
        }
    }

    pub(crate) fn current(&self) -> u64 {
        self.levels.last().copied().unwrap_or(0)
    }

    pub(crate) fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }
}

/// The connection, seen by code that runs statements for the session: it
/// opens the transaction lazily and counts statements.
pub(crate) struct Db<'a, C: Connection> {
    pub(crate) conn: &'a mut C,
    pub(crate) tx: &'a mut TxState,
    pub(crate) statements: &'a mut u64,
}

impl<C: Connection> Db<'_, C> {
    pub(crate) fn dialect(&self) -> &'static dyn Dialect {
        self.conn.dialect()
    }

    /// Opens the session's transaction if it is not open yet.
    pub(crate) async fn begin(&mut self) -> Result<()> {
        if !self.tx.open {
            self.conn.orm_transaction(TxOp::Begin).await?;
            self.tx.open = true;
        }
        Ok(())
    }

    pub(crate) async fn execute(&mut self, r: &Rendered<'_>) -> Result<u64> {
        self.begin().await?;
        *self.statements += 1;
        self.conn.orm_execute(&r.sql, &r.binds).await
    }

    /// Runs a query without binds (a question to the server).
    pub(crate) async fn query_text<F>(&mut self, sql: &str, each: F) -> Result<()>
    where
        F: FnMut(&mut C::Row<'_>) -> Result<bool> + Send,
    {
        self.begin().await?;
        *self.statements += 1;
        self.conn.orm_query(sql, &[], each).await
    }

    /// Runs one statement once per `per_run` values of `binds`, rendering
    /// its text (`render`) only when the connection's SQL cache has none
    /// under `words`; calls `each` with the run's number and the rows it
    /// changed. Each run counts as a statement.
    pub(crate) async fn execute_many<F>(
        &mut self,
        words: &[usize],
        render: impl FnOnce() -> Result<String>,
        binds: &[ValueRef<'_>],
        per_run: usize,
        mut each: F,
    ) -> Result<()>
    where
        F: FnMut(usize, u64) -> Result<()> + Send,
    {
        self.begin().await?;
        let per_run = per_run.max(1);
        *self.statements += binds.len().div_ceil(per_run) as u64;
        match self.cached_id(words, render, per_run)? {
            Ok(id) => {
                self.conn
                    .orm_execute_cached_many(id, binds, per_run, each)
                    .await
            }
            Err(sql) => {
                for (k, run) in binds.chunks(per_run).enumerate() {
                    let n = self.conn.orm_execute(&sql, run).await?;
                    each(k, n)?;
                }
                Ok(())
            }
        }
    }

    /// [`execute_many`](Db::execute_many) for a one-row INSERT: `each`
    /// gets the run's number and the id the database assigned
    /// ([`Connection::insert_cached_many`]).
    pub(crate) async fn insert_many<F>(
        &mut self,
        words: &[usize],
        render: impl FnOnce() -> Result<String>,
        binds: &[ValueRef<'_>],
        per_run: usize,
        mut each: F,
    ) -> Result<()>
    where
        F: FnMut(usize, Option<i64>) -> Result<()> + Send,
    {
        self.begin().await?;
        let per_run = per_run.max(1);
        *self.statements += binds.len().div_ceil(per_run) as u64;
        match self.cached_id(words, render, per_run)? {
            Ok(id) => {
                self.conn
                    .orm_insert_cached_many(id, binds, per_run, each)
                    .await
            }
            Err(sql) => {
                for (k, run) in binds.chunks(per_run).enumerate() {
                    self.conn.orm_execute(&sql, run).await?;
                    let assigned = self.conn.orm_last_insert_id().await?;
                    each(k, assigned)?;
                }
                Ok(())
            }
        }
    }

    /// The id of the text cached under `words`, rendered (`render`) and
    /// cached first if need be; the text itself when the connection has no
    /// SQL cache.
    fn cached_id(
        &mut self,
        words: &[usize],
        render: impl FnOnce() -> Result<String>,
        per_run: usize,
    ) -> Result<std::result::Result<SqlId, String>> {
        let Some(cache) = self.conn.sql_cache() else {
            return Ok(Err(render()?));
        };
        Ok(Ok(match cache.get(words) {
            Some((id, _)) => id,
            None => cache.insert(words, render()?.into(), per_run),
        }))
    }

    /// [`query`](Db::query) for sync-only paths (a sharded session's
    /// fan-out), whose row callbacks hold state that is not `Send`.
    pub(crate) fn query_sync<F>(&mut self, r: &Rendered<'_>, each: F) -> Result<()>
    where
        F: FnMut(&mut C::Row<'_>) -> Result<bool>,
    {
        super::drive::block_on(self.begin())?;
        *self.statements += 1;
        self.conn.query_sql(&r.sql, &r.binds, each)
    }

    pub(crate) async fn query<'r, 'a: 'r, F>(
        &mut self,
        r: impl Into<Sql<'r, 'a>>,
        each: F,
    ) -> Result<()>
    where
        F: FnMut(&mut C::Row<'_>) -> Result<bool> + Send,
    {
        self.begin().await?;
        *self.statements += 1;
        match r.into() {
            Sql::Rendered(r) => self.conn.orm_query(&r.sql, &r.binds, each).await,
            Sql::Prepared(SqlText::Rendered(sql), binds) => {
                self.conn.orm_query(sql, binds, each).await
            }
            Sql::Prepared(SqlText::Cached(id), binds) => {
                self.conn.orm_query_cached(*id, binds, each).await
            }
        }
    }

    /// The text of `stmt` from the connection's SQL cache when the
    /// statement describes it ([`Render::sql_key`](crate::render::Render::sql_key)),
    /// else rendered, as the core's statements run; the binds are left in
    /// `key`. Debug builds check a cached text against a fresh rendering.
    pub(crate) fn prepare<'a, S: Statement>(
        &mut self,
        stmt: &'a S,
        key: &mut SqlKey<'a>,
    ) -> Result<SqlText> {
        let dialect = self.conn.dialect();
        prepare(stmt, dialect, self.conn.sql_cache(), key)
    }

    /// Runs `r` and puts every row, read as `ST`, in the arena of `M`;
    /// returns the slots in row order.
    ///
    /// Where the backend knows the result's length the arena grows once
    /// and the rows go straight in; where rows stream (SQLite, MySQL, the
    /// async PostgreSQL connection) they are read into a buffer first, so that the arena and its key index
    /// grow once instead of doubling (and rehashing) row by row.
    pub(crate) async fn load_into<'r, 'a: 'r, M, ST>(
        &mut self,
        arena: &mut Arena<M>,
        r: impl Into<Sql<'r, 'a>>,
    ) -> Result<Vec<u32>>
    where
        M: Model,
        M::Row: FromRow<ST>,
    {
        let mut slots = Vec::new();
        let mut streamed: Vec<M> = Vec::new();
        // Decided at the first row: whether the result's length is known.
        let mut straight_in = None;
        self.query(r, |row| {
            let value = M::from_row(<M::Row as FromRow<ST>>::from_row(row, 0)?);
            let known = *straight_in.get_or_insert_with(|| match row.result_len() {
                Some(n) => {
                    slots.reserve_exact(n);
                    arena.reserve(n);
                    true
                }
                None => false,
            });
            if known {
                slots.push(arena.load(value));
            } else {
                streamed.push(value);
            }
            Ok(true)
        })
        .await?;
        if !streamed.is_empty() {
            slots.reserve_exact(streamed.len());
            arena.reserve(streamed.len());
            slots.extend(streamed.into_iter().map(|value| arena.load(value)));
        }
        Ok(slots)
    }
}

/// The arenas of a session, one per model type, type-erased.
pub(crate) struct IdentityMap<C: Connection> {
    pub(crate) arenas: Vec<Box<dyn ErasedArena<C> + Send>>,
    /// The model type of each arena: a session has few, so a scan beats
    /// hashing.
    types: Vec<TypeId>,
}

impl<C: Connection> IdentityMap<C> {
    pub(crate) fn new() -> Self {
        IdentityMap {
            arenas: Vec::new(),
            types: Vec::new(),
        }
    }

    #[inline]
    fn position<M: Model>(&self) -> Option<usize> {
        let t = TypeId::of::<M>();
        self.types.iter().position(|&x| x == t)
    }

    #[inline]
    pub(crate) fn arena<M: Model>(&self) -> Option<&Arena<M>> {
        let i = self.position::<M>()?;
        let any: &dyn Any = self.arenas[i].as_any();
        any.downcast_ref()
    }

    #[inline]
    pub(crate) fn arena_mut<M: Model>(&mut self) -> &mut Arena<M> {
        let i = match self.position::<M>() {
            Some(i) => i,
            None => self.add_arena::<M>(),
        };
        let any: &mut dyn Any = self.arenas[i].as_any_mut();
        match any.downcast_mut() {
            Some(arena) => arena,
            None => unreachable!("the arena registered for a model type has that type"),
        }
    }

    /// Registers an empty arena for `M` (once per session and model
    /// type: kept out of line, so that [`arena_mut`](Self::arena_mut)
    /// inlines).
    #[cold]
    #[inline(never)]
    fn add_arena<M: Model>(&mut self) -> usize {
        self.arenas.push(Box::new(Arena::<M>::new()));
        self.types.push(TypeId::of::<M>());
        self.arenas.len() - 1
    }

    /// The database key of the object in slot `i` when the database has it.
    pub(crate) fn db_key<M: Model>(&self, i: u32) -> Option<M::Key> {
        self.arena::<M>()?.db_key(i)
    }

    pub(crate) fn state<M: Model>(&self, i: u32) -> Option<State> {
        self.arena::<M>()?.slot(i as usize).map(|s| s.state)
    }
}

/// The primary-key column names of `M`'s table.
pub(crate) fn key_names<M: Model>() -> &'static [&'static str] {
    <<M::Table as Table>::PrimaryKey as ColumnList>::NAMES
}

/// Loads the rows with the given keys into `arena`, in batches.
pub(crate) async fn load_keys<M: Model, C: Connection>(
    arena: &mut Arena<M>,
    db: &mut Db<'_, C>,
    keys: &[M::Key],
    batch: usize,
) -> Result<Vec<u32>> {
    let names = key_names::<M>();
    let per_batch = (batch / names.len().max(1)).max(1);
    let cols = M::Columns::columns();
    let mut slots = Vec::new();
    for chunk in keys.chunks(per_batch) {
        let mut cells = Cells::new();
        for k in chunk {
            k.key_cells(&mut cells);
        }
        let parts = by_keys(M::Table::NAME, names, cells, chunk.len());
        let stmt = ModelSelect::<M, _, _, _>::new(cols, &parts);
        let mut key = SqlKey::for_dialect(db.dialect());
        let text = db.prepare(&stmt, &mut key)?;
        let r = Sql::Prepared(&text, key.binds());
        slots.extend(db.load_into::<M, SqlRow<M>>(arena, r).await?);
    }
    for &i in &slots {
        if let Some(slot) = arena.slot_mut(i as usize) {
            slot.expired = false;
        }
    }
    Ok(slots)
}

/// The row with key `key`, freshly read.
pub(crate) async fn fetch_by_key<M: Model, C: Connection>(
    db: &mut Db<'_, C>,
    key: &M::Key,
) -> Result<Option<M>> {
    let cols = M::Columns::columns();
    let mut cells = Cells::new();
    key.key_cells(&mut cells);
    let parts = by_keys(M::Table::NAME, key_names::<M>(), cells, 1);
    let stmt = ModelSelect::<M, _, _, _>::new(cols, &parts);
    let mut sql_key = SqlKey::for_dialect(db.dialect());
    let text = db.prepare(&stmt, &mut sql_key)?;
    let mut fresh = None;
    db.query(Sql::Prepared(&text, sql_key.binds()), |row| {
        let values = <M::Row as FromRow<_>>::from_row(row, 0)?;
        fresh = Some(M::from_row(values));
        Ok(false)
    })
    .await?;
    Ok(fresh)
}
