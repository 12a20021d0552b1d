"""Headings: the title, the rule ID and the attributes of `Title {#id key=value}`."""

from __future__ import annotations

import re

from specc.diagnostics import Related
from specc.frontend.lower.context import SpecContext
from specc.frontend.parse import RawSection
from specc.source import Span

_ATTR_BLOCK = re.compile(r"[ \t]*\{([^{}]*)\}[ \t]*$")
_ATTR_TOKEN = re.compile(r"""\s*(#[^\s}]*|[A-Za-z_][\w.-]*=(?:"[^"]*"|[^\s"]+)|\S+)""")
_RULE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]*$")


class HeadingReader:
    """Reads heading attribute blocks, keeping every rule ID the spec declares."""

    def __init__(self, ctx: SpecContext) -> None:
        self.ctx = ctx
        self.rule_ids: dict[str, Span] = {}
        """Each rule ID with the heading that first declared it."""

    def read(self, raw: RawSection) -> tuple[str, str | None, dict[str, str]]:
        """Split `Title {#id key=value}` into title, ID and attributes."""
        heading = raw.heading
        match = _ATTR_BLOCK.search(heading.text)
        if not match:
            return heading.text.strip(), None, {}
        inner = match.group(1)
        if not (inner.strip().startswith("#") or "=" in inner):
            return heading.text.strip(), None, {}
        diag = self.ctx.diag
        line_text = self.ctx.source.line(heading.line)
        base = line_text.rfind("{") + 2
        rule_id: str | None = None
        attributes: dict[str, str] = {}
        for token in _ATTR_TOKEN.finditer(inner):
            text = token.group(1)
            col = base + token.start(1)
            if text.startswith("#"):
                candidate = text[1:]
                if rule_id is not None:
                    diag(
                        "E022",
                        "a heading has only one `#id`",
                        heading.line,
                        col,
                        length=len(text),
                    )
                elif not _RULE_ID.match(candidate):
                    diag(
                        "E020",
                        f"`{text}` is not a valid rule ID",
                        heading.line,
                        col,
                        "IDs use letters, digits, `_`, `-`, `.` and `:`",
                        len(text),
                    )
                else:
                    rule_id = candidate
            elif "=" in text:
                key, value = text.split("=", 1)
                if key in attributes:
                    diag(
                        "E022",
                        f"attribute `{key}` is given twice",
                        heading.line,
                        col,
                        length=len(key),
                    )
                attributes[key] = value.strip('"')
            else:
                diag(
                    "E020",
                    f"`{text}` in a heading attribute block is neither "
                    "`#id` nor `key=value`",
                    heading.line,
                    col,
                    length=len(text),
                )
        if rule_id is None:
            if not any(t.group(1).startswith("#") for t in _ATTR_TOKEN.finditer(inner)):
                diag(
                    "E023",
                    "heading attributes need an `#id`",
                    heading.line,
                    base - 1,
                    "write {#some_id key=value}",
                )
        else:
            first = self.rule_ids.get(rule_id)
            at = base + inner.find("#" + rule_id)
            if first is not None:
                diag(
                    "E021",
                    f"rule ID `{rule_id}` is used twice",
                    heading.line,
                    at,
                    f"first used at line {first.line}",
                    len(rule_id) + 1,
                    (Related(first, f"`#{rule_id}` is first used here"),),
                )
            else:
                span = self.ctx.source.span(heading.line, at, len(rule_id) + 1)
                self.rule_ids[rule_id] = span
        return heading.text[: match.start()].strip(), rule_id, attributes
