//! Numbers mix with numbers and texts with texts, as SQL mixes them
//! (issue 17, items 6 to 8; issue 22, item 1): each of these compiles down
//! to the real call.

#[path = "../numtypes_schema.rs"]
mod numtypes_schema;

use numtypes_schema::*;
use sqlalgebra::prelude::*;

#[allow(dead_code)]
fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    // Integer x Numeric<10, 2> is a Numeric; it loads into a String.
    let _: Vec<String> = select(items::Qty.mul(items::Price)).load(conn)?;
    // An integer literal on a Numeric column.
    let _: Vec<i64> = select(items::Id).filter(items::Price.gt(400)).load(conn)?;
    // BigInt against Double, `0.5 * sum(..)`, `1 - ratio`.
    let half = select(literal(0.5).mul(sum(items::Id))).as_scalar();
    let _: Vec<i64> = select(items::Id).filter(items::Qty.lt(half)).load(conn)?;
    let _: Vec<f64> = select(literal(1).sub(items::Ratio)).load(conn)?;
    // SmallInt, Integer and BigInt compare without casts.
    let _: Vec<i64> = select(items::Id)
        .filter(items::Small.lt(items::Qty).and(items::Qty.ne(items::Id)))
        .load(conn)?;
    let _: Option<i64> = select(items::Small.add(items::Id)).first(conn)?;
    // Numeric<10, 2> and Numeric.
    let _: Vec<i64> = select(items::Id)
        .filter(items::Price.ge(bind::<Numeric, _>("9.99")))
        .load(conn)?;
    // Varchar<20> and Varchar<50>: compare, concatenate (Text), assign.
    let _: Vec<String> = select(items::Code.concat(items::Name))
        .filter(items::Code.eq(items::Name))
        .load(conn)?;
    let _: u64 = update(Items).set(items::Code.set(items::Name)).execute(conn)?;
    // i64 values on Integer and SmallInt columns: eq, in_, set, values.
    let id: i64 = 7;
    let _: Vec<i64> = select(items::Id)
        .filter(items::Qty.eq(id).or(items::Qty.in_([1i64, 2])))
        .load(conn)?;
    let _: u64 = update(Items).set(items::Qty.set(id)).execute(conn)?;
    let _: u64 = insert_into(Items)
        .values((items::Qty.set(id), items::Small.set(id)))
        .execute(conn)?;
    Ok(())
}

fn main() {}
