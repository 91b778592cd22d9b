//! Window functions: `f(...) OVER (PARTITION BY ... ORDER BY ... frame)`.
//!
//! The ranking functions ([`row_number`], [`rank`], [`dense_rank`],
//! [`ntile`]) and the offset functions ([`lag`], [`lead`]) are only
//! expressions once given a window with [`over`](WindowFunction::over);
//! the aggregates ([`sum`](super::sum), [`count`](super::count), ...) are
//! expressions either way, and become window aggregates with `over`.

use super::{Avg, Count, CountStar, Expression, Func, Max, Min, OrderBy, Sum};
use crate::error::ErrorKind;
use crate::query::{Clause, MaybeClause};
use crate::render::{GroupCheck, Render, SqlWriter, TableSet};
use crate::types::{BigInt, IntoNullable, SqlType};

/// A function that can be computed over a window of rows:
/// `f(...) OVER (...)`.
///
/// Implemented by the ranking and offset functions of this module, the
/// aggregates, and [`func`](super::func) calls (so any other window
/// function of a database can be called by name).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// fn windowed<F: WindowFunction>(f: F) -> impl Expression {
///     f.over(window())
/// }
/// let total = windowed(sum(A));
/// let first = windowed(row_number());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a window function",
    label = "`over` needs a window function or an aggregate",
    note = "window functions: row_number, rank, dense_rank, ntile, lag, lead, and the aggregates sum, avg, count, min, max"
)]
pub trait WindowFunction: Render + Sized {
    /// The SQL type of the function's value.
    type SqlType: SqlType;

    /// Why this call cannot be computed over a window, if it cannot: an
    /// aggregate over DISTINCT values (no database supports that).
    fn window_error(&self) -> Option<&'static str> {
        None
    }

    /// `self OVER (window)`: computes the function over the rows of the
    /// window, which [`window`] builds.
    ///
    /// | `sum(t.n).over(window().partition_by(t.g))` | |
    /// |---|---|
    /// | SQLite | `SUM("t"."n") OVER (PARTITION BY "t"."g")` |
    /// | PostgreSQL | `SUM("t"."n") OVER (PARTITION BY "t"."g")` |
    /// | MySQL | ``SUM(`t`.`n`) OVER (PARTITION BY `t`.`g`)`` |
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = (G, N); type PrimaryKey = G; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct G;
    /// # impl Column for G { type Table = T; type SqlType = Text; const NAME: &'static str = "g"; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct N;
    /// # impl Column for N { type Table = T; type SqlType = BigInt; const NAME: &'static str = "n"; }
    /// use sqlalgebra_sqlite::Sqlite;
    /// let q = select((G, N, sum(N).over(window().partition_by(G))));
    /// assert_eq!(q.to_sql(&Sqlite).unwrap().sql,
    ///     r#"SELECT "t"."g", "t"."n", SUM("t"."n") OVER (PARTITION BY "t"."g") FROM "t""#);
    /// ```
    fn over<P, O>(self, window: Window<P, O>) -> Over<Self, Window<P, O>> {
        Over { func: self, window }
    }
}

/// `f(...) OVER (window)`, made by [`WindowFunction::over`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// let numbered = row_number().over(window().order_by(A));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Over<F, W> {
    func: F,
    window: W,
}

#[diagnostic::do_not_recommend]
impl<F: WindowFunction, P: MaybeClause, O: MaybeClause> Render for Over<F, Window<P, O>> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        if let Some(why) = self.func.window_error() {
            w.fail(ErrorKind::InvalidStatement(why.into()).into());
        }
        self.func.render(w);
        w.push_sql(" OVER (");
        self.window.write(w);
        w.push_sql(")");
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.func.collect_tables(out);
        self.window.partition.collect_clause_tables(out);
        self.window.order.collect_clause_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.window_function(&self.func);
        self.window.partition.check_clause(c);
        self.window.order.check_clause(c);
    }
}

#[diagnostic::do_not_recommend]
impl<F: WindowFunction, P: MaybeClause, O: MaybeClause> Expression for Over<F, Window<P, O>> {
    type SqlType = F::SqlType;
}

