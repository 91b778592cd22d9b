//! A small async service: N tasks on a multi-threaded tokio runtime, each
//! handling "requests" (buy an item, look one up, report the orders)
//! against one shared pool, with the async Core API (feature `async`).
//!
//! ```text
//! cargo run --example async_service --features async              # SQLite, in memory
//! cargo run --example async_service --features async -- postgres  # SQLALGEBRA_PG_URL
//! cargo run --example async_service --features async -- mysql     # SQLALGEBRA_MYSQL_URL
//! ```
//!
//! A purchase is a transaction: a conditional UPDATE takes the stock (it
//! changes no row when too little is left: the purchase is refused and
//! rolled back), then the order is inserted. At the end the service checks
//! that no unit was lost or sold twice.

use std::time::Instant;

use sqlalgebra::asyncio::prelude::*;
use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
use sqlalgebra::{Error, ErrorKind, Result};

/// `async19_service_stock`: units left per item.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stock;
impl Table for Stock {
    const NAME: &'static str = "async19_service_stock";
    type Columns = (stock::Id, stock::Name, stock::Qty);
    type PrimaryKey = stock::Id;
}

/// Columns of [`Stock`].
pub mod stock {
    use sqlalgebra::prelude::*;

    /// The key.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::Stock;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    /// The item's name.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    impl Column for Name {
        type Table = super::Stock;
        type SqlType = Varchar<50>;
        const NAME: &'static str = "name";
    }
    /// A number of units.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Qty;
    impl Column for Qty {
        type Table = super::Stock;
        type SqlType = BigInt;
        const NAME: &'static str = "qty";
    }
}

/// `async19_service_orders`: one row per purchase.
#[derive(Clone, Copy, Debug, Default)]
pub struct Orders;
impl Table for Orders {
    const NAME: &'static str = "async19_service_orders";
    type Columns = (orders::Id, orders::Item, orders::Qty);
    type PrimaryKey = orders::Id;
}

/// Columns of [`Orders`].
pub mod orders {
    use sqlalgebra::prelude::*;

    /// The key.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::Orders;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    /// The item bought.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Item;
    impl Column for Item {
        type Table = super::Orders;
        type SqlType = BigInt;
        const NAME: &'static str = "item";
    }
    /// A number of units.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Qty;
    impl Column for Qty {
        type Table = super::Orders;
        type SqlType = BigInt;
        const NAME: &'static str = "qty";
    }
}

const TASKS: i64 = 8;
const REQUESTS: i64 = 150;
const ITEMS: i64 = 5;
const INITIAL: i64 = 400;

/// What one task did.
#[derive(Debug, Default)]
struct Tally {
    bought: i64,
    refused: i64,
    looked: i64,
    reports: i64,
}

/// A purchase: take `qty` of `item` if there is enough, and record the
/// order; refused (and rolled back) otherwise.
async fn buy<C: AsyncConnection>(c: &mut C, order: i64, item: i64, qty: i64) -> Result<bool> {
    let outcome = c
        .transaction(|c| {
            Box::pin(async move {
                let taken = update(Stock)
                    .set(stock::Qty.set(stock::Qty.sub(qty)))
                    .filter(stock::Id.eq(item).and(stock::Qty.ge(qty)))
                    .execute(c)
                    .await?;
                if taken == 0 {
                    return Err(Error::from(ErrorKind::Transaction("out of stock".into())));
                }
                insert_into(Orders)
                    .values((
                        orders::Id.set(order),
                        orders::Item.set(item),
                        orders::Qty.set(qty),
                    ))
                    .execute(c)
                    .await?;
                Ok(())
            })
        })
        .await;
    match outcome {
        Ok(()) => Ok(true),
        Err(e) if matches!(e.kind(), ErrorKind::Transaction(m) if m == "out of stock") => Ok(false),
        Err(e) => Err(e),
    }
}

