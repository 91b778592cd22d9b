//! An enum expression does not compare with a number.
use sqlalgebra::expr::EnumValue;
use sqlalgebra::prelude::*;

#[derive(Clone, Copy, PartialEq)]
enum Mood { Sad }
impl SqlEnum for Mood {
    const NAME: &'static str = "mood";
    const VARIANTS: &'static [Self] = &[Mood::Sad];
    const LABELS: &'static [&'static str] = &["sad"];
}
fn main() {
    let mood = EnumValue::<Mood, Enum<Mood>>::new(Mood::Sad);
    let _ = mood.eq(5);
}
