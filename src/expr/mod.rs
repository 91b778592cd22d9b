//! Expressions: typed trees whose nodes are named after SQL.
//!
//! `users::Id.eq(5).and(users::Name.like("a%"))` has the type
//! `And<Eq<users::Id, Bind<i64, BigInt>>, Like<users::Name, Bind<&str, Text>>>`,
//! and every node knows its SQL type, so wrong combinations do not compile.

// `&`, `|` and `!` on predicate nodes, where they read well:
// `users::Id.gt(1) & users::Name.like("a%")`.
macro_rules! logic_operators {
    ($($node:ident < $($p:ident),* >),*) => {$(
        impl<$($p,)* Rhs> std::ops::BitAnd<Rhs> for $node<$($p),*>
        where
            Self: $crate::expr::Expression,
            <Self as $crate::expr::Expression>::SqlType: $crate::types::BoolLike,
            Rhs: $crate::expr::Expression,
            Rhs::SqlType: $crate::types::BoolLike,
        {
            type Output = $crate::expr::And<Self, Rhs>;
            fn bitand(self, rhs: Rhs) -> Self::Output {
                $crate::expr::And::new(self, rhs)
            }
        }
        impl<$($p,)* Rhs> std::ops::BitOr<Rhs> for $node<$($p),*>
        where
            Self: $crate::expr::Expression,
            <Self as $crate::expr::Expression>::SqlType: $crate::types::BoolLike,
            Rhs: $crate::expr::Expression,
            Rhs::SqlType: $crate::types::BoolLike,
        {
            type Output = $crate::expr::Or<Self, Rhs>;
            fn bitor(self, rhs: Rhs) -> Self::Output {
                $crate::expr::Or::new(self, rhs)
            }
        }
        impl<$($p),*> std::ops::Not for $node<$($p),*>
        where
            Self: $crate::expr::Expression,
            <Self as $crate::expr::Expression>::SqlType: $crate::types::BoolLike,
        {
            type Output = $crate::expr::Not<Self>;
            fn not(self) -> Self::Output {
                $crate::expr::Not { expr: self }
            }
        }
    )*};
}

mod aggregate;
mod array;
mod case;
mod datetime;
mod func;
mod json;
mod label;
mod literal;
mod matching;
mod methods;
mod ops;
mod order;
mod scalar;
mod window;

pub use crate::types::array::ArrayValue;
pub use crate::types::sql_enum::{EnumValue, enum_or_null};
pub use aggregate::{Avg, Count, CountStar, Max, Min, Sum, avg, count, count_star, max, min, sum};
pub use array::{ArrayExpressionMethods, ArrayIndex, ArrayLike, ArrayTest, Cardinality};
pub use case::{Case, CaseElse, Else, NoElse, When, WhenList, case_when};
pub use datetime::{
    DatePart, Extract, Now, extract, extract_day, extract_month, extract_year, now,
};
pub use func::{
    Cast, Coalesce, Func, FuncArgs, IntoNaturalExpr, NaturalType, NoArgs, NullIf, cast, coalesce,
    func, literal, nullif,
};
pub use json::{JsonExpressionMethods, JsonGet, JsonGetText, JsonLike, JsonTest};
pub use label::{IntoLabel, Label, Labeled};
pub use literal::{LiteralMatch, MatchKind};
pub use matching::{Between, ILike, InList, InOperand, IsNotNull, IsNull, Like, NotInList};
pub use methods::{
    BoolExpressionMethods, ExpressionMethods, NumericExpressionMethods, NumericOperand,
    TextExpressionMethods, TextOperand,
};
pub use ops::{Add, And, Concat, Div, Eq, Ge, Gt, Le, Lt, Mul, Ne, Not, Or, Sub, and, not, or};
pub use order::{Asc, Desc, NullsOrder, OrderBy};
pub use scalar::{
    Abs, Length, Lower, Replace, Round, Substr, Trim, Upper, abs, length, lower, replace, round,
    substr, trim, upper,
};
pub use window::{
    DenseRank, FrameBound, Lag, Lead, Ntile, Over, PartitionBy, Rank, RowNumber, Window,
    WindowFunction, dense_rank, lag, lead, ntile, rank, row_number, window,
};

use std::marker::PhantomData;

