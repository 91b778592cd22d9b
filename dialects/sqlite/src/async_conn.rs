//! The async SQLite connection (feature `async`): rusqlite on a thread of
//! its own per connection, so a statement never blocks the runtime's
//! workers. Commands go to the thread over a channel; rows come back in
//! small batches over a bounded channel, so a streamed query holds O(1)
//! rows.

use std::sync::Arc;

use rusqlite::types::ValueRef as SqliteValue;
use sqlalgebra::asyncio::{AsyncBackend, AsyncConnection, ConnState, RawRows, Sql};
use sqlalgebra::render::{Dialect, SqlCache};
use sqlalgebra::value::{Row, Value, ValueRef, decode_in_place};
use sqlalgebra::{Error, ErrorKind, Result};
use tokio::sync::{mpsc, oneshot};

use crate::Sqlite;
use crate::conn::{execute, query};
use crate::engine::{SqliteManager, Target, open};

/// Rows per message from the connection's thread.
const BATCH: usize = 64;
/// Messages in flight per query: with [`BATCH`], at most 128 rows are
/// buffered, however large the result.
const IN_FLIGHT: usize = 2;

/// One cell, owned: what crosses from the connection's thread.
#[derive(Debug)]
enum Cell {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// A batch of rows from the connection's thread, row after row.
struct Batch {
    columns: Arc<[String]>,
    cells: Vec<Cell>,
}

enum Command {
    Execute {
        sql: Arc<str>,
        binds: Vec<Value>,
        reply: oneshot::Sender<Result<u64>>,
    },
    Query {
        sql: Arc<str>,
        binds: Vec<Value>,
        rows: mpsc::Sender<Result<Batch>>,
    },
    Batch {
        sql: String,
        reply: oneshot::Sender<Result<()>>,
    },
    LastInsertId {
        reply: oneshot::Sender<i64>,
    },
}

/// The connection's thread: runs commands in order until the connection
/// is dropped (which closes the channel), then closes the database
/// connection, rolling back what is open.
fn serve(conn: rusqlite::Connection, mut commands: mpsc::UnboundedReceiver<Command>) {
    while let Some(command) = commands.blocking_recv() {
        match command {
            Command::Execute { sql, binds, reply } => {
                let binds: Vec<ValueRef<'_>> = binds.iter().map(Value::as_ref).collect();
                let _ = reply.send(execute(&conn, &sql, &binds));
            }
            Command::Query { sql, binds, rows } => run_query(&conn, &sql, &binds, &rows),
            Command::Batch { sql, reply } => {
                let result = if conn.is_autocommit() && sql.eq_ignore_ascii_case("ROLLBACK") {
                    // As the sync connection: a ROLLBACK that finds no
                    // transaction (SQLite ended it after an error) is fine.
                    Ok(())
                } else {
                    conn.execute_batch(&sql)
                        .map_err(|e| crate::conn::error(&sql, e))
                };
                let _ = reply.send(result);
            }
            Command::LastInsertId { reply } => {
                let _ = reply.send(conn.last_insert_rowid());
            }
        }
    }
}

/// Runs a query, sending its rows in batches until the receiver is gone.
fn run_query(
    conn: &rusqlite::Connection,
    sql: &str,
    binds: &[Value],
    out: &mpsc::Sender<Result<Batch>>,
) {
    let binds: Vec<ValueRef<'_>> = binds.iter().map(Value::as_ref).collect();
    let mut columns: Option<Arc<[String]>> = None;
    let mut cells = Vec::new();
    let mut in_batch = 0;
    let mut gone = false;
    let outcome = query(conn, sql, &binds, |row| {
        let width = row.len();
        let columns = columns
            .get_or_insert_with(|| (0..width).map(|i| row.column_name(i).to_owned()).collect());
        for i in 0..width {
            cells.push(cell(row.raw_value(i)));
        }
        in_batch += 1;
        if in_batch == BATCH {
            in_batch = 0;
            let batch = Batch {
                columns: Arc::clone(columns),
                cells: std::mem::take(&mut cells),
            };
            if out.blocking_send(Ok(batch)).is_err() {
                gone = true;
                return Ok(false);
            }
        }
        Ok(true)
    });
    if gone {
        return;
    }
    let last = match outcome {
        Ok(()) if in_batch == 0 => return,
        Ok(()) => Ok(Batch {
            columns: columns.unwrap_or_else(|| Arc::from(Vec::new())),
            cells,
        }),
        Err(e) => Err(e),
    };
    let _ = out.blocking_send(last);
}

fn cell(v: SqliteValue<'_>) -> Cell {
    match v {
        SqliteValue::Null => Cell::Null,
        SqliteValue::Integer(i) => Cell::Int(i),
        SqliteValue::Real(f) => Cell::Float(f),
        SqliteValue::Text(t) => match std::str::from_utf8(t) {
            Ok(s) => Cell::Text(s.to_owned()),
            Err(_) => Cell::Blob(t.to_vec()),
        },
        SqliteValue::Blob(b) => Cell::Blob(b.to_vec()),
    }
}

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
    fn text(&mut self, sql: Sql<'_>) -> Result<Arc<str>> {
        match sql {
            Sql::Text(t) => Ok(Arc::from(t)),
            Sql::Cached(id) => self
                .sql_cache
                .shared_sql(id)
                .ok_or_else(sqlalgebra::conn::unknown_sql_error),
        }
    }

