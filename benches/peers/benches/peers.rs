//! Diesel's benchmark suite (and a lookup by key), side by side: sqlalgebra, the raw driver and
//! Diesel on SQLite, PostgreSQL and MySQL/MariaDB.
//!
//! Benchmark ids are `<benchmark>/<backend>/<contestant>/<size>`, e.g.
//! `trivial_query/sqlite/raw/100`. `cargo bench --bench peers -- FILTER`
//! runs the matching ones only (and prepares only their data).
//!
//! Within a benchmark the contestants run one after the other, sqlalgebra
//! first; `PEERS_ROTATE=k` rotates that order by `k` (the ORM's
//! associations always run last), so that the runs of a report
//! (`report.py --baselines`) can give each contestant the first turn.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use sqlalgebra_peers::{Arena, arenas, new_users, sorted, sorted_associations};

const SIZES: [usize; 5] = [1, 10, 100, 1_000, 10_000];
const INSERT_SIZES: [usize; 5] = [1, 10, 25, 50, 100];
/// Rows inserted between two clean-ups of `users` in the insert benchmark
/// (the clean-up is not timed).
const ROWS_PER_CLEANUP: usize = 10_000;

/// The filter criterion was given, if any (the first argument that is not
/// an option or an option's value).
fn filter() -> Option<regex::Regex> {
    const WITH_VALUE: &[&str] = &[
        "--warm-up-time",
        "--measurement-time",
        "--sample-size",
        "--save-baseline",
        "--baseline",
        "--baseline-lenient",
        "--load-baseline",
        "--noise-threshold",
        "--significance-level",
        "--confidence-level",
        "--nresamples",
        "--output-format",
        "--color",
        "--profile-time",
        "--plotting-backend",
        "--format",
        "-c",
        "-s",
        "-b",
    ];
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if WITH_VALUE.contains(&a.as_str()) {
            args.next();
        } else if !a.starts_with('-') {
            return Some(regex::Regex::new(&a).expect("the filter is a regular expression"));
        }
    }
    None
}

struct Filter(Option<regex::Regex>);

impl Filter {
    /// Whether any contestant of `bench/db` at `size` is selected.
    fn wanted(&self, bench: &str, db: &str, size: usize) -> bool {
        self.0.as_ref().is_none_or(|f| {
            sqlalgebra_peers::CONTESTANTS
                .iter()
                .any(|c| f.is_match(&format!("{bench}/{db}/{c}/{size}")))
        })
    }
}

fn trivial_query(c: &mut Criterion, run: &Filter, arena: &mut Arena) {
    let db = arena.db.name();
    let mut group = c.benchmark_group(format!("trivial_query/{db}"));
    for size in SIZES {
        if !run.wanted("trivial_query", db, size) {
            continue;
        }
        arena.fixture.users(size);
        let mut expected = None;
        for (name, contestant) in &mut arena.contestants {
            let got = sorted(contestant.trivial());
            assert_eq!(got.len(), size, "{name}");
            check(&mut expected, got, name);
            group.bench_function(BenchmarkId::new(*name, size), |b| {
                b.iter(|| black_box(contestant.trivial()))
            });
        }
    }
    group.finish();
}

/// Users looked up by key, one per iteration, going round the 100 users
/// of the table.
fn lookup_by_key(c: &mut Criterion, run: &Filter, arena: &mut Arena) {
    let db = arena.db.name();
    if !run.wanted("lookup_by_key", db, 1) {
        return;
    }
    let mut group = c.benchmark_group(format!("lookup_by_key/{db}"));
    arena.fixture.users(100);
    let (_, first) = &mut arena.contestants[0];
    let ids: Vec<i32> = sorted(first.trivial()).iter().map(|u| u.id).collect();
    let absent = ids.iter().max().map_or(0, |m| m + 1);
    let mut expected = None;
    for (name, contestant) in &mut arena.contestants {
        let got: Vec<_> = ids.iter().map(|&id| contestant.lookup(id)).collect();
        assert!(
            got.iter()
                .zip(&ids)
                .all(|(u, id)| u.as_ref().is_some_and(|u| u.id == *id)),
            "{name}"
        );
        assert_eq!(contestant.lookup(absent), None, "{name}");
        check(&mut expected, got, name);
        let mut next = ids.iter().copied().cycle();
        group.bench_function(BenchmarkId::new(*name, 1), |b| {
            b.iter(|| black_box(contestant.lookup(black_box(next.next().unwrap_or(0)))))
        });
    }
    group.finish();
}

