"""The emitter framework: registry, entry points, options, template overrides, E084."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES

TODO = EXAMPLES / "todo.spec.md"

PLUGIN = '''"""A tiny third-party emitter used by the test suite."""

from specc.emitters.base import Emitter, OutputFile
from specc.emitters.base import Options as BaseOptions


class HelloEmitter(Emitter):
    name = "hello"
    description = "one greeting per spec"

    class Options(BaseOptions):
        greeting: str = "hello"

    def emit(self, ctx):
        for spec in ctx.specs:
            yield OutputFile(f"{spec.id}.txt", f"{ctx.options.greeting}, {spec.title}\\n")


class RaisingEmitter(Emitter):
    name = "raising"
    description = "fails halfway"

    def emit(self, ctx):
        yield OutputFile("first.txt", "written first\\n")
        raise ValueError("boom")


class EscapingEmitter(Emitter):
    name = "escaping"
    description = "tries to leave the output folder"

    def emit(self, ctx):
        yield OutputFile("fine.txt", "fine\\n")
        yield OutputFile("../escaped.txt", "escaped\\n")
'''


def add_distribution(site: Path, dist: str, entries: dict[str, str]) -> None:
    """Install a distribution by hand: a dist-info with `specc.emitters` entry points."""
    info = site / f"{dist}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist.replace('_', '-')}\nVersion: 0.1\n"
    )
    lines = "".join(f"{name} = {target}\n" for name, target in entries.items())
    (info / "entry_points.txt").write_text(f"[specc.emitters]\n{lines}")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder for sys.path holding the plugin module `specc_hello`."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "specc_hello.py").write_text(PLUGIN)
    return folder


def specc(site: Path | None, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real `specc` CLI in a subprocess, with ``site`` on its path."""
    env = {**os.environ, "NO_COLOR": "1"}
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "specc", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )


# --- the registry ----------------------------------------------------------------


def test_unknown_target_is_e080_not_a_traceback(cli, tmp_path: Path) -> None:
    """`--target nope` is a diagnostic naming the known targets; nothing is written."""
    done = cli("build", str(TODO), "--target", "nope", "--out", str(tmp_path / "out"))
    assert done.exit_code == 1
    assert "error[E080]: unknown target `nope`; known targets: " in done.stderr
    assert "ts" in done.stderr.split("known targets: ")[1]
    assert "Traceback" not in done.output
    assert not (tmp_path / "out").exists()


def test_third_party_emitter_is_found_through_its_entry_point(
    site: Path, tmp_path: Path
) -> None:
    """A distribution registering `hello` in `specc.emitters` builds with its options."""
    add_distribution(site, "specc_hello", {"hello": "specc_hello:HelloEmitter"})
    done = specc(
        site, "build", str(EXAMPLES), "--target", "hello", "--out", "out",
        "-O", "hello.greeting=hi", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out" / "hello"
    assert sorted(p.name for p in out.iterdir()) == [
        "geometry.txt", "support_bot.txt", "todo.txt"
    ]  # fmt: skip
    assert (out / "todo.txt").read_text() == "hi, Todo list\n"
    files = json.loads((tmp_path / "out" / ".specc-manifest.json").read_text())["files"]
    assert set(files) == {f"hello/{p.name}" for p in out.iterdir()}


def test_third_party_emitter_options_are_validated(site: Path, tmp_path: Path) -> None:
    """A plugin's options model rejects unknown keys as E081 too."""
    add_distribution(site, "specc_hello", {"hello": "specc_hello:HelloEmitter"})
    done = specc(
        site, "build", str(TODO), "--target", "hello", "--out", "out",
        "-O", "hello.colour=red", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1
    assert "error[E081]: option `hello.colour`: Extra inputs are not permitted" in (
        done.stderr
    )
    assert "options of `hello`: greeting" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "entries",
    [
        [("specc_ts_clash", {"ts": "specc_hello:HelloEmitter"})],
        [
            ("specc_hello", {"hello": "specc_hello:HelloEmitter"}),
            ("specc_hello_again", {"hello": "specc_hello:RaisingEmitter"}),
        ],
    ],
    ids=["shadows-builtin", "two-plugins"],
)
def test_duplicate_emitter_name_is_an_error(
    site: Path, tmp_path: Path, entries: list
) -> None:
    """Two emitters with one name (a built-in or two plugins) fail the build: E080."""
    for dist, names in entries:
        add_distribution(site, dist, names)
    name = next(iter(entries[-1][1]))
    done = specc(
        site, "build", str(TODO), "--target", name, "--out", "out", cwd=tmp_path
    )
    assert done.returncode == 1
    assert f"error[E080]: two emitters are named `{name}`" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_raising_emitter_is_e082_and_writes_nothing(
    site: Path, tmp_path: Path
) -> None:
    """A plugin that raises after yielding a file: E082, no traceback, nothing written."""
    add_distribution(site, "specc_hello", {"raising": "specc_hello:RaisingEmitter"})
    done = specc(
        site, "build", str(TODO), "--target", "ts,raising", "--out", "out", cwd=tmp_path
    )
    assert done.returncode == 1
    assert "error[E082]: the `raising` emitter failed: ValueError: boom" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_an_emitter_path_leaving_out_is_e083_and_writes_nothing(
    site: Path, tmp_path: Path
) -> None:
    """A plugin returning `../escaped.txt` is refused; not even its safe file is written."""
    add_distribution(site, "specc_hello", {"escaping": "specc_hello:EscapingEmitter"})
    work = tmp_path / "work"
    work.mkdir()
    done = specc(
        site, "build", str(TODO), "--target", "escaping", "--out", "out", cwd=work
    )
    assert done.returncode == 1
    assert "error[E083]: refusing to write escaping/../escaped.txt" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "work"]
    assert sorted(p.name for p in work.iterdir()) == []


