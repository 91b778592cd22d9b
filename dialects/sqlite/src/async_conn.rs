//! The async SQLite connection (feature `async`): rusqlite on a thread of
//! its own per connection (`src/async_thread.rs`), so a statement never
//! blocks the runtime's workers. Commands go to the thread over a channel;
//! a query's rows come back in batches, the first with the answer and the
//! rest (if any) over a bounded channel, so a streamed query holds O(1)
//! rows.

use std::sync::Arc;

use sqlalgebra::asyncio::{AsyncBackend, AsyncConnection, ConnState, RawRows, Sql};
use sqlalgebra::render::{Dialect, SqlCache};
use sqlalgebra::value::{Row, Value, ValueRef, decode_in_place};
use sqlalgebra::{Error, ErrorKind, Result};
use tokio::sync::{mpsc, oneshot};

use crate::Sqlite;
use crate::async_thread::{Batch, Cell, Command, First, Rest, Text, serve};
use crate::engine::{SqliteManager, Target, open};

/// One SQLite connection for async code: a thread of its own runs
/// rusqlite; this side keeps the SQL cache.
///
/// ```
/// use sqlalgebra::asyncio::prelude::*;
/// use sqlalgebra_sqlite::AsyncSqliteConnection;
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let mut c = AsyncSqliteConnection::open_in_memory().unwrap();
/// let n: i64 = text("SELECT 41 + 1").returns::<BigInt>().get(&mut c).await.unwrap();
/// assert_eq!(n, 42);
/// # });
/// ```
pub struct AsyncSqliteConnection {
    commands: mpsc::UnboundedSender<Command>,
    sql_cache: SqlCache,
    state: ConnState,
    /// A bind list and a batch's cells, empty, for the next command: the
    /// thread gives them back with its answer.
    spare_binds: Vec<Value>,
    spare_cells: Vec<Cell>,
}

impl std::fmt::Debug for AsyncSqliteConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncSqliteConnection")
            .field("state", &self.state)
            .finish()
    }
}

fn gone() -> Error {
    ErrorKind::Connection("the SQLite connection's thread has stopped".into()).into()
}

impl AsyncSqliteConnection {
    /// Moves an open rusqlite connection to a thread of its own.
    ///
    /// ```
    /// let c = sqlalgebra_sqlite::AsyncSqliteConnection::new(rusqlite::Connection::open_in_memory().unwrap()).unwrap();
    /// # drop(c);
    /// ```
    ///
    /// # Errors
    /// When the thread cannot be started.
    pub fn new(conn: rusqlite::Connection) -> Result<Self> {
        conn.set_prepared_statement_cache_capacity(128);
        let (commands, receiver) = mpsc::unbounded_channel();
        std::thread::Builder::new()
            .name("sqlalgebra-sqlite".into())
            .spawn(move || serve(conn, receiver))
            .map_err(|e| ErrorKind::Connection(Box::new(e)))?;
        Ok(AsyncSqliteConnection {
            commands,
            sql_cache: SqlCache::default(),
            state: ConnState::new(),
            spare_binds: Vec::new(),
            spare_cells: Vec::new(),
        })
    }

    /// A connection to a new private in-memory database.
    ///
    /// ```
    /// let c = sqlalgebra_sqlite::AsyncSqliteConnection::open_in_memory().unwrap();
    /// # drop(c);
    /// ```
    ///
    /// # Errors
    /// When SQLite cannot open it.
    pub fn open_in_memory() -> Result<Self> {
        let conn = rusqlite::Connection::open_in_memory()
            .map_err(|e| ErrorKind::Connection(Box::new(e)))?;
        Self::new(conn)
    }

    fn send(&self, command: Command) -> Result<()> {
        self.commands.send(command).map_err(|_| gone())
    }

    /// The text of `sql`, shared with the thread.
    fn text(&mut self, sql: Sql<'_>) -> Result<Text> {
        match sql {
            Sql::Text(t) => Ok(Text::Own(Arc::from(t))),
            Sql::Cached(id) => self
                .sql_cache
                .shared_sql(id)
                .map(|t| Text::Cached(id, t))
                .ok_or_else(sqlalgebra::conn::unknown_sql_error),
        }
    }

