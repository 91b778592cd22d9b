//! A MySQL / MariaDB connection implementing [`sqlalgebra::Connection`].

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use mysql::consts::ColumnType;
use mysql::prelude::Queryable;
use mysql::{DriverError, Params, Value};
use sqlalgebra::conn::unknown_sql_error;
use sqlalgebra::render::{Dialect, FastHasher, SqlCache, SqlId};
use sqlalgebra::value::{Row, ValueRef, decode_in_place};
use sqlalgebra::{Connection, ConstraintKind, Error, ErrorKind, Result};

use crate::Mysql;

/// The character set number MySQL reports for binary strings (`BLOB`,
/// `BINARY`, `VARBINARY`).
const BINARY_CHARSET: u16 = 63;

/// One MySQL or MariaDB connection.
///
/// Statements run as server-side prepared statements, kept in a cache (128
/// per connection unless the URL says `stmt_cache_size=N`; the least
/// recently used one is closed when it is full): a statement seen before is
/// executed without being prepared again.
pub struct MysqlConnection {
    conn: mysql::Conn,
    /// The connection's own statement cache, when the driver's is off (as
    /// on the connections [`MysqlManager`](crate::MysqlManager) opens); else
    /// statements go through the driver's cache.
    statements: Option<StatementCache>,
    depth: u32,
    /// The isolation level set on this connection (`None`: the server's).
    isolation: Option<sqlalgebra::IsolationLevel>,
    /// A statement failed in a way that means the connection is gone.
    broken: bool,
    /// `BEGIN` / `START TRANSACTION` ran through
    /// [`batch_execute`](Connection::batch_execute) without a matching
    /// `COMMIT` or `ROLLBACK` yet.
    open_transaction: bool,
    /// The SQL rendered for statements run before.
    sql_cache: SqlCache,
    /// The server's dialect ([`Mysql`] or [`MariaDb`](crate::MariaDb)),
    /// found when the connection is wrapped and never changed after: the
    /// texts in `sql_cache` are all rendered for it.
    dialect: &'static dyn Dialect,
}

impl std::fmt::Debug for MysqlConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MysqlConnection")
            .field("connection_id", &self.conn.connection_id())
            .field("transaction_depth", &self.depth)
            .field("broken", &self.broken)
            .finish()
    }
}

impl MysqlConnection {
    /// Wraps an open driver connection. Prefer
    /// [`open`](MysqlConnection::open) or an [`Engine`](sqlalgebra::Engine),
    /// which also set the session up (strict mode, `utf8mb4`).
    ///
    /// Asks the server's version (`SELECT VERSION()`) to pick its dialect
    /// ([`for_server_version`](crate::for_server_version)): MariaDB from
    /// 10.5 on then runs INSERT and DELETE ... RETURNING.
    ///
    /// ```no_run
    /// use sqlalgebra_mysql::{MysqlConnection, mysql};
    /// let raw = mysql::Conn::new(mysql::Opts::from_url("mysql://root@127.0.0.1/test").unwrap()).unwrap();
    /// let conn = MysqlConnection::new(raw);
    /// ```
    pub fn new(mut conn: mysql::Conn) -> Self {
        // The handshake's version does not say MariaDB when the server
        // announces itself as `5.5.5-10.x-MariaDB`: ask. A server that
        // cannot answer is taken for MySQL, which allows the least.
        let dialect = match conn.query_first::<String, _>("SELECT VERSION()") {
            Ok(Some(version)) => crate::for_server_version(&version),
            _ => &Mysql,
        };
        MysqlConnection {
            conn,
            dialect,
            statements: None,
            depth: 0,
            isolation: None,
            broken: false,
            open_transaction: false,
            sql_cache: SqlCache::default(),
        }
    }

    /// Wraps a driver connection whose own statement cache is off
    /// (`stmt_cache_size` 0), keeping up to `capacity` prepared statements
    /// itself.
    ///
    /// The driver's cache parses every statement for named parameters
    /// before it looks it up; this one finds a statement by its text alone.
    pub(crate) fn with_statement_cache(conn: mysql::Conn, capacity: usize) -> Self {
        let mut c = Self::new(conn);
        c.statements = Some(StatementCache::new(capacity));
        c
    }

    /// One connection, outside any pool, set up as the engine's are.
    ///
    /// ```no_run
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra_mysql::MysqlConnection;
    /// let mut c = MysqlConnection::open("mysql://root@127.0.0.1:3306/test").unwrap();
    /// let one: i64 = text("SELECT 1").returns::<BigInt>().get(&mut c).unwrap();
    /// assert_eq!(one, 1);
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Connection`] when the URL is malformed or the server cannot
    /// be reached.
    pub fn open(url: &str) -> Result<Self> {
        crate::MysqlManager::new(url)?.open()
    }

    /// The driver connection underneath (for its `connection_id()`, say).
    ///
    /// ```no_run
    /// # let c = sqlalgebra_mysql::MysqlConnection::open("mysql://root@127.0.0.1/test").unwrap();
    /// println!("server thread {}", c.raw().connection_id());
    /// ```
    pub fn raw(&self) -> &mysql::Conn {
        &self.conn
    }

