"""A clone of the repository in an empty folder has all the suite reads.

These tests clone the checkout's HEAD, so they check what is committed: a file
added or fixed but not committed yet is not in the clone. The clone's tests
import the specc that is installed (the checkout's), as a fresh clone's would
after `pip install -e .`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

#: Where tests, scripts and docs could reach for a folder beside the checkout:
#: a relative path into a `shared` sibling, code that climbs to the checkout's
#: parent and into `shared`, or the checkout's parent as such.
OUTSIDE = r"\.\./shared\b|parent\b[^#\n]*[\"']shared[\"']|\bROOT\.parent\b"
SCANNED = ["tests", "benchmarks", "scripts", ".ci", "docs", "examples", "README.md"]
#: Build output that must never be committed: packages, archives, caches.
BUILD_OUTPUT = re.compile(
    r"\.(whl|tar\.gz|tgz|zip|egg|vsix|py[co])$"
    r"|^(build|dist)/|^out/.*/(build|dist)/"
    r"|\.egg-info/|(^|/)(__pycache__|node_modules|target)/"
)


def git(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run git in ``cwd`` and return what it printed."""
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Clone the checkout's HEAD into an otherwise empty folder; return the clone."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    head = git("rev-parse", "HEAD", cwd=ROOT)
    assert head.returncode == 0, head.stderr
    empty = tmp_path_factory.mktemp("empty")
    repo = empty / "specc"
    done = git(
        "clone",
        "--quiet",
        "--no-local",
        "--no-checkout",
        str(ROOT),
        str(repo),
        cwd=empty,
    )
    assert done.returncode == 0, done.stderr
    done = git("checkout", "--quiet", "--detach", head.stdout.strip(), cwd=repo)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in empty.iterdir()] == ["specc"]
    return repo


def test_no_committed_file_reads_a_folder_beside_the_clone(clone: Path) -> None:
    """Tests, benchmarks, scripts, CI and docs name no path outside the clone."""
    found = git("grep", "-n", "-I", "-E", OUTSIDE, "--", *SCANNED, cwd=clone)
    assert found.returncode == 1, found.stdout or found.stderr


def test_the_suite_collects_in_a_clone_with_nothing_beside_it(clone: Path) -> None:
    """`pytest --collect-only` in the clone finds every test module and no error."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    collected = {
        line.split("::")[0] for line in done.stdout.splitlines() if "::" in line
    }
    modules = {p.relative_to(clone).as_posix() for p in clone.glob("tests/test_*.py")}
    assert modules and collected == modules


def test_the_example_specs_and_the_corpus_are_committed(clone: Path) -> None:
    """The specs the tests and README name are tracked, with the corpus's licence note."""
    for name in ("todo", "geometry", "support_bot"):
        assert (clone / "examples" / "specs" / f"{name}.spec.md").is_file()
    corpus = clone / "tests" / "data" / "corpus"
    assert (corpus / "model_spec.md").stat().st_size > 200_000
    note = (corpus / "README.md").read_text(encoding="utf-8")
    assert "CC0 1.0" in note and "github.com/openai/model_spec" in note


def test_no_build_output_is_committed(clone: Path) -> None:
    """`git ls-files` lists no wheel, archive, egg, dist/ or build/ output, or cache."""
    files = git("ls-files", cwd=clone).stdout.splitlines()
    assert files
    assert [f for f in files if BUILD_OUTPUT.search(f)] == []
