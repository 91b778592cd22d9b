//! The rendered-SQL cache: a statement run a second time takes its text
//! from the connection's cache, keyed by the statement's description
//! (`Render::sql_key`). Run on every backend: the rows must be those of
//! a fresh rendering whatever the run-time shape (IN-list lengths, LIMIT,
//! aliases), and statements that cannot describe themselves are never
//! cached. (In debug builds every cache hit is also checked against a fresh
//! rendering, so every other test checks the cache too.)

mod common;

use common::schema::*;
use common::{on_all_backends, setup};
use sqlalgebra::prelude::*;
use sqlalgebra::query::alias;
use sqlalgebra::render::{Dialect, SqlCache, SqlId, SqlKey};
use sqlalgebra::value::ValueRef;
use sqlalgebra::{Backend, Connection, Engine, ErrorKind, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

fn cached<C: Connection>(conn: &mut C) -> usize {
    conn.sql_cache()
        .expect("the backends keep a SQL cache")
        .len()
}

fn add_users<C: Connection>(conn: &mut C, names: &[&str]) -> Result<()> {
    let rows: Vec<_> = names.iter().map(|n| users::Name.set(*n)).collect();
    insert_into(Users).values(rows).execute(conn)?;
    Ok(())
}

fn a_statement_run_again_with_other_values_reuses_its_text<B: Backend>(
    engine: &Engine<B>,
) -> Result<()> {
    let mut conn = setup(engine)?;
    add_users(&mut conn, &["ann", "bob", "cid", "dan"])?;
    let by_name = |name: &'static str| {
        select(users::Id)
            .filter(users::Name.eq(name))
            .order_by(users::Id)
    };
    let before = cached(&mut conn);
    let ann: Vec<i64> = by_name("ann").load(&mut conn)?;
    assert_eq!(cached(&mut conn), before + 1);
    let cid: Vec<i64> = by_name("cid").load(&mut conn)?;
    let nobody: Option<i64> = by_name("zed").first(&mut conn)?;
    assert_eq!(cached(&mut conn), before + 1, "one text for every value");
    assert_eq!((ann, cid, nobody), (vec![1], vec![3], None));

    // Writes too.
    for (id, name) in [(1, "anna"), (2, "bobby")] {
        let n = update(Users)
            .set(users::Name.set(name))
            .filter(users::Id.eq(id))
            .execute(&mut conn)?;
        assert_eq!(n, 1);
    }
    let names: Vec<String> = select(users::Name).order_by(users::Id).load(&mut conn)?;
    assert_eq!(names, ["anna", "bobby", "cid", "dan"]);
    Ok(())
}

fn run_time_shapes_get_their_own_text<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    add_users(&mut conn, &["ann", "bob", "cid", "dan", "eve"])?;
    let ids_in = |ids: Vec<i64>| {
        select(users::Id)
            .filter(users::Id.in_(ids))
            .order_by(users::Id)
    };
    // IN lists of each length, and back: every run gives its own rows.
    let before = cached(&mut conn);
    for ids in [vec![2, 4], vec![1, 3, 5], vec![], vec![5, 1], vec![4]] {
        let mut want: Vec<i64> = ids.clone();
        want.sort_unstable();
        let got: Vec<i64> = ids_in(ids).load(&mut conn)?;
        assert_eq!(got, want);
    }
    // One text per length (and one for the empty list); where the list is
    // one array parameter, one text for all but the empty list.
    let texts = if conn.dialect().binds_arrays() { 2 } else { 4 };
    assert_eq!(cached(&mut conn), before + texts);
    // With and without LIMIT / OFFSET: one statement type, four texts.
    let page = |limit: Option<u64>, offset: Option<u64>| {
        let mut q = select(users::Name).order_by(users::Id);
        if let Some(n) = limit {
            q = q.limit(n);
        }
        if let Some(n) = offset {
            q = q.offset(n);
        }
        q
    };
    for _ in 0..2 {
        let all: Vec<String> = page(None, None).load(&mut conn)?;
        let two: Vec<String> = page(Some(2), None).load(&mut conn)?;
        let rest: Vec<String> = page(None, Some(3)).load(&mut conn)?;
        let mid: Vec<String> = page(Some(1), Some(1)).load(&mut conn)?;
        assert_eq!(all, ["ann", "bob", "cid", "dan", "eve"]);
        assert_eq!(
            (two, rest, mid),
            (
                vec!["ann".to_owned(), "bob".to_owned()],
                vec!["dan".to_owned(), "eve".to_owned()],
                vec!["bob".to_owned()]
            )
        );
    }
    // Multi-row INSERTs of each size, and back.
    let mut total = 0;
    for n in [1_i32, 3, 2, 3] {
        let rows: Vec<_> = (0..n)
            .map(|i| {
                (
                    posts::UserId.set(1_i64),
                    posts::Title.set("t"),
                    posts::Score.set(i),
                )
            })
            .collect();
        assert_eq!(
            insert_into(Posts).values(rows).execute(&mut conn)?,
            n as u64
        );
        total += n as usize;
        let scores: Vec<i32> = select(posts::Score).order_by(posts::Id).load(&mut conn)?;
        assert_eq!(scores.len(), total);
        assert_eq!(scores[total - n as usize..], (0..n).collect::<Vec<_>>());
    }
    Ok(())
}

