//! Heap allocations made while rendering (at most one, the SQL `String`)
//! and while a session loads rows.
//!
//! A counting global allocator wraps the system one. Counting is switched
//! on per thread, only around the measured call, so the test harness and
//! tests running on other threads do not disturb it.

// `unsafe_code` is denied workspace-wide, but a `GlobalAlloc` can only be
// implemented with `unsafe impl`; this test binary is the one place that
// needs it, and it only forwards to `System`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use sqlalgebra::prelude::*;
use sqlalgebra::render::{Dialect, Rendered};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

struct Counting;

thread_local! {
    static MEASURING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn note_allocation() {
    // `try_with`: the allocator may run while a thread's locals are torn down.
    if MEASURING.try_with(Cell::get).unwrap_or(false) {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    }
}

// SAFETY: every method forwards to `System` with the arguments it was given;
// the counting touches only const-initialized thread-locals without
// destructors, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: `ptr` was allocated by `System` through this allocator
        // with `layout`; the caller upholds the rest of the contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` through this allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns its result with the number of heap allocations
/// (including reallocations) it made on this thread.
fn count_allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    ALLOCATIONS.with(|n| n.set(0));
    MEASURING.with(|m| m.set(true));
    let out = f();
    MEASURING.with(|m| m.set(false));
    (out, ALLOCATIONS.with(Cell::get))
}

const DIALECTS: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];

/// Renders `stmt` in every dialect; returns, per dialect, the rendering and
/// the allocations it took.
fn render_counting<S: Statement>(stmt: &S) -> Vec<(Rendered<'_>, usize)> {
    DIALECTS
        .into_iter()
        .map(|d| {
            let (r, n) = count_allocations(|| stmt.to_sql(d));
            let r = r.unwrap_or_else(|e| panic!("{}: {e}", d.name()));
            (r, n)
        })
        .collect()
}

#[derive(Clone, Copy, Debug, Default)]
struct Users;
impl Table for Users {
    const NAME: &'static str = "user_account";
    type Columns = (users::Id, users::Name, users::Fullname, users::Age);
    type PrimaryKey = users::Id;
}