fn medium_complex_query(c: &mut Criterion, run: &Filter, arena: &mut Arena) {
    let db = arena.db.name();
    let mut group = c.benchmark_group(format!("medium_complex_query/{db}"));
    for size in SIZES {
        if !run.wanted("medium_complex_query", db, size) {
            continue;
        }
        arena.fixture.users(size);
        let mut expected = None;
        for (name, contestant) in &mut arena.contestants {
            let got = sorted(contestant.medium());
            assert_eq!(got.len(), size.div_ceil(2), "{name}");
            check(&mut expected, got, name);
            group.bench_function(BenchmarkId::new(*name, size), |b| {
                b.iter(|| black_box(contestant.medium()))
            });
        }
    }
    group.finish();
}

fn insert(c: &mut Criterion, run: &Filter, arena: &mut Arena) {
    let db = arena.db.name();
    let mut group = c.benchmark_group(format!("insert/{db}"));
    arena.fixture.reset();
    for size in INSERT_SIZES {
        if !run.wanted("insert", db, size) {
            continue;
        }
        let rows = new_users(size);
        let mut expected = None;
        let fixture = &mut arena.fixture;
        for (name, contestant) in &mut arena.contestants {
            fixture.clear_users();
            assert_eq!(contestant.insert(&rows), size, "{name}");
            let got: Vec<_> = sorted(contestant.trivial())
                .into_iter()
                .map(|u| (u.name, u.hair_color))
                .collect();
            let got = sorted(got);
            check(&mut expected, got, name);
            fixture.clear_users();
            let per_cleanup = (ROWS_PER_CLEANUP / size).max(1) as u64;
            group.bench_function(BenchmarkId::new(*name, size), |b| {
                b.iter_custom(|iters| {
                    let mut timed = Duration::ZERO;
                    let mut done = 0;
                    while done < iters {
                        let batch = per_cleanup.min(iters - done);
                        let start = Instant::now();
                        for _ in 0..batch {
                            black_box(contestant.insert(black_box(&rows)));
                        }
                        timed += start.elapsed();
                        done += batch;
                        fixture.clear_users();
                    }
                    timed
                })
            });
        }
    }
    group.finish();
}

fn loading_associations(c: &mut Criterion, run: &Filter, arena: &mut Arena) {
    let db = arena.db.name();
    if !run.wanted("loading_associations", db, 100) {
        return;
    }
    let mut group = c.benchmark_group(format!("loading_associations/{db}"));
    arena.fixture.associations();
    let mut expected = None;
    for (name, contestant) in &mut arena.contestants {
        let got = sorted_associations(contestant.associations());
        assert_eq!(got.len(), 100, "{name}");
        assert!(
            got.iter()
                .all(|(_, ps)| ps.len() == 10 && ps.iter().all(|(_, cs)| cs.len() == 10)),
            "{name}"
        );
        check(&mut expected, got, name);
        group.bench_function(BenchmarkId::new(*name, 100), |b| {
            b.iter(|| black_box(contestant.associations()))
        });
    }
    let orm = &mut arena.orm;
    check(
        &mut expected,
        sorted_associations(orm.associations()),
        "sqlalgebra_orm",
    );
    group.bench_function(BenchmarkId::new("sqlalgebra_orm", 100), |b| {
        b.iter(|| black_box(orm.associations()))
    });
    group.finish();
}

/// The first contestant's result is the reference; the others must match.
fn check<T: PartialEq + std::fmt::Debug>(expected: &mut Option<T>, got: T, name: &str) {
    match expected {
        None => *expected = Some(got),
        Some(e) => assert!(
            *e == got,
            "{name} returned something else than the first contestant"
        ),
    }
}

fn main() {
    if std::env::var_os("PEERS_PINNED").is_none() {
        eprintln!(
            "peers: not pinned to one CPU: on a small virtual machine the servers' \
             round trips take ~4x as long when the scheduler puts the client and the \
             server on different CPUs, which it does at random (run ./pinned.sh for \
             ratios that hold from run to run)"
        );
    }
    let mut c = Criterion::default().configure_from_args();
    let f = Filter(filter());
    let rotate: usize = std::env::var("PEERS_ROTATE").map_or(0, |k| {
        k.parse()
            .expect("PEERS_ROTATE is how far to rotate the contestants")
    });
    for mut arena in arenas() {
        let n = arena.contestants.len();
        arena.contestants.rotate_left(rotate % n);
        trivial_query(&mut c, &f, &mut arena);
        lookup_by_key(&mut c, &f, &mut arena);
        medium_complex_query(&mut c, &f, &mut arena);
        insert(&mut c, &f, &mut arena);
        loading_associations(&mut c, &f, &mut arena);
    }
    c.final_summary();
}
