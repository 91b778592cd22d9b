//! Picks a small, varied seed corpus out of a large one, for
//! `corpus/render_expr/` (replayed by the main workspace's tests):
//!
//! ```text
//! cargo +nightly fuzz run -s none render_expr /tmp/fz -- -max_total_time=60 -max_len=512
//! cargo run --example pick_corpus -- /tmp/fz corpus/render_expr 30
//! ```
//!
//! Greedy set cover: each step takes the input that adds the most node
//! kinds (the variant names in the decoded case) and outcomes not seen yet,
//! per byte, until `count` inputs are taken or nothing new is left.

use std::collections::BTreeSet;
use std::path::PathBuf;

use sqlalgebra_fuzz::{build, decode};

fn features(bytes: &[u8]) -> BTreeSet<String> {
    let Some(case) = decode(bytes) else {
        return BTreeSet::new();
    };
    let debug = format!("{case:?}");
    let mut out: BTreeSet<String> = debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(str::to_owned)
        .collect();
    out.insert(format!("expect:{:?}", build(&case, false).expect));
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [from, to, count] = &args[..] else {
        eprintln!("usage: pick_corpus FROM_DIR TO_DIR COUNT");
        std::process::exit(2);
    };
    let count: usize = count.parse().expect("COUNT is a number");
    let mut inputs: Vec<(PathBuf, Vec<u8>, BTreeSet<String>)> = std::fs::read_dir(from)
        .expect("FROM_DIR is readable")
        .filter_map(|e| {
            let path = e.ok()?.path();
            let bytes = std::fs::read(&path).ok()?;
            let f = features(&bytes);
            Some((path, bytes, f))
        })
        .filter(|(_, _, f)| !f.is_empty())
        .collect();
    inputs.sort_by(|a, b| a.0.cmp(&b.0));
    std::fs::create_dir_all(to).expect("TO_DIR can be made");
    let mut seen = BTreeSet::new();
    for _ in 0..count {
        let best = inputs
            .iter()
            .enumerate()
            .map(|(i, (_, bytes, f))| {
                let new = f.difference(&seen).count();
                (i, new as f64 / (bytes.len() as f64 + 32.0))
            })
            .filter(|(_, score)| *score > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let Some((i, _)) = best else { break };
        let (path, bytes, f) = inputs.swap_remove(i);
        seen.extend(f);
        let name = path.file_name().expect("a file name");
        std::fs::write(PathBuf::from(to).join(name), bytes).expect("TO_DIR is writable");
    }
    println!("{} features covered", seen.len());
}
