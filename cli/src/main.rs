//! `sqlalgebra-cli`: sqlalgebra's command-line tools.
//!
//! ```text
//! cargo run -p sqlalgebra-cli -- print-schema <url>
//! ```
//!
//! `<url>`: `sqlite:path/to/file.db` (or a plain path),
//! `postgres://user@host/db` (add `?options=-csearch_path%3Dschema` for a
//! schema other than `public`), `mysql://user@host/db`.

use std::process::ExitCode;

const USAGE: &str = "usage: sqlalgebra-cli print-schema <url>

Prints the Table, Column and Model impls of every table of a live database.
<url>: sqlite:path/to/file.db (or a path), postgres://user@host/db, mysql://user@host/db";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["print-schema", url] => match sqlalgebra_cli::print_schema(url) {
            Ok(code) => {
                print!("{code}");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("print-schema: {err}");
                ExitCode::FAILURE
            }
        },
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
