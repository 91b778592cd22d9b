//! The operator methods on every expression (and so on every column).

use super::*;
use crate::types::{BoolLike, NumericLike, TextLike};

/// The right operand of `+ - * /` on a `ST`: a value or an expression
/// [`IntoExpr<ST>`](IntoExpr), where `ST` is numeric. One bound for both,
/// so that `name.add(1)` is one error, not two.
///
/// ```
/// use sqlalgebra::{expr::NumericOperand, types::*};
/// fn operand<R: NumericOperand<ST>, ST>() {}
/// operand::<i64, BigInt>();
/// operand::<i32, Numeric>();
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot do arithmetic between SQL `{ST}` and `{Self}`",
    label = "`+ - * /` need numbers on both sides",
    note = "numeric SQL types are SmallInt, Integer, BigInt, Real, Double and Numeric; they mix with each other"
)]
pub trait NumericOperand<ST> {
    /// The expression it becomes.
    type Expr: Expression;
    /// Converts it.
    fn into_operand(self) -> Self::Expr;
}

#[diagnostic::do_not_recommend]
impl<R: IntoExpr<ST>, ST: NumericLike> NumericOperand<ST> for R {
    type Expr = R::Expr;
    #[inline]
    fn into_operand(self) -> R::Expr {
        self.into_expr()
    }
}

/// The right operand of LIKE and concatenation on a `ST`: a value or an
/// expression [`IntoExpr<ST>`](IntoExpr), where `ST` is a text type. One
/// bound for both, so that `id.like("1%")` is one error, not two.
///
/// ```
/// use sqlalgebra::{expr::TextOperand, types::*};
/// fn operand<R: TextOperand<ST>, ST>() {}
/// operand::<&str, Varchar<20>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "LIKE and concatenation need text: found SQL `{ST}` and `{Self}`",
    label = "expected text on both sides",
    note = "text SQL types are Text and Varchar<N> (they mix with each other); cast a number first: `cast::<Text, _>(expr)`"
)]
pub trait TextOperand<ST> {
    /// The expression it becomes.
    type Expr: Expression;
    /// Converts it.
    fn into_operand(self) -> Self::Expr;
}

