//! What a SELECT asks of a sharded engine: the shards its WHERE clause
//! allows ([`WhereClause`]), the statement each shard runs, and how their
//! rows merge ([`Merge`]). Everything here is decided before anything is
//! sent.

use super::collation::Probed;
use crate::error::{Error, ErrorKind, Result};
use crate::query::{FromClause, MaybeClause, Selection};
use crate::query::{Modifiers, Query, Select, SelectParts, render_select};
use crate::render::{AggregateFn, Dialect, GroupCheck, Render, Rendered, SqlKey, SqlWriter};
use crate::render::{for_each_leaf, precedence};
use crate::value::ValueRef;

/// The parts of a SELECT a sharded engine looks at; opaque.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::shard::ShardQuery;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A,); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// let q = select(A).filter(A.eq(1));
/// let _parts = q.fan_out_parts();
/// ```
#[derive(Clone, Copy)]
pub struct FanOutParts<'a>(pub(crate) SelectParts<'a>);

/// A SELECT that a [`ShardedEngine`](super::ShardedEngine) can run: on the
/// shards its WHERE clause allows, merging their rows.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::shard::ShardQuery;
/// fn runs_on_shards<Q: ShardQuery>(_: &Q) {}
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A,); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// runs_on_shards(&select(A).order_by(A).limit(3));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot run on a sharded engine",
    note = "a sharded engine runs SELECT statements built with `select(..)`; run other statements on one shard (`ShardedEngine::shard`)"
)]
pub trait ShardQuery: Query {
    /// The statement's parts.
    #[doc(hidden)]
    fn fan_out_parts(&self) -> FanOutParts<'_>;
}

impl<S, F, W, G, H, O, D> ShardQuery for Select<S, F, W, Modifiers<G, H, O, D>>
where
    D: MaybeClause,
    S: Selection,
    F: FromClause,
    W: MaybeClause,
    G: MaybeClause,
    H: MaybeClause,
    O: MaybeClause,
    Self: Query,
{
    fn fan_out_parts(&self) -> FanOutParts<'_> {
        FanOutParts(self.parts())
    }
}

/// A query's WHERE clause, as a [`ShardChooser`](super::ShardChooser)
/// sees it: which values it fixes a column to.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::shard::{ShardQuery, WhereClause};
/// use sqlalgebra::value::ValueRef;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, B); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
/// # impl Column for B { type Table = T; type SqlType = BigInt; const NAME: &'static str = "b"; }
/// let q = select(B).filter(A.eq(4).and(B.gt(1)).or(A.in_([5, 6])));
/// let w = WhereClause::new(&sqlalgebra_postgres::Postgres, &q, 3);
/// assert_eq!(w.key_values(&A), Some(vec![ValueRef::Int(4), ValueRef::Int(5), ValueRef::Int(6)]));
/// assert_eq!(w.key_values(&B), None);
/// ```
pub struct WhereClause<'a> {
    dialect: &'a dyn Dialect,
    filter: Option<&'a dyn Render>,
    shards: usize,
}

impl<'a> WhereClause<'a> {
    /// The WHERE clause of `query` rendered in `dialect`, over `shards`
    /// shards.
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # use sqlalgebra::shard::WhereClause;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A,); type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// let q = select(A);
    /// let w = WhereClause::new(&sqlalgebra_sqlite::Sqlite, &q, 2);
    /// assert_eq!((w.shard_count(), w.key_values(&A)), (2, None));
    /// ```
    pub fn new<Q: ShardQuery>(dialect: &'a dyn Dialect, query: &'a Q, shards: usize) -> Self {
        WhereClause {
            dialect,
            filter: query.fan_out_parts().0.filter.clause_expr(),
            shards,
        }
    }

    /// How many shards the engine has.
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # use sqlalgebra::shard::WhereClause;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A,); type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// let q = select(A);
    /// assert_eq!(WhereClause::new(&sqlalgebra_sqlite::Sqlite, &q, 5).shard_count(), 5);
    /// ```
    pub fn shard_count(&self) -> usize {
        self.shards
    }

