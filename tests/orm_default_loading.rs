//! Default loading strategies declared on the relationships
//! (`HasMany::LOADING`, `ManyToMany::LOADING`), nested, and overridden per
//! query (lazy, selectin, joined, raise, noload), with the number of
//! statements each sends (`assert_statements`) on the three backends.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate
#![allow(missing_docs)] // test models

mod common;
mod orm_schema;

use common::on_all_backends;
use orm_schema::joined::{Shelf, Tome};
use orm_schema::*;
use sqlalgebra::engine::Backend;
use sqlalgebra::hooks::{Hooked, assert_statements};
use sqlalgebra::orm::{Loading, ManyToMany};
use sqlalgebra::prelude::*;
use sqlalgebra::{Engine, ErrorKind, Result};

/// An author whose books load with selectin and whose bio raises.
#[derive(Debug, Clone, PartialEq)]
pub struct Writer {
    pub id: i64,
    pub name: String,
}
impl Model for Writer {
    type Table = Authors;
    type Columns = (authors::Id, authors::Name);
    type Row = (i64, String);
    type Key = i64;
    fn from_row((id, name): Self::Row) -> Self {
        Writer { id, name }
    }
    fn values(&self) -> (&i64, &String) {
        (&self.id, &self.name)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn relationships<C: Connection>(r: &mut Relationships<'_, Self, C>) {
        r.has_many::<Volume>().has_many::<Blurb>();
    }
}

/// A book whose genres load with selectin.
#[derive(Debug, Clone, PartialEq)]
pub struct Volume {
    pub id: i64,
    pub author_id: i64,
    pub title: String,
}
impl Model for Volume {
    type Table = Books;
    type Columns = (books::Id, books::AuthorId, books::Title);
    type Row = (i64, i64, String);
    type Key = i64;
    fn from_row((id, author_id, title): Self::Row) -> Self {
        Volume {
            id,
            author_id,
            title,
        }
    }
    fn values(&self) -> (&i64, &i64, &String) {
        (&self.id, &self.author_id, &self.title)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn relationships<C: Connection>(r: &mut Relationships<'_, Self, C>) {
        r.many_to_many::<Genre>();
    }
}
impl BelongsTo<Writer> for Volume {
    type ForeignKey = books::AuthorId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.author_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.author_id = key;
    }
}
impl HasMany<Volume> for Writer {
    const LOADING: Loading = Loading::Selectin;
}
impl ManyToMany<Genre> for Volume {
    type Link = BookGenres;
    type Left = book_genres::BookId;
    type Right = book_genres::GenreId;
    const LOADING: Loading = Loading::Selectin;
}

/// A bio that must never load on demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Blurb {
    pub id: i64,
    pub author_id: i64,
}
impl Model for Blurb {
    type Table = Bios;
    type Columns = (bios::Id, bios::AuthorId);
    type Row = (i64, i64);
    type Key = i64;
    fn from_row((id, author_id): Self::Row) -> Self {
        Blurb { id, author_id }
    }
    fn values(&self) -> (&i64, &i64) {
        (&self.id, &self.author_id)
    }
    fn key(&self) -> i64 {
        self.id
    }
}
impl BelongsTo<Writer> for Blurb {
    type ForeignKey = bios::AuthorId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.author_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.author_id = key;
    }
}
impl HasMany<Blurb> for Writer {
    const LOADING: Loading = Loading::Raise;
}