    /// Whether the connection is known to be unusable: it was lost, or it
    /// was left inside a transaction. The pool discards such connections.
    ///
    /// ```no_run
    /// # let c = sqlalgebra_mysql::MysqlConnection::open("mysql://root@127.0.0.1/test").unwrap();
    /// assert!(!c.is_broken());
    /// ```
    pub fn is_broken(&self) -> bool {
        self.broken || self.depth > 0 || self.open_transaction
    }

    /// Sends a ping to the server.
    pub(crate) fn ping(&mut self) -> Result<()> {
        let result = self
            .conn
            .ping()
            .map_err(|e| ErrorKind::Connection(Box::new(e)).into());
        self.note(result)
    }

    /// Remembers that the connection is gone when `result` says so.
    fn note<T>(&mut self, result: Result<T>) -> Result<T> {
        if matches!(
            result.as_ref().map_err(Error::kind),
            Err(ErrorKind::Connection(_))
        ) {
            self.broken = true;
        }
        result
    }

    /// Follows `BEGIN` / `COMMIT` / `ROLLBACK` run as plain SQL, so that a
    /// connection handed back to the pool inside a transaction is not reused.
    fn note_transaction_control(&mut self, sql: &str) {
        if let Some(open) = transaction_control(sql) {
            self.open_transaction = open;
        }
    }
}

/// Whether `sql` opens a transaction (`Some(true)`), ends one
/// (`Some(false)`), or neither.
pub(crate) fn transaction_control(sql: &str) -> Option<bool> {
    let mut words = sql
        .split(|c: char| c.is_whitespace() || c == ';')
        .filter(|w| !w.is_empty());
    let first = words.next()?;
    let second = words.next().unwrap_or("");
    if first.eq_ignore_ascii_case("BEGIN")
        || (first.eq_ignore_ascii_case("START") && second.eq_ignore_ascii_case("TRANSACTION"))
    {
        Some(true)
    } else if first.eq_ignore_ascii_case("COMMIT")
        || (first.eq_ignore_ascii_case("ROLLBACK") && !second.eq_ignore_ascii_case("TO"))
    {
        Some(false)
    } else {
        None
    }
}

/// Prepared statements by SQL text, the least recently used closed first;
/// those of texts in the SQL cache also by their [`SqlId`] slot.
struct StatementCache {
    map: HashMap<Box<str>, Cached, BuildHasherDefault<FastHasher>>,
    capacity: usize,
    clock: u64,
    /// The statements of the SQL cache's texts, by [`SqlId::slot`]: found
    /// without hashing the text. Clones of entries of `map`, sharing their
    /// `used`.
    slots: Vec<Option<Cached>>,
    /// The [`SqlId::generation`] the slots are of.
    slots_generation: u64,
}

/// A prepared statement and when it was last used (shared with the slot
/// that holds it, if any, which uses it without looking it up in `map`).
#[derive(Clone)]
struct Cached {
    statement: mysql::Statement,
    used: Arc<AtomicU64>,
}

impl StatementCache {
    fn new(capacity: usize) -> Self {
        StatementCache {
            map: HashMap::default(),
            capacity,
            clock: 0,
            slots: Vec::new(),
            slots_generation: 0,
        }
    }

    /// The statement kept for `id`, if any.
    #[inline]
    fn by_slot(&mut self, id: SqlId) -> Option<mysql::Statement> {
        if id.generation() != self.slots_generation {
            self.slots.clear();
            self.slots_generation = id.generation();
            return None;
        }
        let kept = self.slots.get(id.slot())?.as_ref()?;
        kept.used.store(self.clock, Ordering::Relaxed);
        Some(kept.statement.clone())
    }

    /// Keeps `cached` (an entry of `map`) for `id`.
    fn keep(&mut self, id: SqlId, cached: Cached) {
        if self.slots.len() <= id.slot() {
            self.slots.resize_with(id.slot() + 1, || None);
        }
        self.slots[id.slot()] = Some(cached);
    }

    /// Removes the least recently used statement (used through its text or
    /// its slot) from the cache and its slot, to be closed.
    fn evict(&mut self) -> Option<mysql::Statement> {
        let oldest = self
            .map
            .iter()
            .min_by_key(|(_, c)| c.used.load(Ordering::Relaxed))
            .map(|(k, _)| k.clone())?;
        let evicted = self.map.remove(&oldest)?;
        for slot in &mut self.slots {
            if slot
                .as_ref()
                .is_some_and(|c| Arc::ptr_eq(&c.used, &evicted.used))
            {
                *slot = None;
            }
        }
        Some(evicted.statement)
    }
}

