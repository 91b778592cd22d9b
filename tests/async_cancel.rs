//! Cancellation safety on the three backends: transactions and ORM
//! sessions whose futures are dropped at many points (a timeout of a few
//! microseconds, growing each round) leave no partial write, and the pool
//! hands out only clean connections afterwards.
#![cfg(feature = "async")]

mod async_common;

use std::collections::BTreeMap;

use async_common::{Db, Items, committed, insert, item, items, on_all_async_backends};
use sqlalgebra::asyncio::AsyncBackend;
use sqlalgebra::asyncio::prelude::*;
use sqlalgebra::orm::AsyncSessionFactory;
use sqlalgebra::{Error, ErrorKind, Result};

/// Rounds: each one a transaction of five statements (three inserts, an
/// update, a savepoint with one more insert), cut off after a time that
/// grows from zero to twice what a whole round took once (measured first,
/// only to spread the cut points over the transaction; nothing asserts on
/// time).
const ROUNDS: i64 = 60;

/// Round `r`'s transaction: rows `r * 10 + 0..4`, all tagged `r`, with
/// `qty` 1 after the update. Complete, or not there at all.
async fn round<B: AsyncBackend>(db: &Db<B>, r: i64) -> Result<()> {
    let mut c = db.engine.connect().await?;
    c.transaction(move |c| {
        Box::pin(async move {
            let base = r * 10;
            insert(c, &[(base, r, "a", 0), (base + 1, r, "b", 0)]).await?;
            // Back to the runtime once, rows written: a connection that
            // answers before it is polled (SQLite's thread can) would
            // otherwise let a whole round finish in one poll, and no cut
            // would ever fall inside the transaction.
            tokio::task::yield_now().await;
            insert(c, &[(base + 2, r, "c", 0)]).await?;
            update(Items)
                .set(items::Qty.set(1))
                .filter(items::Tag.eq(r))
                .execute(c)
                .await?;
            c.transaction(move |c| {
                Box::pin(async move { insert(c, &[(base + 3, r, "d", 1)]).await })
            })
            .await?;
            Ok::<_, Error>(())
        })
    })
    .await
}

async fn dropped_transactions_leave_no_trace<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    // Two whole rounds, never cut (the second with warm statement caches,
    // timed): their rows must be there.
    round(db, ROUNDS).await?;
    let started = std::time::Instant::now();
    round(db, ROUNDS + 1).await?;
    let whole = started.elapsed();
    let mut finished = vec![ROUNDS, ROUNDS + 1];
    let mut cut = 0;
    // Round 0 is polled once and dropped at its first await (at the
    // latest its `yield_now`, rows written): cut for sure, whatever the
    // timer's resolution.
    let mut first = Box::pin(round(db, 0));
    let polled = std::future::poll_fn(|cx| {
        std::task::Poll::Ready(std::future::Future::poll(first.as_mut(), cx))
    })
    .await;
    match polled {
        std::task::Poll::Ready(done) => {
            done?;
            finished.push(0);
        }
        std::task::Poll::Pending => cut += 1,
    }
    drop(first);
    for r in 1..ROUNDS {
        let limit = whole * 2 * u32::try_from(r).unwrap_or(0) / u32::try_from(ROUNDS).unwrap_or(1);
        match tokio::time::timeout(limit, round(db, r)).await {
            Ok(Ok(())) => finished.push(r),
            // A cut round's statement may still run on the server after
            // its connection is gone (nothing tells the server at once):
            // its UPDATE scans the rows this round's UPDATE scans, and the
            // server may end the deadlock by failing this round. Rolled
            // back whole, it must leave nothing (checked below).
            Ok(Err(e)) if matches!(e.kind(), ErrorKind::Conflict { .. }) => {}
            Ok(Err(e)) => return Err(e),
            Err(_) => cut += 1,
        }
    }
    // Some rounds were cut off (round 0 always is).
    assert!(cut > 0);
    // No partial write: each round's rows are all there, updated, or none.
    let mut by_round: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
    for (id, tag, _, qty) in committed(db).await? {
        by_round.entry(tag).or_default().push((id, qty));
    }
    for (r, rows) in &by_round {
        let expected: Vec<(i64, i64)> = (0..4).map(|i| (r * 10 + i, 1)).collect();
        assert_eq!(rows, &expected, "round {r} left a partial write");
    }
    // Every round that returned Ok committed.
    for r in &finished {
        assert!(
            by_round.contains_key(r),
            "round {r} finished but is missing"
        );
    }

    // The pool hands out clean connections only: every connection it has
    // (held all at once) is outside any transaction, so a row written on
    // it is committed at once, as the checker pool sees.
    let max = 4;
    let mut held = Vec::new();
    for k in 0..max {
        let mut c = db.engine.connect().await?;
        assert!(c.state().is_clean());
        assert_eq!(c.state().depth(), 0);
        insert(&mut *c, &[(100_000 + k, -1, "marker", 0)]).await?;
        held.push(c);
    }
    let markers = committed(db).await?.iter().filter(|r| r.1 == -1).count();
    assert_eq!(markers, 4);
    drop(held);
    Ok(())
}

