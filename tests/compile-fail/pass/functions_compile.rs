//! The right versions of the function cases in `ui/`.
#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn main() {
    let _ = select(case_when(users::Id.gt(1), "big").otherwise("small"));
    let _ = select(extract_year(cast::<Date, _>(users::Name)));
    let _ = select(lower(users::Name));
    let _ = select(row_number().over(window().order_by(users::Id)));
    let _ = select(case_when(users::Name.eq("x"), 1));
}
