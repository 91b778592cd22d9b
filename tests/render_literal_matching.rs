//! Exact SQL and binds of `starts_with`, `ends_with` and `contains` in
//! the three dialects: byte or code-point comparisons, never LIKE; the
//! needle bound as it is (twice for a prefix or suffix: its length, then
//! the comparison), the text rendered once; the same text for every
//! needle, and a key walk that collects the same binds (tests/
//! literal_matching.rs runs them). `like` keeps no ESCAPE clause.

use sqlalgebra::ErrorKind;
use sqlalgebra::prelude::*;
use sqlalgebra::query::Predicate;
use sqlalgebra::render::{Dialect, Render, SqlKey};
use sqlalgebra::value::ValueRef as V;
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

#[derive(Clone, Copy, Debug, Default)]
struct Docs;
impl Table for Docs {
    const NAME: &'static str = "docs";
    type Columns = (Id, Title, Body);
    type PrimaryKey = Id;
}
#[derive(Clone, Copy, Debug, Default)]
struct Id;
impl Column for Id {
    type Table = Docs;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
}
#[derive(Clone, Copy, Debug, Default)]
struct Title;
impl Column for Title {
    type Table = Docs;
    type SqlType = Text;
    const NAME: &'static str = "title";
}
#[derive(Clone, Copy, Debug, Default)]
struct Body;
impl Column for Body {
    type Table = Docs;
    type SqlType = Nullable<Text>;
    const NAME: &'static str = "body";
}

const DIALECTS: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];

