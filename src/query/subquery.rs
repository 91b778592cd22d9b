//! Subqueries as expressions (scalar, EXISTS, IN), named sources (table
//! aliases, derived tables) and their typed columns.

use std::marker::PhantomData;

use super::run::Query;
use crate::expr::Expression;
use crate::render::{
    GroupCheck, NodeTag, Render, SqlKey, SqlWriter, Statement, TableRef, TableSet, add_table,
    precedence,
};
use crate::schema::{Column, QuerySource, Table};
use crate::types::{Bool, IntoNullable, SingleValue};

/// A SELECT of one column used as a value: `(SELECT ...)`. NULL when it
/// finds no row, so its SQL type is nullable.
#[derive(Debug, Clone, Copy)]
pub struct ScalarSubquery<Q> {
    query: Q,
}

impl<Q: Render> Render for ScalarSubquery<Q> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sql("(");
        self.query.render(w);
        w.push_sql(")");
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static SCALAR: NodeTag = NodeTag::new("scalar subquery");
        key.tag(&SCALAR);
        self.query.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<Q> Expression for ScalarSubquery<Q>
where
    Q: Query,
    Q::SqlType: SingleValue + IntoNullable,
{
    type SqlType = <Q::SqlType as IntoNullable>::Nullable;
}

/// `EXISTS (SELECT ...)`; `NOT EXISTS` with [`not`](crate::expr::not).
#[derive(Debug, Clone, Copy)]
pub struct Exists<Q> {
    query: Q,
}

impl<Q: Render> Render for Exists<Q> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sql("EXISTS (");
        self.query.render(w);
        w.push_sql(")");
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static EXISTS: NodeTag = NodeTag::new("EXISTS");
        key.tag(&EXISTS);
        self.query.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<Q: Query> Expression for Exists<Q> {
    type SqlType = Bool;
}

/// `EXISTS (subquery)`: true when the subquery finds a row. The subquery
/// may refer to the tables of the enclosing query (it is correlated).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// let q = select(count_star()).filter(exists(select(A).filter(A.gt(1))));
/// ```
pub fn exists<Q: Query>(query: Q) -> Exists<Q> {
    Exists { query }
}

/// `expr IN (SELECT ...)` or `expr NOT IN (SELECT ...)`.
#[derive(Debug, Clone, Copy)]
pub struct InSubquery<E, Q> {
    pub(crate) expr: E,
    pub(crate) query: Q,
    pub(crate) negated: bool,
}

impl<E: Render, Q: Render> Render for InSubquery<E, Q> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_operand(&self.expr, precedence::COMPARISON + 1);
        w.push_sql(if self.negated { " NOT IN (" } else { " IN (" });
        self.query.render(w);
        w.push_sql(")");
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
        static IN_SUBQUERY: NodeTag = NodeTag::new("IN (SELECT ...)");
        key.tag(&IN_SUBQUERY);
        key.word(usize::from(self.negated));
        self.expr.sql_key(key) && self.query.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<E: Expression, Q: Query> Expression for InSubquery<E, Q> {
    type SqlType = Bool;
}

/// `as_scalar` for every query: use a one-column SELECT as a value.
pub trait SubqueryMethods: Query + Sized {
    /// `(SELECT ...)` as a value, for a SELECT of one column.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// let biggest = select(max(A)).as_scalar();
    /// let q = select(A).filter(A.eq(biggest));
    /// ```
    #[allow(clippy::wrong_self_convention)] // SQLAlchemy's name; consumes the query
    fn as_scalar(self) -> ScalarSubquery<Self> {
        ScalarSubquery { query: self }
    }

    /// This SELECT as a derived table named `name`, for FROM and JOIN:
    /// `(SELECT ...) AS "name"`. Its columns are reached, typed by what
    /// the SELECT selects, with [`Derived::col`] and [`Derived::c`]
    /// ([`Derived::field`] for a string label).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// let big = select(A).filter(A.gt(10)).subquery("big");
    /// let q = select(big.col(A)).from(big);
    /// ```
    fn subquery(self, name: &'static str) -> Derived<Self> {
        Derived { query: self, name }
    }
}

impl<Q: Query> SubqueryMethods for Q {}

/// A subquery in FROM under a name: `(SELECT ...) AS "name"`.
#[derive(Debug, Clone, Copy)]
pub struct Derived<Q> {
    query: Q,
    name: &'static str,
}

impl<Q> Derived<Q> {
    /// The subquery and its name (for `LATERAL`, `lateral.rs`).
    pub(super) fn parts(&self) -> (&Q, &'static str) {
        (&self.query, self.name)
    }

    /// The derived table's column named `name`, typed as `ST` on the
    /// caller's word: the dynamic escape hatch (a string label, a boxed
    /// subquery). Prefer the typed [`col`](Derived::col) and
    /// [`c`](Derived::c), checked against the subquery's SELECT list.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// let sums = select(sum(A).label("total")).subquery("sums");
    /// let q = select(sums.field::<Nullable<BigInt>>("total")).from(sums);
    /// ```
    pub fn field<ST>(&self, name: &'static str) -> SourceColumn<ST> {
        SourceColumn::new(self.name, name)
    }

    /// The name it has in FROM.
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    /// The subquery.
    pub(crate) fn query(&self) -> &Q {
        &self.query
    }
}

