//! UNION, UNION ALL, INTERSECT, EXCEPT.

use super::clause::{Clause, MaybeClause};
use super::run::Query;
use super::select::write_limit_offset;
use crate::expr::OrderBy;
use crate::render::{Render, SqlWriter, Statement};
use crate::types::Compatible;

/// Which set operation combines two queries.
///
/// ```
/// use sqlalgebra::query::SetOp;
/// assert_eq!(SetOp::UnionAll.sql(), " UNION ALL ");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    /// `UNION`: rows of either, duplicates removed.
    Union,
    /// `UNION ALL`: rows of either, duplicates kept.
    UnionAll,
    /// `INTERSECT`: rows of both.
    Intersect,
    /// `EXCEPT`: rows of the left not in the right.
    Except,
}

impl SetOp {
    /// The SQL keywords, with surrounding spaces.
    pub fn sql(self) -> &'static str {
        match self {
            SetOp::Union => " UNION ",
            SetOp::UnionAll => " UNION ALL ",
            SetOp::Intersect => " INTERSECT ",
            SetOp::Except => " EXCEPT ",
        }
    }
}

/// Two queries combined by a set operation, with an optional ORDER BY,
/// LIMIT and OFFSET over the result.
#[derive(Debug, Clone, Copy)]
#[must_use = "a statement does nothing until it is run"]
pub struct Compound<L, R, O = ()> {
    left: L,
    right: R,
    op: SetOp,
    order: O,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// `union`, `union_all`, `intersect` and `except`: for every query. The
/// two sides must select the same SQL types (a column may be nullable on
/// one side only; load such a column into an `Option`).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// let q = select(A).filter(A.lt(5)).union(select(A).filter(A.gt(10))).order_by(A).limit(3);
/// ```
pub trait SetOperations: Query + Sized {
    /// `self UNION other`
    fn union<R>(self, other: R) -> Compound<Self, R>
    where
        R: Query,
        R::SqlType: Compatible<Self::SqlType>,
    {
        compound(self, other, SetOp::Union)
    }
    /// `self UNION ALL other`
    fn union_all<R>(self, other: R) -> Compound<Self, R>
    where
        R: Query,
        R::SqlType: Compatible<Self::SqlType>,
    {
        compound(self, other, SetOp::UnionAll)
    }
    /// `self INTERSECT other`
    fn intersect<R>(self, other: R) -> Compound<Self, R>
    where
        R: Query,
        R::SqlType: Compatible<Self::SqlType>,
    {
        compound(self, other, SetOp::Intersect)
    }
    /// `self EXCEPT other`
    fn except<R>(self, other: R) -> Compound<Self, R>
    where
        R: Query,
        R::SqlType: Compatible<Self::SqlType>,
    {
        compound(self, other, SetOp::Except)
    }
}

impl<Q: Query> SetOperations for Q {}

fn compound<L, R>(left: L, right: R, op: SetOp) -> Compound<L, R> {
    Compound {
        left,
        right,
        op,
        order: (),
        limit: None,
        offset: None,
    }
}

impl<L, R, O> Compound<L, R, O> {
    /// `ORDER BY ...` over the combined rows; columns are written without
    /// their table, as the result's column names.
    pub fn order_by<O2: OrderBy>(self, order: O2) -> Compound<L, R, Clause<O2>> {
        Compound {
            left: self.left,
            right: self.right,
            op: self.op,
            order: Clause(order),
            limit: self.limit,
            offset: self.offset,
        }
    }

    /// `LIMIT n` over the combined rows.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(i64::try_from(n).unwrap_or(i64::MAX));
        self
    }

    /// `OFFSET n` over the combined rows.
    pub fn offset(mut self, n: u64) -> Self {
        self.offset = Some(i64::try_from(n).unwrap_or(i64::MAX));
        self
    }
}

impl<L: Render, R: Render, O: MaybeClause> Render for Compound<L, R, O> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.left.render(w);
        w.push_sql(self.op.sql());
        self.right.render(w);
        // The result's column names, which belong to no table in scope.
        let qualified = w.set_unqualified(true);
        let strict = w.set_strict(false);
        self.order.write_order_clause(w, " ORDER BY ");
        w.set_strict(strict);
        w.set_unqualified(qualified);
        write_limit_offset(w, self.limit, self.offset);
    }
}

impl<L, R, O> Compound<L, R, O> {
    /// The first query, whose SELECT list names the result's columns.
    pub(crate) fn first(&self) -> &L {
        &self.left
    }
}

impl<L: Render, R: Render, O: MaybeClause> Statement for Compound<L, R, O> {}

impl<L: Query, R: Render, O: MaybeClause> Query for Compound<L, R, O> {
    type SqlType = L::SqlType;
}
