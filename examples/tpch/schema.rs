//! The eight TPC-H tables, declared by hand with the typed schema.
//!
//! Names and types follow the TPC-H specification (clause 1.4): identifiers
//! are `BigInt`, integers `Integer`, decimals (money, quantities, rates)
//! `Double`, dates `Date`, `CHAR(n)` and `VARCHAR(n)` both `Varchar<n>`.
//! Each table's columns live in a module named after the table's prefix
//! (`l` for `lineitem`, `ps` for `partsupp`, ...), so a query reads
//! `l::Extendedprice` where the SQL says `l_extendedprice`.
//!
//! Primary keys and foreign keys are those of the specification (clause
//! 1.4.2); the indexes are on the foreign keys, as clause 1.5.7 allows.

use sqlalgebra::prelude::*;
use sqlalgebra::schema::{CompositeForeignKey, Index};

/// Every table, parents first.
pub(crate) type All = (
    Region,
    Nation,
    Supplier,
    Customer,
    Part,
    PartSupp,
    Orders,
    Lineitem,
);

/// `region`: the five regions.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Region;
impl Table for Region {
    const NAME: &'static str = "region";
    type Columns = (r::Regionkey, r::Name, r::Comment);
    type PrimaryKey = r::Regionkey;
}

/// Columns of `region`.
pub(crate) mod r {
    use sqlalgebra::prelude::*;

    /// `r_regionkey`: 0 to 4.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Regionkey;
    impl Column for Regionkey {
        type Table = super::Region;
        type SqlType = BigInt;
        const NAME: &'static str = "r_regionkey";
    }

    /// `r_name`: `AFRICA`, `AMERICA`, `ASIA`, `EUROPE`, `MIDDLE EAST`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Name;
    impl Column for Name {
        type Table = super::Region;
        type SqlType = Varchar<25>;
        const NAME: &'static str = "r_name";
    }

    /// `r_comment`: random text.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Comment;
    impl Column for Comment {
        type Table = super::Region;
        type SqlType = Varchar<152>;
        const NAME: &'static str = "r_comment";
    }
}

/// `nation`: the 25 nations, each in a region.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Nation;
impl Table for Nation {
    const NAME: &'static str = "nation";
    type Columns = (n::Nationkey, n::Name, n::Regionkey, n::Comment);
    type PrimaryKey = n::Nationkey;
    const INDEXES: &'static [Index] = &[index::<n::Regionkey>("nation_regionkey")];
}

/// Columns of `nation`.
pub(crate) mod n {
    use sqlalgebra::prelude::*;

    /// `n_nationkey`: 0 to 24.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Nationkey;
    impl Column for Nationkey {
        type Table = super::Nation;
        type SqlType = BigInt;
        const NAME: &'static str = "n_nationkey";
    }

    /// `n_name`: `ALGERIA` to `UNITED STATES`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Name;
    impl Column for Name {
        type Table = super::Nation;
        type SqlType = Varchar<25>;
        const NAME: &'static str = "n_name";
    }

    /// `n_regionkey`: the nation's region.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Regionkey;
    impl Column for Regionkey {
        type Table = super::Nation;
        type SqlType = BigInt;
        const NAME: &'static str = "n_regionkey";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::r::Regionkey>());
    }

    /// `n_comment`: random text.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Comment;
    impl Column for Comment {
        type Table = super::Nation;
        type SqlType = Varchar<152>;
        const NAME: &'static str = "n_comment";
    }
}

/// `supplier`: 10 000 per scale factor.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Supplier;
impl Table for Supplier {
    const NAME: &'static str = "supplier";
    type Columns = (
        s::Suppkey,
        s::Name,
        s::Address,
        s::Nationkey,
        s::Phone,
        s::Acctbal,
        s::Comment,
    );
    type PrimaryKey = s::Suppkey;
    const INDEXES: &'static [Index] = &[index::<s::Nationkey>("supplier_nationkey")];
}

/// Columns of `supplier`.
pub(crate) mod s {
    use sqlalgebra::prelude::*;

    /// `s_suppkey`: 1 to 10 000 × SF.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Suppkey;
    impl Column for Suppkey {
        type Table = super::Supplier;
        type SqlType = BigInt;
        const NAME: &'static str = "s_suppkey";
    }

