//! What TPC-H needed that the algebra lacked, filled in: exact SQL in
//! SQLite, PostgreSQL and MySQL, and execution on SQLite.
//!
//! - composite foreign keys (`lineitem (l_partkey, l_suppkey)` references
//!   `partsupp (ps_partkey, ps_suppkey)`): `Table::FOREIGN_KEYS` with
//!   `foreign_key::<(A, B), (X, Y)>()`;
//! - ordering by a label (`ORDER BY revenue DESC`): a labelled expression
//!   is `expr AS "n"` in the SELECT list, `"n"` in ORDER BY and the bare
//!   expression anywhere else (before, `order_by(label)` and
//!   `filter(label.gt(..))` rendered `expr AS "n"` there: invalid SQL).

use sqlalgebra::prelude::*;
use sqlalgebra::render::{Dialect, Statement};
use sqlalgebra::schema::{CompositeForeignKey, create_table};
use sqlalgebra::{ConstraintKind, ErrorKind};
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
            matches!(err.kind(), ErrorKind::InvalidStatement(m) if m.contains("1 column(s) to 2 column(s) of `stock`")),
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
            err.kind(),
            ErrorKind::Constraint {
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

fn sql3<S: Statement>(s: &S) -> [String; 3] {
    DIALECTS.map(|d| s.to_sql(d).unwrap().sql)
}

#[test]
fn order_by_a_label_writes_its_name() {
    let total = sum(stock::Qty).label("total");
    let q = select((stock::Part, total))
        .group_by(stock::Part)
        .having(total.gt(10))
        .order_by((total.desc(), stock::Part));
    let [s, p, m] = sql3(&q);
    assert_eq!(
        s,
        r#"SELECT "stock"."part", SUM("stock"."qty") AS "total" FROM "stock" GROUP BY "stock"."part" HAVING SUM("stock"."qty") > ? ORDER BY "total" DESC, "stock"."part""#
    );
    assert_eq!(
        p,
        r#"SELECT "stock"."part", SUM("stock"."qty") AS "total" FROM "stock" GROUP BY "stock"."part" HAVING SUM("stock"."qty") > $1 ORDER BY "total" DESC, "stock"."part""#
    );
    assert_eq!(
        m,
        "SELECT `stock`.`part`, SUM(`stock`.`qty`) AS `total` FROM `stock` GROUP BY `stock`.`part` HAVING SUM(`stock`.`qty`) > ? ORDER BY `total` DESC, `stock`.`part`"
    );
}

#[test]
fn a_label_outside_select_and_order_by_is_the_bare_expression() {
    // In WHERE, keeping the operator precedence of what it labels.
    let next = stock::Qty.add(1).label("next");
    let q = select((stock::Part, next)).filter(next.mul(2).gt(9));
    let [s, p, m] = sql3(&q);
    assert_eq!(
        s,
        r#"SELECT "stock"."part", "stock"."qty" + ? AS "next" FROM "stock" WHERE ("stock"."qty" + ?) * ? > ?"#
    );
    assert_eq!(
        p,
        r#"SELECT "stock"."part", "stock"."qty" + $1 AS "next" FROM "stock" WHERE ("stock"."qty" + $2) * $3 > $4"#
    );
    assert_eq!(
        m,
        "SELECT `stock`.`part`, `stock`.`qty` + ? AS `next` FROM `stock` WHERE (`stock`.`qty` + ?) * ? > ?"
    );
    // In GROUP BY, and inside an ORDER BY expression (PostgreSQL does not
    // resolve output names inside expressions).
    let part = stock::Part.label("p");
    let q = select((part, count_star().label("n")))
        .group_by(part)
        .order_by(part.add(0));
    assert_eq!(
        q.to_sql(&Postgres).unwrap().sql,
        r#"SELECT "stock"."part" AS "p", COUNT(*) AS "n" FROM "stock" GROUP BY "stock"."part" ORDER BY "stock"."part" + $1"#
    );
}

#[test]
fn labels_in_order_by_of_compounds_boxed_selects_and_nulls_ordering() {
    let n = count_star().label("n");
    let q = select((stock::Part, n))
        .group_by(stock::Part)
        .union(select((stock::Supp, n)).group_by(stock::Supp))
        .order_by(n.desc());
    let [s, _, m] = sql3(&q);
    assert!(
        s.ends_with(r#"GROUP BY "stock"."supp" ORDER BY "n" DESC"#),
        "{s}"
    );
    assert!(
        m.ends_with("GROUP BY `stock`.`supp` ORDER BY `n` DESC"),
        "{m}"
    );

    let q = select((stock::Part, n))
        .group_by(stock::Part)
        .boxed()
        .order_by(n.desc());
    assert_eq!(
        q.to_sql(&Sqlite).unwrap().sql,
        r#"SELECT "stock"."part", COUNT(*) AS "n" FROM "stock" GROUP BY "stock"."part" ORDER BY "n" DESC"#
    );

    // MySQL has no NULLS FIRST: the IS NULL test takes the expression, the
    // ordering itself the name. (DESC NULLS LAST is MySQL's own order: no
    // test there.)
    let top = max(stock::Qty).label("top");
    let q = select((stock::Part, top))
        .group_by(stock::Part)
        .order_by(top.desc().nulls_first());
    let [s, p, m] = sql3(&q);
    assert!(s.ends_with(r#"ORDER BY "top" DESC NULLS FIRST"#), "{s}");
    assert!(p.ends_with(r#"ORDER BY "top" DESC NULLS FIRST"#), "{p}");
    assert!(
        m.ends_with("ORDER BY MAX(`stock`.`qty`) IS NULL DESC, `top` DESC"),
        "{m}"
    );
    let q = select((stock::Part, top))
        .group_by(stock::Part)
        .order_by(top.desc().nulls_last());
    assert!(sql3(&q)[2].ends_with("ORDER BY `top` DESC"));
}

#[test]
fn labels_in_returning_keep_their_names() {
    let q = delete_from(Stock).returning((stock::Part, stock::Qty.mul(2).label("twice")));
    assert_eq!(
        q.to_sql(&Postgres).unwrap().sql,
        r#"DELETE FROM "stock" RETURNING "part", "qty" * $1 AS "twice""#
    );
}

#[test]
fn ordering_by_a_label_runs_on_sqlite() -> sqlalgebra::Result<()> {
    let engine = Sqlite::memory()?;
    let mut c = engine.connect()?;
    create_all::<Stock>(&mut c)?;
    insert_into(Stock)
        .values(vec![
            (stock::Part.set(1), stock::Supp.set(1), stock::Qty.set(5)),
            (stock::Part.set(1), stock::Supp.set(2), stock::Qty.set(1)),
            (stock::Part.set(2), stock::Supp.set(1), stock::Qty.set(9)),
            (stock::Part.set(3), stock::Supp.set(1), stock::Qty.set(2)),
            (stock::Part.set(3), stock::Supp.set(2), stock::Qty.set(2)),
        ])
        .execute(&mut c)?;
    let total = sum(stock::Qty).label("total");
    let rows: Vec<(i64, Option<i64>)> = select((stock::Part, total))
        .group_by(stock::Part)
        .having(total.gt(3))
        .order_by((total.desc(), stock::Part))
        .load(&mut c)?;
    assert_eq!(rows, [(2, Some(9)), (1, Some(6)), (3, Some(4))]);
    Ok(())
}
