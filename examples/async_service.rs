//! A small async service: N tasks on a multi-threaded tokio runtime, each
//! handling "requests" (buy an item, look one up with its orders, report
//! an item's orders) with an `AsyncSession` from one `AsyncSessionFactory`
//! over a shared pool (feature `async`).
//!
//! ```text
//! cargo run --example async_service --features async              # SQLite, in memory
//! cargo run --example async_service --features async -- postgres  # SQLALGEBRA_PG_URL
//! cargo run --example async_service --features async -- mysql     # SQLALGEBRA_MYSQL_URL
//! ```
//!
//! A purchase is one session: `get` the item, a bulk conditional UPDATE
//! through the session takes the stock (`execute_with`, which brings the
//! item the session holds up to date; it changes no row when too little
//! is left: the purchase is refused and rolled back), `add` the order,
//! `commit`, and `refresh` the item. A look-up loads the item's orders
//! (`related`). A listener counts the commits. At the end the service
//! checks that no unit was lost or sold twice, and that every purchase
//! committed once.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use sqlalgebra::asyncio::prelude::*;
use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
use sqlalgebra::orm::{AsyncSessionFactory, BelongsTo, HasMany, Model, SessionEvent, Synchronize};
use sqlalgebra::{ErrorKind, Result};

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

/// An item and its stock.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    id: i64,
    name: String,
    qty: i64,
}

impl Model for Item {
    type Table = Stock;
    type Columns = (stock::Id, stock::Name, stock::Qty);
    type Row = (i64, String, i64);
    type Key = i64;
    fn from_row((id, name, qty): Self::Row) -> Self {
        Item { id, name, qty }
    }
    fn values(&self) -> (&i64, &String, &i64) {
        (&self.id, &self.name, &self.qty)
    }
    fn key(&self) -> i64 {
        self.id
    }
}

/// A purchase of an item.
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    id: i64,
    item: i64,
    qty: i64,
}

impl Model for Order {
    type Table = Orders;
    type Columns = (orders::Id, orders::Item, orders::Qty);
    type Row = (i64, i64, i64);
    type Key = i64;
    fn from_row((id, item, qty): Self::Row) -> Self {
        Order { id, item, qty }
    }
    fn values(&self) -> (&i64, &i64, &i64) {
        (&self.id, &self.item, &self.qty)
    }
    fn key(&self) -> i64 {
        self.id
    }
}

impl BelongsTo<Item> for Order {
    type ForeignKey = orders::Item;
    fn parent_key(&self) -> Option<i64> {
        Some(self.item)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.item = key;
    }
}

impl HasMany<Order> for Item {}

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

type Factory<B> = AsyncSessionFactory<B>;

/// A purchase: take `qty` of `item` if there is enough, and record the
/// order; refused (and rolled back) otherwise.
async fn buy<B: AsyncBackend>(
    sessions: &Factory<B>,
    commits: &Arc<AtomicI64>,
    order: i64,
    item: i64,
    qty: i64,
) -> Result<bool> {
    let mut s = sessions.session().await?;
    let counter = commits.clone();
    s.listen(SessionEvent::AfterCommit, move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
        Ok(())
    });
    let h = s
        .get::<Item>(item)
        .await?
        .ok_or_else(|| ErrorKind::NotFound)?;
    // The database decides (another task may have bought since the get);
    // `Fetch` gives the session the row's new quantity.
    let taken = s
        .execute_with::<Item>(
            &update(Stock)
                .set(stock::Qty.set(stock::Qty.sub(qty)))
                .filter(stock::Id.eq(item).and(stock::Qty.ge(qty))),
            Synchronize::Fetch,
        )
        .await?;
    if taken == 0 {
        s.rollback().await?;
        return Ok(false);
    }
    let after = s[h].qty;
    assert!(after >= 0, "{} oversold", s[h].name);
    s.add(Order {
        id: order,
        item,
        qty,
    });
    s.commit().await?;
    // With expire_on_commit off the object stays as committed; refresh
    // reads it again (others may have bought since).
    s.refresh(h).await?;
    assert!(s[h].qty <= after && s[h].qty >= 0);
    s.close().await?;
    Ok(true)
}

/// A look-up: the item and its orders (a relationship load).
async fn look_up<B: AsyncBackend>(sessions: &Factory<B>, item: i64) -> Result<()> {
    let mut s = sessions.session().await?;
    let h = s
        .get::<Item>(item)
        .await?
        .ok_or_else(|| ErrorKind::NotFound)?;
    let orders = s.related::<Item, Order>(h).await?;
    let sold: i64 = orders.iter().map(|&o| s[o].qty).sum();
    // Bought after the item was read, maybe, never more than there was.
    assert!(s[h].qty >= 0 && sold <= INITIAL, "{item}: {sold} sold");
    s.close().await
}

/// A report: the orders of an item, loaded by a query of the Core algebra.
async fn report<B: AsyncBackend>(sessions: &Factory<B>, item: i64) -> Result<()> {
    let mut s = sessions.session().await?;
    let orders = s
        .load::<Order, _>(
            &select((orders::Id, orders::Item, orders::Qty)).filter(orders::Item.eq(item)),
        )
        .await?;
    assert!(orders.iter().all(|&o| s[o].item == item));
    s.close().await
}

/// One task: `REQUESTS` requests, each with a session of its own.
async fn worker<B: AsyncBackend>(
    sessions: Factory<B>,
    commits: Arc<AtomicI64>,
    task: i64,
) -> Result<Tally> {
    let mut tally = Tally::default();
    for n in 0..REQUESTS {
        let item = (task + n) % ITEMS;
        match n % 10 {
            9 => {
                report(&sessions, item).await?;
                tally.reports += 1;
            }
            3 | 6 => {
                look_up(&sessions, item).await?;
                tally.looked += 1;
            }
            _ => {
                let order = task * 1_000_000 + n;
                if buy(&sessions, &commits, order, item, 1 + n % 4).await? {
                    tally.bought += 1;
                } else {
                    tally.refused += 1;
                }
            }
        }
    }
    Ok(tally)
}

async fn serve<B: AsyncBackend>(backend: B) -> Result<()> {
    let options = PoolOptions::default().size(4).overflow(4);
    let engine = AsyncEngine::build(backend, &options).await?;
    {
        let mut c = engine.connect().await?;
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
    }
    // async_sessionmaker(engine, expire_on_commit=False)
    let sessions = AsyncSessionFactory::new(engine.clone()).expire_on_commit(false);
    {
        let mut s = sessions.session().await?;
        s.add_all((0..ITEMS).map(|i| Item {
            id: i,
            name: format!("item {i}"),
            qty: INITIAL,
        }));
        s.commit().await?;
    }

    let commits = Arc::new(AtomicI64::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| tokio::spawn(worker(sessions.clone(), commits.clone(), t)))
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

    // Nothing lost, nothing sold twice, one commit per purchase.
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
    assert_eq!(
        commits.load(Ordering::Relaxed),
        total.bought,
        "one commit per purchase"
    );
    assert_eq!(
        total.bought + total.refused + total.looked + total.reports,
        TASKS * REQUESTS
    );
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
            serve(sqlalgebra_postgres::AsyncPgManager::from_url(&url)?).await
        }
        Some("mysql") => {
            let url = std::env::var("SQLALGEBRA_MYSQL_URL")
                .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".to_owned());
            serve(sqlalgebra_mysql::AsyncMysqlManager::new(&url)?).await
        }
        _ => serve(sqlalgebra_sqlite::AsyncSqliteManager::memory()?).await,
    }
}
