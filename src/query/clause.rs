//! Building blocks shared by the statements: optional clauses, selections,
//! assignments.

use super::checked::{Decoy, Refused};
use crate::expr::{And, Expression, IntoExpr};
use crate::render::{GroupCheck, NodeTag, Render, SqlKey, SqlWriter, TableSet};
use crate::schema::{Column, SameTable, Table};
use crate::types::{BoolLike, SqlType};

/// A clause that is present in the statement (WHERE, GROUP BY, HAVING,
/// ORDER BY); `()` stands for an absent one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clause<T>(pub(crate) T);

/// A clause that may be absent: `()` or [`Clause<T>`].
pub trait MaybeClause {
    /// Writes `keyword` and the clause, if present.
    fn write_clause<'a>(&'a self, w: &mut SqlWriter<'a>, keyword: &str);
    /// Adds the tables the clause refers to.
    fn collect_clause_tables<'a>(&'a self, out: &mut TableSet<'a>);
    /// Whether the clause is present.
    fn is_present(&self) -> bool;
    /// The precedence of the clause's outermost operator.
    fn clause_precedence(&self) -> u8 {
        crate::render::precedence::ATOM
    }
    /// Writes `keyword` and the clause as ORDER BY terms (labelled
    /// expressions by name), if present.
    fn write_order_clause<'a>(&'a self, w: &mut SqlWriter<'a>, keyword: &str) {
        self.write_clause(w, keyword);
    }
    /// Visits the clause's expression for the GROUP BY check, if present
    /// (see [`Render::check_grouping`]).
    fn check_clause<'a>(&'a self, check: &mut GroupCheck<'_, 'a>) {
        let _ = check;
    }
    /// The clause's expression, if present.
    fn clause_expr(&self) -> Option<&dyn Render> {
        None
    }
    /// Writes `keyword` and the clause as GROUP BY terms (a repeated
    /// expression of the SELECT list as a reference to it), if present.
    fn write_group_clause<'a>(&'a self, w: &mut SqlWriter<'a>, keyword: &str) {
        self.write_clause(w, keyword);
    }
    /// The clause's [`sql_key`](Render::sql_key): its expression's key, no
    /// word at all for an absent clause (the statement records which
    /// clauses are present, [`is_present`](MaybeClause::is_present), in a
    /// word of its own). `false` (the default): not described.
    #[inline]
    fn clause_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        let _ = key;
        false
    }
}

impl MaybeClause for () {
    fn write_clause<'a>(&'a self, _: &mut SqlWriter<'a>, _: &str) {}
    fn collect_clause_tables<'a>(&'a self, _: &mut TableSet<'a>) {}
    #[inline]
    fn is_present(&self) -> bool {
        false
    }
    #[inline]
    fn clause_key<'a>(&'a self, _: &mut SqlKey<'a>) -> bool {
        true
    }
}

impl<T: Render> MaybeClause for Clause<T> {
    fn clause_precedence(&self) -> u8 {
        self.0.precedence()
    }
    fn write_clause<'a>(&'a self, w: &mut SqlWriter<'a>, keyword: &str) {
        w.push_sql(keyword);
        self.0.render(w);
    }
    fn write_order_clause<'a>(&'a self, w: &mut SqlWriter<'a>, keyword: &str) {
        w.push_sql(keyword);
        w.push_order_terms(&self.0);
    }
    fn write_group_clause<'a>(&'a self, w: &mut SqlWriter<'a>, keyword: &str) {
        w.push_sql(keyword);
        w.push_group_terms(&self.0);
    }
    fn check_clause<'a>(&'a self, check: &mut GroupCheck<'_, 'a>) {
        check.operand(&self.0);
    }
    fn clause_expr(&self) -> Option<&dyn Render> {
        Some(&self.0)
    }
    fn collect_clause_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.0.collect_tables(out);
    }
    #[inline]
    fn is_present(&self) -> bool {
        true
    }
    #[inline]
    fn clause_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        self.0.sql_key(key)
    }
}

/// ANDs predicate `P` onto a WHERE or HAVING clause. Its impls are not
/// recommended in errors, so a refused predicate is reported with this
/// message, the same as [`Predicate`]'s.
#[diagnostic::on_unimplemented(
    message = "`{P}` is not a boolean SQL expression",
    label = "`filter` and `having` need a predicate",
    note = "compare it first, e.g. `column.eq(value)` or `column.is_not_null()`"
)]
pub trait AndPredicate<P, K = super::Accepted> {
    /// The clause with `P` added.
    type Output: MaybeClause;
    /// Adds `p`.
    fn and_predicate(self, p: P) -> Self::Output;
}

#[diagnostic::do_not_recommend]
impl<P: Predicate> AndPredicate<P> for () {
    type Output = Clause<P>;
    fn and_predicate(self, p: P) -> Clause<P> {
        Clause(p)
    }
}

// The decoys (`checked.rs`): with two candidates, a refused predicate
// makes `filter`'s result an error type, so `load` is not reported too.
#[diagnostic::do_not_recommend]
impl<P: Predicate + Decoy> AndPredicate<P, Refused> for () {
    type Output = Clause<P>;
    fn and_predicate(self, p: P) -> Clause<P> {
        Clause(p)
    }
}

