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
/// these instead. It is one pointer wide (its [`ErrorKind`] is boxed), so
/// a `Result` of a decoded value stays small; match on
/// [`kind`](Error::kind), build one from an [`ErrorKind`] with `into()`.
///
/// ```
/// use sqlalgebra::{Error, ErrorKind};
/// let e: Error = ErrorKind::UnexpectedNull { column: "fullname".into() }.into();
/// assert!(matches!(e.kind(), ErrorKind::UnexpectedNull { column } if column == "fullname"));
/// assert_eq!(e.to_string(), "column `fullname` is NULL but the Rust type is not an Option");
/// assert_eq!(size_of::<Error>(), size_of::<usize>());
/// ```
pub struct Error {
    kind: Box<ErrorKind>,
}

/// What went wrong: the payload of an [`Error`], read with
/// [`Error::kind`] (or taken with [`Error::into_kind`]).
///
/// ```
/// use sqlalgebra::{Error, ErrorKind};
/// let e = Error::from(ErrorKind::NotFound);
/// match e.kind() {
///     ErrorKind::NotFound => {}
///     other => panic!("{other}"),
/// }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
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
    /// # use sqlalgebra::{Error, ErrorKind};
    /// let e: Error = ErrorKind::Ungrouped { table: "users".into(), column: "name".into(), clause: "SELECT" }.into();
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
    /// let e: sqlalgebra::Error = sqlalgebra::ErrorKind::TableNotInStatement {
    ///     table: "posts".into(),
    ///     column: "user_id".into(),
    /// }
    /// .into();
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
    /// use sqlalgebra::{Error, ErrorKind, types::SqlKind};
    /// let e: Error = ErrorKind::ValueOutOfRange { value: 1 << 40, sql_type: SqlKind::Integer }.into();
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
    /// let e: sqlalgebra::Error = sqlalgebra::ErrorKind::CartesianProduct {
    ///     tables: vec!["users".into(), "posts".into()],
    /// }
    /// .into();
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

impl Error {
    /// What went wrong, to match on.
    ///
    /// ```
    /// use sqlalgebra::{Error, ErrorKind};
    /// let e: Error = ErrorKind::MissingBind { name: "id".into() }.into();
    /// assert!(matches!(e.kind(), ErrorKind::MissingBind { name } if name == "id"));
    /// ```
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// What went wrong, taken out of the error (to move its fields).
    ///
    /// ```
    /// use sqlalgebra::{Error, ErrorKind};
    /// let e: Error = ErrorKind::DependencyCycle(vec!["a".into(), "b".into()]).into();
    /// let ErrorKind::DependencyCycle(tables) = e.into_kind() else { unreachable!() };
    /// assert_eq!(tables, ["a", "b"]);
    /// ```
    pub fn into_kind(self) -> ErrorKind {
        *self.kind
    }
}

impl From<ErrorKind> for Error {
    /// Boxes the kind. Out of line and cold: building an error is never
    /// the path a row takes when it decodes.
    #[cold]
    #[inline(never)]
    fn from(kind: ErrorKind) -> Self {
        Error {
            kind: Box::new(kind),
        }
    }
}

/// The source of an [`ErrorKind::Connection`] for a connection lost while
/// `COMMIT` was in flight: the transaction may or may not have been
/// committed, so [`Error::is_retryable`] says no. It wraps the driver's
/// error (its [`source`](std::error::Error::source)) and keeps the error
/// of the rollback that was tried after it, if that failed too.
///
/// ```
/// use sqlalgebra::{CommitInDoubt, ErrorKind};
/// let e = CommitInDoubt::wrap(ErrorKind::Connection("reset by peer".into()).into(), None);
/// assert!(matches!(e.kind(), ErrorKind::Connection(_)));
/// assert!(!e.is_retryable());
/// assert!(e.commit_in_doubt().unwrap().rollback_error().is_none());
/// assert!(e.to_string().contains("reset by peer"));
/// ```
#[derive(Debug)]
pub struct CommitInDoubt {
    source: BoxError,
    rollback: Option<Error>,
}

