//! Beyond one machine: a PostgreSQL primary with a hot standby (reads
//! routed to the standby, writes and transactions to the primary,
//! read-your-writes), pgbouncer in transaction pooling mode (unnamed
//! statements), a 3-node MariaDB Galera cluster (writes on any node,
//! certification conflicts retried, nodes that are not Synced skipped),
//! and orders sharded over three PostgreSQL databases (by key, fan-out
//! queries merged, a sharded ORM session).
//!
//! Start the clusters with `bash scripts/cluster-up.sh`, then run it with
//! `cargo run --example scale_out`.

use std::time::Duration;

use sqlalgebra::multi_primary::{MultiPrimaryEngine, MultiPrimaryOptions};
use sqlalgebra::prelude::*;
use sqlalgebra::retry::RetryPolicy;
use sqlalgebra::routing::{RoutingOptions, Target};
use sqlalgebra::shard::{ByKey, ShardedEngine, ShardedSession};
use sqlalgebra::value::ValueRef;
use sqlalgebra_mysql::{GALERA_READY, Mysql};
use sqlalgebra_postgres::Postgres;

/// The sharded table: orders, on shard `id % 3`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Orders;
impl Table for Orders {
    const NAME: &'static str = "scale_out_orders";
    type Columns = (orders::Id, orders::Customer, orders::Amount);
    type PrimaryKey = orders::Id;
}

mod orders {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Customer;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Amount;
    impl Column for Id {
        type Table = super::Orders;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    impl Column for Customer {
        type Table = super::Orders;
        type SqlType = Text;
        const NAME: &'static str = "customer";
    }
    impl Column for Amount {
        type Table = super::Orders;
        type SqlType = BigInt;
        const NAME: &'static str = "amount";
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Order {
    id: i64,
    customer: String,
    amount: i64,
}

impl Model for Order {
    type Table = Orders;
    type Columns = (orders::Id, orders::Customer, orders::Amount);
    type Row = (i64, String, i64);
    type Key = i64;
    fn from_row((id, customer, amount): Self::Row) -> Self {
        Order {
            id,
            customer,
            amount,
        }
    }
    fn values(&self) -> (&i64, &String, &i64) {
        (&self.id, &self.customer, &self.amount)
    }
    fn key(&self) -> i64 {
        self.id
    }
}

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

    // --- Galera: write on any node (a Synced one), retry conflicts ---
    let nodes = ["3340", "3341", "3342"]
        .iter()
        .map(|port| {
            Mysql::connect_with(
                &format!("mysql://root@127.0.0.1:{port}/test"),
                &PoolOptions::default()
                    .timeout(Duration::from_secs(3))
                    .pre_ping(true),
            )
        })
        .collect::<sqlalgebra::Result<Vec<_>>>()?;
    let cluster = MultiPrimaryEngine::new(
        nodes,
        MultiPrimaryOptions::default().ready_check(GALERA_READY),
    );
    cluster.connect()?.batch_execute(
        "DROP TABLE IF EXISTS scale_out_accounts; \
         CREATE TABLE scale_out_accounts (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL); \
         INSERT INTO scale_out_accounts VALUES (1, 100), (2, 100)",
    )?;
    cluster.transaction_with_retry(&RetryPolicy::default(), |tx| {
        text("UPDATE scale_out_accounts SET balance = balance - 10 WHERE id = 1").execute(tx)?;
        text("UPDATE scale_out_accounts SET balance = balance + 10 WHERE id = 2").execute(tx)
    })?;
    let (node, mut conn) = cluster.connect_node()?;
    conn.batch_execute("SET SESSION wsrep_sync_wait = 1")?;
    let total: i64 = text("SELECT CAST(SUM(balance) AS SIGNED) FROM scale_out_accounts")
        .returns::<BigInt>()
        .get(&mut conn)?;
    println!(
        "Galera total after a transfer, read on node {}: {total}",
        node + 1
    );
    conn.batch_execute("DROP TABLE scale_out_accounts")?;
    drop(conn);

    shards()
}

/// Orders over three PostgreSQL databases of the cluster's primary.
fn shards() -> sqlalgebra::Result<()> {
    use orders::{Amount, Customer, Id};
    let admin = Postgres::connect("postgres://postgres@127.0.0.1:5440/postgres")?;
    let mut engines = Vec::new();
    for db in ["shard_a", "shard_b", "shard_c"] {
        let exists: i64 = text("SELECT count(*) FROM pg_database WHERE datname = :db")
            .bind("db", db)
            .returns::<BigInt>()
            .get(&mut admin.connect()?)?;
        if exists == 0 {
            admin
                .connect()?
                .batch_execute(&format!("CREATE DATABASE {db}"))?;
        }
        let engine = Postgres::connect(&format!("postgres://postgres@127.0.0.1:5440/{db}"))?;
        engine.connect()?.batch_execute(
            "DROP TABLE IF EXISTS scale_out_orders; \
             CREATE TABLE scale_out_orders (id int8 PRIMARY KEY, customer text NOT NULL, amount int8 NOT NULL)",
        )?;
        engines.push(engine);
    }
    let by_id = ByKey::new(Id, |key: ValueRef<'_>| match key {
        ValueRef::Int(id) => Ok(id.rem_euclid(3) as usize),
        other => Err(sqlalgebra::ErrorKind::InvalidStatement(format!(
            "not an order id: {other:?}"
        ))
        .into()),
    });
    let engine = ShardedEngine::new(engines, by_id);

    // The ORM places each order on the shard of its key.
    let mut conns = engine.connect_all()?;
    let mut session = ShardedSession::new(&mut conns);
    for id in 1..=12 {
        let customer = ["ada", "bob", "cy"][id as usize % 3].to_owned();
        session.add(Order {
            id,
            customer,
            amount: id * 10 % 70,
        })?;
    }
    session.commit()?;
    // get by key: one shard, one statement.
    let seven = session.get::<Order>(7)?.expect("order 7");
    println!(
        "order 7 is on shard {} ({:?}); statements per shard: {:?}",
        seven.shard,
        session[seven],
        session.statement_counts()
    );
    drop(session);
    drop(conns);

    // No shard key in the WHERE clause: all shards, merged.
    let top = select((Id, Customer, Amount))
        .filter(Amount.gt(0))
        .order_by((Amount.desc(), Id))
        .limit(3);
    println!("runs on shards {:?}", engine.shards_for(&top)?);
    let rows: Vec<(i64, String, i64)> = engine.load(&top)?;
    println!("the 3 largest orders, merged: {rows:?}");
    let (n, total): (i64, Option<i64>) = engine.get(&select((count_star(), sum(Amount))))?;
    println!("{n} orders, {total:?} in all (COUNT and SUM merged)");
    // A key in the WHERE clause: its shard only.
    println!(
        "id = 5 runs on shards {:?}",
        engine.shards_for(&select(Id).filter(Id.eq(5)))?
    );
    // What cannot be merged is refused before anything is sent.
    let err = engine
        .load::<Option<f64>, _>(&select(avg(Amount)))
        .unwrap_err();
    println!("AVG over shards: {err}");
    for shard in engine.shards() {
        shard
            .connect()?
            .batch_execute("DROP TABLE scale_out_orders")?;
    }
    Ok(())
}
