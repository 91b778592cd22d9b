#!/usr/bin/env bash
# Times `cargo check` and a debug build of a generated schema of 100 tables
# x 10 columns with one join query per table (see gen.py). The library and
# its dependencies are built first and not timed: only the generated crate
# is. Prints wall-clock seconds and CPU seconds (user + sys, which a loaded
# machine disturbs less). Not part of CI.
#
# Usage: benches/compile_cost/run.sh [TABLES] [RUNS]
# CARGO_TARGET_DIR defaults to the worktree's own target dir (dependencies
# are shared with it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
tables="${1:-100}"
runs="${2:-3}"
out="$repo/target/compile-cost"
python3 "$here/gen.py" "$out" "$tables"
cp "$repo/Cargo.lock" "$out/Cargo.lock"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
cd "$out"
cargo check -q 2>/dev/null || cargo check
cargo build -q
for kind in check build; do
  for _ in $(seq "$runs"); do
    touch src/main.rs
    /usr/bin/time -f "$kind wall %e s, cpu %U+%S s" cargo "$kind" -q
  done
done
"$CARGO_TARGET_DIR/debug/compile-cost"
