//! Scalar functions, CASE, CAST, dates, window functions and NULLS
//! FIRST/LAST, executed. Every expected value is computed here in Rust
//! from the rows inserted, independently of the SQL under test.

mod common;
use common::on_all_backends;

use sqlalgebra::prelude::*;
use sqlalgebra::{Backend, Engine, Pooled, Result};

/// The `staff` table.
#[derive(Clone, Copy, Debug, Default)]
pub struct Staff;
impl Table for Staff {
    const NAME: &'static str = "staff";
    type Columns = (
        staff::Id,
        staff::Name,
        staff::Dept,
        staff::Salary,
        staff::Bonus,
        staff::Hired,
        staff::Nick,
        staff::Age,
    );
    type PrimaryKey = staff::Id;
}

/// Columns of `staff`.
pub mod staff {
    use sqlalgebra::prelude::*;
    macro_rules! col {
        ($name:ident, $st:ty, $sql:literal) => {
            #[doc = concat!("The `", $sql, "` column.")]
            #[derive(Clone, Copy, Debug, Default)]
            pub struct $name;
            impl Column for $name {
                type Table = super::Staff;
                type SqlType = $st;
                const NAME: &'static str = $sql;
            }
        };
    }
    col!(Id, BigInt, "id");
    col!(Name, Text, "name");
    col!(Dept, Varchar<10>, "dept");
    col!(Salary, Double, "salary");
    col!(Bonus, Nullable<Double>, "bonus");
    col!(Hired, Date, "hired");
    col!(Nick, Nullable<Text>, "nick");
    col!(Age, Integer, "age");
}

use staff::*;

/// The `event` table: timestamps and times.
#[derive(Clone, Copy, Debug, Default)]
pub struct Event;
impl Table for Event {
    const NAME: &'static str = "event";
    type Columns = (event::Id, event::At, event::Starts);
    type PrimaryKey = event::Id;
}

/// Columns of `event`.
pub mod event {
    use sqlalgebra::prelude::*;
    /// The primary key.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    /// When it happened.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct At;
    /// The time of day it starts, if known.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Starts;
    impl Column for Id {
        type Table = super::Event;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    impl Column for At {
        type Table = super::Event;
        type SqlType = Timestamp;
        const NAME: &'static str = "at";
    }
    impl Column for Starts {
        type Table = super::Event;
        type SqlType = Nullable<Time>;
        const NAME: &'static str = "starts";
    }
}

/// One row of `staff`, as inserted.
struct Person {
    id: i64,
    name: &'static str,
    dept: &'static str,
    salary: f64,
    bonus: Option<f64>,
    hired: &'static str,
    nick: Option<&'static str>,
    age: i32,
}

const fn p(
    id: i64,
    name: &'static str,
    dept: &'static str,
    salary: f64,
    bonus: Option<f64>,
    hired: &'static str,
    nick: Option<&'static str>,
    age: i32,
) -> Person {
    Person {
        id,
        name,
        dept,
        salary,
        bonus,
        hired,
        nick,
        age,
    }
}

/// Ties in salary within a department (for RANK), NULLs in the nullable
/// columns, a non-ASCII name, padded text, a leap day.
const PEOPLE: [Person; 7] = [
    p(
        1,
        "alice",
        "eng",
        120.0,
        Some(10.0),
        "2019-03-15",
        Some("Al"),
        34,
    ),
    p(2, "bob", "eng", 100.0, None, "2020-07-01", None, 45),
    p(
        3,
        "carol",
        "eng",
        100.0,
        Some(5.5),
        "2021-01-20",
        Some("  cc  "),
        29,
    ),
    p(4, "dave", "ops", 80.26, None, "2018-11-30", None, 52),
    p(
        5,
        "Zoë",
        "ops",
        95.54,
        Some(2.0),
        "2020-02-29",
        Some("zz"),
        40,
    ),
    p(
        6,
        "eve-x",
        "sales",
        70.0,
        Some(7.25),
        "2022-12-31",
        None,
        23,
    ),
    p(
        7,
        "frank",
        "sales",
        70.0,
        None,
        "2019-06-05",
        Some("Frankie"),
        38,
    ),
];

fn setup<B: Backend>(engine: &Engine<B>) -> Result<Pooled<B>> {
    let mut conn = engine.connect()?;
    create_all::<Staff>(&mut conn)?;
    let rows: Vec<_> = PEOPLE
        .iter()
        .map(|p| {
            (
                Id.set(p.id),
                Name.set(p.name),
                Dept.set(p.dept),
                Salary.set(p.salary),
                Bonus.set(p.bonus),
                Hired.set(p.hired),
                Nick.set(p.nick),
                Age.set(p.age),
            )
        })
        .collect();
    insert_into(Staff).values(rows).execute(&mut conn)?;
    Ok(conn)
}

#[track_caller]
fn assert_close(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-9, "got {got}, want {want}");
}

