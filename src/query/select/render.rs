//! Rendering a SELECT: the typed statement's [`Render`] impl (and its
//! description for the SQL cache), and [`render_select`], the one function
//! that writes typed and boxed SELECTs alike from their type-erased
//! [`SelectParts`].

use super::{FromClause, Modifiers, Select};
use crate::error::ErrorKind;
use crate::query::clause::{MaybeClause, Selection};
use crate::query::lock::RowLock;
use crate::render::{
    Dependent, GroupCheck, NodeTag, Regions, Render, SqlKey, SqlWriter, TableSet, TermClause,
    for_each_leaf,
};
use crate::value::ValueRef;

impl<S, F, W, G, H, O, D> Select<S, F, W, Modifiers<G, H, O, D>>
where
    D: MaybeClause,
    S: Selection,
    F: FromClause,
    W: MaybeClause,
    G: MaybeClause,
    H: MaybeClause,
    O: MaybeClause,
{
    /// The statement's parts, type-erased (for rendering, and for a
    /// sharded engine's fan-out).
    pub(crate) fn parts(&self) -> SelectParts<'_> {
        let m = &self.modifiers;
        SelectParts {
            distinct: m.distinct,
            distinct_on: &m.distinct_on,
            selection: &self.selection,
            from: &self.from,
            filter: &self.filter,
            group: &m.group,
            having: &m.having,
            order: &m.order,
            limit: m.limit.as_ref(),
            offset: m.offset.as_ref(),
            lock: m.lock.as_ref(),
        }
    }
}

impl<S, F, W, G, H, O, D> Render for Select<S, F, W, Modifiers<G, H, O, D>>
where
    D: MaybeClause,
    S: Selection,
    F: FromClause,
    W: MaybeClause,
    G: MaybeClause,
    H: MaybeClause,
    O: MaybeClause,
{
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        render_select(w, self.parts());
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static SELECT: NodeTag = NodeTag::new("SELECT");
        let m = &self.modifiers;
        key.tag(&SELECT);
        // The flags, and which clauses are present (their keys follow).
        key.word(
            usize::from(m.distinct)
                | usize::from(m.limit.is_some()) << 1
                | usize::from(m.offset.is_some()) << 2
                | usize::from(m.distinct_on.is_present()) << 3
                | usize::from(self.filter.is_present()) << 4
                | usize::from(m.group.is_present()) << 5
                | usize::from(m.having.is_present()) << 6
                | usize::from(m.order.is_present()) << 7
                | RowLock::key_word(m.lock.as_ref()) << 8,
        );
        if let Some(table) = m.lock.as_ref().and_then(RowLock::of) {
            key.name(table);
        }
        // In the order `render_select` binds. A term of GROUP BY, HAVING
        // or ORDER BY that repeats an expression of the SELECT list with
        // the same bind values refers to it (see `render/terms.rs`), and
        // the GROUP BY check compares them too: the text then depends on
        // the values, which the words do not record. So a statement with
        // bind values in two of those clauses is not described.
        let mut with_binds = 0;
        let mut described = m.distinct_on.clause_key(key);
        let before = key.bind_count();
        described = described && self.selection.sql_key(key);
        with_binds += usize::from(key.bind_count() > before);
        described = described && self.from.join_key(key) && self.filter.clause_key(key);
        let before = key.bind_count();
        described = described && m.group.clause_key(key);
        with_binds += usize::from(key.bind_count() > before);
        let before = key.bind_count();
        described = described && m.having.clause_key(key);
        with_binds += usize::from(key.bind_count() > before);
        let before = key.bind_count();
        described = described && m.order.clause_key(key);
        with_binds += usize::from(key.bind_count() > before);
        let described = described && with_binds < 2;
        if let Some(l) = m.limit {
            key.bind(ValueRef::Int(l));
        }
        if let Some(o) = m.offset {
            key.bind(ValueRef::Int(o));
        }
        described
    }
}

/// The parts of a SELECT, type-erased, for the one function that renders
/// both typed and boxed SELECTs.
#[derive(Clone, Copy)]
pub(crate) struct SelectParts<'a> {
    pub(crate) distinct: bool,
    pub(crate) distinct_on: &'a dyn MaybeClause,
    pub(crate) selection: &'a dyn Render,
    pub(crate) from: &'a dyn FromClause,
    pub(crate) filter: &'a dyn MaybeClause,
    pub(crate) group: &'a dyn MaybeClause,
    pub(crate) having: &'a dyn MaybeClause,
    pub(crate) order: &'a dyn MaybeClause,
    pub(crate) limit: Option<&'a i64>,
    pub(crate) offset: Option<&'a i64>,
    pub(crate) lock: Option<&'a RowLock>,
}

