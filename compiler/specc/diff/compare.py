"""Compare two versions of a spec: what changed, what breaks, which semver bump that needs."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from specc import ir
from specc.source import Span

Bump = Literal["none", "patch", "minor", "major"]
BUMPS: tuple[Bump, ...] = ("none", "patch", "minor", "major")
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?")


@dataclass(frozen=True)
class Change:
    """One difference between the old and the new spec."""

    kind: str
    """What changed, such as `rule-removed` or `field-type`."""
    subject: str
    """The rule ID or declaration name it concerns."""
    message: str
    bump: Bump
    """The least semver bump this change needs."""
    path: str
    line: int

    @property
    def breaking(self) -> bool:
        """Return whether the change needs a major bump."""
        return self.bump == "major"

    def to_json(self) -> dict[str, object]:
        """Return the change as a JSON-ready mapping."""
        return {
            "kind": self.kind,
            "subject": self.subject,
            "message": self.message,
            "breaking": self.breaking,
            "bump": self.bump,
            "path": self.path,
            "line": self.line,
        }


@dataclass
class SpecDiff:
    """Every change between two versions of one spec, and the version check."""

    spec: str
    old_version: str | None
    new_version: str | None
    changes: list[Change] = field(default_factory=list)

    @property
    def needed(self) -> Bump:
        """Return the bump the changes need (major shifts to minor before 1.0.0)."""
        bump = max((c.bump for c in self.changes), key=BUMPS.index, default="none")
        old = _parse_version(self.old_version)
        if old is not None and old[0] == 0 and bump != "none":
            bump = BUMPS[max(1, BUMPS.index(bump) - 1)]
        return bump

    @property
    def found(self) -> Bump | None:
        """Return the bump between the two versions; None if one is missing or it went back."""
        old, new = _parse_version(self.old_version), _parse_version(self.new_version)
        if old is None or new is None:
            return None
        if new[:3] < old[:3]:
            return None
        for part, name in zip(range(3), ("major", "minor", "patch"), strict=True):
            if new[part] > old[part]:
                return name  # type: ignore[return-value]
        return "none" if new == old else "patch"

    @property
    def breaking(self) -> bool:
        """Return whether any change is breaking."""
        return any(c.breaking for c in self.changes)

    @property
    def ok(self) -> bool:
        """Return whether the version bump covers every breaking change."""
        if not self.breaking:
            return True
        found = self.found
        return found is not None and BUMPS.index(found) >= BUMPS.index(self.needed)

    def to_json(self) -> dict[str, object]:
        """Return the diff as a JSON-ready mapping."""
        return {
            "spec": self.spec,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "bump_needed": self.needed,
            "bump_found": self.found,
            "breaking": self.breaking,
            "ok": self.ok,
            "changes": [c.to_json() for c in self.changes],
        }


def _parse_version(text: str | None) -> tuple[int, int, int, int] | None:
    """Return (major, minor, patch, is-release) so a release sorts after its pre-release."""
    match = _SEMVER.match(text or "")
    if match is None:
        return None
    major, minor, patch, pre = match.groups()
    return int(major), int(minor), int(patch), 0 if pre else 1


def diff_specs(old: ir.Spec | None, new: ir.Spec | None) -> SpecDiff:
    """Return every change from ``old`` to ``new`` (either may be absent)."""
    if new is None:
        assert old is not None
        result = SpecDiff(old.id, old.version, None)
        result.changes.append(
            Change("spec-removed", old.id, "spec removed", "major", old.path, 1)
        )
        return result
    if old is None:
        result = SpecDiff(new.id, None, new.version)
        result.changes.append(
            Change("spec-added", new.id, "spec added", "minor", new.path, 1)
        )
        return result
    result = SpecDiff(new.id, old.version, new.version)
    differ = _Differ(old, new, result.changes)
    differ.front_matter()
    differ.rules()
    differ.declarations()
    return result


class _Differ:
    """Collects the changes between two compiled specs."""

    def __init__(self, old: ir.Spec, new: ir.Spec, out: list[Change]) -> None:
        self.old, self.new, self.out = old, new, out

    def add(
        self,
        kind: str,
        subject: str,
        message: str,
        bump: Bump,
        span: Span | None = None,
    ) -> None:
        """Record one change, placed at ``span`` (else the new spec's first line)."""
        path, line = self.new.path, 1
        if isinstance(span, Span):
            path, line = span.path, span.line
        self.out.append(Change(kind, subject, message, bump, path, line))

    # --- Front matter and rules -------------------------------------------

    def front_matter(self) -> None:
        if self.old.id != self.new.id:
            self.add(
                "spec-renamed",
                self.new.id,
                f"spec renamed from `{self.old.id}` to `{self.new.id}`",
                "major",
            )
        for key in ("title", "summary"):
            if getattr(self.old, key) != getattr(self.new, key):
                self.add("front-matter", self.new.id, f"{key} changed", "patch")

    def rules(self) -> None:
        old = {r.id: r for r in self.old.rules()}
        new = {r.id: r for r in self.new.rules()}
        for rule_id, rule in old.items():
            if rule_id not in new:
                self.add(
                    "rule-removed",
                    str(rule_id),
                    f"rule `{rule_id}` removed",
                    "major",
                    rule.span,
                )
        for rule_id, rule in new.items():
            if rule_id not in old:
                self.add(
                    "rule-added",
                    str(rule_id),
                    f"rule `{rule_id}` added",
                    "minor",
                    rule.span,
                )
            else:
                self.rule(old[rule_id], rule)

    def rule(self, old: ir.Section, new: ir.Section) -> None:
        rule_id = str(new.id)
        if old.title != new.title:
            self.add(
                "rule-title",
                rule_id,
                f"title `{old.title}` is now `{new.title}`",
                "patch",
                new.span,
            )
        self.attributes(rule_id, old, new)
        self.statements(rule_id, old.statements, new.statements, new.span)
        self.examples(rule_id, old.examples, new.examples, new.span)
        self.conversations(rule_id, old.conversations, new.conversations, new.span)

    def attributes(self, rule_id: str, old: ir.Section, new: ir.Section) -> None:
        for key in sorted(set(old.attributes) | set(new.attributes)):
            before, after = old.attributes.get(key), new.attributes.get(key)
            if before == after:
                continue
            kind = "rule-authority" if key == "authority" else "rule-attribute"
            self.add(
                kind,
                rule_id,
                f"{key} `{before or '-'}` is now `{after or '-'}`",
                "major" if key == "authority" else "patch",
                new.span,
            )

    def statements(
        self,
        rule_id: str,
        old: list[ir.Statement],
        new: list[ir.Statement],
        span: ir.Span,
    ) -> None:
        matcher = difflib.SequenceMatcher(
            a=[s.text for s in old], b=[s.text for s in new], autojunk=False
        )
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            before, after = old[i1:i2], new[j1:j2]
            for a, b in zip(before, after, strict=False):
                self.statement_changed(rule_id, a, b)
            for a in before[len(after) :]:
                self.statement_removed(rule_id, a, span)
            for b in after[len(before) :]:
                self.statement_added(rule_id, b)

    def statement_changed(self, rule_id: str, a: ir.Statement, b: ir.Statement) -> None:
        if a.strength is None and b.strength is not None:
            self.statement_added(rule_id, b)
        elif a.strength != b.strength:
            self.add(
                "rule-strength",
                rule_id,
                f"{a.strength or 'informative'} is now {b.strength or 'informative'}: "
                f"{_quote(b.text)}",
                "major",
                b.span,
            )
        else:
            self.add(
                "rule-text", rule_id, f"text changed: {_quote(b.text)}", "patch", b.span
            )

    def statement_removed(self, rule_id: str, a: ir.Statement, span: ir.Span) -> None:
        if a.strength:
            message = f"drops a {a.strength} statement: {_quote(a.text)}"
            self.add("rule-strength", rule_id, message, "major", span)
        else:
            self.add(
                "rule-text", rule_id, f"text removed: {_quote(a.text)}", "patch", span
            )

    def statement_added(self, rule_id: str, b: ir.Statement) -> None:
        if b.strength:
            message = f"adds a {b.strength} statement: {_quote(b.text)}"
            self.add("rule-strength", rule_id, message, "minor", b.span)
        else:
            self.add(
                "rule-text", rule_id, f"text added: {_quote(b.text)}", "patch", b.span
            )

    def examples(
        self,
        rule_id: str,
        old: list[ir.Example],
        new: list[ir.Example],
        span: ir.Span,
    ) -> None:
        before = {_call_key(e): e for e in old}
        after = {_call_key(e): e for e in new}
        for key, example in before.items():
            if key not in after:
                self.add(
                    "example-removed",
                    rule_id,
                    f"example removed: {example.text}",
                    "major",
                    span,
                )
            elif _outcome(example) != _outcome(after[key]):
                self.add(
                    "example-changed",
                    rule_id,
                    f"example `{example.text}` is now `{after[key].text}`",
                    "major",
                    after[key].span,
                )
        for key, example in after.items():
            if key not in before:
                self.add(
                    "example-added",
                    rule_id,
                    f"example added: {example.text}",
                    "minor",
                    example.span,
                )

    def conversations(
        self,
        rule_id: str,
        old: list[ir.Conversation],
        new: list[ir.Conversation],
        span: ir.Span,
    ) -> None:
        before = {c.title: c for c in old}
        after = {c.title: c for c in new}
        for title, conversation in before.items():
            if title not in after:
                message = f"conversation removed: {title}"
                self.add("example-removed", rule_id, message, "major", span)
                continue
            now = after[title]
            labels = [a.label for a in conversation.answers]
            if labels != [a.label for a in now.answers]:
                message = f"conversation `{title}`: answer labels changed"
                self.add("example-changed", rule_id, message, "major", now.span)
            elif _conversation_text(conversation) != _conversation_text(now):
                message = f"conversation `{title}`: text changed"
                self.add("example-changed", rule_id, message, "patch", now.span)
        for title, conversation in after.items():
            if title not in before:
                message = f"conversation added: {title}"
                self.add("example-added", rule_id, message, "minor", conversation.span)

    # --- Declarations ------------------------------------------------------

    def declarations(self) -> None:
        old = {d.name: d for d in [*self.old.types, *self.old.functions]}
        new = {d.name: d for d in [*self.new.types, *self.new.functions]}
        for name, decl in old.items():
            if name not in new:
                message = f"{_kind(decl)} `{name}` removed"
                self.add("declaration-removed", name, message, "major", decl.span)
        for name, decl in new.items():
            if name not in old:
                message = f"{_kind(decl)} `{name}` added"
                self.add("declaration-added", name, message, "minor", decl.span)
            else:
                self.declaration(old[name], decl)

    def declaration(self, old: ir.DeclBase, new: ir.DeclBase) -> None:
        name = new.name
        if old.kind != new.kind:  # type: ignore[attr-defined]
            message = f"`{name}` was {_kind(old)}, is now {_kind(new)}"
            self.add("declaration-changed", name, message, "major", new.span)
            return
        if old.doc != new.doc:
            self.add(
                "declaration-doc", name, f"`{name}`: doc changed", "patch", new.span
            )
        if isinstance(old, ir.Function) and isinstance(new, ir.Function):
            self.function(old, new)
        elif isinstance(old, ir.Alias) and isinstance(new, ir.Alias):
            if str(old.target) != str(new.target):
                message = f"type `{name}` = {old.target} is now {new.target}"
                self.add("declaration-changed", name, message, "major", new.span)
        elif isinstance(old, ir.Enum) and isinstance(new, ir.Enum):
            self.members(name, "member", old.members, new.members, new.span)
        elif isinstance(old, ir.Variant) and isinstance(new, ir.Variant):
            self.members(name, "tag", old.tags, new.tags, new.span)
            tags = {t.name: t for t in old.tags}
            for tag in new.tags:
                if tag.name in tags:
                    owner = f"{name}.{tag.name}"
                    self.fields(owner, tags[tag.name].fields, tag.fields, tag.span)
        elif isinstance(old, (ir.Record, ir.Error)) and isinstance(
            new, (ir.Record, ir.Error)
        ):
            self.fields(name, old.fields, new.fields, new.span)
            if isinstance(old, ir.Error) and isinstance(new, ir.Error):
                if old.message != new.message:
                    message = f"error `{name}`: message changed"
                    self.add("declaration-changed", name, message, "patch", new.span)

    def function(self, old: ir.Function, new: ir.Function) -> None:
        name = new.name
        self.fields(name, old.params, new.params, new.span, params=True)
        if str(old.returns) != str(new.returns):
            message = f"`{name}` returns {new.returns}, was {old.returns}"
            self.add("signature-changed", name, message, "major", new.span)
        for error in new.raises:
            if error not in old.raises:
                message = f"`{name}` may now raise `{error}`"
                self.add("signature-changed", name, message, "major", new.span)
        for error in old.raises:
            if error not in new.raises:
                message = f"`{name}` no longer raises `{error}`"
                self.add("signature-changed", name, message, "minor", new.span)

    def members(
        self,
        owner: str,
        noun: str,
        old: Iterable[ir.EnumMember | ir.VariantTag],
        new: Iterable[ir.EnumMember | ir.VariantTag],
        span: ir.Span,
    ) -> None:
        before, after = [m.name for m in old], [m.name for m in new]
        for member in before:
            if member not in after:
                message = f"{noun} `{member}` removed"
                self.add("member-removed", owner, message, "major", span)
        for member in after:
            if member not in before:
                # Generated Rust and TypeScript match exhaustively, so a new member
                # stops code that handled every old one from compiling.
                message = f"{noun} `{member}` added"
                self.add("member-added", owner, message, "major", span)

    def fields(
        self,
        owner: str,
        old: list[ir.Field],
        new: list[ir.Field],
        span: ir.Span,
        params: bool = False,
    ) -> None:
        noun = "parameter" if params else "field"
        kind = "signature-changed" if params else "field-changed"
        before = {f.name: f for f in old}
        after = {f.name: f for f in new}
        for name in before:
            if name not in after:
                message = f"{noun} `{name}` removed"
                self.add(kind, owner, message, "major", span)
        for name, f in after.items():
            if name not in before:
                optional = not params and not f.required
                message = f"{'optional ' if optional else ''}{noun} `{name}` added"
                self.add(kind, owner, message, "minor" if optional else "major", f.span)
                continue
            self.field(owner, noun, kind, before[name], f)
        common = [n for n in before if n in after]
        if params and common != [n for n in after if n in before]:
            message = "parameters reordered"
            self.add(kind, owner, message, "major", span)

    def field(
        self, owner: str, noun: str, kind: str, old: ir.Field, new: ir.Field
    ) -> None:
        where = f"{noun} `{new.name}`"
        if str(old.type) != str(new.type):
            message = f"{where} is {new.type}, was {old.type}"
            self.add(kind, owner, message, "major", new.span)
        elif _dump(old.default) != _dump(new.default):
            bump: Bump = "minor" if old.default is None else "major"
            message = f"{where}: default " + (
                "added" if old.default is None else "changed or removed"
            )
            self.add(kind, owner, message, bump, new.span)
        elif old.doc != new.doc:
            self.add(kind, owner, f"{where}: doc changed", "patch", new.span)


def _dump(value: object) -> object:
    return value.model_dump(mode="json") if isinstance(value, ir.Node) else value


def _call_key(example: ir.Example) -> str:
    """Return what identifies an example across versions: its call, as written."""
    return " ".join(_split_example(example.text)[0].split())


def _outcome(example: ir.Example) -> str:
    """Return what an example expects, as written."""
    return " ".join(_split_example(example.text)[1].split())


def _split_example(text: str) -> tuple[str, str]:
    """Split `f(args) == value` after the call's closing parenthesis."""
    depth, quoted, escaped = 0, False, False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif quoted:
            escaped, quoted = char == "\\", char != '"'
        elif char == '"':
            quoted = True
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0 and char == ")":
                return text[: index + 1], text[index + 1 :]
    return text, ""


def _conversation_text(conversation: ir.Conversation) -> list[str]:
    turns = [f"{t.role}:{t.content}" for t in conversation.turns]
    return turns + [f"{a.reason}:{a.content}" for a in conversation.answers]


def _kind(decl: ir.DeclBase) -> str:
    return str(getattr(decl, "kind", "declaration"))


def _quote(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= width else text[: width - 1] + '…'}”"
