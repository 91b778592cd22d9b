//! Runs one shape of one contestant in a loop, for callgrind:
//!
//! `valgrind --tool=callgrind target/release/profile sqlite trivial raw 100 200`
//!
//! Arguments: backend (sqlite, postgres, mysql), shape (trivial, lookup,
//! insert), contestant (raw, core, orm, sqlx, seaorm, diesel), size (rows
//! of the trivial query; rows per insert; the lookup's table has 100),
//! iterations. The data is prepared and every contestant runs the shape
//! once, its result checked, before the loop; `instructions.py` counts the
//! whole process (every thread) with the loop and without it (0
//! iterations), so what the loop costs is the difference.

use std::hint::black_box;

use sqlalgebra::PoolOptions;
use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
use sqlalgebra_peers_async::core_impl::Core;
#[cfg(feature = "peers")]
use sqlalgebra_peers_async::diesel_impl::DieselAsync;
use sqlalgebra_peers_async::orm_impl::Orm;
use sqlalgebra_peers_async::raw_mysql::RawMysql;
use sqlalgebra_peers_async::raw_pg::RawPostgres;
use sqlalgebra_peers_async::raw_sqlite::RawSqlite;
#[cfg(feature = "peers")]
use sqlalgebra_peers_async::sea_impl::Sea;
#[cfg(feature = "peers")]
use sqlalgebra_peers_async::sqlx_impl::Sqlx;
use sqlalgebra_peers_async::{Contestant, Db, User, fixture, new_users, servers};

/// The users the fixture wrote, as every contestant must return them.
fn expected(n: usize) -> Vec<User> {
    (0..n)
        .map(|i| User {
            id: i as i32 + 1,
            name: format!("User {i}"),
            hair_color: Some(if i % 2 == 0 { "black" } else { "brown" }.to_owned()),
        })
        .collect()
}

/// The loop that is counted.
#[inline(never)]
async fn run_loop<C: Contestant>(c: &mut C, shape: &str, size: usize, iterations: usize) {
    let rows = new_users(size);
    let mut next = (1..=100).cycle();
    for _ in 0..iterations {
        match shape {
            "trivial" => drop(black_box(c.trivial().await)),
            "lookup" => drop(black_box(c.lookup(black_box(next.next().unwrap())).await)),
            "insert" => drop(black_box(c.insert(&rows).await)),
            other => panic!("unknown shape {other}"),
        }
    }
}

/// The shape once, its result checked, then the loop.
async fn drive<C: Contestant>(mut c: C, shape: &str, size: usize, iterations: usize) {
    match shape {
        "trivial" => {
            let mut got = c.trivial().await;
            got.sort();
            assert_eq!(got, expected(size), "trivial");
        }
        "lookup" => {
            let want = expected(100);
            assert_eq!(c.lookup(7).await.as_ref(), Some(&want[6]), "lookup");
            assert_eq!(c.lookup(1000).await, None, "lookup of a missing key");
        }
        "insert" => assert_eq!(c.insert(&new_users(size)).await, size, "insert"),
        other => panic!("unknown shape {other}"),
    }
    run_loop(&mut c, shape, size, iterations).await;
}

/// The data of `shape`: `size` users for the trivial query, 100 for the
/// lookup, none for the insert.
async fn prepare<B: AsyncBackend>(engine: &AsyncEngine<B>, db: Db, shape: &str, size: usize) {
    let n = match shape {
        "trivial" => size,
        "lookup" => 100,
        _ => 0,
    };
    let mut conn = engine.connect().await.expect("connect");
    fixture::users(&mut *conn, db, n).await;
}

async fn engine<B: AsyncBackend>(backend: B) -> AsyncEngine<B> {
    AsyncEngine::build(backend, &PoolOptions::default().size(2))
        .await
        .expect("engine")
}

