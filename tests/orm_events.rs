//! Events on every backend: the per-model hooks `flush` calls, the
//! session's listeners (flush, commit, rollback), and statement hooks on
//! connections (`Hooked`, before and after) and engines
//! (`PoolOptions::on_statement`), with the `tracing` span per statement
//! when that feature is on.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate
#![allow(missing_docs)] // test schema

mod common;

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use common::on_all_backends;
use sqlalgebra::engine::Backend;
use sqlalgebra::hooks::{Hooked, StatementKind};
use sqlalgebra::orm::SessionEvent;
use sqlalgebra::prelude::*;
use sqlalgebra::{Engine, Error, ErrorKind, Result};

#[derive(Clone, Copy, Debug, Default)]
pub struct Tasks;
impl Table for Tasks {
    const NAME: &'static str = "events_tasks";
    type Columns = (tasks::Id, tasks::Title);
    type PrimaryKey = tasks::Id;
}
pub mod tasks {
    use super::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Title;
    impl Column for Id {
        type Table = Tasks;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for Title {
        type Table = Tasks;
        type SqlType = Varchar<40>;
        const NAME: &'static str = "title";
    }
}

thread_local! {
    /// What the model hooks saw, in order (each test runs on its thread).
    static SEEN: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn saw(what: String) {
    SEEN.with(|s| s.borrow_mut().push(what));
}

fn seen() -> Vec<String> {
    SEEN.with(|s| std::mem::take(&mut *s.borrow_mut()))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    id: i64,
    title: String,
}

impl Model for Task {
    type Table = Tasks;
    type Columns = (tasks::Id, tasks::Title);
    type Row = (i64, String);
    type Key = i64;
    fn from_row((id, title): Self::Row) -> Self {
        Task { id, title }
    }
    fn values(&self) -> (&i64, &String) {
        (&self.id, &self.title)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
    fn before_insert(&mut self) {
        saw(format!("before_insert {} id={}", self.title, self.id));
    }
    fn after_insert(&self) {
        saw(format!("after_insert {} id={}", self.title, self.id));
    }
    fn before_update(&mut self) {
        saw(format!("before_update {}", self.title));
    }
    fn after_update(&self) {
        saw(format!("after_update {}", self.title));
    }
    fn before_delete(&self) {
        saw(format!("before_delete {}", self.title));
    }
    fn after_delete(&self) {
        saw(format!("after_delete {}", self.title));
    }
}

fn task(title: &str) -> Task {
    Task {
        id: 0,
        title: title.into(),
    }
}

fn titles<C: Connection>(conn: &mut C) -> Result<Vec<String>> {
    select(tasks::Title).order_by(tasks::Id.asc()).load(conn)
}

fn fresh<C: Connection>(conn: &mut C) -> Result<()> {
    drop_all::<Tasks>(conn)?;
    create_all::<Tasks>(conn)
}

fn model_hooks_run_around_each_write<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    fresh(&mut conn)?;
    seen();
    let mut s = Session::new(&mut conn);
    let a = s.add(task("a"));
    let b = s.add(task("b"));
    s.flush()?;
    let (ia, ib) = (s[a].id, s[b].id);
    assert_eq!(
        seen(),
        [
            "before_insert a id=0".to_owned(),
            "before_insert b id=0".into(),
            format!("after_insert a id={ia}"),
            format!("after_insert b id={ib}"),
        ],
        "after_insert sees the generated key"
    );
    s[a].title = "a2".into();
    let _ = &mut s[b]; // borrowed, not changed: no UPDATE, no hooks
    s.flush()?;
    assert_eq!(seen(), ["before_update a2", "after_update a2"]);
    s[b].title = "b2".into();
    s.delete(b);
    s.commit()?;
    assert_eq!(
        seen(),
        ["before_delete b", "after_delete b2"],
        "before_delete sees the object as loaded"
    );
    // Bulk statements call no per-object hooks.
    drop(s);
    let mut s = Session::new(&mut conn);
    s.execute::<Task>(&update(Tasks).set(tasks::Title.set("bulk")))?;
    s.commit()?;
    drop(s);
    assert_eq!(seen(), Vec::<String>::new());
    assert_eq!(titles(&mut conn)?, ["bulk"]);
    Ok(())
}

fn session_listeners_run_around_flush_and_commit<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    fresh(&mut conn)?;
    conn.reset();
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut s = Session::new(&mut conn);
    for event in [
        SessionEvent::BeforeFlush,
        SessionEvent::AfterFlush,
        SessionEvent::BeforeCommit,
        SessionEvent::AfterCommit,
        SessionEvent::AfterRollback,
    ] {
        let log = log.clone();
        s.listen(event, move |s| {
            let sent = s.connection().statement_count();
            log.lock()
                .unwrap()
                .push(format!("{event:?} after {sent} statements"));
            Ok(())
        });
    }
    // A BeforeFlush listener may add objects: the same flush writes them.
    s.listen(SessionEvent::BeforeFlush, |s| {
        if s.count::<Task>() == 1 {
            s.add(task("audit"));
        }
        Ok(())
    });
    s.add(task("x"));
    s.commit()?;
    let take = || std::mem::take(&mut *log.lock().unwrap());
    let n = s.connection().statement_count();
    assert!(n > 0);
    assert_eq!(
        take(),
        [
            "BeforeCommit after 0 statements".to_owned(),
            "BeforeFlush after 0 statements".into(),
            format!("AfterFlush after {n} statements"),
            format!("AfterCommit after {n} statements"),
        ]
    );
    // Nothing to flush: no flush events.
    s.commit()?;
    assert_eq!(
        take(),
        [
            format!("BeforeCommit after {n} statements"),
            format!("AfterCommit after {n} statements")
        ]
    );
    s.add(task("dropped"));
    s.rollback()?;
    assert_eq!(take(), [format!("AfterRollback after {n} statements")]);
    // An error from a listener ends the operation before it starts.
    s.listen(SessionEvent::BeforeCommit, |_| {
        Err(ErrorKind::InvalidStatement("no commits today".into()).into())
    });
    s.add(task("never"));
    assert!(matches!(
        s.commit().as_ref().map_err(Error::kind),
        Err(ErrorKind::InvalidStatement(_))
    ));
    s.rollback()?;
    drop(s);
    assert_eq!(titles(&mut conn)?, ["x", "audit"]);
    Ok(())
}

fn statement_hooks_see_before_and_after<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    fresh(&mut conn)?;
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let before = log.clone();
    conn.on_before_statement(move |e| {
        if e.kind != StatementKind::Batch {
            before.lock().unwrap().push(format!(
                "before {} binds={}",
                e.sql.split(' ').next().unwrap_or(""),
                e.binds.len()
            ));
        }
    });
    let after = log.clone();
    conn.on_statement(move |e| {
        if e.kind != StatementKind::Batch {
            after.lock().unwrap().push(format!(
                "after {} rows={} ok={}",
                e.sql.split(' ').next().unwrap_or(""),
                e.rows,
                e.error.is_none()
            ));
        }
    });
    insert_into(Tasks)
        .values([tasks::Title.set("p"), tasks::Title.set("q")])
        .execute(&mut conn)?;
    let n: i64 = select(count_star()).from(Tasks).get(&mut conn)?;
    assert_eq!(n, 2);
    assert_eq!(
        *log.lock().unwrap(),
        [
            "before INSERT binds=2",
            "after INSERT rows=2 ok=true",
            "before SELECT binds=0",
            "after SELECT rows=1 ok=true"
        ]
    );
    Ok(())
}

