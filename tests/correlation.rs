//! Correlated subqueries in every place a statement builds its scope:
//! UPDATE and DELETE (WHERE and SET), RETURNING, upserts, INSERT ...
//! SELECT, set operations, boxed SELECTs, derived tables and CTE bodies.
//! Exact SQL in three dialects, and on every backend exactly which rows
//! each statement returns or changes and the tables afterwards. Each write
//! runs twice, so that the second run is a hit of the SQL cache (which
//! debug builds compare with a fresh rendering).

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate

mod common;

use common::on_all_backends;
use common::schema::{Posts, Users, posts, users};
use sqlalgebra::prelude::*;
use sqlalgebra::query::{DynamicBackend, Predicate, alias, cte};
use sqlalgebra::render::Dialect;
use sqlalgebra::value::ValueRef as V;
use sqlalgebra::{Backend, Engine, ErrorKind, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

fn sql3<S: Statement>(s: &S) -> [String; 3] {
    let d: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];
    d.map(|d| s.to_sql(d).expect("renders").sql)
}

/// `EXISTS (a user named `name` wrote this post)`, correlated to `posts`.
fn written_by(name: &str) -> impl Predicate + Copy + '_ {
    exists(
        select(users::Id)
            .filter(users::Id.eq(posts::UserId))
            .filter(users::Name.eq(name)),
    )
}

#[test]
fn delete_with_a_correlated_exists_renders_correlated() {
    let q = delete_from(Posts).filter(written_by("drop"));
    assert_eq!(
        sql3(&q),
        [
            r#"DELETE FROM "posts" WHERE EXISTS (SELECT "users"."id" FROM "users" WHERE "users"."id" = "posts"."user_id" AND "users"."name" = ?)"#,
            r#"DELETE FROM "posts" WHERE EXISTS (SELECT "users"."id" FROM "users" WHERE "users"."id" = "posts"."user_id" AND "users"."name" = $1)"#,
            "DELETE FROM `posts` WHERE EXISTS (SELECT `users`.`id` FROM `users` WHERE `users`.`id` = `posts`.`user_id` AND `users`.`name` = ?)",
        ]
    );
    assert_eq!(
        q.to_sql(&Sqlite).unwrap().binds.as_slice(),
        [V::Text("drop")]
    );
}

#[test]
fn update_with_correlated_subqueries_renders_correlated() {
    let newest = select(max(posts::Title))
        .filter(posts::UserId.eq(users::Id))
        .as_scalar();
    let q = update(Users)
        .set(users::Fullname.set(newest))
        .filter(exists(
            select(posts::Id).filter(posts::UserId.eq(users::Id)),
        ));
    assert_eq!(
        sql3(&q),
        [
            r#"UPDATE "users" SET "fullname" = (SELECT MAX("posts"."title") FROM "posts" WHERE "posts"."user_id" = "users"."id") WHERE EXISTS (SELECT "posts"."id" FROM "posts" WHERE "posts"."user_id" = "users"."id")"#,
            r#"UPDATE "users" SET "fullname" = (SELECT MAX("posts"."title") FROM "posts" WHERE "posts"."user_id" = "users"."id") WHERE EXISTS (SELECT "posts"."id" FROM "posts" WHERE "posts"."user_id" = "users"."id")"#,
            "UPDATE `users` SET `fullname` = (SELECT MAX(`posts`.`title`) FROM `posts` WHERE `posts`.`user_id` = `users`.`id`) WHERE EXISTS (SELECT `posts`.`id` FROM `posts` WHERE `posts`.`user_id` = `users`.`id`)",
        ]
    );
}

