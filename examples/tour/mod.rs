//! The tour shared by the quickstart examples: one schema and one run of
//! the tour's first sections, generic over the backend.

use sqlalgebra::prelude::*;

/// The `user_account` table.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Users;
impl Table for Users {
    const NAME: &'static str = "user_account";
    type Columns = (users::Id, users::Name, users::Fullname);
    type PrimaryKey = users::Id;
}

/// Columns of `user_account`.
pub(crate) mod users {
    use sqlalgebra::prelude::*;
    /// The primary key.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    /// The login name, unique.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Name;
    /// The full name, if known.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Fullname;
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
pub(crate) struct Addresses;
impl Table for Addresses {
    const NAME: &'static str = "address";
    type Columns = (addresses::Id, addresses::Email, addresses::UserId);
    type PrimaryKey = addresses::Id;
    const INDEXES: &'static [sqlalgebra::schema::Index] =
        &[index::<addresses::UserId>("ix_address_user_id")];
}

/// Columns of `address`.
pub(crate) mod addresses {
    use sqlalgebra::prelude::*;
    /// The primary key.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    /// The e-mail address.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Email;
    /// The owning user.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct UserId;
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

/// Creates the tables (after dropping those of an earlier run) and walks
/// the tour: insert, select with filters and ordering, a join, count,
/// update, delete, a failed transaction, a constraint error, raw text.
pub(crate) fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let conn = &mut *conn;
    // Tables, parents first.
    drop_all::<(Addresses, Users)>(conn)?;
    create_all::<(Addresses, Users)>(conn)?;

    // INSERT one row, then several in one statement.
    insert_into(Users)
        .values((users::Name.set("alice"), users::Fullname.set("Alice Smith")))
        .execute(conn)?;
    insert_into(Users)
        .values(vec![
            (
                users::Name.set("bob"),
                users::Fullname.set(Some("Bob Jones")),
            ),
            (users::Name.set("carol"), users::Fullname.set(None::<&str>)),
        ])
        .execute(conn)?;
    let alice_id: i64 = select(users::Id)
        .filter(users::Name.eq("alice"))
        .get(conn)?;
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
        .execute(conn)?;

    // SELECT with filters, ordering and a limit; FROM is inferred.
    let rows: Vec<(i64, String, Option<String>)> =
        select((users::Id, users::Name, users::Fullname))
            .filter(users::Name.like("%o%").or(users::Id.eq(alice_id)))
            .order_by(users::Name.desc())
            .limit(10)
            .load(conn)?;
    println!("users, name descending:");
    for (id, name, fullname) in &rows {
        println!("  {id} {name} {fullname:?}");
    }

    // A join, and an aggregate per group.
    let per_user: Vec<(String, i64)> = select((users::Name, count(addresses::Id)))
        .from(Users)
        .left_join(Addresses, addresses::UserId.eq(users::Id))
        .group_by(users::Name)
        .order_by(users::Name)
        .load(conn)?;
    println!("addresses per user: {per_user:?}");

    // COUNT(*).
    let n: i64 = select(count_star()).from(Users).get(conn)?;
    println!("{n} users");

    // UPDATE and DELETE.
    let changed = update(Users)
        .set(users::Fullname.set("Alice Johnson"))
        .filter(users::Name.eq("alice"))
        .execute(conn)?;
    println!("updated {changed} row(s)");
    let deleted = delete_from(Users)
        .filter(users::Fullname.is_null())
        .execute(conn)?;
    println!("deleted {deleted} row(s) without a full name");

    // A transaction that fails changes nothing.
    let failed: sqlalgebra::Result<()> = conn.transaction(|tx| {
        delete_from(Users).execute(tx)?;
        Err(sqlalgebra::ErrorKind::InvalidStatement("changed my mind".into()).into())
    });
    println!("transaction rolled back: {}", failed.is_err());

    // Raw SQL with named binds.
    let names: Vec<String> = text("SELECT name FROM user_account WHERE id >= :min ORDER BY name")
        .bind("min", 1i64)
        .returns::<Text>()
        .load(conn)?;
    println!("still there: {names:?}");

    // A unique name twice is a typed constraint error.
    let dup = insert_into(Users)
        .values(users::Name.set("bob"))
        .execute(conn);
    if let Err(sqlalgebra::ErrorKind::Constraint {
        kind, constraint, ..
    }) = dup.as_ref().map_err(sqlalgebra::Error::kind)
    {
        println!("refused: {kind:?} constraint {constraint:?}");
    }

    // What the statements look like in this connection's dialect.
    let q = select((users::Id, users::Name)).filter(users::Name.starts_with("50%_off"));
    println!("{}: {}", conn.dialect().name(), q.to_sql(conn.dialect())?);
    Ok(())
}
