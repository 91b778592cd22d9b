//! Multi-primary writes on a real 3-node MariaDB Galera cluster
//! (scripts/cluster-up.sh: 3340, 3341, 3342): certification conflicts are
//! `ErrorKind::Conflict`, and `transaction_with_retry` runs them again.

mod cluster_common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use cluster_common::{GALERA, available};
use sqlalgebra::prelude::*;
use sqlalgebra::retry::{RetryPolicy, transaction_with_retry};
use sqlalgebra::{ErrorKind, Result};
use sqlalgebra_mysql::Mysql;

/// An engine per node, if the cluster runs and all three are synced.
fn nodes() -> Option<Vec<Engine<Mysql>>> {
    let mut engines = Vec::new();
    for url in GALERA {
        let probe = || -> std::result::Result<Engine<Mysql>, String> {
            let options = PoolOptions::default()
                .size(1)
                .overflow(8)
                .timeout(Duration::from_secs(5));
            let engine = Mysql::connect_with(url, &options).map_err(|e| e.to_string())?;
            let mut conn = engine.connect().map_err(|e| e.to_string())?;
            let state: Vec<(String, String)> = text("SHOW STATUS LIKE 'wsrep_local_state_comment'")
                .returns::<(Text, Text)>()
                .load(&mut conn)
                .map_err(|e| e.to_string())?;
            match state.first() {
                Some((_, s)) if s == "Synced" => Ok(engine),
                other => Err(format!("node at {url} is not synced: {other:?}")),
            }
        };
        let mut engine = None;
        if !available(&format!("the Galera node {url}"), || {
            probe().map(|e| engine = Some(e))
        }) {
            return None;
        }
        engines.extend(engine);
    }
    Some(engines)
}

/// The balances, read on `engine`'s node after it applied everything
/// committed anywhere before (`wsrep_sync_wait`).
fn balances(engine: &Engine<Mysql>, table: &str) -> Result<Vec<(i64, i64)>> {
    let mut conn = engine.connect()?;
    conn.batch_execute("SET SESSION wsrep_sync_wait = 1")?;
    let rows = text(format!("SELECT id, balance FROM {table} ORDER BY id"))
        .returns::<(BigInt, BigInt)>()
        .load(&mut conn);
    conn.batch_execute("SET SESSION wsrep_sync_wait = 0")?;
    rows
}

fn create_accounts(engine: &Engine<Mysql>, table: &str, n: i64, each: i64) -> Result<()> {
    let mut conn = engine.connect()?;
    conn.batch_execute(&format!(
        "DROP TABLE IF EXISTS {table}; \
         CREATE TABLE {table} (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL) ENGINE=InnoDB"
    ))?;
    for id in 1..=n {
        text(format!("INSERT INTO {table} VALUES (:id, :b)"))
            .bind("id", id)
            .bind("b", each)
            .execute(&mut conn)?;
    }
    Ok(())
}

