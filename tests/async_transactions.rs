//! Async transactions on the three backends: commit on `Ok`, rollback on
//! `Err`, on panic and when the future is dropped; savepoints.
#![cfg(feature = "async")]

mod async_common;

use async_common::{Db, committed, insert, on_all_async_backends, owned};
use sqlalgebra::asyncio::AsyncBackend;
use sqlalgebra::asyncio::prelude::*;
use sqlalgebra::{Error, ErrorKind, Result};

async fn commits_on_ok_and_rolls_back_on_err<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let mut c = db.engine.connect().await?;
    let n = c
        .transaction(|c| {
            Box::pin(async move { insert(c, &[(1, 1, "a", 1), (2, 1, "b", 2)]).await })
        })
        .await?;
    assert_eq!(n, 2);
    assert_eq!(
        committed(db).await?,
        owned(&[(1, 1, "a", 1), (2, 1, "b", 2)])
    );

    let err = c
        .transaction(|c| {
            Box::pin(async move {
                insert(c, &[(3, 1, "c", 3)]).await?;
                // Inside the transaction the row is there...
                let n: i64 = select(count_star())
                    .from(async_common::Items)
                    .get(c)
                    .await?;
                assert_eq!(n, 3);
                Err::<(), _>(Error::from(ErrorKind::Transaction("refused".into())))
            })
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Transaction(m) if m == "refused"),
        "{err:?}"
    );
    // ...and gone after the rollback.
    assert_eq!(committed(db).await?.len(), 2);
    assert_eq!(c.state().depth(), 0);
    assert!(c.state().is_clean());
    Ok(())
}

/// A failed inner transaction undoes only its own work.
async fn nests_with_savepoints<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let mut c = db.engine.connect().await?;
    c.transaction(|c| {
        Box::pin(async move {
            insert(c, &[(1, 1, "outer", 1)]).await?;
            let inner = c
                .transaction(|c| {
                    Box::pin(async move {
                        insert(c, &[(2, 1, "inner", 1)]).await?;
                        Err::<(), _>(Error::from(ErrorKind::Transaction("inner fails".into())))
                    })
                })
                .await;
            assert!(inner.is_err());
            c.transaction(|c| Box::pin(async move { insert(c, &[(3, 1, "kept", 1)]).await }))
                .await?;
            Ok::<_, Error>(())
        })
    })
    .await?;
    assert_eq!(
        committed(db).await?,
        owned(&[(1, 1, "outer", 1), (3, 1, "kept", 1)])
    );

    // The same with the guard API.
    let mut tx = c.begin().await?;
    insert(&mut *tx, &[(4, 2, "outer", 1)]).await?;
    let mut inner = tx.begin().await?;
    insert(&mut *inner, &[(5, 2, "inner", 1)]).await?;
    inner.rollback().await?;
    let mut inner = tx.begin().await?;
    insert(&mut *inner, &[(6, 2, "inner", 1)]).await?;
    inner.commit().await?;
    tx.commit().await?;
    let ids: Vec<i64> = committed(db).await?.into_iter().map(|r| r.0).collect();
    assert_eq!(ids, [1, 3, 4, 6]);
    assert!(c.state().is_clean());
    Ok(())
}

/// A transaction dropped without commit (a cancelled future, an early
/// return) is rolled back before the connection's next statement.
async fn rolls_back_dropped_transactions<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let mut c = db.engine.connect().await?;
    {
        let mut tx = c.begin().await?;
        insert(&mut *tx, &[(1, 1, "dropped", 1)]).await?;
    }
    assert!(!c.state().is_clean());
    // The next statement rolls the dropped work back first.
    let n: i64 = select(count_star())
        .from(async_common::Items)
        .get(&mut *c)
        .await?;
    assert_eq!(n, 0);
    assert!(c.state().is_clean());

    // A nested one dropped inside a live outer transaction: only the
    // savepoint is undone.
    let mut tx = c.begin().await?;
    insert(&mut *tx, &[(2, 1, "outer", 1)]).await?;
    {
        let mut inner = tx.begin().await?;
        insert(&mut *inner, &[(3, 1, "inner", 1)]).await?;
    }
    insert(&mut *tx, &[(4, 1, "after", 1)]).await?;
    tx.commit().await?;
    let ids: Vec<i64> = committed(db).await?.into_iter().map(|r| r.0).collect();
    assert_eq!(ids, [2, 4]);

    // A closure transaction whose future is dropped while it waits: its
    // insert is never committed, and the pool discards the connection.
    let (inserted, wait) = tokio::sync::oneshot::channel::<()>();
    let mut inserted = Some(inserted);
    let mut fut = Box::pin(c.transaction(move |c| {
        Box::pin(async move {
            insert(c, &[(5, 1, "cancelled", 1)]).await?;
            if let Some(tx) = inserted.take() {
                let _ = tx.send(());
            }
            std::future::pending::<()>().await;
            Ok::<_, Error>(())
        })
    }));
    tokio::select! {
        _ = &mut fut => unreachable!("the transaction never ends by itself"),
        _ = wait => {}
    }
    drop(fut);
    assert!(!c.state().is_clean());
    // Discarded by the pool, not handed out again (SQLite: its thread
    // rolls back and ends, releasing the database's write lock).
    drop(c);
    assert_eq!(committed(db).await?.len(), 2);
    let mut c = db.engine.connect().await?;
    assert!(c.state().is_clean());
    let n: i64 = select(count_star())
        .from(async_common::Items)
        .get(&mut *c)
        .await?;
    assert_eq!(n, 2);
    Ok(())
}

/// A panic inside the closure rolls back, and the panic goes on.
async fn rolls_back_on_panic<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let mut c = db.engine.connect().await?;
    let task = tokio::spawn(async move {
        c.transaction(|c| {
            Box::pin(async move {
                insert(c, &[(1, 1, "panics", 1)]).await?;
                if c.state().depth() == 1 {
                    panic!("boom");
                }
                Ok::<_, Error>(())
            })
        })
        .await
    });
    let joined = task.await;
    assert!(joined.is_err_and(|e| e.is_panic()));
    assert!(committed(db).await?.is_empty());
    // The pool still works.
    let mut c = db.engine.connect().await?;
    insert(&mut *c, &[(2, 1, "after", 1)]).await?;
    assert_eq!(committed(db).await?, owned(&[(2, 1, "after", 1)]));
    Ok(())
}

on_all_async_backends!(
    commits_on_ok_and_rolls_back_on_err,
    nests_with_savepoints,
    rolls_back_dropped_transactions,
    rolls_back_on_panic
);
