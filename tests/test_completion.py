"""Shell completion: click's `_SPECC_COMPLETE`, including target names."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SPECC = str(Path(sys.executable).parent / "specc")


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SPECC, *args], env={**os.environ, **env}, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "_specc_completion()"), ("zsh", "#compdef specc"), ("fish", "complete")],
)
def test_the_completion_script_is_printed(shell, marker):
    done = _run({"_SPECC_COMPLETE": f"{shell}_source"})
    assert done.returncode == 0 and marker in done.stdout, done.stderr


def test_bash_loads_the_script_and_registers_specc():
    if shutil.which("bash") is None:
        pytest.fail("bash is not installed")
    script = 'eval "$(_SPECC_COMPLETE=bash_source specc)" && complete -p specc'
    path = f"{Path(SPECC).parent}{os.pathsep}{os.environ['PATH']}"
    done = subprocess.run(
        ["bash", "-c", script],
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "complete -o nosort -F _specc_completion specc"


def _complete(*words: str) -> list[str]:
    env = {
        "_SPECC_COMPLETE": "bash_complete",
        "COMP_WORDS": " ".join(words),
        "COMP_CWORD": str(len(words) - 1),
    }
    done = _run(env)
    assert done.returncode == 0, done.stderr
    return [line.split(",", 1)[1] for line in done.stdout.splitlines() if line]


def test_commands_options_and_targets_complete():
    assert _complete("specc", "wa") == ["watch"]
    assert "diff" in _complete("specc", "")
    assert _complete("specc", "build", "--ta") == ["--target"]
    assert _complete("specc", "build", "--target", "py") == ["python"]
    assert _complete("specc", "test", "-t", "ts,p") == ["ts,podcast", "ts,python"]
    assert _complete("specc", "watch", "--target", "ts,t") == []  # no repeats
