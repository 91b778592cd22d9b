//! The schema of a PostgreSQL database, printed by `sqlalgebra-cli print-schema`:
//! tables, columns and models as you would write them by hand. Edit freely.

use sqlalgebra::prelude::*;
use sqlalgebra::schema::Index;

/// The `cli_kinds` table.
#[derive(Clone, Copy, Debug, Default)]
pub struct CliKinds;
impl Table for CliKinds {
    const NAME: &'static str = "cli_kinds";
    type Columns = (
        cli_kinds::Id,
        cli_kinds::Flag,
        cli_kinds::Ratio,
        cli_kinds::Data,
        cli_kinds::Seen,
        cli_kinds::Price,
        cli_kinds::Doc,
        cli_kinds::Code,
        cli_kinds::Region,
        cli_kinds::Type,
    );
    type PrimaryKey = cli_kinds::Id;
    const INDEXES: &'static [Index] = &[
        index::<cli_kinds::Seen>("ix_cli_kinds_seen"),
        unique_index::<(cli_kinds::Region, cli_kinds::Code)>("uq_cli_kinds_region_code"),
    ];
}

/// The columns of `cli_kinds`.
pub mod cli_kinds {
    use sqlalgebra::prelude::*;

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::CliKinds;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Flag;
    impl Column for Flag {
        type Table = super::CliKinds;
        type SqlType = Bool;
        const NAME: &'static str = "flag";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Bool(true));
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Ratio;
    impl Column for Ratio {
        type Table = super::CliKinds;
        type SqlType = Nullable<Double>;
        const NAME: &'static str = "ratio";
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Data;
    impl Column for Data {
        type Table = super::CliKinds;
        type SqlType = Nullable<Blob>;
        const NAME: &'static str = "data";
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Seen;
    impl Column for Seen {
        type Table = super::CliKinds;
        type SqlType = Nullable<Timestamp>;
        const NAME: &'static str = "seen";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Now);
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Price;
    impl Column for Price {
        type Table = super::CliKinds;
        type SqlType = Nullable<Numeric>;
        const NAME: &'static str = "price";
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Doc;
    impl Column for Doc {
        type Table = super::CliKinds;
        type SqlType = Nullable<Json>;
        const NAME: &'static str = "doc";
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Code;
    impl Column for Code {
        type Table = super::CliKinds;
        type SqlType = Varchar<12>;
        const NAME: &'static str = "code";
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Region;
    impl Column for Region {
        type Table = super::CliKinds;
        type SqlType = Varchar<12>;
        const NAME: &'static str = "region";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Text("eu 'west'"));
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Type;
    impl Column for Type {
        type Table = super::CliKinds;
        type SqlType = Integer;
        const NAME: &'static str = "type";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Int(0));
    }
}

/// A row of `cli_kinds`.
#[derive(Debug, Clone, PartialEq)]
pub struct CliKind {
    pub id: i64,
    pub flag: bool,
    pub ratio: Option<f64>,
    pub data: Option<Vec<u8>>,
    pub seen: Option<String>,
    pub price: Option<String>,
    pub doc: Option<String>,
    pub code: String,
    pub region: String,
    pub r#type: i32,
}
impl Model for CliKind {
    type Table = CliKinds;
    type Columns = (
        cli_kinds::Id,
        cli_kinds::Flag,
        cli_kinds::Ratio,
        cli_kinds::Data,
        cli_kinds::Seen,
        cli_kinds::Price,
        cli_kinds::Doc,
        cli_kinds::Code,
        cli_kinds::Region,
        cli_kinds::Type,
    );
    type Row = (
        i64,
        bool,
        Option<f64>,
        Option<Vec<u8>>,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        String,
        i32,
    );
    type Key = i64;
    fn from_row(
        (id, flag, ratio, data, seen, price, doc, code, region, r#type): Self::Row,
    ) -> Self {
        CliKind {
            id,
            flag,
            ratio,
            data,
            seen,
            price,
            doc,
            code,
            region,
            r#type,
        }
    }
    fn values(
        &self,
    ) -> (
        &i64,
        &bool,
        &Option<f64>,
        &Option<Vec<u8>>,
        &Option<String>,
        &Option<String>,
        &Option<String>,
        &String,
        &String,
        &i32,
    ) {
        (
            &self.id,
            &self.flag,
            &self.ratio,
            &self.data,
            &self.seen,
            &self.price,
            &self.doc,
            &self.code,
            &self.region,
            &self.r#type,
        )
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
}

/// The `orm_articles` table.
#[derive(Clone, Copy, Debug, Default)]
pub struct OrmArticles;
impl Table for OrmArticles {
    const NAME: &'static str = "orm_articles";
    type Columns = (
        orm_articles::Id,
        orm_articles::Title,
        orm_articles::Status,
        orm_articles::Version,
        orm_articles::CreatedAt,
        orm_articles::UpdatedAt,
    );
    type PrimaryKey = orm_articles::Id;
}

/// The columns of `orm_articles`.
pub mod orm_articles {
    use sqlalgebra::prelude::*;

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::OrmArticles;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Title;
    impl Column for Title {
        type Table = super::OrmArticles;
        type SqlType = Text;
        const NAME: &'static str = "title";
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Status;
    impl Column for Status {
        type Table = super::OrmArticles;
        type SqlType = Nullable<Varchar<20>>;
        const NAME: &'static str = "status";
        const DEFAULT: Option<ColumnDefault> = Some(ColumnDefault::Text("draft"));
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Version;
    impl Column for Version {
        type Table = super::OrmArticles;
        type SqlType = BigInt;
        const NAME: &'static str = "version";
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct CreatedAt;
    impl Column for CreatedAt {
        type Table = super::OrmArticles;
        type SqlType = BigInt;
        const NAME: &'static str = "created_at";
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct UpdatedAt;
    impl Column for UpdatedAt {
        type Table = super::OrmArticles;
        type SqlType = BigInt;
        const NAME: &'static str = "updated_at";
    }
}

/// A row of `orm_articles`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrmArticle {
    pub id: i64,
    pub title: String,
    pub status: Option<String>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}
impl Model for OrmArticle {
    type Table = OrmArticles;
    type Columns = (
        orm_articles::Id,
        orm_articles::Title,
        orm_articles::Status,
        orm_articles::Version,
        orm_articles::CreatedAt,
        orm_articles::UpdatedAt,
    );
    type Row = (i64, String, Option<String>, i64, i64, i64);
    type Key = i64;
    fn from_row((id, title, status, version, created_at, updated_at): Self::Row) -> Self {
        OrmArticle {
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
}

/// The `orm_authors` table.
#[derive(Clone, Copy, Debug, Default)]
pub struct OrmAuthors;
impl Table for OrmAuthors {
    const NAME: &'static str = "orm_authors";
    type Columns = (orm_authors::Id, orm_authors::Name, orm_authors::Email);
    type PrimaryKey = orm_authors::Id;
}

/// The columns of `orm_authors`.
pub mod orm_authors {
    use sqlalgebra::prelude::*;

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::OrmAuthors;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    impl Column for Name {
        type Table = super::OrmAuthors;
        type SqlType = Varchar<60>;
        const NAME: &'static str = "name";
        const UNIQUE: bool = true;
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Email;
    impl Column for Email {
        type Table = super::OrmAuthors;
        type SqlType = Nullable<Text>;
        const NAME: &'static str = "email";
    }
}

/// A row of `orm_authors`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrmAuthor {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
}
impl Model for OrmAuthor {
    type Table = OrmAuthors;
    type Columns = (orm_authors::Id, orm_authors::Name, orm_authors::Email);
    type Row = (i64, String, Option<String>);
    type Key = i64;
    fn from_row((id, name, email): Self::Row) -> Self {
        OrmAuthor { id, name, email }
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
}

/// The `orm_bios` table.
#[derive(Clone, Copy, Debug, Default)]
pub struct OrmBios;
impl Table for OrmBios {
    const NAME: &'static str = "orm_bios";
    type Columns = (orm_bios::Id, orm_bios::AuthorId, orm_bios::Body);
    type PrimaryKey = orm_bios::Id;
}

/// The columns of `orm_bios`.
pub mod orm_bios {
    use sqlalgebra::prelude::*;

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::OrmBios;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct AuthorId;
    impl Column for AuthorId {
        type Table = super::OrmBios;
        type SqlType = BigInt;
        const NAME: &'static str = "author_id";
        const UNIQUE: bool = true;
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::orm_authors::Id>());
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Body;
    impl Column for Body {
        type Table = super::OrmBios;
        type SqlType = Text;
        const NAME: &'static str = "body";
    }
}

/// A row of `orm_bios`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrmBio {
    pub id: i64,
    pub author_id: i64,
    pub body: String,
}
impl Model for OrmBio {
    type Table = OrmBios;
    type Columns = (orm_bios::Id, orm_bios::AuthorId, orm_bios::Body);
    type Row = (i64, i64, String);
    type Key = i64;
    fn from_row((id, author_id, body): Self::Row) -> Self {
        OrmBio {
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

/// The `orm_book_genres` table.
#[derive(Clone, Copy, Debug, Default)]
pub struct OrmBookGenres;
impl Table for OrmBookGenres {
    const NAME: &'static str = "orm_book_genres";
    type Columns = (orm_book_genres::BookId, orm_book_genres::GenreId);
    type PrimaryKey = (orm_book_genres::BookId, orm_book_genres::GenreId);
}

/// The columns of `orm_book_genres`.
pub mod orm_book_genres {
    use sqlalgebra::prelude::*;

    #[derive(Clone, Copy, Debug, Default)]
    pub struct BookId;
    impl Column for BookId {
        type Table = super::OrmBookGenres;
        type SqlType = BigInt;
        const NAME: &'static str = "book_id";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::orm_books::Id>());
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct GenreId;
    impl Column for GenreId {
        type Table = super::OrmBookGenres;
        type SqlType = BigInt;
        const NAME: &'static str = "genre_id";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::orm_genres::Id>());
    }
}

/// A row of `orm_book_genres`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrmBookGenre {
    pub book_id: i64,
    pub genre_id: i64,
}
impl Model for OrmBookGenre {
    type Table = OrmBookGenres;
    type Columns = (orm_book_genres::BookId, orm_book_genres::GenreId);
    type Row = (i64, i64);
    type Key = (i64, i64);
    fn from_row((book_id, genre_id): Self::Row) -> Self {
        OrmBookGenre { book_id, genre_id }
    }
    fn values(&self) -> (&i64, &i64) {
        (&self.book_id, &self.genre_id)
    }
    fn key(&self) -> (i64, i64) {
        (self.book_id, self.genre_id)
    }
}

/// The `orm_books` table.
#[derive(Clone, Copy, Debug, Default)]
pub struct OrmBooks;
impl Table for OrmBooks {
    const NAME: &'static str = "orm_books";
    type Columns = (
        orm_books::Id,
        orm_books::AuthorId,
        orm_books::Title,
        orm_books::Pages,
    );
    type PrimaryKey = orm_books::Id;
    const INDEXES: &'static [Index] = &[index::<orm_books::AuthorId>("ix_orm_books_author")];
}

/// The columns of `orm_books`.
pub mod orm_books {
    use sqlalgebra::prelude::*;

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::OrmBooks;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct AuthorId;
    impl Column for AuthorId {
        type Table = super::OrmBooks;
        type SqlType = BigInt;
        const NAME: &'static str = "author_id";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::orm_authors::Id>());
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Title;
    impl Column for Title {
        type Table = super::OrmBooks;
        type SqlType = Varchar<100>;
        const NAME: &'static str = "title";
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Pages;
    impl Column for Pages {
        type Table = super::OrmBooks;
        type SqlType = Integer;
        const NAME: &'static str = "pages";
    }
}

/// A row of `orm_books`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrmBook {
    pub id: i64,
    pub author_id: i64,
    pub title: String,
    pub pages: i32,
}
impl Model for OrmBook {
    type Table = OrmBooks;
    type Columns = (
        orm_books::Id,
        orm_books::AuthorId,
        orm_books::Title,
        orm_books::Pages,
    );
    type Row = (i64, i64, String, i32);
    type Key = i64;
    fn from_row((id, author_id, title, pages): Self::Row) -> Self {
        OrmBook {
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
}

/// The `orm_expertise` table.
#[derive(Clone, Copy, Debug, Default)]
pub struct OrmExpertise;
impl Table for OrmExpertise {
    const NAME: &'static str = "orm_expertise";
    type Columns = (
        orm_expertise::AuthorId,
        orm_expertise::GenreId,
        orm_expertise::Level,
    );
    type PrimaryKey = (orm_expertise::AuthorId, orm_expertise::GenreId);
}

/// The columns of `orm_expertise`.
pub mod orm_expertise {
    use sqlalgebra::prelude::*;

    #[derive(Clone, Copy, Debug, Default)]
    pub struct AuthorId;
    impl Column for AuthorId {
        type Table = super::OrmExpertise;
        type SqlType = BigInt;
        const NAME: &'static str = "author_id";
        const REFERENCES: Option<ForeignKey> =
            Some(ForeignKey::to::<super::orm_authors::Id>().on_delete(ReferentialAction::Cascade));
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct GenreId;
    impl Column for GenreId {
        type Table = super::OrmExpertise;
        type SqlType = BigInt;
        const NAME: &'static str = "genre_id";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::orm_genres::Id>());
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Level;
    impl Column for Level {
        type Table = super::OrmExpertise;
        type SqlType = Integer;
        const NAME: &'static str = "level";
    }
}

/// A row of `orm_expertise`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrmExpertiseRow {
    pub author_id: i64,
    pub genre_id: i64,
    pub level: i32,
}
impl Model for OrmExpertiseRow {
    type Table = OrmExpertise;
    type Columns = (
        orm_expertise::AuthorId,
        orm_expertise::GenreId,
        orm_expertise::Level,
    );
    type Row = (i64, i64, i32);
    type Key = (i64, i64);
    fn from_row((author_id, genre_id, level): Self::Row) -> Self {
        OrmExpertiseRow {
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

/// The `orm_genres` table.
#[derive(Clone, Copy, Debug, Default)]
pub struct OrmGenres;
impl Table for OrmGenres {
    const NAME: &'static str = "orm_genres";
    type Columns = (orm_genres::Id, orm_genres::Name);
    type PrimaryKey = orm_genres::Id;
}

/// The columns of `orm_genres`.
pub mod orm_genres {
    use sqlalgebra::prelude::*;

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::OrmGenres;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    impl Column for Name {
        type Table = super::OrmGenres;
        type SqlType = Varchar<40>;
        const NAME: &'static str = "name";
        const UNIQUE: bool = true;
    }
}

/// A row of `orm_genres`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrmGenre {
    pub id: i64,
    pub name: String,
}
impl Model for OrmGenre {
    type Table = OrmGenres;
    type Columns = (orm_genres::Id, orm_genres::Name);
    type Row = (i64, String);
    type Key = i64;
    fn from_row((id, name): Self::Row) -> Self {
        OrmGenre { id, name }
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

/// The `orm_notes` table.
#[derive(Clone, Copy, Debug, Default)]
pub struct OrmNotes;
impl Table for OrmNotes {
    const NAME: &'static str = "orm_notes";
    type Columns = (orm_notes::Id, orm_notes::AuthorId, orm_notes::Body);
    type PrimaryKey = orm_notes::Id;
}

/// The columns of `orm_notes`.
pub mod orm_notes {
    use sqlalgebra::prelude::*;

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::OrmNotes;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct AuthorId;
    impl Column for AuthorId {
        type Table = super::OrmNotes;
        type SqlType = Nullable<BigInt>;
        const NAME: &'static str = "author_id";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::orm_authors::Id>());
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Body;
    impl Column for Body {
        type Table = super::OrmNotes;
        type SqlType = Text;
        const NAME: &'static str = "body";
    }
}

/// A row of `orm_notes`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrmNote {
    pub id: i64,
    pub author_id: Option<i64>,
    pub body: String,
}
impl Model for OrmNote {
    type Table = OrmNotes;
    type Columns = (orm_notes::Id, orm_notes::AuthorId, orm_notes::Body);
    type Row = (i64, Option<i64>, String);
    type Key = i64;
    fn from_row((id, author_id, body): Self::Row) -> Self {
        OrmNote {
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

impl BelongsTo<OrmAuthor> for OrmBio {
    type ForeignKey = orm_bios::AuthorId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.author_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.author_id = key;
    }
}
impl HasMany<OrmBio> for OrmAuthor {}
impl HasOne<OrmBio> for OrmAuthor {}

impl BelongsTo<OrmBook> for OrmBookGenre {
    type ForeignKey = orm_book_genres::BookId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.book_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.book_id = key;
    }
}
impl HasMany<OrmBookGenre> for OrmBook {}

impl BelongsTo<OrmGenre> for OrmBookGenre {
    type ForeignKey = orm_book_genres::GenreId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.genre_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.genre_id = key;
    }
}
impl HasMany<OrmBookGenre> for OrmGenre {}

impl BelongsTo<OrmAuthor> for OrmBook {
    type ForeignKey = orm_books::AuthorId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.author_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.author_id = key;
    }
}
impl HasMany<OrmBook> for OrmAuthor {}

impl BelongsTo<OrmAuthor> for OrmExpertiseRow {
    type ForeignKey = orm_expertise::AuthorId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.author_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.author_id = key;
    }
}
impl HasMany<OrmExpertiseRow> for OrmAuthor {}

impl BelongsTo<OrmGenre> for OrmExpertiseRow {
    type ForeignKey = orm_expertise::GenreId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.genre_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.genre_id = key;
    }
}
impl HasMany<OrmExpertiseRow> for OrmGenre {}

impl BelongsTo<OrmAuthor> for OrmNote {
    type ForeignKey = orm_notes::AuthorId;
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
impl HasMany<OrmNote> for OrmAuthor {}

/// Every table, parents first: `create_all::<AllTables>(&mut conn)`.
pub type AllTables = (
    CliKinds,
    OrmArticles,
    OrmAuthors,
    OrmBios,
    OrmBooks,
    OrmGenres,
    OrmNotes,
    OrmBookGenres,
    OrmExpertise,
);
