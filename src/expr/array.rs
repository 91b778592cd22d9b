//! PostgreSQL array operators on [`Array`] expressions: `@>`, `<@`, `&&`,
//! `= ANY(..)`, 1-based subscripts and `cardinality`. SQLite and MySQL
//! have no arrays: [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) before
//! anything is sent.

use super::{Expression, IntoExpr};
use crate::render::{GroupCheck, NodeTag, Render, SqlKey, SqlWriter, TableSet, precedence};
use crate::types::{Array, Bool, Integer, IntoNullable, Nullable, PropagateNull, SqlType};
use crate::value::ValueRef;

/// SQL types holding an array: `Array<T>` and `Nullable<Array<T>>`, with
/// `T` their element type.
///
/// ```
/// use sqlalgebra::expr::ArrayLike;
/// use sqlalgebra::types::{Array, Nullable, Text};
/// fn element<A: ArrayLike<Element = Text>>() {}
/// element::<Nullable<Array<Text>>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an array type",
    label = "array operators need an `Array<T>` expression"
)]
pub trait ArrayLike: SqlType {
    /// The type of the elements.
    type Element: IntoNullable;
}
impl<T: IntoNullable> ArrayLike for Array<T> {
    type Element = T;
}
impl<T: IntoNullable> ArrayLike for Nullable<Array<T>> {
    type Element = T;
}

/// The binary array operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Contains,
    ContainedBy,
    Overlaps,
    Any,
}

/// `(a @> b)`, `(a <@ b)`, `(a && b)` or `(b = ANY(a))`: a nullable boolean.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::expr::ArrayExpressionMethods;
/// use sqlalgebra::types::Array;
/// let tags = bind::<Array<Text>, _>(vec!["a"]);
/// let q = select(tags.contains_all(vec!["a", "b"]));
/// assert_eq!(q.to_sql(&sqlalgebra_postgres::Postgres).unwrap().sql, "SELECT ($1 @> $2)");
/// ```
#[derive(Debug, Clone)]
pub struct ArrayTest<A, B> {
    array: A,
    other: B,
    op: Op,
}

#[diagnostic::do_not_recommend]
impl<A: Render, B: Render> Render for ArrayTest<A, B> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        if !w.dialect().binds_arrays() {
            return w.unsupported("array operators");
        }
        w.push_sql("(");
        let op = match self.op {
            Op::Contains => " @> ",
            Op::ContainedBy => " <@ ",
            Op::Overlaps => " && ",
            Op::Any => {
                w.push_operand(&self.other, precedence::ATOM);
                w.push_sql(" = ANY(");
                self.array.render(w);
                w.push_sql("))");
                return;
            }
        };
        w.push_operand(&self.array, precedence::ATOM);
        w.push_sql(op);
        w.push_operand(&self.other, precedence::ATOM);
        w.push_sql(")");
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.array.collect_tables(out);
        self.other.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.array);
        c.operand(&self.other);
    }
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static TEST: NodeTag = NodeTag::new("array test");
        key.tag(&TEST);
        key.word(self.op as usize);
        // Elsewhere not cached, so that rendering reports it.
        key.binds_arrays() && self.array.sql_key(key) && self.other.sql_key(key)
    }
}
#[diagnostic::do_not_recommend]
impl<A: Expression, B: Expression> Expression for ArrayTest<A, B> {
    type SqlType = Nullable<Bool>;
}

/// `(a)[i]`: one element, counted from 1; NULL past either end.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::expr::ArrayExpressionMethods;
/// use sqlalgebra::types::Array;
/// let q = select(bind::<Array<BigInt>, _>(vec![7i64]).get(1));
/// assert_eq!(q.to_sql(&sqlalgebra_postgres::Postgres).unwrap().sql, "SELECT ($1)[$2]");
/// ```
#[derive(Debug, Clone)]
pub struct ArrayIndex<A> {
    array: A,
    index: i64,
}

#[diagnostic::do_not_recommend]
impl<A: Render> Render for ArrayIndex<A> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        if !w.dialect().binds_arrays() {
            return w.unsupported("array subscripts");
        }
        w.push_sql("(");
        self.array.render(w);
        w.push_sql(")[");
        w.push_bind(ValueRef::Int(self.index));
        w.push_sql("]");
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.array.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.array);
    }
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static INDEX: NodeTag = NodeTag::new("array index");
        key.tag(&INDEX);
        key.bind(ValueRef::Int(self.index));
        key.binds_arrays() && self.array.sql_key(key)
    }
}
#[diagnostic::do_not_recommend]
impl<A: Expression> Expression for ArrayIndex<A>
where
    A::SqlType: ArrayLike,
{
    type SqlType = <<A::SqlType as ArrayLike>::Element as IntoNullable>::Nullable;
}

/// `cardinality(a)`: the number of elements (0 for an empty array, NULL
/// for a NULL one).
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::expr::ArrayExpressionMethods;
/// use sqlalgebra::types::Array;
/// let q = select(bind::<Array<Text>, _>(vec!["a"]).array_length());
/// assert_eq!(q.to_sql(&sqlalgebra_postgres::Postgres).unwrap().sql, "SELECT cardinality($1)");
/// ```
#[derive(Debug, Clone)]
pub struct Cardinality<A>(A);

