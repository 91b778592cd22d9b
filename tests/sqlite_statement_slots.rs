//! SQLite's prepared statements kept by slot of the SQL cache (feature
//! `statement-slots` of `sqlalgebra-sqlite`, on by default): pooled
//! connections move between threads with their statements, a new
//! generation of the SQL cache or an eviction drops statements, and the
//! statements are gone before their connection closes; a routed
//! connection (primary and replicas) runs its statements from the slots
//! of the connection each goes to.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use common::schema::*;
use common::setup;
use sqlalgebra::prelude::*;
use sqlalgebra::render::SqlCache;
use sqlalgebra::routing::{RoutedConnection, RoutedEngine, RoutingOptions, Target};
use sqlalgebra::schema::create_all;
use sqlalgebra::{Connection, Engine, PoolOptions, Result};
use sqlalgebra_sqlite::{Sqlite, SqliteConnection};

fn connection() -> SqliteConnection {
    let mut conn = SqliteConnection::new(rusqlite::Connection::open_in_memory().unwrap());
    create_all::<All>(&mut conn).unwrap();
    conn
}

/// The ids of the users whose id is one of `1..=n`: one statement text
/// per `n` (the IN list's length).
fn first_ids(conn: &mut SqliteConnection, n: i64) -> Result<Vec<i64>> {
    select(users::Id)
        .filter(users::Id.in_((1..=n).collect::<Vec<i64>>()))
        .order_by(users::Id)
        .load(conn)
}

/// `n` users named `user <from>` onwards.
fn add_users(conn: &mut SqliteConnection, from: i64, n: i64) -> Result<()> {
    let rows: Vec<_> = (from..from + n)
        .map(|i| users::Name.set(format!("user {i}")))
        .collect();
    insert_into(Users).values(rows).execute(conn)?;
    Ok(())
}

#[test]
fn a_statement_is_kept_once_and_run_again_from_its_slot() -> Result<()> {
    let mut conn = connection();
    add_users(&mut conn, 0, 3)?;
    let before = conn.held_statements();
    assert_eq!(before, 1, "the INSERT");
    let by_name = |name: &'static str| select(users::Id).filter(users::Name.eq(name));
    let ids: Vec<i64> = by_name("user 1").load(&mut conn)?;
    assert_eq!(ids, vec![2]);
    assert_eq!(conn.held_statements(), before + 1);
    let ids: Vec<i64> = by_name("user 2").load(&mut conn)?;
    assert_eq!(ids, vec![3], "the kept statement with other values");
    let none: Option<i64> = by_name("nobody").first(&mut conn)?;
    assert_eq!(none, None);
    assert_eq!(conn.held_statements(), before + 1, "no second statement");
    // Raw text is not in the SQL cache, so not kept by slot.
    let n: i64 = text("SELECT COUNT(*) FROM users")
        .returns::<BigInt>()
        .get(&mut conn)?;
    assert_eq!(n, 3);
    assert_eq!(conn.held_statements(), before + 1);
    Ok(())
}

#[test]
fn eviction_and_a_new_generation_drop_statements_before_the_connection() -> Result<()> {
    let mut conn = connection();
    add_users(&mut conn, 0, 300)?;
    // 200 texts: at most 128 statements are kept, the least recently
    // used leaves first.
    for n in 1..=200 {
        assert_eq!(first_ids(&mut conn, n)?.len(), n as usize);
    }
    assert_eq!(conn.held_statements(), 128);
    // The first texts were evicted; they run again (prepared anew), and
    // the count stays at the bound.
    assert_eq!(first_ids(&mut conn, 1)?, vec![1]);
    assert_eq!(first_ids(&mut conn, 2)?, vec![1, 2]);
    assert_eq!(conn.held_statements(), 128);

    // The SQL cache starts over: the old slots' statements are dropped as
    // soon as a statement of the new generation runs.
    conn.sql_cache().expect("a SQL cache").clear();
    assert_eq!(first_ids(&mut conn, 7)?.len(), 7);
    assert_eq!(conn.held_statements(), 1);
    // Filling the cache past its capacity starts it over by itself.
    let cached = conn.sql_cache().expect("a SQL cache").len();
    let new_texts = (SqlCache::CAPACITY - cached) as i64 + 1;
    for n in 8..8 + new_texts {
        assert_eq!(first_ids(&mut conn, n)?.len(), n.min(300) as usize);
    }
    assert_eq!(conn.sql_cache().expect("a SQL cache").len(), 1);
    assert_eq!(conn.held_statements(), 1);

    // Closing fails (SQLITE_BUSY) while any statement of the connection
    // is not finalized: every kept one was dropped before.
    let raw = conn.into_raw();
    assert!(raw.close().is_ok());
    Ok(())
}

