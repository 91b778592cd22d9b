//! Async statements on the three backends: `load`, `get`, `first`,
//! `execute`, `text()`, the SQL cache, streams and long INSERTs.
#![cfg(feature = "async")]

mod async_common;

use async_common::{Db, Item, Items, committed, insert, items, on_all_async_backends, owned};
use sqlalgebra::asyncio::prelude::*;
use sqlalgebra::asyncio::{AsyncBackend, Sql};
use sqlalgebra::{ErrorKind, Result};

async fn crud<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let mut c = db.engine.connect().await?;
    let rows = [(1, 10, "apple", 3), (2, 10, "pear", 5), (3, 20, "fig", 7)];
    assert_eq!(insert(&mut *c, &rows).await?, 3);
    assert_eq!(committed(db).await?, owned(&rows));

    let names: Vec<String> = select(items::Name)
        .filter(items::Tag.eq(10))
        .order_by(items::Id.asc())
        .load(&mut *c)
        .await?;
    assert_eq!(names, ["apple", "pear"]);
    let one: Item = select((items::Id, items::Tag, items::Name, items::Qty))
        .filter(items::Id.eq(3))
        .get(&mut *c)
        .await?;
    assert_eq!(one, (3, 20, "fig".to_owned(), 7));
    let none: Option<i64> = select(items::Id)
        .filter(items::Id.eq(99))
        .first(&mut *c)
        .await?;
    assert_eq!(none, None);
    let err = select(items::Id).get::<i64, _>(&mut *c).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooManyRows), "{err:?}");
    let err = select(items::Id)
        .filter(items::Id.eq(99))
        .get::<i64, _>(&mut *c)
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NotFound), "{err:?}");

    let n = update(Items)
        .set(items::Qty.set(items::Qty.add(1)))
        .filter(items::Tag.eq(10))
        .execute(&mut *c)
        .await?;
    assert_eq!(n, 2);
    let n = delete_from(Items)
        .filter(items::Id.eq(3))
        .execute(&mut *c)
        .await?;
    assert_eq!(n, 1);
    assert_eq!(
        committed(db).await?,
        owned(&[(1, 10, "apple", 4), (2, 10, "pear", 6)])
    );
    Ok(())
}

async fn text_statements<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let mut c = db.engine.connect().await?;
    let n = text("INSERT INTO async19_items (id, tag, name, qty) VALUES (:id, 1, :name, 2)")
        .bind("id", 7i64)
        .bind("name", "seven")
        .execute(&mut *c)
        .await?;
    assert_eq!(n, 1);
    let sum: i64 = text("SELECT qty + :n FROM async19_items WHERE id = :id")
        .bind("n", 40i64)
        .bind("id", 7i64)
        .returns::<BigInt>()
        .get(&mut *c)
        .await?;
    assert_eq!(sum, 42);
    assert_eq!(committed(db).await?, owned(&[(7, 1, "seven", 2)]));
    // A bad statement is the database's error, and the connection stays
    // usable.
    let err = text("SELECT nope FROM async19_items")
        .returns::<BigInt>()
        .load::<i64, _>(&mut *c)
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Query { .. }), "{err:?}");
    let n: i64 = select(count_star()).from(Items).get(&mut *c).await?;
    assert_eq!(n, 1);
    Ok(())
}

/// The same statement with other values is rendered once: the second run
/// finds its text in the connection's SQL cache.
async fn uses_the_sql_cache<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let mut c = db.engine.connect().await?;
    insert(&mut *c, &[(1, 1, "a", 1), (2, 2, "b", 2)]).await?;
    let before = c.sql_cache().map_or(0, |s| s.len());
    for id in [1i64, 2] {
        let name: String = select(items::Name)
            .filter(items::Id.eq(id))
            .get(&mut *c)
            .await?;
        assert_eq!(name, if id == 1 { "a" } else { "b" });
    }
    assert_eq!(c.sql_cache().map_or(0, |s| s.len()), before + 1);
    Ok(())
}

