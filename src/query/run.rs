//! Running statements on a connection.

use crate::conn::Connection;
use crate::error::{Error, Result};
use crate::render::Statement;
use crate::value::FromRow;

/// A statement that returns rows of SQL type `SqlType`.
pub trait Query: Statement {
    /// The SQL type of one row: a single type or a tuple.
    type SqlType;
}

/// `load`, `get` and `first`: for every statement that returns rows.
///
/// The Rust row type is checked against the statement's SQL types at
/// compile time.
pub trait RunQuery: Query + Sized {
    /// All rows.
    ///
    /// # Errors
    /// When the statement fails or a row does not fit `T`.
    fn load<T, C>(&self, conn: &mut C) -> Result<Vec<T>>
    where
        T: FromRow<Self::SqlType>,
        C: Connection,
    {
        let r = self.to_sql(conn.dialect())?;
        let mut rows = Vec::new();
        conn.query_sql(&r.sql, &r.binds, |row| {
            rows.push(T::from_row(row, 0)?);
            Ok(true)
        })?;
        Ok(rows)
    }

    /// Exactly one row.
    ///
    /// # Errors
    /// [`Error::NotFound`] for no row, [`Error::TooManyRows`] for more than
    /// one; otherwise as [`load`](RunQuery::load).
    fn get<T, C>(&self, conn: &mut C) -> Result<T>
    where
        T: FromRow<Self::SqlType>,
        C: Connection,
    {
        let r = self.to_sql(conn.dialect())?;
        let mut found = None;
        let mut extra = false;
        conn.query_sql(&r.sql, &r.binds, |row| {
            if found.is_some() {
                extra = true;
                return Ok(false);
            }
            found = Some(T::from_row(row, 0)?);
            Ok(true)
        })?;
        match (found, extra) {
            (Some(_), true) => Err(Error::TooManyRows),
            (Some(v), false) => Ok(v),
            (None, _) => Err(Error::NotFound),
        }
    }

    /// The first row, if any.
    ///
    /// # Errors
    /// As [`load`](RunQuery::load).
    fn first<T, C>(&self, conn: &mut C) -> Result<Option<T>>
    where
        T: FromRow<Self::SqlType>,
        C: Connection,
    {
        let r = self.to_sql(conn.dialect())?;
        let mut found = None;
        conn.query_sql(&r.sql, &r.binds, |row| {
            found = Some(T::from_row(row, 0)?);
            Ok(false)
        })?;
        Ok(found)
    }
}

impl<Q: Query> RunQuery for Q {}

/// `execute`: for every statement.
pub trait Execute: Statement + Sized {
    /// Runs the statement; returns the number of rows it changed.
    ///
    /// # Errors
    /// When the statement cannot be rendered or the database refuses it.
    fn execute<C: Connection>(&self, conn: &mut C) -> Result<u64> {
        let r = self.to_sql(conn.dialect())?;
        conn.execute_sql(&r.sql, &r.binds)
    }
}

impl<S: Statement> Execute for S {}
