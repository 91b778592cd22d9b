//! The table the GROUP BY tests share (`tests/grouping*.rs`).
#![allow(dead_code, unreachable_pub)]

use sqlalgebra::prelude::*;
use sqlalgebra::value::Row;
use sqlalgebra::{Backend, Connection, Engine, Result};

/// `gb_people`: a name, an age and a department per person.
#[derive(Clone, Copy, Debug, Default)]
pub struct People;
impl Table for People {
    const NAME: &'static str = "gb_people";
    type Columns = (people::Id, people::Name, people::Age, people::Dept);
    type PrimaryKey = people::Id;
}

/// Columns of `gb_people`.
pub mod people {
    use sqlalgebra::prelude::*;

    macro_rules! columns {
        ($($col:ident: $st:ty = $name:literal;)*) => {$(
            /// A column of `gb_people`.
            #[derive(Clone, Copy, Debug, Default)]
            pub struct $col;
            impl Column for $col {
                type Table = super::People;
                type SqlType = $st;
                const NAME: &'static str = $name;
            }
        )*};
    }
    columns! {
        Id: BigInt = "id";
        Name: Varchar<20> = "name";
        Age: BigInt = "age";
        Dept: Varchar<10> = "dept";
    }
}

/// A connection with `gb_people` filled: ages 20 and 25 are "young", 40
/// "old"; departments "eng" and "ops".
pub fn people_table<B: Backend>(engine: &Engine<B>) -> Result<sqlalgebra::Pooled<B>> {
    let mut conn = engine.connect()?;
    if conn.dialect().name() == "mysql" {
        // What users with a strict server see: the engine's sessions refuse
        // ungrouped columns. Checked, so the test cannot pass without it.
        let mut mode = String::new();
        conn.query_sql("SELECT @@SESSION.sql_mode", &[], |row| {
            mode = row.take_string(0)?.unwrap_or_default();
            Ok(true)
        })?;
        assert!(mode.contains("ONLY_FULL_GROUP_BY"), "sql_mode {mode}");
    }
    sqlalgebra::schema::create_all::<People>(&mut conn)?;
    insert_into(People)
        .values([
            (
                people::Id.set(1),
                people::Name.set("ann"),
                people::Age.set(20),
                people::Dept.set("eng"),
            ),
            (
                people::Id.set(2),
                people::Name.set("bob"),
                people::Age.set(40),
                people::Dept.set("eng"),
            ),
            (
                people::Id.set(3),
                people::Name.set("cat"),
                people::Age.set(25),
                people::Dept.set("ops"),
            ),
            (
                people::Id.set(4),
                people::Name.set("dan"),
                people::Age.set(40),
                people::Dept.set("ops"),
            ),
            (
                people::Id.set(5),
                people::Name.set("eve"),
                people::Age.set(20),
                people::Dept.set("eng"),
            ),
        ])
        .execute(&mut conn)?;
    Ok(conn)
}
