//! The 22 TPC-H queries, each written in the typed algebra with the
//! specification's validation substitution parameters, next to its
//! reference SQL.
//!
//! The reference SQL is standard SQL that SQLite accepts: dates are
//! `'YYYY-MM-DD'` strings, interval arithmetic is precomputed into literal
//! dates, `substr` stands for `substring`, the year of a date is
//! `CAST(strftime('%Y', d) AS INTEGER)` (`EXTRACT(YEAR FROM d)` on the
//! servers, see [`reference_for`]), Q13's derived column list is
//! written as labels, and Q15's view is a CTE. The typed versions compute
//! shifted dates in Rust and bind them.
//!
//! Each query function loads its rows into a typed tuple and returns them
//! normalized ([`Val`]), from the typed query or from the reference SQL
//! loaded through `text(..).returns::<ST>()` with the typed query's SQL
//! row type `ST`.

use sqlalgebra::prelude::*;
use sqlalgebra::query::{Runs, TextQuery};
use sqlalgebra::render::Dialect;
use sqlalgebra::{Connection, Result};

use crate::datagen::{add_days, add_months};
use crate::schema::*;

/// One normalized result cell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// Text.
    Text(String),
    /// NULL.
    Null,
}

/// A Rust value that normalizes into a [`Val`].
pub(crate) trait ToVal {
    /// The normalized cell.
    fn to_val(self) -> Val;
}

impl ToVal for i64 {
    fn to_val(self) -> Val {
        Val::Int(self)
    }
}
impl ToVal for i32 {
    fn to_val(self) -> Val {
        Val::Int(i64::from(self))
    }
}
impl ToVal for f64 {
    fn to_val(self) -> Val {
        Val::Float(self)
    }
}
impl ToVal for String {
    fn to_val(self) -> Val {
        Val::Text(self)
    }
}
impl<T: ToVal> ToVal for Option<T> {
    fn to_val(self) -> Val {
        self.map_or(Val::Null, ToVal::to_val)
    }
}

/// A row (a single value or a tuple) that normalizes into a `Vec<Val>`.
pub(crate) trait ToRow {
    /// The normalized row.
    fn to_row(self) -> Vec<Val>;
}

impl<T: ToVal> ToRow for T {
    fn to_row(self) -> Vec<Val> {
        vec![self.to_val()]
    }
}

macro_rules! tuple_to_row {
    ($($t:ident),+) => {
        impl<$($t: ToVal),+> ToRow for ($($t,)+) {
            #[allow(non_snake_case)]
            fn to_row(self) -> Vec<Val> {
                let ($($t,)+) = self;
                vec![$($t.to_val()),+]
            }
        }
    };
}
tuple_to_row!(A, B);
tuple_to_row!(A, B, C);
tuple_to_row!(A, B, C, D);
tuple_to_row!(A, B, C, D, E);
tuple_to_row!(A, B, C, D, E, F);
tuple_to_row!(A, B, C, D, E, F, G);
tuple_to_row!(A, B, C, D, E, F, G, H);
tuple_to_row!(A, B, C, D, E, F, G, H, I);
tuple_to_row!(A, B, C, D, E, F, G, H, I, J);

/// Normalized result rows.
pub(crate) type Rows = Vec<Vec<Val>>;

/// Which form of a query to run.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Mode {
    /// The query built with the typed algebra.
    Typed,
    /// The reference SQL text.
    Reference,
    /// Runs nothing: renders the typed query for a dialect and returns its
    /// SQL text as the only cell.
    Render(&'static dyn Dialect),
}

/// What the queries depend on besides the substitution parameters.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Params {
    /// The scale factor of the data (Q11's FRACTION is 0.0001 / SF).
    pub(crate) sf: f64,
}

impl Params {
    /// The parameters for data with `suppliers` suppliers (10 000 per unit
    /// of scale factor).
    pub(crate) fn from_suppliers(suppliers: i64) -> Params {
        Params {
            sf: suppliers as f64 / 10_000.0,
        }
    }
}

/// One TPC-H query.
pub(crate) struct TpchQuery<C> {
    /// 1 to 22.
    pub(crate) number: u8,
    /// The specification's name for it.
    pub(crate) title: &'static str,
    /// The reference SQL.
    pub(crate) sql: &'static str,
    /// Whether it has an ORDER BY (rows compare in order).
    pub(crate) ordered: bool,
    /// Runs it.
    pub(crate) run: fn(&mut C, &Params, Mode) -> Result<Rows>,
}

/// Runs the typed query `typed` or the reference SQL `reference` (typed by
/// `typed`'s SQL row type) and loads the rows as `T` (or renders `typed`).
fn run<T, Q, I>(c: &mut impl Runs<Q>, mode: Mode, typed: &Q, reference: &str) -> Result<Rows>
where
    Q: Query + ScopeChecked<I> + StatementRow<I>,
    T: FromRow<Q::SqlType> + FromRow<<Q as StatementRow<I>>::Row> + ToRow,
{
    run_bound::<T, Q, I>(c, mode, typed, reference, |t| t)
}

/// [`run`], with values bound to the reference SQL's named parameters by
/// `bind`.
fn run_bound<T, Q, I>(
    c: &mut impl Runs<Q>,
    mode: Mode,
    typed: &Q,
    reference: &str,
    bind: impl FnOnce(TextQuery) -> TextQuery,
) -> Result<Rows>
where
    Q: Query + ScopeChecked<I> + StatementRow<I>,
    T: FromRow<Q::SqlType> + FromRow<<Q as StatementRow<I>>::Row> + ToRow,
{
    let rows: Vec<T> = match mode {
        Mode::Typed => typed.load(c)?,
        Mode::Reference => {
            let sql = reference_for(reference, c.dialect().name());
            bind(text(sql)).returns::<Q::SqlType>().load(c)?
        }
        Mode::Render(dialect) => return Ok(vec![vec![Val::Text(typed.to_sql(dialect)?.sql)]]),
    };
    Ok(rows.into_iter().map(ToRow::to_row).collect())
}

