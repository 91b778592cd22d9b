#!/usr/bin/env python3
"""Instructions per execution, counted by callgrind, for the table
"Instructions per execution" of BENCHMARKS.md.

Needs valgrind and the profile binary (`cargo build --profile bench --bin
profile`), and the servers for their rows. Each row runs `profile` under
callgrind for each contestant, counting `run_loop` (`orm_loop` for the ORM):
the iterations plus one warm-up iteration, divided by their number. Only
the client's instructions are counted, not the server's.

    python3 instructions.py            # every row
    python3 instructions.py sqlite     # rows whose backend matches
    python3 instructions.py writes     # the ORM's write shapes (table below)
    python3 instructions.py writes sqlite
    python3 instructions.py orm        # the ORM's loads (table below)
    PROFILE_BEFORE=old/profile python3 instructions.py compare [sqlite]

`orm` counts the ORM's loads (`orm_loop`): the trivial query (1, 100 and
10 000 users loaded into a session and moved out), the lookup by key and
the associations. `compare` counts those and the write shapes' ORM rows
with two profile binaries, PROFILE_BEFORE then PROFILE, row by row back
to back, and prints before, after and the change.

The write shapes count `counted` (the insert, or the changes and the
commit after the load) for the ORM, raw and Diesel, after one warm-up
run that is not counted.

PROFILE (environment) names the profile binary, by default
target/release/profile.
"""

import os

import re
import subprocess
import sys

PROFILE = os.environ.get("PROFILE", "target/release/profile")

# (label, backend, benchmark, size, iterations)
ROWS = [
    ("SQLite, trivial, 1 row", "sqlite", "trivial", 1, 2000),
    ("SQLite, trivial, 100 rows", "sqlite", "trivial", 100, 200),
    ("SQLite, trivial, 10 000 rows", "sqlite", "trivial", 10000, 3),
    ("SQLite, lookup by key", "sqlite", "lookup", 100, 2000),
    ("SQLite, medium, 1 user", "sqlite", "medium", 1, 2000),
    ("SQLite, medium, 1 000 users", "sqlite", "medium", 1000, 20),
    ("SQLite, insert, 100 users", "sqlite", "insert", 100, 200),
    ("SQLite, associations", "sqlite", "associations", 100, 20),
    ("PostgreSQL, trivial, 1 row", "postgres", "trivial", 1, 1000),
    ("PostgreSQL, trivial, 1 000 rows", "postgres", "trivial", 1000, 20),
    ("PostgreSQL, lookup by key", "postgres", "lookup", 100, 1000),
    ("PostgreSQL, medium, 1 000 users", "postgres", "medium", 1000, 20),
    ("PostgreSQL, insert, 100 users", "postgres", "insert", 100, 200),
    ("PostgreSQL, associations", "postgres", "associations", 100, 20),
    ("MySQL, trivial, 1 row", "mysql", "trivial", 1, 1000),
    ("MySQL, trivial, 1 000 rows", "mysql", "trivial", 1000, 20),
    ("MySQL, lookup by key", "mysql", "lookup", 100, 1000),
    ("MySQL, medium, 1 000 users", "mysql", "medium", 1000, 20),
    ("MySQL, insert, 100 users", "mysql", "insert", 100, 200),
    ("MySQL, associations", "mysql", "associations", 100, 20),
]


# (label, backend, benchmark, size, iterations): the ORM's write shapes.
WRITE_ROWS = [
    ("SQLite, insert 10 000 objects", "sqlite", "write_insert", 10000, 2),
    ("SQLite, update 1 000 loaded", "sqlite", "write_update", 1000, 3),
    ("SQLite, delete 1 000 loaded", "sqlite", "write_delete", 1000, 3),
    ("PostgreSQL, insert 10 000 objects", "postgres", "write_insert", 10000, 2),
    ("PostgreSQL, update 1 000 loaded", "postgres", "write_update", 1000, 3),
    ("PostgreSQL, delete 1 000 loaded", "postgres", "write_delete", 1000, 3),
    ("MySQL, insert 10 000 objects", "mysql", "write_insert", 10000, 2),
    ("MySQL, update 1 000 loaded", "mysql", "write_update", 1000, 3),
    ("MySQL, delete 1 000 loaded", "mysql", "write_delete", 1000, 3),
]