/// One end of a window frame, for [`Window::rows_between`] and
/// [`Window::range_between`].
///
/// The offsets of `Preceding(n)` and `Following(n)` are written into the
/// SQL as integer literals, not bound: MySQL and MariaDB do not take a
/// bind parameter there. That splices no user text into the statement: an
/// offset is a `u64` count chosen by the program, written digit by digit.
///
/// ```
/// use sqlalgebra::expr::FrameBound;
/// let last_three = (FrameBound::Preceding(2), FrameBound::CurrentRow);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FrameBound {
    /// `UNBOUNDED PRECEDING`: the first row of the partition.
    UnboundedPreceding,
    /// `n PRECEDING`: `n` rows (ROWS) or `n` less in the ordering value
    /// (RANGE) before the current row.
    Preceding(u64),
    /// `CURRENT ROW` (with RANGE: the current row and its peers).
    CurrentRow,
    /// `n FOLLOWING`: `n` rows or values after the current row.
    Following(u64),
    /// `UNBOUNDED FOLLOWING`: the last row of the partition.
    UnboundedFollowing,
}

impl FrameBound {
    /// Where the bound lies, for checking that a frame does not end before
    /// it starts.
    fn position(self) -> u8 {
        match self {
            FrameBound::UnboundedPreceding => 0,
            FrameBound::Preceding(_) => 1,
            FrameBound::CurrentRow => 2,
            FrameBound::Following(_) => 3,
            FrameBound::UnboundedFollowing => 4,
        }
    }

    fn write(self, w: &mut SqlWriter<'_>) {
        let (n, keyword) = match self {
            FrameBound::UnboundedPreceding => return w.push_sql("UNBOUNDED PRECEDING"),
            FrameBound::CurrentRow => return w.push_sql("CURRENT ROW"),
            FrameBound::UnboundedFollowing => return w.push_sql("UNBOUNDED FOLLOWING"),
            FrameBound::Preceding(n) => (n, " PRECEDING"),
            FrameBound::Following(n) => (n, " FOLLOWING"),
        };
        write_count(w, n, "window frame offset");
        w.push_sql(keyword);
    }
}

/// Whether a frame counts rows or ordering values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameUnits {
    Rows,
    Range,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Frame {
    units: FrameUnits,
    start: FrameBound,
    end: FrameBound,
}

impl Frame {
    fn write(self, w: &mut SqlWriter<'_>) {
        let valid = self.start != FrameBound::UnboundedFollowing
            && self.end != FrameBound::UnboundedPreceding
            && self.start.position() <= self.end.position();
        if !valid {
            w.fail(
                ErrorKind::InvalidStatement(format!(
                    "window frame from {:?} to {:?} ends before it starts",
                    self.start, self.end
                ))
                .into(),
            );
        }
        w.push_sql(match self.units {
            FrameUnits::Rows => "ROWS BETWEEN ",
            FrameUnits::Range => "RANGE BETWEEN ",
        });
        self.start.write(w);
        w.push_sql(" AND ");
        self.end.write(w);
    }
}

/// A window: the rows a window function sees, made by [`window`].
///
/// `P` is the PARTITION BY clause and `O` the ORDER BY clause (`()` when
/// absent); the frame is optional.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// use sqlalgebra::expr::Window;
/// let w = window().partition_by(S).order_by(A.desc());
/// ```
#[derive(Debug, Clone, Copy)]
#[must_use]
pub struct Window<P = (), O = ()> {
    partition: P,
    order: O,
    frame: Option<Frame>,
}

