"""Progress on a terminal (quiet in CI and pipes), and one summary line at the end."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys

from conftest import ROOT

SEMVER = str(ROOT / "specs" / "semver.spec.md")


def _in_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run specc with stdout and stderr on a pseudo-terminal; return its status and text."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "specc", *args], stdout=slave, stderr=slave, env=env
    )
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "TERM")}
    return {**env, "TERM": "xterm", **extra}


def test_a_terminal_shows_progress_that_goes_away(tmp_path):
    args = ["build", SEMVER, "-t", "docs,ts", "--out", str(tmp_path)]
    status, text = _in_terminal(args, _env())
    assert status == 0, text
    assert "compile " in text and "emit docs" in text and "emit ts" in text
    assert "\x1b[2K" in text  # rich redraws (and finally clears) its line
    last = text.strip().splitlines()[-1]
    assert re.search(r"built 1 spec \(docs, ts\) in \d+\.\d\d s: ", last), last


def test_ci_and_pipes_get_no_progress(tmp_path):
    args = ["build", SEMVER, "-t", "docs", "--out", str(tmp_path)]
    status, text = _in_terminal(args, _env(CI="true"))
    assert status == 0 and "\x1b[" not in text and "emit docs" not in text
    done = subprocess.run(
        [sys.executable, "-m", "specc", *args],
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert done.returncode == 0 and "\x1b[" not in done.stderr
    assert "emit docs" not in done.stderr


SUMMARY = r"in \d+\.\d\d s"


def test_every_command_ends_with_one_summary_line(cli, tmp_path):
    out = str(tmp_path / "out")
    runs = {
        "build": cli("build", SEMVER, "-t", "docs", "--out", out),
        "again": cli("build", SEMVER, "-t", "docs", "--out", out),
        "check-out": cli("build", SEMVER, "-t", "docs", "--out", out, "--check"),
        "check": cli("check", SEMVER),
        "test": cli("test", SEMVER, "-t", "docs", "--out", out),
        "diff": cli("diff", SEMVER, SEMVER),
    }
    last = {name: r.output.strip().splitlines()[-1] for name, r in runs.items()}
    assert re.fullmatch(
        rf"built 1 spec \(docs\) {SUMMARY}: \S+: \d+ written, 0 unchanged, 0 removed, "
        r"0 scaffolds kept",
        last["build"],
    )
    assert re.search(r": 0 written, \d+ unchanged, 0 removed", last["again"])
    assert re.fullmatch(
        rf"checked 1 spec \(docs\) {SUMMARY}: \S+: up to date", last["check-out"]
    )
    assert last["check"].startswith("checked 1 spec: ") and re.search(
        SUMMARY + "$", last["check"]
    )
    assert re.fullmatch(
        rf"tested 1 spec \(docs\) {SUMMARY}: \S+: 0 written, .*", last["test"]
    )
    assert re.search(r"0 specs changed: .*; \d+\.\d\d s$", last["diff"])


def test_init_and_new_end_with_a_summary_line(cli, tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    last = cli("init").output.strip().splitlines()[-1]
    assert re.match(rf"started a spec project in \. {SUMMARY}: 3 files written; ", last)
    last = cli("new", "shop").output.strip().splitlines()[-1]
    assert re.match(rf"started spec `shop` {SUMMARY}: wrote specs/shop.spec.md;", last)


def test_the_files_summary_counts_in_words(tmp_path):
    from specc.build.writer import Plan
    from specc.commands.progress import files_summary

    plan = Plan(tmp_path, ["ts"])
    plan.kept = {"ts/a/src/impl.ts": None}  # type: ignore[dict-item]
    assert files_summary(plan).endswith("0 removed, 1 scaffold kept")
    plan.kept["ts/b/src/impl.ts"] = None  # type: ignore[assignment]
    assert files_summary(plan).endswith("0 removed, 2 scaffolds kept")
