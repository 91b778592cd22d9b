//! Compile-time checks: the futures of the async API are `Send` (they can
//! be spawned on a multi-threaded runtime), for any backend and for each
//! of the three; so are a sync `Session` held across an `.await`, the
//! pool and its connections.
#![cfg(feature = "async")]

mod async_common;

use async_common::{Items, items};
use sqlalgebra::Result;
use sqlalgebra::asyncio::prelude::*;
use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};

fn assert_send<T: Send>(_: &T) {}

/// Every main call, for any backend: each future is checked, then run.
async fn main_calls<B: AsyncBackend>(engine: &AsyncEngine<B>) -> Result<()> {
    assert_send(engine);
    let connect = engine.connect();
    assert_send(&connect);
    let mut c = connect.await?;
    assert_send(&c);

    let q = select(items::Id).filter(items::Tag.eq(1));
    let load = q.load::<i64, _>(&mut *c);
    assert_send(&load);
    load.await?;
    let count = select(count_star()).from(Items);
    let get = count.get::<i64, _>(&mut *c);
    assert_send(&get);
    get.await?;
    let first = q.first::<i64, _>(&mut *c);
    assert_send(&first);
    first.await?;
    let del = delete_from(Items).filter(items::Id.eq(0));
    let execute = del.execute(&mut *c);
    assert_send(&execute);
    execute.await?;
    let t = text("SELECT 1").returns::<BigInt>();
    let text = t.get::<i64, _>(&mut *c);
    assert_send(&text);
    text.await?;
    let stream = q.stream::<i64, _>(&mut *c);
    assert_send(&stream);
    let mut rows = stream.await?;
    assert_send(&rows);
    let next = rows.next();
    assert_send(&next);
    next.await.transpose()?;
    drop(rows);
    let begin = c.begin();
    assert_send(&begin);
    let tx = begin.await?;
    assert_send(&tx);
    let commit = tx.commit();
    assert_send(&commit);
    commit.await?;
    let transaction = c.transaction(|c| Box::pin(async move { del.execute(c).await }));
    assert_send(&transaction);
    transaction.await?;
    Ok(())
}

/// The generic checks hold for each backend, and a whole request can be
/// spawned on the runtime.
#[test]
fn futures_are_send_on_each_backend() {
    async_common::runtime().block_on(async {
        let db = async_common::sqlite("send", &async_common::options())
            .await
            .expect("SQLite");
        let engine = db.engine.clone();
        let task = tokio::spawn(async move { main_calls(&engine).await });
        task.await.expect("no panic").expect("the calls run");
    });
    // Compiled for the server backends too (run by the other tests).
    let _ = main_calls::<sqlalgebra_postgres::AsyncPgManager>;
    let _ = main_calls::<sqlalgebra_mysql::AsyncMysqlManager>;
}

/// A sync `Session` held across an `.await` in a spawned task compiles.
#[test]
fn a_session_can_be_held_across_await() {
    use sqlalgebra::Connection;
    use sqlalgebra::orm::Session;
    // `tokio::spawn` below requires the future to be `Send`.
    async fn spawnable<C: Connection + Send + 'static>(mut conn: C) {
        let s = Session::new(&mut conn);
        tokio::task::yield_now().await;
        drop(s);
    }
    let conn = sqlalgebra_sqlite::SqliteConnection::new(
        rusqlite::Connection::open_in_memory().expect("SQLite"),
    );
    async_common::runtime().block_on(async move {
        tokio::spawn(spawnable(conn)).await.expect("no panic");
    });
}
