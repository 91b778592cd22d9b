//! SeaORM: the `users` entity, `find().all`, `find_by_id().one` and
//! `insert_many` (without `RETURNING`, as the multi-row INSERT of the
//! others), over its `DatabaseConnection` (a sqlx pool of one connection).

use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};

use crate::{Contestant, NewUser, User};

/// The entity of `users`.
pub mod user {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub name: String,
        pub hair_color: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

impl From<user::Model> for User {
    fn from(m: user::Model) -> Self {
        User {
            id: m.id,
            name: m.name,
            hair_color: m.hair_color,
        }
    }
}

/// SeaORM over one database.
pub struct Sea {
    pub db: DatabaseConnection,
}

impl Sea {
    /// The shared in-memory SQLite database `name` (memdb VFS).
    pub async fn sqlite(name: &str) -> Self {
        use std::str::FromStr;
        let options = sqlx::sqlite::SqliteConnectOptions::from_str(&format!("sqlite:///{name}"))
            .unwrap()
            .vfs("memdb");
        let pool = sqlx::pool::PoolOptions::<sqlx::Sqlite>::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        Sea {
            db: sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(pool),
        }
    }

    pub async fn postgres(url: &str) -> Self {
        let pool = sqlx::pool::PoolOptions::<sqlx::Postgres>::new()
            .max_connections(1)
            .connect(url)
            .await
            .unwrap();
        Sea {
            db: sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(pool),
        }
    }

    pub async fn mysql(url: &str) -> Self {
        let pool = sqlx::pool::PoolOptions::<sqlx::MySql>::new()
            .max_connections(1)
            .connect(url)
            .await
            .unwrap();
        Sea {
            db: sea_orm::SqlxMySqlConnector::from_sqlx_mysql_pool(pool),
        }
    }
}

impl Contestant for Sea {
    async fn trivial(&mut self) -> Vec<User> {
        user::Entity::find()
            .all(&self.db)
            .await
            .unwrap()
            .into_iter()
            .map(User::from)
            .collect()
    }

    async fn lookup(&mut self, id: i32) -> Option<User> {
        user::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .unwrap()
            .map(User::from)
    }

    async fn insert(&mut self, new: &[NewUser]) -> usize {
        user::Entity::insert_many(new.iter().map(|u| user::ActiveModel {
            name: Set(u.name.clone()),
            hair_color: Set(u.hair_color.clone()),
            ..Default::default()
        }))
        .exec_without_returning(&self.db)
        .await
        .unwrap() as usize
    }
}
