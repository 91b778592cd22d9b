//! Runs a joined load (see [`joined`](super::joined)): one statement
//! that selects the query's model and every join node's columns, joined
//! under aliases, read row by row into the identity map and the
//! collections; as shared `async` code on [`Unit`], so that `Session` and
//! `AsyncSession` run the same statement.

use super::arena::FastMap;
use super::defaults::run_defaults;
use super::identity::key_names;
use super::inherit::write_where;
use super::joined::{Gathered, JoinedLoad, Shape};
use super::loaders::Plan;
use super::model::{Model, ModelColumns, SqlRow};
use super::query::{JoinList, Parts, write_from, write_select};
use super::unit::Unit;
use crate::conn::Connection;
use crate::error::{ErrorKind, Result};
use crate::query::MaybeClause;
use crate::render::{Dialect, Render, Rendered, SqlWriter};
use crate::schema::{ColumnList, Table};
use crate::value::FromRow;

/// A node of the tree, flattened in pre-order: its owner (`None` for the
/// query's model), its alias (and its link table's), its first column.
struct Flat<'n, C: Connection> {
    node: &'n JoinedLoad<C>,
    owner: Option<usize>,
    alias: String,
    link_alias: String,
    at: usize,
}

fn flatten<'n, C: Connection>(
    nodes: &'n [JoinedLoad<C>],
    owner: Option<usize>,
    out: &mut Vec<Flat<'n, C>>,
    at: &mut usize,
) {
    for node in nodes {
        let n = out.len() + 1;
        let link_alias = match node.shape {
            Shape::Linked { link, .. } => format!("{link}_{n}"),
            _ => String::new(),
        };
        out.push(Flat {
            node,
            owner,
            alias: format!("{}_{n}", node.table),
            link_alias,
            at: *at,
        });
        *at += node.columns.len();
        let me = out.len() - 1;
        flatten(&node.joined, Some(me), out, at);
    }
}

