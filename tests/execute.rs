//! Statements run against a live database, written once, generic over the
//! backend: `on_all_backends!` runs each test on every backend there is.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use common::schema::*;
use common::{expect_err, on_all_backends, setup};
use sqlalgebra::prelude::*;
use sqlalgebra::query::Predicate;
use sqlalgebra::{Backend, ConstraintKind, Engine, Error, ErrorKind, Result};

// ---------------------------------------------------------------- schema

fn create_all_and_drop_all_follow_foreign_keys<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    // The child is written first: create_all must still create the parent
    // first, and drop_all drop the child first.
    create_all::<(Posts, Users)>(&mut conn)?;
    let alice = add_user(&mut conn, "alice", None)?;
    add_post(&mut conn, alice, "hello", 1)?;

    // A second create_all is harmless and keeps the data.
    create_all::<(Posts, Users)>(&mut conn)?;
    assert_eq!(user_names(&mut conn)?, ["alice"]);
    assert_eq!(count_rows(&mut conn, Posts)?, 1);

    drop_all::<(Users, Posts)>(&mut conn)?;
    for result in [count_rows(&mut conn, Users), count_rows(&mut conn, Posts)] {
        let err = expect_err(result);
        assert!(matches!(err.kind(), ErrorKind::Query { .. }), "{err:?}");
    }
    // Dropping what is not there is harmless too.
    drop_all::<(Users, Posts)>(&mut conn)?;

    create_all::<(Users, Posts)>(&mut conn)?;
    assert_eq!(count_rows(&mut conn, Users)?, 0);
    assert_eq!(count_rows(&mut conn, Posts)?, 0);
    Ok(())
}

// ---------------------------------------------------------------- insert, load

fn inserts_one_row_and_many<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let n = insert_into(Users)
        .values((users::Name.set("alice"), users::Fullname.set("Alice Smith")))
        .execute(&mut conn)?;
    assert_eq!(n, 1);

    let n = insert_into(Users)
        .values(vec![
            (users::Name.set("bob"), users::Fullname.set(None::<&str>)),
            (users::Name.set("carol"), users::Fullname.set(Some("Carol"))),
        ])
        .execute(&mut conn)?;
    assert_eq!(n, 2);

    // An array and a slice of rows work as well.
    let n = insert_into(Users)
        .values([users::Name.set("dave"), users::Name.set("erin")])
        .execute(&mut conn)?;
    assert_eq!(n, 2);
    let more: Vec<_> = (0..100)
        .map(|i| users::Name.set(format!("user{i:03}")))
        .collect();
    let n = insert_into(Users)
        .values(more.as_slice())
        .execute(&mut conn)?;
    assert_eq!(n, 100);

    let rows: Vec<(i64, String, Option<String>)> =
        select((users::Id, users::Name, users::Fullname))
            .order_by(users::Id)
            .limit(5)
            .load(&mut conn)?;
    let named: Vec<(&str, Option<&str>)> = rows
        .iter()
        .map(|(_, n, f)| (n.as_str(), f.as_deref()))
        .collect();
    assert_eq!(
        named,
        [
            ("alice", Some("Alice Smith")),
            ("bob", None),
            ("carol", Some("Carol")),
            ("dave", None),
            ("erin", None),
        ]
    );
    // The database assigned distinct, increasing ids.
    assert!(rows.windows(2).all(|w| w[0].0 < w[1].0), "{rows:?}");
    assert_eq!(count_rows(&mut conn, Users)?, 105);
    let last: String = select(users::Name)
        .order_by(users::Id.desc())
        .limit(1)
        .get(&mut conn)?;
    assert_eq!(last, "user099");
    Ok(())
}

fn inserting_no_rows_is_an_error_not_a_statement<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let none: Vec<_> = Vec::<&str>::new()
        .into_iter()
        .map(|n| users::Name.set(n))
        .collect();
    let err = expect_err(insert_into(Users).values(none).execute(&mut conn));
    assert!(
        matches!(err.kind(), ErrorKind::InvalidStatement(_)),
        "{err:?}"
    );
    assert_eq!(count_rows(&mut conn, Users)?, 0);
    Ok(())
}

fn load_get_and_first<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let q = select(users::Name).order_by(users::Name);

    let empty: Vec<String> = q.load(&mut conn)?;
    assert!(empty.is_empty());
    assert!(matches!(
        q.get::<String, _>(&mut conn)
            .map_err(sqlalgebra::Error::into_kind),
        Err(ErrorKind::NotFound)
    ));
    assert_eq!(q.first::<String, _>(&mut conn)?, None);

    add_user(&mut conn, "bob", None)?;
    assert_eq!(q.get::<String, _>(&mut conn)?, "bob");
    assert_eq!(q.first::<String, _>(&mut conn)?.as_deref(), Some("bob"));

    add_user(&mut conn, "alice", None)?;
    assert!(matches!(
        q.get::<String, _>(&mut conn)
            .map_err(sqlalgebra::Error::into_kind),
        Err(ErrorKind::TooManyRows)
    ));
    assert_eq!(q.first::<String, _>(&mut conn)?.as_deref(), Some("alice"));
    assert_eq!(q.load::<String, _>(&mut conn)?, ["alice", "bob"]);
    // The connection is fine after a `get` that stopped reading early.
    assert_eq!(count_rows(&mut conn, Users)?, 2);
    Ok(())
}

// ---------------------------------------------------------------- select

/// alice: 3 posts (scores 1, 2, 6), bob: 1 post (score 10), carol: none.
fn blog<C: Connection>(conn: &mut C) -> Result<(i64, i64, i64)> {
    let alice = add_user(conn, "alice", Some("Alice Smith"))?;
    let bob = add_user(conn, "bob", None)?;
    let carol = add_user(conn, "carol", Some("Carol Jones"))?;
    add_post(conn, alice, "a1", 1)?;
    add_post(conn, alice, "a2", 2)?;
    add_post(conn, alice, "a3", 6)?;
    add_post(conn, bob, "b1", 10)?;
    Ok((alice, bob, carol))
}

fn selects_with_filters<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let (alice, bob, carol) = blog(&mut conn)?;

    let q = select(posts::Title).order_by(posts::Id);
    let eq: Vec<String> = q.filter(posts::UserId.eq(alice)).load(&mut conn)?;
    assert_eq!(eq, ["a1", "a2", "a3"]);
    let ne: Vec<String> = q.filter(posts::UserId.ne(alice)).load(&mut conn)?;
    assert_eq!(ne, ["b1"]);
    let range: Vec<String> = q
        .filter(posts::Score.gt(1))
        .filter(posts::Score.le(6))
        .load(&mut conn)?;
    assert_eq!(range, ["a2", "a3"]);
    let between: Vec<String> = q.filter(posts::Score.between(2, 10)).load(&mut conn)?;
    assert_eq!(between, ["a2", "a3", "b1"]);
    let either: Vec<String> = q
        .filter(posts::Score.lt(2).or(posts::Score.ge(10)))
        .load(&mut conn)?;
    assert_eq!(either, ["a1", "b1"]);
    let negated: Vec<String> = q
        .filter(not(posts::Score.lt(2).or(posts::Score.ge(10))))
        .load(&mut conn)?;
    assert_eq!(negated, ["a2", "a3"]);
    let both: Vec<String> = q
        .filter(posts::UserId.eq(alice).and(posts::Title.ne("a2")))
        .load(&mut conn)?;
    assert_eq!(both, ["a1", "a3"]);
    let listed: Vec<String> = q.filter(posts::Score.in_([2, 10, 99])).load(&mut conn)?;
    assert_eq!(listed, ["a2", "b1"]);
    let unlisted: Vec<String> = q.filter(posts::Score.not_in([2, 10])).load(&mut conn)?;
    assert_eq!(unlisted, ["a1", "a3"]);

    // NULL tests.
    let anonymous: Vec<i64> = select(users::Id)
        .filter(users::Fullname.is_null())
        .load(&mut conn)?;
    assert_eq!(anonymous, [bob]);
    let named: Vec<i64> = select(users::Id)
        .filter(users::Fullname.is_not_null())
        .order_by(users::Id)
        .load(&mut conn)?;
    assert_eq!(named, [alice, carol]);
    // Comparing with NULL matches nothing, as in SQL.
    let none: Vec<i64> = select(users::Id)
        .filter(users::Fullname.eq(None::<&str>))
        .load(&mut conn)?;
    assert!(none.is_empty());
    Ok(())
}

