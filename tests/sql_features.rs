//! Subqueries, aliases, derived tables, set operations and CTEs: exact SQL
//! in three dialects, and execution on every backend.

mod common;

use common::on_all_backends;
use sqlalgebra::prelude::*;
use sqlalgebra::render::Dialect;
use sqlalgebra::value::ValueRef;
use sqlalgebra::{Backend, Engine, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

#[derive(Clone, Copy, Debug, Default)]
struct Emp;
impl Table for Emp {
    const NAME: &'static str = "emp";
    type Columns = (emp::Id, emp::Name, emp::Boss, emp::Salary);
    type PrimaryKey = emp::Id;
}
mod emp {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Name;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Boss;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Salary;
    impl Column for Id {
        type Table = super::Emp;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    impl Column for Name {
        type Table = super::Emp;
        type SqlType = Varchar<40>;
        const NAME: &'static str = "name";
    }
    impl Column for Boss {
        type Table = super::Emp;
        type SqlType = Nullable<BigInt>;
        const NAME: &'static str = "boss";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<Id>());
    }
    impl Column for Salary {
        type Table = super::Emp;
        type SqlType = BigInt;
        const NAME: &'static str = "salary";
    }
}

fn sql3<S: Statement>(s: &S) -> [String; 3] {
    let d: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];
    d.map(|d| s.to_sql(d).unwrap().sql)
}

#[test]
fn scalar_subquery_renders_in_select_and_where() {
    let top = select(max(emp::Salary)).as_scalar();
    let q = select(emp::Name).filter(emp::Salary.eq(top));
    let [s, p, m] = sql3(&q);
    assert_eq!(
        s,
        r#"SELECT "emp"."name" FROM "emp" WHERE "emp"."salary" = (SELECT MAX("emp"."salary") FROM "emp")"#
    );
    assert_eq!(
        p,
        r#"SELECT "emp"."name" FROM "emp" WHERE "emp"."salary" = (SELECT MAX("emp"."salary") FROM "emp")"#
    );
    assert_eq!(
        m,
        "SELECT `emp`.`name` FROM `emp` WHERE `emp`.`salary` = (SELECT MAX(`emp`.`salary`) FROM `emp`)"
    );
}

#[test]
fn correlated_subquery_does_not_list_the_outer_table() {
    let m = alias(Emp, "m");
    // Employees earning more than their boss.
    let boss_salary = select(m.col(emp::Salary))
        .from(m)
        .filter(m.col(emp::Id).eq(emp::Boss))
        .as_scalar();
    let q = select(emp::Name).filter(emp::Salary.gt(boss_salary));
    let r = q.to_sql(&Postgres).unwrap();
    assert_eq!(
        r.sql,
        r#"SELECT "emp"."name" FROM "emp" WHERE "emp"."salary" > (SELECT "m"."salary" FROM "emp" AS "m" WHERE "m"."id" = "emp"."boss")"#
    );
    let has_reports = exists(
        select(m.col(emp::Id))
            .from(m)
            .filter(m.col(emp::Boss).eq(emp::Id)),
    );
    let q = select(emp::Name).filter(has_reports);
    assert_eq!(
        q.to_sql(&Sqlite).unwrap().sql,
        r#"SELECT "emp"."name" FROM "emp" WHERE EXISTS (SELECT "m"."id" FROM "emp" AS "m" WHERE "m"."boss" = "emp"."id")"#
    );
}

#[test]
fn in_subquery_and_binds_are_numbered_across_levels() {
    let q = select(emp::Name)
        .filter(emp::Id.gt(1))
        .filter(emp::Id.in_(select(emp::Boss).filter(emp::Salary.gt(100))));
    let r = q.to_sql(&Postgres).unwrap();
    assert_eq!(
        r.sql,
        r#"SELECT "emp"."name" FROM "emp" WHERE "emp"."id" > $1 AND "emp"."id" IN (SELECT "emp"."boss" FROM "emp" WHERE "emp"."salary" > $2)"#
    );
    assert_eq!(r.binds.as_slice(), [ValueRef::Int(1), ValueRef::Int(100)]);
}

#[test]
fn self_join_through_an_alias() {
    let m = alias(Emp, "m");
    let q = select((emp::Name, m.col(emp::Name)))
        .from(Emp)
        .left_join(m, emp::Boss.eq(m.col(emp::Id)));
    let [s, _, my] = sql3(&q);
    assert_eq!(
        s,
        r#"SELECT "emp"."name", "m"."name" FROM "emp" LEFT JOIN "emp" AS "m" ON "emp"."boss" = "m"."id""#
    );
    assert_eq!(
        my,
        "SELECT `emp`.`name`, `m`.`name` FROM `emp` LEFT JOIN `emp` AS `m` ON `emp`.`boss` = `m`.`id`"
    );
}

#[test]
fn derived_table_and_labels() {
    let per_boss = select((emp::Boss, count_star().label("n")))
        .group_by(emp::Boss)
        .subquery("per_boss");
    let q = select((per_boss.col(emp::Boss), per_boss.field::<BigInt>("n")))
        .from(per_boss)
        .filter(per_boss.field::<BigInt>("n").gt(1));
    assert_eq!(
        q.to_sql(&Sqlite).unwrap().sql,
        r#"SELECT "per_boss"."boss", "per_boss"."n" FROM (SELECT "emp"."boss", COUNT(*) AS "n" FROM "emp" GROUP BY "emp"."boss") AS "per_boss" WHERE "per_boss"."n" > ?"#
    );
}

#[test]
fn set_operations_order_by_result_columns() {
    let q = select(emp::Name)
        .filter(emp::Id.lt(3))
        .union(select(emp::Name).filter(emp::Id.gt(5)))
        .order_by(emp::Name.desc())
        .limit(2);
    let [s, p, m] = sql3(&q);
    assert_eq!(
        s,
        r#"SELECT "emp"."name" FROM "emp" WHERE "emp"."id" < ? UNION SELECT "emp"."name" FROM "emp" WHERE "emp"."id" > ? ORDER BY "name" DESC LIMIT ?"#
    );
    assert!(p.ends_with(r#"ORDER BY "name" DESC LIMIT $3"#), "{p}");
    assert!(m.ends_with("ORDER BY `name` DESC LIMIT ?"), "{m}");
    for (op, kw) in [
        (
            select(emp::Id)
                .union_all(select(emp::Boss))
                .to_sql(&Sqlite)
                .unwrap()
                .sql,
            "UNION ALL",
        ),
        (
            select(emp::Id)
                .intersect(select(emp::Boss))
                .to_sql(&Sqlite)
                .unwrap()
                .sql,
            "INTERSECT",
        ),
        (
            select(emp::Id)
                .except(select(emp::Boss))
                .to_sql(&Sqlite)
                .unwrap()
                .sql,
            "EXCEPT",
        ),
    ] {
        assert_eq!(
            op,
            format!(r#"SELECT "emp"."id" FROM "emp" {kw} SELECT "emp"."boss" FROM "emp""#)
        );
    }
}

#[test]
fn recursive_cte_renders_in_three_dialects() {
    let tree = cte("tree");
    let def = tree.as_(
        select(emp::Id)
            .filter(emp::Id.eq(1))
            .union_all(select(emp::Id).join(tree, emp::Boss.eq(tree.col(emp::Id)))),
    );
    let q = select(tree.col(emp::Id)).from(tree).with_recursive(def);
    let [s, p, m] = sql3(&q);
    assert_eq!(
        s,
        r#"WITH RECURSIVE "tree" AS (SELECT "emp"."id" FROM "emp" WHERE "emp"."id" = ? UNION ALL SELECT "emp"."id" FROM "emp" INNER JOIN "tree" ON "emp"."boss" = "tree"."id") SELECT "tree"."id" FROM "tree""#
    );
    assert!(p.contains(r#"WHERE "emp"."id" = $1 UNION ALL"#), "{p}");
    assert!(
        m.starts_with("WITH RECURSIVE `tree` AS (SELECT `emp`.`id` FROM `emp`"),
        "{m}"
    );
}

#[test]
fn distinct_on_is_postgres_only() {
    let q = select((emp::Boss, emp::Name))
        .distinct_on(emp::Boss)
        .order_by((emp::Boss, emp::Salary.desc()));
    assert_eq!(
        q.to_sql(&Postgres).unwrap().sql,
        r#"SELECT DISTINCT ON ("emp"."boss") "emp"."boss", "emp"."name" FROM "emp" ORDER BY "emp"."boss", "emp"."salary" DESC"#
    );
    for d in [&Sqlite as &dyn Dialect, &Mysql] {
        assert!(matches!(
            q.to_sql(d).as_ref().map_err(sqlalgebra::Error::kind),
            Err(sqlalgebra::ErrorKind::Unsupported {
                feature: "DISTINCT ON",
                ..
            })
        ));
    }
}

fn staff<B: Backend>(engine: &Engine<B>) -> Result<Pooled<B>> {
    let mut c = engine.connect()?;
    create_all::<Emp>(&mut c)?;
    let rows = [
        (1, "ada", None, 300),
        (2, "bob", Some(1), 200),
        (3, "cy", Some(1), 350),
        (4, "di", Some(2), 100),
        (5, "ed", Some(4), 120),
    ];
    insert_into(Emp)
        .values(
            rows.iter()
                .map(|(id, n, b, s)| {
                    (
                        emp::Id.set(*id),
                        emp::Name.set(*n),
                        emp::Boss.set(*b),
                        emp::Salary.set(*s),
                    )
                })
                .collect::<Vec<_>>(),
        )
        .execute(&mut c)?;
    Ok(c)
}
use sqlalgebra::Pooled;

fn subqueries_run<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = staff(engine)?;
    let top: Vec<String> = select(emp::Name)
        .filter(emp::Salary.eq(select(max(emp::Salary)).as_scalar()))
        .load(&mut c)?;
    assert_eq!(top, ["cy"]);

    let m = alias(Emp, "m");
    let mut richer_than_boss: Vec<String> = select(emp::Name)
        .filter(
            emp::Salary.gt(select(m.col(emp::Salary))
                .from(m)
                .filter(m.col(emp::Id).eq(emp::Boss))
                .as_scalar()),
        )
        .load(&mut c)?;
    richer_than_boss.sort();
    assert_eq!(richer_than_boss, ["cy", "ed"]);

    let bosses: Vec<String> = select(emp::Name)
        .filter(exists(
            select(m.col(emp::Id))
                .from(m)
                .filter(m.col(emp::Boss).eq(emp::Id)),
        ))
        .order_by(emp::Name)
        .load(&mut c)?;
    assert_eq!(bosses, ["ada", "bob", "di"]);

    let not_bosses: Vec<String> = select(emp::Name)
        .filter(not(
            emp::Id.in_(select(emp::Boss).filter(emp::Boss.is_not_null()))
        ))
        .order_by(emp::Name)
        .load(&mut c)?;
    assert_eq!(not_bosses, ["cy", "ed"]);

    let pairs: Vec<(String, Option<String>)> = select((emp::Name, m.col(emp::Name)))
        .from(Emp)
        .left_join(m, emp::Boss.eq(m.col(emp::Id)))
        .order_by(emp::Id)
        .load(&mut c)?;
    assert_eq!(pairs[0], ("ada".to_string(), None));
    assert_eq!(pairs[4], ("ed".to_string(), Some("di".to_string())));

    let per_boss = select((emp::Boss, count_star().label("n")))
        .filter(emp::Boss.is_not_null())
        .group_by(emp::Boss)
        .subquery("per_boss");
    let busy: Vec<(Option<i64>, i64)> =
        select((per_boss.col(emp::Boss), per_boss.field::<BigInt>("n")))
            .from(per_boss)
            .filter(per_boss.field::<BigInt>("n").gt(1))
            .load(&mut c)?;
    assert_eq!(busy, [(Some(1), 2)]);
    Ok(())
}

fn set_operations_run<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = staff(engine)?;
    let names: Vec<String> = select(emp::Name)
        .filter(emp::Id.lt(3))
        .union(select(emp::Name).filter(emp::Id.gt(3)))
        .order_by(emp::Name.desc())
        .limit(3)
        .load(&mut c)?;
    assert_eq!(names, ["ed", "di", "bob"]);
    let both: Vec<i64> = select(emp::Id)
        .intersect(select(emp::Id).filter(emp::Salary.gt(150)))
        .order_by(emp::Id)
        .load(&mut c)?;
    assert_eq!(both, [1, 2, 3]);
    let only: Vec<i64> = select(emp::Id)
        .except(select(emp::Id).filter(emp::Salary.gt(150)))
        .order_by(emp::Id)
        .load(&mut c)?;
    assert_eq!(only, [4, 5]);
    let all: i64 = select(count_star())
        .from(
            select(emp::Boss)
                .union_all(select(emp::Boss))
                .subquery("twice"),
        )
        .get(&mut c)?;
    assert_eq!(all, 10);
    Ok(())
}

fn recursive_cte_walks_the_tree<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = staff(engine)?;
    let tree = cte("tree");
    let under_bob = tree.as_(
        select((emp::Id, emp::Name))
            .filter(emp::Id.eq(2))
            .union_all(select((emp::Id, emp::Name)).join(tree, emp::Boss.eq(tree.col(emp::Id)))),
    );
    let names: Vec<String> = select(tree.col(emp::Name))
        .from(tree)
        .order_by(tree.col(emp::Name))
        .with_recursive(under_bob)
        .load(&mut c)?;
    assert_eq!(names, ["bob", "di", "ed"]);

    let rich = cte("rich");
    let def = rich.as_(select((emp::Id, emp::Salary)).filter(emp::Salary.ge(200)));
    let total: Option<i64> = select(sum(rich.col(emp::Salary)))
        .from(rich)
        .with(def)
        .get(&mut c)?;
    assert_eq!(total, Some(850));
    Ok(())
}

#[test]
fn boxed_select_adds_parts_at_run_time() {
    use sqlalgebra::query::BoxedExpr;
    let build = |name: Option<&'static str>, min_salary: Option<i64>, by_salary: bool| {
        let mut q = select((emp::Id, emp::Name))
            .filter(emp::Id.gt(0).or(emp::Id.lt(-5)))
            .boxed();
        if let Some(n) = name {
            q = q.filter(emp::Name.like(n));
        }
        if let Some(s) = min_salary {
            q = q.filter(emp::Salary.ge(s));
        }
        if by_salary {
            q = q.order_by(emp::Salary.desc());
        }
        q.limit(5)
    };
    let q = build(Some("a%"), Some(10), true);
    let r = q.to_sql(&Postgres).unwrap();
    assert_eq!(
        r.sql,
        r#"SELECT "emp"."id", "emp"."name" FROM "emp" WHERE ("emp"."id" > $1 OR "emp"."id" < $2) AND "emp"."name" LIKE $3 AND "emp"."salary" >= $4 ORDER BY "emp"."salary" DESC LIMIT $5"#
    );
    assert_eq!(r.binds.len(), 5);
    let q = build(None, None, false);
    assert_eq!(
        q.to_sql(&Mysql).unwrap().sql,
        "SELECT `emp`.`id`, `emp`.`name` FROM `emp` WHERE `emp`.`id` > ? OR `emp`.`id` < ? LIMIT ?"
    );
    let mut p: BoxedExpr<'_, Bool> = emp::Id.is_not_null().boxed();
    for n in ["a", "b"] {
        p = p.and(emp::Name.ne(n)).boxed();
    }
    let m = alias(Emp, "m");
    let q = select(emp::Name)
        .boxed()
        .filter(p)
        .left_join(m, m.col(emp::Id).eq(emp::Boss));
    assert_eq!(
        q.to_sql(&Sqlite).unwrap().sql,
        r#"SELECT "emp"."name" FROM "emp" LEFT JOIN "emp" AS "m" ON "m"."id" = "emp"."boss" WHERE "emp"."id" IS NOT NULL AND "emp"."name" <> ? AND "emp"."name" <> ?"#
    );
}

fn boxed_select_runs<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = staff(engine)?;
    for (min, want) in [(None, 5usize), (Some(150), 3), (Some(1000), 0)] {
        let mut q = select(emp::Name).boxed();
        if let Some(m) = min {
            q = q.filter(emp::Salary.ge(m));
        }
        let names: Vec<String> = q.order_by(emp::Name).load(&mut c)?;
        assert_eq!(names.len(), want);
    }
    Ok(())
}

on_all_backends!(
    subqueries_run,
    set_operations_run,
    recursive_cte_walks_the_tree,
    boxed_select_runs
);
