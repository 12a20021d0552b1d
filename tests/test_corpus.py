"""The shared examples and the real Model Spec: clean, counted, stable, schema-valid."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import DATA, EXAMPLES, MODEL_SPEC

EXAMPLE_SPECS = sorted(EXAMPLES.glob("*.spec.md"))

#: What each example holds, counted by hand.
EXPECTED = {
    "geometry.spec.md": dict(
        rules=5, types=5, functions=3, examples=11, conversations=0, commentary=0
    ),
    "support_bot.spec.md": dict(
        rules=4, types=0, functions=0, examples=0, conversations=3, commentary=1
    ),
    "todo.spec.md": dict(
        rules=6, types=4, functions=4, examples=12, conversations=0, commentary=1
    ),
}

_FENCE = re.compile(r"^(```|~~~)\s*(\w*)\s*$")
_HEADING_ID = re.compile(r"^#{1,6} .*\{#([^\s}]+)[^}]*\}\s*$")
_DECL = re.compile(r"^\s*(type|enum|record|variant|error|fn)\s+\w")


def scan(text: str) -> dict[str, int]:
    """Count a spec's contents with plain line matching, independently of specc."""
    counts = Counter(
        rules=0, types=0, functions=0, examples=0, conversations=0, commentary=0
    )
    block: str | None = None
    for line in text.splitlines():
        fence = _FENCE.match(line)
        if fence:
            block = fence.group(2) if block is None else None
            continue
        if block == "examples":
            code = line.split("#", 1)[0].strip()
            counts["examples"] += bool(code)
        elif block == "specc":
            decl = _DECL.match(line.split("//", 1)[0])
            if decl:
                counts["functions" if decl.group(1) == "fn" else "types"] += 1
        elif block is None:
            counts["rules"] += bool(_HEADING_ID.match(line))
            counts["conversations"] += line.startswith("**Example**")
            counts["commentary"] += line.startswith("!!! meta")
    return dict(counts)


def test_every_example_is_counted_by_hand():
    assert sorted(p.name for p in EXAMPLE_SPECS) == sorted(EXPECTED)


@pytest.mark.parametrize("path", EXAMPLE_SPECS, ids=lambda p: p.name)
def test_example_checks_clean_with_the_counts_it_holds(path: Path, cli):
    result = cli("check", "--format", "json", str(path))
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    errors = [d for d in report["diagnostics"] if d["severity"] == "error"]
    warnings = [d for d in report["diagnostics"] if d["severity"] == "warning"]
    assert errors == [] and warnings == []
    summary = report["summary"]
    assert (summary["specs"], summary["errors"], summary["warnings"]) == (1, 0, 0)
    counted = {key: summary[key] for key in EXPECTED[path.name]}
    assert counted == scan(path.read_text("utf-8"))
    assert counted == EXPECTED[path.name]


def test_examples_folder_totals(cli):
    result = cli("check", "--format", "json", str(EXAMPLES))
    assert result.exit_code == 0
    summary = json.loads(result.stdout)["summary"]
    totals = Counter()
    for counts in EXPECTED.values():
        totals.update(counts)
    assert {key: summary[key] for key in totals} == dict(totals)
    assert summary == dict(
        specs=3,
        rules=15,
        types=9,
        functions=7,
        examples=23,
        conversations=3,
        commentary=2,
        errors=0,
        warnings=0,
        hints=summary["hints"],
    )


# --- the Model Spec -------------------------------------------------------------


@pytest.fixture(scope="module")
def model_spec():
    """Compile the Model Spec once for the tests that only read its IR."""
    from specc.frontend.compile import compile_file

    return compile_file(MODEL_SPEC)


@pytest.fixture(scope="module")
def model_text() -> str:
    """Return the Model Spec's source text."""
    return MODEL_SPEC.read_text("utf-8")


def test_model_spec_compiles_without_errors_or_warnings(model_spec):
    codes = Counter(d.code for d in model_spec.diagnostics)
    assert model_spec.ok
    assert {c for c in codes if not c.startswith("H")} == set()


def test_model_spec_keeps_every_heading_id_in_order(model_spec, model_text):
    in_source = [
        m.group(1)
        for m in re.finditer(r"^#{1,6} .*\{#([^\s}]+)", model_text, flags=re.M)
    ]
    in_ir = [s.id for s in model_spec.spec.rules()]
    assert in_ir == in_source
    assert len(in_ir) == len(set(in_ir)) == 80