/// The reference SQL as the server of `dialect` reads it: the year of a
/// date is `EXTRACT(YEAR FROM d)` on PostgreSQL and MySQL (SQLite has no
/// EXTRACT; the servers have no `strftime`).
pub(crate) fn reference_for(sql: &str, dialect: &str) -> String {
    const YEAR_OF: &str = "CAST(strftime('%Y', ";
    const CLOSE: &str = ") AS INTEGER)";
    if dialect == "sqlite" {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(at) = rest.find(YEAR_OF) {
        out.push_str(&rest[..at]);
        let after = &rest[at + YEAR_OF.len()..];
        let Some(end) = after.find(CLOSE) else {
            out.push_str(&rest[at..]);
            return out;
        };
        out.push_str("EXTRACT(YEAR FROM ");
        out.push_str(&after[..end]);
        out.push(')');
        rest = &after[end + CLOSE.len()..];
    }
    out.push_str(rest);
    out
}

/// `1` as a `Double`, for `1 - l_discount` and `1 + l_tax`.
fn one() -> sqlalgebra::expr::Bind<f64, Double> {
    sqlalgebra::expr::Bind::new(1.0)
}

/// All the queries, in order.
pub(crate) fn all<C: Connection>() -> Vec<TpchQuery<C>> {
    vec![
        TpchQuery {
            number: 1,
            title: "Pricing Summary Report",
            sql: Q1_SQL,
            ordered: true,
            run: q1,
        },
        TpchQuery {
            number: 2,
            title: "Minimum Cost Supplier",
            sql: Q2_SQL,
            ordered: true,
            run: q2,
        },
        TpchQuery {
            number: 3,
            title: "Shipping Priority",
            sql: Q3_SQL,
            ordered: true,
            run: q3,
        },
        TpchQuery {
            number: 4,
            title: "Order Priority Checking",
            sql: Q4_SQL,
            ordered: true,
            run: q4,
        },
        TpchQuery {
            number: 5,
            title: "Local Supplier Volume",
            sql: Q5_SQL,
            ordered: true,
            run: q5,
        },
        TpchQuery {
            number: 6,
            title: "Forecasting Revenue Change",
            sql: Q6_SQL,
            ordered: false,
            run: q6,
        },
        TpchQuery {
            number: 7,
            title: "Volume Shipping",
            sql: Q7_SQL,
            ordered: true,
            run: q7,
        },
        TpchQuery {
            number: 8,
            title: "National Market Share",
            sql: Q8_SQL,
            ordered: true,
            run: q8,
        },
        TpchQuery {
            number: 9,
            title: "Product Type Profit Measure",
            sql: Q9_SQL,
            ordered: true,
            run: q9,
        },
        TpchQuery {
            number: 10,
            title: "Returned Item Reporting",
            sql: Q10_SQL,
            ordered: true,
            run: q10,
        },
        TpchQuery {
            number: 11,
            title: "Important Stock Identification",
            sql: Q11_SQL,
            ordered: true,
            run: q11,
        },
        TpchQuery {
            number: 12,
            title: "Shipping Modes and Order Priority",
            sql: Q12_SQL,
            ordered: true,
            run: q12,
        },
        TpchQuery {
            number: 13,
            title: "Customer Distribution",
            sql: Q13_SQL,
            ordered: true,
            run: q13,
        },
        TpchQuery {
            number: 14,
            title: "Promotion Effect",
            sql: Q14_SQL,
            ordered: false,
            run: q14,
        },
        TpchQuery {
            number: 15,
            title: "Top Supplier",
            sql: Q15_SQL,
            ordered: true,
            run: q15,
        },
        TpchQuery {
            number: 16,
            title: "Parts/Supplier Relationship",
            sql: Q16_SQL,
            ordered: true,
            run: q16,
        },
        TpchQuery {
            number: 17,
            title: "Small-Quantity-Order Revenue",
            sql: Q17_SQL,
            ordered: false,
            run: q17,
        },
        TpchQuery {
            number: 18,
            title: "Large Volume Customer",
            sql: Q18_SQL,
            ordered: true,
            run: q18,
        },
        TpchQuery {
            number: 19,
            title: "Discounted Revenue",
            sql: Q19_SQL,
            ordered: false,
            run: q19,
        },
        TpchQuery {
            number: 20,
            title: "Potential Part Promotion",
            sql: Q20_SQL,
            ordered: true,
            run: q20,
        },
        TpchQuery {
            number: 21,
            title: "Suppliers Who Kept Orders Waiting",
            sql: Q21_SQL,
            ordered: true,
            run: q21,
        },
        TpchQuery {
            number: 22,
            title: "Global Sales Opportunity",
            sql: Q22_SQL,
            ordered: true,
            run: q22,
        },
    ]
}

// ---------------------------------------------------------------- Q1

/// Q1 reference SQL (DELTA = 90 days).
pub(crate) const Q1_SQL: &str = "
SELECT l_returnflag, l_linestatus,
       SUM(l_quantity) AS sum_qty,
       SUM(l_extendedprice) AS sum_base_price,
       SUM(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
       SUM(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,
       AVG(l_quantity) AS avg_qty,
       AVG(l_extendedprice) AS avg_price,
       AVG(l_discount) AS avg_disc,
       COUNT(*) AS count_order
FROM lineitem
WHERE l_shipdate <= '1998-09-02'
GROUP BY l_returnflag, l_linestatus
ORDER BY l_returnflag, l_linestatus";

/// Q1: Pricing Summary Report.
pub(crate) fn q1<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let disc_price = l::Extendedprice.mul(one().sub(l::Discount));
    let q = select((
        l::Returnflag,
        l::Linestatus,
        sum(l::Quantity).label("sum_qty"),
        sum(l::Extendedprice).label("sum_base_price"),
        sum(disc_price).label("sum_disc_price"),
        sum(disc_price.mul(one().add(l::Tax))).label("sum_charge"),
        avg(l::Quantity).label("avg_qty"),
        avg(l::Extendedprice).label("avg_price"),
        avg(l::Discount).label("avg_disc"),
        count_star().label("count_order"),
    ))
    .filter(l::Shipdate.le(add_days("1998-12-01", -90)))
    .group_by((l::Returnflag, l::Linestatus))
    .order_by((l::Returnflag, l::Linestatus));
    type Row = (
        String,
        String,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        i64,
    );
    run::<Row, _, _>(c, mode, &q, Q1_SQL)
}

// ---------------------------------------------------------------- Q2

/// Q2 reference SQL (SIZE = 15, TYPE = BRASS, REGION = EUROPE).
pub(crate) const Q2_SQL: &str = "
SELECT s_acctbal, s_name, n_name, p_partkey, p_mfgr, s_address, s_phone, s_comment
FROM part, supplier, partsupp, nation, region
WHERE p_partkey = ps_partkey
  AND s_suppkey = ps_suppkey
  AND p_size = 15
  AND p_type LIKE '%BRASS'
  AND s_nationkey = n_nationkey
  AND n_regionkey = r_regionkey
  AND r_name = 'EUROPE'
  AND ps_supplycost = (
      SELECT MIN(ps_supplycost)
      FROM partsupp, supplier, nation, region
      WHERE p_partkey = ps_partkey
        AND s_suppkey = ps_suppkey
        AND s_nationkey = n_nationkey
        AND n_regionkey = r_regionkey
        AND r_name = 'EUROPE')
ORDER BY s_acctbal DESC, n_name, s_name, p_partkey
LIMIT 100";

/// Q2: Minimum Cost Supplier. The correlated subquery reads the same
/// tables as the outer query, so it reads them under aliases.
pub(crate) fn q2<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let ps2 = alias(PartSupp, "ps2");
    let s2 = alias(Supplier, "s2");
    let n2 = alias(Nation, "n2");
    let r2 = alias(Region, "r2");
    let min_cost = select(min(ps2.col(ps::Supplycost)))
        .filter(p::Partkey.eq(ps2.col(ps::Partkey)))
        .filter(s2.col(s::Suppkey).eq(ps2.col(ps::Suppkey)))
        .filter(s2.col(s::Nationkey).eq(n2.col(n::Nationkey)))
        .filter(n2.col(n::Regionkey).eq(r2.col(r::Regionkey)))
        .filter(r2.col(r::Name).eq("EUROPE"))
        .as_scalar();
    let q = select((
        s::Acctbal,
        s::Name,
        n::Name,
        p::Partkey,
        p::Mfgr,
        s::Address,
        s::Phone,
        s::Comment,
    ))
    .filter(p::Partkey.eq(ps::Partkey))
    .filter(s::Suppkey.eq(ps::Suppkey))
    .filter(p::Size.eq(15))
    .filter(p::Type.like("%BRASS"))
    .filter(s::Nationkey.eq(n::Nationkey))
    .filter(n::Regionkey.eq(r::Regionkey))
    .filter(r::Name.eq("EUROPE"))
    .filter(ps::Supplycost.eq(min_cost))
    .order_by((s::Acctbal.desc(), n::Name, s::Name, p::Partkey))
    .limit(100);
    type Row = (f64, String, String, i64, String, String, String, String);
    run::<Row, _, _>(c, mode, &q, Q2_SQL)
}

// ---------------------------------------------------------------- Q3

/// Q3 reference SQL (SEGMENT = BUILDING, DATE = 1995-03-15).
pub(crate) const Q3_SQL: &str = "
SELECT l_orderkey, SUM(l_extendedprice * (1 - l_discount)) AS revenue, o_orderdate, o_shippriority
FROM customer, orders, lineitem
WHERE c_mktsegment = 'BUILDING'
  AND c_custkey = o_custkey
  AND l_orderkey = o_orderkey
  AND o_orderdate < '1995-03-15'
  AND l_shipdate > '1995-03-15'
GROUP BY l_orderkey, o_orderdate, o_shippriority
ORDER BY revenue DESC, o_orderdate
LIMIT 10";

/// Q3: Shipping Priority.
pub(crate) fn q3<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let revenue = sum(l::Extendedprice.mul(one().sub(l::Discount))).label("revenue");
    let q = select((l::Orderkey, revenue, o::Orderdate, o::Shippriority))
        .filter(c::Mktsegment.eq("BUILDING"))
        .filter(c::Custkey.eq(o::Custkey))
        .filter(l::Orderkey.eq(o::Orderkey))
        .filter(o::Orderdate.lt("1995-03-15"))
        .filter(l::Shipdate.gt("1995-03-15"))
        .group_by((l::Orderkey, o::Orderdate, o::Shippriority))
        .order_by((revenue.desc(), o::Orderdate))
        .limit(10);
    type Row = (i64, Option<f64>, String, i32);
    run::<Row, _, _>(c, mode, &q, Q3_SQL)
}

