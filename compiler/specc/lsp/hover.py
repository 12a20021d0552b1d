"""Hover: a declaration with its doc comment, a rule's statements, an example's rule and results."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from specc import ir
from specc.lsp.index import Index, Occurrence


def hover_text(index: Index, occurrence: Occurrence, report: Any = None) -> str | None:
    """Return Markdown describing what an occurrence names."""
    kind, _, name = occurrence.key.partition(":")
    spec = index.spec
    if kind in ("type", "fn"):
        decl = spec.type(name) if kind == "type" else spec.function(name)
        return _declaration(decl) if decl is not None else None
    if kind in ("member", "field", "tag", "param"):
        return _member(spec, kind, name)
    if kind == "rule":
        rule = spec.rule(name)
        return _rule(rule) if rule is not None else None
    if kind == "spec":
        return _spec(spec) if name == spec.id else None
    example = index.examples.get(occurrence.key)
    return _example(spec, example, report) if example is not None else None


def imported_text(declaring: Index, occurrence: Occurrence) -> str | None:
    """Return Markdown describing a name another spec declares, from that spec's index."""
    text = hover_text(declaring, dataclasses.replace(occurrence, spec=""))
    if text is None or occurrence.key.startswith("spec:"):
        return text
    return f"{text}\n\nFrom spec `{declaring.spec.id}`."


def _spec(spec: ir.Spec) -> str:
    """Describe a spec: its title, ID, version and summary."""
    version = f" {spec.version}" if spec.version else ""
    head = f"**{spec.title}** · spec `{spec.id}`{version}"
    return f"{head}\n\n{spec.summary}" if spec.summary else head


def describe(decl: ir.TypeDecl | ir.Function) -> str:
    """Return a declaration as `specc` text."""
    if isinstance(decl, ir.Function):
        params = ", ".join(f"{p.name}: {p.type}" for p in decl.params)
        raises = f" raises {', '.join(decl.raises)}" if decl.raises else ""
        return f"fn {decl.name}({params}) -> {decl.returns}{raises}"
    if isinstance(decl, ir.Alias):
        return f"type {decl.name} = {decl.target}"
    if isinstance(decl, ir.Enum):
        return f"enum {decl.name} {{ {', '.join(m.name for m in decl.members)} }}"
    if isinstance(decl, ir.Variant):
        tags = "".join(f"  {_tag(t)}\n" for t in decl.tags)
        return f"variant {decl.name} {{\n{tags}}}"
    head = f"{decl.kind} {decl.name}"
    if isinstance(decl, ir.Error):
        if decl.message is not None:
            head += f" {json.dumps(decl.message, ensure_ascii=False)}"
        if not decl.fields:
            return head
    fields = "".join(f"  {_field(f)}\n" for f in decl.fields)
    return f"{head} {{\n{fields}}}"


def _tag(tag: ir.VariantTag) -> str:
    if not tag.fields:
        return tag.name
    return f"{tag.name} {{ {', '.join(_field(f) for f in tag.fields)} }}"


def _field(f: ir.Field) -> str:
    text = f"{f.name}: {f.type}"
    if f.default is not None and not isinstance(f.default, ir.NoneValue):
        text += f" = {value_text(f.default)}"
    return text


def value_text(value: ir.Value) -> str:
    """Return a typed value as an example would write it."""
    if isinstance(value, ir.BoolValue):
        return "true" if value.value else "false"
    if isinstance(value, ir.FloatValue):
        return value.text
    if isinstance(value, (ir.IntValue, ir.BytesValue)):
        return str(value.value)
    if isinstance(value, ir.StringValue):
        return json.dumps(value.value, ensure_ascii=False)
    if isinstance(value, ir.NoneValue):
        return "none"
    if isinstance(value, ir.ListValue):
        return "[" + ", ".join(value_text(v) for v in value.items) + "]"
    if isinstance(value, ir.MapValue):
        pairs = (f"{value_text(e.key)}: {value_text(e.value)}" for e in value.entries)
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, ir.EnumValue):
        return value.member
    given = [f for f in value.fields if f.explicit]
    fields = "{" + ", ".join(f"{f.name}: {value_text(f.value)}" for f in given) + "}"
    return f"{value.tag}{fields}" if isinstance(value, ir.VariantValue) else fields


def _code(text: str) -> str:
    return f"```specc\n{text}\n```"


