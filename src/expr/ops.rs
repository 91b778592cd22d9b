//! Binary and unary operators: comparisons, AND / OR / NOT, arithmetic and
//! string concatenation.

use super::Expression;
use crate::render::{
    ConcatStyle, GroupCheck, NodeTag, Render, SqlKey, SqlWriter, TableSet, precedence,
};
use crate::types::{Bool, BoolLike};

// `$prec` is the node's own precedence; `$left_min` and `$right_min` are the
// least precedence an operand may have to go without parentheses. Arithmetic
// is left-associative (`a - b - c`, but `a - (b - c)`); comparisons do not
// chain (MySQL would read `a = b > c` as `(a = b) > c`, PostgreSQL refuses
// it), so both of their operands need more than COMPARISON.
macro_rules! binary_node {
    (
        $(#[$doc:meta])* $name:ident, $op:literal, $prec:expr, $left_min:expr, $right_min:expr,
        sql_type: |$l:ident, $r:ident| $st:ty $(, where $($bound:tt)*)?
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name<L, R> {
            pub(crate) left: L,
            pub(crate) right: R,
        }

        crate::macros::in_scope! { [L, R] $name<L, R> { L: IL, R: IR }; }

        impl<L, R> $name<L, R> {
            /// Builds the node from its operands as they are: the
            /// methods that build it (`eq`, `and`, `add`, ...) are the ones
            /// that check the operands' SQL types.
            pub fn new(left: L, right: R) -> Self {
                $name { left, right }
            }
        }

        #[diagnostic::do_not_recommend]
        impl<L: Render, R: Render> Render for $name<L, R> {
            #[inline]
            fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
                w.push_operand(&self.left, $left_min);
                w.push_sql($op);
                w.push_operand(&self.right, $right_min);
            }
            fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
                self.left.collect_tables(out);
                self.right.collect_tables(out);
            }
            fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
                c.operand(&self.left);
                c.operand(&self.right);
            }
            fn split_connective<'a>(&'a self, each: &mut dyn FnMut(&'a dyn Render)) -> bool {
                // AND and OR (only they bind as loosely as AND).
                if $prec > precedence::AND {
                    return false;
                }
                each(&self.left);
                each(&self.right);
                true
            }
            fn precedence(&self) -> u8 {
                $prec
            }
            #[inline]
            fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
                static TAG: NodeTag = NodeTag::new(stringify!($name));
                key.tag(&TAG);
                self.left.sql_key(key) && self.right.sql_key(key)
            }
        }

        #[diagnostic::do_not_recommend]
        impl<$l: Expression, $r: Expression> Expression for $name<$l, $r>
        $(where $($bound)*)?
        {
            type SqlType = $st;
        }
    };
}

const CMP_OPERAND: u8 = precedence::COMPARISON + 1;

binary_node!(
    /// `left = right`
    Eq, " = ", precedence::COMPARISON, CMP_OPERAND, CMP_OPERAND, sql_type: |L, R| Bool
);
binary_node!(
    /// `left <> right`
    Ne, " <> ", precedence::COMPARISON, CMP_OPERAND, CMP_OPERAND, sql_type: |L, R| Bool
);
binary_node!(
    /// `left < right`
    Lt, " < ", precedence::COMPARISON, CMP_OPERAND, CMP_OPERAND, sql_type: |L, R| Bool
);
binary_node!(
    /// `left <= right`
    Le, " <= ", precedence::COMPARISON, CMP_OPERAND, CMP_OPERAND, sql_type: |L, R| Bool
);
binary_node!(
    /// `left > right`
    Gt, " > ", precedence::COMPARISON, CMP_OPERAND, CMP_OPERAND, sql_type: |L, R| Bool
);
binary_node!(
    /// `left >= right`
    Ge, " >= ", precedence::COMPARISON, CMP_OPERAND, CMP_OPERAND, sql_type: |L, R| Bool
);
binary_node!(
    /// `left AND right`
    And, " AND ", precedence::AND, precedence::AND, precedence::AND, sql_type: |L, R| Bool
);
binary_node!(
    /// `left OR right`
    Or, " OR ", precedence::OR, precedence::OR, precedence::OR, sql_type: |L, R| Bool
);
binary_node!(
    /// `left + right`
    Add, " + ", precedence::ADDITIVE, precedence::ADDITIVE, precedence::ADDITIVE + 1, sql_type: |L, R| L::SqlType
);
binary_node!(
    /// `left - right`
    Sub, " - ", precedence::ADDITIVE, precedence::ADDITIVE, precedence::ADDITIVE + 1, sql_type: |L, R| L::SqlType
);
binary_node!(
    /// `left * right`
    Mul, " * ", precedence::MULTIPLICATIVE, precedence::MULTIPLICATIVE, precedence::MULTIPLICATIVE + 1, sql_type: |L, R| L::SqlType
);
binary_node!(
    /// `left / right`
    Div, " / ", precedence::MULTIPLICATIVE, precedence::MULTIPLICATIVE, precedence::MULTIPLICATIVE + 1, sql_type: |L, R| L::SqlType
);

// Precedence values must order as SQL does; checked once at compile time.
const _: () = assert!(precedence::OR < precedence::AND && precedence::AND < CMP_OPERAND);

/// `NOT expr`
#[derive(Debug, Clone, Copy, Default)]
pub struct Not<E> {
    pub(crate) expr: E,
}

