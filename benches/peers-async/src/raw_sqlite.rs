//! rusqlite on a dedicated thread, as an expert would drive it from async
//! code (and as sqlalgebra's async SQLite does): a boxed closure per call
//! goes to the connection's thread, which runs it on cached prepared
//! statements, maps the rows to structs by index there, and sends the
//! result back over a oneshot channel.

use std::sync::mpsc;

use rusqlite::{OpenFlags, OptionalExtension, params_from_iter};
use tokio::sync::oneshot;

use crate::{Contestant, NewUser, QMARK_SQL, User};

type Job = Box<dyn FnOnce(&mut rusqlite::Connection) + Send>;

/// A rusqlite connection on its own thread.
pub struct RawSqlite {
    jobs: mpsc::Sender<Job>,
    insert_sql: Option<std::sync::Arc<str>>,
}

/// Opens `uri` (a `file:` URI) as sqlalgebra opens its connections.
pub fn open(uri: &str) -> rusqlite::Connection {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(uri, flags).expect("open SQLite");
    conn.set_prepared_statement_cache_capacity(128);
    conn
}

/// Maps a row by index.
pub fn user(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        hair_color: r.get(2)?,
    })
}

impl RawSqlite {
    /// Opens `uri` on a new thread.
    pub fn open(uri: &str) -> Self {
        let (jobs, receiver) = mpsc::channel::<Job>();
        let uri = uri.to_owned();
        std::thread::spawn(move || {
            let mut conn = open(&uri);
            while let Ok(job) = receiver.recv() {
                job(&mut conn);
            }
        });
        RawSqlite {
            jobs,
            insert_sql: None,
        }
    }

    /// Runs `f` on the connection's thread; its result.
    pub async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut rusqlite::Connection) -> T + Send + 'static,
    ) -> T {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Box::new(move |conn| {
                let _ = reply.send(f(conn));
            }))
            .expect("the connection's thread");
        answer.await.expect("the connection's thread answers")
    }

    /// Streams the trivial query's rows through `f`, in batches of 64 over
    /// a bounded channel (two batches in flight), as sqlalgebra streams.
    pub async fn stream(&self, mut f: impl FnMut(User)) {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<User>>(2);
        self.jobs
            .send(Box::new(move |conn| {
                let mut stmt = conn.prepare_cached(QMARK_SQL.trivial).unwrap();
                let mut rows = stmt.query([]).unwrap();
                let mut batch = Vec::with_capacity(64);
                while let Some(r) = rows.next().unwrap() {
                    batch.push(user(r).unwrap());
                    if batch.len() == 64 {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(64));
                        if tx.blocking_send(full).is_err() {
                            return;
                        }
                    }
                }
                if !batch.is_empty() {
                    let _ = tx.blocking_send(batch);
                }
            }))
            .expect("the connection's thread");
        while let Some(batch) = rx.recv().await {
            batch.into_iter().for_each(&mut f);
        }
    }
}

impl Contestant for RawSqlite {
    async fn trivial(&mut self) -> Vec<User> {
        self.call(|conn| {
            let mut stmt = conn.prepare_cached(QMARK_SQL.trivial).unwrap();
            stmt.query_map([], user)
                .unwrap()
                .collect::<Result<Vec<_>, _>>()
                .unwrap()
        })
        .await
    }

    async fn lookup(&mut self, id: i32) -> Option<User> {
        self.call(move |conn| {
            let mut stmt = conn.prepare_cached(QMARK_SQL.lookup).unwrap();
            stmt.query_row([id], user).optional().unwrap()
        })
        .await
    }

    async fn insert(&mut self, new: &[NewUser]) -> usize {
        // The rows cross to the connection's thread: owned.
        let sql = std::sync::Arc::clone(
            self.insert_sql
                .get_or_insert_with(|| crate::insert_sql(new.len(), false).into()),
        );
        let new = new.to_vec();
        self.call(move |conn| {
            let mut stmt = conn.prepare_cached(&sql).unwrap();
            stmt.execute(params_from_iter(
                new.iter()
                    .flat_map(|u| [&u.name as &dyn rusqlite::ToSql, &u.hair_color]),
            ))
            .unwrap()
        })
        .await
    }
}
