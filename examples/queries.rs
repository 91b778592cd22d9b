//! Beyond the first steps: joins along an alias, subqueries (scalar,
//! EXISTS, IN), derived tables, set operations, a recursive CTE, a query
//! assembled at run time, upserts, RETURNING and INSERT ... SELECT — the
//! tour's "Joins and Complex Queries" on embedded SQLite.
//!
//! Run it with `cargo run --example queries`.

use sqlalgebra::prelude::*;
use sqlalgebra::query::excluded;
use sqlalgebra_sqlite::Sqlite;

/// `emp`: employees and their bosses.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Emp;
impl Table for Emp {
    const NAME: &'static str = "emp";
    type Columns = (emp::Id, emp::Name, emp::Boss, emp::Salary);
    type PrimaryKey = emp::Id;
}

/// Columns of `emp`.
pub(crate) mod emp {
    use sqlalgebra::prelude::*;
    /// The primary key.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    /// The name, unique.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Name;
    /// The boss, if any.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Boss;
    /// The salary.
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
        const UNIQUE: bool = true;
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

fn main() -> sqlalgebra::Result<()> {
    let engine = Sqlite::memory()?;
    let mut conn = engine.connect()?;
    create_all::<Emp>(&mut conn)?;
    let staff = [
        (1, "ada", None, 300),
        (2, "bob", Some(1), 200),
        (3, "cy", Some(1), 350),
        (4, "di", Some(2), 100),
        (5, "ed", Some(4), 120),
    ];
    insert_into(Emp)
        .values(
            staff
                .iter()
                .map(|&(id, name, boss, salary)| {
                    (
                        emp::Id.set(id),
                        emp::Name.set(name),
                        emp::Boss.set(boss),
                        emp::Salary.set(salary),
                    )
                })
                .collect::<Vec<_>>(),
        )
        .execute(&mut conn)?;

    // A self-join through an alias: each employee with the boss's name.
    let m = alias(Emp, "m");
    let pairs: Vec<(String, Option<String>)> = select((emp::Name, m.col(emp::Name)))
        .from(Emp)
        .left_join(m, emp::Boss.eq(m.col(emp::Id)))
        .order_by(emp::Id)
        .load(&mut conn)?;
    println!("employee, boss: {pairs:?}");

    // A scalar subquery, and a correlated one (the outer `emp` is not
    // listed in the subquery's FROM).
    let top: Vec<String> = select(emp::Name)
        .filter(emp::Salary.eq(select(max(emp::Salary)).as_scalar()))
        .load(&mut conn)?;
    let richer_than_boss: Vec<String> = select(emp::Name)
        .filter(
            emp::Salary.gt(select(m.col(emp::Salary))
                .from(m)
                .filter(m.col(emp::Id).eq(emp::Boss))
                .as_scalar()),
        )
        .order_by(emp::Name)
        .load(&mut conn)?;
    println!("best paid: {top:?}; earning more than their boss: {richer_than_boss:?}");

    // EXISTS and IN (SELECT ...).
    let bosses: Vec<String> = select(emp::Name)
        .filter(exists(
            select(m.col(emp::Id))
                .from(m)
                .filter(m.col(emp::Boss).eq(emp::Id)),
        ))
        .order_by(emp::Name)
        .load(&mut conn)?;
    let reports_of_ada: Vec<String> = select(emp::Name)
        .filter(emp::Boss.in_(select(emp::Id).filter(emp::Name.eq("ada"))))
        .load(&mut conn)?;
    println!("bosses: {bosses:?}; reporting to ada: {reports_of_ada:?}");

    // A derived table with a label, grouped and filtered: its columns are
    // typed by what the subquery selects.
    let per_boss = select((emp::Boss, count_star().label("n")))
        .filter(emp::Boss.is_not_null())
        .group_by(emp::Boss)
        .subquery("per_boss");
    let (boss, n) = per_boss.c();
    let busy: Vec<(Option<i64>, i64)> = select((boss, n))
        .from(per_boss)
        .filter(n.gt(1))
        .load(&mut conn)?;
    println!("bosses with more than one report: {busy:?}");

    // UNION with ORDER BY and LIMIT over the result.
    let ends: Vec<String> = select(emp::Name)
        .filter(emp::Salary.lt(150))
        .union(select(emp::Name).filter(emp::Salary.gt(250)))
        .order_by(emp::Name)
        .limit(3)
        .load(&mut conn)?;
    println!("lowest and highest paid: {ends:?}");

    // WITH RECURSIVE: everyone under bob, at any depth.
    let tree = cte("tree");
    let under_bob = tree.as_(
        select((emp::Id, emp::Name))
            .filter(emp::Name.eq("bob"))
            .union_all(select((emp::Id, emp::Name)).join(tree, emp::Boss.eq(tree.col(emp::Id)))),
    );
    let team: Vec<String> = select(tree.col(emp::Name))
        .from(tree)
        .order_by(tree.col(emp::Name))
        .with_recursive(under_bob)
        .load(&mut conn)?;
    println!("bob's team: {team:?}");

    // A query assembled at run time from optional filters.
    let (min_salary, name_like): (Option<i64>, Option<&str>) = (Some(150), None);
    let mut q = select(emp::Name).boxed();
    if let Some(s) = min_salary {
        q = q.filter(emp::Salary.ge(s));
    }
    if let Some(n) = name_like {
        q = q.filter(emp::Name.like(n));
    }
    let found: Vec<String> = q.order_by(emp::Salary.desc()).load(&mut conn)?;
    println!("found: {found:?}");

    // Upsert: a raise for an existing name, an insert for a new one.
    for (id, name, salary) in [(2, "bob", 210), (6, "flo", 90)] {
        insert_into(Emp)
            .values((
                emp::Id.set(id),
                emp::Name.set(name),
                emp::Salary.set(salary),
            ))
            .on_conflict(emp::Name)
            .do_update(emp::Salary.set(excluded(emp::Salary)))
            .execute(&mut conn)?;
    }
    // RETURNING (SQLite, PostgreSQL): the rows a statement changed.
    let raised: Vec<(i64, i64)> = update(Emp)
        .set(emp::Salary.set(emp::Salary.add(10)))
        .filter(emp::Salary.lt(150))
        .returning((emp::Id, emp::Salary))
        .load(&mut conn)?;
    println!("raised: {raised:?}");
    // What the statement looks like in each dialect.
    let q = select(emp::Name).filter(emp::Boss.in_(select(emp::Id).filter(emp::Salary.gt(250))));
    println!("SQLite: {}", q.to_sql(&Sqlite)?);
    println!("PostgreSQL: {}", q.to_sql(&sqlalgebra_postgres::Postgres)?);
    println!("MySQL: {}", q.to_sql(&sqlalgebra_mysql::Mysql)?);
    // A list of values: a placeholder per value, but on PostgreSQL one
    // array parameter, `= ANY($1)`, whatever the list's length.
    let ids = [1_i64, 3, 4];
    let named: Vec<String> = select(emp::Name)
        .filter(emp::Id.in_(ids))
        .order_by(emp::Id)
        .load(&mut conn)?;
    println!("employees {ids:?}: {named:?}");
    let q = select(emp::Name).filter(emp::Id.in_(ids));
    println!("SQLite: {}", q.to_sql(&Sqlite)?);
    println!("PostgreSQL: {}", q.to_sql(&sqlalgebra_postgres::Postgres)?);
    Ok(())
}
