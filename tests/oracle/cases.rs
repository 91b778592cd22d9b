//! Cases the oracle found (shrunk), replayed by `oracle_regressions_*`.
//! Each is `(feature, schema with its rows, statement)`; a case whose
//! feature is excluded (`SQLALGEBRA_ORACLE_EXCLUDE`) is skipped (by
//! default `blob_literal_values`, MariaDB's known difference).

#![allow(unused_imports)]

use super::ast::SetOp;
use super::ast::Sub;
use super::ast::{AggOp::*, ArOp::*, CmpOp::*, E::*, F1::*, MatchOp::*, SetOp::*, Stmt::*, *};
use super::model::{ColDef, Kind, Schema, TableDef, Val::*};

/// The cases, as printed by the shrinker (one line each: not formatted).
#[rustfmt::skip]
pub fn cases() -> Vec<(&'static str, Schema, Stmt)> {
    vec![
    // UPDATE "t3" SET "c1" = -4.0 WHERE ("t3"."c1" NOT IN (SELECT "t4"."c1" FROM "t4" WHERE ("t4"."c1" <> "t3"."c1")))
    (
        "correlated_dml",
        Schema { tables: vec![TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Float, nullable: true, fk: None, ascii: true }, ColDef { kind: Kind::Text, nullable: true, fk: None, ascii: true }, ColDef { kind: Kind::Text, nullable: false, fk: None, ascii: false }, ColDef { kind: Kind::Float, nullable: true, fk: None, ascii: false }, ColDef { kind: Kind::Blob, nullable: true, fk: None, ascii: false }], rows: vec![] }, TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Text, nullable: true, fk: None, ascii: false }, ColDef { kind: Kind::Text, nullable: true, fk: None, ascii: true }], rows: vec![] }, TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Bool, nullable: false, fk: None, ascii: false }, ColDef { kind: Kind::Text, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Blob, nullable: false, fk: None, ascii: false }], rows: vec![] }, TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Float, nullable: true, fk: None, ascii: false }, ColDef { kind: Kind::Text, nullable: true, fk: None, ascii: true }], rows: vec![vec![Int(18), Float(5.0), Text("x2".into())], vec![Int(19), Float(2.5), Text("--".into())]] }, TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Float, nullable: true, fk: None, ascii: false }, ColDef { kind: Kind::Blob, nullable: true, fk: None, ascii: false }, ColDef { kind: Kind::Blob, nullable: true, fk: None, ascii: false }, ColDef { kind: Kind::Bool, nullable: false, fk: None, ascii: false }, ColDef { kind: Kind::Text, nullable: false, fk: None, ascii: true }], rows: vec![vec![Int(5), Float(5.0), Blob(vec![1]), Blob(vec![97]), Bool(true), Text("x1".into())]] }] },
        Update { table: 3, using: vec![], sets: vec![(1, Lit(Float(-4.0)))], filter: Some(InSub(bx(Col(Src { table: 3, alias: None }, 1)), bx(Sub { src: Src { table: 4, alias: None }, item: Col(Src { table: 4, alias: None }, 1), filter: Some(Cmp(Ne, bx(Col(Src { table: 4, alias: None }, 1)), bx(Col(Src { table: 3, alias: None }, 1)))), infer_from: false }), true)) },
    ),
    // DELETE FROM "t0" WHERE (EXISTS (SELECT "t4"."id" FROM "t4" WHERE ("t0"."c1" NOT IN (3))))
    (
        "correlated_dml",
        Schema { tables: vec![TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Int, nullable: true, fk: None, ascii: false }, ColDef { kind: Kind::Float, nullable: true, fk: None, ascii: false }], rows: vec![vec![Int(16), Null, Float(-2.25)], vec![Int(18), Int(4), Null]] }, TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Text, nullable: false, fk: None, ascii: false }, ColDef { kind: Kind::Bool, nullable: true, fk: None, ascii: false }, ColDef { kind: Kind::Bool, nullable: true, fk: None, ascii: false }], rows: vec![] }, TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Bool, nullable: true, fk: None, ascii: true }, ColDef { kind: Kind::Blob, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Text, nullable: true, fk: None, ascii: true }, ColDef { kind: Kind::Bool, nullable: true, fk: None, ascii: true }], rows: vec![] }, TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Int, nullable: true, fk: Some(1), ascii: true }, ColDef { kind: Kind::Int, nullable: true, fk: None, ascii: false }], rows: vec![] }, TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Text, nullable: true, fk: None, ascii: true }, ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Blob, nullable: true, fk: None, ascii: false }], rows: vec![vec![Int(20), Text("Ab".into()), Int(-2), Blob(vec![97, 255])]] }] },
        Delete { table: 0, using: vec![], filter: Some(Exists(bx(Sub { src: Src { table: 4, alias: None }, item: Col(Src { table: 4, alias: None }, 0), filter: Some(InList(bx(Col(Src { table: 0, alias: None }, 1)), vec![Int(3)], true, false)), infer_from: false }), false)) },
    ),
    // DELETE FROM "t0" WHERE (instr("t0"."c1", 'A') > 0)
    (
        "literal_match",
        Schema { tables: vec![TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Text, nullable: false, fk: None, ascii: false }, ColDef { kind: Kind::Text, nullable: true, fk: None, ascii: true }, ColDef { kind: Kind::Bool, nullable: false, fk: None, ascii: false }, ColDef { kind: Kind::Bool, nullable: true, fk: None, ascii: true }, ColDef { kind: Kind::Text, nullable: true, fk: None, ascii: false }], rows: vec![vec![Int(2), Text("a_b".into()), Text("x1".into()), Bool(true), Bool(true), Text("É".into())]] }, TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Text, nullable: true, fk: None, ascii: false }, ColDef { kind: Kind::Bool, nullable: false, fk: None, ascii: false }], rows: vec![] }] },
        Delete { table: 0, using: vec![], filter: Some(Match(Contains, bx(Col(Src { table: 0, alias: None }, 1)), "A".into())) },
    ),
    // SELECT X'01' FROM "t1"
    (
        "blob_literal_values",
        Schema { tables: vec![TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Bool, nullable: true, fk: None, ascii: false }, ColDef { kind: Kind::Blob, nullable: true, fk: None, ascii: true }], rows: vec![vec![Int(4), Null, Blob(vec![])]] }, TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Int, nullable: false, fk: Some(0), ascii: true }], rows: vec![vec![Int(8), Int(4)]] }, TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Int, nullable: true, fk: Some(1), ascii: true }, ColDef { kind: Kind::Int, nullable: true, fk: None, ascii: false }, ColDef { kind: Kind::Float, nullable: true, fk: None, ascii: false }, ColDef { kind: Kind::Int, nullable: false, fk: Some(1), ascii: false }, ColDef { kind: Kind::Float, nullable: false, fk: None, ascii: true }], rows: vec![] }] },
        Select(Sel { distinct: false, items: vec![Lit(Blob(vec![1]))], from: Src { table: 1, alias: None }, infer_from: false, joins: vec![], filter: vec![], group: vec![], having: None, order: false, desc: vec![false], limit: None, offset: None }),
    ),
    // SELECT DISTINCT (SELECT min("t3"."c3") FROM "t3" WHERE ("t3"."c3" <> '🦀x')) FROM "t0" ORDER BY (SELECT min("t3"."c3") FROM "t3" WHERE ("t3"."c3" <> '🦀x')) ASC NULLS FIRST
    (
        "repeated_bind_exprs",
        Schema { tables: vec![TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Bool, nullable: false, fk: None, ascii: true }], rows: vec![] }, TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Bool, nullable: false, fk: None, ascii: false }, ColDef { kind: Kind::Bool, nullable: false, fk: None, ascii: false }, ColDef { kind: Kind::Text, nullable: true, fk: None, ascii: false }, ColDef { kind: Kind::Blob, nullable: false, fk: None, ascii: false }, ColDef { kind: Kind::Blob, nullable: true, fk: None, ascii: false }], rows: vec![] }, TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Float, nullable: true, fk: None, ascii: false }, ColDef { kind: Kind::Bool, nullable: false, fk: None, ascii: false }, ColDef { kind: Kind::Text, nullable: false, fk: None, ascii: false }, ColDef { kind: Kind::Float, nullable: false, fk: None, ascii: false }], rows: vec![] }, TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Int, nullable: true, fk: None, ascii: true }, ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Text, nullable: false, fk: None, ascii: false }], rows: vec![] }] },
        Select(Sel { distinct: true, items: vec![Scalar(bx(Sub { src: Src { table: 3, alias: None }, item: Agg(Min, Some(bx(Col(Src { table: 3, alias: None }, 3)))), filter: Some(Cmp(Ne, bx(Col(Src { table: 3, alias: None }, 3)), bx(Lit(Text("🦀x".into()))))), infer_from: false }))], from: Src { table: 0, alias: None }, infer_from: false, joins: vec![], filter: vec![], group: vec![], having: None, order: true, desc: vec![false], limit: None, offset: None }),
    ),
    // SELECT (CASE WHEN ("t0"."c1" = 0) THEN 1.25 ELSE 1.0 END), (CASE WHEN ("t0"."c1" = 0) THEN 1.25 ELSE 1.0 END) FROM "t0" GROUP BY (CASE WHEN ("t0"."c1" = 0) THEN 1.25 ELSE 1.0 END)
    // (PostgreSQL refused it: the second item had placeholders of its own.)
    (
        "repeated_bind_exprs",
        Schema { tables: vec![TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Int, nullable: true, fk: None, ascii: true }], rows: vec![vec![Int(1), Int(0)], vec![Int(2), Int(5)], vec![Int(3), Null]] }, TableDef { cols: vec![ColDef { kind: Kind::Int, nullable: false, fk: None, ascii: true }, ColDef { kind: Kind::Int, nullable: true, fk: None, ascii: true }], rows: vec![] }] },
        Select(Sel { distinct: false, items: vec![Case(bx(Cmp(Eq, bx(Col(Src { table: 0, alias: None }, 1)), bx(Lit(Int(0))))), bx(Lit(Float(1.25))), bx(Lit(Float(1.0)))), Case(bx(Cmp(Eq, bx(Col(Src { table: 0, alias: None }, 1)), bx(Lit(Int(0))))), bx(Lit(Float(1.25))), bx(Lit(Float(1.0))))], from: Src { table: 0, alias: None }, infer_from: false, joins: vec![], filter: vec![], group: vec![Case(bx(Cmp(Eq, bx(Col(Src { table: 0, alias: None }, 1)), bx(Lit(Int(0))))), bx(Lit(Float(1.25))), bx(Lit(Float(1.0))))], having: None, order: true, desc: vec![false, true], limit: None, offset: None }),
    ),
    ]
}