/// The prepared statement for `sql` (the text the SQL cache holds under
/// `id`, if any): from `cache`, or prepared now (and kept, closing the
/// least recently used one when the cache is full).
fn statement(
    conn: &mut mysql::Conn,
    cache: Option<&mut StatementCache>,
    sql: &str,
    id: Option<SqlId>,
) -> Result<mysql::Statement> {
    let Some(cache) = cache else {
        return conn.prep(sql).map_err(|e| error(sql, e));
    };
    cache.clock += 1;
    if let Some(id) = id
        && let Some(statement) = cache.by_slot(id)
    {
        return Ok(statement);
    }
    if let Some(c) = cache.map.get(sql) {
        c.used.store(cache.clock, Ordering::Relaxed);
        let statement = c.statement.clone();
        if let Some(id) = id {
            let c = c.clone();
            cache.keep(id, c);
        }
        return Ok(statement);
    }
    let statement = conn.prep(sql).map_err(|e| error(sql, e))?;
    if cache.capacity == 0 {
        return Ok(statement);
    }
    let cached = Cached {
        statement: statement.clone(),
        used: Arc::new(AtomicU64::new(cache.clock)),
    };
    cache.map.insert(sql.into(), cached.clone());
    if let Some(id) = id {
        cache.keep(id, cached);
    }
    if cache.map.len() > cache.capacity
        && let Some(evicted) = cache.evict()
    {
        conn.close(evicted).map_err(|e| error(sql, e))?;
    }
    Ok(statement)
}

/// Converts the binds into driver values.
///
/// MySQL and MariaDB cannot store NaN or an infinity; binding one is an
/// error rather than a silent change of the data.
pub(crate) fn params(sql: &str, binds: &[ValueRef<'_>]) -> Result<Params> {
    if binds.is_empty() {
        return Ok(Params::Empty);
    }
    let mut out = Vec::with_capacity(binds.len());
    for (i, v) in binds.iter().enumerate() {
        out.push(match *v {
            ValueRef::Null => Value::NULL,
            ValueRef::Int(n) => Value::Int(n),
            ValueRef::Float(f) if !f.is_finite() => {
                return Err(Error::query(
                    sql,
                    format!(
                        "bind #{}: MySQL/MariaDB cannot store the float {f} (only finite values)",
                        i + 1
                    ),
                ));
            }
            ValueRef::Float(f) => Value::Double(f),
            ValueRef::Bool(b) => Value::Int(i64::from(b)),
            ValueRef::Text(s) => Value::Bytes(s.as_bytes().to_vec()),
            ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
            // Only PostgreSQL's rendering writes array parameters.
            ValueRef::Array(_) => {
                return Err(ErrorKind::Unsupported {
                    dialect: "mysql",
                    feature: "array bind parameters",
                }
                .into());
            }
            // Decimals, UUIDs, dates and times as the text MySQL parses
            // (a DECIMAL from its digits, exactly; a UUID for a CHAR(36);
            // a TimestampTz as its UTC date and time, for a DATETIME).
            other => match other.text_form() {
                Some(form) => Value::Bytes(form.to_string().into_bytes()),
                None => {
                    return Err(Error::query(
                        sql,
                        format!(
                            "bind #{}: MySQL/MariaDB cannot bind a {} value",
                            i + 1,
                            other.kind()
                        ),
                    ));
                }
            },
        });
    }
    Ok(Params::Positional(out))
}

/// The text between `start` and the next `end` in `message`.
fn between<'m>(message: &'m str, start: &str, end: char) -> Option<&'m str> {
    let from = message.find(start)? + start.len();
    let rest = &message[from..];
    rest.find(end).map(|to| &rest[..to])
}

/// The text between the last `start` and the next `end` in `message`.
fn between_last<'m>(message: &'m str, start: &str, end: char) -> Option<&'m str> {
    let from = message.rfind(start)? + start.len();
    let rest = &message[from..];
    rest.find(end).map(|to| &rest[..to])
}

/// The constraint (or, for NOT NULL, the column) a server message names.
fn constraint_name(kind: ConstraintKind, message: &str) -> Option<String> {
    let name = match kind {
        // "Duplicate entry 'x' for key 'name'" (MySQL 8: 'table.name');
        // the last one, as the value may contain the same words.
        ConstraintKind::Unique => between_last(message, "for key '", '\'')
            .map(|key| key.rsplit_once('.').map_or(key, |(_, name)| name)),
        // "... a foreign key constraint fails (`db`.`t`, CONSTRAINT `fk` FOREIGN KEY ...)"
        ConstraintKind::ForeignKey => between(message, "CONSTRAINT `", '`'),
        // "Column 'name' cannot be null", "Field 'name' doesn't have a default value",
        // "NULL supplied to NOT NULL column 'name' at row 1".
        ConstraintKind::NotNull => {
            between(message, "olumn '", '\'').or_else(|| between(message, "Field '", '\''))
        }
        // MariaDB: "CONSTRAINT `chk` failed for `db`.`t`";
        // MySQL: "Check constraint 'chk' is violated."
        ConstraintKind::Check => {
            between(message, "CONSTRAINT `", '`').or_else(|| between(message, "onstraint '", '\''))
        }
        _ => None,
    };
    name.filter(|n| !n.is_empty()).map(str::to_owned)
}