// ---------------------------------------------------------------- Q4

/// Q4 reference SQL (DATE = 1993-07-01).
pub(crate) const Q4_SQL: &str = "
SELECT o_orderpriority, COUNT(*) AS order_count
FROM orders
WHERE o_orderdate >= '1993-07-01'
  AND o_orderdate < '1993-10-01'
  AND EXISTS (
      SELECT * FROM lineitem
      WHERE l_orderkey = o_orderkey AND l_commitdate < l_receiptdate)
GROUP BY o_orderpriority
ORDER BY o_orderpriority";

/// Q4: Order Priority Checking.
pub(crate) fn q4<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let date = "1993-07-01";
    let late_line = select(l::Orderkey)
        .filter(l::Orderkey.eq(o::Orderkey))
        .filter(l::Commitdate.lt(l::Receiptdate));
    let q = select((o::Orderpriority, count_star().label("order_count")))
        .filter(o::Orderdate.ge(date))
        .filter(o::Orderdate.lt(add_months(date, 3)))
        .filter(exists(late_line))
        .group_by(o::Orderpriority)
        .order_by(o::Orderpriority);
    type Row = (String, i64);
    run::<Row, _, _>(c, mode, &q, Q4_SQL)
}

// ---------------------------------------------------------------- Q5

/// Q5 reference SQL (REGION = ASIA, DATE = 1994-01-01).
pub(crate) const Q5_SQL: &str = "
SELECT n_name, SUM(l_extendedprice * (1 - l_discount)) AS revenue
FROM customer, orders, lineitem, supplier, nation, region
WHERE c_custkey = o_custkey
  AND l_orderkey = o_orderkey
  AND l_suppkey = s_suppkey
  AND c_nationkey = s_nationkey
  AND s_nationkey = n_nationkey
  AND n_regionkey = r_regionkey
  AND r_name = 'ASIA'
  AND o_orderdate >= '1994-01-01'
  AND o_orderdate < '1995-01-01'
GROUP BY n_name
ORDER BY revenue DESC";

/// Q5: Local Supplier Volume.
pub(crate) fn q5<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let date = "1994-01-01";
    let revenue = sum(l::Extendedprice.mul(one().sub(l::Discount))).label("revenue");
    let q = select((n::Name, revenue))
        .filter(c::Custkey.eq(o::Custkey))
        .filter(l::Orderkey.eq(o::Orderkey))
        .filter(l::Suppkey.eq(s::Suppkey))
        .filter(c::Nationkey.eq(s::Nationkey))
        .filter(s::Nationkey.eq(n::Nationkey))
        .filter(n::Regionkey.eq(r::Regionkey))
        .filter(r::Name.eq("ASIA"))
        .filter(o::Orderdate.ge(date))
        .filter(o::Orderdate.lt(add_months(date, 12)))
        .group_by(n::Name)
        .order_by(revenue.desc());
    type Row = (String, Option<f64>);
    run::<Row, _, _>(c, mode, &q, Q5_SQL)
}

// ---------------------------------------------------------------- Q6

/// Q6 reference SQL (DATE = 1994-01-01, DISCOUNT = 0.06, QUANTITY = 24).
/// `DISCOUNT - 0.01` and `DISCOUNT + 0.01` are written out as the decimal
/// literals 0.05 and 0.07, as the dates are: computed in binary floating
/// point, `0.06 + 0.01` is 0.06999999999999999, below the stored 0.07, and
/// would drop every line with a 7 % discount.
pub(crate) const Q6_SQL: &str = "
SELECT SUM(l_extendedprice * l_discount) AS revenue
FROM lineitem
WHERE l_shipdate >= '1994-01-01'
  AND l_shipdate < '1995-01-01'
  AND l_discount BETWEEN 0.05 AND 0.07
  AND l_quantity < 24";

/// Q6: Forecasting Revenue Change. The discount bounds are computed in
/// whole hundredths and divided once, so each is the double nearest to
/// its decimal value (what `0.05` and `0.07` parse to), as the stored
/// discounts are.
pub(crate) fn q6<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let (date, discount_percent) = ("1994-01-01", 6);
    let percent = |p: i32| f64::from(p) / 100.0;
    let q = select(sum(l::Extendedprice.mul(l::Discount)).label("revenue"))
        .filter(l::Shipdate.ge(date))
        .filter(l::Shipdate.lt(add_months(date, 12)))
        .filter(l::Discount.between(percent(discount_percent - 1), percent(discount_percent + 1)))
        .filter(l::Quantity.lt(24.0));
    type Row = Option<f64>;
    run::<Row, _, _>(c, mode, &q, Q6_SQL)
}

