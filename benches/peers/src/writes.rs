//! The ORM's write shapes (issue 18): 10 000 new objects inserted, 1 000
//! loaded objects each changed, 1 000 loaded objects deleted, each in one
//! transaction, by sqlalgebra's ORM, the raw drivers as an expert writes
//! them (one prepared statement, prepared once per connection, run per
//! row in one transaction; generated ids read back as the ORM does), and
//! Diesel (inserts in one multi-row `insert_into(..).values(&rows)`,
//! which does not read the ids back; updates and deletes per object by
//! key, as its guide writes them).
//!
//! Only the part inside [`measured`] counts (`profile`'s write shapes,
//! callgrind `--toggle-collect='*counted*'`): the loading before an
//! update or delete, and building the objects before an insert, do not,
//! nor a warm-up run ([`set_warming`]: statements prepared, caches warm).

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use diesel::prelude::*;
use mysql::prelude::Queryable;
use sqlalgebra::Connection as SqlConnection;
use sqlalgebra::orm::{Handle, Session};

use crate::diesel_impl::dsl::users as dusers;
use crate::{NewUser, User};

static WARMING: AtomicBool = AtomicBool::new(false);
/// Nanoseconds spent in the measured parts (not warming up) so far.
static MEASURED_NANOS: AtomicU64 = AtomicU64::new(0);

/// The wall-clock time spent in [`measured`] parts so far (warm-up runs
/// excluded): what `profile`'s `PROFILE_TIME` prints for a write shape.
pub fn measured_time() -> std::time::Duration {
    std::time::Duration::from_nanos(MEASURED_NANOS.load(Ordering::Relaxed))
}

/// Whether the write shapes run next are warm-up runs (not `counted`).
pub fn set_warming(on: bool) {
    WARMING.store(on, Ordering::Relaxed);
}

/// The measured part of a write shape: `counted`, unless warming up.
/// (No function of its own for the warm-up: the linker would fold two
/// identical ones into one symbol, and count the warm-up too.)
pub fn measured<T>(f: impl FnOnce() -> T) -> T {
    if WARMING.load(Ordering::Relaxed) {
        black_box(f())
    } else {
        let start = Instant::now();
        let out = counted(f);
        let nanos = start.elapsed().as_nanos() as u64;
        MEASURED_NANOS.fetch_add(nanos, Ordering::Relaxed);
        out
    }
}

#[inline(never)]
fn counted<T>(f: impl FnOnce() -> T) -> T {
    black_box(f())
}

/// One contestant's write shapes; each returns the rows it wrote.
pub trait Writing {
    /// Inserts `users` in one transaction.
    fn insert_objects(&mut self, users: &[NewUser]) -> usize;
    /// Loads every user, then (measured) sets each one's hair colour to
    /// `color` and commits.
    fn update_loaded(&mut self, color: &str) -> usize;
    /// Loads every user, then (measured) deletes each one and commits.
    fn delete_loaded(&mut self) -> usize;
}

/// sqlalgebra's ORM on one pooled connection.
pub struct OrmWriter<C> {
    conn: C,
}

impl<C: SqlConnection> OrmWriter<C> {
    pub fn new(conn: C) -> Self {
        OrmWriter { conn }
    }
}

impl<C: SqlConnection> Writing for OrmWriter<C> {
    fn insert_objects(&mut self, users: &[NewUser]) -> usize {
        let objects: Vec<User> = users
            .iter()
            .map(|u| User {
                id: 0,
                name: u.name.clone(),
                hair_color: u.hair_color.clone(),
            })
            .collect();
        let conn = &mut self.conn;
        // The session (and the objects in it) is dropped outside: the raw
        // contestants' rows outlive their measured part too.
        let (s, n) = measured(move || {
            let mut s = Session::new(conn);
            let handles = s.add_all(objects);
            s.commit().expect("commit");
            (s, handles.len())
        });
        drop(s);
        n
    }

    fn update_loaded(&mut self, color: &str) -> usize {
        let mut s = Session::new(&mut self.conn);
        let handles: Vec<Handle<User>> = s.query::<User>().all().expect("load");
        s.commit().expect("commit");
        measured(|| {
            for &h in &handles {
                s[h].hair_color = Some(color.to_owned());
            }
            s.commit().expect("commit");
            handles.len()
        })
    }

    fn delete_loaded(&mut self) -> usize {
        let mut s = Session::new(&mut self.conn);
        let handles: Vec<Handle<User>> = s.query::<User>().all().expect("load");
        s.commit().expect("commit");
        measured(|| {
            for &h in &handles {
                s.delete(h);
            }
            s.commit().expect("commit");
            handles.len()
        })
    }
}

/// rusqlite.
pub struct RawSqliteWriter {
    conn: rusqlite::Connection,
}