/// A stream yields every row in order; one dropped half-way leaves the
/// connection usable, inside a transaction and outside.
async fn streams_rows<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let mut c = db.engine.connect().await?;
    let rows: Vec<(i64, i64, String, i64)> = (1..=1000)
        .map(|i| (i, i % 7, format!("n{i}"), i * 2))
        .collect();
    let refs: Vec<(i64, i64, &str, i64)> = rows
        .iter()
        .map(|(a, b, s, d)| (*a, *b, s.as_str(), *d))
        .collect();
    assert_eq!(insert(&mut *c, &refs).await?, 1000);

    let q = select((items::Id, items::Qty)).order_by(items::Id.asc());
    let mut stream = q.stream::<(i64, i64), _>(&mut *c).await?;
    let mut seen = 0;
    while let Some(row) = stream.next().await {
        let (id, qty) = row?;
        seen += 1;
        assert_eq!((id, qty), (seen, seen * 2));
    }
    drop(stream);
    assert_eq!(seen, 1000);

    // Stopped early: the connection runs the next statement.
    let mut stream = q.stream::<(i64, i64), _>(&mut *c).await?;
    assert_eq!(stream.next().await.transpose()?, Some((1, 2)));
    drop(stream);
    let n: i64 = select(count_star()).from(Items).get(&mut *c).await?;
    assert_eq!(n, 1000);

    // Inside a transaction, with `for_each`, then a write that commits.
    let mut tx = c.begin().await?;
    let mut total = 0;
    select(items::Qty)
        .filter(items::Tag.eq(0))
        .stream::<i64, _>(&mut *tx)
        .await?
        .for_each(|q| {
            total += q;
            Ok(())
        })
        .await?;
    let expected: i64 = (1..=1000).filter(|i| i % 7 == 0).map(|i| i * 2).sum();
    assert_eq!(total, expected);
    let mut early = select(items::Id).stream::<i64, _>(&mut *tx).await?;
    assert!(early.next().await.is_some());
    drop(early);
    delete_from(Items)
        .filter(items::Id.gt(10))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    assert_eq!(committed(db).await?.len(), 10);
    Ok(())
}

/// An INSERT with more values than the backend binds is split, in one
/// transaction.
async fn splits_long_inserts<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let mut c = db.engine.connect().await?;
    let rows = c.dialect().max_binds() / 4 + 10;
    let values: Vec<_> = (0..rows as i64)
        .map(|i| {
            (
                items::Id.set(i),
                items::Tag.set(i % 3),
                items::Name.set("x"),
                items::Qty.set(i),
            )
        })
        .collect();
    let n = insert_into(Items).values(values).execute(&mut *c).await?;
    assert_eq!(n as usize, rows);
    let stored: i64 = select(count_star()).from(Items).get(&mut *c).await?;
    assert_eq!(stored as usize, rows);
    assert!(c.state().is_clean());
    Ok(())
}

/// `load`, `get` and `first` read the rows as they arrive (PostgreSQL
/// too: its row stream, not the whole result first): no rows, a caller
/// that stops after the first or fails half-way, a statement that fails
/// half-way; the connection runs its next statement each time.
async fn reads_rows_as_they_arrive<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    let mut c = db.engine.connect().await?;
    let q = select(items::Id).order_by(items::Id.asc());
    assert_eq!(q.load::<i64, _>(&mut *c).await?, Vec::<i64>::new());
    assert_eq!(q.first::<i64, _>(&mut *c).await?, None);

    let rows: Vec<(i64, i64, String, i64)> =
        (1..=1000).map(|i| (i, i % 7, format!("n{i}"), i)).collect();
    let refs: Vec<(i64, i64, &str, i64)> = rows
        .iter()
        .map(|(a, b, s, d)| (*a, *b, s.as_str(), *d))
        .collect();
    assert_eq!(insert(&mut *c, &refs).await?, 1000);
    assert_eq!(
        q.load::<i64, _>(&mut *c).await?,
        (1..=1000).collect::<Vec<_>>()
    );
    assert_eq!(q.first::<i64, _>(&mut *c).await?, Some(1));
    let err = q.get::<i64, _>(&mut *c).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooManyRows), "{err:?}");

    // Row 500 does not fit the caller's type: `load` fails there, `first`
    // never reads it.
    let half =
        text("SELECT CASE WHEN id = 500 THEN NULL ELSE id END FROM async19_items ORDER BY id")
            .returns::<BigInt>();
    let err = half.load::<i64, _>(&mut *c).await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::UnexpectedNull { .. }),
        "{err:?}"
    );
    assert_eq!(half.first::<i64, _>(&mut *c).await?, Some(1));
    let n: i64 = select(count_star()).from(Items).get(&mut *c).await?;
    assert_eq!(n, 1000);

    if c.dialect().name() == "postgres" {
        // The statement itself fails at the row with id 500, after the
        // rows before it (in the table's order) were sent: with
        // `sqlalgebra-postgres`'s feature `row-stream` they reach the
        // caller one by one, without it the result is fetched whole and
        // none does; either way the error is reported whether the caller
        // read on or stopped at the first.
        let failing = "SELECT 1 / (500 - id) FROM async19_items";
        let mut seen = 0;
        let err = c
            .query_sql(Sql::Text(failing), &[], |_| {
                seen += 1;
                Ok(true)
            })
            .await
            .unwrap_err();
        assert!(seen == 499 || seen == 0, "{seen} rows before the error");
        assert!(err.to_string().contains("division by zero"), "{err}");
        let failing = text(failing).returns::<BigInt>();
        let err = failing.first::<i64, _>(&mut *c).await.unwrap_err();
        assert!(err.to_string().contains("division by zero"), "{err}");
        // In a transaction the error aborts it: the caller of `first`
        // hears of it, and the rollback makes the connection usable.
        let mut tx = c.begin().await?;
        let err = failing.load::<i64, _>(&mut *tx).await.unwrap_err();
        assert!(err.to_string().contains("division by zero"), "{err}");
        tx.rollback().await?;
        assert!(c.state().is_clean());
    }

    // A caller failing half-way in a transaction: the transaction goes on.
    let mut tx = c.begin().await?;
    assert!(half.load::<i64, _>(&mut *tx).await.is_err());
    let n = delete_from(Items)
        .filter(items::Id.gt(10))
        .execute(&mut *tx)
        .await?;
    assert_eq!(n, 990);
    tx.commit().await?;
    let kept: Vec<Item> = (1..=10).map(|i| (i, i % 7, format!("n{i}"), i)).collect();
    assert_eq!(committed(db).await?, kept);
    assert!(c.state().is_clean());
    Ok(())
}

