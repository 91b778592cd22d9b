//! Aggregate functions: COUNT, SUM, AVG, MIN, MAX.
//!
//! Their SQL types are honest: `COUNT` is `BigInt`; `SUM`, `AVG`, `MIN` and
//! `MAX` are nullable, since over no rows they are NULL.

use super::Expression;
use crate::render::{AggregateFn, GroupCheck, NodeTag, Render, SqlKey, SqlWriter, TableSet};
use crate::types::{BigInt, IntoNullable, Mixes, NumericLike, Summed};

macro_rules! aggregate {
    (
        $(#[$doc:meta])* $name:ident, $fn_name:ident, $sql:literal, |$e:ident| $st:ty
        $(, where [$($bound:tt)*])? $(, fn where [$($fn_bound:tt)*])?
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name<E> {
            pub(crate) expr: E,
            pub(crate) distinct: bool,
        }

        crate::macros::in_scope! { [E] $name<E> { E: IE }; }

        impl<E> $name<E> {
            /// Aggregates distinct values only: `
            #[doc = $sql]
            /// DISTINCT ...)`.
            #[must_use]
            pub fn distinct(mut self) -> Self {
                self.distinct = true;
                self
            }
        }

        #[diagnostic::do_not_recommend]
        impl<E: Render> Render for $name<E> {
            fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
                w.push_sql($sql);
                if self.distinct {
                    w.push_sql("DISTINCT ");
                }
                self.expr.render(w);
                w.push_sql(")");
            }
            fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
                self.expr.collect_tables(out);
            }
            fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
                // The argument of a window's aggregate is per group.
                if c.aggregate_call(AggregateFn::$name, self.distinct) {
                    c.operand(&self.expr);
                }
            }
            #[inline]
            fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
                static TAG: NodeTag = NodeTag::new($sql);
                key.tag(&TAG);
                key.word(usize::from(self.distinct));
                self.expr.sql_key(key)
            }
        }

        #[diagnostic::do_not_recommend]
        impl<$e: Expression> Expression for $name<$e> $(where $($bound)*)? {
            type SqlType = $st;
        }

        $(#[$doc])*
        ///
        /// ```
        /// use sqlalgebra::prelude::*;
        /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
        /// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
        /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
        /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
        #[doc = concat!("let q = select(", stringify!($fn_name), "(A));")]
        /// ```
        pub fn $fn_name<$e: Expression>(expr: $e) -> $name<$e> $(where $($fn_bound)*)? {
            $name { expr, distinct: false }
        }
    };
}

aggregate!(
    /// `COUNT(expr)`: the number of non-NULL values.
    Count, count, "COUNT(", |E| BigInt
);
aggregate!(
    /// `SUM(expr)`: NULL over no rows.
    // `sum` and `avg` check that their argument is a number; the node's
    // type is `Any` for any other (see `Summed`), so that a wrong argument
    // is the only error, not also the query built around it.
    Sum, sum, "SUM(", |E| <<E::SqlType as Mixes>::Family as Summed<E::SqlType>>::Output,
    where [<E::SqlType as Mixes>::Family: Summed<E::SqlType>],
    fn where [E::SqlType: NumericLike]
);
aggregate!(
    /// `AVG(expr)`: NULL over no rows.
    Avg, avg, "AVG(", |E| <<E::SqlType as Mixes>::Family as Summed<E::SqlType>>::Average,
    where [<E::SqlType as Mixes>::Family: Summed<E::SqlType>],
    fn where [E::SqlType: NumericLike]
);
aggregate!(
    /// `MIN(expr)`: NULL over no rows.
    Min, min, "MIN(", |E| <E::SqlType as IntoNullable>::Nullable,
    where [E::SqlType: IntoNullable],
    fn where [E::SqlType: IntoNullable]
);
aggregate!(
    /// `MAX(expr)`: NULL over no rows.
    Max, max, "MAX(", |E| <E::SqlType as IntoNullable>::Nullable,
    where [E::SqlType: IntoNullable],
    fn where [E::SqlType: IntoNullable]
);

/// `COUNT(*)`: the number of rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountStar;

#[diagnostic::do_not_recommend]
impl Render for CountStar {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sql("COUNT(*)");
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.aggregate_call(AggregateFn::Count, false);
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static COUNT_STAR: NodeTag = NodeTag::new("COUNT(*)");
        key.tag(&COUNT_STAR);
        true
    }
}

#[diagnostic::do_not_recommend]
impl Expression for CountStar {
    type SqlType = BigInt;
}

/// `COUNT(*)`: the number of rows.
///
/// ```
/// use sqlalgebra::prelude::*;
/// let q = select(count_star());
/// ```
pub fn count_star() -> CountStar {
    CountStar
}

crate::macros::in_scope! { [] CountStar {}; }