def _declaration(decl: ir.TypeDecl | ir.Function) -> str:
    parts = [_code(describe(decl))]
    if decl.doc:
        parts.append(decl.doc)
    if decl.rule:
        parts.append(f"Declared under rule `#{decl.rule}`.")
    return "\n\n".join(parts)


def _member(spec: ir.Spec, kind: str, name: str) -> str | None:
    """Describe an enum member, a field, a tag or a parameter."""
    owner, _, rest = name.partition(".")
    decl: ir.TypeDecl | ir.Function | None = (
        spec.function(owner) if kind == "param" else spec.type(owner)
    )
    if decl is None:
        return None
    if isinstance(decl, ir.Enum):
        member = next((m for m in decl.members if m.name == rest), None)
        if member is None:
            return None
        return "\n\n".join(
            filter(None, [_code(f"{decl.name}.{member.name}"), member.doc])
        )
    if isinstance(decl, ir.Variant):
        tag_name, _, field_name = rest.partition(".")
        tag = next((t for t in decl.tags if t.name == tag_name), None)
        if tag is None:
            return None
        if not field_name:
            return "\n\n".join(
                filter(None, [_code(f"{decl.name}.{_tag(tag)}"), tag.doc])
            )
        fields = tag.fields
        rest = field_name
        owner = f"{decl.name}.{tag.name}"
    elif isinstance(decl, ir.Function):
        fields = decl.params
    elif isinstance(decl, (ir.Record, ir.Error)):
        fields = decl.fields
    else:
        return None
    found = next((f for f in fields if f.name == rest), None)
    if found is None:
        return None
    return "\n\n".join(filter(None, [_code(f"{owner}.{_field(found)}"), found.doc]))


def _rule(rule: ir.Section) -> str:
    """Describe a rule: title, ID, attributes and statements with their strength."""
    head = f"**{rule.title}** `#{rule.id}`"
    if rule.attributes:
        head += " · " + ", ".join(f"{k}={v}" for k, v in rule.attributes.items())
    lines = [head]
    for statement in rule.statements:
        strength = f"**{statement.strength}**: " if statement.strength else ""
        lines.append(f"- {strength}{statement.text}")
    if rule.examples or rule.conversations:
        lines.append(
            f"\n{len(rule.examples)} example(s), {len(rule.conversations)} conversation(s)"
        )
    return "\n".join(lines)


def _example(spec: ir.Spec, example: ir.Example, report: Any) -> str:
    """Describe an example: its rule, and the rule's last results per target."""
    rule = spec.rule(example.rule) if example.rule else None
    title = f" ({rule.title})" if rule is not None else ""
    lines = [f"Example {example.index} of rule `#{example.rule}`{title}"]
    cells = rule_results(report, spec.id, example.rule or "")
    if cells:
        lines.append("")
        lines.append("Last `specc test` results of the rule:")
        for target, cell in cells.items():
            lines.append(f"- {target}: {_cell(cell)}")
    return "\n".join(lines)


def _cell(cell: dict[str, Any]) -> str:
    status = str(cell.get("status", "?")).replace("_", " ")
    counts = [
        f"{cell[k]} {k.replace('_', ' ')}"
        for k in ("passed", "failed", "not_implemented")
        if cell.get(k)
    ]
    text = status + (f" ({', '.join(counts)})" if counts else "")
    message = cell.get("message")
    return text + (f": {str(message).splitlines()[0][:200]}" if message else "")


def rule_results(report: Any, spec_id: str, rule_id: str) -> dict[str, dict[str, Any]]:
    """Return one rule's cells from `out/report/tests.json`, by target (none if unreadable)."""
    try:
        rows = report["specs"][spec_id]["rules"]
        row = next(r for r in rows if r.get("rule") == rule_id)
        return {str(t): dict(c) for t, c in row["targets"].items()}
    except (KeyError, TypeError, StopIteration, AttributeError, ValueError):
        return {}


def find_report(spec_path: str) -> Any:
    """Return the spec's project's `out/report/tests.json`, read leniently, or None."""
    from specc import config
    from specc.reports import TESTS, read_report

    folder = Path(spec_path).resolve().parent
    found, _ = config.load(folder)
    if found.path is not None:
        return read_report(found.root / found.project.out, TESTS)
    for candidate in (folder, *folder.parents):
        report = read_report(candidate / "out", TESTS)
        if report is not None or (candidate / ".git").exists():
            return report
    return None
