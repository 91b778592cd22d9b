//! The ORM's batched unit of work on every backend: how many statements a
//! flush of many new, changed or deleted objects sends (counted by a
//! connection wrapper that logs every statement run), that each object
//! gets its own row's key and server defaults, that version checks still
//! catch stale rows, and that a failing batch changes nothing.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate

mod common;
mod orm_schema;

use std::collections::HashMap;

use common::on_all_backends;
use orm_schema::*;
use sqlalgebra::engine::Backend;
use sqlalgebra::orm::{DEFAULT_BATCH_SIZE, ObjectState};
use sqlalgebra::prelude::*;
use sqlalgebra::render::{Dialect, SqlCache, SqlId};
use sqlalgebra::value::ValueRef;
use sqlalgebra::{Engine, ErrorKind, Result};

/// A connection that logs the text of every statement it runs (once per
/// run: an "executemany" of `n` runs logs `n` entries).
struct Logged<C: Connection + 'static> {
    inner: C,
    log: Vec<String>,
}

impl<C: Connection + 'static> Logged<C> {
    fn new(inner: C) -> Self {
        Logged {
            inner,
            log: Vec::new(),
        }
    }
    fn cached_text(&mut self, id: SqlId) -> String {
        self.inner
            .sql_cache()
            .and_then(|c| c.sql(id))
            .unwrap_or("?")
            .to_owned()
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
        let sql = self.cached_text(id);
        self.log.push(sql);
        self.inner.execute_cached(id, binds)
    }
    fn query_cached<F>(&mut self, id: SqlId, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
    {
        let sql = self.cached_text(id);
        self.log.push(sql);
        self.inner.query_cached(id, binds, each)
    }
    fn execute_cached_many<F>(
        &mut self,
        id: SqlId,
        binds: &[ValueRef<'_>],
        per_run: usize,
        each: F,
    ) -> Result<()>
    where
        F: FnMut(usize, u64) -> Result<()>,
    {
        let sql = self.cached_text(id);
        for _ in binds.chunks(per_run.max(1)) {
            self.log.push(sql.clone());
        }
        self.inner.execute_cached_many(id, binds, per_run, each)
    }
    fn insert_cached_many<F>(
        &mut self,
        id: SqlId,
        binds: &[ValueRef<'_>],
        per_run: usize,
        each: F,
    ) -> Result<()>
    where
        F: FnMut(usize, Option<i64>) -> Result<()>,
    {
        let sql = self.cached_text(id);
        for _ in binds.chunks(per_run.max(1)) {
            self.log.push(sql.clone());
        }
        self.inner.insert_cached_many(id, binds, per_run, each)
    }
    fn batch_execute(&mut self, sql: &str) -> Result<()> {
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
}

/// How many logged statements start with `prefix`.
fn count_starting<C: Connection + 'static>(s: &mut Session<'_, Logged<C>>, prefix: &str) -> usize {
    s.connection()
        .log
        .iter()
        .filter(|sql| sql.starts_with(prefix))
        .count()
}

fn clear_log<C: Connection + 'static>(s: &mut Session<'_, Logged<C>>) {
    s.connection().log.clear();
}

fn cache_len<C: Connection>(conn: &mut C) -> usize {
    conn.sql_cache().map_or(0, |c| c.len())
}

/// Every author's id by name, as the database has them.
fn ids_by_name<C: Connection>(conn: &mut C) -> Result<HashMap<String, i64>> {
    let rows: Vec<(i64, String)> = select((authors::Id, authors::Name)).load(conn)?;
    Ok(rows.into_iter().map(|(id, name)| (name, id)).collect())
}

fn author_count<C: Connection>(conn: &mut C) -> Result<i64> {
    select(count_star()).from(Authors).get(conn)
}

/// Rows per INSERT of authors: the two columns written (name, email)
/// under the bind limit, at most the session's batch size; one where the
/// dialect prefers a prepared one-row INSERT run per object (SQLite).
fn rows_per_insert(d: &dyn Dialect, batch: usize) -> usize {
    if d.prefers_prepared_row_inserts() {
        return 1;
    }
    (d.max_binds() / 2).min(batch)
}

fn batched_inserts_give_each_object_its_row<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Logged::new(engine.connect()?);
    setup(&mut conn.inner)?;
    let d = conn.dialect();
    let returning = d.supports_insert_returning();
    for (batch, n) in [(DEFAULT_BATCH_SIZE, 10_000usize), (3_000, 10_000)] {
        let mut s = Session::new(&mut conn);
        clear_log(&mut s);
        s.set_batch_size(batch);
        let handles = s.add_all((0..n).map(|i| Author {
            id: 0,
            name: format!("b{batch}-{i}"),
            email: (i % 3 == 0).then(|| format!("e{i}")),
        }));
        s.flush()?;
        let statements = n.div_ceil(rows_per_insert(d, batch));
        assert_eq!(
            count_starting(&mut s, "INSERT"),
            statements,
            "{n} rows in {statements} INSERTs"
        );
        // MySQL asks once whether its ids are consecutive.
        let asked = usize::from(!returning);
        assert_eq!(s.statement_count() as usize, statements + asked);
        s.commit()?;
        let ids = ids_by_name(s.connection())?;
        for h in &handles {
            assert_eq!(s.state(*h), ObjectState::Persistent);
            let a = &s[*h];
            assert_eq!(Some(&a.id), ids.get(&a.name), "{}'s key", a.name);
        }
        let mut seen: Vec<i64> = handles.iter().map(|h| s[*h].id).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), n, "every object has its own key");
    }
    assert_eq!(author_count(&mut conn)?, 20_000);

    // Keys the client sets go in the same flush, in their own statement,
    // without reading a key back.
    let mut s = Session::new(&mut conn);
    clear_log(&mut s);
    let given: Vec<_> = (0..50)
        .map(|i| {
            s.add(Author {
                id: 1_000_000 + i,
                name: format!("given-{i}"),
                email: None,
            })
        })
        .collect();
    let generated = s.add(Author::new("generated"));
    s.commit()?;
    // Two shapes: two statements, or one run per object of the same two
    // prepared statements where the dialect prefers that.
    let inserts = if d.prefers_prepared_row_inserts() {
        51
    } else {
        2
    };
    assert_eq!(count_starting(&mut s, "INSERT"), inserts);
    assert_eq!(s.statement_count() as usize, inserts);
    let ids = ids_by_name(s.connection())?;
    for (i, h) in given.iter().enumerate() {
        assert_eq!(s[*h].id, 1_000_000 + i as i64);
        assert_eq!(ids[&format!("given-{i}")], s[*h].id);
    }
    assert_eq!(ids["generated"], s[generated].id);
    Ok(())
}

