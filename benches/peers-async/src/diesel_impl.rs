//! diesel-async, written as its guide writes it: `AsyncPgConnection`,
//! `AsyncMysqlConnection`, and on SQLite Diesel's `SqliteConnection` in
//! diesel-async's `SyncConnectionWrapper` (its way of running SQLite from
//! async code: each call on tokio's blocking pool).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::{Contestant, NewUser, User};

/// Diesel's schema of `users`.
pub mod dsl {
    diesel::table! {
        users {
            id -> Integer,
            name -> Text,
            hair_color -> Nullable<Text>,
        }
    }
}

use dsl::users;

/// A user to insert, borrowed (NULL for `None`, so that the rows go in one
/// statement on every backend).
#[derive(Insertable)]
#[diesel(table_name = users)]
#[diesel(treat_none_as_default_value = false)]
struct NewUserRef<'a> {
    name: &'a str,
    hair_color: Option<&'a str>,
}

/// diesel-async on one connection.
pub struct DieselAsync<C> {
    pub conn: C,
}

/// diesel-async's SQLite connection.
pub type SqliteConn =
    diesel_async::sync_connection_wrapper::SyncConnectionWrapper<diesel::SqliteConnection>;

macro_rules! diesel_contestant {
    (@insert) => {
            async fn insert(&mut self, new: &[NewUser]) -> usize {
                let rows: Vec<NewUserRef<'_>> = new
                    .iter()
                    .map(|u| NewUserRef {
                        name: &u.name,
                        hair_color: u.hair_color.as_deref(),
                    })
                    .collect();
                diesel::insert_into(users::table)
                    .values(&rows)
                    .execute(&mut self.conn)
                    .await
                    .unwrap()
            }
    };
    // SQLite: Diesel's multi-row INSERT on SQLite is not a plain query
    // fragment, so it runs as diesel-async runs what it cannot await: on the
    // blocking pool (`spawn_blocking`), the rows owned.
    (@insert spawn_blocking) => {
            async fn insert(&mut self, new: &[NewUser]) -> usize {
                let new = new.to_vec();
                self.conn
                    .spawn_blocking(move |conn| {
                        let rows: Vec<NewUserRef<'_>> = new
                            .iter()
                            .map(|u| NewUserRef {
                                name: &u.name,
                                hair_color: u.hair_color.as_deref(),
                            })
                            .collect();
                        diesel::RunQueryDsl::execute(
                            diesel::insert_into(users::table).values(&rows),
                            conn,
                        )
                    })
                    .await
                    .unwrap()
            }
    };
    ($conn:ty $(, $how:ident)?) => {
        impl Contestant for DieselAsync<$conn> {
            async fn trivial(&mut self) -> Vec<User> {
                users::table
                    .select((users::id, users::name, users::hair_color))
                    .load::<User>(&mut self.conn)
                    .await
                    .unwrap()
            }

            async fn lookup(&mut self, id: i32) -> Option<User> {
                users::table
                    .select((users::id, users::name, users::hair_color))
                    .filter(users::id.eq(id))
                    .first::<User>(&mut self.conn)
                    .await
                    .optional()
                    .unwrap()
            }

            diesel_contestant!(@insert $($how)?);
        }
    };
}

diesel_contestant!(SqliteConn, spawn_blocking);
diesel_contestant!(diesel_async::AsyncPgConnection);
diesel_contestant!(diesel_async::AsyncMysqlConnection);

impl DieselAsync<SqliteConn> {
    /// Opens `uri` (a `file:` URI).
    pub async fn sqlite(uri: &str) -> Self {
        use diesel_async::AsyncConnection;
        DieselAsync {
            conn: SqliteConn::establish(uri).await.unwrap(),
        }
    }
}

impl DieselAsync<diesel_async::AsyncPgConnection> {
    pub async fn postgres(url: &str) -> Self {
        use diesel_async::AsyncConnection;
        DieselAsync {
            conn: diesel_async::AsyncPgConnection::establish(url)
                .await
                .unwrap(),
        }
    }
}

impl DieselAsync<diesel_async::AsyncMysqlConnection> {
    pub async fn mysql(url: &str) -> Self {
        use diesel_async::AsyncConnection;
        DieselAsync {
            conn: diesel_async::AsyncMysqlConnection::establish(url)
                .await
                .unwrap(),
        }
    }
}
