//! Runs one benchmark of one contestant in a loop, for a profiler:
//!
//! `valgrind --tool=callgrind target/release/profile sqlite trivial sqlalgebra 100 1000`
//!
//! Arguments: backend (sqlite, postgres, mysql), benchmark (trivial,
//! lookup, medium, insert, associations; the write shapes `write_insert`,
//! `write_update`, `write_delete`), contestant (sqlalgebra, raw, diesel;
//! `orm` for associations, trivial and lookup through the ORM; `orm`, `raw`, `diesel` for the
//! write shapes, whose measured part is `measured`), size, iterations. The data is prepared first; only the loop is wrapped
//! in `CALLGRIND` markers' worth of work (use `--toggle-collect=*run_loop*`
//! to count it alone).

use std::hint::black_box;

use sqlalgebra_peers::fixture::Fixture;
use sqlalgebra_peers::writes::Writing;
use sqlalgebra_peers::{
    Associating, Contestant, mysql_arena, new_users, postgres_arena, servers, sqlite_arena,
};

#[inline(never)]
fn run_loop(c: &mut dyn Contestant, bench: &str, size: usize, iterations: usize) {
    let rows = new_users(size);
    // The keys looked up, in turn: the table's users.
    let ids: Vec<i32> = match bench {
        "lookup" => c.trivial().iter().map(|u| u.id).collect(),
        _ => Vec::new(),
    };
    let mut next = ids.iter().copied().cycle();
    for _ in 0..iterations {
        match bench {
            "trivial" => drop(black_box(c.trivial())),
            "lookup" => drop(black_box(c.lookup(black_box(next.next().unwrap_or(0))))),
            "medium" => drop(black_box(c.medium())),
            "insert" => drop(black_box(c.insert(&rows))),
            "associations" => drop(black_box(c.associations())),
            other => panic!("unknown benchmark {other}"),
        }
    }
}

/// A write shape (`write_insert`, `write_update`, `write_delete`) of `size`
/// rows, once to warm up (its result checked) and then `iterations`
/// times: the table is prepared before each, outside `measured` (count
/// with `--toggle-collect='*counted*'`).
fn write_loop(
    fixture: &mut dyn Fixture,
    w: &mut dyn Writing,
    bench: &str,
    size: usize,
    iterations: usize,
) {
    let rows = new_users(size);
    for i in 0..=iterations {
        sqlalgebra_peers::writes::set_warming(i == 0);
        let color = if i % 2 == 0 { "red" } else { "green" };
        let n = match bench {
            "write_insert" => {
                fixture.clear_users();
                w.insert_objects(&rows)
            }
            "write_update" => {
                fixture.users(size);
                w.update_loaded(color)
            }
            "write_delete" => {
                fixture.users(size);
                w.delete_loaded()
            }
            other => panic!("unknown benchmark {other}"),
        };
        assert_eq!(n, size, "rows written");
        if i == 0 {
            let mut left = fixture.user_rows();
            left.sort();
            match bench {
                "write_insert" => {
                    let mut want: Vec<_> = rows
                        .iter()
                        .map(|u| (u.name.clone(), u.hair_color.clone()))
                        .collect();
                    want.sort();
                    assert_eq!(left, want);
                }
                "write_update" => {
                    assert_eq!(left.len(), size);
                    assert!(left.iter().all(|(_, c)| c.as_deref() == Some(color)));
                }
                _ => assert!(left.is_empty()),
            }
        }
    }
}

/// The ORM's loads (`associations`, `trivial`, `lookup`; count with
/// `--toggle-collect=*orm_loop*`).
#[inline(never)]
fn orm_loop(orm: &mut dyn Associating, bench: &str, ids: &[i32], iterations: usize) {
    let mut next = ids.iter().copied().cycle();
    for _ in 0..iterations {
        match bench {
            "associations" => drop(black_box(orm.associations())),
            "trivial" => drop(black_box(orm.trivial())),
            "lookup" => drop(black_box(orm.lookup(black_box(next.next().unwrap_or(0))))),
            other => panic!("the ORM runs associations, trivial and lookup, not {other}"),
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [db, bench, who, size, iterations] = args.as_slice() else {
        eprintln!("usage: profile BACKEND BENCHMARK CONTESTANT SIZE ITERATIONS");
        std::process::exit(2);
    };
    let size: usize = size.parse().expect("size");
    let iterations: usize = iterations.parse().expect("iterations");
    let mut arena = match db.as_str() {
        "sqlite" => sqlite_arena(),
        "postgres" => postgres_arena(&servers::postgres_database().expect("PostgreSQL")),
        "mysql" => mysql_arena(&servers::mysql_database().expect("MySQL")),
        other => panic!("unknown backend {other}"),
    };
    if bench.starts_with("write_") {
        let (_, w) = arena
            .writers
            .iter_mut()
            .find(|(n, _)| n == who)
            .expect("writer: orm, raw or diesel");
        write_loop(arena.fixture.as_mut(), w.as_mut(), bench, size, iterations);
        // The measured parts only (the loads and table resets are not).
        if std::env::var_os("PROFILE_TIME").is_some() {
            let t = sqlalgebra_peers::writes::measured_time() / iterations as u32;
            eprintln!("{who}: {t:?} per iteration");
        }
        return;
    }
    match bench.as_str() {
        "associations" => arena.fixture.associations(),
        "insert" => arena.fixture.reset(),
        _ => arena.fixture.users(size),
    }
    if who == "orm" {
        // The keys looked up, in turn: the table's users.
        let ids: Vec<i32> = match bench.as_str() {
            "lookup" => arena.orm.trivial().iter().map(|u| u.id).collect(),
            _ => Vec::new(),
        };
        orm_loop(arena.orm.as_mut(), bench, &ids, 1);
        let start = std::time::Instant::now();
        orm_loop(arena.orm.as_mut(), bench, &ids, iterations);
        print_time(who, start, iterations);
        return;
    }
    let (_, c) = arena
        .contestants
        .iter_mut()
        .find(|(n, _)| n == who)
        .expect("contestant: sqlalgebra, raw or diesel");
    // One run outside the loop: statements prepared, caches warm.
    run_loop(c.as_mut(), bench, size, 1);
    let start = std::time::Instant::now();
    run_loop(c.as_mut(), bench, size, iterations);
    print_time(who, start, iterations);
}

/// With `PROFILE_TIME` set, prints the loop's time per iteration.
fn print_time(who: &str, start: std::time::Instant, iterations: usize) {
    if std::env::var_os("PROFILE_TIME").is_some() {
        eprintln!(
            "{who}: {:?} per iteration",
            start.elapsed() / iterations as u32
        );
    }
}