fn first_name(names: &[&'static str]) -> &'static str {
    names.first().copied().unwrap_or_default()
}

/// `LEFT JOIN "t" AS "t_n" ON ...` for one node whose owner is exposed as
/// `owner` with key `owner_key`.
fn write_join(w: &mut SqlWriter<'_>, f: &Flat<'_, impl Connection>, owner: &str, owner_key: &str) {
    let node = f.node;
    let table = |w: &mut SqlWriter<'_>, name: &str, alias: &str| {
        w.push_sql(" LEFT JOIN ");
        w.push_ident(name);
        w.push_sql(" AS ");
        w.push_ident(alias);
        w.push_sql(" ON ");
    };
    match node.shape {
        Shape::Parent { fk } => {
            table(w, node.table, &f.alias);
            w.push_qualified(&f.alias, first_name(node.key));
            w.push_sql(" = ");
            w.push_qualified(owner, fk);
        }
        Shape::Children { fk } => {
            table(w, node.table, &f.alias);
            w.push_qualified(&f.alias, fk);
            w.push_sql(" = ");
            w.push_qualified(owner, owner_key);
        }
        Shape::Linked { link, left, right } => {
            table(w, link, &f.link_alias);
            w.push_qualified(&f.link_alias, left);
            w.push_sql(" = ");
            w.push_qualified(owner, owner_key);
            table(w, node.table, &f.alias);
            w.push_qualified(&f.alias, first_name(node.key));
            w.push_sql(" = ");
            w.push_qualified(&f.link_alias, right);
        }
    }
    if let Some(d) = node.disc {
        w.push_sql(" AND ");
        d.write(w, &f.alias);
    }
}

/// The statement of a joined load: the root's columns and every node's,
/// the root's FROM (or its limited query as a derived table), a LEFT
/// JOIN per node, the root's WHERE and ORDER BY, then its key.
fn joined_sql<'a, M, J, W, O>(
    d: &'a dyn Dialect,
    root_cols: &'a M::Columns,
    parts: &'a Parts<J, W, O>,
    flat: &[Flat<'_, impl Connection>],
) -> Result<Rendered<'a>>
where
    M: Model,
    J: JoinList,
    W: MaybeClause,
    O: MaybeClause,
{
    let (root, root_key) = (M::Table::NAME, key_names::<M>());
    let mut w = SqlWriter::new(d);
    if parts.lock.is_some() {
        w.fail(
            ErrorKind::InvalidStatement(
                "a locking query cannot load relationships with a JOIN: lock the objects in a \
         query of their own, or load the relationships with selectin"
                    .into(),
            )
            .into(),
        );
    }
    w.push_sql("SELECT ");
    root_cols.render(&mut w);
    for f in flat {
        for name in f.node.columns {
            w.push_sql(", ");
            w.push_qualified(&f.alias, name);
        }
    }
    // With a LIMIT or OFFSET the query's own rows are a derived table, so
    // that the limit counts objects, not joined rows.
    let windowed = parts.limit.is_some() || parts.offset.is_some();
    let mark = if windowed {
        w.push_sql(" FROM (");
        write_select::<M, J, W, O>(&mut w, root_cols, parts);
        w.push_sql(") AS ");
        w.push_ident(root);
        None
    } else {
        Some(write_from::<M, J, W, O>(&mut w, parts))
    };
    for f in flat {
        let (owner, owner_key) = match f.owner {
            None => (root, first_name(root_key)),
            Some(o) => (flat[o].alias.as_str(), first_name(flat[o].node.key)),
        };
        write_join(&mut w, f, owner, owner_key);
    }
    if !windowed {
        write_where::<M, W>(&mut w, M::Table::NAME, &parts.filter);
    }
    w.push_sort_key(|w| parts.order.write_clause(w, " ORDER BY "));
    for (i, name) in root_key.iter().enumerate() {
        w.push_sql(if i == 0 && !parts.order.is_present() {
            " ORDER BY "
        } else {
            ", "
        });
        w.push_qualified(root, name);
    }
    if let Some(mark) = mark {
        w.leave_scope(mark);
    }
    w.finish()
}

impl<C: Connection> Unit<'_, C> {
    /// Runs a [`ModelQuery`](super::ModelQuery) whose loaders join
    /// relationships into its statement (see the module docs of `joined`);
    /// returns the slots of the query's objects, each once, in row order.
    pub(crate) async fn query_joined<M, J, W, O>(
        &mut self,
        parts: &Parts<J, W, O>,
        mut plan: Plan<C>,
    ) -> Result<Vec<u32>>
    where
        M: Model,
        J: JoinList,
        W: MaybeClause,
        O: MaybeClause,
    {
        self.autoflush().await?;
        let joined = std::mem::take(&mut plan.joined);
        let mut flat = Vec::new();
        let mut at = <M::Columns as ColumnList>::NAMES.len();
        flatten(&joined, None, &mut flat, &mut at);
        let root_cols = M::Columns::columns();
        let (map, mut db) = self.split();
        let r = joined_sql::<M, J, W, O>(db.dialect(), &root_cols, parts, &flat)?;

        let mut order: Vec<u32> = Vec::new();
        let mut seen: FastMap<u32, ()> = FastMap::default();
        let mut gathered: Vec<Gathered> = flat.iter().map(|_| Gathered::default()).collect();
        let mut slots: Vec<Option<u32>> = vec![None; flat.len()];
        db.query(&r, |row| {
            let values = <M::Row as FromRow<SqlRow<M>>>::from_row(row, 0)?;
            let me = map.arena_mut::<M>().load(M::from_row(values));
            if seen.insert(me, ()).is_none() {
                order.push(me);
            }
            for (i, f) in flat.iter().enumerate() {
                let owner = match f.owner {
                    None => Some(me),
                    Some(o) => slots[o],
                };
                slots[i] = match owner {
                    Some(owner) => {
                        let target = (f.node.decode)(map, &mut *row, f.at)?;
                        gathered[i].add(owner, target);
                        target
                    }
                    None => None,
                };
            }
            Ok(true)
        })
        .await?;
        drop(flat);

        // Collections first (every node), then what runs on their objects.
        let mut targets = Vec::with_capacity(gathered.len());
        let nodes = flatten_owned(joined);
        for (node, g) in nodes.iter().zip(&gathered) {
            targets.push((node.store)(self, g));
        }
        for (node, loaded) in nodes.into_iter().zip(targets) {
            for nested in node.then {
                nested.run(self, &loaded).await?;
            }
            let mut skip = node.skip;
            (node.defaults)(self, &loaded, &mut skip).await?;
        }
        let mut skip = plan.overrides.clone();
        plan.run(self, &order).await?;
        run_defaults::<M, C>(self, &order, &mut skip).await?;
        Ok(order)
    }
}

/// The nodes in pre-order (as [`flatten`] numbers them), owned, without
/// their nested joined nodes.
fn flatten_owned<C: Connection>(nodes: Vec<JoinedLoad<C>>) -> Vec<JoinedLoad<C>> {
    let mut out = Vec::new();
    for mut node in nodes {
        let nested = std::mem::take(&mut node.joined);
        out.push(node);
        out.extend(flatten_owned(nested));
    }
    out
}