#[track_caller]
fn assert_close_opt(got: Option<f64>, want: Option<f64>) {
    match (got, want) {
        (Some(g), Some(w)) => assert_close(g, w),
        (None, None) => {}
        _ => panic!("got {got:?}, want {want:?}"),
    }
}

fn case_when_buckets<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let rows: Vec<(i64, String, Option<i32>)> = select((
        Id,
        case_when(Age.lt(30), "young")
            .when(Age.lt(45), "middle")
            .otherwise("senior"),
        case_when(Bonus.is_not_null(), 1),
    ))
    .order_by(Id)
    .load(&mut conn)?;
    let want: Vec<(i64, String, Option<i32>)> = PEOPLE
        .iter()
        .map(|p| {
            let bucket = if p.age < 30 {
                "young"
            } else if p.age < 45 {
                "middle"
            } else {
                "senior"
            };
            (p.id, bucket.to_string(), p.bonus.map(|_| 1))
        })
        .collect();
    assert_eq!(rows, want);

    // CASE inside an aggregate, grouped: how many people per department
    // have a bonus.
    let counts: Vec<(String, Option<i64>)> =
        select((Dept, sum(case_when(Bonus.is_null(), 0).otherwise(1))))
            .group_by(Dept)
            .order_by(Dept)
            .load(&mut conn)?;
    let mut want: Vec<(String, Option<i64>)> = Vec::new();
    for p in &PEOPLE {
        let n = i64::from(p.bonus.is_some());
        match want.iter_mut().find(|(d, _)| d == p.dept) {
            Some((_, c)) => *c = Some(c.unwrap_or(0) + n),
            None => want.push((p.dept.to_string(), Some(n))),
        }
    }
    want.sort();
    assert_eq!(counts, want);
    Ok(())
}

fn case_with_nullable_else<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let rows: Vec<Option<f64>> = select(case_when(Dept.eq("eng"), Salary).otherwise(Bonus))
        .order_by(Id)
        .load(&mut conn)?;
    let want: Vec<Option<f64>> = PEOPLE
        .iter()
        .map(|p| {
            if p.dept == "eng" {
                Some(p.salary)
            } else {
                p.bonus
            }
        })
        .collect();
    assert_eq!(rows.len(), want.len());
    for (g, w) in rows.into_iter().zip(want) {
        assert_close_opt(g, w);
    }
    Ok(())
}

fn casts<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let rows: Vec<(String, f64, i64)> = select((
        cast::<Text, _>(Age),
        cast::<Double, _>(Age),
        cast::<BigInt, _>(cast::<Text, _>(Id.mul(10))),
    ))
    .order_by(Id)
    .load(&mut conn)?;
    for (row, p) in rows.iter().zip(&PEOPLE) {
        assert_eq!(row.0, p.age.to_string());
        assert_close(row.1, f64::from(p.age));
        assert_eq!(row.2, p.id * 10);
    }
    assert_eq!(rows.len(), PEOPLE.len());

    // A date cast to text and back is the same date, with the same year.
    let years: Vec<(String, i32)> = select((
        cast::<Text, _>(Hired),
        extract_year(cast::<Date, _>(cast::<Text, _>(Hired))),
    ))
    .order_by(Id)
    .load(&mut conn)?;
    let want: Vec<(String, i32)> = PEOPLE
        .iter()
        .map(|p| (p.hired.to_string(), p.hired[..4].parse().unwrap()))
        .collect();
    assert_eq!(years, want);
    Ok(())
}

