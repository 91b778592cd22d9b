//! Reflection: a live schema read into run-time tables that the algebra
//! queries, on every backend.

mod common;

use common::on_all_backends;
use sqlalgebra::prelude::*;
use sqlalgebra::query::Value;
use sqlalgebra::schema::reflect;
use sqlalgebra::types::SqlKind;
use sqlalgebra::{Backend, Engine, Result};

#[derive(Clone, Copy, Debug, Default)]
struct Books;
impl Table for Books {
    const NAME: &'static str = "books";
    type Columns = (books::Id, books::Title, books::Pages, books::Note);
    type PrimaryKey = books::Id;
}
mod books {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Title;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Pages;
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct Note;
    impl Column for Id {
        type Table = super::Books;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for Title {
        type Table = super::Books;
        type SqlType = Varchar<80>;
        const NAME: &'static str = "title";
    }
    impl Column for Pages {
        type Table = super::Books;
        type SqlType = Integer;
        const NAME: &'static str = "pages";
    }
    impl Column for Note {
        type Table = super::Books;
        type SqlType = Nullable<Text>;
        const NAME: &'static str = "note";
    }
}

fn reflects_and_queries<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut c = engine.connect()?;
    create_all::<Books>(&mut c)?;
    insert_into(Books)
        .values(vec![
            (
                books::Title.set("Dune"),
                books::Pages.set(412),
                books::Note.set(Some("classic")),
            ),
            (
                books::Title.set("Emma"),
                books::Pages.set(474),
                books::Note.set(None::<&str>),
            ),
            (
                books::Title.set("Ubik"),
                books::Pages.set(202),
                books::Note.set(Some("short")),
            ),
        ])
        .execute(&mut c)?;

    let meta = reflect(&mut c)?;
    let t = meta.table("books")?;
    let names: Vec<&str> = t.column_defs().iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["id", "title", "pages", "note"]);
    assert_eq!(t.primary_key(), ["id"]);
    let nullable: Vec<bool> = t.column_defs().iter().map(|d| d.nullable).collect();
    assert_eq!(nullable, [false, false, false, true]);
    let kinds: Vec<Option<SqlKind>> = t.column_defs().iter().map(|d| d.kind).collect();
    assert_eq!(
        kinds[1],
        Some(SqlKind::Varchar(80)),
        "{:?}",
        t.column_defs()[1]
    );
    assert_eq!(
        kinds[3],
        Some(SqlKind::Text).or(kinds[3]),
        "note is text of some kind"
    );
    assert!(
        matches!(kinds[2], Some(SqlKind::Integer)),
        "{:?}",
        t.column_defs()[2]
    );
    assert!(meta.table("nope").is_err());
    assert!(t.col("nope").is_err());

    // The reflected columns in the typed algebra: filters, ordering, loads.
    let rows: Vec<Vec<Value>> = select(t.columns())
        .filter(t.col("pages")?.gt(300))
        .order_by(t.col("title")?.desc())
        .load(&mut c)?;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][1], Value::Text("Emma".into()));
    assert_eq!(rows[0][3], Value::Null);
    assert_eq!(rows[1][2], Value::Int(412));

    let titles: Vec<String> = select(t.col("title")?)
        .filter(
            t.col("note")?
                .is_not_null()
                .and(t.col("title")?.starts_with("U")),
        )
        .load(&mut c)?;
    assert_eq!(titles, ["Ubik"]);

    let (n, pages): (i64, Option<i64>) = select((count_star(), sum(t.col("pages")?)))
        .filter(t.col("title")?.ne("Dune"))
        .get(&mut c)?;
    assert_eq!((n, pages), (2, Some(676)));

    // The same rows as through the hand-written schema.
    let typed: Vec<(i64, String)> = select((books::Id, books::Title))
        .order_by(books::Id)
        .load(&mut c)?;
    let dynamic: Vec<(i64, String)> = select((t.col("id")?, t.col("title")?))
        .order_by(t.col("id")?)
        .load(&mut c)?;
    assert_eq!(typed, dynamic);

    // A value of the wrong type is refused when the row arrives.
    let wrong = select(t.col("title")?).load::<i64, _>(&mut c);
    assert!(
        matches!(
            wrong.as_ref().map_err(sqlalgebra::Error::kind),
            Err(sqlalgebra::ErrorKind::Decode { .. })
        ),
        "{wrong:?}"
    );
    Ok(())
}

on_all_backends!(reflects_and_queries);
