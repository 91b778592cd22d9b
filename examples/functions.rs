//! SQL functions on embedded SQLite: CASE, CAST, COALESCE, string
//! functions, the year of a date, and window functions (ranking, running
//! totals, LAG), with NULLS LAST ordering.
//!
//! Run it with `cargo run --example functions`.

use sqlalgebra::prelude::*;
use sqlalgebra_sqlite::Sqlite;

/// The `orders` table.
#[derive(Clone, Copy, Debug, Default)]
pub struct Orders;
impl Table for Orders {
    const NAME: &'static str = "orders";
    type Columns = (
        orders::Id,
        orders::Customer,
        orders::Region,
        orders::Amount,
        orders::Discount,
        orders::Placed,
    );
    type PrimaryKey = orders::Id;
}

/// Columns of `orders`.
pub mod orders {
    use sqlalgebra::prelude::*;
    /// The primary key.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    /// Who ordered, as typed in (untrimmed, mixed case).
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Customer;
    /// The sales region.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Region;
    /// The order total.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Amount;
    /// A discount, if any.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Discount;
    /// When the order was placed.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Placed;
    impl Column for Id {
        type Table = super::Orders;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for Customer {
        type Table = super::Orders;
        type SqlType = Text;
        const NAME: &'static str = "customer";
    }
    impl Column for Region {
        type Table = super::Orders;
        type SqlType = Varchar<10>;
        const NAME: &'static str = "region";
    }
    impl Column for Amount {
        type Table = super::Orders;
        type SqlType = Double;
        const NAME: &'static str = "amount";
    }
    impl Column for Discount {
        type Table = super::Orders;
        type SqlType = Nullable<Double>;
        const NAME: &'static str = "discount";
    }
    impl Column for Placed {
        type Table = super::Orders;
        type SqlType = Date;
        const NAME: &'static str = "placed";
    }
}

use orders::*;

fn main() -> sqlalgebra::Result<()> {
    let engine = Sqlite::memory()?;
    let mut conn = engine.connect()?;
    create_all::<Orders>(&mut conn)?;

    let rows = [
        ("  Alice ", "north", 120.0, Some(10.0), "2023-03-01"),
        ("bob", "north", 80.5, None, "2023-11-15"),
        ("Carol", "south", 200.0, Some(25.0), "2024-01-09"),
        ("dave  ", "south", 40.25, None, "2024-02-29"),
        ("Eve", "south", 200.0, None, "2024-07-04"),
    ];
    insert_into(Orders)
        .values(
            rows.iter()
                .map(|(c, r, a, d, p)| {
                    (
                        Customer.set(*c),
                        Region.set(*r),
                        Amount.set(*a),
                        Discount.set(*d),
                        Placed.set(*p),
                    )
                })
                .collect::<Vec<_>>(),
        )
        .execute(&mut conn)?;

    // CASE, COALESCE, string functions and the year of a date.
    let q = select((
        upper(trim(Customer)),
        length(trim(Customer)),
        case_when(Amount.ge(150.0), "large")
            .when(Amount.ge(75.0), "medium")
            .otherwise("small"),
        round(Amount.sub(coalesce(Discount, 0.0)), 1),
        extract_year(Placed),
    ))
    .order_by(Id);
    println!("{}\n", q.to_sql(&Sqlite)?);
    let rows: Vec<(String, i32, String, f64, i32)> = q.load(&mut conn)?;
    for (customer, len, size, net, year) in rows {
        println!("{customer:<6} ({len} letters) {size:<6} net {net:>6.1} in {year}");
    }

    // CAST, and a function the algebra has no node for, called by name.
    let labels: Vec<String> = select(
        replace(lower(trim(Customer)), "e", "3")
            .concat(":")
            .concat(cast::<Text, _>(cast::<BigInt, _>(Amount))),
    )
    .filter(func::<Integer, _>("instr", (Customer, "e")).gt(0))
    .order_by(Id)
    .load(&mut conn)?;
    println!("\nnames with an e: {labels:?}");

    // Window functions: rank per region, running total, previous order.
    let by_amount = window().partition_by(Region).order_by((Amount.desc(), Id));
    let q = select((
        Region,
        trim(Customer),
        Amount,
        rank().over(window().partition_by(Region).order_by(Amount.desc())),
        row_number().over(by_amount),
        sum(Amount).over(
            window()
                .partition_by(Region)
                .order_by(Placed)
                .rows_between(FrameBound::UnboundedPreceding, FrameBound::CurrentRow),
        ),
        lag(Amount, 1).over(window().order_by(Placed)),
    ))
    .order_by((Region, Placed));
    println!("\n{}\n", q.to_sql(&Sqlite)?);
    let rows: Vec<(String, String, f64, i64, i64, Option<f64>, Option<f64>)> = q.load(&mut conn)?;
    for (region, customer, amount, rank, n, running, previous) in rows {
        println!(
            "{region:<6} {customer:<6} {amount:>7.2}  rank {rank}  #{n}  running {:>7.2}  previous {previous:?}",
            running.unwrap_or(0.0)
        );
    }

    // NULLS LAST: discounted orders first, largest discount first.
    let ids: Vec<(i64, Option<f64>)> = select((Id, Discount))
        .order_by((Discount.desc().nulls_last(), Id))
        .load(&mut conn)?;
    println!("\nby discount, NULLs last: {ids:?}");
    let q = select(Id).order_by(Discount.desc().nulls_last());
    println!("MySQL spells that: {}", q.to_sql(&sqlalgebra_mysql::Mysql)?);
    Ok(())
}
