//! Evaluating a predicate or an assigned value in Rust, on the values of
//! one object ([`Render::evaluate`](super::Render::evaluate)): what the
//! ORM's `synchronize_session` "evaluate" strategy applies to the objects a
//! bulk UPDATE or DELETE matched, without asking the database.
//!
//! Evaluation follows SQL: NULL propagates through comparisons and
//! arithmetic, AND/OR/NOT use three-valued logic. Whatever it cannot
//! evaluate exactly as the database would (a function, a subquery, text on
//! a case-insensitive collation, an integer overflow) is `None`, and the
//! caller asks the database instead.

use std::cmp::Ordering;

use crate::value::ValueRef;

/// The row an expression is evaluated on.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::render::{EvalRow, Render};
/// use sqlalgebra::value::ValueRef;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// struct One(i64);
/// impl EvalRow for One {
///     fn cell(&self, table: &str, column: &str) -> Option<ValueRef<'_>> {
///         (table == "t" && column == "a").then_some(ValueRef::Int(self.0))
///     }
///     fn binary_text(&self) -> bool { true }
/// }
/// assert_eq!(A.gt(3).evaluate(&One(5)), Some(ValueRef::Bool(true)));
/// assert_eq!(A.add(1).evaluate(&One(5)), Some(ValueRef::Int(6)));
/// ```
pub trait EvalRow {
    /// The value of `table`.`column` in this row; `None` when the row
    /// does not hold that column (the expression is then not evaluable).
    fn cell(&self, table: &str, column: &str) -> Option<ValueRef<'_>>;
    /// Whether text compares as Rust compares strings (byte-wise): true on
    /// SQLite and PostgreSQL with their default collations, false on MySQL
    /// and MariaDB, whose default collations ignore case and trailing
    /// spaces (text comparisons are then not evaluated).
    fn binary_text(&self) -> bool;
}

/// The binary operators evaluation knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Add,
    Sub,
    Mul,
    Div,
}

/// A value's truth: `Some(None)` for NULL, `None` when it is not a truth
/// value.
fn truth(v: ValueRef<'_>) -> Option<Option<bool>> {
    match v {
        ValueRef::Null => Some(None),
        ValueRef::Bool(b) => Some(Some(b)),
        ValueRef::Int(i) => Some(Some(i != 0)),
        _ => None,
    }
}

fn from_truth(t: Option<bool>) -> ValueRef<'static> {
    t.map_or(ValueRef::Null, ValueRef::Bool)
}

/// Whether a predicate's value selects the row (only TRUE does).
pub(crate) fn selects(v: ValueRef<'_>) -> Option<bool> {
    truth(v).map(|t| t == Some(true))
}

/// `a` scaled to `scale` digits after the point.
fn rescale(mantissa: i128, from: u32, to: u32) -> Option<i128> {
    10i128
        .checked_pow(to.checked_sub(from)?)
        .and_then(|f| mantissa.checked_mul(f))
}

/// Compares two non-NULL values as SQL does; `None` when this cannot be
/// decided here.
fn compare(a: ValueRef<'_>, b: ValueRef<'_>, binary_text: bool) -> Option<Ordering> {
    use ValueRef as V;
    match (a, b) {
        (V::Int(x), V::Int(y)) => Some(x.cmp(&y)),
        (V::Float(x), V::Float(y)) => x.partial_cmp(&y),
        // Exact up to 2^53, where every i64 a test or an id uses lies.
        (V::Int(x), V::Float(y)) if x.unsigned_abs() < 1 << 53 => (x as f64).partial_cmp(&y),
        (V::Float(x), V::Int(y)) if y.unsigned_abs() < 1 << 53 => x.partial_cmp(&(y as f64)),
        (V::Bool(x), V::Bool(y)) => Some(x.cmp(&y)),
        (V::Bool(x), V::Int(y)) => Some(i64::from(x).cmp(&y)),
        (V::Int(x), V::Bool(y)) => Some(x.cmp(&i64::from(y))),
        (V::Text(x), V::Text(y)) if binary_text => Some(x.cmp(y)),
        (V::Blob(x), V::Blob(y)) => Some(x.cmp(y)),
        (V::Uuid(x), V::Uuid(y)) => Some(x.cmp(&y)),
        (V::Date(x), V::Date(y)) => Some(x.cmp(&y)),
        (V::Time(x), V::Time(y)) => Some(x.cmp(&y)),
        (V::Timestamp(x), V::Timestamp(y)) | (V::TimestampTz(x), V::TimestampTz(y)) => {
            Some(x.cmp(&y))
        }
        (
            V::Decimal {
                mantissa: m,
                scale: s,
            },
            V::Decimal {
                mantissa: n,
                scale: t,
            },
        ) => {
            let scale = s.max(t);
            Some(rescale(m, s, scale)?.cmp(&rescale(n, t, scale)?))
        }
        (V::Decimal { mantissa, scale }, V::Int(y)) => {
            Some(mantissa.cmp(&rescale(i128::from(y), 0, scale)?))
        }
        (V::Int(x), V::Decimal { mantissa, scale }) => {
            Some(rescale(i128::from(x), 0, scale)?.cmp(&mantissa))
        }
        _ => None,
    }
}

