//! The driver of an [`AsyncPgConnection`](super::AsyncPgConnection): the
//! tokio-postgres client, its prepared-statement cache (keyed by text and
//! bind types, as the sync connection's, and by the SQL cache's slot), and
//! running statements and reading their rows as they arrive.
//!
//! What runs once per statement and connection (preparing, the unnamed
//! mode) is awaited through a box: the future of every statement, which
//! is moved when it is created and awaited, stays the size of the common
//! path.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::pin::{Pin, pin};

use sqlalgebra::Result;
use sqlalgebra::render::{FastHasher, SqlId};
use sqlalgebra::value::ValueRef;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Row, Statement};

use super::params::{Params, as_dyn};
use crate::conn::{
    PREPARE_RELEASE, PREPARE_ROLLBACK, PREPARE_SAVEPOINT, PgRow, STATEMENT_CACHE, error,
    fill_temporal, is_int, is_stale_statement, note_transaction, param_type, push_letters,
    same_letters,
};
use crate::types::{Kind, Param, params_of};

/// Everything but the SQL cache and the state, so that a statement can
/// borrow its text from the cache and mark the state busy while it runs.
pub(super) struct Driver {
    pub(super) client: Client,
    pub(super) statements: HashMap<Vec<u8>, Statement, BuildHasherDefault<FastHasher>>,
    /// The statements of the SQL cache's texts, by slot, with the letters
    /// of the binds each was prepared for: found without building and
    /// hashing a key of the text.
    slots: Vec<Option<(Box<[u8]>, Statement)>>,
    /// The generation of the SQL cache's ids the slots are for.
    slots_generation: u64,
    pub(super) key: Vec<u8>,
    pub(super) kinds: Vec<Kind>,
    pub(super) in_transaction: bool,
    /// Names the cursors of streams, unique on the connection.
    pub(super) cursors: u64,
    /// Whether statements run unnamed (see
    /// [`set_unnamed_statements`](super::AsyncPgConnection::set_unnamed_statements)).
    pub(super) unnamed: bool,
}

impl Driver {
    pub(super) fn new(client: Client) -> Self {
        Driver {
            client,
            statements: HashMap::default(),
            slots: Vec::new(),
            slots_generation: 0,
            key: Vec::new(),
            kinds: Vec::new(),
            in_transaction: false,
            cursors: 0,
            unnamed: false,
        }
    }

    /// Forgets every prepared statement.
    pub(super) fn clear_statements(&mut self) {
        self.statements.clear();
        self.slots.clear();
    }

