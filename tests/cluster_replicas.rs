//! Primary/replica routing on a real PostgreSQL primary and hot standby
//! (scripts/cluster-up.sh: 5440 and 5441, streaming replication). The
//! tests of this file share the standby, which one of them stops and
//! starts: they run one at a time.

mod cluster_common;

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use cluster_common::{PG_PRIMARY, PG_STANDBY, available, pg_up, standby};
use sqlalgebra::prelude::*;
use sqlalgebra::routing::{RoutedConnection, RoutedEngine, RoutingOptions, Target};
use sqlalgebra::{Error, ErrorKind, Result};
use sqlalgebra_postgres::Postgres;

static STANDBY: Mutex<()> = Mutex::new(());

/// The standby to themselves, if the cluster runs.
fn cluster() -> Option<MutexGuard<'static, ()>> {
    let guard = STANDBY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let up = available("the PostgreSQL primary (5440)", || pg_up(PG_PRIMARY))
        && available("the PostgreSQL standby (5441)", || pg_up(PG_STANDBY));
    up.then_some(guard)
}

fn replica_options() -> PoolOptions {
    PoolOptions::default()
        .size(0)
        .overflow(4)
        .timeout(Duration::from_secs(2))
}

/// A routed engine over the cluster, the roles asked from the servers.
fn engine(routing: RoutingOptions) -> RoutedEngine<Postgres> {
    Postgres::connect_routed(
        &["postgres://postgres@127.0.0.1:5440,127.0.0.1:5441/test"],
        &PoolOptions::default()
            .size(0)
            .overflow(4)
            .timeout(Duration::from_secs(5)),
        &replica_options(),
        routing,
    )
    .expect("routed engine")
}

/// Whether the statement ran on a standby, asked of the server it ran on.
fn on_standby(conn: &mut RoutedConnection<Postgres>) -> Result<bool> {
    text("SELECT pg_is_in_recovery()")
        .returns::<Bool>()
        .get(conn)
}

/// Writes in a transaction that commits once the standby applied it, so
/// that reads there see it.
fn write_applied(conn: &mut RoutedConnection<Postgres>, sql: &str) -> Result<u64> {
    conn.transaction(|c| {
        c.batch_execute("SET LOCAL synchronous_commit = remote_apply")?;
        text(sql).execute(c)
    })
}

#[test]
fn reads_go_to_the_standby_and_writes_to_the_primary() -> Result<()> {
    let Some(_standby) = cluster() else {
        return Ok(());
    };
    let engine = engine(RoutingOptions::default().read_your_writes(Duration::ZERO));
    assert_eq!(engine.replica_count(), 1);
    let mut conn = engine.connect();
    conn.batch_execute(
        "DROP TABLE IF EXISTS routed_items; \
         CREATE TABLE routed_items (id int8 PRIMARY KEY, name text NOT NULL)",
    )?;
    assert_eq!(conn.last_target(), Some(Target::Primary));
    let n = write_applied(
        &mut conn,
        "INSERT INTO routed_items VALUES (1, 'a'), (2, 'b')",
    )?;
    assert_eq!((n, conn.last_target()), (2, Some(Target::Primary)));

    // A read outside a transaction: the standby, which has the rows.
    assert!(on_standby(&mut conn)?);
    assert_eq!(conn.last_target(), Some(Target::Replica(0)));
    let rows: Vec<(i64, String)> = text("SELECT id, name FROM routed_items ORDER BY id")
        .returns::<(BigInt, Text)>()
        .load(&mut conn)?;
    assert_eq!(rows, [(1, "a".to_owned()), (2, "b".to_owned())]);
    assert_eq!(conn.last_target(), Some(Target::Replica(0)));

    // SELECT ... FOR UPDATE and writes: the primary.
    let locked: Vec<i64> = text("SELECT id FROM routed_items WHERE id = 1 FOR UPDATE")
        .returns::<BigInt>()
        .load(&mut conn)?;
    assert_eq!(
        (locked, conn.last_target()),
        (vec![1], Some(Target::Primary))
    );
    let changed = write_applied(
        &mut conn,
        "UPDATE routed_items SET name = 'b2' WHERE id = 2",
    )?;
    assert_eq!(changed, 1);

    // A read-write transaction: the primary, reads included.
    let in_tx = conn.transaction(|c| {
        let standby = on_standby(c)?;
        text("DELETE FROM routed_items WHERE id = 1").execute(c)?;
        Ok::<_, Error>(standby)
    })?;
    assert!(!in_tx);

    // A read-only connection: the standby, which refuses writes.
    conn.set_read_only(true);
    let err = text("INSERT INTO routed_items VALUES (3, 'c')")
        .execute(&mut conn)
        .unwrap_err();
    assert!(
        err.to_string().contains("read-only transaction"),
        "unexpected error: {err}"
    );
    assert_eq!(conn.last_target(), Some(Target::Replica(0)));
    let read_only_tx = conn.transaction(on_standby)?;
    assert!(read_only_tx);
    conn.set_read_only(false);

    // The primary holds exactly the writes.
    let rows: Vec<(i64, String)> = text("SELECT id, name FROM routed_items ORDER BY id")
        .returns::<(BigInt, Text)>()
        .load(conn.primary()?)?;
    assert_eq!(rows, [(2, "b2".to_owned())]);
    conn.batch_execute("DROP TABLE routed_items")?;
    Ok(())
}