// ---------------------------------------------------------------- Q7

/// Q7 reference SQL (NATION1 = FRANCE, NATION2 = GERMANY).
pub(crate) const Q7_SQL: &str = "
SELECT supp_nation, cust_nation, l_year, SUM(volume) AS revenue
FROM (
    SELECT n1.n_name AS supp_nation,
           n2.n_name AS cust_nation,
           CAST(strftime('%Y', l_shipdate) AS INTEGER) AS l_year,
           l_extendedprice * (1 - l_discount) AS volume
    FROM supplier, lineitem, orders, customer, nation n1, nation n2
    WHERE s_suppkey = l_suppkey
      AND o_orderkey = l_orderkey
      AND c_custkey = o_custkey
      AND s_nationkey = n1.n_nationkey
      AND c_nationkey = n2.n_nationkey
      AND ((n1.n_name = 'FRANCE' AND n2.n_name = 'GERMANY')
        OR (n1.n_name = 'GERMANY' AND n2.n_name = 'FRANCE'))
      AND l_shipdate BETWEEN '1995-01-01' AND '1996-12-31') AS shipping
GROUP BY supp_nation, cust_nation, l_year
ORDER BY supp_nation, cust_nation, l_year";

/// Q7's derived column `supp_nation`: a label marker, so that
/// `shipping.col(SuppNation)` is typed by what the subquery selected.
struct SuppNation;
impl Label for SuppNation {
    const NAME: &'static str = "supp_nation";
}
/// Q7's `cust_nation`.
struct CustNation;
impl Label for CustNation {
    const NAME: &'static str = "cust_nation";
}
/// Q7's `l_year`.
struct LYear;
impl Label for LYear {
    const NAME: &'static str = "l_year";
}
/// Q7's `volume`.
struct Volume;
impl Label for Volume {
    const NAME: &'static str = "volume";
}

/// Q7: Volume Shipping: `nation` twice under aliases, in a derived table
/// whose columns are reached by label markers.
pub(crate) fn q7<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let (nation1, nation2) = ("FRANCE", "GERMANY");
    let (n1, n2) = (alias(Nation, "n1"), alias(Nation, "n2"));
    let shipping = select((
        n1.col(n::Name).label(SuppNation),
        n2.col(n::Name).label(CustNation),
        extract_year(l::Shipdate).label(LYear),
        l::Extendedprice.mul(one().sub(l::Discount)).label(Volume),
    ))
    .filter(s::Suppkey.eq(l::Suppkey))
    .filter(o::Orderkey.eq(l::Orderkey))
    .filter(c::Custkey.eq(o::Custkey))
    .filter(s::Nationkey.eq(n1.col(n::Nationkey)))
    .filter(c::Nationkey.eq(n2.col(n::Nationkey)))
    .filter(
        (n1.col(n::Name).eq(nation1) & n2.col(n::Name).eq(nation2))
            | (n1.col(n::Name).eq(nation2) & n2.col(n::Name).eq(nation1)),
    )
    .filter(l::Shipdate.between("1995-01-01", "1996-12-31"))
    .subquery("shipping");
    let supp_nation = shipping.col(SuppNation);
    let cust_nation = shipping.col(CustNation);
    let l_year = shipping.col(LYear);
    let q = select((
        supp_nation,
        cust_nation,
        l_year,
        sum(shipping.col(Volume)).label("revenue"),
    ))
    .from(shipping)
    .group_by((supp_nation, cust_nation, l_year))
    .order_by((supp_nation, cust_nation, l_year));
    type Row = (String, String, i32, Option<f64>);
    run::<Row, _, _>(c, mode, &q, Q7_SQL)
}

// ---------------------------------------------------------------- Q8

/// Q8 reference SQL (NATION = BRAZIL, REGION = AMERICA,
/// TYPE = ECONOMY ANODIZED STEEL).
pub(crate) const Q8_SQL: &str = "
SELECT o_year,
       SUM(CASE WHEN nation = 'BRAZIL' THEN volume ELSE 0 END) / SUM(volume) AS mkt_share
FROM (
    SELECT CAST(strftime('%Y', o_orderdate) AS INTEGER) AS o_year,
           l_extendedprice * (1 - l_discount) AS volume,
           n2.n_name AS nation
    FROM part, supplier, lineitem, orders, customer, nation n1, nation n2, region
    WHERE p_partkey = l_partkey
      AND s_suppkey = l_suppkey
      AND l_orderkey = o_orderkey
      AND o_custkey = c_custkey
      AND c_nationkey = n1.n_nationkey
      AND n1.n_regionkey = r_regionkey
      AND r_name = 'AMERICA'
      AND s_nationkey = n2.n_nationkey
      AND o_orderdate BETWEEN '1995-01-01' AND '1996-12-31'
      AND p_type = 'ECONOMY ANODIZED STEEL') AS all_nations
GROUP BY o_year
ORDER BY o_year";

/// Q8: National Market Share: a CASE inside an aggregate, over a derived
/// table whose columns are taken in order (`c()`).
pub(crate) fn q8<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let (n1, n2) = (alias(Nation, "n1"), alias(Nation, "n2"));
    let all_nations = select((
        extract_year(o::Orderdate).label("o_year"),
        l::Extendedprice.mul(one().sub(l::Discount)).label("volume"),
        n2.col(n::Name).label("nation"),
    ))
    .filter(p::Partkey.eq(l::Partkey))
    .filter(s::Suppkey.eq(l::Suppkey))
    .filter(l::Orderkey.eq(o::Orderkey))
    .filter(o::Custkey.eq(c::Custkey))
    .filter(c::Nationkey.eq(n1.col(n::Nationkey)))
    .filter(n1.col(n::Regionkey).eq(r::Regionkey))
    .filter(r::Name.eq("AMERICA"))
    .filter(s::Nationkey.eq(n2.col(n::Nationkey)))
    .filter(o::Orderdate.between("1995-01-01", "1996-12-31"))
    .filter(p::Type.eq("ECONOMY ANODIZED STEEL"))
    .subquery("all_nations");
    let (o_year, volume, nation) = all_nations.c();
    let brazil = sum(case_when(nation.eq("BRAZIL"), volume).otherwise(0.0));
    let q = select((o_year, brazil.div(sum(volume)).label("mkt_share")))
        .from(all_nations)
        .group_by(o_year)
        .order_by(o_year);
    type Row = (i32, Option<f64>);
    run::<Row, _, _>(c, mode, &q, Q8_SQL)
}

// ---------------------------------------------------------------- Q9