async fn main_async(args: &[String]) {
    let [db, shape, who, size, iterations] = args else {
        eprintln!("usage: profile BACKEND SHAPE CONTESTANT SIZE ITERATIONS");
        std::process::exit(2);
    };
    let db = Db::parse(db);
    let (shape, who) = (shape.as_str(), who.as_str());
    let size: usize = size.parse().expect("size");
    let iterations: usize = iterations.parse().expect("iterations");
    match db {
        Db::Sqlite => {
            let name = servers::sqlite_name();
            let e = engine(
                sqlalgebra_sqlite::AsyncSqliteManager::new(sqlalgebra_sqlite::Target::Memory(
                    name.clone(),
                ))
                .expect("SQLite"),
            )
            .await;
            prepare(&e, db, shape, size).await;
            let uri = format!("file:/{name}?vfs=memdb");
            match who {
                "raw" => drive(RawSqlite::open(&uri), shape, size, iterations).await,
                "core" => {
                    drive(
                        Core::new(e.connect().await.unwrap()),
                        shape,
                        size,
                        iterations,
                    )
                    .await
                }
                "orm" => {
                    drive(
                        Orm::new(e.connect().await.unwrap()),
                        shape,
                        size,
                        iterations,
                    )
                    .await
                }
                #[cfg(feature = "peers")]
                "sqlx" => drive(Sqlx::sqlite(&name).await, shape, size, iterations).await,
                #[cfg(feature = "peers")]
                "seaorm" => drive(Sea::sqlite(&name).await, shape, size, iterations).await,
                #[cfg(feature = "peers")]
                "diesel" => drive(DieselAsync::sqlite(&uri).await, shape, size, iterations).await,
                other => panic!("unknown contestant {other}"),
            }
        }
        Db::Postgres => {
            let url = servers::postgres_database().await;
            let e = engine(sqlalgebra_postgres::AsyncPgManager::from_url(&url).expect("URL")).await;
            prepare(&e, db, shape, size).await;
            match who {
                "raw" => drive(RawPostgres::connect(&url).await, shape, size, iterations).await,
                "core" => {
                    drive(
                        Core::new(e.connect().await.unwrap()),
                        shape,
                        size,
                        iterations,
                    )
                    .await
                }
                "orm" => {
                    drive(
                        Orm::new(e.connect().await.unwrap()),
                        shape,
                        size,
                        iterations,
                    )
                    .await
                }
                #[cfg(feature = "peers")]
                "sqlx" => drive(Sqlx::postgres(&url).await, shape, size, iterations).await,
                #[cfg(feature = "peers")]
                "seaorm" => drive(Sea::postgres(&url).await, shape, size, iterations).await,
                #[cfg(feature = "peers")]
                "diesel" => drive(DieselAsync::postgres(&url).await, shape, size, iterations).await,
                other => panic!("unknown contestant {other}"),
            }
        }
        Db::Mysql => {
            let url = servers::mysql_database().await;
            let e = engine(sqlalgebra_mysql::AsyncMysqlManager::new(&url).expect("URL")).await;
            prepare(&e, db, shape, size).await;
            match who {
                "raw" => drive(RawMysql::connect(&url).await, shape, size, iterations).await,
                "core" => {
                    drive(
                        Core::new(e.connect().await.unwrap()),
                        shape,
                        size,
                        iterations,
                    )
                    .await
                }
                "orm" => {
                    drive(
                        Orm::new(e.connect().await.unwrap()),
                        shape,
                        size,
                        iterations,
                    )
                    .await
                }
                #[cfg(feature = "peers")]
                "sqlx" => drive(Sqlx::mysql(&url).await, shape, size, iterations).await,
                #[cfg(feature = "peers")]
                "seaorm" => drive(Sea::mysql(&url).await, shape, size, iterations).await,
                #[cfg(feature = "peers")]
                "diesel" => drive(DieselAsync::mysql(&url).await, shape, size, iterations).await,
                other => panic!("unknown contestant {other}"),
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(main_async(&args));
}
