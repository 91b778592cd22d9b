//! The check that a grouped SELECT refers to columns only where each group
//! has one value for them.
//!
//! A SELECT is grouped when it has GROUP BY or HAVING, or an aggregate in
//! its SELECT list, HAVING or ORDER BY. There, outside aggregates, a column
//! must be part of an expression that is grouped, or belong to a table
//! whose whole primary key is grouped (it is then functionally dependent,
//! as PostgreSQL and MySQL allow). Otherwise SQLite returns the value of an
//! arbitrary row of each group and the servers refuse the statement; the
//! library refuses it on every dialect alike, with [`ErrorKind::Ungrouped`],
//! before anything is sent.
//!
//! Allowed: aggregates (also inside window functions, whose own arguments
//! are per group), bound values and literals, subqueries (they are not
//! looked into), and nodes that do not describe themselves to the check
//! (the default of [`Render::check_grouping`], for instance `func(..)`,
//! which may name an aggregate).

use super::{Binds, Render, SqlWriter, TableRef, same_binds};
use crate::error::{Error, ErrorKind};

/// The walk of [`Render::check_grouping`] over one clause of a SELECT.
///
/// A node calls [`operand`](GroupCheck::operand) for each expression it is
/// made of, [`column`](GroupCheck::column) if it is a column, and
/// [`aggregate`](GroupCheck::aggregate) if it is an aggregate.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::{Error, ErrorKind};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, B); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
/// # impl Column for B { type Table = T; type SqlType = BigInt; const NAME: &'static str = "b"; }
/// use sqlalgebra_sqlite::Sqlite;
/// let wrong = select((B, count_star())).group_by(B.add(1));
/// assert!(matches!(wrong.to_sql(&Sqlite).as_ref().map_err(Error::kind), Err(ErrorKind::Ungrouped { .. })));
/// let right = select((B.add(1), count_star())).group_by(B.add(1));
/// assert!(right.to_sql(&Sqlite).is_ok());
/// ```
pub struct GroupCheck<'w, 'a> {
    writer: &'w SqlWriter<'a>,
    /// The GROUP BY terms, each rendered on its own.
    groups: Vec<(String, Binds<'a>)>,
    /// Set while the function of a window function is visited: an
    /// aggregate there is a window's.
    windowed: bool,
    aggregated: bool,
    clause: &'static str,
    /// The first column found outside aggregates and groups.
    ungrouped: Option<(TableRef<'a>, &'a str, &'static str)>,
    /// The columns allowed only as dependent on a grouped primary key.
    dependent: Dependent<'a>,
    /// Set for the walk of [`GroupCheck::survey`].
    survey: Option<Survey>,
}

/// An aggregate function, as its node says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AggregateFn {
    Count,
    Sum,
    Avg,
    Min,
    Max,
    /// Another aggregate: a [`func`](crate::expr::func) call naming one.
    Other,
}

/// Aggregates of SQLite, PostgreSQL or MySQL/MariaDB other than COUNT,
/// SUM, AVG, MIN and MAX, as `func(..)` may name them.
const OTHER_AGGREGATES: &[&str] = &[
    "any_value",
    "array_agg",
    "bit_and",
    "bit_or",
    "bit_xor",
    "bool_and",
    "bool_or",
    "corr",
    "covar_pop",
    "covar_samp",
    "every",
    "group_concat",
    "json_agg",
    "json_arrayagg",
    "json_group_array",
    "json_group_object",
    "json_object_agg",
    "json_objectagg",
    "jsonb_agg",
    "jsonb_object_agg",
    "listagg",
    "median",
    "mode",
    "percentile_cont",
    "percentile_disc",
    "range_agg",
    "range_intersect_agg",
    "regr_avgx",
    "regr_avgy",
    "regr_count",
    "regr_intercept",
    "regr_r2",
    "regr_slope",
    "regr_sxx",
    "regr_sxy",
    "regr_syy",
    "std",
    "stddev",
    "stddev_pop",
    "stddev_samp",
    "string_agg",
    "total",
    "var_pop",
    "var_samp",
    "variance",
    "xmlagg",
];

impl AggregateFn {
    /// The aggregate a function called by `name` with `args` arguments
    /// is, if any (a schema prefix aside). `min` and `max` of several
    /// arguments are SQLite's scalar functions.
    fn named(name: &str, args: usize) -> Option<AggregateFn> {
        let name = name.rsplit('.').next().unwrap_or(name);
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        Some(match () {
            _ if is("count") => AggregateFn::Count,
            _ if is("sum") => AggregateFn::Sum,
            _ if is("avg") => AggregateFn::Avg,
            _ if is("min") && args <= 1 => AggregateFn::Min,
            _ if is("max") && args <= 1 => AggregateFn::Max,
            _ if OTHER_AGGREGATES.iter().any(|n| is(n)) => AggregateFn::Other,
            _ => return None,
        })
    }
}

/// What a sharded engine needs to know of an item of a SELECT list,
/// read from its nodes by [`GroupCheck::survey`]: whether it is an
/// aggregate (under a label or not), holds one inside an expression, or
/// holds a window function.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Survey {
    /// How many operands deep the walk is: the item itself is 1.
    depth: usize,
    /// The aggregate the item is, and whether it is of DISTINCT values.
    pub(crate) aggregate: Option<(AggregateFn, bool)>,
    /// Whether an aggregate is inside an expression of the item.
    pub(crate) nested: bool,
    /// Whether the item holds a window function.
    pub(crate) window: bool,
}

