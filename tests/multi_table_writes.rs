//! UPDATE and DELETE that read other tables: `update(..).from(..)` and
//! `delete_from(..).using(..)`. Exact SQL in three dialects (PostgreSQL's
//! FROM / USING, MySQL's table lists, SQLite's UPDATE ... FROM and
//! DELETE ... WHERE EXISTS), and on every backend the same rows changed,
//! including a target row that matches several rows of the other table,
//! and the tables afterwards. Each write runs twice, so that the second
//! run is a hit of the SQL cache where the statement is cacheable.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate

mod common;

use common::on_all_backends;
use common::schema::{Posts, Users, add_post, add_user, posts, users};
use sqlalgebra::prelude::*;
use sqlalgebra::query::alias;
use sqlalgebra::render::{Dialect, MultiTableStyle};
use sqlalgebra::value::ValueRef as V;
use sqlalgebra::{Backend, Engine, Error, ErrorKind, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

fn sql3<S: Statement>(s: &S) -> [String; 3] {
    let d: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];
    d.map(|d| s.to_sql(d).expect("renders").sql)
}

#[test]
fn update_from_renders_per_dialect() {
    let q = update(Posts)
        .from(Users)
        .set((posts::Title.set(users::Name), posts::Score.set(1)))
        .filter(users::Id.eq(posts::UserId))
        .filter(users::Name.eq("keep"));
    assert_eq!(
        sql3(&q),
        [
            r#"UPDATE "posts" SET "title" = "users"."name", "score" = ? FROM "users" WHERE "users"."id" = "posts"."user_id" AND "users"."name" = ?"#,
            r#"UPDATE "posts" SET "title" = "users"."name", "score" = $1 FROM "users" WHERE "users"."id" = "posts"."user_id" AND "users"."name" = $2"#,
            "UPDATE `posts`, `users` SET `posts`.`title` = `users`.`name`, `posts`.`score` = ? WHERE `users`.`id` = `posts`.`user_id` AND `users`.`name` = ?",
        ]
    );
    for d in [&Sqlite as &dyn Dialect, &Postgres, &Mysql] {
        let r = q.to_sql(d).unwrap();
        assert_eq!(r.binds.as_slice(), [V::Int(1), V::Text("keep")]);
    }
}

#[test]
fn delete_using_renders_per_dialect() {
    let q = delete_from(Posts)
        .using(Users)
        .filter(users::Id.eq(posts::UserId))
        .filter(users::Name.eq("drop"));
    assert_eq!(
        sql3(&q),
        [
            r#"DELETE FROM "posts" WHERE EXISTS (SELECT 1 FROM "users" WHERE "users"."id" = "posts"."user_id" AND "users"."name" = ?)"#,
            r#"DELETE FROM "posts" USING "users" WHERE "users"."id" = "posts"."user_id" AND "users"."name" = $1"#,
            "DELETE `posts` FROM `posts`, `users` WHERE `users`.`id` = `posts`.`user_id` AND `users`.`name` = ?",
        ]
    );
    // Several sources, one under an alias; no WHERE at all.
    let u2 = alias(Users, "u2");
    let q = delete_from(Posts).using((Users, u2));
    assert_eq!(
        sql3(&q),
        [
            r#"DELETE FROM "posts" WHERE EXISTS (SELECT 1 FROM "users", "users" AS "u2")"#,
            r#"DELETE FROM "posts" USING "users", "users" AS "u2""#,
            "DELETE `posts` FROM `posts`, `users`, `users` AS `u2`",
        ]
    );
}

#[test]
fn mysql_refuses_a_subquery_reading_the_target_of_a_multi_table_write() {
    let other = alias(Posts, "other");
    let better = exists(
        select(other.col(posts::Id))
            .filter(other.col(posts::UserId).eq(posts::UserId))
            .filter(other.col(posts::Score).gt(posts::Score)),
    );
    let q = delete_from(Posts)
        .using(Users)
        .filter(users::Id.eq(posts::UserId))
        .filter(better);
    assert!(matches!(
        q.to_sql(&Mysql).as_ref().map_err(Error::kind),
        Err(ErrorKind::Unsupported { .. })
    ));
    assert!(q.to_sql(&Postgres).is_ok() && q.to_sql(&Sqlite).is_ok());
    let q = update(Posts)
        .from(Users)
        .set(posts::Score.set(0))
        .filter(users::Id.eq(posts::UserId))
        .filter(better);
    assert!(matches!(
        q.to_sql(&Mysql).as_ref().map_err(Error::kind),
        Err(ErrorKind::Unsupported { .. })
    ));
    // One table written: MariaDB (10.3.1+) reads it in a subquery.
    let q = delete_from(Posts).filter(better);
    assert!(q.to_sql(&Mysql).is_ok());
}

