"""Benchmark a project whose specs use each other against the same records without imports.

Run from a clone with specc installed (``python -m pip install -e .``)::

    python benchmarks/imports.py                   # 20 specs x 50 records, 5 runs
    python benchmarks/imports.py --runs 7 --markdown table.md

Both inputs come from ``benchmarks/synth.py``: N = 1000 records split into 20
specs of 50, once as they are (each spec stands alone) and once with
``--imports`` (every other referencing record of specs 2-20 refers to records
of up to three specs before it, which its spec `uses` and imports with `use`).
Each run is a full `specc build --target ts,rust,python,docs` into an empty
folder; runs of the two inputs alternate, so a neighbour's load falls on both
alike. Figures are medians: wall time and CPU time (user plus system, of the
process and its workers, from ``wait4``, as ``benchmarks/run.py`` measures).
The goal: with imports within 20% of without.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from run import ALL, Figure, machine, run_once, specc  # noqa: E402 (benchmarks/)
from synth import generate  # noqa: E402

GOAL = 1.20
"""With imports, a build may take at most this many times as long as without."""


def build_command(folder: Path, out: Path) -> list[str]:
    """Return the command line of a full build of ``folder``'s specs into ``out``."""
    specs = [str(p) for p in sorted(folder.glob("*.spec.md"))]
    return specc("build", *specs, "--target", ALL, "--out", str(out))


def compare(work: Path, n: int, full: bool, runs: int) -> tuple[Figure, Figure]:
    """Return the figures of a full build without and with imports, runs alternating."""
    flavour = "full" if full else "types"
    plain, imports = work / f"plain-{flavour}", work / f"imports-{flavour}"
    generate(n, plain, full=full, split=True)
    generate(n, imports, full=full, split=True, imports=True)
    out = work / "out"
    taken: dict[Path, list[tuple[float, float, float]]] = {plain: [], imports: []}
    for i in range(runs):
        for folder in (plain, imports) if i % 2 == 0 else (imports, plain):
            shutil.rmtree(out, ignore_errors=True)
            taken[folder].append(run_once(build_command(folder, out)))
    figures = []
    for folder in (plain, imports):
        seconds, megabytes, cpu = zip(*taken[folder], strict=True)
        median = statistics.median
        figures.append(Figure(median(seconds), median(megabytes), runs, median(cpu)))
    return figures[0], figures[1]


def row(n: int, full: bool, plain: Figure, imports: Figure) -> str:
    """Return one Markdown row: both builds, and how much longer imports take."""
    wall = imports.seconds / plain.seconds
    cpu = imports.cpu / plain.cpu
    verdict = "met" if cpu <= GOAL else "missed"
    return (
        f"| {n // 50} × 50 | {'full' if full else 'types'} | "
        f"{plain.seconds:.2f} s ({plain.cpu:.2f}) | {plain.megabytes:.0f} MB | "
        f"{imports.seconds:.2f} s ({imports.cpu:.2f}) | {imports.megabytes:.0f} MB | "
        f"{wall - 1:+.0%} ({cpu - 1:+.0%}) | {verdict} |"
    )


def main() -> None:
    """Run the comparison and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="records (50 per spec)")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure")
    parser.add_argument(
        "--flavours", default="types,full", help="types, full, or both (types,full)"
    )
    parser.add_argument("--markdown", type=Path, help="also write the table here")
    args = parser.parse_args()
    started = machine()
    lines = [
        "| specs × records | spec | without imports | peak | with imports | peak "
        "| imports cost, wall (CPU) | goal ≤ +20% CPU |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    with tempfile.TemporaryDirectory(prefix="specc-imports-") as work:
        for flavour in args.flavours.split(","):
            full = flavour.strip() == "full"
            plain, imports = compare(Path(work), args.n, full, args.runs)
            lines.append(row(args.n, full, plain, imports))
            print(lines[-1], file=sys.stderr)
    ended = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    text = (
        f"Machine: {started} (at the end: {ended}); medians of {args.runs} runs\n\n"
        + "\n".join(lines)
        + "\n"
    )
    print(text)
    if args.markdown:
        args.markdown.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
