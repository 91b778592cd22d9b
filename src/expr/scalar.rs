//! String and numeric functions: lower, upper, trim, length, substr,
//! replace, abs, round.
//!
//! Their result types are honest: NULL in, NULL out, so a function of a
//! nullable argument is nullable.

use super::{Bind, Expression, IntoExpr};
use crate::render::{GroupCheck, NodeTag, Render, SqlKey, SqlWriter, TableSet};
use crate::types::{Double, Integer, NumericLike, PropagateNull, Text, TextLike};

// The argument's type class (text, numeric) is checked where a node is
// built, not again in its `Expression` impl, so a wrong argument gives one
// error, not two.
// Text functions give `Text` (of any text type, and of a wrong argument,
// so that the wrong argument is the only error); `ABS` the argument's type.
macro_rules! same_type_function {
    ($($(#[$doc:meta])* $name:ident, $sql:literal, |$e:ident| $st:ty $(, where [$($bound:tt)*])?;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name<E> {
            expr: E,
        }

        crate::macros::in_scope! { [E] $name<E> { E: IE }; }

        #[diagnostic::do_not_recommend]
        impl<E: Render> Render for $name<E> {
            fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
                w.push_sql($sql);
                w.push_sql("(");
                self.expr.render(w);
                w.push_sql(")");
            }
            fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
                self.expr.collect_tables(out);
            }
            fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
                c.operand(&self.expr);
            }
            #[inline]
            fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
                static TAG: NodeTag = NodeTag::new($sql);
                key.tag(&TAG);
                self.expr.sql_key(key)
            }
        }

        #[diagnostic::do_not_recommend]
        impl<$e: Expression> Expression for $name<$e> $(where $($bound)*)? {
            type SqlType = $st;
        }
    )*};
}

same_type_function! {
    /// `LOWER(s)`, made by [`lower`].
    Lower, "LOWER", |E| <E::SqlType as PropagateNull<Text>>::Output,
        where [E::SqlType: PropagateNull<Text>];
    /// `UPPER(s)`, made by [`upper`].
    Upper, "UPPER", |E| <E::SqlType as PropagateNull<Text>>::Output,
        where [E::SqlType: PropagateNull<Text>];
    /// `TRIM(s)`, made by [`trim`].
    Trim, "TRIM", |E| <E::SqlType as PropagateNull<Text>>::Output,
        where [E::SqlType: PropagateNull<Text>];
    /// `ABS(n)`, made by [`abs`].
    Abs, "ABS", |E| E::SqlType;
}

/// `LOWER(s)`: the text in lower case. (SQLite folds only ASCII letters.)
///
/// It has the argument's SQL type (nullable if the argument is), and is
/// spelled the same in every dialect.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (S, N); type PrimaryKey = S; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Text; const NAME: &'static str = "s"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct N;
/// # impl Column for N { type Table = T; type SqlType = Double; const NAME: &'static str = "n"; }
/// use sqlalgebra_sqlite::Sqlite;
/// let q = select(lower(S));
/// assert_eq!(q.to_sql(&Sqlite).unwrap().sql, r#"SELECT LOWER("t"."s") FROM "t""#);
/// ```
pub fn lower<E>(text: E) -> Lower<E>
where
    E: Expression,
    E::SqlType: TextLike,
{
    Lower { expr: text }
}

/// `UPPER(s)`: the text in upper case. (SQLite folds only ASCII letters.)
///
/// It has the argument's SQL type (nullable if the argument is), and is
/// spelled the same in every dialect.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (S, N); type PrimaryKey = S; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Text; const NAME: &'static str = "s"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct N;
/// # impl Column for N { type Table = T; type SqlType = Double; const NAME: &'static str = "n"; }
/// use sqlalgebra_sqlite::Sqlite;
/// let q = select(upper(S));
/// assert_eq!(q.to_sql(&Sqlite).unwrap().sql, r#"SELECT UPPER("t"."s") FROM "t""#);
/// ```
pub fn upper<E>(text: E) -> Upper<E>
where
    E: Expression,
    E::SqlType: TextLike,
{
    Upper { expr: text }
}

