//! The driver of an [`AsyncPgConnection`](super::AsyncPgConnection): the
//! tokio-postgres client, its prepared-statement cache (keyed by text and
//! bind types, as the sync connection's), and running statements and
//! reading their rows.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use sqlalgebra::Result;
use sqlalgebra::render::FastHasher;
use sqlalgebra::value::ValueRef;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Statement};

use crate::conn::{
    PREPARE_RELEASE, PREPARE_ROLLBACK, PREPARE_SAVEPOINT, PgRow, STATEMENT_CACHE, error,
    fill_temporal, is_int, is_stale_statement, note_transaction, param_type, push_letters,
};
use crate::types::{ArrayParam, Kind, Param, ValueParam, params_of};

/// Everything but the SQL cache and the state, so that a statement can
/// borrow its text from the cache and mark the state busy while it runs.
pub(super) struct Driver {
    pub(super) client: Client,
    pub(super) statements: HashMap<Vec<u8>, Statement, BuildHasherDefault<FastHasher>>,
    pub(super) key: Vec<u8>,
    pub(super) kinds: Vec<Kind>,
    pub(super) in_transaction: bool,
    /// Names the cursors of streams, unique on the connection.
    pub(super) cursors: u64,
    /// Whether statements run unnamed (see
    /// [`set_unnamed_statements`](super::AsyncPgConnection::set_unnamed_statements)).
    pub(super) unnamed: bool,
}

/// The binds of a statement with `params` parameters as the driver takes
/// them (an array marker and its elements are one parameter).
struct Params<'a> {
    values: Vec<ValueParam<'a>>,
    arrays: Vec<ArrayParam<'a>>,
    grouped: Vec<Param<'a>>,
}

impl<'a> Params<'a> {
    fn new(binds: &'a [ValueRef<'a>], params: usize) -> Self {
        if binds.len() == params {
            return Params {
                values: binds.iter().map(|b| ValueParam(*b)).collect(),
                arrays: Vec::new(),
                grouped: Vec::new(),
            };
        }
        let grouped: Vec<Param<'a>> = params_of(binds).collect();
        let mut values = Vec::new();
        let mut arrays = Vec::new();
        for p in &grouped {
            match *p {
                Param::Value(v) => values.push(ValueParam(v)),
                Param::Array(elements) => arrays.push(ArrayParam(elements)),
            }
        }
        Params {
            values,
            arrays,
            grouped,
        }
    }

    fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        if self.grouped.is_empty() {
            return self.values.iter().map(|v| v as _).collect();
        }
        let (mut v, mut a) = (self.values.iter(), self.arrays.iter());
        self.grouped
            .iter()
            .filter_map(|p| match p {
                Param::Value(_) => v.next().map(|x| x as _),
                Param::Array(_) => a.next().map(|x| x as _),
            })
            .collect()
    }
}

impl Driver {
    pub(super) fn new(client: Client) -> Self {
        Driver {
            client,
            statements: HashMap::default(),
            key: Vec::new(),
            kinds: Vec::new(),
            in_transaction: false,
            cursors: 0,
            unnamed: false,
        }
    }

    /// The prepared statement for `sql` with binds like `binds`: cached, or
    /// prepared as the sync connection prepares it (integers first typed by
    /// the server, under a savepoint inside a transaction).
    async fn statement(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
        depth: u32,
    ) -> Result<Statement> {
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        key.extend_from_slice(sql.as_bytes());
        key.push(0);
        push_letters(&mut key, binds);
        if let Some(s) = self.statements.get(&key) {
            let s = s.clone();
            self.key = key;
            return Ok(s);
        }
        let prepared = self.prepare(sql, binds, depth).await;
        let statement = match prepared {
            Ok(s) => s,
            Err(e) => {
                self.key = key;
                return Err(error(sql, e));
            }
        };
        if self.statements.len() >= STATEMENT_CACHE {
            self.statements.clear();
        }
        self.statements.insert(key.clone(), statement.clone());
        self.key = key;
        Ok(statement)
    }

