//! Binary and unary operators: comparisons, AND / OR / NOT, arithmetic and
//! string concatenation.

use super::Expression;
use crate::render::{
    BinOp, ConcatStyle, EvalRow, GroupCheck, NodeTag, Render, SqlKey, SqlWriter, TableSet,
    precedence,
};
use crate::types::{Bool, BoolLike, Promote, PropagateNull, SqlKind, SqlType, Text};
use crate::value::ValueRef;

/// How a binary node's operands are written, beyond the operator.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// As they are (only named by `binary_render!`).
    #[allow(dead_code)]
    Plain,
    /// A comparison: on SQLite, whose `Numeric` is text, a decimal
    /// compared with a number (integer, float or decimal) is cast to one.
    Compare,
    /// A division: of two integers, an integer division on every dialect
    /// (`DIV` on MySQL); of a decimal, not one (SQLite).
    Divide,
}

/// What the operands' SQL types ask of the rendering, as bits: a cast of
/// the left (1) or right (2) operand, an integer division (4), a
/// division that must not be an integer one (8). The dialect decides
/// whether a bit means anything; the SQL cache key records them.
#[inline(always)]
fn type_bits(mode: Mode, left: SqlKind, right: SqlKind) -> usize {
    match mode {
        Mode::Plain => 0,
        Mode::Compare => {
            let number = |k: SqlKind| k.is_binary_number() || k.is_decimal();
            match (left.is_decimal(), right.is_decimal()) {
                (true, true) => 3,
                (true, false) if number(right) => 1,
                (false, true) if number(left) => 2,
                _ => 0,
            }
        }
        Mode::Divide => {
            if left.is_integer() && right.is_integer() {
                4
            } else if left.is_decimal() || right.is_decimal() {
                8
            } else {
                0
            }
        }
    }
}

/// Writes `operand`, cast to `cast` when given (a bound value casts
/// itself, see [`Bind`](super::Bind)).
#[inline(always)]
fn push_cast_operand<'a, E: Render>(
    w: &mut SqlWriter<'a>,
    operand: &'a E,
    min: u8,
    cast: Option<&'static str>,
) {
    match cast {
        Some(ty) if operand.bound_value().is_none() => {
            w.push_sql("CAST(");
            operand.render(w);
            w.push_sql(" AS ");
            w.push_sql(ty);
            w.push_sql(")");
        }
        _ => w.push_operand(operand, min),
    }
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn render_binary<'a, L: Expression, R: Expression>(
    w: &mut SqlWriter<'a>,
    left: &'a L,
    right: &'a R,
    op: &'static str,
    left_min: u8,
    right_min: u8,
    mode: Mode,
) {
    let bits = type_bits(
        mode,
        <L::SqlType as SqlType>::KIND,
        <R::SqlType as SqlType>::KIND,
    );
    if bits == 0 {
        w.push_operand(left, left_min);
        w.push_sql(op);
        w.push_operand(right, right_min);
        return;
    }
    let dialect = w.dialect();
    let (cast_left, cast_right, op) = match mode {
        Mode::Compare => {
            // A bound decimal casts itself, which makes SQLite compare the
            // other side as a number too.
            let casts_itself = |kind: SqlKind, bound: bool| bound && kind.is_decimal();
            let cast = dialect
                .numeric_bind_cast()
                .filter(|_| {
                    !casts_itself(<L::SqlType as SqlType>::KIND, left.bound_value().is_some())
                })
                .filter(|_| {
                    !casts_itself(<R::SqlType as SqlType>::KIND, right.bound_value().is_some())
                });
            (
                cast.filter(|_| bits & 1 != 0),
                cast.filter(|_| bits & 2 != 0),
                op,
            )
        }
        _ if bits == 4 => (None, None, dialect.integer_division_operator()),
        _ => (dialect.decimal_division_cast(), None, op),
    };
    push_cast_operand(w, left, left_min, cast_left);
    w.push_sql(op);
    push_cast_operand(w, right, right_min, cast_right);
}

// The Render impl of a binary node: `Plain` nodes render their operands
// as they are (and take any `Render`, as WHERE clauses build `And`s of);
// the others look at their operands' SQL types (`render_binary`).
macro_rules! binary_render {
    ($name:ident, $op:literal, $prec:expr, $left_min:expr, $right_min:expr, Plain) => {
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
            fn evaluate<'a>(&'a self, row: &'a dyn EvalRow) -> Option<ValueRef<'a>> {
                let (l, r) = (self.left.evaluate(row)?, self.right.evaluate(row)?);
                crate::render::binary(BinOp::$name, l, r, row)
            }
            #[inline]
            fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
                static TAG: NodeTag = NodeTag::new(stringify!($name));
                key.tag(&TAG);
                self.left.sql_key(key) && self.right.sql_key(key)
            }
        }
    };
    ($name:ident, $op:literal, $prec:expr, $left_min:expr, $right_min:expr, $mode:ident) => {
        #[diagnostic::do_not_recommend]
        impl<L: Expression, R: Expression> Render for $name<L, R> {
            #[inline]
            fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
                render_binary(
                    w,
                    &self.left,
                    &self.right,
                    $op,
                    $left_min,
                    $right_min,
                    Mode::$mode,
                );
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
                $prec
            }
            fn evaluate<'a>(&'a self, row: &'a dyn EvalRow) -> Option<ValueRef<'a>> {
                let (l, r) = (self.left.evaluate(row)?, self.right.evaluate(row)?);
                crate::render::binary(BinOp::$name, l, r, row)
            }
            fn restricts<'a>(&'a self, each: &mut dyn FnMut(&'a dyn Render, &[ValueRef<'a>])) {
                if matches!(BinOp::$name, BinOp::Eq) {
                    if let Some(v) = self.right.bound_value() {
                        each(&self.left, &[v]);
                    }
                    if let Some(v) = self.left.bound_value() {
                        each(&self.right, &[v]);
                    }
                }
            }
            #[inline]
            fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
                static TAG: NodeTag = NodeTag::new(stringify!($name));
                key.tag(&TAG);
                key.word(type_bits(
                    Mode::$mode,
                    <L::SqlType as SqlType>::KIND,
                    <R::SqlType as SqlType>::KIND,
                ));
                self.left.sql_key(key) && self.right.sql_key(key)
            }
        }
    };
}

