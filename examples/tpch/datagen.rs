//! A deterministic TPC-H data generator: its own small PRNG, the value
//! lists and distributions of the specification (clause 4.2.3), at any
//! (small) scale factor.
//!
//! It follows the specification closely enough that every query returns
//! rows with the validation substitution parameters. Three deliberate
//! departures keep that true at tiny scale factors:
//!
//! - eight orders, spread over the key range at any scale factor, are
//!   "large" (seven lines of at least 43 units each), so that Q18 finds
//!   some (the specification's distribution gives about 57 per scale
//!   factor, none at SF 0.01);
//! - at least two suppliers' comments mention `Customer ... Complaints`
//!   and two `Customer ... Recommends` (Q16), and one order comment in a
//!   hundred says `special ... requests` (Q13);
//! - nations are dealt to suppliers and customers from shuffled decks:
//!   uniform, as the specification says, but no nation is left with no
//!   supplier (Q7, Q11, Q20 and Q21 each ask for one nation's suppliers).

/// The first order date, 1992-01-01.
pub(crate) const START_DATE: &str = "1992-01-01";
/// The day line statuses and return flags are computed against, 1995-06-17.
pub(crate) const CURRENT_DATE: &str = "1995-06-17";
/// The last order date, 1998-12-31 minus 151 days.
pub(crate) const LAST_ORDER_DATE: &str = "1998-08-02";

/// The five regions, by key.
pub(crate) const REGIONS: [&str; 5] = ["AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"];

/// The 25 nations, by key, with their region's key.
pub(crate) const NATIONS: [(&str, i64); 25] = [
    ("ALGERIA", 0),
    ("ARGENTINA", 1),
    ("BRAZIL", 1),
    ("CANADA", 1),
    ("EGYPT", 4),
    ("ETHIOPIA", 0),
    ("FRANCE", 3),
    ("GERMANY", 3),
    ("INDIA", 2),
    ("INDONESIA", 2),
    ("IRAN", 4),
    ("IRAQ", 4),
    ("JAPAN", 2),
    ("JORDAN", 4),
    ("KENYA", 0),
    ("MOROCCO", 0),
    ("MOZAMBIQUE", 0),
    ("PERU", 1),
    ("CHINA", 2),
    ("ROMANIA", 3),
    ("SAUDI ARABIA", 4),
    ("VIETNAM", 2),
    ("RUSSIA", 3),
    ("UNITED KINGDOM", 3),
    ("UNITED STATES", 1),
];

/// The customers' market segments.
pub(crate) const SEGMENTS: [&str; 5] = [
    "AUTOMOBILE",
    "BUILDING",
    "FURNITURE",
    "MACHINERY",
    "HOUSEHOLD",
];
/// The orders' priorities.
pub(crate) const PRIORITIES: [&str; 5] =
    ["1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"];
/// The lines' shipping instructions.
pub(crate) const INSTRUCTIONS: [&str; 4] = [
    "DELIVER IN PERSON",
    "COLLECT COD",
    "NONE",
    "TAKE BACK RETURN",
];
/// The lines' shipping modes.
pub(crate) const MODES: [&str; 7] = ["REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"];
const TYPE_1: [&str; 6] = ["STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"];
const TYPE_2: [&str; 5] = ["ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"];
const TYPE_3: [&str; 5] = ["TIN", "NICKEL", "BRASS", "STEEL", "COPPER"];
const CONTAINER_1: [&str; 5] = ["SM", "LG", "MED", "JUMBO", "WRAP"];
const CONTAINER_2: [&str; 8] = ["CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"];

/// The 92 words of part names.
const COLORS: [&str; 92] = [
    "almond",
    "antique",
    "aquamarine",
    "azure",
    "beige",
    "bisque",
    "black",
    "blanched",
    "blue",
    "blush",
    "brown",
    "burlywood",
    "burnished",
    "chartreuse",
    "chiffon",
    "chocolate",
    "coral",
    "cornflower",
    "cornsilk",
    "cream",
    "cyan",
    "dark",
    "deep",
    "dim",
    "dodger",
    "drab",
    "firebrick",
    "floral",
    "forest",
    "frosted",
    "gainsboro",
    "ghost",
    "goldenrod",
    "green",
    "grey",
    "honeydew",
    "hot",
    "indian",
    "ivory",
    "khaki",
    "lace",
    "lavender",
    "lawn",
    "lemon",
    "light",
    "lime",
    "linen",
    "magenta",
    "maroon",
    "medium",
    "metallic",
    "midnight",
    "mint",
    "misty",
    "moccasin",
    "navajo",
    "navy",
    "olive",
    "orange",
    "orchid",
    "pale",
    "papaya",
    "peach",
    "peru",
    "pink",
    "plum",
    "powder",
    "puff",
    "purple",
    "red",
    "rose",
    "rosy",
    "royal",
    "saddle",
    "salmon",
    "sandy",
    "seashell",
    "sienna",
    "sky",
    "slate",
    "smoke",
    "snow",
    "spring",
    "steel",
    "tan",
    "thistle",
    "tomato",
    "turquoise",
    "violet",
    "wheat",
    "white",
    "yellow",
];