/// Engine-wide hooks, from `PoolOptions`: every connection of the engine.
fn check_engine_hooks<B: Backend>(
    engine: &Engine<B>,
    log: &Mutex<Vec<(String, u64)>>,
) -> Result<()> {
    let mut conn = engine.connect()?;
    fresh(&mut conn)?;
    log.lock().unwrap().clear();
    let mut s = Session::new(&mut conn);
    s.add_all([task("e1"), task("e2"), task("e3")]);
    s.commit()?;
    drop(s);
    let mut other = engine.connect()?;
    let gone = delete_from(Tasks)
        .filter(tasks::Title.ne("e2"))
        .execute(&mut other)?;
    assert_eq!(gone, 2);
    let log = std::mem::take(&mut *log.lock().unwrap());
    let last = log
        .last()
        .map(|(sql, rows)| (sql.starts_with("DELETE"), *rows));
    assert_eq!(last, Some((true, 2)), "{log:?}");
    let inserted: u64 = log
        .iter()
        .filter(|(sql, _)| sql.starts_with("INSERT"))
        .map(|(_, r)| *r)
        .sum();
    assert_eq!(inserted, 3, "{log:?}");
    assert_eq!(titles(&mut other)?, ["e2"]);
    Ok(())
}

fn options_with_hook() -> (PoolOptions, Arc<Mutex<Vec<(String, u64)>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = log.clone();
    let options = PoolOptions::default()
        .size(1)
        .overflow(2)
        .on_statement(move |e| {
            if e.kind != StatementKind::Batch {
                sink.lock().unwrap().push((e.sql.to_owned(), e.rows));
            }
        });
    (options, log)
}