/// A unit of work of several flushes and a savepoint, committed at the
/// end: round `r` writes rows `r * 10 ..= r * 10 + 3`, all with qty 1.
async fn session_round<B: AsyncBackend>(factory: &AsyncSessionFactory<B>, r: i64) -> Result<()> {
    let mut s = factory.session().await?;
    let base = r * 10;
    let hs = s.add_all([
        item(base, r, "a"),
        item(base + 1, r, "b"),
        item(base + 2, r, "c"),
    ]);
    s.flush().await?;
    // Back to the runtime once, rows flushed (see `round`).
    tokio::task::yield_now().await;
    for h in hs {
        s[h].qty = 1;
    }
    s.flush().await?;
    let sp = s.begin_nested().await?;
    let d = s.add(item(base + 3, r, "d"));
    s[d].qty = 1;
    s.release(sp).await?;
    s.commit().await
}

async fn dropped_sessions_leave_no_trace<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let factory = AsyncSessionFactory::new(db.engine.clone());
    let base = 1_000;
    session_round(&factory, base + ROUNDS).await?;
    let started = std::time::Instant::now();
    session_round(&factory, base + ROUNDS + 1).await?;
    let whole = started.elapsed();
    let mut finished = vec![base + ROUNDS, base + ROUNDS + 1];
    let mut cut = 0;
    // A session whose flush is dropped half-way refuses to go on (its
    // objects may not match the database any more), and its transaction
    // is rolled back: nothing of it is committed. (A flush whose first
    // poll already finished, which a fast server can allow, is rolled
    // back and tried again with a fresh session.)
    let mut dropped_midway = false;
    for attempt in 0..20 {
        let mut s = factory.session().await?;
        let id = 900_000 + attempt * 10;
        s.add_all([item(id, -2, "x"), item(id + 1, -2, "y")]);
        s.flush().await?;
        s.add(item(id + 2, -2, "z"));
        let mut flush = Box::pin(s.flush());
        let polled = std::future::poll_fn(|cx| {
            std::task::Poll::Ready(std::future::Future::poll(flush.as_mut(), cx))
        })
        .await;
        drop(flush);
        if polled.is_ready() {
            s.rollback().await?;
            continue;
        }
        assert!(matches!(
            s.get::<async_common::ItemObject>(1)
                .await
                .as_ref()
                .map_err(Error::kind),
            Err(ErrorKind::Transaction(_))
        ));
        assert!(matches!(
            s.commit().await.as_ref().map_err(Error::kind),
            Err(ErrorKind::Transaction(_))
        ));
        dropped_midway = true;
        break;
    }
    assert!(dropped_midway, "no flush was ever cut half-way in 20 tries");
    // One round polled once and dropped at its first await: cut for sure,
    // whatever the timer's resolution (the rounds below spread the cuts).
    let mut first = Box::pin(session_round(&factory, base));
    let polled = std::future::poll_fn(|cx| {
        std::task::Poll::Ready(std::future::Future::poll(first.as_mut(), cx))
    })
    .await;
    drop(first);
    match polled {
        std::task::Poll::Ready(done) => {
            done?;
            finished.push(base);
        }
        std::task::Poll::Pending => cut += 1,
    }
    for r in 1..ROUNDS {
        let limit = whole * 2 * u32::try_from(r).unwrap_or(0) / u32::try_from(ROUNDS).unwrap_or(1);
        match tokio::time::timeout(limit, session_round(&factory, base + r)).await {
            Ok(Ok(())) => finished.push(base + r),
            // A deadlock with a cut round's statement still running on the
            // server (see `dropped_transactions_leave_no_trace`).
            Ok(Err(e)) if matches!(e.kind(), ErrorKind::Conflict { .. }) => {}
            Ok(Err(e)) => return Err(e),
            Err(_) => cut += 1,
        }
    }
    assert!(cut > 0);
    let mut by_round: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
    for (id, tag, _, qty) in committed(db).await? {
        by_round.entry(tag).or_default().push((id, qty));
    }
    assert!(!by_round.contains_key(&-2), "the dropped flush left rows");
    for (r, rows) in &by_round {
        let expected: Vec<(i64, i64)> = (0..4).map(|i| (r * 10 + i, 1)).collect();
        assert_eq!(rows, &expected, "session round {r} left a partial write");
    }
    for r in &finished {
        assert!(
            by_round.contains_key(r),
            "round {r} finished but is missing"
        );
    }
    // Clean connections only, as above.
    let mut held = Vec::new();
    for k in 0..4 {
        let mut c = db.engine.connect().await?;
        assert!(c.state().is_clean());
        assert_eq!(c.state().depth(), 0);
        insert(&mut *c, &[(200_000 + k, -1, "marker", 0)]).await?;
        held.push(c);
    }
    let markers = committed(db).await?.iter().filter(|r| r.1 == -1).count();
    assert_eq!(markers, 4);
    drop(held);
    Ok(())
}

on_all_async_backends!(
    dropped_transactions_leave_no_trace,
    dropped_sessions_leave_no_trace
);