#[test]
fn a_pooled_connection_moves_to_another_thread_with_its_statements() -> Result<()> {
    let engine = Sqlite::memory_with(&PoolOptions::default().size(1).overflow(0))?;
    let (address, held) = std::thread::scope(|s| {
        s.spawn(|| -> Result<(usize, usize)> {
            let mut conn = setup(&engine)?;
            add_users(&mut conn, 0, 10)?;
            assert_eq!(first_ids(&mut conn, 4)?, vec![1, 2, 3, 4]);
            Ok((
                std::ptr::from_ref(conn.raw()).addr(),
                conn.held_statements(),
            ))
        })
        .join()
        .expect("the first thread")
    })?;
    assert!(held >= 2);
    std::thread::scope(|s| {
        s.spawn(|| -> Result<()> {
            let mut conn = engine.connect()?;
            assert_eq!(std::ptr::from_ref(conn.raw()).addr(), address);
            assert_eq!(conn.held_statements(), held, "the statements came along");
            assert_eq!(first_ids(&mut conn, 4)?, vec![1, 2, 3, 4]);
            add_users(&mut conn, 10, 10)?;
            assert_eq!(conn.held_statements(), held, "and were used");
            let n: Vec<i64> = select(users::Id).order_by(users::Id).load(&mut *conn)?;
            assert_eq!(n, (1..=20).collect::<Vec<i64>>());
            Ok(())
        })
        .join()
        .expect("the second thread")
    })
}

#[test]
fn pooled_connections_holding_statements_cross_threads_under_load() -> Result<()> {
    const THREADS: usize = 8;
    const ROUNDS: usize = 60;
    let engine = Sqlite::memory_with(&PoolOptions::default().size(3).overflow(0))?;
    drop(setup(&engine)?);
    // Each checkout: (connection, thread, statements it held on arrival).
    let log: Mutex<Vec<(usize, usize, usize)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (engine, log) = (&engine, &log);
                s.spawn(move || -> Result<()> {
                    for round in 0..ROUNDS {
                        let mut conn = engine.connect()?;
                        let address = std::ptr::from_ref(conn.raw()).addr();
                        let held = conn.held_statements();
                        log.lock().unwrap().push((address, t, held));
                        let name = format!("t{t} r{round}");
                        let n = insert_into(Users)
                            .values(users::Name.set(name.clone()))
                            .execute(&mut *conn)?;
                        assert_eq!(n, 1);
                        let n = update(Users)
                            .set(users::Fullname.set(Some(format!("{name}!"))))
                            .filter(users::Name.eq(name.clone()))
                            .execute(&mut *conn)?;
                        assert_eq!(n, 1);
                        let full: Option<Option<String>> = select(users::Fullname)
                            .filter(users::Name.eq(name.clone()))
                            .first(&mut *conn)?;
                        assert_eq!(full, Some(Some(format!("{name}!"))));
                    }
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().expect("a worker"))
    })?;

    let mut conn = engine.connect()?;
    let rows: Vec<(String, Option<String>)> = select((users::Name, users::Fullname))
        .order_by(users::Id)
        .load(&mut *conn)?;
    assert_eq!(rows.len(), THREADS * ROUNDS);
    let names: HashSet<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
    for t in 0..THREADS {
        for round in 0..ROUNDS {
            assert!(names.contains(format!("t{t} r{round}").as_str()));
        }
    }
    assert!(
        rows.iter()
            .all(|(n, f)| f.as_deref() == Some(&*format!("{n}!")))
    );

    // Three connections for eight threads: some connection served several
    // threads, and arrived at a thread other than its first one holding
    // the statements it prepared before.
    let log = log.into_inner().unwrap();
    let mut first_user: HashMap<usize, usize> = HashMap::new();
    let mut moved_with_statements = 0;
    for &(address, thread, held) in &log {
        let first = *first_user.entry(address).or_insert(thread);
        if first != thread && held >= 3 {
            moved_with_statements += 1;
        }
    }
    assert!(first_user.len() <= 3, "{} connections", first_user.len());
    assert!(moved_with_statements > 0);
    Ok(())
}