impl Survey {
    fn found(&mut self, function: AggregateFn, distinct: bool) {
        if self.depth == 1 && self.aggregate.is_none() {
            self.aggregate = Some((function, distinct));
        } else {
            self.nested = true;
        }
    }
}

/// Columns that depend on a grouped primary key, for the dialects whose
/// GROUP BY must list them
/// ([`Dialect::groups_dependent_columns`](super::Dialect::groups_dependent_columns)).
pub(crate) type Dependent<'a> = smallvec::SmallVec<[(TableRef<'a>, &'a str); 4]>;

impl<'w, 'a> GroupCheck<'w, 'a> {
    /// A check of a SELECT written into `writer`, grouped by `group` (the
    /// terms of its GROUP BY, if any).
    pub(crate) fn new(writer: &'w SqlWriter<'a>, group: Option<&'a dyn Render>) -> Self {
        let mut groups = Vec::new();
        if let Some(group) = group {
            super::terms::for_each_leaf(group, &mut |term| {
                groups.push(writer.render_part(term));
            });
        }
        GroupCheck {
            writer,
            groups,
            windowed: false,
            aggregated: false,
            clause: "SELECT",
            ungrouped: None,
            dependent: Dependent::new(),
            survey: None,
        }
    }

    /// A walk that records what [`Survey`] says of the expressions given
    /// to [`operand`](GroupCheck::operand), for a sharded engine: the
    /// nodes say whether they are aggregates, whatever their SQL looks
    /// like. It also looks into the arguments of `func(..)` calls.
    pub(crate) fn survey(writer: &'w SqlWriter<'a>) -> Self {
        GroupCheck {
            survey: Some(Survey::default()),
            ..GroupCheck::new(writer, None)
        }
    }

    /// What the walk of [`survey`](GroupCheck::survey) found.
    pub(crate) fn surveyed(&self) -> Survey {
        self.survey.unwrap_or_default()
    }

    /// Names the clause whose expressions follow, for the error.
    pub(crate) fn set_clause(&mut self, clause: &'static str) {
        self.clause = clause;
    }

    /// Visits an expression a node is made of: allowed as it is when it is
    /// grouped, else looked into.
    pub fn operand(&mut self, node: &'a dyn Render) {
        self.windowed = false;
        if !self.groups.is_empty() {
            let (sql, binds) = self.writer.render_part(node);
            if self
                .groups
                .iter()
                .any(|(s, b)| *s == sql && same_binds(b, &binds))
            {
                return;
            }
        }
        if let Some(s) = &mut self.survey {
            s.depth += 1;
        }
        node.check_grouping(self);
        if let Some(s) = &mut self.survey {
            s.depth -= 1;
        }
    }