fn coalesce_and_nullif<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let rows: Vec<(String, f64, Option<i32>)> =
        select((coalesce(Nick, Name), coalesce(Bonus, 0.0), nullif(Age, 40)))
            .order_by(Id)
            .load(&mut conn)?;
    for (row, p) in rows.iter().zip(&PEOPLE) {
        assert_eq!(row.0, p.nick.unwrap_or(p.name));
        assert_close(row.1, p.bonus.unwrap_or(0.0));
        assert_eq!(row.2, (p.age != 40).then_some(p.age));
    }
    assert_eq!(rows.len(), PEOPLE.len());
    Ok(())
}

fn string_functions<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    // lower/upper only on ASCII names: SQLite folds ASCII letters only.
    let rows: Vec<(
        String,
        String,
        i32,
        String,
        String,
        Option<String>,
        Option<i32>,
    )> = select((
        lower(Name),
        upper(Name),
        length(Name),
        substr(Name, 2, 3),
        replace(Name, "e", "E"),
        trim(Nick),
        length(Nick),
    ))
    .filter(Id.ne(5))
    .order_by(Id)
    .load(&mut conn)?;
    let ascii: Vec<&Person> = PEOPLE.iter().filter(|p| p.id != 5).collect();
    assert_eq!(rows.len(), ascii.len());
    for (row, p) in rows.iter().zip(ascii) {
        assert_eq!(row.0, p.name.to_ascii_lowercase());
        assert_eq!(row.1, p.name.to_ascii_uppercase());
        assert_eq!(row.2, p.name.chars().count() as i32);
        assert_eq!(row.3, p.name.chars().skip(1).take(3).collect::<String>());
        assert_eq!(row.4, p.name.replace('e', "E"));
        assert_eq!(row.5, p.nick.map(|n| n.trim_matches(' ').to_string()));
        assert_eq!(row.6, p.nick.map(|n| n.chars().count() as i32));
    }

    // Length and substr count characters, not bytes.
    let zoe = &PEOPLE[4];
    let (len, part): (i32, String) = select((length(Name), substr(Name, 2, 2)))
        .filter(Id.eq(zoe.id))
        .get(&mut conn)?;
    assert_eq!(len, zoe.name.chars().count() as i32);
    assert_eq!(part, zoe.name.chars().skip(1).take(2).collect::<String>());

    // Functions in WHERE.
    let ids: Vec<i64> = select(Id)
        .filter(lower(trim(coalesce(Nick, ""))).eq("cc"))
        .load(&mut conn)?;
    let want: Vec<i64> = PEOPLE
        .iter()
        .filter(|p| p.nick.is_some_and(|n| n.trim().eq_ignore_ascii_case("cc")))
        .map(|p| p.id)
        .collect();
    assert_eq!(ids, want);
    Ok(())
}

fn numeric_functions<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let rows: Vec<(i32, f64, f64, Option<f64>)> = select((
        abs(Age.sub(40)),
        round(Salary, 1),
        round(Age, 0),
        round(Bonus, 0),
    ))
    .order_by(Id)
    .load(&mut conn)?;
    assert_eq!(rows.len(), PEOPLE.len());
    for (row, p) in rows.iter().zip(&PEOPLE) {
        assert_eq!(row.0, (p.age - 40).abs());
        assert_close(row.1, (p.salary * 10.0).round() / 10.0);
        assert_close(row.2, f64::from(p.age));
        assert_close_opt(row.3, p.bonus.map(f64::round));
    }

    // Round an aggregate.
    let avg_salary: Option<f64> = select(round(avg(Salary), 2)).from(Staff).get(&mut conn)?;
    let want = PEOPLE.iter().map(|p| p.salary).sum::<f64>() / PEOPLE.len() as f64;
    assert_close(avg_salary.unwrap(), (want * 100.0).round() / 100.0);
    Ok(())
}

