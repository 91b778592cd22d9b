//! Models of the ORM schema whose relationships declare `Joined` loading:
//! an author whose books load in the statement that loads it
//! ([`Shelf`]), and a book whose genres load joined too, nested in its
//! owner's statement ([`Tome`]).

use sqlalgebra::Connection;
use sqlalgebra::orm::{BelongsTo, HasMany, Loading, ManyToMany, Model, Relationships};

use super::{Authors, BookGenres, Books, Genre, authors, book_genres, books};

/// An author whose books load in the statement that loads it (`Joined`).
#[derive(Debug, Clone, PartialEq)]
pub struct Shelf {
    pub id: i64,
    pub name: String,
}
impl Model for Shelf {
    type Table = Authors;
    type Columns = (authors::Id, authors::Name);
    type Row = (i64, String);
    type Key = i64;
    fn from_row((id, name): Self::Row) -> Self {
        Shelf { id, name }
    }
    fn values(&self) -> (&i64, &String) {
        (&self.id, &self.name)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn relationships<C: Connection>(r: &mut Relationships<'_, Self, C>) {
        r.has_many::<Tome>();
    }
}

/// A book whose genres load joined too (nested in its owner's statement).
#[derive(Debug, Clone, PartialEq)]
pub struct Tome {
    pub id: i64,
    pub author_id: i64,
    pub title: String,
}
impl Model for Tome {
    type Table = Books;
    type Columns = (books::Id, books::AuthorId, books::Title);
    type Row = (i64, i64, String);
    type Key = i64;
    fn from_row((id, author_id, title): Self::Row) -> Self {
        Tome {
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
impl BelongsTo<Shelf> for Tome {
    type ForeignKey = books::AuthorId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.author_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.author_id = key;
    }
}
impl HasMany<Tome> for Shelf {
    const LOADING: Loading = Loading::Joined;
}
impl ManyToMany<Genre> for Tome {
    type Link = BookGenres;
    type Left = book_genres::BookId;
    type Right = book_genres::GenreId;
    const LOADING: Loading = Loading::Joined;
}
