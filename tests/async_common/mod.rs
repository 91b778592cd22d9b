//! The harness of the async tests: one generic async test body runs on
//! every backend, on a multi-threaded tokio runtime.
//!
//! Each test gets a [`Db`]: the pool under test and a second, independent
//! pool (`checker`) over the same database, whose connections never saw
//! the test's futures: what it reads is what was committed. SQLite: a
//! fresh shared in-memory database; PostgreSQL: a fresh schema; MariaDB: a
//! fresh database, all named after the test (see `tests/common`).
#![allow(dead_code, unused_macros, unused_imports, unreachable_pub)]

use sqlalgebra::PoolOptions;
use sqlalgebra::Result;
use sqlalgebra::asyncio::prelude::*;
use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
use sqlalgebra_mysql::AsyncMysqlManager;
use sqlalgebra_postgres::AsyncPgManager;
use sqlalgebra_sqlite::{AsyncSqliteManager, Target};

#[path = "../common/mod.rs"]
pub mod common;

/// `async19_items`: explicit keys (no autoincrement), so one DDL text
/// serves the three backends.
#[derive(Clone, Copy, Debug, Default)]
pub struct Items;
impl Table for Items {
    const NAME: &'static str = "async19_items";
    type Columns = (items::Id, items::Tag, items::Name, items::Qty);
    type PrimaryKey = items::Id;
}

/// Columns of `async19_items`.
pub mod items {
    use sqlalgebra::prelude::*;

    macro_rules! column {
        ($col:ident: $st:ty = $name:literal) => {
            #[derive(Clone, Copy, Debug, Default)]
            pub struct $col;
            impl Column for $col {
                type Table = super::Items;
                type SqlType = $st;
                const NAME: &'static str = $name;
            }
        };
    }
    column!(Id: BigInt = "id");
    column!(Tag: BigInt = "tag");
    column!(Name: Varchar<50> = "name");
    column!(Qty: BigInt = "qty");
}

/// The table's DDL, the same on every backend.
pub const DDL: &str = "CREATE TABLE async19_items (id BIGINT PRIMARY KEY, tag BIGINT NOT NULL, \
                       name VARCHAR(50) NOT NULL, qty BIGINT NOT NULL)";

/// One row of the table.
pub type Item = (i64, i64, String, i64);

/// The rows of `async19_items` as ORM objects.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemObject {
    pub id: i64,
    pub tag: i64,
    pub name: String,
    pub qty: i64,
}

impl sqlalgebra::orm::Model for ItemObject {
    type Table = Items;
    type Columns = (items::Id, items::Tag, items::Name, items::Qty);
    type Row = (i64, i64, String, i64);
    type Key = i64;
    fn from_row((id, tag, name, qty): Self::Row) -> Self {
        ItemObject { id, tag, name, qty }
    }
    fn values(&self) -> (&i64, &i64, &String, &i64) {
        (&self.id, &self.tag, &self.name, &self.qty)
    }
    fn key(&self) -> i64 {
        self.id
    }
}

pub fn item(id: i64, tag: i64, name: &str) -> ItemObject {
    ItemObject {
        id,
        tag,
        name: name.into(),
        qty: 0,
    }
}

/// The pool under test, and a checker pool over the same database.
pub struct Db<B: AsyncBackend> {
    pub engine: AsyncEngine<B>,
    pub checker: AsyncEngine<B>,
}

/// The pool options of the tests: 2 kept, up to 4.
pub fn options() -> PoolOptions {
    PoolOptions::default().size(2).overflow(2)
}

async fn with_table<B: AsyncBackend>(pool: B, check: B, options: &PoolOptions) -> Db<B> {
    let engine = AsyncEngine::build(pool, options).await.expect("pool");
    let checker = AsyncEngine::build(check, &PoolOptions::default().size(1).overflow(1))
        .await
        .expect("checker pool");
    let mut c = checker.connect().await.expect("checker connection");
    c.batch_execute(DDL).await.expect("create the table");
    drop(c);
    Db { engine, checker }
}

pub async fn sqlite(name: &str, options: &PoolOptions) -> Option<Db<AsyncSqliteManager>> {
    let db = format!("async19-{name}-{}", std::process::id());
    let m = |_| AsyncSqliteManager::new(Target::Memory(db.clone())).expect("SQLite");
    Some(with_table(m(()), m(()), options).await)
}

