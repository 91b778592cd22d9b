//! The "Async Support" section of the tour (feature `async`): an engine,
//! a session factory (`async_sessionmaker(engine, expire_on_commit=False)`),
//! `get_user`, `create_user` with a commit and a refresh, and a user with
//! their addresses loaded eagerly, the selectin way and the joined way,
//! each with an `AsyncSession`: the sync ORM's unit of work and its
//! `session.query::<M>()` builder, awaited.
//!
//! ```text
//! cargo run --example async_tour --features async              # SQLite, in memory
//! cargo run --example async_tour --features async -- postgres  # SQLALGEBRA_PG_URL
//! cargo run --example async_tour --features async -- mysql     # SQLALGEBRA_MYSQL_URL
//! ```

use sqlalgebra::Result;
use sqlalgebra::asyncio::prelude::*;
use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
use sqlalgebra::orm::{AsyncSessionFactory, BelongsTo, HasMany, Model};
use sqlalgebra::schema::{create_table, drop_table};

/// `async19_tour_users`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Users;
impl Table for Users {
    const NAME: &'static str = "async19_tour_users";
    type Columns = (users::Id, users::Name);
    type PrimaryKey = users::Id;
}

/// Columns of [`Users`].
pub mod users {
    use sqlalgebra::prelude::*;

    /// The key, assigned by the database.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::Users;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    /// The user's name.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    impl Column for Name {
        type Table = super::Users;
        type SqlType = Varchar<50>;
        const NAME: &'static str = "name";
    }
}

/// `async19_tour_addresses`: a user has many.
#[derive(Clone, Copy, Debug, Default)]
pub struct Addresses;
impl Table for Addresses {
    const NAME: &'static str = "async19_tour_addresses";
    type Columns = (addresses::Id, addresses::UserId, addresses::Email);
    type PrimaryKey = addresses::Id;
}

/// Columns of [`Addresses`].
pub mod addresses {
    use sqlalgebra::prelude::*;

    /// The key, assigned by the database.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::Addresses;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    /// The owner.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct UserId;
    impl Column for UserId {
        type Table = super::Addresses;
        type SqlType = BigInt;
        const NAME: &'static str = "user_id";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::users::Id>());
    }
    /// The address.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Email;
    impl Column for Email {
        type Table = super::Addresses;
        type SqlType = Varchar<100>;
        const NAME: &'static str = "email";
    }
}

/// A user.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    id: i64,
    name: String,
}