    /// The values the clause restricts `column` to, when every row it
    /// keeps has one of them: `column = v` (or `v = column`), `column IN
    /// (..)` of bound values, such a restriction ANDed with anything, and
    /// an OR of restrictions (their union). `None` when the clause does
    /// not fix the column (no WHERE, a range, a NOT, an OR with another
    /// kind of predicate).
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # use sqlalgebra::shard::WhereClause;
    /// # use sqlalgebra::value::ValueRef;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A,); type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// let q = select(A).filter(A.eq(1).and(A.in_([1, 2])));
    /// let w = WhereClause::new(&sqlalgebra_mysql::Mysql, &q, 2);
    /// assert_eq!(w.key_values(&A), Some(vec![ValueRef::Int(1)]));
    /// ```
    pub fn key_values(&self, column: &dyn Render) -> Option<Vec<ValueRef<'a>>> {
        self.restrict(self.filter?, column)
    }

    fn restrict(&self, node: &'a dyn Render, column: &dyn Render) -> Option<Vec<ValueRef<'a>>> {
        let op = node.precedence();
        if op == precedence::AND || op == precedence::OR {
            let mut parts = Vec::new();
            if node.split_connective(&mut |p| parts.push(p)) {
                let each = parts.into_iter().map(|p| self.restrict(p, column));
                return if op == precedence::AND {
                    each.flatten()
                        .reduce(|all, r| all.into_iter().filter(|v| r.contains(v)).collect())
                } else {
                    each.collect::<Option<Vec<_>>>()
                        .map(|all| all.into_iter().flatten().collect())
                };
            }
        }
        // `column = v`, `v = column`, `column IN (..)`: by the nodes, not
        // their text (a cast rendering adds changes nothing). A NULL keeps
        // no row; an array value is not a key.
        let mut found = None;
        node.restricts(&mut |expr, values| {
            if found.is_none() && same(expr, column, self.dialect) {
                found = Some(values.to_vec());
            }
        });
        let values = found?;
        if values.iter().any(|v| matches!(v, ValueRef::Array(_))) {
            return None;
        }
        Some(
            values
                .into_iter()
                .filter(|v| !matches!(v, ValueRef::Null))
                .collect(),
        )
    }
}

/// Whether `a` and `b` are the same expression: the same description of
/// their SQL and the same bound values ([`SqlKey`]), or, for nodes that
/// describe nothing, the same SQL and values rendered.
pub(crate) fn same(a: &dyn Render, b: &dyn Render, dialect: &dyn Dialect) -> bool {
    let (mut ka, mut kb) = (SqlKey::for_dialect(dialect), SqlKey::for_dialect(dialect));
    if a.sql_key(&mut ka) && b.sql_key(&mut kb) && ka.words() == kb.words() {
        return ka.binds() == kb.binds();
    }
    let w = SqlWriter::new(dialect);
    w.render_part(a) == w.render_part(b)
}

/// An aggregate a fan-out merges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Aggregate {
    Count,
    Sum,
    Min,
    Max,
}

/// An ORDER BY term, by the SELECT-list column it sorts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SortKey {
    pub(crate) column: usize,
    pub(crate) descending: bool,
    pub(crate) nulls_first: bool,
}

/// How the rows of several shards become one result.
#[derive(Debug)]
pub(crate) enum Merge {
    /// Rows, sorted by `order` (in shard order without one), then OFFSET
    /// and LIMIT. Each shard also selects the collation probes of the
    /// SELECT-list items `probed` (see [`collation`](super::collation)).
    Rows {
        order: Vec<SortKey>,
        probed: Vec<usize>,
        limit: Option<i64>,
        offset: i64,
    },
    /// One row of aggregates per shard, folded into one (then OFFSET and
    /// LIMIT, which leave it or not).
    Aggregates {
        kinds: Vec<Aggregate>,
        limit: Option<i64>,
        offset: i64,
    },
}

fn unsupported(feature: &'static str) -> Error {
    ErrorKind::Unsupported {
        dialect: "sharded engine",
        feature,
    }
    .into()
}

/// How `parts` merge across shards, or `ErrorKind::Unsupported` when they
/// cannot.
pub(crate) fn plan(parts: &SelectParts<'_>, dialect: &dyn Dialect) -> Result<Merge> {
    if parts.distinct || parts.distinct_on.is_present() {
        return Err(unsupported(
            "DISTINCT across shards (run it on one shard, or deduplicate the merged rows)",
        ));
    }
    if parts.group.is_present() || parts.having.is_present() {
        return Err(unsupported(
            "GROUP BY or HAVING across shards (run it on each shard with `ShardedEngine::shard`)",
        ));
    }
    let w = SqlWriter::new(dialect);
    let mut nodes = Vec::new();
    for_each_leaf(parts.selection, &mut |item| nodes.push(item));
    let kinds = nodes
        .iter()
        .map(|item| aggregate_of(*item, &w))
        .collect::<Result<Vec<_>>>()?;
    let offset = parts.offset.copied().unwrap_or(0);
    let limit = parts.limit.copied();
    if kinds.iter().any(Option::is_some) {
        return match kinds.into_iter().collect::<Option<Vec<_>>>() {
            Some(kinds) => Ok(Merge::Aggregates {
                kinds,
                limit,
                offset,
            }),
            None => Err(unsupported(
                "a column beside aggregates across shards (it would need GROUP BY)",
            )),
        };
    }
    let nulls_high = dialect.name() == "postgresql";
    let mut order = Vec::new();
    let mut missing = false;
    if let Some(terms) = parts.order.clause_expr() {
        for_each_leaf(terms, &mut |term| {
            let (expr, descending, nulls) = term.sort_term().unwrap_or((term, false, None));
            match nodes.iter().position(|item| same(*item, expr, dialect)) {
                Some(column) => order.push(SortKey {
                    column,
                    descending,
                    nulls_first: nulls.unwrap_or(nulls_high == descending),
                }),
                None => missing = true,
            }
        });
    }
    if missing {
        return Err(unsupported(
            "ORDER BY a term that is not in the SELECT list, across shards (select it too)",
        ));
    }
    // A bound value sorts nothing: no probe.
    let mut probed: Vec<usize> = order
        .iter()
        .map(|k| k.column)
        .filter(|&c| w.render_part(nodes[c]).1.is_empty())
        .collect();
    probed.dedup();
    Ok(Merge::Rows {
        order,
        probed,
        limit,
        offset,
    })
}

