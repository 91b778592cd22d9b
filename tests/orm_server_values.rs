//! Values the server computes, on every backend: non-`Option` fields left
//! to their server DEFAULT at INSERT (`Model::server_defaults`, read back
//! with RETURNING in the batched INSERT, else a SELECT) and SQL set by
//! every UPDATE (`Model::on_update`: `now()`, `edits + 1`), read back
//! after it; with the statements each sends and the table afterwards.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate
#![allow(missing_docs)] // test schema

mod common;

use common::on_all_backends;
use sqlalgebra::engine::Backend;
use sqlalgebra::hooks::Hooked;
use sqlalgebra::orm::OnUpdate;
use sqlalgebra::prelude::*;
use sqlalgebra::schema::ColumnDefault;
use sqlalgebra::{Engine, Result};

#[derive(Clone, Copy, Debug, Default)]
pub struct Memos;
impl Table for Memos {
    const NAME: &'static str = "server_memos";
    type Columns = (
        memos::Id,
        memos::Body,
        memos::Edits,
        memos::CreatedAt,
        memos::TouchedAt,
    );
    type PrimaryKey = memos::Id;
}
pub mod memos {
    use super::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Body;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Edits;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct CreatedAt;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct TouchedAt;
    impl Column for Id {
        type Table = Memos;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for Body {
        type Table = Memos;
        type SqlType = Varchar<40>;
        const NAME: &'static str = "body";
    }
    impl Column for Edits {
        type Table = Memos;
        type SqlType = BigInt;
        const NAME: &'static str = "edits";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Int(7));
    }
    impl Column for CreatedAt {
        type Table = Memos;
        type SqlType = Timestamp;
        const NAME: &'static str = "created_at";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Now);
    }
    impl Column for TouchedAt {
        type Table = Memos;
        type SqlType = Nullable<Timestamp>;
        const NAME: &'static str = "touched_at";
    }
}

/// Non-`Option` fields with server defaults: `edits` (7) and `created_at`
/// (now); `edits` goes up by one, server-side, at every UPDATE.
#[derive(Debug, Clone, PartialEq)]
pub struct Memo {
    id: i64,
    body: String,
    edits: i64,
    created_at: String,
    touched_at: Option<String>,
}

impl Model for Memo {
    type Table = Memos;
    type Columns = (
        memos::Id,
        memos::Body,
        memos::Edits,
        memos::CreatedAt,
        memos::TouchedAt,
    );
    type Row = (i64, String, i64, String, Option<String>);
    type Key = i64;
    fn from_row((id, body, edits, created_at, touched_at): Self::Row) -> Self {
        Memo {
            id,
            body,
            edits,
            created_at,
            touched_at,
        }
    }
    fn values(&self) -> (&i64, &String, &i64, &String, &Option<String>) {
        (
            &self.id,
            &self.body,
            &self.edits,
            &self.created_at,
            &self.touched_at,
        )
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
    fn server_defaults(&self) -> &'static [&'static str] {
        match (self.edits, self.created_at.is_empty()) {
            (-1, true) => &["edits", "created_at"],
            (_, true) => &["created_at"],
            _ => &[],
        }
    }
    fn on_update(set: &mut OnUpdate<Self>) {
        set.column(memos::Edits, memos::Edits.add(1))
            .column(memos::TouchedAt, now());
    }
}

/// A memo whose `edits` and `created_at` the server fills in.
fn memo(body: &str) -> Memo {
    Memo {
        id: 0,
        body: body.into(),
        edits: -1,
        created_at: String::new(),
        touched_at: None,
    }
}

type MemoRow = (i64, String, i64, String, Option<String>);

fn table<C: Connection>(conn: &mut C) -> Result<Vec<MemoRow>> {
    select((
        memos::Id,
        memos::Body,
        memos::Edits,
        memos::CreatedAt,
        memos::TouchedAt,
    ))
    .order_by(memos::Id.asc())
    .load(conn)
}

fn server_defaults_fill_non_option_fields<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    drop_all::<Memos>(&mut conn)?;
    create_all::<Memos>(&mut conn)?;
    conn.reset();
    let mut s = Session::new(&mut conn);
    let hs = s.add_all([memo("a"), memo("b"), memo("c")]);
    // `edits` set by the client: only `created_at` is left to the server.
    let own = s.add(Memo {
        edits: 3,
        ..memo("d")
    });
    s.flush()?;
    let sent = s.connection().statements().to_vec();
    let inserts = sent.iter().filter(|q| q.starts_with("INSERT")).count();
    if s.connection().dialect().supports_insert_returning() {
        // One multi-row INSERT ... RETURNING per shape; nothing else.
        assert_eq!((inserts, sent.len()), (2, 2), "{sent:?}");
        assert!(sent.iter().all(|q| q.contains("RETURNING")), "{sent:?}");
    } else {
        // MySQL: the INSERTs, then one SELECT per shape reads the rows back.
        let reads = sent
            .iter()
            .filter(|q| q.starts_with("SELECT") && q.contains("server_memos"))
            .count();
        assert_eq!(reads, 2, "{sent:?}");
        assert!(inserts >= 2, "{sent:?}");
    }
    for h in &hs {
        assert_eq!(s[*h].edits, 7, "the server default");
        assert!(!s[*h].created_at.is_empty(), "now(), read back");
        assert!(!s.is_modified(*h));
    }
    assert_eq!(s[own].edits, 3, "a value the client set is written");
    s.commit()?;
    let rows = table(s.connection())?;
    let edits: Vec<(String, i64)> = rows.iter().map(|(_, b, e, _, _)| (b.clone(), *e)).collect();
    assert_eq!(
        edits,
        [
            ("a".into(), 7),
            ("b".into(), 7),
            ("c".into(), 7),
            ("d".into(), 3)
        ]
    );
    // The objects hold what the table holds.
    let mut s = Session::new(s.connection());
    let loaded = s.query::<Memo>().order_by(memos::Id.asc()).all()?;
    let objects: Vec<MemoRow> = loaded
        .iter()
        .map(|h| {
            let m = &s[*h];
            (
                m.id,
                m.body.clone(),
                m.edits,
                m.created_at.clone(),
                m.touched_at.clone(),
            )
        })
        .collect();
    assert_eq!(objects, rows);
    Ok(())
}