/// Turns a driver error into a sqlalgebra one: constraint violations by
/// kind, deadlocks and lock timeouts as [`ErrorKind::Conflict`], a lost
/// connection as [`ErrorKind::Connection`].
pub(crate) fn error(sql: &str, e: mysql::Error) -> Error {
    match &e {
        mysql::Error::MySqlError(server) => {
            let (code, message) = (server.code, server.message.clone());
            server_error(code, &message, sql, Box::new(e))
        }
        mysql::Error::IoError(_) | mysql::Error::CodecError(_) => {
            ErrorKind::Connection(Box::new(e)).into()
        }
        mysql::Error::DriverError(
            DriverError::ConnectTimeout
            | DriverError::CouldNotConnect(_)
            | DriverError::PacketOutOfSync
            | DriverError::UnexpectedPacket
            | DriverError::Timeout
            | DriverError::SetupError,
        ) => ErrorKind::Connection(Box::new(e)).into(),
        _ => Error::query(sql, e),
    }
}

/// The error for a server error `code` (with its `message`), from the
/// sync or the async driver.
pub(crate) fn server_error(
    code: u16,
    message: &str,
    sql: &str,
    source: sqlalgebra::BoxError,
) -> Error {
    let kind = match code {
        // ER_DUP_KEY, ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME
        1022 | 1062 | 1586 => Some(ConstraintKind::Unique),
        // ER_ROW_IS_REFERENCED(_2), ER_NO_REFERENCED_ROW(_2)
        1216 | 1217 | 1451 | 1452 => Some(ConstraintKind::ForeignKey),
        // ER_BAD_NULL_ERROR, ER_WARN_NULL_TO_NOTNULL, ER_NO_DEFAULT_FOR_FIELD
        1048 | 1263 | 1364 => Some(ConstraintKind::NotNull),
        // MySQL ER_CHECK_CONSTRAINT_VIOLATED, MariaDB ER_CONSTRAINT_FAILED
        3819 | 4025 => Some(ConstraintKind::Check),
        _ => None,
    };
    if let Some(kind) = kind {
        return ErrorKind::Constraint {
            kind,
            constraint: constraint_name(kind, message),
            sql: sql.to_owned(),
            source,
        }
        .into();
    }
    match code {
        // ER_LOCK_WAIT_TIMEOUT, ER_LOCK_DEADLOCK, ER_CHECKREAD
        // (and MySQL 8's ER_LOCK_NOWAIT, 3572)
        1205 | 1213 | 1020 | 3572 => ErrorKind::Conflict {
            sql: sql.to_owned(),
            source,
        }
        .into(),
        // ER_SERVER_SHUTDOWN, ER_NET_* read/write failures,
        // ER_CONNECTION_KILLED (MariaDB), ER_CLIENT_INTERACTION_TIMEOUT (MySQL)
        1053 | 1152 | 1158..=1161 | 1927 | 4031 => ErrorKind::Connection(source).into(),
        _ => ErrorKind::Query {
            sql: sql.to_owned(),
            source,
        }
        .into(),
    }
}

fn decode_error(row: &MysqlRow<'_>, idx: usize, message: String) -> Error {
    ErrorKind::Decode {
        column: row.column_name(idx).to_owned(),
        message,
    }
    .into()
}

/// A DECIMAL as MySQL writes it (`-12.500`): exactly, as a
/// [`ValueRef::Decimal`] of the same scale. Trailing zeros of the fraction
/// are dropped only when the digits would not fit in 38; a DECIMAL of more
/// significant digits than that (up to 65) loads as the nearest float.
/// `None` when it is not decimal text.
fn decimal(text: &str) -> Option<ValueRef<'static>> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !is_digits(whole) || !is_digits(fraction) {
        return None;
    }
    let mut fraction = fraction;
    let significant = |f: &str| whole.trim_start_matches('0').len() + f.len();
    while significant(fraction) > 38 && fraction.ends_with('0') {
        fraction = &fraction[..fraction.len() - 1];
    }
    let mut mantissa: i128 = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        match mantissa
            .checked_mul(10)
            .and_then(|m| m.checked_add(i128::from(b - b'0')))
        {
            Some(m) => mantissa = m,
            None => return text.parse::<f64>().ok().map(ValueRef::Float),
        }
    }
    Some(ValueRef::Decimal {
        mantissa: if negative { -mantissa } else { mantissa },
        scale: fraction.len() as u32,
    })
}

