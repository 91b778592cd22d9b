//! Answers the queries do not compute themselves, to check them against:
//!
//! - [`expected`]: Q1, Q4, Q6, Q12, Q14 and Q19 computed in Rust straight
//!   from the rows in memory, with money in whole cents and rates in whole
//!   hundredths (integers, so no boundary or sum is rounded), without SQL;
//! - [`published_sf1`]: the same queries' answers at scale factor 1, as the
//!   TPC-H specification publishes them (its answer set, printed with two
//!   or four decimals), for data made by `dbgen` or `tpchgen-cli`.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::datagen::Data;
use crate::queries::{Rows, Val};

/// `x` (a DECIMAL(15,2) read as the nearest double) in hundredths.
fn hundredths(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

/// A sum in units of `10^-scale`, as the double nearest to it.
fn scaled(sum: i128, scale: i32) -> f64 {
    sum as f64 / 10f64.powi(scale)
}

/// The answer of query `number` on `data`, when this module computes it.
pub(crate) fn expected(number: u8, data: &Data) -> Option<Rows> {
    Some(match number {
        1 => q1(data),
        4 => q4(data),
        6 => q6(data),
        12 => q12(data),
        14 => q14(data),
        19 => q19(data),
        _ => return None,
    })
}

fn q1(data: &Data) -> Rows {
    #[derive(Default)]
    struct Group {
        qty: i128,
        base: i128,
        disc_price: i128,
        charge: i128,
        disc: i128,
        n: i64,
    }
    // 1998-12-01 minus 90 days.
    let last = "1998-09-02";
    let mut groups: BTreeMap<(&str, &str), Group> = BTreeMap::new();
    for l in data
        .lineitems
        .iter()
        .filter(|l| l.shipdate.as_str() <= last)
    {
        let g = groups.entry((l.returnflag, l.linestatus)).or_default();
        let (price, disc, tax) = (
            hundredths(l.extendedprice),
            hundredths(l.discount),
            hundredths(l.tax),
        );
        g.qty += i128::from(hundredths(l.quantity));
        g.base += i128::from(price);
        g.disc_price += i128::from(price * (100 - disc));
        g.charge += i128::from(price * (100 - disc)) * i128::from(100 + tax);
        g.disc += i128::from(disc);
        g.n += 1;
    }
    groups
        .into_iter()
        .map(|((flag, status), g)| {
            let n = g.n as f64;
            vec![
                Val::Text(flag.to_owned()),
                Val::Text(status.to_owned()),
                Val::Float(scaled(g.qty, 2)),
                Val::Float(scaled(g.base, 2)),
                Val::Float(scaled(g.disc_price, 4)),
                Val::Float(scaled(g.charge, 6)),
                Val::Float(scaled(g.qty, 2) / n),
                Val::Float(scaled(g.base, 2) / n),
                Val::Float(scaled(g.disc, 2) / n),
                Val::Int(g.n),
            ]
        })
        .collect()
}

fn q4(data: &Data) -> Rows {
    let late: HashSet<i64> = data
        .lineitems
        .iter()
        .filter(|l| l.commitdate < l.receiptdate)
        .map(|l| l.order)
        .collect();
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for o in &data.orders {
        if o.date.as_str() >= "1993-07-01"
            && o.date.as_str() < "1993-10-01"
            && late.contains(&o.key)
        {
            *counts.entry(o.priority).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|(p, n)| vec![Val::Text(p.to_owned()), Val::Int(n)])
        .collect()
}

fn q6(data: &Data) -> Rows {
    let mut revenue: Option<i128> = None;
    for l in &data.lineitems {
        let disc = hundredths(l.discount);
        if l.shipdate.as_str() >= "1994-01-01"
            && l.shipdate.as_str() < "1995-01-01"
            && (5..=7).contains(&disc)
            && hundredths(l.quantity) < 2400
        {
            *revenue.get_or_insert(0) += i128::from(hundredths(l.extendedprice) * disc);
        }
    }
    vec![vec![
        revenue.map_or(Val::Null, |r| Val::Float(scaled(r, 4))),
    ]]
}

fn q12(data: &Data) -> Rows {
    let priority: HashMap<i64, &str> = data.orders.iter().map(|o| (o.key, o.priority)).collect();
    let mut counts: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for l in &data.lineitems {
        if (l.shipmode == "MAIL" || l.shipmode == "SHIP")
            && l.commitdate < l.receiptdate
            && l.shipdate < l.commitdate
            && l.receiptdate.as_str() >= "1994-01-01"
            && l.receiptdate.as_str() < "1995-01-01"
        {
            let c = counts.entry(l.shipmode).or_default();
            match priority[&l.order] {
                "1-URGENT" | "2-HIGH" => c.0 += 1,
                _ => c.1 += 1,
            }
        }
    }
    counts
        .into_iter()
        .map(|(mode, (high, low))| vec![Val::Text(mode.to_owned()), Val::Int(high), Val::Int(low)])
        .collect()
}

fn q14(data: &Data) -> Rows {
    let promo: HashSet<i64> = data
        .parts
        .iter()
        .filter(|p| p.kind.starts_with("PROMO"))
        .map(|p| p.key)
        .collect();
    let (mut part, mut all) = (0_i128, 0_i128);
    let mut any = false;
    for l in &data.lineitems {
        if l.shipdate.as_str() >= "1995-09-01" && l.shipdate.as_str() < "1995-10-01" {
            let v = i128::from(hundredths(l.extendedprice) * (100 - hundredths(l.discount)));
            all += v;
            any = true;
            if promo.contains(&l.part) {
                part += v;
            }
        }
    }
    vec![vec![if any {
        Val::Float(100.0 * part as f64 / all as f64)
    } else {
        Val::Null
    }]]
}

fn q19(data: &Data) -> Rows {
    let parts: HashMap<i64, _> = data.parts.iter().map(|p| (p.key, p)).collect();
    let branches: [(&str, [&str; 4], i64, i32); 3] = [
        ("Brand#12", ["SM CASE", "SM BOX", "SM PACK", "SM PKG"], 1, 5),
        (
            "Brand#23",
            ["MED BAG", "MED BOX", "MED PKG", "MED PACK"],
            10,
            10,
        ),
        (
            "Brand#34",
            ["LG CASE", "LG BOX", "LG PACK", "LG PKG"],
            20,
            15,
        ),
    ];
    let mut revenue: Option<i128> = None;
    for l in &data.lineitems {
        // The specification's text says 'AIR REG', which no line has (dbgen
        // writes `REG AIR`): only AIR lines count.
        if !(l.shipmode == "AIR" || l.shipmode == "AIR REG")
            || l.shipinstruct != "DELIVER IN PERSON"
        {
            continue;
        }
        let p = parts[&l.part];
        let qty = hundredths(l.quantity);
        let hit = branches.iter().any(|(brand, containers, q, size)| {
            p.brand == *brand
                && containers.contains(&p.container.as_str())
                && (q * 100..=(q + 10) * 100).contains(&qty)
                && (1..=*size).contains(&p.size)
        });
        if hit {
            *revenue.get_or_insert(0) +=
                i128::from(hundredths(l.extendedprice) * (100 - hundredths(l.discount)));
        }
    }
    vec![vec![
        revenue.map_or(Val::Null, |r| Val::Float(scaled(r, 4))),
    ]]
}

/// The answer set of the TPC-H specification at scale factor 1 (validation
/// substitution parameters) for query `number`, where this module has it:
/// each cell as published, text as printed.
pub(crate) fn published_sf1(number: u8) -> Option<&'static [&'static [&'static str]]> {
    Some(match number {
        1 => &[
            &[
                "A",
                "F",
                "37734107.00",
                "56586554400.73",
                "53758257134.87",
                "55909065222.83",
                "25.52",
                "38273.13",
                "0.05",
                "1478493",
            ],
            &[
                "N",
                "F",
                "991417.00",
                "1487504710.38",
                "1413082168.05",
                "1469649223.19",
                "25.52",
                "38284.47",
                "0.05",
                "38854",
            ],
            &[
                "N",
                "O",
                "74476040.00",
                "111701729697.74",
                "106118230307.61",
                "110367043872.50",
                "25.50",
                "38249.12",
                "0.05",
                "2920374",
            ],
            &[
                "R",
                "F",
                "37719753.00",
                "56568041380.90",
                "53741292684.60",
                "55889619119.83",
                "25.51",
                "38250.85",
                "0.05",
                "1478870",
            ],
        ],
        4 => &[
            &["1-URGENT", "10594"],
            &["2-HIGH", "10476"],
            &["3-MEDIUM", "10410"],
            &["4-NOT SPECIFIED", "10556"],
            &["5-LOW", "10487"],
        ],
        6 => &[&["123141078.2283"]],
        12 => &[&["MAIL", "6202", "9324"], &["SHIP", "6200", "9262"]],
        14 => &[&["16.38"]],
        19 => &[&["3083843.0578"]],
        _ => return None,
    })
}

/// The answer to query `number` in `dir`, a directory of answer files as
/// the TPC-H distribution has them (`q1.out`, ...) or as other tools copy
/// them (`q01.csv`): a header line, then one line per row, cells separated
/// by `|` (surrounding spaces ignored). `None` when there is no such file.
pub(crate) fn answer_file(
    dir: &std::path::Path,
    number: u8,
) -> Option<std::io::Result<Vec<Vec<String>>>> {
    let names = [
        format!("q{number}.out"),
        format!("q{number:02}.csv"),
        format!("q{number}.csv"),
    ];
    let path = names.iter().map(|n| dir.join(n)).find(|p| p.is_file())?;
    Some(std::fs::read_to_string(path).map(|text| {
        text.lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                l.trim_end_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_owned())
                    .collect()
            })
            .collect()
    }))
}