/// alice: A1 (fantasy, gift), A2 (gift), a bio; bob: B1 (history), a
/// bio; carol: nothing.
fn seed<C: Connection>(conn: &mut C) -> Result<()> {
    setup(conn)?;
    for name in ["alice", "bob", "carol"] {
        insert_into(Authors)
            .values(authors::Name.set(name))
            .execute(conn)?;
    }
    for (author, title) in [(1, "A1"), (1, "A2"), (2, "B1")] {
        insert_into(Books)
            .values((
                books::AuthorId.set(author),
                books::Title.set(title),
                books::Pages.set(10),
            ))
            .execute(conn)?;
    }
    for author in [1, 2] {
        insert_into(Bios)
            .values((bios::AuthorId.set(author), bios::Body.set("bio")))
            .execute(conn)?;
    }
    for name in ["fantasy", "gift", "history"] {
        insert_into(Genres)
            .values(genres::Name.set(name))
            .execute(conn)?;
    }
    for (book, genre) in [(1, 1), (1, 2), (2, 2), (3, 3)] {
        insert_into(BookGenres)
            .values((
                book_genres::BookId.set(book),
                book_genres::GenreId.set(genre),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Every writer's volumes and their genres, read without SQL when the
/// defaults loaded them.
fn shelf<C: Connection>(s: &mut Session<'_, C>, writers: &[Handle<Writer>]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for &w in writers {
        for v in s.related::<Writer, Volume>(w)? {
            let mut genres: Vec<String> = s
                .linked::<Volume, Genre>(v)?
                .iter()
                .map(|&g| s[g].name.clone())
                .collect();
            genres.sort();
            out.push(format!("{}/{}:{}", s[w].name, s[v].title, genres.join("+")));
        }
    }
    Ok(out)
}

fn expected_shelf() -> Vec<String> {
    ["alice/A1:fantasy+gift", "alice/A2:gift", "bob/B1:history"]
        .map(String::from)
        .to_vec()
}

fn defaults_apply_nested<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    seed(&mut conn)?;
    // The writers, their volumes (selectin), the volumes' genres
    // (selectin): three statements, and reading them sends none.
    assert_statements(&mut conn, 3, |c| {
        let mut s = Session::new(c);
        let writers = s.query::<Writer>().order_by(authors::Name.asc()).all()?;
        assert_eq!(writers.len(), 3);
        assert_eq!(shelf(&mut s, &writers)?, expected_shelf());
        // The bio's default is raise.
        let err = s.related::<Writer, Blurb>(writers[0]).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::NotLoaded { .. }), "{err:?}");
        s.rollback()
    })?;
    // `first` and `one` go through the same path.
    assert_statements(&mut conn, 3, |c| {
        let mut s = Session::new(c);
        let bob = s.query::<Writer>().filter(authors::Name.eq("bob")).one()?;
        assert_eq!(shelf(&mut s, &[bob])?, ["bob/B1:history"]);
        s.rollback()
    })?;
    // No writer: no further statement.
    assert_statements(&mut conn, 1, |c| {
        let mut s = Session::new(c);
        let none = s
            .query::<Writer>()
            .filter(authors::Name.eq("nobody"))
            .all()?;
        assert!(none.is_empty());
        s.rollback()
    })?;
    Ok(())
}

fn queries_override_defaults<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    seed(&mut conn)?;
    // lazy: the writers only, then one query per writer for its volumes,
    // and for the volumes a lazy load brings their own default (genres,
    // selectin): one more query per writer that has volumes.
    assert_statements(&mut conn, 1 + 3 + 2, |c| {
        let mut s = Session::new(c);
        let writers = s
            .query::<Writer>()
            .order_by(authors::Name.asc())
            .lazy_children::<Volume>()
            .all()?;
        assert_eq!(s.statement_count(), 1);
        assert_eq!(shelf(&mut s, &writers)?, expected_shelf());
        s.rollback()
    })?;
    // noload: the volumes read as empty, without SQL.
    assert_statements(&mut conn, 1, |c| {
        let mut s = Session::new(c);
        let writers = s.query::<Writer>().noload_children::<Volume>().all()?;
        for w in writers {
            assert!(s.related::<Writer, Volume>(w)?.is_empty());
        }
        s.rollback()
    })?;
    // raise instead of selectin.
    assert_statements(&mut conn, 1, |c| {
        let mut s = Session::new(c);
        let writers = s.query::<Writer>().raise_children::<Volume>().all()?;
        let err = s.related::<Writer, Volume>(writers[0]).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::NotLoaded { .. }), "{err:?}");
        s.rollback()
    })?;
    // joined: one statement for writers and volumes, one for the genres
    // (the volumes' default).
    assert_statements(&mut conn, 2, |c| {
        let mut s = Session::new(c);
        let writers = s
            .query::<Writer>()
            .order_by(authors::Name.asc())
            .joined_children::<Volume>()
            .all()?;
        assert_eq!(shelf(&mut s, &writers)?, expected_shelf());
        s.rollback()
    })?;
    // An explicit selectin: the volumes it loads get their own default
    // (genres, selectin).
    assert_statements(&mut conn, 3, |c| {
        let mut s = Session::new(c);
        let writers = s
            .query::<Writer>()
            .order_by(authors::Name.asc())
            .selectin_children::<Volume>()
            .all()?;
        assert_eq!(shelf(&mut s, &writers)?, expected_shelf());
        s.rollback()
    })?;
    // Nested override: selectin volumes, genres lazy.
    assert_statements(&mut conn, 2 + 3, |c| {
        let mut s = Session::new(c);
        let writers = s
            .query::<Writer>()
            .order_by(authors::Name.asc())
            .selectin_children_with::<Volume>(|v| v.lazy_linked::<Genre>())
            .all()?;
        assert_eq!(s.statement_count(), 2);
        assert_eq!(shelf(&mut s, &writers)?, expected_shelf());
        s.rollback()
    })?;
    // lazy instead of raise for the bio: it loads on demand.
    assert_statements(&mut conn, 3 + 1, |c| {
        let mut s = Session::new(c);
        let writers = s
            .query::<Writer>()
            .order_by(authors::Name.asc())
            .lazy_children::<Blurb>()
            .all()?;
        assert_eq!(s.related::<Writer, Blurb>(writers[0])?.len(), 1);
        s.rollback()
    })?;
    // Entity tuples apply the defaults to the query's model too.
    assert_statements(&mut conn, 3, |c| {
        let mut s = Session::new(c);
        let pairs = s
            .query::<Writer>()
            .join_related(Writer::to_child_blurb())
            .all_with::<Blurb>()?;
        assert_eq!(pairs.len(), 2);
        s.rollback()
    })?;
    Ok(())
}

