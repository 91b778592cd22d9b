//! The SQLite engine itself: shared in-memory databases, files in WAL mode
//! with concurrent writers, pool limits, echo, and SQLite's own quirks.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Once};
use std::time::Duration;

use common::schema::*;
use common::{expect_err, setup};
use sqlalgebra::prelude::*;
use sqlalgebra::{ConstraintKind, Engine, Error, ErrorKind, Result};
use sqlalgebra_sqlite::Sqlite;

/// A directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static N: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "sqlalgebra-test-{}-{tag}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).expect("create a temp dir");
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn connect_err(engine: &Engine<Sqlite>) -> Error {
    match engine.connect() {
        Ok(_) => panic!("expected connect to fail"),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------- memory

#[test]
fn pooled_memory_connections_share_one_database() -> Result<()> {
    let engine = Sqlite::memory()?;
    let mut a = engine.connect()?;
    let mut b = engine.connect()?;
    create_all::<All>(&mut a)?;
    add_user(&mut a, "from_a", None)?;
    // b is a different connection, held at the same time.
    assert_eq!(user_names(&mut b)?, ["from_a"]);
    add_user(&mut b, "from_b", None)?;
    assert_eq!(user_names(&mut a)?, ["from_a", "from_b"]);
    assert!(engine.state().0 >= 2);

    // Connections handed back and taken again still see it.
    drop((a, b));
    let mut c = engine.connect()?;
    assert_eq!(count_rows(&mut c, Users)?, 2);
    Ok(())
}

#[test]
fn separate_memory_engines_are_separate_databases() -> Result<()> {
    let one = Sqlite::memory()?;
    let two = Sqlite::memory()?;
    let mut c1 = setup(&one)?;
    add_user(&mut c1, "only_in_one", None)?;

    let mut c2 = two.connect()?;
    let err = expect_err(count_rows(&mut c2, Users));
    assert!(
        err.to_string().contains("no such table"),
        "the second engine must not see the first one's tables: {err}"
    );
    create_all::<All>(&mut c2)?;
    assert_eq!(count_rows(&mut c2, Users)?, 0);
    add_user(&mut c2, "only_in_two", None)?;
    assert_eq!(user_names(&mut c1)?, ["only_in_one"]);
    assert_eq!(user_names(&mut c2)?, ["only_in_two"]);
    Ok(())
}

#[test]
fn a_connection_returned_inside_a_transaction_is_not_reused() -> Result<()> {
    let options = PoolOptions::default().size(1).overflow(0);
    let engine = Sqlite::memory_with(&options)?;
    let mut conn = setup(&engine)?;
    conn.batch_execute("BEGIN")?;
    add_user(&mut conn, "uncommitted", None)?;
    drop(conn);

    let mut conn = engine.connect()?;
    assert!(
        conn.raw().is_autocommit(),
        "got a connection mid-transaction"
    );
    assert_eq!(count_rows(&mut conn, Users)?, 0);
    add_user(&mut conn, "committed", None)?;
    assert_eq!(user_names(&mut conn)?, ["committed"]);
    Ok(())
}

// ---------------------------------------------------------------- files

#[test]
fn a_file_database_is_in_wal_mode_and_persists() -> Result<()> {
    let dir = TempDir::new("wal");
    let path = dir.path().join("app.db");
    {
        let engine = Sqlite::open(&path)?;
        let mut conn = setup(&engine)?;
        let mode: String = text("PRAGMA journal_mode")
            .returns::<Text>()
            .get(&mut conn)?;
        assert_eq!(mode, "wal");
        let fks: i64 = text("PRAGMA foreign_keys")
            .returns::<BigInt>()
            .get(&mut conn)?;
        assert_eq!(fks, 1, "foreign keys are enforced");
        add_user(&mut conn, "persisted", None)?;
    }
    assert!(path.exists());

    let engine = Sqlite::open(&path)?;
    let mut conn = engine.connect()?;
    assert_eq!(user_names(&mut conn)?, ["persisted"]);
    let mode: String = text("PRAGMA journal_mode")
        .returns::<Text>()
        .get(&mut conn)?;
    assert_eq!(mode, "wal");
    Ok(())
}

#[test]
fn opening_a_file_in_a_missing_directory_is_a_connection_error() {
    let dir = TempDir::new("missing");
    let path = dir.path().join("no").join("such").join("dir.db");
    match Sqlite::open(&path).map_err(sqlalgebra::Error::into_kind) {
        Err(ErrorKind::Connection(_)) => {}
        Err(other) => panic!("expected a connection error, got {other:?}"),
        Ok(_) => panic!("opened a database in a directory that does not exist"),
    }
}

const THREADS: i64 = 4;
const PER_THREAD: i64 = 50;

/// Runs `work(conn, thread, i)` in its own transaction, `PER_THREAD` times
/// on each of `THREADS` threads at once.
fn concurrently<F>(engine: &Engine<Sqlite>, work: F) -> Result<()>
where
    F: Fn(&mut sqlalgebra::Pooled<Sqlite>, i64, i64) -> Result<()> + Send + Sync + Copy + 'static,
{
    let start = std::sync::Arc::new(std::sync::Barrier::new(THREADS as usize));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let engine = engine.clone();
            let start = start.clone();
            std::thread::spawn(move || -> Result<()> {
                let mut conn = engine.connect()?;
                start.wait();
                for i in 0..PER_THREAD {
                    conn.transaction(|tx| work(tx, t, i))?;
                }
                Ok(())
            })
        })
        .collect();
    let mut first_error = None;
    for h in handles {
        if let Err(e) = h.join().expect("a writer thread panicked") {
            first_error.get_or_insert(e);
        }
    }
    first_error.map_or(Ok(()), Err)
}

