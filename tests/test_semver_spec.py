"""The project's own semver spec: hand-written implementations in three languages.

specs/semver.spec.md follows semver.org 2.0.0 and pins the edges where npm's
and Python's semver libraries disagree (a `v` prefix, surrounding whitespace,
bumping a pre-release, build metadata). A correct implementation passes every
example in TypeScript, Python and Rust; one that compares numeric
pre-release identifiers as strings (`rc.10` before `rc.2`) fails under
`compare` and `newest`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from impls.breakages import SEMVER_DESTINATIONS, implementation

from conftest import ROOT

SPEC = ROOT / "specs" / "semver.spec.md"
#: Where each language's implementation lives in its package.
DESTINATIONS = SEMVER_DESTINATIONS


def run(cli, folder: Path, target: str, broken: bool) -> dict[tuple[str, int], dict]:  # type: ignore[no-untyped-def]
    """Build the spec for ``target``, implement it, and return each example's result."""
    out = folder / "out"
    done = cli("build", str(SPEC), "--target", target, "--out", str(out))
    assert done.exit_code == 0, done.output
    source = implementation(target, "semver", broken)
    (out / DESTINATIONS[target]).write_text(source, "utf-8")
    done = cli(
        "test", str(SPEC), "--target", target, "--out", str(out), "--format", "json"
    )
    rows = json.loads(done.stdout)["results"]
    return {(r["rule"], r["example"]): r for r in rows}


@pytest.mark.parametrize("target", sorted(DESTINATIONS))
def test_a_correct_implementation_passes_every_example(
    cli, tmp_path: Path, target: str
) -> None:
    rows = run(cli, tmp_path, target, broken=False)
    failing = {k: r["message"] for k, r in rows.items() if r["status"] != "passed"}
    assert failing == {}
    assert len(rows) == 39


@pytest.mark.parametrize("target", sorted(DESTINATIONS))
def test_numeric_identifiers_compared_as_strings_fail_under_their_rules(
    cli, tmp_path: Path, target: str
) -> None:
    rows = run(cli, tmp_path, target, broken=True)
    failed = sorted(k for k, r in rows.items() if r["status"] == "failed")
    assert failed == [("compare", 5), ("compare", 6), ("newest", 3)]
