#!/usr/bin/env python3
"""Instructions per iteration of the async contestants, counted by
callgrind over the whole process (every thread: tokio's, the SQLite
connection's thread, tokio's blocking pool, sqlx's SQLite worker), for the
async table of BENCHMARKS.md. The servers' instructions are not counted.

Needs valgrind and the profile binary (`cargo build --profile bench --bin
profile` here; with `--no-default-features` it has only the raw drivers
and sqlalgebra, and builds in minutes), and the servers for their rows. Each cell runs `profile`
twice under callgrind: with N iterations and with 0 (the baseline: start,
connection, data, the checked first run); the cell is the difference
divided by N.

    python3 instructions.py                 # every row
    python3 instructions.py sqlite          # rows whose backend matches
    python3 instructions.py sqlite raw,core # some contestants only
    python3 instructions.py postgres all trivial:100  # one shape and size

Rows of one backend share its server's tables: run one invocation per
backend at a time (different backends may run at once).

PROFILE (environment) names the profile binary, by default
target/release/profile (CARGO_TARGET_DIR's when set).
"""

import os
import re
import subprocess
import sys

TARGET = os.environ.get("CARGO_TARGET_DIR", "target")
PROFILE = os.environ.get("PROFILE", os.path.join(TARGET, "release", "profile"))

# (label, backend, shape, size, iterations)
ROWS = [
    ("SQLite, trivial, 1 row", "sqlite", "trivial", 1, 1000),
    ("SQLite, trivial, 100 rows", "sqlite", "trivial", 100, 100),
    ("SQLite, trivial, 10 000 rows", "sqlite", "trivial", 10000, 3),
    ("SQLite, lookup by key", "sqlite", "lookup", 100, 1000),
    ("SQLite, insert, 100 users", "sqlite", "insert", 100, 50),
    ("PostgreSQL, trivial, 1 row", "postgres", "trivial", 1, 500),
    ("PostgreSQL, trivial, 100 rows", "postgres", "trivial", 100, 100),
    ("PostgreSQL, trivial, 10 000 rows", "postgres", "trivial", 10000, 3),
    ("PostgreSQL, lookup by key", "postgres", "lookup", 100, 500),
    ("PostgreSQL, insert, 100 users", "postgres", "insert", 100, 50),
    ("MySQL, trivial, 1 row", "mysql", "trivial", 1, 500),
    ("MySQL, trivial, 100 rows", "mysql", "trivial", 100, 100),
    ("MySQL, trivial, 10 000 rows", "mysql", "trivial", 10000, 3),
    ("MySQL, lookup by key", "mysql", "lookup", 100, 500),
    ("MySQL, insert, 100 users", "mysql", "insert", 100, 50),
]

CONTESTANTS = ["raw", "core", "orm", "sqlx", "seaorm", "diesel"]
NAMES = {
    "raw": "raw driver",
    "core": "sqlalgebra Core",
    "orm": "sqlalgebra ORM",
    "sqlx": "sqlx",
    "seaorm": "SeaORM",
    "diesel": "diesel-async",
}


def collected(backend, shape, who, size, iterations):
    """Instructions of one whole run."""
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         PROFILE, backend, shape, who, str(size), str(iterations)],
        capture_output=True, text=True,
    )
    if run.returncode != 0:
        sys.stderr.write(run.stderr[-3000:])
        raise RuntimeError(f"{backend} {shape} {who} {size} {iterations} failed")
    return int(re.search(r"Collected : (\d+)", run.stderr).group(1))


def count(backend, shape, who, size, iterations):
    """Instructions per iteration: (N iterations - 0 iterations) / N."""
    full = collected(backend, shape, who, size, iterations)
    base = collected(backend, shape, who, size, 0)
    return (full - base) / iterations


def human(n):
    """Three significant digits, in k or M."""
    unit, div = ("M", 1e6) if n >= 1e6 else ("k", 1e3) if n >= 1e3 else ("", 1)
    v = n / div
    digits = 2 if v < 10 else 1 if v < 100 else 0
    return f"{v:.{digits}f} {unit}".strip()


def main():
    only = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != "all" else None
    who = sys.argv[2].split(",") if len(sys.argv) > 2 and sys.argv[2] != "all" else CONTESTANTS
    cell = sys.argv[3] if len(sys.argv) > 3 else None
    if "raw" not in who:
        who = ["raw"] + who
    head = " | ".join(NAMES[w] for w in who)
    ratios = " | ".join(f"{NAMES[w]} / raw" for w in who if w != "raw")
    print(f"| | {head} | {ratios} |")
    print("|---" + "|---:" * (2 * len(who) - 1) + "|")
    for label, backend, shape, size, iterations in ROWS:
        if only and only != backend:
            continue
        if cell and cell != f"{shape}:{size}":
            continue
        n = {}
        for w in who:
            try:
                n[w] = count(backend, shape, w, size, iterations)
            except RuntimeError as e:
                sys.stderr.write(f"{e}\n")
                n[w] = None
        raw = n["raw"]
        cells = " | ".join(human(n[w]) if n[w] is not None else "—" for w in who)
        rs = " | ".join(
            f"{n[w] / raw:.2f}" if n[w] is not None and raw else "—"
            for w in who if w != "raw"
        )
        print(f"| {label} | {cells} | {rs} |", flush=True)


if __name__ == "__main__":
    main()
