//! A PostgreSQL connection implementing [`sqlalgebra::Connection`].

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use postgres::{Client, Statement};
use sqlalgebra::conn::unknown_sql_error;
use sqlalgebra::render::{Dialect, FastHasher, SqlCache, SqlId};
use sqlalgebra::value::{FromSqlValue, Row, ValueRef, decode_in_place};
use sqlalgebra::{Connection, ConstraintKind, Error, ErrorKind, Result};

use crate::Postgres;
use crate::types::{
    ArrayParam, Kind, Param, RawCell, ValueParam, decode_as, explain, params_of, temporal_text,
};

pub(crate) mod unnamed;

/// How many prepared statements each connection keeps.
pub const STATEMENT_CACHE: usize = 256;

/// The savepoint a first PREPARE runs under inside a transaction, and how
/// it ends.
pub(crate) const PREPARE_SAVEPOINT: &str = "SAVEPOINT sqlalgebra_prepare";
pub(crate) const PREPARE_RELEASE: &str = "RELEASE SAVEPOINT sqlalgebra_prepare";
pub(crate) const PREPARE_ROLLBACK: &str =
    "ROLLBACK TO SAVEPOINT sqlalgebra_prepare; RELEASE SAVEPOINT sqlalgebra_prepare";

/// A prepared statement and when it was last used (shared with the slot
/// that holds it, if any, which uses it without looking it up here).
struct Cached {
    statement: Statement,
    used: Arc<AtomicU64>,
}

/// One PostgreSQL connection, with a prepared-statement cache.
///
/// Every statement is prepared once per connection and kept (up to
/// [`STATEMENT_CACHE`] of them; the least recently used one goes first), so
/// running the same SQL again costs one round trip. A query's rows are
/// fetched whole, in one call to the driver, unless
/// [`set_stream_rows`](PgConnection::set_stream_rows) asks for them one at
/// a time.
pub struct PgConnection {
    driver: Driver,
    /// The SQL rendered for statements run before.
    sql_cache: SqlCache,
}

/// Everything of a [`PgConnection`] but its SQL cache, so that a query can
/// borrow its text from the cache while it runs.
struct Driver {
    client: Client,
    /// Keyed by the SQL, a NUL, and one letter per bind saying the type it
    /// was prepared with (see [`param_letter`]).
    cache: HashMap<Vec<u8>, Cached, BuildHasherDefault<FastHasher>>,
    /// Reused to build cache keys without allocating.
    key: Vec<u8>,
    clock: u64,
    depth: u32,
    /// The isolation level set on this connection (`None`: the server's).
    isolation: Option<sqlalgebra::IsolationLevel>,
    /// Whether a transaction is open on the server, as far as the
    /// statements run through this connection tell.
    in_transaction: bool,
    /// Whether an error said the connection is gone.
    broken: bool,
    /// Whether rows are fetched one at a time (see
    /// [`set_stream_rows`](PgConnection::set_stream_rows)).
    stream_rows: bool,
    /// Reused for the column kinds of each query.
    kinds: Vec<Kind>,
    /// The statements of the SQL cache's texts, by [`SqlId::slot`]: found
    /// without building and hashing a key of the text.
    slots: Vec<Option<SlotStatement>>,
    /// The [`SqlId::generation`] the slots are of.
    slots_generation: u64,
    /// Whether statements run unnamed, without a prepared-statement cache
    /// (see [`set_unnamed_statements`](PgConnection::set_unnamed_statements)).
    unnamed: bool,
}

/// A statement kept for a slot of the SQL cache, and the letters of the
/// binds it was prepared for (see [`param_letter`]).
struct SlotStatement {
    letters: Box<[u8]>,
    statement: Statement,
    /// The `used` of the statement's entry in the statement cache.
    used: Arc<AtomicU64>,
}

impl std::fmt::Debug for PgConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgConnection")
            .field("cached_statements", &self.driver.cache.len())
            .field("transaction_depth", &self.driver.depth)
            .field("in_transaction", &self.driver.in_transaction)
            .field("closed", &self.driver.client.is_closed())
            .finish()
    }
}

impl PgConnection {
    /// Wraps an open `postgres` client.
    ///
    /// ```no_run
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra_postgres::{PgConnection, postgres};
    /// let client = postgres::Client::connect("postgres://postgres@127.0.0.1/test", postgres::NoTls).unwrap();
    /// let mut c = PgConnection::new(client);
    /// let one: i64 = text("SELECT 1::int8").returns::<BigInt>().get(&mut c).unwrap();
    /// assert_eq!(one, 1);
    /// ```
    pub fn new(client: Client) -> Self {
        PgConnection {
            driver: Driver {
                client,
                cache: HashMap::default(),
                key: Vec::new(),
                clock: 0,
                depth: 0,
                isolation: None,
                in_transaction: false,
                broken: false,
                stream_rows: false,
                kinds: Vec::new(),
                slots: Vec::new(),
                slots_generation: 0,
                unnamed: false,
            },
            sql_cache: SqlCache::default(),
        }
    }

    /// The `postgres` client underneath.
    ///
    /// Statements run on it directly bypass the statement cache and the
    /// transaction bookkeeping of this connection.
    pub fn raw(&mut self) -> &mut Client {
        &mut self.driver.client
    }