/// An empty window, `OVER ()`: every row of the result. Narrow it with
/// [`partition_by`](Window::partition_by), [`order_by`](Window::order_by)
/// and a frame ([`rows_between`](Window::rows_between),
/// [`range_between`](Window::range_between)).
///
/// | `window().partition_by(t.g).order_by(t.n.desc()).rows_between(UnboundedPreceding, CurrentRow)` |
/// |---|
/// | `PARTITION BY "t"."g" ORDER BY "t"."n" DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW` |
///
/// (the same in every dialect, but for the quoting).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (G, N); type PrimaryKey = G; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct G;
/// # impl Column for G { type Table = T; type SqlType = Text; const NAME: &'static str = "g"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct N;
/// # impl Column for N { type Table = T; type SqlType = BigInt; const NAME: &'static str = "n"; }
/// use sqlalgebra_sqlite::Sqlite;
/// let running = sum(N).over(
///     window()
///         .partition_by(G)
///         .order_by(N.desc())
///         .rows_between(FrameBound::UnboundedPreceding, FrameBound::CurrentRow),
/// );
/// assert_eq!(select(running).to_sql(&Sqlite).unwrap().sql,
///     r#"SELECT SUM("t"."n") OVER (PARTITION BY "t"."g" ORDER BY "t"."n" DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM "t""#);
/// ```
pub fn window() -> Window {
    Window {
        partition: (),
        order: (),
        frame: None,
    }
}

impl<O> Window<(), O> {
    /// `PARTITION BY exprs`: an expression or a tuple of them. The
    /// function restarts for each distinct value.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = (G, N); type PrimaryKey = G; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct G;
    /// # impl Column for G { type Table = T; type SqlType = Text; const NAME: &'static str = "g"; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct N;
    /// # impl Column for N { type Table = T; type SqlType = BigInt; const NAME: &'static str = "n"; }
    /// let w = window().partition_by((G, N));
    /// ```
    pub fn partition_by<P: PartitionBy>(self, exprs: P) -> Window<Clause<P>, O> {
        Window {
            partition: Clause(exprs),
            order: self.order,
            frame: self.frame,
        }
    }
}

impl<P> Window<P, ()> {
    /// `ORDER BY ...`: an expression, `expr.desc()`, `expr.asc().nulls_last()`
    /// or a tuple of them. Ranking and offset functions follow this order;
    /// an aggregate with an ORDER BY (and no frame) is a running total.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = N; type PrimaryKey = N; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct N;
    /// # impl Column for N { type Table = T; type SqlType = BigInt; const NAME: &'static str = "n"; }
    /// let w = window().order_by(N.desc());
    /// ```
    pub fn order_by<O: OrderBy>(self, order: O) -> Window<P, Clause<O>> {
        Window {
            partition: self.partition,
            order: Clause(order),
            frame: self.frame,
        }
    }
}

impl<P, O> Window<P, O> {
    /// `ROWS BETWEEN start AND end`: the frame counts rows around the
    /// current one. Offsets are written as literals; see [`FrameBound`].
    /// Rendering fails with `InvalidStatement` when the frame ends before
    /// it starts (`CurrentRow` to `Preceding(1)`).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use FrameBound::*;
    /// let moving_three = window().rows_between(Preceding(2), CurrentRow);
    /// ```
    pub fn rows_between(self, start: FrameBound, end: FrameBound) -> Self {
        self.frame(FrameUnits::Rows, start, end)
    }

    /// `RANGE BETWEEN start AND end`: the frame is the rows whose ORDER BY
    /// value lies within the offsets of the current row's (with
    /// `CurrentRow`: the current row and its peers). With numeric offsets
    /// the window must be ordered by exactly one numeric expression.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use FrameBound::*;
    /// let whole_partition = window().range_between(UnboundedPreceding, UnboundedFollowing);
    /// ```
    pub fn range_between(self, start: FrameBound, end: FrameBound) -> Self {
        self.frame(FrameUnits::Range, start, end)
    }

    fn frame(mut self, units: FrameUnits, start: FrameBound, end: FrameBound) -> Self {
        self.frame = Some(Frame { units, start, end });
        self
    }
}

impl<P: MaybeClause, O: MaybeClause> Window<P, O> {
    fn write<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.partition.write_clause(w, "PARTITION BY ");
        let mut written = self.partition.is_present();
        let order = if written { " ORDER BY " } else { "ORDER BY " };
        self.order.write_clause(w, order);
        written |= self.order.is_present();
        if let Some(frame) = self.frame {
            if written {
                w.push_sql(" ");
            }
            frame.write(w);
        }
    }
}