fn aliases_with_other_names_are_other_texts<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    add_users(&mut conn, &["ann", "bob"])?;
    // The same statement type under two alias names: each text names its
    // own alias.
    for name in ["a", "b", "a"] {
        let u = alias(Users, name);
        let got: Vec<String> = select(u.col(users::Name))
            .from(u)
            .filter(u.col(users::Id).eq(2_i64))
            .load(&mut conn)?;
        assert_eq!(got, ["bob"]);
    }
    Ok(())
}

fn statements_that_cannot_describe_themselves_are_not_cached<B: Backend>(
    engine: &Engine<B>,
) -> Result<()> {
    let mut conn = setup(engine)?;
    add_users(&mut conn, &["ann"])?;
    let before = cached(&mut conn);
    for table in ["users", "posts"] {
        // Same type, other text: `text()` is never cached.
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let n: i64 = text(&sql).returns::<BigInt>().get(&mut conn)?;
        assert_eq!(n, i64::from(table == "users"));
    }
    let boxed: Vec<String> = select(users::Name)
        .boxed()
        .filter(users::Id.eq(1))
        .load(&mut conn)?;
    assert_eq!(boxed, ["ann"]);
    assert_eq!(cached(&mut conn), before);
    Ok(())
}

/// A many-row INSERT whose rows differ in shape at run time (an IN list
/// of another length in one row) gets its own text, whatever came before.
fn rows_of_another_shape_get_their_own_text<B: Backend>(engine: &Engine<B>) -> Result<()> {
    use sqlalgebra::expr::bind;
    let mut conn = setup(engine)?;
    // "in<v>" when `v` is in `list`, else "out<v>".
    let row = |v: i64, list: Vec<i64>| {
        users::Name.set(
            case_when(bind::<BigInt, _>(v).in_(list), format!("in{v}"))
                .otherwise(format!("out{v}")),
        )
    };
    let runs = [
        vec![row(1, vec![1]), row(2, vec![1]), row(3, vec![3])],
        vec![row(1, vec![1]), row(2, vec![1, 2]), row(3, vec![3])],
        vec![row(1, vec![1]), row(2, vec![1]), row(3, vec![2, 3])],
        vec![row(1, vec![2]), row(2, vec![2]), row(3, vec![2])],
        vec![row(1, vec![1]), row(2, vec![1]), row(3, vec![3])],
    ];
    let mut got = Vec::new();
    for rows in runs {
        delete_from(Users).execute(&mut conn)?;
        insert_into(Users).values(rows).execute(&mut conn)?;
        let names: Vec<String> = select(users::Name).order_by(users::Id).load(&mut conn)?;
        got.push(names.join(" "));
    }
    assert_eq!(
        got,
        [
            "in1 out2 in3",
            "in1 in2 in3",
            "in1 out2 in3",
            "out1 in2 out3",
            "in1 out2 in3"
        ]
    );
    Ok(())
}

/// A connection of one's own that implements only what `Connection`
/// requires, over one of ours, and notes every SQL text it is given: the
/// provided `query_cached`/`execute_cached` take the cached text out of the
/// cache and run it through `query_sql`/`execute_sql`.
struct Noting<C> {
    inner: C,
    texts: Vec<String>,
}