/// An in-memory database of one pooled connection (so that each routed
/// read or write lands on the same connection), with 300 users.
fn one_connection_database() -> Result<Engine<Sqlite>> {
    let engine = Sqlite::memory_with(&PoolOptions::default().size(1).overflow(0))?;
    let mut conn = setup(&engine)?;
    let rows: Vec<_> = (0..300)
        .map(|i| users::Name.set(format!("user {i}")))
        .collect();
    insert_into(Users).values(rows).execute(&mut *conn)?;
    Ok(engine)
}

/// A primary and `replicas` replicas, each holding the same 300 users.
fn routed(replicas: usize) -> Result<RoutedEngine<Sqlite>> {
    let replicas = (0..replicas)
        .map(|_| one_connection_database())
        .collect::<Result<Vec<_>>>()?;
    Ok(RoutedEngine::new(
        one_connection_database()?,
        replicas,
        RoutingOptions::default().read_your_writes(std::time::Duration::ZERO),
    ))
}

/// [`first_ids`] on any connection.
fn first_ids_on(conn: &mut impl Connection, n: i64) -> Result<Vec<i64>> {
    select(users::Id)
        .filter(users::Id.in_((1..=n).collect::<Vec<i64>>()))
        .order_by(users::Id)
        .load(conn)
}

/// The statements kept by slot on the replica connection `conn` holds,
/// and how many texts that connection's SQL cache holds.
fn replica_slots(conn: &mut RoutedConnection<Sqlite>) -> (usize, usize) {
    let (_, replica) = conn.replica().expect("a replica connection");
    let texts = replica.sql_cache().expect("a SQL cache").len();
    (replica.held_statements(), texts)
}

#[test]
fn a_routed_connection_runs_cached_statements_from_the_slots_they_go_to() -> Result<()> {
    let engine = routed(1)?;
    let mut conn = engine.connect();
    let by_name = |name: &'static str| select(users::Id).filter(users::Name.eq(name));
    let ids: Vec<i64> = by_name("user 1").load(&mut conn)?;
    assert_eq!(ids, vec![2]);
    assert_eq!(conn.last_target(), Some(Target::Replica(0)));
    let (held, texts) = replica_slots(&mut conn);
    assert!(held >= 1);
    // The same statement with other values: the statement kept for its
    // slot on the replica, no other text there.
    for (name, id) in [("user 2", 3), ("user 299", 300)] {
        let ids: Vec<i64> = by_name(name).load(&mut conn)?;
        assert_eq!(ids, vec![id]);
    }
    let none: Option<i64> = by_name("nobody").first(&mut conn)?;
    assert_eq!(none, None);
    assert_eq!(replica_slots(&mut conn), (held, texts));
    // Another statement: one more, kept once.
    for n in [3, 3, 3] {
        assert_eq!(first_ids_on(&mut conn, n)?, vec![1, 2, 3]);
    }
    assert_eq!(replica_slots(&mut conn), (held + 1, texts + 1));
    // Raw text is not in the SQL cache, so not kept by slot.
    let n: i64 = text("SELECT COUNT(*) FROM users")
        .returns::<BigInt>()
        .get(&mut conn)?;
    assert_eq!(n, 300);
    assert_eq!(replica_slots(&mut conn), (held + 1, texts + 1));

    // Writes: on the primary, from its slots too.
    let before = conn.primary()?.held_statements();
    for name in ["new 1", "new 2", "new 3"] {
        let n = update(Users)
            .set(users::Fullname.set(Some(name)))
            .filter(users::Name.eq("user 5"))
            .execute(&mut conn)?;
        assert_eq!(n, 1);
        assert_eq!(conn.last_target(), Some(Target::Primary));
    }
    assert_eq!(conn.primary()?.held_statements(), before + 1);
    let on_primary: Vec<Option<String>> = select(users::Fullname)
        .filter(users::Name.eq("user 5"))
        .load(conn.primary()?)?;
    assert_eq!(on_primary, vec![Some("new 3".to_owned())]);
    // (That SELECT ran on the primary's connection itself: kept there.)
    assert_eq!(conn.primary()?.held_statements(), before + 2);
    // The replica (another database here) did not change.
    let on_replica: Vec<Option<String>> = select(users::Fullname)
        .filter(users::Name.eq("user 5"))
        .load(&mut conn)?;
    assert_eq!(on_replica, vec![None]);
    assert_eq!(conn.last_target(), Some(Target::Replica(0)));
    // In a transaction (on the primary): the primary's slots.
    conn.transaction(|tx| {
        let ids: Vec<i64> = by_name("user 7").load(tx)?;
        assert_eq!(ids, vec![8]);
        assert_eq!(tx.last_target(), Some(Target::Primary));
        Ok::<_, sqlalgebra::Error>(())
    })?;
    assert_eq!(conn.primary()?.held_statements(), before + 3);
    Ok(())
}

