//! Table scope at the type level: when a SELECT names its FROM table
//! (`.from(T)`) or joins, every column it uses must belong to one of
//! those tables, checked when the statement is run (`load`, `get`,
//! `first`).
//!
//! The FROM table and the joined ones form a type-level list
//! ([`Cons`]`<Joined, Cons<Base, Nil>>`). A column is *in* the list when
//! its table is one of its elements, found by an index the compiler
//! infers ([`Here`], [`There`]`<Here>`, ...; as frunk's selectors do):
//! one impl per list shape, none per table or pair of tables, so a schema
//! of 100 tables adds no impls at all. Every expression node is in scope
//! when its children are ([`InScope`]); a statement is checked when its
//! clauses are ([`ScopeChecked`]).
//!
//! - An alias is a table of its own: `alias(Emp, "m")` puts `Alias<Emp>`
//!   in the list, so a column of `Emp` itself needs `Emp` there too.
//!   Columns reached through aliases, derived tables and CTEs
//!   ([`SourceColumn`](super::SourceColumn)), dynamic columns and boxed
//!   expressions carry no table in their type: they are checked when the
//!   statement is rendered ([`ErrorKind::TableNotInStatement`](crate::Error)).
//! - A SELECT whose FROM is inferred (no `.from`) accepts every table.
//! - Subqueries are checked when rendered: they may refer to the tables of
//!   the enclosing query (correlation), and a table they name in their own
//!   FROM shadows the enclosing one, which a type-level lookup cannot
//!   express without ambiguity.
//!
//! ```compile_fail
//! use sqlalgebra::prelude::*;
//! # #[derive(Clone, Copy, Debug, Default)] pub struct Book;
//! # impl Table for Book { const NAME: &'static str = "book"; type Columns = Title; type PrimaryKey = Title; }
//! # #[derive(Clone, Copy, Debug, Default)] pub struct Title;
//! # impl Column for Title { type Table = Book; type SqlType = Text; const NAME: &'static str = "title"; }
//! # #[derive(Clone, Copy, Debug, Default)] pub struct Shelf;
//! # impl Table for Shelf { const NAME: &'static str = "shelf"; type Columns = Label; type PrimaryKey = Label; }
//! # #[derive(Clone, Copy, Debug, Default)] pub struct Label;
//! # impl Column for Label { type Table = Shelf; type SqlType = Text; const NAME: &'static str = "label"; }
//! let mut conn = sqlalgebra_sqlite::Sqlite::memory().unwrap().connect().unwrap();
//! // `shelf` is neither in FROM nor joined: does not compile.
//! let rows: Vec<String> = select(Title).from(Book).filter(Label.eq("x")).load(&mut conn).unwrap();
//! ```

use std::marker::PhantomData;

use super::join::Join;
use super::outer::{AnyKept, Kept, PushSide};
use super::select::{From, Inferred, Modifiers, Select};
use crate::macros::in_scope;
use crate::schema::Column;

/// The empty list of tables: the scope of a statement that is not nested
/// in another.
///
/// ```
/// use sqlalgebra::query::{Cons, Nil};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// type Scope = Cons<Users, Nil>;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Nil;

/// A list of tables: `H`, then the tables of `T`.
///
/// ```
/// use sqlalgebra::query::{Cons, Nil};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Posts;
/// type Scope = Cons<Posts, Cons<Users, Nil>>;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Cons<H, T>(PhantomData<(H, T)>);

/// The scope of a SELECT whose FROM is inferred: it holds every table.
///
/// ```
/// use sqlalgebra::query::AnyTable;
/// let _ = AnyTable;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct AnyTable;

/// Index: the table is the head of the list.
///
/// ```
/// use sqlalgebra::query::{Here, There};
/// type Second = There<Here>;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Here;

/// Index: the table is in the tail of the list, at `I`.
///
/// ```
/// use sqlalgebra::query::{Here, There};
/// type Third = There<There<Here>>;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct There<I>(PhantomData<I>);

/// Index into [`AnyTable`]: any table is there.
///
/// ```
/// use sqlalgebra::query::Anywhere;
/// let _ = Anywhere;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Anywhere;

/// The list `Self` holds table `T`, whose column `C` a statement uses, at
/// index `I` (inferred).
///
/// ```
/// use sqlalgebra::query::{Cons, Here, InFrom, Nil, There};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
/// fn second<L: InFrom<B, (), There<Here>>>() {}
/// second::<Cons<A, Cons<B, Nil>>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "column `{C}` is not in scope: its table `{T}` is not in this query's FROM clause or joins",
    label = "`{T}` is not in FROM, nor joined before this point: add `.join({T}, on)` or leave out `.from(..)`"
)]
pub trait InFrom<T, C, I> {}

