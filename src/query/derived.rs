//! Typed columns of derived tables and CTEs, read off the subquery's
//! SELECT list.
//!
//! A derived table's (or CTE's) columns are the items its query selects:
//! a column of a table is reached by that column
//! (`sub.col(orders::Total)`), an expression labelled with a
//! [`Label`](crate::expr::Label) marker by the marker
//! (`sub.col(SuppNation)`), and all of them at once, in order, with
//! [`Derived::c`] (`let (nation, year, volume) = sub.c();`). Each is typed
//! by what was selected, so a misspelt label, a column the subquery did not
//! select or a use at the wrong SQL type does not compile. The lookup is a
//! type-level list of the items searched at an inferred index ([`Here`],
//! [`There`]), as for table scope: no impls per schema.
//!
//! `field::<ST>("name")` stays as the dynamic escape hatch (a boxed
//! subquery, a string label): its name and type are the caller's word.

use std::marker::PhantomData;

use super::compound::Compound;
use super::cte::{CteDef, With};
use super::run::Query;
use super::scope::{Cons, Here, Nil, There};
use super::select::Select;
use super::subquery::{Derived, SourceColumn};
use crate::expr::{Expression, Label, Labeled};
use crate::render::TableRef;
use crate::schema::{Column, QuerySource};

/// A query whose SELECT list is known in its type: a SELECT, a set
/// operation (its first SELECT's list) or a `WITH` query.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::Selects;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// fn items<Q: Selects>(q: &Q) -> &Q::Items { q.items() }
/// let q = select((A, count_star()));
/// let _ = items(&q);
/// ```
pub trait Selects: Query {
    /// The SELECT list: one item or a tuple of them.
    type Items: ItemList;
    /// The SELECT list.
    fn items(&self) -> &Self::Items;
}

impl<S, F, W, M> Selects for Select<S, F, W, M>
where
    S: ItemList,
    Self: Query,
{
    type Items = S;
    fn items(&self) -> &S {
        self.selection()
    }
}

impl<L: Selects, R, O> Selects for Compound<L, R, O>
where
    Self: Query,
{
    type Items = L::Items;
    fn items(&self) -> &L::Items {
        self.first().items()
    }
}

impl<D, Q: Selects> Selects for With<D, Q>
where
    Self: Query,
{
    type Items = Q::Items;
    fn items(&self) -> &Q::Items {
        self.body().items()
    }
}

/// A SELECT list as a type-level list of its items ([`Cons`]), which
/// [`FindColumn`] searches.
///
/// ```
/// use sqlalgebra::query::{Cons, ItemList, Nil};
/// # use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// fn list<S: ItemList<List = Cons<A, Nil>>>() {}
/// list::<(A,)>();
/// list::<A>();
/// ```
pub trait ItemList {
    /// The items, head first.
    type List;
}

impl<E: Expression> ItemList for E {
    type List = Cons<E, Nil>;
}

/// A SELECT list item answers to the key `K` as a derived table's column:
/// a table column to itself, an expression labelled with a
/// [`Label`] marker to the marker.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::SelectedAs;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// struct Total;
/// impl Label for Total { const NAME: &'static str = "total"; }
/// assert_eq!(<A as SelectedAs<A>>::NAME, "a");
/// assert_eq!(<sqlalgebra::expr::Labeled<A, Total> as SelectedAs<Total>>::NAME, "total");
/// ```
pub trait SelectedAs<K>: Expression {
    /// The column's name in the derived table.
    const NAME: &'static str;
}

impl<C: Column> SelectedAs<C> for C {
    const NAME: &'static str = C::NAME;
}

impl<E: Expression, L: Label> SelectedAs<L> for Labeled<E, L> {
    const NAME: &'static str = L::NAME;
}

/// The list of SELECT items `Self` has an item answering to `K`, at the
/// index `I` the compiler infers.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::{Cons, FindColumn, Here, Nil, There};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, B); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # impl Column for B { type Table = T; type SqlType = Text; const NAME: &'static str = "b"; }
/// fn second<L: FindColumn<B, There<Here>, SqlType = Text>>() {}
/// second::<Cons<A, Cons<B, Nil>>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "the subquery selects no column `{K}`",
    label = "`{K}` is neither a column in the subquery's SELECT list nor the label of an item there",
    note = "label an item with a marker (`expr.label({K})`), or reach a string label with `.field::<SqlType>(\"name\")`"
)]
pub trait FindColumn<K, I> {
    /// What the subquery selected under `K`.
    type SqlType;
    /// Its name.
    const NAME: &'static str;
}

#[diagnostic::do_not_recommend]
impl<K, H: SelectedAs<K>, T> FindColumn<K, Here> for Cons<H, T> {
    type SqlType = H::SqlType;
    const NAME: &'static str = H::NAME;
}

#[diagnostic::do_not_recommend]
impl<K, H, T: FindColumn<K, I>, I> FindColumn<K, There<I>> for Cons<H, T> {
    type SqlType = T::SqlType;
    const NAME: &'static str = T::NAME;
}