mod users {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Name;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Fullname;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Age;
    impl Column for Id {
        type Table = super::Users;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for Name {
        type Table = super::Users;
        type SqlType = Varchar<30>;
        const NAME: &'static str = "name";
    }
    impl Column for Fullname {
        type Table = super::Users;
        type SqlType = Nullable<Text>;
        const NAME: &'static str = "fullname";
    }
    impl Column for Age {
        type Table = super::Users;
        type SqlType = Nullable<Integer>;
        const NAME: &'static str = "age";
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Addresses;
impl Table for Addresses {
    const NAME: &'static str = "email_address";
    type Columns = (addresses::Id, addresses::UserId, addresses::Email);
    type PrimaryKey = addresses::Id;
}

mod addresses {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct UserId;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Email;
    impl Column for Id {
        type Table = super::Addresses;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    impl Column for UserId {
        type Table = super::Addresses;
        type SqlType = BigInt;
        const NAME: &'static str = "user_id";
    }
    impl Column for Email {
        type Table = super::Addresses;
        type SqlType = Text;
        const NAME: &'static str = "email_address";
    }
}

#[test]
fn the_counter_sees_allocations() {
    // Guards the other tests against a counter that never counts.
    let (v, n) = count_allocations(|| vec![1u8; 100]);
    assert_eq!(v.len(), 100);
    assert_eq!(n, 1);
    let (s, n) = count_allocations(|| {
        let mut s = String::with_capacity(1);
        s.push_str("grows past its first capacity");
        s
    });
    assert!(!s.is_empty());
    assert_eq!(n, 2);
}

#[test]
fn rendering_a_medium_select_allocates_once() {
    // Built before measuring: only rendering is counted.
    let q = select((users::Id, users::Name, addresses::Email))
        .join(Addresses, addresses::UserId.eq(users::Id))
        .filter(users::Name.like("a%"))
        .filter(users::Age.between(18, 65))
        .filter(addresses::Email.is_not_null().or(users::Fullname.eq("x")))
        .order_by((users::Name.desc(), users::Id))
        .limit(10);
    for (r, n) in render_counting(&q) {
        assert!(r.sql.len() > 256, "a statement this size: {}", r.sql);
        assert_eq!(r.binds.len(), 5);
        assert!(!r.binds.spilled(), "binds on the heap");
        assert!(n <= 1, "{n} allocations rendering `{}`", r.sql);
    }
}

#[test]
fn rendering_an_insert_of_one_row_allocates_once() {
    let q = insert_into(Users).values((
        users::Name.set("alice"),
        users::Fullname.set(Some("Alice Smith")),
        users::Age.set(None::<i32>),
    ));
    for (r, n) in render_counting(&q) {
        assert_eq!(r.binds.len(), 3);
        assert!(n <= 1, "{n} allocations rendering `{}`", r.sql);
    }
}

#[test]
fn rendering_update_and_delete_allocates_once() {
    let u = update(Users)
        .set((
            users::Fullname.set("Bob"),
            users::Age.set(users::Age.add(1)),
        ))
        .filter(users::Id.eq(7));
    for (r, n) in render_counting(&u) {
        assert!(n <= 1, "{n} allocations rendering `{}`", r.sql);
    }
    let d = delete_from(Users).filter(users::Id.in_([1, 2, 3]));
    for (r, n) in render_counting(&d) {
        assert!(n <= 1, "{n} allocations rendering `{}`", r.sql);
    }
}

#[test]
fn more_than_sixteen_binds_spill_to_the_heap() {
    // The inline bind storage has room for 16: a 20-row INSERT must move
    // them to the heap, and the counter must see it.
    let rows: Vec<_> = (0..20).map(|i| users::Age.set(Some(i))).collect();
    let q = insert_into(Users).values(rows);
    for (r, n) in render_counting(&q) {
        assert_eq!(r.binds.len(), 20);
        assert!(r.binds.spilled());
        assert!(n >= 2, "{n} allocations rendering `{}`", r.sql);
    }
}

#[test]
fn rendering_text_with_named_binds_allocates_once() {
    let q = text("SELECT name FROM user_account WHERE id >= :min AND name <> :name OR id = :min")
        .bind("min", 1i64)
        .bind("name", "x");
    for (r, n) in render_counting(&q) {
        assert_eq!(r.binds.len(), 3);
        assert!(n <= 1, "{n} allocations rendering `{}`", r.sql);
    }
    // Longer than the writer's usual buffer: sized from the text itself.
    let long = format!("SELECT :a{}", " ".repeat(2000));
    let q = text(&long).bind("a", 1i64);
    for (r, n) in render_counting(&q) {
        assert!(r.sql.len() <= long.len());
        assert!(n <= 1, "{n} allocations rendering {} bytes", r.sql.len());
    }
}

/// `points(id, x)`: integer cells only, so that loading a row allocates
/// nothing of its own.
#[derive(Clone, Copy, Debug, Default)]
struct Points;
impl Table for Points {
    const NAME: &'static str = "points";
    type Columns = (PointId, PointX);
    type PrimaryKey = PointId;
}
#[derive(Clone, Copy, Debug, Default)]
struct PointId;
impl Column for PointId {
    type Table = Points;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
}
#[derive(Clone, Copy, Debug, Default)]
struct PointX;
impl Column for PointX {
    type Table = Points;
    type SqlType = BigInt;
    const NAME: &'static str = "x";
}

#[derive(Clone, Debug)]
struct Point {
    id: i64,
    x: i64,
}
impl sqlalgebra::orm::Model for Point {
    type Table = Points;
    type Columns = (PointId, PointX);
    type Row = (i64, i64);
    type Key = i64;
    fn from_row((id, x): Self::Row) -> Self {
        Point { id, x }
    }
    fn values(&self) -> (&i64, &i64) {
        (&self.id, &self.x)
    }
    fn key(&self) -> i64 {
        self.id
    }
}

/// SQLite streams its rows (the length of a result is not known before
/// the last one): a session still grows its identity map (slots and key
/// index) once per load, not by doubling row by row. Loading eight times
/// as many rows costs only the few extra doublings of the one buffer the
/// rows are read into (three), where growing the slots, the key index and
/// the list of loaded slots row by row cost three times as many.
#[test]
fn a_session_grows_its_identity_map_once_per_streamed_load() {
    use sqlalgebra::orm::Session;
    let engine = sqlalgebra_sqlite::Sqlite::memory().unwrap();
    let mut conn = engine.connect().unwrap();
    create_all::<Points>(&mut conn).unwrap();
    let rows: Vec<_> = (1..=4096)
        .map(|i| (PointId.set(i), PointX.set(i * 2)))
        .collect();
    insert_into(Points).values(rows).execute(&mut conn).unwrap();
    let mut allocations = |n: i64| {
        let mut s = Session::new(&mut conn);
        // Rendered and cached before counting.
        s.query::<Point>().filter(PointId.le(0)).all().unwrap();
        let (loaded, count) =
            count_allocations(|| s.query::<Point>().filter(PointId.le(n)).all().unwrap());
        assert_eq!(loaded.len(), n as usize);
        let last = &s[*loaded.last().unwrap()];
        assert_eq!((last.id, last.x), (n, 2 * n));
        count
    };
    let (few, many) = (allocations(512), allocations(4096));
    assert!(
        many <= few + 4,
        "loading 4096 rows took {many} allocations, 512 rows {few}"
    );
}
