//! `CASE WHEN ... THEN ... ELSE ... END`.

use super::{Expression, IntoExpr, IntoNaturalExpr};
use crate::render::{GroupCheck, NodeTag, Render, SqlKey, SqlWriter, TableSet};
use crate::types::{BoolLike, Compatible, IntoNullable, PropagateNull, SqlType};

/// The `WHEN cond THEN value` branches of a [`Case`]: the earlier branches
/// (`()` before the first), then one more.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// use sqlalgebra::expr::{Case, NoElse, When};
/// let c: Case<When<(), _, _>, NoElse> = case_when(A.gt(1), "big");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct When<Prev, C, V> {
    prev: Prev,
    cond: C,
    value: V,
}

/// The branches of a CASE, and the SQL type of their values: the first
/// value's type, made nullable if any later value is nullable.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// use sqlalgebra::expr::WhenList;
/// fn branches<W: WhenList>(_: &sqlalgebra::expr::Case<W>) {}
/// branches(&case_when(A.gt(1), "big").when(A.gt(0), "small"));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` are not the branches of a CASE",
    note = "start a CASE with `case_when(condition, value)`"
)]
pub trait WhenList {
    /// The SQL type of the values so far.
    type SqlType: SqlType;
    /// Writes ` WHEN c THEN v` for each branch, in order.
    fn write_whens<'a>(&'a self, w: &mut SqlWriter<'a>);
    /// Adds the tables the branches refer to.
    fn collect_when_tables<'a>(&'a self, out: &mut TableSet<'a>);
    /// Visits the branches for the GROUP BY check
    /// ([`Render::check_grouping`]); the default visits nothing.
    fn check_whens<'a>(&'a self, check: &mut GroupCheck<'_, 'a>) {
        let _ = check;
    }
    /// The [`sql_key`](Render::sql_key) of the WHEN branches. `false` (the
    /// default): not described.
    #[inline]
    fn whens_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        let _ = key;
        false
    }
}

/// The key of one `WHEN cond THEN value`.
#[inline]
fn when_key<'a>(key: &mut SqlKey<'a>, cond: &'a impl Render, value: &'a impl Render) -> bool {
    static WHEN: NodeTag = NodeTag::new("WHEN");
    key.tag(&WHEN);
    cond.sql_key(key) && value.sql_key(key)
}

fn write_when<'a>(w: &mut SqlWriter<'a>, cond: &'a impl Render, value: &'a impl Render) {
    w.push_sql(" WHEN ");
    cond.render(w);
    w.push_sql(" THEN ");
    value.render(w);
}

#[diagnostic::do_not_recommend]
impl<C: Expression, V: Expression> WhenList for When<(), C, V> {
    type SqlType = V::SqlType;
    fn write_whens<'a>(&'a self, w: &mut SqlWriter<'a>) {
        write_when(w, &self.cond, &self.value);
    }
    fn collect_when_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.cond.collect_tables(out);
        self.value.collect_tables(out);
    }
    fn check_whens<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.cond);
        c.operand(&self.value);
    }
    #[inline]
    fn whens_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        when_key(key, &self.cond, &self.value)
    }
}

#[diagnostic::do_not_recommend]
impl<P: WhenList, C: Expression, V: Expression> WhenList for When<P, C, V>
where
    V::SqlType: PropagateNull<P::SqlType>,
{
    type SqlType = <V::SqlType as PropagateNull<P::SqlType>>::Output;
    fn write_whens<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.prev.write_whens(w);
        write_when(w, &self.cond, &self.value);
    }
    fn collect_when_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.prev.collect_when_tables(out);
        self.cond.collect_tables(out);
        self.value.collect_tables(out);
    }
    fn check_whens<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        self.prev.check_whens(c);
        c.operand(&self.cond);
        c.operand(&self.value);
    }
    #[inline]
    fn whens_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        self.prev.whens_key(key) && when_key(key, &self.cond, &self.value)
    }
}

/// A CASE without ELSE: its value is NULL where no branch matches.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// use sqlalgebra::expr::{Case, NoElse};
/// let c: Case<_, NoElse> = case_when(A.gt(1), 1i64);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct NoElse;

/// The `ELSE value` of a CASE.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// use sqlalgebra::expr::{Case, Else};
/// let c: Case<_, Else<_>> = case_when(A.gt(1), 1i64).otherwise(0);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Else<E>(E);

/// The ELSE part of a CASE ([`NoElse`] or [`Else`]) and the SQL type of
/// the whole CASE, given the type `ST` of its branches.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// use sqlalgebra::expr::{CaseElse, NoElse};
/// fn nullable<E: CaseElse<BigInt, SqlType = Nullable<BigInt>>>(_: E) {}
/// nullable(NoElse);
/// ```
pub trait CaseElse<ST: SqlType> {
    /// The SQL type of the CASE.
    type SqlType: SqlType;
    /// Writes ` ELSE value`, if there is one.
    fn write_else<'a>(&'a self, w: &mut SqlWriter<'a>);
    /// Adds the tables the ELSE value refers to.
    fn collect_else_tables<'a>(&'a self, out: &mut TableSet<'a>);
    /// Visits the ELSE value for the GROUP BY check
    /// ([`Render::check_grouping`]); the default visits nothing.
    fn check_else<'a>(&'a self, check: &mut GroupCheck<'_, 'a>) {
        let _ = check;
    }
    /// The [`sql_key`](Render::sql_key) of the ELSE branch. `false` (the
    /// default): not described.
    #[inline]
    fn else_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        let _ = key;
        false
    }
}

