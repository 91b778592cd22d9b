//! Generic scalar forms: CAST, COALESCE, NULLIF, and `func`, the typed
//! escape hatch for any other SQL function.

use std::borrow::Cow;
use std::marker::PhantomData;

use super::{Bind, Expression, IntoExpr};
use crate::error::ErrorKind;
use crate::render::{GroupCheck, NodeTag, Render, SqlKey, SqlWriter, TableSet};
use crate::types::*;

/// An expression, or a Rust value bound as its natural SQL type: `i64` as
/// `BigInt`, `i32` as `Integer`, `f64` as `Double`, `&str` as `Text`,
/// `Option<i64>` as `Nullable<BigInt>`, and so on.
///
/// It is what the first branch of [`case_when`](super::case_when) and the
/// arguments of [`func`] accept, where no column tells the SQL type.
/// Integer literals without a suffix are `i32`, so `Integer`.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::expr::IntoNaturalExpr;
/// let b = "x".into_natural_expr();
/// assert_eq!(*b.value(), "x");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is neither a SQL expression nor a value with a natural SQL type",
    label = "expected a column, an expression or a plain value here",
    note = "values with a natural SQL type: i16, i32, i64, f32, f64, bool, &str, String, &[u8], Vec<u8>, and Option of those"
)]
pub trait IntoNaturalExpr {
    /// The expression it becomes.
    type Expr: Expression;
    /// Converts it.
    fn into_natural_expr(self) -> Self::Expr;
}

#[diagnostic::do_not_recommend]
impl<E: Expression> IntoNaturalExpr for E {
    type Expr = E;
    #[inline]
    fn into_natural_expr(self) -> E {
        self
    }
}

macro_rules! natural_expr {
    ($($t:ty => $st:ty;)*) => {$(
        #[diagnostic::do_not_recommend]
        impl<'v> IntoNaturalExpr for $t {
            type Expr = Bind<$t, $st>;
            #[inline]
            fn into_natural_expr(self) -> Self::Expr { Bind::new(self) }
        }
        #[diagnostic::do_not_recommend]
        impl<'v> IntoNaturalExpr for Option<$t> {
            type Expr = Bind<Option<$t>, Nullable<$st>>;
            #[inline]
            fn into_natural_expr(self) -> Self::Expr { Bind::new(self) }
        }
    )*};
}
natural_expr! {
    i16 => SmallInt;
    i32 => Integer;
    i64 => BigInt;
    f32 => Real;
    f64 => Double;
    bool => Bool;
    &'v str => Text;
    String => Text;
    &'v String => Text;
    &'v [u8] => Blob;
    Vec<u8> => Blob;
}

/// A Rust value bound as an expression of its natural SQL type (`i32`
/// an `Integer`, `f64` a `Double`, `&str` a `Text`, ...), for a value on
/// the left of an operator: `1 - discount` is
/// `literal(1).sub(Discount)`. As SQLAlchemy's `literal`, it is a bound
/// parameter, never spliced into the SQL text. An integer literal is an
/// `i32` unless its type says otherwise (`literal(1i64)`).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = D; type PrimaryKey = D; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct D;
/// # impl Column for D { type Table = T; type SqlType = Double; const NAME: &'static str = "d"; }
/// let q = select(literal(1).sub(D)); // Integer - Double: a Double
/// let r = q.to_sql(&sqlalgebra_postgres::Postgres).unwrap();
/// assert_eq!(r.sql, r#"SELECT $1 - "t"."d" FROM "t""#);
/// ```
pub fn literal<T: NaturalType>(value: T) -> Bind<T, T::SqlType> {
    Bind::new(value)
}

/// Rust values with a natural SQL type, for [`literal`]: `i16`
/// `SmallInt`, `i32` `Integer`, `i64` `BigInt`, `f32` `Real`, `f64`
/// `Double`, `bool` `Bool`, texts `Text`, bytes `Blob`.
///
/// ```
/// use sqlalgebra::{expr::NaturalType, types::*};
/// fn natural<T: NaturalType<SqlType = ST>, ST>() {}
/// natural::<i32, Integer>();
/// natural::<&str, Text>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no natural SQL type",
    label = "expected a plain value: i16, i32, i64, f32, f64, bool, &str, String, &[u8], Vec<u8>",
    note = "for another SQL type, bind it as one: `bind::<Numeric, _>(\"1.5\")`"
)]
pub trait NaturalType: crate::value::Encode {
    /// Its SQL type.
    type SqlType: SqlType;
}