use crate::render::{
    GroupCheck, NodeTag, Render, SqlKey, SqlWriter, TableRef, TableSet, add_table,
};
use crate::schema::{Column, Table};
use crate::types::*;
use crate::value::{Encode, ValueRef};

/// A SQL expression with a SQL type.
///
/// Columns are expressions through a blanket impl; so are bind values and
/// every operator node. Implement it (with [`Render`]) for your own nodes.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a SQL expression",
    label = "expected a column, a value or an expression here"
)]
///
/// ```
/// use sqlalgebra::prelude::*;
/// # use sqlalgebra::orm::doc_models::*;
/// fn shout<E: Expression<SqlType = Text>>(e: E) -> impl Expression<SqlType = Text> {
///     upper(e)
/// }
/// let q = select(shout(users::Name));
/// assert_eq!(
///     q.to_sql(&sqlalgebra_postgres::Postgres)?.sql,
///     "SELECT UPPER(\"users\".\"name\") FROM \"users\""
/// );
/// # Ok::<(), sqlalgebra::Error>(())
/// ```
pub trait Expression: Render {
    /// The SQL type the expression evaluates to.
    type SqlType: SqlType;
}

#[diagnostic::do_not_recommend]
impl<C: Column> Render for C {
    #[inline]
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_qualified(<C::Table as Table>::NAME, C::NAME);
    }
    fn evaluate<'a>(&'a self, row: &'a dyn crate::render::EvalRow) -> Option<ValueRef<'a>> {
        row.cell(<C::Table as Table>::NAME, C::NAME)
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        add_table(out, TableRef::new(<C::Table as Table>::NAME));
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        let key = <<C::Table as Table>::PrimaryKey as crate::schema::ColumnList>::NAMES;
        c.column(TableRef::new(<C::Table as Table>::NAME), C::NAME, key);
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static COLUMN: NodeTag = NodeTag::new("column");
        key.column(&COLUMN, <C::Table as Table>::NAME, C::NAME);
        true
    }
}

#[diagnostic::do_not_recommend]
impl<C: Column> Expression for C {
    type SqlType = C::SqlType;
}

/// A value bound as a statement parameter, typed as SQL type `ST`.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::expr::Bind;
/// let b: Bind<i64, BigInt> = Bind::new(5);
/// assert_eq!(*b.value(), 5);
/// ```
pub struct Bind<T, ST> {
    value: T,
    _sql_type: PhantomData<fn() -> ST>,
}

impl<T, ST> Bind<T, ST> {
    /// Binds `value` as a `ST`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::expr::Bind;
    /// use sqlalgebra::value::ValueRef;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// // What `users::Name.eq("ann")` builds from the `&str`:
    /// let q = select(users::Id).filter(users::Name.eq(Bind::<_, Text>::new("ann")));
    /// let r = q.to_sql(&sqlalgebra_sqlite::Sqlite)?;
    /// assert!(r.sql.ends_with(r#"WHERE "users"."name" = ?"#));
    /// assert_eq!(r.binds[..], [ValueRef::Text("ann")]);
    /// # Ok(()) }
    /// ```
    pub fn new(value: T) -> Self {
        Bind {
            value,
            _sql_type: PhantomData,
        }
    }

    /// The bound value.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::expr::Bind;
    /// let b: Bind<String, Text> = Bind::new("ann".to_string());
    /// assert_eq!(b.value(), "ann");
    /// ```
    pub fn value(&self) -> &T {
        &self.value
    }
}

impl<T: Clone, ST> Clone for Bind<T, ST> {
    fn clone(&self) -> Self {
        Bind::new(self.value.clone())
    }
}
impl<T: Copy, ST> Copy for Bind<T, ST> {}
impl<T: std::fmt::Debug, ST> std::fmt::Debug for Bind<T, ST> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Bind").field(&self.value).finish()
    }
}

/// Whether `value`, bound as a `ST`, does not fit it: an integer outside
/// the range of an `Integer` or a `SmallInt`.
#[inline(always)]
fn out_of_range<ST: SqlType>(value: ValueRef<'_>) -> Option<i64> {
    let fits = match (ST::KIND, value) {
        (SqlKind::Integer, ValueRef::Int(i)) => i32::try_from(i).is_ok(),
        (SqlKind::SmallInt, ValueRef::Int(i)) => i16::try_from(i).is_ok(),
        _ => return None,
    };
    match value {
        ValueRef::Int(i) if !fits => Some(i),
        _ => None,
    }
}

