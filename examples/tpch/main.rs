//! TPC-H on the typed algebra: runs the 22 queries on generated data, on
//! data from `.tbl` files, or on a database that already holds it, and
//! checks each query's rows.
//!
//! ```text
//! cargo run --release --example tpch -- [SF] [--tbl DIR] [--db URL] [--existing] [--answers DIR] [--sql]
//! ```
//!
//! - `SF` (default 0.01: 15 000 orders, about 60 000 lines): generate the
//!   data at this scale factor;
//! - `--tbl DIR`: read it instead from the `.tbl` files of `DIR`, as the
//!   specification's `dbgen` writes them (so does `tpchgen-cli -s 1
//!   --output-dir DIR`);
//! - `--db URL`: the database to load it into and query: `sqlite:PATH`,
//!   `postgres://...` or `mysql://...` (default: an in-memory SQLite);
//! - `--existing`: load nothing, the database already holds the eight
//!   tables (under the specification's names);
//! - `--answers DIR`: also compare each query's rows with its answer file
//!   in `DIR` (`q1.out` as the TPC-H distribution has them, or `q01.csv`:
//!   a header line, then `|`-separated cells), where there is one;
//! - `--sql`: print each query's reference SQL and the typed query's SQL.
//!
//! Each query's rows are compared with those of its reference SQL; for Q1,
//! Q4, Q6, Q12, Q14 and Q19 also with the answer computed in Rust from the
//! rows loaded (integer cents, no SQL); and at scale factor 1 with the
//! answers the TPC-H specification publishes. The example fails if any
//! differ.

mod datagen;
mod load;
mod oracle;
mod queries;
mod schema;
mod tbl;

use std::path::PathBuf;
use std::time::Instant;

use queries::{Mode, Params};
use sqlalgebra::prelude::*;
use sqlalgebra::{Backend, Engine, PoolOptions};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

type Failure = Box<dyn std::error::Error>;

/// The command line.
struct Args {
    sf: f64,
    tbl: Option<PathBuf>,
    db: String,
    existing: bool,
    answers: Option<PathBuf>,
    show_sql: bool,
}

fn args() -> Args {
    let usage = || -> ! {
        eprintln!(
            "usage: tpch [scale factor >= 0.001] [--tbl DIR] [--db URL] [--existing] [--answers DIR] [--sql]"
        );
        std::process::exit(2)
    };
    let mut a = Args {
        sf: 0.01,
        tbl: None,
        db: "sqlite::memory:".to_owned(),
        existing: false,
        answers: None,
        show_sql: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--sql" => a.show_sql = true,
            "--existing" => a.existing = true,
            "--tbl" => a.tbl = Some(it.next().unwrap_or_else(|| usage()).into()),
            "--answers" => a.answers = Some(it.next().unwrap_or_else(|| usage()).into()),
            "--db" => a.db = it.next().unwrap_or_else(|| usage()),
            _ => match arg.parse::<f64>() {
                Ok(x) if x >= 0.001 && x.is_finite() => a.sf = x,
                _ => usage(),
            },
        }
    }
    a
}

fn main() -> Result<(), Failure> {
    let args = args();
    let data = if args.existing {
        None
    } else {
        let started = Instant::now();
        let (data, from) = match &args.tbl {
            Some(dir) => (tbl::read(dir)?, format!("read {}", dir.display())),
            None => (
                datagen::generate(args.sf, 1),
                format!("generated SF {}", args.sf),
            ),
        };
        println!(
            "{from}: {} rows ({} orders, {} lines) in {:.2?}",
            data.rows(),
            data.orders.len(),
            data.lineitems.len(),
            started.elapsed()
        );
        Some(data)
    };
    let options = PoolOptions::default();
    let failures = if args.db.starts_with("sqlite:") {
        run(&Sqlite::connect(&args.db, &options)?, data.as_ref(), &args)?
    } else if args.db.starts_with("postgres") {
        run(
            &Postgres::connect_with(&args.db, &options)?,
            data.as_ref(),
            &args,
        )?
    } else if args.db.starts_with("mysql:") {
        run(
            &Mysql::connect_with(&args.db, &options)?,
            data.as_ref(),
            &args,
        )?
    } else {
        return Err(format!("not a sqlite:, postgres: or mysql: URL: {}", args.db).into());
    };
    if failures > 0 {
        eprintln!("{failures} checks failed");
        std::process::exit(1);
    }
    Ok(())
}

