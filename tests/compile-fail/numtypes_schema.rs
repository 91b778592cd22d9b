//! A table with numeric and text columns of several widths, for the
//! numeric-promotion and text-mixing cases (`ui/numtypes_*.rs`,
//! `pass/numtypes_*.rs`).
#![allow(dead_code)]

use sqlalgebra::prelude::*;

#[derive(Clone, Copy, Debug, Default)]
pub struct Items;
impl Table for Items {
    const NAME: &'static str = "items";
    type Columns = (
        items::Id,
        items::Qty,
        items::Small,
        items::Price,
        items::Ratio,
        items::Code,
        items::Name,
    );
    type PrimaryKey = items::Id;
}

pub mod items {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Qty;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Small;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Price;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Ratio;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Code;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    impl Column for Id {
        type Table = super::Items;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    impl Column for Qty {
        type Table = super::Items;
        type SqlType = Integer;
        const NAME: &'static str = "qty";
    }
    impl Column for Small {
        type Table = super::Items;
        type SqlType = SmallInt;
        const NAME: &'static str = "small";
    }
    impl Column for Price {
        type Table = super::Items;
        type SqlType = Numeric<10, 2>;
        const NAME: &'static str = "price";
    }
    impl Column for Ratio {
        type Table = super::Items;
        type SqlType = Double;
        const NAME: &'static str = "ratio";
    }
    impl Column for Code {
        type Table = super::Items;
        type SqlType = Varchar<20>;
        const NAME: &'static str = "code";
    }
    impl Column for Name {
        type Table = super::Items;
        type SqlType = Varchar<50>;
        const NAME: &'static str = "name";
    }
}
