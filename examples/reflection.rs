//! Reflection, as in the tour's "Database Reflection": read the tables of
//! a database that exists already, then query them with the same algebra.
//!
//! Run it with `cargo run --example reflection`.

use sqlalgebra::prelude::*;
use sqlalgebra::query::Value;
use sqlalgebra::schema::reflect;
use sqlalgebra_sqlite::Sqlite;

fn main() -> sqlalgebra::Result<()> {
    let engine = Sqlite::memory()?;
    let mut conn = engine.connect()?;
    // A schema made by someone else, in plain SQL.
    conn.batch_execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(30) NOT NULL, email TEXT);
         INSERT INTO users (name, email) VALUES ('alice', 'alice@example.com'),
                                                ('bob', NULL), ('carol', 'carol@example.com');",
    )?;

    let meta = reflect(&mut conn)?;
    for table in meta.tables() {
        println!(
            "table {} (primary key {:?})",
            table.name(),
            table.primary_key()
        );
        for c in table.column_defs() {
            println!(
                "  {:<6} {:<12} {:?}{}",
                c.name,
                c.type_name,
                c.kind,
                if c.nullable { "" } else { " NOT NULL" }
            );
        }
    }

    // Reflected columns work in the typed algebra; their values are checked
    // when the rows arrive.
    let users = meta.table("users")?;
    let rows: Vec<Vec<Value>> = select(users.columns())
        .filter(users.col("email")?.is_not_null())
        .order_by(users.col("name")?.desc())
        .load(&mut conn)?;
    println!("users with an email: {rows:?}");
    let names: Vec<String> = select(users.col("name")?)
        .filter(users.col("id")?.in_([1i64, 2]))
        .load(&mut conn)?;
    println!("users 1 and 2: {names:?}");
    Ok(())
}
