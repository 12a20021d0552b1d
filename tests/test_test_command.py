"""`specc test` itself: what its build changed, `--timeout`, and no orphaned runners."""

from __future__ import annotations

import inspect
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

IMPLS = ROOT / "tests" / "impls"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A workspace with specs/ (todo and geometry)."""
    (tmp_path / "specs").mkdir()
    for name in ("todo", "geometry"):
        shutil.copy(EXAMPLES / f"{name}.spec.md", tmp_path / "specs")
    return tmp_path


# --- the build a test run makes is reported ----------------------------------------


def test_test_prints_what_its_build_wrote_and_removed(cli, ws: Path) -> None:
    """`specc test` says what it wrote, then what it removed, as `specc build` does."""
    out = ws / "out"
    done = cli("test", str(ws / "specs"), "--target", "docs", "--out", str(out))
    assert done.exit_code == 0, done.output
    assert f"{out}: 6 written, 0 unchanged, 0 removed, 0 scaffolds kept" in done.stderr
    assert f"  wrote {out / 'docs' / 'geometry.html'}" in done.stderr.splitlines()
    (ws / "specs" / "geometry.spec.md").unlink()
    done = cli("test", str(ws / "specs"), "--target", "docs", "--out", str(out))
    assert done.exit_code == 0, done.output
    assert "1 removed" in done.stderr
    assert f"  removed {out / 'docs' / 'geometry.html'}" in done.stderr.splitlines()


def test_test_json_holds_the_build_the_results_and_the_counts(cli, ws: Path) -> None:
    """`--format json` prints {build: {written, removed, …}, results, summary}."""
    out = ws / "out"
    args = ("test", str(ws / "specs"), "--target", "docs", "--out", str(out))
    done = cli(*args, "--format", "json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert set(report) == {"build", "results", "summary", "no_operations"}
    assert "docs/todo.html" in report["build"]["written"]
    assert report["build"]["removed"] == [] and report["build"]["ok"] is True
    assert report["summary"]["passed"] == len(report["results"]) > 0
    (ws / "specs" / "geometry.spec.md").unlink()
    report = json.loads(cli(*args, "--format", "json").stdout)
    assert report["build"]["removed"] == ["docs/geometry.html"]
    assert "docs/index.html" in report["build"]["written"]
    assert "docs/todo.html" not in report["build"]["written"]
    assert {r["spec"] for r in report["results"]} == {"todo"}


def test_a_failed_build_runs_no_tests_and_fails(cli, ws: Path) -> None:
    """A spec with an error: the build says nothing was written, and exit status is 1."""
    spec = ws / "specs" / "todo.spec.md"
    spec.write_text(
        spec.read_text().replace("fn remaining(", "fn remaining(x: nosuch, ")
    )
    done = cli("test", str(ws / "specs"), "--target", "docs", "--out", str(ws / "out"))
    assert done.exit_code == 1
    assert "build failed: nothing was written" in done.stderr
    assert "PASS" not in done.stdout


# --- --timeout ----------------------------------------------------------------------


@pytest.mark.parametrize("target", ["ts", "rust", "python", "docs", "podcast"])
def test_every_runner_takes_a_timeout_keyword(target: str) -> None:
    """Each built-in runner accepts `timeout=` (seconds per example), 10 s by default."""
    from specc.conformance import runner

    parameter = inspect.signature(runner(target)).parameters["timeout"]
    assert parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert parameter.default == 10.0


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_timeout_must_be_a_positive_number(cli, ws: Path, value: str) -> None:
    """`--timeout 0` and friends are usage errors (exit 2), not a run."""
    done = cli("test", str(ws / "specs"), "--target", "docs", "--timeout", value)
    assert done.exit_code == 2
    assert "--timeout" in done.output


def test_execute_kills_the_whole_group_on_timeout(tmp_path: Path) -> None:
    """A command that starts a grandchild and hangs: after the timeout neither runs."""
    from specc.toolchain import TimedOut, execute

    pid_file = tmp_path / "grandchild.pid"
    script = (
        "import subprocess, sys, time; "
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)']); "
        f"open({str(pid_file)!r}, 'w').write(str(p.pid)); print('started', flush=True); "
        "time.sleep(300)"
    )
    started = time.monotonic()
    with pytest.raises(TimedOut) as caught:
        execute([sys.executable, "-c", script], tmp_path, timeout=2)
    assert time.monotonic() - started < 30
    assert "took longer than 2 s" in str(caught.value)
    assert caught.value.stdout == "started\n"
    assert ends_soon(int(pid_file.read_text()))


# --- no orphaned runners -------------------------------------------------------------


def processes() -> dict[int, tuple[int, int, str, str]]:
    """Return pid -> (parent pid, session id, state, command line) of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry.name)] = (int(fields[1]), int(fields[3]), fields[0], cmdline)
    return found


