//! A Galera node killed mid-run (SIGKILL by its PID) and restarted: 16
//! threads of transfers through a `MultiPrimaryEngine` over the 3 nodes
//! of scripts/cluster-up.sh keep the total, a transaction in flight on the
//! killed node fails with a typed error and leaves nothing, the engine
//! moves to the surviving nodes, and the node rejoins (IST or SST) and is
//! used again. Its own test binary: no other test runs while a node is
//! down. Every wait is bounded and polls a state, never a clock.

mod cluster_common;

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cluster_common::{GALERA, available};
use sqlalgebra::multi_primary::{MultiPrimaryEngine, MultiPrimaryOptions};
use sqlalgebra::prelude::*;
use sqlalgebra::retry::RetryPolicy;
use sqlalgebra::{ErrorKind, Result};
use sqlalgebra_mysql::{GALERA_READY, Mysql};

const TABLE: &str = "galera_kill_accounts";
const LEDGER: &str = "galera_kill_ledger";
const ACCOUNTS: i64 = 8;
const EACH: i64 = 1000;
/// The node killed: the third (port 3342), index 2.
const VICTIM: usize = 2;

fn node_script(action: &str, node: usize) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/cluster-node.sh");
    let status = Command::new("bash")
        .args([script, action, &(node + 1).to_string()])
        .status()
        .unwrap_or_else(|e| panic!("cannot run {script}: {e}"));
    assert!(
        status.success(),
        "{script} {action} {} failed: {status}",
        node + 1
    );
}

fn state(engine: &Engine<Mysql>) -> Result<i64> {
    text(GALERA_READY)
        .returns::<BigInt>()
        .get(&mut engine.connect()?)
}

/// Polls `done` every 20 ms until it holds, failing after `limit` (a bound
/// on a wait for a state, not a timing).
fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Balances and the transfers' ledger, read on `engine`'s node after it
/// applied everything committed anywhere before.
fn read(engine: &Engine<Mysql>) -> Result<(Vec<(i64, i64)>, Vec<(i64, i64, i64)>)> {
    let mut conn = engine.connect()?;
    conn.batch_execute("SET SESSION wsrep_sync_wait = 1")?;
    let balances = text(format!("SELECT id, balance FROM {TABLE} ORDER BY id"))
        .returns::<(BigInt, BigInt)>()
        .load(&mut conn)?;
    let ledger = text(format!("SELECT src, dst, amount FROM {LEDGER} ORDER BY id"))
        .returns::<(BigInt, BigInt, BigInt)>()
        .load(&mut conn)?;
    conn.batch_execute("SET SESSION wsrep_sync_wait = 0")?;
    Ok((balances, ledger))
}