/// Pushes `value` as a bind, or records [`ErrorKind::ValueOutOfRange`](crate::ErrorKind::ValueOutOfRange)
/// when it does not fit `ST`.
#[inline(always)]
fn push_checked<'a, ST: SqlType>(w: &mut SqlWriter<'a>, value: ValueRef<'a>) {
    if let Some(value) = out_of_range::<ST>(value) {
        w.fail(
            crate::ErrorKind::ValueOutOfRange {
                value,
                sql_type: ST::KIND,
            }
            .into(),
        );
    }
    w.push_bind(value);
}

/// A bound `Numeric` is cast on the dialects that ask for it
/// ([`Dialect::numeric_bind_cast`](crate::render::Dialect::numeric_bind_cast)),
/// and so is a bound blob, whatever its SQL type (`Any` too)
/// ([`Dialect::blob_bind_cast`](crate::render::Dialect::blob_bind_cast)),
/// except as the value of an assignment. An integer that does not fit
/// the `Integer` or `SmallInt` it is bound as (an `i64` bound to an
/// `Integer` column) is [`ErrorKind::ValueOutOfRange`](crate::ErrorKind::ValueOutOfRange),
/// before anything is sent.
#[diagnostic::do_not_recommend]
impl<T: Encode, ST: SqlType> Render for Bind<T, ST> {
    #[inline]
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        let value = self.value.encode();
        let cast = if ST::KIND.is_decimal() {
            w.dialect().numeric_bind_cast()
        } else if matches!(value, ValueRef::Blob(_)) {
            w.dialect().blob_bind_cast()
        } else {
            None
        };
        match cast {
            Some(ty) => {
                w.push_sql("CAST(");
                push_checked::<ST>(w, value);
                w.push_sql(" AS ");
                w.push_sql(ty);
                w.push_sql(")");
            }
            None => push_checked::<ST>(w, value),
        }
    }
    #[inline]
    fn render_assigned<'a>(&'a self, w: &mut SqlWriter<'a>) {
        push_checked::<ST>(w, self.value.encode());
    }
    fn render_order_key<'a>(&'a self, w: &mut SqlWriter<'a>) {
        if w.dialect().reads_bound_sort_positions() {
            w.push_sql("COALESCE(");
            push_checked::<ST>(w, self.value.encode());
            w.push_sql(")");
        } else {
            push_checked::<ST>(w, self.value.encode());
        }
    }
    #[inline(always)]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static BIND: NodeTag = NodeTag::new("bind");
        // Their text depends on the dialect: not the same words as a bind.
        static NUMERIC_BIND: NodeTag = NodeTag::new("numeric bind");
        static BLOB_BIND: NodeTag = NodeTag::new("blob bind");
        let value = self.value.encode();
        key.tag(if ST::KIND.is_decimal() {
            &NUMERIC_BIND
        } else if matches!(value, ValueRef::Blob(_)) {
            &BLOB_BIND
        } else {
            &BIND
        });
        key.bind(value);
        // Out of range: not cached, so that rendering reports it.
        out_of_range::<ST>(value).is_none()
    }
    #[inline]
    fn evaluate<'a>(&'a self, row: &'a dyn crate::render::EvalRow) -> Option<ValueRef<'a>> {
        let _ = row;
        self.bound_value()
    }
    #[inline]
    fn bound_value(&self) -> Option<ValueRef<'_>> {
        // Out of range: rendered on its own, which reports it.
        let value = self.value.encode();
        match out_of_range::<ST>(value) {
            None => Some(value),
            Some(_) => None,
        }
    }
}

#[diagnostic::do_not_recommend]
impl<T: Encode, ST: SqlType> Expression for Bind<T, ST> {
    type SqlType = ST;
}