// `$prec` is the node's own precedence; `$left_min` and `$right_min` are the
// least precedence an operand may have to go without parentheses. Arithmetic
// is left-associative (`a - b - c`, but `a - (b - c)`); comparisons do not
// chain (MySQL would read `a = b > c` as `(a = b) > c`, PostgreSQL refuses
// it), so both of their operands need more than COMPARISON.
macro_rules! binary_node {
    (
        $(#[$doc:meta])* $name:ident, $op:literal, $prec:expr, $left_min:expr, $right_min:expr, $mode:ident,
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

        binary_render!($name, $op, $prec, $left_min, $right_min, $mode);

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
    Eq, " = ", precedence::COMPARISON, CMP_OPERAND, CMP_OPERAND, Compare, sql_type: |L, R| Bool
);
binary_node!(
    /// `left <> right`
    Ne, " <> ", precedence::COMPARISON, CMP_OPERAND, CMP_OPERAND, Compare, sql_type: |L, R| Bool
);
binary_node!(
    /// `left < right`
    Lt, " < ", precedence::COMPARISON, CMP_OPERAND, CMP_OPERAND, Compare, sql_type: |L, R| Bool
);
binary_node!(
    /// `left <= right`
    Le, " <= ", precedence::COMPARISON, CMP_OPERAND, CMP_OPERAND, Compare, sql_type: |L, R| Bool
);
binary_node!(
    /// `left > right`
    Gt, " > ", precedence::COMPARISON, CMP_OPERAND, CMP_OPERAND, Compare, sql_type: |L, R| Bool
);
binary_node!(
    /// `left >= right`
    Ge, " >= ", precedence::COMPARISON, CMP_OPERAND, CMP_OPERAND, Compare, sql_type: |L, R| Bool
);
binary_node!(
    /// `left AND right`
    And, " AND ", precedence::AND, precedence::AND, precedence::AND, Plain, sql_type: |L, R| Bool
);
binary_node!(
    /// `left OR right`
    Or, " OR ", precedence::OR, precedence::OR, precedence::OR, Plain, sql_type: |L, R| Bool
);
binary_node!(
    /// `left + right`
    Add, " + ", precedence::ADDITIVE, precedence::ADDITIVE, precedence::ADDITIVE + 1, Plain,
    sql_type: |L, R| <L::SqlType as Promote<R::SqlType>>::Output, where L::SqlType: Promote<R::SqlType>
);
binary_node!(
    /// `left - right`
    Sub, " - ", precedence::ADDITIVE, precedence::ADDITIVE, precedence::ADDITIVE + 1, Plain,
    sql_type: |L, R| <L::SqlType as Promote<R::SqlType>>::Output, where L::SqlType: Promote<R::SqlType>
);
binary_node!(
    /// `left * right`
    Mul, " * ", precedence::MULTIPLICATIVE, precedence::MULTIPLICATIVE, precedence::MULTIPLICATIVE + 1, Plain,
    sql_type: |L, R| <L::SqlType as Promote<R::SqlType>>::Output, where L::SqlType: Promote<R::SqlType>
);
binary_node!(
    /// `left / right`. Of two integers it is an integer division (rounding
    /// toward zero) on every dialect: `DIV` on MySQL, where `/` would give
    /// a decimal. Of a `Numeric`, it is not one on SQLite either (whose
    /// decimals are text that may read as integers): the left operand is
    /// cast to `REAL` there.
    Div, " / ", precedence::MULTIPLICATIVE, precedence::MULTIPLICATIVE, precedence::MULTIPLICATIVE + 1, Divide,
    sql_type: |L, R| <L::SqlType as Promote<R::SqlType>>::Output, where L::SqlType: Promote<R::SqlType>
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
    fn evaluate<'a>(&'a self, row: &'a dyn EvalRow) -> Option<ValueRef<'a>> {
        crate::render::not(self.expr.evaluate(row)?)
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

/// Concatenation is `Text` whatever text types it joins, and NULL when
/// either side is.
#[diagnostic::do_not_recommend]
impl<L: Expression, R: Expression> Expression for Concat<L, R>
where
    R::SqlType: PropagateNull<Text>,
    L::SqlType: PropagateNull<<R::SqlType as PropagateNull<Text>>::Output>,
{
    type SqlType =
        <L::SqlType as PropagateNull<<R::SqlType as PropagateNull<Text>>::Output>>::Output;
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
