//! Typed columns of derived tables and CTEs (issue 17 item 4): columns
//! reached by the subquery's own columns, by label markers and by
//! position, in three dialects and on every backend.

mod common;

use common::on_all_backends;
use sqlalgebra::prelude::*;
use sqlalgebra::query::SourceColumn;
use sqlalgebra::render::Dialect;
use sqlalgebra::{Backend, Engine, Pooled, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

#[derive(Clone, Copy, Debug, Default)]
struct Emp;
impl Table for Emp {
    const NAME: &'static str = "td_emp";
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
    }
    impl Column for Salary {
        type Table = super::Emp;
        type SqlType = BigInt;
        const NAME: &'static str = "salary";
    }
}

/// The number of reports of a boss.
struct Reports;
impl Label for Reports {
    const NAME: &'static str = "reports";
}
/// The payroll under a boss.
struct Payroll;
impl Label for Payroll {
    const NAME: &'static str = "payroll";
}
/// The top of a chain of bosses.
struct Root;
impl Label for Root {
    const NAME: &'static str = "root";
}

fn sql3<S: Statement>(s: &S) -> [String; 3] {
    let d: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];
    d.map(|d| s.to_sql(d).unwrap().sql)
}

/// A column is typed by what the subquery selected under it (checked at
/// compile time by this function's signature).
fn typed<ST>(_: SourceColumn<ST>) {}

#[test]
fn label_markers_render_in_three_dialects() {
    let per_boss = select((
        emp::Boss,
        count_star().label(Reports),
        sum(emp::Salary).label(Payroll),
    ))
    .group_by(emp::Boss)
    .subquery("per_boss");
    typed::<Nullable<BigInt>>(per_boss.col(emp::Boss));
    typed::<BigInt>(per_boss.col(Reports));
    typed::<Nullable<BigInt>>(per_boss.col(Payroll));
    let q = select((per_boss.col(emp::Boss), per_boss.col(Payroll)))
        .from(per_boss)
        .filter(per_boss.col(Reports).gt(1))
        .order_by(per_boss.col(Payroll).desc());
    let [s, p, m] = sql3(&q);
    assert_eq!(
        s,
        r#"SELECT "per_boss"."boss", "per_boss"."payroll" FROM (SELECT "td_emp"."boss", COUNT(*) AS "reports", SUM("td_emp"."salary") AS "payroll" FROM "td_emp" GROUP BY "td_emp"."boss") AS "per_boss" WHERE "per_boss"."reports" > ? ORDER BY "per_boss"."payroll" DESC"#
    );
    assert_eq!(
        p,
        r#"SELECT "per_boss"."boss", "per_boss"."payroll" FROM (SELECT "td_emp"."boss", COUNT(*) AS "reports", SUM("td_emp"."salary") AS "payroll" FROM "td_emp" GROUP BY "td_emp"."boss") AS "per_boss" WHERE "per_boss"."reports" > $1 ORDER BY "per_boss"."payroll" DESC"#
    );
    assert_eq!(
        m,
        "SELECT `per_boss`.`boss`, `per_boss`.`payroll` FROM (SELECT `td_emp`.`boss`, COUNT(*) AS `reports`, SUM(`td_emp`.`salary`) AS `payroll` FROM `td_emp` GROUP BY `td_emp`.`boss`) AS `per_boss` WHERE `per_boss`.`reports` > ? ORDER BY `per_boss`.`payroll` DESC"
    );
}

