//! A model query's SELECT (and a load by key) as a [`Statement`] that
//! describes its text ([`Render::sql_key`]), so that the session takes it
//! from the connection's [`SqlCache`](crate::render::SqlCache) as the
//! core's statements do, instead of rendering it on every query.
//!
//! The key holds everything that shapes the text: the table, the column
//! list, the joins ([`JoinList::join_key`]), the WHERE and ORDER BY
//! clauses (their own keys), which of LIMIT / OFFSET are set, the row
//! lock, and the filter the session adds itself (the model's
//! [`Discriminator`](super::Discriminator)). A part that does not
//! describe itself makes the statement render every time.

use std::marker::PhantomData;

use super::model::{Cells, Model};
use super::query::{JoinList, Parts, write_select};
use super::sql::write_key_match;
use crate::query::{MaybeClause, RowLock};
use crate::render::{NodeTag, Render, SqlKey, SqlWriter, Statement, TableSet};
use crate::schema::Table;
use crate::value::ValueRef;

/// `SELECT <M's columns> FROM ...` of a model query without joined loads.
pub(super) struct ModelSelect<'p, M: Model, J, W, O> {
    cols: M::Columns,
    parts: &'p Parts<J, W, O>,
    model: PhantomData<fn() -> M>,
}

impl<'p, M: Model, J, W, O> ModelSelect<'p, M, J, W, O> {
    pub(super) fn new(cols: M::Columns, parts: &'p Parts<J, W, O>) -> Self {
        ModelSelect {
            cols,
            parts,
            model: PhantomData,
        }
    }
}

impl<M: Model, J: JoinList, W: MaybeClause, O: MaybeClause> Render for ModelSelect<'_, M, J, W, O> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        write_select::<M, J, W, O>(w, &self.cols, self.parts);
    }

    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static MODEL_SELECT: NodeTag = NodeTag::new("model SELECT");
        let p = self.parts;
        key.tag(&MODEL_SELECT);
        key.name(M::Table::NAME);
        // Which parts are present (their keys follow).
        key.word(
            usize::from(p.limit.is_some())
                | usize::from(p.offset.is_some()) << 1
                | usize::from(p.filter.is_present()) << 2
                | usize::from(p.order.is_present()) << 3
                | usize::from(M::DISCRIMINATOR.is_some()) << 4
                | RowLock::key_word(p.lock.as_ref()) << 5,
        );
        if let Some(table) = p.lock.as_ref().and_then(RowLock::of) {
            key.name(table);
        }
        // In the order `write_select` binds: columns, joins, the
        // discriminator, WHERE, ORDER BY, LIMIT, OFFSET.
        let described = self.cols.sql_key(key) && p.joins.join_key(key);
        if let Some(d) = M::DISCRIMINATOR {
            key.name(d.column());
            key.bind(ValueRef::Text(d.value()));
        }
        let described = described && p.filter.clause_key(key) && p.order.clause_key(key);
        if let Some(l) = p.limit {
            key.bind(ValueRef::Int(l));
        }
        if let Some(o) = p.offset {
            key.bind(ValueRef::Int(o));
        }
        described
    }
}

impl<M: Model, J: JoinList, W: MaybeClause, O: MaybeClause> Statement
    for ModelSelect<'_, M, J, W, O>
{
}

/// `WHERE` the root's key is one of `n` keys (cells in key order): the
/// filter of a load by key (`get`, `get_many`, `refresh`, and the joined
/// loads of their `Joined` defaults).
pub(super) struct KeyFilter<'k> {
    pub(super) table: &'static str,
    pub(super) names: &'static [&'static str],
    pub(super) cells: Cells<'k>,
    pub(super) n: usize,
}

impl MaybeClause for KeyFilter<'_> {
    fn write_clause<'a>(&'a self, w: &mut SqlWriter<'a>, keyword: &str) {
        w.push_sql(keyword);
        write_key_match(w, self.table, self.names, &self.cells, self.n);
    }
    fn collect_clause_tables<'a>(&'a self, _: &mut TableSet<'a>) {}
    fn is_present(&self) -> bool {
        true
    }
    /// The table, the key's column names, the number of keys and of
    /// cells: what [`write_key_match`] writes (with the dialect, fixed
    /// per cache).
    #[inline]
    fn clause_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static KEY_FILTER: NodeTag = NodeTag::new("key filter");
        key.tag(&KEY_FILTER);
        key.name(self.table);
        key.word(self.names.len());
        for name in self.names {
            key.name(name);
        }
        key.word(self.n);
        key.word(self.cells.len());
        if self.names.len() == 1 && self.n > 1 && key.binds_arrays() {
            key.bind_array(self.cells.iter().copied());
        } else {
            for c in &self.cells {
                key.bind(*c);
            }
        }
        true
    }
}

/// The parts of a load of `M`'s rows by key: no joins, ordering, limit
/// or lock.
pub(super) fn by_keys<'k>(
    table: &'static str,
    names: &'static [&'static str],
    cells: Cells<'k>,
    n: usize,
) -> Parts<(), KeyFilter<'k>, ()> {
    Parts {
        joins: (),
        filter: KeyFilter {
            table,
            names,
            cells,
            n,
        },
        order: (),
        limit: None,
        offset: None,
        lock: None,
    }
}