fn selects_with_order_limit_offset_and_distinct<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let (alice, bob, _) = blog(&mut conn)?;

    let by_score_desc: Vec<(String, i32)> = select((posts::Title, posts::Score))
        .order_by(posts::Score.desc())
        .load(&mut conn)?;
    assert_eq!(
        by_score_desc,
        [
            ("b1".to_string(), 10),
            ("a3".to_string(), 6),
            ("a2".to_string(), 2),
            ("a1".to_string(), 1)
        ]
    );
    // Several keys: user ascending, then score descending.
    let two_keys: Vec<String> = select(posts::Title)
        .order_by((posts::UserId.asc(), posts::Score.desc()))
        .load(&mut conn)?;
    let expected = if alice < bob {
        ["a3", "a2", "a1", "b1"]
    } else {
        ["b1", "a3", "a2", "a1"]
    };
    assert_eq!(two_keys, expected);

    let q = select(posts::Title).order_by(posts::Score);
    assert_eq!(q.limit(2).load::<String, _>(&mut conn)?, ["a1", "a2"]);
    assert_eq!(
        q.limit(2).offset(1).load::<String, _>(&mut conn)?,
        ["a2", "a3"]
    );
    assert_eq!(q.offset(3).load::<String, _>(&mut conn)?, ["b1"]);
    assert_eq!(
        q.offset(10).load::<String, _>(&mut conn)?,
        Vec::<String>::new()
    );
    assert_eq!(
        q.limit(0).load::<String, _>(&mut conn)?,
        Vec::<String>::new()
    );

    let authors: Vec<i64> = select(posts::UserId)
        .distinct()
        .order_by(posts::UserId)
        .load(&mut conn)?;
    let mut expected = vec![alice, bob];
    expected.sort_unstable();
    assert_eq!(authors, expected);
    let all: Vec<i64> = select(posts::UserId).load(&mut conn)?;
    assert_eq!(all.len(), 4);
    Ok(())
}

fn groups_and_aggregates<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    blog(&mut conn)?;

    let per_user: Vec<(
        String,
        i64,
        Option<i64>,
        Option<f64>,
        Option<i32>,
        Option<i32>,
    )> = select((
        users::Name,
        count(posts::Id),
        sum(posts::Score),
        avg(posts::Score),
        min(posts::Score),
        max(posts::Score),
    ))
    .join(Posts, posts::UserId.eq(users::Id))
    .group_by(users::Name)
    .order_by(users::Name)
    .load(&mut conn)?;
    assert_eq!(
        per_user,
        [
            ("alice".into(), 3, Some(9), Some(3.0), Some(1), Some(6)),
            ("bob".into(), 1, Some(10), Some(10.0), Some(10), Some(10)),
        ]
    );

    let busy: Vec<(String, i64)> = select((users::Name, count(posts::Id)))
        .join(Posts, posts::UserId.eq(users::Id))
        .group_by(users::Name)
        .having(count(posts::Id).gt(1))
        .load(&mut conn)?;
    assert_eq!(busy, [("alice".to_string(), 3)]);

    // Over all rows, and over no rows: SUM, AVG, MIN and MAX are NULL.
    let total: (i64, Option<i64>, Option<f64>) =
        select((count_star(), sum(posts::Score), avg(posts::Score))).get(&mut conn)?;
    assert_eq!(total, (4, Some(19), Some(4.75)));
    let nothing: (i64, Option<i64>, Option<f64>, Option<i32>, Option<i32>) = select((
        count(posts::Id),
        sum(posts::Score),
        avg(posts::Score),
        min(posts::Score),
        max(posts::Score),
    ))
    .filter(posts::Score.gt(1000))
    .get(&mut conn)?;
    assert_eq!(nothing, (0, None, None, None, None));

    let distinct_authors: i64 = select(count(posts::UserId).distinct()).get(&mut conn)?;
    assert_eq!(distinct_authors, 2);
    Ok(())
}

fn joins<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let (_, _, carol) = blog(&mut conn)?;

    let inner: Vec<(String, String)> = select((users::Name, posts::Title))
        .join(Posts, posts::UserId.eq(users::Id))
        .order_by((users::Name, posts::Id))
        .load(&mut conn)?;
    let inner: Vec<(&str, &str)> = inner.iter().map(|(a, b)| (&**a, &**b)).collect();
    assert_eq!(
        inner,
        [
            ("alice", "a1"),
            ("alice", "a2"),
            ("alice", "a3"),
            ("bob", "b1")
        ]
    );

    let left = select((users::Name, posts::Title))
        .from(Users)
        .left_join(Posts, posts::UserId.eq(users::Id))
        .order_by((users::Name, posts::Id));
    let rows: Vec<(String, Option<String>)> = left.load(&mut conn)?;
    let rows: Vec<(&str, Option<&str>)> = rows.iter().map(|(a, b)| (&**a, b.as_deref())).collect();
    assert_eq!(
        rows,
        [
            ("alice", Some("a1")),
            ("alice", Some("a2")),
            ("alice", Some("a3")),
            ("bob", Some("b1")),
            ("carol", None)
        ]
    );

    // A group of columns of the outer side loads as one Option.
    let grouped: Vec<(String, Option<(i64, String)>)> =
        select((users::Name, (posts::Id, posts::Title)))
            .from(Users)
            .left_join(Posts, posts::UserId.eq(users::Id))
            .filter(users::Name.ne("alice"))
            .order_by(users::Name)
            .load(&mut conn)?;
    assert_eq!(grouped.len(), 2);
    assert_eq!(grouped[0].0, "bob");
    assert_eq!(grouped[0].1.as_ref().map(|(_, t)| t.as_str()), Some("b1"));
    assert_eq!(grouped[1], ("carol".to_string(), None));

    // Users without posts, by the classic anti-join.
    let lonely: Vec<i64> = select(users::Id)
        .from(Users)
        .left_join(Posts, posts::UserId.eq(users::Id))
        .filter(posts::Id.is_null())
        .load(&mut conn)?;
    assert_eq!(lonely, [carol]);
    Ok(())
}