/// `stmt` renders as `sql` (SQLite, PostgreSQL, MySQL) with `binds` in
/// every dialect, twice alike, and its key walk collects the same binds.
#[track_caller]
fn check<S: Statement>(stmt: &S, sql: [&str; 3], binds: &[V<'_>]) {
    for (dialect, expected) in DIALECTS.into_iter().zip(sql) {
        let r = stmt
            .to_sql(dialect)
            .unwrap_or_else(|e| panic!("{}: {e}", dialect.name()));
        assert_eq!(r.sql, expected, "SQL for {}", dialect.name());
        assert_eq!(&r.binds[..], binds, "binds for {}", dialect.name());
        let again = stmt.to_sql(dialect).unwrap();
        assert_eq!((again.sql, &again.binds[..]), (r.sql, &r.binds[..]));
        let mut key = SqlKey::for_dialect(dialect);
        assert!(
            stmt.sql_key(&mut key),
            "{} describes itself",
            dialect.name()
        );
        assert_eq!(key.binds(), binds, "key walk binds for {}", dialect.name());
    }
}

/// [`check`] for `SELECT id FROM docs WHERE <predicate>`.
#[track_caller]
fn check_where<P: Predicate>(predicate: P, [sqlite, pg, mysql]: [&str; 3], binds: &[V<'_>]) {
    check(
        &select(Id).filter(predicate),
        [
            &format!(r#"SELECT "docs"."id" FROM "docs" WHERE {sqlite}"#),
            &format!(r#"SELECT "docs"."id" FROM "docs" WHERE {pg}"#),
            &format!("SELECT `docs`.`id` FROM `docs` WHERE {mysql}"),
        ],
        binds,
    );
}

/// LIKE's wildcards, its old escape character, a backslash and a quote:
/// all plain characters, bound as they are.
const HOSTILE: &str = "50%_off/x\\'";

#[test]
fn starts_with_compares_a_prefix_of_bytes() {
    check_where(
        Title.starts_with(HOSTILE),
        [
            r#"SUBSTR(CAST(X'00' || "docs"."title" AS BLOB), 2, LENGTH(CAST(? AS BLOB))) = CAST(? AS BLOB)"#,
            r#"LEFT(CAST("docs"."title" AS TEXT) COLLATE "C", CHAR_LENGTH($1)) = $2"#,
            "LEFT(CAST(CONVERT(`docs`.`title` USING utf8mb4) AS BINARY), LENGTH(?)) = CAST(? AS BINARY)",
        ],
        &[V::Text(HOSTILE), V::Text(HOSTILE)],
    );
}

#[test]
fn ends_with_compares_a_suffix_of_bytes() {
    check_where(
        Body.ends_with(HOSTILE),
        [
            r#"SUBSTR(CAST("docs"."body" || X'00' AS BLOB), -1 - LENGTH(CAST(? AS BLOB))) = CAST(? || X'00' AS BLOB)"#,
            r#"RIGHT(CAST("docs"."body" AS TEXT) COLLATE "C", CHAR_LENGTH($1)) = $2"#,
            "RIGHT(CAST(CONVERT(`docs`.`body` USING utf8mb4) AS BINARY), LENGTH(?)) = CAST(? AS BINARY)",
        ],
        &[V::Text(HOSTILE), V::Text(HOSTILE)],
    );
}

#[test]
fn contains_searches_bytes() {
    check_where(
        Title.contains(HOSTILE),
        [
            r#"INSTR(CAST("docs"."title" AS BLOB), CAST(? AS BLOB)) > 0"#,
            r#"STRPOS(CAST("docs"."title" AS TEXT) COLLATE "C", $1) > 0"#,
            "INSTR(CAST(CONVERT(`docs`.`title` USING utf8mb4) AS BINARY), CAST(? AS BINARY)) > 0",
        ],
        &[V::Text(HOSTILE)],
    );
}

#[test]
fn negated_and_combined_matches_are_parenthesized() {
    check_where(
        not(Title.contains("a")).or(!Body.starts_with("")),
        [
            r#"NOT (INSTR(CAST("docs"."title" AS BLOB), CAST(? AS BLOB)) > 0) OR NOT (SUBSTR(CAST(X'00' || "docs"."body" AS BLOB), 2, LENGTH(CAST(? AS BLOB))) = CAST(? AS BLOB))"#,
            r#"NOT (STRPOS(CAST("docs"."title" AS TEXT) COLLATE "C", $1) > 0) OR NOT (LEFT(CAST("docs"."body" AS TEXT) COLLATE "C", CHAR_LENGTH($2)) = $3)"#,
            "NOT (INSTR(CAST(CONVERT(`docs`.`title` USING utf8mb4) AS BINARY), CAST(? AS BINARY)) > 0) OR NOT (LEFT(CAST(CONVERT(`docs`.`body` USING utf8mb4) AS BINARY), LENGTH(?)) = CAST(? AS BINARY))",
        ],
        &[V::Text("a"), V::Text(""), V::Text("")],
    );
    // A match compared with a boolean is parenthesized as any comparison.
    check_where(
        Title.ends_with("z").eq(false),
        [
            r#"(SUBSTR(CAST("docs"."title" || X'00' AS BLOB), -1 - LENGTH(CAST(? AS BLOB))) = CAST(? || X'00' AS BLOB)) = ?"#,
            r#"(RIGHT(CAST("docs"."title" AS TEXT) COLLATE "C", CHAR_LENGTH($1)) = $2) = $3"#,
            "(RIGHT(CAST(CONVERT(`docs`.`title` USING utf8mb4) AS BINARY), LENGTH(?)) = CAST(? AS BINARY)) = ?",
        ],
        &[V::Text("z"), V::Text("z"), V::Bool(false)],
    );
}

#[test]
fn the_text_may_be_an_expression_with_binds_rendered_once() {
    check_where(
        Title.concat("!").ends_with("x!"),
        [
            r#"SUBSTR(CAST("docs"."title" || ? || X'00' AS BLOB), -1 - LENGTH(CAST(? AS BLOB))) = CAST(? || X'00' AS BLOB)"#,
            r#"RIGHT(CAST("docs"."title" || $1 AS TEXT) COLLATE "C", CHAR_LENGTH($2)) = $3"#,
            "RIGHT(CAST(CONVERT(CONCAT(`docs`.`title`, ?) USING utf8mb4) AS BINARY), LENGTH(?)) = CAST(? AS BINARY)",
        ],
        &[V::Text("!"), V::Text("x!"), V::Text("x!")],
    );
    check_where(
        lower(Title).starts_with("é"),
        [
            r#"SUBSTR(CAST(X'00' || LOWER("docs"."title") AS BLOB), 2, LENGTH(CAST(? AS BLOB))) = CAST(? AS BLOB)"#,
            r#"LEFT(CAST(LOWER("docs"."title") AS TEXT) COLLATE "C", CHAR_LENGTH($1)) = $2"#,
            "LEFT(CAST(CONVERT(LOWER(`docs`.`title`) USING utf8mb4) AS BINARY), LENGTH(?)) = CAST(? AS BINARY)",
        ],
        &[V::Text("é"), V::Text("é")],
    );
}

#[test]
fn literal_matches_in_update_and_delete() {
    check(
        &delete_from(Docs).filter(Title.contains("%")),
        [
            r#"DELETE FROM "docs" WHERE INSTR(CAST("docs"."title" AS BLOB), CAST(? AS BLOB)) > 0"#,
            r#"DELETE FROM "docs" WHERE STRPOS(CAST("docs"."title" AS TEXT) COLLATE "C", $1) > 0"#,
            "DELETE FROM `docs` WHERE INSTR(CAST(CONVERT(`docs`.`title` USING utf8mb4) AS BINARY), CAST(? AS BINARY)) > 0",
        ],
        &[V::Text("%")],
    );
    check(
        &update(Docs)
            .set(Body.set(None::<&str>))
            .filter(Body.starts_with("_")),
        [
            r#"UPDATE "docs" SET "body" = ? WHERE SUBSTR(CAST(X'00' || "docs"."body" AS BLOB), 2, LENGTH(CAST(? AS BLOB))) = CAST(? AS BLOB)"#,
            r#"UPDATE "docs" SET "body" = $1 WHERE LEFT(CAST("docs"."body" AS TEXT) COLLATE "C", CHAR_LENGTH($2)) = $3"#,
            "UPDATE `docs` SET `body` = ? WHERE LEFT(CAST(CONVERT(`docs`.`body` USING utf8mb4) AS BINARY), LENGTH(?)) = CAST(? AS BINARY)",
        ],
        &[V::Null, V::Text("_"), V::Text("_")],
    );
}

/// The words of the key walk of `stmt` in `dialect`.
fn key_words<S: Statement>(stmt: &S, dialect: &dyn Dialect) -> Vec<usize> {
    let mut key = SqlKey::for_dialect(dialect);
    assert!(stmt.sql_key(&mut key));
    key.words().to_vec()
}

#[test]
fn the_text_and_key_do_not_depend_on_the_needle() {
    for d in DIALECTS {
        for needle in ["", "a", "%", "\u{301}", "😀 "] {
            let a = select(Id).filter(Title.starts_with(needle));
            let b = select(Id).filter(Title.starts_with("something else"));
            assert_eq!(a.to_sql(d).unwrap().sql, b.to_sql(d).unwrap().sql);
            assert_eq!(key_words(&a, d), key_words(&b, d));
        }
        // The three kinds have three texts, and three keys.
        let starts = select(Id).filter(Title.starts_with("a"));
        let ends = select(Id).filter(Title.ends_with("a"));
        let contains = select(Id).filter(Title.contains("a"));
        assert_ne!(key_words(&starts, d), key_words(&ends, d));
        assert_ne!(key_words(&ends, d), key_words(&contains, d));
        assert_ne!(starts.to_sql(d).unwrap().sql, ends.to_sql(d).unwrap().sql);
    }
}

#[test]
fn a_nul_needle_is_refused_on_postgres_only() {
    for needle in ["\0", "a\0b"] {
        let stmts = [
            select(Id)
                .filter(Title.starts_with(needle))
                .to_sql(&Postgres)
                .map(|_| ()),
            select(Id)
                .filter(Title.ends_with(needle))
                .to_sql(&Postgres)
                .map(|_| ()),
            select(Id)
                .filter(Title.contains(needle))
                .to_sql(&Postgres)
                .map(|_| ()),
        ];
        for r in stmts {
            match r.map_err(sqlalgebra::Error::into_kind) {
                Err(ErrorKind::Unsupported { dialect, feature }) => {
                    assert_eq!(dialect, "postgresql");
                    assert_eq!(
                        feature,
                        "a NUL character in text (PostgreSQL text cannot hold one)"
                    );
                }
                other => panic!("{other:?}"),
            }
        }
        for d in [&Sqlite as &dyn Dialect, &Mysql] {
            let q = select(Id).filter(Title.contains(needle));
            assert_eq!(&q.to_sql(d).unwrap().binds[..], [V::Text(needle)]);
        }
        // Never cached: each run renders, so PostgreSQL's refusal is seen.
        let q = select(Id).filter(Title.contains(needle));
        assert!(!q.sql_key(&mut SqlKey::for_dialect(&Sqlite)));
    }
}

#[test]
fn like_has_no_escape_clause() {
    check_where(
        Title.like("50/%").and(Title.not_like("a_")),
        [
            r#""docs"."title" LIKE ? AND "docs"."title" NOT LIKE ?"#,
            r#""docs"."title" LIKE $1 AND "docs"."title" NOT LIKE $2"#,
            "`docs`.`title` LIKE ? AND `docs`.`title` NOT LIKE ?",
        ],
        &[V::Text("50/%"), V::Text("a_")],
    );
}