/// A SELECT list item with a name, so that a derived table can expose it
/// as a column: a table column, a labelled expression, a column of
/// another derived table.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::Named;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// assert_eq!(count(A).label("n").output_name(), "n");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no name as a column of a derived table",
    label = "label it in the subquery: `.label(\"name\")` or `.label(Marker)`"
)]
pub trait Named: Expression {
    /// The item's column name.
    fn output_name(&self) -> &'static str;
}

impl<C: Column> Named for C {
    fn output_name(&self) -> &'static str {
        C::NAME
    }
}

impl<E: Expression, L> Named for Labeled<E, L> {
    fn output_name(&self) -> &'static str {
        self.name()
    }
}

impl<ST: crate::types::SqlType> Named for SourceColumn<ST> {
    fn output_name(&self) -> &'static str {
        self.column_name()
    }
}

/// A SELECT list whose items all have names: its columns as seen from a
/// derived table named `source`, in order.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::Outputs;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// let (a, n) = (A, count(A).label("n")).columns("s");
/// assert_eq!(format!("{a:?} {n:?}"), "s.a s.n");
/// ```
pub trait Outputs {
    /// One [`SourceColumn`] per item (a tuple for a tuple).
    type Columns;
    /// The columns of the derived table `source`.
    fn columns(&self, source: &'static str) -> Self::Columns;
}

impl<E: Named> Outputs for E {
    type Columns = SourceColumn<E::SqlType>;
    fn columns(&self, source: &'static str) -> Self::Columns {
        SourceColumn::new(source, self.output_name())
    }
}

macro_rules! tuple_items {
    ($($T:ident $S:ident),+) => {
        impl<$($T),+> ItemList for ($($T,)+) {
            type List = tuple_items!(@list $($T)+);
        }

        impl<$($T: Named),+> Outputs for ($($T,)+) {
            type Columns = ($(SourceColumn<$T::SqlType>,)+);
            #[allow(non_snake_case)]
            fn columns(&self, source: &'static str) -> Self::Columns {
                let ($($T,)+) = self;
                ($(SourceColumn::new(source, $T.output_name()),)+)
            }
        }
    };
    (@list $H:ident $($T:ident)*) => { Cons<$H, tuple_items!(@list $($T)*)> };
    (@list) => { Nil };
}
crate::macros::for_tuples!(tuple_items);

/// The SQL type a query `Q` selected under `K`, found at index `I`.
type Found<Q, K, I> = <<<Q as Selects>::Items as ItemList>::List as FindColumn<K, I>>::SqlType;

/// The name a query `Q` selected `K` under.
fn found_name<Q: Selects, K, I>() -> &'static str
where
    <Q::Items as ItemList>::List: FindColumn<K, I>,
{
    <<Q::Items as ItemList>::List as FindColumn<K, I>>::NAME
}

impl<Q: Selects> Derived<Q> {
    /// The derived table's column that its subquery selected as `key`: a
    /// table column, or a [`Label`] marker an item was labelled with.
    /// Typed by what was selected; a key the subquery does not select does
    /// not compile.
    ///
    /// | | |
    /// |---|---|
    /// | SQLite | `SELECT "big"."a" FROM (SELECT "t"."a" FROM "t" WHERE "t"."a" > ?) AS "big"` |
    /// | PostgreSQL | `SELECT "big"."a" FROM (SELECT "t"."a" FROM "t" WHERE "t"."a" > $1) AS "big"` |
    /// | MySQL | ``SELECT `big`.`a` FROM (SELECT `t`.`a` FROM `t` WHERE `t`.`a` > ?) AS `big` `` |
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// let big = select(A).filter(A.gt(10)).subquery("big");
    /// let q = select(big.col(A)).from(big);
    /// assert_eq!(
    ///     q.to_sql(&sqlalgebra_sqlite::Sqlite)?.sql,
    ///     r#"SELECT "big"."a" FROM (SELECT "t"."a" FROM "t" WHERE "t"."a" > ?) AS "big""#
    /// );
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn col<K, I>(&self, _key: K) -> SourceColumn<Found<Q, K, I>>
    where
        <Q::Items as ItemList>::List: FindColumn<K, I>,
    {
        SourceColumn::new(self.name(), found_name::<Q, K, I>())
    }

    /// All the derived table's columns, in the order its subquery selects
    /// them, each typed by its item; every item needs a name (a column or
    /// a label).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// let per_a = select((A, count_star().label("n"))).group_by(A).subquery("per_a");
    /// let (a, n) = per_a.c();
    /// let q = select(a).from(per_a).filter(n.gt(1));
    /// assert_eq!(
    ///     q.to_sql(&sqlalgebra_sqlite::Sqlite)?.sql,
    ///     r#"SELECT "per_a"."a" FROM (SELECT "t"."a", COUNT(*) AS "n" FROM "t" GROUP BY "t"."a") AS "per_a" WHERE "per_a"."n" > ?"#
    /// );
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn c(&self) -> <Q::Items as Outputs>::Columns
    where
        Q::Items: Outputs,
    {
        self.query().items().columns(self.name())
    }
}

impl<Q: Selects> CteDef<Q> {
    /// The CTE's column that its query selected as `key` (a table column
    /// or a [`Label`] marker), typed by what was selected; see
    /// [`Derived::col`].
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// struct Total;
    /// impl Label for Total { const NAME: &'static str = "total"; }
    /// let sums = cte("sums").as_(select(sum(A).label(Total)));
    /// let q = select(sums.col(Total)).from(sums).with(sums);
    /// assert_eq!(
    ///     q.to_sql(&sqlalgebra_sqlite::Sqlite)?.sql,
    ///     r#"WITH "sums" AS (SELECT SUM("t"."a") AS "total" FROM "t") SELECT "sums"."total" FROM "sums""#
    /// );
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn col<K, I>(&self, _key: K) -> SourceColumn<Found<Q, K, I>>
    where
        <Q::Items as ItemList>::List: FindColumn<K, I>,
    {
        SourceColumn::new(self.name(), found_name::<Q, K, I>())
    }