/// An `Option` over a group of outer-join columns is `None` when the join
/// found nothing: a column whose SQL type is not `Nullable` decides alone,
/// wherever it is in the group; a group of nullable columns only is `None`
/// when all of its cells are NULL.
fn optional_groups_of_an_outer_join<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let (alice, bob, _) = blog(&mut conn)?;
    update(Posts)
        .set(posts::Body.set(Some("first")))
        .filter(posts::Title.eq("a1"))
        .execute(&mut conn)?;

    // The not-NULL column (the title) is second: bob's post has a NULL
    // body and is still there; carol has no post.
    let rows: Vec<(String, Option<(Option<String>, String)>)> =
        select((users::Name, (posts::Body, posts::Title)))
            .from(Users)
            .left_join(Posts, posts::UserId.eq(users::Id))
            .order_by((users::Name, posts::Id))
            .load(&mut conn)?;
    let got: Vec<(&str, Option<(Option<&str>, &str)>)> = rows
        .iter()
        .map(|(n, p)| {
            (
                n.as_str(),
                p.as_ref().map(|(b, t)| (b.as_deref(), t.as_str())),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("alice", Some((Some("first"), "a1"))),
            ("alice", Some((None, "a2"))),
            ("alice", Some((None, "a3"))),
            ("bob", Some((None, "b1"))),
            ("carol", None),
        ]
    );

    // Nested: the first not-NULL column is the third of the group.
    let rows: Vec<Option<((Option<String>, Option<String>), i64)>> =
        select(((posts::Body, users::Fullname), posts::UserId))
            .from(Users)
            .left_join(Posts, posts::UserId.eq(users::Id))
            .order_by((users::Name, posts::Id))
            .load(&mut conn)?;
    let owners: Vec<Option<i64>> = rows.iter().map(|r| r.as_ref().map(|r| r.1)).collect();
    assert_eq!(
        owners,
        [Some(alice), Some(alice), Some(alice), Some(bob), None]
    );
    // bob has no full name and his post no body: both NULL, still there.
    assert_eq!(rows[3], Some(((None, None), bob)));

    // Only nullable columns: `None` when every cell is NULL, whatever the
    // join found (bob's post has no body and bob no full name).
    let rows: Vec<(String, Option<(Option<String>, Option<String>)>)> =
        select((users::Name, (posts::Body, users::Fullname)))
            .from(Users)
            .left_join(Posts, posts::UserId.eq(users::Id))
            .order_by((users::Name, posts::Id))
            .load(&mut conn)?;
    let got: Vec<(&str, Option<(Option<&str>, Option<&str>)>)> = rows
        .iter()
        .map(|(n, p)| {
            (
                n.as_str(),
                p.as_ref().map(|(b, f)| (b.as_deref(), f.as_deref())),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("alice", Some((Some("first"), Some("Alice Smith")))),
            ("alice", Some((None, Some("Alice Smith")))),
            ("alice", Some((None, Some("Alice Smith")))),
            ("bob", None),
            ("carol", Some((None, Some("Carol Jones")))),
        ]
    );

    // The not-NULL column alone decides: a NULL there is `None` even when
    // a nullable cell of the group has a value.
    let row: (i64, Option<(Option<String>, String)>) =
        text("SELECT 1 AS n, 'body' AS body, NULL AS title")
            .returns::<(BigInt, (Nullable<Text>, Text))>()
            .get(&mut conn)?;
    assert_eq!(row, (1, None));
    let row: (i64, Option<(Option<String>, String)>) =
        text("SELECT 1 AS n, NULL AS body, 'title' AS title")
            .returns::<(BigInt, (Nullable<Text>, Text))>()
            .get(&mut conn)?;
    assert_eq!(row, (1, Some((None, "title".to_owned()))));
    Ok(())
}

// ---------------------------------------------------------------- update, delete

fn updates_and_deletes_report_rows<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let (alice, bob, _) = blog(&mut conn)?;

    let n = update(Posts)
        .set((posts::Score.set(100), posts::Body.set(Some("edited"))))
        .filter(posts::UserId.eq(alice))
        .execute(&mut conn)?;
    assert_eq!(n, 3);
    let scores: Vec<(i32, Option<String>)> = select((posts::Score, posts::Body))
        .order_by(posts::Id)
        .load(&mut conn)?;
    assert_eq!(
        scores,
        [
            (100, Some("edited".to_string())),
            (100, Some("edited".to_string())),
            (100, Some("edited".to_string())),
            (10, None)
        ]
    );
    let n = update(Users)
        .set(users::Fullname.set("nobody"))
        .filter(users::Name.eq("zed"))
        .execute(&mut conn)?;
    assert_eq!(n, 0);
    // Without a filter, every row.
    let n = update(Posts)
        .set(posts::Body.set(None::<&str>))
        .execute(&mut conn)?;
    assert_eq!(n, 4);
    assert_eq!(
        select(count_star())
            .from(Posts)
            .filter(posts::Body.is_null())
            .get::<i64, _>(&mut conn)?,
        4
    );

    let n = delete_from(Posts)
        .filter(posts::Title.eq("a1"))
        .execute(&mut conn)?;
    assert_eq!(n, 1);
    assert_eq!(count_rows(&mut conn, Posts)?, 3);
    // Deleting a user deletes its posts (ON DELETE CASCADE).
    let n = delete_from(Users)
        .filter(users::Id.eq(alice))
        .execute(&mut conn)?;
    assert_eq!(n, 1);
    let left: Vec<i64> = select(posts::UserId).load(&mut conn)?;
    assert_eq!(left, [bob]);
    let n = delete_from(Users).execute(&mut conn)?;
    assert_eq!(n, 2);
    assert_eq!(count_rows(&mut conn, Posts)?, 0);
    Ok(())
}

fn empty_in_lists<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    blog(&mut conn)?;
    let none: Vec<i64> = vec![];
    let found: Vec<String> = select(users::Name)
        .filter(users::Id.in_(none.clone()))
        .load(&mut conn)?;
    assert!(found.is_empty(), "{found:?}");
    let all: Vec<String> = select(users::Name)
        .filter(users::Id.not_in(none.clone()))
        .order_by(users::Name)
        .load(&mut conn)?;
    assert_eq!(all, ["alice", "bob", "carol"]);
    // Inside a larger predicate the empty list keeps its meaning.
    let either: Vec<String> = select(users::Name)
        .filter(users::Id.in_(none.clone()).or(users::Name.eq("bob")))
        .load(&mut conn)?;
    assert_eq!(either, ["bob"]);
    let n = delete_from(Users)
        .filter(users::Id.in_(none))
        .execute(&mut conn)?;
    assert_eq!(n, 0);
    Ok(())
}