macro_rules! natural_type {
    ($($t:ty => $st:ty;)*) => {$(
        impl<'v> NaturalType for $t {
            type SqlType = $st;
        }
    )*};
}
natural_type! {
    i16 => SmallInt;
    i32 => Integer;
    i64 => BigInt;
    f32 => Real;
    f64 => Double;
    bool => Bool;
    &'v str => Text;
    String => Text;
    &'v String => Text;
    &'v [u8] => Blob;
    Vec<u8> => Blob;
}

/// `CAST(expr AS type)`, made by [`cast`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// use sqlalgebra::expr::Cast;
/// let c: Cast<A, Text> = cast::<Text, _>(A);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Cast<E, ST> {
    expr: E,
    _sql_type: PhantomData<fn() -> ST>,
}

#[diagnostic::do_not_recommend]
impl<E: Render, ST: SqlType> Render for Cast<E, ST> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sql("CAST(");
        self.expr.render(w);
        w.push_sql(" AS ");
        w.push_cast_type(ST::KIND);
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
        static CAST: NodeTag = NodeTag::new("CAST");
        key.tag(&CAST);
        key.kind(ST::KIND);
        self.expr.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<E: Expression, ST: SqlType> Expression for Cast<E, ST>
where
    E::SqlType: PropagateNull<ST>,
{
    type SqlType = <E::SqlType as PropagateNull<ST>>::Output;
}

/// `CAST(expr AS type)`: converts `expr` to SQL type `ST`, spelled as each
/// dialect names its cast targets. The result is nullable when `expr` is.
///
/// The second type parameter is the expression's type; write `_` for it:
/// `cast::<BigInt, _>(x)`.
///
/// | `cast::<BigInt, _>(t.b)` | |
/// |---|---|
/// | SQLite | `CAST("t"."b" AS BIGINT)` |
/// | PostgreSQL | `CAST("t"."b" AS BIGINT)` |
/// | MySQL | ``CAST(`t`.`b` AS SIGNED)`` |
///
/// On SQLite, dates and times are cast to `TEXT` (SQLite stores them as
/// text); on MySQL, integers to `SIGNED`, text to `CHAR`, floats to
/// `DOUBLE`, blobs to `BINARY`.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = B; type PrimaryKey = B; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
/// # impl Column for B { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "b"; }
/// use sqlalgebra_mysql::Mysql;
/// let q = select(cast::<BigInt, _>(B));
/// assert_eq!(q.to_sql(&Mysql).unwrap().sql, "SELECT CAST(`t`.`b` AS SIGNED) FROM `t`");
/// // `t.b` is nullable, so the cast is a `Nullable<BigInt>`: load it into an `Option<i64>`.
/// ```
pub fn cast<ST: SqlType, E: Expression>(expr: E) -> Cast<E, ST>
where
    E::SqlType: PropagateNull<ST>,
{
    Cast {
        expr,
        _sql_type: PhantomData,
    }
}

/// `COALESCE(a, b)`, made by [`coalesce`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// use sqlalgebra::expr::Coalesce;
/// let c: Coalesce<S, _> = coalesce(S, "none");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Coalesce<A, B> {
    first: A,
    fallback: B,
}

#[diagnostic::do_not_recommend]
impl<A: Render, B: Render> Render for Coalesce<A, B> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sql("COALESCE(");
        self.first.render(w);
        w.push_sql(", ");
        self.fallback.render(w);
        w.push_sql(")");
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.first.collect_tables(out);
        self.fallback.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.first);
        c.operand(&self.fallback);
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static COALESCE: NodeTag = NodeTag::new("COALESCE");
        key.tag(&COALESCE);
        self.first.sql_key(key) && self.fallback.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<A: Expression, B: Expression> Expression for Coalesce<A, B>
where
    B::SqlType: PropagateNull<<A::SqlType as SqlType>::NotNull>,
{
    type SqlType = <B::SqlType as PropagateNull<<A::SqlType as SqlType>::NotNull>>::Output;
}

