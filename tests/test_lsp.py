"""`specc lsp` through a real client over stdio (pytest-lsp): every feature on the example specs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lsp_client import apply, open_text, position, published, replace, start
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import DATA, EXAMPLES, ROOT
from specc.diagnostics import Diagnostic, Severity
from specc.fmt.document import format_text
from specc.frontend.compile import compile_source

pytestmark = pytest.mark.asyncio(loop_scope="module")

SPECS = [
    EXAMPLES / "todo.spec.md",
    EXAMPLES / "geometry.spec.md",
    EXAMPLES / "support_bot.spec.md",
    ROOT / "specs" / "semver.spec.md",
    ROOT / "specs" / "release_assistant.spec.md",
]
MALFORMED = sorted((DATA / "malformed").glob("*.spec.md"))[:12] + [
    DATA / "malformed" / f"{name}.spec.md"
    for name in (
        "14_duplicate_rule_id",
        "23_duplicate_declaration",
        "26_duplicate_field",
    )
]
"""The first dozen, and some whose diagnostics have related places."""
PROJECT = sorted((ROOT / "examples" / "project").glob("*.spec.md"))


@pytest.fixture
def todo(tmp_path: Path) -> Path:
    """A copy of the todo spec, so each test has a document of its own."""
    return Path(shutil.copy(EXAMPLES / "todo.spec.md", tmp_path / "todo.spec.md"))


def _expected(path: Path) -> list[tuple[object, ...]]:
    """Return what `specc check --format json` reports, as LSP would place it."""
    from click.testing import CliRunner

    from specc.commands.main import main

    result = CliRunner().invoke(main, ["check", "--format", "json", str(path)])
    found = []
    for j in json.loads(result.stdout)["diagnostics"]:
        line, col = j["line"] - 1, j["col"] - 1
        one_line = j["end_col"] and j["end_line"] in (None, j["line"])
        end = j["end_col"] - 1 if one_line else None
        hint = f"\n= hint: {j['hint']}" if j["hint"] else ""
        related = [
            (
                Path(r["path"]).resolve().as_uri(),
                r["line"] - 1,
                r["col"] - 1,
                r["message"],
            )
            for r in j["related"]
        ]
        found.append(
            (j["code"], j["severity"], line, col, end, f"{j['message']}{hint}", related)
        )
    return found


def _received(diagnostics: list[types.Diagnostic]) -> list[tuple[object, ...]]:
    severities = {1: "error", 2: "warning", 4: "hint"}
    return [
        (
            d.code,
            severities[d.severity or 1],
            d.range.start.line,
            d.range.start.character,
            (
                d.range.end.character
                if d.range.end.line == d.range.start.line
                and d.range.end.character != d.range.start.character + 1
                else None
            ),
            d.message,
            [
                (
                    r.location.uri,
                    r.location.range.start.line,
                    r.location.range.start.character,
                    r.message,
                )
                for r in d.related_information or []
            ],
        )
        for d in diagnostics
    ]


@pytest.mark.parametrize("spec", SPECS + MALFORMED + PROJECT, ids=lambda p: p.name)
async def test_diagnostics_are_those_of_specc_check(
    client: LanguageClient, spec: Path, tmp_path: Path
) -> None:
    shutil.copytree(spec.parent, tmp_path / "project")
    path = tmp_path / "project" / spec.name
    text = path.read_text(errors="replace")
    path.write_text(
        text
    )  # what an editor sends is text: bad bytes are already replaced
    _, diagnostics = await open_text(client, path, text)
    expected = _expected(path)
    received = _received(diagnostics)
    assert [r[:4] + r[5:] for r in received] == [e[:4] + e[5:] for e in expected]
    for r, e in zip(received, expected, strict=True):
        if e[4] is not None and e[4] != e[3] + 1:
            assert r[4] == e[4]


async def test_an_unsaved_spec_is_checked_in_its_project(
    client: LanguageClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A spec that uses others gets their interfaces, as `specc check` gives them."""
    folder = Path(shutil.copytree(ROOT / "examples" / "project", tmp_path / "project"))
    path = folder / "checkout.spec.md"
    text = path.read_text()
    uri, diagnostics = await open_text(client, path)
    assert _problems(diagnostics) == []
    broken = text.replace("billing.", "bill.", 1)
    assert broken != text
    found = await replace(client, uri, 2, (0, 0), (len(text.split("\n")), 0), broken)
    path.write_text(broken)
    monkeypatch.chdir(folder)
    assert _received(found) == _expected(Path(path.name)) != []