pub(crate) fn render_select<'a>(w: &mut SqlWriter<'a>, p: SelectParts<'a>) {
    // The FROM list comes first, so that subqueries in the SELECT list and
    // WHERE know which tables are outer (correlated) ones.
    let base = p.from.base();
    let mut joined = TableSet::new();
    p.from.joined(&mut joined);
    let mut referenced = TableSet::new();
    p.selection.collect_tables(&mut referenced);
    p.filter.collect_clause_tables(&mut referenced);
    p.group.collect_clause_tables(&mut referenced);
    p.having.collect_clause_tables(&mut referenced);
    p.order.collect_clause_tables(&mut referenced);
    referenced.retain(|t| Some(*t) != base && !joined.contains(t));
    // Auto-correlation, as SQLAlchemy does it: tables of an enclosing query
    // are left out, unless that would leave no FROM at all (then the
    // subquery is not correlated but stands on its own).
    if base.is_some() || referenced.iter().any(|t| !w.is_outer_table(t)) {
        referenced.retain(|t| !w.is_outer_table(t));
    }
    // With an explicit FROM, a table neither there, nor joined, nor in an
    // enclosing query is not added to FROM (a cross join nobody asked
    // for): the writer is strict, and its first column is
    // `ErrorKind::TableNotInStatement`. Typed columns of such tables do not
    // compile (`scope.rs`); this catches aliases, derived tables, CTEs
    // and dynamic tables.
    let strict = base.is_some() && w.set_strict(true);
    if base.is_some() {
        referenced.clear();
    } else if referenced.len() > 1 {
        crate::query::connected::check_connected(w, &referenced, &joined, p.filter, p.from);
    }
    // A SELECT nested in GROUP BY, HAVING or ORDER BY has clauses of its
    // own.
    let outer_terms = w.take_terms();
    let mark = w.enter_scope_iter(
        referenced
            .iter()
            .copied()
            .chain(base)
            .chain(joined.iter().copied()),
    );
    for t in referenced.iter().chain(&base).chain(&joined) {
        w.check_readable(t);
    }
    // A subquery in RETURNING or in the ORDER BY of a UNION qualifies its
    // columns all the same: its own FROM may name several tables.
    let unqualified = w.set_unqualified(false);

    let dependent = check_grouping(w, &p);

    w.push_sql(if p.distinct && !p.distinct_on.is_present() {
        "SELECT DISTINCT "
    } else {
        "SELECT "
    });
    if p.distinct_on.is_present() {
        if !w.dialect().supports_distinct_on() {
            w.unsupported("DISTINCT ON");
        }
        p.distinct_on.write_clause(w, "DISTINCT ON (");
        w.push_sql(") ");
    }
    let params_before_selection = w.params();
    let selection_start = w.sql().len();
    p.selection.render_selected(w);
    let selection_params = params_before_selection..w.params();
    let selection_text = selection_start..w.sql().len();
    let mut rest = referenced.iter();
    let first_inferred = if base.is_some() { None } else { rest.next() };
    if base.is_some() || first_inferred.is_some() {
        w.push_sql(" FROM ");
        match first_inferred {
            Some(t) => w.push_table(*t),
            None => p.from.write_base(w),
        }
        p.from.write_joins(w);
        for t in rest {
            w.push_sql(", ");
            w.push_table(*t);
        }
    } else if !joined.is_empty() {
        w.fail(
            ErrorKind::InvalidStatement(
                "a JOIN needs a table to join onto: select one of its columns or call `from`"
                    .into(),
            )
            .into(),
        );
    }

    p.filter.write_clause(w, " WHERE ");
    w.begin_terms(p.selection, selection_params.clone());
    let group_start = w.sql().len();
    w.push_sort_key(|w| p.group.write_group_clause(w, " GROUP BY "));
    if w.dialect().groups_dependent_columns() {
        for (table, column) in dependent {
            w.push_sql(", ");
            w.push_qualified(table.exposed_name(), column);
        }
    }
    let group_end = w.sql().len();
    w.set_term_clause(TermClause::Having);
    p.having.write_clause(w, " HAVING ");
    w.set_term_clause(TermClause::OrderBy);
    p.order.write_order_clause(w, " ORDER BY ");
    w.end_terms(outer_terms);
    if let Some(group) = p.group.clause_expr() {
        let regions = Regions {
            params_before: selection_params.start,
            selection: selection_text,
            group: group_start..group_end,
            rest: group_end..w.sql().len(),
        };
        if w.dialect().repeats_placeholders() {
            // One grouped expression, one set of placeholders (render/unify.rs).
            w.unify_grouped(group, &regions);
        } else if w.dialect().aggregates_repeated_group_terms() {
            // Repeated inside HAVING or ORDER BY: MIN(..) (render/grouped_min.rs).
            w.aggregate_grouped(group, &regions);
        }
    }
    write_limit_offset(w, p.limit.copied(), p.offset.copied());
    if let Some(lock) = p.lock {
        w.dialect().write_row_lock(w, lock);
    }
    w.set_unqualified(unqualified);
    if base.is_some() {
        w.set_strict(strict);
    }
    w.leave_scope(mark);
}

/// Records [`ErrorKind::Ungrouped`] when the SELECT is grouped and refers to
/// a column outside aggregates and groups (see `render/group_check.rs`);
/// returns the columns that depend on a grouped primary key.
fn check_grouping<'a>(w: &mut SqlWriter<'a>, p: &SelectParts<'a>) -> Dependent<'a> {
    let mut check = GroupCheck::new(w, p.group.clause_expr());
    for_each_leaf(p.selection, &mut |item| check.operand(item));
    check.set_clause("HAVING");
    p.having.check_clause(&mut check);
    check.set_clause("ORDER BY");
    p.order.check_clause(&mut check);
    match check.finish(p.group.is_present() || p.having.is_present()) {
        Ok(dependent) => dependent,
        Err(e) => {
            w.fail(e);
            Dependent::new()
        }
    }
}

/// Writes `LIMIT ? OFFSET ?` with the values bound, in the dialect's form
/// (the ORM's statements too).
pub(crate) fn write_limit_offset(w: &mut SqlWriter<'_>, limit: Option<i64>, offset: Option<i64>) {
    match (limit, offset) {
        (Some(l), _) => {
            w.push_sql(" LIMIT ");
            w.push_bind(ValueRef::Int(l));
        }
        (None, Some(_)) => {
            if let Some(all) = w.dialect().no_limit() {
                w.push_sql(" LIMIT ");
                w.push_sql(all);
            }
        }
        (None, None) => {}
    }
    if let Some(o) = offset {
        w.push_sql(" OFFSET ");
        w.push_bind(ValueRef::Int(o));
    }
}
