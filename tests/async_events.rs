//! Events under the async session and engine, on every backend: the same
//! scenario run by a sync `Session` and by an `AsyncSession` records the
//! same sequence of listener calls, model hooks and statement counts (one
//! implementation fires them); declared default loading strategies apply
//! in async; the async engine's statement hooks see each statement once
//! (and, with `tracing`, open a span per statement); the session
//! factories' options are honoured.
#![cfg(feature = "async")]
#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate
#![allow(missing_docs)] // test schema

mod async_common;

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use async_common::{Db, common, on_all_async_backends};
use sqlalgebra::asyncio::prelude::*;
use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
use sqlalgebra::engine::Backend;
use sqlalgebra::hooks::StatementKind;
use sqlalgebra::orm::{
    AsyncSession, AsyncSessionFactory, BelongsTo, HasMany, Loading, Model, Relationships,
    SessionEvent, SessionFactory,
};
use sqlalgebra::schema::{create_table, drop_table};
use sqlalgebra::{Connection, Engine, PoolOptions, Result};

#[derive(Clone, Copy, Debug, Default)]
pub struct Projects;
impl Table for Projects {
    const NAME: &'static str = "ev20_projects";
    type Columns = (projects::Id, projects::Name);
    type PrimaryKey = projects::Id;
}
pub mod projects {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    impl Column for Id {
        type Table = super::Projects;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    impl Column for Name {
        type Table = super::Projects;
        type SqlType = Varchar<40>;
        const NAME: &'static str = "name";
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Tasks;
impl Table for Tasks {
    const NAME: &'static str = "ev20_tasks";
    type Columns = (tasks::Id, tasks::Project, tasks::Title);
    type PrimaryKey = tasks::Id;
}
pub mod tasks {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Project;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Title;
    impl Column for Id {
        type Table = super::Tasks;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    impl Column for Project {
        type Table = super::Tasks;
        type SqlType = BigInt;
        const NAME: &'static str = "project";
    }
    impl Column for Title {
        type Table = super::Tasks;
        type SqlType = Varchar<40>;
        const NAME: &'static str = "title";
    }
}

thread_local! {
    /// What the hooks and listeners saw, in order: each test runs its
    /// sessions on its own thread (the async ones on a current-thread
    /// runtime), so a thread's log is one test's.
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn log(what: String) {
    LOG.with(|l| l.borrow_mut().push(what));
}

fn take_log() -> Vec<String> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    id: i64,
    name: String,
}

impl Model for Project {
    type Table = Projects;
    type Columns = (projects::Id, projects::Name);
    type Row = (i64, String);
    type Key = i64;
    fn from_row((id, name): Self::Row) -> Self {
        Project { id, name }
    }
    fn values(&self) -> (&i64, &String) {
        (&self.id, &self.name)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn relationships<C: Connection>(r: &mut Relationships<'_, Self, C>) {
        r.has_many::<Task>();
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    id: i64,
    project: i64,
    title: String,
}

impl Model for Task {
    type Table = Tasks;
    type Columns = (tasks::Id, tasks::Project, tasks::Title);
    type Row = (i64, i64, String);
    type Key = i64;
    fn from_row((id, project, title): Self::Row) -> Self {
        Task { id, project, title }
    }
    fn values(&self) -> (&i64, &i64, &String) {
        (&self.id, &self.project, &self.title)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn before_insert(&mut self) {
        log(format!("before_insert {}", self.title));
    }
    fn after_insert(&self) {
        log(format!("after_insert {}", self.title));
    }
    fn before_update(&mut self) {
        log(format!("before_update {}", self.title));
    }
    fn after_update(&self) {
        log(format!("after_update {}", self.title));
    }
    fn before_delete(&self) {
        log(format!("before_delete {}", self.title));
    }
    fn after_delete(&self) {
        log(format!("after_delete {}", self.title));
    }
}

impl BelongsTo<Project> for Task {
    type ForeignKey = tasks::Project;
    fn parent_key(&self) -> Option<i64> {
        Some(self.project)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.project = key;
    }
}

/// Loading a project loads its tasks (the declared default).
impl HasMany<Task> for Project {
    const LOADING: Loading = Loading::Selectin;
}

fn task(id: i64, title: &str) -> Task {
    Task {
        id,
        project: 1,
        title: title.into(),
    }
}

const EVENTS: [SessionEvent; 5] = [
    SessionEvent::BeforeFlush,
    SessionEvent::AfterFlush,
    SessionEvent::BeforeCommit,
    SessionEvent::AfterCommit,
    SessionEvent::AfterRollback,
];

/// The listener every scenario registers for each event: what the session
/// holds and how many statements it ran.
fn listener<C: Connection>(
    event: SessionEvent,
) -> impl FnMut(&mut sqlalgebra::orm::SessionView<'_, C>) -> Result<()> + Send + 'static {
    move |v| {
        log(format!(
            "{event:?} statements={} tasks={}",
            v.statement_count(),
            v.count::<Task>()
        ));
        Ok(())
    }
}

/// A `BeforeFlush` listener that adds an audit task to the first flush.
fn audit<C: Connection>(v: &mut sqlalgebra::orm::SessionView<'_, C>) -> Result<()> {
    if v.count::<Task>() == 1 {
        v.add(task(99, "audit"));
    }
    Ok(())
}

/// The scenario, with a sync session.
fn sync_scenario<B: Backend>(engine: &Engine<B>) -> Result<Vec<String>> {
    let mut conn = engine.connect()?;
    let d = conn.dialect();
    conn.batch_execute(&drop_table::<Tasks>().sql(d))?;
    conn.batch_execute(&drop_table::<Projects>().sql(d))?;
    sqlalgebra::schema::create_all::<(Projects, Tasks)>(&mut conn)?;
    take_log();
    let mut s = sqlalgebra::orm::Session::new(&mut conn);
    for e in EVENTS {
        s.listen(e, listener(e));
    }
    s.listen(SessionEvent::BeforeFlush, audit);
    s.add(Project {
        id: 1,
        name: "p".into(),
    });
    s.add(task(1, "a"));
    s.commit()?;
    log("-- get and autoflush".into());
    let t = s.get::<Task>(1)?.expect("task 1");
    s[t].title = "a2".into();
    assert_eq!(s.get::<Task>(5)?, None);
    log("-- bulk".into());
    s.execute::<Task>(
        &update(Tasks)
            .set(tasks::Title.set("bulk"))
            .filter(tasks::Id.eq(99)),
    )?;
    log("-- delete".into());
    s.delete(t);
    s.flush()?;
    log("-- savepoint".into());
    let sp = s.begin_nested()?;
    s.add(task(2, "b"));
    s.release(sp)?;
    log("-- rollback".into());
    s.add(task(3, "c"));
    s.rollback()?;
    drop(s);
    log("-- defaults".into());
    let mut s = sqlalgebra::orm::Session::new(&mut conn);
    let p = s.get::<Project>(1)?.expect("project 1");
    let n = s.statement_count();
    let loaded = s.related::<Project, Task>(p)?;
    log(format!(
        "get: {n} statements, {} tasks, {} more",
        loaded.len(),
        s.statement_count() - n
    ));
    Ok(take_log())
}

/// The same scenario, with an async session.
async fn async_scenario<B: AsyncBackend>(engine: &AsyncEngine<B>) -> Result<Vec<String>> {
    {
        let mut c = engine.connect().await?;
        let d = c.dialect();
        c.batch_execute(&drop_table::<Tasks>().sql(d)).await?;
        c.batch_execute(&drop_table::<Projects>().sql(d)).await?;
        for sql in create_table::<Projects>()
            .statements(d)?
            .into_iter()
            .chain(create_table::<Tasks>().statements(d)?)
        {
            c.batch_execute(&sql).await?;
        }
    }
    take_log();
    let mut s = AsyncSession::new(engine.connect().await?);
    for e in EVENTS {
        s.listen(e, listener(e));
    }
    s.listen(SessionEvent::BeforeFlush, audit);
    s.add(Project {
        id: 1,
        name: "p".into(),
    });
    s.add(task(1, "a"));
    s.commit().await?;
    log("-- get and autoflush".into());
    let t = s.get::<Task>(1).await?.expect("task 1");
    s[t].title = "a2".into();
    assert_eq!(s.get::<Task>(5).await?, None);
    log("-- bulk".into());
    s.execute::<Task>(
        &update(Tasks)
            .set(tasks::Title.set("bulk"))
            .filter(tasks::Id.eq(99)),
    )
    .await?;
    log("-- delete".into());
    s.delete(t);
    s.flush().await?;
    log("-- savepoint".into());
    let sp = s.begin_nested().await?;
    s.add(task(2, "b"));
    s.release(sp).await?;
    log("-- rollback".into());
    s.add(task(3, "c"));
    s.rollback().await?;
    s.close().await?;
    log("-- defaults".into());
    let mut s = AsyncSession::new(engine.connect().await?);
    let p = s.get::<Project>(1).await?.expect("project 1");
    let n = s.statement_count();
    let loaded = s.related::<Project, Task>(p).await?;
    log(format!(
        "get: {n} statements, {} tasks, {} more",
        loaded.len(),
        s.statement_count() - n
    ));
    s.close().await?;
    Ok(take_log())
}

/// The log's lines without statement counts (which differ by backend).
fn shape(log: &[String]) -> Vec<String> {
    log.iter()
        .map(|l| l.split(" statements=").next().unwrap_or(l).to_owned())
        .collect()
}

/// The two logs are equal, and say what the scenario must do.
fn check(sync: &[String], asynchronous: &[String]) {
    assert_eq!(sync, asynchronous, "sync and async fire alike");
    let shape = shape(sync);
    let section = |from: &str, to: &str| -> Vec<String> {
        let a = shape.iter().position(|l| l == from).expect(from);
        let b = shape.iter().position(|l| l == to).expect(to);
        shape[a + 1..b].to_vec()
    };
    let first = shape
        .iter()
        .position(|l| l == "-- get and autoflush")
        .expect("sections");
    assert_eq!(
        shape[..first],
        [
            "BeforeCommit",
            "BeforeFlush",
            "before_insert a",
            "before_insert audit",
            "after_insert a",
            "after_insert audit",
            "AfterFlush",
            "AfterCommit",
        ],
        "{sync:#?}"
    );
    // The `get` of a missing key flushes the change first.
    assert_eq!(
        section("-- get and autoflush", "-- bulk"),
        [
            "BeforeFlush",
            "before_update a2",
            "after_update a2",
            "AfterFlush"
        ]
    );
    // Bulk statements call no per-object hook.
    assert_eq!(section("-- bulk", "-- delete"), Vec::<String>::new());
    assert_eq!(
        section("-- delete", "-- savepoint"),
        [
            "BeforeFlush",
            "before_delete a2",
            "after_delete a2",
            "AfterFlush"
        ]
    );
    assert_eq!(
        section("-- savepoint", "-- rollback"),
        [
            "BeforeFlush",
            "before_insert b",
            "after_insert b",
            "AfterFlush"
        ]
    );
    assert_eq!(section("-- rollback", "-- defaults"), ["AfterRollback"]);
    // The rollback undid everything since the commit: the project and its
    // two first tasks, loaded by the default (2 statements), no lazy load.
    assert_eq!(
        shape.last().map(String::as_str),
        Some("get: 2 statements, 2 tasks, 0 more")
    );
}

/// A current-thread runtime: the async session's hooks run on the test's
/// thread, where the log is.
fn local_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

#[test]
fn sync_and_async_fire_alike_sqlite() -> Result<()> {
    let sync = sync_scenario(&common::sqlite("ev20_alike"))?;
    let asynchronous = local_runtime().block_on(async {
        let db = async_common::sqlite("ev20_alike", &async_common::options())
            .await
            .expect("SQLite");
        async_scenario(&db.engine).await
    })?;
    check(&sync, &asynchronous);
    Ok(())
}

#[test]
fn sync_and_async_fire_alike_postgres() -> Result<()> {
    let Some(engine) = common::postgres("ev20_alike") else {
        return Ok(());
    };
    let sync = sync_scenario(&engine)?;
    let asynchronous = local_runtime().block_on(async {
        let db = async_common::postgres("ev20_alike", &async_common::options())
            .await
            .expect("PostgreSQL");
        async_scenario(&db.engine).await
    })?;
    check(&sync, &asynchronous);
    Ok(())
}

#[test]
fn sync_and_async_fire_alike_mysql() -> Result<()> {
    let Some(engine) = common::mysql("ev20_alike") else {
        return Ok(());
    };
    let sync = sync_scenario(&engine)?;
    let asynchronous = local_runtime().block_on(async {
        let db = async_common::mysql("ev20_alike", &async_common::options())
            .await
            .expect("MySQL");
        async_scenario(&db.engine).await
    })?;
    check(&sync, &asynchronous);
    Ok(())
}

/// What the engine's hooks saw: `(before or after, kind, sql)`.
type Seen = Arc<Mutex<Vec<(&'static str, StatementKind, String)>>>;

fn hooked_options() -> (PoolOptions, Seen) {
    let seen: Seen = Arc::default();
    let (before, after) = (seen.clone(), seen.clone());
    let options = async_common::options()
        .before_statement(move |s| {
            before
                .lock()
                .unwrap()
                .push(("before", s.kind, s.sql.to_owned()));
        })
        .on_statement(move |e| {
            after
                .lock()
                .unwrap()
                .push(("after", e.kind, e.sql.to_owned()));
        });
    (options, seen)
}

/// Every statement of the engine's connections, Core and ORM, is seen
/// once before and once after it runs.
async fn statement_hooks<B: AsyncBackend>(db: &Db<B>, seen: &Seen) -> Result<()> {
    let factory = AsyncSessionFactory::new(db.engine.clone());
    let mut s = factory.session().await?;
    seen.lock().unwrap().clear();
    s.add_all([async_common::item(1, 7, "x"), async_common::item(2, 7, "y")]);
    s.commit().await?;
    let h = s.get::<async_common::ItemObject>(1).await?.expect("item 1");
    s[h].qty = 5;
    s.execute::<async_common::ItemObject>(
        &update(async_common::Items)
            .set(async_common::items::Qty.set(6))
            .filter(async_common::items::Id.eq(2)),
    )
    .await?;
    s.commit().await?;
    let orm = s.statement_count();
    drop(s);
    let mut c = db.engine.connect().await?;
    let qty: Vec<i64> = select(async_common::items::Qty)
        .order_by(async_common::items::Id.asc())
        .load(&mut *c)
        .await?;
    assert_eq!(qty, [5, 6]);
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    let statements: Vec<&(&str, StatementKind, String)> = seen
        .iter()
        .filter(|(_, kind, _)| *kind != StatementKind::Batch)
        .collect();
    let (before, after): (Vec<&(&str, StatementKind, String)>, Vec<_>) = statements
        .iter()
        .copied()
        .partition(|(w, _, _)| *w == "before");
    // Each statement once before and once after, in order, and nothing
    // else: the session's statements and the Core SELECT.
    assert_eq!(
        before.iter().map(|s| &s.2).collect::<Vec<_>>(),
        after.iter().map(|s| &s.2).collect::<Vec<_>>()
    );
    assert_eq!(after.len() as u64, orm + 1, "{seen:#?}");
    assert!(
        after
            .last()
            .is_some_and(|s| s.2.starts_with("SELECT") && s.2.contains("qty")),
        "{seen:#?}"
    );
    // Before and after alternate: no statement is reported twice.
    assert!(
        statements
            .chunks(2)
            .all(|p| p.len() == 2 && p[0].0 == "before" && p[1].0 == "after" && p[0].2 == p[1].2),
        "{seen:#?}"
    );
    // Transaction control is reported too, as batches.
    assert!(
        seen.iter()
            .any(|(w, k, sql)| *w == "after" && *k == StatementKind::Batch && sql == "COMMIT"),
        "{seen:#?}"
    );
    Ok(())
}

#[test]
fn async_statement_hooks_sqlite() {
    let (options, seen) = hooked_options();
    async_common::runtime().block_on(async {
        let db = async_common::sqlite("ev20_hooks", &options)
            .await
            .expect("SQLite");
        statement_hooks(&db, &seen).await.unwrap();
    });
}

#[test]
fn async_statement_hooks_postgres() {
    if !async_common::postgres_ready("ev20_hooks") {
        return;
    }
    let (options, seen) = hooked_options();
    async_common::runtime().block_on(async {
        let db = async_common::postgres("ev20_hooks", &options)
            .await
            .expect("PostgreSQL");
        statement_hooks(&db, &seen).await.unwrap();
    });
}

#[test]
fn async_statement_hooks_mysql() {
    if !async_common::mysql_ready("ev20_hooks") {
        return;
    }
    let (options, seen) = hooked_options();
    async_common::runtime().block_on(async {
        let db = async_common::mysql("ev20_hooks", &options)
            .await
            .expect("MySQL");
        statement_hooks(&db, &seen).await.unwrap();
    });
}

/// The factories' options reach their sessions: expire-on-commit off
/// keeps objects fresh after commit, autoflush off leaves pending objects
/// unwritten by a query, the batch size splits `IN` lists.
async fn async_factory_options<B: AsyncBackend>(db: &Db<B>) -> Result<()> {
    use async_common::{ItemObject, item, items};
    let factory = AsyncSessionFactory::new(db.engine.clone())
        .expire_on_commit(false)
        .autoflush(false)
        .batch_size(2);
    let mut s = factory.session().await?;
    let hs = s.add_all((1..=5).map(|i| item(i, 1, "o")));
    s.commit().await?;
    assert!(!s.is_expired(hs[0]), "expire_on_commit(false)");
    s.add(item(6, 1, "pending"));
    let sixth = select((items::Id, items::Tag, items::Name, items::Qty)).filter(items::Id.eq(6));
    assert_eq!(
        s.load::<ItemObject, _>(&sixth).await?,
        [],
        "autoflush(false)"
    );
    s.rollback().await?;
    // batch_size(2): five keys in three IN lists.
    let mut s = factory.session().await?;
    let found = s.get_many::<ItemObject>(&[1, 2, 3, 4, 5]).await?;
    assert_eq!(found.len(), 5);
    assert_eq!(s.statement_count(), 3);
    s.close().await?;
    // The defaults: expired after commit, autoflushed.
    let mut s = AsyncSessionFactory::new(db.engine.clone())
        .session()
        .await?;
    let h = s.get::<ItemObject>(1).await?.expect("item 1");
    s.commit().await?;
    assert!(s.is_expired(h));
    let h = s.add(item(6, 1, "flushed"));
    assert_eq!(s.load::<ItemObject, _>(&sixth).await?, [h], "autoflushed");
    s.rollback().await
}

on_all_async_backends!(async_factory_options);

/// The sync factory honours the same options.
fn sync_factory_options<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    let d = conn.dialect();
    conn.batch_execute(&drop_table::<Tasks>().sql(d))?;
    sqlalgebra::schema::create_all::<Tasks>(&mut conn)?;
    drop(conn);
    let factory = SessionFactory::new(engine.clone())
        .expire_on_commit(false)
        .autoflush(false)
        .batch_size(2);
    let mut conn = factory.connect()?;
    let mut s = factory.session(&mut *conn);
    let hs = s.add_all((1..=5).map(|i| task(i, "t")));
    s.commit()?;
    assert!(!s.is_expired(hs[0]));
    s.add(task(6, "pending"));
    let sixth = select((tasks::Id, tasks::Project, tasks::Title)).filter(tasks::Id.eq(6));
    assert_eq!(s.load::<Task, _>(&sixth)?, []);
    s.rollback()?;
    drop(s);
    let mut s = factory.session(&mut *conn);
    assert_eq!(s.get_many::<Task>(&[1, 2, 3, 4, 5])?.len(), 5);
    assert_eq!(s.statement_count(), 3);
    Ok(())
}

#[test]
fn sync_factory_options_sqlite() -> Result<()> {
    sync_factory_options(&common::sqlite("ev20_factory"))
}

#[test]
fn sync_factory_options_postgres() -> Result<()> {
    match common::postgres("ev20_factory") {
        Some(engine) => sync_factory_options(&engine),
        None => Ok(()),
    }
}

#[test]
fn sync_factory_options_mysql() -> Result<()> {
    match common::mysql("ev20_factory") {
        Some(engine) => sync_factory_options(&engine),
        None => Ok(()),
    }
}

/// With the `tracing` feature: a span per statement of the async engine's
/// connections, with the SQL, binds, rows and elapsed time.
#[cfg(feature = "tracing")]
#[path = "common/spans.rs"]
mod spans;

#[cfg(feature = "tracing")]
mod traced {
    use super::*;
    use crate::spans::{Spans, field};

    /// A Core INSERT and an ORM load each get a span with their outcome.
    #[test]
    fn a_span_per_async_statement_sqlite() {
        let recorder = Spans::default();
        recorder.run(|| {
            local_runtime().block_on(async {
                let db = async_common::sqlite("ev20_traced", &async_common::options())
                    .await
                    .expect("SQLite");
                let mut c = db.engine.connect().await.unwrap();
                recorder.restart();
                async_common::insert(&mut *c, &[(1, 3, "s1", 0), (2, 3, "s2", 0)])
                    .await
                    .unwrap();
                drop(c);
                let mut s = AsyncSessionFactory::new(db.engine.clone())
                    .session()
                    .await
                    .unwrap();
                let got = s
                    .get_many::<async_common::ItemObject>(&[1, 2])
                    .await
                    .unwrap();
                assert_eq!(got.len(), 2);
                s.close().await.unwrap();
            });
        });
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
        let select = spans
            .iter()
            .find(|f| field(f, "sql").is_some_and(|s| s.starts_with("SELECT")))
            .expect("a span for the session's SELECT");
        assert_eq!(field(select, "rows"), Some("2"), "{select:?}");
    }
}