impl RawSqliteWriter {
    /// Opens `uri` (a `file:` URI) as sqlalgebra opens its connections.
    pub fn open(uri: &str) -> Self {
        use rusqlite::OpenFlags;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = rusqlite::Connection::open_with_flags(uri, flags).expect("open SQLite");
        conn.set_prepared_statement_cache_capacity(128);
        RawSqliteWriter { conn }
    }

    fn load(&self) -> Vec<User> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, hair_color FROM users")
            .unwrap();
        stmt.query_map([], |r| {
            Ok(User {
                id: r.get(0)?,
                name: r.get(1)?,
                hair_color: r.get(2)?,
            })
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }
}

impl Writing for RawSqliteWriter {
    fn insert_objects(&mut self, users: &[NewUser]) -> usize {
        measured(|| {
            let tx = self.conn.transaction().unwrap();
            let mut ids = Vec::with_capacity(users.len());
            {
                let mut stmt = tx
                    .prepare_cached("INSERT INTO users (name, hair_color) VALUES (?, ?)")
                    .unwrap();
                for u in users {
                    ids.push(stmt.insert((&u.name, &u.hair_color)).unwrap() as i32);
                }
            }
            tx.commit().unwrap();
            ids.len()
        })
    }

    fn update_loaded(&mut self, color: &str) -> usize {
        let mut loaded = self.load();
        measured(|| {
            let tx = self.conn.transaction().unwrap();
            {
                let mut stmt = tx
                    .prepare_cached("UPDATE users SET hair_color = ? WHERE id = ?")
                    .unwrap();
                for u in &mut loaded {
                    u.hair_color = Some(color.to_owned());
                    stmt.execute((&u.hair_color, u.id)).unwrap();
                }
            }
            tx.commit().unwrap();
            loaded.len()
        })
    }

    fn delete_loaded(&mut self) -> usize {
        let ids: Vec<i32> = self.load().iter().map(|u| u.id).collect();
        measured(|| {
            let tx = self.conn.transaction().unwrap();
            {
                let mut stmt = tx.prepare_cached("DELETE FROM users WHERE id = ?").unwrap();
                for id in &ids {
                    stmt.execute([id]).unwrap();
                }
            }
            tx.commit().unwrap();
            ids.len()
        })
    }
}

/// The `postgres` crate, its statements prepared once.
pub struct RawPgWriter {
    client: postgres::Client,
    insert: postgres::Statement,
    update: postgres::Statement,
    delete: postgres::Statement,
}

impl RawPgWriter {
    /// Connects to `url` (the tables must exist).
    pub fn connect(url: &str) -> Self {
        let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
        let insert = client
            .prepare("INSERT INTO users (name, hair_color) VALUES ($1, $2) RETURNING id")
            .unwrap();
        let update = client
            .prepare("UPDATE users SET hair_color = $1 WHERE id = $2")
            .unwrap();
        let delete = client.prepare("DELETE FROM users WHERE id = $1").unwrap();
        RawPgWriter {
            client,
            insert,
            update,
            delete,
        }
    }

    fn load(&mut self) -> Vec<User> {
        self.client
            .query("SELECT id, name, hair_color FROM users", &[])
            .unwrap()
            .iter()
            .map(|r| User {
                id: r.get(0),
                name: r.get(1),
                hair_color: r.get(2),
            })
            .collect()
    }
}

impl Writing for RawPgWriter {
    fn insert_objects(&mut self, users: &[NewUser]) -> usize {
        measured(|| {
            let mut tx = self.client.transaction().unwrap();
            let mut ids: Vec<i32> = Vec::with_capacity(users.len());
            for u in users {
                let row = tx
                    .query_one(&self.insert, &[&u.name, &u.hair_color])
                    .unwrap();
                ids.push(row.get(0));
            }
            tx.commit().unwrap();
            ids.len()
        })
    }

    fn update_loaded(&mut self, color: &str) -> usize {
        let mut loaded = self.load();
        measured(|| {
            let mut tx = self.client.transaction().unwrap();
            for u in &mut loaded {
                u.hair_color = Some(color.to_owned());
                tx.execute(&self.update, &[&u.hair_color, &u.id]).unwrap();
            }
            tx.commit().unwrap();
            loaded.len()
        })
    }