fn date_parts_and_comparisons<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let rows: Vec<(i64, String, i32, i32, i32)> = select((
        Id,
        Hired,
        extract_year(Hired),
        extract_month(Hired),
        extract_day(Hired),
    ))
    .filter(Hired.between("2019-01-01", "2020-12-31"))
    .order_by(Hired.desc())
    .load(&mut conn)?;
    let mut want: Vec<(i64, String, i32, i32, i32)> = PEOPLE
        .iter()
        .filter(|p| ("2019-01-01"..="2020-12-31").contains(&p.hired))
        .map(|p| {
            let part = |r: std::ops::Range<usize>| p.hired[r].parse::<i32>().unwrap();
            (
                p.id,
                p.hired.to_string(),
                part(0..4),
                part(5..7),
                part(8..10),
            )
        })
        .collect();
    want.sort_by(|a, b| b.1.cmp(&a.1));
    assert!(want.len() >= 3, "the data must exercise the filter");
    assert_eq!(rows, want);

    // Group by year.
    let per_year: Vec<(i32, i64)> = select((extract_year(Hired), count_star()))
        .group_by(extract_year(Hired))
        .order_by(extract_year(Hired))
        .load(&mut conn)?;
    let mut want: Vec<(i32, i64)> = Vec::new();
    for p in &PEOPLE {
        let y: i32 = p.hired[..4].parse().unwrap();
        match want.iter_mut().find(|(year, _)| *year == y) {
            Some((_, n)) => *n += 1,
            None => want.push((y, 1)),
        }
    }
    want.sort();
    assert_eq!(per_year, want);
    Ok(())
}

fn func_escape_hatch<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let rows: Vec<(String, i32, String)> = select((
        func::<Text, _>("upper", (Dept,)),
        func::<Integer, _>("abs", (Age.sub(50),)),
        func::<Text, _>("replace", (Name, "a", "4")),
    ))
    .order_by(Id)
    .load(&mut conn)?;
    assert_eq!(rows.len(), PEOPLE.len());
    for (row, p) in rows.iter().zip(&PEOPLE) {
        assert_eq!(row.0, p.dept.to_ascii_uppercase());
        assert_eq!(row.1, (p.age - 50).abs());
        assert_eq!(row.2, p.name.replace('a', "4"));
    }
    // A bad name is an error before anything reaches the database.
    let bad = select(func::<Text, _>("upper); DROP TABLE staff; --", (Name,)))
        .load::<String, _>(&mut conn);
    assert!(
        matches!(
            bad.as_ref().map_err(sqlalgebra::Error::kind),
            Err(sqlalgebra::ErrorKind::InvalidStatement(_))
        ),
        "{bad:?}"
    );
    let n: i64 = select(count_star()).from(Staff).get(&mut conn)?;
    assert_eq!(n, PEOPLE.len() as i64);
    Ok(())
}

/// The people of `p`'s department.
fn dept_of(p: &Person) -> impl Iterator<Item = &'static Person> + '_ {
    PEOPLE.iter().filter(move |q| q.dept == p.dept)
}

fn ranking_functions<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let by_pay = || window().partition_by(Dept).order_by((Salary.desc(), Id));
    let rows: Vec<(i64, i64, i64, i64, i64)> = select((
        Id,
        row_number().over(by_pay()),
        rank().over(window().partition_by(Dept).order_by(Salary.desc())),
        dense_rank().over(window().order_by(Salary.desc())),
        ntile(3).over(window().order_by(Id)),
    ))
    .order_by(Id)
    .load(&mut conn)?;

    let n = PEOPLE.len();
    let want: Vec<(i64, i64, i64, i64, i64)> = PEOPLE
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let ahead = dept_of(p)
                .filter(|q| q.salary > p.salary || (q.salary == p.salary && q.id < p.id))
                .count() as i64;
            let higher = dept_of(p).filter(|q| q.salary > p.salary).count() as i64;
            let mut distinct_higher: Vec<f64> = PEOPLE
                .iter()
                .map(|q| q.salary)
                .filter(|s| *s > p.salary)
                .collect();
            distinct_higher.sort_by(f64::total_cmp);
            distinct_higher.dedup();
            // NTILE: the first n % k buckets get one row more.
            let (k, size) = (3, n / 3);
            let big = n % k;
            let bucket = if i < big * (size + 1) {
                i / (size + 1)
            } else {
                big + (i - big * (size + 1)) / size
            };
            (
                p.id,
                ahead + 1,
                higher + 1,
                distinct_higher.len() as i64 + 1,
                bucket as i64 + 1,
            )
        })
        .collect();
    assert_eq!(rows, want);
    Ok(())
}