/// One task: `REQUESTS` requests, each on a connection from the pool.
async fn worker<B: AsyncBackend>(engine: AsyncEngine<B>, task: i64) -> Result<Tally> {
    let mut tally = Tally::default();
    for n in 0..REQUESTS {
        let mut conn = engine.connect().await?;
        let item = (task + n) % ITEMS;
        match n % 10 {
            9 => {
                // A report: the orders of this item, streamed.
                let mut units = 0;
                select(orders::Qty)
                    .filter(orders::Item.eq(item))
                    .stream::<i64, _>(&mut *conn)
                    .await?
                    .for_each(|q| {
                        units += q;
                        Ok(())
                    })
                    .await?;
                tally.reports += 1;
            }
            3 | 6 => {
                let left: i64 = select(stock::Qty)
                    .filter(stock::Id.eq(item))
                    .get(&mut *conn)
                    .await?;
                assert!(left >= 0);
                tally.looked += 1;
            }
            _ => {
                let order = task * 1_000_000 + n;
                if buy(&mut *conn, order, item, 1 + n % 4).await? {
                    tally.bought += 1;
                } else {
                    tally.refused += 1;
                }
            }
        }
    }
    Ok(tally)
}

async fn serve<B: AsyncBackend>(backend: B, setup: &[&str]) -> Result<()> {
    let options = PoolOptions::default().size(4).overflow(4);
    let engine = AsyncEngine::build(backend, &options).await?;
    {
        let mut c = engine.connect().await?;
        for sql in setup {
            c.batch_execute(sql).await?;
        }
        c.batch_execute("DROP TABLE IF EXISTS async19_service_orders")
            .await?;
        c.batch_execute("DROP TABLE IF EXISTS async19_service_stock")
            .await?;
        c.batch_execute(
            "CREATE TABLE async19_service_stock (id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL, qty BIGINT NOT NULL)",
        )
        .await?;
        c.batch_execute(
            "CREATE TABLE async19_service_orders (id BIGINT PRIMARY KEY, item BIGINT NOT NULL, qty BIGINT NOT NULL)",
        )
        .await?;
        let rows: Vec<_> = (0..ITEMS)
            .map(|i| {
                (
                    stock::Id.set(i),
                    stock::Name.set(format!("item {i}")),
                    stock::Qty.set(INITIAL),
                )
            })
            .collect();
        insert_into(Stock).values(rows).execute(&mut *c).await?;
    }

    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| tokio::spawn(worker(engine.clone(), t)))
        .collect();
    let mut total = Tally::default();
    for t in tasks {
        let tally = t
            .await
            .map_err(|e| ErrorKind::Transaction(e.to_string()))??;
        total.bought += tally.bought;
        total.refused += tally.refused;
        total.looked += tally.looked;
        total.reports += tally.reports;
    }
    let elapsed = started.elapsed();

    // Nothing lost, nothing sold twice.
    let mut c = engine.connect().await?;
    let left: Vec<i64> = select(stock::Qty).load(&mut *c).await?;
    let sold: Vec<i64> = select(orders::Qty).load(&mut *c).await?;
    let (left, sold_units): (i64, i64) = (left.iter().sum(), sold.iter().sum());
    assert_eq!(
        left + sold_units,
        INITIAL * ITEMS,
        "every unit is accounted for"
    );
    assert_eq!(sold.len() as i64, total.bought, "one order per purchase");
    let requests = TASKS * REQUESTS;
    println!(
        "{requests} requests by {TASKS} tasks in {elapsed:.2?} ({:.0}/s): {} purchases ({} refused), {} look-ups, {} reports; {sold_units} units sold, {left} left",
        requests as f64 / elapsed.as_secs_f64(),
        total.bought,
        total.refused,
        total.looked,
        total.reports
    );
    let (open, idle) = engine.state();
    println!("pool: {open} connections, {idle} idle");
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() -> Result<()> {
    match std::env::args().nth(1).as_deref() {
        Some("postgres") => {
            let url = std::env::var("SQLALGEBRA_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
            let manager = sqlalgebra_postgres::AsyncPgManager::from_url(&url)?;
            serve(manager, &[]).await
        }
        Some("mysql") => {
            let url = std::env::var("SQLALGEBRA_MYSQL_URL")
                .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".to_owned());
            serve(sqlalgebra_mysql::AsyncMysqlManager::new(&url)?, &[]).await
        }
        _ => serve(sqlalgebra_sqlite::AsyncSqliteManager::memory()?, &[]).await,
    }
}
