//! The library statements of the oracle's writes: UPDATE, DELETE,
//! INSERT ... SELECT and upsert, each run for its rows-affected count.

use sqlalgebra::Result;
use sqlalgebra::prelude::*;
use sqlalgebra::query::excluded;

use super::ast::{E, Sel, Stmt};
use super::build::{Two, boxed_select, ex, lit};
use super::model::{Col, Tab, Val, by_col, by_table};

fn update1<const T: usize, const C: usize>(
    sets: &[(usize, E)],
    filter: Option<&E>,
    conn: &mut impl Connection,
) -> Result<u64> {
    let q = update(Tab::<T>).set(Col::<T, C>.set(ex(&sets[0].1)));
    match filter {
        Some(f) => q.filter(ex(f)).execute(conn),
        None => q.execute(conn),
    }
}

fn update2b<const T: usize, const C1: usize, const C2: usize>(
    sets: &[(usize, E)],
    filter: Option<&E>,
    conn: &mut impl Connection,
) -> Result<u64> {
    let q = update(Tab::<T>).set((
        Col::<T, C1>.set(ex(&sets[0].1)),
        Col::<T, C2>.set(ex(&sets[1].1)),
    ));
    match filter {
        Some(f) => q.filter(ex(f)).execute(conn),
        None => q.execute(conn),
    }
}

fn update2<const T: usize, const C1: usize>(
    sets: &[(usize, E)],
    filter: Option<&E>,
    conn: &mut impl Connection,
) -> Result<u64> {
    by_col!(sets[1].0, update2b::<T, C1>(sets, filter, conn))
}

fn update_table<const T: usize>(
    sets: &[(usize, E)],
    filter: Option<&E>,
    conn: &mut impl Connection,
) -> Result<u64> {
    if sets.len() == 1 {
        by_col!(sets[0].0, update1::<T>(sets, filter, conn))
    } else {
        by_col!(sets[0].0, update2::<T>(sets, filter, conn))
    }
}

fn delete_table<const T: usize>(filter: Option<&E>, conn: &mut impl Connection) -> Result<u64> {
    let q = delete_from(Tab::<T>);
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
            sets,
            filter,
        } => by_table!(*table, update_table(sets, filter.as_ref(), conn)),
        Stmt::Delete { table, filter } => by_table!(*table, delete_table(filter.as_ref(), conn)),
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