    fn delete_loaded(&mut self) -> usize {
        let ids: Vec<i32> = self.load().iter().map(|u| u.id).collect();
        measured(|| {
            let mut tx = self.client.transaction().unwrap();
            for id in &ids {
                tx.execute(&self.delete, &[id]).unwrap();
            }
            tx.commit().unwrap();
            ids.len()
        })
    }
}

/// The `mysql` crate, its statements prepared once.
pub struct RawMysqlWriter {
    conn: mysql::Conn,
    insert: mysql::Statement,
    update: mysql::Statement,
    delete: mysql::Statement,
}

impl RawMysqlWriter {
    /// Connects to `url` (the tables must exist).
    pub fn connect(url: &str) -> Self {
        let mut conn = mysql::Conn::new(mysql::Opts::from_url(url).unwrap()).unwrap();
        let insert = conn
            .prep("INSERT INTO users (name, hair_color) VALUES (?, ?)")
            .unwrap();
        let update = conn
            .prep("UPDATE users SET hair_color = ? WHERE id = ?")
            .unwrap();
        let delete = conn.prep("DELETE FROM users WHERE id = ?").unwrap();
        RawMysqlWriter {
            conn,
            insert,
            update,
            delete,
        }
    }

    fn load(&mut self) -> Vec<User> {
        self.conn
            .query_map(
                "SELECT id, name, hair_color FROM users",
                |(id, name, hair_color)| User {
                    id,
                    name,
                    hair_color,
                },
            )
            .unwrap()
    }
}

impl Writing for RawMysqlWriter {
    fn insert_objects(&mut self, users: &[NewUser]) -> usize {
        measured(|| {
            let mut tx = self.conn.start_transaction(Default::default()).unwrap();
            let mut ids: Vec<i32> = Vec::with_capacity(users.len());
            for u in users {
                tx.exec_drop(&self.insert, (&u.name, &u.hair_color)).unwrap();
                ids.push(tx.last_insert_id().unwrap_or_default() as i32);
            }
            tx.commit().unwrap();
            ids.len()
        })
    }

    fn update_loaded(&mut self, color: &str) -> usize {
        let mut loaded = self.load();
        measured(|| {
            let mut tx = self.conn.start_transaction(Default::default()).unwrap();
            for u in &mut loaded {
                u.hair_color = Some(color.to_owned());
                tx.exec_drop(&self.update, (&u.hair_color, u.id)).unwrap();
            }
            tx.commit().unwrap();
            loaded.len()
        })
    }

    fn delete_loaded(&mut self) -> usize {
        let ids: Vec<i32> = self.load().iter().map(|u| u.id).collect();
        measured(|| {
            let mut tx = self.conn.start_transaction(Default::default()).unwrap();
            for id in &ids {
                tx.exec_drop(&self.delete, (id,)).unwrap();
            }
            tx.commit().unwrap();
            ids.len()
        })
    }
}

/// A user to insert, borrowed, for Diesel.
#[derive(Insertable)]
#[diesel(table_name = dusers)]
#[diesel(treat_none_as_default_value = false)]
struct NewRow<'a> {
    name: &'a str,
    hair_color: Option<&'a str>,
}

macro_rules! diesel_writer {
    ($name:ident, $conn:ty) => {
        /// Diesel on one connection.
        pub struct $name {
            conn: $conn,
        }

        impl $name {
            /// Establishes a connection to `url`.
            pub fn open(url: &str) -> Self {
                $name {
                    conn: <$conn>::establish(url).expect("connect with Diesel"),
                }
            }
        }

        impl Writing for $name {
            fn insert_objects(&mut self, users: &[NewUser]) -> usize {
                let rows: Vec<NewRow<'_>> = users
                    .iter()
                    .map(|u| NewRow {
                        name: &u.name,
                        hair_color: u.hair_color.as_deref(),
                    })
                    .collect();
                measured(|| {
                    self.conn
                        .transaction(|c| diesel::insert_into(dusers::table).values(&rows).execute(c))
                        .unwrap()
                })
            }

            fn update_loaded(&mut self, color: &str) -> usize {
                let mut loaded = dusers::table.load::<User>(&mut self.conn).unwrap();
                measured(|| {
                    self.conn
                        .transaction(|c| {
                            for u in &mut loaded {
                                u.hair_color = Some(color.to_owned());
                                diesel::update(dusers::table.find(u.id))
                                    .set(dusers::hair_color.eq(&u.hair_color))
                                    .execute(c)?;
                            }
                            diesel::QueryResult::Ok(loaded.len())
                        })
                        .unwrap()
                })
            }

            fn delete_loaded(&mut self) -> usize {
                let ids: Vec<i32> = dusers::table
                    .select(dusers::id)
                    .load(&mut self.conn)
                    .unwrap();
                measured(|| {
                    self.conn
                        .transaction(|c| {
                            for &id in &ids {
                                diesel::delete(dusers::table.find(id)).execute(c)?;
                            }
                            diesel::QueryResult::Ok(ids.len())
                        })
                        .unwrap()
                })
            }
        }
    };
}

diesel_writer!(DieselSqliteWriter, diesel::SqliteConnection);
diesel_writer!(DieselPgWriter, diesel::PgConnection);
diesel_writer!(DieselMysqlWriter, diesel::MysqlConnection);