/// The words comments are made of (after the specification's text pool).
const WORDS: [&str; 64] = [
    "foxes",
    "ideas",
    "theodolites",
    "pinto",
    "beans",
    "instructions",
    "dependencies",
    "excuses",
    "platelets",
    "asymptotes",
    "courts",
    "dolphins",
    "multipliers",
    "packages",
    "accounts",
    "deposits",
    "warthogs",
    "frets",
    "dinos",
    "patterns",
    "pearls",
    "sheaves",
    "furious",
    "sly",
    "careful",
    "blithe",
    "quick",
    "fluffy",
    "slow",
    "quiet",
    "ruthless",
    "thin",
    "close",
    "bold",
    "pending",
    "express",
    "regular",
    "final",
    "ironic",
    "even",
    "unusual",
    "furiously",
    "slyly",
    "carefully",
    "blithely",
    "quickly",
    "fluffily",
    "slowly",
    "quietly",
    "boldly",
    "sleep",
    "wake",
    "are",
    "cajole",
    "haggle",
    "nag",
    "use",
    "boost",
    "affix",
    "detect",
    "integrate",
    "among",
    "above",
    "across",
];

/// A small, fast, deterministic PRNG (SplitMix64).
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform integer in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        let span = (hi - lo) as u64 + 1;
        lo + (self.next_u64() % span) as i64
    }

    /// A nation key, uniform over the 25 nations, dealt from a shuffled
    /// deck (refilled when empty) so that even a small table covers every
    /// nation about equally.
    pub(crate) fn nation(&mut self, deck: &mut Vec<i64>) -> i64 {
        if deck.is_empty() {
            deck.extend(0..25);
            for i in (1..deck.len()).rev() {
                let j = self.range(0, i as i64) as usize;
                deck.swap(i, j);
            }
        }
        deck.pop().expect("a refilled deck")
    }

    /// A uniform pick from `items`.
    pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.range(0, items.len() as i64 - 1) as usize]
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn month_days(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The day number of an ISO date (`YYYY-MM-DD`), counted from 1970-01-01.
/// Only for the well-formed dates this program writes itself.
pub(crate) fn day_number(iso: &str) -> i64 {
    let part = |r: std::ops::Range<usize>| iso[r].parse::<i64>().expect("an ISO date");
    let (y, m, d) = (part(0..4), part(5..7), part(8..10));
    let mut days = 0;
    for year in 1970..y {
        days += if is_leap(year) { 366 } else { 365 };
    }
    for month in 1..m {
        days += month_days(y, month);
    }
    days + d - 1
}

/// The ISO date of a day number counted from 1970-01-01.
pub(crate) fn iso_date(mut days: i64) -> String {
    let mut y = 1970;
    loop {
        let len = if is_leap(y) { 366 } else { 365 };
        if days < len {
            break;
        }
        days -= len;
        y += 1;
    }
    let mut m = 1;
    while days >= month_days(y, m) {
        days -= month_days(y, m);
        m += 1;
    }
    format!("{y:04}-{m:02}-{:02}", days + 1)
}

/// `date 'iso' + interval 'n' day`.
pub(crate) fn add_days(iso: &str, n: i64) -> String {
    iso_date(day_number(iso) + n)
}

/// `date 'iso' + interval 'n' month` (the day clamped to the month's end).
pub(crate) fn add_months(iso: &str, n: i64) -> String {
    let y: i64 = iso[0..4].parse().expect("an ISO date");
    let m: i64 = iso[5..7].parse().expect("an ISO date");
    let d: i64 = iso[8..10].parse().expect("an ISO date");
    let months = y * 12 + (m - 1) + n;
    let (y, m) = (months.div_euclid(12), months.rem_euclid(12) + 1);
    format!("{y:04}-{m:02}-{:02}", d.min(month_days(y, m)))
}

/// A row of `region`.
#[derive(Debug, Clone)]
pub(crate) struct RegionRow {
    pub(crate) key: i64,
    pub(crate) name: &'static str,
    pub(crate) comment: String,
}

/// A row of `nation`.
#[derive(Debug, Clone)]
pub(crate) struct NationRow {
    pub(crate) key: i64,
    pub(crate) name: &'static str,
    pub(crate) region: i64,
    pub(crate) comment: String,
}

/// A row of `supplier`.
#[derive(Debug, Clone)]
pub(crate) struct SupplierRow {
    pub(crate) key: i64,
    pub(crate) name: String,
    pub(crate) address: String,
    pub(crate) nation: i64,
    pub(crate) phone: String,
    pub(crate) acctbal: f64,
    pub(crate) comment: String,
}

/// A row of `customer`.
#[derive(Debug, Clone)]
pub(crate) struct CustomerRow {
    pub(crate) key: i64,
    pub(crate) name: String,
    pub(crate) address: String,
    pub(crate) nation: i64,
    pub(crate) phone: String,
    pub(crate) acctbal: f64,
    pub(crate) segment: &'static str,
    pub(crate) comment: String,
}

/// A row of `part`.
#[derive(Debug, Clone)]
pub(crate) struct PartRow {
    pub(crate) key: i64,
    pub(crate) name: String,
    pub(crate) mfgr: String,
    pub(crate) brand: String,
    pub(crate) kind: String,
    pub(crate) size: i32,
    pub(crate) container: String,
    pub(crate) retailprice: f64,
    pub(crate) comment: String,
}

/// A row of `partsupp`.
#[derive(Debug, Clone)]
pub(crate) struct PartSuppRow {
    pub(crate) part: i64,
    pub(crate) supp: i64,
    pub(crate) availqty: i32,
    pub(crate) supplycost: f64,
    pub(crate) comment: String,
}

/// A row of `orders`.
#[derive(Debug, Clone)]
pub(crate) struct OrderRow {
    pub(crate) key: i64,
    pub(crate) cust: i64,
    pub(crate) status: &'static str,
    pub(crate) totalprice: f64,
    pub(crate) date: String,
    pub(crate) priority: &'static str,
    pub(crate) clerk: String,
    pub(crate) shippriority: i32,
    pub(crate) comment: String,
}

/// A row of `lineitem`.
#[derive(Debug, Clone)]
pub(crate) struct LineRow {
    pub(crate) order: i64,
    pub(crate) part: i64,
    pub(crate) supp: i64,
    pub(crate) number: i32,
    pub(crate) quantity: f64,
    pub(crate) extendedprice: f64,
    pub(crate) discount: f64,
    pub(crate) tax: f64,
    pub(crate) returnflag: &'static str,
    pub(crate) linestatus: &'static str,
    pub(crate) shipdate: String,
    pub(crate) commitdate: String,
    pub(crate) receiptdate: String,
    pub(crate) shipinstruct: &'static str,
    pub(crate) shipmode: &'static str,
    pub(crate) comment: String,
}

/// The whole database, in memory.
#[derive(Debug, Clone, Default)]
pub(crate) struct Data {
    pub(crate) regions: Vec<RegionRow>,
    pub(crate) nations: Vec<NationRow>,
    pub(crate) suppliers: Vec<SupplierRow>,
    pub(crate) customers: Vec<CustomerRow>,
    pub(crate) parts: Vec<PartRow>,
    pub(crate) partsupps: Vec<PartSuppRow>,
    pub(crate) orders: Vec<OrderRow>,
    pub(crate) lineitems: Vec<LineRow>,
}

impl Data {
    /// The number of rows of all tables together.
    pub(crate) fn rows(&self) -> usize {
        self.regions.len()
            + self.nations.len()
            + self.suppliers.len()
            + self.customers.len()
            + self.parts.len()
            + self.partsupps.len()
            + self.orders.len()
            + self.lineitems.len()
    }
}

/// Random text of `min..=max` characters from the word pool.
fn text(rng: &mut Rng, min: i64, max: i64) -> String {
    let len = rng.range(min, max) as usize;
    let mut s = String::with_capacity(len + 16);
    while s.len() < len {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(rng.pick(&WORDS));
    }
    s.truncate(len);
    s.trim_end().to_owned()
}

/// `text` with `first ... second` somewhere in it, within `max` characters.
fn text_with(rng: &mut Rng, min: i64, max: i64, first: &str, second: &str) -> String {
    let room = max - (first.len() + second.len() + 2) as i64;
    let before = text(rng, 0, room / 3);
    let between = text(rng, 1, room / 3);
    let after = text(rng, 0, room / 3);
    let mut s = [
        before.as_str(),
        first,
        between.as_str(),
        second,
        after.as_str(),
    ]
    .iter()
    .filter(|w| !w.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join(" ");
    while (s.len() as i64) < min {
        s.push_str(" even");
    }
    s
}

/// Random letters and digits, `min..=max` of them (addresses).
fn address(rng: &mut Rng, min: i64, max: i64) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,. ";
    let len = rng.range(min, max);
    (0..len)
        .map(|_| CHARS[rng.range(0, CHARS.len() as i64 - 1) as usize] as char)
        .collect()
}

/// A phone number whose country code is the nation's key + 10.
fn phone(rng: &mut Rng, nation: i64) -> String {
    format!(
        "{}-{}-{}-{}",
        nation + 10,
        rng.range(100, 999),
        rng.range(100, 999),
        rng.range(1000, 9999)
    )
}

/// Money in cents as a `Double` of exactly two decimals.
fn money(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// The retail price of a part, in cents, a function of its key.
fn retail_cents(key: i64) -> i64 {
    90000 + ((key / 10) % 20001) + 100 * (key % 1000)
}

/// The four suppliers of part `part`, among `suppliers` (the
/// specification's formula, stepping past a repeat that it can produce at
/// tiny scale factors).
pub(crate) fn part_suppliers(part: i64, suppliers: i64) -> [i64; 4] {
    let mut out = [0; 4];
    for i in 0..4 {
        let step = suppliers / 4 + (part - 1) / suppliers;
        let mut s = (part + i as i64 * step) % suppliers + 1;
        while out[..i].contains(&s) {
            s = s % suppliers + 1;
        }
        out[i] = s;
    }
    out
}

/// The `n`-th order key (0-based): 8 used keys in every 32.
fn order_key(n: i64) -> i64 {
    (n / 8) * 32 + n % 8 + 1
}

/// Generates the database at scale factor `sf` (at least 0.001) from
/// `seed`. The same arguments give the same data.
pub(crate) fn generate(sf: f64, seed: u64) -> Data {
    let scaled = |base: f64| ((base * sf).round() as i64).max(1);
    let n_supp = scaled(10_000.0).max(4);
    let n_part = scaled(200_000.0);
    let n_cust = scaled(150_000.0).max(3);
    let n_order = scaled(1_500_000.0);
    let n_clerk = scaled(1_000.0);
    let mut rng = Rng::new(seed);
    let mut data = Data::default();

    for (key, name) in REGIONS.iter().enumerate() {
        data.regions.push(RegionRow {
            key: key as i64,
            name,
            comment: text(&mut rng, 31, 115),
        });
    }
    for (key, (name, region)) in NATIONS.iter().enumerate() {
        data.nations.push(NationRow {
            key: key as i64,
            name,
            region: *region,
            comment: text(&mut rng, 31, 114),
        });
    }

    // A few suppliers with complaints and recommendations, spread out.
    let special = (scaled(5.0)).max(2);
    let complaints: Vec<i64> = (0..special).map(|i| 1 + i * n_supp / special).collect();
    let recommends: Vec<i64> = complaints.iter().map(|k| k % n_supp + 1).collect();
    let mut deck = Vec::new();
    for key in 1..=n_supp {
        let nation = rng.nation(&mut deck);
        let comment = if complaints.contains(&key) {
            text_with(&mut rng, 25, 100, "Customer", "Complaints")
        } else if recommends.contains(&key) {
            text_with(&mut rng, 25, 100, "Customer", "Recommends")
        } else {
            text(&mut rng, 25, 100)
        };
        data.suppliers.push(SupplierRow {
            key,
            name: format!("Supplier#{key:09}"),
            address: address(&mut rng, 10, 40),
            nation,
            phone: phone(&mut rng, nation),
            acctbal: money(rng.range(-99_999, 999_999)),
            comment,
        });
    }

    for key in 1..=n_part {
        let mut words: Vec<&str> = Vec::with_capacity(5);
        while words.len() < 5 {
            let w = rng.pick(&COLORS);
            if !words.contains(&w) {
                words.push(w);
            }
        }
        let m = rng.range(1, 5);
        let n = rng.range(1, 5);
        let kind = format!(
            "{} {} {}",
            rng.pick(&TYPE_1),
            rng.pick(&TYPE_2),
            rng.pick(&TYPE_3)
        );
        let container = format!("{} {}", rng.pick(&CONTAINER_1), rng.pick(&CONTAINER_2));
        data.parts.push(PartRow {
            key,
            name: words.join(" "),
            mfgr: format!("Manufacturer#{m}"),
            brand: format!("Brand#{m}{n}"),
            kind,
            size: rng.range(1, 50) as i32,
            container,
            retailprice: money(retail_cents(key)),
            comment: text(&mut rng, 5, 22),
        });
        for supp in part_suppliers(key, n_supp) {
            data.partsupps.push(PartSuppRow {
                part: key,
                supp,
                availqty: rng.range(1, 9999) as i32,
                supplycost: money(rng.range(100, 100_000)),
                comment: text(&mut rng, 49, 198),
            });
        }
    }

    let mut deck = Vec::new();
    for key in 1..=n_cust {
        let nation = rng.nation(&mut deck);
        data.customers.push(CustomerRow {
            key,
            name: format!("Customer#{key:09}"),
            address: address(&mut rng, 10, 40),
            nation,
            phone: phone(&mut rng, nation),
            acctbal: money(rng.range(-99_999, 999_999)),
            segment: rng.pick(&SEGMENTS),
            comment: text(&mut rng, 29, 116),
        });
    }

    let first = day_number(START_DATE);
    let last = day_number(LAST_ORDER_DATE);
    let current = day_number(CURRENT_DATE);
    let large_every = (n_order / 8).max(1);
    for n in 0..n_order {
        let key = order_key(n);
        let cust = loop {
            let c = rng.range(1, n_cust);
            if c % 3 != 0 {
                break c;
            }
        };
        let date = rng.range(first, last);
        let large = n % large_every == large_every - 1;
        let lines = if large { 7 } else { rng.range(1, 7) };
        let mut total_cents = 0.0;
        let (mut shipped, mut open) = (0, 0);
        for number in 1..=lines {
            let part = rng.range(1, n_part);
            let supp = part_suppliers(part, n_supp)[rng.range(0, 3) as usize];
            let quantity = if large {
                rng.range(43, 50)
            } else {
                rng.range(1, 50)
            };
            let ext = quantity * retail_cents(part);
            let discount = rng.range(0, 10);
            let tax = rng.range(0, 8);
            let ship = date + rng.range(1, 121);
            let commit = date + rng.range(30, 90);
            let receipt = ship + rng.range(1, 30);
            let returnflag = if receipt <= current {
                if rng.range(0, 1) == 0 { "R" } else { "A" }
            } else {
                "N"
            };
            let linestatus = if ship > current { "O" } else { "F" };
            if linestatus == "F" {
                shipped += 1;
            } else {
                open += 1;
            }
            total_cents +=
                ext as f64 * (1.0 + tax as f64 / 100.0) * (1.0 - discount as f64 / 100.0);
            data.lineitems.push(LineRow {
                order: key,
                part,
                supp,
                number: number as i32,
                quantity: quantity as f64,
                extendedprice: money(ext),
                discount: money(discount),
                tax: money(tax),
                returnflag,
                linestatus,
                shipdate: iso_date(ship),
                commitdate: iso_date(commit),
                receiptdate: iso_date(receipt),
                shipinstruct: rng.pick(&INSTRUCTIONS),
                shipmode: rng.pick(&MODES),
                comment: text(&mut rng, 10, 43),
            });
        }
        let status = match (shipped, open) {
            (_, 0) => "F",
            (0, _) => "O",
            _ => "P",
        };
        let comment = if rng.range(0, 99) == 0 {
            text_with(&mut rng, 19, 78, "special", "requests")
        } else {
            text(&mut rng, 19, 78)
        };
        data.orders.push(OrderRow {
            key,
            cust,
            status,
            totalprice: money(total_cents.round() as i64),
            date: iso_date(date),
            priority: rng.pick(&PRIORITIES),
            clerk: format!("Clerk#{:09}", rng.range(1, n_clerk)),
            shippriority: 0,
            comment,
        });
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for iso in ["1970-01-01", "1992-02-29", "1995-06-17", "1998-12-31"] {
            assert_eq!(iso_date(day_number(iso)), iso);
        }
        assert_eq!(add_days("1998-12-01", -90), "1998-09-02");
        assert_eq!(add_months("1993-10-01", 3), "1994-01-01");
    }
}