async def test_unsaved_edits_are_checked_as_typed(
    client: LanguageClient, todo: Path
) -> None:
    text = todo.read_text()
    uri, diagnostics = await open_text(client, todo)
    assert _problems(diagnostics) == []
    at = position(text, "list<Task> raises EmptyTitle")
    found = await replace(
        client, uri, 2, (at.line, at.character + 5), (at.line, at.character + 9), "Tsk"
    )
    [unknown] = [d for d in found if d.code == "E042"]
    assert unknown.range.start == types.Position(at.line, at.character + 5)
    assert unknown.range.end == types.Position(at.line, at.character + 8)
    assert "did you mean `Task`?" in unknown.message
    assert unknown.severity == types.DiagnosticSeverity.Error
    again = await replace(
        client, uri, 3, (at.line, at.character + 5), (at.line, at.character + 8), "Task"
    )
    assert _problems(again) == []
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
    )


def _errors(found: list[Diagnostic]) -> list[Diagnostic]:
    """Return the errors among the front end's findings."""
    return [d for d in found if d.severity is Severity.ERROR]


def _problems(diagnostics: list[types.Diagnostic]) -> list[types.Diagnostic]:
    """Return the errors and warnings (hints, such as H102, aside)."""
    return [d for d in diagnostics if d.severity != types.DiagnosticSeverity.Hint]


async def _hover(client: LanguageClient, uri: str, at: types.Position) -> str:
    result = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), at)
    )
    assert result is not None
    assert isinstance(result.contents, types.MarkupContent)
    return result.contents.value


async def test_hover(client: LanguageClient, todo: Path) -> None:
    text = todo.read_text()
    uri, _ = await open_text(client, todo)
    on_type = await _hover(client, uri, position(text, "list<Task>", 5))
    assert "record Task {" in on_type and "A unit of work." in on_type
    assert "priority: Priority = normal" in on_type
    on_fn = await _hover(client, uri, position(text, "`add_task` MUST", 1))
    assert (
        "fn add_task(tasks: list<Task>, title: string) -> list<Task> raises EmptyTitle"
        in on_fn
    )
    on_member = await _hover(client, uri, position(text, "priority: high", 11))
    assert "Priority.high" in on_member
    on_field = await _hover(client, uri, position(text, '[{title: "Buy milk"}]', 2))
    assert "Task.title: string" in on_field
    assert "Short human title" in on_field
    on_rule = await _hover(client, uri, position(text, "{#add_task}", 2))
    assert "**Adding a task** `#add_task`" in on_rule
    assert "- **MUST**: `add_task` MUST append a new task" in on_rule
    on_example = await _hover(
        client, uri, position(text, 'add_task([], "   ") raises', 17)
    )
    assert "Example 4 of rule `#add_task` (Adding a task)" in on_example


async def test_hover_on_an_example_shows_the_last_results(
    client: LanguageClient, todo: Path
) -> None:
    report = {
        "version": 1,
        "specs": {
            "todo": {
                "title": "Todo list",
                "rules": [
                    {
                        "rule": "add_task",
                        "title": "Adding a task",
                        "examples": 4,
                        "conversations": 0,
                        "targets": {
                            "python": {
                                "status": "passed",
                                "passed": 4,
                                "failed": 0,
                                "not_implemented": 0,
                            },
                            "ts": {
                                "status": "failed",
                                "passed": 3,
                                "failed": 1,
                                "not_implemented": 0,
                                "message": "expected 1 task, got 0",
                            },
                        },
                    }
                ],
            }
        },
    }
    folder = todo.parent / "out" / "report"
    folder.mkdir(parents=True)
    (folder / "tests.json").write_text(json.dumps(report))
    text = todo.read_text()
    uri, _ = await open_text(client, todo)
    shown = await _hover(client, uri, position(text, 'add_task([], "Buy milk")', 10))
    assert "- python: passed (4 passed)" in shown
    assert "- ts: failed (3 passed, 1 failed): expected 1 task, got 0" in shown


async def _definition(
    client: LanguageClient, uri: str, at: types.Position
) -> types.Location:
    result = await client.text_document_definition_async(
        types.DefinitionParams(types.TextDocumentIdentifier(uri), at)
    )
    assert isinstance(result, types.Location)
    return result


async def test_go_to_definition(client: LanguageClient, todo: Path) -> None:
    text = todo.read_text()
    uri, _ = await open_text(client, todo)
    fn = await _definition(client, uri, position(text, 'add_task([], "Buy milk")', 2))
    assert fn.range.start == position(text, "add_task(tasks", 0)
    enum = await _definition(client, uri, position(text, "Priority = normal", 3))
    assert enum.range.start == position(text, "Priority {")
    member = await _definition(client, uri, position(text, "priority: high", 11))
    assert member.range.start == position(text, "high }")
    error = await _definition(
        client, uri, position(text, "raises NoSuchTask{index: 3}", 8)
    )
    assert error.range.start == position(text, "NoSuchTask {")
    rule = await _definition(client, uri, position(text, '== [{title: "Buy milk"}]', 1))
    assert rule.range.start == position(text, "add_task}", 0)


