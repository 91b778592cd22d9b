//! Placeholder replaced by the render benchmarks.
fn main() {}
