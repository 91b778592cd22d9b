//! The quickstart against PostgreSQL: engine, tables, insert, select with
//! filters and ordering, count, update, delete, transactions, raw text.
//!
//! It needs a server: `SQLALGEBRA_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`). It works in a schema of its
//! own, `sqlalgebra_quickstart`, and recreates its tables there on each run.
//!
//! Run it with `cargo run --example postgres`.

use sqlalgebra::prelude::*;
use sqlalgebra_postgres::{Postgres, postgres};

/// The `user_account` table.
#[derive(Clone, Copy, Debug, Default)]
pub struct Users;
impl Table for Users {
    const NAME: &'static str = "user_account";
    type Columns = (users::Id, users::Name, users::Fullname);
    type PrimaryKey = users::Id;
}

/// Columns of `user_account`.
pub mod users {
    use sqlalgebra::prelude::*;
    /// The primary key.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    /// The login name, unique.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    /// The full name, if known.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Fullname;
    impl Column for Id {
        type Table = super::Users;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for Name {
        type Table = super::Users;
        type SqlType = Varchar<30>;
        const NAME: &'static str = "name";
        const UNIQUE: bool = true;
    }
    impl Column for Fullname {
        type Table = super::Users;
        type SqlType = Nullable<Text>;
        const NAME: &'static str = "fullname";
    }
}

/// The `address` table: each address belongs to a user.
#[derive(Clone, Copy, Debug, Default)]
pub struct Addresses;
impl Table for Addresses {
    const NAME: &'static str = "address";
    type Columns = (addresses::Id, addresses::Email, addresses::UserId);
    type PrimaryKey = addresses::Id;
    const INDEXES: &'static [sqlalgebra::schema::Index] =
        &[index::<addresses::UserId>("ix_address_user_id")];
}

/// Columns of `address`.
pub mod addresses {
    use sqlalgebra::prelude::*;
    /// The primary key.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    /// The e-mail address.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Email;
    /// The owning user.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct UserId;
    impl Column for Id {
        type Table = super::Addresses;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for Email {
        type Table = super::Addresses;
        type SqlType = Text;
        const NAME: &'static str = "email_address";
    }
    impl Column for UserId {
        type Table = super::Addresses;
        type SqlType = BigInt;
        const NAME: &'static str = "user_id";
        const REFERENCES: Option<ForeignKey> =
            Some(ForeignKey::to::<super::users::Id>().on_delete(ReferentialAction::Cascade));
    }
}

fn main() -> sqlalgebra::Result<()> {
    // Engine: a pool of connections to the server. A URL is enough
    // (`Postgres::connect(&url)`); a `postgres::Config` also carries
    // settings for every connection, here a schema of our own.
    let url = std::env::var("SQLALGEBRA_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let mut config: postgres::Config = url.parse().map_err(|e| {
        sqlalgebra::Error::Connection(Box::new(sqlalgebra_postgres::PgError::from(e)))
    })?;
    config.options("-c search_path=sqlalgebra_quickstart");
    let engine = Postgres::connect_config(config, &PoolOptions::default().size(2))?;
    let mut conn = engine.connect()?;
    conn.batch_execute("CREATE SCHEMA IF NOT EXISTS sqlalgebra_quickstart")?;

    // Tables, parents first (dropped first, so the example runs again).
    drop_all::<(Addresses, Users)>(&mut conn)?;
    create_all::<(Addresses, Users)>(&mut conn)?;

    // INSERT one row, then several in one statement.
    insert_into(Users)
        .values((users::Name.set("alice"), users::Fullname.set("Alice Smith")))
        .execute(&mut conn)?;
    // Identity columns draw from a sequence; `lastval()` says which id.
    println!("alice got id {:?}", conn.last_insert_id()?);
    insert_into(Users)
        .values(vec![
            (
                users::Name.set("bob"),
                users::Fullname.set(Some("Bob Jones")),
            ),
            (users::Name.set("carol"), users::Fullname.set(None::<&str>)),
        ])
        .execute(&mut conn)?;
    let alice_id: i64 = select(users::Id)
        .filter(users::Name.eq("alice"))
        .get(&mut conn)?;
    insert_into(Addresses)
        .values(vec![
            (
                addresses::Email.set("alice@example.com"),
                addresses::UserId.set(alice_id),
            ),
            (
                addresses::Email.set("alice@work.com"),
                addresses::UserId.set(alice_id),
            ),
        ])
        .execute(&mut conn)?;

    // SELECT with filters, ordering and a limit; FROM is inferred.
    let rows: Vec<(i64, String, Option<String>)> =
        select((users::Id, users::Name, users::Fullname))
            .filter(users::Name.like("%o%").or(users::Id.eq(alice_id)))
            .order_by(users::Name.desc())
            .limit(10)
            .load(&mut conn)?;
    println!("users, name descending:");
    for (id, name, fullname) in &rows {
        println!("  {id} {name} {fullname:?}");
    }

    // A join, and an aggregate per group.
    let per_user: Vec<(String, i64)> = select((users::Name, count(addresses::Id)))
        .left_join(Addresses, addresses::UserId.eq(users::Id))
        .group_by(users::Name)
        .order_by(users::Name)
        .load(&mut conn)?;
    println!("addresses per user: {per_user:?}");

    // COUNT(*).
    let n: i64 = select(count_star()).from(Users).get(&mut conn)?;
    println!("{n} users");

    // UPDATE and DELETE.
    let changed = update(Users)
        .set(users::Fullname.set("Alice Johnson"))
        .filter(users::Name.eq("alice"))
        .execute(&mut conn)?;
    println!("updated {changed} row(s)");
    let deleted = delete_from(Users)
        .filter(users::Fullname.is_null())
        .execute(&mut conn)?;
    println!("deleted {deleted} row(s) without a full name");

    // A transaction that fails changes nothing.
    let failed: sqlalgebra::Result<()> = conn.transaction(|tx| {
        delete_from(Users).execute(tx)?;
        Err(sqlalgebra::Error::InvalidStatement(
            "changed my mind".into(),
        ))
    });
    println!("transaction rolled back: {}", failed.is_err());

    // Raw SQL with named binds.
    let names: Vec<String> = text("SELECT name FROM user_account WHERE id >= :min ORDER BY name")
        .bind("min", 1i64)
        .returns::<Text>()
        .load(&mut conn)?;
    println!("still there: {names:?}");

    // A unique name twice is a typed constraint error.
    let dup = insert_into(Users)
        .values(users::Name.set("bob"))
        .execute(&mut conn);
    if let Err(sqlalgebra::Error::Constraint {
        kind, constraint, ..
    }) = &dup
    {
        println!("refused: {kind:?} constraint {constraint:?}");
    }

    // What the statements look like here: `$n` placeholders.
    let q = select((users::Id, users::Name)).filter(users::Name.starts_with("50%_off"));
    println!("PostgreSQL: {}", q.to_sql(&Postgres)?);
    Ok(())
}