async def test_definition_of_a_link_goes_to_the_heading(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = Path(
        shutil.copy(ROOT / "specs" / "semver.spec.md", tmp_path / "semver.spec.md")
    )
    text = path.read_text()
    uri, _ = await open_text(client, path)
    heading = await _definition(client, uri, position(text, "(#compare)", 3))
    assert heading.range.start == position(text, "compare}")


async def test_find_references(client: LanguageClient, todo: Path) -> None:
    text = todo.read_text()
    uri, _ = await open_text(client, todo)
    params = types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri),
        position=position(text, "record Task", 8),
        context=types.ReferenceContext(include_declaration=True),
    )
    places = await client.text_document_references_async(params)
    assert places is not None
    assert len(places) == 1 + text.count("list<Task>")
    params = types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri),
        position=position(text, "{#add_task}", 3),
        context=types.ReferenceContext(include_declaration=False),
    )
    rule = await client.text_document_references_async(params)
    assert rule is not None
    first = position(text, 'add_task([], "Buy milk")').line
    assert [p.range.start.line for p in rule] == [
        first,
        first + 1,
        first + 2,
        first + 3,
    ]


async def _labels(client: LanguageClient, uri: str, at: types.Position) -> list[str]:
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), at)
    )
    assert isinstance(result, types.CompletionList)
    return [i.label for i in result.items]


async def test_completion(client: LanguageClient, todo: Path) -> None:
    text = todo.read_text()
    uri, _ = await open_text(client, todo)
    after = position(text, 'by_tag([{title: "A", tags: ["Home"]}], "home") == []', 52)
    lines = [
        '\nadd_task([{title: "A", ',
        '\nremaining([{title: "A", priority: ',
        "\ncomplete_task([], 1) raises ",
        "\nby",
    ]
    version = 2
    found = []
    for line in lines:
        await replace(
            client,
            uri,
            version,
            (after.line, after.character),
            (after.line, after.character),
            line,
        )
        version += 1
        after = types.Position(after.line + 1, len(line) - 1)
        found.append(await _labels(client, uri, after))
    fields, members, errors, calls = found
    assert sorted(fields) == ["done", "note", "priority", "tags"]
    assert members == ["low", "normal", "high"]
    assert errors == ["NoSuchTask"]
    assert "by_tag" in calls and "add_task" in calls
    at = position(text, "fn remaining(tasks: ", 20)
    types_here = await _labels(client, uri, at)
    assert {"Task", "Priority", "int", "string", "list"} <= set(types_here)
    assert "EmptyTitle" not in types_here
    prose = position(text, "tasks are not done.", 19)
    await replace(
        client,
        uri,
        version,
        (prose.line, prose.character),
        (prose.line, prose.character),
        " See [adding](#",
    )
    assert {"add_task", "complete_task", "todo"} <= set(
        await _labels(client, uri, types.Position(prose.line, prose.character + 15))
    )


def _names(symbols: list[types.DocumentSymbol]) -> list[object]:
    return [
        (s.name, _names(s.children or [])) if s.children else s.name for s in symbols
    ]


async def test_document_symbols(client: LanguageClient, todo: Path) -> None:
    uri, _ = await open_text(client, todo)
    found = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
    )
    assert found is not None
    assert _names(found) == [  # type: ignore[arg-type]
        (
            "Todo list",
            [
                (
                    "Types",
                    [
                        ("Priority", ["low", "normal", "high"]),
                        ("Task", ["title", "done", "priority", "tags", "note"]),
                        "EmptyTitle",
                        ("NoSuchTask", ["index"]),
                    ],
                ),
                ("Adding a task", ["add_task"]),
                ("Completing a task", ["complete_task"]),
                ("Counting what is left", ["remaining"]),
                ("Filtering by tag", ["by_tag"]),
            ],
        )
    ]
    [top] = found
    assert isinstance(top, types.DocumentSymbol) and top.detail == "#todo"


