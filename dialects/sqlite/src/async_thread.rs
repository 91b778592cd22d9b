//! The thread of an async SQLite connection (`src/async_conn.rs`): it runs
//! the connection's commands in order, on statements kept by slot of the
//! SQL cache as the sync connection keeps them, and answers each query
//! with its rows in batches of owned cells.
//!
//! A query's first batch comes back over a oneshot, the same as the
//! answer to any other command: a result that fits in it (most) needs no
//! other channel. Only when there are more rows does the answer carry a
//! bounded channel for the rest, so a streamed query holds O(1) rows. The
//! query stops as soon as its receiver is gone (a dropped stream or
//! future), at the next batch. The cells' vectors go back and forth: the
//! connection hands its last query's to the next, and the batches after
//! the first return theirs through [`Spares`], so that a query allocates
//! no batch (large allocations are what cost most in `malloc`).

use std::sync::{Arc, Mutex};

use rusqlite::StatementStatus;
use rusqlite::types::ValueRef as SqliteValue;
use sqlalgebra::render::SqlId;
use sqlalgebra::value::Value;
use sqlalgebra::{Error, Result};
use tokio::sync::{mpsc, oneshot};

use crate::Held;
use crate::conn::{bind_all, error, run};

/// Rows per batch: most results fit in the first.
const BATCH: usize = 256;
/// Batches in flight after the first: with [`BATCH`], at most 1 024 rows
/// are buffered (the first batch, two in the channel, one being filled),
/// however large the result.
const IN_FLIGHT: usize = 2;
/// Emptied batches kept for reuse, at most.
const SPARES: usize = IN_FLIGHT + 2;

/// One cell, owned: what crosses from the connection's thread.
#[derive(Debug)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// A statement's column names, and how many times SQLite had prepared it
/// anew (after a schema change) when they were read: kept with the
/// statement, so a query does not read and copy them every time.
pub(crate) struct Columns {
    reprepared: i32,
    names: Arc<[String]>,
}

/// Rows of a query, row after row, and what follows them.
pub(crate) struct Batch {
    pub(crate) columns: Arc<[String]>,
    pub(crate) cells: Vec<Cell>,
    /// The error that ended the query after these rows.
    pub(crate) failed: Option<Error>,
    /// No batch follows.
    pub(crate) last: bool,
}

/// The answer to a query: its first batch, the rest of the rows when
/// there are more, and the bind list given back for the next command.
pub(crate) struct First {
    pub(crate) batch: Batch,
    pub(crate) rest: Option<Rest>,
    pub(crate) binds: Vec<Value>,
}

/// The batches after the first, and where their emptied cells go.
pub(crate) struct Rest {
    pub(crate) batches: mpsc::Receiver<Batch>,
    pub(crate) spares: Spares,
}

/// Emptied batches of a connection, shared by its thread (which fills
/// them again) and its rows (which empty them).
#[derive(Clone, Default)]
pub(crate) struct Spares(Arc<Mutex<Vec<Vec<Cell>>>>);

impl Spares {
    /// Keeps `cells`, emptied, unless enough are kept.
    pub(crate) fn give(&self, mut cells: Vec<Cell>) {
        cells.clear();
        if let Ok(mut kept) = self.0.lock()
            && kept.len() < SPARES
        {
            kept.push(cells);
        }
    }

    /// An empty batch with room for `cells` cells.
    fn take(&self, cells: usize) -> Vec<Cell> {
        let spare = self.0.lock().ok().and_then(|mut kept| kept.pop());
        let mut spare = spare.unwrap_or_default();
        spare.reserve(cells);
        spare
    }
}

/// A statement's text: the SQL cache's (with its slot), or its own.
pub(crate) enum Text {
    Cached(SqlId, Arc<str>),
    Own(Arc<str>),
}

impl Text {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Text::Cached(_, text) | Text::Own(text) => text,
        }
    }
}

