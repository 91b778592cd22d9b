//! PostgreSQL arrays (`Array<T>` columns): the SQL on the three dialects,
//! rows stored, selected and changed on PostgreSQL with elements holding
//! quotes, braces, commas, backslashes, `NULL` as text and NULL itself,
//! and the typed refusal on SQLite and MariaDB before anything is sent.

#![allow(missing_docs)] // test-only schema

mod common;
use common::expect_err;

use sqlalgebra::expr::ArrayExpressionMethods;
use sqlalgebra::prelude::*;
use sqlalgebra::{Backend, Engine, Error, ErrorKind, Result};

#[derive(Clone, Copy, Debug, Default)]
pub struct Posts;
impl Table for Posts {
    const NAME: &'static str = "sqlarr_posts";
    type Columns = (posts::Id, posts::Tags, posts::Scores, posts::Notes);
    type PrimaryKey = posts::Id;
}
pub mod posts {
    use sqlalgebra::prelude::*;
    use sqlalgebra::types::Array;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::Posts;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Tags;
    impl Column for Tags {
        type Table = super::Posts;
        type SqlType = Array<Text>;
        const NAME: &'static str = "tags";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Scores;
    impl Column for Scores {
        type Table = super::Posts;
        type SqlType = Nullable<Array<Integer>>;
        const NAME: &'static str = "scores";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Notes;
    impl Column for Notes {
        type Table = super::Posts;
        type SqlType = Array<Nullable<Text>>;
        const NAME: &'static str = "notes";
    }
}
use posts::{Id, Notes, Scores, Tags};

/// A table without arrays, created with `Posts` in one `create_all`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Plain;
impl Table for Plain {
    const NAME: &'static str = "sqlarr_plain";
    type Columns = plain::Id;
    type PrimaryKey = plain::Id;
}
pub mod plain {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::Plain;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
}

const HOSTILE: [&str; 8] = [
    "a,b",
    "{x}",
    "quo\"te",
    "back\\slash",
    "NULL",
    "",
    " spaced ",
    "it's",
];

type PostRow = (i64, Vec<String>, Option<Vec<i32>>, Vec<Option<String>>);

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn contents<B: Backend>(conn: &mut sqlalgebra::Pooled<B>) -> Result<Vec<PostRow>> {
    select((Id, Tags, Scores, Notes))
        .order_by(Id.asc())
        .load(conn)
}

fn setup<B: Backend>(engine: &Engine<B>) -> Result<sqlalgebra::Pooled<B>> {
    let mut conn = engine.connect()?;
    drop_all::<Posts>(&mut conn)?;
    create_all::<Posts>(&mut conn)?;
    insert_into(Posts)
        .values((
            Id.set(1),
            Tags.set(HOSTILE.to_vec()),
            Scores.set(vec![3, 1, 2]),
            Notes.set(vec![Some("n1"), None, Some("NULL")]),
        ))
        .execute(&mut conn)?;
    insert_into(Posts)
        .values((
            Id.set(2),
            Tags.set(vec!["rust", "a,b"]),
            Notes.set(Vec::<Option<&str>>::new()),
        ))
        .execute(&mut conn)?;
    insert_into(Posts)
        .values((
            Id.set(3),
            Tags.set(Vec::<String>::new()),
            Scores.set(Vec::<i32>::new()),
            Notes.set(vec![None::<&str>]),
        ))
        .execute(&mut conn)?;
    Ok(conn)
}

fn stores_and_reads<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    assert_eq!(
        contents(&mut conn)?,
        [
            (
                1,
                strings(&HOSTILE),
                Some(vec![3, 1, 2]),
                vec![Some("n1".into()), None, Some("NULL".into())]
            ),
            (2, strings(&["rust", "a,b"]), None, vec![]),
            (3, vec![], Some(vec![]), vec![None]),
        ]
    );

    // 1-based subscripts, NULL past the end or on a NULL array.
    let firsts: Vec<(i64, Option<String>, Option<i32>, Option<String>)> =
        select((Id, Tags.get(1), Scores.get(3), Notes.get(2)))
            .order_by(Id.asc())
            .load(&mut conn)?;
    assert_eq!(
        firsts,
        [
            (1, Some("a,b".into()), Some(2), None),
            (2, Some("rust".into()), None, None),
            (3, None, None, None),
        ]
    );
    let lengths: Vec<(i64, i32, Option<i32>)> =
        select((Id, Tags.array_length(), Scores.array_length()))
            .order_by(Id.asc())
            .load(&mut conn)?;
    assert_eq!(lengths, [(1, 8, Some(3)), (2, 2, None), (3, 0, Some(0))]);
    Ok(())
}

fn filters<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let with_ab: Vec<i64> = select(Id)
        .filter(Tags.contains_all(vec!["a,b"]))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(with_ab, [1, 2]);
    let both: Vec<i64> = select(Id)
        .filter(Tags.contains_all(vec!["NULL", "quo\"te"]))
        .load(&mut conn)?;
    assert_eq!(both, [1]);
    // The empty array is contained in every array.
    let within: Vec<i64> = select(Id)
        .filter(Tags.contained_by(vec!["rust", "a,b", "extra"]))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(within, [2, 3]);
    let overlapping: Vec<i64> = select(Id)
        .filter(Tags.overlaps(vec!["back\\slash", "rust"]))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(overlapping, [1, 2]);
    let any: Vec<i64> = select(Id).filter(Tags.any("")).load(&mut conn)?;
    assert_eq!(any, [1]);
    let scored: Vec<i64> = select(Id).filter(Scores.any(2)).load(&mut conn)?;
    assert_eq!(scored, [1]);
    // An array column compared with itself, and in ORDER BY.
    let longest: Vec<i64> = select(Id)
        .filter(Tags.contains_all(Tags))
        .order_by(Tags.array_length().desc())
        .load(&mut conn)?;
    assert_eq!(longest, [1, 2, 3]);
    Ok(())
}