    async fn prepare(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
        depth: u32,
    ) -> Result<Statement, tokio_postgres::Error> {
        let typed: Vec<Type> = params_of(binds).map(|p| param_type(&p)).collect();
        if params_of(binds).any(|p| is_int(&p)) {
            let inferred: Vec<Type> = params_of(binds)
                .zip(&typed)
                .map(|(p, t)| if is_int(&p) { Type::UNKNOWN } else { t.clone() })
                .collect();
            let guarded = depth > 0 || self.in_transaction;
            if !guarded || self.client.batch_execute(PREPARE_SAVEPOINT).await.is_ok() {
                let attempt = self.client.prepare_typed(sql, &inferred).await;
                let undo = if attempt.is_ok() {
                    PREPARE_RELEASE
                } else {
                    PREPARE_ROLLBACK
                };
                if guarded {
                    self.client.batch_execute(undo).await?;
                }
                if let Ok(s) = attempt {
                    let numeric = params_of(binds).zip(s.params()).all(|(p, t)| match p {
                        _ if !is_int(&p) => true,
                        Param::Value(_) => {
                            matches!(*t, Type::INT2 | Type::INT4 | Type::INT8 | Type::NUMERIC)
                        }
                        Param::Array(_) => matches!(
                            *t,
                            Type::INT2_ARRAY
                                | Type::INT4_ARRAY
                                | Type::INT8_ARRAY
                                | Type::NUMERIC_ARRAY
                        ),
                    });
                    if numeric {
                        return Ok(s);
                    }
                }
            }
        }
        self.client.prepare_typed(sql, &typed).await
    }

    /// Forgets the prepared forms of `sql` after the server said they no
    /// longer fit the schema; whether the statement may run again (outside
    /// a transaction only: inside, the error aborted it).
    fn stale(&mut self, sql: &str, e: &tokio_postgres::Error, depth: u32) -> bool {
        if !is_stale_statement(e) {
            return false;
        }
        self.statements
            .retain(|k, _| !(k.starts_with(sql.as_bytes()) && k.get(sql.len()) == Some(&0)));
        depth == 0 && !self.in_transaction
    }

    pub(super) async fn execute(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
        depth: u32,
    ) -> Result<u64> {
        if self.unnamed {
            return self.execute_unnamed(sql, binds).await;
        }
        let mut retried = false;
        loop {
            let statement = self.statement(sql, binds, depth).await?;
            let params = Params::new(binds, statement.params().len());
            match self.client.execute(&statement, &params.refs()).await {
                Ok(n) => return Ok(n),
                Err(e) if !retried && self.stale(sql, &e, depth) => retried = true,
                Err(e) => return Err(error(sql, e)),
            }
        }
    }

    pub(super) async fn query<F>(
        &mut self,
        sql: &str,
        binds: &[ValueRef<'_>],
        depth: u32,
        each: F,
    ) -> Result<()>
    where
        F: FnMut(&mut PgRow<'_>) -> Result<bool> + Send,
    {
        if self.unnamed {
            return self.query_unnamed(sql, binds, each).await;
        }
        let mut retried = false;
        let rows = loop {
            let statement = self.statement(sql, binds, depth).await?;
            let params = Params::new(binds, statement.params().len());
            match self.client.query(&statement, &params.refs()).await {
                Ok(rows) => {
                    self.kinds.clear();
                    self.kinds
                        .extend(statement.columns().iter().map(|c| Kind::of(c.type_())));
                    break rows;
                }
                Err(e) if !retried && self.stale(sql, &e, depth) => retried = true,
                Err(e) => return Err(error(sql, e)),
            }
        };
        each_row(&rows, &self.kinds, each)
    }

    pub(super) async fn simple(&mut self, sql: &str) -> Result<()> {
        note_transaction(&mut self.in_transaction, sql);
        self.client
            .batch_execute(sql)
            .await
            .map_err(|e| error(sql, e))
    }
}

/// Calls `each` with every row of `rows` (whose columns are of `kinds`)
/// until it returns `Ok(false)`: the rows of a statement, named or
/// unnamed, fetched whole.
pub(super) fn each_row<F>(rows: &[tokio_postgres::Row], kinds: &[Kind], mut each: F) -> Result<()>
where
    F: FnMut(&mut PgRow<'_>) -> Result<bool>,
{
    let any_temporal = kinds.contains(&Kind::Temporal);
    let mut temporal = Vec::new();
    for row in rows {
        if any_temporal {
            fill_temporal(row, kinds, &mut temporal)?;
        }
        if !each(&mut PgRow::new(row, kinds, &temporal, Some(rows.len())))? {
            break;
        }
    }
    Ok(())
}
