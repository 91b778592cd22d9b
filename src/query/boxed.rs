//! Type-erased (boxed) expressions and SELECTs, for queries assembled at
//! run time: filters, joins and orderings added conditionally, still typed
//! by SQL type.

use std::marker::PhantomData;

use super::clause::{MaybeClause, Predicate, Selection};
use super::join::JoinKind;
use super::lock::RowLock;
use super::run::Query;
use super::select::{FromClause, Modifiers, Select, SelectParts, render_select};
use crate::expr::{Expression, OrderBy};
use crate::render::{
    GroupCheck, Render, SqlWriter, Statement, TableRef, TableSet, add_table, precedence,
};
use crate::schema::QuerySource;
use crate::types::SqlType;

/// An expression whose type is erased, except for its SQL type `ST`.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::BoxedExpr;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// let min: Option<i64> = Some(3);
/// let mut p: BoxedExpr<'_, Bool> = A.is_not_null().boxed();
/// if let Some(m) = min {
///     p = p.and(A.ge(m)).boxed();
/// }
/// let q = select(A).filter(p);
/// ```
pub struct BoxedExpr<'a, ST> {
    inner: Box<dyn Render + Send + Sync + 'a>,
    sql_type: PhantomData<fn() -> ST>,
}

impl<ST> std::fmt::Debug for BoxedExpr<'_, ST> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BoxedExpr")
    }
}

impl<ST> Render for BoxedExpr<'_, ST> {
    fn render<'b>(&'b self, w: &mut SqlWriter<'b>) {
        self.inner.render(w);
    }
    fn collect_tables<'b>(&'b self, out: &mut TableSet<'b>) {
        self.inner.collect_tables(out);
    }
    fn precedence(&self) -> u8 {
        self.inner.precedence()
    }
    fn render_selected<'b>(&'b self, w: &mut SqlWriter<'b>) {
        self.inner.render_selected(w);
    }
    fn render_order_key<'b>(&'b self, w: &mut SqlWriter<'b>) {
        self.inner.render_order_key(w);
    }
    fn check_grouping<'b>(&'b self, c: &mut GroupCheck<'_, 'b>) {
        self.inner.check_grouping(c);
    }
    fn each_term<'b>(&'b self, each: &mut dyn FnMut(&'b dyn Render)) -> bool {
        self.inner.each_term(each)
    }
    fn split_connective<'b>(&'b self, each: &mut dyn FnMut(&'b dyn Render)) -> bool {
        self.inner.split_connective(each)
    }
    fn label_name(&self) -> Option<&'static str> {
        self.inner.label_name()
    }
    fn render_assigned<'b>(&'b self, w: &mut SqlWriter<'b>) {
        self.inner.render_assigned(w);
    }
}

#[diagnostic::do_not_recommend]
impl<ST: SqlType> Expression for BoxedExpr<'_, ST> {
    type SqlType = ST;
}

/// `boxed()`: for every expression.
pub trait BoxExpression: Expression + Sized + Send + Sync {
    /// Erases the expression's type, keeping its SQL type.
    fn boxed<'a>(self) -> BoxedExpr<'a, Self::SqlType>
    where
        Self: 'a,
    {
        BoxedExpr {
            inner: Box::new(self),
            sql_type: PhantomData,
        }
    }
}

impl<E: Expression + Send + Sync> BoxExpression for E {}

type Dyn<'a> = Box<dyn Render + 'a>;

/// Several predicates ANDed, as a WHERE or HAVING clause.
struct Conjunction<'a> {
    first: Box<dyn MaybeClause + 'a>,
    more: Vec<Dyn<'a>>,
}

