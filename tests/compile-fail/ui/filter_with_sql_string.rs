#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn main() {
    let _ = select(users::Id).filter("id > 5");
}
