//! The read-modify-write transfer: 16 threads move money between 10
//! accounts, each transfer reading both balances and writing the new
//! values computed in Rust. With the rows locked (`for_update()`; on
//! SQLite, the `BEGIN IMMEDIATE` transaction that serializes writers) no
//! update is lost: every balance ends as the initial one plus the
//! transfers that committed, and the total is unchanged.

use std::sync::Mutex;

use super::common::on_all_backends;
use super::locking_common::{Account, Accounts, Balance, Id, accounts, balances};
use sqlalgebra::prelude::*;
use sqlalgebra::{Backend, Engine, Error, Result};

const ACCOUNTS: i64 = 10;
const INITIAL: i64 = 1_000;
const THREADS: i64 = 16;
const ROUNDS: i64 = 20;
/// Attempts per transfer before a retryable conflict fails the test.
const ATTEMPTS: usize = 50;

/// The transfers of thread `t`: (from, to, amount), never from == to.
fn plan(t: i64) -> impl Iterator<Item = (i64, i64, i64)> {
    (0..ROUNDS).map(move |i| {
        let from = (t + i) % ACCOUNTS + 1;
        let mut to = (t * 7 + i * 3 + 1) % ACCOUNTS + 1;
        if to == from {
            to = from % ACCOUNTS + 1;
        }
        (from, to, (t + i) % 50 + 1)
    })
}

/// Runs `transfer` for every planned transfer on 16 threads, retrying
/// retryable conflicts; returns the transfers that moved money.
fn run_all<B, F>(engine: &Engine<B>, transfer: F) -> Result<Vec<(i64, i64, i64)>>
where
    B: Backend,
    F: Fn(&Engine<B>, i64, i64, i64) -> Result<bool> + Sync,
{
    let done = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (engine, transfer, done) = (engine.clone(), &transfer, &done);
                scope.spawn(move || -> Result<()> {
                    for (from, to, amount) in plan(t) {
                        let mut attempt = 0;
                        let moved = loop {
                            attempt += 1;
                            match transfer(&engine, from, to, amount) {
                                Ok(moved) => break moved,
                                Err(e) if e.is_retryable() && attempt < ATTEMPTS => {}
                                Err(e) => return Err(e),
                            }
                        };
                        if moved {
                            done.lock().unwrap().push((from, to, amount));
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().expect("transfer thread panicked"))
    })?;
    Ok(done.into_inner().unwrap())
}

/// The balances the committed transfers must leave.
fn expected(done: &[(i64, i64, i64)]) -> Vec<(i64, i64)> {
    let mut b: Vec<(i64, i64)> = (1..=ACCOUNTS).map(|id| (id, INITIAL)).collect();
    for &(from, to, amount) in done {
        b[(from - 1) as usize].1 -= amount;
        b[(to - 1) as usize].1 += amount;
    }
    b
}

fn check<B: Backend>(engine: &Engine<B>, done: &[(i64, i64, i64)]) -> Result<()> {
    let mut conn = engine.connect()?;
    let now = balances(&mut conn)?;
    assert!(
        done.len() as i64 > THREADS * ROUNDS / 2,
        "{} transfers",
        done.len()
    );
    assert_eq!(now, expected(done));
    assert_eq!(now.iter().map(|&(_, b)| b).sum::<i64>(), ACCOUNTS * INITIAL);
    Ok(())
}

/// Core: `SELECT balance ... FOR UPDATE` of both accounts (lowest id
/// first, so that two transfers never wait for each other), then two
/// UPDATEs with the values computed in Rust.
fn core_transfer_keeps_the_total<B: Backend>(engine: &Engine<B>) -> Result<()> {
    accounts(&mut engine.connect()?, ACCOUNTS, INITIAL)?;
    let done = run_all(engine, |engine, from, to, amount| {
        let mut conn = engine.connect()?;
        let locks = conn.dialect().name() != "sqlite";
        conn.transaction(|tx| {
            let mut read = |id: i64| -> Result<i64> {
                let q = select(Balance).filter(Id.eq(id));
                if locks {
                    q.for_update().get(tx)
                } else {
                    q.get(tx)
                }
            };
            let (low, high) = (read(from.min(to))?, read(from.max(to))?);
            let (from_balance, to_balance) = if from < to { (low, high) } else { (high, low) };
            if from_balance < amount {
                return Ok(false);
            }
            for (id, balance) in [(from, from_balance - amount), (to, to_balance + amount)] {
                let changed = update(Accounts)
                    .set(Balance.set(balance))
                    .filter(Id.eq(id))
                    .execute(tx)?;
                assert_eq!(changed, 1);
            }
            Ok::<_, Error>(true)
        })
    })?;
    check(engine, &done)
}

/// ORM: `session.get_for_update` of both accounts, then the changes in
/// memory, flushed by `commit`.
fn orm_transfer_keeps_the_total<B: Backend>(engine: &Engine<B>) -> Result<()> {
    accounts(&mut engine.connect()?, ACCOUNTS, INITIAL)?;
    let done = run_all(engine, |engine, from, to, amount| {
        let mut conn = engine.connect()?;
        let locks = conn.dialect().name() != "sqlite";
        let mut s = Session::new(&mut conn);
        let read = |s: &mut Session<'_, _>, id: i64| -> Result<Handle<Account>> {
            let h = if locks {
                s.get_for_update::<Account>(id)?
            } else {
                s.get::<Account>(id)?
            };
            Ok(h.expect("the account exists"))
        };
        let low = read(&mut s, from.min(to))?;
        let high = read(&mut s, from.max(to))?;
        let (f, t) = if from < to { (low, high) } else { (high, low) };
        if s[f].balance < amount {
            s.rollback()?;
            return Ok(false);
        }
        s[f].balance -= amount;
        s[t].balance += amount;
        s.commit()?;
        Ok(true)
    })?;
    check(engine, &done)
}

on_all_backends!(core_transfer_keeps_the_total, orm_transfer_keeps_the_total);
