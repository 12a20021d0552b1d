"""Benchmark the LLM layer against the local test server (a script, not a timed test).

1. 200 distinct requests, each delayed 100 ms by the server, at concurrency 16:
   wall time (goal: under 3 s) and the peak in flight the server saw.
2. `specc build specs/ --target docs,podcast`: the template build against the
   same build with `--llm` from a warm lock (goal: zero requests and under
   1.2x the template build's time), median of several runs of the CLI.

Run: `python benchmarks/llm.py [--runs 7]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from llm_answers import either  # noqa: E402

from llm_server import LlmServer  # noqa: E402

KEY = "sk-benchmark-not-secret"


def concurrent_requests(server: LlmServer, count: int, concurrency: int) -> dict:
    """Send ``count`` requests through the real client and time them."""
    from specc import config
    from specc.llm import client as llm
    from specc.llm.lock import Lock

    server.delay = 0.1
    settings = llm.Settings.resolve(
        config.LlmConfig(model="test-model", concurrency=concurrency),
        environ={"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": KEY},
    )
    with tempfile.TemporaryDirectory() as scratch:
        client = llm.Client(settings, Lock.load(Path(scratch) / "specc.lock"))
        client._openai()  # import openai before the clock starts, as a warm run would
        requests = [
            llm.Request("bench/x", [{"role": "user", "content": f"question {i}"}])
            for i in range(count)
        ]
        started = time.perf_counter()
        answers = client.complete_many(requests)
        elapsed = time.perf_counter() - started
    server.delay = 0.0
    return {
        "requests": len(answers),
        "concurrency": concurrency,
        "seconds": round(elapsed, 3),
        "peak_in_flight": server.peak_in_flight(),
    }


def _specc(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "specc", *args],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def warm_lock_build(server: LlmServer, runs: int) -> dict:
    """Time the template build and the --llm build from a warm lock, via the CLI."""
    server.reply_with(either)
    env = {**os.environ, "OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": KEY}
    with tempfile.TemporaryDirectory() as scratch:
        specs = Path(scratch) / "specs"
        shutil.copytree(ROOT / "specs", specs)
        (specs / "specc.toml").write_text('[llm]\nmodel = "test-model"\n')
        common = ["build", str(specs), "--target", "docs,podcast"]
        template = common + ["--out", str(Path(scratch) / "out-template")]
        assisted = common + ["--out", str(Path(scratch) / "out-llm"), "--llm"]
        _specc(template, env)
        _specc(assisted, env)  # fills the lock
        cold = len(server.completions())
        times: dict[str, list[float]] = {"template": [], "llm": []}
        for _ in range(runs):
            times["template"].append(_specc(template, env))
            times["llm"].append(_specc(assisted, env))
        warm = len(server.completions()) - cold
    median = {k: statistics.median(v) for k, v in times.items()}
    return {
        "requests_to_fill_lock": cold,
        "requests_from_warm_lock": warm,
        "template_s": round(median["template"], 3),
        "llm_warm_lock_s": round(median["llm"], 3),
        "ratio": round(median["llm"] / median["template"], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    server = LlmServer(api_key=KEY).start()
    try:
        burst = concurrent_requests(server, args.requests, args.concurrency)
        server.log.clear()
        build = warm_lock_build(server, args.runs)
    finally:
        server.stop()
    print("| measure | value | goal |")
    print("| --- | --- | --- |")
    print(
        f"| {burst['requests']} requests x 100 ms at concurrency {burst['concurrency']} "
        f"| {burst['seconds']} s (peak in flight {burst['peak_in_flight']}) | < 3 s |"
    )
    print(
        f"| requests to fill the lock / from the warm lock "
        f"| {build['requests_to_fill_lock']} / {build['requests_from_warm_lock']} | - / 0 |"
    )
    print(
        f"| template build / --llm build from the warm lock (median of {args.runs}) "
        f"| {build['template_s']} s / {build['llm_warm_lock_s']} s "
        f"= {build['ratio']}x | < 1.2x |"
    )


if __name__ == "__main__":
    main()