fn batched_inserts_read_back_server_defaults<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Logged::new(engine.connect()?);
    setup(&mut conn.inner)?;
    let returning = conn.dialect().supports_insert_returning();
    let conn_prefers_rows = conn.dialect().prefers_prepared_row_inserts();
    let mut s = Session::new(&mut conn);
    // Three shapes: the server's status, the client's status, and a key
    // the client sets with the server's status.
    let handles: Vec<_> = (0..90)
        .map(|i| {
            let mut a = Article::new(&format!("t{i}"));
            match i % 3 {
                0 => {}
                1 => a.status = Some(format!("s{i}")),
                _ => a.id = 5_000 + i,
            }
            s.add(a)
        })
        .collect();
    s.flush()?;
    // One INSERT per shape; where the dialect prefers prepared one-row
    // INSERTs, the shape with no server default left out (the client's
    // status) is one run per object.
    let inserts = if conn_prefers_rows { 2 + 30 } else { 3 };
    assert_eq!(count_starting(&mut s, "INSERT"), inserts, "INSERTs");
    // Without RETURNING: the shapes with server defaults are read back by
    // key, one SELECT each, and the ids' consecutiveness is asked per
    // shape with generated keys.
    let expected = if returning { inserts as u64 } else { 3 + 2 + 2 };
    assert_eq!(s.statement_count(), expected);
    s.commit()?;
    let rows: Vec<(i64, String, Option<String>, i64)> = select((
        articles::Id,
        articles::Title,
        articles::Status,
        articles::Version,
    ))
    .load(s.connection())?;
    let by_title: HashMap<String, (i64, Option<String>, i64)> = rows
        .into_iter()
        .map(|(id, title, status, version)| (title, (id, status, version)))
        .collect();
    for (i, h) in handles.iter().enumerate() {
        let a = &s[*h];
        let (id, status, version) = &by_title[&a.title];
        assert_eq!((a.id, &a.status, a.version), (*id, status, *version));
        let want = if i % 3 == 1 {
            format!("s{i}")
        } else {
            "draft".to_owned()
        };
        assert_eq!(a.status.as_deref(), Some(want.as_str()), "{}", a.title);
        if i % 3 == 2 {
            assert_eq!(a.id, 5_000 + i as i64);
        }
    }
    Ok(())
}

