//! Single-table inheritance: `Manager` and `Engineer` share the
//! `inh_employees` table; the `kind` column chooses the Rust type. Subtype
//! queries (query, get, relationship loads, joined loads) match only their
//! rows, inserting writes the discriminator, and the `Staff` base loads
//! every row as its subtype; on the three backends, with the statements
//! sent and the table contents afterwards.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate
#![allow(missing_docs)] // test models

mod common;
mod orm_schema;

use common::on_all_backends;
use orm_schema::staff::{self, Employees, Engineer, Manager, Staff, employees};
use sqlalgebra::engine::Backend;
use sqlalgebra::hooks::{Hooked, assert_statements, count_statements};
use sqlalgebra::prelude::*;
use sqlalgebra::{Engine, ErrorKind, Result};

fn contents<C: Connection>(conn: &mut C) -> Result<Vec<(i64, String, String, Option<i64>)>> {
    select((
        employees::Id,
        employees::Kind,
        employees::Name,
        employees::ManagerId,
    ))
    .order_by(employees::Id.asc())
    .load(conn)
}

fn row(
    id: i64,
    kind: &str,
    name: &str,
    manager: Option<i64>,
) -> (i64, String, String, Option<i64>) {
    (id, kind.into(), name.into(), manager)
}

/// mia manages eve; ed has no manager. Inserted through the session.
fn seed<C: Connection + 'static>(conn: &mut Hooked<C>) -> Result<()> {
    drop_all::<(Employees,)>(conn)?;
    create_all::<(Employees,)>(conn)?;
    let mut s = Session::new(conn);
    let mia = s.add(staff::mia());
    s.flush()?;
    s.add_all(staff::engineers(Some(s[mia].id)));
    s.commit()
}

fn subtypes_write_and_filter<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    seed(&mut conn)?;
    // Inserting wrote each subtype's discriminator.
    assert_eq!(
        contents(&mut conn)?,
        [
            row(1, "manager", "mia", None),
            row(2, "engineer", "eve", Some(1)),
            row(3, "engineer", "ed", None),
        ]
    );
    // A subtype's query matches its rows only, its own filter in
    // parentheses (an OR does not escape the discriminator).
    let (names, sent) = count_statements(&mut conn, |c| {
        let mut s = Session::new(c);
        let found = s
            .query::<Engineer>()
            .filter(employees::Name.eq("ed").or(employees::Name.eq("mia")))
            .all()?;
        let names: Vec<String> = found.iter().map(|&e| s[e].name.clone()).collect();
        s.rollback()?;
        Ok(names)
    })?;
    assert_eq!(names, ["ed"]);
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains("kind"), "{}", sent[0]);
    assert_statements(&mut conn, 3, |c| {
        let mut s = Session::new(c);
        let all: Vec<String> = s
            .query::<Engineer>()
            .order_by(employees::Name.asc())
            .all()?
            .into_iter()
            .map(|e| s[e].name.clone())
            .collect();
        assert_eq!(all, ["ed", "eve"]);
        // get by key: eve is no manager.
        assert_eq!(s.get::<Manager>(2)?, None);
        let mia = s.get::<Manager>(1)?.expect("mia");
        assert_eq!(s[mia].budget, Some(100));
        s.rollback()
    })?;
    // Updates and deletes of a subtype leave the discriminator alone.
    let mut s = Session::new(&mut conn);
    let ed = s.get::<Engineer>(3)?.expect("ed");
    s[ed].name = "edd".into();
    let eve = s.get::<Engineer>(2)?.expect("eve");
    s.delete(eve);
    s.commit()?;
    drop(s);
    assert_eq!(
        contents(&mut conn)?,
        [
            row(1, "manager", "mia", None),
            row(3, "engineer", "edd", None)
        ]
    );
    Ok(())
}

fn subtype_relationships<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    seed(&mut conn)?;
    // The joined load matches the engineers' discriminator in its ON
    // condition: mia's own row (a manager) is not one of her engineers.
    assert_statements(&mut conn, 1, |c| {
        let mut s = Session::new(c);
        let managers = s.query::<Manager>().joined_children::<Engineer>().all()?;
        assert_eq!(managers.len(), 1);
        let team: Vec<String> = s
            .related::<Manager, Engineer>(managers[0])?
            .iter()
            .map(|&e| s[e].name.clone())
            .collect();
        assert_eq!(team, ["eve"]);
        s.rollback()
    })?;
    // Lazy loads both ways, and selectin.
    assert_statements(&mut conn, 1 + 1 + 1, |c| {
        let mut s = Session::new(c);
        let eve = s
            .query::<Engineer>()
            .filter(employees::Name.eq("eve"))
            .one()?;
        let mia = s.parent::<Engineer, Manager>(eve)?.expect("mia");
        assert_eq!(s.related::<Manager, Engineer>(mia)?, [eve]);
        s.rollback()
    })?;
    assert_statements(&mut conn, 2, |c| {
        let mut s = Session::new(c);
        let managers = s.query::<Manager>().selectin_children::<Engineer>().all()?;
        assert_eq!(s.related::<Manager, Engineer>(managers[0])?.len(), 1);
        s.rollback()
    })?;
    Ok(())
}

fn base_loads_subtypes<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    seed(&mut conn)?;
    assert_statements(&mut conn, 2, |c| {
        let mut s = Session::new(c);
        let eve = s
            .query::<Engineer>()
            .filter(employees::Name.eq("eve"))
            .one()?;
        let staff = s
            .polymorphic::<Staff>()
            .order_by(employees::Id.asc())
            .all()?;
        let [
            Staff::Manager(mia),
            Staff::Engineer(e2),
            Staff::Engineer(ed),
        ] = staff[..]
        else {
            panic!("{staff:?}");
        };
        // The identity map: eve is the object loaded before.
        assert_eq!(e2, eve);
        assert_eq!(
            (s[mia].budget, s[ed].language.as_deref()),
            (Some(100), Some("go"))
        );
        s.rollback()
    })?;
    assert_statements(&mut conn, 2, |c| {
        let mut s = Session::new(c);
        let one = s
            .polymorphic::<Staff>()
            .filter(employees::Name.eq("ed"))
            .one()?;
        assert!(matches!(one, Staff::Engineer(e) if s[e].name == "ed"));
        let first = s
            .polymorphic::<Staff>()
            .order_by(employees::Name.desc())
            .limit(1)
            .offset(1)
            .first()?;
        assert!(matches!(first, Some(Staff::Engineer(e)) if s[e].name == "eve"));
        s.rollback()
    })?;
    // A kind no subtype declares is an error, not a wrong object.
    insert_into(Employees)
        .values((employees::Kind.set("intern"), employees::Name.set("ian")))
        .execute(&mut conn)?;
    let mut s = Session::new(&mut conn);
    let err = s.polymorphic::<Staff>().all().unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::InvalidStatement(_)),
        "{err:?}"
    );
    // The subtypes' queries do not see it.
    assert_eq!(s.query::<Engineer>().all()?.len(), 2);
    assert_eq!(s.query::<Manager>().all()?.len(), 1);
    Ok(())
}

on_all_backends!(
    subtypes_write_and_filter,
    subtype_relationships,
    base_loads_subtypes
);
