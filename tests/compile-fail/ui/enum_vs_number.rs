//! An enum column does not compare with a number.
use sqlalgebra::prelude::*;

#[derive(Clone, Copy, PartialEq)]
enum Mood { Sad }
impl SqlEnum for Mood {
    const NAME: &'static str = "mood";
    const VARIANTS: &'static [Self] = &[Mood::Sad];
    const LABELS: &'static [&'static str] = &["sad"];
}

#[derive(Clone, Copy, Debug, Default)]
pub struct People;
impl Table for People {
    const NAME: &'static str = "people";
    type Columns = Feels;
    type PrimaryKey = Feels;
}
#[derive(Clone, Copy, Debug, Default)]
pub struct Feels;
impl Column for Feels {
    type Table = People;
    type SqlType = Enum<Mood>;
    const NAME: &'static str = "feels";
}

fn run<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    let _rows: Vec<Mood> = select(Feels).filter(Feels.eq(5)).load(conn)?;
    Ok(())
}

fn main() {}