    /// Starts a query on the thread; its batches of rows.
    fn start_query(&mut self, sql: Sql<'_>, binds: &[ValueRef<'_>]) -> Result<AsyncSqliteRows> {
        let sql = self.text(sql)?;
        let (rows, receiver) = mpsc::channel(IN_FLIGHT);
        self.send(Command::Query {
            sql,
            binds: Value::list(binds),
            rows,
        })?;
        Ok(AsyncSqliteRows {
            receiver,
            batch: None,
            at: 0,
        })
    }
}

/// A row of an [`AsyncSqliteConnection`]'s result: owned cells, read in
/// place (text is moved out, not copied, by `take_string`).
pub struct AsyncSqliteRow<'r> {
    columns: &'r [String],
    cells: &'r mut [Cell],
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
    receiver: mpsc::Receiver<Result<Batch>>,
    batch: Option<Batch>,
    at: usize,
}

impl std::fmt::Debug for AsyncSqliteRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AsyncSqliteRows")
    }
}

impl AsyncSqliteRows {
    /// Calls `f` with the next row, waiting for the next batch if needed.
    async fn next_with<T>(
        &mut self,
        f: impl FnOnce(&mut AsyncSqliteRow<'_>) -> Result<T>,
    ) -> Option<Result<T>> {
        loop {
            if let Some(batch) = &mut self.batch {
                let width = batch.columns.len();
                if width > 0 && self.at < batch.cells.len() {
                    let cells = &mut batch.cells[self.at..self.at + width];
                    self.at += width;
                    return Some(f(&mut AsyncSqliteRow {
                        columns: &batch.columns,
                        cells,
                    }));
                }
            }
            match self.receiver.recv().await? {
                Ok(batch) => {
                    self.batch = Some(batch);
                    self.at = 0;
                }
                Err(e) => return Some(Err(e)),
            }
        }
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
        self.send(Command::Execute {
            sql,
            binds: Value::list(binds),
            reply,
        })?;
        let busy = self.state.busy();
        let result = answer.await.map_err(|_| gone());
        busy.done();
        result?
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
        let mut rows = self.start_query(sql, binds)?;
        let busy = self.state.busy();
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
        outcome
    }

    async fn stream_sql(
        &mut self,
        sql: Sql<'_>,
        binds: &[ValueRef<'_>],
    ) -> Result<AsyncSqliteRows> {
        self.start_query(sql, binds)
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
