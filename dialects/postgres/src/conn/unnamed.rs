//! Statements run unnamed, without the prepared-statement cache: what a
//! proxy pooling by transaction (pgbouncer's `pool_mode = transaction`)
//! can carry, since each statement is parsed, bound and run in one round
//! trip on whichever server connection the proxy picked.

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{Format, IsNull, ToSql, Type, to_sql_checked};
use sqlalgebra::value::ValueRef;
use sqlalgebra::Result;

use super::{Driver, Failure, PgRow, array_type, fill_temporal, note_transaction, value_type};
use crate::types::{ArrayParam, Kind, Param, ValueParam, params_of};

/// One parameter of an unnamed statement: as the prepared path binds it,
/// except that text goes in text format, since the type the server infers
/// for it (a `date`, a `json`) is not known beforehand.
#[derive(Debug)]
enum Unnamed<'a> {
    Value(ValueParam<'a>),
    Array(ArrayParam<'a>),
}

impl ToSql for Unnamed<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Unnamed::Value(v) => v.to_sql(ty, out),
            Unnamed::Array(a) => a.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();

    fn encode_format(&self, ty: &Type) -> Format {
        match self {
            Unnamed::Value(ValueParam(ValueRef::Text(_))) if *ty == Type::UNKNOWN => Format::Text,
            Unnamed::Value(v) => v.encode_format(ty),
            Unnamed::Array(a) => a.encode_format(ty),
        }
    }
}

/// The parameters of `binds` with the types they are sent as: a value's
/// own type (text and NULL left to the server), an array's (`text[]` when
/// its elements are text or NULL).
fn parameters<'a>(binds: &'a [ValueRef<'a>]) -> Vec<(Unnamed<'a>, Type)> {
    params_of(binds)
        .map(|p| match p {
            Param::Value(v) => (Unnamed::Value(ValueParam(v)), value_type(&v)),
            Param::Array(elements) => {
                let first = elements
                    .iter()
                    .copied()
                    .find(|e| !matches!(e, ValueRef::Null))
                    .unwrap_or(ValueRef::Null);
                let ty = match array_type(&value_type(&first)) {
                    Type::UNKNOWN => Type::TEXT_ARRAY,
                    ty => ty,
                };
                (Unnamed::Array(ArrayParam(elements)), ty)
            }
        })
        .collect()
}

impl Driver {
    /// Runs `sql` as an unnamed statement and returns the rows it changed.
    pub(super) fn execute_unnamed(&mut self, sql: &str, binds: &[ValueRef<'_>]) -> Result<u64> {
        note_transaction(&mut self.in_transaction, sql);
        let params = parameters(binds);
        let outcome = (|| {
            let mut rows = self
                .client
                .query_typed_raw(sql, params.iter().map(|(p, t)| (p, t.clone())))?;
            while rows.next()?.is_some() {}
            Ok(rows.rows_affected().unwrap_or(0))
        })();
        outcome.map_err(|e| self.fail(sql, e))
    }

    /// Runs `sql` as an unnamed statement and calls `each` with every row
    /// as it arrives, until it returns `Ok(false)`.
    pub(super) fn query_unnamed<F>(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
        mut each: F,
    ) -> Result<()>
    where
        F: FnMut(&mut PgRow<'_>) -> Result<bool>,
    {
        note_transaction(&mut self.in_transaction, sql);
        let params = parameters(binds);
        let mut kinds = std::mem::take(&mut self.kinds);
        let mut temporal = Vec::new();
        let outcome = (|| {
            let mut rows = self
                .client
                .query_typed_raw(sql, params.iter().map(|(p, t)| (p, t.clone())))
                .map_err(Failure::Driver)?;
            let mut first = true;
            while let Some(row) = rows.next().map_err(Failure::Driver)? {
                if first {
                    kinds.clear();
                    kinds.extend(row.columns().iter().map(|c| Kind::of(c.type_())));
                    first = false;
                }
                if kinds.contains(&Kind::Temporal) {
                    fill_temporal(&row, &kinds, &mut temporal).map_err(Failure::Caller)?;
                }
                let more = each(&mut PgRow {
                    row: &row,
                    kinds: &kinds,
                    temporal: &temporal,
                    total: None,
                })
                .map_err(Failure::Caller)?;
                if !more {
                    break;
                }
            }
            Ok(())
        })();
        self.kinds = kinds;
        match outcome {
            Ok(()) => Ok(()),
            Err(Failure::Caller(e)) => Err(e),
            Err(Failure::Driver(e)) => Err(self.fail(sql, e)),
        }
    }
}