    /// Whether queries fetch their rows one at a time as they arrive
    /// (`true`) or their whole result in one call to the driver (`false`,
    /// the default).
    ///
    /// A whole result is held in memory (as the driver's rows, about the
    /// size of the data on the wire plus ~100 bytes per row) until the
    /// query's rows have been read; fetching it costs about 40% fewer
    /// instructions per row, since the `postgres` crate enters its
    /// runtime and polls the socket once per call. Streaming keeps the
    /// memory flat for results of any size, for callers of
    /// [`Connection::query_sql`] that do not keep the rows, and stops
    /// reading early when the callback returns `Ok(false)`. Either way the
    /// server sends every row of the result.
    ///
    /// ```no_run
    /// use sqlalgebra::Connection;
    /// use sqlalgebra::value::decode_cell;
    /// use sqlalgebra_postgres::{PgConnection, postgres};
    /// let client = postgres::Client::connect("postgres://postgres@127.0.0.1/test", postgres::NoTls).unwrap();
    /// let mut c = PgConnection::new(client);
    /// c.set_stream_rows(true);
    /// let mut total = 0i64;
    /// c.query_sql("SELECT g FROM generate_series(1, 10000000) g", &[], |row| {
    ///     total += decode_cell::<i64, _>(row, 0)?;
    ///     Ok(true)
    /// })
    /// .unwrap();
    /// ```
    pub fn set_stream_rows(&mut self, on: bool) {
        self.driver.stream_rows = on;
    }

    /// Whether queries fetch their rows one at a time; see
    /// [`set_stream_rows`](PgConnection::set_stream_rows).
    pub fn stream_rows(&self) -> bool {
        self.driver.stream_rows
    }

    /// Runs every statement unnamed (`Parse`/`Bind`/`Execute` of the
    /// unnamed statement in one round trip) instead of preparing it once
    /// and keeping it: the mode for a proxy that pools by transaction, such
    /// as pgbouncer with `pool_mode = transaction`, where a statement
    /// prepared on one server connection is unknown on the next. Each
    /// statement is then parsed and planned by the server every time it
    /// runs. Integers are sent as `int8`, floats as `float8`; text, NULL
    /// and arrays of them are typed by the server from the context and
    /// sent in text format.
    ///
    /// ```no_run
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra_postgres::{PgConnection, postgres};
    /// let client = postgres::Client::connect("postgres://postgres@127.0.0.1:6440/test", postgres::NoTls).unwrap();
    /// let mut c = PgConnection::new(client);
    /// c.set_unnamed_statements(true);
    /// let n: i64 = text("SELECT 40 + :n").bind("n", 2i64).returns::<BigInt>().get(&mut c).unwrap();
    /// assert_eq!((n, c.cached_statements()), (42, 0));
    /// ```
    pub fn set_unnamed_statements(&mut self, on: bool) {
        self.driver.unnamed = on;
    }

    /// Whether statements run unnamed; see
    /// [`set_unnamed_statements`](PgConnection::set_unnamed_statements).
    pub fn unnamed_statements(&self) -> bool {
        self.driver.unnamed
    }

    /// How many prepared statements the cache holds now (at most
    /// [`STATEMENT_CACHE`]).
    pub fn cached_statements(&self) -> usize {
        self.driver.cache.len()
    }

    /// Whether the pool must not hand this connection out again: it is
    /// closed, or a transaction is still open on it.
    pub(crate) fn is_broken(&self) -> bool {
        self.driver.broken
            || self.driver.client.is_closed()
            || self.driver.depth != 0
            || self.driver.in_transaction
    }
}

impl Driver {
    /// Classifies `e`, noting a lost connection.
    fn fail(&mut self, sql: &str, e: postgres::Error) -> Error {
        let e = error(sql, e);
        if matches!(e.kind(), ErrorKind::Connection(_)) {
            self.broken = true;
        }
        e
    }

    /// The prepared statement for `sql` with binds like `binds`, from the
    /// cache or newly prepared.
    ///
    /// Integers, floats, booleans and blobs are prepared with their own
    /// type (`int8`, `float8`, `bool`, `bytea`), and so are decimals,
    /// UUIDs, dates and times (`numeric`, `uuid`, `date`, `time`,
    /// `timestamp`, `timestamptz`), so `SELECT $1` or `$1 + $2` mean what
    /// the Rust values say; text and NULL are left to the server to infer
    /// from the context, so a string can fill a `date` or `json` column.
    ///
    /// `id` is where the SQL cache holds `sql`, if it does: the statement
    /// is then also kept for that slot, and found there next time without
    /// building and hashing a key of the text.
    fn statement(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
        id: Option<SqlId>,
    ) -> Result<Statement> {
        self.clock += 1;
        if let Some(id) = id
            && let Some(statement) = self.by_slot(id, binds)
        {
            return Ok(statement);
        }
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        key.reserve(sql.len() + 1 + binds.len());
        key.extend_from_slice(sql.as_bytes());
        key.push(0);
        let letters = key.len();
        push_letters(&mut key, binds);
        let found = self.cache.get(key.as_slice()).map(|c| {
            c.used.store(self.clock, Ordering::Relaxed);
            (c.statement.clone(), id.map(|_| Arc::clone(&c.used)))
        });
        let (statement, used) = match found {
            Some(found) => found,
            None => match self.prepare_and_keep(sql, binds, &key) {
                Ok((statement, used)) => (statement, Some(used)),
                Err(e) => {
                    self.key = key;
                    return Err(e);
                }
            },
        };
        if let (Some(id), Some(used)) = (id, used) {
            if self.slots.len() <= id.slot() {
                self.slots.resize_with(id.slot() + 1, || None);
            }
            self.slots[id.slot()] = Some(SlotStatement {
                letters: key[letters..].into(),
                statement: statement.clone(),
                used,
            });
        }
        self.key = key;
        Ok(statement)
    }