impl MaybeClause for Conjunction<'_> {
    fn write_clause<'b>(&'b self, w: &mut SqlWriter<'b>, keyword: &str) {
        if !self.is_present() {
            return;
        }
        w.push_sql(keyword);
        let mut first = true;
        if self.first.is_present() {
            let wrap = !self.more.is_empty() && self.first.clause_precedence() < precedence::AND;
            if wrap {
                w.push_sql("(");
            }
            self.first.write_clause(w, "");
            if wrap {
                w.push_sql(")");
            }
            first = false;
        }
        for p in &self.more {
            if !first {
                w.push_sql(" AND ");
            }
            first = false;
            w.push_operand(&**p, precedence::AND);
        }
    }
    fn collect_clause_tables<'b>(&'b self, out: &mut TableSet<'b>) {
        self.first.collect_clause_tables(out);
        for p in &self.more {
            p.collect_tables(out);
        }
    }
    fn check_clause<'b>(&'b self, c: &mut GroupCheck<'_, 'b>) {
        self.first.check_clause(c);
        for p in &self.more {
            c.operand(&**p);
        }
    }
    fn is_present(&self) -> bool {
        self.first.is_present() || !self.more.is_empty()
    }
}

/// A comma-separated list (ORDER BY terms) after an optional typed one.
struct List<'a> {
    first: Box<dyn MaybeClause + 'a>,
    more: Vec<Dyn<'a>>,
}

impl List<'_> {
    fn write<'b>(&'b self, w: &mut SqlWriter<'b>, keyword: &str, order: bool) {
        if !self.is_present() {
            return;
        }
        w.push_sql(keyword);
        let mut first = true;
        if self.first.is_present() {
            if order {
                self.first.write_order_clause(w, "");
            } else {
                self.first.write_clause(w, "");
            }
            first = false;
        }
        for t in &self.more {
            if !first {
                w.push_sql(", ");
            }
            first = false;
            if order {
                w.push_order_terms(&**t);
            } else {
                t.render(w);
            }
        }
    }
}

impl MaybeClause for List<'_> {
    fn write_clause<'b>(&'b self, w: &mut SqlWriter<'b>, keyword: &str) {
        self.write(w, keyword, false);
    }
    fn write_order_clause<'b>(&'b self, w: &mut SqlWriter<'b>, keyword: &str) {
        self.write(w, keyword, true);
    }
    fn collect_clause_tables<'b>(&'b self, out: &mut TableSet<'b>) {
        self.first.collect_clause_tables(out);
        for t in &self.more {
            t.collect_tables(out);
        }
    }
    fn check_clause<'b>(&'b self, c: &mut GroupCheck<'_, 'b>) {
        self.first.check_clause(c);
        for t in &self.more {
            c.operand(&**t);
        }
    }
    fn is_present(&self) -> bool {
        self.first.is_present() || !self.more.is_empty()
    }
}

struct BoxedJoin<'a> {
    kind: JoinKind,
    source: Box<dyn QuerySource + 'a>,
    on: Dyn<'a>,
}

/// The typed FROM clause plus joins added after boxing.
struct BoxedFrom<'a> {
    first: Box<dyn FromClause + 'a>,
    joins: Vec<BoxedJoin<'a>>,
}

impl FromClause for BoxedFrom<'_> {
    fn base(&self) -> Option<TableRef<'static>> {
        self.first.base()
    }
    fn write_base<'b>(&'b self, w: &mut SqlWriter<'b>) {
        self.first.write_base(w);
    }
    fn joined(&self, out: &mut TableSet<'_>) {
        self.first.joined(out);
        for j in &self.joins {
            add_table(out, j.source.table_ref());
        }
    }
    fn write_joins<'b>(&'b self, w: &mut SqlWriter<'b>) {
        self.first.write_joins(w);
        for j in &self.joins {
            j.kind.write(w);
            j.source.write_from(w);
            if j.kind != JoinKind::Cross {
                w.push_sql(" ON ");
                j.on.render(w);
            }
        }
    }
}

/// A SELECT whose type is erased except for its row's SQL types `ST`:
/// filters, joins and orderings can be added in loops and branches.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, B); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # impl Column for B { type Table = T; type SqlType = Text; const NAME: &'static str = "b"; }
/// let name: Option<&str> = Some("x%");
/// let newest_first = true;
/// let mut q = select((A, B)).boxed();
/// if let Some(n) = name {
///     q = q.filter(B.like(n));
/// }
/// if newest_first {
///     q = q.order_by(A.desc());
/// }
/// ```
#[must_use = "a statement does nothing until it is run"]
pub struct BoxedSelect<'a, ST> {
    distinct: bool,
    distinct_on: Box<dyn MaybeClause + 'a>,
    selection: Dyn<'a>,
    from: BoxedFrom<'a>,
    filter: Conjunction<'a>,
    group: Box<dyn MaybeClause + 'a>,
    having: Conjunction<'a>,
    order: List<'a>,
    limit: Option<i64>,
    offset: Option<i64>,
    lock: Option<RowLock>,
    row: PhantomData<fn() -> ST>,
}

