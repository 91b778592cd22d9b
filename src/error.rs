//! The one error type of sqlalgebra.

use std::fmt;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The boxed source of a driver error.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong at run time: rendering, talking to the
/// database, or turning its rows into Rust values.
///
/// Nothing in sqlalgebra panics on bad input or bad data; it returns one of
/// these instead.
///
/// ```
/// use sqlalgebra::Error;
/// let e = Error::UnexpectedNull { column: "fullname".into() };
/// assert_eq!(e.to_string(), "column `fullname` is NULL but the Rust type is not an Option");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A NULL arrived for a Rust type that cannot hold it (not an `Option`).
    UnexpectedNull {
        /// The name of the result column.
        column: String,
    },
    /// A value arrived that does not fit the Rust type it is loaded into.
    Decode {
        /// The name of the result column.
        column: String,
        /// What was wrong with it.
        message: String,
    },
    /// The database rejected a statement.
    Query {
        /// The SQL that failed.
        sql: String,
        /// What the driver said.
        source: BoxError,
    },
    /// A constraint of the schema refused a write.
    Constraint {
        /// Which kind of constraint.
        kind: ConstraintKind,
        /// The constraint's name, when the database reports it.
        constraint: Option<String>,
        /// The SQL that failed.
        sql: String,
        /// What the driver said.
        source: BoxError,
    },
    /// The database gave up on the transaction because of a concurrent one
    /// (serialization failure, deadlock, lock timeout). Retrying the whole
    /// transaction may succeed; see [`Error::is_retryable`].
    Conflict {
        /// The SQL that failed.
        sql: String,
        /// What the driver said.
        source: BoxError,
    },
    /// `get` expected exactly one row and found none.
    NotFound,
    /// `get` expected exactly one row and found more.
    TooManyRows,
    /// A `text()` statement names `:name` but no value was bound to it.
    MissingBind {
        /// The bind name.
        name: String,
    },
    /// A value was bound to a name that the `text()` statement never uses.
    UnusedBind {
        /// The bind name.
        name: String,
    },
    /// The dialect cannot express what the statement asks for.
    Unsupported {
        /// The dialect's name.
        dialect: &'static str,
        /// What it cannot do.
        feature: &'static str,
    },
    /// A statement was built in a way that cannot be rendered (for example an
    /// INSERT without values).
    InvalidStatement(String),
    /// A grouped SELECT (with GROUP BY, HAVING or an aggregate) refers,
    /// outside any aggregate, to a column that is neither grouped nor of a
    /// table whose whole primary key is grouped: SQLite would return the
    /// value of an arbitrary row of each group, and the servers refuse it.
    /// Found before anything is sent.
    ///
    /// ```
    /// # use sqlalgebra::Error;
    /// let e = Error::Ungrouped { table: "users".into(), column: "name".into(), clause: "SELECT" };
    /// assert!(e.to_string().contains(r#""users"."name""#));
    /// ```
    Ungrouped {
        /// The column's table, or the alias it is referred to by.
        table: String,
        /// The column.
        column: String,
        /// The clause it is in: `SELECT`, `HAVING` or `ORDER BY`.
        clause: &'static str,
    },
    /// An UPDATE or DELETE (or its RETURNING) refers to a column of a table
    /// that the statement neither targets nor names in its FROM / USING
    /// list; add the table with `update(..).from(..)` or
    /// `delete_from(..).using(..)`. Also a SELECT with an explicit
    /// `.from(..)` whose column (of an alias, a derived table, a CTE or a
    /// dynamic table: typed columns do not compile) belongs to a table
    /// neither in its FROM and joins nor in an enclosing query's.
    ///
    /// ```
    /// let e = sqlalgebra::Error::TableNotInStatement {
    ///     table: "posts".into(),
    ///     column: "user_id".into(),
    /// };
    /// assert!(e.to_string().starts_with("column `posts`.`user_id`"));
    /// ```
    TableNotInStatement {
        /// The table (or alias) the column belongs to.
        table: String,
        /// The column.
        column: String,
    },
    /// A bound integer does not fit the SQL type it is bound as (an `i64`
    /// bound to an `Integer` column, say). Found before anything is sent.
    ///
    /// ```
    /// use sqlalgebra::{Error, types::SqlKind};
    /// let e = Error::ValueOutOfRange { value: 1 << 40, sql_type: SqlKind::Integer };
    /// assert_eq!(e.to_string(), "value 1099511627776 is out of range for SQL type Integer");
    /// ```
    ValueOutOfRange {
        /// The value.
        value: i64,
        /// The SQL type it was bound as.
        sql_type: crate::types::SqlKind,
    },
    /// A SELECT whose FROM is inferred would join its tables without any
    /// condition (a cartesian product, SQLAlchemy's "cartesian product"
    /// lint): no JOIN, and no WHERE or ON condition uses columns of both
    /// sides. `tables` holds the first FROM table, then every table not
    /// connected to it. Ask for it with `.cross_join(table)`.
    ///
    /// ```
    /// let e = sqlalgebra::Error::CartesianProduct {
    ///     tables: vec!["users".into(), "posts".into()],
    /// };
    /// assert!(e.to_string().contains("`users`, `posts`"));
    /// ```
    CartesianProduct {
        /// The first FROM table, then the tables not connected to it.
        tables: Vec<String>,
    },
    /// No pooled connection became free within the pool's checkout timeout.
    PoolTimeout(String),
    /// The connection to the database could not be made or was lost. A
    /// transaction function that meets it keeps it as it is (a failed
    /// rollback on the lost connection does not replace it); one lost
    /// during `COMMIT` has a [`CommitInDoubt`] source. See
    /// [`Error::is_retryable`].
    Connection(BoxError),
    /// A transaction could not be ended cleanly; the connection is discarded.
    Transaction(String),
    /// The schema has a cycle of foreign keys, so no creation order exists.
    DependencyCycle(Vec<String>),
    /// A relationship was asked for that was not loaded and whose loading
    /// strategy refuses to load it on demand (`raise`).
    NotLoaded {
        /// The relationship, as `parent_table -> child_table`.
        relation: String,
    },
    /// An UPDATE or DELETE of a versioned row matched no row: another
    /// transaction changed or deleted it since it was loaded (optimistic
    /// concurrency).
    StaleData {
        /// The table of the row.
        table: &'static str,
        /// What was expected, in words.
        message: String,
    },
}