/// What PARTITION BY accepts: an expression or a tuple of up to 16.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// let by_one = window().partition_by(S);
/// let by_two = window().partition_by((S, A));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used in PARTITION BY",
    label = "expected an expression or a tuple of expressions"
)]
pub trait PartitionBy: Render {}

#[diagnostic::do_not_recommend]
impl<E: Expression> PartitionBy for E {}

macro_rules! tuple_partition_by {
    ($($T:ident $S:ident),+) => {
        #[diagnostic::do_not_recommend]
        impl<$($T: Expression),+> PartitionBy for ($($T,)+) {}
    };
}
crate::macros::for_tuples!(tuple_partition_by);

macro_rules! ranking_function {
    ($($(#[$doc:meta])* $name:ident, $fn_name:ident, $sql:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        crate::macros::in_scope! { [] $name {}; }

        #[diagnostic::do_not_recommend]
        impl Render for $name {
            fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
                w.push_sql($sql);
            }
        }

        #[diagnostic::do_not_recommend]
        impl WindowFunction for $name {
            type SqlType = BigInt;
        }

        $(#[$doc])*
        ///
        /// A `BigInt`; it needs a window:
        ///
        /// ```
        /// use sqlalgebra::prelude::*;
        /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
        /// # impl Table for T { const NAME: &'static str = "t"; type Columns = N; type PrimaryKey = N; }
        /// # #[derive(Clone, Copy, Debug, Default)] pub struct N;
        /// # impl Column for N { type Table = T; type SqlType = BigInt; const NAME: &'static str = "n"; }
        /// use sqlalgebra_sqlite::Sqlite;
        #[doc = concat!("let q = select((N, ", stringify!($fn_name), "().over(window().order_by(N.desc()))));")]
        /// assert_eq!(q.to_sql(&Sqlite).unwrap().sql, concat!(
        #[doc = concat!("    r#\"SELECT \"t\".\"n\", ", $sql, "\"#,")]
        ///     r#" OVER (ORDER BY "t"."n" DESC) FROM "t""#));
        /// ```
        pub fn $fn_name() -> $name {
            $name
        }
    )*};
}

ranking_function! {
    /// `ROW_NUMBER()`: the number of the row in its partition, from 1, in
    /// the window's order (ties numbered arbitrarily).
    RowNumber, row_number, "ROW_NUMBER()";
    /// `RANK()`: the rank of the row in its partition, with gaps after ties
    /// (1, 1, 3).
    Rank, rank, "RANK()";
    /// `DENSE_RANK()`: the rank of the row in its partition, without gaps
    /// after ties (1, 1, 2).
    DenseRank, dense_rank, "DENSE_RANK()";
}

/// `NTILE(n)`, made by [`ntile`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// use sqlalgebra::expr::Ntile;
/// let quartile = ntile(4).over(window().order_by(A));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Ntile {
    buckets: u64,
}

#[diagnostic::do_not_recommend]
impl Render for Ntile {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        if self.buckets == 0 {
            w.fail(ErrorKind::InvalidStatement("NTILE needs at least one bucket".into()).into());
        }
        w.push_sql("NTILE(");
        write_count(w, self.buckets, "NTILE bucket count");
        w.push_sql(")");
    }
}

#[diagnostic::do_not_recommend]
impl WindowFunction for Ntile {
    type SqlType = BigInt;
}

/// `NTILE(n)`: splits the ordered partition into `n` buckets as equal as
/// possible and gives the row's bucket, from 1, as a `BigInt`. `n` must be
/// at least 1; it is written as a literal, like frame offsets (see
/// [`FrameBound`]).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = N; type PrimaryKey = N; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct N;
/// # impl Column for N { type Table = T; type SqlType = BigInt; const NAME: &'static str = "n"; }
/// use sqlalgebra_sqlite::Sqlite;
/// let q = select(ntile(4).over(window().order_by(N)));
/// assert_eq!(q.to_sql(&Sqlite).unwrap().sql,
///     r#"SELECT NTILE(4) OVER (ORDER BY "t"."n") FROM "t""#);
/// ```
pub fn ntile(buckets: u64) -> Ntile {
    Ntile { buckets }
}

