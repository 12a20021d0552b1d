"""Benchmark specc against quicktype on synthetic specs; print a Markdown table.

Run from a clone with specc installed (``python -m pip install -e .``)::

    python benchmarks/run.py                  # N = 10, 100, 1000, 10000
    python benchmarks/run.py --sizes 10,1000 --runs 3 --markdown table.md

The first run installs quicktype (pinned) into ``.cache/quicktype`` with npm.
Every figure is the median of ``--runs`` fresh processes: wall time, and peak
resident memory of the process (``wait4``'s ``ru_maxrss``, which covers the
largest of its waited-for children too). quicktype is measured in the same
run, on the same types written as JSON Schema.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import alias_spec, generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
QUICKTYPE_VERSION = "26.0.0"
QUICKTYPE_DIR = CACHE / "quicktype"
QUICKTYPE = QUICKTYPE_DIR / "node_modules" / ".bin" / "quicktype"
ALL = "ts,rust,python,docs"
CODE = "ts,rust,python"


@dataclass
class Figure:
    """Medians of several runs of one command."""

    seconds: float
    megabytes: float
    runs: int
    cpu: float = 0.0
    """User plus system CPU seconds (all processes), less sensitive to a busy machine."""

    def to_json(self) -> dict[str, float]:
        """Return the figure as a JSON object."""
        return {
            "seconds": self.seconds,
            "cpu": self.cpu,
            "megabytes": self.megabytes,
            "runs": self.runs,
        }


def run_once(command: list[str], cwd: Path | None = None) -> tuple[float, float, float]:
    """Run ``command``; return its wall time (s), peak resident memory (MB) and CPU (s)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert process.stderr is not None
    error = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{error.decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def measure(make_command, runs: int, before=None) -> Figure:  # type: ignore[no-untyped-def]
    """Return the medians of ``runs`` runs of ``make_command(i)`` (``before(i)`` untimed)."""
    times, memory, cpu = [], [], []
    for i in range(runs):
        if before is not None:
            before(i)
        seconds, megabytes, used = run_once(make_command(i))
        times.append(seconds)
        memory.append(megabytes)
        cpu.append(used)
    median = statistics.median
    return Figure(median(times), median(memory), runs, median(cpu))


def specc(*args: str) -> list[str]:
    """Return the command line of ``specc`` in this interpreter."""
    return [sys.executable, "-m", "specc", *args]


def ensure_quicktype() -> Path | None:
    """Install the pinned quicktype with npm on first use; None when npm is missing."""
    if QUICKTYPE.exists():
        return QUICKTYPE
    npm = shutil.which("npm")
    if npm is None:
        print("npm not found: quicktype columns are left empty", file=sys.stderr)
        return None
    print(
        f"installing quicktype@{QUICKTYPE_VERSION} into {QUICKTYPE_DIR}",
        file=sys.stderr,
    )
    subprocess.run(
        [npm, "install", "--prefix", str(QUICKTYPE_DIR), "--no-audit", "--no-fund"]
        + ["--loglevel=error", f"quicktype@{QUICKTYPE_VERSION}"],
        check=True,
    )
    return QUICKTYPE


class Bench:
    """One benchmark session: inputs under a temporary folder, results in a dict."""

    def __init__(self, work: Path, runs: int, quicktype: Path | None) -> None:
        self.work, self.runs, self.quicktype = work, runs, quicktype
        self.rows: list[dict[str, object]] = []
        self.big_runs = 1
        self.commands: dict[str, object] = {}
        self.alias_cpu: dict[int, float] = {}
        """Median CPU seconds of compiling N aliases in one spec, by N."""

    def runs_for(self, n: int) -> int:
        """Return how many runs to take at size ``n`` (``--big-runs`` from N = 10000)."""
        return self.big_runs if n >= 10000 else self.runs

    def inputs(self, n: int, full: bool, split: bool) -> Path:
        """Generate (once per session) the input of one configuration."""
        folder = (
            self.work
            / f"in-{n}-{'full' if full else 'types'}-{'split' if split else 'one'}"
        )
        if not folder.exists():
            generate(n, folder, full, split)
        return folder

    def build(self, folder: Path, targets: str, runs: int) -> Figure:
        """Time a full `specc build` into a fresh output folder."""
        out = self.work / "out"

        def clean(_: int) -> None:
            shutil.rmtree(out, ignore_errors=True)

        specs = [str(p) for p in sorted(folder.glob("*.spec.md"))]
        return measure(
            lambda _: specc("build", *specs, "--target", targets, "--out", str(out)),
            runs,
            clean,
        )

    def peer(self, folder: Path, language: str, runs: int) -> Figure | None:
        """Time quicktype turning ``schema.json`` into one language."""
        if self.quicktype is None:
            return None
        out = self.work / f"quicktype.{language}"
        command = [str(self.quicktype), "--src-lang", "schema", "--lang", language]
        command += ["--top-level", "Synth", "-o", str(out), str(folder / "schema.json")]
        return measure(lambda _: command, runs)

    def size(self, n: int, full: bool, split: bool) -> None:
        """Measure one row: specc's targets and quicktype's languages at one size."""
        runs = self.runs_for(n)
        folder = self.inputs(n, full, split)
        row: dict[str, object] = {"n": n, "full": full, "split": split}
        row["specc_all"] = self.build(folder, ALL, runs)
        if n < 10000 or self.big_runs > 1:
            row["specc_code"] = self.build(folder, CODE, runs)
            row["specc_ts"] = self.build(folder, "ts", runs)
        if not full and not split:
            for language in ("ts", "rust", "python"):
                row[f"quicktype_{language}"] = self.peer(folder, language, runs)
        self.rows.append(row)
        print(_row_text(row), file=sys.stderr)

    def aliases(self, sizes: tuple[int, ...] = (1000, 10000)) -> None:
        """Time the front end on chains of type aliases, in-process (imports excluded)."""
        for n in sizes:
            path = self.work / f"aliases-{n}.spec.md"
            path.write_text(alias_spec(n), "utf-8")
            output = subprocess.run(
                [sys.executable, "-c", _ALIASES, str(path), str(self.runs)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            self.alias_cpu[n] = float(output)
            print(f"{n} aliases: {self.alias_cpu[n]:.3f} s CPU", file=sys.stderr)

    def per_command(self, n: int) -> None:
        """Measure start-up, a no-op rebuild, and a rebuild after one spec of 20 changed."""
        self.commands["version"] = measure(
            lambda _: specc("--version"), max(self.runs, 10)
        )
        for full in (False, True):
            folder = self.inputs(n, full, split=True)
            specs = [str(p) for p in sorted(folder.glob("*.spec.md"))]
            out = self.work / "out-rebuild"
            shutil.rmtree(out, ignore_errors=True)
            command = specc("build", *specs, "--target", ALL, "--out", str(out))
            flavour = "full" if full else "types"
            self.commands[f"full_{flavour}"] = measure(
                lambda _, command=command: command,
                self.runs,
                lambda _, out=out: shutil.rmtree(out, ignore_errors=True),
            )
            run_once(command)
            self.commands[f"noop_{flavour}"] = measure(
                lambda _, command=command: command, self.runs
            )
            changed = Path(specs[len(specs) // 2])
            original = changed.read_text("utf-8")

            def touch(
                i: int, changed: Path = changed, original: str = original
            ) -> None:
                changed.write_text(
                    original.replace(
                        "every record MUST", f"every record (edit {i}) MUST"
                    )
                )

            self.commands[f"one_changed_{flavour}"] = measure(
                lambda _, command=command: command, self.runs, touch
            )
            touch(self.runs)  # one change more, for a rebuild that lists its imports
            listing = self.work / f"imports-{flavour}.txt"
            run_once([sys.executable, "-c", _LISTING, str(listing), *command[3:]])
            self.commands[f"floor_{flavour}"] = measure(
                lambda _, listing=listing: [
                    sys.executable,
                    "-c",
                    _IMPORTS,
                    str(listing),
                ],
                self.runs,
            )
            changed.write_text(original)
            self.commands[f"watch_changed_{flavour}"] = self.watch(out, changed, specs)

    def watch(self, out: Path, changed: Path, specs: list[str]) -> Figure:
        """Time `specc watch`'s rebuild after one spec changed (in its process, so
        without start-up or the wait for the file system's event)."""
        output = subprocess.run(
            [sys.executable, "-c", _WATCH, str(out), ALL, str(self.runs), str(changed)]
            + specs,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        wall, cpu = (float(x) for x in output.split())
        return Figure(wall, 0.0, self.runs, cpu)


_LISTING = """
import sys
before = set(sys.modules)
from specc.commands.main import main
from specc.memory import own_process
own_process()
try:
    main(sys.argv[2:], prog_name="specc")
except SystemExit as stop:
    if stop.code:
        raise
found = [name for name in sys.modules if name not in before and name != "__main__"]
with open(sys.argv[1], "w", encoding="utf-8") as listing:
    listing.write("\\n".join(found))
"""
"""Run `specc` with argv[2:]; write the modules it imported to argv[1], in order."""

_IMPORTS = """
import importlib, sys
with open(sys.argv[1], encoding="utf-8") as listing:
    names = listing.read().split()
for name in names:
    try:
        importlib.import_module(name)
    except Exception:
        pass  # a module only its package's code can import first
"""
"""Import the modules argv[1] lists, and nothing else: a rebuild's start-up alone."""

_WATCH = """
import statistics, sys, time
from pathlib import Path
from specc.build.watch import Printer, Settings, Watcher
out, targets, runs, changed, *specs = sys.argv[1:]
settings = Settings(specs, out, targets.split(","))
watcher = Watcher(lambda: (settings, []), Printer(lambda _: None, lambda *_: None))
assert watcher.reload() and watcher.rebuild()  # as `specc watch` starts
path = Path(changed)
original = path.read_text("utf-8")
walls, cpus = [], []
try:
    for i in range(int(runs)):
        edit = f"every record (watched edit {i}) MUST"
        path.write_text(original.replace("every record MUST", edit), "utf-8")
        wall, cpu = time.perf_counter(), time.process_time()
        assert watcher.rebuild() and watcher.recompiled == [changed]
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
finally:
    path.write_text(original, "utf-8")
print(statistics.median(walls), statistics.median(cpus))
"""
"""Rebuild as `specc watch` does after each of argv[3] edits to one spec (argv[4]);
print the median wall and CPU seconds of a rebuild."""


_ALIASES = """
import statistics, sys, time
from specc.frontend.compile import compile_file
path, runs = sys.argv[1], int(sys.argv[2])
assert compile_file(path).ok  # warm: imports and first use are not timed
times = []
for _ in range(runs):
    start = time.process_time()
    compile_file(path)
    times.append(time.process_time() - start)
print(statistics.median(times))
"""
"""Compile a spec (argv[1]) argv[2] times in one process; print the median CPU time."""


def _fmt(figure: object, what: str = "seconds") -> str:
    """Return a figure as `wall s (CPU s)`, or its peak memory with ``what="mb"``."""
    if not isinstance(figure, Figure):
        return "–"
    if what == "mb":
        return f"{figure.megabytes:.0f} MB"
    return f"{figure.seconds:.2f} s ({figure.cpu:.2f})"


def _ratio(peer: object, ours: object) -> str:
    """Return how many times faster specc is, by wall time (and by CPU time)."""
    if not isinstance(peer, Figure) or not isinstance(ours, Figure):
        return "–"
    cpu = f" ({peer.cpu / ours.cpu:.1f}×)" if ours.cpu else ""
    return f"{peer.seconds / ours.seconds:.1f}×{cpu}"


def _row_text(row: dict[str, object]) -> str:
    flavour = "full" if row["full"] else "types"
    layout = f"{int(row['n']) // 50} files" if row["split"] else "1 file"  # type: ignore[call-overload]
    return (
        f"| {row['n']} | {flavour} | {layout} | {_fmt(row['specc_all'])} | "
        f"{_fmt(row['specc_all'], 'mb')} | {_fmt(row.get('specc_code'))} | "
        f"{_fmt(row.get('specc_ts'))} | {_fmt(row.get('quicktype_ts'))} | "
        f"{_fmt(row.get('quicktype_ts'), 'mb')} | {_fmt(row.get('quicktype_rust'))} | "
        f"{_fmt(row.get('quicktype_python'))} | "
        f"{_ratio(row.get('quicktype_ts'), row['specc_all'])} |"
    )


def table(bench: Bench) -> str:
    """Return the results as Markdown: wall time, with CPU time in brackets."""
    lines = [
        "| N | spec | input | specc ts,rust,python,docs | peak | specc ts,rust,python "
        "| specc ts | quicktype ts | peak | quicktype rust | quicktype python "
        "| quicktype ts ÷ specc all |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [_row_text(row) for row in bench.rows]
    c = bench.commands
    if c:
        lines += [
            "",
            "| command | time (CPU) | peak |",
            "|---|---:|---:|",
            f"| `specc --version` | {_fmt(c['version'])} | {_fmt(c['version'], 'mb')} |",
        ]
        for flavour in ("types", "full"):
            full = c[f"full_{flavour}"]
            for key, label in (
                ("full", "full build"),
                ("noop", "no-op rebuild"),
                ("one_changed", "rebuild, 1 spec of 20 changed"),
                ("floor", "its start-up alone (Python and the modules it imports)"),
                ("watch_changed", "`specc watch` rebuild, 1 spec of 20 changed"),
            ):
                figure = c[f"{key}_{flavour}"]
                share = ""
                if key != "full":
                    share = (
                        f", {figure.seconds / full.seconds:.0%} of a full build"  # type: ignore[attr-defined]
                        f" ({figure.cpu / full.cpu:.0%} by CPU)"  # type: ignore[attr-defined]
                    )
                lines.append(
                    f"| N=1000 {flavour}, 20 specs, `--target {ALL}`: {label} | "
                    f"{_fmt(figure)}{share} | "
                    f"{_fmt(figure, 'mb') if figure.megabytes else '–'} |"  # type: ignore[attr-defined]
                )
    if bench.alias_cpu:
        lines += ["", "| type aliases in one chain | front end, CPU | per alias |"]
        lines.append("|---:|---:|---:|")
        lines += [
            f"| {n} | {cpu:.3f} s | {cpu / n * 1e6:.0f} µs |"
            for n, cpu in bench.alias_cpu.items()
        ]
    return "\n".join(lines)


def machine() -> str:
    """Describe the machine the figures come from."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    node = (
        subprocess.run(
            ["node", "--version"], capture_output=True, text=True
        ).stdout.strip()
        if shutil.which("node")
        else "none"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; node {node}; quicktype {QUICKTYPE_VERSION}; "
        f"load average {load}"
    )


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="10,100,1000,10000", help="comma-separated N"
    )
    parser.add_argument(
        "--runs", type=int, default=5, help="runs per figure (3 at N=10000)"
    )
    parser.add_argument(
        "--big-runs",
        type=int,
        default=1,
        help="runs at N=10000 (with 1, only the ts,rust,python,docs build is timed)",
    )
    parser.add_argument(
        "--no-commands", action="store_true", help="skip the per-command figures"
    )
    parser.add_argument("--markdown", type=Path, help="also write the table here")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    quicktype = ensure_quicktype()
    # specc's bytecode, as an install has it: with PYTHONDONTWRITEBYTECODE set,
    # every run would compile each module edited since its .pyc was written.
    package = importlib.util.find_spec("specc")
    for folder in (package.submodule_search_locations or []) if package else []:
        compileall.compile_dir(folder, quiet=1)
    started = machine()
    with tempfile.TemporaryDirectory(prefix="specc-bench-") as work:
        bench = Bench(Path(work), args.runs, quicktype)
        bench.big_runs = args.big_runs
        for n in sizes:
            for full in (False, True):
                for split in (False, True) if n >= 2 * 50 else (False,):
                    bench.size(n, full, split)
        if not args.no_commands:
            bench.per_command(1000)
            bench.aliases()
    ended = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    text = f"Machine: {started} (at the end: {ended})\n\n{table(bench)}\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text, "utf-8")
    if args.json:
        data = {
            "machine": started,
            "rows": [
                {k: v.to_json() if isinstance(v, Figure) else v for k, v in row.items()}
                for row in bench.rows
            ],
            "commands": {k: v.to_json() for k, v in bench.commands.items()},  # type: ignore[attr-defined]
            "aliases": bench.alias_cpu,
        }
        args.json.write_text(json.dumps(data, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