/// A value or expression usable where SQL type `ST` is expected: Rust
/// values become bind parameters of SQL type `ST` (see [`TakesValue`]),
/// expressions of a [`Comparable`] SQL type stay as they are (every
/// numeric type with every other, every text type with every other).
/// Where the SQL type must be the same, not only comparable (`set`, CASE
/// branches, COALESCE), the methods also ask for [`Compatible`].
///
/// `users::Id.eq(5)` infers `i64` for `5` because `i64` is the integer type
/// that goes with `BigInt`.
#[diagnostic::on_unimplemented(
    message = "cannot use `{Self}` as a SQL value of type `{ST}`",
    label = "expected a value or expression of SQL type `{ST}`",
    note = "BigInt takes i64, Integer i32 or i64, SmallInt i16, Double f64, Real f32, Numeric &str or an integer, Text &str or String, Bool bool, Blob &[u8] or Vec<u8>, Nullable<T> also Option<..>",
    note = "an expression must be of a comparable SQL type: numbers mix with numbers, text with text (give or take Nullable)"
)]
///
/// ```
/// use sqlalgebra::prelude::*;
/// # use sqlalgebra::orm::doc_models::*;
/// // Rust values become bound parameters where a SQL value is expected.
/// let q = select(users::Id).filter(users::Name.eq("ann").and(users::Id.gt(3)));
/// let r = q.to_sql(&sqlalgebra_postgres::Postgres)?;
/// assert!(r.sql.ends_with("WHERE \"users\".\"name\" = $1 AND \"users\".\"id\" > $2"));
/// assert_eq!(r.binds.len(), 2);
/// # Ok::<(), sqlalgebra::Error>(())
/// ```
pub trait IntoExpr<ST> {
    /// The expression it becomes.
    type Expr: Expression;
    /// Converts it.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::expr::{Bind, IntoExpr};
    /// # use sqlalgebra::orm::doc_models::*;
    /// // A Rust value becomes a bind parameter of the SQL type expected...
    /// let b: Bind<i64, BigInt> = IntoExpr::<BigInt>::into_expr(7i64);
    /// assert_eq!(*b.value(), 7);
    /// // ...an expression stays itself.
    /// let _: users::Id = IntoExpr::<BigInt>::into_expr(users::Id);
    /// ```
    fn into_expr(self) -> Self::Expr;
}

#[diagnostic::do_not_recommend]
impl<E: Expression, ST> IntoExpr<ST> for E
where
    E::SqlType: Comparable<ST>,
{
    type Expr = E;
    #[inline]
    fn into_expr(self) -> E {
        self
    }
}

/// The SQL types that a Rust value of type `T` is bound as: `BigInt` and
/// `Nullable<BigInt>` take an `i64`, `Text` and `Varchar<N>` take a `&str`,
/// `Nullable<T>` takes an `Option` of what `T` takes.
///
/// This is what makes a plain value `IntoExpr<ST>`.
///
/// ```
/// use sqlalgebra::{expr::TakesValue, types::*};
/// fn takes<ST: TakesValue<T>, T>() {}
/// takes::<BigInt, i64>();
/// takes::<Nullable<Varchar<20>>, Option<&str>>();
/// ```
pub trait TakesValue<T> {}

// Also used by the optional integrations (`crate::integrations`).
macro_rules! takes_value {
    ($($t:ty => $st:ty;)*) => {$(
        #[diagnostic::do_not_recommend]
        impl<'v> $crate::expr::TakesValue<$t> for $st {}
        #[diagnostic::do_not_recommend]
        impl<'v> $crate::expr::TakesValue<$t> for $crate::types::Nullable<$st> {}
    )*};
}
takes_value! {
    i16 => SmallInt;
    i32 => Integer;
    i64 => BigInt;
    f32 => Real;
    f64 => Double;
    bool => Bool;
    &'v str => Text;
    String => Text;
    &'v String => Text;
    &'v [u8] => Blob;
    Vec<u8> => Blob;
}
#[allow(unused_imports)]
pub(crate) use takes_value;

macro_rules! text_takes_value {
    ($($t:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl<'v, const N: u32> TakesValue<$t> for Varchar<N> {}
        #[diagnostic::do_not_recommend]
        impl<'v, const N: u32> TakesValue<$t> for Nullable<Varchar<N>> {}
    )*};
}
text_takes_value!(&'v str, String, &'v String);

