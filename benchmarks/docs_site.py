"""Benchmark the docs target: the Model Spec's site in-process, and `specc build` wall time."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL_SPEC = ROOT / "tests" / "data" / "corpus" / "model_spec.md"
TARGET_S = 1.0


def time_in_process(path: Path, runs: int) -> dict[str, list[float]]:
    """Return compile, emit and write times of building one spec's site, per run."""
    from specc.build import writer
    from specc.build.emit import run_emitters
    from specc.frontend.compile import compile_file

    times: dict[str, list[float]] = {"compile": [], "emit": [], "write": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            compiled = compile_file(str(path))
            assert compiled.ok and compiled.spec is not None
            compiled_at = time.perf_counter()
            files, problems = run_emitters([compiled.spec], ["docs"])
            assert not problems, [p.message for p in problems]
            emitted_at = time.perf_counter()
            writer.apply(writer.plan(Path(out), ["docs"], files))
            written_at = time.perf_counter()
        times["compile"].append(compiled_at - start)
        times["emit"].append(emitted_at - compiled_at)
        times["write"].append(written_at - emitted_at)
    return times


def time_cli(path: Path, runs: int) -> list[float]:
    """Return wall times of `specc build --target docs` into a fresh folder."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "specc", "build", str(path)]
                + ["--target", "docs", "--out", out],
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
    return times


def _ms(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1000:6.1f} ms"
        f"  (best {min(values) * 1000:.1f} ms)"
    )


def main() -> None:
    """Print the figures the docs target's performance goal names."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spec", type=Path, default=MODEL_SPEC)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    size = args.spec.stat().st_size // 1024
    print(f"{args.spec.name} ({size} KB) to a docs site:")
    first = time_in_process(args.spec, 1)
    cold = sum(v[0] for v in first.values())
    print(f"  in-process, first build (templates compiled): {cold * 1000:6.1f} ms")
    warm = time_in_process(args.spec, args.runs)
    for stage, values in warm.items():
        print(f"  in-process {stage:8s} {_ms(values)}")
    total = [sum(parts) for parts in zip(*warm.values(), strict=True)]
    print(f"  in-process total    {_ms(total)}")
    wall = time_cli(args.spec, args.runs)
    verdict = "ok" if statistics.median(wall) < TARGET_S else "OVER"
    print(
        f"`specc build --target docs` wall time: {_ms(wall)}"
        f"   target < {TARGET_S:.0f} s: {verdict}"
    )


if __name__ == "__main__":
    main()