// `do_not_recommend` on all three: an error names the whole list, and
// suggests no impl (no failure goes through one without bounds).
#[diagnostic::do_not_recommend]
impl<T, C, Rest> InFrom<T, C, Here> for Cons<T, Rest> {}

#[diagnostic::do_not_recommend]
impl<T, C, H, Rest, I> InFrom<T, C, There<I>> for Cons<H, Rest> where Rest: InFrom<T, C, I> {}

#[diagnostic::do_not_recommend]
impl<T, C> InFrom<T, C, Anywhere> for AnyTable {}

/// Every column of the node `Self` belongs to a table of the list `L`;
/// `I` (inferred) says where each is found.
///
/// Implement it for a node of your own (with a fresh index per child,
/// `()` for a node without columns) to use it in a SELECT with an
/// explicit FROM:
///
/// ```
/// use sqlalgebra::query::{InScope, Scoped};
/// pub struct MyNode<E>(E);
/// impl<E> Scoped for MyNode<E> { type Check = Self; }
/// impl<L, E: Scoped, I> InScope<L, I> for MyNode<E> where E::Check: InScope<L, I> {}
/// ```
pub trait InScope<L, I> {}

/// What the scope check looks at for a node: the node itself
/// (`Check = Self`), or, for a column, [`ColumnOf`] it.
///
/// A column is a type of yours, so the crate can only reach it through
/// a blanket impl; were that impl on [`InScope`] itself, every node would
/// have two candidate impls and the compiler would report a column out of
/// scope at the outermost node instead of naming the column. Implement it
/// beside [`InScope`] for a node of your own:
///
/// ```
/// use sqlalgebra::query::{InScope, Scoped};
/// pub struct MyNode<E>(E);
/// impl<E> Scoped for MyNode<E> { type Check = Self; }
/// impl<L, E: Scoped, I> InScope<L, I> for MyNode<E> where E::Check: InScope<L, I> {}
/// ```
pub trait Scoped {
    /// The type whose [`InScope`] impl applies.
    type Check;
}

/// Column `C` as the scope check sees it: in scope when its table is.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::{ColumnOf, Scoped};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// fn column<C: Scoped<Check = ColumnOf<A>>>() {}
/// column::<A>();
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct ColumnOf<C>(PhantomData<C>);

impl<C: Column> Scoped for C {
    type Check = ColumnOf<C>;
}

impl<C: Column, L, I> InScope<L, I> for ColumnOf<C> where L: InFrom<C::Table, C, I> {}

in_scope! {
    [] () {};
    [T] super::Clause<T> { T: IT };
    [G, H, O, D] Modifiers<G, H, O, D> { G: IG, H: IH, O: IO, D: ID };
}

/// The tables a FROM clause brings into scope, as a type-level list.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::{Cons, From, Nil, ScopeOf};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// fn tables<F: ScopeOf<Tables = Cons<Users, Nil>>>() {}
/// tables::<From<Users>>();
/// ```
pub trait ScopeOf {
    /// [`AnyTable`] when FROM is inferred, else the list of the FROM table
    /// and the joined ones, the last joined first.
    type Tables;
    /// A list of the same shape saying which tables an outer join
    /// NULL-extends ([`Kept`] or [`Nulled`](super::Nulled); [`AnyKept`]
    /// when FROM is inferred): see `outer.rs`.
    type Nulls;
}

impl ScopeOf for Inferred {
    type Tables = AnyTable;
    type Nulls = AnyKept;
}

impl<T> ScopeOf for From<T> {
    type Tables = Cons<T, Nil>;
    type Nulls = Cons<Kept, Nil>;
}

impl<F: ScopeOf, T, On, K> ScopeOf for Join<F, T, On, K>
where
    F::Tables: PushTable<T>,
    F::Nulls: PushSide<K>,
{
    type Tables = <F::Tables as PushTable<T>>::Output;
    type Nulls = <F::Nulls as PushSide<K>>::Output;
}

/// Adds table `T` to a list: [`AnyTable`] stays itself.
///
/// ```
/// use sqlalgebra::query::{Cons, Nil, PushTable};
/// # pub struct A;
/// fn push<L: PushTable<A, Output = Cons<A, Nil>>>() {}
/// push::<Nil>();
/// ```
pub trait PushTable<T> {
    /// The list with `T`.
    type Output;
}

impl<T> PushTable<T> for AnyTable {
    type Output = AnyTable;
}

impl<T> PushTable<T> for Nil {
    type Output = Cons<T, Nil>;
}

impl<T, H, Rest> PushTable<T> for Cons<H, Rest> {
    type Output = Cons<T, Cons<H, Rest>>;
}

/// Every JOIN's ON condition uses only the tables joined so far.
///
/// ```
/// use sqlalgebra::query::{Inferred, JoinsInScope};
/// fn joins<F: JoinsInScope<()>>() {}
/// joins::<Inferred>();
/// ```
pub trait JoinsInScope<I> {}

