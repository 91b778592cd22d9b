//! The async SQLite connection's transport (`src/async_thread.rs`): rows
//! come from the connection's thread in batches of 256, the first with the
//! answer and the rest over a bounded channel. Results below, at and above
//! a batch (and two, and three) arrive whole and in order, through `load`,
//! `first`, `get` and `stream`; a query stopped early, a dropped stream and
//! a dropped future stop the thread's query (an endless one: the next
//! statement would never run otherwise); an error after some rows comes
//! after those rows; column names are the query's, for text and for
//! cached statements.
#![cfg(feature = "async")]

use sqlalgebra::asyncio::prelude::*;
use sqlalgebra::asyncio::{AsyncConnection, RawRows, Sql};
use sqlalgebra::value::Row;
use sqlalgebra::{Error, ErrorKind, Result};
use sqlalgebra_sqlite::{AsyncSqliteConnection, AsyncSqliteManager};

/// `batches_t (a, b)`, for statements through the SQL cache.
#[derive(Clone, Copy, Debug, Default)]
struct T;
impl Table for T {
    const NAME: &'static str = "batches_t";
    type Columns = (A, B);
    type PrimaryKey = A;
}
#[derive(Clone, Copy, Debug, Default)]
struct A;
impl Column for A {
    type Table = T;
    type SqlType = BigInt;
    const NAME: &'static str = "a";
}
#[derive(Clone, Copy, Debug, Default)]
struct B;
impl Column for B {
    type Table = T;
    type SqlType = Text;
    const NAME: &'static str = "b";
}

/// The sizes around the batch boundaries (batches of 256 rows).
const SIZES: [i64; 13] = [0, 1, 2, 255, 256, 257, 511, 512, 513, 767, 768, 769, 3000];

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime")
}

/// `n` rows `(i, 'r' || i)` for `i` in `1..=n`.
fn numbered(n: i64) -> String {
    format!(
        "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {n}) \
         SELECT i, 'r' || i FROM c WHERE {n} > 0"
    )
}

fn expected(n: i64) -> Vec<(i64, String)> {
    (1..=n).map(|i| (i, format!("r{i}"))).collect()
}

/// An endless query: only a stop on the thread lets the connection run
/// its next statement.
const ENDLESS: &str =
    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT i, 'x' FROM c";

/// The connection answers: the thread is not stuck in an earlier query.
async fn answers(c: &mut AsyncSqliteConnection) -> Result<()> {
    let n: i64 = text("SELECT 7").returns::<BigInt>().get(c).await?;
    assert_eq!(n, 7);
    Ok(())
}

#[test]
fn every_size_arrives_whole_and_in_order() -> Result<()> {
    runtime().block_on(async {
        let mut c = AsyncSqliteConnection::open_in_memory()?;
        for n in SIZES {
            let q = text(numbered(n)).returns::<(BigInt, Text)>();
            let loaded: Vec<(i64, String)> = q.load(&mut c).await?;
            assert_eq!(loaded, expected(n), "load of {n} rows");

            let mut streamed = Vec::new();
            let mut rows = q.stream::<(i64, String), _>(&mut c).await?;
            while let Some(row) = rows.next().await {
                streamed.push(row?);
            }
            // Still the end after the end.
            assert!(rows.next().await.is_none());
            drop(rows);
            assert_eq!(streamed, expected(n), "stream of {n} rows");

            let first: Option<(i64, String)> = q.first(&mut c).await?;
            assert_eq!(first, expected(n).into_iter().next());
            let got = q.get::<(i64, String), _>(&mut c).await;
            match n {
                0 => assert!(matches!(
                    got.as_ref().map_err(Error::kind),
                    Err(ErrorKind::NotFound)
                )),
                1 => assert_eq!(got?, (1, "r1".to_owned())),
                _ => assert!(matches!(
                    got.as_ref().map_err(Error::kind),
                    Err(ErrorKind::TooManyRows)
                )),
            }
        }
        Ok(())
    })
}