impl CommitInDoubt {
    /// Marks a connection lost during `COMMIT` as in doubt, keeping the
    /// error of the rollback tried after it; any other error is returned
    /// unchanged.
    ///
    /// ```
    /// use sqlalgebra::{CommitInDoubt, ErrorKind};
    /// let e = CommitInDoubt::wrap(ErrorKind::NotFound.into(), None);
    /// assert!(matches!(e.kind(), ErrorKind::NotFound));
    /// ```
    pub fn wrap(error: Error, rollback: Option<Error>) -> Error {
        match error.into_kind() {
            ErrorKind::Connection(source) if !source.is::<CommitInDoubt>() => {
                ErrorKind::Connection(Box::new(CommitInDoubt { source, rollback })).into()
            }
            other => other.into(),
        }
    }

    /// The error of the rollback tried after the failed `COMMIT`, if it
    /// failed too (on a lost connection it does).
    ///
    /// ```
    /// use sqlalgebra::{CommitInDoubt, ErrorKind};
    /// let e = CommitInDoubt::wrap(
    ///     ErrorKind::Connection("reset".into()).into(),
    ///     Some(ErrorKind::Connection("closed".into()).into()),
    /// );
    /// let doubt = e.commit_in_doubt().unwrap();
    /// assert!(matches!(doubt.rollback_error().map(|e| e.kind()), Some(ErrorKind::Connection(_))));
    /// ```
    pub fn rollback_error(&self) -> Option<&Error> {
        self.rollback.as_ref()
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

/// The kind of a violated constraint in [`ErrorKind::Constraint`].
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
        ErrorKind::Query {
            sql: sql.to_owned(),
            source: source.into(),
        }
        .into()
    }

