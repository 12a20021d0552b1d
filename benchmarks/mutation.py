"""Time `specc test --mutate` on the repo's example specs with their hand-written implementations.

For each spec (examples/specs/geometry and todo, specs/semver) and code target,
builds the package into a fresh folder, puts the implementation from
tests/impls/ in it, and runs `specc test --target T --mutate --format json`
twice: cold (its mutation cache removed first) and warm (everything cached).
Prints a Markdown table of mutants, time and per-rule scores.

    python benchmarks/mutation.py [--workers N] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = {
    "geometry": ROOT / "examples" / "specs" / "geometry.spec.md",
    "todo": ROOT / "examples" / "specs" / "todo.spec.md",
    "semver": ROOT / "specs" / "semver.spec.md",
}
EXTENSIONS = {"ts": "ts", "python": "py", "rust": "rs"}


def destination(target: str, spec: str) -> str:
    """Return where a spec's implementation lives in the target's package."""
    return {
        "ts": f"ts/{spec}/src/impl.ts",
        "python": f"python/{spec}/src/{spec}/implementation.py",
        "rust": f"rust/{spec}/src/implementation.rs",
    }[target]


def specc(*args: str) -> subprocess.CompletedProcess[str]:
    """Run specc in a process of its own, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "specc", *args], capture_output=True, text=True
    )


def measure(spec: str, target: str, out: Path, workers: int) -> dict[str, object]:
    """Run the cold and the warm mutation run of one spec on one target."""
    from specc.naming import path_segment
    from specc.toolchain import cache_dir

    cache = cache_dir() / "mutation" / f"{target}-{path_segment(spec)}.json"
    cache.unlink(missing_ok=True)
    args = ["test", str(SPECS[spec]), "--target", target, "--out", str(out)]
    args += ["--mutate", "--workers", str(workers), "--format", "json"]
    seconds = []
    found: dict[str, object] = {}
    for _ in range(2):
        started = time.perf_counter()
        done = specc(*args)
        seconds.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"{spec} {target}: exit {done.returncode}\n{done.stderr}")
        found = json.loads(done.stdout)["mutation"]["specs"][spec]
    totals = found["targets"][target]  # type: ignore[index]
    scores = {
        rule: cells[target].get("score")
        for rule, cells in found["rules"].items()  # type: ignore[attr-defined]
    }
    timing = {"spec": spec, "target": target, "cold": seconds[0], "warm": seconds[1]}
    return {**timing, **totals, "scores": scores}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--markdown", type=Path)
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="specc-mutation-bench-") as scratch:
        for spec, path in SPECS.items():
            out = Path(scratch) / spec
            done = specc(
                "build", str(path), "--target", "ts,python,rust", "--out", str(out)
            )
            if done.returncode != 0:
                raise SystemExit(done.stderr)
            for target, extension in EXTENSIONS.items():
                source = ROOT / "tests" / "impls" / target / f"{spec}.{extension}"
                shutil.copy(source, out / destination(target, spec))
                rows.append(measure(spec, target, out, options.workers))
                print(json.dumps(rows[-1]), file=sys.stderr)
    lines = [
        "| spec | target | mutants run | did not compile | unreached | cold | warm | score per rule |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        scores = ", ".join(
            f"{rule} {score:.0%}" if score is not None else f"{rule} –"
            for rule, score in row["scores"].items()  # type: ignore[attr-defined]
        )
        lines.append(
            f"| {row['spec']} | {row['target']} | {row['mutants']} | {row['unviable']} "
            f"| {row['unreached']} | {row['cold']:.1f} s | {row['warm']:.1f} s | {scores} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if options.markdown:
        options.markdown.write_text(text)


if __name__ == "__main__":
    main()
