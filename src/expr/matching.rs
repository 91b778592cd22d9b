//! Predicates that match: LIKE / ILIKE, IN, BETWEEN, IS NULL.

use super::{Expression, IntoExpr};
use crate::render::{
    EvalRow, GroupCheck, IlikeStyle, NodeTag, Render, SqlKey, SqlWriter, TableSet, precedence,
};
use crate::types::{Bool, SqlType};
use crate::value::ValueRef;

const OPERAND: u8 = precedence::COMPARISON + 1;

fn collect2<'a>(a: &'a impl Render, b: &'a impl Render, out: &mut TableSet<'a>) {
    a.collect_tables(out);
    b.collect_tables(out);
}

/// `expr LIKE pattern`, or `NOT LIKE` when negated, with the database's
/// own semantics: `%` and `_` are wildcards, and each database compares
/// the other characters its way. SQLite ignores the case of ASCII letters
/// and ends the text at a NUL; MySQL and MariaDB compare by the collation
/// (`utf8mb4_general_ci`, a common default, ignores case and accents and
/// takes every emoji for every other); PostgreSQL compares exactly under a
/// deterministic collation. For exact matching of a plain
/// string, use `starts_with`, `ends_with` or `contains`
/// ([`LiteralMatch`](super::LiteralMatch)).
#[derive(Debug, Clone, Copy)]
pub struct Like<L, R> {
    pub(crate) left: L,
    pub(crate) pattern: R,
    pub(crate) negated: bool,
}

#[diagnostic::do_not_recommend]
impl<L: Render, R: Render> Render for Like<L, R> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_operand(&self.left, OPERAND);
        w.push_sql(if self.negated { " NOT LIKE " } else { " LIKE " });
        w.push_operand(&self.pattern, OPERAND);
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        collect2(&self.left, &self.pattern, out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.left);
        c.operand(&self.pattern);
    }
    fn precedence(&self) -> u8 {
        precedence::COMPARISON
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static LIKE: NodeTag = NodeTag::new("LIKE");
        key.tag(&LIKE);
        key.word(usize::from(self.negated));
        self.left.sql_key(key) && self.pattern.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<L: Expression, R: Expression> Expression for Like<L, R> {
    type SqlType = Bool;
}

/// Case-insensitive LIKE: `ILIKE` on PostgreSQL, `lower(a) LIKE lower(b)`
/// elsewhere, with the database's own semantics (see [`Like`]; SQLite's
/// `lower` folds only ASCII letters).
#[derive(Debug, Clone, Copy)]
pub struct ILike<L, R> {
    pub(crate) left: L,
    pub(crate) pattern: R,
}

#[diagnostic::do_not_recommend]
impl<L: Render, R: Render> Render for ILike<L, R> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        match w.dialect().ilike_style() {
            IlikeStyle::Native => {
                w.push_operand(&self.left, OPERAND);
                w.push_sql(" ILIKE ");
                w.push_operand(&self.pattern, OPERAND);
            }
            IlikeStyle::Lower => {
                w.push_sql("lower(");
                self.left.render(w);
                w.push_sql(") LIKE lower(");
                self.pattern.render(w);
                w.push_sql(")");
            }
        }
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        collect2(&self.left, &self.pattern, out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.left);
        c.operand(&self.pattern);
    }
    fn precedence(&self) -> u8 {
        precedence::COMPARISON
    }
    // Both spellings render the operand before the pattern.
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static ILIKE: NodeTag = NodeTag::new("ILIKE");
        key.tag(&ILIKE);
        self.left.sql_key(key) && self.pattern.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<L: Expression, R: Expression> Expression for ILike<L, R> {
    type SqlType = Bool;
}

/// `expr IN (v1, v2, ...)`. An empty list is a predicate that is always
/// false (`(expr IS NULL AND 1 = 0)`: it still names `expr`), not a syntax
/// error.
#[derive(Debug, Clone)]
pub struct InList<E, V> {
    pub(crate) expr: E,
    pub(crate) values: Vec<V>,
}

/// `expr NOT IN (v1, v2, ...)`. An empty list is always true
/// (`(expr IS NULL OR 1 = 1)`).
#[derive(Debug, Clone)]
pub struct NotInList<E, V> {
    pub(crate) expr: E,
    pub(crate) values: Vec<V>,
}