    /// Whether running the whole transaction again may succeed: true for
    /// [`ErrorKind::Conflict`] (serialization failures, deadlocks), for a
    /// pool timeout, and for a lost connection ([`ErrorKind::Connection`]):
    /// the server rolls back what its session had not committed, so the
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
    /// use sqlalgebra::{Error, ErrorKind};
    /// assert!(Error::from(ErrorKind::PoolTimeout("busy".into())).is_retryable());
    /// assert!(Error::from(ErrorKind::Connection("reset by peer".into())).is_retryable());
    /// assert!(!Error::from(ErrorKind::NotFound).is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        match self.kind() {
            ErrorKind::Conflict { .. } | ErrorKind::PoolTimeout(_) => true,
            ErrorKind::Connection(source) => {
                !source.is::<CommitInDoubt>() && !source.is::<crate::ConnectFailure>()
            }
            _ => false,
        }
    }

    /// The [`CommitInDoubt`] context of a connection lost during `COMMIT`,
    /// if this is one.
    ///
    /// ```
    /// use sqlalgebra::{Error, ErrorKind};
    /// let e = Error::from(ErrorKind::Connection("reset by peer".into()));
    /// assert!(e.commit_in_doubt().is_none());
    /// ```
    pub fn commit_in_doubt(&self) -> Option<&CommitInDoubt> {
        match self.kind() {
            ErrorKind::Connection(source) => source.downcast_ref(),
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
        match self.kind() {
            ErrorKind::Query { sql, .. }
            | ErrorKind::Constraint { sql, .. }
            | ErrorKind::Conflict { sql, .. } => Some(sql),
            _ => None,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.kind(), f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.kind(), f)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::UnexpectedNull { column } => {
                write!(
                    f,
                    "column `{column}` is NULL but the Rust type is not an Option"
                )
            }
            ErrorKind::Decode { column, message } => {
                write!(f, "cannot decode column `{column}`: {message}")
            }
            ErrorKind::Query { sql, source } => write!(f, "{source} (in `{sql}`)"),
            ErrorKind::Constraint {
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
            ErrorKind::Conflict { sql, source } => {
                write!(
                    f,
                    "conflict with a concurrent transaction, retry it: {source} (in `{sql}`)"
                )
            }
            ErrorKind::NotFound => f.write_str("expected exactly one row, found none"),
            ErrorKind::TooManyRows => f.write_str("expected exactly one row, found more"),
            ErrorKind::MissingBind { name } => write!(f, "no value bound to `:{name}`"),
            ErrorKind::UnusedBind { name } => {
                write!(f, "a value is bound to `:{name}` but the SQL never uses it")
            }
            ErrorKind::Unsupported { dialect, feature } => {
                write!(f, "{dialect} does not support {feature}")
            }
            ErrorKind::InvalidStatement(m) => write!(f, "invalid statement: {m}"),
            ErrorKind::Ungrouped {
                table,
                column,
                clause,
            } => write!(
                f,
                "column \"{table}\".\"{column}\" in {clause} is neither grouped nor \
                 aggregated: add it to GROUP BY, or aggregate it (MIN, MAX, ...)"
            ),
            ErrorKind::TableNotInStatement { table, column } => write!(
                f,
                "column `{table}`.`{column}` belongs to table `{table}`, which the statement \
                 does not name: add it to the SELECT's joins, or with `update(..).from({table})` \
                 or `delete_from(..).using({table})`"
            ),
            ErrorKind::CartesianProduct { tables } => write!(
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
            ErrorKind::ValueOutOfRange { value, sql_type } => {
                write!(f, "value {value} is out of range for SQL type {sql_type:?}")
            }
            ErrorKind::PoolTimeout(m) => {
                write!(f, "timed out waiting for a pooled connection: {m}")
            }
            ErrorKind::Connection(e) => write!(f, "connection error: {e}"),
            ErrorKind::Transaction(m) => write!(f, "transaction error: {m}"),
            ErrorKind::DependencyCycle(tables) => {
                write!(f, "foreign keys form a cycle among tables {tables:?}")
            }
            ErrorKind::NotLoaded { relation } => {
                write!(
                    f,
                    "relationship `{relation}` is not loaded and may not load on demand"
                )
            }
            ErrorKind::StaleData { table, message } => {
                write!(f, "stale data in `{table}`: {message}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.kind() {
            ErrorKind::Query { source, .. }
            | ErrorKind::Constraint { source, .. }
            | ErrorKind::Conflict { source, .. }
            | ErrorKind::Connection(source) => Some(&**source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_one_pointer() {
        assert!(size_of::<Error>() <= 16, "{}", size_of::<Error>());
        assert!(size_of::<Result<(), Error>>() <= 16);
        assert_eq!(size_of::<Error>(), size_of::<usize>());
        // A decoded cell's result is its value plus at most a word.
        assert!(size_of::<Result<Option<String>>>() <= size_of::<String>() + 8);
        assert!(size_of::<Result<i64>>() <= 16);
    }

    #[test]
    fn the_kind_survives_the_box() {
        let e: Error = ErrorKind::Unsupported {
            dialect: "sqlite",
            feature: "FULL JOIN",
        }
        .into();
        assert!(matches!(
            e.kind(),
            ErrorKind::Unsupported {
                dialect: "sqlite",
                feature: "FULL JOIN"
            }
        ));
        assert_eq!(e.to_string(), "sqlite does not support FULL JOIN");
        assert_eq!(format!("{e:?}"), format!("{:?}", e.kind()));
        let wrapped = CommitInDoubt::wrap(ErrorKind::Connection("reset".into()).into(), None);
        assert!(wrapped.commit_in_doubt().is_some());
        assert!(std::error::Error::source(&wrapped).is_some());
        assert!(matches!(e.into_kind(), ErrorKind::Unsupported { .. }));
    }
}
