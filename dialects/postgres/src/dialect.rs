//! The PostgreSQL dialect.

use sqlalgebra::expr::DatePart;
use sqlalgebra::render::{Dialect, Render, SqlWriter, push_int};
use sqlalgebra::{Error, ErrorKind, IsolationLevel};

/// PostgreSQL: `"quoted"` identifiers, `$n` placeholders, native ILIKE,
/// identity columns.
///
/// It is also the backend: [`Postgres::connect`] makes pooled engines.
///
/// ```
/// use sqlalgebra::render::Dialect;
/// use sqlalgebra_postgres::Postgres;
/// let mut s = String::new();
/// Postgres.write_placeholder(&mut s, 3);
/// assert_eq!(s, "$3");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Postgres;

/// As a connection's [`Backend`](sqlalgebra::Connection::Backend):
/// PostgreSQL has `DISTINCT ON` and RETURNING on every write.
impl sqlalgebra::query::Capabilities for Postgres {}
impl sqlalgebra::query::HasDistinctOn for Postgres {}
impl sqlalgebra::query::HasUpdateReturning for Postgres {}

impl Dialect for Postgres {
    fn name(&self) -> &'static str {
        "postgresql"
    }

    /// `SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL ...`;
    /// back to the default with `RESET default_transaction_isolation`.
    fn set_session_isolation(
        &self,
        level: Option<IsolationLevel>,
    ) -> Result<Option<&'static str>, Error> {
        match level {
            None => Ok(Some("RESET default_transaction_isolation")),
            Some(level) => level.set_session_sql().map(Some).ok_or_else(|| {
                ErrorKind::Unsupported {
                    dialect: self.name(),
                    feature: level.feature(),
                }
                .into()
            }),
        }
    }

    fn reflect_columns_sql(&self) -> Option<&'static str> {
        Some(
            "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), \
             (CASE WHEN a.attnotnull THEN 0 ELSE 1 END)::int8, \
             (CASE WHEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid \
             AND i.indisprimary AND a.attnum = ANY(i.indkey)) THEN 1 ELSE 0 END)::int8 \
             FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid \
             WHERE c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace \
             AND a.attnum > 0 AND NOT a.attisdropped \
             ORDER BY c.relname, a.attnum",
        )
    }

    fn creates_enum_types(&self) -> bool {
        true
    }

    fn binds_arrays(&self) -> bool {
        true
    }

    fn supports_insert_returning(&self) -> bool {
        true
    }

    fn supports_distinct_on(&self) -> bool {
        true
    }

    fn supports_lateral(&self) -> bool {
        true
    }

    fn repeats_placeholders(&self) -> bool {
        true
    }

    fn write_placeholder(&self, out: &mut String, n: usize) {
        out.push('$');
        push_int(out, n as i64);
    }

    fn write_round<'a>(
        &self,
        w: &mut SqlWriter<'a>,
        value: &'a dyn Render,
        digits: &'a dyn Render,
    ) {
        // There is no ROUND(double precision, integer): round as NUMERIC,
        // and come back to a double so the value loads as one. Integers
        // bind as BIGINT, and ROUND takes an INTEGER.
        w.push_sql("CAST(ROUND(CAST(");
        value.render(w);
        w.push_sql(" AS NUMERIC), CAST(");
        digits.render(w);
        w.push_sql(" AS INTEGER)) AS DOUBLE PRECISION)");
    }

    fn write_substring<'a>(
        &self,
        w: &mut SqlWriter<'a>,
        text: &'a dyn Render,
        start: &'a dyn Render,
        len: &'a dyn Render,
    ) {
        // Integers bind as BIGINT, and SUBSTRING takes INTEGER positions.
        w.push_sql("SUBSTRING(");
        text.render(w);
        w.push_sql(", CAST(");
        start.render(w);
        w.push_sql(" AS INTEGER), CAST(");
        len.render(w);
        w.push_sql(" AS INTEGER))");
    }

    fn write_date_part<'a>(&self, w: &mut SqlWriter<'a>, part: DatePart, value: &'a dyn Render) {
        // EXTRACT returns NUMERIC (double precision before version 14).
        w.push_sql("CAST(EXTRACT(");
        w.push_sql(part.keyword());
        w.push_sql(" FROM ");
        value.render(w);
        w.push_sql(") AS INTEGER)");
    }
}