/// `TRIM(s)`: the text without leading and trailing spaces.
///
/// It has the argument's SQL type (nullable if the argument is), and is
/// spelled the same in every dialect.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (S, N); type PrimaryKey = S; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Text; const NAME: &'static str = "s"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct N;
/// # impl Column for N { type Table = T; type SqlType = Double; const NAME: &'static str = "n"; }
/// use sqlalgebra_sqlite::Sqlite;
/// let q = select(trim(S));
/// assert_eq!(q.to_sql(&Sqlite).unwrap().sql, r#"SELECT TRIM("t"."s") FROM "t""#);
/// ```
pub fn trim<E>(text: E) -> Trim<E>
where
    E: Expression,
    E::SqlType: TextLike,
{
    Trim { expr: text }
}

/// `ABS(n)`: the absolute value.
///
/// It has the argument's SQL type (nullable if the argument is), and is
/// spelled the same in every dialect.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (S, N); type PrimaryKey = S; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Text; const NAME: &'static str = "s"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct N;
/// # impl Column for N { type Table = T; type SqlType = Double; const NAME: &'static str = "n"; }
/// use sqlalgebra_sqlite::Sqlite;
/// let q = select(abs(N));
/// assert_eq!(q.to_sql(&Sqlite).unwrap().sql, r#"SELECT ABS("t"."n") FROM "t""#);
/// ```
pub fn abs<E>(value: E) -> Abs<E>
where
    E: Expression,
    E::SqlType: NumericLike,
{
    Abs { expr: value }
}

/// The number of characters of a text, made by [`length`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// use sqlalgebra::expr::Length;
/// let n: Length<S> = length(S);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Length<E> {
    expr: E,
}

#[diagnostic::do_not_recommend]
impl<E: Render> Render for Length<E> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sql(w.dialect().char_length_function());
        w.push_sql("(");
        self.expr.render(w);
        w.push_sql(")");
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.expr.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.expr);
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static LENGTH: NodeTag = NodeTag::new("length");
        key.tag(&LENGTH);
        self.expr.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<E: Expression> Expression for Length<E>
where
    E::SqlType: PropagateNull<Integer>,
{
    type SqlType = <E::SqlType as PropagateNull<Integer>>::Output;
}

/// The number of characters (not bytes) of a text, as an `Integer`
/// (nullable if the text is).
///
/// | `length(t.s)` | |
/// |---|---|
/// | SQLite | `LENGTH("t"."s")` |
/// | PostgreSQL | `CHAR_LENGTH("t"."s")` |
/// | MySQL | ``CHAR_LENGTH(`t`.`s`)`` |
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = S; type PrimaryKey = S; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Text; const NAME: &'static str = "s"; }
/// use sqlalgebra_mysql::Mysql;
/// let q = select(S).filter(length(S).gt(3));
/// assert_eq!(q.to_sql(&Mysql).unwrap().sql,
///     "SELECT `t`.`s` FROM `t` WHERE CHAR_LENGTH(`t`.`s`) > ?");
/// ```
pub fn length<E>(text: E) -> Length<E>
where
    E: Expression,
    E::SqlType: TextLike + PropagateNull<Integer>,
{
    Length { expr: text }
}

/// Part of a text, made by [`substr`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// let part = substr(S, 1, 2);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Substr<E, S, L> {
    expr: E,
    start: S,
    len: L,
}