fn writes<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let changed = update(Posts)
        .set(Tags.set(vec!["it's", "new}"]))
        .filter(Tags.any("rust").or(Tags.array_length().eq(0)))
        .execute(&mut conn)?;
    assert_eq!(changed, 2);
    let deleted = delete_from(Posts)
        .filter(Scores.contains_all(vec![1, 3]))
        .execute(&mut conn)?;
    assert_eq!(deleted, 1);
    // A nullable array set from an `Option`: NULL, and an array.
    for (id, scores) in [(2, Some(vec![5, -1])), (3, None)] {
        let n = update(Posts)
            .set(Scores.set(scores))
            .filter(Id.eq(id))
            .execute(&mut conn)?;
        assert_eq!(n, 1);
    }
    assert_eq!(
        contents(&mut conn)?,
        [
            (2, strings(&["it's", "new}"]), Some(vec![5, -1]), vec![]),
            (3, strings(&["it's", "new}"]), None, vec![None]),
        ]
    );
    Ok(())
}

#[test]
fn postgres_stores_and_reads() {
    if let Some(engine) = common::postgres("stores_and_reads") {
        stores_and_reads(&engine).unwrap();
    }
}
#[test]
fn postgres_filters() {
    if let Some(engine) = common::postgres("filters") {
        filters(&engine).unwrap();
    }
}
#[test]
fn postgres_writes() {
    if let Some(engine) = common::postgres("writes") {
        writes(&engine).unwrap();
    }
}

/// Without arrays: DDL, values and operators are `ErrorKind::Unsupported`
/// before anything is sent (the plain table listed first is not created).
fn refused<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    drop_all::<(Plain, Posts)>(&mut conn)?;
    let unsupported =
        |e: Error| assert!(matches!(e.kind(), ErrorKind::Unsupported { .. }), "{e:?}");
    unsupported(expect_err(create_all::<(Plain, Posts)>(&mut conn)));
    let plain_rows: Result<Vec<i64>> = select(plain::Id).load(&mut conn);
    assert!(!matches!(
        expect_err(plain_rows).kind(),
        ErrorKind::Unsupported { .. }
    ));
    create_all::<Plain>(&mut conn)?;
    unsupported(expect_err(
        insert_into(Posts)
            .values((Id.set(1), Tags.set(vec!["a"])))
            .execute(&mut conn),
    ));
    let q: Result<Vec<i64>> = select(Id).filter(Tags.any("a")).load(&mut conn);
    unsupported(expect_err(q));
    let q: Result<Vec<Option<String>>> = select(Tags.get(1)).load(&mut conn);
    unsupported(expect_err(q));
    let q: Result<Vec<i32>> = select(Tags.array_length()).load(&mut conn);
    unsupported(expect_err(q));
    let n = delete_from(Plain).execute(&mut conn)?;
    assert_eq!(n, 0);
    drop_all::<Plain>(&mut conn)?;
    Ok(())
}

#[test]
fn sqlite_refuses() {
    refused(&common::sqlite("refuses")).unwrap();
}
#[test]
fn mysql_refuses() {
    if let Some(engine) = common::mysql("refuses") {
        refused(&engine).unwrap();
    }
}

#[test]
fn renders_on_three_dialects() {
    let q = select((Tags.get(2), Scores.array_length()))
        .filter(Tags.overlaps(vec!["a", "b"]).and(Notes.any(Some("x"))))
        .filter(Scores.contained_by(vec![1, 2]));
    let pg = q.to_sql(&sqlalgebra_postgres::Postgres).unwrap();
    assert_eq!(
        pg.sql,
        "SELECT (\"sqlarr_posts\".\"tags\")[$1], cardinality(\"sqlarr_posts\".\"scores\") \
         FROM \"sqlarr_posts\" WHERE (\"sqlarr_posts\".\"tags\" && $2) \
         AND ($3 = ANY(\"sqlarr_posts\".\"notes\")) AND (\"sqlarr_posts\".\"scores\" <@ $4)"
    );
    assert_eq!(
        format!("{:?}", pg.binds),
        "[Int(2), Array(2), Text(\"a\"), Text(\"b\"), Text(\"x\"), Array(2), Int(1), Int(2)]"
    );
    for d in [
        &sqlalgebra_sqlite::Sqlite as &dyn sqlalgebra::render::Dialect,
        &sqlalgebra_mysql::Mysql,
    ] {
        assert!(matches!(
            q.to_sql(d).as_ref().map_err(Error::kind),
            Err(ErrorKind::Unsupported { .. })
        ));
    }
    let ddl = sqlalgebra::schema::create_table::<Posts>();
    assert_eq!(
        ddl.statements(&sqlalgebra_postgres::Postgres).unwrap(),
        [
            "CREATE TABLE IF NOT EXISTS \"sqlarr_posts\" (\"id\" BIGINT NOT NULL, \
          \"tags\" TEXT[] NOT NULL, \"scores\" INTEGER[], \"notes\" TEXT[] NOT NULL, PRIMARY KEY (\"id\"))"
        ]
    );
    assert!(matches!(
        ddl.statements(&sqlalgebra_mysql::Mysql)
            .as_ref()
            .map_err(Error::kind),
        Err(ErrorKind::Unsupported {
            feature: "array columns",
            ..
        })
    ));
}