impl<'a, S, F, W, G, H, O, D> Select<S, F, W, Modifiers<G, H, O, D>>
where
    D: MaybeClause + 'a,
    S: Selection + 'a,
    F: FromClause + 'a,
    W: MaybeClause + 'a,
    G: MaybeClause + 'a,
    H: MaybeClause + 'a,
    O: MaybeClause + 'a,
{
    /// Erases this SELECT's type (keeping its row type), so parts can be
    /// added conditionally at run time.
    pub fn boxed(self) -> BoxedSelect<'a, S::SqlType> {
        let (selection, from, filter, m) = self.into_parts();
        BoxedSelect {
            distinct: m.distinct,
            distinct_on: Box::new(m.distinct_on),
            selection: Box::new(selection),
            from: BoxedFrom {
                first: Box::new(from),
                joins: Vec::new(),
            },
            filter: Conjunction {
                first: Box::new(filter),
                more: Vec::new(),
            },
            group: Box::new(m.group),
            having: Conjunction {
                first: Box::new(m.having),
                more: Vec::new(),
            },
            order: List {
                first: Box::new(m.order),
                more: Vec::new(),
            },
            limit: m.limit,
            offset: m.offset,
            lock: m.lock,
            row: PhantomData,
        }
    }
}

impl<'a, ST> BoxedSelect<'a, ST> {
    /// Adds a WHERE condition (ANDed with the others).
    pub fn filter<P: Predicate + 'a>(mut self, predicate: P) -> Self {
        self.filter.more.push(Box::new(predicate));
        self
    }

    /// Adds `INNER JOIN source ON on`.
    pub fn join<T: QuerySource + 'a, On: Predicate + 'a>(self, source: T, on: On) -> Self {
        self.join_of(JoinKind::Inner, source, on)
    }

    /// Adds `LEFT JOIN source ON on`. A boxed SELECT keeps the SQL types
    /// it was declared with: load the joined table's columns into
    /// `Option`s yourself.
    pub fn left_join<T: QuerySource + 'a, On: Predicate + 'a>(self, source: T, on: On) -> Self {
        self.join_of(JoinKind::Left, source, on)
    }

    /// Adds `RIGHT JOIN source ON on` (the tables before it are
    /// NULL-extended: load their columns into `Option`s).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Table for A { const NAME: &'static str = "a"; type Columns = X; type PrimaryKey = X; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct X;
    /// # impl Column for X { type Table = A; type SqlType = BigInt; const NAME: &'static str = "x"; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
    /// # impl Table for B { const NAME: &'static str = "b"; type Columns = Y; type PrimaryKey = Y; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Y;
    /// # impl Column for Y { type Table = B; type SqlType = BigInt; const NAME: &'static str = "y"; }
    /// let q = select((X, Y)).from(A).boxed().right_join(B, Y.eq(X));
    /// assert_eq!(q.to_sql(&sqlalgebra_sqlite::Sqlite)?.sql,
    ///     r#"SELECT "a"."x", "b"."y" FROM "a" RIGHT JOIN "b" ON "b"."y" = "a"."x""#);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn right_join<T: QuerySource + 'a, On: Predicate + 'a>(self, source: T, on: On) -> Self {
        self.join_of(JoinKind::Right, source, on)
    }

    /// Adds `FULL JOIN source ON on` (both sides NULL-extended); MySQL and
    /// MariaDB refuse it with [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Table for A { const NAME: &'static str = "a"; type Columns = X; type PrimaryKey = X; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct X;
    /// # impl Column for X { type Table = A; type SqlType = BigInt; const NAME: &'static str = "x"; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
    /// # impl Table for B { const NAME: &'static str = "b"; type Columns = Y; type PrimaryKey = Y; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Y;
    /// # impl Column for Y { type Table = B; type SqlType = BigInt; const NAME: &'static str = "y"; }
    /// let q = select((X, Y)).from(A).boxed().full_join(B, Y.eq(X));
    /// assert!(q.to_sql(&sqlalgebra_mysql::Mysql).is_err());
    /// ```
    pub fn full_join<T: QuerySource + 'a, On: Predicate + 'a>(self, source: T, on: On) -> Self {
        self.join_of(JoinKind::Full, source, on)
    }

    /// Adds `CROSS JOIN source`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Table for A { const NAME: &'static str = "a"; type Columns = X; type PrimaryKey = X; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct X;
    /// # impl Column for X { type Table = A; type SqlType = BigInt; const NAME: &'static str = "x"; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
    /// # impl Table for B { const NAME: &'static str = "b"; type Columns = Y; type PrimaryKey = Y; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Y;
    /// # impl Column for Y { type Table = B; type SqlType = BigInt; const NAME: &'static str = "y"; }
    /// let q = select((X, Y)).from(A).boxed().cross_join(B);
    /// assert_eq!(q.to_sql(&sqlalgebra_sqlite::Sqlite)?.sql,
    ///     r#"SELECT "a"."x", "b"."y" FROM "a" CROSS JOIN "b""#);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn cross_join<T: QuerySource + 'a>(self, source: T) -> Self {
        self.join_of(JoinKind::Cross, source, super::join::NoCondition)
    }

    fn join_of<T: QuerySource + 'a, On: Render + 'a>(
        mut self,
        kind: JoinKind,
        source: T,
        on: On,
    ) -> Self {
        self.from.joins.push(BoxedJoin {
            kind,
            source: Box::new(source),
            on: Box::new(on),
        });
        self
    }

    /// Adds a HAVING condition (ANDed with the others).
    pub fn having<P: Predicate + 'a>(mut self, predicate: P) -> Self {
        self.having.more.push(Box::new(predicate));
        self
    }

    /// Appends ORDER BY terms (after any already given).
    pub fn order_by<O: OrderBy + 'a>(mut self, order: O) -> Self {
        self.order.more.push(Box::new(order));
        self
    }

    /// Sets `LIMIT n`.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(i64::try_from(n).unwrap_or(i64::MAX));
        self
    }

    /// Sets `OFFSET n`.
    pub fn offset(mut self, n: u64) -> Self {
        self.offset = Some(i64::try_from(n).unwrap_or(i64::MAX));
        self
    }

    /// `SELECT DISTINCT`
    pub fn distinct(mut self) -> Self {
        self.distinct = true;
        self
    }

    /// Locks the selected rows as `lock` says (`FOR UPDATE`, ...; see
    /// [`Select::with_lock`](crate::query::Select::with_lock)).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::query::RowLock;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Table for A { const NAME: &'static str = "a"; type Columns = Id; type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # impl Column for Id { type Table = A; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// let q = select(Id).boxed().with_lock(RowLock::update().skip_locked());
    /// ```
    pub fn with_lock(mut self, lock: RowLock) -> Self {
        self.lock = Some(lock);
        self
    }
}

impl<ST> Render for BoxedSelect<'_, ST> {
    fn render<'b>(&'b self, w: &mut SqlWriter<'b>) {
        render_select(
            w,
            SelectParts {
                distinct: self.distinct,
                distinct_on: &*self.distinct_on,
                selection: &*self.selection,
                from: &self.from,
                filter: &self.filter,
                group: &*self.group,
                having: &self.having,
                order: &self.order,
                limit: self.limit.as_ref(),
                offset: self.offset.as_ref(),
                lock: self.lock.as_ref(),
            },
        );
    }
}

impl<ST> Statement for BoxedSelect<'_, ST> {}

impl<ST> Query for BoxedSelect<'_, ST> {
    type SqlType = ST;
}

impl<L, ST> crate::query::InScope<L, ()> for BoxedExpr<'_, ST> {}
impl<'a, ST> crate::query::Scoped for BoxedExpr<'a, ST> {
    type Check = Self;
}
