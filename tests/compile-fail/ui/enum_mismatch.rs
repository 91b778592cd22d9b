//! An enum column compares with values of its own enum, not another's.
use sqlalgebra::expr::{EnumValue, TakesValue};
use sqlalgebra::prelude::*;
use sqlalgebra::types::SqlType;

#[derive(Clone, Copy, PartialEq)]
enum Mood { Sad }
impl SqlEnum for Mood {
    const NAME: &'static str = "mood";
    const VARIANTS: &'static [Self] = &[Mood::Sad];
    const LABELS: &'static [&'static str] = &["sad"];
}
#[derive(Clone, Copy, PartialEq)]
enum Color { Red }
impl SqlEnum for Color {
    const NAME: &'static str = "color";
    const VARIANTS: &'static [Self] = &[Color::Red];
    const LABELS: &'static [&'static str] = &["red"];
}
#[diagnostic::do_not_recommend]
impl<ST: SqlType + TakesValue<Color>> IntoExpr<ST> for Color {
    type Expr = EnumValue<Color, ST>;
    fn into_expr(self) -> Self::Expr { EnumValue::new(self) }
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
    let _n = delete_from(People).filter(Feels.eq(Color::Red)).execute(conn)?;
    Ok(())
}

fn main() {}
