"""The malformed-spec catalog: each bad file gives its diagnostic, never a traceback."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import pytest

from conftest import DATA

CATALOG = DATA / "malformed"
EXPECTED = CATALOG / "expected.txt"
MESSAGES = DATA / "malformed_messages.txt"
"""Every diagnostic of every catalog file, word for word, with its span and hint."""

#: Codes the catalog must exercise: every code a spec file can trigger.
REQUIRED_CODES = set(
    "E002 E003 E004 E010 E011 E012 E020 E021 E022 E023 E030 E040 E041 E042 E043"
    " E044 E045 E046 E047 E048 E050 E051 E052 E053 E054 E055 E056 E057 E058 E059"
    " E060 E061 E062 E070 E071 W013 E014 W072 W101 W103".split()
)

#: Cases whose expected diagnostic the compiler gets wrong today (see the report).
KNOWN_BUGS: dict[str, str] = {}


@dataclass(frozen=True)
class Case:
    """One catalog line: a file and the first diagnostic it must produce."""

    name: str
    code: str
    line: int
    col: int

    @property
    def severity(self) -> str:
        """Return the severity the code's letter stands for."""
        return {"E": "error", "W": "warning", "H": "hint"}[self.code[0]]


def read_catalog() -> list[Case]:
    """Parse expected.txt, skipping comments and blank lines."""
    cases = []
    for number, text in enumerate(EXPECTED.read_text("utf-8").splitlines(), 1):
        if not text.strip() or text.startswith("#"):
            continue
        name, code, position = text.split()
        line, col = position.split(":")
        assert code[0] in "EWH" and code[1:].isdigit(), f"line {number}: {text}"
        cases.append(Case(name, code, int(line), int(col)))
    return cases


def params(cases: list[Case], bugs: dict[str, str]) -> list:
    """Wrap cases as pytest params, marking known compiler bugs as strict xfails."""
    return [
        pytest.param(
            case,
            id=case.name,
            marks=(
                [pytest.mark.xfail(strict=True, reason=bugs[case.name])]
                if case.name in bugs
                else []
            ),
        )
        for case in cases
    ]


CASES = read_catalog()


def source_line(case: Case) -> str:
    """Return the text of the case's line as specc shows it, or '' if undecodable."""
    data = (CATALOG / case.name).read_bytes()
    if b"\x00" in data:
        return ""
    try:
        lines = data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        return ""
    return lines[case.line - 1] if case.line <= len(lines) else ""


def test_catalog_lists_every_file_once_and_nothing_else():
    names = [c.name for c in CASES]
    assert [n for n, k in Counter(names).items() if k > 1] == []
    on_disk = {p.name for p in CATALOG.iterdir() if p.is_file()} - {EXPECTED.name}
    assert sorted(on_disk - set(names)) == [], "files missing from expected.txt"
    assert sorted(set(names) - on_disk) == [], "stale entries in expected.txt"


def test_catalog_covers_every_triggerable_code():
    from specc.diagnostics import CODES

    assert REQUIRED_CODES <= set(CODES)
    assert sorted(REQUIRED_CODES - {c.code for c in CASES}) == []
    assert len(CASES) >= 35


@pytest.mark.parametrize("case", params(CASES, KNOWN_BUGS))
def test_check_text_output(case: Case, cli, monkeypatch):
    monkeypatch.chdir(CATALOG)
    result = cli("check", case.name)
    assert result.exit_code == (1 if case.severity == "error" else 0)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    head = f"{case.name}:{case.line}:{case.col}: {case.severity}[{case.code}]:"
    of_severity = [
        n
        for n, t in enumerate(lines)
        if t.startswith(f"{case.name}:")
        if f": {case.severity}[" in t
    ]
    assert of_severity, result.stderr
    first = of_severity[0]
    assert lines[first].startswith(head), result.stderr
    text = source_line(case)
    if text:
        gutter = str(case.line)
        assert lines[first + 2] == f"{gutter} | {text}"
        caret = f"{' ' * len(gutter)} | {' ' * (case.col - 1)}^"
        assert lines[first + 3].startswith(caret), result.stderr
    assert lines[-1].startswith("checked 1 spec:")


@pytest.mark.parametrize("case", params(CASES, KNOWN_BUGS))
def test_check_json_output(case: Case, cli, monkeypatch):
    monkeypatch.chdir(CATALOG)
    result = cli("check", "--format", "json", case.name)
    assert result.exit_code == (1 if case.severity == "error" else 0)
    assert "Traceback" not in result.output
    report = json.loads(result.stdout)
    diagnostics = report["diagnostics"]
    first = next(d for d in diagnostics if d["severity"] == case.severity)
    assert (first["code"], first["line"], first["col"]) == (
        case.code,
        case.line,
        case.col,
    )
    assert first["path"] == case.name
    assert first["message"]
    errors = sum(1 for d in diagnostics if d["severity"] == "error")
    assert report["summary"]["errors"] == errors
    assert report["summary"]["specs"] == 1
    if case.severity == "warning":
        assert errors == 0


@pytest.mark.parametrize(
    "case",
    params(CASES, KNOWN_BUGS),
)
def test_no_diagnostic_is_reported_twice(case: Case):
    from specc.frontend.compile import compile_file

    result = compile_file(CATALOG / case.name)
    keys = [(d.code, d.span.line, d.span.col, d.message) for d in result.diagnostics]
    assert [k for k, n in Counter(keys).items() if n > 1] == []
    assert result.ok is (case.severity != "error")


def test_strict_turns_warnings_into_failure(cli, monkeypatch):
    monkeypatch.chdir(CATALOG)
    name = "11_unknown_front_matter_field.spec.md"
    assert cli("check", name).exit_code == 0
    assert cli("check", "--strict", name).exit_code == 1


def test_errors_in_several_files_are_all_reported(cli, monkeypatch):
    monkeypatch.chdir(CATALOG)
    cases = [c for c in CASES if c.severity == "error" and c.name not in KNOWN_BUGS]
    result = cli("check", "--format", "json", *[c.name for c in cases])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["summary"]["specs"] == len(cases)
    found = {(d["path"], d["code"], d["line"], d["col"]) for d in report["diagnostics"]}
    missing = [c for c in cases if (c.name, c.code, c.line, c.col) not in found]
    assert missing == []


def describe(name: str) -> list[str]:
    """Return each diagnostic of catalog file ``name`` as `file:span: CODE message`."""
    from specc.frontend.compile import compile_file

    found = []
    for d in compile_file(CATALOG / name).diagnostics:
        span = d.span
        end = f"-{span.end_line or span.line}:{span.end_col}" if span.end_col else ""
        found.append(f"{name}:{span.line}:{span.col}{end}: {d.code} {d.message}")
        if d.hint:
            found.append(f"    = hint: {d.hint}")
    return found


def test_every_message_is_pinned(update_goldens: bool) -> None:
    """Messages, spans and hints are what users read: any change shows up here.

    `pytest tests/test_malformed.py --update-goldens` rewrites the file.
    """
    found = "\n".join(line for case in CASES for line in describe(case.name)) + "\n"
    if update_goldens:
        MESSAGES.write_text(found, "utf-8")
    assert found == MESSAGES.read_text("utf-8")
