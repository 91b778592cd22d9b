//! Builder arguments refused once.
//!
//! When a builder's argument is refused (`select((id, "name"))`,
//! `filter("id > 5")`, `order_by("name")`, a column of another table in
//! `set`), rustc reports the refusal; but if the builder still returned
//! a statement, the statement would not be a query, and rustc would also
//! report `load`/`execute` as "method exists but its trait bounds were not
//! satisfied" (E0599, 12–15 lines nobody can customise).
//!
//! So each such builder names its result through a trait with an index
//! the compiler infers (`K`), which has two impls: the real one
//! ([`Accepted`]) and a decoy ([`Refused`]) that no type satisfies. With
//! two candidates, rustc checks each one's bounds; when both fail, the
//! result type is an error, and nothing downstream is reported again. A
//! right argument satisfies exactly the real impl, so `K` is inferred and
//! nothing changes for the user.
//!
//! ```compile_fail
//! use sqlalgebra::prelude::*;
//! # #[derive(Clone, Copy, Debug, Default)] pub struct T;
//! # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
//! # #[derive(Clone, Copy, Debug, Default)] pub struct A;
//! # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
//! # fn run(conn: &mut impl Connection<Backend = sqlalgebra::query::Dynamic>) -> sqlalgebra::Result<()> {
//! // One error, at `"name"`: none at `load`.
//! let rows: Vec<(i64, String)> = select((A, "name")).load(conn)?;
//! # Ok(()) }
//! ```

use super::clause::{Assignments, Selection};
use super::insert::InsertValues;
use crate::expr::OrderBy;
use crate::schema::Table;

/// The index of the impl that applies to a right argument.
///
/// ```
/// use sqlalgebra::query::{Accepted, SelectArg};
/// # use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// fn selectable<S: SelectArg<Accepted>>() {}
/// selectable::<(A, A)>();
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Accepted;

/// The index of the decoy impls, which apply to no type (see the module
/// docs: they make a refused argument an error type).
///
/// ```
/// use sqlalgebra::query::Refused;
/// fn index<K>() {}
/// index::<Refused>();
/// ```
#[derive(Debug, Clone, Copy)]
pub enum Refused {}

mod sealed {
    /// Implemented by no type.
    pub trait Never {}
}

/// Implemented by no type (sealed): the bound of the decoy impls.
///
/// ```compile_fail
/// use sqlalgebra::query::Decoy;
/// struct Mine;
/// impl Decoy for Mine {}
/// ```
pub trait Decoy: sealed::Never {}

/// What `select` accepts: a column, an expression, or a tuple of up to 16
/// of them ([`Selection`]).
///
/// ```
/// use sqlalgebra::query::{Accepted, SelectArg};
/// # use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// fn selectable<S: SelectArg<Accepted>>() {}
/// selectable::<(A, A)>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be selected",
    label = "expected a column, an expression, or a tuple of up to 16 of them"
)]
pub trait SelectArg<K> {
    /// The SELECT list.
    type Selection: Selection;
}

#[diagnostic::do_not_recommend]
impl<S: Selection> SelectArg<Accepted> for S {
    type Selection = S;
}

#[diagnostic::do_not_recommend]
impl<S: Selection + Decoy> SelectArg<Refused> for S {
    type Selection = S;
}

/// What `order_by` accepts: an expression, `expr.asc()`, `expr.desc()`
/// or a tuple of them ([`OrderBy`]).
///
/// ```
/// use sqlalgebra::query::{Accepted, OrderArg};
/// # use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// fn orders<O: OrderArg<Accepted>>() {}
/// orders::<A>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used in ORDER BY",
    label = "expected an expression, `expr.asc()`, `expr.desc()` or a tuple of them"
)]
pub trait OrderArg<K> {
    /// The ORDER BY terms.
    type Order: OrderBy;
}

#[diagnostic::do_not_recommend]
impl<O: OrderBy> OrderArg<Accepted> for O {
    type Order = O;
}

#[diagnostic::do_not_recommend]
impl<O: OrderBy + Decoy> OrderArg<Refused> for O {
    type Order = O;
}

/// What `update(T).set` accepts: assignments to columns of `T`
/// ([`Assignments`]).
///
/// ```
/// use sqlalgebra::query::{Accepted, AssignArg};
/// # use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// fn sets<V: AssignArg<T, Accepted>>(_: V) {}
/// sets(A.set(1));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not assign columns of table `{T}`",
    label = "expected `column.set(value)` or a tuple of them, all on columns of `{T}`",
    note = "an INSERT or UPDATE can only set columns of its own table"
)]
pub trait AssignArg<T: Table, K> {
    /// The assignments.
    type Assignments: Assignments<T>;
}

impl<T: Table, A: Assignments<T>> AssignArg<T, Accepted> for A {
    type Assignments = A;
}

#[diagnostic::do_not_recommend]
impl<T: Table, A: Assignments<T> + Decoy> AssignArg<T, Refused> for A {
    type Assignments = A;
}

/// What `insert_into(T).values` accepts: rows of assignments to columns of
/// `T` ([`InsertValues`]).
///
/// ```
/// use sqlalgebra::query::{Accepted, ValuesArg};
/// # use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// fn rows<V: ValuesArg<T, Accepted>>(_: V) {}
/// rows(vec![A.set(1), A.set(2)]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be inserted into table `{T}`",
    label = "expected `column.set(value)`, a tuple of them, or a Vec of such rows, on columns of `{T}`",
    note = "an INSERT can only set columns of its own table, with values of their SQL types"
)]
pub trait ValuesArg<T: Table, K> {
    /// The rows.
    type Values: InsertValues<T>;
}

impl<T: Table, V: InsertValues<T>> ValuesArg<T, Accepted> for V {
    type Values = V;
}

#[diagnostic::do_not_recommend]
impl<T: Table, V: InsertValues<T> + Decoy> ValuesArg<T, Refused> for V {
    type Values = V;
}
