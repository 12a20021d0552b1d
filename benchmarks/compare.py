"""Compare specc checkouts by CPU time, runs alternating; or time each stage in-process.

Two checkouts, each with its own virtual environment, run one after the other
on the same inputs, so a machine whose speed changes from minute to minute
slows both alike::

    python benchmarks/compare.py OLD/.venv/bin/python NEW/.venv/bin/python
    python benchmarks/compare.py --ratio OLD/.venv/bin/python NEW/.venv/bin/python
    python benchmarks/compare.py --stages NEW/.venv/bin/python

The default times a fresh `specc build` of N = 1000 in one file: types into
ts,rust,python,docs and full into ts,rust,python (issue 23's two CPU goals).
``--ratio`` times N = 1000 types in 20 specs, four targets: a full build, a
no-op rebuild and a rebuild after one spec changed. ``--stages`` times, in
one warm process with the collector paused, the front end and each target
over the IR. Every figure is the median of ``--runs`` runs of CPU time (user
plus system, of the process and its workers).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import generate  # noqa: E402

BUILDS = {
    "types": (False, "ts,rust,python,docs"),
    "full": (True, "ts,rust,python"),
}

STAGES = """
import gc, statistics, sys, time
from specc.build.emit import run_emitters
from specc.emitters.base import held
from specc.frontend.compile import compile_file
path, targets, runs = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
gc.disable()
compile_file(path)
def timed(work):
    times = []
    for _ in range(runs):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return statistics.median(times)
figures = {"front end": timed(lambda: compile_file(path))}
specs = [compile_file(path).spec]
def sink(name, files):
    return held(files)
for target in targets:
    run_emitters(specs, [target], sink=sink)  # templates compiled before timing
    figures[target] = timed(lambda: run_emitters(specs, [target], sink=sink))
print(" | ".join(f"{k} {v:.3f} s" for k, v in figures.items()))
"""
"""Print the median in-process CPU of the front end and of each target."""


def cpu(command: list[str]) -> float:
    """Run ``command``; return its CPU seconds (with its waited-for children)."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed")
    return usage.ru_utime + usage.ru_stime


def build(python: str, specs: list[Path], targets: str, out: Path) -> list[str]:
    """Return the command line of a `specc build` in ``python``'s environment."""
    command = [python, "-m", "specc", "build", *map(str, specs), "-t", targets]
    return command + ["--out", str(out)]


def alternate(
    pythons: list[str], runs: int, cases: dict[str, Callable[[str], float]]
) -> None:
    """Run every case in every interpreter, ``runs`` rounds; print the medians."""
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(runs):
        for case, measure in cases.items():
            for python in pythons:
                times.setdefault((case, python), []).append(measure(python))
    for (case, python), values in times.items():
        spread = " ".join(f"{v:.2f}" for v in values)
        median = statistics.median(values)
        share = ""
        if case != "full build" and ("full build", python) in times:
            share = f", {median / statistics.median(times['full build', python]):.0%}"
        print(f"{case:12} {python}: median {median:.3f} s{share} ({spread})")
    print(f"load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("pythons", nargs="+", help="each checkout's python")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ratio", action="store_true")
    parser.add_argument("--stages", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="specc-compare-"))
    try:
        # Each checkout builds into its own folder, so its rebuilds find its cache.
        outs = {python: work / f"out-{i}" for i, python in enumerate(args.pythons)}

        def fresh(specs: list[Path], targets: str) -> Callable[[str], float]:
            def measure(python: str) -> float:
                shutil.rmtree(outs[python], ignore_errors=True)
                return cpu(build(python, specs, targets, outs[python]))

            return measure

        if args.stages:
            for flavour, (full, targets) in BUILDS.items():
                generate(1000, work / flavour, full, False)
                for python in args.pythons:
                    spec = str(work / flavour / "synth.spec.md")
                    command = [python, "-c", STAGES, spec, targets, str(args.runs)]
                    figures = subprocess.run(
                        command, check=True, capture_output=True, text=True
                    ).stdout.strip()
                    print(f"{flavour:5} {python}: {figures}")
        elif args.ratio:
            generate(1000, work / "split", False, True)
            specs = sorted((work / "split").glob("*.spec.md"))
            changed, edits = specs[len(specs) // 2], iter(range(10**6))
            original = changed.read_text("utf-8")

            def again(python: str) -> float:
                return cpu(build(python, specs, BUILDS["types"][1], outs[python]))

            def one_changed(python: str) -> float:
                edit = f"every record (edit {next(edits)}) MUST"
                changed.write_text(original.replace("every record MUST", edit), "utf-8")
                return again(python)

            alternate(
                args.pythons,
                args.runs,
                {
                    "full build": fresh(specs, BUILDS["types"][1]),
                    "no-op": again,
                    "one changed": one_changed,
                },
            )
        else:
            cases = {}
            for flavour, (full, targets) in BUILDS.items():
                generate(1000, work / flavour, full, False)
                cases[flavour] = fresh([work / flavour / "synth.spec.md"], targets)
            alternate(args.pythons, args.runs, cases)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