    /// Visits the expression of a labelled one: as
    /// [`operand`](GroupCheck::operand), but a survey sees through the
    /// label (a labelled aggregate is an aggregate).
    pub(crate) fn labelled(&mut self, node: &'a dyn Render) {
        if self.survey.is_some() {
            self.windowed = false;
            node.check_grouping(self);
        } else {
            self.operand(node);
        }
    }

    /// Visits a call of a function by name (`func(name, args)`): allowed
    /// anywhere in a grouped SELECT (it may name an aggregate, so its
    /// arguments are not checked); a survey takes it for the aggregate it
    /// names, if any, and looks into its arguments.
    pub(crate) fn function(&mut self, name: &str, args: &'a dyn Render) {
        if self.survey.is_none() {
            return;
        }
        let mut each = Vec::new();
        if !args.each_term(&mut |a| each.push(a)) {
            each.push(args);
        }
        if let Some(function) = AggregateFn::named(name, each.len())
            && let Some(s) = &mut self.survey
        {
            s.found(function, false);
        }
        for a in each {
            self.operand(a);
        }
    }

    /// Visits a column of `table`, whose primary key has the columns
    /// `primary_key` (empty when unknown).
    pub fn column(&mut self, table: TableRef<'a>, name: &'a str, primary_key: &[&str]) {
        if self.ungrouped.is_some() {
            return;
        }
        if !self.groups.is_empty() {
            let grouped = |column: &str| {
                let mut w = self.writer.fork();
                w.push_qualified(table.exposed_name(), column);
                self.groups
                    .iter()
                    .any(|(s, b)| b.is_empty() && *s == w.sql())
            };
            if grouped(name) {
                return;
            }
            if !primary_key.is_empty() && primary_key.iter().all(|&k| grouped(k)) {
                if !self.dependent.contains(&(table, name)) {
                    self.dependent.push((table, name));
                }
                return;
            }
        }
        self.ungrouped = Some((table, name, self.clause));
    }

    /// Visits an aggregate. Returns `true` when it is the function of a
    /// window function (`SUM(x) OVER (..)`): then it aggregates the rows of
    /// a window, and the node visits its arguments as
    /// [`operand`](GroupCheck::operand)s. Else it aggregates the rows of
    /// each group, and makes the SELECT grouped.
    pub fn aggregate(&mut self) -> bool {
        if std::mem::take(&mut self.windowed) {
            return true;
        }
        self.aggregated = true;
        false
    }

    /// [`aggregate`](GroupCheck::aggregate), from a node that says which
    /// aggregate it is (`function`, of DISTINCT values or not), for a
    /// [`survey`](GroupCheck::survey).
    pub(crate) fn aggregate_call(&mut self, function: AggregateFn, distinct: bool) -> bool {
        let windowed = self.aggregate();
        if !windowed && let Some(s) = &mut self.survey {
            s.found(function, distinct);
        }
        windowed
    }

    /// Visits the function of a window function (`f` of `f OVER (..)`).
    pub fn window_function(&mut self, function: &'a dyn Render) {
        if let Some(s) = &mut self.survey {
            s.window = true;
        }
        self.windowed = true;
        function.check_grouping(self);
        self.windowed = false;
    }

    /// The error for the SELECT, if it is grouped (by `grouped`, or by an
    /// aggregate the walk found) and refers to an ungrouped column; else
    /// the columns that depend on a grouped primary key.
    pub(crate) fn finish(self, grouped: bool) -> Result<Dependent<'a>, Error> {
        match self.ungrouped {
            Some((table, column, clause)) if grouped || self.aggregated => {
                Err(ErrorKind::Ungrouped {
                    table: table.exposed_name().to_owned(),
                    column: column.to_owned(),
                    clause,
                }
                .into())
            }
            _ => Ok(self.dependent),
        }
    }
}
