//! TPC-H on the typed algebra: generates the data at a small scale factor
//! into in-memory SQLite, runs the 22 queries, and prints each query's row
//! count and time.
//!
//! Run it with `cargo run --release --example tpch [scale factor] [--sql]`
//! (the default scale factor is 0.01: 15 000 orders, about 60 000 lines;
//! `--sql` prints each query's reference SQL and the typed query's SQL
//! too). Each
//! query also runs as its reference SQL, and the example fails if the
//! rows differ. Set `TPCH_DB=path` to write the database to a file
//! instead, to look at it with other tools.

mod datagen;
mod load;
mod queries;
mod schema;

use std::time::Instant;

use queries::{Mode, Params};
use sqlalgebra_sqlite::Sqlite;

fn main() -> sqlalgebra::Result<()> {
    let mut sf = 0.01;
    let mut show_sql = false;
    for arg in std::env::args().skip(1) {
        match arg.parse::<f64>() {
            _ if arg == "--sql" => show_sql = true,
            Ok(x) if x >= 0.001 && x.is_finite() => sf = x,
            _ => {
                eprintln!("usage: tpch [scale factor >= 0.001] [--sql], e.g. tpch 0.01");
                std::process::exit(2);
            }
        }
    }

    let started = Instant::now();
    let data = datagen::generate(sf, 1);
    println!(
        "generated SF {sf}: {} rows ({} orders, {} lines) in {:.2?}",
        data.rows(),
        data.orders.len(),
        data.lineitems.len(),
        started.elapsed()
    );

    let engine = match std::env::var("TPCH_DB") {
        Ok(p) => Sqlite::open(p)?,
        Err(_) => Sqlite::memory()?,
    };
    let mut conn = engine.connect()?;
    let started = Instant::now();
    let loaded = load::load(&mut conn, &data)?;
    println!(
        "loaded {loaded} rows into SQLite in {:.2?}",
        started.elapsed()
    );

    let params = Params { sf };
    let mut total = std::time::Duration::ZERO;
    let mut mismatches = 0;
    for q in queries::all() {
        if show_sql {
            println!("-- Q{} reference SQL:\n{}", q.number, q.sql.trim());
            let typed = (q.run)(&mut conn, &params, Mode::Render(&Sqlite))?;
            if let Some(queries::Val::Text(sql)) = typed.first().and_then(|r| r.first()) {
                println!("-- Q{} typed, as rendered for SQLite:\n{sql}", q.number);
            }
        }
        let started = Instant::now();
        let rows = (q.run)(&mut conn, &params, Mode::Typed)?;
        let took = started.elapsed();
        total += took;
        let reference = (q.run)(&mut conn, &params, Mode::Reference)?;
        let check = match queries::difference(&rows, &reference, q.ordered) {
            None => "same as the reference SQL".to_owned(),
            Some(diff) => {
                mismatches += 1;
                format!("DIFFERS from the reference SQL: {diff}")
            }
        };
        println!(
            "Q{:<2} {:<36} {:>5} rows {:>10.2?}  {check}",
            q.number,
            q.title,
            rows.len(),
            took
        );
    }
    println!("all queries: {total:.2?}");
    if mismatches > 0 {
        eprintln!("{mismatches} queries differ from their reference SQL");
        std::process::exit(1);
    }
    Ok(())
}