#[test]
fn concurrent_writers_wait_for_each_other() -> Result<()> {
    let dir = TempDir::new("writers");
    let engine = Sqlite::open(dir.path().join("w.db"))?;
    setup(&engine)?;
    concurrently(&engine, |tx, t, i| {
        let id = add_user(tx, &format!("t{t}-{i}"), None)?;
        add_post(tx, id, "post", 1)?;
        Ok(())
    })?;
    let mut conn = engine.connect()?;
    assert_eq!(count_rows(&mut conn, Users)?, THREADS * PER_THREAD);
    assert_eq!(count_rows(&mut conn, Posts)?, THREADS * PER_THREAD);
    Ok(())
}

#[test]
fn concurrent_read_modify_write_transactions_lose_no_update() -> Result<()> {
    let dir = TempDir::new("counter");
    let engine = Sqlite::open(dir.path().join("c.db"))?;
    let mut conn = setup(&engine)?;
    Kind::default().insert(&mut conn)?;
    drop(conn);
    // Each transaction reads the counter, then writes it back plus one:
    // the read must not let another writer slip in before the write.
    concurrently(&engine, |tx, _, _| {
        let n: i64 = select(kinds::Big).get(tx)?;
        update(Kinds).set(kinds::Big.set(n + 1)).execute(tx)?;
        Ok(())
    })?;
    let mut conn = engine.connect()?;
    let n: i64 = select(kinds::Big).get(&mut conn)?;
    assert_eq!(n, THREADS * PER_THREAD);
    Ok(())
}

#[test]
fn concurrent_writers_on_a_memory_database() -> Result<()> {
    let engine = Sqlite::memory()?;
    let mut conn = setup(&engine)?;
    Kind::default().insert(&mut conn)?;
    drop(conn);
    concurrently(&engine, |tx, t, i| {
        let n: i64 = select(kinds::Big).get(tx)?;
        update(Kinds).set(kinds::Big.set(n + 1)).execute(tx)?;
        add_user(tx, &format!("t{t}-{i}"), None)?;
        Ok(())
    })?;
    let mut conn = engine.connect()?;
    let n: i64 = select(kinds::Big).get(&mut conn)?;
    assert_eq!(n, THREADS * PER_THREAD);
    assert_eq!(count_rows(&mut conn, Users)?, THREADS * PER_THREAD);
    Ok(())
}

