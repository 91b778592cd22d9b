//! A connection killed by the server inside a transaction: the caller gets
//! the lost connection (`ErrorKind::Connection`, retryable), not the failure of
//! the rollback that follows it; nothing of the transaction is committed;
//! the pool hands out a working connection next. On PostgreSQL
//! (`pg_terminate_backend`) and MariaDB/MySQL (`KILL CONNECTION`), each
//! issued from a second connection inside the transaction; through
//! `Connection::transaction`, nested savepoints, and the ORM session.
//!
//! SQLite has no server to lose: its counterpart is an interrupted
//! statement (`sqlite3_interrupt`), after which SQLite has rolled the whole
//! transaction back by itself, so the `ROLLBACK` that follows finds none.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate

mod common;

use sqlalgebra::engine::Backend;
use sqlalgebra::orm::{Model, Session};
use sqlalgebra::prelude::*;
use sqlalgebra::{Engine, Error, ErrorKind, Pooled, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;

/// `lost_items`: the table each test writes in its transaction.
#[derive(Clone, Copy, Debug, Default)]
pub struct Items;
impl Table for Items {
    const NAME: &'static str = "lost_items";
    type Columns = (ItemId, ItemName);
    type PrimaryKey = ItemId;
}

/// `lost_items.id`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ItemId;
impl Column for ItemId {
    type Table = Items;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
}

/// `lost_items.name`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ItemName;
impl Column for ItemName {
    type Table = Items;
    type SqlType = Varchar<40>;
    const NAME: &'static str = "name";
}

/// A row of `lost_items` for the ORM.
#[derive(Clone, Debug)]
pub struct Item {
    id: i64,
    name: String,
}

impl Model for Item {
    type Table = Items;
    type Columns = (ItemId, ItemName);
    type Row = (i64, String);
    type Key = i64;
    fn from_row((id, name): Self::Row) -> Self {
        Item { id, name }
    }
    fn values(&self) -> (&i64, &String) {
        (&self.id, &self.name)
    }
    fn key(&self) -> i64 {
        self.id
    }
}

/// A server backend whose sessions a test can end from another
/// connection.
trait Killable: Backend + Sized {
    /// The server's id of the session behind `conn`.
    fn session_id(conn: &mut Pooled<Self>) -> Result<i64>;
    /// Ends the session `id` from a second connection of `engine`, and
    /// returns once the server has ended it.
    fn kill(engine: &Engine<Self>, id: i64) -> Result<()>;
}

impl Killable for Postgres {
    fn session_id(conn: &mut Pooled<Self>) -> Result<i64> {
        text("SELECT pg_backend_pid()::int8")
            .returns::<BigInt>()
            .get(conn)
    }

    fn kill(engine: &Engine<Self>, id: i64) -> Result<()> {
        let mut killer = engine.connect()?;
        // With a timeout, it waits until the session has ended.
        let ended: bool = text("SELECT pg_terminate_backend(:pid::int4, 10000)")
            .bind("pid", id)
            .returns::<Bool>()
            .get(&mut killer)?;
        assert!(ended, "session {id} was not terminated");
        Ok(())
    }
}

impl Killable for Mysql {
    fn session_id(conn: &mut Pooled<Self>) -> Result<i64> {
        Ok(i64::from(conn.raw().connection_id()))
    }

    fn kill(engine: &Engine<Self>, id: i64) -> Result<()> {
        let mut killer = engine.connect()?;
        killer.batch_execute(&format!("KILL CONNECTION {id}"))?;
        // KILL returns before the session is gone: ask until it is.
        loop {
            let n: i64 = text("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = :id")
                .bind("id", id)
                .returns::<BigInt>()
                .get(&mut killer)?;
            if n == 0 {
                return Ok(());
            }
        }
    }
}

fn create_items<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    conn.batch_execute("DROP TABLE IF EXISTS lost_items")?;
    sqlalgebra::schema::create_all::<Items>(&mut conn)?;
    Ok(())
}

fn add_item<C: Connection>(conn: &mut C, id: i64, name: &str) -> Result<u64> {
    insert_into(Items)
        .values((ItemId.set(id), ItemName.set(name)))
        .execute(conn)
}