#[diagnostic::do_not_recommend]
impl<E: Render> Render for Not<E> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sql("NOT ");
        w.push_operand(&self.expr, precedence::ATOM);
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.expr.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.expr);
    }
    fn split_connective<'a>(&'a self, each: &mut dyn FnMut(&'a dyn Render)) -> bool {
        each(&self.expr);
        true
    }
    fn precedence(&self) -> u8 {
        precedence::NOT
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static NOT: NodeTag = NodeTag::new("NOT");
        key.tag(&NOT);
        self.expr.sql_key(key)
    }
}

// Like the comparison nodes, AND, OR and NOT do not check their operands'
// types themselves: `and`, `or`, `not` and the `&`, `|`, `!` operators do.
// So a misused `.and(x)` is reported once, at `x`, and not again by every
// clause the node is passed to.
#[diagnostic::do_not_recommend]
impl<E: Expression> Expression for Not<E> {
    type SqlType = Bool;
}

/// String concatenation: `left || right`, or `CONCAT(left, right)` on MySQL.
#[derive(Debug, Clone, Copy, Default)]
pub struct Concat<L, R> {
    pub(crate) left: L,
    pub(crate) right: R,
}

#[diagnostic::do_not_recommend]
impl<L: Render, R: Render> Render for Concat<L, R> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        match w.dialect().concat_style() {
            ConcatStyle::Operator => {
                w.push_operand(&self.left, precedence::ATOM);
                w.push_sql(" || ");
                w.push_operand(&self.right, precedence::ATOM);
            }
            ConcatStyle::Function => {
                w.push_sql("CONCAT(");
                self.left.render(w);
                w.push_sql(", ");
                self.right.render(w);
                w.push_sql(")");
            }
        }
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.left.collect_tables(out);
        self.right.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.left);
        c.operand(&self.right);
    }
    fn precedence(&self) -> u8 {
        precedence::CONCAT
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static CONCAT: NodeTag = NodeTag::new("concat");
        key.tag(&CONCAT);
        self.left.sql_key(key) && self.right.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<L: Expression, R: Expression> Expression for Concat<L, R> {
    type SqlType = L::SqlType;
}

/// `a AND b`, as a free function (like SQLAlchemy's `and_`).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// let p = and(A.gt(1), A.lt(9));
/// ```
pub fn and<L, R>(left: L, right: R) -> And<L, R>
where
    L: Expression,
    R: Expression,
    L::SqlType: BoolLike,
    R::SqlType: BoolLike,
{
    And { left, right }
}

/// `a OR b`, as a free function (like SQLAlchemy's `or_`).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// let p = or(A.eq(1), A.eq(2));
/// ```
pub fn or<L, R>(left: L, right: R) -> Or<L, R>
where
    L: Expression,
    R: Expression,
    L::SqlType: BoolLike,
    R::SqlType: BoolLike,
{
    Or { left, right }
}

/// `NOT expr`, as a free function (like SQLAlchemy's `not_` or `~`).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// let p = not(A.eq(1));
/// ```
pub fn not<E>(expr: E) -> Not<E>
where
    E: Expression,
    E::SqlType: BoolLike,
{
    Not { expr }
}

logic_operators!(
    Eq<L, R>, Ne<L, R>, Lt<L, R>, Le<L, R>, Gt<L, R>, Ge<L, R>, And<L, R>, Or<L, R>, Not<E>
);

// `+ - * /` on arithmetic nodes, so `(a.add(b)) * c` can be written
// `a.add(b) * c`.
macro_rules! arith_operators {
    ($($node:ident),*) => {$(
        impl<L, R, Rhs> std::ops::Add<Rhs> for $node<L, R>
        where Self: Expression, Rhs: super::IntoExpr<<Self as Expression>::SqlType>
        {
            type Output = Add<Self, Rhs::Expr>;
            fn add(self, rhs: Rhs) -> Self::Output { Add { left: self, right: rhs.into_expr() } }
        }
        impl<L, R, Rhs> std::ops::Sub<Rhs> for $node<L, R>
        where Self: Expression, Rhs: super::IntoExpr<<Self as Expression>::SqlType>
        {
            type Output = Sub<Self, Rhs::Expr>;
            fn sub(self, rhs: Rhs) -> Self::Output { Sub { left: self, right: rhs.into_expr() } }
        }
        impl<L, R, Rhs> std::ops::Mul<Rhs> for $node<L, R>
        where Self: Expression, Rhs: super::IntoExpr<<Self as Expression>::SqlType>
        {
            type Output = Mul<Self, Rhs::Expr>;
            fn mul(self, rhs: Rhs) -> Self::Output { Mul { left: self, right: rhs.into_expr() } }
        }
        impl<L, R, Rhs> std::ops::Div<Rhs> for $node<L, R>
        where Self: Expression, Rhs: super::IntoExpr<<Self as Expression>::SqlType>
        {
            type Output = Div<Self, Rhs::Expr>;
            fn div(self, rhs: Rhs) -> Self::Output { Div { left: self, right: rhs.into_expr() } }
        }
    )*};
}
arith_operators!(Add, Sub, Mul, Div);

crate::macros::in_scope! {
    [E] Not<E> { E: IE };
    [L, R] Concat<L, R> { L: IL, R: IR };
}
