//! Outer joins in the types: the columns of a table that a LEFT, RIGHT or
//! FULL JOIN NULL-extends load as `Option`.
//!
//! Beside its list of tables (`scope.rs`), a FROM clause with an explicit
//! first table has a list of the same shape saying, for each table, whether
//! an outer join NULL-extends it ([`Kept`] or [`Nulled`];
//! [`ScopeOf::Nulls`](super::ScopeOf::Nulls)).
//! The index the compiler infers to find a column's table in the first
//! list finds its flag in the second; a column of a [`Nulled`] table is
//! typed [`OuterJoined`]`<ST>`, which loads into `Option` only (a group
//! of them as one `Option<(..)>`, decided as for any outer-join group).
//! Expressions over such columns (`upper(col)`, `col.label(..)`) keep
//! their own SQL type: load them into `Option` when they can be NULL.
//!
//! ```compile_fail
//! use sqlalgebra::prelude::*;
//! # #[derive(Clone, Copy, Debug, Default)] pub struct A;
//! # impl Table for A { const NAME: &'static str = "a"; type Columns = X; type PrimaryKey = X; }
//! # #[derive(Clone, Copy, Debug, Default)] pub struct X;
//! # impl Column for X { type Table = A; type SqlType = BigInt; const NAME: &'static str = "x"; }
//! # #[derive(Clone, Copy, Debug, Default)] pub struct B;
//! # impl Table for B { const NAME: &'static str = "b"; type Columns = Y; type PrimaryKey = Y; }
//! # #[derive(Clone, Copy, Debug, Default)] pub struct Y;
//! # impl Column for Y { type Table = B; type SqlType = BigInt; const NAME: &'static str = "y"; }
//! let mut conn = sqlalgebra_sqlite::Sqlite::memory().unwrap().connect().unwrap();
//! // `a` is NULL-extended by the RIGHT JOIN: `x` loads as Option<i64>.
//! let rows: Vec<(i64, i64)> = select((X, Y)).from(A).right_join(B, Y.eq(X)).load(&mut conn).unwrap();
//! ```

use std::marker::PhantomData;

use super::join::{CrossJoin, FullJoin, InnerJoin, Join, LeftJoin, RightJoin};
use super::scope::{Anywhere, ColumnOf, Cons, Here, Nil, ScopeOf, Scoped, There};
use super::select::{From, Inferred, Select};
use crate::expr::Expression;
use crate::schema::Column;
use crate::types::{ColumnTypes, SingleValue};
use crate::value::{Decode, FromRow, Row};

/// Flag: the table is not NULL-extended; its columns keep their types.
///
/// ```
/// use sqlalgebra::query::{Kept, NullFlag};
/// use sqlalgebra::types::BigInt;
/// let _: Option<<Kept as NullFlag<BigInt>>::Out> = None::<BigInt>;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Kept;

/// Flag: an outer join NULL-extends the table; its columns are
/// [`OuterJoined`].
///
/// ```
/// use sqlalgebra::query::{Nulled, NullFlag, OuterJoined};
/// use sqlalgebra::types::BigInt;
/// let _: Option<<Nulled as NullFlag<BigInt>>::Out> = None::<OuterJoined<BigInt>>;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Nulled;

/// The flags of a FROM clause whose first table is inferred: every table
/// is [`Kept`] (outer joins need an explicit FROM).
///
/// ```
/// use sqlalgebra::query::{AnyKept, Anywhere, FlagAt, Kept};
/// fn kept<L: FlagAt<Anywhere, Flag = Kept>>() {}
/// kept::<AnyKept>();
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct AnyKept;

/// What a flag makes of a column's SQL type `ST`.
///
/// ```
/// use sqlalgebra::query::{Kept, NullFlag};
/// use sqlalgebra::types::Text;
/// let _: Option<<Kept as NullFlag<Text>>::Out> = None::<Text>;
/// ```
pub trait NullFlag<ST> {
    /// The column's type in the result.
    type Out;
}

impl<ST> NullFlag<ST> for Kept {
    type Out = ST;
}

impl<ST> NullFlag<ST> for Nulled {
    type Out = OuterJoined<ST>;
}

/// The flag at index `I` of a list of flags.
///
/// ```
/// use sqlalgebra::query::{Cons, FlagAt, Here, Kept, Nil, Nulled, There};
/// fn second<L: FlagAt<There<Here>, Flag = Kept>>() {}
/// second::<Cons<Nulled, Cons<Kept, Nil>>>();
/// ```
pub trait FlagAt<I> {
    /// The flag.
    type Flag;
}

impl<H, R> FlagAt<Here> for Cons<H, R> {
    type Flag = H;
}

impl<H, R: FlagAt<I>, I> FlagAt<There<I>> for Cons<H, R> {
    type Flag = R::Flag;
}

impl FlagAt<Anywhere> for AnyKept {
    type Flag = Kept;
}

