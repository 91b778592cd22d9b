//! Loading generated data: `create_all`, then one multi-row INSERT per
//! table (the library splits each under the backend's bind limit, in one
//! transaction).

use sqlalgebra::prelude::*;
use sqlalgebra::{Connection, Result};

use crate::datagen::Data;
use crate::schema::*;

/// Creates the eight tables on `conn` and inserts `data`, parents first.
/// Returns the number of rows inserted.
pub(crate) fn load<C: Connection>(conn: &mut C, data: &Data) -> Result<u64> {
    create_all::<All>(conn)?;
    let mut rows = 0;

    rows += insert_into(Region)
        .values(
            data.regions
                .iter()
                .map(|x| {
                    (
                        r::Regionkey.set(x.key),
                        r::Name.set(x.name),
                        r::Comment.set(&x.comment),
                    )
                })
                .collect::<Vec<_>>(),
        )
        .execute(conn)?;

    rows += insert_into(Nation)
        .values(
            data.nations
                .iter()
                .map(|x| {
                    (
                        n::Nationkey.set(x.key),
                        n::Name.set(x.name),
                        n::Regionkey.set(x.region),
                        n::Comment.set(&x.comment),
                    )
                })
                .collect::<Vec<_>>(),
        )
        .execute(conn)?;

    rows += insert_into(Supplier)
        .values(
            data.suppliers
                .iter()
                .map(|x| {
                    (
                        s::Suppkey.set(x.key),
                        s::Name.set(&x.name),
                        s::Address.set(&x.address),
                        s::Nationkey.set(x.nation),
                        s::Phone.set(&x.phone),
                        s::Acctbal.set(x.acctbal),
                        s::Comment.set(&x.comment),
                    )
                })
                .collect::<Vec<_>>(),
        )
        .execute(conn)?;

    rows += insert_into(Customer)
        .values(
            data.customers
                .iter()
                .map(|x| {
                    (
                        c::Custkey.set(x.key),
                        c::Name.set(&x.name),
                        c::Address.set(&x.address),
                        c::Nationkey.set(x.nation),
                        c::Phone.set(&x.phone),
                        c::Acctbal.set(x.acctbal),
                        c::Mktsegment.set(x.segment),
                        c::Comment.set(&x.comment),
                    )
                })
                .collect::<Vec<_>>(),
        )
        .execute(conn)?;

    rows += insert_into(Part)
        .values(
            data.parts
                .iter()
                .map(|x| {
                    (
                        p::Partkey.set(x.key),
                        p::Name.set(&x.name),
                        p::Mfgr.set(&x.mfgr),
                        p::Brand.set(&x.brand),
                        p::Type.set(&x.kind),
                        p::Size.set(x.size),
                        p::Container.set(&x.container),
                        p::Retailprice.set(x.retailprice),
                        p::Comment.set(&x.comment),
                    )
                })
                .collect::<Vec<_>>(),
        )
        .execute(conn)?;

    rows += insert_into(PartSupp)
        .values(
            data.partsupps
                .iter()
                .map(|x| {
                    (
                        ps::Partkey.set(x.part),
                        ps::Suppkey.set(x.supp),
                        ps::Availqty.set(x.availqty),
                        ps::Supplycost.set(x.supplycost),
                        ps::Comment.set(&x.comment),
                    )
                })
                .collect::<Vec<_>>(),
        )
        .execute(conn)?;

    rows += insert_into(Orders)
        .values(
            data.orders
                .iter()
                .map(|x| {
                    (
                        o::Orderkey.set(x.key),
                        o::Custkey.set(x.cust),
                        o::Orderstatus.set(x.status),
                        o::Totalprice.set(x.totalprice),
                        o::Orderdate.set(&x.date),
                        o::Orderpriority.set(x.priority),
                        o::Clerk.set(&x.clerk),
                        o::Shippriority.set(x.shippriority),
                        o::Comment.set(&x.comment),
                    )
                })
                .collect::<Vec<_>>(),
        )
        .execute(conn)?;

    rows += insert_into(Lineitem)
        .values(
            data.lineitems
                .iter()
                .map(|x| {
                    (
                        l::Orderkey.set(x.order),
                        l::Partkey.set(x.part),
                        l::Suppkey.set(x.supp),
                        l::Linenumber.set(x.number),
                        l::Quantity.set(x.quantity),
                        l::Extendedprice.set(x.extendedprice),
                        l::Discount.set(x.discount),
                        l::Tax.set(x.tax),
                        l::Returnflag.set(x.returnflag),
                        l::Linestatus.set(x.linestatus),
                        l::Shipdate.set(&x.shipdate),
                        l::Commitdate.set(&x.commitdate),
                        l::Receiptdate.set(&x.receiptdate),
                        l::Shipinstruct.set(x.shipinstruct),
                        l::Shipmode.set(x.shipmode),
                        l::Comment.set(&x.comment),
                    )
                })
                .collect::<Vec<_>>(),
        )
        .execute(conn)?;

    Ok(rows)
}