    /// `binds`, owned, in the spare bind list.
    fn binds(&mut self, binds: &[ValueRef<'_>]) -> Vec<Value> {
        let mut owned = std::mem::take(&mut self.spare_binds);
        // Emptied by the thread, unless the statement failed before.
        owned.clear();
        owned.extend(binds.iter().map(|v| Value::from_ref(*v)));
        owned
    }

    /// Starts a query on the thread; its answer.
    fn start_query(
        &mut self,
        sql: Sql<'_>,
        binds: &[ValueRef<'_>],
    ) -> Result<oneshot::Receiver<First>> {
        let sql = self.text(sql)?;
        let (reply, answer) = oneshot::channel();
        let binds = self.binds(binds);
        let cells = std::mem::take(&mut self.spare_cells);
        self.send(Command::Query {
            sql,
            binds,
            cells,
            reply,
        })?;
        Ok(answer)
    }
}

/// A row of an [`AsyncSqliteConnection`]'s result: owned cells, read in
/// place (text is moved out, not copied, by `take_string`).
pub struct AsyncSqliteRow<'r> {
    columns: &'r [String],
    cells: &'r mut [Cell],
    /// The rows of the whole result, when it came in one batch.
    total: Option<usize>,
}

impl Row for AsyncSqliteRow<'_> {
    #[inline]
    fn value(&self, idx: usize) -> Result<ValueRef<'_>> {
        Ok(match self.cells.get(idx) {
            Some(Cell::Null) => ValueRef::Null,
            Some(Cell::Int(i)) => ValueRef::Int(*i),
            Some(Cell::Float(f)) => ValueRef::Float(*f),
            Some(Cell::Text(t)) => ValueRef::Text(t),
            Some(Cell::Blob(b)) => ValueRef::Blob(b),
            None => {
                return Err(ErrorKind::Decode {
                    column: idx.to_string(),
                    message: format!("the row has {} columns", self.cells.len()),
                }
                .into());
            }
        })
    }

    fn column_name(&self, idx: usize) -> &str {
        self.columns.get(idx).map_or("<out of range>", |s| s)
    }

    fn len(&self) -> usize {
        self.cells.len()
    }

    /// Known when the whole result came in one batch.
    fn result_len(&self) -> Option<usize> {
        self.total
    }

    #[inline]
    fn get_i64(&self, idx: usize) -> Result<Option<i64>> {
        match self.cells.get(idx) {
            Some(Cell::Int(i)) => Ok(Some(*i)),
            Some(Cell::Null) => Ok(None),
            _ => decode_in_place(self, idx),
        }
    }

    /// Text cells are moved out.
    #[inline]
    fn take_string(&mut self, idx: usize) -> Result<Option<String>> {
        match self.cells.get_mut(idx) {
            Some(Cell::Text(t)) => Ok(Some(std::mem::take(t))),
            Some(Cell::Null) => Ok(None),
            _ => decode_in_place(self, idx),
        }
    }
}

/// The rows of a query streamed from an [`AsyncSqliteConnection`]'s thread.
pub struct AsyncSqliteRows {
    batch: Batch,
    /// Where the next row of `batch` starts.
    at: usize,
    /// The rows of the whole result, when it came in one batch.
    total: Option<usize>,
    /// The batches after the first.
    rest: Option<Rest>,
}

impl std::fmt::Debug for AsyncSqliteRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AsyncSqliteRows")
    }
}

impl AsyncSqliteRows {
    /// The rows of a query whose answer is `first` (its bind list given
    /// back to `spare_binds`).
    fn new(first: First, spare_binds: &mut Vec<Value>) -> Self {
        *spare_binds = first.binds;
        let width = first.batch.columns.len();
        let total = match first.rest {
            None if width > 0 => Some(first.batch.cells.len() / width),
            _ => None,
        };
        AsyncSqliteRows {
            batch: first.batch,
            at: 0,
            total,
            rest: first.rest,
        }
    }

    /// Calls `f` with the next row, waiting for the next batch if needed.
    async fn next_with<T>(
        &mut self,
        f: impl FnOnce(&mut AsyncSqliteRow<'_>) -> Result<T>,
    ) -> Option<Result<T>> {
        loop {
            let width = self.batch.columns.len();
            if width > 0 && self.at < self.batch.cells.len() {
                let cells = &mut self.batch.cells[self.at..self.at + width];
                self.at += width;
                return Some(f(&mut AsyncSqliteRow {
                    columns: &self.batch.columns,
                    cells,
                    total: self.total,
                }));
            }
            if let Some(e) = self.batch.failed.take() {
                return Some(Err(e));
            }
            if self.batch.last {
                return None;
            }
            // The thread stopped before the last batch.
            let rest = self.rest.as_mut()?;
            let Some(batch) = rest.batches.recv().await else {
                self.rest = None;
                self.batch.last = true;
                return Some(Err(gone()));
            };
            let done = std::mem::replace(&mut self.batch, batch);
            rest.spares.give(done.cells);
            self.at = 0;
        }
    }

    /// The first batch's cells, emptied, for the next query.
    fn into_cells(self) -> Vec<Cell> {
        let mut cells = self.batch.cells;
        cells.clear();
        cells
    }
}

impl RawRows for AsyncSqliteRows {
    type Row<'r> = AsyncSqliteRow<'r>;

    fn next_row<T, F>(&mut self, f: F) -> impl Future<Output = Option<Result<T>>> + Send
    where
        T: Send,
        F: FnOnce(&mut AsyncSqliteRow<'_>) -> Result<T> + Send,
    {
        self.next_with(f)
    }
}

impl AsyncConnection for AsyncSqliteConnection {
    type Row<'r> = AsyncSqliteRow<'r>;
    type Rows<'s> = AsyncSqliteRows;

