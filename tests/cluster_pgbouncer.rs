//! PostgreSQL through pgbouncer in transaction pooling mode
//! (scripts/cluster-up.sh: 6440, in front of the primary on 5440), with
//! unnamed statements (`statements=unnamed`). The rest of the PostgreSQL
//! suite runs through it too: `.ci/run` sets `SQLALGEBRA_PG_PROXY_URL`.

mod cluster_common;

use std::time::Duration;

use cluster_common::{PG_BOUNCER, available, pg_up};
use sqlalgebra::prelude::*;
use sqlalgebra::{ErrorKind, Result};
use sqlalgebra_postgres::{PgManager, Postgres};

fn bouncer(pool: u32) -> Option<Engine<Postgres>> {
    if !available("pgbouncer (6440)", || pg_up(PG_BOUNCER)) {
        return None;
    }
    let options = PoolOptions::default()
        .size(0)
        .overflow(pool)
        .timeout(Duration::from_secs(10));
    let manager = PgManager::from_url(&format!("{PG_BOUNCER}?statements=unnamed")).unwrap();
    assert!(manager.runs_unnamed());
    Some(Engine::build(manager, &options).expect("engine through pgbouncer"))
}

#[test]
fn statements_and_transactions_run_through_transaction_pooling() -> Result<()> {
    let Some(engine) = bouncer(4) else {
        return Ok(());
    };
    let mut conn = engine.connect()?;
    conn.batch_execute(
        "DROP TABLE IF EXISTS bouncer_items; \
         CREATE TABLE bouncer_items (id int8 PRIMARY KEY, name text NOT NULL, day date)",
    )?;
    // Outside a transaction each statement may run on another server
    // connection: unnamed statements need none to be prepared there.
    for id in 1..=20i64 {
        let n = text("INSERT INTO bouncer_items (id, name, day) VALUES (:id, :name, :day)")
            .bind("id", id)
            .bind("name", format!("item {id}"))
            .bind("day", "2024-03-31")
            .execute(&mut conn)?;
        assert_eq!(n, 1);
    }
    assert_eq!(conn.cached_statements(), 0);
    // A rolled-back transaction leaves nothing; a committed one stays.
    let failed: Result<()> = conn.transaction(|tx| {
        text("DELETE FROM bouncer_items WHERE id <= 10").execute(tx)?;
        Err(ErrorKind::InvalidStatement("changed my mind".into()).into())
    });
    assert!(failed.is_err());
    let deleted =
        conn.transaction(|tx| text("DELETE FROM bouncer_items WHERE id > 15").execute(tx))?;
    assert_eq!(deleted, 5);
    let rows: Vec<(i64, String, String)> =
        text("SELECT id, name, day::text FROM bouncer_items WHERE id IN (:a, :b, :c) ORDER BY id")
            .bind("a", 1i64)
            .bind("b", 15i64)
            .bind("c", 16i64)
            .returns::<(BigInt, Text, Text)>()
            .load(&mut conn)?;
    assert_eq!(
        rows,
        [
            (1, "item 1".to_owned(), "2024-03-31".to_owned()),
            (15, "item 15".to_owned(), "2024-03-31".to_owned())
        ]
    );
    let n: i64 = text("SELECT count(*) FROM bouncer_items")
        .returns::<BigInt>()
        .get(&mut conn)?;
    assert_eq!(n, 15);
    conn.batch_execute("DROP TABLE bouncer_items")?;
    Ok(())
}

#[test]
fn many_clients_share_few_server_connections_without_prepared_statements() -> Result<()> {
    let Some(engine) = bouncer(16) else {
        return Ok(());
    };
    engine.connect()?.batch_execute(
        "DROP TABLE IF EXISTS bouncer_counts; \
         CREATE TABLE bouncer_counts (id int8 PRIMARY KEY, n int8 NOT NULL); \
         INSERT INTO bouncer_counts VALUES (1, 0)",
    )?;
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let engine = engine.clone();
            std::thread::spawn(move || -> Result<()> {
                let mut conn = engine.connect()?;
                for _ in 0..25 {
                    conn.transaction(|tx| {
                        text("UPDATE bouncer_counts SET n = n + :one WHERE id = 1")
                            .bind("one", 1i64)
                            .execute(tx)
                    })?;
                    // No statement is left prepared on any server
                    // connection this one lands on.
                    let prepared: i64 = text("SELECT count(*) FROM pg_prepared_statements")
                        .returns::<BigInt>()
                        .get(&mut conn)?;
                    assert_eq!(prepared, 0);
                }
                Ok(())
            })
        })
        .collect();
    for t in threads {
        t.join().expect("client thread panicked")?;
    }
    let mut conn = engine.connect()?;
    let n: i64 = text("SELECT n FROM bouncer_counts WHERE id = 1")
        .returns::<BigInt>()
        .get(&mut conn)?;
    assert_eq!(n, 200);
    conn.batch_execute("DROP TABLE bouncer_counts")?;
    Ok(())
}