#[test]
fn returning_and_upsert_subqueries_render_correlated() {
    let q = update(Users).set(users::Fullname.set("x")).returning((
        users::Name,
        select(count_star())
            .filter(posts::UserId.eq(users::Id))
            .as_scalar(),
    ));
    let [s, p, _] = [&Sqlite as &dyn Dialect, &Postgres, &Mysql].map(|d| q.to_sql(d));
    assert_eq!(
        s.unwrap().sql,
        r#"UPDATE "users" SET "fullname" = ? RETURNING "name", (SELECT COUNT(*) FROM "posts" WHERE "posts"."user_id" = "users"."id")"#
    );
    assert_eq!(
        p.unwrap().sql,
        r#"UPDATE "users" SET "fullname" = $1 RETURNING "name", (SELECT COUNT(*) FROM "posts" WHERE "posts"."user_id" = "users"."id")"#
    );
    let q = insert_into(Users)
        .values((users::Name.set("a"), users::Fullname.set("new")))
        .on_conflict(users::Name)
        .do_update(
            users::Fullname.set(
                select(max(posts::Title))
                    .filter(posts::UserId.eq(users::Id))
                    .as_scalar(),
            ),
        );
    assert_eq!(
        sql3(&q),
        [
            r#"INSERT INTO "users" ("name", "fullname") VALUES (?, ?) ON CONFLICT ("name") DO UPDATE SET "fullname" = (SELECT MAX("posts"."title") FROM "posts" WHERE "posts"."user_id" = "users"."id")"#,
            r#"INSERT INTO "users" ("name", "fullname") VALUES ($1, $2) ON CONFLICT ("name") DO UPDATE SET "fullname" = (SELECT MAX("posts"."title") FROM "posts" WHERE "posts"."user_id" = "users"."id")"#,
            "INSERT INTO `users` (`name`, `fullname`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `fullname` = (SELECT MAX(`posts`.`title`) FROM `posts` WHERE `posts`.`user_id` = `users`.`id`)",
        ]
    );
}

#[test]
fn derived_tables_and_cte_bodies_are_not_correlated() {
    let up = select((users::Id, posts::Title))
        .filter(posts::UserId.eq(users::Id))
        .subquery("up");
    let q = select((users::Name, up.field::<Text>("title")))
        .from(Users)
        .join(up, up.col(users::Id).eq(users::Id));
    assert_eq!(
        sql3(&q)[0],
        r#"SELECT "users"."name", "up"."title" FROM "users" INNER JOIN (SELECT "users"."id", "posts"."title" FROM "users", "posts" WHERE "posts"."user_id" = "users"."id") AS "up" ON "up"."id" = "users"."id""#
    );
    let c = cte("c");
    let q = select(users::Name).filter(exists(
        select(c.col(posts::UserId)).from(c).with(
            c.as_(
                select(posts::UserId)
                    .filter(posts::UserId.eq(users::Id))
                    .filter(users::Name.eq("keep")),
            ),
        ),
    ));
    assert_eq!(
        sql3(&q)[1],
        r#"SELECT "users"."name" FROM "users" WHERE EXISTS (WITH "c" AS (SELECT "posts"."user_id" FROM "posts", "users" WHERE "posts"."user_id" = "users"."id" AND "users"."name" = $1) SELECT "c"."user_id" FROM "c")"#
    );
}

#[test]
fn a_column_of_a_table_the_write_does_not_name_is_refused() {
    let expect = |r: Result<sqlalgebra::render::Rendered<'_>>| match r
        .map_err(sqlalgebra::Error::into_kind)
    {
        Err(ErrorKind::TableNotInStatement { table, column }) => (table, column),
        other => panic!("expected TableNotInStatement, got {other:?}"),
    };
    for d in [&Sqlite as &dyn Dialect, &Postgres, &Mysql] {
        let q = update(Users)
            .set(users::Fullname.set("x"))
            .filter(posts::UserId.eq(1));
        assert_eq!(expect(q.to_sql(d)), ("posts".into(), "user_id".into()));
        let q = delete_from(Users).filter(posts::Score.gt(1));
        assert_eq!(expect(q.to_sql(d)), ("posts".into(), "score".into()));
        let q = update(Users).set(users::Fullname.set(posts::Title));
        assert_eq!(expect(q.to_sql(d)), ("posts".into(), "title".into()));
        let q = insert_into(Users)
            .values(users::Name.set("a"))
            .on_conflict(users::Name)
            .do_update(users::Fullname.set(posts::Title));
        assert_eq!(expect(q.to_sql(d)), ("posts".into(), "title".into()));
        let p = alias(Users, "p");
        let q = delete_from(Users).filter(p.col(users::Id).eq(1));
        assert_eq!(expect(q.to_sql(d)), ("p".into(), "id".into()));
    }
    // RETURNING names the written table's columns unqualified: another
    // table's column would silently read the written table's namesake.
    let q = delete_from(Posts).returning(users::Id);
    assert_eq!(expect(q.to_sql(&Postgres)), ("users".into(), "id".into()));
}