/// Q9 reference SQL (COLOR = green).
pub(crate) const Q9_SQL: &str = "
SELECT nation, o_year, SUM(amount) AS sum_profit
FROM (
    SELECT n_name AS nation,
           CAST(strftime('%Y', o_orderdate) AS INTEGER) AS o_year,
           l_extendedprice * (1 - l_discount) - ps_supplycost * l_quantity AS amount
    FROM part, supplier, lineitem, partsupp, orders, nation
    WHERE s_suppkey = l_suppkey
      AND ps_suppkey = l_suppkey
      AND ps_partkey = l_partkey
      AND p_partkey = l_partkey
      AND o_orderkey = l_orderkey
      AND s_nationkey = n_nationkey
      AND p_name LIKE '%green%') AS profit
GROUP BY nation, o_year
ORDER BY nation, o_year DESC";

/// Q9: Product Type Profit Measure.
pub(crate) fn q9<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let profit = select((
        n::Name.label("nation"),
        extract_year(o::Orderdate).label("o_year"),
        l::Extendedprice
            .mul(one().sub(l::Discount))
            .sub(ps::Supplycost.mul(l::Quantity))
            .label("amount"),
    ))
    .filter(s::Suppkey.eq(l::Suppkey))
    .filter(ps::Suppkey.eq(l::Suppkey))
    .filter(ps::Partkey.eq(l::Partkey))
    .filter(p::Partkey.eq(l::Partkey))
    .filter(o::Orderkey.eq(l::Orderkey))
    .filter(s::Nationkey.eq(n::Nationkey))
    .filter(p::Name.like("%green%"))
    .subquery("profit");
    let (nation, o_year, amount) = profit.c();
    let q = select((nation, o_year, sum(amount).label("sum_profit")))
        .from(profit)
        .group_by((nation, o_year))
        .order_by((nation, o_year.desc()));
    type Row = (String, i32, Option<f64>);
    run::<Row, _, _>(c, mode, &q, Q9_SQL)
}

// ---------------------------------------------------------------- Q10

/// Q10 reference SQL (DATE = 1993-10-01).
pub(crate) const Q10_SQL: &str = "
SELECT c_custkey, c_name, SUM(l_extendedprice * (1 - l_discount)) AS revenue,
       c_acctbal, n_name, c_address, c_phone, c_comment
FROM customer, orders, lineitem, nation
WHERE c_custkey = o_custkey
  AND l_orderkey = o_orderkey
  AND o_orderdate >= '1993-10-01'
  AND o_orderdate < '1994-01-01'
  AND l_returnflag = 'R'
  AND c_nationkey = n_nationkey
GROUP BY c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment
ORDER BY revenue DESC
LIMIT 20";

/// Q10: Returned Item Reporting.
pub(crate) fn q10<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let date = "1993-10-01";
    let revenue = sum(l::Extendedprice.mul(one().sub(l::Discount))).label("revenue");
    let q = select((
        c::Custkey,
        c::Name,
        revenue,
        c::Acctbal,
        n::Name,
        c::Address,
        c::Phone,
        c::Comment,
    ))
    .filter(c::Custkey.eq(o::Custkey))
    .filter(l::Orderkey.eq(o::Orderkey))
    .filter(o::Orderdate.ge(date))
    .filter(o::Orderdate.lt(add_months(date, 3)))
    .filter(l::Returnflag.eq("R"))
    .filter(c::Nationkey.eq(n::Nationkey))
    .group_by((
        c::Custkey,
        c::Name,
        c::Acctbal,
        c::Phone,
        n::Name,
        c::Address,
        c::Comment,
    ))
    .order_by(revenue.desc())
    .limit(20);
    type Row = (
        i64,
        String,
        Option<f64>,
        f64,
        String,
        String,
        String,
        String,
    );
    run::<Row, _, _>(c, mode, &q, Q10_SQL)
}

// ---------------------------------------------------------------- Q11

/// Q11 reference SQL (NATION = GERMANY, FRACTION = 0.0001 / SF, bound as
/// `:fraction`).
pub(crate) const Q11_SQL: &str = "
SELECT ps_partkey, SUM(ps_supplycost * ps_availqty) AS value
FROM partsupp, supplier, nation
WHERE ps_suppkey = s_suppkey
  AND s_nationkey = n_nationkey
  AND n_name = 'GERMANY'
GROUP BY ps_partkey
HAVING SUM(ps_supplycost * ps_availqty) > (
    SELECT SUM(ps_supplycost * ps_availqty) * :fraction
    FROM partsupp, supplier, nation
    WHERE ps_suppkey = s_suppkey
      AND s_nationkey = n_nationkey
      AND n_name = 'GERMANY')
ORDER BY value DESC";

/// Q11: Important Stock Identification. `ps_availqty` is an `Integer`,
/// so it is cast to multiply a `Double`; the subquery in HAVING reads the
/// outer query's tables but nothing of its rows, so it stands on its own.
pub(crate) fn q11<C: Connection>(c: &mut C, params: &Params, mode: Mode) -> Result<Rows> {
    // 0.0001 / SF, as one division: the double nearest to the decimal value.
    let fraction = 1.0 / (10_000.0 * params.sf);
    let value = sum(ps::Supplycost.mul(cast::<Double, _>(ps::Availqty))).label("value");
    let threshold = select(value.mul(fraction))
        .filter(ps::Suppkey.eq(s::Suppkey))
        .filter(s::Nationkey.eq(n::Nationkey))
        .filter(n::Name.eq("GERMANY"))
        .as_scalar();
    let q = select((ps::Partkey, value))
        .filter(ps::Suppkey.eq(s::Suppkey))
        .filter(s::Nationkey.eq(n::Nationkey))
        .filter(n::Name.eq("GERMANY"))
        .group_by(ps::Partkey)
        .having(value.gt(threshold))
        .order_by(value.desc());
    type Row = (i64, Option<f64>);
    run_bound::<Row, _, _>(c, mode, &q, Q11_SQL, |t| t.bind("fraction", fraction))
}

// ---------------------------------------------------------------- Q12

/// Q12 reference SQL (SHIPMODE1 = MAIL, SHIPMODE2 = SHIP, DATE = 1994-01-01).
pub(crate) const Q12_SQL: &str = "
SELECT l_shipmode,
       SUM(CASE WHEN o_orderpriority = '1-URGENT' OR o_orderpriority = '2-HIGH'
                THEN 1 ELSE 0 END) AS high_line_count,
       SUM(CASE WHEN o_orderpriority <> '1-URGENT' AND o_orderpriority <> '2-HIGH'
                THEN 1 ELSE 0 END) AS low_line_count
FROM orders, lineitem
WHERE o_orderkey = l_orderkey
  AND l_shipmode IN ('MAIL', 'SHIP')
  AND l_commitdate < l_receiptdate
  AND l_shipdate < l_commitdate
  AND l_receiptdate >= '1994-01-01'
  AND l_receiptdate < '1995-01-01'
GROUP BY l_shipmode
ORDER BY l_shipmode";

