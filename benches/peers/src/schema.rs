//! The three tables for sqlalgebra, by hand, with `FromRow` for the models.

use sqlalgebra::prelude::*;
use sqlalgebra::value::Row;

use crate::{Comment, Post, User};

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

/// `posts`
pub mod posts {
    use super::*;
    table!(Posts "posts" pk Id {
        Id "id" Integer, AUTOINCREMENT;
        UserId "user_id" Integer;
        Title "title" Text;
        Body "body" Nullable<Text>;
    });
    /// Every column, in the order of [`Post`].
    pub const ALL: (Id, UserId, Title, Body) = (Id, UserId, Title, Body);
}

/// `comments`
pub mod comments {
    use super::*;
    table!(Comments "comments" pk Id {
        Id "id" Integer, AUTOINCREMENT;
        PostId "post_id" Integer;
        Text "text" sqlalgebra::types::Text;
    });
    /// Every column, in the order of [`Comment`].
    pub const ALL: (Id, PostId, Text) = (Id, PostId, Text);
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

impl FromRow<(Integer, Integer, Text, Nullable<Text>)> for Post {
    const WIDTH: usize = 4;
    #[inline]
    fn from_row<R: Row + ?Sized>(row: &mut R, at: usize) -> sqlalgebra::Result<Self> {
        let (id, user_id, title, body) = <(i32, i32, String, Option<String>) as FromRow<(
            Integer,
            Integer,
            Text,
            Nullable<Text>,
        )>>::from_row(row, at)?;
        Ok(Post {
            id,
            user_id,
            title,
            body,
        })
    }
}

impl FromRow<(Integer, Integer, Text)> for Comment {
    const WIDTH: usize = 3;
    #[inline]
    fn from_row<R: Row + ?Sized>(row: &mut R, at: usize) -> sqlalgebra::Result<Self> {
        let (id, post_id, text) =
            <(i32, i32, String) as FromRow<(Integer, Integer, Text)>>::from_row(row, at)?;
        Ok(Comment { id, post_id, text })
    }
}