fn batched_updates_render_once<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Logged::new(engine.connect()?);
    setup(&mut conn.inner)?;
    {
        let mut s = Session::new(&mut conn.inner);
        s.add_all((0..1_000).map(|i| Author::new(&format!("u{i}"))));
        s.commit()?;
    }
    let mut s = Session::new(&mut conn);
    let all = s.query::<Author>().order_by(authors::Id.asc()).all()?;
    assert_eq!(all.len(), 1_000);
    for h in &all {
        let e = format!("{}@x", s[*h].name);
        s[*h].email = Some(e);
    }
    clear_log(&mut s);
    let texts = cache_len(s.connection());
    s.flush()?;
    assert_eq!(
        count_starting(&mut s, "UPDATE"),
        1_000,
        "one run per object"
    );
    assert_eq!(s.connection().log.len(), 1_000, "and nothing else");
    assert_eq!(
        cache_len(s.connection()),
        texts + 1,
        "one UPDATE text for all"
    );
    // Another flush of the same columns renders nothing new; other column
    // sets get their own statement.
    for (k, h) in all.iter().enumerate() {
        if k % 2 == 0 {
            s[*h].email = Some(format!("again{k}"));
        } else {
            s[*h].name = format!("renamed{k}");
        }
    }
    clear_log(&mut s);
    s.flush()?;
    assert_eq!(count_starting(&mut s, "UPDATE"), 1_000);
    assert_eq!(cache_len(s.connection()), texts + 2, "one new text: name");
    s.commit()?;
    let rows: Vec<(i64, String, Option<String>)> =
        select((authors::Id, authors::Name, authors::Email))
            .order_by(authors::Id.asc())
            .load(s.connection())?;
    assert_eq!(rows.len(), 1_000);
    for (k, (h, (id, name, email))) in all.iter().zip(rows).enumerate() {
        assert_eq!(s[*h].id, id);
        if k % 2 == 0 {
            assert_eq!((name, email), (format!("u{k}"), Some(format!("again{k}"))));
        } else {
            assert_eq!(
                (name, email),
                (format!("renamed{k}"), Some(format!("u{k}@x")))
            );
        }
    }
    Ok(())
}

