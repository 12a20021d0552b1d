"""Files are written as each target makes them, to a staging folder renamed into
place at the end: a build that fails, or is stopped, still changes nothing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_output_hygiene import snapshot

from conftest import EXAMPLES

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="POSIX signals")


@pytest.fixture
def ws(tmp_path: Path, cli) -> Path:  # type: ignore[no-untyped-def]
    """A workspace whose out/ holds a build of todo, with todo changed since."""
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(EXAMPLES / "todo.spec.md", specs)
    done = cli("build", str(specs), "-t", "python,ts", "--out", str(tmp_path / "out"))
    assert done.exit_code == 0, done.output
    spec = specs / "todo.spec.md"
    spec.write_text(spec.read_text().replace("A small task list", "A tiny task list"))
    return tmp_path


def _staged(out: Path) -> list[Path]:
    return [p for p in out.iterdir() if p.name.startswith(".specc-staging-")]


def test_a_target_failing_after_another_was_staged_writes_nothing(
    cli, ws: Path, tmp_path_factory, monkeypatch
) -> None:
    from specc.build import staging

    templates = tmp_path_factory.mktemp("templates")
    (templates / "ts").mkdir()
    (templates / "ts" / "types.ts.jinja").write_text("{{ no_such_variable }}\n")
    staged: list[str] = []
    stage = staging.Staging._stage

    def spy(self, relative: str, data: object) -> Path:  # type: ignore[no-untyped-def]
        staged.append(relative)
        return stage(self, relative, data)

    monkeypatch.setattr(staging.Staging, "_stage", spy)
    before = snapshot(ws)
    done = cli(
        "build", str(ws / "specs"), "-t", "python,ts", "--out", str(ws / "out"),
        "--templates", str(templates),
    )  # fmt: skip
    assert done.exit_code == 1
    assert "error[E082]: the `ts` emitter failed" in done.output
    # python's changed files were written to the staging folder, then removed.
    assert any(p.startswith("python/todo/") for p in staged), staged
    assert snapshot(ws) == before
    # Without the broken template the same build writes what it staged.
    done = cli("build", str(ws / "specs"), "-t", "python,ts", "--out", str(ws / "out"))
    assert done.exit_code == 0, done.output
    assert "tiny task list" in (ws / "out/python/todo/pyproject.toml").read_text()
    assert not _staged(ws / "out")


SIGNAL_MID_BUILD = """
import os, signal, sys
# A shell's background job starts with SIGINT ignored; a user's specc does not.
signal.signal(signal.SIGINT, signal.default_int_handler)
from specc.emitters.ts import emitter
made = emitter.TypeScriptEmitter.emit_spec
def emit_spec(self, ctx, spec):
    os.kill(os.getpid(), signal.{name})  # python's files are staged by now
    return made(self, ctx, spec)
emitter.TypeScriptEmitter.emit_spec = emit_spec
from specc.commands.main import main
sys.argv = ["specc"] + sys.argv[1:]
main()
"""


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_mid_build_removes_what_was_staged(ws: Path, name: str) -> None:
    """A real signal to a real build, once python's files are staged: out/ is as it was."""
    before = snapshot(ws)
    done = subprocess.run(
        [sys.executable, "-c", SIGNAL_MID_BUILD.format(name=name), "build"]
        + [str(ws / "specs"), "-t", "python,ts", "--out", str(ws / "out")],
        cwd=ws,
        capture_output=True,
        text=True,
        timeout=300,
    )
    signum = getattr(signal, name)
    if name == "SIGINT":  # Python's KeyboardInterrupt; click says "Aborted!"
        assert done.returncode != 0, done.stderr
    else:
        assert done.returncode == -signum, done.stderr
    assert snapshot(ws) == before


def test_a_staging_folder_a_killed_build_left_goes_with_the_next_build(
    cli, ws: Path
) -> None:
    out = ws / "out"
    left = out / ".specc-staging-999999" / "python" / "todo"
    left.mkdir(parents=True)
    (left / "README.md").write_text("half a build\n")
    done = cli(
        "build", str(ws / "specs"), "-t", "python,ts", "--out", str(out), "--check"
    )
    assert done.exit_code == 1  # todo changed; --check writes nothing, removes nothing
    assert (left / "README.md").exists()
    done = cli("build", str(ws / "specs"), "-t", "python,ts", "--out", str(out))
    assert done.exit_code == 0, done.output
    assert not _staged(out)


def test_check_stages_nothing(cli, ws: Path, monkeypatch) -> None:
    from specc.build import staging

    def refuse(self, relative: str, data: object) -> Path:  # type: ignore[no-untyped-def]
        raise AssertionError(f"--check staged {relative}")

    monkeypatch.setattr(staging.Staging, "_stage", refuse)
    before = snapshot(ws)
    done = cli(
        "build",
        str(ws / "specs"),
        "-t",
        "python,ts",
        "--out",
        str(ws / "out"),
        "--check",
    )
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert snapshot(ws) == before


def test_a_build_keeps_digests_not_text_unless_asked(tmp_path: Path) -> None:
    """`hold=False` (the CLI) keeps no generated file's text; the digest is the
    file's, on disk; scaffolds keep theirs. The default keeps every file's text."""
    import hashlib

    from specc.build.driver import build

    spec = [str(EXAMPLES / "todo.spec.md")]
    held = build(spec, ["python"], tmp_path / "a")
    light = build(spec, ["python"], tmp_path / "b", hold=False)
    assert held.ok and light.ok and set(held.files) == set(light.files)
    for key, output in light.files.items():
        on_disk = (tmp_path / "b" / key).read_bytes()
        assert held.files[key].content.encode() == on_disk
        assert output.sha256 == hashlib.sha256(on_disk).hexdigest()  # type: ignore[attr-defined]
        assert output.content == (
            "" if output.kind == "generated" else on_disk.decode()
        )
    assert os.listdir(tmp_path / "a") == os.listdir(tmp_path / "b")
    # Nor does the plan: what it writes is staged.
    assert light.plan is not None and light.plan.write
    for key, output in light.plan.write.items():
        assert output.content == ("" if output.kind == "generated" else output.content)
        assert output.sha256 == hashlib.sha256((tmp_path / "b" / key).read_bytes()).hexdigest()  # type: ignore[attr-defined]