fn lag_and_lead<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let rows: Vec<(i64, Option<f64>, Option<String>, Option<i32>)> = select((
        Id,
        lag(Salary, 1).over(window().partition_by(Dept).order_by(Id)),
        lead(Name, 1).over(window().order_by(Id)),
        lag(Age, 2).over(window().order_by(Id)),
    ))
    .order_by(Id)
    .load(&mut conn)?;
    assert_eq!(rows.len(), PEOPLE.len());
    for (i, (row, p)) in rows.iter().zip(&PEOPLE).enumerate() {
        assert_eq!(row.0, p.id);
        let prev_in_dept = dept_of(p).filter(|q| q.id < p.id).max_by_key(|q| q.id);
        assert_close_opt(row.1, prev_in_dept.map(|q| q.salary));
        assert_eq!(row.2, PEOPLE.get(i + 1).map(|q| q.name.to_string()));
        assert_eq!(row.3, i.checked_sub(2).map(|j| PEOPLE[j].age));
    }
    Ok(())
}

fn aggregates_over_windows<B: Backend>(engine: &Engine<B>) -> Result<()> {
    use FrameBound::*;
    let mut conn = setup(engine)?;
    let rows: Vec<(i64, Option<f64>, i64, Option<f64>, Option<f64>, Option<i32>)> = select((
        Id,
        sum(Salary).over(window().partition_by(Dept)),
        count_star().over(window().partition_by(Dept)),
        sum(Salary).over(
            window()
                .order_by(Id)
                .rows_between(UnboundedPreceding, CurrentRow),
        ),
        avg(Salary).over(
            window()
                .order_by(Id)
                .rows_between(Preceding(1), Following(1)),
        ),
        min(Age).over(
            window()
                .order_by(Age)
                .range_between(Preceding(5), Following(5)),
        ),
    ))
    .order_by(Id)
    .load(&mut conn)?;
    assert_eq!(rows.len(), PEOPLE.len());
    for (i, (row, p)) in rows.iter().zip(&PEOPLE).enumerate() {
        assert_eq!(row.0, p.id);
        assert_close_opt(row.1, Some(dept_of(p).map(|q| q.salary).sum()));
        assert_eq!(row.2, dept_of(p).count() as i64);
        assert_close_opt(row.3, Some(PEOPLE[..=i].iter().map(|q| q.salary).sum()));
        let near = &PEOPLE[i.saturating_sub(1)..(i + 2).min(PEOPLE.len())];
        assert_close_opt(
            row.4,
            Some(near.iter().map(|q| q.salary).sum::<f64>() / near.len() as f64),
        );
        let close_ages = PEOPLE
            .iter()
            .map(|q| q.age)
            .filter(|a| (a - p.age).abs() <= 5)
            .min();
        assert_eq!(row.5, close_ages);
    }

    // The whole result as the window. (In a query of its own: MariaDB
    // 10.11 splits the PARTITION BY windows above wrongly when an `OVER ()`
    // window and a RANGE window share their SELECT.)
    let rows: Vec<(i64, Option<f64>)> = select((Id, max(Bonus).over(window())))
        .order_by(Id)
        .load(&mut conn)?;
    let max_bonus = PEOPLE.iter().filter_map(|p| p.bonus).reduce(f64::max);
    assert_eq!(rows.len(), PEOPLE.len());
    for (id, max) in rows {
        assert!(PEOPLE.iter().any(|p| p.id == id));
        assert_close_opt(max, max_bonus);
    }
    Ok(())
}