    /// The statement kept for slot `id` if it was prepared for binds like
    /// `binds`.
    #[inline]
    fn by_slot(&mut self, id: SqlId, binds: &[ValueRef<'_>]) -> Option<Statement> {
        if id.generation() != self.slots_generation {
            self.slots.clear();
            self.slots_generation = id.generation();
            return None;
        }
        let kept = self.slots.get(id.slot())?.as_ref()?;
        let mut letters = std::mem::take(&mut self.key);
        letters.clear();
        push_letters(&mut letters, binds);
        let same = *kept.letters == *letters;
        self.key = letters;
        if !same {
            return None;
        }
        kept.used.store(self.clock, Ordering::Relaxed);
        Some(kept.statement.clone())
    }

    /// Prepares `sql` for `binds` and caches it under `key`, closing the
    /// least recently used statement when the cache is full; the statement
    /// and its entry's `used`.
    fn prepare_and_keep(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
        key: &[u8],
    ) -> Result<(Statement, Arc<AtomicU64>)> {
        let statement = match self.prepare(sql, binds) {
            Ok(s) => s,
            Err(e) => return Err(self.fail(sql, e)),
        };
        if self.cache.len() >= STATEMENT_CACHE {
            let oldest = self
                .cache
                .iter()
                .min_by_key(|(_, c)| c.used.load(Ordering::Relaxed))
                .map(|(k, _)| k.clone());
            if let Some(evicted) = oldest.and_then(|k| self.cache.remove(&k)) {
                // Dropping the last handle closes it on the server.
                for slot in &mut self.slots {
                    if slot
                        .as_ref()
                        .is_some_and(|s| Arc::ptr_eq(&s.used, &evicted.used))
                    {
                        *slot = None;
                    }
                }
            }
        }
        let used = Arc::new(AtomicU64::new(self.clock));
        self.cache.insert(
            key.to_vec(),
            Cached {
                statement: statement.clone(),
                used: Arc::clone(&used),
            },
        );
        Ok((statement, used))
    }

    /// Prepares `sql` for binds like `binds`.
    ///
    /// Integers are first left to the server to type from the context, so
    /// that `int4_column IN ($1, ..)` compares `int4` with `int4`: with
    /// `int8` parameters PostgreSQL cannot hash the list and tests every
    /// row against every value (20 times slower for 1 000 values). When the
    /// server cannot tell (`SELECT $1`, `$1 + $2`) or picks a non-numeric
    /// type, they are prepared as `int8`. Inside a transaction the first
    /// attempt runs under a savepoint, since a failed PREPARE would abort
    /// the transaction; this costs two round trips, once per statement and
    /// connection (the statement is cached).
    fn prepare(&mut self, sql: &str, binds: &[ValueRef<'_>]) -> Result<Statement, postgres::Error> {
        let typed: Vec<Type> = params_of(binds).map(|p| param_type(&p)).collect();
        if params_of(binds).any(|p| is_int(&p)) {
            let inferred: Vec<Type> = params_of(binds)
                .zip(&typed)
                .map(|(p, t)| if is_int(&p) { Type::UNKNOWN } else { t.clone() })
                .collect();
            let guarded = self.depth > 0 || self.in_transaction;
            if !guarded || self.client.batch_execute(PREPARE_SAVEPOINT).is_ok() {
                let attempt = self.client.prepare_typed(sql, &inferred);
                let undo = if attempt.is_ok() {
                    PREPARE_RELEASE
                } else {
                    PREPARE_ROLLBACK
                };
                if guarded {
                    self.client.batch_execute(undo)?;
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
        self.client.prepare_typed(sql, &typed)
    }

    /// Forgets every prepared form of `sql`.
    fn forget(&mut self, sql: &str) {
        // The slots do not know their texts.
        self.slots.clear();
        self.cache
            .retain(|k, _| !(k.starts_with(sql.as_bytes()) && k.get(sql.len()) == Some(&0)));
    }

    /// Prepares `sql` (from the cache) and calls `op` with the client and
    /// the statement. When the server says the cached statement no longer
    /// fits the schema, it is prepared again and, outside a transaction,
    /// `op` runs once more.
    ///
    /// `id` is where the SQL cache holds `sql`, if it does (the rendered
    /// statements of this crate, none of which opens or closes a
    /// transaction).
    fn with_statement<T>(
        &mut self,
        (sql, id): (&str, Option<SqlId>),
        binds: &[ValueRef<'_>],
        mut op: impl FnMut(&mut Client, &Statement) -> Result<T, Failure>,
    ) -> Result<T> {
        if id.is_none() {
            note_transaction(&mut self.in_transaction, sql);
        }
        let mut retried = false;
        loop {
            let statement = self.statement(sql, binds, id)?;
            match op(&mut self.client, &statement) {
                Ok(n) => return Ok(n),
                Err(Failure::Caller(e)) => return Err(e),
                Err(Failure::Driver(e)) => {
                    if is_stale_statement(&e) {
                        // The schema changed under the cached statement:
                        // prepare it again. Inside a transaction the error
                        // has aborted it, so only a statement on its own is
                        // run again.
                        self.forget(sql);
                        if !retried && self.depth == 0 && !self.in_transaction {
                            retried = true;
                            continue;
                        }
                    }
                    return Err(self.fail(sql, e));
                }
            }
        }
    }

    /// Runs `sql` and returns the number of rows it changed (or returned,
    /// for a query), reading any rows it returns to the end.
    fn execute(&mut self, sql: (&str, Option<SqlId>), binds: &[ValueRef<'_>]) -> Result<u64> {
        if self.unnamed {
            return self.execute_unnamed(sql.0, binds);
        }
        self.with_statement(sql, binds, |client, statement| {
            with_params(binds, statement.params().len(), |params| {
                client.execute(statement, params)
            })
            .map_err(Failure::Driver)
        })
    }

    /// Runs `sql` and calls `each` with every row until it returns
    /// `Ok(false)`.
    ///
    /// The whole result is fetched in one call to the driver (see
    /// [`set_stream_rows`](PgConnection::set_stream_rows) for the other
    /// way). Each row is read with its columns' [`Kind`]s.
    fn query<F>(
        &mut self,
        sql: (&str, Option<SqlId>),
        binds: &[ValueRef<'_>],
        mut each: F,
    ) -> Result<()>
    where
        F: FnMut(&mut PgRow<'_>) -> Result<bool>,
    {
        if self.unnamed {
            return self.query_unnamed(sql.0, binds, each);
        }
        let stream = self.stream_rows;
        let mut kinds = std::mem::take(&mut self.kinds);
        let mut temporal = Vec::new();
        let outcome = self.with_statement(sql, binds, |client, statement| {
            kinds.clear();
            kinds.extend(statement.columns().iter().map(|c| Kind::of(c.type_())));
            let any_temporal = kinds.contains(&Kind::Temporal);
            let mut one = |row: &postgres::Row, total: Option<usize>| {
                if any_temporal {
                    fill_temporal(row, &kinds, &mut temporal)?;
                }
                each(&mut PgRow {
                    row,
                    kinds: &kinds,
                    temporal: &temporal,
                    total,
                })
            };
            if stream {
                let mut rows = with_params(binds, statement.params().len(), |params| {
                    client.query_raw(statement, params.iter().copied())
                })
                .map_err(Failure::Driver)?;
                while let Some(row) = rows.next().map_err(Failure::Driver)? {
                    if !one(&row, None).map_err(Failure::Caller)? {
                        break;
                    }
                }
            } else {
                let rows = with_params(binds, statement.params().len(), |params| {
                    client.query(statement, params)
                })
                .map_err(Failure::Driver)?;
                for row in &rows {
                    if !one(row, Some(rows.len())).map_err(Failure::Caller)? {
                        break;
                    }
                }
            }
            Ok(())
        });
        self.kinds = kinds;
        outcome
    }

    fn simple(&mut self, sql: &str) -> Result<()> {
        note_transaction(&mut self.in_transaction, sql);
        match self.client.batch_execute(sql) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.fail(sql, e)),
        }
    }
}

/// Calls `f` with `binds` as the driver's parameter list (an array marker
/// and its elements are one parameter); up to 16 parameters live on the
/// stack.
///
/// `params` is how many parameters the statement has: a bind list of
/// exactly that many values holds no array with elements and binds value by
/// value (a lone marker binds as an empty array; see [`ValueParam`]).
fn with_params<T>(
    binds: &[ValueRef<'_>],
    params: usize,
    f: impl FnOnce(&[&(dyn ToSql + Sync)]) -> T,
) -> T {
    const ON_STACK: usize = 16;
    const NULL: ValueParam<'static> = ValueParam(ValueRef::Null);
    if binds.is_empty() {
        f(&[])
    } else if binds.len() != params {
        with_grouped_params(binds, f)
    } else if binds.len() <= ON_STACK {
        let mut params = [NULL; ON_STACK];
        for (p, b) in params.iter_mut().zip(binds) {
            *p = ValueParam(*b);
        }
        let mut refs: [&(dyn ToSql + Sync); ON_STACK] = [&NULL; ON_STACK];
        for (r, p) in refs.iter_mut().zip(&params) {
            *r = p;
        }
        f(&refs[..binds.len()])
    } else {
        let params: Vec<ValueParam<'_>> = binds.iter().map(|b| ValueParam(*b)).collect();
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        f(&refs)
    }
}

/// [`with_params`] for a bind list that holds arrays.
#[inline(never)]
fn with_grouped_params<T>(
    binds: &[ValueRef<'_>],
    f: impl FnOnce(&[&(dyn ToSql + Sync)]) -> T,
) -> T {
    let grouped: Vec<Param<'_>> = params_of(binds).collect();
    let mut values = Vec::new();
    let mut arrays = Vec::new();
    for p in &grouped {
        match *p {
            Param::Value(v) => values.push(ValueParam(v)),
            Param::Array(elements) => arrays.push(ArrayParam(elements)),
        }
    }
    let (mut v, mut a) = (values.iter(), arrays.iter());
    let refs: Vec<&(dyn ToSql + Sync)> = grouped
        .iter()
        .filter_map(|p| match p {
            Param::Value(_) => v.next().map(|x| x as _),
            Param::Array(_) => a.next().map(|x| x as _),
        })
        .collect();
    f(&refs)
}

/// Where a failure of [`PgConnection::run`] came from.
enum Failure {
    Driver(postgres::Error),
    Caller(Error),
}

/// Whether `e` says a cached statement no longer fits the schema (or was
/// deallocated behind our back).
pub(crate) fn is_stale_statement(e: &postgres::Error) -> bool {
    match e.as_db_error() {
        Some(db) => {
            (*db.code() == SqlState::FEATURE_NOT_SUPPORTED && db.message().contains("cached plan"))
                || *db.code() == SqlState::INVALID_SQL_STATEMENT_NAME
        }
        None => false,
    }
}

/// Tracks whether a transaction is open from the statements that open and
/// close one (`BEGIN`/`START TRANSACTION`, `COMMIT`/`END`/`ROLLBACK`/`ABORT`).
/// Other statements, and scripts of several statements, leave it as it is.
pub(crate) fn note_transaction(open: &mut bool, sql: &str) {
    let head = sql.trim_start();
    let first = &head[..head.bytes().take_while(u8::is_ascii_alphabetic).count()];
    let is = |w: &str| first.eq_ignore_ascii_case(w);
    let opens = is("BEGIN") || is("START");
    let closes = is("COMMIT") || is("END") || is("ABORT") || is("ROLLBACK");
    if !opens && !closes {
        // Most statements: told by their first word alone.
        return;
    }
    let sql = head.trim_end().trim_end_matches(';').trim_end();
    if sql.contains(';') {
        return;
    }
    if opens {
        *open = true;
    } else if !is("ROLLBACK")
        || !sql
            .split_ascii_whitespace()
            .nth(1)
            .is_some_and(|w| w.eq_ignore_ascii_case("TO"))
    {
        *open = false;
    }
}

/// A `postgres` driver error, as the source of a sqlalgebra [`Error`].
///
/// It prints what the driver's own error leaves to its source: the
/// server's message (`ERROR: duplicate key value violates unique
/// constraint ...`, with DETAIL and HINT), or why a parameter could not be
/// bound. [`driver`](PgError::driver) and [`code`](PgError::code) give the
/// details.
///
/// ```no_run
/// use std::error::Error as _;
/// use sqlalgebra_postgres::{PgError, postgres::error::SqlState};
/// # fn demo(err: sqlalgebra::Error) {
/// if let Some(pg) = err.source().and_then(|s| s.downcast_ref::<PgError>()) {
///     if pg.code() == Some(&SqlState::UNDEFINED_TABLE) {
///         println!("no such table");
///     }
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct PgError(postgres::Error);

impl PgError {
    /// The driver's error.
    pub fn driver(&self) -> &postgres::Error {
        &self.0
    }

    /// The server's SQLSTATE code, when the server reported the error.
    pub fn code(&self) -> Option<&SqlState> {
        self.0.code()
    }
}

impl std::fmt::Display for PgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::error::Error as _;
        if let Some(db) = self.0.as_db_error() {
            return write!(f, "{db}");
        }
        write!(f, "{}", self.0)?;
        if let Some(cause) = self.0.source() {
            write!(f, ": {cause}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PgError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// Turns a `postgres` error into a sqlalgebra one: constraint violations,
/// conflicts with concurrent transactions and lost connections get their
/// own variants; the source is a [`PgError`].
pub(crate) fn error(sql: &str, e: postgres::Error) -> Error {
    if e.is_closed() {
        return ErrorKind::Connection(Box::new(PgError(e))).into();
    }
    let Some(db) = e.as_db_error() else {
        return Error::query(sql, PgError(e));
    };
    let code = db.code();
    let kind = if *code == SqlState::UNIQUE_VIOLATION {
        Some(ConstraintKind::Unique)
    } else if *code == SqlState::FOREIGN_KEY_VIOLATION {
        Some(ConstraintKind::ForeignKey)
    } else if *code == SqlState::NOT_NULL_VIOLATION {
        Some(ConstraintKind::NotNull)
    } else if *code == SqlState::CHECK_VIOLATION {
        Some(ConstraintKind::Check)
    } else {
        None
    };
    if let Some(kind) = kind {
        // NOT NULL has no constraint name; name the column as SQLite does.
        let constraint = db.constraint().map(str::to_owned).or_else(|| {
            db.column()
                .map(|c| format!("{}.{c}", db.table().unwrap_or("?")))
        });
        return ErrorKind::Constraint {
            kind,
            constraint,
            sql: sql.to_owned(),
            source: Box::new(PgError(e)),
        }
        .into();
    }
    if *code == SqlState::T_R_SERIALIZATION_FAILURE
        || *code == SqlState::T_R_DEADLOCK_DETECTED
        || *code == SqlState::LOCK_NOT_AVAILABLE
    {
        return ErrorKind::Conflict {
            sql: sql.to_owned(),
            source: Box::new(PgError(e)),
        }
        .into();
    }
    // Class 08 (connection exception) and the server ending this session
    // (57P01..57P03).
    if code.code().starts_with("08")
        || *code == SqlState::ADMIN_SHUTDOWN
        || *code == SqlState::CRASH_SHUTDOWN
        || *code == SqlState::CANNOT_CONNECT_NOW
    {
        return ErrorKind::Connection(Box::new(PgError(e))).into();
    }
    Error::query(sql, PgError(e))
}

/// A result row, read in place: each cell is decoded from the driver's
/// buffer without copying text or bytes.
pub struct PgRow<'r> {
    row: &'r postgres::Row,
    /// How each column is decoded.
    kinds: &'r [Kind],
    /// The row's `date`, `time`, `timestamp` and `timestamptz` cells as
    /// text, by column (empty when the row has none).
    temporal: &'r [Option<String>],
    /// How many rows the result has, when it was fetched whole.
    total: Option<usize>,
}

/// Writes the `date`, `time`, `timestamp` and `timestamptz` cells of `row`
/// (the columns of [`Kind::Temporal`]) into `out` as text (see
/// [`temporal_text`]): a `ValueRef` cannot borrow text that the binary
/// format does not hold. `out` is left empty for a row without any.
pub(crate) fn fill_temporal(
    row: &postgres::Row,
    kinds: &[Kind],
    out: &mut Vec<Option<String>>,
) -> Result<()> {
    out.clear();
    for (idx, column) in row.columns().iter().enumerate() {
        if kinds.get(idx) != Some(&Kind::Temporal) {
            continue;
        }
        let decode_error = |message: String| ErrorKind::Decode {
            column: column.name().to_owned(),
            message,
        };
        let cell = row
            .try_get::<_, RawCell<'_>>(idx)
            .map_err(|e| decode_error(e.to_string()))?;
        if let Some(text) = cell.0.and_then(|raw| temporal_text(column.type_(), raw)) {
            if out.is_empty() {
                out.resize(row.len(), None);
            }
            out[idx] = Some(text.map_err(decode_error)?);
        }
    }
    Ok(())
}

#[cfg(feature = "async")]
impl<'r> PgRow<'r> {
    /// A row read with its columns' kinds and temporal text.
    pub(crate) fn new(
        row: &'r postgres::Row,
        kinds: &'r [Kind],
        temporal: &'r [Option<String>],
        total: Option<usize>,
    ) -> Self {
        PgRow {
            row,
            kinds,
            temporal,
            total,
        }
    }
}

impl std::fmt::Debug for PgRow<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgRow")
            .field("columns", &self.row.len())
            .finish()
    }
}

impl PgRow<'_> {
    /// The cell at `idx` when it is not a plain binary one: a temporal
    /// cell, or `idx` out of range.
    #[cold]
    fn other_value(&self, idx: usize) -> Result<ValueRef<'_>> {
        if let Some(Some(text)) = self.temporal.get(idx) {
            return Ok(ValueRef::Text(text));
        }
        if idx >= self.kinds.len() {
            return Err(ErrorKind::Decode {
                column: idx.to_string(),
                message: format!("the row has only {} columns", self.row.len()),
            }
            .into());
        }
        // A NULL temporal cell, or an error.
        self.binary_value(Kind::Unsupported, idx)
    }

    /// The error for a cell the driver could not hand over, or that
    /// [`decode_as`] could not decode.
    #[cold]
    fn decode_error(&self, kind: Kind, idx: usize, driver: Option<postgres::Error>) -> Error {
        let message = match driver {
            Some(e) => e.to_string(),
            None => {
                let raw = self
                    .row
                    .try_get::<_, RawCell<'_>>(idx)
                    .ok()
                    .and_then(|c| c.0);
                explain(
                    kind,
                    self.row.columns()[idx].type_(),
                    raw.unwrap_or_default(),
                )
            }
        };
        ErrorKind::Decode {
            column: self.column_name(idx).to_owned(),
            message,
        }
        .into()
    }

    /// The kind and raw bytes (`None` for NULL) of a cell in binary
    /// format; `None` for a temporal cell, an index out of range, or a
    /// cell the driver cannot hand over.
    #[inline]
    fn raw(&self, idx: usize) -> Option<(Kind, Option<&[u8]>)> {
        match self.kinds.get(idx) {
            Some(&kind) if kind != Kind::Temporal => {
                match self.row.try_get::<_, RawCell<'_>>(idx) {
                    Ok(cell) => Some((kind, cell.0)),
                    Err(_) => None,
                }
            }
            _ => None,
        }
    }

    /// The cell at `idx` as `decode` reads it from its kind and bytes,
    /// `None` for NULL; a cell `decode` refuses (another kind, a wrong
    /// length) goes through [`value`](Row::value), which converts it or
    /// names the error.
    #[inline]
    fn fixed_width<T: FromSqlValue>(
        &self,
        idx: usize,
        decode: impl FnOnce(Kind, &[u8]) -> Option<T>,
    ) -> Result<Option<T>> {
        match self.raw(idx) {
            Some((_, None)) => Ok(None),
            Some((kind, Some(raw))) => match decode(kind, raw) {
                Some(v) => Ok(Some(v)),
                None => decode_in_place(self, idx),
            },
            None => decode_in_place(self, idx),
        }
    }

    #[inline]
    fn binary_value(&self, kind: Kind, idx: usize) -> Result<ValueRef<'_>> {
        match self.row.try_get::<_, RawCell<'_>>(idx) {
            Ok(cell) => match decode_as(kind, cell.0) {
                Some(v) => Ok(v),
                None => Err(self.decode_error(kind, idx, None)),
            },
            Err(e) => Err(self.decode_error(kind, idx, Some(e))),
        }
    }
}

impl Row for PgRow<'_> {
    #[inline]
    fn value(&self, idx: usize) -> Result<ValueRef<'_>> {
        match self.kinds.get(idx) {
            Some(&kind) if kind != Kind::Temporal => self.binary_value(kind, idx),
            _ => self.other_value(idx),
        }
    }

    fn column_name(&self, idx: usize) -> &str {
        self.row
            .columns()
            .get(idx)
            .map_or("<out of range>", |c| c.name())
    }

    fn len(&self) -> usize {
        self.row.len()
    }

    /// The length of a result fetched whole (not with
    /// [`set_stream_rows`](crate::PgConnection::set_stream_rows)).
    #[inline]
    fn result_len(&self) -> Option<usize> {
        self.total
    }

    /// Whether the driver's raw cell is absent: nothing is decoded.
    #[inline]
    fn is_null(&self, idx: usize) -> bool {
        matches!(self.row.try_get::<_, RawCell<'_>>(idx), Ok(RawCell(None)))
    }

    /// An `int2`, `int4` or `int8` cell decoded straight from its bytes;
    /// anything else through [`value`](Row::value).
    #[inline]
    fn get_i64(&self, idx: usize) -> Result<Option<i64>> {
        self.fixed_width(idx, |kind, raw| match kind {
            Kind::Int4 => raw
                .try_into()
                .ok()
                .map(|b| i64::from(i32::from_be_bytes(b))),
            Kind::Int8 => raw.try_into().ok().map(i64::from_be_bytes),
            Kind::Int2 => raw
                .try_into()
                .ok()
                .map(|b| i64::from(i16::from_be_bytes(b))),
            _ => None,
        })
    }

    /// A `float8` or `float4` cell decoded straight from its bytes;
    /// anything else through [`value`](Row::value).
    #[inline]
    fn get_f64(&self, idx: usize) -> Result<Option<f64>> {
        self.fixed_width(idx, |kind, raw| match kind {
            Kind::Float8 => raw.try_into().ok().map(f64::from_be_bytes),
            Kind::Float4 => raw
                .try_into()
                .ok()
                .map(|b| f64::from(f32::from_be_bytes(b))),
            _ => None,
        })
    }

    /// The elements of an array cell, decoded from its binary format.
    fn array_elements(&mut self, idx: usize, each: &mut dyn FnMut(ValueRef<'_>)) -> Result<bool> {
        let cell = self
            .row
            .try_get::<_, RawCell<'_>>(idx)
            .map_err(|e| self.decode_error(Kind::Unsupported, idx, Some(e)))?;
        let Some(raw) = cell.0 else {
            return Ok(false);
        };
        let ty = self.row.columns()[idx].type_();
        crate::array::for_each_element(ty, raw, each).map_err(|message| ErrorKind::Decode {
            column: self.column_name(idx).to_owned(),
            message,
        })?;
        Ok(true)
    }

    /// A text cell copied straight from its bytes once it is checked to be
    /// UTF-8; anything else through [`value`](Row::value).
    #[inline]
    fn take_string(&mut self, idx: usize) -> Result<Option<String>> {
        match self.raw(idx) {
            Some((_, None)) => Ok(None),
            Some((Kind::Text, Some(raw))) => match std::str::from_utf8(raw) {
                Ok(s) => Ok(Some(s.to_owned())),
                Err(_) => decode_in_place(self, idx),
            },
            _ => decode_in_place(self, idx),
        }
    }
}

impl Connection for PgConnection {
    type Row<'r> = PgRow<'r>;
    type Backend = Postgres;

    fn dialect(&self) -> &'static dyn Dialect {
        &Postgres
    }

    fn execute_sql(&mut self, sql: &str, binds: &[ValueRef<'_>]) -> Result<u64> {
        self.driver.execute((sql, None), binds)
    }

    /// Runs the text where the SQL cache holds it, with the statement kept
    /// for its slot.
    fn execute_cached(&mut self, id: SqlId, binds: &[ValueRef<'_>]) -> Result<u64> {
        let sql = self.sql_cache.sql(id).ok_or_else(unknown_sql_error)?;
        self.driver.execute((sql, Some(id)), binds)
    }

    /// Runs the text where the SQL cache holds it, with the statement kept
    /// for its slot.
    fn query_cached<F>(&mut self, id: SqlId, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut PgRow<'_>) -> Result<bool>,
    {
        let sql = self.sql_cache.sql(id).ok_or_else(unknown_sql_error)?;
        self.driver.query((sql, Some(id)), binds, each)
    }

    fn query_sql<F>(&mut self, sql: &str, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut PgRow<'_>) -> Result<bool>,
    {
        self.driver.query((sql, None), binds, each)
    }

    fn batch_execute(&mut self, sql: &str) -> Result<()> {
        self.driver.simple(sql)
    }

    fn transaction_depth(&mut self) -> &mut u32 {
        &mut self.driver.depth
    }

    fn isolation_setting(&mut self) -> Option<&mut Option<sqlalgebra::IsolationLevel>> {
        Some(&mut self.driver.isolation)
    }

    /// [`set_stream_rows`](PgConnection::set_stream_rows).
    fn set_row_streaming(&mut self, on: bool) -> bool {
        std::mem::replace(&mut self.driver.stream_rows, on)
    }

    fn sql_cache(&mut self) -> Option<&mut SqlCache> {
        Some(&mut self.sql_cache)
    }

    /// `lastval()`: the value the last `nextval` of this session returned
    /// (identity and serial columns draw from sequences); `None` when no
    /// sequence was used yet. Inside a transaction the question is asked
    /// under a savepoint, so that "not yet defined" does not abort it.
    fn last_insert_id(&mut self) -> Result<Option<i64>> {
        const SQL: &str = "SELECT lastval()";
        let guarded = self.driver.depth > 0 || self.driver.in_transaction;
        if guarded {
            self.driver.simple("SAVEPOINT sqlalgebra_lastval")?;
        }
        let statement = self.driver.statement(SQL, &[], None)?;
        let outcome = self
            .driver
            .client
            .query_one(&statement, &[])
            .and_then(|row| row.try_get::<_, i64>(0));
        match outcome {
            Ok(id) => {
                if guarded {
                    self.driver.simple("RELEASE SAVEPOINT sqlalgebra_lastval")?;
                }
                Ok(Some(id))
            }
            Err(e) if e.code() == Some(&SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE) => {
                if guarded {
                    self.driver.simple(
                        "ROLLBACK TO SAVEPOINT sqlalgebra_lastval; \
                         RELEASE SAVEPOINT sqlalgebra_lastval",
                    )?;
                }
                Ok(None)
            }
            Err(e) => Err(self.driver.fail(SQL, e)),
        }
    }
}

impl From<postgres::Error> for PgError {
    fn from(e: postgres::Error) -> Self {
        PgError(e)
    }
}

/// The type a scalar bind is prepared with.
fn value_type(v: &ValueRef<'_>) -> Type {
    match v {
        ValueRef::Int(_) => Type::INT8,
        ValueRef::Float(_) => Type::FLOAT8,
        ValueRef::Bool(_) => Type::BOOL,
        ValueRef::Blob(_) => Type::BYTEA,
        ValueRef::Decimal { .. } => Type::NUMERIC,
        ValueRef::Uuid(_) => Type::UUID,
        ValueRef::Date(_) => Type::DATE,
        ValueRef::Time(_) => Type::TIME,
        ValueRef::Timestamp(_) => Type::TIMESTAMP,
        ValueRef::TimestampTz(_) => Type::TIMESTAMPTZ,
        _ => Type::UNKNOWN,
    }
}

/// The array type of elements of type `of`, or `unknown`.
fn array_type(of: &Type) -> Type {
    match *of {
        Type::INT8 => Type::INT8_ARRAY,
        Type::FLOAT8 => Type::FLOAT8_ARRAY,
        Type::BOOL => Type::BOOL_ARRAY,
        Type::BYTEA => Type::BYTEA_ARRAY,
        Type::NUMERIC => Type::NUMERIC_ARRAY,
        Type::UUID => Type::UUID_ARRAY,
        Type::DATE => Type::DATE_ARRAY,
        Type::TIME => Type::TIME_ARRAY,
        Type::TIMESTAMP => Type::TIMESTAMP_ARRAY,
        Type::TIMESTAMPTZ => Type::TIMESTAMPTZ_ARRAY,
        _ => Type::UNKNOWN,
    }
}

/// The first element of an array that is not NULL: it decides the type the
/// array is prepared with.
fn first_element<'a>(elements: &[ValueRef<'a>]) -> ValueRef<'a> {
    elements
        .iter()
        .copied()
        .find(|e| !matches!(e, ValueRef::Null))
        .unwrap_or(ValueRef::Null)
}

/// The type a parameter is prepared with: its value's, or the array type
/// of its elements' (text and NULL left to the server to infer).
pub(crate) fn param_type(p: &Param<'_>) -> Type {
    match p {
        Param::Value(v) => value_type(v),
        Param::Array(elements) => array_type(&value_type(&first_element(elements))),
    }
}

/// Whether a parameter holds integers, which are first left to the server
/// to type (see [`PgConnection::prepare`]).
pub(crate) fn is_int(p: &Param<'_>) -> bool {
    match p {
        Param::Value(v) => matches!(v, ValueRef::Int(_)),
        Param::Array(elements) => matches!(first_element(elements), ValueRef::Int(_)),
    }
}

/// The letter of a parameter's [`param_type`] in statement cache keys
/// (upper case for an array).
fn param_letter(p: &Param<'_>) -> u8 {
    match p {
        Param::Value(v) => value_letter(v),
        Param::Array(elements) => value_letter(&first_element(elements)).to_ascii_uppercase(),
    }
}

/// What [`value_letter`] gives an array marker: no parameter type letter
/// is `A` (arrays have the upper case of their elements').
const ARRAY_LETTER: u8 = b'A';

/// Appends a letter per parameter of `binds` (see [`param_letter`]): what
/// a statement is prepared for besides its text.
pub(crate) fn push_letters(out: &mut Vec<u8>, binds: &[ValueRef<'_>]) {
    let start = out.len();
    out.extend(binds.iter().map(value_letter));
    if out[start..].contains(&ARRAY_LETTER) {
        // One letter per parameter, not per value.
        out.truncate(start);
        out.extend(params_of(binds).map(|p| param_letter(&p)));
    }
}

/// Whether `letters` (from [`push_letters`]) are those of `binds`,
/// compared in place.
#[cfg(feature = "async")]
#[inline]
pub(crate) fn same_letters(letters: &[u8], binds: &[ValueRef<'_>]) -> bool {
    // An array marker's letter is no parameter's: a list with arrays
    // compares parameter by parameter.
    if letters.len() == binds.len()
        && binds
            .iter()
            .zip(letters)
            .all(|(b, l)| value_letter(b) == *l)
    {
        return true;
    }
    binds.iter().any(|b| matches!(b, ValueRef::Array(_)))
        && params_of(binds)
            .map(|p| param_letter(&p))
            .eq(letters.iter().copied())
}

/// The letter of a scalar bind's [`value_type`].
fn value_letter(v: &ValueRef<'_>) -> u8 {
    match v {
        ValueRef::Array(_) => ARRAY_LETTER,
        ValueRef::Int(_) => b'i',
        ValueRef::Float(_) => b'f',
        ValueRef::Bool(_) => b'b',
        ValueRef::Blob(_) => b'y',
        ValueRef::Decimal { .. } => b'n',
        ValueRef::Uuid(_) => b'g',
        ValueRef::Date(_) => b'd',
        ValueRef::Time(_) => b't',
        ValueRef::Timestamp(_) => b's',
        ValueRef::TimestampTz(_) => b'z',
        _ => b'u',
    }
}

#[cfg(test)]
mod tests {
    use super::note_transaction;

    fn after(open: bool, sql: &str) -> bool {
        let mut open = open;
        note_transaction(&mut open, sql);
        open
    }

    #[test]
    fn transaction_statements_are_tracked() {
        assert!(after(false, "BEGIN"));
        assert!(after(false, "  begin isolation level serializable; "));
        assert!(after(false, "START TRANSACTION"));
        assert!(!after(true, "COMMIT"));
        assert!(!after(true, "end;"));
        assert!(!after(true, "ROLLBACK"));
        assert!(!after(true, "abort"));
        // Savepoints and scripts leave it alone.
        assert!(after(true, "ROLLBACK TO SAVEPOINT sp"));
        assert!(after(true, "RELEASE SAVEPOINT sp"));
        assert!(!after(false, "BEGIN; COMMIT"));
        assert!(!after(false, "SELECT 1"));
    }

    /// The letters a statement was kept under, compared in place with a
    /// bind list: the same as building the bind list's letters.
    #[cfg(feature = "async")]
    #[test]
    fn letters_compare_in_place() {
        use super::{push_letters, same_letters};
        use sqlalgebra::value::ValueRef;
        let lists: [&[ValueRef<'_>]; 6] = [
            &[],
            &[ValueRef::Int(1), ValueRef::Text("a")],
            &[ValueRef::Null, ValueRef::Text("a")],
            &[ValueRef::Int(1), ValueRef::Float(1.5)],
            &[ValueRef::Array(2), ValueRef::Int(1), ValueRef::Int(2)],
            &[ValueRef::Array(1), ValueRef::Text("x"), ValueRef::Int(3)],
        ];
        for (i, kept) in lists.iter().enumerate() {
            let mut letters = Vec::new();
            push_letters(&mut letters, kept);
            for (j, binds) in lists.iter().enumerate() {
                assert_eq!(
                    same_letters(&letters, binds),
                    i == j,
                    "{kept:?} vs {binds:?}"
                );
            }
        }
    }
}
