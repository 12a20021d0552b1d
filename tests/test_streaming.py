"""Large files are rendered as they are written: a `Streamed` file's parts go to
its staged file one at a time, and neither the parts nor the text are held.
These tests fail if a build joins such a file, holds its parts, or renders a
docs page's section tree as one string."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import EXAMPLES


def _staging(out: Path, hold: bool = False):  # type: ignore[no-untyped-def]
    from specc.build.staging import Staging

    out.mkdir(exist_ok=True)
    return Staging(out, ["docs"], check=False, hold=hold)


def test_a_streamed_file_is_staged_a_part_at_a_time(
    tmp_path: Path, monkeypatch
) -> None:
    from specc.build.staging import digest
    from specc.emitters.base import Parts, Streamed

    parts = ["<p>plain ascii</p>", "", "<p>an → arrow</p>", "é" * 12]
    text = "".join(parts)
    out = tmp_path / "out"
    stage = _staging(out)
    staged = stage.folder / "docs" / "page.html"
    from specc.build import writer

    written: list[str] = []
    write = writer.Written.write

    def spy(self, handle, text: str) -> None:  # type: ignore[no-untyped-def]
        written.append(text)
        write(self, handle, text)

    monkeypatch.setattr(writer.Written, "write", spy)

    def render() -> Iterator[str]:
        for n, part in enumerate(parts):
            assert written == parts[:n]  # the parts before this one went to the file
            yield part

    fail = property(lambda self: pytest.fail("the streamed file was joined"))
    monkeypatch.setattr(Streamed, "content", fail)
    monkeypatch.setattr(Streamed, "held", lambda self: pytest.fail("it was held"))
    kept = stage.take("docs", [Streamed("page.html", render=render, spec="s.spec.md")])
    assert written == parts
    assert stage.plan.staged["docs/page.html"] == staged
    assert staged.read_bytes() == text.encode()
    assert digest(kept[0]) == hashlib.sha256(text.encode()).hexdigest()
    assert kept[0].content == "" and kept[0].spec == "s.spec.md"  # no text kept
    assert stage.plan.write["docs/page.html"].content == ""
    stage.discard()
    # The same file on disk: compared with the staged one, which then goes.
    (out / "docs").mkdir()
    (out / "docs" / "page.html").write_bytes(text.encode())
    again = _staging(out)
    again.take("docs", [Streamed("page.html", render=lambda: iter(parts))])
    assert again.plan.unchanged == ["docs/page.html"] and not again.plan.staged
    assert not (again.folder / "docs" / "page.html").exists()
    # A build that holds its files gets the parts, rendered once.
    monkeypatch.undo()
    held = _staging(tmp_path / "held", hold=True)
    kept = held.take("docs", [Streamed("page.html", render=lambda: iter(parts))])
    assert isinstance(kept[0], Parts) and kept[0].parts == tuple(parts)
    again.discard()
    held.discard()


def test_a_fix_the_rendering_returns_is_applied_to_the_whole_text(
    tmp_path: Path,
) -> None:
    from specc.emitters.base import Pieces, Streamed

    def render() -> Pieces:
        yield "a = 1\n"
        yield "b = 2\n"
        return str.upper

    stage = _staging(tmp_path / "out")
    kept = stage.take("docs", [Streamed("x.py", render=render)])
    assert stage.plan.staged["docs/x.py"].read_bytes() == b"A = 1\nB = 2\n"
    assert kept[0].sha256 == hashlib.sha256(b"A = 1\nB = 2\n").hexdigest()  # type: ignore[attr-defined]
    assert Streamed("x.py", render=render).content == "A = 1\nB = 2\n"
    assert Streamed("x.py", render=render).held().parts == ("A = 1\nB = 2\n",)
    stage.discard()


def test_a_build_streams_the_python_files_and_the_docs_page(
    tmp_path: Path, monkeypatch
) -> None:
    """The CLI's build (``hold=False``) never joins nor holds a streamed file, and
    writes what a build that holds them writes."""
    from specc.build.driver import build
    from specc.emitters.base import Streamed

    spec = [str(EXAMPLES / "todo.spec.md")]
    targets = ["python", "docs"]
    held = build(spec, targets, tmp_path / "held")
    from specc.build import staging

    streamed: list[str] = []

    write = staging._write_streamed

    def spy(path: Path, output: Streamed):  # type: ignore[no-untyped-def]
        streamed.append(output.path)
        return write(path, output)

    monkeypatch.setattr(staging, "_write_streamed", spy)
    monkeypatch.setattr(Streamed, "held", lambda self: pytest.fail("it was held"))
    light = build(spec, targets, tmp_path / "light", hold=False)
    assert held.ok and light.ok
    assert sorted(streamed) == [
        "todo.html",
        "todo/src/todo/__init__.py",
        "todo/src/todo/api.py",
        "todo/src/todo/types.py",
        "todo/tests/test_conformance.py",
    ]
    for key, output in held.files.items():
        assert (tmp_path / "light" / key).read_bytes() == output.content.encode(), key


def test_an_emitter_failing_mid_stream_writes_nothing(cli, tmp_path: Path) -> None:
    """A template that fails half-way through a streamed page is the emitter's
    failure (E082, no traceback); what was staged goes, out/ is as it was."""
    from test_output_hygiene import snapshot

    out = tmp_path / "out"
    spec = str(EXAMPLES / "todo.spec.md")
    done = cli("build", spec, "-t", "python,docs", "--out", str(out))
    assert done.exit_code == 0, done.output
    templates = tmp_path / "templates" / "docs"
    templates.mkdir(parents=True)
    (templates / "spec.html.jinja").write_text(
        '{% extends "!docs/spec.html.jinja" %}\n'
        "{% block footer %}{{ super() }}{{ 1 // 0 }}{% endblock %}\n"
    )
    (tmp_path / "todo.spec.md").write_text(
        (EXAMPLES / "todo.spec.md").read_text().replace("A small", "A tiny")
    )
    before = snapshot(tmp_path)
    done = cli(
        "build", str(tmp_path / "todo.spec.md"), "-t", "python,docs",
        "--out", str(out), "--templates", str(tmp_path / "templates"),
    )  # fmt: skip
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert "error[E082]: the `docs` emitter failed: ZeroDivisionError" in done.output
    assert snapshot(tmp_path) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".specc-staging-")]


def test_a_docs_page_streams_one_section_at_a_time(monkeypatch) -> None:
    """A spec of one chapter holding many rules (as `benchmarks/synth.py` makes)
    renders as many small pieces, not the chapter as one string."""
    from specc import templating
    from specc.emitters.base import EmitContext
    from specc.emitters.docs.emitter import DocsEmitter
    from specc.frontend.compile import compile_source

    rules = "\n".join(
        f"## Rule {n} {{#r{n}}}\n\nThe system MUST do thing {n}.\n" for n in range(60)
    )
    source = f"---\nspec: big\n---\n# Big {{#big}}\n\nIntro.\n\n{rules}"
    compiled = compile_source("big.spec.md", source.encode(), None)
    assert compiled.ok and compiled.spec is not None, compiled.diagnostics
    monkeypatch.setattr(templating, "PIECES", 1)
    emitter = DocsEmitter()
    ctx = EmitContext(
        specs=[compiled.spec],
        options=DocsEmitter.Options(),
        env=templating.environment(),
    )
    page = next(f for f in emitter.emit(ctx) if f.path == "big.html")
    pieces = list(page.render())  # type: ignore[attr-defined]
    text = "".join(pieces)
    assert text.count('<section id="r') == 60
    # the contents (one macro call) is the largest piece, 5% of the page
    assert max(len(p) for p in pieces) < len(text) / 10