/// Whether `expr IN (...)` casts `expr` to a number: when `expr` is a
/// `Numeric` and the dialect casts bound decimals
/// ([`Dialect::numeric_bind_cast`](crate::render::Dialect::numeric_bind_cast)).
/// SQLite gives the values of an IN list the affinity of its left side, so
/// a decimal stored as text would be compared as text (`'1.10'` with
/// `'1.1'`): the cast makes both sides numbers, as `=` compares them.
fn numeric_cast<E: Expression>(w: &SqlWriter<'_>) -> Option<&'static str> {
    if <E::SqlType as SqlType>::KIND.is_decimal() {
        w.dialect().numeric_bind_cast()
    } else {
        None
    }
}

fn render_in<'a, E: Expression, V: Render>(
    w: &mut SqlWriter<'a>,
    expr: &'a E,
    values: &'a [V],
    negated: bool,
) {
    if values.is_empty() {
        // Always false (true for NOT IN), NULL or not, but still naming
        // `expr`: an aggregate in a subquery whose argument holds it stays
        // that subquery's (without the subquery's own column it would be
        // the outer query's, SQL's rule), and a grouped SELECT must group
        // it as with any list. Comparisons rather than a bare literal: as
        // a whole ORDER BY or GROUP BY term, SQLite and MySQL read the
        // integer `0` / `1` as a column position, and PostgreSQL refuses a
        // boolean constant.
        w.push_sql("(");
        w.push_operand(expr, OPERAND);
        w.push_sql(if negated {
            " IS NULL OR 1 = 1)"
        } else {
            " IS NULL AND 1 = 0)"
        });
        return;
    }
    match numeric_cast::<E>(w) {
        Some(ty) => {
            w.push_sql("CAST(");
            expr.render(w);
            w.push_sql(" AS ");
            w.push_sql(ty);
            w.push_sql(")");
        }
        None => w.push_operand(expr, OPERAND),
    }
    if as_array(w.dialect().binds_arrays(), expr, values) {
        w.push_sql(if negated { " <> ALL(" } else { " = ANY(" });
        w.push_array_bind(values.iter().map(bound_or_null));
    } else {
        w.push_sql(if negated { " NOT IN (" } else { " IN (" });
        w.push_list(values, ", ");
    }
    w.push_sql(")");
}

/// The value `v` binds (checked by [`as_array`]).
fn bound_or_null<V: Render>(v: &V) -> ValueRef<'_> {
    v.bound_value().unwrap_or(ValueRef::Null)
}

/// Whether `expr IN (values)` binds its values as one array (`= ANY($1)`):
/// when the dialect binds arrays, the list is not empty, every value is a
/// bind parameter, and `expr` is not one (the server infers the array's
/// type from `expr`). `= ANY` and `<> ALL` treat NULLs as `IN` and `NOT IN`
/// do.
fn as_array<E: Render, V: Render>(binds_arrays: bool, expr: &E, values: &[V]) -> bool {
    binds_arrays
        && !values.is_empty()
        && expr.bound_value().is_none()
        && values.iter().all(|v| v.bound_value().is_some())
}

/// The tables of the operand and of the values (a value may be a column).
/// The operand's tables count even for an empty list, which renders as a
/// literal: `count_star()` filtered by `id.not_in([])` still counts rows of
/// the operand's table.
/// The key of `expr IN (values)`: an empty list renders neither the operand
/// nor its binds, but its tables still count in FROM.
fn key_in<'a, E: Expression, V: Render>(
    key: &mut SqlKey<'a>,
    tag: &'static NodeTag,
    expr: &'a E,
    values: &'a [V],
) -> bool {
    static ARRAY: NodeTag = NodeTag::new("IN array");
    if as_array(key.binds_arrays(), expr, values) {
        // One text for every length.
        key.tag(&ARRAY);
        key.tag(tag);
        if !expr.sql_key(key) {
            return false;
        }
        key.bind_array(values.iter().map(bound_or_null));
        return true;
    }
    key.tag(tag);
    key.word(values.len());
    // Whether `numeric_cast` may apply (the dialect decides the rest).
    key.word(usize::from(<E::SqlType as SqlType>::KIND.is_decimal()));
    let binds = key.bind_count();
    if !expr.sql_key(key) {
        return false;
    }
    if values.is_empty() {
        key.truncate_binds(binds);
    }
    values.iter().all(|v| v.sql_key(key))
}