    /// `s_name`: `Supplier#000000001`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Name;
    impl Column for Name {
        type Table = super::Supplier;
        type SqlType = Varchar<25>;
        const NAME: &'static str = "s_name";
    }

    /// `s_address`: random characters.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Address;
    impl Column for Address {
        type Table = super::Supplier;
        type SqlType = Varchar<40>;
        const NAME: &'static str = "s_address";
    }

    /// `s_nationkey`: the supplier's nation.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Nationkey;
    impl Column for Nationkey {
        type Table = super::Supplier;
        type SqlType = BigInt;
        const NAME: &'static str = "s_nationkey";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::n::Nationkey>());
    }

    /// `s_phone`: `CC-LLL-LLL-LLLL`, the country code being nation + 10.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Phone;
    impl Column for Phone {
        type Table = super::Supplier;
        type SqlType = Varchar<15>;
        const NAME: &'static str = "s_phone";
    }

    /// `s_acctbal`: -999.99 to 9 999.99.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Acctbal;
    impl Column for Acctbal {
        type Table = super::Supplier;
        type SqlType = Double;
        const NAME: &'static str = "s_acctbal";
    }

    /// `s_comment`: random text; a few say `Customer ... Complaints` or
    /// `Customer ... Recommends`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Comment;
    impl Column for Comment {
        type Table = super::Supplier;
        type SqlType = Varchar<101>;
        const NAME: &'static str = "s_comment";
    }
}

/// `customer`: 150 000 per scale factor.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Customer;
impl Table for Customer {
    const NAME: &'static str = "customer";
    type Columns = (
        c::Custkey,
        c::Name,
        c::Address,
        c::Nationkey,
        c::Phone,
        c::Acctbal,
        c::Mktsegment,
        c::Comment,
    );
    type PrimaryKey = c::Custkey;
    const INDEXES: &'static [Index] = &[index::<c::Nationkey>("customer_nationkey")];
}

/// Columns of `customer`.
pub(crate) mod c {
    use sqlalgebra::prelude::*;

    /// `c_custkey`: 1 to 150 000 × SF.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Custkey;
    impl Column for Custkey {
        type Table = super::Customer;
        type SqlType = BigInt;
        const NAME: &'static str = "c_custkey";
    }

    /// `c_name`: `Customer#000000001`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Name;
    impl Column for Name {
        type Table = super::Customer;
        type SqlType = Varchar<25>;
        const NAME: &'static str = "c_name";
    }

    /// `c_address`: random characters.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Address;
    impl Column for Address {
        type Table = super::Customer;
        type SqlType = Varchar<40>;
        const NAME: &'static str = "c_address";
    }

    /// `c_nationkey`: the customer's nation.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Nationkey;
    impl Column for Nationkey {
        type Table = super::Customer;
        type SqlType = BigInt;
        const NAME: &'static str = "c_nationkey";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::n::Nationkey>());
    }

    /// `c_phone`: `CC-LLL-LLL-LLLL`, the country code being nation + 10.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Phone;
    impl Column for Phone {
        type Table = super::Customer;
        type SqlType = Varchar<15>;
        const NAME: &'static str = "c_phone";
    }

    /// `c_acctbal`: -999.99 to 9 999.99.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Acctbal;
    impl Column for Acctbal {
        type Table = super::Customer;
        type SqlType = Double;
        const NAME: &'static str = "c_acctbal";
    }

    /// `c_mktsegment`: `AUTOMOBILE`, `BUILDING`, `FURNITURE`, `MACHINERY`
    /// or `HOUSEHOLD`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Mktsegment;
    impl Column for Mktsegment {
        type Table = super::Customer;
        type SqlType = Varchar<10>;
        const NAME: &'static str = "c_mktsegment";
    }

    /// `c_comment`: random text.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Comment;
    impl Column for Comment {
        type Table = super::Customer;
        type SqlType = Varchar<117>;
        const NAME: &'static str = "c_comment";
    }
}