/// Loads `data` (unless the database already holds it), runs and checks
/// the 22 queries; returns the number of failed checks.
fn run<B: Backend>(
    engine: &Engine<B>,
    data: Option<&datagen::Data>,
    args: &Args,
) -> Result<usize, Failure> {
    let show_sql = args.show_sql;
    let mut conn = engine.connect()?;
    if let Some(data) = data {
        let started = Instant::now();
        let loaded = load::load(&mut *conn, data)?;
        println!("loaded {loaded} rows in {:.2?}", started.elapsed());
    }
    // The scale factor is what the data says: 10 000 suppliers per unit.
    let suppliers: i64 = select(count_star())
        .from(schema::Supplier)
        .get(&mut *conn)?;
    let params = Params::from_suppliers(suppliers);
    let published = suppliers == 10_000;
    println!(
        "SF {}: checking against the reference SQL{}{}",
        params.sf,
        if data.is_some() {
            ", the answers computed in Rust"
        } else {
            ""
        },
        if published {
            ", the published SF-1 answers"
        } else {
            ""
        },
    );
    let mut total = std::time::Duration::ZERO;
    let mut failures = 0;
    for q in queries::all() {
        if show_sql {
            println!("-- Q{} reference SQL:\n{}", q.number, q.sql.trim());
            let dialect = conn.dialect();
            let typed = (q.run)(&mut *conn, &params, Mode::Render(dialect))?;
            if let Some(queries::Val::Text(sql)) = typed.first().and_then(|r| r.first()) {
                println!("-- Q{} typed, as rendered:\n{sql}", q.number);
            }
        }
        let started = Instant::now();
        let rows = (q.run)(&mut *conn, &params, Mode::Typed)?;
        let took = started.elapsed();
        total += took;
        let reference = (q.run)(&mut *conn, &params, Mode::Reference)?;
        let mut checks = vec![check(
            "reference SQL",
            queries::difference(&rows, &reference, q.ordered),
        )];
        if let Some(expected) = data.and_then(|d| oracle::expected(q.number, d)) {
            checks.push(check(
                "Rust",
                queries::difference(&rows, &expected, q.ordered),
            ));
        }
        if let Some(answer) = oracle::published_sf1(q.number).filter(|_| published) {
            checks.push(check(
                "published",
                oracle::differs_from_published(&rows, answer),
            ));
        }
        if let Some(answer) = args
            .answers
            .as_deref()
            .and_then(|dir| oracle::answer_file(dir, q.number))
        {
            checks.push(check(
                "answer file",
                oracle::differs_from_published(&rows, &answer?),
            ));
        }
        failures += checks.iter().filter(|c| c.contains("DIFFERS")).count();
        println!(
            "Q{:<2} {:<36} {:>5} rows {:>10.2?}  {}",
            q.number,
            q.title,
            rows.len(),
            took,
            checks.join(", ")
        );
        if let [row] = &rows[..]
            && let [queries::Val::Float(x)] = &row[..]
        {
            println!("    = {x:.4}");
        }
    }
    println!("all queries: {total:.2?}");
    Ok(failures)
}

/// One check's outcome in words.
fn check(against: &str, difference: Option<String>) -> String {
    match difference {
        None => format!("same as {against}"),
        Some(diff) => format!("DIFFERS from {against}: {diff}"),
    }
}
