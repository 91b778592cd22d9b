//! Heap allocations per execution of a cached query, counted by a global
//! allocator: sqlalgebra, the raw driver and Diesel on each reachable
//! backend. Prints a table and writes `target/peers-allocs.json` for
//! `report.py`.
//!
//! `cargo run --release --bin allocs`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use sqlalgebra_peers::{Arena, Contestant, arenas, new_users};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counter is only a side effect.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const RUNS: u64 = 50;

/// Allocations per call of `f`, after one call that warms the caches.
fn per_run(mut f: impl FnMut()) -> f64 {
    f();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..RUNS {
        f();
    }
    (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / RUNS as f64
}

struct Line {
    db: &'static str,
    query: &'static str,
    rows: usize,
    counts: Vec<(&'static str, f64)>,
}

fn measure(
    arena: &mut Arena,
    query: &'static str,
    rows: usize,
    run: impl Fn(&mut dyn Contestant),
) -> Line {
    let counts = arena
        .contestants
        .iter_mut()
        .map(|(name, c)| (*name, per_run(|| run(c.as_mut()))))
        .collect();
    Line {
        db: arena.db.name(),
        query,
        rows,
        counts,
    }
}

fn main() {
    let mut lines = Vec::new();
    for mut arena in arenas() {
        for rows in [1, 100] {
            arena.fixture.users(rows);
            lines.push(measure(&mut arena, "trivial", rows, |c| {
                std::hint::black_box(c.trivial());
            }));
            lines.push(measure(&mut arena, "medium", rows.div_ceil(2), |c| {
                std::hint::black_box(c.medium());
            }));
        }
        arena.fixture.reset();
        let new = new_users(10);
        lines.push(measure(&mut arena, "insert", 10, |c| {
            std::hint::black_box(c.insert(&new));
        }));
        arena.fixture.associations();
        lines.push(measure(&mut arena, "associations", 100, |c| {
            std::hint::black_box(c.associations());
        }));
    }

    println!(
        "{:<9} {:<13} {:>5} {:>11} {:>9} {:>9}",
        "backend", "query", "rows", "sqlalgebra", "raw", "diesel"
    );
    let mut json = String::from("[\n");
    for (i, l) in lines.iter().enumerate() {
        let get = |name: &str| l.counts.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        let show = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.1}"));
        println!(
            "{:<9} {:<13} {:>5} {:>11} {:>9} {:>9}",
            l.db,
            l.query,
            l.rows,
            show(get("sqlalgebra")),
            show(get("raw")),
            show(get("diesel"))
        );
        let field = |v: Option<f64>| v.map_or("null".to_owned(), |v| format!("{v:.2}"));
        json.push_str(&format!(
            "  {{\"db\": \"{}\", \"query\": \"{}\", \"rows\": {}, \"sqlalgebra\": {}, \"raw\": {}, \"diesel\": {}}}{}\n",
            l.db,
            l.query,
            l.rows,
            field(get("sqlalgebra")),
            field(get("raw")),
            field(get("diesel")),
            if i + 1 < lines.len() { "," } else { "" }
        ));
    }
    json.push_str("]\n");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&dir).expect("target directory");
    std::fs::write(dir.join("peers-allocs.json"), json).expect("write peers-allocs.json");
}
