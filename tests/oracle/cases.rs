//! Cases the oracle found (shrunk), replayed by `oracle_regressions_*`.
//! Each is `(feature, schema with its rows, statement)`; a case whose
//! feature is excluded (`SQLALGEBRA_ORACLE_EXCLUDE`) is skipped.

#![allow(unused_imports)]

use super::ast::SetOp;
use super::ast::Sub;
use super::ast::{
    AggOp::*, ArOp::*, CmpOp::*, E::*, F1::*, MatchOp::*, SetOp::*, Stmt::*, *,
};
use super::model::{ColDef, Kind, Schema, TableDef, Val::*};

pub fn cases() -> Vec<(&'static str, Schema, Stmt)> {
    vec![]
}
