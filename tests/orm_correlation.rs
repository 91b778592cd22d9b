//! ORM queries with correlated subqueries: `session.query::<M>()` filters
//! whose EXISTS refers to the model's table, with each loading strategy
//! (selectin, joined with and without LIMIT), on every backend, checked by
//! the keys of the objects loaded.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate

mod common;
mod orm_schema;

use common::on_all_backends;
use orm_schema::*;
use sqlalgebra::engine::Backend;
use sqlalgebra::orm::Handle;
use sqlalgebra::prelude::*;
use sqlalgebra::{Engine, Result};

/// ann (books A, B), bob (book C), cat (no book).
fn seed<C: Connection>(conn: &mut C) -> Result<()> {
    setup(conn)?;
    let mut s = Session::new(conn);
    s.add_with_children(Author::new("ann"), [Book::new("A"), Book::new("B")]);
    s.add_with_children(Author::new("bob"), [Book::new("C")]);
    s.add(Author::new("cat"));
    s.commit()
}

fn names<C: Connection>(s: &Session<'_, C>, hs: &[Handle<Author>]) -> Vec<String> {
    hs.iter().map(|h| s[*h].name.clone()).collect()
}

fn titles<C: Connection>(s: &mut Session<'_, C>, h: Handle<Author>) -> Result<Vec<String>> {
    let books = s.related::<Author, Book>(h)?;
    let mut t: Vec<String> = books.iter().map(|b| s[*b].title.clone()).collect();
    t.sort();
    Ok(t)
}

fn orm_corr_exists_filters<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    seed(&mut *conn)?;
    let has_books = || exists(select(books::Id).filter(books::AuthorId.eq(authors::Id)));
    let mut s = Session::new(&mut *conn);
    let found = s
        .query::<Author>()
        .filter(has_books())
        .order_by(authors::Name)
        .all()?;
    assert_eq!(names(&s, &found), ["ann", "bob"]);
    let found = s
        .query::<Author>()
        .filter(not(has_books()))
        .order_by(authors::Name)
        .all()?;
    assert_eq!(names(&s, &found), ["cat"]);
    // A book title correlated to its author, one level deeper.
    let found = s
        .query::<Author>()
        .filter(exists(
            select(books::Id)
                .filter(books::AuthorId.eq(authors::Id))
                .filter(books::Title.eq("C")),
        ))
        .all()?;
    assert_eq!(names(&s, &found), ["bob"]);
    Ok(())
}

fn orm_corr_with_loaders<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    seed(&mut *conn)?;
    let big = || {
        exists(
            select(books::Id)
                .filter(books::AuthorId.eq(authors::Id))
                .filter(books::Title.ne("C")),
        )
    };
    let mut s = Session::new(&mut *conn);
    let found = s
        .query::<Author>()
        .filter(big())
        .selectin_children::<Book>()
        .all()?;
    assert_eq!(names(&s, &found), ["ann"]);
    assert_eq!(titles(&mut s, found[0])?, ["A", "B"]);
    drop(s);

    let mut s = Session::new(&mut *conn);
    let found = s
        .query::<Author>()
        .filter(big())
        .joined_children::<Book>()
        .all()?;
    assert_eq!(names(&s, &found), ["ann"]);
    assert_eq!(titles(&mut s, found[0])?, ["A", "B"]);
    drop(s);

    // With LIMIT the parents are a derived table: the EXISTS is inside it.
    let mut s = Session::new(&mut *conn);
    let found = s
        .query::<Author>()
        .filter(not(big()))
        .order_by(authors::Name)
        .limit(5)
        .joined_children::<Book>()
        .all()?;
    assert_eq!(names(&s, &found), ["bob", "cat"]);
    assert_eq!(titles(&mut s, found[0])?, ["C"]);
    assert!(titles(&mut s, found[1])?.is_empty());
    Ok(())
}

on_all_backends!(orm_corr_exists_filters, orm_corr_with_loaders);