/// Whether the binary protocol sends the column's cells as
/// `Value::Date` or `Value::Time`.
pub(crate) fn is_temporal(column: &mysql::Column) -> bool {
    matches!(
        column.column_type(),
        ColumnType::MYSQL_TYPE_DATE
            | ColumnType::MYSQL_TYPE_NEWDATE
            | ColumnType::MYSQL_TYPE_TIME
            | ColumnType::MYSQL_TYPE_TIME2
            | ColumnType::MYSQL_TYPE_DATETIME
            | ColumnType::MYSQL_TYPE_DATETIME2
            | ColumnType::MYSQL_TYPE_TIMESTAMP
            | ColumnType::MYSQL_TYPE_TIMESTAMP2
    )
}

/// A result row, read in place; text and blob cells are taken out of it
/// (moved, not copied) when they load into a `String` or a `Vec<u8>`.
pub struct MysqlRow<'r> {
    row: &'r mut mysql::Row,
    /// The row's DATE, TIME, DATETIME and TIMESTAMP cells as ISO text, by
    /// column (empty when the row has none).
    temporal: &'r [Option<String>],
}

/// Writes the DATE, TIME, DATETIME and TIMESTAMP cells of `row` into `out`
/// as the ISO text that sqlalgebra's `Date`, `Time` and `Timestamp` types
/// load: `2024-03-31`, `13:45:00`, `2024-03-31 13:45:00[.ffffff]`. The
/// binary protocol sends them as structured values, which a `ValueRef`
/// cannot borrow as text. `out` is left empty for a row without any.
pub(crate) fn temporal_text(row: &mysql::Row, out: &mut Vec<Option<String>>) {
    use std::fmt::Write;
    out.clear();
    for idx in 0..row.len() {
        let text = match row.as_ref(idx) {
            Some(Value::Date(y, mo, d, h, mi, s, us)) => {
                let mut t = format!("{y:04}-{mo:02}-{d:02}");
                let date_only = matches!(
                    row.columns_ref()[idx].column_type(),
                    ColumnType::MYSQL_TYPE_DATE | ColumnType::MYSQL_TYPE_NEWDATE
                );
                if !date_only {
                    let _ = write!(t, " {h:02}:{mi:02}:{s:02}");
                    if *us != 0 {
                        let _ = write!(t, ".{us:06}");
                    }
                }
                t
            }
            Some(Value::Time(negative, days, h, mi, s, us)) => {
                let hours = u64::from(*days) * 24 + u64::from(*h);
                let sign = if *negative { "-" } else { "" };
                let mut t = format!("{sign}{hours:02}:{mi:02}:{s:02}");
                if *us != 0 {
                    let _ = write!(t, ".{us:06}");
                }
                t
            }
            _ => continue,
        };
        if out.is_empty() {
            out.resize(row.len(), None);
        }
        out[idx] = Some(text);
    }
}

/// What a cell that arrives as bytes holds, by its column.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Held {
    /// An integer in text form.
    Integer,
    /// A float in text form.
    Float,
    /// A DECIMAL in text form.
    Decimal,
    /// Bytes (the binary character set).
    Blob,
    /// Text, or bytes when it is not UTF-8.
    Text,
}

fn held(column: &mysql::Column) -> Held {
    match column.column_type() {
        ColumnType::MYSQL_TYPE_TINY
        | ColumnType::MYSQL_TYPE_SHORT
        | ColumnType::MYSQL_TYPE_INT24
        | ColumnType::MYSQL_TYPE_LONG
        | ColumnType::MYSQL_TYPE_LONGLONG
        | ColumnType::MYSQL_TYPE_YEAR => Held::Integer,
        ColumnType::MYSQL_TYPE_FLOAT | ColumnType::MYSQL_TYPE_DOUBLE => Held::Float,
        ColumnType::MYSQL_TYPE_DECIMAL | ColumnType::MYSQL_TYPE_NEWDECIMAL => Held::Decimal,
        ColumnType::MYSQL_TYPE_DATE
        | ColumnType::MYSQL_TYPE_NEWDATE
        | ColumnType::MYSQL_TYPE_TIME
        | ColumnType::MYSQL_TYPE_TIME2
        | ColumnType::MYSQL_TYPE_DATETIME
        | ColumnType::MYSQL_TYPE_DATETIME2
        | ColumnType::MYSQL_TYPE_TIMESTAMP
        | ColumnType::MYSQL_TYPE_TIMESTAMP2 => Held::Text,
        // MySQL reports JSON with the binary character set; it is text.
        ColumnType::MYSQL_TYPE_JSON => Held::Text,
        _ if column.character_set() == BINARY_CHARSET => Held::Blob,
        _ => Held::Text,
    }
}

