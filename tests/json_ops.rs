//! JSON operators (`field`, `element`, `..._text`, `has_key`,
//! `contains_json`): the SQL on the three dialects, and the rows they
//! select and change on the three backends, against answers worked out
//! here from the documents inserted.

#![allow(missing_docs)] // test-only schema

mod common;
use common::{expect_err, on_all_backends};

use sqlalgebra::expr::JsonExpressionMethods;
use sqlalgebra::prelude::*;
use sqlalgebra::{Backend, Engine, Error, ErrorKind, Result};

#[derive(Clone, Copy, Debug, Default)]
pub struct Docs;
impl Table for Docs {
    const NAME: &'static str = "json_docs";
    type Columns = (docs::Id, docs::Body, docs::Tag);
    type PrimaryKey = docs::Id;
}
pub mod docs {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::Docs;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Body;
    impl Column for Body {
        type Table = super::Docs;
        type SqlType = Nullable<Json>;
        const NAME: &'static str = "body";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Tag;
    impl Column for Tag {
        type Table = super::Docs;
        type SqlType = Nullable<Text>;
        const NAME: &'static str = "tag";
    }
}
use docs::{Body, Id, Tag};

/// The documents: a member with a dot and one with a quote in its name,
/// JSON null, nested objects and arrays, a number, booleans; row 6 has
/// SQL NULL.
const DOCS: &[(i64, Option<&str>)] = &[
    (
        1,
        Some(r#"{"name": "ann", "tags": ["vip", "new"], "n": 3, "ok": true, "a.b": "dot"}"#),
    ),
    (
        2,
        Some(r#"{"name": "bob", "tags": ["new"], "n": 10, "ok": false, "user": {"city": "Oslo"}}"#),
    ),
    (
        3,
        Some(r#"{"name": null, "tags": [], "say \"hi\"": "quoted", "a": {"b": "nested"}}"#),
    ),
    (
        4,
        Some(r#"{"tags": ["vip"], "user": {"city": "Lima", "zip": null}}"#),
    ),
    (5, Some(r#"[1, 2, 3]"#)),
    (6, None),
];

fn setup<B: Backend>(engine: &Engine<B>) -> Result<sqlalgebra::Pooled<B>> {
    let mut conn = engine.connect()?;
    drop_all::<Docs>(&mut conn)?;
    create_all::<Docs>(&mut conn)?;
    for (id, body) in DOCS {
        insert_into(Docs)
            .values((Id.set(*id), Body.set(*body)))
            .execute(&mut conn)?;
    }
    Ok(conn)
}

fn reads_members_and_elements<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;

    // Text of a member: strings unquoted, booleans and numbers spelled,
    // NULL for JSON null, a missing member or a SQL NULL document.
    let rows: Vec<(i64, Option<String>, Option<String>, Option<String>)> = select((
        Id,
        Body.field_text("name"),
        Body.field_text("ok"),
        Body.field_text("n"),
    ))
    .order_by(Id.asc())
    .load(&mut conn)?;
    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        rows,
        [
            (1, s("ann"), s("true"), s("3")),
            (2, s("bob"), s("false"), s("10")),
            (3, None, None, None),
            (4, None, None, None),
            (5, None, None, None),
            (6, None, None, None),
        ]
    );

    // Keys are one member's name: a dot is not a path, a quote is quoted.
    let dotted: Vec<(i64, Option<String>, Option<String>)> =
        select((Id, Body.field_text("a.b"), Body.field_text("say \"hi\"")))
            .filter(Id.le(3))
            .order_by(Id.asc())
            .load(&mut conn)?;
    assert_eq!(
        dotted,
        [(1, s("dot"), None), (2, None, None), (3, None, s("quoted"))]
    );

    // Nested members and array elements, as text and as JSON.
    let nested: Vec<(i64, Option<String>, Option<String>, Option<String>)> = select((
        Id,
        Body.field("user").field_text("city"),
        Body.field("tags").element_text(0),
        Body.element_text(2),
    ))
    .order_by(Id.asc())
    .load(&mut conn)?;
    assert_eq!(
        nested,
        [
            (1, None, s("vip"), None),
            (2, s("Oslo"), s("new"), None),
            (3, None, None, None),
            (4, s("Lima"), s("vip"), None),
            (5, None, None, s("3")),
            (6, None, None, None),
        ]
    );
    // A member as JSON: the text of the JSON value (spacing differs
    // between backends), JSON null as `null`, a missing member as NULL.
    let json: Vec<(i64, Option<String>, Option<String>)> =
        select((Id, Body.field("tags"), Body.field("user").field("zip")))
            .filter(Id.in_([1, 4]))
            .order_by(Id.asc())
            .load(&mut conn)?;
    let squash = |v: &Option<String>| v.as_ref().map(|t| t.replace(' ', ""));
    assert_eq!(
        json.iter()
            .map(|(id, t, z)| (*id, squash(t), squash(z)))
            .collect::<Vec<_>>(),
        [
            (1, s(r#"["vip","new"]"#), None),
            (4, s(r#"["vip"]"#), s("null")),
        ]
    );
    Ok(())
}

fn filters_and_orders<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    // Which documents have a member (even a null one).
    let with_name: Vec<i64> = select(Id)
        .filter(Body.has_key("name"))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(with_name, [1, 2, 3]);
    let with_user: Vec<i64> = select(Id)
        .filter(Body.has_key("user"))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(with_user, [2, 4]);

    // Filter on a member's text; order by it (NULLs left out).
    let vip: Vec<i64> = select(Id)
        .filter(Body.field("tags").element_text(0).eq("vip"))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(vip, [1, 4]);
    let by_city: Vec<String> = select(Id)
        .filter(Body.field("user").field_text("city").is_not_null())
        .order_by(Body.field("user").field_text("city").desc())
        .load::<i64, _>(&mut conn)?
        .into_iter()
        .map(|id| id.to_string())
        .collect();
    assert_eq!(by_city, ["2", "4"]);
    Ok(())
}

fn containment<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let q = select(Id)
        .filter(Body.contains_json(r#"{"tags": ["vip"]}"#))
        .order_by(Id.asc());
    if conn.dialect().name() == "sqlite" {
        assert!(matches!(
            expect_err(q.load::<i64, _>(&mut conn)).kind(),
            ErrorKind::Unsupported { .. }
        ));
        return Ok(());
    }
    assert_eq!(q.load::<i64, _>(&mut conn)?, [1, 4]);
    let nested: Vec<i64> = select(Id)
        .filter(Body.contains_json(r#"{"user": {"city": "Oslo"}}"#))
        .load(&mut conn)?;
    assert_eq!(nested, [2]);
    Ok(())
}

/// UPDATE and DELETE filtered on JSON: exactly the matching rows change.
fn writes_filtered_on_json<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let n = update(Docs)
        .set(Tag.set("has city"))
        .filter(Body.field("user").field_text("city").is_not_null())
        .execute(&mut conn)?;
    assert_eq!(n, 2);
    let deleted = delete_from(Docs)
        .filter(Body.field_text("ok").eq("false"))
        .execute(&mut conn)?;
    assert_eq!(deleted, 1);
    let rows: Vec<(i64, Option<String>)> = select((Id, Tag)).order_by(Id.asc()).load(&mut conn)?;
    assert_eq!(
        rows,
        [
            (1, None),
            (3, None),
            (4, Some("has city".into())),
            (5, None),
            (6, None),
        ]
    );
    Ok(())
}

on_all_backends!(
    reads_members_and_elements,
    filters_and_orders,
    containment,
    writes_filtered_on_json
);

#[test]
fn renders_on_three_dialects() {
    let q = select(Body.field("user").field_text("city")).filter(
        Body.field("tags")
            .element(0)
            .is_not_null()
            .and(Body.has_key("a.b")),
    );
    let sql = |d: &dyn sqlalgebra::render::Dialect| q.to_sql(d).map(|r| r.sql);
    assert_eq!(
        sql(&sqlalgebra_postgres::Postgres).unwrap(),
        "SELECT ((\"json_docs\".\"body\" -> CAST($1 AS text)) ->> CAST($2 AS text)) FROM \"json_docs\" \
         WHERE ((\"json_docs\".\"body\" -> CAST($3 AS text)) -> CAST($4 AS integer)) IS NOT NULL \
         AND (CAST(\"json_docs\".\"body\" AS jsonb) ? $5)"
    );
    assert_eq!(
        sql(&sqlalgebra_sqlite::Sqlite).unwrap(),
        "SELECT (CASE json_type((\"json_docs\".\"body\" -> ('$.' || json_quote(?))), ('$.' || json_quote(?))) \
         WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' \
         ELSE CAST((\"json_docs\".\"body\" -> ('$.' || json_quote(?))) ->> ('$.' || json_quote(?)) AS TEXT) END) \
         FROM \"json_docs\" WHERE ((\"json_docs\".\"body\" -> ('$.' || json_quote(?))) -> ('$[' || ? || ']')) IS NOT NULL \
         AND (json_type(\"json_docs\".\"body\", ('$.' || json_quote(?))) IS NOT NULL)"
    );
    assert_eq!(
        sql(&sqlalgebra_mysql::Mysql).unwrap(),
        "SELECT (CASE JSON_TYPE(JSON_EXTRACT(JSON_EXTRACT(`json_docs`.`body`, CONCAT('$.', JSON_QUOTE(?))), CONCAT('$.', JSON_QUOTE(?)))) \
         WHEN 'NULL' THEN NULL ELSE JSON_UNQUOTE(JSON_EXTRACT(JSON_EXTRACT(`json_docs`.`body`, CONCAT('$.', JSON_QUOTE(?))), CONCAT('$.', JSON_QUOTE(?)))) END) \
         FROM `json_docs` WHERE JSON_EXTRACT(JSON_EXTRACT(`json_docs`.`body`, CONCAT('$.', JSON_QUOTE(?))), CONCAT('$[', ?, ']')) IS NOT NULL \
         AND JSON_CONTAINS_PATH(`json_docs`.`body`, 'one', CONCAT('$.', JSON_QUOTE(?)))"
    );
    let contains = select(Id).filter(Body.contains_json("{}"));
    assert!(matches!(
        contains
            .to_sql(&sqlalgebra_sqlite::Sqlite)
            .as_ref()
            .map_err(Error::kind),
        Err(ErrorKind::Unsupported { .. })
    ));
}

/// With an explicit FROM, JSON expressions are checked for scope too.
#[test]
fn scoped_with_explicit_from() -> Result<()> {
    let engine = common::sqlite("scoped");
    let mut conn = setup(&engine)?;
    let names: Vec<Option<String>> = select(Body.field_text("name"))
        .from(Docs)
        .filter(Body.has_key("name"))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(names, [Some("ann".into()), Some("bob".into()), None]);
    Ok(())
}
