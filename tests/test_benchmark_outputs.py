"""What specc makes of the benchmark's specs at N = 100 is pinned by digest.

Speed work on the front end and the emitters must not change a byte: every
file of `out/` (the build cache aside, which records specc's own code), the
IR as `specc ir` prints it and the IR's JSON Schema are hashed and compared
with the digests below. Change a digest only with a change that means to
change the output, and say so in its commit.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

from synth import generate  # noqa: E402

TARGETS = "ts,rust,python,docs"

#: sha256 of every file under `out/` (path and bytes, in path order) of
#: `specc build --target ts,rust,python,docs` on `synth.py 100` inputs.
OUT_DIGESTS = {
    "full-1-file": "d87a77e53c2b299bcdc76ef734cf5987f557e1b6b65c6c9109391e39202161d5",
    "types-2-files": "78bfbe8054bcddd60ae4bf4188d815f6e333d05e32213a5791f3a3bc957279b0",
}
#: sha256 of `specc ir` of `synth.py 100 --full`, and of `specc ir --schema`.
IR_DIGEST = "cc574e09df9bc7c054c3996088c8defe46e327f7f1ddef8153137161ff931c72"
SCHEMA_DIGEST = "029c61b3cb398c8c74f6bf25b3a1aa3f72ef1e41e0609cb01fe709644d299e07"


def tree_digest(out: Path) -> str:
    """Return the sha256 of every file under ``out`` but the build cache."""
    digest = hashlib.sha256()
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out).as_posix()
        if relative.startswith(".specc-cache/") or not path.is_file():
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@pytest.mark.parametrize(
    ("case", "full", "split"),
    [("full-1-file", True, False), ("types-2-files", False, True)],
)
def test_the_build_of_the_benchmark_specs_is_unchanged(
    case: str, full: bool, split: bool, tmp_path: Path, cli, monkeypatch
) -> None:
    specs = generate(100, tmp_path / "in", full, split)
    monkeypatch.chdir(tmp_path)
    names = [str(p.relative_to(tmp_path)) for p in specs]
    result = cli("build", *names, "--target", TARGETS, "--out", "out")
    assert result.exit_code == 0, result.output
    digest = tree_digest(tmp_path / "out")
    assert digest == OUT_DIGESTS[case], _changed("out/", digest)


def test_the_ir_of_the_benchmark_spec_and_its_schema_are_unchanged(
    tmp_path: Path, cli, monkeypatch
) -> None:
    generate(100, tmp_path, full=True)
    monkeypatch.chdir(tmp_path)
    ir = cli("ir", "synth.spec.md")
    assert ir.exit_code == 0, ir.output
    digest = hashlib.sha256(ir.stdout_bytes).hexdigest()
    assert digest == IR_DIGEST, _changed("the IR", digest)
    schema = cli("ir", "--schema")
    digest = hashlib.sha256(schema.stdout_bytes).hexdigest()
    assert digest == SCHEMA_DIGEST, _changed("the IR's JSON Schema", digest)


def _changed(what: str, digest: str) -> str:
    return (
        f"{what} changed (sha256 {digest}); if the change is meant, put this "
        "digest in tests/test_benchmark_outputs.py and say so in the commit"
    )
