//! Statements: SELECT, INSERT, UPDATE, DELETE and raw `text()`, and the
//! traits that run them.

mod clause;
mod run;
mod select;
mod text;
mod write;

pub use clause::{
    AndPredicate, Assign, Assignments, Clause, ColumnMethods, MaybeClause, Predicate, Selection,
};
pub use run::{Execute, Query, RunQuery};
pub use select::{From, FromClause, Inferred, Join, JoinKind, Modifiers, Select, select};
pub use text::{TextQuery, Value, text};
pub use write::{
    Delete, Insert, InsertInto, InsertValues, Update, UpdateTable, delete_from, insert_into, update,
};
