//! SQL enums (`Enum<E>` columns of a `SqlEnum`): the DDL and SQL on the
//! three dialects, and the rows they store, select and change on the three
//! backends, with labels holding quotes, backslashes, commas and `$`.

#![allow(missing_docs)] // test-only schema

mod common;
use common::{expect_err, on_all_backends};

use sqlalgebra::expr::{EnumValue, TakesValue, enum_or_null};
use sqlalgebra::prelude::*;
use sqlalgebra::schema::{CreateTable, TableDef};
use sqlalgebra::types::SqlType;
use sqlalgebra::value::{Encode, ValueRef};
use sqlalgebra::{Backend, Engine, Error, ErrorKind, Result};

/// Labels a careless DDL writer would break.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mood {
    Happy,
    Quoted,
    Slashed,
    Listed,
    Dollar,
}
impl SqlEnum for Mood {
    const NAME: &'static str = "sqlenum_\"mood";
    const VARIANTS: &'static [Self] = &[
        Mood::Happy,
        Mood::Quoted,
        Mood::Slashed,
        Mood::Listed,
        Mood::Dollar,
    ];
    const LABELS: &'static [&'static str] = &[
        "happy",
        "it's \"so\"",
        "back\\slash",
        "a, b)",
        "$e$ and $e1$",
    ];
}
#[diagnostic::do_not_recommend]
impl<ST: SqlType + TakesValue<Mood>> IntoExpr<ST> for Mood {
    type Expr = EnumValue<Mood, ST>;
    fn into_expr(self) -> Self::Expr {
        EnumValue::new(self)
    }
}

/// The same SQL type with one label more, as a newer program declares it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MoodV2 {
    Happy,
    Gloomy,
}
impl SqlEnum for MoodV2 {
    const NAME: &'static str = "sqlenum_\"mood";
    const VARIANTS: &'static [Self] = &[MoodV2::Happy, MoodV2::Gloomy];
    const LABELS: &'static [&'static str] = &["happy", "gloomy"];
}
#[diagnostic::do_not_recommend]
impl<ST: SqlType + TakesValue<MoodV2>> IntoExpr<ST> for MoodV2 {
    type Expr = EnumValue<MoodV2, ST>;
    fn into_expr(self) -> Self::Expr {
        EnumValue::new(self)
    }
}

/// With `Encode`, `MoodV2` can be an ORM model's field.
impl Encode for MoodV2 {
    fn encode(&self) -> ValueRef<'_> {
        ValueRef::Text(self.label().unwrap_or_default())
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct People;
impl Table for People {
    const NAME: &'static str = "sqlenum_people";
    type Columns = (people::Id, people::Mood, people::Was);
    type PrimaryKey = people::Id;
}
pub mod people {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::People;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Mood;
    impl Column for Mood {
        type Table = super::People;
        type SqlType = Enum<super::Mood>;
        const NAME: &'static str = "mood";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Was;
    impl Column for Was {
        type Table = super::People;
        type SqlType = Nullable<Enum<super::Mood>>;
        const NAME: &'static str = "was";
    }
}

/// `sqlenum_people` as the newer program declares it.
#[derive(Clone, Copy, Debug, Default)]
pub struct PeopleV2;
impl Table for PeopleV2 {
    const NAME: &'static str = "sqlenum_people";
    type Columns = (people_v2::Id, people_v2::Mood);
    type PrimaryKey = people_v2::Id;
}
pub mod people_v2 {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::PeopleV2;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Mood;
    impl Column for Mood {
        type Table = super::PeopleV2;
        type SqlType = Enum<super::MoodV2>;
        const NAME: &'static str = "mood";
    }
}

use people::{Id, Mood as MoodCol, Was};

fn contents<B: Backend>(
    conn: &mut sqlalgebra::Pooled<B>,
) -> Result<Vec<(i64, Mood, Option<Mood>)>> {
    select((Id, MoodCol, Was)).order_by(Id.asc()).load(conn)
}

fn stores_selects_and_changes<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    drop_all::<People>(&mut conn)?;
    create_all::<People>(&mut conn)?;
    // Twice: the type and the table exist already.
    create_all::<People>(&mut conn)?;
    for (id, mood) in Mood::VARIANTS.iter().enumerate() {
        insert_into(People)
            .values((Id.set(id as i64 + 1), MoodCol.set(*mood)))
            .execute(&mut conn)?;
    }
    let changed = update(People)
        .set(Was.set(Mood::Dollar))
        .filter(MoodCol.in_([Mood::Quoted, Mood::Slashed]))
        .execute(&mut conn)?;
    assert_eq!(changed, 2);
    use Mood::*;
    assert_eq!(
        contents(&mut conn)?,
        [
            (1, Happy, None),
            (2, Quoted, Some(Dollar)),
            (3, Slashed, Some(Dollar)),
            (4, Listed, None),
            (5, Dollar, None),
        ]
    );

