//! Wrong queries must not compile, and the compiler must say why in SQL
//! terms. Each file in `ui/` is one mistake; its `.stderr` is the expected
//! message. `pass/` holds the right versions, which must compile, so that
//! the messages are not bought by rejecting good queries too.
//!
//! Regenerate the messages with
//! `TRYBUILD=overwrite cargo test -p sqlalgebra-compile-fail`, and read
//! them before committing: the first line must name the problem.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("pass/*.rs");
    t.compile_fail("ui/*.rs");
}
