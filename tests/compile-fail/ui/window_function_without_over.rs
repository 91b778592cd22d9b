#[path = "../schema.rs"]
mod schema;

use sqlalgebra::prelude::*;

fn main() {
    let _ = select(row_number());
}
