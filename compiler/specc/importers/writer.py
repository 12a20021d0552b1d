"""Write an import as a spec: front matter, a rule per schema and operation, values that type-check."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import yaml

from specc.importers.model import (
    Decl,
    Field,
    Function,
    Imported,
    ListOf,
    MapOf,
    Opt,
    Prim,
    Rule,
    Type,
)


class NotWritable(Exception):
    """A JSON value that does not fit the type where it stands."""


class ValueWriter:
    """Writes JSON values as spec values of a given type."""

    def __init__(self, decls: dict[str, Decl]) -> None:
        self.decls = decls

    def write(self, value: Any, t: Type) -> str:
        """Return ``value`` written as a spec value of type ``t``; raise `NotWritable`."""
        if isinstance(t, Opt):
            return "none" if value is None else self.write(value, t.inner)
        if isinstance(t, Prim):
            return self.primitive(value, t.name)
        if isinstance(t, ListOf):
            if not isinstance(value, list):
                raise NotWritable(f"{_short(value)} is not a list")
            return "[" + ", ".join(self.write(v, t.item) for v in value) + "]"
        if isinstance(t, MapOf):
            if not isinstance(value, dict):
                raise NotWritable(f"{_short(value)} is not an object")
            items = (
                f"{_string(k)}: {self.write(v, t.value)}" for k, v in value.items()
            )
            return "{" + ", ".join(items) + "}"
        return self.named(value, self.decls[t.name])

    def primitive(self, value: Any, name: str) -> str:
        if name == "bool" and isinstance(value, bool):
            return "true" if value else "false"
        if name == "int" and isinstance(value, int) and not isinstance(value, bool):
            if -(2**63) <= value < 2**63:
                return str(value)
        if (
            name == "float"
            and isinstance(value, (int, float))
            and not isinstance(value, bool)
        ):
            if isinstance(value, int) or math.isfinite(value):
                return repr(value) if isinstance(value, float) else str(value)
        if name == "string" and isinstance(value, str):
            return _string(value)
        article = "an" if name == "int" else "a"
        raise NotWritable(f"{_short(value)} is not {article} {name}")

    def named(self, value: Any, decl: Decl) -> str:
        if decl.kind == "alias":
            assert decl.target is not None
            if decl.raw:
                return _string(json.dumps(value, ensure_ascii=False, sort_keys=True))
            return self.write(value, decl.target)
        if decl.kind == "enum":
            for name, json_value in decl.members:
                if value == json_value:
                    return name
            raise NotWritable(f"{_short(value)} is not a member of {decl.name}")
        if not isinstance(value, dict):
            raise NotWritable(f"{_short(value)} is not an object")
        if decl.kind == "variant":
            for tag, json_value, fields in decl.tags:
                if value.get(decl.tag_property) == json_value:
                    rest = {k: v for k, v in value.items() if k != decl.tag_property}
                    return tag + self.fields(rest, fields, f"{decl.name}.{tag}")
            raise NotWritable(f"{_short(value)} has no tag of {decl.name}")
        return self.fields(value, decl.fields, decl.name)

    def fields(self, value: dict[str, Any], fields: list[Field], owner: str) -> str:
        by_json = {f.json_name or f.name: f for f in fields}
        unknown = [k for k in value if k not in by_json]
        if unknown:
            raise NotWritable(f"{owner} has no field `{unknown[0]}`")
        parts = []
        for f in fields:
            key = f.json_name or f.name
            if key in value:
                parts.append(f"{f.name}: {self.write(value[key], f.type)}")
            elif not (isinstance(f.type, Opt) or f.has_default):
                raise NotWritable(f"{owner} needs `{key}`")
        return "{" + ", ".join(parts) + "}"


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


_LEADING = re.compile(r"^(\s{0,3})(#|!!!|```|~~~|---|===|\[\^)")


def prose(text: str) -> str:
    """Return Markdown from a document that cannot start a heading, fence or link to a rule."""
    lines = [_LEADING.sub(r"\1\\\2", line) for line in text.strip().splitlines()]
    # A link to `#anchor` would be read as a cross-reference to a rule.
    return "\n".join(lines).replace("](#", "] (#")


def doc_lines(lines: list[str], indent: str) -> list[str]:
    """Return doc comment lines (`///`)."""
    return [f"{indent}/// {line}".rstrip() for line in lines]


def write_decl(decl: Decl) -> list[str]:
    """Return the lines of one declaration."""
    out = doc_lines(decl.doc, "")
    if decl.kind == "alias":
        out.append(f"type {decl.name} = {decl.target}")
    elif decl.kind == "enum":
        out.append(f"enum {decl.name} {{")
        out += [f"  {name}," for name, _ in decl.members]
        out.append("}")
    elif decl.kind == "variant":
        out.append(f"variant {decl.name} {{")
        for tag, _, fields in decl.tags:
            out.append(f"  {tag} {{" + ("" if fields else " }"))
            if fields:
                out += _fields(fields, "    ")
                out.append("  }")
        out.append("}")
    elif decl.kind == "error" and not decl.fields:
        out.append(f"error {decl.name} {_string(decl.message or decl.name)}")
    else:
        keyword = "error" if decl.kind == "error" else "record"
        out.append(f"{keyword} {decl.name} {{" + ("" if decl.fields else " }"))
        if decl.fields:
            out += _fields(decl.fields, "  ")
            out.append("}")
    return out


def _fields(fields: list[Field], indent: str) -> list[str]:
    out = []
    for f in fields:
        out += doc_lines(f.doc, indent)
        default = f" = {f.default}" if f.has_default else ""
        out.append(f"{indent}{f.name}: {f.type}{default}")
    return out


def write_function(fn: Function) -> list[str]:
    """Return the lines of a function declaration."""
    out = doc_lines(fn.doc, "")
    params = ", ".join(f"{p.name}: {p.type}" for p in fn.params)
    raises = f" raises {', '.join(fn.raises)}" if fn.raises else ""
    out.append(f"fn {fn.name}({params}) -> {fn.returns}{raises}")
    return out


def write_spec(imported: Imported) -> str:
    """Return the text of the spec."""
    front = {
        "spec": imported.spec_id,
        "title": imported.title,
        "version": imported.version,
        "summary": imported.summary,
    }
    parts = [
        "---\n"
        + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
        + "---\n"
    ]
    parts.append(f"# {_heading(imported.title)}\n")
    intro = f"Imported by `specc import` from {imported.source}."
    if imported.summary:
        intro = prose(imported.summary) + "\n\n" + intro
    parts.append(intro + "\n")
    for rule in imported.rules:
        parts.append(write_rule(rule))
    return "\n".join(parts)


def write_rule(rule: Rule) -> str:
    """Return one rule's section."""
    out = [f"## {_heading(rule.title)} {{#{rule.id}}}", ""]
    for paragraph in rule.prose:
        out += [prose(paragraph), ""]
    lines: list[str] = []
    for decl in rule.decls:
        lines += [*write_decl(decl), ""]
    if rule.function is not None:
        lines += write_function(rule.function)
    if lines:
        while lines and not lines[-1]:
            lines.pop()
        out += ["```specc", *lines, "```", ""]
    if rule.function is not None and rule.function.examples:
        out += ["```examples", *rule.function.examples, "```", ""]
    return "\n".join(out)


def _heading(text: str) -> str:
    """Return one line of heading text that cannot end in an attribute block."""
    line = " ".join(text.split()) or "Untitled"
    return line.replace("{", "(").replace("}", ")").lstrip("#").strip() or "Untitled"