/// `IN` and `NOT IN` over lists of bound values, for every kind of column.
/// PostgreSQL binds each list as one array (`= ANY($1)`, `<> ALL($1)`);
/// the others bind every value. The rows found must be the same.
fn in_lists_of_every_kind<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let rows = [
        (
            1i16,
            10i32,
            -(1i64 << 40),
            1.5f32,
            0.25f64,
            "a",
            true,
            &b"\x00"[..],
        ),
        (2, 20, 0, -2.5, -0.5, "b,\"{}\\", false, &[0, 255, b'"'][..]),
        (3, 30, 1 << 40, 4.0, 1e300, "NULL", true, &b""[..]),
    ];
    let mut ids = Vec::new();
    for (small, int, big, real, double, text, flag, blob) in rows {
        insert_into(Kinds)
            .values((
                kinds::Small.set(small),
                kinds::Int.set(int),
                kinds::Big.set(big),
                kinds::Real.set(real),
                kinds::Double.set(double),
                kinds::Text.set(text),
                kinds::Flag.set(flag),
                kinds::Blob.set(blob),
            ))
            .execute(&mut conn)?;
        ids.push(
            select(max(kinds::Id))
                .get::<Option<i64>, _>(&mut conn)?
                .unwrap(),
        );
    }
    let (first, second, third) = (ids[0], ids[1], ids[2]);
    // The ids of the rows matching `p`, in order.
    fn found<C: Connection, P: Predicate>(conn: &mut C, p: P) -> Result<Vec<i64>> {
        select(kinds::Id).filter(p).order_by(kinds::Id).load(conn)
    }
    assert_eq!(
        found(&mut conn, kinds::Small.in_([1i16, 3, 99]))?,
        [first, third]
    );
    assert_eq!(found(&mut conn, kinds::Int.in_([20, 99]))?, [second]);
    assert_eq!(
        found(&mut conn, kinds::Big.in_([1i64 << 40, -(1 << 40)]))?,
        [first, third]
    );
    assert_eq!(
        found(&mut conn, kinds::Real.in_([4.0f32, -2.5]))?,
        [second, third]
    );
    assert_eq!(
        found(&mut conn, kinds::Double.in_([0.25, 1e300]))?,
        [first, third]
    );
    assert_eq!(
        found(&mut conn, kinds::Text.in_(["b,\"{}\\", "NULL"]))?,
        [second, third]
    );
    assert_eq!(found(&mut conn, kinds::Flag.in_([false]))?, [second]);
    let blobs: [&[u8]; 2] = [b"\x00", b""];
    assert_eq!(found(&mut conn, kinds::Blob.in_(blobs))?, [first, third]);
    assert_eq!(found(&mut conn, kinds::Id.in_([second]))?, [second]);
    assert_eq!(found(&mut conn, kinds::Int.not_in([10, 30, 99]))?, [second]);
    assert_eq!(
        found(&mut conn, kinds::Text.not_in(["a"]))?,
        [second, third]
    );
    // Lists next to other binds, and the same statement with lists of
    // other lengths (one text on PostgreSQL: the binds must still line up).
    for n in [1, 2, 3, 50, 2000] {
        let list: Vec<i64> = ids.iter().copied().cycle().take(n).collect();
        let got = found(
            &mut conn,
            kinds::Text
                .ne("zzz")
                .and(kinds::Id.in_(list))
                .and(kinds::Int.gt(15)),
        )?;
        let want: &[i64] = match n {
            1 => &[],
            2 => &[second],
            _ => &[second, third],
        };
        assert_eq!(got, want, "{n} values");
    }

    // NULLs: `IN` finds only equal values, and a NULL in a `NOT IN` list
    // makes it match nothing, on every backend.
    for v in [Some(1), Some(2), None] {
        insert_into(NullKinds)
            .values(null_kinds::Int.set(v))
            .execute(&mut conn)?;
    }
    fn ints<C: Connection, P: Predicate>(conn: &mut C, p: P) -> Result<Vec<Option<i32>>> {
        select(null_kinds::Int)
            .filter(p)
            .order_by(null_kinds::Id)
            .load(conn)
    }
    assert_eq!(
        ints(&mut conn, null_kinds::Int.in_([Some(1), None]))?,
        [Some(1)]
    );
    assert_eq!(ints(&mut conn, null_kinds::Int.in_([None::<i32>]))?, []);
    assert_eq!(
        ints(&mut conn, null_kinds::Int.not_in([Some(1)]))?,
        [Some(2)]
    );
    assert!(ints(&mut conn, null_kinds::Int.not_in([Some(1), None]))?.is_empty());
    Ok(())
}

/// Hostile strings in an `IN` list (on PostgreSQL, the elements of one
/// array parameter) each find their own row, and only it.
fn hostile_strings_in_lists<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    // Not " ": MySQL's PAD SPACE collations compare it equal to "".
    let strings: Vec<String> = hostile_strings()
        .into_iter()
        .filter(|s| !s.ends_with(' '))
        .collect();
    for s in &strings {
        insert_into(Kinds)
            .values((
                kinds::Small.set(0),
                kinds::Int.set(0),
                kinds::Big.set(0),
                kinds::Real.set(0.0),
                kinds::Double.set(0.0),
                kinds::Text.set(s),
                kinds::Flag.set(false),
                kinds::Blob.set(s.as_bytes()),
            ))
            .execute(&mut conn)?;
    }
    let every_other: Vec<&str> = strings.iter().step_by(2).map(String::as_str).collect();
    let got: Vec<String> = select(kinds::Text)
        .filter(kinds::Text.in_(every_other.iter().copied()))
        .order_by(kinds::Id)
        .load(&mut conn)?;
    assert!(got == every_other, "IN found other strings");
    let rest: Vec<String> = select(kinds::Text)
        .filter(kinds::Text.not_in(every_other.iter().copied()))
        .order_by(kinds::Id)
        .load(&mut conn)?;
    let want: Vec<&String> = strings.iter().skip(1).step_by(2).collect();
    assert!(rest.iter().eq(want), "NOT IN found other strings");
    let blobs: Vec<&[u8]> = every_other.iter().map(|s| s.as_bytes()).collect();
    let n: i64 = select(count_star())
        .from(Kinds)
        .filter(kinds::Blob.in_(blobs))
        .get(&mut conn)?;
    assert_eq!(n, every_other.len() as i64);
    Ok(())
}