/// The committed names of `lost_items` seen from a new connection of the
/// pool, and that connection's session id: the pool has recovered when it
/// hands out a working connection that is not the killed one.
fn committed_names<B: Killable>(engine: &Engine<B>, killed: i64) -> Result<Vec<String>> {
    let mut conn = engine.connect()?;
    assert_ne!(
        B::session_id(&mut conn)?,
        killed,
        "the killed session came back"
    );
    select(ItemName).order_by(ItemName.asc()).load(&mut conn)
}

#[track_caller]
fn assert_lost(err: &Error) {
    assert!(matches!(err.kind(), ErrorKind::Connection(_)), "{err:?}");
    assert!(err.is_retryable(), "{err:?}");
    assert!(err.commit_in_doubt().is_none(), "{err:?}");
}

/// Killed inside `transaction`: the next statement fails, the closure
/// returns its error, the rollback fails on the dead connection; the caller
/// gets the first error.
fn killed_inside_a_transaction<B: Killable>(engine: &Engine<B>) -> Result<()> {
    create_items(engine)?;
    add_item(&mut engine.connect()?, 1, "before")?;
    let mut conn = engine.connect()?;
    let victim = B::session_id(&mut conn)?;
    let err = conn
        .transaction(|c| {
            add_item(c, 2, "lost")?;
            B::kill(engine, victim)?;
            add_item(c, 3, "never")
        })
        .unwrap_err();
    assert_lost(&err);
    drop(conn);
    assert_eq!(committed_names(engine, victim)?, ["before"]);
    Ok(())
}

/// Killed inside a savepoint: the inner and the outer transaction both
/// report the lost connection.
fn killed_inside_a_savepoint<B: Killable>(engine: &Engine<B>) -> Result<()> {
    create_items(engine)?;
    let mut conn = engine.connect()?;
    let victim = B::session_id(&mut conn)?;
    let mut inner = None;
    let err = conn
        .transaction(|c| {
            add_item(c, 1, "outer")?;
            let result = c.transaction(|c| {
                add_item(c, 2, "inner")?;
                B::kill(engine, victim)?;
                add_item(c, 3, "never")
            });
            let e = result.unwrap_err();
            assert_lost(&e);
            inner = Some(e.to_string());
            add_item(c, 4, "after")
        })
        .unwrap_err();
    assert!(inner.is_some());
    assert_lost(&err);
    drop(conn);
    assert!(committed_names(engine, victim)?.is_empty());
    Ok(())
}

/// Killed after the closure's last statement: the COMMIT meets the lost
/// connection, whose outcome the client cannot know in general, so the
/// error says so and is not retryable. (Here nothing was committed.)
fn killed_before_commit<B: Killable>(engine: &Engine<B>) -> Result<()> {
    create_items(engine)?;
    let mut conn = engine.connect()?;
    let victim = B::session_id(&mut conn)?;
    let err = conn
        .transaction(|c| {
            add_item(c, 1, "uncommitted")?;
            B::kill(engine, victim)
        })
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Connection(_)), "{err:?}");
    assert!(!err.is_retryable(), "{err:?}");
    let doubt = err.commit_in_doubt().expect("a COMMIT in doubt");
    assert!(
        matches!(
            doubt.rollback_error().map(sqlalgebra::Error::kind),
            Some(ErrorKind::Connection(_))
        ),
        "{doubt:?}"
    );
    drop(conn);
    assert!(committed_names(engine, victim)?.is_empty());
    Ok(())
}

/// Killed while an ORM session has pending objects: `commit` (its flush)
/// reports the lost connection.
fn killed_before_a_session_commit<B: Killable>(engine: &Engine<B>) -> Result<()> {
    create_items(engine)?;
    let mut conn = engine.connect()?;
    let victim = B::session_id(&mut conn)?;
    let err = {
        let mut s = Session::new(&mut *conn);
        s.add(Item {
            id: 1,
            name: "flushed".into(),
        });
        s.flush()?;
        s.add(Item {
            id: 2,
            name: "pending".into(),
        });
        B::kill(engine, victim)?;
        s.commit().unwrap_err()
    };
    assert_lost(&err);
    drop(conn);
    assert!(committed_names(engine, victim)?.is_empty());
    Ok(())
}

