"""Verification reports kept under `out/report/`: written atomically, read leniently.

A build never owns these files (no manifest entry), so no build removes them;
`specc test` writes `tests.json` and `passes.json` (each rule's digest when it
last passed), `specc test --mutate` writes `mutation.json` and `specc eval`
writes `evals.json`; the docs site shows what it finds there.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

REPORT_DIR = "report"
TESTS = "tests.json"
EVALS = "evals.json"
PASSES = "passes.json"
MUTATION = "mutation.json"


def report_path(out_dir: str | Path, name: str) -> Path:
    """Return where the report ``name`` lives under the output folder."""
    return Path(out_dir) / REPORT_DIR / name


def write_report(out_dir: str | Path, name: str, data: Any) -> Path:
    """Write a report as sorted, indented JSON through a temporary file and a rename."""
    path = report_path(out_dir, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    temporary = path.with_name(f".{path.name}.specc-tmp-{os.getpid()}")
    temporary.unlink(missing_ok=True)  # never write through a planted symlink
    try:
        with open(temporary, "x", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def read_reports(out_dir: str | Path) -> dict[str, Any]:
    """Return the reports present under the output folder, by name (`tests`, `evals`, …)."""
    found = {}
    for name in (TESTS, EVALS, PASSES, MUTATION):
        data = read_report(out_dir, name)
        if data is not None:
            found[name.removesuffix(".json")] = data
    return found


def read_report(out_dir: str | Path, name: str) -> Any:
    """Return a report's data, or None when it is missing or unreadable."""
    try:
        return json.loads(report_path(out_dir, name).read_text("utf-8"))
    except (OSError, ValueError):
        return None