/// The source of an [`Error::Connection`] for a connection lost while
/// `COMMIT` was in flight: the transaction may or may not have been
/// committed, so [`Error::is_retryable`] says no. It wraps the driver's
/// error (its [`source`](std::error::Error::source)) and keeps the error
/// of the rollback that was tried after it, if that failed too.
///
/// ```
/// use sqlalgebra::CommitInDoubt;
/// use sqlalgebra::Error;
/// let e = CommitInDoubt::wrap(Error::Connection("reset by peer".into()), None);
/// assert!(matches!(e, Error::Connection(_)));
/// assert!(!e.is_retryable());
/// assert!(e.commit_in_doubt().unwrap().rollback_error().is_none());
/// assert!(e.to_string().contains("reset by peer"));
/// ```
#[derive(Debug)]
pub struct CommitInDoubt {
    source: BoxError,
    rollback: Option<Box<Error>>,
}

impl CommitInDoubt {
    /// Marks a connection lost during `COMMIT` as in doubt, keeping the
    /// error of the rollback tried after it; any other error is returned
    /// unchanged.
    ///
    /// ```
    /// use sqlalgebra::CommitInDoubt;
    /// use sqlalgebra::Error;
    /// let e = CommitInDoubt::wrap(Error::NotFound, None);
    /// assert!(matches!(e, Error::NotFound));
    /// ```
    pub fn wrap(error: Error, rollback: Option<Error>) -> Error {
        match error {
            Error::Connection(source) if !source.is::<CommitInDoubt>() => {
                Error::Connection(Box::new(CommitInDoubt {
                    source,
                    rollback: rollback.map(Box::new),
                }))
            }
            other => other,
        }
    }

    /// The error of the rollback tried after the failed `COMMIT`, if it
    /// failed too (on a lost connection it does).
    ///
    /// ```
    /// use sqlalgebra::CommitInDoubt;
    /// use sqlalgebra::Error;
    /// let e = CommitInDoubt::wrap(
    ///     Error::Connection("reset".into()),
    ///     Some(Error::Connection("closed".into())),
    /// );
    /// let doubt = e.commit_in_doubt().unwrap();
    /// assert!(matches!(doubt.rollback_error(), Some(Error::Connection(_))));
    /// ```
    pub fn rollback_error(&self) -> Option<&Error> {
        self.rollback.as_deref()
    }
}

impl fmt::Display for CommitInDoubt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "lost during COMMIT, the transaction may or may not have been committed: {}",
            self.source
        )?;
        if let Some(rollback) = &self.rollback {
            write!(f, " (the rollback tried after it failed too: {rollback})")?;
        }
        Ok(())
    }
}

impl std::error::Error for CommitInDoubt {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// The kind of a violated constraint in [`Error::Constraint`].
///
/// ```
/// use sqlalgebra::ConstraintKind;
/// assert_ne!(ConstraintKind::Unique, ConstraintKind::ForeignKey);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConstraintKind {
    /// UNIQUE or PRIMARY KEY.
    Unique,
    /// FOREIGN KEY.
    ForeignKey,
    /// NOT NULL.
    NotNull,
    /// CHECK.
    Check,
}

impl Error {
    /// Wraps a driver error for the statement `sql`.
    ///
    /// ```
    /// let e = sqlalgebra::Error::query("SELECT 1", std::io::Error::other("boom"));
    /// assert!(e.to_string().contains("SELECT 1"));
    /// ```
    pub fn query(sql: &str, source: impl Into<BoxError>) -> Self {
        Error::Query {
            sql: sql.to_owned(),
            source: source.into(),
        }
    }