    /// All the CTE's columns, in the order its query selects them; see
    /// [`Derived::c`].
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// let top = cte("top").as_(select((A, count_star().label("n"))).group_by(A));
    /// let (a, n) = top.c();
    /// let q = select(a).from(top).filter(n.gt(1)).with(top);
    /// # let _ = q;
    /// ```
    pub fn c(&self) -> <Q::Items as Outputs>::Columns
    where
        Q::Items: Outputs,
    {
        self.query().items().columns(self.name())
    }
}

/// A defined CTE stands in FROM and JOIN by its name, like [`Cte`](super::Cte).
impl<Q> QuerySource for CteDef<Q> {
    fn table_ref(&self) -> TableRef<'static> {
        TableRef::new(self.name())
    }
}

/// A recursive CTE's name, typed by its anchor's SELECT list, so that
/// the recursive part (which refers to the CTE before it is defined)
/// reaches its columns typed too. Made by [`Cte::selecting`](super::Cte::selecting).
///
/// | | |
/// |---|---|
/// | SQLite | `WITH RECURSIVE "tree" AS (SELECT "emp"."id" FROM "emp" WHERE "emp"."id" = ? UNION ALL SELECT "emp"."id" FROM "emp" INNER JOIN "tree" ON "emp"."boss" = "tree"."id") SELECT "tree"."id" FROM "tree"` |
/// | PostgreSQL | the same with `$1` |
/// | MySQL | the same with backquotes |
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Emp;
/// # impl Table for Emp { const NAME: &'static str = "emp"; type Columns = (Id, Boss); type PrimaryKey = Id; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Boss;
/// # impl Column for Id { type Table = Emp; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # impl Column for Boss { type Table = Emp; type SqlType = Nullable<BigInt>; const NAME: &'static str = "boss"; }
/// let anchor = select(Id).filter(Id.eq(1));
/// let tree = cte("tree").selecting(&anchor);
/// let def = tree.as_(anchor.union_all(select(Id).join(tree, Boss.eq(tree.col(Id)))));
/// let q = select(def.col(Id)).from(def).with_recursive(def);
/// assert_eq!(
///     q.to_sql(&sqlalgebra_sqlite::Sqlite)?.sql,
///     r#"WITH RECURSIVE "tree" AS (SELECT "emp"."id" FROM "emp" WHERE "emp"."id" = ? UNION ALL SELECT "emp"."id" FROM "emp" INNER JOIN "tree" ON "emp"."boss" = "tree"."id") SELECT "tree"."id" FROM "tree""#
/// );
/// # Ok::<(), sqlalgebra::Error>(())
/// ```
pub struct CteOf<L> {
    name: &'static str,
    items: PhantomData<fn() -> L>,
}

impl<L> Clone for CteOf<L> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<L> Copy for CteOf<L> {}
impl<L> std::fmt::Debug for CteOf<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CteOf").field("name", &self.name).finish()
    }
}

impl<L> CteOf<L> {
    pub(super) fn new(name: &'static str) -> Self {
        CteOf {
            name,
            items: PhantomData,
        }
    }

    /// The CTE's column that its anchor selected as `key` (a table column
    /// or a [`Label`] marker), typed by what was selected.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// let anchor = select(A);
    /// let a = cte("c").selecting(&anchor).col(A);
    /// assert_eq!(format!("{a:?}"), "c.a");
    /// ```
    pub fn col<K, I>(&self, _key: K) -> SourceColumn<<L as FindColumn<K, I>>::SqlType>
    where
        L: FindColumn<K, I>,
    {
        SourceColumn::new(self.name, L::NAME)
    }

    /// Defines the CTE as `query` (the anchor, `UNION [ALL]`, the
    /// recursive part), whose SELECT list must be the anchor's.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// let anchor = select(A);
    /// let def = cte("c").selecting(&anchor).as_(anchor);
    /// ```
    pub fn as_<Q>(self, query: Q) -> CteDef<Q>
    where
        Q: Selects<Items: ItemList<List = L>>,
    {
        super::cte(self.name).as_(query)
    }
}

impl<L> QuerySource for CteOf<L> {
    fn table_ref(&self) -> TableRef<'static> {
        TableRef::new(self.name)
    }
}