/// What a shard's statement borrows beyond the query: its LIMIT and its
/// SELECT list with the collation probes.
#[derive(Default)]
pub(crate) struct Held<'a> {
    limit: Option<i64>,
    probed: Option<Probed<'a>>,
}

/// The statement each shard runs: the whole one for a single shard; for
/// a fan-out, rows up to OFFSET + LIMIT from each (the merge skips and
/// cuts) with the collation probes of the sort terms, and aggregates
/// without either.
pub(crate) fn shard_statement<'a>(
    parts: SelectParts<'a>,
    merge: Option<&Merge>,
    held: &'a mut Held<'a>,
    dialect: &'a dyn Dialect,
) -> Result<Rendered<'a>> {
    let parts = match merge {
        None => parts,
        Some(Merge::Rows {
            limit: l,
            offset,
            probed,
            ..
        }) => {
            held.limit = l.map(|l| l.saturating_add(*offset));
            if !probed.is_empty() {
                let mut items = Vec::new();
                for_each_leaf(parts.selection, &mut |item| items.push(item));
                held.probed = Some(Probed {
                    selection: parts.selection,
                    terms: probed.iter().map(|&c| items[c]).collect(),
                });
            }
            let held: &'a Held<'a> = held;
            SelectParts {
                selection: match &held.probed {
                    Some(p) => p,
                    None => parts.selection,
                },
                limit: held.limit.as_ref(),
                offset: None,
                ..parts
            }
        }
        Some(Merge::Aggregates { .. }) => SelectParts {
            limit: None,
            offset: None,
            ..parts
        },
    };
    let mut w = SqlWriter::new(dialect);
    render_select(&mut w, parts);
    w.finish()
}

/// The aggregate an item of the SELECT list is, `None` for one that
/// holds none; an error for one that cannot be merged (AVG, DISTINCT, an
/// expression over aggregates, a window function). Read from the item's
/// nodes ([`GroupCheck::survey`]), not its SQL: a column, label or value
/// that looks like an aggregate is none, and a subquery's aggregates are
/// its own. A node of one's own that does not describe itself to the
/// grouping check is taken for a value per row.
fn aggregate_of<'a>(item: &'a dyn Render, w: &SqlWriter<'a>) -> Result<Option<Aggregate>> {
    let mut check = GroupCheck::survey(w);
    check.operand(item);
    let found = check.surveyed();
    if found.window {
        return Err(unsupported(
            "a window function across shards (each shard's windows hold only its own rows)",
        ));
    }
    if found.nested {
        return Err(unsupported(
            "an aggregate inside an expression across shards (select the aggregate and compute on the merged value)",
        ));
    }
    match found.aggregate {
        None => Ok(None),
        Some((_, true)) => Err(unsupported(
            "an aggregate of DISTINCT values across shards (the same value may be on several shards)",
        )),
        Some((AggregateFn::Count, _)) => Ok(Some(Aggregate::Count)),
        Some((AggregateFn::Sum, _)) => Ok(Some(Aggregate::Sum)),
        Some((AggregateFn::Min, _)) => Ok(Some(Aggregate::Min)),
        Some((AggregateFn::Max, _)) => Ok(Some(Aggregate::Max)),
        Some((AggregateFn::Avg, _)) => Err(unsupported(
            "AVG across shards (select SUM and COUNT and divide the merged ones)",
        )),
        Some((AggregateFn::Other, _)) => Err(unsupported(
            "an aggregate other than COUNT, SUM, MIN and MAX across shards",
        )),
    }
}
