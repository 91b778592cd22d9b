//! Transaction isolation levels: per engine
//! ([`PoolOptions::isolation_level`](crate::PoolOptions::isolation_level)),
//! per connection ([`Connection::set_isolation_level`](crate::Connection::set_isolation_level))
//! and per transaction ([`Connection::transaction_with`](crate::Connection::transaction_with)).
//!
//! See [`IsolationLevel`] for what each dialect has.

/// A transaction isolation level, or AUTOCOMMIT (as SQLAlchemy's
/// `isolation_level="AUTOCOMMIT"`).
///
/// Under [`Autocommit`](IsolationLevel::Autocommit) a connection sends no
/// `BEGIN`, `COMMIT`, `ROLLBACK` or `SAVEPOINT`: every statement commits on
/// its own, so a read-only ORM session costs no round trips besides its
/// queries, and a "rollback" undoes nothing.
///
/// | level | PostgreSQL | MySQL / MariaDB | SQLite |
/// |---|---|---|---|
/// | [`ReadUncommitted`](IsolationLevel::ReadUncommitted) | accepted, behaves as READ COMMITTED | yes | [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) |
/// | [`ReadCommitted`](IsolationLevel::ReadCommitted) | yes (the server's default) | yes | [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) |
/// | [`RepeatableRead`](IsolationLevel::RepeatableRead) | yes (snapshot) | yes (InnoDB's default) | [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) |
/// | [`Serializable`](IsolationLevel::Serializable) | yes | yes | `BEGIN IMMEDIATE` (the default: SQLite transactions are serializable, and this one takes the write lock when it starts) |
/// | [`Autocommit`](IsolationLevel::Autocommit) | no `BEGIN`: each statement commits | same | same |
///
/// On MariaDB, `information_schema.innodb_trx` keeps reporting the level
/// of a connection's first transaction; the level set is the one that
/// applies (the tests check it by what each transaction sees).
///
/// ```
/// use sqlalgebra::IsolationLevel;
/// assert_eq!(IsolationLevel::RepeatableRead.sql(), "REPEATABLE READ");
/// assert_eq!(IsolationLevel::Autocommit.sql(), "AUTOCOMMIT");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IsolationLevel {
    /// `READ UNCOMMITTED`: may see other transactions' uncommitted rows
    /// (MySQL); PostgreSQL runs it as READ COMMITTED.
    ReadUncommitted,
    /// `READ COMMITTED`: each statement sees what was committed before it
    /// began.
    ReadCommitted,
    /// `REPEATABLE READ`: the transaction reads from one snapshot.
    RepeatableRead,
    /// `SERIALIZABLE`: the transactions behave as if run one after the
    /// other; the loser of a conflict gets
    /// [`ErrorKind::Conflict`](crate::ErrorKind::Conflict) (retry it).
    Serializable,
    /// No transactions: each statement commits on its own.
    Autocommit,
}

impl IsolationLevel {
    /// The level's name in SQL (`AUTOCOMMIT` for
    /// [`Autocommit`](IsolationLevel::Autocommit), which SQL has no
    /// statement for).
    ///
    /// ```
    /// assert_eq!(sqlalgebra::IsolationLevel::Serializable.sql(), "SERIALIZABLE");
    /// ```
    pub fn sql(self) -> &'static str {
        match self {
            IsolationLevel::ReadUncommitted => "READ UNCOMMITTED",
            IsolationLevel::ReadCommitted => "READ COMMITTED",
            IsolationLevel::RepeatableRead => "REPEATABLE READ",
            IsolationLevel::Serializable => "SERIALIZABLE",
            IsolationLevel::Autocommit => "AUTOCOMMIT",
        }
    }

    /// The feature named by [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported)
    /// when a dialect lacks this level.
    ///
    /// ```
    /// let f = sqlalgebra::IsolationLevel::ReadCommitted.feature();
    /// assert_eq!(f, "isolation level READ COMMITTED");
    /// ```
    pub fn feature(self) -> &'static str {
        match self {
            IsolationLevel::ReadUncommitted => "isolation level READ UNCOMMITTED",
            IsolationLevel::ReadCommitted => "isolation level READ COMMITTED",
            IsolationLevel::RepeatableRead => "isolation level REPEATABLE READ",
            IsolationLevel::Serializable => "isolation level SERIALIZABLE",
            IsolationLevel::Autocommit => "isolation level AUTOCOMMIT",
        }
    }

    /// The level's part of SQL's `... ISOLATION LEVEL <level>` statements,
    /// `None` for [`Autocommit`](IsolationLevel::Autocommit).
    ///
    /// ```
    /// use sqlalgebra::IsolationLevel;
    /// assert_eq!(
    ///     IsolationLevel::ReadCommitted.set_session_sql(),
    ///     Some("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED"),
    /// );
    /// ```
    pub fn set_session_sql(self) -> Option<&'static str> {
        Some(match self {
            IsolationLevel::ReadUncommitted => {
                "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED"
            }
            IsolationLevel::ReadCommitted => {
                "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED"
            }
            IsolationLevel::RepeatableRead => {
                "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ"
            }
            IsolationLevel::Serializable => {
                "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE"
            }
            IsolationLevel::Autocommit => return None,
        })
    }

    /// Standard SQL's `START TRANSACTION ISOLATION LEVEL <level>`, `None`
    /// for [`Autocommit`](IsolationLevel::Autocommit).
    ///
    /// ```
    /// use sqlalgebra::IsolationLevel;
    /// assert_eq!(
    ///     IsolationLevel::Serializable.start_transaction_sql(),
    ///     Some("START TRANSACTION ISOLATION LEVEL SERIALIZABLE"),
    /// );
    /// ```
    pub fn start_transaction_sql(self) -> Option<&'static str> {
        Some(match self {
            IsolationLevel::ReadUncommitted => "START TRANSACTION ISOLATION LEVEL READ UNCOMMITTED",
            IsolationLevel::ReadCommitted => "START TRANSACTION ISOLATION LEVEL READ COMMITTED",
            IsolationLevel::RepeatableRead => "START TRANSACTION ISOLATION LEVEL REPEATABLE READ",
            IsolationLevel::Serializable => "START TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            IsolationLevel::Autocommit => return None,
        })
    }
}
