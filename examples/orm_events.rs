//! The ORM tour, continued, on embedded SQLite: bulk UPDATE and DELETE that
//! keep the session in step (`synchronize_session`), values the server
//! computes (server defaults of non-`Option` fields, `onupdate` SQL), and
//! events (model hooks, session listeners, statement hooks of an engine).
//!
//! Run it with `cargo run --example orm_events` (and with
//! `--features tracing` for a span per statement, given a subscriber).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use sqlalgebra::orm::{ObjectState, OnUpdate, SessionEvent, Synchronize};
use sqlalgebra::prelude::*;
use sqlalgebra::schema::ColumnDefault;
use sqlalgebra_sqlite::Sqlite;

/// `user_account`
#[derive(Clone, Copy, Debug, Default)]
pub struct Users;
impl Table for Users {
    const NAME: &'static str = "user_account";
    type Columns = (
        users::Id,
        users::Name,
        users::Karma,
        users::CreatedAt,
        users::UpdatedAt,
    );
    type PrimaryKey = users::Id;
}

/// Columns of `user_account`.
pub mod users {
    use super::*;
    /// The primary key, assigned by the database.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    /// The name.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    /// Points.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Karma;
    /// When the row was inserted (server default).
    #[derive(Clone, Copy, Debug, Default)]
    pub struct CreatedAt;
    /// When the row was last updated (server default, and `now()` on update).
    #[derive(Clone, Copy, Debug, Default)]
    pub struct UpdatedAt;
    impl Column for Id {
        type Table = Users;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for Name {
        type Table = Users;
        type SqlType = Text;
        const NAME: &'static str = "name";
    }
    impl Column for Karma {
        type Table = Users;
        type SqlType = BigInt;
        const NAME: &'static str = "karma";
    }
    // `created_at = Column(DateTime, server_default=func.now())`
    impl Column for CreatedAt {
        type Table = Users;
        type SqlType = Timestamp;
        const NAME: &'static str = "created_at";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Now);
    }
    // `updated_at = Column(DateTime, server_default=func.now(), onupdate=func.now())`
    impl Column for UpdatedAt {
        type Table = Users;
        type SqlType = Timestamp;
        const NAME: &'static str = "updated_at";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Now);
    }
}

/// A user, mapped to `user_account`.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// `id`
    pub id: i64,
    /// `name`
    pub name: String,
    /// `karma`
    pub karma: i64,
    /// `created_at`: empty until the server fills it in.
    pub created_at: String,
    /// `updated_at`
    pub updated_at: String,
}

impl User {
    fn new(name: &str, karma: i64) -> Self {
        User {
            id: 0,
            name: name.into(),
            karma,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }
}

impl Model for User {
    type Table = Users;
    type Columns = (
        users::Id,
        users::Name,
        users::Karma,
        users::CreatedAt,
        users::UpdatedAt,
    );
    type Row = (i64, String, i64, String, String);
    type Key = i64;
    fn from_row((id, name, karma, created_at, updated_at): Self::Row) -> Self {
        User {
            id,
            name,
            karma,
            created_at,
            updated_at,
        }
    }
    fn values(&self) -> (&i64, &String, &i64, &String, &String) {
        (
            &self.id,
            &self.name,
            &self.karma,
            &self.created_at,
            &self.updated_at,
        )
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
    // Empty timestamps are left to the server's DEFAULT.
    fn server_defaults(&self) -> &'static [&'static str] {
        if self.created_at.is_empty() {
            &["created_at", "updated_at"]
        } else {
            &[]
        }
    }
    fn on_update(set: &mut OnUpdate<Self>) {
        set.column(users::UpdatedAt, now());
    }
    // Per-model events.
    fn after_insert(&self) {
        println!("  after_insert: {} got id {}", self.name, self.id);
    }
    fn after_delete(&self) {
        println!("  after_delete: {}", self.name);
    }
}

fn main() -> sqlalgebra::Result<()> {
    // Statement hooks of the engine: every connection, Core and ORM.
    let statements = Arc::new(AtomicU64::new(0));
    let counter = statements.clone();
    let options = PoolOptions::default().on_statement(move |e| {
        if e.kind != sqlalgebra::hooks::StatementKind::Batch {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    });
    let engine = Sqlite::memory_with(&options)?;
    let mut conn = engine.connect()?;
    create_all::<Users>(&mut conn)?;
    let mut s = Session::new(&mut conn);

    println!("== server values");
    let [ann, bob, cy] = s.add_all([
        User::new("ann", 10),
        User::new("bob", 20),
        User::new("cy", 30),
    ])[..] else {
        unreachable!()
    };
    s.flush()?; // one INSERT ... RETURNING: ids and timestamps come back
    assert!(!s[ann].created_at.is_empty());
    println!("  ann created at {}", s[ann].created_at);
    s[ann].name = "anne".into();
    s.flush()?; // UPDATE ... SET name = ?, updated_at = CURRENT_TIMESTAMP; then read back
    assert!(!s[ann].updated_at.is_empty());

    println!("== session events");
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = log.clone();
    s.listen(SessionEvent::BeforeCommit, move |s| {
        sink.lock()
            .unwrap()
            .push(format!("committing with {} users", s.count::<User>()));
        Ok(())
    });
    s.commit()?;
    println!("  {:?}", log.lock().unwrap());

    println!("== bulk UPDATE / DELETE, synchronized");
    s.query::<User>().all()?; // reload what the commit expired
    let before = statements.load(Ordering::Relaxed);
    let n = s.execute::<User>(
        &update(Users)
            .set(users::Karma.set(users::Karma.add(5)))
            .filter(users::Karma.ge(20)),
    )?;
    // Evaluated in Rust: one statement, and the objects show the new values.
    assert_eq!((n, statements.load(Ordering::Relaxed) - before), (2, 1));
    assert_eq!((s[ann].karma, s[bob].karma, s[cy].karma), (10, 25, 35));
    // What cannot be evaluated is fetched (UPDATE ... RETURNING here).
    s.execute_with::<User>(
        &update(Users)
            .set(users::Name.set(users::Name.concat("!")))
            .filter(users::Id.eq(s[bob].id)),
        Synchronize::Fetch,
    )?;
    assert_eq!(s[bob].name, "bob!");
    s.execute::<User>(&delete_from(Users).filter(users::Karma.gt(30)))?;
    assert_eq!(s.state(cy), ObjectState::Deleted);
    s.commit()?;
    println!(
        "  left: {:?}",
        select(users::Name)
            .order_by(users::Id.asc())
            .load::<String, _>(s.connection())?
    );
    println!(
        "== {} statements in all",
        statements.load(Ordering::Relaxed)
    );
    Ok(())
}
