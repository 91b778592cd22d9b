//! What TPC-H needed that the algebra lacked, filled in: exact SQL in
//! SQLite, PostgreSQL and MySQL, and execution on SQLite.
//!
//! - composite foreign keys (`lineitem (l_partkey, l_suppkey)` references
//!   `partsupp (ps_partkey, ps_suppkey)`): `Table::FOREIGN_KEYS` with
//!   `foreign_key::<(A, B), (X, Y)>()`.

use sqlalgebra::prelude::*;
use sqlalgebra::render::Dialect;
use sqlalgebra::schema::{CompositeForeignKey, create_table};
use sqlalgebra::{ConstraintKind, Error};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

const DIALECTS: [&dyn Dialect; 3] = [&Sqlite, &Postgres, &Mysql];

#[derive(Clone, Copy, Debug, Default)]
struct Stock;
impl Table for Stock {
    const NAME: &'static str = "stock";
    type Columns = (stock::Part, stock::Supp, stock::Qty);
    type PrimaryKey = (stock::Part, stock::Supp);
}
mod stock {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Part;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Supp;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Qty;
    impl Column for Part {
        type Table = super::Stock;
        type SqlType = BigInt;
        const NAME: &'static str = "part";
    }
    impl Column for Supp {
        type Table = super::Stock;
        type SqlType = BigInt;
        const NAME: &'static str = "supp";
    }
    impl Column for Qty {
        type Table = super::Stock;
        type SqlType = Integer;
        const NAME: &'static str = "qty";
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Line;
impl Table for Line {
    const NAME: &'static str = "line";
    type Columns = (line::Id, line::Part, line::Supp);
    type PrimaryKey = line::Id;
    const FOREIGN_KEYS: &'static [CompositeForeignKey] = &[foreign_key::<
        (line::Part, line::Supp),
        (stock::Part, stock::Supp),
    >()
    .on_delete(ReferentialAction::Cascade)];
}
mod line {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Part;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Supp;
    impl Column for Id {
        type Table = super::Line;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    impl Column for Part {
        type Table = super::Line;
        type SqlType = BigInt;
        const NAME: &'static str = "part";
    }
    impl Column for Supp {
        type Table = super::Line;
        type SqlType = Text;
        const NAME: &'static str = "supp";
    }
}

/// A foreign key whose two sides differ in length.
#[derive(Clone, Copy, Debug, Default)]
struct Lopsided;
impl Table for Lopsided {
    const NAME: &'static str = "lopsided";
    type Columns = line::Id;
    type PrimaryKey = line::Id;
    const FOREIGN_KEYS: &'static [CompositeForeignKey] =
        &[foreign_key::<line::Id, (stock::Part, stock::Supp)>()];
}

#[test]
fn composite_foreign_key_ddl_in_three_dialects() {
    let got: Vec<Vec<String>> = DIALECTS
        .iter()
        .map(|d| create_table::<Line>().statements(*d).unwrap())
        .collect();
    assert_eq!(
        got[0],
        [
            r#"CREATE TABLE IF NOT EXISTS "line" ("id" BIGINT NOT NULL, "part" BIGINT NOT NULL, "supp" TEXT NOT NULL, PRIMARY KEY ("id"), FOREIGN KEY ("part", "supp") REFERENCES "stock" ("part", "supp") ON DELETE CASCADE)"#
        ]
    );
    assert_eq!(
        got[1],
        [
            r#"CREATE TABLE IF NOT EXISTS "line" ("id" BIGINT NOT NULL, "part" BIGINT NOT NULL, "supp" TEXT NOT NULL, PRIMARY KEY ("id"), FOREIGN KEY ("part", "supp") REFERENCES "stock" ("part", "supp") ON DELETE CASCADE)"#
        ]
    );
    // MySQL cannot key an unbounded TEXT: a column in a foreign key is a
    // VARCHAR(255) there, as in any other key.
    assert_eq!(
        got[2],
        [
            "CREATE TABLE IF NOT EXISTS `line` (`id` BIGINT NOT NULL, `part` BIGINT NOT NULL, `supp` VARCHAR(255) NOT NULL, PRIMARY KEY (`id`), FOREIGN KEY (`part`, `supp`) REFERENCES `stock` (`part`, `supp`) ON DELETE CASCADE)"
        ]
    );
}

#[test]
fn composite_foreign_key_of_unequal_sides_is_refused() {
    for d in DIALECTS {
        let err = create_table::<Lopsided>().statements(d).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidStatement(m) if m.contains("1 column(s) to 2 column(s) of `stock`")),
            "{err}"
        );
    }
}

#[test]
fn composite_foreign_key_orders_tables_and_is_enforced_on_sqlite() -> sqlalgebra::Result<()> {
    let engine = Sqlite::memory()?;
    let mut c = engine.connect()?;
    // The child first: create_all puts the referenced table before it.
    create_all::<(Line, Stock)>(&mut c)?;
    insert_into(Stock)
        .values((stock::Part.set(1), stock::Supp.set(7), stock::Qty.set(5)))
        .execute(&mut c)?;
    // `supp` is TEXT in `line`: SQLite compares '7' with 7 by affinity.
    insert_into(Line)
        .values((line::Id.set(1), line::Part.set(1), line::Supp.set("7")))
        .execute(&mut c)?;
    let err = insert_into(Line)
        .values((line::Id.set(2), line::Part.set(1), line::Supp.set("8")))
        .execute(&mut c)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Constraint {
                kind: ConstraintKind::ForeignKey,
                ..
            }
        ),
        "{err}"
    );
    delete_from(Stock).execute(&mut c)?;
    let left: i64 = select(count_star()).from(Line).get(&mut c)?;
    assert_eq!(left, 0, "ON DELETE CASCADE");
    Ok(())
}