#[test]
fn engine_hooks_sqlite() -> Result<()> {
    let (options, log) = options_with_hook();
    // A file, so that both connections see the same database.
    let path = std::env::temp_dir().join(format!("events_engine_{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let engine = sqlalgebra_sqlite::Sqlite::open_with(&path, &options)?;
    check_engine_hooks(&engine, &log)?;
    drop(engine);
    let _ = std::fs::remove_file(&path);
    Ok(())
}

#[test]
fn engine_hooks_postgres() -> Result<()> {
    let (options, log) = options_with_hook();
    match common::postgres_with("engine_hooks_postgres", &options) {
        Some(engine) => check_engine_hooks(&engine, &log),
        None => Ok(()),
    }
}

#[test]
fn engine_hooks_mysql() -> Result<()> {
    let (options, log) = options_with_hook();
    match common::mysql_with("engine_hooks_mysql", &options) {
        Some(engine) => check_engine_hooks(&engine, &log),
        None => Ok(()),
    }
}

on_all_backends!(
    model_hooks_run_around_each_write,
    session_listeners_run_around_flush_and_commit,
    statement_hooks_see_before_and_after,
);

/// With the `tracing` feature: a span per statement of an engine's
/// connections, with the SQL, binds, rows and elapsed time.
#[cfg(feature = "tracing")]
#[path = "common/spans.rs"]
mod spans;

#[cfg(feature = "tracing")]
mod traced {
    use super::*;
    use crate::spans::{Spans, field};

    fn a_span_per_statement<B: Backend>(engine: &Engine<B>) -> Result<()> {
        let recorder = Spans::default();
        recorder.run(|| -> Result<()> {
            let mut conn = engine.connect()?;
            fresh(&mut conn)?;
            recorder.restart();
            insert_into(Tasks)
                .values([tasks::Title.set("s1"), tasks::Title.set("s2")])
                .execute(&mut conn)?;
            let n: i64 = select(count_star()).from(Tasks).get(&mut conn)?;
            assert_eq!(n, 2);
            Ok(())
        })?;
        let spans = recorder.take();
        let insert = spans
            .iter()
            .find(|f| field(f, "sql").is_some_and(|s| s.starts_with("INSERT")))
            .expect("a span for the INSERT");
        assert_eq!(field(insert, "rows"), Some("2"), "{insert:?}");
        assert!(
            field(insert, "binds").is_some_and(|b| b.contains("s1")),
            "{insert:?}"
        );
        assert!(field(insert, "elapsed_us").is_some(), "{insert:?}");
        let count = spans
            .iter()
            .find(|f| {
                field(f, "sql").is_some_and(|s| {
                    s.starts_with("SELECT count(*)") || s.starts_with("SELECT COUNT(*)")
                })
            })
            .expect("a span for the SELECT");
        assert_eq!(field(count, "rows"), Some("1"), "{count:?}");
        Ok(())
    }

    on_all_backends!(a_span_per_statement);
}
