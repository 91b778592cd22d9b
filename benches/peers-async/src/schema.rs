//! The tables for sqlalgebra, by hand, with `FromRow` for the models (as in benches/peers).

use sqlalgebra::prelude::*;
use sqlalgebra::value::Row;

use crate::User;

macro_rules! table {
    ($table:ident $name:literal pk $pk:ident { $($col:ident $cname:literal $st:ty $(, $auto:ident)?;)+ }) => {
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $table;
        impl Table for $table {
            const NAME: &'static str = $name;
            type Columns = ($($col,)+);
            type PrimaryKey = $pk;
        }
        $(
            #[derive(Clone, Copy, Debug, Default)]
            pub struct $col;
            impl Column for $col {
                type Table = $table;
                type SqlType = $st;
                const NAME: &'static str = $cname;
                $(const $auto: bool = true;)?
            }
        )+
    };
}

/// `users`
pub mod users {
    use super::*;
    table!(Users "users" pk Id {
        Id "id" Integer, AUTOINCREMENT;
        Name "name" Text;
        HairColor "hair_color" Nullable<Text>;
    });
    /// Every column, in the order of [`User`].
    pub const ALL: (Id, Name, HairColor) = (Id, Name, HairColor);
}

impl FromRow<(Integer, Text, Nullable<Text>)> for User {
    const WIDTH: usize = 3;
    #[inline]
    fn from_row<R: Row + ?Sized>(row: &mut R, at: usize) -> sqlalgebra::Result<Self> {
        let (id, name, hair_color) =
            <(i32, String, Option<String>) as FromRow<(Integer, Text, Nullable<Text>)>>::from_row(
                row, at,
            )?;
        Ok(User {
            id,
            name,
            hair_color,
        })
    }
}
