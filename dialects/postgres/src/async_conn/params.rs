//! The binds of a statement as tokio-postgres takes them: up to 4 values
//! in place, more (or a list with arrays) in a vector, handed over as
//! `&dyn ToSql`.

use bytes::BytesMut;
use postgres::types::{Format, IsNull, ToSql, Type, to_sql_checked};
use sqlalgebra::value::ValueRef;

use crate::types::{ArrayParam, Param, ValueParam, params_of};

type BoxError = Box<dyn std::error::Error + Sync + Send>;

/// How many values are kept in place (not in a vector): few, so that
/// moving them (into the statement's future) is a few register moves.
const IN_PLACE: usize = 4;

/// One parameter of a bind list with arrays: a value, converted as
/// [`ValueParam`] converts it, or the elements of an array, as
/// [`ArrayParam`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Bind<'a>(Param<'a>);

impl ToSql for Bind<'_> {
    #[inline]
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self.0 {
            Param::Value(v) => ValueParam(v).to_sql(ty, out),
            Param::Array(elements) => ArrayParam(elements).to_sql(ty, out),
        }
    }

    /// Every type, as [`ValueParam`] and [`ArrayParam`].
    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();

    #[inline]
    fn encode_format(&self, ty: &Type) -> Format {
        match self.0 {
            Param::Value(v) => ValueParam(v).encode_format(ty),
            Param::Array(elements) => ArrayParam(elements).encode_format(ty),
        }
    }
}

/// The parameters of a statement that has `count` of them, bound to a
/// bind list: value by value when there are as many binds as parameters (a
/// lone array marker then binds as an empty array, see [`ValueParam`]),
/// else each array marker with the elements that follow it as one (see
/// [`params_of`]).
pub(super) enum Params<'a> {
    /// Up to [`IN_PLACE`] values, the first `.1` of the array.
    InPlace([ValueParam<'a>; IN_PLACE], usize),
    /// More values.
    Values(Vec<ValueParam<'a>>),
    /// Values and arrays.
    Grouped(Vec<Bind<'a>>),
}

impl<'a> Params<'a> {
    /// The parameters of `binds` for a statement of `count` parameters.
    #[inline]
    pub(super) fn new(binds: &'a [ValueRef<'a>], count: usize) -> Self {
        if binds.len() != count {
            return Params::Grouped(params_of(binds).map(Bind).collect());
        }
        if binds.len() > IN_PLACE {
            return Params::Values(binds.iter().map(|b| ValueParam(*b)).collect());
        }
        let mut values = [ValueParam(ValueRef::Null); IN_PLACE];
        for (v, b) in values.iter_mut().zip(binds) {
            *v = ValueParam(*b);
        }
        Params::InPlace(values, binds.len())
    }

    /// The parameters, each as the driver takes it: the values one by one
    /// (`Ok`), or with the arrays grouped (`Err`). Slices, not one
    /// iterator for both: the driver zips a slice's iterator with the
    /// statement's types several times faster than any other.
    #[inline]
    pub(super) fn slices(&self) -> Result<&[ValueParam<'a>], &[Bind<'a>]> {
        match self {
            Params::InPlace(values, n) => Ok(&values[..*n]),
            Params::Values(values) => Ok(values),
            Params::Grouped(binds) => Err(binds),
        }
    }
}

/// `p` as the driver takes it.
#[inline]
pub(super) fn as_dyn<T: ToSql + Sync>(p: &T) -> &(dyn ToSql + Sync) {
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(params: &Params<'_>) -> Vec<String> {
        match params.slices() {
            Ok(values) => values.iter().map(|p| format!("{:?}", as_dyn(p))).collect(),
            Err(binds) => binds.iter().map(|p| format!("{:?}", as_dyn(p))).collect(),
        }
    }

    #[test]
    fn values_bind_one_by_one_and_arrays_group_their_elements() {
        let plain = [ValueRef::Int(1), ValueRef::Text("a")];
        let p = Params::new(&plain, 2);
        assert!(matches!(p, Params::InPlace(_, 2)));
        assert_eq!(shown(&p), ["ValueParam(Int(1))", "ValueParam(Text(\"a\"))"]);

        let many: Vec<ValueRef<'_>> = (0..20).map(ValueRef::Int).collect();
        let p = Params::new(&many, 20);
        assert!(matches!(Params::new(&many[..4], 4), Params::InPlace(_, 4)));
        assert!(matches!(p, Params::Values(_)));
        assert_eq!(shown(&p)[19], "ValueParam(Int(19))");

        let arrays = [
            ValueRef::Int(1),
            ValueRef::Array(2),
            ValueRef::Int(2),
            ValueRef::Int(3),
        ];
        let p = Params::new(&arrays, 2);
        assert_eq!(
            shown(&p),
            ["Bind(Value(Int(1)))", "Bind(Array([Int(2), Int(3)]))"]
        );

        // A lone marker, as many binds as parameters: a value (an empty
        // array), as the sync connection binds it.
        let lone = [ValueRef::Array(0)];
        assert_eq!(shown(&Params::new(&lone, 1)), ["ValueParam(Array(0))"]);
    }
}
