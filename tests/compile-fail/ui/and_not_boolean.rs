#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn main() {
    let _ = select(users::Id).filter(users::Id.eq(1).and(users::Name));
}