#[diagnostic::do_not_recommend]
impl<E: Render, S: Render, L: Render> Render for Substr<E, S, L> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.dialect()
            .write_substring(w, &self.expr, &self.start, &self.len);
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.expr.collect_tables(out);
        self.start.collect_tables(out);
        self.len.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.expr);
        c.operand(&self.start);
        c.operand(&self.len);
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static SUBSTR: NodeTag = NodeTag::new("substring");
        key.tag(&SUBSTR);
        self.expr.sql_key(key) && self.start.sql_key(key) && self.len.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<E: Expression, S: Expression, L: Expression> Expression for Substr<E, S, L>
where
    L::SqlType: PropagateNull<E::SqlType>,
    S::SqlType: PropagateNull<<L::SqlType as PropagateNull<E::SqlType>>::Output>,
{
    type SqlType =
        <S::SqlType as PropagateNull<<L::SqlType as PropagateNull<E::SqlType>>::Output>>::Output;
}

/// The `len` characters of a text from position `start` (the first
/// character is 1). It has the text's SQL type.
///
/// | `substr(t.s, 2, 3)` | |
/// |---|---|
/// | SQLite | `SUBSTR("t"."s", ?, ?)` |
/// | PostgreSQL | `SUBSTRING("t"."s", CAST($1 AS INTEGER), CAST($2 AS INTEGER))` |
/// | MySQL | ``SUBSTRING(`t`.`s`, ?, ?)`` |
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = S; type PrimaryKey = S; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Text; const NAME: &'static str = "s"; }
/// use sqlalgebra_sqlite::Sqlite;
/// let q = select(substr(S, 2, 3));
/// assert_eq!(q.to_sql(&Sqlite).unwrap().sql, r#"SELECT SUBSTR("t"."s", ?, ?) FROM "t""#);
/// ```
pub fn substr<E, S, L>(text: E, start: S, len: L) -> Substr<E, S::Expr, L::Expr>
where
    E: Expression,
    E::SqlType: TextLike,
    S: IntoExpr<Integer>,
    L: IntoExpr<Integer>,
{
    Substr {
        expr: text,
        start: start.into_expr(),
        len: len.into_expr(),
    }
}

/// A text with every occurrence of one string replaced, made by
/// [`replace`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// let r = replace(S, "a", "b");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Replace<E, F, T> {
    expr: E,
    from: F,
    to: T,
}

#[diagnostic::do_not_recommend]
impl<E: Render, F: Render, T: Render> Render for Replace<E, F, T> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sql("REPLACE(");
        self.expr.render(w);
        w.push_sql(", ");
        self.from.render(w);
        w.push_sql(", ");
        self.to.render(w);
        w.push_sql(")");
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.expr.collect_tables(out);
        self.from.collect_tables(out);
        self.to.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.expr);
        c.operand(&self.from);
        c.operand(&self.to);
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static REPLACE: NodeTag = NodeTag::new("REPLACE");
        key.tag(&REPLACE);
        self.expr.sql_key(key) && self.from.sql_key(key) && self.to.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<E: Expression, F: Expression, T: Expression> Expression for Replace<E, F, T>
where
    T::SqlType: PropagateNull<E::SqlType>,
    F::SqlType: PropagateNull<<T::SqlType as PropagateNull<E::SqlType>>::Output>,
{
    type SqlType =
        <F::SqlType as PropagateNull<<T::SqlType as PropagateNull<E::SqlType>>::Output>>::Output;
}

/// `REPLACE(s, from, to)`: `s` with every occurrence of `from` replaced by
/// `to` (case-sensitive). It has the text's SQL type.
///
/// | `replace(t.s, "-", "")` | |
/// |---|---|
/// | SQLite | `REPLACE("t"."s", ?, ?)` |
/// | PostgreSQL | `REPLACE("t"."s", $1, $2)` |
/// | MySQL | ``REPLACE(`t`.`s`, ?, ?)`` |
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = S; type PrimaryKey = S; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Text; const NAME: &'static str = "s"; }
/// use sqlalgebra_postgres::Postgres;
/// let q = select(replace(S, "-", ""));
/// assert_eq!(q.to_sql(&Postgres).unwrap().sql, r#"SELECT REPLACE("t"."s", $1, $2) FROM "t""#);
/// ```
pub fn replace<E, F, T>(text: E, from: F, to: T) -> Replace<E, F::Expr, T::Expr>
where
    E: Expression,
    E::SqlType: TextLike,
    F: IntoExpr<Text>,
    T: IntoExpr<Text>,
{
    Replace {
        expr: text,
        from: from.into_expr(),
        to: to.into_expr(),
    }
}