/// `part`: 200 000 per scale factor.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Part;
impl Table for Part {
    const NAME: &'static str = "part";
    type Columns = (
        p::Partkey,
        p::Name,
        p::Mfgr,
        p::Brand,
        p::Type,
        p::Size,
        p::Container,
        p::Retailprice,
        p::Comment,
    );
    type PrimaryKey = p::Partkey;
}

/// Columns of `part`.
pub(crate) mod p {
    use sqlalgebra::prelude::*;

    /// `p_partkey`: 1 to 200 000 × SF.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Partkey;
    impl Column for Partkey {
        type Table = super::Part;
        type SqlType = BigInt;
        const NAME: &'static str = "p_partkey";
    }

    /// `p_name`: five distinct colour words, e.g. `forest green lace ...`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Name;
    impl Column for Name {
        type Table = super::Part;
        type SqlType = Varchar<55>;
        const NAME: &'static str = "p_name";
    }

    /// `p_mfgr`: `Manufacturer#1` to `Manufacturer#5`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Mfgr;
    impl Column for Mfgr {
        type Table = super::Part;
        type SqlType = Varchar<25>;
        const NAME: &'static str = "p_mfgr";
    }

    /// `p_brand`: `Brand#MN`, M the manufacturer, N 1 to 5.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Brand;
    impl Column for Brand {
        type Table = super::Part;
        type SqlType = Varchar<10>;
        const NAME: &'static str = "p_brand";
    }

    /// `p_type`: three syllables, e.g. `ECONOMY ANODIZED STEEL`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Type;
    impl Column for Type {
        type Table = super::Part;
        type SqlType = Varchar<25>;
        const NAME: &'static str = "p_type";
    }

    /// `p_size`: 1 to 50.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Size;
    impl Column for Size {
        type Table = super::Part;
        type SqlType = Integer;
        const NAME: &'static str = "p_size";
    }

    /// `p_container`: two syllables, e.g. `MED BOX`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Container;
    impl Column for Container {
        type Table = super::Part;
        type SqlType = Varchar<10>;
        const NAME: &'static str = "p_container";
    }

    /// `p_retailprice`: a function of the key, 900.00 to 2 098.99.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Retailprice;
    impl Column for Retailprice {
        type Table = super::Part;
        type SqlType = Double;
        const NAME: &'static str = "p_retailprice";
    }

    /// `p_comment`: random text.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Comment;
    impl Column for Comment {
        type Table = super::Part;
        type SqlType = Varchar<23>;
        const NAME: &'static str = "p_comment";
    }
}

/// `partsupp`: four suppliers for each part.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PartSupp;
impl Table for PartSupp {
    const NAME: &'static str = "partsupp";
    type Columns = (
        ps::Partkey,
        ps::Suppkey,
        ps::Availqty,
        ps::Supplycost,
        ps::Comment,
    );
    type PrimaryKey = (ps::Partkey, ps::Suppkey);
    const INDEXES: &'static [Index] = &[index::<ps::Suppkey>("partsupp_suppkey")];
}

/// Columns of `partsupp`.
pub(crate) mod ps {
    use sqlalgebra::prelude::*;

    /// `ps_partkey`: the part.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Partkey;
    impl Column for Partkey {
        type Table = super::PartSupp;
        type SqlType = BigInt;
        const NAME: &'static str = "ps_partkey";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::p::Partkey>());
    }

    /// `ps_suppkey`: one of the part's four suppliers.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Suppkey;
    impl Column for Suppkey {
        type Table = super::PartSupp;
        type SqlType = BigInt;
        const NAME: &'static str = "ps_suppkey";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::s::Suppkey>());
    }

    /// `ps_availqty`: 1 to 9 999.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Availqty;
    impl Column for Availqty {
        type Table = super::PartSupp;
        type SqlType = Integer;
        const NAME: &'static str = "ps_availqty";
    }

    /// `ps_supplycost`: 1.00 to 1 000.00.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Supplycost;
    impl Column for Supplycost {
        type Table = super::PartSupp;
        type SqlType = Double;
        const NAME: &'static str = "ps_supplycost";
    }

    /// `ps_comment`: random text.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Comment;
    impl Column for Comment {
        type Table = super::PartSupp;
        type SqlType = Varchar<199>;
        const NAME: &'static str = "ps_comment";
    }
}

