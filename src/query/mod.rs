//! Statements: SELECT, INSERT, UPDATE, DELETE and raw `text()`, and the
//! traits that run them.

mod boxed;
mod capability;
mod checked;
mod clause;
mod compound;
mod connected;
mod cte;
mod derived;
mod each;
mod insert;
mod join;
mod lateral;
mod lock;
mod outer;
mod returning;
pub(crate) mod run;
mod scope;
mod select;
mod subquery;
mod text;
mod write;

pub use boxed::{BoxExpression, BoxedExpr, BoxedSelect};
pub use capability::{
    Capabilities, DistinctOnFor, Dynamic, DynamicBackend, HasDistinctOn, HasUpdateReturning,
    ReturningFor, Runs, RunsOn,
};
pub use checked::{Accepted, AssignArg, Decoy, OrderArg, Refused, SelectArg, ValuesArg};
pub use clause::{
    AndPredicate, Assign, Assignments, Clause, ColumnMethods, MaybeClause, Predicate, Selection,
};
pub use compound::{Compound, SetOp, SetOperations};
pub use cte::{Cte, CteDef, CteList, With, WithMethods, cte};
pub use derived::{CteOf, FindColumn, ItemList, Named, Outputs, SelectedAs, Selects};
pub use each::QueryEach;
pub use insert::{
    DoNothing, Excluded, Insert, InsertColumns, InsertInto, InsertSelect, InsertValues, OnConflict,
    Upsert, excluded, insert_into,
};
pub use join::{
    CrossJoin, ExplicitFrom, FullJoin, InnerJoin, Join, JoinKind, JoinType, LeftJoin, NoCondition,
    RightJoin,
};
pub use lateral::{Lateral, lateral};
pub use lock::{LockStrength, LockWait, RowLock};
pub use outer::{
    AllNulled, AnyKept, FlagAt, Kept, LoadedAs, NullFlag, Nulled, OuterJoined, PushSide, SelectRow,
    StatementRow, Unouter,
};
pub use returning::{Returning, ReturningMethods, WriteStatement};
pub use run::{Execute, Query, RunQuery};
pub use scope::{
    AnyTable, Anywhere, ColumnOf, Cons, Here, InFrom, InScope, JoinsInScope, Nil, PushTable,
    ScopeChecked, ScopeOf, Scoped, SelectInScope, StatementScope, There,
};
pub use select::{From, FromClause, Inferred, Modifiers, Select, select};
pub(crate) use select::{SelectParts, render_select, write_limit_offset};
pub use subquery::{
    Alias, Derived, Exists, InSubquery, ScalarSubquery, SourceColumn, SubqueryMethods, alias,
    exists,
};
pub use text::{TextQuery, Value, text};
pub(crate) use write::in_write_scope;
pub use write::{Delete, Update, UpdateTable, WriteSources, delete_from, update};