#[test]
fn a_lock_wait_that_gives_up_is_a_retryable_conflict() -> Result<()> {
    let dir = TempDir::new("busy");
    let engine = Sqlite::open(dir.path().join("b.db"))?;
    let mut holder = setup(&engine)?;
    let mut waiter = engine.connect()?;
    // No waiting at all, so that the test does not depend on time.
    waiter
        .raw()
        .busy_timeout(Duration::ZERO)
        .expect("set the busy timeout");
    holder.transaction(|tx| -> Result<()> {
        add_user(tx, "holder", None)?;
        let err = expect_err(add_user(&mut waiter, "waiter", None));
        assert!(matches!(err.kind(), ErrorKind::Conflict { .. }), "{err:?}");
        assert!(err.is_retryable());
        assert!(
            err.sql().is_some_and(|s| s.starts_with("INSERT")),
            "{err:?}"
        );
        let err = expect_err(waiter.transaction(|w| add_user(w, "waiter", None)));
        assert!(matches!(err.kind(), ErrorKind::Conflict { .. }), "{err:?}");
        Ok(())
    })?;
    // Once the lock is free, the retry succeeds.
    add_user(&mut waiter, "waiter", None)?;
    assert_eq!(user_names(&mut holder)?, ["holder", "waiter"]);
    Ok(())
}

// ---------------------------------------------------------------- pool

#[test]
fn an_exhausted_pool_times_out_with_pool_timeout() -> Result<()> {
    let options = PoolOptions::default()
        .size(1)
        .overflow(0)
        .timeout(Duration::from_millis(200));
    let engine = Sqlite::memory_with(&options)?;
    let mut held = engine.connect()?;
    let err = connect_err(&engine);
    assert!(matches!(err.kind(), ErrorKind::PoolTimeout(_)), "{err:?}");
    assert!(err.is_retryable());

    // The held connection is unaffected, and once it is back the pool
    // hands it out again.
    let one: i64 = text("SELECT 1").returns::<BigInt>().get(&mut held)?;
    assert_eq!(one, 1);
    drop(held);
    let mut again = engine.connect()?;
    let two: i64 = text("SELECT 2").returns::<BigInt>().get(&mut again)?;
    assert_eq!(two, 2);
    assert_eq!(engine.state().0, 1);
    Ok(())
}

// ---------------------------------------------------------------- echo

/// Keeps what is logged to `sqlalgebra::echo`.
struct Capture;

static ECHOED: Mutex<Vec<String>> = Mutex::new(Vec::new());

impl log::Log for Capture {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target() == "sqlalgebra::echo"
    }
    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            ECHOED.lock().unwrap().push(record.args().to_string());
        }
    }
    fn flush(&self) {}
}

fn echoed_containing(marker: &str) -> Vec<String> {
    ECHOED
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.contains(marker))
        .cloned()
        .collect()
}

