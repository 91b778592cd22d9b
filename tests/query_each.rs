//! `QueryEach::for_each`: the sync way to read a large result row by row,
//! on every backend.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate

mod common;

use common::schema::{Users, users};
use common::{on_all_backends, setup};
use sqlalgebra::engine::Backend;
use sqlalgebra::prelude::*;
use sqlalgebra::{Engine, ErrorKind, Result};

fn reads_every_row_in_order<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let names: Vec<_> = (0..2000)
        .map(|i| users::Name.set(format!("u{i:04}")))
        .collect();
    assert_eq!(insert_into(Users).values(names).execute(&mut *conn)?, 2000);

    let before = conn.set_row_streaming(false);
    // What "off" reads as here (`true` where rows always stream).
    let off = conn.set_row_streaming(false);
    let mut seen = Vec::new();
    select(users::Name)
        .order_by(users::Name.asc())
        .for_each(&mut *conn, |name: String| {
            seen.push(name);
            Ok(())
        })?;
    assert_eq!(seen.len(), 2000);
    assert_eq!(seen[0], "u0000");
    assert_eq!(seen[1999], "u1999");
    // The connection's own setting is back (PostgreSQL: whole results).
    assert_eq!(conn.set_row_streaming(before), off);

    // An error from the callback stops the query; the connection goes on.
    let mut calls = 0;
    let err = select(users::Id)
        .for_each(&mut *conn, |_: i64| {
            calls += 1;
            if calls == 10 {
                return Err(ErrorKind::Transaction("stop".into()).into());
            }
            Ok(())
        })
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Transaction(_)), "{err:?}");
    assert_eq!(calls, 10);
    let n: i64 = select(count_star()).from(Users).get(&mut *conn)?;
    assert_eq!(n, 2000);
    Ok(())
}

on_all_backends!(reads_every_row_in_order);