/// An array parameter ([`ValueRef::Array`]) binds on PostgreSQL, whose
/// dialect renders them; the other backends refuse one with a typed error.
fn array_parameters_bind_only_where_the_dialect_renders_them<B: Backend>(
    engine: &Engine<B>,
) -> Result<()> {
    use sqlalgebra::value::{Row, ValueRef};
    let mut conn = engine.connect()?;
    let binds = [ValueRef::Array(2), ValueRef::Int(1), ValueRef::Int(3)];
    let mut found = Vec::new();
    if conn.dialect().binds_arrays() {
        conn.query_sql("SELECT 3 = ANY($1::int8[])", &binds, |row| {
            found.push(row.value(0)? == ValueRef::Bool(true));
            Ok(true)
        })?;
        // A marker without elements is an empty array.
        conn.query_sql("SELECT 3 = ANY($1::int8[])", &binds[..1], |row| {
            found.push(row.value(0)? == ValueRef::Bool(true));
            Ok(true)
        })?;
        conn.query_sql(
            "SELECT cardinality($1::int8[])",
            &[ValueRef::Array(0)],
            |row| {
                assert_eq!(row.value(0)?, ValueRef::Int(0));
                Ok(true)
            },
        )?;
        assert_eq!(found, [true, false]);
    } else {
        let err = expect_err(conn.query_sql("SELECT 3 IN (?)", &binds, |_| Ok(true)));
        assert!(
            matches!(err.kind(), ErrorKind::Unsupported { .. }),
            "{err:?}"
        );
        let err = expect_err(conn.query_sql("SELECT ?, ?, ?", &binds, |_| Ok(true)));
        assert!(
            matches!(err.kind(), ErrorKind::Unsupported { .. }),
            "{err:?}"
        );
        let err = expect_err(conn.execute_sql("SELECT ?, ?, ?", &binds));
        assert!(
            matches!(err.kind(), ErrorKind::Unsupported { .. }),
            "{err:?}"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------- hostile values

fn matching_helpers_match_literally<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let names = [
        "50%_off",
        "50%_offer",
        "x50%_off",
        "50Xoff",
        "50%Xoff",
        "50X_off",
        "5_%",
        "a/b",
        "a\\b",
        "ab",
    ];
    for n in names {
        add_user(&mut conn, n, None)?;
    }
    let starts: Vec<String> = select(users::Name)
        .filter(users::Name.starts_with("50%_off"))
        .order_by(users::Name)
        .load(&mut conn)?;
    assert_eq!(starts, ["50%_off", "50%_offer"]);
    let ends: Vec<String> = select(users::Name)
        .filter(users::Name.ends_with("%_off"))
        .order_by(users::Name)
        .load(&mut conn)?;
    assert_eq!(ends, ["50%_off", "x50%_off"]);
    let contains: Vec<String> = select(users::Name)
        .filter(users::Name.contains("%_"))
        .order_by(users::Name)
        .load(&mut conn)?;
    assert_eq!(contains, ["50%_off", "50%_offer", "x50%_off"]);
    let underscore_percent: Vec<String> = select(users::Name)
        .filter(users::Name.ends_with("_%"))
        .load(&mut conn)?;
    assert_eq!(underscore_percent, ["5_%"]);
    // The escape character and a backslash are literal too.
    let slash: Vec<String> = select(users::Name)
        .filter(users::Name.contains("/"))
        .load(&mut conn)?;
    assert_eq!(slash, ["a/b"]);
    let backslash: Vec<String> = select(users::Name)
        .filter(users::Name.contains("\\"))
        .load(&mut conn)?;
    assert_eq!(backslash, ["a\\b"]);
    // Nothing matches a literal that is not there, wildcards or not.
    let nothing: Vec<String> = select(users::Name)
        .filter(users::Name.contains("%%"))
        .load(&mut conn)?;
    assert!(nothing.is_empty(), "{nothing:?}");

    // A plain LIKE still treats them as wildcards.
    let wild: Vec<String> = select(users::Name)
        .filter(users::Name.like("50_off"))
        .load(&mut conn)?;
    assert_eq!(wild, ["50Xoff"]);
    let not_wild: i64 = select(count_star())
        .from(Users)
        .filter(users::Name.not_like("%off%"))
        .get(&mut conn)?;
    assert_eq!(not_wild, 4);
    Ok(())
}

fn hostile_strings() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "it's",
        "''",
        "\"double\"",
        "`backtick`",
        "back\\slash",
        "\\",
        "\\'",
        "\\\\'; --",
        "'; DROP TABLE users; --",
        "\"; DROP TABLE users; --",
        "Robert'); DROP TABLE kinds;--",
        "?",
        "$1",
        ":name",
        "@p1",
        "%_[]^",
        "/* not a comment */",
        "-- not a comment",
        "line\nbreak\r\ttab",
        "ünïcödé ñ ß",
        "日本語のテキスト",
        "עברית ← RTL",
        "e\u{301} (combining)",
        "emoji 🦀🎉 and 👩\u{200d}👩\u{200d}👧\u{200d}👦",
        "\u{FEFF}bom",
        "\u{10FFFF}",
        "\u{7f}\u{1}\u{1f}",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    // A megabyte of text, not all of it ASCII.
    let mut big = String::with_capacity(1 << 20);
    while big.len() < (1 << 20) {
        big.push_str("sqlalgebra ✓ 0123456789 ");
    }
    v.push(big);
    v
}

fn hostile_strings_round_trip<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let strings = hostile_strings();
    for s in &strings {
        let row = Kind {
            text: s.clone(),
            ..Kind::default()
        };
        assert_eq!(row.insert(&mut conn)?, 1);
    }
    let loaded: Vec<String> = Kind::load_all(&mut conn)?
        .into_iter()
        .map(|k| k.text)
        .collect();
    assert_eq!(loaded.len(), strings.len());
    for (got, want) in loaded.iter().zip(&strings) {
        assert!(
            got == want,
            "string changed on the way: {:?} came back as {:?}",
            &want[..want.len().min(80)],
            &got[..got.len().min(80)]
        );
    }
    // Each one also works as a bound comparison value and finds its row.
    // (Not " ": MySQL's PAD SPACE collations compare it equal to "".)
    for s in strings.iter().filter(|s| !s.ends_with(' ')) {
        let n: i64 = select(count_star())
            .from(Kinds)
            .filter(kinds::Text.eq(s))
            .get(&mut conn)?;
        assert_eq!(n, 1, "{:?}", &s[..s.len().min(80)]);
    }
    // The same through text(), whose `:name` parsing must not look
    // inside values.
    for s in &strings {
        let got: String = text("SELECT :v AS v")
            .bind("v", s.as_str())
            .returns::<Text>()
            .get(&mut conn)?;
        assert!(got == *s, "{:?}", &s[..s.len().min(80)]);
    }
    // Nothing was dropped.
    assert_eq!(count_rows(&mut conn, Users)?, 0);
    assert_eq!(count_rows(&mut conn, Kinds)?, strings.len() as i64);
    Ok(())
}

fn hostile_names_in_keyed_columns<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let names: Vec<String> = hostile_strings()
        .into_iter()
        // PAD SPACE collations (MySQL) would take " " for a duplicate of "".
        .filter(|s| s.chars().count() <= 50 && !s.ends_with(' '))
        .collect();
    for n in &names {
        let id = add_user(&mut conn, n, Some(n))?;
        let (name, full): (String, Option<String>) = select((users::Name, users::Fullname))
            .filter(users::Id.eq(id))
            .get(&mut conn)?;
        assert_eq!(&name, n);
        assert_eq!(full.as_ref(), Some(n));
    }
    assert_eq!(count_rows(&mut conn, Users)?, names.len() as i64);
    Ok(())
}

/// Asserts that `err` is a violation of a constraint of kind `kind`.
#[track_caller]
fn assert_violates(err: &Error, kind: ConstraintKind) {
    assert!(
        matches!(err.kind(), ErrorKind::Constraint { kind: k, .. } if *k == kind),
        "expected a {kind:?} violation, got {err:?}"
    );
}

/// `tokens`: a unique BLOB column (a key of bytes, as a hash or a token).
#[derive(Clone, Copy, Debug, Default)]
struct Tokens;
impl Table for Tokens {
    const NAME: &'static str = "tokens";
    type Columns = (TokenId, Token);
    type PrimaryKey = TokenId;
}
#[derive(Clone, Copy, Debug, Default)]
struct TokenId;
impl Column for TokenId {
    type Table = Tokens;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
    const AUTOINCREMENT: bool = true;
}
#[derive(Clone, Copy, Debug, Default)]
struct Token;
impl Column for Token {
    type Table = Tokens;
    type SqlType = Blob;
    const NAME: &'static str = "token";
    const UNIQUE: bool = true;
}

/// Bytes in a keyed column stay bytes: compared byte for byte (no text
/// collation folding case), any byte allowed (MySQL keys them as
/// VARBINARY, not VARCHAR).
fn keyed_blobs_are_compared_as_bytes<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    create_all::<(Tokens,)>(&mut conn)?;
    let tokens: [&[u8]; 5] = [b"ab", b"AB", b"ab ", b"\xff\x00\xfe", b""];
    for t in tokens {
        insert_into(Tokens)
            .values(Token.set(t))
            .execute(&mut conn)?;
    }
    for t in tokens {
        let got: Vec<Vec<u8>> = select(Token).filter(Token.eq(t)).load(&mut conn)?;
        assert_eq!(got, [t.to_vec()], "{t:?}");
    }
    let err = expect_err(
        insert_into(Tokens)
            .values(Token.set(&b"AB"[..]))
            .execute(&mut conn),
    );
    assert_violates(&err, ConstraintKind::Unique);
    Ok(())
}

fn blobs_round_trip<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let blobs: Vec<Vec<u8>> = vec![
        vec![],
        vec![0],
        vec![0, 0, 0],
        vec![0, 1, 0, 255, 0, b'\'', b'\\', 0],
        (0..=255).collect(),
        b"not utf-8: \xff\xfe\x00".to_vec(),
        (0..300_000u32).map(|i| (i % 251) as u8).collect(),
    ];
    for b in &blobs {
        Kind {
            blob: b.clone(),
            ..Kind::default()
        }
        .insert(&mut conn)?;
        NullKind {
            blob: Some(b.clone()),
            ..NullKind::default()
        }
        .insert(&mut conn)?;
    }
    let got: Vec<Vec<u8>> = Kind::load_all(&mut conn)?
        .into_iter()
        .map(|k| k.blob)
        .collect();
    assert!(got == blobs, "blobs changed on the way");
    let got: Vec<Option<Vec<u8>>> = NullKind::load_all(&mut conn)?
        .into_iter()
        .map(|k| k.blob)
        .collect();
    let want: Vec<Option<Vec<u8>>> = blobs.iter().cloned().map(Some).collect();
    // In particular the empty blob is not NULL.
    assert!(got == want, "nullable blobs changed on the way");
    let n: i64 = select(count_star())
        .from(Kinds)
        .filter(kinds::Blob.eq(&blobs[3][..]))
        .get(&mut conn)?;
    assert_eq!(n, 1);
    Ok(())
}