impl JoinsInScope<()> for Inferred {}

impl<T> JoinsInScope<()> for From<T> {}

impl<F, T, On: Scoped, K, IF, IOn> JoinsInScope<(IF, IOn)> for Join<F, T, On, K>
where
    Self: ScopeOf,
    F: JoinsInScope<IF>,
    On::Check: InScope<<Self as ScopeOf>::Tables, IOn>,
{
}

/// A statement whose columns all belong to tables in its scope: what
/// [`RunQuery`](super::RunQuery)'s `load`, `get` and `first` demand. `I`
/// is inferred; generic code over statements adds
/// `Q: RunQuery + ScopeChecked<I> + StatementRow<I>` with `I` a type
/// parameter of its own (the rows load from
/// [`StatementRow::Row`](super::StatementRow::Row)), run on a connection
/// `C: Runs<Q>`.
///
/// Statements without an explicit FROM (inferred FROM, `text()`, boxed
/// SELECTs, INSERT/UPDATE/DELETE ... RETURNING) are always in scope at the
/// type level; they are checked when rendered.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::{ScopeChecked, StatementRow};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// fn all<Q: RunQuery + ScopeChecked<I> + StatementRow<I, Row = BigInt>, I>(
///     q: &Q,
///     conn: &mut impl sqlalgebra::query::Runs<Q>,
/// ) -> sqlalgebra::Result<Vec<i64>> {
///     q.load(conn)
/// }
/// let mut conn = sqlalgebra_sqlite::Sqlite::memory()?.connect()?;
/// create_all::<(T,)>(&mut conn)?;
/// assert!(all(&select(A).from(T), &mut conn)?.is_empty());
/// # Ok::<(), sqlalgebra::Error>(())
/// ```
pub trait ScopeChecked<I> {}

// One blanket impl over the per-statement trait: with no impl of its own
// to suggest, an error about a column out of scope lists none (and stays
// short).
impl<Q: StatementScope<I>, I> ScopeChecked<I> for Q {}

/// The scope check of one kind of statement, behind [`ScopeChecked`]:
/// implement it (with `I = ()` when there is nothing to check) for a
/// statement type of your own that implements [`Query`](super::Query).
///
/// ```
/// use sqlalgebra::query::StatementScope;
/// pub struct MyStatement;
/// impl StatementScope<()> for MyStatement {}
/// ```
pub trait StatementScope<I> {}

// FROM inferred: every table is in scope, nothing to walk (so generic
// code over the clauses of such a SELECT needs no bounds).
impl<S, W, M> StatementScope<()> for Select<S, Inferred, W, M> {}

impl<S: Scoped, T, W, M, IS, IW, IM> StatementScope<(IS, IW, IM)> for Select<S, From<T>, W, M>
where
    S::Check: InScope<Cons<T, Nil>, IS>,
    W: InScope<Cons<T, Nil>, IW>,
    M: InScope<Cons<T, Nil>, IM>,
{
}

impl<S, F, T, On, K, W, M, IJ, IR> StatementScope<(IJ, IR)> for Select<S, Join<F, T, On, K>, W, M>
where
    Join<F, T, On, K>: ScopeOf + JoinsInScope<IJ>,
    <Join<F, T, On, K> as ScopeOf>::Tables: SelectInScope<S, W, M, IR>,
{
}

/// The clauses of a SELECT with joins are in the scope `Self`, the list of
/// its tables ([`AnyTable`] when its FROM table is inferred: nothing to
/// check).
///
/// ```
/// use sqlalgebra::query::{AnyTable, SelectInScope};
/// fn check<L: SelectInScope<(), (), (), ()>>() {}
/// check::<AnyTable>();
/// ```
pub trait SelectInScope<S, W, M, I> {}

impl<S, W, M> SelectInScope<S, W, M, ()> for AnyTable {}

impl<H, R, S, W, M, IS, IW, IM> SelectInScope<S, W, M, (IS, IW, IM)> for Cons<H, R>
where
    S: Scoped,
    S::Check: InScope<Self, IS>,
    W: InScope<Self, IW>,
    M: InScope<Self, IM>,
{
}

impl<D, Q: ScopeChecked<I>, I> StatementScope<I> for super::With<D, Q> {}

impl<L, R, O, IL, IR> StatementScope<(IL, IR)> for super::Compound<L, R, O>
where
    L: ScopeChecked<IL>,
    R: ScopeChecked<IR>,
{
}

// Built at run time or written as SQL: checked when rendered, if at all.
impl<ST> StatementScope<()> for super::TextQuery<ST> {}
impl<ST> StatementScope<()> for super::BoxedSelect<'_, ST> {}
impl<S, R> StatementScope<()> for super::Returning<S, R> {}