def test_text_is_digested_and_compared_a_chunk_at_a_time(
    tmp_path: Path, monkeypatch
) -> None:
    import hashlib

    from specc.build.writer import Text

    monkeypatch.setattr(
        Text, "CHUNK", 7
    )  # chunks end inside multi-byte characters' text
    text = "héllo wörld → ünïcode " * 5 + "end"
    data = text.encode()
    encoded = Text(text)
    assert encoded.sha256 == hashlib.sha256(data).hexdigest() and encoded.size == len(
        data
    )
    assert b"".join(encoded.chunks()) == data
    path = tmp_path / "f"
    assert not encoded.same_as(path)  # missing
    path.write_bytes(data)
    assert encoded.same_as(path)
    path.write_bytes(data[:-1] + b"E")  # same size, last byte differs
    assert not encoded.same_as(path)
    path.write_bytes(data + b"\n")
    assert not encoded.same_as(path)


def test_a_file_held_as_parts_is_staged_as_its_text(
    tmp_path: Path, monkeypatch
) -> None:
    from dataclasses import replace

    from specc.build.staging import Staging, digest
    from specc.build.writer import Text, sha256
    from specc.emitters.base import OutputFile, Parts

    monkeypatch.setattr(Text, "CHUNK", 5)
    parts = ("<p>plain ascii</p>", "", "<p>an → arrow</p>", "é" * 12)
    text = "".join(parts)
    held = Parts("page.html", parts=parts, spec="s.spec.md")
    assert held.content == text and replace(held, spec="t").content == text
    assert digest(held) == sha256(text.encode()) == digest(OutputFile("x", text))
    encoded = Text(parts)
    assert (
        b"".join(encoded.chunks()) == text.encode()
        and encoded.encode() == text.encode()
    )
    joined = property(lambda self: pytest.fail("the parts were joined"))
    monkeypatch.setattr(Parts, "content", joined)
    out = tmp_path / "out"
    out.mkdir()
    stage = Staging(out, ["docs"], check=False, hold=False)
    kept = stage.take("docs", [held])
    staged = stage.plan.staged["docs/page.html"]
    assert staged.read_bytes() == text.encode()  # the parts in order, none joined
    assert digest(kept[0]) == digest(held)
    (out / "docs").mkdir()
    (out / "docs" / "page.html").write_bytes(text.encode())
    again = Staging(out, ["docs"], check=False, hold=False)
    again.take("docs", [held])
    assert again.plan.unchanged == ["docs/page.html"]  # compared part by part
    stage.discard()
    again.discard()


def test_rendering_as_parts_gives_the_rendered_text(monkeypatch) -> None:
    import jinja2

    from specc import templating

    monkeypatch.setattr(templating, "PIECES", 3)
    env = jinja2.Environment(autoescape=True)
    page = env.from_string(
        "{% macro row(x) %}<li>{{ x }}</li>{% endmacro %}<ul>"
        "{% for x in items %}{{ row(x) }}\n{% endfor %}</ul>→"
    )
    items = ["a", "<b>", "ü", *map(str, range(20))]
    parts = templating.render_parts(page, items=items)
    assert len(parts) > 3 and "".join(parts) == templating.render(page, items=items)
    broken = env.from_string("{{ 1 / zero }}")
    with pytest.raises(ZeroDivisionError):
        templating.render_parts(broken, zero=0)


SIGNAL_WITH_WORKERS = """
import os, signal, sys, time
from specc.build import workers
BUILD = os.getpid()
workers.MIN_BYTES = 0  # two small specs are shared out too
started = workers._started
def _started(parent):
    started(parent)
    os.write(1, f"{{os.getpid()}}\\n".encode())  # one write: the two workers interleave
def _work(index):
    time.sleep(0.5)  # both workers are up
    try:
        os.kill(BUILD, signal.{name})
    except ProcessLookupError:
        pass
    time.sleep(30)
workers._started, workers._work = _started, _work
from specc.commands.main import main
sys.argv = ["specc"] + sys.argv[1:]
main()
"""


def _alive(pid: int) -> bool:
    """Return whether a process runs (a zombie waiting to be reaped does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's prctl")
@pytest.mark.parametrize("name", ["SIGTERM", "SIGKILL"])
def test_a_build_stopped_while_workers_compile_leaves_no_worker_behind(
    tmp_path: Path, name: str
) -> None:
    """The workers of a build that is stopped, even killed, end with it, at once."""
    specs = tmp_path / "specs"
    specs.mkdir()
    for spec in ("todo.spec.md", "geometry.spec.md"):
        shutil.copy(EXAMPLES / spec, specs)
    done = subprocess.run(
        [sys.executable, "-c", SIGNAL_WITH_WORKERS.format(name=name), "build"]
        + [str(specs), "-t", "ts", "--out", str(tmp_path / "out")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=20,  # a worker left behind holds the output open for 30 s
        env={**os.environ, "SPECC_JOBS": "2"},
    )
    assert done.returncode == -getattr(signal, name), done.stderr
    workers = [int(line) for line in done.stdout.split()]
    assert len(workers) == 2, done.stdout
    for _ in range(50):
        if not any(_alive(pid) for pid in workers):
            break
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
    assert not (tmp_path / "out").exists()
