//! The quickstart tour against MySQL / MariaDB.
//!
//! It needs a server: `SQLALGEBRA_MYSQL_URL` (default
//! `mysql://root@127.0.0.1:3306/test`); it recreates its two tables there.
//!
//! Run it with `cargo run --example mysql`.

mod tour;

use sqlalgebra_mysql::Mysql;

fn main() -> sqlalgebra::Result<()> {
    // Engine: a pool of connections to one database on the server.
    let url = std::env::var("SQLALGEBRA_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".to_owned());
    let engine = Mysql::connect(&url)?;
    let mut conn = engine.connect()?;
    tour::run(&mut conn)
}
