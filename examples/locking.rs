//! Isolation levels and row locks: a read-modify-write transfer that keeps
//! the money under concurrency, a job queue that takes the next free row
//! with `SKIP LOCKED`, AUTOCOMMIT for read-only work, and connection errors
//! that fail fast.
//!
//! Runs on SQLite as it is (`cargo run --example locking`); with
//! `SQLALGEBRA_PG_URL=postgres://postgres@127.0.0.1:5432/test` or
//! `SQLALGEBRA_MYSQL_URL=mysql://root@127.0.0.1:3306/test` set, on that
//! server too (in a table `locking_example_accounts`, recreated each run).

use sqlalgebra::prelude::*;
use sqlalgebra::{Backend, Engine, Error, IsolationLevel, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

/// `locking_example_accounts`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Accounts;
impl Table for Accounts {
    const NAME: &'static str = "locking_example_accounts";
    type Columns = (Id, Balance);
    type PrimaryKey = Id;
}
/// `locking_example_accounts.id`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Id;
impl Column for Id {
    type Table = Accounts;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
}
/// `locking_example_accounts.balance`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Balance;
impl Column for Balance {
    type Table = Accounts;
    type SqlType = BigInt;
    const NAME: &'static str = "balance";
}

/// Moves `amount` from one account to the other, reading both balances
/// first. `for_update()` keeps another transfer from changing them between
/// the read and the write; SQLite has no row locks, and needs none: its
/// `BEGIN IMMEDIATE` transaction holds the database's write lock.
fn transfer(conn: &mut impl Connection, from: i64, to: i64, amount: i64) -> Result<bool> {
    let locks = conn.dialect().name() != "sqlite";
    conn.transaction(|tx| {
        let mut balance = |id: i64| -> Result<i64> {
            let q = select(Balance).filter(Id.eq(id));
            if locks {
                q.for_update().get(tx)
            } else {
                q.get(tx)
            }
        };
        // Lowest id first: two transfers never wait for each other.
        let (low, high) = (balance(from.min(to))?, balance(from.max(to))?);
        let (have, other) = if from < to { (low, high) } else { (high, low) };
        if have < amount {
            return Ok(false);
        }
        update(Accounts)
            .set(Balance.set(have - amount))
            .filter(Id.eq(from))
            .execute(tx)?;
        update(Accounts)
            .set(Balance.set(other + amount))
            .filter(Id.eq(to))
            .execute(tx)?;
        Ok::<_, Error>(true)
    })
}

fn run<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    let name = conn.dialect().name();
    conn.batch_execute("DROP TABLE IF EXISTS locking_example_accounts")?;
    create_all::<Accounts>(&mut conn)?;
    for id in 1..=4 {
        insert_into(Accounts)
            .values((Id.set(id), Balance.set(100)))
            .execute(&mut conn)?;
    }

    // 8 threads, 25 transfers each: the total stays 400.
    std::thread::scope(|s| {
        for t in 0..8 {
            let engine = engine.clone();
            s.spawn(move || -> Result<()> {
                for i in 0..25 {
                    let (from, to) = ((t + i) % 4 + 1, (t + 2 * i + 1) % 4 + 1);
                    if from != to {
                        let mut conn = engine.connect()?;
                        // Deadlocks and serialization failures are retryable.
                        while let Err(e) = transfer(&mut conn, from, to, (t + i) % 7 + 1) {
                            if !e.is_retryable() {
                                return Err(e);
                            }
                        }
                    }
                }
                Ok(())
            });
        }
    });
    let total: Vec<i64> = select(Balance).load(&mut conn)?;
    println!(
        "[{name}] total after the transfers: {}",
        total.iter().sum::<i64>()
    );

    // One transaction at another level; the connection's own is unchanged.
    let level = if name == "sqlite" {
        IsolationLevel::Serializable
    } else {
        IsolationLevel::RepeatableRead
    };
    let n: Vec<i64> = conn.transaction_with(level, |tx| select(Id).load(tx))?;
    println!("[{name}] {} accounts read under {}", n.len(), level.sql());

    // A job queue: each worker takes the next row nobody holds.
    if name != "sqlite" {
        let mut other = engine.connect()?;
        conn.transaction(|a| {
            let mine: i64 = select(Id)
                .order_by(Id)
                .limit(1)
                .for_update()
                .skip_locked()
                .get(a)?;
            let next: i64 = other.transaction(|b| {
                select(Id)
                    .order_by(Id)
                    .limit(1)
                    .for_update()
                    .skip_locked()
                    .get(b)
            })?;
            println!("[{name}] worker a took account {mine}, worker b took {next}");
            Ok::<_, Error>(())
        })?;
    } else {
        let e = select(Id)
            .for_update()
            .load::<i64, _>(&mut conn)
            .unwrap_err();
        println!("[{name}] {e}");
    }

    // AUTOCOMMIT: reads without BEGIN / ROLLBACK around them.
    conn.set_isolation_level(Some(IsolationLevel::Autocommit))?;
    let balances: Vec<(i64, i64)> = select((Id, Balance)).order_by(Id).load(&mut conn)?;
    println!("[{name}] balances, read in autocommit mode: {balances:?}");
    conn.batch_execute("DROP TABLE locking_example_accounts")?;
    Ok(())
}

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    run(&Sqlite::memory()?)?;
    if let Ok(url) = std::env::var("SQLALGEBRA_PG_URL") {
        run(&Postgres::connect(&url)?)?;
    }
    if let Ok(url) = std::env::var("SQLALGEBRA_MYSQL_URL") {
        run(&Mysql::connect(&url)?)?;
    }

    // A server that refuses for good answers at once, not after the pool's
    // 30 s timeout: here, nothing listens on the port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let start = std::time::Instant::now();
    let e = Postgres::connect(&format!("postgres://postgres@127.0.0.1:{port}/test")).unwrap_err();
    println!(
        "{:?} after {:?}: {e}",
        e.connect_failure().map(|f| f.kind()),
        start.elapsed()
    );
    Ok(())
}