# --- options -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "option, message",
    [
        ("ts.nope=1", "option `ts.nope`: Extra inputs are not permitted"),
        ("ts.typescript=1", "option `ts.typescript`: Input should be a valid string"),
    ],
)
def test_invalid_emitter_option_is_e081(
    cli, tmp_path: Path, option: str, message: str
) -> None:
    """An unknown or ill-typed option is E081 naming the valid ones; nothing written."""
    done = cli(
        "build",
        str(TODO),
        "--target",
        "ts",
        "--out",
        str(tmp_path / "out"),
        "-O",
        option,
    )
    assert done.exit_code == 1
    assert f"error[E081]: {message}" in done.stderr
    assert "options of `ts`: package, dependencies, spec, typescript" in done.stderr
    assert not (tmp_path / "out").exists()


def test_valid_emitter_option_reaches_the_emitter(cli, tmp_path: Path) -> None:
    """`-O ts.typescript=^5.9.0` changes the package's dev dependency."""
    out = tmp_path / "out"
    done = cli(
        "build",
        str(TODO),
        "--target",
        "ts",
        "--out",
        str(out),
        "-O",
        "ts.typescript=^5.9.0",
    )
    assert done.exit_code == 0, done.output
    package = json.loads((out / "ts" / "todo" / "package.json").read_text())
    assert package["devDependencies"]["typescript"] == "^5.9.0"


# --- template overrides ------------------------------------------------------------

OVERRIDE = """{# A user override of one block of the built-in API template. #}
{% extends "!ts/api.ts.jinja" %}
{% block interface %}
// Reviewed by the platform team.
{{ super() }}
{%- endblock %}
"""


def test_template_override_changes_only_its_block(cli, tmp_path: Path) -> None:
    """`--templates DIR` with ts/api.ts.jinja extending `!ts/api.ts.jinja` changes one part."""
    templates = tmp_path / "templates"
    (templates / "ts").mkdir(parents=True)
    (templates / "ts" / "api.ts.jinja").write_text(OVERRIDE)
    plain, custom = tmp_path / "plain", tmp_path / "custom"
    assert cli("build", str(TODO), "--target", "ts", "--out", str(plain)).exit_code == 0
    done = cli(
        "build", str(TODO), "--target", "ts", "--out", str(custom),
        "--templates", str(templates),
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    files = sorted(
        p.relative_to(plain)
        for p in plain.rglob("*")
        if p.is_file() and ".specc-cache" not in p.parts
    )
    changed = [
        f for f in files if (plain / f).read_bytes() != (custom / f).read_bytes()
    ]
    assert [f.as_posix() for f in changed] == [
        ".specc-manifest.json", "ts/todo/src/api.ts"
    ]  # fmt: skip
    before = (plain / "ts/todo/src/api.ts").read_text().splitlines()
    after = (custom / "ts/todo/src/api.ts").read_text().splitlines()
    where = after.index("// Reviewed by the platform team.")
    assert after[:where] + after[where + 1 :] == before
    assert before[where] == "/**" and before[where + 5].startswith("export interface ")


# --- integers beyond 2^53 ------------------------------------------------------------

BIG = """---
spec: big
title: Big numbers
version: 0.1.0
---

# Big numbers {#big}

Doubling MUST be exact.

```specc
record Limits { max: int = 9007199254740993 }
fn twice(x: int) -> int
fn limits() -> Limits
```

```examples
twice(1) == 2
twice(9007199254740993) == 0
twice(9007199254740993) == 1
twice(4) == -9007199254740992
twice(9007199254740991) == -9007199254740991
limits() == {}
limits() == {max: 1}
```
"""


def test_int_beyond_2_53_is_e084_at_the_example(cli, tmp_path: Path) -> None:
    """Each unsafe int is E084 at its own example line (or field default); none written."""
    spec = tmp_path / "big.spec.md"
    spec.write_text(BIG)
    assert cli("check", str(spec)).exit_code == 0
    out = tmp_path / "out"
    done = cli(
        "build", str(spec), "--target", "ts", "--out", str(out), "--format", "json"
    )
    assert done.exit_code == 1
    report = json.loads(done.stdout)
    found = sorted(
        (d["line"], d["message"].split()[0])
        for d in report["diagnostics"]
        if d["code"] == "E084"
    )
    lines = BIG.splitlines()
    at = {n + 1: line for n, line in enumerate(lines)}
    assert found == [
        (12, "9007199254740993"),  # the field's default
        (19, "9007199254740993"),
        (20, "9007199254740993"),
        (21, "-9007199254740992"),
    ]
    assert at[22].startswith("twice(9007199254740991)")  # 2^53 - 1 is safe
    assert all(d["severity"] == "error" for d in report["diagnostics"])
    assert report["ok"] is False
    assert not out.exists()


def test_options_not_given_are_what_validating_none_makes() -> None:
    """A target given no options gets its defaults without validation (start-up:
    `specc.build.emit.options_of`); they equal validated ones, and a model with a
    required option is still validated."""
    from pydantic import ValidationError

    from specc.build.emit import options_of
    from specc.emitters import registry
    from specc.emitters.base import Options
    from specc.records.data import to_data
    from specc.records.models import dump, validate
    from specc.targets import BUILTIN

    for name in BUILTIN:
        model = registry.load(name).Options
        made, validated = options_of(model, {}), validate(model, {})
        assert type(made) is model and made == validated, name
        assert to_data(made) == to_data(validated) == dump(validated), name

    class Needs(Options):
        value: int

    with pytest.raises(ValidationError):
        options_of(Needs, {})
    assert options_of(Needs, {"value": 3}) == Needs(value=3)