#[test]
fn queries_stopped_early_stop_on_the_thread() -> Result<()> {
    runtime().block_on(async {
        let mut c = AsyncSqliteConnection::open_in_memory()?;
        let q = text(ENDLESS).returns::<(BigInt, Text)>();
        // `first` stops after one row; `get` after the second.
        assert_eq!(
            q.first::<(i64, String), _>(&mut c).await?,
            Some((1, "x".to_owned()))
        );
        answers(&mut c).await?;
        assert!(matches!(
            q.get::<(i64, String), _>(&mut c)
                .await
                .as_ref()
                .map_err(Error::kind),
            Err(ErrorKind::TooManyRows)
        ));
        answers(&mut c).await?;
        // A stream dropped in the first batch, at its end, in the second,
        // in the fifth.
        for taken in [1, 256, 257, 1100] {
            let mut rows = q.stream::<(i64, String), _>(&mut c).await?;
            for i in 1..=taken {
                assert_eq!(rows.next().await.transpose()?, Some((i, "x".to_owned())));
            }
            drop(rows);
            answers(&mut c).await?;
        }
        Ok(())
    })
}

#[test]
fn dropped_futures_stop_on_the_thread() -> Result<()> {
    runtime().block_on(async {
        let mut c = AsyncSqliteConnection::open_in_memory()?;
        let q = text(ENDLESS).returns::<(BigInt, Text)>();
        // Polled once (the query is sent to the thread) and dropped.
        {
            let mut load = Box::pin(q.load::<(i64, String), _>(&mut c));
            let polled = std::future::poll_fn(|cx| {
                std::task::Poll::Ready(std::future::Future::poll(load.as_mut(), cx).is_pending())
            })
            .await;
            assert!(polled, "an endless load cannot be ready");
        }
        answers(&mut c).await?;
        {
            let mut stream = Box::pin(q.stream::<(i64, String), _>(&mut c));
            let _ = std::future::poll_fn(|cx| {
                std::task::Poll::Ready(std::future::Future::poll(stream.as_mut(), cx).is_pending())
            })
            .await;
        }
        answers(&mut c).await?;
        Ok(())
    })
}

/// `n` rows, the `at`-th of which fails (integer overflow in `abs`).
fn failing_at(at: i64) -> String {
    format!(
        "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000) \
         SELECT i, abs(CASE WHEN i = {at} THEN -9223372036854775807 - 1 ELSE i END) FROM c"
    )
}

#[test]
fn an_error_after_some_rows_follows_them() -> Result<()> {
    runtime().block_on(async {
        let mut c = AsyncSqliteConnection::open_in_memory()?;
        for at in [1, 2, 256, 257, 258, 513, 900] {
            let q = text(failing_at(at)).returns::<(BigInt, BigInt)>();
            let loaded = q.load::<(i64, i64), _>(&mut c).await;
            assert!(
                matches!(
                    loaded.as_ref().map_err(Error::kind),
                    Err(ErrorKind::Query { .. })
                ),
                "load failing at row {at}"
            );
            let mut rows = q.stream::<(i64, i64), _>(&mut c).await?;
            for i in 1..at {
                assert_eq!(rows.next().await.transpose()?, Some((i, i)));
            }
            let failed = rows.next().await;
            assert!(
                matches!(
                    failed.as_ref().map(|r| r.as_ref().map_err(Error::kind)),
                    Some(Err(ErrorKind::Query { .. }))
                ),
                "row {at} of the stream"
            );
            drop(rows);
            answers(&mut c).await?;
        }
        // An error before any row (no such table) and at preparing.
        let missing = text("SELECT x FROM missing").returns::<BigInt>();
        assert!(missing.load::<i64, _>(&mut c).await.is_err());
        let mut rows = missing.stream::<i64, _>(&mut c).await?;
        assert!(matches!(rows.next().await, Some(Err(_))));
        drop(rows);
        answers(&mut c).await?;
        // A failed statement's values are not bound to the next one.
        let failing = text("SELECT x FROM missing WHERE x = :a").bind("a", 1i64);
        assert!(
            failing
                .returns::<BigInt>()
                .load::<i64, _>(&mut c)
                .await
                .is_err()
        );
        let n: i64 = text("SELECT :n")
            .bind("n", 5i64)
            .returns::<BigInt>()
            .get(&mut c)
            .await?;
        assert_eq!(n, 5);
        Ok(())
    })
}

