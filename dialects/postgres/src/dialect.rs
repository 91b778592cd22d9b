//! The PostgreSQL dialect.

use sqlalgebra::render::{Dialect, push_int};

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

impl Dialect for Postgres {
    fn name(&self) -> &'static str {
        "postgresql"
    }

    fn supports_distinct_on(&self) -> bool {
        true
    }

    fn write_placeholder(&self, out: &mut String, n: usize) {
        out.push('$');
        push_int(out, n as i64);
    }
}