def test_model_spec_authority_attributes(model_spec, model_text):
    authority = Counter(s.attributes.get("authority") for s in model_spec.spec.rules())
    assert authority == Counter(
        {"root": 22, "guideline": 18, "user": 15, "system": 3, "developer": 1, None: 21}
    )
    in_source = Counter(re.findall(r"\{#[^}]*\bauthority=(\w+)", model_text))
    assert in_source == Counter({k: v for k, v in authority.items() if k})
    for section in model_spec.spec.rules():
        heading = model_text.splitlines()[section.span.line - 1]
        for key, value in section.attributes.items():
            assert f"{key}={value}" in heading


def test_model_spec_commentary(model_spec, model_text):
    blocks = [c for s in model_spec.spec.walk() for c in s.commentary]
    assert len(blocks) == 28 == len(re.findall(r"^!!! meta", model_text, flags=re.M))
    assert all(b.markdown.strip() for b in blocks)


def test_model_spec_conversations_and_answers(model_spec, model_text):
    conversations = list(model_spec.spec.conversations())
    assert len(conversations) == 183
    assert len(re.findall(r"^\*\*Example\*\*", model_text, flags=re.M)) == 183
    assert all(c.title for c in conversations)
    labels = Counter(a.label for c in conversations for a in c.answers)
    assert labels == Counter({"GOOD": 193, "BAD": 196, "OK": 8})
    in_source = Counter(re.findall(r"<!--\s*(GOOD|BAD|OK)\b", model_text))
    assert labels == in_source
    ids = {s.id for s in model_spec.spec.rules()}
    refs = [r for c in conversations for a in c.answers for r in a.refs]
    assert refs and set(refs) <= ids


def test_model_spec_footnote_markers(model_spec, model_text):
    definition = re.compile(r"^\[\^[^\]\s]+\]:")
    in_source = [
        marker
        for line in model_text.splitlines()
        for marker in re.findall(r"\[\^([^\]\s]+)\]", definition.sub("", line))
    ]
    markers = [f for s in model_spec.spec.walk() for f in s.footnotes]
    assert len(markers) == 116 == len(in_source)
    assert markers == in_source

    def owned(sections, rule):  # type: ignore[no-untyped-def]
        for section in sections:
            owner = section.id or rule
            if section.footnotes:
                yield owner
            yield from owned(section.sections, owner)

    owners = list(owned(model_spec.spec.sections, None))
    assert owners and None not in owners


# --- stability and the schema -----------------------------------------------------

ALL_SPECS = EXAMPLE_SPECS + [MODEL_SPEC] + sorted((DATA / "golden").glob("*.spec.md"))


@pytest.mark.parametrize("path", ALL_SPECS, ids=lambda p: p.name)
def test_compiling_twice_gives_identical_ir(path: Path, cli):
    first = cli("ir", str(path))
    second = cli("ir", str(path))
    assert first.exit_code == 0, first.stderr
    assert first.stdout_bytes == second.stdout_bytes
    assert json.loads(first.stdout)["path"] == str(path)


@pytest.fixture(scope="module")
def validator():
    """Return a validator for `specc ir --schema`."""
    jsonschema = pytest.importorskip("jsonschema")
    from click.testing import CliRunner

    from specc.commands.main import main

    result = CliRunner().invoke(main, ["ir", "--schema"], catch_exceptions=False)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@pytest.mark.parametrize("path", ALL_SPECS, ids=lambda p: p.name)
def test_ir_validates_against_its_schema(path: Path, cli, validator):
    result = cli("ir", str(path))
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    errors = sorted(validator.iter_errors(document), key=str)
    assert errors == []
    assert (
        document["ir_version"]
        == validator.schema["properties"]["ir_version"]["default"]
    )


def test_schema_rejects_a_broken_ir(cli, validator):
    document = json.loads(cli("ir", str(EXAMPLES / "todo.spec.md")).stdout)
    document["sections"][0]["level"] = "one"
    assert not validator.is_valid(document)
    del document["sections"][0]["level"]
    document["sections"][0]["unknown_field"] = 1
    assert not validator.is_valid(document)