#[test]
fn reads_after_a_write_go_to_the_primary_for_the_window() -> Result<()> {
    let Some(_standby) = cluster() else {
        return Ok(());
    };
    let engine = engine(RoutingOptions::default().read_your_writes(Duration::from_secs(3600)));
    let mut conn = engine.connect();
    assert!(on_standby(&mut conn)?, "no write yet: the standby");
    conn.batch_execute(
        "DROP TABLE IF EXISTS routed_ryw; CREATE TABLE routed_ryw (id int8 PRIMARY KEY)",
    )?;
    // Not waiting for the standby: only the primary has the row yet, and
    // the read finds it there.
    assert_eq!(
        text("INSERT INTO routed_ryw VALUES (7)").execute(&mut conn)?,
        1
    );
    let ids: Vec<i64> = text("SELECT id FROM routed_ryw")
        .returns::<BigInt>()
        .load(&mut conn)?;
    assert_eq!((ids, conn.last_target()), (vec![7], Some(Target::Primary)));
    assert!(!on_standby(&mut conn)?);

    // Another connection has not written: the standby. Given the first
    // one's write time (a web session carries it), the primary.
    let mut other = engine.connect();
    assert!(on_standby(&mut other)?);
    other.set_wrote_at(conn.wrote_at());
    assert!(!on_standby(&mut other)?);
    conn.batch_execute("DROP TABLE routed_ryw")?;
    Ok(())
}

#[test]
fn replicas_round_robin_and_one_that_is_down_is_skipped() -> Result<()> {
    let Some(_standby) = cluster() else {
        return Ok(());
    };
    // The standby twice, and a port where nothing listens.
    let engine = Postgres::connect_routed(
        &[
            "postgres://postgres@127.0.0.1:5440/test?target_session_attrs=read-write",
            "postgres://postgres@127.0.0.1:5441,127.0.0.1:5441,127.0.0.1:5449/test?target_session_attrs=read-only",
        ],
        &PoolOptions::default().size(0),
        &replica_options(),
        RoutingOptions::default().recheck_after(Duration::from_secs(3600)),
    )?;
    assert_eq!(engine.replica_count(), 3);
    let mut seen = Vec::new();
    for _ in 0..6 {
        let mut conn = engine.connect();
        assert!(on_standby(&mut conn)?);
        seen.push(conn.last_target());
    }
    // Round robin over 0, 1, 2; 2 is down, so its turn goes to the next.
    assert_eq!(engine.replicas_down(), [2]);
    let ones = seen
        .iter()
        .filter(|t| **t == Some(Target::Replica(1)))
        .count();
    let zeros = seen
        .iter()
        .filter(|t| **t == Some(Target::Replica(0)))
        .count();
    assert_eq!(ones + zeros, 6, "{seen:?}");
    assert!(ones >= 2 && zeros >= 2, "not round robin: {seen:?}");
    Ok(())
}

/// Starts the standby again when dropped, whatever happened.
struct Restart;

impl Drop for Restart {
    fn drop(&mut self) {
        standby("start");
    }
}

#[test]
fn a_standby_that_goes_down_is_skipped_and_readmitted() -> Result<()> {
    let Some(_standby) = cluster() else {
        return Ok(());
    };
    // Rechecked at once: every read tries the standby first.
    let eager = engine(RoutingOptions::default().recheck_after(Duration::ZERO));
    // Rechecked after an hour: skipped without trying.
    let patient = engine(RoutingOptions::default().recheck_after(Duration::from_secs(3600)));
    let mut held = eager.connect();
    assert!(on_standby(&mut held)?);
    assert_eq!(held.last_target(), Some(Target::Replica(0)));

    let restart = Restart;
    standby("stop");
    // The connection it held is gone: the read runs again, on the primary.
    assert!(!on_standby(&mut held)?);
    assert_eq!(held.last_target(), Some(Target::Primary));
    let mut fresh = eager.connect();
    assert!(!on_standby(&mut fresh)?);
    let mut skipping = patient.connect();
    assert!(!on_standby(&mut skipping)?);
    assert_eq!(patient.replicas_down(), [0]);
    // Writes are unaffected.
    let n: i64 = text("SELECT count(*) FROM pg_stat_replication")
        .returns::<BigInt>()
        .get(held.primary()?)?;
    assert_eq!(n, 0, "the primary still sees a standby");

    drop(restart); // starts it
    let mut back = eager.connect();
    assert!(on_standby(&mut back)?, "the standby was not re-admitted");
    assert_eq!(back.last_target(), Some(Target::Replica(0)));
    assert!(on_standby(&mut held)?);
    assert!(eager.replicas_down().is_empty());
    // The patient engine waits out its recheck interval.
    assert!(!on_standby(&mut patient.connect())?);
    Ok(())
}

#[test]
fn a_primary_that_is_down_is_a_typed_error_within_the_timeout() -> Result<()> {
    let Some(_standby) = cluster() else {
        return Ok(());
    };
    let timeout = Duration::from_secs(1);
    let engine = Postgres::connect_routed(
        &[
            "postgres://postgres@127.0.0.1:5449/test?target_session_attrs=read-write",
            "postgres://postgres@127.0.0.1:5441/test?target_session_attrs=read-only",
        ],
        &PoolOptions::default().size(0).timeout(timeout),
        &replica_options(),
        RoutingOptions::default(),
    )?;
    let mut conn = engine.connect();
    // Reads still work on the standby.
    assert!(on_standby(&mut conn)?);
    let started = Instant::now();
    let err = text("CREATE TABLE routed_never (id int8)")
        .execute(&mut conn)
        .unwrap_err();
    // Nothing listens on the primary's port: refused for good, reported at
    // once (a primary that hangs would give `ErrorKind::PoolTimeout`).
    assert!(
        matches!(err.kind(), ErrorKind::Connection(_)) && err.connect_failure().is_some(),
        "{err:?}"
    );
    // Not a hang: the timeout, plus generous slack for a loaded machine.
    assert!(started.elapsed() < timeout + Duration::from_secs(30));
    Ok(())
}