/// Q12: Shipping Modes and Order Priority.
pub(crate) fn q12<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let date = "1994-01-01";
    let high = o::Orderpriority
        .eq("1-URGENT")
        .or(o::Orderpriority.eq("2-HIGH"));
    let low = o::Orderpriority
        .ne("1-URGENT")
        .and(o::Orderpriority.ne("2-HIGH"));
    let q = select((
        l::Shipmode,
        sum(case_when(high, 1i64).otherwise(0)).label("high_line_count"),
        sum(case_when(low, 1i64).otherwise(0)).label("low_line_count"),
    ))
    .filter(o::Orderkey.eq(l::Orderkey))
    .filter(l::Shipmode.in_(["MAIL", "SHIP"]))
    .filter(l::Commitdate.lt(l::Receiptdate))
    .filter(l::Shipdate.lt(l::Commitdate))
    .filter(l::Receiptdate.ge(date))
    .filter(l::Receiptdate.lt(add_months(date, 12)))
    .group_by(l::Shipmode)
    .order_by(l::Shipmode);
    type Row = (String, Option<i64>, Option<i64>);
    run::<Row, _, _>(c, mode, &q, Q12_SQL)
}

// ---------------------------------------------------------------- Q13

/// Q13 reference SQL (WORD1 = special, WORD2 = requests).
pub(crate) const Q13_SQL: &str = "
SELECT c_count, COUNT(*) AS custdist
FROM (
    SELECT c_custkey, COUNT(o_orderkey) AS c_count
    FROM customer LEFT OUTER JOIN orders
      ON c_custkey = o_custkey AND o_comment NOT LIKE '%special%requests%'
    GROUP BY c_custkey) AS c_orders
GROUP BY c_count
ORDER BY custdist DESC, c_count DESC";

/// Q13: Customer Distribution.
pub(crate) fn q13<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let c_orders = select((c::Custkey, count(o::Orderkey).label("c_count")))
        .from(Customer)
        .left_join(
            Orders,
            c::Custkey
                .eq(o::Custkey)
                .and(o::Comment.not_like("%special%requests%")),
        )
        .group_by(c::Custkey)
        .subquery("c_orders");
    let (_, c_count) = c_orders.c();
    let custdist = count_star().label("custdist");
    let q = select((c_count, custdist))
        .from(c_orders)
        .group_by(c_count)
        .order_by((custdist.desc(), c_count.desc()));
    type Row = (i64, i64);
    run::<Row, _, _>(c, mode, &q, Q13_SQL)
}

// ---------------------------------------------------------------- Q14

/// Q14 reference SQL (DATE = 1995-09-01).
pub(crate) const Q14_SQL: &str = "
SELECT 100.00 * SUM(CASE WHEN p_type LIKE 'PROMO%'
                         THEN l_extendedprice * (1 - l_discount) ELSE 0 END)
       / SUM(l_extendedprice * (1 - l_discount)) AS promo_revenue
FROM lineitem, part
WHERE l_partkey = p_partkey
  AND l_shipdate >= '1995-09-01'
  AND l_shipdate < '1995-10-01'";

/// Q14: Promotion Effect.
pub(crate) fn q14<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let date = "1995-09-01";
    let disc_price = l::Extendedprice.mul(one().sub(l::Discount));
    let promo = sum(case_when(p::Type.like("PROMO%"), disc_price).otherwise(0.0));
    let q = select(
        bind::<Double, _>(100.0)
            .mul(promo)
            .div(sum(disc_price))
            .label("promo_revenue"),
    )
    .filter(l::Partkey.eq(p::Partkey))
    .filter(l::Shipdate.ge(date))
    .filter(l::Shipdate.lt(add_months(date, 1)));
    type Row = Option<f64>;
    run::<Row, _, _>(c, mode, &q, Q14_SQL)
}

// ---------------------------------------------------------------- Q15

/// Q15 reference SQL (DATE = 1996-01-01), the view `revenue0` as a CTE.
pub(crate) const Q15_SQL: &str = "
WITH revenue0 AS (
    SELECT l_suppkey AS supplier_no, SUM(l_extendedprice * (1 - l_discount)) AS total_revenue
    FROM lineitem
    WHERE l_shipdate >= '1996-01-01' AND l_shipdate < '1996-04-01'
    GROUP BY l_suppkey)
SELECT s_suppkey, s_name, s_address, s_phone, total_revenue
FROM supplier, revenue0
WHERE s_suppkey = supplier_no
  AND total_revenue = (SELECT MAX(total_revenue) FROM revenue0)
ORDER BY s_suppkey";

/// Q15: Top Supplier.
pub(crate) fn q15<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let date = "1996-01-01";
    let revenue0 = cte("revenue0");
    let view = revenue0.as_(
        select((
            l::Suppkey.label("supplier_no"),
            sum(l::Extendedprice.mul(one().sub(l::Discount))).label("total_revenue"),
        ))
        .filter(l::Shipdate.ge(date))
        .filter(l::Shipdate.lt(add_months(date, 3)))
        .group_by(l::Suppkey),
    );
    let (supplier_no, total_revenue) = view.c();
    let q = select((s::Suppkey, s::Name, s::Address, s::Phone, total_revenue))
        .filter(s::Suppkey.eq(supplier_no))
        .filter(total_revenue.eq(select(max(total_revenue)).from(revenue0).as_scalar()))
        .order_by(s::Suppkey)
        .with(view);
    type Row = (i64, String, String, String, Option<f64>);
    run::<Row, _, _>(c, mode, &q, Q15_SQL)
}

// ---------------------------------------------------------------- Q16

/// Q16 reference SQL (BRAND = Brand#45, TYPE = MEDIUM POLISHED, SIZEs).
pub(crate) const Q16_SQL: &str = "
SELECT p_brand, p_type, p_size, COUNT(DISTINCT ps_suppkey) AS supplier_cnt
FROM partsupp, part
WHERE p_partkey = ps_partkey
  AND p_brand <> 'Brand#45'
  AND p_type NOT LIKE 'MEDIUM POLISHED%'
  AND p_size IN (49, 14, 23, 45, 19, 3, 36, 9)
  AND ps_suppkey NOT IN (
      SELECT s_suppkey FROM supplier WHERE s_comment LIKE '%Customer%Complaints%')
GROUP BY p_brand, p_type, p_size
ORDER BY supplier_cnt DESC, p_brand, p_type, p_size";

/// Q16: Parts/Supplier Relationship.
pub(crate) fn q16<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let complained_of = select(s::Suppkey).filter(s::Comment.like("%Customer%Complaints%"));
    let supplier_cnt = count(ps::Suppkey).distinct().label("supplier_cnt");
    let q = select((p::Brand, p::Type, p::Size, supplier_cnt))
        .filter(p::Partkey.eq(ps::Partkey))
        .filter(p::Brand.ne("Brand#45"))
        .filter(p::Type.not_like("MEDIUM POLISHED%"))
        .filter(p::Size.in_([49, 14, 23, 45, 19, 3, 36, 9]))
        .filter(ps::Suppkey.not_in(complained_of))
        .group_by((p::Brand, p::Type, p::Size))
        .order_by((supplier_cnt.desc(), p::Brand, p::Type, p::Size));
    type Row = (String, String, i32, i64);
    run::<Row, _, _>(c, mode, &q, Q16_SQL)
}

