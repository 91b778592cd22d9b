//! Horizontal sharding on real databases: 3 PostgreSQL databases
//! (`shard_a`, `shard_b`, `shard_c` on the test server) and 2 MariaDB ones
//! (`shard_a`, `shard_b`), with SQLite files' in-memory twin for the
//! mechanics. Rows live on shard `id % n`; every merged result is compared
//! with the same query on one database holding all the rows.

mod common;

use common::{mysql_url, mysql_url_with_database, postgres_url, require_servers, skipped};
use sqlalgebra::orm::{Model, Session};
use sqlalgebra::prelude::*;
use sqlalgebra::shard::{ByKey, ShardedEngine, ShardedSession};
use sqlalgebra::value::ValueRef;
use sqlalgebra::{Backend, Error, ErrorKind, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

#[derive(Clone, Copy, Debug, Default)]
struct Orders;
impl Table for Orders {
    const NAME: &'static str = "shards_orders";
    type Columns = (Id, Customer, Amount);
    type PrimaryKey = Id;
}
#[derive(Clone, Copy, Debug, Default)]
struct Id;
impl Column for Id {
    type Table = Orders;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
}
#[derive(Clone, Copy, Debug, Default)]
struct Customer;
impl Column for Customer {
    type Table = Orders;
    type SqlType = Varchar<20>;
    const NAME: &'static str = "customer";
}
#[derive(Clone, Copy, Debug, Default)]
struct Amount;
impl Column for Amount {
    type Table = Orders;
    type SqlType = Nullable<BigInt>;
    const NAME: &'static str = "amount";
}

#[derive(Debug, Clone, PartialEq)]
struct Order {
    id: i64,
    customer: String,
    amount: Option<i64>,
}

impl Model for Order {
    type Table = Orders;
    type Columns = (Id, Customer, Amount);
    type Row = (i64, String, Option<i64>);
    type Key = i64;
    fn from_row((id, customer, amount): Self::Row) -> Self {
        Order {
            id,
            customer,
            amount,
        }
    }
    fn values(&self) -> (&i64, &String, &Option<i64>) {
        (&self.id, &self.customer, &self.amount)
    }
    fn key(&self) -> i64 {
        self.id
    }
}

const ROWS: i64 = 30;

/// Row `id`: customers `c0`..`c3`, amounts with ties and a few NULLs.
fn row(id: i64) -> Order {
    Order {
        id,
        customer: format!("c{}", id % 4),
        amount: (id % 7 != 0).then_some((id * 37) % 23),
    }
}

fn by_id(n: usize) -> ByKey<Id, impl Fn(ValueRef<'_>) -> Result<usize> + Send + Sync + 'static> {
    by_key(Id, n)
}

/// Rows on shard `key % n`, by the column `key`.
fn by_key<C: sqlalgebra::render::Render + Send + Sync + 'static>(
    key: C,
    n: usize,
) -> ByKey<C, impl Fn(ValueRef<'_>) -> Result<usize> + Send + Sync + 'static> {
    ByKey::new(key, move |key: ValueRef<'_>| match key {
        ValueRef::Int(id) => Ok(id.rem_euclid(n as i64) as usize),
        other => Err(ErrorKind::InvalidStatement(format!("not a shard key: {other:?}")).into()),
    })
}

fn create(engine: &Engine<impl Backend>) -> Result<()> {
    let mut conn = engine.connect()?;
    conn.batch_execute("DROP TABLE IF EXISTS shards_orders")?;
    conn.batch_execute(
        "CREATE TABLE shards_orders (id BIGINT PRIMARY KEY, customer VARCHAR(20) NOT NULL, amount BIGINT)",
    )
}

fn insert(conn: &mut impl Connection, o: &Order) -> Result<u64> {
    insert_into(Orders)
        .values((
            Id.set(o.id),
            Customer.set(o.customer.as_str()),
            Amount.set(o.amount),
        ))
        .execute(conn)
}

/// The whole test on `shards` and on `single` (all rows in one database);
/// `words` are the column types of the text-order test.
fn sharding<B: Backend>(
    shards: Vec<Engine<B>>,
    single: Engine<B>,
    words: WordColumn,
) -> Result<()> {
    let n = shards.len();
    for e in shards.iter().chain([&single]) {
        create(e)?;
    }
    text_order(&shards, &single, &words)?;
    let engine = ShardedEngine::new(shards, by_id(n));
    let mut one = single.connect()?;
    for id in 1..=ROWS {
        let (shard, mut conn) = engine.connect_for_key(id)?;
        assert_eq!(shard, id as usize % n);
        insert(&mut conn, &row(id))?;
        insert(&mut one, &row(id))?;
    }

    // Which shard holds which rows.
    for (i, shard) in engine.shards().iter().enumerate() {
        let ids: Vec<i64> = select(Id).order_by(Id).load(&mut shard.connect()?)?;
        let expected: Vec<i64> = (1..=ROWS).filter(|id| *id as usize % n == i).collect();
        assert_eq!(ids, expected, "shard {i}");
    }

    // Routing by the WHERE clause.
    assert_eq!(engine.shards_for(&select(Id).filter(Id.eq(7)))?, [7 % n]);
    assert_eq!(
        engine.shards_for(&select(Id).filter(Id.eq(4).and(Amount.gt(0))))?,
        [4 % n]
    );
    let mut two: Vec<usize> = vec![1 % n, 2 % n];
    two.sort_unstable();
    two.dedup();
    assert_eq!(engine.shards_for(&select(Id).filter(Id.in_([1, 2])))?, two);
    assert_eq!(
        engine.shards_for(&select(Id).filter(Id.eq(1).or(Id.eq(2))))?,
        two
    );
    let all: Vec<usize> = (0..n).collect();
    assert_eq!(engine.shards_for(&select(Id).filter(Amount.gt(5)))?, all);
    assert_eq!(
        engine.shards_for(&select(Id).filter(Id.eq(1).or(Amount.eq(3))))?,
        all
    );
    assert_eq!(engine.shards_for(&select(Id))?, all);
    // Read from the nodes, whatever their SQL: `v = key`, and `key IN ()`
    // (written `(key IS NULL AND 1 = 0)`), which keeps no row: no shard.
    assert_eq!(
        engine.shards_for(&select(Id).filter(bind::<BigInt, _>(7i64).eq(Id)))?,
        [7 % n]
    );
    assert!(
        engine
            .shards_for(&select(Id).filter(Id.in_(Vec::<i64>::new())))?
            .is_empty()
    );
    // Contradictory keys: no shard at all, and no row.
    assert!(
        engine
            .shards_for(&select(Id).filter(Id.eq(1).and(Id.eq(2))))?
            .is_empty()
    );
    let none: Vec<i64> = engine.load(&select(Id).filter(Id.eq(1).and(Id.eq(2))))?;
    assert!(none.is_empty());

    // One shard: the statement as it is, GROUP BY included.
    let q = select((Customer, count_star()))
        .filter(Id.eq(9))
        .group_by(Customer);
    let on_one: Vec<(String, i64)> = engine.load(&q)?;
    assert_eq!(on_one, [("c1".to_owned(), 1)]);

    // Fan-out: ORDER BY (with ties broken, NULLs where the server puts
    // them) + LIMIT/OFFSET, merged as one database computes it.
    let q = select((Id, Customer, Amount))
        .order_by((Amount.desc(), Id))
        .limit(7)
        .offset(5);
    let merged: Vec<(i64, String, Option<i64>)> = engine.load(&q)?;
    assert_eq!(merged.len(), 7);
    assert_eq!(merged, q.load::<(i64, String, Option<i64>), _>(&mut one)?);
    let q = select((Customer, Id))
        .filter(Amount.ge(4))
        .order_by((Customer.desc(), Id.desc()))
        .limit(9);
    let merged: Vec<(String, i64)> = engine.load(&q)?;
    assert_eq!(merged, q.load::<(String, i64), _>(&mut one)?);
    let q = select((Amount, Id)).order_by((Amount, Id)).offset(25);
    let merged: Vec<(Option<i64>, i64)> = engine.load(&q)?;
    assert_eq!(merged.len(), 5);
    assert_eq!(merged, q.load::<(Option<i64>, i64), _>(&mut one)?);
    // No ORDER BY: every row once.
    let mut merged: Vec<i64> = engine.load(&select(Id))?;
    merged.sort_unstable();
    assert_eq!(merged, (1..=ROWS).collect::<Vec<_>>());

    // Aggregates merged: COUNT, SUM, MIN, MAX, with and without WHERE.
    type Aggs = (i64, i64, Option<i64>, Option<i64>, Option<i64>);
    let q = select((
        count_star(),
        count(Amount),
        sum(Amount),
        min(Amount),
        max(Amount),
    ));
    let merged: Aggs = engine.get(&q)?;
    assert_eq!(merged, q.get::<Aggs, _>(&mut one)?);
    assert_eq!(merged.0, ROWS);
    let q = select((
        count_star(),
        count(Amount),
        sum(Amount),
        min(Amount),
        max(Amount),
    ))
    .filter(Customer.eq("c2"));
    assert_eq!(engine.get::<Aggs, _>(&q)?, q.get::<Aggs, _>(&mut one)?);
    let q = select((
        count_star(),
        count(Amount),
        sum(Amount),
        min(Amount),
        max(Amount),
    ))
    .filter(Id.gt(ROWS));
    assert_eq!(engine.get::<Aggs, _>(&q)?, (0, 0, None, None, None));
    // No shard at all (contradictory keys): still the one row of no rows.
    let q = select((
        count_star(),
        count(Amount),
        sum(Amount),
        min(Amount),
        max(Amount),
    ))
    .filter(Id.eq(1).and(Id.eq(2)));
    assert_eq!(engine.get::<Aggs, _>(&q)?, (0, 0, None, None, None));
    assert_eq!(engine.get::<Aggs, _>(&q)?, q.get::<Aggs, _>(&mut one)?);

    // What cannot be merged: a typed error, before anything is sent.
    let unsupported = |e: Error| match e.into_kind() {
        ErrorKind::Unsupported { feature, .. } => feature,
        other => panic!("expected ErrorKind::Unsupported, got {other:?}"),
    };
    let e = engine
        .load::<Option<f64>, _>(&select(avg(Amount)))
        .unwrap_err();
    assert!(unsupported(e).starts_with("AVG"));
    let e = engine
        .load::<(String, i64), _>(&select((Customer, count_star())).group_by(Customer))
        .unwrap_err();
    assert!(unsupported(e).starts_with("GROUP BY"));
    let e = engine
        .load::<i64, _>(&select(Id).order_by(Amount).limit(3))
        .unwrap_err();
    assert!(unsupported(e).starts_with("ORDER BY"));
    let e = engine
        .load::<String, _>(&select(Customer).distinct())
        .unwrap_err();
    assert!(unsupported(e).starts_with("DISTINCT"));

    aggregates_by_nodes(&engine, &mut one)?;
    orm_merged(&engine, &mut one)?;
    orm(&engine, n)
}

/// Whether an item of a fan-out's SELECT list is an aggregate, and which,
/// is read from its nodes: what only looks like one in SQL merges as rows,
/// real ones (labelled or not, or called by name) merge as aggregates,
/// and those that cannot merge are a typed error before anything is sent.
fn aggregates_by_nodes<B: Backend>(
    engine: &ShardedEngine<B>,
    one: &mut impl Connection,
) -> Result<()> {
    // Labels named like aggregates, on plain columns: rows.
    let q = select((Id.label("count"), Amount.label("sum")))
        .order_by(Id)
        .limit(6);
    let merged: Vec<(i64, Option<i64>)> = engine.load(&q)?;
    assert_eq!(merged.len(), 6);
    assert_eq!(merged, q.load::<(i64, Option<i64>), _>(one)?);
    // A text value reading like an aggregate call: a row per row.
    let q = select((Id, literal("SUM(amount)"), literal("count(*)")))
        .order_by(Id.desc())
        .limit(4);
    let merged: Vec<(i64, String, String)> = engine.load(&q)?;
    assert_eq!(merged.len(), 4);
    assert_eq!(merged[0], (ROWS, "SUM(amount)".into(), "count(*)".into()));
    assert_eq!(merged, q.load::<(i64, String, String), _>(one)?);
    // A scalar subquery's aggregate is its own (per row: the row's own
    // amount, through an alias), not the fan-out's: rows, whose SQL holds
    // `MAX(`.
    let o2 = sqlalgebra::query::alias(Orders, "o2");
    let own = select(max(o2.col(Amount)))
        .filter(o2.col(Id).eq(Id))
        .as_scalar();
    let q = select((Id, own)).order_by(Id).limit(8).offset(3);
    assert!(q.to_sql(one.dialect())?.sql.contains("MAX("));
    let merged: Vec<(i64, Option<i64>)> = engine.load(&q)?;
    assert_eq!(merged.len(), 8);
    assert_eq!(merged, q.load::<(i64, Option<i64>), _>(one)?);
    if one.dialect().name() == "sqlite" {
        // SQLite's `max(a, b)` of two arguments is a scalar function.
        let q = select((Id, func::<BigInt, _>("max", (Id, 20i64))))
            .order_by(Id)
            .limit(25);
        let merged: Vec<(i64, i64)> = engine.load(&q)?;
        assert_eq!(merged.len(), 25);
        assert_eq!(merged, q.load::<(i64, i64), _>(one)?);
    }

    // Real aggregates, labelled or called by name, merged.
    type Aggs = (i64, Option<i64>, Option<i64>, Option<i64>, i64);
    let q = select((
        count_star().label("n"),
        sum(Amount).label("count"),
        min(Amount).label("lowest"),
        func::<Nullable<BigInt>, _>("MAX", (Amount,)),
        func::<BigInt, _>("count", (Amount,)),
    ))
    .filter(Amount.gt(3));
    let merged: Aggs = engine.get(&q)?;
    assert_eq!(merged, q.get::<Aggs, _>(one)?);
    assert!(merged.0 > 0 && merged.4 == merged.0);

    // What cannot merge: a typed error, before anything is sent.
    let unsupported = |e: Error| match e.into_kind() {
        ErrorKind::Unsupported { feature, .. } => feature,
        other => panic!("expected ErrorKind::Unsupported, got {other:?}"),
    };
    let e = engine
        .get::<Option<f64>, _>(&select(avg(Amount).label("sum")))
        .unwrap_err();
    assert!(unsupported(e).starts_with("AVG"));
    let e = engine
        .get::<Option<f64>, _>(&select(func::<Nullable<Double>, _>("avg", (Amount,))))
        .unwrap_err();
    assert!(unsupported(e).starts_with("AVG"));
    let e = engine
        .get::<i64, _>(&select(count(Amount).distinct()))
        .unwrap_err();
    assert!(unsupported(e).contains("DISTINCT"));
    let e = engine
        .get::<i64, _>(&select(coalesce(sum(Amount), 0i64)))
        .unwrap_err();
    assert!(unsupported(e).contains("inside an expression"));
    let e = engine
        .get::<Option<i64>, _>(&select(func::<Nullable<BigInt>, _>("abs", (sum(Amount),))))
        .unwrap_err();
    assert!(unsupported(e).contains("inside an expression"));
    let e = engine
        .get::<String, _>(&select(func::<Text, _>("group_concat", (Customer,))))
        .unwrap_err();
    assert!(unsupported(e).contains("other than COUNT"));
    let e = engine
        .load::<(i64, i64), _>(&select((Id, row_number().over(window().order_by(Id)))))
        .unwrap_err();
    assert!(unsupported(e).starts_with("a window function"));
    let e = engine
        .load::<(i64, Option<i64>), _>(&select((Id, sum(Amount).over(window()))))
        .unwrap_err();
    assert!(unsupported(e).starts_with("a window function"));
    Ok(())
}

/// `ShardedSession::load` across shards: the objects one database's
/// session loads, in its order, one statement per shard, and the objects
/// the session already holds.
fn orm_merged<B: Backend>(engine: &ShardedEngine<B>, one: &mut impl Connection) -> Result<()> {
    let n = engine.shard_count();
    let mut conns = engine.connect_all()?;
    let mut s = ShardedSession::new(&mut conns);
    // Held before the load, edited in memory (the session flushes it
    // before loading: the merge sees the new amount).
    let held = s.get::<Order>(8)?.expect("row 8");
    s[held].amount = Some(50);
    let mut single = Session::new(one);
    let h1 = single.get::<Order>(8)?.expect("row 8");
    single[h1].amount = Some(50);
    for q in [
        select((Id, Customer, Amount))
            .order_by((Amount.desc(), Id))
            .limit(7)
            .offset(5),
        select((Id, Customer, Amount))
            .order_by((Amount.desc(), Id))
            .limit(4)
            .offset(0),
    ] {
        let before = s.statement_counts();
        let merged = s.load::<Order, _>(&q)?;
        let after = s.statement_counts();
        let per_shard: Vec<u64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
        // A SELECT on every shard (and the flush of row 8's the first time).
        assert!(per_shard.iter().all(|&k| k >= 1), "{per_shard:?}");
        let expected: Vec<Order> = single
            .load::<Order, _>(&q)?
            .into_iter()
            .map(|h| single[h].clone())
            .collect();
        let got: Vec<Order> = merged.iter().map(|h| s[*h].clone()).collect();
        assert_eq!(got, expected);
        for h in &merged {
            assert_eq!(h.shard, s[*h].id as usize % n);
        }
    }
    // Row 8 (amount 50, the largest) leads, as the same object; one
    // statement per shard, nothing left to flush.
    let before = s.statement_counts();
    let top = s.load::<Order, _>(
        &select((Id, Customer, Amount))
            .order_by(Amount.desc().nulls_last())
            .limit(1),
    )?;
    assert_eq!(top, [held]);
    let after = s.statement_counts();
    assert!(
        after.iter().zip(&before).all(|(a, b)| a - b == 1),
        "{before:?} {after:?}"
    );
    // Back as it was, for what follows.
    s[held].amount = row(8).amount;
    s.commit()?;
    single[h1].amount = row(8).amount;
    single.commit()?;
    Ok(())
}

#[derive(Clone, Copy, Debug, Default)]
struct Words;
impl Table for Words {
    const NAME: &'static str = "shards_words";
    type Columns = (WordId, Word);
    type PrimaryKey = WordId;
}
#[derive(Clone, Copy, Debug, Default)]
struct WordId;
impl Column for WordId {
    type Table = Words;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
}
#[derive(Clone, Copy, Debug, Default)]
struct Word;
impl Column for Word {
    type Table = Words;
    type SqlType = Varchar<40>;
    const NAME: &'static str = "word";
}

/// The type of `shards_words.word` on a backend: in a collation that
/// sorts by code point, and in one that does not.
struct WordColumn {
    binary: &'static str,
    other: &'static str,
}

/// Case and accents, in an order that is neither by code point nor by
/// any collation's.
const WORDS: [&str; 14] = [
    "zebra", "Apple", "éclair", "apple", "Zebra", "eclair", "Äpfel", "b", "B", "ß", "ss", "a b",
    "ab", "A",
];

fn words_table<B: Backend>(shards: &[Engine<B>], single: &Engine<B>, ty: &str) -> Result<()> {
    let n = shards.len();
    for e in shards.iter().chain([single]) {
        let mut c = e.connect()?;
        c.batch_execute("DROP TABLE IF EXISTS shards_words")?;
        c.batch_execute(&format!(
            "CREATE TABLE shards_words (id BIGINT PRIMARY KEY, word {ty})"
        ))?;
    }
    for (i, w) in WORDS.iter().enumerate() {
        let id = i as i64 + 1;
        for e in [&shards[id as usize % n], single] {
            insert_into(Words)
                .values((WordId.set(id), Word.set(*w)))
                .execute(&mut e.connect()?)?;
        }
    }
    Ok(())
}

/// Merged text comes in the order of one database when the shards sort
/// it by code point, and is refused (`Unsupported`) when they do not.
fn text_order<B: Backend>(shards: &[Engine<B>], single: &Engine<B>, ty: &WordColumn) -> Result<()> {
    let n = shards.len();
    let engine = ShardedEngine::new(shards.to_vec(), by_key(WordId, n));
    let mut one = single.connect()?;
    words_table(shards, single, ty.binary)?;
    let ascending = select((Word, WordId)).order_by((Word, WordId)).limit(100);
    let descending = select((Word, WordId))
        .order_by((Word.desc(), WordId))
        .limit(9)
        .offset(2);
    let all: Vec<(String, i64)> = engine.load(&ascending)?;
    assert_eq!(all, ascending.load::<(String, i64), _>(&mut one)?);
    let merged: Vec<(String, i64)> = engine.load(&descending)?;
    assert_eq!(merged, descending.load::<(String, i64), _>(&mut one)?);
    let all: Vec<String> = all.into_iter().map(|(w, _)| w).collect();
    let mut by_code_point: Vec<String> = WORDS.iter().map(|w| (*w).to_owned()).collect();
    by_code_point.sort();
    assert_eq!(all, by_code_point);

    // Another collation: one database orders the words otherwise than by
    // code point, so the merge refuses to.
    words_table(shards, single, ty.other)?;
    let theirs: Vec<String> = select(Word).order_by((Word, WordId)).load(&mut one)?;
    assert_ne!(theirs, by_code_point);
    let refused = |r: Result<Vec<(String, i64)>>| match r.map_err(Error::into_kind) {
        Err(ErrorKind::Unsupported { feature, .. }) => {
            assert!(feature.starts_with("ORDER BY text"), "{feature}")
        }
        other => panic!("expected ErrorKind::Unsupported, got {other:?}"),
    };
    refused(engine.load(&ascending));
    refused(engine.load(&descending));
    // Not sorting by the text: merged as before.
    let q = select((WordId, Word)).order_by(WordId.desc()).limit(5);
    let merged: Vec<(i64, String)> = engine.load(&q)?;
    assert_eq!(merged, q.load::<(i64, String), _>(&mut one)?);
    // On one shard: the statement as written.
    let q = select((Word, WordId)).filter(WordId.eq(3)).order_by(Word);
    let on_one: Vec<(String, i64)> = engine.load(&q)?;
    assert_eq!(on_one, [("éclair".to_owned(), 3)]);
    Ok(())
}

/// The ORM: get by key from one shard, objects keyed by (shard, key).
fn orm<B: Backend>(engine: &ShardedEngine<B>, n: usize) -> Result<()> {
    // A stray copy of row 4 on another shard (as a botched migration
    // leaves it): the same key on two shards is two objects.
    let stray = (4 + 1) % n;
    insert(&mut engine.shards()[stray].connect()?, &row(4))?;

    let mut conns = engine.connect_all()?;
    let mut s = ShardedSession::new(&mut conns);
    let h = s.get::<Order>(7)?.expect("row 7");
    assert_eq!(h.shard, 7 % n);
    assert_eq!(s[h], row(7));
    assert_eq!(s.session(7 % n).statement_count(), 1);
    for other in (0..n).filter(|i| *i != 7 % n) {
        assert_eq!(s.session(other).statement_count(), 0, "shard {other}");
    }
    // Again: from the identity map, no SQL.
    assert_eq!(s.get::<Order>(7)?, Some(h));
    assert_eq!(s.session(7 % n).statement_count(), 1);
    assert_eq!(s.get::<Order>(ROWS + 100)?, None);

    let fours = s.load::<Order, _>(
        &select((Id, Customer, Amount)).filter(Amount.is_null().or(Amount.is_not_null())),
    )?;
    let fours: Vec<_> = fours.into_iter().filter(|h| s[*h].id == 4).collect();
    assert_eq!(fours.len(), 2);
    assert_ne!(fours[0], fours[1]);
    let mut shards: Vec<usize> = fours.iter().map(|h| h.shard).collect();
    shards.sort_unstable();
    let mut expected = vec![4 % n, stray];
    expected.sort_unstable();
    assert_eq!(shards, expected);
    assert_eq!(s.count::<Order>(), ROWS as usize + 1);
    // get(4) is the one on 4's own shard.
    let own = s.get::<Order>(4)?.expect("row 4");
    assert_eq!(own.shard, 4 % n);
    assert!(fours.contains(&own));

    // Writes go to each object's own shard.
    let stray_h = *fours.iter().find(|h| h.shard == stray).expect("stray");
    s.delete(stray_h);
    s[h].amount = Some(1000);
    let new = s.add(row(ROWS + 1))?;
    assert_eq!(new.shard, (ROWS + 1) as usize % n);
    s.commit()?;
    drop(s);
    drop(conns);

    for (i, shard) in engine.shards().iter().enumerate() {
        let rows: Vec<(i64, Option<i64>)> = select((Id, Amount))
            .order_by(Id)
            .load(&mut shard.connect()?)?;
        let expected: Vec<(i64, Option<i64>)> = (1..=ROWS + 1)
            .filter(|id| *id as usize % n == i)
            .map(|id| (id, if id == 7 { Some(1000) } else { row(id).amount }))
            .collect();
        assert_eq!(rows, expected, "shard {i} after the commit");
    }
    Ok(())
}

#[test]
fn sqlite_two_shards() -> Result<()> {
    sharding(
        vec![Sqlite::memory()?, Sqlite::memory()?],
        Sqlite::memory()?,
        WordColumn {
            binary: "TEXT NOT NULL",
            other: "TEXT COLLATE NOCASE NOT NULL",
        },
    )
}

/// `url` with database `db`, after creating it on the server if missing.
fn postgres_database(db: &str) -> Option<String> {
    use sqlalgebra_postgres::postgres::{Config, NoTls};
    let url = postgres_url();
    let mut config: Config = url.parse().expect("SQLALGEBRA_PG_URL");
    config.connect_timeout(std::time::Duration::from_secs(5));
    let mut admin = match config.connect(NoTls) {
        Ok(c) => c,
        Err(e) => {
            assert!(!require_servers(), "PostgreSQL unreachable at {url}: {e}");
            skipped(&format!("PostgreSQL unreachable at {url}: {e}"));
            return None;
        }
    };
    let exists = admin
        .query("SELECT 1 FROM pg_database WHERE datname = $1", &[&db])
        .expect("pg_database")
        .len()
        == 1;
    if !exists {
        // Another process may create it at the same moment.
        let _ = admin.batch_execute(&format!("CREATE DATABASE {db}"));
    }
    // Behind a proxy pooling by transaction when one is given.
    if let Ok(proxy) = std::env::var("SQLALGEBRA_PG_PROXY_URL") {
        return Some(common::proxy_url_for(&proxy, db));
    }
    let (base, _) = url
        .rsplit_once('/')
        .expect("a database in SQLALGEBRA_PG_URL");
    Some(format!("{base}/{db}"))
}

#[test]
fn postgres_three_shards() -> Result<()> {
    let mut urls = Vec::new();
    for db in ["shard_a", "shard_b", "shard_c"] {
        let Some(url) = postgres_database(db) else {
            return Ok(());
        };
        urls.push(url);
    }
    let shards = urls
        .iter()
        .map(|u| Postgres::connect(u))
        .collect::<Result<Vec<_>>>()?;
    let Some(single) = common::postgres("shards_single") else {
        return Ok(());
    };
    sharding(
        shards,
        single,
        WordColumn {
            binary: "VARCHAR(40) NOT NULL",
            other: "VARCHAR(40) COLLATE \"en-x-icu\" NOT NULL",
        },
    )
}

#[test]
fn mysql_two_shards() -> Result<()> {
    let url = mysql_url();
    let mut admin = match sqlalgebra_mysql::MysqlConnection::open(&url) {
        Ok(c) => c,
        Err(e) => {
            assert!(!require_servers(), "MySQL unreachable at {url}: {e}");
            skipped(&format!("MySQL unreachable at {url}: {e}"));
            return Ok(());
        }
    };
    let mut shards = Vec::new();
    for db in ["shard_a", "shard_b"] {
        // NO PAD: a binary collation that sorts by code point.
        admin.batch_execute(&format!("CREATE DATABASE IF NOT EXISTS {db}"))?;
        admin.batch_execute(&format!(
            "ALTER DATABASE {db} CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"
        ))?;
        shards.push(Mysql::connect(&mysql_url_with_database(&url, db))?);
    }
    let Some(single) = common::mysql("shards_single") else {
        return Ok(());
    };
    sharding(
        shards,
        single,
        WordColumn {
            binary: "VARCHAR(40) COLLATE utf8mb4_nopad_bin NOT NULL",
            other: "VARCHAR(40) COLLATE utf8mb4_unicode_ci NOT NULL",
        },
    )
}
