//! `expr AS "name"`, and label markers: names the type system knows.

use std::marker::PhantomData;

use super::Expression;
use crate::render::{GroupCheck, NodeTag, Render, SqlKey, SqlWriter, TableSet};

/// A label marker: a zero-sized type naming a column of a derived table
/// or CTE. An expression labelled with it (`expr.label(SuppNation)`) is
/// reached from the derived table as `derived.col(SuppNation)`, typed by
/// what was selected: a misspelt or missing label does not compile.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// struct Total;
/// impl Label for Total { const NAME: &'static str = "total"; }
///
/// let sums = select(sum(A).label(Total)).subquery("sums");
/// let q = select(sums.col(Total)).from(sums); // typed `Nullable<BigInt>`
/// assert_eq!(
///     q.to_sql(&sqlalgebra_sqlite::Sqlite)?.sql,
///     r#"SELECT "sums"."total" FROM (SELECT SUM("t"."a") AS "total" FROM "t") AS "sums""#
/// );
/// # Ok::<(), sqlalgebra::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a label",
    label = "expected a string or a label marker",
    note = "declare a label marker as `struct {Self}; impl Label for {Self} {{ const NAME: &'static str = \"..\"; }}`"
)]
pub trait Label: 'static {
    /// The name, as written after `AS`.
    const NAME: &'static str;
}

/// What [`label`](super::ExpressionMethods::label) accepts: a string (a
/// name only) or a [`Label`] marker (a name the types know).
///
/// ```
/// use sqlalgebra::expr::IntoLabel;
/// assert_eq!(IntoLabel::name(&"n"), "n");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot name a column",
    label = "expected a `&'static str` or a type implementing `Label`"
)]
pub trait IntoLabel {
    /// The label's type: `&'static str` for a string, else the marker.
    type Marker;
    /// The name.
    fn name(&self) -> &'static str;
}

impl IntoLabel for &'static str {
    type Marker = &'static str;
    fn name(&self) -> &'static str {
        self
    }
}

#[diagnostic::do_not_recommend]
impl<L: Label> IntoLabel for L {
    type Marker = L;
    fn name(&self) -> &'static str {
        L::NAME
    }
}

/// An expression with a name in the SELECT list: `expr AS "name"`.
///
/// In ORDER BY it is written as its name (`ORDER BY "n" DESC`); anywhere
/// else (WHERE, GROUP BY, HAVING, inside other expressions) as the bare
/// expression, since SQL does not let those refer to output names. When
/// the expression binds values and the SELECT selects it, GROUP BY and
/// HAVING refer to that item instead of binding the values again, which
/// the servers would refuse: with the same placeholders on PostgreSQL
/// (`GROUP BY CASE WHEN .. $1 .. END`), by position in GROUP BY elsewhere
/// (`GROUP BY 1`), by name in MySQL's HAVING.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// let n = count(A).label("n");
/// let q = select((A, n)).group_by(A).having(n.gt(1)).order_by(n.desc());
/// assert_eq!(
///     q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql,
///     r#"SELECT "t"."a", COUNT("t"."a") AS "n" FROM "t" GROUP BY "t"."a" HAVING COUNT("t"."a") > ? ORDER BY "n" DESC"#
/// );
/// ```
///
/// `L` is the label's marker type (`&'static str` for a string label).
pub struct Labeled<E, L = &'static str> {
    pub(crate) expr: E,
    pub(crate) name: &'static str,
    pub(crate) label: PhantomData<fn() -> L>,
}

impl<E, L> Labeled<E, L> {
    pub(crate) fn new(expr: E, name: &'static str) -> Self {
        Labeled {
            expr,
            name,
            label: PhantomData,
        }
    }

    /// The label.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

impl<E: Clone, L> Clone for Labeled<E, L> {
    fn clone(&self) -> Self {
        Labeled::new(self.expr.clone(), self.name)
    }
}
impl<E: Copy, L> Copy for Labeled<E, L> {}
impl<E: std::fmt::Debug, L> std::fmt::Debug for Labeled<E, L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Labeled")
            .field("expr", &self.expr)
            .field("name", &self.name)
            .finish()
    }
}

impl<E: Render, L> Render for Labeled<E, L> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_labelled(self.name, &self.expr);
    }
    fn label_name(&self) -> Option<&'static str> {
        Some(self.name)
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.expr.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.labelled(&self.expr);
    }
    fn precedence(&self) -> u8 {
        self.expr.precedence()
    }
    fn render_selected<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.expr.render(w);
        w.push_sql(" AS ");
        w.push_ident(self.name);
    }
    fn render_order_key<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_ident(self.name);
    }
    // In ORDER BY the label renders its name alone, without the
    // expression's binds: there the key walk collects binds rendering does
    // not, and the statement is not cached.
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static LABEL: NodeTag = NodeTag::new("label");
        key.tag(&LABEL);
        key.name(self.name);
        self.expr.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<E: Expression, L> Expression for Labeled<E, L> {
    type SqlType = E::SqlType;
}

crate::macros::in_scope! { [E, L] Labeled<E, L> { E: IE }; }
