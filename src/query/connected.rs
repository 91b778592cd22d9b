//! The cartesian-product check of a SELECT whose FROM is inferred
//! (SQLAlchemy's "cartesian product" lint): its tables must be connected
//! by joins or by WHERE / ON predicates that use columns of both.

use smallvec::SmallVec;

use super::clause::MaybeClause;
use super::select::FromClause;
use crate::error::ErrorKind;
use crate::render::{Render, SqlWriter, TableSet};

/// Records [`ErrorKind::CartesianProduct`] when the FROM elements of a SELECT
/// whose FROM is inferred (`from[0]` with the joins, then each other
/// table) are not all connected: two are connected by a predicate of
/// WHERE or of an ON (an operand of AND, OR, NOT) that uses columns of
/// both, as SQLAlchemy's cartesian product lint links them.
pub(crate) fn check_connected<'a>(
    w: &mut SqlWriter<'a>,
    from: &TableSet<'a>,
    joined: &TableSet<'a>,
    filter: &'a dyn MaybeClause,
    joins: &'a dyn FromClause,
) {
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut parent: SmallVec<[usize; 8]> = (0..from.len()).collect();
    let mut link = |predicate: &dyn Render| {
        let mut tables = TableSet::new();
        predicate.collect_tables(&mut tables);
        let mut first = None;
        for t in &tables {
            let element = if joined.contains(t) {
                Some(0)
            } else {
                from.iter().position(|f| f == t)
            };
            if let Some(e) = element {
                let r = root(&mut parent, e);
                match first {
                    None => first = Some(r),
                    Some(f) => parent[r] = root(&mut parent, f),
                }
            }
        }
    };
    if let Some(filter) = filter.clause_expr() {
        for_each_predicate(filter, &mut link);
    }
    joins.each_on(&mut |on| for_each_predicate(on, &mut link));
    let first = root(&mut parent, 0);
    let apart: Vec<String> = (1..from.len())
        .filter(|&i| root(&mut parent, i) != first)
        .map(|i| from[i].exposed_name().to_owned())
        .collect();
    if !apart.is_empty() {
        let mut tables = vec![from[0].exposed_name().to_owned()];
        tables.extend(apart);
        w.fail(ErrorKind::CartesianProduct { tables }.into());
    }
}

/// Calls `each` with every predicate of `node`, splitting AND, OR and NOT.
fn for_each_predicate<'a>(node: &'a dyn Render, each: &mut dyn FnMut(&'a dyn Render)) {
    let mut parts: SmallVec<[&'a dyn Render; 2]> = SmallVec::new();
    if node.split_connective(&mut |part| parts.push(part)) {
        for part in parts {
            for_each_predicate(part, each);
        }
    } else {
        each(node);
    }
}