async def test_code_action_applies_did_you_mean(
    client: LanguageClient, todo: Path
) -> None:
    text = todo.read_text()
    uri, _ = await open_text(client, todo)
    at = position(text, 'add_task([], "Buy milk")')
    found = await replace(client, uri, 2, (at.line, 0), (at.line, 8), "add_tsk")
    [unknown] = [d for d in found if d.code == "E051"]
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            unknown.range,
            types.CodeActionContext([unknown]),
        )
    )
    assert result is not None
    [fix] = [
        a
        for a in result
        if isinstance(a, types.CodeAction)
        and a.title == "Change `add_tsk` to `add_task`"
    ]
    assert fix.edit is not None and fix.edit.changes is not None
    assert [(e.range, e.new_text) for e in fix.edit.changes[uri]] == [
        (unknown.range, "add_task")
    ]


async def test_code_action_adds_a_rule_id(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "notes.spec.md"
    text = '# Notes\n\n## Saving a note\n\n```specc\nfn save(text: string) -> bool\n```\n\n```examples\nsave("a") == true\n```\n'
    path.write_text(text)
    uri, diagnostics = await open_text(client, path)
    [outside] = [d for d in diagnostics if d.code == "W103"]
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            outside.range,
            types.CodeActionContext([outside]),
        )
    )
    assert result is not None
    [action] = [
        a
        for a in result
        if isinstance(a, types.CodeAction) and "{#saving_a_note}" in a.title
    ]
    assert action.edit is not None and action.edit.changes is not None
    fixed = apply(text, action.edit.changes[uri])
    assert "## Saving a note {#saving_a_note}\n" in fixed
    assert compile_source(str(path), fixed.encode()).diagnostics == []


async def test_rename_a_type_and_a_rule(client: LanguageClient, tmp_path: Path) -> None:
    path = Path(
        shutil.copy(ROOT / "specs" / "semver.spec.md", tmp_path / "semver.spec.md")
    )
    text = path.read_text()
    uri, _ = await open_text(client, path)
    at = position(text, "record Version", 7)
    prepared = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(types.TextDocumentIdentifier(uri), at)
    )
    assert prepared == types.Range(
        at, types.Position(at.line, at.character + len("Version"))
    )
    edit = await client.text_document_rename_async(
        types.RenameParams(types.TextDocumentIdentifier(uri), at, "SemVer")
    )
    assert edit is not None and edit.changes is not None
    renamed = apply(text, edit.changes[uri])
    before = compile_source(str(path), text.encode()).spec
    after = compile_source(str(path), renamed.encode())
    assert not _errors(after.diagnostics) and after.spec and before
    assert {t.name for t in after.spec.types} == {t.name for t in before.types} - {
        "Version"
    } | {"SemVer"}
    assert "`Version`" not in renamed.split("## Parsing")[0]
    at = position(text, "{#compare}", 2)
    edit = await client.text_document_rename_async(
        types.RenameParams(types.TextDocumentIdentifier(uri), at, "ordering")
    )
    assert edit is not None and edit.changes is not None
    renamed = apply(text, edit.changes[uri])
    assert "## Ordering {#ordering}" in renamed and "[compare](#ordering)" in renamed
    assert not _errors(compile_source(str(path), renamed.encode()).diagnostics)


async def test_formatting(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "layout.spec.md"
    text = (
        (EXAMPLES / "todo.spec.md")
        .read_text()
        .replace("title:    string", "title :string")
        .replace('add_task([], "Buy milk")', 'add_task( [],"Buy milk" )')
    )
    path.write_text(text)
    uri, _ = await open_text(client, path)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            types.TextDocumentIdentifier(uri), types.FormattingOptions(2, True)
        )
    )
    assert edits
    assert (
        apply(text, edits)
        == format_text(str(path), text)
        == (EXAMPLES / "todo.spec.md").read_text()
    )


async def test_closing_clears_diagnostics(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "bad.spec.md"
    path.write_text("# Bad {#bad}\n\n```specc\nrecord A { x: Nope }\n```\n")
    uri, diagnostics = await open_text(client, path)
    assert [d.code for d in diagnostics] == ["E042"]
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert params.uri == uri and list(params.diagnostics) == []


async def test_a_keystroke_in_a_large_spec_rechecks_its_block_first(
    tmp_path: Path,
) -> None:
    """A spec whose full check is slow gets its edited block checked at once, then in full."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth import generate

    [path] = generate(200, tmp_path, full=True)
    text = path.read_text()
    client = await start(
        {"blockCheckAbove": 0.0, "fullCheckAfter": 0.2, "debounce": 0.0}
    )
    try:
        uri, first = await open_text(client, path, text)
        assert _problems(first) == []
        at = position(text, "\nsummarize_rec150(", 1)
        fast = await replace(
            client, uri, 2, (at.line, 0), (at.line, 16), "summarize_rec15x"
        )
        full = await published(client, uri, 2)
        assert [d.code for d in fast] == [d.code for d in full] == ["E051"]
        assert fast[0].range == full[0].range
    finally:
        await client.shutdown_session()
