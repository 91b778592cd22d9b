//! The `locking18_accounts` table and its model, shared by the isolation
//! and row-lock tests; and a connection wrapper that logs every statement.
#![allow(dead_code, unreachable_pub)]

use sqlalgebra::prelude::*;
use sqlalgebra::render::{Dialect, SqlCache, SqlId};
use sqlalgebra::value::ValueRef;
use sqlalgebra::{Connection, IsolationLevel, Result};

/// `locking18_accounts (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Accounts;
impl Table for Accounts {
    const NAME: &'static str = "locking18_accounts";
    type Columns = (Id, Balance);
    type PrimaryKey = Id;
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Id;
impl Column for Id {
    type Table = Accounts;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Balance;
impl Column for Balance {
    type Table = Accounts;
    type SqlType = BigInt;
    const NAME: &'static str = "balance";
}

/// An account, as the ORM loads it.
#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    pub id: i64,
    pub balance: i64,
}

impl Model for Account {
    type Table = Accounts;
    type Columns = (Id, Balance);
    type Row = (i64, i64);
    type Key = i64;
    fn from_row((id, balance): Self::Row) -> Self {
        Account { id, balance }
    }
    fn values(&self) -> (&i64, &i64) {
        (&self.id, &self.balance)
    }
    fn key(&self) -> i64 {
        self.id
    }
}

/// Creates the table with `n` accounts of `balance` each, ids 1..=n.
pub fn accounts(conn: &mut impl Connection, n: i64, balance: i64) -> Result<()> {
    create_all::<Accounts>(conn)?;
    for id in 1..=n {
        let changed = insert_into(Accounts)
            .values((Id.set(id), Balance.set(balance)))
            .execute(conn)?;
        assert_eq!(changed, 1);
    }
    Ok(())
}

/// Every account, by id.
pub fn balances(conn: &mut impl Connection) -> Result<Vec<(i64, i64)>> {
    select((Id, Balance)).order_by(Id).load(conn)
}

/// A connection that logs the SQL of every statement it runs, transaction
/// control included.
pub struct Logged<C> {
    pub inner: C,
    pub log: Vec<String>,
}

impl<C: Connection + 'static> Logged<C> {
    pub fn new(inner: C) -> Self {
        Logged {
            inner,
            log: Vec::new(),
        }
    }
    fn note_cached(&mut self, id: SqlId) {
        let sql = self
            .inner
            .sql_cache()
            .and_then(|c| c.sql(id))
            .unwrap_or("?")
            .to_owned();
        self.log.push(sql);
    }
    /// Whether a logged statement starts with `word` (case-insensitive).
    pub fn sent(&self, word: &str) -> bool {
        self.log.iter().any(|s| {
            s.get(..word.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(word))
        })
    }
}

impl<C: Connection + 'static> Connection for Logged<C> {
    type Row<'r>
        = C::Row<'r>
    where
        Self: 'r;
    type Backend = C::Backend;
    fn dialect(&self) -> &'static dyn Dialect {
        self.inner.dialect()
    }
    fn execute_sql(&mut self, sql: &str, binds: &[ValueRef<'_>]) -> Result<u64> {
        self.log.push(sql.to_owned());
        self.inner.execute_sql(sql, binds)
    }
    fn query_sql<F>(&mut self, sql: &str, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
    {
        self.log.push(sql.to_owned());
        self.inner.query_sql(sql, binds, each)
    }
    fn execute_cached(&mut self, id: SqlId, binds: &[ValueRef<'_>]) -> Result<u64> {
        self.note_cached(id);
        self.inner.execute_cached(id, binds)
    }
    fn query_cached<F>(&mut self, id: SqlId, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
    {
        self.note_cached(id);
        self.inner.query_cached(id, binds, each)
    }
    fn batch_execute(&mut self, sql: &str) -> Result<()> {
        self.log.push(sql.to_owned());
        self.inner.batch_execute(sql)
    }
    fn transaction_depth(&mut self) -> &mut u32 {
        self.inner.transaction_depth()
    }
    fn last_insert_id(&mut self) -> Result<Option<i64>> {
        self.inner.last_insert_id()
    }
    fn sql_cache(&mut self) -> Option<&mut SqlCache> {
        self.inner.sql_cache()
    }
    fn isolation_setting(&mut self) -> Option<&mut Option<IsolationLevel>> {
        self.inner.isolation_setting()
    }
}
