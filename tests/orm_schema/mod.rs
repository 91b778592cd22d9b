//! The schema of the ORM tests: a library of authors, books, bios, notes,
//! genres (many-to-many with books), expertise (an association object with
//! data) and articles (timestamps, server default, version column).
#![allow(dead_code)]

use std::cell::Cell;

use sqlalgebra::orm::{ManyToMany, Version};
use sqlalgebra::prelude::*;
use sqlalgebra::schema::{ColumnDefault, ForeignKey, Index, ReferentialAction};

pub mod joined;
pub mod staff;

/// Declares a column on a unit struct (tests only; users write the impl).
macro_rules! column {
    ($name:ident: $table:ty, $sql:ty, $col:literal $(; $($k:ident: $t:ty = $v:expr),*)?) => {
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;
        impl Column for $name {
            type Table = $table;
            type SqlType = $sql;
            const NAME: &'static str = $col;
            $($(const $k: $t = $v;)*)?
        }
    };
}

thread_local! {
    static CLOCK: Cell<i64> = const { Cell::new(1_000) };
}

/// A test clock: every call is one "second" later, so no test sleeps.
pub fn tick() -> i64 {
    CLOCK.with(|c| {
        c.set(c.get() + 1);
        c.get()
    })
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Authors;
impl Table for Authors {
    const NAME: &'static str = "orm_authors";
    type Columns = (authors::Id, authors::Name, authors::Email);
    type PrimaryKey = authors::Id;
}
pub mod authors {
    use super::*;
    column!(Id: Authors, BigInt, "id"; AUTOINCREMENT: bool = true);
    column!(Name: Authors, Varchar<60>, "name"; UNIQUE: bool = true);
    column!(Email: Authors, Nullable<Text>, "email");
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Books;
impl Table for Books {
    const NAME: &'static str = "orm_books";
    type Columns = (books::Id, books::AuthorId, books::Title, books::Pages);
    type PrimaryKey = books::Id;
    const INDEXES: &'static [Index] = &[index::<books::AuthorId>("ix_orm_books_author")];
}
pub mod books {
    use super::*;
    column!(Id: Books, BigInt, "id"; AUTOINCREMENT: bool = true);
    column!(AuthorId: Books, BigInt, "author_id"; REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<authors::Id>()));
    column!(Title: Books, Varchar<100>, "title");
    column!(Pages: Books, Integer, "pages");
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Bios;
impl Table for Bios {
    const NAME: &'static str = "orm_bios";
    type Columns = (bios::Id, bios::AuthorId, bios::Body);
    type PrimaryKey = bios::Id;
}
pub mod bios {
    use super::*;
    column!(Id: Bios, BigInt, "id"; AUTOINCREMENT: bool = true);
    column!(AuthorId: Bios, BigInt, "author_id"; UNIQUE: bool = true, REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<authors::Id>()));
    column!(Body: Bios, Text, "body");
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Notes;
impl Table for Notes {
    const NAME: &'static str = "orm_notes";
    type Columns = (notes::Id, notes::AuthorId, notes::Body);
    type PrimaryKey = notes::Id;
}
pub mod notes {
    use super::*;
    column!(Id: Notes, BigInt, "id"; AUTOINCREMENT: bool = true);
    column!(AuthorId: Notes, Nullable<BigInt>, "author_id"; REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<authors::Id>()));
    column!(Body: Notes, Text, "body");
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Genres;
impl Table for Genres {
    const NAME: &'static str = "orm_genres";
    type Columns = (genres::Id, genres::Name);
    type PrimaryKey = genres::Id;
}
pub mod genres {
    use super::*;
    column!(Id: Genres, BigInt, "id"; AUTOINCREMENT: bool = true);
    column!(Name: Genres, Varchar<40>, "name"; UNIQUE: bool = true);
}

#[derive(Clone, Copy, Debug, Default)]
pub struct BookGenres;
impl Table for BookGenres {
    const NAME: &'static str = "orm_book_genres";
    type Columns = (book_genres::BookId, book_genres::GenreId);
    type PrimaryKey = (book_genres::BookId, book_genres::GenreId);
}
pub mod book_genres {
    use super::*;
    column!(BookId: BookGenres, BigInt, "book_id"; REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<books::Id>()));
    column!(GenreId: BookGenres, BigInt, "genre_id"; REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<genres::Id>()));
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Expertises;
impl Table for Expertises {
    const NAME: &'static str = "orm_expertise";
    type Columns = (expertise::AuthorId, expertise::GenreId, expertise::Level);
    type PrimaryKey = (expertise::AuthorId, expertise::GenreId);
}
pub mod expertise {
    use super::*;
    column!(AuthorId: Expertises, BigInt, "author_id"; REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<authors::Id>().on_delete(ReferentialAction::Cascade)));
    column!(GenreId: Expertises, BigInt, "genre_id"; REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<genres::Id>()));
    column!(Level: Expertises, Integer, "level");
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Articles;
impl Table for Articles {
    const NAME: &'static str = "orm_articles";
    type Columns = (
        articles::Id,
        articles::Title,
        articles::Status,
        articles::Version,
        articles::CreatedAt,
        articles::UpdatedAt,
    );
    type PrimaryKey = articles::Id;
}
pub mod articles {
    use super::*;
    column!(Id: Articles, BigInt, "id"; AUTOINCREMENT: bool = true);
    column!(Title: Articles, Text, "title");
    column!(Status: Articles, Nullable<Varchar<20>>, "status"; DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Text("draft")));
    column!(Version: Articles, BigInt, "version");
    column!(CreatedAt: Articles, BigInt, "created_at");
    column!(UpdatedAt: Articles, BigInt, "updated_at");
}