#[test]
fn a_table_not_named_in_from_or_using_is_refused() {
    for d in [&Sqlite as &dyn Dialect, &Postgres, &Mysql] {
        let u2 = alias(Users, "u2");
        let q = update(Posts)
            .from(Users)
            .set(posts::Score.set(0))
            .filter(u2.col(users::Id).eq(posts::UserId));
        match q.to_sql(d).map_err(sqlalgebra::Error::into_kind) {
            Err(ErrorKind::TableNotInStatement { table, column }) => {
                assert_eq!((table.as_str(), column.as_str()), ("u2", "id"));
            }
            other => panic!("expected TableNotInStatement, got {other:?}"),
        }
        let q = delete_from(Users).filter(posts::Score.gt(1));
        let e = q.to_sql(d).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("column `posts`.`score` belongs to table `posts`"),
            "{e}"
        );
    }
}

// ---------------------------------------------------------------------------
// Execution.

/// Users keep (posts k1: 5, k2: 20), drop (d1: 7) and idle (none); their
/// ids in that order.
fn seed(c: &mut impl Connection) -> Result<[i64; 3]> {
    let keep = add_user(c, "keep", None)?;
    let drop = add_user(c, "drop", None)?;
    let idle = add_user(c, "idle", None)?;
    add_post(c, keep, "k1", 5)?;
    add_post(c, keep, "k2", 20)?;
    add_post(c, drop, "d1", 7)?;
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

fn mt_update_from<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = common::setup(engine)?;
    seed(&mut *c)?;
    let q = update(Posts)
        .from(Users)
        .set(posts::Score.set(0))
        .filter(users::Id.eq(posts::UserId))
        .filter(users::Name.eq("keep"));
    assert_eq!(q.execute(&mut *c)?, 2);
    assert_eq!(q.execute(&mut *c)?, 2, "matched again (the cache hit)");
    assert_eq!(
        posts_now(&mut *c)?,
        [(s("d1"), 7), (s("k1"), 0), (s("k2"), 0)]
    );
    // SET takes its value from the other table.
    let q = update(Posts)
        .from(Users)
        .set(posts::Title.set(users::Name))
        .filter(users::Id.eq(posts::UserId))
        .filter(posts::Score.gt(0));
    assert_eq!(q.execute(&mut *c)?, 1);
    assert_eq!(q.execute(&mut *c)?, 1);
    assert_eq!(
        posts_now(&mut *c)?,
        [(s("drop"), 7), (s("k1"), 0), (s("k2"), 0)]
    );
    Ok(())
}

/// A target row that matches several rows of the other table is updated
/// once: `score + 1` adds one, not one per matching row.
fn mt_update_once_per_target_row<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = common::setup(engine)?;
    seed(&mut *c)?;
    // Every post matches all three users.
    let q = update(Posts)
        .from(Users)
        .set(posts::Score.set(posts::Score.add(1)))
        .filter(users::Name.ne("nobody"))
        .filter(posts::Score.lt(10));
    assert_eq!(q.execute(&mut *c)?, 2, "k1 and d1, once each");
    assert_eq!(
        posts_now(&mut *c)?,
        [(s("d1"), 8), (s("k1"), 6), (s("k2"), 20)]
    );
    assert_eq!(q.execute(&mut *c)?, 2);
    assert_eq!(
        posts_now(&mut *c)?,
        [(s("d1"), 9), (s("k1"), 7), (s("k2"), 20)]
    );
    // keep has two posts: it is updated once, as drop is.
    let q = update(Users)
        .from(Posts)
        .set(users::Fullname.set(users::Name.concat("!")))
        .filter(posts::UserId.eq(users::Id));
    assert_eq!(q.execute(&mut *c)?, 2);
    assert_eq!(
        users_now(&mut *c)?,
        [
            (s("drop"), Some(s("drop!"))),
            (s("idle"), None),
            (s("keep"), Some(s("keep!")))
        ]
    );
    Ok(())
}

fn mt_delete_using<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = common::setup(engine)?;
    seed(&mut *c)?;
    let q = delete_from(Posts)
        .using(Users)
        .filter(users::Id.eq(posts::UserId))
        .filter(users::Name.eq("keep"));
    assert_eq!(q.execute(&mut *c)?, 2);
    assert_eq!(
        q.execute(&mut *c)?,
        0,
        "the second run (a cache hit) finds none"
    );
    assert_eq!(posts_now(&mut *c)?, [(s("d1"), 7)]);
    assert_eq!(
        common::schema::user_names(&mut *c)?,
        ["drop", "idle", "keep"]
    );
    Ok(())
}