// ---------------------------------------------------------------------------
// Execution.

/// Users keep (2 posts), drop (1 post) and idle (none).
fn seed(c: &mut impl Connection) -> Result<[i64; 3]> {
    let keep = common::schema::add_user(c, "keep", None)?;
    let drop = common::schema::add_user(c, "drop", None)?;
    let idle = common::schema::add_user(c, "idle", None)?;
    common::schema::add_post(c, keep, "k1", 5)?;
    common::schema::add_post(c, keep, "k2", 20)?;
    common::schema::add_post(c, drop, "d1", 7)?;
    Ok([keep, drop, idle])
}

/// Every post as (title, score), by title.
fn posts_now(c: &mut impl Connection) -> Result<Vec<(String, i32)>> {
    select((posts::Title, posts::Score))
        .order_by(posts::Title)
        .load(c)
}

/// Every user as (name, fullname), by name.
fn users_now(c: &mut impl Connection) -> Result<Vec<(String, Option<String>)>> {
    select((users::Name, users::Fullname))
        .order_by(users::Name)
        .load(c)
}

fn s(v: &str) -> String {
    v.to_owned()
}

fn corr_delete_exists<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = common::setup(engine)?;
    seed(&mut *c)?;
    let q = delete_from(Posts).filter(written_by("drop"));
    assert_eq!(q.execute(&mut *c)?, 1, "only the post of `drop`");
    assert_eq!(
        q.execute(&mut *c)?,
        0,
        "the second run (a cache hit) finds none"
    );
    assert_eq!(posts_now(&mut *c)?, [(s("k1"), 5), (s("k2"), 20)]);
    // NOT EXISTS: the users without a post.
    let q = delete_from(Users).filter(not(exists(
        select(posts::Id).filter(posts::UserId.eq(users::Id)),
    )));
    assert_eq!(
        q.execute(&mut *c)?,
        2,
        "drop (now without its post) and idle"
    );
    assert_eq!(q.execute(&mut *c)?, 0);
    assert_eq!(common::schema::user_names(&mut *c)?, ["keep"]);
    Ok(())
}

fn corr_update_where_and_set<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = common::setup(engine)?;
    seed(&mut *c)?;
    let q = update(Posts)
        .set(posts::Score.set(0))
        .filter(written_by("drop"));
    assert_eq!(q.execute(&mut *c)?, 1);
    assert_eq!(q.execute(&mut *c)?, 1, "matched again (the cache hit)");
    assert_eq!(
        posts_now(&mut *c)?,
        [(s("d1"), 0), (s("k1"), 5), (s("k2"), 20)]
    );
    // SET from a correlated scalar subquery, on the users that have posts.
    let q = update(Users)
        .set(
            users::Fullname.set(
                select(max(posts::Title))
                    .filter(posts::UserId.eq(users::Id))
                    .as_scalar(),
            ),
        )
        .filter(exists(
            select(posts::Id).filter(posts::UserId.eq(users::Id)),
        ));
    assert_eq!(q.execute(&mut *c)?, 2);
    assert_eq!(q.execute(&mut *c)?, 2);
    assert_eq!(
        users_now(&mut *c)?,
        [
            (s("drop"), Some(s("d1"))),
            (s("idle"), None),
            (s("keep"), Some(s("k2")))
        ]
    );
    Ok(())
}

