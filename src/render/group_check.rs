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
        }
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
        node.check_grouping(self);
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

    /// Visits the function of a window function (`f` of `f OVER (..)`).
    pub fn window_function(&mut self, function: &'a dyn Render) {
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