# (label, backend, benchmark, size, iterations): the ORM's loads.
ORM_ROWS = [
    ("SQLite, ORM, trivial, 1 row", "sqlite", "trivial", 1, 2000),
    ("SQLite, ORM, trivial, 100 rows", "sqlite", "trivial", 100, 200),
    ("SQLite, ORM, trivial, 10 000 rows", "sqlite", "trivial", 10000, 3),
    ("SQLite, ORM, lookup by key", "sqlite", "lookup", 100, 2000),
    ("SQLite, ORM, associations", "sqlite", "associations", 100, 20),
    ("PostgreSQL, ORM, trivial, 1 row", "postgres", "trivial", 1, 1000),
    ("PostgreSQL, ORM, trivial, 100 rows", "postgres", "trivial", 100, 200),
    ("PostgreSQL, ORM, trivial, 10 000 rows", "postgres", "trivial", 10000, 3),
    ("PostgreSQL, ORM, lookup by key", "postgres", "lookup", 100, 1000),
    ("PostgreSQL, ORM, associations", "postgres", "associations", 100, 20),
    ("MySQL, ORM, trivial, 1 row", "mysql", "trivial", 1, 1000),
    ("MySQL, ORM, trivial, 100 rows", "mysql", "trivial", 100, 200),
    ("MySQL, ORM, trivial, 10 000 rows", "mysql", "trivial", 10000, 3),
    ("MySQL, ORM, lookup by key", "mysql", "lookup", 100, 1000),
    ("MySQL, ORM, associations", "mysql", "associations", 100, 20),
]


def count(backend, bench, who, size, iterations, profile=PROFILE):
    """Instructions per iteration of one contestant."""
    if bench.startswith("write_"):
        loop, runs = "*counted*", iterations
    else:
        loop, runs = ("*orm_loop*" if who == "orm" else "*run_loop*"), iterations + 1
    out = subprocess.run(
        [
            "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
            f"--toggle-collect={loop}",
            profile, backend, bench, who, str(size), str(iterations),
        ],
        capture_output=True, text=True, check=True,
    ).stderr
    collected = int(re.search(r"Collected : (\d+)", out).group(1))
    return collected / runs


def human(n):
    """Three significant digits, in k or M."""
    unit, div = ("M", 1e6) if n >= 1e6 else ("k", 1e3) if n >= 1e3 else ("", 1)
    v = n / div
    digits = 2 if v < 10 else 1 if v < 100 else 0
    return f"{v:.{digits}f} {unit}".strip()


def writes(only):
    """The write shapes' table."""
    print("| | ORM | raw | Diesel | ORM / raw | ORM / Diesel |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, backend, bench, size, iterations in WRITE_ROWS:
        if only and only != backend:
            continue
        n = {w: count(backend, bench, w, size, iterations) for w in ("orm", "raw", "diesel")}
        print(f"| {label} | {human(n['orm'])} | {human(n['raw'])} | {human(n['diesel'])} "
              f"| {n['orm'] / n['raw']:.2f} | {n['orm'] / n['diesel']:.2f} |", flush=True)


def orm(only):
    """The ORM's loads."""
    print("| | ORM |")
    print("|---|---:|")
    for label, backend, bench, size, iterations in ORM_ROWS:
        if only and only != backend:
            continue
        print(f"| {label} | {human(count(backend, bench, 'orm', size, iterations))} |", flush=True)


def compare(only):
    """The ORM's loads and write shapes, PROFILE_BEFORE against PROFILE."""
    before = os.environ["PROFILE_BEFORE"]
    print("| | before | after | change |")
    print("|---|---:|---:|---:|")
    rows = ORM_ROWS + [(label.replace(", ", ", ORM, ", 1), *rest) for label, *rest in WRITE_ROWS]
    for label, backend, bench, size, iterations in rows:
        if only and only != backend:
            continue
        b = count(backend, bench, "orm", size, iterations, before)
        a = count(backend, bench, "orm", size, iterations)
        print(f"| {label} | {human(b)} | {human(a)} | {(a / b - 1) * 100:+.1f}% |", flush=True)


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else None
    if mode in ("writes", "orm", "compare"):
        {"writes": writes, "orm": orm, "compare": compare}[mode](
            sys.argv[2] if len(sys.argv) > 2 else None)
        return
    only = sys.argv[1] if len(sys.argv) > 1 else None
    print("| | sqlalgebra | raw | Diesel | / raw | / Diesel |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, backend, bench, size, iterations in ROWS:
        if only and only != backend:
            continue
        n = {w: count(backend, bench, w, size, iterations) for w in ("sqlalgebra", "raw", "diesel")}
        if bench == "associations":
            n["orm"] = count(backend, bench, "orm", size, iterations)
            ours = f"{human(n['sqlalgebra'])} / {human(n['orm'])}"
            to_raw = f"{n['sqlalgebra'] / n['raw']:.2f} / {n['orm'] / n['raw']:.2f}"
            to_diesel = f"{n['sqlalgebra'] / n['diesel']:.2f} / {n['orm'] / n['diesel']:.2f}"
            label += ", Core / ORM"
        else:
            ours = human(n["sqlalgebra"])
            to_raw = f"{n['sqlalgebra'] / n['raw']:.2f}"
            to_diesel = f"{n['sqlalgebra'] / n['diesel']:.2f}"
        print(f"| {label} | {ours} | {human(n['raw'])} | {human(n['diesel'])} | {to_raw} | {to_diesel} |",
              flush=True)


if __name__ == "__main__":
    main()