/// The column names of the first row of `sql`.
async fn names(c: &mut AsyncSqliteConnection, sql: Sql<'_>) -> Result<Vec<String>> {
    let mut rows = c.stream_sql(sql, &[]).await?;
    let names = rows
        .next_row(|row| {
            Ok((0..row.len())
                .map(|i| row.column_name(i).to_owned())
                .collect())
        })
        .await;
    names.unwrap_or_else(|| Ok(Vec::new()))
}

#[test]
fn column_names_are_the_querys() -> Result<()> {
    runtime().block_on(async {
        let engine = AsyncEngine::build(AsyncSqliteManager::memory()?, &PoolOptions::default()).await?;
        let mut c = engine.connect().await?;
        let c: &mut AsyncSqliteConnection = &mut c;
        c.batch_execute("CREATE TABLE batches_t (a INTEGER, b TEXT); INSERT INTO batches_t VALUES (1, NULL)")
            .await?;
        for _ in 0..2 {
            assert_eq!(names(c, Sql::Text("SELECT a, b AS bee FROM batches_t")).await?, ["a", "bee"]);
            assert_eq!(names(c, Sql::Text("SELECT 1 AS x, 2 AS y, 3 AS z")).await?, ["x", "y", "z"]);
            // Through the SQL cache (the second time, the names kept with
            // the statement): a NULL where text is expected names its
            // column.
            let loaded = select((A, B)).load::<(i64, String), _>(c).await;
            assert!(
                matches!(loaded.as_ref().map_err(Error::kind), Err(ErrorKind::UnexpectedNull { column }) if column == "b"),
                "the error names column b"
            );
            let loaded = select((B, A)).load::<(Option<String>, i64), _>(c).await?;
            assert_eq!(loaded, [(None, 1)]);
        }
        // Kept with the statement kept by its text: read again when SQLite
        // prepares it anew after a schema change.
        assert_eq!(names(c, Sql::Text("SELECT * FROM batches_t")).await?, ["a", "b"]);
        c.batch_execute("ALTER TABLE batches_t RENAME COLUMN b TO c").await?;
        assert_eq!(names(c, Sql::Text("SELECT * FROM batches_t")).await?, ["a", "c"]);
        // More texts than are kept (64): the least recently used leave,
        // and come back with their own names.
        for _ in 0..2 {
            for i in 0..100 {
                let sql = format!("SELECT {i} AS n{i}, 'x' AS r");
                assert_eq!(names(c, Sql::Text(&sql)).await?, [format!("n{i}"), "r".to_owned()]);
            }
        }
        // Each batch carries its names, and each row reads them.
        let q = text(numbered(600)).returns::<(BigInt, Text)>();
        let mut rows = q.stream::<(i64, String), _>(c).await?;
        drop(rows.next().await);
        drop(rows);
        let mut rows = c.stream_sql(Sql::Text(&numbered(600)), &[]).await?;
        let mut seen = 0;
        while let Some(row) = rows
            .next_row(|row| Ok((row.column_name(0).to_owned(), row.column_name(1).to_owned())))
            .await
        {
            assert_eq!(row?, ("i".to_owned(), "'r' || i".to_owned()));
            seen += 1;
        }
        assert_eq!(seen, 600);
        Ok(())
    })
}
