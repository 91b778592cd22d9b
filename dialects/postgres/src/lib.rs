//! The PostgreSQL dialect of sqlalgebra.
//!
//! ```
//! use sqlalgebra::prelude::*;
//! use sqlalgebra_postgres::Postgres;
//! # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
//! # impl Table for Users { const NAME: &'static str = "users"; type Columns = Id; type PrimaryKey = Id; }
//! # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
//! # impl Column for Id { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; }
//! let q = select(Id).filter(Id.gt(1)).limit(5);
//! assert_eq!(q.to_sql(&Postgres).unwrap().sql,
//!     r#"SELECT "users"."id" FROM "users" WHERE "users"."id" > $1 LIMIT $2"#);
//! ```

use sqlalgebra::render::{Dialect, push_int};

/// PostgreSQL: `"quoted"` identifiers, `$n` placeholders, native ILIKE,
/// identity columns.
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