    /// The cached statement for `sql` with binds like `binds`: by slot when
    /// the SQL cache holds `sql` at `id`, else by text and bind letters.
    /// Not found, the key of `sql` is left in `self.key`.
    #[inline]
    fn cached(
        &mut self,
        sql: &str,
        id: Option<SqlId>,
        binds: &[ValueRef<'_>],
    ) -> Option<Statement> {
        if let Some(id) = id {
            if id.generation() != self.slots_generation {
                self.slots.clear();
                self.slots_generation = id.generation();
            } else if let Some(Some((letters, statement))) = self.slots.get(id.slot())
                && same_letters(letters, binds)
            {
                return Some(statement.clone());
            }
        }
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        key.reserve(sql.len() + 1 + binds.len());
        key.extend_from_slice(sql.as_bytes());
        key.push(0);
        push_letters(&mut key, binds);
        let found = self.statements.get(&key).cloned();
        if let (Some(id), Some(statement)) = (id, &found) {
            self.keep_slot(id, &key[sql.len() + 1..], statement);
        }
        self.key = key;
        found
    }

    fn keep_slot(&mut self, id: SqlId, letters: &[u8], statement: &Statement) {
        if self.slots.len() <= id.slot() {
            self.slots.resize_with(id.slot() + 1, || None);
        }
        self.slots[id.slot()] = Some((letters.into(), statement.clone()));
    }

    /// Prepares `sql` and keeps it under the key [`cached`](Self::cached)
    /// left (and slot `id`); the cache is emptied when full.
    async fn prepare_and_keep(
        &mut self,
        sql: &str,
        id: Option<SqlId>,
        binds: &[ValueRef<'_>],
        depth: u32,
    ) -> Result<Statement> {
        let statement = self
            .prepare(sql, binds, depth)
            .await
            .map_err(|e| error(sql, e))?;
        if self.statements.len() >= STATEMENT_CACHE {
            self.clear_statements();
        }
        let key = std::mem::take(&mut self.key);
        if let Some(id) = id {
            self.keep_slot(id, &key[sql.len() + 1..], &statement);
        }
        self.statements.insert(key.clone(), statement.clone());
        self.key = key;
        Ok(statement)
    }

    /// Prepares `sql` as the sync connection prepares it: integers first
    /// typed by the server, under a savepoint inside a transaction.
    async fn prepare(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
        depth: u32,
    ) -> Result<Statement, tokio_postgres::Error> {
        let typed: Vec<Type> = params_of(binds).map(|p| param_type(&p)).collect();
        if params_of(binds).any(|p| is_int(&p)) {
            let inferred: Vec<Type> = params_of(binds)
                .zip(&typed)
                .map(|(p, t)| if is_int(&p) { Type::UNKNOWN } else { t.clone() })
                .collect();
            let guarded = depth > 0 || self.in_transaction;
            if !guarded || self.client.batch_execute(PREPARE_SAVEPOINT).await.is_ok() {
                let attempt = self.client.prepare_typed(sql, &inferred).await;
                let undo = if attempt.is_ok() {
                    PREPARE_RELEASE
                } else {
                    PREPARE_ROLLBACK
                };
                if guarded {
                    self.client.batch_execute(undo).await?;
                }
                if let Ok(s) = attempt {
                    let numeric = params_of(binds).zip(s.params()).all(|(p, t)| match p {
                        _ if !is_int(&p) => true,
                        Param::Value(_) => {
                            matches!(*t, Type::INT2 | Type::INT4 | Type::INT8 | Type::NUMERIC)
                        }
                        Param::Array(_) => matches!(
                            *t,
                            Type::INT2_ARRAY
                                | Type::INT4_ARRAY
                                | Type::INT8_ARRAY
                                | Type::NUMERIC_ARRAY
                        ),
                    });
                    if numeric {
                        return Ok(s);
                    }
                }
            }
        }
        self.client.prepare_typed(sql, &typed).await
    }

    /// Forgets the prepared forms of `sql` after the server said they no
    /// longer fit the schema; whether the statement may run again (outside
    /// a transaction only: inside, the error aborted it).
    fn stale(&mut self, sql: &str, e: &tokio_postgres::Error, depth: u32) -> bool {
        if !is_stale_statement(e) {
            return false;
        }
        // The slots do not know their texts.
        self.slots.clear();
        self.statements
            .retain(|k, _| !(k.starts_with(sql.as_bytes()) && k.get(sql.len()) == Some(&0)));
        depth == 0 && !self.in_transaction
    }

    /// Runs `sql` (at `id` in the SQL cache, if there); the rows it
    /// changed.
    pub(super) async fn execute(
        &mut self,
        sql: &str,
        id: Option<SqlId>,
        binds: &[ValueRef<'_>],
        depth: u32,
    ) -> Result<u64> {
        if self.unnamed {
            return Box::pin(self.execute_unnamed(sql, binds)).await;
        }
        let mut retried = false;
        loop {
            let statement = match self.cached(sql, id, binds) {
                Some(statement) => statement,
                None => Box::pin(self.prepare_and_keep(sql, id, binds, depth)).await?,
            };
            let params = Params::new(binds, statement.params().len());
            let done = match params.slices() {
                Ok(values) => {
                    let values = values.iter().map(as_dyn);
                    self.client.execute_raw(&statement, values).await
                }
                Err(grouped) => {
                    let grouped = grouped.iter().map(as_dyn);
                    self.client.execute_raw(&statement, grouped).await
                }
            };
            match done {
                Ok(n) => return Ok(n),
                Err(e) if !retried && self.stale(sql, &e, depth) => retried = true,
                Err(e) => return Err(error(sql, e)),
            }
        }
    }

    /// Runs the query `sql` (at `id` in the SQL cache, if there) and calls
    /// `each` with its rows as they arrive: see [`each_row`].
    pub(super) async fn query<F>(
        &mut self,
        sql: &str,
        id: Option<SqlId>,
        binds: &[ValueRef<'_>],
        depth: u32,
        each: F,
    ) -> Result<()>
    where
        F: FnMut(&mut PgRow<'_>) -> Result<bool> + Send,
    {
        if self.unnamed {
            return Box::pin(self.query_unnamed(sql, binds, each)).await;
        }
        let mut retried = false;
        let rows = loop {
            let statement = match self.cached(sql, id, binds) {
                Some(statement) => statement,
                None => Box::pin(self.prepare_and_keep(sql, id, binds, depth)).await?,
            };
            let params = Params::new(binds, statement.params().len());
            let started = match params.slices() {
                Ok(values) => start(&self.client, &statement, values.iter().map(as_dyn)).await,
                Err(grouped) => start(&self.client, &statement, grouped.iter().map(as_dyn)).await,
            };
            match started {
                Ok(rows) => {
                    self.kinds.clear();
                    self.kinds
                        .extend(statement.columns().iter().map(|c| Kind::of(c.type_())));
                    break rows;
                }
                Err(e) if !retried && self.stale(sql, &e, depth) => retried = true,
                Err(e) => return Err(error(sql, e)),
            }
        };
        each_row(rows, &mut self.kinds, true, sql, each).await
    }

    pub(super) async fn simple(&mut self, sql: &str) -> Result<()> {
        note_transaction(&mut self.in_transaction, sql);
        self.client
            .batch_execute(sql)
            .await
            .map_err(|e| error(sql, e))
    }
}

/// The rows of a statement as the driver hands them over: read as they
/// arrive with the feature `row-stream` (tokio-postgres's `RowStream`,
/// which needs the `futures-core` crate's `Stream` trait), fetched whole
/// without it.
#[cfg(feature = "row-stream")]
pub(super) type Rows = tokio_postgres::RowStream;
/// The rows of a statement as the driver hands them over: fetched whole
/// (the feature `row-stream` reads them as they arrive).
#[cfg(not(feature = "row-stream"))]
pub(super) type Rows = std::vec::IntoIter<Row>;

/// Starts `statement` with `params`: its [`Rows`].
async fn start<'p>(
    client: &Client,
    statement: &Statement,
    params: impl ExactSizeIterator<Item = &'p (dyn ToSql + Sync)>,
) -> std::result::Result<Rows, tokio_postgres::Error> {
    #[cfg(feature = "row-stream")]
    {
        client.query_raw(statement, params).await
    }
    #[cfg(not(feature = "row-stream"))]
    {
        let params: Vec<&(dyn ToSql + Sync)> = params.collect();
        client.query(statement, &params).await.map(Vec::into_iter)
    }
}

/// The next of `rows`.
async fn next(
    rows: &mut Pin<&mut Rows>,
) -> Option<std::result::Result<Row, tokio_postgres::Error>> {
    #[cfg(feature = "row-stream")]
    {
        use futures_core::Stream;
        std::future::poll_fn(|cx| rows.as_mut().poll_next(cx)).await
    }
    #[cfg(not(feature = "row-stream"))]
    {
        rows.next().map(Ok)
    }
}

/// How many rows `rows` has in all, when it is known.
fn result_len(rows: &Rows) -> Option<usize> {
    #[cfg(feature = "row-stream")]
    {
        let _ = rows;
        None
    }
    #[cfg(not(feature = "row-stream"))]
    {
        Some(rows.len())
    }
}

/// Reads the rows of `sql` as they arrive and calls `each` with every one
/// until it returns `Ok(false)` or an error; the rows after that are read
/// and dropped, so that an error of the statement's own (raised after some
/// rows were sent) is reported whatever the caller did, and the exchange
/// ends where the next statement's begins. At most one row is held at a
/// time.
///
/// `kinds` are the kinds of the columns, or with `known` false filled from
/// the first row (a statement run unnamed has no description of its own).
pub(super) async fn each_row<F>(
    rows: Rows,
    kinds: &mut Vec<Kind>,
    known: bool,
    sql: &str,
    mut each: F,
) -> Result<()>
where
    F: FnMut(&mut PgRow<'_>) -> Result<bool>,
{
    let len = result_len(&rows);
    let mut rows = pin!(rows);
    let mut known = known;
    let mut any_temporal = known && kinds.contains(&Kind::Temporal);
    let mut temporal = Vec::new();
    let mut wanted = Ok(true);
    while let Some(row) = next(&mut rows).await {
        let row = row.map_err(|e| error(sql, e))?;
        if !matches!(wanted, Ok(true)) {
            continue;
        }
        if !known {
            known = true;
            kinds.clear();
            kinds.extend(row.columns().iter().map(|c| Kind::of(c.type_())));
            any_temporal = kinds.contains(&Kind::Temporal);
        }
        if any_temporal && let Err(e) = fill_temporal(&row, kinds, &mut temporal) {
            wanted = Err(e);
            continue;
        }
        wanted = each(&mut PgRow::new(&row, kinds, &temporal, len));
    }
    wanted.map(drop)
}