/// `COALESCE(a, b)`: `a`, or `b` where `a` is NULL.
///
/// The result has `a`'s SQL type, and is NOT NULL when `b` is: a plain
/// value or a NOT NULL column. Nest calls for more fallbacks:
/// `coalesce(a, coalesce(b, c))`.
///
/// | `coalesce(t.b, "none")` | |
/// |---|---|
/// | SQLite | `COALESCE("t"."b", ?)` |
/// | PostgreSQL | `COALESCE("t"."b", $1)` |
/// | MySQL | ``COALESCE(`t`.`b`, ?)`` |
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = B; type PrimaryKey = B; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
/// # impl Column for B { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "b"; }
/// use sqlalgebra_sqlite::Sqlite;
/// let q = select(coalesce(B, "none"));
/// assert_eq!(q.to_sql(&Sqlite).unwrap().sql, r#"SELECT COALESCE("t"."b", ?) FROM "t""#);
/// // `Text`, not `Nullable<Text>`: it loads into a `String`.
/// fn loads_into_string<Q: Query<SqlType = Text>>(_: &Q) {}
/// loads_into_string(&q);
/// ```
pub fn coalesce<A, B>(first: A, fallback: B) -> Coalesce<A, B::Expr>
where
    A: Expression,
    B: IntoExpr<<A::SqlType as SqlType>::NotNull>,
    <B::Expr as Expression>::SqlType: Compatible<<A::SqlType as SqlType>::NotNull>,
{
    Coalesce {
        first,
        fallback: fallback.into_expr(),
    }
}

/// `NULLIF(a, b)`, made by [`nullif`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// use sqlalgebra::expr::NullIf;
/// let n: NullIf<A, _> = nullif(A, 0);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct NullIf<A, B> {
    value: A,
    null_when: B,
}

#[diagnostic::do_not_recommend]
impl<A: Render, B: Render> Render for NullIf<A, B> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sql("NULLIF(");
        self.value.render(w);
        w.push_sql(", ");
        self.null_when.render(w);
        w.push_sql(")");
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.value.collect_tables(out);
        self.null_when.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.value);
        c.operand(&self.null_when);
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static NULLIF: NodeTag = NodeTag::new("NULLIF");
        key.tag(&NULLIF);
        self.value.sql_key(key) && self.null_when.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<A: Expression, B: Expression> Expression for NullIf<A, B>
where
    A::SqlType: IntoNullable,
{
    type SqlType = <A::SqlType as IntoNullable>::Nullable;
}

/// `NULLIF(a, b)`: NULL where `a` equals `b`, otherwise `a`. The result is
/// nullable.
///
/// | `nullif(t.a, 0)` | |
/// |---|---|
/// | SQLite | `NULLIF("t"."a", ?)` |
/// | PostgreSQL | `NULLIF("t"."a", $1)` |
/// | MySQL | ``NULLIF(`t`.`a`, ?)`` |
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// use sqlalgebra_postgres::Postgres;
/// let q = select(nullif(A, 0));
/// assert_eq!(q.to_sql(&Postgres).unwrap().sql, r#"SELECT NULLIF("t"."a", $1) FROM "t""#);
/// ```
pub fn nullif<A, B>(value: A, null_when: B) -> NullIf<A, B::Expr>
where
    A: Expression,
    A::SqlType: IntoNullable,
    B: IntoExpr<A::SqlType>,
{
    NullIf {
        value,
        null_when: null_when.into_expr(),
    }
}

/// The arguments of a [`func`] call: `()` for none, or a tuple of up to 16
/// expressions or plain values (bound as their natural SQL type).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// use sqlalgebra::expr::FuncArgs;
/// fn args<F: FuncArgs>(_: F) {}
/// args(());
/// args((A,));
/// args((A, "x", 2.5));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the arguments of a SQL function",
    label = "expected a tuple of expressions or values, like `(column,)` or `(column, 2)`",
    note = "a single argument is a one-element tuple: `(column,)`"
)]
pub trait FuncArgs {
    /// The arguments as expressions.
    type Exprs: Render;
    /// Converts them.
    fn into_exprs(self) -> Self::Exprs;
}

/// The empty argument list of a [`func`] call: renders nothing.
///
/// ```
/// use sqlalgebra::prelude::*;
/// let q = select(func::<Double, _>("pi", ()));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct NoArgs;

#[diagnostic::do_not_recommend]
impl Render for NoArgs {
    fn render<'a>(&'a self, _: &mut SqlWriter<'a>) {}
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static NO_ARGS: NodeTag = NodeTag::new("no arguments");
        key.tag(&NO_ARGS);
        true
    }
}

#[diagnostic::do_not_recommend]
impl FuncArgs for () {
    type Exprs = NoArgs;
    fn into_exprs(self) -> NoArgs {
        NoArgs
    }
}