// ---------------------------------------------------------------- numbers and types

fn integer_extremes_round_trip<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let rows = [
        (i16::MIN, i32::MIN, i64::MIN),
        (i16::MAX, i32::MAX, i64::MAX),
        (0, 0, 0),
        (-1, -1, -1),
        (1, 1, 1 << 53),
        (255, 65_536, (1 << 53) + 1),
    ];
    for (small, int, big) in rows {
        Kind {
            small,
            int,
            big,
            ..Kind::default()
        }
        .insert(&mut conn)?;
    }
    let got: Vec<(i16, i32, i64)> = Kind::load_all(&mut conn)?
        .into_iter()
        .map(|k| (k.small, k.int, k.big))
        .collect();
    assert_eq!(got, rows);

    // Wider Rust types load narrower SQL types.
    let widened: Vec<(i64, i64)> = select((kinds::Small, kinds::Int))
        .order_by(kinds::Id)
        .limit(2)
        .load(&mut conn)?;
    assert_eq!(
        widened,
        [
            (i64::from(i16::MIN), i64::from(i32::MIN)),
            (i64::from(i16::MAX), i64::from(i32::MAX))
        ]
    );
    // Exact comparisons at the edges.
    for big in [i64::MIN, i64::MAX, (1 << 53) + 1] {
        let n: i64 = select(count_star())
            .from(Kinds)
            .filter(kinds::Big.eq(big))
            .get(&mut conn)?;
        assert_eq!(n, 1, "{big}");
    }
    // A value too wide for the Rust type is an error naming the column.
    let err = expect_err(
        text("SELECT big_v FROM kinds WHERE big_v = :v")
            .bind("v", i64::MAX)
            .returns::<Integer>()
            .get::<i32, _>(&mut conn),
    );
    match err.into_kind() {
        ErrorKind::Decode { column, .. } => assert_eq!(column, "big_v"),
        other => panic!("expected a decode error, got {other:?}"),
    }
    Ok(())
}

fn float_extremes_round_trip<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let doubles = [
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        f64::EPSILON,
        0.1 + 0.2,
        std::f64::consts::PI,
        1e300,
        -1e-300,
        0.0,
        (1u64 << 53) as f64,
    ];
    let reals = [
        f32::MAX,
        f32::MIN,
        f32::MIN_POSITIVE,
        f32::EPSILON,
        0.1,
        -2.5,
        1e30,
        0.0,
        std::f32::consts::E,
        -1e-30,
        16_777_216.0,
    ];
    for (double, real) in doubles.into_iter().zip(reals) {
        Kind {
            double,
            real,
            ..Kind::default()
        }
        .insert(&mut conn)?;
    }
    let got = Kind::load_all(&mut conn)?;
    for ((k, double), real) in got.iter().zip(doubles).zip(reals) {
        assert_eq!(k.double.to_bits(), double.to_bits(), "{double:e}");
        assert_eq!(k.real.to_bits(), real.to_bits(), "{real:e}");
    }
    assert_eq!(got.len(), doubles.len());
    let n: i64 = select(count_star())
        .from(Kinds)
        .filter(kinds::Double.eq(0.1 + 0.2))
        .get(&mut conn)?;
    assert_eq!(n, 1);
    Ok(())
}

fn booleans_round_trip_and_filter<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    for flag in [true, false, true] {
        Kind {
            flag,
            ..Kind::default()
        }
        .insert(&mut conn)?;
    }
    let flags: Vec<bool> = select(kinds::Flag).order_by(kinds::Id).load(&mut conn)?;
    assert_eq!(flags, [true, false, true]);
    let trues: i64 = select(count_star())
        .from(Kinds)
        .filter(kinds::Flag.eq(true))
        .get(&mut conn)?;
    assert_eq!(trues, 2);
    let falses: i64 = select(count_star())
        .from(Kinds)
        .filter(kinds::Flag.eq(false))
        .get(&mut conn)?;
    assert_eq!(falses, 1);
    let n = update(Kinds)
        .set(kinds::Flag.set(false))
        .filter(kinds::Flag.eq(true))
        .execute(&mut conn)?;
    assert_eq!(n, 2);
    let flags: Vec<bool> = select(kinds::Flag).load(&mut conn)?;
    assert_eq!(flags, [false, false, false]);
    Ok(())
}

fn options_round_trip<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let rows = [
        NullKind::default(),
        NullKind {
            small: Some(-7),
            int: Some(70_000),
            big: Some(-(1 << 40)),
            real: Some(0.5),
            double: Some(-1.25e-10),
            text: Some("text".into()),
            flag: Some(true),
            blob: Some(vec![0, 1, 2]),
        },
        NullKind {
            small: Some(0),
            int: Some(0),
            big: Some(0),
            real: Some(0.0),
            double: Some(0.0),
            text: Some(String::new()),
            flag: Some(false),
            blob: Some(vec![]),
        },
        NullKind {
            small: None,
            int: Some(1),
            big: None,
            real: Some(1.0),
            double: None,
            text: Some("half".into()),
            flag: None,
            blob: Some(vec![9]),
        },
    ];
    for r in &rows {
        r.insert(&mut conn)?;
    }
    assert_eq!(NullKind::load_all(&mut conn)?, rows);

    // Zeroes and empty values are not NULL.
    let nulls: i64 = select(count_star())
        .from(NullKinds)
        .filter(null_kinds::Text.is_null())
        .get(&mut conn)?;
    assert_eq!(nulls, 1);
    let nulls: i64 = select(count_star())
        .from(NullKinds)
        .filter(null_kinds::Flag.is_null())
        .get(&mut conn)?;
    assert_eq!(nulls, 2);

    // Setting to NULL and back.
    let n = update(NullKinds)
        .set((
            null_kinds::Text.set(None::<String>),
            null_kinds::Big.set(Some(5i64)),
        ))
        .execute(&mut conn)?;
    assert_eq!(n, 4);
    let got: Vec<(Option<String>, Option<i64>)> =
        select((null_kinds::Text, null_kinds::Big)).load(&mut conn)?;
    assert_eq!(got, vec![(None, Some(5)); 4]);
    Ok(())
}

// ---------------------------------------------------------------- text()

