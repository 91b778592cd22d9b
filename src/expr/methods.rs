//! The operator methods on every expression (and so on every column).

use super::matching::like_escape_literal;
use super::*;
use crate::types::{BoolLike, NumericLike, Text, TextLike};

/// Comparison, NULL tests, IN, BETWEEN and ordering: for every expression.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// let p = A.eq(5).or(A.between(10, 20)).or(A.in_([1, 2, 3]));
/// ```
pub trait ExpressionMethods: Expression + Sized {
    /// `self = rhs`
    fn eq<R: IntoExpr<Self::SqlType>>(self, rhs: R) -> Eq<Self, R::Expr> {
        Eq::new(self, rhs.into_expr())
    }
    /// `self <> rhs`
    fn ne<R: IntoExpr<Self::SqlType>>(self, rhs: R) -> Ne<Self, R::Expr> {
        Ne::new(self, rhs.into_expr())
    }
    /// `self < rhs`
    fn lt<R: IntoExpr<Self::SqlType>>(self, rhs: R) -> Lt<Self, R::Expr> {
        Lt::new(self, rhs.into_expr())
    }
    /// `self <= rhs`
    fn le<R: IntoExpr<Self::SqlType>>(self, rhs: R) -> Le<Self, R::Expr> {
        Le::new(self, rhs.into_expr())
    }
    /// `self > rhs`
    fn gt<R: IntoExpr<Self::SqlType>>(self, rhs: R) -> Gt<Self, R::Expr> {
        Gt::new(self, rhs.into_expr())
    }
    /// `self >= rhs`
    fn ge<R: IntoExpr<Self::SqlType>>(self, rhs: R) -> Ge<Self, R::Expr> {
        Ge::new(self, rhs.into_expr())
    }
    /// `self IS NULL`
    #[allow(clippy::wrong_self_convention)] // named after SQL, builds a node
    fn is_null(self) -> IsNull<Self> {
        IsNull { expr: self }
    }
    /// `self IS NOT NULL`
    #[allow(clippy::wrong_self_convention)] // named after SQL, builds a node
    fn is_not_null(self) -> IsNotNull<Self> {
        IsNotNull { expr: self }
    }
    /// `self BETWEEN low AND high`
    fn between<Lo, Hi>(self, low: Lo, high: Hi) -> Between<Self, Lo::Expr, Hi::Expr>
    where
        Lo: IntoExpr<Self::SqlType>,
        Hi: IntoExpr<Self::SqlType>,
    {
        Between {
            expr: self,
            low: low.into_expr(),
            high: high.into_expr(),
        }
    }
    /// `self IN (v1, v2, ...)` for a list of values (always false for an
    /// empty list), or `self IN (SELECT ...)` for a one-column query.
    fn in_<V: InOperand<Self::SqlType>>(self, values: V) -> V::In<Self> {
        values.in_of(self)
    }
    /// `self NOT IN (...)`: a list of values (always true for an empty
    /// list) or a one-column query.
    fn not_in<V: InOperand<Self::SqlType>>(self, values: V) -> V::NotIn<Self> {
        values.not_in_of(self)
    }
    /// `self AS "name"`, for the SELECT list (and the columns of a derived
    /// table or CTE).
    fn label(self, name: &'static str) -> Labeled<Self> {
        Labeled { expr: self, name }
    }
    /// `self ASC`, for ORDER BY.
    fn asc(self) -> Asc<Self> {
        Asc { expr: self }
    }
    /// `self DESC`, for ORDER BY.
    fn desc(self) -> Desc<Self> {
        Desc { expr: self }
    }
}

impl<E: Expression> ExpressionMethods for E {}

/// AND and OR: for boolean expressions.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// let p = A.gt(1).and(A.lt(10)).or(A.is_null());
/// ```
pub trait BoolExpressionMethods: Expression + Sized {
    /// `self AND rhs`
    fn and<R>(self, rhs: R) -> And<Self, R>
    where
        Self::SqlType: BoolLike,
        R: Expression,
        R::SqlType: BoolLike,
    {
        And::new(self, rhs)
    }
    /// `self OR rhs`
    fn or<R>(self, rhs: R) -> Or<Self, R>
    where
        Self::SqlType: BoolLike,
        R: Expression,
        R::SqlType: BoolLike,
    {
        Or::new(self, rhs)
    }
}

// Implemented for every expression, with the SQL type checked by each
// method: misuse then reads "expected a {kind} SQL expression, found one of
// type `T`" instead of "the method exists but its trait bounds were not
// satisfied".
impl<E: Expression> BoolExpressionMethods for E {}

/// `left LIKE pattern ESCAPE '/'` for a pattern escaped by [`pattern`].
fn like_literal<L>(left: L, escaped: String) -> Like<L, Bind<String, Text>> {
    Like {
        left,
        pattern: Bind::new(escaped),
        escape: true,
        negated: false,
    }
}

