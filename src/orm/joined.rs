//! Joined eager loading: [`ModelQuery::joined_children`] and the
//! [`JoinedQuery`] it returns.

use std::marker::PhantomData;

use super::arena::FastMap;
use super::defaults::{children_rel, run_defaults};
use super::handle::Handle;
use super::identity::key_names;
use super::loading::Coll;
use super::model::{Model, ModelColumns, SqlRow};
use super::query::{JoinList, ModelQuery, Parts, write_from, write_select};
use super::relation::{BelongsTo, HasMany};
use super::session::split;
use crate::conn::Connection;
use crate::error::{Error, Result};
use crate::query::MaybeClause;
use crate::render::{Render, SqlWriter};
use crate::schema::{Column, Table};
use crate::types::ColumnTypes;
use crate::value::{FromRow, group_is_null};

impl<'s, 'c, C, M, J, W, O> ModelQuery<'s, 'c, C, M, Parts<J, W, O>>
where
    C: Connection,
    M: Model,
    J: JoinList,
    W: MaybeClause,
    O: MaybeClause,
{
    /// Loads the children `Ch` in the same statement, with a LEFT JOIN
    /// (*joined*). With a LIMIT or OFFSET, the limited query becomes a
    /// derived table so that the limit counts parents, not rows; its ORDER
    /// BY is then applied again outside, so it may only name `M`'s columns.
    pub fn joined_children<Ch>(self) -> JoinedQuery<'s, 'c, C, M, Ch, Parts<J, W, O>>
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        JoinedQuery {
            query: self,
            _child: PhantomData,
        }
    }
}

/// A [`ModelQuery`] that also loads the children `Ch` with a LEFT JOIN:
/// see [`ModelQuery::joined_children`].
#[must_use = "a query does nothing until it is run with `all`"]
pub struct JoinedQuery<'s, 'c, C: Connection, M: Model, Ch, Q> {
    query: ModelQuery<'s, 'c, C, M, Q>,
    _child: PhantomData<fn() -> Ch>,
}

impl<C: Connection, M: Model, Ch, Q> std::fmt::Debug for JoinedQuery<'_, '_, C, M, Ch, Q> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinedQuery")
            .field("model", &std::any::type_name::<M>())
            .field("children", &std::any::type_name::<Ch>())
            .finish()
    }
}

impl<C, M, Ch, J, W, O> JoinedQuery<'_, '_, C, M, Ch, Parts<J, W, O>>
where
    C: Connection,
    M: HasMany<Ch>,
    Ch: BelongsTo<M>,
    SqlRow<Ch>: ColumnTypes,
    J: JoinList,
    W: MaybeClause,
    O: MaybeClause,
{
    /// Every parent the query returns, each once, with its children
    /// loaded, in one statement.
    ///
    /// # Errors
    /// When the query (or the autoflush before it, or a loader) fails.
    pub fn all(self) -> Result<Vec<Handle<M>>> {
        let ModelQuery {
            session: s,
            parts,
            loaders,
            ..
        } = self.query;
        s.autoflush()?;
        let (parent_cols, child_cols) = (M::Columns::columns(), Ch::Columns::columns());
        let (parent, child) = (M::Table::NAME, Ch::Table::NAME);
        let (parent_key, child_key) = (key_names::<M>(), key_names::<Ch>());
        let (map, mut db) = split!(s);
        let mut w = SqlWriter::new(db.dialect());
        w.push_sql("SELECT ");
        parent_cols.render(&mut w);
        w.push_sql(", ");
        child_cols.render(&mut w);
        if parts.lock.is_some() {
            w.fail(Error::InvalidStatement(
                "a locking query cannot load children with a JOIN: lock the parents in a \
                 query of their own, or load the children with selectin"
                    .into(),
            ));
        }
        let windowed = parts.limit.is_some() || parts.offset.is_some();
        // The eagerly joined children are not in the scope of the query's
        // own clauses: a subquery there that names the children's table
        // reads it afresh, correlated to the parents.
        let mark = if windowed {
            w.push_sql(" FROM (");
            write_select::<M, J, W, O>(&mut w, &parent_cols, &parts);
            w.push_sql(") AS ");
            w.push_ident(parent);
            None
        } else {
            Some(write_from::<M, J, W, O>(&mut w, &parts))
        };
        w.push_sql(" LEFT JOIN ");
        w.push_ident(child);
        w.push_sql(" ON ");
        w.push_qualified(child, Ch::ForeignKey::NAME);
        w.push_sql(" = ");
        w.push_qualified(parent, parent_key.first().copied().unwrap_or_default());
        if !windowed {
            parts.filter.write_clause(&mut w, " WHERE ");
        }
        w.push_sort_key(|w| parts.order.write_clause(w, " ORDER BY "));
        let mut first = !parts.order.is_present();
        for (table, names) in [(parent, parent_key), (child, child_key)] {
            for name in names {
                w.push_sql(if first { " ORDER BY " } else { ", " });
                first = false;
                w.push_qualified(table, name);
            }
        }
        if let Some(mark) = mark {
            w.leave_scope(mark);
        }
        let r = w.finish()?;

        let width = <M::Row as FromRow<SqlRow<M>>>::WIDTH;
        let child_width = <Ch::Row as FromRow<SqlRow<Ch>>>::WIDTH;
        let mut rows: Vec<(M, Option<Ch>)> = Vec::new();
        db.query(&r, |row| {
            let p = M::from_row(<M::Row as FromRow<SqlRow<M>>>::from_row(row, 0)?);
            let c = if group_is_null::<SqlRow<Ch>, _>(row, width, child_width) {
                None
            } else {
                Some(Ch::from_row(<Ch::Row as FromRow<SqlRow<Ch>>>::from_row(
                    row, width,
                )?))
            };
            rows.push((p, c));
            Ok(true)
        })?;

        let mut order = Vec::new();
        let mut colls: FastMap<u32, Vec<u32>> = FastMap::default();
        for (p, c) in rows {
            let ps = map.arena_mut::<M>().load(p);
            let cs = c.map(|c| map.arena_mut::<Ch>().load(c));
            let list = colls.entry(ps).or_insert_with(|| {
                order.push(ps);
                Vec::new()
            });
            if let Some(cs) = cs.filter(|cs| !list.contains(cs)) {
                list.push(cs);
            }
        }
        let store = s.rels.children::<M, Ch>();
        let mut all_children = Vec::new();
        for (p, children) in colls {
            all_children.extend_from_slice(&children);
            store.colls.set(p, Coll::Loaded(children));
        }
        let mut skip = loaders.overrides.clone();
        skip.push(children_rel::<M, Ch>());
        loaders.run(s, &order)?;
        run_defaults::<M, C>(s, &order, &mut skip)?;
        // The children's own defaults, as if a default had loaded them.
        all_children.sort_unstable();
        all_children.dedup();
        run_defaults::<Ch, C>(s, &all_children, &mut skip)?;
        Ok(order.into_iter().map(Handle::from_index).collect())
    }
}
