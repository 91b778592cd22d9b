//! TPC-H: the 22 queries written in the typed algebra return the same rows
//! as their reference SQL, on the same generated SQLite database, and every
//! query returns rows. On PostgreSQL and MySQL / MariaDB (when their servers
//! are up), the typed queries return the same rows as on SQLite.

mod common;

#[allow(dead_code)]
#[path = "../examples/tpch/datagen.rs"]
mod datagen;
#[allow(dead_code)]
#[path = "../examples/tpch/load.rs"]
mod load;
#[allow(dead_code)]
#[path = "../examples/tpch/queries.rs"]
mod queries;
#[allow(dead_code)]
#[path = "../examples/tpch/schema.rs"]
mod schema;

use queries::{Mode, Params, Rows, Val};
use sqlalgebra::prelude::*;
use sqlalgebra::{Backend, Engine};
use sqlalgebra_sqlite::Sqlite;

const SF: f64 = 0.01;

#[test]
fn typed_queries_match_the_reference_sql() -> sqlalgebra::Result<()> {
    let data = datagen::generate(SF, 1);
    let engine = Sqlite::memory()?;
    let mut conn = engine.connect()?;
    let loaded = load::load(&mut conn, &data)?;
    assert_eq!(loaded as usize, data.rows());
    let lines: i64 = select(count_star()).from(schema::Lineitem).get(&mut conn)?;
    assert_eq!(lines as usize, data.lineitems.len());

    let params = Params { sf: SF };
    let all = queries::all();
    let numbers: Vec<u8> = all.iter().map(|q| q.number).collect();
    assert_eq!(numbers, (1..=22).collect::<Vec<u8>>(), "all 22 queries");
    let mut failures = Vec::new();
    for q in &all {
        let typed = (q.run)(&mut conn, &params, Mode::Typed)?;
        let reference = (q.run)(&mut conn, &params, Mode::Reference)?;
        if typed.is_empty() {
            failures.push(format!("Q{}: no rows", q.number));
        }
        if typed.iter().all(|row| row.iter().all(|v| *v == Val::Null)) {
            failures.push(format!("Q{}: only NULLs", q.number));
        }
        if let Some(diff) = queries::difference(&typed, &reference, q.ordered) {
            failures.push(format!("Q{}: {diff}\nreference SQL:{}", q.number, q.sql));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(())
}

#[test]
fn every_query_renders_for_postgresql_and_mysql() -> sqlalgebra::Result<()> {
    use sqlalgebra_mysql::Mysql;
    use sqlalgebra_postgres::Postgres;
    // Rendering needs no data; the connection is not used.
    let engine = Sqlite::memory()?;
    let mut conn = engine.connect()?;
    let params = Params { sf: SF };
    for q in queries::all() {
        for (dialect, quote, placeholder) in [
            (
                &Postgres as &'static dyn sqlalgebra::render::Dialect,
                '"',
                "$1",
            ),
            (&Mysql, '`', "?"),
        ] {
            let rows = (q.run)(&mut conn, &params, Mode::Render(dialect))?;
            let Some(Val::Text(sql)) = rows.first().and_then(|r| r.first()) else {
                panic!("Q{}: no SQL", q.number);
            };
            assert!(
                sql.starts_with("SELECT ") || sql.starts_with("WITH "),
                "{sql}"
            );
            assert!(
                sql.contains(quote) && sql.contains(placeholder),
                "Q{}: {sql}",
                q.number
            );
            assert!(!sql.contains("strftime"), "Q{}: {sql}", q.number);
        }
    }
    Ok(())
}

#[test]
fn the_comparison_can_fail() {
    use queries::difference;
    let a = vec![
        vec![Val::Int(1), Val::Float(1.0)],
        vec![Val::Int(2), Val::Null],
    ];
    let mut b = a.clone();
    assert_eq!(difference(&a, &b, true), None);
    b[0][1] = Val::Float(1.0 + 1e-12);
    assert_eq!(difference(&a, &b, true), None, "within the tolerance");
    b[0][1] = Val::Float(1.001);
    assert!(difference(&a, &b, true).is_some());
    let swapped = vec![a[1].clone(), a[0].clone()];
    assert!(difference(&a, &swapped, true).is_some(), "order matters");
    assert_eq!(difference(&a, &swapped, false), None, "unless unordered");
    assert!(difference(&a, &a[..1].to_vec(), false).is_some());
}

#[test]
fn the_generator_is_deterministic_and_follows_the_spec() {
    let a = datagen::generate(0.002, 7);
    let b = datagen::generate(0.002, 7);
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert!(a.orders.iter().all(|o| o.cust % 3 != 0));
    for (cust, nation) in a.customers.iter().map(|c| (&c.phone, c.nation)) {
        assert!(cust.starts_with(&format!("{}-", nation + 10)), "{cust}");
    }
    let first = datagen::day_number(datagen::START_DATE);
    let last = datagen::day_number(datagen::LAST_ORDER_DATE);
    for o in &a.orders {
        let d = datagen::day_number(&o.date);
        assert!((first..=last).contains(&d), "{}", o.date);
    }
    let mut per_order = std::collections::HashMap::new();
    for l in &a.lineitems {
        *per_order.entry(l.order).or_insert(0.0) += l.quantity;
    }
    let large = per_order.values().filter(|q| **q > 300.0).count();
    assert!(large >= 8, "{large} orders of more than 300 units");
    for l in &a.lineitems {
        assert!((1.0..=50.0).contains(&l.quantity));
        assert!((0.0..=0.10).contains(&l.discount));
        assert_eq!(
            l.linestatus == "O",
            l.shipdate.as_str() > datagen::CURRENT_DATE
        );
        assert_eq!(
            l.returnflag == "N",
            l.receiptdate.as_str() > datagen::CURRENT_DATE
        );
        let sups = datagen::part_suppliers(l.part, a.suppliers.len() as i64);
        assert!(sups.contains(&l.supp));
    }
}

/// The scale factor of the runs on database servers (smaller: every row
/// travels over a socket).
const SERVER_SF: f64 = 0.005;

/// The typed queries' rows on a fresh SQLite database at `SERVER_SF`.
fn sqlite_rows(data: &datagen::Data) -> sqlalgebra::Result<Vec<Rows>> {
    let engine = Sqlite::memory()?;
    let mut conn = engine.connect()?;
    load::load(&mut conn, data)?;
    let params = Params { sf: SERVER_SF };
    queries::all()
        .iter()
        .map(|q| (q.run)(&mut conn, &params, Mode::Typed))
        .collect()
}

/// Loads the same data on `engine` and checks that every typed query
/// returns the same rows as on SQLite.
fn same_rows_as_sqlite<B: Backend>(engine: &Engine<B>) -> sqlalgebra::Result<()> {
    let data = datagen::generate(SERVER_SF, 1);
    let expected = sqlite_rows(&data)?;
    let mut conn = engine.connect()?;
    load::load(&mut conn, &data)?;
    let params = Params { sf: SERVER_SF };
    let mut failures = Vec::new();
    for (q, want) in queries::all().iter().zip(&expected) {
        match (q.run)(&mut conn, &params, Mode::Typed) {
            Ok(got) => {
                if let Some(diff) = queries::difference(&got, want, q.ordered) {
                    failures.push(format!("Q{}: {diff}", q.number));
                }
            }
            Err(e) => failures.push(format!("Q{}: {e}", q.number)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(())
}

#[test]
fn typed_queries_on_postgres_match_sqlite() -> sqlalgebra::Result<()> {
    match common::postgres("tpch") {
        Some(engine) => same_rows_as_sqlite(&engine),
        None => Ok(()),
    }
}

#[test]
fn typed_queries_on_mysql_match_sqlite() -> sqlalgebra::Result<()> {
    match common::mysql("tpch") {
        Some(engine) => same_rows_as_sqlite(&engine),
        None => Ok(()),
    }
}
