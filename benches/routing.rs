//! What routing costs and what a replica gives (issue 21, BENCHMARKS.md
//! "Routing and replicas"):
//!
//! - `cargo bench --bench routing -- overhead`: criterion, one lookup by
//!   key on in-memory SQLite through a plain pooled connection and through
//!   a `RoutedConnection` (the replica's) and a `ShardedEngine` (fixed key:
//!   one shard).
//! - `target/release/deps/routing-* count direct|routed|sharded N`: N
//!   lookups and nothing else, for `valgrind --tool=callgrind` (the
//!   difference of two runs' instruction totals over N is the overhead per
//!   statement).
//! - `cargo bench --bench routing -- throughput`: 16 threads reading by
//!   key for a fixed number of reads on the scale-out cluster
//!   (scripts/cluster-up.sh), first on the primary only, then through a
//!   routed engine over the primary and its standby.

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use sqlalgebra::Pooled;
use sqlalgebra::prelude::*;
use sqlalgebra::routing::{RoutedConnection, RoutedEngine, RoutingOptions};
use sqlalgebra::shard::{ByKey, ShardedEngine};
use sqlalgebra::value::ValueRef;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

#[derive(Clone, Copy, Debug, Default)]
struct Notes;
impl Table for Notes {
    const NAME: &'static str = "routing_notes";
    type Columns = (Id, Body);
    type PrimaryKey = Id;
}
#[derive(Clone, Copy, Debug, Default)]
struct Id;
impl Column for Id {
    type Table = Notes;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
}
#[derive(Clone, Copy, Debug, Default)]
struct Body;
impl Column for Body {
    type Table = Notes;
    type SqlType = Text;
    const NAME: &'static str = "body";
}

const ROWS: i64 = 100;

fn fill(conn: &mut impl Connection) {
    conn.batch_execute(
        "DROP TABLE IF EXISTS routing_notes; \
         CREATE TABLE routing_notes (id BIGINT PRIMARY KEY, body TEXT NOT NULL)",
    )
    .expect("create");
    for id in 1..=ROWS {
        insert_into(Notes)
            .values((Id.set(id), Body.set(format!("note {id}"))))
            .execute(conn)
            .expect("insert");
    }
}

fn lookup(conn: &mut impl Connection, id: i64) -> (i64, String) {
    select((Id, Body))
        .filter(Id.eq(id))
        .get(conn)
        .expect("lookup")
}

struct Setups {
    direct: Pooled<Sqlite>,
    routed: RoutedConnection<Sqlite>,
    sharded: ShardedEngine<Sqlite>,
}

fn setups() -> Setups {
    let one = || {
        let e = Sqlite::memory().expect("sqlite");
        fill(&mut e.connect().expect("connect"));
        e
    };
    let direct = one().connect().expect("connect");
    let routed = RoutedEngine::new(one(), vec![one()], RoutingOptions::default()).connect();
    let sharded = ShardedEngine::new(vec![one()], ByKey::new(Id, |_: ValueRef<'_>| Ok(0)));
    Setups {
        direct,
        routed,
        sharded,
    }
}

fn overhead(c: &mut Criterion) {
    let mut s = setups();
    let mut group = c.benchmark_group("routing overhead (lookup by key, in-memory SQLite)");
    let mut id = 0;
    let mut next = || {
        id = id % ROWS + 1;
        id
    };
    group.bench_function("direct", |b| b.iter(|| lookup(&mut s.direct, next())));
    group.bench_function("routed (replica)", |b| {
        b.iter(|| lookup(&mut s.routed, next()))
    });
    group.bench_function("sharded (one shard)", |b| {
        b.iter(|| {
            let q = select((Id, Body)).filter(Id.eq(next()));
            s.sharded.get::<(i64, String), _>(&q).expect("lookup")
        })
    });
    group.finish();
}

fn count(which: &str, n: i64) {
    let mut s = setups();
    for k in 0..n {
        let id = k % ROWS + 1;
        let row = match which {
            "direct" => lookup(&mut s.direct, id),
            "routed" => lookup(&mut s.routed, id),
            "sharded" => s
                .sharded
                .get(&select((Id, Body)).filter(Id.eq(id)))
                .expect("lookup"),
            other => panic!("count direct|routed|sharded N, not {other}"),
        };
        std::hint::black_box(row);
    }
}

fn throughput() {
    const THREADS: usize = 16;
    const READS: i64 = 2_000;
    let primary_url = "postgres://postgres@127.0.0.1:5440/test";
    let pool = PoolOptions::default()
        .size(THREADS as u32)
        .timeout(Duration::from_secs(5));
    let primary = match Postgres::connect_with(primary_url, &pool) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("throughput: the cluster is not running ({e}); bash scripts/cluster-up.sh");
            return;
        }
    };
    fill(&mut primary.connect().expect("connect"));
    let routed = Postgres::connect_routed(
        &["postgres://postgres@127.0.0.1:5440,127.0.0.1:5441/test"],
        &pool,
        &pool,
        RoutingOptions::default(),
    )
    .expect("routed engine");
    // The standby has every row before timing.
    let mut reader = routed.connect();
    let start = Instant::now();
    while text("SELECT count(*) FROM routing_notes")
        .returns::<BigInt>()
        .get(&mut reader)
        .unwrap_or(0)
        < ROWS
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the standby lags"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let run = |name: &str, connect: Arc<dyn Fn() -> Box<dyn FnMut(i64) + Send> + Send + Sync>| {
        let start = Instant::now();
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let connect = Arc::clone(&connect);
                std::thread::spawn(move || {
                    let mut read = connect();
                    for k in 0..READS {
                        read((t as i64 * 7 + k) % ROWS + 1);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("reader");
        }
        let secs = start.elapsed().as_secs_f64();
        let rate = (THREADS as i64 * READS) as f64 / secs;
        println!(
            "{name}: {} reads in {secs:.2} s, {rate:.0} reads/s",
            THREADS as i64 * READS
        );
        rate
    };
    let p = primary.clone();
    let only = run(
        "primary only",
        Arc::new(move || {
            let mut conn = p.connect().expect("connect");
            Box::new(move |id| {
                std::hint::black_box(lookup(&mut conn, id));
            })
        }),
    );
    let r = routed.clone();
    let both = run(
        "primary + standby (routed: reads on the standby)",
        Arc::new(move || {
            let mut conn = r.connect();
            Box::new(move |id| {
                std::hint::black_box(lookup(&mut conn, id));
            })
        }),
    );
    println!("ratio routed / primary only: {:.2}", both / only);
    primary
        .connect()
        .expect("connect")
        .batch_execute("DROP TABLE routing_notes")
        .expect("drop");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with("--"))
        .collect();
    match words.as_slice() {
        ["count", which, n] => count(which, n.parse().expect("N")),
        ["throughput", ..] => throughput(),
        _ => {
            let mut c = Criterion::default()
                .configure_from_args()
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(3));
            overhead(&mut c);
            c.final_summary();
        }
    }
}