fn batched_versioned_updates_detect_stale_rows<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let mut s = Session::new(&mut *conn);
    s.set_expire_on_commit(false);
    let arts: Vec<_> = (0..20)
        .map(|i| s.add(Article::new(&format!("v{i}"))))
        .collect();
    s.commit()?;
    for h in &arts {
        s[*h].title.push('!');
    }
    s.commit()?;
    for h in &arts {
        assert_eq!(s[*h].version, 2);
    }
    // Another transaction moves row 7 on.
    let seventh = s[arts[7]].id;
    update(Articles)
        .set(articles::Version.set(9))
        .filter(articles::Id.eq(seventh))
        .execute(s.connection())?;
    for h in &arts {
        s[*h].title.push('?');
    }
    let err = s.commit().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::StaleData { .. }), "{err}");
    // Nothing of the failed flush is in the table, and the session is
    // back where it was.
    let titles: Vec<String> = select(articles::Title)
        .order_by(articles::Id.asc())
        .load(s.connection())?;
    assert!(titles.iter().all(|t| t.ends_with('!')), "{titles:?}");
    assert!(s[arts[0]].title.ends_with('!'));
    assert_eq!(s[arts[0]].version, 2);
    Ok(())
}

fn batched_deletes_take_one_statement_per_limit<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Logged::new(engine.connect()?);
    setup(&mut conn.inner)?;
    {
        let mut s = Session::new(&mut conn.inner);
        s.add_all((0..1_000).map(|i| Author::new(&format!("d{i}"))));
        s.commit()?;
    }
    for (batch, expected) in [(300, 4), (DEFAULT_BATCH_SIZE, 1)] {
        let mut s = Session::new(&mut conn);
        s.set_batch_size(batch);
        let all = s.query::<Author>().order_by(authors::Id.asc()).all()?;
        let keep = all[all.len() / 2];
        let kept_name = s[keep].name.clone();
        for h in &all {
            if *h != keep {
                s.delete(*h);
            }
        }
        clear_log(&mut s);
        s.commit()?;
        let deletes = s
            .connection()
            .log
            .iter()
            .filter(|sql| sql.starts_with("DELETE") && sql.contains("orm_authors"))
            .count();
        assert_eq!(
            deletes,
            expected,
            "{} rows, {batch} per statement",
            all.len() - 1
        );
        let left: Vec<String> = select(authors::Name).load(s.connection())?;
        assert_eq!(left, [kept_name]);
        s.delete(keep);
        s.commit()?;
        assert_eq!(author_count(s.connection())?, 0);
        s.add_all((0..1_000).map(|i| Author::new(&format!("d{i}"))));
        s.commit()?;
    }

    // Composite keys.
    let mut s = Session::new(&mut conn);
    let authors: Vec<_> = (0..3)
        .map(|i| s.add(Author::new(&format!("c{i}"))))
        .collect();
    let genres: Vec<_> = (0..3)
        .map(|i| s.add(Genre::new(&format!("g{i}"))))
        .collect();
    s.flush()?;
    for a in &authors {
        for g in &genres {
            let (author_id, genre_id) = (s[*a].id, s[*g].id);
            s.add(Expertise {
                author_id,
                genre_id,
                level: 1,
            });
        }
    }
    s.commit()?;
    let all = s.query::<Expertise>().all()?;
    let (a1, g2) = (s[authors[1]].id, s[genres[2]].id);
    for h in &all {
        if s[*h].key() != (a1, g2) {
            s.delete(*h);
        }
    }
    s.commit()?;
    let left: Vec<(i64, i64)> =
        select((expertise::AuthorId, expertise::GenreId)).load(s.connection())?;
    assert_eq!(left, [(a1, g2)]);
    Ok(())
}

fn batched_versioned_deletes_detect_stale_rows<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let mut s = Session::new(&mut *conn);
    s.add_all((0..10).map(|i| Article::new(&format!("x{i}"))));
    s.commit()?;
    let all = s.query::<Article>().all()?;
    let third = s[all[3]].id;
    update(Articles)
        .set(articles::Version.set(5))
        .filter(articles::Id.eq(third))
        .execute(s.connection())?;
    for h in &all {
        s.delete(*h);
    }
    let err = s.commit().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::StaleData { .. }), "{err}");
    let n: i64 = select(count_star()).from(Articles).get(s.connection())?;
    assert_eq!(n, 10, "no row deleted");
    // Without the stale row, the others go.
    let all = s.query::<Article>().all()?;
    for h in &all {
        if s[*h].id != third {
            s.delete(*h);
        }
    }
    s.commit()?;
    let left: Vec<i64> = select(articles::Id).load(s.connection())?;
    assert_eq!(left, [third]);
    Ok(())
}