fn pattern(prefix: bool, text: &str, suffix: bool) -> String {
    let mut p = String::with_capacity(text.len() + 4);
    if prefix {
        p.push('%');
    }
    like_escape_literal(&mut p, text);
    if suffix {
        p.push('%');
    }
    p
}

/// LIKE and friends, and concatenation: for text expressions.
///
/// `starts_with`, `ends_with` and `contains` match their argument
/// literally: `%` and `_` in it are escaped.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = Text; const NAME: &'static str = "a"; }
/// let p = A.starts_with("50%_off").or(A.ilike("%SALE%"));
/// ```
pub trait TextExpressionMethods: Expression + Sized {
    /// `self LIKE pattern`
    fn like<R: IntoExpr<Self::SqlType>>(self, pattern: R) -> Like<Self, R::Expr>
    where
        Self::SqlType: TextLike,
    {
        Like {
            left: self,
            pattern: pattern.into_expr(),
            escape: false,
            negated: false,
        }
    }
    /// `self NOT LIKE pattern`
    fn not_like<R: IntoExpr<Self::SqlType>>(self, pattern: R) -> Like<Self, R::Expr>
    where
        Self::SqlType: TextLike,
    {
        Like {
            left: self,
            pattern: pattern.into_expr(),
            escape: false,
            negated: true,
        }
    }
    /// Case-insensitive LIKE.
    fn ilike<R: IntoExpr<Self::SqlType>>(self, pattern: R) -> ILike<Self, R::Expr>
    where
        Self::SqlType: TextLike,
    {
        ILike {
            left: self,
            pattern: pattern.into_expr(),
        }
    }
    /// `self LIKE 'text%' ESCAPE '/'`, with `text` matched literally.
    fn starts_with(self, text: &str) -> Like<Self, Bind<String, Text>>
    where
        Self::SqlType: TextLike,
    {
        like_literal(self, pattern(false, text, true))
    }
    /// `self LIKE '%text' ESCAPE '/'`, with `text` matched literally.
    fn ends_with(self, text: &str) -> Like<Self, Bind<String, Text>>
    where
        Self::SqlType: TextLike,
    {
        like_literal(self, pattern(true, text, false))
    }
    /// `self LIKE '%text%' ESCAPE '/'`, with `text` matched literally.
    fn contains(self, text: &str) -> Like<Self, Bind<String, Text>>
    where
        Self::SqlType: TextLike,
    {
        like_literal(self, pattern(true, text, true))
    }
    /// `self || rhs` (`CONCAT(self, rhs)` on MySQL).
    fn concat<R: IntoExpr<Self::SqlType>>(self, rhs: R) -> Concat<Self, R::Expr>
    where
        Self::SqlType: TextLike,
    {
        Concat {
            left: self,
            right: rhs.into_expr(),
        }
    }
}

// Implemented for every expression, with the SQL type checked by each
// method: misuse then reads "expected a {kind} SQL expression, found one of
// type `T`" instead of "the method exists but its trait bounds were not
// satisfied".
impl<E: Expression> TextExpressionMethods for E {}

/// Arithmetic: for numeric expressions.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = Double; const NAME: &'static str = "a"; }
/// let price_with_tax = A.mul(1.2).add(0.5);
/// ```
pub trait NumericExpressionMethods: Expression + Sized {
    /// `self + rhs`
    fn add<R: IntoExpr<Self::SqlType>>(self, rhs: R) -> Add<Self, R::Expr>
    where
        Self::SqlType: NumericLike,
    {
        Add::new(self, rhs.into_expr())
    }
    /// `self - rhs`
    fn sub<R: IntoExpr<Self::SqlType>>(self, rhs: R) -> Sub<Self, R::Expr>
    where
        Self::SqlType: NumericLike,
    {
        Sub::new(self, rhs.into_expr())
    }
    /// `self * rhs`
    fn mul<R: IntoExpr<Self::SqlType>>(self, rhs: R) -> Mul<Self, R::Expr>
    where
        Self::SqlType: NumericLike,
    {
        Mul::new(self, rhs.into_expr())
    }
    /// `self / rhs`
    fn div<R: IntoExpr<Self::SqlType>>(self, rhs: R) -> Div<Self, R::Expr>
    where
        Self::SqlType: NumericLike,
    {
        Div::new(self, rhs.into_expr())
    }
}

// Implemented for every expression, with the SQL type checked by each
// method: misuse then reads "expected a {kind} SQL expression, found one of
// type `T`" instead of "the method exists but its trait bounds were not
// satisfied".
impl<E: Expression> NumericExpressionMethods for E {}