/// Creates the test's schema with the sync harness (outside any runtime:
/// the sync driver runs one of its own); whether the server is there.
pub fn postgres_ready(name: &str) -> bool {
    common::postgres(name).is_some()
}

/// Creates the test's database with the sync harness; whether the server
/// is there.
pub fn mysql_ready(name: &str) -> bool {
    common::mysql(name).is_some()
}

pub async fn postgres(name: &str, options: &PoolOptions) -> Option<Db<AsyncPgManager>> {
    // Behind a proxy pooling by transaction: the test's own database
    // (made by `postgres_ready`), reached through the proxy with its URL's
    // `statements=unnamed`.
    if let Some(url) = common::postgres_proxy_url(name) {
        let m = |_| AsyncPgManager::from_url(&url).expect("proxy URL");
        assert!(
            m(()).runs_unnamed(),
            "{url} does not ask for unnamed statements"
        );
        return Some(with_table(m(()), m(()), options).await);
    }
    let schema = common::postgres_schema(name);
    let m = |_| {
        let mut m = AsyncPgManager::from_url(&common::postgres_url()).expect("PostgreSQL URL");
        let mut config = m.config().clone();
        config.options(format!("-c search_path={schema}"));
        m = AsyncPgManager::new(config);
        m
    };
    Some(with_table(m(()), m(()), options).await)
}

pub async fn mysql(name: &str, options: &PoolOptions) -> Option<Db<AsyncMysqlManager>> {
    let url = common::mysql_url_with_database(&common::mysql_url(), &common::mysql_database(name));
    let m = |_| AsyncMysqlManager::new(&url).expect("MySQL URL");
    Some(with_table(m(()), m(()), options).await)
}

/// A multi-threaded runtime (2 workers), as a service would run.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// The committed rows, read through the checker pool, by key.
pub async fn committed<B: AsyncBackend>(db: &Db<B>) -> Result<Vec<Item>> {
    let mut c = db.checker.connect().await?;
    select((items::Id, items::Tag, items::Name, items::Qty))
        .order_by(items::Id.asc())
        .load(&mut *c)
        .await
}

/// Inserts `rows` as `(id, tag, name, qty)`.
pub async fn insert<C: AsyncConnection>(c: &mut C, rows: &[(i64, i64, &str, i64)]) -> Result<u64> {
    let values: Vec<_> = rows
        .iter()
        .map(|(id, tag, name, qty)| {
            (
                items::Id.set(*id),
                items::Tag.set(*tag),
                items::Name.set(*name),
                items::Qty.set(*qty),
            )
        })
        .collect();
    insert_into(Items).values(values).execute(c).await
}

/// `(id, tag, name, qty)` rows as owned items.
pub fn owned(rows: &[(i64, i64, &str, i64)]) -> Vec<Item> {
    rows.iter()
        .map(|(a, b, c, d)| (*a, *b, (*c).to_owned(), *d))
        .collect()
}

/// Makes one `#[test]` per backend for each generic async test named.
macro_rules! on_all_async_backends {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $test() {
                    $crate::async_common::runtime().block_on(async {
                        let name = concat!("sqlite_", stringify!($test));
                        if let Some(db) = $crate::async_common::sqlite(name, &$crate::async_common::options()).await {
                            super::$test(&db).await.unwrap();
                        }
                    });
                }
            )*
        }
        mod mysql {
            $(
                #[test]
                fn $test() {
                    if !$crate::async_common::mysql_ready(stringify!($test)) {
                        return;
                    }
                    $crate::async_common::runtime().block_on(async {
                        if let Some(db) = $crate::async_common::mysql(stringify!($test), &$crate::async_common::options()).await {
                            super::$test(&db).await.unwrap();
                        }
                    });
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $test() {
                    if !$crate::async_common::postgres_ready(stringify!($test)) {
                        return;
                    }
                    $crate::async_common::runtime().block_on(async {
                        if let Some(db) = $crate::async_common::postgres(stringify!($test), &$crate::async_common::options()).await {
                            super::$test(&db).await.unwrap();
                        }
                    });
                }
            )*
        }
    };
}
pub(crate) use on_all_async_backends;
