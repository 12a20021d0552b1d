"""Front-end cases in one fixture file, markdown-it-py style: name, input, summary.

`data/parser_cases.txt` holds cases separated by lines with a single `.`:

    name of the case [xfail: why the compiler gets it wrong today]
    .
    the spec's Markdown
    .
    the expected summary (format below)
    .

The summary lists, in document order: the `spec` line; each section as
`rule <id>` or `section "<title>"` with its statements, links, blocks, examples
and conversations indented under it; then types, functions, footnotes and
every diagnostic (hints included) with its message. `pytest --update-goldens`
rewrites the summaries from the current output (leaving xfail cases alone).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest

from conftest import DATA

CASES_FILE = DATA / "parser_cases.txt"
SPEC_PATH = "case.spec.md"
_XFAIL = re.compile(r"\s*\[xfail: (.+)\]\s*$")


@dataclass
class Case:
    """One fixture: its name, input spec, expected summary and known-bug reason."""

    name: str
    source: str
    expected: str
    xfail: str | None = None


def read_cases(text: str) -> list[Case]:
    """Split the fixture file into cases."""
    cases: list[Case] = []
    parts: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line == ".":
            parts.append([])
        else:
            parts[-1].append(line)
    if parts[-1] == [] or parts[-1] == [""]:
        parts.pop()
    assert len(parts) % 3 == 0, "every case needs a name, an input and a summary"
    for i in range(0, len(parts), 3):
        name_lines = [line for line in parts[i] if line.strip()]
        assert len(name_lines) == 1, f"a case name is one line: {name_lines}"
        name = name_lines[0]
        match = _XFAIL.search(name)
        reason = match.group(1) if match else None
        name = name[: match.start()] if match else name
        source = "\n".join(parts[i + 1]) + "\n"
        expected = "\n".join(parts[i + 2]).strip("\n")
        cases.append(Case(name.strip(), source, expected, reason))
    return cases


def write_cases(cases: list[Case]) -> str:
    """Render cases back into the fixture format."""
    chunks = []
    for case in cases:
        name = case.name + (f" [xfail: {case.xfail}]" if case.xfail else "")
        chunks.append(f"{name}\n.\n{case.source}.\n{case.expected}\n.\n")
    return "\n".join(chunks)


# --- the summary ----------------------------------------------------------------


def value_text(value) -> str:  # type: ignore[no-untyped-def]
    """Render a typed example value compactly; `*` marks a filled-in default."""
    kind = value.kind
    if kind == "int":
        return str(value.value)
    if kind == "float":
        return f"{value.value!r}f"
    if kind == "string":
        return json.dumps(value.value, ensure_ascii=False)
    if kind == "bool":
        return "true" if value.value else "false"
    if kind == "none":
        return "none"
    if kind == "bytes":
        return f"bytes{value.value}"
    if kind == "list":
        return "[" + ", ".join(value_text(i) for i in value.items) + "]"
    if kind == "map":
        entries = (f"{value_text(e.key)}: {value_text(e.value)}" for e in value.entries)
        return "map{" + ", ".join(entries) + "}"
    if kind == "enum":
        return f"{value.enum}.{value.member}"
    fields = ", ".join(
        f"{f.name}{'' if f.explicit else '*'}: {value_text(f.value)}"
        for f in value.fields
    )
    head = value.record if kind == "record" else f"{value.variant}.{value.tag}"
    return f"{head}{{{fields}}}"


def field_text(field) -> str:  # type: ignore[no-untyped-def]
    """Render a declared field: `name: T [= default] [/// doc]`."""
    text = f"{field.name}: {field.type}"
    if field.default is not None:
        text += f" = {value_text(field.default)}"
    if field.doc:
        text += f" /// {field.doc}"
    return text


def block_lines(block, indent: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Render one content block."""
    span = block.span
    where = f"lines {span.line}-{span.end_line}"
    if block.kind == "prose":
        return [f"{indent}prose {where}"]
    if block.kind == "commentary":
        return [f"{indent}commentary {json.dumps(block.title)} {where}"]
    if block.kind == "code":
        return [f"{indent}code {block.lang or '-'} {where}"]
    if block.kind == "declarations":
        return [f"{indent}declarations {','.join(block.names)} {where}"]
    if block.kind == "examples":
        out = []
        for e in block.examples:
            head = f"{indent}example {e.rule}#{e.index} {e.expect} line {e.span.line}: "
            call = f"{e.function}({', '.join(value_text(a) for a in e.args)})"
            if e.expect == "raises":
                assert e.raises is not None
                fields = ", ".join(
                    f"{f.name}: {value_text(f.value)}" for f in e.raises.fields
                )
                tail = f"raises {e.raises.error}" + (f"{{{fields}}}" if fields else "")
            else:
                op = "==" if e.expect == "equals" else f"~=[{e.tolerance}]"
                tail = f"{op} {value_text(e.result)}"
            out.append(head + f"{call} {tail}")
        return out
    c = block.conversation
    roles = ",".join(
        t.role + "".join(f" {k}={v}" for k, v in sorted(t.attributes.items()))
        for t in c.turns
    )
    labels = ",".join(str(a.label) for a in c.answers)
    out = [
        f"{indent}conversation {c.rule}#{c.index} {json.dumps(c.title)} "
        f"lines {c.span.line}-{c.span.end_line} turns={roles} answers={labels}"
    ]
    for comparison in c.comparisons:
        for a in comparison.answers:
            extra = "".join(f" {k}={v}" for k, v in sorted(a.attributes.items()))
            refs = f" refs={','.join(a.refs)}" if a.refs else ""
            reason = f" reason={json.dumps(a.reason)}" if a.reason else ""
            out.append(
                f"{indent}  answer {a.label} after={comparison.after} "
                f"line {a.span.line}{refs}{reason}{extra} {json.dumps(a.content)}"
            )
    return out