impl<C: Connection + 'static> Connection for Noting<C> {
    type Row<'r>
        = C::Row<'r>
    where
        Self: 'r;
    type Backend = C::Backend;
    fn dialect(&self) -> &'static dyn Dialect {
        self.inner.dialect()
    }
    fn execute_sql(&mut self, sql: &str, binds: &[ValueRef<'_>]) -> Result<u64> {
        self.texts.push(sql.to_owned());
        self.inner.execute_sql(sql, binds)
    }
    fn query_sql<F>(&mut self, sql: &str, binds: &[ValueRef<'_>], each: F) -> Result<()>
    where
        F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
    {
        self.texts.push(sql.to_owned());
        self.inner.query_sql(sql, binds, each)
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

fn a_connection_of_ones_own_runs_cached_texts_by_default<B: Backend>(
    engine: &Engine<B>,
) -> Result<()> {
    let mut conn = Noting {
        inner: setup(engine)?,
        texts: Vec::new(),
    };
    let before = cached(&mut conn);
    for name in ["ann", "bob"] {
        insert_into(Users)
            .values(users::Name.set(name))
            .execute(&mut conn)?;
    }
    let by_id = |id: i64| select(users::Name).filter(users::Id.eq(id));
    let names = [
        by_id(1).get::<String, _>(&mut conn)?,
        by_id(2).get(&mut conn)?,
    ];
    assert_eq!(names, ["ann", "bob"]);
    assert_eq!(cached(&mut conn), before + 2, "one INSERT, one SELECT");
    // Every run, the first and those from the cache, gave the rendered text.
    let dialect = conn.dialect();
    let insert = insert_into(Users).values(users::Name.set("x"));
    let insert = insert.to_sql(dialect)?.sql;
    let query = by_id(0);
    let query = query.to_sql(dialect)?.sql;
    assert_eq!(conn.texts, [insert.clone(), insert, query.clone(), query]);
    Ok(())
}

/// The id of a cached text names it in its own cache only, and only until
/// the cache starts over; backends refuse other ids with an error.
fn unknown_ids_are_refused<B: Backend>(engine: &Engine<B>) -> Result<()> {
    /// Notes the ids of the cached texts it runs.
    struct Ids<C> {
        inner: C,
        ids: Vec<SqlId>,
    }
    impl<C: Connection + 'static> Connection for Ids<C> {
        type Row<'r>
            = C::Row<'r>
        where
            Self: 'r;
        type Backend = C::Backend;
        fn dialect(&self) -> &'static dyn Dialect {
            self.inner.dialect()
        }
        fn execute_sql(&mut self, sql: &str, binds: &[ValueRef<'_>]) -> Result<u64> {
            self.inner.execute_sql(sql, binds)
        }
        fn query_sql<F>(&mut self, sql: &str, binds: &[ValueRef<'_>], each: F) -> Result<()>
        where
            F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
        {
            self.inner.query_sql(sql, binds, each)
        }
        fn query_cached<F>(&mut self, id: SqlId, binds: &[ValueRef<'_>], each: F) -> Result<()>
        where
            F: FnMut(&mut Self::Row<'_>) -> Result<bool>,
        {
            self.ids.push(id);
            self.inner.query_cached(id, binds, each)
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

    let mut noting = Ids {
        inner: setup(engine)?,
        ids: Vec::new(),
    };
    add_users(&mut noting, &["ann"])?;
    let q = select(users::Name).filter(users::Id.eq(1));
    for _ in 0..2 {
        assert_eq!(q.get::<String, _>(&mut noting)?, "ann");
    }
    let Ids {
        inner: mut first,
        ids,
    } = noting;
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], ids[1], "the second run found the first one's text");
    let id = ids[0];
    let binds = [ValueRef::Int(1)];
    let mut rows = 0;
    first.query_cached(id, &binds, |_| {
        rows += 1;
        Ok(true)
    })?;
    assert_eq!(rows, 1);

    // Another connection's cache does not know the id.
    let mut second = engine.connect()?;
    let e = second.query_cached(id, &binds, |_| Ok(true)).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::InvalidStatement(_)), "{e}");
    let e = second.execute_cached(id, &binds).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::InvalidStatement(_)), "{e}");

    // Nor does the first one's once it started over; the statement is
    // then rendered and cached again, under a new id.
    first.sql_cache().expect("a cache").clear();
    let e = first.query_cached(id, &binds, |_| Ok(true)).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::InvalidStatement(_)), "{e}");
    let mut noting = Ids {
        inner: first,
        ids: Vec::new(),
    };
    assert_eq!(q.get::<String, _>(&mut noting)?, "ann");
    assert_ne!(noting.ids, [id]);
    Ok(())
}

on_all_backends!(
    a_connection_of_ones_own_runs_cached_texts_by_default,
    unknown_ids_are_refused,
    rows_of_another_shape_get_their_own_text,
    a_statement_run_again_with_other_values_reuses_its_text,
    run_time_shapes_get_their_own_text,
    aliases_with_other_names_are_other_texts,
    statements_that_cannot_describe_themselves_are_not_cached,
);

// ------------------------------------------------------------- keys alone

fn key<S: Statement>(s: &S) -> Option<Vec<usize>> {
    let mut k = SqlKey::new();
    s.sql_key(&mut k).then(|| k.words().to_vec())
}

#[test]
fn keys_tell_apart_what_changes_the_text() {
    let base = key(&select(users::Id).filter(users::Id.eq(1))).unwrap();
    let others = [
        key(&select(users::Name).filter(users::Id.eq(1))),
        key(&select(users::Id).filter(users::Name.eq("x"))),
        key(&select(users::Id).filter(users::Id.ne(1))),
        key(&select(users::Id).filter(users::Id.eq(1)).limit(1)),
        key(&select(users::Id).filter(users::Id.eq(1)).offset(1)),
        key(&select(users::Id).filter(users::Id.eq(1)).distinct()),
        key(&select(users::Id)
            .filter(users::Id.eq(1))
            .order_by(users::Id)),
        key(&select(users::Id).filter(users::Id.in_([1]))),
        key(&select(users::Id).filter(users::Id.in_([1, 2]))),
        key(&select(users::Id).filter(users::Id.eq(1)).from(Users)),
        key(&select(posts::Id).filter(posts::Id.eq(1))),
        key(&select(users::Id).filter(users::Id.eq(users::Id))),
    ];
    let mut seen = vec![base.clone()];
    for k in others {
        let k = k.expect("described");
        assert!(!seen.contains(&k), "two statements with one key: {k:?}");
        seen.push(k);
    }
    // Only the values differ: one key.
    assert_eq!(
        key(&select(users::Id).filter(users::Id.eq(7))).unwrap(),
        base
    );
    let (a, b) = (alias(Users, "a"), alias(Users, "b"));
    assert_ne!(
        key(&select(a.col(users::Id)).from(a)),
        key(&select(b.col(users::Id)).from(b))
    );
}

/// The same expression in another clause is another text: which clauses
/// a statement has is part of its key.
#[test]
fn keys_tell_apart_which_clause_an_expression_is_in() {
    let p = || users::Id.eq(1);
    let keys = [
        key(&select(users::Id)),
        key(&select(users::Id).group_by(users::Id)),
        key(&select(users::Id).order_by(users::Id)),
        key(&select(users::Id).distinct_on(users::Id)),
        key(&select(users::Id).filter(p())),
        key(&select(users::Id).group_by(users::Id).having(p())),
        key(&select(users::Id).group_by(users::Id).filter(p())),
        key(&select(users::Id).group_by(users::Id).order_by(users::Id)),
        key(&select(users::Id).filter(p()).order_by(users::Id)),
        key(&delete_from(Users)),
        key(&delete_from(Users).filter(p())),
        key(&update(Users).set(users::Name.set("x"))),
        key(&update(Users).set(users::Name.set("x")).filter(p())),
    ];
    let mut seen = Vec::new();
    for (i, k) in keys.into_iter().enumerate() {
        let k = k.expect("described");
        assert!(!seen.contains(&k), "statement {i} has another's key: {k:?}");
        seen.push(k);
    }
}

/// The key walk binds what rendering binds, in every dialect.
#[test]
fn the_key_walk_collects_the_binds_rendering_does() {
    let dialects: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];
    let u = alias(Users, "u");
    let sub = select(users::Id)
        .filter(users::Name.like("a%"))
        .subquery("s");
    check_binds(
        &select((users::Id, users::Name))
            .filter(users::Id.gt(1).and(users::Name.ne("x")))
            .limit(3)
            .offset(4),
        &dialects,
    );
    check_binds(
        &select(users::Id).filter(users::Id.in_(Vec::<i64>::new()).or(users::Id.eq(2))),
        &dialects,
    );
    check_binds(
        &select(u.col(users::Id))
            .from(u)
            .left_join(
                Posts,
                posts::UserId.eq(u.col(users::Id)).and(posts::Id.gt(5_i64)),
            )
            .filter(u.col(users::Name).eq("z")),
        &dialects,
    );
    check_binds(
        &select(sub.col(users::Id))
            .from(sub)
            .filter(sub.col(users::Id).lt(9_i64)),
        &dialects,
    );
    check_binds(
        &insert_into(Users).values(vec![users::Name.set("a"), users::Name.set("b")]),
        &dialects,
    );
    check_binds(
        &update(Users)
            .set(users::Name.set("n"))
            .filter(users::Id.eq(3)),
        &dialects,
    );
    check_binds(
        &delete_from(Users).filter(users::Name.ilike("q%")),
        &dialects,
    );
    // An IN list of values is one array parameter on PostgreSQL, between
    // the binds before and after it.
    check_binds(
        &select(users::Id).filter(
            users::Name
                .eq("a")
                .and(users::Id.in_([1, 2, 3]))
                .and(users::Name.not_in(["x"]))
                .and(users::Id.in_([users::Id]))
                .and(users::Id.ne(4)),
        ),
        &dialects,
    );
}

/// Where the dialect binds arrays, an IN list of values has one key for
/// every length; elsewhere each length has its own.
#[test]
fn in_lists_have_one_key_where_arrays_bind() {
    let key_for = |d: &dyn Dialect, ids: &[i64]| {
        key_in(d, &select(users::Id).filter(users::Id.in_(ids.to_vec())))
    };
    assert_eq!(key_for(&Postgres, &[1]), key_for(&Postgres, &[1, 2, 3]));
    assert_ne!(key_for(&Sqlite, &[1]), key_for(&Sqlite, &[1, 2, 3]));
    assert_ne!(key_for(&Mysql, &[1]), key_for(&Mysql, &[1, 2, 3]));
    // The empty list renders as a literal: a key of its own.
    assert_ne!(key_for(&Postgres, &[]), key_for(&Postgres, &[1]));
    // NOT IN is another text.
    let not_in = key_in(&Postgres, &select(users::Id).filter(users::Id.not_in([1])));
    assert_ne!(not_in, key_for(&Postgres, &[1]));
}

/// The key of `s` for `dialect`.
fn key_in<S: Statement>(dialect: &dyn Dialect, s: &S) -> Vec<usize> {
    let mut k = SqlKey::for_dialect(dialect);
    assert!(s.sql_key(&mut k), "not described");
    k.words().to_vec()
}

#[track_caller]
fn check_binds<S: Statement>(s: &S, dialects: &[&dyn Dialect]) {
    for d in dialects {
        let mut k = SqlKey::for_dialect(*d);
        assert!(s.sql_key(&mut k), "not described");
        let r = s.to_sql(*d).unwrap();
        assert_eq!(k.binds(), &r.binds[..], "{}: {}", d.name(), r.sql);
    }
}

/// Functions, CASE and CAST describe themselves too (keys distinct, binds
/// as rendering binds them in every dialect).
#[test]
fn functions_case_and_cast_are_described() {
    use sqlalgebra::expr::{cast, coalesce, func, length, lower, nullif, round, substr};
    let dialects: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];
    let q = select((
        lower(users::Name),
        length(users::Name),
        substr(users::Name, 2, 3),
        coalesce(users::Fullname, "none"),
        nullif(users::Name, "x"),
        cast::<Double, _>(users::Id),
        round(cast::<Double, _>(users::Id), 2),
        case_when(users::Id.gt(5), "big")
            .when(users::Id.gt(1), "mid")
            .otherwise("small"),
        func::<BigInt, _>("abs", (users::Id,)),
    ));
    check_binds(&q, &dialects);
    let a = key(&select(lower(users::Name))).unwrap();
    let b = key(&select(sqlalgebra::expr::upper(users::Name))).unwrap();
    let c = key(&select(cast::<Integer, _>(users::Id))).unwrap();
    let d = key(&select(cast::<BigInt, _>(users::Id))).unwrap();
    assert!(a != b && c != d);
    let e = key(&select(case_when(users::Id.gt(1), "y").otherwise("n"))).unwrap();
    let f = key(&select(case_when(users::Id.gt(1), "y"))).unwrap();
    assert_ne!(e, f);
    // A function named at run time is not described.
    let name = String::from("abs");
    assert!(key(&select(func::<BigInt, _>(name, (users::Id,)))).is_none());
}