fn text_queries_with_named_binds<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let (alice, _, carol) = blog(&mut conn)?;

    let rows: Vec<(i64, String)> =
        text("SELECT id, name FROM users WHERE name <> :skip AND id >= :min ORDER BY id")
            .bind("skip", "bob")
            .bind("min", 0i64)
            .returns::<(BigInt, Text)>()
            .load(&mut conn)?;
    assert_eq!(
        rows,
        [(alice, "alice".to_string()), (carol, "carol".to_string())]
    );

    // A name used twice binds the same value twice; a later bind replaces.
    let n: i64 = text("SELECT COUNT(*) FROM posts WHERE score = :s OR score = :s + 1")
        .bind("s", 99)
        .bind("s", 1)
        .returns::<BigInt>()
        .get(&mut conn)?;
    assert_eq!(n, 2);

    // Quotes and comments are not searched for names.
    let lit: (String, i64) = text("SELECT ':not_a_bind' AS lit, :n AS n -- :neither")
        .bind("n", 7i64)
        .returns::<(Text, BigInt)>()
        .get(&mut conn)?;
    assert_eq!(lit, (":not_a_bind".to_string(), 7));

    // Statements without rows.
    let n = text("UPDATE users SET fullname = :f WHERE name = :n")
        .bind("f", "Bob B")
        .bind("n", "bob")
        .execute(&mut conn)?;
    assert_eq!(n, 1);
    let full: Option<String> = select(users::Fullname)
        .filter(users::Name.eq("bob"))
        .get(&mut conn)?;
    assert_eq!(full.as_deref(), Some("Bob B"));

    // A NULL bind.
    let n = text("UPDATE users SET fullname = :f WHERE name = :n")
        .bind("f", None::<&str>)
        .bind("n", "bob")
        .execute(&mut conn)?;
    assert_eq!(n, 1);
    let full: Option<String> = text("SELECT fullname FROM users WHERE name = :n")
        .bind("n", "bob")
        .returns::<Nullable<Text>>()
        .get(&mut conn)?;
    assert_eq!(full, None);

    // Binds that do not match the SQL are errors before anything runs.
    let err = expect_err(
        text("SELECT :a + :b")
            .bind("a", 1i64)
            .returns::<BigInt>()
            .get::<i64, _>(&mut conn),
    );
    assert!(
        matches!(err.kind(), ErrorKind::MissingBind { name } if name == "b"),
        "{err:?}"
    );
    let err = expect_err(
        text("DELETE FROM users WHERE id = :id")
            .bind("id", alice)
            .bind("oops", 1i64)
            .execute(&mut conn),
    );
    assert!(
        matches!(err.kind(), ErrorKind::UnusedBind { name } if name == "oops"),
        "{err:?}"
    );
    assert_eq!(count_rows(&mut conn, Users)?, 3);
    Ok(())
}

/// A backslash in a string literal escapes the next character where the
/// dialect says so (MySQL), and in PostgreSQL's `E'...'` strings; `text()`
/// finds the names outside literals either way.
fn text_literals_with_backslashes<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let name = conn.dialect().name();
    let mut cases = Vec::new();
    if conn.dialect().backslash_escapes() {
        // `\'` keeps the literal open: `:x` is inside it.
        cases.push((r"SELECT 'it\'s :x' AS lit, :y AS y", "it's :x"));
        cases.push((r"SELECT 'a\\' AS lit, :y AS y", r"a\"));
    } else {
        // The backslash is a character, the quote after it ends the
        // literal, and `:y` is outside.
        cases.push((r"SELECT 'a\' AS lit, :y AS y", r"a\"));
    }
    if name == "postgresql" {
        cases.push((r"SELECT E'it\'s :x' AS lit, :y AS y", "it's :x"));
    }
    for (sql, lit) in cases {
        let got: (String, i64) = text(sql)
            .bind("y", 5i64)
            .returns::<(Text, BigInt)>()
            .get(&mut conn)?;
        assert_eq!(got, (lit.to_string(), 5), "{name}: {sql}");
    }
    Ok(())
}

// ---------------------------------------------------------------- transactions

#[derive(Debug)]
enum AppError {
    Db(Error),
    Refused,
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        AppError::Db(e)
    }
}

fn transaction_commits_on_ok<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let id = conn.transaction(|tx| {
        let id = add_user(tx, "alice", None)?;
        add_post(tx, id, "first", 1)?;
        Ok::<_, Error>(id)
    })?;
    assert_eq!(*conn.transaction_depth(), 0);
    // Another connection sees the committed rows.
    let mut other = engine.connect()?;
    assert_eq!(user_names(&mut other)?, ["alice"]);
    let owner: i64 = select(posts::UserId).get(&mut other)?;
    assert_eq!(owner, id);
    Ok(())
}

fn transaction_rolls_back_on_err<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    add_user(&mut conn, "keep", None)?;
    let outcome: std::result::Result<(), AppError> = conn.transaction(|tx| {
        add_user(tx, "alice", None)?;
        delete_from(Users)
            .filter(users::Name.eq("keep"))
            .execute(tx)?;
        Err(AppError::Refused)
    });
    assert!(matches!(outcome, Err(AppError::Refused)), "{outcome:?}");
    assert_eq!(*conn.transaction_depth(), 0);
    assert_eq!(user_names(&mut conn)?, ["keep"]);
    let mut other = engine.connect()?;
    assert_eq!(user_names(&mut other)?, ["keep"]);

    // A database error inside converts into the caller's error type.
    let outcome: std::result::Result<(), AppError> = conn.transaction(|tx| {
        add_user(tx, "bob", None)?;
        add_user(tx, "keep", None)?;
        Ok(())
    });
    assert!(
        matches!(
            &outcome,
            Err(AppError::Db(e)) if matches!(
                e.kind(),
                ErrorKind::Constraint {
                    kind: ConstraintKind::Unique,
                    ..
                }
            )
        ),
        "{outcome:?}"
    );
    assert_eq!(user_names(&mut conn)?, ["keep"]);
    Ok(())
}

fn transaction_rolls_back_on_panic<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        conn.transaction(|tx| -> Result<()> {
            add_user(tx, "ghost", None)?;
            panic!("boom inside a transaction");
        })
    }));
    let panic = outcome.expect_err("the panic propagates");
    assert_eq!(
        panic.downcast_ref::<&str>().copied(),
        Some("boom inside a transaction")
    );
    assert_eq!(*conn.transaction_depth(), 0);
    assert_eq!(count_rows(&mut conn, Users)?, 0);

    // The connection still works, in and out of transactions.
    conn.transaction(|tx| add_user(tx, "alice", None).map(drop))?;
    add_user(&mut conn, "bob", None)?;
    assert_eq!(user_names(&mut conn)?, ["alice", "bob"]);
    let mut other = engine.connect()?;
    assert_eq!(user_names(&mut other)?, ["alice", "bob"]);
    Ok(())
}

fn nested_transactions_are_savepoints<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    conn.transaction(|tx| -> Result<()> {
        add_user(tx, "outer1", None)?;
        assert_eq!(*tx.transaction_depth(), 1);

        // An inner Err undoes only the inner work.
        let inner: Result<()> = tx.transaction(|tx| {
            assert_eq!(*tx.transaction_depth(), 2);
            add_user(tx, "inner_err", None)?;
            Err(ErrorKind::InvalidStatement("changed my mind".into()).into())
        });
        assert!(inner.is_err());
        assert_eq!(*tx.transaction_depth(), 1);
        assert_eq!(user_names(tx)?, ["outer1"]);

        // So does an inner failed statement, and the outer transaction
        // goes on (PostgreSQL would otherwise refuse everything after).
        let inner: Result<()> = tx.transaction(|tx| {
            add_user(tx, "inner_fail", None)?;
            add_user(tx, "outer1", None)?;
            Ok(())
        });
        assert!(
            matches!(
                inner.as_ref().map_err(Error::kind),
                Err(ErrorKind::Constraint {
                    kind: ConstraintKind::Unique,
                    ..
                })
            ),
            "{inner:?}"
        );

        // An inner Ok is kept, also two levels down, where the deepest
        // level fails.
        tx.transaction(|tx| -> Result<()> {
            add_user(tx, "inner_ok", None)?;
            let deepest: Result<()> = tx.transaction(|tx| {
                assert_eq!(*tx.transaction_depth(), 3);
                add_user(tx, "deepest", None)?;
                Err(ErrorKind::NotFound.into())
            });
            assert!(matches!(
                deepest.as_ref().map_err(Error::kind),
                Err(ErrorKind::NotFound)
            ));
            Ok(())
        })?;
        add_user(tx, "outer2", None)?;
        Ok(())
    })?;
    assert_eq!(*conn.transaction_depth(), 0);
    let mut other = engine.connect()?;
    assert_eq!(user_names(&mut other)?, ["inner_ok", "outer1", "outer2"]);

    // An outer Err undoes the inner work it had kept.
    let outer: Result<()> = conn.transaction(|tx| {
        tx.transaction(|tx| add_user(tx, "doomed", None).map(drop))?;
        Err(ErrorKind::NotFound.into())
    });
    assert!(matches!(
        outer.as_ref().map_err(Error::kind),
        Err(ErrorKind::NotFound)
    ));
    assert_eq!(user_names(&mut conn)?, ["inner_ok", "outer1", "outer2"]);
    Ok(())
}

