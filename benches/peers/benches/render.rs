//! Rendering only, no database: the medium complex query built and
//! rendered to SQL text and binds by sqlalgebra and by SeaQuery, in each
//! dialect. Ids: `render_medium/<dialect>/<library>`.

use std::hint::black_box;

use criterion::Criterion;
use sea_query::{
    Expr, ExprTrait, Iden, MysqlQueryBuilder, PostgresQueryBuilder, Query, QueryBuilder,
    SqliteQueryBuilder,
};
use sqlalgebra::prelude::*;
use sqlalgebra::render::Dialect;
use sqlalgebra_peers::schema::{posts, users};

#[derive(Iden, Clone, Copy)]
enum Users {
    Table,
    Id,
    Name,
    HairColor,
}

#[derive(Iden, Clone, Copy)]
enum Posts {
    Table,
    Id,
    UserId,
    Title,
    Body,
}

/// The medium query, as SeaQuery builds it.
fn sea_query_medium<B: QueryBuilder>(builder: B) -> (String, sea_query::Values) {
    Query::select()
        .columns([
            (Users::Table, Users::Id),
            (Users::Table, Users::Name),
            (Users::Table, Users::HairColor),
        ])
        .columns([
            (Posts::Table, Posts::Id),
            (Posts::Table, Posts::UserId),
            (Posts::Table, Posts::Title),
            (Posts::Table, Posts::Body),
        ])
        .from(Users::Table)
        .left_join(
            Posts::Table,
            Expr::col((Posts::Table, Posts::UserId)).equals((Users::Table, Users::Id)),
        )
        .and_where(Expr::col((Users::Table, Users::HairColor)).eq("black"))
        .build(builder)
}

/// The medium query, as sqlalgebra builds and renders it; returns the SQL
/// and the number of binds (the binds borrow the statement).
fn sqlalgebra_medium(dialect: &'static dyn Dialect) -> (String, usize) {
    let q = select((users::ALL, posts::ALL))
        .from(users::Users)
        .left_join(posts::Posts, posts::UserId.eq(users::Id))
        .filter(users::HairColor.eq("black"));
    let r = q.to_sql(dialect).expect("render");
    (r.sql, r.binds.len())
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let dialects: [(&str, &'static dyn Dialect); 3] = [
        ("sqlite", &sqlalgebra_sqlite::Sqlite),
        ("postgres", &sqlalgebra_postgres::Postgres),
        ("mysql", &sqlalgebra_mysql::Mysql),
    ];
    for (name, dialect) in dialects {
        // The same statement, give or take spelling: both bind one value.
        let (ours, binds) = sqlalgebra_medium(dialect);
        let theirs = match name {
            "sqlite" => sea_query_medium(SqliteQueryBuilder),
            "postgres" => sea_query_medium(PostgresQueryBuilder),
            _ => sea_query_medium(MysqlQueryBuilder),
        };
        assert_eq!(binds, 1);
        assert_eq!(theirs.1.0.len(), 1);
        eprintln!("sqlalgebra: {ours}\nSeaQuery:   {}", theirs.0);

        let mut group = c.benchmark_group(format!("render_medium/{name}"));
        group.bench_function("sqlalgebra", |b| {
            b.iter(|| black_box(sqlalgebra_medium(black_box(dialect))))
        });
        group.bench_function("sea_query", |b| match name {
            "sqlite" => b.iter(|| black_box(sea_query_medium(SqliteQueryBuilder))),
            "postgres" => b.iter(|| black_box(sea_query_medium(PostgresQueryBuilder))),
            _ => b.iter(|| black_box(sea_query_medium(MysqlQueryBuilder))),
        });
        group.finish();
    }
    c.final_summary();
}
