//! # sqlalgebra
//!
//! A SQL toolkit in the spirit of SQLAlchemy Core, as a trait-generic,
//! no-macro query algebra: tables and columns are unit structs you
//! implement [`Table`] and [`Column`] on by hand; queries are typed trees
//! checked by the compiler; they render through a [`Dialect`](render::Dialect)
//! for SQLite, PostgreSQL or MySQL, with every value bound, never spliced.
//!
//! ```
//! use sqlalgebra::prelude::*;
//! use sqlalgebra_sqlite::Sqlite;
//!
//! #[derive(Clone, Copy, Debug, Default)]
//! pub struct Users;
//! impl Table for Users {
//!     const NAME: &'static str = "user_account";
//!     type Columns = (users::Id, users::Name, users::Fullname);
//!     type PrimaryKey = users::Id;
//! }
//!
//! pub mod users {
//!     use sqlalgebra::prelude::*;
//!     #[derive(Clone, Copy, Debug, Default)] pub struct Id;
//!     #[derive(Clone, Copy, Debug, Default)] pub struct Name;
//!     #[derive(Clone, Copy, Debug, Default)] pub struct Fullname;
//!     impl Column for Id {
//!         type Table = super::Users; type SqlType = BigInt; const NAME: &'static str = "id";
//!         const AUTOINCREMENT: bool = true;
//!     }
//!     impl Column for Name { type Table = super::Users; type SqlType = Text; const NAME: &'static str = "name"; }
//!     impl Column for Fullname { type Table = super::Users; type SqlType = Nullable<Text>; const NAME: &'static str = "fullname"; }
//! }
//!
//! fn main() -> sqlalgebra::Result<()> {
//!     let engine = Sqlite::memory()?;
//!     let mut conn = engine.connect()?;
//!     create_all::<Users>(&mut conn)?;
//!
//!     insert_into(Users)
//!         .values((users::Name.set("alice"), users::Fullname.set("Alice Smith")))
//!         .execute(&mut conn)?;
//!
//!     let rows: Vec<(i64, String)> = select((users::Id, users::Name))
//!         .filter(users::Name.like("a%").and(users::Id.gt(0)))
//!         .order_by(users::Name.desc())
//!         .limit(10)
//!         .load(&mut conn)?;
//!     assert_eq!(rows, [(1, "alice".to_string())]);
//!
//!     let n: i64 = select(count_star()).from(Users).get(&mut conn)?;
//!     assert_eq!(n, 1);
//!     Ok(())
//! }
//! ```
//!
//! ## The ORM
//!
//! On top of the Core, [`orm`] maps rows to Rust structs: a [`Model`](orm::Model)
//! says which table and columns a struct is loaded from and written to (a
//! few lines by hand, no macro), and a [`Session`](orm::Session) is the
//! unit of work: an identity map of the objects it loaded or was given,
//! whose changes it writes at `flush` / `commit`, in one transaction.
//! Relationships ([`BelongsTo`](orm::BelongsTo), [`HasMany`](orm::HasMany),
//! [`HasOne`](orm::HasOne), [`ManyToMany`](orm::ManyToMany)) load lazily,
//! with `selectin_*` or with joins, and queries can follow them.
//!
//! ```
//! use sqlalgebra::prelude::*;
//! # use sqlalgebra::orm::doc_models::{Users, users};
//! // `Users` and its columns are defined as `Users` above.
//! #[derive(Debug, Clone, PartialEq)]
//! pub struct User { id: i64, name: String, status: String }
//!
//! impl Model for User {
//!     type Table = Users;
//!     type Columns = (users::Id, users::Name, users::Status);
//!     type Row = (i64, String, String);
//!     type Key = i64;
//!     fn from_row((id, name, status): Self::Row) -> Self { User { id, name, status } }
//!     fn values(&self) -> (&i64, &String, &String) { (&self.id, &self.name, &self.status) }
//!     fn key(&self) -> i64 { self.id }
//!     fn set_generated_key(&mut self, id: i64) { self.id = id; }
//! }
//!
//! fn main() -> sqlalgebra::Result<()> {
//!     let engine = sqlalgebra_sqlite::Sqlite::memory()?;
//!     let mut conn = engine.connect()?;
//!     create_all::<Users>(&mut conn)?;
//!
//!     let mut s = Session::new(&mut conn);
//!     let ann = s.add(User { id: 0, name: "ann".into(), status: "new".into() });
//!     s.add(User { id: 0, name: "bob".into(), status: "new".into() });
//!     s.flush()?; // two INSERTs; the ids are filled in
//!     assert_eq!(s[ann].id, 1);
//!
//!     s[ann].status = "active".into(); // tracked: an UPDATE at commit
//!     s.commit()?;
//!
//!     let active = s.query::<User>().filter(users::Status.eq("active")).all()?;
//!     assert_eq!(active, [ann]); // the same object: one per primary key
//!     assert_eq!(s[active[0]].name, "ann");
//!     Ok(())
//! }
//! ```
//!
//! ## Example programs
//!
//! Each is a complete program in the repository's `examples/` directory,
//! run with `cargo run --example NAME`; those marked * need a server, those
//! marked † the `async` feature.
//!
//! | Program | What it shows |
//! |---|---|
//! | `examples/quickstart.rs` | engine, tables, insert, select, a join, count, update, delete, transactions, raw text |
//! | `examples/queries.rs` | aliases, subqueries, derived tables, set operations, recursive CTEs, dynamic queries, upserts, RETURNING |
//! | `examples/functions.rs` | CASE, CAST, COALESCE, string and date functions, window functions |
//! | `examples/multi_table_writes.rs` | `update(..).from(..)`, `delete_from(..).using(..)`, correlated EXISTS |
//! | `examples/joins.rs` | every join kind (INNER, LEFT, RIGHT, FULL, CROSS, LATERAL) and the Rust types the outer ones load into |
//! | `examples/json.rs` | JSON operators and how each dialect spells them |
//! | `examples/enums.rs` | Rust enums as SQL enums on each dialect |
//! | `examples/arrays.rs` * | PostgreSQL arrays, and the typed refusal elsewhere |
//! | `examples/reflection.rs` | reflecting the tables of an existing database |
//! | `examples/orm_tour.rs` | models, sessions, every kind of relationship, loading strategies, savepoints |
//! | `examples/orm_events.rs` | bulk UPDATE / DELETE that keep the session in step, values the server computes, model hooks and session listeners |
//! | `examples/repository.rs` | a generic repository, soft delete, timestamps |
//! | `examples/locking.rs` | isolation levels, row locks, `SKIP LOCKED` job queues (SQLite; also PostgreSQL / MySQL when their URLs are set) |
//! | `examples/postgres.rs` *, `examples/mysql.rs` * | the quickstart on PostgreSQL and MySQL / MariaDB |
//! | `examples/scale_out.rs` * | a primary with a hot standby, pgbouncer, a MariaDB Galera cluster (`scripts/cluster-up.sh`) |
//! | `examples/async_tour.rs` †, `examples/async_service.rs` † | the async Core API and a pooled tokio service |
//! | `examples/tpch/` | the 22 TPC-H queries, checked |

