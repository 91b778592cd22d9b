//! `print-schema` round trip on the three backends: a schema written by
//! hand is created, inspected and printed; the printed code (checked in
//! under `tests/printed/`, compiled into this test) must be exactly what
//! `print` writes now, and creating its `AllTables` in a second database
//! must give the same schema when inspected again.
//!
//! After a deliberate change to the printer, write the files anew with
//! `UPDATE_PRINTED=1 cargo test -p sqlalgebra-cli --test print_schema`.
#![allow(unreachable_pub, dead_code, missing_docs)]

#[path = "../../tests/common/mod.rs"]
mod common;
#[path = "../../tests/orm_schema/mod.rs"]
mod orm_schema;
mod printed;

use sqlalgebra::prelude::*;
use sqlalgebra::schema::Index;
use sqlalgebra::{Connection, Result};
use sqlalgebra_cli::{Schema, inspect, print};

/// A table with the column types and constraints the ORM schema lacks.
#[derive(Clone, Copy, Debug, Default)]
pub struct Kinds;
impl Table for Kinds {
    const NAME: &'static str = "cli_kinds";
    type Columns = (
        kinds::Id,
        kinds::Flag,
        kinds::Ratio,
        kinds::Data,
        kinds::Seen,
        kinds::Price,
        kinds::Doc,
        kinds::Code,
        kinds::Region,
        kinds::Hits,
    );
    type PrimaryKey = kinds::Id;
    const INDEXES: &'static [Index] = &[
        unique_index::<(kinds::Region, kinds::Code)>("uq_cli_kinds_region_code"),
        index::<kinds::Seen>("ix_cli_kinds_seen"),
    ];
}
pub mod kinds {
    use sqlalgebra::prelude::*;
    macro_rules! column {
        ($name:ident, $sql:ty, $col:literal $(; $($k:ident: $t:ty = $v:expr),*)?) => {
            #[derive(Clone, Copy, Debug, Default)]
            pub struct $name;
            impl Column for $name {
                type Table = super::Kinds;
                type SqlType = $sql;
                const NAME: &'static str = $col;
                $($(const $k: $t = $v;)*)?
            }
        };
    }
    column!(Id, BigInt, "id"; AUTOINCREMENT: bool = true);
    column!(Flag, Bool, "flag"; DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Bool(true)));
    column!(Ratio, Nullable<Double>, "ratio");
    column!(Data, Nullable<Blob>, "data");
    column!(Seen, Nullable<Timestamp>, "seen"; DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Now));
    column!(Price, Nullable<Numeric>, "price");
    column!(Doc, Nullable<Json>, "doc");
    column!(Code, Varchar<12>, "code");
    column!(Region, Varchar<12>, "region"; DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Text("eu 'west'")));
    column!(Hits, Integer, "type"; DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Int(0)));
}

/// Creates the hand-written schema in `source`, checks the printed code
/// against `tests/printed/<name>.rs`, creates the printed schema in `copy`
/// with `create_printed`, and compares what both inspect to.
fn round_trip<C: Connection>(
    name: &str,
    source: &mut C,
    copy: &mut C,
    create_printed: impl FnOnce(&mut C) -> Result<()>,
) -> Result<()> {
    orm_schema::setup(source)?;
    drop_all::<Kinds>(source)?;
    create_all::<Kinds>(source)?;
    let schema = inspect(source)?;
    assert_eq!(schema.tables.len(), 9, "{schema:#?}");
    let code = print(&schema);

    let path = format!("{}/tests/printed/{name}.rs", env!("CARGO_MANIFEST_DIR"));
    if std::env::var("UPDATE_PRINTED").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &code).expect("write the printed schema");
    }
    let checked_in = std::fs::read_to_string(&path).expect("read the printed schema");
    // rustfmt may be absent where this runs: compare the tokens' text only.
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    assert_eq!(
        squash(&code),
        squash(&checked_in),
        "print-schema's output changed; if that is meant, run with UPDATE_PRINTED=1:\n{code}"
    );

    create_printed(copy)?;
    let again: Schema = inspect(copy)?;
    assert_eq!(
        same_types(again.clone()),
        same_types(schema),
        "the printed schema creates the same tables"
    );
    assert_eq!(print(&again), code);
    Ok(())
}

/// SQLite's INTEGER and BIGINT are one type there (64-bit integers), both
/// printed as `BigInt`, which creates BIGINT.
fn same_types(mut schema: Schema) -> Schema {
    if schema.dialect == "sqlite" {
        for c in schema.tables.iter_mut().flat_map(|t| t.columns.iter_mut()) {
            if c.type_name == "INTEGER" && !c.autoincrement {
                c.type_name = "BIGINT".into();
            }
        }
    }
    schema
}

#[test]
fn sqlite_round_trip() -> Result<()> {
    let (a, b) = (common::sqlite("source"), common::sqlite("copy"));
    round_trip("sqlite", &mut a.connect()?, &mut b.connect()?, |c| {
        create_all::<printed::sqlite::AllTables>(c)
    })?;
    // The printed models work: insert through a session, read back.
    use printed::sqlite::*;
    let mut conn = b.connect()?;
    let id = {
        let mut s = Session::new(&mut conn);
        let author = s.add(OrmAuthor {
            id: 0,
            name: "ann".into(),
            email: None,
        });
        s.flush()?;
        let id = s.try_get(author).expect("added").id;
        s.add(OrmBook {
            id: 0,
            author_id: id,
            title: "t".into(),
            pages: 3,
        });
        s.commit()?;
        id
    };
    let titles: Vec<String> = select(orm_books::Title)
        .filter(orm_books::AuthorId.eq(id))
        .load(&mut conn)?;
    assert_eq!(titles, ["t"]);
    Ok(())
}

#[test]
fn postgres_round_trip() -> Result<()> {
    let (Some(a), Some(b)) = (common::postgres("source"), common::postgres("copy")) else {
        return Ok(());
    };
    round_trip("postgres", &mut a.connect()?, &mut b.connect()?, |c| {
        create_all::<printed::postgres::AllTables>(c)
    })
}

#[test]
fn mysql_round_trip() -> Result<()> {
    let (Some(a), Some(b)) = (common::mysql("source"), common::mysql("copy")) else {
        return Ok(());
    };
    round_trip("mysql", &mut a.connect()?, &mut b.connect()?, |c| {
        create_all::<printed::mysql::AllTables>(c)
    })
}

/// The program itself: usage errors, and a database it prints.
#[test]
fn command_line() {
    let bin = env!("CARGO_BIN_EXE_sqlalgebra-cli");
    let out = std::process::Command::new(bin).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage: sqlalgebra-cli print-schema"));

    let dir = std::env::temp_dir().join(format!("sqlalgebra_cli_{}.db", std::process::id()));
    let _ = std::fs::remove_file(&dir);
    {
        let engine = sqlalgebra_sqlite::Sqlite::open(&dir).expect("open");
        let mut conn = engine.connect().expect("connect");
        conn.batch_execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
            .expect("create");
    }
    let out = std::process::Command::new(bin)
        .args(["print-schema", &format!("sqlite:{}", dir.display())])
        .output()
        .expect("run");
    let _ = std::fs::remove_file(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = String::from_utf8(out.stdout).expect("utf-8");
    assert!(code.contains("impl Model for Note {"), "{code}");

    let out = std::process::Command::new(bin)
        .args(["print-schema", "redis://127.0.0.1"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown database URL"));
}