/// `orders`: 1 500 000 per scale factor.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Orders;
impl Table for Orders {
    const NAME: &'static str = "orders";
    type Columns = (
        o::Orderkey,
        o::Custkey,
        o::Orderstatus,
        o::Totalprice,
        o::Orderdate,
        o::Orderpriority,
        o::Clerk,
        o::Shippriority,
        o::Comment,
    );
    type PrimaryKey = o::Orderkey;
    const INDEXES: &'static [Index] = &[index::<o::Custkey>("orders_custkey")];
}

/// Columns of `orders`.
pub(crate) mod o {
    use sqlalgebra::prelude::*;

    /// `o_orderkey`: sparse, as in the specification (8 of every 32 keys).
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Orderkey;
    impl Column for Orderkey {
        type Table = super::Orders;
        type SqlType = BigInt;
        const NAME: &'static str = "o_orderkey";
    }

    /// `o_custkey`: never a multiple of three, so a third of the customers
    /// have no orders.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Custkey;
    impl Column for Custkey {
        type Table = super::Orders;
        type SqlType = BigInt;
        const NAME: &'static str = "o_custkey";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::c::Custkey>());
    }

    /// `o_orderstatus`: `F` if all its lines are shipped, `O` if none is,
    /// `P` otherwise.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Orderstatus;
    impl Column for Orderstatus {
        type Table = super::Orders;
        type SqlType = Varchar<1>;
        const NAME: &'static str = "o_orderstatus";
    }

    /// `o_totalprice`: the sum of its lines' discounted, taxed prices.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Totalprice;
    impl Column for Totalprice {
        type Table = super::Orders;
        type SqlType = Double;
        const NAME: &'static str = "o_totalprice";
    }

    /// `o_orderdate`: 1992-01-01 to 1998-08-02.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Orderdate;
    impl Column for Orderdate {
        type Table = super::Orders;
        type SqlType = Date;
        const NAME: &'static str = "o_orderdate";
    }

    /// `o_orderpriority`: `1-URGENT`, `2-HIGH`, `3-MEDIUM`,
    /// `4-NOT SPECIFIED` or `5-LOW`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Orderpriority;
    impl Column for Orderpriority {
        type Table = super::Orders;
        type SqlType = Varchar<15>;
        const NAME: &'static str = "o_orderpriority";
    }

    /// `o_clerk`: `Clerk#000000001`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Clerk;
    impl Column for Clerk {
        type Table = super::Orders;
        type SqlType = Varchar<15>;
        const NAME: &'static str = "o_clerk";
    }

    /// `o_shippriority`: always 0.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Shippriority;
    impl Column for Shippriority {
        type Table = super::Orders;
        type SqlType = Integer;
        const NAME: &'static str = "o_shippriority";
    }

    /// `o_comment`: random text; some say `special ... requests`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Comment;
    impl Column for Comment {
        type Table = super::Orders;
        type SqlType = Varchar<79>;
        const NAME: &'static str = "o_comment";
    }
}

/// `lineitem`: one to seven lines per order.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Lineitem;
impl Table for Lineitem {
    const NAME: &'static str = "lineitem";
    type Columns = (
        l::Orderkey,
        l::Partkey,
        l::Suppkey,
        l::Linenumber,
        l::Quantity,
        l::Extendedprice,
        l::Discount,
        l::Tax,
        l::Returnflag,
        l::Linestatus,
        l::Shipdate,
        l::Commitdate,
        l::Receiptdate,
        l::Shipinstruct,
        l::Shipmode,
        l::Comment,
    );
    type PrimaryKey = (l::Orderkey, l::Linenumber);
    const FOREIGN_KEYS: &'static [CompositeForeignKey] = &[foreign_key::<
        (l::Partkey, l::Suppkey),
        (ps::Partkey, ps::Suppkey),
    >()];
    const INDEXES: &'static [Index] = &[
        index::<(l::Partkey, l::Suppkey)>("lineitem_part_supp"),
        index::<l::Suppkey>("lineitem_suppkey"),
    ];
}