#[test]
fn positional_columns_follow_the_select_list() {
    // String labels, table columns and labels markers alike, in order.
    let sub = select((
        emp::Name,
        emp::Salary.mul(2).label("double"),
        emp::Id.label(Root),
    ))
    .subquery("sub");
    let (name, double, root) = sub.c();
    typed::<Varchar<40>>(name);
    typed::<BigInt>(double);
    typed::<BigInt>(root);
    let q = select((name, double, root)).from(sub);
    let [s, p, m] = sql3(&q);
    assert_eq!(
        s,
        r#"SELECT "sub"."name", "sub"."double", "sub"."root" FROM (SELECT "td_emp"."name", "td_emp"."salary" * ? AS "double", "td_emp"."id" AS "root" FROM "td_emp") AS "sub""#
    );
    assert!(p.contains(r#""td_emp"."salary" * $1 AS "double""#), "{p}");
    assert!(
        m.starts_with("SELECT `sub`.`name`, `sub`.`double`, `sub`.`root` FROM (SELECT"),
        "{m}"
    );
    // The string form stays as the escape hatch and renders the same.
    assert_eq!(
        select(sub.field::<BigInt>("double"))
            .from(sub)
            .to_sql(&Sqlite)
            .unwrap()
            .sql,
        select(double).from(sub).to_sql(&Sqlite).unwrap().sql
    );
}

#[test]
fn cte_and_union_columns_are_typed() {
    // A CTE's columns come from its query; a set operation's from its
    // first SELECT.
    let rich = cte("rich").as_(
        select((emp::Id, emp::Salary.label(Payroll)))
            .filter(emp::Salary.ge(300))
            .union(select((emp::Id, emp::Salary)).filter(emp::Id.eq(1))),
    );
    typed::<BigInt>(rich.col(Payroll));
    let q = select(sum(rich.col(Payroll))).from(rich).with(rich);
    let [s, p, m] = sql3(&q);
    assert_eq!(
        s,
        r#"WITH "rich" AS (SELECT "td_emp"."id", "td_emp"."salary" AS "payroll" FROM "td_emp" WHERE "td_emp"."salary" >= ? UNION SELECT "td_emp"."id", "td_emp"."salary" FROM "td_emp" WHERE "td_emp"."id" = ?) SELECT SUM("rich"."payroll") FROM "rich""#
    );
    assert!(
        p.contains(r#"WHERE "td_emp"."id" = $2) SELECT SUM("rich"."payroll") FROM "rich""#),
        "{p}"
    );
    assert!(
        m.starts_with("WITH `rich` AS (SELECT `td_emp`.`id`, `td_emp`.`salary` AS `payroll`"),
        "{m}"
    );
}

#[test]
fn recursive_cte_is_typed_by_its_anchor() {
    let anchor = select((emp::Id, emp::Id.label(Root))).filter(emp::Boss.eq(1));
    let tree = cte("tree").selecting(&anchor);
    typed::<BigInt>(tree.col(Root));
    let def =
        tree.as_(anchor.union_all(
            select((emp::Id, tree.col(Root))).join(tree, emp::Boss.eq(tree.col(emp::Id))),
        ));
    let q = select((def.col(emp::Id), def.col(Root)))
        .from(def)
        .order_by(def.col(emp::Id))
        .with_recursive(def);
    let [s, p, m] = sql3(&q);
    assert_eq!(
        s,
        r#"WITH RECURSIVE "tree" AS (SELECT "td_emp"."id", "td_emp"."id" AS "root" FROM "td_emp" WHERE "td_emp"."boss" = ? UNION ALL SELECT "td_emp"."id", "tree"."root" FROM "td_emp" INNER JOIN "tree" ON "td_emp"."boss" = "tree"."id") SELECT "tree"."id", "tree"."root" FROM "tree" ORDER BY "tree"."id""#
    );
    assert!(p.contains(r#"WHERE "td_emp"."boss" = $1 UNION ALL"#), "{p}");
    assert!(
        m.starts_with("WITH RECURSIVE `tree` AS (SELECT `td_emp`.`id`, `td_emp`.`id` AS `root`"),
        "{m}"
    );
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

fn derived_columns_load<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = staff(engine)?;
    let per_boss = select((
        emp::Boss,
        count_star().label(Reports),
        sum(emp::Salary).label(Payroll),
    ))
    .filter(emp::Boss.is_not_null())
    .group_by(emp::Boss)
    .subquery("per_boss");
    let rows: Vec<(Option<i64>, i64, Option<i64>)> = select((
        per_boss.col(emp::Boss),
        per_boss.col(Reports),
        per_boss.col(Payroll),
    ))
    .from(per_boss)
    .order_by(per_boss.col(emp::Boss))
    .load(&mut c)?;
    assert_eq!(
        rows,
        [
            (Some(1), 2, Some(550)),
            (Some(2), 1, Some(100)),
            (Some(4), 1, Some(120))
        ]
    );

    let (boss, reports, payroll) = per_boss.c();
    let busy: Vec<(Option<i64>, Option<i64>)> = select((boss, payroll))
        .from(per_boss)
        .filter(reports.gt(1))
        .load(&mut c)?;
    assert_eq!(busy, [(Some(1), Some(550))]);

    // Joined back to the table it was derived from.
    let names: Vec<(String, i64)> = select((emp::Name, reports))
        .from(Emp)
        .join(per_boss, boss.eq(emp::Id))
        .order_by(emp::Name)
        .load(&mut c)?;
    assert_eq!(
        names,
        [
            ("ada".to_string(), 2),
            ("bob".to_string(), 1),
            ("di".to_string(), 1)
        ]
    );
    Ok(())
}

fn cte_columns_load<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = staff(engine)?;
    let rich = cte("rich")
        .as_(select((emp::Name, emp::Salary.label(Payroll))).filter(emp::Salary.ge(200)));
    let (name, payroll) = rich.c();
    let rows: Vec<(String, i64)> = select((name, payroll))
        .from(rich)
        .order_by(payroll.desc())
        .with(rich)
        .load(&mut c)?;
    assert_eq!(
        rows,
        [
            ("cy".to_string(), 350),
            ("ada".to_string(), 300),
            ("bob".to_string(), 200)
        ]
    );
    let total: Option<i64> = select(sum(rich.col(Payroll)))
        .from(rich)
        .with(rich)
        .get(&mut c)?;
    assert_eq!(total, Some(850));

    // Each report of ada's with the one of ada's direct reports its chain
    // starts from.
    let anchor = select((emp::Id, emp::Id.label(Root))).filter(emp::Boss.eq(1));
    let tree = cte("tree").selecting(&anchor);
    let def =
        tree.as_(anchor.union_all(
            select((emp::Id, tree.col(Root))).join(tree, emp::Boss.eq(tree.col(emp::Id))),
        ));
    let chains: Vec<(i64, i64)> = select((def.col(emp::Id), def.col(Root)))
        .from(def)
        .order_by(def.col(emp::Id))
        .with_recursive(def)
        .load(&mut c)?;
    assert_eq!(chains, [(2, 2), (3, 3), (4, 2), (5, 2)]);
    Ok(())
}

on_all_backends!(derived_columns_load, cte_columns_load);