def section_lines(section, indent: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    """Render a section, its content and its subsections."""
    line = section.span.line
    if section.id:
        head = f"{indent}rule {section.id} level={section.level} line {line}"
    else:
        head = f"{indent}section {json.dumps(section.title)} level={section.level} line {line}"
    if section.id and section.title:
        head += f" title={json.dumps(section.title)}"
    if section.attributes:
        attrs = ", ".join(f"{k}: {v}" for k, v in section.attributes.items())
        head += f" attrs={{{attrs}}}"
    inner = indent + "  "
    out = [head]
    for s in section.statements:
        notes = f" footnotes={','.join(s.footnotes)}" if s.footnotes else ""
        out.append(
            f"{inner}statement {s.strength or '-'} {s.span.line}:{s.span.col}{notes} "
            f"{json.dumps(s.text, ensure_ascii=False)}"
        )
    for link in section.links:
        out.append(
            f"{inner}link #{link.target} {link.span.line}:{link.span.col}"
            f"-{link.span.end_col} text={json.dumps(link.text)}"
        )
    for block in section.content:
        out += block_lines(block, inner)
    for child in section.sections:
        out += section_lines(child, inner)
    return out


def summarize(source: str) -> str:
    """Compile a spec and render the summary the fixture file compares against."""
    from specc.frontend.compile import compile_source

    result = compile_source(SPEC_PATH, source.encode("utf-8"))
    out = []
    spec = result.spec
    if spec is not None:
        head = f"spec {spec.id} title={json.dumps(spec.title)}"
        if spec.version:
            head += f" version={spec.version}"
        if spec.summary:
            head += f" summary={json.dumps(spec.summary)}"
        if spec.metadata:
            head += f" metadata={json.dumps(spec.metadata, sort_keys=True)}"
        out.append(head)
        for block in spec.preamble:
            out += block_lines(block, "preamble ")
        for section in spec.sections:
            out += section_lines(section)
        for t in spec.types:
            text = f"{t.kind} {t.name} rule={t.rule} line {t.span.line}"
            if t.kind == "alias":
                text += f" = {t.target}"
            elif t.kind == "enum":
                text += (
                    " {"
                    + ", ".join(
                        m.name + (f" /// {m.doc}" if m.doc else "") for m in t.members
                    )
                    + "}"
                )
            elif t.kind == "variant":
                text += (
                    " {"
                    + "; ".join(
                        tag.name
                        + (
                            " {" + ", ".join(field_text(f) for f in tag.fields) + "}"
                            if tag.fields
                            else ""
                        )
                        for tag in t.tags
                    )
                    + "}"
                )
            else:
                if t.kind == "error" and t.message is not None:
                    text += f" {json.dumps(t.message)}"
                if t.fields or t.kind == "record":
                    text += " {" + "; ".join(field_text(f) for f in t.fields) + "}"
            if t.doc:
                text += f" /// {t.doc}"
            out.append(text)
        for fn in spec.functions:
            params = ", ".join(f"{p.name}: {p.type}" for p in fn.params)
            text = f"fn {fn.name}({params}) -> {fn.returns}"
            if fn.raises:
                text += f" raises {', '.join(fn.raises)}"
            text += f" rule={fn.rule} line {fn.span.line}"
            if fn.doc:
                text += f" /// {fn.doc}"
            out.append(text)
        for note in spec.footnotes:
            out.append(
                f"footnote {note.id} line {note.span.line} {json.dumps(note.text)}"
            )
    for d in result.diagnostics:
        out.append(f"diagnostic {d.code} {d.span.line}:{d.span.col} {d.message}")
    return "\n".join(out)


# --- the tests --------------------------------------------------------------------

CASES = read_cases(CASES_FILE.read_text("utf-8"))


def test_fixture_file_is_well_formed():
    names = [c.name for c in CASES]
    assert len(CASES) >= 25
    assert len(set(names)) == len(names), "case names must be unique"
    assert write_cases(CASES) == CASES_FILE.read_text("utf-8")


def test_update_summaries(update_goldens):
    """With --update-goldens, rewrite every summary that is not a known bug."""
    if not update_goldens:
        pytest.skip("only with --update-goldens")
    for case in CASES:
        if not case.xfail:
            case.expected = summarize(case.source)
    CASES_FILE.write_text(write_cases(CASES), "utf-8")


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c,
            id=c.name,
            marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else [],
        )
        for c in CASES
    ],
)
def test_parser_case(case: Case, update_goldens):
    if update_goldens and not case.xfail:
        pytest.skip("summaries are being rewritten")
    assert summarize(case.source) == case.expected


def test_omitted_optional_field_is_filled_with_none():
    """The value side of the optional-default case works today; keep it working."""
    from specc.frontend.compile import compile_source

    name = "an optional field without a default defaults to none"
    case = next(c for c in CASES if c.name == name)
    result = compile_source(SPEC_PATH, case.source.encode("utf-8"))
    assert result.ok
    (example,) = result.spec.examples()
    (contact,) = example.args
    email = contact.fields[1]
    assert (email.name, email.explicit, email.value.kind) == ("email", False, "none")
    assert email.value.type.kind == "optional"
