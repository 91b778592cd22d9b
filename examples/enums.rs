//! SQL enums: a Rust enum stored as a SQL enum (`CREATE TYPE ... AS ENUM`
//! on PostgreSQL, `ENUM(...)` on MySQL/MariaDB, a CHECK on SQLite), bound
//! and loaded as the Rust enum, in filters, IN lists and an UPDATE; and
//! the DDL of each dialect.
//!
//! Run it with `cargo run --example enums`.

use sqlalgebra::expr::{EnumValue, TakesValue};
use sqlalgebra::prelude::*;
use sqlalgebra::schema::{CreateTable, TableDef};
use sqlalgebra::types::SqlType;
use sqlalgebra_sqlite::Sqlite;

/// An order's status, stored as the SQL enum `order_status`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Status {
    /// Placed, not shipped.
    Pending,
    /// On its way.
    Shipped,
    /// Called off.
    Cancelled,
}
impl SqlEnum for Status {
    const NAME: &'static str = "order_status";
    const VARIANTS: &'static [Self] = &[Status::Pending, Status::Shipped, Status::Cancelled];
    const LABELS: &'static [&'static str] = &["pending", "shipped", "cancelled"];
}
// Lets `Status` values stand where an `Enum<Status>` is expected.
#[diagnostic::do_not_recommend]
impl<ST: SqlType + TakesValue<Status>> IntoExpr<ST> for Status {
    type Expr = EnumValue<Status, ST>;
    fn into_expr(self) -> Self::Expr {
        EnumValue::new(self)
    }
}

/// The `orders` table.
#[derive(Clone, Copy, Debug, Default)]
pub struct Orders;
impl Table for Orders {
    const NAME: &'static str = "orders";
    type Columns = (Id, State);
    type PrimaryKey = Id;
}
/// `orders.id`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Id;
impl Column for Id {
    type Table = Orders;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
    const AUTOINCREMENT: bool = true;
}
/// `orders.state`.
#[derive(Clone, Copy, Debug, Default)]
pub struct State;
impl Column for State {
    type Table = Orders;
    type SqlType = Enum<Status>;
    const NAME: &'static str = "state";
}

fn main() -> sqlalgebra::Result<()> {
    let engine = Sqlite::memory()?;
    let mut conn = engine.connect()?;
    create_all::<Orders>(&mut conn)?;
    for s in [Status::Pending, Status::Shipped, Status::Pending] {
        insert_into(Orders)
            .values(State.set(s))
            .execute(&mut conn)?;
    }

    let open: Vec<(i64, Status)> = select((Id, State))
        .filter(State.in_([Status::Pending, Status::Shipped]))
        .order_by(Id.asc())
        .load(&mut conn)?;
    println!("open orders: {open:?}");

    let n = update(Orders)
        .set(State.set(Status::Cancelled))
        .filter(State.eq(Status::Pending))
        .execute(&mut conn)?;
    let all: Vec<Status> = select(State).order_by(Id.asc()).load(&mut conn)?;
    println!("cancelled {n} pending order(s): {all:?}");

    // The DDL of each dialect; on PostgreSQL `create_all` first runs
    // `CREATE TYPE "order_status" AS ENUM ('pending', 'shipped', 'cancelled')`.
    let ddl = CreateTable::new(TableDef::of::<Orders>());
    println!(
        "\nPostgreSQL: {:?}",
        ddl.statements(&sqlalgebra_postgres::Postgres)?
    );
    println!(
        "MySQL:      {:?}",
        ddl.statements(&sqlalgebra_mysql::Mysql)?
    );
    println!("SQLite:     {:?}", ddl.statements(&Sqlite)?);
    Ok(())
}
