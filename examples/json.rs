//! JSON operators: members and elements as JSON or text, key and
//! containment tests, in SELECT, WHERE, ORDER BY and UPDATE; and how each
//! dialect spells them.
//!
//! Run it with `cargo run --example json`.

use sqlalgebra::expr::JsonExpressionMethods;
use sqlalgebra::prelude::*;
use sqlalgebra_sqlite::Sqlite;

/// The `events` table.
#[derive(Clone, Copy, Debug, Default)]
pub struct Events;
impl Table for Events {
    const NAME: &'static str = "events";
    type Columns = (Id, Payload);
    type PrimaryKey = Id;
}
/// `events.id`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Id;
impl Column for Id {
    type Table = Events;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
    const AUTOINCREMENT: bool = true;
}
/// `events.payload`, a JSON document.
#[derive(Clone, Copy, Debug, Default)]
pub struct Payload;
impl Column for Payload {
    type Table = Events;
    type SqlType = Json;
    const NAME: &'static str = "payload";
}

fn main() -> sqlalgebra::Result<()> {
    let engine = Sqlite::memory()?;
    let mut conn = engine.connect()?;
    create_all::<Events>(&mut conn)?;
    for payload in [
        r#"{"kind": "login", "user": {"name": "ann", "city": "Oslo"}, "tags": ["vip"]}"#,
        r#"{"kind": "logout", "user": {"name": "bob"}, "tags": []}"#,
        r#"{"kind": "login", "user": {"name": "cy", "city": "Lima"}, "tags": ["new", "vip"]}"#,
    ] {
        insert_into(Events)
            .values(Payload.set(payload))
            .execute(&mut conn)?;
    }

    // A member of a member, as text; filtered and ordered on members.
    let q = select((Id, Payload.field("user").field_text("name")))
        .filter(Payload.field_text("kind").eq("login"))
        .filter(Payload.field("user").has_key("city"))
        .order_by(Payload.field("user").field_text("city").asc());
    let logins: Vec<(i64, Option<String>)> = q.load(&mut conn)?;
    println!("logins with a city, by city: {logins:?}");

    // An array's element, and the member as JSON.
    let first_tags: Vec<(i64, Option<String>, Option<String>)> = select((
        Id,
        Payload.field("tags").element_text(0),
        Payload.field("user"),
    ))
    .load(&mut conn)?;
    println!("first tag and user of each: {first_tags:?}");

    // An UPDATE filtered on JSON changes exactly the matching rows.
    let n = update(Events)
        .set(Payload.set(r#"{"kind": "archived"}"#))
        .filter(Payload.field_text("kind").eq("logout"))
        .execute(&mut conn)?;
    println!("archived {n} logout event(s)");

    // The same query in each dialect (`contains_json` is `@>` on
    // PostgreSQL, `JSON_CONTAINS` on MySQL, refused on SQLite).
    let q = select(Id).filter(Payload.contains_json(r#"{"tags": ["vip"]}"#));
    println!(
        "\nPostgreSQL: {}",
        q.to_sql(&sqlalgebra_postgres::Postgres)?
    );
    println!("MySQL:      {}", q.to_sql(&sqlalgebra_mysql::Mysql)?);
    println!("SQLite:     {:?}", q.to_sql(&Sqlite).map(|r| r.sql));
    Ok(())
}