#[diagnostic::do_not_recommend]
impl<E: Render, P: Predicate + Decoy> AndPredicate<P, Refused> for Clause<E> {
    type Output = Clause<And<E, P>>;
    fn and_predicate(self, p: P) -> Self::Output {
        Clause(And::new(self.0, p))
    }
}

#[diagnostic::do_not_recommend]
impl<E: Render, P: Predicate> AndPredicate<P> for Clause<E> {
    type Output = Clause<And<E, P>>;
    fn and_predicate(self, p: P) -> Self::Output {
        Clause(And::new(self.0, p))
    }
}

/// A predicate: a boolean expression, what `filter` and `having` accept.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a boolean SQL expression",
    label = "`filter` and `having` need a predicate",
    note = "compare it first, e.g. `column.eq(value)` or `column.is_not_null()`"
)]
pub trait Predicate: Expression {}

impl<E: Expression> Predicate for E where E::SqlType: BoolLike {}

/// What a SELECT returns: one expression, or a tuple of up to 16. Its
/// `SqlType` is the row type: a single SQL type or a tuple of them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be selected",
    label = "expected a column, an expression, or a tuple of up to 16 of them"
)]
pub trait Selection: Render {
    /// The SQL type of a row.
    type SqlType;
}

#[diagnostic::do_not_recommend]
impl<E: Expression> Selection for E {
    type SqlType = E::SqlType;
}

/// `column = value` in an INSERT or UPDATE, made by
/// [`ColumnMethods::set`].
#[derive(Debug, Clone, Copy)]
pub struct Assign<C, E> {
    column: std::marker::PhantomData<C>,
    pub(crate) value: E,
}

/// `set`: for every column.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = Text; const NAME: &'static str = "a"; }
/// let row = A.set("alice");
/// ```
pub trait ColumnMethods: Column {
    /// Assigns `value` to this column, in an INSERT or an UPDATE.
    ///
    /// A value binds as the column's SQL type; an expression must be of
    /// the same SQL type ([`Compatible`](crate::types::Compatible)), not
    /// only a comparable one: a `Double` is not silently stored into an
    /// `Integer`.
    fn set<V: IntoExpr<Self::SqlType>>(self, value: V) -> Assign<Self, V::Expr>
    where
        <V::Expr as Expression>::SqlType: crate::types::Compatible<Self::SqlType>,
    {
        Assign {
            column: std::marker::PhantomData,
            value: value.into_expr(),
        }
    }
}

impl<C: Column> ColumnMethods for C {}

/// One or more assignments to columns of table `T`: what `values` (one
/// row of an INSERT) and `update(..).set` accept.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not assign columns of table `{T}`",
    label = "expected `column.set(value)` or a tuple of them, all on columns of `{T}`",
    note = "an INSERT or UPDATE can only set columns of its own table"
)]
pub trait Assignments<T: Table> {
    /// How many columns are assigned.
    const COUNT: usize;
    /// Writes the column names, separated by `, `.
    fn write_columns(&self, w: &mut SqlWriter<'_>);
    /// Writes the values, separated by `, `.
    fn write_values<'a>(&'a self, w: &mut SqlWriter<'a>);
    /// Writes `"col" = value, ...` for UPDATE.
    fn write_set<'a>(&'a self, w: &mut SqlWriter<'a>);
    /// Writes `"table"."col" = value, ...`, for an UPDATE of several
    /// tables on MySQL. By default as [`write_set`](Assignments::write_set).
    fn write_set_qualified<'a>(&'a self, w: &mut SqlWriter<'a>, table: &str) {
        let _ = table;
        self.write_set(w);
    }
    /// The [`sql_key`](Render::sql_key) of the column names. `false` (the
    /// default): not described.
    #[inline]
    fn columns_key(&self, key: &mut SqlKey<'_>) -> bool {
        let _ = key;
        false
    }
    /// The [`sql_key`](Render::sql_key) of the values, in order. `false`
    /// (the default): not described.
    #[inline]
    fn values_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        let _ = key;
        false
    }
    /// Calls `each` with every assigned column's name and value, in
    /// order, and returns `true`; `false` (the default) when they cannot
    /// be listed. The ORM evaluates them on the objects a bulk UPDATE
    /// changed ([`Synchronize`](crate::orm::Synchronize)).
    fn each_assignment<'a>(&'a self, each: &mut dyn FnMut(&'static str, &'a dyn Render)) -> bool {
        let _ = each;
        false
    }
}