impl Model for User {
    type Table = Users;
    type Columns = (users::Id, users::Name);
    type Row = (i64, String);
    type Key = i64;
    fn from_row((id, name): Self::Row) -> Self {
        User { id, name }
    }
    fn values(&self) -> (&i64, &String) {
        (&self.id, &self.name)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
}

/// One of a user's addresses.
#[derive(Clone, Debug, PartialEq)]
pub struct Address {
    id: i64,
    user_id: i64,
    email: String,
}

impl Model for Address {
    type Table = Addresses;
    type Columns = (addresses::Id, addresses::UserId, addresses::Email);
    type Row = (i64, i64, String);
    type Key = i64;
    fn from_row((id, user_id, email): Self::Row) -> Self {
        Address { id, user_id, email }
    }
    fn values(&self) -> (&i64, &i64, &String) {
        (&self.id, &self.user_id, &self.email)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
}

impl BelongsTo<User> for Address {
    type ForeignKey = addresses::UserId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.user_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.user_id = key;
    }
}

impl HasMany<Address> for User {}

type Factory<B> = AsyncSessionFactory<B>;

/// `get_user`: `select(User).where(User.id == user_id)`, one object or
/// none.
async fn get_user<B: AsyncBackend>(factory: &Factory<B>, id: i64) -> Result<Option<User>> {
    let mut session = factory.session().await?;
    let found = session
        .query::<User>()
        .filter(users::Id.eq(id))
        .first()
        .await?;
    let user = found.and_then(|h| session.try_take(h));
    // `async with`: the session ends, its connection goes back clean.
    session.close().await?;
    Ok(user)
}

/// `create_user`: add, commit, refresh.
async fn create_user<B: AsyncBackend>(factory: &Factory<B>, name: &str) -> Result<User> {
    let mut session = factory.session().await?;
    let user = session.add(User {
        id: 0,
        name: name.into(),
    });
    session.commit().await?;
    session.refresh(user).await?;
    session
        .try_take(user)
        .ok_or_else(|| sqlalgebra::ErrorKind::NotFound.into())
}

/// `get_user_with_addresses`: the user, and their addresses loaded eagerly
/// in one more query (`selectinload(User.addresses)`); reading them after
/// that runs no SQL.
async fn get_user_with_addresses<B: AsyncBackend>(
    factory: &Factory<B>,
    id: i64,
) -> Result<Option<(User, Vec<String>)>> {
    let mut session = factory.session().await?;
    let Some(user) = session
        .query::<User>()
        .filter(users::Id.eq(id))
        .selectin_children::<Address>()
        .first()
        .await?
    else {
        return Ok(None);
    };
    let loaded = session.statement_count();
    assert_eq!(loaded, 2, "the user, then the addresses");
    let addresses = session.related::<User, Address>(user).await?;
    assert_eq!(session.statement_count(), loaded, "no lazy load");
    let emails = addresses
        .iter()
        .map(|&a| session[a].email.clone())
        .collect();
    let user = session.try_take(user);
    session.close().await?;
    Ok(user.map(|u| (u, emails)))
}

/// Every user with their addresses in one statement, LEFT JOINed
/// (`joinedload(User.addresses)`), the rows folded into one object per
/// user and its collection.
async fn users_with_addresses<B: AsyncBackend>(
    factory: &Factory<B>,
) -> Result<Vec<(String, Vec<String>)>> {
    let mut session = factory.session().await?;
    let users = session
        .query::<User>()
        .order_by(users::Name.asc())
        .joined_children::<Address>()
        .all()
        .await?;
    assert_eq!(session.statement_count(), 1, "one statement");
    let mut out = Vec::new();
    for user in users {
        let addresses = session.related::<User, Address>(user).await?; // no SQL
        let emails = addresses.iter().map(|&a| session[a].email.clone());
        out.push((session[user].name.clone(), emails.collect()));
    }
    assert_eq!(session.statement_count(), 1, "no lazy load");
    session.close().await?;
    Ok(out)
}

async fn tour<B: AsyncBackend>(backend: B) -> Result<()> {
    // create_async_engine
    let engine = AsyncEngine::build(backend, &PoolOptions::default().size(2)).await?;
    // async_sessionmaker(engine, expire_on_commit=False)
    let factory = AsyncSessionFactory::new(engine.clone()).expire_on_commit(false);
    {
        let mut c = engine.connect().await?;
        let dialect = c.dialect();
        c.batch_execute(&drop_table::<Addresses>().sql(dialect))
            .await?;
        c.batch_execute(&drop_table::<Users>().sql(dialect)).await?;
        for sql in create_table::<Users>()
            .statements(dialect)?
            .into_iter()
            .chain(create_table::<Addresses>().statements(dialect)?)
        {
            c.batch_execute(&sql).await?;
        }
    }

    let alice = create_user(&factory, "alice").await?;
    println!("created {alice:?}");
    assert_eq!(alice.name, "alice");
    assert_eq!(get_user(&factory, alice.id).await?, Some(alice.clone()));
    assert_eq!(get_user(&factory, alice.id + 100).await?, None);

    {
        let mut session = factory.session().await?;
        for email in ["alice@work.example", "alice@home.example"] {
            session.add(Address {
                id: 0,
                user_id: alice.id,
                email: email.into(),
            });
        }
        session.commit().await?;
    }
    let (user, emails) = get_user_with_addresses(&factory, alice.id)
        .await?
        .expect("alice is there");
    println!("{user:?} has {emails:?}");
    assert_eq!(emails, ["alice@work.example", "alice@home.example"]);
    create_user(&factory, "bob").await?;
    let everyone = users_with_addresses(&factory).await?;
    println!("joined: {everyone:?}");
    assert_eq!(everyone.len(), 2);
    assert_eq!(everyone[0].1, emails);
    assert!(everyone[1].1.is_empty());
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    match std::env::args().nth(1).as_deref() {
        Some("postgres") => {
            let url = std::env::var("SQLALGEBRA_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
            tour(sqlalgebra_postgres::AsyncPgManager::from_url(&url)?).await
        }
        Some("mysql") => {
            let url = std::env::var("SQLALGEBRA_MYSQL_URL")
                .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".to_owned());
            tour(sqlalgebra_mysql::AsyncMysqlManager::new(&url)?).await
        }
        _ => tour(sqlalgebra_sqlite::AsyncSqliteManager::memory()?).await,
    }
}