/// A subquery that reads the written table itself (not correlated): the
/// best score of all posts. MySQL 8 refuses it (its error 1093, from the
/// server, nothing changed); MariaDB (10.3.1+), SQLite and PostgreSQL run it.
fn corr_write_reading_its_own_table<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = common::setup(engine)?;
    seed(&mut *c)?;
    let best = select(max(posts::Score)).as_scalar();
    let q = update(Posts)
        .set(posts::Body.set("not the best"))
        .filter(posts::Score.lt(best));
    assert_eq!(q.execute(&mut *c)?, 2);
    assert_eq!(q.execute(&mut *c)?, 2);
    let bodies: Vec<(String, Option<String>)> = select((posts::Title, posts::Body))
        .order_by(posts::Title)
        .load(&mut *c)?;
    let not_best = Some(s("not the best"));
    assert_eq!(
        bodies,
        [
            (s("d1"), not_best.clone()),
            (s("k1"), not_best),
            (s("k2"), None)
        ]
    );
    let q = delete_from(Posts).filter(posts::Score.lt(select(max(posts::Score)).as_scalar()));
    assert_eq!(q.execute(&mut *c)?, 2);
    assert_eq!(q.execute(&mut *c)?, 0);
    assert_eq!(posts_now(&mut *c)?, [(s("k2"), 20)]);
    Ok(())
}

fn corr_returning_subquery<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = DynamicBackend(common::setup(engine)?);
    seed(&mut c)?;
    // Generic over the backend: UPDATE ... RETURNING is checked when
    // rendered (through `Pooled<Mysql>` it would not compile).
    let c = &mut c;
    let q = update(Users)
        .set(users::Fullname.set("seen"))
        .filter(users::Name.ne("idle"))
        .returning((
            users::Name,
            select(count_star())
                .filter(posts::UserId.eq(users::Id))
                .as_scalar(),
        ));
    if !c
        .dialect()
        .supports_returning(sqlalgebra::render::WriteKind::Update)
    {
        assert!(matches!(
            q.load::<(String, Option<i64>), _>(&mut *c)
                .as_ref()
                .map_err(sqlalgebra::Error::kind),
            Err(ErrorKind::Unsupported { .. })
        ));
        assert_eq!(users_now(&mut *c)?[0].1, None, "nothing was sent");
        return Ok(());
    }
    for _ in 0..2 {
        let mut rows: Vec<(String, Option<i64>)> = q.load(&mut *c)?;
        rows.sort();
        assert_eq!(rows, [(s("drop"), Some(1)), (s("keep"), Some(2))]);
    }
    assert_eq!(
        users_now(&mut *c)?,
        [
            (s("drop"), Some(s("seen"))),
            (s("idle"), None),
            (s("keep"), Some(s("seen")))
        ]
    );
    Ok(())
}

fn corr_upsert_set<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = common::setup(engine)?;
    seed(&mut *c)?;
    for name in ["drop", "drop", "fresh"] {
        insert_into(Users)
            .values((users::Name.set(name), users::Fullname.set("new")))
            .on_conflict(users::Name)
            .do_update(
                users::Fullname.set(
                    select(max(posts::Title))
                        .filter(posts::UserId.eq(users::Id))
                        .as_scalar(),
                ),
            )
            .execute(&mut *c)?;
    }
    assert_eq!(
        users_now(&mut *c)?,
        [
            (s("drop"), Some(s("d1"))),
            (s("fresh"), Some(s("new"))),
            (s("idle"), None),
            (s("keep"), None)
        ]
    );
    Ok(())
}

/// INSERT ... SELECT: the SELECT is not correlated to the table inserted
/// into; its NOT EXISTS is correlated to the SELECT's own `users`.
fn corr_insert_select<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = common::setup(engine)?;
    seed(&mut *c)?;
    let q = insert_into(Posts)
        .columns((posts::UserId, posts::Title, posts::Score))
        .select(
            select((users::Id, users::Name, bind::<Integer, _>(1))).filter(not(exists(
                select(posts::Id).filter(posts::UserId.eq(users::Id)),
            ))),
        );
    assert_eq!(q.execute(&mut *c)?, 1, "idle, the one user without a post");
    assert_eq!(q.execute(&mut *c)?, 0, "now every user has one");
    assert_eq!(
        posts_now(&mut *c)?,
        [(s("d1"), 7), (s("idle"), 1), (s("k1"), 5), (s("k2"), 20)]
    );
    Ok(())
}

