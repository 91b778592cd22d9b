//! Peak memory of reading a large result: `stream BACKEND CONTESTANT N`.
//!
//! `stream BACKEND setup N` first writes N users (SQLite: to the file
//! `$TMPDIR/sqlalgebra-peers-async-stream.db`, so that the database is not
//! in this process's memory). Then, each in a fresh process, a contestant
//! reads all of them (`SELECT id, name, hair_color FROM users`) into
//! `User` structs, counting them and summing their name lengths (so the
//! rows are really decoded) and dropping each one:
//!
//! - `raw`: the raw driver's stream (tokio-postgres `query_raw`,
//!   mysql_async `exec_iter` + `for_each`, rusqlite on its thread sending
//!   batches of 64 rows over a bounded channel);
//! - `core`: sqlalgebra's `AsyncRunQuery::stream`;
//! - `load`: sqlalgebra's `AsyncRunQuery::load` into a `Vec<User>`;
//! - `sqlx`: sqlx's `fetch` stream.
//!
//! It prints `VmHWM` (peak resident set, KiB) once connected, before the
//! query, and after it.

use sqlalgebra::asyncio::prelude::*;
use sqlalgebra::asyncio::{AsyncBackend, AsyncConnection, AsyncEngine};
use sqlalgebra_peers_async::raw_mysql::RawMysql;
use sqlalgebra_peers_async::raw_pg::RawPostgres;
use sqlalgebra_peers_async::raw_sqlite::RawSqlite;
use sqlalgebra_peers_async::schema::users;
#[cfg(feature = "peers")]
use sqlalgebra_peers_async::sqlx_impl::Sqlx;
use sqlalgebra_peers_async::{Db, User, fixture, peak_rss_kib, servers};

fn sqlite_path() -> std::path::PathBuf {
    std::env::temp_dir().join("sqlalgebra-peers-async-stream.db")
}

/// Counts the rows and their names' bytes.
#[derive(Default, Debug)]
struct Tally {
    rows: usize,
    bytes: usize,
}

impl Tally {
    fn add(&mut self, u: User) {
        self.rows += 1;
        self.bytes += u.name.len();
    }
}

async fn core<C: AsyncConnection>(conn: &mut C, load: bool) -> Tally {
    let mut t = Tally::default();
    if load {
        let all: Vec<User> = select(users::ALL).load(conn).await.expect("load");
        let peak = peak_rss_kib();
        all.into_iter().for_each(|u| t.add(u));
        eprintln!("(peak with the Vec held: {peak} KiB)");
    } else {
        let mut rows = select(users::ALL)
            .stream::<User, _>(conn)
            .await
            .expect("stream");
        while let Some(u) = rows.next().await {
            t.add(u.expect("row"));
        }
    }
    t
}

async fn engine<B: AsyncBackend>(backend: B) -> AsyncEngine<B> {
    AsyncEngine::build(backend, &PoolOptions::default().size(1))
        .await
        .expect("engine")
}

async fn main_async(db: Db, who: &str, n: usize) {
    let tally = match db {
        Db::Sqlite => {
            let path = sqlite_path();
            if who == "setup" {
                let _ = std::fs::remove_file(&path);
            }
            let manager = sqlalgebra_sqlite::AsyncSqliteManager::new(
                sqlalgebra_sqlite::Target::File(path.clone()),
            )
            .expect("SQLite");
            match who {
                "setup" => {
                    let e = engine(manager).await;
                    fixture::users(&mut *e.connect().await.unwrap(), db, n).await;
                    return;
                }
                "raw" => {
                    let raw = RawSqlite::open(path.to_str().unwrap());
                    let before = peak_rss_kib();
                    let mut t = Tally::default();
                    raw.stream(|u| t.add(u)).await;
                    (before, t)
                }
                #[cfg(feature = "peers")]
                "sqlx" => {
                    let mut s = Sqlx::sqlite_file(&path).await;
                    let before = peak_rss_kib();
                    let mut t = Tally::default();
                    s.stream(|u| t.add(u)).await;
                    (before, t)
                }
                _ => {
                    let mut c = manager.connect().await.unwrap();
                    let before = peak_rss_kib();
                    (before, core(&mut c, who == "load").await)
                }
            }
        }
        Db::Postgres => {
            let url = servers::postgres_database().await;
            let manager = sqlalgebra_postgres::AsyncPgManager::from_url(&url).expect("URL");
            match who {
                "setup" => {
                    let e = engine(manager).await;
                    fixture::users(&mut *e.connect().await.unwrap(), db, n).await;
                    return;
                }
                "raw" => {
                    let raw = RawPostgres::connect(&url).await;
                    let before = peak_rss_kib();
                    let mut t = Tally::default();
                    raw.stream(|u| t.add(u)).await;
                    (before, t)
                }
                #[cfg(feature = "peers")]
                "sqlx" => {
                    let mut s = Sqlx::postgres(&url).await;
                    let before = peak_rss_kib();
                    let mut t = Tally::default();
                    s.stream(|u| t.add(u)).await;
                    (before, t)
                }
                _ => {
                    let mut c = manager.connect().await.unwrap();
                    let before = peak_rss_kib();
                    (before, core(&mut c, who == "load").await)
                }
            }
        }
        Db::Mysql => {
            let url = servers::mysql_database().await;
            let manager = sqlalgebra_mysql::AsyncMysqlManager::new(&url).expect("URL");
            match who {
                "setup" => {
                    let e = engine(manager).await;
                    fixture::users(&mut *e.connect().await.unwrap(), db, n).await;
                    return;
                }
                "raw" => {
                    let mut raw = RawMysql::connect(&url).await;
                    let before = peak_rss_kib();
                    let mut t = Tally::default();
                    raw.stream(|u| t.add(u)).await;
                    (before, t)
                }
                #[cfg(feature = "peers")]
                "sqlx" => {
                    let mut s = Sqlx::mysql(&url).await;
                    let before = peak_rss_kib();
                    let mut t = Tally::default();
                    s.stream(|u| t.add(u)).await;
                    (before, t)
                }
                _ => {
                    let mut c = manager.connect().await.unwrap();
                    let before = peak_rss_kib();
                    (before, core(&mut c, who == "load").await)
                }
            }
        }
    };
    let (before, t) = tally;
    assert_eq!(t.rows, n, "every row read");
    let after = peak_rss_kib();
    println!(
        "{who}: {} rows ({} name bytes); VmHWM before the query {before} KiB, after {after} KiB, growth {} KiB",
        t.rows,
        t.bytes,
        after - before
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [db, who, n] = args.as_slice() else {
        eprintln!("usage: stream BACKEND (setup|raw|core|load|sqlx) N");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("N");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(main_async(Db::parse(db), who, n));
}
