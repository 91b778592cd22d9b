//! ORDER BY terms.

use super::Expression;
use crate::render::{GroupCheck, NodeTag, Render, SqlKey, SqlWriter, TableSet, precedence};

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
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.expr);
    }
    fn render_order_key<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_order_key(&self.expr);
        w.push_sql(" ASC");
    }
    fn sort_term(&self) -> Option<(&dyn Render, bool, Option<bool>)> {
        Some((&self.expr, false, None))
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static ASC: NodeTag = NodeTag::new("ASC");
        key.tag(&ASC);
        self.expr.sql_key(key)
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
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.expr);
    }
    fn render_order_key<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_order_key(&self.expr);
        w.push_sql(" DESC");
    }
    fn sort_term(&self) -> Option<(&dyn Render, bool, Option<bool>)> {
        Some((&self.expr, true, None))
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static DESC: NodeTag = NodeTag::new("DESC");
        key.tag(&DESC);
        self.expr.sql_key(key)
    }
}

impl<E> Asc<E> {
    /// `expr ASC NULLS FIRST`: NULLs before every value.
    ///
    /// | `t.b.asc().nulls_first()` | |
    /// |---|---|
    /// | SQLite | `"t"."b" ASC NULLS FIRST` |
    /// | PostgreSQL | `"t"."b" ASC NULLS FIRST` |
    /// | MySQL | `` `t`.`b` ASC `` |
    ///
    /// MySQL has no `NULLS FIRST`, but puts NULLs first in ascending order
    /// already.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = B; type PrimaryKey = B; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
    /// # impl Column for B { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "b"; }
    /// use sqlalgebra_mysql::Mysql;
    /// let q = select(B).order_by(B.asc().nulls_first());
    /// assert_eq!(q.to_sql(&Mysql).unwrap().sql,
    ///     "SELECT `t`.`b` FROM `t` ORDER BY `t`.`b` ASC");
    /// ```
    pub fn nulls_first(self) -> NullsOrder<E> {
        NullsOrder::new(self.expr, false, true)
    }

    /// `expr ASC NULLS LAST`: NULLs after every value.
    ///
    /// | `t.b.asc().nulls_last()` | |
    /// |---|---|
    /// | SQLite | `"t"."b" ASC NULLS LAST` |
    /// | PostgreSQL | `"t"."b" ASC NULLS LAST` |
    /// | MySQL | `` `t`.`b` IS NULL ASC, `t`.`b` ASC `` |
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = B; type PrimaryKey = B; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
    /// # impl Column for B { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "b"; }
    /// use sqlalgebra_sqlite::Sqlite;
    /// let q = select(B).order_by(B.asc().nulls_last());
    /// assert_eq!(q.to_sql(&Sqlite).unwrap().sql,
    ///     r#"SELECT "t"."b" FROM "t" ORDER BY "t"."b" ASC NULLS LAST"#);
    /// ```
    pub fn nulls_last(self) -> NullsOrder<E> {
        NullsOrder::new(self.expr, false, false)
    }
}

impl<E> Desc<E> {
    /// `expr DESC NULLS FIRST`: NULLs before every value.
    ///
    /// | `t.b.desc().nulls_first()` | |
    /// |---|---|
    /// | SQLite | `"t"."b" DESC NULLS FIRST` |
    /// | PostgreSQL | `"t"."b" DESC NULLS FIRST` |
    /// | MySQL | `` `t`.`b` IS NULL DESC, `t`.`b` DESC `` |
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = B; type PrimaryKey = B; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
    /// # impl Column for B { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "b"; }
    /// use sqlalgebra_postgres::Postgres;
    /// let q = select(B).order_by(B.desc().nulls_first());
    /// assert_eq!(q.to_sql(&Postgres).unwrap().sql,
    ///     r#"SELECT "t"."b" FROM "t" ORDER BY "t"."b" DESC NULLS FIRST"#);
    /// ```
    pub fn nulls_first(self) -> NullsOrder<E> {
        NullsOrder::new(self.expr, true, true)
    }