fn defaults_apply_to_get_and_lazy_loads<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    seed(&mut conn)?;
    // get: the writer, her volumes, their genres; reading sends nothing.
    assert_statements(&mut conn, 3, |c| {
        let mut s = Session::new(c);
        let alice = s.get::<Writer>(1)?.expect("alice");
        assert_eq!(s.statement_count(), 3);
        assert_eq!(shelf(&mut s, &[alice])?, expected_shelf()[..2]);
        let err = s.related::<Writer, Blurb>(alice).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::NotLoaded { .. }), "{err:?}");
        // In the map: no SQL, and the defaults do not run again.
        assert_eq!(s.get::<Writer>(1)?, Some(alice));
        s.rollback()
    })?;
    // get_many: the writers, then one query per relationship level.
    assert_statements(&mut conn, 3, |c| {
        let mut s = Session::new(c);
        let writers = s.get_many::<Writer>(&[1, 2])?;
        assert_eq!(shelf(&mut s, &writers)?, expected_shelf());
        s.rollback()
    })?;
    // A lazy load of the volumes brings their genres (their default).
    assert_statements(&mut conn, 3, |c| {
        let mut s = Session::new(c);
        let alice = s
            .query::<Writer>()
            .filter(authors::Name.eq("alice"))
            .lazy_children::<Volume>()
            .one()?;
        let volumes = s.related::<Writer, Volume>(alice)?;
        assert_eq!((volumes.len(), s.statement_count()), (2, 3));
        assert_eq!(shelf(&mut s, &[alice])?, expected_shelf()[..2]);
        s.rollback()
    })?;
    // So does Session::parent (through get): the volume's writer, then
    // the writer's volumes and their genres.
    assert_statements(&mut conn, 1 + 3, |c| {
        let mut s = Session::new(c);
        let b1 = s
            .query::<Volume>()
            .filter(books::Title.eq("B1"))
            .lazy_linked::<Genre>()
            .one()?;
        let bob = s.parent::<Volume, Writer>(b1)?.expect("bob");
        assert_eq!(shelf(&mut s, &[bob])?, ["bob/B1:history"]);
        s.rollback()
    })?;
    Ok(())
}

/// Every shelf's tomes and their genres, read from loaded collections.
fn shelves<C: Connection>(
    s: &mut Session<'_, C>,
    shelves: &[Handle<Shelf>],
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for &r in shelves {
        for t in s.related::<Shelf, Tome>(r)? {
            let mut genres: Vec<String> = s
                .linked::<Tome, Genre>(t)?
                .iter()
                .map(|&g| s[g].name.clone())
                .collect();
            genres.sort();
            out.push(format!("{}/{}:{}", s[r].name, s[t].title, genres.join("+")));
        }
    }
    Ok(out)
}

