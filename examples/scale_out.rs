//! Beyond one machine: a PostgreSQL primary with a hot standby (reads
//! routed to the standby, writes and transactions to the primary,
//! read-your-writes), pgbouncer in transaction pooling mode (unnamed
//! statements), and a 3-node MariaDB Galera cluster (writes on any node,
//! certification conflicts retried).
//!
//! Start the clusters with `bash scripts/cluster-up.sh`, then run it with
//! `cargo run --example scale_out`.

use std::time::Duration;

use sqlalgebra::prelude::*;
use sqlalgebra::retry::RetryPolicy;
use sqlalgebra::routing::{RoutingOptions, Target};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;

fn main() -> sqlalgebra::Result<()> {
    // --- primary + standby: the roles are asked from the servers ---
    let engine = Postgres::connect_routed(
        &["postgres://postgres@127.0.0.1:5440,127.0.0.1:5441/test"],
        &PoolOptions::default().timeout(Duration::from_secs(5)),
        &PoolOptions::default().timeout(Duration::from_secs(1)),
        RoutingOptions::default().read_your_writes(Duration::from_secs(2)),
    )?;
    let mut conn = engine.connect();
    conn.batch_execute(
        "DROP TABLE IF EXISTS scale_out_notes; \
         CREATE TABLE scale_out_notes (id int8 PRIMARY KEY, body text NOT NULL)",
    )?;
    text("INSERT INTO scale_out_notes VALUES (1, 'written on the primary')").execute(&mut conn)?;
    // Within the read-your-writes window: read on the primary.
    let body: String = text("SELECT body FROM scale_out_notes WHERE id = 1")
        .returns::<Text>()
        .get(&mut conn)?;
    println!("read back {body:?} on {:?}", conn.last_target());
    // A connection that has not written reads on the standby.
    let mut reader = engine.connect();
    let standby: bool = text("SELECT pg_is_in_recovery()")
        .returns::<Bool>()
        .get(&mut reader)?;
    assert_eq!(reader.last_target(), Some(Target::Replica(0)));
    println!("a fresh connection reads on the standby: {standby}");
    conn.batch_execute("DROP TABLE scale_out_notes")?;

    // --- pgbouncer, transaction pooling: unnamed statements ---
    let bouncer = Postgres::connect("postgres://postgres@127.0.0.1:6440/test?statements=unnamed")?;
    let mut pooled = bouncer.connect()?;
    let n: i64 = text("SELECT 40 + :n")
        .bind("n", 2i64)
        .returns::<BigInt>()
        .get(&mut pooled)?;
    println!(
        "through pgbouncer: {n}, {} statements prepared",
        pooled.cached_statements()
    );

    // --- Galera: write on any node, retry certification conflicts ---
    let node = Mysql::connect("mysql://root@127.0.0.1:3342/test")?;
    node.connect()?.batch_execute(
        "DROP TABLE IF EXISTS scale_out_accounts; \
         CREATE TABLE scale_out_accounts (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL); \
         INSERT INTO scale_out_accounts VALUES (1, 100), (2, 100)",
    )?;
    node.transaction_with_retry(&RetryPolicy::default(), |tx| {
        text("UPDATE scale_out_accounts SET balance = balance - 10 WHERE id = 1").execute(tx)?;
        text("UPDATE scale_out_accounts SET balance = balance + 10 WHERE id = 2").execute(tx)
    })?;
    let total: i64 = text("SELECT CAST(SUM(balance) AS SIGNED) FROM scale_out_accounts")
        .returns::<BigInt>()
        .get(&mut node.connect()?)?;
    println!("Galera total after a transfer: {total}");
    node.connect()?
        .batch_execute("DROP TABLE scale_out_accounts")?;
    Ok(())
}