#[diagnostic::do_not_recommend]
impl<R: IntoExpr<ST>, ST: TextLike> TextOperand<ST> for R {
    type Expr = R::Expr;
    #[inline]
    fn into_operand(self) -> R::Expr {
        self.into_expr()
    }
}

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
    /// table or CTE). `name` is a string or a [`Label`] marker; a derived
    /// table reaches a column labelled with a marker by the marker, typed
    /// ([`Derived::col`](crate::query::Derived::col)).
    fn label<N: IntoLabel>(self, name: N) -> Labeled<Self, N::Marker> {
        Labeled::new(self, name.name())
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

fn literal_match<E>(text: E, needle: &str, kind: MatchKind) -> LiteralMatch<E> {
    LiteralMatch {
        text,
        needle: needle.to_owned(),
        kind,
    }
}

/// LIKE and friends, and concatenation: for text expressions.
///
/// `like`, `not_like` and `ilike` take a pattern and keep the database's
/// own semantics, which differ (see [`Like`]); `starts_with`, `ends_with`
/// and `contains` match their argument literally and exactly on every
/// database and collation (see [`LiteralMatch`]).
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
    /// `self LIKE pattern`: `%` and `_` in `pattern` are wildcards, and
    /// the database's own rules compare the rest (SQLite ignores ASCII
    /// case and stops at a NUL; MySQL and MariaDB use the collation, which
    /// may fold case, accents and emoji; see [`Like`]). For a plain string
    /// matched exactly, use [`starts_with`](Self::starts_with),
    /// [`ends_with`](Self::ends_with) or [`contains`](Self::contains).
    fn like<R: TextOperand<Self::SqlType>>(self, pattern: R) -> Like<Self, R::Expr> {
        Like {
            left: self,
            pattern: pattern.into_operand(),
            negated: false,
        }
    }
    /// `self NOT LIKE pattern`, with the database's own semantics, as
    /// [`like`](Self::like).
    fn not_like<R: TextOperand<Self::SqlType>>(self, pattern: R) -> Like<Self, R::Expr> {
        Like {
            left: self,
            pattern: pattern.into_operand(),
            negated: true,
        }
    }
    /// Case-insensitive LIKE, with the database's own semantics:
    /// `self ILIKE pattern` on PostgreSQL, `lower(self) LIKE
    /// lower(pattern)` on SQLite (ASCII letters only) and MySQL (see
    /// [`ILike`]).
    fn ilike<R: TextOperand<Self::SqlType>>(self, pattern: R) -> ILike<Self, R::Expr> {
        ILike {
            left: self,
            pattern: pattern.into_operand(),
        }
    }
    /// Whether the text begins with `text`, compared exactly: case,
    /// accents (precomposed `é` is not `e` + U+0301), emoji, NUL and
    /// trailing spaces count, whatever the collation, and `%`, `_`, `\`
    /// are plain characters. Every text starts with `""`; a NULL text gives
    /// NULL. The needle is bound twice (for its length, then compared):
    ///
    /// | dialect | SQL |
    /// |---|---|
    /// | SQLite | `SUBSTR(CAST(X'00' \|\| s AS BLOB), 2, LENGTH(CAST(? AS BLOB))) = CAST(? AS BLOB)` |
    /// | PostgreSQL | `LEFT(CAST(s AS TEXT) COLLATE "C", CHAR_LENGTH($1)) = $2` |
    /// | MySQL | `LEFT(CAST(CONVERT(s USING utf8mb4) AS BINARY), LENGTH(?)) = CAST(? AS BINARY)` |
    ///
    /// # Errors
    /// On PostgreSQL, whose text cannot hold a NUL, a `text` with one makes
    /// the statement fail with [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported)
    /// before it is sent.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::value::ValueRef;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = S; type PrimaryKey = S; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
    /// # impl Column for S { type Table = T; type SqlType = Text; const NAME: &'static str = "s"; }
    /// let q = select(count_star()).filter(S.starts_with("50%"));
    /// let r = q.to_sql(&sqlalgebra_postgres::Postgres).unwrap();
    /// assert_eq!(
    ///     r.sql,
    ///     r#"SELECT COUNT(*) FROM "t" WHERE LEFT(CAST("t"."s" AS TEXT) COLLATE "C", CHAR_LENGTH($1)) = $2"#
    /// );
    /// assert_eq!(r.binds[..], [ValueRef::Text("50%"), ValueRef::Text("50%")]);
    /// ```
    fn starts_with(self, text: &str) -> LiteralMatch<Self>
    where
        Self::SqlType: TextLike,
    {
        literal_match(self, text, MatchKind::StartsWith)
    }
    /// Whether the text ends with `text`, compared exactly as
    /// [`starts_with`](Self::starts_with) does. Every text ends with `""`;
    /// a NULL text gives NULL. The needle is bound twice:
    ///
    /// | dialect | SQL |
    /// |---|---|
    /// | SQLite | `SUBSTR(CAST(s \|\| X'00' AS BLOB), -1 - LENGTH(CAST(? AS BLOB))) = CAST(? \|\| X'00' AS BLOB)` |
    /// | PostgreSQL | `RIGHT(CAST(s AS TEXT) COLLATE "C", CHAR_LENGTH($1)) = $2` |
    /// | MySQL | `RIGHT(CAST(CONVERT(s USING utf8mb4) AS BINARY), LENGTH(?)) = CAST(? AS BINARY)` |
    ///
    /// (SQLite compares bytes: its `SUBSTR` of an empty blob is NULL and
    /// `SUBSTR(b, -0)` is all of `b`, so a NUL byte is put before the text
    /// for a prefix, after text and needle for a suffix.)
    ///
    /// # Errors
    /// As [`starts_with`](Self::starts_with): a NUL in `text` on PostgreSQL.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = S; type PrimaryKey = S; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
    /// # impl Column for S { type Table = T; type SqlType = Text; const NAME: &'static str = "s"; }
    /// let q = select(count_star()).filter(not(S.ends_with(" ")));
    /// assert_eq!(
    ///     q.to_sql(&sqlalgebra_mysql::Mysql).unwrap().sql,
    ///     "SELECT COUNT(*) FROM `t` WHERE NOT (RIGHT(CAST(CONVERT(`t`.`s` USING utf8mb4) AS BINARY), LENGTH(?)) = CAST(? AS BINARY))"
    /// );
    /// ```
    fn ends_with(self, text: &str) -> LiteralMatch<Self>
    where
        Self::SqlType: TextLike,
    {
        literal_match(self, text, MatchKind::EndsWith)
    }
    /// Whether `text` occurs in the text, compared exactly as
    /// [`starts_with`](Self::starts_with) does. Every text contains `""`;
    /// a NULL text gives NULL. The needle is bound once:
    ///
    /// | dialect | SQL |
    /// |---|---|
    /// | SQLite | `INSTR(CAST(s AS BLOB), CAST(? AS BLOB)) > 0` |
    /// | PostgreSQL | `STRPOS(CAST(s AS TEXT) COLLATE "C", $1) > 0` |
    /// | MySQL | `INSTR(CAST(CONVERT(s USING utf8mb4) AS BINARY), CAST(? AS BINARY)) > 0` |
    ///
    /// # Errors
    /// As [`starts_with`](Self::starts_with): a NUL in `text` on PostgreSQL.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = S; type PrimaryKey = S; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
    /// # impl Column for S { type Table = T; type SqlType = Text; const NAME: &'static str = "s"; }
    /// let q = select(count_star()).filter(S.contains("\0"));
    /// assert!(q.to_sql(&sqlalgebra_sqlite::Sqlite).is_ok());
    /// assert!(matches!(
    ///     q.to_sql(&sqlalgebra_postgres::Postgres).as_ref().map_err(sqlalgebra::Error::kind),
    ///     Err(sqlalgebra::ErrorKind::Unsupported { .. })
    /// ));
    /// ```
    fn contains(self, text: &str) -> LiteralMatch<Self>
    where
        Self::SqlType: TextLike,
    {
        literal_match(self, text, MatchKind::Contains)
    }
    /// `self || rhs` (`CONCAT(self, rhs)` on MySQL).
    fn concat<R: TextOperand<Self::SqlType>>(self, rhs: R) -> Concat<Self, R::Expr> {
        Concat {
            left: self,
            right: rhs.into_operand(),
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
    fn add<R: NumericOperand<Self::SqlType>>(self, rhs: R) -> Add<Self, R::Expr> {
        Add::new(self, rhs.into_operand())
    }
    /// `self - rhs`
    fn sub<R: NumericOperand<Self::SqlType>>(self, rhs: R) -> Sub<Self, R::Expr> {
        Sub::new(self, rhs.into_operand())
    }
    /// `self * rhs`
    fn mul<R: NumericOperand<Self::SqlType>>(self, rhs: R) -> Mul<Self, R::Expr> {
        Mul::new(self, rhs.into_operand())
    }
    /// `self / rhs`
    fn div<R: NumericOperand<Self::SqlType>>(self, rhs: R) -> Div<Self, R::Expr> {
        Div::new(self, rhs.into_operand())
    }
}

// Implemented for every expression, with the SQL type checked by each
// method: misuse then reads "expected a {kind} SQL expression, found one of
// type `T`" instead of "the method exists but its trait bounds were not
// satisfied".
impl<E: Expression> NumericExpressionMethods for E {}
