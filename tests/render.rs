//! Exact SQL and bind values of every node of the algebra, in all three
//! dialects side by side.
//!
//! Each test reads like a table: one statement, then the SQL expected from
//! SQLite, PostgreSQL and MySQL, then the binds (the same in every dialect).

use sqlalgebra::ErrorKind;
use sqlalgebra::prelude::*;
use sqlalgebra::query::Predicate;
use sqlalgebra::render::{Dialect, SqlKey};
use sqlalgebra::schema::{Check, Index, create_table, drop_table};
use sqlalgebra::value::ValueRef as V;
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

// ---------------------------------------------------------------------------
// The schema, written by hand.

/// `users`: an autoincrement key, a unique bounded name, nullable columns,
/// defaults, a column CHECK, a table CHECK and a two-column index.
#[derive(Clone, Copy, Debug, Default)]
struct Users;
impl Table for Users {
    const NAME: &'static str = "users";
    type Columns = (
        users::Id,
        users::Name,
        users::Fullname,
        users::Age,
        users::Active,
        users::Score,
    );
    type PrimaryKey = users::Id;
    const INDEXES: &'static [Index] =
        &[index::<(users::Age, users::Active)>("ix_users_age_active")];
    const CHECKS: &'static [Check] = &[check("score_not_negative", "score >= 0")];
}

mod users {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Name;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Fullname;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Age;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Active;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Score;
    impl Column for Id {
        type Table = super::Users;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for Name {
        type Table = super::Users;
        type SqlType = Varchar<30>;
        const NAME: &'static str = "name";
        const UNIQUE: bool = true;
    }
    impl Column for Fullname {
        type Table = super::Users;
        type SqlType = Nullable<Text>;
        const NAME: &'static str = "fullname";
    }
    impl Column for Age {
        type Table = super::Users;
        type SqlType = Nullable<Integer>;
        const NAME: &'static str = "age";
        const CHECK: Option<&'static str> = Some("age >= 0");
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Int(18));
    }
    impl Column for Active {
        type Table = super::Users;
        type SqlType = Bool;
        const NAME: &'static str = "active";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Bool(true));
    }
    impl Column for Score {
        type Table = super::Users;
        type SqlType = Double;
        const NAME: &'static str = "score";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Float(0.0));
    }
}

/// `addresses`: a foreign key with ON DELETE CASCADE and an index on a TEXT
/// column (which MySQL cannot index unbounded).
#[derive(Clone, Copy, Debug, Default)]
struct Addresses;
impl Table for Addresses {
    const NAME: &'static str = "addresses";
    type Columns = (addresses::Id, addresses::UserId, addresses::Email);
    type PrimaryKey = addresses::Id;
    const INDEXES: &'static [Index] = &[unique_index::<addresses::Email>("uq_addresses_email")];
}

mod addresses {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct UserId;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Email;
    impl Column for Id {
        type Table = super::Addresses;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for UserId {
        type Table = super::Addresses;
        type SqlType = BigInt;
        const NAME: &'static str = "user_id";
        const REFERENCES: Option<ForeignKey> =
            Some(ForeignKey::to::<super::users::Id>().on_delete(ReferentialAction::Cascade));
    }
    impl Column for Email {
        type Table = super::Addresses;
        type SqlType = Text;
        const NAME: &'static str = "email";
    }
}

/// `memberships`: a composite primary key over an integer and a TEXT
/// column, a plain foreign key, defaults on TEXT columns, a SQL-expression
/// default, and the SMALLINT, REAL and BLOB types.
#[derive(Clone, Copy, Debug, Default)]
struct Memberships;
impl Table for Memberships {
    const NAME: &'static str = "memberships";
    type Columns = (
        memberships::UserId,
        memberships::Tag,
        memberships::JoinedAt,
        memberships::Note,
        memberships::Rank,
        memberships::Weight,
        memberships::Avatar,
    );
    type PrimaryKey = (memberships::UserId, memberships::Tag);
}

mod memberships {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct UserId;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Tag;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct JoinedAt;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Note;
    impl Column for UserId {
        type Table = super::Memberships;
        type SqlType = BigInt;
        const NAME: &'static str = "user_id";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::users::Id>());
    }
    impl Column for Tag {
        type Table = super::Memberships;
        type SqlType = Text;
        const NAME: &'static str = "tag";
    }
    impl Column for JoinedAt {
        type Table = super::Memberships;
        type SqlType = Text;
        const NAME: &'static str = "joined_at";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Now);
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Rank;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Weight;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Avatar;
    impl Column for Rank {
        type Table = super::Memberships;
        type SqlType = SmallInt;
        const NAME: &'static str = "rank";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Sql("1 + 1"));
    }
    impl Column for Weight {
        type Table = super::Memberships;
        type SqlType = Real;
        const NAME: &'static str = "weight";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Float(1.5));
    }
    impl Column for Avatar {
        type Table = super::Memberships;
        type SqlType = Nullable<Blob>;
        const NAME: &'static str = "avatar";
    }
    impl Column for Note {
        type Table = super::Memberships;
        type SqlType = Nullable<Text>;
        const NAME: &'static str = "note";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Text("it's new"));
    }
}

/// A table and a column whose names contain the quote characters.
#[derive(Clone, Copy, Debug, Default)]
struct Weird;
impl Table for Weird {
    const NAME: &'static str = "we\"ird";
    type Columns = (weird::BackTick, weird::Plain);
    type PrimaryKey = weird::BackTick;
}

mod weird {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct BackTick;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Plain;
    impl Column for BackTick {
        type Table = super::Weird;
        type SqlType = BigInt;
        const NAME: &'static str = "back`tick";
    }
    impl Column for Plain {
        type Table = super::Weird;
        type SqlType = Text;
        const NAME: &'static str = "plain";
    }
}

/// A unique BLOB column with a default: a key of bytes.
#[derive(Clone, Copy, Debug, Default)]
struct Digests;
impl Table for Digests {
    const NAME: &'static str = "digests";
    type Columns = (digests::Digest, digests::Raw);
    type PrimaryKey = digests::Digest;
}

mod digests {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Digest;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Raw;
    impl Column for Digest {
        type Table = super::Digests;
        type SqlType = Blob;
        const NAME: &'static str = "digest";
    }
    impl Column for Raw {
        type Table = super::Digests;
        type SqlType = Blob;
        const NAME: &'static str = "raw";
        const UNIQUE: bool = true;
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Text("x"));
    }
}

/// An autoincrement column inside a composite key: no dialect can say it.
#[derive(Clone, Copy, Debug, Default)]
struct BadKey;
impl Table for BadKey {
    const NAME: &'static str = "bad_key";
    type Columns = (bad_key::A, bad_key::B);
    type PrimaryKey = (bad_key::A, bad_key::B);
}

mod bad_key {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct A;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct B;
    impl Column for A {
        type Table = super::BadKey;
        type SqlType = BigInt;
        const NAME: &'static str = "a";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for B {
        type Table = super::BadKey;
        type SqlType = BigInt;
        const NAME: &'static str = "b";
    }
}

// ---------------------------------------------------------------------------
// The helpers.

const DIALECTS: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];