#[cfg(feature = "async")]
pub mod asyncio;
pub mod conn;
mod connect_failure;
pub mod engine;
mod error;
pub mod expr;
pub mod hooks;
pub mod integrations;
mod isolation;
mod macros;
pub mod multi_primary;
mod observe;
pub mod orm;
pub mod query;
pub mod render;
pub mod retry;
pub mod routing;
pub mod schema;
pub mod shard;
pub mod types;
pub mod value;

pub use conn::Connection;
pub use connect_failure::{ConnectFailure, ConnectFailureKind};
pub use engine::{Backend, Engine, PoolOptions, Pooled};
pub use error::{BoxError, CommitInDoubt, ConstraintKind, Error, ErrorKind, Result};
pub use isolation::IsolationLevel;
pub use schema::{Column, Table};

/// Everything a user of the algebra needs, in one import.
pub mod prelude {
    pub use crate::conn::Connection;
    pub use crate::engine::{Engine, PoolOptions};
    pub use crate::expr::{
        BoolExpressionMethods, Expression, ExpressionMethods, IntoExpr, Label,
        NumericExpressionMethods, TextExpressionMethods, and, avg, bind, count, count_star, max,
        min, not, or, sum,
    };
    pub use crate::expr::{
        DatePart, FrameBound, WindowFunction, abs, case_when, cast, coalesce, dense_rank, extract,
        extract_day, extract_month, extract_year, func, lag, lead, length, literal, lower, now,
        ntile, nullif, rank, replace, round, row_number, substr, trim, upper, window,
    };
    pub use crate::orm::{
        BelongsTo, Cascade, Handle, HasMany, HasOne, ManyToMany, Model, RelatedExt, Relationships,
        Session, Version,
    };
    pub use crate::query::{
        BoxExpression, ColumnMethods, Execute, Query, QueryEach, ReturningMethods, RunQuery,
        ScopeChecked, SetOperations, StatementRow, SubqueryMethods, WithMethods, alias, cte,
        delete_from, exists, insert_into, select, text, update,
    };
    pub use crate::render::Statement;
    pub use crate::schema::{
        Column, ColumnDefault, ColumnList, ForeignKey, ReferentialAction, Table, check, create_all,
        drop_all, foreign_key, index, unique_index,
    };
    pub use crate::types::{
        BigInt, Blob, Bool, Date, Double, Enum, Integer, Json, Jsonb, Nullable, Numeric, Real,
        SmallInt, SqlEnum, Text, Time, Timestamp, TimestampTz, Uuid, Varchar,
    };
    pub use crate::value::FromRow;
}