/// Every table, for create_all / drop_all.
pub type AllTables = (
    Authors,
    Books,
    Bios,
    Notes,
    Genres,
    BookGenres,
    Expertises,
    Articles,
);

/// Drops and recreates every table.
pub fn setup<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    drop_all::<AllTables>(conn)?;
    create_all::<AllTables>(conn)
}

// ---- models ----

#[derive(Debug, Clone, PartialEq)]
pub struct Author {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
}
impl Author {
    pub fn new(name: &str) -> Self {
        Author {
            id: 0,
            name: name.into(),
            email: None,
        }
    }
}
impl Model for Author {
    type Table = Authors;
    type Columns = (authors::Id, authors::Name, authors::Email);
    type Row = (i64, String, Option<String>);
    type Key = i64;
    fn from_row((id, name, email): Self::Row) -> Self {
        Author { id, name, email }
    }
    fn values(&self) -> (&i64, &String, &Option<String>) {
        (&self.id, &self.name, &self.email)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
    fn relationships<C: Connection>(r: &mut Relationships<'_, Self, C>) {
        r.has_many::<Book>().has_many::<Bio>();
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    pub id: i64,
    pub author_id: i64,
    pub title: String,
    pub pages: i32,
}
impl Book {
    pub fn new(title: &str) -> Self {
        Book {
            id: 0,
            author_id: 0,
            title: title.into(),
            pages: 100,
        }
    }
}
impl Model for Book {
    type Table = Books;
    type Columns = (books::Id, books::AuthorId, books::Title, books::Pages);
    type Row = (i64, i64, String, i32);
    type Key = i64;
    fn from_row((id, author_id, title, pages): Self::Row) -> Self {
        Book {
            id,
            author_id,
            title,
            pages,
        }
    }
    fn values(&self) -> (&i64, &i64, &String, &i32) {
        (&self.id, &self.author_id, &self.title, &self.pages)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
    fn relationships<C: Connection>(r: &mut Relationships<'_, Self, C>) {
        r.many_to_many::<Genre>();
    }
}
impl BelongsTo<Author> for Book {
    type ForeignKey = books::AuthorId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.author_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.author_id = key;
    }
}
impl HasMany<Book> for Author {
    const CASCADE: Cascade = Cascade::ALL_DELETE_ORPHAN;
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bio {
    pub id: i64,
    pub author_id: i64,
    pub body: String,
}
impl Model for Bio {
    type Table = Bios;
    type Columns = (bios::Id, bios::AuthorId, bios::Body);
    type Row = (i64, i64, String);
    type Key = i64;
    fn from_row((id, author_id, body): Self::Row) -> Self {
        Bio {
            id,
            author_id,
            body,
        }
    }
    fn values(&self) -> (&i64, &i64, &String) {
        (&self.id, &self.author_id, &self.body)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
}
impl BelongsTo<Author> for Bio {
    type ForeignKey = bios::AuthorId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.author_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.author_id = key;
    }
}
impl HasMany<Bio> for Author {
    const CASCADE: Cascade = Cascade::ALL_DELETE_ORPHAN;
}
impl HasOne<Bio> for Author {}

#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub id: i64,
    pub author_id: Option<i64>,
    pub body: String,
}
impl Model for Note {
    type Table = Notes;
    type Columns = (notes::Id, notes::AuthorId, notes::Body);
    type Row = (i64, Option<i64>, String);
    type Key = i64;
    fn from_row((id, author_id, body): Self::Row) -> Self {
        Note {
            id,
            author_id,
            body,
        }
    }
    fn values(&self) -> (&i64, &Option<i64>, &String) {
        (&self.id, &self.author_id, &self.body)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
}
impl BelongsTo<Author> for Note {
    type ForeignKey = notes::AuthorId;
    fn parent_key(&self) -> Option<i64> {
        self.author_id
    }
    fn set_parent_key(&mut self, key: i64) {
        self.author_id = Some(key);
    }
    fn clear_parent_key(&mut self) -> bool {
        self.author_id = None;
        true
    }
}
impl HasMany<Note> for Author {}

#[derive(Debug, Clone, PartialEq)]
pub struct Genre {
    pub id: i64,
    pub name: String,
}
impl Genre {
    pub fn new(name: &str) -> Self {
        Genre {
            id: 0,
            name: name.into(),
        }
    }
}
impl Model for Genre {
    type Table = Genres;
    type Columns = (genres::Id, genres::Name);
    type Row = (i64, String);
    type Key = i64;
    fn from_row((id, name): Self::Row) -> Self {
        Genre { id, name }
    }
    fn values(&self) -> (&i64, &String) {
        (&self.id, &self.name)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
}
impl ManyToMany<Genre> for Book {
    type Link = BookGenres;
    type Left = book_genres::BookId;
    type Right = book_genres::GenreId;
}
impl ManyToMany<Book> for Genre {
    type Link = BookGenres;
    type Left = book_genres::GenreId;
    type Right = book_genres::BookId;
}

/// An association object: an author's expertise in a genre, with a level.
#[derive(Debug, Clone, PartialEq)]
pub struct Expertise {
    pub author_id: i64,
    pub genre_id: i64,
    pub level: i32,
}
impl Model for Expertise {
    type Table = Expertises;
    type Columns = (expertise::AuthorId, expertise::GenreId, expertise::Level);
    type Row = (i64, i64, i32);
    type Key = (i64, i64);
    fn from_row((author_id, genre_id, level): Self::Row) -> Self {
        Expertise {
            author_id,
            genre_id,
            level,
        }
    }
    fn values(&self) -> (&i64, &i64, &i32) {
        (&self.author_id, &self.genre_id, &self.level)
    }
    fn key(&self) -> (i64, i64) {
        (self.author_id, self.genre_id)
    }
}
impl BelongsTo<Author> for Expertise {
    type ForeignKey = expertise::AuthorId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.author_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.author_id = key;
    }
}
impl BelongsTo<Genre> for Expertise {
    type ForeignKey = expertise::GenreId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.genre_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.genre_id = key;
    }
}
impl HasMany<Expertise> for Author {}
impl HasMany<Expertise> for Genre {}

/// Timestamps set in Rust, a server-side default and a version column.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub id: i64,
    pub title: String,
    pub status: Option<String>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}
impl Article {
    pub fn new(title: &str) -> Self {
        Article {
            id: 0,
            title: title.into(),
            status: None,
            version: 1,
            created_at: 0,
            updated_at: 0,
        }
    }
}
impl Model for Article {
    type Table = Articles;
    type Columns = (
        articles::Id,
        articles::Title,
        articles::Status,
        articles::Version,
        articles::CreatedAt,
        articles::UpdatedAt,
    );
    type Row = (i64, String, Option<String>, i64, i64, i64);
    type Key = i64;
    fn from_row((id, title, status, version, created_at, updated_at): Self::Row) -> Self {
        Article {
            id,
            title,
            status,
            version,
            created_at,
            updated_at,
        }
    }
    fn values(&self) -> (&i64, &String, &Option<String>, &i64, &i64, &i64) {
        (
            &self.id,
            &self.title,
            &self.status,
            &self.version,
            &self.created_at,
            &self.updated_at,
        )
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
    fn before_insert(&mut self) {
        let now = tick();
        if self.created_at == 0 {
            self.created_at = now;
        }
        self.updated_at = now;
    }
    fn before_update(&mut self) {
        self.updated_at = tick();
    }
    fn version(&mut self) -> Option<Version<'_>> {
        Some(Version::new::<articles::Version>(&mut self.version))
    }
}