impl<Q: Statement> QuerySource for Derived<Q> {
    fn table_ref(&self) -> TableRef<'static> {
        TableRef::new(self.name)
    }
    fn write_from<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sql("(");
        // A derived table is not correlated (it is not LATERAL): tables of
        // the enclosing statements stay in its own FROM.
        let outer = w.isolate_scope();
        self.query.render(w);
        w.restore_scope(outer);
        w.push_sql(") AS ");
        w.push_ident(self.name);
    }
    #[inline]
    fn source_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static DERIVED: NodeTag = NodeTag::new("derived table");
        key.tag(&DERIVED);
        key.name(self.name);
        self.query.sql_key(key)
    }
}

/// A table under another name, so it can appear twice in one query
/// (a self-join): `"employees" AS "m"`.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::alias;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Emp;
/// # impl Table for Emp { const NAME: &'static str = "emp"; type Columns = (Id, Boss); type PrimaryKey = Id; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Boss;
/// # impl Column for Id { type Table = Emp; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # impl Column for Boss { type Table = Emp; type SqlType = Nullable<BigInt>; const NAME: &'static str = "boss"; }
/// let m = alias(Emp, "m");
/// let q = select((Id, m.col(Id))).join(m, Boss.eq(m.col(Id)));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Alias<T> {
    table: PhantomData<T>,
    name: &'static str,
}

/// `table AS name`; see [`Alias`].
pub fn alias<T: Table>(_table: T, name: &'static str) -> Alias<T> {
    Alias {
        table: PhantomData,
        name,
    }
}

impl<T: Table> Alias<T> {
    /// Column `C` of the table, as seen through this alias.
    pub fn col<C: Column<Table = T>>(&self, _column: C) -> SourceColumn<C::SqlType> {
        SourceColumn {
            table: TableRef {
                name: T::NAME,
                alias: Some(self.name),
            },
            column: C::NAME,
            primary_key: <T::PrimaryKey as crate::schema::ColumnList>::NAMES,
            sql_type: PhantomData,
        }
    }
}

impl<T: Table> QuerySource for Alias<T> {
    fn table_ref(&self) -> TableRef<'static> {
        TableRef {
            name: T::NAME,
            alias: Some(self.name),
        }
    }
    #[inline]
    fn source_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static ALIAS: NodeTag = NodeTag::new("alias");
        key.tag(&ALIAS);
        key.name(T::NAME);
        key.name(self.name);
        true
    }
}

/// A column of an alias, a derived table or a CTE, typed as `ST`.
pub struct SourceColumn<ST> {
    table: TableRef<'static>,
    column: &'static str,
    /// The columns of the source's primary key, where known (an alias of
    /// a table), for the GROUP BY check.
    primary_key: &'static [&'static str],
    sql_type: PhantomData<fn() -> ST>,
}

impl<ST> SourceColumn<ST> {
    /// Column `column` of the source named `source`.
    pub fn new(source: &'static str, column: &'static str) -> Self {
        SourceColumn {
            table: TableRef::new(source),
            column,
            primary_key: &[],
            sql_type: PhantomData,
        }
    }

    /// The column's name.
    pub(crate) fn column_name(&self) -> &'static str {
        self.column
    }
}

impl<ST> Clone for SourceColumn<ST> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<ST> Copy for SourceColumn<ST> {}
impl<ST> std::fmt::Debug for SourceColumn<ST> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.table.exposed_name(), self.column)
    }
}

impl<ST> Render for SourceColumn<ST> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_qualified(self.table.exposed_name(), self.column);
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        add_table(out, self.table);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.column(self.table, self.column, self.primary_key);
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static SOURCE_COLUMN: NodeTag = NodeTag::new("source column");
        key.tag(&SOURCE_COLUMN);
        key.name(self.table.name);
        key.word(usize::from(self.table.alias.is_some()));
        if let Some(alias) = self.table.alias {
            key.name(alias);
        }
        key.name(self.column);
        true
    }
}

#[diagnostic::do_not_recommend]
impl<ST: crate::types::SqlType> Expression for SourceColumn<ST> {
    type SqlType = ST;
}

/// A SELECT on the right of IN: `expr IN (SELECT ...)`.
impl<S, F, W, M, ST> crate::expr::InOperand<ST> for super::Select<S, F, W, M>
where
    Self: Query,
    <Self as Query>::SqlType: crate::types::Compatible<ST>,
{
    type In<E> = InSubquery<E, Self>;
    type NotIn<E> = InSubquery<E, Self>;
    fn in_of<E>(self, expr: E) -> InSubquery<E, Self> {
        InSubquery {
            expr,
            query: self,
            negated: false,
        }
    }
    fn not_in_of<E>(self, expr: E) -> InSubquery<E, Self> {
        InSubquery {
            expr,
            query: self,
            negated: true,
        }
    }
}

// Subqueries are checked when rendered (see `scope.rs`): the columns of
// the enclosing query they use are not in their own FROM.
crate::macros::in_scope! {
    [Q] ScalarSubquery<Q> {};
    [Q] Exists<Q> {};
    [E, Q] InSubquery<E, Q> { E: IE };
    [ST] SourceColumn<ST> {};
}