fn arithmetic(op: BinOp, a: ValueRef<'_>, b: ValueRef<'_>) -> Option<ValueRef<'static>> {
    use ValueRef as V;
    Some(match (a, b) {
        (V::Int(x), V::Int(y)) => V::Int(match op {
            BinOp::Add => x.checked_add(y)?,
            BinOp::Sub => x.checked_sub(y)?,
            BinOp::Mul => x.checked_mul(y)?,
            // Toward zero on every dialect; by zero, NULL or an error
            // depending on the dialect.
            BinOp::Div if y != 0 => x.checked_div(y)?,
            _ => return None,
        }),
        (V::Float(x), V::Float(y)) => V::Float(match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mul => x * y,
            _ => return None,
        }),
        _ => return None,
    })
}

/// Evaluates `a op b`, both operands evaluated.
pub(crate) fn binary<'a>(
    op: BinOp,
    a: ValueRef<'a>,
    b: ValueRef<'a>,
    row: &dyn EvalRow,
) -> Option<ValueRef<'a>> {
    match op {
        BinOp::And | BinOp::Or => {
            let (x, y) = (truth(a)?, truth(b)?);
            let decided = op == BinOp::Or;
            Some(from_truth(if x == Some(decided) || y == Some(decided) {
                Some(decided)
            } else if x.is_none() || y.is_none() {
                None
            } else {
                Some(!decided)
            }))
        }
        _ if a == ValueRef::Null || b == ValueRef::Null => Some(ValueRef::Null),
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => arithmetic(op, a, b),
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let o = compare(a, b, row.binary_text())?;
            Some(ValueRef::Bool(match op {
                BinOp::Eq => o.is_eq(),
                BinOp::Ne => o.is_ne(),
                BinOp::Lt => o.is_lt(),
                BinOp::Le => o.is_le(),
                BinOp::Gt => o.is_gt(),
                _ => o.is_ge(),
            }))
        }
    }
}

/// `NOT v`.
pub(crate) fn not(v: ValueRef<'_>) -> Option<ValueRef<'static>> {
    Some(from_truth(truth(v)?.map(|b| !b)))
}

/// `v IN (values)` (or `NOT IN` when `negated`), SQL's way: TRUE if some
/// value is equal, else NULL if `v` or some value is NULL, else FALSE.
pub(crate) fn in_list<'a>(
    v: ValueRef<'a>,
    values: impl IntoIterator<Item = Option<ValueRef<'a>>>,
    negated: bool,
    row: &dyn EvalRow,
) -> Option<ValueRef<'static>> {
    let mut unknown = v == ValueRef::Null;
    let mut found = false;
    for x in values {
        match x? {
            ValueRef::Null => unknown = true,
            x if v != ValueRef::Null => found |= compare(v, x, row.binary_text())?.is_eq(),
            _ => {}
        }
    }
    let t = if found {
        Some(true)
    } else if unknown {
        None
    } else {
        Some(false)
    };
    Some(from_truth(t.map(|b| b != negated)))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Binary(bool);
    impl EvalRow for Binary {
        fn cell(&self, _: &str, _: &str) -> Option<ValueRef<'_>> {
            None
        }
        fn binary_text(&self) -> bool {
            self.0
        }
    }

    #[test]
    fn three_valued_logic() {
        let r = &Binary(true);
        let (t, f, n) = (ValueRef::Bool(true), ValueRef::Bool(false), ValueRef::Null);
        assert_eq!(binary(BinOp::And, n, f, r), Some(f));
        assert_eq!(binary(BinOp::And, n, t, r), Some(n));
        assert_eq!(binary(BinOp::Or, n, t, r), Some(t));
        assert_eq!(binary(BinOp::Or, n, f, r), Some(n));
        assert_eq!(not(n), Some(n));
        assert_eq!(binary(BinOp::Eq, n, ValueRef::Int(1), r), Some(n));
        assert_eq!(selects(n), Some(false));
    }

    #[test]
    fn what_cannot_be_decided_in_rust_is_none() {
        let (a, b) = (ValueRef::Text("a"), ValueRef::Text("A"));
        assert_eq!(
            binary(BinOp::Lt, b, a, &Binary(true)),
            Some(ValueRef::Bool(true))
        );
        // MySQL's default collation ignores case: not evaluated.
        assert_eq!(binary(BinOp::Eq, a, b, &Binary(false)), None);
        let r = &Binary(true);
        assert_eq!(
            binary(BinOp::Add, ValueRef::Int(i64::MAX), ValueRef::Int(1), r),
            None
        );
        assert_eq!(
            binary(BinOp::Div, ValueRef::Int(1), ValueRef::Int(0), r),
            None
        );
        assert_eq!(
            binary(BinOp::Div, ValueRef::Int(-7), ValueRef::Int(2), r),
            Some(ValueRef::Int(-3))
        );
        let d = ValueRef::Decimal {
            mantissa: 110,
            scale: 2,
        };
        let e = ValueRef::Decimal {
            mantissa: 11,
            scale: 1,
        };
        assert_eq!(binary(BinOp::Eq, d, e, r), Some(ValueRef::Bool(true)));
    }

    #[test]
    fn in_lists_follow_sql() {
        let r = &Binary(true);
        let one = ValueRef::Int(1);
        let vals = |v: &[ValueRef<'static>]| v.iter().map(|x| Some(*x)).collect::<Vec<_>>();
        assert_eq!(
            in_list(one, vals(&[ValueRef::Int(2), one]), false, r),
            Some(ValueRef::Bool(true))
        );
        assert_eq!(
            in_list(one, vals(&[ValueRef::Int(2), ValueRef::Null]), false, r),
            Some(ValueRef::Null)
        );
        assert_eq!(
            in_list(one, vals(&[ValueRef::Int(2)]), true, r),
            Some(ValueRef::Bool(true))
        );
        assert_eq!(in_list(one, vec![None], false, r), None);
    }
}