pub(crate) enum Command {
    /// Runs a statement; answers the rows changed and the bind list.
    Execute {
        sql: Text,
        binds: Vec<Value>,
        reply: oneshot::Sender<(Result<u64>, Vec<Value>)>,
    },
    /// Runs a query, its rows going into `cells` first.
    Query {
        sql: Text,
        binds: Vec<Value>,
        cells: Vec<Cell>,
        reply: oneshot::Sender<First>,
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
/// connection (its statements first), rolling back what is open.
pub(crate) fn serve(conn: rusqlite::Connection, mut commands: mpsc::UnboundedReceiver<Command>) {
    let mut held = Held::new(conn);
    let spares = Spares::default();
    while let Some(command) = commands.blocking_recv() {
        match command {
            Command::Execute {
                sql,
                mut binds,
                reply,
            } => {
                let text = sql.as_str();
                let changed = held.with_kept(&sql, |conn, stmt, _| run(conn, stmt, text, &binds));
                binds.clear();
                let _ = reply.send((changed, binds));
            }
            Command::Query {
                sql,
                binds,
                cells,
                reply,
            } => {
                let mut answer = Answer {
                    first: Some(reply),
                    rest: None,
                    spares: &spares,
                    binds,
                    columns: None,
                    width: 0,
                    cells,
                    rows: 0,
                };
                let text = sql.as_str();
                let outcome = held.with_kept(&sql, |_, stmt, kept| answer.run(stmt, text, kept));
                answer.end(outcome.err());
            }
            Command::Batch { sql, reply } => {
                let conn = held.conn();
                let result = if conn.is_autocommit() && sql.eq_ignore_ascii_case("ROLLBACK") {
                    // As the sync connection: a ROLLBACK that finds no
                    // transaction (SQLite ended it after an error) is fine.
                    Ok(())
                } else {
                    conn.execute_batch(&sql).map_err(|e| error(&sql, e))
                };
                let _ = reply.send(result);
            }
            Command::LastInsertId { reply } => {
                let _ = reply.send(held.conn().last_insert_rowid());
            }
        }
    }
}

/// The thread's side of one query's answer.
struct Answer<'s> {
    /// Until the first batch is sent.
    first: Option<oneshot::Sender<First>>,
    /// After it, when there are more rows.
    rest: Option<mpsc::Sender<Batch>>,
    spares: &'s Spares,
    binds: Vec<Value>,
    /// The column names, and how many, once there is a row.
    columns: Option<Arc<[String]>>,
    width: usize,
    /// The rows of the batch being filled.
    cells: Vec<Cell>,
    rows: usize,
}

impl Answer<'_> {
    /// Runs the prepared query `stmt` (whose text is `sql` and whose column
    /// names are `kept`), batching its rows; `Ok` also when the receiver
    /// went away and the query stopped.
    fn run(
        &mut self,
        stmt: &mut rusqlite::Statement<'_>,
        sql: &str,
        kept: &mut Option<Columns>,
    ) -> Result<()> {
        bind_all(stmt, sql, &self.binds)?;
        // SQLite copied the values.
        self.binds.clear();
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next().map_err(|e| error(sql, e))? {
            if self.columns.is_none() {
                // After the first step: a schema change prepares the
                // statement anew there.
                let names = columns(row.as_ref(), kept);
                self.width = names.len();
                self.columns = Some(names);
            }
            if self.rows == BATCH && !self.send(false, None) {
                return Ok(());
            }
            for i in 0..self.width {
                self.cells
                    .push(cell(row.get_ref(i).unwrap_or(SqliteValue::Null)));
            }
            self.rows += 1;
        }
        Ok(())
    }

    /// Sends the last batch (with `failed`, the error that ended the
    /// query), unless the receiver went away.
    fn end(mut self, failed: Option<Error>) {
        if self.first.is_some() || self.rest.is_some() {
            self.send(true, failed);
        }
    }

    /// Sends the rows gathered; `false` when the receiver is gone.
    fn send(&mut self, last: bool, failed: Option<Error>) -> bool {
        let cells = if last {
            std::mem::take(&mut self.cells)
        } else {
            std::mem::replace(&mut self.cells, self.spares.take(self.width * BATCH))
        };
        self.rows = 0;
        let batch = Batch {
            columns: self
                .columns
                .clone()
                .unwrap_or_else(|| Arc::from(Vec::new())),
            cells,
            failed,
            last,
        };
        if let Some(first) = self.first.take() {
            let rest = if last {
                None
            } else {
                let (sender, batches) = mpsc::channel(IN_FLIGHT);
                self.rest = Some(sender);
                Some(Rest {
                    batches,
                    spares: self.spares.clone(),
                })
            };
            let binds = std::mem::take(&mut self.binds);
            if first.send(First { batch, rest, binds }).is_ok() {
                return true;
            }
        } else if let Some(rest) = &self.rest
            && rest.blocking_send(batch).is_ok()
        {
            return true;
        }
        self.rest = None;
        false
    }
}

/// The column names of `stmt`, from `kept` unless SQLite prepared the
/// statement anew since they were read.
fn columns(stmt: &rusqlite::Statement<'_>, kept: &mut Option<Columns>) -> Arc<[String]> {
    let reprepared = stmt.get_status(StatementStatus::RePrepare);
    if let Some(k) = kept.as_ref().filter(|k| k.reprepared == reprepared) {
        return Arc::clone(&k.names);
    }
    let names: Arc<[String]> = (0..stmt.column_count())
        .map(|i| stmt.column_name(i).unwrap_or_default().to_owned())
        .collect();
    *kept = Some(Columns {
        reprepared,
        names: Arc::clone(&names),
    });
    names
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The column names of the first row of `stmt`.
    fn first_names(
        stmt: &mut rusqlite::Statement<'_>,
        kept: &mut Option<Columns>,
    ) -> Arc<[String]> {
        let mut rows = stmt.raw_query();
        let row = rows.next().expect("a step").expect("a row");
        columns(row.as_ref(), kept)
    }

    #[test]
    fn kept_column_names_follow_a_schema_change() {
        let conn = rusqlite::Connection::open_in_memory().expect("a database");
        conn.execute_batch("CREATE TABLE t (a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'x')")
            .expect("a table");
        let mut stmt = conn.prepare("SELECT * FROM t").expect("a statement");
        let mut kept = None;
        let names = first_names(&mut stmt, &mut kept);
        assert_eq!(&*names, ["a", "b"]);
        // Kept: the same names, not read again.
        assert!(Arc::ptr_eq(&names, &first_names(&mut stmt, &mut kept)));
        // SQLite prepares the statement anew at its next step: new names.
        conn.execute_batch("ALTER TABLE t RENAME COLUMN a TO z")
            .expect("a rename");
        assert_eq!(&*first_names(&mut stmt, &mut kept), ["z", "b"]);
    }
}
