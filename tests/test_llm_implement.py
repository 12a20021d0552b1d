"""`specc implement` in each code target: a wrong first answer, feedback, a right second one."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from impls.breakages import implementation

from conftest import EXAMPLES, TEST_API_KEY
from specc import conformance

IMPLEMENTATION = {
    "ts": "todo/src/impl.ts",
    "python": "todo/src/todo/implementation.py",
    "rust": "todo/src/implementation.rs",
}
FENCE = {"ts": "ts", "python": "python", "rust": "rust"}


def _answer(language: str, broken: bool) -> str:
    """Return an answer as models write them: a sentence, then the file in a fence."""
    code = implementation(language, "todo", broken)
    sketch = f"```{FENCE[language]}\n// a first sketch\n```\n"
    return f"Here is the implementation.\n\n{sketch}\nThe whole file:\n\n```{FENCE[language]}\n{code}```\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a folder with the todo spec and a specc.toml naming the test model."""
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(EXAMPLES / "todo.spec.md", specs)
    (specs / "specc.toml").write_text('[llm]\nmodel = "test-model"\n')
    return tmp_path


def _prepare(cli, project: Path, language: str, modules: Path | None) -> None:
    """Build the target once (and share node_modules for TypeScript)."""
    out = project / "out"
    built = cli(
        "build", str(project / "specs"), "--target", language, "--out", str(out)
    )
    assert built.exit_code == 0, built.output
    if modules is not None:
        (out / "ts" / "todo" / "node_modules").symlink_to(
            modules, target_is_directory=True
        )


def _implement(cli, project: Path, language: str, *flags: str):
    return cli(
        "implement",
        str(project / "specs"),
        "--target",
        language,
        "--out",
        str(project / "out"),
        *flags,
    )


@pytest.fixture(params=["python", "ts", "rust"])
def language(request, ts_node_modules):  # type: ignore[no-untyped-def]
    """Each code target, with what it needs."""
    return request.param, (ts_node_modules if request.param == "ts" else None)


def test_implement_feeds_failures_back_until_every_example_passes(
    cli, llm_server, project, language, monkeypatch
):
    language, modules = language
    _prepare(cli, project, language, modules)
    scaffold = (project / "out" / language / IMPLEMENTATION[language]).read_text()
    llm_server.reply(_answer(language, broken=True), times=1)
    llm_server.reply(_answer(language, broken=False))
    result = _implement(cli, project, language)
    assert result.exit_code == 0, result.output
    first, second = llm_server.completions()
    # The first request holds the spec's rules, the generated API and the scaffold.
    assert "{#by_tag}" in first.prompt and scaffold.strip() in first.prompt
    # The second shows the model the failing example with its message.
    feedback = second.body["messages"][-1]["content"]
    assert (
        "by_tag #2" in feedback
        and 'by_tag([{title: "A", tags: ["Home"]}], "home") == []' in feedback
    )
    # ... and the runner's message under it (what the broken code returned).
    message = feedback.split('"home") == []', 1)[1]
    assert "Home" in message and "by_tag #1" not in feedback
    assert second.body["messages"][-2] == {
        "role": "assistant",
        "content": _answer(language, True),
    }
    written = (project / "out" / language / IMPLEMENTATION[language]).read_text()
    assert written == implementation(language, "todo")
    assert "todo by_tag" in result.output and "FAIL" not in result.output
    assert "accepted after 2 attempts" in result.output
    # Every conformance test passes on the accepted file.
    spec = _spec(project)
    results = conformance.runner(language)(project / "out" / language, spec)
    assert results and all(r.status == "passed" for r in results)
    # --frozen rebuilds the same file from the lock, offline, from the scaffold.
    (project / "out" / language / IMPLEMENTATION[language]).write_text(scaffold)
    monkeypatch.delenv("OPENAI_BASE_URL")
    monkeypatch.delenv("OPENAI_API_KEY")
    frozen = _implement(cli, project, language, "--frozen")
    assert frozen.exit_code == 0, frozen.output
    assert (
        project / "out" / language / IMPLEMENTATION[language]
    ).read_text() == written
    assert len(llm_server.completions()) == 2
    lock = (project / "specs" / "specc.lock").read_text()
    assert f"implement/{language}/todo" in lock and TEST_API_KEY not in lock


def _spec(project: Path):  # type: ignore[no-untyped-def]
    from specc.frontend.compile import compile_file

    return compile_file(str(project / "specs" / "todo.spec.md")).spec


def test_implement_gives_up_and_puts_the_scaffold_back(cli, llm_server, project):
    _prepare(cli, project, "python", None)
    path = project / "out" / "python" / IMPLEMENTATION["python"]
    scaffold = path.read_text()
    llm_server.reply(_answer("python", broken=True))
    result = _implement(cli, project, "python", "--attempts", "2")
    assert result.exit_code == 1
    assert "error[E135]: no implementation of `todo` in Python" in result.output
    assert re.search(r"^todo by_tag +1/2  FAIL$", result.output, re.M)
    assert re.search(r"^todo add_task +\d+/\d+  PASS$", result.output, re.M)
    assert path.read_text() == scaffold and len(llm_server.completions()) == 2
    # The failed answers are not locked: the next run asks again, not replays them.
    assert not (project / "specs" / "specc.lock").exists()
    llm_server.reply(_answer("python", broken=False), when="by_tag")
    llm_server._rules.reverse()
    again = _implement(cli, project, "python", "--attempts", "2")
    assert again.exit_code == 0, again.output
    assert len(llm_server.completions()) == 3
    assert path.read_text() == implementation("python", "todo")


def test_implement_keeps_edited_code_unless_forced(cli, llm_server, project):
    _prepare(cli, project, "python", None)
    path = project / "out" / "python" / IMPLEMENTATION["python"]
    path.write_text(path.read_text() + "# mine\n")
    llm_server.reply(_answer("python", broken=False))
    result = _implement(cli, project, "python")
    assert result.exit_code == 1 and "error[E137]" in result.output
    assert path.read_text().endswith("# mine\n") and llm_server.log == []
    forced = _implement(cli, project, "python", "--force")
    assert forced.exit_code == 0, forced.output
    assert path.read_text() == implementation("python", "todo")


def test_implement_needs_an_endpoint(cli, project, no_llm_env):
    result = _implement(cli, project, "python")
    assert result.exit_code == 1
    assert "error[E130]: no LLM endpoint is configured" in result.output
    assert "template" not in result.output  # nothing serves in its place


@pytest.mark.parametrize("command", ["implement", "eval"])
def test_commands_that_always_ask_a_model_take_no_llm_switch(cli, command):
    shown = cli(command, "--help").output
    assert "--llm " not in shown and "--no-llm" not in shown
    assert "--frozen" in shown and "--model" in shown
    assert "--llm" in cli("build", "--help").output
    for other in ("build", "test", "watch"):
        assert "--llm / --no-llm" in cli(other, "--help").output