// Past the end: only reached by a column out of scope, which the scope
// check reports; the row type stays defined so that it is the only error.
impl<I> FlagAt<I> for Nil {
    type Flag = Kept;
}

/// Adds the flag of a table joined with kind `K` to a list of flags
/// (and NULL-extends the tables before it for RIGHT and FULL JOIN).
///
/// ```
/// use sqlalgebra::query::{Cons, Kept, Nil, Nulled, PushSide, RightJoin};
/// fn right<L: PushSide<RightJoin, Output = Cons<Kept, Cons<Nulled, Nil>>>>() {}
/// right::<Cons<Kept, Nil>>();
/// ```
pub trait PushSide<K> {
    /// The list with the joined table's flag first.
    type Output;
}

// Outer joins onto an inferred FROM are refused where they are written
// (`ExplicitFrom`); the list stays defined so that is the only error.
impl<K> PushSide<K> for AnyKept {
    type Output = AnyKept;
}

macro_rules! push_side {
    ($($list:ty $(, $g:ident)*;)*) => {$(
        impl<$($g),*> PushSide<InnerJoin> for $list {
            type Output = Cons<Kept, Self>;
        }
        impl<$($g),*> PushSide<CrossJoin> for $list {
            type Output = Cons<Kept, Self>;
        }
        impl<$($g),*> PushSide<LeftJoin> for $list {
            type Output = Cons<Nulled, Self>;
        }
        impl<$($g),*> PushSide<RightJoin> for $list where Self: AllNulled {
            type Output = Cons<Kept, <Self as AllNulled>::Output>;
        }
        impl<$($g),*> PushSide<FullJoin> for $list where Self: AllNulled {
            type Output = Cons<Nulled, <Self as AllNulled>::Output>;
        }
    )*};
}

push_side! {
    Nil;
    Cons<H, R>, H, R;
}

/// Every flag of a list made [`Nulled`]: the tables before a RIGHT or FULL
/// JOIN.
///
/// ```
/// use sqlalgebra::query::{AllNulled, Cons, Kept, Nil, Nulled};
/// fn all<L: AllNulled<Output = Cons<Nulled, Nil>>>() {}
/// all::<Cons<Kept, Nil>>();
/// ```
pub trait AllNulled {
    /// The list, all [`Nulled`].
    type Output;
}

impl AllNulled for Nil {
    type Output = Nil;
}

impl<H, R: AllNulled> AllNulled for Cons<H, R> {
    type Output = Cons<Nulled, R::Output>;
}

/// The SQL type a selected node `Self` loads as, in a FROM clause whose
/// flags are `Flags`, `I` being the index the scope check inferred: a
/// column of a NULL-extended table is [`OuterJoined`], a tuple maps each
/// member, any other expression keeps its type.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::{ColumnOf, Cons, Here, LoadedAs, Nil, Nulled, OuterJoined};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// fn loads<N: LoadedAs<Cons<Nulled, Nil>, Here, Row = OuterJoined<BigInt>>>() {}
/// loads::<ColumnOf<A>>();
/// ```
pub trait LoadedAs<Flags, I> {
    /// The SQL type of the loaded value.
    type Row;
}

impl<C: Column, Flags: FlagAt<I>, I> LoadedAs<Flags, I> for ColumnOf<C>
where
    Flags::Flag: NullFlag<C::SqlType>,
{
    type Row = <Flags::Flag as NullFlag<C::SqlType>>::Out;
}

impl<E: Expression, Flags, I> LoadedAs<Flags, I> for E {
    type Row = E::SqlType;
}

impl<Flags> LoadedAs<Flags, ()> for crate::schema::DynColumns<'_> {
    type Row = crate::schema::AnyRow;
}

macro_rules! tuple_loaded_as {
    ($($T:ident $S:ident),+) => {
        impl<Flags, $($T: Scoped,)+ $($S,)+> LoadedAs<Flags, ($($S,)+)> for ($($T,)+)
        where
            $($T::Check: LoadedAs<Flags, $S>,)+
        {
            type Row = ($(<$T::Check as LoadedAs<Flags, $S>>::Row,)+);
        }

        impl<$($S: Unouter),+> Unouter for ($($S,)+) {
            type Inner = ($($S::Inner,)+);
        }
    };
}
crate::macros::for_tuples!(tuple_loaded_as);

/// The SQL type of a column that an outer join NULL-extends: `ST`, or
/// NULL where the join found no row. It loads into `Option` only:
///
/// ```
/// use sqlalgebra::query::OuterJoined;
/// use sqlalgebra::types::{BigInt, Nullable, Text};
/// use sqlalgebra::value::FromRow;
/// fn loads<T: FromRow<ST>, ST>() {}
/// loads::<Option<i64>, OuterJoined<BigInt>>();
/// loads::<Option<String>, OuterJoined<Nullable<Text>>>();
/// // A group: `None` when the join found nothing, decided by the first
/// // column that is NOT NULL in its table, as for any outer-join group.
/// loads::<Option<(i64, String)>, (OuterJoined<BigInt>, OuterJoined<Text>)>();
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct OuterJoined<ST>(PhantomData<ST>);