fn a_failing_batch_changes_nothing<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    setup(&mut *conn)?;
    let mut s = Session::new(&mut *conn);
    let first: Vec<_> = (0..3)
        .map(|i| s.add(Author::new(&format!("f{i}"))))
        .collect();
    s.commit()?;
    let ids: Vec<i64> = first.iter().map(|h| s[*h].id).collect();
    s[first[0]].email = Some("changed".into());
    // 100 new authors; the 50th has a name already taken.
    let new: Vec<_> = (0..100)
        .map(|i| {
            let name = if i == 50 {
                "f1".to_owned()
            } else {
                format!("n{i}")
            };
            s.add(Author::new(&name))
        })
        .collect();
    let err = s.flush().unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Constraint {
                kind: sqlalgebra::ConstraintKind::Unique,
                ..
            }
        ),
        "{err}"
    );
    // The table is as committed...
    let rows: Vec<(i64, String, Option<String>)> =
        select((authors::Id, authors::Name, authors::Email))
            .order_by(authors::Id.asc())
            .load(s.connection())?;
    assert_eq!(
        rows,
        [
            (ids[0], "f0".to_owned(), None),
            (ids[1], "f1".to_owned(), None),
            (ids[2], "f2".to_owned(), None)
        ]
    );
    // ...and so is the session: the transaction was rolled back, the new
    // objects are gone and the change is undone.
    assert!(new.iter().all(|h| !s.contains(*h)));
    assert_eq!(s[first[0]].email, None);
    assert_eq!(s.count::<Author>(), 3);
    // The session goes on.
    s.add(Author::new("after"));
    s.commit()?;
    assert_eq!(author_count(s.connection())?, 4);
    Ok(())
}

on_all_backends!(
    batched_inserts_give_each_object_its_row,
    batched_inserts_read_back_server_defaults,
    batched_updates_render_once,
    batched_versioned_updates_detect_stale_rows,
    batched_deletes_take_one_statement_per_limit,
    batched_versioned_deletes_detect_stale_rows,
    a_failing_batch_changes_nothing,
);

/// MySQL with ids that are not consecutive (`auto_increment_increment`
/// 2, as a multi-primary cluster sets it): the session inserts row by row
/// and still gives each object its id.
#[test]
fn mysql_inserts_row_by_row_when_ids_are_not_consecutive() -> Result<()> {
    let Some(engine) = common::mysql("mysql_inserts_row_by_row_when_ids_not_consecutive") else {
        return Ok(());
    };
    let mut conn = Logged::new(engine.connect()?);
    setup(&mut conn.inner)?;
    conn.batch_execute("SET SESSION auto_increment_increment = 2")?;
    let mut s = Session::new(&mut conn);
    let handles = s.add_all((0..10).map(|i| Author::new(&format!("m{i}"))));
    s.flush()?;
    assert_eq!(count_starting(&mut s, "INSERT"), 10, "one INSERT per row");
    s.commit()?;
    let ids = ids_by_name(s.connection())?;
    for h in &handles {
        assert_eq!(ids[&s[*h].name], s[*h].id);
    }
    let mut sorted: Vec<i64> = handles.iter().map(|h| s[*h].id).collect();
    sorted.sort_unstable();
    assert!(sorted.windows(2).all(|w| w[1] - w[0] == 2), "{sorted:?}");
    s.connection()
        .batch_execute("SET SESSION auto_increment_increment = 1")?;
    Ok(())
}