#[test]
fn echo_logs_statements_and_changes_nothing_else() -> Result<()> {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        log::set_logger(&Capture).expect("no other logger in this test binary");
        log::set_max_level(log::LevelFilter::Info);
    });

    let engine = Sqlite::memory_with(&PoolOptions::default().echo(true))?;
    let mut conn = setup(&engine)?;
    let id = add_user(&mut conn, "echo-marker-1", Some("Echo"))?;
    // Twice: the second run takes its text from the SQL cache.
    for _ in 0..2 {
        let got: (i64, Option<String>) = select((users::Id, users::Fullname))
            .filter(users::Name.eq("echo-marker-1"))
            .get(&mut conn)?;
        assert_eq!(got, (id, Some("Echo".to_string())));
    }
    conn.transaction(|tx| {
        update(Users)
            .set(users::Fullname.set("echo-marker-2"))
            .execute(tx)
    })?;
    let n: i64 = text("SELECT COUNT(*) FROM users WHERE fullname = :f")
        .bind("f", "echo-marker-2")
        .returns::<BigInt>()
        .get(&mut conn)?;
    assert_eq!(n, 1);

    let inserts = echoed_containing("echo-marker-1");
    assert!(
        inserts
            .iter()
            .any(|l| l.starts_with("INSERT INTO \"users\"")),
        "{inserts:?}"
    );
    assert_eq!(
        inserts
            .iter()
            .filter(|l| l.starts_with(r#"SELECT "users"."id", "users"."fullname""#))
            .count(),
        2,
        "{inserts:?}"
    );
    assert!(!echoed_containing("echo-marker-2").is_empty());

    // An engine without echo logs nothing.
    let quiet = Sqlite::memory()?;
    let mut conn = setup(&quiet)?;
    add_user(&mut conn, "quiet-marker", None)?;
    assert!(echoed_containing("quiet-marker").is_empty());
    Ok(())
}

// ---------------------------------------------------------------- SQLite quirks

#[test]
fn a_nan_bind_is_an_error_not_a_null() -> Result<()> {
    let engine = Sqlite::memory()?;
    let mut conn = setup(&engine)?;
    let err = expect_err(
        Kind {
            double: f64::NAN,
            ..Kind::default()
        }
        .insert(&mut conn),
    );
    assert!(matches!(err.kind(), ErrorKind::Query { .. }), "{err:?}");
    assert!(err.to_string().contains("NaN"), "{err}");
    let err = expect_err(
        NullKind {
            real: Some(f32::NAN),
            ..NullKind::default()
        }
        .insert(&mut conn),
    );
    assert!(err.to_string().contains("NaN"), "{err}");
    let err = expect_err(
        text("SELECT :x")
            .bind("x", f64::NAN)
            .returns::<Nullable<Double>>()
            .get::<Option<f64>, _>(&mut conn),
    );
    assert!(err.to_string().contains("NaN"), "{err}");
    assert_eq!(count_rows(&mut conn, Kinds)?, 0);
    assert_eq!(count_rows(&mut conn, NullKinds)?, 0);
    Ok(())
}

#[test]
fn infinities_round_trip() -> Result<()> {
    let engine = Sqlite::memory()?;
    let mut conn = setup(&engine)?;
    let row = Kind {
        double: f64::NEG_INFINITY,
        real: f32::INFINITY,
        ..Kind::default()
    };
    row.insert(&mut conn)?;
    assert_eq!(Kind::load_all(&mut conn)?, [row]);
    Ok(())
}

#[test]
fn last_insert_id_is_the_new_rows_id() -> Result<()> {
    let engine = Sqlite::memory()?;
    let mut conn = setup(&engine)?;
    assert_eq!(conn.last_insert_id()?, None);
    let alice = add_user(&mut conn, "alice", None)?;
    assert_eq!(conn.last_insert_id()?, Some(alice));
    let post = add_post(&mut conn, alice, "p", 1)?;
    assert_eq!(conn.last_insert_id()?, Some(post));
    Ok(())
}

#[test]
fn constraint_errors_name_the_constraint() -> Result<()> {
    let engine = Sqlite::memory()?;
    let mut conn = setup(&engine)?;
    add_user(&mut conn, "alice", None)?;
    match expect_err(add_user(&mut conn, "alice", None)).into_kind() {
        ErrorKind::Constraint {
            kind: ConstraintKind::Unique,
            constraint,
            ..
        } => assert_eq!(constraint.as_deref(), Some("users.name")),
        other => panic!("expected a unique violation, got {other:?}"),
    }
    Ok(())
}

#[test]
fn engines_from_urls() {
    let options = sqlalgebra::PoolOptions::default().size(1);
    for url in ["sqlite::memory:", "sqlite://", "sqlite://:memory:"] {
        let engine = Sqlite::connect(url, &options).unwrap();
        let n: i64 = text("SELECT 7")
            .returns::<BigInt>()
            .get(&mut engine.connect().unwrap())
            .unwrap();
        assert_eq!(n, 7, "{url}");
    }
    let dir = std::env::temp_dir().join(format!("sqlalgebra-url-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("u.db");
    let url = format!("sqlite://{}", file.display());
    {
        let engine = Sqlite::connect(&url, &options).unwrap();
        text("CREATE TABLE t (x INTEGER)")
            .execute(&mut engine.connect().unwrap())
            .unwrap();
    }
    assert!(file.exists(), "{url} names the file {}", file.display());
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(
        Sqlite::connect("mysql://root@localhost/test", &options)
            .as_ref()
            .map_err(sqlalgebra::Error::kind),
        Err(sqlalgebra::ErrorKind::Connection(_))
    ));
}
