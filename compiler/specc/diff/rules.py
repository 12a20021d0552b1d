"""Compare the rules of two versions of a spec: titles, attributes, statements, examples."""

from __future__ import annotations

import difflib

from specc import ir
from specc.diff.changes import Recorder
from specc.frontend.example_text import call_end
from specc.source import Span


class RuleDiffer(Recorder):
    """Records what changed in each rule: added, removed, or edited inside."""

    def rules(self) -> None:
        """Record the rules removed, the rules added, and the changes inside the rest."""
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
        """Record the changes inside one rule kept under the same ID."""
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
        """Record each attribute whose value changed (the authority breaks)."""
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

    # --- Statements ----------------------------------------------------------

    def statements(
        self,
        rule_id: str,
        old: list[ir.Statement],
        new: list[ir.Statement],
        span: Span,
    ) -> None:
        """Record the statements changed, removed and added, matched by their text."""
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
        """Record a statement edited in place: its strength, else its text."""
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

    def statement_removed(self, rule_id: str, a: ir.Statement, span: Span) -> None:
        """Record a statement removed (a normative one breaks)."""
        if a.strength:
            message = f"drops a {a.strength} statement: {_quote(a.text)}"
            self.add("rule-strength", rule_id, message, "major", span)
        else:
            self.add(
                "rule-text", rule_id, f"text removed: {_quote(a.text)}", "patch", span
            )

    def statement_added(self, rule_id: str, b: ir.Statement) -> None:
        """Record a statement added (a normative one needs a minor bump)."""
        if b.strength:
            message = f"adds a {b.strength} statement: {_quote(b.text)}"
            self.add("rule-strength", rule_id, message, "minor", b.span)
        else:
            self.add(
                "rule-text", rule_id, f"text added: {_quote(b.text)}", "patch", b.span
            )

    # --- Examples and conversations ------------------------------------------

    def examples(
        self,
        rule_id: str,
        old: list[ir.Example],
        new: list[ir.Example],
        span: Span,
    ) -> None:
        """Record the examples removed, changed in outcome, and added, keyed by call."""
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
        span: Span,
    ) -> None:
        """Record the conversations removed, changed and added, keyed by title."""
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


def _call_key(example: ir.Example) -> str:
    """Return what identifies an example across versions: its call, as written."""
    return " ".join(_split_example(example.text)[0].split())


def _outcome(example: ir.Example) -> str:
    """Return what an example expects, as written."""
    return " ".join(_split_example(example.text)[1].split())


def _split_example(text: str) -> tuple[str, str]:
    """Split `f(args) == value` after the call's closing parenthesis."""
    end = call_end(text)
    return (text, "") if end is None else (text[:end], text[end:])


def _conversation_text(conversation: ir.Conversation) -> list[str]:
    """Return a conversation's turns and answers as comparable text."""
    turns = [f"{t.role}:{t.content}" for t in conversation.turns]
    return turns + [f"{a.reason}:{a.content}" for a in conversation.answers]


def _quote(text: str, width: int = 80) -> str:
    """Return a statement on one line, in quotes, cut to ``width`` characters."""
    text = " ".join(text.split())
    return f"“{text if len(text) <= width else text[: width - 1] + '…'}”"