/// Renders `stmt` in the three dialects and checks the SQL of each and the
/// binds (the same in every dialect).
#[track_caller]
fn assert_sql<S: Statement>(stmt: &S, sqlite: &str, postgres: &str, mysql: &str, binds: &[V<'_>]) {
    assert_sql_binds(stmt, [sqlite, postgres, mysql], binds, binds);
}

/// Like [`assert_sql`], where PostgreSQL binds `pg_binds` (an `IN` list
/// of values is one array parameter there).
#[track_caller]
fn assert_sql_binds<S: Statement>(stmt: &S, sql: [&str; 3], binds: &[V<'_>], pg_binds: &[V<'_>]) {
    for (dialect, expected) in DIALECTS.into_iter().zip(sql) {
        let r = match stmt.to_sql(dialect) {
            Ok(r) => r,
            Err(e) => panic!("{}: rendering failed: {e}", dialect.name()),
        };
        assert_eq!(r.sql, expected, "SQL for {}", dialect.name());
        let want = if dialect.binds_arrays() {
            pg_binds
        } else {
            binds
        };
        assert_eq!(&r.binds[..], want, "binds for {}", dialect.name());
        // A statement that describes itself for the SQL cache collects the
        // same binds in its key walk.
        let mut key = SqlKey::for_dialect(dialect);
        if stmt.sql_key(&mut key) {
            assert_eq!(
                key.binds(),
                want,
                "binds of the key walk for {}",
                dialect.name()
            );
        }
    }
}

/// Like [`assert_sql`] for `SELECT ... FROM "users" WHERE <predicate>`: only
/// the predicate is spelled out.
#[track_caller]
fn check_where<P: Predicate>(
    predicate: P,
    sqlite: &str,
    postgres: &str,
    mysql: &str,
    binds: &[V<'_>],
) {
    check_where_binds(predicate, [sqlite, postgres, mysql], binds, binds);
}

/// Like [`check_where`], where PostgreSQL binds `pg_binds`.
#[track_caller]
fn check_where_binds<P: Predicate>(
    predicate: P,
    [sqlite, postgres, mysql]: [&str; 3],
    binds: &[V<'_>],
    pg_binds: &[V<'_>],
) {
    let q = select(users::Id).filter(predicate);
    assert_sql_binds(
        &q,
        [
            &format!(r#"SELECT "users"."id" FROM "users" WHERE {sqlite}"#),
            &format!(r#"SELECT "users"."id" FROM "users" WHERE {postgres}"#),
            &format!("SELECT `users`.`id` FROM `users` WHERE {mysql}"),
        ],
        binds,
        pg_binds,
    );
}

/// The error rendering `stmt` fails with, the same in every dialect.
#[track_caller]
fn render_error<S: Statement>(stmt: &S) -> String {
    let errors: Vec<String> = DIALECTS
        .into_iter()
        .map(|d| match stmt.to_sql(d) {
            Ok(r) => panic!("{} rendered `{}`, expected an error", d.name(), r.sql),
            Err(e) => format!("{e:?}"),
        })
        .collect();
    assert!(errors.iter().all(|e| *e == errors[0]), "{errors:?}");
    errors[0].clone()
}

/// The DDL of `T` in the three dialects.
#[track_caller]
fn check_ddl<T: Table>(sqlite: &[&str], postgres: &[&str], mysql: &[&str]) {
    for (dialect, expected) in DIALECTS.into_iter().zip([sqlite, postgres, mysql]) {
        let got = create_table::<T>()
            .statements(dialect)
            .unwrap_or_else(|e| panic!("{}: {e}", dialect.name()));
        assert_eq!(got, expected, "DDL for {}", dialect.name());
    }
}

// ---------------------------------------------------------------------------
// Comparisons.

#[test]
fn comparisons() {
    check_where(
        users::Id.eq(1),
        r#""users"."id" = ?"#,
        r#""users"."id" = $1"#,
        "`users`.`id` = ?",
        &[V::Int(1)],
    );
    check_where(
        users::Id.ne(2),
        r#""users"."id" <> ?"#,
        r#""users"."id" <> $1"#,
        "`users`.`id` <> ?",
        &[V::Int(2)],
    );
    check_where(
        users::Id.lt(3),
        r#""users"."id" < ?"#,
        r#""users"."id" < $1"#,
        "`users`.`id` < ?",
        &[V::Int(3)],
    );
    check_where(
        users::Id.le(4),
        r#""users"."id" <= ?"#,
        r#""users"."id" <= $1"#,
        "`users`.`id` <= ?",
        &[V::Int(4)],
    );
    check_where(
        users::Id.gt(5),
        r#""users"."id" > ?"#,
        r#""users"."id" > $1"#,
        "`users`.`id` > ?",
        &[V::Int(5)],
    );
    check_where(
        users::Id.ge(6),
        r#""users"."id" >= ?"#,
        r#""users"."id" >= $1"#,
        "`users`.`id` >= ?",
        &[V::Int(6)],
    );
}

#[test]
fn nullable_values_bind_null() {
    check_where(
        users::Age.eq(None::<i32>).or(users::Fullname.eq(Some("x"))),
        r#""users"."age" = ? OR "users"."fullname" = ?"#,
        r#""users"."age" = $1 OR "users"."fullname" = $2"#,
        "`users`.`age` = ? OR `users`.`fullname` = ?",
        &[V::Null, V::Text("x")],
    );
}

#[test]
fn a_comparison_inside_a_comparison_is_parenthesized() {
    // MySQL gives `=` and `>` the same precedence, PostgreSQL refuses to
    // chain them: the inner comparison needs parentheses everywhere.
    check_where(
        users::Active.eq(users::Id.gt(1)),
        r#""users"."active" = ("users"."id" > ?)"#,
        r#""users"."active" = ("users"."id" > $1)"#,
        "`users`.`active` = (`users`.`id` > ?)",
        &[V::Int(1)],
    );
    check_where(
        users::Id.gt(1).eq(users::Active),
        r#"("users"."id" > ?) = "users"."active""#,
        r#"("users"."id" > $1) = "users"."active""#,
        "(`users`.`id` > ?) = `users`.`active`",
        &[V::Int(1)],
    );
    check_where(
        users::Id.eq(1).is_null(),
        r#"("users"."id" = ?) IS NULL"#,
        r#"("users"."id" = $1) IS NULL"#,
        "(`users`.`id` = ?) IS NULL",
        &[V::Int(1)],
    );
}

#[test]
fn between() {
    check_where(
        users::Age.between(18, 65),
        r#""users"."age" BETWEEN ? AND ?"#,
        r#""users"."age" BETWEEN $1 AND $2"#,
        "`users`.`age` BETWEEN ? AND ?",
        &[V::Int(18), V::Int(65)],
    );
    check_where(
        users::Score.between(users::Score.sub(1.0), users::Score.add(1.0)),
        r#""users"."score" BETWEEN "users"."score" - ? AND "users"."score" + ?"#,
        r#""users"."score" BETWEEN "users"."score" - $1 AND "users"."score" + $2"#,
        "`users`.`score` BETWEEN `users`.`score` - ? AND `users`.`score` + ?",
        &[V::Float(1.0), V::Float(1.0)],
    );
}

#[test]
fn null_tests() {
    check_where(
        users::Fullname.is_null(),
        r#""users"."fullname" IS NULL"#,
        r#""users"."fullname" IS NULL"#,
        "`users`.`fullname` IS NULL",
        &[],
    );
    check_where(
        users::Fullname.is_not_null(),
        r#""users"."fullname" IS NOT NULL"#,
        r#""users"."fullname" IS NOT NULL"#,
        "`users`.`fullname` IS NOT NULL",
        &[],
    );
    check_where(
        users::Age.add(1).is_null(),
        r#""users"."age" + ? IS NULL"#,
        r#""users"."age" + $1 IS NULL"#,
        "`users`.`age` + ? IS NULL",
        &[V::Int(1)],
    );
}

// ---------------------------------------------------------------------------
// Pattern matching.

#[test]
fn like_and_not_like() {
    check_where(
        users::Name.like("a%"),
        r#""users"."name" LIKE ?"#,
        r#""users"."name" LIKE $1"#,
        "`users`.`name` LIKE ?",
        &[V::Text("a%")],
    );
    check_where(
        users::Fullname.not_like("%z"),
        r#""users"."fullname" NOT LIKE ?"#,
        r#""users"."fullname" NOT LIKE $1"#,
        "`users`.`fullname` NOT LIKE ?",
        &[V::Text("%z")],
    );
}

#[test]
fn ilike_is_native_on_postgres_and_lowered_elsewhere() {
    check_where(
        users::Name.ilike("A%"),
        r#"lower("users"."name") LIKE lower(?)"#,
        r#""users"."name" ILIKE $1"#,
        "lower(`users`.`name`) LIKE lower(?)",
        &[V::Text("A%")],
    );
    check_where(
        users::Fullname.concat("!").ilike("%X!"),
        r#"lower("users"."fullname" || ?) LIKE lower(?)"#,
        r#""users"."fullname" || $1 ILIKE $2"#,
        "lower(CONCAT(`users`.`fullname`, ?)) LIKE lower(?)",
        &[V::Text("!"), V::Text("%X!")],
    );
}

// starts_with, ends_with, contains: tests/render_literal_matching.rs.

// ---------------------------------------------------------------------------
// IN.

#[test]
fn in_and_not_in() {
    // PostgreSQL binds a list of values as one array: one text for every
    // length of the list.
    check_where_binds(
        users::Id.in_([1, 2, 3]),
        [
            r#""users"."id" IN (?, ?, ?)"#,
            r#""users"."id" = ANY($1)"#,
            "`users`.`id` IN (?, ?, ?)",
        ],
        &[V::Int(1), V::Int(2), V::Int(3)],
        &[V::Array(3), V::Int(1), V::Int(2), V::Int(3)],
    );
    check_where_binds(
        users::Name.not_in(vec!["a".to_string(), "b".to_string()]),
        [
            r#""users"."name" NOT IN (?, ?)"#,
            r#""users"."name" <> ALL($1)"#,
            "`users`.`name` NOT IN (?, ?)",
        ],
        &[V::Text("a"), V::Text("b")],
        &[V::Array(2), V::Text("a"), V::Text("b")],
    );
    // NULLs stay elements; binds around the array keep their numbers.
    check_where_binds(
        users::Fullname
            .in_([Some("a"), None])
            .and(users::Fullname.ne("b"))
            .and(users::Id.not_in([7])),
        [
            r#""users"."fullname" IN (?, ?) AND "users"."fullname" <> ? AND "users"."id" NOT IN (?)"#,
            r#""users"."fullname" = ANY($1) AND "users"."fullname" <> $2 AND "users"."id" <> ALL($3)"#,
            "`users`.`fullname` IN (?, ?) AND `users`.`fullname` <> ? AND `users`.`id` NOT IN (?)",
        ],
        &[V::Text("a"), V::Null, V::Text("b"), V::Int(7)],
        &[
            V::Array(2),
            V::Text("a"),
            V::Null,
            V::Text("b"),
            V::Array(1),
            V::Int(7),
        ],
    );
    // A bound operand would leave the array's type to guess: a plain list.
    check_where(
        bind::<BigInt, _>(2).in_([1, 2]),
        "? IN (?, ?)",
        "$1 IN ($2, $3)",
        "? IN (?, ?)",
        &[V::Int(2), V::Int(1), V::Int(2)],
    );
    check_where(
        users::Id.in_([users::Id.add(1)]),
        r#""users"."id" IN ("users"."id" + ?)"#,
        r#""users"."id" IN ("users"."id" + $1)"#,
        "`users`.`id` IN (`users`.`id` + ?)",
        &[V::Int(1)],
    );
}

#[test]
fn empty_in_lists_are_always_false_and_always_true_comparisons() {
    // They still name the expression: an aggregate in a subquery over it
    // stays the subquery's, and grouping checks it.
    check_where(
        users::Id.in_(Vec::<i64>::new()),
        r#"("users"."id" IS NULL AND 1 = 0)"#,
        r#"("users"."id" IS NULL AND 1 = 0)"#,
        "(`users`.`id` IS NULL AND 1 = 0)",
        &[],
    );
    check_where(
        users::Id.not_in(Vec::<i64>::new()),
        r#"("users"."id" IS NULL OR 1 = 1)"#,
        r#"("users"."id" IS NULL OR 1 = 1)"#,
        "(`users`.`id` IS NULL OR 1 = 1)",
        &[],
    );
    check_where(
        users::Id.in_(Vec::<i64>::new()).or(users::Id.eq(7)),
        r#"("users"."id" IS NULL AND 1 = 0) OR "users"."id" = ?"#,
        r#"("users"."id" IS NULL AND 1 = 0) OR "users"."id" = $1"#,
        "(`users`.`id` IS NULL AND 1 = 0) OR `users`.`id` = ?",
        &[V::Int(7)],
    );
    check_where(
        !users::Id.not_in([0i64; 0]),
        r#"NOT (("users"."id" IS NULL OR 1 = 1))"#,
        r#"NOT (("users"."id" IS NULL OR 1 = 1))"#,
        "NOT ((`users`.`id` IS NULL OR 1 = 1))",
        &[],
    );
    // Not a bare literal, which SQLite and MySQL would read as a column
    // position in ORDER BY, and PostgreSQL would refuse there.
    let q = select(users::Id).order_by(users::Id.in_(Vec::<i64>::new()).desc());
    assert_sql(
        &q,
        r#"SELECT "users"."id" FROM "users" ORDER BY ("users"."id" IS NULL AND 1 = 0) DESC"#,
        r#"SELECT "users"."id" FROM "users" ORDER BY ("users"."id" IS NULL AND 1 = 0) DESC"#,
        "SELECT `users`.`id` FROM `users` ORDER BY (`users`.`id` IS NULL AND 1 = 0) DESC",
        &[],
    );
}

// ---------------------------------------------------------------------------
// AND, OR, NOT and precedence.

#[test]
fn and_or_not_methods_and_functions() {
    check_where(
        users::Id.gt(1).and(users::Name.eq("a")),
        r#""users"."id" > ? AND "users"."name" = ?"#,
        r#""users"."id" > $1 AND "users"."name" = $2"#,
        "`users`.`id` > ? AND `users`.`name` = ?",
        &[V::Int(1), V::Text("a")],
    );
    check_where(
        users::Id.gt(1).or(users::Name.eq("a")),
        r#""users"."id" > ? OR "users"."name" = ?"#,
        r#""users"."id" > $1 OR "users"."name" = $2"#,
        "`users`.`id` > ? OR `users`.`name` = ?",
        &[V::Int(1), V::Text("a")],
    );
    check_where(
        not(users::Active),
        r#"NOT "users"."active""#,
        r#"NOT "users"."active""#,
        "NOT `users`.`active`",
        &[],
    );
    check_where(
        and(users::Active, or(users::Id.eq(1), not(users::Id.eq(2)))),
        r#""users"."active" AND ("users"."id" = ? OR NOT ("users"."id" = ?))"#,
        r#""users"."active" AND ("users"."id" = $1 OR NOT ("users"."id" = $2))"#,
        "`users`.`active` AND (`users`.`id` = ? OR NOT (`users`.`id` = ?))",
        &[V::Int(1), V::Int(2)],
    );
}

#[test]
fn and_or_not_operators() {
    check_where(
        users::Id.gt(1) & users::Name.like("a%"),
        r#""users"."id" > ? AND "users"."name" LIKE ?"#,
        r#""users"."id" > $1 AND "users"."name" LIKE $2"#,
        "`users`.`id` > ? AND `users`.`name` LIKE ?",
        &[V::Int(1), V::Text("a%")],
    );
    check_where(
        users::Id.gt(1) | users::Fullname.is_null(),
        r#""users"."id" > ? OR "users"."fullname" IS NULL"#,
        r#""users"."id" > $1 OR "users"."fullname" IS NULL"#,
        "`users`.`id` > ? OR `users`.`fullname` IS NULL",
        &[V::Int(1)],
    );
    check_where(
        !(users::Id.eq(1) | users::Id.eq(2)) & !users::Fullname.is_null(),
        r#"NOT ("users"."id" = ? OR "users"."id" = ?) AND NOT ("users"."fullname" IS NULL)"#,
        r#"NOT ("users"."id" = $1 OR "users"."id" = $2) AND NOT ("users"."fullname" IS NULL)"#,
        "NOT (`users`.`id` = ? OR `users`.`id` = ?) AND NOT (`users`.`fullname` IS NULL)",
        &[V::Int(1), V::Int(2)],
    );
}

#[test]
fn or_inside_and_is_parenthesized_and_inside_or_is_not() {
    check_where(
        users::Id
            .eq(1)
            .or(users::Age.eq(2))
            .and(users::Score.eq(3.0)),
        r#"("users"."id" = ? OR "users"."age" = ?) AND "users"."score" = ?"#,
        r#"("users"."id" = $1 OR "users"."age" = $2) AND "users"."score" = $3"#,
        "(`users`.`id` = ? OR `users`.`age` = ?) AND `users`.`score` = ?",
        &[V::Int(1), V::Int(2), V::Float(3.0)],
    );
    check_where(
        users::Score
            .eq(3.0)
            .and(users::Id.eq(1).or(users::Age.eq(2))),
        r#""users"."score" = ? AND ("users"."id" = ? OR "users"."age" = ?)"#,
        r#""users"."score" = $1 AND ("users"."id" = $2 OR "users"."age" = $3)"#,
        "`users`.`score` = ? AND (`users`.`id` = ? OR `users`.`age` = ?)",
        &[V::Float(3.0), V::Int(1), V::Int(2)],
    );
    check_where(
        users::Id
            .eq(1)
            .and(users::Age.eq(2))
            .or(users::Score.eq(3.0)),
        r#""users"."id" = ? AND "users"."age" = ? OR "users"."score" = ?"#,
        r#""users"."id" = $1 AND "users"."age" = $2 OR "users"."score" = $3"#,
        "`users`.`id` = ? AND `users`.`age` = ? OR `users`.`score` = ?",
        &[V::Int(1), V::Int(2), V::Float(3.0)],
    );
}

// ---------------------------------------------------------------------------
// Arithmetic and concatenation.

#[test]
fn arithmetic() {
    let q = select((
        users::Age.add(1),
        users::Age.sub(2),
        users::Score.mul(3.0),
        users::Score.div(4.0),
    ));
    assert_sql(
        &q,
        r#"SELECT "users"."age" + ?, "users"."age" - ?, "users"."score" * ?, "users"."score" / ? FROM "users""#,
        r#"SELECT "users"."age" + $1, "users"."age" - $2, "users"."score" * $3, "users"."score" / $4 FROM "users""#,
        "SELECT `users`.`age` + ?, `users`.`age` - ?, `users`.`score` * ?, `users`.`score` / ? FROM `users`",
        &[V::Int(1), V::Int(2), V::Float(3.0), V::Float(4.0)],
    );
}

#[test]
fn arithmetic_precedence() {
    // a - (b - c) keeps its parentheses; (a - b) - c needs none. MySQL
    // divides integers with DIV, as `/` would give a decimal there.
    let q = select((
        users::Id.sub(users::Id.sub(users::Id)),
        users::Id.sub(users::Id).sub(users::Id),
        users::Id.add(users::Id) * 2,
        users::Id.add(users::Id.mul(2)),
        users::Id.div(users::Id.mul(2)),
        users::Id.mul(2) / 3,
    ));
    assert_sql(
        &q,
        r#"SELECT "users"."id" - ("users"."id" - "users"."id"), "users"."id" - "users"."id" - "users"."id", ("users"."id" + "users"."id") * ?, "users"."id" + "users"."id" * ?, "users"."id" / ("users"."id" * ?), "users"."id" * ? / ? FROM "users""#,
        r#"SELECT "users"."id" - ("users"."id" - "users"."id"), "users"."id" - "users"."id" - "users"."id", ("users"."id" + "users"."id") * $1, "users"."id" + "users"."id" * $2, "users"."id" / ("users"."id" * $3), "users"."id" * $4 / $5 FROM "users""#,
        "SELECT `users`.`id` - (`users`.`id` - `users`.`id`), `users`.`id` - `users`.`id` - `users`.`id`, (`users`.`id` + `users`.`id`) * ?, `users`.`id` + `users`.`id` * ?, `users`.`id` DIV (`users`.`id` * ?), `users`.`id` * ? DIV ? FROM `users`",
        &[V::Int(2), V::Int(2), V::Int(2), V::Int(2), V::Int(3)],
    );
    check_where(
        users::Score.add(1.0).mul(2.0).gt(users::Score.sub(1.0)),
        r#"("users"."score" + ?) * ? > "users"."score" - ?"#,
        r#"("users"."score" + $1) * $2 > "users"."score" - $3"#,
        "(`users`.`score` + ?) * ? > `users`.`score` - ?",
        &[V::Float(1.0), V::Float(2.0), V::Float(1.0)],
    );
}

#[test]
fn concat_is_an_operator_except_on_mysql() {
    let q = select(users::Fullname.concat(" <").concat(users::Name).concat(">"));
    assert_sql(
        &q,
        r#"SELECT (("users"."fullname" || ?) || "users"."name") || ? FROM "users""#,
        r#"SELECT (("users"."fullname" || $1) || "users"."name") || $2 FROM "users""#,
        "SELECT CONCAT(CONCAT(CONCAT(`users`.`fullname`, ?), `users`.`name`), ?) FROM `users`",
        &[V::Text(" <"), V::Text(">")],
    );
    check_where(
        users::Fullname.concat("x").eq("yx"),
        r#""users"."fullname" || ? = ?"#,
        r#""users"."fullname" || $1 = $2"#,
        "CONCAT(`users`.`fullname`, ?) = ?",
        &[V::Text("x"), V::Text("yx")],
    );
}

// ---------------------------------------------------------------------------
// Aggregates.

#[test]
fn aggregates() {
    let q = select((
        count(users::Fullname),
        count_star(),
        sum(users::Age),
        avg(users::Score),
        min(users::Name),
        max(users::Score),
    ));
    assert_sql(
        &q,
        r#"SELECT COUNT("users"."fullname"), COUNT(*), SUM("users"."age"), AVG("users"."score"), MIN("users"."name"), MAX("users"."score") FROM "users""#,
        r#"SELECT COUNT("users"."fullname"), COUNT(*), SUM("users"."age"), AVG("users"."score"), MIN("users"."name"), MAX("users"."score") FROM "users""#,
        "SELECT COUNT(`users`.`fullname`), COUNT(*), SUM(`users`.`age`), AVG(`users`.`score`), MIN(`users`.`name`), MAX(`users`.`score`) FROM `users`",
        &[],
    );
}

#[test]
fn distinct_aggregates() {
    let q = select((
        count(users::Fullname).distinct(),
        sum(users::Age).distinct(),
        avg(users::Score.mul(2.0)).distinct(),
        min(users::Name).distinct(),
        max(users::Score).distinct(),
    ));
    assert_sql(
        &q,
        r#"SELECT COUNT(DISTINCT "users"."fullname"), SUM(DISTINCT "users"."age"), AVG(DISTINCT "users"."score" * ?), MIN(DISTINCT "users"."name"), MAX(DISTINCT "users"."score") FROM "users""#,
        r#"SELECT COUNT(DISTINCT "users"."fullname"), SUM(DISTINCT "users"."age"), AVG(DISTINCT "users"."score" * $1), MIN(DISTINCT "users"."name"), MAX(DISTINCT "users"."score") FROM "users""#,
        "SELECT COUNT(DISTINCT `users`.`fullname`), SUM(DISTINCT `users`.`age`), AVG(DISTINCT `users`.`score` * ?), MIN(DISTINCT `users`.`name`), MAX(DISTINCT `users`.`score`) FROM `users`",
        &[V::Float(2.0)],
    );
}

// ---------------------------------------------------------------------------
// SELECT: selections and FROM.

#[test]
fn select_one_column() {
    assert_sql(
        &select(users::Name),
        r#"SELECT "users"."name" FROM "users""#,
        r#"SELECT "users"."name" FROM "users""#,
        "SELECT `users`.`name` FROM `users`",
        &[],
    );
}

#[test]
fn select_an_expression_without_a_table() {
    assert_sql(
        &select(bind::<BigInt, _>(1i64)),
        "SELECT ?",
        "SELECT $1",
        "SELECT ?",
        &[V::Int(1)],
    );
    assert_sql(
        &select((count_star(), bind::<Text, _>("x"))),
        "SELECT COUNT(*), ?",
        "SELECT COUNT(*), $1",
        "SELECT COUNT(*), ?",
        &[V::Text("x")],
    );
}

#[test]
fn select_a_tuple() {
    assert_sql(
        &select((users::Id, users::Name, users::Age.is_null())),
        r#"SELECT "users"."id", "users"."name", "users"."age" IS NULL FROM "users""#,
        r#"SELECT "users"."id", "users"."name", "users"."age" IS NULL FROM "users""#,
        "SELECT `users`.`id`, `users`.`name`, `users`.`age` IS NULL FROM `users`",
        &[],
    );
}

#[test]
fn select_a_16_tuple() {
    let q = select((
        users::Id,
        users::Name,
        users::Fullname,
        users::Age,
        users::Active,
        users::Score,
        addresses::Id,
        addresses::UserId,
        addresses::Email,
        users::Id.add(1),
        users::Score.mul(2.0),
        users::Name.concat("!"),
        users::Age.is_null(),
        users::Active.eq(true),
        lower(users::Name),
        abs(addresses::Id),
    ))
    .cross_join(Addresses);
    assert_sql(
        &q,
        r#"SELECT "users"."id", "users"."name", "users"."fullname", "users"."age", "users"."active", "users"."score", "addresses"."id", "addresses"."user_id", "addresses"."email", "users"."id" + ?, "users"."score" * ?, "users"."name" || ?, "users"."age" IS NULL, "users"."active" = ?, LOWER("users"."name"), ABS("addresses"."id") FROM "users" CROSS JOIN "addresses""#,
        r#"SELECT "users"."id", "users"."name", "users"."fullname", "users"."age", "users"."active", "users"."score", "addresses"."id", "addresses"."user_id", "addresses"."email", "users"."id" + $1, "users"."score" * $2, "users"."name" || $3, "users"."age" IS NULL, "users"."active" = $4, LOWER("users"."name"), ABS("addresses"."id") FROM "users" CROSS JOIN "addresses""#,
        "SELECT `users`.`id`, `users`.`name`, `users`.`fullname`, `users`.`age`, `users`.`active`, `users`.`score`, `addresses`.`id`, `addresses`.`user_id`, `addresses`.`email`, `users`.`id` + ?, `users`.`score` * ?, CONCAT(`users`.`name`, ?), `users`.`age` IS NULL, `users`.`active` = ?, LOWER(`users`.`name`), ABS(`addresses`.`id`) FROM `users` CROSS JOIN `addresses`",
        &[V::Int(1), V::Float(2.0), V::Text("!"), V::Bool(true)],
    );
}

#[test]
fn from_is_inferred_from_filter_only_columns() {
    assert_sql(
        &select(count_star()).filter(users::Name.eq("a")),
        r#"SELECT COUNT(*) FROM "users" WHERE "users"."name" = ?"#,
        r#"SELECT COUNT(*) FROM "users" WHERE "users"."name" = $1"#,
        "SELECT COUNT(*) FROM `users` WHERE `users`.`name` = ?",
        &[V::Text("a")],
    );
}

#[test]
fn from_is_inferred_from_group_having_and_order_columns() {
    assert_sql(
        &select(count_star())
            .cross_join(Addresses)
            .group_by(users::Age)
            .having(max(addresses::Id).gt(0))
            .order_by(users::Age),
        r#"SELECT COUNT(*) FROM "users" CROSS JOIN "addresses" GROUP BY "users"."age" HAVING MAX("addresses"."id") > ? ORDER BY "users"."age""#,
        r#"SELECT COUNT(*) FROM "users" CROSS JOIN "addresses" GROUP BY "users"."age" HAVING MAX("addresses"."id") > $1 ORDER BY "users"."age""#,
        "SELECT COUNT(*) FROM `users` CROSS JOIN `addresses` GROUP BY `users`.`age` HAVING MAX(`addresses`.`id`) > ? ORDER BY `users`.`age`",
        &[V::Int(0)],
    );
}

#[test]
fn from_lists_two_tables_in_order_of_reference() {
    assert_sql(
        &select((addresses::Email, users::Name)).filter(addresses::UserId.eq(users::Id)),
        r#"SELECT "addresses"."email", "users"."name" FROM "addresses", "users" WHERE "addresses"."user_id" = "users"."id""#,
        r#"SELECT "addresses"."email", "users"."name" FROM "addresses", "users" WHERE "addresses"."user_id" = "users"."id""#,
        "SELECT `addresses`.`email`, `users`.`name` FROM `addresses`, `users` WHERE `addresses`.`user_id` = `users`.`id`",
        &[],
    );
}

#[test]
fn explicit_from() {
    assert_sql(
        &select(count_star()).from(Users),
        r#"SELECT COUNT(*) FROM "users""#,
        r#"SELECT COUNT(*) FROM "users""#,
        "SELECT COUNT(*) FROM `users`",
        &[],
    );
    // The explicit table comes first and is not repeated.
    assert_sql(
        &select((addresses::Email, users::Name))
            .from(Users)
            .cross_join(Addresses),
        r#"SELECT "addresses"."email", "users"."name" FROM "users" CROSS JOIN "addresses""#,
        r#"SELECT "addresses"."email", "users"."name" FROM "users" CROSS JOIN "addresses""#,
        "SELECT `addresses`.`email`, `users`.`name` FROM `users` CROSS JOIN `addresses`",
        &[],
    );
}

#[test]
fn inner_join() {
    assert_sql(
        &select((users::Name, addresses::Email))
            .join(Addresses, addresses::UserId.eq(users::Id))
            .filter(addresses::Email.like("%@example.com")),
        r#"SELECT "users"."name", "addresses"."email" FROM "users" INNER JOIN "addresses" ON "addresses"."user_id" = "users"."id" WHERE "addresses"."email" LIKE ?"#,
        r#"SELECT "users"."name", "addresses"."email" FROM "users" INNER JOIN "addresses" ON "addresses"."user_id" = "users"."id" WHERE "addresses"."email" LIKE $1"#,
        "SELECT `users`.`name`, `addresses`.`email` FROM `users` INNER JOIN `addresses` ON `addresses`.`user_id` = `users`.`id` WHERE `addresses`.`email` LIKE ?",
        &[V::Text("%@example.com")],
    );
}

#[test]
fn left_join_onto_an_explicit_from() {
    assert_sql(
        &select(count(addresses::Id)).from(Users).left_join(
            Addresses,
            addresses::UserId.eq(users::Id).and(addresses::Id.gt(5)),
        ),
        r#"SELECT COUNT("addresses"."id") FROM "users" LEFT JOIN "addresses" ON "addresses"."user_id" = "users"."id" AND "addresses"."id" > ?"#,
        r#"SELECT COUNT("addresses"."id") FROM "users" LEFT JOIN "addresses" ON "addresses"."user_id" = "users"."id" AND "addresses"."id" > $1"#,
        "SELECT COUNT(`addresses`.`id`) FROM `users` LEFT JOIN `addresses` ON `addresses`.`user_id` = `users`.`id` AND `addresses`.`id` > ?",
        &[V::Int(5)],
    );
}

#[test]
fn two_joins() {
    assert_sql(
        &select((users::Name, addresses::Email, memberships::Tag))
            .from(Users)
            .join(Addresses, addresses::UserId.eq(users::Id))
            .left_join(Memberships, memberships::UserId.eq(users::Id)),
        r#"SELECT "users"."name", "addresses"."email", "memberships"."tag" FROM "users" INNER JOIN "addresses" ON "addresses"."user_id" = "users"."id" LEFT JOIN "memberships" ON "memberships"."user_id" = "users"."id""#,
        r#"SELECT "users"."name", "addresses"."email", "memberships"."tag" FROM "users" INNER JOIN "addresses" ON "addresses"."user_id" = "users"."id" LEFT JOIN "memberships" ON "memberships"."user_id" = "users"."id""#,
        "SELECT `users`.`name`, `addresses`.`email`, `memberships`.`tag` FROM `users` INNER JOIN `addresses` ON `addresses`.`user_id` = `users`.`id` LEFT JOIN `memberships` ON `memberships`.`user_id` = `users`.`id`",
        &[],
    );
}

#[test]
fn a_join_with_nothing_to_join_onto_is_an_error() {
    let q = select(addresses::Email).join(Addresses, addresses::UserId.eq(users::Id));
    let e = render_error(&q);
    assert!(e.starts_with("InvalidStatement("), "{e}");
}

// ---------------------------------------------------------------------------
// SELECT: clauses.

#[test]
fn repeated_filters_are_anded() {
    assert_sql(
        &select(users::Id)
            .filter(users::Id.gt(1))
            .filter(users::Id.eq(2).or(users::Id.eq(3)))
            .filter(users::Active),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."id" > ? AND ("users"."id" = ? OR "users"."id" = ?) AND "users"."active""#,
        r#"SELECT "users"."id" FROM "users" WHERE "users"."id" > $1 AND ("users"."id" = $2 OR "users"."id" = $3) AND "users"."active""#,
        "SELECT `users`.`id` FROM `users` WHERE `users`.`id` > ? AND (`users`.`id` = ? OR `users`.`id` = ?) AND `users`.`active`",
        &[V::Int(1), V::Int(2), V::Int(3)],
    );
}

#[test]
fn order_by() {
    assert_sql(
        &select(users::Id).order_by(users::Name),
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."name""#,
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."name""#,
        "SELECT `users`.`id` FROM `users` ORDER BY `users`.`name`",
        &[],
    );
    assert_sql(
        &select(users::Id).order_by(users::Name.asc()),
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."name" ASC"#,
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."name" ASC"#,
        "SELECT `users`.`id` FROM `users` ORDER BY `users`.`name` ASC",
        &[],
    );
    assert_sql(
        &select(users::Id).order_by(users::Name.desc()),
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."name" DESC"#,
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."name" DESC"#,
        "SELECT `users`.`id` FROM `users` ORDER BY `users`.`name` DESC",
        &[],
    );
    assert_sql(
        &select(users::Id).order_by((users::Age.desc(), users::Score.add(1.0), users::Id.asc())),
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."age" DESC, "users"."score" + ?, "users"."id" ASC"#,
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."age" DESC, "users"."score" + $1, "users"."id" ASC"#,
        "SELECT `users`.`id` FROM `users` ORDER BY `users`.`age` DESC, `users`.`score` + ?, `users`.`id` ASC",
        &[V::Float(1.0)],
    );
    // A later order_by replaces the earlier one.
    assert_sql(
        &select(users::Id)
            .order_by(users::Name)
            .order_by(users::Id.desc()),
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."id" DESC"#,
        r#"SELECT "users"."id" FROM "users" ORDER BY "users"."id" DESC"#,
        "SELECT `users`.`id` FROM `users` ORDER BY `users`.`id` DESC",
        &[],
    );
}

#[test]
fn group_by_and_having() {
    assert_sql(
        &select((users::Name, count(addresses::Id)))
            .from(Users)
            .left_join(Addresses, addresses::UserId.eq(users::Id))
            .filter(users::Active)
            .group_by(users::Name)
            .having(count(addresses::Id).gt(1))
            .having(max(addresses::Id).lt(100))
            .order_by(users::Name),
        r#"SELECT "users"."name", COUNT("addresses"."id") FROM "users" LEFT JOIN "addresses" ON "addresses"."user_id" = "users"."id" WHERE "users"."active" GROUP BY "users"."name" HAVING COUNT("addresses"."id") > ? AND MAX("addresses"."id") < ? ORDER BY "users"."name""#,
        r#"SELECT "users"."name", COUNT("addresses"."id") FROM "users" LEFT JOIN "addresses" ON "addresses"."user_id" = "users"."id" WHERE "users"."active" GROUP BY "users"."name" HAVING COUNT("addresses"."id") > $1 AND MAX("addresses"."id") < $2 ORDER BY "users"."name""#,
        "SELECT `users`.`name`, COUNT(`addresses`.`id`) FROM `users` LEFT JOIN `addresses` ON `addresses`.`user_id` = `users`.`id` WHERE `users`.`active` GROUP BY `users`.`name` HAVING COUNT(`addresses`.`id`) > ? AND MAX(`addresses`.`id`) < ? ORDER BY `users`.`name`",
        &[V::Int(1), V::Int(100)],
    );
    assert_sql(
        &select((users::Age, users::Active, count_star())).group_by((users::Age, users::Active)),
        r#"SELECT "users"."age", "users"."active", COUNT(*) FROM "users" GROUP BY "users"."age", "users"."active""#,
        r#"SELECT "users"."age", "users"."active", COUNT(*) FROM "users" GROUP BY "users"."age", "users"."active""#,
        "SELECT `users`.`age`, `users`.`active`, COUNT(*) FROM `users` GROUP BY `users`.`age`, `users`.`active`",
        &[],
    );
}

#[test]
fn distinct() {
    assert_sql(
        &select(users::Name).distinct().order_by(users::Name),
        r#"SELECT DISTINCT "users"."name" FROM "users" ORDER BY "users"."name""#,
        r#"SELECT DISTINCT "users"."name" FROM "users" ORDER BY "users"."name""#,
        "SELECT DISTINCT `users`.`name` FROM `users` ORDER BY `users`.`name`",
        &[],
    );
}

#[test]
fn limit_only() {
    assert_sql(
        &select(users::Id).limit(10),
        r#"SELECT "users"."id" FROM "users" LIMIT ?"#,
        r#"SELECT "users"."id" FROM "users" LIMIT $1"#,
        "SELECT `users`.`id` FROM `users` LIMIT ?",
        &[V::Int(10)],
    );
}

#[test]
fn offset_only() {
    assert_sql(
        &select(users::Id).offset(20),
        r#"SELECT "users"."id" FROM "users" LIMIT -1 OFFSET ?"#,
        r#"SELECT "users"."id" FROM "users" OFFSET $1"#,
        "SELECT `users`.`id` FROM `users` LIMIT 18446744073709551615 OFFSET ?",
        &[V::Int(20)],
    );
}

#[test]
fn limit_and_offset() {
    assert_sql(
        &select(users::Id)
            .filter(users::Id.gt(3))
            .order_by(users::Id)
            .offset(20)
            .limit(10),
        r#"SELECT "users"."id" FROM "users" WHERE "users"."id" > ? ORDER BY "users"."id" LIMIT ? OFFSET ?"#,
        r#"SELECT "users"."id" FROM "users" WHERE "users"."id" > $1 ORDER BY "users"."id" LIMIT $2 OFFSET $3"#,
        "SELECT `users`.`id` FROM `users` WHERE `users`.`id` > ? ORDER BY `users`.`id` LIMIT ? OFFSET ?",
        &[V::Int(3), V::Int(10), V::Int(20)],
    );
}

#[test]
fn a_limit_beyond_i64_is_clamped() {
    assert_sql(
        &select(users::Id).limit(u64::MAX),
        r#"SELECT "users"."id" FROM "users" LIMIT ?"#,
        r#"SELECT "users"."id" FROM "users" LIMIT $1"#,
        "SELECT `users`.`id` FROM `users` LIMIT ?",
        &[V::Int(i64::MAX)],
    );
}

// ---------------------------------------------------------------------------
// INSERT, UPDATE, DELETE.

#[test]
fn insert_one_row() {
    assert_sql(
        &insert_into(Users).values((users::Name.set("alice"), users::Age.set(30))),
        r#"INSERT INTO "users" ("name", "age") VALUES (?, ?)"#,
        r#"INSERT INTO "users" ("name", "age") VALUES ($1, $2)"#,
        "INSERT INTO `users` (`name`, `age`) VALUES (?, ?)",
        &[V::Text("alice"), V::Int(30)],
    );
    assert_sql(
        &insert_into(Users).values(users::Name.set("bob")),
        r#"INSERT INTO "users" ("name") VALUES (?)"#,
        r#"INSERT INTO "users" ("name") VALUES ($1)"#,
        "INSERT INTO `users` (`name`) VALUES (?)",
        &[V::Text("bob")],
    );
}

#[test]
fn insert_null_through_option() {
    assert_sql(
        &insert_into(Users).values((
            users::Name.set("carol"),
            users::Fullname.set(None::<&str>),
            users::Age.set(Some(41)),
            users::Active.set(false),
            users::Score.set(1.5),
        )),
        r#"INSERT INTO "users" ("name", "fullname", "age", "active", "score") VALUES (?, ?, ?, ?, ?)"#,
        r#"INSERT INTO "users" ("name", "fullname", "age", "active", "score") VALUES ($1, $2, $3, $4, $5)"#,
        "INSERT INTO `users` (`name`, `fullname`, `age`, `active`, `score`) VALUES (?, ?, ?, ?, ?)",
        &[
            V::Text("carol"),
            V::Null,
            V::Int(41),
            V::Bool(false),
            V::Float(1.5),
        ],
    );
}

#[test]
fn insert_many_rows_from_a_vec() {
    assert_sql(
        &insert_into(Users).values(vec![
            (users::Name.set("a"), users::Fullname.set(Some("A"))),
            (users::Name.set("b"), users::Fullname.set(None)),
            (users::Name.set("c"), users::Fullname.set(Some("C"))),
        ]),
        r#"INSERT INTO "users" ("name", "fullname") VALUES (?, ?), (?, ?), (?, ?)"#,
        r#"INSERT INTO "users" ("name", "fullname") VALUES ($1, $2), ($3, $4), ($5, $6)"#,
        "INSERT INTO `users` (`name`, `fullname`) VALUES (?, ?), (?, ?), (?, ?)",
        &[
            V::Text("a"),
            V::Text("A"),
            V::Text("b"),
            V::Null,
            V::Text("c"),
            V::Text("C"),
        ],
    );
}

#[test]
fn insert_many_rows_from_an_array() {
    assert_sql(
        &insert_into(Addresses).values([
            (addresses::UserId.set(1), addresses::Email.set("a@x")),
            (addresses::UserId.set(2), addresses::Email.set("b@x")),
        ]),
        r#"INSERT INTO "addresses" ("user_id", "email") VALUES (?, ?), (?, ?)"#,
        r#"INSERT INTO "addresses" ("user_id", "email") VALUES ($1, $2), ($3, $4)"#,
        "INSERT INTO `addresses` (`user_id`, `email`) VALUES (?, ?), (?, ?)",
        &[V::Int(1), V::Text("a@x"), V::Int(2), V::Text("b@x")],
    );
}

#[test]
fn insert_of_no_rows_is_an_error() {
    let mut rows = vec![users::Name.set("x")];
    rows.clear();
    let q = insert_into(Users).values(rows);
    let e = render_error(&q);
    assert!(e.starts_with("InvalidStatement("), "{e}");
}

#[test]
fn update_with_values_and_expressions() {
    assert_sql(
        &update(Users)
            .set((
                users::Fullname.set(None::<String>),
                users::Age.set(users::Age.add(1)),
                users::Score.set(users::Score.mul(2.0).add(1.0)),
            ))
            .filter(users::Id.eq(7))
            .filter(users::Active),
        r#"UPDATE "users" SET "fullname" = ?, "age" = "users"."age" + ?, "score" = "users"."score" * ? + ? WHERE "users"."id" = ? AND "users"."active""#,
        r#"UPDATE "users" SET "fullname" = $1, "age" = "users"."age" + $2, "score" = "users"."score" * $3 + $4 WHERE "users"."id" = $5 AND "users"."active""#,
        "UPDATE `users` SET `fullname` = ?, `age` = `users`.`age` + ?, `score` = `users`.`score` * ? + ? WHERE `users`.`id` = ? AND `users`.`active`",
        &[V::Null, V::Int(1), V::Float(2.0), V::Float(1.0), V::Int(7)],
    );
}

#[test]
fn update_without_filter() {
    assert_sql(
        &update(Users).set(users::Active.set(false)),
        r#"UPDATE "users" SET "active" = ?"#,
        r#"UPDATE "users" SET "active" = $1"#,
        "UPDATE `users` SET `active` = ?",
        &[V::Bool(false)],
    );
}

#[test]
fn delete_with_and_without_filter() {
    assert_sql(
        &delete_from(Users),
        r#"DELETE FROM "users""#,
        r#"DELETE FROM "users""#,
        "DELETE FROM `users`",
        &[],
    );
    assert_sql_binds(
        &delete_from(Users)
            .filter(users::Fullname.is_null())
            .filter(users::Id.in_([1, 2])),
        [
            r#"DELETE FROM "users" WHERE "users"."fullname" IS NULL AND "users"."id" IN (?, ?)"#,
            r#"DELETE FROM "users" WHERE "users"."fullname" IS NULL AND "users"."id" = ANY($1)"#,
            "DELETE FROM `users` WHERE `users`.`fullname` IS NULL AND `users`.`id` IN (?, ?)",
        ],
        &[V::Int(1), V::Int(2)],
        &[V::Array(2), V::Int(1), V::Int(2)],
    );
}

// ---------------------------------------------------------------------------
// text().

#[test]
fn text_named_binds_become_placeholders() {
    assert_sql(
        &text("SELECT name FROM users WHERE id >= :min AND name <> :name")
            .bind("min", 1i64)
            .bind("name", "x"),
        "SELECT name FROM users WHERE id >= ? AND name <> ?",
        "SELECT name FROM users WHERE id >= $1 AND name <> $2",
        "SELECT name FROM users WHERE id >= ? AND name <> ?",
        &[V::Int(1), V::Text("x")],
    );
}

#[test]
fn text_repeated_name_binds_its_value_each_time() {
    assert_sql(
        &text("SELECT :a + :b * :a").bind("a", 2i64).bind("b", 3i64),
        "SELECT ? + ? * ?",
        "SELECT $1 + $2 * $3",
        "SELECT ? + ? * ?",
        &[V::Int(2), V::Int(3), V::Int(2)],
    );
}

#[test]
fn text_rebinding_a_name_replaces_its_value() {
    assert_sql(
        &text("SELECT :a").bind("a", 1i64).bind("a", 2i64),
        "SELECT ?",
        "SELECT $1",
        "SELECT ?",
        &[V::Int(2)],
    );
}

#[test]
fn text_leaves_quotes_comments_and_casts_alone() {
    assert_sql(
        &text("SELECT ':x', \"a:b\", `c:d`, :v::int -- :c\n/* :d */ FROM t").bind("v", "7"),
        "SELECT ':x', \"a:b\", `c:d`, ?::int -- :c\n/* :d */ FROM t",
        "SELECT ':x', \"a:b\", `c:d`, $1::int -- :c\n/* :d */ FROM t",
        "SELECT ':x', \"a:b\", `c:d`, ?::int -- :c\n/* :d */ FROM t",
        &[V::Text("7")],
    );
}

#[test]
fn text_backslashes_escape_in_mysql_and_escape_strings() {
    // `'a\'` is a whole literal in standard SQL; in MySQL the literal goes
    // on, and `:b` is inside it.
    let q = text(r"SELECT 'a\', :b").bind("b", 1i64);
    for (dialect, sql) in [
        (&Sqlite as &dyn Dialect, r"SELECT 'a\', ?"),
        (&Postgres, r"SELECT 'a\', $1"),
    ] {
        let r = q.to_sql(dialect).unwrap();
        assert_eq!(
            (r.sql.as_str(), r.binds.as_slice()),
            (sql, &[V::Int(1)][..])
        );
    }
    match q.to_sql(&Mysql).map_err(sqlalgebra::Error::into_kind) {
        Err(ErrorKind::UnusedBind { name }) => assert_eq!(name, "b"),
        other => panic!("expected UnusedBind on MySQL, got {other:?}"),
    }
    // An escape string keeps `\'` inside in every dialect.
    assert_sql(
        &text(r"SELECT E'it\'s :x', :y").bind("y", 2i64),
        r"SELECT E'it\'s :x', ?",
        r"SELECT E'it\'s :x', $1",
        r"SELECT E'it\'s :x', ?",
        &[V::Int(2)],
    );
}

#[test]
fn text_without_binds_is_unchanged() {
    assert_sql(&text("SELECT 1"), "SELECT 1", "SELECT 1", "SELECT 1", &[]);
}

#[test]
fn text_missing_bind_is_an_error() {
    let e = render_error(&text("SELECT :a, :b").bind("a", 1i64));
    assert_eq!(e, r#"MissingBind { name: "b" }"#);
    match text("SELECT :zz")
        .to_sql(&Postgres)
        .map_err(sqlalgebra::Error::into_kind)
    {
        Err(ErrorKind::MissingBind { name }) => assert_eq!(name, "zz"),
        other => panic!("expected MissingBind, got {other:?}"),
    }
}

#[test]
fn text_unused_bind_is_an_error() {
    let e = render_error(&text("SELECT :a").bind("a", 1i64).bind("nope", 2i64));
    assert_eq!(e, r#"UnusedBind { name: "nope" }"#);
    match text("SELECT ':a'")
        .bind("a", 1i64)
        .to_sql(&Sqlite)
        .map_err(sqlalgebra::Error::into_kind)
    {
        Err(ErrorKind::UnusedBind { name }) => assert_eq!(name, "a"),
        other => panic!("expected UnusedBind, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Identifiers and values.

#[test]
fn identifiers_with_embedded_quotes_are_doubled() {
    assert_sql(
        &select((weird::BackTick, weird::Plain)).filter(weird::BackTick.eq(1)),
        r#"SELECT "we""ird"."back`tick", "we""ird"."plain" FROM "we""ird" WHERE "we""ird"."back`tick" = ?"#,
        r#"SELECT "we""ird"."back`tick", "we""ird"."plain" FROM "we""ird" WHERE "we""ird"."back`tick" = $1"#,
        r#"SELECT `we"ird`.`back``tick`, `we"ird`.`plain` FROM `we"ird` WHERE `we"ird`.`back``tick` = ?"#,
        &[V::Int(1)],
    );
    assert_sql(
        &insert_into(Weird).values((weird::BackTick.set(1), weird::Plain.set("p"))),
        r#"INSERT INTO "we""ird" ("back`tick", "plain") VALUES (?, ?)"#,
        r#"INSERT INTO "we""ird" ("back`tick", "plain") VALUES ($1, $2)"#,
        r#"INSERT INTO `we"ird` (`back``tick`, `plain`) VALUES (?, ?)"#,
        &[V::Int(1), V::Text("p")],
    );
    assert_sql(
        &update(Weird).set(weird::Plain.set("q")),
        r#"UPDATE "we""ird" SET "plain" = ?"#,
        r#"UPDATE "we""ird" SET "plain" = $1"#,
        r#"UPDATE `we"ird` SET `plain` = ?"#,
        &[V::Text("q")],
    );
    assert_sql(
        &delete_from(Weird),
        r#"DELETE FROM "we""ird""#,
        r#"DELETE FROM "we""ird""#,
        r#"DELETE FROM `we"ird`"#,
        &[],
    );
}

#[test]
fn hostile_values_are_bound_never_spliced() {
    let hostile = "x'); DROP TABLE users; -- \"`\\";
    let select_q = select(users::Id)
        .filter(users::Name.eq(hostile))
        .filter(users::Fullname.like(hostile))
        .filter(users::Name.in_([hostile]));
    let insert_q = insert_into(Users).values(users::Name.set(hostile));
    let update_q = update(Users)
        .set(users::Fullname.set(hostile))
        .filter(users::Name.ne(hostile));
    let text_q = text("SELECT :v").bind("v", hostile);
    for d in DIALECTS {
        let rendered = [
            select_q.to_sql(d).unwrap(),
            insert_q.to_sql(d).unwrap(),
            update_q.to_sql(d).unwrap(),
            text_q.to_sql(d).unwrap(),
        ];
        for r in &rendered {
            assert!(!r.sql.contains("DROP"), "{}: {}", d.name(), r.sql);
            assert!(!r.sql.contains('\''), "{}: {}", d.name(), r.sql);
            assert!(
                r.binds
                    .iter()
                    .all(|b| *b == V::Text(hostile) || *b == V::Array(1)),
                "{:?}",
                r.binds
            );
        }
        let values = rendered[0].binds.iter().filter(|b| **b == V::Text(hostile));
        assert_eq!(values.count(), 3);
    }
    // And the same for the literal helpers, which bind it as it is.
    let q = select(users::Id).filter(users::Name.contains(hostile));
    for d in DIALECTS {
        let r = q.to_sql(d).unwrap();
        assert!(!r.sql.contains("DROP"), "{}", r.sql);
        assert_eq!(&r.binds[..], [V::Text(hostile)]);
    }
}

// ---------------------------------------------------------------------------
// DDL.

#[test]
fn create_table_users() {
    check_ddl::<Users>(
        &[
            r#"CREATE TABLE IF NOT EXISTS "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "name" VARCHAR(30) NOT NULL UNIQUE, "fullname" TEXT, "age" INTEGER DEFAULT 18 CHECK (age >= 0), "active" BOOLEAN NOT NULL DEFAULT 1, "score" DOUBLE PRECISION NOT NULL DEFAULT 0.0, CONSTRAINT "score_not_negative" CHECK (score >= 0))"#,
            r#"CREATE INDEX IF NOT EXISTS "ix_users_age_active" ON "users" ("age", "active")"#,
        ],
        &[
            r#"CREATE TABLE IF NOT EXISTS "users" ("id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "name" VARCHAR(30) NOT NULL UNIQUE, "fullname" TEXT, "age" INTEGER DEFAULT 18 CHECK (age >= 0), "active" BOOLEAN NOT NULL DEFAULT TRUE, "score" DOUBLE PRECISION NOT NULL DEFAULT 0.0, CONSTRAINT "score_not_negative" CHECK (score >= 0))"#,
            r#"CREATE INDEX IF NOT EXISTS "ix_users_age_active" ON "users" ("age", "active")"#,
        ],
        &[
            "CREATE TABLE IF NOT EXISTS `users` (`id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, `name` VARCHAR(30) NOT NULL UNIQUE, `fullname` LONGTEXT, `age` INT DEFAULT 18 CHECK (age >= 0), `active` BOOLEAN NOT NULL DEFAULT TRUE, `score` DOUBLE NOT NULL DEFAULT 0.0, CONSTRAINT `score_not_negative` CHECK (score >= 0), INDEX `ix_users_age_active` (`age`, `active`))",
        ],
    );
}

#[test]
fn create_table_addresses_with_foreign_key_and_unique_index() {
    check_ddl::<Addresses>(
        &[
            r#"CREATE TABLE IF NOT EXISTS "addresses" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "user_id" BIGINT NOT NULL, "email" TEXT NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE)"#,
            r#"CREATE UNIQUE INDEX IF NOT EXISTS "uq_addresses_email" ON "addresses" ("email")"#,
        ],
        &[
            r#"CREATE TABLE IF NOT EXISTS "addresses" ("id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "user_id" BIGINT NOT NULL, "email" TEXT NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE)"#,
            r#"CREATE UNIQUE INDEX IF NOT EXISTS "uq_addresses_email" ON "addresses" ("email")"#,
        ],
        &[
            "CREATE TABLE IF NOT EXISTS `addresses` (`id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, `user_id` BIGINT NOT NULL, `email` VARCHAR(255) NOT NULL, FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE, UNIQUE INDEX `uq_addresses_email` (`email`))",
        ],
    );
}

#[test]
fn create_table_with_composite_key_and_text_defaults() {
    check_ddl::<Memberships>(
        &[
            r#"CREATE TABLE IF NOT EXISTS "memberships" ("user_id" BIGINT NOT NULL, "tag" TEXT NOT NULL, "joined_at" TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, "note" TEXT DEFAULT 'it''s new', "rank" SMALLINT NOT NULL DEFAULT (1 + 1), "weight" REAL NOT NULL DEFAULT 1.5, "avatar" BLOB, PRIMARY KEY ("user_id", "tag"), FOREIGN KEY ("user_id") REFERENCES "users" ("id"))"#,
        ],
        &[
            r#"CREATE TABLE IF NOT EXISTS "memberships" ("user_id" BIGINT NOT NULL, "tag" TEXT NOT NULL, "joined_at" TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, "note" TEXT DEFAULT 'it''s new', "rank" SMALLINT NOT NULL DEFAULT (1 + 1), "weight" REAL NOT NULL DEFAULT 1.5, "avatar" BYTEA, PRIMARY KEY ("user_id", "tag"), FOREIGN KEY ("user_id") REFERENCES "users" ("id"))"#,
        ],
        // MySQL: TEXT in a key becomes VARCHAR(255); a DEFAULT on an
        // unbounded TEXT column must be a parenthesized expression.
        &[
            "CREATE TABLE IF NOT EXISTS `memberships` (`user_id` BIGINT NOT NULL, `tag` VARCHAR(255) NOT NULL, `joined_at` LONGTEXT NOT NULL DEFAULT (CURRENT_TIMESTAMP), `note` LONGTEXT DEFAULT ('it''s new'), `rank` SMALLINT NOT NULL DEFAULT (1 + 1), `weight` FLOAT NOT NULL DEFAULT 1.5, `avatar` LONGBLOB, PRIMARY KEY (`user_id`, `tag`), FOREIGN KEY (`user_id`) REFERENCES `users` (`id`))",
        ],
    );
}

#[test]
fn keyed_blobs_stay_binary() {
    check_ddl::<Digests>(
        &[
            r#"CREATE TABLE IF NOT EXISTS "digests" ("digest" BLOB NOT NULL, "raw" BLOB NOT NULL DEFAULT 'x' UNIQUE, PRIMARY KEY ("digest"))"#,
        ],
        &[
            r#"CREATE TABLE IF NOT EXISTS "digests" ("digest" BYTEA NOT NULL, "raw" BYTEA NOT NULL DEFAULT 'x' UNIQUE, PRIMARY KEY ("digest"))"#,
        ],
        // MySQL keys bytes as VARBINARY (not VARCHAR: bytes are compared
        // as bytes, and any byte is allowed); a bounded column's DEFAULT is
        // a plain literal.
        &[
            "CREATE TABLE IF NOT EXISTS `digests` (`digest` VARBINARY(255) NOT NULL, `raw` VARBINARY(255) NOT NULL DEFAULT 'x' UNIQUE, PRIMARY KEY (`digest`))",
        ],
    );
}

#[test]
fn create_table_quotes_hostile_identifiers() {
    check_ddl::<Weird>(
        &[
            r#"CREATE TABLE IF NOT EXISTS "we""ird" ("back`tick" BIGINT NOT NULL, "plain" TEXT NOT NULL, PRIMARY KEY ("back`tick"))"#,
        ],
        &[
            r#"CREATE TABLE IF NOT EXISTS "we""ird" ("back`tick" BIGINT NOT NULL, "plain" TEXT NOT NULL, PRIMARY KEY ("back`tick"))"#,
        ],
        &[
            r#"CREATE TABLE IF NOT EXISTS `we"ird` (`back``tick` BIGINT NOT NULL, `plain` LONGTEXT NOT NULL, PRIMARY KEY (`back``tick`))"#,
        ],
    );
}

#[test]
fn autoincrement_in_a_composite_key_is_an_error() {
    for d in DIALECTS {
        match create_table::<BadKey>()
            .statements(d)
            .map_err(sqlalgebra::Error::into_kind)
        {
            Err(ErrorKind::InvalidStatement(m)) => assert!(m.contains("bad_key.a"), "{m}"),
            other => panic!("{}: expected InvalidStatement, got {other:?}", d.name()),
        }
    }
}

#[test]
fn drop_table_sql() {
    let expected = [
        r#"DROP TABLE IF EXISTS "users""#,
        r#"DROP TABLE IF EXISTS "users""#,
        "DROP TABLE IF EXISTS `users`",
    ];
    for (d, e) in DIALECTS.into_iter().zip(expected) {
        assert_eq!(drop_table::<Users>().sql(d), e, "{}", d.name());
    }
    let expected = [
        r#"DROP TABLE IF EXISTS "we""ird""#,
        r#"DROP TABLE IF EXISTS "we""ird""#,
        r#"DROP TABLE IF EXISTS `we"ird`"#,
    ];
    for (d, e) in DIALECTS.into_iter().zip(expected) {
        assert_eq!(drop_table::<Weird>().sql(d), e, "{}", d.name());
    }
}