impl MysqlRow<'_> {
    /// A cell that arrived as bytes: a string or blob, or a number or
    /// DECIMAL in text form.
    fn bytes<'a>(&self, idx: usize, bytes: &'a [u8]) -> Result<ValueRef<'a>> {
        let column = &self.row.columns_ref()[idx];
        let numeric = |row: &Self| -> Result<&'a str> {
            std::str::from_utf8(bytes)
                .map_err(|_| decode_error(row, idx, "a number that is not ASCII text".into()))
        };
        let unsigned = column
            .flags()
            .contains(mysql::consts::ColumnFlags::UNSIGNED_FLAG);
        match held(column) {
            Held::Integer => {
                let text = numeric(self)?;
                let parsed = if unsigned {
                    text.parse::<u64>().ok().and_then(|u| i64::try_from(u).ok())
                } else {
                    text.parse::<i64>().ok()
                };
                parsed.map(ValueRef::Int).ok_or_else(|| {
                    decode_error(self, idx, format!("integer {text} does not fit in i64"))
                })
            }
            Held::Float => {
                let text = numeric(self)?;
                text.parse::<f64>()
                    .map(ValueRef::Float)
                    .map_err(|_| decode_error(self, idx, format!("malformed float {text:?}")))
            }
            Held::Decimal => {
                let text = numeric(self)?;
                decimal(text)
                    .ok_or_else(|| decode_error(self, idx, format!("malformed decimal {text:?}")))
            }
            Held::Blob => Ok(ValueRef::Blob(bytes)),
            Held::Text => Ok(text_or_blob(bytes)),
        }
    }

    /// Takes the bytes of the cell at `idx` out of the row when they arrived
    /// as bytes of a column that holds `wanted`; `None` (the cell left in
    /// place) otherwise.
    fn take_held(&mut self, idx: usize, wanted: fn(Held) -> bool) -> Option<Vec<u8>> {
        if !matches!(self.row.as_ref(idx), Some(Value::Bytes(_)))
            || !wanted(held(&self.row.columns_ref()[idx]))
        {
            return None;
        }
        match self.row.take_opt::<Vec<u8>, _>(idx) {
            Some(Ok(bytes)) => Some(bytes),
            _ => None,
        }
    }
}

fn text_or_blob(bytes: &[u8]) -> ValueRef<'_> {
    match std::str::from_utf8(bytes) {
        Ok(s) => ValueRef::Text(s),
        Err(_) => ValueRef::Blob(bytes),
    }
}

fn date_time_error(row: &MysqlRow<'_>, idx: usize) -> Error {
    decode_error(
        row,
        idx,
        "a DATE, TIME, DATETIME or TIMESTAMP value that could not be read as text".into(),
    )
}

#[cfg(feature = "async")]
impl<'r> MysqlRow<'r> {
    /// A row read with its temporal cells' text.
    pub(crate) fn new(row: &'r mut mysql::Row, temporal: &'r [Option<String>]) -> Self {
        MysqlRow { row, temporal }
    }
}

impl Row for MysqlRow<'_> {
    #[inline]
    fn value(&self, idx: usize) -> Result<ValueRef<'_>> {
        let Some(v) = self.row.as_ref(idx) else {
            if idx < self.row.len() {
                return Err(decode_error(
                    self,
                    idx,
                    "the cell was already taken out of the row (it loads once)".into(),
                ));
            }
            return Err(ErrorKind::Decode {
                column: idx.to_string(),
                message: format!("no column {idx}: the row has {}", self.row.len()),
            }
            .into());
        };
        Ok(match v {
            Value::NULL => ValueRef::Null,
            Value::Int(i) => ValueRef::Int(*i),
            Value::UInt(u) => match i64::try_from(*u) {
                Ok(i) => ValueRef::Int(i),
                Err(_) => {
                    return Err(decode_error(
                        self,
                        idx,
                        format!("unsigned integer {u} does not fit in i64"),
                    ));
                }
            },
            Value::Float(f) => ValueRef::Float(f64::from(*f)),
            Value::Double(f) => ValueRef::Float(*f),
            Value::Bytes(b) => return self.bytes(idx, b),
            Value::Date(..) | Value::Time(..) => match self.temporal.get(idx) {
                Some(Some(text)) => ValueRef::Text(text),
                _ => return Err(date_time_error(self, idx)),
            },
        })
    }

    fn column_name(&self, idx: usize) -> &str {
        self.row
            .columns_ref()
            .get(idx)
            .map_or("<out of range>", |c| {
                std::str::from_utf8(c.name_ref()).unwrap_or("<not UTF-8>")
            })
    }

    fn len(&self) -> usize {
        self.row.len()
    }

    #[inline]
    fn is_null(&self, idx: usize) -> bool {
        matches!(self.row.as_ref(idx), Some(Value::NULL))
    }

    /// A signed integer cell straight from the row; anything else through
    /// [`value`](Row::value).
    #[inline]
    fn get_i64(&self, idx: usize) -> Result<Option<i64>> {
        match self.row.as_ref(idx) {
            Some(Value::Int(i)) => Ok(Some(*i)),
            Some(Value::NULL) => Ok(None),
            _ => decode_in_place(self, idx),
        }
    }

    /// A DOUBLE or FLOAT cell straight from the row; anything else through
    /// [`value`](Row::value).
    #[inline]
    fn get_f64(&self, idx: usize) -> Result<Option<f64>> {
        match self.row.as_ref(idx) {
            Some(Value::Double(f)) => Ok(Some(*f)),
            Some(Value::Float(f)) => Ok(Some(f64::from(*f))),
            Some(Value::NULL) => Ok(None),
            _ => decode_in_place(self, idx),
        }
    }

    /// A text cell is moved out of the row (checked to be UTF-8, not
    /// copied); any other cell is converted in place.
    fn take_string(&mut self, idx: usize) -> Result<Option<String>> {
        match self.take_held(idx, |h| h == Held::Text) {
            Some(bytes) => String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| decode_error(self, idx, "expected text, found blob".into())),
            None => decode_in_place(self, idx),
        }
    }

    /// A text or blob cell is moved out of the row; any other cell is
    /// converted in place.
    fn take_bytes(&mut self, idx: usize) -> Result<Option<Vec<u8>>> {
        match self.take_held(idx, |h| matches!(h, Held::Text | Held::Blob)) {
            Some(bytes) => Ok(Some(bytes)),
            None => decode_in_place(self, idx),
        }
    }
}