fn on_update_values_are_computed_by_the_server<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    drop_all::<Memos>(&mut conn)?;
    create_all::<Memos>(&mut conn)?;
    let mut s = Session::new(&mut conn);
    let [a, b, c] = s.add_all([memo("a"), memo("b"), memo("c")])[..] else {
        unreachable!()
    };
    s.commit()?;
    s.query::<Memo>().all()?; // reloads what the commit expired
    s.connection().reset();
    s[a].body = "a2".into();
    s[b].body = "b2".into();
    s.flush()?;
    let sent = s.connection().statements().to_vec();
    let updates = sent.iter().filter(|q| q.starts_with("UPDATE")).count();
    let selects = sent.iter().filter(|q| q.starts_with("SELECT")).count();
    assert_eq!(
        (updates, selects),
        (2, 1),
        "one UPDATE per object, one SELECT reads both back: {sent:?}"
    );
    assert!(
        sent[0].contains("edits") && sent[0].contains('+'),
        "{sent:?}"
    );
    assert_eq!((s[a].edits, s[b].edits, s[c].edits), (8, 8, 7));
    assert!(
        s[a].touched_at.is_some() && s[c].touched_at.is_none(),
        "now(), read back"
    );
    assert!(!s.is_modified(a));
    // A column the object changes itself keeps its own value.
    s[c].body = "c2".into();
    s[c].edits = 100;
    s.commit()?;
    assert_eq!(
        table(s.connection())?
            .into_iter()
            .map(|(_, b, e, _, _)| (b, e))
            .collect::<Vec<_>>(),
        [("a2".to_owned(), 8), ("b2".into(), 8), ("c2".into(), 100)]
    );
    let touched: Vec<Option<String>> = select(memos::TouchedAt)
        .order_by(memos::Id.asc())
        .load(s.connection())?;
    assert_eq!(
        touched[0], s[a].touched_at,
        "the object holds what the server stored"
    );
    Ok(())
}

on_all_backends!(
    server_defaults_fill_non_option_fields,
    on_update_values_are_computed_by_the_server,
);