    let ids: Vec<i64> = select(Id)
        .filter(MoodCol.eq(Listed).or(Was.eq(Dollar)))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(ids, [2, 3, 4]);
    let ids: Vec<i64> = select(Id)
        .filter(MoodCol.ne(Happy).and(MoodCol.not_in([Dollar, Quoted])))
        .order_by(Id.asc())
        .load(&mut conn)?;
    assert_eq!(ids, [3, 4]);
    // A column compares with a column of its enum.
    let same: Vec<i64> = select(Id).filter(Was.eq(MoodCol)).load(&mut conn)?;
    assert!(same.is_empty());

    let deleted = delete_from(People)
        .filter(MoodCol.eq(Dollar).or(Was.is_null().and(MoodCol.eq(Happy))))
        .execute(&mut conn)?;
    assert_eq!(deleted, 2);
    assert_eq!(
        contents(&mut conn)?,
        [
            (2, Quoted, Some(Dollar)),
            (3, Slashed, Some(Dollar)),
            (4, Listed, None),
        ]
    );
    // A nullable enum set from an `Option`: NULL, and a value.
    for (id, was) in [(2, None), (4, Some(Quoted))] {
        let n = update(People)
            .set(Was.set(enum_or_null(was)))
            .filter(Id.eq(id))
            .execute(&mut conn)?;
        assert_eq!(n, 1);
    }
    assert_eq!(
        contents(&mut conn)?,
        [
            (2, Quoted, None),
            (3, Slashed, Some(Dollar)),
            (4, Listed, Some(Quoted)),
        ]
    );
    Ok(())
}

/// A label the program does not know is a typed error naming the column;
/// a label the database does not know is refused by it.
fn unknown_labels<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    drop_all::<People>(&mut conn)?;
    // The database is the newer program's.
    create_all::<PeopleV2>(&mut conn)?;
    insert_into(PeopleV2)
        .values((people_v2::Id.set(1), people_v2::Mood.set(MoodV2::Gloomy)))
        .execute(&mut conn)?;
    let loaded: Result<Vec<Mood>> = select(MoodCol).load(&mut conn);
    let err = expect_err(loaded);
    match err.into_kind() {
        ErrorKind::Decode { column, message } => {
            assert_eq!(column, "mood");
            assert!(message.contains("\"gloomy\" is not a label"), "{message}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    let stored: Vec<MoodV2> = select(people_v2::Mood).load(&mut conn)?;
    assert_eq!(stored, [MoodV2::Gloomy]);
    // The database refuses a label its type does not have.
    expect_err(
        insert_into(People)
            .values((Id.set(2), MoodCol.set(Mood::Slashed)))
            .execute(&mut conn),
    );
    let count: Vec<i64> = select(count_star()).from(People).load(&mut conn)?;
    assert_eq!(count, [1]);
    Ok(())
}

/// `drop_all` drops the type too: a new declaration of it is then created
/// with its own labels.
fn drop_all_drops_the_type<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    drop_all::<People>(&mut conn)?;
    create_all::<People>(&mut conn)?;
    drop_all::<People>(&mut conn)?;
    create_all::<PeopleV2>(&mut conn)?;
    insert_into(PeopleV2)
        .values((people_v2::Id.set(7), people_v2::Mood.set(MoodV2::Gloomy)))
        .execute(&mut conn)?;
    let rows: Vec<(i64, MoodV2)> = select((people_v2::Id, people_v2::Mood)).load(&mut conn)?;
    assert_eq!(rows, [(7, MoodV2::Gloomy)]);
    drop_all::<PeopleV2>(&mut conn)?;
    Ok(())
}

/// A model of `PeopleV2`.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonV2 {
    id: i64,
    mood: MoodV2,
}
impl Model for PersonV2 {
    type Table = PeopleV2;
    type Columns = (people_v2::Id, people_v2::Mood);
    type Row = (i64, MoodV2);
    type Key = i64;
    fn from_row((id, mood): Self::Row) -> Self {
        PersonV2 { id, mood }
    }
    fn values(&self) -> (&i64, &MoodV2) {
        (&self.id, &self.mood)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
}

/// An enum field of an ORM model: inserted, loaded, changed.
fn orm_model_fields<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    drop_all::<People>(&mut conn)?;
    create_all::<PeopleV2>(&mut conn)?;
    {
        let mut s = Session::new(&mut *conn);
        s.add(PersonV2 {
            id: 1,
            mood: MoodV2::Happy,
        });
        s.add(PersonV2 {
            id: 2,
            mood: MoodV2::Gloomy,
        });
        s.commit()?;
    }
    {
        let mut s = Session::new(&mut *conn);
        let one = s.get::<PersonV2>(1)?.expect("row 1");
        assert_eq!(s[one].mood, MoodV2::Happy);
        s.edit(one).mood = MoodV2::Gloomy;
        s.commit()?;
    }
    let rows: Vec<(i64, MoodV2)> = select((people_v2::Id, people_v2::Mood))
        .order_by(people_v2::Id.asc())
        .load(&mut conn)?;
    assert_eq!(rows, [(1, MoodV2::Gloomy), (2, MoodV2::Gloomy)]);
    drop_all::<PeopleV2>(&mut conn)?;
    Ok(())
}

/// `sqlenum_bags`: an array of an enum (PostgreSQL only).
#[derive(Clone, Copy, Debug, Default)]
pub struct Bags;
impl Table for Bags {
    const NAME: &'static str = "sqlenum_bags";
    type Columns = (bags::Id, bags::Moods);
    type PrimaryKey = bags::Id;
}
pub mod bags {
    use sqlalgebra::prelude::*;
    use sqlalgebra::types::Array;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::Bags;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Moods;
    impl Column for Moods {
        type Table = super::Bags;
        type SqlType = Array<Enum<super::MoodV2>>;
        const NAME: &'static str = "moods";
    }
}

/// An array of an enum: `create_all` creates the enum first; the array
/// binds and loads as a `Vec` of the enum, and `any` compares a label.
#[test]
fn postgres_array_of_enum() -> Result<()> {
    use sqlalgebra::expr::ArrayExpressionMethods;
    let Some(engine) = common::postgres("array_of_enum") else {
        return Ok(());
    };
    let mut conn = engine.connect()?;
    drop_all::<Bags>(&mut conn)?;
    create_all::<Bags>(&mut conn)?;
    for (id, moods) in [(1, vec![MoodV2::Gloomy, MoodV2::Happy]), (2, vec![])] {
        insert_into(Bags)
            .values((bags::Id.set(id), bags::Moods.set(moods)))
            .execute(&mut conn)?;
    }
    let gloomy: Vec<(i64, Vec<MoodV2>)> = select((bags::Id, bags::Moods))
        .filter(bags::Moods.any(MoodV2::Gloomy))
        .load(&mut conn)?;
    assert_eq!(gloomy, [(1, vec![MoodV2::Gloomy, MoodV2::Happy])]);
    drop_all::<Bags>(&mut conn)?;
    Ok(())
}

on_all_backends!(
    stores_selects_and_changes,
    unknown_labels,
    drop_all_drops_the_type,
    orm_model_fields
);

#[test]
fn ddl_on_three_dialects() {
    let ddl = |d: &dyn sqlalgebra::render::Dialect| {
        CreateTable::new(TableDef::of::<People>())
            .statements(d)
            .unwrap()
    };
    assert_eq!(
        ddl(&sqlalgebra_postgres::Postgres),
        [
            "CREATE TABLE IF NOT EXISTS \"sqlenum_people\" (\"id\" BIGINT NOT NULL, \
          \"mood\" \"sqlenum_\"\"mood\" NOT NULL, \"was\" \"sqlenum_\"\"mood\", PRIMARY KEY (\"id\"))"
        ]
    );
    assert_eq!(
        ddl(&sqlalgebra_sqlite::Sqlite),
        [
            "CREATE TABLE IF NOT EXISTS \"sqlenum_people\" (\"id\" BIGINT NOT NULL, \
          \"mood\" TEXT NOT NULL CHECK (\"mood\" IN ('happy', 'it''s \"so\"', 'back\\slash', 'a, b)', '$e$ and $e1$')), \
          \"was\" TEXT CHECK (\"was\" IN ('happy', 'it''s \"so\"', 'back\\slash', 'a, b)', '$e$ and $e1$')), \
          PRIMARY KEY (\"id\"))"
        ]
    );
    assert_eq!(
        ddl(&sqlalgebra_mysql::Mysql),
        [
            "CREATE TABLE IF NOT EXISTS `sqlenum_people` (`id` BIGINT NOT NULL, \
          `mood` ENUM('happy', 'it''s \"so\"', 'back\\\\slash', 'a, b)', '$e$ and $e1$') NOT NULL, \
          `was` ENUM('happy', 'it''s \"so\"', 'back\\\\slash', 'a, b)', '$e$ and $e1$'), PRIMARY KEY (`id`))"
        ]
    );
}

#[test]
fn binds_labels_on_three_dialects() {
    let q = select(Id).filter(
        MoodCol
            .eq(Mood::Quoted)
            .and(Was.in_([Mood::Happy, Mood::Dollar])),
    );
    let pg = q.to_sql(&sqlalgebra_postgres::Postgres).unwrap();
    assert_eq!(
        pg.sql,
        "SELECT \"sqlenum_people\".\"id\" FROM \"sqlenum_people\" \
         WHERE \"sqlenum_people\".\"mood\" = $1 AND \"sqlenum_people\".\"was\" = ANY($2)"
    );
    assert_eq!(
        format!("{:?}", pg.binds),
        "[Text(\"it's \\\"so\\\"\"), Array(2), Text(\"happy\"), Text(\"$e$ and $e1$\")]"
    );
    let sqlite = q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap();
    assert_eq!(
        sqlite.sql,
        "SELECT \"sqlenum_people\".\"id\" FROM \"sqlenum_people\" \
         WHERE \"sqlenum_people\".\"mood\" = ? AND \"sqlenum_people\".\"was\" IN (?, ?)"
    );
    let mysql = q.to_sql(&sqlalgebra_mysql::Mysql).unwrap();
    assert_eq!(
        mysql.sql,
        "SELECT `sqlenum_people`.`id` FROM `sqlenum_people` \
         WHERE `sqlenum_people`.`mood` = ? AND `sqlenum_people`.`was` IN (?, ?)"
    );
    assert_eq!(format!("{:?}", mysql.binds), format!("{:?}", sqlite.binds));
}

/// A variant left out of `VARIANTS` is refused before anything is sent.
#[test]
fn unlisted_variant_is_refused() {
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Partial {
        Listed,
        Forgotten,
    }
    impl SqlEnum for Partial {
        const NAME: &'static str = "partial";
        const VARIANTS: &'static [Self] = &[Partial::Listed];
        const LABELS: &'static [&'static str] = &["listed"];
    }
    let ok = select(EnumValue::<_, Enum<Partial>>::new(Partial::Listed));
    assert!(ok.to_sql(&sqlalgebra_sqlite::Sqlite).is_ok());
    let q = select(EnumValue::<_, Enum<Partial>>::new(Partial::Forgotten));
    assert!(matches!(
        q.to_sql(&sqlalgebra_sqlite::Sqlite).as_ref().map_err(Error::kind),
        Err(ErrorKind::InvalidStatement(m)) if m.contains("`partial`")
    ));
}
