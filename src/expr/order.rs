//! ORDER BY terms.

use super::Expression;
use crate::render::{Render, SqlWriter, TableSet};

/// `expr ASC`
#[derive(Debug, Clone, Copy, Default)]
pub struct Asc<E> {
    pub(crate) expr: E,
}

/// `expr DESC`
#[derive(Debug, Clone, Copy, Default)]
pub struct Desc<E> {
    pub(crate) expr: E,
}

#[diagnostic::do_not_recommend]
impl<E: Render> Render for Asc<E> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.expr.render(w);
        w.push_sql(" ASC");
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.expr.collect_tables(out);
    }
}

#[diagnostic::do_not_recommend]
impl<E: Render> Render for Desc<E> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.expr.render(w);
        w.push_sql(" DESC");
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.expr.collect_tables(out);
    }
}

/// One or more ORDER BY terms: an expression (ascending), `expr.asc()`,
/// `expr.desc()`, or a tuple of those.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used in ORDER BY",
    label = "expected an expression, `expr.asc()`, `expr.desc()` or a tuple of them"
)]
pub trait OrderBy: Render {}

#[diagnostic::do_not_recommend]
impl<E: Expression> OrderBy for E {}
#[diagnostic::do_not_recommend]
impl<E: Expression> OrderBy for Asc<E> {}
#[diagnostic::do_not_recommend]
impl<E: Expression> OrderBy for Desc<E> {}