fn collect_in<'a, E: Render, V: Render>(expr: &'a E, values: &'a [V], out: &mut TableSet<'a>) {
    expr.collect_tables(out);
    for v in values {
        v.collect_tables(out);
    }
}

#[diagnostic::do_not_recommend]
impl<E: Expression, V: Render> Render for InList<E, V> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        render_in(w, &self.expr, &self.values, false);
    }
    fn evaluate<'a>(&'a self, row: &'a dyn EvalRow) -> Option<ValueRef<'a>> {
        let v = self.expr.evaluate(row)?;
        crate::render::in_list(v, self.values.iter().map(|x| x.evaluate(row)), false, row)
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        collect_in(&self.expr, &self.values, out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.expr);
        for v in self.values.iter() {
            c.operand(v);
        }
    }
    fn precedence(&self) -> u8 {
        precedence::COMPARISON
    }
    fn restricts<'a>(&'a self, each: &mut dyn FnMut(&'a dyn Render, &[ValueRef<'a>])) {
        let values: Option<Vec<ValueRef<'a>>> =
            self.values.iter().map(Render::bound_value).collect();
        if let Some(values) = values {
            each(&self.expr, &values);
        }
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static IN: NodeTag = NodeTag::new("IN");
        key_in(key, &IN, &self.expr, &self.values)
    }
}

#[diagnostic::do_not_recommend]
impl<E: Expression, V: Render> Render for NotInList<E, V> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        render_in(w, &self.expr, &self.values, true);
    }
    fn evaluate<'a>(&'a self, row: &'a dyn EvalRow) -> Option<ValueRef<'a>> {
        let v = self.expr.evaluate(row)?;
        crate::render::in_list(v, self.values.iter().map(|x| x.evaluate(row)), true, row)
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        collect_in(&self.expr, &self.values, out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.expr);
        for v in self.values.iter() {
            c.operand(v);
        }
    }
    fn precedence(&self) -> u8 {
        precedence::COMPARISON
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static NOT_IN: NodeTag = NodeTag::new("NOT IN");
        key_in(key, &NOT_IN, &self.expr, &self.values)
    }
}

#[diagnostic::do_not_recommend]
impl<E: Expression, V: Expression> Expression for InList<E, V> {
    type SqlType = Bool;
}
#[diagnostic::do_not_recommend]
impl<E: Expression, V: Expression> Expression for NotInList<E, V> {
    type SqlType = Bool;
}

/// What can stand on the right of IN for an expression of SQL type `ST`:
/// a list of values (anything iterable) or a one-column SELECT.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the right side of IN for SQL type `{ST}`",
    label = "expected a list of values of SQL type `{ST}` or a one-column SELECT"
)]
pub trait InOperand<ST> {
    /// `expr IN (...)`.
    type In<E>;
    /// `expr NOT IN (...)`.
    type NotIn<E>;
    /// Builds `expr IN (self)`.
    fn in_of<E>(self, expr: E) -> Self::In<E>;
    /// Builds `expr NOT IN (self)`.
    fn not_in_of<E>(self, expr: E) -> Self::NotIn<E>;
}

impl<I, ST> InOperand<ST> for I
where
    I: IntoIterator,
    I::Item: IntoExpr<ST>,
{
    type In<E> = InList<E, <I::Item as IntoExpr<ST>>::Expr>;
    type NotIn<E> = NotInList<E, <I::Item as IntoExpr<ST>>::Expr>;
    fn in_of<E>(self, expr: E) -> Self::In<E> {
        InList {
            expr,
            values: self.into_iter().map(IntoExpr::into_expr).collect(),
        }
    }
    fn not_in_of<E>(self, expr: E) -> Self::NotIn<E> {
        NotInList {
            expr,
            values: self.into_iter().map(IntoExpr::into_expr).collect(),
        }
    }
}

/// `expr BETWEEN low AND high`
#[derive(Debug, Clone, Copy)]
pub struct Between<E, Lo, Hi> {
    pub(crate) expr: E,
    pub(crate) low: Lo,
    pub(crate) high: Hi,
}

