#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn main() {
    let _ = update(Users).set(users::Name.set(5));
}