#[test]
fn a_routed_connection_follows_eviction_and_new_generations() -> Result<()> {
    let engine = routed(1)?;
    let mut conn = engine.connect();
    // 200 texts: at most 128 statements kept on the replica, the least
    // recently used leaving first.
    for n in 1..=200 {
        assert_eq!(first_ids_on(&mut conn, n)?.len(), n as usize);
    }
    let (held, texts) = replica_slots(&mut conn);
    assert_eq!(held, 128);
    // The routed connection's own cache starts over: its texts are found
    // in the replica's cache again (by what they were cached under), and
    // run from the statements kept there: nothing is prepared twice.
    conn.sql_cache().expect("a SQL cache").clear();
    assert_eq!(first_ids_on(&mut conn, 200)?.len(), 200);
    assert_eq!(first_ids_on(&mut conn, 199)?.len(), 199);
    assert_eq!(replica_slots(&mut conn), (128, texts));
    // The replica's cache starts over: its old slots' statements are
    // dropped as soon as a statement of the new generation runs there.
    let (_, replica) = conn.replica().expect("a replica connection");
    replica.sql_cache().expect("a SQL cache").clear();
    assert_eq!(first_ids_on(&mut conn, 7)?.len(), 7);
    assert_eq!(replica_slots(&mut conn), (1, 1));
    // Filling the routed cache past its capacity starts both over by
    // themselves; every result stays right.
    let cached = conn.sql_cache().expect("a SQL cache").len();
    let new_texts = (SqlCache::CAPACITY - cached) as i64 + 1;
    // (Texts 199, 200 and 7 are cached: lists of 201 values and more are new.)
    for n in 201..201 + new_texts {
        assert_eq!(first_ids_on(&mut conn, n)?.len(), n.min(300) as usize);
    }
    assert_eq!(conn.sql_cache().expect("a SQL cache").len(), 1);
    let (held, texts) = replica_slots(&mut conn);
    assert!(held <= 128 && texts <= SqlCache::CAPACITY, "{held} {texts}");
    assert_eq!(first_ids_on(&mut conn, 3)?, vec![1, 2, 3]);
    // Statements whose ids are stale on either side still run.
    conn.sql_cache().expect("a SQL cache").clear();
    let (_, replica) = conn.replica().expect("a replica connection");
    replica.sql_cache().expect("a SQL cache").clear();
    assert_eq!(first_ids_on(&mut conn, 4)?, vec![1, 2, 3, 4]);
    assert_eq!(replica_slots(&mut conn), (1, 1));
    Ok(())
}

#[test]
fn routed_connections_share_the_statements_kept_on_each_replica() -> Result<()> {
    let engine = routed(2)?;
    // Two connections, round robin: one on each replica.
    let (mut a, mut b) = (engine.connect(), engine.connect());
    assert_eq!(first_ids_on(&mut a, 5)?, vec![1, 2, 3, 4, 5]);
    assert_eq!(first_ids_on(&mut b, 5)?, vec![1, 2, 3, 4, 5]);
    let (ra, rb) = (a.replica().map(|(i, _)| i), b.replica().map(|(i, _)| i));
    assert!(ra.is_some() && rb.is_some() && ra != rb, "{ra:?} {rb:?}");
    let slots = [replica_slots(&mut a), replica_slots(&mut b)];
    assert!(slots.iter().all(|&(held, _)| held >= 1), "{slots:?}");
    drop((a, b));
    // Later connections land on those replicas again: the text, cached
    // there by the first ones (under other ids of theirs), is found and
    // its statement runs; nothing new is kept.
    for _ in 0..4 {
        let mut c = engine.connect();
        assert_eq!(first_ids_on(&mut c, 5)?, vec![1, 2, 3, 4, 5]);
        let Some(Target::Replica(i)) = c.last_target() else {
            panic!("read on {:?}", c.last_target());
        };
        let at = if Some(i) == ra { 0 } else { 1 };
        assert_eq!(replica_slots(&mut c), slots[at], "replica {i}");
    }
    Ok(())
}