#[diagnostic::do_not_recommend]
impl<ST: IntoNullable> CaseElse<ST> for NoElse {
    type SqlType = ST::Nullable;
    fn write_else<'a>(&'a self, _: &mut SqlWriter<'a>) {}
    fn collect_else_tables<'a>(&'a self, _: &mut TableSet<'a>) {}
    #[inline]
    fn else_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        key.word(0);
        true
    }
}

#[diagnostic::do_not_recommend]
impl<ST: SqlType, E: Expression> CaseElse<ST> for Else<E>
where
    E::SqlType: PropagateNull<ST>,
{
    type SqlType = <E::SqlType as PropagateNull<ST>>::Output;
    fn write_else<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sql(" ELSE ");
        self.0.render(w);
    }
    fn collect_else_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.0.collect_tables(out);
    }
    fn check_else<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.0);
    }
    #[inline]
    fn else_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        key.word(1);
        self.0.sql_key(key)
    }
}

/// `CASE WHEN c1 THEN v1 [WHEN c2 THEN v2 ...] [ELSE v] END`, made by
/// [`case_when`].
///
/// Its SQL type is the first value's type; later values must be usable as
/// that type. It is nullable when any value is, or when there is no ELSE.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, S); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "s"; }
/// // `S` is nullable, so the CASE is a `Nullable<Text>`, loaded into an `Option<String>`.
/// let q = select(case_when(S.is_null(), "none").otherwise(S));
/// fn nullable_text<Q: Query<SqlType = Nullable<Text>>>(_: &Q) {}
/// nullable_text(&q);
/// ```
#[derive(Debug, Clone, Copy)]
#[must_use]
pub struct Case<W, E = NoElse> {
    whens: W,
    otherwise: E,
}

impl<W: WhenList> Case<W, NoElse> {
    /// Adds a `WHEN cond THEN value` branch. `value` must be usable as the
    /// first branch's SQL type.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// let size = case_when(A.lt(10), "small").when(A.lt(100), "medium").otherwise("large");
    /// ```
    pub fn when<C, V>(self, cond: C, value: V) -> Case<When<W, C, V::Expr>, NoElse>
    where
        C: Expression,
        C::SqlType: BoolLike,
        V: IntoExpr<W::SqlType>,
        <V::Expr as Expression>::SqlType: Compatible<W::SqlType> + PropagateNull<W::SqlType>,
    {
        Case {
            whens: When {
                prev: self.whens,
                cond,
                value: value.into_expr(),
            },
            otherwise: NoElse,
        }
    }

    /// `ELSE value`: the value where no branch matches. `value` must be
    /// usable as the first branch's SQL type.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// let sign = case_when(A.lt(0), -1i64).otherwise(1);
    /// ```
    pub fn otherwise<V>(self, value: V) -> Case<W, Else<V::Expr>>
    where
        V: IntoExpr<W::SqlType>,
        <V::Expr as Expression>::SqlType: Compatible<W::SqlType>,
    {
        Case {
            whens: self.whens,
            otherwise: Else(value.into_expr()),
        }
    }
}

#[diagnostic::do_not_recommend]
impl<W: WhenList, E: CaseElse<W::SqlType>> Render for Case<W, E> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sql("CASE");
        self.whens.write_whens(w);
        self.otherwise.write_else(w);
        w.push_sql(" END");
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static CASE: NodeTag = NodeTag::new("CASE");
        key.tag(&CASE);
        self.whens.whens_key(key) && self.otherwise.else_key(key)
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.whens.collect_when_tables(out);
        self.otherwise.collect_else_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        self.whens.check_whens(c);
        self.otherwise.check_else(c);
    }
}

#[diagnostic::do_not_recommend]
impl<W: WhenList, E: CaseElse<W::SqlType>> Expression for Case<W, E> {
    type SqlType = E::SqlType;
}

/// Starts a `CASE WHEN cond THEN value ... END`; add branches with
/// [`when`](Case::when) and a default with [`otherwise`](Case::otherwise).
///
/// `value` is an expression or a plain value (bound as its natural SQL
/// type: `i64` as `BigInt`, `&str` as `Text`, ...); its type is the CASE's
/// type. Without `otherwise`, the CASE is nullable.
///
/// | `case_when(t.a.lt(10), "small").otherwise("large")` | |
/// |---|---|
/// | SQLite | `CASE WHEN "t"."a" < ? THEN ? ELSE ? END` |
/// | PostgreSQL | `CASE WHEN "t"."a" < $1 THEN $2 ELSE $3 END` |
/// | MySQL | ``CASE WHEN `t`.`a` < ? THEN ? ELSE ? END`` |
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// use sqlalgebra_postgres::Postgres;
/// let q = select(case_when(A.lt(10), "small").otherwise("large"));
/// assert_eq!(
///     q.to_sql(&Postgres).unwrap().sql,
///     r#"SELECT CASE WHEN "t"."a" < $1 THEN $2 ELSE $3 END FROM "t""#
/// );
/// ```
pub fn case_when<C, V>(cond: C, value: V) -> Case<When<(), C, V::Expr>, NoElse>
where
    C: Expression,
    C::SqlType: BoolLike,
    V: IntoNaturalExpr,
{
    Case {
        whens: When {
            prev: (),
            cond,
            value: value.into_natural_expr(),
        },
        otherwise: NoElse,
    }
}

crate::macros::in_scope! {
    [W, E] Case<W, E> { W: IW, E: IE };
    [P, C, V] When<P, C, V> { P: IP, C: IC, V: IV };
    [] NoElse {};
    [E] Else<E> { E: IE };
}
