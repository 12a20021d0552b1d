"""External emitters: `specc-emit-NAME` on PATH, the IR on stdin, files on stdout."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "emitters"
SEMVER = str(ROOT / "specs" / "semver.spec.md")


@pytest.fixture
def bin_dir(tmp_path, monkeypatch) -> Path:
    """Return a folder put first on PATH, for emitters the test writes."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return folder


def _emitter(bin_dir: Path, name: str, body: str) -> None:
    """Write a Python emitter script named specc-emit-NAME."""
    path = bin_dir / f"specc-emit-{name}"
    path.write_text(
        f"#!{sys.executable}\nimport json, sys, time\n"
        "request = json.load(sys.stdin)\n" + body
    )
    path.chmod(0o755)


def _build(cli, out: Path, target: str, *extra: str):  # type: ignore[no-untyped-def]
    return cli("build", SEMVER, "--target", target, "--out", str(out), *extra)


def test_the_node_example_emitter_builds_an_outline(cli, tmp_path, monkeypatch):
    if shutil.which("node") is None:
        pytest.fail("node is not installed; run scripts/install-toolchains")
    monkeypatch.setenv("PATH", f"{EXAMPLE}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "out"
    result = _build(cli, out, "outline", "-O", "outline.heading=Plan")
    assert result.exit_code == 0, result.output
    text = (out / "outline" / "semver" / "outline.md").read_text()
    assert text.startswith("# Plan: Semantic versions 2.0.0\n")
    assert "  - `compare` Ordering (MUST, MUST NOT)\n" in text
    assert "- `newest(versions: list<Version>) -> Version?`\n" in text
    again = _build(cli, out, "outline", "-O", "outline.heading=Plan")
    assert "0 written, 1 unchanged" in again.output
    other = str(ROOT / "specs" / "release_assistant.spec.md")
    done = cli("build", other, "--target", "outline", "--out", str(out))
    assert done.exit_code == 0, done.output
    # The example answers each file's `spec`, so another spec's build keeps it.
    assert (out / "outline" / "semver" / "outline.md").read_text() == text
    assert (out / "outline" / "release_assistant" / "outline.md").is_file()


def test_the_emitter_gets_the_ir_and_its_options(cli, tmp_path, bin_dir):
    _emitter(
        bin_dir,
        "echo",
        "json.dump([{'path': 'request.json', 'content': json.dumps(request)}], sys.stdout)",
    )
    out = tmp_path / "out"
    assert _build(cli, out, "echo", "-O", "echo.style=terse").exit_code == 0
    request = json.loads((out / "echo" / "request.json").read_text())
    assert request["target"] == "echo" and request["ir_version"] == "1.0"
    assert request["options"] == {"style": "terse"}  # `timeout` is specc's own
    assert [s["id"] for s in request["specs"]] == ["semver"]
    assert [f["name"] for f in request["specs"][0]["functions"]][:2] == [
        "parse",
        "compare",
    ]


def test_a_scaffold_an_emitter_answers_is_never_overwritten(cli, tmp_path, bin_dir):
    _emitter(
        bin_dir,
        "scaf",
        "json.dump([{'path': 'impl.txt', 'content': 'todo', 'kind': 'scaffold'}],"
        " sys.stdout)",
    )
    out = tmp_path / "out"
    assert _build(cli, out, "scaf").exit_code == 0
    (out / "scaf" / "impl.txt").write_text("mine")
    assert _build(cli, out, "scaf").exit_code == 0
    assert (out / "scaf" / "impl.txt").read_text() == "mine"


FAILURES = [
    (
        "sys.stderr.write('boom\\nbad IR\\n'); sys.exit(3)",
        "E140",
        "exited with status 3: boom | bad IR",
    ),
    ("print('not json')", "E142", "its output is not JSON"),
    ("print(json.dumps({'path': 'a'}))", "E142", "its output is not a JSON list"),
    (
        "print(json.dumps([{'path': 'a'}]))",
        "E142",
        "item 0: `content` must be a string",
    ),
    ("print(json.dumps(['a']))", "E142", "item 0: is not an object"),
    (
        "print(json.dumps([{'path': 'a', 'content': '', 'mode': 1}]))",
        "E142",
        "item 0: unknown key `mode`",
    ),
    (
        "print(json.dumps([{'path': 'a', 'content': '', 'kind': 'x'}]))",
        "E142",
        "`kind` must be `generated` or `scaffold`",
    ),
    ("sys.stdout.buffer.write(b'\\xff')", "E142", "its output is not UTF-8"),
    (
        "print(json.dumps([{'path': '../../escape.txt', 'content': 'x'}]))",
        "E083",
        "refusing to write bad/../../escape.txt",
    ),
    (
        "print(json.dumps([{'path': '/tmp/abs.txt', 'content': 'x'}]))",
        "E083",
        "refusing to write",
    ),
    (
        "print(json.dumps([{'path': 'a', 'content': '1'}, {'path': 'a', 'content': '2'}]))",
        "E086",
        "two outputs of `bad` are both a",
    ),
]


@pytest.mark.parametrize(("body", "code", "message"), FAILURES)
def test_failures_and_bad_answers_are_diagnostics(
    cli, tmp_path, bin_dir, body, code, message
):
    _emitter(bin_dir, "bad", body)
    out = tmp_path / "out"
    result = _build(cli, out, "bad")
    assert result.exit_code == 1
    assert f"error[{code}]" in result.output and message in result.output
    assert "Traceback" not in result.output
    assert not out.exists() and not (tmp_path / "escape.txt").exists()


def test_a_slow_emitter_times_out(cli, tmp_path, bin_dir):
    _emitter(bin_dir, "slow", "time.sleep(30)")
    result = _build(cli, tmp_path / "out", "slow", "-O", "slow.timeout=0.5")
    assert result.exit_code == 1
    assert "error[E141]" in result.output and "did not finish in 0.5 s" in result.output


def test_unknown_targets_list_the_emitters_on_path(cli, tmp_path, bin_dir):
    _emitter(bin_dir, "extra", "print('[]')")
    result = _build(cli, tmp_path / "out", "nope")
    assert "error[E080]" in result.output and "extra" in result.output


def test_a_target_name_is_never_a_path(cli, tmp_path, bin_dir, monkeypatch):
    sneaky = tmp_path / "specc-emit-x"
    sneaky.mkdir()
    _emitter(sneaky, "", "open('ran', 'w')")  # ./specc-emit-x/specc-emit-
    monkeypatch.chdir(tmp_path)
    result = _build(cli, tmp_path / "out", "x/specc-emit-")
    assert "error[E080]" in result.output and not (tmp_path / "ran").exists()