fn execute(
    conn: &mut mysql::Conn,
    cache: Option<&mut StatementCache>,
    (sql, id): (&str, Option<SqlId>),
    binds: &[ValueRef<'_>],
) -> Result<u64> {
    let params = params(sql, binds)?;
    let stmt = statement(conn, cache, sql, id)?;
    let mut result = conn.exec_iter(&stmt, params).map_err(|e| error(sql, e))?;
    if result.columns().as_ref().is_empty() {
        let n = result.affected_rows();
        // Reads the end of the response (more result sets, if any).
        while let Some(set) = result.iter() {
            for row in set {
                row.map_err(|e| error(sql, e))?;
            }
        }
        return Ok(n);
    }
    // A statement that returns rows (MariaDB's RETURNING, say): one row
    // per changed row, read to the end so its work is done.
    let mut n = 0;
    while let Some(set) = result.iter() {
        for row in set {
            row.map_err(|e| error(sql, e))?;
            n += 1;
        }
    }
    Ok(n)
}

fn query<F>(
    conn: &mut mysql::Conn,
    cache: Option<&mut StatementCache>,
    (sql, id): (&str, Option<SqlId>),
    binds: &[ValueRef<'_>],
    mut each: F,
) -> Result<()>
where
    F: FnMut(&mut MysqlRow<'_>) -> Result<bool>,
{
    let params = params(sql, binds)?;
    let stmt = statement(conn, cache, sql, id)?;
    let mut result = conn.exec_iter(&stmt, params).map_err(|e| error(sql, e))?;
    let mut wanted = true;
    let mut temporal = Vec::new();
    while let Some(set) = result.iter() {
        // Only a result set with a temporal column has cells to write as
        // text; the others skip the per-row scan.
        let has_temporal = set.columns().as_ref().iter().any(is_temporal);
        temporal.clear();
        for row in set {
            let mut row = row.map_err(|e| error(sql, e))?;
            // Rows after the caller stopped are still read off the wire,
            // so the connection stays usable.
            if wanted {
                if has_temporal {
                    temporal_text(&row, &mut temporal);
                }
                wanted = each(&mut MysqlRow {
                    row: &mut row,
                    temporal: &temporal,
                })?;
            }
        }
    }
    Ok(())
}

impl Connection for MysqlConnection {
    type Row<'r> = MysqlRow<'r>;
    type Backend = Mysql;

    fn dialect(&self) -> &'static dyn Dialect {
        self.dialect
    }

    fn execute_sql(&mut self, sql: &str, binds: &[ValueRef<'_>]) -> Result<u64> {
        let result = execute(&mut self.conn, self.statements.as_mut(), (sql, None), binds);
        self.note(result)
    }

    /// Runs the text where the SQL cache holds it, with the statement kept
    /// for its slot.
    fn execute_cached(&mut self, id: SqlId, binds: &[ValueRef<'_>]) -> Result<u64> {
        let sql = self.sql_cache.sql(id).ok_or_else(unknown_sql_error)?;
        let result = execute(
            &mut self.conn,
            self.statements.as_mut(),
            (sql, Some(id)),
            binds,
        );
        self.note(result)
    }

    /// Runs the text where the SQL cache holds it, with the statement kept
    /// for its slot.
    fn query_cached<F>(&mut self, id: SqlId, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut MysqlRow<'_>) -> Result<bool>,
    {
        let sql = self.sql_cache.sql(id).ok_or_else(unknown_sql_error)?;
        let result = query(
            &mut self.conn,
            self.statements.as_mut(),
            (sql, Some(id)),
            binds,
            each,
        );
        self.note(result)
    }

    fn query_sql<F>(&mut self, sql: &str, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut MysqlRow<'_>) -> Result<bool>,
    {
        let result = query(
            &mut self.conn,
            self.statements.as_mut(),
            (sql, None),
            binds,
            each,
        );
        self.note(result)
    }

    fn batch_execute(&mut self, sql: &str) -> Result<()> {
        let result = self.conn.query_drop(sql).map_err(|e| error(sql, e));
        if result.is_ok() {
            self.note_transaction_control(sql);
        }
        self.note(result)
    }

    fn transaction_depth(&mut self) -> &mut u32 {
        &mut self.depth
    }

    fn isolation_setting(&mut self) -> Option<&mut Option<sqlalgebra::IsolationLevel>> {
        Some(&mut self.isolation)
    }

    fn sql_cache(&mut self) -> Option<&mut SqlCache> {
        Some(&mut self.sql_cache)
    }

    fn last_insert_id(&mut self) -> Result<Option<i64>> {
        match self.conn.last_insert_id() {
            0 => Ok(None),
            id => i64::try_from(id).map(Some).map_err(|_| {
                ErrorKind::Decode {
                    column: "LAST_INSERT_ID()".into(),
                    message: format!("{id} does not fit in i64"),
                }
                .into()
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_load_exactly() {
        let d = |mantissa, scale| Some(ValueRef::Decimal { mantissa, scale });
        assert_eq!(decimal("42"), d(42, 0));
        assert_eq!(decimal("-7.000"), d(-7000, 3));
        assert_eq!(decimal("2.5000"), d(25000, 4));
        assert_eq!(
            decimal("99999999999999999999"),
            d(99_999_999_999_999_999_999, 0)
        );
        assert_eq!(decimal("-0.000000000000000000000000000100"), d(-100, 30));
        // DECIMAL(65, 30): zeros are dropped until the digits fit.
        assert_eq!(
            decimal("79228162514264337593543950335.000000000000000000000000000000"),
            d(79_228_162_514_264_337_593_543_950_335_000_000_000, 9)
        );
        // More significant digits than an i128 holds: the nearest float.
        assert_eq!(
            decimal("12345678901234567890123456789012345678901.5"),
            Some(ValueRef::Float(12345678901234567890123456789012345678901.5))
        );
        assert_eq!(decimal("x"), None);
        assert_eq!(decimal("1.2.3"), None);
        assert_eq!(decimal("-"), None);
        assert_eq!(decimal(".5"), None);
    }

    #[test]
    fn constraint_names_are_parsed_from_messages() {
        let name = |k, m| constraint_name(k, m);
        assert_eq!(
            name(
                ConstraintKind::Unique,
                "Duplicate entry 'a' for key 'uq_name'"
            )
            .as_deref(),
            Some("uq_name")
        );
        assert_eq!(
            name(
                ConstraintKind::Unique,
                "Duplicate entry 'a' for key 'users.PRIMARY'"
            )
            .as_deref(),
            Some("PRIMARY")
        );
        assert_eq!(
            name(
                ConstraintKind::ForeignKey,
                "Cannot add or update a child row: a foreign key constraint fails \
                 (`db`.`c`, CONSTRAINT `fk_p` FOREIGN KEY (`p`) REFERENCES `p` (`id`))"
            )
            .as_deref(),
            Some("fk_p")
        );
        assert_eq!(
            name(ConstraintKind::NotNull, "Column 'name' cannot be null").as_deref(),
            Some("name")
        );
        assert_eq!(
            name(
                ConstraintKind::NotNull,
                "Field 'name' doesn't have a default value"
            )
            .as_deref(),
            Some("name")
        );
        assert_eq!(
            name(
                ConstraintKind::Check,
                "CONSTRAINT `chk_pos` failed for `db`.`t`"
            )
            .as_deref(),
            Some("chk_pos")
        );
        assert_eq!(
            name(
                ConstraintKind::Check,
                "Check constraint 'chk_pos' is violated."
            )
            .as_deref(),
            Some("chk_pos")
        );
        assert_eq!(
            name(
                ConstraintKind::Unique,
                "Duplicate entry 'x' for key 'fake'' for key 'real'"
            )
            .as_deref(),
            Some("real")
        );
        assert_eq!(name(ConstraintKind::Unique, "something else"), None);
    }

    #[test]
    fn transaction_control_is_recognised() {
        assert_eq!(transaction_control("BEGIN"), Some(true));
        assert_eq!(
            transaction_control("  start transaction read only"),
            Some(true)
        );
        assert_eq!(transaction_control("COMMIT"), Some(false));
        assert_eq!(transaction_control("rollback;"), Some(false));
        assert_eq!(transaction_control("ROLLBACK TO SAVEPOINT sp_1"), None);
        assert_eq!(transaction_control("SAVEPOINT sp_1"), None);
        assert_eq!(transaction_control("START SLAVE"), None);
        assert_eq!(transaction_control(""), None);
    }
}