def descendants(pid: int) -> dict[int, tuple[int, int, str, str]]:
    """Return the processes below ``pid``."""
    table = processes()
    below = {pid}
    changed = True
    while changed:
        changed = False
        for child, (parent, *_rest) in table.items():
            if parent in below and child not in below:
                below.add(child)
                changed = True
    return {p: table[p] for p in below - {pid}}


def ends_soon(pid: int, seconds: float = 10) -> bool:
    """Return whether a process is gone within ``seconds`` (a SIGKILL lands a moment later)."""
    deadline = time.monotonic() + seconds
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def alive(pid: int) -> bool:
    """Return whether a process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_specc(out: Path, spec: Path, target: str) -> subprocess.Popen[str]:
    """Start `specc test` as a real process (its own session, as a shell would)."""
    return subprocess.Popen(
        [sys.executable, "-m", "specc", "test", str(spec), "--target", target]
        + ["--out", str(out), "--timeout", "300"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for_runner(specc: subprocess.Popen[str], marker: str) -> dict:
    """Wait until a process below specc runs ``marker`` and has reached the endless
    loop; return the processes below specc."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        below = descendants(specc.pid)
        runners = [p for p, (_, _, _, cmd) in below.items() if marker in cmd]
        if runners:
            in_loop(runners[0], deadline)
            return descendants(specc.pid)
        assert specc.poll() is None, specc.communicate()
        time.sleep(0.1)
    pytest.fail(f"no `{marker}` process started below specc")


def in_loop(runner: int, deadline: float) -> None:
    """Return once ``runner`` is in the example that never ends: the TypeScript
    tests write `+N` to their progress file as example N begins and `-N` as it
    ends, so one begun and not ended for 0.3 s; the Python implementation
    writes `looping` beside its package as it enters the loop."""
    try:
        environ = Path(f"/proc/{runner}/environ").read_bytes().split(b"\0")
        cwd = Path(os.readlink(f"/proc/{runner}/cwd"))
    except OSError:
        pytest.fail("the runner ended")
    key = b"SPECC_PROGRESS="
    paths = [os.fsdecode(v[len(key) :]) for v in environ if v.startswith(key)]
    if not paths:
        while not (cwd.parent / "looping").exists():
            assert time.monotonic() < deadline, "the implementation never looped"
            time.sleep(0.05)
        time.sleep(0.2)  # into the loop itself
        return
    last, since = "", time.monotonic()
    while time.monotonic() < deadline:
        try:
            marks = Path(paths[0]).read_text().split()
        except OSError:
            marks = []
        now = marks[-1] if marks else ""
        if now != last:
            last, since = now, time.monotonic()
        elif now.startswith("+") and time.monotonic() - since >= 0.3:
            return
        time.sleep(0.05)
    pytest.fail("no example began")


def hanging_python(ws: Path, cli) -> Path:  # type: ignore[no-untyped-def]
    """Build todo for python with an implementation whose `remaining` never returns."""
    spec = ws / "specs" / "todo.spec.md"
    assert (
        cli("build", str(spec), "-t", "python", "--out", str(ws / "out")).exit_code == 0
    )
    source = (IMPLS / "python" / "todo.py").read_text()
    correct = "return sum(1 for task in tasks if not task.done)"
    impl = ws / "out" / "python" / "todo" / "src" / "todo" / "implementation.py"
    looping = ws / "out" / "python" / "looping"  # beside the package: see in_loop
    loop = f"open({str(looping)!r}, 'w').close()\n        while True:\n            pass"
    impl.write_text(source.replace(correct, loop))
    return spec


