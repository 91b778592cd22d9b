//! `expr AS "name"`.

use super::Expression;
use crate::render::{Render, SqlWriter, TableSet};

/// An expression with a name in the SELECT list: `expr AS "name"`.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// let q = select((A, count(A).label("n"))).group_by(A);
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
        self.expr.render(w);
        w.push_sql(" AS ");
        w.push_ident(self.name);
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.expr.collect_tables(out);
    }
}

impl<E: Expression> Expression for Labeled<E> {
    type SqlType = E::SqlType;
}
