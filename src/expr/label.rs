//! `expr AS "name"`.

use super::Expression;
use crate::render::{GroupCheck, NodeTag, Render, SqlKey, SqlWriter, TableSet};

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
#[derive(Debug, Clone, Copy)]
pub struct Labeled<E> {
    pub(crate) expr: E,
    pub(crate) name: &'static str,
}

impl<E> Labeled<E> {
    /// The label.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

impl<E: Render> Render for Labeled<E> {
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
        c.operand(&self.expr);
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
impl<E: Expression> Expression for Labeled<E> {
    type SqlType = E::SqlType;
}

crate::macros::in_scope! { [E] Labeled<E> { E: IE }; }