    /// Whether running the whole transaction again may succeed: true for
    /// [`Error::Conflict`] (serialization failures, deadlocks), for a pool
    /// timeout, and for a lost connection ([`Error::Connection`]): the
    /// server rolls back what its session had not committed, so the
    /// transaction can run again on a new connection.
    ///
    /// Not for a connection the server refused for good (its source is a
    /// [`ConnectFailure`](crate::ConnectFailure): wrong password, unknown
    /// database, nothing listening).
    ///
    /// Not when the connection was lost while a `COMMIT` was in flight
    /// (its source is then a [`CommitInDoubt`]): the transaction may have
    /// been committed, and running it again could apply it twice. The same
    /// doubt holds for a single statement run outside a transaction whose
    /// connection was lost: only the caller knows whether running it twice
    /// is harmless.
    ///
    /// ```
    /// use sqlalgebra::Error;
    /// assert!(Error::PoolTimeout("busy".into()).is_retryable());
    /// assert!(Error::Connection("reset by peer".into()).is_retryable());
    /// assert!(!Error::NotFound.is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Conflict { .. } | Error::PoolTimeout(_) => true,
            Error::Connection(source) => {
                !source.is::<CommitInDoubt>() && !source.is::<crate::ConnectFailure>()
            }
            _ => false,
        }
    }

    /// The [`CommitInDoubt`] context of a connection lost during `COMMIT`,
    /// if this is one.
    ///
    /// ```
    /// use sqlalgebra::Error;
    /// assert!(Error::Connection("reset by peer".into()).commit_in_doubt().is_none());
    /// ```
    pub fn commit_in_doubt(&self) -> Option<&CommitInDoubt> {
        match self {
            Error::Connection(source) => source.downcast_ref(),
            _ => None,
        }
    }

    /// The SQL text of the failed statement, if this error carries one.
    ///
    /// ```
    /// let e = sqlalgebra::Error::query("SELECT 1", std::io::Error::other("boom"));
    /// assert_eq!(e.sql(), Some("SELECT 1"));
    /// ```
    pub fn sql(&self) -> Option<&str> {
        match self {
            Error::Query { sql, .. }
            | Error::Constraint { sql, .. }
            | Error::Conflict { sql, .. } => Some(sql),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnexpectedNull { column } => {
                write!(
                    f,
                    "column `{column}` is NULL but the Rust type is not an Option"
                )
            }
            Error::Decode { column, message } => {
                write!(f, "cannot decode column `{column}`: {message}")
            }
            Error::Query { sql, source } => write!(f, "{source} (in `{sql}`)"),
            Error::Constraint {
                kind,
                constraint,
                sql,
                source,
            } => {
                write!(f, "{kind:?} constraint")?;
                if let Some(name) = constraint {
                    write!(f, " `{name}`")?;
                }
                write!(f, " violated: {source} (in `{sql}`)")
            }
            Error::Conflict { sql, source } => {
                write!(
                    f,
                    "conflict with a concurrent transaction, retry it: {source} (in `{sql}`)"
                )
            }
            Error::NotFound => f.write_str("expected exactly one row, found none"),
            Error::TooManyRows => f.write_str("expected exactly one row, found more"),
            Error::MissingBind { name } => write!(f, "no value bound to `:{name}`"),
            Error::UnusedBind { name } => {
                write!(f, "a value is bound to `:{name}` but the SQL never uses it")
            }
            Error::Unsupported { dialect, feature } => {
                write!(f, "{dialect} does not support {feature}")
            }
            Error::InvalidStatement(m) => write!(f, "invalid statement: {m}"),
            Error::Ungrouped {
                table,
                column,
                clause,
            } => write!(
                f,
                "column \"{table}\".\"{column}\" in {clause} is neither grouped nor \
                 aggregated: add it to GROUP BY, or aggregate it (MIN, MAX, ...)"
            ),
            Error::TableNotInStatement { table, column } => write!(
                f,
                "column `{table}`.`{column}` belongs to table `{table}`, which the statement \
                 does not name: add it to the SELECT's joins, or with `update(..).from({table})` \
                 or `delete_from(..).using({table})`"
            ),
            Error::CartesianProduct { tables } => write!(
                f,
                "the SELECT's FROM tables {} are not connected by a join or a condition (a \
                 cartesian product): join them, add a condition that uses both, or ask for it \
                 with `.cross_join(..)`",
                tables
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Error::ValueOutOfRange { value, sql_type } => {
                write!(f, "value {value} is out of range for SQL type {sql_type:?}")
            }
            Error::PoolTimeout(m) => write!(f, "timed out waiting for a pooled connection: {m}"),
            Error::Connection(e) => write!(f, "connection error: {e}"),
            Error::Transaction(m) => write!(f, "transaction error: {m}"),
            Error::DependencyCycle(tables) => {
                write!(f, "foreign keys form a cycle among tables {tables:?}")
            }
            Error::NotLoaded { relation } => {
                write!(
                    f,
                    "relationship `{relation}` is not loaded and may not load on demand"
                )
            }
            Error::StaleData { table, message } => {
                write!(f, "stale data in `{table}`: {message}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Query { source, .. }
            | Error::Constraint { source, .. }
            | Error::Conflict { source, .. }
            | Error::Connection(source) => Some(&**source),
            _ => None,
        }
    }
}