fn a_failed_statement_leaves_nothing_half_written<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    add_user(&mut conn, "taken", None)?;

    // A multi-row INSERT is all or nothing.
    let err = expect_err(
        insert_into(Users)
            .values(vec![
                users::Name.set("new1"),
                users::Name.set("taken"),
                users::Name.set("new2"),
            ])
            .execute(&mut conn),
    );
    assert!(
        matches!(err.kind(), ErrorKind::Constraint { .. }),
        "{err:?}"
    );
    assert_eq!(user_names(&mut conn)?, ["taken"]);

    // A transaction whose last statement fails leaves none of its work.
    let outcome: Result<()> = conn.transaction(|tx| {
        let id = add_user(tx, "writer", None)?;
        add_post(tx, id, "draft", 1)?;
        update(Users)
            .set(users::Fullname.set("changed"))
            .execute(tx)?;
        add_post(tx, id, "negative", -1)?;
        Ok(())
    });
    assert!(
        matches!(
            outcome.as_ref().map_err(Error::kind),
            Err(ErrorKind::Constraint {
                kind: ConstraintKind::Check,
                ..
            })
        ),
        "{outcome:?}"
    );
    assert_eq!(user_names(&mut conn)?, ["taken"]);
    assert_eq!(count_rows(&mut conn, Posts)?, 0);
    let full: Option<String> = select(users::Fullname).get(&mut conn)?;
    assert_eq!(full, None);
    // And the connection is usable.
    conn.transaction(|tx| add_user(tx, "after", None).map(drop))?;
    assert_eq!(user_names(&mut conn)?, ["after", "taken"]);
    Ok(())
}

// ---------------------------------------------------------------- errors

fn null_into_a_non_option_names_the_column<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    blog(&mut conn)?;
    // carol has no posts: her title is NULL in a left join. (A typed
    // SELECT types the title `OuterJoined<Text>`, which does not load into
    // `String`; a boxed one keeps the declared types.)
    let err = expect_err(
        select((users::Name, posts::Title))
            .boxed()
            .left_join(Posts, posts::UserId.eq(users::Id))
            .load::<(String, String), _>(&mut conn),
    );
    match err.into_kind() {
        ErrorKind::UnexpectedNull { column } => assert_eq!(column, "title"),
        other => panic!("expected UnexpectedNull, got {other:?}"),
    }
    // bob has no full name.
    let err = expect_err(
        text("SELECT fullname FROM users WHERE name = :n")
            .bind("n", "bob")
            .returns::<Text>()
            .get::<String, _>(&mut conn),
    );
    match err.into_kind() {
        ErrorKind::UnexpectedNull { column } => assert_eq!(column, "fullname"),
        other => panic!("expected UnexpectedNull, got {other:?}"),
    }
    // An aggregate over no rows is NULL as well.
    let err = expect_err(
        text("SELECT MAX(score) AS best FROM posts WHERE score < 0")
            .returns::<Integer>()
            .get::<i32, _>(&mut conn),
    );
    assert!(
        matches!(err.kind(), ErrorKind::UnexpectedNull { column } if column == "best"),
        "{err:?}"
    );
    Ok(())
}

fn a_failing_statement_carries_its_sql<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let err = expect_err(text("SELECT nope FROM no_such_table").execute(&mut conn));
    assert!(matches!(err.kind(), ErrorKind::Query { .. }), "{err:?}");
    assert_eq!(err.sql(), Some("SELECT nope FROM no_such_table"));
    assert!(err.to_string().contains("no_such_table"), "{err}");

    let err = expect_err(
        text("SELEC 1")
            .returns::<BigInt>()
            .load::<i64, _>(&mut conn),
    );
    assert_eq!(err.sql(), Some("SELEC 1"));
    // The connection is fine afterwards.
    assert_eq!(count_rows(&mut conn, Users)?, 0);
    Ok(())
}

fn constraint_violations_are_classified<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let alice = add_user(&mut conn, "alice", None)?;

    let err = expect_err(add_user(&mut conn, "alice", Some("again")));
    match err.kind() {
        ErrorKind::Constraint {
            kind: ConstraintKind::Unique,
            sql,
            ..
        } => {
            assert!(sql.starts_with("INSERT INTO"), "{sql}");
            // The value was bound, not spliced into the SQL.
            assert!(!sql.contains("alice"), "{sql}");
        }
        other => panic!("expected a unique violation, got {other:?}"),
    }
    assert!(err.sql().is_some());

    let err = expect_err(add_post(&mut conn, alice + 1000, "orphan", 1));
    assert_violates(&err, ConstraintKind::ForeignKey);

    let err = expect_err(
        text("INSERT INTO users (name) VALUES (:n)")
            .bind("n", None::<&str>)
            .execute(&mut conn),
    );
    assert_violates(&err, ConstraintKind::NotNull);

    let err = expect_err(add_post(&mut conn, alice, "negative", -5));
    assert_violates(&err, ConstraintKind::Check);

    // An UPDATE can violate them too.
    let bob = add_user(&mut conn, "bob", None)?;
    let err = expect_err(
        update(Users)
            .set(users::Name.set("alice"))
            .filter(users::Id.eq(bob))
            .execute(&mut conn),
    );
    assert_violates(&err, ConstraintKind::Unique);
    assert_eq!(user_names(&mut conn)?, ["alice", "bob"]);
    assert_eq!(count_rows(&mut conn, Posts)?, 0);
    Ok(())
}

on_all_backends!(
    create_all_and_drop_all_follow_foreign_keys,
    inserts_one_row_and_many,
    inserting_no_rows_is_an_error_not_a_statement,
    load_get_and_first,
    selects_with_filters,
    selects_with_order_limit_offset_and_distinct,
    groups_and_aggregates,
    joins,
    optional_groups_of_an_outer_join,
    updates_and_deletes_report_rows,
    empty_in_lists,
    in_lists_of_every_kind,
    hostile_strings_in_lists,
    array_parameters_bind_only_where_the_dialect_renders_them,
    matching_helpers_match_literally,
    hostile_strings_round_trip,
    hostile_names_in_keyed_columns,
    blobs_round_trip,
    keyed_blobs_are_compared_as_bytes,
    integer_extremes_round_trip,
    float_extremes_round_trip,
    booleans_round_trip_and_filter,
    options_round_trip,
    text_queries_with_named_binds,
    text_literals_with_backslashes,
    transaction_commits_on_ok,
    transaction_rolls_back_on_err,
    transaction_rolls_back_on_panic,
    nested_transactions_are_savepoints,
    a_failed_statement_leaves_nothing_half_written,
    null_into_a_non_option_names_the_column,
    a_failing_statement_carries_its_sql,
    constraint_violations_are_classified,
);