on_all_async_backends!(
    crud,
    text_statements,
    uses_the_sql_cache,
    streams_rows,
    splits_long_inserts,
    reads_rows_as_they_arrive
);

/// MySQL: a connection prepares each text once and keeps the statement,
/// up to `stmt_cache_size` of them; when that many are kept, they are
/// closed on the server. Counted by the server (`Com_stmt_prepare`,
/// `Com_stmt_close` of the session).
#[test]
fn mysql_prepares_each_text_once() {
    const NAME: &str = "prepares_each_text_once";
    if !async_common::mysql_ready(NAME) {
        return;
    }
    async_common::runtime()
        .block_on(async {
            let db = async_common::mysql(NAME, &async_common::options())
                .await
                .expect("MySQL");
            let url = async_common::common::mysql_url_with_database(
                &async_common::common::mysql_url(),
                &async_common::common::mysql_database(NAME),
            );
            let url = format!("{url}?stmt_cache_size=3");
            let mut c = sqlalgebra_mysql::AsyncMysqlManager::new(&url)?
                .connect()
                .await?;
            async fn counts<C: AsyncConnection>(c: &mut C) -> Result<(i64, i64)> {
                let status = |name: &'static str| {
                    text(
                    "SELECT CAST(VARIABLE_VALUE AS SIGNED) FROM information_schema.SESSION_STATUS \
                     WHERE VARIABLE_NAME = :name",
                )
                .bind("name", name)
                .returns::<BigInt>()
                };
                let prepared = status("COM_STMT_PREPARE").get(&mut *c).await?;
                let closed = status("COM_STMT_CLOSE").get(&mut *c).await?;
                Ok((prepared, closed))
            }
            insert(&mut c, &[(1, 1, "a", 1), (2, 2, "b", 2), (3, 3, "c", 3)]).await?;
            let (p0, c0) = counts(&mut c).await?;
            for id in 1..=3 {
                let tag: i64 = select(items::Tag)
                    .filter(items::Id.eq(id))
                    .get(&mut c)
                    .await?;
                assert_eq!(tag, id);
            }
            let (p1, c1) = counts(&mut c).await?;
            assert_eq!((p1 - p0, c1 - c0), (1, 0), "one text, prepared once");
            // Kept: the insert, the status query, the lookup: the cache is
            // full, so the next text closes all three.
            let names: Vec<String> = select(items::Name)
                .order_by(items::Id.asc())
                .load(&mut c)
                .await?;
            assert_eq!(names, ["a", "b", "c"]);
            let n: i64 = select(count_star()).from(Items).get(&mut c).await?;
            assert_eq!(n, 3);
            let (p2, c2) = counts(&mut c).await?;
            assert_eq!(
                (p2 - p1, c2 - c1),
                (3, 3),
                "three closed, then the status query again"
            );
            assert_eq!(
                committed(&db).await?,
                owned(&[(1, 1, "a", 1), (2, 2, "b", 2), (3, 3, "c", 3)])
            );
            Ok::<_, sqlalgebra::Error>(())
        })
        .unwrap();
}
