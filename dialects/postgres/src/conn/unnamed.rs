//! Statements run unnamed, without the prepared-statement cache: what a
//! proxy pooling by transaction (pgbouncer's `pool_mode = transaction`)
//! can carry, since each statement is parsed, bound and run in one round
//! trip on whichever server connection the proxy picked.

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{Format, IsNull, ToSql, Type, to_sql_checked};
use sqlalgebra::Result;
use sqlalgebra::value::ValueRef;

use super::{Driver, Failure, PgRow, array_type, fill_temporal, note_transaction, value_type};
use crate::types::{ArrayParam, Kind, Param, ValueParam, params_of};

/// One parameter of an unnamed statement: as the prepared path binds it,
/// except that text goes in text format, since the type the server infers
/// for it (a `date`, a `json`) is not known beforehand.
#[derive(Debug)]
pub(crate) enum Unnamed<'a> {
    Value(ValueParam<'a>),
    Array(ArrayParam<'a>),
    /// An array of text, integers or NULLs: an array literal in text
    /// format, typed by the server (`int_column = ANY($1)` with `{NULL}`
    /// is an `int4[]`; `int4_array_column @> $1` with `{1,2}` too, where
    /// an `int8[]` would find no operator).
    TextArray(&'a [ValueRef<'a>]),
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
            Unnamed::TextArray(elements) => {
                text_array(elements, out)?;
                Ok(IsNull::No)
            }
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
            Unnamed::TextArray(_) => Format::Text,
        }
    }
}

/// The parameters of `binds` with the types they are sent as: a value's
/// own type (text and NULL left to the server), an array's (an array of
/// text, integers or NULLs left to the server too).
pub(crate) fn parameters<'a>(binds: &'a [ValueRef<'a>]) -> Vec<(Unnamed<'a>, Type)> {
    params_of(binds)
        .map(|p| match p {
            Param::Value(v) => (Unnamed::Value(ValueParam(v)), value_type(&v)),
            Param::Array(elements) => {
                let first = elements
                    .iter()
                    .copied()
                    .find(|e| !matches!(e, ValueRef::Null))
                    .unwrap_or(ValueRef::Null);
                match array_type(&value_type(&first)) {
                    _ if matches!(first, ValueRef::Int(_)) => {
                        (Unnamed::TextArray(elements), Type::UNKNOWN)
                    }
                    Type::UNKNOWN => (Unnamed::TextArray(elements), Type::UNKNOWN),
                    ty => (Unnamed::Array(ArrayParam(elements)), ty),
                }
            }
        })
        .collect()
}

/// Writes `elements` (text or integers, and NULLs) as an array literal:
/// `{"a",NULL}`, `{1,-2}`.
fn text_array(
    elements: &[ValueRef<'_>],
    out: &mut bytes::BytesMut,
) -> Result<(), Box<dyn std::error::Error + Sync + Send>> {
    out.extend_from_slice(b"{");
    for (i, e) in elements.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",");
        }
        match e {
            ValueRef::Null => out.extend_from_slice(b"NULL"),
            ValueRef::Int(n) => out.extend_from_slice(n.to_string().as_bytes()),
            ValueRef::Text(s) => {
                out.extend_from_slice(b"\"");
                for b in s.bytes() {
                    if b == b'"' || b == b'\\' {
                        out.extend_from_slice(b"\\");
                    }
                    out.extend_from_slice(&[b]);
                }
                out.extend_from_slice(b"\"");
            }
            other => {
                return Err(format!(
                    "cannot bind an array mixing text with {} values",
                    other.kind()
                )
                .into());
            }
        }
    }
    out.extend_from_slice(b"}");
    Ok(())
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
    /// until it returns `Ok(false)`.
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
        let stream = self.stream_rows;
        let mut kinds = std::mem::take(&mut self.kinds);
        let mut temporal = Vec::new();
        let outcome = (|| {
            let mut rows = self
                .client
                .query_typed_raw(sql, params.iter().map(|(p, t)| (p, t.clone())))
                .map_err(Failure::Driver)?;
            // Fetched whole unless rows are streamed, as prepared
            // statements are (see `set_stream_rows`).
            let whole = if stream {
                None
            } else {
                Some(rows.by_ref().collect::<Vec<_>>().map_err(Failure::Driver)?)
            };
            let total = whole.as_ref().map(Vec::len);
            let mut whole = whole.map(Vec::into_iter);
            let mut first = true;
            loop {
                let row = match &mut whole {
                    Some(all) => all.next(),
                    None => rows.next().map_err(Failure::Driver)?,
                };
                let Some(row) = row else { break };
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
                    total,
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