/// Set operations and boxed SELECTs inside a DELETE: each side
/// correlated to the deleted row.
fn corr_compound_and_boxed<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = common::setup(engine)?;
    seed(&mut *c)?;
    let by = |name: &'static str| {
        select(users::Id)
            .filter(users::Id.eq(posts::UserId))
            .filter(users::Name.eq(name))
    };
    let q = delete_from(Posts).filter(exists(by("drop").union(by("nobody"))));
    assert_eq!(q.execute(&mut *c)?, 1);
    assert_eq!(q.execute(&mut *c)?, 0);
    assert_eq!(posts_now(&mut *c)?, [(s("k1"), 5), (s("k2"), 20)]);
    let boxed = select(users::Id)
        .boxed()
        .filter(users::Id.eq(posts::UserId))
        .filter(users::Name.eq("keep"));
    let q = update(Posts)
        .set(posts::Score.set(posts::Score.add(1)))
        .filter(exists(boxed))
        .filter(posts::Score.gt(10));
    assert_eq!(q.execute(&mut *c)?, 1);
    assert_eq!(q.execute(&mut *c)?, 1);
    assert_eq!(posts_now(&mut *c)?, [(s("k1"), 5), (s("k2"), 22)]);
    Ok(())
}

fn corr_derived_and_cte<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = common::setup(engine)?;
    seed(&mut *c)?;
    let up = select((users::Id, posts::Title))
        .filter(posts::UserId.eq(users::Id))
        .subquery("up");
    let q = select((users::Name, up.field::<Text>("title")))
        .from(Users)
        .join(up, up.col(users::Id).eq(users::Id))
        .order_by(up.field::<Text>("title"));
    for _ in 0..2 {
        let rows: Vec<(String, String)> = q.load(&mut *c)?;
        assert_eq!(
            rows,
            [
                (s("drop"), s("d1")),
                (s("keep"), s("k1")),
                (s("keep"), s("k2"))
            ]
        );
    }
    // A CTE's body stands on its own: it is not correlated to the query
    // around the WITH, so it finds keep's posts for every user.
    let t = cte("t");
    let q = select(users::Name)
        .filter(exists(
            select(t.col(posts::UserId)).from(t).with(
                t.as_(
                    select(posts::UserId)
                        .filter(posts::UserId.eq(users::Id))
                        .filter(users::Name.eq("keep")),
                ),
            ),
        ))
        .order_by(users::Name);
    let names: Vec<String> = q.load(&mut *c)?;
    assert_eq!(names, ["drop", "idle", "keep"]);
    Ok(())
}

fn corr_refused_before_sending<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = common::setup(engine)?;
    seed(&mut *c)?;
    let e = common::expect_err(
        update(Users)
            .set(users::Fullname.set("x"))
            .filter(posts::Score.gt(6))
            .execute(&mut *c),
    );
    assert!(
        matches!(e.kind(), ErrorKind::TableNotInStatement { table, column } if table == "posts" && column == "score"),
        "{e}"
    );
    let e = common::expect_err(
        delete_from(Users)
            .filter(posts::Score.gt(6))
            .execute(&mut *c),
    );
    assert!(
        matches!(e.kind(), ErrorKind::TableNotInStatement { .. }),
        "{e}"
    );
    assert_eq!(users_now(&mut *c)?.len(), 3);
    assert!(users_now(&mut *c)?.iter().all(|(_, f)| f.is_none()));
    assert_eq!(posts_now(&mut *c)?.len(), 3);
    Ok(())
}

on_all_backends!(
    corr_delete_exists,
    corr_update_where_and_set,
    corr_write_reading_its_own_table,
    corr_returning_subquery,
    corr_upsert_set,
    corr_insert_select,
    corr_compound_and_boxed,
    corr_derived_and_cte,
    corr_refused_before_sending,
);