#[diagnostic::do_not_recommend]
impl<A: Render> Render for Cardinality<A> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        if !w.dialect().binds_arrays() {
            return w.unsupported("array lengths");
        }
        w.push_sql("cardinality(");
        self.0.render(w);
        w.push_sql(")");
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.0.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.0);
    }
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static CARDINALITY: NodeTag = NodeTag::new("cardinality");
        key.tag(&CARDINALITY);
        key.binds_arrays() && self.0.sql_key(key)
    }
}
#[diagnostic::do_not_recommend]
impl<A: Expression> Expression for Cardinality<A>
where
    A::SqlType: ArrayLike + PropagateNull<Integer>,
{
    type SqlType = <A::SqlType as PropagateNull<Integer>>::Output;
}

/// PostgreSQL's array operators on an [`Array`] expression; each is
/// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) on SQLite and MySQL.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::expr::ArrayExpressionMethods;
/// use sqlalgebra::types::Array;
/// let tags = || bind::<Array<Text>, _>(vec!["a", "b"]);
/// let q = select((tags().overlaps(vec!["b"]), tags().any("a"), tags().contained_by(vec!["a"])));
/// let pg = q.to_sql(&sqlalgebra_postgres::Postgres).unwrap();
/// assert_eq!(pg.sql, "SELECT ($1 && $2), ($3 = ANY($4)), ($5 <@ $6)");
/// assert!(matches!(
///     q.to_sql(&sqlalgebra_mysql::Mysql).as_ref().map_err(sqlalgebra::Error::kind),
///     Err(sqlalgebra::ErrorKind::Unsupported { .. })
/// ));
/// ```
pub trait ArrayExpressionMethods: Expression + Sized
where
    Self::SqlType: ArrayLike,
{
    /// `self @> other`: every element of `other` is in `self` (named so
    /// as not to clash with the text method `contains`).
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # use sqlalgebra::expr::ArrayExpressionMethods;
    /// # use sqlalgebra::types::Array;
    /// let q = select(bind::<Array<BigInt>, _>(vec![1i64, 2]).contains_all(vec![2i64]));
    /// assert_eq!(q.to_sql(&sqlalgebra_postgres::Postgres).unwrap().sql, "SELECT ($1 @> $2)");
    /// ```
    fn contains_all<R: IntoExpr<Self::SqlType>>(self, other: R) -> ArrayTest<Self, R::Expr> {
        test(self, other.into_expr(), Op::Contains)
    }

    /// `self <@ other`: every element of `self` is in `other`.
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # use sqlalgebra::expr::ArrayExpressionMethods;
    /// # use sqlalgebra::types::Array;
    /// let q = select(bind::<Array<Text>, _>(vec!["a"]).contained_by(vec!["a", "b"]));
    /// assert_eq!(q.to_sql(&sqlalgebra_postgres::Postgres).unwrap().sql, "SELECT ($1 <@ $2)");
    /// ```
    fn contained_by<R: IntoExpr<Self::SqlType>>(self, other: R) -> ArrayTest<Self, R::Expr> {
        test(self, other.into_expr(), Op::ContainedBy)
    }

    /// `self && other`: the arrays have an element in common.
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # use sqlalgebra::expr::ArrayExpressionMethods;
    /// # use sqlalgebra::types::Array;
    /// let q = select(bind::<Array<Text>, _>(vec!["a"]).overlaps(vec!["b"]));
    /// assert_eq!(q.to_sql(&sqlalgebra_postgres::Postgres).unwrap().sql, "SELECT ($1 && $2)");
    /// ```
    fn overlaps<R: IntoExpr<Self::SqlType>>(self, other: R) -> ArrayTest<Self, R::Expr> {
        test(self, other.into_expr(), Op::Overlaps)
    }

    /// `value = ANY(self)`: `value` is an element of the array.
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # use sqlalgebra::expr::ArrayExpressionMethods;
    /// # use sqlalgebra::types::Array;
    /// let q = select(bind::<Array<Text>, _>(vec!["a"]).any("a"));
    /// assert_eq!(q.to_sql(&sqlalgebra_postgres::Postgres).unwrap().sql, "SELECT ($1 = ANY($2))");
    /// ```
    fn any<R: IntoExpr<<Self::SqlType as ArrayLike>::Element>>(
        self,
        value: R,
    ) -> ArrayTest<Self, R::Expr> {
        test(self, value.into_expr(), Op::Any)
    }

    /// `(self)[index]`: the element at `index`, counted from 1 as
    /// PostgreSQL does; NULL when there is none.
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # use sqlalgebra::expr::ArrayExpressionMethods;
    /// # use sqlalgebra::types::Array;
    /// let first = bind::<Array<Text>, _>(vec!["a"]).get(1);
    /// assert!(select(first).to_sql(&sqlalgebra_sqlite::Sqlite).is_err());
    /// ```
    fn get(self, index: u32) -> ArrayIndex<Self> {
        ArrayIndex {
            array: self,
            index: i64::from(index),
        }
    }

    /// `cardinality(self)`: how many elements.
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # use sqlalgebra::expr::ArrayExpressionMethods;
    /// # use sqlalgebra::types::Array;
    /// let n = bind::<Array<Text>, _>(vec!["a"]).array_length();
    /// assert!(select(n).to_sql(&sqlalgebra_postgres::Postgres).is_ok());
    /// ```
    fn array_length(self) -> Cardinality<Self> {
        Cardinality(self)
    }
}

fn test<A, B>(array: A, other: B, op: Op) -> ArrayTest<A, B> {
    ArrayTest { array, other, op }
}

impl<E: Expression> ArrayExpressionMethods for E where E::SqlType: ArrayLike {}

crate::macros::in_scope! {
    [A, B] ArrayTest<A, B> { A: IA, B: IB };
    [A] ArrayIndex<A> { A: IA };
    [A] Cardinality<A> { A: IA };
}