def hanging_ts(ws: Path, cli, modules: Path) -> Path:  # type: ignore[no-untyped-def]
    """Build todo for ts with an implementation whose `remaining` never returns."""
    spec = ws / "specs" / "todo.spec.md"
    assert cli("build", str(spec), "-t", "ts", "--out", str(ws / "out")).exit_code == 0
    package = ws / "out" / "ts" / "todo"
    (package / "node_modules").symlink_to(modules, target_is_directory=True)
    source = (IMPLS / "ts" / "todo.ts").read_text()
    correct = "return tasks.filter((task) => !task.done).length;"
    (package / "src" / "impl.ts").write_text(source.replace(correct, "for (;;) {}"))
    return spec


@pytest.mark.parametrize(
    "target, stop", [("python", signal.SIGTERM), ("ts", signal.SIGINT)]
)
def test_stopping_specc_ends_every_runner_it_started(
    cli, ws: Path, target: str, stop: signal.Signals, request: pytest.FixtureRequest
) -> None:
    """SIGTERM or SIGINT to `specc test` on a hanging implementation leaves no process."""
    if target == "ts":
        spec = hanging_ts(ws, cli, request.getfixturevalue("ts_node_modules"))
        marker = "conformance.test.js"
    else:
        spec = hanging_python(ws, cli)
        marker = "pytest"
    specc = start_specc(ws / "out", spec, target)
    started: dict = {}
    try:
        started = wait_for_runner(specc, marker)
        os.kill(specc.pid, stop)
        _, stderr = specc.communicate(timeout=30)
        assert "Traceback" not in stderr
        assert specc.returncode != 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(map(alive, started)):
            time.sleep(0.1)
        left = {p: started[p][3] for p in started if alive(p)}
        assert left == {}, f"still running after specc stopped: {left}"
    finally:
        for pid in started:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if specc.poll() is None:
            specc.kill()
            specc.communicate()


# --- a compile error is reported once -------------------------------------------------


def test_a_compile_error_is_reported_once_for_the_spec(
    cli, ws: Path, ts_node_modules: Path
) -> None:
    """A type error in impl.ts: one FAIL for the spec with its location; counts cover all."""
    spec = ws / "specs" / "todo.spec.md"
    out = ws / "out"
    assert cli("build", str(spec), "-t", "ts", "--out", str(out)).exit_code == 0
    package = out / "ts" / "todo"
    (package / "node_modules").symlink_to(ts_node_modules, target_is_directory=True)
    source = (IMPLS / "ts" / "todo.ts").read_text()
    correct = "return tasks.filter((task) => !task.done).length;"
    (package / "src" / "impl.ts").write_text(source.replace(correct, 'return "many";'))
    done = cli("test", str(spec), "-t", "ts", "--out", str(out))
    assert done.exit_code == 1
    lines = done.stdout.splitlines()
    assert [line for line in lines if line.startswith("FAIL")] == [
        "FAIL todo (spec): every example (12 examples)"
    ]
    assert done.stdout.count("TS2322") == 1
    assert "src/impl.ts(" in done.stdout
    assert lines[-1] == "12 examples: 0 passed, 12 failed, 0 not implemented"
    done = cli("test", str(spec), "-t", "ts", "--out", str(out), "--format", "json")
    report = json.loads(done.stdout)
    [row] = report["results"]
    assert (row["rule"], row["example"], row["covers"]) == ("(spec)", 0, 12)
    assert row["message"].count("TS2322") == 1
    assert report["summary"] == {
        "total": 12,
        "passed": 0,
        "failed": 12,
        "not_implemented": 0,
    }


def test_a_fail_block_prints_the_example_text_once(capsys) -> None:
    """A message that opens with the example's title (Rust's panics do) loses that line."""
    from specc.commands.test import _print_results
    from specc.conformance import Result

    text = 'by_tag([{title: "A", tags: ["Home"]}], "home") == []'
    message = f"by_tag #2: {text}\nexpected []\n     got [Task {{ … }}]"
    _print_results([Result("todo", "by_tag", 2, "failed", message, text)])
    assert capsys.readouterr().out.splitlines() == [
        f"FAIL todo by_tag #2: {text}",
        "     expected []",
        "          got [Task { … }]",
        "1 example: 0 passed, 1 failed, 0 not implemented",
    ]