/// Killed inside `Session::transaction` and `Session::nested`: each
/// returns the lost connection, not the failed rollback.
fn killed_inside_a_session_transaction<B: Killable>(engine: &Engine<B>) -> Result<()> {
    create_items(engine)?;
    let mut conn = engine.connect()?;
    let victim = B::session_id(&mut conn)?;
    let mut inner = None;
    let err = {
        let mut s = Session::new(&mut *conn);
        s.transaction(|s| {
            s.add(Item {
                id: 1,
                name: "outer".into(),
            });
            let result = s.nested(|s| {
                s.add(Item {
                    id: 2,
                    name: "inner".into(),
                });
                s.flush()?;
                B::kill(engine, victim)?;
                s.query::<Item>().all().map(|_| ())
            });
            let e = result.unwrap_err();
            assert_lost(&e);
            inner = Some(e.to_string());
            Err::<(), _>(e)
        })
        .unwrap_err()
    };
    assert!(inner.is_some());
    assert_lost(&err);
    drop(conn);
    assert!(committed_names(engine, victim)?.is_empty());
    Ok(())
}

/// One `#[test]` per server for each generic test named.
macro_rules! on_servers {
    ($($test:ident),* $(,)?) => {
        mod postgres {
            $(
                #[test]
                fn $test() {
                    let name = concat!("lost_", stringify!($test));
                    if let Some(engine) = crate::common::postgres(name) {
                        super::$test(&engine).unwrap();
                    }
                }
            )*
        }
        mod mysql {
            $(
                #[test]
                fn $test() {
                    let name = concat!("lost_", stringify!($test));
                    if let Some(engine) = crate::common::mysql(name) {
                        super::$test(&engine).unwrap();
                    }
                }
            )*
        }
    };
}

on_servers!(
    killed_inside_a_transaction,
    killed_inside_a_savepoint,
    killed_before_commit,
    killed_before_a_session_commit,
    killed_inside_a_session_transaction,
);

mod sqlite {
    use super::*;
    use sqlalgebra_sqlite::Sqlite;

    /// Runs an INSERT that only an interrupt ends (an endless recursive
    /// CTE), interrupting it from a second thread until it has ended.
    fn interrupted_insert(conn: &mut Pooled<Sqlite>) -> Result<u64> {
        let handle = conn.raw().get_interrupt_handle();
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                while !done.load(std::sync::atomic::Ordering::Acquire) {
                    handle.interrupt();
                    std::thread::yield_now();
                }
            });
            let result = conn.execute_sql(
                "INSERT INTO lost_items (id, name) \
                 WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n) \
                 SELECT i, 'endless' FROM n",
                &[],
            );
            done.store(true, std::sync::atomic::Ordering::Release);
            result
        })
    }

    #[track_caller]
    fn assert_interrupted(err: &Error) {
        assert!(matches!(err.kind(), ErrorKind::Query { .. }), "{err:?}");
        assert!(err.to_string().contains("interrupt"), "{err}");
        assert!(!err.is_retryable(), "{err:?}");
    }

    /// An interrupted write rolls the whole transaction back (SQLite does
    /// it): the caller gets the interrupt, not "rollback failed".
    #[test]
    fn interrupted_inside_a_transaction() -> Result<()> {
        let engine = crate::common::sqlite("interrupted_inside_a_transaction");
        let mut conn = engine.connect()?;
        sqlalgebra::schema::create_all::<Items>(&mut conn)?;
        add_item(&mut conn, 1, "before")?;
        let err = conn
            .transaction(|c| {
                add_item(c, 2, "lost")?;
                interrupted_insert(c)
            })
            .unwrap_err();
        assert_interrupted(&err);
        assert!(conn.raw().is_autocommit(), "no transaction left open");
        let names: Vec<String> = select(ItemName).order_by(ItemName.asc()).load(&mut conn)?;
        assert_eq!(names, ["before"]);
        drop(conn);
        // The pooled connection is usable again.
        let mut conn = engine.connect()?;
        add_item(&mut conn, 3, "after")?;
        let names: Vec<String> = select(ItemName).order_by(ItemName.asc()).load(&mut conn)?;
        assert_eq!(names, ["after", "before"]);
        Ok(())
    }
}
