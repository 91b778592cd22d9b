//! tokio-postgres used directly: statements prepared once and reused, rows
//! mapped by index, the connection task spawned on the runtime.

use futures_util::{StreamExt, pin_mut};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Statement};

use crate::{Contestant, DOLLAR_SQL, NewUser, User};

/// A tokio-postgres client with its prepared statements.
pub struct RawPostgres {
    client: Client,
    trivial: Statement,
    lookup: Statement,
    insert: Option<(usize, Statement)>,
}

fn user(r: &tokio_postgres::Row) -> User {
    User {
        id: r.get(0),
        name: r.get(1),
        hair_color: r.get(2),
    }
}

impl RawPostgres {
    /// Connects to `url` (no TLS) and prepares the statements.
    pub async fn connect(url: &str) -> Self {
        let (client, conn) = tokio_postgres::connect(url, NoTls).await.expect("connect");
        tokio::spawn(conn);
        let trivial = client.prepare(DOLLAR_SQL.trivial).await.unwrap();
        let lookup = client.prepare(DOLLAR_SQL.lookup).await.unwrap();
        RawPostgres {
            client,
            trivial,
            lookup,
            insert: None,
        }
    }

    /// Streams the trivial query's rows through `f` (`query_raw`: rows as
    /// they arrive, none kept).
    pub async fn stream(&self, mut f: impl FnMut(User)) {
        let rows = self
            .client
            .query_raw(&self.trivial, std::iter::empty::<i32>())
            .await
            .unwrap();
        pin_mut!(rows);
        while let Some(r) = rows.next().await {
            f(user(&r.unwrap()));
        }
    }
}

impl Contestant for RawPostgres {
    async fn trivial(&mut self) -> Vec<User> {
        let rows = self.client.query(&self.trivial, &[]).await.unwrap();
        rows.iter().map(user).collect()
    }

    async fn lookup(&mut self, id: i32) -> Option<User> {
        let row = self.client.query_opt(&self.lookup, &[&id]).await.unwrap();
        row.as_ref().map(user)
    }

    async fn insert(&mut self, new: &[NewUser]) -> usize {
        let stmt = match &self.insert {
            Some((n, s)) if *n == new.len() => s.clone(),
            _ => {
                let s = self
                    .client
                    .prepare(&crate::insert_sql(new.len(), true))
                    .await
                    .unwrap();
                self.insert = Some((new.len(), s.clone()));
                s
            }
        };
        let params: Vec<&(dyn ToSql + Sync)> = new
            .iter()
            .flat_map(|u| [&u.name as &(dyn ToSql + Sync), &u.hair_color])
            .collect();
        self.client.execute(&stmt, &params).await.unwrap() as usize
    }
}
