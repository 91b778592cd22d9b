// The counterpart of `ui/`: the right versions of those queries compile,
// with literals inferred from the column types.
#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

// Only type-checked, never called: no driver is needed.
#[allow(dead_code)]
fn load_all<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let _: Vec<i64> = select(users::Id).load(conn)?;
    let _: Vec<String> = select(users::Name).load(conn)?;
    let _: Vec<Option<String>> = select(users::Fullname).load(conn)?;
    let _: Vec<(i64, Option<String>)> = select((users::Id, users::Fullname)).load(conn)?;
    let _: Option<i64> = select(sum(users::Id)).get(conn)?;
    Ok(())
}

fn main() {
    let _ = select(users::Id).filter(users::Name.eq("alice"));
    let _ = select(users::Id).filter(users::Id.eq(5).and(users::Name.like("a%")));
    let _ = select(users::Id).filter(users::Id.in_([1, 2, 3]).or(users::Id.between(10, 20)));
    let _ = select(users::Id).filter(users::Fullname.eq(Some("Alice")));
    let _ = select(users::Id).filter(users::Fullname.like("A%"));
    let _ = select(users::Id).filter(users::Name.eq(users::Fullname));
    let _ = select(users::Id).filter(posts::UserId.eq(users::Id));
    let _ = select(users::Id.add(1)).order_by((users::Name, users::Id.desc()));
    let _ = update(Users).set((users::Name.set("bob"), users::Fullname.set(None::<&str>)));
    let _ = insert_into(Posts).values((posts::Title.set("x"), posts::UserId.set(1)));
}