#[diagnostic::do_not_recommend]
impl<E: Render, Lo: Render, Hi: Render> Render for Between<E, Lo, Hi> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_operand(&self.expr, OPERAND);
        w.push_sql(" BETWEEN ");
        w.push_operand(&self.low, OPERAND);
        w.push_sql(" AND ");
        w.push_operand(&self.high, OPERAND);
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.expr.collect_tables(out);
        collect2(&self.low, &self.high, out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.expr);
        c.operand(&self.low);
        c.operand(&self.high);
    }
    fn precedence(&self) -> u8 {
        precedence::COMPARISON
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static BETWEEN: NodeTag = NodeTag::new("BETWEEN");
        key.tag(&BETWEEN);
        self.expr.sql_key(key) && self.low.sql_key(key) && self.high.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<E: Expression, Lo: Expression, Hi: Expression> Expression for Between<E, Lo, Hi> {
    type SqlType = Bool;
}

macro_rules! postfix_node {
    ($(#[$doc:meta])* $name:ident, $sql:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name<E> {
            pub(crate) expr: E,
        }

        crate::macros::in_scope! { [E] $name<E> { E: IE }; }

        #[diagnostic::do_not_recommend]
        impl<E: Render> Render for $name<E> {
            fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
                w.push_operand(&self.expr, OPERAND);
                w.push_sql($sql);
            }
            fn evaluate<'a>(&'a self, row: &'a dyn EvalRow) -> Option<ValueRef<'a>> {
                let null = self.expr.evaluate(row)? == ValueRef::Null;
                Some(ValueRef::Bool(null == ($sql == " IS NULL")))
            }
            fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
                self.expr.collect_tables(out);
            }
            fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
                c.operand(&self.expr);
            }
            fn precedence(&self) -> u8 {
                precedence::COMPARISON
            }
            #[inline]
            fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
                static TAG: NodeTag = NodeTag::new($sql);
                key.tag(&TAG);
                self.expr.sql_key(key)
            }
        }

        #[diagnostic::do_not_recommend]
        impl<E: Expression> Expression for $name<E> {
            type SqlType = Bool;
        }
    };
}

postfix_node!(
    /// `expr IS NULL`
    IsNull, " IS NULL"
);
postfix_node!(
    /// `expr IS NOT NULL`
    IsNotNull, " IS NOT NULL"
);

logic_operators!(
    Like<L, R>, ILike<L, R>, InList<L, R>, NotInList<L, R>, Between<E, L, H>, IsNull<E>, IsNotNull<E>
);

crate::macros::in_scope! {
    [L, R] Like<L, R> { L: IL, R: IR };
    [L, R] ILike<L, R> { L: IL, R: IR };
    [E, V] InList<E, V> { E: IE, V: IV };
    [E, V] NotInList<E, V> { E: IE, V: IV };
    [E, Lo, Hi] Between<E, Lo, Hi> { E: IE, Lo: ILo, Hi: IHi };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::ExpressionMethods;
    use crate::render::TableRef;
    use crate::schema::{Column, Table};
    use crate::types::BigInt;

    macro_rules! table {
        ($t:ident, $c:ident, $name:literal) => {
            #[derive(Clone, Copy, Debug, Default)]
            struct $t;
            impl Table for $t {
                const NAME: &'static str = $name;
                type Columns = $c;
                type PrimaryKey = $c;
            }
            #[derive(Clone, Copy, Debug, Default)]
            struct $c;
            impl Column for $c {
                type Table = $t;
                type SqlType = BigInt;
                const NAME: &'static str = "id";
            }
        };
    }
    table!(A, AId, "a");
    table!(B, BId, "b");

    #[test]
    fn in_lists_refer_to_the_tables_of_their_values() {
        for p in [AId.in_([BId]).collect(), AId.not_in([BId]).collect()] {
            assert_eq!(p, [TableRef::new("a"), TableRef::new("b")]);
        }
        // An empty list renders as a literal but keeps the operand's table.
        let empty: Vec<BId> = Vec::new();
        assert_eq!(AId.not_in(empty).collect(), [TableRef::new("a")]);
    }

    trait Collect {
        fn collect(&self) -> Vec<TableRef<'_>>;
    }
    impl<R: Render> Collect for R {
        fn collect(&self) -> Vec<TableRef<'_>> {
            let mut out = TableSet::new();
            self.collect_tables(&mut out);
            out.to_vec()
        }
    }
}