// ---------------------------------------------------------------- Q17

/// Q17 reference SQL (BRAND = Brand#23, CONTAINER = MED BOX).
pub(crate) const Q17_SQL: &str = "
SELECT SUM(l_extendedprice) / 7.0 AS avg_yearly
FROM lineitem, part
WHERE p_partkey = l_partkey
  AND p_brand = 'Brand#23'
  AND p_container = 'MED BOX'
  AND l_quantity < (SELECT 0.2 * AVG(l_quantity) FROM lineitem WHERE l_partkey = p_partkey)";

/// Q17: Small-Quantity-Order Revenue. The correlated subquery reads
/// `lineitem` under an alias, since the outer query reads it too.
pub(crate) fn q17<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let l2 = alias(Lineitem, "l2");
    let small = select(bind::<Double, _>(0.2).mul(avg(l2.col(l::Quantity))))
        .from(l2)
        .filter(l2.col(l::Partkey).eq(p::Partkey))
        .as_scalar();
    let q = select(sum(l::Extendedprice).div(7.0).label("avg_yearly"))
        .filter(p::Partkey.eq(l::Partkey))
        .filter(p::Brand.eq("Brand#23"))
        .filter(p::Container.eq("MED BOX"))
        .filter(l::Quantity.lt(small));
    type Row = Option<f64>;
    run::<Row, _, _>(c, mode, &q, Q17_SQL)
}

// ---------------------------------------------------------------- Q18

/// Q18 reference SQL (QUANTITY = 300).
pub(crate) const Q18_SQL: &str = "
SELECT c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice, SUM(l_quantity) AS total_qty
FROM customer, orders, lineitem
WHERE o_orderkey IN (
      SELECT l_orderkey FROM lineitem GROUP BY l_orderkey HAVING SUM(l_quantity) > 300)
  AND c_custkey = o_custkey
  AND o_orderkey = l_orderkey
GROUP BY c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice
ORDER BY o_totalprice DESC, o_orderdate
LIMIT 100";

/// Q18: Large Volume Customer. The IN subquery reads `lineitem` like the
/// outer query but refers to nothing outside itself, so it stands on its
/// own (it is not correlated).
pub(crate) fn q18<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let large = select(l::Orderkey)
        .group_by(l::Orderkey)
        .having(sum(l::Quantity).gt(300.0));
    let q = select((
        c::Name,
        c::Custkey,
        o::Orderkey,
        o::Orderdate,
        o::Totalprice,
        sum(l::Quantity).label("total_qty"),
    ))
    .filter(o::Orderkey.in_(large))
    .filter(c::Custkey.eq(o::Custkey))
    .filter(o::Orderkey.eq(l::Orderkey))
    .group_by((
        c::Name,
        c::Custkey,
        o::Orderkey,
        o::Orderdate,
        o::Totalprice,
    ))
    .order_by((o::Totalprice.desc(), o::Orderdate))
    .limit(100);
    type Row = (String, i64, i64, String, f64, Option<f64>);
    run::<Row, _, _>(c, mode, &q, Q18_SQL)
}

// ---------------------------------------------------------------- Q19

/// Q19 reference SQL (QUANTITY1 = 1, QUANTITY2 = 10, QUANTITY3 = 20,
/// BRAND1 = Brand#12, BRAND2 = Brand#23, BRAND3 = Brand#34).
pub(crate) const Q19_SQL: &str = "
SELECT SUM(l_extendedprice * (1 - l_discount)) AS revenue
FROM lineitem, part
WHERE (p_partkey = l_partkey
       AND p_brand = 'Brand#12'
       AND p_container IN ('SM CASE', 'SM BOX', 'SM PACK', 'SM PKG')
       AND l_quantity >= 1 AND l_quantity <= 1 + 10
       AND p_size BETWEEN 1 AND 5
       AND l_shipmode IN ('AIR', 'AIR REG')
       AND l_shipinstruct = 'DELIVER IN PERSON')
   OR (p_partkey = l_partkey
       AND p_brand = 'Brand#23'
       AND p_container IN ('MED BAG', 'MED BOX', 'MED PKG', 'MED PACK')
       AND l_quantity >= 10 AND l_quantity <= 10 + 10
       AND p_size BETWEEN 1 AND 10
       AND l_shipmode IN ('AIR', 'AIR REG')
       AND l_shipinstruct = 'DELIVER IN PERSON')
   OR (p_partkey = l_partkey
       AND p_brand = 'Brand#34'
       AND p_container IN ('LG CASE', 'LG BOX', 'LG PACK', 'LG PKG')
       AND l_quantity >= 20 AND l_quantity <= 20 + 10
       AND p_size BETWEEN 1 AND 15
       AND l_shipmode IN ('AIR', 'AIR REG')
       AND l_shipinstruct = 'DELIVER IN PERSON')";

/// Q19: Discounted Revenue.
pub(crate) fn q19<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let branch = |brand: &'static str, containers: [&'static str; 4], qty: f64, size: i32| {
        p::Partkey
            .eq(l::Partkey)
            .and(p::Brand.eq(brand))
            .and(p::Container.in_(containers))
            .and(l::Quantity.ge(qty))
            .and(l::Quantity.le(qty + 10.0))
            .and(p::Size.between(1, size))
            .and(l::Shipmode.in_(["AIR", "AIR REG"]))
            .and(l::Shipinstruct.eq("DELIVER IN PERSON"))
    };
    let q = select(sum(l::Extendedprice.mul(one().sub(l::Discount))).label("revenue")).filter(
        branch(
            "Brand#12",
            ["SM CASE", "SM BOX", "SM PACK", "SM PKG"],
            1.0,
            5,
        )
        .or(branch(
            "Brand#23",
            ["MED BAG", "MED BOX", "MED PKG", "MED PACK"],
            10.0,
            10,
        ))
        .or(branch(
            "Brand#34",
            ["LG CASE", "LG BOX", "LG PACK", "LG PKG"],
            20.0,
            15,
        )),
    );
    type Row = Option<f64>;
    run::<Row, _, _>(c, mode, &q, Q19_SQL)
}

// ---------------------------------------------------------------- Q20

/// Q20 reference SQL (COLOR = forest, DATE = 1994-01-01, NATION = CANADA).
pub(crate) const Q20_SQL: &str = "
SELECT s_name, s_address
FROM supplier, nation
WHERE s_suppkey IN (
      SELECT ps_suppkey FROM partsupp
      WHERE ps_partkey IN (SELECT p_partkey FROM part WHERE p_name LIKE 'forest%')
        AND ps_availqty > (
            SELECT 0.5 * SUM(l_quantity) FROM lineitem
            WHERE l_partkey = ps_partkey
              AND l_suppkey = ps_suppkey
              AND l_shipdate >= '1994-01-01'
              AND l_shipdate < '1995-01-01'))
  AND s_nationkey = n_nationkey
  AND n_name = 'CANADA'
ORDER BY s_name";