/// A target row that matches several rows of the other table is deleted
/// (and counted) once.
fn mt_delete_once_per_target_row<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = common::setup(engine)?;
    seed(&mut *c)?;
    // k2 and d1 each match all three users.
    let q = delete_from(Posts)
        .using(Users)
        .filter(users::Name.ne("nobody"))
        .filter(posts::Score.gt(6));
    assert_eq!(q.execute(&mut *c)?, 2);
    assert_eq!(posts_now(&mut *c)?, [(s("k1"), 5)]);
    // Users by their posts: keep has one post left, drop none.
    let q = delete_from(Users)
        .using(Posts)
        .filter(posts::UserId.eq(users::Id));
    assert_eq!(q.execute(&mut *c)?, 1);
    assert_eq!(common::schema::user_names(&mut *c)?, ["drop", "idle"]);
    assert!(
        posts_now(&mut *c)?.is_empty(),
        "k1 went with keep (cascade)"
    );
    Ok(())
}

/// An alias of the target (a self-join), a derived table with a bound
/// value, and a correlated subquery inside a multi-table write.
fn mt_alias_derived_and_subquery<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = common::setup(engine)?;
    let [keep, drop, idle] = seed(&mut *c)?;
    // Each user gets the name of the user added after it.
    let next = alias(Users, "next");
    let q = update(Users)
        .from(next)
        .set(users::Fullname.set(next.col(users::Name)))
        .filter(next.col(users::Id).eq(users::Id.add(drop - keep)));
    assert_eq!(q.execute(&mut *c)?, 2);
    assert_eq!(q.execute(&mut *c)?, 2);
    assert_eq!(idle - drop, drop - keep, "ids in steps of one");
    assert_eq!(
        users_now(&mut *c)?,
        [
            (s("drop"), Some(s("idle"))),
            (s("idle"), None),
            (s("keep"), Some(s("drop")))
        ]
    );
    // A derived table with a bind (such a statement is not cached).
    let dropped = select(users::Id)
        .filter(users::Name.eq("drop"))
        .subquery("dropped");
    let q = update(Posts)
        .from(dropped)
        .set(posts::Score.set(70))
        .filter(dropped.col(users::Id).eq(posts::UserId));
    assert_eq!(q.execute(&mut *c)?, 1);
    assert_eq!(q.execute(&mut *c)?, 1);
    // A subquery correlated to both the target and the other table: the
    // posts whose author has a better-scored post.
    let other = alias(Posts, "other");
    let q = delete_from(Posts)
        .using(Users)
        .filter(users::Id.eq(posts::UserId))
        .filter(exists(
            select(other.col(posts::Id))
                .filter(other.col(posts::UserId).eq(users::Id))
                .filter(other.col(posts::Score).gt(posts::Score)),
        ));
    assert_eq!(
        q.to_sql(&Postgres)?.sql,
        r#"DELETE FROM "posts" USING "users" WHERE "users"."id" = "posts"."user_id" AND EXISTS (SELECT "other"."id" FROM "posts" AS "other" WHERE "other"."user_id" = "users"."id" AND "other"."score" > "posts"."score")"#
    );
    if c.dialect().multi_table_style() == MultiTableStyle::TableList {
        // MySQL and MariaDB refuse a subquery that reads the table a
        // DELETE of several tables deletes from (their error 1093):
        // refused before sending.
        let e = common::expect_err(q.execute(&mut *c));
        assert!(matches!(e.kind(), ErrorKind::Unsupported { .. }), "{e}");
        delete_from(Posts)
            .filter(posts::Title.eq("k1"))
            .execute(&mut *c)?;
    } else {
        assert_eq!(q.execute(&mut *c)?, 1, "k1 (5 < 20)");
        assert_eq!(q.execute(&mut *c)?, 0);
    }
    assert_eq!(posts_now(&mut *c)?, [(s("d1"), 70), (s("k2"), 20)]);
    let q = delete_from(Posts)
        .using(dropped)
        .filter(dropped.col(users::Id).eq(posts::UserId));
    assert_eq!(q.execute(&mut *c)?, 1);
    assert_eq!(q.execute(&mut *c)?, 0);
    assert_eq!(posts_now(&mut *c)?, [(s("k2"), 20)]);
    Ok(())
}

fn mt_refused_before_sending<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = common::setup(engine)?;
    seed(&mut *c)?;
    let e = common::expect_err(
        update(Users)
            .set(users::Fullname.set("x"))
            .filter(posts::UserId.eq(users::Id))
            .execute(&mut *c),
    );
    assert!(
        matches!(e.kind(), ErrorKind::TableNotInStatement { table, column } if table == "posts" && column == "user_id"),
        "{e}"
    );
    let e = common::expect_err(
        delete_from(Posts)
            .filter(users::Name.eq("keep"))
            .execute(&mut *c),
    );
    assert!(
        matches!(e.kind(), ErrorKind::TableNotInStatement { .. }),
        "{e}"
    );
    assert!(users_now(&mut *c)?.iter().all(|(_, f)| f.is_none()));
    assert_eq!(posts_now(&mut *c)?.len(), 3);
    Ok(())
}

on_all_backends!(
    mt_update_from,
    mt_update_once_per_target_row,
    mt_delete_using,
    mt_delete_once_per_target_row,
    mt_alias_derived_and_subquery,
    mt_refused_before_sending,
);
