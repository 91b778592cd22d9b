//! The "Async Support" section of the tour, with the async Core API
//! (feature `async`): an engine, `get_user`, `create_user` with a
//! refresh, and a user with their addresses loaded in a second query (the
//! selectin way). The ORM's `AsyncSession` is not there yet: this is the
//! same flow on the Core API, which is async today.
//!
//! ```text
//! cargo run --example async_tour --features async              # SQLite, in memory
//! cargo run --example async_tour --features async -- postgres  # SQLALGEBRA_PG_URL
//! cargo run --example async_tour --features async -- mysql     # SQLALGEBRA_MYSQL_URL
//! ```

use sqlalgebra::Result;
use sqlalgebra::asyncio::prelude::*;
use sqlalgebra::asyncio::{AsyncBackend, AsyncEngine};
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

/// A user as loaded: `(id, name)`.
type User = (i64, String);

/// `get_user`: one row or none.
async fn get_user<B: AsyncBackend>(engine: &AsyncEngine<B>, id: i64) -> Result<Option<User>> {
    let mut conn = engine.connect().await?;
    select((users::Id, users::Name))
        .filter(users::Id.eq(id))
        .first(&mut *conn)
        .await
}

/// `create_user`: insert, commit, and read the row back ("refresh"): with
/// RETURNING where the server has it, else by the id it assigned.
async fn create_user<B: AsyncBackend>(engine: &AsyncEngine<B>, name: &str) -> Result<User> {
    let mut conn = engine.connect().await?;
    let insert = insert_into(Users).values(users::Name.set(name));
    if conn.dialect().supports_insert_returning() {
        return insert
            .returning((users::Id, users::Name))
            .get(&mut *conn)
            .await;
    }
    insert.execute(&mut *conn).await?;
    let id = conn.last_insert_id().await?.unwrap_or_default();
    select((users::Id, users::Name))
        .filter(users::Id.eq(id))
        .get(&mut *conn)
        .await
}

/// `get_user_with_addresses`: the user, then their addresses in one more
/// query by key (what `selectinload` does).
async fn get_user_with_addresses<B: AsyncBackend>(
    engine: &AsyncEngine<B>,
    id: i64,
) -> Result<Option<(User, Vec<String>)>> {
    let Some(user) = get_user(engine, id).await? else {
        return Ok(None);
    };
    let mut conn = engine.connect().await?;
    let emails = select(addresses::Email)
        .filter(addresses::UserId.in_([user.0]))
        .order_by(addresses::Id.asc())
        .load(&mut *conn)
        .await?;
    Ok(Some((user, emails)))
}

async fn tour<B: AsyncBackend>(backend: B) -> Result<()> {
    // create_async_engine
    let engine = AsyncEngine::build(backend, &PoolOptions::default().size(2)).await?;
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

    let alice = create_user(&engine, "alice").await?;
    println!("created {alice:?}");
    assert_eq!(alice.1, "alice");
    assert_eq!(get_user(&engine, alice.0).await?, Some(alice.clone()));
    assert_eq!(get_user(&engine, alice.0 + 100).await?, None);

    {
        let mut c = engine.connect().await?;
        let emails = ["alice@work.example", "alice@home.example"];
        let rows: Vec<_> = emails
            .iter()
            .map(|e| (addresses::UserId.set(alice.0), addresses::Email.set(*e)))
            .collect();
        insert_into(Addresses).values(rows).execute(&mut *c).await?;
    }
    let (user, emails) = get_user_with_addresses(&engine, alice.0)
        .await?
        .expect("alice is there");
    println!("{user:?} has {emails:?}");
    assert_eq!(emails, ["alice@work.example", "alice@home.example"]);
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