fn joined_defaults_load_in_the_same_statement<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    seed(&mut conn)?;
    // query: shelves, tomes and the tomes' genres (nested) in one statement,
    // and reading them sends nothing; `one` goes the same way.
    assert_statements(&mut conn, 2, |c| {
        let mut s = Session::new(c);
        let all = s.query::<Shelf>().order_by(authors::Name.asc()).all()?;
        assert_eq!((all.len(), s.statement_count()), (3, 1));
        assert_eq!(shelves(&mut s, &all)?, expected_shelf());
        assert_eq!(s.statement_count(), 1);
        let bob = s.query::<Shelf>().filter(authors::Name.eq("bob")).one()?;
        assert_eq!(bob, all[1]);
        s.rollback()
    })?;
    // get and get_many: one statement each.
    assert_statements(&mut conn, 2, |c| {
        let mut s = Session::new(c);
        let alice = s.get::<Shelf>(1)?.expect("alice");
        assert_eq!(s.statement_count(), 1);
        assert_eq!(shelves(&mut s, &[alice])?, expected_shelf()[..2]);
        let found = s.get_many::<Shelf>(&[1, 2, 3, 4])?;
        assert_eq!(found.len(), 3);
        assert_eq!(found[0], alice);
        assert_eq!(shelves(&mut s, &found)?, expected_shelf());
        // In the map: no SQL.
        assert_eq!(s.get::<Shelf>(2)?, Some(found[1]));
        s.rollback()
    })?;
    // An explicit joined load of the tomes nests their joined genres.
    assert_statements(&mut conn, 1, |c| {
        let mut s = Session::new(c);
        let tomes = s
            .query::<Tome>()
            .order_by(books::Id.asc())
            .joined_parent::<Shelf>()
            .all()?;
        let alice = s.parent::<Tome, Shelf>(tomes[0])?.expect("alice");
        assert_eq!(shelves(&mut s, &[alice])?, expected_shelf()[..2]);
        s.rollback()
    })?;
    // Overrides: lazy tomes (then a lazy load brings their genres with
    // selectin, since they came from their own statement), selectin
    // tomes (their genres with selectin), noload.
    assert_statements(&mut conn, 1 + 2, |c| {
        let mut s = Session::new(c);
        let all = s
            .query::<Shelf>()
            .order_by(authors::Name.asc())
            .lazy_children::<Tome>()
            .all()?;
        assert_eq!(s.statement_count(), 1);
        assert_eq!(shelves(&mut s, &all[..1])?, expected_shelf()[..2]);
        s.rollback()
    })?;
    assert_statements(&mut conn, 3, |c| {
        let mut s = Session::new(c);
        let all = s
            .query::<Shelf>()
            .order_by(authors::Name.asc())
            .selectin_children::<Tome>()
            .all()?;
        assert_eq!(shelves(&mut s, &all)?, expected_shelf());
        s.rollback()
    })?;
    assert_statements(&mut conn, 1, |c| {
        let mut s = Session::new(c);
        let all = s.query::<Shelf>().noload_children::<Tome>().all()?;
        for r in all {
            assert!(s.related::<Shelf, Tome>(r)?.is_empty());
        }
        s.rollback()
    })?;
    // Entity tuples load the defaults with selectin after their statement.
    assert_statements(&mut conn, 3, |c| {
        let mut s = Session::new(c);
        let pairs = s
            .query::<Shelf>()
            .join_related(Shelf::to_children::<Tome>())
            .order_by(books::Id.asc())
            .all_with::<Tome>()?;
        assert_eq!(pairs.len(), 3);
        let alice = pairs[0].0;
        assert_eq!(shelves(&mut s, &[alice])?, expected_shelf()[..2]);
        s.rollback()
    })?;
    Ok(())
}

trait BlurbPath {
    fn to_child_blurb() -> sqlalgebra::orm::Related<Writer, Blurb, sqlalgebra::orm::ToMany>;
}
impl BlurbPath for Writer {
    fn to_child_blurb() -> sqlalgebra::orm::Related<Writer, Blurb, sqlalgebra::orm::ToMany> {
        Writer::to_children()
    }
}

on_all_backends!(
    defaults_apply_nested,
    queries_override_defaults,
    defaults_apply_to_get_and_lazy_loads,
    joined_defaults_load_in_the_same_statement
);
