//! The library statements of the oracle's writes: UPDATE, DELETE,
//! INSERT ... SELECT and upsert, each run for its rows-affected count.

use sqlalgebra::Result;
use sqlalgebra::prelude::*;
use sqlalgebra::query::{WriteSources, excluded};
use sqlalgebra::render::TableRef;
use sqlalgebra::schema::QuerySource;

use super::ast::{E, Sel, Src, Stmt};
use super::build::{Two, boxed_select, ex, lit};
use super::model::{ALIASES, Col, TABLES, Tab, Val, by_col, by_table};

/// A source of `using` chosen at run time: a table or an alias of one, as
/// `update(..).from(..)` and `delete_from(..).using(..)` take it.
#[derive(Clone, Copy)]
struct DynSrc(Src);

impl QuerySource for DynSrc {
    fn table_ref(&self) -> TableRef<'static> {
        TableRef {
            name: TABLES[self.0.table],
            alias: self.0.alias.map(|a| ALIASES[a]),
        }
    }
}

/// Runs `$body` with `$f` bound to the sources of `$using` (`()` for none).
macro_rules! with_sources {
    ($using:expr, $f:ident => $body:expr) => {
        match $using {
            [] => {
                let $f = ();
                $body
            }
            [a] => {
                let $f = DynSrc(*a);
                $body
            }
            [a, b] => {
                let $f = (DynSrc(*a), DynSrc(*b));
                $body
            }
            _ => unreachable!("at most two other tables"),
        }
    };
}

fn update1<const T: usize, const C: usize>(
    from: impl WriteSources,
    sets: &[(usize, E)],
    filter: Option<&E>,
    conn: &mut impl Connection,
) -> Result<u64> {
    let q = update(Tab::<T>)
        .from(from)
        .set(Col::<T, C>.set(ex(&sets[0].1)));
    match filter {
        Some(f) => q.filter(ex(f)).execute(conn),
        None => q.execute(conn),
    }
}

fn update2b<const T: usize, const C1: usize, const C2: usize>(
    from: impl WriteSources,
    sets: &[(usize, E)],
    filter: Option<&E>,
    conn: &mut impl Connection,
) -> Result<u64> {
    let q = update(Tab::<T>).from(from).set((
        Col::<T, C1>.set(ex(&sets[0].1)),
        Col::<T, C2>.set(ex(&sets[1].1)),
    ));
    match filter {
        Some(f) => q.filter(ex(f)).execute(conn),
        None => q.execute(conn),
    }
}

fn update2<const T: usize, const C1: usize>(
    from: impl WriteSources,
    sets: &[(usize, E)],
    filter: Option<&E>,
    conn: &mut impl Connection,
) -> Result<u64> {
    by_col!(sets[1].0, update2b::<T, C1>(from, sets, filter, conn))
}

fn update_table<const T: usize>(
    from: impl WriteSources,
    sets: &[(usize, E)],
    filter: Option<&E>,
    conn: &mut impl Connection,
) -> Result<u64> {
    if sets.len() == 1 {
        by_col!(sets[0].0, update1::<T>(from, sets, filter, conn))
    } else {
        by_col!(sets[0].0, update2::<T>(from, sets, filter, conn))
    }
}

fn delete_table<const T: usize>(
    using: impl WriteSources,
    filter: Option<&E>,
    conn: &mut impl Connection,
) -> Result<u64> {
    let q = delete_from(Tab::<T>).using(using);
    match filter {
        Some(f) => q.filter(ex(f)).execute(conn),
        None => q.execute(conn),
    }
}

fn insert_select_col<const T: usize, const C: usize>(
    src: &Sel,
    conn: &mut impl Connection,
) -> Result<u64> {
    insert_into(Tab::<T>)
        .columns((Col::<T, 0>, Col::<T, C>))
        .select(boxed_select::<Two>(src))
        .execute(conn)
}

fn insert_select_table<const T: usize>(
    col: usize,
    src: &Sel,
    conn: &mut impl Connection,
) -> Result<u64> {
    by_col!(col, insert_select_col::<T>(src, conn))
}

fn upsert_col<const T: usize, const C: usize>(
    id: i64,
    val: &Val,
    do_nothing: bool,
    conn: &mut impl Connection,
) -> Result<u64> {
    let q = insert_into(Tab::<T>)
        .values((Col::<T, 0>.set(id), Col::<T, C>.set(lit(val))))
        .on_conflict(Col::<T, 0>);
    if do_nothing {
        q.do_nothing().execute(conn)
    } else {
        q.do_update(Col::<T, C>.set(excluded(Col::<T, C>)))
            .execute(conn)
    }
}

fn upsert_table<const T: usize>(
    col: usize,
    id: i64,
    val: &Val,
    do_nothing: bool,
    conn: &mut impl Connection,
) -> Result<u64> {
    by_col!(col, upsert_col::<T>(id, val, do_nothing, conn))
}

/// Runs a write statement; the rows it changed.
pub fn run_write(s: &Stmt, conn: &mut impl Connection) -> Result<u64> {
    match s {
        Stmt::Update {
            table,
            using,
            sets,
            filter,
        } => with_sources!(using.as_slice(), f => {
            by_table!(*table, update_table(f, sets, filter.as_ref(), conn))
        }),
        Stmt::Delete {
            table,
            using,
            filter,
        } => with_sources!(using.as_slice(), f => {
            by_table!(*table, delete_table(f, filter.as_ref(), conn))
        }),
        Stmt::InsertSelect { table, col, src } => {
            by_table!(*table, insert_select_table(*col, src, conn))
        }
        Stmt::Upsert {
            table,
            col,
            id,
            val,
            do_nothing,
        } => by_table!(*table, upsert_table(*col, *id, val, *do_nothing, conn)),
        Stmt::Select(_) | Stmt::SetOp(..) | Stmt::With { .. } | Stmt::Orm(_) => {
            unreachable!("not a write")
        }
    }
}