/// Where `rows` differ from a published answer: each number must round to
/// the printed one (be within half a unit of its last printed digit), each
/// text equal it but for surrounding spaces (`CHAR(n)` columns, and
/// answer files that pad their cells).
pub(crate) fn differs_from_published<S: AsRef<str>, R: AsRef<[S]>>(
    rows: &Rows,
    published: &[R],
) -> Option<String> {
    if rows.len() != published.len() {
        return Some(format!(
            "{} rows, published {}",
            rows.len(),
            published.len()
        ));
    }
    for (i, (row, want)) in rows.iter().zip(published).enumerate() {
        let want: Vec<&str> = want.as_ref().iter().map(AsRef::as_ref).collect();
        let same = row.len() == want.len()
            && row.iter().zip(want.iter()).all(|(got, want)| match got {
                Val::Text(s) => s.trim() == want.trim(),
                Val::Int(n) => want.parse() == Ok(*n),
                Val::Float(x) => {
                    let decimals = want.split_once('.').map_or(0, |(_, d)| d.len());
                    let half_unit = 0.5 * 10f64.powi(-(decimals as i32));
                    // Plus the float error of summing millions of values.
                    want.parse::<f64>()
                        .is_ok_and(|w| (x - w).abs() <= half_unit + w.abs() * 1e-12)
                }
                Val::Null => false,
            });
        if !same {
            return Some(format!("row {i}: {row:?}, published {want:?}"));
        }
    }
    None
}