#[test]
fn a_killed_node_loses_nothing_and_rejoins() -> Result<()> {
    let began = Instant::now();
    let options = PoolOptions::default()
        .size(2)
        .overflow(16)
        .timeout(Duration::from_secs(3))
        .pre_ping(true);
    let mut nodes = Vec::new();
    for url in GALERA {
        let mut engine = None;
        if !available(&format!("the Galera node {url}"), || {
            let e = Mysql::connect_with(url, &options).map_err(|e| e.to_string())?;
            match state(&e) {
                Ok(1) => {
                    engine = Some(e);
                    Ok(())
                }
                other => Err(format!("not synced: {other:?}")),
            }
        }) {
            return Ok(());
        }
        nodes.extend(engine);
    }
    {
        let mut conn = nodes[0].connect()?;
        conn.batch_execute(&format!(
            "DROP TABLE IF EXISTS {TABLE}, {LEDGER}; \
             CREATE TABLE {TABLE} (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL) ENGINE=InnoDB; \
             CREATE TABLE {LEDGER} (id BIGINT AUTO_INCREMENT PRIMARY KEY, src BIGINT NOT NULL, \
               dst BIGINT NOT NULL, amount BIGINT NOT NULL) ENGINE=InnoDB"
        ))?;
        for id in 1..=ACCOUNTS {
            text(format!("INSERT INTO {TABLE} VALUES (:id, :b)"))
                .bind("id", id)
                .bind("b", EACH)
                .execute(&mut conn)?;
        }
    }
    let cluster = MultiPrimaryEngine::new(
        nodes.clone(),
        MultiPrimaryOptions::default()
            .ready_check(GALERA_READY)
            .recheck_after(Duration::from_millis(300)),
    );

    // A transaction in flight on the victim: half a transfer, not
    // committed when the node dies.
    let mut in_flight = nodes[VICTIM].connect()?;
    in_flight.batch_execute("BEGIN")?;
    text(format!(
        "UPDATE {TABLE} SET balance = balance - 500 WHERE id = 1"
    ))
    .execute(&mut in_flight)?;

    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let policy = RetryPolicy::default()
        .attempts(200)
        .backoff(Duration::from_millis(1), Duration::from_millis(50));
    let threads: Vec<_> = (0..16u64)
        .map(|t| {
            let (cluster, stop, done, policy) = (
                cluster.clone(),
                Arc::clone(&stop),
                Arc::clone(&done),
                policy.clone(),
            );
            std::thread::spawn(move || {
                // Outcomes: error kinds seen (other than success).
                let mut errors: BTreeMap<&'static str, u64> = BTreeMap::new();
                let mut k = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let from = ((t + k) % ACCOUNTS as u64) as i64 + 1;
                    let to = ((t + 3 * k + 1) % ACCOUNTS as u64) as i64 + 1;
                    let amount = ((t * 7 + k) % 10 + 1) as i64;
                    k += 1;
                    if from == to {
                        continue;
                    }
                    let outcome = cluster.transaction_with_retry(&policy, |c| {
                        text(format!(
                            "UPDATE {TABLE} SET balance = balance - :a WHERE id = :id"
                        ))
                        .bind("a", amount)
                        .bind("id", from)
                        .execute(c)?;
                        text(format!(
                            "UPDATE {TABLE} SET balance = balance + :a WHERE id = :id"
                        ))
                        .bind("a", amount)
                        .bind("id", to)
                        .execute(c)?;
                        text(format!(
                            "INSERT INTO {LEDGER} (src, dst, amount) VALUES (:s, :d, :a)"
                        ))
                        .bind("s", from)
                        .bind("d", to)
                        .bind("a", amount)
                        .execute(c)
                    });
                    match outcome {
                        Ok(_) => {
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                        // Typed: a commit in doubt (the connection died
                        // during COMMIT), nothing else.
                        Err(e) if matches!(e.kind(), ErrorKind::Connection(_)) => {
                            assert!(e.commit_in_doubt().is_some(), "thread {t}: {e}");
                            *errors.entry("commit in doubt").or_default() += 1;
                        }
                        Err(e) => panic!("thread {t}: untyped or unexpected failure: {e:?}"),
                    }
                }
                errors
            })
        })
        .collect();

    // Kill the victim by its PID once transfers run on every node.
    wait_until("200 transfers", Duration::from_secs(20), || {
        done.load(Ordering::Relaxed) >= 200
    });
    node_script("kill", VICTIM);
    let before_kill = done.load(Ordering::Relaxed);
    let err = in_flight.batch_execute("COMMIT").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Connection(_)), "{err:?}");
    drop(in_flight);
    // The engine moves to the survivors: transfers go on without it.
    wait_until("the victim skipped", Duration::from_secs(20), || {
        cluster.nodes_down().contains(&VICTIM)
    });
    wait_until(
        "200 transfers on the survivors",
        Duration::from_secs(30),
        || done.load(Ordering::Relaxed) >= before_kill + 200,
    );
    // Restarted by the script, it rejoins (IST/SST) and is Synced...
    node_script("start", VICTIM);
    assert_eq!(state(&nodes[VICTIM])?, 1);
    // ...and the engine takes it back.
    wait_until("the victim used again", Duration::from_secs(10), || {
        matches!(cluster.connect_node(), Ok((VICTIM, _)))
    });
    let after_rejoin = done.load(Ordering::Relaxed);
    wait_until(
        "100 transfers after the rejoin",
        Duration::from_secs(20),
        || done.load(Ordering::Relaxed) >= after_rejoin + 100,
    );
    stop.store(true, Ordering::Relaxed);
    let mut errors: BTreeMap<&'static str, u64> = BTreeMap::new();
    for t in threads {
        for (k, n) in t.join().expect("transfer thread panicked") {
            *errors.entry(k).or_default() += n;
        }
    }

    // Nothing partial, nothing lost: on every node the same balances,
    // adding up, and each the result of the ledger's committed transfers
    // (the in-flight half transfer left nothing).
    let (balances, ledger) = read(&nodes[0])?;
    assert_eq!(balances.len(), ACCOUNTS as usize);
    assert_eq!(
        balances.iter().map(|(_, b)| b).sum::<i64>(),
        ACCOUNTS * EACH
    );
    let mut expected: BTreeMap<i64, i64> = (1..=ACCOUNTS).map(|id| (id, EACH)).collect();
    for (src, dst, amount) in &ledger {
        *expected.get_mut(src).expect("account") -= amount;
        *expected.get_mut(dst).expect("account") += amount;
    }
    assert_eq!(balances, expected.into_iter().collect::<Vec<_>>());
    for node in &nodes[1..] {
        assert_eq!(read(node)?, (balances.clone(), ledger.clone()));
    }
    let size: Vec<(String, String)> = text("SHOW STATUS LIKE 'wsrep_cluster_size'")
        .returns::<(Text, Text)>()
        .load(&mut nodes[VICTIM].connect()?)?;
    assert_eq!(size[0].1, "3");
    eprintln!(
        "galera kill: {} transfers committed, {} before the kill; errors {errors:?}; {:?} in all",
        ledger.len(),
        before_kill,
        began.elapsed()
    );
    assert!(began.elapsed() < Duration::from_secs(60));
    Ok(())
}
