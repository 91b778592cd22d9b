#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn main() {
    let _ = select(case_when(users::Id.gt(1), "big").otherwise(0));
}