/// Writes a count from the program as an integer literal (see
/// [`FrameBound`] for why it is not bound).
fn write_count(w: &mut SqlWriter<'_>, n: u64, what: &str) {
    match i64::try_from(n) {
        Ok(n) => w.push_int(n),
        Err(_) => w.fail(
            ErrorKind::InvalidStatement(format!(
                "{what} {n} is larger than any database accepts (2^63 - 1)"
            ))
            .into(),
        ),
    }
}

macro_rules! offset_function {
    ($($(#[$doc:meta])* $name:ident, $fn_name:ident, $sql:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name<E> {
            expr: E,
            offset: u64,
        }

        crate::macros::in_scope! { [E] $name<E> { E: IE }; }

        #[diagnostic::do_not_recommend]
        impl<E: Render> Render for $name<E> {
            fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
                w.push_sql($sql);
                w.push_sql("(");
                self.expr.render(w);
                w.push_sql(", ");
                write_count(w, self.offset, concat!($sql, " offset"));
                w.push_sql(")");
            }
            fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
                self.expr.collect_tables(out);
            }
            fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
                c.operand(&self.expr);
            }
        }

        #[diagnostic::do_not_recommend]
        impl<E: Expression> WindowFunction for $name<E> where E::SqlType: IntoNullable {
            type SqlType = <E::SqlType as IntoNullable>::Nullable;
        }

        $(#[$doc])*
        ///
        /// It is nullable: NULL where that row is outside the partition.
        /// `offset` is written as a literal, like frame offsets (see
        /// [`FrameBound`]).
        ///
        /// ```
        /// use sqlalgebra::prelude::*;
        /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
        /// # impl Table for T { const NAME: &'static str = "t"; type Columns = N; type PrimaryKey = N; }
        /// # #[derive(Clone, Copy, Debug, Default)] pub struct N;
        /// # impl Column for N { type Table = T; type SqlType = BigInt; const NAME: &'static str = "n"; }
        /// use sqlalgebra_sqlite::Sqlite;
        #[doc = concat!("let q = select(", stringify!($fn_name), "(N, 1).over(window().order_by(N)));")]
        /// assert_eq!(q.to_sql(&Sqlite).unwrap().sql, concat!(
        #[doc = concat!("    \"SELECT ", $sql, "\",")]
        ///     r#"("t"."n", 1) OVER (ORDER BY "t"."n") FROM "t""#));
        /// ```
        pub fn $fn_name<E>(expr: E, offset: u64) -> $name<E>
        where
            E: Expression,
            E::SqlType: IntoNullable,
        {
            $name { expr, offset }
        }
    )*};
}

offset_function! {
    /// `LAG(expr, offset)`: `expr` on the row `offset` rows before this one
    /// in the window's order.
    Lag, lag, "LAG";
    /// `LEAD(expr, offset)`: `expr` on the row `offset` rows after this one
    /// in the window's order.
    Lead, lead, "LEAD";
}

macro_rules! aggregate_window_function {
    ($($name:ident),*) => {$(
        #[diagnostic::do_not_recommend]
        impl<E> WindowFunction for $name<E> where Self: Expression {
            type SqlType = <Self as Expression>::SqlType;
            fn window_error(&self) -> Option<&'static str> {
                self.distinct
                    .then_some("an aggregate over DISTINCT values cannot be computed over a window")
            }
        }
    )*};
}
aggregate_window_function!(Sum, Avg, Count, Min, Max);

#[diagnostic::do_not_recommend]
impl WindowFunction for CountStar {
    type SqlType = BigInt;
}

#[diagnostic::do_not_recommend]
impl<ST: SqlType, Args: Render> WindowFunction for Func<ST, Args> {
    type SqlType = ST;
}

crate::macros::in_scope! {
    [F, W] Over<F, W> { F: IF, W: IW };
    [P, O] Window<P, O> { P: IP, O: IO };
    [] Ntile {};
}
