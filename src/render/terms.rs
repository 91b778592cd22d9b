//! Terms of GROUP BY, HAVING and ORDER BY that repeat an expression of the
//! SELECT list.
//!
//! `SELECT CASE WHEN age < ? THEN ? ELSE ? END ... GROUP BY CASE WHEN age
//! < ? THEN ? ELSE ? END` binds the values twice, and a server cannot know
//! that the two expressions are one: PostgreSQL and MySQL refuse the
//! statement ("must appear in the GROUP BY clause"). So a term that renders
//! the same text with the same bind values as an item of the SELECT list,
//! and binds at least one value, refers to that item instead:
//!
//! - on dialects whose placeholders are numbered
//!   ([`Dialect::repeats_placeholders`](super::Dialect::repeats_placeholders),
//!   PostgreSQL) it is written again with the item's own placeholders
//!   (`GROUP BY CASE WHEN age < $1 THEN $2 ELSE $3 END`), in GROUP BY,
//!   HAVING and ORDER BY, and for a labelled expression anywhere inside
//!   them;
//! - elsewhere a GROUP BY or ORDER BY term is written as the item's
//!   position (`GROUP BY 1`): a name could mean a column of a FROM table
//!   instead; a GROUP BY term repeated by several items lists each of
//!   their positions (`GROUP BY 1, 2`), the same groups. A labelled expression inside HAVING is written as its label
//!   where the dialect lets HAVING name labels
//!   ([`Dialect::having_names_labels`](super::Dialect::having_names_labels),
//!   MySQL: a column of the same name makes the statement ambiguous, an
//!   error, never another meaning); else it is bound again (SQLite, which
//!   accepts it).
//!
//! Terms without bind values are written as they are. On PostgreSQL,
//! `unify.rs` then gives a grouped expression repeated anywhere else (an
//! item repeating an earlier item, inside HAVING) its first placeholders.

use super::{Binds, Render, SqlWriter, same_binds};

/// Which clause of a SELECT is being written, for [`SelectTerms`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TermClause {
    GroupBy,
    Having,
    OrderBy,
}

/// One item of a SELECT list, rendered on its own (placeholders numbered
/// from 1): what a repeated term is compared with.
struct Item<'a> {
    sql: String,
    binds: Binds<'a>,
    label: Option<&'static str>,
    /// Placeholders written before the item in the statement.
    params_before: usize,
}

/// The SELECT list of the SELECT whose GROUP BY, HAVING or ORDER BY is
/// being written; its items are rendered on the first term that binds a
/// value.
pub(crate) struct SelectTerms<'a> {
    selection: &'a dyn Render,
    /// Placeholders written before the SELECT list.
    params_before: usize,
    /// Whether the SELECT list binds a value (else no term repeats it).
    binds: bool,
    items: Option<Vec<Item<'a>>>,
    pub(crate) clause: TermClause,
}

impl<'a> SelectTerms<'a> {
    pub(crate) fn new(selection: &'a dyn Render, params: std::ops::Range<usize>) -> Self {
        SelectTerms {
            selection,
            params_before: params.start,
            binds: !params.is_empty(),
            items: None,
            clause: TermClause::GroupBy,
        }
    }
}

/// Calls `each` with every term of `node`: the elements of a tuple (of
/// tuples), or `node` itself.
pub(crate) fn for_each_leaf<'a>(node: &'a dyn Render, each: &mut dyn FnMut(&'a dyn Render)) {
    if !node.each_term(&mut |t| for_each_leaf(t, each)) {
        each(node);
    }
}

/// How an item is referred to.
enum Reference {
    /// By its position (1-based).
    Position(usize),
    /// With its own placeholders, the first after this many.
    Placeholders(usize),
    /// By its label.
    Label(&'static str),
}

impl<'a> SqlWriter<'a> {
    /// A writer for rendering a part of this statement on its own: the
    /// same dialect, scope and qualification, placeholders from 1.
    pub(crate) fn fork(&self) -> SqlWriter<'a> {
        let mut w = SqlWriter::with_buffer(self.dialect, String::new());
        w.scope = self.scope.clone();
        w.unqualified = self.unqualified;
        w
    }

    /// `node` rendered on its own: its text and binds.
    pub(crate) fn render_part(&self, node: &'a dyn Render) -> (String, Binds<'a>) {
        let mut w = self.fork();
        node.render(&mut w);
        (w.sql, w.binds)
    }

    /// The index of the SELECT-list item that `node` repeats, when `node`
    /// binds a value; with `label`, only an item of that label.
    fn repeated_item(
        &mut self,
        node: &'a dyn Render,
        label: Option<&'static str>,
    ) -> Option<usize> {
        if self.replay.is_some() {
            return None;
        }
        let terms = self.terms.as_ref().filter(|t| t.binds)?;
        let (sql, binds) = self.render_part(node);
        if binds.is_empty() {
            return None;
        }
        if terms.items.is_none() {
            let (selection, mut params) = (terms.selection, terms.params_before);
            let mut items = Vec::new();
            for_each_leaf(selection, &mut |item| {
                let (sql, binds) = self.render_part(item);
                let params_before = params;
                params += super::param_count(&binds);
                items.push(Item {
                    sql,
                    binds,
                    label: item.label_name(),
                    params_before,
                });
            });
            self.terms.as_mut()?.items = Some(items);
        }
        let items = self.terms.as_ref()?.items.as_ref()?;
        items.iter().position(|i| {
            (label.is_none() || i.label == label) && i.sql == sql && same_binds(&i.binds, &binds)
        })
    }