#[test]
fn a_certification_conflict_is_a_retryable_conflict_and_is_retried() -> Result<()> {
    let Some(nodes) = nodes() else {
        return Ok(());
    };
    let table = "galera_conflict";
    create_accounts(&nodes[0], table, 1, 100)?;
    // Every statement waits until its node has applied what the cluster
    // committed before it (wsrep_sync_wait: reads 1 + UPDATE/DELETE 2), so
    // the only conflict is the one staged below: without it, node 2 could
    // still be applying the INSERT when its UPDATE runs, and the applier
    // aborts that local transaction instead (a deadlock on its COMMIT).
    let causal = |engine: &Engine<Mysql>| -> Result<_> {
        let mut conn = engine.connect()?;
        conn.batch_execute("SET SESSION wsrep_sync_wait = 3")?;
        Ok(conn)
    };
    let mut first = causal(&nodes[0])?;
    let mut second = causal(&nodes[1])?;

    // Two nodes change the same row; the second commits first, so the
    // first one's COMMIT loses certification.
    let update = format!("UPDATE {table} SET balance = balance + :d WHERE id = 1");
    first.batch_execute("BEGIN")?;
    text(&update).bind("d", 1i64).execute(&mut first)?;
    second.transaction(|c| text(&update).bind("d", 10i64).execute(c))?;
    let err = first.batch_execute("COMMIT").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Conflict { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert!(
        err.to_string().contains("Deadlock") || err.to_string().contains("WSREP"),
        "{err}"
    );
    drop(first);

    // The same interleaving under transaction_with_retry: the first
    // attempt conflicts, the second commits (its UPDATE waits until node 1
    // has applied the winner's write set, so it cannot conflict again).
    let mut first = causal(&nodes[0])?;
    let mut attempts = 0;
    let policy = RetryPolicy::default()
        .attempts(5)
        .backoff(Duration::from_millis(1), Duration::from_millis(10));
    transaction_with_retry(&mut first, &policy, |c| {
        attempts += 1;
        text(&update).bind("d", 1i64).execute(c)?;
        if attempts == 1 {
            second.transaction(|s| text(&update).bind("d", 10i64).execute(s))?;
        }
        Ok(())
    })?;
    assert_eq!(attempts, 2);
    // 100 + 10 (lost race) + 10 + 1: the failed attempts left nothing.
    for node in &nodes {
        assert_eq!(balances(node, table)?, [(1, 121)]);
    }
    Ok(())
}

#[test]
fn sixteen_threads_on_three_nodes_keep_the_total() -> Result<()> {
    let Some(nodes) = nodes() else {
        return Ok(());
    };
    let table = "galera_transfers";
    let accounts = 4i64;
    create_accounts(&nodes[0], table, accounts, 1000)?;
    let attempts = Arc::new(AtomicU64::new(0));
    let transfers_per_thread = 25u64;
    let policy = RetryPolicy::default()
        .attempts(100)
        .backoff(Duration::from_millis(1), Duration::from_millis(20));
    let threads: Vec<_> = (0..16u64)
        .map(|t| {
            let engine = nodes[(t % 3) as usize].clone();
            let attempts = Arc::clone(&attempts);
            let policy = policy.clone();
            std::thread::spawn(move || -> Result<()> {
                let mut conn = engine.connect()?;
                for k in 0..transfers_per_thread {
                    let from = ((t + k) % accounts as u64) as i64 + 1;
                    let to = ((t + 2 * k + 1) % accounts as u64) as i64 + 1;
                    let amount = (t * 7 + k) as i64 % 10 + 1;
                    transaction_with_retry(&mut conn, &policy, |c| {
                        attempts.fetch_add(1, Ordering::Relaxed);
                        text(format!(
                            "UPDATE {table} SET balance = balance - :a WHERE id = :id"
                        ))
                        .bind("a", amount)
                        .bind("id", from)
                        .execute(c)?;
                        text(format!(
                            "UPDATE {table} SET balance = balance + :a WHERE id = :id"
                        ))
                        .bind("a", amount)
                        .bind("id", to)
                        .execute(c)?;
                        Ok(())
                    })?;
                }
                Ok(())
            })
        })
        .collect();
    for t in threads {
        t.join().expect("transfer thread panicked")?;
    }
    let done = 16 * transfers_per_thread;
    let conflicts = attempts.load(Ordering::Relaxed) - done;
    eprintln!("galera: {done} transfers on 3 nodes, {conflicts} conflicts retried");
    // Every node holds the same balances, and they add up.
    let on_first = balances(&nodes[0], table)?;
    assert_eq!(on_first.len(), accounts as usize);
    assert_eq!(
        on_first.iter().map(|(_, b)| b).sum::<i64>(),
        accounts * 1000
    );
    for node in &nodes[1..] {
        assert_eq!(balances(node, table)?, on_first);
    }
    Ok(())
}
