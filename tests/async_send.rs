//! Compile-time checks: the futures of the async API are `Send` (they can
//! be spawned on a multi-threaded runtime), for any backend and for each
//! of the three; so are a sync `Session` held across an `.await`, the
//! pool and its connections, and `AsyncSession` with the futures of its
//! main calls.
#![cfg(feature = "async")]

mod async_common;
#[allow(unreachable_pub)] // the shared test modules are `pub` for every test crate
#[path = "orm_schema/mod.rs"]
mod orm_schema;

use async_common::{ItemObject, Items, item, items};
use sqlalgebra::Result;
use sqlalgebra::asyncio::AsyncPooled;
use sqlalgebra::asyncio::prelude::*;
use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
use sqlalgebra::orm::{AsyncSession, AsyncSessionFactory, Handle, SessionEvent, Synchronize};

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

/// The main calls of an `AsyncSession` and its factory, for any backend:
/// each future is checked, then run.
async fn session_calls<B: AsyncBackend>(engine: &AsyncEngine<B>) -> Result<()> {
    let factory = AsyncSessionFactory::new(engine.clone()).expire_on_commit(false);
    assert_send(&factory);
    let session = factory.session();
    assert_send(&session);
    let mut s = session.await?;
    assert_send(&s);
    let h = s.add(item(7_000, 70, "sent"));
    let flush = s.flush();
    assert_send(&flush);
    flush.await?;
    let get = s.get::<ItemObject>(7_000);
    assert_send(&get);
    assert_eq!(get.await?, Some(h));
    let get_many = s.get_many::<ItemObject>(&[7_000]);
    assert_send(&get_many);
    get_many.await?;
    let q = select((items::Id, items::Tag, items::Name, items::Qty)).filter(items::Tag.eq(70));
    let load = s.load::<ItemObject, _>(&q);
    assert_send(&load);
    assert_eq!(load.await?, [h]);
    let refresh = s.refresh(h);
    assert_send(&refresh);
    refresh.await?;
    s[h].qty = 1;
    let begin = s.begin_nested();
    assert_send(&begin);
    let sp = begin.await?;
    let release = s.release(sp);
    assert_send(&release);
    release.await?;
    let commit = s.commit();
    assert_send(&commit);
    commit.await?;
    // Bulk statements through the session (synchronize_session), with a
    // listener registered.
    s.listen(SessionEvent::AfterFlush, |_| Ok(()));
    let bulk = update(Items)
        .set(items::Qty.set(2))
        .filter(items::Id.eq(7_000));
    let execute = s.execute::<ItemObject>(&bulk);
    assert_send(&execute);
    assert_eq!(execute.await?, 1);
    let execute_with = s.execute_with::<ItemObject>(&bulk, Synchronize::Fetch);
    assert_send(&execute_with);
    execute_with.await?;
    assert_eq!(s[h].qty, 2);
    s.delete(h);
    let rollback = s.rollback();
    assert_send(&rollback);
    rollback.await?;
    let run = factory.run(|s| Box::pin(async move { s.get::<ItemObject>(7_000).await }));
    assert_send(&run);
    assert!(run.await?.is_some());
    Ok(())
}

/// The relationship loads of an `AsyncSession`, for any backend (checked
/// at compile time; run by tests/async_session.rs).
async fn relation_calls<B: AsyncBackend>(
    s: &mut AsyncSession<AsyncPooled<B>>,
    author: Handle<orm_schema::Author>,
    book: Handle<orm_schema::Book>,
) -> Result<()> {
    use orm_schema::{Author, Book, Genre};
    let authors = [author];
    let selectin = s.selectin_children::<Author, Book>(&authors);
    assert_send(&selectin);
    selectin.await?;
    let related = s.related::<Author, Book>(author);
    assert_send(&related);
    related.await?;
    let linked = s.linked::<Book, Genre>(book);
    assert_send(&linked);
    linked.await?;
    let parent = s.parent::<Book, Author>(book);
    assert_send(&parent);
    parent.await?;
    Ok(())
}

/// The model queries of an `AsyncSession`, for any backend: the builder's
/// terminals, with selectin and joined loading and row locks,
/// `get_for_update` and the polymorphic query (checked at
/// compile time; run by tests/async_query.rs).
async fn query_calls<B: AsyncBackend>(s: &mut AsyncSession<AsyncPooled<B>>) -> Result<()> {
    use orm_schema::staff::{Staff, employees};
    use orm_schema::{Author, Bio, Book, Genre, authors};
    use sqlalgebra::orm::RelatedExt;
    let all = s
        .query::<Author>()
        .filter(authors::Name.like("a%"))
        .order_by(authors::Name.asc())
        .limit(10)
        .selectin_children::<Book>()
        .all();
    assert_send(&all);
    all.await?;
    let joined = s
        .query::<Author>()
        .joined_children_with::<Book>(|b| b.joined_linked::<Genre>())
        .joined_child::<Bio>()
        .first();
    assert_send(&joined);
    joined.await?;
    let one = s
        .query::<Book>()
        .joined_parent::<Author>()
        .for_update()
        .one();
    assert_send(&one);
    one.await?;
    let pairs = s
        .query::<Author>()
        .join_related(Author::to_children::<Book>())
        .all_with::<Book>();
    assert_send(&pairs);
    pairs.await?;
    let locked = s.get_for_update::<Author>(1);
    assert_send(&locked);
    locked.await?;
    let staff = s
        .polymorphic::<Staff>()
        .filter(employees::Name.eq("ed"))
        .order_by(employees::Id.asc())
        .first();
    assert_send(&staff);
    staff.await?;
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
        let engine = db.engine.clone();
        let task = tokio::spawn(async move { session_calls(&engine).await });
        task.await
            .expect("no panic")
            .expect("the session's calls run");
    });
    // Compiled for the server backends too (run by the other tests).
    let _ = main_calls::<sqlalgebra_postgres::AsyncPgManager>;
    let _ = main_calls::<sqlalgebra_mysql::AsyncMysqlManager>;
    let _ = session_calls::<sqlalgebra_postgres::AsyncPgManager>;
    let _ = session_calls::<sqlalgebra_mysql::AsyncMysqlManager>;
    let _ = relation_calls::<sqlalgebra_sqlite::AsyncSqliteManager>;
    let _ = query_calls::<sqlalgebra_sqlite::AsyncSqliteManager>;
    let _ = query_calls::<sqlalgebra_postgres::AsyncPgManager>;
    let _ = query_calls::<sqlalgebra_mysql::AsyncMysqlManager>;
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