    fn refer(&mut self, node: &'a dyn Render, how: Reference) {
        match how {
            Reference::Position(n) => self.push_int(n as i64 + 1),
            Reference::Label(name) => self.push_ident(name),
            Reference::Placeholders(before) => {
                self.replay = Some(before);
                node.render(self);
                self.replay = None;
            }
        }
    }

    fn item_params_before(&self, index: usize) -> usize {
        self.terms
            .as_ref()
            .and_then(|t| t.items.as_ref())
            .and_then(|items| items.get(index))
            .map_or(0, |i| i.params_before)
    }

    /// Writes the terms of a GROUP BY clause, separated by `, `; see the
    /// [module docs](self).
    pub(crate) fn push_group_terms(&mut self, node: &'a dyn Render) {
        let mut first = true;
        for_each_leaf(node, &mut |term| {
            if !first {
                self.push_sql(", ");
            }
            first = false;
            match self.repeated_item(term, None) {
                Some(i) if self.dialect.repeats_placeholders() => {
                    let before = self.item_params_before(i);
                    self.refer(term, Reference::Placeholders(before));
                }
                Some(i) => {
                    // Every item that repeats it: MySQL checks each item
                    // against the GROUP BY terms (`SELECT e, e .. GROUP BY
                    // 1` is its error 1055); the groups stay the same.
                    self.refer(term, Reference::Position(i));
                    for j in self.equal_items(i) {
                        self.push_sql(", ");
                        self.refer(term, Reference::Position(j));
                    }
                }
                None if self.dialect.reads_bound_sort_positions() && self.is_lone_bind(term) => {
                    // `GROUP BY ?` bound to 2 groups by the second column
                    // on MariaDB, as `ORDER BY ?` sorts by it.
                    self.push_sql("COALESCE(");
                    term.render(self);
                    self.push_sql(")");
                }
                None => term.render(self),
            }
        });
    }

    /// Whether `node` is written as one placeholder and nothing else (a
    /// bound value, boxed or not).
    fn is_lone_bind(&self, node: &'a dyn Render) -> bool {
        if node.bound_value().is_some() {
            return true;
        }
        let (sql, binds) = self.render_part(node);
        binds.len() == 1 && {
            let mut one = String::new();
            self.dialect.write_placeholder(&mut one, 1);
            sql == one
        }
    }

    /// The items after item `i` with its text and bind values.
    fn equal_items(&self, i: usize) -> Vec<usize> {
        let Some(items) = self.terms.as_ref().and_then(|t| t.items.as_ref()) else {
            return Vec::new();
        };
        let Some(item) = items.get(i) else {
            return Vec::new();
        };
        (i + 1..items.len())
            .filter(|j| items[*j].sql == item.sql && same_binds(&items[*j].binds, &item.binds))
            .collect()
    }

    /// Writes the terms of an ORDER BY clause, separated by `, `.
    pub(crate) fn push_order_terms(&mut self, node: &'a dyn Render) {
        let mut first = true;
        for_each_leaf(node, &mut |term| {
            if !first {
                self.push_sql(", ");
            }
            first = false;
            self.push_order_key(term);
        });
    }

    /// Writes one ORDER BY term or the expression of `expr.desc()` and
    /// the like: as [`Render::render_order_key`], or as the SELECT-list
    /// item it repeats (see the [module docs](self)).
    pub(crate) fn push_order_key(&mut self, node: &'a dyn Render) {
        if self.terms.is_some() && node.label_name().is_none() {
            match self.repeated_item(node, None) {
                Some(i) if self.dialect.repeats_placeholders() => {
                    let before = self.item_params_before(i);
                    return self.refer(node, Reference::Placeholders(before));
                }
                Some(i) => return self.refer(node, Reference::Position(i)),
                None => {}
            }
        }
        node.render_order_key(self);
    }

    /// Writes the expression of a labelled expression (`expr AS name`)
    /// outside the SELECT list: in GROUP BY, HAVING or ORDER BY of a
    /// SELECT that selects it, as the item it repeats (see the
    /// [module docs](self)).
    pub(crate) fn push_labelled(&mut self, name: &'static str, expr: &'a dyn Render) {
        let clause = match &self.terms {
            Some(t) if self.replay.is_none() => t.clause,
            _ => return expr.render(self),
        };
        if let Some(i) = self.repeated_item(expr, Some(name)) {
            if self.dialect.repeats_placeholders() {
                let before = self.item_params_before(i);
                return self.refer(expr, Reference::Placeholders(before));
            }
            if clause == TermClause::Having && self.dialect.having_names_labels() {
                return self.refer(expr, Reference::Label(name));
            }
        }
        expr.render(self);
    }

    /// Leaves the clauses of an enclosing SELECT, for a SELECT nested in
    /// one: returns them, for [`end_terms`](Self::end_terms).
    pub(crate) fn take_terms(&mut self) -> Option<SelectTerms<'a>> {
        self.terms.take()
    }

    /// Begins writing the clauses after the SELECT list `selection`,
    /// which wrote the placeholders after the first `params.start` up to
    /// `params.end`.
    pub(crate) fn begin_terms(
        &mut self,
        selection: &'a dyn Render,
        params: std::ops::Range<usize>,
    ) {
        self.terms = Some(SelectTerms::new(selection, params));
    }

    /// Sets which clause is being written.
    pub(crate) fn set_term_clause(&mut self, clause: TermClause) {
        if let Some(t) = &mut self.terms {
            t.clause = clause;
        }
    }

    /// Ends what [`begin_terms`](Self::begin_terms) began, back in the
    /// clauses of the enclosing SELECT, if any.
    pub(crate) fn end_terms(&mut self, outer: Option<SelectTerms<'a>>) {
        self.terms = outer;
    }

    /// Placeholders written so far.
    pub(crate) fn params(&self) -> usize {
        self.params
    }
}
