//! The quickstart tour against PostgreSQL.
//!
//! It needs a server: `SQLALGEBRA_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`). It works in a schema of its
//! own, `sqlalgebra_quickstart`, and recreates its tables there on each run.
//!
//! Run it with `cargo run --example postgres`.

mod tour;

use sqlalgebra::prelude::*;
use sqlalgebra_postgres::{Postgres, postgres};

fn main() -> sqlalgebra::Result<()> {
    // Engine: a pool of connections to the server. A URL is enough
    // (`Postgres::connect(&url)`); a `postgres::Config` also carries
    // settings for every connection, here a schema of our own.
    let url = std::env::var("SQLALGEBRA_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let mut config: postgres::Config = url.parse().map_err(|e| {
        sqlalgebra::ErrorKind::Connection(Box::new(sqlalgebra_postgres::PgError::from(e)))
    })?;
    config.options("-c search_path=sqlalgebra_quickstart");
    let engine = Postgres::connect_config(config, &PoolOptions::default().size(2))?;
    let mut conn = engine.connect()?;
    conn.batch_execute("CREATE SCHEMA IF NOT EXISTS sqlalgebra_quickstart")?;
    tour::run(&mut conn)?;

    // Identity columns draw from a sequence; `lastval()` says the last id.
    println!("last id drawn: {:?}", conn.last_insert_id()?);
    Ok(())
}
