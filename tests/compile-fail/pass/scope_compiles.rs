// The right versions of the `ui/scope_*` cases: columns of the FROM table
// and of joined tables, an alias as a table of its own, subqueries that
// use the enclosing query's tables, and SELECTs whose FROM is inferred.
#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

// Only type-checked, never called: no driver is needed.
#[allow(dead_code)]
fn scoped<C: Connection>(mut conn: C) -> sqlalgebra::Result<()> {
    let _: Vec<String> =
        select(posts::Title).from(Posts).filter(posts::UserId.eq(1)).load(&mut conn)?;
    let _: Vec<(String, String)> = select((users::Name, posts::Title))
        .from(Users)
        .join(Posts, posts::UserId.eq(users::Id))
        .filter(users::Name.eq("alice"))
        .order_by(posts::Title)
        .load(&mut conn)?;
    // Inferred FROM: any table.
    let _: Vec<String> = select(posts::Title).filter(users::Name.eq("alice")).load(&mut conn)?;
    // An alias is a table of its own; its columns are reached through it.
    let u = alias(Users, "u");
    let _: Vec<String> = select(u.col(users::Name)).from(u).load(&mut conn)?;
    let _: Vec<(String, String)> = select((users::Name, u.col(users::Name)))
        .from(Users)
        .join(u, u.col(users::Id).eq(users::Id))
        .load(&mut conn)?;
    // A correlated subquery with a FROM of its own uses the outer table.
    let _: Vec<String> = select(users::Name)
        .from(Users)
        .filter(exists(select(posts::Id).from(Posts).filter(posts::UserId.eq(users::Id))))
        .load(&mut conn)?;
    // The same table in the subquery's FROM and the enclosing one.
    let _: Vec<String> = select(users::Name)
        .from(Users)
        .filter(users::Id.eq(select(max(users::Id)).from(Users).as_scalar()))
        .load(&mut conn)?;
    let _: Option<String> = select(users::Name).from(Users).first(&mut conn)?;
    let _: i64 = select(count_star()).from(Users).get(&mut conn)?;
    // A turbofish names the row type; the scope index stays `_`.
    let _ = select(users::Id).from(Users).load::<i64, _>(&mut conn)?;
    // Outer joins: the NULL-extended side loads as `Option` (a group as
    // one `Option`); a FULL JOIN's both sides.
    let _: Vec<(String, Option<String>)> = select((users::Name, posts::Title))
        .from(Users)
        .left_join(Posts, posts::UserId.eq(users::Id))
        .load(&mut conn)?;
    let _: Vec<(Option<(i64, String)>, String)> = select(((users::Id, users::Name), posts::Title))
        .from(Users)
        .right_join(Posts, posts::UserId.eq(users::Id))
        .load(&mut conn)?;
    let _: Vec<(Option<String>, Option<String>)> = select((users::Name, posts::Title))
        .from(Users)
        .full_join(Posts, posts::UserId.eq(users::Id))
        .filter(users::Name.ne("x"))
        .load(&mut conn)?;
    Ok(())
}

fn main() {}