/// Columns of `lineitem`.
pub(crate) mod l {
    use sqlalgebra::prelude::*;

    /// `l_orderkey`: the order.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Orderkey;
    impl Column for Orderkey {
        type Table = super::Lineitem;
        type SqlType = BigInt;
        const NAME: &'static str = "l_orderkey";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::o::Orderkey>());
    }

    /// `l_partkey`: the part (with `l_suppkey`, a row of `partsupp`).
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Partkey;
    impl Column for Partkey {
        type Table = super::Lineitem;
        type SqlType = BigInt;
        const NAME: &'static str = "l_partkey";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::p::Partkey>());
    }

    /// `l_suppkey`: one of the part's four suppliers.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Suppkey;
    impl Column for Suppkey {
        type Table = super::Lineitem;
        type SqlType = BigInt;
        const NAME: &'static str = "l_suppkey";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::s::Suppkey>());
    }

    /// `l_linenumber`: 1 to 7 within the order.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Linenumber;
    impl Column for Linenumber {
        type Table = super::Lineitem;
        type SqlType = Integer;
        const NAME: &'static str = "l_linenumber";
    }

    /// `l_quantity`: 1 to 50.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Quantity;
    impl Column for Quantity {
        type Table = super::Lineitem;
        type SqlType = Double;
        const NAME: &'static str = "l_quantity";
    }

    /// `l_extendedprice`: quantity × the part's retail price.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Extendedprice;
    impl Column for Extendedprice {
        type Table = super::Lineitem;
        type SqlType = Double;
        const NAME: &'static str = "l_extendedprice";
    }

    /// `l_discount`: 0.00 to 0.10.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Discount;
    impl Column for Discount {
        type Table = super::Lineitem;
        type SqlType = Double;
        const NAME: &'static str = "l_discount";
    }

    /// `l_tax`: 0.00 to 0.08.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Tax;
    impl Column for Tax {
        type Table = super::Lineitem;
        type SqlType = Double;
        const NAME: &'static str = "l_tax";
    }

    /// `l_returnflag`: `R` or `A` if received by 1995-06-17, else `N`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Returnflag;
    impl Column for Returnflag {
        type Table = super::Lineitem;
        type SqlType = Varchar<1>;
        const NAME: &'static str = "l_returnflag";
    }

    /// `l_linestatus`: `O` if shipped after 1995-06-17, else `F`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Linestatus;
    impl Column for Linestatus {
        type Table = super::Lineitem;
        type SqlType = Varchar<1>;
        const NAME: &'static str = "l_linestatus";
    }

    /// `l_shipdate`: 1 to 121 days after the order.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Shipdate;
    impl Column for Shipdate {
        type Table = super::Lineitem;
        type SqlType = Date;
        const NAME: &'static str = "l_shipdate";
    }

    /// `l_commitdate`: 30 to 90 days after the order.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Commitdate;
    impl Column for Commitdate {
        type Table = super::Lineitem;
        type SqlType = Date;
        const NAME: &'static str = "l_commitdate";
    }

    /// `l_receiptdate`: 1 to 30 days after shipping.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Receiptdate;
    impl Column for Receiptdate {
        type Table = super::Lineitem;
        type SqlType = Date;
        const NAME: &'static str = "l_receiptdate";
    }

    /// `l_shipinstruct`: `DELIVER IN PERSON`, `COLLECT COD`, `NONE` or
    /// `TAKE BACK RETURN`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Shipinstruct;
    impl Column for Shipinstruct {
        type Table = super::Lineitem;
        type SqlType = Varchar<25>;
        const NAME: &'static str = "l_shipinstruct";
    }

    /// `l_shipmode`: `REG AIR`, `AIR`, `RAIL`, `SHIP`, `TRUCK`, `MAIL` or
    /// `FOB`.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Shipmode;
    impl Column for Shipmode {
        type Table = super::Lineitem;
        type SqlType = Varchar<10>;
        const NAME: &'static str = "l_shipmode";
    }

    /// `l_comment`: random text.
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Comment;
    impl Column for Comment {
        type Table = super::Lineitem;
        type SqlType = Varchar<44>;
        const NAME: &'static str = "l_comment";
    }
}
