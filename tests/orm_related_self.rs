//! A self-referential relationship (an employee's boss is an employee):
//! joins and EXISTS need an alias for the other side, and without one they
//! are refused before anything is sent. Exact SQL in three dialects, rows
//! on the three backends.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate
#![allow(missing_docs)] // test schema

mod common;

use common::on_all_backends;
use sqlalgebra::engine::Backend;
use sqlalgebra::prelude::*;
use sqlalgebra::schema::ForeignKey;
use sqlalgebra::{Engine, Error, ErrorKind, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

#[derive(Clone, Copy, Debug, Default)]
pub struct Emps;
impl Table for Emps {
    const NAME: &'static str = "orm20_emps";
    type Columns = (EmpId, EmpBoss, EmpName);
    type PrimaryKey = EmpId;
}
#[derive(Clone, Copy, Debug, Default)]
pub struct EmpId;
#[derive(Clone, Copy, Debug, Default)]
pub struct EmpBoss;
#[derive(Clone, Copy, Debug, Default)]
pub struct EmpName;
impl Column for EmpId {
    type Table = Emps;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
}
impl Column for EmpBoss {
    type Table = Emps;
    type SqlType = Nullable<BigInt>;
    const NAME: &'static str = "boss_id";
    const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<EmpId>());
}
impl Column for EmpName {
    type Table = Emps;
    type SqlType = Text;
    const NAME: &'static str = "name";
}

#[derive(Debug, Clone, PartialEq)]
pub struct Emp {
    pub id: i64,
    pub boss: Option<i64>,
    pub name: String,
}
impl Model for Emp {
    type Table = Emps;
    type Columns = (EmpId, EmpBoss, EmpName);
    type Row = (i64, Option<i64>, String);
    type Key = i64;
    fn from_row((id, boss, name): Self::Row) -> Self {
        Emp { id, boss, name }
    }
    fn values(&self) -> (&i64, &Option<i64>, &String) {
        (&self.id, &self.boss, &self.name)
    }
    fn key(&self) -> i64 {
        self.id
    }
}
impl BelongsTo<Emp> for Emp {
    type ForeignKey = EmpBoss;
    fn parent_key(&self) -> Option<i64> {
        self.boss
    }
    fn set_parent_key(&mut self, key: i64) {
        self.boss = Some(key);
    }
}
impl HasMany<Emp> for Emp {}

#[test]
fn self_reference_needs_an_alias() {
    let q = select(EmpName).join_related(Emp::to_parent::<Emp>());
    assert!(matches!(
        q.to_sql(&Sqlite).as_ref().map_err(Error::kind),
        Err(ErrorKind::InvalidStatement(_))
    ));
    let q = select(EmpName).filter(Emp::to_parent::<Emp>().has(EmpName.eq("x")));
    assert!(matches!(
        q.to_sql(&Sqlite).as_ref().map_err(Error::kind),
        Err(ErrorKind::InvalidStatement(_))
    ));

    let boss = Emp::to_parent::<Emp>().alias("boss");
    let q = select((EmpName, boss.col(EmpName))).join_related(boss);
    let sql = "SELECT \"orm20_emps\".\"name\", \"boss\".\"name\" FROM \"orm20_emps\" \
               INNER JOIN \"orm20_emps\" AS \"boss\" ON \"boss\".\"id\" = \"orm20_emps\".\"boss_id\"";
    assert_eq!(q.to_sql(&Sqlite).unwrap().sql, sql);
    assert_eq!(q.to_sql(&Postgres).unwrap().sql, sql);
    assert_eq!(q.to_sql(&Mysql).unwrap().sql, sql.replace('"', "`"));

    let q = select(EmpName).filter(boss.has(boss.col(EmpName).eq("ann")));
    assert_eq!(
        q.to_sql(&Postgres).unwrap().sql,
        "SELECT \"orm20_emps\".\"name\" FROM \"orm20_emps\" WHERE EXISTS (SELECT 1 FROM \"orm20_emps\" AS \"boss\" \
         WHERE \"boss\".\"id\" = \"orm20_emps\".\"boss_id\" AND \"boss\".\"name\" = $1)"
    );
    let reports = Emp::to_children::<Emp>().alias("r");
    let q = select(EmpName).filter(not(reports.exists()));
    assert_eq!(
        q.to_sql(&Sqlite).unwrap().sql,
        "SELECT \"orm20_emps\".\"name\" FROM \"orm20_emps\" WHERE NOT EXISTS (SELECT 1 FROM \"orm20_emps\" AS \"r\" \
         WHERE \"r\".\"boss_id\" = \"orm20_emps\".\"id\")"
    );
}

fn self_reference_rows<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    create_all::<Emps>(&mut *conn)?;
    for (id, boss, name) in [(1, None, "ann"), (2, Some(1), "bea"), (3, Some(2), "cy")] {
        insert_into(Emps)
            .values((EmpId.set(id), EmpBoss.set(boss), EmpName.set(name)))
            .execute(&mut *conn)?;
    }
    let boss = Emp::to_parent::<Emp>().alias("boss");
    let pairs: Vec<(String, String)> = select((EmpName, boss.col(EmpName)))
        .join_related(boss)
        .order_by(EmpName.asc())
        .load(&mut *conn)?;
    assert_eq!(
        pairs,
        [("bea", "ann"), ("cy", "bea")].map(|(a, b)| (a.into(), b.into()))
    );
    let leaves: Vec<String> = select(EmpName)
        .filter(not(Emp::to_children::<Emp>().alias("r").exists()))
        .load(&mut *conn)?;
    assert_eq!(leaves, ["cy"]);
    let under_ann: Vec<String> = select(EmpName)
        .filter(boss.has(boss.col(EmpName).eq("ann")))
        .load(&mut *conn)?;
    assert_eq!(under_ann, ["bea"]);
    Ok(())
}

on_all_backends!(self_reference_rows);