// `Numeric<P, S>` takes its digits as text, and integers (exact). Also used
// by the optional integrations (`crate::integrations`).
macro_rules! numeric_takes_value {
    ($($t:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl<'v, const P: u32, const S: u32> $crate::expr::TakesValue<$t> for $crate::types::Numeric<P, S> {}
        #[diagnostic::do_not_recommend]
        impl<'v, const P: u32, const S: u32> $crate::expr::TakesValue<$t>
            for $crate::types::Nullable<$crate::types::Numeric<P, S>> {}
    )*};
}
numeric_takes_value!(&'v str, String, &'v String, i32, i64);
#[allow(unused_imports)]
pub(crate) use numeric_takes_value;

// An `Integer` also takes an `i64` and a `SmallInt` an `i32` or `i64`
// (the widths keys and loading use), checked against the column's range
// before the statement is sent (see `Bind`).
takes_value! {
    i64 => Integer;
    i32 => SmallInt;
    i64 => SmallInt;
}

macro_rules! any_takes_value {
    ($($t:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl<'v> TakesValue<$t> for Any {}
    )*};
}
any_takes_value!(
    i16,
    i32,
    i64,
    f32,
    f64,
    bool,
    &'v str,
    String,
    &'v String,
    &'v [u8],
    Vec<u8>
);

#[diagnostic::do_not_recommend]
impl<T> TakesValue<Option<T>> for Any where Any: TakesValue<T> {}

#[diagnostic::do_not_recommend]
impl<T, ST> TakesValue<Option<T>> for Nullable<ST> where ST: TakesValue<T> + SqlType<NotNull = ST> {}

// One impl per Rust type, generic over the SQL type: a value that does not
// fit then matches no impl at all (rather than only the impl for
// expressions), so the error names the value and the SQL type, and the
// statement built around it is not reported again. Also used by the
// optional integrations (`crate::integrations`).
macro_rules! value_into_expr {
    ($($t:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl<'v, ST: $crate::types::SqlType + $crate::expr::TakesValue<$t>> $crate::expr::IntoExpr<ST> for $t {
            type Expr = $crate::expr::Bind<$t, ST>;
            #[inline]
            fn into_expr(self) -> Self::Expr { $crate::expr::Bind::new(self) }
        }
    )*};
}
value_into_expr!(
    i16,
    i32,
    i64,
    f32,
    f64,
    bool,
    &'v str,
    String,
    &'v String,
    &'v [u8],
    Vec<u8>
);
#[allow(unused_imports)]
pub(crate) use value_into_expr;

#[diagnostic::do_not_recommend]
impl<T: Encode, ST: SqlType + TakesValue<Option<T>>> IntoExpr<ST> for Option<T> {
    type Expr = Bind<Option<T>, ST>;
    #[inline]
    fn into_expr(self) -> Self::Expr {
        Bind::new(self)
    }
}

/// A boolean literal, rendered by the dialect (`TRUE`, or `1` on SQLite).
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::expr::BoolLiteral;
/// let always = BoolLiteral(true);
/// assert!(always.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoolLiteral(pub bool);

#[diagnostic::do_not_recommend]
impl Render for BoolLiteral {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        if w.in_sort_key() {
            // Not an integer (a column position to SQLite and MySQL, also
            // inside `1 IS NULL` on SQLite), nor a bare boolean constant
            // (which PostgreSQL refuses).
            w.push_sql(if self.0 { "(1 = 1)" } else { "(1 = 0)" });
        } else {
            w.push_sql(w.dialect().bool_literal(self.0));
        }
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static BOOL: NodeTag = NodeTag::new("bool literal");
        key.tag(&BOOL);
        key.word(usize::from(self.0));
        true
    }
}
#[diagnostic::do_not_recommend]
impl Expression for BoolLiteral {
    type SqlType = Bool;
}

/// Binds a Rust value as an expression of its natural SQL type, for the
/// places where no column gives the type: `select(bind(1i64))`.
///
/// ```
/// use sqlalgebra::prelude::*;
/// let one = bind::<BigInt, _>(1i64);
/// ```
pub fn bind<ST: SqlType, T: IntoExpr<ST>>(value: T) -> T::Expr {
    value.into_expr()
}

crate::macros::in_scope! {
    [T, ST] Bind<T, ST> {};
    [] BoolLiteral {};
}
