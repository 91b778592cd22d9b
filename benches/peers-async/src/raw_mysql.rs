//! mysql_async used directly: statements prepared once and reused, rows
//! mapped from tuples (as benches/peers maps the sync driver's).

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts, Params, Statement, Value};

use crate::{Contestant, NewUser, QMARK_SQL, User};

/// A mysql_async connection with its prepared statements.
pub struct RawMysql {
    pub conn: Conn,
    trivial: Statement,
    lookup: Statement,
    insert: Option<(usize, Statement)>,
}

impl RawMysql {
    /// Connects to `url` (no TLS) and prepares the statements.
    pub async fn connect(url: &str) -> Self {
        let mut conn = Conn::new(Opts::from_url(url).unwrap())
            .await
            .expect("connect to MySQL");
        let trivial = conn.prep(QMARK_SQL.trivial).await.unwrap();
        let lookup = conn.prep(QMARK_SQL.lookup).await.unwrap();
        RawMysql {
            conn,
            trivial,
            lookup,
            insert: None,
        }
    }

    /// Streams the trivial query's rows through `f` (`exec_iter` and
    /// `for_each`: rows as they arrive, none kept).
    pub async fn stream(&mut self, mut f: impl FnMut(User)) {
        let mut result = self.conn.exec_iter(&self.trivial, ()).await.unwrap();
        result
            .for_each(|row| {
                let (id, name, hair_color) = mysql_async::from_row(row);
                f(User {
                    id,
                    name,
                    hair_color,
                })
            })
            .await
            .unwrap();
    }
}

impl Contestant for RawMysql {
    async fn trivial(&mut self) -> Vec<User> {
        self.conn
            .exec_map(&self.trivial, (), |(id, name, hair_color)| User {
                id,
                name,
                hair_color,
            })
            .await
            .unwrap()
    }

    async fn lookup(&mut self, id: i32) -> Option<User> {
        self.conn
            .exec_first(&self.lookup, (id,))
            .await
            .unwrap()
            .map(|(id, name, hair_color)| User {
                id,
                name,
                hair_color,
            })
    }

    async fn insert(&mut self, new: &[NewUser]) -> usize {
        let stmt = match &self.insert {
            Some((n, s)) if *n == new.len() => s.clone(),
            _ => {
                let s = self
                    .conn
                    .prep(crate::insert_sql(new.len(), false))
                    .await
                    .unwrap();
                self.insert = Some((new.len(), s.clone()));
                s
            }
        };
        let params = Params::Positional(
            new.iter()
                .flat_map(|u| {
                    [
                        Value::from(u.name.as_str()),
                        Value::from(u.hair_color.as_deref()),
                    ]
                })
                .collect(),
        );
        self.conn.exec_drop(&stmt, params).await.unwrap();
        self.conn.affected_rows() as usize
    }
}