macro_rules! tuple_func_args {
    ($($T:ident $S:ident),+) => {
        #[diagnostic::do_not_recommend]
        impl<$($T: IntoNaturalExpr),+> FuncArgs for ($($T,)+) {
            type Exprs = ($($T::Expr,)+);
            #[allow(non_snake_case)]
            fn into_exprs(self) -> Self::Exprs {
                let ($($T,)+) = self;
                ($($T.into_natural_expr(),)+)
            }
        }
    };
}
crate::macros::for_tuples!(tuple_func_args);

/// A call of a SQL function by name, made by [`func`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// use sqlalgebra::expr::Func;
/// let f = func::<Double, _>("sqrt", (A,));
/// ```
#[derive(Debug, Clone)]
pub struct Func<ST, Args> {
    name: Cow<'static, str>,
    args: Args,
    _sql_type: PhantomData<fn() -> ST>,
}

/// Whether `name` can be written as a function name: `[A-Za-z_][A-Za-z0-9_.]*`.
fn is_function_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

#[diagnostic::do_not_recommend]
impl<ST, Args: Render> Render for Func<ST, Args> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        if !is_function_name(&self.name) {
            w.fail(
                ErrorKind::InvalidStatement(format!(
                    "`{}` is not a SQL function name: it must match [A-Za-z_][A-Za-z0-9_.]*",
                    self.name
                ))
                .into(),
            );
            return;
        }
        w.push_sql(&self.name);
        w.push_sql("(");
        self.args.render(w);
        w.push_sql(")");
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.args.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.function(&self.name, &self.args);
    }
    /// Described when the name is a `&'static str` (an owned name may
    /// change from one statement to the next).
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static FUNC: NodeTag = NodeTag::new("function");
        let Cow::Borrowed(name) = self.name else {
            return false;
        };
        key.tag(&FUNC);
        key.name(name);
        self.args.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<ST: SqlType, Args: Render> Expression for Func<ST, Args> {
    type SqlType = ST;
}

/// Calls any SQL function by name, returning SQL type `ST`: the typed
/// escape hatch for functions the algebra has no node for. Write `_` for
/// the second type parameter: `func::<Double, _>("sqrt", (x,))`.
///
/// `args` is `()` or a tuple of expressions and plain values; values are
/// bound, never spliced. `name` is written as it is (so `"sqrt"` and
/// `"pg_catalog.sqrt"` work), and must match `[A-Za-z_][A-Za-z0-9_.]*`;
/// any other name makes rendering fail with
/// [`ErrorKind::InvalidStatement`]. `ST` is
/// trusted: say `Nullable<..>` when the function can return NULL.
///
/// | `func::<BigInt, _>("max", (t.a, 10))` | |
/// |---|---|
/// | SQLite | `max("t"."a", ?)` |
/// | PostgreSQL | `max("t"."a", $1)` |
/// | MySQL | ``max(`t`.`a`, ?)`` |
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// use sqlalgebra_sqlite::Sqlite;
/// let q = select(func::<BigInt, _>("max", (A, 10i64)));
/// assert_eq!(q.to_sql(&Sqlite).unwrap().sql, r#"SELECT max("t"."a", ?) FROM "t""#);
///
/// let bad = select(func::<BigInt, _>("max(1); --", (A,)));
/// assert!(matches!(bad.to_sql(&Sqlite).as_ref().map_err(sqlalgebra::Error::kind), Err(sqlalgebra::ErrorKind::InvalidStatement(_))));
/// ```
pub fn func<ST: SqlType, Args: FuncArgs>(
    name: impl Into<Cow<'static, str>>,
    args: Args,
) -> Func<ST, Args::Exprs> {
    Func {
        name: name.into(),
        args: args.into_exprs(),
        _sql_type: PhantomData,
    }
}

crate::macros::in_scope! {
    [E, ST] Cast<E, ST> { E: IE };
    [A, B] Coalesce<A, B> { A: IA, B: IB };
    [A, B] NullIf<A, B> { A: IA, B: IB };
    [] NoArgs {};
    [ST, Args] Func<ST, Args> { Args: IArgs };
}

#[cfg(test)]
mod tests {
    use super::is_function_name;

    #[test]
    fn function_names() {
        for ok in ["sqrt", "_x", "pg_catalog.sqrt", "json_extract", "A1"] {
            assert!(is_function_name(ok), "{ok}");
        }
        for bad in ["", "1abc", "max(", "a b", "x;--", "ä", ".x", "a\"b"] {
            assert!(!is_function_name(bad), "{bad}");
        }
    }
}