/// A number rounded to some decimal places, made by [`round`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// use sqlalgebra::expr::Round;
/// let r: Round<A> = round(A, 2);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Round<E> {
    expr: E,
    digits: Bind<i32, Integer>,
}

#[diagnostic::do_not_recommend]
impl<E: Render> Render for Round<E> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.dialect().write_round(w, &self.expr, &self.digits);
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.expr.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.expr);
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static ROUND: NodeTag = NodeTag::new("ROUND");
        key.tag(&ROUND);
        self.expr.sql_key(key) && self.digits.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<E: Expression> Expression for Round<E>
where
    E::SqlType: PropagateNull<Double>,
{
    type SqlType = <E::SqlType as PropagateNull<Double>>::Output;
}

/// `value` rounded to `digits` decimal places, as a `Double` (nullable if
/// `value` is), whatever the numeric type of `value`. `digits` is bound.
/// (It is unsigned: SQLite takes a negative count as 0, so rounding to
/// tens would not be portable.)
///
/// | `round(t.n, 2)` | |
/// |---|---|
/// | SQLite | `ROUND("t"."n", ?)` |
/// | PostgreSQL | `CAST(ROUND(CAST("t"."n" AS NUMERIC), CAST($1 AS INTEGER)) AS DOUBLE PRECISION)` |
/// | MySQL | ``ROUND(`t`.`n`, ?)`` |
///
/// PostgreSQL rounds a double to some digits only as a `NUMERIC`, hence
/// the casts. Exact halfway cases of a double (`0.125` to 2 digits) may
/// round differently between databases (MySQL may round them to even);
/// and a double such as `2.675` is stored slightly below that value, so it
/// rounds down everywhere.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = N; type PrimaryKey = N; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct N;
/// # impl Column for N { type Table = T; type SqlType = Double; const NAME: &'static str = "n"; }
/// use sqlalgebra_sqlite::Sqlite;
/// let q = select(round(N, 2));
/// assert_eq!(q.to_sql(&Sqlite).unwrap().sql, r#"SELECT ROUND("t"."n", ?) FROM "t""#);
/// ```
pub fn round<E>(value: E, digits: u8) -> Round<E>
where
    E: Expression,
    E::SqlType: NumericLike + PropagateNull<Double>,
{
    Round {
        expr: value,
        digits: Bind::new(i32::from(digits)),
    }
}

crate::macros::in_scope! {
    [E] Length<E> { E: IE };
    [E, S, L] Substr<E, S, L> { E: IE, S: IS, L: IL };
    [E, F, T] Replace<E, F, T> { E: IE, F: IF, T: IT };
    [E] Round<E> { E: IE };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Dialect, SqlWriter};

    #[derive(Debug)]
    struct Plain;
    impl Dialect for Plain {
        fn name(&self) -> &'static str {
            "plain"
        }
    }

    #[test]
    fn dialect_defaults() {
        let e = round(Bind::<f64, Double>::new(1.25), 1);
        let mut w = SqlWriter::new(&Plain);
        e.render(&mut w);
        assert_eq!(w.finish().unwrap().sql, "ROUND(?, ?)");

        let e = substr(Bind::<&str, Text>::new("abc"), 1, 2);
        let mut w = SqlWriter::new(&Plain);
        e.render(&mut w);
        assert_eq!(w.finish().unwrap().sql, "SUBSTRING(?, ?, ?)");
    }
}
