//! sqlx: one connection (not a pool), `query_as` into `User` with its
//! statement cache (prepared once, reused), rows read by index (a
//! hand-written `FromRow`, what `#[derive(FromRow)]` writes but by
//! position rather than by name: the cheaper of the two).

use sqlx::{Connection, Executor, Row};

use crate::{Contestant, NewUser, User};

impl<'r, R> sqlx::FromRow<'r, R> for User
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        Ok(User {
            id: row.try_get(0)?,
            name: row.try_get(1)?,
            hair_color: row.try_get(2)?,
        })
    }
}

/// sqlx on one connection of `C`.
pub struct Sqlx<C> {
    pub conn: C,
    sql: &'static crate::RawSql,
    numbered: bool,
    /// The INSERT's text, made once (sqlx takes a `&'static str` as
    /// SQL that is safe to send).
    insert_sql: &'static str,
}

macro_rules! sqlx_contestant {
    ($conn:ty, $db:ty) => {
        impl Sqlx<$conn> {
            /// Streams the trivial query's rows through `f` (`fetch`).
            pub async fn stream(&mut self, mut f: impl FnMut(User)) {
                use futures_util::TryStreamExt;
                let mut rows = sqlx::query_as::<$db, User>(self.sql.trivial).fetch(&mut self.conn);
                while let Some(u) = rows.try_next().await.unwrap() {
                    f(u);
                }
            }
        }

        impl Contestant for Sqlx<$conn> {
            async fn trivial(&mut self) -> Vec<User> {
                sqlx::query_as::<$db, User>(self.sql.trivial)
                    .fetch_all(&mut self.conn)
                    .await
                    .unwrap()
            }

            async fn lookup(&mut self, id: i32) -> Option<User> {
                sqlx::query_as::<$db, User>(self.sql.lookup)
                    .bind(id)
                    .fetch_optional(&mut self.conn)
                    .await
                    .unwrap()
            }

            async fn insert(&mut self, new: &[NewUser]) -> usize {
                if self.insert_sql.is_empty() {
                    self.insert_sql = crate::insert_sql(new.len(), self.numbered).leak();
                }
                let mut q = sqlx::query::<$db>(self.insert_sql);
                for u in new {
                    q = q.bind(u.name.as_str()).bind(u.hair_color.as_deref());
                }
                let done = (&mut self.conn).execute(q).await.unwrap();
                done.rows_affected() as usize
            }
        }
    };
}

sqlx_contestant!(sqlx::SqliteConnection, sqlx::Sqlite);
sqlx_contestant!(sqlx::PgConnection, sqlx::Postgres);
sqlx_contestant!(sqlx::MySqlConnection, sqlx::MySql);

impl Sqlx<sqlx::SqliteConnection> {
    /// Opens the shared in-memory database `name` (the memdb VFS).
    pub async fn sqlite(name: &str) -> Self {
        use std::str::FromStr;
        let options = sqlx::sqlite::SqliteConnectOptions::from_str(&format!("sqlite:///{name}"))
            .unwrap()
            .vfs("memdb");
        Sqlx {
            conn: sqlx::SqliteConnection::connect_with(&options)
                .await
                .unwrap(),
            sql: &crate::QMARK_SQL,
            numbered: false,
            insert_sql: "",
        }
    }
}

impl Sqlx<sqlx::PgConnection> {
    pub async fn postgres(url: &str) -> Self {
        Sqlx {
            conn: sqlx::PgConnection::connect(url).await.unwrap(),
            sql: &crate::DOLLAR_SQL,
            numbered: true,
            insert_sql: "",
        }
    }
}

impl Sqlx<sqlx::MySqlConnection> {
    pub async fn mysql(url: &str) -> Self {
        Sqlx {
            conn: sqlx::MySqlConnection::connect(url).await.unwrap(),
            sql: &crate::QMARK_SQL,
            numbered: false,
            insert_sql: "",
        }
    }
}

impl Sqlx<sqlx::SqliteConnection> {
    /// Opens the database file `path`.
    pub async fn sqlite_file(path: &std::path::Path) -> Self {
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
        Sqlx {
            conn: sqlx::SqliteConnection::connect_with(&options)
                .await
                .unwrap(),
            sql: &crate::QMARK_SQL,
            numbered: false,
            insert_sql: "",
        }
    }
}