fn nulls_first_and_last<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = setup(engine)?;
    let key = |p: &Person| p.bonus.map(|b| (b * 100.0) as i64);

    let got: Vec<i64> = select(Id)
        .order_by((Bonus.asc().nulls_first(), Id))
        .load(&mut conn)?;
    let mut want: Vec<&Person> = PEOPLE.iter().collect();
    // Option orders None first, then values ascending.
    want.sort_by_key(|p| (key(p), p.id));
    assert_eq!(got, want.iter().map(|p| p.id).collect::<Vec<_>>());

    let got: Vec<i64> = select(Id)
        .order_by((Bonus.asc().nulls_last(), Id))
        .load(&mut conn)?;
    want.sort_by_key(|p| (key(p).is_none(), key(p), p.id));
    assert_eq!(got, want.iter().map(|p| p.id).collect::<Vec<_>>());

    let got: Vec<i64> = select(Id)
        .order_by((Bonus.desc().nulls_last(), Id))
        .load(&mut conn)?;
    want.sort_by_key(|p| (key(p).is_none(), std::cmp::Reverse(key(p)), p.id));
    assert_eq!(got, want.iter().map(|p| p.id).collect::<Vec<_>>());

    let got: Vec<i64> = select(Id)
        .order_by((Bonus.desc().nulls_first(), Id))
        .load(&mut conn)?;
    want.sort_by_key(|p| (key(p).is_some(), std::cmp::Reverse(key(p)), p.id));
    assert_eq!(got, want.iter().map(|p| p.id).collect::<Vec<_>>());

    // Inside a window: rank by bonus, NULLs last.
    let ranks: Vec<(i64, i64)> = select((
        Id,
        row_number().over(window().order_by((Bonus.desc().nulls_last(), Id))),
    ))
    .order_by(Id)
    .load(&mut conn)?;
    want.sort_by_key(|p| (key(p).is_none(), std::cmp::Reverse(key(p)), p.id));
    for (id, rank) in ranks {
        let pos = want.iter().position(|p| p.id == id).unwrap();
        assert_eq!(rank, pos as i64 + 1, "id {id}");
    }
    Ok(())
}

fn timestamps_and_times_round_trip<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    create_all::<Event>(&mut conn)?;
    let events: [(i64, &str, Option<&str>); 4] = [
        (1, "2024-02-29 23:59:59", Some("23:59:59")),
        (2, "1999-12-31 00:00:00", None),
        (3, "2024-03-01 08:30:00", Some("08:30:00")),
        (4, "2023-07-14 12:00:01", Some("00:00:00")),
    ];
    let rows: Vec<_> = events
        .iter()
        .map(|(id, at, starts)| {
            (
                event::Id.set(*id),
                event::At.set(*at),
                event::Starts.set(*starts),
            )
        })
        .collect();
    insert_into(Event).values(rows).execute(&mut conn)?;

    // Loaded back as the same ISO text.
    let got: Vec<(i64, String, Option<String>)> = select((event::Id, event::At, event::Starts))
        .order_by(event::Id)
        .load(&mut conn)?;
    let want: Vec<(i64, String, Option<String>)> = events
        .iter()
        .map(|(id, at, s)| (*id, at.to_string(), s.map(str::to_string)))
        .collect();
    assert_eq!(got, want);

    // Compared and ordered as timestamps; parts of a timestamp.
    let got: Vec<(i64, i32, i32, i32)> = select((
        event::Id,
        extract_year(event::At),
        extract_month(event::At),
        extract_day(event::At),
    ))
    .filter(event::At.ge("2024-01-01 00:00:00"))
    .order_by(event::At.desc())
    .load(&mut conn)?;
    let mut want: Vec<(&str, i64)> = events
        .iter()
        .filter(|(_, at, _)| *at >= "2024-01-01 00:00:00")
        .map(|(id, at, _)| (*at, *id))
        .collect();
    want.sort_by(|a, b| b.cmp(a));
    let want: Vec<(i64, i32, i32, i32)> = want
        .into_iter()
        .map(|(at, id)| {
            let n = |r: std::ops::Range<usize>| at[r].parse::<i32>().unwrap();
            (id, n(0..4), n(5..7), n(8..10))
        })
        .collect();
    assert_eq!(got.len(), 2);
    assert_eq!(got, want);

    // NULL times sort last on request.
    let ids: Vec<i64> = select(event::Id)
        .order_by((event::Starts.asc().nulls_last(), event::Id))
        .load(&mut conn)?;
    let mut want: Vec<_> = events.iter().collect();
    want.sort_by_key(|(id, _, s)| (s.is_none(), *s, *id));
    assert_eq!(ids, want.iter().map(|(id, _, _)| *id).collect::<Vec<_>>());
    Ok(())
}

on_all_backends!(
    timestamps_and_times_round_trip,
    case_when_buckets,
    case_with_nullable_else,
    casts,
    coalesce_and_nullif,
    string_functions,
    numeric_functions,
    date_parts_and_comparisons,
    func_escape_hatch,
    ranking_functions,
    lag_and_lead,
    aggregates_over_windows,
    nulls_first_and_last,
);
