//! An enum expression compares with values of its own enum, not another's.
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

fn main() {
    let mood = EnumValue::<Mood, Enum<Mood>>::new(Mood::Sad);
    let _ = mood.eq(Color::Red);
}