    fn dialect(&self) -> &'static dyn Dialect {
        &Sqlite
    }

    fn sql_cache(&mut self) -> Option<&mut SqlCache> {
        Some(&mut self.sql_cache)
    }

    fn state(&mut self) -> &mut ConnState {
        &mut self.state
    }

    async fn execute_sql(&mut self, sql: Sql<'_>, binds: &[ValueRef<'_>]) -> Result<u64> {
        let sql = self.text(sql)?;
        let (reply, answer) = oneshot::channel();
        let binds = self.binds(binds);
        self.send(Command::Execute { sql, binds, reply })?;
        let busy = self.state.busy();
        let result = answer.await.map_err(|_| gone());
        busy.done();
        let (changed, binds) = result?;
        self.spare_binds = binds;
        changed
    }

    async fn query_sql<F>(
        &mut self,
        sql: Sql<'_>,
        binds: &[ValueRef<'_>],
        mut each: F,
    ) -> Result<()>
    where
        F: FnMut(&mut AsyncSqliteRow<'_>) -> Result<bool> + Send,
    {
        let answer = self.start_query(sql, binds)?;
        let busy = self.state.busy();
        let first = match answer.await {
            Ok(first) => first,
            Err(_) => {
                busy.done();
                return Err(gone());
            }
        };
        let mut rows = AsyncSqliteRows::new(first, &mut self.spare_binds);
        let mut outcome = Ok(());
        while let Some(step) = rows.next_with(&mut each).await {
            match step {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
        }
        busy.done();
        self.spare_cells = rows.into_cells();
        outcome
    }

    async fn stream_sql(
        &mut self,
        sql: Sql<'_>,
        binds: &[ValueRef<'_>],
    ) -> Result<AsyncSqliteRows> {
        let answer = self.start_query(sql, binds)?;
        let first = answer.await.map_err(|_| gone())?;
        Ok(AsyncSqliteRows::new(first, &mut self.spare_binds))
    }

    async fn batch_execute(&mut self, sql: &str) -> Result<()> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::Batch {
            sql: sql.to_owned(),
            reply,
        })?;
        let busy = self.state.busy();
        let result = answer.await.map_err(|_| gone());
        busy.done();
        result?
    }

    async fn last_insert_id(&mut self) -> Result<Option<i64>> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::LastInsertId { reply })?;
        let id = answer.await.map_err(|_| gone())?;
        Ok(Some(id).filter(|id| *id != 0))
    }
}

/// Opens [`AsyncSqliteConnection`]s for an
/// [`AsyncEngine`](sqlalgebra::asyncio::AsyncEngine): the same databases as
/// the sync [`SqliteManager`] (a file in WAL mode, or an in-memory database
/// all of the pool's connections share).
///
/// ```
/// use sqlalgebra::asyncio::prelude::*;
/// use sqlalgebra_sqlite::AsyncSqliteManager;
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let engine = AsyncEngine::build(AsyncSqliteManager::memory().unwrap(), &PoolOptions::default()).await.unwrap();
/// let mut conn = engine.connect().await.unwrap();
/// let n: i64 = text("SELECT 2").returns::<BigInt>().get(&mut *conn).await.unwrap();
/// assert_eq!(n, 2);
/// # });
/// ```
#[derive(Debug)]
pub struct AsyncSqliteManager {
    sync: SqliteManager,
}

impl AsyncSqliteManager {
    /// A manager for `target`.
    ///
    /// ```
    /// use sqlalgebra_sqlite::{AsyncSqliteManager, Target};
    /// let m = AsyncSqliteManager::new(Target::Memory("doc-async".into())).unwrap();
    /// # drop(m);
    /// ```
    ///
    /// # Errors
    /// When the database cannot be opened.
    pub fn new(target: Target) -> Result<Self> {
        Ok(AsyncSqliteManager {
            sync: SqliteManager::new(target)?,
        })
    }

    /// A manager for a new in-memory database its connections share.
    ///
    /// ```
    /// let m = sqlalgebra_sqlite::AsyncSqliteManager::memory().unwrap();
    /// # drop(m);
    /// ```
    ///
    /// # Errors
    /// When SQLite cannot open it.
    pub fn memory() -> Result<Self> {
        Self::new(Target::Memory(crate::engine::memory_name()))
    }
}

impl AsyncBackend for AsyncSqliteManager {
    type Connection = AsyncSqliteConnection;

    async fn connect(&self) -> Result<AsyncSqliteConnection> {
        // Opening a file touches the disk: on the connection's own
        // thread would be better, but it is once per pooled connection.
        open(self.sync.target()).and_then(AsyncSqliteConnection::new)
    }
}