#[diagnostic::do_not_recommend]
impl<T, ST: SingleValue> FromRow<OuterJoined<ST>> for Option<T>
where
    Option<T>: Decode<ST>,
{
    const WIDTH: usize = 1;
    #[inline]
    fn from_row<R: Row + ?Sized>(row: &mut R, at: usize) -> crate::Result<Self> {
        <Option<T> as FromRow<ST>>::from_row(row, at)
    }
}

impl<ST: ColumnTypes> ColumnTypes for OuterJoined<ST> {
    const COLUMNS: Option<usize> = ST::COLUMNS;
    // NULL-extended or not, a NOT NULL column is NULL only where the join
    // found nothing: it decides whether a group is there.
    const FIRST_NOT_NULL: Option<usize> = ST::FIRST_NOT_NULL;
}

/// The SQL types of a group without [`OuterJoined`]: what the members of
/// an `Option<(..)>` group load from once the group is known to be there.
///
/// ```
/// use sqlalgebra::query::{OuterJoined, Unouter};
/// use sqlalgebra::types::{BigInt, Text};
/// let _: Option<<(OuterJoined<BigInt>, Text) as Unouter>::Inner> = None::<(BigInt, Text)>;
/// ```
pub trait Unouter {
    /// The types without [`OuterJoined`].
    type Inner;
}

impl<ST: SingleValue> Unouter for ST {
    type Inner = ST;
}

impl<ST> Unouter for OuterJoined<ST> {
    type Inner = ST;
}

/// The row type of a SELECT with joins: what its selection `S` loads as
/// in a FROM clause whose flags are `Self`, `I` the scope check's indices.
///
/// ```
/// use sqlalgebra::query::{AnyKept, SelectRow};
/// use sqlalgebra::types::BigInt;
/// # use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// fn row<L: SelectRow<A, (), Row = BigInt>>() {}
/// row::<AnyKept>();
/// ```
pub trait SelectRow<S, I> {
    /// The SQL types the rows load from.
    type Row;
}

impl<S: super::Selection> SelectRow<S, ()> for AnyKept {
    type Row = S::SqlType;
}

impl<H, R, S: Scoped, IS, IW, IM> SelectRow<S, (IS, IW, IM)> for Cons<H, R>
where
    S::Check: LoadedAs<Self, IS>,
{
    type Row = <S::Check as LoadedAs<Self, IS>>::Row;
}

/// The SQL types a statement's rows load from, `I` being the indices its
/// scope check ([`ScopeChecked`](super::ScopeChecked)) inferred: its own
/// SQL types, except that a column of a table an outer join NULL-extends
/// is [`OuterJoined`]. What `load`, `get` and `first` decode.
///
/// Implement it beside [`StatementScope`](super::StatementScope) for a
/// statement of your own:
///
/// ```
/// use sqlalgebra::query::{StatementRow, StatementScope};
/// use sqlalgebra::types::BigInt;
/// pub struct MyStatement;
/// impl StatementScope<()> for MyStatement {}
/// impl StatementRow<()> for MyStatement { type Row = BigInt; }
/// ```
pub trait StatementRow<I> {
    /// The SQL types of a row.
    type Row;
}

// A FROM clause without joins null-extends nothing, and a statement whose
// scope check fails still has a row type: one error, the scope's.
impl<S: super::Selection, W, M> StatementRow<()> for Select<S, Inferred, W, M> {
    type Row = S::SqlType;
}

impl<S: super::Selection, T, W, M, IS, IW, IM> StatementRow<(IS, IW, IM)>
    for Select<S, From<T>, W, M>
{
    type Row = S::SqlType;
}

impl<S, F, T, On, K, W, M, IJ, IR> StatementRow<(IJ, IR)> for Select<S, Join<F, T, On, K>, W, M>
where
    Join<F, T, On, K>: ScopeOf,
    <Join<F, T, On, K> as ScopeOf>::Nulls: SelectRow<S, IR>,
{
    type Row = <<Join<F, T, On, K> as ScopeOf>::Nulls as SelectRow<S, IR>>::Row;
}

impl<D, Q: StatementRow<I>, I> StatementRow<I> for super::With<D, Q> {
    type Row = Q::Row;
}

// The rows of a set operation keep the SQL types of its first SELECT.
impl<L, R, O, IL, IR> StatementRow<(IL, IR)> for super::Compound<L, R, O>
where
    Self: super::Query,
{
    type Row = <Self as super::Query>::SqlType;
}

impl<ST> StatementRow<()> for super::TextQuery<ST> {
    type Row = ST;
}

impl<ST> StatementRow<()> for super::BoxedSelect<'_, ST> {
    type Row = ST;
}

impl<S, R> StatementRow<()> for super::Returning<S, R>
where
    Self: super::Query,
{
    type Row = <Self as super::Query>::SqlType;
}