impl<T: Table, C: Column, E: Expression> Assignments<T> for Assign<C, E>
where
    C::Table: SameTable<T>,
    E::SqlType: SqlType,
{
    const COUNT: usize = 1;
    fn write_columns(&self, w: &mut SqlWriter<'_>) {
        w.push_ident(C::NAME);
    }
    fn write_values<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.value.render_assigned(w);
    }
    fn write_set<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_ident(C::NAME);
        w.push_sql(" = ");
        self.value.render_assigned(w);
    }
    fn write_set_qualified<'a>(&'a self, w: &mut SqlWriter<'a>, table: &str) {
        w.push_ident(table);
        w.push_sql(".");
        self.write_set(w);
    }
    #[inline]
    fn columns_key(&self, key: &mut SqlKey<'_>) -> bool {
        key.name(C::NAME);
        true
    }
    #[inline]
    fn values_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        self.value.sql_key(key)
    }
    fn each_assignment<'a>(&'a self, each: &mut dyn FnMut(&'static str, &'a dyn Render)) -> bool {
        each(C::NAME, &self.value);
        true
    }
}

macro_rules! tuple_impls {
    ($($T:ident $S:ident),+) => {
        impl<$($T: Render),+> Render for ($($T,)+) {
            #[allow(non_snake_case, unused_assignments)]
            fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
                let ($($T,)+) = self;
                let mut first = true;
                $(
                    if !first { w.push_sql(", "); }
                    first = false;
                    $T.render(w);
                )+
            }
            #[allow(non_snake_case)]
            fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
                let ($($T,)+) = self;
                $($T.collect_tables(out);)+
            }
            #[allow(non_snake_case, unused_assignments)]
            fn render_selected<'a>(&'a self, w: &mut SqlWriter<'a>) {
                let ($($T,)+) = self;
                let mut first = true;
                $(
                    if !first { w.push_sql(", "); }
                    first = false;
                    $T.render_selected(w);
                )+
            }
            #[allow(non_snake_case)]
            fn check_grouping<'a>(&'a self, check: &mut GroupCheck<'_, 'a>) {
                let ($($T,)+) = self;
                $(check.operand($T);)+
            }
            #[allow(non_snake_case)]
            fn each_term<'a>(&'a self, each: &mut dyn FnMut(&'a dyn Render)) -> bool {
                let ($($T,)+) = self;
                $(each($T);)+
                true
            }
            #[allow(non_snake_case)]
            #[inline]
            fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
                static TUPLE: NodeTag = NodeTag::new("tuple");
                let ($($T,)+) = self;
                key.tag(&TUPLE);
                $($T.sql_key(key))&&+
            }
        }

        impl<Scp, $($T: super::Scoped,)+ $($S,)+> super::InScope<Scp, ($($S,)+)> for ($($T,)+)
        where
            $($T::Check: super::InScope<Scp, $S>,)+
        {
        }

        impl<$($T,)+> super::Scoped for ($($T,)+) {
            type Check = Self;
        }

        #[diagnostic::do_not_recommend]
        impl<$($T: Selection),+> Selection for ($($T,)+) {
            type SqlType = ($($T::SqlType,)+);
        }

        #[diagnostic::do_not_recommend]
        impl<$($T: crate::expr::OrderBy),+> crate::expr::OrderBy for ($($T,)+) {}

        impl<Tbl: Table, $($T: Assignments<Tbl>),+> Assignments<Tbl> for ($($T,)+) {
            const COUNT: usize = 0 $(+ $T::COUNT)+;
            #[allow(non_snake_case, unused_assignments)]
            fn write_columns(&self, w: &mut SqlWriter<'_>) {
                let ($($T,)+) = self;
                let mut first = true;
                $(
                    if !first { w.push_sql(", "); }
                    first = false;
                    $T.write_columns(w);
                )+
            }
            #[allow(non_snake_case, unused_assignments)]
            fn write_values<'a>(&'a self, w: &mut SqlWriter<'a>) {
                let ($($T,)+) = self;
                let mut first = true;
                $(
                    if !first { w.push_sql(", "); }
                    first = false;
                    $T.write_values(w);
                )+
            }
            #[allow(non_snake_case, unused_assignments)]
            fn write_set<'a>(&'a self, w: &mut SqlWriter<'a>) {
                let ($($T,)+) = self;
                let mut first = true;
                $(
                    if !first { w.push_sql(", "); }
                    first = false;
                    $T.write_set(w);
                )+
            }
            #[allow(non_snake_case, unused_assignments)]
            fn write_set_qualified<'a>(&'a self, w: &mut SqlWriter<'a>, table: &str) {
                let ($($T,)+) = self;
                let mut first = true;
                $(
                    if !first { w.push_sql(", "); }
                    first = false;
                    $T.write_set_qualified(w, table);
                )+
            }
            #[allow(non_snake_case)]
            #[inline]
            fn columns_key(&self, key: &mut SqlKey<'_>) -> bool {
                let ($($T,)+) = self;
                key.word(Self::COUNT);
                $($T.columns_key(key))&&+
            }
            #[allow(non_snake_case)]
            fn each_assignment<'a>(&'a self, each: &mut dyn FnMut(&'static str, &'a dyn Render)) -> bool {
                let ($($T,)+) = self;
                $($T.each_assignment(each))&&+
            }
            #[allow(non_snake_case)]
            #[inline]
            fn values_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
                let ($($T,)+) = self;
                $($T.values_key(key))&&+
            }
        }
    };
}
crate::macros::for_tuples!(tuple_impls);