    /// `expr DESC NULLS LAST`: NULLs after every value.
    ///
    /// | `t.b.desc().nulls_last()` | |
    /// |---|---|
    /// | SQLite | `"t"."b" DESC NULLS LAST` |
    /// | PostgreSQL | `"t"."b" DESC NULLS LAST` |
    /// | MySQL | `` `t`.`b` DESC `` (MySQL's own order) |
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = B; type PrimaryKey = B; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
    /// # impl Column for B { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "b"; }
    /// use sqlalgebra_mysql::Mysql;
    /// let q = select(B).order_by(B.desc().nulls_last());
    /// assert_eq!(q.to_sql(&Mysql).unwrap().sql,
    ///     "SELECT `t`.`b` FROM `t` ORDER BY `t`.`b` DESC");
    /// ```
    pub fn nulls_last(self) -> NullsOrder<E> {
        NullsOrder::new(self.expr, true, false)
    }
}

/// `expr ASC|DESC NULLS FIRST|LAST`, made by `nulls_first` / `nulls_last`
/// on [`Asc`] and [`Desc`]. On MySQL, which lacks the clause, it is
/// written `expr IS NULL DESC|ASC, expr ASC|DESC` (so the expression, and
/// its binds, come twice).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// use sqlalgebra::expr::NullsOrder;
/// let o: NullsOrder<S> = S.desc().nulls_last();
/// ```
#[derive(Debug, Clone, Copy)]
pub struct NullsOrder<E> {
    expr: E,
    descending: bool,
    nulls_first: bool,
}

impl<E> NullsOrder<E> {
    fn new(expr: E, descending: bool, nulls_first: bool) -> Self {
        NullsOrder {
            expr,
            descending,
            nulls_first,
        }
    }
}

#[diagnostic::do_not_recommend]
impl<E: Render> Render for NullsOrder<E> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.write(w, false);
    }
    fn render_order_key<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sort_key(|w| self.write(w, true));
    }
    fn sort_term(&self) -> Option<(&dyn Render, bool, Option<bool>)> {
        Some((&self.expr, self.descending, Some(self.nulls_first)))
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.expr.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.expr);
    }
}

impl<E: Render> NullsOrder<E> {
    /// Writes the term; `as_key` writes a labelled expression as its name
    /// where it stands alone (not inside MySQL's `IS NULL`).
    fn write<'a>(&'a self, w: &mut SqlWriter<'a>, as_key: bool) {
        let key = |w: &mut SqlWriter<'a>| {
            if as_key {
                w.push_order_key(&self.expr);
            } else {
                self.expr.render(w);
            }
        };
        let direction = if self.descending { " DESC" } else { " ASC" };
        if w.dialect().supports_nulls_first_last() {
            key(w);
            w.push_sql(direction);
            w.push_sql(if self.nulls_first {
                " NULLS FIRST"
            } else {
                " NULLS LAST"
            });
        } else if self.nulls_first != self.descending {
            // MySQL's own order already: NULLs first ascending, last
            // descending. No hidden `x IS NULL` term, which MariaDB keeps
            // apart under DISTINCT (a duplicate row came back).
            key(w);
            w.push_sql(direction);
        } else {
            // `x IS NULL` is 1 for NULLs: descending puts them first.
            w.push_operand(&self.expr, precedence::COMPARISON + 1);
            w.push_sql(if self.nulls_first {
                " IS NULL DESC, "
            } else {
                " IS NULL ASC, "
            });
            key(w);
            w.push_sql(direction);
        }
    }
}

/// One or more ORDER BY terms: an expression (ascending), `expr.asc()`,
/// `expr.desc()`, `expr.desc().nulls_last()` (and the like), or a tuple of
/// those.
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
#[diagnostic::do_not_recommend]
impl<E: Expression> OrderBy for NullsOrder<E> {}

crate::macros::in_scope! {
    [E] Asc<E> { E: IE };
    [E] Desc<E> { E: IE };
    [E] NullsOrder<E> { E: IE };
}