/// Q20: Potential Part Promotion: subqueries three deep, the innermost
/// correlated with the middle one.
pub(crate) fn q20<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let date = "1994-01-01";
    let forest = select(p::Partkey).filter(p::Name.like("forest%"));
    let half_shipped = select(bind::<Double, _>(0.5).mul(sum(l::Quantity)))
        .filter(l::Partkey.eq(ps::Partkey))
        .filter(l::Suppkey.eq(ps::Suppkey))
        .filter(l::Shipdate.ge(date))
        .filter(l::Shipdate.lt(add_months(date, 12)))
        .as_scalar();
    let excess = select(ps::Suppkey)
        .filter(ps::Partkey.in_(forest))
        .filter(cast::<Double, _>(ps::Availqty).gt(half_shipped));
    let q = select((s::Name, s::Address))
        .filter(s::Suppkey.in_(excess))
        .filter(s::Nationkey.eq(n::Nationkey))
        .filter(n::Name.eq("CANADA"))
        .order_by(s::Name);
    type Row = (String, String);
    run::<Row, _, _>(c, mode, &q, Q20_SQL)
}

// ---------------------------------------------------------------- Q21

/// Q21 reference SQL (NATION = SAUDI ARABIA).
pub(crate) const Q21_SQL: &str = "
SELECT s_name, COUNT(*) AS numwait
FROM supplier, lineitem l1, orders, nation
WHERE s_suppkey = l1.l_suppkey
  AND o_orderkey = l1.l_orderkey
  AND o_orderstatus = 'F'
  AND l1.l_receiptdate > l1.l_commitdate
  AND EXISTS (
      SELECT * FROM lineitem l2
      WHERE l2.l_orderkey = l1.l_orderkey AND l2.l_suppkey <> l1.l_suppkey)
  AND NOT EXISTS (
      SELECT * FROM lineitem l3
      WHERE l3.l_orderkey = l1.l_orderkey
        AND l3.l_suppkey <> l1.l_suppkey
        AND l3.l_receiptdate > l3.l_commitdate)
  AND s_nationkey = n_nationkey
  AND n_name = 'SAUDI ARABIA'
GROUP BY s_name
ORDER BY numwait DESC, s_name
LIMIT 100";

/// Q21: Suppliers Who Kept Orders Waiting: `lineitem` three times, under
/// three aliases.
pub(crate) fn q21<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let (l1, l2, l3) = (
        alias(Lineitem, "l1"),
        alias(Lineitem, "l2"),
        alias(Lineitem, "l3"),
    );
    let other_supplier = select(l2.col(l::Orderkey))
        .filter(l2.col(l::Orderkey).eq(l1.col(l::Orderkey)))
        .filter(l2.col(l::Suppkey).ne(l1.col(l::Suppkey)));
    let other_late = select(l3.col(l::Orderkey))
        .filter(l3.col(l::Orderkey).eq(l1.col(l::Orderkey)))
        .filter(l3.col(l::Suppkey).ne(l1.col(l::Suppkey)))
        .filter(l3.col(l::Receiptdate).gt(l3.col(l::Commitdate)));
    let numwait = count_star().label("numwait");
    let q = select((s::Name, numwait))
        .filter(s::Suppkey.eq(l1.col(l::Suppkey)))
        .filter(o::Orderkey.eq(l1.col(l::Orderkey)))
        .filter(o::Orderstatus.eq("F"))
        .filter(l1.col(l::Receiptdate).gt(l1.col(l::Commitdate)))
        .filter(exists(other_supplier))
        .filter(not(exists(other_late)))
        .filter(s::Nationkey.eq(n::Nationkey))
        .filter(n::Name.eq("SAUDI ARABIA"))
        .group_by(s::Name)
        .order_by((numwait.desc(), s::Name))
        .limit(100);
    type Row = (String, i64);
    run::<Row, _, _>(c, mode, &q, Q21_SQL)
}

// ---------------------------------------------------------------- Q22

/// Q22 reference SQL (I1..I7 = 13, 31, 23, 29, 30, 18, 17).
pub(crate) const Q22_SQL: &str = "
SELECT cntrycode, COUNT(*) AS numcust, SUM(c_acctbal) AS totacctbal
FROM (
    SELECT substr(c_phone, 1, 2) AS cntrycode, c_acctbal
    FROM customer
    WHERE substr(c_phone, 1, 2) IN ('13', '31', '23', '29', '30', '18', '17')
      AND c_acctbal > (
          SELECT AVG(c_acctbal) FROM customer
          WHERE c_acctbal > 0.00
            AND substr(c_phone, 1, 2) IN ('13', '31', '23', '29', '30', '18', '17'))
      AND NOT EXISTS (SELECT * FROM orders WHERE o_custkey = c_custkey)) AS custsale
GROUP BY cntrycode
ORDER BY cntrycode";

/// Q22: Global Sales Opportunity.
pub(crate) fn q22<C: Connection>(c: &mut C, _: &Params, mode: Mode) -> Result<Rows> {
    let codes = ["13", "31", "23", "29", "30", "18", "17"];
    let average = select(avg(c::Acctbal))
        .filter(c::Acctbal.gt(0.0))
        .filter(substr(c::Phone, 1, 2).in_(codes))
        .as_scalar();
    let has_orders = select(o::Orderkey).filter(o::Custkey.eq(c::Custkey));
    let custsale = select((substr(c::Phone, 1, 2).label("cntrycode"), c::Acctbal))
        .filter(substr(c::Phone, 1, 2).in_(codes))
        .filter(c::Acctbal.gt(average))
        .filter(not(exists(has_orders)))
        .subquery("custsale");
    let (cntrycode, acctbal) = custsale.c();
    let q = select((
        cntrycode,
        count_star().label("numcust"),
        sum(acctbal).label("totacctbal"),
    ))
    .from(custsale)
    .group_by(cntrycode)
    .order_by(cntrycode);
    type Row = (String, i64, Option<f64>);
    run::<Row, _, _>(c, mode, &q, Q22_SQL)
}

/// Whether two floats are equal within a relative tolerance of 1e-9 or an
/// absolute one of 1e-6.
pub(crate) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// Whether two cells are the same (floats within the tolerance of
/// [`close`]).
pub(crate) fn same_val(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Float(x), Val::Float(y)) => close(*x, *y),
        _ => a == b,
    }
}

/// Where two results differ: `None` if they have the same rows (in the
/// same order when `ordered`), otherwise a description of the first
/// difference.
pub(crate) fn difference(typed: &Rows, reference: &Rows, ordered: bool) -> Option<String> {
    if typed.len() != reference.len() {
        return Some(format!(
            "{} rows typed, {} rows reference",
            typed.len(),
            reference.len()
        ));
    }
    let sorted = |rows: &Rows| {
        let mut v = rows.clone();
        if !ordered {
            v.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        }
        v
    };
    let (a, b) = (sorted(typed), sorted(reference));
    a.iter().zip(&b).enumerate().find_map(|(i, (x, y))| {
        let same = x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_val(p, q));
        (!same).then(|| format!("row {i}: typed {x:?}, reference {y:?}"))
    })
}
