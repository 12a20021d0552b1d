"""Benchmark the front end: the Model Spec to IR in-process, and CLI start-up."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL_SPEC = ROOT / "tests" / "data" / "corpus" / "model_spec.md"


def time_compile(path: Path, runs: int) -> tuple[float, list[float]]:
    """Return the first (cold) compile time and the warm times, in seconds."""
    start = time.perf_counter()
    from specc.frontend.compile import compile_file

    result = compile_file(path)
    cold = time.perf_counter() - start
    assert result.ok, [d.message for d in result.diagnostics]
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        compile_file(path)
        warm.append(time.perf_counter() - start)
    return cold, warm


def time_startup(runs: int) -> list[float]:
    """Return wall times of `specc --version` in a fresh interpreter."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "specc", "--version"],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Print the figures the performance intent names."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spec", type=Path, default=MODEL_SPEC)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    size = args.spec.stat().st_size // 1024
    cold, warm = time_compile(args.spec, args.runs)
    print(f"{args.spec.name} ({size} KB) to IR, in-process:")
    print(f"  first compile (imports included): {cold * 1000:7.1f} ms")
    print(
        f"  warm, median of {args.runs}:            {statistics.median(warm) * 1000:7.1f} ms"
        f"  (best {min(warm) * 1000:.1f} ms)   target < 300 ms"
    )
    startup = time_startup(args.runs)
    print(
        f"specc --version wall time, median of {args.runs}: "
        f"{statistics.median(startup) * 1000:.1f} ms (best {min(startup) * 1000:.1f} ms)"
        "   target < 250 ms"
    )


if __name__ == "__main__":
    main()
